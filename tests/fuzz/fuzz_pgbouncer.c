/* libFuzzer target: PgBouncer's readers (pgbouncer/): a log line's head in
 * every form (its logfile's, 1.9's, syslog's) and its head-less messages,
 * line by line, each line in a buffer of its own size so that a read past it
 * is caught; and the SHOW results' reader over the whole input. Every slice
 * a head returns must lie inside its line; every row's values must be
 * NUL-ended and as many as its names. The whole input is also read as
 * pgbouncer.ini, each %include being the input again (so nesting reaches
 * PGM_PGB_INI_MAX_DEPTH). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_lines.h"

#include "pgbouncer/pgb_ini.h"
#include "pgbouncer/pgb_log.h"
#include "pgbouncer/pgb_show.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(pgm_slice s, const char *line, size_t n)
{
    if (s.n && (s.p < line || s.p + s.n > line + n))
        abort();
}

static void on_row(void *ctx, const pgm_pgb_show_row *row)
{
    (void)ctx;
    if (row->n > PGM_PGB_SHOW_MAX_COLUMNS || row->kind == PGM_PGB_SHOW_NONE)
        abort();
    for (size_t i = 0; i < row->n; i++)
        if (strlen(row->name[i]) >= 32 || strlen(row->value[i]) > 8192)
            abort();
}

static void one_line(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    char *copy = malloc(n ? n : 1);
    if (!copy)
        return;
    memcpy(copy, line, n);
    pgm_pgb_head h;
    for (int year = 0; year <= 2026; year += 2026)
        if (pgm_pgb_parse_head(copy, n, year, &h)) {
            inside(h.pid, copy, n), inside(h.level, copy, n), inside(h.message, copy, n);
            if (year == 0 && h.yearless && h.t != INT64_MIN)
                abort(); /* a syslog date without a year has no time */
        }
    (void)pgm_pgb_is_message(copy, n);
    char sep;
    (void)pgm_pgb_show_header(copy, n, &sep);
    pgm_pgb_show_feed(ctx, copy, n, lineno);
    free(copy);
}

typedef struct input {
    const uint8_t *data;
    size_t size;
} input;

static int include_self(void *ctx, const char *path, char **data, size_t *len)
{
    (void)path;
    const input *in = ctx;
    if (!(*data = malloc(in->size ? in->size : 1)))
        return -1;
    memcpy(*data, in->data, in->size);
    *len = in->size;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {data, size};
    pgm_conf_files files = {include_self, NULL, &in};
    pgm_pgb_ini ini;
    pgm_pgb_ini_init(&ini);
    (void)pgm_pgb_ini_parse(&ini, "fuzz.ini", (const char *)data, size, &files);
    for (size_t i = 0; i < ini.n_databases; i++)
        if (!ini.databases[i].name || pgm_pgb_entry_param(&ini.databases[i], "password"))
            abort(); /* a password is never kept */
    pgm_pgb_ini_free(&ini);
    pgm_pgb_show_reader *show;
    if (pgm_pgb_show_open(&show, on_row, NULL) != 0)
        return 0;
    fuzz_feed_lines(data, size, one_line, show);
    pgm_pgb_show_close(show);
    return 0;
}
