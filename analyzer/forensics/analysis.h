/* From the events of a bundle to what happened: the server's sessions and
 * curve, the group that grew, the application's own account (leak traces and
 * their code locations, pool starts, timeouts), the pg_stat_activity
 * snapshots, and the competing explanations scored against each other
 * (CONTRACTS.md verdict kinds). Fed every event of one scan (one thread:
 * server log events in the order the server wrote them); memory grows with
 * sessions, pools and code locations, not with the logs. */
#ifndef PGM_ANALYSIS_H
#define PGM_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "forensics/growth.h"
#include "forensics/sessions.h"
#include "lint/lint.h"
#include "model/event.h"
#include "pglog/classify.h"
#include "rules/facts.h"

/* Server logs told apart (one tracker each), at most. */
#define PGM_ANALYSIS_MAX_LOGS 16u
/* Distinct leak code locations kept. */
#define PGM_ANALYSIS_MAX_LOCATIONS 64u
/* Leak reports kept to match a later "returned (unleaked)". */
#define PGM_ANALYSIS_MAX_LEAKS 65536u
/* Pool numbers above this many pools per JVM mean pools made and never closed. */
#define PGM_CHURN_MIN_POOLS 3
/* Lost clients or broken pooled connections that point at the network, at least. */
#define PGM_NETWORK_MIN_LOSSES 3
/* Lock waits, statement timeouts or long statements that point at slow queries, at least. */
#define PGM_SLOW_MIN_SIGNS 3
/* A statement this long held its connection for long (microseconds). */
#define PGM_SLOW_STATEMENT_US (10LL * 1000000)
/* pg_stat_activity snapshots kept for the curve when the log has no connections. */
#define PGM_ANALYSIS_MAX_SNAPSHOTS 100000u
/* Pools and configuration findings carried into the report, at most. */
#define PGM_ANALYSIS_MAX_POOLS 64u
#define PGM_ANALYSIS_MAX_FINDINGS 256u
/* Services (or user@db) named as hit by the outage; operator actions per log. */
#define PGM_ANALYSIS_MAX_HITS 16u
#define PGM_ANALYSIS_MAX_ACTIONS 32u
/* Restarts of one service named as key moments; more are counted. */
#define PGM_ANALYSIS_MAX_RESTARTS 8u
/* Administrator terminations this close together are one action (microseconds). */
#define PGM_ANALYSIS_ACTION_BURST_US (5LL * 1000000)
/* Event kinds counted for the report's appendix; events of more kinds are counted apart. */
#define PGM_ANALYSIS_MAX_KINDS 256u
/* Configuration findings (critical, then high) the terminal summary names. */
#define PGM_SUMMARY_TOP_FINDINGS 3u
/* A series in the JSON report keeps at most twice this many points (a
 * bucket's lowest and highest); shorter ones keep every point. */
#define PGM_JSON_SERIES_BUCKETS 1000u
/* The JSON's series by user, by database and by client: at most this many
 * of each, those that go highest; the others' sessions are one more, "(other)". */
#define PGM_ANALYSIS_MAX_SERIES_KEYS 64u
/* pg_stat_activity rows kept to name the logged sessions' applications, at most. */
#define PGM_ANALYSIS_MAX_APP_ROWS 50000u
/* Sessions the remediation names by pid (leaked, idle in a transaction), at most. */
#define PGM_ANALYSIS_MAX_NAMED 500u
/* An application whose logs are several pods' (replicas) is split by pod:
 * a session it opened within this long after a pod's pool started, and
 * before the next pod's did, is taken as that pod's (HikariCP fills its pool
 * right after it starts); the others stay "(pod unknown)". */
#define PGM_POD_FILL_WINDOW_US (30LL * 1000000)
/* Pools that started closer together than this cannot be told apart by time:
 * no split. */
#define PGM_POD_MIN_GAP_US (2LL * 1000000)
/* Sessions listed as held longest. */
#define PGM_ANALYSIS_LONGEST 10u
/* Monitoring agents' sessions named where they are left out of those (the
 * rest counted: "and 3 more"). */
#define PGM_ANALYSIS_MONITORING_LISTED 4u
/* A burst into the slots: sessions of one group opened in this long before
 * the first refusal (a deploy filling its pool, a scale-out, a batch), at
 * least this many. */
#define PGM_BURST_WINDOW_US (10LL * 1000000)
#define PGM_BURST_MIN_SESSIONS 3
/* Groups of the sessions open at the first refusal told apart in the
 * report; the rest are counted together. */
#define PGM_AT_REFUSAL_GROUPS 8u
/* A session a pg_stat_activity row taken after a refusal shows idle since
 * at least this long before it sat unused through it; such rows are looked
 * for in the snapshots up to PGM_UNUSED_AFTER_US after the refusal. */
#define PGM_UNUSED_US (5LL * 1000000)
#define PGM_UNUSED_AFTER_US (60LL * 1000000)
/* Pools made and never closed, from the server's side: a snapshot shows at
 * least this many of the growing group's sessions, every one of them used
 * only within PGM_USED_ONCE_US of opening and idle since. */
#define PGM_CHURN_ROWS_MIN 5
/* Held sessions that end together: open this long at least, their ends
 * within this window (an application's pool closed at its stop). */
#define PGM_LONG_LIFE_US (60LL * 1000000)
#define PGM_TOGETHER_US (2LL * 1000000)
#define PGM_USED_ONCE_US (500LL * 1000)

enum pgm_verdict {
    PGM_VERDICT_LEAK, PGM_VERDICT_IDLE_IN_TRANSACTION, PGM_VERDICT_CAPACITY,
    PGM_VERDICT_POOL_CHURN, PGM_VERDICT_NETWORK, PGM_VERDICT_SLOW_QUERIES,
    PGM_VERDICT_NONE, PGM_VERDICT_INCONCLUSIVE, PGM_VERDICT_COUNT
};

typedef struct pgm_code_location {
    char frame[256], at[128];
    unsigned count;
    int64_t first, last;
    char first_path[512];    /* the first report's line */
    uint64_t first_line;
} pgm_code_location;

typedef struct pgm_hypothesis {
    enum pgm_verdict kind;
    int score;                 /* higher is likelier; <= 0 ruled out */
    char summary[512];
    char evidence[6][512];     /* "path:line: what it shows"; when more were weighed, the last says how many */
    size_t n_evidence;
    unsigned n_unlisted;       /* signs weighed past the room: the last line says so */
    char why_not[256];         /* ruled out (score <= 0): what the evidence shows instead */
} pgm_hypothesis;

typedef struct pgm_analysis pgm_analysis;

int pgm_analysis_open(pgm_analysis **out);
void pgm_analysis_event(pgm_analysis *a, const pgm_event *e);
/* Inputs kept in the report's inventory, at most; key moments, at most. */
#define PGM_ANALYSIS_MAX_INPUTS 4096u
#define PGM_ANALYSIS_MAX_MOMENTS 64u

typedef struct pgm_moment {
    int64_t t;
    char text[256];
    char path[1024];         /* evidence; "" when it has no line of its own */
    uint64_t line;
} pgm_moment;

struct pgm_scan;
/* What the scan read (the report's inventory and coverage), and how long it took. */
int pgm_analysis_set_inputs(pgm_analysis *a, const struct pgm_scan *scan, int64_t elapsed_ms);
/* The key moments in time order (valid after finish). */
const pgm_moment *pgm_analysis_moments(const pgm_analysis *a, size_t *n);

/* The configuration the bundle holds (lint's facts and findings): the
 * server's slots and the fleet's pools weigh in the verdict and the report. */
int pgm_analysis_set_config(pgm_analysis *a, const pgm_facts *facts, const pgm_lint *lint);
struct pgm_ruleset;
/* The rules in force: their threshold rules run over the bundle's events
 * (call before the first event). PGM_OK or PGM_FATAL. */
int pgm_analysis_set_rules(pgm_analysis *a, const struct pgm_ruleset *rs);
/* What the analysis reads of server log events, for the scan that feeds it
 * (pgm_scan.reads; set after pgm_analysis_set_rules): a statement's duration
 * alone unless it is slow, its message then the evidence, or a threshold
 * rule counts durations. Not for a run that also writes the events out. */
pgm_pg_reads pgm_analysis_reads(const pgm_analysis *a);
/* Whether all pgm_analysis_event would do with `e` is count it by its kind
 * (a fast statement's duration): a caller that hands events on between
 * threads may count such events itself, and add them with
 * pgm_analysis_count_events, once at least one of their kind has been handed
 * on where it came (the kinds are listed in the order they were first met). */
bool pgm_analysis_counts_only(const pgm_analysis *a, const pgm_event *e);
void pgm_analysis_count_events(pgm_analysis *a, const char *kind, uint64_t n);
/* Decides. PGM_OK or PGM_FATAL. */
int pgm_analysis_finish(pgm_analysis *a);

/* The caps above that evidence met: what each left out. */
enum pgm_analysis_cap {
    PGM_ANALYSIS_CAP_LOGS, PGM_ANALYSIS_CAP_LOCATIONS, PGM_ANALYSIS_CAP_LEAKS,
    PGM_ANALYSIS_CAP_HITS, PGM_ANALYSIS_CAP_ACTIONS, PGM_ANALYSIS_CAP_SNAPSHOTS,
    PGM_ANALYSIS_CAP_POOLS, PGM_ANALYSIS_CAP_SERVICES, PGM_ANALYSIS_CAP_APP_ROWS,
    PGM_ANALYSIS_CAP_INPUTS, PGM_ANALYSIS_CAP_MOMENTS, PGM_ANALYSIS_CAP_FINDINGS,
    PGM_ANALYSIS_CAP_SESSIONS, PGM_ANALYSIS_CAP_HOLDERS, PGM_ANALYSIS_CAP_SYSTEM,
    PGM_ANALYSIS_CAP_RESTARTS, PGM_ANALYSIS_CAP_GROUPS, PGM_ANALYSIS_CAP_SESSION_APPS, PGM_ANALYSIS_CAP_STARTS,
    PGM_ANALYSIS_CAP_CLOCKS, PGM_ANALYSIS_CAP_THRESHOLDS, PGM_ANALYSIS_CAP_STATS_TIMEOUTS,
    PGM_ANALYSIS_CAP_POOLER_POOLS, PGM_ANALYSIS_CAP_POOLER_OPEN, PGM_ANALYSIS_CAP_POOLER_POINTS,
    PGM_ANALYSIS_CAP_POOLER_PROCESSES, PGM_ANALYSIS_CAP_NAMED, PGM_ANALYSIS_CAP_SERIES_KEYS,
    PGM_ANALYSIS_CAP_COUNT
};
/* Calls say() with a sentence for each cap the evidence went past (which
 * limit, what it left out); returns how many. */
size_t pgm_analysis_caps_reached(const pgm_analysis *a, void (*say)(void *ctx, const char *msg),
                                 void *ctx);
/* Calls say() with a sentence for each server log that took on files its
 * names did not tie to it: pieces of its folder and extension whose times
 * went on from where it was (PostgreSQL's log_filename with its time in
 * the name: bundle/rotation.h, pgm_rotation_siblings); returns how many. */
size_t pgm_analysis_joined_logs(const pgm_analysis *a, void (*say)(void *ctx, const char *msg), void *ctx);
void pgm_analysis_close(pgm_analysis *a);

/* PgBouncer's part of the verdict, sentences without markup: the leak's
 * suspect behind it (when the server's side names none; "" otherwise) and
 * its impact. False when the bundle has no PgBouncer log. */
bool pgm_analysis_pooler_words(const pgm_analysis *a, char *suspect, char *impact, size_t cap);
/* The zone the human formats show times in (--display-tz; the JSON stays in
 * UTC): `z` and its tz (if any) must outlive the analysis; name as the user
 * gave it. */
struct pgm_zone;
void pgm_analysis_set_display_zone(pgm_analysis *a, const struct pgm_zone *z, const char *name);
/* The cited lines read again for the human reports' appendix
 * (report/quotes.h); borrowed until the analysis is closed; NULL: none. */
struct pgm_quotes;
void pgm_analysis_set_quotes(pgm_analysis *a, const struct pgm_quotes *q);
/* Whether the sentences about to be written are for a human format (md,
 * html, text: times as pgm_analysis_time_text makes them) or for the JSON
 * (ISO 8601 in UTC, always; the default). */
void pgm_analysis_set_human_times(pgm_analysis *a, bool human);
/* A time as the human formats show it: in the display zone, without the date
 * when every key moment falls on one day there ("02:21:50.570"); else the
 * date too ("2026-11-27 03:21:50.570"), or ISO 8601 in UTC without a zone
 * given. "unknown" for PGM_TS_UNKNOWN. */
const char *pgm_analysis_time_text(const pgm_analysis *a, int64_t us, char *out, size_t cap);
/* The sentence that says the times' zone and their day ("Times in UTC, all on
 * 2026-11-27."). */
const char *pgm_analysis_time_note(const pgm_analysis *a, char *out, size_t cap);
/* The open client sessions over time every format draws and the alerts are
 * fitted to: exact from the primary server log's connection lines (*exact),
 * else as the pg_stat_activity snapshots (or the pools' stats) sampled them;
 * *n 0 when neither. */
const pgm_curve_point *pgm_analysis_connections(const pgm_analysis *a, size_t *n, bool *exact);
/* An input's id in the reports' citations (E1 for the first input listed),
 * 0 when the path is none of them. */
size_t pgm_analysis_input_id(const pgm_analysis *a, const char *path);
/* Whether a server log's messages were mostly of no kind the rules know
 * (read wrong, or from a server pgmortem does not read): what it lacks, the
 * connection lines among it, says nothing of the server's settings. */
bool pgm_analysis_pg_log_misread(const pgm_analysis *a);
/* The peak against the usable slots, a sentence without markup; above them,
 * why it can be (the reserved slots admit superusers) and the users open
 * then. False when the server's log paired no session. */
bool pgm_analysis_peak_words(const pgm_analysis *a, char *out, size_t cap);
/* The leaking group in a sentence without markup: the sessions it held and
 * never gave back when it was judged (those from before the rise among
 * them), from when, how fast. False when the verdict is no leak the server's
 * log shows growing. */
bool pgm_analysis_leak_words(const pgm_analysis *a, char *out, size_t cap);
/* The code a leak's connections were borrowed by, as HikariCP's leak reports
 * name it (the most reported location), a sentence without markup; false
 * when the verdict is no leak or no report names one. */
bool pgm_analysis_culprit_words(const pgm_analysis *a, char *out, size_t cap);
/* Sessions left idle in a transaction, sentences without markup: the suspect
 * (the application that left them, how many, the first) and the impact (who
 * waited on their locks, what lock_timeout or statement_timeout cancelled).
 * False when the verdict is not idle_in_transaction. */
bool pgm_analysis_holder_words(const pgm_analysis *a, char *suspect, char *impact, size_t cap);
/* Where the exhaustion happened, a sentence (false: nothing ran out). */
bool pgm_analysis_where(const pgm_analysis *a, char *out, size_t cap);
/* Behind PgBouncer: the pool that held the leaked connections, NULL when none is known. */
struct pgm_pooler_pool;
const struct pgm_pooler_pool *pgm_analysis_pooler_suspect(const pgm_analysis *a);
/* A PgBouncer pool's mode: SHOW POOLS's, else pgbouncer.ini's, "" when neither says. */
const char *pgm_analysis_pool_mode(const pgm_analysis *a, const struct pgm_pooler_pool *p);

/* The hypotheses, best first; the verdict is the first. */
const pgm_hypothesis *pgm_analysis_hypotheses(const pgm_analysis *a, size_t *n);
const char *pgm_verdict_name(enum pgm_verdict v);
/* "high", "medium" or "low": how far the verdict stands above the next. */
const char *pgm_analysis_confidence(const pgm_analysis *a);
/* What the side the bundle lacks (the applications' logs, their
 * configuration) would add to the verdict; "" when nothing. */
const char *pgm_analysis_confirm(const pgm_analysis *a);
/* Where the server's side and the applications' disagree: the statements, *n of them. */
const char (*pgm_analysis_disagreements(const pgm_analysis *a, size_t *n))[512];

/* The application split by pod (its sessions attributed to the pod whose
 * pool started just before; see PGM_POD_FILL_WINDOW_US), NULL when none;
 * *why_not says why an application with several pods' logs is not split. */
const char *pgm_analysis_pod_split(const pgm_analysis *a, const char **why_not);
/* Its pods, "(pod unknown)" last when some sessions fall outside every
 * pod's fill window: name and exact curve. */
size_t pgm_analysis_pod_count(const pgm_analysis *a);
const char *pgm_analysis_pod_name(const pgm_analysis *a, size_t i);
const pgm_curve *pgm_analysis_pod_curve(const pgm_analysis *a, size_t i);
/* The pod a session of the split application is attributed to (an index
 * of the above), or SIZE_MAX when it is not that application's. */
size_t pgm_analysis_pod_of(const pgm_analysis *a, const pgm_session *v);

#endif
