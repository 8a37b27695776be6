/* The analysis' side of the alerts (forensics/alerting.h): which curves of
 * this incident stand for which Prometheus series, what harm the alerts had
 * to be early for, and when the incident began. */
#include "forensics/analysis_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text/timestamp.h"
#include "util/rc.h"

typedef struct delta {
    int64_t t;
    int d;
} delta;

static int by_time(const void *x, const void *y)
{
    const delta *a = x, *b = y;
    return a->t < b->t ? -1 : a->t > b->t ? 1 : a->d - b->d;
}

/* The sessions pg_stat_activity showed idle in a transaction, over time:
 * each from its xact_start (else the first row showing it) to the last row
 * that showed it. NULL and *n 0 when there are none; *oom when memory ran out. */
static pgm_curve_point *idle_in_tx_curve(const pgm_analysis *a, size_t *n, bool *oom)
{
    *n = 0;
    if (!a->holders.n)
        return NULL;
    delta *d = malloc(2 * a->holders.n * sizeof *d);
    pgm_curve_point *p = malloc(2 * a->holders.n * sizeof *p);
    if (!d || !p) {
        free(d);
        free(p);
        *oom = true;
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < a->holders.n; i++) {
        const pgm_holder *h = &a->holders.v[i];
        int64_t from = h->xact_start != PGM_TS_UNKNOWN ? h->xact_start : h->first_seen;
        if (from == PGM_TS_UNKNOWN || h->last_seen == PGM_TS_UNKNOWN)
            continue;
        d[k++] = (delta){from, +1};
        d[k++] = (delta){h->last_seen + 1, -1};
    }
    qsort(d, k, sizeof *d, by_time);
    int32_t open = 0;
    for (size_t i = 0; i < k; i++) {
        open += d[i].d;
        if (*n && p[*n - 1].t == d[i].t)
            p[*n - 1].open = open;
        else
            p[(*n)++] = (pgm_curve_point){d[i].t, open};
    }
    free(d);
    return p;
}

/* The leaking pool's borrowed connections across the server's last restart:
 * the restart ended at the server the sessions leaked before it, but
 * HikariCP still counts them active (the code that borrowed them never
 * closes them), so from the restart on they are added to what the server
 * shows. NULL when memory ran out (*oom) or there is no restart. */
static pgm_curve_point *carry_through_restart(const pgm_analysis *a, const pgm_curve *c, size_t *n, bool *oom)
{
    size_t n_starts;
    const int64_t *starts = pgm_sessions_starts(a->logs[a->primary].s, &n_starts);
    if (n_starts < 2)
        return NULL;
    int64_t restart = starts[n_starts - 1];
    pgm_curve_point *p = malloc((c->n + 1) * sizeof *p);
    if (!p) {
        *oom = true;
        return NULL;
    }
    size_t k = 0;
    int32_t open = 0, carry = (int32_t)a->leaked_before_restart;
    bool marked = false, risen = false;
    for (size_t i = 0; i < c->n; i++) {
        if (!marked && c->p[i].t >= restart) {
            if (c->p[i].t > restart)
                p[k++] = (pgm_curve_point){restart, open + carry};
            marked = true;
        }
        open = c->p[i].open;
        /* once its sessions are all gone again, the application closed its pool */
        risen = risen || (marked && open > 0);
        if (risen && open == 0)
            carry = 0;
        p[k++] = (pgm_curve_point){c->p[i].t, open + (marked ? carry : 0)};
    }
    *n = k;
    return p;
}

bool pgm_analysis_fit_alerts(pgm_analysis *a)
{
    pgm_alerting_input in;
    memset(&in, 0, sizeof in);
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    bool exact;
    in.server = pgm_analysis_connections(a, &in.n_server, &exact);
    char sampled[160];
    snprintf(sampled, sizeof sampled, "as %s sampled them (the server's log has no connection lines)",
             a->sampled_source ? a->sampled_source : "the snapshots");
    in.server_source = exact ? "from the server's log" : sampled;
    bool oom = false;
    pgm_curve_point *idle = idle_in_tx_curve(a, &in.n_idle_in_tx, &oom);
    in.idle_in_tx = idle;
    in.max_connections = a->max_connections;
    in.reserved = a->reserved;
    const pgm_growth *g = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
    enum pgm_verdict v = a->hyp[0].kind;
    in.leak = v == PGM_VERDICT_LEAK;
    /* the harm the alerts had to be early for */
    in.reference = PGM_TS_UNKNOWN;
    static const char *const what[] = {"the first refusal", "the first pool timeout", "the first statement cancelled",
                                       "the leak's height"};
    int64_t refs[] = {a->exhaustion, a->first_timeout, a->first_cancel, g && in.leak ? g->ref : PGM_TS_UNKNOWN};
    for (size_t i = 0; i < sizeof refs / sizeof refs[0] && in.reference == PGM_TS_UNKNOWN; i++)
        if (refs[i] != PGM_TS_UNKNOWN)
            in.reference = refs[i], in.reference_what = what[i];
    /* when it began: the leak's onset, the first transaction left open */
    in.incident_start = PGM_TS_UNKNOWN;
    if (g && in.leak)
        in.incident_start = g->onset;
    else if (v == PGM_VERDICT_IDLE_IN_TRANSACTION && in.n_idle_in_tx)
        in.incident_start = idle[0].t;
    pgm_curve_point *carried = NULL;
    for (size_t i = 0; i < a->n_pools; i++) {
        const pool_fact *p = &a->pools[i];
        if (in.n_pools == PGM_ALERTING_MAX_TARGETS - 1) {
            in.pools_left++;
            continue;
        }
        struct pgm_alert_pool *q = &in.pools[in.n_pools++];
        q->service = p->name;
        q->pool_name = p->pool_name;
        q->maximum_pool_size = p->maximum_pool_size;
        q->leak_detection = p->leak_threshold_ms > 0;
        q->first_timeout = PGM_TS_UNKNOWN;
        for (size_t k = 0; k < a->n_timed_out; k++)
            if (strcasecmp(a->timed_out[k].who, p->name) == 0)
                q->first_timeout = a->timed_out[k].first;
        /* the leaking pool: its connections at the server, every one borrowed
         * and not given back; one instance, or the server cannot tell the
         * instances' connections apart */
        if (g && in.leak && p->instances <= 1 && g->app && strcasecmp(g->app, p->name) == 0) {
            for (unsigned app = 0; app < pgm_sessions_app_count(s); app++)
                if (strcmp(pgm_sessions_app_name(s, app), g->app) == 0) {
                    const pgm_curve *c = pgm_sessions_app_curve(s, app);
                    q->borrowed = c->p, q->n_borrowed = c->n;
                    q->borrowed_source = "the pool's connections at the server, from the server's log: in a leak "
                                         "each one is borrowed and not given back";
                    if (a->leaked_before_restart && !carried) {
                        carried = carry_through_restart(a, c, &q->n_borrowed, &oom);
                        q->borrowed = carried ? carried : q->borrowed;
                        q->borrowed_source = "the pool's connections at the server (in a leak each is borrowed for "
                                             "good), plus from the server's restart on the ones leaked before it, "
                                             "which the application never gave back";
                    }
                }
        }
    }
    int rc = oom ? PGM_FATAL : pgm_alerting_build(&a->alerting, &in);
    free(idle);
    free(carried);
    return rc == PGM_OK;
}

static bool add_named(pgm_named_session *out, size_t cap, size_t *n, size_t *more, pgm_named_session v)
{
    if (*n == cap) {
        (*more)++;
        return false;
    }
    out[(*n)++] = v;
    return true;
}

const pgm_holder *pgm_analysis_typical_holder(const pgm_analysis *a)
{
    const pgm_holder *best = NULL;
    size_t best_n = 0;
    for (size_t i = 0; i < a->holders.n; i++) {
        const pgm_holder *h = &a->holders.v[i];
        size_t n = 0;
        for (size_t k = 0; k < a->holders.n; k++)
            n += strcmp(a->holders.v[k].user, h->user) == 0 && strcmp(a->holders.v[k].db, h->db) == 0 &&
                 strcmp(a->holders.v[k].client, h->client) == 0;
        if (n > best_n)
            best = h, best_n = n;
    }
    return best;
}

size_t pgm_analysis_named_sessions(const pgm_analysis *a, pgm_named_session *out, size_t cap, size_t *more,
                                   int64_t *seen, const char **user, const char **db, const char **client)
{
    size_t n = 0;
    *more = 0;
    *seen = PGM_TS_UNKNOWN;
    *user = *db = *client = NULL;
    enum pgm_verdict v = a->hyp[0].kind;
    const pgm_growth *g = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
    if (v == PGM_VERDICT_LEAK && g && a->primary >= 0) {
        /* the group's sessions open when it was judged: the baseline's too, none was given back */
        const pgm_sessions *s = a->logs[a->primary].s;
        for (size_t i = 0, ns = pgm_sessions_count(s); i < ns; i++) {
            const pgm_session xv = pgm_sessions_get(s, i), *x = &xv;
            const pgm_who *w = pgm_sessions_who(s, x);
            if (w->user != g->user || w->db != g->db || w->client != g->client ||
                strcmp(pgm_sessions_app_name(s, x->app), g->app) != 0 || x->start == PGM_TS_UNKNOWN ||
                x->start > g->ref || (x->how_end != PGM_END_OPEN && x->end != PGM_TS_UNKNOWN && x->end <= g->ref))
                continue;
            add_named(out, cap, &n, more, (pgm_named_session){x->pid, x->start, false, false, PGM_TS_UNKNOWN});
        }
        *seen = g->ref, *user = g->user, *db = g->db, *client = g->client;
    } else if (v == PGM_VERDICT_LEAK && a->held_unused.held) {
        /* a fixed pool drained inside: the rows held unused through the refusal */
        for (size_t i = a->held_unused.rows_from; i < a->held_unused.rows_to; i++) {
            const app_row *w = &a->app_rows[i];
            if (strcmp(w->user, a->held_unused.user) != 0 || strcmp(w->db, a->held_unused.db) != 0 ||
                w->backend_start == PGM_TS_UNKNOWN || w->backend_start >= a->held_unused.opened_before ||
                w->unused_since == PGM_TS_UNKNOWN || w->unused_since > a->held_unused.unused_from)
                continue;
            add_named(out, cap, &n, more, (pgm_named_session){w->pid, w->backend_start, false, true, w->unused_since});
            *client = w->client;
        }
        *seen = a->held_unused.seen, *user = a->held_unused.user, *db = a->held_unused.db;
    } else if (v == PGM_VERDICT_LEAK && a->top_user[0]) {
        /* no connection lines: the snapshots' growing group, as the last snapshot showing it has it */
        int64_t last = PGM_TS_UNKNOWN;
        for (size_t i = 0; i < a->n_app_rows; i++) {
            const app_row *w = &a->app_rows[i];
            if (strcmp(w->user, a->top_user) == 0 && strcmp(w->db, a->top_db) == 0 &&
                strcmp(w->client, a->top_client) == 0 && (last == PGM_TS_UNKNOWN || w->seen > last))
                last = w->seen;
        }
        for (size_t i = 0; last != PGM_TS_UNKNOWN && i < a->n_app_rows; i++) {
            const app_row *w = &a->app_rows[i];
            if (w->seen == last && w->backend_start != PGM_TS_UNKNOWN && strcmp(w->user, a->top_user) == 0 &&
                strcmp(w->db, a->top_db) == 0 && strcmp(w->client, a->top_client) == 0)
                add_named(out, cap, &n, more,
                          (pgm_named_session){w->pid, w->backend_start, false, true, w->unused_since});
        }
        *seen = last, *user = a->top_user, *db = a->top_db, *client = a->top_client;
    } else if (v == PGM_VERDICT_IDLE_IN_TRANSACTION) {
        const pgm_holder *t = pgm_analysis_typical_holder(a);
        for (size_t i = 0; t && i < a->holders.n; i++) {
            const pgm_holder *h = &a->holders.v[i];
            if (strcmp(h->user, t->user) != 0 || strcmp(h->db, t->db) != 0 || strcmp(h->client, t->client) != 0 ||
                h->pid <= 0 || h->pid > INT32_MAX || h->xact_start == PGM_TS_UNKNOWN)
                continue;
            add_named(out, cap, &n, more, (pgm_named_session){(int)h->pid, h->xact_start, true, true, PGM_TS_UNKNOWN});
            if (h->last_seen != PGM_TS_UNKNOWN && (*seen == PGM_TS_UNKNOWN || h->last_seen > *seen))
                *seen = h->last_seen;
        }
        if (t)
            *user = t->user, *db = t->db, *client = t->client;
    }
    return n;
}
