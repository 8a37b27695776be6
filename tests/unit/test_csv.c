/* CSV records as csvlog and psql/COPY write them: real files, quoted
 * newlines, doubled quotes, NULL versus "". */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/csv.h"

/* Feeds a whole file; checks every record has `fields` fields; returns records. */
static size_t read_all(const char *path, size_t fields, void (*each)(const pgm_csv_record *, void *), void *ctx)
{
    size_t len;
    char *data = tu_read_file(path, &len);
    pgm_csv_reader r;
    pgm_csv_init(&r);
    uint64_t lineno = 0;
    const pgm_csv_record *rec;
    for (char *line = data, *end; line < data + len; line = end + 1) {
        end = memchr(line, '\n', (size_t)(data + len - line));
        if (!end)
            end = data + len;
        int rc = pgm_csv_feed(&r, line, (size_t)(end - line), ++lineno, &rec);
        assert_true(rc >= 0);
        if (rc == 1) {
            if (rec->n_fields != fields)
                fail_msg("%s:%llu: %zu fields", path, (unsigned long long)rec->first_line, rec->n_fields);
            if (each)
                each(rec, ctx);
        }
    }
    assert_int_equal(pgm_csv_finish(&r, &rec), 0);
    size_t n = r.records;
    pgm_csv_free(&r);
    free(data);
    return n;
}

static void find_idle_timeout(const pgm_csv_record *rec, void *ctx)
{
    /* 2026-11-27 00:18:49.408 UTC,"app","appdb",18305,...,FATAL,25P03,"terminating connection due to idle-in-transaction timeout",... */
    if (strcmp(pgm_csv_field_text(rec, 12), "25P03") == 0) {
        assert_string_equal(pgm_csv_field_text(rec, 0), "2026-11-27 00:18:49.408 UTC");
        assert_string_equal(pgm_csv_field_text(rec, 1), "app");
        assert_true(rec->fields[1].quoted);
        assert_string_equal(pgm_csv_field_text(rec, 11), "FATAL");
        assert_string_equal(pgm_csv_field_text(rec, 13), "terminating connection due to idle-in-transaction timeout");
        assert_string_equal(pgm_csv_field_text(rec, 22), "leaky-app");
        assert_false(rec->fields[14].quoted); /* no detail: NULL */
        (*(int *)ctx)++;
    }
}

static void test_real_csvlog(void **state)
{
    (void)state;
    int found = 0;
    /* the counts Python's csv module gives for the same files */
    assert_int_equal(read_all("tests/samples/postgresql-15/run3-csvjson/log/postgresql-20261127-001842.csv", 26,
                              find_idle_timeout, &found), 252);
    assert_int_equal(read_all("tests/samples/postgresql-15/run3-csvjson/log/postgresql-20261127-001913.csv", 26,
                              NULL, NULL), 52);
    assert_int_equal(read_all("tests/samples/postgresql-15/run3-csvjson/log/postgresql-20261127-001917.csv", 26,
                              NULL, NULL), 44);
    assert_true(found >= 1);
}

static void check_background_row(const pgm_csv_record *rec, void *ctx)
{
    int *mode = ctx;
    if (strcmp(pgm_csv_field_text(rec, 2), "16407") != 0)
        return;
    /* application_name of a background process: "" in COPY CSV, nothing in psql --csv */
    assert_int_equal(rec->fields[6].len, 0);
    assert_int_equal(rec->fields[6].quoted, *mode == 1);
    /* client_addr is NULL in both */
    assert_false(rec->fields[7].quoted);
    assert_int_equal(rec->fields[7].len, 0);
    *mode += 10;
}

static void test_null_versus_empty_string(void **state)
{
    (void)state;
    int mode = 1;
    assert_int_equal(read_all("tests/samples/postgresql-15/pg_stat_activity/psa_copy_csv_header.csv", 22,
                              check_background_row, &mode), 22);
    assert_int_equal(mode, 11);
    mode = 0;
    assert_int_equal(read_all("tests/samples/postgresql-15/pg_stat_activity/psa_psql_csv.csv", 22,
                              check_background_row, &mode), 22);
    assert_int_equal(mode, 10);
}

static void test_quoted_newlines_and_quotes(void **state)
{
    (void)state;
    pgm_csv_reader r;
    pgm_csv_init(&r);
    const pgm_csv_record *rec;
    assert_int_equal(pgm_csv_feed(&r, "1,\"SELECT 'a|b' AS \"\"x\"\",", 25, 1, &rec), 0);
    assert_int_equal(pgm_csv_feed(&r, "  42 -- two lines", 17, 2, &rec), 0);
    assert_int_equal(pgm_csv_feed(&r, "\",done", 6, 3, &rec), 1);
    assert_int_equal(rec->n_fields, 3);
    assert_string_equal(pgm_csv_field_text(rec, 1), "SELECT 'a|b' AS \"x\",\n  42 -- two lines\n");
    assert_string_equal(pgm_csv_field_text(rec, 2), "done");
    assert_int_equal(rec->first_line, 1);
    assert_int_equal(rec->last_line, 3);
    /* empty line: one NULL field */
    assert_int_equal(pgm_csv_feed(&r, "", 0, 4, &rec), 1);
    assert_int_equal(rec->n_fields, 1);
    /* too many fields: dropped, counted, and the next record is fine */
    char many[PGM_CSV_MAX_FIELDS + 2];
    memset(many, ',', PGM_CSV_MAX_FIELDS); /* one field more than the cap */
    many[PGM_CSV_MAX_FIELDS] = '\0';
    assert_int_equal(pgm_csv_feed(&r, many, PGM_CSV_MAX_FIELDS, 5, &rec), -1);
    assert_int_equal(r.dropped, 1);
    assert_int_equal(pgm_csv_feed(&r, "a,\"\",", 5, 6, &rec), 1);
    assert_int_equal(rec->n_fields, 3);
    assert_true(rec->fields[1].quoted);
    assert_false(rec->fields[2].quoted);
    /* an unterminated quote at the end of input comes back as it stands */
    assert_int_equal(pgm_csv_feed(&r, "x,\"open", 7, 7, &rec), 0);
    assert_int_equal(pgm_csv_finish(&r, &rec), 1);
    assert_string_equal(pgm_csv_field_text(rec, 1), "open");
    pgm_csv_free(&r);
}

/* A field read back as the test made it, wherever its runs fall on the
 * 16-byte blocks of the line and of the record's text: a filler field
 * before it moves it, a piece (a doubled quote, a comma, a quote inside an
 * unquoted field) sits at every offset, and the field ends the line or not. */
static void test_fields_at_every_offset(void **state)
{
    (void)state;
    static const struct {
        bool quoted;
        const char *csv, *bytes; /* the piece as written, and as read */
    } pieces[] = {
        {true, "\"\"", "\""}, {true, ",", ","}, {true, "x", "x"}, {false, "\"", "\""}, {false, "y", "y"},
    };
    char line[512], want[256];
    for (size_t filler = 0; filler < 80; filler += 3) {
        for (size_t len = 0; len <= 40; len++) {
            for (size_t at = 0; at <= len; at++) {
                for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
                    for (int tail = 0; tail < 2; tail++) {
                        size_t t = 0, w = 0;
                        memset(line + t, 'f', filler);
                        t += filler;
                        line[t++] = ',';
                        if (pieces[k].quoted)
                            line[t++] = '"';
                        for (size_t i = 0; i <= len; i++) {
                            if (i == at) {
                                size_t pl = strlen(pieces[k].csv), bl = strlen(pieces[k].bytes);
                                /* an unquoted field's first byte a quote would open one */
                                if (!pieces[k].quoted && i == 0 && pieces[k].csv[0] == '"')
                                    line[t++] = 'q', want[w++] = 'q';
                                memcpy(line + t, pieces[k].csv, pl);
                                t += pl;
                                memcpy(want + w, pieces[k].bytes, bl);
                                w += bl;
                            }
                            if (i < len) {
                                char c = (char)('a' + (i * 5 + len) % 26);
                                line[t++] = c;
                                want[w++] = c;
                            }
                        }
                        if (pieces[k].quoted)
                            line[t++] = '"';
                        if (tail) {
                            memcpy(line + t, ",last field, 0123456789", 23);
                            t += 23;
                        }
                        pgm_csv_reader r;
                        pgm_csv_init(&r);
                        const pgm_csv_record *rec;
                        assert_int_equal(pgm_csv_feed(&r, line, t, 1, &rec), 1);
                        assert_int_equal(rec->n_fields, tail ? 4u : 2u);
                        assert_int_equal(rec->fields[0].len, filler);
                        if (rec->fields[1].len != w || memcmp(pgm_csv_field_text(rec, 1), want, w) != 0 ||
                            pgm_csv_field_text(rec, 1)[w] != '\0' || rec->fields[1].quoted != pieces[k].quoted)
                            fail_msg("filler %zu, %zu bytes, piece %zu at %zu: read back wrong from %.*s", filler,
                                     len, k, at, (int)t, line);
                        if (tail) {
                            assert_string_equal(pgm_csv_field_text(rec, 2), "last field");
                            assert_string_equal(pgm_csv_field_text(rec, 3), " 0123456789");
                        }
                        pgm_csv_free(&r);
                    }
                }
            }
        }
    }
}

/* A record past PGM_CSV_MAX_RECORD bytes is dropped, however its bytes
 * came (one long unquoted field, one long quoted one), and the next is read. */
static void test_record_too_long(void **state)
{
    (void)state;
    size_t big = PGM_CSV_MAX_RECORD + 10;
    char *line = malloc(big + 8);
    assert_non_null(line);
    for (int quoted = 0; quoted < 2; quoted++) {
        memset(line, 'x', big + 8);
        memcpy(line, quoted ? "a,\"" : "a,b", 3);
        line[big + 7] = quoted ? '"' : 'x';
        pgm_csv_reader r;
        pgm_csv_init(&r);
        const pgm_csv_record *rec;
        assert_int_equal(pgm_csv_feed(&r, line, big + 8, 1, &rec), -1);
        assert_int_equal(r.dropped, 1);
        assert_int_equal(pgm_csv_feed(&r, "c,\"d\"", 5, 2, &rec), 1);
        assert_int_equal(rec->n_fields, 2);
        assert_string_equal(pgm_csv_field_text(rec, 1), "d");
        /* a record of the cap's size exactly fits, one byte more does not:
         * its text is "a", the second field and their two NULs */
        size_t second = PGM_CSV_MAX_RECORD - 3, head = quoted ? 3 : 2, tail = quoted ? 1 : 0;
        for (size_t more = 0; more < 2; more++) {
            size_t n = head + second + more + tail;
            line[n - 1] = quoted ? '"' : 'x';
            assert_int_equal(pgm_csv_feed(&r, line, n, 4 + more, &rec), more ? -1 : 1);
            if (!more) {
                assert_int_equal(rec->fields[1].len, second);
                assert_int_equal(r.text.len, PGM_CSV_MAX_RECORD);
            }
            line[n - 1] = 'x';
        }
        pgm_csv_free(&r);
    }
    free(line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_csvlog),
        cmocka_unit_test(test_null_versus_empty_string),
        cmocka_unit_test(test_quoted_newlines_and_quotes),
        cmocka_unit_test(test_fields_at_every_offset),
        cmocka_unit_test(test_record_too_long),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
