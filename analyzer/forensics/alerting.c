#include "forensics/alerting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/timestamp.h"
#include "util/rc.h"

int64_t pgm_alerting_time(const pgm_alerting *m, size_t step)
{
    return m->t0 + (int64_t)step * m->step_s * 1000000;
}

/* A step function's value at t: the last point at or before it, 0 before
 * the first (points in time order). */
static int32_t value_at(const pgm_curve_point *p, size_t n, size_t *cursor, int64_t t)
{
    size_t k = *cursor;
    while (k < n && p[k].t <= t)
        k++;
    *cursor = k;
    return k ? p[k - 1].open : 0;
}

/* The curve sampled at every step; NULL when out of memory. */
static int32_t *sample(const pgm_alerting *m, const pgm_curve_point *p, size_t n)
{
    int32_t *v = malloc(m->n_steps * sizeof *v);
    size_t cursor = 0;
    for (size_t i = 0; v && i < m->n_steps; i++)
        v[i] = value_at(p, n, &cursor, pgm_alerting_time(m, i));
    return v;
}

/* ---- evaluation, as Prometheus does it ---- */

/* Samples a range of window_s holds at step i: both ends included, as
 * Prometheus 2 selects them (Prometheus 3 leaves the oldest out: a rule then
 * fires at the same step or earlier, never later). */
static size_t window_samples(const pgm_alerting *m, unsigned window_s, size_t i)
{
    size_t w = window_s / m->step_s;
    return (i < w ? i : w) + 1;
}

/* Whether the rule's expression returns a sample for the target at step i;
 * `run` carries the consecutive steps before it whose borrowed count was
 * above the threshold (min_over_time over a window is above it exactly when
 * every sample in the window is). */
static bool holds(const pgm_alerting *m, const pgm_alert_rule *r, const pgm_alert_target *t, size_t i, size_t *run)
{
    switch (r->kind) {
    case PGM_ALERT_SLOTS:
        /* sum by (instance) (pg_stat_activity_count) > F * (max_connections - reserved) */
        return t->open && t->max_connections >= 0 && t->reserved >= 0 &&
               (double)t->open[i] > r->threshold * (double)(t->max_connections - t->reserved);
    case PGM_ALERT_IDLE_IN_TX:
        return t->idle_in_tx && (double)t->idle_in_tx[i] > r->threshold;
    case PGM_ALERT_POOL_HELD:
        if (!t->open)
            return false;
        *run = (double)t->open[i] > r->threshold ? *run + 1 : 0;
        return *run >= window_samples(m, r->window_s, i);
    case PGM_ALERT_POOL_SATURATED:
        return t->open && t->max > 0 && t->open[i] >= t->max;
    case PGM_ALERT_POOL_TIMEOUTS: {
        /* increase(...[window]) > 0: two samples at least, the last above the first */
        size_t n = window_samples(m, r->window_s, i);
        return t->timeouts && n >= 2 && t->timeouts[i] > t->timeouts[i + 1 - n];
    }
    case PGM_ALERT_POOL_WAITING:
        return false; /* no series: the evidence has no waiting threads over time */
    }
    return false;
}

/* Walks the steps: a rule is pending from the first step its expression
 * holds and fires once it has held for `for` (Prometheus' alerting rule:
 * active since ActiveAt, firing when now - ActiveAt >= for). Returns the
 * first firing step, -1 for none; *at_step whether it fires at `step`. */
static int32_t simulate(const pgm_alerting *m, const pgm_alert_rule *r, const pgm_alert_target *t, size_t step,
                        bool *at_step)
{
    int32_t first = -1;
    int64_t active = -1;
    size_t run = 0;
    if (at_step)
        *at_step = false;
    for (size_t i = 0; i < m->n_steps; i++) {
        bool firing = false;
        if (!holds(m, r, t, i, &run)) {
            active = -1;
        } else {
            if (active < 0)
                active = (int64_t)i;
            firing = ((int64_t)i - active) * m->step_s >= r->for_s;
        }
        if (firing && first < 0)
            first = (int32_t)i;
        if (i == step && at_step)
            *at_step = firing;
    }
    return first;
}

bool pgm_alerting_firing(const pgm_alerting *m, const pgm_alert_rule *r, const pgm_alert_target *t, size_t step)
{
    bool at = false;
    simulate(m, r, t, step, &at);
    return at;
}

/* ---- fitting ---- */

typedef struct candidate {
    double threshold;
    unsigned window_s, for_s;
} candidate;

static const unsigned fors[] = {300, 120, 60, 30, 15, 0};

/* The earliest firing over the rule's targets, -1 for none. */
static int32_t earliest(const pgm_alerting *m, const pgm_alert_rule *r)
{
    int32_t best = -1;
    for (size_t k = 0; k < r->n_targets; k++) {
        int32_t f = simulate(m, r, &m->targets[r->targets[k]], 0, NULL);
        if (f >= 0 && (best < 0 || f < best))
            best = f;
    }
    return best;
}

/* The first candidate (in the order of preference: the higher threshold,
 * the longer window and `for`, the fewer false alarms) that fires early
 * enough before the reference without firing before the incident began;
 * else the one that fires earliest before the reference; else none fits and
 * the rule keeps `fallback`. */
static void fit(pgm_alerting *m, pgm_alert_rule *r, const candidate *c, size_t n, candidate fallback)
{
    r->threshold = fallback.threshold, r->window_s = fallback.window_s, r->for_s = fallback.for_s;
    if (m->reference == PGM_TS_UNKNOWN)
        return;
    int64_t span = m->reference - (m->incident_start != PGM_TS_UNKNOWN ? m->incident_start : m->t0);
    int64_t min_lead = span / 4;
    if (min_lead < (int64_t)m->step_s * 1000000)
        min_lead = (int64_t)m->step_s * 1000000;
    if (min_lead > 300LL * 1000000)
        min_lead = 300LL * 1000000;
    int64_t best_lead = 0;
    size_t best = n;
    for (size_t i = 0; i < n; i++) {
        r->threshold = c[i].threshold, r->window_s = c[i].window_s, r->for_s = c[i].for_s;
        int32_t f = earliest(m, r);
        if (f < 0)
            continue;
        int64_t at = pgm_alerting_time(m, (size_t)f);
        if (m->incident_start != PGM_TS_UNKNOWN && at < m->incident_start)
            continue; /* it would fire in ordinary times */
        int64_t lead = m->reference - at;
        if (lead >= min_lead) {
            r->fitted = true;
            return;
        }
        if (lead > best_lead)
            best_lead = lead, best = i;
    }
    if (best < n) {
        r->threshold = c[best].threshold, r->window_s = c[best].window_s, r->for_s = c[best].for_s;
        r->fitted = true;
        return;
    }
    r->threshold = fallback.threshold, r->window_s = fallback.window_s, r->for_s = fallback.for_s;
}

static void fit_rule(pgm_alerting *m, pgm_alert_rule *r, long pool_max)
{
    candidate c[48];
    size_t n = 0;
    switch (r->kind) {
    case PGM_ALERT_SLOTS: {
        static const double fractions[] = {0.9, 0.8, 0.7, 0.6, 0.5};
        for (size_t i = 0; i < 5; i++)
            for (size_t k = 0; k < sizeof fors / sizeof fors[0]; k++)
                c[n++] = (candidate){fractions[i], 0, fors[k]};
        fit(m, r, c, n, (candidate){0.8, 0, 60});
        break;
    }
    case PGM_ALERT_IDLE_IN_TX: {
        static const double counts[] = {5, 3, 2, 1, 0};
        for (size_t i = 0; i < 5; i++)
            for (size_t k = 0; k < sizeof fors / sizeof fors[0]; k++)
                c[n++] = (candidate){counts[i], 0, fors[k]};
        fit(m, r, c, n, (candidate){5, 0, 300});
        break;
    }
    case PGM_ALERT_POOL_HELD: {
        static const double fractions[] = {0.8, 0.6, 0.5, 0.4, 0.3, 0.2};
        static const unsigned windows[] = {900, 600, 300, 120, 60, 30};
        long max = pool_max > 0 ? pool_max : 10;
        for (size_t i = 0; i < 6; i++)
            for (size_t k = 0; k < 6; k++)
                c[n++] = (candidate){(double)(long)(fractions[i] * (double)max), windows[k], 0};
        fit(m, r, c, n, (candidate){(double)(max / 2), 900, 0});
        break;
    }
    case PGM_ALERT_POOL_SATURATED: {
        static const unsigned sat[] = {120, 60, 30, 15, 0};
        for (size_t k = 0; k < 5; k++)
            c[n++] = (candidate){0, 0, sat[k]};
        fit(m, r, c, n, (candidate){0, 0, 120});
        break;
    }
    case PGM_ALERT_POOL_WAITING:
        r->for_s = 120;
        break;
    case PGM_ALERT_POOL_TIMEOUTS:
        r->window_s = 300;
        break;
    }
}

void pgm_alerting_duration(unsigned s, char *out, size_t cap)
{
    if (s && s % 60 == 0)
        snprintf(out, cap, "%um", s / 60);
    else
        snprintf(out, cap, "%us", s);
}

/* A label value as the series and rules write it: letters, digits and
 * - _ . : only, so that nothing can end a PromQL or YAML string. */
static void label_safe(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; in && *in && o + 1 < cap; in++) {
        char c = *in;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == ':')
            out[o++] = c;
    }
    out[o] = 0;
}

/* ---- the rules ---- */

static void server_rules(pgm_alerting *m)
{
    pgm_alert_rule *r = &m->rules[m->n_rules++];
    r->kind = PGM_ALERT_SLOTS;
    r->name = "PostgresConnectionSlotsNearlyExhausted";
    r->severity = "warning";
    r->targets[r->n_targets++] = 0;
    fit_rule(m, r, 0);
    snprintf(r->expr, sizeof r->expr,
             "sum by (instance) (pg_stat_activity_count) > on (instance) %g * "
             "(max by (instance) (pg_settings_max_connections) - max by (instance) "
             "(pg_settings_superuser_reserved_connections))",
             r->threshold);
    snprintf(r->summary, sizeof r->summary, "More than %.0f%% of the usable connection slots are taken",
             r->threshold * 100);
    const pgm_alert_target *t = &m->targets[0];
    if (t->max > 0)
        snprintf(r->description, sizeof r->description, "In the incident the server had %ld usable slots.", t->max);

    r = &m->rules[m->n_rules++];
    r->kind = PGM_ALERT_IDLE_IN_TX;
    r->name = "PostgresIdleInTransaction";
    r->severity = "warning";
    r->targets[r->n_targets++] = 0;
    fit_rule(m, r, 0);
    snprintf(r->expr, sizeof r->expr,
             "sum by (instance) (pg_stat_activity_count{state=\"idle in transaction\"}) > %g", r->threshold);
    snprintf(r->summary, sizeof r->summary, "%s", "Sessions are left open inside transactions");
}

/* A pool's rules: its own matcher when the configuration names it; the
 * pools without a name share one set (pool=~"HikariPool-.*"): their
 * meters are told apart only by the instance. */
static void pool_rules(pgm_alerting *m, const pgm_alerting_input *in, size_t first_target, bool named,
                       const char *unnamed_services)
{
    /* copies: the rules and the targets live in the same model */
    char service[sizeof m->targets[0].service], pool[sizeof m->targets[0].pool], matcher[sizeof m->rules[0].matcher];
    snprintf(service, sizeof service, "%s", m->targets[first_target].service);
    snprintf(pool, sizeof pool, "%s", m->targets[first_target].pool);
    const long pool_max = m->targets[first_target].max;
    static const enum pgm_alert_kind kinds[] = {PGM_ALERT_POOL_HELD, PGM_ALERT_POOL_SATURATED, PGM_ALERT_POOL_WAITING,
                                                PGM_ALERT_POOL_TIMEOUTS};
    bool leak_detection_everywhere = true;
    for (size_t i = 0; i < in->n_pools; i++)
        leak_detection_everywhere = leak_detection_everywhere && in->pools[i].leak_detection;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (kinds[k] == PGM_ALERT_POOL_HELD && !in->leak)
            continue;
        if (m->n_rules == PGM_ALERTING_MAX_RULES)
            return;
        pgm_alert_rule *r = &m->rules[m->n_rules++];
        r->kind = kinds[k];
        if (named) {
            snprintf(r->service, sizeof r->service, "%s", service);
            snprintf(r->matcher, sizeof r->matcher, "pool=\"%s\"", pool);
            r->targets[r->n_targets++] = first_target;
        } else {
            snprintf(r->matcher, sizeof r->matcher, "%s", "pool=~\"HikariPool-.*\"");
            for (size_t i = 1; i < m->n_targets; i++)
                if (!m->targets[i].pool_named && r->n_targets < PGM_ALERTING_MAX_TARGETS)
                    r->targets[r->n_targets++] = i;
            if (k == 0 || (k == 1 && !in->leak))
                snprintf(r->note, sizeof r->note,
                         "%s set no pool-name: their meters are all tagged HikariPool-N and told apart only by "
                         "instance; set spring.datasource.hikari.pool-name (HKC-ATTR-002) and match the pool by "
                         "its name",
                         unnamed_services);
        }
        const char *who = named ? service : "a";
        memcpy(matcher, r->matcher, sizeof matcher);
        fit_rule(m, r, pool_max);
        switch (r->kind) {
        case PGM_ALERT_POOL_HELD: {
            char w[16];
            pgm_alerting_duration(r->window_s, w, sizeof w);
            r->name = "HikariConnectionsNotReturned";
            r->severity = "warning";
            snprintf(r->expr, sizeof r->expr, "min_over_time(hikaricp_connections_active{%s}[%s]) > %g", matcher,
                     w, r->threshold);
            snprintf(r->summary, sizeof r->summary, "More than %g connections of %s%s pool borrowed for %s without a "
                     "break", r->threshold, who, named ? "'s" : "", w);
            snprintf(r->description, sizeof r->description, "%s",
                     leak_detection_everywhere
                         ? "The incident was a leak; HikariCP's leak reports (leak-detection-threshold) name the code "
                           "that borrowed them."
                         : "The incident was a leak; with leak-detection-threshold set, HikariCP reports the code "
                           "that borrowed each connection held too long.");
            break;
        }
        case PGM_ALERT_POOL_SATURATED:
            r->name = "HikariPoolSaturated";
            r->severity = "critical";
            snprintf(r->expr, sizeof r->expr, "hikaricp_connections_active{%s} >= hikaricp_connections_max{%s}",
                     matcher, matcher);
            snprintf(r->summary, sizeof r->summary, "Every connection of %s%s pool is borrowed", who,
                     named ? "'s" : "");
            if (named && pool_max > 0)
                snprintf(r->description, sizeof r->description, "maximum-pool-size is %ld per instance.", pool_max);
            break;
        case PGM_ALERT_POOL_WAITING:
            r->name = "HikariThreadsWaiting";
            r->severity = "warning";
            snprintf(r->expr, sizeof r->expr, "hikaricp_connections_pending{%s} > 0", matcher);
            snprintf(r->summary, sizeof r->summary, "Threads wait for a connection of %s%s pool", who,
                     named ? "'s" : "");
            break;
        case PGM_ALERT_POOL_TIMEOUTS:
            r->name = "HikariConnectionTimeouts";
            r->severity = "critical";
            snprintf(r->expr, sizeof r->expr, "increase(hikaricp_connections_timeout_total{%s}[5m]) > 0", matcher);
            snprintf(r->summary, sizeof r->summary, "%s%s pool could not hand out a connection in time",
                     named ? service : "A", named ? "'s" : "");
            break;
        default:
            break;
        }
    }
}

/* When each rule fires, and whether that is early enough to recommend. */
static void judge(pgm_alerting *m, pgm_alert_rule *r)
{
    r->fires_at = PGM_TS_UNKNOWN;
    bool any_series = false;
    for (size_t k = 0; k < r->n_targets; k++) {
        const pgm_alert_target *t = &m->targets[r->targets[k]];
        any_series = any_series || (r->kind == PGM_ALERT_IDLE_IN_TX ? t->idle_in_tx != NULL
                                    : r->kind == PGM_ALERT_POOL_TIMEOUTS ? t->timeouts != NULL
                                    : r->kind == PGM_ALERT_POOL_WAITING ? false
                                                                        : t->open != NULL);
        r->fire_step[k] = simulate(m, r, t, 0, NULL);
        int64_t at = r->fire_step[k] >= 0 ? pgm_alerting_time(m, (size_t)r->fire_step[k]) : PGM_TS_UNKNOWN;
        if (at != PGM_TS_UNKNOWN && (r->fires_at == PGM_TS_UNKNOWN || at < r->fires_at))
            r->fires_at = at;
    }
    r->lead_us = r->fires_at != PGM_TS_UNKNOWN && m->reference != PGM_TS_UNKNOWN ? m->reference - r->fires_at : 0;
    r->recommended = r->fires_at != PGM_TS_UNKNOWN && m->reference != PGM_TS_UNKNOWN && r->fires_at < m->reference &&
                     (m->incident_start == PGM_TS_UNKNOWN || r->fires_at >= m->incident_start);
    if (r->recommended)
        return;
    if (!any_series)
        snprintf(r->why, sizeof r->why, "%s",
                 r->kind == PGM_ALERT_POOL_WAITING
                     ? "the evidence has no count of waiting threads over time (HikariCP's DEBUG pool stats would)"
                 : r->kind == PGM_ALERT_IDLE_IN_TX ? "no session was seen idle in a transaction"
                 : r->kind == PGM_ALERT_POOL_TIMEOUTS ? "no pool timed out"
                 : r->n_targets && m->targets[r->targets[0]].pool[0]
                     ? "the evidence does not show this pool's borrowed connections over time"
                     : "the evidence has no curve of the server's sessions, or not its max_connections");
    else if (m->reference == PGM_TS_UNKNOWN)
        snprintf(r->why, sizeof r->why, "%s", "the evidence shows no harm to be early for");
    else if (r->fires_at == PGM_TS_UNKNOWN)
        snprintf(r->why, sizeof r->why, "%s", "it would not fire");
    else if (r->fires_at >= m->reference)
        snprintf(r->why, sizeof r->why, "it would fire %lld s after %s", (long long)(-r->lead_us / 1000000),
                 m->reference_what);
    else
        snprintf(r->why, sizeof r->why, "%s", "it would fire before the incident began (in ordinary times)");
}

int pgm_alerting_build(pgm_alerting *m, const pgm_alerting_input *in)
{
    memset(m, 0, sizeof *m);
    m->reference = in->reference;
    m->reference_what = in->reference_what ? in->reference_what : "";
    m->incident_start = in->incident_start;
    m->pools_left = (unsigned)in->pools_left;
    /* the span: every curve's points, and the reference */
    int64_t from = PGM_TS_UNKNOWN, to = PGM_TS_UNKNOWN;
#define SPAN(p, n)                                                                                                     \
    if ((n) > 0) {                                                                                                     \
        if (from == PGM_TS_UNKNOWN || (p)[0].t < from)                                                                 \
            from = (p)[0].t;                                                                                           \
        if (to == PGM_TS_UNKNOWN || (p)[(n)-1].t > to)                                                                 \
            to = (p)[(n)-1].t;                                                                                         \
    }
    SPAN(in->server, in->n_server)
    SPAN(in->idle_in_tx, in->n_idle_in_tx)
    for (size_t i = 0; i < in->n_pools; i++)
        SPAN(in->pools[i].borrowed, in->pools[i].n_borrowed)
#undef SPAN
    m->step_s = PGM_ALERT_STEP_S;
    if (from == PGM_TS_UNKNOWN) {
        /* no curve: the rules are written as they stand, tried on nothing */
        m->reference = PGM_TS_UNKNOWN;
    } else {
        if (m->reference != PGM_TS_UNKNOWN && m->reference > to)
            to = m->reference;
        for (size_t i = 0; i < in->n_pools; i++)
            if (in->pools[i].first_timeout != PGM_TS_UNKNOWN && in->pools[i].first_timeout > to)
                to = in->pools[i].first_timeout;
        int64_t step_us = (int64_t)PGM_ALERT_STEP_S * 1000000;
        m->t0 = from - ((from % step_us) + step_us) % step_us;
        /* two steps past the last point: the last change is sampled */
        uint64_t steps = (uint64_t)((to - m->t0) / step_us) + 3;
        while (steps > PGM_ALERTING_MAX_STEPS) {
            m->step_s += PGM_ALERT_STEP_S;
            step_us = (int64_t)m->step_s * 1000000;
            steps = (uint64_t)((to - m->t0) / step_us) + 3;
        }
        m->n_steps = (size_t)steps;
    }

    pgm_alert_target *server = &m->targets[m->n_targets++];
    snprintf(server->instance, sizeof server->instance, "%s", "postgresql");
    server->max_connections = in->max_connections;
    server->reserved = in->max_connections >= 0 ? (in->reserved >= 0 ? in->reserved : 3) : -1;
    server->max = in->max_connections >= 0 ? server->max_connections - server->reserved : -1;
    bool oom = false;
    if (in->n_server && m->n_steps) {
        oom = oom || !(server->open = sample(m, in->server, in->n_server));
        snprintf(server->open_source, sizeof server->open_source, "the client sessions open at each step, %s",
                 in->server_source ? in->server_source : "from the server's log");
    }
    if (in->n_idle_in_tx && m->n_steps) {
        oom = oom || !(server->idle_in_tx = sample(m, in->idle_in_tx, in->n_idle_in_tx));
        snprintf(server->idle_source, sizeof server->idle_source, "%s",
                 "the transactions pg_stat_activity showed idle, from each one's xact_start to the last snapshot "
                 "that saw it");
        for (size_t i = 0; server->open && server->idle_in_tx && i < m->n_steps; i++)
            if (server->idle_in_tx[i] > server->open[i])
                server->idle_in_tx[i] = server->open[i];
    }
    char unnamed[256] = "";
    for (size_t i = 0; i < in->n_pools && m->n_targets < PGM_ALERTING_MAX_TARGETS; i++) {
        const struct pgm_alert_pool *p = &in->pools[i];
        pgm_alert_target *t = &m->targets[m->n_targets++];
        label_safe(p->service, t->service, sizeof t->service);
        if (!t->service[0])
            snprintf(t->service, sizeof t->service, "pool%zu", i + 1);
        memcpy(t->instance, t->service, sizeof t->instance - 1);
        t->instance[sizeof t->instance - 1] = 0;
        label_safe(p->pool_name, t->pool, sizeof t->pool);
        t->pool_named = t->pool[0] != 0;
        if (!t->pool_named)
            snprintf(t->pool, sizeof t->pool, "%s", "HikariPool-1");
        t->max = p->maximum_pool_size;
        t->max_connections = t->reserved = -1;
        if (p->n_borrowed && m->n_steps) {
            oom = oom || !(t->open = sample(m, p->borrowed, p->n_borrowed));
            snprintf(t->open_source, sizeof t->open_source, "%s", p->borrowed_source ? p->borrowed_source : "");
        }
        if (p->first_timeout != PGM_TS_UNKNOWN && m->n_steps) {
            oom = oom || !(t->timeouts = calloc(m->n_steps, sizeof *t->timeouts));
            for (size_t k = 0; t->timeouts && k < m->n_steps; k++)
                t->timeouts[k] = pgm_alerting_time(m, k) >= p->first_timeout;
            snprintf(t->timeouts_source, sizeof t->timeouts_source, "%s",
                     "0 before the first pool timeout the application's log shows, 1 from it on (a lower bound)");
        }
        if (!t->pool_named) {
            size_t len = strlen(unnamed);
            snprintf(unnamed + len, sizeof unnamed - len, "%s%s", len ? ", " : "", p->service);
        }
    }
    if (oom) {
        pgm_alerting_free(m);
        return PGM_FATAL;
    }
    server_rules(m);
    /* the unnamed pools' shared rules are fitted to the one with a series (the leaking pool) */
    size_t shared = 0;
    for (size_t i = 1; i < m->n_targets; i++)
        if (!m->targets[i].pool_named && (!shared || (m->targets[i].open && !m->targets[shared].open)))
            shared = i;
    for (size_t i = 1; i < m->n_targets; i++)
        if (m->targets[i].pool_named)
            pool_rules(m, in, i, true, NULL);
    if (shared)
        pool_rules(m, in, shared, false, unnamed);
    for (size_t i = 0; i < m->n_rules; i++)
        judge(m, &m->rules[i]);
    return PGM_OK;
}

void pgm_alerting_free(pgm_alerting *m)
{
    for (size_t i = 0; i < m->n_targets; i++) {
        free(m->targets[i].open);
        free(m->targets[i].idle_in_tx);
        free(m->targets[i].timeouts);
    }
    memset(m, 0, sizeof *m);
}
