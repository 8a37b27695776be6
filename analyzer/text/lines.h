/* Splits a stream into lines with a bounded buffer: a line longer than
 * `max_line` is returned cut to that length (flagged), and the rest of it is
 * dropped, so memory never grows with what is in the file; or, for a reader
 * that needs no whole lines (a JSON document written on one line), handed on
 * in pieces of `max_line` bytes, all under the line's number. */
#ifndef PGM_LINES_H
#define PGM_LINES_H

#include <stdbool.h>
#include <stdint.h>

#include "bundle/source.h"

typedef struct pgm_line_reader {
    pgm_source *src;
    unsigned char *buf;
    size_t alloc, start, end, max_line;
    bool eof;
    uint64_t lineno;       /* of the line last returned, from 1 */
    bool truncated;        /* the line last returned was cut */
    uint64_t cut_bytes;    /* bytes dropped from the line last returned (when known) */
    bool dropping;         /* inside the rest of a cut line */
    uint64_t bytes_read;   /* from the stream so far */
    /* Line ends, told from the stream's first PGM_IO_CHUNK_BYTES: '\n' (and
     * "\r\n"), or a bare '\r' where the text has no '\n' at all (classic
     * Mac OS, some exporters): then every '\r' ends a line. */
    bool ends_known, cr_ends;
    uint64_t cr_lines;     /* lines ended by a bare '\r' */
    bool pieces;           /* set by the caller: a long line in pieces, not cut */
    bool piece;            /* what was last returned is a piece: the line goes on */
} pgm_line_reader;

/* The '\n' bytes in p[0..n): how many lines end there. */
uint64_t pgm_count_newlines(const char *p, size_t n);

/* PGM_OK or PGM_FATAL (memory). Borrows `src`. */
int pgm_lines_init(pgm_line_reader *r, pgm_source *src, size_t max_line);
void pgm_lines_free(pgm_line_reader *r);
/* 1 and the line (without its '\n'; a '\r' before it is kept; without its
 * '\r' where bare ones end the lines), 0 at the end,
 * -1 when the stream failed (its err says why), once every line read before
 * the failure was handed on (the last one possibly cut). The line stays valid until
 * the next call. */
int pgm_lines_next(pgm_line_reader *r, const char **line, size_t *len);

#endif
