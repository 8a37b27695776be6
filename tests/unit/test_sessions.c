/* Sessions and the open-connection curve: pid reuse (after a disconnection
 * and unseen), FATAL ends, sessions from before the log, restarts and
 * crashes, walsenders left out; and against the recorded incidents' truth:
 * each server log alone gives the true peak, its time, the refusals and the
 * first refusal (fixtures/record/truth.py counts them from the csvlog). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/event_kinds.h"
#include "forensics/growth.h"
#include "forensics/sessions.h"
#include "pipeline/scan.h"
#include "rules/ruleset.h"
#include "text/jsonflat.h"
#include "text/timestamp.h"
#include "util/label.h"

typedef struct ev {
    int64_t sec;
    const char *kind, *pid, *level, *app, *extra_name, *extra;
    const char *user; /* NULL: "u" */
} ev;

static void feed(pgm_sessions *s, const ev *e)
{
    pgm_event x;
    memset(&x, 0, sizeof x);
    x.t = 1764200000000000LL + e->sec * 1000000LL;
    x.kind = e->kind;
    x.kind_id = pgm_event_kind_of(e->kind);
    x.path = "pg.log";
    x.line = (uint64_t)e->sec;
    const char *values[PGM_EVENT_COMMON_FIELDS] = {e->pid, e->user ? e->user : "u", "d", e->app, "10.0.0.1", e->level,
                                                   NULL, NULL};
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
    pgm_sessions_event(s, &x);
}

/* The sessions, copied out of the store (tests keep a few): n of them. */
static const pgm_session *listed(const pgm_sessions *s, size_t *n)
{
    static pgm_session copy[64];
    *n = pgm_sessions_count(s);
    assert_true(*n <= sizeof copy / sizeof copy[0]);
    for (size_t i = 0; i < *n; i++)
        copy[i] = pgm_sessions_get(s, i);
    return copy;
}

static void test_pairing(void **state)
{
    (void)state;
    const ev evs[] = {
        {1, "conn.received", "10", "LOG", NULL, NULL, NULL, NULL},
        {1, "conn.authorized", "10", "LOG", "orders", NULL, NULL, NULL},
        {2, "conn.authorized", "11", "LOG", "billing", NULL, NULL, NULL},
        {2, "conn.authorized", "12", "LOG", NULL, "replication", "replication ", NULL}, /* walsender */
        {3, "conn.disconnected", "10", "LOG", NULL, "session_time", "0:00:02.000", NULL},
        {4, "conn.authorized", "10", "LOG", "orders", NULL, NULL, NULL},        /* reused after its end */
        {5, "conn.authorized", "11", "LOG", "orders", NULL, NULL, NULL},        /* reused, no end seen */
        {6, "conn.terminated.admin", "10", "FATAL", NULL, NULL, NULL, NULL},
        {6, "conn.disconnected", "10", "LOG", NULL, "session_time", "0:00:02.000", NULL}, /* its own end line */
        {7, "conn.disconnected", "99", "LOG", NULL, "session_time", "0:00:10.500", NULL}, /* before the log */
        {8, "conn.refused.too_many_clients", "13", "FATAL", NULL, NULL, NULL, NULL},
        {8, "conn.authorized", "14", "LOG", "orders", NULL, NULL, NULL},
        {9, "server.crash", "1", "LOG", NULL, NULL, NULL, NULL},
        {10, "conn.authorized", "20", "LOG", "orders", NULL, NULL, NULL},
    };
    pgm_sessions *s;
    assert_int_equal(pgm_sessions_open(&s), PGM_OK);
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        feed(s, &evs[i]);
    assert_int_equal(pgm_sessions_finish(s), PGM_OK);
    size_t n;
    const pgm_session *v = listed(s, &n);
    assert_int_equal(n, 7);
    assert_int_equal(v[0].pid, 10);
    assert_int_equal(v[0].how_end, PGM_END_DISCONNECTED);
    assert_int_equal(v[1].pid, 11);
    assert_int_equal(v[1].how_end, PGM_END_PID_REUSED);
    assert_int_equal(v[2].how_end, PGM_END_TERMINATED);         /* pid 10 again, by an administrator */
    assert_int_equal(v[3].how_end, PGM_END_RESTART);            /* pid 11 again, at the crash */
    assert_int_equal(v[4].how_start, PGM_START_BEFORE_LOG);     /* pid 99 */
    assert_true(v[4].start == v[4].end - 10500000);
    assert_int_equal(v[5].how_end, PGM_END_RESTART);            /* pid 14 */
    assert_int_equal(v[6].how_end, PGM_END_OPEN);               /* pid 20 */
    assert_int_equal(pgm_sessions_open_at_end(s), 1);
    int64_t first;
    assert_int_equal(pgm_sessions_refusals(s, &first), 1);
    assert_true(first == 1764200000000000LL + 8000000LL);
    /* the curve: 1 before the log (pid 99), then 2 at 1 s, 3 at 2 s, ... */
    const pgm_curve *c = pgm_sessions_curve(s);
    static const int32_t want[][2] = {{1, 2}, {2, 3}, {3, 2}, {4, 3}, {5, 3}, {6, 2}, {7, 1}, {8, 2}, {9, 0}, {10, 1}};
    assert_int_equal(c->n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < c->n; i++) {
        assert_true(c->p[i].t == 1764200000000000LL + want[i][0] * 1000000LL);
        assert_int_equal(c->p[i].open, want[i][1]);
    }
    assert_int_equal(c->peak, 3);
    assert_true(c->peak_at == 1764200000000000LL + 2000000LL);
    /* per application: orders reaches 2 (pids 10 and 11 reused by orders at 4-5 s) */
    bool seen_orders = false;
    for (unsigned a = 0; a < pgm_sessions_app_count(s); a++)
        if (strcmp(pgm_sessions_app_name(s, a), "orders") == 0) {
            assert_int_equal(pgm_sessions_app_curve(s, a)->peak, 2);
            seen_orders = true;
        }
    assert_true(seen_orders);
    pgm_sessions_close(s);
}

/* ---- the recorded incidents ---- */

typedef struct per_log {
    char path[512];
    pgm_sessions *s;
} per_log;

typedef struct incident {
    per_log logs[8];
    size_t n;
} incident;

static void on_event(void *ctx, const pgm_event_origin *o, const pgm_event *e)
{
    (void)o;
    incident *in = ctx;
    if (strncmp(e->kind, "conn.", 5) != 0 && strncmp(e->kind, "server.", 7) != 0)
        return;
    size_t i = 0;
    while (i < in->n && strcmp(in->logs[i].path, e->path) != 0)
        i++;
    if (i == in->n) {
        assert_true(in->n < 8);
        snprintf(in->logs[i].path, sizeof in->logs[i].path, "%s", e->path);
        assert_int_equal(pgm_sessions_open(&in->logs[i].s), PGM_OK);
        in->n++;
    }
    pgm_sessions_event(in->logs[i].s, e);
}

static void iso_ms(int64_t us, char out[PGM_TS_ISO_LEN])
{
    if (us == PGM_TS_UNKNOWN)
        snprintf(out, PGM_TS_ISO_LEN, "null");
    else
        pgm_ts_format_iso(us, out);
}

static void test_recorded_incidents(void **state)
{
    (void)state;
    static const char *const bundles[] = {
        "01-leak-hikari.tar.zst",   "02-idle-in-transaction.zip", "03-capacity.tar.gz",
        "04-healthy.tar.zst",       "06-jsonlog-restart.tar.zst", "07-pool-churn.tar.zst",
        "05-leak-no-connection-logging.tar.zst",
    };
    pgm_ruleset rs;
    tu_load_rules(&rs, "rules/postgresql");
    for (size_t b = 0; b < sizeof bundles / sizeof bundles[0]; b++) {
        char path[256], truth_path[256];
        snprintf(path, sizeof path, "fixtures/incidents/%s", bundles[b]);
        snprintf(truth_path, sizeof truth_path, "fixtures/incidents/%.*s.truth.json",
                 (int)strcspn(bundles[b], "."), bundles[b]);
        size_t len;
        char *truth_text = tu_read_file(truth_path, &len);
        assert_non_null(truth_text);
        pgm_jsonflat truth;
        pgm_jsonflat_init(&truth);
        char err[128];
        assert_true(pgm_jsonflat_parse(&truth, truth_text, len, err, sizeof err));
        enum pgm_json_type peak_type;
        const char *peak = pgm_jsonflat_get(&truth, "peak_connections", &peak_type);
        if (peak && peak_type == PGM_JT_NULL)
            peak = NULL;
        const char *peak_at = pgm_jsonflat_get(&truth, "peak_at", NULL);
        const char *refusals = pgm_jsonflat_get(&truth, "refusals", NULL);
        enum pgm_json_type fr_type;
        const char *first_refusal = pgm_jsonflat_get(&truth, "first_refusal", &fr_type);
        if (first_refusal && fr_type == PGM_JT_NULL)
            first_refusal = NULL;

        incident in;
        memset(&in, 0, sizeof in);
        pgm_scan s;
        pgm_scan_init(&s, &rs);
        s.jobs = 1;
        s.on_event = on_event;
        s.ctx = &in;
        pgm_bundle_limits lim = pgm_bundle_limits_default();
        const char *inputs[] = {path};
        assert_int_equal(pgm_scan_run(&s, inputs, 1, &lim), PGM_OK);
        assert_true(in.n >= 1);
        for (size_t i = 0; i < in.n; i++) {
            pgm_sessions *ss = in.logs[i].s;
            assert_int_equal(pgm_sessions_finish(ss), PGM_OK);
            const pgm_curve *c = pgm_sessions_curve(ss);
            char at[PGM_TS_ISO_LEN], fr[PGM_TS_ISO_LEN], got_peak[16], got_ref[24];
            int64_t first;
            uint64_t n_ref = pgm_sessions_refusals(ss, &first);
            iso_ms(c->peak_at, at);
            iso_ms(first, fr);
            snprintf(got_peak, sizeof got_peak, "%d", c->peak);
            snprintf(got_ref, sizeof got_ref, "%llu", (unsigned long long)n_ref);
            printf("  %s: peak %s at %s (truth %s at %s); refusals %s from %s (truth %s from %s)\n",
                   in.logs[i].path, got_peak, at, peak ? peak : "null", peak_at ? peak_at : "null",
                   got_ref, fr, refusals, first_refusal ? first_refusal : "null");
            /* without connection logging the log cannot tell (truth: null), and
             * neither do the sessions: there are none */
            size_t n_sessions = pgm_sessions_count(ss);
            if (!peak)
                assert_int_equal(n_sessions, 0);
            if (peak) {
                assert_string_equal(got_peak, peak);
                /* a log with %t has whole seconds: equal to its resolution */
                if (strcmp(at, peak_at) != 0) {
                    assert_string_equal(at + 19, ".000Z");
                    assert_memory_equal(at, peak_at, 19);
                }
            }
            assert_string_equal(got_ref, refusals);
            assert_string_equal(fr, first_refusal ? first_refusal : "null");
            /* the group that grew: a leak's suspect, onset and sessions held */
            pgm_growth g[PGM_GROWTH_MAX_GROUPS];
            size_t not_judged;
            size_t ng = pgm_growth_find(ss, first, NULL, 0, g, PGM_GROWTH_MAX_GROUPS, &not_judged);
            const char *verdict = pgm_jsonflat_get(&truth, "verdict.kind", NULL);
            if (ng)
                printf("    growth: %s@%s from %s app %s: %d -> %d, onset %lld, %u opened %u closed, %u bursts, %.1f/min%s\n",
                       g[0].user, g[0].db, g[0].client, g[0].app, g[0].baseline, g[0].held,
                       (long long)g[0].onset, g[0].opened, g[0].closed, g[0].bursts, g[0].rate_per_min,
                       g[0].growing ? " GROWING" : "");
            if (strcmp(verdict, "none") == 0)
                assert_true(!ng || !g[0].growing);
            const char *leaked = pgm_jsonflat_get(&truth, "leak.leaked_sessions", NULL);
            if (strcmp(verdict, "leak") == 0 && peak && first != PGM_TS_UNKNOWN) {
                assert_true(ng && g[0].growing);
                assert_string_equal(g[0].user, pgm_jsonflat_get(&truth, "leak.suspect.user", NULL));
                assert_string_equal(g[0].db, pgm_jsonflat_get(&truth, "leak.suspect.database", NULL));
                assert_string_equal(g[0].client, pgm_jsonflat_get(&truth, "leak.suspect.client", NULL));
                char held[16];
                snprintf(held, sizeof held, "%d", g[0].held);
                assert_string_equal(held, leaked);
                pgm_ts_parse onset;
                const char *o = pgm_jsonflat_get(&truth, "leak.onset", NULL);
                assert_true(pgm_ts_parse_at(o, strlen(o), &onset));
                assert_true(llabs(g[0].onset - onset.us) <= 10 * 1000000LL);
            }
            pgm_sessions_close(ss);
        }
        pgm_scan_free(&s);
        pgm_jsonflat_free(&truth);
        free(truth_text);
    }
    pgm_ruleset_free(&rs);
}

/* A newest-first export (the lines reversed) is read from its end: the same
 * sessions, peak and first refusal as the server's own order. */
static void test_reverse_ordered_log(void **state)
{
    (void)state;
    /* the server log of incident 01, reversed line by line */
    char dir[] = "/tmp/pgm-reverse-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[512], path[300];
    snprintf(path, sizeof path, "%s/postgresql.log", dir);
    snprintf(cmd, sizeof cmd,
             "zstd -dc fixtures/incidents/01-leak-hikari.tar.zst | tar -xOf - 01-leak-hikari/db/postgresql-15-main.log"
             " | tac > %s",
             path);
    assert_int_equal(system(cmd), 0);
    pgm_ruleset rs;
    tu_load_rules(&rs, "rules/postgresql");
    incident in;
    memset(&in, 0, sizeof in);
    pgm_scan s;
    pgm_scan_init(&s, &rs);
    s.jobs = 1;
    s.on_event = on_event;
    s.ctx = &in;
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    const char *inputs[] = {path};
    assert_int_equal(pgm_scan_run(&s, inputs, 1, &lim), PGM_OK);
    assert_int_equal(in.n, 1);
    assert_int_equal(pgm_sessions_finish(in.logs[0].s), PGM_OK);
    const pgm_curve *c = pgm_sessions_curve(in.logs[0].s);
    char at[PGM_TS_ISO_LEN], fr[PGM_TS_ISO_LEN];
    int64_t first;
    assert_int_equal(pgm_sessions_refusals(in.logs[0].s, &first), 13);
    iso_ms(c->peak_at, at);
    iso_ms(first, fr);
    assert_int_equal(c->peak, 28);
    assert_string_equal(at, "2026-11-27T02:21:45.639Z");
    assert_string_equal(fr, "2026-11-27T02:21:50.570Z");
    pgm_sessions_close(in.logs[0].s);
    pgm_scan_free(&s);
    pgm_ruleset_free(&rs);
    unlink(path);
    rmdir(dir);
}

/* The sessions held longest: an open one counts to the log's last line, the
 * short list keeps the longest in order, and a session from before the log
 * (start recovered from session time) takes part. */
/* A session authorized in the same millisecond as another one's
 * disconnection, before it: the instant's peak is a point of the curve, as
 * it is its peak (the reports draw and write the points), then its last
 * value; an instant that only falls keeps one point. */
static void test_peak_within_an_instant(void **state)
{
    (void)state;
    const ev evs[] = {
        {1, "conn.authorized", "10", "LOG", "orders", NULL, NULL, NULL},
        {2, "conn.authorized", "11", "LOG", "orders", NULL, NULL, NULL},
        {3, "conn.authorized", "12", "LOG", "orders", NULL, NULL, NULL},
        {3, "conn.disconnected", "10", "LOG", NULL, "session_time", "0:00:02.000", NULL},
        {4, "conn.disconnected", "11", "LOG", NULL, "session_time", "0:00:02.000", NULL},
        {4, "conn.disconnected", "12", "LOG", NULL, "session_time", "0:00:01.000", NULL},
    };
    pgm_sessions *s;
    assert_int_equal(pgm_sessions_open(&s), PGM_OK);
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        feed(s, &evs[i]);
    assert_int_equal(pgm_sessions_finish(s), PGM_OK);
    const pgm_curve *c = pgm_sessions_curve(s);
    static const int32_t want[][2] = {{1, 1}, {2, 2}, {3, 3}, {3, 2}, {4, 0}};
    assert_int_equal(c->n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < c->n; i++) {
        assert_true(c->p[i].t == 1764200000000000LL + want[i][0] * 1000000LL);
        assert_int_equal(c->p[i].open, want[i][1]);
    }
    assert_int_equal(c->peak, 3);
    pgm_sessions_close(s);
}

static bool skip_pid(void *ctx, const pgm_session *v)
{
    return v->pid == *(const int *)ctx;
}

static void test_longest(void **state)
{
    (void)state;
    const ev evs[] = {
        {1, "conn.authorized", "10", "LOG", "a", NULL, NULL, NULL},
        {2, "conn.authorized", "11", "LOG", "a", NULL, NULL, NULL},
        {3, "conn.authorized", "12", "LOG", "a", NULL, NULL, NULL},
        {4, "conn.disconnected", "11", "LOG", NULL, "session_time", "0:00:02.000", NULL},   /* held 2 s */
        {5, "conn.disconnected", "99", "LOG", NULL, "session_time", "0:01:00.000", NULL},   /* held 60 s */
        {6, "conn.disconnected", "12", "LOG", NULL, "session_time", "0:00:03.000", NULL},   /* held 3 s */
        {40, "server.checkpoint_complete", "1", "LOG", NULL, NULL, NULL, NULL},            /* pid 10 open: 39 s */
    };
    pgm_sessions *s;
    assert_int_equal(pgm_sessions_open(&s), PGM_OK);
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        feed(s, &evs[i]);
    assert_int_equal(pgm_sessions_finish(s), PGM_OK);
    size_t n;
    const pgm_session *v = listed(s, &n);
    assert_int_equal(pgm_sessions_last_time(s), 1764200000000000LL + 40 * 1000000LL);
    size_t idx[3];
    assert_int_equal(pgm_sessions_longest(s, idx, 3, NULL, NULL), 3);
    assert_int_equal(v[idx[0]].pid, 99);
    assert_int_equal(pgm_session_held_us(s, &v[idx[0]]), 60000000);
    assert_int_equal(v[idx[1]].pid, 10);
    assert_int_equal(v[idx[1]].how_end, PGM_END_OPEN);
    assert_int_equal(pgm_session_held_us(s, &v[idx[1]]), 39000000);
    assert_int_equal(v[idx[2]].pid, 12);
    /* a list of one keeps the longest */
    assert_int_equal(pgm_sessions_longest(s, idx, 1, NULL, NULL), 1);
    assert_int_equal(v[idx[0]].pid, 99);
    assert_int_equal(pgm_sessions_longest(s, idx, 0, NULL, NULL), 0);
    /* a session the caller leaves out (a monitoring agent's) gives its place to the next */
    int skipped = 99;
    assert_int_equal(pgm_sessions_longest(s, idx, 2, skip_pid, &skipped), 2);
    assert_int_equal(v[idx[0]].pid, 10);
    assert_int_equal(v[idx[1]].pid, 12);
    assert_string_equal(pgm_session_end_name(PGM_END_OPEN), "open");
    assert_string_equal(pgm_session_end_name(PGM_END_RESTART), "restart");
    pgm_sessions_close(s);
}

/* Session ids (%c, csvlog, jsonlog): a disconnection of the same pid under
 * another id is another session; the open one ended unseen, and the other,
 * which began before the log with no session time, starts at its id's time. */
static void test_session_ids(void **state)
{
    (void)state;
    /* 1764200000 = 0x6927bb00 */
    const ev evs[] = {
        {1, "conn.authorized", "10", "LOG", "orders", "session_id", "6927bb01.a", NULL},
        {5, "conn.disconnected", "10", "LOG", NULL, "session_id", "6927bb03.a", NULL}, /* not the open one */
        {6, "conn.authorized", "11", "LOG", "orders", "session_id", "6927bb06.b", NULL},
        {8, "conn.disconnected", "11", "LOG", NULL, "session_id", "6927bb06.b", NULL}, /* its own end */
    };
    pgm_sessions *s;
    assert_int_equal(pgm_sessions_open(&s), PGM_OK);
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        feed(s, &evs[i]);
    assert_int_equal(pgm_sessions_finish(s), PGM_OK);
    size_t n;
    const pgm_session *v = listed(s, &n);
    assert_int_equal(n, 3);
    assert_int_equal(v[0].pid, 10);
    assert_int_equal(v[0].how_end, PGM_END_PID_REUSED);          /* ended unseen */
    assert_int_equal(v[1].pid, 10);
    assert_int_equal(v[1].how_start, PGM_START_BEFORE_LOG);
    assert_int_equal(v[1].start, 0x6927bb03LL * 1000000);        /* from its session id */
    assert_int_equal(v[1].how_end, PGM_END_DISCONNECTED);
    assert_int_equal(v[2].how_end, PGM_END_DISCONNECTED);        /* same id: the same session */
    assert_int_equal(pgm_sessions_open_at_end(s), 0);
    pgm_sessions_close(s);
}

/* A log's first n_evs events, then its sessions named by the rows: `named`
 * of them, `inferred` of those by their user, database and client. */
static pgm_sessions *named_by_rows(const ev *evs, size_t n_evs, const pgm_app_hint *rows, size_t n_rows,
                                   size_t named, size_t inferred)
{
    pgm_sessions *s;
    assert_int_equal(pgm_sessions_open(&s), PGM_OK);
    for (size_t i = 0; i < n_evs; i++)
        feed(s, &evs[i]);
    size_t got;
    assert_int_equal(pgm_sessions_name_apps(s, rows, n_rows, &got), named);
    assert_int_equal(got, inferred);
    assert_int_equal(pgm_sessions_finish(s), PGM_OK);
    return s;
}

/* Application names from pg_stat_activity rows: a row names the session with
 * its pid open then and started with it; the rest of the same user, database
 * and client take the name unless something names them otherwise; a session
 * from before the log keeps its place; another client is left alone. */
static void test_app_names_from_rows(void **state)
{
    (void)state;
    const ev evs[] = {
        {1, "conn.authorized", "10", "LOG", NULL, NULL, NULL, NULL},
        {2, "conn.authorized", "11", "LOG", NULL, NULL, NULL, NULL},
        {3, "conn.disconnected", "11", "LOG", NULL, "session_time", "0:00:01.000", NULL},
        {4, "conn.authorized", "11", "LOG", NULL, NULL, NULL, NULL},  /* pid 11 again */
        {9, "conn.disconnected", "99", "LOG", NULL, "session_time", "0:00:30.000", NULL}, /* before the log */
    };
    const int64_t base = 1764200000000000LL;
    const pgm_app_hint hints[] = {
        /* pid 11's second session, seen at 5 s, started at 4 s */
        {11, base + 5000000, base + 4000000, "orders", "u", "d", "10.0.0.1"},
        /* a pid the log never saw, and a name that says nothing */
        {12, base + 5000000, base + 4000000, "billing", "u", "d", "10.0.0.2"},
        {10, base + 5000000, base + 1000000, "", "u", "d", "10.0.0.1"},
    };
    /* pid 10 and pid 11's first session inferred, by the same user/db/client */
    pgm_sessions *s = named_by_rows(evs, sizeof evs / sizeof evs[0], hints, 3, 3, 2);
    size_t n;
    const pgm_session *v = listed(s, &n);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(pgm_sessions_app_name(s, v[i].app), "orders");
    assert_int_equal(v[3].how_start, PGM_START_BEFORE_LOG);
    assert_string_equal(pgm_sessions_app_name(s, v[3].app), "(unknown)");
    /* the per-application curves follow: orders holds the two open at the end */
    for (unsigned app = 0; app < pgm_sessions_app_count(s); app++)
        if (strcmp(pgm_sessions_app_name(s, app), "orders") == 0)
            assert_int_equal(pgm_sessions_app_curve(s, app)->peak, 2);
    pgm_sessions_close(s);

    /* two names for one user/db/client: only the row's own session is named */
    const pgm_app_hint two[] = {
        {11, base + 5000000, base + 4000000, "orders", "u", "d", "10.0.0.1"},
        {10, base + 5000000, base + 1000000, "billing", "u", "d", "10.0.0.1"},
    };
    s = named_by_rows(evs, 4, two, 2, 2, 0);
    v = listed(s, &n);
    assert_string_equal(pgm_sessions_app_name(s, v[0].app), "billing");
    assert_string_equal(pgm_sessions_app_name(s, v[1].app), "(unknown)");
    assert_string_equal(pgm_sessions_app_name(s, v[2].app), "orders");
    pgm_sessions_close(s);

    /* a row of the same user/db/client with another name, though it shows no
     * logged session (pid 13), leaves the others unnamed too */
    const pgm_app_hint other[] = {
        {11, base + 5000000, base + 4000000, "orders", "u", "d", "10.0.0.1"},
        {13, base + 5000000, base + 4000000, "billing", "u", "d", "10.0.0.1"},
    };
    s = named_by_rows(evs, 4, other, 2, 1, 0);
    v = listed(s, &n);
    assert_string_equal(pgm_sessions_app_name(s, v[0].app), "(unknown)");
    assert_string_equal(pgm_sessions_app_name(s, v[2].app), "orders");
    pgm_sessions_close(s);
}

/* One session past PGM_SESSIONS_MAX (4,194,303, each opened and closed,
 * as a month of a busy server's connections per transaction): it is not
 * listed, it is counted as dropped (analyze says "sessions tracked in one
 * server log" with it), and the curve still counts it. */
static void test_sessions_past_their_bound(void **state)
{
    (void)state;
    pgm_sessions *s;
    assert_int_equal(pgm_sessions_open(&s), PGM_OK);
    pgm_event x;
    memset(&x, 0, sizeof x);
    x.path = "pg.log";
    char pid[16];
    const char *values[PGM_EVENT_COMMON_FIELDS] = {pid, "u", "d", "app", "10.0.0.1", "LOG", NULL, NULL};
    for (size_t i = 0; i < PGM_EVENT_COMMON_FIELDS; i++) {
        x.fields[i].name = pgm_event_common_names[i];
        x.fields[i].value = values[i];
    }
    x.n_fields = PGM_EVENT_COMMON_FIELDS;
    const size_t total = (size_t)PGM_SESSIONS_MAX + 1;
    for (size_t i = 0; i < total; i++) {
        snprintf(pid, sizeof pid, "%zu", 1000 + i % 30000);
        x.t = 1764200000000000LL + (int64_t)i * 1000;
        x.line = 2 * i + 1;
        x.kind = "conn.authorized";
        x.kind_id = PGM_EV_CONN_AUTHORIZED;
        pgm_sessions_event(s, &x);
        x.t += 500;
        x.line++;
        x.kind = "conn.disconnected";
        x.kind_id = PGM_EV_CONN_DISCONNECTED;
        pgm_sessions_event(s, &x);
    }
    assert_int_equal(pgm_sessions_finish(s), PGM_OK);
    assert_int_equal(pgm_sessions_count(s), PGM_SESSIONS_MAX);
    assert_int_equal(pgm_sessions_dropped(s), 1);
    assert_false(pgm_sessions_complete(s));
    pgm_sessions_close(s);
}

/* Every kind the catalog numbers under conn.refused. and conn.terminated.,
 * fed to an open session as a FATAL of its pid: a termination ends it as
 * one, a refusal for lack of slots is counted, and the names round-trip
 * through their numbers (a kind added to the catalog and not to the
 * sessions' switch fails here). */
static void test_every_kind_number(void **state)
{
    (void)state;
    for (unsigned id = PGM_EV_NONE + 1; id < PGM_EV_COUNT; id++) {
        const char *name = pgm_event_kind_name((enum pgm_event_kind)id);
        assert_int_equal(pgm_event_kind_of(name), id);
        bool terminated = strncmp(name, "conn.terminated.", 16) == 0;
        bool refused = strncmp(name, "conn.refused.", 13) == 0;
        if (!terminated && !refused)
            continue;
        pgm_sessions *s;
        assert_int_equal(pgm_sessions_open(&s), PGM_OK);
        const ev evs[] = {{1, "conn.authorized", "10", "LOG", "orders", NULL, NULL, NULL},
                          {2, name, "10", "FATAL", NULL, NULL, NULL, NULL},
                          {3, name, "11", "FATAL", NULL, NULL, NULL, NULL}};
        for (size_t i = 0; i < 3; i++)
            feed(s, &evs[i]);
        assert_int_equal(pgm_sessions_finish(s), PGM_OK);
        size_t n;
        const pgm_session *v = listed(s, &n);
        assert_int_equal(n, 1);
        assert_int_equal(v[0].how_end, terminated ? PGM_END_TERMINATED : PGM_END_FATAL);
        /* refusals for lack of slots: by their kind (no SQLSTATE is fed) */
        bool no_slot = strcmp(name, "conn.refused.too_many_clients") == 0 || strcmp(name, "conn.refused.reserved_slots") == 0 ||
                       strcmp(name, "conn.refused.role_limit") == 0 || strcmp(name, "conn.refused.database_limit") == 0;
        assert_int_equal(pgm_sessions_refusals(s, NULL), refused && no_slot ? 2 : 0);
        pgm_sessions_close(s);
    }
    assert_int_equal(pgm_event_kind_of("conn.no_such_kind"), PGM_EV_NONE);
    assert_string_equal(pgm_event_kind_name(PGM_EV_NONE), "");
}

/* The keyed walk (the JSON's series by user, database, client): per key, in
 * the order of the keys' texts, one point per instant; a change written a
 * moment late (the log stepping back) still comes in time order; a session
 * from before the log counts from the start its session time gives. */
typedef struct walked {
    const pgm_sessions *s;
    char text[512];
    size_t len;
} walked;

static const char *user_key(void *ctx, const pgm_sessions *s, const pgm_who *w)
{
    (void)ctx;
    (void)s;
    return w->user;
}

static void walk_begin(void *ctx, const char *key, size_t n, int64_t first, int64_t last)
{
    walked *w = ctx;
    w->len += (size_t)snprintf(w->text + w->len, sizeof w->text - w->len, "%s[%zu %lld..%lld]:", key, n,
                               (long long)((first - 1764200000000000LL) / 1000000),
                               (long long)((last - 1764200000000000LL) / 1000000));
}

static void walk_point(void *ctx, const pgm_curve_point *p)
{
    walked *w = ctx;
    w->len += (size_t)snprintf(w->text + w->len, sizeof w->text - w->len, " %lld=%d",
                               (long long)((p->t - 1764200000000000LL) / 1000000), p->open);
}

static void walk_end(void *ctx)
{
    walked *w = ctx;
    w->len += (size_t)snprintf(w->text + w->len, sizeof w->text - w->len, ";");
}

static void test_keyed_walk(void **state)
{
    (void)state;
    const ev evs[] = {
        {1, "conn.authorized", "10", "LOG", NULL, NULL, NULL, "orders"},
        {2, "conn.authorized", "11", "LOG", NULL, NULL, NULL, "billing"},
        {4, "conn.authorized", "12", "LOG", NULL, NULL, NULL, "orders"},
        {3, "conn.disconnected", "10", "LOG", NULL, "session_time", "0:00:02.000", NULL}, /* written late */
        {4, "conn.authorized", "13", "LOG", NULL, NULL, NULL, "orders"},                  /* same instant */
        {5, "conn.disconnected", "99", "LOG", NULL, "session_time", "0:01:00.000", NULL}, /* from before the log */
        {6, "server.checkpoint_complete", "1", "LOG", NULL, NULL, NULL, NULL},
    };
    pgm_sessions *s;
    assert_int_equal(pgm_sessions_open(&s), PGM_OK);
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        feed(s, &evs[i]);
    assert_int_equal(pgm_sessions_finish(s), PGM_OK);
    walked w = {s, "", 0};
    pgm_keyed_walk kw = {user_key, walk_begin, walk_point, walk_end, &w, 0, NULL};
    assert_int_equal(pgm_sessions_walk_keyed(s, &kw, NULL), PGM_OK);
    assert_string_equal(w.text, "billing[1 2..2]: 2=1;orders[3 1..4]: 1=1 3=0 4=2;u[2 -55..5]: -55=1 5=0;");
    /* one key kept, the one that goes highest: the others' sessions as one more */
    size_t folded;
    w.len = 0;
    kw.max_keys = 1;
    kw.other = "(other)";
    assert_int_equal(pgm_sessions_walk_keyed(s, &kw, &folded), PGM_OK);
    assert_int_equal(folded, 2);
    assert_string_equal(w.text, "(other)[3 -55..5]: -55=1 2=2 5=1;orders[3 1..4]: 1=1 3=0 4=2;");
    assert_int_equal(pgm_sessions_count_keys(s, user_key, NULL), 3);
    pgm_sessions_close(s);
}

static const char *user_label(void *ctx, const pgm_sessions *s, const pgm_who *w)
{
    (void)ctx;
    return pgm_sessions_label(s, w->user);
}

/* A session of `user` (and application `app`) authorized at second `sec`. */
static void authorize(pgm_sessions *s, int64_t sec, int pid, const char *user, const char *app)
{
    char pid_s[16];
    snprintf(pid_s, sizeof pid_s, "%d", pid);
    pgm_event x;
    memset(&x, 0, sizeof x);
    x.t = 1764200000000000LL + sec * 1000000LL;
    x.kind = "conn.authorized";
    x.kind_id = PGM_EV_CONN_AUTHORIZED;
    x.path = "pg.log";
    x.line = (uint64_t)sec;
    const char *values[PGM_EVENT_COMMON_FIELDS] = {pid_s, user, "d", app, "10.0.0.1", "LOG", NULL, NULL};
    for (size_t i = 0; i < PGM_EVENT_COMMON_FIELDS; i++)
        x.fields[i] = (pgm_field){pgm_event_common_names[i], values[i], 0};
    x.n_fields = PGM_EVENT_COMMON_FIELDS;
    pgm_sessions_event(s, &x);
}

/* Names from the log that read like the reports' own labels are shown
 * quoted: a role called "(other)" is not the series of the roles past the
 * cap, one called "(unknown)" not the sessions without a user, and an
 * application called "(other)" not the one of the applications past theirs. */
static void test_names_that_read_as_labels(void **state)
{
    (void)state;
    pgm_sessions *s;
    assert_int_equal(pgm_sessions_open(&s), PGM_OK);
    const char *users[] = {"(other)", "(unknown)", "", "\"q\"", "plain", "plain"};
    for (int i = 0; i < 6; i++)
        authorize(s, 1 + i, 100 + i, users[i], "app");
    assert_int_equal(pgm_sessions_finish(s), PGM_OK);
    walked w = {s, "", 0};
    pgm_keyed_walk kw = {user_label, walk_begin, walk_point, walk_end, &w, 0, NULL};
    assert_int_equal(pgm_sessions_walk_keyed(s, &kw, NULL), PGM_OK);
    assert_string_equal(w.text, "\"\"\"q\"\"\"[1 4..4]: 4=1;\"(other)\"[1 1..1]: 1=1;\"(unknown)\"[1 2..2]: 2=1;"
                                "(unknown)[1 3..3]: 3=1;plain[2 5..6]: 5=1 6=2;");
    /* the one going highest kept, the others under the label, apart from the role called so */
    w.len = 0;
    kw.max_keys = 1;
    kw.other = PGM_LABEL_OTHER;
    assert_int_equal(pgm_sessions_walk_keyed(s, &kw, NULL), PGM_OK);
    assert_string_equal(w.text, "(other)[4 1..4]: 1=1 2=2 3=3 4=4;plain[2 5..6]: 5=1 6=2;");
    assert_int_equal(pgm_sessions_count_keys(s, user_label, NULL), 5);
    pgm_sessions_close(s);

    /* applications: two named like the labels, and more than the cap */
    assert_int_equal(pgm_sessions_open(&s), PGM_OK);
    authorize(s, 1, 100, "u", "(other)");
    authorize(s, 2, 101, "u", "(unknown)");
    authorize(s, 3, 102, "u", NULL);
    for (int i = 0; i < (int)PGM_SESSIONS_MAX_APPS; i++) {
        char app[16];
        snprintf(app, sizeof app, "app%d", i);
        authorize(s, 10 + i, 200 + i, "u", app);
    }
    assert_int_equal(pgm_sessions_finish(s), PGM_OK);
    size_t n_apps = pgm_sessions_app_count(s);
    assert_int_equal(n_apps, PGM_SESSIONS_MAX_APPS);
    for (size_t i = 0; i < n_apps; i++)
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(pgm_sessions_app_name(s, (unsigned)i), pgm_sessions_app_name(s, (unsigned)j));
    assert_string_equal(pgm_sessions_app_name(s, 0), "\"(other)\"");
    assert_string_equal(pgm_sessions_app_name(s, 1), "\"(unknown)\"");
    assert_string_equal(pgm_sessions_app_name(s, 2), PGM_LABEL_UNKNOWN);
    assert_string_equal(pgm_sessions_app_name(s, PGM_SESSIONS_MAX_APPS - 1), PGM_LABEL_OTHER);
    pgm_sessions_close(s);
}

/* One group's growth from a log: 150 sessions that came and went (seconds
 * 100 to 399), one from before the log (its end at 200), 100 more that came
 * and went (450 to 649), one given back at 700 as the leak's first session
 * opened, and the leak (ten sessions ten seconds apart, none given back).
 * The steps are sorted as the log wrote them (nearly in time,
 * util/timesort.h): the same growth whatever the order of its lines; two
 * halves the wrong way round are past what moving steps one by one does. */
enum { EARLY_CHURN = 150, LATE_CHURN = 100, LEAK = 10 };
enum log_order { IN_TIME, STEPPING_BACK, LATE_HALF_FIRST };

static size_t leak_log(ev *evs, char (*pids)[16], enum log_order order)
{
    ev early[2 * EARLY_CHURN + 1], late[2 + LEAK + 2 * LATE_CHURN];
    size_t ne = 0, nl = 0, p = 0;
    for (int i = 0; i < EARLY_CHURN; i++) {
        snprintf(pids[p], sizeof pids[p], "%d", 1000 + i);
        early[ne++] = (ev){100 + 2 * i, "conn.authorized", pids[p++], "LOG", NULL, NULL, NULL, NULL};
        if (i == 50) /* from before the log: its end, in its place among the others */
            early[ne++] = (ev){200, "conn.disconnected", "40", "LOG", NULL, "session_time", "0:03:00.000", NULL};
        /* stepping back: each disconnection written after the next authorization, stamped a second before it */
        int ended = order == STEPPING_BACK ? i - 1 : i;
        if (ended >= 0)
            early[ne++] = (ev){101 + 2 * ended, "conn.disconnected", pids[p - 1 - (i - ended)], "LOG", NULL,
                               "session_time", "0:00:01.000", NULL};
    }
    if (order == STEPPING_BACK)
        early[ne++] = (ev){101 + 2 * (EARLY_CHURN - 1), "conn.disconnected", pids[p - 1], "LOG", NULL, "session_time",
                           "0:00:01.000", NULL};
    for (int i = 0; i < LATE_CHURN; i++) {
        snprintf(pids[p], sizeof pids[p], "%d", 2000 + i);
        late[nl++] = (ev){450 + 2 * i, "conn.authorized", pids[p], "LOG", NULL, NULL, NULL, NULL};
        late[nl++] = (ev){451 + 2 * i, "conn.disconnected", pids[p++], "LOG", NULL, "session_time", "0:00:01.000", NULL};
    }
    late[nl++] = (ev){650, "conn.authorized", "41", "LOG", NULL, NULL, NULL, NULL};
    late[nl++] = (ev){700, "conn.disconnected", "41", "LOG", NULL, "session_time", "0:00:50.000", NULL};
    for (int i = 0; i < LEAK; i++) {
        snprintf(pids[p], sizeof pids[p], "%d", 50 + i);
        late[nl++] = (ev){700 + 10 * i, "conn.authorized", pids[p++], "LOG", NULL, NULL, NULL, NULL};
    }
    size_t n = 0;
    if (order == LATE_HALF_FIRST) /* two files concatenated the wrong way round: no session spans them */
        for (size_t i = 0; i < nl; i++)
            evs[n++] = late[i];
    for (size_t i = 0; i < ne; i++)
        evs[n++] = early[i];
    if (order != LATE_HALF_FIRST)
        for (size_t i = 0; i < nl; i++)
            evs[n++] = late[i];
    return n;
}

static void leak_growth(enum log_order order, pgm_growth *out)
{
    ev evs[2 * EARLY_CHURN + 1 + 2 + LEAK + 2 * LATE_CHURN];
    char pids[EARLY_CHURN + LEAK + LATE_CHURN][16];
    size_t n = leak_log(evs, pids, order);
    pgm_sessions *s;
    assert_int_equal(pgm_sessions_open(&s), PGM_OK);
    for (size_t i = 0; i < n; i++)
        feed(s, &evs[i]);
    assert_int_equal(pgm_sessions_finish(s), PGM_OK);
    pgm_growth g[4];
    size_t not_judged;
    assert_int_equal(pgm_growth_find(s, PGM_TS_UNKNOWN, NULL, 0, g, 4, &not_judged), 1);
    *out = g[0];
    pgm_sessions_close(s);
}

static void test_growth_whatever_the_order_of_lines(void **state)
{
    (void)state;
    pgm_growth in_time, stepping_back, late_first;
    leak_growth(IN_TIME, &in_time);
    leak_growth(STEPPING_BACK, &stepping_back);
    leak_growth(LATE_HALF_FIRST, &late_first);
    const int64_t t0 = 1764200000000000LL;
    const pgm_growth *g = &in_time;
    assert_true(g->growing);
    assert_int_equal(g->baseline, 0);
    assert_int_equal(g->held, LEAK);
    assert_int_equal(g->onset, t0 + 700LL * 1000000);
    assert_int_equal(g->onset_line, 700);
    assert_int_equal(g->ref, t0 + 790LL * 1000000);
    assert_int_equal(g->opened, LEAK);
    assert_int_equal(g->closed, 0);
    assert_int_equal(g->sessions, EARLY_CHURN + 2 + LEAK + LATE_CHURN); /* with 40 and 41 */
    for (int k = 0; k < 2; k++) {
        const pgm_growth *o = k ? &late_first : &stepping_back;
        assert_int_equal(o->growing, g->growing);
        assert_int_equal(o->baseline, g->baseline);
        assert_int_equal(o->held, g->held);
        assert_int_equal(o->onset, g->onset);
        assert_int_equal(o->onset_line, g->onset_line);
        assert_int_equal(o->ref, g->ref);
        assert_int_equal(o->opened, g->opened);
        assert_int_equal(o->closed, g->closed);
        assert_int_equal(o->bursts, g->bursts);
        assert_int_equal(o->sessions, g->sessions);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairing),
        cmocka_unit_test(test_every_kind_number),
        cmocka_unit_test(test_recorded_incidents),
        cmocka_unit_test(test_reverse_ordered_log),
        cmocka_unit_test(test_peak_within_an_instant),
        cmocka_unit_test(test_longest),
        cmocka_unit_test(test_keyed_walk),
        cmocka_unit_test(test_names_that_read_as_labels),
        cmocka_unit_test(test_session_ids),
        cmocka_unit_test(test_app_names_from_rows),
        cmocka_unit_test(test_sessions_past_their_bound),
        cmocka_unit_test(test_growth_whatever_the_order_of_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
