#include "bundle/readahead.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/directio.h"
#include "util/quiet_thread.h"

_Static_assert(PGM_READAHEAD_BUFFER % PGM_DIRECT_ALIGN == 0, "a buffer is whole blocks");

static ptrdiff_t failed(pgm_readahead *r, const char *why)
{
    snprintf(r->err, sizeof r->err, "%s", why);
    return -1;
}

static ptrdiff_t read_failed(pgm_readahead *r)
{
    char why[PGM_ERR_MAX];
    pgm_read_error_text(why, sizeof why, r->at, errno);
    return failed(r, why);
}

/* Whether the page cache holds most of what comes next of the file. */
static bool held_in_cache(pgm_readahead *r)
{
    struct stat st;
    if (fstat(r->file, &st) != 0 || (uint64_t)st.st_size <= r->at)
        return false;
    uint64_t end = (uint64_t)st.st_size - r->at > PGM_READAHEAD_CACHE_LOOK ? r->at + PGM_READAHEAD_CACHE_LOOK
                                                                          : (uint64_t)st.st_size;
    return pgm_percent_cached(r->file, r->at, end) >= PGM_READAHEAD_CACHED;
}

/* The next piece of a plain file: past the page cache where the file system
 * lets it, else through it. `slow`: the caller has been waiting for the disk. */
static ptrdiff_t read_file(pgm_readahead *r, char *p, bool slow)
{
    size_t n = PGM_READAHEAD_BUFFER;
    ssize_t got;
    if (r->uncached >= 0 && slow && held_in_cache(r)) {
        /* the caller waits for a disk while the page cache holds the file
         * (just written, or read before): through the cache from here */
        close(r->uncached);
        r->uncached = -1;
        r->slow_disk = true;
    }
    if (r->uncached >= 0) {
        size_t off_block = (size_t)(r->at & (r->align - 1));
        if (off_block) {
            n = r->align - off_block; /* up to where direct reads can start, as any */
        } else {
            got = pgm_pread_rescue(r->uncached, p, n, r->at, &r->unreadable);
            if (got >= 0) {
                r->at += (uint64_t)got;
                return got;
            }
            if (errno != EINVAL)
                return read_failed(r);
            /* refused after all (an alignment statx did not tell): as any from here */
            close(r->uncached);
            r->uncached = -1;
        }
    }
    got = pgm_pread_rescue(r->file, p, n, r->at, &r->unreadable);
    if (got < 0)
        return read_failed(r);
    r->at += (uint64_t)got;
    return got;
}

/* The thread: fills the slots in turn until the end, an error, or stop. */
static void *fill(void *arg)
{
    pgm_readahead *r = arg;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (r->slot[r->put].ready && !r->stop)
            pthread_cond_wait(&r->cv, &r->mu);
        bool stop = r->stop, slow = r->waits >= PGM_READAHEAD_SLOW_DISK;
        pthread_mutex_unlock(&r->mu);
        if (stop)
            return NULL;
        pgm_readahead_slot *s = &r->slot[r->put];
        ptrdiff_t n;
        if (r->file >= 0) {
            n = read_file(r, s->p, slow);
        } else {
            n = pgm_source_read(r->below, s->p, PGM_READAHEAD_BUFFER);
            if (n < 0)
                failed(r, r->below->err);
        }
        pthread_mutex_lock(&r->mu);
        s->n = n;
        s->ready = true;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
        if (n <= 0)
            return NULL; /* the end or an error: the slot keeps saying so */
        r->put ^= 1u;
    }
}

/* A plain file's own descriptor with O_DIRECT, and its alignment; false when
 * the file system refuses: then no thread reads ahead of the caller, who
 * would only have the kernel's copy moved to another CPU. */
static bool open_uncached(pgm_readahead *r)
{
    r->uncached = pgm_direct_reopen(r->file);
    if (r->uncached < 0)
        return false;
    r->align = pgm_direct_alignment(r->uncached, PGM_READAHEAD_BUFFER);
    if (r->align == 0) {
        close(r->uncached);
        r->uncached = -1;
        return false;
    }
    r->at = r->direct; /* the stream is the file from its first byte */
    return true;
}

/* Starts the thread; false (reading goes on directly) when it cannot. */
static bool start(pgm_readahead *r)
{
    if (r->file >= 0 && !open_uncached(r))
        return false;
    char *p = pgm_direct_alloc(2 * (size_t)PGM_READAHEAD_BUFFER);
    r->slot[0].p = p;
    r->slot[1].p = p ? p + PGM_READAHEAD_BUFFER : NULL;
    if (p && pthread_mutex_init(&r->mu, NULL) == 0) {
        if (pthread_cond_init(&r->cv, NULL) == 0) {
            if (pgm_quiet_thread_create(&r->thread, fill, r) == 0) {
                r->join = true;
                return true;
            }
            pthread_cond_destroy(&r->cv);
        }
        pthread_mutex_destroy(&r->mu);
    }
    free(p);
    r->slot[0].p = r->slot[1].p = NULL;
    if (r->uncached >= 0)
        close(r->uncached);
    r->uncached = -1;
    return false;
}

static ptrdiff_t direct_read(pgm_readahead *r, void *buf, size_t cap)
{
    ptrdiff_t n = pgm_source_read(r->below, buf, cap);
    if (n < 0)
        return pgm_source_fail(&r->base, "%s", r->below->err);
    r->direct += (size_t)n;
    return n;
}

static ptrdiff_t readahead_read(pgm_source *self, void *buf, size_t cap)
{
    pgm_readahead *r = (pgm_readahead *)self;
    if (!r->started) {
        if (r->direct < PGM_READAHEAD_AFTER)
            return direct_read(r, buf, cap);
        r->started = true;
        (void)start(r); /* without a thread, reading goes on here */
    }
    if (!r->join)
        return direct_read(r, buf, cap);
    pgm_readahead_slot *s = &r->slot[r->take];
    pthread_mutex_lock(&r->mu);
    if (!s->ready && r->handed)
        r->waits++;
    while (!s->ready)
        pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
    if (s->n < 0)
        return pgm_source_fail(self, "%s", r->err); /* written before the slot was */
    if (s->n == 0)
        return 0;
    size_t n = (size_t)s->n - r->pos;
    if (n > cap)
        n = cap;
    memcpy(buf, s->p + r->pos, n);
    r->pos += n;
    r->handed += n;
    if (r->pos == (size_t)s->n) {
        r->pos = 0;
        pthread_mutex_lock(&r->mu);
        s->ready = false;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
        r->take ^= 1u;
    }
    return (ptrdiff_t)n;
}

void pgm_readahead_init(pgm_readahead *r, pgm_source *below)
{
    memset(r, 0, sizeof *r);
    r->base.read = readahead_read;
    r->below = below;
    r->file = -1;
    r->uncached = -1;
}

void pgm_readahead_file(pgm_readahead *r, int fd)
{
    r->file = fd;
}

void pgm_readahead_close(pgm_readahead *r)
{
    if (!r->join)
        return;
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r->slot[0].p); /* the one block both are in */
    r->slot[0].p = r->slot[1].p = NULL;
    r->join = false;
    if (r->file >= 0) {
        /* the file's offset where the caller got to, for `below` */
        (void)lseek(r->file, (off_t)(r->direct + r->handed), SEEK_SET);
        if (r->uncached >= 0)
            close(r->uncached);
        r->uncached = -1;
    }
}
