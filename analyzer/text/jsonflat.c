#include "text/jsonflat.h"

#include <stdio.h>
#include <string.h>

typedef struct jp {
    const char *s;
    size_t n, i;
    pgm_jsonflat *j;
    char *err;
    size_t errlen;
    bool failed;
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

/* A string at p->i (opening quote included), unescaped into the buffer. */
static bool string(jp *p)
{
    p->i++;
    for (;;) {
        if (p->i >= p->n)
            return fail(p, "unterminated string");
        const char *q = p->s + p->i;
        size_t run = 0;
        while (p->i + run < p->n && q[run] != '"' && q[run] != '\\' && (unsigned char)q[run] >= 0x20)
            run++;
        if (run && !put(p, q, run))
            return false;
        p->i += run;
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
        const char *map = strchr("\"\\/bfnrt", e);
        if (map && e) {
            static const char out[] = "\"\\/\b\f\n\r\t";
            if (!put(p, &out[map - "\"\\/bfnrt"], 1))
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

static bool add_pair(jp *p, size_t key, size_t key_len, size_t val, enum pgm_json_type t)
{
    pgm_jsonflat *j = p->j;
    size_t val_len = j->buf.len - val;
    if (!put(p, "", 1))
        return false;
    if (j->n == PGM_JSONFLAT_MAX_PAIRS) {
        j->dropped++;
        return true;
    }
    j->pairs[j->n++] = (pgm_json_pair){key, key_len, val, val_len, t};
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
        if (!put(p, "", 1))
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
    for (size_t k = 0; k < 3; k++) {
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
    jp p = {s, n, 0, j, err, errlen, false};
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

const char *pgm_jsonflat_get(const pgm_jsonflat *j, const char *key, enum pgm_json_type *type)
{
    for (size_t i = 0; i < j->n; i++) {
        const pgm_json_pair *pr = &j->pairs[i];
        if (pr->key_len == strlen(key) && memcmp(j->buf.p + pr->key, key, pr->key_len) == 0) {
            if (type)
                *type = pr->type;
            return j->buf.p + pr->val;
        }
    }
    return NULL;
}
