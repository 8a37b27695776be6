/* The verdict for the explanations no recorded incident covers yet: a
 * network that cuts clients off, slow statements starving a healthy pool,
 * refusals with nothing else said (inconclusive), and a quiet server (none);
 * each built from the events such an incident leaves. */
#include "testutil.h"

#include <string.h>

#include "catalog/catalog.h"
#include "forensics/analysis.h"
#include "text/timestamp.h"

typedef struct ev {
    int sec;
    const char *kind, *pid, *level, *extra_name, *extra;
} ev;

static void feed(pgm_analysis *a, const ev *e)
{
    pgm_event x;
    memset(&x, 0, sizeof x);
    x.t = 1764200000000000LL + (int64_t)e->sec * 1000000LL;
    x.kind = e->kind;
    x.path = strncmp(e->kind, "hikari.", 7) == 0 ? "app.log" : "pg.log";
    x.line = (uint64_t)e->sec + 1;
    const char *values[PGM_EVENT_COMMON_FIELDS] = {e->pid, "app", "shop", "orders", "10.0.0.7", e->level, NULL, "m"};
    for (size_t i = 0; i < PGM_EVENT_COMMON_FIELDS; i++) {
        x.fields[i].name = pgm_event_common_names[i];
        x.fields[i].value = values[i];
    }
    x.n_fields = PGM_EVENT_COMMON_FIELDS;
    if (e->extra_name) {
        x.fields[x.n_fields].name = e->extra_name;
        x.fields[x.n_fields].value = e->extra;
        x.n_fields++;
    }
    pgm_analysis_event(a, &x);
}

static enum pgm_verdict verdict_of(const ev *evs, size_t n)
{
    pgm_analysis *a;
    assert_int_equal(pgm_analysis_open(&a), PGM_OK);
    for (size_t i = 0; i < n; i++)
        feed(a, &evs[i]);
    assert_int_equal(pgm_analysis_finish(a), PGM_OK);
    size_t nh;
    const pgm_hypothesis *h = pgm_analysis_hypotheses(a, &nh);
    enum pgm_verdict v = h[0].kind;
    if (v != PGM_VERDICT_INCONCLUSIVE && v != PGM_VERDICT_NONE)
        assert_true(h[0].n_evidence > 0); /* a verdict always says why */
    pgm_analysis_close(a);
    return v;
}

/* The table of events by kind has room for every kind the catalog has, and
 * rule packs may name no other (rules/loader.c): PGM_ANALYSIS_MAX_KINDS is
 * never reached by evidence. Fails when the catalog outgrows it. */
static void test_kinds_fit(void **state)
{
    (void)state;
    assert_true(pgm_catalog_event_kind_count() > 100);
    assert_true(pgm_catalog_event_kind_count() + 1 < PGM_ANALYSIS_MAX_KINDS); /* and "unknown" */
}

static void test_network(void **state)
{
    (void)state;
    const ev evs[] = {
        {1, "conn.authorized", "10", "LOG", NULL, NULL},
        {2, "conn.authorized", "11", "LOG", NULL, NULL},
        {3, "conn.authorized", "12", "LOG", NULL, NULL},
        {40, "conn.lost", "10", "LOG", "reason", "Connection reset by peer"},
        {40, "conn.lost", "11", "LOG", "reason", "Connection reset by peer"},
        {41, "hikari.connection_broken", NULL, "WARN", "sqlstate", "08006"},
        {42, "hikari.validation_failed", NULL, "WARN", "why", "This connection has been closed."},
    };
    assert_int_equal(verdict_of(evs, sizeof evs / sizeof evs[0]), PGM_VERDICT_NETWORK);
}

static void test_slow_queries(void **state)
{
    (void)state;
    const ev evs[] = {
        {1, "conn.authorized", "10", "LOG", NULL, NULL},
        {2, "conn.authorized", "11", "LOG", NULL, NULL},
        {10, "lock.waiting", "10", "LOG", "wait_ms", "1000.1"},
        {11, "lock.waiting", "11", "LOG", "wait_ms", "1000.2"},
        {12, "stmt.duration", "10", "LOG", "duration_ms", "25000.0"},
        {13, "stmt.duration", "11", "LOG", "duration_ms", "12.0"}, /* short: not a sign */
        {30, "hikari.timeout", NULL, "ERROR", "pool", "HikariPool-1"},
        {60, "conn.disconnected", "10", "LOG", "session_time", "0:00:59.000"},
        {60, "conn.disconnected", "11", "LOG", "session_time", "0:00:58.000"},
    };
    assert_int_equal(verdict_of(evs, sizeof evs / sizeof evs[0]), PGM_VERDICT_SLOW_QUERIES);
    /* the same waits with only two signs are not enough */
    assert_int_not_equal(verdict_of(evs, 3), PGM_VERDICT_SLOW_QUERIES);
}

static void test_inconclusive_and_none(void **state)
{
    (void)state;
    /* refusals and nothing else: no session lines, no application, no snapshot */
    const ev refused[] = {
        {1, "conn.refused.too_many_clients", "20", "FATAL", NULL, NULL},
        {2, "conn.refused.too_many_clients", "21", "FATAL", NULL, NULL},
    };
    assert_int_equal(verdict_of(refused, 2), PGM_VERDICT_INCONCLUSIVE);
    /* sessions that come and go */
    const ev quiet[] = {
        {1, "conn.authorized", "10", "LOG", NULL, NULL},
        {2, "conn.disconnected", "10", "LOG", "session_time", "0:00:01.000"},
        {3, "conn.authorized", "11", "LOG", NULL, NULL},
        {4, "conn.disconnected", "11", "LOG", "session_time", "0:00:01.000"},
    };
    assert_int_equal(verdict_of(quiet, 4), PGM_VERDICT_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_fit),
        cmocka_unit_test(test_network),
        cmocka_unit_test(test_slow_queries),
        cmocka_unit_test(test_inconclusive_and_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
