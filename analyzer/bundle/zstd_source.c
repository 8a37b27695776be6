#include "bundle/zstd_source.h"

#include <string.h>
#include <zstd.h>

#include "bundle/limits.h"

static ptrdiff_t zstd_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_zstd_source *s = (pgm_zstd_source *)self;
    pgm_decoder *d = &s->d;
    for (;;) {
        if (d->damage[0])
            return 0; /* damage reads as the end (decoder.h) */
        if (s->in_pos == s->in_size && !d->below_eof) {
            ptrdiff_t n = pgm_decoder_fill(d);
            if (n < 0)
                continue;
            s->in_size = (size_t)n;
            s->in_pos = 0;
        }
        ZSTD_inBuffer in = {d->inbuf, s->in_size, s->in_pos};
        ZSTD_outBuffer out = {buf, cap, 0};
        size_t before = in.pos;
        size_t ret = ZSTD_decompressStream(s->dctx, &out, &in);
        s->in_pos = in.pos;
        if (ZSTD_isError(ret))
            pgm_decoder_damage(d, "zstd: %s after %llu bytes decoded", ZSTD_getErrorName(ret),
                               (unsigned long long)(d->out_bytes + out.pos));
        /* With no input and no output the hint is about a next frame, not this one. */
        else if (in.pos != before || out.pos > 0)
            s->frame_left = ret;
        if (out.pos > 0)
            return pgm_decoder_deliver(d, self, out.pos);
        if (!d->damage[0] && s->in_pos == s->in_size && d->below_eof) {
            if (s->frame_left == 0)
                return 0;
            pgm_decoder_damage(d, "truncated zstd stream: the last frame is cut after %llu bytes "
                               "decoded (its end and checksum are missing)",
                               (unsigned long long)d->out_bytes);
        }
    }
}

int pgm_zstd_source_open(pgm_zstd_source *s, pgm_source *below, uint64_t max_ratio)
{
    memset(s, 0, sizeof *s);
    s->base.read = zstd_read;
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    if (!dctx || pgm_decoder_init(&s->d, below, ZSTD_DStreamInSize(), max_ratio, "zstd") != PGM_OK) {
        ZSTD_freeDCtx(dctx);
        pgm_decoder_free(&s->d);
        return PGM_FATAL;
    }
    ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, PGM_ZSTD_WINDOW_LOG_MAX);
    s->dctx = dctx;
    return PGM_OK;
}

void pgm_zstd_source_close(pgm_zstd_source *s)
{
    ZSTD_freeDCtx(s->dctx);
    s->dctx = NULL;
    pgm_decoder_free(&s->d);
}
