/* An xz (or legacy .lzma) decoder over another stream, with liblzma directly
 * rather than through libarchive's filter, which fails at open on a cut
 * file it has read whole: this one hands on every byte decoded before the
 * damage, reads concatenated streams, and checks each block's integrity
 * check (CRC32, CRC64 or SHA-256, as the file says). Borrows `below`. */
#ifndef PGM_XZ_SOURCE_H
#define PGM_XZ_SOURCE_H

#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>

#include "bundle/source.h"

typedef struct pgm_xz_source {
    pgm_source base;
    pgm_source *below;
    lzma_stream xs;
    bool xs_ready;
    unsigned char *inbuf;
    bool below_eof;
    bool finished;
    /* Damage (a cut stream, a check, bad data): the stream ends there and
     * this says why; reads return 0, not -1, so every byte decoded before it
     * reaches the layers above. */
    char pending_err[PGM_ERR_MAX];
    uint64_t in_bytes, out_bytes, max_ratio;
} pgm_xz_source;

/* PGM_OK, or PGM_FATAL when memory ran out. */
int pgm_xz_source_open(pgm_xz_source *s, pgm_source *below, uint64_t max_ratio);
void pgm_xz_source_close(pgm_xz_source *s);

#endif
