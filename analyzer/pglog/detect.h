/* Which log_line_prefix wrote a stderr log, when nothing in the bundle says:
 * the platforms' defaults and the specs read off the lines themselves
 * (pglog/infer.h), each with %q placed where it may stand, are scored on
 * the first lines, and the one that reads most of them with every value of
 * the right shape is kept, with how many primary lines it parsed (below
 * 95% the reader warns). */
#ifndef PGM_DETECT_H
#define PGM_DETECT_H

#include <stdbool.h>
#include <stddef.h>

#include "pglog/infer.h"
#include "pglog/prefix.h"

/* Lines of a file the detection looks at, at most. */
#define PGM_DETECT_MAX_LINES 500u
/* Specs read off the lines that are scored, the most frequent first. */
#define PGM_DETECT_MAX_INFERRED 16u
/* Specs read off the lines whose escapes are tried as their alikes when
 * they do not read every line (the best few: without connection logging
 * the few session lines are outnumbered by the background lines' specs). */
#define PGM_DETECT_REFINED 6u
/* Places of %q tried per spec. */
#define PGM_DETECT_MAX_Q_VARIANTS 8u

typedef struct pgm_prefix_guess {
    char spec[PGM_INFER_SPEC_MAX];
    char origin[64];       /* "Debian/Ubuntu default", "read from the lines", ... */
    size_t primary_lines;  /* lines that are not TAB continuations */
    size_t parsed;         /* of those, how many the prefix parsed, each value of its shape */
    /* Another spec that reads as many lines but puts values into other
     * fields: the lines cannot tell them apart ("" when none). */
    char rival[PGM_INFER_SPEC_MAX];
} pgm_prefix_guess;

/* The best prefix for the primary lines of `text` (its first
 * PGM_DETECT_MAX_LINES lines). */
void pgm_prefix_detect(const char *text, size_t n, pgm_prefix_guess *out);

/* Lines of a prefix and a message without the severity between them (Azure
 * Cosmos DB for PostgreSQL's records give it apart), read by a known spec at
 * least this often in percent, or by none. */
#define PGM_PREFIX_BARE_MIN_COVERAGE 95.0
/* The known spec that reads the most of such lines (pgm_prefix_parse_bare),
 * among equals the longest prefix: a shorter spec reads the start of a
 * longer one's lines too. False when none reads enough of them. */
bool pgm_prefix_detect_bare(const char *text, size_t n, pgm_prefix_guess *out);

/* How many primary lines of `text` `spec` parses with every value of the
 * right shape (names: what the messages said, may be NULL). */
void pgm_prefix_score(const char *spec, const char *text, size_t n, const pgm_infer_names *names,
                      size_t *tried, size_t *parsed);

/* parsed / primary_lines in percent (100 when there are no primary lines). */
double pgm_prefix_guess_coverage(const pgm_prefix_guess *g);

#endif
