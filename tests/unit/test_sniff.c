/* The sniffer on real samples of every kind (tests/samples), and on names
 * that lie about the content. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/limits.h"
#include "sniff/sniff.h"

static const struct {
    const char *path, *kind, *format;
} cases[] = {
    {"postgresql-15/run1-stderr/postgresql.log", "pg_log", "stderr"},
    {"postgresql-15/run3-csvjson/log/postgresql-20261127-001842.csv", "pg_log", "csvlog"},
    {"postgresql-15/run3-csvjson/log/postgresql-20261127-001842.json", "pg_log", "jsonlog"},
    {"postgresql-15/run3-csvjson/log/postgresql-20261127-001842.log", "pg_log", "stderr"},
    {"postgresql-15/escapes/all-escapes.log", "pg_log", "stderr"},
    {"postgresql-15/escapes/padding.log", "pg_log", "stderr"},
    {"postgresql-15/conf-syntax/server.log", "pg_log", "stderr"},
    {"other/syslog-postgres.log", "pg_log", "syslog"},
    {"other/pgbadger-prefix-berlin.log", "pg_log", "stderr"},
    {"other/postgresql.log.2026-11-27-00", "pg_log", "rds"},
    {"other/azure-postgresql.log", "pg_log", "azure"},
    {"other/cloudsql-export.json", "pg_log", "cloudsql"},
    {"postgresql-15/conf-syntax/postgresql.conf.tested", "pg_conf", "conf"},
    {"postgresql-15/conf-syntax/postgresql.auto.conf", "pg_conf", "auto_conf"},
    {"postgresql-15/conf-syntax/pg_settings_effective.txt", "pg_settings", "aligned"},
    {"postgresql-15/conf-syntax/pg_file_settings.txt", "pg_settings", "aligned"},
    {"postgresql-15/conf-syntax/pending_restart.txt", "pg_settings", "aligned"},
    {"postgresql-15/pg_stat_activity/psa_aligned.txt", "pg_stat_activity", "aligned"},
    {"postgresql-15/pg_stat_activity/psa_multiline_forms.txt", "pg_stat_activity", "aligned"},
    {"postgresql-15/pg_stat_activity/psa_typical_subset_aligned.txt", "pg_stat_activity", "aligned"},
    {"postgresql-15/pg_stat_activity/psa_grouped_aligned.txt", "pg_stat_activity", "aligned"},
    {"postgresql-15/pg_stat_activity/psa_expanded.txt", "pg_stat_activity", "expanded"},
    {"postgresql-15/pg_stat_activity/psa_unaligned.txt", "pg_stat_activity", "unaligned"},
    {"postgresql-15/pg_stat_activity/psa_unaligned_tuples_only.txt", "pg_stat_activity", "unaligned"},
    {"postgresql-15/pg_stat_activity/psa_psql_csv.csv", "pg_stat_activity", "csv"},
    {"postgresql-15/pg_stat_activity/psa_copy_csv_header.csv", "pg_stat_activity", "csv"},
    {"postgresql-15/pg_stat_activity/psa_copy_text.tsv", "pg_stat_activity", "copy_text"},
    {"postgresql-15/pg_stat_activity/psa_json_agg.json", "pg_stat_activity", "json"},
    /* as people paste them (fixtures/record/psa-forms.sh) */
    {"postgresql-15/psa-forms/aligned-no-pid.txt", "pg_stat_activity", "aligned"},
    {"postgresql-15/psa-forms/grouped-no-pid.txt", "pg_stat_activity", "aligned"},
    {"postgresql-15/psa-forms/expanded-no-banner.txt", "pg_stat_activity", "expanded"},
    {"postgresql-15/psa-forms/wrapped.txt", "pg_stat_activity", "aligned"},
    {"postgresql-15/psa-forms/pgcli.txt", "pg_stat_activity", "aligned"},
    {"postgresql-15/psa-forms/indented.txt", "pg_stat_activity", "aligned"},
    {"postgresql-15/psa-forms/csv-quoted.csv", "pg_stat_activity", "csv"},
    {"postgresql-15/psa-forms/tsv-header.tsv", "pg_stat_activity", "tsv"},
    {"postgresql-15/psa-forms/terminal-wrapped.txt", "pg_stat_activity", "aligned"},
    {"postgresql-15/psa-forms/heroku-columns.txt", "pg_stat_activity", "aligned"},
    /* PgBouncer 1.18 (fixtures/record/pgbouncer-forms.sh) */
    {"pgbouncer-1.18/pgbouncer.log", "pgbouncer_log", "stderr"},
    {"pgbouncer-1.18/syslog.log", "pgbouncer_log", "syslog"},
    {"pgbouncer-1.18/pgbouncer.ini", "pgbouncer_conf", "ini"},
    {"pgbouncer-1.18/show-pools.txt", "pgbouncer_show", "aligned"},
    {"pgbouncer-1.18/show-pools-unaligned.txt", "pgbouncer_show", "unaligned"},
    {"other/application.yml", "spring_conf", "yaml"},
    {"other/application-prod.properties", "spring_conf", "properties"},
    {"other/hikari.properties", "hikari_conf", "properties"},
    {"other/deployment.yaml", "k8s_manifest", "yaml"},
    {"other/orders.env", "env_file", "env"},
    {"other/orders-app.log", "app_log", "spring_boot"},
    {"other/billing-boot2.log", "app_log", "spring_boot"},
    {"other/worker-logback.log", "app_log", "logback"},
    {"other/app-logstash.json", "app_log", "json"},
    {"postgresql-15/scenario.sh", "unknown", "script"},
    {"postgresql-15/run1-stderr/pg_hba.effective.txt", "unknown", "text"},
    {"postgresql-15/run1-stderr/clients/batch1.out", "unknown", "empty"},
};

static void test_real_samples(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "tests/samples/%s", cases[i].path);
        size_t len;
        unsigned char *data = tu_read_file(path, &len);
        size_t n = len < PGM_SNIFF_HEAD_BYTES ? len : PGM_SNIFF_HEAD_BYTES;
        const char *name = strrchr(path, '/') + 1;
        pgm_sniff s = pgm_sniff_file(name, data, n, n == len);
        if (strcmp(pgm_kind_name(s.kind), cases[i].kind) != 0 || strcmp(s.format, cases[i].format) != 0)
            fail_msg("%s: got %s/%s, want %s/%s", cases[i].path, pgm_kind_name(s.kind), s.format,
                     cases[i].kind, cases[i].format);
        free(data);
    }
}

/* An ini of another program with a [users] section (Grafana's) is no
 * pgbouncer.ini; an auth_file's quoted pairs are PgBouncer's. */
static void test_pgbouncer_conf_kinds(void **state)
{
    (void)state;
    const char grafana[] = "[server]\nhttp_port = 3000\n[users]\nallow_sign_up = false\n";
    pgm_sniff s = pgm_sniff_file("grafana.ini", (const unsigned char *)grafana, sizeof grafana - 1, true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
    const char userlist[] = "\"app\" \"md5a1b2\"\n\"we\"\"ird\" \"SCRAM-SHA-256$4096:x\"\n";
    s = pgm_sniff_file("userlist.txt", (const unsigned char *)userlist, sizeof userlist - 1, true);
    assert_string_equal(pgm_kind_name(s.kind), "pgbouncer_conf");
    assert_string_equal(s.format, "userlist");
}

/* Content wins over a misleading name. */
static void test_content_beats_name(void **state)
{
    (void)state;
    size_t len;
    unsigned char *log = tu_read_file("tests/samples/postgresql-15/run1-stderr/postgresql.log", &len);
    pgm_sniff s = pgm_sniff_file("application.yml", log, len, true);
    assert_string_equal(pgm_kind_name(s.kind), "pg_log");
    assert_true(s.has_timestamps);
    free(log);
    unsigned char *csv = tu_read_file("tests/samples/postgresql-15/pg_stat_activity/psa_psql_csv.csv", &len);
    s = pgm_sniff_file("postgresql.log", csv, len, true);
    assert_string_equal(pgm_kind_name(s.kind), "pg_stat_activity");
    free(csv);
}

static void test_binary_and_empty(void **state)
{
    (void)state;
    unsigned char bin[256];
    for (int i = 0; i < 256; i++)
        bin[i] = (unsigned char)i;
    pgm_sniff s = pgm_sniff_file("x.log", bin, sizeof bin, true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
    assert_string_equal(s.format, "binary");
    assert_false(pgm_sniff_log_like(&s));
    /* journald's file: its header's signature, then the header's state byte
     * and flags (systemd's journal-def.h); a log, said not read */
    memcpy(bin, "LPKSHHRH", 8);
    s = pgm_sniff_file("system.journal", bin, sizeof bin, true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
    assert_string_equal(s.format, "journal-file");
    assert_true(pgm_sniff_log_like(&s));
    assert_non_null(strstr(pgm_sniff_log_like_said(&s), "journalctl --file FILE -o export"));
    s = pgm_sniff_file("x.log", (const unsigned char *)"LPKSHHR", 7, true); /* cut: no signature */
    assert_string_not_equal(s.format, "journal-file");
    s = pgm_sniff_file("x.log", (const unsigned char *)"", 0, true);
    assert_string_equal(s.format, "empty");
    s = pgm_sniff_file("x.log", (const unsigned char *)"\n\n  \n", 5, true);
    assert_string_equal(s.format, "empty");
}

/* A client quoting the server is not a server log. */
static void test_psql_error_output_is_not_a_server_log(void **state)
{
    (void)state;
    const char *t = "psql: error: connection to server at \"127.0.0.1\", port 54329 failed: FATAL:  "
                    "sorry, too many clients already\n";
    pgm_sniff s = pgm_sniff_file("E02.out", (const unsigned char *)t, strlen(t), true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
}

/* A PHP application's log (CodeIgniter's "LEVEL - TIME --> message")
 * quoting libpq after its own words, the message's second line bare: it was
 * read as a server log whose prefix ended in "Unable to connect to
 * PostgreSQL server: ", its refusals with the user "Severity". A standby's
 * own line quoting libpq after its own severity is still the server's. */
static void test_client_quoting_libpq_is_no_server_log(void **state)
{
    (void)state;
    const char *php =
        "ERROR - 2026-11-27 10:34:19 --> Severity: Warning --> pg_connect(): Unable to connect to PostgreSQL "
        "server: FATAL:  sorry, too many clients already\n"
        "FATAL:  sorry, too many clients already /srv/shop/system/database/drivers/postgre/postgre_driver.php 154\n"
        "ERROR - 2026-11-27 10:34:19 --> Unable to connect to the database\n"
        "ERROR - 2026-11-27 10:34:21 --> Severity: Warning --> pg_query(): Query failed: ERROR:  relation "
        "\"carts\" does not exist /srv/shop/system/database/drivers/postgre/postgre_driver.php 242\n";
    pgm_sniff s = pgm_sniff_file("log-2026-11-27.php", (const unsigned char *)php, strlen(php), true);
    assert_string_not_equal(pgm_kind_name(s.kind), "pg_log");
    const char *standby =
        "2026-11-27 02:00:00.000 UTC [100] FATAL:  could not connect to the primary server: connection to server "
        "at \"10.0.0.1\", port 5432 failed: FATAL:  the database system is starting up\n"
        "2026-11-27 02:00:05.000 UTC [101] FATAL:  could not connect to the primary server: connection to server "
        "at \"10.0.0.1\", port 5432 failed: FATAL:  the database system is starting up\n";
    s = pgm_sniff_file("postgresql.log", (const unsigned char *)standby, strlen(standby), true);
    assert_string_equal(pgm_kind_name(s.kind), "pg_log");
}

/* Application logs whose lines quote the server or look like its
 * severities: java.util.logging's "WARNING: msg" under each entry, a Java
 * trace's "PSQLException: FATAL: ..." lines. */
static void test_java_lines_are_no_server_log(void **state)
{
    (void)state;
    const char *jul = "Nov 27, 2026 2:20:56 AM com.zaxxer.hikari.pool.ProxyLeakTask run\n"
                      "WARNING: Connection leak detection triggered, stack trace follows\n"
                      "java.lang.Exception: Apparent connection leak detected\n"
                      "Nov 27, 2026 2:20:57 AM com.zaxxer.hikari.pool.HikariPool log\n"
                      "SEVERE: HikariPool-1 - Exception during pool initialization.\n"
                      "org.postgresql.util.PSQLException: FATAL: sorry, too many clients already\n";
    pgm_sniff s = pgm_sniff_file("orders.log", (const unsigned char *)jul, strlen(jul), true);
    assert_string_equal(pgm_kind_name(s.kind), "app_log");
    const char *msg = "HikariPool-1 - Starting...\n"
                      "Request failed\n"
                      "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, "
                      "request timed out after 30000ms.\n"
                      "Caused by: org.postgresql.util.PSQLException: FATAL: sorry, too many clients already\n"
                      "org.postgresql.util.PSQLException: FATAL: sorry, too many clients already\n";
    s = pgm_sniff_file("orders.log", (const unsigned char *)msg, strlen(msg), true);
    assert_string_equal(pgm_kind_name(s.kind), "app_log");
    assert_string_equal(s.format, "hikari-text");
}

/* A Spring Boot log whose traces' frames lost their tab (Loki's logcli
 * trims each line): the frames are still no lines of another layout, and
 * the file is Spring Boot's, not HikariCP's texts alone. */
static void test_trimmed_frames_keep_the_layout(void **state)
{
    (void)state;
    char text[8192];
    size_t n = 0;
    for (int e = 0; e < 3; e++) {
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "2026-11-27T02:20:5%d.125Z  WARN 30742 --- [orders] [l-1 housekeeper] "
                              "com.zaxxer.hikari.pool.ProxyLeakTask     : Connection leak detection triggered for "
                              "org.postgresql.jdbc.PgConnection@5c362c3d on thread export-scheduler, stack trace follows\n"
                              "java.lang.Exception: Apparent connection leak detected\n", e);
        for (int f = 0; f < 12; f++)
            n += (size_t)snprintf(text + n, sizeof text - n,
                                  "at org.springframework.jdbc.core.JdbcTemplate.execute%d(JdbcTemplate.java:%d)\n", f,
                                  370 + f);
    }
    pgm_sniff s = pgm_sniff_file("orders.log", (const unsigned char *)text, n, true);
    assert_string_equal(pgm_kind_name(s.kind), "app_log");
    assert_string_equal(s.format, "spring_boot");
}

/* Configuration that names a pool or quotes HikariCP is configuration, not
 * a log of HikariCP's texts. */
static void test_configuration_quoting_hikari(void **state)
{
    (void)state;
    const char *yml = "spring:\n  datasource:\n    hikari:\n      pool-name: HikariPool-1\n"
                      "      maximum-pool-size: 10\n";
    pgm_sniff s = pgm_sniff_file("application.yml", (const unsigned char *)yml, strlen(yml), true);
    assert_string_equal(pgm_kind_name(s.kind), "spring_conf");
    const char *props = "poolName=HikariPool-1\nmaximumPoolSize=10\njdbcUrl=jdbc:postgresql://db/shop\n";
    s = pgm_sniff_file("hikari.properties", (const unsigned char *)props, strlen(props), true);
    assert_string_equal(pgm_kind_name(s.kind), "hikari_conf");
    const char *conf = "# HikariPool-1 - Start completed. was logged before this\nmax_connections = 100\n";
    s = pgm_sniff_file("postgresql.conf", (const unsigned char *)conf, strlen(conf), true);
    assert_string_equal(pgm_kind_name(s.kind), "pg_conf");
}

/* A log_line_prefix may end in any character but a word's: ',' before the
 * severity (real PostgreSQL 15 lines under '%n,%e,%q%h,%u,%-12a,%i: '
 * without connection logging). */
static void test_severity_after_any_separator(void **state)
{
    (void)state;
    const char *t = "1796299870.050,00000,LOG:  starting PostgreSQL 15.18 (Debian 15.18-0+deb12u1)\n"
                    "1796299870.050,00000,LOG:  listening on IPv4 address \"127.0.0.1\", port 44111\n"
                    "1796299870.054,00000,LOG:  database system was shut down at 2026-12-03 12:11:09 UTC\n";
    pgm_sniff s = pgm_sniff_file("postgresql.log", (const unsigned char *)t, strlen(t), true);
    assert_string_equal(pgm_kind_name(s.kind), "pg_log");
    assert_string_equal(s.format, "stderr");
    /* a word glued to the capitals is no severity */
    const char *w = "xLOG:  a\nyERROR:  b\nzFATAL:  c\n";
    s = pgm_sniff_file("notes.txt", (const unsigned char *)w, strlen(w), true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
    /* but a SQLSTATE is, a prefix ending in %e with no space after it (real
     * PostgreSQL 15 lines under '%m:%r:%u@%d:[%p] %e', a user's of 2021) */
    const char *e = "2026-12-06 04:20:47.608 UTC:127.0.0.1(57558):app@shop:[14833] 22012ERROR:  division by zero\n"
                    "2026-12-06 04:20:48.365 UTC:127.0.0.1(57604):app@shop:[14851] 53300FATAL:  remaining connection "
                    "slots are reserved for non-replication superuser connections\n"
                    "2026-12-06 04:20:49.001 UTC::@:[14800] 00000LOG:  checkpoint starting: immediate force wait\n";
    s = pgm_sniff_file("postgresql.log", (const unsigned char *)e, strlen(e), true);
    assert_string_equal(pgm_kind_name(s.kind), "pg_log");
    /* digits and capitals that are no SQLSTATE before it are a word still */
    const char *x = "run 1A2B3LOG: a\nrun 12345678ERROR: b\nrun 123456ERROR: c\n";
    s = pgm_sniff_file("notes.txt", (const unsigned char *)x, strlen(x), true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
}

/* RFC 5424 records (rsyslog's RSYSLOG_SyslogProtocol23Format, real
 * PostgreSQL 15 through rsyslogd; Heroku's drain, pganalyze collector's
 * test records) are syslog: they were taken for stderr with a prefix of
 * their headers, and almost no line was read. */
static void test_rfc5424_records_are_syslog(void **state)
{
    (void)state;
    const char *t =
        "<134>1 2026-12-06T05:20:41.043425+00:00 vm postgres 12782 - -  [1-1] 2026-12-06 05:20:41.043 UTC [12782] LOG:  redirecting log output to logging collector process\n"
        "<134>1 2026-12-06T05:20:41.043505+00:00 vm postgres 12782 - -  [1-2] 2026-12-06 05:20:41.043 UTC [12782] HINT:  Future log output will appear in directory \"/tmp/log\".\n"
        "<134>1 2026-12-06T05:20:41.043601+00:00 vm postgres 12782 - -  [2-1] 2026-12-06 05:20:41.043 UTC [12782] LOG:  starting PostgreSQL 15.18 (Debian 15.18-0+deb12u1)\n";
    pgm_sniff s = pgm_sniff_file("syslog", (const unsigned char *)t, strlen(t), true);
    assert_string_equal(pgm_kind_name(s.kind), "pg_log");
    assert_string_equal(s.format, "syslog");
    const char *h =
        "<134>1 2023-06-05T19:33:14+00:00 host app postgres.1105947 - [YELLOW] [12-1]  sql_error_code = 00000 LOG:  statement: SELECT 1\n"
        "<134>1 2023-06-05T19:33:15+00:00 host app postgres.1105947 - [YELLOW] [13-1]  sql_error_code = 00000 LOG:  statement: SELECT 2\n"
        "<134>1 2023-06-05T19:33:16+00:00 host app postgres.1105947 - [YELLOW] [14-1]  sql_error_code = 00000 LOG:  statement: SELECT 3\n";
    s = pgm_sniff_file("drain.log", (const unsigned char *)h, strlen(h), true);
    assert_string_equal(s.format, "syslog");
    /* the same as a drain's HTTPS body holds them: each after its length
     * (RFC 6587's octet counting) */
    const char *framed =
        "127 <134>1 2023-06-05T19:33:14+00:00 host app postgres.1105947 - [YELLOW] [12-1]  sql_error_code = 00000 LOG:  statement: SELECT 1\n"
        "127 <134>1 2023-06-05T19:33:15+00:00 host app postgres.1105947 - [YELLOW] [13-1]  sql_error_code = 00000 LOG:  statement: SELECT 2\n"
        "127 <134>1 2023-06-05T19:33:16+00:00 host app postgres.1105947 - [YELLOW] [14-1]  sql_error_code = 00000 LOG:  statement: SELECT 3\n";
    s = pgm_sniff_file("drain.log", (const unsigned char *)framed, strlen(framed), true);
    assert_string_equal(pgm_kind_name(s.kind), "pg_log");
    assert_string_equal(s.format, "syslog");
    /* another program's RFC 5424 records are not the server's */
    const char *o =
        "<134>1 2026-12-06T05:20:41.043425+00:00 vm sshd 812 - - Accepted publickey for root from 10.0.0.1\n"
        "<134>1 2026-12-06T05:20:42.043425+00:00 vm sshd 812 - - Received disconnect from 10.0.0.1\n"
        "<134>1 2026-12-06T05:20:43.043425+00:00 vm cron 813 - - (root) CMD (run-parts /etc/cron.hourly)\n";
    s = pgm_sniff_file("syslog", (const unsigned char *)o, strlen(o), true);
    assert_string_not_equal(s.format ? s.format : "", "syslog");
}

/* A zero-filled block (a crash lost the pages) is damage, not the file's
 * kind: a real server log with 4 KiB of NUL after its 60th line is still a
 * server log; a file of scattered control bytes is still binary. */
static void test_nul_block_is_no_binary(void **state)
{
    (void)state;
    size_t len;
    unsigned char *log = tu_read_file("tests/samples/postgresql-15/run1-stderr/postgresql.log", &len);
    size_t cut = 0;
    for (int lines = 0; cut < len && lines < 60; cut++)
        lines += log[cut] == '\n';
    size_t head = len < 16384 ? len : 16384;
    unsigned char *damaged = malloc(head + 4096);
    assert_non_null(damaged);
    memcpy(damaged, log, cut);
    memset(damaged + cut, 0, 4096);
    memcpy(damaged + cut + 4096, log + cut, head - cut);
    pgm_sniff s = pgm_sniff_file("postgresql.log", damaged, head + 4096, false);
    assert_string_equal(pgm_kind_name(s.kind), "pg_log");
    for (size_t i = 0; i < head; i += 7)
        damaged[i] = 1;
    s = pgm_sniff_file("postgresql.log", damaged, head, false);
    assert_string_equal(s.format, "binary");
    free(damaged);
    free(log);
}

/* The name decides only when the content is too thin to tell. */
static void test_name_breaks_ties(void **state)
{
    (void)state;
    const char *yml = "server:\n  port: 8080\n";
    pgm_sniff s = pgm_sniff_file("application.yml", (const unsigned char *)yml, strlen(yml), true);
    assert_string_equal(pgm_kind_name(s.kind), "spring_conf");
    s = pgm_sniff_file("values.yml", (const unsigned char *)yml, strlen(yml), true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
    assert_string_equal(s.format, "yaml");
}

/* Pretty-printed JSON opens with a lone "{": the whole document decides. */
static void test_pretty_json_documents(void **state)
{
    (void)state;
    const char *dep = "{\n  \"apiVersion\": \"apps/v1\",\n  \"kind\": \"Deployment\"\n}\n";
    pgm_sniff s = pgm_sniff_file("dep.json", (const unsigned char *)dep, strlen(dep), true);
    assert_string_equal(pgm_kind_name(s.kind), "k8s_manifest");
    assert_string_equal(s.format, "json");
    const char *other = "{\n  \"scenario\": \"x\",\n  \"verdict\": {\"kind\": \"leak\"}\n}\n";
    s = pgm_sniff_file("truth.json", (const unsigned char *)other, strlen(other), true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
    assert_string_equal(s.format, "json");
    assert_false(s.has_timestamps);
    /* records dated under a time's key, none of a shape pgmortem reads (an
     * audit log's entries): a log of its own kind, said; a dashboard's one
     * time is none */
    const char *audit = "[\n  {\n    \"protoPayload\": {\"methodName\": \"cloudsql.instances.update\"},\n"
                        "    \"timestamp\": \"2026-11-27T02:20:35.313Z\"\n  },\n  {\n"
                        "    \"protoPayload\": {\"methodName\": \"cloudsql.instances.restart\"},\n"
                        "    \"timestamp\": \"2026-11-27T02:21:35.313Z\"\n  }\n]\n";
    s = pgm_sniff_file("audit.json", (const unsigned char *)audit, strlen(audit), true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
    assert_true(s.has_timestamps);
    assert_string_equal(pgm_sniff_log_like_said(&s), PGM_LOG_LIKE_UNKNOWN_JSON);
    const char *dash = "{\n  \"dashboard\": {\n    \"time\": {\"from\": \"2026-11-27T00:00:00Z\", \"to\": \"now\"}\n  }\n}\n";
    s = pgm_sniff_file("dashboard.json", (const unsigned char *)dash, strlen(dash), true);
    assert_false(s.has_timestamps);
}

/* Grafana Loki's HTTP API answer to a log query, as curl saves it (one line)
 * and as jq indents it: no log of one line under a prefix made of the
 * document's keys (a server's line inside it made it one). The loki-api
 * envelope reads its values before the sniffer sees the file; one whose head
 * holds none it reads comes here and is said, with what to save instead. So
 * is a one-line document of other dated records. */
static void test_loki_api_json_is_said(void **state)
{
    (void)state;
    const char *compact =
        "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{\"container\":"
        "\"postgres\",\"pod\":\"pg-0\"},\"values\":[[\"1795746138345000000\",\"2026-11-27 02:22:18.345 UTC "
        "[30725] LOG:  database system is shut down\"],[\"1795746138335000000\",\"2026-11-27 02:22:18.335 UTC "
        "[30727] LOG:  checkpoint complete\"]]}],\"stats\":{}}}\n";
    pgm_sniff s = pgm_sniff_file("query_range.json", (const unsigned char *)compact, strlen(compact), true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
    assert_string_equal(s.format, "loki-api");
    assert_true(s.has_timestamps);
    assert_string_equal(pgm_sniff_log_like_said(&s), PGM_LOG_LIKE_LOKI_API);
    const char *pretty = "{\n  \"status\": \"success\",\n  \"data\": {\n    \"resultType\": \"streams\",\n"
                         "    \"result\": [\n      {\n        \"stream\": {\n          \"pod\": \"pg-0\"\n"
                         "        },\n        \"values\": [\n          [\n            \"1795746138345000000\",\n"
                         "            \"2026-11-27 02:22:18.345 UTC [30725] LOG:  database system is shut down\"\n"
                         "          ]\n        ]\n      }\n    ]\n  }\n}\n";
    s = pgm_sniff_file("query_range.json", (const unsigned char *)pretty, strlen(pretty), true);
    assert_string_equal(s.format, "loki-api");
    assert_string_equal(pgm_sniff_log_like_said(&s), PGM_LOG_LIKE_LOKI_API);
    /* a one-line search answer whose hits hold a server's lines */
    const char *hits = "{\"hits\":{\"hits\":[{\"_source\":{\"time\":\"2026-11-27T02:22:18.345Z\",\"text\":"
                       "\"2026-11-27 02:22:18.345 UTC [30725] LOG:  database system is shut down\"}},"
                       "{\"_source\":{\"time\":\"2026-11-27T02:22:18.335Z\",\"text\":\"2026-11-27 02:22:18.335 "
                       "UTC [30727] LOG:  checkpoint complete\"}}]}}\n";
    s = pgm_sniff_file("search.json", (const unsigned char *)hits, strlen(hits), true);
    assert_string_equal(pgm_kind_name(s.kind), "unknown");
    assert_string_equal(pgm_sniff_log_like_said(&s), PGM_LOG_LIKE_UNKNOWN_JSON);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_samples),
        cmocka_unit_test(test_loki_api_json_is_said),
        cmocka_unit_test(test_content_beats_name),
        cmocka_unit_test(test_binary_and_empty),
        cmocka_unit_test(test_psql_error_output_is_not_a_server_log),
        cmocka_unit_test(test_java_lines_are_no_server_log),
        cmocka_unit_test(test_trimmed_frames_keep_the_layout),
        cmocka_unit_test(test_client_quoting_libpq_is_no_server_log),
        cmocka_unit_test(test_configuration_quoting_hikari),
        cmocka_unit_test(test_name_breaks_ties),
        cmocka_unit_test(test_severity_after_any_separator),
        cmocka_unit_test(test_rfc5424_records_are_syslog),
        cmocka_unit_test(test_nul_block_is_no_binary),
        cmocka_unit_test(test_pretty_json_documents),
        cmocka_unit_test(test_pgbouncer_conf_kinds),
    };
    return cmocka_run_group_tests_name("sniff", tests, NULL, NULL);
}
