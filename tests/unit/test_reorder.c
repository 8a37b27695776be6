/* The reorder buffer (timeline/reorder.h): what lets `timeline` write a real
 * log's events as it reads them, though lines step back a few milliseconds
 * all the time. What must hold: what comes out is what a sort gives (time,
 * then order, then arrival), whatever the batches' cuts; a record too late
 * for it is said, with where it came from, never written out of place; past
 * its memory the sorter takes over and the order still holds. The random
 * cases are checked against qsort of the same records, not against the
 * buffer's own output. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/timestamp.h"
#include "timeline/reorder.h"

/* A record: its time, order, and its arrival number as its bytes. */
typedef struct rec {
    int64_t t;
    uint64_t order;
    unsigned arrival;
} rec;

typedef struct out {
    unsigned arrival[20000];
    int64_t t[20000];
    size_t n;
    size_t calls; /* of collect: fewer than n when records came in spans */
} out;

/* Records may come several at once (pgm_reorder_emit_spans): each ends in
 * a newline, the time given is the last one's. */
static bool with_spans;

static int collect(void *ctx, int64_t t, const void *data, size_t len)
{
    out *o = ctx;
    const char *p = data, *end = p + len;
    o->calls++;
    assert_true(len > 0 && end[-1] == '\n');
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        assert_non_null(nl);
        assert_true(with_spans || nl + 1 == end);
        char text[32];
        assert_true((size_t)(nl - p) < sizeof text);
        memcpy(text, p, (size_t)(nl - p));
        text[nl - p] = '\0';
        assert_true(o->n < 20000);
        o->t[o->n] = nl + 1 == end ? t : INT64_MIN; /* a span's earlier times are not given */
        o->arrival[o->n++] = (unsigned)strtoul(text, NULL, 10);
        p = nl + 1;
    }
    return PGM_OK;
}

static void add(pgm_reorder_batch *b, const rec *r)
{
    size_t off = b->text.len;
    assert_int_equal(pgm_strbuf_addf(&b->text, "%u\n", r->arrival), 0);
    assert_int_equal(pgm_reorder_batch_mark(b, r->t, r->order, off, "x.log", r->arrival + 1), PGM_OK);
}

static int cmp_sorted(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return (x->arrival > y->arrival) - (x->arrival < y->arrival);
}

/* Pushes recs in batches of `per` (0: random sizes), then finishes; the
 * push's first return other than PGM_OK, or PGM_OK. */
static int run(const rec *recs, size_t n, int64_t window, size_t mem, size_t per, out *o, pgm_reorder_stats *st)
{
    pgm_reorder *r;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_reorder_open(&r, window, mem, 1u << 20, err), PGM_OK);
    if (with_spans)
        pgm_reorder_emit_spans(r);
    pgm_reorder_batch *b = pgm_reorder_batch_new(1u << 20);
    assert_non_null(b);
    o->n = o->calls = 0;
    int rc = PGM_OK;
    size_t i = 0;
    while (i < n && rc == PGM_OK) {
        size_t take = per ? per : 1 + (size_t)rand() % 300;
        for (size_t k = 0; k < take && i < n; k++)
            add(b, &recs[i++]);
        rc = pgm_reorder_push(r, &b, collect, o);
    }
    if (rc == PGM_OK)
        rc = pgm_reorder_finish(r, collect, o);
    if (st)
        *st = pgm_reorder_get_stats(r);
    if (rc == PGM_REORDER_LATE)
        assert_non_null(strstr(pgm_reorder_late(r), "x.log:"));
    pgm_reorder_batch_delete(b);
    pgm_reorder_close(r);
    return rc;
}

static void assert_sorted_output(const rec *recs, size_t n, const out *o)
{
    rec *sorted = malloc(n * sizeof *sorted);
    assert_non_null(sorted);
    memcpy(sorted, recs, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_sorted);
    assert_int_equal(o->n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(o->arrival[i], sorted[i].arrival);
    free(sorted);
}

/* A log's times: rising by 0..2 ms, a record in `every` set back by up to
 * `max_back` microseconds from the latest; the largest step back made. */
static int64_t make_log(rec *recs, size_t n, unsigned every, int64_t max_back, unsigned orders)
{
    int64_t now = 1000000000, step = 0;
    for (size_t i = 0; i < n; i++) {
        now += rand() % 3 * 1000;
        int64_t t = now;
        if (every && rand() % every == 0) {
            int64_t back = 1 + (int64_t)rand() % max_back;
            t -= back;
            step = back > step ? back : step;
        }
        recs[i] = (rec){t, orders ? (uint64_t)(rand() % orders) : 0, (unsigned)i};
    }
    return step;
}

static void test_in_order(void **state)
{
    (void)state;
    static rec recs[5000];
    static out o;
    make_log(recs, 5000, 0, 1, 0);
    pgm_reorder_stats st;
    assert_int_equal(run(recs, 5000, -1, PGM_REORDER_MEM, 100, &o, &st), PGM_OK);
    assert_sorted_output(recs, 5000, &o);
    assert_int_equal(st.max_step_back, 0);
    assert_int_equal(st.window, PGM_REORDER_MIN_WINDOW_US);
    assert_false(st.spilled);
    assert_int_equal(st.records, 5000);
}

/* Steps back of a few milliseconds, as real logs have, with equal times in
 * several orders: the adaptive window takes them all, in any batch cuts. */
static void test_small_steps(void **state)
{
    (void)state;
    static rec recs[20000];
    static out o;
    srand(7);
    for (int round = 0; round < 20; round++) {
        int64_t made = make_log(recs, 20000, 5, 8000, 3);
        pgm_reorder_stats st;
        assert_int_equal(run(recs, 20000, -1, PGM_REORDER_MEM, round % 2 ? 0 : 1, &o, &st), PGM_OK);
        assert_sorted_output(recs, 20000, &o);
        assert_true(st.max_step_back <= made);
        assert_true(st.max_step_back > 0);
    }
}

/* A proven window: exactly the largest step back is enough, whatever it is. */
static void test_proven_window(void **state)
{
    (void)state;
    static rec recs[20000];
    static out o;
    srand(11);
    for (int round = 0; round < 20; round++) {
        int64_t made = make_log(recs, 20000, 50, 2000000, 2);
        assert_int_equal(run(recs, 20000, made, PGM_REORDER_MEM, 0, &o, NULL), PGM_OK);
        assert_sorted_output(recs, 20000, &o);
    }
}

/* Steps back larger than the adaptive window: either sorted right, or said
 * too late; never written out of place. Some must be late. */
static void test_late(void **state)
{
    (void)state;
    static rec recs[20000];
    static out o;
    srand(13);
    int late = 0;
    for (int round = 0; round < 30; round++) {
        make_log(recs, 20000, 500, 10000000, 1);
        int rc = run(recs, 20000, -1, PGM_REORDER_MEM, 0, &o, NULL);
        if (rc == PGM_REORDER_LATE) {
            late++;
            /* what went out before is in order */
            for (size_t i = 1; i < o.n; i++)
                assert_true(recs[o.arrival[i - 1]].t <= recs[o.arrival[i]].t);
            continue;
        }
        assert_int_equal(rc, PGM_OK);
        assert_sorted_output(recs, 20000, &o);
    }
    assert_true(late > 0);
    /* two days concatenated out of order: the second's first record is late */
    for (size_t i = 0; i < 4000; i++)
        recs[i] = (rec){(i < 2000 ? 86400000000 : 0) + (int64_t)(i % 2000) * 1000, 0, (unsigned)i};
    assert_int_equal(run(recs, 4000, -1, PGM_REORDER_MEM, 100, &o, NULL), PGM_REORDER_LATE);
    /* a record of no time after records with one */
    make_log(recs, 3000, 0, 1, 0);
    recs[2500].t = PGM_TS_UNKNOWN;
    assert_int_equal(run(recs, 3000, -1, PGM_REORDER_MEM, 100, &o, NULL), PGM_REORDER_LATE);
    /* at the start it is first, as sorted */
    recs[2500].t = recs[2501].t;
    recs[0].t = PGM_TS_UNKNOWN;
    assert_int_equal(run(recs, 3000, -1, PGM_REORDER_MEM, 100, &o, NULL), PGM_OK);
    assert_sorted_output(recs, 3000, &o);
}

/* A log rising 1 ms a record, every fifth stepping back 30 ms, one 50 ms
 * back at its start; `late_at` (when not 0): that record 150 ms back. */
static void make_busy_log(rec *recs, size_t n, size_t late_at)
{
    for (size_t i = 0; i < n; i++) {
        int64_t t = 1000000000 + (int64_t)i * 1000;
        if (i == 10)
            t -= 50000;
        else if (late_at && i == late_at)
            t -= 150000;
        else if (i % 5 == 0)
            t -= 30000;
        recs[i] = (rec){t, 0, (unsigned)i};
    }
}

/* Held past the bound with an adaptive window (200 ms: four times the 50 ms
 * seen): the oldest go out early, no closer to the latest than the largest
 * step back seen, and nothing goes through the sorter; the order holds. A
 * step back within the window but past the narrowed one is late: said, for
 * the caller to start over sorted (never written out of place). */
static void test_narrow(void **state)
{
    (void)state;
    static rec recs[20000];
    static out o;
    pgm_reorder_stats st;
    make_busy_log(recs, 20000, 0);
    /* 20 records a batch: ~50 KB each (the records' room), 256 KiB held at most */
    assert_int_equal(run(recs, 20000, -1, 256u << 10, 20, &o, &st), PGM_OK);
    assert_sorted_output(recs, 20000, &o);
    assert_true(st.narrowed > 0);
    assert_false(st.spilled);
    assert_int_equal(st.max_step_back, 49000); /* 50 ms before the time, 49 before the record before it */
    assert_true(st.peak_bytes > 256u << 10);
    /* the same with room for the whole window: nothing narrowed */
    assert_int_equal(run(recs, 20000, -1, PGM_REORDER_MEM, 20, &o, &st), PGM_OK);
    assert_sorted_output(recs, 20000, &o);
    assert_int_equal(st.narrowed, 0);
    /* 150 ms back: within the 200 ms window, past the narrowed 50 ms */
    make_busy_log(recs, 20000, 15001);
    assert_int_equal(run(recs, 20000, -1, PGM_REORDER_MEM, 20, &o, &st), PGM_OK);
    assert_sorted_output(recs, 20000, &o);
    assert_int_equal(run(recs, 20000, -1, 256u << 10, 20, &o, &st), PGM_REORDER_LATE);
}

/* Memory past its bound: the sorter takes over, and the order holds, even
 * for steps back the window did not allow after the spill. */
static void test_spill(void **state)
{
    (void)state;
    static rec recs[20000];
    static out o;
    srand(17);
    int64_t made = make_log(recs, 20000, 10, 30000000, 2);
    pgm_reorder_stats st;
    /* a proven window of 30 s holds everything: 64 KiB is passed at once */
    assert_int_equal(run(recs, 20000, made, 64u << 10, 0, &o, &st), PGM_OK);
    assert_true(st.spilled);
    assert_true(st.peak_bytes > 64u << 10);
    assert_sorted_output(recs, 20000, &o);
    /* batches past PGM_REORDER_MAX_RUNS held, whatever their bytes: the same */
    assert_int_equal(run(recs, 20000, made, PGM_REORDER_MEM, 1, &o, &st), PGM_OK);
    assert_true(st.spilled);
    assert_sorted_output(recs, 20000, &o);
}

/* Every case again with records handed out in spans: the same records in
 * the same order, in fewer calls where batches come in order. */
static void test_spans(void **state)
{
    with_spans = true;
    test_in_order(state);
    test_small_steps(state);
    test_proven_window(state);
    test_late(state);
    test_spill(state);
    test_narrow(state);
    static rec recs[5000];
    static out o;
    srand(3);
    make_log(recs, 5000, 0, 1, 0);
    assert_int_equal(run(recs, 5000, -1, PGM_REORDER_MEM, 100, &o, NULL), PGM_OK);
    assert_sorted_output(recs, 5000, &o);
    assert_true(o.calls * 10 < o.n); /* in order: a span a batch, or a few */
    with_spans = false;
}

/* One batch sealed: its records in the order a sort by time, order and
 * arrival gives, each still naming its own bytes. Batches of every shape the
 * seal's merges meet: in order, reversed, a few records stepping back (a real
 * log's), random, with ties of time and of order, of every size up to a few
 * thousand, odd and even numbers of runs. */
static void test_seal(void **state)
{
    (void)state;
    static rec recs[3000], sorted[3000];
    srand(11);
    for (unsigned round = 0; round < 400; round++) {
        size_t n = round < 40 ? round : (size_t)rand() % 3000;
        unsigned shape = round % 5;
        for (size_t i = 0; i < n; i++) {
            int64_t t = shape == 0   ? (int64_t)i * 10                     /* in order */
                        : shape == 1 ? (int64_t)(n - i) * 10               /* reversed */
                        : shape == 2 ? (int64_t)i * 10 - (rand() % 20 == 0 ? 500 : 0) /* steps back */
                        : shape == 3 ? (int64_t)(rand() % 50)              /* ties of time */
                                     : (int64_t)rand();                    /* random */
            recs[i] = (rec){t, (uint64_t)(shape == 3 ? rand() % 3 : 0), (unsigned)i};
        }
        pgm_reorder_batch *b = pgm_reorder_batch_new(1u << 20);
        assert_non_null(b);
        for (size_t i = 0; i < n; i++)
            add(b, &recs[i]);
        pgm_reorder_batch_seal(b);
        memcpy(sorted, recs, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, cmp_sorted);
        assert_int_equal(b->n, n);
        for (size_t i = 0; i < n; i++) {
            const pgm_reorder_rec *x = &b->recs[i];
            assert_int_equal(x->t, sorted[i].t);
            assert_int_equal(x->order, sorted[i].order);
            assert_int_equal(x->line, sorted[i].arrival + 1);
            assert_true(x->off + x->len <= b->text.len);
            assert_int_equal(strtoul(b->text.p + x->off, NULL, 10), sorted[i].arrival);
        }
        /* sealed once: a second seal changes nothing */
        pgm_reorder_batch_seal(b);
        assert_int_equal(b->n, n);
        pgm_reorder_batch_delete(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),    cmocka_unit_test(test_small_steps), cmocka_unit_test(test_proven_window),
        cmocka_unit_test(test_late),        cmocka_unit_test(test_spill), cmocka_unit_test(test_narrow),
        cmocka_unit_test(test_spans),       cmocka_unit_test(test_seal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
