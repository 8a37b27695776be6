/* The scan over real files: a log read by several threads gives exactly the
 * events, in the same order, and the same coverage as one thread. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/scan.h"
#include "timeline/render.h"
#include "timeline/sorter.h"

typedef struct sink {
    pgm_sorter *sorters[PGM_SCAN_MAX_JOBS];
    pgm_strbuf line[PGM_SCAN_MAX_JOBS];
    pgm_strbuf out;
} sink;

static void on_event(void *ctx, const pgm_event_origin *o, const pgm_event *e)
{
    sink *k = ctx;
    pgm_strbuf *l = &k->line[o->lane];
    pgm_strbuf_reset(l);
    assert_int_equal(pgm_render_event(l, e, PGM_TIMELINE_JSONL), 0);
    assert_int_equal(pgm_sorter_add_ordered(k->sorters[o->lane], e->t, o->order, l->p, l->len), PGM_OK);
}

static int collect(void *ctx, int64_t t, const void *data, size_t len)
{
    (void)t;
    return pgm_strbuf_add(ctx, data, len) ? PGM_FATAL : PGM_OK;
}

/* Runs the scan over `path` with `jobs` threads; returns the timeline text. */
static char *scan_with(const char *path, unsigned jobs, uint64_t chunk_bytes, pgm_ruleset *rs,
                       pgm_input_report *report)
{
    sink k;
    memset(&k, 0, sizeof k);
    pgm_strbuf_init(&k.out, SIZE_MAX);
    char err[PGM_ERR_MAX];
    for (unsigned i = 0; i < jobs; i++) {
        /* a small memory budget, so runs are spilled and merged too */
        assert_int_equal(pgm_sorter_open(&k.sorters[i], 16384, NULL, err), PGM_OK);
        pgm_strbuf_init(&k.line[i], 1 << 20);
    }
    pgm_scan s;
    pgm_scan_init(&s, rs);
    s.jobs = jobs;
    s.split_min_bytes = 1; /* split even a small file */
    s.chunk_bytes = chunk_bytes;
    s.on_event = on_event;
    s.ctx = &k;
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    const char *inputs[] = {path};
    assert_int_equal(pgm_scan_run(&s, inputs, 1, &lim), PGM_OK);
    assert_int_equal(s.n_inputs, 1);
    assert_int_equal(s.split_inputs, jobs > 1 ? 1 : 0);
    *report = *pgm_scan_input(&s, 0);
    /* the counts outlive the scan; what it owns does not */
    report->path = NULL;
    report->n_warnings = 0;
    report->warnings = NULL;
    report->shapes = NULL;
    report->cov.rare = NULL;
    report->cov.prefix = report->cov.prefix_origin = "";
    assert_int_equal(pgm_sorter_finish_many(k.sorters, jobs, collect, &k.out), PGM_OK);
    for (unsigned i = 0; i < jobs; i++) {
        pgm_sorter_close(k.sorters[i]);
        pgm_strbuf_free(&k.line[i]);
    }
    pgm_scan_free(&s);
    return pgm_strbuf_take(&k.out);
}

static void test_threads_give_the_same_timeline(void **state)
{
    (void)state;
    pgm_ruleset rs;
    tu_load_rules(&rs, "rules/postgresql");
    const char *files[] = {"tests/samples/postgresql-15/run1-stderr/postgresql.log",
                           "tests/samples/postgresql-15/run3-csvjson/log/postgresql-20261127-001842.json"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        pgm_input_report one, three, chunks;
        char *a = scan_with(files[f], 1, 0, &rs, &one);
        char *b = scan_with(files[f], 3, 0, &rs, &three);
        /* many small chunks taken in turn by the threads: the same again */
        char *c = scan_with(files[f], 3, 2048, &rs, &chunks);
        assert_string_equal(a, c);
        assert_int_equal(one.cov.lines, chunks.cov.lines);
        assert_int_equal(one.cov.records, chunks.cov.records);
        assert_int_equal(one.cov.secondary, chunks.cov.secondary);
        assert_int_equal(one.cov.continuation, chunks.cov.continuation);
        assert_int_equal(one.events, chunks.events);
        assert_int_equal(one.first_ts, chunks.first_ts);
        assert_int_equal(one.last_ts, chunks.last_ts);
        free(c);
        assert_true(strlen(a) > 10000);
        assert_string_equal(a, b);
        assert_int_equal(one.cov.lines, three.cov.lines);
        assert_int_equal(one.cov.records, three.cov.records);
        assert_int_equal(one.cov.secondary, three.cov.secondary);
        assert_int_equal(one.cov.continuation, three.cov.continuation);
        assert_int_equal(three.cov.unparsed, 0);
        assert_int_equal(one.events, three.events);
        assert_string_equal(one.cov.prefix_origin, three.cov.prefix_origin);
        free(a);
        free(b);
    }
    pgm_ruleset_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_give_the_same_timeline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
