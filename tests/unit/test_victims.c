/* Who waited on others' locks: the pids PostgreSQL names as holding the lock
 * (proc.c's "Process holding the lock: N." and "Processes holding the lock:
 * N, M."), the applications waiting, the first wait and the first statement
 * lock_timeout or statement_timeout cancelled, each event counted once by kind. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "forensics/victims.h"
#include "text/timestamp.h"

static void feed(pgm_victims *v, unsigned kind, int64_t sec, const char *pid, const char *app, const char *detail)
{
    pgm_event e;
    memset(&e, 0, sizeof e);
    e.kind_id = kind;
    e.t = 1764200000000000LL + sec * 1000000LL;
    e.path = "pg.csv";
    e.line = (uint64_t)sec;
    static const char *names[] = {"pid", "app", "detail"};
    const char *values[] = {pid, app, detail};
    for (size_t i = 0; i < 3; i++)
        if (values[i]) {
            e.fields[e.n_fields].name = names[i];
            e.fields[e.n_fields].value = values[i];
            e.n_fields++;
        }
    pgm_victims_event(v, &e);
}

static void test_waits_and_cancels(void **state)
{
    (void)state;
    pgm_victims v;
    pgm_victims_init(&v);
    feed(&v, PGM_EV_LOCK_WAITING, 20, "872", "billing-batch", "Process holding the lock: 32528. Wait queue: 872.");
    feed(&v, PGM_EV_STMT_LOCK_TIMEOUT, 34, "872", "billing-batch", NULL);
    feed(&v, PGM_EV_LOCK_WAITING, 35, "992", "billing-batch",
         "Processes holding the lock: 32534, 32528. Wait queue: 992, 993.");
    feed(&v, PGM_EV_STMT_TIMEOUT, 40, "993", "", NULL);
    feed(&v, PGM_EV_CONN_AUTHORIZED, 41, "1", "x", "Process holding the lock: 7.");
    assert_int_equal(v.waits, 2);
    assert_int_equal(v.lock_timeouts, 1);
    assert_int_equal(v.statement_timeouts, 1);
    assert_int_equal(v.n_blockers, 2);
    assert_true(pgm_victims_blocked_by(&v, 32528) && pgm_victims_blocked_by(&v, 32534));
    assert_false(pgm_victims_blocked_by(&v, 7)); /* not a lock wait */
    assert_int_equal(v.n_apps, 2);
    assert_string_equal(v.apps[0], "billing-batch");
    assert_string_equal(v.apps[1], "");
    assert_true(v.first_wait.t == 1764200020000000LL && v.first_wait.pid == 872 && v.first_wait.line == 20);
    assert_true(v.first_cancel.t == 1764200034000000LL && v.first_cancel.pid == 872);
}

static void test_odd_details(void **state)
{
    (void)state;
    pgm_victims v;
    pgm_victims_init(&v);
    feed(&v, PGM_EV_LOCK_WAITING, 1, NULL, NULL, "Process holding the lock: . Wait queue: 1.");
    feed(&v, PGM_EV_LOCK_WAITING, 2, NULL, NULL, "Processes holding the lock: 5,");
    feed(&v, PGM_EV_LOCK_WAITING, 3, NULL, NULL, "no such words");
    feed(&v, PGM_EV_LOCK_WAITING, 4, NULL, NULL, NULL);
    assert_int_equal(v.waits, 4);
    assert_int_equal(v.n_blockers, 1);
    assert_true(pgm_victims_blocked_by(&v, 5));
    /* past the bound: counted, not kept */
    char detail[64];
    for (int i = 0; i < (int)PGM_VICTIMS_MAX_BLOCKERS + 3; i++) {
        snprintf(detail, sizeof detail, "Process holding the lock: %d.", 100 + i);
        feed(&v, PGM_EV_LOCK_WAITING, 10 + i, "1", "a", detail);
    }
    assert_int_equal(v.n_blockers, PGM_VICTIMS_MAX_BLOCKERS);
    assert_int_equal(v.blockers_over, 4);
    /* "" and "a" are two applications already: 8 more, of which 6 fit */
    char app[16];
    for (int i = 0; i < 8; i++) {
        snprintf(app, sizeof app, "app%d", i);
        feed(&v, PGM_EV_STMT_LOCK_TIMEOUT, 50 + i, "1", app, NULL);
    }
    assert_int_equal(v.n_apps, PGM_VICTIMS_MAX_APPS);
    assert_int_equal(v.apps_over, 2);
    /* an earlier event read later still becomes the first */
    feed(&v, PGM_EV_LOCK_WAITING, 0, "9", "early", NULL);
    assert_true(v.first_wait.pid == 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waits_and_cancels),
        cmocka_unit_test(test_odd_details),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
