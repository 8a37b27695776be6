#include "forensics/clocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "text/timestamp.h"
#include "util/rc.h"

typedef struct report {
    int64_t t, wait;
} report;

typedef struct source {
    char path[512];           /* the stream */
    char shown[512];          /* its first file */
    bool server;
    int64_t *refusals;        /* server: times, in the server's order */
    size_t n_refusals;
    report *reports;          /* application */
    size_t n_reports;
} source;

struct pgm_clocks {
    source v[PGM_CLOCKS_MAX_SOURCES];
    size_t n;
    uint64_t events_over;      /* refusals and reports of logs past the sources kept */
};

int pgm_clocks_open(pgm_clocks **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? PGM_OK : PGM_FATAL;
}

/* A source is a stream: the pieces of one log keep one clock. */
static source *source_of(pgm_clocks *c, const char *stream, const char *file, bool server)
{
    char path[sizeof c->v[0].path];
    snprintf(path, sizeof path, "%s", stream);
    for (size_t i = c->n; i-- > 0;)
        if (c->v[i].server == server && strcmp(c->v[i].path, path) == 0)
            return &c->v[i];
    if (c->n == PGM_CLOCKS_MAX_SOURCES) {
        c->events_over++;
        return NULL;
    }
    source *s = &c->v[c->n++];
    snprintf(s->path, sizeof s->path, "%s", path);
    snprintf(s->shown, sizeof s->shown, "%s", file);
    s->server = server;
    return s;
}

/* The application saw the server refuse a connection for lack of slots. */
static bool reports_refusal(const pgm_event *e)
{
    static const char *const fields[] = {"msg", "cause", "entry"};
    /* the server's own words (a bare 53300 in free text could be anything) */
    static const char *const signs[] = {"remaining connection slots are reserved", "too many clients already",
                                        "SQLState: 53300"};
    if (pgm_event_field(e, "sqlstate") && strcmp(pgm_event_field(e, "sqlstate"), "53300") == 0)
        return true;
    for (size_t f = 0; f < 3; f++) {
        const char *v = pgm_event_field(e, fields[f]);
        for (size_t k = 0; v && k < 3; k++)
            if (strstr(v, signs[k]))
                return true;
    }
    return false;
}

void pgm_clocks_event(pgm_clocks *c, const pgm_event *e, const char *stream)
{
    if (e->t == PGM_TS_UNKNOWN || !e->path)
        return;
    if (e->kind_id == PGM_EV_CONN_REFUSED_TOO_MANY_CLIENTS || e->kind_id == PGM_EV_CONN_REFUSED_RESERVED_SLOTS) {
        source *s = source_of(c, stream, e->path, true);
        if (!s || s->n_refusals == PGM_CLOCKS_MAX_REFUSALS)
            return;
        if (!s->refusals && !(s->refusals = malloc(PGM_CLOCKS_MAX_REFUSALS * sizeof *s->refusals)))
            return;
        s->refusals[s->n_refusals++] = e->t;
        return;
    }
    if (strncmp(e->kind, "hikari.", 7) != 0 && strncmp(e->kind, "app.", 4) != 0)
        return;
    if (!reports_refusal(e))
        return;
    source *s = source_of(c, stream, e->path, false);
    if (!s || s->n_reports == PGM_CLOCKS_MAX_REPORTS)
        return;
    if (!s->reports && !(s->reports = malloc(PGM_CLOCKS_MAX_REPORTS * sizeof *s->reports)))
        return;
    const char *elapsed = pgm_event_field(e, "elapsed_ms");
    long ms = elapsed ? strtol(elapsed, NULL, 10) : -1;
    s->reports[s->n_reports].t = e->t;
    s->reports[s->n_reports].wait = ms > 0 && ms < 3600000 ? ms * 1000LL : PGM_CLOCKS_DEFAULT_WAIT_US;
    s->n_reports++;
}

static int cmp_time(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* Is there a refusal in [lo, hi]? (sorted times) */
static bool any_between(const int64_t *v, size_t n, int64_t lo, int64_t hi)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (v[m] < lo)
            a = m + 1;
        else
            b = m;
    }
    return a < n && v[a] <= hi;
}

/* Reports that line up when the log's clock is `d` ahead of the server's. */
static unsigned score(const source *app, const int64_t *refusals, size_t n, int64_t d)
{
    unsigned hits = 0;
    for (size_t i = 0; i < app->n_reports; i++) {
        int64_t t = app->reports[i].t - d;
        hits += any_between(refusals, n, t - app->reports[i].wait - PGM_CLOCKS_TOLERANCE_US,
                            t + PGM_CLOCKS_TOLERANCE_US);
    }
    return hits;
}

size_t pgm_clocks_offsets(const pgm_clocks *c, const char *server_path, pgm_clock_offset *out, size_t cap)
{
    const source *server = NULL;
    for (size_t i = 0; i < c->n && server_path; i++)
        if (c->v[i].server && strcmp(c->v[i].path, server_path) == 0)
            server = &c->v[i];
    if (!server || !server->n_refusals)
        return 0;
    int64_t *sorted = malloc(server->n_refusals * sizeof *sorted);
    if (!sorted)
        return 0;
    memcpy(sorted, server->refusals, server->n_refusals * sizeof *sorted);
    qsort(sorted, server->n_refusals, sizeof *sorted, cmp_time);
    size_t n_out = 0;
    for (size_t i = 0; i < c->n && n_out < cap; i++) {
        const source *app = &c->v[i];
        if (app->server || app->n_reports < PGM_CLOCKS_MIN_MATCHES)
            continue;
        unsigned none = score(app, sorted, server->n_refusals, 0), best = none;
        int64_t best_d = 0;
        /* candidates: the first report placed at each refusal, at each end of its wait */
        for (size_t j = 0; j < server->n_refusals; j++)
            for (int end = 0; end < 2; end++) {
                int64_t d = app->reports[0].t - sorted[j] - (end ? app->reports[0].wait : 0);
                unsigned sc = score(app, sorted, server->n_refusals, d);
                int64_t ad = d < 0 ? -d : d, abest = best_d < 0 ? -best_d : best_d;
                if (sc > best || (sc == best && ad < abest)) {
                    best = sc;
                    best_d = d;
                }
            }
        /* every offset in a range lines up as many: the middle of the range around the best */
        if (best > none) {
            int64_t lo = best_d, hi = best_d;
            while (best_d - lo < PGM_CLOCKS_SEARCH_US && score(app, sorted, server->n_refusals, lo - PGM_CLOCKS_STEP_US) == best)
                lo -= PGM_CLOCKS_STEP_US;
            while (hi - best_d < PGM_CLOCKS_SEARCH_US && score(app, sorted, server->n_refusals, hi + PGM_CLOCKS_STEP_US) == best)
                hi += PGM_CLOCKS_STEP_US;
            best_d = lo + (hi - lo) / 2;
        }
        int64_t abs_d = best_d < 0 ? -best_d : best_d;
        /* claimed only when clearly better than the clocks agreeing */
        if (best >= PGM_CLOCKS_MIN_MATCHES && best > none && best * 5 >= app->n_reports * 4 &&
            abs_d >= PGM_CLOCKS_MIN_OFFSET_US) {
            pgm_clock_offset *o = &out[n_out++];
            snprintf(o->path, sizeof o->path, "%s", app->path);
            snprintf(o->shown, sizeof o->shown, "%s", app->shown);
            o->offset_us = best_d;
            o->matched = best;
            o->reports = (unsigned)app->n_reports;
            o->matched_unshifted = none;
        }
    }
    free(sorted);
    return n_out;
}

uint64_t pgm_clocks_over(const pgm_clocks *c)
{
    return c->events_over;
}

void pgm_clocks_close(pgm_clocks *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].refusals);
        free(c->v[i].reports);
    }
    free(c);
}
