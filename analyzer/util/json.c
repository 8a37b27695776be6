#include "util/json.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "text/utf8.h"
#include "util/strbuf.h"

#ifndef PGM_VERSION
#define PGM_VERSION "0.0.0-dev"
#endif

void pgm_json_init(pgm_json *j, FILE *out, bool pretty)
{
    memset(j, 0, sizeof *j);
    j->out = out;
    j->pretty = pretty;
}

static void indent(pgm_json *j)
{
    if (!j->pretty)
        return;
    fputc('\n', j->out);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->out);
}

/* Separator and indentation before a value or a key. */
static void before_item(pgm_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (j->need_comma[j->depth])
            fputc(',', j->out);
        j->need_comma[j->depth] = true;
        indent(j);
    }
}

static void open(pgm_json *j, char c)
{
    before_item(j);
    fputc(c, j->out);
    if (j->depth < PGM_JSON_MAX_DEPTH - 1)
        j->depth++;
    j->need_comma[j->depth] = false;
}

static void close(pgm_json *j, char c)
{
    bool had_items = j->need_comma[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (had_items)
        indent(j);
    fputc(c, j->out);
    if (j->depth == 0 && j->pretty)
        fputc('\n', j->out);
}

void pgm_json_begin_object(pgm_json *j) { open(j, '{'); }
void pgm_json_end_object(pgm_json *j) { close(j, '}'); }
void pgm_json_begin_array(pgm_json *j) { open(j, '['); }
void pgm_json_end_array(pgm_json *j) { close(j, ']'); }

/* Eight bytes that are all plain printable ASCII other than '"' and '\\'
 * (a word-at-a-time test: log text is mostly such runs). */
static bool plain8(const unsigned char *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t low = (x - ones * 0x20) & ~x;            /* a byte < 0x20 (or >= 0x80) */
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t quote = (q - ones) & ~q, bslash = (b - ones) & ~b;
    uint64_t del = ((x ^ (ones * 0x7f)) - ones) & ~(x ^ (ones * 0x7f));
    return ((low | quote | bslash | del | x) & high) == 0;
}

int pgm_json_escape_buf(pgm_strbuf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0; /* bytes from `run` to `i` need no escaping */
    char esc[8];
    while (i < n) {
        if (i + 8 <= n && plain8(p + i)) {
            i += 8;
            continue;
        }
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t len = pgm_utf8_sequence_len(p + i, n - i);
            if (len) {
                i += len;
                continue;
            }
        }
        if (pgm_strbuf_add(out, s + run, i - run))
            return -1;
        const char *e = esc;
        switch (c) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        default:
            if (c >= 0x80)
                e = "\\ufffd"; /* not UTF-8 */
            else
                snprintf(esc, sizeof esc, "\\u%04x", c);
        }
        if (pgm_strbuf_addstr(out, e))
            return -1;
        run = ++i;
    }
    return pgm_strbuf_add(out, s + run, n - run);
}

void pgm_json_escape(FILE *out, const char *s, size_t n)
{
    pgm_strbuf b;
    pgm_strbuf_init(&b, SIZE_MAX);
    if (pgm_json_escape_buf(&b, s, n) == 0)
        fwrite(b.p ? b.p : "", 1, b.len, out);
    pgm_strbuf_free(&b);
}

void pgm_json_key(pgm_json *j, const char *key)
{
    before_item(j);
    fputc('"', j->out);
    pgm_json_escape(j->out, key, strlen(key));
    fputs(j->pretty ? "\": " : "\":", j->out);
    j->after_key = true;
}

void pgm_json_string_n(pgm_json *j, const char *s, size_t n)
{
    before_item(j);
    fputc('"', j->out);
    pgm_json_escape(j->out, s, n);
    fputc('"', j->out);
}

void pgm_json_string(pgm_json *j, const char *s)
{
    if (!s) {
        pgm_json_null(j);
        return;
    }
    pgm_json_string_n(j, s, strlen(s));
}

void pgm_json_int(pgm_json *j, int64_t v)
{
    before_item(j);
    fprintf(j->out, "%" PRId64, v);
}

void pgm_json_uint(pgm_json *j, uint64_t v)
{
    before_item(j);
    fprintf(j->out, "%" PRIu64, v);
}

void pgm_json_bool(pgm_json *j, bool v)
{
    before_item(j);
    fputs(v ? "true" : "false", j->out);
}

void pgm_json_null(pgm_json *j)
{
    before_item(j);
    fputs("null", j->out);
}

void pgm_json_document_header(pgm_json *j, const char *schema)
{
    pgm_json_key(j, "schema");
    pgm_json_string(j, schema);
    pgm_json_key(j, "tool");
    pgm_json_begin_object(j);
    pgm_json_key(j, "name");
    pgm_json_string(j, "pgmortem");
    pgm_json_key(j, "version");
    pgm_json_string(j, PGM_VERSION);
    pgm_json_end_object(j);
}
