#include "bundle/zstd_source.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "bundle/limits.h"

/* Remembers damage to report once the output decoded before it is handed on. */
static void defer_fail(pgm_zstd_source *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void defer_fail(pgm_zstd_source *s, const char *fmt, ...)
{
    if (s->pending_err[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->pending_err, sizeof s->pending_err, fmt, ap);
    va_end(ap);
}

static ptrdiff_t zstd_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_zstd_source *s = (pgm_zstd_source *)self;
    for (;;) {
        /* Damage reads as the end, so the layer above (a tar) takes what it
         * holds of the entry it was in; whoever walks this layer reports it. */
        if (s->pending_err[0])
            return 0;
        if (s->in_pos == s->in_size && !s->below_eof) {
            ptrdiff_t n = pgm_source_read(s->below, s->inbuf, ZSTD_DStreamInSize());
            if (n < 0) {
                defer_fail(s, "%s", s->below->err);
                continue;
            }
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
            defer_fail(s, "zstd: %s after %llu bytes decoded", ZSTD_getErrorName(ret),
                       (unsigned long long)(s->out_bytes + out.pos));
        /* With no input and no output the hint is about a next frame, not this one. */
        else if (in.pos != before || out.pos > 0)
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
        if (!s->pending_err[0] && s->in_pos == s->in_size && s->below_eof) {
            if (s->frame_left == 0)
                return 0;
            defer_fail(s, "truncated zstd stream: the last frame is cut after %llu bytes decoded "
                       "(its end and checksum are missing)", (unsigned long long)s->out_bytes);
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
