/* Threshold rules (Sigma's correlation vocabulary): per group, a window of
 * `timespan` slides over the events; an episode starts when the window's
 * aggregate first meets the condition and ends when it no longer does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ruleset.h"
#include "text/timestamp.h"

typedef struct item {
    const pgm_event *e;
    const char *group;      /* "db=shop,user=app": in the run's one allocation, whole */
} item;

static int cmp_items(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int c = strcmp(x->group, y->group);
    if (c)
        return c;
    return x->e->t < y->e->t ? -1 : x->e->t > y->e->t;
}

static bool kind_wanted(const pgm_rule *r, const char *kind)
{
    for (size_t i = 0; i < r->kinds.n; i++)
        if (strcmp(r->kinds.v[i], kind) == 0)
            return true;
    return false;
}

static bool holds(const pgm_rule *r, double v)
{
    switch (r->cmp) {
    case PGM_CMP_GTE: return v >= r->cmp_value;
    case PGM_CMP_GT: return v > r->cmp_value;
    case PGM_CMP_LTE: return v <= r->cmp_value;
    case PGM_CMP_LT: return v < r->cmp_value;
    default: return v == r->cmp_value;
    }
}

static double field_num(const pgm_event *e, const char *field, bool *ok)
{
    const char *v = field ? pgm_event_field(e, field) : NULL;
    char *end;
    double d = v ? strtod(v, &end) : 0;
    *ok = v && end != v;
    return d;
}

/* The aggregate over items[lo..hi]. */
static double aggregate(const pgm_rule *r, const item *it, size_t lo, size_t hi)
{
    size_t n = hi - lo + 1;
    if (r->aggregate == PGM_AGG_COUNT)
        return (double)n;
    if (r->aggregate == PGM_AGG_DISTINCT) {
        size_t distinct = 0;
        for (size_t i = lo; i <= hi; i++) {
            const char *v = pgm_event_field(it[i].e, r->agg_field);
            if (!v)
                continue;
            bool seen = false;
            for (size_t j = lo; j < i && !seen; j++) {
                const char *w = pgm_event_field(it[j].e, r->agg_field);
                seen = w && strcmp(v, w) == 0;
            }
            distinct += !seen;
        }
        return (double)distinct;
    }
    double acc = 0;
    bool any = false;
    for (size_t i = lo; i <= hi; i++) {
        bool ok;
        double v = field_num(it[i].e, r->agg_field, &ok);
        if (!ok)
            continue;
        if (r->aggregate == PGM_AGG_SUM)
            acc += v;
        else if (!any || v > acc)
            acc = v;
        any = true;
    }
    return acc;
}

size_t pgm_threshold_run(const pgm_rule *r, const pgm_event *events, size_t n, pgm_threshold_hit hit,
                         void *ctx)
{
    if (r->shape != PGM_SHAPE_THRESHOLD)
        return 0;
    /* each event's group key, whole: two groups that share a long start are
     * two groups (the keys are measured first, then written in one block) */
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        if (events[i].t == PGM_TS_UNKNOWN || !kind_wanted(r, events[i].kind))
            continue;
        for (size_t g = 0; g < r->group_by.n; g++) {
            const char *v = pgm_event_field(&events[i], r->group_by.v[g]);
            total += strlen(r->group_by.v[g]) + 2 + (v ? strlen(v) : 0);
        }
        total++;
    }
    item *it = malloc((n ? n : 1) * sizeof *it);
    char *keys = malloc(total);
    if (!it || !keys) {
        free(it);
        free(keys);
        return 0;
    }
    size_t m = 0, off = 0;
    for (size_t i = 0; i < n; i++) {
        if (events[i].t == PGM_TS_UNKNOWN || !kind_wanted(r, events[i].kind))
            continue;
        item *x = &it[m++];
        x->e = &events[i];
        x->group = keys + off;
        keys[off] = '\0';
        for (size_t g = 0; g < r->group_by.n; g++) {
            const char *v = pgm_event_field(&events[i], r->group_by.v[g]);
            int w = snprintf(keys + off, total - off, "%s%s=%s", g ? "," : "", r->group_by.v[g], v ? v : "");
            off += w > 0 ? (size_t)w : 0;
        }
        off++; /* past its NUL */
    }
    qsort(it, m, sizeof *it, cmp_items);
    size_t hits = 0;
    for (size_t start = 0; start < m;) {
        size_t end = start;
        while (end < m && strcmp(it[end].group, it[start].group) == 0)
            end++;
        /* One group: it[start..end), sorted by time. */
        bool in_episode = false;
        size_t lo = start;
        for (size_t hi = start; hi < end; hi++) {
            while (it[hi].e->t - it[lo].e->t > r->timespan_us)
                lo++;
            double v = aggregate(r, it, lo, hi);
            bool ok = holds(r, v);
            if (ok && !in_episode) {
                hits++;
                if (hit)
                    hit(ctx, r, it[start].group, v, it[lo].e->t, it[hi].e->t, hi - lo + 1);
            }
            in_episode = ok;
        }
        start = end;
    }
    free(it);
    free(keys);
    return hits;
}
