/* A growable array's room for one more element: the doubling every module
 * wrote for itself (a count, an allocation, realloc twice as large from a
 * first size). */
#ifndef PGM_GROW_H
#define PGM_GROW_H

#include <stddef.h>

/* `items` holds `*alloc` elements of `size` bytes, `n` of them used. Returns
 * the array with room for element n: `items` itself when it has it, else a
 * larger one (`*alloc` doubled, or `first` for an empty array) with the
 * elements moved; NULL when memory ran out or the size would overflow, the
 * array and `*alloc` then unchanged (the caller still owns `items`). */
void *pgm_grow(void *items, size_t *alloc, size_t n, size_t size, size_t first);

#endif
