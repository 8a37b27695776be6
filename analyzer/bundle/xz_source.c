#include "bundle/xz_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/limits.h"

static const char *lzma_reason(lzma_ret r)
{
    switch (r) {
    case LZMA_DATA_ERROR: return "corrupt data";
    case LZMA_FORMAT_ERROR: return "not an xz or lzma stream";
    case LZMA_OPTIONS_ERROR: return "unsupported options";
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_MEMLIMIT_ERROR: return "needs more memory than allowed";
    case LZMA_BUF_ERROR: return "the stream is cut";
    default: return "decoder error";
    }
}

static ptrdiff_t xz_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_xz_source *s = (pgm_xz_source *)self;
    lzma_stream *xs = &s->xs;
    for (;;) {
        if (s->finished)
            return 0;
        lzma_action action = LZMA_RUN;
        if (xs->avail_in == 0 && !s->below_eof) {
            ptrdiff_t n = pgm_source_read(s->below, s->inbuf, PGM_IO_CHUNK_BYTES);
            if (n < 0) {
                snprintf(s->pending_err, sizeof s->pending_err, "%s", s->below->err);
                s->finished = true;
                continue;
            }
            if (n == 0)
                s->below_eof = true;
            xs->next_in = s->inbuf;
            xs->avail_in = (size_t)n;
            s->in_bytes += (uint64_t)n;
        }
        if (s->below_eof)
            action = LZMA_FINISH; /* LZMA_CONCATENATED: no more streams follow */
        xs->next_out = buf;
        xs->avail_out = cap;
        lzma_ret r = lzma_code(xs, action);
        size_t produced = cap - xs->avail_out;
        if (r == LZMA_STREAM_END) {
            s->finished = true;
        } else if (r == LZMA_MEM_ERROR) {
            return pgm_source_fail(self, "xz: out of memory");
        } else if (r != LZMA_OK) {
            snprintf(s->pending_err, sizeof s->pending_err,
                     "xz: %s after %llu bytes decoded%s", lzma_reason(r),
                     (unsigned long long)(s->out_bytes + produced),
                     r == LZMA_DATA_ERROR ? " (a failed integrity check or damaged data): what "
                                            "follows is not read"
                                          : "; what it held after them is lost");
            s->finished = true;
        }
        if (produced > 0) {
            s->out_bytes += produced;
            if (pgm_ratio_exceeded(s->in_bytes, s->out_bytes, s->max_ratio))
                return pgm_source_fail(self,
                                       "expands more than %llu:1 (xz bomb?); raise --max-ratio to "
                                       "read it",
                                       (unsigned long long)s->max_ratio);
            return (ptrdiff_t)produced;
        }
    }
}

int pgm_xz_source_open(pgm_xz_source *s, pgm_source *below, uint64_t max_ratio)
{
    memset(s, 0, sizeof *s);
    s->base.read = xz_read;
    s->below = below;
    s->max_ratio = max_ratio;
    lzma_stream init = LZMA_STREAM_INIT;
    s->xs = init;
    s->inbuf = malloc(PGM_IO_CHUNK_BYTES);
    if (!s->inbuf ||
        lzma_auto_decoder(&s->xs, PGM_XZ_MEMLIMIT, LZMA_CONCATENATED) !=
            LZMA_OK) {
        free(s->inbuf);
        s->inbuf = NULL;
        return PGM_FATAL;
    }
    s->xs_ready = true;
    return PGM_OK;
}

void pgm_xz_source_close(pgm_xz_source *s)
{
    if (s->xs_ready)
        lzma_end(&s->xs);
    free(s->inbuf);
    s->inbuf = NULL;
    s->xs_ready = false;
}
