/* The alerts fitted to an incident's series: Prometheus' evaluation (a rule
 * pending until its expression has held for `for`, ranges with both ends in,
 * increase over two samples at least), the fitting's order of preference and
 * its guard against firing in ordinary times, the targets each rule selects,
 * and label values that cannot break out of PromQL. The figures below are
 * worked out by hand from the curves, not read off the code. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/alerting.h"
#include "text/timestamp.h"

/* a multiple of 15 s: the steps fall on the points */
#define BASE (1764199995LL * 1000000)
#define AT(s) (BASE + (int64_t)(s) * 1000000)

static const pgm_alert_rule *rule(const pgm_alerting *m, const char *name, const char *service)
{
    for (size_t i = 0; i < m->n_rules; i++)
        if (strcmp(m->rules[i].name, name) == 0 && strcmp(m->rules[i].service, service ? service : "") == 0)
            return &m->rules[i];
    return NULL;
}

/* 5 sessions for ten minutes, then one more every 30 s until the 27 usable
 * slots are gone at 1260 s (the first refusal). */
static size_t leak_curve(pgm_curve_point *p)
{
    size_t n = 0;
    p[n++] = (pgm_curve_point){AT(0), 5};
    for (int k = 1; k <= 22; k++)
        p[n++] = (pgm_curve_point){AT(600 + 30 * k), 5 + k};
    return n;
}

static void leak_input(pgm_alerting_input *in, const pgm_curve_point *p, size_t n)
{
    memset(in, 0, sizeof *in);
    in->server = p, in->n_server = n;
    in->max_connections = 30, in->reserved = 3;
    in->reference = AT(1260), in->reference_what = "the first refusal";
    in->incident_start = AT(600);
    in->leak = true;
}

static void test_slots_fitted_before_the_refusal(void **state)
{
    (void)state;
    pgm_curve_point p[32];
    pgm_alerting_input in;
    leak_input(&in, p, leak_curve(p));
    pgm_alerting m;
    assert_int_equal(pgm_alerting_build(&m, &in), PGM_OK);
    assert_int_equal(m.step_s, 15);
    assert_true(m.t0 == AT(0));
    const pgm_alert_rule *r = rule(&m, "PostgresConnectionSlotsNearlyExhausted", NULL);
    assert_non_null(r);
    /* the span is 660 s, so a lead of 165 s at least: 90% (25 sessions at
     * 1200 s) and 80% (22 at 1110 s) come too late whatever `for`; 70% (19 at
     * 1020 s) held for 5 min or 2 min too, for 1 min fires at 1080 s: 180 s early */
    assert_true(r->fitted && r->recommended);
    assert_true(r->threshold == 0.7);
    assert_int_equal(r->for_s, 60);
    assert_true(r->fires_at == AT(1080));
    assert_true(r->lead_us == 180LL * 1000000);
    assert_non_null(strstr(r->expr, "> on (instance) 0.7 * (max by (instance) (pg_settings_max_connections)"));
    /* pending from 1020 s: not firing one step before 1080 s */
    assert_false(pgm_alerting_firing(&m, r, &m.targets[0], (1065 - 0) / 15));
    assert_true(pgm_alerting_firing(&m, r, &m.targets[0], 1080 / 15));
    /* no session idle in a transaction: that rule is not recommended, and says why */
    const pgm_alert_rule *iit = rule(&m, "PostgresIdleInTransaction", NULL);
    assert_non_null(iit);
    assert_false(iit->recommended);
    assert_non_null(strstr(iit->why, "idle in a transaction"));
    pgm_alerting_free(&m);
}

static void test_ordinary_times_guard(void **state)
{
    (void)state;
    /* 20 of 27 slots taken all along: any rule under 20/27 would fire in
     * ordinary times; only 80% and 90% may be chosen */
    pgm_curve_point p[32];
    size_t n = leak_curve(p);
    for (size_t i = 0; i < n; i++)
        p[i].open = p[i].open + 15 > 27 ? 27 : p[i].open + 15;
    pgm_alerting_input in;
    leak_input(&in, p, n);
    pgm_alerting m;
    assert_int_equal(pgm_alerting_build(&m, &in), PGM_OK);
    const pgm_alert_rule *r = rule(&m, "PostgresConnectionSlotsNearlyExhausted", NULL);
    assert_non_null(r);
    assert_true(r->threshold >= 0.8);
    assert_true(r->fires_at == PGM_TS_UNKNOWN || r->fires_at >= AT(600));
    pgm_alerting_free(&m);
}

static void test_no_harm_no_recommendation(void **state)
{
    (void)state;
    pgm_curve_point p[32];
    pgm_alerting_input in;
    leak_input(&in, p, leak_curve(p));
    in.reference = PGM_TS_UNKNOWN;
    pgm_alerting m;
    assert_int_equal(pgm_alerting_build(&m, &in), PGM_OK);
    for (size_t i = 0; i < m.n_rules; i++) {
        assert_false(m.rules[i].recommended);
        assert_false(m.rules[i].fitted);
    }
    const pgm_alert_rule *r = rule(&m, "PostgresConnectionSlotsNearlyExhausted", NULL);
    assert_true(r->threshold == 0.8 && r->for_s == 60); /* the default, unfitted */
    assert_string_equal(r->why, "the evidence shows no harm to be early for");
    pgm_alerting_free(&m);
}

static void test_pool_windows_and_timeouts(void **state)
{
    (void)state;
    pgm_curve_point p[32], borrowed[2] = {{AT(15), 4}, {AT(600), 0}};
    pgm_alerting_input in;
    leak_input(&in, p, leak_curve(p));
    in.n_pools = 2;
    in.pools[0] = (struct pgm_alert_pool){"orders", "", 40, false, borrowed, 2, "test", AT(100)};
    in.pools[1] = (struct pgm_alert_pool){"billing", "", 5, true, NULL, 0, NULL, PGM_TS_UNKNOWN};
    pgm_alerting m;
    assert_int_equal(pgm_alerting_build(&m, &in), PGM_OK);
    /* both pools unnamed: one shared rule per kind, selecting both */
    const pgm_alert_rule *held = rule(&m, "HikariConnectionsNotReturned", NULL);
    assert_non_null(held);
    assert_int_equal(held->n_targets, 2);
    assert_string_equal(held->matcher, "pool=~\"HikariPool-.*\"");
    assert_non_null(strstr(held->note, "orders, billing set no pool-name"));
    /* leak-detection-threshold is not set everywhere: the description says to set it */
    assert_non_null(strstr(held->description, "with leak-detection-threshold set"));
    pgm_alert_rule r = *held;
    const pgm_alert_target *orders = &m.targets[r.targets[0]];
    assert_string_equal(orders->service, "orders");
    /* min_over_time over 60 s holds 5 samples (both ends): 4 > 3 from 15 s on */
    r.threshold = 3, r.window_s = 60, r.for_s = 0;
    assert_false(pgm_alerting_firing(&m, &r, orders, 4));
    assert_true(pgm_alerting_firing(&m, &r, orders, 5));
    assert_false(pgm_alerting_firing(&m, &r, &m.targets[r.targets[1]], 5)); /* billing: no series */
    /* ...and with for 30 s, two steps later */
    r.for_s = 30;
    assert_false(pgm_alerting_firing(&m, &r, orders, 6));
    assert_true(pgm_alerting_firing(&m, &r, orders, 7));
    /* increase over 5 min: the timeout at 100 s counts from the step at 105 s
     * (step 7) while the window still holds the 0 before it: to step 26 */
    const pgm_alert_rule *to = rule(&m, "HikariConnectionTimeouts", NULL);
    assert_non_null(to);
    assert_false(pgm_alerting_firing(&m, to, orders, 6));
    assert_true(pgm_alerting_firing(&m, to, orders, 7));
    assert_true(pgm_alerting_firing(&m, to, orders, 26));
    assert_false(pgm_alerting_firing(&m, to, orders, 27));
    assert_true(to->fires_at == AT(105));
    pgm_alerting_free(&m);
}

static void test_named_pools_and_label_values(void **state)
{
    (void)state;
    pgm_curve_point p[32];
    pgm_alerting_input in;
    leak_input(&in, p, leak_curve(p));
    in.n_pools = 2;
    in.pools[0] = (struct pgm_alert_pool){"ord\"ers}", "Orders\"Pool", 40, true, NULL, 0, NULL, PGM_TS_UNKNOWN};
    in.pools[1] = (struct pgm_alert_pool){"billing", "", 5, true, NULL, 0, NULL, PGM_TS_UNKNOWN};
    pgm_alerting m;
    assert_int_equal(pgm_alerting_build(&m, &in), PGM_OK);
    const pgm_alert_rule *sat = rule(&m, "HikariPoolSaturated", "orders");
    assert_non_null(sat);
    assert_string_equal(sat->matcher, "pool=\"OrdersPool\"");
    assert_int_equal(sat->n_targets, 1);
    assert_string_equal(sat->expr, "hikaricp_connections_active{pool=\"OrdersPool\"} >= "
                                   "hikaricp_connections_max{pool=\"OrdersPool\"}");
    const pgm_alert_rule *shared = rule(&m, "HikariPoolSaturated", NULL);
    assert_non_null(shared);
    assert_int_equal(shared->n_targets, 1);
    assert_string_equal(m.targets[shared->targets[0]].service, "billing");
    /* both pools have leak detection: the description does not ask for it */
    const pgm_alert_rule *held = rule(&m, "HikariConnectionsNotReturned", "orders");
    assert_non_null(held);
    assert_null(strstr(held->description, "with leak-detection-threshold set"));
    pgm_alerting_free(&m);
}

static void test_pools_past_the_bound(void **state)
{
    (void)state;
    /* the analysis hands over at most PGM_ALERTING_MAX_TARGETS - 1 pools and
     * counts the rest; the rules file (report/alerts.c) then says
     * "3 more pool(s) have no rules of their own" */
    pgm_curve_point p[32];
    pgm_alerting_input in;
    leak_input(&in, p, leak_curve(p));
    in.n_pools = PGM_ALERTING_MAX_TARGETS - 1;
    char names[PGM_ALERTING_MAX_TARGETS][32];
    for (size_t i = 0; i < in.n_pools; i++) {
        snprintf(names[i], sizeof names[i], "svc%zu", i);
        in.pools[i] = (struct pgm_alert_pool){names[i], names[i], 10, true, NULL, 0, NULL, PGM_TS_UNKNOWN};
    }
    in.pools_left = 3;
    pgm_alerting m;
    assert_int_equal(pgm_alerting_build(&m, &in), PGM_OK);
    assert_int_equal(m.pools_left, 3);
    assert_int_equal(m.n_targets, PGM_ALERTING_MAX_TARGETS);
    /* every named pool has its four rules, and the server its two */
    assert_int_equal(m.n_rules, 2 + 4 * (PGM_ALERTING_MAX_TARGETS - 1));
    assert_true(m.n_rules <= PGM_ALERTING_MAX_RULES);
    pgm_alerting_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slots_fitted_before_the_refusal),
        cmocka_unit_test(test_ordinary_times_guard),
        cmocka_unit_test(test_no_harm_no_recommendation),
        cmocka_unit_test(test_pool_windows_and_timeouts),
        cmocka_unit_test(test_named_pools_and_label_values),
        cmocka_unit_test(test_pools_past_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
