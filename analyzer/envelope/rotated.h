/* A rotated log's later piece is read as the piece before it was. Its head
 * alone may mislead: a piece can begin inside a stack trace whose lines quote
 * a server's "FATAL:", or hold too few lines to tell. The pieces of one log
 * come one after another in a directory walk (bundle.c sorts them) and in the
 * archives seen, so the last logs read are remembered, by stream
 * (bundle/rotation.h). */
#ifndef PGM_ROTATED_H
#define PGM_ROTATED_H

#include <stdbool.h>
#include <stddef.h>

#include "envelope/envelope.h"
#include "sniff/sniff.h"

/* Logs remembered, the last ones read. */
#define PGM_ROTATED_MEMORY 64u

typedef struct pgm_rotated_kinds pgm_rotated_kinds;

/* The file at `path` sniffed as *sn in *env: when it is a later piece of a
 * log remembered and its head tells another kind (or none), *sn and *env
 * become that log's and `said` (cap bytes) tells it; true then. A log read
 * line by line is then remembered. `*m` is made when first needed (NULL
 * after: out of memory, nothing remembered). */
bool pgm_rotated_kind(pgm_rotated_kinds **m, const char *path, pgm_sniff *sn, pgm_envelope *env, char *said,
                      size_t cap);
/* A server log's piece read with `prefix` (its log_line_prefix): a later
 * piece of the same log is read with it first (a piece's own lines may be
 * too few or too alike to tell its prefix: eleven lines of one application
 * read its name as part of the prefix). */
void pgm_rotated_set_prefix(pgm_rotated_kinds *m, const char *path, const char *prefix);
/* The prefix another piece of the log at `path` was read with (the one
 * before it, as pieces are read oldest first), NULL when none; *origin:
 * "the log's piece before (PATH)", valid while `m` lives. Call after
 * pgm_rotated_kind has seen `path`. */
const char *pgm_rotated_prefix(const pgm_rotated_kinds *m, const char *path, const char **origin);
void pgm_rotated_kinds_free(pgm_rotated_kinds *m);

#endif
