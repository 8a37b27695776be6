#include "util/display.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the UTF-8 sequence at p (at most `left` bytes) and its code
 * point, or 0 when it is not well-formed (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
static size_t utf8_sequence(const unsigned char *p, size_t left, uint32_t *cp)
{
    size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    if (n == 0 || p[0] > 0xf4 || n > left)
        return 0;
    uint32_t c = p[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (n == 4 && (c < 0x10000 || c > 0x10ffff)))
        return 0;
    *cp = c;
    return n;
}

/* Code points that change how a terminal or an editor shows what follows:
 * C1 controls, and the invisible and bidirectional formatting characters
 * (Unicode TR #9; the "Trojan Source" paper, CVE-2021-42574). */
static bool unsafe_code_point(uint32_t c)
{
    return (c >= 0x80 && c <= 0x9f) || c == 0x61c || (c >= 0x200b && c <= 0x200f) ||
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2064) ||
           (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

/* Appends `name` escaped to `path`, or with `path` NULL only counts: the
 * length it would take, or -1 when the buffer refused it. */
static ptrdiff_t escape(pgm_strbuf *path, const char *name)
{
    const unsigned char *p = (const unsigned char *)name;
    size_t left = strlen(name), total = 0;
    while (left) {
        char esc[8];
        const void *out = p;
        size_t step = 1, n = 1;
        uint32_t cp;
        if (*p < 0x20 || *p == 0x7f) {
            n = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
            out = esc;
        } else if (*p >= 0x80 && (step = utf8_sequence(p, left, &cp)) == 0) {
            step = 1; /* not UTF-8: the byte as it is */
            n = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
            out = esc;
        } else if (*p >= 0x80 && unsafe_code_point(cp)) {
            n = (size_t)snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
            out = esc;
        } else {
            n = step;
        }
        if (path && pgm_strbuf_add(path, out, n))
            return -1;
        total += n;
        p += step;
        left -= step;
    }
    return (ptrdiff_t)total;
}

int pgm_display_append(pgm_strbuf *out, const char *text)
{
    return escape(out, text) < 0 ? -1 : 0;
}

size_t pgm_display_len(const char *text)
{
    return (size_t)escape(NULL, text);
}
