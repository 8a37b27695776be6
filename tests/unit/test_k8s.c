/* kubectl describe pod: a container's ends, as describe.go prints them
 * (describeStatus: RFC 1123 times with a numeric zone). No cluster runs here:
 * the text is built from its format strings. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "k8s/describe.h"
#include "k8s/events.h"
#include "text/timestamp.h"

typedef struct seen {
    char text[4][160];
    uint64_t line[4];
    int64_t finished[4];
    size_t n;
} seen;

static void on_term(void *ctx, const pgm_k8s_termination *t)
{
    seen *s = ctx;
    assert_true(s->n < 4);
    snprintf(s->text[s->n], sizeof s->text[0], "%s/%s %s %d %d %s", t->pod, t->container, t->reason, t->exit_code,
             t->signal, t->last ? "last" : "current");
    s->line[s->n] = t->line;
    s->finished[s->n] = t->finished;
    s->n++;
}

static void test_terminations(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "Name:             postgres-0",
        "Namespace:        db",
        "Init Containers:",
        "  init-perms:",
        "    State:          Terminated",
        "      Reason:       Completed",
        "      Exit Code:    0",
        "      Started:      Thu, 27 Nov 2026 02:00:00 +0000",
        "      Finished:     Thu, 27 Nov 2026 02:00:01 +0000",
        "    Ready:          True",
        "Containers:",
        "  postgres:",
        "    State:          Waiting",
        "      Reason:       CrashLoopBackOff",
        "    Last State:     Terminated",
        "      Reason:       Error",
        "      Exit Code:    143",
        "      Signal:       15",
        "      Started:      Thu, 27 Nov 2026 03:20:30 +0100",
        "      Finished:     Thu, 27 Nov 2026 03:22:00 +0100",
        "    Ready:          False",
        "    Restart Count:  4",
        "Events:",
        "  Type     Reason   Age   From     Message",
    };
    seen s;
    memset(&s, 0, sizeof s);
    pgm_k8s_describe *d;
    assert_int_equal(pgm_k8s_describe_open(&d, on_term, &s), PGM_OK);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        pgm_k8s_describe_feed(d, lines[i], strlen(lines[i]), i + 1);
    pgm_k8s_describe_finish(d);
    assert_int_equal(pgm_k8s_describe_count(d), 2);
    pgm_k8s_describe_close(d);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.text[0], "postgres-0/init-perms Completed 0 -1 current");
    assert_int_equal(s.line[0], 5);
    assert_string_equal(s.text[1], "postgres-0/postgres Error 143 15 last"); /* the Waiting state is no end */
    assert_int_equal(s.line[1], 15);
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at("2026-11-27T02:22:00Z", 20, &ts));
    assert_true(s.finished[1] == ts.us); /* +0100 read as its zone */
}

typedef struct events_seen {
    char text[8][200];
    uint64_t line[8];
    int64_t first[8], last[8];
    size_t n;
} events_seen;

static void on_event(void *ctx, const pgm_k8s_event *e)
{
    events_seen *s = ctx;
    assert_true(s->n < 8);
    snprintf(s->text[s->n], sizeof s->text[0], "%s|%s|%s|%s|%s|%s|%s|%ld", e->type, e->reason, e->object,
             e->namespace_name, e->source, e->age, e->message, e->count);
    s->line[s->n] = e->line;
    s->first[s->n] = e->first;
    s->last[s->n] = e->last;
    s->n++;
}

static void feed_text(pgm_k8s_events *v, const char *text)
{
    uint64_t no = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        pgm_k8s_events_feed(v, p, n, ++no);
        p += n + (nl != NULL);
    }
    pgm_k8s_events_finish(v);
}

static int64_t at(const char *iso)
{
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at(iso, strlen(iso), &ts));
    return ts.us;
}

/* kubectl get events' table (-A -o wide: its columns by the header's
 * places, LAST SEEN one name), and describe's Events rows: ages, no time. */
static void test_event_tables(void **state)
{
    (void)state;
    size_t start[8];
    static const char header[] = "LAST SEEN   TYPE      REASON    OBJECT   MESSAGE";
    assert_int_equal(pgm_k8s_table_columns(header, strlen(header), start, 8), 5);
    assert_int_equal(start[1], 12);
    events_seen s;
    memset(&s, 0, sizeof s);
    pgm_k8s_events *v;
    assert_int_equal(pgm_k8s_events_open(&v, false, on_event, &s), PGM_OK);
    feed_text(v, "NAMESPACE   LAST SEEN   TYPE      REASON      OBJECT                       SUBOBJECT                  "
                 "SOURCE            MESSAGE                                FIRST SEEN   COUNT   NAME\n"
                 "shop        95s         Warning   Unhealthy   pod/orders-7d9c8b5f4-x2kq9   spec.containers{orders}    "
                 "kubelet, node-1   Readiness probe failed: HTTP 503       3m           4       orders.17e3\n"
                 "shop        5m          Normal    Scheduled   pod/orders-7d9c8b5f4-x2kq9                              "
                 "default-scheduler Successfully assigned                  5m           1       orders.17e4\n"
                 "            to node-1 (a message of two lines goes on under its row)\n"
                 "a line of some other table\n");
    const pgm_k8s_events_coverage *c = pgm_k8s_events_get_coverage(v);
    assert_int_equal(c->events, 2);
    assert_int_equal(c->unplaced, 2);
    assert_int_equal(c->unreadable, 1);
    assert_int_equal(c->first_unreadable, 5);
    assert_string_equal(s.text[0], "Warning|Unhealthy|pod/orders-7d9c8b5f4-x2kq9|shop|kubelet, node-1|95s|"
                                   "Readiness probe failed: HTTP 503|4");
    assert_true(s.first[0] == PGM_TS_UNKNOWN && s.last[0] == PGM_TS_UNKNOWN);
    assert_int_equal(s.line[1], 3);
    assert_non_null(strstr(s.text[1], "|Successfully assigned\nto node-1 (a message of two lines goes on under its row)|1"));
    pgm_k8s_events_close(v);

    static const char *const pod[] = {
        "Name:         orders-7d9c8b5f4-x2kq9",
        "Namespace:    shop",
        "Events:",
        "  Type     Reason   Age                From     Message",
        "  ----     ------   ----               ----     -------",
        "  Warning  BackOff  2m (x4 over 3m)    kubelet  Back-off restarting failed container orders",
        "  Normal   Pulled   3m                 kubelet  Container image already present on machine",
    };
    memset(&s, 0, sizeof s);
    pgm_k8s_describe *d;
    assert_int_equal(pgm_k8s_describe_open(&d, NULL, NULL), PGM_OK);
    pgm_k8s_describe_on_events(d, on_event, &s);
    for (size_t i = 0; i < sizeof pod / sizeof pod[0]; i++)
        pgm_k8s_describe_feed(d, pod[i], strlen(pod[i]), i + 1);
    pgm_k8s_describe_finish(d);
    assert_int_equal(pgm_k8s_describe_events(d), 2);
    pgm_k8s_describe_close(d);
    assert_string_equal(s.text[0], "Warning|BackOff|pod/orders-7d9c8b5f4-x2kq9|shop|kubelet|2m (x4 over 3m)|"
                                   "Back-off restarting failed container orders|4");
    assert_int_equal(s.line[0], 6);
    assert_string_equal(s.text[1], "Normal|Pulled|pod/orders-7d9c8b5f4-x2kq9|shop|kubelet|3m|"
                                   "Container image already present on machine|1");
}

/* -o json: a List of core/v1 Events, then (--watch) an events.k8s.io/v1
 * one; a broken object is said, the rest read. */
static void test_event_json(void **state)
{
    (void)state;
    events_seen s;
    memset(&s, 0, sizeof s);
    pgm_k8s_events *v;
    assert_int_equal(pgm_k8s_events_open(&v, true, on_event, &s), PGM_OK);
    feed_text(v, "{\n"
                 "  \"apiVersion\": \"v1\",\n"
                 "  \"items\": [\n"
                 "    {\n"
                 "      \"count\": 2, \"eventTime\": null, \"firstTimestamp\": \"2026-11-27T02:21:55Z\",\n"
                 "      \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"orders-0\", \"namespace\": \"shop\"},\n"
                 "      \"lastTimestamp\": \"2026-11-27T02:22:10Z\", \"message\": \"Liveness probe failed: \\\"x\\\" ]}\",\n"
                 "      \"reason\": \"Unhealthy\", \"source\": {\"component\": \"kubelet\"}, \"type\": \"Warning\"\n"
                 "    },\n"
                 "    {\"reason\": \"Broken\", \"involvedObject\": {\"kind\": \"Pod\" \"name\": 1}},\n"
                 "    {\"involvedObject\": {\"kind\": \"Pod\"}, \"message\": \"no reason\"}\n"
                 "  ],\n"
                 "  \"kind\": \"List\"\n"
                 "}\n"
                 "{\"apiVersion\": \"events.k8s.io/v1\", \"kind\": \"Event\", \"eventTime\": \"2026-11-27T02:22:12.041893Z\",\n"
                 " \"note\": \"Stopping container orders\", \"reason\": \"Killing\", \"type\": \"Normal\",\n"
                 " \"regarding\": {\"kind\": \"Pod\", \"name\": \"orders-0\", \"namespace\": \"shop\"},\n"
                 " \"reportingController\": \"kubelet\", \"series\": {\"count\": 3}}\n");
    const pgm_k8s_events_coverage *c = pgm_k8s_events_get_coverage(v);
    assert_int_equal(c->events, 2);
    assert_int_equal(c->unplaced, 0);
    assert_int_equal(c->unreadable, 2);
    assert_int_equal(c->first_unreadable, 10);
    assert_string_equal(s.text[0], "Warning|Unhealthy|pod/orders-0|shop|kubelet||Liveness probe failed: \"x\" ]}|2");
    assert_int_equal(s.line[0], 4);
    assert_true(s.first[0] == at("2026-11-27T02:21:55Z") && s.last[0] == at("2026-11-27T02:22:10Z"));
    assert_string_equal(s.text[1], "Normal|Killing|pod/orders-0|shop|kubelet||Stopping container orders|3");
    assert_int_equal(s.line[1], 15);
    assert_true(s.first[1] == at("2026-11-27T02:22:12.041893Z"));
    pgm_k8s_events_close(v);
}

static void test_rfc1123z(void **state)
{
    (void)state;
    int64_t us;
    assert_true(pgm_k8s_rfc1123z("Thu, 27 Nov 2026 02:20:35 +0000", 31, &us));
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at("2026-11-27T02:20:35Z", 20, &ts));
    assert_true(us == ts.us);
    assert_true(pgm_k8s_rfc1123z("Sun, 01 Mar 2026 00:00:00 -0530", 31, &us));
    assert_true(pgm_ts_parse_at("2026-03-01T05:30:00Z", 20, &ts));
    assert_true(us == ts.us);
    assert_false(pgm_k8s_rfc1123z("Thu, 27 Nov 2026 02:20:35 UTC", 29, &us)); /* RFC1123, not RFC1123Z */
    assert_false(pgm_k8s_rfc1123z("Thu, 27 Foo 2026 02:20:35 +0000", 31, &us));
    assert_false(pgm_k8s_rfc1123z("Thu, 32 Nov 2026 02:20:35 +0000", 31, &us));
    assert_false(pgm_k8s_rfc1123z("Thu, 27 Nov 2026 02:20:3", 24, &us));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_terminations), cmocka_unit_test(test_event_tables),
                                       cmocka_unit_test(test_event_json), cmocka_unit_test(test_rfc1123z)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
