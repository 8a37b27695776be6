/* Bounded formatting for names and values: snprintf that may cut (a name or
 * value longer than its buffer is cut, never overrun), without the
 * truncation warnings GCC raises on a plain snprintf into a fixed buffer. */
#ifndef PGM_FMT_H
#define PGM_FMT_H

#include <stddef.h>

void pgm_fmt(char *out, size_t cap, const char *f, ...) __attribute__((format(printf, 3, 4)));
/* Appends at out[len] (a sentence built piece by piece); returns the new
 * length, never past cap - 1: what does not fit is cut. */
size_t pgm_fmt_at(char *out, size_t cap, size_t len, const char *f, ...) __attribute__((format(printf, 4, 5)));

#endif
