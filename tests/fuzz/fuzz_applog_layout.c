/* libFuzzer target: the layout inference of application logs
 * (applog/layout.h) line by line: an entry's head in any layout, the JUL
 * level line, the trace-line test, ANSI stripping and the Java dates
 * (text/timestamp.h). Every slice a head returns must lie inside its line. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_lines.h"

#include "applog/layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(pgm_slice s, const char *line, size_t n)
{
    if (s.n && (s.p < line || s.p + s.n > line + n))
        abort();
}

static void one_line(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    (void)ctx, (void)lineno;
    /* a copy the size of the line: reads past it are caught */
    char *copy = malloc(n ? n : 1);
    if (!copy)
        return;
    memcpy(copy, line, n);
    size_t m = pgm_app_strip_ansi(copy, n);
    if (m > n)
        abort();
    pgm_app_head h;
    if (pgm_app_parse_head(copy, m, &h)) {
        inside(h.level, copy, m), inside(h.thread, copy, m), inside(h.logger, copy, m);
        inside(h.message, copy, m), inside(h.app, copy, m), inside(h.pid, copy, m);
        if (h.ts.len > m)
            abort();
    }
    pgm_slice level, message;
    if (pgm_app_level_line(copy, m, &level, &message)) {
        inside(level, copy, m);
        inside(message, copy, m);
    }
    (void)pgm_app_trace_line(copy, m);
    pgm_ts_parse ts;
    if (pgm_ts_parse_java(copy, m, &ts) && ts.len > m)
        abort();
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_feed_lines(data, size, one_line, NULL);
    return 0;
}
