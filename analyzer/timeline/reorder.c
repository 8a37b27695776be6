#include "timeline/reorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/timestamp.h"
#include "util/grow.h"

/* Batches held back at most: each is a sorted run merged on the way out;
 * past them, as past the bytes, the sorter takes over. */
#define PGM_REORDER_MAX_RUNS 64u
/* Emptied batches kept for reuse. */
#define PGM_REORDER_SPARE 2u

struct pgm_reorder {
    int64_t proven_window;       /* < 0: adaptive */
    size_t mem, spill_mem;
    /* the held runs, oldest first, each from its `head` record on */
    pgm_reorder_batch *runs[PGM_REORDER_MAX_RUNS];
    size_t head[PGM_REORDER_MAX_RUNS];
    size_t n_runs;
    size_t held_bytes;
    pgm_reorder_batch *spare[PGM_REORDER_SPARE];
    size_t n_spare;
    bool any_seen, any_out;
    int64_t max_t;               /* the latest time seen */
    int64_t last_t;              /* the key of the last record out */
    uint64_t last_order;
    pgm_sorter *spill;           /* once the held bytes passed `mem` */
    bool spans;                  /* pgm_reorder_emit_spans */
    pgm_reorder_stats st;
    char late[PGM_ERR_MAX];
    char err[PGM_ERR_MAX];
};

/* a - b, saturated: PGM_TS_UNKNOWN is INT64_MIN, and a step back to it is "infinite" */
static int64_t sub_sat(int64_t a, int64_t b)
{
    if (b < 0 && a > INT64_MAX + b)
        return INT64_MAX;
    if (b > 0 && a < INT64_MIN + b)
        return INT64_MIN;
    return a - b;
}

static int64_t max_i64(int64_t a, int64_t b) { return a > b ? a : b; }

static int cmp_key(int64_t ta, uint64_t oa, int64_t tb, uint64_t ob)
{
    if (ta != tb)
        return ta < tb ? -1 : 1;
    return oa < ob ? -1 : oa > ob;
}

/* --------------------------------------------------------------- batches */

pgm_reorder_batch *pgm_reorder_batch_new(size_t max_bytes)
{
    pgm_reorder_batch *b = calloc(1, sizeof *b);
    if (b)
        pgm_strbuf_init(&b->text, max_bytes);
    return b;
}

void pgm_reorder_batch_reset(pgm_reorder_batch *b)
{
    pgm_strbuf_reset(&b->text);
    b->n = 0;
    b->max_t = 0;
    b->step_back = 0;
    b->sealed = false;
}

void pgm_reorder_batch_delete(pgm_reorder_batch *b)
{
    if (!b)
        return;
    pgm_strbuf_free(&b->text);
    free(b->recs);
    free(b);
}

/* What a held batch costs. */
static size_t batch_bytes(const pgm_reorder_batch *b) { return b->text.alloc + b->cap * sizeof *b->recs; }

int pgm_reorder_batch_mark(pgm_reorder_batch *b, int64_t t, uint64_t order, size_t off, const char *path,
                           uint64_t line)
{
    pgm_reorder_rec *r = pgm_grow(b->recs, &b->cap, b->n, sizeof *r, 1024);
    if (!r)
        return PGM_FATAL;
    b->recs = r;
    if (b->n == 0 || t > b->max_t)
        b->max_t = t;
    else
        b->step_back = max_i64(b->step_back, sub_sat(b->max_t, t));
    b->recs[b->n++] = (pgm_reorder_rec){t, order, off, b->text.len - off, path, line};
    return PGM_OK;
}

/* Records of one batch: their offsets grow with arrival, the last tie-break. */
static int cmp_rec(const void *a, const void *b)
{
    const pgm_reorder_rec *x = a, *y = b;
    int c = cmp_key(x->t, x->order, y->t, y->order);
    return c ? c : (x->off > y->off) - (x->off < y->off);
}

/* Whether x goes out before y of the same batch: by time and order; y
 * after x in arrival when neither comes first (the merges below keep that). */
static inline bool rec_before(const pgm_reorder_rec *x, const pgm_reorder_rec *y)
{
    return x->t < y->t || (x->t == y->t && x->order < y->order);
}

/* The end of the run of records from `from` on that are in order. */
static size_t run_end(const pgm_reorder_rec *r, size_t from, size_t n)
{
    size_t i = from + 1;
    while (i < n && !rec_before(&r[i], &r[i - 1]))
        i++;
    return i;
}

/* src's runs [a, m) and [m, e) as one, into dst[a, e); on a tie the first
 * run's record first: the merge is stable, as arrival order wants. */
static void merge_runs(pgm_reorder_rec *dst, const pgm_reorder_rec *src, size_t a, size_t m, size_t e)
{
    size_t i = a, j = m, o = a;
    if (!rec_before(&src[m], &src[m - 1])) { /* they follow each other already */
        memcpy(dst + a, src + a, (e - a) * sizeof *dst);
        return;
    }
    while (i < m && j < e)
        dst[o++] = rec_before(&src[j], &src[i]) ? src[j++] : src[i++];
    memcpy(dst + o, src + i, (m - i) * sizeof *dst);
    o += m - i;
    memcpy(dst + o, src + j, (e - j) * sizeof *dst);
}

/* A natural merge sort of the batch's records: its runs in order, merged two
 * by two until one is left. A batch of a real log is made of a few long runs
 * (the lines of different backends step back by some milliseconds): qsort,
 * which glibc makes a merge sort of pointers to records this size, compared
 * through a call, was 3% of a one-thread timeline's instructions. The second
 * copy lives only while the sort runs, as qsort's does. False when there is
 * no memory for it (the caller sorts with qsort). */
static bool merge_sort(pgm_reorder_batch *b)
{
    pgm_reorder_rec *tmp = malloc(b->cap * sizeof *tmp);
    if (!tmp)
        return false;
    pgm_reorder_rec *src = b->recs, *dst = tmp;
    size_t n = b->n;
    for (;;) {
        size_t a = 0, runs = 0;
        while (a < n) {
            size_t m = run_end(src, a, n);
            size_t e = m < n ? run_end(src, m, n) : n;
            if (m < n)
                merge_runs(dst, src, a, m, e);
            else
                memcpy(dst + a, src + a, (n - a) * sizeof *dst);
            runs++;
            a = e;
        }
        pgm_reorder_rec *was = src;
        src = dst;
        dst = was;
        if (runs == 1)
            break;
    }
    /* the sorted copy is the batch's from now on, of the same capacity */
    free(src == b->recs ? tmp : b->recs);
    b->recs = src;
    return true;
}

void pgm_reorder_batch_seal(pgm_reorder_batch *b)
{
    if (b->sealed)
        return;
    b->sealed = true;
    if (run_end(b->recs, 0, b->n) < b->n && !merge_sort(b))
        qsort(b->recs, b->n, sizeof *b->recs, cmp_rec);
}

/* --------------------------------------------------------------- reorder */

int pgm_reorder_open(pgm_reorder **out, int64_t proven_window, size_t mem, size_t spill_mem,
                     char err[PGM_ERR_MAX])
{
    pgm_reorder *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, PGM_ERR_MAX, "out of memory");
        return PGM_FATAL;
    }
    r->proven_window = proven_window;
    r->mem = mem;
    r->spill_mem = spill_mem;
    r->last_t = PGM_TS_UNKNOWN;
    *out = r;
    return PGM_OK;
}

static int64_t window(const pgm_reorder *r)
{
    if (r->proven_window >= 0)
        return r->proven_window;
    int64_t w = r->st.max_step_back > INT64_MAX / PGM_REORDER_HEADROOM ? INT64_MAX
                                                                       : r->st.max_step_back * PGM_REORDER_HEADROOM;
    return max_i64(w, PGM_REORDER_MIN_WINDOW_US);
}

static void recycle(pgm_reorder *r, pgm_reorder_batch *b)
{
    r->held_bytes -= batch_bytes(b);
    if (r->n_spare < PGM_REORDER_SPARE) {
        pgm_reorder_batch_reset(b);
        r->spare[r->n_spare++] = b;
    } else {
        pgm_reorder_batch_delete(b);
    }
}

/* The held run whose next record comes first (the oldest run on a tie),
 * leaving run `skip` out, or -1 when none is left. */
static long first_run_but(const pgm_reorder *r, long skip)
{
    long best = -1;
    for (size_t i = 0; i < r->n_runs; i++) {
        if ((long)i == skip)
            continue;
        const pgm_reorder_rec *x = &r->runs[i]->recs[r->head[i]];
        if (best < 0) {
            best = (long)i;
            continue;
        }
        const pgm_reorder_rec *y = &r->runs[best]->recs[r->head[best]];
        if (cmp_key(x->t, x->order, y->t, y->order) < 0)
            best = (long)i;
    }
    return best;
}

/* Whether record x of run i comes before record y of run j (the oldest run
 * first on a tie). */
static bool comes_before(const pgm_reorder_rec *x, long i, const pgm_reorder_rec *y, long j)
{
    int c = cmp_key(x->t, x->order, y->t, y->order);
    return c < 0 || (c == 0 && i < j);
}

/* Takes the next record of run i; a run emptied is recycled. */
static void advance(pgm_reorder *r, size_t i)
{
    if (++r->head[i] < r->runs[i]->n)
        return;
    recycle(r, r->runs[i]);
    memmove(&r->runs[i], &r->runs[i + 1], (r->n_runs - i - 1) * sizeof r->runs[0]);
    memmove(&r->head[i], &r->head[i + 1], (r->n_runs - i - 1) * sizeof r->head[0]);
    r->n_runs--;
}

/* The records of a run that go out one after the other and lie one after
 * the other in its text (a batch in arrival order: most of them), handed to
 * `emit` as one span when the caller allows it: a call and a copy a record
 * was 3% of a one-thread timeline's time. */
typedef struct span {
    const pgm_reorder_batch *b; /* whose text holds it */
    const char *p;
    size_t len;
    int64_t t;
} span;

static int flush_span(pgm_reorder *r, span *sp, pgm_sorter_emit emit, void *ctx)
{
    if (!sp->len)
        return PGM_OK;
    int rc = emit(ctx, sp->t, sp->p, sp->len);
    sp->len = 0;
    if (rc != PGM_OK) {
        snprintf(r->err, sizeof r->err, "the output could not be written");
        return PGM_FATAL;
    }
    return PGM_OK;
}

/* A record out: into the span, or to `emit` alone. */
static int emit_record(pgm_reorder *r, span *sp, const pgm_reorder_batch *b, const pgm_reorder_rec *x,
                       pgm_sorter_emit emit, void *ctx)
{
    const char *p = b->text.p + x->off;
    if (r->spans && sp->len && sp->b == b && sp->p + sp->len == p) {
        sp->len += x->len;
        sp->t = x->t;
        return PGM_OK;
    }
    if (flush_span(r, sp, emit, ctx) != PGM_OK)
        return PGM_FATAL;
    *sp = (span){b, p, x->len, x->t};
    return r->spans ? PGM_OK : flush_span(r, sp, emit, ctx); /* without spans: a record a call */
}

/* Every held record older than `before`, in order, to `emit`, while more
 * than `keep_bytes` or `keep_runs` are held; or to the sorter (`emit` NULL)
 * all of them. The first run's records go out together as long as they
 * come before the next record of every other run: runs of a log in time
 * order hardly overlap, and looking through every run for each record cost
 * three times what the drain costs now (43.5 M instructions against 12.6 M
 * on 60 MB of the bench's log). */
static int drain(pgm_reorder *r, int64_t before, size_t keep_bytes, size_t keep_runs, pgm_sorter_emit emit,
                 void *ctx)
{
    long i;
    span sp = {NULL, NULL, 0, 0};
    while ((r->held_bytes > keep_bytes || r->n_runs > keep_runs) && (i = first_run_but(r, -1)) >= 0) {
        const pgm_reorder_batch *b = r->runs[i];
        long j = first_run_but(r, i);
        const pgm_reorder_rec *next_other = j >= 0 ? &r->runs[j]->recs[r->head[j]] : NULL;
        /* until the run ends (it is recycled: the runs move) or another's record comes first */
        for (bool ends = false; !ends;) {
            const pgm_reorder_rec *x = &b->recs[r->head[i]];
            if (next_other && !comes_before(x, i, next_other, j))
                break;
            if (emit) {
                if (x->t >= before)
                    return flush_span(r, &sp, emit, ctx);
                if (emit_record(r, &sp, b, x, emit, ctx) != PGM_OK)
                    return PGM_FATAL;
                r->any_out = true;
                r->last_t = x->t;
                r->last_order = x->order;
            } else if (pgm_sorter_add_ordered(r->spill, x->t, x->order, b->text.p + x->off, x->len) != PGM_OK) {
                snprintf(r->err, sizeof r->err, "%s", pgm_sorter_error(r->spill));
                return PGM_FATAL;
            }
            ends = r->head[i] + 1 == b->n;
            /* a run that ends is recycled: its bytes go out first */
            if (emit && ends && flush_span(r, &sp, emit, ctx) != PGM_OK)
                return PGM_FATAL;
            advance(r, (size_t)i);
        }
    }
    return emit ? flush_span(r, &sp, emit, ctx) : PGM_OK;
}

/* The held records go to a sorter, and every one after them. */
static int spill(pgm_reorder *r)
{
    if (pgm_sorter_open(&r->spill, r->spill_mem, NULL, r->err) != PGM_OK)
        return PGM_FATAL;
    r->st.spilled = true;
    return drain(r, INT64_MAX, 0, 0, NULL, NULL);
}

/* Held past the bound with an adaptive window: the oldest records go out
 * before the window says, down to half the bound (of bytes and of runs), as
 * long as they are older than the latest time less the largest step back
 * seen (never less than PGM_REORDER_NARROW_MIN_US). A busy server's JSON
 * Lines fill 16 MiB in a third of a second: four times a 0.1 s step back
 * held more than that, and the whole rest of a 1.2 GB log went through
 * temporary files, four times slower. A later record further back than any
 * seen before is then late: the caller starts over, sorted, as it would for
 * one past the window. */
static int narrow(pgm_reorder *r, pgm_sorter_emit emit, void *ctx)
{
    int64_t step = max_i64(r->st.max_step_back, PGM_REORDER_NARROW_MIN_US);
    size_t bytes = r->held_bytes, runs = r->n_runs;
    int rc = drain(r, sub_sat(r->max_t, step), r->mem / 2, PGM_REORDER_MAX_RUNS / 2, emit, ctx);
    if (r->held_bytes < bytes || r->n_runs < runs)
        r->st.narrowed++;
    return rc;
}

/* A batch of records for the caller to fill. */
static pgm_reorder_batch *fresh_batch(pgm_reorder *r, size_t max_bytes)
{
    if (r->n_spare)
        return r->spare[--r->n_spare];
    return pgm_reorder_batch_new(max_bytes);
}

int pgm_reorder_push(pgm_reorder *r, pgm_reorder_batch **bp, pgm_sorter_emit emit, void *ctx)
{
    pgm_reorder_batch *b = *bp;
    if (b->n == 0)
        return PGM_OK;
    pgm_reorder_batch_seal(b);
    const pgm_reorder_rec *first = &b->recs[0];
    r->st.records += b->n;
    r->st.max_step_back = max_i64(r->st.max_step_back, b->step_back);
    if (r->any_seen)
        r->st.max_step_back = max_i64(r->st.max_step_back, sub_sat(r->max_t, first->t));
    r->max_t = r->any_seen ? max_i64(r->max_t, b->max_t) : b->max_t;
    r->any_seen = true;
    if (r->any_out && cmp_key(first->t, first->order, r->last_t, r->last_order) < 0) {
        /* the batch's earliest is older than what is out: where it came from */
        snprintf(r->late, sizeof r->late, "%s:%llu", first->path ? first->path : "-",
                 (unsigned long long)first->line);
        return PGM_REORDER_LATE;
    }
    if (r->spill) {
        for (size_t k = 0; k < b->n; k++)
            if (pgm_sorter_add_ordered(r->spill, b->recs[k].t, b->recs[k].order, b->text.p + b->recs[k].off,
                                       b->recs[k].len) != PGM_OK) {
                snprintf(r->err, sizeof r->err, "%s", pgm_sorter_error(r->spill));
                return PGM_FATAL;
            }
        pgm_reorder_batch_reset(b);
        return PGM_OK;
    }
    /* the batch becomes a held run; the caller gets an empty one */
    pgm_reorder_batch *fresh = r->n_runs < PGM_REORDER_MAX_RUNS ? fresh_batch(r, b->text.cap) : NULL;
    if (!fresh) {
        snprintf(r->err, sizeof r->err, "out of memory");
        return PGM_FATAL;
    }
    r->runs[r->n_runs] = b;
    r->head[r->n_runs++] = 0;
    r->held_bytes += batch_bytes(b);
    *bp = fresh;
    if (r->held_bytes > r->st.peak_bytes)
        r->st.peak_bytes = r->held_bytes;
    int rc = drain(r, sub_sat(r->max_t, window(r)), 0, 0, emit, ctx);
    if (rc == PGM_OK && r->proven_window < 0 && (r->held_bytes > r->mem || r->n_runs == PGM_REORDER_MAX_RUNS))
        rc = narrow(r, emit, ctx);
    if (rc == PGM_OK && (r->held_bytes > r->mem || r->n_runs == PGM_REORDER_MAX_RUNS))
        rc = spill(r);
    return rc;
}

int pgm_reorder_finish(pgm_reorder *r, pgm_sorter_emit emit, void *ctx)
{
    if (!r->spill)
        return drain(r, INT64_MAX, 0, 0, emit, ctx);
    /* nothing out follows what the sorter holds: each was checked as it came */
    r->st.spill_runs = pgm_sorter_runs(r->spill);
    if (pgm_sorter_finish(r->spill, emit, ctx) != PGM_OK) {
        snprintf(r->err, sizeof r->err, "%s", pgm_sorter_error(r->spill));
        return PGM_FATAL;
    }
    return PGM_OK;
}

void pgm_reorder_emit_spans(pgm_reorder *r) { r->spans = true; }

const char *pgm_reorder_late(const pgm_reorder *r) { return r->late; }

const char *pgm_reorder_error(const pgm_reorder *r) { return r->err; }

int64_t pgm_reorder_last_out(const pgm_reorder *r) { return r->any_out ? r->last_t : PGM_TS_UNKNOWN; }

pgm_reorder_stats pgm_reorder_get_stats(const pgm_reorder *r)
{
    pgm_reorder_stats st = r->st;
    st.window = window(r);
    if (r->spill && !st.spill_runs)
        st.spill_runs = pgm_sorter_runs(r->spill);
    return st;
}

void pgm_reorder_close(pgm_reorder *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_runs; i++)
        pgm_reorder_batch_delete(r->runs[i]);
    for (size_t i = 0; i < r->n_spare; i++)
        pgm_reorder_batch_delete(r->spare[i]);
    pgm_sorter_close(r->spill);
    free(r);
}
