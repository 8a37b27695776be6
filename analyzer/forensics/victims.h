/* Who waited on others' locks, and what was cancelled for it: the lock
 * waits PostgreSQL logs with log_lock_waits ("still waiting for ... Process
 * holding the lock: N"), and the statements lock_timeout (SQLSTATE 55P03)
 * or statement_timeout (57014) cancelled (PostgreSQL's proc.c and
 * postgres.c). An idle-in-transaction incident's impact: the holders' locks
 * stop everyone else's statements on the same rows. */
#ifndef PGM_VICTIMS_H
#define PGM_VICTIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/event.h"

/* Pids named as holding a lock, and waiting applications, told apart; more are counted. */
#define PGM_VICTIMS_MAX_BLOCKERS 16u
#define PGM_VICTIMS_MAX_APPS 8u

typedef struct pgm_victim_first {
    int64_t t;                   /* PGM_TS_UNKNOWN: none */
    char path[512];
    uint64_t line;
    long pid;
    char app[64];
} pgm_victim_first;

typedef struct pgm_victims {
    uint64_t waits, lock_timeouts, statement_timeouts;
    pgm_victim_first first_wait, first_cancel;
    long blockers[PGM_VICTIMS_MAX_BLOCKERS];
    size_t n_blockers;
    char apps[PGM_VICTIMS_MAX_APPS][64]; /* the waiting or cancelled sessions' applications ("" unnamed) */
    size_t n_apps;
    uint64_t blockers_over, apps_over;
} pgm_victims;

void pgm_victims_init(pgm_victims *v);
/* A lock.waiting, stmt.lock_timeout or stmt.timeout event; others are ignored. */
void pgm_victims_event(pgm_victims *v, const pgm_event *e);
/* Whether pid is among those named as holding a lock. */
bool pgm_victims_blocked_by(const pgm_victims *v, long pid);

#endif
