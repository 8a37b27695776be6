#include "rules/facts.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

static const struct {
    const char *unit;
    enum pgm_dim dim;
    double scale;
} units[] = {
    {"us", PGM_DIM_TIME, 0.001}, {"ms", PGM_DIM_TIME, 1},      {"s", PGM_DIM_TIME, 1000},
    {"min", PGM_DIM_TIME, 60000}, {"h", PGM_DIM_TIME, 3600000}, {"d", PGM_DIM_TIME, 86400000},
    {"B", PGM_DIM_BYTES, 1},      {"kB", PGM_DIM_BYTES, 1024},  {"MB", PGM_DIM_BYTES, 1048576},
    {"GB", PGM_DIM_BYTES, 1073741824.0}, {"TB", PGM_DIM_BYTES, 1099511627776.0},
};

bool pgm_value_parse_quantity(const char *s, size_t n, pgm_value *out)
{
    size_t i = 0;
    double v = 0;
    bool neg = false, digits = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        v = v * 10 + (s[i++] - '0');
        digits = true;
    }
    if (i < n && s[i] == '.') {
        double scale = 0.1;
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            v += (s[i++] - '0') * scale;
            scale /= 10;
            digits = true;
        }
    }
    if (!digits || v > 1e300)
        return false;
    while (i < n && s[i] == ' ')
        i++;
    pgm_value r = {PGM_V_NUM, PGM_DIM_NONE, neg ? -v : v, false, NULL};
    if (i < n) {
        bool found = false;
        for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
            size_t ul = strlen(units[k].unit);
            if (n - i == ul && memcmp(s + i, units[k].unit, ul) == 0) {
                r.dim = units[k].dim;
                r.num *= units[k].scale;
                found = true;
                break;
            }
        }
        if (!found)
            return false;
    }
    *out = r;
    return true;
}

pgm_value pgm_value_from_text(const char *s)
{
    pgm_value v = {PGM_V_STR, PGM_DIM_NONE, 0, false, s};
    static const char *const yes[] = {"on", "true", "yes", "1"};
    static const char *const no[] = {"off", "false", "no", "0"};
    if (pgm_value_parse_quantity(s, strlen(s), &v))
        return v;
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(s, yes[i]) == 0) {
            v.type = PGM_V_BOOL;
            v.b = true;
        } else if (strcmp(s, no[i]) == 0) {
            v.type = PGM_V_BOOL;
            v.b = false;
        }
    }
    return v;
}

void pgm_facts_init(pgm_facts *f)
{
    memset(f, 0, sizeof *f);
}

static void free_origin(pgm_origin *o)
{
    free(o->path);
    free(o->written);
    free(o->note);
    memset(o, 0, sizeof *o);
}

static int set_origin(pgm_origin *o, const pgm_origin *from)
{
    pgm_origin n = {NULL, 0, NULL, NULL};
    if (from) {
        n.line = from->line;
        n.path = from->path ? strdup(from->path) : NULL;
        n.written = from->written ? strdup(from->written) : NULL;
        n.note = from->note ? strdup(from->note) : NULL;
        if ((from->path && !n.path) || (from->written && !n.written) || (from->note && !n.note)) {
            free_origin(&n);
            return -1;
        }
    }
    free_origin(o);
    *o = n;
    return 0;
}

static void free_record(pgm_record *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->fields[i].key);
        free(r->fields[i].text);
        free_origin(&r->fields[i].at);
    }
    free(r->fields);
    free_origin(&r->at);
    memset(r, 0, sizeof *r);
}

void pgm_facts_free(pgm_facts *f)
{
    free_record(&f->scalars);
    for (size_t c = 0; c < f->ncolls; c++) {
        for (size_t i = 0; i < f->colls[c].n; i++)
            free_record(&f->colls[c].recs[i]);
        free(f->colls[c].recs);
        free(f->colls[c].name);
    }
    memset(f, 0, sizeof *f);
}

int pgm_record_set(pgm_record *r, const char *key, const char *text)
{
    return pgm_record_set_at(r, key, text, NULL);
}

int pgm_record_set_origin(pgm_record *r, const pgm_origin *at)
{
    return set_origin(&r->at, at);
}

int pgm_record_set_at(pgm_record *r, const char *key, const char *text, const pgm_origin *at)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->fields[i].key, key) == 0) {
            char *t = strdup(text);
            if (!t)
                return -1;
            free(r->fields[i].text);
            r->fields[i].text = t;
            r->fields[i].v = pgm_value_from_text(t);
            return set_origin(&r->fields[i].at, at);
        }
    }
    pgm_fact *p = pgm_grow(r->fields, &r->alloc, r->n, sizeof *p, 16);
    if (!p)
        return -1;
    r->fields = p;
    pgm_fact *fa = &r->fields[r->n];
    fa->key = strdup(key);
    fa->text = strdup(text);
    if (!fa->key || !fa->text) {
        free(fa->key);
        free(fa->text);
        return -1;
    }
    fa->v = pgm_value_from_text(fa->text);
    memset(&fa->at, 0, sizeof fa->at);
    r->n++;
    return set_origin(&fa->at, at);
}

const pgm_fact *pgm_record_get_fact(const pgm_record *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->fields[i].key, key) == 0)
            return &r->fields[i];
    return NULL;
}

const pgm_value *pgm_record_get(const pgm_record *r, const char *key)
{
    const pgm_fact *f = pgm_record_get_fact(r, key);
    return f ? &f->v : NULL;
}

int pgm_facts_set(pgm_facts *f, const char *key, const char *text)
{
    return pgm_record_set(&f->scalars, key, text);
}

int pgm_facts_set_at(pgm_facts *f, const char *key, const char *text, const pgm_origin *at)
{
    return pgm_record_set_at(&f->scalars, key, text, at);
}

const pgm_fact *pgm_facts_get_fact(const pgm_facts *f, const char *key)
{
    return pgm_record_get_fact(&f->scalars, key);
}

const pgm_value *pgm_facts_get(const pgm_facts *f, const char *key)
{
    return pgm_record_get(&f->scalars, key);
}

const pgm_collection *pgm_facts_collection(const pgm_facts *f, const char *name)
{
    for (size_t c = 0; c < f->ncolls; c++)
        if (strcmp(f->colls[c].name, name) == 0)
            return &f->colls[c];
    return NULL;
}

void pgm_facts_drop_last_record(pgm_facts *f, const char *collection)
{
    pgm_collection *c = (pgm_collection *)pgm_facts_collection(f, collection);
    if (c && c->n)
        free_record(&c->recs[--c->n]);
}

pgm_record *pgm_facts_add_record(pgm_facts *f, const char *collection)
{
    pgm_collection *c = (pgm_collection *)pgm_facts_collection(f, collection);
    if (!c) {
        if (f->ncolls == PGM_FACTS_MAX_COLLECTIONS)
            return NULL;
        c = &f->colls[f->ncolls];
        memset(c, 0, sizeof *c);
        c->name = strdup(collection);
        if (!c->name)
            return NULL;
        f->ncolls++;
    }
    pgm_record *p = pgm_grow(c->recs, &c->alloc, c->n, sizeof *p, 4);
    if (!p)
        return NULL;
    c->recs = p;
    pgm_record *r = &c->recs[c->n++];
    memset(r, 0, sizeof *r);
    return r;
}
