/* The timeline's parts: the external sorter (spills, merges, stability), the
 * JSON Lines and CSV rendering, log_line_prefix from a postgresql.conf, and
 * classification (captures over record fields, SQLSTATE for translated
 * messages, unknown messages by their first words). */
#include "testutil.h"

#include <ctype.h>
#include <strings.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "pglog/classify.h"
#include "pglog/prefix_source.h"
#include "timeline/render.h"
#include "timeline/sorter.h"
#include "util/redact.h"
#include "util/strbuf.h"

typedef struct collected {
    int64_t *t;
    uint64_t *payload;
    size_t n;
} collected;

static int collect(void *ctx, int64_t t, const void *data, size_t len)
{
    collected *c = ctx;
    assert_int_equal(len, sizeof(uint64_t));
    c->t[c->n] = t;
    memcpy(&c->payload[c->n], data, len);
    c->n++;
    return PGM_OK;
}

/* `n` records with times from a small range (many equal), sorted with `mem`
 * bytes: the result is ordered by time and, for equal times, by arrival. */
static size_t sort_and_check(size_t n, size_t mem, unsigned seed, bool reverse)
{
    pgm_sorter *s;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_sorter_open(&s, mem, NULL, err), PGM_OK);
    srand(seed);
    for (uint64_t i = 0; i < n; i++) {
        int64_t t = reverse ? (int64_t)(n - i) : rand() % 1000;
        assert_int_equal(pgm_sorter_add(s, t, &i, sizeof i), PGM_OK);
    }
    collected c = {calloc(n, sizeof(int64_t)), calloc(n, sizeof(uint64_t)), 0};
    assert_int_equal(pgm_sorter_finish(s, collect, &c), PGM_OK);
    assert_int_equal(c.n, n);
    for (size_t i = 1; i < n; i++) {
        assert_true(c.t[i - 1] <= c.t[i]);
        if (c.t[i - 1] == c.t[i])
            assert_true(c.payload[i - 1] < c.payload[i]);
    }
    size_t runs = pgm_sorter_runs(s);
    pgm_sorter_close(s);
    free(c.t);
    free(c.payload);
    return runs;
}

static void test_sorter(void **state)
{
    (void)state;
    assert_int_equal(sort_and_check(5000, 0, 1, false), 0);      /* fits in memory */
    assert_true(sort_and_check(20000, 4096, 2, false) > 100);    /* many runs merged */
    /* more runs than one merge takes: compacted on the way */
    assert_true(sort_and_check(40000, 1024, 3, false) > PGM_SORT_MAX_RUNS);
    assert_true(sort_and_check(20000, 8192, 4, true) > 10);       /* newest first */
}

/* Records of every length, from a byte to more than a block a run is read
 * back in (a megabyte), through runs on disk: each comes back whole and in
 * order, wherever a block's end cut it. */
typedef struct checked {
    size_t n;
    int64_t last_t;
    bool ok;
} checked;

static size_t record_len(uint64_t i)
{
    return i % 997 == 0 ? (3u << 19) + (size_t)i : 1 + (size_t)(i * 7919 % 3000);
}

static int check_record(void *ctx, int64_t t, const void *data, size_t len)
{
    checked *c = ctx;
    const unsigned char *p = data;
    uint64_t i;
    memcpy(&i, p, sizeof i);
    bool whole = len == sizeof i + record_len(i);
    for (size_t k = sizeof i; whole && k < len; k++)
        whole = p[k] == (unsigned char)(i + k);
    c->ok = c->ok && whole && t >= c->last_t;
    c->last_t = t;
    c->n++;
    return PGM_OK;
}

static void test_sorter_blocks(void **state)
{
    (void)state;
    pgm_sorter *s;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_sorter_open(&s, 1u << 20, NULL, err), PGM_OK);
    size_t n = 6000, most = (3u << 19) + n + sizeof(uint64_t);
    unsigned char *rec = malloc(most);
    assert_non_null(rec);
    for (uint64_t i = 0; i < n; i++) {
        size_t len = record_len(i);
        memcpy(rec, &i, sizeof i);
        for (size_t k = sizeof i; k < sizeof i + len; k++)
            rec[k] = (unsigned char)(i + k);
        assert_int_equal(pgm_sorter_add(s, (int64_t)(i * 7 % 500), rec, sizeof i + len), PGM_OK);
    }
    checked c = {0, INT64_MIN, true};
    assert_int_equal(pgm_sorter_finish(s, check_record, &c), PGM_OK);
    assert_int_equal(c.n, n);
    assert_true(c.ok);
    assert_true(pgm_sorter_runs(s) > 4);
    pgm_sorter_close(s);
    free(rec);
}

static void test_render(void **state)
{
    (void)state;
    pgm_event e = {.t = 1795738683000000LL, .kind = "conn.refused.auth", .path = "b.tar!pg.log", .line = 14};
    e.fields[0] = (pgm_field){"pid", "16430", 0};
    e.fields[1] = (pgm_field){"msg", "password \"authentication\" failed\tfor\n\x01 \xff", 0};
    e.fields[2] = (pgm_field){"method", "password, scram", 0};
    e.n_fields = 3;
    pgm_strbuf b;
    pgm_strbuf_init(&b, 1 << 20);
    assert_int_equal(pgm_render_event(&b, &e, PGM_TIMELINE_JSONL), 0);
    assert_string_equal(b.p, "{\"t\":\"2026-11-27T00:18:03.000Z\",\"kind\":\"conn.refused.auth\","
                             "\"path\":\"b.tar!pg.log\",\"line\":14,\"pid\":16430,\"user\":null,\"db\":null,"
                             "\"app\":null,\"client\":null,\"level\":null,\"sqlstate\":null,"
                             "\"msg\":\"password \\\"authentication\\\" failed\\tfor\\n\\u0001 \\ufffd\","
                             "\"method\":\"password, scram\"}\n");
    pgm_strbuf_reset(&b);
    assert_int_equal(pgm_render_event(&b, &e, PGM_TIMELINE_CSV), 0);
    assert_string_equal(b.p, "2026-11-27T00:18:03.000Z,conn.refused.auth,b.tar!pg.log,14,16430,,,,,,,"
                             "\"password \"\"authentication\"\" failed\tfor\n\x01 \xff\","
                             "\"{\"\"method\"\":\"\"password, scram\"\"}\"\n");
    e.t = INT64_MIN;
    e.fields[0].value = "007"; /* not a JSON number: written as a string */
    pgm_strbuf_reset(&b);
    assert_int_equal(pgm_render_event(&b, &e, PGM_TIMELINE_JSONL), 0);
    assert_non_null(strstr(b.p, "{\"t\":null,"));
    assert_non_null(strstr(b.p, "\"pid\":\"007\""));
    /* a value that lies inside the message (a statement a rule took out of
     * it): its bytes as they are when the message needed no escape, escaped
     * as ever when it did */
    static const char *const msgs[] = {"duration: 1.000 ms  statement: SELECT 1",
                                       "duration: 1.000 ms  statement: SELECT \"a\"\n\tFROM t"};
    static const char *const want[] = {"\"statement\":\"SELECT 1\",", "\"statement\":\"SELECT \\\"a\\\"\\n\\tFROM t\","};
    for (size_t i = 0; i < 2; i++) {
        e.fields[1].value = msgs[i];
        e.fields[2] = (pgm_field){"statement", strstr(msgs[i], "SELECT"), 0};
        e.fields[3] = (pgm_field){"phase", strstr(msgs[i], "statement"), 9};
        e.n_fields = 4;
        pgm_strbuf_reset(&b);
        assert_int_equal(pgm_render_event(&b, &e, PGM_TIMELINE_JSONL), 0);
        char tail[128];
        snprintf(tail, sizeof tail, "%s", strstr(b.p, "\"statement\":"));
        assert_non_null(strstr(b.p, "\"phase\":\"statement\""));
        assert_memory_equal(tail, want[i], strlen(want[i]));
    }
    pgm_strbuf_free(&b);
}

static void test_prefix_from_conf(void **state)
{
    (void)state;
    char v[PGM_PREFIX_VALUE_MAX];
    unsigned line = 0;
    const char *conf = "# log_line_prefix = '%m [%p] '\n"
                       "log_line_prefix = '%m [%p] %q%u@%d '   # Debian\n"
                       "work_mem = 8MB\n"
                       "LOG_LINE_PREFIX '%t [%p]: user=%u,db=%d,app=%a,client=%h, it''s \\'x\\' '\n";
    assert_true(pgm_conf_log_line_prefix(conf, strlen(conf), v, &line));
    assert_string_equal(v, "%t [%p]: user=%u,db=%d,app=%a,client=%h, it's 'x' ");
    assert_int_equal(line, 4);
    const char *one = "log_line_prefix='%m [%p] %q%u@%d '";
    assert_true(pgm_conf_log_line_prefix(one, strlen(one), v, &line));
    assert_string_equal(v, "%m [%p] %q%u@%d ");
    const char *none = "#log_line_prefix = '%m'\nlog_line_prefix_x = '%m'\nlog_line_prefix = '%m [%p\n";
    assert_false(pgm_conf_log_line_prefix(none, strlen(none), v, &line));
}

static void expect_settings(const char *dump, const char *want, const char *want_alt, unsigned want_line)
{
    char v[PGM_PREFIX_VALUE_MAX], alt[PGM_PREFIX_VALUE_MAX];
    unsigned line = 0;
    assert_true(pgm_settings_log_line_prefix(dump, strlen(dump), v, alt, &line));
    assert_string_equal(v, want);
    assert_string_equal(alt, want_alt);
    assert_int_equal(line, want_line);
}

static void test_prefix_from_settings(void **state)
{
    (void)state;
    /* psql aligned: the cell is padded, so the trailing space is in doubt */
    expect_settings("      name       |     setting      | unit\n"
                    "-----------------+------------------+------\n"
                    " log_connections | on               | \n"
                    " log_line_prefix | %m [%p] %q%u@%d  | \n(2 rows)\n",
                    "%m [%p] %q%u@%d", "%m [%p] %q%u@%d ", 4);
    /* unaligned and csv are exact */
    expect_settings("name|setting|unit\nlog_line_prefix|%m [%p] |\n(1 row)\n", "%m [%p] ", "", 2);
    expect_settings("name,setting,unit\nlog_line_prefix,\"%m [%p] user=%u,db=%d \",\n",
                    "%m [%p] user=%u,db=%d ", "", 2);
    /* expanded */
    expect_settings("-[ RECORD 1 ]---------------\nname    | log_line_prefix\nsetting | %t-%c-\n", "%t-%c-", "%t-%c- ", 3);
    char v[PGM_PREFIX_VALUE_MAX], alt[PGM_PREFIX_VALUE_MAX];
    unsigned line;
    const char *none = "name|setting\nwork_mem|4096\n";
    assert_false(pgm_settings_log_line_prefix(none, strlen(none), v, alt, &line));
}

static pgm_pg_record record(const char *sev, const char *state, const char *msg)
{
    pgm_pg_record r;
    memset(&r, 0, sizeof r);
    r.t = 1795738683000000LL;
    r.pid = 16430;
    r.severity = (pgm_slice){sev, strlen(sev)};
    r.sqlstate = (pgm_slice){state, strlen(state)};
    r.message = (pgm_slice){msg, strlen(msg)};
    r.app = (pgm_slice){"[unknown]", 0};
    r.line = 7;
    return r;
}

static void test_classify(void **state)
{
    (void)state;
    pgm_ruleset rs;
    tu_load_rules(&rs, "rules/postgresql");
    pgm_pg_classifier c;
    pgm_pg_classifier_init(&c, &rs);
    pgm_event ev;

    /* the message's application wins over the prefix's [unknown] */
    pgm_pg_record r = record("LOG", "00000", "connection authorized: user=app database=appdb application_name=leaky-app");
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 1);
    assert_string_equal(ev.kind, "conn.authorized");
    assert_int_equal(ev.kind_id, PGM_EV_CONN_AUTHORIZED); /* what consumers switch on */
    assert_string_equal(pgm_event_field(&ev, "app"), "leaky-app");
    assert_string_equal(pgm_event_field(&ev, "pid"), "16430");
    assert_int_equal(ev.line, 7);

    /* a German server: text unknown, SQLSTATE known */
    r = record("FATAL", "53300", "Verbindungslimit erreicht");
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 1);
    assert_string_equal(ev.kind, "conn.refused.limit");
    assert_int_equal(ev.kind_id, PGM_EV_CONN_REFUSED_LIMIT); /* what consumers switch on */
    assert_int_equal(c.by_sqlstate, 1);
    /* level-bound rules: a FATAL auth rule does not take an ERROR */
    r = record("ERROR", "", "database \"x\" does not exist");
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 1);
    assert_string_equal(ev.kind, "stmt.error");
    assert_int_equal(ev.kind_id, PGM_EV_STMT_ERROR); /* what consumers switch on */

    /* the position the server adds to a message in stderr and syslog (pgBadger's
     * queryid fixture, PostgreSQL 14): the lock wait it is, its msg as written */
    r = record("LOG", "", "process 2129 still waiting for AccessShareLock on relation 96570405 of database 16384 "
                          "after 1000.153 ms at character 15");
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 1);
    assert_int_equal(ev.kind_id, PGM_EV_LOCK_WAITING);
    assert_string_equal(pgm_event_field(&ev, "wait_ms"), "1000.153");
    assert_string_equal(pgm_event_field(&ev, "lock_object"), "relation 96570405 of database 16384");
    assert_non_null(strstr(pgm_event_field(&ev, "msg"), "ms at character 15"));
    r = record("LOG", "", "process 2129 acquired AccessShareLock on relation 96570405 of database 16384 after "
                          "13555.814 ms at character 15");
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 1);
    assert_int_equal(ev.kind_id, PGM_EV_LOCK_ACQUIRED);
    /* without %e, the error's class from its text (PostgreSQL 15, recorded) */
    r = record("ERROR", "", "relation \"pgbench_acounts\" does not exist at character 15");
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 1);
    assert_int_equal(ev.kind_id, PGM_EV_STMT_ERROR);
    assert_string_equal(pgm_event_field(&ev, "error_class"), "syntax_error_or_access_rule_violation");

    /* unknown messages are counted by their first words, numbers and names folded */
    r = record("LOG", "", "logical replication apply worker for subscription \"s1\" has started");
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 0);
    r = record("LOG", "", "logical replication apply worker 2 for subscription \"s2\" has started");
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 0);
    r = record("LOG", "00000", "something \"quoted\" 12345 else");
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 0);
    assert_int_equal(c.unknown, 3);
    assert_int_equal(c.n_shapes, 2);
    assert_string_equal(c.shapes[0].words, "logical replication apply");
    assert_int_equal(c.shapes[0].count, 2);
    assert_string_equal(c.shapes[1].words, "something \"*\" #");
    pgm_pg_classifier_free(&c);
    pgm_ruleset_free(&rs);
}

/* A consumer that reads a fast statement's duration alone. */
static bool whole_when_slow(const void *ctx, const pgm_match *m)
{
    (void)ctx;
    for (size_t i = 0; i < m->n_caps; i++)
        if (m->caps[i].name && strcmp(m->caps[i].name, "duration_ms") == 0)
            return m->caps[i].n > 6; /* 1000.000 ms and over */
    return true;
}

static void test_classify_what_is_read(void **state)
{
    (void)state;
    pgm_ruleset rs;
    tu_load_rules(&rs, "rules/postgresql");
    pgm_pg_classifier c;
    pgm_pg_classifier_init(&c, &rs);
    static const char *const duration[] = {"duration_ms", NULL};
    c.reads = (pgm_pg_reads){whole_when_slow, NULL, duration};
    pgm_event ev;
    /* declined: the common fields and the duration, no message, statement or DETAIL, nothing redacted */
    pgm_pg_record r = record("LOG", "", "duration: 0.200 ms  execute <unnamed>: ALTER ROLE carol PASSWORD $1");
    r.detail = (pgm_slice){"parameters: $1 = 'Sekr3t'", 25};
    r.user = (pgm_slice){"app", 3};
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 1);
    assert_int_equal(ev.kind_id, PGM_EV_STMT_DURATION);
    assert_string_equal(pgm_event_field(&ev, "duration_ms"), "0.200");
    assert_string_equal(pgm_event_field(&ev, "pid"), "16430");
    assert_string_equal(pgm_event_field(&ev, "user"), "app");
    assert_null(pgm_event_field(&ev, "msg"));
    assert_null(pgm_event_field(&ev, "statement"));
    assert_null(pgm_event_field(&ev, "phase"));
    assert_null(pgm_event_field(&ev, "detail"));
    assert_int_equal(c.redactions, 0);
    /* wanted whole: all of it, its secrets taken out */
    r.message = (pgm_slice){"duration: 12000.500 ms  execute <unnamed>: ALTER ROLE carol PASSWORD $1", 71};
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 1);
    assert_string_equal(pgm_event_field(&ev, "duration_ms"), "12000.500");
    assert_string_equal(pgm_event_field(&ev, "statement"), "ALTER ROLE carol PASSWORD $1");
    assert_string_equal(pgm_event_field(&ev, "detail"), "parameters: $1 = '[REDACTED]'");
    assert_non_null(pgm_event_field(&ev, "msg"));
    /* another kind is never asked about with a duration, and is whole */
    r = record("LOG", "00000", "connection authorized: user=app database=appdb application_name=leaky-app");
    assert_int_equal(pgm_pg_classify(&c, &r, "x.log", &ev), 1);
    assert_string_equal(pgm_event_field(&ev, "app"), "leaky-app");
    assert_non_null(pgm_event_field(&ev, "msg"));
    pgm_pg_classifier_free(&c);
    pgm_ruleset_free(&rs);
}

static void expect_redacted(const char *in, const char *want)
{
    pgm_strbuf b;
    pgm_strbuf_init(&b, 1 << 16);
    bool hit = pgm_redact(in, strlen(in), &b);
    if (!want) {
        if (hit)
            fail_msg("redacted '%s' into '%s'", in, b.p);
    } else {
        if (!hit)
            fail_msg("'%s' was not redacted", in);
        assert_string_equal(b.p, want);
    }
    pgm_strbuf_free(&b);
}

/* A text of words drawn from `words` by the generator at *seed, into `text`
 * (NUL-terminated): words are added while it is shorter than `want` and has
 * room, and a draw ends it early one time in `stop`. Its length. */
static size_t random_words(const char *const *words, size_t n_words, unsigned *seed, size_t want, unsigned stop,
                           char *text, size_t cap)
{
    size_t len = 0;
    while (len < want) {
        *seed = *seed * 1103515245u + 12345u;
        const char *w = words[(*seed >> 16) % n_words];
        size_t wl = strlen(w);
        if (len + wl >= cap)
            break;
        memcpy(text + len, w, wl);
        len += wl;
        if ((*seed >> 8) % stop == 0)
            break;
    }
    text[len] = '\0';
    return len;
}

/* The bind parameter a statement sets a password from: the byte-at-a-time
 * reading it had, to check the vectorized one against. */
static bool password_parameter_reference(const char *s, size_t n)
{
    for (size_t i = 0; i + 8 < n; i++) {
        if (strncasecmp(s + i, "password", 8) != 0 || (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_')))
            continue;
        size_t k = i + 8;
        while (k < n && strchr(" \t\r\n", s[k]) && s[k])
            k++;
        if (k + 1 < n && s[k] == '$' && s[k + 1] >= '0' && s[k + 1] <= '9')
            return true;
    }
    return false;
}

static void test_password_parameter(void **state)
{
    (void)state;
    const struct {
        const char *s;
        bool want;
    } cases[] = {
        {"execute S_1: ALTER ROLE app PASSWORD $1", true},
        {"ALTER ROLE app password   $12", true},
        {"alter role app PassWord$1", true},
        {"ALTER ROLE app PASSWORD 'x'", false},
        {"ALTER ROLE app PASSWORDS $1", false},
        {"ALTER ROLE app xpassword $1", false},
        {"ALTER ROLE app PASSWORD $", false},
        {"ALTER ROLE app PASSWORD", false},
        {"password $1", true},
        {"UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (pgm_redact_password_parameter(cases[i].s, strlen(cases[i].s)) != cases[i].want)
            fail_msg("'%s': %s", cases[i].s, cases[i].want ? "not found" : "found");
    /* the same as the byte-at-a-time reading on statements of every length and place */
    static const char *const words[] = {"password", "PASSWORD ", "$1", " ", "w", "pass", "word", "x", "$", "\t"};
    char text[96];
    unsigned seed = 11;
    for (int round = 0; round < 20000; round++) {
        size_t len = random_words(words, sizeof words / sizeof words[0], &seed, 80, 7, text, sizeof text);
        if (pgm_redact_password_parameter(text, len) != password_parameter_reference(text, len))
            fail_msg("'%s' read otherwise than byte at a time", text);
    }
}

/* Where a role statement's name starts: the reading it had, every byte
 * after a space, ':' or ';' a candidate, to check the one that starts
 * from the separators against. */
static size_t role_word_reference(const char *s, size_t n, size_t i)
{
    size_t k;
    if (strncasecmp(s + i, "alter", 5) == 0)
        k = i + 5;
    else if (strncasecmp(s + i, "create", 6) == 0)
        k = i + 6;
    else
        return 0;
    size_t b = i;
    while (b > 0 && strchr(" \t\r\n", s[b - 1]) && s[b - 1])
        b--;
    if (b > 0 && s[b - 1] != ':' && s[b - 1] != ';')
        return 0;
    if (k >= n || !strchr(" \t\r\n", s[k]) || !s[k])
        return 0;
    while (k < n && strchr(" \t\r\n", s[k]) && s[k])
        k++;
    if (n - k > 4 && (strncasecmp(s + k, "role", 4) == 0 || strncasecmp(s + k, "user", 4) == 0) &&
        strchr(" \t\r\n", s[k + 4]) && s[k + 4])
        return k + 5;
    return 0;
}

static size_t role_statement_reference(const char *s, size_t n)
{
    size_t lim = n < PGM_REDACT_ROLE_WINDOW ? n : PGM_REDACT_ROLE_WINDOW, r;
    if (lim <= 10)
        return 0;
    if ((r = role_word_reference(s, n, 0)) != 0)
        return r;
    for (size_t i = 1; i + 10 < lim; i++)
        if (strchr(" \t\r\n:;", s[i - 1]) && s[i - 1] && (r = role_word_reference(s, n, i)) != 0)
            return r;
    return 0;
}

static void test_role_statement(void **state)
{
    (void)state;
    const struct {
        const char *s;
        size_t want; /* where the role name starts */
    } cases[] = {
        {"ALTER ROLE app PASSWORD 'x'", 11},
        {"  create user x", 14},
        {"statement: ALTER USER carol PASWORD 'Sekr3t'", 22},
        {"execute S_1:alter\trole x", 23},
        {"BEGIN; CREATE ROLE y", 19},
        {"SELECT 'alter role x' FROM t", 0},
        {"ALTER TABLE t ADD c int", 0},
        {"ALTER ROLE", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (pgm_redact_role_statement_at(cases[i].s, strlen(cases[i].s)) != cases[i].want)
            fail_msg("'%s': %zu, not %zu", cases[i].s, pgm_redact_role_statement_at(cases[i].s, strlen(cases[i].s)),
                     cases[i].want);
    /* the same as the reading from every boundary, on texts of every length
     * with the statement words in every place */
    static const char *const words[] = {"alter", "ALTER ", "create", " ", ":", ";", "role ", "USER ",
                                        "x", "'p'", "\t", "statement: ", "a", "c", "  "};
    char text[160];
    unsigned seed = 7;
    for (int round = 0; round < 50000; round++) {
        size_t len = random_words(words, sizeof words / sizeof words[0], &seed, 140, 23, text, sizeof text);
        if (pgm_redact_role_statement_at(text, len) != role_statement_reference(text, len))
            fail_msg("'%s': %zu, read from every boundary %zu", text, pgm_redact_role_statement_at(text, len),
                     role_statement_reference(text, len));
    }
}

static void test_redact(void **state)
{
    (void)state;
    expect_redacted("statement: ALTER ROLE app PASSWORD 'S3cr''et!'",
                    "statement: ALTER ROLE app PASSWORD '[REDACTED]'");
    expect_redacted("CREATE ROLE x LOGIN ENCRYPTED PASSWORD E'a\\'b' VALID UNTIL 'infinity'",
                    "CREATE ROLE x LOGIN ENCRYPTED PASSWORD E'[REDACTED]' VALID UNTIL 'infinity'");
    expect_redacted("could not connect: host=db user=app password=hunter2 dbname=shop",
                    "could not connect: host=db user=app password=[REDACTED] dbname=shop");
    expect_redacted("jdbc:postgresql://db:5432/shop?user=app&password=hunter2&ssl=true",
                    "jdbc:postgresql://db:5432/shop?user=app&password=[REDACTED]&ssl=true");
    expect_redacted("url postgresql://app:hunter2@db:5432/shop", "url postgresql://app:[REDACTED]@db:5432/shop");
    expect_redacted("Password: hunter2", "Password: [REDACTED]");
    /* dollar quoting; a statement that alters a role, its keyword misspelt
     * (the STATEMENT line after "syntax error at or near \"PASWORD\""); its
     * VALID UNTIL date stays */
    expect_redacted("ALTER ROLE app PASSWORD $$S3cr'et$$", "ALTER ROLE app PASSWORD $$[REDACTED]$$");
    expect_redacted("CREATE USER x PASSWORD $pw$a$$b$pw$ LOGIN", "CREATE USER x PASSWORD $pw$[REDACTED]$pw$ LOGIN");
    expect_redacted("ALTER USER carol PASWORD 'Sekr3t' VALID UNTIL '2027-01-01'",
                    "ALTER USER carol PASWORD '[REDACTED]' VALID UNTIL '2027-01-01'");
    expect_redacted("statement: alter role carol with pasword E'x\\'y'",
                    "statement: alter role carol with pasword E'[REDACTED]'");
    /* an environment variable's assignment in a command a statement runs */
    expect_redacted("COPY t FROM PROGRAM 'PGPASSWORD=s3 psql -h db'",
                    "COPY t FROM PROGRAM 'PGPASSWORD=[REDACTED] psql -h db'");
    expect_redacted("env DB_PASSWORD=s3 ./run", "env DB_PASSWORD=[REDACTED] ./run");
    expect_redacted("db_password=s3 in an application's line", "db_password=[REDACTED] in an application's line");
    /* what is not a secret stays */
    expect_redacted("MYPASSWORD is the variable", NULL);
    expect_redacted("log_password_changes = on", NULL);
    expect_redacted("password authentication failed for user \"app\"", NULL);
    expect_redacted("ALTER ROLE app PASSWORD NULL", NULL);
    expect_redacted("ALTER ROLE app SET work_mem = 65536", NULL);
    expect_redacted("SELECT 'alter role x' FROM t", NULL);
    expect_redacted("log_password_changes is on", NULL);
    expect_redacted("listening on https://db:8443/health", NULL);
    expect_redacted("connection received: host=127.0.0.1 port=35154", NULL);
    expect_redacted("", NULL);
}

/* A secret wherever it lies in a text: its hook bytes (the 'w' of
 * "password", the ':' of "://", the ';' before a role statement) are looked
 * for 16 at a time, and the last ones as the block that ends where the text
 * does. Each secret after 0 to 40 bytes and before 0 to 20. */
static void test_redact_at_every_place(void **state)
{
    (void)state;
    static const char *const secrets[][2] = {
        {"password=hunter2", "password=[REDACTED]"},
        {"postgresql://app:hunter2@db", "postgresql://app:[REDACTED]@db"},
        {"x; ALTER USER carol PASWORD 'Sekr3t'", "x; ALTER USER carol PASWORD '[REDACTED]'"},
    };
    char in[160], want[160];
    for (size_t k = 0; k < sizeof secrets / sizeof secrets[0]; k++)
        for (int before = 0; before <= 40; before++)
            for (int after = 0; after <= 20; after++) {
                snprintf(in, sizeof in, "%.*s %s %.*s", before, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                         secrets[k][0], after, "bbbbbbbbbbbbbbbbbbbb");
                snprintf(want, sizeof want, "%.*s %s %.*s", before, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                         secrets[k][1], after, "bbbbbbbbbbbbbbbbbbbb");
                expect_redacted(in, want);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sorter),
        cmocka_unit_test(test_sorter_blocks),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_prefix_from_conf),
        cmocka_unit_test(test_prefix_from_settings),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_classify_what_is_read),
        cmocka_unit_test(test_redact),
        cmocka_unit_test(test_redact_at_every_place),
        cmocka_unit_test(test_role_statement),
        cmocka_unit_test(test_password_parameter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
