#include "forensics/pooler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "text/timestamp.h"
#include "util/grow.h"
#include "util/intern.h"
#include "util/u64map.h"

/* A connection's key: its address as PgBouncer prints it, the side above. */
#define SERVER_SIDE (UINT64_C(1) << 63)

struct pgm_pooler {
    pgm_pooler_pool pools[PGM_POOLER_MAX_POOLS];
    size_t n;
    bool seen;
    uint64_t pools_over, connections_over, points_over;
    size_t points;                /* kept on the curves, all pools together */
    pgm_u64map open;              /* connection -> its pool's index */
    pgm_pooler_refusals refused;
    pgm_interner paths;           /* the cited files' names, kept */
    struct {
        char pid[16];
        const char *stream;       /* interned */
    } processes[PGM_POOLER_MAX_PROCESSES];
    size_t n_processes;
    uint64_t repeated;            /* events of a second destination, not counted */
    uint64_t processes_over;      /* events of processes past PGM_POOLER_MAX_PROCESSES: not checked */
    const char *repeated_stream;
};

const char *pgm_tier_name(enum pgm_tier t)
{
    switch (t) {
    case PGM_TIER_APPLICATION_POOL: return "application_pool";
    case PGM_TIER_PGBOUNCER_CLIENTS: return "pgbouncer_client_limit";
    case PGM_TIER_PGBOUNCER_POOL: return "pgbouncer_pool";
    case PGM_TIER_SERVER: return "server";
    case PGM_TIER_NONE: break;
    }
    return NULL;
}

int pgm_pooler_open(pgm_pooler **out)
{
    pgm_pooler *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    p->open.max = PGM_POOLER_MAX_OPEN;
    p->refused.first_client = p->refused.first_server_login = PGM_TS_UNKNOWN;
    *out = p;
    return 0;
}

void pgm_pooler_close(pgm_pooler *p)
{
    if (!p)
        return;
    pgm_u64map_free(&p->open);
    pgm_interner_free(&p->paths);
    for (size_t i = 0; i < p->n; i++) {
        free(p->pools[i].clients_curve);
        free(p->pools[i].servers_curve);
    }
    free(p);
}

bool pgm_pooler_seen(const pgm_pooler *p) { return p && p->seen; }

static uint64_t connection_key(const pgm_event *e, bool server)
{
    const char *c = pgm_event_field(e, "conn");
    if (!c || c[0] != '0' || c[1] != 'x')
        return 0;
    uint64_t v = strtoull(c + 2, NULL, 16) & ~SERVER_SIDE;
    return v ? v | (server ? SERVER_SIDE : 0) : 0;
}

/* The pool of the event's database and user, made on first sight; -1 when
 * none (a refused client names none) or past PGM_POOLER_MAX_POOLS. */
static int pool_of(pgm_pooler *p, const pgm_event *e)
{
    const char *db = pgm_event_field(e, "db"), *user = pgm_event_field(e, "user");
    if (!db || !user || strcmp(db, "(nodb)") == 0)
        return -1;
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->pools[i].db, db) == 0 && strcmp(p->pools[i].user, user) == 0)
            return (int)i;
    if (p->n == PGM_POOLER_MAX_POOLS) {
        p->pools_over++;
        return -1;
    }
    pgm_pooler_pool *q = &p->pools[p->n];
    memset(q, 0, sizeof *q);
    snprintf(q->db, sizeof q->db, "%s", db);
    snprintf(q->user, sizeof q->user, "%s", user);
    q->first_wait_timeout = q->clients_peak_at = q->servers_peak_at = PGM_TS_UNKNOWN;
    return (int)p->n++;
}

/* A change of a pool's open count, on its curve. */
static void on_curve(pgm_pooler *p, pgm_pooler_pool *q, bool server, int64_t t)
{
    if (t == PGM_TS_UNKNOWN)
        return;
    pgm_curve_point **v = server ? &q->servers_curve : &q->clients_curve;
    size_t *n = server ? &q->n_servers_curve : &q->n_clients_curve;
    size_t *cap = server ? &q->cap_servers_curve : &q->cap_clients_curve;
    int32_t now = server ? q->servers : q->clients;
    if (*n && (*v)[*n - 1].t == t) {
        (*v)[*n - 1].open = now; /* the same moment: its last count */
        return;
    }
    if (p->points >= PGM_POOLER_MAX_POINTS) {
        p->points_over++;
        return;
    }
    pgm_curve_point *nv = pgm_grow(*v, cap, *n, sizeof *nv, 256);
    if (!nv) {
        p->points_over++;
        return;
    }
    *v = nv;
    (*v)[(*n)++] = (pgm_curve_point){t, now};
    p->points++;
}

static void opened(pgm_pooler *p, const pgm_event *e, int pool, bool server)
{
    if (pool < 0)
        return;
    int rc = pgm_u64map_put(&p->open, connection_key(e, server), (uint32_t)pool);
    if (rc != 0) {
        p->connections_over++;
        return;
    }
    pgm_pooler_pool *q = &p->pools[pool];
    int *now = server ? &q->servers : &q->clients, *peak = server ? &q->servers_peak : &q->clients_peak;
    if (++*now > *peak) {
        *peak = *now;
        *(server ? &q->servers_peak_at : &q->clients_peak_at) = e->t;
    }
    on_curve(p, q, server, e->t);
}

static void closed(pgm_pooler *p, const pgm_event *e, bool server)
{
    uint32_t pool;
    if (!pgm_u64map_remove(&p->open, connection_key(e, server), &pool) || pool >= p->n)
        return;
    int *now = server ? &p->pools[pool].servers : &p->pools[pool].clients;
    *now -= *now > 0;
    on_curve(p, &p->pools[pool], server, e->t);
}

/* Whether the event repeats what its process logged to another stream. */
static bool second_destination(pgm_pooler *p, const pgm_event *e, const char *stream)
{
    const char *pid = pgm_event_field(e, "process");
    if (!pid || !stream || strlen(pid) >= sizeof p->processes[0].pid)
        return false;
    for (size_t i = 0; i < p->n_processes; i++)
        if (strcmp(p->processes[i].pid, pid) == 0) {
            if (strcmp(p->processes[i].stream, stream) == 0)
                return false;
            if (!p->repeated++)
                p->repeated_stream = pgm_intern(&p->paths, stream);
            return true;
        }
    const char *kept = pgm_intern(&p->paths, stream);
    if (kept && p->n_processes < PGM_POOLER_MAX_PROCESSES) {
        snprintf(p->processes[p->n_processes].pid, sizeof p->processes[0].pid, "%s", pid);
        p->processes[p->n_processes++].stream = kept;
    } else {
        p->processes_over++; /* counted, as if all were different processes (said) */
    }
    return false;
}

uint64_t pgm_pooler_repeated(const pgm_pooler *p, const char **stream)
{
    *stream = p->repeated_stream ? p->repeated_stream : "";
    return p->repeated;
}

enum pgm_pooler_take pgm_pooler_event(pgm_pooler *p, const pgm_event *e, const char *stream)
{
    /* its log's kinds stand together in the catalog, CLIENT_LOGIN first and PAUSE last */
    if (e->kind_id >= PGM_EV_PGBOUNCER_CLIENT_LOGIN && e->kind_id <= PGM_EV_PGBOUNCER_PAUSE &&
        second_destination(p, e, stream)) {
        p->seen = true;
        return PGM_POOLER_REPEATED;
    }
    switch (e->kind_id) {
    case PGM_EV_PGBOUNCER_CLIENT_LOGIN: {
        int pool = pool_of(p, e);
        if (pool >= 0) {
            pgm_pooler_pool *q = &p->pools[pool];
            q->logins++;
            const char *client = pgm_event_field(e, "client");
            if (!q->client[0] && client)
                snprintf(q->client, sizeof q->client, "%s", client);
        }
        opened(p, e, pool, false);
        break;
    }
    case PGM_EV_PGBOUNCER_CLIENT_WAIT_TIMEOUT: {
        int pool = pool_of(p, e);
        if (pool >= 0) {
            pgm_pooler_pool *q = &p->pools[pool];
            if (!q->wait_timeouts++) {
                q->first_wait_timeout = e->t;
                q->first_wait_path = pgm_intern(&p->paths, e->path);
                q->first_wait_line = e->line;
                const char *age = pgm_event_field(e, "age"), *client = pgm_event_field(e, "client");
                q->first_wait_age_s = age ? strtol(age, NULL, 10) : -1;
                /* who waited: the address of the first to give up */
                if (client)
                    snprintf(q->client, sizeof q->client, "%s", client);
            }
        }
        closed(p, e, false);
        break;
    }
    case PGM_EV_PGBOUNCER_CLIENT_TIMEOUT: {
        int pool = pool_of(p, e);
        if (pool >= 0)
            p->pools[pool].timeouts++;
        closed(p, e, false);
        break;
    }
    case PGM_EV_PGBOUNCER_CLIENT_REFUSED:
        if (!p->refused.clients++) {
            p->refused.first_client = e->t;
            p->refused.client_path = pgm_intern(&p->paths, e->path);
            p->refused.client_line = e->line;
        }
        closed(p, e, false);
        break;
    case PGM_EV_PGBOUNCER_CLIENT_CLOSED:
    case PGM_EV_PGBOUNCER_CLIENT_LOGIN_FAILED:
        closed(p, e, false);
        break;
    case PGM_EV_PGBOUNCER_SERVER_OPENED:
        opened(p, e, pool_of(p, e), true);
        break;
    case PGM_EV_PGBOUNCER_SERVER_LOGIN_FAILED: {
        const char *error = pgm_event_field(e, "error");
        if (error) {
            /* "S: login failed: FATAL: ..." (before 1.19) or "server login failed: ...": the words only,
             * its connection's "closing because: login failed" line is the one counted */
            if (!p->refused.server_error[0])
                snprintf(p->refused.server_error, sizeof p->refused.server_error, "%s", error);
            if (!connection_key(e, true))
                break;
        }
        int pool = pool_of(p, e);
        if (pool >= 0)
            p->pools[pool].server_login_failures++;
        if (!p->refused.server_logins++) {
            p->refused.first_server_login = e->t;
            p->refused.server_login_path = pgm_intern(&p->paths, e->path);
            p->refused.server_login_line = e->line;
            const char *db = pgm_event_field(e, "db"), *user = pgm_event_field(e, "user");
            snprintf(p->refused.server_login_pool, sizeof p->refused.server_login_pool, "%.64s/%.64s",
                     db ? db : "?", user ? user : "?");
        }
        closed(p, e, true);
        break;
    }
    case PGM_EV_PGBOUNCER_SERVER_CLOSED:
        closed(p, e, true);
        break;
    case PGM_EV_PGBOUNCER_SHOW_POOL: {
        int pool = pool_of(p, e);
        if (pool < 0)
            break;
        pgm_pooler_pool *q = &p->pools[pool];
        const char *mode = pgm_event_field(e, "pool_mode"), *waiting = pgm_event_field(e, "cl_waiting"),
                   *maxwait = pgm_event_field(e, "maxwait");
        if (mode)
            snprintf(q->pool_mode, sizeof q->pool_mode, "%s", mode);
        long w = waiting ? strtol(waiting, NULL, 10) : 0, mw = maxwait ? strtol(maxwait, NULL, 10) : 0;
        if (w > q->waiting_seen || (w && w == q->waiting_seen && mw > q->maxwait_s)) {
            q->waiting_seen = w;
            q->maxwait_s = mw;
            q->waiting_path = pgm_intern(&p->paths, e->path);
            q->waiting_line = e->line;
        }
        break;
    }
    case PGM_EV_PGBOUNCER_SHOW_CLIENT:
    case PGM_EV_PGBOUNCER_SHOW_SERVER:
    case PGM_EV_PGBOUNCER_SHOW_STATS:
    case PGM_EV_PGBOUNCER_SHOW_LIST:
    case PGM_EV_PGBOUNCER_POOLER_ERROR:
    case PGM_EV_PGBOUNCER_SERVER_ERROR:
    case PGM_EV_PGBOUNCER_STATS:
    case PGM_EV_PGBOUNCER_STARTED:
    case PGM_EV_PGBOUNCER_LIMITS:
    case PGM_EV_PGBOUNCER_LISTENING:
    case PGM_EV_PGBOUNCER_RELOAD:
    case PGM_EV_PGBOUNCER_SHUTDOWN:
    case PGM_EV_PGBOUNCER_PAUSE:
        break;
    default:
        return PGM_POOLER_NOT_OURS;
    }
    p->seen = true;
    return PGM_POOLER_COUNTED;
}

static int by_weight(const void *x, const void *y)
{
    const pgm_pooler_pool *a = x, *b = y;
    if (a->wait_timeouts != b->wait_timeouts)
        return a->wait_timeouts > b->wait_timeouts ? -1 : 1;
    if (a->servers_peak != b->servers_peak)
        return a->servers_peak > b->servers_peak ? -1 : 1;
    if (a->clients_peak != b->clients_peak)
        return a->clients_peak > b->clients_peak ? -1 : 1;
    int c = strcmp(a->db, b->db);
    return c ? c : strcmp(a->user, b->user);
}

void pgm_pooler_finish(pgm_pooler *p)
{
    /* the open connections' table holds the pools' indexes: sorting is for after the events */
    qsort(p->pools, p->n, sizeof p->pools[0], by_weight);
    pgm_u64map_free(&p->open);
    p->open.max = PGM_POOLER_MAX_OPEN;
}

const pgm_pooler_pool *pgm_pooler_pools(const pgm_pooler *p, size_t *n)
{
    *n = p->n;
    return p->pools;
}

uint64_t pgm_pooler_processes_over(const pgm_pooler *p) { return p->processes_over; }

void pgm_pooler_over(const pgm_pooler *p, uint64_t *pools, uint64_t *connections, uint64_t *points)
{
    *pools = p->pools_over;
    *connections = p->connections_over;
    *points = p->points_over;
}

const pgm_pooler_refusals *pgm_pooler_refused(const pgm_pooler *p) { return &p->refused; }

enum pgm_tier pgm_pooler_tier(const pgm_pooler *p, bool server_refused, bool app_timeouts,
                              const pgm_pooler_pool **pool)
{
    *pool = NULL;
    if (server_refused || (p && p->refused.server_logins))
        return PGM_TIER_SERVER;
    if (p && p->refused.clients)
        return PGM_TIER_PGBOUNCER_CLIENTS;
    size_t n = 0;
    const pgm_pooler_pool *v = p ? pgm_pooler_pools(p, &n) : NULL;
    if (n && v[0].wait_timeouts) {
        *pool = &v[0];
        return PGM_TIER_PGBOUNCER_POOL;
    }
    return app_timeouts ? PGM_TIER_APPLICATION_POOL : PGM_TIER_NONE;
}
