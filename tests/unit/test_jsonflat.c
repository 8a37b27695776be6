/* JSON objects flattened: real jsonlog and Cloud Logging lines, escapes,
 * and the bounds. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/jsonflat.h"

static void test_real_jsonlog(void **state)
{
    (void)state;
    size_t len;
    char *data = tu_read_file("tests/samples/postgresql-15/run3-csvjson/log/postgresql-20261127-001842.json", &len);
    pgm_jsonflat j;
    pgm_jsonflat_init(&j);
    size_t lines = 0, with_state = 0, fatal_53300 = 0;
    char err[128];
    for (char *line = data, *end; line < data + len; line = end + 1) {
        end = memchr(line, '\n', (size_t)(data + len - line));
        if (!end)
            end = data + len;
        if (end == line)
            continue;
        lines++;
        if (!pgm_jsonflat_parse(&j, line, (size_t)(end - line), err, sizeof err))
            fail_msg("line %zu: %s", lines, err);
        /* always present (postgresql-log-formats.md, counted over real records) */
        static const char *const always[] = {"timestamp", "pid", "session_id", "line_num", "session_start",
                                             "txid", "error_severity", "message", "backend_type", "query_id"};
        for (size_t k = 0; k < sizeof always / sizeof always[0]; k++)
            if (!pgm_jsonflat_get(&j, always[k], NULL))
                fail_msg("line %zu lacks %s", lines, always[k]);
        enum pgm_json_type t;
        const char *pid = pgm_jsonflat_get(&j, "pid", &t);
        assert_int_equal(t, PGM_JT_NUMBER);
        assert_true(atoi(pid) > 0);
        const char *st = pgm_jsonflat_get(&j, "state_code", NULL);
        if (st) {
            with_state++;
            assert_string_not_equal(st, "00000"); /* absent when 00000 */
            if (strcmp(st, "53300") == 0 && strcmp(pgm_jsonflat_get(&j, "error_severity", NULL), "FATAL") == 0)
                fatal_53300++;
        }
    }
    assert_int_equal(lines, 252);
    assert_true(with_state > 0);
    assert_true(fatal_53300 > 0);
    pgm_jsonflat_free(&j);
    free(data);
}

static void test_cloud_logging_entry(void **state)
{
    (void)state;
    size_t len;
    char *data = tu_read_file("tests/samples/other/cloudsql-export.json", &len);
    pgm_jsonflat j;
    pgm_jsonflat_init(&j);
    char err[128];
    assert_true(pgm_jsonflat_parse(&j, data, len, err, sizeof err));
    assert_string_equal(pgm_jsonflat_get(&j, "resource.labels.database_id", NULL), "acme:orders-db");
    assert_string_equal(pgm_jsonflat_get(&j, "resource.type", NULL), "cloudsql_database");
    assert_string_equal(pgm_jsonflat_get(&j, "textPayload", NULL),
                        "2026-11-27 00:15:36.444 UTC [12286]: [2-1] db=postgres,user=app FATAL:  "
                        "password authentication failed for user \"app\"");
    assert_null(pgm_jsonflat_get(&j, "resource", NULL));
    pgm_jsonflat_free(&j);
    free(data);
}

static bool parse(pgm_jsonflat *j, const char *s)
{
    char err[128];
    return pgm_jsonflat_parse(j, s, strlen(s), err, sizeof err);
}

static void test_escapes_and_bounds(void **state)
{
    (void)state;
    pgm_jsonflat j;
    pgm_jsonflat_init(&j);
    assert_true(parse(&j, "{\"a\":\"caf\\u00e9 \\ud83d\\ude00 \\ud800 \\\"q\\\" \\n\",\"n\":-1.5e3,\"b\":true,"
                          "\"z\":null,\"arr\":[1,{\"x\":\"]\"}],\"o\":{}}"));
    assert_string_equal(pgm_jsonflat_get(&j, "a", NULL), "caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbd \"q\" \n");
    enum pgm_json_type t;
    assert_string_equal(pgm_jsonflat_get(&j, "n", &t), "-1.5e3");
    assert_int_equal(t, PGM_JT_NUMBER);
    assert_string_equal(pgm_jsonflat_get(&j, "b", &t), "true");
    assert_int_equal(t, PGM_JT_BOOL);
    assert_int_equal(pgm_jsonflat_get(&j, "z", &t) != NULL, 1);
    assert_int_equal(t, PGM_JT_NULL);
    assert_string_equal(pgm_jsonflat_get(&j, "arr", &t), "[1,{\"x\":\"]\"}]");
    assert_int_equal(t, PGM_JT_ARRAY);
    /* malformed */
    assert_false(parse(&j, "{\"a\":1,}"));
    assert_false(parse(&j, "{\"a\":\"x\ty\"}"));
    assert_false(parse(&j, "{\"a\":1} trailing"));
    assert_false(parse(&j, "[1,2]"));
    assert_false(parse(&j, "{\"a\":\"\\q\"}"));
    assert_false(parse(&j, "{\"a\""));
    /* depth */
    char deep[200] = "";
    for (int i = 0; i < 12; i++)
        strcat(deep, "{\"a\":");
    strcat(deep, "1");
    for (int i = 0; i < 12; i++)
        strcat(deep, "}");
    char err[128];
    assert_false(pgm_jsonflat_parse(&j, deep, strlen(deep), err, sizeof err));
    assert_non_null(strstr(err, "nested too deeply"));
    pgm_jsonflat_free(&j);
}

/* One value's text: `len` plain bytes, the piece `esc` (its JSON form) at
 * byte `at`, after a filler member that moves where the value lands in the
 * parser's buffer. The value read back must be what the test made, however
 * its runs fall on the 16-byte blocks of the text and of the buffer. */
typedef struct piece {
    const char *json;   /* as written in the string */
    const char *bytes;  /* what it stands for; NULL: the string is malformed */
    size_t n;
} piece;

static void test_runs_at_every_offset(void **state)
{
    (void)state;
    static const piece pieces[] = {
        {"\\\"", "\"", 1}, {"\\\\", "\\", 1}, {"\\n", "\n", 1}, {"\\u00e9", "\xc3\xa9", 2},
        {"\\/", "/", 1}, {"\\b", "\b", 1}, {"\\f", "\f", 1}, {"\\r", "\r", 1}, {"\\t", "\t", 1},
        {"\xc3\xa9", "\xc3\xa9", 2}, /* bytes past ASCII are no stop */
        {"\\ud83d\\ude00", "\xf0\x9f\x98\x80", 4}, {"\x7f", "\x7f", 1},
        {"\t", NULL, 0}, {"\x01", NULL, 0}, {"\x1f", NULL, 0}, /* raw control characters */
    };
    char text[512], want[256];
    for (size_t filler = 0; filler < 72; filler += 5) {
        for (size_t len = 0; len <= 40; len++) {
            for (size_t at = 0; at <= len; at++) {
                for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
                    for (int tail = 0; tail < 2; tail++) {
                        size_t w = 0, t = 0;
                        t += (size_t)snprintf(text + t, sizeof text - t, "{\"f\":\"%.*s\",\"v\":\"", (int)filler,
                                              "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
                        for (size_t i = 0; i < len; i++) {
                            if (i == at) {
                                t += (size_t)snprintf(text + t, sizeof text - t, "%s", pieces[k].json);
                                if (pieces[k].n)
                                    memcpy(want + w, pieces[k].bytes, pieces[k].n);
                                w += pieces[k].n;
                            }
                            char c = (char)('a' + (i * 7 + len) % 26);
                            text[t++] = c;
                            want[w++] = c;
                        }
                        if (at == len) {
                            t += (size_t)snprintf(text + t, sizeof text - t, "%s", pieces[k].json);
                            if (pieces[k].n)
                                memcpy(want + w, pieces[k].bytes, pieces[k].n);
                            w += pieces[k].n;
                        }
                        /* the value last, ending the text (fewer than 16 bytes after it), or not */
                        t += (size_t)snprintf(text + t, sizeof text - t, "%s",
                                              tail ? "\",\"after\":\"0123456789abcdef0123\"}" : "\"}");
                        pgm_jsonflat j;
                        pgm_jsonflat_init(&j);
                        char err[128];
                        bool parsed = pgm_jsonflat_parse(&j, text, t, err, sizeof err);
                        if (!pieces[k].bytes) {
                            if (parsed || !strstr(err, "control character in a string"))
                                fail_msg("a control character read in %s", text);
                            pgm_jsonflat_free(&j);
                            continue;
                        }
                        if (!parsed)
                            fail_msg("%s: %s", text, err);
                        size_t got_len;
                        const char *got = pgm_jsonflat_get_text(&j, "v", 1, &got_len);
                        assert_non_null(got);
                        if (got_len != w || memcmp(got, want, w) != 0 || got[w] != '\0')
                            fail_msg("filler %zu, %zu bytes, piece %zu at %zu: read back wrong from %s", filler, len,
                                     k, at, text);
                        assert_int_equal(strlen(pgm_jsonflat_get(&j, "f", NULL)), filler);
                        if (tail)
                            assert_string_equal(pgm_jsonflat_get(&j, "after", NULL), "0123456789abcdef0123");
                        pgm_jsonflat_free(&j);
                    }
                }
            }
        }
    }
}

/* Keys found by the index: every one of the pairs kept, the first of two
 * alike, none beyond the cap, none absent; keys that differ only inside. */
static void test_keys_looked_up(void **state)
{
    (void)state;
    char text[8192];
    size_t t = 0;
    text[t++] = '{';
    for (int k = 0; k < PGM_JSONFLAT_MAX_PAIRS + 4; k++)
        t += (size_t)snprintf(text + t, sizeof text - t, "%s\"key_with_a_long_common_head_%d_and_tail\":\"v%d\"",
                              k ? "," : "", k, k);
    text[t++] = '}';
    pgm_jsonflat j;
    pgm_jsonflat_init(&j);
    char err[128];
    assert_true(pgm_jsonflat_parse(&j, text, t, err, sizeof err));
    assert_int_equal(j.n, PGM_JSONFLAT_MAX_PAIRS);
    assert_int_equal(j.dropped, 4);
    for (int k = 0; k < PGM_JSONFLAT_MAX_PAIRS + 4; k++) {
        char key[64], want[16];
        snprintf(key, sizeof key, "key_with_a_long_common_head_%d_and_tail", k);
        snprintf(want, sizeof want, "v%d", k);
        const char *v = pgm_jsonflat_get(&j, key, NULL);
        if (k < PGM_JSONFLAT_MAX_PAIRS) {
            assert_non_null(v);
            assert_string_equal(v, want);
        } else {
            assert_null(v);
        }
    }
    assert_null(pgm_jsonflat_get(&j, "key_with_a_long_common_head_7_and_tai", NULL));
    assert_null(pgm_jsonflat_get(&j, "", NULL));
    /* the first of two alike, a nested one too; short keys of every length */
    assert_true(parse(&j, "{\"a\":\"1\",\"b\":\"2\",\"a\":\"3\",\"x\":{\"y\":\"4\"},\"x.y\":\"5\",\"\":\"6\","
                          "\"ab\":\"7\",\"abc\":\"8\",\"abcd\":\"9\",\"abcde\":\"10\",\"abcdefgh\":\"11\","
                          "\"abcdefghi\":\"12\",\"abcdefgh_1_ijklmnop\":\"13\",\"abcdefgh_2_ijklmnop\":\"14\"}"));
    static const char *const keys[] = {"a", "b", "x.y", "", "ab", "abc", "abcd", "abcde", "abcdefgh", "abcdefghi",
                                       "abcdefgh_1_ijklmnop", "abcdefgh_2_ijklmnop"};
    static const char *const values[] = {"1", "2", "4", "6", "7", "8", "9", "10", "11", "12", "13", "14"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *v = pgm_jsonflat_get(&j, keys[k], NULL);
        if (!v || strcmp(v, values[k]) != 0)
            fail_msg("key \"%s\": %s, not %s", keys[k], v ? v : "absent", values[k]);
    }
    assert_null(pgm_jsonflat_get(&j, "x", NULL));
    assert_null(pgm_jsonflat_get(&j, "abcdefg", NULL));
    pgm_jsonflat_free(&j);
}

/* A value's length as a C string: up to a \u0000 it holds, or a NUL byte
 * inside an array's raw text; the bytes after stay in val_len. */
static void test_values_with_nul(void **state)
{
    (void)state;
    pgm_jsonflat j;
    pgm_jsonflat_init(&j);
    static const char text[] = "{\"s\":\"ab\\u0000cd\",\"arr\":[\"x\0y\"],\"t\":\"plain\"}";
    char err[128];
    assert_true(pgm_jsonflat_parse(&j, text, sizeof text - 1, err, sizeof err));
    size_t n;
    assert_string_equal(pgm_jsonflat_get_text(&j, "s", 1, &n), "ab");
    assert_int_equal(n, 2);
    assert_int_equal(j.pairs[0].val_len, 5);
    assert_string_equal(pgm_jsonflat_get_text(&j, "arr", 3, &n), "[\"x");
    assert_int_equal(n, 3);
    assert_int_equal(j.pairs[1].val_len, 7);
    assert_string_equal(pgm_jsonflat_get_text(&j, "t", 1, &n), "plain");
    assert_int_equal(n, 5);
    assert_null(pgm_jsonflat_get_text(&j, "u", 1, &n));
    assert_int_equal(n, 0);
    pgm_jsonflat_free(&j);
}

/* An object past PGM_JSONFLAT_MAX_BYTES fails, said at the start of the run
 * that did not fit. */
static void test_too_large(void **state)
{
    (void)state;
    size_t big = PGM_JSONFLAT_MAX_BYTES + 100;
    char *text = malloc(big + 16);
    assert_non_null(text);
    memcpy(text, "{\"a\":\"", 6);
    memset(text + 6, 'x', big);
    memcpy(text + 6 + big, "\"}", 2);
    pgm_jsonflat j;
    pgm_jsonflat_init(&j);
    char err[128];
    assert_false(pgm_jsonflat_parse(&j, text, big + 8, err, sizeof err));
    assert_string_equal(err, "at byte 6: object too large");
    /* an escape first: the run after it is the one said */
    memcpy(text + 6, "\\n", 2);
    assert_false(pgm_jsonflat_parse(&j, text, big + 8, err, sizeof err));
    assert_string_equal(err, "at byte 8: object too large");
    pgm_jsonflat_free(&j);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_jsonlog),
        cmocka_unit_test(test_cloud_logging_entry),
        cmocka_unit_test(test_escapes_and_bounds),
        cmocka_unit_test(test_runs_at_every_offset),
        cmocka_unit_test(test_keys_looked_up),
        cmocka_unit_test(test_values_with_nul),
        cmocka_unit_test(test_too_large),
    };
    return cmocka_run_group_tests_name("jsonflat", tests, NULL, NULL);
}
