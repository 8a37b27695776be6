/* Reads a file's lines through its envelope (envelope.h): hands on the
 * program's own lines, each numbered by the wrapper line it came in (the
 * evidence a reviewer can find in the file), with the wrapper's time. Pieces
 * of one line (cri P, docker without "\n") are joined again, per stream; a
 * journal message of several lines is handed on line by line, and so is a
 * JSON document's entry (numbered by the line of its text's key). A file
 * without an envelope reads as pgm_lines does. Wrapper lines that are not of
 * the envelope's form are handed on as they are, and counted; in a journal
 * export (whose values may be binary) and in a JSON document (an entry of
 * another shape, or one the file ends inside) they are counted and left out. */
#ifndef PGM_UNWRAP_H
#define PGM_UNWRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "envelope/envelope.h"
#include "sniff/sniff.h"
#include "text/lines.h"
#include "util/strbuf.h"

struct pgm_jsonflat;
struct pgm_document_scan;

/* A source's name kept, at most (longer ones are cut: names, not evidence). */
#define PGM_UNWRAP_SOURCE_MAX 128u
/* A process id and a host name kept (a host name is at most 64 bytes: HOST_NAME_MAX). */
#define PGM_UNWRAP_PID_MAX 16u
#define PGM_UNWRAP_HOST_MAX 72u

typedef struct pgm_unwrap_cov {
    uint64_t wrapper_lines;   /* the file's own lines */
    uint64_t inner_lines;     /* lines handed on */
    uint64_t foreign;         /* wrapper lines not of the envelope's form: handed on as they are
                                 (journal-export: left out) */
    uint64_t first_foreign;   /* the first of them */
    uint64_t pieces;          /* pieces joined to a line before them (cri P, docker) */
    uint64_t decorations;     /* journalctl's "-- Boot ... --" lines */
    uint64_t cut;             /* inner lines longer than the line limit, cut */
    uint64_t no_time;         /* wrapper lines without a usable time */
    uint64_t continued;       /* cloudwatch: an event's further lines, read with its time and stream */
    uint64_t entries;         /* cloud-logging, cloudwatch-json: the document's entries read */
} pgm_unwrap_cov;

typedef struct pgm_unwrap {
    pgm_line_reader lines;    /* the wrapper's */
    pgm_envelope env;
    int year;                 /* for the journal's "Nov 27" dates; 0: unknown */
    /* of the line last handed on */
    uint64_t lineno;          /* the wrapper line it came in (its first piece's) */
    int64_t t;                /* the wrapper's time, PGM_TS_UNKNOWN when none */
    bool zone_guessed;        /* ... printed without a zone: read as UTC */
    bool yearless;            /* ... nor a year: read in `year` */
    bool truncated;           /* cut at the line limit */
    /* whose line it is: kubectl's pod/container, the journal's unit (else
     * its identifier, else its command); "" when the envelope names none */
    char source[PGM_UNWRAP_SOURCE_MAX];
    /* the journal's _PID and _HOSTNAME of it; "" when not given */
    char pid[PGM_UNWRAP_PID_MAX], host[PGM_UNWRAP_HOST_MAX];
    pgm_unwrap_cov cov;

    /* internal */
    size_t max_line;
    pgm_strbuf piece[2];      /* a line's pieces so far, stdout and stderr */
    uint64_t piece_line[2];
    int64_t piece_t[2];
    bool piece_cut[2];
    pgm_strbuf message;       /* a journal message being handed on line by line */
    size_t message_pos;
    uint64_t message_line;
    int64_t message_t;
    pgm_strbuf scratch, field;
    struct pgm_jsonflat *json;
    size_t indent;            /* journal short: the width of the last line's prefix */
    char entry_source[PGM_UNWRAP_SOURCE_MAX]; /* journal export: of the entry being read */
    char entry_pid[PGM_UNWRAP_PID_MAX], entry_host[PGM_UNWRAP_HOST_MAX];
    struct pgm_document_scan *doc; /* cloud-logging, cloudwatch-json: the document read so far ... */
    const char *doc_line;     /* ... its wrapper line being read, from doc_pos on */
    size_t doc_len, doc_pos;
    bool ended;
} pgm_unwrap;

/* PGM_OK or PGM_FATAL (memory). Borrows `src`; `max_line` as pgm_lines. */
int pgm_unwrap_init(pgm_unwrap *u, pgm_source *src, const pgm_envelope *env, size_t max_line, int year);
void pgm_unwrap_free(pgm_unwrap *u);
/* As pgm_lines_next: 1 and a line valid until the next call, 0 at the end,
 * -1 when the stream failed (once every line read before was handed on). */
int pgm_unwrap_next(pgm_unwrap *u, const char **line, size_t *len);

/* What is to be said of the wrapper lines not of the envelope's form, into
 * `msg`: false when there were none. They were read as they are, or, in a
 * journal export, left out (pgm_unwrap_lost_lines: evidence is missing). */
bool pgm_unwrap_foreign_said(const pgm_unwrap *u, char *msg, size_t cap);
bool pgm_unwrap_lost_lines(const pgm_unwrap *u);
/* What is to be said of an export that likely stopped at its query's limit
 * (Loki's API: as many lines as a limit's usual values), into `msg`: false
 * when nothing. */
bool pgm_unwrap_limit_said(const pgm_unwrap *u, char *msg, size_t cap);
/* Said of lines that take the wrapper's time when its dates carry no year
 * and the year they were read in is the file's time's (no --year): the
 * envelope's name, the year. */
#define PGM_UNWRAP_YEAR_GUESSED "the %s envelope's dates carry no year; %d taken from the file's time (--year sets it)"

/* A journal-export value longer than this (the size its binary form gives)
 * is skipped whole, and the entry counted as cut. */
#define PGM_UNWRAP_MAX_FIELD (1u << 20)

/* What a file is, told through its envelope: the envelope is detected on the
 * head, the head unwrapped and the program's lines sniffed. The envelope is
 * kept (*env) when they are of a known kind (the first form that gives one,
 * of those the head fits); else *env is none and the file is sniffed as it
 * is. `year` as
 * pgm_unwrap_init. `inner` (optional) receives the unwrapped head, '\n'
 * after each line, when the envelope is kept. */
pgm_sniff pgm_unwrap_sniff(const char *name, const unsigned char *head, size_t n, bool complete, int year,
                           pgm_envelope *env, pgm_strbuf *inner);

#endif
