/* A string interner: each distinct text stored once, for as long as the
 * interner lives, so that many records can point at the same few texts (the
 * log_line_prefix of 300,000 files of one server) instead of each holding a
 * copy. Open addressing over FNV-1a hashes. */
#ifndef PGM_INTERN_H
#define PGM_INTERN_H

#include <stddef.h>

typedef struct pgm_interner {
    char **slots;   /* NULL: empty; the texts, owned */
    size_t cap, n;  /* cap: a power of two, or 0 */
} pgm_interner;

/* The stored copy of `text`, or NULL when memory ran out. "" for "". */
const char *pgm_intern(pgm_interner *in, const char *text);
/* The stored copy of `text`, or NULL when it was never interned. */
const char *pgm_interned(const pgm_interner *in, const char *text);
void pgm_interner_free(pgm_interner *in);

#endif
