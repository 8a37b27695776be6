/* The report's parts below the writers: the idle-in-transaction holders
 * (one per transaction however many snapshots show it; a reused pid in a
 * new transaction is another), durations as a reader sees them, the tables
 * both writers render, and the event sinks (zstd output that decompresses to
 * what was written; a full disk reported at close). */
#define _GNU_SOURCE /* O_DIRECT */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <zstd.h>

#include "catalog/event_kinds.h"
#include "forensics/analysis_impl.h"
#include "forensics/clocks.h"
#include "report/quotes.h"
#include "forensics/holders.h"
#include "forensics/thresholds.h"
#include "rules/ruleset.h"
#include "report/markdown.h"
#include "report/json.h"
#include "report/remediation.h"
#include "report/tables.h"
#include "timeline/sink.h"
#include "util/writebehind.h"

static void feed_holder(pgm_holders *h, int64_t t, const char *pid, const char *xact, const char *query)
{
    pgm_event e;
    memset(&e, 0, sizeof e);
    e.t = t;
    e.kind = "activity.idle_in_transaction";
    e.kind_id = PGM_EV_ACTIVITY_IDLE_IN_TRANSACTION;
    e.path = "psa.txt";
    e.line = (uint64_t)(t / 1000000 % 1000);
    const char *values[PGM_EVENT_COMMON_FIELDS] = {pid, "app", "appdb", "leaky", "10.0.0.1", NULL, NULL, NULL};
    for (size_t i = 0; i < PGM_EVENT_COMMON_FIELDS; i++)
        e.fields[e.n_fields++] = (pgm_field){pgm_event_common_names[i], values[i], 0};
    e.fields[e.n_fields++] = (pgm_field){"xact_start", xact, 0};
    e.fields[e.n_fields++] = (pgm_field){"query", query, 0};
    pgm_holders_event(h, &e);
}

#define SEC(s) (1764200000000000LL + (int64_t)(s) * 1000000LL)

/* The Markdown report of `a`, malloc'd. */
static char *markdown_of(const pgm_analysis *a)
{
    char *md = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&md, &len);
    assert_non_null(f);
    pgm_report_markdown(a, f);
    fclose(f);
    return md;
}

static void test_holders(void **state)
{
    (void)state;
    pgm_holders h = {0};
    /* 1764200000 s is 2025-11-26T23:33:20Z */
    feed_holder(&h, SEC(10), "100", "2025-11-26T23:33:25.000Z", "UPDATE a SET x = 1");
    feed_holder(&h, SEC(10), "200", "2025-11-26T23:33:29.000Z", "SELECT 1");
    feed_holder(&h, SEC(20), "100", "2025-11-26T23:33:25.000Z", "UPDATE a SET x = 2");
    /* pid 200 ended its transaction and began another: a second holder */
    feed_holder(&h, SEC(20), "200", "2025-11-26T23:33:35.000Z", "SELECT 2");
    feed_holder(&h, SEC(30), "300", NULL, "SELECT 3");
    pgm_holders_sort(&h);
    assert_int_equal(h.n, 4);
    assert_int_equal(h.v[0].pid, 100);                 /* open 15 s at its last sighting */
    assert_int_equal(h.v[0].snapshots, 2);
    assert_int_equal(pgm_holder_open_us(&h.v[0]), 15000000);
    assert_string_equal(h.v[0].query, "UPDATE a SET x = 2");
    assert_int_equal(h.v[0].first_seen, SEC(10));
    assert_int_equal(h.v[0].line, 10);                 /* the first row that showed it */
    assert_int_equal(h.v[1].pid, 200);
    assert_int_equal(pgm_holder_open_us(&h.v[1]), 5000000);
    assert_int_equal(h.v[2].pid, 200);
    assert_int_equal(pgm_holder_open_us(&h.v[2]), 1000000);
    assert_int_equal(h.v[3].pid, 300);                 /* no xact_start: unknown, last */
    assert_int_equal(pgm_holder_open_us(&h.v[3]), -1);
    pgm_holders_free(&h);

    /* more transactions than are followed: counted, not listed */
    for (unsigned i = 0; i < PGM_HOLDERS_MAX + 5; i++) {
        char pid[16];
        snprintf(pid, sizeof pid, "%u", i + 1);
        feed_holder(&h, SEC(1), pid, NULL, NULL);
    }
    assert_int_equal(h.n, PGM_HOLDERS_MAX);
    assert_int_equal(h.dropped, 5);
    pgm_holders_free(&h);
}

static void test_duration(void **state)
{
    (void)state;
    char b[32];
    pgm_format_duration(12500000, b);
    assert_string_equal(b, "12.5s");
    pgm_format_duration(250000000, b);
    assert_string_equal(b, "4m 10s");
    pgm_format_duration(7380000000LL, b);
    assert_string_equal(b, "2h 03m");
    pgm_format_duration(-1, b);
    assert_string_equal(b, "unknown");
}

/* A statement with a pipe and a backtick cannot break the Markdown table. */
static void test_holders_table_markdown(void **state)
{
    (void)state;
    pgm_analysis *a;
    assert_int_equal(pgm_analysis_open(&a), PGM_OK);
    pgm_event e;
    memset(&e, 0, sizeof e);
    e.t = SEC(10);
    e.kind = "activity.idle_in_transaction";
    e.kind_id = PGM_EV_ACTIVITY_IDLE_IN_TRANSACTION;
    e.path = "psa.txt";
    e.line = 7;
    const char *values[PGM_EVENT_COMMON_FIELDS] = {"42", "app", "appdb", "leaky", "10.0.0.1", NULL, NULL, NULL};
    for (size_t i = 0; i < PGM_EVENT_COMMON_FIELDS; i++)
        e.fields[e.n_fields++] = (pgm_field){pgm_event_common_names[i], values[i], 0};
    e.fields[e.n_fields++] = (pgm_field){"xact_start", "2025-11-26T23:33:25.000Z", 0};
    e.fields[e.n_fields++] = (pgm_field){"query", "SELECT 'a|b', `x`", 0};
    pgm_analysis_event(a, &e);
    assert_int_equal(pgm_analysis_finish(a), PGM_OK);
    pgm_table t;
    assert_int_equal(pgm_table_idle_in_transaction(a, &t), PGM_OK);
    assert_int_equal(t.n_rows, 1);
    assert_string_equal(pgm_table_cell(&t, 0, 0)->text, "42");
    assert_string_equal(pgm_table_cell(&t, 0, 1)->text, "app@appdb from 10.0.0.1 (leaky)");
    assert_string_equal(pgm_table_cell(&t, 0, 3)->text, "5.0s");
    assert_string_equal(pgm_table_cell(&t, 0, 6)->text, "psa.txt:7");
    assert_int_equal(pgm_table_cell(&t, 0, 6)->role, PGM_CELL_CITE);
    pgm_table_free(&t);
    char *md = markdown_of(a);
    const char *row = strstr(md, "| 42 |");
    assert_non_null(row);
    const char *end = strchr(row, '\n');
    assert_non_null(strstr(row, "SELECT 'a\\|b', `x`"));   /* plain, the pipe escaped */
    size_t pipes = 0;
    for (const char *p = row; p < end; p++)
        pipes += *p == '|' && p[-1] != '\\';
    assert_int_equal(pipes, 8);                             /* 7 cells */
    free(md);
    pgm_analysis_close(a);
}

static void test_sink_zstd(void **state)
{
    (void)state;
    char path[] = "/tmp/pgm-sink-XXXXXX.jsonl.zst";
    int fd = mkstemps(path, 10);
    assert_true(fd >= 0);
    close(fd);
    assert_true(pgm_sink_wants_zstd(path));
    assert_false(pgm_sink_wants_zstd("events.jsonl"));
    char err[PGM_ERR_MAX];
    pgm_sink *s;
    assert_int_equal(pgm_sink_open(&s, path, true, err), PGM_OK);
    /* more than one zstd block, so the stream is fed and flushed many times */
    size_t total = 0;
    char line[128];
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(line, sizeof line, "{\"n\":%d,\"kind\":\"conn.authorized\"}\n", i);
        assert_int_equal(pgm_sink_write(s, line, (size_t)n), PGM_OK);
        total += (size_t)n;
    }
    assert_int_equal(pgm_sink_close(s, err), PGM_OK);
    size_t n;
    char *packed = tu_read_file(path, &n);
    static char plain[1 << 21];
    unlink(path);
    assert_true(n > 0 && n < total / 4);
    size_t got = ZSTD_decompress(plain, sizeof plain, packed, n);
    free(packed);
    assert_false(ZSTD_isError(got));
    assert_int_equal(got, total);
    assert_memory_equal(plain, "{\"n\":0,\"kind\"", 13);
    const char *last = "{\"n\":19999,\"kind\":\"conn.authorized\"}\n";
    assert_memory_equal(plain + got - strlen(last), last, strlen(last));
}

static void test_sink_errors(void **state)
{
    (void)state;
    char err[PGM_ERR_MAX] = "";
    pgm_sink *s;
    assert_int_equal(pgm_sink_open(&s, "/nonexistent/dir/x.jsonl", false, err), PGM_FAILED);
    assert_null(s);
    assert_non_null(strstr(err, "/nonexistent/dir/x.jsonl: No such file"));
    for (int zstd = 0; zstd < 2; zstd++) {
        if (access("/dev/full", W_OK) != 0)
            skip();
        assert_int_equal(pgm_sink_open(&s, "/dev/full", zstd, err), PGM_OK);
        char block[4096];
        memset(block, 'x', sizeof block);
        for (int i = 0; i < 1024; i++)
            pgm_sink_write(s, block, sizeof block);
        err[0] = 0;
        assert_int_equal(pgm_sink_close(s, err), PGM_FAILED);
        assert_non_null(strstr(err, "No space left"));
    }
}

/* An empty file of a name made from `path`'s XXXXXX, for a sink to write. */
static void make_temp_file(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}

/* Small writes gather in stdio's buffer, large ones go to the file as they
 * are: the bytes keep their order either way, and a large write that fails
 * is said at close as a small one is. */
static void test_sink_small_and_large_writes(void **state)
{
    (void)state;
    char err[PGM_ERR_MAX] = "", path[] = "/tmp/pgmortem-sink-XXXXXX";
    make_temp_file(path);
    pgm_sink *s;
    assert_int_equal(pgm_sink_open(&s, path, false, err), PGM_OK);
    static char big[200 << 10];
    memset(big, 'b', sizeof big);
    assert_int_equal(pgm_sink_write(s, "small 1\n", 8), PGM_OK);
    assert_int_equal(pgm_sink_write(s, big, sizeof big), PGM_OK);
    assert_int_equal(pgm_sink_write(s, "small 2\n", 8), PGM_OK);
    assert_int_equal(pgm_sink_write(s, big, sizeof big), PGM_OK);
    assert_int_equal(pgm_sink_close(s, err), PGM_OK);
    size_t n;
    char *got = tu_read_file(path, &n);
    unlink(path);
    assert_int_equal(n, 2 * sizeof big + 16);
    assert_memory_equal(got, "small 1\n", 8);
    assert_memory_equal(got + 8, big, sizeof big);
    assert_memory_equal(got + 8 + sizeof big, "small 2\n", 8);
    assert_memory_equal(got + 16 + sizeof big, big, sizeof big);
    free(got);
    if (access("/dev/full", W_OK) != 0)
        skip();
    assert_int_equal(pgm_sink_open(&s, "/dev/full", false, err), PGM_OK);
    assert_int_equal(pgm_sink_write(s, big, sizeof big), PGM_FAILED);
    assert_int_equal(pgm_sink_write(s, "after\n", 6), PGM_FAILED);
    err[0] = 0;
    assert_int_equal(pgm_sink_close(s, err), PGM_FAILED);
    assert_non_null(strstr(err, "No space left"));
}

/* A timeline of gigabytes goes to its file written behind (util/writebehind):
 * past the first PGM_WRITEBEHIND_START bytes only the last few MiB stay in
 * the page cache, and every byte is in the file as written. */
static void test_sink_writes_a_large_file_behind(void **state)
{
    (void)state;
    char err[PGM_ERR_MAX] = "", path[] = "/tmp/pgmortem-sink-XXXXXX";
    make_temp_file(path);
    struct statfs fs;
    if (statfs(path, &fs) == 0 && fs.f_type == TMPFS_MAGIC) {
        print_message("skipped: /tmp is a tmpfs, whose pages are the file\n");
        unlink(path);
        skip();
    }
    pgm_sink *s;
    assert_int_equal(pgm_sink_open(&s, path, false, err), PGM_OK);
    const off_t size = PGM_WRITEBEHIND_START + (24 << 20);
    static char batch[300 << 10]; /* larger than a direct write, not a page multiple */
    off_t at = 0;
    while (at < size) {
        size_t n = sizeof batch;
        for (size_t i = 0; i < n; i++)
            batch[i] = (char)('a' + (at + (off_t)i) % 26);
        assert_int_equal(pgm_sink_write(s, batch, n), PGM_OK);
        at += (off_t)n;
        assert_int_equal(pgm_sink_write(s, "\n", 1), PGM_OK); /* through stdio's buffer */
        at += 1;
    }
    assert_int_equal(pgm_sink_close(s, err), PGM_OK);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_size, at);
    off_t behind_end = (at - PGM_WRITEBEHIND_WINDOW - PGM_WRITEBEHIND_ALIGN - 2 * PGM_WRITEBEHIND_STEP) &
                       ~(off_t)(PGM_WRITEBEHIND_ALIGN - 1);
    assert_true(tu_percent_cached(fd, PGM_WRITEBEHIND_START, behind_end) < 2);
    /* the bytes: a batch, its newline, the next batch */
    static char got[sizeof batch + 1];
    for (off_t b = 0; b + (off_t)sizeof got <= at; b += (off_t)sizeof got * 37) {
        assert_int_equal(pread(fd, got, sizeof got, b), (ssize_t)sizeof got);
        for (size_t i = 0; i < sizeof batch; i += 101)
            assert_int_equal(got[i], (char)('a' + (b + (off_t)i) % 26));
        assert_int_equal(got[sizeof batch], '\n');
    }
    /* the end, the last partial block written through the page cache */
    assert_int_equal(pread(fd, got, sizeof got, at - (off_t)sizeof got), (ssize_t)sizeof got);
    assert_int_equal(got[sizeof got - 1], '\n');
    for (size_t i = 0; i + 1 < sizeof got; i += 7)
        assert_int_equal(got[i], (char)('a' + (at - (off_t)sizeof got + (off_t)i) % 26));
    close(fd);
    unlink(path);
}

/* A file taken back while it is written directly (util/directwrite) is cut
 * to nothing and written again, directly again once it is large. */
static void test_sink_rewinds_a_file_written_directly(void **state)
{
    (void)state;
    char err[PGM_ERR_MAX] = "", path[] = "/tmp/pgmortem-sink-XXXXXX";
    make_temp_file(path);
    int probe = open(path, O_RDONLY | O_DIRECT); /* whether the file system can */
    bool can = probe >= 0;
    if (can)
        close(probe);
    pgm_sink *s;
    assert_int_equal(pgm_sink_open(&s, path, false, err), PGM_OK);
    static char block[1 << 20];
    for (int round = 0; round < 2; round++) {
        memset(block, round ? 'y' : 'x', sizeof block);
        for (off_t at = 0; at < PGM_WRITEBEHIND_START + (3 << 20); at += (off_t)sizeof block)
            assert_int_equal(pgm_sink_write(s, block, sizeof block), PGM_OK);
        assert_int_equal(pgm_sink_write(s, "tail", 4), PGM_OK);
        assert_true(pgm_sink_gathers(s) == can); /* written directly, again after the rewind */
        if (round == 0)
            assert_int_equal(pgm_sink_rewind(s), PGM_OK);
    }
    assert_int_equal(pgm_sink_close(s, err), PGM_OK);
    size_t n;
    char *got = tu_read_file(path, &n);
    assert_int_equal(n, PGM_WRITEBEHIND_START + (3 << 20) + 4);
    for (size_t i = 0; i + 4 < n; i += 4093)
        assert_int_equal(got[i], 'y');
    assert_memory_equal(got + n - 4, "tail", 4);
    free(got);
    unlink(path);
}

/* What timeline takes back when a log turns out not to be in time order: a
 * file's bytes (compressed too), nothing of /dev/null; a pipe and a file
 * opened for appending cannot be rewound. */
static void test_sink_rewind(void **state)
{
    (void)state;
    char err[PGM_ERR_MAX] = "", path[] = "/tmp/pgmortem-sink-XXXXXX";
    make_temp_file(path);
    for (int zstd = 0; zstd < 2; zstd++) {
        pgm_sink *s;
        assert_int_equal(pgm_sink_open(&s, path, zstd, err), PGM_OK);
        assert_true(pgm_sink_rewindable(s));
        for (int i = 0; i < 20000; i++)
            assert_int_equal(pgm_sink_write(s, "taken back\n", 11), PGM_OK);
        assert_int_equal(pgm_sink_rewind(s), PGM_OK);
        assert_int_equal(pgm_sink_write(s, "kept\n", 5), PGM_OK);
        assert_int_equal(pgm_sink_close(s, err), PGM_OK);
        size_t n;
        char *got = tu_read_file(path, &n);
        if (!zstd) {
            assert_int_equal(n, 5);
            assert_memory_equal(got, "kept\n", 5);
        } else {
            char out[64];
            size_t dn = ZSTD_decompress(out, sizeof out, got, n);
            assert_false(ZSTD_isError(dn));
            assert_int_equal(dn, 5);
            assert_memory_equal(out, "kept\n", 5);
        }
        free(got);
    }
    unlink(path);
    pgm_sink *s;
    assert_int_equal(pgm_sink_open(&s, "/dev/null", false, err), PGM_OK);
    assert_true(pgm_sink_rewindable(s));
    assert_int_equal(pgm_sink_rewind(s), PGM_OK);
    assert_int_equal(pgm_sink_close(s, err), PGM_OK);
    /* stdout as a pipe, then as a file opened for appending */
    int p[2];
    assert_int_equal(pipe(p), 0);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    fflush(stdout);
    assert_true(dup2(p[1], STDOUT_FILENO) >= 0);
    assert_int_equal(pgm_sink_open(&s, "-", false, err), PGM_OK);
    assert_false(pgm_sink_rewindable(s));
    assert_int_equal(pgm_sink_rewind(s), PGM_FAILED);
    pgm_sink_close(s, NULL);
    int fd = open("/tmp/pgmortem-sink-append", O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_true(dup2(fd, STDOUT_FILENO) >= 0);
    assert_int_equal(pgm_sink_open(&s, "-", false, err), PGM_OK);
    assert_false(pgm_sink_rewindable(s));
    pgm_sink_close(s, NULL);
    fflush(stdout);
    assert_true(dup2(saved, STDOUT_FILENO) >= 0);
    close(saved);
    close(fd);
    close(p[0]);
    close(p[1]);
    unlink("/tmp/pgmortem-sink-append");
}

static finding_copy *add_finding(pgm_analysis *a, const char *path, unsigned line, const char *key, const char *source,
                                 const char *set, const char *to, const char *param)
{
    finding_copy *f = &a->findings[a->n_findings++];
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    f->line = line;
    f->file_lines = 20;
    snprintf(f->key, sizeof f->key, "%s", key);
    if (source) {
        snprintf(f->source, sizeof f->source, "%s", source);
        f->has_source = true;
    }
    snprintf(f->fix_set, sizeof f->fix_set, "%s", set ? set : "");
    snprintf(f->fix_to, sizeof f->fix_to, "%s", to ? to : "");
    snprintf(f->fix_url_param, sizeof f->fix_url_param, "%s", param ? param : "");
    return f;
}

static void test_config_diff(void **state)
{
    (void)state;
    pgm_analysis *a;
    assert_int_equal(pgm_analysis_open(&a), PGM_OK);
    a->findings = calloc(16, sizeof *a->findings);
    assert_non_null(a->findings);
    /* a quoted URL with a comment after it: the parameter goes inside the URL;
     * one already there gets its new value; two fixes of one line make one change */
    add_finding(a, "b.tar!app/application.yml", 3, "spring.datasource.url",
                "  url: \"jdbc:postgresql://db/shop?socketTimeout=0&x=1\" # main", NULL, NULL, "socketTimeout=60");
    add_finding(a, "b.tar!app/application.yml", 3, "spring.datasource.url",
                "  url: \"jdbc:postgresql://db/shop?socketTimeout=0&x=1\" # main", NULL, NULL, "tcpKeepAlive=true");
    /* a pool property set on the cited line: in place, as written there */
    add_finding(a, "b.tar!app/application.yml", 7, "spring.datasource.hikari.leak-detection-threshold",
                "      leak-detection-threshold: 0", "leak-detection-threshold", "60000", NULL);
    /* a server parameter, written in another case */
    add_finding(a, "db/postgresql.conf", 9, "IDLE_IN_TRANSACTION_SESSION_TIMEOUT",
                "IDLE_IN_TRANSACTION_SESSION_TIMEOUT = 0\t# off", "idle_in_transaction_session_timeout", "5min", NULL);
    /* not set anywhere: added at the end, once */
    add_finding(a, "db/postgresql.conf", 1, "", NULL, "log_lock_waits", "on", NULL);
    add_finding(a, "db/postgresql.conf", 1, "", NULL, "log_lock_waits", "on", NULL);
    /* properties, under a custom pool prefix */
    add_finding(a, "svc/application.properties", 4, "app.ds.hikari.pool-name", "app.ds.hikari.pool-name=x",
                "keepalive-time", "120000", NULL);
    /* a line with no JDBC URL, and a file of no known style: no change */
    add_finding(a, "svc/other.txt", 2, "k", "no url here", NULL, NULL, "loginTimeout=10");
    add_finding(a, "svc/deploy.json", 2, "k", "{}", "x", "y", NULL);
    pgm_strbuf d;
    pgm_strbuf_init(&d, 1u << 16);
    size_t left;
    assert_true(pgm_report_config_diff(a, &d, &left));
    assert_int_equal(left, 0);
    pgm_strbuf_add(&d, "", 1);
    assert_string_equal(d.p,
        "--- a/app/application.yml\n+++ b/app/application.yml\n"
        "@@ -3 +3 @@\n"
        "-  url: \"jdbc:postgresql://db/shop?socketTimeout=0&x=1\" # main\n"
        "+  url: \"jdbc:postgresql://db/shop?socketTimeout=60&x=1&tcpKeepAlive=true\" # main\n"
        "@@ -7 +7 @@\n"
        "-      leak-detection-threshold: 0\n"
        "+      leak-detection-threshold: 60000\n"
        "--- a/db/postgresql.conf\n+++ b/db/postgresql.conf\n"
        "@@ -9 +9 @@\n"
        "-IDLE_IN_TRANSACTION_SESSION_TIMEOUT = 0\t# off\n"
        "+idle_in_transaction_session_timeout = '5min'\n"
        "@@ -20,0 +21,1 @@\n"
        "+log_lock_waits = 'on'\n"
        "--- a/svc/application.properties\n+++ b/svc/application.properties\n"
        "@@ -20,0 +21,1 @@\n"
        "+app.ds.hikari.keepalive-time=120000\n");
    pgm_strbuf_free(&d);
    /* a HikariCP properties file names the property in camelCase; a pool under a custom
     * prefix, cited by its url line with no key, gets the property under that prefix; a `url`
     * the pool does not bind (SPB-URL-001 on that line) is given no parameter */
    a->n_findings = 0;
    finding_copy *h = add_finding(a, "w/hikari.properties", 1, "jdbcUrl", "jdbcUrl=jdbc:postgresql://db/x",
                                  "leak-detection-threshold", "60000", NULL);
    snprintf(h->file_kind, sizeof h->file_kind, "hikari_conf");
    h = add_finding(a, "w/hikari.properties", 1, "jdbcUrl", "jdbcUrl=jdbc:postgresql://db/x", "spring.jpa.open-in-view",
                    "false", NULL);
    snprintf(h->file_kind, sizeof h->file_kind, "hikari_conf");
    add_finding(a, "b/application.properties", 10, "", "app.ds.reports.url=jdbc:postgresql://db/r", "keepalive-time",
                "120000", NULL);
    add_finding(a, "b/application.properties", 10, "", "app.ds.reports.url=jdbc:postgresql://db/r", NULL, NULL,
                "socketTimeout=60");
    finding_copy *u = add_finding(a, "b/application.properties", 10, "", "app.ds.reports.url=jdbc:postgresql://db/r",
                                  NULL, NULL, NULL);
    snprintf(u->rule, sizeof u->rule, "%s", PGM_RULE_URL_NOT_BOUND);
    bool addressed[8];
    pgm_strbuf_init(&d, 1u << 16);
    assert_true(pgm_report_config_diff_addressed(a, &d, addressed, &left));
    pgm_strbuf_add(&d, "", 1);
    assert_string_equal(d.p,
        "--- a/w/hikari.properties\n+++ b/w/hikari.properties\n"
        "@@ -20,0 +21,1 @@\n"
        "+leakDetectionThreshold=60000\n"
        "--- a/b/application.properties\n+++ b/b/application.properties\n"
        "@@ -20,0 +21,1 @@\n"
        "+app.ds.reports.keepalive-time=120000\n");
    assert_true(addressed[0]);
    assert_false(addressed[1]);   /* a Spring key has no place in a HikariCP file */
    assert_true(addressed[2]);
    assert_false(addressed[3]);   /* the url there is not the pool's */
    pgm_strbuf_free(&d);
    /* a cited line whose key runs past any buffer (no ':' in 600 bytes) is left alone */
    a->n_findings = 0;
    char long_line[601];
    memset(long_line, 'a', 600);
    long_line[600] = 0;
    add_finding(a, "b/application.yml", 3, "x.hikari.y", long_line, "y", "1", NULL);
    pgm_strbuf_init(&d, 1u << 16);
    assert_false(pgm_report_config_diff_addressed(a, &d, addressed, &left));
    assert_false(addressed[0]);
    pgm_strbuf_free(&d);
    /* a line with a run of backticks cannot close the Markdown block it is shown in */
    a->n_findings = 0;
    add_finding(a, "db/postgresql.conf", 5, "log_lock_waits", "log_lock_waits = off # ```end", "log_lock_waits", "on",
                NULL);
    char *md = markdown_of(a);
    assert_non_null(strstr(md, "````diff\n"));
    assert_non_null(strstr(md, "-log_lock_waits = off # ```end\n+log_lock_waits = 'on'\n````\n"));
    free(md);
    /* nothing with a fix: no diff */
    a->n_findings = 0;
    add_finding(a, "svc/other.txt", 2, "k", "no url here", NULL, NULL, "loginTimeout=10");
    pgm_strbuf_init(&d, 1u << 16);
    assert_false(pgm_report_config_diff(a, &d, &left));
    pgm_strbuf_free(&d);
    pgm_analysis_close(a);
}

/* A diff past PGM_DIFF_MAX_FILES files, or PGM_DIFF_MAX_LINES lines of a
 * file changed or added: the edits left out are counted, and the report
 * says so below the diff. (Through the command line the findings' own cap
 * comes first: the packs' rules give a file a handful of findings.) */
static void test_config_diff_past_its_bounds(void **state)
{
    (void)state;
    pgm_analysis *a;
    assert_int_equal(pgm_analysis_open(&a), PGM_OK);
    a->findings = calloc(PGM_DIFF_MAX_FILES + 2 * PGM_DIFF_MAX_LINES + 4, sizeof *a->findings);
    assert_non_null(a->findings);
    char path[64], source[64];
    /* one file more than a diff shows */
    for (unsigned i = 0; i <= PGM_DIFF_MAX_FILES; i++) {
        snprintf(path, sizeof path, "db%u/postgresql.conf", i);
        add_finding(a, path, 1, "", NULL, "log_lock_waits", "on", NULL);
    }
    pgm_strbuf d;
    pgm_strbuf_init(&d, 1u << 20);
    size_t left;
    assert_true(pgm_report_config_diff(a, &d, &left));
    assert_int_equal(left, 1);
    pgm_strbuf_add(&d, "", 1);
    assert_non_null(strstr(d.p, "db63/postgresql.conf"));
    assert_null(strstr(d.p, "db64/postgresql.conf"));
    pgm_strbuf_free(&d);
    char *md = markdown_of(a);
    assert_non_null(strstr(md, "1 more edit(s) the findings call for are not in this diff: it shows at most 64 files"));
    free(md);
    /* one file: a line more than a diff changes, and a setting more than it adds */
    a->n_findings = 0;
    for (unsigned i = 0; i <= PGM_DIFF_MAX_LINES; i++) {
        snprintf(source, sizeof source, "work_mem%u = 0", i);
        snprintf(path, sizeof path, "work_mem%u", i);
        add_finding(a, "db/postgresql.conf", 10 + i, path, source, path, "1", NULL);
        snprintf(path, sizeof path, "setting_%u", i);
        add_finding(a, "db/postgresql.conf", 1, "", NULL, path, "on", NULL);
    }
    pgm_strbuf_init(&d, 1u << 20);
    assert_true(pgm_report_config_diff(a, &d, &left));
    assert_int_equal(left, 2);
    pgm_strbuf_add(&d, "", 1);
    assert_non_null(strstr(d.p, "+setting_31 = 'on'\n"));
    assert_null(strstr(d.p, "setting_32"));
    assert_null(strstr(d.p, "work_mem32"));
    pgm_strbuf_free(&d);
    pgm_analysis_close(a);
}

static const char burst_rule[] =
    "id: TST-THR-001\n"
    "title: burst\n"
    "severity: high\n"
    "threshold:\n"
    "  kinds: [conn.refused.too_many_clients]\n"
    "  group_by: [db]\n"
    "  timespan: 1min\n"
    "  condition: {gte: 3}\n"
    "message: \"{value} refused for {db} within {timespan}\"\n"
    "tests:\n"
    "  - events: [{at: 0s, kind: conn.refused.too_many_clients, db: a}, {at: 1s, kind: conn.refused.too_many_clients, db: a},\n"
    "             {at: 2s, kind: conn.refused.too_many_clients, db: a}]\n"
    "    fires: true\n"
    "  - events: [{at: 0s, kind: conn.refused.too_many_clients, db: a}]\n"
    "    fires: false\n";

typedef struct seen_episode {
    char message[128], path[64];
    uint64_t line;
    int64_t from;
    int n;
} seen_episode;

static void on_episode(void *ctx, const pgm_rule *r, const char *message, const char *path, uint64_t line,
                       int64_t from_us, int64_t to_us)
{
    (void)r;
    (void)to_us;
    seen_episode *s = ctx;
    snprintf(s->message, sizeof s->message, "%s", message);
    snprintf(s->path, sizeof s->path, "%s", path ? path : "");
    s->line = line;
    s->from = from_us;
    s->n++;
}

static void refusal(pgm_thresholds *t, const char *path, int64_t sec, uint64_t line, const char *db)
{
    pgm_event e;
    memset(&e, 0, sizeof e);
    e.t = SEC(sec);
    e.kind = "conn.refused.too_many_clients";
    e.kind_id = PGM_EV_CONN_REFUSED_TOO_MANY_CLIENTS;
    e.path = path;
    e.line = line;
    e.fields[e.n_fields++] = (pgm_field){"db", db, 0};
    pgm_thresholds_event(t, &e);
}

static bool skip_jsonlog(void *ctx, const char *path)
{
    (void)ctx;
    return strcmp(path, "pg.json") == 0;
}

/* Threshold rules over kept events: the episode's first line is its evidence,
 * a second destination of the same server is left out, a bound is kept. */
static void test_thresholds(void **state)
{
    (void)state;
    pgm_ruleset rs;
    pgm_ruleset_init(&rs);
    pgm_load_errors errs = {0};
    /* returns the errors added */
    assert_int_equal(pgm_ruleset_load_buffer(&rs, burst_rule, strlen(burst_rule), "mem.yml", &errs), 0);
    assert_int_equal(rs.n, 1);
    assert_int_equal(pgm_ruleset_finish(&rs, &errs), 0);
    pgm_thresholds *t;
    assert_int_equal(pgm_thresholds_open(&t, &rs), PGM_OK);
    refusal(t, "pg.log", 10, 100, "shop");
    refusal(t, "pg.log", 20, 101, "other");   /* another group */
    refusal(t, "pg.log", 30, 102, "shop");
    refusal(t, "pg.json", 31, 7, "shop");     /* the same server's jsonlog */
    refusal(t, "pg.log", 40, 103, "shop");
    seen_episode s = {0};
    assert_int_equal(pgm_thresholds_run(t, skip_jsonlog, on_episode, &s), 1);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.message, "3 refused for shop within 1min");
    assert_string_equal(s.path, "pg.log");
    assert_int_equal(s.line, 100);
    assert_int_equal(s.from, SEC(10));
    /* without the second destination left out, its refusal completes a burst earlier */
    memset(&s, 0, sizeof s);
    assert_int_equal(pgm_thresholds_run(t, NULL, on_episode, &s), 1);
    assert_string_equal(s.message, "3 refused for shop within 1min");
    /* kinds no rule counts are not kept; past the bound, events are counted */
    pgm_event other;
    memset(&other, 0, sizeof other);
    other.t = SEC(1);
    other.kind = "conn.authorized";
    other.kind_id = PGM_EV_CONN_AUTHORIZED;
    other.path = "pg.log";
    pgm_thresholds_event(t, &other);
    assert_int_equal(pgm_thresholds_dropped(t), 0);
    for (unsigned i = 0; i < PGM_THRESHOLDS_MAX_EVENTS; i++)
        refusal(t, "pg.log", 100 + i, i, "x");
    assert_int_equal(pgm_thresholds_dropped(t), 5);
    pgm_thresholds_close(t);
    pgm_ruleset_free(&rs);
    pgm_load_errors_free(&errs);
}

static void pool_stats(pgm_analysis *a, const char *path, int64_t sec, const char *pool, const char *total)
{
    pgm_event e;
    memset(&e, 0, sizeof e);
    e.t = SEC(sec);
    e.kind = "hikari.pool.stats";
    e.kind_id = PGM_EV_HIKARI_POOL_STATS;
    e.path = path;
    e.line = (uint64_t)sec;
    e.fields[e.n_fields++] = (pgm_field){"pool", pool, 0};
    e.fields[e.n_fields++] = (pgm_field){"total", total, 0};
    pgm_analysis_event(a, &e);
}

static void server_line(pgm_analysis *a, const char *path, int64_t sec, unsigned kind_id, const char *pid)
{
    pgm_event e;
    memset(&e, 0, sizeof e);
    e.t = SEC(sec);
    e.kind_id = kind_id;
    e.kind = pgm_event_kind_name(kind_id);
    e.path = path;
    e.line = (uint64_t)sec;
    const char *values[PGM_EVENT_COMMON_FIELDS] = {pid, "app", "shop", NULL, "10.0.0.1", "LOG", NULL, NULL};
    for (size_t i = 0; i < PGM_EVENT_COMMON_FIELDS; i++)
        e.fields[e.n_fields++] = (pgm_field){pgm_event_common_names[i], values[i], 0};
    pgm_analysis_event(a, &e);
}

static void say_nothing(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

/* PostgreSQL's logging collector may name a log's pieces by a time that
 * says nothing of their order (postgresql-%a.log): a piece of the same
 * folder and extension that begins where the log got to is the same
 * server's, and a session it ends is one the piece before began; a file
 * that overlaps it, or of another extension (csvlog beside stderr), is
 * another log. */
static void test_server_log_pieces_taken_on(void **state)
{
    (void)state;
    pgm_analysis *a;
    assert_int_equal(pgm_analysis_open(&a), PGM_OK);
    const char *first = "db/postgresql-Tue.log", *next = "db/postgresql-Wed.log";
    server_line(a, first, 100, PGM_EV_CONN_AUTHORIZED, "10");
    server_line(a, first, 200, PGM_EV_CONN_AUTHORIZED, "11");
    server_line(a, first, 300, PGM_EV_CONN_AUTHORIZED, "12");
    /* stamped half a second before the last line of the piece before: within the leeway */
    server_line(a, next, 299, PGM_EV_CONN_DISCONNECTED, "10");
    server_line(a, next, 400, PGM_EV_CONN_DISCONNECTED, "11");
    server_line(a, "db/postgresql-Tue.csv", 400, PGM_EV_CONN_AUTHORIZED, "10");
    server_line(a, "db/replica.log", 150, PGM_EV_CONN_AUTHORIZED, "10"); /* began before the first ended */
    assert_int_equal(pgm_analysis_finish(a), PGM_OK);
    assert_int_equal(a->n_logs, 3);
    const server_log *l = &a->logs[0];
    assert_string_equal(l->shown, first);
    assert_int_equal(l->taken_on, 1);
    assert_string_equal(l->last_taken, next);
    assert_int_equal(pgm_sessions_count(l->s), 3);
    assert_int_equal(pgm_sessions_open_at_end(l->s), 1); /* pid 12 */
    assert_int_equal(a->logs[1].taken_on, 0);
    assert_int_equal(a->logs[2].taken_on, 0);
    assert_int_equal(pgm_analysis_joined_logs(a, say_nothing, NULL), 1);
    pgm_analysis_close(a);
}

/* No connection lines and no snapshots: the pools' stats make the curve.
 * Logs are read one after the other, so the sum is taken in time order,
 * each pool counted by its latest report. */
static void test_curve_from_pool_stats(void **state)
{
    (void)state;
    pgm_analysis *a;
    assert_int_equal(pgm_analysis_open(&a), PGM_OK);
    pool_stats(a, "orders-1.log", 0, "HikariPool-1", "2");
    pool_stats(a, "orders-1.log", 30, "HikariPool-1", "5");
    pool_stats(a, "orders-1.log", 60, "HikariPool-1", "9");
    pool_stats(a, "orders-2.log", 10, "HikariPool-1", "3"); /* the same pool name in another process */
    pool_stats(a, "orders-2.log", 40, "HikariPool-1", "3");
    pool_stats(a, "orders-2.log", 70, "HikariPool-1", "1");
    assert_int_equal(pgm_analysis_finish(a), PGM_OK);
    assert_string_equal(a->sampled_source, "HikariCP pool stats");
    const int32_t want[] = {2, 5, 8, 8, 12, 10};
    const int64_t at[] = {0, 10, 30, 40, 60, 70};
    assert_int_equal(a->n_sampled, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(a->sampled[i].t, SEC(at[i]));
        assert_int_equal(a->sampled[i].open, want[i]);
    }
    pgm_analysis_close(a);
}

static void clock_event(pgm_clocks *c, const char *path, int64_t us, const char *kind, const char *cause)
{
    pgm_event e;
    memset(&e, 0, sizeof e);
    e.t = SEC(0) + us;
    e.kind = kind;
    e.kind_id = pgm_event_kind_of(kind);
    e.path = path;
    if (cause) {
        e.fields[e.n_fields++] = (pgm_field){"cause", cause, 0};
        e.fields[e.n_fields++] = (pgm_field){"elapsed_ms", "3000", 0};
    }
    pgm_clocks_event(c, &e, path); /* no rotation marks: each file its own stream */
}

/* Refusals the server logged at irregular times; the application reports each
 * 0.5-2.5 s later on a clock 90 s ahead (then in step, then 7 s behind). */
static void test_clock_offsets(void **state)
{
    (void)state;
    static const int64_t refused_ms[] = {1000, 4700, 5100, 11900, 30250, 31000, 47800, 61200};
    static const int64_t delay_ms[] = {500, 2500, 1200, 900, 2000, 700, 1500, 2200};
    const char *cause = "org.postgresql.util.PSQLException: FATAL: sorry, too many clients already";
    for (int shift = 0; shift < 3; shift++) {
        int64_t offset_ms = shift == 0 ? 90000 : shift == 1 ? 0 : -7000;
        pgm_clocks *c;
        assert_int_equal(pgm_clocks_open(&c), PGM_OK);
        for (size_t i = 0; i < 8; i++)
            clock_event(c, "pg.log", refused_ms[i] * 1000, "conn.refused.too_many_clients", NULL);
        for (size_t i = 0; i < 8; i++)
            clock_event(c, "app.log", (refused_ms[i] + delay_ms[i] + offset_ms) * 1000, "hikari.timeout", cause);
        /* an application error that is not about a refusal does not count */
        clock_event(c, "app.log", 5000000, "hikari.timeout", "java.net.SocketTimeoutException: Read timed out");
        pgm_clock_offset o[4];
        size_t n = pgm_clocks_offsets(c, "pg.log", o, 4);
        if (offset_ms == 0) {
            assert_int_equal(n, 0); /* the clocks agree: nothing claimed */
        } else {
            assert_int_equal(n, 1);
            assert_string_equal(o[0].path, "app.log");
            assert_int_equal(o[0].reports, 8);
            assert_int_equal(o[0].matched, 8);
            assert_true(o[0].offset_us >= (offset_ms - 3000) * 1000 && o[0].offset_us <= (offset_ms + 3000) * 1000);
        }
        assert_int_equal(pgm_clocks_offsets(c, "other.log", o, 4), 0); /* no refusals there */
        pgm_clocks_close(c);
    }
    /* two reports are too few to claim anything */
    pgm_clocks *c;
    assert_int_equal(pgm_clocks_open(&c), PGM_OK);
    clock_event(c, "pg.log", 1000000, "conn.refused.reserved_slots", NULL);
    clock_event(c, "app.log", 61000000, "hikari.timeout", cause);
    clock_event(c, "app.log", 62000000, "hikari.timeout", cause);
    pgm_clock_offset o[1];
    assert_int_equal(pgm_clocks_offsets(c, "pg.log", o, 1), 0);
    pgm_clocks_close(c);
}

/* A long curve is cut to at most 2 x PGM_JSON_SERIES_BUCKETS points in the
 * JSON report, and its one-point peak and trough survive. */
static void test_json_series_bounded(void **state)
{
    (void)state;
    pgm_analysis *a;
    assert_int_equal(pgm_analysis_open(&a), PGM_OK);
    for (int i = 0; i < 20000; i++)
        pool_stats(a, "orders.log", i, "HikariPool-1", i == 12345 ? "999" : i == 777 ? "0" : "10");
    assert_int_equal(pgm_analysis_finish(a), PGM_OK);
    char *json = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&json, &len);
    assert_non_null(f);
    pgm_report_write_json(a, f);
    fclose(f);
    size_t points = 0;
    for (const char *p = json; (p = strstr(p, "\"open\": ")); p++)
        points++;
    assert_true(points >= PGM_JSON_SERIES_BUCKETS && points <= 2 * PGM_JSON_SERIES_BUCKETS);
    assert_non_null(strstr(json, "\"open\": 999"));
    assert_non_null(strstr(json, "\"open\": 0"));
    assert_non_null(strstr(json, "\"peak_connections\": 999"));
    free(json);
    pgm_analysis_close(a);
}

/* A citation as the reports write it, and what is not one: E0, a line 0,
 * numbers too large for an input or a line (never an overflow). */
static void test_parse_cite(void **state)
{
    (void)state;
    size_t input = 0;
    uint64_t line = 0;
    assert_int_equal(pgm_quotes_parse_cite("E13:92) and more", 16, &input, &line), 6);
    assert_int_equal(input, 13);
    assert_int_equal(line, 92);
    assert_int_equal(pgm_quotes_parse_cite("E0:1", 4, &input, &line), 0);
    assert_int_equal(pgm_quotes_parse_cite("E1:0", 4, &input, &line), 0);
    assert_int_equal(pgm_quotes_parse_cite("E1:", 3, &input, &line), 0);
    assert_int_equal(pgm_quotes_parse_cite("E12:x", 5, &input, &line), 0);
    assert_int_equal(pgm_quotes_parse_cite("E99999999:1", 11, &input, &line), 0);
    assert_int_equal(pgm_quotes_parse_cite("E1:99999999999999999999999", 26, &input, &line), 0);
    /* the census takes the citations that start a word, each once */
    pgm_quotes q;
    pgm_quotes_init(&q);
    const char text[] = "(E3:8) `E13:92` E13:92 XE2:3 E4:5";
    pgm_quotes_want_text(&q, text, sizeof text - 1);
    assert_int_equal(q.n, 3);
    assert_int_equal(q.v[0].input, 3);
    assert_int_equal(q.v[1].line, 92);
    assert_int_equal(q.v[2].input, 4);
    pgm_quotes_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_holders),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_holders_table_markdown),
        cmocka_unit_test(test_config_diff),
        cmocka_unit_test(test_config_diff_past_its_bounds),
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_curve_from_pool_stats),
        cmocka_unit_test(test_server_log_pieces_taken_on),
        cmocka_unit_test(test_clock_offsets),
        cmocka_unit_test(test_json_series_bounded),
        cmocka_unit_test(test_sink_zstd),
        cmocka_unit_test(test_sink_errors),
        cmocka_unit_test(test_sink_small_and_large_writes),
        cmocka_unit_test(test_sink_rewind),
        cmocka_unit_test(test_sink_writes_a_large_file_behind),
        cmocka_unit_test(test_sink_rewinds_a_file_written_directly),
        cmocka_unit_test(test_parse_cite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
