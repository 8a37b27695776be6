/* PgBouncer's admin console output as psql prints it: SHOW POOLS, CLIENTS,
 * SERVERS, STATS, LISTS in psql's aligned, unaligned (-A) or --csv form, one
 * or several results in a file. Each result row is handed on with its
 * columns by name (PgBouncer's docs, "Usage": SHOW commands). */
#ifndef PGM_PGB_SHOW_H
#define PGM_PGB_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Columns of a result read, at most; those past them are not read. */
#define PGM_PGB_SHOW_MAX_COLUMNS 48u

enum pgm_pgb_show_kind {
    PGM_PGB_SHOW_NONE, PGM_PGB_SHOW_POOLS, PGM_PGB_SHOW_CLIENTS, PGM_PGB_SHOW_SERVERS,
    PGM_PGB_SHOW_STATS, PGM_PGB_SHOW_LISTS,
};

typedef struct pgm_pgb_show_row {
    enum pgm_pgb_show_kind kind;
    size_t n;                                         /* columns */
    const char *name[PGM_PGB_SHOW_MAX_COLUMNS];       /* the header's names */
    const char *value[PGM_PGB_SHOW_MAX_COLUMNS];      /* NUL-ended copies, valid during the callback */
    uint64_t line;
} pgm_pgb_show_row;

typedef void (*pgm_pgb_show_cb)(void *ctx, const pgm_pgb_show_row *row);

typedef struct pgm_pgb_show_reader pgm_pgb_show_reader;

/* Which SHOW result a header line names (its separator in *sep: '|' or ','),
 * PGM_PGB_SHOW_NONE when none. */
enum pgm_pgb_show_kind pgm_pgb_show_header(const char *line, size_t n, char *sep);

int pgm_pgb_show_open(pgm_pgb_show_reader **out, pgm_pgb_show_cb cb, void *ctx);
void pgm_pgb_show_feed(pgm_pgb_show_reader *r, const char *line, size_t n, uint64_t lineno);
/* Rows read, lines not understood (first at *first), columns past the bound. */
void pgm_pgb_show_counts(const pgm_pgb_show_reader *r, uint64_t *rows, uint64_t *unparsed, uint64_t *first,
                         bool *columns_past);
void pgm_pgb_show_close(pgm_pgb_show_reader *r);

#endif
