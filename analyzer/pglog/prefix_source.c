#include "pglog/prefix_source.h"

#include <string.h>
#include <strings.h>

static const char name[] = "log_line_prefix";

/* The quoted value at p (after the opening quote), escapes undone. */
static bool unquote(const char *p, const char *end, char out[PGM_PREFIX_VALUE_MAX])
{
    size_t o = 0;
    while (p < end) {
        char c = *p++;
        if (c == '\'') {
            if (p < end && *p == '\'') {
                c = '\'';
                p++;
            } else {
                out[o] = 0;
                return true;
            }
        } else if (c == '\\' && p < end) {
            c = *p++;
            switch (c) {
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            default:
                if (c >= '0' && c <= '7') {
                    int v = c - '0';
                    for (int k = 0; k < 2 && p < end && *p >= '0' && *p <= '7'; k++)
                        v = v * 8 + (*p++ - '0');
                    c = (char)v;
                }
            }
        }
        if (o + 1 >= PGM_PREFIX_VALUE_MAX)
            return false;
        out[o++] = c;
    }
    return false; /* no closing quote on the line */
}

bool pgm_conf_log_line_prefix(const char *text, size_t n, char out[PGM_PREFIX_VALUE_MAX],
                              unsigned *line)
{
    bool found = false;
    unsigned lineno = 0;
    char value[PGM_PREFIX_VALUE_MAX];
    for (const char *p = text, *end = text + n; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        lineno++;
        const char *q = p;
        while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        size_t nl = sizeof name - 1;
        if ((size_t)(le - q) > nl && strncasecmp(q, name, nl) == 0) {
            q += nl;
            if (*q == ' ' || *q == '\t' || *q == '=') {
                while (q < le && (*q == ' ' || *q == '\t'))
                    q++;
                if (q < le && *q == '=')
                    q++;
                while (q < le && (*q == ' ' || *q == '\t'))
                    q++;
                if (q < le && *q == '\'' && unquote(q + 1, le, value)) {
                    memcpy(out, value, sizeof value);
                    *line = lineno;
                    found = true;
                }
            }
        }
        p = eol ? eol + 1 : end;
    }
    return found;
}
