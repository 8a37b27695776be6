/* postgresql.conf read as the server reads it: the real server's
 * pg_file_settings for the edge-case file of the reference (no '=', mixed
 * case, quotes and escapes, hex and octal, include_dir order, dot-files and
 * .bak ignored, later entry wins, auto.conf last) must come out exactly; the
 * server's syntax error texts for the documented mistakes. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/guc.h"
#include "config/pgconf.h"

#define CONF_DIR "tests/samples/postgresql-15/conf-syntax/"

static void write_file(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
}

/* The trimmed cell k of a psql aligned row. */
static void cell(const char *row, int k, char *out, size_t cap)
{
    const char *p = row;
    for (int i = 0; i < k; i++) {
        p = strchr(p, '|');
        assert_non_null(p);
        p++;
    }
    while (*p == ' ')
        p++;
    const char *e = strchr(p, '|');
    if (!e)
        e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\n'))
        e--;
    snprintf(out, cap, "%.*s", (int)(e - p), p);
}

static void test_pg_file_settings_of_the_real_server(void **state)
{
    (void)state;
    char dir[] = "/tmp/pgm-conf-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    /* postgresql.conf as it was when pg_file_settings.txt was taken: up to line 831 */
    size_t len;
    char *conf = tu_read_file(CONF_DIR "postgresql.conf.tested", &len);
    size_t cut = 0;
    for (unsigned line = 0; cut < len && line < 831; cut++)
        line += conf[cut] == '\n';
    snprintf(path, sizeof path, "%s/postgresql.conf", dir);
    write_file(path, conf, cut);
    free(conf);
    snprintf(path, sizeof path, "%s/conf.d", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    /* the two files pg_file_settings shows (line 1 each), and two the server ignores */
    snprintf(path, sizeof path, "%s/conf.d/20-b.conf", dir);
    write_file(path, "work_mem = 32MB\n", 16);
    snprintf(path, sizeof path, "%s/conf.d/10-a.conf", dir);
    write_file(path, "work_mem = 16MB\n", 16);
    snprintf(path, sizeof path, "%s/conf.d/.hidden.conf", dir);
    write_file(path, "work_mem = 1MB\n", 15);
    snprintf(path, sizeof path, "%s/conf.d/x.conf.bak", dir);
    write_file(path, "work_mem = 2MB\n", 15);
    char *autoconf = tu_read_file(CONF_DIR "postgresql.auto.conf", &len);
    snprintf(path, sizeof path, "%s/postgresql.auto.conf", dir);
    write_file(path, autoconf, len);
    free(autoconf);

    pgm_conf c;
    pgm_conf_init(&c);
    char main_path[512], auto_path[512];
    snprintf(main_path, sizeof main_path, "%s/postgresql.conf", dir);
    snprintf(auto_path, sizeof auto_path, "%s/postgresql.auto.conf", dir);
    int loaded = pgm_conf_load(&c, main_path, auto_path, &pgm_conf_disk_files);
    for (size_t i = 0; i < c.n_messages; i++)
        print_message("%s\n", c.messages[i]);
    assert_int_equal(loaded, PGM_OK);
    assert_int_equal(c.n_messages, 1); /* include_if_exists 'missing.conf' */
    assert_non_null(strstr(c.messages[0], "skipping missing configuration file"));

    char *want = tu_read_file(CONF_DIR "pg_file_settings.txt", &len);
    size_t rows = 0;
    for (char *row = strstr(want, "\n ") ; row && row[1] == ' ' && strchr(row + 1, '|'); ) {
        row++;
        char *nl = strchr(row, '\n');
        if (nl)
            *nl = 0;
        char file[128], line[16], seq[16], name[64], setting[64], applied[8];
        cell(row, 0, file, sizeof file);
        cell(row, 1, line, sizeof line);
        cell(row, 2, seq, sizeof seq);
        cell(row, 3, name, sizeof name);
        cell(row, 4, setting, sizeof setting);
        cell(row, 5, applied, sizeof applied);
        assert_true(rows < c.n);
        const pgm_conf_entry *e = &c.entries[rows];
        char expect_file[512];
        snprintf(expect_file, sizeof expect_file, "%s/%s", dir, file + strlen("$PGDATA/"));
        if (strcmp(e->file, expect_file) || e->line != (unsigned)atoi(line) ||
            e->seqno != (unsigned)atoi(seq) || strcmp(e->name, name) || strcmp(e->value, setting) ||
            e->applied != (applied[0] == 't'))
            fail_msg("row %zu: got %s:%u #%u %s=%s %d, want %s:%s #%s %s=%s %s", rows, e->file,
                     e->line, e->seqno, e->name, e->value, e->applied, expect_file, line, seq, name,
                     setting, applied);
        rows++;
        row = nl;
        if (row)
            *row = '\n';
    }
    assert_int_equal(rows, 29);
    assert_int_equal(c.n, 29);
    assert_string_equal(pgm_conf_get(&c, "work_mem")->value, "64MB");
    assert_string_equal(pgm_conf_get(&c, "work_mem")->setting, "65536");
    assert_string_equal(pgm_conf_get(&c, "statement_timeout")->value, "5min");
    free(want);
    pgm_conf_free(&c);

    /* pg_settings of the same server: the settings in base units. It had not
     * reloaded since ALTER SYSTEM wrote auto.conf, so it is compared without it;
     * tcp_keepalives_idle reads 0 there because the session was on a Unix socket. */
    pgm_conf_init(&c);
    assert_int_equal(pgm_conf_load(&c, main_path, NULL, &pgm_conf_disk_files), PGM_OK);
    want = tu_read_file(CONF_DIR "pg_settings_effective.txt", &len);
    size_t compared = 0;
    for (char *row = want; (row = strchr(row, '\n')) != NULL;) {
        row++;
        if (row[0] != ' ' || !strchr(row, '|'))
            continue;
        char *nl = strchr(row, '\n');
        if (nl)
            *nl = 0;
        char name[64], setting[32], source[32], file[64], line[16];
        cell(row, 0, name, sizeof name);
        cell(row, 1, setting, sizeof setting);
        cell(row, 3, source, sizeof source);
        cell(row, 4, file, sizeof file);
        cell(row, 5, line, sizeof line);
        if (nl)
            *nl = '\n';
        if (strcmp(source, "configuration file") != 0 || strcmp(name, "tcp_keepalives_idle") == 0)
            continue;
        const pgm_conf_entry *e = pgm_conf_get(&c, name);
        if (!e)
            fail_msg("%s: no applied entry", name);
        char expect_file[512];
        snprintf(expect_file, sizeof expect_file, "%s/%s", dir, file + strlen("$PGDATA/"));
        if (strcmp(e->setting, setting) != 0 || strcmp(e->file, expect_file) != 0 ||
            e->line != (unsigned)atoi(line))
            fail_msg("%s: got %s from %s:%u, want %s from %s:%s", name, e->setting, e->file, e->line,
                     setting, expect_file, line);
        compared++;
    }
    assert_int_equal(compared, 8);
    free(want);
    pgm_conf_free(&c);

    /* the file's last state: 'fast' is refused, the shadowed '8 KB' never checked */
    conf = tu_read_file(CONF_DIR "postgresql.conf.tested", &len);
    write_file(main_path, conf, len);
    free(conf);
    pgm_conf_init(&c);
    assert_int_equal(pgm_conf_load(&c, main_path, auto_path, &pgm_conf_disk_files), PGM_WARN);
    bool fast = false;
    for (size_t i = 0; i < c.n_messages; i++) {
        fast = fast || strcmp(c.messages[i], "invalid value for parameter \"log_min_duration_statement\": \"fast\"") == 0;
        assert_null(strstr(c.messages[i], "8 KB"));
    }
    assert_true(fast);
    assert_null(pgm_conf_get(&c, "log_min_duration_statement"));
    assert_string_equal(pgm_conf_get(&c, "work_mem")->setting, "65536");
    pgm_conf_free(&c);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* A provider over one string, for syntax cases. */
static int one_open(void *ctx, const char *path, char **data, size_t *len)
{
    if (strcmp(path, "postgresql.conf") != 0)
        return 1;
    *data = strdup(ctx);
    *len = strlen(ctx);
    return 0;
}

static void expect_message(const char *text, const char *want)
{
    pgm_conf_files files = {one_open, NULL, (void *)text};
    pgm_conf c;
    pgm_conf_init(&c);
    assert_int_equal(pgm_conf_load(&c, "postgresql.conf", NULL, &files), PGM_WARN);
    assert_true(c.syntax_errors);
    assert_true(c.n_messages >= 1);
    if (strcmp(c.messages[0], want) != 0)
        fail_msg("got:  %s\nwant: %s", c.messages[0], want);
    for (size_t i = 0; i < c.n; i++)
        assert_false(c.entries[i].applied); /* the server applies nothing */
    pgm_conf_free(&c);
}

static void test_the_servers_syntax_errors(void **state)
{
    (void)state;
    /* the texts of the real server.log in the reference folder */
    expect_message("work_mem = 4MB\nstatement_timeout = 5 min\n",
                   "syntax error in file \"postgresql.conf\" line 2, near token \"min\"");
    expect_message("maintenance_work_mem = 1.5MB\n",
                   "syntax error in file \"postgresql.conf\" line 1, near token \"MB\"");
    expect_message("log_line_prefix = %m [%p]\n",
                   "syntax error in file \"postgresql.conf\" line 1, near token \"%\"");
    expect_message("work_mem =\n", "syntax error in file \"postgresql.conf\" line 1, near end of line");
    expect_message("no_such_param = 1\n",
                   "unrecognized configuration parameter \"no_such_param\" in file \"postgresql.conf\" line 1");
    expect_message("max_conections = 20\n",
                   "unrecognized configuration parameter \"max_conections\" in file \"postgresql.conf\" "
                   "line 1 (did you mean \"max_connections\"?)");
    expect_message("include 'nope.conf'\n",
                   "could not open configuration file \"nope.conf\": No such file or directory");
    /* what is fine: extension placeholders, escapes */
    pgm_conf_files files = {one_open, NULL, (void *)"pg_stat_statements.max = 10000\n"
                                                    "application_name = 'a\\tb\\101'\n"};
    pgm_conf c;
    pgm_conf_init(&c);
    assert_int_equal(pgm_conf_load(&c, "postgresql.conf", NULL, &files), PGM_OK);
    assert_string_equal(pgm_conf_get(&c, "application_name")->value, "a\tbA");
    assert_string_equal(pgm_conf_get(&c, "pg_stat_statements.max")->value, "10000");
    pgm_conf_free(&c);
}

static void expect_setting(const char *name, const char *text, const char *want)
{
    const pgm_guc *g = pgm_guc_find(name);
    assert_non_null(g);
    char out[PGM_ERR_MAX + 16], err[PGM_ERR_MAX];
    bool ok = pgm_guc_setting(g, text, out, sizeof out, err);
    if (!ok)
        snprintf(out, sizeof out, "ERROR %s", err);
    if (strcmp(out, want) != 0)
        fail_msg("%s = '%s': got '%s', want '%s'", name, text, out, want);
}

static void test_values_as_the_server_reads_them(void **state)
{
    (void)state;
    expect_setting("WAL_LEVEL", "Logical", "logical");
    expect_setting("wal_level", "archive", "ERROR invalid value for parameter \"wal_level\": \"archive\"\n"
                                           "HINT:  Available values: minimal,replica,logical.");
    expect_setting("log_connections", "of", "off"); /* two letters tell on from off */
    expect_setting("log_connections", "o", "ERROR parameter \"log_connections\" requires a Boolean value");
    expect_setting("log_connections", "OFF", "off");
    expect_setting("max_connections", "5000000",
                   "ERROR 5000000 is outside the valid range for parameter \"max_connections\" (1 .. 262143)");
    expect_setting("work_mem", "8 KB", "ERROR invalid value for parameter \"work_mem\": \"8 KB\"\n"
                                       "HINT:  Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".");
    expect_setting("shared_buffers", "1GB", "131072");
    expect_setting("idle_in_transaction_session_timeout", "1h", "3600000");
    expect_setting("tcp_keepalives_idle", "2min", "120");
    expect_setting("max_connections", "20ms", "ERROR invalid value for parameter \"max_connections\": \"20ms\"");
}

/* An include_dir of more files than PGM_CONF_MAX_DIR_FILES: that the rest
 * are not read is said and counted as unread (the files read stop earlier,
 * at PGM_CONF_MAX_FILES_READ, said too). */
static void test_include_dir_over_its_limit(void **state)
{
    (void)state;
    char dir[] = "/tmp/pgm-confdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/conf.d", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    for (unsigned i = 0; i <= PGM_CONF_MAX_DIR_FILES; i++) {
        snprintf(path, sizeof path, "%s/conf.d/%05u.conf", dir, i);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs("work_mem = '4MB'\n", f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/postgresql.conf", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("include_dir 'conf.d'\n", f);
    fclose(f);
    pgm_conf c;
    pgm_conf_init(&c);
    pgm_conf_load(&c, path, NULL, &pgm_conf_disk_files);
    bool said = false;
    for (size_t i = 0; i < c.n_messages; i++)
        said |= strstr(c.messages[i], "more than 1024 files in configuration directory") != NULL;
    assert_true(said);
    assert_true(c.unread > 0);
    pgm_conf_free(&c);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* An included file one byte past PGM_CONF_MAX_FILE is not read, and the
 * message names its size, not a missing file; the settings before the
 * include still apply. */
static void test_include_larger_than_a_configuration_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/pgm-confbig-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], big[256];
    snprintf(big, sizeof big, "%s/big.conf", dir);
    FILE *f = fopen(big, "w");
    assert_non_null(f);
    fputs("work_mem = '8MB'\n", f);
    for (size_t n = strlen("work_mem = '8MB'\n"); n <= PGM_CONF_MAX_FILE; n += 64)
        fputs("# a comment line of sixty-four bytes, to fill the file past it.\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/postgresql.conf", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("max_connections = 50\ninclude 'big.conf'\n", f);
    fclose(f);
    pgm_conf c;
    pgm_conf_init(&c);
    assert_int_equal(pgm_conf_load(&c, path, NULL, &pgm_conf_disk_files), PGM_WARN);
    bool said = false;
    for (size_t i = 0; i < c.n_messages; i++)
        said |= strstr(c.messages[i], "big.conf\": larger than 16 MiB, not read") != NULL;
    assert_true(said);
    assert_int_equal(c.unread, 1);
    assert_string_equal(pgm_conf_get(&c, "max_connections")->setting, "50");
    assert_null(pgm_conf_get(&c, "work_mem"));
    pgm_conf_free(&c);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pg_file_settings_of_the_real_server),
        cmocka_unit_test(test_the_servers_syntax_errors),
        cmocka_unit_test(test_values_as_the_server_reads_them),
        cmocka_unit_test(test_include_dir_over_its_limit),
        cmocka_unit_test(test_include_larger_than_a_configuration_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
