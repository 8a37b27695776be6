/* Unsigned numbers as decimal text, two digits at a time: line numbers and
 * pids are printed for every event of a timeline. */
#ifndef PGM_DECIMAL_H
#define PGM_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/* Digits of the largest uint64_t. */
#define PGM_U64_DIGITS 20

/* Writes v's digits to out (no NUL) and returns how many: counted first, so
 * the digits go straight to their places (no copy of a variable length). */
static inline size_t pgm_format_u64(char out[PGM_U64_DIGITS], uint64_t v)
{
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                   "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                   "8081828384858687888990919293949596979899";
    size_t n = 1;
    for (uint64_t t = v; t >= 10; t /= 10)
        n++;
    char *p = out + n;
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
    return n;
}

#endif
