/* Envelopes: each wrapper's form told from a head, its lines taken apart,
 * pieces joined, messages of several lines split, evidence lines kept. The
 * journal lines are journalctl 252's own output (Debian 12's systemd-journald
 * started by hand, systemd-cat and the native protocol writing to it). */
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/source.h"
#include "envelope/demux.h"
#include "envelope/document.h"
#include "envelope/unwrap.h"
#include "text/timestamp.h"

typedef struct got {
    char text[16][512];
    char source[16][PGM_UNWRAP_SOURCE_MAX]; /* whose line it is, "" when the envelope names none */
    uint64_t line[16];
    int64_t t[16];
    size_t n;
    pgm_unwrap_cov cov;
    char said[256];      /* what is said of the lines not of the form ("" when none) */
    bool lost;           /* ... and whether they were left out */
} got;

/* Every line `text` gives through `env`. */
static void unwrap_lines_of(const char *text, size_t len, pgm_envelope env, size_t max_line, got *g)
{
    memset(g, 0, sizeof *g);
    pgm_mem_source src;
    pgm_mem_source_init(&src, text, len);
    pgm_unwrap u;
    assert_int_equal(pgm_unwrap_init(&u, &src.base, &env, max_line, 2026), PGM_OK);
    const char *line;
    size_t n;
    while (pgm_unwrap_next(&u, &line, &n) > 0) {
        assert_true(g->n < 16);
        snprintf(g->text[g->n], sizeof g->text[0], "%.*s", (int)n, line);
        memcpy(g->source[g->n], u.source, sizeof g->source[0]);
        g->line[g->n] = u.lineno;
        g->t[g->n] = u.t;
        g->n++;
    }
    g->cov = u.cov;
    if (!pgm_unwrap_foreign_said(&u, g->said, sizeof g->said))
        g->said[0] = '\0';
    g->lost = pgm_unwrap_lost_lines(&u);
    pgm_unwrap_free(&u);
}

static void unwrap_all(const char *text, size_t len, pgm_envelope env, got *g)
{
    unwrap_lines_of(text, len, env, 1u << 20, g);
}

static pgm_envelope detect(const char *head)
{
    pgm_envelope c[PGM_ENVELOPE_MAX_CANDIDATES];
    size_t n = pgm_envelope_candidates((const unsigned char *)head, strlen(head), true, c);
    return n ? c[0] : (pgm_envelope){PGM_ENVELOPE_NONE, false, false, false};
}

static int64_t iso(const char *s)
{
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at(s, strlen(s), &ts));
    return ts.us;
}

static const char JOURNAL_SHORT_ISO[] =
    "2026-12-03T16:32:34+0000 vm orders[5561]: hello from test\n"
    "2026-12-03T16:32:34+0000 vm orders[5563]: line1\n"
    "2026-12-03T16:32:34+0000 vm orders[5563]:         at x.y(Z.java:1)\n"
    "2026-12-03T16:33:55+0000 vm multi[5723]: first\n"
    "                                         second\n"
    "                                                 at x.y(Z.java:3)\n";

static void test_journal_short_forms(void **state)
{
    (void)state;
    pgm_envelope env = detect(JOURNAL_SHORT_ISO);
    assert_int_equal(env.kind, PGM_ENVELOPE_JOURNAL);
    got g;
    unwrap_all(JOURNAL_SHORT_ISO, sizeof JOURNAL_SHORT_ISO - 1, env, &g);
    assert_int_equal(g.n, 6);
    assert_string_equal(g.text[0], "hello from test");
    /* journalctl shows a tab as 8 spaces: at a line's start it was one */
    assert_string_equal(g.text[2], "\tat x.y(Z.java:1)");
    /* a message of three lines: the further ones indented under the first */
    assert_string_equal(g.text[3], "first");
    assert_string_equal(g.text[4], "second");
    assert_string_equal(g.text[5], "\tat x.y(Z.java:3)");
    assert_int_equal(g.line[4], 5);
    assert_true(g.t[4] == iso("2026-12-03T16:33:55Z"));
    assert_int_equal(g.cov.foreign, 0);

    /* short-precise, short-full, short-unix, short-iso-precise: the same line */
    static const char *const forms[] = {
        "Dec 03 16:32:34.648344 vm orders[5563]: line1\n",
        "Thu 2026-12-03 16:32:34 UTC vm orders[5563]: line1\n",
        "1796315554.648344 vm orders[5563]: line1\n",
        "2026-12-03T16:32:34.648344+0000 vm orders[5563]: line1\n",
        "Dec 03 16:32:34 vm orders[5563]: line1\n",
    };
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        env = detect(forms[k]);
        assert_int_equal(env.kind, PGM_ENVELOPE_JOURNAL);
        unwrap_all(forms[k], strlen(forms[k]), env, &g);
        assert_int_equal(g.n, 1);
        assert_string_equal(g.text[0], "line1");
        assert_true(g.t[0] / 1000000 == iso("2026-12-03T16:32:34Z") / 1000000);
    }
    /* journalctl's own lines carry no line of the program's */
    static const char deco[] = "-- Boot a05872e02f5747dc9786427094864755 --\n"
                               "Dec 03 16:32:34 vm orders[5563]: line1\n";
    unwrap_all(deco, sizeof deco - 1, (pgm_envelope){PGM_ENVELOPE_JOURNAL, false, false, false}, &g);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.line[0], 2);
    assert_int_equal(g.cov.decorations, 1);
}

static void test_journal_json(void **state)
{
    (void)state;
    /* -o json of the native-protocol message above, and one journald could
     * not show as text (an ESC): MESSAGE as byte values */
    static const char j[] =
        "{\"SYSLOG_IDENTIFIER\":\"multi\",\"_HOSTNAME\":\"vm\",\"__REALTIME_TIMESTAMP\":\"1796315635497502\","
        "\"PRIORITY\":\"3\",\"MESSAGE\":\"first\\nsecond\\n\\tat x.y(Z.java:3)\",\"_PID\":\"5723\"}\n"
        "{\"_GID\":\"0\",\"SYSLOG_IDENTIFIER\":\"tabs\",\"__REALTIME_TIMESTAMP\":\"1796315562455558\","
        "\"_PID\":\"5615\",\"MESSAGE\":[27,91,49,109,98,111,108,100]}\n";
    pgm_envelope env = detect(j);
    assert_int_equal(env.kind, PGM_ENVELOPE_JOURNAL_JSON);
    got g;
    unwrap_all(j, sizeof j - 1, env, &g);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.text[1], "second");
    assert_string_equal(g.text[2], "\tat x.y(Z.java:3)");
    assert_int_equal(g.line[2], 1);
    assert_true(g.t[2] == 1796315635497502);
    assert_string_equal(g.text[3], "\x1b[1mbold");
    assert_int_equal(g.line[3], 2);
    /* json-seq: each record after RFC 7464's separator */
    static const char seq[] = "\x1e{\"__REALTIME_TIMESTAMP\":\"1796315562455558\",\"MESSAGE\":\"x\"}\n";
    assert_int_equal(detect(seq).kind, PGM_ENVELOPE_JOURNAL_JSON);
}

static void test_journal_export_binary(void **state)
{
    (void)state;
    /* -o export: a text field, then MESSAGE in the binary form because it
     * holds newlines; its size (10) is itself a newline byte */
    static const char e[] = "__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=1796315635497502\n_PID=5723\n"
                            "MESSAGE\n\x0a\0\0\0\0\0\0\0first\nsec2\n_COMM=python3\n\n"
                            "__CURSOR=s=1;i=3\n__REALTIME_TIMESTAMP=1796315635497600\nMESSAGE=plain\n\n";
    pgm_envelope env = detect(e);
    assert_int_equal(env.kind, PGM_ENVELOPE_JOURNAL_EXPORT);
    got g;
    unwrap_all(e, sizeof e - 1, env, &g);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.text[0], "first");
    assert_string_equal(g.text[1], "sec2");
    assert_int_equal(g.line[0], 4); /* the field's name line */
    assert_int_equal(g.line[1], 4);
    assert_string_equal(g.text[2], "plain");
    assert_int_equal(g.line[2], 12);
    assert_true(g.t[2] == 1796315635497600);
    assert_int_equal(g.cov.cut, 0);
    /* a size that runs past the end: the value is lost, and counted */
    static const char cut[] = "__CURSOR=s\n__REALTIME_TIMESTAMP=1\nMESSAGE\n\xff\0\0\0\0\0\0\0abc\n";
    unwrap_all(cut, sizeof cut - 1, env, &g);
    assert_int_equal(g.n, 0);
    assert_int_equal(g.cov.foreign, 1);
}

static void test_journal_field_cut(void **state)
{
    (void)state;
    /* a journal field cut at PGM_UNWRAP_MAX_FIELD: the entry is counted cut */
    size_t big = PGM_UNWRAP_MAX_FIELD + 100;
    const char head[] = "__CURSOR=s\n__REALTIME_TIMESTAMP=5\nMESSAGE=";
    size_t n = sizeof head - 1 + big + 2;
    char *e = malloc(n);
    assert_non_null(e);
    memcpy(e, head, sizeof head - 1);
    memset(e + sizeof head - 1, 'a', big);
    memcpy(e + sizeof head - 1 + big, "\n\n", 2);
    pgm_mem_source src;
    pgm_mem_source_init(&src, e, n);
    pgm_unwrap u;
    pgm_envelope env = {PGM_ENVELOPE_JOURNAL_EXPORT, false, false, false};
    assert_int_equal(pgm_unwrap_init(&u, &src.base, &env, 4u << 20, 0), PGM_OK);
    const char *line;
    size_t len;
    assert_int_equal(pgm_unwrap_next(&u, &line, &len), 1);
    assert_true(u.truncated);
    assert_int_equal(u.cov.cut, 1);
    pgm_unwrap_free(&u);
    free(e);
}

static void test_cri_pieces_per_stream(void **state)
{
    (void)state;
    /* a long stdout line in pieces, a stderr line between them */
    static const char c[] = "2026-11-27T02:20:35.861000000Z stdout P 2026-11-27 02:20:35.861 UTC [1] LOG:  conn\n"
                            "2026-11-27T02:20:35.861100000Z stderr F err line\n"
                            "2026-11-27T02:20:35.861200000Z stdout P ection received: \n"
                            "2026-11-27T02:20:35.861300000Z stdout F host=10.0.0.1\n"
                            "2026-11-27T02:20:35.900000000Z stdout F \n"
                            "not a cri line\n";
    pgm_envelope env = detect(c);
    assert_int_equal(env.kind, PGM_ENVELOPE_CRI);
    got g;
    unwrap_all(c, sizeof c - 1, env, &g);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.text[0], "err line");
    assert_int_equal(g.line[0], 2);
    assert_string_equal(g.text[1], "2026-11-27 02:20:35.861 UTC [1] LOG:  connection received: host=10.0.0.1");
    assert_int_equal(g.line[1], 1); /* where the line began */
    assert_true(g.t[1] == iso("2026-11-27T02:20:35.861Z"));
    assert_string_equal(g.text[2], "");
    assert_string_equal(g.text[3], "not a cri line");
    assert_int_equal(g.cov.pieces, 2);
    assert_int_equal(g.cov.foreign, 1);
    assert_int_equal(g.cov.first_foreign, 6);
    /* a file that ends inside a line: its pieces are still handed on */
    static const char open[] = "2026-11-27T02:20:35.861000000Z stdout P half a li\n";
    unwrap_all(open, sizeof open - 1, env, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.text[0], "half a li");
}

static void test_docker_and_kubectl(void **state)
{
    (void)state;
    static const char d[] =
        "{\"log\":\"2026-11-27T02:20:35.861Z  INFO 1 --- [main] c.e.A : one\\n\",\"stream\":\"stdout\","
        "\"time\":\"2026-11-27T02:20:35.861234567Z\"}\n"
        "{\"log\":\"a long li\",\"stream\":\"stdout\",\"time\":\"2026-11-27T02:20:36Z\"}\n"
        "{\"log\":\"ne\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-27T02:20:36Z\",\"attrs\":{\"tag\":\"orders\"}}\n";
    pgm_envelope env = detect(d);
    assert_int_equal(env.kind, PGM_ENVELOPE_DOCKER);
    got g;
    unwrap_all(d, sizeof d - 1, env, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.text[0], "2026-11-27T02:20:35.861Z  INFO 1 --- [main] c.e.A : one");
    assert_true(g.t[0] == iso("2026-11-27T02:20:35.861234Z"));
    assert_string_equal(g.text[1], "a long line");
    assert_int_equal(g.line[1], 2);

    static const char k[] = "[pod/orders-7d9c/orders] 2026-11-27T02:20:35.861000000Z hello\n"
                            "[pod/orders-7d9c/orders] 2026-11-27T02:20:36.000000000Z \tat x\n";
    env = detect(k);
    assert_int_equal(env.kind, PGM_ENVELOPE_KUBECTL);
    assert_true(env.kubectl_prefix && env.timestamps);
    unwrap_all(k, sizeof k - 1, env, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.text[0], "hello");
    assert_string_equal(g.text[1], "\tat x");
    /* stern: POD CONTAINER LINE, the source named as kubectl --prefix names it */
    static const char st[] = "orders-7d9c8b5f4-x2kq9 orders 2026-11-27T02:20:35.861Z  INFO 1 --- [main] c.e.A : up\n"
                             "postgres-0 postgres 2026-11-27 02:20:35.313 UTC [1] LOG:  ready\n";
    pgm_envelope sc[PGM_ENVELOPE_MAX_CANDIDATES];
    size_t nc = pgm_envelope_candidates((const unsigned char *)st, sizeof st - 1, true, sc);
    assert_int_equal(nc, 1);
    assert_int_equal(sc[0].kind, PGM_ENVELOPE_STERN);
    unwrap_all(st, sizeof st - 1, sc[0], &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.source[0], "orders-7d9c8b5f4-x2kq9/orders");
    assert_string_equal(g.source[1], "postgres-0/postgres");
    assert_string_equal(g.text[1], "2026-11-27 02:20:35.313 UTC [1] LOG:  ready");
    /* two words before a line are no stern output without a pod's name */
    static const char words[] = "hello world this is text\nanother line of text\n";
    assert_int_equal(detect(words).kind, PGM_ENVELOPE_NONE);
    /* a plain log is none of these */
    static const char plain[] = "2026-11-27 02:20:35.861 UTC [1] LOG:  database system is ready\n";
    assert_int_equal(detect(plain).kind, PGM_ENVELOPE_NONE);
}

/* What the sniffer is told: the envelope only when what is inside is a known
 * kind, and never over a server's syslog output, whose reader joins it. */
static void test_sniff_through(void **state)
{
    (void)state;
    pgm_envelope env;
    /* kubectl --prefix around a Spring Boot line with an RFC 3339 time: it
     * also fits --prefix --timestamps, whose inside would be unknown */
    static const char k[] =
        "[pod/billing-7d9c8b5f4-x2kq9/billing] 2026-11-27T02:24:49.449Z  INFO 2110 --- [billing] "
        "[           main] com.example.app.ServiceMain              : Starting billing\n"
        "[pod/billing-7d9c8b5f4-x2kq9/billing] 2026-11-27T02:24:49.457Z  INFO 2110 --- [billing] "
        "[           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting...\n";
    pgm_sniff sn = pgm_unwrap_sniff("billing.log", (const unsigned char *)k, sizeof k - 1, true, 0, &env, NULL);
    assert_int_equal(sn.kind, PGM_KIND_APP_LOG);
    assert_int_equal(env.kind, PGM_ENVELOPE_KUBECTL);
    assert_true(env.kubectl_prefix);
    assert_false(env.timestamps);
    static const char syslog[] =
        "Nov 27 00:19:29 db1 postgres[123]: [7-1] 2026-11-27 00:19:29 UTC LOG:  connection received: host=x\n"
        "Nov 27 00:19:29 db1 postgres[123]: [8-1] 2026-11-27 00:19:29 UTC LOG:  connection authorized: user=a\n";
    sn = pgm_unwrap_sniff("pg.log", (const unsigned char *)syslog, sizeof syslog - 1, true, 0, &env, NULL);
    assert_int_equal(sn.kind, PGM_KIND_PG_LOG);
    assert_string_equal(sn.format, "syslog");
    assert_int_equal(env.kind, PGM_ENVELOPE_NONE);
    /* a server log in the journal: unwrapped, then read as stderr */
    static const char j[] = "2026-11-27T02:20:35+0000 vm postgres[30741]: 2026-11-27 02:20:35.313 UTC [30725] LOG:  "
                            "starting PostgreSQL 15.18\n"
                            "2026-11-27T02:20:35+0000 vm postgres[30741]: 2026-11-27 02:20:35.320 UTC [30725] LOG:  "
                            "database system is ready to accept connections\n";
    pgm_strbuf inner;
    pgm_strbuf_init(&inner, 0);
    sn = pgm_unwrap_sniff("x", (const unsigned char *)j, sizeof j - 1, true, 0, &env, &inner);
    assert_int_equal(sn.kind, PGM_KIND_PG_LOG);
    assert_int_equal(env.kind, PGM_ENVELOPE_JOURNAL);
    assert_non_null(inner.p);
    assert_memory_equal(inner.p, "2026-11-27 02:20:35.313 UTC [30725] LOG:  starting", 50);
    pgm_strbuf_free(&inner);
}

/* docker compose logs: "NAME   | line", the names padded to one width (it
 * grows as containers join, so a file holds several), --timestamps' nine
 * digits after the bar; a table psql aligned is no such file. */
static void test_compose(void **state)
{
    (void)state;
    static const char plain[] =
        "db-1 | 2026-11-27 02:20:35.313 UTC [30725] LOG:  starting PostgreSQL 15.18\n"
        "db-1      | 2026-11-27 02:20:35.320 UTC [30725] LOG:  database system is ready to accept connections\n"
        "orders-1  | 2026-11-27T02:20:35.861Z  INFO 30742 --- [orders] [main] c.e.A : Starting orders\n"
        "db-1      |\n"
        "orders-1 exited with code 137\n";
    pgm_envelope env = detect(plain);
    assert_int_equal(env.kind, PGM_ENVELOPE_COMPOSE);
    assert_false(env.timestamps);
    assert_true(pgm_envelope_has_sources(&env));
    assert_string_equal(pgm_envelope_name(env.kind), "compose");
    got g;
    unwrap_all(plain, sizeof plain - 1, env, &g);
    assert_int_equal(g.n, 5);
    assert_string_equal(g.text[0], "2026-11-27 02:20:35.313 UTC [30725] LOG:  starting PostgreSQL 15.18");
    assert_string_equal(g.text[2], "2026-11-27T02:20:35.861Z  INFO 30742 --- [orders] [main] c.e.A : Starting orders");
    assert_string_equal(g.text[3], ""); /* an empty line, its bar's space trimmed */
    assert_int_equal(g.cov.foreign, 1);  /* compose's own word, said */
    assert_int_equal(g.cov.first_foreign, 5);
    /* each line's container is its source */
    assert_string_equal(g.source[0], "db-1");
    assert_string_equal(g.source[2], "orders-1");

    /* --timestamps: Docker's time is the envelope's, the line's own stays */
    static const char ts[] =
        "db-1      | 2026-11-27T02:20:35.313456789Z 2026-11-27 02:20:35.313 UTC [30725] LOG:  starting\n"
        "orders-1  | 2026-11-27T02:20:35.861000000Z 2026-11-27T02:20:35.861Z  INFO 30742 --- [orders] up\n";
    env = detect(ts);
    assert_int_equal(env.kind, PGM_ENVELOPE_COMPOSE);
    assert_true(env.timestamps);
    unwrap_all(ts, sizeof ts - 1, env, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.text[0], "2026-11-27 02:20:35.313 UTC [30725] LOG:  starting");
    assert_int_equal(g.t[0], iso("2026-11-27T02:20:35.313456Z"));
    assert_string_equal(g.text[1], "2026-11-27T02:20:35.861Z  INFO 30742 --- [orders] up");
    /* an application's own time of three digits is no --timestamps */
    static const char spring[] =
        "orders-1  | 2026-11-27T02:20:35.861Z  INFO 30742 --- [orders] [main] c.e.A : Starting orders\n";
    env = detect(spring);
    assert_int_equal(env.kind, PGM_ENVELOPE_COMPOSE);
    assert_false(env.timestamps);

    /* with --ansi always, each container's prefix in its colour */
    static const char coloured[] =
        "\033[36mdb-1      | \033[0m2026-11-27 02:20:35.313 UTC [30725] LOG:  starting PostgreSQL 15.18\n"
        "\033[33;1morders-1  | \033[0m2026-11-27T02:20:35.861Z  INFO 30742 --- [orders] up\n";
    env = detect(coloured);
    assert_int_equal(env.kind, PGM_ENVELOPE_COMPOSE);
    unwrap_all(coloured, sizeof coloured - 1, env, &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.cov.foreign, 0);
    assert_string_equal(g.text[0], "2026-11-27 02:20:35.313 UTC [30725] LOG:  starting PostgreSQL 15.18");
    assert_string_equal(g.text[1], "2026-11-27T02:20:35.861Z  INFO 30742 --- [orders] up");
    assert_string_equal(g.source[0], "db-1");

    /* psql's aligned output starts its lines with a space; a word, a bar
     * and no space after it is no compose line */
    assert_int_equal(detect("  pid  | usename | state\n 30725 | orders  | idle\n").kind, PGM_ENVELOPE_NONE);
    assert_int_equal(detect("a |b\nc |d\n").kind, PGM_ENVELOPE_NONE);
    /* a first word longer than PGM_COMPOSE_NAME_MAX is taken for no container name */
    char longname[400];
    memset(longname, 'a', 300);
    memcpy(longname + 300, " | x\n", 6);
    assert_int_equal(detect(longname).kind, PGM_ENVELOPE_NONE);

    /* the server's and an application's lines in one file: the bars made a
     * log_line_prefix of the server's lines ("db-1  | %m [%p] "), and the
     * application's were read as lines of no server; now one input each */
    static const char both[] =
        "db-1      | 2026-11-27 02:20:35.313 UTC [30725] LOG:  starting PostgreSQL 15.18\n"
        "db-1      | 2026-11-27 02:20:35.320 UTC [30725] LOG:  database system is ready to accept connections\n"
        "db-1      | 2026-11-27 02:20:36.001 UTC [30750] LOG:  connection received: host=127.0.0.1 port=5\n"
        "orders-1  | 2026-11-27T02:20:35.861Z  INFO 30742 --- [orders] [           main] "
        "com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting...\n"
        "orders-1  | 2026-11-27T02:20:36.107Z  INFO 30742 --- [orders] [           main] "
        "com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Start completed.\n";
    pgm_sniff sn = pgm_unwrap_sniff("compose.log", (const unsigned char *)both, sizeof both - 1, true, 0, &env, NULL);
    assert_int_equal(env.kind, PGM_ENVELOPE_COMPOSE);
    assert_true(env.several_sources);
    assert_string_equal(sn.format, "mixed");

    /* psql's expanded output (\x) has the form too: a pg_stat_activity
     * snapshot stays one (as a file of columns, each a source, it was lost) */
    static const char expanded[] = "-[ RECORD 1 ]----+---------------------------\n"
                                   "now              | 2026-11-27 02:25:52.644303+00\n"
                                   "pid              | 4828\n"
                                   "datname          | \n"
                                   "usename          | \n"
                                   "application_name | \n"
                                   "backend_start    | 2026-11-27 02:25:52.328453+00\n"
                                   "state            | \n"
                                   "query            | \n"
                                   "backend_type     | checkpointer\n"
                                   "-[ RECORD 2 ]----+---------------------------\n"
                                   "now              | 2026-11-27 02:25:52.644303+00\n"
                                   "pid              | 4840\n"
                                   "datname          | shop\n"
                                   "usename          | orders\n"
                                   "application_name | PostgreSQL JDBC Driver\n"
                                   "backend_start    | 2026-11-27 02:25:53.001000+00\n"
                                   "state            | idle\n"
                                   "query            | SELECT 1\n"
                                   "backend_type     | client backend\n";
    sn = pgm_unwrap_sniff("psa.txt", (const unsigned char *)expanded, sizeof expanded - 1, true, 0, &env, NULL);
    assert_int_equal(sn.kind, PGM_KIND_PG_STAT_ACTIVITY);
    assert_int_equal(env.kind, PGM_ENVELOPE_NONE);
    /* nor is another query's expanded output, whose values are no log */
    static const char slots[] = "-[ RECORD 1 ]-------+----------\n"
                                "slot_name           | standby_1\n"
                                "plugin              | \n"
                                "slot_type           | physical\n"
                                "active              | t\n"
                                "-[ RECORD 2 ]-------+----------\n"
                                "slot_name           | standby_2\n"
                                "plugin              | \n"
                                "slot_type           | physical\n"
                                "active              | f\n";
    sn = pgm_unwrap_sniff("slots.txt", (const unsigned char *)slots, sizeof slots - 1, true, 0, &env, NULL);
    assert_int_equal(env.kind, PGM_ENVELOPE_NONE);
}

/* Grafana Loki's logcli: its default output (time to the second, the
 * label set padded, the line trimmed) and --output=jsonl, each stream
 * named by its pod/container or another label; before kubectl
 * --timestamps, whose form the time and a space also fit. */
static void test_loki(void **state)
{
    (void)state;
    static const char text[] =
        "2026-11-27T02:20:35Z {app=\"postgres\", namespace=\"shop\", pod=\"postgres-0\"}                 "
        "2026-11-27 02:20:35.313 UTC [30725] LOG:  starting PostgreSQL 15.18\n"
        "2026-11-27T03:20:35+01:00 {app=\"orders\", container=\"orders\", pod=\"orders-7d9c8b5f4-x2kq9\"} "
        "2026-11-27T02:20:35.861Z  INFO 30742 --- [orders] [main] c.e.A : Starting orders\n"
        "2026-11-27T02:20:36Z {job=\"varlogs\", filename=\"/var/log/app.log\"}                                "
        "plain\n"
        "2026-11-27T02:20:37Z {}  empty labels\n";
    pgm_envelope env = detect(text);
    assert_int_equal(env.kind, PGM_ENVELOPE_LOKI);
    assert_true(pgm_envelope_has_sources(&env));
    got g;
    unwrap_all(text, sizeof text - 1, env, &g);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.source[0], "postgres-0");
    assert_string_equal(g.text[0], "2026-11-27 02:20:35.313 UTC [30725] LOG:  starting PostgreSQL 15.18");
    assert_int_equal(g.t[0], iso("2026-11-27T02:20:35Z"));
    assert_string_equal(g.source[1], "orders-7d9c8b5f4-x2kq9/orders");
    assert_int_equal(g.t[1], iso("2026-11-27T02:20:35Z")); /* logcli's --timezone */
    assert_string_equal(g.source[2], "varlogs"); /* job before filename */
    assert_string_equal(g.text[2], "plain");
    assert_string_equal(g.source[3], "{}");
    assert_string_equal(g.text[3], "empty labels");
    /* the server's and an application's streams in one file: read apart,
     * although the labels read as a log_line_prefix of the server's lines */
    pgm_sniff sn = pgm_unwrap_sniff("loki.txt", (const unsigned char *)text, sizeof text - 1, true, 0, &env, NULL);
    assert_int_equal(env.kind, PGM_ENVELOPE_LOKI);
    assert_true(env.several_sources);
    assert_string_equal(sn.format, "mixed");

    static const char jsonl[] =
        "{\"labels\":{\"app\":\"postgres\",\"pod\":\"postgres-0\"},\"line\":\"2026-11-27 02:20:35.313 UTC "
        "[30725] LOG:  starting\",\"timestamp\":\"2026-11-27T02:20:35.313456789Z\"}\n"
        "{\"labels\":{\"service_name\":\"orders\"},\"line\":\"\\tat com.example.A.b(A.java:1)\","
        "\"timestamp\":\"2026-11-27T02:20:36.000000000Z\"}\n";
    env = detect(jsonl);
    assert_int_equal(env.kind, PGM_ENVELOPE_LOKI_JSON);
    unwrap_all(jsonl, sizeof jsonl - 1, env, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.text[0], "2026-11-27 02:20:35.313 UTC [30725] LOG:  starting");
    assert_int_equal(g.t[0], iso("2026-11-27T02:20:35.313456Z"));
    assert_string_equal(g.text[1], "\tat com.example.A.b(A.java:1)"); /* its tab kept */
    assert_string_equal(g.source[0], "postgres-0");
    assert_string_equal(g.source[1], "orders");
    /* a label set that does not close is no Loki line */
    assert_int_equal(detect("2026-11-27T02:20:35Z {app=\"x\" line\n").kind, PGM_ENVELOPE_KUBECTL);
}

/* aws logs tail (its default format): each event's time to the microsecond
 * with "+00:00", its log stream, the message; an RDS event of several lines
 * goes on below its first line, with its time and stream. */
static void test_cloudwatch(void **state)
{
    (void)state;
    static const char text[] =
        "2026-11-27T02:21:50.570000+00:00 shop-db.0 2026-11-27 02:21:50 UTC:10.0.0.7(51234):orders@shop:[31826]:"
        "FATAL:  remaining connection slots are reserved for non-replication superuser connections\n"
        "2026-11-27T02:21:51.000000+00:00 shop-db.0 2026-11-27 02:21:51 UTC:10.0.0.7(51240):orders@shop:[31830]:"
        "LOG:  statement: SELECT *\n"
        "\t  FROM orders\n"
        "2026-11-27T02:21:52.000000+00:00 orders-7d9c8b5f4-x2kq9 2026-11-27T02:21:52.000Z  INFO 1 --- [main] c.e.A : up\n";
    pgm_envelope env = detect(text);
    assert_int_equal(env.kind, PGM_ENVELOPE_CLOUDWATCH);
    assert_true(pgm_envelope_has_sources(&env));
    got g;
    unwrap_all(text, sizeof text - 1, env, &g);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.source[0], "shop-db.0");
    assert_int_equal(g.t[0], iso("2026-11-27T02:21:50.570Z"));
    assert_memory_equal(g.text[0], "2026-11-27 02:21:50 UTC:10.0.0.7(51234)", 39);
    assert_string_equal(g.source[2], "shop-db.0"); /* the statement's next line */
    assert_int_equal(g.t[2], iso("2026-11-27T02:21:51Z"));
    assert_string_equal(g.text[2], "\t  FROM orders");
    assert_int_equal(g.cov.foreign, 0);
    assert_int_equal(g.cov.continued, 1);
    assert_string_equal(g.source[3], "orders-7d9c8b5f4-x2kq9");
    /* the stream made a log_line_prefix of the server's lines: read apart now */
    pgm_sniff sn = pgm_unwrap_sniff("rds.log", (const unsigned char *)text, sizeof text - 1, true, 0, &env, NULL);
    assert_int_equal(env.kind, PGM_ENVELOPE_CLOUDWATCH);
    assert_string_equal(sn.format, "mixed");
    /* kubectl's nine digits and "Z" are kubectl's */
    assert_int_equal(detect("2026-11-27T02:21:50.570000000Z 2026-11-27 02:21:50.570 UTC [1] LOG:  x\n").kind,
                     PGM_ENVELOPE_KUBECTL);
}


/* The entries of a JSON document, found as the lines come: where each starts
 * and where its text's key is; strings with brackets and quotes in them,
 * several entries on a line, and objects outside the entries' array left
 * alone. */
static void test_document_scan(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "{",
        "    \"events\": [",
        "        {",
        "            \"logStreamName\": \"db.0\",",
        "            \"message\": \"a \\\"}]\\\" [ { x\",",
        "            \"nested\": {\"message\": [1, {\"k\": \"}\"}]}",
        "        }, {\"message\": \"two\"}, {\"message\": \"three\"",
        "        }",
        "    ],",
        "    \"searchedLogStreams\": [{\"logStreamName\": \"db.0\", \"message\": \"not an entry\"}],",
        "    \"nextToken\": \"{[\"",
        "}",
        "[{\"textPayload\": \"a second document\"}]",
    };
    pgm_document_scan d;
    pgm_document_scan_init(&d, 1024);
    char entries[8][160];
    uint64_t starts[8], texts[8];
    size_t found = 0;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        size_t pos = 0, n = strlen(lines[i]);
        while (pgm_document_scan_line(&d, lines[i], n, &pos, i + 1)) {
            assert_true(found < 8);
            assert_false(d.entry_cut);
            snprintf(entries[found], sizeof entries[0], "%.*s", (int)d.entry.len, d.entry.p);
            starts[found] = d.entry_line;
            texts[found] = d.payload_line;
            found++;
        }
        assert_int_equal(pos, n);
    }
    assert_int_equal(found, 4);
    /* white space outside strings left out, inside kept */
    assert_string_equal(entries[0], "{\"logStreamName\":\"db.0\",\"message\":\"a \\\"}]\\\" [ { x\","
                                    "\"nested\":{\"message\":[1,{\"k\":\"}\"}]}}");
    assert_int_equal(starts[0], 3);
    assert_int_equal(texts[0], 5); /* its own "message", not the nested one */
    assert_string_equal(entries[1], "{\"message\":\"two\"}");
    assert_int_equal(starts[1], 7);
    assert_string_equal(entries[2], "{\"message\":\"three\"}");
    assert_int_equal(starts[2], 7);
    assert_int_equal(texts[2], 7);
    assert_string_equal(entries[3], "{\"textPayload\":\"a second document\"}");
    assert_int_equal(starts[3], 13);
    pgm_document_scan_free(&d);

    /* an entry longer than the buffer: read past, marked cut */
    pgm_document_scan_init(&d, 16);
    static const char big[] = "[{\"textPayload\": \"more than sixteen bytes\"}, {\"a\": 1}]";
    size_t pos = 0;
    assert_true(pgm_document_scan_line(&d, big, sizeof big - 1, &pos, 1));
    assert_true(d.entry_cut);
    assert_true(pgm_document_scan_line(&d, big, sizeof big - 1, &pos, 1));
    assert_false(d.entry_cut);
    assert_string_equal(d.entry.p, "{\"a\":1}");
    pgm_document_scan_free(&d);
}

/* gcloud logging read --format=json, as gcloud prints it (indent 2, keys
 * sorted, newest first): Cloud SQL's entries handed on whole, a GKE
 * container's as its text, named by pod and container; an audit entry (no
 * line in it) and an entry the file ends inside are left out and said. */
static const char GCLOUD_JSON[] =
    "[\n"
    "  {\n"
    "    \"insertId\": \"s=a4e3;i=1dbcd\",\n"
    "    \"logName\": \"projects/shop/logs/cloudsql.googleapis.com%2Fpostgres.log\",\n"
    "    \"resource\": {\n"
    "      \"labels\": {\n"
    "        \"database_id\": \"shop:orders-db\",\n"
    "        \"project_id\": \"shop\"\n"
    "      },\n"
    "      \"type\": \"cloudsql_database\"\n"
    "    },\n"
    "    \"severity\": \"INFO\",\n"
    "    \"textPayload\": \"[24667]: [2-1] db=shop,user=orders LOG:  connection authorized: user=orders database=shop\",\n"
    "    \"timestamp\": \"2020-05-02T13:00:20.38403Z\"\n"
    "  },\n"
    "  {\n"
    "    \"insertId\": \"k8s1\",\n"
    "    \"resource\": {\"labels\": {\"container_name\": \"orders\", \"pod_name\": \"orders-7d9\"}, \"type\": \"k8s_container\"},\n"
    "    \"textPayload\": \"2020-05-02 13:00:20.100  WARN 1 --- [pool-1] c.z.h.p.ProxyLeakTask : Connection leak\\n\\tat x.Y.z(Y.java:1)\\n\",\n"
    "    \"timestamp\": \"2020-05-02T13:00:20.1Z\"\n"
    "  },\n"
    "  {\"insertId\": \"audit\", \"protoPayload\": {\"methodName\": \"cloudsql.instances.update\"}, \"timestamp\": \"2020-05-02T13:00:19Z\"},\n"
    "  {\n"
    "    \"insertId\": \"cut\",\n";

static void test_cloud_logging(void **state)
{
    (void)state;
    pgm_envelope env = detect(GCLOUD_JSON);
    assert_int_equal(env.kind, PGM_ENVELOPE_CLOUD_LOGGING);
    assert_true(pgm_envelope_is_document(&env));
    assert_true(pgm_envelope_has_sources(&env));
    got g;
    unwrap_all(GCLOUD_JSON, sizeof GCLOUD_JSON - 1, env, &g);
    assert_int_equal(g.n, 3);
    /* Cloud SQL's entry whole, at its textPayload's line */
    static const char whole[] = "{\"insertId\":\"s=a4e3;i=1dbcd\",\"logName\":";
    assert_memory_equal(g.text[0], whole, sizeof whole - 1);
    assert_non_null(strstr(g.text[0], "\"textPayload\":\"[24667]: [2-1] db=shop,user=orders LOG:  connection"));
    assert_int_equal(g.line[0], 13);
    assert_string_equal(g.source[0], "shop:orders-db");
    assert_int_equal(g.t[0], iso("2020-05-02T13:00:20.38403Z"));
    /* the container's text, a line at a time, its own newline not one more */
    assert_string_equal(g.text[1], "2020-05-02 13:00:20.100  WARN 1 --- [pool-1] c.z.h.p.ProxyLeakTask : Connection leak");
    assert_string_equal(g.text[2], "\tat x.Y.z(Y.java:1)");
    assert_int_equal(g.line[1], 19);
    assert_int_equal(g.line[2], 19);
    assert_string_equal(g.source[1], "orders-7d9/orders");
    assert_int_equal(g.t[2], iso("2020-05-02T13:00:20.1Z"));
    assert_int_equal(g.cov.entries, 2);
    /* the audit entry and the one cut short */
    assert_int_equal(g.cov.foreign, 2);
    assert_int_equal(g.cov.first_foreign, 22);
    assert_true(g.lost);
    assert_string_equal(g.said, "2 entries not in the cloud-logging form (another shape, or cut short), first at line 22: "
                                "left out");
    /* read through: a file of two sources, Cloud SQL's entries a server log */
    pgm_sniff sn = pgm_unwrap_sniff("logs.json", (const unsigned char *)GCLOUD_JSON, sizeof GCLOUD_JSON - 1, true, 0,
                                    &env, NULL);
    assert_int_equal(env.kind, PGM_ENVELOPE_CLOUD_LOGGING);
    assert_string_equal(sn.format, "mixed");
    /* an audit log's entry first (no line in it): the entries after it tell the form */
    static const char audit_first[] =
        "[{\"insertId\": \"a\", \"protoPayload\": {\"methodName\": \"x\"}, \"timestamp\": \"2020-05-02T13:00:19Z\"},\n"
        " {\"insertId\": \"b\", \"resource\": {\"type\": \"cloudsql_database\"}, \"textPayload\": \"[1]: [1-1] db=a,user=b LOG:  x\","
        " \"timestamp\": \"2020-05-02T13:00:20Z\"}]\n";
    assert_int_equal(detect(audit_first).kind, PGM_ENVELOPE_CLOUD_LOGGING);
    /* a pg_stat_activity array is no document of log entries */
    assert_int_equal(detect("[\n  {\"pid\": 4828, \"usename\": \"app\", \"state\": \"idle\"}\n]\n").kind,
                     PGM_ENVELOPE_NONE);
}

/* aws logs filter-log-events, as awscli prints it (indent 4): each event's
 * message with its time (milliseconds) and log stream; a message of several
 * lines a line at a time; searchedLogStreams is no event. */
static void test_cloudwatch_json(void **state)
{
    (void)state;
    static const char text[] =
        "{\n"
        "    \"events\": [\n"
        "        {\n"
        "            \"logStreamName\": \"shop-db.0\",\n"
        "            \"timestamp\": 1795746110570,\n"
        "            \"message\": \"2026-11-27 02:21:50 UTC:10.0.0.7(51234):orders@shop:[31826]:LOG:  statement: SELECT *\\n\\t  FROM orders\",\n"
        "            \"ingestionTime\": 1795746110770,\n"
        "            \"eventId\": \"3780\"\n"
        "        },\n"
        "        {\"logStreamName\": \"orders-7d9\", \"timestamp\": 1795746111000, \"message\": \"up\\n\", \"eventId\": \"3781\"}\n"
        "    ],\n"
        "    \"searchedLogStreams\": [\n"
        "        {\n"
        "            \"logStreamName\": \"shop-db.0\",\n"
        "            \"searchedCompletely\": true\n"
        "        }\n"
        "    ]\n"
        "}\n";
    pgm_envelope env = detect(text);
    assert_int_equal(env.kind, PGM_ENVELOPE_CLOUDWATCH_JSON);
    assert_true(pgm_envelope_has_sources(&env));
    got g;
    unwrap_all(text, sizeof text - 1, env, &g);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.text[0], "2026-11-27 02:21:50 UTC:10.0.0.7(51234):orders@shop:[31826]:LOG:  statement: SELECT *");
    assert_string_equal(g.text[1], "\t  FROM orders");
    assert_int_equal(g.line[0], 6);
    assert_int_equal(g.line[1], 6);
    assert_int_equal(g.t[1], iso("2026-11-27T02:21:50.570Z"));
    assert_string_equal(g.source[1], "shop-db.0");
    assert_string_equal(g.text[2], "up");
    assert_int_equal(g.line[2], 10);
    assert_string_equal(g.source[2], "orders-7d9");
    assert_int_equal(g.cov.entries, 2);
    assert_int_equal(g.cov.foreign, 0);
}

/* Grafana Loki's HTTP API answer to a log query, indented as jq indents it:
 * each value handed on as logcli --output=jsonl prints it, labelled by its
 * own stream, its line cited where its text is; a value with structured
 * metadata, and the stats after the result, left as they are. */
static const char LOKI_API_JSON[] =
    "{\n"
    "  \"status\": \"success\",\n"
    "  \"data\": {\n"
    "    \"resultType\": \"streams\",\n"
    "    \"result\": [\n"
    "      {\n"
    "        \"stream\": {\"container\": \"postgres\", \"pod\": \"pg-0\", \"note\": \"a ] and a \\\" [\"},\n"
    "        \"values\": [\n"
    "          [\n"
    "            \"1795746110570000000\",\n"
    "            \"2026-11-27 02:21:50.570 UTC [31826] FATAL:  remaining connection slots are reserved\"\n"
    "          ],\n"
    "          [\"1795746035313000000\", \"2026-11-27 02:20:35.313 UTC [30725] LOG:  starting\\n\", {\"trace_id\": \"ab\"}]\n"
    "        ]\n"
    "      },\n"
    "      {\"stream\": {\"app\": \"orders\"}, \"values\": [[\"1795746111000123456\", \"up\"], [\"x\", \"no time\"]]}\n"
    "    ],\n"
    "    \"stats\": {\"summary\": {\"totalEntriesReturned\": 4}, \"values\": [[\"1\", \"not a line\"]]}\n"
    "  }\n"
    "}\n";

/* A GKE container's JSON line as Cloud Logging keeps it, a jsonPayload: its
 * message, and the stack trace beside it (logstash-logback-encoder's
 * stack_trace) under it, as a text log prints it. */
static void test_cloud_logging_json_payload_trace(void **state)
{
    (void)state;
    static const char text[] =
        "[\n"
        "  {\n"
        "    \"insertId\": \"k1\",\n"
        "    \"jsonPayload\": {\n"
        "      \"level\": \"WARN\",\n"
        "      \"logger_name\": \"com.zaxxer.hikari.pool.ProxyLeakTask\",\n"
        "      \"message\": \"Connection leak detection triggered for c on thread t, stack trace follows\",\n"
        "      \"stack_trace\": \"java.lang.Exception: Apparent connection leak detected\\n\\tat a.B.c(B.java:1)\\n\"\n"
        "    },\n"
        "    \"resource\": {\"labels\": {\"container_name\": \"orders\", \"pod_name\": \"orders-7d9\"}, \"type\": \"k8s_container\"},\n"
        "    \"timestamp\": \"2026-11-27T02:21:10.1Z\"\n"
        "  },\n"
        "  {\"insertId\": \"k2\", \"jsonPayload\": {\"message\": \"plain\"}, \"resource\": {\"labels\": {\"pod_name\": \"p\"}},"
        " \"timestamp\": \"2026-11-27T02:21:11Z\"}\n"
        "]\n";
    pgm_envelope env = detect(text);
    assert_int_equal(env.kind, PGM_ENVELOPE_CLOUD_LOGGING);
    got g;
    unwrap_all(text, sizeof text - 1, env, &g);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.text[0], "Connection leak detection triggered for c on thread t, stack trace follows");
    assert_string_equal(g.text[1], "java.lang.Exception: Apparent connection leak detected");
    assert_string_equal(g.text[2], "\tat a.B.c(B.java:1)");
    assert_string_equal(g.source[2], "orders-7d9/orders");
    assert_int_equal(g.t[2], iso("2026-11-27T02:21:10.100Z"));
    assert_string_equal(g.text[3], "plain");
    assert_string_equal(g.source[3], "p");
}

static void test_loki_api(void **state)
{
    (void)state;
    pgm_document_scan d;
    pgm_document_scan_init(&d, 1024);
    char entries[8][256];
    uint64_t texts[8];
    size_t found = 0;
    const char *p = LOKI_API_JSON;
    for (uint64_t lineno = 1; *p; lineno++) {
        const char *nl = strchr(p, '\n');
        size_t n = (size_t)(nl - p), pos = 0;
        while (pgm_document_scan_line(&d, p, n, &pos, lineno)) {
            assert_true(found < 8);
            snprintf(entries[found], sizeof entries[0], "%.*s", (int)d.entry.len, d.entry.p);
            texts[found++] = d.payload_line;
        }
        p = nl + 1;
    }
    pgm_document_scan_free(&d);
    assert_int_equal(found, 4);
    assert_string_equal(entries[0], "{\"labels\":{\"container\":\"postgres\",\"pod\":\"pg-0\",\"note\":\"a ] and a \\\" [\"},"
                                    "\"timestamp\":\"1795746110570000000\",\"line\":\"2026-11-27 02:21:50.570 UTC "
                                    "[31826] FATAL:  remaining connection slots are reserved\"}");
    assert_int_equal(texts[0], 11);
    assert_string_equal(entries[1], "{\"labels\":{\"container\":\"postgres\",\"pod\":\"pg-0\",\"note\":\"a ] and a \\\" [\"},"
                                    "\"timestamp\":\"1795746035313000000\",\"line\":\"2026-11-27 02:20:35.313 UTC "
                                    "[30725] LOG:  starting\\n\",\"metadata\":{\"trace_id\":\"ab\"}}");
    assert_int_equal(texts[1], 13);
    assert_string_equal(entries[2], "{\"labels\":{\"app\":\"orders\"},\"timestamp\":\"1795746111000123456\",\"line\":\"up\"}");
    assert_string_equal(entries[3], "{\"labels\":{\"app\":\"orders\"},\"timestamp\":\"x\",\"line\":\"no time\"}");

    pgm_envelope env = detect(LOKI_API_JSON);
    assert_int_equal(env.kind, PGM_ENVELOPE_LOKI_API);
    assert_string_equal(pgm_envelope_name(env.kind), "loki-api");
    assert_true(pgm_envelope_has_sources(&env));
    got g;
    unwrap_all(LOKI_API_JSON, sizeof LOKI_API_JSON - 1, env, &g);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.text[0], "2026-11-27 02:21:50.570 UTC [31826] FATAL:  remaining connection slots are reserved");
    assert_int_equal(g.t[0], iso("2026-11-27T02:21:50.570Z"));
    assert_string_equal(g.source[0], "pg-0/postgres");
    assert_int_equal(g.line[0], 11);
    assert_string_equal(g.text[1], "2026-11-27 02:20:35.313 UTC [30725] LOG:  starting");
    assert_int_equal(g.line[1], 13);
    assert_string_equal(g.text[2], "up");
    assert_int_equal(g.t[2], iso("2026-11-27T02:21:51.000123Z"));
    assert_string_equal(g.source[2], "orders");
    assert_int_equal(g.cov.entries, 3);
    assert_int_equal(g.cov.foreign, 1); /* the value whose time is no number */

    /* as Loki writes it, on one line */
    static const char compact[] = "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":"
                                  "{\"pod\":\"pg-0\"},\"values\":[[\"1795746110570000000\",\"a\"],[\"1795746110569000000\","
                                  "\"b\"]]}],\"stats\":{}}}";
    env = detect(compact);
    assert_int_equal(env.kind, PGM_ENVELOPE_LOKI_API);
    unwrap_all(compact, sizeof compact - 1, env, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.text[1], "b");
    assert_int_equal(g.line[1], 1);
    assert_string_equal(g.source[1], "pg-0");
    /* a one-line document longer than a line may be is read in pieces, whole */
    unwrap_lines_of(compact, sizeof compact - 1, env, 100, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.text[0], "a");
    assert_string_equal(g.text[1], "b");
    assert_int_equal(g.line[1], 1);
    assert_int_equal(g.cov.cut, 0);
    assert_int_equal(g.cov.foreign, 0);

    /* times past what 64 bits hold are no times: left out, not wrapped around */
    static const char huge[] = "{\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{},\"values\":["
                               "[\"1795746110570000000\",\"a\"],[\"9999999999999999999\",\"b\"],"
                               "[\"99999999999999999999\",\"c\"],[\"9223372036854775807\",\"d\"]]}]}}";
    env = detect(huge);
    assert_int_equal(env.kind, PGM_ENVELOPE_LOKI_API);
    unwrap_all(huge, sizeof huge - 1, env, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.text[1], "d");
    assert_int_equal(g.t[1], INT64_MAX / 1000);
    assert_int_equal(g.cov.foreign, 2);
}

typedef struct demuxed {
    char source[4][32];
    char head_first[4][64];
    bool complete[4];
    size_t n;
    uint64_t lines[4], first_line[4], last_line[4];
} demuxed;

static void *on_open(void *ctx, const char *source, const char *head, size_t n, bool complete)
{
    demuxed *d = ctx;
    if (d->n == 4)
        return NULL;
    snprintf(d->source[d->n], sizeof d->source[0], "%s", source);
    const char *nl = memchr(head, '\n', n);
    snprintf(d->head_first[d->n], sizeof d->head_first[0], "%.*s", (int)(nl ? (size_t)(nl - head) : n), head);
    d->complete[d->n] = complete;
    return (void *)(uintptr_t)++d->n;
}

static void on_line(void *ctx, void *reader, const char *line, size_t n, const pgm_inner_line *m)
{
    demuxed *d = ctx;
    size_t k = (uintptr_t)reader - 1;
    (void)line, (void)n;
    if (!d->lines[k]++)
        d->first_line[k] = m->lineno;
    assert_true(m->lineno > d->last_line[k]); /* each source's lines in the file's order */
    d->last_line[k] = m->lineno;
}

/* A host's journal: the server's lines first, the application's only after
 * the head (held until the file's end: fewer than a sniffer's lines), and
 * the sources past the limit counted. */
static void test_demux_sources(void **state)
{
    (void)state;
    pgm_strbuf t;
    pgm_strbuf_init(&t, 1u << 20);
    for (int i = 0; i < 250; i++)
        pgm_strbuf_addf(&t, "2026-12-03T16:54:05+0000 vm postgres[1]: 2026-11-27 02:20:35.%03d UTC [7] LOG:  line %d\n",
                        i, i);
    pgm_strbuf_addf(&t, "2026-12-03T16:54:06+0000 vm orders[2]: 2026-11-27T02:20:35.861Z  INFO 1 --- [main] c.e.A : up\n");
    pgm_strbuf_addf(&t, "                                        second line of it\n");
    pgm_strbuf_addf(&t, "2026-12-03T16:54:06+0000 vm postgres[1]: 2026-11-27 02:20:36.000 UTC [7] LOG:  last\n");
    pgm_mem_source src;
    pgm_mem_source_init(&src, t.p, t.len);
    pgm_unwrap u;
    pgm_envelope env = {PGM_ENVELOPE_JOURNAL, false, false, false};
    assert_int_equal(pgm_unwrap_init(&u, &src.base, &env, 1u << 20, 2026), PGM_OK);
    demuxed seen;
    memset(&seen, 0, sizeof seen);
    pgm_demux_callbacks cb = {on_open, on_line, &seen};
    pgm_demux d;
    assert_int_equal(pgm_demux_run(&d, &u, &cb), PGM_OK);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.source[0], "postgres");
    assert_false(seen.complete[0]); /* told from its first PGM_SNIFF_MAX_LINES lines */
    assert_string_equal(seen.head_first[0], "2026-11-27 02:20:35.000 UTC [7] LOG:  line 0");
    assert_int_equal(seen.lines[0], 251);
    assert_int_equal(seen.first_line[0], 1);
    assert_int_equal(seen.last_line[0], 253);
    assert_string_equal(seen.source[1], "orders");
    assert_true(seen.complete[1]);
    assert_int_equal(seen.lines[1], 2); /* the further line of its message is its own */
    assert_int_equal(seen.first_line[1], 251);
    assert_int_equal(d.sources[1].wrapper_lines, 2);
    assert_int_equal(d.lines_past, 0);
    pgm_demux_free(&d);
    pgm_unwrap_free(&u);

    /* more sources than PGM_DEMUX_MAX_SOURCES: the others' lines are counted */
    pgm_strbuf_reset(&t);
    for (unsigned i = 0; i < PGM_DEMUX_MAX_SOURCES + 3; i++)
        pgm_strbuf_addf(&t, "2026-12-03T16:54:05+0000 vm unit%u[1]: hello\n", i);
    pgm_mem_source_init(&src, t.p, t.len);
    assert_int_equal(pgm_unwrap_init(&u, &src.base, &env, 1u << 20, 2026), PGM_OK);
    memset(&seen, 0, sizeof seen);
    assert_int_equal(pgm_demux_run(&d, &u, &cb), PGM_OK);
    assert_int_equal(d.n, PGM_DEMUX_MAX_SOURCES);
    assert_int_equal(d.lines_past, 3);
    assert_int_equal(d.first_past, PGM_DEMUX_MAX_SOURCES + 1);
    pgm_demux_free(&d);
    pgm_unwrap_free(&u);
    pgm_strbuf_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_journal_short_forms),  cmocka_unit_test(test_journal_json),
        cmocka_unit_test(test_journal_export_binary), cmocka_unit_test(test_journal_field_cut),
        cmocka_unit_test(test_cri_pieces_per_stream), cmocka_unit_test(test_docker_and_kubectl),
        cmocka_unit_test(test_sniff_through),         cmocka_unit_test(test_demux_sources),
        cmocka_unit_test(test_compose),              cmocka_unit_test(test_loki),
        cmocka_unit_test(test_cloudwatch),             cmocka_unit_test(test_document_scan),
        cmocka_unit_test(test_cloud_logging),          cmocka_unit_test(test_cloudwatch_json),
        cmocka_unit_test(test_loki_api),
        cmocka_unit_test(test_cloud_logging_json_payload_trace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
