#include "bundle/readahead.h"

#include <stdlib.h>
#include <string.h>

/* The thread: fills the slots in turn until the end, an error, or stop. */
static void *fill(void *arg)
{
    pgm_readahead *r = arg;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (r->slot[r->put].ready && !r->stop)
            pthread_cond_wait(&r->cv, &r->mu);
        bool stop = r->stop;
        pthread_mutex_unlock(&r->mu);
        if (stop)
            return NULL;
        pgm_readahead_slot *s = &r->slot[r->put];
        ptrdiff_t n = pgm_source_read(r->below, s->p, PGM_READAHEAD_BUFFER);
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

/* Starts the thread; false (reading goes on directly) when it cannot. */
static bool start(pgm_readahead *r)
{
    r->slot[0].p = malloc(PGM_READAHEAD_BUFFER);
    r->slot[1].p = malloc(PGM_READAHEAD_BUFFER);
    if (r->slot[0].p && r->slot[1].p && pthread_mutex_init(&r->mu, NULL) == 0) {
        if (pthread_cond_init(&r->cv, NULL) == 0) {
            if (pthread_create(&r->thread, NULL, fill, r) == 0) {
                r->join = true;
                return true;
            }
            pthread_cond_destroy(&r->cv);
        }
        pthread_mutex_destroy(&r->mu);
    }
    free(r->slot[0].p);
    free(r->slot[1].p);
    r->slot[0].p = r->slot[1].p = NULL;
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
    while (!s->ready)
        pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
    if (s->n < 0)
        return pgm_source_fail(self, "%s", r->below->err); /* written before the slot was */
    if (s->n == 0)
        return 0;
    size_t n = (size_t)s->n - r->pos;
    if (n > cap)
        n = cap;
    memcpy(buf, s->p + r->pos, n);
    r->pos += n;
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
    free(r->slot[0].p);
    free(r->slot[1].p);
    r->slot[0].p = r->slot[1].p = NULL;
    r->join = false;
}
