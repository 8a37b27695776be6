/* The log_line_prefix compiler on real PostgreSQL 15.18 output: every escape,
 * padding, %q, and the prefixes of the common platforms. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pglog/detect.h"
#include "pglog/prefix.h"

static pgm_prefix *compile(const char *spec)
{
    pgm_prefix *p = NULL;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_prefix_compile(spec, &p, err), PGM_OK);
    return p;
}

static bool eq(pgm_slice s, const char *want)
{
    return s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

#define assert_slice(s, want)                                                                     \
    do {                                                                                          \
        if (!eq((s), (want)))                                                                     \
            fail_msg("got '%.*s', want '%s'", (int)(s).n, (s).p, (want));                        \
    } while (0)

/* Every line that is not a TAB continuation parses; returns how many did. */
static size_t parse_file(const pgm_prefix *p, const char *path, size_t *primary)
{
    size_t len;
    char *data = tu_read_file(path, &len);
    size_t ok = 0;
    *primary = 0;
    for (char *line = data, *end; line < data + len; line = end + 1) {
        end = memchr(line, '\n', (size_t)(data + len - line));
        if (!end)
            end = data + len;
        size_t n = (size_t)(end - line);
        if (n == 0 || line[0] == '\t')
            continue;
        (*primary)++;
        pgm_prefix_fields f;
        if (pgm_prefix_parse(p, line, n, &f))
            ok++;
        else
            fail_msg("%s: no match: %.*s", path, (int)(n < 120 ? n : 120), line);
    }
    free(data);
    return ok;
}

static void test_real_logs_parse_completely(void **state)
{
    (void)state;
    static const struct {
        const char *spec, *path;
    } cases[] = {
        {"%m [%p] %q%u@%d ", "tests/samples/postgresql-15/run1-stderr/postgresql.log"},
        {"%m [%p] %q%u@%d ", "tests/samples/postgresql-15/run3-csvjson/log/postgresql-20261127-001842.log"},
        {"%m [%p] %q%u@%d ", "tests/samples/postgresql-15/conf-syntax/server.log"},
        {"t=%t|m=%m|n=%n|s=%s|c=%c|l=%l|v=%v|x=%x|e=%e|b=%b|i=%i|Q=%Q|P=%P|a=%a|u=%u|d=%d|r=%r|h=%h|p=%p|%%|q=%q|after-q ",
         "tests/samples/postgresql-15/escapes/all-escapes.log"},
        {"[%-12u][%12d][%-8p][%6l][%-15a] ", "tests/samples/postgresql-15/escapes/padding.log"},
        {"%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", "tests/samples/other/pgbadger-prefix-berlin.log"},
        {"%t:%r:%u@%d:[%p]:", "tests/samples/other/postgresql.log.2026-11-27-00"},
        {"%t-%c-", "tests/samples/other/azure-postgresql.log"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pgm_prefix *p = compile(cases[i].spec);
        size_t primary;
        size_t parsed = parse_file(p, cases[i].path, &primary);
        assert_int_equal(parsed, primary);
        assert_true(primary > 0);
        pgm_prefix_free(p);
    }
}

static void test_every_escape(void **state)
{
    (void)state;
    pgm_prefix *p = compile("t=%t|m=%m|n=%n|s=%s|c=%c|l=%l|v=%v|x=%x|e=%e|b=%b|i=%i|Q=%Q|P=%P|a=%a|"
                            "u=%u|d=%d|r=%r|h=%h|p=%p|%%|q=%q|after-q ");
    const char *line =
        "t=2026-11-27 04:25:52 +04|m=2026-11-27 04:25:52.203 +04|n=1795739152.203|s=2026-11-27 "
        "04:25:52 +04|c=6b08ce10.5ac8|l=3|v=3/2|x=724|e=22012|b=client backend|i=SELECT|"
        "Q=-8441324848661855122|P=|a=demo-app|u=postgres|d=postgres|r=127.0.0.1(34034)|h=127.0.0.1|"
        "p=23240|%|q=|after-q ERROR:  division by zero";
    pgm_prefix_fields f;
    assert_true(pgm_prefix_parse(p, line, strlen(line), &f));
    char iso[PGM_TS_ISO_LEN];
    pgm_ts_format_iso(f.t_us, iso);
    assert_string_equal(iso, "2026-11-27T00:25:52.203Z"); /* %n wins: it comes after %t and %m */
    pgm_ts_format_iso(f.session_start_us, iso);
    assert_string_equal(iso, "2026-11-27T00:25:52.000Z");
    assert_int_equal(f.pid, 23240);
    assert_true(f.session);
    assert_slice(f.session_id, "6b08ce10.5ac8");
    assert_slice(f.line_num, "3");
    assert_slice(f.vxid, "3/2");
    assert_slice(f.xid, "724");
    assert_slice(f.sqlstate, "22012");
    assert_slice(f.backend_type, "client backend");
    assert_slice(f.command_tag, "SELECT");
    assert_slice(f.query_id, "-8441324848661855122");
    assert_slice(f.leader_pid, "");
    assert_slice(f.app, "demo-app");
    assert_slice(f.user, "postgres");
    assert_slice(f.db, "postgres");
    assert_slice(f.remote, "127.0.0.1(34034)");
    assert_slice(f.host, "127.0.0.1");
    assert_slice(f.port, "34034");
    assert_slice(f.severity, "ERROR");
    assert_slice(f.message, "division by zero");
    pgm_prefix_free(p);
}

static void test_q_ends_the_prefix_outside_sessions(void **state)
{
    (void)state;
    pgm_prefix *p = compile("%m [%p] %q%u@%d ");
    pgm_prefix_fields f;
    const char *post = "2026-11-27 00:17:27.443 UTC [16404] LOG:  starting PostgreSQL 15.18";
    assert_true(pgm_prefix_parse(p, post, strlen(post), &f));
    assert_false(f.session);
    assert_int_equal(f.user.n, 0);
    const char *be = "2026-11-27 00:17:28.023 UTC [16430] app@appdb FATAL:  password authentication failed for user \"app\"";
    assert_true(pgm_prefix_parse(p, be, strlen(be), &f));
    assert_true(f.session);
    assert_slice(f.user, "app");
    assert_slice(f.db, "appdb");
    assert_slice(f.severity, "FATAL");
    /* continuation and foreign lines do not match */
    assert_false(pgm_prefix_parse(p, "\tProcess 1 waits for ShareLock", 31, &f));
    assert_false(pgm_prefix_parse(p, "random text LOG:  x", 19, &f));
    pgm_prefix_free(p);
}

/* Values with the delimiter or spaces in them: the severity decides. */
static void test_free_text_values(void **state)
{
    (void)state;
    pgm_prefix *p = compile("%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ");
    pgm_prefix_fields f;
    const char *l = "2026-11-27 03:01:01 CET [19103]: [3-1] user=orders,db=shop,app=my app, v2,client=127.0.0.1 FATAL:  terminating connection due to administrator command";
    assert_true(pgm_prefix_parse(p, l, strlen(l), &f));
    assert_slice(f.app, "my app, v2");
    assert_slice(f.host, "127.0.0.1");
    char iso[PGM_TS_ISO_LEN];
    pgm_ts_format_iso(f.t_us, iso);
    assert_string_equal(iso, "2026-11-27T02:01:01.000Z");
    pgm_prefix_free(p);
    /* no literal between two values: still parses, by trying */
    p = compile("%a%u ");
    const char *l2 = "psqlpostgres LOG:  x";
    assert_true(pgm_prefix_parse(p, l2, strlen(l2), &f));
    assert_int_equal(f.app.n + f.user.n, strlen("psqlpostgres"));
    pgm_prefix_free(p);
}

static void test_compile_edge_cases(void **state)
{
    (void)state;
    pgm_prefix *p = compile("%m %");  /* a trailing lone % ends the prefix */
    pgm_prefix_fields f;
    const char *l = "2026-11-27 00:17:27.443 UTC LOG:  x";
    assert_true(pgm_prefix_parse(p, l, strlen(l), &f));
    pgm_prefix_free(p);
    p = compile("%Z%m|"); /* an unknown escape prints nothing */
    const char *l2 = "2026-11-27 00:17:27.443 UTC|LOG:  y";
    assert_true(pgm_prefix_parse(p, l2, strlen(l2), &f));
    assert_slice(f.message, "y");
    pgm_prefix_free(p);
    p = compile(""); /* the pre-10 default: no prefix at all */
    assert_true(pgm_prefix_parse(p, "LOG:  z", 7, &f));
    pgm_prefix_free(p);
    char err[PGM_ERR_MAX];
    char big[400];
    memset(big, 0, sizeof big);
    for (int i = 0; i < 100; i++)
        strcat(big, "%p|");
    assert_int_equal(pgm_prefix_compile(big, &p, err), PGM_FAILED);
    assert_string_equal(err, "log_line_prefix has more than 64 parts");
    assert_int_equal(pgm_prefix_severity_at("FEHLER:  x", 10), 6);
    assert_int_equal(pgm_prefix_severity_at("LOG: x", 6), 0);
}

static void test_detection_among_common_prefixes(void **state)
{
    (void)state;
    static const struct {
        const char *path, *spec;
    } cases[] = {
        {"tests/samples/postgresql-15/run1-stderr/postgresql.log", "%m [%p] %q%u@%d "},
        /* written with the Debian prefix, but no line has a session part: nothing tells */
        {"tests/samples/postgresql-15/conf-syntax/server.log", "%m [%p] "},
        {"tests/samples/other/pgbadger-prefix-berlin.log", "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h "},
        {"tests/samples/other/postgresql.log.2026-11-27-00", "%t:%r:%u@%d:[%p]:"},
        {"tests/samples/other/azure-postgresql.log", "%t-%c-"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *text = tu_read_file(cases[i].path, &len);
        pgm_prefix_guess g = pgm_prefix_detect(text, len);
        if (strcmp(g.spec, cases[i].spec) != 0)
            fail_msg("%s: guessed '%s', want '%s'", cases[i].path, g.spec, cases[i].spec);
        assert_true(pgm_prefix_guess_coverage(&g) == 100.0);
        free(text);
    }
    /* an upstream-default log: the Debian prefix parses it too (stopping at %q), the shorter wins */
    const char *up = "2026-11-27 00:17:27.443 UTC [16404] LOG:  database system is ready\n"
                     "2026-11-27 00:17:28.000 UTC [16405] LOG:  connection authorized: user=a database=b\n";
    pgm_prefix_guess g = pgm_prefix_detect(up, strlen(up));
    assert_string_equal(g.spec, "%m [%p] ");
    /* text that is no PostgreSQL log: low coverage, said as a number */
    const char *junk = "hello\nworld\n";
    g = pgm_prefix_detect(junk, strlen(junk));
    assert_true(pgm_prefix_guess_coverage(&g) < 95.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_logs_parse_completely),
        cmocka_unit_test(test_every_escape),
        cmocka_unit_test(test_q_ends_the_prefix_outside_sessions),
        cmocka_unit_test(test_free_text_values),
        cmocka_unit_test(test_compile_edge_cases),
        cmocka_unit_test(test_detection_among_common_prefixes),
    };
    return cmocka_run_group_tests_name("pglog_prefix", tests, NULL, NULL);
}
