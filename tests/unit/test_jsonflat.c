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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_jsonlog),
        cmocka_unit_test(test_cloud_logging_entry),
        cmocka_unit_test(test_escapes_and_bounds),
    };
    return cmocka_run_group_tests_name("jsonflat", tests, NULL, NULL);
}
