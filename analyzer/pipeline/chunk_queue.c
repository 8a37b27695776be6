#include "pipeline/chunk_queue.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/rc.h"
#include "util/strbuf.h"

typedef struct slot {
    pgm_strbuf events;      /* records: order (8 bytes), length (4), the packed event */
    bool in_use, done;
} slot;

struct pgm_chunk_queue {
    pthread_mutex_t mu;
    pthread_cond_t turn;
    slot *slots;
    size_t n_slots;
    /* the split input whose chunks are in flight (its first chunk's order),
     * and its chunk delivered next */
    uint64_t input;
    bool have_input;
    size_t next_part;
    bool delivering;        /* a thread is handing chunks on (outside the lock) */
    bool failed;
    const char *why;
    /* per lane, touched by its own thread only */
    bool in_chunk[PGM_SCAN_MAX_JOBS];
    slot *cur[PGM_SCAN_MAX_JOBS];
    pgm_chunk_deliver deliver;
    void *ctx;
    uint64_t delivered;
    size_t slot_peak;
};

int pgm_chunk_queue_open(pgm_chunk_queue **out, unsigned jobs, pgm_chunk_deliver deliver, void *ctx)
{
    *out = NULL;
    if (jobs < 1)
        jobs = 1;
    if (jobs > PGM_SCAN_MAX_JOBS)
        jobs = PGM_SCAN_MAX_JOBS;
    pgm_chunk_queue *q = calloc(1, sizeof *q);
    if (!q)
        return PGM_FATAL;
    q->n_slots = (size_t)PGM_CHUNK_QUEUE_AHEAD * jobs;
    q->slots = calloc(q->n_slots, sizeof *q->slots);
    if (!q->slots || pthread_mutex_init(&q->mu, NULL) != 0) {
        free(q->slots);
        free(q);
        return PGM_FATAL;
    }
    if (pthread_cond_init(&q->turn, NULL) != 0) {
        pthread_mutex_destroy(&q->mu);
        free(q->slots);
        free(q);
        return PGM_FATAL;
    }
    for (size_t i = 0; i < q->n_slots; i++)
        pgm_strbuf_init(&q->slots[i].events, PGM_CHUNK_QUEUE_SLOT_MAX);
    q->deliver = deliver;
    q->ctx = ctx;
    *out = q;
    return PGM_OK;
}

void pgm_chunk_queue_close(pgm_chunk_queue *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n_slots; i++)
        pgm_strbuf_free(&q->slots[i].events);
    free(q->slots);
    pthread_cond_destroy(&q->turn);
    pthread_mutex_destroy(&q->mu);
    free(q);
}

/* mu held */
static void fail(pgm_chunk_queue *q, const char *why)
{
    if (!q->failed)
        q->why = why;
    q->failed = true;
    pthread_cond_broadcast(&q->turn);
}

/* A done slot's events to the consumer, in the order they were read. */
static bool hand_on(pgm_chunk_queue *q, const slot *c)
{
    const char *at = c->events.p, *end = at + c->events.len;
    while (at < end) {
        uint64_t order;
        uint32_t len;
        if ((size_t)(end - at) < sizeof order + sizeof len)
            return false;
        memcpy(&order, at, sizeof order);
        memcpy(&len, at + sizeof order, sizeof len);
        at += sizeof order + sizeof len;
        pgm_event e;
        if ((size_t)(end - at) < len || !pgm_event_unpack(at, len, &e))
            return false;
        q->deliver(q->ctx, order, &e);
        at += len;
    }
    return true;
}

/* The chunks that are done, from the one delivered next, handed on in
 * order; the lock is let go while a chunk's events are delivered so that
 * the other threads go on reading (they find `delivering` set and leave
 * their chunk for this loop). mu held, delivering set by the caller. */
static void deliver_ready(pgm_chunk_queue *q)
{
    for (;;) {
        slot *c = &q->slots[q->next_part % q->n_slots];
        if (!c->in_use || !c->done)
            break;
        bool skip = q->failed;
        pthread_mutex_unlock(&q->mu);
        bool ok = skip || hand_on(q, c);
        pthread_mutex_lock(&q->mu);
        if (!ok)
            fail(q, "a chunk's events could not be read back");
        c->in_use = false;
        q->next_part++;
        q->delivered++;
        pthread_cond_broadcast(&q->turn);
    }
    q->delivering = false;
}

void pgm_chunk_queue_chunk(pgm_chunk_queue *q, const pgm_event_origin *o, bool done)
{
    unsigned lane = o->lane < PGM_SCAN_MAX_JOBS ? o->lane : PGM_SCAN_MAX_JOBS - 1;
    pthread_mutex_lock(&q->mu);
    if (!done) {
        q->in_chunk[lane] = true;
        q->cur[lane] = NULL;
        /* a split input's chunks are numbered from 0: a new input starts
         * once the last one's threads are done, every chunk delivered */
        uint64_t input = o->order - o->part;
        if (!q->have_input || input != q->input) {
            for (size_t i = 0; i < q->n_slots; i++)
                if (q->slots[i].in_use)
                    fail(q, "a split log's chunk was still held when the next log began");
            q->input = input;
            q->have_input = true;
            q->next_part = 0;
        }
        while (!q->failed && o->part >= q->next_part + q->n_slots)
            pthread_cond_wait(&q->turn, &q->mu);
        slot *c = &q->slots[o->part % q->n_slots];
        if (!q->failed && o->part >= q->next_part && !c->in_use) {
            pgm_strbuf_reset(&c->events);
            c->in_use = true;
            c->done = false;
            q->cur[lane] = c;
        } else {
            fail(q, "a split log's chunks came out of turn");
        }
    } else {
        slot *c = q->cur[lane];
        q->in_chunk[lane] = false;
        q->cur[lane] = NULL;
        if (c) {
            c->done = true;
            if (c->events.len > q->slot_peak)
                q->slot_peak = c->events.len;
            if (!q->delivering) {
                q->delivering = true;
                deliver_ready(q);
            }
        }
    }
    pthread_mutex_unlock(&q->mu);
}

bool pgm_chunk_queue_event(pgm_chunk_queue *q, const pgm_event_origin *o, const pgm_event *e)
{
    unsigned lane = o->lane < PGM_SCAN_MAX_JOBS ? o->lane : PGM_SCAN_MAX_JOBS - 1;
    if (!q->in_chunk[lane])
        return false;
    slot *c = q->cur[lane];
    if (!c)
        return true; /* the queue failed: the run is incomplete, and says so */
    size_t at = c->events.len;
    uint32_t len = 0;
    if (pgm_strbuf_add(&c->events, &o->order, sizeof o->order) == 0 &&
        pgm_strbuf_add(&c->events, &len, sizeof len) == 0 && pgm_event_pack(&c->events, e) == 0) {
        size_t packed = c->events.len - at - sizeof o->order - sizeof len;
        len = (uint32_t)packed;
        memcpy(c->events.p + at + sizeof o->order, &len, sizeof len);
        return true;
    }
    c->events.len = at;
    if (c->events.p)
        c->events.p[at] = '\0';
    pthread_mutex_lock(&q->mu);
    fail(q, "a chunk's events went past PGM_CHUNK_QUEUE_SLOT_MAX bytes, or memory ran out");
    pthread_mutex_unlock(&q->mu);
    return true;
}

bool pgm_chunk_queue_failed(const pgm_chunk_queue *q, const char **why)
{
    if (why)
        *why = q->why ? q->why : "";
    return q->failed;
}

void pgm_chunk_queue_stats(const pgm_chunk_queue *q, uint64_t *chunks, size_t *slot_peak)
{
    *chunks = q->delivered;
    *slot_peak = q->slot_peak;
}
