/* A zstd decoder over another stream, with libzstd directly (bounded
 * window, output:input ratio guard). Borrows `below`. */
#ifndef PGM_ZSTD_SOURCE_H
#define PGM_ZSTD_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "bundle/decoder.h"

typedef struct pgm_zstd_source {
    pgm_source base;
    pgm_decoder d;     /* d.damage: why it ended early (see decoder.h) */
    void *dctx;
    size_t in_size, in_pos;
    size_t frame_left; /* last ZSTD_decompressStream hint: 0 = frame complete */
} pgm_zstd_source;

/* PGM_OK, or PGM_FATAL when memory ran out. */
int pgm_zstd_source_open(pgm_zstd_source *s, pgm_source *below, uint64_t max_ratio);
void pgm_zstd_source_close(pgm_zstd_source *s);

#endif
