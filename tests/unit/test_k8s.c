/* kubectl describe pod: a container's ends, as describe.go prints them
 * (describeStatus: RFC 1123 times with a numeric zone). No cluster runs here:
 * the text is built from its format strings. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "k8s/describe.h"
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
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_terminations), cmocka_unit_test(test_rfc1123z)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
