#define _GNU_SOURCE /* qsort_r */
#include "forensics/growth.h"

#include <stdlib.h>
#include <string.h>

#include "text/timestamp.h"
#include "util/grow.h"
#include "util/timesort.h"
#include "util/u64map.h"

/* A session opening (+1) or given back (-1), as its place: 2 x its number,
 * + 1 for its end (pgm_sessions_change's numbers), which orders equal
 * times; 4 bytes, its time read from the session. A group of two million
 * sessions that close has four million. */
typedef struct steps {
    const uint32_t *place;
    const pgm_sessions *s;
} steps;

static int64_t place_time_of(const void *ctx, uint32_t place) { return pgm_sessions_change_time(ctx, place); }

static inline int64_t step_t(const steps *st, size_t i) { return pgm_sessions_change_time(st->s, st->place[i]); }

static inline uint32_t step_place(const steps *st, size_t i) { return st->place[i]; }

/* +1 for an opening, -1 for a session given back: the low bit of its place. */
static inline int32_t step_d(const steps *st, size_t i) { return step_place(st, i) & 1 ? -1 : +1; }

/* Interned texts: the same pointer is the same text; others compare by
 * their text, so that the order of groups does not hang on where the
 * allocator put them (a build with sanitizers gave other ties). */
static int cmp_text(const char *a, const char *b) { return a == b ? 0 : strcmp(a, b); }

static int cmp_growth(const void *a, const void *b)
{
    const pgm_growth *x = a, *y = b;
    int gx = x->held - x->baseline, gy = y->held - y->baseline;
    if (x->growing != y->growing)
        return x->growing ? -1 : 1;
    if (gx != gy)
        return gx > gy ? -1 : 1;
    int c = cmp_text(x->user, y->user);
    c = c ? c : cmp_text(x->db, y->db);
    return c ? c : cmp_text(x->client, y->client);
}

/* Judges one stretch of a group's open count (steps in time order; the
 * count starts at 0: the server had just started, or the group its life). */
static void judge(const steps *st, size_t k, int64_t exhaustion, pgm_growth *g)
{
    int64_t first = k ? step_t(st, 0) : 0;
    for (size_t i = 0; i < k; i++)
        if (step_d(st, i) > 0) {
            first = step_t(st, i);
            break;
        }
    /* the reference: the first refusal when the group had begun by then,
     * else the group's highest point */
    int64_t ref = PGM_TS_UNKNOWN;
    int32_t open = 0, top = 0;
    for (size_t i = 0; i < k; i++) {
        open += step_d(st, i);
        if (open > top) {
            top = open;
            ref = step_t(st, i);
        }
    }
    /* (a refusal after this stretch ended belongs to a later run of the server) */
    if (exhaustion != PGM_TS_UNKNOWN && first <= exhaustion && k && exhaustion <= step_t(st, k - 1))
        ref = exhaustion;
    /* baseline: the lowest count after the group's start-up (a pool opens
     * its connections within the first seconds) up to the reference */
    open = 0;
    int32_t base = INT32_MAX, at_startup_end = 0;
    size_t last_at_base = 0;
    for (size_t i = 0; i < k && step_t(st, i) <= ref; i++) {
        open += step_d(st, i);
        if (step_t(st, i) < first + PGM_GROWTH_STARTUP_US) {
            at_startup_end = open;
            last_at_base = i;
            continue;
        }
        if (base == INT32_MAX)
            base = at_startup_end;
        if (open <= base) {
            base = open;
            last_at_base = i;
        }
    }
    if (base == INT32_MAX)
        base = at_startup_end;
    int32_t held = 0;
    for (size_t i = 0; i < k && step_t(st, i) <= ref; i++)
        held += step_d(st, i);
    /* onset: the first opening after the last time at the baseline */
    int64_t onset = PGM_TS_UNKNOWN;
    size_t onset_session = SIZE_MAX;
    unsigned opened = 0, closed = 0;
    for (size_t i = last_at_base + 1; i < k && step_t(st, i) <= ref; i++) {
        if (step_d(st, i) > 0) {
            if (onset == PGM_TS_UNKNOWN) {
                onset = step_t(st, i);
                onset_session = step_place(st, i) / 2;
            }
            opened++;
        } else {
            closed++;
        }
    }
    /* bursts: seconds with a pool's worth of openings */
    unsigned bursts = 0;
    for (size_t i = last_at_base + 1, j = i; i < k && step_t(st, i) <= ref; i++) {
        if (step_d(st, i) <= 0)
            continue;
        size_t c = 0;
        for (j = i; j < k && step_t(st, j) <= ref && step_t(st, j) - step_t(st, i) < 1000000; j++)
            c += step_d(st, j) > 0;
        if (c >= PGM_GROWTH_BURST) {
            bursts++;
            while (i + 1 < k && step_t(st, i + 1) - step_t(st, i) < 1000000 && step_t(st, i + 1) <= ref)
                i++; /* one burst per run of openings */
        }
    }
    g->baseline = base;
    g->held = held;
    g->onset = onset;
    g->onset_session = onset_session;
    g->ref = ref;
    g->opened = opened;
    g->closed = closed;
    g->bursts = bursts;
    int32_t growth = held - base;
    int64_t span = onset != PGM_TS_UNKNOWN && ref != PGM_TS_UNKNOWN ? ref - onset : 0;
    g->rate_per_min = span > 0 ? growth * 60e6 / (double)span : 0;
    g->growing = growth >= PGM_GROWTH_MIN_SESSIONS && span >= PGM_GROWTH_MIN_SPAN_US &&
                 closed * 2 <= (unsigned)growth;
}


/* Follows one group's open count: every session of the group is given.
 * A server restart ends every session, and a restart of the group's
 * application gives back every session of its process, so each run is
 * judged on its own: a leak that goes on after a restart has its onset in
 * the first run it grew in. Sessions the server ended itself (an administrator's
 * pg_terminate_backend, a crash) were not given back by their client: they
 * stay counted until the server's run ends. */
/* Given back: the client disconnected; a session the server ended
 * (terminated, crashed) was never returned and still counts as held. */
static bool given_back(const pgm_session *x)
{
    return x->how_end != PGM_END_OPEN && x->how_end != PGM_END_TERMINATED && x->how_end != PGM_END_RESTART &&
           x->end != PGM_TS_UNKNOWN;
}

/* `st` the group's steps in time (then place), k of them. */
static void follow(const pgm_sessions *s, const steps st, size_t k, int64_t exhaustion, const int64_t *starts,
                   size_t n_starts, pgm_growth *g)
{
    pgm_growth first_growing, last, first_rising;
    bool any = false, rising = false;
    memset(&last, 0, sizeof last);
    memset(&first_growing, 0, sizeof first_growing);
    memset(&first_rising, 0, sizeof first_rising);
    last.onset_session = first_growing.onset_session = first_rising.onset_session = SIZE_MAX;
    last.onset = last.ref = PGM_TS_UNKNOWN;
    size_t from = 0;
    for (size_t e = 0; e <= n_starts && from <= k; e++) {
        /* the stretch up to the next start after its first step */
        size_t to = from;
        int64_t boundary = INT64_MAX;
        for (size_t b = 0; b < n_starts; b++)
            if (from < k && starts[b] > step_t(&st, from)) {
                boundary = starts[b];
                break;
            }
        while (to < k && step_t(&st, to) < boundary)
            to++;
        if (to == from) {
            if (from >= k)
                break;
            to = from + 1;
        }
        pgm_growth part;
        memset(&part, 0, sizeof part);
        steps stretch = {st.place + from, st.s};
        judge(&stretch, to - from, exhaustion, &part);
        if (part.growing && !any) {
            first_growing = part;
            any = true;
        }
        /* a run cut short by a restart may rise for less than the span a
         * growth needs: it counts once a later run grows */
        int32_t rise = part.held - part.baseline;
        if (!rising && part.onset != PGM_TS_UNKNOWN && rise >= PGM_GROWTH_MIN_SESSIONS &&
            part.closed * 2 <= (unsigned)rise) {
            first_rising = part;
            rising = true;
        }
        if (part.ref != PGM_TS_UNKNOWN)
            last = part;
        from = to;
        if (from >= k)
            break;
    }
    pgm_growth keep = *g; /* the group's names and size, set by the caller */
    *g = any ? first_growing : last;
    if (any && last.growing && last.ref != first_growing.ref) {
        /* a leak across restarts: its onset from the first run, the rest from the last */
        *g = last;
        g->onset = first_growing.onset;
        g->onset_session = first_growing.onset_session;
    }
    if (any && last.growing && rising && first_rising.onset < g->onset) {
        /* ... the first run it rose in, when that one was cut short */
        g->onset = first_rising.onset;
        g->onset_session = first_rising.onset_session;
    }
    if (g->onset_session < SIZE_MAX) {
        pgm_cite at = pgm_sessions_get(s, g->onset_session).start_at;
        g->onset_path = pgm_sessions_cited_path(s, at);
        g->onset_line = pgm_cite_line(at);
    }
    g->user = keep.user;
    g->db = keep.db;
    g->client = keep.client;
    g->app = keep.app;
    g->sessions = keep.sessions;
}

static int cmp_time(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* The times a group's runs end at: the server's starts, and its
 * application's restarts; into b (cap of them, the first kept), sorted. */
static size_t boundaries(const int64_t *starts, size_t n_starts, const pgm_growth_restarts *app, int64_t *b,
                         size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < n_starts && n < cap; i++)
        b[n++] = starts[i];
    for (size_t i = 0; app && i < app->n && n < cap; i++)
        b[n++] = app->t[i];
    qsort(b, n, sizeof *b, cmp_time);
    return n;
}

/* A group of sessions: a user, database, client and application. */
typedef struct group {
    uint32_t first;            /* its first session */
    size_t sessions;           /* in it */
    size_t steps, changes;     /* its steps; of them, the log's changes (the rest: starts before the log) */
    size_t at;                 /* where its steps are among the judged groups' */
    bool judged;
} group;

/* A session's group as a map's key (never 0). */
static uint64_t group_key(const pgm_session *x) { return ((uint64_t)x->who << 16 | x->app) + 1; }
_Static_assert(PGM_SESSIONS_MAX_APPS <= (1u << 16), "an application's index fits below the who's");

typedef struct groups {
    const pgm_sessions *s;
    size_t n_sessions;
    group *g;
    size_t n;
} groups;

/* The groups in the order of their texts (user, database, client: interned,
 * so equal pointers are equal texts), then their application's index. */
static int by_texts(const void *x, const void *y, void *ctx)
{
    const groups *gs = ctx;
    const pgm_session sa = pgm_sessions_get(gs->s, gs->g[*(const uint32_t *)x].first), *a = &sa;
    const pgm_session sb = pgm_sessions_get(gs->s, gs->g[*(const uint32_t *)y].first), *b = &sb;
    int c = 0;
    if (a->who != b->who) {
        const pgm_who *wa = pgm_sessions_who(gs->s, a), *wb = pgm_sessions_who(gs->s, b);
        c = cmp_text(wa->user, wb->user);
        c = c ? c : cmp_text(wa->db, wb->db);
        c = c ? c : cmp_text(wa->client, wb->client);
    }
    return c ? c : (a->app > b->app) - (a->app < b->app);
}

/* Most sessions first; ties in the order of their texts (their rank). */
typedef struct ranked {
    uint32_t id;
    uint32_t rank;
    size_t sessions;
} ranked;

static int by_size(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->sessions != b->sessions)
        return a->sessions < b->sessions ? 1 : -1;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

/* Whether a change of the log (a place) is a step of its group: an opening
 * at a known time, or a session given back. */
static bool is_step(const pgm_session *x, uint32_t place)
{
    return place & 1 ? given_back(x) : x->start != PGM_TS_UNKNOWN;
}

/* Counts each judged group's steps (pass 0), or puts them in `places` at
 * their group's room (pass 1): the log's changes in its order, then the
 * starts of the sessions from before it. */
static void gather_steps(const groups *gs, const pgm_u64map *ids, uint32_t *places)
{
    uint32_t id;
    for (size_t i = 0, n = pgm_sessions_change_count(gs->s); i < n; i++) {
        uint32_t change = pgm_sessions_change(gs->s, i);
        const pgm_session x = pgm_sessions_get(gs->s, change >> 1);
        if (!is_step(&x, change) || !pgm_u64map_get(ids, group_key(&x), &id) || !gs->g[id].judged)
            continue;
        group *g = &gs->g[id];
        if (places)
            places[g->at + g->steps] = change;
        g->steps++;
        g->changes += !places;
    }
    for (size_t i = 0; i < gs->n_sessions; i++) {
        const pgm_session xv = pgm_sessions_get(gs->s, i), *x = &xv;
        if (x->how_start != PGM_START_BEFORE_LOG || x->start == PGM_TS_UNKNOWN ||
            !pgm_u64map_get(ids, group_key(x), &id) || !gs->g[id].judged)
            continue;
        group *g = &gs->g[id];
        if (places)
            places[g->at + g->steps] = 2 * (uint32_t)i;
        g->steps++;
    }
}

size_t pgm_growth_find(const pgm_sessions *s, int64_t exhaustion, const pgm_growth_restarts *apps,
                       size_t n_apps, pgm_growth *out, size_t cap, size_t *not_judged)
{
    size_t n = pgm_sessions_count(s), n_starts, n_judged = 0;
    const int64_t *starts = pgm_sessions_starts(s, &n_starts);
    *not_judged = 0;
    groups gs = {s, n, NULL, 0};
    size_t alloc = 0;
    pgm_u64map ids = {0};
    uint32_t *sorted = NULL, *places = NULL;
    ranked *runs = NULL;
    bool ok = false;
    /* the groups, and their sessions counted */
    for (size_t i = 0; i < n; i++) {
        uint32_t id;
        const pgm_session v = pgm_sessions_get(s, i);
        if (!pgm_u64map_get(&ids, group_key(&v), &id)) {
            group *g = pgm_grow(gs.g, &alloc, gs.n, sizeof *g, 64);
            if (!g)
                goto out;
            gs.g = g;
            id = (uint32_t)gs.n;
            if (pgm_u64map_put(&ids, group_key(&v), id) != 0)
                goto out;
            gs.g[gs.n++] = (group){(uint32_t)i, 0, 0, 0, 0, false};
        }
        gs.g[id].sessions++;
    }
    sorted = malloc((gs.n + 1) * sizeof *sorted);
    runs = malloc((gs.n + 1) * sizeof *runs);
    if (!sorted || !runs)
        goto out;
    for (size_t i = 0; i < gs.n; i++)
        sorted[i] = (uint32_t)i;
    qsort_r(sorted, gs.n, sizeof *sorted, by_texts, &gs);
    for (size_t i = 0; i < gs.n; i++)
        runs[i] = (ranked){sorted[i], (uint32_t)i, gs.g[sorted[i]].sessions};
    /* a leak is sessions piling up: the groups with most sessions are judged */
    n_judged = gs.n;
    if (n_judged > cap) {
        qsort(runs, n_judged, sizeof *runs, by_size);
        *not_judged = n_judged - cap;
        n_judged = cap;
    }
    for (size_t r = 0; r < n_judged; r++)
        gs.g[runs[r].id].judged = true;
    gather_steps(&gs, &ids, NULL);
    size_t total = 0;
    for (size_t r = 0; r < n_judged; r++) {
        group *g = &gs.g[runs[r].id];
        g->at = total;
        total += g->steps;
        g->steps = 0;
    }
    if (!(places = malloc((total + 1) * sizeof *places)))
        goto out;
    gather_steps(&gs, &ids, places);
    for (size_t r = 0; r < n_judged; r++) {
        const group *gr = &gs.g[runs[r].id];
        const pgm_session first_v = pgm_sessions_get(s, gr->first), *first = &first_v;
        pgm_growth *g = &out[r];
        memset(g, 0, sizeof *g);
        const pgm_who *w = pgm_sessions_who(s, first);
        g->user = w->user;
        g->db = w->db;
        g->client = w->client;
        g->app = pgm_sessions_app_name(s, first->app);
        g->sessions = gr->sessions;
        const pgm_growth_restarts *app = NULL;
        for (size_t k = 0; k < n_apps && g->app && !app; k++)
            if (apps[k].app && strcmp(apps[k].app, g->app) == 0)
                app = &apps[k];
        int64_t b[PGM_GROWTH_MAX_BOUNDARIES];
        size_t nb = boundaries(starts, n_starts, app, b, PGM_GROWTH_MAX_BOUNDARIES);
        /* its changes nearly in time as the log wrote them, its starts from before the log in any order */
        pgm_timesort_ids(places + gr->at, gr->steps, gr->changes, place_time_of, s);
        follow(s, (steps){places + gr->at, s}, gr->steps, exhaustion, b, nb, g);
    }
    qsort(out, n_judged, sizeof *out, cmp_growth);
    ok = true;
out:
    pgm_u64map_free(&ids);
    free(gs.g);
    free(sorted);
    free(runs);
    free(places);
    return ok ? n_judged : 0;
}
