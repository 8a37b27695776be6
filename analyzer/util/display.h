/* Text from the evidence (file and member names, lines quoted in a
 * warning) made safe to show: control bytes as \xNN, C1 controls and the
 * invisible or bidirectional formatting characters (U+202E...) as \uXXXX,
 * bytes that are not UTF-8 as \xNN; the rest as it is. Escaping twice gives
 * the same text, so a name escaped once can pass through again. */
#ifndef PGM_DISPLAY_H
#define PGM_DISPLAY_H

#include <stddef.h>

#include "util/strbuf.h"

/* Appends `text` escaped: 0, or -1 when the buffer refused it. */
int pgm_display_append(pgm_strbuf *out, const char *text);
/* The length `text` takes escaped. */
size_t pgm_display_len(const char *text);
/* `text` escaped into dst (cap bytes, NUL-terminated); what does not fit is
 * cut, never left raw. */
void pgm_display_copy(char *dst, size_t cap, const char *text);

#endif
