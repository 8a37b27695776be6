#include "bundle/archive_layer.h"

#include <archive.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/limits.h"
#include "util/within.h"

static la_ssize_t layer_read(struct archive *a, void *ctx, const void **out)
{
    pgm_archive_layer *l = ctx;
    ptrdiff_t n = pgm_source_read(l->below, l->buf, PGM_IO_CHUNK_BYTES);
    if (n < 0) {
        archive_set_error(a, EIO, "%s", l->below->err);
        return -1;
    }
    l->in_bytes += (uint64_t)n;
    l->buf_at = l->pos;
    l->buf_len = (size_t)n;
    l->pos += (uint64_t)n;
    *out = l->buf;
    return n;
}

static la_int64_t layer_seek(struct archive *a, void *ctx, la_int64_t offset, int whence)
{
    (void)a;
    pgm_archive_layer *l = ctx;
    int64_t r = l->below->seek(l->below, offset, whence);
    if (r >= 0)
        l->pos = (uint64_t)r;
    return r < 0 ? ARCHIVE_FATAL : r;
}

static la_int64_t layer_skip(struct archive *a, void *ctx, la_int64_t request)
{
    (void)a;
    pgm_archive_layer *l = ctx;
    int64_t cur = l->below->seek(l->below, 0, SEEK_CUR);
    if (cur < 0 || l->below->seek(l->below, request, SEEK_CUR) < 0)
        return 0; /* libarchive falls back to reading */
    l->pos = (uint64_t)cur + (uint64_t)request;
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

const char *pgm_archive_layer_error(const pgm_archive_layer *l)
{
    /* a read below that failed is the reason, whatever the filter made of
     * it (bzip2's "truncated bzip2 input") */
    return l->below->failed ? l->below->err : archive_error_string(l->a);
}

size_t pgm_archive_layer_unread(const pgm_archive_layer *l, uint64_t at, const unsigned char **bytes)
{
    if (at < l->buf_at || at > l->buf_at + l->buf_len) {
        *bytes = NULL;
        return 0;
    }
    *bytes = l->buf + (at - l->buf_at);
    return (size_t)(l->buf_at + l->buf_len - at);
}

void pgm_archive_layer_close(pgm_archive_layer *l)
{
    if (l->a)
        archive_read_free(l->a);
    free(l->buf);
    l->a = NULL;
    l->buf = NULL;
}

/* The block just taken (s->offset is its first byte's in the entry) cut
 * before the first byte of it the disk could not read, when the entry must
 * end there; the next read then fails. */
static void cut_at_fill(pgm_entry_source *s)
{
    if (!s->fills || !s->file_at_known || s->stopped)
        return;
    uint64_t from = s->file_at + (uint64_t)s->offset, n = s->block_len - s->block_pos, filled;
    if (!pgm_unreadable_meets(s->fills, from, n, &filled))
        return;
    size_t keep = filled > from ? (size_t)(filled - from) : 0;
    s->block_len = s->block_pos + keep;
    s->stopped = true;
    s->stopped_at = filled > from ? filled : from;
}

bool pgm_entry_source_stop_at_fills(pgm_entry_source *s, const pgm_unreadable *fills, uint64_t *handed)
{
    s->fills = fills;
    uint64_t filled;
    if (s->file_at_known && s->offset > 0 && pgm_unreadable_meets(fills, s->file_at, (uint64_t)s->offset, &filled)) {
        *handed = filled > s->file_at ? filled - s->file_at : 0;
        s->stopped = true;
        s->stopped_at = s->file_at + *handed;
        s->block_pos = s->block_len; /* nothing more of the block */
        s->hole = 0;
        return true;
    }
    if (s->block_pos < s->block_len)
        cut_at_fill(s);
    return false;
}

/* Block by block rather than archive_read_data(), which drops what it copied
 * of a block when the next one fails: a cut tar's last member then reads as
 * nothing where tar(1) extracts its first part. */
static ptrdiff_t entry_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_entry_source *s = (pgm_entry_source *)self;
    pgm_archive_layer *l = s->layer;
    while (s->block_pos == s->block_len) {
        if (s->stopped) {
            char why[PGM_ERR_MAX];
            pgm_read_error_text(why, sizeof why, s->stopped_at, EIO);
            return pgm_source_fail(self, "%s", why);
        }
        const void *block;
        size_t len;
        la_int64_t offset;
        int r;
        do {
            r = archive_read_data_block(l->a, &block, &len, &offset);
        } while (r == ARCHIVE_RETRY);
        if (r == ARCHIVE_EOF)
            return 0;
        if (r < ARCHIVE_WARN) {
            const char *e = pgm_archive_layer_error(l);
            return pgm_source_fail(self, "%s", e ? e : "damaged archive entry");
        }
        if (r == ARCHIVE_WARN && !s->warning[0]) {
            /* zip's "bad CRC": the data came, and is not what was stored */
            const char *e = archive_error_string(l->a);
            snprintf(s->warning, sizeof s->warning, "%s", e ? e : "damaged archive entry");
        }
        s->block = block;
        s->block_len = len;
        s->block_pos = 0;
        /* A sparse file's hole reads as zeros, as tar(1) writes it out. */
        s->hole = offset > s->offset ? (uint64_t)(offset - s->offset) : 0;
        /* libarchive hands on blocks of the layer's buffer, or of its own copy */
        if (!s->file_at_known && !s->hole && len && pgm_within(block, len, l->buf, l->buf_len)) {
            s->file_at = l->base + l->buf_at + (uint64_t)((uintptr_t)block - (uintptr_t)l->buf) - (uint64_t)offset;
            s->file_at_known = true;
        }
        if (s->hole)
            break;
        cut_at_fill(s);
    }
    size_t n;
    if (s->hole) {
        n = cap < s->hole ? cap : (size_t)s->hole;
        memset(buf, 0, n);
        s->hole -= n;
    } else {
        n = s->block_len - s->block_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, (const unsigned char *)s->block + s->block_pos, n);
        s->block_pos += n;
    }
    s->offset += (int64_t)n;
    l->out_bytes += (uint64_t)n;
    if (pgm_ratio_exceeded(l->in_bytes, l->out_bytes, l->max_ratio))
        return pgm_source_fail(self, "expands more than %llu:1 (zip bomb?); raise --max-ratio to read it",
                               (unsigned long long)l->max_ratio);
    return (ptrdiff_t)n;
}

void pgm_entry_source_init(pgm_entry_source *s, pgm_archive_layer *l)
{
    memset(s, 0, sizeof *s);
    s->base.read = entry_read;
    s->layer = l;
}
