/* One file whose envelope carries the lines of several programs (a host's
 * journal export, `kubectl logs -l app=x --prefix` of several pods) read as
 * one input per source. A source's first lines are held until its kind can
 * be told from them (PGM_SNIFF_MAX_LINES lines or PGM_SNIFF_HEAD_BYTES, or the
 * file's end); the caller is then asked for a reader of that source, which
 * gets the held lines and every later one, each with its wrapper line. */
#ifndef PGM_DEMUX_H
#define PGM_DEMUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "envelope/unwrap.h"

/* Sources told apart in one file, at most; the lines of more are counted. */
#define PGM_DEMUX_MAX_SOURCES 64u

/* What an inner line came with. */
typedef struct pgm_inner_line {
    uint64_t lineno;          /* the wrapper line (its first piece's) */
    int64_t t;                /* the wrapper's time, PGM_TS_UNKNOWN when none */
    bool zone_guessed;        /* ... printed without a zone */
    bool truncated;           /* cut at the line limit */
    const char *source;       /* the envelope's name of its writer ("" when none): Docker's attrs */
    /* the journal's _PID and _HOSTNAME ("" when none): copies, as a source's
     * lines are held until its kind is told */
    char pid[PGM_UNWRAP_PID_MAX], host[PGM_UNWRAP_HOST_MAX];
    bool yearless;            /* the wrapper's date had no year: the file's time's, or --year's */
} pgm_inner_line;

/* The line an unwrap reader handed on last, as a pgm_inner_line. */
pgm_inner_line pgm_inner_line_of(const pgm_unwrap *u);

typedef struct pgm_demux_callbacks {
    /* A source's first lines ('\n' after each; `complete`: all of them):
     * returns the reader its lines go to, or NULL when they are only counted. */
    void *(*open)(void *ctx, const char *source, const char *head, size_t n, bool complete);
    void (*line)(void *ctx, void *reader, const char *line, size_t n, const pgm_inner_line *m);
    void *ctx;
} pgm_demux_callbacks;

typedef struct pgm_demux_source {
    char name[PGM_UNWRAP_SOURCE_MAX];
    void *reader;             /* the caller's, once opened */
    bool opened;
    uint64_t lines;           /* inner lines of it */
    uint64_t wrapper_lines;   /* wrapper lines they came in */
    uint64_t last_wrapper_line;
    /* held until opened: the lines, '\n' after each, and what each came with */
    pgm_strbuf head;
    pgm_inner_line *held;
    size_t n_held, held_alloc;
} pgm_demux_source;

typedef struct pgm_demux {
    pgm_demux_source *sources; /* PGM_DEMUX_MAX_SOURCES of room */
    size_t n;
    uint64_t lines_past;       /* of sources past PGM_DEMUX_MAX_SOURCES, not read */
    uint64_t first_past;
} pgm_demux;

/* A source's input as it is shown: "FILE#SOURCE", the source escaped for
 * display ("-" when it has no name). Allocated (free()); NULL: memory. */
char *pgm_demux_source_path(const char *file_path, const char *source);

/* Reads `u` to its end, source by source. PGM_OK or PGM_FATAL (memory). The
 * sources stay for the caller to finish their readers; then pgm_demux_free. */
int pgm_demux_run(pgm_demux *d, pgm_unwrap *u, const pgm_demux_callbacks *cb);
void pgm_demux_free(pgm_demux *d);

#endif
