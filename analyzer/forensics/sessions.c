#define _GNU_SOURCE /* qsort_r */
#include "forensics/sessions.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "forensics/session_store.h"
#include "text/timestamp.h"
#include "util/grow.h"
#include "util/idxset.h"
#include "util/intern.h"
#include "util/label.h"
#include "util/packed_u32.h"
#include "util/timesort.h"
#include "util/u64map.h"
#include "util/rc.h"

/* ---- interned strings: users, databases, clients, paths repeat ---- */

/* The stored copy of s ("" for none); "" and oom set when memory ran out. */
static const char *intern(pgm_interner *in, const char *s, bool *oom)
{
    const char *t = pgm_intern(in, s ? s : "");
    if (!t) {
        *oom = true;
        return "";
    }
    return t;
}

/* ---- interned texts by a small number: the paths sessions cite, the
 * clients of connections received and not yet authorized ---- */

typedef struct text_ids {
    const char **v;      /* interned */
    size_t n, alloc;
    pgm_u64map ids;      /* the text's address -> its number */
} text_ids;

/* The number of an interned text; 0 ("") when memory ran out. */
static uint32_t text_id(text_ids *t, const char *text, bool *oom)
{
    uint32_t id;
    if (pgm_u64map_get(&t->ids, (uint64_t)(uintptr_t)text, &id))
        return id;
    const char **v = pgm_grow(t->v, &t->alloc, t->n, sizeof *v, 16);
    if (!v || t->n >= UINT32_MAX || pgm_u64map_put(&t->ids, (uint64_t)(uintptr_t)text, (uint32_t)t->n) != 0) {
        if (v)
            t->v = v;
        *oom = true;
        return 0;
    }
    t->v = v;
    t->v[t->n] = text;
    return (uint32_t)t->n++;
}

static void text_ids_free(text_ids *t)
{
    free(t->v);
    pgm_u64map_free(&t->ids);
}

/* ---- the tracker ---- */

static uint32_t who_of(pgm_sessions *s, const char *user, const char *db, const char *client);

/* A change of the open count: a session's start or end, 4 bytes (a log of
 * two million sessions keeps four million): its index and which of the two;
 * the time and the application are the session's. */
typedef uint32_t delta;
_Static_assert(PGM_SESSIONS_MAX <= (UINT32_MAX >> 1), "a change keeps its session's index in 31 bits");

static inline delta delta_of(size_t session, int d) { return (delta)(session << 1 | (d < 0)); }
static inline size_t delta_session(delta d) { return d >> 1; }
static inline int delta_d(delta d) { return d & 1 ? -1 : +1; }

struct pgm_sessions {
    pgm_session_store v; /* the sessions by number, packed once ended (forensics/session_store.h) */
    size_t dropped;
    pgm_idxset open;     /* the open sessions, found by their pid: 4 bytes each */
    size_t open_at_end;  /* open.n when the log ended (the set is freed then) */
    pgm_u64map ended;    /* pids whose session ended by a FATAL, or was dropped: its disconnection line may follow */
    pgm_u64map received; /* pid -> its client (clients) from `connection received` */
    pgm_interner strings;
    pgm_who *whos;       /* the distinct users, databases and clients of the sessions */
    size_t n_whos, alloc_whos;
    pgm_idxset who_set;
    text_ids paths;      /* the files sessions cite; 0 is "" */
    text_ids clients;    /* the clients of connections received; 0 is "" */
    text_ids quoted;     /* the users', databases' and clients' names shown quoted (util/label.h) */
    pgm_u64map quoted_of; /* a name's address -> its quoted form's number */
    const char *apps[PGM_SESSIONS_MAX_APPS];
    size_t n_apps;
    pgm_packed_u32 deltas; /* the changes, in the log's order */
    int32_t initially_open;              /* sessions that began before the log */
    pgm_curve all;
    pgm_curve *per_app;
    uint64_t refusals;
    int64_t first_refusal, first_t, last_t;
    const char *first_refusal_path;
    uint64_t first_refusal_line;
    unsigned first_refusal_kind;         /* its event kind: which limit refused it */
    int64_t first_slot_refusal;          /* the first for lack of the server's own slots */
    const char *first_slot_refusal_path;
    uint64_t first_slot_refusal_line;
    unsigned restarts;
    uint64_t apps_over, starts_over;    /* sessions put under "(other)", starts not kept */
    int64_t starts[PGM_SESSIONS_MAX_STARTS];
    uint64_t start_lines[PGM_SESSIONS_MAX_STARTS];
    const char *start_paths[PGM_SESSIONS_MAX_STARTS]; /* interned */
    size_t n_starts;
    bool oom, finished;
};

int pgm_sessions_open(pgm_sessions **out)
{
    pgm_sessions *s = calloc(1, sizeof *s);
    if (!s)
        return PGM_FATAL;
    s->first_refusal = s->first_slot_refusal = s->first_t = s->last_t = PGM_TS_UNKNOWN;
    s->all.peak_at = PGM_TS_UNKNOWN;
    /* number 0 of each table is nothing known: what a table out of memory gives */
    const char *none = pgm_intern(&s->strings, "");
    if (!none || text_id(&s->paths, none, &s->oom) != 0 || text_id(&s->clients, none, &s->oom) != 0 ||
        who_of(s, none, none, none) != 0 || s->oom) {
        pgm_sessions_close(s);
        return PGM_FATAL;
    }
    *out = s;
    return PGM_OK;
}

void pgm_sessions_close(pgm_sessions *s)
{
    if (!s)
        return;
    pgm_session_store_free(&s->v);
    pgm_idxset_free(&s->open);
    pgm_u64map_free(&s->ended);
    pgm_u64map_free(&s->received);
    free(s->whos);
    pgm_idxset_free(&s->who_set);
    text_ids_free(&s->paths);
    text_ids_free(&s->clients);
    text_ids_free(&s->quoted);
    pgm_u64map_free(&s->quoted_of);
    pgm_interner_free(&s->strings);
    pgm_packed_u32_free(&s->deltas);
    free(s->all.p);
    for (size_t a = 0; s->per_app && a < s->n_apps; a++)
        free(s->per_app[a].p);
    free(s->per_app);
    free(s);
}

/* The interned text a name from the evidence is shown as (util/label.h). */
static const char *labelled(pgm_sessions *s, const char *name)
{
    if (!pgm_label_needs_quotes(name))
        return intern(&s->strings, name, &s->oom);
    char *q = malloc(pgm_label_quoted_size(name));
    if (!q) {
        s->oom = true;
        return "";
    }
    pgm_label_quote(name, q);
    const char *in = intern(&s->strings, q, &s->oom);
    free(q);
    return in;
}

static unsigned app_index(pgm_sessions *s, const char *name)
{
    const char *in = name && *name ? labelled(s, name) : intern(&s->strings, PGM_LABEL_UNKNOWN, &s->oom);
    for (size_t i = 0; i < s->n_apps; i++)
        if (s->apps[i] == in)
            return (unsigned)i;
    if (s->n_apps < PGM_SESSIONS_MAX_APPS - 1) {
        s->apps[s->n_apps] = in;
        return (unsigned)s->n_apps++;
    }
    /* the last slot gathers every application beyond the limit */
    if (s->n_apps == PGM_SESSIONS_MAX_APPS - 1)
        s->apps[s->n_apps++] = intern(&s->strings, PGM_LABEL_OTHER, &s->oom);
    s->apps_over++;
    return PGM_SESSIONS_MAX_APPS - 1;
}

_Static_assert(PGM_SESSIONS_MAX_APPS <= UINT16_MAX, "a session keeps its application's index in 16 bits");

/* ---- who: the distinct users, databases and clients, by number ---- */

static uint64_t who_hash(const pgm_who *w)
{
    uint64_t h = (uint64_t)(uintptr_t)w->user;
    h = h * UINT64_C(0x100000001B3) ^ (uint64_t)(uintptr_t)w->db;
    return h * UINT64_C(0x100000001B3) ^ (uint64_t)(uintptr_t)w->client;
}

static uint64_t who_hash_of(const void *ctx, uint32_t i) { return who_hash(&((const pgm_who *)ctx)[i]); }

static bool who_is(const void *ctx, uint32_t i, const void *key)
{
    const pgm_who *a = &((const pgm_who *)ctx)[i], *b = key;
    return a->user == b->user && a->db == b->db && a->client == b->client; /* interned: one text, one address */
}

/* A name that is shown quoted (util/label.h): its quoted form kept, for
 * pgm_sessions_label. */
static void note_quoted(pgm_sessions *s, const char *name)
{
    uint32_t id;
    if (!pgm_label_needs_quotes(name) || pgm_u64map_get(&s->quoted_of, (uint64_t)(uintptr_t)name, &id))
        return;
    id = text_id(&s->quoted, labelled(s, name), &s->oom);
    if (pgm_u64map_put(&s->quoted_of, (uint64_t)(uintptr_t)name, id) != 0)
        s->oom = true;
}

/* A who for each session at most, beside who 0: its number fits the session's bits. */
_Static_assert((uint64_t)PGM_SESSIONS_MAX + 1 <= (UINT64_C(1) << PGM_SESSION_WHO_BITS), "a session's who fits its bits");

/* The number of this user, database and client (interned); 0 (nothing
 * known) when memory ran out. */
static uint32_t who_of(pgm_sessions *s, const char *user, const char *db, const char *client)
{
    pgm_who w = {user, db, client};
    uint64_t h = who_hash(&w);
    pgm_idxset_keys k = {who_hash_of, who_is, s->whos};
    uint32_t i = pgm_idxset_find(&s->who_set, &k, h, &w);
    if (i != PGM_IDXSET_NONE)
        return i;
    pgm_who *v = s->n_whos < (1u << PGM_SESSION_WHO_BITS) ? pgm_grow(s->whos, &s->alloc_whos, s->n_whos, sizeof *v, 64)
                                                            : NULL;
    if (!v) {
        s->oom = true;
        return 0;
    }
    s->whos = v;
    s->whos[s->n_whos] = w;
    const char *parts[] = {user, db, client};
    for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++)
        note_quoted(s, parts[p]);
    k.ctx = s->whos;
    if (pgm_idxset_add(&s->who_set, &k, (uint32_t)s->n_whos) != 0) {
        s->oom = true;
        return 0;
    }
    return (uint32_t)s->n_whos++;
}

/* ---- cites: a line's file by number and its number, in a word ---- */

/* Sessions cite at most two files each: the numbers fit beside the line's. */
_Static_assert(2 * (uint64_t)PGM_SESSIONS_MAX + 1 < (UINT64_C(1) << (64 - PGM_CITE_LINE_BITS)),
               "a cited file's number fits beside its line's");

static pgm_cite cite_of(pgm_sessions *s, const pgm_event *e)
{
    uint64_t file = text_id(&s->paths, intern(&s->strings, e->path, &s->oom), &s->oom);
    uint64_t line = e->line <= PGM_SESSIONS_MAX_CITED_LINE ? e->line : 0;
    return file << PGM_CITE_LINE_BITS | line;
}

/* ---- the open sessions by pid ---- */

/* An open session is where it can change (its block as it is, or set aside
 * from its packed block): its pid is read there. */
static int open_pid(const void *ctx, uint32_t i)
{
    const pgm_session *v = pgm_session_store_open((pgm_session_store *)ctx, i);
    return v ? v->pid : 0;
}

static uint64_t open_hash_of(const void *ctx, uint32_t i) { return (uint32_t)open_pid(ctx, i); }

static bool open_is(const void *ctx, uint32_t i, const void *key) { return open_pid(ctx, i) == *(const int *)key; }

static pgm_idxset_keys open_keys(pgm_sessions *s) { return (pgm_idxset_keys){open_hash_of, open_is, &s->v}; }

static uint32_t open_session_of(pgm_sessions *s, int pid)
{
    pgm_idxset_keys k = open_keys(s);
    return pgm_idxset_find(&s->open, &k, (uint32_t)pid, &pid);
}

/* The time of a change: its session's start or end. */
static inline int64_t delta_t(const pgm_sessions *s, delta d)
{
    int64_t start, end;
    pgm_session_store_times(&s->v, delta_session(d), &start, &end);
    return d & 1 ? end : start;
}

static void push_delta(pgm_sessions *s, int d, size_t session)
{
    if (!pgm_packed_u32_push(&s->deltas, delta_of(session, d)))
        s->oom = true;
}

static pgm_session *new_session(pgm_sessions *s)
{
    if (s->v.n >= PGM_SESSIONS_MAX) {
        s->dropped++;
        return NULL;
    }
    pgm_session *x = pgm_session_store_add(&s->v);
    if (!x)
        s->oom = true;
    return x;
}

/* "6b08e95c.7ee4": the session's start in seconds (hex), -1 when the line has none. */
static int64_t session_id_start(const pgm_event *e)
{
    const char *id = pgm_event_field(e, "session_id");
    if (!id || !*id)
        return -1;
    int64_t v = 0;
    int digits = 0;
    for (; *id && *id != '.'; id++, digits++) {
        int d = *id >= '0' && *id <= '9' ? *id - '0' : *id >= 'a' && *id <= 'f' ? *id - 'a' + 10 : -1;
        if (d < 0 || digits >= 15)
            return -1;
        v = v * 16 + d;
    }
    return *id == '.' && digits ? v : -1;
}

/* While a session is open, its end_at holds its %c (session_id) start in
 * seconds, 0 when its lines have none: what tells its pid's next session
 * from it, of no use once it ended (pgm_sessions_finish clears it). */
static inline int64_t open_sid(const pgm_session *x) { return (int64_t)x->end_at; }

static void end_session(pgm_sessions *s, size_t idx, const pgm_event *e, enum pgm_session_end how)
{
    pgm_session *x = pgm_session_store_open(&s->v, idx);
    if (!x)
        return;
    x->end = e->t;
    x->how_end = how;
    x->end_at = cite_of(s, e);
    push_delta(s, -1, idx);
    pgm_idxset_keys k = open_keys(s);
    int pid = x->pid;
    pgm_idxset_remove(&s->open, &k, (uint32_t)pid, &pid);
    pgm_session_store_ended(&s->v, idx); /* last: it may pack x's block */
}

typedef struct index_list {
    uint32_t *v;
    size_t n;
} index_list;

static void collect_index(void *ctx, uint32_t index)
{
    index_list *l = ctx;
    l->v[l->n++] = index;
}

static int cmp_index(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* A restart or crash ends every open session: collected first (ending one
 * reshapes the set), ended in the order they began. */
static void end_all(pgm_sessions *s, const pgm_event *e)
{
    index_list l = {malloc((s->open.n + 1) * sizeof *l.v), 0};
    if (!l.v) {
        s->oom = true;
        return;
    }
    pgm_idxset_each(&s->open, collect_index, &l);
    qsort(l.v, l.n, sizeof *l.v, cmp_index);
    for (size_t i = 0; i < l.n; i++)
        end_session(s, l.v[i], e, PGM_END_RESTART);
    free(l.v);
}

/* "0:01:02.345" (h:mm:ss.fff) in microseconds, or -1. */
static int64_t session_time_us(const char *v)
{
    if (!v)
        return -1;
    long h = 0, m = 0, sec = 0, ms = 0;
    char *end;
    h = strtol(v, &end, 10);
    if (*end != ':')
        return -1;
    m = strtol(end + 1, &end, 10);
    if (*end != ':')
        return -1;
    sec = strtol(end + 1, &end, 10);
    if (*end == '.')
        ms = strtol(end + 1, &end, 10);
    return (((int64_t)h * 60 + m) * 60 + sec) * 1000000 + (int64_t)ms * 1000;
}

static bool is(const char *a, const char *b) { return a && strcmp(a, b) == 0; }

/* The kinds the pairing acts on. */
enum session_kind {
    SK_OTHER, SK_RECEIVED, SK_AUTHORIZED, SK_DISCONNECTED, SK_STARTING, SK_CRASH, SK_SHUTDOWN,
    SK_REFUSED_NO_SLOT, /* refused for lack of slots (SQLSTATE 53300) */
    SK_REFUSED_OTHER, SK_TERMINATED
};

static enum session_kind kind_of(unsigned kind)
{
    switch (kind) {
    case PGM_EV_CONN_RECEIVED: return SK_RECEIVED;
    case PGM_EV_CONN_AUTHORIZED: return SK_AUTHORIZED;
    case PGM_EV_CONN_DISCONNECTED: return SK_DISCONNECTED;
    case PGM_EV_SERVER_STARTING: return SK_STARTING;
    case PGM_EV_SERVER_CRASH: return SK_CRASH;
    case PGM_EV_SERVER_SHUTDOWN: return SK_SHUTDOWN;
    case PGM_EV_CONN_REFUSED_TOO_MANY_CLIENTS:
    case PGM_EV_CONN_REFUSED_RESERVED_SLOTS:
    case PGM_EV_CONN_REFUSED_ROLE_LIMIT:
    case PGM_EV_CONN_REFUSED_DATABASE_LIMIT: return SK_REFUSED_NO_SLOT;
    case PGM_EV_CONN_REFUSED_AUTH:
    case PGM_EV_CONN_REFUSED_NO_DATABASE:
    case PGM_EV_CONN_REFUSED_NOT_ACCEPTING:
    case PGM_EV_CONN_REFUSED_AUTH_TIMEOUT:
    case PGM_EV_CONN_REFUSED_PROTOCOL:
    case PGM_EV_CONN_REFUSED_WAL_SENDERS:
    case PGM_EV_CONN_REFUSED_LIMIT: return SK_REFUSED_OTHER;
    case PGM_EV_CONN_TERMINATED_IDLE_IN_TRANSACTION_TIMEOUT:
    case PGM_EV_CONN_TERMINATED_IDLE_SESSION_TIMEOUT:
    case PGM_EV_CONN_TERMINATED_ADMIN:
    case PGM_EV_CONN_TERMINATED_TRANSACTION_TIMEOUT:
    case PGM_EV_CONN_TERMINATED_RECOVERY_CONFLICT:
    case PGM_EV_CONN_TERMINATED_CRASH: return SK_TERMINATED;
    default: return SK_OTHER;
    }
}

void pgm_sessions_event(pgm_sessions *s, const pgm_event *e)
{
    if (s->finished)
        return;
    if (s->first_t == PGM_TS_UNKNOWN && e->t != PGM_TS_UNKNOWN)
        s->first_t = e->t;
    if (e->t != PGM_TS_UNKNOWN && (s->last_t == PGM_TS_UNKNOWN || e->t > s->last_t))
        s->last_t = e->t;
    enum session_kind kind = kind_of(e->kind_id);
    const char *level = pgm_event_field(e, "level");
    const char *pid_s = pgm_event_field(e, "pid");
    long pid_l = pid_s ? strtol(pid_s, NULL, 10) : 0;
    int pid = pid_l > 0 && pid_l <= INT32_MAX ? (int)pid_l : 0;
    /* refusals for lack of slots (SQLSTATE 53300) */
    const char *state = pgm_event_field(e, "sqlstate");
    if (kind == SK_REFUSED_NO_SLOT || (kind == SK_REFUSED_OTHER && is(state, "53300"))) {
        s->refusals++;
        if (s->first_refusal == PGM_TS_UNKNOWN) {
            s->first_refusal = e->t;
            s->first_refusal_path = intern(&s->strings, e->path, &s->oom);
            s->first_refusal_line = e->line;
            s->first_refusal_kind = e->kind_id;
        }
        /* a role's or a database's connection limit is not the server's slots running out */
        bool slots = e->kind_id == PGM_EV_CONN_REFUSED_TOO_MANY_CLIENTS ||
                     e->kind_id == PGM_EV_CONN_REFUSED_RESERVED_SLOTS;
        if (slots && s->first_slot_refusal == PGM_TS_UNKNOWN) {
            s->first_slot_refusal = e->t;
            s->first_slot_refusal_path = intern(&s->strings, e->path, &s->oom);
            s->first_slot_refusal_line = e->line;
        }
    }
    if (kind == SK_STARTING || kind == SK_CRASH || kind == SK_SHUTDOWN) {
        if (s->open.n)
            end_all(s, e);
        s->restarts += kind == SK_STARTING;
        s->starts_over += kind == SK_STARTING && e->t != PGM_TS_UNKNOWN && s->n_starts == PGM_SESSIONS_MAX_STARTS;
        if (kind == SK_STARTING && e->t != PGM_TS_UNKNOWN && s->n_starts < PGM_SESSIONS_MAX_STARTS) {
            s->start_lines[s->n_starts] = e->line;
            s->start_paths[s->n_starts] = intern(&s->strings, e->path, &s->oom);
            s->starts[s->n_starts++] = e->t;
        }
        return;
    }
    if (pid <= 0)
        return;
    uint32_t open = open_session_of(s, pid);
    int64_t sid = session_id_start(e);
    const pgm_session *open_one = open != PGM_IDXSET_NONE ? pgm_session_store_open(&s->v, open) : NULL;
    if (open_one && sid > 0 && open_sid(open_one) && open_sid(open_one) != sid &&
        kind != SK_RECEIVED && kind != SK_AUTHORIZED) {
        /* another session of the same pid: the open one ended without a line */
        end_session(s, open, e, PGM_END_PID_REUSED);
        open = PGM_IDXSET_NONE;
    }
    if (kind == SK_RECEIVED) {
        /* the client, which the authorized line lacks without %h in the prefix */
        const char *c = intern(&s->strings, pgm_event_field(e, "client"), &s->oom);
        if (pgm_u64map_put(&s->received, (uint64_t)pid, text_id(&s->clients, c, &s->oom)) != 0)
            s->oom = true;
        return;
    }
    if (kind == SK_AUTHORIZED) {
        if (pgm_event_field(e, "replication"))
            return; /* a walsender: not a client slot */
        if (open != PGM_IDXSET_NONE)
            end_session(s, open, e, PGM_END_PID_REUSED);
        pgm_u64map_remove(&s->ended, (uint64_t)pid, NULL);
        pgm_session *x = new_session(s);
        if (!x) {
            /* not tracked: its end is not one of a session from before the log */
            if (!s->oom && pgm_u64map_put(&s->ended, (uint64_t)pid, UINT32_MAX) != 0)
                s->oom = true;
            return;
        }
        x->pid = pid;
        x->start = e->t;
        x->end_at = sid > 0 && sid < UINT32_MAX ? (uint64_t)sid : 0; /* open_sid; a start past 2106 is no start */
        x->how_start = PGM_START_AUTHORIZED;
        x->how_end = PGM_END_OPEN;
        const char *client = intern(&s->strings, pgm_event_field(e, "client"), &s->oom);
        uint32_t rc;
        if (pgm_u64map_remove(&s->received, (uint64_t)pid, &rc) && !*client)
            client = s->clients.v[rc];
        x->who = who_of(s, intern(&s->strings, pgm_event_field(e, "user"), &s->oom),
                        intern(&s->strings, pgm_event_field(e, "db"), &s->oom), client);
        x->app = app_index(s, pgm_event_field(e, "app"));
        x->start_at = cite_of(s, e);
        push_delta(s, +1, s->v.n - 1);
        pgm_idxset_keys k = open_keys(s);
        if (pgm_idxset_add(&s->open, &k, (uint32_t)(s->v.n - 1)) != 0)
            s->oom = true;
        return;
    }
    if (kind == SK_DISCONNECTED) {
        if (open != PGM_IDXSET_NONE) {
            end_session(s, open, e, PGM_END_DISCONNECTED);
            return;
        }
        if (pgm_u64map_remove(&s->ended, (uint64_t)pid, NULL)) /* the line after its FATAL (or of one dropped): the same session */
            return;
        /* began before the log: its start from the session time */
        int64_t dur = session_time_us(pgm_event_field(e, "session_time"));
        pgm_session *x = new_session(s);
        if (!x)
            return;
        x->pid = pid;
        /* its start from the session time, else from the session id (to the second) */
        x->start = dur >= 0 && e->t != PGM_TS_UNKNOWN ? e->t - dur : sid >= 0 ? sid * 1000000 : PGM_TS_UNKNOWN;
        x->how_start = PGM_START_BEFORE_LOG;
        x->who = who_of(s, intern(&s->strings, pgm_event_field(e, "user"), &s->oom),
                        intern(&s->strings, pgm_event_field(e, "db"), &s->oom),
                        intern(&s->strings, pgm_event_field(e, "client"), &s->oom));
        x->app = app_index(s, NULL);
        x->start_at = x->end_at = cite_of(s, e);
        x->end = e->t;
        x->how_end = PGM_END_DISCONNECTED;
        s->initially_open++;
        push_delta(s, -1, s->v.n - 1);
        pgm_session_store_ended(&s->v, s->v.n - 1);
        return;
    }
    if (open == PGM_IDXSET_NONE && (is(level, "FATAL") || is(level, "PANIC")))
        pgm_u64map_remove(&s->received, (uint64_t)pid, NULL); /* refused before authorization: forget its client */
    if (open != PGM_IDXSET_NONE && (is(level, "FATAL") || is(level, "PANIC"))) {
        end_session(s, open, e, kind == SK_TERMINATED ? PGM_END_TERMINATED : PGM_END_FATAL);
        if (pgm_u64map_put(&s->ended, (uint64_t)pid, open) != 0)
            s->oom = true;
    }
}

static void curve_add(const pgm_sessions *s, pgm_curve *c, int64_t t, int32_t open, const pgm_session *why, bool *oom)
{
    if (open > c->peak) {
        c->peak = open;
        c->peak_at = t;
        if (why) {
            c->peak_path = pgm_sessions_cited_path(s, why->start_at);
            c->peak_line = pgm_cite_line(why->start_at);
        }
    }
    if (t == PGM_TS_UNKNOWN)
        return;
    /* one point per instant, its last value; an instant that went higher
     * first keeps that too, as a point of its own before the last (a session
     * authorized in the same millisecond as another one's disconnection: the
     * peak is the curve's too) */
    if (c->n && c->p[c->n - 1].t == t) {
        pgm_curve_point *last = &c->p[c->n - 1];
        bool peak_kept = c->n >= 2 && c->p[c->n - 2].t == t;
        int32_t before = c->n >= 2 && !peak_kept ? c->p[c->n - 2].open : c->n >= 3 ? c->p[c->n - 3].open : 0;
        if (peak_kept) {
            if (open > c->p[c->n - 2].open)
                c->p[c->n - 2].open = open;
            last->open = open;
            return;
        }
        /* falling from a value the instant rose to: that value stays a point */
        if (open >= last->open || last->open <= before) {
            last->open = open;
            return;
        }
    }
    pgm_curve_point *p = pgm_grow(c->p, &c->alloc, c->n, sizeof *p, 256);
    if (!p) {
        *oom = true;
        return;
    }
    c->p = p;
    c->p[c->n++] = (pgm_curve_point){t, open};
}

int pgm_sessions_finish(pgm_sessions *s)
{
    if (s->finished)
        return s->oom ? PGM_FATAL : PGM_OK;
    s->finished = true;
    /* what pairs lines with sessions is done with: its room goes to the curves */
    for (size_t i = 0; i < s->v.n; i++) { /* every open one, in the set or not (a set out of memory) */
        pgm_session *v = pgm_session_store_open(&s->v, i);
        if (v && v->how_end == PGM_END_OPEN)
            v->end_at = 0;
    }
    s->open_at_end = s->open.n;
    pgm_idxset_free(&s->open);
    pgm_u64map_free(&s->ended);
    pgm_u64map_free(&s->received);
    s->per_app = calloc(s->n_apps + 1, sizeof *s->per_app);
    int32_t *app_open = calloc(s->n_apps + 1, sizeof *app_open);
    if (!s->per_app || !app_open) {
        free(app_open);
        s->oom = true;
        return PGM_FATAL;
    }
    for (size_t a = 0; a < s->n_apps; a++)
        s->per_app[a].peak_at = PGM_TS_UNKNOWN;
    /* sessions from before the log are open from its first line */
    int32_t open = s->initially_open;
    unsigned unknown_app = s->initially_open ? app_index(s, NULL) : 0;
    if (s->initially_open && unknown_app < s->n_apps)
        app_open[unknown_app] = s->initially_open;
    s->all.peak_at = PGM_TS_UNKNOWN;
    if (open) {
        curve_add(s, &s->all, s->first_t, open, NULL, &s->oom);
        curve_add(s, &s->per_app[unknown_app], s->first_t, app_open[unknown_app], NULL, &s->oom);
    }
    for (size_t i = 0; i < s->deltas.n; i++) {
        const delta d = pgm_packed_u32_get(&s->deltas, i);
        const pgm_session sv = pgm_session_store_get(&s->v, delta_session(d)), *v = &sv;
        int64_t t = d & 1 ? v->end : v->start;
        open += delta_d(d);
        const pgm_session *why = delta_d(d) > 0 ? v : NULL;
        curve_add(s, &s->all, t, open, why, &s->oom);
        if (v->app < s->n_apps) {
            app_open[v->app] += delta_d(d);
            curve_add(s, &s->per_app[v->app], t, app_open[v->app], why, &s->oom);
        }
    }
    free(app_open);
    return s->oom ? PGM_FATAL : PGM_OK;
}

int pgm_sessions_subset_curve(const pgm_sessions *s, bool (*member)(void *ctx, const pgm_session *v), void *ctx,
                              pgm_curve *out)
{
    memset(out, 0, sizeof *out);
    out->peak_at = PGM_TS_UNKNOWN;
    bool oom = false;
    /* those from before the log are open from its first line, as in the whole curve */
    int32_t open = 0;
    for (size_t i = 0; i < s->v.n; i++) {
        pgm_session v = pgm_session_store_get(&s->v, i);
        open += v.how_start == PGM_START_BEFORE_LOG && member(ctx, &v);
    }
    if (open)
        curve_add(s, out, s->first_t, open, NULL, &oom);
    for (size_t i = 0; i < s->deltas.n && !oom; i++) {
        const delta d = pgm_packed_u32_get(&s->deltas, i);
        const pgm_session sv = pgm_session_store_get(&s->v, delta_session(d)), *v = &sv;
        if (!member(ctx, v))
            continue;
        open += delta_d(d);
        curve_add(s, out, d & 1 ? v->end : v->start, open, delta_d(d) > 0 ? v : NULL, &oom);
    }
    if (oom) {
        free(out->p);
        memset(out, 0, sizeof *out);
        return PGM_FATAL;
    }
    return PGM_OK;
}

size_t pgm_sessions_count(const pgm_sessions *s) { return s->v.n; }

pgm_session pgm_sessions_get(const pgm_sessions *s, size_t i) { return pgm_session_store_get(&s->v, i); }

void pgm_sessions_times(const pgm_sessions *s, size_t i, int64_t *start, int64_t *end)
{
    pgm_session_store_times(&s->v, i, start, end);
}

size_t pgm_sessions_change_count(const pgm_sessions *s) { return s->deltas.n; }

uint32_t pgm_sessions_change(const pgm_sessions *s, size_t i) { return pgm_packed_u32_get(&s->deltas, i); }

int64_t pgm_sessions_change_time(const pgm_sessions *s, uint32_t change) { return delta_t(s, change); }

const pgm_who *pgm_sessions_who(const pgm_sessions *s, const pgm_session *v) { return &s->whos[v->who]; }

const char *pgm_sessions_label(const pgm_sessions *s, const char *name)
{
    uint32_t id;
    if (!*name)
        return PGM_LABEL_UNKNOWN;
    if (pgm_label_needs_quotes(name) && pgm_u64map_get(&s->quoted_of, (uint64_t)(uintptr_t)name, &id))
        return s->quoted.v[id];
    return name;
}

const char *pgm_sessions_cited_path(const pgm_sessions *s, pgm_cite c)
{
    uint64_t file = c >> PGM_CITE_LINE_BITS;
    return file < s->paths.n ? s->paths.v[file] : "";
}

const pgm_curve *pgm_sessions_curve(const pgm_sessions *s) { return &s->all; }

const pgm_curve *pgm_sessions_app_curve(const pgm_sessions *s, unsigned app)
{
    return s->per_app && app < s->n_apps ? &s->per_app[app] : NULL;
}

size_t pgm_sessions_app_count(const pgm_sessions *s) { return s->n_apps; }

const char *pgm_sessions_app_name(const pgm_sessions *s, unsigned app)
{
    return app < s->n_apps ? s->apps[app] : NULL;
}

uint64_t pgm_sessions_refusals(const pgm_sessions *s, int64_t *first)
{
    if (first)
        *first = s->first_refusal;
    return s->refusals;
}

unsigned pgm_sessions_first_refusal_kind(const pgm_sessions *s) { return s->first_refusal_kind; }

int64_t pgm_sessions_first_slot_refusal(const pgm_sessions *s, const char **path, uint64_t *line)
{
    *path = s->first_slot_refusal_path;
    *line = s->first_slot_refusal_line;
    return s->first_slot_refusal;
}

const char *pgm_sessions_first_refusal_at(const pgm_sessions *s, uint64_t *line)
{
    *line = s->first_refusal_line;
    return s->first_refusal_path;
}

size_t pgm_sessions_open_at_end(const pgm_sessions *s) { return s->finished ? s->open_at_end : s->open.n; }

unsigned pgm_sessions_restarts(const pgm_sessions *s) { return s->restarts; }

void pgm_sessions_over(const pgm_sessions *s, uint64_t *apps_over, uint64_t *starts_over)
{
    *apps_over = s->apps_over;
    *starts_over = s->starts_over;
}

const int64_t *pgm_sessions_starts(const pgm_sessions *s, size_t *n)
{
    *n = s->n_starts;
    return s->starts;
}

const uint64_t *pgm_sessions_start_lines(const pgm_sessions *s) { return s->start_lines; }

const char *const *pgm_sessions_start_paths(const pgm_sessions *s) { return s->start_paths; }

bool pgm_sessions_complete(const pgm_sessions *s) { return !s->oom && !s->dropped; }
uint64_t pgm_sessions_dropped(const pgm_sessions *s) { return s->dropped; }

int64_t pgm_sessions_last_time(const pgm_sessions *s)
{
    return s->last_t;
}

/* How long a session held its slot: to its end, or to the last line of the
 * log while it stayed open. -1 when its start is unknown. */
int64_t pgm_session_held_us(const pgm_sessions *s, const pgm_session *v)
{
    int64_t end = v->end != PGM_TS_UNKNOWN ? v->end : s->last_t;
    if (v->start == PGM_TS_UNKNOWN || end == PGM_TS_UNKNOWN || end < v->start)
        return -1;
    return end - v->start;
}

static int64_t held_by(const pgm_sessions *s, size_t i)
{
    pgm_session v = pgm_session_store_get(&s->v, i);
    return pgm_session_held_us(s, &v);
}

size_t pgm_sessions_longest(const pgm_sessions *s, size_t *out, size_t cap,
                            bool (*skip)(void *ctx, const pgm_session *v), void *ctx)
{
    size_t n = 0;
    for (size_t i = 0; i < s->v.n && cap; i++) {
        pgm_session v = pgm_session_store_get(&s->v, i);
        int64_t held = pgm_session_held_us(s, &v);
        if (held < 0 || (skip && skip(ctx, &v)))
            continue;
        /* insertion into the short list, longest first; ties keep log order */
        size_t k = n < cap ? n++ : cap;
        while (k > 0 && held_by(s, out[k - 1]) < held) {
            if (k < cap)
                out[k] = out[k - 1];
            k--;
        }
        if (k < cap)
            out[k] = i;
    }
    return n;
}

typedef struct by_pid {
    int pid;
    int64_t start;
    size_t index;
} by_pid;

static int cmp_by_pid(const void *x, const void *y)
{
    const by_pid *a = x, *b = y;
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

static bool named(const pgm_sessions *s, const pgm_session *v)
{
    return strcmp(s->apps[v->app], PGM_LABEL_UNKNOWN) != 0;
}

/* A row's name that says something: not empty, not pgjdbc's own default. */
static bool useful_name(const char *app)
{
    return app && *app && strcmp(app, "[unknown]") != 0;
}

int64_t pgm_session_shown_by_row(const pgm_session *v, int64_t seen, int64_t backend_start)
{
    int64_t slack = PGM_SESSIONS_HINT_SLACK_US;
    bool open_then = v->start != PGM_TS_UNKNOWN && v->start <= seen + slack &&
                     (v->end == PGM_TS_UNKNOWN || v->end + slack >= seen);
    int64_t gap = backend_start == PGM_TS_UNKNOWN ? 0
                  : v->start > backend_start     ? v->start - backend_start
                                                 : backend_start - v->start;
    return open_then && gap <= slack ? gap + 1 : 0;
}

/* What the rows say of one user, database and client (who), to name its
 * other sessions by: its first session a row named (ref), and whether its
 * named sessions, or the rows of the same three, show more than one name.
 * Kept per who rather than found by a pass over every session for each one
 * a row named: 2,000 clients named by a snapshot over 2 M sessions took 20 s. */
typedef struct who_names {
    uint32_t ref;             /* the first session a row named, UINT32_MAX: none */
    uint16_t named_app;       /* the application of its named sessions, UINT16_MAX: none yet */
    bool named_mixed;         /* ... and they have more than one */
    bool hint_mixed;          /* the rows of the same three name more than one application */
    const char *hint_app;     /* the one they name, NULL: none */
} who_names;

/* The who of a row's user, database and client: PGM_IDXSET_NONE when no session had them. */
static uint32_t who_of_row(const pgm_sessions *s, const pgm_app_hint *h)
{
    pgm_who w = {pgm_interned(&s->strings, h->user ? h->user : ""), pgm_interned(&s->strings, h->db ? h->db : ""),
                 pgm_interned(&s->strings, h->client ? h->client : "")};
    if (!w.user || !w.db || !w.client)
        return PGM_IDXSET_NONE;
    pgm_idxset_keys k = {who_hash_of, who_is, s->whos};
    return pgm_idxset_find(&s->who_set, &k, who_hash(&w), &w);
}

/* The sessions whose pid some row has, by pid then start, into *out: what
 * naming looks through for each row (a few, where a sort of every session
 * by pid took 24 bytes each: 48 MB for two million). False when memory ran out. */
static bool sessions_of_rows(const pgm_sessions *s, const pgm_app_hint *hints, size_t n, by_pid **out,
                             size_t *n_found)
{
    pgm_u64map pids = {0};
    by_pid *found = NULL;
    size_t alloc = 0;
    *n_found = 0;
    for (size_t h = 0; h < n; h++)
        if (hints[h].pid > 0 && pgm_u64map_put(&pids, (uint64_t)hints[h].pid, 1) != 0)
            goto oom;
    for (size_t i = 0; i < s->v.n; i++) {
        uint32_t one;
        pgm_session v = pgm_session_store_get(&s->v, i);
        if (v.pid <= 0 || !pgm_u64map_get(&pids, (uint64_t)v.pid, &one))
            continue;
        by_pid *f = pgm_grow(found, &alloc, *n_found, sizeof *f, 64);
        if (!f)
            goto oom;
        found = f;
        found[(*n_found)++] = (by_pid){v.pid, v.start, i};
    }
    pgm_u64map_free(&pids);
    if (*n_found)
        qsort(found, *n_found, sizeof *found, cmp_by_pid);
    *out = found;
    return true;
oom:
    pgm_u64map_free(&pids);
    free(found);
    return false;
}

size_t pgm_sessions_name_apps(pgm_sessions *s, const pgm_app_hint *hints, size_t n, size_t *inferred)
{
    *inferred = 0;
    if (s->finished || !s->v.n || !n)
        return 0;
    size_t n_idx;
    by_pid *idx = NULL;
    who_names *wn = malloc((s->n_whos + 1) * sizeof *wn);
    if (!sessions_of_rows(s, hints, n, &idx, &n_idx) || !wn) {
        free(idx);
        free(wn);
        return 0;
    }
    for (size_t i = 0; i < s->n_whos; i++)
        wn[i] = (who_names){UINT32_MAX, UINT16_MAX, false, false, NULL};
    size_t named_now = 0;
    for (size_t h = 0; h < n; h++) {
        const pgm_app_hint *x = &hints[h];
        if (!useful_name(x->app) || x->seen == PGM_TS_UNKNOWN)
            continue;
        size_t lo = 0, hi = n_idx;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (idx[mid].pid < x->pid)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* of the pid's sessions open then, the one that started closest to the row's backend_start */
        size_t best = SIZE_MAX;
        int64_t best_gap = INT64_MAX;
        for (size_t k = lo; k < n_idx && idx[k].pid == x->pid; k++) {
            const pgm_session sv = pgm_session_store_get(&s->v, idx[k].index), *v = &sv;
            int64_t gap = pgm_session_shown_by_row(v, x->seen, x->backend_start) - 1;
            /* sessions from before the log are counted apart from their application */
            if (gap < 0 || v->how_start != PGM_START_AUTHORIZED || gap >= best_gap)
                continue;
            best = idx[k].index;
            best_gap = gap;
        }
        if (best == SIZE_MAX)
            continue;
        pgm_session chosen = pgm_session_store_get(&s->v, best);
        if (named(s, &chosen))
            continue;
        pgm_session_store_set_app(&s->v, best, app_index(s, x->app));
        who_names *w = &wn[chosen.who];
        if (best < w->ref)
            w->ref = (uint32_t)best;
        named_now++;
    }
    /* the others of the same user, database and client take the name of the
     * first a row named, when nothing names them otherwise: no named session
     * of theirs with another name, no row of the same three with another */
    for (size_t i = 0; i < s->v.n; i++) {
        const pgm_session sv = pgm_session_store_get(&s->v, i), *v = &sv;
        who_names *w = &wn[v->who];
        if (!named(s, v))
            continue;
        if (w->named_app == UINT16_MAX)
            w->named_app = v->app;
        else if (w->named_app != v->app)
            w->named_mixed = true;
    }
    for (size_t h = 0; h < n; h++) {
        if (!useful_name(hints[h].app))
            continue;
        uint32_t k = who_of_row(s, &hints[h]);
        if (k == PGM_IDXSET_NONE)
            continue;
        if (!wn[k].hint_app)
            wn[k].hint_app = hints[h].app;
        else if (strcmp(wn[k].hint_app, hints[h].app) != 0)
            wn[k].hint_mixed = true;
    }
    for (size_t k = 0; k < s->n_whos; k++) {
        who_names *w = &wn[k];
        if (w->ref == UINT32_MAX)
            continue;
        const char *name = s->apps[pgm_session_store_get(&s->v, w->ref).app];
        if (w->named_mixed || w->hint_mixed || (w->hint_app && strcmp(w->hint_app, name) != 0))
            w->ref = UINT32_MAX; /* ambiguous: left unnamed */
    }
    for (size_t i = 0; i < s->v.n; i++) {
        const pgm_session sv = pgm_session_store_get(&s->v, i), *v = &sv;
        const who_names *w = &wn[v->who];
        if (w->ref != UINT32_MAX && !named(s, v) && v->how_start == PGM_START_AUTHORIZED) {
            pgm_session_store_set_app(&s->v, i, pgm_session_store_get(&s->v, w->ref).app);
            (*inferred)++;
        }
    }
    free(idx);
    free(wn);
    return named_now + *inferred;
}

/* A step of the keyed walk: a change of the log (index < the changes'
 * count), or the start of a session from before the log (that count + its
 * index among them). */
typedef struct keyed_ctx {
    const pgm_sessions *s;
    const pgm_keyed_walk *w;
    const uint32_t *before;  /* the sessions from before the log with a start */
    pgm_u64map ids;          /* a key's pointer -> its number */
    pgm_u64map of_who;       /* a who's number + 1 -> its key's number: a key is a function of the who */
    const uint32_t *remap;   /* NULL, or a key's number -> its number once folded */
} keyed_ctx;

/* A step as a change's number: the log's own, or a start from before the
 * log (its session's number times two, as a start's). */
static uint32_t step_change(const keyed_ctx *k, uint32_t step)
{
    const pgm_sessions *s = k->s;
    return step < s->deltas.n ? pgm_packed_u32_get(&s->deltas, step) : 2 * k->before[step - s->deltas.n];
}

static int64_t step_time(const void *ctx, uint32_t step)
{
    const keyed_ctx *k = ctx;
    return delta_t(k->s, step_change(k, step));
}

static int step_d(const keyed_ctx *k, uint32_t step) { return delta_d(step_change(k, step)); }

/* The session of a step whose time is known (a line without one has none):
 * its who's number + 1, 0 when it has none. */
static uint32_t step_who(const keyed_ctx *k, uint32_t step)
{
    const pgm_sessions *s = k->s;
    uint32_t change = step_change(k, step);
    size_t session = delta_session(change);
    if (session >= s->v.n)
        return 0;
    int64_t start, end;
    uint32_t who = pgm_session_store_who(&s->v, session, &start, &end);
    return (change & 1 ? end : start) == PGM_TS_UNKNOWN ? 0 : who + 1;
}

/* The number of a step's key (after folding, when folded), UINT32_MAX: none. */
static uint32_t step_key_id(const keyed_ctx *k, uint32_t step)
{
    uint32_t who = step_who(k, step), id;
    if (!who || !pgm_u64map_get(&k->of_who, who, &id))
        return UINT32_MAX;
    return k->remap ? k->remap[id] : id;
}

typedef struct key_entry {
    const char *key;
    size_t count, at;
    size_t changes;          /* of its steps, those that are the log's changes (the rest: starts before it) */
} key_entry;

static int cmp_key_entry(const void *x, const void *y)
{
    return strcmp(((const key_entry *)x)->key, ((const key_entry *)y)->key);
}

/* The steps grouped by key into order (each key's counted in keys[].count
 * and .changes), each key's in time: the steps are taken in their order, so
 * each key's come as the log wrote them, nearly in time (util/timesort.h). */
static bool group_steps(const keyed_ctx *k, size_t n_steps, key_entry *keys, size_t n_keys, uint32_t *order)
{
    size_t at = 0;
    for (size_t i = 0; i < n_keys; i++) {
        keys[i].at = at;
        at += keys[i].count;
    }
    size_t *fill = n_keys ? calloc(n_keys, sizeof *fill) : NULL;
    if (n_keys && !fill)
        return false;
    for (uint32_t i = 0; i < n_steps; i++) {
        uint32_t id = step_key_id(k, i);
        if (id != UINT32_MAX)
            order[keys[id].at + fill[id]++] = i;
    }
    free(fill);
    for (size_t i = 0; i < n_keys; i++)
        pgm_timesort_ids(order + keys[i].at, keys[i].count, keys[i].changes, step_time, k);
    return true;
}

/* The highest of a key's points (one per instant, its last value). */
static int32_t key_peak(const keyed_ctx *k, const uint32_t *st, size_t n)
{
    int32_t open = 0, peak = INT32_MIN;
    int64_t t = n ? step_time(k, st[0]) : 0;
    for (size_t j = 0; j < n; j++) {
        open += step_d(k, st[j]);
        int64_t next = j + 1 < n ? step_time(k, st[j + 1]) : t;
        if ((j + 1 == n || next != t) && open > peak)
            peak = open;
        t = next;
    }
    return peak;
}

typedef struct ranked_key {
    const char *key;
    int32_t peak;
    uint32_t id;
} ranked_key;

static int cmp_ranked(const void *x, const void *y)
{
    const ranked_key *a = x, *b = y;
    if (a->peak != b->peak)
        return a->peak > b->peak ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* Keeps the max_keys keys whose points go highest, the others as one more
 * key (`other`): their steps change key and every key is grouped again.
 * False when memory ran out. */
static bool fold_keys(keyed_ctx *k, size_t n_steps, key_entry *keys, size_t *n_keys, uint32_t *order, size_t max_keys,
                      const char *other)
{
    ranked_key *r = malloc(*n_keys * sizeof *r);
    uint32_t *to = malloc(*n_keys * sizeof *to);
    key_entry *kept = calloc(max_keys + 1, sizeof *kept);
    if (!r || !to || !kept) {
        free(r);
        free(to);
        free(kept);
        return false;
    }
    for (size_t i = 0; i < *n_keys; i++)
        r[i] = (ranked_key){keys[i].key, key_peak(k, order + keys[i].at, keys[i].count), (uint32_t)i};
    qsort(r, *n_keys, sizeof *r, cmp_ranked);
    for (size_t i = 0; i < *n_keys; i++) {
        uint32_t into = (uint32_t)(i < max_keys ? i : max_keys);
        to[r[i].id] = into;
        kept[into].count += keys[r[i].id].count;
        kept[into].changes += keys[r[i].id].changes;
    }
    for (size_t i = 0; i < max_keys; i++)
        kept[i].key = r[i].key;
    kept[max_keys].key = other;
    free(r);
    memcpy(keys, kept, (max_keys + 1) * sizeof *kept);
    free(kept);
    *n_keys = max_keys + 1;
    k->remap = to;
    bool ok = group_steps(k, n_steps, keys, *n_keys, order);
    k->remap = NULL;
    free(to);
    return ok;
}

size_t pgm_sessions_count_keys(const pgm_sessions *s,
                               const char *(*key_of)(void *ctx, const pgm_sessions *s, const pgm_who *w), void *ctx)
{
    pgm_u64map keys = {0}, seen = {0};
    bool oom = false;
    for (size_t i = 0; i < s->v.n && !oom; i++) {
        int64_t start, end;
        uint32_t who = pgm_session_store_who(&s->v, i, &start, &end), one;
        /* the walk's steps: a start or an end in time; each who's key asked once */
        if ((start == PGM_TS_UNKNOWN && end == PGM_TS_UNKNOWN) || pgm_u64map_get(&seen, (uint64_t)who + 1, &one))
            continue;
        oom = pgm_u64map_put(&seen, (uint64_t)who + 1, 1) != 0 ||
              pgm_u64map_put(&keys, (uint64_t)(uintptr_t)key_of(ctx, s, &s->whos[who]), 1) != 0;
    }
    size_t n = oom ? 0 : keys.n;
    pgm_u64map_free(&keys);
    pgm_u64map_free(&seen);
    return n;
}

int pgm_sessions_walk_keyed(const pgm_sessions *s, const pgm_keyed_walk *w, size_t *folded)
{
    if (folded)
        *folded = 0;
    size_t n_before = 0;
    for (size_t i = 0; i < s->v.n; i++) {
        pgm_session v = pgm_session_store_get(&s->v, i);
        n_before += v.how_start == PGM_START_BEFORE_LOG && v.start != PGM_TS_UNKNOWN;
    }
    size_t n_steps = s->deltas.n + n_before;
    uint32_t *before = n_before ? malloc(n_before * sizeof *before) : NULL;
    key_entry *keys = NULL;
    size_t n_keys = 0, cap_keys = 0, n_keyed = 0;
    uint32_t *order = NULL;
    keyed_ctx k = {s, w, before, {0}, {0}, NULL};
    int rc = PGM_OK;
    if (n_before && !before)
        goto oom;
    n_before = 0;
    for (size_t i = 0; i < s->v.n; i++) {
        pgm_session v = pgm_session_store_get(&s->v, i);
        if (v.how_start == PGM_START_BEFORE_LOG && v.start != PGM_TS_UNKNOWN)
            before[n_before++] = (uint32_t)i;
    }
    /* each key numbered, its steps counted; the steps of no time are left out */
    for (uint32_t i = 0; i < n_steps; i++) {
        uint32_t who = step_who(&k, i), id;
        if (!who)
            continue;
        if (!pgm_u64map_get(&k.of_who, who, &id)) {
            const char *key = w->key_of(w->ctx, s, &s->whos[who - 1]);
            if (!pgm_u64map_get(&k.ids, (uint64_t)(uintptr_t)key, &id)) {
                key_entry *nk = pgm_grow(keys, &cap_keys, n_keys, sizeof *nk, 16);
                if (!nk)
                    goto oom;
                keys = nk;
                id = (uint32_t)n_keys;
                keys[n_keys++] = (key_entry){key, 0, 0, 0};
                if (pgm_u64map_put(&k.ids, (uint64_t)(uintptr_t)key, id) != 0)
                    goto oom;
            }
            if (pgm_u64map_put(&k.of_who, who, id) != 0)
                goto oom;
        }
        keys[id].count++;
        keys[id].changes += i < s->deltas.n;
        n_keyed++;
    }
    if (n_keyed && !(order = malloc(n_keyed * sizeof *order)))
        goto oom;
    if (!group_steps(&k, n_steps, keys, n_keys, order))
        goto oom;
    if (w->max_keys && n_keys > w->max_keys) {
        /* room for `other` beside the kept ones: max_keys < n_keys */
        size_t all = n_keys;
        if (!fold_keys(&k, n_steps, keys, &n_keys, order, w->max_keys, w->other))
            goto oom;
        if (folded)
            *folded = all - w->max_keys;
    }
    if (n_keys)
        qsort(keys, n_keys, sizeof *keys, cmp_key_entry);
    for (size_t i = 0; i < n_keys; i++) {
        const uint32_t *st = order + keys[i].at;
        size_t n = keys[i].count, points = 0;
        /* each step's time read once a loop: a packed session's is a few bit reads */
        int64_t t = n ? step_time(&k, st[0]) : PGM_TS_UNKNOWN, first = t;
        for (size_t j = 0; j < n; j++) {
            int64_t next = j + 1 < n ? step_time(&k, st[j + 1]) : t;
            points += j + 1 == n || next != t;
            t = next;
        }
        w->begin(w->ctx, keys[i].key, points, first, t);
        int32_t open = 0;
        t = first;
        for (size_t j = 0; j < n; j++) {
            open += step_d(&k, st[j]);
            int64_t next = j + 1 < n ? step_time(&k, st[j + 1]) : t;
            if (j + 1 < n && next == t) {
                t = next;
                continue; /* one point per instant */
            }
            pgm_curve_point p = {t, open};
            w->point(w->ctx, &p);
            t = next;
        }
        w->end(w->ctx);
    }
    goto done;
oom:
    rc = PGM_FATAL;
done:
    pgm_u64map_free(&k.ids);
    pgm_u64map_free(&k.of_who);
    free(keys);
    free(order);
    free(before);
    return rc;
}
