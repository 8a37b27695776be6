/* libFuzzer target: the proof of how far a log steps back in time
 * (pipeline/time_order.h) against the reader it stands in for. When the proof
 * gives a step and the reader's prefix leads with the time, no record the
 * reader makes may come more than that step before the latest one before it:
 * `timeline` writes them as they come through a buffer of that much time, and
 * a step measured short would print them out of order. The first byte picks
 * the prefix (or detection); the rest is the log. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_lines.h"

#include "pglog/reader.h"
#include "pipeline/time_order.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const prefixes[] = {NULL, "%m [%p] ", "%m [%p] %q%u@%d ", "%t:%r:%u@%d:[%p]:",
                                       "%t [%p]: [%l-1] user=%u,db=%d ", "%m %c "};

typedef struct order_seen {
    int64_t latest;
    unsigned long records;
    int64_t max_step; /* -1: a record of no time after one with a time */
} order_seen;

static void on_record(void *ctx, const pgm_pg_record *rec)
{
    order_seen *o = ctx;
    if (o->records++ == 0 || rec->t > o->latest) {
        o->latest = rec->t;
        return;
    }
    if (rec->t == PGM_TS_UNKNOWN)
        o->max_step = -1; /* behind every time: no step covers it */
    else if (o->max_step >= 0 && o->latest - rec->t > o->max_step)
        o->max_step = o->latest - rec->t;
}

static void feed(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    pgm_pglog_feed(ctx, line, n, lineno);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int64_t proven = pgm_time_order_text((const char *)data + 1, size - 1);
    pgm_pglog_options opt = {.prefix = prefixes[data[0] % 6], .tz = {(data[0] & 0x80) != 0, 3600, NULL}};
    order_seen seen = {.max_step = 0};
    pgm_pglog_reader *r;
    char err[PGM_ERR_MAX];
    if (pgm_pglog_open(&r, (data[0] & 0x40) ? "rds" : "stderr", &opt, on_record, &seen, err) != PGM_OK)
        return 0;
    fuzz_feed_lines(data + 1, size - 1, feed, r);
    pgm_pglog_finish(r);
    if (proven >= 0 && pgm_pglog_time_led(r) && (seen.max_step < 0 || seen.max_step > proven))
        abort(); /* a record went back in time further than the proof says */
    pgm_pglog_close(r);
    return 0;
}
