/* Sorts numbers (the steps of a log: a session's start or end, by number)
 * by a time each has, then by the number: a log's events come nearly in
 * time order (its backends' lines step back by a few milliseconds), so
 * they are put in place one by one, with no memory beside them; past
 * TIMESORT_MAX_SHIFTS_PER_ID moves each on average (a log concatenated out
 * of order), they are sorted the usual way. Two million sessions' four
 * million steps took 12 bytes each to sort with qsort_r and a key array. */
#ifndef PGM_TIMESORT_H
#define PGM_TIMESORT_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t (*pgm_time_of)(const void *ctx, uint32_t id);

/* ids[0..nearly) come nearly in order, ids[nearly..n) in any order (a few:
 * sessions from before the log, their starts found at their ends). */
void pgm_timesort_ids(uint32_t *ids, size_t n, size_t nearly, pgm_time_of time_of, const void *ctx);

#endif
