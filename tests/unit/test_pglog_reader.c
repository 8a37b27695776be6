/* The server log readers, format by format: what each must put together
 * (split syslog chunks, multi-line csv records, absent jsonlog keys,
 * envelopes), where the prefix comes from, zones, newest-first files. Lines
 * are real PostgreSQL 15.18 output or built to the documented layout
 * (shared/reference/postgresql-log-formats.md) where a sample lacks the case. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pglog/reader.h"
#include "text/timestamp.h"
#include "util/strbuf.h"

#define MAX_RECS 64

typedef struct rec_copy {
    int64_t t, pid;
    char user[32], db[32], app[32], host[32], port[8], severity[16], sqlstate[8];
    char message[2048], detail[512], statement[256];
    uint64_t line, last_line;
} rec_copy;

typedef struct got {
    rec_copy r[MAX_RECS];
    size_t n;
} got;

static void copy(char *dst, size_t cap, pgm_slice s)
{
    snprintf(dst, cap, "%.*s", (int)s.n, s.p ? s.p : "");
}

static void on_rec(void *ctx, const pgm_pg_record *rec)
{
    got *g = ctx;
    assert_true(g->n < MAX_RECS);
    rec_copy *c = &g->r[g->n++];
    c->t = rec->t;
    c->pid = rec->pid;
    copy(c->user, sizeof c->user, rec->user);
    copy(c->db, sizeof c->db, rec->db);
    copy(c->app, sizeof c->app, rec->app);
    copy(c->host, sizeof c->host, rec->host);
    copy(c->port, sizeof c->port, rec->port);
    copy(c->severity, sizeof c->severity, rec->severity);
    copy(c->sqlstate, sizeof c->sqlstate, rec->sqlstate);
    copy(c->message, sizeof c->message, rec->message);
    copy(c->detail, sizeof c->detail, rec->detail);
    copy(c->statement, sizeof c->statement, rec->statement);
    c->line = rec->line;
    c->last_line = rec->last_line;
}

static void feed(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    pgm_pglog_feed(ctx, line, n, lineno);
}

/* Reads `text` line by line as `format`; the coverage is copied to *cov. */
static void read_text(const char *format, const pgm_pglog_options *opt, const char *text, got *g,
                      pgm_pglog_coverage *cov, bool *doubtful)
{
    memset(g, 0, sizeof *g);
    pgm_pglog_reader *r;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_pglog_open(&r, format, opt, on_rec, g, err), PGM_OK);
    tu_for_each_line(text, strlen(text), feed, r);
    pgm_pglog_finish(r);
    if (cov)
        *cov = *pgm_pglog_get_coverage(r);
    if (doubtful)
        *doubtful = pgm_pglog_prefix_doubtful(r);
    pgm_pglog_close(r);
}

static int64_t utc(const char *iso)
{
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at(iso, strlen(iso), &ts));
    return ts.us;
}

static void test_syslog_chunks_are_joined(void **state)
{
    (void)state;
    /* A 900-byte split ([14-1], [14-2]: the second piece starts with the
     * whitespace it was cut at), a DETAIL as chunk 2 and a TAB line as chunk 3,
     * rsyslog's #011, another process in between, a hostname field. */
    const char *text =
        "Nov 27 00:19:39 db1 postgres[19512]: [10-1] 2026-11-27 00:19:39.307 UTC [19512] app@appdb ERROR:  deadlock detected\n"
        "Nov 27 00:19:39 db1 postgres[19313]: [7-1] 2026-11-27 00:19:39.310 UTC [19313] app@appdb FATAL:  password authentication failed for user \"app\"\n"
        "Nov 27 00:19:39 db1 postgres[19512]: [10-2] 2026-11-27 00:19:39.307 UTC [19512] app@appdb DETAIL:  Process 19512 waits for ShareLock on transaction 751; blocked by process 19515.\n"
        "Nov 27 00:19:39 db1 postgres[19512]: [10-3] #011Process 19515 waits for ShareLock on transaction 750; blocked by process 19512.\n"
        "Nov 27 00:19:57 db1 postgres[19842]: [14-1] 2026-11-27 00:19:57.636 UTC [19842] postgres@appdb LOG:  duration: 303.214 ms  statement: SELECT 1 /* word001\n"
        "Nov 27 00:19:57 db1 postgres[19842]: [14-2]  word099 */;\n";
    pgm_pglog_options opt = {.year = 2026};
    got g;
    pgm_pglog_coverage cov;
    read_text("syslog", &opt, text, &g, &cov, NULL);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.r[0].message, "deadlock detected");
    assert_string_equal(g.r[0].detail, "Process 19512 waits for ShareLock on transaction 751; blocked by "
                                       "process 19515.\nProcess 19515 waits for ShareLock on transaction "
                                       "750; blocked by process 19512.");
    assert_int_equal(g.r[0].last_line, 4);
    assert_string_equal(g.r[1].message, "password authentication failed for user \"app\"");
    assert_string_equal(g.r[2].message, "duration: 303.214 ms  statement: SELECT 1 /* word001 word099 */;");
    assert_int_equal(cov.unparsed, 0);
    assert_int_equal(cov.lines, 6);
}

static void test_syslog_messages_keep_the_order_they_came(void **state)
{
    (void)state;
    /* pgBadger's pg-syslog.2 fixture, shortened: the startup process's
     * message and a session's disconnection are the last their processes
     * write; held for pieces that never come, they were handed on after the
     * next session's lines of the same second (the sessions overlapped) and,
     * in a quiet log, hours late */
    const char *text =
        "Feb 10 23:15:39 test-pc postgres[10809]: [4-1] db=,user= LOG:  database system was shut down at 2019-02-11 13:14:59 CET\n"
        "Feb 10 23:15:39 test-pc postgres[10808]: [4-1] db=,user= LOG:  database system is ready to accept connections\n"
        "Feb 10 23:15:41 test-pc postgres[10822]: [9-1] db=postgres,user=postgres LOG:  disconnection: session time: 0:00:00.006 user=postgres database=postgres host=[local]\n"
        "Feb 10 23:15:41 test-pc postgres[10825]: [5-1] db=[unknown],user=[unknown] LOG:  connection received: host=[local]\n"
        "Feb 10 23:15:41 test-pc postgres[10825]: [6-1] db=postgres,user=postgres LOG:  connection authorized: user=postgres database=postgres\n"
        "Feb 10 23:15:41 test-pc postgres[10825]: [7-1] db=postgres,user=postgres LOG:  duration: 0.512 ms  statement: SELECT 1;\n";
    pgm_pglog_options opt = {.prefix = "db=%d,user=%u ", .year = 2026};
    got g;
    pgm_pglog_coverage cov;
    read_text("syslog", &opt, text, &g, &cov, NULL);
    assert_int_equal(g.n, 6);
    for (size_t i = 0; i < g.n; i++)
        assert_int_equal(g.r[i].line, i + 1);
    assert_int_equal(cov.late_pieces, 0);
}

static void test_syslog_message_held_at_most_its_bound(void **state)
{
    (void)state;
    /* RFC 5424 times to the microsecond: a piece 20 ms after its first
     * joins it, whatever came between (another process's two messages); a
     * record PGM_SYSLOG_HOLD_US after it hands it on. Pieces later still
     * would join the other process's message written just before (a HINT
     * too: the prefix has no %p): they are counted, not read. */
    const char *text =
        "<134>1 2026-11-27T00:19:30.000000Z db1 postgres 200 - - [3-1] app@appdb ERROR:  deadlock detected\n"
        "<134>1 2026-11-27T00:19:30.010000Z db1 postgres 300 - - [5-1] app@appdb LOG:  connection received: host=[local]\n"
        "<134>1 2026-11-27T00:19:30.015000Z db1 postgres 300 - - [6-1] app@appdb LOG:  connection authorized: user=app database=appdb\n"
        "<134>1 2026-11-27T00:19:30.020000Z db1 postgres 200 - - [3-2] app@appdb DETAIL:  Process 200 waits for ShareLock on transaction 751.\n"
        "<134>1 2026-11-27T00:19:30.070000Z db1 postgres 300 - - [7-1] app@appdb LOG:  duration: 0.512 ms  statement: SELECT 1;\n"
        "<134>1 2026-11-27T00:19:30.200000Z db1 postgres 200 - - [3-3] app@appdb HINT:  See server log for query details.\n"
        "<134>1 2026-11-27T00:19:30.210000Z db1 postgres 200 - - [3-4] #011Process 300 waits for ShareLock on transaction 750.\n";
    pgm_pglog_options opt = {.prefix = "%u@%d ", .year = 2026};
    got g;
    pgm_pglog_coverage cov;
    read_text("syslog", &opt, text, &g, &cov, NULL);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.r[0].message, "deadlock detected");
    assert_string_equal(g.r[0].detail, "Process 200 waits for ShareLock on transaction 751.");
    assert_int_equal(g.r[0].last_line, 4);
    assert_int_equal(g.r[1].line, 2);
    assert_int_equal(g.r[2].line, 3);
    assert_int_equal(g.r[3].line, 5);
    assert_string_equal(g.r[3].message, "duration: 0.512 ms  statement: SELECT 1;");
    assert_int_equal(cov.late_pieces, 2);
    assert_int_equal(cov.unparsed, 2);
}

static void test_syslog_envelope_gives_time_and_pid(void **state)
{
    (void)state;
    /* a prefix without %m and %p: the syslog header's time (year from the
     * option) and pid are used; RFC 5424 headers too */
    const char *text =
        "<134>Nov 27 00:19:29 postgres[19313]: [6-1] app@appdb LOG:  connection received: host=127.0.0.1 port=40000\n"
        "<134>1 2026-11-27T00:19:30.250Z db1 postgres 19314 - - [6-1] app@appdb LOG:  connection received: host=[local]\n";
    pgm_pglog_options opt = {.prefix = "%u@%d ", .year = 2026};
    got g;
    read_text("syslog", &opt, text, &g, NULL, NULL);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.r[0].pid, 19313);
    assert_true(g.r[0].t == utc("2026-11-27 00:19:29Z"));
    assert_int_equal(g.r[1].pid, 19314);
    assert_true(g.r[1].t == utc("2026-11-27T00:19:30.250Z"));
    /* without a year a BSD date is no time at all */
    opt.year = 0;
    read_text("syslog", &opt, text, &g, NULL, NULL);
    assert_true(g.r[0].t == PGM_TS_UNKNOWN);
    /* Heroku's drain (pganalyze collector's test records): PROCID
     * "postgres.PID", the database's color as STRUCTURED-DATA */
    const char *drain =
        "<134>1 2023-06-05T19:33:14+00:00 host app postgres.1105947 - [YELLOW] [12-1]  sql_error_code = 00000 "
        "LOG:  connection received: host=10.0.0.1 port=5555\n";
    pgm_pglog_options sql = {.prefix = " sql_error_code = %e "};
    read_text("syslog", &sql, drain, &g, NULL, NULL);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.r[0].pid, 1105947);
}

/* RFC 6587's octet counting, as Heroku's HTTPS drains POST records and
 * syslog over TCP sends them: "MSG-LEN <PRI>1 ...". Read without it, the
 * count was taken for the start of a stderr line and no line was read. */
static void test_syslog_octet_counted_frames(void **state)
{
    (void)state;
    pgm_pglog_options opt = {.prefix = " sql_error_code = %e "};
    got g;
    pgm_pglog_coverage cov;
    /* one record a line, each count taking its newline too, as a drain's body */
    const char *lines =
        "167 <134>1 2023-06-05T19:33:14+00:00 host app postgres.4001 - [YELLOW] [7-1]  sql_error_code = 00000 "
        "LOG:  connection authorized: user=u1 database=d1 application_name=web\n"
        "137 <134>1 2023-06-05T19:33:15+00:00 host app postgres.4002 - [YELLOW] [8-1]  sql_error_code = 53300 "
        "FATAL:  sorry, too many clients already\n";
    read_text("syslog", &opt, lines, &g, &cov, NULL);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.r[0].pid, 4001);
    assert_string_equal(g.r[0].message, "connection authorized: user=u1 database=d1 application_name=web");
    assert_int_equal(g.r[1].pid, 4002);
    assert_string_equal(g.r[1].sqlstate, "53300");
    assert_int_equal(cov.unparsed, 0);
    /* records one after another with no newline between: each its own, the
     * second piece of a message joined to it */
    const char *stream =
        "123 <134>1 2023-06-05T19:33:14+00:00 host app postgres.4001 - [YELLOW] [9-1]  sql_error_code = 00000 "
        "LOG:  statement: SELECT 1,"
        "82 <134>1 2023-06-05T19:33:14+00:00 host app postgres.4001 - [YELLOW] [9-2] \t2 FROM t"
        "129 <134>1 2023-06-05T19:33:15+00:00 host app postgres.4003 - [YELLOW] [10-1]  sql_error_code = 57P01 "
        "FATAL:  terminating connection\n";
    read_text("syslog", &opt, stream, &g, &cov, NULL);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.r[0].message, "statement: SELECT 1,\n2 FROM t"); /* the TAB is elog.c's */
    assert_int_equal(g.r[1].pid, 4003);
    assert_string_equal(g.r[1].message, "terminating connection");
    assert_int_equal(cov.unparsed, 0);
    /* a count that ends where the text looks like a count, but no record
     * follows, cuts nothing: the line is one record */
    const char *wrong =
        "123 <134>1 2023-06-05T19:33:14+00:00 host app postgres.4001 - [YELLOW] [11-1]  sql_error_code = 00000 "
        "LOG:  statement: SELECT '5 <1>'\n";
    read_text("syslog", &opt, wrong, &g, &cov, NULL);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.r[0].message, "statement: SELECT '5 <1>'");
}

static void test_csvlog_column_counts_and_newlines(void **state)
{
    (void)state;
    /* 26 columns (real, 15.18), 24 (13), 23 (12), and a record of 5 */
    const char *text =
        "2026-11-27 00:18:49.408 UTC,\"app\",\"appdb\",18305,\"127.0.0.1:40756\",6b08cc64.4781,4,\"idle in transaction\",2026-11-27 00:18:44 UTC,13/2,729,FATAL,25P03,\"terminating connection due to idle-in-transaction timeout\",,,,,,,,,\"leaky-app\",\"client backend\",,0\n"
        "2026-11-27 00:18:50.000 UTC,\"app\",\"appdb\",18306,\"[local]\",6b08cc64.4782,1,\"SELECT\",2026-11-27 00:18:44 UTC,13/3,0,ERROR,22012,\"division by zero\",,,,,,\"SELECT 1/0\n;\",8,,\"psql\",\"client backend\"\n"
        "2026-11-27 00:18:51.000 UTC,\"app\",\"appdb\",18307,\"::1:5432\",6b08cc64.4783,1,\"\",2026-11-27 00:18:44 UTC,,0,LOG,00000,\"connection received: host=::1 port=5432\",,,,,,,,,\"\"\n"
        "1,2,3,4,5\n";
    got g;
    pgm_pglog_coverage cov;
    read_text("csvlog", NULL, text, &g, &cov, NULL);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.r[0].app, "leaky-app");
    assert_string_equal(g.r[0].sqlstate, "25P03");
    assert_string_equal(g.r[0].host, "127.0.0.1");
    assert_string_equal(g.r[0].port, "40756");
    assert_string_equal(g.r[1].statement, "SELECT 1/0\n;");
    assert_int_equal(g.r[1].line, 2);
    assert_int_equal(g.r[1].last_line, 3);
    assert_string_equal(g.r[1].host, "[local]");
    assert_string_equal(g.r[1].port, "");
    assert_string_equal(g.r[2].host, "::1");
    assert_string_equal(g.r[2].port, "5432");
    assert_int_equal(cov.unparsed, 1);
    assert_int_equal(cov.samples[0].line, 5);
}

static void test_jsonlog_absent_keys(void **state)
{
    (void)state;
    const char *text =
        "{\"timestamp\":\"2026-11-27 00:19:06.809 UTC\",\"user\":\"postgres\",\"dbname\":\"appdb\",\"pid\":18735,\"remote_host\":\"[local]\",\"session_id\":\"6b08cc7a.492f\",\"line_num\":2,\"ps\":\"initializing\",\"session_start\":\"2026-11-27 00:19:06 UTC\",\"txid\":0,\"error_severity\":\"FATAL\",\"state_code\":\"53300\",\"message\":\"sorry, too many clients already\",\"backend_type\":\"client backend\",\"query_id\":0}\n"
        "\n"
        "{\"timestamp\":\"2026-11-27 00:19:07.000 UTC\",\"pid\":18700,\"session_id\":\"6b08cc7a.48ec\",\"line_num\":1,\"session_start\":\"2026-11-27 00:19:06 UTC\",\"txid\":0,\"error_severity\":\"LOG\",\"message\":\"checkpoint starting: time\",\"backend_type\":\"checkpointer\",\"query_id\":0}\n"
        "{\"timestamp\":broken\n";
    got g;
    pgm_pglog_coverage cov;
    read_text("jsonlog", NULL, text, &g, &cov, NULL);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.r[0].sqlstate, "53300");
    assert_string_equal(g.r[0].user, "postgres");
    assert_int_equal(g.r[0].pid, 18735);
    assert_true(g.r[0].t == utc("2026-11-27T00:19:06.809Z"));
    assert_string_equal(g.r[1].user, "");
    assert_string_equal(g.r[1].sqlstate, "00000"); /* omitted when 00000 */
    assert_int_equal(cov.unparsed, 1);
}

static void test_cnpg_and_azure_json(void **state)
{
    (void)state;
    const char *cnpg =
        "{\"level\":\"info\",\"ts\":\"2026-11-27T00:32:20.823314307Z\",\"logger\":\"postgres\",\"msg\":\"record\",\"logging_pod\":\"cluster-1\",\"record\":{\"log_time\":\"2026-11-27 00:32:20.822 UTC\",\"user_name\":\"app\",\"database_name\":\"appdb\",\"process_id\":\"4003\",\"connection_from\":\"10.0.0.7:51234\",\"session_id\":\"69376dbf.fa3\",\"session_line_num\":\"1\",\"command_tag\":\"startup\",\"session_start_time\":\"2026-11-27 00:32:20 UTC\",\"virtual_transaction_id\":\"\",\"transaction_id\":\"0\",\"error_severity\":\"FATAL\",\"sql_state_code\":\"53300\",\"message\":\"sorry, too many clients already\",\"backend_type\":\"client backend\"}}\n"
        "{\"level\":\"info\",\"ts\":\"2026-11-27T00:32:21Z\",\"logger\":\"instance-manager\",\"msg\":\"Checking for free disk space\"}\n";
    got g;
    pgm_pglog_coverage cov;
    read_text("cnpg", NULL, cnpg, &g, &cov, NULL);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.r[0].pid, 4003);
    assert_string_equal(g.r[0].host, "10.0.0.7");
    assert_string_equal(g.r[0].sqlstate, "53300");
    /* the operator's own line: no server output, counted apart and kept as a sample */
    assert_int_equal(cov.unparsed, 0);
    assert_int_equal(cov.foreign, 1);
    assert_int_equal(cov.foreign_samples[0].line, 2);

    /* Azure diagnostic records: the prefixed line in properties.message,
     * the DETAIL beside it, the pid from %c */
    const char *azure =
        "{\"time\":\"2026-11-27T00:15:39.100Z\",\"category\":\"PostgreSQLLogs\",\"operationName\":\"LogEvent\",\"properties\":{\"timestamp\":\"2026-11-27 00:15:39.100 UTC\",\"processId\":12376,\"errorLevel\":\"FATAL\",\"sqlerrcode\":\"28P01\",\"message\":\"2026-11-27 00:15:39 UTC-6b08cbab.3058-FATAL:  password authentication failed for user \\\"app\\\"\",\"detail\":\"Connection matched pg_hba.conf line 92\"}}\n";
    read_text("azure", NULL, azure, &g, &cov, NULL);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.r[0].message, "password authentication failed for user \"app\"");
    assert_string_equal(g.r[0].detail, "Connection matched pg_hba.conf line 92");
    assert_string_equal(g.r[0].sqlstate, "28P01");
    assert_int_equal(g.r[0].pid, 12376);
    assert_string_equal(cov.prefix, "%t-%c-");

    /* Single Server (pganalyze collector's test records): the prefix apart,
     * no processId: the pid from the session id the prefix ends with */
    const char *single =
        "{\"time\":\"2023-02-27T23:21:40Z\",\"category\":\"PostgreSQLLogs\",\"operationName\":\"LogEvent\",\"properties\":{\"prefix\":\"2023-02-27 23:21:40 UTC-63fd3b04.cf0-\",\"message\":\"connection authorized: user=postgresdatabase=postgres SSL enabled (protocol=TLSv1.2, cipher=ECDHE-RSA-AES256-GCM-SHA384, compression=off)\",\"detail\":\"\",\"errorLevel\":\"LOG\",\"domain\":\"postgres-11\"}}\n";
    read_text("azure", NULL, single, &g, &cov, NULL);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.r[0].pid, 0xcf0);
    assert_string_equal(g.r[0].severity, "LOG");
    assert_true(g.r[0].t == utc("2023-02-27T23:21:40Z"));
}

static void test_cloudsql_old_payload_takes_envelope_time(void **state)
{
    (void)state;
    /* 2019-2020 payloads have no %m: the entry's timestamp is the time */
    const char *text =
        "{\"insertId\":\"s=1\",\"logName\":\"projects/acme/logs/cloudsql.googleapis.com%2Fpostgres.log\",\"severity\":\"ERROR\",\"textPayload\":\"[12286]: [2-1] db=postgres,user=app FATAL:  password authentication failed for user \\\"app\\\"\",\"timestamp\":\"2026-11-27T00:15:36.444000Z\"}\n"
        "{\"insertId\":\"s=2\",\"logName\":\"projects/acme/logs/cloudsql.googleapis.com%2Fpostgres.log\",\"severity\":\"ERROR\",\"textPayload\":\"[12286]: [3-1] db=postgres,user=app DETAIL:  Connection matched pg_hba.conf line 92\",\"timestamp\":\"2026-11-27T00:15:36.444000Z\"}\n";
    got g;
    pgm_pglog_coverage cov;
    read_text("cloudsql", NULL, text, &g, &cov, NULL);
    assert_int_equal(g.n, 1);
    assert_true(g.r[0].t == utc("2026-11-27T00:15:36.444Z"));
    assert_int_equal(g.r[0].pid, 12286);
    assert_string_equal(g.r[0].detail, "Connection matched pg_hba.conf line 92");
    /* Cloud SQL's default with %q where a process without a session would
     * stop: the lines cannot tell, and %q reads both kinds (issue 15) */
    assert_string_equal(cov.prefix, "[%p]: [%l-1] %qdb=%d,user=%u ");
}

static const char debian_lines[] =
    "2026-11-27 00:17:28.023 UTC [16430] app@appdb FATAL:  password authentication failed for user \"app\"\n"
    "2026-11-27 00:17:28.024 UTC [16430] app@appdb DETAIL:  Connection matched pg_hba.conf line 92\n"
    "2026-11-27 00:17:29.000 UTC [16404] LOG:  received SIGHUP, reloading configuration files\n"
    "2026-11-27 00:17:30.000 UTC [16431] app@appdb LOG:  connection authorized: user=app database=appdb\n";

static void test_prefix_sources(void **state)
{
    (void)state;
    got g;
    pgm_pglog_coverage cov;
    bool doubtful;
    /* the configuration's prefix, when it fits */
    pgm_pglog_options opt = {.conf_prefix = "%m [%p] %q%u@%d ", .conf_origin = "b!postgresql.conf:3"};
    read_text("stderr", &opt, debian_lines, &g, &cov, &doubtful);
    assert_string_equal(cov.prefix_origin, "b!postgresql.conf:3");
    assert_false(doubtful);
    assert_int_equal(g.n, 3);
    /* a configuration that does not fit loses to detection */
    opt.conf_prefix = "%t:%r:%u@%d:[%p]:";
    read_text("stderr", &opt, debian_lines, &g, &cov, &doubtful);
    assert_string_equal(cov.prefix_origin, "detected: Debian/Ubuntu default");
    assert_int_equal(cov.primary_parsed, 4);
    /* --log-line-prefix is used even when wrong, and said to be wrong */
    opt.prefix = "%t:%r:%u@%d:[%p]:";
    read_text("stderr", &opt, debian_lines, &g, &cov, &doubtful);
    assert_true(doubtful);
    assert_int_equal(g.n, 0);
    assert_int_equal(cov.unparsed, 4);
}

static void test_zones(void **state)
{
    (void)state;
    const char *text = "2026-11-27 05:47:28.023 IST [16430] LOG:  checkpoint starting: time\n"
                       "2026-11-27 00:17:29.000 [16431] LOG:  checkpoint starting: time\n";
    got g;
    pgm_pglog_coverage cov;
    pgm_pglog_options opt = {.prefix = "%m [%p] "};
    read_text("stderr", &opt, text, &g, &cov, NULL);
    assert_true(g.r[0].t == PGM_TS_UNKNOWN); /* IST names three zones: never guessed */
    assert_true(g.r[1].t == utc("2026-11-27T00:17:29Z"));
    assert_int_equal(cov.zone_unknown, 1);
    assert_int_equal(cov.zone_guessed, 1);
    opt.tz = (pgm_zone){true, 5 * 3600 + 1800, NULL};
    read_text("stderr", &opt, text, &g, &cov, NULL);
    assert_true(g.r[0].t == utc("2026-11-27T00:17:28.023Z"));
    assert_true(g.r[1].t == utc("2026-11-26T18:47:29Z"));
}

static void test_newest_first(void **state)
{
    (void)state;
    /* a reversed export: DETAIL before its line, times going back */
    const char *text =
        "2026-11-27 00:17:30.000 UTC [16431] app@appdb LOG:  connection authorized: user=app database=appdb\n"
        "2026-11-27 00:17:29.500 UTC [16431] [unknown]@[unknown] LOG:  connection received: host=[local]\n"
        "2026-11-27 00:17:29.000 UTC [16404] LOG:  received SIGHUP, reloading configuration files\n"
        "2026-11-27 00:17:28.024 UTC [16430] app@appdb DETAIL:  Connection matched pg_hba.conf line 92\n"
        "2026-11-27 00:17:28.023 UTC [16430] app@appdb FATAL:  password authentication failed for user \"app\"\n";
    got g;
    pgm_pglog_coverage cov;
    read_text("stderr", NULL, text, &g, &cov, NULL);
    assert_true(cov.reversed);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.r[0].detail, "Connection matched pg_hba.conf line 92");
    assert_int_equal(g.r[0].line, 5);
    assert_string_equal(g.r[3].message, "connection authorized: user=app database=appdb");
}

/* jsonlog and csvlog written newest first, a line an entry (Loki's API,
 * Cloud Logging of a file an agent tailed): read backwards by their records'
 * own times, a csvlog record of two lines back whole; in their order they
 * are read as they come. */
static void test_structured_newest_first(void **state)
{
    (void)state;
    const char *json =
        "{\"timestamp\":\"2026-11-27 00:17:30.000 UTC\",\"pid\":16431,\"error_severity\":\"LOG\",\"message\":\"connection authorized: user=app database=appdb\"}\n"
        "{\"timestamp\":\"2026-11-27 00:17:29.500 UTC\",\"pid\":16431,\"error_severity\":\"LOG\",\"message\":\"connection received: host=[local]\"}\n"
        "{\"timestamp\":\"2026-11-27 00:17:29.000 UTC\",\"pid\":16404,\"error_severity\":\"LOG\",\"message\":\"received SIGHUP, reloading configuration files\"}\n"
        "{\"timestamp\":\"2026-11-27 00:17:28.023 UTC\",\"pid\":16430,\"error_severity\":\"FATAL\",\"message\":\"password authentication failed for user \\\"app\\\"\"}\n";
    got g;
    pgm_pglog_coverage cov;
    read_text("jsonlog", NULL, json, &g, &cov, NULL);
    assert_true(cov.reversed);
    assert_int_equal(g.n, 4);
    assert_int_equal(g.r[0].line, 4);
    assert_string_equal(g.r[3].message, "connection authorized: user=app database=appdb");
    const char *csv =
        "2026-11-27 00:17:28.000 UTC,,,16404,,656a1b00.4014,1,,2026-11-27 00:00:00 UTC,,0,LOG,00000,\"checkpoint starting: time\",,,,,,,,,\"\",\"checkpointer\",,0\n"
        "2026-11-27 00:17:29.000 UTC,,,16404,,656a1b00.4014,2,,2026-11-27 00:00:00 UTC,,0,LOG,00000,\"checkpoint complete\",,,,,,,,,\"\",\"checkpointer\",,0\n"
        "2026-11-27 00:17:30.000 UTC,\"app\",\"appdb\",16431,\"[local]\",656a1b2c.402f,1,\"idle\",2026-11-27 00:17:29 UTC,3/4,0,LOG,00000,\"statement: SELECT 1\n"
        "  FROM t\",,,,,,,,,\"psql\",\"client backend\",,0\n"
        "2026-11-27 00:17:31.500 UTC,,,16431,\"[local]\",656a1b2c.402f,1,\"\",2026-11-27 00:17:29 UTC,,0,LOG,00000,\"connection received: host=[local]\",,,,,,,,,\"\",\"not initialized\",,0\n";
    /* the same two records newest first, a line an entry: the record of
     * two lines has them the other way round */
    const char *lines[] = {
        "2026-11-27 00:17:31.500 UTC,,,16431,\"[local]\",656a1b2c.402f,1,\"\",2026-11-27 00:17:29 UTC,,0,LOG,00000,\"connection received: host=[local]\",,,,,,,,,\"\",\"not initialized\",,0",
        "  FROM t\",,,,,,,,,\"psql\",\"client backend\",,0",
        "2026-11-27 00:17:30.000 UTC,\"app\",\"appdb\",16431,\"[local]\",656a1b2c.402f,1,\"idle\",2026-11-27 00:17:29 UTC,3/4,0,LOG,00000,\"statement: SELECT 1",
        "2026-11-27 00:17:29.000 UTC,,,16404,,656a1b00.4014,2,,2026-11-27 00:00:00 UTC,,0,LOG,00000,\"checkpoint complete\",,,,,,,,,\"\",\"checkpointer\",,0",
        "2026-11-27 00:17:28.000 UTC,,,16404,,656a1b00.4014,1,,2026-11-27 00:00:00 UTC,,0,LOG,00000,\"checkpoint starting: time\",,,,,,,,,\"\",\"checkpointer\",,0",
    };
    char reversed[2048];
    snprintf(reversed, sizeof reversed, "%s\n%s\n%s\n%s\n%s\n", lines[0], lines[1], lines[2], lines[3], lines[4]);
    read_text("csvlog", NULL, reversed, &g, &cov, NULL);
    assert_true(cov.reversed);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.r[0].message, "checkpoint starting: time");
    assert_string_equal(g.r[2].message, "statement: SELECT 1\n  FROM t");
    assert_string_equal(g.r[3].message, "connection received: host=[local]");
    read_text("csvlog", NULL, csv, &g, &cov, NULL);
    assert_false(cov.reversed);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.r[2].message, "statement: SELECT 1\n  FROM t");
}

/* ------------------------------------------- a prefix read anew further on */

/* What a whole recorded log gave: how many records, whether one came from
 * line `after`, how many after it name their application. */
typedef struct tally {
    size_t n;
    uint64_t after;
    bool saw_after;
    size_t with_app_after;
} tally;

static void on_tally(void *ctx, const pgm_pg_record *rec)
{
    tally *t = ctx;
    t->n++;
    t->saw_after |= rec->line == t->after;
    if (rec->line > t->after && rec->app.n)
        t->with_app_after++;
}

static void read_file(const char *path, const pgm_pglog_options *opt, tally *t, pgm_pglog_coverage *cov)
{
    size_t len;
    char *text = tu_read_file(path, &len);
    assert_non_null(text);
    pgm_pglog_reader *r;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_pglog_open(&r, "stderr", opt, on_tally, t, err), PGM_OK);
    tu_for_each_line(text, len, feed, r);
    pgm_pglog_finish(r);
    *cov = *pgm_pglog_get_coverage(r);
    pgm_pglog_close(r);
    free(text);
}

/* The first line of `path` that is not a client session's under
 * '%m [%p] %q%u@%d ' (nor a TAB line), as a reader of the file sees it. */
static uint64_t first_background_line(const char *path)
{
    size_t len;
    char *text = tu_read_file(path, &len);
    assert_non_null(text);
    uint64_t lineno = 1;
    for (char *at = text; at < text + len; lineno++) {
        char *nl = memchr(at, '\n', (size_t)(text + len - at));
        char *close = memchr(at, ']', (size_t)((nl ? nl : text + len) - at));
        /* "... UTC [pid] user@db LOG:" or "... UTC [pid] LOG:" */
        if (*at != '\t' && close && close[1] == ' ' && close[2] >= 'A' && close[2] <= 'Z')
            break;
        at = nl ? nl + 1 : text + len;
    }
    free(text);
    return lineno;
}

static void test_prefix_widened_by_later_lines(void **state)
{
    (void)state;
    /* A real rotated file (fixtures/record/rotated.sh): 1,500 lines of client
     * sessions come before the first line of a process without a session. */
    const char *path = "tests/samples/postgresql-15/rotated/rotated.log";
    uint64_t background = first_background_line(path);
    assert_true(background > 1000);
    /* the head shows no %q: a reader that chose '%m [%p] %u@%d ' on it */
    pgm_pglog_options opt = {.prefix = "%m [%p] %u@%d ", .prefix_guessed = true};
    tally t = {.after = background};
    pgm_pglog_coverage cov;
    read_file(path, &opt, &t, &cov);
    assert_int_equal(cov.unparsed, 0);
    assert_int_equal(cov.prefix_switches, 1);
    assert_false(cov.prefix_changed);
    assert_int_equal(cov.prefix_switch_line, background);
    assert_string_equal(cov.prefix_switched, "%m [%p] %q%u@%d ");
    assert_true(t.saw_after); /* the checkpointer's line is a record */
    size_t records = t.n;
    /* told that prefix by the user: it is kept, and the lines it cannot read are said */
    opt.prefix_guessed = false;
    memset(&t, 0, sizeof t);
    read_file(path, &opt, &t, &cov);
    assert_int_equal(cov.prefix_switches, 0);
    assert_true(cov.unparsed > 100);
    assert_int_equal(cov.samples[0].line, background);
    assert_true(t.n + 40 <= records);
    /* found with nothing told: every line read, no switch needed */
    memset(&t, 0, sizeof t);
    read_file(path, NULL, &t, &cov);
    assert_int_equal(cov.unparsed, 0);
    assert_int_equal(cov.prefix_switches, 0);
    assert_int_equal(t.n, records);
}

static void test_prefix_changed_by_reload(void **state)
{
    (void)state;
    /* A real log whose log_line_prefix a reload changed after 1,500 lines:
     * every line from the reload on is read with the new one. */
    const char *path = "tests/samples/postgresql-15/rotated/changed.log";
    pgm_pglog_coverage cov;
    tally t = {.after = 1506};
    read_file(path, NULL, &t, &cov);
    assert_int_equal(cov.unparsed, 0);
    assert_true(cov.prefix_changed);
    /* line 1505 is the postmaster's 'received SIGHUP' under the old prefix */
    assert_int_equal(cov.prefix_switch_line, 1506);
    assert_string_equal(cov.prefix, "%m [%p] %q%u@%d ");
    assert_non_null(strstr(cov.prefix_switched, "%t [%p]: [%l-1] "));
    assert_true(t.with_app_after > 20); /* the new prefix's %a: the sessions name their application */
}

static void test_prefix_looks_are_limited(void **state)
{
    (void)state;
    /* Lines no prefix reads, each between two that the prefix does read:
     * the prefix is looked for again PGM_PREFIX_LATE_TRIES times, then no
     * more, which the coverage says. */
    pgm_strbuf text;
    pgm_strbuf_init(&text, 1u << 20);
    size_t rounds = PGM_PREFIX_LATE_TRIES + 10;
    for (size_t i = 0; i < rounds; i++) {
        char line[256];
        int n = snprintf(line, sizeof line,
                         "2026-11-27 00:17:%02zu.000 UTC [%zu] app@appdb LOG:  statement: SELECT %zu\n"
                         "<%zu> ~~ LOG:  %zu\n",
                         i % 60, 1000 + i, i, i, i);
        assert_int_equal(pgm_strbuf_add(&text, line, (size_t)n), 0);
    }
    got g;
    pgm_pglog_coverage cov;
    pgm_pglog_options opt = {.prefix = "%m [%p] %q%u@%d ", .prefix_guessed = true};
    memset(&g, 0, sizeof g);
    pgm_pglog_reader *r;
    char err[PGM_ERR_MAX];
    tally t = {0};
    assert_int_equal(pgm_pglog_open(&r, "stderr", &opt, on_tally, &t, err), PGM_OK);
    tu_for_each_line(text.p, text.len, feed, r);
    pgm_pglog_finish(r);
    cov = *pgm_pglog_get_coverage(r);
    pgm_pglog_close(r);
    pgm_strbuf_free(&text);
    assert_int_equal(t.n, rounds);
    assert_int_equal(cov.unparsed, rounds);
    assert_int_equal(cov.prefix_switches, 0);
    assert_int_equal(cov.late_given_up, 2 * PGM_PREFIX_LATE_TRIES);
}

static void test_empty_lines(void **state)
{
    (void)state;
    /* A statement's blank line is written "\n\t" (a TAB-only line); a
     * shipper that strips trailing blanks leaves an empty line inside the
     * message. Empty lines between messages are no evidence at all. */
    const char *text =
        "2026-11-27 00:17:38.028 UTC [16691] app@appdb LOG:  statement: SELECT 1,\n"
        "\t2,\n"
        "\n"
        "\t3\n"
        "\n"
        "2026-11-27 00:17:39.028 UTC [16691] app@appdb LOG:  statement: SELECT 4\n"
        "\n";
    got g;
    pgm_pglog_coverage cov;
    read_text("stderr", NULL, text, &g, &cov, NULL);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.r[0].message, "statement: SELECT 1,\n2,\n\n3");
    assert_int_equal(g.r[0].last_line, 4);
    assert_int_equal(cov.continuation, 3);
    assert_int_equal(cov.blank, 2);
    assert_int_equal(cov.unparsed, 0);
    assert_int_equal(cov.foreign, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syslog_chunks_are_joined),
        cmocka_unit_test(test_syslog_messages_keep_the_order_they_came),
        cmocka_unit_test(test_syslog_message_held_at_most_its_bound),
        cmocka_unit_test(test_syslog_envelope_gives_time_and_pid),
        cmocka_unit_test(test_csvlog_column_counts_and_newlines),
        cmocka_unit_test(test_jsonlog_absent_keys),
        cmocka_unit_test(test_cnpg_and_azure_json),
        cmocka_unit_test(test_cloudsql_old_payload_takes_envelope_time),
        cmocka_unit_test(test_prefix_sources),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_newest_first),
        cmocka_unit_test(test_structured_newest_first),
        cmocka_unit_test(test_prefix_widened_by_later_lines),
        cmocka_unit_test(test_prefix_changed_by_reload),
        cmocka_unit_test(test_prefix_looks_are_limited),
        cmocka_unit_test(test_empty_lines),
        cmocka_unit_test(test_syslog_octet_counted_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
