/* Which group of sessions kept growing before the server ran out: the
 * shared signal of a leak, sessions left idle in a transaction, pool churn
 * and an over-committed fleet (the evidence around it tells them apart).
 * A group is a (user, database, client, application) of pgm_sessions. Its
 * open count is followed up to the reference time (the first refusal, else
 * the group's highest point): the baseline is the lowest count after its
 * start-up (its first seconds), the onset the first rise after the last time it stood at
 * the baseline, and the growth what it holds at the reference above that. */
#ifndef PGM_GROWTH_H
#define PGM_GROWTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "forensics/sessions.h"

/* A group grows when it gained at least this many sessions... */
#define PGM_GROWTH_MIN_SESSIONS 3
/* ...over at least this long, giving back at most half of them. */
#define PGM_GROWTH_MIN_SPAN_US (20LL * 1000000)
/* The group's first seconds are its start-up (a pool filling), not growth. */
#define PGM_GROWTH_STARTUP_US (5LL * 1000000)
/* Sessions opened within one second that count as one burst (a pool filling). */
#define PGM_GROWTH_BURST 4
/* Groups followed, at most. */
#define PGM_GROWTH_MAX_GROUPS 256u
/* A group's runs told apart (the server's starts and its application's restarts), at most. */
#define PGM_GROWTH_MAX_BOUNDARIES 64u

typedef struct pgm_growth {
    const char *user, *db, *client, *app;
    size_t sessions;               /* authorized in the group */
    int32_t baseline, held;        /* held: open at the reference time */
    int64_t onset, ref;            /* UTC us */
    const char *onset_path;        /* the line that opened the first session of the rise */
    uint64_t onset_line;
    size_t onset_session;          /* its number (pgm_sessions_get), SIZE_MAX: none */
    double rate_per_min;           /* sessions gained per minute from onset to ref */
    unsigned opened, closed;       /* between onset and ref */
    unsigned bursts;               /* seconds in that span with >= PGM_GROWTH_BURST openings */
    bool growing;
} pgm_growth;

/* An application's restarts (its pool started again by a new process, or
 * after a shutdown): each gave its sessions back, so its groups are judged
 * run by run there too, as at the server's restarts. */
typedef struct pgm_growth_restarts {
    const char *app;               /* the application's name, as the sessions carry it */
    const int64_t *t;              /* in time order */
    size_t n;
} pgm_growth_restarts;

/* The groups, largest growth first; `exhaustion` is the first refusal or
 * PGM_TS_UNKNOWN; `apps` (n_apps of them, NULL: none) the applications'
 * restarts. Returns how many were written (at most cap): with more groups
 * than that, those with most sessions; *not_judged gets how many were left. */
size_t pgm_growth_find(const pgm_sessions *s, int64_t exhaustion, const pgm_growth_restarts *apps,
                       size_t n_apps, pgm_growth *out, size_t cap, size_t *not_judged);

#endif
