/* Secrets out of text before it leaves the tool: passwords in SQL
 * (PASSWORD 'x', ENCRYPTED PASSWORD E'x', PASSWORD $$x$$), every literal of
 * a statement that creates or alters a role (a misspelt PASSWORD after a
 * syntax error), in connection strings and JDBC URLs (password=x,
 * user:x@host). The value is replaced by [REDACTED]; the quotes and keys
 * around it stay, so the line still reads. */
#ifndef PGM_REDACT_H
#define PGM_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define PGM_REDACTED "[REDACTED]"

/* True when `s` holds something to redact; then `out` (reset first) holds
 * the redacted text, or, when it has no room for that, a marker in place of
 * all of it (never the secret). False when there is nothing to redact. */
bool pgm_redact(const char *s, size_t n, pgm_strbuf *out);
/* pgm_redact, and *plain: whether s has none of the bytes a secret or a
 * role statement is looked for by, so no password keyword either
 * (pgm_redact_password_parameter of it is false, without a look). */
bool pgm_redact_noting(const char *s, size_t n, pgm_strbuf *out, bool *plain);

/* Does the statement `s` set a password from a bind parameter (ALTER ROLE
 * x PASSWORD $1)? Then its "parameters: $1 = '...'" DETAIL holds it. */
bool pgm_redact_password_parameter(const char *s, size_t n);
/* A statement that creates or alters a role near the start of `s` (in its
 * first PGM_REDACT_ROLE_WINDOW bytes: "ALTER USER carol PASWORD '...'"
 * after a syntax error, "statement: CREATE ROLE ..."): where its role name
 * starts, else 0. Every literal after it may be the password, spelt right
 * or not. */
#define PGM_REDACT_ROLE_WINDOW 96u
size_t pgm_redact_role_statement_at(const char *s, size_t n);
/* Every literal of `s` ('...', E'...', $$...$$) redacted, as above. */
bool pgm_redact_literals(const char *s, size_t n, pgm_strbuf *out);

#endif
