#include "rules/expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

enum op {
    E_LIT, E_PATH, E_NOT, E_NEG, E_AND, E_OR, E_EQ, E_NE, E_LT, E_LE, E_GT, E_GE,
    E_ADD, E_SUB, E_MUL, E_DIV, E_EXISTS, E_SUM, E_MIN, E_MAX, E_COUNT, E_CONTAINS
};

/* Collections an aggregate or for_each can range over. */
static const char *const collections[] = {"pool", "key"};

struct pgm_expr {
    enum op op;
    pgm_value lit;
    char *text;        /* literal string storage, or the path */
    const char *coll;  /* collection of an aggregate, or of a path inside one */
    char *pool_name;   /* hikari.<pool>.<field>: the pool */
    const char *field; /* the field part of a collection path */
    pgm_expr *a, *b;
};

typedef struct parser {
    const char *s;
    size_t n, i;
    int depth;
    const char *for_each;
    const char *agg_coll; /* inside sum()/min()/...: the collection being ranged */
    bool in_agg;
    size_t err_at;
    char *err;
    bool failed;
} parser;

static pgm_expr *parse_or(parser *p);

static void fail(parser *p, size_t at, const char *fmt, const char *arg)
    __attribute__((format(printf, 3, 0)));

static void fail(parser *p, size_t at, const char *fmt, const char *arg)
{
    if (p->failed)
        return;
    p->failed = true;
    p->err_at = at;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    /* Every caller passes a literal with exactly one %s. */
    snprintf(p->err, PGM_ERR_MAX, fmt, arg ? arg : "");
#pragma GCC diagnostic pop
}

static void skip_ws(parser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                           p->s[p->i] == '\r'))
        p->i++;
}

static bool is_id_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool is_id_char(char c) { return is_id_start(c) || (c >= '0' && c <= '9') || c == '-'; }

/* Consumes a keyword or operator if it is next. */
static bool accept(parser *p, const char *tok)
{
    skip_ws(p);
    size_t l = strlen(tok);
    if (p->n - p->i < l || memcmp(p->s + p->i, tok, l) != 0)
        return false;
    if (is_id_start(tok[0]) && p->i + l < p->n && is_id_char(p->s[p->i + l]))
        return false; /* "and" must not match "android" */
    p->i += l;
    return true;
}

static pgm_expr *node(parser *p, enum op op)
{
    pgm_expr *e = calloc(1, sizeof *e);
    if (!e)
        fail(p, p->i, "out of memory%s", NULL);
    else
        e->op = op;
    return e;
}

void pgm_expr_free(pgm_expr *e)
{
    if (!e)
        return;
    pgm_expr_free(e->a);
    pgm_expr_free(e->b);
    free(e->text);
    free(e->pool_name);
    free(e);
}

static pgm_expr *binary(parser *p, enum op op, pgm_expr *a, pgm_expr *b)
{
    if (!a || !b) {
        pgm_expr_free(a);
        pgm_expr_free(b);
        return NULL;
    }
    pgm_expr *e = node(p, op);
    if (!e) {
        pgm_expr_free(a);
        pgm_expr_free(b);
        return NULL;
    }
    e->a = a;
    e->b = b;
    return e;
}

/* A function argument: an expression and the closing parenthesis. */
static pgm_expr *parse_argument(parser *p)
{
    pgm_expr *arg = parse_or(p);
    if (arg && !accept(p, ")")) {
        fail(p, p->i, "expected ')'%s", NULL);
        pgm_expr_free(arg);
        arg = NULL;
    }
    return arg;
}

static const char *collection_of(const char *path)
{
    for (size_t i = 0; i < sizeof collections / sizeof collections[0]; i++) {
        size_t l = strlen(collections[i]);
        if ((strncmp(path, collections[i], l) == 0 && (path[l] == '.' || path[l] == '\0')))
            return collections[i];
    }
    return NULL;
}

static pgm_expr *parse_path(parser *p, bool bare_collection_ok)
{
    size_t start = p->i;
    while (p->i < p->n && (is_id_char(p->s[p->i]) || p->s[p->i] == '.'))
        p->i++;
    size_t len = p->i - start;
    pgm_expr *e = node(p, E_PATH);
    if (!e)
        return NULL;
    e->text = strndup(p->s + start, len);
    if (!e->text) {
        free(e);
        fail(p, start, "out of memory%s", NULL);
        return NULL;
    }
    const char *coll = collection_of(e->text);
    if (coll) {
        if (strcmp(e->text, coll) == 0) {
            if (!bare_collection_ok) {
                fail(p, start, "'%s' is a collection: use it inside count(), sum(), min() or max()",
                     coll);
                pgm_expr_free(e);
                return NULL;
            }
        } else if (!p->in_agg && !(p->for_each && strcmp(p->for_each, coll) == 0)) {
            char msg[PGM_ERR_MAX];
            snprintf(msg, sizeof msg, "'%.80s' ranges over every %s: use it inside sum(), min(), "
                     "max(), count(), or give the rule for_each: %s", e->text, coll, coll);
            fail(p, start, "%s", msg);
            pgm_expr_free(e);
            return NULL;
        }
        e->coll = coll;
        e->field = e->text + strlen(coll) + (e->text[strlen(coll)] == '.');
        if (p->in_agg && !p->agg_coll)
            p->agg_coll = coll;
    }
    if (!(coll && strcmp(e->text, coll) == 0) && !pgm_catalog_is_fact(e->text, len)) {
        const char *dot = strrchr(e->text, '.');
        const char *hint = NULL;
        if (strncmp(e->text, "pg.", 3) == 0)
            hint = pgm_catalog_suggest_guc(e->text + 3);
        else if (dot && coll)
            hint = pgm_catalog_suggest_record_field(coll, dot + 1);
        else if (dot && strncmp(e->text, "hikari.", 7) == 0)
            hint = pgm_catalog_suggest_pool_field(dot + 1);
        if (hint) {
            char msg[PGM_ERR_MAX];
            snprintf(msg, sizeof msg, "unknown fact '%.80s' (did you mean '%.*s%.80s'?)", e->text,
                     (int)(strncmp(e->text, "pg.", 3) == 0 ? 3 : dot - e->text + 1), e->text, hint);
            fail(p, start, "%s", msg);
        } else {
            fail(p, start, "unknown fact '%s'", e->text);
        }
        pgm_expr_free(e);
        return NULL;
    }
    if (strncmp(e->text, "hikari.", 7) == 0) {
        const char *dot = strchr(e->text + 7, '.');
        e->pool_name = strndup(e->text + 7, (size_t)(dot - e->text - 7));
        e->field = dot + 1;
        if (!e->pool_name) {
            pgm_expr_free(e);
            return NULL;
        }
    }
    return e;
}

static pgm_expr *parse_primary(parser *p)
{
    skip_ws(p);
    if (p->i >= p->n) {
        fail(p, p->i, "expression ends too early%s", NULL);
        return NULL;
    }
    if (++p->depth > PGM_EXPR_MAX_DEPTH) {
        fail(p, p->i, "expression nested too deeply%s", NULL);
        return NULL;
    }
    pgm_expr *e = NULL;
    char c = p->s[p->i];
    size_t start = p->i;
    if (c == '(') {
        p->i++;
        e = parse_argument(p);
    } else if (c == '\'' || c == '"') {
        size_t q = p->i + 1;
        while (q < p->n && p->s[q] != c)
            q++;
        if (q >= p->n) {
            fail(p, start, "unterminated string%s", NULL);
        } else if ((e = node(p, E_LIT))) {
            e->text = strndup(p->s + p->i + 1, q - p->i - 1);
            e->lit = (pgm_value){PGM_V_STR, PGM_DIM_NONE, 0, false, e->text};
            p->i = q + 1;
        }
    } else if ((c >= '0' && c <= '9') || c == '.') {
        size_t q = p->i;
        while (q < p->n && ((p->s[q] >= '0' && p->s[q] <= '9') || p->s[q] == '.'))
            q++;
        while (q < p->n && ((p->s[q] >= 'a' && p->s[q] <= 'z') || (p->s[q] >= 'A' && p->s[q] <= 'Z')))
            q++;
        pgm_value v;
        if (!pgm_value_parse_quantity(p->s + p->i, q - p->i, &v)) {
            char tok[64];
            snprintf(tok, sizeof tok, "%.*s", (int)(q - p->i < 60 ? q - p->i : 60), p->s + p->i);
            fail(p, start, "bad number or unit '%s' (units: us ms s min h d, B kB MB GB TB)", tok);
        } else if ((e = node(p, E_LIT))) {
            e->lit = v;
            p->i = q;
        }
    } else if (accept(p, "true") || accept(p, "false")) {
        if ((e = node(p, E_LIT)))
            e->lit = (pgm_value){PGM_V_BOOL, PGM_DIM_NONE, 0, p->s[start] == 't', NULL};
    } else if (is_id_start(c)) {
        static const struct {
            const char *name;
            enum op op;
        } funcs[] = {{"exists", E_EXISTS}, {"sum", E_SUM}, {"min", E_MIN}, {"max", E_MAX}, {"count", E_COUNT}};
        size_t q = p->i;
        while (q < p->n && is_id_char(p->s[q]))
            q++;
        size_t r = q;
        while (r < p->n && p->s[r] == ' ')
            r++;
        if (r < p->n && p->s[r] == '(') {
            enum op op = E_LIT;
            for (size_t k = 0; k < sizeof funcs / sizeof funcs[0]; k++)
                if (strlen(funcs[k].name) == q - p->i && memcmp(funcs[k].name, p->s + p->i, q - p->i) == 0)
                    op = funcs[k].op;
            if (op == E_LIT) {
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)(q - p->i < 60 ? q - p->i : 60), p->s + p->i);
                fail(p, start, "unknown function '%s' (exists, sum, min, max, count)", name);
                p->depth--;
                return NULL;
            }
            p->i = r + 1;
            bool was_in = p->in_agg;
            const char *was_coll = p->agg_coll;
            if (op != E_EXISTS) {
                if (p->in_agg) {
                    fail(p, start, "aggregates cannot be nested%s", NULL);
                    p->depth--;
                    return NULL;
                }
                p->in_agg = true;
                p->agg_coll = NULL;
            }
            pgm_expr *arg;
            skip_ws(p);
            if (op == E_EXISTS || op == E_COUNT) {
                /* exists(path); count(pool) or count(condition) */
                size_t save = p->i;
                arg = NULL;
                if (p->i < p->n && is_id_start(p->s[p->i])) {
                    arg = parse_path(p, op == E_COUNT);
                    if (arg && !accept(p, ")")) {
                        /* count(condition): parse again as an expression */
                        pgm_expr_free(arg);
                        arg = NULL;
                        if (op == E_EXISTS) {
                            fail(p, p->i, "exists() takes one fact path%s", NULL);
                        } else {
                            p->i = save;
                            arg = parse_argument(p);
                        }
                    }
                } else if (op == E_EXISTS) {
                    fail(p, p->i, "exists() takes one fact path%s", NULL);
                } else {
                    arg = parse_argument(p);
                }
            } else {
                arg = parse_argument(p);
            }
            const char *coll = p->agg_coll;
            p->in_agg = was_in;
            p->agg_coll = was_coll;
            if (arg && op != E_EXISTS && !coll) {
                fail(p, start, "%s() needs a collection field inside (pool.<field>)",
                     funcs[op == E_SUM ? 1 : op == E_MIN ? 2 : op == E_MAX ? 3 : 4].name);
                pgm_expr_free(arg);
                arg = NULL;
            }
            if (arg && (e = node(p, op))) {
                e->a = arg;
                e->coll = coll;
            } else {
                pgm_expr_free(arg);
            }
        } else {
            e = parse_path(p, false);
        }
    } else {
        char tok[2] = {c, 0};
        fail(p, start, "unexpected '%s'", tok);
    }
    p->depth--;
    return e;
}

/* Wraps one operand in a unary node (negation, not). */
static pgm_expr *unary(parser *p, enum op op, pgm_expr *a)
{
    if (!a)
        return NULL;
    pgm_expr *e = node(p, op);
    if (!e) {
        pgm_expr_free(a);
        return NULL;
    }
    e->a = a;
    return e;
}

static pgm_expr *parse_unary(parser *p)
{
    if (accept(p, "-"))
        return unary(p, E_NEG, parse_unary(p));
    return parse_primary(p);
}

/* One left-associative level: next (tok1|tok2 next)*; tok2 may be NULL. */
static pgm_expr *left_assoc(parser *p, pgm_expr *(*next)(parser *), const char *tok1, enum op op1,
                            const char *tok2, enum op op2)
{
    pgm_expr *e = next(p);
    while (e && !p->failed) {
        if (accept(p, tok1))
            e = binary(p, op1, e, next(p));
        else if (tok2 && accept(p, tok2))
            e = binary(p, op2, e, next(p));
        else
            break;
    }
    return e;
}

static pgm_expr *parse_mul(parser *p) { return left_assoc(p, parse_unary, "*", E_MUL, "/", E_DIV); }
static pgm_expr *parse_add(parser *p) { return left_assoc(p, parse_mul, "+", E_ADD, "-", E_SUB); }

static pgm_expr *parse_cmp(parser *p)
{
    pgm_expr *e = parse_add(p);
    if (!e || p->failed)
        return e;
    static const struct {
        const char *tok;
        enum op op;
    } ops[] = {{"==", E_EQ}, {"!=", E_NE}, {"<=", E_LE}, {">=", E_GE}, {"<", E_LT}, {">", E_GT},
               {"contains", E_CONTAINS}};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (accept(p, ops[k].tok))
            return binary(p, ops[k].op, e, parse_add(p));
    return e;
}

static pgm_expr *parse_not(parser *p)
{
    if (accept(p, "not")) {
        if (++p->depth > PGM_EXPR_MAX_DEPTH) {
            fail(p, p->i, "expression nested too deeply%s", NULL);
            return NULL;
        }
        pgm_expr *e = unary(p, E_NOT, parse_not(p));
        p->depth--;
        return e;
    }
    return parse_cmp(p);
}

static pgm_expr *parse_and(parser *p) { return left_assoc(p, parse_not, "and", E_AND, NULL, E_AND); }
static pgm_expr *parse_or(parser *p) { return left_assoc(p, parse_and, "or", E_OR, NULL, E_OR); }

pgm_expr *pgm_expr_parse(const char *src, size_t n, const char *for_each, size_t *err_at,
                         char err[PGM_ERR_MAX])
{
    parser p = {.s = src, .n = n, .for_each = for_each, .err = err};
    if (n > PGM_EXPR_MAX_LEN) {
        *err_at = 0;
        snprintf(err, PGM_ERR_MAX, "expression longer than %d bytes", PGM_EXPR_MAX_LEN);
        return NULL;
    }
    pgm_expr *e = parse_or(&p);
    if (e && !p.failed) {
        skip_ws(&p);
        if (p.i < p.n) {
            char tok[24];
            snprintf(tok, sizeof tok, "%.*s", (int)(p.n - p.i < 20 ? p.n - p.i : 20), p.s + p.i);
            fail(&p, p.i, "unexpected '%s' after the expression", tok);
        }
    }
    if (p.failed || !e) {
        if (!p.failed)
            fail(&p, p.i, "bad expression%s", NULL);
        pgm_expr_free(e);
        *err_at = p.err_at;
        return NULL;
    }
    return e;
}

/* ----------------------------------------------------------------- evaluate */

static const pgm_value MISSING = {PGM_V_MISSING, PGM_DIM_NONE, 0, false, NULL};

static pgm_value boolean(bool b)
{
    pgm_value v = {PGM_V_BOOL, PGM_DIM_NONE, 0, b, NULL};
    return v;
}

static pgm_value number(double d, enum pgm_dim dim)
{
    pgm_value v = {PGM_V_NUM, dim, d, false, NULL};
    return v;
}

static bool dims_compatible(pgm_value a, pgm_value b)
{
    return a.dim == b.dim || a.dim == PGM_DIM_NONE || b.dim == PGM_DIM_NONE;
}

static const pgm_fact *lookup_fact(const pgm_expr *e, const pgm_facts *f, const pgm_record *elem)
{
    if (e->coll)
        return elem ? pgm_record_get_fact(elem, e->field) : NULL;
    if (e->pool_name) {
        const pgm_collection *c = pgm_facts_collection(f, "pool");
        for (size_t i = 0; c && i < c->n; i++) {
            const pgm_value *name = pgm_record_get(&c->recs[i], "name");
            if (name && name->type == PGM_V_STR && strcmp(name->str, e->pool_name) == 0)
                return pgm_record_get_fact(&c->recs[i], e->field);
        }
        return NULL;
    }
    return pgm_facts_get_fact(f, e->text);
}

static const pgm_value *lookup(const pgm_expr *e, const pgm_facts *f, const pgm_record *elem)
{
    const pgm_fact *fa = lookup_fact(e, f, elem);
    return fa ? &fa->v : NULL;
}

const pgm_fact *pgm_expr_locate(const pgm_expr *e, const pgm_facts *f, const pgm_record *elem)
{
    if (!e)
        return NULL;
    if (e->op == E_PATH) {
        if (e->coll && strcmp(e->text, e->coll) == 0)
            return NULL; /* a bare collection names no one fact */
        const pgm_fact *fa = lookup_fact(e, f, elem);
        return fa && fa->at.path ? fa : NULL;
    }
    const pgm_fact *fa = pgm_expr_locate(e->a, f, elem);
    return fa ? fa : pgm_expr_locate(e->b, f, elem);
}

static pgm_value compare(enum op op, pgm_value a, pgm_value b)
{
    if (a.type == PGM_V_MISSING || b.type == PGM_V_MISSING || a.type != b.type)
        return MISSING;
    int c;
    if (a.type == PGM_V_NUM) {
        if (!dims_compatible(a, b))
            return MISSING;
        c = a.num < b.num ? -1 : a.num > b.num;
    } else if (a.type == PGM_V_STR) {
        c = strcmp(a.str, b.str);
        if (op != E_EQ && op != E_NE)
            return MISSING;
    } else {
        if (op != E_EQ && op != E_NE)
            return MISSING;
        c = a.b != b.b;
    }
    switch (op) {
    case E_EQ: return boolean(c == 0);
    case E_NE: return boolean(c != 0);
    case E_LT: return boolean(c < 0);
    case E_LE: return boolean(c <= 0);
    case E_GT: return boolean(c > 0);
    default: return boolean(c >= 0);
    }
}

static pgm_value arith(enum op op, pgm_value a, pgm_value b)
{
    if (a.type != PGM_V_NUM || b.type != PGM_V_NUM)
        return MISSING;
    switch (op) {
    case E_ADD:
    case E_SUB:
        if (!dims_compatible(a, b))
            return MISSING;
        return number(op == E_ADD ? a.num + b.num : a.num - b.num, a.dim ? a.dim : b.dim);
    case E_MUL:
        if (a.dim && b.dim)
            return MISSING;
        return number(a.num * b.num, a.dim ? a.dim : b.dim);
    default:
        if (b.num == 0)
            return MISSING;
        if (a.dim && b.dim)
            return a.dim == b.dim ? number(a.num / b.num, PGM_DIM_NONE) : MISSING;
        if (b.dim)
            return MISSING;
        return number(a.num / b.num, a.dim);
    }
}

static pgm_value aggregate(const pgm_expr *e, const pgm_facts *f)
{
    const pgm_collection *c = pgm_facts_collection(f, e->coll);
    if (!c)
        return MISSING;
    if (e->op == E_COUNT && e->a->op == E_PATH && e->a->coll && !*e->a->field)
        return number((double)c->n, PGM_DIM_NONE);
    double acc = 0;
    size_t seen = 0;
    enum pgm_dim dim = PGM_DIM_NONE;
    for (size_t i = 0; i < c->n; i++) {
        pgm_value v = pgm_expr_eval(e->a, f, &c->recs[i]);
        if (e->op == E_COUNT) {
            if (v.type == PGM_V_BOOL && v.b)
                acc++;
            continue;
        }
        if (v.type != PGM_V_NUM)
            continue;
        if (seen && v.dim != dim && v.dim && dim)
            return MISSING;
        if (v.dim)
            dim = v.dim;
        if (!seen)
            acc = v.num;
        else if (e->op == E_SUM)
            acc += v.num;
        else if (e->op == E_MIN ? v.num < acc : v.num > acc)
            acc = v.num;
        seen++;
    }
    if (e->op == E_COUNT)
        return number(acc, PGM_DIM_NONE);
    if (!seen)
        return e->op == E_SUM ? number(0, PGM_DIM_NONE) : MISSING;
    return number(acc, dim);
}

pgm_value pgm_expr_eval(const pgm_expr *e, const pgm_facts *f, const pgm_record *elem)
{
    switch (e->op) {
    case E_LIT:
        return e->lit;
    case E_PATH: {
        const pgm_value *v = lookup(e, f, elem);
        return v ? *v : MISSING;
    }
    case E_EXISTS: {
        const pgm_value *v = lookup(e->a, f, elem);
        return boolean(v != NULL && v->type != PGM_V_MISSING);
    }
    case E_NOT: {
        pgm_value a = pgm_expr_eval(e->a, f, elem);
        return a.type == PGM_V_BOOL ? boolean(!a.b) : MISSING;
    }
    case E_NEG: {
        pgm_value a = pgm_expr_eval(e->a, f, elem);
        return a.type == PGM_V_NUM ? number(-a.num, a.dim) : MISSING;
    }
    case E_AND:
    case E_OR: {
        pgm_value a = pgm_expr_eval(e->a, f, elem);
        bool decisive = e->op == E_OR; /* true decides an or, false an and */
        if (a.type == PGM_V_BOOL && a.b == decisive)
            return a;
        pgm_value b = pgm_expr_eval(e->b, f, elem);
        if (b.type == PGM_V_BOOL && b.b == decisive)
            return b;
        if (a.type == PGM_V_BOOL && b.type == PGM_V_BOOL)
            return boolean(!decisive);
        return MISSING;
    }
    case E_EQ: case E_NE: case E_LT: case E_LE: case E_GT: case E_GE:
        return compare(e->op, pgm_expr_eval(e->a, f, elem), pgm_expr_eval(e->b, f, elem));
    case E_ADD: case E_SUB: case E_MUL: case E_DIV:
        return arith(e->op, pgm_expr_eval(e->a, f, elem), pgm_expr_eval(e->b, f, elem));
    case E_SUM: case E_MIN: case E_MAX: case E_COUNT:
        return aggregate(e, f);
    case E_CONTAINS: {
        pgm_value a = pgm_expr_eval(e->a, f, elem), b = pgm_expr_eval(e->b, f, elem);
        if (a.type != PGM_V_STR || b.type != PGM_V_STR)
            return MISSING;
        return boolean(strstr(a.str, b.str) != NULL);
    }
    }
    return MISSING;
}

int pgm_expr_true(const pgm_expr *e, const pgm_facts *f, const pgm_record *elem)
{
    pgm_value v = pgm_expr_eval(e, f, elem);
    return v.type == PGM_V_BOOL && v.b;
}
