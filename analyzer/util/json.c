#include "util/json.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* 1 for the bytes a JSON string holds as they are: printable ASCII other
 * than '"' and '\\'. */
static const unsigned char plain_byte[256] = {
    ['\x20'] = 1, ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['('] = 1,
    [')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1, ['-'] = 1, ['.'] = 1, ['/'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1, ['='] = 1, ['>'] = 1, ['?'] = 1,
    ['@'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
    ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1,
    ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1,
    ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['['] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1,
    ['`'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
    ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1,
    ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,
    ['x'] = 1, ['y'] = 1, ['z'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1,
};

/* The bytes of x (eight, in memory order) that need an escape: the high
 * bit of each such byte set. Exact up to the first one (the borrows of the
 * subtractions may mark bytes after it), which is all copy_plain reads. */
static inline uint64_t escaped_bytes8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t low = (x - ones * 0x20) & ~x; /* a byte < 0x20 */
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\'), d = x ^ (ones * 0x7f);
    return (low | ((q - ones) & ~q) | ((b - ones) & ~b) | ((d - ones) & ~d) | x) & high;
}

static inline uint32_t escaped_bytes4(uint32_t x)
{
    const uint32_t ones = 0x01010101u, high = 0x80808080u;
    uint32_t low = (x - ones * 0x20) & ~x;
    uint32_t q = x ^ (ones * '"'), b = x ^ (ones * '\\'), d = x ^ (ones * 0x7f);
    return (low | ((q - ones) & ~q) | ((b - ones) & ~b) | ((d - ones) & ~d) | x) & high;
}

#if defined(__SSE2__)
static inline unsigned escaped_bytes16(__m128i x)
{
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  del = _mm_set1_epi8(0x7f);
    /* signed: bytes from 0x80 on are below 0x20 too */
    __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(x, space), _mm_cmpeq_epi8(x, quote)),
                               _mm_or_si128(_mm_cmpeq_epi8(x, bslash), _mm_cmpeq_epi8(x, del)));
    return (unsigned)_mm_movemask_epi8(bad);
}
#endif

/* Copies the bytes from p that need no escaping to dst, up to the first that
 * does (or n), and returns how many. Blocks are stored before they are
 * looked at, and never past dst + n. Sixteen bytes at a time with SSE2; the
 * last bytes of a text (and a text under 16 bytes: most values, a user, a
 * level, a pid) as a block that ends where the text ends and overlaps what
 * was looked at already: a byte at a time, they were two thirds of the work
 * of escaping a timeline. Copying while scanning spares a second pass. */
static size_t copy_plain(char *dst, const unsigned char *p, size_t n)
{
#if defined(__SSE2__)
    if (n >= 16) {
        size_t i = 0;
        for (; i + 16 <= n; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            _mm_storeu_si128((__m128i *)(void *)(dst + i), x);
            unsigned mask = escaped_bytes16(x);
            if (mask)
                return i + (size_t)__builtin_ctz(mask);
        }
        if (i == n)
            return n;
        size_t at = n - 16; /* bytes at..i-1 were looked at */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + at));
        _mm_storeu_si128((__m128i *)(void *)(dst + at), x);
        unsigned mask = escaped_bytes16(x) >> (i - at);
        return mask ? i + (size_t)__builtin_ctz(mask) : n;
    }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, sizeof x);
        memcpy(dst + i, &x, sizeof x);
        uint64_t bad = escaped_bytes8(x);
        if (bad)
            return i + (size_t)__builtin_ctzll(bad) / 8;
    }
    if (i == n)
        return n;
    if (n >= 8) {
        size_t at = n - 8;
        uint64_t x;
        memcpy(&x, p + at, sizeof x);
        memcpy(dst + at, &x, sizeof x);
        uint64_t bad = escaped_bytes8(x) >> (8 * (i - at));
        return bad ? i + (size_t)__builtin_ctzll(bad) / 8 : n;
    }
    if (n >= 4) { /* four bytes at 0 and four ending at n */
        uint32_t a, b;
        memcpy(&a, p, sizeof a);
        memcpy(&b, p + n - 4, sizeof b);
        memcpy(dst, &a, sizeof a);
        memcpy(dst + n - 4, &b, sizeof b);
        uint32_t bad = escaped_bytes4(a);
        if (bad || n == 4)
            return bad ? (size_t)__builtin_ctz(bad) / 8 : n;
        bad = escaped_bytes4(b) >> (8 * (8 - n)); /* bytes from 4 on */
        return bad ? 4 + (size_t)__builtin_ctz(bad) / 8 : n;
    }
#else
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, sizeof x);
        if (escaped_bytes8(x))
            break;
        memcpy(dst + i, &x, sizeof x);
    }
#endif
    while (i < n && plain_byte[p[i]]) {
        dst[i] = (char)p[i];
        i++;
    }
    return i;
}

/* From the first byte that needs an escape on: apart, so that a value with
 * none (nearly all) costs a call that saves no registers. */
static __attribute__((noinline)) char *escape_rest(char *dst, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    for (;;) {
        size_t k = copy_plain(dst, p + i, n - i);
        dst += k;
        i += k;
        if (i == n)
            return dst;
        unsigned char c = p[i];
        if (c >= 0x80) {
            size_t len = pgm_utf8_sequence_len(p + i, n - i);
            if (len) {
                memcpy(dst, p + i, len);
                dst += len;
                i += len;
                continue;
            }
        }
        *dst++ = '\\';
        switch (c) {
        case '"': *dst++ = '"'; break;
        case '\\': *dst++ = '\\'; break;
        case '\n': *dst++ = 'n'; break;
        case '\r': *dst++ = 'r'; break;
        case '\t': *dst++ = 't'; break;
        default:
            /* not UTF-8: U+FFFD; a control character or DEL: its code */
            memcpy(dst, c >= 0x80 ? "ufffd" : "u00", c >= 0x80 ? 5 : 3);
            dst += c >= 0x80 ? 5 : 3;
            if (c < 0x80) {
                *dst++ = hex[c >> 4];
                *dst++ = hex[c & 15];
            }
        }
        i++;
    }
}

char *pgm_json_escape_to(char *dst, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k = copy_plain(dst, p, n);
    return k == n ? dst + n : escape_rest(dst + k, p + k, n - k);
}

int pgm_json_escape_buf(pgm_strbuf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t end = n;
        if (n - i > PGM_JSON_ESCAPE_PIECE) {
            /* never between the bytes of one character */
            end = i + PGM_JSON_ESCAPE_PIECE;
            for (int k = 0; k < 3 && (p[end] & 0xC0) == 0x80; k++)
                end--;
        }
        char *w = pgm_strbuf_room(out, PGM_JSON_ESCAPED_MAX(end - i));
        if (!w)
            return -1;
        pgm_strbuf_commit(out, (size_t)(pgm_json_escape_to(w, s + i, end - i) - w));
        i = end;
    }
    return 0;
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
