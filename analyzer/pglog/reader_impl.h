/* Internal to the server log reader: the state the format files share. */
#ifndef PGM_PGLOG_READER_IMPL_H
#define PGM_PGLOG_READER_IMPL_H

#include "pglog/entries.h"
#include "pglog/reader.h"
#include "util/u64map.h"
#include "text/csv.h"
#include "text/jsonflat.h"

/* Envelope times and pids kept for entries still in the entry window, by
 * line number; a prefix without %m/%p takes them from here. */
#define PGM_ENVELOPE_RING 1024u

enum pgm_pglog_fmt {
    PGM_FMT_PREFIXED, PGM_FMT_SYSLOG, PGM_FMT_CLOUDSQL, PGM_FMT_AZURE,
    PGM_FMT_CSVLOG, PGM_FMT_JSONLOG, PGM_FMT_CNPG
};

typedef struct pgm_envelope {
    uint64_t line;
    int64_t t, pid;
    enum pgm_ts_zone zone;
} pgm_envelope;

/* Physical lines of one syslog message whose record numbers are kept. */
#define PGM_SYSLOG_MESSAGE_LINES 64u
/* Processes whose last message handed on is remembered (direct-mapped). */
#define PGM_SYSLOG_GONE 64u

/* A syslog message of one process being put back together from its chunks:
 * its lines (primary, DETAIL..., TAB continuations) separated by '\n'. */
typedef struct pgm_syslog_pending {
    int64_t pid;
    long seq;
    bool complete;        /* its process started another: no more pieces come */
    int64_t t;
    enum pgm_ts_zone zone;
    pgm_strbuf text;
    uint64_t first_line;  /* the record of its first line; of each line, how many after it */
    uint32_t line_after[PGM_SYSLOG_MESSAGE_LINES];
    size_t n_lines;
} pgm_syslog_pending;

struct pgm_pglog_reader {
    enum pgm_pglog_fmt fmt;
    pgm_pglog_options opt;
    pgm_pg_record_cb cb;
    void *ctx;
    pgm_pglog_coverage cov;

    /* prefixed text */
    bool decided;
    bool reversing;               /* holding a newest-first file to read it backwards */
    pgm_prefix *prefix;
    pgm_strbuf head;              /* lines held back until the prefix is chosen */
    struct {
        size_t off, len;
        uint64_t lineno;
    } *held;
    size_t n_held, held_alloc;
    pgm_entry_reader entries;
    bool entries_on;
    pgm_strbuf late;              /* the held lines, each followed by '\n' */
    struct {
        size_t off, len;
        uint64_t lineno;
    } late_line[PGM_PREFIX_LATE_HELD];
    size_t n_late, late_severity; /* lines held; of them, with a severity word */
    unsigned late_tries;
    pgm_envelope env[PGM_ENVELOPE_RING];
    bool any_envelope;      /* one was set: a plain log's entries need not look */

    /* syslog: the messages held for their pieces, a queue (syslog.c) */
    pgm_syslog_pending *sys;      /* PGM_SYSLOG_PENDING, at the first syslog record */
    size_t sys_head, sys_held;
    size_t sys_used;              /* slots taken so far (from the first) */
    size_t sys_bytes;             /* of the held messages' text */
    pgm_u64map sys_open;          /* a pid's message still waiting for pieces: its slot */
    /* the message last handed on of each pid's place (pid % PGM_SYSLOG_GONE):
     * a piece of it that comes later is counted (cov.late_pieces) */
    struct {
        int64_t pid;
        long seq;
    } sys_gone[PGM_SYSLOG_GONE];
    pgm_strbuf body;              /* a decoded body */

    /* structured */
    pgm_csv_reader csv;
    pgm_jsonflat json;
};

/* Per format (structured.c, syslog.c). */
void pgm_pglog_line(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno);
pgm_slice pgm_pglog_body_of(pgm_pglog_reader *r, const char *line, size_t n);
/* The time a record of a format that dates its lines outside the prefix
 * gives (cloudsql: the entry's "timestamp"); PGM_TS_UNKNOWN for the others. */
int64_t pgm_pglog_record_time(pgm_pglog_reader *r, const char *line, size_t n);
void pgm_pglog_finish_format(pgm_pglog_reader *r);
void pgm_syslog_line(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno);
pgm_slice pgm_syslog_body(const char *line, size_t n);
void pgm_syslog_finish(pgm_pglog_reader *r);
void pgm_syslog_free(pgm_pglog_reader *r);

/* Shared (reader.c). */
void pgm_pglog_emit(pgm_pglog_reader *r, const pgm_pg_record *rec);
void pgm_pglog_unparsed(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno);
/* A line that is no server output (pg_ctl, a shell, an operator): counted apart. */
void pgm_pglog_foreign(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno);
int64_t pgm_pglog_fix_time(pgm_pglog_reader *r, int64_t t, enum pgm_ts_zone zone);
/* A prefixed line (a body) to the entry reader. */
void pgm_pglog_prefixed_line(pgm_pglog_reader *r, const char *body, size_t n, uint64_t lineno);
bool pgm_pglog_prefixed_parse(pgm_pglog_reader *r, const char *body, size_t n);
static inline void pgm_pglog_set_envelope(pgm_pglog_reader *r, uint64_t line, int64_t t,
                                          enum pgm_ts_zone zone, int64_t pid)
{
    pgm_envelope *e = &r->env[line % PGM_ENVELOPE_RING];
    r->any_envelope = true;
    e->line = line;
    e->t = t;
    e->zone = zone;
    e->pid = pid;
}

#endif
