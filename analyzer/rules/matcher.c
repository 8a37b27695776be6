/* Match rules at line speed: a line reaches a rule's regex only when one of
 * the rule's literals occurs in it. Literals are found in one pass over the
 * text with a table of their first two bytes (most positions of a line that
 * no rule wants miss that table at once). */
#define _GNU_SOURCE /* memmem */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ruleset.h"
#include "text/utf8.h"
#include "util/cacheline.h"

/* Up to this many literals are searched one by one (memmem) instead of
 * through the bigram table. */
#define PGM_FEW_LITERALS 8u
/* Prefixes of 4 bytes or more are chained by a hash of those 4 bytes: the
 * messages' first words ("connection ...", "could not ...") share bigrams. */
#define PFX4_BITS 12u
#define PFX4_BUCKETS (1u << PFX4_BITS)

static inline uint32_t pfx4_bucket(const unsigned char *s)
{
    uint32_t k;
    memcpy(&k, s, 4);
    return (k * 2654435761u) >> (32 - PFX4_BITS);
}

typedef struct lit {
    const char *s;
    size_t n;
    uint64_t head, head_mask; /* its first (up to) 8 bytes: most misses end here */
    uint32_t rule;
    uint32_t source_mask; /* the rule's, kept here to avoid touching the rule */
    int32_t next; /* next literal with the same first two bytes, -1 at the end */
} lit;

/* Up to 8 bytes of p as a number (the missing ones zero), in memory order. */
static inline uint64_t first8(const char *p, size_t n)
{
    uint64_t v = 0;
    memcpy(&v, p, n < 8 ? n : 8);
    return v;
}

struct pgm_dispatch {
    uint8_t bigram_seen[65536 / 8];
    int32_t *head;          /* 65536 entries: first literal per bigram, or -1 */
    lit *lits;
    size_t n_lits;
    uint32_t *always;       /* match rules without a prefilter literal (or 1-byte ones) */
    size_t n_always;
    int32_t *pfx_head;      /* 65536 entries: first 2-3 byte prefix per leading bigram, or -1 */
    int32_t *pfx4_head;     /* PFX4_BUCKETS entries: longer prefixes by their first 4 bytes */
    int32_t pfx1_head[256]; /* one-byte prefixes, by that byte */
    lit *pfxs;              /* anchored prefixes (match.prefix) */
    size_t n_pfxs;
    uint32_t *stamp;        /* per rule: the pass that last marked it a candidate */
    uint32_t pass;
    uint32_t *cand;         /* candidates of the current pass */
    bool forked;            /* the tables belong to another ruleset's dispatch */
    size_t n_lits_for[32];  /* literals of the rules that apply to each source kind */
    /* for a source kind with a handful of them: which (indexes into lits) */
    uint32_t few_lits[32][PGM_FEW_LITERALS];
};

void pgm_ruleset_dispatch_free(pgm_ruleset *rs)
{
    struct pgm_dispatch *d = rs->dispatch;
    if (d && d->forked) {
        free(d->stamp);
        free(d->cand);
        free(d);
    } else if (d) {
        free(d->head);
        free(d->lits);
        free(d->always);
        free(d->pfx_head);
        free(d->pfx4_head);
        free(d->pfxs);
        free(d->stamp);
        free(d->cand);
        free(d);
    }
    rs->dispatch = NULL;
    pcre2_match_data_free(rs->match_data);
    pcre2_match_context_free(rs->match_ctx);
    rs->match_data = rs->match_ctx = NULL;
}

int pgm_ruleset_fork(const pgm_ruleset *src, pgm_ruleset *dst)
{
    memset(dst, 0, sizeof *dst);
    const struct pgm_dispatch *sd = src->dispatch;
    /* a thread's own: what it writes at every message, on lines of its own */
    struct pgm_dispatch *d = sd ? pgm_cacheline_alloc(sizeof *d) : NULL;
    if (!d)
        return PGM_FATAL;
    *d = *sd;
    d->forked = true;
    d->pass = 0;
    d->stamp = pgm_cacheline_alloc((src->n + 1) * sizeof *d->stamp);
    size_t np = 0;
    for (size_t i = 0; i < src->n; i++)
        np += src->rules[i].prefixes.n;
    d->cand = pgm_cacheline_alloc((src->n + np + 1) * sizeof *d->cand);
    dst->rules = src->rules;
    dst->n = src->n;
    dst->framework_frames = src->framework_frames;
    dst->dispatch = d;
    dst->borrowed = true;
    dst->match_ctx = pcre2_match_context_copy(src->match_ctx);
    dst->match_data = pcre2_match_data_create(PGM_MAX_CAPTURES, NULL);
    if (!d->stamp || !d->cand || !dst->match_ctx || !dst->match_data) {
        pgm_ruleset_free(dst);
        return PGM_FATAL;
    }
    return PGM_OK;
}

size_t pgm_ruleset_finish(pgm_ruleset *rs, pgm_load_errors *errs)
{
    (void)errs; /* duplicate ids are caught while loading */
    pgm_ruleset_dispatch_free(rs);
    /* what every thread reads at every message on lines of its own (util/cacheline.h) */
    if (rs->n && !rs->borrowed) {
        pgm_rule *own = pgm_cacheline_alloc(rs->n * sizeof *rs->rules);
        if (!own)
            return 1;
        memcpy(own, rs->rules, rs->n * sizeof *rs->rules);
        free(rs->rules);
        rs->rules = own;
        rs->alloc = rs->n;
    }
    struct pgm_dispatch *d = pgm_cacheline_alloc(sizeof *d);
    if (!d)
        return 1;
    rs->dispatch = d;
    size_t nl = 0, np = 0;
    for (size_t i = 0; i < rs->n; i++) {
        nl += rs->rules[i].prefilter.n;
        np += rs->rules[i].prefixes.n;
    }
    d->head = malloc(65536 * sizeof *d->head);
    d->pfx_head = malloc(65536 * sizeof *d->pfx_head);
    d->pfx4_head = malloc(PFX4_BUCKETS * sizeof *d->pfx4_head);
    d->lits = pgm_cacheline_alloc((nl + 1) * sizeof *d->lits);
    d->pfxs = pgm_cacheline_alloc((np + 1) * sizeof *d->pfxs);
    d->always = pgm_cacheline_alloc((rs->n + 1) * sizeof *d->always);
    d->stamp = pgm_cacheline_alloc((rs->n + 1) * sizeof *d->stamp);
    d->cand = pgm_cacheline_alloc((rs->n + np + 1) * sizeof *d->cand);
    rs->match_ctx = pcre2_match_context_create(NULL);
    rs->match_data = pcre2_match_data_create(PGM_MAX_CAPTURES, NULL);
    if (!d->head || !d->pfx_head || !d->pfx4_head || !d->lits || !d->pfxs || !d->always || !d->stamp || !d->cand ||
        !rs->match_ctx || !rs->match_data)
        return 1;
    pcre2_set_match_limit(rs->match_ctx, PGM_PCRE_MATCH_LIMIT);
    pcre2_set_depth_limit(rs->match_ctx, PGM_PCRE_DEPTH_LIMIT);
    pcre2_set_heap_limit(rs->match_ctx, PGM_PCRE_HEAP_LIMIT_KIB);
    for (size_t b = 0; b < 65536; b++)
        d->head[b] = d->pfx_head[b] = -1;
    for (size_t b = 0; b < 256; b++)
        d->pfx1_head[b] = -1;
    for (size_t b = 0; b < PFX4_BUCKETS; b++)
        d->pfx4_head[b] = -1;
    for (size_t i = 0; i < rs->n; i++) {
        pgm_rule *r = &rs->rules[i];
        if (r->shape != PGM_SHAPE_MATCH)
            continue;
        /* field and sources as numbers: no string compares per message */
        r->field_id = 0;
        for (unsigned k = 0; pgm_match_fields[k]; k++)
            if (strcmp(pgm_match_fields[k], r->field) == 0)
                r->field_id = k;
        r->source_mask = r->applies_to.n ? 0 : UINT32_MAX;
        for (size_t a = 0; a < r->applies_to.n; a++)
            for (unsigned k = 0; pgm_source_kinds[k]; k++)
                if (strcmp(pgm_source_kinds[k], r->applies_to.v[a]) == 0)
                    r->source_mask |= 1u << k;
        bool short_lit = r->prefilter.n == 0 && r->prefixes.n == 0;
        for (size_t k = 0; k < r->prefilter.n; k++)
            short_lit = short_lit || strlen(r->prefilter.v[k]) < 2;
        if (short_lit) {
            d->always[d->n_always++] = (uint32_t)i;
            continue;
        }
        for (unsigned b = 0; b < 32 && !r->prefixes.n; b++)
            if (r->source_mask & (1u << b))
                d->n_lits_for[b] += r->prefilter.n;
        const pgm_strlist *list = r->prefixes.n ? &r->prefixes : &r->prefilter;
        for (size_t k = 0; k < list->n; k++) {
            const unsigned char *s = (const unsigned char *)list->v[k];
            uint16_t bg = (uint16_t)(s[0] << 8 | s[1]);
            lit *l = r->prefixes.n ? &d->pfxs[d->n_pfxs] : &d->lits[d->n_lits];
            int32_t *head = !r->prefixes.n               ? &d->head[bg]
                            : !s[1]                       ? &d->pfx1_head[s[0]]
                            : !s[2] || !s[3]              ? &d->pfx_head[bg]
                                                          : &d->pfx4_head[pfx4_bucket(s)];
            l->s = (const char *)s;
            l->n = strlen((const char *)s);
            l->head_mask = l->n >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * l->n)) - 1;
            l->head = first8(l->s, l->n) & l->head_mask;
            l->rule = (uint32_t)i;
            l->source_mask = r->source_mask;
            l->next = *head;
            *head = (int32_t)(r->prefixes.n ? d->n_pfxs++ : d->n_lits++);
            if (!r->prefixes.n)
                d->bigram_seen[bg >> 3] |= (uint8_t)(1u << (bg & 7));
        }
    }
    /* per source kind with a handful of literals: which ones (see classify) */
    for (unsigned b = 0; b < 32; b++) {
        size_t k = 0;
        for (size_t i = 0; i < d->n_lits && d->n_lits_for[b] <= PGM_FEW_LITERALS; i++)
            if (d->lits[i].source_mask & (1u << b))
                d->few_lits[b][k++] = (uint32_t)i;
    }
    return 0;
}

/* Does the literal l occur at t (n bytes left)? The first 8 bytes decide most. */
static inline bool lit_at(const lit *l, const unsigned char *t, size_t n)
{
    if (l->n > n)
        return false;
    uint64_t h = n >= 8 ? first8((const char *)t, 8) : first8((const char *)t, n);
    if ((h & l->head_mask) != l->head)
        return false;
    /* the rest 8 bytes at a time, the last 8 overlapping: no call for a
     * message's first words */
    for (size_t k = 8; k < l->n; k += 8) {
        size_t at = k + 8 <= l->n ? k : l->n - 8;
        if (first8((const char *)t + at, 8) != first8(l->s + at, 8))
            return false;
    }
    return true;
}

static bool applies(const pgm_rule *r, unsigned field_id, uint32_t source_bit, const char *level,
                    size_t level_len)
{
    if (r->field_id != field_id || !(r->source_mask & source_bit))
        return false;
    if (!r->levels.n)
        return true;
    for (size_t i = 0; i < r->levels.n; i++)
        if (level && strlen(r->levels.v[i]) == level_len && memcmp(r->levels.v[i], level, level_len) == 0)
            return true;
    return false;
}

/* `ascii`: the subject is ASCII bytes only (pgm_utf8_all_ascii), so the pattern's
 * code for such subjects may read it. */
static int match_rule(pgm_ruleset *rs, const pgm_rule *r, const char *text, size_t len, bool ascii,
                      pgm_match *out)
{
    if (!r->re || !rs->match_data)
        return 0;
    if (!text)
        text = ""; /* an absent value is an empty subject */
    /* the JIT's fast path skips checks made once at load; with
     * PCRE2_MATCH_INVALID_UTF any bytes are a valid subject, and without it
     * ASCII bytes are (pcre2_jit_match checks no subject: one that is not
     * valid UTF-8 must never reach the code compiled without it) */
    int rc = ascii && r->re_ascii
                 ? pcre2_jit_match(r->re_ascii, (PCRE2_SPTR)text, len, 0, 0, rs->match_data, rs->match_ctx)
             : r->jit ? pcre2_jit_match(r->re, (PCRE2_SPTR)text, len, 0, 0, rs->match_data, rs->match_ctx)
                      : pcre2_match(r->re, (PCRE2_SPTR)text, len, 0, 0, rs->match_data, rs->match_ctx);
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT) {
        rs->limit_hits++;
        if (!rs->limit_rule)
            rs->limit_rule = r->id;
        return 0;
    }
    if (rc < 0)
        return 0;
    out->rule = r;
    out->n_caps = 0;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rs->match_data);
    for (uint32_t g = 1; g <= r->n_groups && g < PGM_MAX_CAPTURES; g++) {
        if (!r->capture_names[g] || (int)g >= rc || ov[2 * g] == PCRE2_UNSET)
            continue;
        pgm_capture *c = &out->caps[out->n_caps++];
        c->name = r->capture_names[g];
        c->p = text + ov[2 * g];
        c->n = ov[2 * g + 1] - ov[2 * g];
    }
    /* the releases that write it so, by the first wording the match holds */
    for (size_t i = 0; i < r->released.n && out->n_caps < PGM_MAX_CAPTURES; i++) {
        const char *e = r->released.v[i], *sep = strstr(e, " => ");
        if (sep && memmem(text + ov[0], ov[1] - ov[0], e, (size_t)(sep - e))) {
            pgm_capture *c = &out->caps[out->n_caps++];
            c->name = "version";
            c->p = sep + 4;
            c->n = strlen(sep + 4);
            break;
        }
    }
    return 1;
}

int pgm_rule_match(pgm_ruleset *rs, const pgm_rule *r, const char *text, size_t len, pgm_match *out)
{
    return match_rule(rs, r, text, len, text && pgm_utf8_all_ascii(text, len), out);
}

int pgm_ruleset_classify(pgm_ruleset *rs, const char *source_kind, const char *field,
                         const char *text, size_t len, pgm_match *out)
{
    return pgm_ruleset_classify_level(rs, source_kind, field, NULL, 0, text, len, out);
}

/* Candidates are sorted by rank: load order, fallback rules after all others. */
static uint32_t rank_of(const pgm_ruleset *rs, uint32_t i)
{
    return rs->rules[i].fallback ? i + (uint32_t)rs->n : i;
}

unsigned pgm_ruleset_field_id(const char *field)
{
    for (unsigned k = 0; pgm_match_fields[k]; k++)
        if (pgm_match_fields[k][0] == field[0] && strcmp(pgm_match_fields[k], field) == 0)
            return k;
    return UINT32_MAX;
}

uint32_t pgm_ruleset_source_bit(const char *source_kind)
{
    for (unsigned k = 0; source_kind && pgm_source_kinds[k]; k++)
        if (pgm_source_kinds[k][0] == source_kind[0] && strcmp(pgm_source_kinds[k], source_kind) == 0)
            return 1u << k;
    return source_kind ? 0 : UINT32_MAX;
}

int pgm_ruleset_classify_level(pgm_ruleset *rs, const char *source_kind, const char *field,
                               const char *level, size_t level_len, const char *text, size_t len,
                               pgm_match *out)
{
    return pgm_ruleset_classify_ids(rs, pgm_ruleset_source_bit(source_kind),
                                    pgm_ruleset_field_id(field), level, level_len, text, len, out);
}

int pgm_ruleset_classify_ids(pgm_ruleset *rs, uint32_t source_bit, unsigned field_id,
                             const char *level, size_t level_len, const char *text, size_t len,
                             pgm_match *out)
{
    struct pgm_dispatch *d = rs->dispatch;
    if (!d)
        return 0;
    if (++d->pass == 0) { /* wrapped: forget every old stamp */
        memset(d->stamp, 0, rs->n * sizeof *d->stamp);
        d->pass = 1;
    }
    size_t nc = 0;
    const unsigned char *t = (const unsigned char *)text;
    /* the literals of the rules for this source: a handful are searched one
     * by one (the C library's substring search beats looking at every byte) */
    bool one_source = source_bit && !(source_bit & (source_bit - 1));
    unsigned b = one_source ? (unsigned)__builtin_ctz(source_bit) : 0;
    bool few = one_source && d->n_lits_for[b] <= PGM_FEW_LITERALS;
    if (few) {
        for (size_t k = 0; k < d->n_lits_for[b]; k++) {
            const lit *l = &d->lits[d->few_lits[b][k]];
            if (d->stamp[l->rule] != d->pass && memmem(t, len, l->s, l->n)) {
                d->stamp[l->rule] = d->pass;
                d->cand[nc++] = rank_of(rs, l->rule);
            }
        }
    }
    for (size_t i = 0; !few && i + 1 < len; i++) {
        uint16_t bg = (uint16_t)(t[i] << 8 | t[i + 1]);
        if (!(d->bigram_seen[bg >> 3] & (1u << (bg & 7))))
            continue;
        for (int32_t k = d->head[bg]; k >= 0; k = d->lits[k].next) {
            const lit *l = &d->lits[k];
            if (d->stamp[l->rule] == d->pass || !lit_at(l, t + i, len - i))
                continue;
            d->stamp[l->rule] = d->pass;
            d->cand[nc++] = rank_of(rs, l->rule);
        }
    }
    for (int round = 0; round < 3 && len >= 1; round++) {
        int32_t k = round == 0 ? d->pfx1_head[t[0]]
                    : round == 1 ? (len >= 2 ? d->pfx_head[t[0] << 8 | t[1]] : -1)
                                 : (len >= 4 ? d->pfx4_head[pfx4_bucket(t)] : -1);
        for (; k >= 0; k = d->pfxs[k].next) {
            const lit *l = &d->pfxs[k];
            if (d->stamp[l->rule] == d->pass || !lit_at(l, t, len))
                continue;
            d->stamp[l->rule] = d->pass;
            d->cand[nc++] = rank_of(rs, l->rule);
        }
    }
    for (size_t k = 0; k < d->n_always; k++)
        if (d->stamp[d->always[k]] != d->pass)
            d->cand[nc++] = rank_of(rs, d->always[k]);
    /* load order decides between rules; candidates are few: insertion sort */
    for (size_t k = 1; k < nc; k++) {
        uint32_t v = d->cand[k];
        size_t j = k;
        for (; j > 0 && d->cand[j - 1] > v; j--)
            d->cand[j] = d->cand[j - 1];
        d->cand[j] = v;
    }
    int ascii = -1; /* looked at once, before the first pattern runs */
    for (size_t k = 0; k < nc; k++) {
        uint32_t i = d->cand[k] >= rs->n ? d->cand[k] - (uint32_t)rs->n : d->cand[k];
        const pgm_rule *r = &rs->rules[i];
        if (!applies(r, field_id, source_bit, level, level_len))
            continue;
        if (ascii < 0)
            ascii = text && pgm_utf8_all_ascii(text, len);
        if (match_rule(rs, r, text, len, ascii, out))
            return 1;
    }
    return 0;
}
