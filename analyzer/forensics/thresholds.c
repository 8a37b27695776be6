#include "forensics/thresholds.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "text/timestamp.h"
#include "util/rc.h"

/* Paths met, at most (an event refers to its path by index). */
#define PGM_THRESHOLDS_MAX_PATHS 4096u

typedef struct kept {
    int64_t t;
    const char *kind;            /* the rule's own string */
    unsigned kind_id;
    uint32_t path;
    uint64_t line;
    char *values[PGM_THRESHOLDS_MAX_FIELDS]; /* by the index of the field in names */
} kept;

struct pgm_thresholds {
    const pgm_rule **rules;
    size_t n_rules;
    const char *counted[PGM_EV_COUNT]; /* by kind number: the rules' spelling, NULL when none counts it */
    const char *names[PGM_THRESHOLDS_MAX_FIELDS]; /* fields any rule needs */
    size_t n_names;
    kept *v;
    size_t n;
    char *paths[PGM_THRESHOLDS_MAX_PATHS];
    size_t n_paths;
    uint64_t dropped;
};

static void need(pgm_thresholds *t, const char *name)
{
    for (size_t i = 0; i < t->n_names; i++)
        if (strcmp(t->names[i], name) == 0)
            return;
    if (t->n_names < PGM_THRESHOLDS_MAX_FIELDS)
        t->names[t->n_names++] = name;
}

int pgm_thresholds_open(pgm_thresholds **out, const pgm_ruleset *rs)
{
    pgm_thresholds *t = calloc(1, sizeof *t);
    if (!t)
        return PGM_FATAL;
    for (size_t i = 0; rs && i < rs->n; i++)
        t->n_rules += rs->rules[i].shape == PGM_SHAPE_THRESHOLD;
    if (t->n_rules && !(t->rules = calloc(t->n_rules, sizeof *t->rules))) {
        free(t);
        return PGM_FATAL;
    }
    t->n_rules = 0;
    for (size_t i = 0; rs && i < rs->n; i++) {
        const pgm_rule *r = &rs->rules[i];
        if (r->shape != PGM_SHAPE_THRESHOLD)
            continue;
        t->rules[t->n_rules++] = r;
        for (size_t k = 0; k < r->kinds.n; k++) {
            enum pgm_event_kind id = pgm_event_kind_of(r->kinds.v[k]);
            if (id != PGM_EV_NONE && !t->counted[id])
                t->counted[id] = r->kinds.v[k];
        }
        for (size_t g = 0; g < r->group_by.n; g++)
            need(t, r->group_by.v[g]);
        if (r->agg_field)
            need(t, r->agg_field);
    }
    *out = t;
    return PGM_OK;
}

/* The rule's own spelling of the kind, when a rule counts it: by number
 * (the loader takes only kinds the catalog numbers). */
static const char *counted_kind(const pgm_thresholds *t, unsigned kind_id)
{
    return kind_id < PGM_EV_COUNT ? t->counted[kind_id] : NULL;
}

bool pgm_thresholds_counts(const pgm_thresholds *t, unsigned kind_id)
{
    return counted_kind(t, kind_id) != NULL;
}

static int64_t path_index(pgm_thresholds *t, const char *path)
{
    if (t->n_paths && strcmp(t->paths[t->n_paths - 1], path) == 0)
        return (int64_t)t->n_paths - 1;
    for (size_t i = 0; i < t->n_paths; i++)
        if (strcmp(t->paths[i], path) == 0)
            return (int64_t)i;
    if (t->n_paths == PGM_THRESHOLDS_MAX_PATHS || !(t->paths[t->n_paths] = strdup(path)))
        return -1;
    return (int64_t)t->n_paths++;
}

void pgm_thresholds_event(pgm_thresholds *t, const pgm_event *e)
{
    if (!t->n_rules || e->t == PGM_TS_UNKNOWN)
        return;
    const char *kind = counted_kind(t, e->kind_id);
    if (!kind)
        return;
    if (t->n == PGM_THRESHOLDS_MAX_EVENTS || (!t->v && !(t->v = calloc(PGM_THRESHOLDS_MAX_EVENTS, sizeof *t->v)))) {
        t->dropped++;
        return;
    }
    int64_t p = path_index(t, e->path);
    if (p < 0) {
        t->dropped++;
        return;
    }
    kept *k = &t->v[t->n];
    memset(k, 0, sizeof *k);
    k->t = e->t;
    k->kind = kind;
    k->kind_id = e->kind_id;
    k->path = (uint32_t)p;
    k->line = e->line;
    for (size_t i = 0; i < t->n_names; i++) {
        const char *v = pgm_event_field(e, t->names[i]);
        if (v && !(k->values[i] = strdup(v))) {
            for (size_t j = 0; j < i; j++)
                free(k->values[j]);
            t->dropped++;
            return;
        }
    }
    t->n++;
}

typedef struct run_ctx {
    pgm_thresholds *t;
    const pgm_event *events;
    const kept *const *from;     /* events[i] came from from[i] */
    size_t n;
    pgm_threshold_found found;
    void *ctx;
    const char *group;
    char value[32], timespan[32], field[256];
} run_ctx;

/* {value}, {timespan}, and the group's fields ("db=shop,user=x"). */
static const char *lookup(void *ctx, const char *name)
{
    run_ctx *rc = ctx;
    if (strcmp(name, "value") == 0)
        return rc->value;
    if (strcmp(name, "timespan") == 0)
        return rc->timespan;
    size_t n = strlen(name);
    for (const char *p = rc->group; p && *p;) {
        const char *eq = strchr(p, '=');
        if (!eq)
            break;
        const char *end = strchr(eq, ',');
        if ((size_t)(eq - p) == n && memcmp(p, name, n) == 0) {
            snprintf(rc->field, sizeof rc->field, "%.*s", (int)((end ? end : eq + strlen(eq)) - eq - 1), eq + 1);
            return rc->field;
        }
        p = end ? end + 1 : NULL;
    }
    return NULL;
}

static void on_hit(void *ctx, const pgm_rule *r, const char *group, double value, int64_t from_us, int64_t to_us,
                   size_t n_events)
{
    (void)n_events;
    run_ctx *rc = ctx;
    rc->group = group;
    snprintf(rc->value, sizeof rc->value, "%g", value);
    int64_t s = r->timespan_us / 1000000;
    if (s % 3600 == 0 && s)
        snprintf(rc->timespan, sizeof rc->timespan, "%" PRId64 "h", s / 3600);
    else if (s % 60 == 0 && s)
        snprintf(rc->timespan, sizeof rc->timespan, "%" PRId64 "min", s / 60);
    else
        snprintf(rc->timespan, sizeof rc->timespan, "%" PRId64 "s", s);
    /* the evidence: the episode's first event of this group */
    const char *path = NULL;
    uint64_t line = 0;
    for (size_t i = 0; i < rc->n && !path; i++) {
        if (rc->events[i].t != from_us)
            continue;
        bool same = true;
        for (size_t g = 0; g < r->group_by.n && same; g++) {
            const char *v = pgm_event_field(&rc->events[i], r->group_by.v[g]);
            const char *w = lookup(rc, r->group_by.v[g]);
            same = strcmp(v ? v : "", w ? w : "") == 0;
        }
        if (same) {
            path = rc->t->paths[rc->from[i]->path];
            line = rc->from[i]->line;
        }
    }
    char *msg = pgm_rule_render(r->message, lookup, rc);
    rc->found(rc->ctx, r, msg ? msg : r->message, path, line, from_us, to_us);
    free(msg);
}

size_t pgm_thresholds_run(pgm_thresholds *t, pgm_thresholds_skip skip, pgm_threshold_found found, void *ctx)
{
    if (!t->n)
        return 0;
    pgm_event *ev = calloc(t->n, sizeof *ev);
    const kept **from = calloc(t->n, sizeof *from);
    size_t m = 0, hits = 0;
    if (!ev || !from) {
        free(ev);
        free(from);
        return 0;
    }
    bool skipped[PGM_THRESHOLDS_MAX_PATHS];
    for (size_t p = 0; p < t->n_paths; p++)
        skipped[p] = skip && skip(ctx, t->paths[p]);
    for (size_t i = 0; i < t->n; i++) {
        const kept *k = &t->v[i];
        if (skipped[k->path])
            continue;
        pgm_event *e = &ev[m];
        e->t = k->t;
        e->kind = k->kind;
        e->kind_id = k->kind_id;
        e->path = t->paths[k->path];
        e->line = k->line;
        for (size_t f = 0; f < t->n_names; f++)
            e->fields[e->n_fields++] = (pgm_field){t->names[f], k->values[f], 0};
        from[m++] = k;
    }
    run_ctx rc = {t, ev, from, m, found, ctx, NULL, "", "", ""};
    for (size_t r = 0; r < t->n_rules; r++)
        hits += pgm_threshold_run(t->rules[r], ev, m, on_hit, &rc);
    free(ev);
    free(from);
    return hits;
}

uint64_t pgm_thresholds_dropped(const pgm_thresholds *t)
{
    return t->dropped;
}

void pgm_thresholds_close(pgm_thresholds *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        for (size_t f = 0; f < PGM_THRESHOLDS_MAX_FIELDS; f++)
            free(t->v[i].values[f]);
    for (size_t i = 0; i < t->n_paths; i++)
        free(t->paths[i]);
    free(t->v);
    free(t->rules);
    free(t);
}
