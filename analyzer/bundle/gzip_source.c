#include "bundle/gzip_source.h"

#include <stdio.h>
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

/* Remembers damage to report once the output decoded before it is handed on. */
static void defer_fail(pgm_gzip_source *s, const char *what)
{
    if (!s->pending_err[0])
        snprintf(s->pending_err, sizeof s->pending_err, "%s", what);
    s->finished = true;
}

static ptrdiff_t gzip_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_gzip_source *s = (pgm_gzip_source *)self;
    z_stream *zs = &s->zs;
    for (;;) {
        /* Damage reads as the end, so the layer above (a tar) takes what it
         * holds of the entry it was in; whoever walks this layer reports it. */
        if (s->finished)
            return 0;
        if (zs->avail_in == 0 && !s->below_eof) {
            ptrdiff_t n = pgm_source_read(s->below, s->inbuf, PGM_IO_CHUNK_BYTES);
            if (n < 0) {
                defer_fail(s, s->below->err);
                continue;
            }
            if (n == 0)
                s->below_eof = true;
            zs->next_in = s->inbuf;
            zs->avail_in = (uInt)n;
            s->in_bytes += (uint64_t)n;
        }
        if (!s->in_member) {
            /* Between members: another member, NUL padding (ignored, as
             * gzip(1) does), the end, or bytes that are not gzip. */
            if (zs->avail_in == 0) {
                if (s->below_eof)
                    s->finished = true;
                continue;
            }
            if (zs->next_in[0] == 0 && all_nul(zs->next_in, zs->avail_in)) {
                zs->avail_in = 0;
                continue;
            }
            if (zs->next_in[0] != 0x1f || (zs->avail_in > 1 && zs->next_in[1] != 0x8b)) {
                char msg[128];
                snprintf(msg, sizeof msg, "gzip: bytes that are not gzip after member %u (at "
                         "compressed offset %llu); the rest is not read", s->members,
                         (unsigned long long)(s->in_bytes - zs->avail_in));
                defer_fail(s, msg);
                continue;
            }
            if (s->members > 0 && inflateReset(zs) != Z_OK) {
                defer_fail(s, "gzip: cannot restart the decoder");
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
            char msg[PGM_ERR_MAX];
            snprintf(msg, sizeof msg, "gzip: %s in member %u after %llu bytes decoded: the file "
                     "is damaged%s", zs->msg ? zs->msg : "invalid data", s->members + 1,
                     (unsigned long long)(s->out_bytes + produced),
                     zs->msg && strstr(zs->msg, "check") ? " (what was read may differ from "
                     "what was written)" : "; what follows is not read");
            defer_fail(s, msg);
        } else if (zr == Z_MEM_ERROR) {
            defer_fail(s, "gzip: out of memory");
        } else if (zr == Z_BUF_ERROR && produced == 0 && zs->avail_in == 0 && s->below_eof) {
            char msg[PGM_ERR_MAX];
            snprintf(msg, sizeof msg, "truncated gzip stream: member %u ends after %llu bytes "
                     "decoded; what it held after them is lost", s->members + 1,
                     (unsigned long long)s->out_bytes);
            defer_fail(s, msg);
        }
        if (produced > 0) {
            s->out_bytes += produced;
            if (pgm_ratio_exceeded(s->in_bytes, s->out_bytes, s->max_ratio))
                return pgm_source_fail(self,
                                       "expands more than %llu:1 (gzip bomb?); raise --max-ratio "
                                       "to read it",
                                       (unsigned long long)s->max_ratio);
            return (ptrdiff_t)produced;
        }
    }
}

int pgm_gzip_source_open(pgm_gzip_source *s, pgm_source *below, uint64_t max_ratio)
{
    memset(s, 0, sizeof *s);
    s->base.read = gzip_read;
    s->below = below;
    s->max_ratio = max_ratio;
    s->inbuf = malloc(PGM_IO_CHUNK_BYTES);
    if (!s->inbuf || inflateInit2(&s->zs, GZIP_WINDOW_BITS) != Z_OK) {
        free(s->inbuf);
        s->inbuf = NULL;
        return PGM_FATAL;
    }
    s->zs_ready = true;
    return PGM_OK;
}

void pgm_gzip_source_close(pgm_gzip_source *s)
{
    if (s->zs_ready)
        inflateEnd(&s->zs);
    free(s->inbuf);
    s->inbuf = NULL;
    s->zs_ready = false;
}
