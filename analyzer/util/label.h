/* The reports' own labels: PGM_LABEL_UNKNOWN for a name the evidence lacks,
 * PGM_LABEL_OTHER for the rest past a cap. A name from the evidence that is
 * one of them (a PostgreSQL role, database or application may be called
 * anything) or that starts with a double quote is shown in double quotes,
 * inner ones doubled, as PostgreSQL's quote_ident writes an identifier: no
 * name from the evidence then reads as a label, and no two names read the
 * same (a report's keys stay distinct). Any other name is shown as it is. */
#ifndef PGM_LABEL_H
#define PGM_LABEL_H

#include <stdbool.h>
#include <stddef.h>

#define PGM_LABEL_UNKNOWN "(unknown)"
#define PGM_LABEL_OTHER "(other)"

/* Whether a name (NULL: none) is one the evidence gave, not a label. */
bool pgm_label_is_name(const char *name);
/* Whether a name is shown quoted. */
bool pgm_label_needs_quotes(const char *name);
/* Bytes the quoted form of `name` takes, with its NUL. */
size_t pgm_label_quoted_size(const char *name);
/* The quoted form into out (at least pgm_label_quoted_size bytes). */
void pgm_label_quote(const char *name, char *out);

#endif
