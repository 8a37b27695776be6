#include "util/display.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text/utf8.h"

/* The code point of a well-formed sequence of `len` bytes (pgm_utf8_sequence_len). */
static uint32_t code_point(const unsigned char *p, size_t len)
{
    uint32_t c = p[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++)
        c = (c << 6) | (p[i] & 0x3f);
    return c;
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
        size_t step = pgm_utf8_sequence_len(p, left), n = step;
        if (step == 0 || *p < 0x20 || *p == 0x7f) {
            step = 1; /* a control byte, or a byte that is not UTF-8: as it is */
            n = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
            out = esc;
        } else if (step > 1 && unsafe_code_point(code_point(p, step))) {
            n = (size_t)snprintf(esc, sizeof esc, "\\u%04X", (unsigned)code_point(p, step));
            out = esc;
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

void pgm_display_copy(char *dst, size_t cap, const char *text)
{
    if (!cap)
        return;
    pgm_strbuf b;
    pgm_strbuf_init(&b, cap - 1);
    escape(&b, text); /* on -1, b holds the escaped start that fits */
    snprintf(dst, cap, "%s", b.p ? b.p : "");
    pgm_strbuf_free(&b);
}
