#include "util/redact.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* s[0..n) is the keyword `lower` (lower-case letters) in any case. Inline:
 * it runs at many bytes of every message, where a call to strncasecmp cost
 * a sixth of the time of a timeline. The bit 0x20 makes a byte lower case
 * only if it is a letter, and `lower` holds letters only. */
static inline bool keyword_at(const char *s, const char *lower, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] | 0x20) != (unsigned char)lower[i])
            return false;
    return true;
}

static bool is_ident(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A dollar quote's tag at i ("$$", "$pw$"): its length, or 0. */
static size_t dollar_tag(const char *s, size_t n, size_t i)
{
    if (i >= n || s[i] != '$')
        return 0;
    size_t k = i + 1;
    if (k < n && s[k] >= '0' && s[k] <= '9')
        return 0; /* $1: a parameter */
    while (k < n && is_ident(s[k]))
        k++;
    return k < n && s[k] == '$' ? k + 1 - i : 0;
}

/* Where the value after a password keyword ends (exclusive), starting at i
 * (the value's first byte); [*from, *to) is the part to replace. */
static size_t value_end(const char *s, size_t n, size_t i, size_t *from, size_t *to)
{
    size_t tag = dollar_tag(s, n, i);
    if (tag) {
        /* $$...$$ or $pw$...$pw$ (PostgreSQL's dollar quoting) */
        size_t k = i + tag;
        while (k + tag <= n && memcmp(s + k, s + i, tag) != 0)
            k++;
        *from = i + tag;
        *to = k + tag <= n ? k : n;
        return k + tag <= n ? k + tag : n;
    }
    if (i < n && (s[i] == 'E' || s[i] == 'e') && i + 1 < n && s[i + 1] == '\'')
        i++; /* E'...' */
    if (i < n && (s[i] == '\'' || s[i] == '"')) {
        char q = s[i];
        size_t k = i + 1;
        while (k < n) {
            if (s[k] == '\\' && q == '\'' && k + 1 < n) {
                k += 2;
                continue;
            }
            if (s[k] == q) {
                if (k + 1 < n && s[k + 1] == q) { /* '' inside '...' */
                    k += 2;
                    continue;
                }
                break;
            }
            k++;
        }
        *from = i + 1;
        *to = k;
        return k < n ? k + 1 : n;
    }
    size_t k = i;
    while (k < n && !is_space(s[k]) && s[k] != '&' && s[k] != ';' && s[k] != ',' && s[k] != ')')
        k++;
    *from = i;
    *to = k;
    return k;
}

/* A password keyword at i: the span of its value, or false. */
static bool password_at(const char *s, size_t n, size_t i, size_t *from, size_t *to, size_t *next)
{
    static const char kw[] = "password";
    if (n - i < sizeof kw - 1 || !keyword_at(s + i, kw, sizeof kw - 1))
        return false;
    /* "nopassword", "log_password_changes" are words of their own, but a
     * name ending in it with '=' right after is an assignment of one
     * (PGPASSWORD=, DB_PASSWORD=, db_password=) */
    if (i > 0 && (s[i - 1] == '_' || (s[i - 1] >= 'a' && s[i - 1] <= 'z') ||
                  (s[i - 1] >= 'A' && s[i - 1] <= 'Z')) &&
        (n - i <= 8 || s[i + 8] != '='))
        return false;
    size_t k = i + sizeof kw - 1;
    bool space = false, assign = false;
    while (k < n && is_space(s[k]))
        k++, space = true;
    if (k < n && (s[k] == '=' || s[k] == ':')) {
        k++;
        assign = true;
        while (k < n && is_space(s[k]))
            k++;
    }
    if (k >= n || (!space && !assign))
        return false;
    /* without '=' only a quoted value is one (PASSWORD 'x'); not PASSWORD NULL,
     * not "password authentication failed" */
    bool quoted = s[k] == '\'' || s[k] == '"' || ((s[k] == 'E' || s[k] == 'e') && k + 1 < n && s[k + 1] == '\'') ||
                  dollar_tag(s, n, k);
    if (!assign && !quoted)
        return false;
    *next = value_end(s, n, k, from, to);
    return *to > *from;
}

/* user:secret@ after a "://": the span of the secret, or false. */
static bool uri_password_at(const char *s, size_t n, size_t i, size_t *from, size_t *to)
{
    size_t k = i + 3, colon = 0;
    for (; k < n && !is_space(s[k]) && s[k] != '/' && s[k] != '@'; k++)
        if (s[k] == ':' && !colon)
            colon = k;
    if (k >= n || s[k] != '@' || !colon)
        return false;
    *from = colon + 1;
    *to = k;
    return *to > *from;
}

/* "pass" + 'w' in any case, or "://", with a hook byte (w, W or :) at i. */
static bool secret_hook_at(const char *s, size_t n, size_t i)
{
    if (s[i] == ':')
        return i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/';
    if (i < 4)
        return false;
    uint32_t v;
    memcpy(&v, s + i - 4, 4);
    uint32_t want;
    memcpy(&want, "pass", 4);
    return (v | 0x20202020u) == want; /* "pass" in any case (the bit makes no other byte a letter of it) */
}

/* A statement word at i ("alter" or "create", then "role" or "user") where a
 * statement starts: the text's start, after "statement:", "execute S_1:",
 * "Query Text:" or a ';'. Where its role name starts, else 0. */
static size_t role_word_at(const char *s, size_t n, size_t i)
{
    size_t k;
    if ((s[i] | 0x20) == 'a' && keyword_at(s + i, "alter", 5))
        k = i + 5;
    else if ((s[i] | 0x20) == 'c' && keyword_at(s + i, "create", 6))
        k = i + 6;
    else
        return 0;
    size_t b = i;
    while (b > 0 && is_space(s[b - 1]))
        b--;
    if (b > 0 && s[b - 1] != ':' && s[b - 1] != ';')
        return 0;
    if (k >= n || !is_space(s[k]))
        return 0;
    while (k < n && is_space(s[k]))
        k++;
    if (n - k > 4 && (keyword_at(s + k, "role", 4) || keyword_at(s + k, "user", 4)) && is_space(s[k + 4]))
        return k + 5;
    return 0;
}

/* The statement starts in s[0..lim): the text's start and the first byte
 * after each ':' or ';' past spaces, tried in order. A role statement can
 * start nowhere else (role_word_at's own test), and ':' and ';' are rarer
 * than the letters a and c after a space, which the candidates were taken
 * from before: looking at every one of those cost 4% of a timeline's time
 * on a statement log. The separators are looked for 16 bytes at a time
 * (SSE2). A candidate needs ten bytes after it within lim, as before. */
static size_t role_statement_at(const char *s, size_t n)
{
    size_t lim = n < PGM_REDACT_ROLE_WINDOW ? n : PGM_REDACT_ROLE_WINDOW, r;
    if (lim <= 10)
        return 0;
    size_t i = 0;
    while (i < lim && is_space(s[i]))
        i++;
    if ((i == 0 || i + 10 < lim) && (r = role_word_at(s, n, i)) != 0)
        return r;
    size_t j = 0;
#if defined(__SSE2__)
    const __m128i colon = _mm_set1_epi8(':'), semi = _mm_set1_epi8(';');
    for (; j + 16 <= lim; j += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
        for (unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, colon), _mm_cmpeq_epi8(x, semi)));
             mask; mask &= mask - 1) {
            size_t k = j + (size_t)__builtin_ctz(mask) + 1;
            while (k < lim && is_space(s[k]))
                k++;
            if (k + 10 < lim && (r = role_word_at(s, n, k)) != 0)
                return r;
        }
    }
#endif
    for (; j < lim; j++) {
        if (s[j] != ':' && s[j] != ';')
            continue;
        size_t k = j + 1;
        while (k < lim && is_space(s[k]))
            k++;
        if (k + 10 < lim && (r = role_word_at(s, n, k)) != 0)
            return r;
    }
    return 0;
}

size_t pgm_redact_role_statement_at(const char *s, size_t n) { return role_statement_at(s, n); }

/* Whether a role statement starts after the separator at j (within lim). */
static bool role_after(const char *s, size_t n, size_t lim, size_t j)
{
    size_t k = j + 1;
    while (k < lim && is_space(s[k]))
        k++;
    return k + 10 < lim && role_word_at(s, n, k) != 0;
}

#if defined(__SSE2__)
/* The bytes of the 16 at p that are ':', ';', 'w' or 'W', as a bit mask. */
static inline unsigned hook_bytes(const char *p)
{
    const __m128i colon = _mm_set1_epi8(':'), semi = _mm_set1_epi8(';'), w = _mm_set1_epi8('w'),
                  big_w = _mm_set1_epi8('W');
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, colon), _mm_cmpeq_epi8(x, semi)),
                                                    _mm_or_si128(_mm_cmpeq_epi8(x, w), _mm_cmpeq_epi8(x, big_w))));
}

/* Whether one of the hook bytes `mask` marks from `base` on starts a secret
 * or a role statement (within lim). */
static bool hooks_worth_a_look(const char *s, size_t n, size_t lim, size_t base, unsigned mask)
{
    for (; mask; mask &= mask - 1) {
        size_t at = base + (size_t)__builtin_ctz(mask);
        if (s[at] != ';' && secret_hook_at(s, n, at))
            return true;
        if ((s[at] == ':' || s[at] == ';') && at < lim && role_after(s, n, lim, at))
            return true;
    }
    return false;
}
#endif

/* Whether s may hold a secret: a role statement starts in it
 * (role_statement_at), or a password or URL credentials may be in it (a hook
 * byte, secret_hook_at). Their bytes (':', ';', 'w', 'W') are looked for
 * together, 16 at a time (SSE2): nearly every text has neither, and the two
 * were a pass each over every message and detail of a timeline. */
static bool worth_a_look(const char *s, size_t n)
{
    size_t lim = n < PGM_REDACT_ROLE_WINDOW ? n : PGM_REDACT_ROLE_WINDOW;
    if (lim <= 10)
        lim = 0; /* no role statement fits */
    if (lim) {
        size_t i = 0;
        while (i < lim && is_space(s[i]))
            i++;
        if ((i == 0 || i + 10 < lim) && role_word_at(s, n, i))
            return true;
    }
    size_t j = 0;
#if defined(__SSE2__)
    for (; j + 16 <= n; j += 16)
        if (hooks_worth_a_look(s, n, lim, j, hook_bytes(s + j)))
            return true;
    if (j < n && n >= 16) {
        /* the last bytes as the block that ends where the text does, less
         * the bytes of it looked at above */
        size_t at = n - 16;
        if (hooks_worth_a_look(s, n, lim, at, hook_bytes(s + at) >> (j - at) << (j - at)))
            return true;
        j = n;
    }
#endif
    for (; j < n; j++) {
        char c = s[j];
        if (c != ':' && c != ';' && c != 'w' && c != 'W')
            continue;
        if (c != ';' && secret_hook_at(s, n, j))
            return true;
        if ((c == ':' || c == ';') && j < lim && role_after(s, n, lim, j))
            return true;
    }
    return false;
}

/* VALID UNTIL 'infinity': the one literal of a role statement that is a date. */
static bool after_until(const char *s, size_t i)
{
    size_t k = i;
    while (k > 0 && is_space(s[k - 1]))
        k--;
    return k >= 5 && keyword_at(s + k - 5, "until", 5) && (k == 5 || !is_ident(s[k - 6]));
}

/* A literal at i ('...', E'...', $$...$$): its value's span, or false. */
static bool literal_at(const char *s, size_t n, size_t i, size_t *from, size_t *to, size_t *next)
{
    bool e = (s[i] == 'E' || s[i] == 'e') && i + 1 < n && s[i + 1] == '\'' && (i == 0 || !is_ident(s[i - 1]));
    if (s[i] != '\'' && !e && !dollar_tag(s, n, i))
        return false;
    *next = value_end(s, n, i, from, to);
    return true;
}

/* A text with a secret that `out` has no room to hold redacted in part:
 * all of it goes (never the text as it was). */
static bool redact_whole(size_t n, pgm_strbuf *out)
{
    pgm_strbuf_reset(out);
    if (pgm_strbuf_addf(out, "[REDACTED: %zu bytes with a secret, too long to redact in part]", n) != 0)
        pgm_strbuf_reset(out);
    return true;
}

bool pgm_redact(const char *s, size_t n, pgm_strbuf *out)
{
    bool plain;
    return pgm_redact_noting(s, n, out, &plain);
}

bool pgm_redact_noting(const char *s, size_t n, pgm_strbuf *out, bool *plain)
{
    /* a password keyword holds "passw", whose 'w' is a hook worth_a_look
     * looks at (secret_hook_at) */
    *plain = !n || !worth_a_look(s, n);
    if (*plain)
        return false;
    size_t role = role_statement_at(s, n);
    bool any = false;
    size_t copied = 0;
    pgm_strbuf_reset(out);
    for (size_t i = 0; i < n;) {
        size_t from, to, next = i + 1;
        bool hit = false;
        if (role && i >= role && literal_at(s, n, i, &from, &to, &next))
            hit = to > from && !after_until(s, i);
        else if (s[i] == 'p' || s[i] == 'P')
            hit = password_at(s, n, i, &from, &to, &next);
        else if (s[i] == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/') {
            hit = uri_password_at(s, n, i, &from, &to);
            next = hit ? to : i + 3;
        }
        if (hit) {
            if (pgm_strbuf_add(out, s + copied, from - copied) || pgm_strbuf_addstr(out, PGM_REDACTED))
                return redact_whole(n, out);
            copied = to;
            any = true;
        }
        i = next > i ? next : i + 1;
    }
    if (!any)
        return false;
    if (pgm_strbuf_add(out, s + copied, n - copied))
        return redact_whole(n, out);
    return true;
}

/* "password" whose 'w' is at w (and a byte after it), then a bind
 * parameter ($1...) after spaces. */
static bool password_parameter_at(const char *s, size_t n, size_t w)
{
    if (w < 4 || w + 4 >= n)
        return false;
    size_t i = w - 4;
    if (!keyword_at(s + i, "password", 8) || (i > 0 && is_ident(s[i - 1])))
        return false;
    size_t k = i + 8;
    while (k < n && is_space(s[k]))
        k++;
    return k + 1 < n && s[k] == '$' && s[k + 1] >= '0' && s[k + 1] <= '9';
}

#if defined(__SSE2__)
/* Whether a 'w' of the 16 bytes at `base`, less the first `seen` (looked at
 * already), is that of "password" before a bind parameter. */
static inline __attribute__((always_inline)) bool password_parameter_in(const char *s, size_t n, size_t base, unsigned seen)
{
    const __m128i low = _mm_set1_epi8(0x20), w = _mm_set1_epi8('w');
    __m128i x = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + base)), low);
    for (unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, w)) >> seen << seen; mask; mask &= mask - 1)
        if (password_parameter_at(s, n, base + (size_t)__builtin_ctz(mask)))
            return true;
    return false;
}
#endif

/* Looked for by the 'w' of "password", rarer in statements than its 'p',
 * 16 bytes at a time (SSE2), the last ones as the block that ends where the
 * text does: this runs on every statement logged with parameters. */
bool pgm_redact_password_parameter(const char *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16)
        if (password_parameter_in(s, n, i, 0))
            return true;
    if (i < n && n >= 16)
        return password_parameter_in(s, n, n - 16, (unsigned)(i - (n - 16)));
#endif
    for (; i < n; i++)
        if ((s[i] | 0x20) == 'w' && password_parameter_at(s, n, i))
            return true;
    return false;
}

bool pgm_redact_literals(const char *s, size_t n, pgm_strbuf *out)
{
    bool any = false;
    size_t copied = 0;
    pgm_strbuf_reset(out);
    for (size_t i = 0; i < n;) {
        size_t from, to, next = i + 1;
        if (literal_at(s, n, i, &from, &to, &next) && to > from) {
            if (pgm_strbuf_add(out, s + copied, from - copied) || pgm_strbuf_addstr(out, PGM_REDACTED))
                return redact_whole(n, out);
            copied = to;
            any = true;
        }
        i = next > i ? next : i + 1;
    }
    if (!any)
        return false;
    return pgm_strbuf_add(out, s + copied, n - copied) == 0 || redact_whole(n, out);
}
