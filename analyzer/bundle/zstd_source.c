#include "bundle/zstd_source.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "bundle/limits.h"

static ptrdiff_t zstd_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_zstd_source *s = (pgm_zstd_source *)self;
    for (;;) {
        if (s->in_pos == s->in_size && !s->below_eof) {
            ptrdiff_t n = pgm_source_read(s->below, s->inbuf, ZSTD_DStreamInSize());
            if (n < 0)
                return pgm_source_fail(self, "%s", s->below->err);
            if (n == 0)
                s->below_eof = true;
            s->in_size = (size_t)n;
            s->in_pos = 0;
            s->in_bytes += (uint64_t)n;
        }
        ZSTD_inBuffer in = {s->inbuf, s->in_size, s->in_pos};
        ZSTD_outBuffer out = {buf, cap, 0};
        size_t before = in.pos;
        size_t ret = ZSTD_decompressStream(s->dctx, &out, &in);
        s->in_pos = in.pos;
        if (ZSTD_isError(ret))
            return pgm_source_fail(self, "zstd: %s", ZSTD_getErrorName(ret));
        /* With no input and no output the hint is about a next frame, not this one. */
        if (in.pos != before || out.pos > 0)
            s->frame_left = ret;
        if (out.pos > 0) {
            s->out_bytes += out.pos;
            if (pgm_ratio_exceeded(s->in_bytes, s->out_bytes, s->max_ratio))
                return pgm_source_fail(self,
                                       "expands more than %llu:1 (zstd bomb?); raise --max-ratio "
                                       "to read it",
                                       (unsigned long long)s->max_ratio);
            return (ptrdiff_t)out.pos;
        }
        if (s->in_pos == s->in_size && s->below_eof) {
            if (s->frame_left != 0)
                return pgm_source_fail(self, "truncated zstd stream: the last frame is incomplete");
            return 0;
        }
    }
}

int pgm_zstd_source_open(pgm_zstd_source *s, pgm_source *below, uint64_t max_ratio)
{
    memset(s, 0, sizeof *s);
    s->base.read = zstd_read;
    s->below = below;
    s->max_ratio = max_ratio;
    ZSTD_DCtx *d = ZSTD_createDCtx();
    s->inbuf = malloc(ZSTD_DStreamInSize());
    if (!d || !s->inbuf) {
        ZSTD_freeDCtx(d);
        free(s->inbuf);
        s->inbuf = NULL;
        return PGM_FATAL;
    }
    ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, PGM_ZSTD_WINDOW_LOG_MAX);
    s->dctx = d;
    return PGM_OK;
}

void pgm_zstd_source_close(pgm_zstd_source *s)
{
    ZSTD_freeDCtx(s->dctx);
    free(s->inbuf);
    s->dctx = NULL;
    s->inbuf = NULL;
}
