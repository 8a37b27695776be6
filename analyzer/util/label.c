#include "util/label.h"

#include <string.h>

bool pgm_label_is_name(const char *name)
{
    return name && strcmp(name, PGM_LABEL_UNKNOWN) != 0 && strcmp(name, PGM_LABEL_OTHER) != 0;
}

bool pgm_label_needs_quotes(const char *name)
{
    return name[0] == '"' || strcmp(name, PGM_LABEL_UNKNOWN) == 0 || strcmp(name, PGM_LABEL_OTHER) == 0;
}

size_t pgm_label_quoted_size(const char *name)
{
    size_t n = 3; /* the two quotes and the NUL */
    for (const char *p = name; *p; p++)
        n += *p == '"' ? 2 : 1;
    return n;
}

void pgm_label_quote(const char *name, char *out)
{
    *out++ = '"';
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            *out++ = '"';
        *out++ = *p;
    }
    *out++ = '"';
    *out = '\0';
}
