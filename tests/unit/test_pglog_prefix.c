/* The log_line_prefix compiler on real PostgreSQL 15.18 output: every escape,
 * padding, %q, and the prefixes of the common platforms. */
#include "testutil.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pglog/detect.h"
#include "pglog/entries.h"
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
    /* one space: an English severity only (log shippers squeeze blanks) */
    assert_int_equal(pgm_prefix_severity_at("LOG: x", 6), 3);
    assert_int_equal(pgm_prefix_severity_at("FEHLER: x", 9), 0);
    assert_int_equal(pgm_prefix_severity_at("NOTE: x", 7), 0);
    /* a translation's word (UTF-8), a word of 24 bytes and none of 25, no small letters */
    assert_int_equal(pgm_prefix_severity_at("\xd0\x9e\xd0\xa8\xd0\x98\xd0\x91\xd0\x9a\xd0\x90:  x", 16), 12);
    assert_int_equal(pgm_prefix_severity_at("ABCDEFGHIJKLMNOPQRSTUVW9:  x", 28), 24);
    assert_int_equal(pgm_prefix_severity_at("ABCDEFGHIJKLMNOPQRSTUVWX9:  x", 29), 0);
    assert_int_equal(pgm_prefix_severity_at("Log:  x", 7), 0);
    assert_int_equal(pgm_prefix_severity_at("LOG", 3), 0);
}

/* A SQLSTATE glued to the severity by a prefix ending in %e: the sniffer's
 * and the prefix inference's one test of it. */
static void test_sqlstate_glued_to_a_severity(void **state)
{
    (void)state;
    assert_true(pgm_prefix_sqlstate_before("00000LOG:  x", 5));
    assert_true(pgm_prefix_sqlstate_before("[918] 57P01FATAL:  x", 11));
    assert_true(pgm_prefix_sqlstate_before(":08006LOG", 6));
    assert_false(pgm_prefix_sqlstate_before("[918] 12345LOG:  x", 11)); /* a pid, not a class */
    assert_false(pgm_prefix_sqlstate_before("x00000LOG:  x", 6));       /* inside a word */
    assert_false(pgm_prefix_sqlstate_before("é00000LOG", 7));           /* a UTF-8 letter is one too */
    assert_false(pgm_prefix_sqlstate_before("0000LOG", 4));
    assert_false(pgm_prefix_sqlstate_before("0a000LOG", 5));            /* capitals only */
    assert_true(pgm_prefix_sqlstate_before("P0001ERROR:  x", 5)); /* RAISE EXCEPTION's class */
    assert_true(pgm_prefix_is_sqlstate("42P01"));
    assert_true(pgm_prefix_is_sqlstate("00000"));
    assert_true(pgm_prefix_is_sqlstate("XX000"));
    assert_false(pgm_prefix_is_sqlstate("30725")); /* a pid */
    assert_false(pgm_prefix_is_sqlstate("FEHLE")); /* a translated severity's capitals */
    assert_false(pgm_prefix_is_sqlstate("4200a"));
}

/* A prefix and a message without the severity between them (Azure Cosmos DB
 * for PostgreSQL gives it apart): the session's part is read where it may
 * be, and a spec that reads the start of a longer one's lines loses to it. */
static void test_prefix_without_a_severity(void **state)
{
    (void)state;
    pgm_prefix *p;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_prefix_compile("%m [%p] %q[user=%u,db=%d,app=%a] ", &p, err), PGM_OK);
    pgm_prefix_fields f;
    const char *session = "2026-11-27 03:00:02.310 UTC [5121] [user=shop,db=shop,app=[unknown]] sorry, too many "
                          "clients already";
    assert_true(pgm_prefix_parse_bare(p, session, strlen(session), &f));
    assert_true(f.session);
    assert_int_equal(f.pid, 5121);
    assert_int_equal(f.user.n, 4);
    assert_memory_equal(f.user.p, "shop", 4);
    assert_memory_equal(f.app.p, "[unknown]", 9);
    assert_int_equal(f.severity.n, 0);
    assert_int_equal(f.message.n, strlen("sorry, too many clients already"));
    assert_memory_equal(f.message.p, "sorry, too many clients already", f.message.n);
    /* no session: stopped at %q, the fields after it left empty */
    const char *background = "2026-11-27 03:00:00.101 UTC [4101] checkpoint starting: time";
    assert_true(pgm_prefix_parse_bare(p, background, strlen(background), &f));
    assert_false(f.session);
    assert_int_equal(f.user.n, 0);
    assert_int_equal(f.app.n, 0);
    assert_memory_equal(f.message.p, "checkpoint starting: time", f.message.n);
    /* the prefix alone, and a line of another shape */
    const char *alone = "2026-11-27 03:00:00.101 UTC [4101] ";
    assert_false(pgm_prefix_parse_bare(p, alone, strlen(alone), &f));
    assert_false(pgm_prefix_parse_bare(p, "checkpoint starting: time", 25, &f));
    pgm_prefix_free(p);
    /* a free-text value last: nothing tells where it ends */
    assert_int_equal(pgm_prefix_compile("%m [%p] %u", &p, err), PGM_OK);
    const char *last = "2026-11-27 03:00:00.101 UTC [4101] shop connection authorized";
    assert_false(pgm_prefix_parse_bare(p, last, strlen(last), &f));
    pgm_prefix_free(p);

    char text[2048] = "";
    for (int i = 0; i < 4; i++)
        strcat(text, i % 2 ? "2026-11-27 03:00:00.101 UTC [4101] checkpoint starting: time\n"
                           : "2026-11-27 03:00:01.214 UTC [5120] [user=shop,db=shop,app=[unknown]] connection "
                             "authorized: user=shop database=shop\n");
    pgm_prefix_guess g;
    assert_true(pgm_prefix_detect_bare(text, strlen(text), &g));
    assert_string_equal(g.spec, "%m [%p] %q[user=%u,db=%d,app=%a] "); /* not its start, '%m [%p] ' */
    assert_int_equal(g.parsed, 4);
    assert_int_equal(g.primary_lines, 4);
    assert_false(pgm_prefix_detect_bare("widget frobnicated\nwidget frobnicated\n", 38, &g));
}

static void test_detection_among_common_prefixes(void **state)
{
    (void)state;
    static const struct {
        const char *path, *spec;
    } cases[] = {
        {"tests/samples/postgresql-15/run1-stderr/postgresql.log", "%m [%p] %q%u@%d "},
        /* written with the Debian prefix; no line has a session part, and
         * %q is preferred where the lines cannot tell (issue 15) */
        {"tests/samples/postgresql-15/conf-syntax/server.log", "%m [%p] %q%u@%d "},
        /* the lines cannot tell whether %q stands before user=: it reads both */
        {"tests/samples/other/pgbadger-prefix-berlin.log", "%t [%p]: [%l-1] %quser=%u,db=%d,app=%a,client=%h "},
        {"tests/samples/other/postgresql.log.2026-11-27-00", "%t:%q%r:%u@%d:[%p]:"},
        {"tests/samples/other/azure-postgresql.log", "%t-%c-"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *text = tu_read_file(cases[i].path, &len);
        pgm_prefix_guess g;
        pgm_prefix_detect(text, len, &g);
        if (strcmp(g.spec, cases[i].spec) != 0)
            fail_msg("%s: guessed '%s', want '%s'", cases[i].path, g.spec, cases[i].spec);
        assert_true(pgm_prefix_guess_coverage(&g) == 100.0);
        free(text);
    }
    /* lines of processes without a session only: the Debian prefix reads
     * them as the upstream one does (stopping at %q), and keeps reading a
     * Debian log whose first lines were all of such processes */
    const char *up = "2026-11-27 00:17:27.443 UTC [16404] LOG:  database system is ready\n"
                     "2026-11-27 00:17:28.000 UTC [16405] LOG:  checkpoint starting: time\n";
    pgm_prefix_guess g;
    pgm_prefix_detect(up, strlen(up), &g);
    assert_string_equal(g.spec, "%m [%p] %q%u@%d ");
    assert_int_equal(g.parsed, 2);
    /* text that is no server output: no line to try a prefix on (the
     * reader says it found no message) */
    const char *junk = "hello\nworld\n";
    pgm_prefix_detect(junk, strlen(junk), &g);
    assert_int_equal(g.primary_lines, 0);
    /* severities after text that no one prefix explains: low coverage, said as a number */
    const char *mixed = "hello LOG:  a\nworld 7 ERROR:  b\n[x] LOG:  c\n";
    pgm_prefix_detect(mixed, strlen(mixed), &g);
    assert_int_equal(g.primary_lines, 3);
    assert_true(pgm_prefix_guess_coverage(&g) < 95.0);
}

typedef struct collected {
    size_t n;
    int deadlock_checked;
    int fatal_with_statement;
    int oom_with_detail;
    uint64_t last_primary;
} collected;

static void on_entry(void *ctx, const pgm_entry *e)
{
    collected *c = ctx;
    c->n++;
    assert_true(e->line > c->last_primary); /* handed over in the order they began */
    c->last_primary = e->line;
    pgm_slice msg = pgm_entry_message(e);
    if (eq(msg, "deadlock detected")) {
        /* DETAIL with its three TAB lines, then HINT, CONTEXT, STATEMENT, in order */
        assert_int_equal(e->n_parts, 4);
        assert_string_equal(e->parts[0].label, "DETAIL");
        assert_string_equal(e->parts[1].label, "HINT");
        assert_string_equal(e->parts[2].label, "CONTEXT");
        assert_string_equal(e->parts[3].label, "STATEMENT");
        const char *detail = e->text.p + e->parts[0].off;
        size_t newlines = 0;
        for (size_t i = 0; i < e->parts[0].len; i++)
            newlines += detail[i] == '\n';
        assert_int_equal(newlines, 3);
        assert_int_equal(e->line, 258);
        assert_int_equal(e->last_line, 265);
        assert_int_equal(e->f->pid, 16691);
        c->deadlock_checked++;
    }
    if (eq(msg, "out of memory") && e->n_parts == 1 && strcmp(e->parts[0].label, "DETAIL") == 0 &&
        e->parts[0].len == strlen("Failed on request of size 8192.") && e->last_line == 5)
        c->oom_with_detail++;
    if (eq(e->f->severity, "FATAL") && e->n_parts && strcmp(e->parts[e->n_parts - 1].label, "STATEMENT") == 0)
        c->fatal_with_statement++;
}

/* Primary lines counted the way grep would: a severity word and two spaces. */
static size_t count_primary(const char *path)
{
    static const char *const sev[] = {"] LOG:  ", " LOG:  ", " ERROR:  ", " FATAL:  ", " WARNING:  ",
                                       " PANIC:  ", " NOTICE:  ", " INFO:  ", " DEBUG:  "};
    size_t len, count = 0;
    char *data = tu_read_file(path, &len);
    for (char *line = data, *end; line < data + len; line = end + 1) {
        end = memchr(line, '\n', (size_t)(data + len - line));
        if (!end)
            end = data + len;
        *end = '\0';
        if (line[0] == '\t')
            continue;
        for (size_t k = 0; k < sizeof sev / sizeof sev[0]; k++)
            if (strstr(line, sev[k])) {
                count++;
                break;
            }
    }
    free(data);
    return count;
}

static void test_entries_of_a_real_log(void **state)
{
    (void)state;
    const char *path = "tests/samples/postgresql-15/run1-stderr/postgresql.log";
    pgm_prefix *p = compile("%m [%p] %q%u@%d ");
    collected c = {0};
    pgm_entry_reader r;
    pgm_entries_init(&r, p, on_entry, &c);
    size_t len;
    char *data = tu_read_file(path, &len);
    uint64_t lineno = 0;
    for (char *line = data, *end; line < data + len; line = end + 1) {
        end = memchr(line, '\n', (size_t)(data + len - line));
        if (!end)
            end = data + len;
        assert_int_equal(pgm_entries_feed(&r, line, (size_t)(end - line), ++lineno), PGM_OK);
    }
    pgm_entries_finish(&r);
    assert_int_equal(c.n, count_primary(path));
    assert_int_equal(r.primary, c.n);
    assert_int_equal(r.unparsed, 0);
    assert_int_equal(r.lines, 552);
    assert_int_equal(r.primary + r.secondary + r.continuation, 552);
    assert_int_equal(c.deadlock_checked, 1);
    assert_true(c.fatal_with_statement >= 1);
    pgm_entries_free(&r);
    free(data);
    pgm_prefix_free(p);
}

/* The lines, numbered from 1, into the entry reader, and the last entry out. */
static void feed_lines(pgm_entry_reader *r, const char *const *lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pgm_entries_feed(r, lines[i], strlen(lines[i]), i + 1), PGM_OK);
    pgm_entries_finish(r);
}

static void test_entries_count_what_they_cannot_place(void **state)
{
    (void)state;
    pgm_prefix *p = compile("%m [%p] ");
    collected c = {0};
    pgm_entry_reader r;
    pgm_entries_init(&r, p, on_entry, &c);
    const char *lines[] = {
        "\torphan continuation",
        "2026-11-27 00:17:38.028 UTC [7] ERROR:  out of memory",
        "TopMemoryContext: 81920 total in 5 blocks; 12288 free (3 chunks); 69632 used",
        "2026-11-27 00:17:38.029 UTC [8] DETAIL:  another process's detail",
        "2026-11-27 00:17:38.030 UTC [7] DETAIL:  Failed on request of size 8192.",
    };
    feed_lines(&r, lines, sizeof lines / sizeof lines[0]);
    assert_int_equal(r.unparsed, 2);
    assert_int_equal(r.samples[0].line, 1);
    assert_string_equal(r.samples[1].text, "TopMemoryContext: 81920 total in 5 blocks; 12288 free (3 chunks); 69632 used");
    /* the DETAIL of pid 8 does not attach to pid 7's ERROR: it stands as its own
     * entry; pid 7's DETAIL, written after it, still finds its ERROR */
    assert_int_equal(c.n, 2);
    assert_int_equal(c.oom_with_detail, 1);
    pgm_entries_free(&r);
    pgm_prefix_free(p);
}

typedef struct messages_seen {
    size_t n;
    char text[4][64];
    char detail[4][64];
} messages_seen;

static void keep_message(void *ctx, const pgm_entry *e)
{
    messages_seen *m = ctx;
    assert_true(m->n < 4);
    pgm_slice msg = pgm_entry_message(e);
    snprintf(m->text[m->n], sizeof m->text[0], "%.*s", (int)msg.n, msg.p);
    if (e->n_parts)
        snprintf(m->detail[m->n], sizeof m->detail[0], "%.*s", (int)e->parts[0].len, e->text.p + e->parts[0].off);
    m->n++;
}

/* A message of one line is read where it lies; one that TAB lines continue
 * is put together, before its DETAIL and after it (a TAB line after the
 * DETAIL is the DETAIL's), and a blank line held inside it joins it. */
static void test_entry_messages_of_one_and_of_more_lines(void **state)
{
    (void)state;
    pgm_prefix *p = compile("%m [%p] ");
    messages_seen m = {0};
    pgm_entry_reader r;
    pgm_entries_init(&r, p, keep_message, &m);
    const char *lines[] = {
        "2026-11-27 00:17:38.028 UTC [7] LOG:  statement: SELECT 1",
        "2026-11-27 00:17:38.029 UTC [7] LOG:  statement: SELECT",
        "	2",
        "",
        "	FROM t",
        "2026-11-27 00:17:38.030 UTC [7] DETAIL:  d1",
        "	d2",
        "2026-11-27 00:17:38.031 UTC [7] LOG:  plain",
        "2026-11-27 00:17:38.032 UTC [7] DETAIL:  first",
        "	second",
    };
    feed_lines(&r, lines, sizeof lines / sizeof lines[0]);
    assert_int_equal(m.n, 3);
    assert_string_equal(m.text[0], "statement: SELECT 1");
    assert_string_equal(m.text[1], "statement: SELECT\n2\n\nFROM t");
    assert_string_equal(m.detail[1], "d1\nd2");
    assert_string_equal(m.text[2], "plain");
    assert_string_equal(m.detail[2], "first\nsecond");
    pgm_entries_free(&r);
    pgm_prefix_free(p);
}

/* Values that hold the prefix's own delimiters: a database name with a space
 * (its first space is not its end: no severity follows there), and a process
 * without a session whose application name holds the '@' of the session's
 * part: a way tried first read a user there, which must not stay once %q
 * ends the prefix. */
static void test_values_that_hold_delimiters(void **state)
{
    (void)state;
    pgm_prefix *p = compile("%m [%p] %q%u@%d ");
    static const char spaced[] = "2026-12-06 06:58:31.399 UTC [4605] u@my db LOG:  x";
    pgm_prefix_fields f;
    assert_true(pgm_prefix_parse(p, spaced, sizeof spaced - 1, &f));
    assert_slice(f.user, "u");
    assert_slice(f.db, "my db");
    assert_true(f.session);
    pgm_prefix_free(p);
    p = compile("%a %q%u@%d !");
    static const char ends_at_q[] = "my ab@c LOG:  hi";
    assert_true(pgm_prefix_parse(p, ends_at_q, sizeof ends_at_q - 1, &f));
    assert_slice(f.app, "my ab@c");
    assert_false(f.session);
    assert_int_equal(f.user.n, 0);
    assert_int_equal(f.db.n, 0);
    assert_slice(f.message, "hi");
    pgm_prefix_free(p);
}


/* ------------------------------------------------------------------ memo */

static void assert_same_slice(pgm_slice a, pgm_slice b, const char *what, const char *line)
{
    if (a.p != b.p || a.n != b.n)
        fail_msg("the memo's %s of '%s' is not the matcher's", what, line);
}

/* The memo's parse of a line is the matcher's, field by field. */
static void assert_memo_parses(const pgm_prefix *p, pgm_prefix_memo *memo, const char *line, size_t n)
{
    pgm_prefix_fields a, b;
    bool ra = pgm_prefix_parse(p, line, n, &a);
    memset(&b, 0, sizeof b);
    bool rb = pgm_prefix_parse_memo(p, memo, line, n, &b);
    if (ra != rb)
        fail_msg("%s: matcher %d, memo %d: %.*s", pgm_prefix_spec(p), ra, rb, (int)n, line);
    if (!ra) {
        assert_int_equal(a.gave_up, b.gave_up);
        return;
    }
    static const struct {
        const char *name;
        size_t off;
    } slices[] = {
#define S(f) {#f, offsetof(pgm_prefix_fields, f)}
        S(pid_text), S(user), S(db), S(app), S(remote), S(host), S(port), S(session_id), S(line_num), S(vxid),
        S(xid), S(sqlstate), S(backend_type), S(command_tag), S(query_id), S(leader_pid), S(severity), S(message),
#undef S
    };
    for (size_t i = 0; i < sizeof slices / sizeof slices[0]; i++)
        assert_same_slice(*(const pgm_slice *)(const void *)((const char *)&a + slices[i].off),
                          *(const pgm_slice *)(const void *)((const char *)&b + slices[i].off), slices[i].name, line);
    assert_true(a.t_us == b.t_us);
    assert_int_equal(a.zone, b.zone);
    assert_memory_equal(a.zone_name, b.zone_name, sizeof a.zone_name);
    assert_true(a.session_start_us == b.session_start_us);
    assert_true(a.pid == b.pid);
    assert_int_equal(a.session, b.session);
    assert_int_equal(a.gave_up, b.gave_up);
}

/* Every line of a file through the memo twice (the second answered by it),
 * as the matcher reads it; the memo's hits are returned. */
static uint64_t memo_file(const char *spec, const char *path)
{
    pgm_prefix *p = compile(spec);
    pgm_prefix_memo *memo = pgm_prefix_memo_new(p);
    assert_non_null(memo);
    size_t len;
    char *data = tu_read_file(path, &len);
    for (char *line = data, *end; line < data + len; line = end + 1) {
        end = memchr(line, '\n', (size_t)(data + len - line));
        if (!end)
            end = data + len;
        for (int k = 0; k < 2; k++)
            assert_memo_parses(p, memo, line, (size_t)(end - line));
    }
    uint64_t hits, lookups;
    pgm_prefix_memo_counts(memo, &hits, &lookups);
    free(data);
    pgm_prefix_memo_free(memo);
    pgm_prefix_free(p);
    return hits;
}

/* The memo on real logs, each of the prefixes recorded from a real server
 * (fixtures/record/prefixes.sh) and the platforms' ones, read with the
 * spec they were written with: every line as the matcher reads it. */
static void test_memo_on_real_logs(void **state)
{
    (void)state;
    size_t with_hits = 0;
    for (int i = 1; i <= 99; i++) {
        char log[128], spec_path[128];
        snprintf(log, sizeof log, "tests/samples/postgresql-15/prefixes/%02d.log", i);
        snprintf(spec_path, sizeof spec_path, "tests/samples/postgresql-15/prefixes/%02d.prefix", i);
        FILE *f = fopen(spec_path, "r");
        if (!f)
            break;
        char spec[512] = "";
        if (!fgets(spec, sizeof spec, f))
            spec[0] = '\0';
        fclose(f);
        spec[strcspn(spec, "\n")] = '\0';
        with_hits += memo_file(spec, log) > 0;
    }
    assert_true(with_hits >= 20); /* most prefixes repeat; those with %l, %c or %n do not */
    assert_true(memo_file("%m [%p] %q%u@%d ", "tests/samples/postgresql-15/run1-stderr/postgresql.log") > 100);
    memo_file("[%-12u][%12d][%-8p][%6l][%-15a] ", "tests/samples/postgresql-15/escapes/padding.log");
    memo_file("%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", "tests/samples/other/pgbadger-prefix-berlin.log");
    memo_file("%t:%r:%u@%d:[%p]:", "tests/samples/other/postgresql.log.2026-11-27-00");
    memo_file("%t-%c-", "tests/samples/other/azure-postgresql.log");
}

/* Lines that agree after their time as far as a parse of one read, and not
 * on: where the line ends, the spaces after the severity, padding. */
static void test_memo_where_lines_part(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        const char *lines[6];
    } cases[] = {
        /* the first ends after one space: the line's end decided that a
         * squeezed blank was read; a second space is the separator's */
        {"%m [%p] %q%u@%d ",
         {"2026-12-06 06:58:31.399 UTC [4605] u@d LOG: ", "2026-12-06 06:58:31.400 UTC [4605] u@d LOG:  x",
          "2026-12-06 06:58:31.401 UTC [4605] u@d LOG: x", "2026-12-06 06:58:31.402 UTC [4605] u@d LOG:  y",
          "2026-12-06 06:58:31.403 UTC [4605] u@d LOG:   z", "2026-12-06 06:58:31.403 UTC [4605] u@d LOG:"}},
        /* a value last in the prefix ends where a severity word is found */
        {"%m [%p] %a",
         {"2026-12-06 06:58:31.399 UTC [1] app LOG:  one", "2026-12-06 06:58:31.399 UTC [1] app LOG:  two",
          "2026-12-06 06:58:31.399 UTC [1] app LOGX:  two", "2026-12-06 06:58:31.399 UTC [1] app LOG",
          "2026-12-06 06:58:31.399 UTC [1] app LOG:  ", "2026-12-06 06:58:31.399 UTC [1] app LOG:  three"}},
        /* padding read up to the width, and past a value that fills it */
        {"%m [%-6p][%8l] ",
         {"2026-12-06 06:58:31.399 UTC [42    ][       7] LOG:  a", "2026-12-06 06:58:31.399 UTC [42    ][       7] LOG:  b",
          "2026-12-06 06:58:31.399 UTC [424242][12345678] LOG:  c", "2026-12-06 06:58:31.399 UTC [424242][12345678] LOG:  d",
          "2026-12-06 06:58:31.399 UTC [42    ][       7] LOG:  ", "2026-12-06 06:58:31.399 UTC [42 ][ 7] LOG:  e"}},
        /* no time: the memo holds the line from its start */
        {"[%p] %q%u@%d ",
         {"[7] u@d LOG:  a", "[7] u@d LOG:  b", "[7] LOG:  c", "[7] LOG:  d", "[7] u@d DETAIL:  e", "[7] u@d LOG:  f"}},
        /* the time in the zones a line may have, each of its own length */
        {"%t [%p] ",
         {"2026-12-06 06:58:31 UTC [7] LOG:  a", "2026-12-06 06:58:32 CET [7] LOG:  b",
          "2026-12-06 06:58:33 +01 [7] LOG:  c", "2026-12-06 06:58:34 +0130 [7] LOG:  d",
          "2026-12-06 06:58:35 [7] LOG:  e", "2026-12-06 06:58:36 UTC [7] LOG:  f"}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        pgm_prefix *p = compile(cases[c].spec);
        pgm_prefix_memo *memo = pgm_prefix_memo_new(p);
        assert_non_null(memo);
        for (int round = 0; round < 2; round++)
            for (size_t i = 0; i < 6; i++)
                assert_memo_parses(p, memo, cases[c].lines[i], strlen(cases[c].lines[i]));
        uint64_t hits, lookups;
        pgm_prefix_memo_counts(memo, &hits, &lookups);
        assert_true(hits > 0);
        pgm_prefix_memo_free(memo);
        pgm_prefix_free(p);
    }
    /* the message after one squeezed blank, then after the two elog.c writes */
    pgm_prefix *p = compile("%m [%p] %q%u@%d ");
    pgm_prefix_memo *memo = pgm_prefix_memo_new(p);
    pgm_prefix_fields f = {0};
    static const char one[] = "2026-12-06 06:58:31.399 UTC [4605] u@d LOG: ";
    static const char two[] = "2026-12-06 06:58:31.400 UTC [4605] u@d LOG:  x";
    assert_true(pgm_prefix_parse_memo(p, memo, one, sizeof one - 1, &f));
    assert_true(pgm_prefix_parse_memo(p, memo, two, sizeof two - 1, &f));
    assert_slice(f.message, "x");
    pgm_prefix_memo_free(memo);
    pgm_prefix_free(p);
}

/* A prefix whose lines never repeat (%l counts them) stops using the memo
 * after its trial; one with a second time never uses it. */
static void test_memo_gives_up_where_it_cannot_help(void **state)
{
    (void)state;
    pgm_prefix *p = compile("%m [%p-%l] ");
    pgm_prefix_memo *memo = pgm_prefix_memo_new(p);
    char line[128];
    pgm_prefix_fields f = {0};
    for (unsigned i = 1; i <= 2 * PGM_PREFIX_MEMO_TRIAL; i++) {
        int n = snprintf(line, sizeof line, "2026-12-06 06:58:31.399 UTC [7-%u] LOG:  x", i);
        assert_true(pgm_prefix_parse_memo(p, memo, line, (size_t)n, &f));
    }
    uint64_t hits, lookups;
    pgm_prefix_memo_counts(memo, &hits, &lookups);
    assert_int_equal(hits, 0);
    assert_int_equal(lookups, PGM_PREFIX_MEMO_TRIAL);
    pgm_prefix_memo_free(memo);
    pgm_prefix_free(p);
    /* a memo made for another prefix is not used: the matcher reads the line */
    pgm_prefix *q = compile("%m [%p] ");
    memo = pgm_prefix_memo_new(q);
    static const char two_names[] = "2026-12-06 06:58:31.399 UTC [7] u@d LOG:  x";
    pgm_prefix *named = compile("%m [%p] %q%u@%d ");
    for (int k = 0; k < 2; k++) {
        assert_true(pgm_prefix_parse_memo(named, memo, two_names, sizeof two_names - 1, &f));
        assert_slice(f.user, "u");
        assert_slice(f.message, "x");
    }
    pgm_prefix_memo_counts(memo, &hits, &lookups);
    assert_int_equal(lookups, 0);
    pgm_prefix_memo_free(memo);
    pgm_prefix_free(named);
    pgm_prefix_free(q);
    p = compile("%m [%p] %s ");
    assert_false(pgm_prefix_memo_applies(p));
    pgm_prefix_free(p);
    p = compile("%m [%p] ");
    assert_true(pgm_prefix_memo_applies(p));
    pgm_prefix_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_logs_parse_completely),
        cmocka_unit_test(test_every_escape),
        cmocka_unit_test(test_q_ends_the_prefix_outside_sessions),
        cmocka_unit_test(test_free_text_values),
        cmocka_unit_test(test_compile_edge_cases),
        cmocka_unit_test(test_sqlstate_glued_to_a_severity),
        cmocka_unit_test(test_prefix_without_a_severity),
        cmocka_unit_test(test_detection_among_common_prefixes),
        cmocka_unit_test(test_entries_of_a_real_log),
        cmocka_unit_test(test_entries_count_what_they_cannot_place),
        cmocka_unit_test(test_entry_messages_of_one_and_of_more_lines),
        cmocka_unit_test(test_values_that_hold_delimiters),
        cmocka_unit_test(test_memo_on_real_logs),
        cmocka_unit_test(test_memo_where_lines_part),
        cmocka_unit_test(test_memo_gives_up_where_it_cannot_help),
    };
    return cmocka_run_group_tests_name("pglog_prefix", tests, NULL, NULL);
}
