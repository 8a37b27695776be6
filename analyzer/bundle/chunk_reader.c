#include "bundle/chunk_reader.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/source.h"
#include "text/lines.h"
#include "util/directio.h"
#include "util/quiet_thread.h"

enum buffer_state { BUFFER_FREE, BUFFER_READY, BUFFER_HELD };

typedef struct buffer {
    enum buffer_state state;
    size_t chunk;         /* the chunk it holds, once ready */
    size_t skip, len;     /* where the chunk's bytes start in it, and how many were read */
    uint64_t newlines_before; /* in the chunks before it */
} buffer;

struct pgm_chunk_reader {
    int file;             /* the caller's descriptor: where a direct read is refused */
    int uncached;         /* the thread's own with O_DIRECT */
    size_t align;
    uint64_t *ends;
    size_t n;
    char *block;          /* the buffers, each buf_size bytes; chunk k goes into buffer k % nbuf */
    size_t buf_size;
    buffer *bufs;
    unsigned nbuf;
    size_t next_take;     /* the takers' */
    uint64_t newlines;    /* the thread's: in the chunks read so far */
    int err;              /* the errno of the read that failed */
    uint64_t err_at;      /* ... the file offset it failed at */
    size_t err_chunk;     /* ... and the chunk: read up to there, handed out */
    pgm_unreadable unreadable; /* the thread's: blocks read as NUL bytes */
    bool stop;
    pthread_mutex_t mu;
    pthread_cond_t ready, freed;
    pthread_t thread;
};

static uint64_t chunk_start(const pgm_chunk_reader *r, size_t k)
{
    return k ? r->ends[k - 1] : 0;
}

/* Bytes of [from, from + want) into p, to the file's end: past the page
 * cache, as any where the file system refuses a direct read after all (an
 * alignment statx did not tell). The count; where a read fails, the count
 * of the bytes before it, with its errno in *err and its offset in *err_at
 * (else *err is 0). */
static size_t read_range(pgm_chunk_reader *r, char *p, size_t want, uint64_t from, int *err, uint64_t *err_at)
{
    size_t got = 0;
    *err = 0;
    while (got < want) {
        int fd = r->uncached >= 0 ? r->uncached : r->file;
        ssize_t n = pgm_pread_rescue(fd, p + got, want - got, from + got, &r->unreadable);
        if (n < 0 && errno == EINVAL && r->uncached >= 0) {
            close(r->uncached);
            r->uncached = -1;
            continue;
        }
        if (n < 0) {
            *err = errno;
            *err_at = from + got;
            break;
        }
        if (n == 0)
            break; /* the end: a direct read ends short there, off a block */
        got += (size_t)n;
    }
    return got;
}

static void *read_in_order(void *arg)
{
    pgm_chunk_reader *r = arg;
    for (size_t k = 0; k < r->n; k++) {
        buffer *b = &r->bufs[k % r->nbuf];
        pthread_mutex_lock(&r->mu);
        while (b->state != BUFFER_FREE && !r->stop)
            pthread_cond_wait(&r->freed, &r->mu);
        bool stop = r->stop;
        pthread_mutex_unlock(&r->mu);
        if (stop)
            break;
        uint64_t start = chunk_start(r, k), from = start & ~(uint64_t)(r->align - 1);
        uint64_t to = (r->ends[k] + r->align - 1) & ~(uint64_t)(r->align - 1);
        char *into = r->block + (k % r->nbuf) * r->buf_size;
        int e;
        uint64_t e_at = 0;
        size_t got = read_range(r, into, (size_t)(to - from), from, &e, &e_at);
        /* a chunk a read failed in is handed out with the bytes before the
         * failure: every byte read is parsed */
        size_t skip = (size_t)(start - from), whole = (size_t)(r->ends[k] - start);
        size_t len = got <= skip ? 0 : got - skip < whole ? got - skip : whole;
        uint64_t before = r->newlines;
        r->newlines += pgm_count_newlines(into + skip, len);
        pthread_mutex_lock(&r->mu);
        b->chunk = k;
        b->skip = skip;
        b->len = len;
        b->newlines_before = before;
        b->state = BUFFER_READY;
        if (e) {
            r->err = e;
            r->err_at = e_at;
            r->err_chunk = k;
        }
        pthread_cond_broadcast(&r->ready);
        pthread_mutex_unlock(&r->mu);
        if (e)
            break;
    }
    return NULL;
}

/* The longest span of whole blocks a chunk covers; 0 over the limit. */
static size_t span_of_chunks(const uint64_t *ends, size_t n, size_t align)
{
    size_t most = 0;
    for (size_t k = 0; k < n; k++) {
        uint64_t from = (k ? ends[k - 1] : 0) & ~(uint64_t)(align - 1);
        uint64_t to = (ends[k] + align - 1) & ~(uint64_t)(align - 1);
        if (to - from > PGM_CHUNK_READER_MAX_CHUNK + 2 * (uint64_t)align)
            return 0;
        if (to - from > most)
            most = (size_t)(to - from);
    }
    return most;
}

static void free_reader(pgm_chunk_reader *r)
{
    if (r->uncached >= 0)
        close(r->uncached);
    free(r->block);
    free(r->bufs);
    free(r->ends);
    free(r);
}

pgm_chunk_reader *pgm_chunk_reader_open(int fd, const uint64_t *ends, size_t n, unsigned holders)
{
    pgm_chunk_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->file = fd;
    r->n = n;
    r->nbuf = holders + PGM_CHUNK_READER_AHEAD;
    r->uncached = pgm_direct_reopen(fd);
    if (r->uncached < 0 || n == 0)
        goto fail;
    r->align = pgm_direct_alignment(r->uncached, PGM_DIRECT_HUGE_PAGE);
    if (r->align == 0 || (r->buf_size = span_of_chunks(ends, n, r->align)) == 0)
        goto fail;
    r->ends = malloc(n * sizeof *r->ends);
    r->bufs = calloc(r->nbuf, sizeof *r->bufs);
    r->block = pgm_direct_alloc(r->nbuf * r->buf_size);
    if (!r->ends || !r->bufs || !r->block)
        goto fail;
    memcpy(r->ends, ends, n * sizeof *ends);
    if (pthread_mutex_init(&r->mu, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&r->ready, NULL) != 0)
        goto undo_mutex;
    if (pthread_cond_init(&r->freed, NULL) != 0)
        goto undo_ready;
    if (pgm_quiet_thread_create(&r->thread, read_in_order, r) == 0)
        return r;
    pthread_cond_destroy(&r->freed);
undo_ready:
    pthread_cond_destroy(&r->ready);
undo_mutex:
    pthread_mutex_destroy(&r->mu);
fail:
    free_reader(r);
    return NULL;
}

bool pgm_chunk_reader_take(pgm_chunk_reader *r, size_t *index, const char **bytes, size_t *len,
                           uint64_t *newlines_before)
{
    pthread_mutex_lock(&r->mu);
    size_t k;
    buffer *b;
    /* the next one again after each wait: another thread may have taken it */
    for (;;) {
        k = r->next_take;
        b = &r->bufs[k % r->nbuf];
        if (k >= r->n || (b->state == BUFFER_READY && b->chunk == k) || (r->err && k > r->err_chunk))
            break;
        pthread_cond_wait(&r->ready, &r->mu);
    }
    /* after a failed read, the chunks up to the one it failed in */
    bool ok = k < r->n && b->state == BUFFER_READY && b->chunk == k && !(r->err && k > r->err_chunk);
    if (ok) {
        b->state = BUFFER_HELD;
        r->next_take++;
        pthread_cond_broadcast(&r->ready); /* a thread waiting for this one waits for the next */
        *index = k;
        *bytes = r->block + (k % r->nbuf) * r->buf_size + b->skip;
        *len = b->len;
        *newlines_before = b->newlines_before;
    }
    pthread_mutex_unlock(&r->mu);
    return ok;
}

void pgm_chunk_reader_give_back(pgm_chunk_reader *r, size_t index)
{
    pthread_mutex_lock(&r->mu);
    r->bufs[index % r->nbuf].state = BUFFER_FREE;
    pthread_cond_broadcast(&r->freed);
    pthread_mutex_unlock(&r->mu);
}

int pgm_chunk_reader_close(pgm_chunk_reader *r, pgm_unreadable *unreadable, uint64_t *failed_at)
{
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_broadcast(&r->freed);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    int err = r->err;
    *failed_at = r->err_at;
    pgm_unreadable_add(unreadable, &r->unreadable);
    pthread_cond_destroy(&r->freed);
    pthread_cond_destroy(&r->ready);
    pthread_mutex_destroy(&r->mu);
    free_reader(r);
    return err;
}
