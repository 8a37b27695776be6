#include "text/jsonflat.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "util/bytes.h"

_Static_assert(PGM_JSONFLAT_MAX_PAIRS < 255, "a pair's number + 1 fits the index's byte");
_Static_assert((PGM_JSONFLAT_INDEX & (PGM_JSONFLAT_INDEX - 1)) == 0, "the index is a power of two");
_Static_assert(PGM_JSONFLAT_INDEX >= 2 * PGM_JSONFLAT_MAX_PAIRS, "the index is at most half full");

typedef struct jp {
    const char *s;
    size_t n, i;
    pgm_jsonflat *j;
    char *err;
    size_t errlen;
    bool failed;
    bool wrote_nul; /* a \u0000 went into the value being read */
} jp;

static bool fail(jp *p, const char *why)
{
    if (!p->failed && p->err)
        snprintf(p->err, p->errlen, "at byte %zu: %s", p->i, why);
    p->failed = true;
    return false;
}

static void ws(jp *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                           p->s[p->i] == '\r'))
        p->i++;
}

static bool put(jp *p, const void *b, size_t n)
{
    return pgm_strbuf_add(&p->j->buf, b, n) == 0 || fail(p, "object too large");
}

/* The NUL that ends a key or a value: a byte stored, where put's copy of
 * one byte was a call to memcpy (26 of them a jsonlog line). */
static inline bool put_end(jp *p)
{
    pgm_strbuf *b = &p->j->buf;
    size_t len = b->len; /* once: the byte stored may alias it */
    if (b->alloc - len > 1) {
        b->p[len] = '\0';
        b->p[len + 1] = '\0';
        b->len = len + 1;
        return true;
    }
    return put(p, "", 1);
}

static int hex4(const char *s)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

static bool put_utf8(jp *p, unsigned cp)
{
    unsigned char b[4];
    size_t n;
    p->wrote_nul |= cp == 0;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | cp >> 6);
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | cp >> 12);
        b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | cp >> 18);
        b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return put(p, b, n);
}

#if defined(__SSE2__)
/* The bytes of x that end a run: a quote, a backslash, a control character. */
static inline unsigned run_stops16(__m128i x)
{
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
    /* unsigned x <= 0x1f: the larger of x and 0x1f is 0x1f */
    __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                                _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl));
    return (unsigned)_mm_movemask_epi8(stop);
}
#endif

/* How many of the n bytes at q a string holds as they are: up to a quote, a
 * backslash or a control character. Sixteen bytes at a time with SSE2 (a
 * jsonlog line is mostly its strings, and reading them a byte at a time was
 * much of its parse); n is what is left of the text, not of the string, so
 * short strings are looked at in blocks too. */
static size_t plain_run(const char *q, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        unsigned mask = run_stops16(_mm_loadu_si128((const __m128i *)(const void *)(q + i)));
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    while (i < n && q[i] != '"' && q[i] != '\\' && (unsigned char)q[i] >= 0x20)
        i++;
    return i;
}

/* The run at p->i (plain_run) copied into the buffer. With SSE2, while the
 * text has sixteen bytes left and the buffer room for them, a block is
 * stored before it is looked at (the bytes stored past the run's end are
 * written over next): one pass, and no call for the short runs most keys
 * and values are. False when the buffer is full, said at the run's start. */
static bool copy_run(jp *p)
{
    pgm_strbuf *b = &p->j->buf;
    size_t start = p->i;
#if defined(__SSE2__)
    bool stopped = false;
    if (b->alloc) {
        /* in locals: a store through char * may alias any field of p or b,
         * which would then be read again after every block */
        const char *src = p->s + p->i, *end = p->s + p->n;
        char *dst = b->p + b->len, *room_end = b->p + b->alloc;
        while (end - src >= 16 && room_end - dst > 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)src);
            _mm_storeu_si128((__m128i *)(void *)dst, x);
            unsigned mask = run_stops16(x);
            size_t k = mask ? (size_t)__builtin_ctz(mask) : 16;
            src += k;
            dst += k;
            if (mask) {
                stopped = true;
                break;
            }
        }
        *dst = '\0';
        b->len = (size_t)(dst - b->p);
        p->i = (size_t)(src - p->s);
    }
    if (stopped)
        return true;
#endif
    size_t run = plain_run(p->s + p->i, p->n - p->i);
    if (run && pgm_strbuf_add(b, p->s + p->i, run) != 0) {
        p->i = start;
        return fail(p, "object too large");
    }
    p->i += run;
    return true;
}

/* The byte a one-letter escape stands for (\n...), or -1. A switch: the
 * table looked up with strchr took the difference of two string literals'
 * addresses, which C defines only within one array. */
static int unescaped(char e)
{
    switch (e) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return -1;
    }
}

/* A string at p->i (opening quote included), unescaped into the buffer. */
static bool string(jp *p)
{
    p->i++;
    for (;;) {
        if (p->i >= p->n)
            return fail(p, "unterminated string");
        if (!copy_run(p))
            return false;
        if (p->i >= p->n)
            return fail(p, "unterminated string");
        char c = p->s[p->i];
        if (c == '"') {
            p->i++;
            return true;
        }
        if ((unsigned char)c < 0x20)
            return fail(p, "control character in a string");
        /* an escape */
        if (p->i + 1 >= p->n)
            return fail(p, "unterminated escape");
        char e = p->s[p->i + 1];
        p->i += 2;
        int plain = unescaped(e);
        if (plain >= 0) {
            char c1 = (char)plain;
            if (!put(p, &c1, 1))
                return false;
            continue;
        }
        if (e != 'u' || p->i + 4 > p->n)
            return fail(p, "bad escape");
        int cp = hex4(p->s + p->i);
        if (cp < 0)
            return fail(p, "bad \\u escape");
        p->i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && p->i + 6 <= p->n && p->s[p->i] == '\\' &&
            p->s[p->i + 1] == 'u') {
            int lo = hex4(p->s + p->i + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                p->i += 6;
                if (!put_utf8(p, 0x10000u + (((unsigned)cp - 0xD800u) << 10) + ((unsigned)lo - 0xDC00u)))
                    return false;
                continue;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xFFFD; /* a lone surrogate */
        if (!put_utf8(p, (unsigned)cp))
            return false;
    }
}

static bool value(jp *p, size_t key, size_t key_len, int depth);

/* Skips a nested array, keeping its raw text as the value. */
static bool array_raw(jp *p, int depth)
{
    size_t start = p->i;
    int level = 0;
    bool in_str = false;
    for (; p->i < p->n; p->i++) {
        char c = p->s[p->i];
        if (in_str) {
            if (c == '\\')
                p->i++;
            else if (c == '"')
                in_str = false;
            continue;
        }
        if (c == '"')
            in_str = true;
        else if (c == '[' || c == '{') {
            if (++level + depth > PGM_JSONFLAT_MAX_DEPTH + 8)
                return fail(p, "nested too deeply");
        } else if ((c == ']' || c == '}') && --level == 0) {
            p->i++;
            return put(p, p->s + start, p->i - start);
        }
    }
    return fail(p, "unterminated array");
}

/* A key's slot to start from: its first and last eight bytes (fewer: two
 * overlapping fours, or three bytes) and its length, multiplied and the top
 * bits taken. A byte at a time with a multiply after each (FNV), hashing was
 * most of a jsonlog line's parse: each multiply waited for the one before. */
static size_t key_slot(const char *k, size_t n)
{
    const uint64_t golden = 0x9E3779B97F4A7C15ull;
    uint64_t h;
    if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, k, sizeof a);
        memcpy(&b, k + n - 8, sizeof b);
        h = a ^ (b * golden);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, k, sizeof a);
        memcpy(&b, k + n - 4, sizeof b);
        h = (uint64_t)a << 32 | b;
    } else {
        h = n ? (uint64_t)(unsigned char)k[0] << 16 | (uint64_t)(unsigned char)k[n / 2] << 8 |
                    (unsigned char)k[n - 1]
              : 0;
    }
    h = (h ^ n) * golden;
    return (size_t)(h >> (64 - __builtin_ctz(PGM_JSONFLAT_INDEX)));
}

/* The slot of `key` in the index: where its pair's number is, or the empty
 * slot it would take. */
static size_t slot_of(const pgm_jsonflat *j, const char *key, size_t key_len)
{
    size_t mask = PGM_JSONFLAT_INDEX - 1, at = key_slot(key, key_len);
    for (; j->index[at]; at = (at + 1) & mask) {
        const pgm_json_pair *pr = &j->pairs[j->index[at] - 1];
        if (pr->key_len == key_len && pgm_same_bytes(j->buf.p + pr->key, key, key_len))
            break;
    }
    return at;
}

static bool add_pair(jp *p, size_t key, size_t key_len, size_t val, enum pgm_json_type t)
{
    pgm_jsonflat *j = p->j;
    size_t val_len = j->buf.len - val;
    bool nul = p->wrote_nul || t == PGM_JT_ARRAY; /* an array is raw bytes: a NUL among them is kept */
    p->wrote_nul = false;
    if (!put_end(p))
        return false;
    if (j->n == PGM_JSONFLAT_MAX_PAIRS) {
        j->dropped++;
        return true;
    }
    size_t text_len = nul ? strlen(j->buf.p + val) : val_len;
    j->pairs[j->n++] = (pgm_json_pair){key, key_len, val, val_len, text_len, t};
    size_t at = slot_of(j, j->buf.p + key, key_len);
    if (!j->index[at]) /* a key seen before keeps its first value */
        j->index[at] = (unsigned char)j->n;
    return true;
}

/* An object's members; keys get `prefix.` in front (prefix at key/key_len). */
static bool object(jp *p, size_t prefix, size_t prefix_len, int depth)
{
    if (depth > PGM_JSONFLAT_MAX_DEPTH)
        return fail(p, "nested too deeply");
    p->i++; /* { */
    ws(p);
    if (p->i < p->n && p->s[p->i] == '}') {
        p->i++;
        return true;
    }
    for (;;) {
        ws(p);
        if (p->i >= p->n || p->s[p->i] != '"')
            return fail(p, "expected a key");
        size_t key = p->j->buf.len;
        if (prefix_len) {
            /* copy the prefix first: it lives in the same buffer, which may move */
            char tmp[512];
            if (prefix_len >= sizeof tmp)
                return fail(p, "key too long");
            memcpy(tmp, p->j->buf.p + prefix, prefix_len);
            if (!put(p, tmp, prefix_len) || !put(p, ".", 1))
                return false;
        }
        if (!string(p))
            return false;
        size_t key_len = p->j->buf.len - key;
        if (!put_end(p))
            return false;
        ws(p);
        if (p->i >= p->n || p->s[p->i] != ':')
            return fail(p, "expected ':'");
        p->i++;
        ws(p);
        if (!value(p, key, key_len, depth))
            return false;
        ws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->n && p->s[p->i] == '}') {
            p->i++;
            return true;
        }
        return fail(p, "expected ',' or '}'");
    }
}

static bool value(jp *p, size_t key, size_t key_len, int depth)
{
    if (p->i >= p->n)
        return fail(p, "expected a value");
    char c = p->s[p->i];
    size_t val = p->j->buf.len;
    if (c == '{')
        return object(p, key, key_len, depth + 1);
    if (c == '[')
        return array_raw(p, depth) && add_pair(p, key, key_len, val, PGM_JT_ARRAY);
    if (c == '"')
        return string(p) && add_pair(p, key, key_len, val, PGM_JT_STRING);
    static const struct {
        const char *word;
        enum pgm_json_type t;
    } words[] = {{"true", PGM_JT_BOOL}, {"false", PGM_JT_BOOL}, {"null", PGM_JT_NULL}};
    for (size_t k = 0; (c == 't' || c == 'f' || c == 'n') && k < 3; k++) {
        size_t l = strlen(words[k].word);
        if (p->n - p->i >= l && memcmp(p->s + p->i, words[k].word, l) == 0) {
            p->i += l;
            return put(p, words[k].word, l) && add_pair(p, key, key_len, val, words[k].t);
        }
    }
    size_t start = p->i;
    if (p->i < p->n && p->s[p->i] == '-')
        p->i++;
    while (p->i < p->n && ((p->s[p->i] >= '0' && p->s[p->i] <= '9') || p->s[p->i] == '.' ||
                           p->s[p->i] == 'e' || p->s[p->i] == 'E' || p->s[p->i] == '+' ||
                           p->s[p->i] == '-'))
        p->i++;
    if (p->i == start || (p->i == start + 1 && p->s[start] == '-'))
        return fail(p, "expected a value");
    return put(p, p->s + start, p->i - start) && add_pair(p, key, key_len, val, PGM_JT_NUMBER);
}

void pgm_jsonflat_init(pgm_jsonflat *j)
{
    memset(j, 0, sizeof *j);
    pgm_strbuf_init(&j->buf, PGM_JSONFLAT_MAX_BYTES);
}

void pgm_jsonflat_free(pgm_jsonflat *j)
{
    pgm_strbuf_free(&j->buf);
}

bool pgm_jsonflat_parse(pgm_jsonflat *j, const char *s, size_t n, char *err, size_t errlen)
{
    pgm_strbuf_reset(&j->buf);
    j->n = 0;
    j->dropped = 0;
    memset(j->index, 0, sizeof j->index);
    jp p = {s, n, 0, j, err, errlen, false, false};
    ws(&p);
    if (p.i >= n || s[p.i] != '{')
        return fail(&p, "not an object");
    if (!object(&p, 0, 0, 1))
        return false;
    ws(&p);
    if (p.i != n)
        return fail(&p, "text after the object");
    return true;
}

const pgm_json_pair *pgm_jsonflat_find(const pgm_jsonflat *j, const char *key, size_t key_len)
{
    size_t at = slot_of(j, key, key_len);
    return j->index[at] ? &j->pairs[j->index[at] - 1] : NULL;
}

const char *pgm_jsonflat_get(const pgm_jsonflat *j, const char *key, enum pgm_json_type *type)
{
    const pgm_json_pair *pr = pgm_jsonflat_find(j, key, strlen(key));
    if (pr && type)
        *type = pr->type;
    return pr ? j->buf.p + pr->val : NULL;
}

const char *pgm_jsonflat_get_text(const pgm_jsonflat *j, const char *key, size_t key_len, size_t *len)
{
    const pgm_json_pair *pr = pgm_jsonflat_find(j, key, key_len);
    *len = pr ? pr->text_len : 0;
    return pr ? j->buf.p + pr->val : NULL;
}
