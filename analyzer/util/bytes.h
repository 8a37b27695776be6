/* Compares of the short texts every line has (a prefix after its time, a
 * timestamp with the bytes after it: 20 to 100 bytes), inline: a call to
 * memcmp cost more than the compare itself, 6% of a timeline's time. */
#ifndef PGM_BYTES_H
#define PGM_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t pgm_load8(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* memcmp(a, b, n) == 0: 8 bytes at a time, the last 8 overlapping the ones
 * before them. */
static inline bool pgm_same_bytes(const void *a, const void *b, size_t n)
{
    const char *x = a, *y = b;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            if (x[i] != y[i])
                return false;
        return true;
    }
    size_t i = 0;
    for (; i + 8 < n; i += 8)
        if (pgm_load8(x + i) != pgm_load8(y + i))
            return false;
    return pgm_load8(x + n - 8) == pgm_load8(y + n - 8);
}

#endif
