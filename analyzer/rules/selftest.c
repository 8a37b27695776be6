/* Check rules, message templates, and the rules' own inline tests. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "rules/ruleset.h"
#include "util/strbuf.h"

static void finding(const pgm_rule *r, const pgm_facts *facts, const pgm_record *elem,
                    pgm_check_cb cb, void *ctx)
{
    if (!cb)
        return;
    const pgm_fact *fa = pgm_expr_locate(r->expr, facts, elem);
    const pgm_origin *at = fa ? &fa->at : elem && elem->at.path ? &elem->at : NULL;
    cb(ctx, r, elem, at);
}

size_t pgm_check_each(const pgm_rule *r, const pgm_facts *facts, pgm_check_cb cb, void *ctx)
{
    if (r->shape != PGM_SHAPE_CHECK || !r->expr)
        return 0;
    if (!r->for_each) {
        if (!pgm_expr_true(r->expr, facts, NULL))
            return 0;
        finding(r, facts, NULL, cb, ctx);
        return 1;
    }
    const pgm_collection *c = pgm_facts_collection(facts, r->for_each);
    size_t hits = 0;
    for (size_t i = 0; c && i < c->n; i++)
        if (pgm_expr_true(r->expr, facts, &c->recs[i])) {
            finding(r, facts, &c->recs[i], cb, ctx);
            hits++;
        }
    return hits;
}

size_t pgm_check_run(const pgm_rule *r, const pgm_facts *facts)
{
    return pgm_check_each(r, facts, NULL, NULL);
}

char *pgm_rule_render(const char *tmpl, const char *(*lookup)(void *ctx, const char *name), void *ctx)
{
    pgm_strbuf b;
    pgm_strbuf_init(&b, 1u << 16);
    const char *p = tmpl;
    while (*p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            pgm_strbuf_addstr(&b, p);
            break;
        }
        pgm_strbuf_add(&b, p, (size_t)(open - p));
        char name[64];
        size_t l = (size_t)(close - open - 1);
        const char *v = NULL;
        if (l < sizeof name) {
            memcpy(name, open + 1, l);
            name[l] = '\0';
            v = lookup(ctx, name);
        }
        if (v)
            pgm_strbuf_addstr(&b, v);
        else
            pgm_strbuf_add(&b, open, (size_t)(close - open + 1));
        p = close + 1;
    }
    return pgm_strbuf_take(&b);
}

static bool prefilter_passes(const pgm_rule *r, const char *text, size_t len)
{
    for (size_t i = 0; i < r->prefixes.n; i++)
        if (strlen(r->prefixes.v[i]) <= len && memcmp(text, r->prefixes.v[i], strlen(r->prefixes.v[i])) == 0)
            return true;
    if (r->prefixes.n)
        return false;
    if (r->prefilter.n == 0)
        return true;
    for (size_t i = 0; i < r->prefilter.n; i++)
        if (memmem(text, len, r->prefilter.v[i], strlen(r->prefilter.v[i])))
            return true;
    return false;
}

static size_t test_match(pgm_ruleset *rs, const pgm_rule *r, const pgm_rule_test *t, char *why,
                         size_t whylen)
{
    size_t len = strlen(t->text);
    pgm_match m;
    bool passes = prefilter_passes(r, t->text, len);
    bool matched = passes && pgm_rule_match(rs, r, t->text, len, &m);
    if (!t->positive) {
        if (matched)
            snprintf(why, whylen, "matches, but must not: '%.120s'", t->text);
        return matched;
    }
    if (!passes) {
        snprintf(why, whylen, "no prefilter literal occurs in '%.120s'", t->text);
        return 1;
    }
    if (!matched) {
        snprintf(why, whylen, "does not match: '%.120s'", t->text);
        return 1;
    }
    for (size_t k = 0; k < t->n_kv; k++) {
        const pgm_capture *cap = NULL;
        for (size_t c = 0; c < m.n_caps; c++)
            if (strcmp(m.caps[c].name, t->kv[k].key) == 0)
                cap = &m.caps[c];
        if (!cap) {
            snprintf(why, whylen, "captures no '%s' (expected '%.80s')", t->kv[k].key, t->kv[k].value);
            return 1;
        }
        if (cap->n != strlen(t->kv[k].value) || memcmp(cap->p, t->kv[k].value, cap->n) != 0) {
            snprintf(why, whylen, "captures %s='%.*s', expected '%.80s'", t->kv[k].key,
                     (int)(cap->n < 80 ? cap->n : 80), cap->p, t->kv[k].value);
            return 1;
        }
    }
    return 0;
}

static size_t test_check(const pgm_rule *r, const pgm_rule_test *t, char *why, size_t whylen)
{
    pgm_facts f;
    pgm_facts_init(&f);
    for (size_t k = 0; k < t->n_kv; k++)
        pgm_facts_set(&f, t->kv[k].key, t->kv[k].value);
    for (size_t p = 0; p < t->n_pools; p++) {
        pgm_record *rec = pgm_facts_add_record(&f, "pool");
        for (size_t k = 0; rec && k < t->pool_sizes[p]; k++)
            pgm_record_set(rec, t->pools[p][k].key, t->pools[p][k].value);
    }
    for (size_t p = 0; p < t->n_keys; p++) {
        pgm_record *rec = pgm_facts_add_record(&f, "key");
        for (size_t k = 0; rec && k < t->key_sizes[p]; k++)
            pgm_record_set(rec, t->keys[p][k].key, t->keys[p][k].value);
    }
    size_t hits = pgm_check_run(r, &f);
    pgm_facts_free(&f);
    if ((hits > 0) != t->positive) {
        snprintf(why, whylen, "%s, expected it %s", hits ? "fires" : "does not fire",
                 t->positive ? "to fire" : "not to");
        return 1;
    }
    return 0;
}

static size_t test_threshold(const pgm_rule *r, const pgm_rule_test *t, char *why, size_t whylen)
{
    pgm_event *ev = calloc(t->n_events + 1, sizeof *ev);
    if (!ev)
        return 1;
    for (size_t i = 0; i < t->n_events; i++) {
        const pgm_test_event *te = &t->events[i];
        ev[i].t = te->at_us;
        ev[i].kind = te->kind ? te->kind : "";
        ev[i].kind_id = pgm_event_kind_of(ev[i].kind);
        for (size_t k = 0; k < te->n_fields && ev[i].n_fields < PGM_EVENT_MAX_FIELDS; k++) {
            if (strcmp(te->fields[k].key, "at") == 0 || strcmp(te->fields[k].key, "kind") == 0)
                continue;
            ev[i].fields[ev[i].n_fields].name = te->fields[k].key;
            ev[i].fields[ev[i].n_fields++].value = te->fields[k].value;
        }
    }
    size_t hits = pgm_threshold_run(r, ev, t->n_events, NULL, NULL);
    free(ev);
    if ((hits > 0) != t->positive) {
        snprintf(why, whylen, "%s, expected it %s", hits ? "fires" : "does not fire",
                 t->positive ? "to fire" : "not to");
        return 1;
    }
    return 0;
}

size_t pgm_rule_run_tests(pgm_ruleset *rs, const pgm_rule *r, pgm_test_report report, void *ctx,
                          size_t *cases_run)
{
    size_t failures = 0, pos = 0, neg = 0;
    char why[PGM_ERR_MAX];
    for (size_t i = 0; i < r->n_tests; i++) {
        const pgm_rule_test *t = &r->tests[i];
        why[0] = '\0';
        size_t f = r->shape == PGM_SHAPE_MATCH       ? test_match(rs, r, t, why, sizeof why)
                   : r->shape == PGM_SHAPE_CHECK     ? test_check(r, t, why, sizeof why)
                                                     : test_threshold(r, t, why, sizeof why);
        t->positive ? pos++ : neg++;
        if (cases_run)
            (*cases_run)++;
        if (f) {
            failures++;
            if (report)
                report(ctx, r, i + 1, t->line, why);
        }
    }
    if (!pos || !neg) {
        failures++;
        if (report)
            report(ctx, r, 0, r->line,
                   r->shape == PGM_SHAPE_MATCH ? "needs at least one 'match' and one 'no_match' case"
                                               : "needs at least one case that fires and one that does not");
    }
    return failures;
}
