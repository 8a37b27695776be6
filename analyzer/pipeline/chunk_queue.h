/* The events of a log split between threads, handed on in the order one
 * thread reads them: each thread packs its chunk's events (model/event.h)
 * into a slot of its own, and a chunk's events are delivered once it and
 * every chunk before it are done, by one thread at a time, while the others
 * read on. For a consumer that must see a server's events in its order (the
 * analysis pairs sessions line after line): no sort, no temporary file, and
 * memory for the chunks read ahead only.
 *
 * Wired to pgm_scan with chunk_bytes set: on_chunk calls
 * pgm_chunk_queue_chunk, on_event calls pgm_chunk_queue_event first and
 * delivers the event itself when that returns false (an unsplit input, read
 * by the walking thread while no chunk is in flight). */
#ifndef PGM_CHUNK_QUEUE_H
#define PGM_CHUNK_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/event.h"
#include "pipeline/scan.h"

/* The bytes of one chunk's packed events, at most: a chunk of
 * PGM_CHUNK_QUEUE_CHUNK_BYTES of log packs into a few times that. */
#define PGM_CHUNK_QUEUE_SLOT_MAX (64u << 20)
/* A split log's chunks, about this many bytes each (pgm_scan.chunk_bytes). */
#define PGM_CHUNK_QUEUE_CHUNK_BYTES (1u << 20)
/* Chunks read ahead of the one delivered next, per thread. */
#define PGM_CHUNK_QUEUE_AHEAD 2u

/* One event, in order; `order` is its pgm_event_origin.order. The event's
 * values live until the call returns. */
typedef void (*pgm_chunk_deliver)(void *ctx, uint64_t order, const pgm_event *e);

typedef struct pgm_chunk_queue pgm_chunk_queue;

/* PGM_OK, or PGM_FATAL when memory ran out. */
int pgm_chunk_queue_open(pgm_chunk_queue **out, unsigned jobs, pgm_chunk_deliver deliver, void *ctx);
/* pgm_scan.on_chunk: a chunk starts (waiting while it is too far ahead of
 * the one delivered next) or ends (delivering what is ready). */
void pgm_chunk_queue_chunk(pgm_chunk_queue *q, const pgm_event_origin *o, bool done);
/* An event: true when it was taken into its lane's chunk, false when its
 * lane reads no chunk (the caller delivers it at once). */
bool pgm_chunk_queue_event(pgm_chunk_queue *q, const pgm_event_origin *o, const pgm_event *e);
/* Events were lost (memory, a slot past PGM_CHUNK_QUEUE_SLOT_MAX): what
 * went, in *why (static). */
bool pgm_chunk_queue_failed(const pgm_chunk_queue *q, const char **why);
/* Chunks delivered so far, and the most bytes one slot held. */
void pgm_chunk_queue_stats(const pgm_chunk_queue *q, uint64_t *chunks, size_t *slot_peak);
void pgm_chunk_queue_close(pgm_chunk_queue *q);

#endif
