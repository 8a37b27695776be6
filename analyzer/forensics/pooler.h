/* The PgBouncer tier of a postmortem: from PgBouncer's log, each
 * database/user pool's clients (the applications' connections) and server
 * connections over time, who waited for a server connection and gave up
 * (query_wait_timeout), who its client limit refused (max_client_conn), and
 * whether the server refused PgBouncer's own logins. From these, where the
 * exhaustion happened: PgBouncer's client limit, one of its pools, or the
 * server behind it (PgBouncer's docs, "Configuration" and "Usage"). */
#ifndef PGM_POOLER_H
#define PGM_POOLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "forensics/sessions.h"
#include "model/event.h"

/* PgBouncer processes told apart by their pid, each with the stream it logs to. */
#define PGM_POOLER_MAX_PROCESSES 64u
/* Pools (database/user pairs) followed; the others are counted together. */
#define PGM_POOLER_MAX_POOLS 64u
/* Client and server connections followed while open, at once. */
#define PGM_POOLER_MAX_OPEN 262144u
/* Points of the pools' curves kept, all pools together (16 bytes each: 4 MiB):
 * past them the curves stop, said. */
#define PGM_POOLER_MAX_POINTS (1u << 18)

enum pgm_tier {
    PGM_TIER_NONE,              /* nothing ran out */
    PGM_TIER_APPLICATION_POOL,  /* only the applications' own pools timed out */
    PGM_TIER_PGBOUNCER_CLIENTS, /* PgBouncer refused clients: max_client_conn */
    PGM_TIER_PGBOUNCER_POOL,    /* a PgBouncer pool had no server connection to give: clients waited */
    PGM_TIER_SERVER,            /* the server refused connections (PgBouncer's or anyone's) */
};
const char *pgm_tier_name(enum pgm_tier t);

typedef struct pgm_pooler_pool {
    char db[64], user[64];
    char client[64];             /* the address most of its timed-out (else logged-in) clients came from */
    int clients, clients_peak;   /* open client connections (logins not yet closed) */
    int servers, servers_peak;   /* open server connections */
    int64_t clients_peak_at, servers_peak_at;
    uint64_t logins, wait_timeouts, timeouts, server_login_failures;
    int64_t first_wait_timeout;  /* PGM_TS_UNKNOWN: none */
    const char *first_wait_path; /* the event's path, kept by the pooler */
    uint64_t first_wait_line;
    long first_wait_age_s;       /* the client's age then, as PgBouncer printed it */
    /* the curves: open clients and open server connections at each change (owned) */
    pgm_curve_point *clients_curve, *servers_curve;
    size_t n_clients_curve, n_servers_curve, cap_clients_curve, cap_servers_curve;
    /* from SHOW POOLS results: the pool's mode, the most clients seen waiting
     * and the longest wait, with the row that showed it */
    char pool_mode[16];
    long waiting_seen, maxwait_s;
    const char *waiting_path;
    uint64_t waiting_line;
} pgm_pooler_pool;

typedef struct pgm_pooler pgm_pooler;

int pgm_pooler_open(pgm_pooler **out);
void pgm_pooler_close(pgm_pooler *p);
enum pgm_pooler_take {
    PGM_POOLER_NOT_OURS,   /* no pgbouncer.* event */
    PGM_POOLER_COUNTED,
    PGM_POOLER_REPEATED,   /* a second destination's line: taken, not counted again */
};
/* Takes an event of `stream` (the pieces of one rotated log are one
 * stream). The same PgBouncer process's lines met again in another stream
 * (its logfile and its syslog, both in the bundle) are a second destination. */
enum pgm_pooler_take pgm_pooler_event(pgm_pooler *p, const pgm_event *e, const char *stream);
/* After the last event: the pools ordered for pgm_pooler_pools, the open
 * connections' table let go. */
void pgm_pooler_finish(pgm_pooler *p);
/* Events of PgBouncer processes past PGM_POOLER_MAX_PROCESSES: not checked for a second destination. */
uint64_t pgm_pooler_processes_over(const pgm_pooler *p);
/* Events of a second destination left out, and the first such stream ("" when none). */
uint64_t pgm_pooler_repeated(const pgm_pooler *p, const char **stream);
/* Whether any PgBouncer event was seen. */
bool pgm_pooler_seen(const pgm_pooler *p);
/* The pools; after pgm_pooler_finish most timed-out first (then most server
 * connections at peak). */
const pgm_pooler_pool *pgm_pooler_pools(const pgm_pooler *p, size_t *n);
/* Pools past PGM_POOLER_MAX_POOLS, connections past PGM_POOLER_MAX_OPEN (not
 * followed), changes past PGM_POOLER_MAX_POINTS (not on the curves). */
void pgm_pooler_over(const pgm_pooler *p, uint64_t *pools, uint64_t *connections, uint64_t *points);

typedef struct pgm_pooler_refusals {
    uint64_t clients;               /* max_client_conn refusals */
    int64_t first_client;
    const char *client_path;
    uint64_t client_line;
    uint64_t server_logins;         /* PgBouncer's logins the server refused or failed */
    int64_t first_server_login;
    const char *server_login_path;
    uint64_t server_login_line;
    char server_error[256];         /* the server's words, when PgBouncer logged them */
    char server_login_pool[130];    /* the first refused login's database/user */
} pgm_pooler_refusals;
const pgm_pooler_refusals *pgm_pooler_refused(const pgm_pooler *p);

/* Where the exhaustion happened, given what the server's log and the
 * applications' logs say (server_refused: the server refused connections;
 * app_timeouts: the applications' pools timed out). *pool: the PgBouncer
 * pool it happened in (PGM_TIER_PGBOUNCER_POOL), else NULL. */
enum pgm_tier pgm_pooler_tier(const pgm_pooler *p, bool server_refused, bool app_timeouts,
                              const pgm_pooler_pool **pool);

#endif
