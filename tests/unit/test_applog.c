/* Application logs: each layout's first line, traces attached to their entry,
 * the culprit of a leak trace. Lines are the genuine ones of
 * shared/reference/hikari-log-messages.md and the recorded incidents. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applog/app_events.h"
#include "applog/applog.h"
#include "applog/layout.h"
#include "text/timestamp.h"

#define MAX_RECS 16

typedef struct got {
    size_t n;
    struct {
        int64_t t;
        char level[16], thread[64], logger[96], message[256], app[32], host[32], trace[1024];
        uint64_t line, last_line;
    } r[MAX_RECS];
} got;

static void copy(char *dst, size_t cap, pgm_slice s)
{
    snprintf(dst, cap, "%.*s", (int)s.n, s.p ? s.p : "");
}

static void on_rec(void *ctx, const pgm_app_record *rec)
{
    got *g = ctx;
    assert_true(g->n < MAX_RECS);
    size_t k = g->n++;
    g->r[k].t = rec->t;
    copy(g->r[k].level, sizeof g->r[k].level, rec->level);
    copy(g->r[k].thread, sizeof g->r[k].thread, rec->thread);
    copy(g->r[k].logger, sizeof g->r[k].logger, rec->logger);
    copy(g->r[k].message, sizeof g->r[k].message, rec->message);
    copy(g->r[k].app, sizeof g->r[k].app, rec->app);
    copy(g->r[k].host, sizeof g->r[k].host, rec->host);
    copy(g->r[k].trace, sizeof g->r[k].trace, rec->trace);
    g->r[k].line = rec->line;
    g->r[k].last_line = rec->last_line;
}

static void feed(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    pgm_app_feed(ctx, line, n, lineno);
}

static void read_text(bool json, const char *text, got *g, pgm_app_coverage *cov)
{
    memset(g, 0, sizeof *g);
    pgm_app_reader *r;
    assert_int_equal(pgm_app_open(&r, json, NULL, on_rec, g), PGM_OK);
    tu_for_each_line(text, strlen(text), feed, r);
    pgm_app_finish(r);
    *cov = *pgm_app_get_coverage(r);
    pgm_app_close(r);
}

static void test_layouts(void **state)
{
    (void)state;
    got g;
    pgm_app_coverage cov;
    read_text(false,
              /* Spring Boot 3.4 with application name */
              "2026-11-27T00:01:09.888Z  WARN 29458 --- [leakdemo] [l-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask     : Connection leak detection triggered for org.postgresql.jdbc.PgConnection@2d4e495 on thread main, stack trace follows\n"
              "\n"
              "java.lang.Exception: Apparent connection leak detected\n"
              "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:99)\n"
              "\tat LeakDemo.main(LeakDemo.java:125)\n"
              "\n"
              /* Spring Boot 2.x, no zone */
              "2018-02-07 12:35:56.643  WARN 4232 --- [l-1 housekeeper] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=35m51s954ms609µs641ns).\n"
              /* Spring Boot 3.x with an offset */
              "2023-11-25T23:37:20.817-05:00  WARN 43835 --- [l-1 housekeeper] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=18m18s649ms).\n"
              /* Logback pattern %d [%t] %-5level %logger - %msg */
              "2026-11-27 00:05:01.112 [main] INFO  com.zaxxer.hikari.HikariDataSource - HikariPool-1 - Starting...\n"
              /* [LEVEL] first */
              "[ERROR] 2026-11-27 15:30:19.502 [Curator-TreeCache-5] com.zaxxer.hikari.pool.HikariPool - HikariPool-24 - Exception during pool initialization.\n"
              "org.postgresql.util.PSQLException: FATAL: sorry, too many clients already\n",
              &g, &cov);
    assert_int_equal(g.n, 5);
    assert_string_equal(g.r[0].level, "WARN");
    assert_string_equal(g.r[0].thread, "l-1 housekeeper");
    assert_string_equal(g.r[0].app, "leakdemo");
    assert_string_equal(g.r[0].logger, "com.zaxxer.hikari.pool.ProxyLeakTask");
    assert_string_equal(g.r[0].message, "Connection leak detection triggered for org.postgresql.jdbc.PgConnection@2d4e495 on thread main, stack trace follows");
    assert_string_equal(g.r[0].trace, "java.lang.Exception: Apparent connection leak detected\n"
                                      "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:99)\n"
                                      "\tat LeakDemo.main(LeakDemo.java:125)");
    assert_int_equal(g.r[0].last_line, 6);
    assert_string_equal(g.r[1].thread, "l-1 housekeeper");
    assert_string_equal(g.r[1].app, "");
    assert_string_equal(g.r[1].message, "HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=35m51s954ms609µs641ns).");
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at("2023-11-26T04:37:20.817Z", 24, &ts));
    assert_true(g.r[2].t == ts.us);
    assert_string_equal(g.r[3].thread, "main");
    assert_string_equal(g.r[3].level, "INFO");
    assert_string_equal(g.r[3].logger, "com.zaxxer.hikari.HikariDataSource");
    assert_string_equal(g.r[3].message, "HikariPool-1 - Starting...");
    assert_string_equal(g.r[4].level, "ERROR");
    assert_string_equal(g.r[4].thread, "Curator-TreeCache-5");
    assert_string_equal(g.r[4].trace, "org.postgresql.util.PSQLException: FATAL: sorry, too many clients already");
    assert_int_equal(cov.unparsed, 0);
    assert_int_equal(cov.zone_guessed, 3);
}

static void test_json_layouts(void **state)
{
    (void)state;
    got g;
    pgm_app_coverage cov;
    read_text(true,
              "{\"@timestamp\":\"2026-11-27T00:06:31.007Z\",\"level\":\"ERROR\",\"thread_name\":\"worker-1\",\"logger_name\":\"com.example.Job\",\"message\":\"Job failed\",\"stack_trace\":\"java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available\\n\\tat x.Y.z(Y.java:1)\"}\n"
              "{\"@timestamp\":\"2026-11-27T00:06:32Z\",\"log.level\":\"WARN\",\"process.thread.name\":\"main\",\"log.logger\":\"a.B\",\"message\":\"m\",\"service.name\":\"orders\",\"host\":{\"name\":\"orders-7d9f-x2\"}}\n"
              "not json\n",
              &g, &cov);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.r[0].thread, "worker-1");
    assert_string_equal(g.r[0].trace, "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available\n\tat x.Y.z(Y.java:1)");
    assert_string_equal(g.r[1].level, "WARN");
    assert_string_equal(g.r[1].app, "orders");
    assert_string_equal(g.r[1].host, "orders-7d9f-x2");
    assert_string_equal(g.r[0].host, "");
    assert_int_equal(cov.unparsed, 1);
}

static void test_culprit(void **state)
{
    (void)state;
    static const char *const ignore[] = {"com.zaxxer.hikari.", "java.", "org.springframework."};
    const char *trace = "java.lang.Exception: Apparent connection leak detected\n"
                        "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)\n"
                        "\tat org.springframework.jdbc.datasource.DataSourceUtils.fetchConnection(DataSourceUtils.java:159)\n"
                        "\tat com.example.orders.ExportService.exportAll(ExportService.java:17)\n"
                        "\tat java.base/java.lang.Thread.run(Thread.java:840)";
    char frame[128], at[64];
    unsigned frames;
    assert_true(pgm_app_culprit((pgm_slice){trace, strlen(trace)}, ignore, 3, frame, sizeof frame, at,
                                sizeof at, &frames));
    assert_string_equal(frame, "com.example.orders.ExportService.exportAll");
    assert_string_equal(at, "ExportService.java:17");
    assert_int_equal(frames, 4);
    const char *only = "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)\n"
                       "\tat java.base/java.lang.Thread.run(Thread.java:840)";
    assert_false(pgm_app_culprit((pgm_slice){only, strlen(only)}, ignore, 3, frame, sizeof frame, at,
                                 sizeof at, &frames));
}

/* Loki's logcli trims each line it prints: a trace's frames lose their tab.
 * Known by their whole shape they stay their entry's; a line that only
 * starts with "at " does not. */
static void test_trimmed_frames(void **state)
{
    (void)state;
    static const char text[] =
        "2026-11-27T02:20:56.125Z  WARN 30742 --- [orders] [l-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask   "
        "  : Connection leak detection triggered for org.postgresql.jdbc.PgConnection@5c362c3d on thread "
        "export-scheduler, stack trace follows\n"
        "java.lang.Exception: Apparent connection leak detected\n"
        "at com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)\n"
        "at com.example.orders.ExportService.exportAll(ExportService.java:17)\n"
        "at java.base/java.lang.Thread.run(Thread.java:840)\n"
        "2026-11-27T02:20:57.001Z  INFO 30742 --- [orders] [main] com.example.orders.Api                   "
        "  : done\n"
        "at least one order was late (see orders.late)\n";
    assert_true(pgm_app_trace_line("at com.example.orders.ExportService.exportAll(ExportService.java:17)", 68));
    assert_false(pgm_app_trace_line("at least one order was late (see orders.late)", 45));
    assert_false(pgm_app_trace_line("at noon (local)", 15));
    got g;
    pgm_app_coverage cov;
    read_text(false, text, &g, &cov);
    assert_int_equal(g.n, 2);
    assert_non_null(strstr(g.r[0].trace, "ExportService.exportAll(ExportService.java:17)"));
    assert_int_equal(g.r[0].last_line, 5);
}

/* A newest-first export (Loki's logcli by default): each entry's trace
 * stands above it. Read from the last line to the first, every trace is its
 * own entry's again, and the lines keep their numbers. */
static void test_newest_first(void **state)
{
    (void)state;
    static const char text[] =
        "2026-11-27T02:20:59.000Z  INFO 30742 --- [orders] [main] com.example.orders.Api : third\n"
        "\tat com.example.orders.ImportService.importAll(ImportService.java:9)\n"
        "java.lang.Exception: Apparent connection leak detected\n"
        "2026-11-27T02:20:58.000Z  WARN 30742 --- [orders] [l-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask : "
        "Connection leak detection triggered for c2 on thread importer, stack trace follows\n"
        "\tat com.example.orders.ExportService.exportAll(ExportService.java:17)\n"
        "java.lang.Exception: Apparent connection leak detected\n"
        "2026-11-27T02:20:57.000Z  WARN 30742 --- [orders] [l-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask : "
        "Connection leak detection triggered for c1 on thread exporter, stack trace follows\n"
        "2026-11-27T02:20:56.000Z  INFO 30742 --- [orders] [main] com.example.orders.Api : first\n";
    got g;
    pgm_app_coverage cov;
    read_text(false, text, &g, &cov);
    assert_true(cov.reversed);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.r[0].message, "first");
    assert_int_equal(g.r[0].line, 8);
    assert_non_null(strstr(g.r[1].message, "c1 on thread exporter"));
    assert_non_null(strstr(g.r[1].trace, "ExportService.exportAll"));
    assert_null(strstr(g.r[1].trace, "ImportService"));
    assert_int_equal(g.r[1].line, 7);
    assert_non_null(strstr(g.r[2].trace, "ImportService.importAll"));
    assert_null(strstr(g.r[3].trace, "Exception")); /* "third" has none */
    assert_string_equal(g.r[3].message, "third");
    /* a file in order is read as it comes */
    static const char forward[] =
        "2026-11-27T02:20:56.000Z  INFO 30742 --- [orders] [main] com.example.orders.Api : first\n"
        "2026-11-27T02:20:57.000Z  INFO 30742 --- [orders] [main] com.example.orders.Api : second\n"
        "2026-11-27T02:20:58.000Z  INFO 30742 --- [orders] [main] com.example.orders.Api : third\n"
        "2026-11-27T02:20:59.000Z  INFO 30742 --- [orders] [main] com.example.orders.Api : fourth\n";
    read_text(false, forward, &g, &cov);
    assert_false(cov.reversed);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.r[0].message, "first");
}

typedef struct joined {
    pgm_app_classifier *c;
    char kinds[8][48];
    char slow[8][8], leak_line[8][8], pool[8][32];
    size_t n;
} joined;

static void classify_rec(void *ctx, const pgm_app_record *rec)
{
    joined *j = ctx;
    pgm_event ev;
    if (pgm_app_classify(j->c, rec, "t.log", &ev) != 1)
        return;
    assert_true(j->n < 8);
    snprintf(j->kinds[j->n], sizeof j->kinds[0], "%s", ev.kind);
    const char *v = pgm_event_field(&ev, "slow_borrower");
    snprintf(j->slow[j->n], sizeof j->slow[0], "%s", v ? v : "");
    v = pgm_event_field(&ev, "leak_line");
    snprintf(j->leak_line[j->n], sizeof j->leak_line[0], "%s", v ? v : "");
    v = pgm_event_field(&ev, "pool");
    snprintf(j->pool[j->n], sizeof j->pool[0], "%s", v ? v : "");
    j->n++;
}

static void test_returned_leak_is_a_slow_borrower(void **state)
{
    (void)state;
    pgm_ruleset rs;
    tu_load_rules(&rs, "rules/hikari");
    pgm_app_classifier *c = malloc(sizeof *c);
    pgm_app_classifier_init(c, &rs);
    joined j = {.c = c};
    pgm_app_reader *r;
    assert_int_equal(pgm_app_open(&r, false, NULL, classify_rec, &j), PGM_OK);
    const char *text =
        "2026-11-27T00:01:09.888Z  WARN 29458 --- [l-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask     : Connection leak detection triggered for org.postgresql.jdbc.PgConnection@57b51d97 on thread main, stack trace follows\n"
        "\n"
        "java.lang.Exception: Apparent connection leak detected\n"
        "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:99)\n"
        "\tat LeakDemo.main(LeakDemo.java:125)\n"
        "\n"
        "2026-11-27T00:02:10.891Z  INFO 29458 --- [           main] com.zaxxer.hikari.pool.ProxyLeakTask     : Previously reported leaked connection org.postgresql.jdbc.PgConnection@57b51d97 on thread main was returned to the pool (unleaked)\n"
        "2026-11-27T00:02:11.000Z  INFO 29458 --- [           main] com.zaxxer.hikari.pool.ProxyLeakTask     : Previously reported leaked connection org.postgresql.jdbc.PgConnection@ffff on thread main was returned to the pool (unleaked)\n";
    tu_for_each_line(text, strlen(text), feed, r);
    pgm_app_finish(r);
    pgm_app_close(r);
    assert_int_equal(j.n, 3);
    assert_string_equal(j.kinds[0], "hikari.leak_detected");
    assert_string_equal(j.kinds[1], "hikari.leak_returned");
    assert_string_equal(j.slow[1], "true");
    assert_string_equal(j.leak_line[1], "1");
    assert_string_equal(j.slow[2], ""); /* no report of that connection */
    assert_string_equal(j.pool[0], "");   /* no line named its pool */
    pgm_app_classifier_free(c);
    free(c);
    pgm_ruleset_free(&rs);
}

/* A leak report names its connection, not its pool: the pool comes from the
 * input's last line that named both; a reused hash code takes the newer pool. */
static void test_leak_takes_the_pool_of_its_connection(void **state)
{
    (void)state;
    pgm_ruleset rs;
    tu_load_rules(&rs, "rules/hikari");
    pgm_app_classifier *c = malloc(sizeof *c);
    pgm_app_classifier_init(c, &rs);
    joined j = {.c = c};
    pgm_app_reader *r;
    assert_int_equal(pgm_app_open(&r, false, NULL, classify_rec, &j), PGM_OK);
    const char *text =
        "2026-11-27T00:01:00.000Z DEBUG 1 --- [onnection adder] com.zaxxer.hikari.pool.HikariPool        : orders-pool - Added connection org.postgresql.jdbc.PgConnection@57b51d97\n"
        "2026-11-27T00:01:00.100Z DEBUG 1 --- [onnection adder] com.zaxxer.hikari.pool.HikariPool        : reports-pool - Added connection org.postgresql.jdbc.PgConnection@1111\n"
        "2026-11-27T00:01:09.888Z  WARN 1 --- [l-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask     : Connection leak detection triggered for org.postgresql.jdbc.PgConnection@57b51d97 on thread main, stack trace follows\n"
        "2026-11-27T00:01:10.000Z DEBUG 1 --- [nnection closer] com.zaxxer.hikari.pool.PoolBase          : orders-pool - Closing connection org.postgresql.jdbc.PgConnection@1111: (connection has passed maxLifetime)\n"
        "2026-11-27T00:01:11.888Z  WARN 1 --- [l-2 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask     : Connection leak detection triggered for org.postgresql.jdbc.PgConnection@1111 on thread main, stack trace follows\n"
        "2026-11-27T00:01:12.888Z  WARN 1 --- [l-2 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask     : Connection leak detection triggered for org.postgresql.jdbc.PgConnection@2222 on thread main, stack trace follows\n";
    tu_for_each_line(text, strlen(text), feed, r);
    pgm_app_finish(r);
    pgm_app_close(r);
    assert_int_equal(j.n, 6);
    assert_string_equal(j.kinds[2], "hikari.leak_detected");
    assert_string_equal(j.pool[2], "orders-pool");
    assert_string_equal(j.pool[4], "orders-pool"); /* the newer association */
    assert_string_equal(j.pool[5], "");            /* never named with a pool */
    /* a new input forgets the last one's connections */
    pgm_app_classifier_reset(c);
    j.n = 0;
    assert_int_equal(pgm_app_open(&r, false, NULL, classify_rec, &j), PGM_OK);
    const char *again = "2026-11-27T00:02:09.888Z  WARN 1 --- [l-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask     : Connection leak detection triggered for org.postgresql.jdbc.PgConnection@57b51d97 on thread main, stack trace follows\n";
    tu_for_each_line(again, strlen(again), feed, r);
    pgm_app_finish(r);
    pgm_app_close(r);
    assert_int_equal(j.n, 1);
    assert_string_equal(j.pool[0], "");
    pgm_app_classifier_free(c);
    free(c);
    pgm_ruleset_free(&rs);
}


/* A time printed without a zone, in an envelope that stamped the line in
 * UTC: the offset is theirs, to the quarter hour (Nepal's +05:45 too); far
 * from any quarter hour it is not taken, and the time is read as UTC. */
static void test_zone_from_the_envelope(void **state)
{
    (void)state;
    got g;
    memset(&g, 0, sizeof g);
    pgm_app_reader *r;
    assert_int_equal(pgm_app_open(&r, false, NULL, on_rec, &g), PGM_OK);
    static const char l1[] = "2026-11-27 08:05:35.861  INFO 1 --- [main] c.e.A : at +05:45";
    static const char l2[] = "2026-11-27 02:40:35.861  INFO 1 --- [main] c.e.A : 20 minutes off";
    int64_t utc = 1795746035861000; /* 2026-11-27T02:20:35.861Z */
    pgm_app_feed_wrapped(r, l1, sizeof l1 - 1, 1, utc + 1500000);
    pgm_app_feed_wrapped(r, l2, sizeof l2 - 1, 2, utc + 7 * 60 * 1000000LL);
    pgm_app_finish(r);
    const pgm_app_coverage *cov = pgm_app_get_coverage(r);
    assert_int_equal(g.n, 2);
    assert_true(g.r[0].t == utc);
    assert_int_equal(cov->zone_wrapper, 1);
    assert_int_equal(cov->wrapper_offset_s, 5 * 3600 + 45 * 60);
    assert_true(g.r[1].t == utc + 20 * 60 * 1000000LL); /* read as UTC, and counted */
    assert_int_equal(cov->zone_guessed, 1);
    pgm_app_close(r);
}

/* Logback's default layout and log4j2's print the time alone
 * (%d{HH:mm:ss.SSS}, %d{HH:mm:ss,SSS}): entries are read all the same; a
 * day given dates them, and midnight moves it on; no day, no time. */
static void test_time_of_day_layouts(void **state)
{
    (void)state;
    static const char text[] =
        "23:59:58.120 [main] INFO  com.zaxxer.hikari.HikariDataSource - HikariPool-1 - Starting...\n"
        "23:59:59,480 INFO  [main] com.zaxxer.hikari.HikariDataSource - HikariPool-1 - Start completed.\n"
        "00:00:41.002 [HikariPool-1 housekeeper] WARN  com.zaxxer.hikari.pool.ProxyLeakTask - Connection leak "
        "detection triggered for org.postgresql.jdbc.PgConnection@1b2c3d on thread main, stack trace follows\n"
        "java.lang.Exception: Apparent connection leak detected\n"
        "\tat com.shop.orders.ExportService.exportAll(ExportService.java:57)\n";
    got g;
    memset(&g, 0, sizeof g);
    pgm_app_reader *r;
    assert_int_equal(pgm_app_open(&r, false, NULL, on_rec, &g), PGM_OK);
    pgm_app_set_day(r, pgm_days_from_civil(2026, 11, 27));
    tu_for_each_line(text, strlen(text), feed, r);
    pgm_app_finish(r);
    pgm_app_coverage cov = *pgm_app_get_coverage(r);
    pgm_app_close(r);
    assert_int_equal(g.n, 3);
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at("2026-11-27T23:59:58.120Z", 24, &ts));
    assert_true(g.r[0].t == ts.us);
    assert_string_equal(g.r[1].level, "INFO");
    assert_string_equal(g.r[1].thread, "main");
    assert_true(pgm_ts_parse_at("2026-11-28T00:00:41.002Z", 24, &ts)); /* past midnight */
    assert_true(g.r[2].t == ts.us);
    assert_string_equal(g.r[2].thread, "HikariPool-1 housekeeper");
    assert_string_equal(g.r[2].trace, "java.lang.Exception: Apparent connection leak detected\n"
                                      "\tat com.shop.orders.ExportService.exportAll(ExportService.java:57)");
    assert_int_equal(cov.dated, 3);
    assert_int_equal(cov.unparsed, 0);
    /* no day: the same entries, without time */
    pgm_app_coverage none;
    read_text(false, text, &g, &none);
    assert_int_equal(g.n, 3);
    assert_true(g.r[0].t == PGM_TS_UNKNOWN);
    assert_int_equal(none.undated, 3);
    assert_int_equal(none.no_time, 3);
}

/* Dropwizard's default layout puts the level first ("%-5p [%d{ISO8601}]
 * %c: %m") and marks its trace lines "! ": the entry, its logger without
 * the colon, and the culprit frame are read. */
static int64_t utc(const char *iso)
{
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at(iso, strlen(iso), &ts));
    return ts.us;
}

/* The frameworks' documented default layouts, each line as the framework
 * writes it (tests/applog/rerender.py writes whole logs in them). */
static void test_framework_layouts(void **state)
{
    (void)state;
    got g;
    pgm_app_coverage cov;
    read_text(false,
              /* Quarkus: %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{3.}] (%t) %s%e%n */
              "2026-11-27 02:20:56,125 WARN  [com.zax.hik.poo.ProxyLeakTask] (l-1 housekeeper) Connection leak "
              "detection triggered for org.postgresql.jdbc.PgConnection@5c362c3d on thread main, stack trace follows\n"
              "java.lang.Exception: Apparent connection leak detected\n"
              "\tat com.shop.Orders.export(Orders.java:57)\n"
              /* Tomcat's OneLineFormatter */
              "27-Nov-2026 02:20:57.134 SEVERE [http-nio-8080-exec-1] com.zaxxer.hikari.pool.HikariPool.log "
              "HikariPool-1 - Connection is not available, request timed out after 30000ms.\n"
              /* java.util.logging.SimpleFormatter: two lines an entry */
              "Nov 27, 2026 2:20:58 PM com.zaxxer.hikari.HikariDataSource getConnection\n"
              "INFO: HikariPool-1 - Starting...\n"
              /* Micronaut's coloured console */
              "\x1b[36m02:20:59.001\x1b[0;39m \x1b[1;30m[main]\x1b[0;39m \x1b[34mINFO \x1b[0;39m "
              "\x1b[35mcom.zaxxer.hikari.HikariDataSource\x1b[0;39m - HikariPool-1 - Start completed.\n"
              /* log4j 1.x: %d{ISO8601} %-5p [%t] %c{1}:%L - %m%n */
              "2026-11-27 02:21:00,002 WARN  [l-1 housekeeper] ProxyLeakTask:84 - Connection leak detection "
              "triggered, stack trace follows\n",
              &g, &cov);
    assert_int_equal(g.n, 5);
    assert_string_equal(g.r[0].level, "WARN");
    assert_string_equal(g.r[0].logger, "com.zax.hik.poo.ProxyLeakTask");
    assert_string_equal(g.r[0].thread, "l-1 housekeeper");
    assert_string_equal(g.r[0].message, "Connection leak detection triggered for org.postgresql.jdbc.PgConnection@5c362c3d "
                                        "on thread main, stack trace follows");
    assert_string_equal(g.r[0].trace, "java.lang.Exception: Apparent connection leak detected\n"
                                      "\tat com.shop.Orders.export(Orders.java:57)");
    assert_true(g.r[0].t == utc("2026-11-27T02:20:56.125Z"));
    assert_string_equal(g.r[1].level, "SEVERE");
    assert_string_equal(g.r[1].thread, "http-nio-8080-exec-1");
    assert_string_equal(g.r[1].message, "HikariPool-1 - Connection is not available, request timed out after 30000ms.");
    assert_true(g.r[1].t == utc("2026-11-27T02:20:57.134Z"));
    assert_string_equal(g.r[2].level, "INFO");
    assert_string_equal(g.r[2].logger, "com.zaxxer.hikari.HikariDataSource");
    assert_string_equal(g.r[2].message, "HikariPool-1 - Starting...");
    assert_string_equal(g.r[2].trace, "");
    assert_true(g.r[2].t == utc("2026-11-27T14:20:58Z")); /* 2 PM */
    assert_int_equal(g.r[2].line, 5);
    assert_int_equal(g.r[2].last_line, 6);
    assert_string_equal(g.r[3].thread, "main");
    assert_string_equal(g.r[3].logger, "com.zaxxer.hikari.HikariDataSource");
    assert_string_equal(g.r[3].message, "HikariPool-1 - Start completed.");
    assert_true(g.r[3].t == PGM_TS_UNKNOWN); /* a time of day, and no day given */
    assert_string_equal(g.r[4].logger, "ProxyLeakTask:84");
    assert_string_equal(g.r[4].message, "Connection leak detection triggered, stack trace follows");
    assert_int_equal(cov.unparsed, 0);
    /* WildFly: %d{HH:mm:ss,SSS} %-5p [%c] (%t) %s%e%n; a message in parentheses is its own */
    read_text(false,
              "02:20:56,125 INFO  [com.zaxxer.hikari.HikariDataSource] (ServerService Thread Pool -- 80) "
              "HikariPool-1 - Starting...\n"
              "02:20:57,000 INFO  [main] com.example.Job - (3 rows) done\n",
              &g, &cov);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.r[0].logger, "com.zaxxer.hikari.HikariDataSource");
    assert_string_equal(g.r[0].thread, "ServerService Thread Pool -- 80");
    assert_string_equal(g.r[0].message, "HikariPool-1 - Starting...");
    assert_string_equal(g.r[1].logger, "com.example.Job");
    assert_string_equal(g.r[1].message, "(3 rows) done");
    /* HikariCP's text after the level wherever it stands: a pool's name in
     * the logger's place, a table pasted with its columns */
    read_text(false,
              "2026-11-27 02:20:56,819UTC WARN [HikariPool] shop-db - Thread starvation or clock leap detected "
              "(housekeeper delta=25m48s166ms).\n"
              "2026-11-27T02:20:57.380+05:30 | 2026-11-27 02:20:57,379 | WARN | Shop | ProxyLeakTask | Connection leak "
              "detection triggered for org.postgresql.jdbc.PgConnection@1a2b on thread main, stack trace follows\n"
              "2026-11-27 02:20:58,000 WARN [main] com.shop.Api - Request failed: HikariPool-1 - Connection is not "
              "available, request timed out after 30000ms.\n",
              &g, &cov);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.r[0].message, "shop-db - Thread starvation or clock leap detected (housekeeper delta=25m48s166ms).");
    assert_string_equal(g.r[1].message, "Connection leak detection triggered for org.postgresql.jdbc.PgConnection@1a2b on "
                                        "thread main, stack trace follows");
    assert_string_equal(g.r[2].logger, "com.shop.Api");
    assert_string_equal(g.r[2].message, "HikariPool-1 - Connection is not available, request timed out after 30000ms.");
    /* a restart with another logging configuration: each layout read in turn */
    read_text(false,
              "2026-11-27T02:20:35.884Z  INFO 30742 --- [orders] [           main] com.zaxxer.hikari.HikariDataSource"
              "       : HikariPool-1 - Starting...\n"
              "02:25:01.002 [main] INFO  com.zaxxer.hikari.HikariDataSource - HikariPool-1 - Starting...\n"
              "Nov 27, 2026 2:30:00 AM com.zaxxer.hikari.HikariDataSource getConnection\n"
              "INFO: HikariPool-1 - Starting...\n",
              &g, &cov);
    assert_int_equal(g.n, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(g.r[i].message, "HikariPool-1 - Starting...");
    assert_string_equal(g.r[0].app, "orders");
    assert_string_equal(g.r[1].thread, "main");
    assert_int_equal(cov.unparsed, 0);
    /* 12 AM is midnight */
    read_text(false, "Jan 02, 2026 12:05:00 AM a.B run\nWARNING: x\n", &g, &cov);
    assert_int_equal(g.n, 1);
    assert_true(g.r[0].t == utc("2026-01-02T00:05:00Z"));
    assert_string_equal(g.r[0].level, "WARNING");
}

/* %msg%n: no layout at all. Every line that is no trace line is an entry,
 * HikariCP's texts and the exceptions under an application's message
 * (a timeout inside "Request failed") are found, without times. */
static void test_no_layout(void **state)
{
    (void)state;
    got g;
    memset(&g, 0, sizeof g);
    pgm_app_reader *r;
    assert_int_equal(pgm_app_open(&r, false, NULL, on_rec, &g), PGM_OK);
    pgm_app_no_layout(r);
    const char *text = "HikariPool-1 - Starting...\n"
                       "Export 1 finished\n"
                       "Connection leak detection triggered for org.postgresql.jdbc.PgConnection@5c362c3d on thread "
                       "export-scheduler, stack trace follows\n"
                       "java.lang.Exception: Apparent connection leak detected\n"
                       "\tat com.example.orders.ExportService.exportAll(ExportService.java:17)\n"
                       "Request failed: could not load data\n"
                       "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request "
                       "timed out after 3000ms.\n"
                       "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:664)\n"
                       "Caused by: org.postgresql.util.PSQLException: FATAL: sorry, too many clients already\n"
                       "\n";
    tu_for_each_line(text, strlen(text), feed, r);
    pgm_app_finish(r);
    pgm_app_coverage cov = *pgm_app_get_coverage(r);
    pgm_app_close(r);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.r[0].message, "HikariPool-1 - Starting...");
    assert_string_equal(g.r[1].message, "Export 1 finished");
    assert_string_equal(g.r[2].trace, "java.lang.Exception: Apparent connection leak detected\n"
                                      "\tat com.example.orders.ExportService.exportAll(ExportService.java:17)");
    assert_string_equal(g.r[3].message, "Request failed: could not load data");
    assert_int_equal(g.r[3].line, 6);
    assert_int_equal(g.r[3].last_line, 9);
    for (size_t i = 0; i < g.n; i++)
        assert_true(g.r[i].t == PGM_TS_UNKNOWN);
    assert_int_equal(cov.anchored, 2);
    assert_int_equal(cov.bare, 2);
    assert_int_equal(cov.wrapper_timed, 0);

    /* wrapped (a log service's entries, kubectl --timestamps): an entry with
     * no time printed takes its envelope's, the time its line came */
    memset(&g, 0, sizeof g);
    assert_int_equal(pgm_app_open(&r, false, NULL, on_rec, &g), PGM_OK);
    pgm_app_no_layout(r);
    int64_t at = utc("2026-11-27T02:21:10.100Z");
    pgm_app_feed_wrapped(r, "Export 1 finished", 17, 1, at);
    pgm_app_feed_wrapped(r, "Connection leak detection triggered for x on thread y, stack trace follows", 74, 2,
                         at + 1000);
    pgm_app_feed_wrapped(r, "java.lang.Exception: Apparent connection leak detected", 54, 3, at + 1000);
    pgm_app_finish(r);
    cov = *pgm_app_get_coverage(r);
    pgm_app_close(r);
    assert_int_equal(g.n, 2);
    assert_true(g.r[0].t == at);
    assert_true(g.r[1].t == at + 1000);
    assert_string_equal(g.r[1].trace, "java.lang.Exception: Apparent connection leak detected");
    assert_int_equal(cov.wrapper_timed, 2);
    assert_int_equal(cov.no_time, 0);
}

/* log4j2's JsonLayout (its thrown as frames) and GELF (a syslog level, the
 * time in seconds, the trace in full_message). */
static void test_more_json_layouts(void **state)
{
    (void)state;
    got g;
    pgm_app_coverage cov;
    read_text(true,
              "{\"instant\":{\"epochSecond\":1795746056,\"nanoOfSecond\":125000000},\"thread\":\"l-1 housekeeper\","
              "\"level\":\"WARN\",\"loggerName\":\"com.zaxxer.hikari.pool.ProxyLeakTask\",\"message\":\"Connection "
              "leak detection triggered, stack trace follows\",\"thrown\":{\"commonElementCount\":0,\"message\":"
              "\"Apparent connection leak detected\",\"name\":\"java.lang.Exception\",\"extendedStackTrace\":["
              "{\"class\":\"com.zaxxer.hikari.HikariDataSource\",\"method\":\"getConnection\",\"file\":"
              "\"HikariDataSource.java\",\"line\":100,\"exact\":true},{\"class\":\"com.shop.Orders\",\"method\":"
              "\"export\",\"file\":\"Orders.java\",\"line\":57}],\"cause\":{\"name\":\"java.io.IOException\","
              "\"message\":\"a {brace} \\\"quoted\\\"\",\"extendedStackTrace\":[{\"class\":\"x.Y\",\"method\":\"z\","
              "\"line\":-1}]}},\"endOfBatch\":false}\n"
              "{\"version\":\"1.1\",\"host\":\"orders-1\",\"short_message\":\"Request failed\",\"full_message\":"
              "\"Request failed\\njava.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not "
              "available\\n\\tat a.B.c(B.java:1)\",\"timestamp\":1795746057.5,\"level\":3,\"_LoggerName\":"
              "\"com.shop.Api\",\"_Thread\":\"exec-1\"}\n"
              "{\"timeMillis\":1795746058000,\"level\":\"INFO\",\"loggerName\":\"a.B\",\"message\":\"m\"}\n",
              &g, &cov);
    assert_int_equal(g.n, 3);
    assert_true(g.r[0].t == utc("2026-11-27T02:20:56.125Z"));
    assert_string_equal(g.r[0].thread, "l-1 housekeeper");
    assert_string_equal(g.r[0].logger, "com.zaxxer.hikari.pool.ProxyLeakTask");
    assert_string_equal(g.r[0].trace, "java.lang.Exception: Apparent connection leak detected\n"
                                      "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)\n"
                                      "\tat com.shop.Orders.export(Orders.java:57)\n"
                                      "Caused by: java.io.IOException: a {brace} \"quoted\"\n"
                                      "\tat x.Y.z(Unknown Source)");
    assert_true(g.r[1].t == utc("2026-11-27T02:20:57.500Z"));
    assert_string_equal(g.r[1].level, "ERROR");
    assert_string_equal(g.r[1].logger, "com.shop.Api");
    assert_string_equal(g.r[1].thread, "exec-1");
    assert_string_equal(g.r[1].message, "Request failed");
    assert_string_equal(g.r[1].trace, "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not "
                                      "available\n\tat a.B.c(B.java:1)");
    assert_true(g.r[2].t == utc("2026-11-27T02:20:58Z"));
}

static void test_dropwizard_layout(void **state)
{
    (void)state;
    got g;
    pgm_app_coverage cov;
    read_text(false,
              "WARN  [2026-11-27 02:20:54,123] com.zaxxer.hikari.pool.ProxyLeakTask: Connection leak detection "
              "triggered for org.postgresql.jdbc.PgConnection@6bb2d00b on thread dw-42, stack trace follows\n"
              "! java.lang.Exception: Apparent connection leak detected\n"
              "! at com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:128)\n"
              "! at com.shop.billing.InvoiceDao.load(InvoiceDao.java:31)\n",
              &g, &cov);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.r[0].level, "WARN");
    assert_string_equal(g.r[0].logger, "com.zaxxer.hikari.pool.ProxyLeakTask");
    assert_string_equal(g.r[0].message, "Connection leak detection triggered for org.postgresql.jdbc.PgConnection@6bb2d00b "
                                        "on thread dw-42, stack trace follows");
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at("2026-11-27T02:20:54.123Z", 24, &ts));
    assert_true(g.r[0].t == ts.us);
    char frame[256], at[256];
    unsigned frames;
    static const char *const ignore[] = {"com.zaxxer."};
    assert_true(pgm_app_culprit((pgm_slice){g.r[0].trace, strlen(g.r[0].trace)}, ignore, 1, frame, sizeof frame, at,
                                sizeof at, &frames));
    assert_string_equal(frame, "com.shop.billing.InvoiceDao.load");
    assert_string_equal(at, "InvoiceDao.java:31");
    assert_int_equal(frames, 2);
}

/* HikariCP's own texts in lines no known layout reads (a game server's
 * console, an excerpt pasted without its level, a "|" gutter before the
 * exception): found by their text, with the level and time that stand
 * before them; the rest of the entry is its trace. */
static void test_hikari_texts_without_a_layout(void **state)
{
    (void)state;
    got g;
    pgm_app_coverage cov;
    read_text(false,
              "[02:20:54] [Hikari housekeeper (pool Shop)/WARN]: Connection leak detection triggered for "
              "org.postgresql.jdbc.PgConnection@6bb2d00b on thread main, stack trace follows\n"
              "java.lang.Exception: Apparent connection leak detected\n"
              "\tat com.shop.Orders.export(Orders.java:57)\n",
              &g, &cov);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.r[0].level, "WARN");
    assert_string_equal(g.r[0].message, "Connection leak detection triggered for org.postgresql.jdbc.PgConnection@6bb2d00b "
                                        "on thread main, stack trace follows");
    assert_string_equal(g.r[0].trace, "java.lang.Exception: Apparent connection leak detected\n"
                                      "\tat com.shop.Orders.export(Orders.java:57)");
    assert_true(g.r[0].t == PGM_TS_UNKNOWN); /* a time of day, and no day given */
    assert_int_equal(cov.anchored, 1);
    read_text(false,
              "    2026-11-27 16:07:41,953 Connection leak detection triggered, stack trace follows\n"
              "    java.lang.Exception: Apparent connection leak detected\n",
              &g, &cov);
    assert_int_equal(g.n, 1);
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at("2026-11-27T16:07:41.953Z", 24, &ts));
    assert_true(g.r[0].t == ts.us);
    assert_string_equal(g.r[0].message, "Connection leak detection triggered, stack trace follows");
    assert_int_equal(g.r[0].level[0], 0);
    /* "POOL - text": the pool's name comes with it */
    read_text(false, "console | shop-pool - Connection is not available, request timed out after 30000ms.\n", &g, &cov);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.r[0].message, "shop-pool - Connection is not available, request timed out after 30000ms.");
    /* lines of no layout and no HikariCP text stay unread */
    read_text(false, "some words\nmore words\n", &g, &cov);
    assert_int_equal(g.n, 0);
    assert_int_equal(cov.unparsed, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_time_of_day_layouts),
        cmocka_unit_test(test_dropwizard_layout),
        cmocka_unit_test(test_framework_layouts),
        cmocka_unit_test(test_no_layout),
        cmocka_unit_test(test_more_json_layouts),
        cmocka_unit_test(test_hikari_texts_without_a_layout),
        cmocka_unit_test(test_json_layouts),
        cmocka_unit_test(test_culprit),
        cmocka_unit_test(test_trimmed_frames),
        cmocka_unit_test(test_newest_first),
        cmocka_unit_test(test_returned_leak_is_a_slow_borrower),
        cmocka_unit_test(test_leak_takes_the_pool_of_its_connection),
        cmocka_unit_test(test_zone_from_the_envelope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
