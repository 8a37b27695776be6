/* Unsigned numbers as decimal text, two digits at a time: line numbers and
 * pids are printed for every event of a timeline. */
#ifndef PGM_DECIMAL_H
#define PGM_DECIMAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Digits of the largest uint64_t. */
#define PGM_U64_DIGITS 20

/* Writes v's digits to out (no NUL) and returns how many. */
static inline size_t pgm_format_u64(char out[PGM_U64_DIGITS], uint64_t v)
{
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                   "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                   "8081828384858687888990919293949596979899";
    char buf[PGM_U64_DIGITS];
    char *p = buf + sizeof buf;
    while (v >= 100) {
        unsigned k = (unsigned)(v % 100) * 2;
        v /= 100;
        *--p = pairs[k + 1];
        *--p = pairs[k];
    }
    if (v >= 10) {
        *--p = pairs[v * 2 + 1];
        *--p = pairs[v * 2];
    } else {
        *--p = (char)('0' + v);
    }
    size_t n = (size_t)(buf + sizeof buf - p);
    memcpy(out, p, n);
    return n;
}

#endif
