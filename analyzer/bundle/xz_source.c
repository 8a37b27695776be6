#include "bundle/xz_source.h"

#include <string.h>

#include "bundle/limits.h"

static const char *lzma_reason(lzma_ret r)
{
    switch (r) {
    case LZMA_DATA_ERROR: return "corrupt data";
    case LZMA_FORMAT_ERROR: return "not an xz or lzma stream";
    case LZMA_OPTIONS_ERROR: return "unsupported options";
    case LZMA_MEMLIMIT_ERROR: return "needs more memory than the 256 MiB allowed (PGM_XZ_MEMLIMIT)";
    case LZMA_BUF_ERROR: return "the stream is cut";
    default: return "decoder error";
    }
}

_Static_assert(PGM_XZ_MEMLIMIT == 256ull << 20, "the memory limit's message names 256 MiB");

static ptrdiff_t xz_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_xz_source *s = (pgm_xz_source *)self;
    pgm_decoder *d = &s->d;
    lzma_stream *xs = &s->xs;
    for (;;) {
        if (s->finished || d->damage[0])
            return 0; /* damage reads as the end (decoder.h) */
        if (xs->avail_in == 0 && !d->below_eof) {
            ptrdiff_t n = pgm_decoder_fill(d);
            if (n < 0)
                continue;
            xs->next_in = d->inbuf;
            xs->avail_in = (size_t)n;
        }
        xs->next_out = buf;
        xs->avail_out = cap;
        /* LZMA_CONCATENATED: FINISH says no more streams follow */
        lzma_ret r = lzma_code(xs, d->below_eof ? LZMA_FINISH : LZMA_RUN);
        size_t produced = cap - xs->avail_out;
        if (r == LZMA_STREAM_END)
            s->finished = true;
        else if (r == LZMA_MEM_ERROR)
            return pgm_source_fail(self, "xz: out of memory");
        else if (r != LZMA_OK)
            pgm_decoder_damage(d, "xz: %s after %llu bytes decoded%s", lzma_reason(r),
                               (unsigned long long)(d->out_bytes + produced),
                               r == LZMA_DATA_ERROR ? " (a failed integrity check or damaged data): what "
                                                      "follows is not read"
                                                    : "; what it held after them is lost");
        if (produced > 0)
            return pgm_decoder_deliver(d, self, produced);
    }
}

int pgm_xz_source_open(pgm_xz_source *s, pgm_source *below, uint64_t max_ratio)
{
    memset(s, 0, sizeof *s);
    s->base.read = xz_read;
    lzma_stream init = LZMA_STREAM_INIT;
    s->xs = init;
    if (pgm_decoder_init(&s->d, below, PGM_IO_CHUNK_BYTES, max_ratio, "xz") != PGM_OK ||
        lzma_auto_decoder(&s->xs, PGM_XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
        pgm_decoder_free(&s->d);
        return PGM_FATAL;
    }
    s->xs_ready = true;
    return PGM_OK;
}

void pgm_xz_source_close(pgm_xz_source *s)
{
    if (s->xs_ready)
        lzma_end(&s->xs);
    s->xs_ready = false;
    pgm_decoder_free(&s->d);
}
