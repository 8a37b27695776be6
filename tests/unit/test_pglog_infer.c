/* The log_line_prefix read off the lines, on logs a real PostgreSQL 15.18
 * wrote under known prefixes (tests/samples/postgresql-15/prefixes, recorded
 * by fixtures/record/prefixes.sh; NN.prefix is what the server was told). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pglog/detect.h"
#include "pglog/infer.h"
#include "pglog/prefix.h"
#include "pglog/reader.h"

#define SAMPLES "tests/samples/postgresql-15/prefixes/"

static void detect_file(const char *name, pgm_prefix_guess *g)
{
    char path[256];
    size_t len;
    snprintf(path, sizeof path, SAMPLES "%s", name);
    char *text = tu_read_file(path, &len);
    pgm_prefix_detect(text, len, g);
    free(text);
}

/* One printing of a prefix, as the server wrote it, back into a spec. */
static void test_one_printing(void **state)
{
    (void)state;
    static const struct {
        const char *printing, *spec;
    } cases[] = {
        {"2026-12-03 08:41:33 UTC:127.0.0.1(52544):app@shop:[3967]:", "%t:%r:%u@%d:[%p]:"},
        {"2026-12-03 08:42:54.651 UTC [5138] app@shop ", "%m [%p] %u@%d "},
        {"2026-12-03 08:41:38 UTC-6b08ce10.5ab8-", "%t-%c-"},
        /* a SQLSTATE of digits only: the class 00 tells it from a number
         * ("22012" alone could be a pid: the other lines decide, detect.c) */
        {"2026-12-03 09:42:03 CET [4401]: [3-1] user=app,db=shop - PG-00000 ",
         "%t [%p]: [%l-1] user=%u,db=%d - PG-%e "},
        /* a label with nothing after it: a process without a session */
        {"pid=4841,user=,db=,app=,client= ", "pid=%p,user=%u,db=%d,app=%a,client=%h "},
        {" sql_error_code = 00000 time_ms = \"2026-12-03 08:43:14.751 UTC\" pid=\"5420\" ",
         " sql_error_code = %e time_ms = \"%m\" pid=\"%p\" "},
        {"1796287435.077 [5999] ", "%n [%p] "},
        {"2026-12-03 08:42:49.500 UTC [5058][client backend][3/2][0] ", "%m [%p][%b][%v][%l] "},
        /* a command tag before user@db: no user named "SELECT app" */
        {"2026-12-03 08:42:49.500 UTC [5058] SELECT app@shop ", "%m [%p] %i %u@%d "},
        {"", ""},
        /* literal text alone: "[%P]: " of a process outside a parallel query */
        {"[]: ", "[]: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char spec[PGM_INFER_SPEC_MAX];
        assert_true(pgm_infer_spec(cases[i].printing, strlen(cases[i].printing), NULL, spec));
        if (strcmp(spec, cases[i].spec) != 0)
            fail_msg("'%s': read '%s', want '%s'", cases[i].printing, spec, cases[i].spec);
    }
}

/* The messages name the unlabeled words: user, database, application. */
static void test_names_from_messages(void **state)
{
    (void)state;
    pgm_infer_names names = {0};
    const char *auth = "connection authorized: user=app database=shop application_name=PostgreSQL JDBC Driver";
    pgm_infer_learn(&names, auth, strlen(auth));
    assert_int_equal(pgm_infer_name_kind(&names, "app", 3), 1);
    assert_int_equal(pgm_infer_name_kind(&names, "shop", 4), 2);
    assert_int_equal(pgm_infer_name_kind(&names, "PostgreSQL JDBC Driver", 22), 4);
    char spec[PGM_INFER_SPEC_MAX];
    const char *p = "2026-12-03 08:42:24.263 UTC 127.0.0.1(5555) app PostgreSQL JDBC Driver [6b08ce10.5ab8] [23224] ";
    assert_true(pgm_infer_spec(p, strlen(p), &names, spec));
    assert_string_equal(spec, "%m %r %u %a [%c] [%p] ");
}

/* Without connection logging no message names anyone: bare words are taken
 * for names where they vary, a word on every line, also where no name is
 * (a process without a session), is the prefix's text; which name is which
 * stays a guess, and its swap the rival. Real logs, the connection lines
 * taken out of one (LOG_CONNECTIONS=off fixtures/record/prefixes.sh made
 * the others). */
static bool holds(const char *p, size_t n, const char *w)
{
    size_t l = strlen(w);
    for (size_t i = 0; i + l <= n; i++)
        if (memcmp(p + i, w, l) == 0)
            return true;
    return false;
}

static void test_silent_names(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read_file(SAMPLES "07.log", &len);
    char *kept = malloc(len + 1);
    assert_non_null(kept);
    size_t k = 0;
    for (char *at = text; at < text + len;) {
        char *nl = memchr(at, '\n', (size_t)(text + len - at));
        size_t l = nl ? (size_t)(nl - at) + 1 : (size_t)(text + len - at);
        if (!holds(at, l, "connection authorized") && !holds(at, l, "disconnection:")) {
            memcpy(kept + k, at, l);
            k += l;
        }
        at += l;
    }
    pgm_prefix_guess g;
    pgm_prefix_detect(kept, k, &g);
    /* PG is text; a %q before user= reads these lines the same */
    char no_q[PGM_INFER_SPEC_MAX];
    size_t o = 0;
    for (const char *c = g.spec; *c; c++)
        if (!(c[0] == '%' && c[1] == 'q') && !(c > g.spec && c[-1] == '%' && c[0] == 'q'))
            no_q[o++] = *c;
    no_q[o] = 0;
    assert_string_equal(no_q, "%t [%p]: [%l-1] user=%u,db=%d - PG-%e ");
    assert_string_equal(g.rival, "");
    free(kept);
    free(text);
    static const struct {
        const char *log, *spec, *rival;
    } cases[] = {
        {"no-names.log", "%m [%p] %q%u %d ", "%m [%p] %q%d %u "},
        /* '%p-%s-%c-%l-%h-%u-%d-%m ': "app-shop" is two names where '-' parts the values */
        {"no-names-dashes.log", "%p-%s-%c-%l-%q%h-%u-%d-%m ", "%p-%s-%c-%l-%q%h-%d-%u-%m "},
        /* '%n:%p:leader=%P:%l:%c:%d: ': one bare name, which one nothing tells */
        {"no-names-one.log", "%n:%p:leader=:%l:%c:%q%u: ", "%n:%p:leader=:%l:%c:%q%d: "},
        /* '[%c]%q[%-12d][%r][%i][%u] ': no time and no pid, the session id
         * names the process; the names after it had been read as literal
         * text ("[postgres    ]"), where the first session lines were one
         * superuser's (prefix-random-silent); which of the two names is the
         * user nothing tells: the guess takes the user first, and the rival
         * named is the prefix the server was given */
        {"no-names-session-id.log", "[%c]%q[%-12u][%r][%i][%d] ", "[%c]%q[%-12d][%r][%i][%u] "},
        /* '[%b][%a][%i] ': no time, pid or session id, the backend type
         * says the line is a server process's; "PostgreSQL JDBC Driver"
         * holds spaces, which no user or database name a prefix prints
         * does: an application, without doubt */
        {"no-names-backend-type.log", "[%b][%q%a][%i] ", ""},
        /* '%m;%p;%Q;%l;%e;%a;%i;%d ': 22012 and 42601 are SQLSTATEs of digits
         * (taken for literal text, the spec read only its own line), and
         * pgjdbc's default application name holds spaces; the 0 of %Q
         * reads as %x as well */
        {"no-names-jdbc.log", "%m;%p;%x;%l;%e;%q%a;%i;%d ", "%m;%p;%x;%l;%e;%q%a;%i;%u "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "tests/samples/postgresql-15/escapes/%s", cases[i].log);
        text = tu_read_file(path, &len);
        pgm_prefix_detect(text, len, &g);
        assert_int_equal(g.parsed, g.primary_lines);
        assert_string_equal(g.spec, cases[i].spec);
        assert_string_equal(g.rival, cases[i].rival);
        free(text);
    }
}

static void test_q_places(void **state)
{
    (void)state;
    char v[8][PGM_INFER_SPEC_MAX];
    size_t n = pgm_infer_q_variants("%m [%p] %u@%d ", v, 8);
    assert_true(n >= 2);
    assert_string_equal(v[0], "%m [%p] %q%u@%d "); /* after the last space: the best guess */
    /* and before escapes every process prints: after each earlier space */
    n = pgm_infer_q_variants("%m [%p] [%b] [user=%u] ", v, 8);
    assert_string_equal(v[0], "%m [%p] [%b] %q[user=%u] ");
    bool before_b = false;
    for (size_t i = 0; i < n; i++)
        before_b |= strcmp(v[i], "%m [%p] %q[%b] [user=%u] ") == 0;
    assert_true(before_b);
    assert_int_equal(pgm_infer_q_variants("%m [%p] %q%u@%d ", v, 8), 0); /* has one */
    assert_int_equal(pgm_infer_q_variants("%m [%p] ", v, 8), 0);        /* no session field */
}

/* The wrong readings: the neighbouring text never fills a field. */
static void test_values_of_the_wrong_shape(void **state)
{
    (void)state;
    pgm_prefix_guess g;
    detect_file("06.log", &g); /* '%m [%p] %q[user=%u,db=%d,app=%a,host=%h] ' */
    assert_string_equal(g.spec, "%m [%p] %q[user=%u,db=%d,app=%a,host=%h] ");
    assert_int_equal(g.parsed, g.primary_lines);
    detect_file("18.log", &g); /* '%t [%p] %q%u@%d %h ' */
    assert_string_equal(g.spec, "%t [%p] %q%u@%d %h ");
    assert_string_equal(g.rival, "");
    detect_file("11.log", &g); /* '%m %r %u %a [%c] [%p] ': %q added, where the lines cannot tell */
    assert_string_equal(g.spec, "%m %q%r %u %a [%c] [%p] ");
    detect_file("27.log", &g); /* %q before a field every process prints */
    assert_string_equal(g.spec, "%m [%p] %q[%b] %u@%d ");
    /* '%n|%p|%e|%b|%v|%q%-12i ': "client backend" and "checkpointer" are
     * backend types, no application the connection lines named; read as %a
     * they made '%n|%p|%e|%a|%v%q|%i ' a rival as good */
    detect_file("34.log", &g);
    assert_string_equal(g.spec, "%n|%p|%e|%b|%v|%q%i ");
    assert_int_equal(g.parsed, g.primary_lines);
    assert_string_equal(g.rival, "");
}

/* A Debian-default log whose first thousand lines are client sessions:
 * the lines of the checkpointer, autovacuum and the postmaster that come
 * after are read, not "not understood" (the real lines of 17.log, its
 * session lines repeated first). */
static bool contains(const char *s, size_t n, const char *what)
{
    size_t w = strlen(what);
    for (size_t i = 0; i + w <= n; i++)
        if (memcmp(s + i, what, w) == 0)
            return true;
    return false;
}

static void on_record(void *ctx, const pgm_pg_record *rec)
{
    size_t *n = ctx;
    (*n)++;
    (void)rec;
}

/* A stderr reader told nothing: the prefix is the detection's. */
static pgm_pglog_reader *open_stderr_reader(size_t *records)
{
    pgm_pglog_reader *r = NULL;
    char err[PGM_ERR_MAX];
    pgm_pglog_options opt = {0};
    assert_int_equal(pgm_pglog_open(&r, "stderr", &opt, on_record, records, err), PGM_OK);
    return r;
}

static void test_background_lines_after_a_thousand_session_lines(void **state)
{
    (void)state;
    size_t len, records = 0;
    char *text = tu_read_file(SAMPLES "17.log", &len);
    pgm_pglog_reader *r = open_stderr_reader(&records);
    uint64_t lineno = 0;
    size_t session_lines = 0, background = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int round = 0; round < (pass == 0 ? 40 : 1); round++)
            for (char *line = text, *end; line < text + len; line = end + 1) {
                end = memchr(line, '\n', (size_t)(text + len - line));
                size_t n = (size_t)(end - line);
                bool session = contains(line, n, "] app@shop ") || contains(line, n, "]@[unknown] ");
                if (pass == 0 && session && line[0] != '\t') {
                    pgm_pglog_feed(r, line, n, ++lineno);
                    session_lines++;
                } else if (pass == 1 && !session) {
                    pgm_pglog_feed(r, line, n, ++lineno);
                    background += line[0] != '\t';
                }
            }
    }
    pgm_pglog_finish(r);
    const pgm_pglog_coverage *c = pgm_pglog_get_coverage(r);
    assert_true(session_lines >= 1000);
    assert_true(background >= 20);
    assert_string_equal(c->prefix, "%m [%p] %q%u@%d ");
    if (c->unparsed)
        fail_msg("%llu line(s) not understood, first: %s", (unsigned long long)c->unparsed, c->samples[0].text);
    assert_false(pgm_pglog_prefix_doubtful(r));
    pgm_pglog_close(r);
    free(text);
}

/* Lines that are no server output (pg_ctl's own, written into the same
 * file with -l) are counted apart and never blamed on the prefix. */
static void test_foreign_lines_counted_apart(void **state)
{
    (void)state;
    size_t len, records = 0;
    char *text = tu_read_file(SAMPLES "17.log", &len);
    pgm_pglog_reader *r = open_stderr_reader(&records);
    uint64_t lineno = 0;
    static const char *const foreign[] = {"waiting for server to start.... done", "server started",
                                          "pg_ctl: could not start server", "Examine the log output."};
    size_t k = 0;
    for (char *line = text, *end; line < text + len; line = end + 1) {
        end = memchr(line, '\n', (size_t)(text + len - line));
        pgm_pglog_feed(r, line, (size_t)(end - line), ++lineno);
        if (lineno % 20 == 0 && k < 4)
            pgm_pglog_feed(r, foreign[k], strlen(foreign[k]), ++lineno), k++;
    }
    pgm_pglog_finish(r);
    const pgm_pglog_coverage *c = pgm_pglog_get_coverage(r);
    assert_int_equal(k, 4);
    assert_int_equal(c->foreign, 4);
    assert_int_equal(c->unparsed, 0);
    assert_int_equal(c->primary_parsed, c->primary_tried);
    assert_string_equal(c->prefix, "%m [%p] %q%u@%d ");
    assert_false(pgm_pglog_prefix_doubtful(r));
    assert_string_equal(c->foreign_samples[0].text, foreign[0]);
    pgm_pglog_close(r);
    free(text);
}

/* One space after the severity, as shippers that squeeze blanks leave it. */
static void test_one_space_after_the_severity(void **state)
{
    (void)state;
    pgm_prefix *p;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_prefix_compile("%m [%p] %q%u@%d ", &p, err), PGM_OK);
    const char *line = "2026-12-03 08:42:54.679 UTC [5140] app@shop LOG: duration: 1.234 ms";
    pgm_prefix_fields f;
    assert_true(pgm_prefix_parse(p, line, strlen(line), &f));
    assert_int_equal(f.message.n, strlen("duration: 1.234 ms"));
    assert_memory_equal(f.message.p, "duration: 1.234 ms", f.message.n);
    /* a word that is no severity is not taken with one space */
    const char *other = "2026-12-03 08:42:54.679 UTC [5140] app@shop NOTE: x";
    assert_false(pgm_prefix_parse(p, other, strlen(other), &f));
    pgm_prefix_free(p);
}

/* Every recorded log: the prefix found reads every primary line. */
static void test_every_recorded_prefix_reads_all(void **state)
{
    (void)state;
    for (int k = 1; k <= 30; k++) {
        char name[16];
        snprintf(name, sizeof name, "%02d.log", k);
        pgm_prefix_guess g;
        detect_file(name, &g);
        if (g.parsed != g.primary_lines || g.rival[0])
            fail_msg("%s: '%s' reads %zu of %zu lines (rival '%s')", name, g.spec, g.parsed, g.primary_lines,
                     g.rival);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_printing),
        cmocka_unit_test(test_names_from_messages),
        cmocka_unit_test(test_silent_names),
        cmocka_unit_test(test_q_places),
        cmocka_unit_test(test_values_of_the_wrong_shape),
        cmocka_unit_test(test_background_lines_after_a_thousand_session_lines),
        cmocka_unit_test(test_foreign_lines_counted_apart),
        cmocka_unit_test(test_one_space_after_the_severity),
        cmocka_unit_test(test_every_recorded_prefix_reads_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
