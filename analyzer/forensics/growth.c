#define _GNU_SOURCE /* qsort_r */
#include "forensics/growth.h"

#include <stdlib.h>
#include <string.h>

#include "text/timestamp.h"

/* A session opening (+1) or given back (-1), with its place (2 x its index,
 * + 1 for its end) to order equal times. Two a session: a group of two
 * million sessions that close has four million. Packed in 8 bytes when the
 * group spans less than 2^41 us (25 days): its time after the group's first
 * above, its place below, so that the word's order is the steps' order;
 * else 12. */
#define PLACE_BITS 23
_Static_assert(2 * (uint64_t)PGM_SESSIONS_MAX <= (UINT64_C(1) << PLACE_BITS), "a step's place fits in its bits");
#define PACKED_SPAN_US (UINT64_C(1) << (64 - PLACE_BITS))

typedef struct __attribute__((packed)) wide_step {
    int64_t t;
    uint32_t place;
} wide_step;

typedef struct steps {
    uint64_t *packed; /* or */
    wide_step *wide;
    int64_t t0;       /* the packed steps' times count from it */
} steps;

static inline int64_t step_t(const steps *st, size_t i)
{
    return st->packed ? st->t0 + (int64_t)(st->packed[i] >> PLACE_BITS) : st->wide[i].t;
}

static inline uint32_t step_place(const steps *st, size_t i)
{
    return st->packed ? (uint32_t)(st->packed[i] & ((UINT64_C(1) << PLACE_BITS) - 1)) : st->wide[i].place;
}

/* +1 for an opening, -1 for a session given back: the low bit of its place. */
static inline int32_t step_d(const steps *st, size_t i) { return step_place(st, i) & 1 ? -1 : +1; }

static inline bool packed_before(const uint64_t *x, const uint64_t *y) { return *x < *y; }

static inline bool wide_before(const wide_step *x, const wide_step *y)
{
    return x->t != y->t ? x->t < y->t : x->place < y->place;
}

/* In place (a heap sort): the steps of a group of two million sessions take
 * 32 MB, and a merge sort would want as much again. */
#define DEFINE_HEAP_SORT(name, type, before)                                          \
    static void name(type *st, size_t n)                                              \
    {                                                                                 \
        for (size_t end = n, start = n / 2;;) {                                       \
            if (start > 0) {                                                          \
                start--;                                                              \
            } else {                                                                  \
                if (end <= 1)                                                         \
                    return;                                                           \
                end--;                                                                \
                type t = st[0];                                                       \
                st[0] = st[end];                                                      \
                st[end] = t;                                                          \
            }                                                                         \
            /* sift st[start] down within st[0..end) */                               \
            size_t root = start;                                                      \
            for (size_t child; (child = 2 * root + 1) < end; root = child) {          \
                if (child + 1 < end && before(&st[child], &st[child + 1]))            \
                    child++;                                                          \
                if (!before(&st[root], &st[child]))                                   \
                    break;                                                            \
                type t = st[root];                                                    \
                st[root] = st[child];                                                 \
                st[child] = t;                                                        \
            }                                                                         \
        }                                                                             \
    }
DEFINE_HEAP_SORT(sort_packed, uint64_t, packed_before)
DEFINE_HEAP_SORT(sort_wide, wide_step, wide_before)

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

static void follow(const pgm_sessions *s, const uint32_t *idx, size_t n, int64_t exhaustion,
                   const int64_t *starts, size_t n_starts, pgm_growth *g)
{
    size_t n_all;
    const pgm_session *v = pgm_sessions_list(s, &n_all);
    /* the group's times: their span picks the steps' form */
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const pgm_session *x = &v[idx[i]];
        if (x->start != PGM_TS_UNKNOWN) {
            lo = x->start < lo ? x->start : lo;
            hi = x->start > hi ? x->start : hi;
            k++;
        }
        if (given_back(x)) {
            lo = x->end < lo ? x->end : lo;
            hi = x->end > hi ? x->end : hi;
            k++;
        }
    }
    steps st = {NULL, NULL, lo};
    bool packed = k && (uint64_t)hi - (uint64_t)lo < PACKED_SPAN_US;
    if (packed ? !(st.packed = malloc(k * sizeof *st.packed)) : !(st.wide = malloc((k + 1) * sizeof *st.wide)))
        return;
    k = 0;
    for (size_t i = 0; i < n; i++) {
        const pgm_session *x = &v[idx[i]];
        uint32_t place = 2 * idx[i];
        if (x->start != PGM_TS_UNKNOWN) {
            if (packed)
                st.packed[k++] = (uint64_t)(x->start - lo) << PLACE_BITS | place;
            else
                st.wide[k++] = (wide_step){x->start, place};
        }
        if (given_back(x)) {
            if (packed)
                st.packed[k++] = (uint64_t)(x->end - lo) << PLACE_BITS | (place + 1);
            else
                st.wide[k++] = (wide_step){x->end, place + 1};
        }
    }
    if (packed)
        sort_packed(st.packed, k);
    else
        sort_wide(st.wide, k);
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
        steps stretch = {st.packed ? st.packed + from : NULL, st.wide ? st.wide + from : NULL, st.t0};
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
    free(st.packed);
    free(st.wide);
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
        g->onset_path = pgm_sessions_cited_path(s, v[g->onset_session].start_at);
        g->onset_line = pgm_cite_line(v[g->onset_session].start_at);
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

/* Sessions by group (user, database, client, application: interned, so
 * equal pointers are equal keys), each group's in the order they opened:
 * 4-byte indices sorted with the sessions as context. */
static int by_group(const void *x, const void *y, void *ctx)
{
    const pgm_sessions *s = ctx;
    size_t n;
    const pgm_session *v = pgm_sessions_list(s, &n);
    uint32_t ia = *(const uint32_t *)x, ib = *(const uint32_t *)y;
    const pgm_session *a = &v[ia], *b = &v[ib];
    int c = 0;
    if (a->who != b->who) {
        const pgm_who *wa = pgm_sessions_who(s, a), *wb = pgm_sessions_who(s, b);
        c = cmp_text(wa->user, wb->user);
        c = c ? c : cmp_text(wa->db, wb->db);
        c = c ? c : cmp_text(wa->client, wb->client);
    }
    c = c ? c : (a->app > b->app) - (a->app < b->app);
    return c ? c : (ia > ib) - (ia < ib);
}

typedef struct group_run {
    size_t from, n;            /* in the sorted order */
} group_run;

static int by_size(const void *x, const void *y)
{
    const group_run *a = x, *b = y;
    if (a->n != b->n)
        return a->n < b->n ? 1 : -1;
    return (a->from > b->from) - (a->from < b->from);
}

static bool same_group(const pgm_session *a, const pgm_session *b)
{
    return a->who == b->who && a->app == b->app;
}

size_t pgm_growth_find(const pgm_sessions *s, int64_t exhaustion, const pgm_growth_restarts *apps,
                       size_t n_apps, pgm_growth *out, size_t cap, size_t *not_judged)
{
    size_t n, n_starts;
    const pgm_session *v = pgm_sessions_list(s, &n);
    const int64_t *starts = pgm_sessions_starts(s, &n_starts);
    *not_judged = 0;
    uint32_t *order = malloc((n + 1) * sizeof *order);
    if (!order)
        return 0;
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    if (n)
        qsort_r(order, n, sizeof *order, by_group, (void *)s);
    size_t n_runs = 0;
    for (size_t i = 0; i < n; i++)
        n_runs += !i || !same_group(&v[order[i]], &v[order[i - 1]]);
    group_run *runs = malloc((n_runs + 1) * sizeof *runs);
    if (!runs) {
        free(order);
        return 0;
    }
    n_runs = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && same_group(&v[order[i]], &v[order[i - 1]])) {
            runs[n_runs - 1].n++;
            continue;
        }
        runs[n_runs++] = (group_run){i, 1};
    }
    /* a leak is sessions piling up: the groups with most sessions are judged */
    if (n_runs > cap) {
        qsort(runs, n_runs, sizeof *runs, by_size);
        *not_judged = n_runs - cap;
        n_runs = cap;
    }
    for (size_t r = 0; r < n_runs; r++) {
        const pgm_session *first = &v[order[runs[r].from]];
        pgm_growth *g = &out[r];
        memset(g, 0, sizeof *g);
        const pgm_who *w = pgm_sessions_who(s, first);
        g->user = w->user;
        g->db = w->db;
        g->client = w->client;
        g->app = pgm_sessions_app_name(s, first->app);
        g->sessions = runs[r].n;
        const pgm_growth_restarts *app = NULL;
        for (size_t k = 0; k < n_apps && g->app && !app; k++)
            if (apps[k].app && strcmp(apps[k].app, g->app) == 0)
                app = &apps[k];
        int64_t b[PGM_GROWTH_MAX_BOUNDARIES];
        size_t nb = boundaries(starts, n_starts, app, b, PGM_GROWTH_MAX_BOUNDARIES);
        follow(s, order + runs[r].from, runs[r].n, exhaustion, b, nb, g);
    }
    free(order);
    free(runs);
    qsort(out, n_runs, sizeof *out, cmp_growth);
    return n_runs;
}
