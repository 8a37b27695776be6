/* What the decoders over a stream (zstd, gzip, xz) share: the compressed
 * bytes read from below, the output:input ratio guard, and damage that
 * ends the stream. Damage reads as the end, not as an error, so every byte
 * decoded before it reaches the layers above (a tar takes what it holds of
 * the member it was in); whoever walks the layer reports `damage` once it
 * has read to the end. */
#ifndef PGM_DECODER_H
#define PGM_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/source.h"

typedef struct pgm_decoder {
    pgm_source *below;
    unsigned char *inbuf;
    size_t inbuf_size;
    bool below_eof;
    char damage[PGM_ERR_MAX]; /* why the stream ended early; "" when it did not */
    uint64_t in_bytes, out_bytes, max_ratio;
    const char *label;        /* "gzip", "xz", ... for messages */
} pgm_decoder;

/* PGM_OK, or PGM_FATAL when memory ran out. */
int pgm_decoder_init(pgm_decoder *d, pgm_source *below, size_t inbuf_size, uint64_t max_ratio,
                     const char *label);
void pgm_decoder_free(pgm_decoder *d);
/* Reads the next compressed bytes into inbuf: how many (0 at the end, and
 * below_eof is set); a failure below is damage (-1). */
ptrdiff_t pgm_decoder_fill(pgm_decoder *d);
/* Records damage (the first is kept). */
void pgm_decoder_damage(pgm_decoder *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Counts `produced` bytes handed on from `self`: `produced`, or -1 when the
 * layer expands past max_ratio (a bomb: a hard failure of `self`). */
ptrdiff_t pgm_decoder_deliver(pgm_decoder *d, pgm_source *self, size_t produced);

#endif
