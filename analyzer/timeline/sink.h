/* Where a stream of events goes: a file, written as is or compressed with
 * zstd when its name ends in .zst (timeline -o, analyze -o x.jsonl.zst). A
 * write error is kept and reported once, at close. */
#ifndef PGM_SINK_H
#define PGM_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/rc.h"

/* zstd's level for event streams: fast, and still 10x or more on JSON Lines. */
#define PGM_SINK_ZSTD_LEVEL 3

typedef struct pgm_sink pgm_sink;

/* True when the name asks for compression (ends in .zst). */
bool pgm_sink_wants_zstd(const char *path);
/* Opens `path` for writing ("-" is stdout, never compressed unless `zstd`).
 * PGM_OK, or PGM_FAILED with the reason in err. */
int pgm_sink_open(pgm_sink **out, const char *path, bool zstd, char err[PGM_ERR_MAX]);
/* PGM_OK, or PGM_FAILED after the first error (the rest is dropped). */
int pgm_sink_write(pgm_sink *s, const void *data, size_t len);
/* Whether the sink gathers small writes into large ones itself (a file
 * written directly, util/directwrite.h): then a caller's own gathering is one
 * copy of every byte too many. */
bool pgm_sink_gathers(const pgm_sink *s);
/* Whether a write of `len` bytes costs the sink no more than the same bytes
 * gathered by the caller first: it gathers itself, or `len` is large enough
 * to be written (or compressed) from where it lies. */
bool pgm_sink_takes_whole(const pgm_sink *s, size_t len);
/* Whether what was written can be taken back: a regular file (stdout too,
 * when redirected to one and not appending) or /dev/null. */
bool pgm_sink_rewindable(const pgm_sink *s);
/* Takes back everything written so far, as if the sink were just opened.
 * PGM_OK, or PGM_FAILED (not rewindable, or the file could not be cut). */
int pgm_sink_rewind(pgm_sink *s);
/* Flushes, ends the zstd frame, closes. PGM_OK, or PGM_FAILED with the first
 * error in err. Frees the sink either way. */
int pgm_sink_close(pgm_sink *s, char err[PGM_ERR_MAX]);

#endif
