/* A zstd decoder over another stream, with libzstd directly (bounded
 * window, output:input ratio guard). Borrows `below`. */
#ifndef PGM_ZSTD_SOURCE_H
#define PGM_ZSTD_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "bundle/source.h"

typedef struct pgm_zstd_source {
    pgm_source base;
    pgm_source *below;
    void *dctx;
    unsigned char *inbuf;
    size_t in_size, in_pos;
    bool below_eof;
    size_t frame_left; /* last ZSTD_decompressStream hint: 0 = frame complete */
    uint64_t in_bytes, out_bytes, max_ratio;
    /* Damage (a cut stream, a checksum, bad data): the stream ends there and
     * this says why; reads return 0, not -1, so every byte decoded before it
     * reaches the layers above. */
    char pending_err[PGM_ERR_MAX];
} pgm_zstd_source;

/* PGM_OK, or PGM_FATAL when memory ran out. */
int pgm_zstd_source_open(pgm_zstd_source *s, pgm_source *below, uint64_t max_ratio);
void pgm_zstd_source_close(pgm_zstd_source *s);

#endif
