/* A gzip decoder over another stream, with zlib directly rather than through
 * libarchive's filter: it hands on every byte it decoded before damage (a cut
 * file reads as far as zcat reads it), reads every member of a concatenated
 * file, and checks each member's CRC-32 and ISIZE (RFC 1952). Borrows `below`. */
#ifndef PGM_GZIP_SOURCE_H
#define PGM_GZIP_SOURCE_H

#include <stdbool.h>
#include <zlib.h>

#include "bundle/decoder.h"

typedef struct pgm_gzip_source {
    pgm_source base;
    pgm_decoder d;    /* d.damage: why it ended early (see decoder.h) */
    z_stream zs;
    bool zs_ready;
    bool in_member;   /* inside a member: its end (and trailer) not yet seen */
    bool finished;    /* the end was reached, cleanly or not */
    unsigned members;
} pgm_gzip_source;

/* PGM_OK, or PGM_FATAL when memory ran out. */
int pgm_gzip_source_open(pgm_gzip_source *s, pgm_source *below, uint64_t max_ratio);
void pgm_gzip_source_close(pgm_gzip_source *s);

#endif
