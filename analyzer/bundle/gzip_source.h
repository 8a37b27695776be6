/* A gzip decoder over another stream, with zlib directly rather than through
 * libarchive's filter: it hands on every byte it decoded before it reports
 * damage (a cut file reads as far as zcat reads it), reads every member of a
 * concatenated file, and checks each member's CRC-32 and ISIZE (RFC 1952).
 * Borrows `below`. */
#ifndef PGM_GZIP_SOURCE_H
#define PGM_GZIP_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <zlib.h>

#include "bundle/source.h"

typedef struct pgm_gzip_source {
    pgm_source base;
    pgm_source *below;
    z_stream zs;
    bool zs_ready;
    unsigned char *inbuf;
    bool below_eof;
    bool in_member;  /* inside a member: its end (and trailer) not yet seen */
    bool finished;   /* the end was reached, cleanly or not */
    unsigned members;
    /* Damage (a cut stream, a checksum, bad data): the stream ends there and
     * this says why; reads return 0, not -1, so every byte decoded before it
     * reaches the layers above. */
    char pending_err[PGM_ERR_MAX];
    uint64_t in_bytes, out_bytes, max_ratio;
} pgm_gzip_source;

/* PGM_OK, or PGM_FATAL when memory ran out. */
int pgm_gzip_source_open(pgm_gzip_source *s, pgm_source *below, uint64_t max_ratio);
void pgm_gzip_source_close(pgm_gzip_source *s);

#endif
