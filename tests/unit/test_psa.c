/* pg_stat_activity dumps: the real PostgreSQL 15.18 dumps of one moment in
 * every form give the same sessions; values with newlines and '|' survive;
 * NULL versus empty; the snapshot's time. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity/psa.h"
#include "text/timestamp.h"

#define DIR "tests/samples/postgresql-15/pg_stat_activity/"
#define MAX_SNAPS 4

typedef struct seen {
    size_t n;
    size_t rows[MAX_SNAPS];
    int64_t t[MAX_SNAPS];
    char sessions[MAX_SNAPS][4096]; /* "pid state app type;" of client backends but psql */
    char query_of_first[MAX_SNAPS][256];
    bool state_null_first[MAX_SNAPS];
} seen;

static void on_snapshot(void *ctx, const pgm_psa_snapshot *s)
{
    seen *x = ctx;
    assert_true(x->n < MAX_SNAPS);
    size_t k = x->n++;
    x->rows[k] = s->n_rows;
    x->t[k] = s->t;
    for (size_t i = 0; i < s->n_rows; i++) {
        const pgm_psa_row *r = &s->rows[i];
        const char *pid = pgm_psa_value(s, r, PGM_PSA_PID), *state = pgm_psa_value(s, r, PGM_PSA_STATE);
        const char *app = pgm_psa_value(s, r, PGM_PSA_APPLICATION_NAME);
        const char *type = pgm_psa_value(s, r, PGM_PSA_BACKEND_TYPE);
        const char *query = pgm_psa_value(s, r, PGM_PSA_QUERY);
        if (i == 0) {
            snprintf(x->query_of_first[k], sizeof x->query_of_first[k], "%s", query ? query : "(NULL)");
            x->state_null_first[k] = state == NULL;
        }
        if (!type || strcmp(type, "client backend") != 0 || (app && strcmp(app, "psql") == 0))
            continue;
        size_t l = strlen(x->sessions[k]);
        snprintf(x->sessions[k] + l, sizeof x->sessions[k] - l, "%s %s %s;", pid, state ? state : "-",
                 app ? app : "-");
    }
}

static void feed(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    pgm_psa_feed(ctx, line, n, lineno);
}

/* Reads a dump file in `format`, each snapshot to cb; the lines not read. */
static uint64_t read_file_with(const char *format, const char *path, pgm_psa_cb cb, void *ctx)
{
    pgm_psa_reader *r;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_psa_open(&r, format, cb, ctx, err), PGM_OK);
    size_t len;
    char *data = tu_read_file(path, &len);
    tu_for_each_line(data, len, feed, r);
    pgm_psa_finish(r);
    uint64_t first, bad = pgm_psa_unparsed(r, &first);
    pgm_psa_close(r);
    free(data);
    return bad;
}

static uint64_t read_dump(const char *format, const char *path, seen *x)
{
    memset(x, 0, sizeof *x);
    return read_file_with(format, path, on_snapshot, x);
}

static void test_every_form_gives_the_same_sessions(void **state)
{
    (void)state;
    static const char *const forms[][2] = {
        {"aligned", DIR "psa_aligned.txt"},       {"expanded", DIR "psa_expanded.txt"},
        {"unaligned", DIR "psa_unaligned.txt"},   {"unaligned", DIR "psa_unaligned_tuples_only.txt"},
        {"csv", DIR "psa_psql_csv.csv"},          {"csv", DIR "psa_copy_csv_header.csv"},
        {"copy_text", DIR "psa_copy_text.tsv"},   {"json", DIR "psa_json_agg.json"},
    };
    seen ref, x;
    assert_int_equal(read_dump("json", DIR "psa_json_agg.json", &ref), 0);
    assert_int_equal(ref.n, 1);
    assert_int_equal(ref.rows[0], 21);
    /* 8 leaked idle sessions of leaky-app among the 16 client backends */
    assert_non_null(strstr(ref.sessions[0], "16447 idle leaky-app;"));
    assert_non_null(strstr(ref.sessions[0], "16499 idle in transaction leaky-app;"));
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        assert_int_equal(read_dump(forms[f][0], forms[f][1], &x), 0);
        if (x.n != 1 || x.rows[0] != 21)
            fail_msg("%s: %zu snapshots, %zu rows", forms[f][1], x.n, x.rows[0]);
        if (strcmp(x.sessions[0], ref.sessions[0]) != 0)
            fail_msg("%s:\n  %s\nwant\n  %s", forms[f][1], x.sessions[0], ref.sessions[0]);
        /* the dump's newest time, within the second the dumps were taken */
        assert_true(x.t[0] >= 1795738654000000LL && x.t[0] < 1795738655000000LL);
    }
}

static void test_multiline_and_null_forms(void **state)
{
    (void)state;
    seen x;
    /* aligned: a query with a newline and "a|b"; then a \pset null table */
    assert_int_equal(read_dump("aligned", DIR "psa_multiline_forms.txt", &x), 0);
    assert_int_equal(x.n, 2);
    assert_string_equal(x.query_of_first[0], "SELECT pg_sleep(5) AS \"a|b\",\n        42 AS answer -- multi-line query\n;");
    assert_int_equal(x.rows[1], 3);
    assert_true(x.state_null_first[1]); /* "(null)" is NULL */
    /* NULL versus empty: COPY CSV writes "" for the background processes' application_name */
    assert_int_equal(read_dump("csv", DIR "psa_copy_csv_header.csv", &x), 0);
    assert_true(x.state_null_first[0]);
    assert_string_equal(x.query_of_first[0], "");
}

static void feed_text(const char *format, const char *text, seen *x, uint64_t *bad)
{
    memset(x, 0, sizeof *x);
    pgm_psa_reader *r;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_psa_open(&r, format, on_snapshot, x, err), PGM_OK);
    tu_for_each_line(text, strlen(text), feed, r);
    pgm_psa_finish(r);
    *bad = pgm_psa_unparsed(r, NULL);
    pgm_psa_close(r);
}

static void test_hostile_cells_and_now(void **state)
{
    (void)state;
    seen x;
    uint64_t bad;
    /* unaligned: raw newline and '|' in the query, which is not the last column */
    feed_text("unaligned",
              "pid|state|query|backend_type|application_name|now\n"
              "101|active|SELECT 'a|b',\n  2|client backend|app1|2026-11-27 00:20:00+01\n"
              "102|idle|SELECT 1|client backend|app2|2026-11-27 00:20:00+01\n"
              "(2 rows)\n",
              &x, &bad);
    assert_int_equal(bad, 0);
    assert_int_equal(x.rows[0], 2);
    assert_string_equal(x.query_of_first[0], "SELECT 'a|b',\n  2");
    assert_true(x.t[0] == 1795735200000000LL); /* now(): 2026-11-26T23:20:00Z */
    /* two result sets in one file (\watch) */
    feed_text("aligned",
              " pid | state \n-----+-------\n 1   | idle\n(1 row)\n\n"
              " pid | state \n-----+-------\n 1   | idle\n 2   | active\n(2 rows)\n",
              &x, &bad);
    assert_int_equal(x.n, 2);
    assert_int_equal(x.rows[0], 1);
    assert_int_equal(x.rows[1], 2);
    /* \watch: each result under a banner with its time (C and en_US %c) */
    feed_text("aligned",
              "            Fri Nov 27 00:17:35 2026 (every 2s)\n\n"
              " pid |    backend_start\n-----+---------------------------\n 1   | 2026-11-27 00:10:00+00\n(1 row)\n\n"
              "     Fri 27 Nov 2026 12:17:37 AM UTC (every 2s)\n\n"
              " pid |    backend_start\n-----+---------------------------\n 1   | 2026-11-27 00:10:00+00\n(1 row)\n\n"
              " pid |    backend_start\n-----+---------------------------\n 1   | 2026-11-27 00:10:00+00\n(1 row)\n",
              &x, &bad);
    assert_int_equal(x.n, 3);
    assert_true(x.t[0] == 1795738655000000LL); /* 00:17:35 */
    assert_true(x.t[1] == 1795738657000000LL); /* 00:17:37 */
    assert_true(x.t[2] == 1795738200000000LL); /* no banner: the newest time in it */
}

/* pg_stat_activity as people paste it (fixtures/record/psa-forms.sh, one
 * moment of a real PostgreSQL 15): each form gives the six sessions of the
 * plain aligned dump, with their whole values. */
typedef struct pasted {
    size_t snaps, rows;
    char rows_text[4096]; /* "pid|app|state|query;" */
} pasted;

static void on_pasted(void *ctx, const pgm_psa_snapshot *s)
{
    pasted *x = ctx;
    x->snaps++;
    for (size_t i = 0; i < s->n_rows; i++, x->rows++) {
        const pgm_psa_row *r = &s->rows[i];
        const char *v[4] = {pgm_psa_value(s, r, PGM_PSA_PID), pgm_psa_value(s, r, PGM_PSA_APPLICATION_NAME),
                            pgm_psa_value(s, r, PGM_PSA_STATE), pgm_psa_value(s, r, PGM_PSA_QUERY)};
        size_t l = strlen(x->rows_text);
        snprintf(x->rows_text + l, sizeof x->rows_text - l, "%s|%s|%s|%s;", v[0] ? v[0] : "-", v[1] ? v[1] : "-",
                 v[2] ? v[2] : "-", v[3] ? v[3] : "-");
    }
}

static uint64_t read_pasted(const char *format, const char *path, pasted *x)
{
    memset(x, 0, sizeof *x);
    return read_file_with(format, path, on_pasted, x);
}

#define PASTED "tests/samples/postgresql-15/psa-forms/"

static void test_pasted_forms(void **state)
{
    (void)state;
    pasted ref, x;
    assert_int_equal(read_pasted("aligned", PASTED "aligned.txt", &ref), 0);
    assert_int_equal(ref.rows, 6);
    /* the long query the recorder's reports session ran, whole */
    assert_non_null(strstr(ref.rows_text, "|reports|active|SELECT pg_sleep(60), 'the nightly export of every order "
                                          "placed in the last thirty days' AS why;;"));
    assert_non_null(strstr(ref.rows_text, "|billing|idle in transaction|UPDATE churn SET v = v + 1 WHERE id = 1;;"));
    static const char *const same[][2] = {
        {"aligned", PASTED "indented.txt"},   {"aligned", PASTED "pgcli.txt"},
        {"expanded", PASTED "expanded-no-banner.txt"}, {"csv", PASTED "csv-quoted.csv"},
        {"tsv", PASTED "tsv-header.tsv"},     {"aligned", PASTED "terminal-wrapped.txt"},
        {"aligned", PASTED "heroku-columns.txt"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        assert_int_equal(read_pasted(same[i][0], same[i][1], &x), 0);
        assert_int_equal(x.snaps, 1);
        assert_string_equal(x.rows_text, ref.rows_text);
    }
    /* \pset format wrapped: values cut at the column's width go on below */
    assert_int_equal(read_pasted("aligned", PASTED "wrapped.txt", &x), 0);
    assert_int_equal(x.rows, 6);
    assert_non_null(strstr(x.rows_text, "|reports|active|SELECT pg_sleep(60), 'the nightly export of every order "
                                        "placed in the last thirty days' AS why;;"));
    assert_non_null(strstr(x.rows_text, "|billing|idle in transaction|UPDATE churn SET v = v + 1 WHERE id = 2;;"));
    /* a terminal narrower than the table's header in more than
     * PGM_PSA_MAX_FOLD_PIECES pieces: not read, and said */
    size_t len;
    char *data = tu_read_file(PASTED "aligned.txt", &len);
    char *folded = malloc(2 * len + 1);
    assert_non_null(folded);
    size_t w = 0, col = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] != '\n' && col == 10) {
            folded[w++] = '\n';
            col = 0;
        }
        folded[w++] = data[i];
        col = data[i] == '\n' ? 0 : col + 1;
    }
    memset(&x, 0, sizeof x);
    pgm_psa_reader *r;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_psa_open(&r, "aligned", on_pasted, &x, err), PGM_OK);
    tu_for_each_line(folded, w, feed, r);
    pgm_psa_finish(r);
    uint64_t first;
    assert_true(pgm_psa_unparsed(r, &first) > 0);
    pgm_psa_close(r);
    free(folded);
    free(data);
    assert_int_equal(x.rows, 0);
    /* no pid: a row a session all the same */
    assert_int_equal(read_pasted("aligned", PASTED "aligned-no-pid.txt", &x), 0);
    assert_int_equal(x.rows, 6);
    assert_non_null(strstr(x.rows_text, "-|billing|idle in transaction|-;"));
}

/* A monitoring agent's query names the statistics view it reads, whatever the
 * case or schema; an application's query, or a name that only contains the
 * stem, names none. The queries are postgres_exporter's and pgwatch's forms. */
static void test_stats_view(void **state)
{
    (void)state;
    char v[32];
    assert_string_equal(pgm_psa_stats_view("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle'", v, sizeof v),
                        "pg_stat_activity");
    assert_string_equal(pgm_psa_stats_view("select datname, xact_commit from PG_CATALOG.PG_STAT_DATABASE", v, sizeof v),
                        "pg_stat_database");
    assert_string_equal(pgm_psa_stats_view("SELECT mode, count(*) FROM pg_locks GROUP BY mode", v, sizeof v), "pg_locks");
    assert_string_equal(pgm_psa_stats_view("SELECT * FROM pg_statio_user_tables", v, sizeof v), "pg_statio_user_tables");
    assert_null(pgm_psa_stats_view("UPDATE orders SET status = 'paid' WHERE id = $1", v, sizeof v));
    assert_null(pgm_psa_stats_view("SELECT * FROM my_pg_stat_activity_copy", v, sizeof v));
    assert_null(pgm_psa_stats_view(NULL, v, sizeof v));
    /* a long name is cut to the buffer, never past it */
    char small[8];
    assert_string_equal(pgm_psa_stats_view("SELECT 1 FROM pg_stat_user_functions", small, sizeof small), "pg_stat");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_form_gives_the_same_sessions),
        cmocka_unit_test(test_pasted_forms),
        cmocka_unit_test(test_multiline_and_null_forms),
        cmocka_unit_test(test_hostile_cells_and_now),
        cmocka_unit_test(test_stats_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
