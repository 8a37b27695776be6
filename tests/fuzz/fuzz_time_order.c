/* libFuzzer target: the proof of time order (pipeline/time_order.h) against
 * the reader it stands in for. When the proof says a log is in time order and
 * the reader's prefix leads with the time, every record the reader makes
 * must come no earlier than the one before: `timeline` writes them as they
 * come, and a wrong proof would print them out of order. The first byte picks
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
    int64_t last;
    unsigned long records;
    bool backwards;
} order_seen;

static void on_record(void *ctx, const pgm_pg_record *rec)
{
    order_seen *o = ctx;
    if (o->records++ && rec->t < o->last)
        o->backwards = true;
    o->last = rec->t;
}

static void feed(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    pgm_pglog_feed(ctx, line, n, lineno);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool proven = pgm_time_order_text((const char *)data + 1, size - 1);
    pgm_pglog_options opt = {.prefix = prefixes[data[0] % 6], .tz = {(data[0] & 0x80) != 0, 3600, NULL}};
    order_seen seen = {0};
    pgm_pglog_reader *r;
    char err[PGM_ERR_MAX];
    if (pgm_pglog_open(&r, (data[0] & 0x40) ? "rds" : "stderr", &opt, on_record, &seen, err) != PGM_OK)
        return 0;
    fuzz_feed_lines(data + 1, size - 1, feed, r);
    pgm_pglog_finish(r);
    if (proven && pgm_pglog_time_led(r) && seen.backwards)
        abort(); /* proven in order, yet a record went back in time */
    pgm_pglog_close(r);
    return 0;
}
