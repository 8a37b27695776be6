/* UTF-8 checks. Logs are not clean UTF-8 (lc_messages in LATIN1, binary
 * junk after a crash), so callers count bad bytes instead of trusting text. */
#ifndef PGM_UTF8_H
#define PGM_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the well-formed UTF-8 sequence at p (1..4), or 0 when the bytes
 * there are not one (overlong, surrogate, truncated, stray continuation). */
size_t pgm_utf8_sequence_len(const unsigned char *p, size_t n);

/* Whether s[0..n) is ASCII bytes only (valid UTF-8 whatever reads it):
 * 16 bytes at a time with SSE2, else 8 by a word's high bits. */
bool pgm_utf8_all_ascii(const char *s, size_t n);

/* Validates a stream chunk by chunk; a sequence may straddle chunks. */
typedef struct pgm_utf8_state {
    unsigned char pending[4];
    size_t npending;
    uint64_t invalid; /* bytes that belong to no valid sequence */
} pgm_utf8_state;

void pgm_utf8_feed(pgm_utf8_state *st, const unsigned char *p, size_t n);
/* Call at end of stream: an unfinished sequence counts as invalid. */
void pgm_utf8_finish(pgm_utf8_state *st);

#endif
