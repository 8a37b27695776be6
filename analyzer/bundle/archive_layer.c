#include "bundle/archive_layer.h"

#include <archive.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/limits.h"

static la_ssize_t layer_read(struct archive *a, void *ctx, const void **out)
{
    pgm_archive_layer *l = ctx;
    ptrdiff_t n = pgm_source_read(l->below, l->buf, PGM_IO_CHUNK_BYTES);
    if (n < 0) {
        archive_set_error(a, EIO, "%s", l->below->err);
        return -1;
    }
    l->in_bytes += (uint64_t)n;
    *out = l->buf;
    return n;
}

static la_int64_t layer_seek(struct archive *a, void *ctx, la_int64_t offset, int whence)
{
    (void)a;
    pgm_archive_layer *l = ctx;
    int64_t r = l->below->seek(l->below, offset, whence);
    return r < 0 ? ARCHIVE_FATAL : r;
}

static la_int64_t layer_skip(struct archive *a, void *ctx, la_int64_t request)
{
    (void)a;
    pgm_archive_layer *l = ctx;
    int64_t cur = l->below->seek(l->below, 0, SEEK_CUR);
    if (cur < 0 || l->below->seek(l->below, request, SEEK_CUR) < 0)
        return 0; /* libarchive falls back to reading */
    return request;
}

int pgm_archive_layer_open(pgm_archive_layer *l, pgm_source *below, bool compressed_stream,
                           uint64_t max_ratio, char err[PGM_ERR_MAX])
{
    memset(l, 0, sizeof *l);
    l->below = below;
    l->max_ratio = max_ratio;
    l->buf = malloc(PGM_IO_CHUNK_BYTES);
    l->a = archive_read_new();
    if (!l->buf || !l->a) {
        pgm_archive_layer_close(l);
        snprintf(err, PGM_ERR_MAX, "out of memory");
        return PGM_FATAL;
    }
    archive_read_support_filter_all(l->a);
    if (compressed_stream) {
        archive_read_support_format_raw(l->a);
    } else {
        archive_read_support_format_all(l->a);
        /* Checksums are checked; damaged entries are reported, not trusted. */
    }
    archive_read_set_callback_data(l->a, l);
    archive_read_set_read_callback(l->a, layer_read);
    if (below->seek) {
        archive_read_set_seek_callback(l->a, layer_seek);
        archive_read_set_skip_callback(l->a, layer_skip);
    }
    if (archive_read_open1(l->a) != ARCHIVE_OK) {
        const char *e = archive_error_string(l->a);
        snprintf(err, PGM_ERR_MAX, "%s", e ? e : "unreadable archive");
        pgm_archive_layer_close(l);
        return PGM_FAILED;
    }
    return PGM_OK;
}

void pgm_archive_layer_close(pgm_archive_layer *l)
{
    if (l->a)
        archive_read_free(l->a);
    free(l->buf);
    l->a = NULL;
    l->buf = NULL;
}

static ptrdiff_t entry_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_entry_source *s = (pgm_entry_source *)self;
    pgm_archive_layer *l = s->layer;
    la_ssize_t n;
    do {
        n = archive_read_data(l->a, buf, cap);
    } while (n == ARCHIVE_RETRY);
    if (n < 0) {
        const char *e = archive_error_string(l->a);
        return pgm_source_fail(self, "%s", e ? e : "damaged archive entry");
    }
    l->out_bytes += (uint64_t)n;
    if (pgm_ratio_exceeded(l->in_bytes, l->out_bytes, l->max_ratio))
        return pgm_source_fail(self, "expands more than %llu:1 (zip bomb?); raise --max-ratio to read it",
                               (unsigned long long)l->max_ratio);
    return n;
}

void pgm_entry_source_init(pgm_entry_source *s, pgm_archive_layer *l)
{
    memset(s, 0, sizeof *s);
    s->base.read = entry_read;
    s->layer = l;
}
