#define _GNU_SOURCE /* O_DIRECT, statx */
#include "util/directwrite.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/quiet_thread.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

_Static_assert(PGM_DIRECT_BUFFER % PGM_DIRECT_ALIGN == 0, "a buffer is whole blocks");
_Static_assert(PGM_DIRECT_BUFFERS >= 2, "one buffer filled while another is written");

struct pgm_direct {
    int fd;
    int flags;            /* the fd's status flags before O_DIRECT */
    size_t align;         /* of memory, offsets and lengths */
    char *buf[PGM_DIRECT_BUFFERS];
    size_t len[PGM_DIRECT_BUFFERS];
    off_t off[PGM_DIRECT_BUFFERS];
    off_t end;            /* where the next byte goes */
    /* the ring: buf[head] is the oldest queued, buf[fill] the one being
     * filled, (head + queued) % N; the writer touches only the queued ones,
     * and takes from head as the producer adds at fill */
    unsigned head, queued;
    unsigned fill;        /* the producer's own */
    bool failed;          /* the producer's own: it saw err set */
    int err;              /* the first write's errno that failed (the writer's, under mu) */
    bool stop;
    pthread_mutex_t mu;
    pthread_cond_t work, room;
    pthread_t thread;
};

off_t pgm_direct_aligned_from(int fd, off_t end)
{
    size_t a = pgm_direct_alignment(fd, PGM_DIRECT_BUFFER);
    if (a == 0)
        a = PGM_DIRECT_ALIGN;
    return (end + (off_t)a - 1) & ~(off_t)(a - 1);
}

/* Every byte of n at off, through EINTR and short writes. 0 or errno. */
static int write_all(int fd, const char *p, size_t n, off_t off)
{
    while (n) {
        ssize_t w = pwrite(fd, p, n, off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        p += w;
        n -= (size_t)w;
        off += w;
    }
    return 0;
}

/* A direct write the file refuses after all (EINVAL: an alignment statx did
 * not tell): the rest goes through the page cache. */
static int write_block(pgm_direct *d, const char *p, size_t n, off_t off)
{
    int e = write_all(d->fd, p, n, off);
    if (e == EINVAL && fcntl(d->fd, F_SETFL, d->flags) == 0)
        e = write_all(d->fd, p, n, off);
    return e;
}

static void *writer(void *arg)
{
    pgm_direct *d = arg;
    pthread_mutex_lock(&d->mu);
    for (;;) {
        while (d->queued == 0 && !d->stop)
            pthread_cond_wait(&d->work, &d->mu);
        if (d->queued == 0)
            break;
        unsigned k = d->head;
        pthread_mutex_unlock(&d->mu);
        int e = d->err ? 0 : write_block(d, d->buf[k], d->len[k], d->off[k]);
        pthread_mutex_lock(&d->mu);
        if (e && !d->err)
            d->err = e;
        d->head = (d->head + 1) % PGM_DIRECT_BUFFERS;
        d->queued--;
        pthread_cond_signal(&d->room);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

static void free_buffers(pgm_direct *d)
{
    free(d->buf[0]); /* the one block they are all in */
    free(d);
}

/* The buffers, in one block on huge pages (util/directio.h). With buffers
 * of 1 MiB on 4 KiB pages the writing thread took 4.6% of a one-thread
 * timeline's samples; on huge pages 2.7%, and 1.75% with buffers of 2 MiB. */
static bool make_buffers(pgm_direct *d)
{
    _Static_assert(PGM_DIRECT_BUFFER % PGM_DIRECT_HUGE_PAGE == 0, "buffers fill huge pages");
    char *p = pgm_direct_alloc((size_t)PGM_DIRECT_BUFFERS * PGM_DIRECT_BUFFER);
    if (!p)
        return false;
    for (size_t k = 0; k < PGM_DIRECT_BUFFERS; k++)
        d->buf[k] = p + k * PGM_DIRECT_BUFFER;
    return true;
}

pgm_direct *pgm_direct_start(int fd, off_t at)
{
    size_t align = pgm_direct_alignment(fd, PGM_DIRECT_BUFFER);
    int flags = fcntl(fd, F_GETFL);
    if (align == 0 || flags < 0 || (at & (off_t)(align - 1)) != 0)
        return NULL;
    pgm_direct *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->fd = fd;
    d->flags = flags;
    d->align = align;
    d->end = at;
    if (!make_buffers(d)) {
        free(d);
        return NULL;
    }
    d->off[0] = at;
    if (pthread_mutex_init(&d->mu, NULL) != 0) {
        free_buffers(d);
        return NULL;
    }
    if (pthread_cond_init(&d->work, NULL) != 0)
        goto undo_mutex;
    if (pthread_cond_init(&d->room, NULL) != 0)
        goto undo_work;
    /* a file system that cannot write directly says so here (EINVAL) */
    if (fcntl(fd, F_SETFL, flags | O_DIRECT) != 0)
        goto undo_room;
    if (pgm_quiet_thread_create(&d->thread, writer, d) == 0)
        return d;
    (void)fcntl(fd, F_SETFL, flags);
undo_room:
    pthread_cond_destroy(&d->room);
undo_work:
    pthread_cond_destroy(&d->work);
undo_mutex:
    pthread_mutex_destroy(&d->mu);
    free_buffers(d);
    return NULL;
}

/* Bytes a copy takes before it goes around the cache (below: memcpy). */
#define STREAM_MIN 512u

/* n bytes to dst, a buffer only the disk reads next: stored around the cache
 * (SSE2's non-temporal stores), which spares reading each of its lines in
 * before it is written over, a third of what a copy costs the memory. */
static void copy_out(char *dst, const char *src, size_t n)
{
#if defined(__SSE2__)
    if (n >= STREAM_MIN) {
        size_t head = (16 - ((uintptr_t)dst & 15)) & 15;
        memcpy(dst, src, head);
        dst += head, src += head, n -= head;
        for (; n >= 64; dst += 64, src += 64, n -= 64) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)src);
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(src + 16));
            __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(src + 32));
            __m128i e = _mm_loadu_si128((const __m128i *)(const void *)(src + 48));
            _mm_stream_si128((__m128i *)(void *)dst, a);
            _mm_stream_si128((__m128i *)(void *)(dst + 16), b);
            _mm_stream_si128((__m128i *)(void *)(dst + 32), c);
            _mm_stream_si128((__m128i *)(void *)(dst + 48), e);
        }
    }
#endif
    memcpy(dst, src, n);
}

/* Hands the full buffer being filled to the writer and waits for a free
 * one. False once a write failed. */
static bool queue_full(pgm_direct *d)
{
#if defined(__SSE2__)
    _mm_sfence(); /* the streamed stores are seen before the writer reads the buffer */
#endif
    pthread_mutex_lock(&d->mu);
    d->queued++;
    pthread_cond_signal(&d->work);
    while (d->queued == PGM_DIRECT_BUFFERS && !d->err)
        pthread_cond_wait(&d->room, &d->mu);
    d->failed = d->err != 0;
    pthread_mutex_unlock(&d->mu);
    if (d->failed) /* the next buffer may still be the writer's */
        return false;
    d->fill = (d->fill + 1) % PGM_DIRECT_BUFFERS;
    d->len[d->fill] = 0;
    d->off[d->fill] = d->end;
    return true;
}

bool pgm_direct_write(pgm_direct *d, const void *p, size_t n)
{
    const char *s = p;
    while (n && !d->failed) {
        unsigned k = d->fill;
        size_t take = PGM_DIRECT_BUFFER - d->len[k];
        if (take > n)
            take = n;
        copy_out(d->buf[k] + d->len[k], s, take);
        d->len[k] += take;
        d->end += (off_t)take;
        s += take;
        n -= take;
        if (d->len[k] == PGM_DIRECT_BUFFER)
            queue_full(d);
    }
    return !d->failed;
}

int pgm_direct_finish(pgm_direct *d)
{
#if defined(__SSE2__)
    _mm_sfence();
#endif
    pthread_mutex_lock(&d->mu);
    d->stop = true;
    pthread_cond_signal(&d->work);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    /* the writer has ended: what is left is this thread's */
    unsigned k = d->fill;
    int err = d->err;
    size_t whole = d->len[k] & ~(d->align - 1);
    if (!err && whole)
        err = write_block(d, d->buf[k], whole, d->off[k]);
    if (fcntl(d->fd, F_SETFL, d->flags) != 0 && !err)
        err = errno;
    if (!err && d->len[k] > whole)
        err = write_all(d->fd, d->buf[k] + whole, d->len[k] - whole, d->off[k] + (off_t)whole);
    if (lseek(d->fd, d->end, SEEK_SET) < 0 && !err)
        err = errno;
    pthread_cond_destroy(&d->work);
    pthread_cond_destroy(&d->room);
    pthread_mutex_destroy(&d->mu);
    free_buffers(d);
    return err;
}
