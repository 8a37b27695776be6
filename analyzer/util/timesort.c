#define _GNU_SOURCE /* qsort_r */
#include "util/timesort.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Moves one at a time at most, on average, before the usual sort takes
 * over: a real server's log took 0.04 (its steps back of up to 96 ms), one
 * with 2% of its lines set back 1 to 25 ms more 0.05; two days out of order
 * take a million, and the moves tried before giving up are wasted. */
#define TIMESORT_MAX_SHIFTS_PER_ID 8

typedef struct by_time {
    pgm_time_of time_of;
    const void *ctx;
} by_time;

/* Whether id a (at time ta) goes after id b (at time tb). */
static inline bool after(uint32_t a, int64_t ta, uint32_t b, int64_t tb)
{
    return ta != tb ? ta > tb : a > b;
}

static int cmp_by_time(const void *x, const void *y, void *ctx)
{
    const by_time *b = ctx;
    uint32_t a = *(const uint32_t *)x, c = *(const uint32_t *)y;
    int64_t ta = b->time_of(b->ctx, a), tc = b->time_of(b->ctx, c);
    if (ta != tc)
        return ta < tc ? -1 : 1;
    return (a > c) - (a < c);
}

/* An insertion sort that gives up past its budget of moves, every id still
 * in the array: false then. */
static bool insert_in_order(uint32_t *ids, size_t n, const by_time *b)
{
    size_t budget = n * TIMESORT_MAX_SHIFTS_PER_ID;
    /* the time of the last in order (ids[i - 1]), carried: one time read per
     * id where nothing moves, not two (a packed session's is bit reads) */
    int64_t last = n ? b->time_of(b->ctx, ids[0]) : 0;
    for (size_t i = 1; i < n; i++) {
        uint32_t x = ids[i];
        int64_t tx = b->time_of(b->ctx, x);
        if (!after(ids[i - 1], last, x, tx)) {
            last = tx;
            continue;
        }
        /* ids[i - 1] goes after x: it stays the last */
        ids[i] = ids[i - 1];
        if (budget-- == 0) {
            ids[i - 1] = x;
            return false;
        }
        size_t hole = i - 1;
        while (hole > 0) {
            uint32_t y = ids[hole - 1];
            if (!after(y, b->time_of(b->ctx, y), x, tx))
                break;
            ids[hole--] = y;
            if (budget-- == 0) {
                ids[hole] = x;
                return false;
            }
        }
        ids[hole] = x;
    }
    return true;
}

void pgm_timesort_ids(uint32_t *ids, size_t n, size_t nearly, pgm_time_of time_of, const void *ctx)
{
    by_time b = {time_of, ctx};
    if (nearly > n)
        nearly = n;
    if (!insert_in_order(ids, nearly, &b))
        qsort_r(ids, nearly, sizeof *ids, cmp_by_time, &b);
    size_t rest = n - nearly;
    if (!rest)
        return;
    qsort_r(ids + nearly, rest, sizeof *ids, cmp_by_time, &b);
    /* the two sorted parts merged from the back, the rest copied aside */
    uint32_t *tail = malloc(rest * sizeof *tail);
    if (!tail) {
        qsort_r(ids, n, sizeof *ids, cmp_by_time, &b); /* sorts in place when it has no memory either */
        return;
    }
    memcpy(tail, ids + nearly, rest * sizeof *tail);
    size_t i = nearly, j = rest, k = n;
    while (j > 0) {
        if (i > 0 && after(ids[i - 1], time_of(ctx, ids[i - 1]), tail[j - 1], time_of(ctx, tail[j - 1])))
            ids[--k] = ids[--i];
        else
            ids[--k] = tail[--j];
    }
    free(tail);
}
