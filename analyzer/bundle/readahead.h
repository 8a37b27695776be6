/* A source read ahead by a thread of its own: while the caller works on
 * what it took (parsing a log), the thread reads on below it (inflating a
 * gzip, zstd or xz stream, an archive member), into one of two buffers. On
 * two cores a compressed log then reads at about the speed of the plain
 * one instead of the sum of both costs.
 *
 * The thread starts only once PGM_READAHEAD_AFTER bytes were read on the
 * caller's own (a small file costs no thread), and every layer below is
 * touched by it alone from then on until pgm_readahead_close() has joined
 * it: the caller must not use `below` in between. What `below` reports
 * (its error, a decoder's damage) is read after the close. */
#ifndef PGM_READAHEAD_H
#define PGM_READAHEAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "bundle/source.h"

/* Bytes read on the caller's thread before the read-ahead thread starts. */
#define PGM_READAHEAD_AFTER (4u << 20)
/* Each of the two buffers the thread fills in turn. */
#define PGM_READAHEAD_BUFFER (1u << 20)

typedef struct pgm_readahead_slot {
    char *p;
    ptrdiff_t n;      /* what the read below returned: bytes, 0 at the end, -1 on an error */
    bool ready;       /* filled, for the caller to take */
} pgm_readahead_slot;

typedef struct pgm_readahead {
    pgm_source base;
    pgm_source *below;
    size_t direct;               /* bytes read so far on the caller's thread */
    bool started, join;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pgm_readahead_slot slot[2];
    unsigned take, put;          /* the slot the caller reads, the one the thread fills */
    size_t pos;                  /* the caller's place in slot[take] */
    bool stop;                   /* the caller is done: the thread ends after its read */
} pgm_readahead;

/* Wraps `below` (not seekable through the wrapper). */
void pgm_readahead_init(pgm_readahead *r, pgm_source *below);
/* Stops and joins the thread; `below` is the caller's again. */
void pgm_readahead_close(pgm_readahead *r);

#endif
