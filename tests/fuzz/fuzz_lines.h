/* The fuzz input fed line by line, as the readers get a file. */
#ifndef PGM_FUZZ_LINES_H
#define PGM_FUZZ_LINES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef void (*fuzz_line_fn)(void *ctx, const char *line, size_t n, uint64_t lineno);

static inline void fuzz_feed_lines(const uint8_t *data, size_t size, fuzz_line_fn fn, void *ctx)
{
    const char *s = (const char *)data, *end = (const char *)data + size;
    uint64_t lineno = 0;
    while (s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        size_t n = e ? (size_t)(e - s) : (size_t)(end - s);
        fn(ctx, s, n, ++lineno);
        s += n + 1;
    }
}

#endif
