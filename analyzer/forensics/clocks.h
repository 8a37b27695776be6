/* Clock offsets between an application's log and the server's: an
 * application that reports the server's refusal ("remaining connection slots
 * are reserved", "too many clients", 53300) saw it at most its wait (a pool
 * timeout's elapsed time) after the server logged it. The offset that lines
 * up the most such reports with the server's refusals is the clock offset of
 * that log; none is claimed unless it lines up clearly more than no offset. */
#ifndef PGM_CLOCKS_H
#define PGM_CLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/event.h"

/* Server refusals and application reports kept per source, at most. */
#define PGM_CLOCKS_MAX_REFUSALS 2000u
#define PGM_CLOCKS_MAX_REPORTS 200u
/* Application logs followed, at most. */
#define PGM_CLOCKS_MAX_SOURCES 32u
/* A report and a refusal line up within this (microseconds) past the wait. */
#define PGM_CLOCKS_TOLERANCE_US 250000LL
/* The wait assumed when a report does not say (microseconds). */
#define PGM_CLOCKS_DEFAULT_WAIT_US 2000000LL
/* The range of equally good offsets is walked in steps this long, this far
 * each way (microseconds); the estimate is its middle. */
#define PGM_CLOCKS_STEP_US 10000LL
#define PGM_CLOCKS_SEARCH_US 30000000LL
/* An offset is claimed when at least this many reports line up with it... */
#define PGM_CLOCKS_MIN_MATCHES 3
/* ...and it is at least this large (microseconds): below, clocks agree. */
#define PGM_CLOCKS_MIN_OFFSET_US 1000000LL

typedef struct pgm_clock_offset {
    char path[512];           /* the log's stream (bundle/rotation.h): what it is matched by */
    char shown[512];          /* its first file, as the report names it */
    int64_t offset_us;        /* the log's clock minus the server's */
    unsigned matched, reports;
    unsigned matched_unshifted;
} pgm_clock_offset;

typedef struct pgm_clocks pgm_clocks;

int pgm_clocks_open(pgm_clocks **out);
/* Every event, with the stream its file belongs to (a rotated log's pieces
 * are one, bundle/rotation.h; the analysis knows more pieces of a server's
 * log than the names tell): server refusals are kept per server log,
 * reports per application log. */
void pgm_clocks_event(pgm_clocks *c, const pgm_event *e, const char *stream);
/* The offsets of the application logs against the server log `server_path`
 * (sources are streams, as given to pgm_clocks_event).
 * Writes those that are claimed (at most cap); returns how many. */
size_t pgm_clocks_offsets(const pgm_clocks *c, const char *server_path, pgm_clock_offset *out, size_t cap);
/* Refusals and reports of logs past PGM_CLOCKS_MAX_SOURCES: their clocks are not checked. */
uint64_t pgm_clocks_over(const pgm_clocks *c);
void pgm_clocks_close(pgm_clocks *c);

#endif
