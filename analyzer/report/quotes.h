/* The cited lines, quoted: every citation of the human reports (E3:92) is
 * read again from the bundle, with a line of context on each side, and
 * redacted as everything else is, so that a reviewer checks a claim in the
 * report itself. The census comes from the report's own text (what it
 * cites is what it quotes); the lines come from a second walk over the
 * inputs, reading only the files cited, up to their last cited line. */
#ifndef PGM_QUOTES_H
#define PGM_QUOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/limits.h"
#include "forensics/analysis.h"

/* Citations quoted, at most; more are cited without a quote, said. */
#define PGM_QUOTES_MAX 4096u
/* A quoted line's bytes, at most (the rest is cut, said by an ellipsis). */
#define PGM_QUOTE_LINE_MAX 600u

typedef struct pgm_quote {
    size_t input;             /* the input's id (E1 is 1) */
    uint64_t line;
    char *before, *text, *after; /* the lines line-1, line, line+1; NULL when the file has none */
} pgm_quote;

typedef struct pgm_quotes {
    pgm_quote *v;             /* by input, then line */
    size_t n, alloc;
    uint64_t over;            /* citations past PGM_QUOTES_MAX */
    uint64_t unread;          /* citations whose line could not be read again (stdin, a file gone, damage) */
    bool oom;
} pgm_quotes;

void pgm_quotes_init(pgm_quotes *q);
void pgm_quotes_free(pgm_quotes *q);
/* A citation "E<n>:<line>" at the start of s (len bytes): its input and
 * line, and the bytes it takes; 0 when s starts with none (or with numbers
 * too large to be one). The caller sees that it starts a word. */
size_t pgm_quotes_parse_cite(const char *s, size_t len, size_t *input, uint64_t *line);
/* Every citation "E<n>:<line>" in a report's text, wanted. */
void pgm_quotes_want_text(pgm_quotes *q, const char *text, size_t len);
/* Reads the wanted lines from the inputs (those that can be read again:
 * files and directories), redacted unless keep_secrets; a long walk's
 * progress to on_progress (NULL: none). PGM_OK, PGM_WARN
 * when some could not be read (counted in `unread`), PGM_FATAL (memory). */
int pgm_quotes_read(pgm_quotes *q, const pgm_analysis *a, const char *const *inputs, size_t n_inputs,
                    const pgm_bundle_limits *limits, bool keep_secrets,
                    void (*on_progress)(void *ctx, uint64_t bytes), void *progress_ctx);
/* The quote of E<input>:<line>, NULL when it has none. */
const pgm_quote *pgm_quotes_find(const pgm_quotes *q, size_t input, uint64_t line);

#endif
