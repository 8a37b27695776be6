/* Which log_line_prefix wrote a stderr log, when nothing in the bundle says:
 * the common ones are tried on the first lines and the best is kept, with
 * how many primary lines it parsed (issue 5 wants 95% or a loud warning). */
#ifndef PGM_DETECT_H
#define PGM_DETECT_H

#include <stddef.h>

#include "pglog/prefix.h"

/* Lines of a file the detection looks at, at most. */
#define PGM_DETECT_MAX_LINES 500u

typedef struct pgm_prefix_guess {
    const char *spec;      /* static: one of the known prefixes */
    const char *origin;    /* "upstream default", "Debian", ... */
    size_t primary_lines;  /* lines that are not TAB continuations */
    size_t parsed;         /* of those, how many the prefix parsed */
} pgm_prefix_guess;

/* The known prefix that parses most primary lines of `text` (its first
 * PGM_DETECT_MAX_LINES lines); ties go to the shorter one. */
pgm_prefix_guess pgm_prefix_detect(const char *text, size_t n);

/* parsed / primary_lines in percent (100 when there are no primary lines). */
double pgm_prefix_guess_coverage(const pgm_prefix_guess *g);

#endif
