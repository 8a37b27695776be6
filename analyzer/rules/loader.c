/* Rule packs: YAML tree -> validated rules, every error with file:line:column. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <errno.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog/catalog.h"
#include "catalog/event_kinds.h"
#include "rules/ruleset.h"
#include "rules/yaml_doc.h"
#include "util/grow.h"

const char *pgm_severity_name(enum pgm_severity s)
{
    static const char *const names[] = {"info", "low", "medium", "high", "critical"};
    return names[s];
}

bool pgm_severity_parse(const char *s, enum pgm_severity *out)
{
    for (int i = PGM_SEV_INFO; i <= PGM_SEV_CRITICAL; i++)
        if (strcmp(s, pgm_severity_name((enum pgm_severity)i)) == 0) {
            *out = (enum pgm_severity)i;
            return true;
        }
    return false;
}

const char *pgm_shape_name(enum pgm_shape s)
{
    return s == PGM_SHAPE_MATCH ? "match" : s == PGM_SHAPE_THRESHOLD ? "threshold" : "check";
}

/* ------------------------------------------------------------------ errors */

typedef struct ctx {
    const char *file;
    pgm_load_errors *errs;
    size_t added;
} ctx;

static void error_at(ctx *c, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void error_at(ctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
    c->added++;
    if (c->errs->n >= PGM_MAX_LOAD_ERRORS) {
        c->errs->dropped++;
        return;
    }
    char msg[PGM_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t need = strlen(c->file) + strlen(msg) + 32;
    char *full = malloc(need);
    if (!full) {
        c->errs->dropped++;
        return;
    }
    snprintf(full, need, "%s:%u:%u: %s", c->file, line, col, msg);
    c->errs->msg[c->errs->n++] = full;
}

static void error_node(ctx *c, const pgm_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error_node(ctx *c, const pgm_ynode *n, const char *fmt, ...)
{
    char msg[PGM_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    error_at(c, n ? n->line : 1, n ? n->col : 1, "%s", msg);
}

void pgm_load_errors_free(pgm_load_errors *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->msg[i]);
    memset(e, 0, sizeof *e);
}

/* ----------------------------------------------------------- tree helpers */

static const char *scalar(ctx *c, const pgm_ynode *n, const char *what)
{
    if (!n || n->type != PGM_Y_SCALAR) {
        error_node(c, n, "%s must be a single value", what);
        return NULL;
    }
    return n->text;
}

static char *dup_scalar(ctx *c, const pgm_ynode *n, const char *what)
{
    const char *s = scalar(c, n, what);
    return s ? strdup(s) : NULL;
}

/* Prose fields lose the newline a YAML block scalar ends with. */
static char *dup_text(ctx *c, const pgm_ynode *n, const char *what)
{
    char *s = dup_scalar(c, n, what);
    if (s) {
        size_t l = strlen(s);
        while (l && (s[l - 1] == '\n' || s[l - 1] == ' '))
            s[--l] = '\0';
    }
    return s;
}

/* A string or a list of strings. */
static bool strlist(ctx *c, const pgm_ynode *n, const char *what, pgm_strlist *out)
{
    if (!n)
        return true;
    size_t cnt = n->type == PGM_Y_SCALAR ? 1 : n->type == PGM_Y_SEQ ? n->n : 0;
    if (n->type == PGM_Y_MAP) {
        error_node(c, n, "%s must be a string or a list of strings", what);
        return false;
    }
    out->v = calloc(cnt ? cnt : 1, sizeof *out->v);
    if (!out->v)
        return false;
    for (size_t i = 0; i < cnt; i++) {
        const pgm_ynode *it = n->type == PGM_Y_SCALAR ? n : n->items[i];
        if (it->type != PGM_Y_SCALAR) {
            error_node(c, it, "%s must be a string or a list of strings", what);
            return false;
        }
        out->v[out->n++] = strdup(it->text);
    }
    return true;
}

static void free_strlist(pgm_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Rejects keys not in `allowed`, pointing at the key. */
static bool known_keys(ctx *c, const pgm_ynode *map, const char *where, const char *const *allowed)
{
    bool ok = true;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const pgm_ynode *k = map->items[i];
        bool found = false;
        for (const char *const *a = allowed; *a; a++)
            if (k->type == PGM_Y_SCALAR && strcmp(k->text, *a) == 0)
                found = true;
        if (!found) {
            const char *best = NULL;
            unsigned bd = 1000;
            for (const char *const *a = allowed; *a && k->type == PGM_Y_SCALAR; a++) {
                unsigned d = pgm_catalog_distance(k->text, *a);
                if (d < bd) {
                    bd = d;
                    best = *a;
                }
            }
            if (best && bd <= 3)
                error_node(c, k, "unknown field '%s' in %s (did you mean '%s'?)",
                           k->type == PGM_Y_SCALAR ? k->text : "?", where, best);
            else
                error_node(c, k, "unknown field '%s' in %s", k->type == PGM_Y_SCALAR ? k->text : "?",
                           where);
            ok = false;
        }
        for (size_t j = 0; j < i; j += 2)
            if (k->type == PGM_Y_SCALAR && map->items[j]->type == PGM_Y_SCALAR &&
                strcmp(map->items[j]->text, k->text) == 0) {
                error_node(c, k, "field '%s' given twice in %s", k->text, where);
                ok = false;
            }
    }
    return ok;
}

static bool is_identifier(const char *s)
{
    if (!*s || !((*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* Longest duration a rule may name: a window or an offset beyond a year is a typo. */
#define PGM_RULE_MAX_DURATION_MS (366.0 * 86400.0 * 1000.0)

/* A duration that parses but is longer than PGM_RULE_MAX_DURATION_MS. */
static bool over_a_year(const char *s)
{
    pgm_value v;
    return pgm_value_parse_quantity(s, strlen(s), &v) && v.dim == PGM_DIM_TIME && v.num > PGM_RULE_MAX_DURATION_MS;
}

static bool parse_duration_us(const char *s, int64_t *out)
{
    pgm_value v;
    if (!pgm_value_parse_quantity(s, strlen(s), &v) || v.dim != PGM_DIM_TIME || v.num < 0 ||
        v.num > PGM_RULE_MAX_DURATION_MS)
        return false;
    *out = (int64_t)(v.num * 1000.0);
    return true;
}

/* ------------------------------------------------------------- rule parts */

const char *const pgm_source_kinds[] = {"pg_log", "pg_conf", "pg_settings", "spring_conf",
                                        "hikari_conf", "app_log", "pg_stat_activity",
                                        "k8s_manifest", "env_file", "system_log", "pgbouncer_log",
                                        "pgbouncer_conf", NULL};
const char *const pgm_match_fields[] = {"message", "line", "detail", "hint", "context",
                                        "statement", "query", "sqlstate", NULL};
static const char *const also_lines[] = {"DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY",
                                         "LOCATION", NULL};

static bool in(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static void compile_pattern(ctx *c, pgm_rule *r, const pgm_ynode *pat)
{
    int code;
    PCRE2_SIZE off;
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (r->caseless ? PCRE2_CASELESS : 0);
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED, opts, &code, &off,
                                   NULL);
    if (!re) {
        PCRE2_UCHAR buf[160];
        pcre2_get_error_message(code, buf, sizeof buf);
        /* Point at the offending character when the pattern is a plain one-line scalar. */
        unsigned col = pat->col + (unsigned)off + (pat->quoted ? 1u : 0u);
        error_at(c, pat->line, col, "bad regular expression: %s (at offset %zu)", (char *)buf,
                 (size_t)off);
        return;
    }
    /* the interpreter when JIT is unavailable */
    r->jit = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
    r->re = re;
    if (r->jit) {
        pcre2_code *ascii = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED,
                                          opts & ~(uint32_t)PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
        if (ascii && pcre2_jit_compile(ascii, PCRE2_JIT_COMPLETE) == 0)
            r->re_ascii = ascii;
        else
            pcre2_code_free(ascii);
    }
    uint32_t groups = 0, namecount = 0, entry = 0;
    PCRE2_SPTR table;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
    pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &namecount);
    pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &entry);
    pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
    if (groups + 1 > PGM_MAX_CAPTURES) {
        error_node(c, pat, "pattern has %u groups; at most %u", groups, PGM_MAX_CAPTURES - 1);
        return;
    }
    r->n_groups = groups;
    r->capture_names = calloc(groups + 1, sizeof *r->capture_names);
    if (!r->capture_names)
        return;
    for (uint32_t i = 0; i < namecount; i++) {
        const unsigned char *e = table + (size_t)i * entry;
        unsigned num = (unsigned)(e[0] << 8 | e[1]);
        const char *name = (const char *)e + 2;
        if (!is_identifier(name))
            error_node(c, pat, "capture name '%s' is not a field name (lower case, digits, _)", name);
        if (num <= groups)
            r->capture_names[num] = strdup(name);
    }
}

static void load_match(ctx *c, pgm_rule *r, const pgm_ynode *m)
{
    static const char *const keys[] = {"prefilter", "prefix", "pattern", "field", "kind", "also",
                                       "level",     "fallback", "caseless", "released", NULL};
    if (m->type != PGM_Y_MAP) {
        error_node(c, m, "match must be a mapping");
        return;
    }
    known_keys(c, m, "match", keys);
    strlist(c, pgm_ymap_get(m, "prefilter"), "match.prefilter", &r->prefilter);
    for (size_t i = 0; i < r->prefilter.n; i++)
        if (!r->prefilter.v[i][0])
            error_node(c, pgm_ymap_get(m, "prefilter"), "an empty prefilter matches everything");
    const pgm_ynode *n;
    strlist(c, pgm_ymap_get(m, "prefix"), "match.prefix", &r->prefixes);
    for (size_t i = 0; i < r->prefixes.n; i++)
        if (!r->prefixes.v[i][0])
            error_node(c, pgm_ymap_get(m, "prefix"), "an empty prefix matches everything");
    if ((n = pgm_ymap_get(m, "caseless"))) {
        const char *v = scalar(c, n, "match.caseless");
        r->caseless = v && strcmp(v, "true") == 0;
    }
    r->field = strdup("message");
    if ((n = pgm_ymap_get(m, "field"))) {
        const char *v = scalar(c, n, "match.field");
        if (v && !in(v, pgm_match_fields))
            error_node(c, n, "unknown field '%s' to match (message, line, detail, hint, context, "
                             "statement, query, sqlstate)", v);
        else if (v) {
            free(r->field);
            r->field = strdup(v);
        }
    }
    if ((n = pgm_ymap_get(m, "kind"))) {
        const char *v = scalar(c, n, "match.kind");
        if (v && !pgm_catalog_is_event_kind(v)) {
            const char *s = pgm_catalog_suggest_event_kind(v);
            if (s)
                error_node(c, n, "unknown event kind '%s' (did you mean '%s'?)", v, s);
            else
                error_node(c, n, "unknown event kind '%s' (CONTRACTS.md lists them)", v);
        } else if (v) {
            r->kind = strdup(v);
            r->kind_id = pgm_event_kind_of(v);
        }
    } else {
        error_node(c, m, "match needs 'kind': the event kind it produces");
    }
    if ((n = pgm_ymap_get(m, "fallback"))) {
        const char *v = scalar(c, n, "match.fallback");
        r->fallback = v && strcmp(v, "true") == 0;
    }
    if ((n = pgm_ymap_get(m, "level"))) {
        strlist(c, n, "match.level", &r->levels);
        for (size_t i = 0; i < r->levels.n; i++) {
            const char *l = r->levels.v[i];
            bool word = l[0] != 0;
            for (const char *q = l; *q; q++)
                word = word && ((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9'));
            if (!word)
                error_node(c, n, "'%s' is not a severity word (LOG, FATAL, ERROR, ...)", l);
        }
    }
    if ((n = pgm_ymap_get(m, "also"))) {
        strlist(c, n, "match.also", &r->also);
        for (size_t i = 0; i < r->also.n; i++)
            if (!in(r->also.v[i], also_lines))
                error_node(c, n, "'%s' is not a line to attach (DETAIL, HINT, CONTEXT, STATEMENT, "
                                 "QUERY, LOCATION)", r->also.v[i]);
    }
    if ((n = pgm_ymap_get(m, "released"))) {
        strlist(c, n, "match.released", &r->released);
        for (size_t i = 0; i < r->released.n; i++) {
            const char *e = r->released.v[i], *sep = strstr(e, " => ");
            if (!sep || sep == e || !sep[4])
                error_node(c, n, "'%s' is not 'WORDING => RELEASES' (\"Hikari pool  => HikariCP 2.4.0\")", e);
        }
    }
    const pgm_ynode *pat = pgm_ymap_get(m, "pattern");
    if (!pat) {
        error_node(c, m, "match needs 'pattern'");
        return;
    }
    r->pattern = dup_scalar(c, pat, "match.pattern");
    if (r->pattern)
        compile_pattern(c, r, pat);
}

static void load_threshold(ctx *c, pgm_rule *r, const pgm_ynode *t)
{
    static const char *const keys[] = {"kinds", "group_by", "timespan", "aggregate", "field",
                                       "condition", NULL};
    if (t->type != PGM_Y_MAP) {
        error_node(c, t, "threshold must be a mapping");
        return;
    }
    known_keys(c, t, "threshold", keys);
    const pgm_ynode *n = pgm_ymap_get(t, "kinds");
    if (!n)
        error_node(c, t, "threshold needs 'kinds': the event kinds it counts");
    strlist(c, n, "threshold.kinds", &r->kinds);
    for (size_t i = 0; i < r->kinds.n; i++)
        if (!pgm_catalog_is_event_kind(r->kinds.v[i])) {
            const char *s = pgm_catalog_suggest_event_kind(r->kinds.v[i]);
            error_node(c, n, "unknown event kind '%s'%s%s%s", r->kinds.v[i], s ? " (did you mean '" : "",
                       s ? s : "", s ? "'?)" : "");
        }
    strlist(c, pgm_ymap_get(t, "group_by"), "threshold.group_by", &r->group_by);
    for (size_t i = 0; i < r->group_by.n; i++)
        if (!is_identifier(r->group_by.v[i]))
            error_node(c, pgm_ymap_get(t, "group_by"), "'%s' is not a field name", r->group_by.v[i]);
    if ((n = pgm_ymap_get(t, "timespan"))) {
        const char *v = scalar(c, n, "threshold.timespan");
        if (v && over_a_year(v))
            error_node(c, n, "timespan '%s' is longer than 366 days (PGM_RULE_MAX_DURATION_MS): a typo?", v);
        else if (v && (!parse_duration_us(v, &r->timespan_us) || r->timespan_us == 0))
            error_node(c, n, "timespan '%s' is not a duration like 30s, 5min, 1h", v);
    } else {
        error_node(c, t, "threshold needs 'timespan'");
    }
    r->aggregate = PGM_AGG_COUNT;
    if ((n = pgm_ymap_get(t, "aggregate"))) {
        static const char *const aggs[] = {"count", "distinct", "sum", "max", NULL};
        const char *v = scalar(c, n, "threshold.aggregate");
        if (v && !in(v, aggs))
            error_node(c, n, "aggregate '%s' is not count, distinct, sum or max", v);
        else if (v)
            r->aggregate = strcmp(v, "count") == 0      ? PGM_AGG_COUNT
                           : strcmp(v, "distinct") == 0 ? PGM_AGG_DISTINCT
                           : strcmp(v, "sum") == 0      ? PGM_AGG_SUM
                                                        : PGM_AGG_MAX;
    }
    if ((n = pgm_ymap_get(t, "field"))) {
        r->agg_field = dup_scalar(c, n, "threshold.field");
        if (r->agg_field && !is_identifier(r->agg_field))
            error_node(c, n, "'%s' is not a field name", r->agg_field);
    } else if (r->aggregate != PGM_AGG_COUNT) {
        error_node(c, t, "aggregate %s needs 'field'",
                   r->aggregate == PGM_AGG_DISTINCT ? "distinct" : r->aggregate == PGM_AGG_SUM ? "sum" : "max");
    }
    const pgm_ynode *cond = pgm_ymap_get(t, "condition");
    if (!cond || cond->type != PGM_Y_MAP || cond->n != 2) {
        error_node(c, cond ? cond : t, "threshold needs 'condition' with one of gte, gt, lte, lt, eq");
        return;
    }
    static const char *const cmps[] = {"gte", "gt", "lte", "lt", "eq", NULL};
    const pgm_ynode *k = cond->items[0], *v = cond->items[1];
    if (k->type != PGM_Y_SCALAR || !in(k->text, cmps)) {
        error_node(c, k, "condition '%s' is not gte, gt, lte, lt or eq", k->type == PGM_Y_SCALAR ? k->text : "?");
        return;
    }
    r->cmp = strcmp(k->text, "gte") == 0 ? PGM_CMP_GTE : strcmp(k->text, "gt") == 0 ? PGM_CMP_GT
             : strcmp(k->text, "lte") == 0 ? PGM_CMP_LTE : strcmp(k->text, "lt") == 0 ? PGM_CMP_LT
                                                                                     : PGM_CMP_EQ;
    pgm_value q;
    if (v->type != PGM_Y_SCALAR || !pgm_value_parse_quantity(v->text, v->len, &q))
        error_node(c, v, "condition value must be a number");
    else
        r->cmp_value = q.num;
}

static void load_check(ctx *c, pgm_rule *r, const pgm_ynode *ck)
{
    const pgm_ynode *exprn = ck;
    if (ck->type == PGM_Y_MAP) {
        static const char *const keys[] = {"expr", "for_each", NULL};
        known_keys(c, ck, "check", keys);
        const pgm_ynode *fe = pgm_ymap_get(ck, "for_each");
        if (fe) {
            const char *v = scalar(c, fe, "check.for_each");
            if (v && strcmp(v, "pool") != 0 && strcmp(v, "key") != 0)
                error_node(c, fe, "for_each '%s': the collections are 'pool' and 'key'", v);
            else if (v)
                r->for_each = strdup(v);
        }
        exprn = pgm_ymap_get(ck, "expr");
        if (!exprn) {
            error_node(c, ck, "check needs 'expr'");
            return;
        }
    }
    const char *src = scalar(c, exprn, "check.expr");
    if (!src)
        return;
    r->expr_text = strdup(src);
    if (r->expr_text) {
        size_t l = strlen(r->expr_text);
        while (l && (r->expr_text[l - 1] == '\n' || r->expr_text[l - 1] == ' '))
            r->expr_text[--l] = '\0';
    }
    size_t at = 0;
    char err[PGM_ERR_MAX];
    r->expr = pgm_expr_parse(src, strlen(src), r->for_each, &at, err);
    if (!r->expr) {
        /* Position: the scalar's start plus the offset, counting lines in block scalars. */
        unsigned line = exprn->line, col = exprn->col + (exprn->quoted ? 1u : 0u);
        for (size_t i = 0; i < at && src[i]; i++) {
            if (src[i] == '\n') {
                line++;
                col = exprn->col + 2;
            } else {
                col++;
            }
        }
        error_at(c, line, col, "%s", err);
    }
}

/* ------------------------------------------------------------------ tests */

static void free_kv(pgm_kv *kv, size_t n);

static bool load_kv(ctx *c, const pgm_ynode *m, const char *what, pgm_kv **out, size_t *n)
{
    if (m->type != PGM_Y_MAP) {
        error_node(c, m, "%s must be a mapping", what);
        return false;
    }
    *out = calloc(m->n / 2 + 1, sizeof **out);
    if (!*out)
        return false;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const pgm_ynode *k = m->items[i], *v = m->items[i + 1];
        if (k->type != PGM_Y_SCALAR || v->type != PGM_Y_SCALAR) {
            error_node(c, v, "%s values must be single values", what);
            return false;
        }
        for (size_t j = 0; j < *n; j++)
            if (strcmp((*out)[j].key, k->text) == 0) {
                error_node(c, k, "'%s' given twice in %s", k->text, what);
                return false;
            }
        (*out)[*n].key = strdup(k->text);
        (*out)[*n].value = strdup(v->text);
        (*n)++;
    }
    return true;
}

/* A check test's records of one collection: `pools:` or `keys:`. */
static void load_records(ctx *c, const pgm_ynode *n, const char *coll, pgm_kv ***recs,
                         size_t **sizes, size_t *count)
{
    if (!n)
        return;
    if (n->type != PGM_Y_SEQ) {
        error_node(c, n, "%ss must be a list of mappings", coll);
        return;
    }
    *recs = calloc(n->n + 1, sizeof **recs);
    *sizes = calloc(n->n + 1, sizeof **sizes);
    for (size_t k = 0; *recs && *sizes && k < n->n; k++) {
        load_kv(c, n->items[k], coll, &(*recs)[k], &(*sizes)[k]);
        (*count)++;
        for (size_t f = 0; f < (*sizes)[k]; f++)
            if (!pgm_catalog_is_record_field(coll, (*recs)[k][f].key, strlen((*recs)[k][f].key)))
                error_node(c, n->items[k], "unknown %s field '%s'", coll, (*recs)[k][f].key);
    }
}

static void load_tests(ctx *c, pgm_rule *r, const pgm_ynode *t)
{
    if (t->type != PGM_Y_SEQ || t->n == 0) {
        error_node(c, t, "tests must be a list of cases");
        return;
    }
    r->tests = calloc(t->n, sizeof *r->tests);
    if (!r->tests)
        return;
    for (size_t i = 0; i < t->n; i++) {
        const pgm_ynode *tc = t->items[i];
        pgm_rule_test *x = &r->tests[r->n_tests++];
        x->line = tc->line;
        if (tc->type != PGM_Y_MAP) {
            error_node(c, tc, "a test case is a mapping");
            continue;
        }
        const pgm_ynode *n;
        if (r->shape == PGM_SHAPE_MATCH) {
            static const char *const keys[] = {"match", "no_match", "fields", NULL};
            known_keys(c, tc, "a match test", keys);
            const pgm_ynode *yes = pgm_ymap_get(tc, "match"), *no = pgm_ymap_get(tc, "no_match");
            if (!!yes == !!no) {
                error_node(c, tc, "a match test has either 'match' or 'no_match'");
                continue;
            }
            x->positive = yes != NULL;
            x->text = dup_scalar(c, yes ? yes : no, "test text");
            if ((n = pgm_ymap_get(tc, "fields")))
                load_kv(c, n, "fields", &x->kv, &x->n_kv);
        } else if (r->shape == PGM_SHAPE_CHECK) {
            static const char *const keys[] = {"facts", "pools", "keys", "fires", NULL};
            known_keys(c, tc, "a check test", keys);
            if ((n = pgm_ymap_get(tc, "facts"))) {
                load_kv(c, n, "facts", &x->kv, &x->n_kv);
                for (size_t k = 0; k < x->n_kv; k++)
                    if (!pgm_catalog_is_fact(x->kv[k].key, strlen(x->kv[k].key)))
                        error_node(c, n, "unknown fact '%s'", x->kv[k].key);
            }
            load_records(c, pgm_ymap_get(tc, "pools"), "pool", &x->pools, &x->pool_sizes, &x->n_pools);
            load_records(c, pgm_ymap_get(tc, "keys"), "key", &x->keys, &x->key_sizes, &x->n_keys);
            const char *fires = (n = pgm_ymap_get(tc, "fires")) ? scalar(c, n, "fires") : NULL;
            if (!fires || (strcmp(fires, "true") && strcmp(fires, "false")))
                error_node(c, n ? n : tc, "a check test says 'fires: true' or 'fires: false'");
            x->positive = fires && strcmp(fires, "true") == 0;
        } else {
            static const char *const keys[] = {"events", "fires", NULL};
            known_keys(c, tc, "a threshold test", keys);
            const pgm_ynode *ev = pgm_ymap_get(tc, "events");
            if (!ev || ev->type != PGM_Y_SEQ) {
                error_node(c, ev ? ev : tc, "a threshold test has 'events': a list");
            } else {
                x->events = calloc(ev->n + 1, sizeof *x->events);
                for (size_t k = 0; x->events && k < ev->n; k++) {
                    pgm_test_event *te = &x->events[x->n_events++];
                    pgm_kv *kv = NULL;
                    size_t nkv = 0;
                    if (!load_kv(c, ev->items[k], "an event", &kv, &nkv)) {
                        free_kv(kv, nkv);
                        continue;
                    }
                    te->fields = kv;
                    for (size_t f = 0; f < nkv; f++) {
                        if (strcmp(kv[f].key, "at") == 0) {
                            if (!parse_duration_us(kv[f].value, &te->at_us))
                                error_node(c, ev->items[k], "at: '%s' is not a duration from the start",
                                           kv[f].value);
                        } else if (strcmp(kv[f].key, "kind") == 0) {
                            free(te->kind);
                            te->kind = strdup(kv[f].value);
                        } else {
                            continue;
                        }
                    }
                    te->n_fields = nkv;
                    if (!te->kind)
                        error_node(c, ev->items[k], "a test event needs 'kind'");
                }
            }
            const char *fires = (n = pgm_ymap_get(tc, "fires")) ? scalar(c, n, "fires") : NULL;
            if (!fires || (strcmp(fires, "true") && strcmp(fires, "false")))
                error_node(c, n ? n : tc, "a threshold test says 'fires: true' or 'fires: false'");
            x->positive = fires && strcmp(fires, "true") == 0;
        }
    }
}

/* --------------------------------------------------------------- one rule */

static void free_kv(pgm_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
    }
    free(kv);
}

static void free_rule(pgm_rule *r)
{
    free(r->id), free(r->title), free(r->status), free(r->message), free(r->remediation);
    free(r->fix_set), free(r->fix_to), free(r->fix_url_param), free(r->key);
    free_strlist(&r->applies_to), free_strlist(&r->references), free_strlist(&r->tags);
    free(r->file);
    free_strlist(&r->prefilter), free_strlist(&r->prefixes), free_strlist(&r->released), free(r->pattern), free(r->field), free(r->kind);
    free_strlist(&r->also);
    free_strlist(&r->levels);
    pcre2_code_free(r->re);
    pcre2_code_free(r->re_ascii);
    for (uint32_t i = 0; r->capture_names && i <= r->n_groups; i++)
        free(r->capture_names[i]);
    free(r->capture_names);
    free_strlist(&r->kinds), free_strlist(&r->group_by), free(r->agg_field);
    pgm_expr_free(r->expr), free(r->expr_text), free(r->for_each);
    for (size_t i = 0; i < r->n_tests; i++) {
        pgm_rule_test *t = &r->tests[i];
        free(t->text);
        free_kv(t->kv, t->n_kv);
        for (size_t k = 0; k < t->n_pools; k++)
            free_kv(t->pools[k], t->pool_sizes[k]);
        free(t->pools), free(t->pool_sizes);
        for (size_t k = 0; k < t->n_keys; k++)
            free_kv(t->keys[k], t->key_sizes[k]);
        free(t->keys), free(t->key_sizes);
        for (size_t k = 0; k < t->n_events; k++) {
            free(t->events[k].kind);
            free_kv(t->events[k].fields, t->events[k].n_fields);
        }
        free(t->events);
    }
    free(r->tests);
    memset(r, 0, sizeof *r);
}

static bool valid_id(const char *id)
{
    /* PGL-CONN-003: capitals and digits in dash-separated parts, ending in a number */
    size_t n = strlen(id);
    if (n < 3 || n > 40 || id[0] < 'A' || id[0] > 'Z')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
            return false;
    return id[n - 1] >= '0' && id[n - 1] <= '9' && strchr(id, '-');
}

static bool valid_template(ctx *c, const pgm_ynode *n, const char *t)
{
    for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e) {
            error_node(c, n, "unclosed '{' in the message template");
            return false;
        }
        char name[64];
        size_t l = (size_t)(e - p - 1);
        if (l == 0 || l >= sizeof name) {
            error_node(c, n, "empty or overlong placeholder in the message template");
            return false;
        }
        memcpy(name, p + 1, l);
        name[l] = '\0';
        if (!is_identifier(name) && !pgm_catalog_is_fact(name, l)) {
            error_node(c, n, "placeholder '{%s}' is neither a field name nor a fact", name);
            return false;
        }
    }
    return true;
}

/* fix: {set: KEY, to: VALUE} or {url_param: NAME=VALUE}: the one change that
 * resolves a check rule's finding, which the postmortem shows as a diff. */
static void load_fix(ctx *c, pgm_rule *r, const pgm_ynode *n)
{
    static const char *const keys[] = {"set", "to", "url_param", NULL};
    if (n->type != PGM_Y_MAP) {
        error_node(c, n, "fix is a mapping: {set: KEY, to: VALUE} or {url_param: NAME=VALUE}");
        return;
    }
    known_keys(c, n, "fix", keys);
    const pgm_ynode *set = pgm_ymap_get(n, "set"), *to = pgm_ymap_get(n, "to"), *param = pgm_ymap_get(n, "url_param");
    if (!!set != !!to || !!set == !!param) {
        error_node(c, n, "fix has either set and to, or url_param");
        return;
    }
    if (set) {
        r->fix_set = dup_text(c, set, "fix.set");
        r->fix_to = dup_text(c, to, "fix.to");
    } else {
        r->fix_url_param = dup_text(c, param, "fix.url_param");
        if (r->fix_url_param && !strchr(r->fix_url_param, '='))
            error_node(c, param, "fix.url_param is NAME=VALUE, like socketTimeout=60");
    }
}

static void load_rule(ctx *c, pgm_ruleset *rs, const pgm_ynode *m)
{
    static const char *const keys[] = {"id", "title", "status", "severity", "applies_to", "message",
                                       "remediation", "references", "tags", "falsepositives",
                                       "tests", "match", "threshold", "check", "fix", "key", NULL};
    if (m->type != PGM_Y_MAP) {
        error_node(c, m, "a rule is a mapping with id, title, severity...");
        return;
    }
    size_t before = c->added;
    known_keys(c, m, "a rule", keys);
    pgm_rule r;
    memset(&r, 0, sizeof r);
    r.file = strdup(c->file);
    r.line = m->line;
    const pgm_ynode *n;
    if ((n = pgm_ymap_get(m, "id"))) {
        r.id = dup_scalar(c, n, "id");
        if (r.id && !valid_id(r.id))
            error_node(c, n, "id '%s' must look like PGL-CONN-003 (capitals, digits, dashes, a number last)", r.id);
        for (size_t i = 0; r.id && i < rs->n; i++)
            if (strcmp(rs->rules[i].id, r.id) == 0)
                error_node(c, n, "duplicate rule id '%s' (first in %s:%u)", r.id, rs->rules[i].file,
                           rs->rules[i].line);
    } else {
        error_node(c, m, "a rule needs 'id'");
    }
    if ((n = pgm_ymap_get(m, "title")))
        r.title = dup_text(c, n, "title");
    else
        error_node(c, m, "a rule needs 'title'");
    r.status = strdup("stable");
    if ((n = pgm_ymap_get(m, "status"))) {
        static const char *const st[] = {"experimental", "test", "stable", "deprecated", NULL};
        const char *v = scalar(c, n, "status");
        if (v && !in(v, st))
            error_node(c, n, "status '%s' is not experimental, test, stable or deprecated", v);
        else if (v) {
            free(r.status);
            r.status = strdup(v);
        }
    }
    if ((n = pgm_ymap_get(m, "severity"))) {
        const char *v = scalar(c, n, "severity");
        if (v && !pgm_severity_parse(v, &r.severity))
            error_node(c, n, "severity '%s' is not info, low, medium, high or critical", v);
    } else {
        error_node(c, m, "a rule needs 'severity'");
    }
    if ((n = pgm_ymap_get(m, "applies_to"))) {
        strlist(c, n, "applies_to", &r.applies_to);
        for (size_t i = 0; i < r.applies_to.n; i++)
            if (!in(r.applies_to.v[i], pgm_source_kinds))
                error_node(c, n, "applies_to '%s' is not a source kind (pg_log, pg_conf, pg_settings, "
                                 "spring_conf, hikari_conf, app_log, pg_stat_activity, k8s_manifest, "
                                 "env_file, system_log, pgbouncer_log, pgbouncer_conf)", r.applies_to.v[i]);
    }
    if ((n = pgm_ymap_get(m, "message"))) {
        r.message = dup_text(c, n, "message");
        if (r.message)
            valid_template(c, n, r.message);
    } else {
        error_node(c, m, "a rule needs 'message'");
    }
    if ((n = pgm_ymap_get(m, "remediation")))
        r.remediation = dup_text(c, n, "remediation");
    if ((n = pgm_ymap_get(m, "fix")))
        load_fix(c, &r, n);
    if ((n = pgm_ymap_get(m, "key")))
        r.key = dup_text(c, n, "key");
    strlist(c, pgm_ymap_get(m, "references"), "references", &r.references);
    strlist(c, pgm_ymap_get(m, "tags"), "tags", &r.tags);

    const pgm_ynode *mt = pgm_ymap_get(m, "match"), *th = pgm_ymap_get(m, "threshold"),
                    *ck = pgm_ymap_get(m, "check");
    int shapes = !!mt + !!th + !!ck;
    if (shapes != 1) {
        error_node(c, m, "a rule has exactly one of match, threshold, check (this one has %d)", shapes);
    } else if (mt) {
        r.shape = PGM_SHAPE_MATCH;
        load_match(c, &r, mt);
    } else if (th) {
        r.shape = PGM_SHAPE_THRESHOLD;
        load_threshold(c, &r, th);
    } else {
        r.shape = PGM_SHAPE_CHECK;
        load_check(c, &r, ck);
    }
    if ((n = pgm_ymap_get(m, "tests")))
        load_tests(c, &r, n);
    else if (shapes == 1)
        error_node(c, m, "a rule needs 'tests': cases that must and must not %s",
                   r.shape == PGM_SHAPE_MATCH ? "match" : "fire");

    if (c->added != before || !r.id) {
        free_rule(&r);
        return;
    }
    pgm_rule *p = pgm_grow(rs->rules, &rs->alloc, rs->n, sizeof *p, 32);
    if (!p) {
        error_node(c, m, "out of memory");
        free_rule(&r);
        return;
    }
    rs->rules = p;
    rs->rules[rs->n++] = r;
}

/* ------------------------------------------------------------------ packs */

void pgm_ruleset_init(pgm_ruleset *rs)
{
    memset(rs, 0, sizeof *rs);
}

void pgm_ruleset_free(pgm_ruleset *rs)
{
    for (size_t i = 0; !rs->borrowed && i < rs->n; i++)
        free_rule(&rs->rules[i]);
    if (!rs->borrowed) {
        free(rs->rules);
        free_strlist(&rs->framework_frames);
    }
    pgm_ruleset_dispatch_free(rs);
    memset(rs, 0, sizeof *rs);
}

/* "file:LINE:COL: ..." -> LINE * 100000 + COL, for ordering one file's errors. */
static unsigned long error_position(const char *msg, size_t file_len)
{
    unsigned line = 0, col = 0;
    if (strlen(msg) > file_len)
        sscanf(msg + file_len, ":%u:%u:", &line, &col);
    return (unsigned long)line * 100000ul + col;
}

static size_t sorting_file_len;
static int cmp_errors(const void *a, const void *b)
{
    unsigned long x = error_position(*(char *const *)a, sorting_file_len);
    unsigned long y = error_position(*(char *const *)b, sorting_file_len);
    return x < y ? -1 : x > y;
}

static size_t load_buffer(pgm_ruleset *rs, const char *data, size_t len, const char *display,
                          pgm_load_errors *errs);

size_t pgm_ruleset_load_buffer(pgm_ruleset *rs, const char *data, size_t len, const char *display,
                               pgm_load_errors *errs)
{
    size_t first = errs->n;
    size_t added = load_buffer(rs, data, len, display, errs);
    /* A reader goes down the file: report in line order (stable for equal lines). */
    if (errs->n - first > 1) {
        sorting_file_len = strlen(display);
        /* insertion sort keeps equal positions in the order found */
        for (size_t i = first + 1; i < errs->n; i++) {
            char *m = errs->msg[i];
            size_t j = i;
            while (j > first && cmp_errors(&errs->msg[j - 1], &m) > 0) {
                errs->msg[j] = errs->msg[j - 1];
                j--;
            }
            errs->msg[j] = m;
        }
    }
    return added;
}

/* framework_frames: class-name prefixes of code that is not the
 * application's own (the pool, drivers, frameworks), skipped when a leak's
 * trace is searched for its culprit. Packs add to one list. */
static void load_frames(ctx *c, pgm_ruleset *rs, const pgm_ynode *n)
{
    if (!n)
        return;
    pgm_strlist more = {0};
    if (!strlist(c, n, "framework_frames", &more)) {
        free_strlist(&more);
        return;
    }
    for (size_t i = 0; i < more.n; i++) {
        const char *f = more.v[i];
        bool ok = f[0] != 0;
        for (const char *q = f; *q && ok; q++)
            ok = (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
                 *q == '.' || *q == '_' || *q == '$';
        if (!ok) {
            error_node(c, n, "'%s' is not a package or class prefix like org.hibernate.", f);
            continue;
        }
        char **nv = realloc(rs->framework_frames.v, (rs->framework_frames.n + 1) * sizeof *nv);
        if (!nv)
            break;
        rs->framework_frames.v = nv;
        rs->framework_frames.v[rs->framework_frames.n++] = more.v[i];
        more.v[i] = NULL;
    }
    for (size_t i = 0; i < more.n; i++)
        free(more.v[i]);
    free(more.v);
}

static size_t load_buffer(pgm_ruleset *rs, const char *data, size_t len, const char *display,
                          pgm_load_errors *errs)
{
    ctx c = {display, errs, 0};
    pgm_ydoc doc;
    char err[PGM_ERR_MAX];
    if (pgm_ydoc_parse(&doc, data, len, err) != PGM_OK) {
        /* err is "line:col: message" */
        unsigned line = 1, col = 1;
        const char *msg = err;
        if (sscanf(err, "%u:%u:", &line, &col) == 2) {
            const char *p = strchr(err, ':');
            p = p ? strchr(p + 1, ':') : NULL;
            msg = p ? p + 2 : err;
        }
        error_at(&c, line, col, "%s", msg);
        return c.added;
    }
    const pgm_ynode *root = doc.root;
    if (!root) {
        error_at(&c, 1, 1, "empty rule file");
    } else if (root->type == PGM_Y_MAP &&
               (pgm_ymap_get(root, "rules") || pgm_ymap_get(root, "framework_frames"))) {
        static const char *const keys[] = {"rules", "framework_frames", NULL};
        known_keys(&c, root, "a pack", keys);
        const pgm_ynode *list = pgm_ymap_get(root, "rules");
        if (list && list->type != PGM_Y_SEQ)
            error_node(&c, list, "'rules' must be a list of rules");
        else
            for (size_t i = 0; list && i < list->n; i++)
                load_rule(&c, rs, list->items[i]);
        load_frames(&c, rs, pgm_ymap_get(root, "framework_frames"));
    } else {
        load_rule(&c, rs, root);
    }
    pgm_ydoc_free(&doc);
    return c.added;
}

size_t pgm_ruleset_load_file(pgm_ruleset *rs, const char *path, pgm_load_errors *errs)
{
    ctx c = {path, errs, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        error_at(&c, 1, 1, "cannot read: %s", strerror(errno));
        return c.added;
    }
    char *buf = malloc(PGM_RULE_FILE_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, PGM_RULE_FILE_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf) {
        error_at(&c, 1, 1, "out of memory");
        return c.added;
    }
    if (n > PGM_RULE_FILE_MAX_BYTES) {
        error_at(&c, 1, 1, "rule file larger than %u bytes", PGM_RULE_FILE_MAX_BYTES);
        free(buf);
        return c.added;
    }
    size_t added = pgm_ruleset_load_buffer(rs, buf, n, path, errs);
    free(buf);
    return added;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t load_dir_rec(pgm_ruleset *rs, const char *dir, pgm_load_errors *errs, int depth,
                           size_t *files)
{
    ctx c = {dir, errs, 0};
    if (depth > 8)
        return 0;
    DIR *d = opendir(dir);
    if (!d) {
        error_at(&c, 1, 1, "cannot read rules directory: %s", strerror(errno));
        return c.added;
    }
    char **names = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char **p = pgm_grow(names, &alloc, n, sizeof *p, 32);
        if (!p)
            break;
        names = p;
        names[n] = strdup(de->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    size_t added = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        size_t l = strlen(names[i]);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            added += load_dir_rec(rs, path, errs, depth + 1, files);
        } else if ((l > 4 && strcmp(names[i] + l - 4, ".yml") == 0) ||
                   (l > 5 && strcmp(names[i] + l - 5, ".yaml") == 0)) {
            if (++*files > PGM_RULES_MAX_FILES) {
                ctx cc = {path, errs, 0};
                error_at(&cc, 1, 1, "more than %u rule files", PGM_RULES_MAX_FILES);
                added += cc.added;
                break;
            }
            added += pgm_ruleset_load_file(rs, path, errs);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return added + c.added;
}

size_t pgm_ruleset_load_dir(pgm_ruleset *rs, const char *dir, pgm_load_errors *errs)
{
    size_t files = 0;
    return load_dir_rec(rs, dir, errs, 0, &files);
}

const pgm_rule *pgm_ruleset_find(const pgm_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->rules[i].id, id) == 0)
            return &rs->rules[i];
    return NULL;
}
