/* One event as a line of `timeline` output: JSON Lines (CONTRACTS.md) or
 * CSV (RFC 4180; the kind's own fields in a last column as a JSON object). */
#ifndef PGM_RENDER_H
#define PGM_RENDER_H

#include "model/event.h"
#include "util/strbuf.h"

enum pgm_timeline_format { PGM_TIMELINE_JSONL, PGM_TIMELINE_CSV };

/* The CSV header line, with its newline. */
extern const char pgm_timeline_csv_header[];

/* Appends the event and a newline; 0, or -1 when the buffer is full. */
int pgm_render_event(pgm_strbuf *out, const pgm_event *e, enum pgm_timeline_format f);

#endif
