#include "pgbouncer/pgb_show.h"

#include <stdlib.h>
#include <string.h>

#include "text/csv.h"

struct pgm_pgb_show_reader {
    pgm_pgb_show_cb cb;
    void *ctx;
    enum pgm_pgb_show_kind kind;     /* the result being read, NONE between results */
    char sep;
    size_t n_columns;
    char names[PGM_PGB_SHOW_MAX_COLUMNS][32];
    char row[8192];                  /* a row's values, NUL-ended one after another */
    pgm_csv_reader csv;
    uint64_t rows, unparsed, first_unparsed;
    bool columns_past;
};

static size_t trim(const char **p, size_t n)
{
    while (n && (**p == ' ' || **p == '\t')) {
        (*p)++;
        n--;
    }
    while (n && ((*p)[n - 1] == ' ' || (*p)[n - 1] == '\t' || (*p)[n - 1] == '\r'))
        n--;
    return n;
}

/* The n-th field of a separated line, trimmed; false past the last. */
static bool field(const char *line, size_t n, char sep, size_t *pos, const char **f, size_t *fl)
{
    if (*pos > n)
        return false;
    const char *start = line + *pos, *end = memchr(start, sep, n - *pos);
    size_t len = end ? (size_t)(end - start) : n - *pos;
    *pos += len + 1;
    *f = start;
    *fl = trim(f, len);
    return true;
}

static bool has_column(const char *line, size_t n, char sep, const char *name)
{
    size_t pos = 0, fl, nl = strlen(name);
    const char *f;
    while (field(line, n, sep, &pos, &f, &fl))
        if (fl == nl && memcmp(f, name, nl) == 0)
            return true;
    return false;
}

enum pgm_pgb_show_kind pgm_pgb_show_header(const char *line, size_t n, char *sep)
{
    static const char seps[] = {'|', ','};
    for (size_t s = 0; s < sizeof seps; s++) {
        char c = seps[s];
        if (!memchr(line, c, n))
            continue;
        *sep = c;
        /* the columns each result has had since PgBouncer 1.x */
        if (has_column(line, n, c, "cl_active") && has_column(line, n, c, "cl_waiting") &&
            has_column(line, n, c, "sv_idle"))
            return PGM_PGB_SHOW_POOLS;
        if (has_column(line, n, c, "type") && has_column(line, n, c, "addr") && has_column(line, n, c, "state") &&
            has_column(line, n, c, "connect_time") && has_column(line, n, c, "request_time"))
            return PGM_PGB_SHOW_CLIENTS; /* SERVERS has the same columns: told by its rows' type */
        if (has_column(line, n, c, "database") &&
            (has_column(line, n, c, "total_xact_count") || has_column(line, n, c, "total_requests")))
            return PGM_PGB_SHOW_STATS;
        if (has_column(line, n, c, "list") && has_column(line, n, c, "items"))
            return PGM_PGB_SHOW_LISTS;
    }
    return PGM_PGB_SHOW_NONE;
}

int pgm_pgb_show_open(pgm_pgb_show_reader **out, pgm_pgb_show_cb cb, void *ctx)
{
    pgm_pgb_show_reader *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    r->cb = cb;
    r->ctx = ctx;
    pgm_csv_init(&r->csv);
    *out = r;
    return 0;
}

void pgm_pgb_show_close(pgm_pgb_show_reader *r)
{
    if (!r)
        return;
    pgm_csv_free(&r->csv);
    free(r);
}

static void not_understood(pgm_pgb_show_reader *r, uint64_t lineno)
{
    if (!r->unparsed++)
        r->first_unparsed = lineno;
}

/* A result's rows end at a blank line, psql's "(N rows)" footer or another header. */
static bool ends_result(const char *line, size_t n)
{
    const char *p = line;
    n = trim(&p, n);
    return n == 0 || (p[0] == '(' && p[n - 1] == ')' && n < 24 && memchr(p, ' ', n));
}

static bool is_rule(const char *line, size_t n)
{
    const char *p = line;
    n = trim(&p, n);
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] != '-' && p[i] != '+')
            return false;
    return true;
}

static void hand_on(pgm_pgb_show_reader *r, const char *const *values, const size_t *lens, size_t nv,
                    uint64_t lineno)
{
    pgm_pgb_show_row row = {.kind = r->kind, .line = lineno};
    size_t used = 0;
    for (size_t i = 0; i < nv && i < r->n_columns; i++) {
        if (used + lens[i] + 1 > sizeof r->row)
            break;
        memcpy(r->row + used, values[i], lens[i]);
        r->row[used + lens[i]] = '\0';
        row.name[row.n] = r->names[i];
        row.value[row.n++] = r->row + used;
        used += lens[i] + 1;
    }
    if (r->kind == PGM_PGB_SHOW_CLIENTS && row.n && strcmp(row.name[0], "type") == 0 &&
        strcmp(row.value[0], "S") == 0)
        row.kind = PGM_PGB_SHOW_SERVERS;
    r->rows++;
    r->cb(r->ctx, &row);
}

void pgm_pgb_show_feed(pgm_pgb_show_reader *r, const char *line, size_t n, uint64_t lineno)
{
    char sep;
    enum pgm_pgb_show_kind k = pgm_pgb_show_header(line, n, &sep);
    if (k != PGM_PGB_SHOW_NONE) {
        r->kind = k;
        r->sep = sep;
        r->n_columns = 0;
        size_t pos = 0, fl;
        const char *f;
        while (field(line, n, sep, &pos, &f, &fl)) {
            if (r->n_columns == PGM_PGB_SHOW_MAX_COLUMNS) {
                r->columns_past = true;
                break;
            }
            size_t cl = fl < sizeof r->names[0] - 1 ? fl : sizeof r->names[0] - 1;
            memcpy(r->names[r->n_columns], f, cl);
            r->names[r->n_columns++][cl] = '\0';
        }
        return;
    }
    if (r->kind == PGM_PGB_SHOW_NONE || ends_result(line, n)) {
        if (ends_result(line, n) || is_rule(line, n))
            r->kind = ends_result(line, n) ? PGM_PGB_SHOW_NONE : r->kind;
        else
            not_understood(r, lineno);
        return;
    }
    if (is_rule(line, n))
        return;
    const char *values[PGM_PGB_SHOW_MAX_COLUMNS];
    size_t lens[PGM_PGB_SHOW_MAX_COLUMNS], nv = 0;
    if (r->sep == ',') {
        const pgm_csv_record *rec;
        if (pgm_csv_feed(&r->csv, line, n, lineno, &rec) != 1)
            return;
        for (size_t i = 0; i < rec->n_fields && nv < PGM_PGB_SHOW_MAX_COLUMNS; i++) {
            values[nv] = pgm_csv_field_text(rec, i);
            lens[nv++] = rec->fields[i].len;
        }
    } else {
        size_t pos = 0;
        while (nv < PGM_PGB_SHOW_MAX_COLUMNS && field(line, n, '|', &pos, &values[nv], &lens[nv]))
            nv++;
    }
    if (nv != r->n_columns) {
        not_understood(r, lineno);
        return;
    }
    hand_on(r, values, lens, nv, lineno);
}

void pgm_pgb_show_counts(const pgm_pgb_show_reader *r, uint64_t *rows, uint64_t *unparsed, uint64_t *first,
                         bool *columns_past)
{
    *rows = r->rows;
    *unparsed = r->unparsed;
    *first = r->first_unparsed;
    *columns_past = r->columns_past;
}
