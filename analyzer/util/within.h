/* Whether bytes lie inside a buffer, by address: the two may be different
 * objects (a value borrowed from a message, a block libarchive copied), which
 * C's < may not compare, so their addresses are compared as integers. */
#ifndef PGM_UTIL_WITHIN_H
#define PGM_UTIL_WITHIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the n bytes at v lie inside the m bytes at p. */
static inline bool pgm_within(const void *v, size_t n, const void *p, size_t m)
{
    uintptr_t a = (uintptr_t)v, b = (uintptr_t)p;
    return p && a >= b && n <= m && a - b <= m - n;
}

#endif
