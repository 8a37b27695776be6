/* pg_stat_activity dumps, in every form psql and COPY write them, into
 * snapshots: one per result set, each a list of rows with the view's columns
 * (any subset, any order; 12-17 column sets; <insufficient privilege> rows).
 * Facts and real dumps: shared/reference/pg-stat-activity.md and
 * tests/samples/postgresql-15/pg_stat_activity/. */
#ifndef PGM_PSA_H
#define PGM_PSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/rc.h"
#include "util/strbuf.h"

/* The view's columns (14-17 order), then now() that dump scripts add, and
 * count(*) of grouped dumps. */
enum pgm_psa_col {
    PGM_PSA_DATID, PGM_PSA_DATNAME, PGM_PSA_PID, PGM_PSA_LEADER_PID, PGM_PSA_USESYSID,
    PGM_PSA_USENAME, PGM_PSA_APPLICATION_NAME, PGM_PSA_CLIENT_ADDR, PGM_PSA_CLIENT_HOSTNAME,
    PGM_PSA_CLIENT_PORT, PGM_PSA_BACKEND_START, PGM_PSA_XACT_START, PGM_PSA_QUERY_START,
    PGM_PSA_STATE_CHANGE, PGM_PSA_WAIT_EVENT_TYPE, PGM_PSA_WAIT_EVENT, PGM_PSA_STATE,
    PGM_PSA_BACKEND_XID, PGM_PSA_BACKEND_XMIN, PGM_PSA_QUERY_ID, PGM_PSA_QUERY,
    PGM_PSA_BACKEND_TYPE, PGM_PSA_NOW,
    PGM_PSA_COUNT, /* a grouped dump ("count | state | application_name"): sessions per row */
    PGM_PSA_NCOLS
};

/* Rows kept per snapshot; more are counted. */
#define PGM_PSA_MAX_ROWS 100000u
/* Bytes of cell text kept per snapshot; more is cut and counted. */
#define PGM_PSA_MAX_TEXT (64u << 20)
/* A table a terminal cut at its width is put back together when its header
 * came in at most this many pieces; a wider one is not read (said). */
#define PGM_PSA_MAX_FOLD_PIECES 16u
/* Columns of one result set, at most: pg_stat_activity has 22, a join with
 * pg_locks or pg_stat_ssl some dozens more. */
#define PGM_PSA_MAX_COLUMNS 256u

typedef struct pgm_psa_row {
    /* offset into the snapshot's text of each column's value, SIZE_MAX for
     * NULL or a column the dump does not have */
    size_t off[PGM_PSA_NCOLS];
    uint64_t line;
} pgm_psa_row;

typedef struct pgm_psa_snapshot {
    int64_t t;             /* now() when dumped, else the newest time in it; PGM_TS_UNKNOWN */
    bool t_from_now;       /* t came from a now() column */
    bool t_from_banner;    /* t came from psql's \watch banner above the result */
    uint64_t first_line, last_line;
    pgm_psa_row *rows;
    size_t n_rows, alloc;
    uint64_t rows_dropped; /* past PGM_PSA_MAX_ROWS (or memory) */
    uint64_t values_cut;   /* values left out past PGM_PSA_MAX_TEXT */
    pgm_strbuf text;       /* the values, NUL-terminated one after another */
    bool has[PGM_PSA_NCOLS]; /* the dump has this column */
} pgm_psa_snapshot;

/* The value of a column in a row, or NULL. */
const char *pgm_psa_value(const pgm_psa_snapshot *s, const pgm_psa_row *r, enum pgm_psa_col c);
/* A timestamp column as UTC microseconds, or PGM_TS_UNKNOWN. */
int64_t pgm_psa_time(const pgm_psa_snapshot *s, const pgm_psa_row *r, enum pgm_psa_col c);
const char *pgm_psa_column_name(enum pgm_psa_col c);
/* The statistics view a row's query reads (pg_stat_activity, pg_stat_database,
 * pg_locks...), copied to `out`, or NULL: a session whose last query read one
 * is a monitoring agent's (postgres_exporter, pgwatch, a sampler), which holds
 * its slot for as long as the log runs and never leaks. */
const char *pgm_psa_stats_view(const char *query, char *out, size_t cap);

typedef void (*pgm_psa_cb)(void *ctx, const pgm_psa_snapshot *snap);

typedef struct pgm_psa_reader pgm_psa_reader;

/* `format`: aligned, expanded, unaligned, csv, copy_text, json (the sniffer's). */
int pgm_psa_open(pgm_psa_reader **out, const char *format, pgm_psa_cb cb, void *ctx,
                 char err[PGM_ERR_MAX]);
void pgm_psa_feed(pgm_psa_reader *r, const char *line, size_t n, uint64_t lineno);
void pgm_psa_finish(pgm_psa_reader *r);
/* Lines that were neither a header, a row, a footer nor blank. */
uint64_t pgm_psa_unparsed(const pgm_psa_reader *r, uint64_t *first_line);
/* Whether a result had more than PGM_PSA_MAX_COLUMNS columns (those past
 * them are not read: a state or a pid there is missing). */
bool pgm_psa_columns_past(const pgm_psa_reader *r);
void pgm_psa_close(pgm_psa_reader *r);

#endif
