#include "bundle/gzip_source.h"

#include <stdlib.h>
#include <string.h>

#include "bundle/limits.h"

/* windowBits 15 + 16: a gzip wrapper, whose trailer zlib checks itself
 * ("incorrect data check" is the CRC-32, "incorrect length check" ISIZE). */
enum { GZIP_WINDOW_BITS = 15 + 16 };

static bool all_nul(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static ptrdiff_t gzip_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_gzip_source *s = (pgm_gzip_source *)self;
    pgm_decoder *d = &s->d;
    z_stream *zs = &s->zs;
    for (;;) {
        if (s->finished || d->damage[0])
            return 0; /* damage reads as the end (decoder.h) */
        if (zs->avail_in == 0 && !d->below_eof) {
            ptrdiff_t n = pgm_decoder_fill(d);
            if (n < 0)
                continue;
            zs->next_in = d->inbuf;
            zs->avail_in = (uInt)n;
        }
        if (!s->in_member) {
            /* Between members: another member, NUL padding (ignored, as
             * gzip(1) does), the end, or bytes that are not gzip. */
            if (zs->avail_in == 0) {
                s->finished = d->below_eof;
                continue;
            }
            if (zs->next_in[0] == 0 && all_nul(zs->next_in, zs->avail_in)) {
                zs->avail_in = 0;
                continue;
            }
            if (zs->next_in[0] != 0x1f || (zs->avail_in > 1 && zs->next_in[1] != 0x8b)) {
                pgm_decoder_damage(d, "gzip: bytes that are not gzip after member %u (at compressed "
                                   "offset %llu); the rest is not read", s->members,
                                   (unsigned long long)(d->in_bytes - zs->avail_in));
                continue;
            }
            if (s->members > 0 && inflateReset(zs) != Z_OK) {
                pgm_decoder_damage(d, "gzip: cannot restart the decoder");
                continue;
            }
            s->in_member = true;
        }
        zs->next_out = buf;
        zs->avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
        int zr = inflate(zs, Z_NO_FLUSH);
        size_t produced = (size_t)((unsigned char *)zs->next_out - (unsigned char *)buf);
        if (zr == Z_STREAM_END) {
            s->in_member = false;
            s->members++;
        } else if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT) {
            pgm_decoder_damage(d, "gzip: %s in member %u after %llu bytes decoded: the file is damaged%s",
                               zs->msg ? zs->msg : "invalid data", s->members + 1,
                               (unsigned long long)(d->out_bytes + produced),
                               zs->msg && strstr(zs->msg, "check")
                                   ? " (what was read may differ from what was written)"
                                   : "; what follows is not read");
        } else if (zr == Z_MEM_ERROR) {
            return pgm_source_fail(self, "gzip: out of memory");
        } else if (zr == Z_BUF_ERROR && produced == 0 && zs->avail_in == 0 && d->below_eof) {
            pgm_decoder_damage(d, "truncated gzip stream: member %u ends after %llu bytes decoded; "
                               "what it held after them is lost", s->members + 1,
                               (unsigned long long)d->out_bytes);
        }
        if (produced > 0)
            return pgm_decoder_deliver(d, self, produced);
    }
}

int pgm_gzip_source_open(pgm_gzip_source *s, pgm_source *below, uint64_t max_ratio)
{
    memset(s, 0, sizeof *s);
    s->base.read = gzip_read;
    if (pgm_decoder_init(&s->d, below, PGM_IO_CHUNK_BYTES, max_ratio, "gzip") != PGM_OK ||
        inflateInit2(&s->zs, GZIP_WINDOW_BITS) != Z_OK) {
        pgm_decoder_free(&s->d);
        return PGM_FATAL;
    }
    s->zs_ready = true;
    return PGM_OK;
}

void pgm_gzip_source_close(pgm_gzip_source *s)
{
    if (s->zs_ready)
        inflateEnd(&s->zs);
    s->zs_ready = false;
    pgm_decoder_free(&s->d);
}
