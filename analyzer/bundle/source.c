#include "bundle/source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ptrdiff_t pgm_source_read(pgm_source *s, void *buf, size_t cap)
{
    if (s->failed)
        return -1;
    ptrdiff_t n = s->read(s, buf, cap);
    if (n < 0)
        s->failed = true;
    return n;
}

ptrdiff_t pgm_source_read_full(pgm_source *s, void *buf, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        ptrdiff_t n = pgm_source_read(s, (unsigned char *)buf + got, cap - got);
        if (n < 0)
            return got ? (ptrdiff_t)got : -1; /* s->failed tells the caller */
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ptrdiff_t)got;
}

ptrdiff_t pgm_source_fail(pgm_source *s, const char *fmt, ...)
{
    if (!s->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->err, sizeof s->err, fmt, ap);
        va_end(ap);
    }
    s->failed = true;
    return -1;
}

void pgm_read_error_text(char *buf, size_t cap, uint64_t at, int err)
{
    snprintf(buf, cap, "read error at byte %llu: %s; the file was not read whole", (unsigned long long)at, strerror(err));
}

ssize_t pgm_pread_once(int fd, void *buf, size_t n, uint64_t at)
{
    ssize_t got;
    do
        got = pread(fd, buf, n, (off_t)at);
    while (got < 0 && errno == EINTR);
    return got;
}

/* [at, at + len) read as NUL bytes, kept in u's ranges. */
static void note_filled(pgm_unreadable *u, uint64_t at, uint64_t len)
{
    if (u->n_filled) {
        uint64_t *last_at = &u->filled[u->n_filled - 1].at, *last_len = &u->filled[u->n_filled - 1].len;
        if (*last_at + *last_len == at || u->n_filled == PGM_UNREADABLE_MAX_RANGES) {
            if (at + len > *last_at + *last_len)
                *last_len = at + len - *last_at; /* joined, or covered whole past the last range */
            if (at < *last_at) {
                *last_len += *last_at - at;
                *last_at = at;
            }
            return;
        }
    }
    u->filled[u->n_filled].at = at;
    u->filled[u->n_filled].len = len;
    u->n_filled++;
}

bool pgm_unreadable_meets(const pgm_unreadable *u, uint64_t at, uint64_t n, uint64_t *filled_at)
{
    bool met = false;
    for (unsigned i = 0; i < u->n_filled; i++) {
        uint64_t from = u->filled[i].at, to = from + u->filled[i].len;
        if (from < at + n && to > at && (!met || from < *filled_at)) {
            *filled_at = from;
            met = true;
        }
    }
    return met;
}

ssize_t pgm_pread_rescue(int fd, void *buf, size_t n, uint64_t at, pgm_unreadable *u)
{
    ssize_t got = pgm_pread_once(fd, buf, n, at);
    /* EINVAL is a direct read's alignment, which its caller handles */
    if (got >= 0 || errno == EINVAL || !u)
        return got;
    /* NUL bytes stand for what the disk cannot read, up to the file's end;
     * another error (a file handle gone stale) ends the range at the block
     * it is met in, and the bytes before it are returned */
    int first_errno = errno;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        errno = first_errno;
        return -1;
    }
    uint64_t size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
    size_t done = 0;
    while (done < n) {
        uint64_t pos = at + done;
        /* whole blocks at multiples of the block: a direct read's alignment too */
        size_t piece = PGM_UNREADABLE_BLOCK - (size_t)(pos % PGM_UNREADABLE_BLOCK);
        if (piece > n - done)
            piece = n - done;
        ssize_t r = pgm_pread_once(fd, (char *)buf + done, piece, pos);
        if (r > 0) {
            done += (size_t)r;
            continue;
        }
        if (r == 0 || pos >= size)
            break;
        if (errno != EIO || u->no_fill)
            return done ? (ssize_t)done : -1;
        size_t lost = size - pos < piece ? (size_t)(size - pos) : piece;
        bool counted = pos < u->seen_to;
        if (!counted && u->bytes + lost > PGM_UNREADABLE_MAX_BYTES) {
            u->limit_reached = true;
            if (done)
                return (ssize_t)done;
            errno = EIO;
            return -1;
        }
        memset((char *)buf + done, 0, lost);
        if (!counted) {
            if (!u->bytes)
                u->first_at = pos;
            u->bytes += lost;
            u->seen_to = pos + lost;
            note_filled(u, pos, lost);
        }
        done += lost;
        if (lost < piece)
            break; /* the file's end */
    }
    return (ssize_t)done;
}

void pgm_unreadable_add(pgm_unreadable *sum, const pgm_unreadable *u)
{
    if (u->bytes && (!sum->bytes || u->first_at < sum->first_at))
        sum->first_at = u->first_at;
    sum->bytes += u->bytes;
    sum->limit_reached |= u->limit_reached;
}

void pgm_unreadable_describe(const pgm_unreadable *u, char *buf, size_t cap)
{
    if (cap)
        buf[0] = 0;
    if (!u->bytes && !u->limit_reached)
        return;
    int n = snprintf(buf, cap, "%llu bytes the disk could not read (%s), from byte %llu on, were read as NUL bytes",
                     (unsigned long long)u->bytes, strerror(EIO), (unsigned long long)u->first_at);
    if (u->limit_reached && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, "; then more than the %u MiB a reader reads so "
                 "(a limit of this build): the rest was not read", PGM_UNREADABLE_MAX_BYTES >> 20);
}

static ptrdiff_t fd_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_fd_source *s = (pgm_fd_source *)self;
    for (;;) {
        ssize_t n = read(s->fd, buf, cap);
        if (n >= 0) {
            s->pos += (uint64_t)n;
            return n;
        }
        if (errno == EINTR)
            continue;
        int err = errno;
        off_t at = self->seek ? lseek(s->fd, 0, SEEK_CUR) : -1;
        if (at >= 0) {
            /* read again around the block that failed (the offset is where
             * it was: a read that fails moves nothing): one the disk cannot
             * read is read as NUL bytes, and the bytes before another error
             * are kept, which the next read then meets at its block */
            s->pos = (uint64_t)at;
            n = pgm_pread_rescue(s->fd, buf, cap, (uint64_t)at, &s->unreadable);
            if (n >= 0 && lseek(s->fd, at + n, SEEK_SET) >= 0) {
                s->pos += (uint64_t)n;
                return n;
            }
            err = n < 0 ? errno : err;
        }
        char why[PGM_ERR_MAX];
        pgm_read_error_text(why, sizeof why, s->pos, err);
        return pgm_source_fail(self, "%s", why);
    }
}

static int64_t fd_seek(pgm_source *self, int64_t offset, int whence)
{
    pgm_fd_source *s = (pgm_fd_source *)self;
    off_t r = lseek(s->fd, (off_t)offset, whence);
    if (r >= 0)
        s->pos = (uint64_t)r;
    return r < 0 ? -1 : (int64_t)r;
}

void pgm_fd_source_init(pgm_fd_source *s, int fd, bool seekable)
{
    memset(s, 0, sizeof *s);
    s->base.read = fd_read;
    s->base.seek = seekable ? fd_seek : NULL;
    s->fd = fd;
}

static ptrdiff_t mem_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_mem_source *s = (pgm_mem_source *)self;
    size_t n = s->len - s->pos;
    if (n > cap)
        n = cap;
    if (n)
        memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (ptrdiff_t)n;
}

static int64_t mem_seek(pgm_source *self, int64_t offset, int whence)
{
    pgm_mem_source *s = (pgm_mem_source *)self;
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)s->pos : (int64_t)s->len;
    int64_t to = base + offset;
    if (to < 0)
        return -1;
    s->pos = (size_t)to > s->len ? s->len : (size_t)to;
    return to;
}

void pgm_mem_source_init(pgm_mem_source *s, const void *data, size_t len)
{
    memset(s, 0, sizeof *s);
    s->base.read = mem_read;
    s->base.seek = mem_seek;
    s->data = data;
    s->len = len;
}

static ptrdiff_t head_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_head_source *s = (pgm_head_source *)self;
    if (s->pos < s->head_len) {
        size_t n = s->head_len - s->pos;
        if (n > cap)
            n = cap;
        memcpy(buf, s->head + s->pos, n);
        s->pos += n;
        return (ptrdiff_t)n;
    }
    ptrdiff_t n = pgm_source_read(s->below, buf, cap);
    if (n < 0)
        return pgm_source_fail(self, "%s", s->below->err);
    return n;
}

static int64_t head_seek(pgm_source *self, int64_t offset, int whence)
{
    pgm_head_source *s = (pgm_head_source *)self;
    int64_t to;
    if (whence == SEEK_END) {
        to = s->below->seek(s->below, offset, SEEK_END);
    } else {
        int64_t cur = s->pos < s->head_len ? (int64_t)s->pos
                                            : s->below->seek(s->below, 0, SEEK_CUR);
        if (cur < 0)
            return -1;
        to = whence == SEEK_SET ? offset : cur + offset;
    }
    if (to < 0)
        return -1;
    if (to < (int64_t)s->head_len) {
        /* Serve from the head; the layer below continues right after it. */
        if (s->below->seek(s->below, (int64_t)s->head_len, SEEK_SET) < 0)
            return -1;
        s->pos = (size_t)to;
        return to;
    }
    if (s->below->seek(s->below, to, SEEK_SET) < 0)
        return -1;
    s->pos = s->head_len;
    return to;
}

void pgm_head_source_init(pgm_head_source *s, pgm_source *below, const unsigned char *head,
                          size_t head_len)
{
    memset(s, 0, sizeof *s);
    s->base.read = head_read;
    s->base.seek = below->seek ? head_seek : NULL;
    s->below = below;
    s->head = head;
    s->head_len = head_len;
}
