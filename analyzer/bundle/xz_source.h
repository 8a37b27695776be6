/* An xz (or legacy .lzma) decoder over another stream, with liblzma directly
 * rather than through libarchive's filter, which fails at open on a cut file
 * it has read whole: this one hands on every byte decoded before damage,
 * reads concatenated streams, and checks each block's integrity check
 * (CRC32, CRC64 or SHA-256, as the file says). Borrows `below`. */
#ifndef PGM_XZ_SOURCE_H
#define PGM_XZ_SOURCE_H

#include <lzma.h>
#include <stdbool.h>

#include "bundle/decoder.h"

typedef struct pgm_xz_source {
    pgm_source base;
    pgm_decoder d;    /* d.damage: why it ended early (see decoder.h) */
    lzma_stream xs;
    bool xs_ready;
    bool finished;
} pgm_xz_source;

/* PGM_OK, or PGM_FATAL when memory ran out. */
int pgm_xz_source_open(pgm_xz_source *s, pgm_source *below, uint64_t max_ratio);
void pgm_xz_source_close(pgm_xz_source *s);

#endif
