/* Secrets out of text before it leaves the tool: passwords in SQL
 * (PASSWORD 'x', ENCRYPTED PASSWORD E'x'), in connection strings and JDBC
 * URLs (password=x, user:x@host). The value is replaced by [REDACTED]; the
 * quotes and keys around it stay, so the line still reads. */
#ifndef PGM_REDACT_H
#define PGM_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define PGM_REDACTED "[REDACTED]"

/* True when `s` holds something to redact; then `out` (reset first) holds
 * the redacted text. False, and `out` untouched, when there is nothing. */
bool pgm_redact(const char *s, size_t n, pgm_strbuf *out);

#endif
