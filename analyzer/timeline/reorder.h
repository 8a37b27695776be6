/* Puts a stream of records in time order as it goes when it is in order but
 * for steps back of bounded size, as real server logs are: each backend
 * stamps its line when it forms it and writes it a little later, so lines of
 * different pids step back by a few milliseconds all the time.
 *
 * Records come in batches (a thread's chunk of a log, or the last megabyte of
 * one); a batch is sorted on its own (pgm_reorder_batch_seal, in the thread
 * that made it), then merged with the records held back, and every record
 * older than the watermark goes out: the latest time seen less the window.
 * The window is fixed when a pass proved the largest step back, else it grows
 * with the largest step back seen (PGM_REORDER_HEADROOM times it, never under
 * PGM_REORDER_MIN_WINDOW_US). What is held back is bounded by bytes: past
 * them, an adaptive window narrows to the largest step back seen for as long
 * as memory is short; a proven one cannot, and then the held records and
 * every one after go through a sorter (sort(1)'s way, timeline/sorter.h),
 * which is correct whatever comes, only slower.
 *
 * A record older than one already out cannot be put in its place: the push
 * says so (PGM_REORDER_LATE, where in pgm_reorder_late) and the caller makes
 * its output again, sorted. With a proven window that cannot happen.
 *
 * The order is the sorter's: time, then `order`, then arrival. */
#ifndef PGM_REORDER_H
#define PGM_REORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timeline/sorter.h"
#include "util/rc.h"
#include "util/strbuf.h"

/* The adaptive window: this many times the largest step back seen ... */
#define PGM_REORDER_HEADROOM 4
/* ... and never under this (100 ms: a busy server's steps are milliseconds). */
#define PGM_REORDER_MIN_WINDOW_US 100000
/* Bytes of records held back at most: past them, an adaptive window lets
 * the oldest out early (no closer to the latest time than the largest step
 * back seen, nor than PGM_REORDER_NARROW_MIN_US), and what still does not
 * fit goes through a sorter. */
#define PGM_REORDER_MEM (16u << 20)
#define PGM_REORDER_NARROW_MIN_US 10000

/* A record older than one already out: the push's return. */
#define PGM_REORDER_LATE 1

typedef struct pgm_reorder_rec {
    int64_t t;
    uint64_t order;
    size_t off, len;           /* its bytes in the batch's text */
    const char *path;          /* where it came from, for the caller's message */
    uint64_t line;
} pgm_reorder_rec;

/* Records as they came, their bytes one after another in `text`. */
typedef struct pgm_reorder_batch {
    pgm_strbuf text;
    pgm_reorder_rec *recs;
    size_t n, cap;
    int64_t max_t;             /* the latest time, and the largest step back in arrival order */
    int64_t step_back;
    bool sealed;
} pgm_reorder_batch;

/* A batch on the heap (pushes hand batches over and back). `max_bytes`:
 * its text's cap (pgm_strbuf). NULL: out of memory. */
pgm_reorder_batch *pgm_reorder_batch_new(size_t max_bytes);
void pgm_reorder_batch_delete(pgm_reorder_batch *b);
void pgm_reorder_batch_reset(pgm_reorder_batch *b);
/* The record whose bytes are text[off .. text.len), just appended by the
 * caller. PGM_OK, or PGM_FATAL (memory). */
int pgm_reorder_batch_mark(pgm_reorder_batch *b, int64_t t, uint64_t order, size_t off, const char *path,
                           uint64_t line);
/* Sorts the batch by time, order and arrival (cheap when it is in order). */
void pgm_reorder_batch_seal(pgm_reorder_batch *b);

typedef struct pgm_reorder pgm_reorder;

/* `proven_window` >= 0: the window, proven by a pass over the input;
 * negative: adaptive. `mem`: bytes held back at most (PGM_REORDER_MEM);
 * `spill_mem`: the sorter's memory once they are passed. */
int pgm_reorder_open(pgm_reorder **out, int64_t proven_window, size_t mem, size_t spill_mem,
                     char err[PGM_ERR_MAX]);
/* Takes the batch (sealed here if it is not) and puts an empty one of the
 * same cap in its place, hands every record that may go out to `emit`. PGM_OK; PGM_REORDER_LATE; PGM_FATAL (emit failed,
 * memory, the sorter: pgm_reorder_error). */
int pgm_reorder_push(pgm_reorder *r, pgm_reorder_batch **b, pgm_sorter_emit emit, void *ctx);
/* Everything held, to `emit`. */
int pgm_reorder_finish(pgm_reorder *r, pgm_sorter_emit emit, void *ctx);
/* From now on `emit` may be handed the bytes of several records at once,
 * records that go out one after the other and lie so in their batch, with
 * the time of the last: for a caller that only writes the bytes. */
void pgm_reorder_emit_spans(pgm_reorder *r);

/* The record that came too late: "path:line". */
const char *pgm_reorder_late(const pgm_reorder *r);
const char *pgm_reorder_error(const pgm_reorder *r);
/* The time of the last record out (PGM_TS_UNKNOWN: none). */
int64_t pgm_reorder_last_out(const pgm_reorder *r);

typedef struct pgm_reorder_stats {
    int64_t max_step_back;     /* microseconds, in arrival order */
    int64_t window;            /* the window at the end */
    size_t peak_bytes;         /* held back at most */
    uint64_t records;
    uint64_t narrowed;         /* times memory let the oldest out before the window said */
    bool spilled;              /* the sorter took over */
    size_t spill_runs;         /* its temporary files */
} pgm_reorder_stats;
pgm_reorder_stats pgm_reorder_get_stats(const pgm_reorder *r);
void pgm_reorder_close(pgm_reorder *r);

#endif
