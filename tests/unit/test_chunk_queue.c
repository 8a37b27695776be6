/* The chunk queue (pipeline/chunk_queue.h): what lets `analyze --jobs` read a
 * log with several threads while the analysis sees its events in the order
 * of the file. What must hold: whatever order the threads finish their
 * chunks in, every event is delivered once, chunk after chunk, each chunk's
 * in the order it was read; a second split log starts its chunks from 0; a
 * chunk past the slot's bound fails the queue, said, without a hang. The
 * expected order is computed from the chunks' numbers, not from the queue. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline/chunk_queue.h"

#define CHUNKS 40u
#define PER_CHUNK 50u
#define THREADS 3u

typedef struct seen {
    uint64_t order[2 * CHUNKS * PER_CHUNK];
    unsigned n_in_chunk[2 * CHUNKS * PER_CHUNK];
    size_t n;
} seen;

static void collect(void *ctx, uint64_t order, const pgm_event *e)
{
    seen *s = ctx;
    assert_true(s->n < 2 * CHUNKS * PER_CHUNK);
    assert_non_null(pgm_event_field(e, "n"));
    s->order[s->n] = order;
    s->n_in_chunk[s->n++] = (unsigned)strtoul(pgm_event_field(e, "n"), NULL, 10);
}

typedef struct reader {
    pgm_chunk_queue *q;
    unsigned lane;
    uint64_t base;              /* the input's first chunk's order */
    _Atomic unsigned *next;     /* the chunk taken next, shared */
    unsigned seed;
    size_t event_bytes;         /* of each event's value */
} reader;

static void one_chunk(reader *r, unsigned part)
{
    pgm_event_origin o = {.lane = r->lane, .order = r->base + part, .part = part};
    pgm_chunk_queue_chunk(r->q, &o, false);
    /* the event's value: its number, then spaces to event_bytes */
    char *value = malloc(r->event_bytes + 16);
    assert_non_null(value);
    memset(value, ' ', r->event_bytes + 15);
    value[r->event_bytes + 15] = '\0';
    for (unsigned i = 0; i < PER_CHUNK; i++) {
        char number[16];
        int len = snprintf(number, sizeof number, "%-15u", i);
        memcpy(value, number, (size_t)len);
        pgm_event e = {.t = i, .kind = "test.event", .path = "x.log", .line = i + 1, .n_fields = 1};
        e.fields[0] = (pgm_field){.name = "n", .value = value};
        assert_true(pgm_chunk_queue_event(r->q, &o, &e));
        /* threads finishing out of turn: a random pause now and then */
        if (rand_r(&r->seed) % 16 == 0) {
            struct timespec ts = {0, 20000};
            nanosleep(&ts, NULL);
        }
    }
    free(value);
    pgm_chunk_queue_chunk(r->q, &o, true);
}

static void *read_chunks(void *arg)
{
    reader *r = arg;
    for (unsigned c; (c = (*r->next)++) < CHUNKS;)
        one_chunk(r, c);
    return NULL;
}

/* One split log read by THREADS threads taking chunks in turn. */
static void read_split(pgm_chunk_queue *q, uint64_t base, size_t event_bytes)
{
    _Atomic unsigned next = 0;
    reader r[THREADS];
    pthread_t t[THREADS];
    for (unsigned k = 0; k < THREADS; k++) {
        r[k] = (reader){q, k, base, &next, 7 + k, event_bytes};
        assert_int_equal(pthread_create(&t[k], NULL, read_chunks, &r[k]), 0);
    }
    for (unsigned k = 0; k < THREADS; k++)
        pthread_join(t[k], NULL);
}

static void test_in_file_order(void **state)
{
    (void)state;
    static seen s;
    memset(&s, 0, sizeof s);
    pgm_chunk_queue *q;
    assert_int_equal(pgm_chunk_queue_open(&q, THREADS, collect, &s), PGM_OK);
    /* an event of an unsplit input: its lane reads no chunk, the caller delivers it */
    pgm_event_origin walking = {.lane = 0, .order = 5};
    pgm_event e = {.kind = "test.event", .path = "small.log"};
    assert_false(pgm_chunk_queue_event(q, &walking, &e));
    /* two split logs, one after the other: each numbers its chunks from 0 */
    read_split(q, 1000, 8);
    read_split(q, 2000, 8);
    const char *why;
    assert_false(pgm_chunk_queue_failed(q, &why));
    assert_int_equal(s.n, 2 * CHUNKS * PER_CHUNK);
    for (size_t i = 0; i < s.n; i++) {
        size_t log = i / (CHUNKS * PER_CHUNK), in_log = i % (CHUNKS * PER_CHUNK);
        assert_int_equal(s.order[i], (log ? 2000 : 1000) + in_log / PER_CHUNK);
        assert_int_equal(s.n_in_chunk[i], in_log % PER_CHUNK);
    }
    uint64_t chunks;
    size_t peak;
    pgm_chunk_queue_stats(q, &chunks, &peak);
    assert_int_equal(chunks, 2 * CHUNKS);
    assert_true(peak > 0);
    pgm_chunk_queue_close(q);
}

/* Events of a chunk past PGM_CHUNK_QUEUE_SLOT_MAX: the queue fails and says
 * why; no thread waits forever for a chunk that will not come. */
static void test_slot_bound(void **state)
{
    (void)state;
    static seen s;
    memset(&s, 0, sizeof s);
    pgm_chunk_queue *q;
    assert_int_equal(pgm_chunk_queue_open(&q, THREADS, collect, &s), PGM_OK);
    read_split(q, 0, PGM_CHUNK_QUEUE_SLOT_MAX / PER_CHUNK * 2);
    const char *why;
    assert_true(pgm_chunk_queue_failed(q, &why));
    assert_non_null(strstr(why, "PGM_CHUNK_QUEUE_SLOT_MAX"));
    assert_true(s.n < CHUNKS * PER_CHUNK);
    pgm_chunk_queue_close(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_file_order),
        cmocka_unit_test(test_slot_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
