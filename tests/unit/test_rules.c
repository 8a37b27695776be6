/* The rule engine: loading and every error class with its exact position,
 * matching with captures through the prefilter dispatch, PCRE2 limits,
 * thresholds over windows, and check expressions with units and missing facts. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "testutil.h"

#include <pcre2.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "rules/ruleset.h"

static const char GOOD[] =
    "rules:\n"
    "  - id: T-MATCH-001\n"
    "    title: authorized\n"
    "    severity: info\n"
    "    applies_to: [pg_log]\n"
    "    match:\n"
    "      prefilter: 'connection authorized: '\n"
    "      pattern: '^connection authorized: user=(?<user>\\S+) database=(?<db>\\S+)(?: application_name=(?<app>.+))?$'\n"
    "      kind: conn.authorized\n"
    "    message: '{user} on {db}'\n"
    "    tests: [{match: 'connection authorized: user=a database=b'}, {no_match: x}]\n"
    "  - id: T-MATCH-002\n"
    "    title: catch-all for 'connection'\n"
    "    severity: low\n"
    "    match: {prefilter: [connection], pattern: 'connection', kind: conn.received}\n"
    "    message: m\n"
    "    tests: [{match: connection}, {no_match: other}]\n"
    "  - id: T-MATCH-003\n"
    "    title: anchored prefix\n"
    "    severity: low\n"
    "    applies_to: [app_log]\n"
    "    match: {prefix: 'HikariPool', pattern: '^(?<pool>\\S+) - Starting', kind: hikari.pool.starting}\n"
    "    message: m\n"
    "    tests: [{match: 'HikariPool-1 - Starting...'}, {no_match: 'x HikariPool-1 - Starting'}]\n";

static void load_ok(pgm_ruleset *rs, const char *text)
{
    pgm_load_errors errs = {0};
    pgm_ruleset_init(rs);
    size_t n = pgm_ruleset_load_buffer(rs, text, strlen(text), "mem.yml", &errs);
    if (n)
        fail_msg("unexpected error: %s", errs.msg[0]);
    assert_int_equal(pgm_ruleset_finish(rs, &errs), 0);
    pgm_load_errors_free(&errs);
}

/* Loads `text` and expects `want` among the errors, word for word. */
static void expect_error(const char *text, const char *want)
{
    pgm_ruleset rs;
    pgm_load_errors errs = {0};
    pgm_ruleset_init(&rs);
    pgm_ruleset_load_buffer(&rs, text, strlen(text), "bad.yml", &errs);
    if (errs.n == 0)
        fail_msg("no error, want: %s", want);
    bool found = false;
    for (size_t i = 0; i < errs.n; i++)
        found = found || strcmp(errs.msg[i], want) == 0;
    if (!found)
        fail_msg("got:  %s\nwant: %s", errs.msg[0], want);
    assert_int_equal(rs.n, 0); /* nothing half-loaded */
    pgm_load_errors_free(&errs);
    pgm_ruleset_free(&rs);
}

#define RULE_HEAD "id: T-ERR-001\ntitle: t\nseverity: low\nmessage: m\n"

static void test_every_error_class_with_position(void **state)
{
    (void)state;
    expect_error("id: [unclosed\n", "bad.yml:2:1: YAML syntax: did not find expected ',' or ']' "
                                    "while parsing a flow sequence");
    expect_error(RULE_HEAD "severty: low\n", "bad.yml:5:1: unknown field 'severty' in a rule (did you "
                                             "mean 'severity'?)");
    expect_error(RULE_HEAD "match:\n  pattern: '(a'\n  kind: conn.lost\ntests: [{match: a}]\n",
                 "bad.yml:6:15: bad regular expression: missing closing parenthesis (at offset 2)");
    expect_error(RULE_HEAD "check: pg.max_connections > \ntests: [{fires: true}]\n",
                 "bad.yml:5:28: expression ends too early");
    expect_error(RULE_HEAD "check: pg.max_connections >> 3\ntests: [{fires: true}]\n",
                 "bad.yml:5:28: unexpected '>'");
    expect_error(RULE_HEAD "match: {pattern: a, kind: conn.refused.too_many}\ntests: [{match: a}]\n",
                 "bad.yml:5:27: unknown event kind 'conn.refused.too_many' (did you mean "
                 "'conn.refused.too_many_clients'?)");
    expect_error(RULE_HEAD "match: {pattern: a, kind: conn.lost, released: ['Hikari pool 2.4.0']}\n"
                           "tests: [{match: a}]\n",
                 "bad.yml:5:48: 'Hikari pool 2.4.0' is not 'WORDING => RELEASES' (\"Hikari pool  => HikariCP "
                 "2.4.0\")");
    expect_error(RULE_HEAD "check: pg.max_conections > 3\ntests: [{fires: true}]\n",
                 "bad.yml:5:8: unknown fact 'pg.max_conections' (did you mean 'pg.max_connections'?)");
    expect_error(RULE_HEAD "check: analysis.nonsense > 3\ntests: [{fires: true}]\n",
                 "bad.yml:5:8: unknown fact 'analysis.nonsense'");
    expect_error(RULE_HEAD "check: 5parsecs > 3\ntests: [{fires: true}]\n",
                 "bad.yml:5:8: bad number or unit '5parsecs' (units: us ms s min h d, B kB MB GB TB)");
    expect_error(RULE_HEAD "threshold: {kinds: [conn.lost], timespan: 5 fortnights, condition: {gte: 1}}\n"
                           "tests: [{events: [], fires: true}]\n",
                 "bad.yml:5:43: timespan '5 fortnights' is not a duration like 30s, 5min, 1h");
    expect_error(RULE_HEAD "threshold: {kinds: [conn.lost], timespan: 1000d, condition: {gte: 1}}\n"
                           "tests: [{events: [], fires: true}]\n",
                 "bad.yml:5:43: timespan '1000d' is longer than 366 days (PGM_RULE_MAX_DURATION_MS): a typo?");
    expect_error(RULE_HEAD "check: pg.max_connections > 1\n",
                 "bad.yml:1:1: a rule needs 'tests': cases that must and must not fire");
    expect_error("id: bad-id-1\ntitle: t\nseverity: low\nmessage: m\ncheck: pg.port > 1\n"
                 "tests: [{fires: true}]\n",
                 "bad.yml:1:5: id 'bad-id-1' must look like PGL-CONN-003 (capitals, digits, dashes, a "
                 "number last)");
    expect_error(RULE_HEAD "message: twice\ncheck: pg.port > 1\ntests: [{fires: true}]\n",
                 "bad.yml:5:1: field 'message' given twice in a rule");
    expect_error(RULE_HEAD "check: pg.port > 1\nmatch: {pattern: a, kind: conn.lost}\ntests: [{fires: true}]\n",
                 "bad.yml:1:1: a rule has exactly one of match, threshold, check (this one has 2)");
    expect_error("framework_frames: [org.hibernate., 'not a prefix!']\n",
                 "bad.yml:1:19: 'not a prefix!' is not a package or class prefix like org.hibernate.");
    expect_error(RULE_HEAD "message2: x\n", "bad.yml:5:1: unknown field 'message2' in a rule (did you "
                                           "mean 'message'?)");
}

static void test_duplicate_ids_across_files(void **state)
{
    (void)state;
    const char *rule = RULE_HEAD "check: pg.port > 1\ntests: [{fires: true}, {fires: false}]\n";
    pgm_ruleset rs;
    pgm_load_errors errs = {0};
    pgm_ruleset_init(&rs);
    assert_int_equal(pgm_ruleset_load_buffer(&rs, rule, strlen(rule), "one.yml", &errs), 0);
    assert_int_equal(pgm_ruleset_load_buffer(&rs, rule, strlen(rule), "two.yml", &errs), 1);
    assert_string_equal(errs.msg[0], "two.yml:1:5: duplicate rule id 'T-ERR-001' (first in one.yml:1)");
    pgm_load_errors_free(&errs);
    pgm_ruleset_free(&rs);
}

static void test_classify_with_captures(void **state)
{
    (void)state;
    pgm_ruleset rs;
    load_ok(&rs, GOOD);
    assert_int_equal(rs.n, 3);
    pgm_match m;
    const char *line = "connection authorized: user=app database=appdb application_name=leaky-app";
    assert_int_equal(pgm_ruleset_classify(&rs, "pg_log", "message", line, strlen(line), &m), 1);
    assert_string_equal(m.rule->id, "T-MATCH-001"); /* first loaded wins over the catch-all */
    assert_int_equal(m.n_caps, 3);
    assert_string_equal(m.caps[0].name, "user");
    assert_memory_equal(m.caps[0].p, "app", 3);
    assert_string_equal(m.caps[2].name, "app");
    assert_int_equal(m.caps[2].n, strlen("leaky-app"));
    /* absent optional group: no capture */
    const char *l2 = "connection authorized: user=a database=b";
    assert_int_equal(pgm_ruleset_classify(&rs, "pg_log", "message", l2, strlen(l2), &m), 1);
    assert_int_equal(m.n_caps, 2);
    /* applies_to: the pg_log rule is not used for app logs; the catch-all is */
    assert_int_equal(pgm_ruleset_classify(&rs, "app_log", "message", line, strlen(line), &m), 1);
    assert_string_equal(m.rule->id, "T-MATCH-002");
    /* anchored prefix */
    const char *h = "HikariPool-1 - Starting...";
    assert_int_equal(pgm_ruleset_classify(&rs, "app_log", "message", h, strlen(h), &m), 1);
    assert_string_equal(m.rule->id, "T-MATCH-003");
    assert_memory_equal(m.caps[0].p, "HikariPool-1", 12);
    /* no literal, no match; another field, no match */
    assert_int_equal(pgm_ruleset_classify(&rs, NULL, "message", "checkpoint starting: time", 25, &m), 0);
    assert_int_equal(pgm_ruleset_classify(&rs, NULL, "detail", line, strlen(line), &m), 0);
    pgm_ruleset_free(&rs);
}

/* A regex that would match is never run when its literal is absent. */
static void test_prefilter_gates_the_regex(void **state)
{
    (void)state;
    pgm_ruleset rs;
    load_ok(&rs, "id: T-GATE-001\ntitle: t\nseverity: low\nmessage: m\n"
                 "match: {prefilter: [zq], pattern: '.', kind: conn.lost}\n"
                 "tests: [{match: zq}, {no_match: ab}]\n");
    pgm_match m;
    assert_int_equal(pgm_ruleset_classify(&rs, NULL, "message", "anything at all", 15, &m), 0);
    assert_int_equal(pgm_ruleset_classify(&rs, NULL, "message", "xxzqxx", 6, &m), 1);
    pgm_ruleset_free(&rs);
}

/* A subject of ASCII bytes is matched by the code compiled for it (without
 * PCRE2_MATCH_INVALID_UTF), any other by the code for any bytes: the same
 * answers and captures either way, and invalid UTF-8 is never given to the
 * first. */
static void test_ascii_subjects_match_alike(void **state)
{
    (void)state;
    pgm_ruleset rs;
    load_ok(&rs, "id: T-ASCII-001\ntitle: t\nseverity: low\nmessage: m\n"
                 "match: {prefix: 'duration: ', pattern: '(?s)^duration: (?<ms>\\d+\\.\\d+) ms  statement: (?<statement>.*)$', "
                 "kind: stmt.duration}\n"
                 "tests: [{match: 'duration: 1.000 ms  statement: SELECT 1'}]\n");
    assert_non_null(rs.rules[0].re_ascii);
    static const struct {
        const char *text;
        const char *statement; /* NULL: no match */
    } cases[] = {
        {"duration: 0.010 ms  statement: SELECT 1", "SELECT 1"},
        {"duration: 0.010 ms  statement: SELECT 'caf\xc3\xa9'\n\tFROM t", "SELECT 'caf\xc3\xa9'\n\tFROM t"},
        /* '.' reads no invalid sequence (PCRE2_MATCH_INVALID_UTF), the code
         * for any bytes' answer as before there was one for ASCII */
        {"duration: 0.010 ms  statement: SELECT '\xff\xfe'", NULL},
        {"duration: 0.010 ms\xff  statement: SELECT 1", NULL},
        {"duration: x ms  statement: SELECT 1", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pgm_match m;
        size_t n = strlen(cases[i].text);
        int hit = pgm_ruleset_classify(&rs, NULL, "message", cases[i].text, n, &m);
        assert_int_equal(hit, cases[i].statement != NULL);
        assert_int_equal(pgm_rule_match(&rs, &rs.rules[0], cases[i].text, n, &m), hit);
        if (hit) {
            assert_int_equal(m.n_caps, 2);
            assert_int_equal(m.caps[1].n, strlen(cases[i].statement));
            assert_memory_equal(m.caps[1].p, cases[i].statement, m.caps[1].n);
        }
    }
    pgm_ruleset_free(&rs);
}

static void test_pcre_limit_is_counted_not_a_hang(void **state)
{
    (void)state;
    pgm_ruleset rs;
    load_ok(&rs, "id: T-LIMIT-001\ntitle: t\nseverity: low\nmessage: m\n"
                 "match: {prefilter: [aa], pattern: '^(a|aa)+$', kind: conn.lost}\n"
                 "tests: [{match: aa}, {no_match: b}]\n");
    char line[200];
    memset(line, 'a', sizeof line - 2);
    line[sizeof line - 2] = 'b';
    line[sizeof line - 1] = '\0';
    pgm_match m;
    assert_int_equal(pgm_ruleset_classify(&rs, NULL, "message", line, strlen(line), &m), 0);
    assert_int_equal(rs.limit_hits, 1);
    assert_string_equal(rs.limit_rule, "T-LIMIT-001");
    /* invalid UTF-8 in the subject is matched, not rejected */
    assert_int_equal(pgm_ruleset_classify(&rs, NULL, "message", "aa\xff", 3, &m), 0);
    assert_int_equal(pgm_ruleset_classify(&rs, NULL, "message", "aaaa", 4, &m), 1);
    pgm_ruleset_free(&rs);
}

/* Where the JIT is unavailable the interpreter matches, and the depth limit
 * bounds it too (the JIT ignores it, pcre2_set_depth_limit(3)): a repeated
 * group over a long subject reaches PGM_PCRE_DEPTH_LIMIT. It is counted as
 * the match limit is, and the scan says both in the same words. */
static void test_pcre_depth_limit_of_the_interpreter(void **state)
{
    (void)state;
    const char *pattern = "^(a)*b", *id = "T-DEPTH-001";
    char text[8192];
    snprintf(text, sizeof text,
             "id: %s\ntitle: t\nseverity: low\nmessage: m\n"
             "match: {pattern: '%s', kind: conn.lost}\ntests: [{match: ab}, {no_match: c}]\n",
             id, pattern);
    pgm_ruleset rs;
    load_ok(&rs, text);
    assert_int_equal(rs.n, 1);
    /* as compile_pattern leaves it when JIT compiling fails (no code for
     * ASCII subjects then either): pcre2_match runs the JIT whenever the
     * code has been through pcre2_jit_compile */
    int code;
    PCRE2_SIZE off;
    pcre2_code_free(rs.rules[0].re);
    pcre2_code_free(rs.rules[0].re_ascii);
    rs.rules[0].re_ascii = NULL;
    rs.rules[0].re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                   &code, &off, NULL);
    assert_non_null(rs.rules[0].re);
    rs.rules[0].jit = false;
    static char line[5001];
    memset(line, 'a', sizeof line - 1);
    pgm_match m;
    assert_int_equal(pgm_rule_match(&rs, &rs.rules[0], line, strlen(line), &m), 0);
    assert_int_equal(rs.limit_hits, 1);
    assert_string_equal(rs.limit_rule, id);
    pgm_ruleset_free(&rs);
}

static int hits_seen;
static double last_value;
static void on_hit(void *ctx, const pgm_rule *r, const char *group, double value, int64_t from,
                   int64_t to, size_t n)
{
    (void)ctx, (void)r, (void)group, (void)from, (void)to, (void)n;
    hits_seen++;
    last_value = value;
}

static pgm_event ev(int64_t sec, const char *kind, const char *user, const char *n)
{
    pgm_event e;
    memset(&e, 0, sizeof e);
    e.t = sec * 1000000;
    e.kind = kind;
    e.kind_id = pgm_event_kind_of(kind);
    e.fields[0] = (pgm_field){"user", user, 0};
    e.fields[1] = (pgm_field){"n", n, 0};
    e.n_fields = 2;
    return e;
}

static void test_thresholds_over_windows(void **state)
{
    (void)state;
    pgm_ruleset rs;
    load_ok(&rs, "rules:\n"
                 "- id: T-THR-001\n  title: t\n  severity: low\n  message: m\n"
                 "  threshold: {kinds: [conn.lost], group_by: [user], timespan: 10s, condition: {gte: 3}}\n"
                 "  tests: [{events: [], fires: false}]\n"
                 "- id: T-THR-002\n  title: t\n  severity: low\n  message: m\n"
                 "  threshold: {kinds: [conn.lost], timespan: 1min, aggregate: distinct, field: user, condition: {gte: 2}}\n"
                 "  tests: [{events: [], fires: false}]\n"
                 "- id: T-THR-003\n  title: t\n  severity: low\n  message: m\n"
                 "  threshold: {kinds: [conn.lost], timespan: 1min, aggregate: sum, field: n, condition: {gt: 10}}\n"
                 "  tests: [{events: [], fires: false}]\n"
                 "- id: T-THR-004\n  title: t\n  severity: low\n  message: m\n"
                 "  threshold: {kinds: [conn.lost], timespan: 1h, aggregate: max, field: n, condition: {eq: 7}}\n"
                 "  tests: [{events: [], fires: false}]\n");
    /* alice: 3 within 10 s twice (two episodes); bob: 3 spread over 30 s (none) */
    pgm_event e[] = {
        ev(0, "conn.lost", "alice", "1"),  ev(4, "conn.lost", "alice", "2"),
        ev(8, "conn.lost", "alice", "3"),  ev(9, "conn.lost", "alice", "1"),
        ev(40, "conn.lost", "alice", "1"), ev(45, "conn.lost", "alice", "1"),
        ev(49, "conn.lost", "alice", "7"), ev(0, "conn.lost", "bob", "1"),
        ev(15, "conn.lost", "bob", "1"),   ev(30, "conn.lost", "bob", "1"),
        ev(31, "conn.received", "bob", "100"),
    };
    size_t n = sizeof e / sizeof e[0];
    hits_seen = 0;
    assert_int_equal(pgm_threshold_run(&rs.rules[0], e, n, on_hit, NULL), 2);
    assert_int_equal(hits_seen, 2);
    /* unsorted input gives the same answer */
    pgm_event rev[sizeof e / sizeof e[0]];
    for (size_t i = 0; i < n; i++)
        rev[i] = e[n - 1 - i];
    assert_int_equal(pgm_threshold_run(&rs.rules[0], rev, n, NULL, NULL), 2);
    assert_int_equal(pgm_threshold_run(&rs.rules[1], e, n, on_hit, NULL), 1);
    assert_true(last_value >= 2);
    assert_int_equal(pgm_threshold_run(&rs.rules[2], e, n, on_hit, NULL), 1);
    assert_true(last_value > 10);
    assert_int_equal(pgm_threshold_run(&rs.rules[3], e, n, on_hit, NULL), 1);
    assert_true(last_value == 7);
    pgm_ruleset_free(&rs);
}

static int eval_rule(const char *expr, const char *for_each, pgm_facts *f)
{
    size_t at;
    char err[PGM_ERR_MAX];
    pgm_expr *e = pgm_expr_parse(expr, strlen(expr), for_each, &at, err);
    if (!e)
        fail_msg("parse '%s': %s at %zu", expr, err, at);
    int r = pgm_expr_true(e, f, NULL);
    pgm_expr_free(e);
    return r;
}

static void test_expressions_units_and_missing_facts(void **state)
{
    (void)state;
    pgm_facts f;
    pgm_facts_init(&f);
    pgm_facts_set(&f, "pg.max_connections", "100");
    pgm_facts_set(&f, "pg.superuser_reserved_connections", "3");
    pgm_facts_set(&f, "pg.idle_in_transaction_session_timeout", "0");
    pgm_facts_set(&f, "pg.statement_timeout", "30s");
    pgm_facts_set(&f, "pg.shared_buffers", "128MB");
    pgm_facts_set(&f, "pg.log_connections", "on");
    pgm_facts_set(&f, "pg.log_line_prefix", "%m [%p] ");
    pgm_record *p1 = pgm_facts_add_record(&f, "pool");
    pgm_record_set(p1, "name", "orders");
    pgm_record_set(p1, "maximum_pool_size", "20");
    pgm_record_set(p1, "instances", "4");
    pgm_record_set(p1, "leak_detection_threshold", "0");
    pgm_record *p2 = pgm_facts_add_record(&f, "pool");
    pgm_record_set(p2, "name", "billing");
    pgm_record_set(p2, "maximum_pool_size", "10");
    pgm_record_set(p2, "instances", "2");

    assert_true(eval_rule("pg.idle_in_transaction_session_timeout == 0", NULL, &f));
    assert_true(eval_rule("pg.statement_timeout == 30000ms and pg.statement_timeout < 1min", NULL, &f));
    assert_true(eval_rule("pg.statement_timeout == 30000", NULL, &f)); /* bare number: base unit */
    assert_true(eval_rule("pg.shared_buffers >= 128MB and pg.shared_buffers < 1GB", NULL, &f));
    assert_false(eval_rule("pg.shared_buffers > 1s", NULL, &f)); /* size vs time: unknown */
    assert_true(eval_rule("pg.log_connections == true and not (pg.max_connections < 10)", NULL, &f));
    assert_true(eval_rule("pg.log_line_prefix != '%m'", NULL, &f));
    assert_true(eval_rule("sum(pool.maximum_pool_size * pool.instances) == 100", NULL, &f));
    assert_true(eval_rule("sum(pool.maximum_pool_size * pool.instances) > pg.max_connections - "
                          "pg.superuser_reserved_connections", NULL, &f));
    assert_true(eval_rule("count(pool) == 2 and count(pool.maximum_pool_size > 15) == 1", NULL, &f));
    assert_true(eval_rule("min(pool.maximum_pool_size) == 10 and max(pool.maximum_pool_size) == 20", NULL, &f));
    assert_true(eval_rule("hikari.orders.maximum_pool_size == 20", NULL, &f));
    assert_true(eval_rule("(1 + 2) * 3 == 9 and 10 / 4 == 2.5 and -3 < 0", NULL, &f));
    /* missing facts: never fire, except through exists() */
    assert_false(eval_rule("pg.idle_session_timeout == 0", NULL, &f));
    assert_false(eval_rule("pg.idle_session_timeout != 0", NULL, &f));
    assert_false(eval_rule("not (pg.idle_session_timeout == 0)", NULL, &f));
    assert_true(eval_rule("not exists(pg.idle_session_timeout)", NULL, &f));
    assert_true(eval_rule("pg.idle_session_timeout == 0 or pg.max_connections == 100", NULL, &f));
    assert_false(eval_rule("pg.idle_session_timeout == 0 and pg.max_connections == 100", NULL, &f));
    assert_false(eval_rule("hikari.nosuchpool.maximum_pool_size > 0", NULL, &f));
    assert_false(eval_rule("pg.max_connections / 0 > 1", NULL, &f));
    assert_false(eval_rule("max(pool.keepalive_time) > 0", NULL, &f)); /* no pool has it */
    /* for_each binds the current pool */
    const char *src = "pool.leak_detection_threshold == 0";
    size_t at;
    char err[PGM_ERR_MAX];
    pgm_expr *e = pgm_expr_parse(src, strlen(src), "pool", &at, err);
    assert_non_null(e);
    const pgm_collection *c = pgm_facts_collection(&f, "pool");
    assert_true(pgm_expr_true(e, &f, &c->recs[0]));
    assert_false(pgm_expr_true(e, &f, &c->recs[1])); /* billing: not set, unknown */
    pgm_expr_free(e);
    /* parse errors and their offsets */
    assert_null(pgm_expr_parse("pool.maximum_pool_size > 1", 26, NULL, &at, err));
    assert_int_equal(at, 0);
    assert_null(pgm_expr_parse("sum(sum(pool.instances))", 24, NULL, &at, err));
    assert_string_equal(err, "aggregates cannot be nested");
    assert_null(pgm_expr_parse("frob(1)", 7, NULL, &at, err));
    assert_string_equal(err, "unknown function 'frob' (exists, sum, min, max, count)");
    assert_null(pgm_expr_parse("1 == 1 1", 8, NULL, &at, err));
    assert_int_equal(at, 7);
    assert_null(pgm_expr_parse("'open", 5, NULL, &at, err));
    assert_string_equal(err, "unterminated string");
    pgm_facts_free(&f);
}

static const char *lookup(void *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "user") == 0 ? "app" : NULL;
}

static void test_render_and_inline_tests(void **state)
{
    (void)state;
    char *s = pgm_rule_render("{user} held {count} slots", lookup, NULL);
    assert_string_equal(s, "app held {count} slots");
    free(s);
    pgm_ruleset rs;
    load_ok(&rs, GOOD);
    size_t cases = 0;
    for (size_t i = 0; i < rs.n; i++)
        assert_int_equal(pgm_rule_run_tests(&rs, &rs.rules[i], NULL, NULL, &cases), 0);
    assert_int_equal(cases, 6);
    pgm_ruleset_free(&rs);
    /* a rule without a negative case fails its tests */
    load_ok(&rs, "id: T-ONE-001\ntitle: t\nseverity: low\nmessage: m\n"
                 "match: {prefilter: ab, pattern: ab, kind: conn.lost}\ntests: [{match: ab}]\n");
    assert_int_equal(pgm_rule_run_tests(&rs, &rs.rules[0], NULL, NULL, NULL), 1);
    pgm_ruleset_free(&rs);
}

/* The builtin packs load and pass their own tests. */
static void test_builtin_packs(void **state)
{
    (void)state;
    pgm_ruleset rs;
    pgm_load_errors errs = {0};
    pgm_ruleset_init(&rs);
    pgm_ruleset_load_dir(&rs, "rules", &errs);
    if (errs.n)
        fail_msg("%s", errs.msg[0]);
    assert_int_equal(pgm_ruleset_finish(&rs, &errs), 0);
    assert_true(rs.n >= 7);
    for (size_t i = 0; i < rs.n; i++)
        assert_int_equal(pgm_rule_run_tests(&rs, &rs.rules[i], NULL, NULL, NULL), 0);
    /* and classify real server lines' messages */
    pgm_match m;
    const char *msg = "remaining connection slots are reserved for non-replication superuser connections";
    assert_int_equal(pgm_ruleset_classify(&rs, "pg_log", "message", msg, strlen(msg), &m), 1);
    assert_string_equal(m.rule->kind, "conn.refused.reserved_slots");
    pgm_ruleset_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_error_class_with_position),
        cmocka_unit_test(test_duplicate_ids_across_files),
        cmocka_unit_test(test_classify_with_captures),
        cmocka_unit_test(test_prefilter_gates_the_regex),
        cmocka_unit_test(test_ascii_subjects_match_alike),
        cmocka_unit_test(test_pcre_limit_is_counted_not_a_hang),
        cmocka_unit_test(test_pcre_depth_limit_of_the_interpreter),
        cmocka_unit_test(test_thresholds_over_windows),
        cmocka_unit_test(test_expressions_units_and_missing_facts),
        cmocka_unit_test(test_render_and_inline_tests),
        cmocka_unit_test(test_builtin_packs),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
