/* How far a plain server log file steps back in time at most, found by a
 * pass over the starts of its lines (no parsing beyond them): 0 when it is in
 * time order. Real logs step back a few milliseconds all the time (each
 * backend stamps its line when it forms it and writes it a little later). A
 * command that must print events in time order can then print them as they
 * are made through a buffer that holds that much time (timeline/reorder.h)
 * instead of sorting them through temporary files, which for a large log
 * costs more than reading it. The answer is conservative: anything it cannot
 * prove (another zone on some line, a step back over PGM_TIME_ORDER_MAX_STEP_US,
 * a line that starts with a digit but not with a time of the first one's
 * form) is "no proof" (-1), and the caller sorts. It holds for the events only when every entry's time
 * is the time its line starts with: a prefix that starts with %m or %t
 * (pgm_prefix_leads_with_time). */
#ifndef PGM_TIME_ORDER_H
#define PGM_TIME_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes read at a time. */
#define PGM_TIME_ORDER_BLOCK (1u << 20)
/* Bytes of a line's start the check looks at: a time, its zone and one more byte. */
#define PGM_TIME_ORDER_HEAD 64u

/* A step back larger than this proves nothing: a log concatenated from
 * several, or rotated out of order, which only a sort puts right. */
#define PGM_TIME_ORDER_MAX_STEP_US (60 * INT64_C(1000000))

/* Over text in memory (the whole file): the largest step back in
 * microseconds, or -1. */
int64_t pgm_time_order_text(const char *text, size_t n);
/* Over the file at `path`, read in blocks; -1 also when it cannot be read. */
int64_t pgm_time_order_file(const char *path);

#endif
