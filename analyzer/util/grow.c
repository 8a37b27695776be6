#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>

void *pgm_grow(void *items, size_t *alloc, size_t n, size_t size, size_t first)
{
    if (n < *alloc)
        return items;
    size_t na = *alloc ? *alloc : first ? first : 1;
    while (na <= n) {
        if (na > SIZE_MAX / 2)
            return NULL;
        na *= 2;
    }
    if (size && na > SIZE_MAX / size)
        return NULL;
    void *p = realloc(items, na * size);
    if (!p)
        return NULL;
    *alloc = na;
    return p;
}
