/* Lines held back, each with a record of the caller's beside it (a fixed
 * number of bytes: its line number, its envelope's time): a reader that
 * must see a file's first lines, or all of it, before it knows how to read
 * them (a log written newest first is read from its last line) holds them
 * here and reads them out in either order. Bounded by the bytes of text. */
#ifndef PGM_HELD_LINES_H
#define PGM_HELD_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

typedef struct pgm_held_lines {
    pgm_strbuf text;
    struct pgm_held_span {
        size_t off, len;
    } *spans;
    unsigned char *meta;      /* meta_size bytes a line */
    size_t meta_size, n, alloc, meta_alloc;
} pgm_held_lines;

/* Holds lines of at most `max_bytes` of text in all, each with `meta_size`
 * bytes of the caller's. */
void pgm_held_lines_init(pgm_held_lines *h, size_t meta_size, size_t max_bytes);
/* Another bound for the text (a file found to need all of it held). */
void pgm_held_lines_set_max(pgm_held_lines *h, size_t max_bytes);
/* Holds a line and its record (copied). False when the bound is reached or
 * memory ran out: then nothing of it is held. */
bool pgm_held_lines_add(pgm_held_lines *h, const char *line, size_t n, const void *meta);
/* Line i (0 the first held) and its record: valid until the next add or clear. */
const char *pgm_held_lines_at(const pgm_held_lines *h, size_t i, size_t *n, const void **meta);
/* Lets every line go (and the memory). */
void pgm_held_lines_clear(pgm_held_lines *h);

#endif
