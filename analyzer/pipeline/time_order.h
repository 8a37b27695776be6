/* Whether a plain server log file is already in time order, found by a
 * pass over the starts of its lines (no parsing beyond them). A command that
 * must print events in time order can then print them as they are made
 * instead of sorting them through temporary files, which for a large log
 * costs more than reading it. The answer is conservative: anything it cannot
 * prove in order (another zone on some line, a time out of order, a line that
 * starts with a digit but not with a time of the first one's form) is "no",
 * and the caller sorts. It holds for the events only when every entry's time
 * is the time its line starts with: a prefix that starts with %m or %t
 * (pgm_prefix_leads_with_time). */
#ifndef PGM_TIME_ORDER_H
#define PGM_TIME_ORDER_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes read at a time. */
#define PGM_TIME_ORDER_BLOCK (1u << 20)
/* Bytes of a line's start the check looks at: a time, its zone and one more byte. */
#define PGM_TIME_ORDER_HEAD 64u

/* Over text in memory (the whole file). */
bool pgm_time_order_text(const char *text, size_t n);
/* Over the file at `path`, read in blocks; false when it cannot be read. */
bool pgm_time_order_file(const char *path);

#endif
