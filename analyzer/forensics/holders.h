/* The sessions pg_stat_activity caught idle inside a transaction, one entry
 * per transaction (pid and its start), however many snapshots saw it: who
 * held it, since when, what it ran last, and the first row that shows it.
 * The postmortem's "idle-in-transaction holders" table. */
#ifndef PGM_HOLDERS_H
#define PGM_HOLDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/event.h"

/* Transactions followed, at most; more are counted, not listed. */
#define PGM_HOLDERS_MAX 1024u

typedef struct pgm_holder {
    long pid;
    char user[64], db[64], app[64], client[64];
    int64_t xact_start;          /* PGM_TS_UNKNOWN when the dump lacks it */
    int64_t first_seen, last_seen;
    unsigned snapshots;          /* how many showed it idle in transaction */
    char query[256];             /* the last statement it ran, shortened */
    char path[512];              /* the first row that shows it */
    uint64_t line;
} pgm_holder;

typedef struct pgm_holders {
    pgm_holder *v;
    size_t n;
    uint64_t dropped;
    bool oom;
} pgm_holders;

/* An activity.idle_in_transaction event. */
void pgm_holders_event(pgm_holders *h, const pgm_event *e);
/* Longest held first (by the time from xact_start to the last snapshot seeing it). */
void pgm_holders_sort(pgm_holders *h);
/* How long the transaction had been open at the last snapshot that saw it
 * (microseconds), -1 when its start is unknown. */
int64_t pgm_holder_open_us(const pgm_holder *v);
void pgm_holders_free(pgm_holders *h);

#endif
