/* The verdict for the explanations no recorded incident covers yet: a
 * network that cuts clients off, slow statements starving a healthy pool,
 * refusals with nothing else said (inconclusive), and a quiet server (none);
 * each built from the events such an incident leaves. */
#include "testutil.h"

#include <string.h>

#include "catalog/event_kinds.h"
#include "catalog/catalog.h"
#include "forensics/analysis.h"
#include "text/timestamp.h"

typedef struct ev {
    int sec;
    const char *kind, *pid, *level, *extra_name, *extra;
    const char *user;             /* NULL: "app" */
    const char *more[2][2];       /* further fields: name, value */
} ev;

#define BASE_US 1764200000000000LL

static void feed(pgm_analysis *a, const ev *e)
{
    pgm_event x;
    memset(&x, 0, sizeof x);
    x.t = BASE_US + (int64_t)e->sec * 1000000LL;
    x.kind = e->kind;
    x.kind_id = pgm_event_kind_of(e->kind);
    x.path = strncmp(e->kind, "hikari.", 7) == 0 ? "app.log" : "pg.log";
    x.line = (uint64_t)e->sec + 1;
    const char *values[PGM_EVENT_COMMON_FIELDS] = {e->pid, e->user ? e->user : "app", "shop", "orders", "10.0.0.7",
                                                   e->level, NULL, "m"};
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
    for (int k = 0; k < 2 && e->more[k][0]; k++) {
        x.fields[x.n_fields].name = e->more[k][0];
        x.fields[x.n_fields].value = e->more[k][1];
        x.n_fields++;
    }
    pgm_analysis_event(a, &x);
}

/* The analysis of the events, finished: pgm_analysis_close() it. */
static pgm_analysis *analysed(const ev *evs, size_t n)
{
    pgm_analysis *a;
    assert_int_equal(pgm_analysis_open(&a), PGM_OK);
    for (size_t i = 0; i < n; i++)
        feed(a, &evs[i]);
    assert_int_equal(pgm_analysis_finish(a), PGM_OK);
    return a;
}

/* The verdict of the events; `said`, when not NULL, must be in one of its evidence lines. */
static enum pgm_verdict verdict_saying(const ev *evs, size_t n, const char *said)
{
    pgm_analysis *a = analysed(evs, n);
    size_t nh;
    const pgm_hypothesis *h = pgm_analysis_hypotheses(a, &nh);
    enum pgm_verdict v = h[0].kind;
    if (v != PGM_VERDICT_INCONCLUSIVE && v != PGM_VERDICT_NONE)
        assert_true(h[0].n_evidence > 0); /* a verdict always says why */
    bool found = !said;
    for (size_t e = 0; e < h[0].n_evidence && !found; e++)
        found = strstr(h[0].evidence[e], said) != NULL;
    if (!found)
        fail_msg("the verdict %s does not say \"%s\"", pgm_verdict_name(v), said);
    pgm_analysis_close(a);
    return v;
}

static enum pgm_verdict verdict_of(const ev *evs, size_t n)
{
    return verdict_saying(evs, n, NULL);
}

/* The table of events by kind has room for every kind the catalog has, and
 * rule packs may name no other (rules/loader.c): PGM_ANALYSIS_MAX_KINDS is
 * never reached by evidence. Fails when the catalog outgrows it. */
/* The key moment of the first pool timeout is the log's earliest, not the
 * first met: a log of pieces out of order (which the scan says) put it
 * where its second piece began. The line cited is the earliest's. */
static void test_first_timeout_is_the_earliest(void **state)
{
    (void)state;
    static const ev evs[] = {
        {50, "hikari.timeout", NULL, "ERROR", "pool", "HikariPool-1", NULL, {{NULL, NULL}}},
        {30, "hikari.timeout", NULL, "ERROR", "pool", "HikariPool-1", NULL, {{NULL, NULL}}},
        {40, "hikari.timeout", NULL, "ERROR", "pool", "HikariPool-1", NULL, {{NULL, NULL}}},
    };
    pgm_analysis *a = analysed(evs, sizeof evs / sizeof evs[0]);
    size_t n;
    const pgm_moment *m = pgm_analysis_moments(a, &n);
    bool found = false;
    for (size_t i = 0; i < n; i++)
        if (strstr(m[i].text, "the first pool timeout")) {
            assert_int_equal(m[i].t, BASE_US + 30 * 1000000LL);
            assert_int_equal(m[i].line, 31);
            found = true;
        }
    assert_true(found);
    pgm_analysis_close(a);
}

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
        {1, "conn.authorized", "10", "LOG", NULL, NULL, NULL, {{NULL, NULL}}},
        {2, "conn.authorized", "11", "LOG", NULL, NULL, NULL, {{NULL, NULL}}},
        {3, "conn.authorized", "12", "LOG", NULL, NULL, NULL, {{NULL, NULL}}},
        {40, "conn.lost", "10", "LOG", "reason", "Connection reset by peer", NULL, {{NULL, NULL}}},
        {40, "conn.lost", "11", "LOG", "reason", "Connection reset by peer", NULL, {{NULL, NULL}}},
        {41, "hikari.connection_broken", NULL, "WARN", "sqlstate", "08006", NULL, {{NULL, NULL}}},
        {42, "hikari.validation_failed", NULL, "WARN", "why", "This connection has been closed.", NULL, {{NULL, NULL}}},
    };
    assert_int_equal(verdict_of(evs, sizeof evs / sizeof evs[0]), PGM_VERDICT_NETWORK);
}

static void test_slow_queries(void **state)
{
    (void)state;
    const ev evs[] = {
        {1, "conn.authorized", "10", "LOG", NULL, NULL, NULL, {{NULL, NULL}}},
        {2, "conn.authorized", "11", "LOG", NULL, NULL, NULL, {{NULL, NULL}}},
        {10, "lock.waiting", "10", "LOG", "wait_ms", "1000.1", NULL, {{NULL, NULL}}},
        {11, "lock.waiting", "11", "LOG", "wait_ms", "1000.2", NULL, {{NULL, NULL}}},
        {12, "stmt.duration", "10", "LOG", "duration_ms", "25000.0", NULL, {{NULL, NULL}}},
        {13, "stmt.duration", "11", "LOG", "duration_ms", "12.0", NULL, {{NULL, NULL}}}, /* short: not a sign */
        {30, "hikari.timeout", NULL, "ERROR", "pool", "HikariPool-1", NULL, {{NULL, NULL}}},
        {60, "conn.disconnected", "10", "LOG", "session_time", "0:00:59.000", NULL, {{NULL, NULL}}},
        {60, "conn.disconnected", "11", "LOG", "session_time", "0:00:58.000", NULL, {{NULL, NULL}}},
    };
    assert_int_equal(verdict_of(evs, sizeof evs / sizeof evs[0]), PGM_VERDICT_SLOW_QUERIES);
    /* the same waits with only two signs are not enough */
    assert_int_not_equal(verdict_of(evs, 3), PGM_VERDICT_SLOW_QUERIES);
}

/* A statement's duration is slow from PGM_SLOW_STATEMENT_US (10 s) on,
 * whatever form its milliseconds take: PostgreSQL's three decimals read as
 * integers, anything else as a number. */
static void test_slow_statement_durations(void **state)
{
    (void)state;
    const ev evs[] = {
        {1, "conn.authorized", "10", "LOG", NULL, NULL, NULL, {{NULL, NULL}}},
        {10, "lock.waiting", "10", "LOG", "wait_ms", "1000.1", NULL, {{NULL, NULL}}},
        {11, "stmt.duration", "10", "LOG", "duration_ms", "10000.000", NULL, {{NULL, NULL}}}, /* slow */
        {12, "stmt.duration", "10", "LOG", "duration_ms", "9999.999", NULL, {{NULL, NULL}}},
        {13, "stmt.duration", "10", "LOG", "duration_ms", "10000", NULL, {{NULL, NULL}}},     /* slow */
        {14, "stmt.duration", "10", "LOG", "duration_ms", "1.5e4", NULL, {{NULL, NULL}}},     /* slow */
        {15, "stmt.duration", "10", "LOG", "duration_ms", "25000.1234", NULL, {{NULL, NULL}}}, /* slow */
        {16, "stmt.duration", "10", "LOG", "duration_ms", "9999.9994", NULL, {{NULL, NULL}}},
        {17, "stmt.duration", "10", "LOG", "duration_ms", "0.001", NULL, {{NULL, NULL}}},
        {18, "stmt.duration", "10", "LOG", "duration_ms", "abc", NULL, {{NULL, NULL}}},
        {19, "stmt.duration", "10", "LOG", "duration_ms", "123456789012345678.5", NULL, {{NULL, NULL}}}, /* slow */
        {30, "hikari.timeout", NULL, "ERROR", "pool", "HikariPool-1", NULL, {{NULL, NULL}}},
        {60, "conn.disconnected", "10", "LOG", "session_time", "0:00:59.000", NULL, {{NULL, NULL}}},
    };
    verdict_saying(evs, sizeof evs / sizeof evs[0], "5 statements over 10 s");
}

static void test_inconclusive_and_none(void **state)
{
    (void)state;
    /* refusals and nothing else: no session lines, no application, no snapshot */
    const ev refused[] = {
        {1, "conn.refused.too_many_clients", "20", "FATAL", NULL, NULL, NULL, {{NULL, NULL}}},
        {2, "conn.refused.too_many_clients", "21", "FATAL", NULL, NULL, NULL, {{NULL, NULL}}},
    };
    assert_int_equal(verdict_of(refused, 2), PGM_VERDICT_INCONCLUSIVE);
    /* sessions that come and go */
    const ev quiet[] = {
        {1, "conn.authorized", "10", "LOG", NULL, NULL, NULL, {{NULL, NULL}}},
        {2, "conn.disconnected", "10", "LOG", "session_time", "0:00:01.000", NULL, {{NULL, NULL}}},
        {3, "conn.authorized", "11", "LOG", NULL, NULL, NULL, {{NULL, NULL}}},
        {4, "conn.disconnected", "11", "LOG", "session_time", "0:00:01.000", NULL, {{NULL, NULL}}},
    };
    assert_int_equal(verdict_of(quiet, 4), PGM_VERDICT_NONE);
}

/* The first refusal is said by the limit that refused it: a role's
 * connection limit is no lack of the server's slots, and the first refusal
 * that is one is a moment of its own (the demo bundle's log, in short). */
static void test_refusal_kinds(void **state)
{
    (void)state;
    const ev evs[] = {
        {1, "conn.authorized", "10", "LOG", NULL, NULL, NULL, {{NULL, NULL}}},
        {2, "conn.refused.role_limit", "20", "FATAL", NULL, NULL, "batch", {{"sqlstate", "53300"}, {NULL, NULL}}},
        {9, "conn.refused.reserved_slots", "21", "FATAL", NULL, NULL, NULL, {{"sqlstate", "53300"}, {NULL, NULL}}},
    };
    pgm_analysis *a = analysed(evs, sizeof evs / sizeof evs[0]);
    size_t n;
    const pgm_moment *m = pgm_analysis_moments(a, &n);
    int role = -1, slots = -1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(m[i].text, "the first refusal: a role's connection limit, not the server's slots") == 0)
            role = (int)i;
        if (strcmp(m[i].text, "the first refusal for lack of the server's slots") == 0)
            slots = (int)i;
        assert_null(strstr(m[i].text, "the first refusal: the server ran out of slots"));
    }
    assert_true(role >= 0 && slots > role);
    assert_int_equal(m[role].line, 3);
    assert_int_equal(m[slots].line, 10);
    pgm_analysis_close(a);
}

/* A deploy bursting into the last slots, from the server's side alone: a
 * steady group, then another opening most of what is open at the first
 * refusal within seconds, its sessions used and given back. */
static void test_burst_into_the_slots(void **state)
{
    (void)state;
    ev evs[32];
    size_t n = 0;
    for (int i = 0; i < 4; i++) /* api: steady from the start */
        evs[n++] = (ev){1 + i, "conn.authorized", i == 0 ? "10" : i == 1 ? "11" : i == 2 ? "12" : "13", "LOG",
                        NULL, NULL, "api", {{NULL, NULL}}};
    static const char *const burst[] = {"20", "21", "22", "23", "24"};
    for (int i = 0; i < 5; i++) /* reports: five at once, 60 s in */
        evs[n++] = (ev){60 + i / 3, "conn.authorized", burst[i], "LOG", NULL, NULL, "reports", {{NULL, NULL}}};
    evs[n++] = (ev){62, "conn.refused.too_many_clients", "30", "FATAL", NULL, NULL, "reports", {{NULL, NULL}}};
    evs[n++] = (ev){63, "conn.refused.too_many_clients", "31", "FATAL", NULL, NULL, "reports", {{NULL, NULL}}};
    for (int i = 0; i < 5; i++)
        evs[n++] = (ev){90, "conn.disconnected", burst[i], "LOG", "session_time", "0:00:30.000", "reports",
                        {{NULL, NULL}}};
    assert_int_equal(verdict_saying(evs, n, "5 of the 5 sessions of reports@shop opened in the 10 s before it"),
                     PGM_VERDICT_CAPACITY);
    /* the same sessions opened over minutes: no burst, and refusals alone say too little */
    for (size_t i = 4; i < 9; i++)
        evs[i].sec = 5 + 10 * (int)(i - 4);
    assert_int_not_equal(verdict_of(evs, n), PGM_VERDICT_CAPACITY);
}

/* A fixed pool drained by a leak, from the server's side alone: the group
 * asks for more (and is refused) while every session it held from before
 * sits unused in a snapshot taken after the refusal. One of them used after
 * the refusal is a pool at work, not a leak. */
static void test_held_unused_while_refused(void **state)
{
    (void)state;
    char start[PGM_TS_ISO_LEN], idle[PGM_TS_ISO_LEN], used[PGM_TS_ISO_LEN];
    pgm_ts_format_iso(BASE_US + 1000000LL, start);
    pgm_ts_format_iso(BASE_US + 20LL * 1000000, idle);
    pgm_ts_format_iso(BASE_US + 63LL * 1000000, used);
    ev evs[16];
    size_t n = 0;
    static const char *const pids[] = {"10", "11", "12", "13"};
    for (int i = 0; i < 4; i++)
        evs[n++] = (ev){1, "conn.authorized", pids[i], "LOG", NULL, NULL, NULL, {{NULL, NULL}}};
    evs[n++] = (ev){60, "conn.refused.too_many_clients", "30", "FATAL", NULL, NULL, NULL, {{NULL, NULL}}};
    for (int i = 0; i < 4; i++)
        evs[n++] = (ev){65, "activity.session", pids[i], NULL, "backend_start", start, NULL,
                        {{"state", "idle"}, {"state_change", idle}}};
    assert_int_equal(verdict_saying(evs, n, "asking for more while all 4 sessions it had held from before sat unused"),
                     PGM_VERDICT_LEAK);
    /* and let go only when their application stopped: the sign that agrees */
    ev ended[20];
    memcpy(ended, evs, n * sizeof *evs);
    size_t m = n;
    for (int i = 0; i < 4; i++)
        ended[m++] = (ev){120, "conn.disconnected", pids[i], "LOG", "session_time", "0:01:59.000", NULL, {{NULL, NULL}}};
    assert_int_equal(verdict_saying(ended, m, "4 sessions of app@shop that had been open a minute or more ended "
                                              "together"), PGM_VERDICT_LEAK);
    evs[n - 1].more[1][1] = used;
    assert_int_not_equal(verdict_of(evs, n), PGM_VERDICT_LEAK);
}

/* A group that grows without giving back, from the server's side alone:
 * when the snapshot shows each of its sessions used only as it opened and
 * idle since, pools were made for each use (churn); when they were used a
 * while after opening, one pool handed them out (a leak). */
static void test_used_once_is_churn(void **state)
{
    (void)state;
    static char start[8][PGM_TS_ISO_LEN], changed[8][PGM_TS_ISO_LEN];
    static const char *const pids[] = {"10", "11", "12", "13", "14", "15", "16", "17"};
    for (int gap_s = 0; gap_s <= 5; gap_s += 5) {
        ev evs[24];
        size_t n = 0;
        for (int i = 0; i < 8; i++) {
            int64_t at = BASE_US + (int64_t)(10 + 10 * i) * 1000000;
            pgm_ts_format_iso(at, start[i]);
            pgm_ts_format_iso(at + (gap_s ? gap_s * 1000000LL : 100000), changed[i]);
            evs[n++] = (ev){10 + 10 * i, "conn.authorized", pids[i], "LOG", NULL, NULL, NULL, {{NULL, NULL}}};
        }
        for (int i = 0; i < 8; i++)
            evs[n++] = (ev){95, "activity.session", pids[i], NULL, "backend_start", start[i], NULL,
                            {{"state", "idle"}, {"state_change", changed[i]}}};
        if (!gap_s)
            assert_int_equal(verdict_saying(evs, n, "were used only within 500 ms of opening"), PGM_VERDICT_POOL_CHURN);
        else
            assert_int_equal(verdict_of(evs, n), PGM_VERDICT_LEAK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_fit),
        cmocka_unit_test(test_network),
        cmocka_unit_test(test_first_timeout_is_the_earliest),
        cmocka_unit_test(test_slow_queries), cmocka_unit_test(test_slow_statement_durations),
        cmocka_unit_test(test_inconclusive_and_none),
        cmocka_unit_test(test_burst_into_the_slots),
        cmocka_unit_test(test_refusal_kinds),
        cmocka_unit_test(test_held_unused_while_refused),
        cmocka_unit_test(test_used_once_is_churn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
