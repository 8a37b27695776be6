#include "forensics/analysis.h"
#include "forensics/analysis_impl.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/rotation.h"
#include "catalog/event_kinds.h"
#include "pipeline/scan.h"
#include "sniff/sniff.h"
#include "text/timestamp.h"
#include "util/grow.h"
#include "util/json.h"
#include "util/rc.h"
#include "util/label.h"



const char *pgm_verdict_name(enum pgm_verdict v)
{
    static const char *const names[PGM_VERDICT_COUNT] = {
        "leak", "idle_in_transaction", "capacity", "pool_churn", "network", "slow_queries", "none",
        "inconclusive"};
    return v < PGM_VERDICT_COUNT ? names[v] : "inconclusive";
}

int pgm_analysis_open(pgm_analysis **out)
{
    pgm_analysis *a = calloc(1, sizeof *a);
    if (!a)
        return PGM_FATAL;
    a->primary = -1;
    a->burst = -1;
    a->max_connections = a->reserved = -1;
    a->log_connections = a->log_disconnections = -1;
    a->first_timeout = a->first_leak_report = a->max_idle_in_tx_at = a->exhaustion = a->recovery = PGM_TS_UNKNOWN;
    a->first_cancel = PGM_TS_UNKNOWN;
    pgm_victims_init(&a->victims);
    if (pgm_clocks_open(&a->clocks) != PGM_OK) {
        free(a);
        return PGM_FATAL;
    }
    if (pgm_pooler_open(&a->pooler) != 0) {
        pgm_clocks_close(a->clocks);
        free(a);
        return PGM_FATAL;
    }
    *out = a;
    return PGM_OK;
}

void pgm_analysis_close(pgm_analysis *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n_logs; i++)
        pgm_sessions_close(a->logs[i].s);
    pgm_pods_free(a);
    free(a->leaks);
    free(a->inputs);
    free(a->findings);
    free(a->snap_points);
    free(a->pool_samples);
    if (a->sampled != a->snap_points)
        free(a->sampled);
    free(a->snap_top);
    pgm_holders_free(&a->holders);
    pgm_alerting_free(&a->alerting);
    free(a->app_rows);
    pgm_thresholds_close(a->thresholds);
    pgm_clocks_close(a->clocks);
    pgm_pooler_close(a->pooler);
    pgm_interner_free(&a->paths);
    pgm_u64map_free(&a->joined);
    free(a);
}

/* The stream a file's events belong to: the pieces of one rotated log are
 * one server's sessions, one service's life (bundle/rotation.h); a piece a
 * server log took on (log_of) is that log's. */
static const char *stream_of(pgm_analysis *a, const char *path)
{
    if (a->stream_path != path) {
        const char *kept = a->joined.n ? pgm_interned(&a->paths, path) : NULL;
        uint32_t log;
        if (kept && pgm_u64map_get(&a->joined, (uint64_t)(uintptr_t)kept, &log))
            snprintf(a->stream, sizeof a->stream, "%s", a->logs[log].path);
        else
            pgm_rotation_stream(path, a->stream, sizeof a->stream);
        a->stream_path = path;
    }
    return a->stream;
}

/* A file's path kept for as long as the analysis, to cite a line of it. */
static const char *cited(pgm_analysis *a, const char *path)
{
    const char *p = pgm_intern(&a->paths, path);
    a->oom = a->oom || !p;
    return p ? p : "";
}

/* The server log a new file at time t goes on: one of its folder and
 * extension whose latest time it begins at or after (less the leeway);
 * the latest ending of them. NULL when none. */
static server_log *log_going_on_in(pgm_analysis *a, const char *file, int64_t t)
{
    if (t == PGM_TS_UNKNOWN)
        return NULL;
    char siblings[sizeof a->logs[0].siblings];
    pgm_rotation_siblings(file, siblings, sizeof siblings);
    server_log *best = NULL;
    for (size_t i = 0; i < a->n_logs; i++) {
        server_log *l = &a->logs[i];
        if (l->latest == PGM_TS_UNKNOWN || t < l->latest - PGM_ROTATION_JOIN_SLACK_US ||
            strcmp(l->siblings, siblings) != 0)
            continue;
        if (!best || l->latest > best->latest)
            best = l;
    }
    return best;
}

/* The log a file's events go to, kept as log_of's last answer. */
static server_log *in_file(pgm_analysis *a, server_log *l, const char *file)
{
    a->last_log_path = file;
    return a->last_log = l;
}

static server_log *log_of(pgm_analysis *a, const char *file, int64_t t)
{
    /* an input's events carry the same path text: the last answer first */
    if (a->last_log && a->last_log_path == file)
        return a->last_log;
    const char *path = stream_of(a, file);
    for (size_t i = 0; i < a->n_logs; i++)
        if (strcmp(a->logs[i].path, path) == 0)
            return in_file(a, &a->logs[i], file);
    server_log *l = log_going_on_in(a, file, t);
    if (l) {
        const char *kept = cited(a, file);
        if (pgm_u64map_put(&a->joined, (uint64_t)(uintptr_t)kept, (uint32_t)(l - a->logs)) != 0)
            a->oom = true;
        l->taken_on++;
        l->last_taken = kept;
        a->stream_path = NULL; /* its stream is now the log's */
        return in_file(a, l, file);
    }
    if (a->n_logs == PGM_ANALYSIS_MAX_LOGS) {
        a->over[PGM_ANALYSIS_CAP_LOGS]++;
        return NULL;
    }
    l = &a->logs[a->n_logs];
    snprintf(l->path, sizeof l->path, "%s", path);
    snprintf(l->shown, sizeof l->shown, "%s", file);
    pgm_rotation_siblings(file, l->siblings, sizeof l->siblings);
    l->last_refusal = PGM_TS_UNKNOWN;
    l->latest = PGM_TS_UNKNOWN;
    if (pgm_sessions_open(&l->s) != PGM_OK) {
        a->oom = true;
        return NULL;
    }
    a->n_logs++;
    return in_file(a, l, file);
}

static long field_long(const pgm_event *e, const char *name, long dflt)
{
    const char *v = pgm_event_field(e, name);
    if (!v || !*v)
        return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    return *end ? dflt : n;
}

/* Whether the known time t is before `first` (a first not yet known: any
 * known time is). A log's firsts are its earliest, not the first met:
 * threads log a few milliseconds out of order, and pieces out of order by
 * minutes (which the scan says) would otherwise move a key moment. */
static bool earlier(int64_t t, int64_t first)
{
    return t != PGM_TS_UNKNOWN && (first == PGM_TS_UNKNOWN || t < first);
}

static void service_of_event(const pgm_event *e, char *out, size_t cap);
static void note_leak(pgm_analysis *a, const pgm_event *e)
{
    a->leak_reports++;
    if (earlier(e->t, a->first_leak_report))
        a->first_leak_report = e->t;
    if (!a->leak_app[0])
        service_of_event(e, a->leak_app, sizeof a->leak_app);
    const char *frame = pgm_event_field(e, "culprit");
    const char *at = pgm_event_field(e, "culprit_at");
    int loc = -1;
    if (frame) {
        for (size_t i = 0; i < a->n_locs; i++)
            if (strcmp(a->locs[i].frame, frame) == 0)
                loc = (int)i;
        if (loc < 0 && a->n_locs == PGM_ANALYSIS_MAX_LOCATIONS)
            a->over[PGM_ANALYSIS_CAP_LOCATIONS]++;
        if (loc < 0 && a->n_locs < PGM_ANALYSIS_MAX_LOCATIONS) {
            loc = (int)a->n_locs++;
            pgm_code_location *c = &a->locs[loc];
            snprintf(c->frame, sizeof c->frame, "%s", frame);
            snprintf(c->at, sizeof c->at, "%s", at ? at : "");
            c->first = e->t;
            snprintf(c->first_path, sizeof c->first_path, "%s", e->path);
            c->first_line = e->line;
        }
        if (loc >= 0) {
            pgm_code_location *c = &a->locs[loc];
            c->count++;
            /* within the log it was first met in: another's clock may be off (correct_clocks) */
            if (strcmp(c->first_path, e->path) == 0 && earlier(e->t, c->first)) {
                c->first = e->t;
                c->first_line = e->line;
            }
            if (c->last == PGM_TS_UNKNOWN || e->t > c->last)
                c->last = e->t;
        }
    }
    const char *conn = pgm_event_field(e, "connection");
    if (!conn)
        return;
    if (a->n_leaks == PGM_ANALYSIS_MAX_LEAKS) {
        a->over[PGM_ANALYSIS_CAP_LEAKS]++;
        return;
    }
    if (!a->leaks && !(a->leaks = malloc(PGM_ANALYSIS_MAX_LEAKS * sizeof *a->leaks))) {
        a->oom = true;
        return;
    }
    snprintf(a->leaks[a->n_leaks].connection, sizeof a->leaks[0].connection, "%s", conn);
    a->leaks[a->n_leaks].t = e->t;
    a->leaks[a->n_leaks++].loc = loc;
}

/* A reported connection came back: a slow borrower, not a leak. */
static void note_returned(pgm_analysis *a, const pgm_event *e)
{
    const char *conn = pgm_event_field(e, "connection");
    if (!conn)
        return;
    for (size_t i = a->n_leaks; i-- > 0;)
        if (strcmp(a->leaks[i].connection, conn) == 0) {
            if (a->leaks[i].loc >= 0 && a->locs[a->leaks[i].loc].count)
                a->locs[a->leaks[i].loc].count--;
            a->leaks[i].connection[0] = 0;
            a->slow_borrowers++;
            return;
        }
}

static void note_hit(hit *v, size_t *n, uint64_t *over, const char *who, const pgm_event *e)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(v[i].who, who) == 0) {
            v[i].count++;
            if (strcmp(v[i].path, e->path) == 0 && earlier(e->t, v[i].first)) { /* as in note_leak */
                v[i].first = e->t;
                v[i].line = e->line;
            }
            return;
        }
    if (*n == PGM_ANALYSIS_MAX_HITS) {
        (*over)++;
        return;
    }
    hit *h = &v[(*n)++];
    snprintf(h->who, sizeof h->who, "%s", who);
    h->count = 1;
    h->first = e->t;
    snprintf(h->path, sizeof h->path, "%s", e->path);
    h->line = e->line;
}

/* A connection request of an application's pool that timed out. */
static void note_timeout(pgm_analysis *a, const pgm_event *e)
{
    a->app_timeouts++;
    char named[128];
    service_of_event(e, named, sizeof named);
    note_hit(a->timed_out, &a->n_timed_out, &a->over[PGM_ANALYSIS_CAP_HITS], named, e);
    /* the earliest of the log it was first met in (another's clock may be off: correct_clocks) */
    if (a->first_timeout == PGM_TS_UNKNOWN ||
        (strcmp(a->first_timeout_path, e->path) == 0 && earlier(e->t, a->first_timeout))) {
        a->first_timeout = e->t;
        snprintf(a->first_timeout_path, sizeof a->first_timeout_path, "%s", e->path);
        a->first_timeout_line = e->line;
    }
}

/* One timeout, two lines: HikariCP's "Timeout failure stats" (DEBUG), then
 * the SQLTransientConnectionException the application logs. Stats lines are
 * remembered per log and pool, the most recent PGM_ANALYSIS_MAX_STATS_TIMEOUTS
 * of them. */
static struct stats_timeout *stats_timeout_of(pgm_analysis *a, const pgm_event *e, bool add)
{
    const char *pool = pgm_event_field(e, "pool");
    const char *stream = stream_of(a, e->path);
    pool = pool ? pool : "";
    for (size_t i = 0; i < a->n_stats_timeouts; i++)
        if (strcmp(a->stats_timeouts[i].stream, stream) == 0 && strcmp(a->stats_timeouts[i].pool, pool) == 0)
            return &a->stats_timeouts[i];
    if (!add)
        return NULL;
    bool full = a->n_stats_timeouts == PGM_ANALYSIS_MAX_STATS_TIMEOUTS;
    size_t k = full ? a->next_stats_timeout++ % PGM_ANALYSIS_MAX_STATS_TIMEOUTS /* the oldest */
                    : a->n_stats_timeouts++;
    struct stats_timeout *st = &a->stats_timeouts[k];
    if (full && st->unpaired)
        a->over[PGM_ANALYSIS_CAP_STATS_TIMEOUTS]++;
    snprintf(st->stream, sizeof st->stream, "%s", stream);
    snprintf(st->pool, sizeof st->pool, "%s", pool);
    st->unpaired = 0;
    return st;
}

/* A "Timeout failure stats" line: a timeout, its exception awaited. */
static void note_stats_timeout(pgm_analysis *a, const pgm_event *e)
{
    struct stats_timeout *st = stats_timeout_of(a, e, true);
    st->last = e->t;
    st->unpaired++;
    note_timeout(a, e);
}

/* Whether a timeout's exception is the one a stats line of its pool said
 * within PGM_ANALYSIS_TIMEOUT_PAIR_US before: counted already. */
static bool timeout_said_by_stats(pgm_analysis *a, const pgm_event *e)
{
    struct stats_timeout *st = stats_timeout_of(a, e, false);
    if (!st || !st->unpaired || e->t == PGM_TS_UNKNOWN || st->last == PGM_TS_UNKNOWN || e->t < st->last ||
        e->t - st->last > PGM_ANALYSIS_TIMEOUT_PAIR_US)
        return false;
    st->unpaired--;
    return true;
}

static void action(pgm_analysis *a, server_log *l, const pgm_event *e, const char *what, const char *detail)
{
    if (e->t == PGM_TS_UNKNOWN)
        return;
    if (l->n_actions == PGM_ANALYSIS_MAX_ACTIONS) {
        l->actions_over++;
        return;
    }
    operator_action *o = &l->actions[l->n_actions++];
    o->t = o->last = e->t;
    o->path = cited(a, e->path);
    o->line = e->line;
    o->terminated = 0;
    snprintf(o->text, sizeof o->text, "%s%s%s", what, detail && *detail ? ": " : "", detail ? detail : "");
}

/* Refusals by who was refused, and what operators did. */
/* What a server log's event means here, by its kind's number. */
enum server_kind {
    SV_NONE,               /* not a conn. or server. event */
    SV_OTHER,              /* one that only the sessions read */
    SV_REFUSED_NO_SLOT,    /* too many clients, reserved slots */
    SV_TERMINATED_ADMIN, SV_SHUTDOWN_REQUESTED, SV_STARTING_OR_READY, SV_RELOAD, SV_PARAM_CHANGED,
    SV_IIT_TIMEOUT,        /* ended by idle_in_transaction_session_timeout */
    SV_LOST_OPEN_TX,       /* a client gone with its transaction open */
    SV_LOST                /* any other conn.lost */
};

static enum server_kind server_kind_of(const pgm_event *e)
{
    switch (e->kind_id) {
    case PGM_EV_CONN_REFUSED_TOO_MANY_CLIENTS:
    case PGM_EV_CONN_REFUSED_RESERVED_SLOTS: return SV_REFUSED_NO_SLOT;
    case PGM_EV_CONN_TERMINATED_ADMIN: return SV_TERMINATED_ADMIN;
    case PGM_EV_SERVER_SHUTDOWN_REQUESTED: return SV_SHUTDOWN_REQUESTED;
    case PGM_EV_SERVER_STARTING:
    case PGM_EV_SERVER_READY: return SV_STARTING_OR_READY;
    case PGM_EV_SERVER_RELOAD: return SV_RELOAD;
    case PGM_EV_SERVER_PARAM_CHANGED: return SV_PARAM_CHANGED;
    case PGM_EV_CONN_TERMINATED_IDLE_IN_TRANSACTION_TIMEOUT: return SV_IIT_TIMEOUT;
    case PGM_EV_CONN_LOST_OPEN_TRANSACTION: return SV_LOST_OPEN_TX;
    case PGM_EV_CONN_LOST:
    case PGM_EV_CONN_LOST_PROTOCOL: return SV_LOST;
    default:
        /* every other conn. and server. kind: the sessions read them */
        return e->kind && (strncmp(e->kind, "conn.", 5) == 0 || strncmp(e->kind, "server.", 7) == 0) ? SV_OTHER
                                                                                                  : SV_NONE;
    }
}

static void note_server_event(pgm_analysis *a, server_log *l, const pgm_event *e, enum server_kind sk)
{
    if (sk == SV_REFUSED_NO_SLOT) {
        const char *u = pgm_event_field(e, "user"), *d = pgm_event_field(e, "db");
        char who[128];
        snprintf(who, sizeof who, "%s@%s", u && *u ? u : "?", d && *d ? d : "?");
        note_hit(l->refused, &l->n_refused, &l->refused_over, who, e);
        l->last_refusal = e->t;
        if (l->last_refusal_path != e->path) /* by address: each event would ask the interner */
            l->last_refusal_path = cited(a, e->path);
        l->last_refusal_line = e->line;
    } else if (sk == SV_TERMINATED_ADMIN && !l->shutting_down) {
        /* pg_terminate_backend: terminations close together are one action */
        operator_action *last = l->n_actions ? &l->actions[l->n_actions - 1] : NULL;
        if (last && last->terminated && e->t != PGM_TS_UNKNOWN && e->t - last->last <= PGM_ANALYSIS_ACTION_BURST_US) {
            last->terminated++;
            last->last = e->t;
        } else {
            action(a, l, e, "an administrator ended", NULL);
            if (l->n_actions && l->actions[l->n_actions - 1].t == e->t)
                l->actions[l->n_actions - 1].terminated = 1;
        }
    } else if (sk == SV_SHUTDOWN_REQUESTED) {
        l->shutting_down = true;
        action(a, l, e, "the server was asked to shut down", pgm_event_field(e, "msg"));
    } else if (sk == SV_STARTING_OR_READY) {
        l->shutting_down = false;
    } else if (sk == SV_RELOAD) {
        action(a, l, e, "the configuration was reloaded (SIGHUP)", NULL);
    } else if (sk == SV_PARAM_CHANGED) {
        action(a, l, e, "a setting changed", pgm_event_field(e, "msg"));
    }
}

const char *pgm_analysis_confidence(const pgm_analysis *a)
{
    int top = a->hyp[0].score, second = a->hyp[1].score;
    return top >= 5 && top - second >= 3 ? "high" : top >= 3 ? "medium" : "low";
}

/* Events by kind: a hash of the name into slots (twice the kinds kept), so a
 * billion events cost a short hash each, not a scan of the list. */
/* The index of kind k in a->kinds (added when new), or -1 when the table is full. */
static int kind_index(void *ctx, const char *k)
{
    pgm_analysis *a = ctx;
    uint32_t h = 2166136261u;
    for (const char *p = k; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (uint32_t probe = 0; probe < 2 * PGM_ANALYSIS_MAX_KINDS; probe++) {
        uint16_t *slot = &a->kind_slots[(h + probe) % (2 * PGM_ANALYSIS_MAX_KINDS)];
        if (*slot && strcmp(a->kinds[*slot - 1].kind, k) == 0)
            return *slot - 1;
        if (!*slot) {
            if (a->n_kinds == PGM_ANALYSIS_MAX_KINDS)
                break;
            kind_count *c = &a->kinds[a->n_kinds++];
            snprintf(c->kind, sizeof c->kind, "%s", k);
            c->count = 0;
            *slot = (uint16_t)a->n_kinds;
            return (int)a->n_kinds - 1;
        }
    }
    return -1;
}

void pgm_analysis_count_events(pgm_analysis *a, const char *kind, uint64_t n)
{
    int i = pgm_text_memo_of(&a->kind_counts, kind, kind_index, a);
    if (i >= 0)
        a->kinds[i].count += n;
    else
        a->kinds_dropped += n;
}

/* "HikariPool-1 - Pool stats (total=10/10, ...)": one pool's open
 * connections, kept per pool of each log (a process's pool). */
static void note_pool_stats(pgm_analysis *a, const pgm_event *e)
{
    const char *total = pgm_event_field(e, "total"), *pool = pgm_event_field(e, "pool");
    if (!total || e->t == PGM_TS_UNKNOWN)
        return;
    if (a->n_pool_samples == PGM_ANALYSIS_MAX_SNAPSHOTS) {
        a->over[PGM_ANALYSIS_CAP_SNAPSHOTS]++;
        return;
    }
    char key[192];
    snprintf(key, sizeof key, "%.150s|%.40s", stream_of(a, e->path), pool ? pool : "");
    size_t k = 0;
    while (k < a->n_pool_keys && strcmp(a->pool_keys[k], key) != 0)
        k++;
    if (k == a->n_pool_keys) {
        if (k == PGM_ANALYSIS_MAX_POOLS) {
            a->over[PGM_ANALYSIS_CAP_POOLS]++;
            return;
        }
        snprintf(a->pool_keys[a->n_pool_keys++], sizeof a->pool_keys[0], "%s", key);
    }
    if (!a->pool_samples && !(a->pool_samples = malloc(PGM_ANALYSIS_MAX_SNAPSHOTS * sizeof *a->pool_samples))) {
        a->oom = true;
        return;
    }
    a->pool_samples[a->n_pool_samples].t = e->t;
    a->pool_samples[a->n_pool_samples].pool = (uint32_t)k;
    a->pool_samples[a->n_pool_samples].total = (int32_t)strtol(total, NULL, 10);
    a->n_pool_samples++;
}

/* n lowercase letters and digits, from `least` to `most`: a piece of a pod's
 * generated name (the ReplicaSet's hash, the pod's suffix). */
static bool pod_part(const char *p, size_t n, size_t least, size_t most)
{
    if (n < least || n > most)
        return false;
    bool digit = false;
    for (size_t i = 0; i < n; i++) {
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9')))
            return false;
        digit |= p[i] >= '0' && p[i] <= '9';
    }
    return digit || n <= 5; /* a hash of letters alone is a word */
}

/* The name of the service an application log is of, when its lines carry
 * none: the pod and container a Kubernetes node's log path names (the
 * kubelet's /var/log/pods/NAMESPACE_POD_UID/CONTAINER/N.log, and the
 * /var/log/containers/POD_NAMESPACE_CONTAINER-ID.log links to them), else
 * the file's name less its extensions and date, or its folder's when the
 * name is a generic one. `path` may end in "#SOURCE" (a journal's). */
static void service_name_of_path(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *file = slash ? slash + 1 : path;
    size_t digits = strspn(file, "0123456789");
    if (slash && digits && strncmp(file + digits, ".log", 4) == 0) {
        /* N.log, N.log.20261127-021500[.gz]: .../NS_POD_UID/CONTAINER/ */
        const char *c = slash;
        while (c > path && c[-1] != '/')
            c--;
        const char *d = c > path ? c - 1 : path;
        while (d > path && d[-1] != '/')
            d--;
        const char *u1 = memchr(d, '_', (size_t)(c - d));
        const char *u2 = u1 ? memchr(u1 + 1, '_', (size_t)(c - u1 - 1)) : NULL;
        if (c > path && u1 && u2) {
            snprintf(out, cap, "%.*s/%.*s", (int)(u2 - u1 - 1), u1 + 1, (int)(slash - c), c);
            return;
        }
    }
    const char *u1 = strchr(file, '_'), *u2 = u1 ? strchr(u1 + 1, '_') : NULL;
    const char *dash = u2 ? strrchr(u2, '-') : NULL;
    if (u1 && u2 && dash && strstr(path, "/containers/")) { /* POD_NS_CONTAINER-ID.log */
        snprintf(out, cap, "%.*s/%.*s", (int)(u1 - file), file, (int)(dash - u2 - 1), u2 + 1);
        return;
    }
    const char *source = strrchr(file, '#');
    if (source && source[1]) { /* a journal's source: the unit or identifier */
        snprintf(out, cap, "%s", source + 1);
        return;
    }
    /* orders.log, orders.2026-11-27.log.gz: its stem; application.log and
     * the like name no service: their folder does (orders/logs/spring.log) */
    size_t stem = strcspn(file, ".#");
    while (stem > 11 && file[stem - 11] == '-' && strspn(file + stem - 10, "0123456789-") == 10)
        stem -= 11; /* orders-2026-11-27.log */
    static const char *const generic[] = {"application", "app", "spring", "server", "console", "catalina",
                                          "stdout", "output", "service", "main", "log", "logs"};
    bool is_generic = !stem || strspn(file, "0123456789-_") >= stem; /* 2026-11-27.log: a day, no name */
    for (size_t g = 0; g < sizeof generic / sizeof generic[0] && !is_generic; g++)
        is_generic = strlen(generic[g]) == stem && strncmp(file, generic[g], stem) == 0;
    for (const char *end = slash; is_generic && end && end > path;) {
        const char *dir = end;
        while (dir > path && dir[-1] != '/' && dir[-1] != '!')
            dir--;
        size_t len = (size_t)(end - dir);
        if (len && !(len == 4 && strncmp(dir, "logs", 4) == 0) && !(len == 3 && strncmp(dir, "log", 3) == 0)) {
            snprintf(out, cap, "%.*s", (int)len, dir);
            return;
        }
        end = dir > path && dir[-1] == '/' ? dir - 1 : NULL;
    }
    /* a Deployment's pod, catalog-7d9f8c6b5-x2kq9: its Deployment */
    const char *d2 = file + stem, *d1;
    while (d2 > file && d2[-1] != '-')
        d2--;
    d2 = d2 > file ? d2 - 1 : NULL;
    for (d1 = d2; d1 && d1 > file && d1[-1] != '-';)
        d1--;
    d1 = d1 && d1 > file ? d1 - 1 : NULL;
    if (d1 && d1 > file && pod_part(d1 + 1, (size_t)(d2 - d1 - 1), 6, 10) &&
        pod_part(d2 + 1, (size_t)(file + stem - d2 - 1), 1, 5))
        stem = (size_t)(d1 - file);
    snprintf(out, cap, "%.*s", (int)stem, file);
}

/* The service whose application log an event is of: the name its lines
 * carry (Spring Boot's [orders]), else its file's (service_name_of_path). */
static void service_of_event(const pgm_event *e, char *out, size_t cap)
{
    const char *app = pgm_event_field(e, "app");
    if (app && *app)
        snprintf(out, cap, "%s", app);
    else
        service_name_of_path(e->path, out, cap);
}

/* What systemd or the kernel said of a service (rules/systemd), in words. */
static void system_said(pgm_analysis *a, const pgm_event *e)
{
    const char *type = pgm_event_field(e, "type"), *reason = pgm_event_field(e, "reason");
    /* of Kubernetes' events, the warnings and the kubelet killing a container
     * (a failed liveness probe, an eviction); Scheduled, Pulled, Started are not moments */
    if (e->kind_id == PGM_EV_K8S_EVENT && (e->t == PGM_TS_UNKNOWN ||
                                              !((type && strcmp(type, "Warning") == 0) ||
                                                (reason && strcmp(reason, "Killing") == 0))))
        return;
    if (a->n_system == PGM_ANALYSIS_MAX_ACTIONS) {
        a->over[PGM_ANALYSIS_CAP_SYSTEM]++;
        return;
    }
    const char *unit = pgm_event_field(e, "unit");
    const char *f1, *f2;
    char text[sizeof a->system[0].text];
    unit = unit ? unit : "a unit";
    if (e->kind_id == PGM_EV_SYSTEM_UNIT_EXITED) {
        f1 = pgm_event_field(e, "status");
        f2 = pgm_event_field(e, "status_name");
        const char *code = pgm_event_field(e, "code");
        snprintf(text, sizeof text, code && strcmp(code, "killed") == 0
                                        ? "systemd: %s's main process was killed (signal %s/%s)"
                                        : "systemd: %s's main process exited (status %s/%s)",
                 unit, f1 ? f1 : "?", f2 ? f2 : "?");
    } else if (e->kind_id == PGM_EV_SYSTEM_UNIT_RESTART_SCHEDULED) {
        f1 = pgm_event_field(e, "counter");
        snprintf(text, sizeof text, "systemd restarts %s (its restart counter at %s)", unit, f1 ? f1 : "?");
    } else if (e->kind_id == PGM_EV_SYSTEM_UNIT_FAILED) {
        f1 = pgm_event_field(e, "result");
        snprintf(text, sizeof text, "systemd: %s failed (result '%s')", unit, f1 ? f1 : "?");
    } else if (e->kind_id == PGM_EV_SYSTEM_UNIT_START_LIMIT) {
        snprintf(text, sizeof text, "systemd gives up restarting %s: its start limit was hit", unit);
    } else if (e->kind_id == PGM_EV_SYSTEM_UNIT_OOM_KILLED) {
        snprintf(text, sizeof text, "the OOM killer killed a process of %s", unit);
    } else if (e->kind_id == PGM_EV_KERNEL_OOM_KILL) {
        f1 = pgm_event_field(e, "command");
        f2 = pgm_event_field(e, "pid");
        snprintf(text, sizeof text, "the kernel's OOM killer killed %s (pid %s)", f1 ? f1 : "a process",
                 f2 ? f2 : "?");
    } else if (e->kind_id == PGM_EV_K8S_CONTAINER_TERMINATED) {
        const char *pod = pgm_event_field(e, "pod"), *container = pgm_event_field(e, "container");
        f1 = pgm_event_field(e, "reason");
        f2 = pgm_event_field(e, "exit_code");
        snprintf(text, sizeof text, "Kubernetes: container %s of pod %s ended (%s%s%s)", container ? container : "?",
                 pod ? pod : "?", f1 ? f1 : "no reason given", f2 ? ", exit code " : "", f2 ? f2 : "");
    } else if (e->kind_id == PGM_EV_K8S_EVENT) {
        const char *object = pgm_event_field(e, "object"), *message = pgm_event_field(e, "message");
        const char *count = pgm_event_field(e, "count"), *last = pgm_event_field(e, "last_seen");
        char times[64] = "";
        if (count && strtol(count, NULL, 10) > 1)
            snprintf(times, sizeof times, " (%s times%s%.19s)", count, last ? ", the last at " : "",
                     last ? last : "");
        snprintf(text, sizeof text, "Kubernetes: %s %s%s: %s", reason, object ? object : "?", times,
                 message ? message : "");
    } else if (e->kind_id == PGM_EV_SYSTEM_UNIT_STARTED) {
        snprintf(text, sizeof text, "systemd started %s", unit);
    } else if (e->kind_id == PGM_EV_SYSTEM_UNIT_STOPPED) {
        f1 = pgm_event_field(e, "what");
        snprintf(text, sizeof text, "systemd: %s %s", f1 && strcmp(f1, "Stopping") == 0 ? "stopping" : "stopped",
                 unit);
    } else {
        return;
    }
    system_note *n = &a->system[a->n_system++];
    n->t = e->t;
    n->line = e->line;
    snprintf(n->text, sizeof n->text, "%s", text);
    snprintf(n->path, sizeof n->path, "%s", e->path);
}

/* The service an application log belongs to (one per log). */
static service_start *service_of(pgm_analysis *a, const pgm_event *e)
{
    const char *stream = stream_of(a, e->path);
    for (size_t i = 0; i < a->n_services; i++)
        if (strcmp(a->services[i].path, stream) == 0)
            return &a->services[i];
    if (a->n_services == PGM_ANALYSIS_MAX_HITS) {
        a->over[PGM_ANALYSIS_CAP_SERVICES]++;
        return NULL;
    }
    service_start *st = &a->services[a->n_services++];
    memset(st, 0, sizeof *st);
    snprintf(st->path, sizeof st->path, "%s", stream);
    service_of_event(e, st->app, sizeof st->app);
    st->first = PGM_TS_UNKNOWN;
    return st;
}

/* A client row of a snapshot that names an application: kept to name the
 * logged session it is (the log may not carry the name, sent after login). */
static void note_app_row(pgm_analysis *a, const pgm_event *e)
{
    const char *app = pgm_event_field(e, "app"), *pid = pgm_event_field(e, "pid");
    if (!pid || e->t == PGM_TS_UNKNOWN)
        return;
    if (a->n_app_rows == PGM_ANALYSIS_MAX_APP_ROWS) {
        a->over[PGM_ANALYSIS_CAP_APP_ROWS]++;
        return;
    }
    if (!a->app_rows && !(a->app_rows = malloc(PGM_ANALYSIS_MAX_APP_ROWS * sizeof *a->app_rows))) {
        a->oom = true;
        return;
    }
    app_row *r = &a->app_rows[a->n_app_rows++];
    r->pid = (int)strtol(pid, NULL, 10);
    r->seen = e->t;
    r->backend_start = PGM_TS_UNKNOWN;
    const char *b = pgm_event_field(e, "backend_start");
    pgm_ts_parse ts;
    if (b && pgm_ts_parse_at(b, strlen(b), &ts) && ts.zone != PGM_TS_ZONE_UNKNOWN)
        r->backend_start = ts.us;
    const char *f[4] = {app, pgm_event_field(e, "user"), pgm_event_field(e, "db"), pgm_event_field(e, "client")};
    char *dst[4] = {r->app, r->user, r->db, r->client};
    for (int i = 0; i < 4; i++)
        snprintf(dst[i], sizeof r->app, "%s", f[i] ? f[i] : "");
    const char *state = pgm_event_field(e, "state"), *changed = pgm_event_field(e, "state_change");
    r->unused_since = PGM_TS_UNKNOWN;
    if (state && strncmp(state, "idle", 4) == 0 && changed && pgm_ts_parse_at(changed, strlen(changed), &ts) &&
        ts.zone != PGM_TS_ZONE_UNKNOWN)
        r->unused_since = ts.us;
    const char *view = pgm_event_field(e, "stats_view");
    snprintf(r->stats_view, sizeof r->stats_view, "%s", view ? view : "");
    r->path = cited(a, e->path);
    r->line = e->line;
}

/* The snapshots' rows name the applications of the sessions the log left unnamed. */
static void name_apps_from_rows(pgm_analysis *a)
{
    if (!a->n_app_rows)
        return;
    pgm_app_hint *h = malloc(a->n_app_rows * sizeof *h);
    if (!h) {
        a->oom = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < a->n_app_rows; i++) {
        const app_row *r = &a->app_rows[i];
        if (r->app[0]) /* a row that names no application names no session */
            h[n++] = (pgm_app_hint){r->pid, r->seen, r->backend_start, r->app, r->user, r->db, r->client};
    }
    for (size_t i = 0; n && i < a->n_logs; i++) {
        size_t inferred;
        size_t named = pgm_sessions_name_apps(a->logs[i].s, h, n, &inferred);
        if (named > a->apps_named) {
            a->apps_named = named - inferred;
            a->apps_inferred = inferred;
        }
    }
    free(h);
}

/* The monitoring rows (one per backend: pid and backend_start), by pid. */
typedef struct monitoring_rows {
    const app_row **v;
    size_t n;
} monitoring_rows;

static int cmp_row_pid(const void *x, const void *y)
{
    const app_row *a = *(const app_row *const *)x, *b = *(const app_row *const *)y;
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    return a->seen < b->seen ? -1 : a->seen > b->seen;
}


static const app_row *monitoring_row_of(const monitoring_rows *m, const pgm_session *v)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid]->pid < v->pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < m->n && m->v[lo]->pid == v->pid; lo++)
        if (pgm_session_shown_by_row(v, m->v[lo]->seen, m->v[lo]->backend_start))
            return m->v[lo];
    return NULL;
}

static bool is_monitoring(void *ctx, const pgm_session *v)
{
    return monitoring_row_of(ctx, v) != NULL;
}

/* The sessions held longest, monitoring agents' left out (and named). */
static void find_longest(pgm_analysis *a, const pgm_sessions *s)
{
    monitoring_rows m = {NULL, 0};
    size_t k = 0;
    for (size_t i = 0; i < a->n_app_rows; i++)
        k += a->app_rows[i].stats_view[0] != '\0';
    if (k && !(m.v = malloc(k * sizeof *m.v)))
        a->oom = true;
    for (size_t i = 0; m.v && i < a->n_app_rows; i++)
        if (a->app_rows[i].stats_view[0])
            m.v[m.n++] = &a->app_rows[i];
    if (m.n)
        qsort(m.v, m.n, sizeof *m.v, cmp_row_pid);
    a->n_longest = pgm_sessions_longest(s, a->longest, PGM_ANALYSIS_LONGEST, m.n ? is_monitoring : NULL, &m);
    if (!m.n)
        return;
    /* those that would have been listed: held at least as long as the last listed */
    pgm_session last = a->n_longest == PGM_ANALYSIS_LONGEST ? pgm_sessions_get(s, a->longest[a->n_longest - 1])
                                                            : (pgm_session){0};
    int64_t shortest = a->n_longest == PGM_ANALYSIS_LONGEST ? pgm_session_held_us(s, &last) : 0;
    for (size_t i = 0, n = pgm_sessions_count(s); i < n; i++) {
        const pgm_session v = pgm_sessions_get(s, i);
        const app_row *r = monitoring_row_of(&m, &v);
        if (!r || pgm_session_held_us(s, &v) < shortest)
            continue;
        if (a->n_monitoring_listed < PGM_ANALYSIS_MONITORING_LISTED)
            a->monitoring[a->n_monitoring_listed++] = (monitoring_session){r, i};
        a->n_monitoring++;
    }
    free(m.v);
}

/* Whether a statement's `duration: N.NNN ms` (PostgreSQL's postgres.c
 * prints milliseconds with three decimals) is PGM_SLOW_STATEMENT_US or more.
 * Read as integers when it has that form: strtod on every statement of a
 * log with log_min_duration_statement = 0 was a tenth of the analysis. */
static bool slow_duration(const char *ms)
{
    int64_t whole = 0;
    size_t i = 0;
    for (; ms[i] >= '0' && ms[i] <= '9' && i < 15; i++)
        whole = whole * 10 + (ms[i] - '0');
    size_t frac = 0;
    if (i > 0 && ms[i] == '.')
        while (frac < 4 && ms[i + 1 + frac] >= '0' && ms[i + 1 + frac] <= '9')
            frac++;
    if (i == 0 || i == 15 || (ms[i] != '\0' && (ms[i] != '.' || frac == 0 || frac > 3 || ms[i + 1 + frac] != '\0')))
        return strtod(ms, NULL) * 1000 >= (double)PGM_SLOW_STATEMENT_US; /* another form */
    int64_t us = whole * 1000;
    for (size_t k = 0, scale = 100; k < frac; k++, scale /= 10)
        us += (ms[i + 1 + k] - '0') * (int64_t)scale;
    return us >= PGM_SLOW_STATEMENT_US;
}

/* The one field of a statement's duration line the analysis reads unless
 * the line is slow (pgm_analysis_event). */
static const char *const duration_only[] = {"duration_ms", NULL};

/* Whether the analysis reads more of a stmt.duration than its kind: a
 * threshold rule counts durations, or the statement is slow (its message is
 * then the evidence). `ms`: its duration_ms, NULL when it has none. */
static bool duration_read(const pgm_analysis *a, const char *ms)
{
    if (a->thresholds && pgm_thresholds_counts(a->thresholds, PGM_EV_STMT_DURATION))
        return true;
    return ms && slow_duration(ms);
}

static bool reads_whole(const void *ctx, const pgm_match *m)
{
    const pgm_analysis *a = ctx;
    if (m->rule->kind_id != PGM_EV_STMT_DURATION)
        return true;
    for (size_t i = 0; i < m->n_caps; i++) {
        const char *name = m->caps[i].name;
        if (!name || name[0] != duration_only[0][0] || strcmp(name, duration_only[0]) != 0)
            continue;
        char ms[32]; /* "duration: %.3f ms": longer is no number slow_duration reads either way */
        if (m->caps[i].n >= sizeof ms)
            return true;
        memcpy(ms, m->caps[i].p, m->caps[i].n);
        ms[m->caps[i].n] = '\0';
        return duration_read(a, ms);
    }
    return duration_read(a, NULL);
}

bool pgm_analysis_counts_only(const pgm_analysis *a, const pgm_event *e)
{
    return e->kind_id == PGM_EV_STMT_DURATION && !duration_read(a, pgm_event_field(e, duration_only[0]));
}

pgm_pg_reads pgm_analysis_reads(const pgm_analysis *a)
{
    return (pgm_pg_reads){reads_whole, a, duration_only};
}

void pgm_analysis_event(pgm_analysis *a, const pgm_event *e)
{
    if (a->finished)
        return;
    const char *k = e->kind;
    pgm_analysis_count_events(a, k, 1);
    if (a->thresholds)
        pgm_thresholds_event(a->thresholds, e);
    enum server_kind sk = server_kind_of(e);
    /* first the server log, which may take this file on as its piece: what
     * follows then sees the log's stream */
    server_log *l = sk != SV_NONE ? log_of(a, e->path, e->t) : NULL;
    pgm_clocks_event(a->clocks, e, stream_of(a, e->path));
    if (pgm_pooler_event(a->pooler, e, stream_of(a, e->path)) != PGM_POOLER_NOT_OURS)
        return;
    if (sk != SV_NONE) {
        if (l) {
            if (e->t != PGM_TS_UNKNOWN && (l->latest == PGM_TS_UNKNOWN || e->t > l->latest))
                l->latest = e->t;
            l->conn_events++;
            pgm_sessions_event(l->s, e);
            note_server_event(a, l, e, sk);
        }
        if (sk == SV_IIT_TIMEOUT)
            a->iit_terminations++;
        /* a client gone with its transaction open was idle in it, not cut off */
        if (sk == SV_LOST_OPEN_TX)
            a->lost_in_transaction++;
        else if (sk == SV_LOST && !a->lost_clients++)
            snprintf(a->network_evidence, sizeof a->network_evidence, "%s:%llu: %s", e->path,
                     (unsigned long long)e->line, pgm_event_field(e, "msg") ? pgm_event_field(e, "msg") : k);
        return;
    }
    const unsigned id = e->kind_id;
    if (id == PGM_EV_LOCK_WAITING || id == PGM_EV_STMT_TIMEOUT || id == PGM_EV_STMT_LOCK_TIMEOUT ||
        id == PGM_EV_STMT_DURATION) {
        pgm_victims_event(&a->victims, e);
        if (id == PGM_EV_STMT_DURATION) {
            const char *d = pgm_event_field(e, "duration_ms");
            if (!d || !slow_duration(d))
                return;
            a->long_statements++;
        } else if (id == PGM_EV_LOCK_WAITING) {
            a->lock_waits++;
        } else {
            a->stmt_timeouts++;
            if (a->first_cancel == PGM_TS_UNKNOWN || e->t < a->first_cancel)
                a->first_cancel = e->t;
        }
        if (!a->slow_evidence[0])
            snprintf(a->slow_evidence, sizeof a->slow_evidence, "%s:%llu: %s", e->path,
                     (unsigned long long)e->line, pgm_event_field(e, "msg") ? pgm_event_field(e, "msg") : k);
        return;
    }
    switch (id) {
    case PGM_EV_HIKARI_LEAK_DETECTED:
        note_leak(a, e);
        break;
    case PGM_EV_HIKARI_LEAK_RETURNED:
        note_returned(a, e);
        break;
    case PGM_EV_HIKARI_CONNECTION_BROKEN:
    case PGM_EV_HIKARI_VALIDATION_FAILED:
        if (!a->broken_connections++ && !a->network_evidence[0])
            snprintf(a->network_evidence, sizeof a->network_evidence, "%s:%llu: %s", e->path,
                     (unsigned long long)e->line, pgm_event_field(e, "msg") ? pgm_event_field(e, "msg") : k);
        break;
    case PGM_EV_HIKARI_TIMEOUT:
        if (!timeout_said_by_stats(a, e))
            note_timeout(a, e);
        break;
    case PGM_EV_SYSTEM_UNIT_STARTED:
    case PGM_EV_SYSTEM_UNIT_STOPPED:
    case PGM_EV_SYSTEM_UNIT_EXITED:
    case PGM_EV_SYSTEM_UNIT_FAILED:
    case PGM_EV_SYSTEM_UNIT_RESTART_SCHEDULED:
    case PGM_EV_SYSTEM_UNIT_START_LIMIT:
    case PGM_EV_SYSTEM_UNIT_OOM_KILLED:
    case PGM_EV_KERNEL_OOM_KILL:
    case PGM_EV_K8S_CONTAINER_TERMINATED:
    case PGM_EV_K8S_EVENT:
        system_said(a, e);
        break;
    case PGM_EV_HIKARI_POOL_SHUTDOWN: {
        service_start *st = service_of(a, e);
        if (st)
            st->stopped = true;
        break;
    }
    case PGM_EV_HIKARI_POOL_STARTING: {
        service_start *st = service_of(a, e);
        const char *proc = pgm_event_field(e, "process");
        if (st && st->first == PGM_TS_UNKNOWN) {
            st->first = e->t;
            st->first_path = cited(a, e->path);
            st->first_line = e->line;
        } else if (st && (st->stopped || (proc && st->process[0] && strcmp(proc, st->process) != 0))) {
            /* after a shutdown, or from a new process without one (the one
             * before was killed or crashed) */
            if (st->restarts < PGM_ANALYSIS_MAX_RESTARTS)
                st->restart[st->restarts] = (service_restart){e->t, cited(a, e->path), e->line, !st->stopped};
            else
                a->over[PGM_ANALYSIS_CAP_RESTARTS]++;
            st->restarts++;
            st->stopped = false;
        }
        if (st && proc)
            snprintf(st->process, sizeof st->process, "%s", proc);
        a->pool_starts++;
        const char *pool = pgm_event_field(e, "pool");
        const char *num = pool ? strrchr(pool, '-') : NULL;
        long n = num ? strtol(num + 1, NULL, 10) : 0;
        if (n > (long)a->max_pool_number && n < 1000000) {
            a->max_pool_number = (unsigned)n;
            snprintf(a->pool_evidence, sizeof a->pool_evidence, "%s:%llu: %s - Starting...", e->path,
                     (unsigned long long)e->line, pool);
        }
        break;
    }
    case PGM_EV_HIKARI_POOL_STATS: {
        note_pool_stats(a, e);
        /* HikariPool.createTimeoutException logs "POOL - Timeout failure stats
         * (...)" as it gives up on a borrower: a timeout, whether or not the
         * application logs the exception */
        const char *prefix = pgm_event_field(e, "prefix");
        if (prefix && strncmp(prefix, "Timeout failure", 15) == 0)
            note_stats_timeout(a, e);
        break;
    }
    case PGM_EV_ACTIVITY_SESSION:
        note_app_row(a, e);
        break;
    case PGM_EV_ACTIVITY_IDLE_IN_TRANSACTION:
        pgm_holders_event(&a->holders, e);
        a->oom = a->oom || a->holders.oom;
        break;
    case PGM_EV_ACTIVITY_SNAPSHOT: {
        a->snapshots++;
        if (e->t != PGM_TS_UNKNOWN && a->n_snap_points == PGM_ANALYSIS_MAX_SNAPSHOTS)
            a->over[PGM_ANALYSIS_CAP_SNAPSHOTS]++;
        if (e->t != PGM_TS_UNKNOWN && a->n_snap_points < PGM_ANALYSIS_MAX_SNAPSHOTS) {
            if (!a->snap_points && !(a->snap_points = malloc(PGM_ANALYSIS_MAX_SNAPSHOTS * sizeof *a->snap_points)))
                a->oom = true;
            else
                a->snap_points[a->n_snap_points++] = (pgm_curve_point){e->t, (int32_t)field_long(e, "client_backends", 0)};
        }
        long top = field_long(e, "top_sessions", 0);
        if (top > 0 && e->t != PGM_TS_UNKNOWN && a->n_snap_top < PGM_ANALYSIS_MAX_SNAPSHOTS) {
            if (!a->snap_top && !(a->snap_top = malloc(PGM_ANALYSIS_MAX_SNAPSHOTS * sizeof *a->snap_top))) {
                a->oom = true;
            } else {
                uint64_t h = 1469598103934665603ULL;
                static const char *const parts[] = {"top_user", "top_db", "top_client", "top_app"};
                for (int p = 0; p < 4; p++) {
                    for (const char *q = pgm_event_field(e, parts[p]); q && *q; q++)
                        h = (h ^ (unsigned char)*q) * 1099511628211ULL;
                    h = (h ^ 0xff) * 1099511628211ULL;
                }
                a->snap_top[a->n_snap_top].t = e->t;
                a->snap_top[a->n_snap_top].key = h;
                a->snap_top[a->n_snap_top].count = top;
                a->n_snap_top++;
            }
        }
        if (top > a->top_sessions) {
            const char *f[4] = {pgm_event_field(e, "top_user"), pgm_event_field(e, "top_db"),
                                pgm_event_field(e, "top_client"), pgm_event_field(e, "top_app")};
            char *dst[4] = {a->top_user, a->top_db, a->top_client, a->top_app};
            for (int i = 0; i < 4; i++)
                snprintf(dst[i], sizeof a->top_user, "%s", f[i] ? f[i] : "");
            a->top_sessions = top;
        }
        long iit = field_long(e, "idle_in_transaction", 0);
        long cb = field_long(e, "client_backends", 0);
        if (cb > a->max_client_backends)
            a->max_client_backends = (int)cb;
        if (iit > a->max_idle_in_tx) {
            a->max_idle_in_tx = (int)iit;
            a->max_idle_in_tx_at = e->t;
            snprintf(a->idle_in_tx_evidence, sizeof a->idle_in_tx_evidence,
                     "%s:%llu: %ld sessions idle in transaction", e->path, (unsigned long long)e->line, iit);
        }
        break;
    }
    default:
        break;
    }
}

int pgm_analysis_set_inputs(pgm_analysis *a, const struct pgm_scan *scan, int64_t elapsed_ms)
{
    size_t n = scan->n_inputs < PGM_ANALYSIS_MAX_INPUTS ? scan->n_inputs : PGM_ANALYSIS_MAX_INPUTS;
    a->over[PGM_ANALYSIS_CAP_INPUTS] = scan->n_inputs - n;
    a->elapsed_ms = elapsed_ms;
    a->scan_bytes = scan->stats.bytes;
    a->scan_events = scan->events;
    if (!n)
        return PGM_OK;
    if (!(a->inputs = calloc(n, sizeof *a->inputs)))
        return PGM_FATAL;
    for (size_t i = 0; i < n; i++) {
        const pgm_input_report *in = pgm_scan_input(scan, i);
        input_copy *c = &a->inputs[a->n_inputs++];
        snprintf(c->path, sizeof c->path, "%s", in->path);
        snprintf(c->kind, sizeof c->kind, "%s", pgm_kind_name(in->kind));
        snprintf(c->format, sizeof c->format, "%s", in->format ? in->format : "");
        c->envelope = pgm_envelope_name(in->envelope);
        c->wrapper_lines = in->wrapper_lines;
        c->wrapper_foreign = in->wrapper_foreign;
        c->bytes = in->bytes;
        c->counted = in->is_log || in->is_app_log || in->is_activity || in->is_system_log || in->is_pooler_log;
        c->lines = in->cov.lines;
        c->unparsed = in->cov.unparsed + in->cov.rare->foreign; /* not read as server output */
        c->first_ts = in->first_ts;
        c->last_ts = in->last_ts;
        if (in->is_log && in->cov.prefix_origin[0]) {
            snprintf(c->prefix, sizeof c->prefix, "%s", in->cov.prefix);
            snprintf(c->prefix_origin, sizeof c->prefix_origin, "%s", in->cov.prefix_origin);
            snprintf(c->prefix_rival, sizeof c->prefix_rival, "%s",
                     in->cov.rare->prefix_rival[0] ? in->cov.rare->prefix_rival : in->cov.rare->prefix_unfit);
            c->prefix_tried = in->cov.primary_tried;
            c->prefix_parsed = in->cov.primary_parsed;
            if (in->cov.rare->prefix_switches) {
                snprintf(c->prefix_later, sizeof c->prefix_later, "%s", in->cov.rare->prefix_switched);
                c->prefix_later_line = in->cov.rare->prefix_switch_line;
                c->prefix_changed = in->cov.rare->prefix_changed;
            }
        }
        c->misread = in->mostly_unknown;
        c->n_warnings = in->n_warnings + (size_t)in->warnings_dropped;
        for (size_t w = 0; w < in->n_warnings && c->n_kept < PGM_INPUT_WARNINGS_KEPT; w++)
            snprintf(c->warnings[c->n_kept++], sizeof c->warnings[0], "%s", in->warnings[w]);
        a->scan_lines += in->cov.lines;
    }
    return PGM_OK;
}

size_t pgm_analysis_joined_logs(const pgm_analysis *a, void (*say)(void *ctx, const char *msg), void *ctx)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n_logs; i++) {
        const server_log *l = &a->logs[i];
        if (!l->taken_on)
            continue;
        char msg[2400];
        snprintf(msg, sizeof msg,
                 "the server log %.1000s goes on in %" PRIu64 " more file(s) of its folder, to %.1000s: their names "
                 "do not say so, but each begins where the one before ends; read as one server's log",
                 l->shown, l->taken_on, l->last_taken);
        say(ctx, msg);
        n++;
    }
    return n;
}

size_t pgm_analysis_caps_reached(const pgm_analysis *a, void (*say)(void *ctx, const char *msg),
                                 void *ctx)
{
    static const struct {
        unsigned limit;
        const char *what, *left_out;
    } caps[PGM_ANALYSIS_CAP_COUNT] = {
        [PGM_ANALYSIS_CAP_LOGS] = {PGM_ANALYSIS_MAX_LOGS, "server logs told apart",
                                   "event(s) of the others' sessions not tracked"},
        [PGM_ANALYSIS_CAP_LOCATIONS] = {PGM_ANALYSIS_MAX_LOCATIONS, "leak code locations",
                                        "leak report(s) of other locations not grouped"},
        [PGM_ANALYSIS_CAP_LEAKS] = {PGM_ANALYSIS_MAX_LEAKS, "leak reports kept",
                                    "leak report(s) not matched to a later return"},
        [PGM_ANALYSIS_CAP_HITS] = {PGM_ANALYSIS_MAX_HITS, "applications named as refused or timed out",
                                   "refusal(s) or timeout(s) of others not named"},
        [PGM_ANALYSIS_CAP_ACTIONS] = {PGM_ANALYSIS_MAX_ACTIONS, "operator actions per log",
                                      "action(s) not listed"},
        [PGM_ANALYSIS_CAP_SNAPSHOTS] = {PGM_ANALYSIS_MAX_SNAPSHOTS, "snapshots and pool samples",
                                        "sample(s) left out of the curves"},
        [PGM_ANALYSIS_CAP_POOLS] = {PGM_ANALYSIS_MAX_POOLS, "pools", "pool(s) or pool sample(s) left out"},
        [PGM_ANALYSIS_CAP_SERVICES] = {PGM_ANALYSIS_MAX_HITS, "services whose starts are followed",
                                       "event(s) of other services' starts not followed"},
        [PGM_ANALYSIS_CAP_APP_ROWS] = {PGM_ANALYSIS_MAX_APP_ROWS, "pg_stat_activity rows kept to name sessions",
                                       "row(s) not used"},
        [PGM_ANALYSIS_CAP_INPUTS] = {PGM_ANALYSIS_MAX_INPUTS, "inputs listed in the report",
                                     "input(s) read but not listed"},
        [PGM_ANALYSIS_CAP_MOMENTS] = {PGM_ANALYSIS_MAX_MOMENTS, "key moments", "moment(s) not listed"},
        [PGM_ANALYSIS_CAP_FINDINGS] = {PGM_ANALYSIS_MAX_FINDINGS, "configuration findings in the report",
                                       "finding(s) not carried"},
        [PGM_ANALYSIS_CAP_SESSIONS] = {PGM_SESSIONS_MAX, "sessions tracked in one server log",
                                       "session(s) not tracked: the counts and curves miss them"},
        [PGM_ANALYSIS_CAP_HOLDERS] = {PGM_HOLDERS_MAX, "sessions idle in transaction followed",
                                      "holder(s) not followed"},
        [PGM_ANALYSIS_CAP_RESTARTS] = {PGM_ANALYSIS_MAX_RESTARTS, "restarts named per service",
                                       "restart(s) not named"},
        [PGM_ANALYSIS_CAP_SESSION_APPS] = {PGM_SESSIONS_MAX_APPS - 1, "applications told apart in a server log's "
                                           "sessions", "session(s) of further applications counted together as "
                                           PGM_LABEL_OTHER},
        [PGM_ANALYSIS_CAP_STARTS] = {PGM_SESSIONS_MAX_STARTS, "server starts followed in a log",
                                     "start(s) not followed: the growth after them is judged with the run before"},
        [PGM_ANALYSIS_CAP_THRESHOLDS] = {PGM_THRESHOLDS_MAX_EVENTS, "events the threshold rules count (the first)",
                                         "event(s) not counted: a burst among them may be missed"},
        [PGM_ANALYSIS_CAP_CLOCKS] = {PGM_CLOCKS_MAX_SOURCES, "logs whose clocks are checked against the server's",
                                     "refusal(s) and report(s) of other logs: their clocks not checked"},
        [PGM_ANALYSIS_CAP_GROUPS] = {PGM_GROWTH_MAX_GROUPS, "groups of sessions (user, database, client, "
                                     "application) judged for growth, those with most sessions",
                                     "group(s) with fewer sessions not judged"},
        [PGM_ANALYSIS_CAP_SYSTEM] = {PGM_ANALYSIS_MAX_ACTIONS, "things systemd and the kernel said of the services",
                                     "of them not listed"},
        [PGM_ANALYSIS_CAP_STATS_TIMEOUTS] = {PGM_ANALYSIS_MAX_STATS_TIMEOUTS, "pools whose 'Timeout failure stats' "
                                             "lines wait for their exceptions", "pool(s) forgotten: an exception "
                                             "logged after its stats line may count as a second timeout"},
        [PGM_ANALYSIS_CAP_POOLER_POOLS] = {PGM_POOLER_MAX_POOLS, "PgBouncer pools (database/user pairs) followed",
                                           "event(s) of further pools not counted in any pool"},
        [PGM_ANALYSIS_CAP_POOLER_OPEN] = {PGM_POOLER_MAX_OPEN, "PgBouncer connections followed while open",
                                          "connection(s) not followed: the pools' client and server counts miss "
                                          "them"},
        [PGM_ANALYSIS_CAP_POOLER_POINTS] = {PGM_POOLER_MAX_POINTS, "changes on the PgBouncer pools' curves",
                                            "change(s) after them left off the curves (the counts and peaks "
                                            "still take them)"},
        [PGM_ANALYSIS_CAP_POOLER_PROCESSES] = {PGM_POOLER_MAX_PROCESSES, "PgBouncer processes whose lines are "
                                               "checked for a second log holding them again",
                                               "event(s) of further processes counted without that check: a "
                                               "process logging to two files in the bundle counts twice"},
        [PGM_ANALYSIS_CAP_NAMED] = {PGM_ANALYSIS_MAX_NAMED, "sessions the remediation's statements and the JSON's leak.sessions name by pid",
                                    "session(s) left out of them: list them again once these have ended"},
        [PGM_ANALYSIS_CAP_SERIES_KEYS] = {PGM_ANALYSIS_MAX_SERIES_KEYS, "users, databases and clients with a series "
                                          "of their own in the JSON, each kind's that go highest",
                                          "more of them counted together as (other)"},
    };
    size_t said = 0;
    for (int c = 0; c < PGM_ANALYSIS_CAP_COUNT; c++) {
        uint64_t over = a->over[c];
        for (size_t i = 0; i < a->n_logs; i++)
            over += c == PGM_ANALYSIS_CAP_HITS      ? a->logs[i].refused_over
                    : c == PGM_ANALYSIS_CAP_ACTIONS  ? a->logs[i].actions_over
                    : c == PGM_ANALYSIS_CAP_SESSIONS && a->logs[i].s ? pgm_sessions_dropped(a->logs[i].s)
                                                     : 0;
        if (c == PGM_ANALYSIS_CAP_HOLDERS)
            over += a->holders.dropped;
        uint64_t pooler_pools, pooler_open, pooler_points;
        pgm_pooler_over(a->pooler, &pooler_pools, &pooler_open, &pooler_points);
        over += c == PGM_ANALYSIS_CAP_POOLER_POOLS   ? pooler_pools
                : c == PGM_ANALYSIS_CAP_POOLER_OPEN   ? pooler_open
                : c == PGM_ANALYSIS_CAP_POOLER_POINTS ? pooler_points
                : c == PGM_ANALYSIS_CAP_POOLER_PROCESSES ? pgm_pooler_processes_over(a->pooler)
                                                      : 0;
        if (!over)
            continue;
        char msg[320];
        snprintf(msg, sizeof msg, "the analysis keeps at most %u %s (a limit of this build): %llu %s",
                 caps[c].limit, caps[c].what, (unsigned long long)over, caps[c].left_out);
        say(ctx, msg);
        said++;
    }
    return said;
}

const pgm_moment *pgm_analysis_moments(const pgm_analysis *a, size_t *n)
{
    *n = a->n_moments;
    return a->moments;
}

static void moment(pgm_analysis *a, int64_t t, const char *path, uint64_t line, const char *fmt, ...)
{
    if (t == PGM_TS_UNKNOWN)
        return;
    if (a->n_moments == PGM_ANALYSIS_MAX_MOMENTS) {
        a->over[PGM_ANALYSIS_CAP_MOMENTS]++;
        return;
    }
    pgm_moment *m = &a->moments[a->n_moments++];
    m->t = t;
    snprintf(m->path, sizeof m->path, "%s", path ? path : "");
    m->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->text, sizeof m->text, fmt, ap);
    va_end(ap);
}

static int cmp_moment(const void *x, const void *y)
{
    const pgm_moment *a = x, *b = y;
    return a->t < b->t ? -1 : a->t > b->t;
}

/* A session ending in (after, until], with its group (its who and
 * application) for the sort, and how many of its group ended with it. */
typedef struct ending {
    int64_t end;
    uint32_t who, index, together;
    uint8_t app;
} ending;

static bool same_group(const ending *x, const ending *y) { return x->who == y->who && x->app == y->app; }

static int cmp_ending(const void *p, const void *q)
{
    const ending *x = p, *y = q;
    if (x->who != y->who)
        return x->who < y->who ? -1 : 1;
    if (x->app != y->app)
        return x->app < y->app ? -1 : 1;
    return x->end != y->end ? (x->end < y->end ? -1 : 1) : 0;
}

/* Of the sessions that ended in (after, until], the one whose group ended
 * the most sessions within PGM_TOGETHER_US from its end on (itself
 * included): that count in *best; the first such session in the list's
 * order; NULL when none ended. Each group's endings sorted by time and
 * counted with a sliding window: a pool of 400,000 leaked sessions closing
 * at once was a comparison of every pair (23 s for 200,000). */
static bool most_ended_together(pgm_analysis *a, const pgm_sessions *s, int64_t after, int64_t until, size_t *best,
                                pgm_session *best_x)
{
    *best = 0;
    size_t m = 0, n = pgm_sessions_count(s);
    for (size_t k = 0; k < n; k++) {
        int64_t start, end;
        pgm_sessions_times(s, k, &start, &end);
        m += end != PGM_TS_UNKNOWN && end > after && end <= until;
    }
    ending *e = m ? malloc(m * sizeof *e) : NULL;
    if (!e) {
        a->oom = a->oom || m > 0;
        return false;
    }
    m = 0;
    for (size_t k = 0; k < n; k++) {
        pgm_session v = pgm_sessions_get(s, k);
        if (v.end != PGM_TS_UNKNOWN && v.end > after && v.end <= until)
            e[m++] = (ending){v.end, v.who, (uint32_t)k, 0, (uint8_t)v.app};
    }
    qsort(e, m, sizeof *e, cmp_ending);
    for (size_t from = 0, hi = 0; from < m;) {
        /* one group: e[from .. to), its endings in time order */
        size_t to = from + 1;
        while (to < m && same_group(&e[from], &e[to]))
            to++;
        hi = from;
        for (size_t p = from, lo = from; p < to; p++) {
            if (e[p].end != e[lo].end)
                lo = p; /* the first of the sessions that ended at this very time */
            if (hi < p)
                hi = p;
            while (hi + 1 < to && e[hi + 1].end - e[p].end <= PGM_TOGETHER_US)
                hi++;
            e[p].together = (uint32_t)(hi + 1 - lo);
        }
        from = to;
    }
    /* the most; of as many, the first in the list's order */
    size_t pick = SIZE_MAX;
    for (size_t p = 0; p < m; p++)
        if (e[p].together > *best || (pick < m && e[p].together == *best && e[p].index < e[pick].index)) {
            *best = e[p].together;
            pick = p;
        }
    if (pick < m)
        *best_x = pgm_sessions_get(s, e[pick].index);
    free(e);
    return pick < m;
}

/* Recovery: after the last refusal, the first time the open sessions fell a
 * fifth below where the server ran out (sessions given back, a service
 * stopped or restarted). Cited by the line that ended the session. */
static void recovery_moment(pgm_analysis *a, const pgm_sessions *s, const pgm_curve *c)
{
    const server_log *l = &a->logs[a->primary];
    if (l->last_refusal == PGM_TS_UNKNOWN || !c->n)
        return;
    int32_t full = -1;
    size_t i = 0;
    for (; i < c->n && c->p[i].t <= l->last_refusal; i++)
        full = c->p[i].open;
    if (full <= 0)
        return;
    for (; i < c->n; i++) {
        if (c->p[i].open * 5 > full * 4)
            continue;
        const char *path = NULL;
        uint64_t line = 0;
        for (size_t k = 0, n = pgm_sessions_count(s); k < n && !path; k++) {
            int64_t start, end;
            pgm_sessions_times(s, k, &start, &end);
            if (end != c->p[i].t)
                continue;
            pgm_session v = pgm_sessions_get(s, k);
            if (pgm_cite_line(v.end_at)) {
                path = pgm_sessions_cited_path(s, v.end_at);
                line = pgm_cite_line(v.end_at);
            }
        }
        /* not a recovery when the drop is a pool closing: one group's sessions
         * (user, database, client, application) ending together, at least
         * half of it; nothing came back while the application ran, it stopped
         * or restarted */
        int drop = full - c->p[i].open;
        size_t best = 0;
        pgm_session together;
        const pgm_session *best_x =
            most_ended_together(a, s, l->last_refusal, c->p[i].t, &best, &together) ? &together : NULL;
        if (best_x && best >= 2 && drop >= 0 && best * 2 >= (size_t)drop) {
            const char *app = pgm_sessions_app_name(s, best_x->app);
            bool named = pgm_label_is_name(app);
            moment(a, c->p[i].t, path, line, "not a recovery: %d sessions of %s%s%s@%s%s ended together, its pool "
                   "closed (the application stopped or restarted); %d client sessions open, down from %d",
                   best, named ? app : "", named ? " (" : "", pgm_sessions_who(s, best_x)->user,
                   pgm_sessions_who(s, best_x)->db, named ? ")" : "",
                   c->p[i].open, full);
            return;
        }
        a->recovery = c->p[i].t;
        moment(a, c->p[i].t, path, line, "recovery: %d client sessions open, down from %d when the last one was refused",
               c->p[i].open, full);
        return;
    }
}

static void shift_if(pgm_analysis *a, int64_t *t, const char *path, const pgm_clock_offset *o)
{
    /* the offsets are the streams' (clocks.h) */
    if (*t != PGM_TS_UNKNOWN && path && strcmp(stream_of(a, path), o->path) == 0)
        *t -= o->offset_us;
}

/* Application logs whose clocks are off the server's: their times in the
 * report are put on the server's clock (the key moments, the leak reports,
 * the timeouts), and the report says by how much. */
static void correct_clocks(pgm_analysis *a)
{
    if (a->primary < 0)
        return;
    a->n_offsets = pgm_clocks_offsets(a->clocks, a->logs[a->primary].path, a->offsets, PGM_CLOCKS_MAX_SOURCES);
    a->over[PGM_ANALYSIS_CAP_CLOCKS] += pgm_clocks_over(a->clocks);
    for (size_t k = 0; k < a->n_offsets; k++) {
        const pgm_clock_offset *o = &a->offsets[k];
        shift_if(a, &a->first_timeout, a->first_timeout_path, o);
        for (size_t i = 0; i < a->n_locs; i++) {
            shift_if(a, &a->locs[i].last, a->locs[i].first_path, o);
            shift_if(a, &a->locs[i].first, a->locs[i].first_path, o);
        }
        for (size_t i = 0; i < a->n_timed_out; i++)
            shift_if(a, &a->timed_out[i].first, a->timed_out[i].path, o);
        for (size_t i = 0; i < a->n_services; i++) {
            shift_if(a, &a->services[i].first, a->services[i].path, o);
            for (unsigned r = 0; r < a->services[i].restarts && r < PGM_ANALYSIS_MAX_RESTARTS; r++)
                shift_if(a, &a->services[i].restart[r].t, a->services[i].path, o);
        }
    }
}

/* The key moments a reviewer reads first, each with its line. */
/* PgBouncer's firsts as key moments: a client gave up waiting for a server
 * connection, its client limit refused one, the server refused its login. */
static void pooler_moments(pgm_analysis *a)
{
    size_t n;
    const pgm_pooler_pool *v = pgm_pooler_pools(a->pooler, &n), *first = NULL;
    for (size_t i = 0; i < n; i++)
        if (v[i].wait_timeouts && (!first || v[i].first_wait_timeout < first->first_wait_timeout))
            first = &v[i];
    if (first)
        moment(a, first->first_wait_timeout, first->first_wait_path, first->first_wait_line,
               "PgBouncer: the first client gave up waiting for a server connection of pool %s/%s "
               "(query_wait_timeout)", first->db, first->user);
    const pgm_pooler_refusals *r = pgm_pooler_refused(a->pooler);
    if (r->clients)
        moment(a, r->first_client, r->client_path, r->client_line,
               "PgBouncer refused a client: max_client_conn reached");
    if (r->server_logins)
        moment(a, r->first_server_login, r->server_login_path, r->server_login_line,
               "the server refused PgBouncer's login for pool %s", r->server_login_pool);
}

/* The typical holder's group: its transactions, and the first begun. */
const pgm_holder *pgm_analysis_first_holder(const pgm_analysis *a, size_t *n)
{
    const pgm_holder *t = pgm_analysis_typical_holder(a), *first = NULL;
    *n = 0;
    for (size_t i = 0; t && i < a->holders.n; i++) {
        const pgm_holder *h = &a->holders.v[i];
        if (strcmp(h->user, t->user) || strcmp(h->db, t->db) || strcmp(h->client, t->client))
            continue;
        (*n)++;
        if (h->xact_start != PGM_TS_UNKNOWN && (!first || h->xact_start < first->xact_start))
            first = h;
    }
    return first ? first : t;
}

static void gather_moments(pgm_analysis *a)
{
    pooler_moments(a);
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    const pgm_growth *g = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
    if (s) {
        size_t n;
        const int64_t *starts = pgm_sessions_starts(s, &n);
        const uint64_t *lines = pgm_sessions_start_lines(s);
        const char *const *paths = pgm_sessions_start_paths(s);
        for (size_t i = 0; i < n; i++)
            moment(a, starts[i], paths[i], lines[i], "%s",
                   i ? "the server restarted" : "the server started");
    }
    if (g && a->hyp[0].kind == PGM_VERDICT_LEAK)
        moment(a, g->onset, g->onset_path, g->onset_line,
               "onset: %s@%s starts to hold more sessions than its baseline of %d", g->user, g->db, g->baseline);
    if (a->n_locs && a->locs[0].count)
        moment(a, a->locs[0].first, a->locs[0].first_path, a->locs[0].first_line,
               "the first HikariCP leak report, at %s", a->locs[0].frame);
    if (a->first_timeout != PGM_TS_UNKNOWN)
        moment(a, a->first_timeout, a->first_timeout_path, a->first_timeout_line,
               "the first pool timeout in the applications' logs");
    /* sessions left inside a transaction, and who waited on their locks */
    size_t n_left;
    const pgm_holder *first =
        a->hyp[0].kind == PGM_VERDICT_IDLE_IN_TRANSACTION ? pgm_analysis_first_holder(a, &n_left) : NULL;
    if (first && first->xact_start != PGM_TS_UNKNOWN)
        moment(a, first->xact_start, first->path, first->line,
               "the first transaction left open: pid %ld of %s began it, and stayed idle inside it", first->pid,
               first->app[0] ? first->app : first->user);
    const pgm_victims *vi = &a->victims;
    if (vi->first_wait.t != PGM_TS_UNKNOWN)
        moment(a, vi->first_wait.t, vi->first_wait.path, vi->first_wait.line,
               "the first lock wait: pid %ld of %s waits on another session's lock", vi->first_wait.pid,
               vi->first_wait.app[0] ? vi->first_wait.app : "an unnamed application");
    if (vi->first_cancel.t != PGM_TS_UNKNOWN)
        moment(a, vi->first_cancel.t, vi->first_cancel.path, vi->first_cancel.line,
               "the first statement cancelled by a timeout: pid %ld of %s", vi->first_cancel.pid,
               vi->first_cancel.app[0] ? vi->first_cancel.app : "an unnamed application");
    /* deploys and restarts, as the services' pools tell them */
    for (size_t i = 0; i < a->n_services; i++) {
        const service_start *st = &a->services[i];
        moment(a, st->first, st->first_path, st->first_line, "%s started its connection pool", st->app);
        for (unsigned r = 0; r < st->restarts && r < PGM_ANALYSIS_MAX_RESTARTS; r++)
            moment(a, st->restart[r].t, st->restart[r].path, st->restart[r].line, "%s restarted (%s)", st->app,
                   st->restart[r].unclean ? "a new process started its pool, the one before never shut it down: "
                                            "killed or crashed"
                                          : "its pool started again after a shutdown");
    }
    for (size_t i = 0; i < a->n_system; i++)
        moment(a, a->system[i].t, a->system[i].path, a->system[i].line, "%s", a->system[i].text);
    if (s) {
        size_t n_sessions = pgm_sessions_count(s);
        const pgm_curve *c = pgm_sessions_curve(s);
        if (n_sessions)
            moment(a, c->peak_at, c->peak_path, c->peak_line, "the peak: %d client sessions open", c->peak);
        if (a->exhaustion != PGM_TS_UNKNOWN) {
            /* told apart by the limit that refused it (PostgreSQL's postinit.c: all are
             * SQLSTATE 53300, only two of them the server's own slots) */
            uint64_t line;
            const char *p = pgm_sessions_first_refusal_at(s, &line);
            unsigned kind = pgm_sessions_first_refusal_kind(s);
            moment(a, a->exhaustion, p, line, "the first refusal: %s",
                   kind == PGM_EV_CONN_REFUSED_TOO_MANY_CLIENTS ? "the server ran out of slots"
                   : kind == PGM_EV_CONN_REFUSED_RESERVED_SLOTS
                       ? "the server ran out of slots for all but superusers (the rest are reserved)"
                   : kind == PGM_EV_CONN_REFUSED_ROLE_LIMIT ? "a role's connection limit, not the server's slots"
                   : kind == PGM_EV_CONN_REFUSED_DATABASE_LIMIT
                       ? "a database's connection limit, not the server's slots"
                       : "too many connections");
            const char *sp;
            uint64_t sl;
            int64_t slot = pgm_sessions_first_slot_refusal(s, &sp, &sl);
            if (slot != PGM_TS_UNKNOWN && (kind == PGM_EV_CONN_REFUSED_ROLE_LIMIT ||
                                           kind == PGM_EV_CONN_REFUSED_DATABASE_LIMIT))
                moment(a, slot, sp, sl, "the first refusal for lack of the server's slots");
        }
        const server_log *l = &a->logs[a->primary];
        if (l->last_refusal != PGM_TS_UNKNOWN && l->last_refusal != a->exhaustion)
            moment(a, l->last_refusal, l->last_refusal_path, l->last_refusal_line, "the last refusal (%" PRIu64 " in all)",
                   a->refusals);
        recovery_moment(a, s, c);
        for (size_t i = 0; i < l->n_actions; i++) {
            const operator_action *o = &l->actions[i];
            if (o->terminated)
                moment(a, o->t, o->path, o->line, "an administrator ended %u session%s (pg_terminate_backend or a "
                       "signal)", o->terminated, o->terminated == 1 ? "" : "s");
            else
                moment(a, o->t, o->path, o->line, "%s", o->text);
        }
    }
    qsort(a->moments, a->n_moments, sizeof a->moments[0], cmp_moment);
}


static long fact_long(const pgm_fact *f)
{
    return f && f->v.type == PGM_V_NUM ? (long)f->v.num : -1;
}

/* Room for one more finding (configuration or threshold); NULL past the cap. */
static finding_copy *new_finding(pgm_analysis *a)
{
    if (a->n_findings == PGM_ANALYSIS_MAX_FINDINGS) {
        a->findings_dropped++;
        a->over[PGM_ANALYSIS_CAP_FINDINGS]++;
        return NULL;
    }
    if (!a->findings && !(a->findings = calloc(PGM_ANALYSIS_MAX_FINDINGS, sizeof *a->findings))) {
        a->oom = true;
        return NULL;
    }
    finding_copy *c = &a->findings[a->n_findings++];
    memset(c, 0, sizeof *c);
    return c;
}

int pgm_analysis_set_rules(pgm_analysis *a, const pgm_ruleset *rs)
{
    pgm_thresholds_close(a->thresholds);
    a->thresholds = NULL;
    return pgm_thresholds_open(&a->thresholds, rs);
}

/* An episode of a threshold rule becomes a finding with its first line. */
static void on_threshold(void *ctx, const pgm_rule *r, const char *message, const char *path, uint64_t line,
                         int64_t from_us, int64_t to_us)
{
    (void)to_us;
    pgm_analysis *a = ctx;
    finding_copy *c = new_finding(a);
    if (!c)
        return;
    c->from_events = true;
    c->at = from_us;
    snprintf(c->rule, sizeof c->rule, "%s", r->id);
    snprintf(c->severity, sizeof c->severity, "%s", pgm_severity_name(r->severity));
    snprintf(c->title, sizeof c->title, "%s", r->title);
    snprintf(c->message, sizeof c->message, "%s", message);
    snprintf(c->path, sizeof c->path, "%s", path ? path : "");
    snprintf(c->remediation, sizeof c->remediation, "%s", r->remediation ? r->remediation : "");
    c->line = (unsigned)line;
}

int pgm_analysis_set_config(pgm_analysis *a, const pgm_facts *facts, const pgm_lint *lint)
{
    const pgm_fact *mc = pgm_facts_get_fact(facts, "pg.max_connections");
    const pgm_fact *su = pgm_facts_get_fact(facts, "pg.superuser_reserved_connections");
    const pgm_fact *rc = pgm_facts_get_fact(facts, "pg.reserved_connections"); /* 16+ */
    /* what the advice may ask for: never a setting the configuration shows on */
    const pgm_fact *lc = pgm_facts_get_fact(facts, "pg.log_connections");
    const pgm_fact *ld = pgm_facts_get_fact(facts, "pg.log_disconnections");
    a->log_connections = lc && lc->text ? strcmp(lc->text, "on") == 0 : -1;
    a->log_disconnections = ld && ld->text ? strcmp(ld->text, "on") == 0 : -1;
    a->max_connections = fact_long(mc);
    /* pgbouncer.ini's mode and wait bound, for the verdict's words */
    const pgm_fact *mode = pgm_facts_get_fact(facts, "pgbouncer.pool_mode");
    const pgm_fact *qwt = pgm_facts_get_fact(facts, "pgbouncer.query_wait_timeout");
    if (mode && mode->text)
        snprintf(a->pgb_pool_mode, sizeof a->pgb_pool_mode, "%s", mode->text);
    if (qwt && qwt->v.type == PGM_V_NUM)
        a->pgb_query_wait_timeout_ms = (long)qwt->v.num;
    if (a->max_connections >= 0) {
        a->reserved = (su ? fact_long(su) : 3) + (rc && fact_long(rc) > 0 ? fact_long(rc) : 0);
        snprintf(a->max_connections_at, sizeof a->max_connections_at, "%s:%u",
                 mc->at.path ? mc->at.path : "?", mc->at.line);
    }
    const pgm_collection *pools = pgm_facts_collection(facts, "pool");
    if (pools && pools->n > PGM_ANALYSIS_MAX_POOLS)
        a->over[PGM_ANALYSIS_CAP_POOLS] += pools->n - PGM_ANALYSIS_MAX_POOLS;
    for (size_t i = 0; pools && i < pools->n && a->n_pools < PGM_ANALYSIS_MAX_POOLS; i++) {
        const pgm_record *r = &pools->recs[i];
        pool_fact *p = &a->pools[a->n_pools++];
        const pgm_fact *name = pgm_record_get_fact(r, "name"), *svc = pgm_record_get_fact(r, "service");
        const pgm_fact *size = pgm_record_get_fact(r, "maximum_pool_size");
        const pgm_fact *inst = pgm_record_get_fact(r, "instances");
        const pgm_fact *pname = pgm_record_get_fact(r, "pool_name");
        snprintf(p->pool_name, sizeof p->pool_name, "%s", pname ? pname->text : "");
        snprintf(p->name, sizeof p->name, "%s", name ? name->text : "?");
        snprintf(p->service, sizeof p->service, "%s", svc ? svc->text : "");
        snprintf(p->path, sizeof p->path, "%s", size && size->at.path ? size->at.path : "");
        p->line = size ? size->at.line : 0;
        p->maximum_pool_size = fact_long(size);
        p->instances = fact_long(inst);
        p->leak_threshold_ms = fact_long(pgm_record_get_fact(r, "leak_detection_threshold"));
    }
    if (lint && lint->n) {
        size_t n = lint->n;
        for (size_t i = 0; i < n; i++) {
            const pgm_lint_finding *f = &lint->findings[i];
            finding_copy *c = new_finding(a);
            if (!c)
                return a->oom ? PGM_FATAL : PGM_OK;
            snprintf(c->rule, sizeof c->rule, "%s", f->rule_id);
            snprintf(c->severity, sizeof c->severity, "%s", pgm_severity_name(f->severity));
            snprintf(c->title, sizeof c->title, "%s", f->title);
            snprintf(c->message, sizeof c->message, "%s", f->message);
            snprintf(c->path, sizeof c->path, "%s", f->path ? f->path : "");
            snprintf(c->remediation, sizeof c->remediation, "%s", f->remediation ? f->remediation : "");
            c->line = f->line;
            /* the rule's fix, and what a diff of it needs */
            const pgm_rule *r = f->rule;
            /* the key as the cited line writes it: "" when no line sets it */
            snprintf(c->key, sizeof c->key, "%s", f->key && !f->key_absent ? f->key : "");
            snprintf(c->source, sizeof c->source, "%s", f->source ? f->source : "");
            c->has_source = f->source != NULL && strlen(f->source) < sizeof c->source;
            snprintf(c->file_kind, sizeof c->file_kind, "%s", f->file_kind ? f->file_kind : "");
            c->file_lines = f->file_lines;
            snprintf(c->fix_set, sizeof c->fix_set, "%s", r && r->fix_set ? r->fix_set : "");
            snprintf(c->fix_to, sizeof c->fix_to, "%s", f->fix_to ? f->fix_to : r && r->fix_to ? r->fix_to : "");
            if (f->fix_to && !f->fix_to[0])
                c->fix_set[0] = '\0'; /* its value could not be worked out: no fix */
            snprintf(c->fix_url_param, sizeof c->fix_url_param, "%s", r && r->fix_url_param ? r->fix_url_param : "");
            for (size_t t = 0; r && t < r->tags.n; t++)
                c->early_warning = c->early_warning || strcmp(r->tags.v[t], "forensics") == 0 ||
                                   strcmp(r->tags.v[t], "connection-leak") == 0 ||
                                   strcmp(r->tags.v[t], "idle-in-transaction") == 0;
        }
    }
    return PGM_OK;
}

static void evidence(pgm_hypothesis *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void evidence(pgm_hypothesis *h, const char *fmt, ...)
{
    const size_t cap = sizeof h->evidence / sizeof h->evidence[0];
    if (h->n_evidence == cap) {
        /* no sign weighed goes unsaid: the last line gives way to their count */
        h->n_unlisted++;
        snprintf(h->evidence[cap - 1], sizeof h->evidence[0], "and %u more sign(s) weighed, not listed here",
                 h->n_unlisted + 1);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->evidence[h->n_evidence++], sizeof h->evidence[0], fmt, ap);
    va_end(ap);
}

static int cmp_hyp(const void *x, const void *y)
{
    const pgm_hypothesis *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->kind < b->kind ? -1 : a->kind > b->kind;
}

unsigned pgm_analysis_net_leak_reports(const pgm_analysis *a)
{
    unsigned n = 0;
    for (size_t i = 0; i < a->n_locs; i++)
        n += a->locs[i].count;
    return n;
}

static int by_time(const void *x, const void *y)
{
    const pgm_curve_point *a = x, *b = y;
    return a->t < b->t ? -1 : a->t > b->t;
}

/* Without connection lines: the snapshots' client backends, else the sum of
 * every pool's last reported total at each report (the pools' own count of
 * their connections: what the applications held, not other clients). */
static void build_sampled_curve(pgm_analysis *a)
{
    if (a->n_snap_points) {
        a->sampled = a->snap_points;
        a->n_sampled = a->n_snap_points;
        a->sampled_source = "pg_stat_activity";
        return;
    }
    if (!a->n_pool_samples)
        return;
    /* samples in time order (logs are read one after another) */
    pgm_curve_point *pts = malloc(a->n_pool_samples * sizeof *pts);
    uint32_t *order = malloc(a->n_pool_samples * sizeof *order);
    int32_t last[PGM_ANALYSIS_MAX_POOLS] = {0};
    if (!pts || !order) {
        free(pts);
        free(order);
        a->oom = true;
        return;
    }
    /* sort indices by time through the points' t, carrying the index in open */
    for (size_t i = 0; i < a->n_pool_samples; i++)
        pts[i] = (pgm_curve_point){a->pool_samples[i].t, (int32_t)i};
    qsort(pts, a->n_pool_samples, sizeof *pts, by_time);
    for (size_t i = 0; i < a->n_pool_samples; i++)
        order[i] = (uint32_t)pts[i].open;
    int32_t sum = 0;
    for (size_t i = 0; i < a->n_pool_samples; i++) {
        const uint32_t k = order[i];
        uint32_t pool = a->pool_samples[k].pool;
        sum += a->pool_samples[k].total - last[pool];
        last[pool] = a->pool_samples[k].total;
        pts[i] = (pgm_curve_point){a->pool_samples[k].t, sum};
    }
    free(order);
    a->sampled = pts;
    a->n_sampled = a->n_pool_samples;
    a->sampled_source = "HikariCP pool stats";
}

/* A leak that began before the server's last restart: the restart ended
 * every session of the runs before it the same way, so the server cannot
 * tell the leaked ones from the pool's idle ones there. Those runs are
 * counted by the application's own leak reports whose checkout (the report
 * less the pool's leak-detection-threshold) came before the last start and
 * after the onset, not given back later; the last run by the sessions held. */
static void count_leaks_before_restart(pgm_analysis *a)
{
    const pgm_growth *g = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
    if (!g || a->primary < 0 || a->hyp[0].kind != PGM_VERDICT_LEAK)
        return;
    size_t n_starts;
    const int64_t *starts = pgm_sessions_starts(a->logs[a->primary].s, &n_starts);
    if (n_starts < 2 || g->onset == PGM_TS_UNKNOWN || g->onset >= starts[n_starts - 1])
        return;
    int64_t last_start = starts[n_starts - 1];
    /* the threshold: the largest configured, 0 (the report's own time) when none is known */
    long threshold_ms = 0;
    for (size_t i = 0; i < a->n_pools; i++)
        if (a->pools[i].leak_threshold_ms > threshold_ms)
            threshold_ms = a->pools[i].leak_threshold_ms;
    for (size_t i = 0; i < a->n_leaks; i++) {
        const leak_report *l = &a->leaks[i];
        if (!l->connection[0] || l->t == PGM_TS_UNKNOWN)
            continue; /* given back later: a slow borrower */
        int64_t checkout = l->t - (int64_t)threshold_ms * 1000;
        for (size_t k = 0; k < a->n_offsets && l->loc >= 0; k++)
            if (strcmp(a->offsets[k].path, stream_of(a, a->locs[l->loc].first_path)) == 0)
                checkout -= a->offsets[k].offset_us;
        if (checkout >= g->onset - (int64_t)threshold_ms * 1000 && checkout < last_start)
            a->leaked_before_restart++;
    }
    for (size_t k = 0; a->leaked_before_restart && k < PGM_VERDICT_COUNT; k++)
        if (a->hyp[k].kind == PGM_VERDICT_LEAK)
            evidence(&a->hyp[k], "%u more leaked in the run before the server's restart (counted by the "
                     "application's leak reports: the restart ended all of that run's sessions alike)",
                     a->leaked_before_restart);
}

/* A leak whose application restarted while the server ran on: each restart
 * gave that process's sessions back and the leak began again, so the growth
 * measured is the last process's. Said apart from a restart of the server
 * (count_leaks_before_restart), which ends every session alike. */
static void tell_application_restarts(pgm_analysis *a)
{
    const pgm_growth *g = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
    if (!g || a->hyp[0].kind != PGM_VERDICT_LEAK)
        return;
    for (size_t i = 0; i < a->n_services; i++) {
        const service_start *st = &a->services[i];
        if (!st->restarts || !g->app || strcmp(st->app, g->app) != 0)
            continue;
        unsigned unclean = 0;
        for (unsigned r = 0; r < st->restarts && r < PGM_ANALYSIS_MAX_RESTARTS; r++)
            unclean += st->restart[r].unclean;
        char at[PGM_TS_ISO_LEN];
        pgm_ts_format_iso(st->restart[0].t, at);
        evidence(&a->hyp[0], "%s restarted %u time%s while the server ran on (%u killed or crashed; the first at %s): "
                 "each restart gave its process's sessions back and the leak began again, so the growth "
                 "above is the last process's",
                 st->app, st->restarts, st->restarts == 1 ? "" : "s", unclean, at);
    }
}

/* Why each explanation with nothing for it is ruled out, in the evidence's
 * own numbers: a reviewer sees what was looked at, not only a score. */
static int by_open_at_refusal(const void *x, const void *y)
{
    const refusal_group *a = x, *b = y;
    if (a->open != b->open)
        return a->open < b->open ? 1 : -1;
    return (a->opened_late < b->opened_late) - (a->opened_late > b->opened_late);
}

/* The groups of the client sessions open at the first refusal (the largest
 * PGM_AT_REFUSAL_GROUPS), and the one that burst into the slots just before
 * it: at least PGM_BURST_MIN_SESSIONS of its open sessions opened in the
 * PGM_BURST_WINDOW_US before, most of its open ones, and more than the
 * other groups together opened then. */
static void sessions_at_refusal(pgm_analysis *a, const pgm_sessions *s)
{
    a->burst = -1;
    a->n_at_refusal = 0;
    a->open_at_refusal = 0;
    if (!s || a->exhaustion == PGM_TS_UNKNOWN)
        return;
    enum { TRACKED = 8 * PGM_AT_REFUSAL_GROUPS }; /* groups told apart while counting; more are counted in all */
    refusal_group g[TRACKED];
    size_t ng = 0;
    const int64_t t = a->exhaustion;
    int late_all = 0;
    for (size_t i = 0, n = pgm_sessions_count(s); i < n; i++) {
        int64_t start, end;
        pgm_sessions_times(s, i, &start, &end);
        if (start == PGM_TS_UNKNOWN || start > t || (end != PGM_TS_UNKNOWN && end <= t))
            continue;
        const pgm_session xv = pgm_sessions_get(s, i), *x = &xv;
        a->open_at_refusal++;
        bool late = x->start > t - PGM_BURST_WINDOW_US;
        late_all += late;
        size_t k = 0;
        const pgm_who *w = pgm_sessions_who(s, x);
        while (k < ng && !(g[k].user == w->user && g[k].db == w->db && g[k].client == w->client))
            k++;
        if (k == ng) {
            if (ng == TRACKED)
                continue;
            const char *app = pgm_sessions_app_name(s, x->app);
            g[ng++] = (refusal_group){w->user, w->db, w->client,
                                      pgm_label_is_name(app) ? app : NULL,
                                      0, 0, 0, PGM_TS_UNKNOWN};
        }
        g[k].open++;
        g[k].opened_late += late;
        if (x->how_end == PGM_END_DISCONNECTED) {
            g[k].ended_normally++;
            if (g[k].last_end == PGM_TS_UNKNOWN || x->end > g[k].last_end)
                g[k].last_end = x->end;
        }
    }
    qsort(g, ng, sizeof *g, by_open_at_refusal);
    a->n_at_refusal = ng < PGM_AT_REFUSAL_GROUPS ? ng : PGM_AT_REFUSAL_GROUPS;
    memcpy(a->at_refusal, g, a->n_at_refusal * sizeof *g);
    int best = -1;
    for (size_t k = 0; k < a->n_at_refusal; k++)
        if (best < 0 || a->at_refusal[k].opened_late > a->at_refusal[best].opened_late)
            best = (int)k;
    if (best >= 0) {
        const refusal_group *b = &a->at_refusal[best];
        if (b->opened_late >= PGM_BURST_MIN_SESSIONS && 2 * b->opened_late >= b->open &&
            b->opened_late > late_all - b->opened_late)
            a->burst = best;
    }
}

/* analysis_impl.h says what it answers. */
int pgm_analysis_row_held(const app_row *w, const char *who, int64_t before, int64_t unused_from)
{
    /* `who` as note_server_event wrote it: "user@db", "?" for an empty name */
    const char *user = w->user[0] ? w->user : "?", *db = w->db[0] ? w->db : "?";
    size_t nu = strlen(user);
    if (strncmp(who, user, nu) != 0 || who[nu] != '@' || strcmp(who + nu + 1, db) != 0 ||
        w->backend_start == PGM_TS_UNKNOWN || w->backend_start >= before)
        return 0;
    return w->unused_since != PGM_TS_UNKNOWN && w->unused_since <= unused_from ? 2 : 1;
}

/* A group (user@db) refused while every session it had held since before
 * (opened over PGM_BURST_WINDOW_US earlier, at least PGM_BURST_MIN_SESSIONS)
 * sat unused through the refusal: a snapshot taken after it shows all of
 * them idle since PGM_UNUSED_US or more before it. The group asked for
 * connections while holding ones none of its code used: a pool hands out
 * its idle connections before it asks for more, and a healthy one uses some
 * of them; these were borrowed and not given back. The leak of a fixed pool,
 * drained inside, which the server never sees grow. */
static void held_unused_at_refusal(pgm_analysis *a)
{
    memset(&a->held_unused, 0, sizeof a->held_unused);
    if (a->primary < 0 || !a->n_app_rows)
        return;
    const server_log *pl = &a->logs[a->primary];
    for (size_t h = 0; h < pl->n_refused; h++) {
        const hit *r = &pl->refused[h];
        if (r->first == PGM_TS_UNKNOWN)
            continue;
        const int64_t before = r->first - PGM_BURST_WINDOW_US, unused_from = r->first - PGM_UNUSED_US;
        /* the rows of one snapshot come together, with one time */
        size_t i = 0;
        while (i < a->n_app_rows) {
            size_t from = i;
            int64_t seen = a->app_rows[i].seen;
            int held = 0, unused = 0;
            int64_t oldest = PGM_TS_UNKNOWN;
            const app_row *first_row = NULL;
            char client[64] = "";
            for (; i < a->n_app_rows && a->app_rows[i].seen == seen; i++) {
                const app_row *w = &a->app_rows[i];
                int how = pgm_analysis_row_held(w, r->who, before, unused_from);
                held += how > 0;
                if (how == 2) {
                    unused++;
                    if (!first_row)
                        first_row = w;
                    if (oldest == PGM_TS_UNKNOWN || w->unused_since < oldest)
                        oldest = w->unused_since;
                    snprintf(client, sizeof client, "%s", w->client);
                }
            }
            bool near = seen >= r->first && seen <= r->first + PGM_UNUSED_AFTER_US;
            if (near && held >= PGM_BURST_MIN_SESSIONS && unused == held && held > a->held_unused.held) {
                snprintf(a->held_unused.group, sizeof a->held_unused.group, "%s from %s", r->who,
                         client[0] ? client : "?");
                a->held_unused.held = held;
                a->held_unused.unused = unused;
                a->held_unused.refused_at = r->first;
                a->held_unused.seen = seen;
                a->held_unused.oldest_unused = oldest;
                snprintf(a->held_unused.who, sizeof a->held_unused.who, "%s", r->who);
                a->held_unused.rows_from = from;
                a->held_unused.rows_to = i;
                a->held_unused.opened_before = before;
                a->held_unused.unused_from = unused_from;
                snprintf(a->held_unused.user, sizeof a->held_unused.user, "%s", first_row->user);
                snprintf(a->held_unused.db, sizeof a->held_unused.db, "%s", first_row->db);
                a->held_unused.row_path = first_row->path;
                a->held_unused.row_line = first_row->line;
                a->held_unused.refusal_path = cited(a, r->path);
                a->held_unused.refusal_line = r->line;
            }
        }
    }
}

/* The growing group's sessions in the snapshot that shows most of them: at
 * least PGM_CHURN_ROWS_MIN, each idle since within PGM_USED_ONCE_US of its
 * opening. One pool hands its connections out again and again (a leaked one
 * was borrowed some time after the pool opened it); a new pool per use opens
 * one, runs one statement on it and drops the pool, never closed. */
static void used_once_rows(pgm_analysis *a, const pgm_growth *g)
{
    memset(&a->used_once, 0, sizeof a->used_once);
    if (!g || !g->growing)
        return;
    size_t i = 0;
    while (i < a->n_app_rows) {
        int64_t seen = a->app_rows[i].seen;
        int rows = 0, once = 0;
        const app_row *first = NULL;
        for (; i < a->n_app_rows && a->app_rows[i].seen == seen; i++) {
            const app_row *w = &a->app_rows[i];
            if (strcmp(w->user, g->user) || strcmp(w->db, g->db) || strcmp(w->client, g->client))
                continue;
            rows++;
            if (w->backend_start != PGM_TS_UNKNOWN && w->unused_since != PGM_TS_UNKNOWN &&
                w->unused_since - w->backend_start < PGM_USED_ONCE_US) {
                once++;
                if (!first)
                    first = w;
            }
        }
        if (rows >= PGM_CHURN_ROWS_MIN && once == rows && rows > a->used_once.rows) {
            a->used_once.rows = rows;
            a->used_once.seen = seen;
            a->used_once.path = first->path;
            a->used_once.line = first->line;
        }
    }
}

/* A session by its end, then its number (the list's order among equals). */
typedef struct ended_at {
    int64_t end;
    size_t index;
} ended_at;

static int by_end(const void *x, const void *y)
{
    const ended_at *a = x, *b = y;
    if (a->end != b->end)
        return (a->end > b->end) - (a->end < b->end);
    return (a->index > b->index) - (a->index < b->index);
}

/* The most sessions of user@db (client too, when given) that lived
 * PGM_LONG_LIFE_US or more and ended within PGM_TOGETHER_US of each other by
 * their own end (not a server restart): a pool closed at its application's
 * stop, or killed with it. *first: the earliest of them. */
static int ended_together(const pgm_sessions *s, const char *user, const char *db, const char *client,
                          pgm_session *first)
{
    size_t n = pgm_sessions_count(s), m = 0, alloc = 0;
    ended_at *long_lived = NULL;
    bool oom = false;
    for (size_t i = 0; !oom && i < n; i++) {
        int64_t start, end;
        pgm_sessions_times(s, i, &start, &end);
        if (start == PGM_TS_UNKNOWN || end == PGM_TS_UNKNOWN || end - start < PGM_LONG_LIFE_US)
            continue;
        const pgm_session xv = pgm_sessions_get(s, i), *x = &xv;
        const pgm_who *w = pgm_sessions_who(s, x);
        if (x->how_end == PGM_END_OPEN || x->how_end == PGM_END_RESTART || x->how_end == PGM_END_PID_REUSED ||
            strcmp(w->user, user) || strcmp(w->db, db) || (client && strcmp(w->client, client)))
            continue;
        ended_at *room = pgm_grow(long_lived, &alloc, m, sizeof *room, 64);
        if (!room) {
            oom = true;
            break;
        }
        long_lived = room;
        long_lived[m++] = (ended_at){x->end, i};
    }
    int best = 0;
    size_t first_index = 0;
    if (!oom && m) {
        qsort(long_lived, m, sizeof *long_lived, by_end);
        for (size_t i = 0, j = 0; i < m; i++) {
            while (long_lived[i].end - long_lived[j].end > PGM_TOGETHER_US)
                j++;
            if ((int)(i - j + 1) > best) {
                best = (int)(i - j + 1);
                first_index = long_lived[j].index;
            }
        }
    }
    free(long_lived);
    if (best)
        *first = pgm_sessions_get(s, first_index);
    return best;
}

/* "reports@shop from 10.0.0.7 (reports)": a group as the evidence names it. */
static void group_name(const refusal_group *g, char *out, size_t cap)
{
    snprintf(out, cap, "%s@%s from %s%s%s%s", *g->user ? g->user : "?", *g->db ? g->db : "?",
             *g->client ? g->client : "?", g->app ? " (" : "", g->app ? g->app : "", g->app ? ")" : "");
}

/* Whether the bundle holds an input of this kind ("app_log", "pg_log"). */
bool pgm_analysis_pg_log_misread(const pgm_analysis *a)
{
    for (size_t i = 0; i < a->n_inputs; i++)
        if (a->inputs[i].misread)
            return true;
    return false;
}

static bool has_input(const pgm_analysis *a, const char *kind)
{
    for (size_t i = 0; i < a->n_inputs; i++)
        if (strcmp(a->inputs[i].kind, kind) == 0)
            return true;
    return false;
}

/* What an inconclusive verdict asks for next time: only what the bundle
 * lacks, never a setting it shows on. */
static void inconclusive_advice(const pgm_analysis *a, const pgm_sessions *s, char *out, size_t cap)
{
    bool app_log = has_input(a, "app_log"), pg_log = has_input(a, "pg_log");
    /* a server log whose lines were read gave events, if none of connections */
    bool pg_read = false;
    for (size_t i = 0; i < a->n_inputs && !pg_read; i++)
        pg_read = strcmp(a->inputs[i].kind, "pg_log") == 0 && a->inputs[i].lines > a->inputs[i].unparsed;
    size_t n_sessions = s ? pgm_sessions_count(s) : 0;
    const char *missing[4];
    size_t n = 0;
    if (a->primary < 0 && pg_log && !pg_read)
        missing[n++] = "a server log whose lines can be read (give its log_line_prefix with --log-line-prefix when "
                       "the one detected does not fit)";
    else if (a->primary < 0 && !pg_log)
        missing[n++] = "the server log";
    else if (!n_sessions && pgm_analysis_pg_log_misread(a))
        missing[n++] = "a server log pgmortem reads (most of this one's messages are of no kind it knows: read "
                       "wrong, or from a server it does not read; its warning names them)";
    else if (!n_sessions && a->log_connections == 1)
        missing[n++] = "the server log of the incident's time (log_connections is on in the configuration, yet "
                       "this log holds no connection line)";
    else if (!n_sessions)
        missing[n++] = a->log_disconnections == 1 ? "log_connections on in the server log"
                                                  : "log_connections and log_disconnections on in the server log";
    else if (a->log_disconnections == 0)
        missing[n++] = "log_disconnections on in the server log";
    if (!app_log)
        missing[n++] = "the applications' logs (HikariCP's own account of its pools)";
    if (!a->snapshots)
        missing[n++] = "pg_stat_activity every 10 s during the incident";
    if (!n) {
        snprintf(out, cap, "Not enough evidence: what the bundle holds does not tell the kinds apart.");
        return;
    }
    size_t used = (size_t)snprintf(out, cap, "Not enough evidence: next time capture ");
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
                                 missing[i]);
    if (used < cap)
        snprintf(out + used, cap - used, ".");
}

/* The verdict (a->hyp[0], decided) with what the missing side would add,
 * and the two sides' disagreements where both are in the bundle. */
static void weigh_sides(pgm_analysis *a, const pgm_sessions *s, const pgm_growth *g, unsigned leaks)
{
    bool app_log = has_input(a, "app_log");
    size_t n_sessions = s ? pgm_sessions_count(s) : 0;
    char who[300] = "";
    if (a->held_unused.held)
        snprintf(who, sizeof who, "%s", a->held_unused.who);
    else if (g && g->growing)
        snprintf(who, sizeof who, "%s@%s", g->user, g->db);
    else if (a->top_user[0])
        snprintf(who, sizeof who, "%s@%s", a->top_user, a->top_db);
    a->confirm[0] = '\0';
    switch (a->hyp[0].kind) {
    case PGM_VERDICT_LEAK:
        if (!app_log)
            snprintf(a->confirm, sizeof a->confirm,
                     "the log of the application connecting as %s would confirm it (with leak-detection-threshold "
                     "on, HikariCP reports each connection held too long and the code that borrowed it) or show "
                     "another cause (HikariPool-N numbers climbing: pools created and never closed)",
                     who[0] ? who : "the suspect");
        break;
    case PGM_VERDICT_CAPACITY:
        if (!a->n_pools)
            snprintf(a->confirm, sizeof a->confirm,
                     "the applications' configuration (maximum-pool-size, replicas) would confirm the arithmetic "
                     "against the server's slots%s",
                     a->burst >= 0 && !app_log ? ", and the bursting application's log its start" : "");
        break;
    case PGM_VERDICT_IDLE_IN_TRANSACTION:
        if (!app_log)
            snprintf(a->confirm, sizeof a->confirm,
                     "the application's log would name the code that opened these transactions and never ended them");
        break;
    case PGM_VERDICT_POOL_CHURN:
        if (!app_log)
            snprintf(a->confirm, sizeof a->confirm,
                     "the log of the application connecting as %s would confirm it (HikariPool-N numbers climbing, a "
                     "pool started for each use) or show a leak instead (HikariCP's leak reports)",
                     who[0] ? who : "the suspect");
        break;
    case PGM_VERDICT_NETWORK:
        if (!app_log)
            snprintf(a->confirm, sizeof a->confirm,
                     "the applications' logs would show the pooled connections found broken (SQLSTATE 08006, 08003)");
        break;
    case PGM_VERDICT_SLOW_QUERIES:
        if (!app_log)
            snprintf(a->confirm, sizeof a->confirm,
                     "the applications' logs would show their pools timing out while these statements ran");
        break;
    default:
        break;
    }
    a->n_disagree = 0;
    if (!app_log || !n_sessions)
        return;
    const size_t cap = sizeof a->disagree[0];
    if (leaks && !(g && g->growing) && !a->held_unused.held)
        snprintf(a->disagree[a->n_disagree++], cap,
                 pgm_pooler_seen(a->pooler)
                     ? "HikariCP reported %u leak(s), yet no group of sessions grew on the server long enough to "
                       "tell: behind PgBouncer the server sees PgBouncer's server connections, which its pools "
                       "bound in transaction mode"
                     : "HikariCP reported %u leak(s), yet no group of sessions grew on the server: the connections "
                       "were held longer than leak-detection-threshold, and may have been given back later",
                 leaks);
    long threshold = 0;
    for (size_t i = 0; i < a->n_pools; i++)
        if (a->pools[i].leak_threshold_ms > threshold)
            threshold = a->pools[i].leak_threshold_ms;
    if (g && g->growing && !leaks && !a->slow_borrowers && threshold > 0)
        snprintf(a->disagree[a->n_disagree++], cap,
                 "the server saw %s@%s from %s grow from %d to %d, yet HikariCP, its leak detection on (%ld ms), "
                 "reported no leak: another pool or client with these names may hold them",
                 g->user, g->db, g->client[0] ? g->client : "?", g->baseline, g->held, threshold);
}

static void rule_out(pgm_analysis *a, const pgm_growth *g, bool growing, unsigned leaks, long fleet,
                     unsigned long long slow)
{
    for (int k = 0; k < PGM_VERDICT_COUNT; k++) {
        pgm_hypothesis *h = &a->hyp[k];
        if (h->score > 0)
            continue;
        char *w = h->why_not;
        size_t cap = sizeof h->why_not;
        switch (h->kind) {
        case PGM_VERDICT_LEAK:
            if (growing || leaks)
                snprintf(w, cap, "what grew is better explained otherwise (pools filling in bursts, idle in "
                                 "transaction, or pools created again and again)");
            else
                snprintf(w, cap, "no group of sessions grew without giving them back%s%s%s, and no HikariCP "
                                 "leak report stands (%llu reported, %llu returned later)",
                         g ? " (the largest, " : "", g ? g->user : "", g ? ", stayed near its baseline)" : "",
                         (unsigned long long)a->leak_reports, (unsigned long long)a->slow_borrowers);
            break;
        case PGM_VERDICT_IDLE_IN_TRANSACTION:
            if (a->snapshots)
                snprintf(w, cap, "the %u pg_stat_activity snapshots show at most %d sessions idle in transaction, "
                                 "and no idle-in-transaction timeout ended one", a->snapshots, a->max_idle_in_tx);
            else
                snprintf(w, cap, "no pg_stat_activity snapshot in the bundle, and no idle-in-transaction timeout "
                                 "in the log");
            break;
        case PGM_VERDICT_CAPACITY:
            if (a->max_connections > 0 && fleet)
                snprintf(w, cap, "the pools may open %ld connections, within the %ld usable slots", fleet,
                         a->max_connections - a->reserved);
            else
                snprintf(w, cap, "%s", a->refusals ? "the refusals are explained by what grew"
                                                   : "no refusal, and no pool configuration beyond the server's slots");
            break;
        case PGM_VERDICT_POOL_CHURN:
            snprintf(w, cap, "%u pool start(s), the highest pool number %u (churn is %d or more)", a->pool_starts,
                     a->max_pool_number, PGM_CHURN_MIN_POOLS);
            break;
        case PGM_VERDICT_NETWORK:
            snprintf(w, cap, "%llu lost client(s) and %llu broken pooled connection(s) (a network loss shows %d or "
                             "more)", (unsigned long long)a->lost_clients, (unsigned long long)a->broken_connections,
                     PGM_NETWORK_MIN_LOSSES);
            break;
        case PGM_VERDICT_SLOW_QUERIES:
            snprintf(w, cap, "%llu lock wait(s), %llu statement(s) cancelled by lock_timeout and %llu by "
                             "statement_timeout, %llu statement(s) over 10 s%s",
                     (unsigned long long)a->lock_waits, (unsigned long long)a->victims.lock_timeouts,
                     (unsigned long long)a->victims.statement_timeouts, (unsigned long long)a->long_statements,
                     slow >= PGM_SLOW_MIN_SIGNS ? ", while connections leaked or a group grew" : "");
            break;
        case PGM_VERDICT_NONE: {
            size_t paired = a->primary >= 0 ? pgm_sessions_count(a->logs[a->primary].s) : 0;
            snprintf(w, cap, "%llu refusal(s), %llu pool timeout(s) in the applications' logs%s",
                     (unsigned long long)a->refusals, (unsigned long long)a->app_timeouts,
                     a->primary < 0 ? ", and no server log to say all was well"
                     : !paired && !a->snapshots
                         ? ", and neither a connection line in the server log nor a pg_stat_activity snapshot "
                           "to say how the connections fared"
                         : "");
            break;
        }
        default:
            break;
        }
    }
}

/* The key of the JSON's series by user, by database or by client (ctx: which). */
static const char *who_part_key(void *ctx, const pgm_sessions *s, const pgm_who *w)
{
    (void)s;
    return pgm_who_part(w, *(const enum pgm_who_part *)ctx);
}

/* Those the JSON's series leave to "(other)" (report/json.c walks them). */
static void count_series_keys(pgm_analysis *a)
{
    if (a->primary < 0)
        return;
    for (enum pgm_who_part part = PGM_WHO_USER; part <= PGM_WHO_CLIENT; part++) {
        size_t n = pgm_sessions_count_keys(a->logs[a->primary].s, who_part_key, &part);
        if (n > PGM_ANALYSIS_MAX_SERIES_KEYS)
            a->over[PGM_ANALYSIS_CAP_SERIES_KEYS] += n - PGM_ANALYSIS_MAX_SERIES_KEYS;
    }
}

/* The files of the server logs other than the primary's (stream_of: their
 * pieces too): a second destination of the primary server would count its
 * bursts twice, another server's are not this one's. */
static bool not_the_primarys(void *ctx, const char *path)
{
    pgm_analysis *a = ctx;
    const char *stream = stream_of(a, path);
    for (size_t i = 0; i < a->n_logs; i++)
        if ((int)i != a->primary && strcmp(a->logs[i].path, stream) == 0)
            return true;
    return false;
}

int pgm_analysis_finish(pgm_analysis *a)
{
    if (a->finished)
        return a->oom ? PGM_FATAL : PGM_OK;
    a->finished = true;
    /* the server's log: the one with the most connection lines (a second
     * destination of the same server, jsonlog beside stderr, repeats it) */
    uint64_t best = 0, best_fine = 0;
    name_apps_from_rows(a);
    for (size_t i = 0; i < a->n_logs; i++) {
        if (pgm_sessions_finish(a->logs[i].s) != PGM_OK)
            a->oom = true;
        size_t n = pgm_sessions_count(a->logs[i].s);
        /* between equals, the one with finer times (%m over %t) */
        uint64_t fine = 0;
        for (size_t k = 0; k < n; k++) {
            int64_t start, end;
            pgm_sessions_times(a->logs[i].s, k, &start, &end);
            fine += start != PGM_TS_UNKNOWN && start % 1000000 != 0;
        }
        if (a->primary < 0 || n > best || (n == best && fine > best_fine)) {
            best = n;
            best_fine = fine;
            a->primary = (int)i;
        }
    }
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    pgm_holders_sort(&a->holders);
    build_sampled_curve(a);
    if (a->thresholds) {
        pgm_thresholds_run(a->thresholds, not_the_primarys, on_threshold, a);
        a->over[PGM_ANALYSIS_CAP_THRESHOLDS] += pgm_thresholds_dropped(a->thresholds);
    }
    if (s) {
        find_longest(a, s);
        pgm_pods_split(a, s);
        a->refusals = pgm_sessions_refusals(s, &a->exhaustion);
        uint64_t apps_over, starts_over;
        pgm_sessions_over(s, &apps_over, &starts_over);
        a->over[PGM_ANALYSIS_CAP_SESSION_APPS] += apps_over;
        a->over[PGM_ANALYSIS_CAP_STARTS] += starts_over;
        /* the applications' restarts split their groups' runs, as the server's do */
        pgm_growth_restarts apps[PGM_ANALYSIS_MAX_HITS];
        int64_t times[PGM_ANALYSIS_MAX_HITS][PGM_ANALYSIS_MAX_RESTARTS];
        size_t n_apps = 0;
        for (size_t i = 0; i < a->n_services; i++) {
            const service_start *st = &a->services[i];
            size_t n = 0;
            for (unsigned r = 0; r < st->restarts && r < PGM_ANALYSIS_MAX_RESTARTS; r++)
                if (st->restart[r].t != PGM_TS_UNKNOWN)
                    times[n_apps][n++] = st->restart[r].t;
            if (n) {
                apps[n_apps] = (pgm_growth_restarts){st->app, times[n_apps], n};
                n_apps++;
            }
        }
        size_t not_judged;
        a->n_groups = pgm_growth_find(s, a->exhaustion, apps, n_apps, a->groups, PGM_GROWTH_MAX_GROUPS, &not_judged);
        a->over[PGM_ANALYSIS_CAP_GROUPS] += not_judged;
        sessions_at_refusal(a, s);
        held_unused_at_refusal(a);
        used_once_rows(a, a->n_groups ? &a->groups[0] : NULL);
    }
    pgm_pooler_finish(a->pooler);
    a->tier = pgm_pooler_tier(a->pooler, a->refusals > 0, a->app_timeouts > 0, &a->tier_pool);
    const pgm_growth *g = a->n_groups ? &a->groups[0] : NULL;
    bool growing = g && g->growing;
    int growth = g ? g->held - g->baseline : 0;
    unsigned leaks = pgm_analysis_net_leak_reports(a);
    bool idle_in_tx = a->max_idle_in_tx >= 3 && (!growing || a->max_idle_in_tx * 2 >= growth);
    bool churn = a->max_pool_number >= PGM_CHURN_MIN_POOLS && a->pool_starts >= PGM_CHURN_MIN_POOLS;

    for (int k = 0; k < PGM_VERDICT_COUNT; k++) {
        memset(&a->hyp[k], 0, sizeof a->hyp[k]);
        a->hyp[k].kind = (enum pgm_verdict)k;
    }
    /* without connection lines: the snapshots' largest group growing from one to the next */
    bool snap_growing = false;
    if (!growing && a->n_snap_top >= 3) {
        uint64_t key = a->snap_top[a->n_snap_top - 1].key;
        long first = -1, last = -1, drops = 0, rises = 0, seen = 0, prev = -1;
        for (size_t i = 0; i < a->n_snap_top; i++) {
            if (a->snap_top[i].key != key)
                continue;
            long c = a->snap_top[i].count;
            if (first < 0)
                first = c;
            if (prev >= 0 && c < prev - 1)
                drops++;
            if (prev >= 0 && c > prev)
                rises++;
            prev = last = c;
            seen++;
        }
        /* rising again and again: a pool filling at start rises once */
        snap_growing = seen >= 3 && rises >= 3 && last - first >= PGM_GROWTH_MIN_SESSIONS && !drops;
        if (snap_growing)
            a->snap_growth_from = first, a->snap_growth_to = last;
    }
    /* leak: a group that keeps growing, and the pool's own leak reports */
    pgm_hypothesis *h = &a->hyp[PGM_VERDICT_LEAK];
    if (snap_growing && !idle_in_tx) {
        h->score += 3;
        evidence(h, "the pg_stat_activity snapshots show %s@%s from %s holding %ld, then %ld sessions, never fewer",
                 a->top_user, a->top_db, a->top_client[0] ? a->top_client : "?", a->snap_growth_from,
                 a->snap_growth_to);
    }
    if (growing) {
        h->score += 3;
        evidence(h, "the sessions of %s@%s from %s: %d open and never given back, %d of them from before the rise",
                 g->user, g->db, g->client[0] ? g->client : "?", g->held, g->baseline);
        if (g->bursts >= 2)
            h->score -= 2;
    }
    if (leaks) {
        h->score += 5;
        evidence(h, "%u HikariCP leak reports, first at %s", leaks, a->n_locs ? a->locs[0].frame : "?");
    }
    if (a->held_unused.held && !churn) {
        char refused[PGM_TS_ISO_LEN], seen[PGM_TS_ISO_LEN], since[PGM_TS_ISO_LEN];
        pgm_ts_format_iso(a->held_unused.refused_at, refused);
        pgm_ts_format_iso(a->held_unused.seen, seen);
        pgm_ts_format_iso(a->held_unused.oldest_unused, since);
        h->score += 4;
        evidence(h, "%s:%llu: %s was refused at %s, asking for more while all %d sessions it had held from before "
                    "sat unused", a->held_unused.refusal_path ? a->held_unused.refusal_path : "?",
                 (unsigned long long)a->held_unused.refusal_line, a->held_unused.group, refused,
                 a->held_unused.held);
        evidence(h, "%s:%llu: at %s none of the %d had been used since before the refusal (idle since %s at the "
                    "oldest): a pool hands out its idle connections before it asks for more, so these were "
                    "borrowed and not given back",
                 a->held_unused.row_path ? a->held_unused.row_path : "?", (unsigned long long)a->held_unused.row_line,
                 seen, a->held_unused.held, since);
    }
    /* what was held was let go only when its application went: a sign that agrees, not one alone
     * (a healthy pool closes its connections together too; transactions left open end so as well) */
    if (s && !churn && !idle_in_tx && (growing || a->held_unused.held)) {
        const char *user = growing ? g->user : a->held_unused.user, *db = growing ? g->db : a->held_unused.db;
        const char *client = growing ? g->client : NULL;
        pgm_session first_v;
        int together = ended_together(s, user, db, client, &first_v);
        if (together >= PGM_BURST_MIN_SESSIONS) {
            const pgm_session *first = &first_v;
            char end[PGM_TS_ISO_LEN];
            pgm_ts_format_iso(first->end, end);
            h->score += 1;
            evidence(h, "%s:%llu: %d sessions of %s@%s that had been open a minute or more ended together at %s: "
                        "held until their application stopped", pgm_sessions_cited_path(s, first->end_at),
                     (unsigned long long)pgm_cite_line(first->end_at), together, user, db, end);
        }
    }
    if (idle_in_tx)
        h->score -= 3;
    if (churn)
        h->score -= 4;
    snprintf(h->summary, sizeof h->summary, "%s", "An application holds connections it never returns.");
    /* idle in transaction: the snapshots show them, or the server timed them out */
    h = &a->hyp[PGM_VERDICT_IDLE_IN_TRANSACTION];
    if (idle_in_tx) {
        h->score += 5;
        evidence(h, "%s", a->idle_in_tx_evidence);
    }
    if (a->iit_terminations) {
        h->score += 2;
        evidence(h, "%llu sessions ended by idle_in_transaction_session_timeout",
                 (unsigned long long)a->iit_terminations);
    }
    snprintf(h->summary, sizeof h->summary, "%s", "Sessions were left open inside transactions.");
    /* pool churn: pool numbers climbing in one JVM */
    h = &a->hyp[PGM_VERDICT_POOL_CHURN];
    if (churn) {
        h->score += 6;
        evidence(h, "%s", a->pool_evidence);
    }
    /* from the server's side: the growing group's connections each used once, as they opened */
    if (!churn && growing && a->used_once.rows && !leaks) {
        char seen[PGM_TS_ISO_LEN];
        pgm_ts_format_iso(a->used_once.seen, seen);
        h->score += 4;
        evidence(h, "%s:%llu: at %s all %d sessions of %s@%s from %s were used only within %lld ms of opening and "
                    "idle since: a new pool for each use, dropped unclosed (one pool hands its connections out "
                    "again and again)",
                 a->used_once.path ? a->used_once.path : "?", (unsigned long long)a->used_once.line, seen,
                 a->used_once.rows, g->user, g->db, g->client[0] ? g->client : "?",
                 (long long)(PGM_USED_ONCE_US / 1000));
    }
    snprintf(h->summary, sizeof h->summary, "%s", "Pools were created again and again and never closed.");
    /* capacity: refusals while pools filled in bursts, and nothing leaked */
    h = &a->hyp[PGM_VERDICT_CAPACITY];
    if (a->refusals && !leaks && !churn && !idle_in_tx && (!growing || g->bursts >= 2)) {
        /* refusals alone say little; pools filling in bursts say more */
        h->score += g && g->bursts >= 2 ? 4 : 1;
        evidence(h, "%llu refusals while pools opened their connections%s", (unsigned long long)a->refusals,
                 g && g->bursts >= 2 ? " in bursts" : "");
    }
    /* a burst into the slots: one group opened most of what was open at the
     * first refusal just before it, nothing was held or growing, and its
     * sessions ended as sessions do (the server's side alone tells this) */
    if (a->burst >= 0 && a->refusals && !leaks && !churn && !idle_in_tx && !growing) {
        const refusal_group *b = &a->at_refusal[a->burst];
        bool normal = 2 * b->ended_normally >= b->open;
        h->score += normal ? 4 : 2;
        char name[400], others[256] = "";
        group_name(b, name, sizeof name);
        size_t used = 0;
        for (size_t k = 0; k < a->n_at_refusal && used + 1 < sizeof others; k++) {
            if ((int)k == a->burst)
                continue;
            int w = snprintf(others + used, sizeof others - used, "%s%s@%s %d", used ? ", " : "",
                             *a->at_refusal[k].user ? a->at_refusal[k].user : "?",
                             *a->at_refusal[k].db ? a->at_refusal[k].db : "?", a->at_refusal[k].open);
            if (w < 0 || (size_t)w >= sizeof others - used)
                break;
            used += (size_t)w;
        }
        uint64_t line = 0;
        const char *at = s ? pgm_sessions_first_refusal_at(s, &line) : NULL;
        char slots[96] = "";
        if (a->max_connections >= 0)
            snprintf(slots, sizeof slots, " of the %ld usable slots", a->max_connections - a->reserved);
        evidence(h, "%s:%llu: the first refusal, with %d client sessions open%s: %s %d%s%s", at ? at : "?",
                 (unsigned long long)line, a->open_at_refusal, slots, name, b->open, *others ? ", " : "", others);
        evidence(h, "%d of the %d sessions of %s@%s opened in the %lld s before it (a deploy, a scale-out or a "
                    "batch filling its pool); no group held or grew before",
                 b->opened_late, b->open, *b->user ? b->user : "?", *b->db ? b->db : "?",
                 (long long)(PGM_BURST_WINDOW_US / 1000000));
        if (normal) {
            char end[PGM_TS_ISO_LEN] = "?";
            if (b->last_end != PGM_TS_UNKNOWN)
                pgm_ts_format_iso(b->last_end, end);
            evidence(h, "%d of them ended by their own disconnection (the last at %s): used and given back, not "
                        "leaked", b->ended_normally, end);
        }
        /* busy: a snapshot after the refusal shows them running or used moments before */
        int rows = 0, busy = 0;
        int64_t snap_at = PGM_TS_UNKNOWN;
        const app_row *cite_row = NULL;
        for (size_t i = 0; i < a->n_app_rows; i++) {
            const app_row *w = &a->app_rows[i];
            if (w->seen < a->exhaustion || w->seen > a->exhaustion + PGM_UNUSED_AFTER_US ||
                strcmp(w->user, b->user) || strcmp(w->db, b->db) || strcmp(w->client, b->client))
                continue;
            if (snap_at != PGM_TS_UNKNOWN && w->seen != snap_at)
                break; /* the first such snapshot */
            snap_at = w->seen;
            rows++;
            if (w->unused_since == PGM_TS_UNKNOWN || w->seen - w->unused_since < PGM_UNUSED_US) {
                busy++;
                if (!cite_row)
                    cite_row = w;
            }
        }
        if (rows && 2 * busy >= rows && cite_row) {
            char seen[PGM_TS_ISO_LEN];
            pgm_ts_format_iso(snap_at, seen);
            evidence(h, "%s:%llu: at %s %d of its %d sessions were running or used in the %lld s before: busy, "
                        "not held", cite_row->path ? cite_row->path : "?", (unsigned long long)cite_row->line, seen,
                     busy, rows, (long long)(PGM_UNUSED_US / 1000000));
        }
    }
    /* the configuration: the pools can ask for more than the server has */
    long fleet = 0;
    for (size_t i = 0; i < a->n_pools; i++)
        if (a->pools[i].maximum_pool_size > 0)
            fleet += a->pools[i].maximum_pool_size * (a->pools[i].instances > 0 ? a->pools[i].instances : 1);
    bool fleet_over = a->max_connections > 0 && fleet > a->max_connections - a->reserved;
    if (fleet_over) {
        h->score += 3;
        evidence(h, "the pools may open %ld connections; the server has %ld - %ld reserved (%s)", fleet,
                 a->max_connections, a->reserved, a->max_connections_at);
    }
    if (fleet_over)
        snprintf(h->summary, sizeof h->summary, "%s",
                 "The fleet's pools are configured beyond what the server allows.");
    else if (a->burst < 0)
        snprintf(h->summary, sizeof h->summary, "%s",
                 "The applications asked for more connections than the server has slots, and nothing leaked.");
    else
        snprintf(h->summary, sizeof h->summary,
                 "A burst of new sessions from %s@%s took the last free slots: what the applications open "
                 "together is more than the server has, and nothing leaked.",
                 *a->at_refusal[a->burst].user ? a->at_refusal[a->burst].user : "?",
                 *a->at_refusal[a->burst].db ? a->at_refusal[a->burst].db : "?");
    /* network: clients that vanished, pooled connections found dead */
    bool network = a->lost_clients + a->broken_connections >= PGM_NETWORK_MIN_LOSSES;
    h = &a->hyp[PGM_VERDICT_NETWORK];
    if (network) {
        h->score += 4;
        evidence(h, "%llu lost clients and %llu broken pooled connections, first: %s",
                 (unsigned long long)a->lost_clients, (unsigned long long)a->broken_connections,
                 a->network_evidence);
        if (leaks)
            h->score -= 2;
    }
    snprintf(h->summary, sizeof h->summary, "%s",
             "Sessions outlived their clients after a network loss, or pooled connections went dead.");
    /* slow queries: the pool timed out with nothing leaked, while statements waited or ran long */
    unsigned long long slow = a->lock_waits + a->stmt_timeouts + a->long_statements;
    h = &a->hyp[PGM_VERDICT_SLOW_QUERIES];
    if (slow >= PGM_SLOW_MIN_SIGNS && !leaks && !growing) {
        h->score += a->app_timeouts ? 5 : 3;
        evidence(h, "%llu lock waits, %llu statements cancelled by lock_timeout and %llu by statement_timeout, "
                 "%llu statements over 10 s; first: %s",
                 (unsigned long long)a->lock_waits, (unsigned long long)a->victims.lock_timeouts,
                 (unsigned long long)a->victims.statement_timeouts, (unsigned long long)a->long_statements,
                 a->slow_evidence);
    }
    snprintf(h->summary, sizeof h->summary, "%s",
             "Long statements or lock waits held a healthy pool's connections until it ran dry.");
    /* none: no refusal, no timeout, nothing growing, and the connections seen (a log without
     * connection lines and no snapshot says nothing of them) */
    h = &a->hyp[PGM_VERDICT_NONE];
    size_t n_sessions = s ? pgm_sessions_count(s) : 0;
    /* behind PgBouncer, a pool that ran dry or a client it refused is trouble the server never saw */
    if (!a->refusals && !a->app_timeouts && !growing && !leaks && !idle_in_tx && !churn && !network &&
        slow < PGM_SLOW_MIN_SIGNS && s && (n_sessions || a->snapshots) && a->tier == PGM_TIER_NONE) {
        h->score += 5;
        const pgm_curve *c = pgm_sessions_curve(s);
        evidence(h, "no refusal, no pool timeout, no leak report; %zu sessions paired, at most %d open at once%s",
                 n_sessions, c->peak, a->max_connections > 0 ? "" : " (the server's limit is not in the bundle)");
        if (a->max_connections > 0)
            evidence(h, "the peak of %d stayed below the %ld usable slots (%s)", c->peak,
                     a->max_connections - a->reserved, a->max_connections_at);
    }
    snprintf(h->summary, sizeof h->summary, "%s", "No connection trouble in the evidence.");
    h = &a->hyp[PGM_VERDICT_INCONCLUSIVE];
    h->score = 2; /* what wins must say more than refusals alone */
    inconclusive_advice(a, s, h->summary, sizeof h->summary);
    char where[512];
    if (a->tier == PGM_TIER_PGBOUNCER_POOL || a->tier == PGM_TIER_PGBOUNCER_CLIENTS)
        evidence(h, "connections ran out at PgBouncer: %s", pgm_analysis_where(a, where, sizeof where) ? where : "?");
    rule_out(a, g, growing, leaks, fleet, slow);
    qsort(a->hyp, PGM_VERDICT_COUNT, sizeof a->hyp[0], cmp_hyp);
    weigh_sides(a, s, g, leaks);
    correct_clocks(a);
    count_leaks_before_restart(a);
    tell_application_restarts(a);
    gather_moments(a);
    if (!pgm_analysis_fit_alerts(a))
        a->oom = true;
    {
        pgm_named_session named[PGM_ANALYSIS_MAX_NAMED];
        size_t more;
        int64_t seen;
        const char *user, *db, *client;
        pgm_analysis_named_sessions(a, named, PGM_ANALYSIS_MAX_NAMED, &more, &seen, &user, &db, &client);
        a->over[PGM_ANALYSIS_CAP_NAMED] = more;
    }
    count_series_keys(a);
    /* code locations, most reported first */
    for (size_t i = 1; i < a->n_locs; i++)
        for (size_t j = i; j > 0 && a->locs[j].count > a->locs[j - 1].count; j--) {
            pgm_code_location t = a->locs[j];
            a->locs[j] = a->locs[j - 1];
            a->locs[j - 1] = t;
        }
    return a->oom ? PGM_FATAL : PGM_OK;
}

const char *pgm_analysis_confirm(const pgm_analysis *a)
{
    return a->confirm;
}

const char (*pgm_analysis_disagreements(const pgm_analysis *a, size_t *n))[512]
{
    *n = a->n_disagree;
    return a->disagree;
}

const pgm_hypothesis *pgm_analysis_hypotheses(const pgm_analysis *a, size_t *n)
{
    *n = PGM_VERDICT_COUNT;
    return a->hyp;
}

/* CONTRACTS.md evidence: [{"path", "line"}], empty when nothing says where. */

const char *pgm_session_end_name(enum pgm_session_end e)
{
    static const char *const names[] = {"open", "disconnected", "fatal", "terminated", "restart", "pid_reused"};
    return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "open";
}

const char *pgm_analysis_pool_mode(const pgm_analysis *a, const pgm_pooler_pool *p)
{
    /* SHOW POOLS says the pool's own; else pgbouncer.ini's (a [databases] entry may differ) */
    return p && p->pool_mode[0] ? p->pool_mode : a->pgb_pool_mode;
}

const pgm_pooler_pool *pgm_analysis_pooler_suspect(const pgm_analysis *a)
{
    if (a->tier_pool)
        return a->tier_pool;
    size_t n;
    const pgm_pooler_pool *v = pgm_pooler_pools(a->pooler, &n);
    /* the busiest pool (most timed out, else most server connections), when it held any */
    return n && (v[0].servers_peak || v[0].clients_peak) ? &v[0] : NULL;
}

bool pgm_analysis_pooler_words(const pgm_analysis *a, char *suspect, char *impact, size_t cap)
{
    suspect[0] = impact[0] = '\0';
    if (!pgm_pooler_seen(a->pooler))
        return false;
    const pgm_pooler_pool *p = pgm_analysis_pooler_suspect(a);
    bool grew = a->n_groups && a->groups[0].growing;
    if (p && a->hyp[0].kind == PGM_VERDICT_LEAK && !grew && a->top_sessions <= 0)
        snprintf(suspect, cap, "Behind PgBouncer, through its pool %s/%s: user %s, database %s, clients from %s "
                 "(%d client connection(s) open at most, %d server connection(s))", p->db, p->user, p->user, p->db,
                 p->client[0] ? p->client : "?", p->clients_peak, p->servers_peak);
    size_t n;
    const pgm_pooler_pool *v = pgm_pooler_pools(a->pooler, &n);
    uint64_t waits = 0;
    for (size_t i = 0; i < n; i++)
        waits += v[i].wait_timeouts;
    const pgm_pooler_refusals *r = pgm_pooler_refused(a->pooler);
    snprintf(impact, cap, "PgBouncer: %llu client(s) gave up waiting for a server connection (query_wait_timeout), "
             "%llu refused by its max_client_conn, %llu of its logins refused by the server",
             (unsigned long long)waits, (unsigned long long)r->clients, (unsigned long long)r->server_logins);
    return true;
}

void pgm_analysis_set_quotes(pgm_analysis *a, const struct pgm_quotes *q) { a->quotes = q; }

void pgm_analysis_set_display_zone(pgm_analysis *a, const pgm_zone *z, const char *name)
{
    a->display = *z;
    snprintf(a->display_name, sizeof a->display_name, "%s", name ? name : "");
}

/* A UTC time shifted into the display zone, as ISO text (its 'Z' not meant). */
static void local_iso(const pgm_analysis *a, int64_t us, char iso[PGM_TS_ISO_LEN])
{
    int64_t off = a->display.set ? (int64_t)pgm_zone_offset_at(&a->display, us) * 1000000 : 0;
    pgm_ts_format_iso(us + off, iso);
}

/* The one day every key moment falls on in the display zone, "" when they span more. */
static void report_day(const pgm_analysis *a, char day[11])
{
    day[0] = '\0';
    char first[PGM_TS_ISO_LEN], iso[PGM_TS_ISO_LEN];
    bool any = false;
    for (size_t i = 0; i < a->n_moments; i++) {
        if (a->moments[i].t == PGM_TS_UNKNOWN)
            continue;
        local_iso(a, a->moments[i].t, iso);
        if (!any) {
            memcpy(first, iso, sizeof first);
            any = true;
        } else if (memcmp(first, iso, 10) != 0) {
            return;
        }
    }
    if (any) {
        memcpy(day, first, 10);
        day[10] = '\0';
    }
}

void pgm_analysis_set_human_times(pgm_analysis *a, bool human)
{
    a->human_times = human;
}

const char *pgm_analysis_time_text(const pgm_analysis *a, int64_t us, char *out, size_t cap)
{
    if (us == PGM_TS_UNKNOWN) {
        snprintf(out, cap, "%s", "unknown");
        return out;
    }
    if (!a->human_times) {
        char iso[PGM_TS_ISO_LEN];
        pgm_ts_format_iso(us, iso);
        snprintf(out, cap, "%s", iso);
        return out;
    }
    char iso[PGM_TS_ISO_LEN], day[11];
    local_iso(a, us, iso);
    report_day(a, day);
    if (day[0] && memcmp(day, iso, 10) == 0)
        snprintf(out, cap, "%.12s", iso + 11); /* HH:MM:SS.mmm */
    else if (a->display.set)
        snprintf(out, cap, "%.10s %.12s", iso, iso + 11);
    else
        snprintf(out, cap, "%s", iso);
    return out;
}

const char *pgm_analysis_time_note(const pgm_analysis *a, char *out, size_t cap)
{
    char day[11], zone[96] = "UTC";
    report_day(a, day);
    if (!a->human_times)
        day[0] = '\0'; /* the times carry their dates */
    if (a->display.set) {
        int64_t at = a->n_moments ? a->moments[0].t : 0;
        int32_t off = pgm_zone_offset_at(&a->display, at == PGM_TS_UNKNOWN ? 0 : at);
        snprintf(zone, sizeof zone, "%s (UTC%c%02d:%02d)", a->display_name, off < 0 ? '-' : '+',
                 (off < 0 ? -off : off) / 3600, (off < 0 ? -off : off) % 3600 / 60);
    }
    if (day[0])
        snprintf(out, cap, "Times in %s, all on %s.", zone, day);
    else
        snprintf(out, cap, "Times in %s.", zone);
    return out;
}

const pgm_curve_point *pgm_analysis_connections(const pgm_analysis *a, size_t *n, bool *exact)
{
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    size_t n_sessions = s ? pgm_sessions_count(s) : 0;
    *exact = n_sessions > 0;
    if (*exact) {
        const pgm_curve *c = pgm_sessions_curve(s);
        *n = c->n;
        return c->p;
    }
    *n = a->n_sampled;
    return a->sampled;
}

size_t pgm_analysis_input_id(const pgm_analysis *a, const char *path)
{
    for (size_t i = 0; path && i < a->n_inputs; i++)
        if (strcmp(a->inputs[i].path, path) == 0)
            return i + 1;
    return 0;
}

bool pgm_analysis_peak_words(const pgm_analysis *a, char *out, size_t cap)
{
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    size_t n = s ? pgm_sessions_count(s) : 0;
    out[0] = '\0';
    if (!n)
        return false;
    const pgm_curve *c = pgm_sessions_curve(s);
    int len = snprintf(out, cap, "Open client sessions peaked at %d", c->peak);
    if (a->max_connections < 0 || len < 0 || (size_t)len >= cap)
        return true;
    long usable = a->max_connections - a->reserved;
    len += snprintf(out + len, cap - (size_t)len, " against %ld usable slots (max_connections %ld minus %ld reserved, "
                    "%s)", usable, a->max_connections, a->reserved, a->max_connections_at);
    if (c->peak <= usable || (size_t)len >= cap)
        return true;
    /* above the usable slots: the reserved ones admit superusers (PostgreSQL's
     * postinit.c); who was open then, by user */
    struct user_count {
        const char *user;
        int n;
    } users[8];
    size_t nu = 0;
    int others = 0;
    for (size_t i = 0; i < n; i++) {
        const pgm_session xv = pgm_sessions_get(s, i), *x = &xv;
        if (x->start == PGM_TS_UNKNOWN || x->start > c->peak_at ||
            (x->how_end != PGM_END_OPEN && x->end != PGM_TS_UNKNOWN && x->end <= c->peak_at))
            continue;
        size_t k = 0;
        const char *user = pgm_sessions_who(s, x)->user;
        while (k < nu && users[k].user != user)
            k++;
        if (k == nu && nu == sizeof users / sizeof users[0]) {
            others++;
            continue;
        }
        if (k == nu)
            users[nu++] = (struct user_count){user, 0};
        users[k].n++;
    }
    len += snprintf(out + len, cap - (size_t)len, "; the %d above them held slots reserved for superusers (only they "
                    "may take the last %ld); open then, by user:", c->peak - (int)usable, a->reserved);
    for (size_t k = 0; k < nu && (size_t)len < cap; k++)
        len += snprintf(out + len, cap - (size_t)len, "%s %s %d", k ? "," : "", users[k].user[0] ? users[k].user : "?",
                        users[k].n);
    if (others && (size_t)len < cap)
        snprintf(out + len, cap - (size_t)len, ", other users %d", others);
    return true;
}

bool pgm_analysis_leak_words(const pgm_analysis *a, char *out, size_t cap)
{
    const pgm_growth *g = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
    out[0] = '\0';
    if (a->hyp[0].kind != PGM_VERDICT_LEAK || !g)
        return false;
    char onset[PGM_TS_ISO_LEN], ref[PGM_TS_ISO_LEN];
    pgm_analysis_time_text(a, g->onset, onset, sizeof onset);
    pgm_analysis_time_text(a, g->ref, ref, sizeof ref);
    char when[64];
    if (g->ref == a->exhaustion)
        snprintf(when, sizeof when, "%s", "when the server ran out");
    else
        snprintf(when, sizeof when, "at %s", ref);
    /* leaked: every session of the group open then, the ones from before the rise too */
    snprintf(out, cap, "The sessions of %s@%s from %s: %d open and not given back %s, %d of them from before "
             "the rise that began at %s and %d opened since, %.1f a minute", g->user, g->db,
             g->client[0] ? g->client : "?", g->held, when, g->baseline, onset, g->held - g->baseline,
             g->rate_per_min);
    return true;
}

bool pgm_analysis_culprit_words(const pgm_analysis *a, char *out, size_t cap)
{
    out[0] = '\0';
    if (a->hyp[0].kind != PGM_VERDICT_LEAK || !a->n_locs || !a->locs[0].count)
        return false;
    const pgm_code_location *l = &a->locs[0];
    char t[PGM_TS_ISO_LEN];
    pgm_analysis_time_text(a, l->first, t, sizeof t);
    snprintf(out, cap, "The code that borrowed them: %s (%s), in %u HikariCP leak report(s) from %s on (%s:%llu)%s",
             l->frame, l->at, l->count, t, l->first_path, (unsigned long long)l->first_line,
             a->n_locs > 1 ? "; more locations in the diagnosis" : "");
    return true;
}

bool pgm_analysis_holder_words(const pgm_analysis *a, char *suspect, char *impact, size_t cap)
{
    suspect[0] = impact[0] = '\0';
    if (a->hyp[0].kind != PGM_VERDICT_IDLE_IN_TRANSACTION)
        return false;
    size_t n;
    const pgm_holder *f = pgm_analysis_first_holder(a, &n);
    char t[PGM_TS_ISO_LEN];
    if (f) {
        pgm_analysis_time_text(a, f->xact_start != PGM_TS_UNKNOWN ? f->xact_start : f->first_seen, t, sizeof t);
        snprintf(suspect, cap, "Suspect: %s (%s@%s from %s) left %zu transaction(s) open and idle, the first "
                 "begun at %s by pid %ld (%s:%llu)", f->app[0] ? f->app : "an unnamed application", f->user, f->db,
                 f->client[0] ? f->client : "?", n, t, f->pid, f->path, (unsigned long long)f->line);
    }
    const pgm_victims *v = &a->victims;
    if (!v->waits && !v->lock_timeouts && !v->statement_timeouts) {
        snprintf(impact, cap, "%s", "No statement is logged waiting on their locks or cancelled (log_lock_waits "
                                    "shows the waits)");
        return true;
    }
    char apps[256] = "", held[256] = "";
    for (size_t i = 0; i < v->n_apps; i++) {
        size_t len = strlen(apps);
        snprintf(apps + len, sizeof apps - len, "%s%s", i ? ", " : "", v->apps[i][0] ? v->apps[i] : "(unnamed)");
    }
    size_t by_holders = 0;
    for (size_t i = 0; i < v->n_blockers; i++) {
        bool holder = false;
        for (size_t k = 0; k < a->holders.n && !holder; k++)
            holder = a->holders.v[k].pid == v->blockers[i];
        by_holders += holder;
        size_t len = strlen(held);
        snprintf(held + len, sizeof held - len, "%s%ld", i ? ", " : "", v->blockers[i]);
    }
    if (v->apps_over) {
        size_t len = strlen(apps);
        snprintf(apps + len, sizeof apps - len, " and %llu more application(s)", (unsigned long long)v->apps_over);
    }
    if (v->blockers_over) {
        size_t len = strlen(held);
        snprintf(held + len, sizeof held - len, " and %llu more", (unsigned long long)v->blockers_over);
    }
    const pgm_victim_first *c = v->first_cancel.t != PGM_TS_UNKNOWN ? &v->first_cancel : &v->first_wait;
    pgm_analysis_time_text(a, c->t, t, sizeof t);
    snprintf(impact, cap, "%s waited on locks %llu time(s)%s%s%s; lock_timeout cancelled %llu statement(s) (55P03), "
             "statement_timeout %llu (57014); the first %s at %s (%s:%llu)", apps, (unsigned long long)v->waits,
             held[0] ? " (held by pid " : "", held,
             !held[0]                       ? ""
             : by_holders == v->n_blockers ? ": transactions left idle)"
                                            : ": not all of them transactions left idle)",
             (unsigned long long)v->lock_timeouts, (unsigned long long)v->statement_timeouts,
             c == &v->first_cancel ? "cancelled" : "wait", t, c->path, (unsigned long long)c->line);
    return true;
}

bool pgm_analysis_where(const pgm_analysis *a, char *out, size_t cap)
{
    char t[PGM_TS_ISO_LEN];
    const pgm_pooler_refusals *r = pgm_pooler_refused(a->pooler);
    switch (a->tier) {
    case PGM_TIER_SERVER:
        pgm_analysis_time_text(a, a->exhaustion != PGM_TS_UNKNOWN ? a->exhaustion : r->first_server_login, t, sizeof t);
        if (pgm_pooler_seen(a->pooler) && r->server_logins)
            snprintf(out, cap, "the server ran out of connection slots from %s: it refused %llu connection(s), "
                     "PgBouncer's own logins %llu time(s)%s%s", t, (unsigned long long)a->refusals,
                     (unsigned long long)r->server_logins, r->server_error[0] ? " (" : "",
                     r->server_error[0] ? r->server_error : "");
        else
            snprintf(out, cap, "the server ran out of connection slots from %s: it refused %llu connection(s)", t,
                     (unsigned long long)a->refusals);
        size_t said = strlen(out);
        if (r->server_error[0] && r->server_logins && said + 2 < cap)
            snprintf(out + said, cap - said, ")");
        const char *held = pgm_analysis_pool_mode(a, pgm_analysis_pooler_suspect(a));
        size_t used = strlen(out);
        if (pgm_pooler_seen(a->pooler) && strcmp(held, "session") == 0 && used < cap)
            snprintf(out + used, cap - used, "; behind PgBouncer in session mode each client holds a server "
                     "connection, so the clients' pools reach the server whole");
        else if (pgm_pooler_seen(a->pooler) && strcmp(held, "transaction") == 0 && used < cap)
            snprintf(out + used, cap - used, "; behind PgBouncer in transaction mode only open transactions hold "
                     "server connections: its pools were larger than the server's slots");
        return true;
    case PGM_TIER_PGBOUNCER_CLIENTS:
        pgm_analysis_time_text(a, r->first_client, t, sizeof t);
        snprintf(out, cap, "PgBouncer's client limit (max_client_conn): it refused %llu client(s) from %s; "
                 "the server refused no one", (unsigned long long)r->clients, t);
        return true;
    case PGM_TIER_PGBOUNCER_POOL: {
        const pgm_pooler_pool *p = a->tier_pool;
        pgm_analysis_time_text(a, p->first_wait_timeout, t, sizeof t);
        char waited[64] = "";
        if (a->pgb_query_wait_timeout_ms > 0)
            snprintf(waited, sizeof waited, " after %ld s", a->pgb_query_wait_timeout_ms / 1000);
        const char *mode = pgm_analysis_pool_mode(a, p);
        /* transaction mode gives a server connection back at each transaction's
         * end: a pool runs dry only while its clients hold transactions open */
        const char *why = strcmp(mode, "transaction") == 0
                              ? " (transaction mode: its clients held transactions open, each keeping a server "
                                "connection)"
                          : strcmp(mode, "session") == 0 ? " (session mode: each client holds a server connection)"
                                                          : "";
        snprintf(out, cap, "PgBouncer's pool %s/%s: it had no server connection to give%s, its clients waited and "
                 "%llu gave up%s (query_wait_timeout), the first at %s; it held %d server connection(s) at most; "
                 "the server refused no one", p->db, p->user, why, (unsigned long long)p->wait_timeouts, waited, t,
                 p->servers_peak);
        return true;
    }
    case PGM_TIER_APPLICATION_POOL:
        snprintf(out, cap, "the applications' own pools: %llu pool timeout(s); the server refused no one",
                 (unsigned long long)a->app_timeouts);
        return true;
    case PGM_TIER_NONE:
        break;
    }
    return false;
}
