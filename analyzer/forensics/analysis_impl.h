/* The analysis' state, for the writers of its formats (JSON here, Markdown in
 * analyzer/report/): one model, every format reads the same fields. Not for
 * anyone else: use analysis.h. */
#ifndef PGM_ANALYSIS_IMPL_H
#define PGM_ANALYSIS_IMPL_H
/* Pools (of any log) whose "Timeout failure stats" lines are paired with
 * their exceptions at once; the oldest is forgotten, said
 * (PGM_ANALYSIS_CAP_STATS_TIMEOUTS): its exception, logged later, would count
 * a second time. */
#define PGM_ANALYSIS_MAX_STATS_TIMEOUTS 16u
/* How long after HikariCP's "Timeout failure stats" line the application
 * may log the exception of the same timeout. */
#define PGM_ANALYSIS_TIMEOUT_PAIR_US (10 * 1000000LL)

#include "forensics/alerting.h"
#include "forensics/pooler.h"
#include "forensics/analysis.h"
#include "forensics/clocks.h"
#include "forensics/holders.h"
#include "forensics/thresholds.h"
#include "forensics/victims.h"
#include "text/tzfile.h"
#include "util/intern.h"
#include "util/u64map.h"
#include "util/json.h"
#include "util/text_memo.h"

/* Who the outage reached: a service whose pool timed out, or a user@db the
 * server refused. */
typedef struct hit {
    char who[128];
    uint64_t count;
    int64_t first;
    char path[1024];
    uint64_t line;
} hit;

/* What an operator did, as the server logged it (kept per log, so that a
 * second destination of the same server does not repeat it). */
typedef struct operator_action {
    int64_t t, last;        /* terminations: the burst's first and latest */
    char text[200];
    const char *path;       /* the file of its line (interned) */
    uint64_t line;
    unsigned terminated;    /* sessions an administrator ended in this burst (0: another action) */
} operator_action;

typedef struct server_log {
    char path[1024];        /* the stream: a rotated log's pieces are one server's (bundle/rotation.h) */
    char shown[1024];       /* its first file, as the report names the log */
    pgm_sessions *s;
    uint64_t conn_events;
    hit refused[PGM_ANALYSIS_MAX_HITS];
    size_t n_refused;
    int64_t last_refusal;
    const char *last_refusal_path; /* interned */
    uint64_t last_refusal_line;
    operator_action actions[PGM_ANALYSIS_MAX_ACTIONS];
    size_t n_actions;
    uint64_t refused_over, actions_over; /* met beyond PGM_ANALYSIS_MAX_HITS / _ACTIONS */
    bool shutting_down;     /* after a shutdown request: its terminations are not an operator's */
    /* the pieces its names do not tie to it, taken on because their times
     * went on from where it was (bundle/rotation.h, pgm_rotation_siblings) */
    char siblings[1024];    /* the folder and extension such a piece shares */
    int64_t latest;         /* its latest time so far */
    uint64_t taken_on;      /* such pieces taken on */
    const char *last_taken; /* the last of them (interned) */
} server_log;

typedef struct leak_report {
    char connection[64];
    int loc;
    int64_t t;              /* when HikariCP reported it (the checkout was a threshold earlier) */
} leak_report;

typedef struct pool_fact {
    char name[128], service[128], path[512];
    char pool_name[128];    /* HikariCP's poolName as configured, "" when HikariPool-N */
    unsigned line;
    long maximum_pool_size, instances;
    long leak_threshold_ms;  /* leak-detection-threshold, -1 when not known */
} pool_fact;

/* The sessions of one group (user, database, client) open at the first
 * refusal: the arithmetic against the slots, and a burst into them. */
typedef struct refusal_group {
    const char *user, *db, *client, *app; /* the sessions tracker's (interned); app NULL when unknown */
    int open;               /* open at the first refusal */
    int opened_late;        /* of them, opened in the PGM_BURST_WINDOW_US before it */
    int ended_normally;     /* of them, ended by their own disconnection */
    int64_t last_end;       /* the last of those ends */
} refusal_group;

typedef struct finding_copy {
    char rule[32], severity[16], title[160], message[512], path[512], remediation[512];
    unsigned line;
    /* the rule's fix (remediation.c shows it as a diff) */
    char key[256], source[1024], fix_set[128], fix_to[128], fix_url_param[128];
    char file_kind[24];     /* the cited file's kind: spring_conf, hikari_conf, pg_conf... */
    bool has_source;        /* source is the cited line, whole */
    bool early_warning;     /* the rule is about seeing trouble early (tags forensics, connection-leak...) */
    bool from_events;       /* a threshold rule's episode in the logs, not the configuration */
    int64_t at;             /* from_events: when the episode began */
    unsigned file_lines;
} finding_copy;

/* Warnings of one input the report shows; the rest it counts ("and N
 * more"), and stderr says each unless --quiet. */
#define PGM_INPUT_WARNINGS_KEPT 4
/* ... and what the report says of the rest, given their count (a size_t) */
#define PGM_INPUT_WARNINGS_MORE "and %zu more warning(s), said on stderr (unless --quiet)"

typedef struct input_copy {
    char path[1024], kind[24], format[24];
    const char *envelope;  /* static: envelope.h's name, "" when the lines came in none */
    uint64_t wrapper_lines, wrapper_foreign; /* the envelope's own lines, and those not of its form */
    uint64_t bytes, lines, unparsed;
    int64_t first_ts, last_ts;
    size_t n_warnings;     /* all the scan said of it */
    size_t n_kept;         /* ... of which the first ones, here */
    char warnings[PGM_INPUT_WARNINGS_KEPT][256];
    bool misread;      /* a server log whose messages were mostly of no known kind */
    bool counted;      /* read line by line (a log, a dump): bytes and lines are known */
    /* a server log with a log_line_prefix: which, how it was found, how sure */
    char prefix[256], prefix_origin[160], prefix_rival[256];
    uint64_t prefix_tried, prefix_parsed;
    /* later lines read with another prefix, from this line (0: none) */
    char prefix_later[256];
    uint64_t prefix_later_line;
    bool prefix_changed;
} input_copy;

/* A service's pool starting: its first start (a deploy, or the start of the
 * evidence), and a start after its pool was shut down (a restart). */
typedef struct service_restart {
    int64_t t;
    const char *path;       /* interned */
    uint64_t line;
    bool unclean;           /* from a new process without a shutdown: killed or crashed */
} service_restart;

typedef struct service_start {
    char path[512], app[128];  /* path: the stream (a rotated log's pieces are one service's) */
    int64_t first;
    const char *first_path;    /* interned */
    uint64_t first_line;
    service_restart restart[PGM_ANALYSIS_MAX_RESTARTS]; /* the first ones */
    unsigned restarts;      /* all of them */
    bool stopped;
    char process[24];       /* the pid its pool last started in ("process"), "" when unknown */
} service_start;

/* What systemd or the kernel said of a service (rules/systemd): a key moment. */
typedef struct system_note {
    int64_t t;
    char text[sizeof ((pgm_moment *)0)->text]; /* a key moment's */
    char path[1024];
    uint64_t line;
} system_note;

/* A pg_stat_activity row, kept to name the logged sessions' applications. */
typedef struct app_row {
    int pid;
    int64_t seen, backend_start;
    char app[64], user[64], db[64], client[64]; /* app "" when the row names none */
    int64_t unused_since;   /* idle (or idle in transaction) since its state_change; PGM_TS_UNKNOWN: in use */
    char stats_view[32];    /* the statistics view its query read: a monitoring agent's session; "" none */
    const char *path;       /* the row's line (interned) */
    uint64_t line;
} app_row;

/* One pod of the application split by pod: its log's name and its pool's
 * first start; the last may be "(pod unknown)" (start PGM_TS_UNKNOWN). */
typedef struct pod_split {
    char name[96];
    const char *stream;     /* its service's stream (the analysis' own copy) */
    int64_t start;
    pgm_curve curve;
} pod_split;

/* A logged session a snapshot's row shows reading a statistics view: a
 * monitoring agent's, left out of the sessions held longest (it holds its
 * slot for as long as the log runs, and is no suspect). */
void pgm_pods_split(pgm_analysis *a, const pgm_sessions *s);
void pgm_pods_free(pgm_analysis *a);

typedef struct monitoring_session {
    const app_row *row;     /* the row that shows it (its first) */
    size_t session;         /* its index in the primary log's sessions */
} monitoring_session;

typedef struct kind_count {
    char kind[48];
    uint64_t count;
} kind_count;

struct pgm_analysis {
    pgm_pooler *pooler;                        /* PgBouncer's tier, from its log */
    enum pgm_tier tier;                        /* where the exhaustion happened */
    const pgm_pooler_pool *tier_pool;          /* ... the PgBouncer pool, for PGM_TIER_PGBOUNCER_POOL */
    input_copy *inputs;
    kind_count kinds[PGM_ANALYSIS_MAX_KINDS];   /* events by kind, as the rules classified them */
    size_t n_kinds;
    uint16_t kind_slots[2 * PGM_ANALYSIS_MAX_KINDS]; /* hash of the kind: its index + 1 */
    uint64_t kinds_dropped;                    /* events of kinds beyond the table */
    pgm_text_memo kind_counts;                 /* kind text -> its index in kinds, -1: none */
    const char *last_log_path;                 /* log_of's last answer, by the path's address */
    const char *stream_path;                   /* stream_of's last question, by its address */
    pgm_u64map joined;                         /* a server log's piece taken on (its interned path's
                                                  address): the log's index */
    char stream[1024];                         /* and its answer */
    pgm_interner paths;                        /* the files evidence is cited from */
    server_log *last_log;
    size_t n_inputs;
    uint64_t scan_bytes, scan_lines, scan_events;
    int64_t elapsed_ms;
    pgm_moment moments[PGM_ANALYSIS_MAX_MOMENTS];
    size_t n_moments;
    /* the configuration */
    long max_connections, reserved;     /* -1: not in the bundle */
    int log_connections, log_disconnections; /* the configuration's: 1 on, 0 off, -1 not in the bundle */
    char max_connections_at[600];
    pool_fact pools[PGM_ANALYSIS_MAX_POOLS];
    size_t n_pools;
    finding_copy *findings;
    size_t n_findings;
    uint64_t findings_dropped;
    pgm_thresholds *thresholds;        /* the threshold rules and the events they count */
    pgm_clocks *clocks;                /* refusals on both sides, to find clock offsets */
    pgm_clock_offset offsets[PGM_CLOCKS_MAX_SOURCES]; /* application logs whose clocks are off */
    size_t n_offsets;
    server_log logs[PGM_ANALYSIS_MAX_LOGS];
    size_t n_logs;
    int primary;
    /* the application's account */
    pgm_code_location locs[PGM_ANALYSIS_MAX_LOCATIONS];
    size_t n_locs;
    leak_report *leaks;
    size_t n_leaks;
    uint64_t leak_reports, slow_borrowers, app_timeouts;
    char pgb_pool_mode[16];                    /* pgbouncer.ini's pool_mode, "" when none was given */
    long pgb_query_wait_timeout_ms;            /* its query_wait_timeout, 0 when none or off */
    hit timed_out[PGM_ANALYSIS_MAX_HITS];  /* services whose pools timed out */
    size_t n_timed_out;
    char first_timeout_path[1024];
    uint64_t first_timeout_line;
    /* "Timeout failure stats" lines waiting for the exception the same
     * timeout throws (timeout_counted_once), the most recent streams' */
    struct stats_timeout {
        char stream[256], pool[64];
        int64_t last;
        uint32_t unpaired;
    } stats_timeouts[PGM_ANALYSIS_MAX_STATS_TIMEOUTS];
    size_t n_stats_timeouts, next_stats_timeout;
    int64_t first_timeout, first_leak_report;
    char leak_app[128];
    unsigned max_pool_number, pool_starts;
    service_start services[PGM_ANALYSIS_MAX_HITS];
    size_t n_services;
    system_note system[PGM_ANALYSIS_MAX_ACTIONS];
    size_t n_system;
    char pool_evidence[256];
    /* pg_stat_activity */
    unsigned snapshots;
    pgm_curve_point *snap_points;      /* client backends per snapshot, in arrival order */
    size_t n_snap_points;
    /* HikariCP's pool stats (DEBUG): each pool's total connections, as logged */
    struct {
        int64_t t;
        uint32_t pool;                 /* index into pool_keys */
        int32_t total;
    } *pool_samples;
    size_t n_pool_samples;
    char pool_keys[PGM_ANALYSIS_MAX_POOLS][192]; /* "path|pool": one pool of one process */
    size_t n_pool_keys;
    /* the curve when the log has no connection lines: the snapshots, else the
     * pools' totals summed over time; NULL source: none */
    pgm_curve_point *sampled;
    size_t n_sampled;
    const char *sampled_source;
    struct {
        int64_t t;
        uint64_t key;                  /* hash of the snapshot's largest group */
        long count;
    } *snap_top;
    size_t n_snap_top;
    long snap_growth_from, snap_growth_to;
    int max_idle_in_tx, max_client_backends;
    long top_sessions;                 /* the largest group any snapshot shows */
    char top_user[128], top_db[128], top_client[128], top_app[128];
    int64_t max_idle_in_tx_at;
    char idle_in_tx_evidence[256];
    uint64_t iit_terminations;
    pgm_holders holders;               /* idle in transaction, from the snapshots' rows */
    app_row *app_rows;                 /* every client row of the snapshots, up to a bound */
    size_t n_app_rows;
    size_t apps_named, apps_inferred;  /* sessions named from the rows, and by their user/db/client */
    /* a group refused while every session it held from before sat unused (the rows): the leak the
     * server sees without growth (a fixed pool drained inside) */
    struct {
        char group[200];               /* user@db from client */
        char who[128];                 /* user@db, as the refusals name it */
        char user[64], db[64];         /* the same, as the rows give them */
        int held, unused;              /* its sessions from before, and how many the rows show unused */
        size_t rows_from, rows_to;     /* the snapshot's rows (app_rows) */
        int64_t opened_before, unused_from; /* a held session opened before, and sat unused from */
        int64_t refused_at, seen, oldest_unused;
        const char *row_path, *refusal_path;
        uint64_t row_line, refusal_line;
    } held_unused;
    /* the growing group's sessions each used once, as it opened, and never again (a new pool per use) */
    struct {
        int rows;                      /* 0: not seen */
        int64_t seen;
        const char *path;
        uint64_t line;
    } used_once;
    /* the network and slow statements */
    uint64_t lost_clients, lost_in_transaction, broken_connections, lock_waits, stmt_timeouts, long_statements;
    int64_t first_cancel;              /* the first statement a timeout cancelled (statement_timeout, lock_timeout) */
    pgm_victims victims;               /* who waited on others' locks, and what was cancelled for it */
    char network_evidence[256], slow_evidence[256];
    /* decided */
    pgm_growth groups[PGM_GROWTH_MAX_GROUPS];
    size_t n_groups;
    int64_t exhaustion;
    int64_t recovery;
    refusal_group at_refusal[PGM_AT_REFUSAL_GROUPS]; /* the largest first */
    size_t n_at_refusal;
    int open_at_refusal;               /* client sessions open at the first refusal, all groups */
    int burst;                         /* the group that burst into the slots (index), -1: none */
    /* a leak that spans server restarts: the runs before the last, counted by the
     * application's leak reports (their sessions all ended at the restart) */
    unsigned leaked_before_restart;                  /* the open sessions fell back after the last refusal */
    uint64_t refusals;
    /* the application split by pod ("" none), its pods by start, why not split */
    char pod_app[128];
    unsigned pod_app_index;
    pod_split pods[PGM_ANALYSIS_MAX_HITS + 1]; /* one per service at most, and "(pod unknown)" */
    size_t n_pods;
    const char *pods_why_not;
    size_t longest[PGM_ANALYSIS_LONGEST]; /* the primary log's sessions held longest */
    size_t n_longest;
    /* monitoring agents' sessions held as long, left out of them: the first listed, all counted */
    monitoring_session monitoring[PGM_ANALYSIS_MONITORING_LISTED];
    size_t n_monitoring_listed;
    uint64_t n_monitoring;
    pgm_hypothesis hyp[PGM_VERDICT_COUNT];
    /* what the side the bundle lacks would add to the verdict, "" when nothing; and where the
     * server's side and the applications' disagree */
    char confirm[768];
    char disagree[2][512];
    size_t n_disagree;
    pgm_alerting alerting;             /* the alerts fitted to this incident's series (forensics/prevention.c) */
    pgm_zone display;                  /* --display-tz: the human formats' zone; not set: UTC */
    bool human_times;                  /* times in the display zone, short (md, html, text); else ISO in UTC */
    const struct pgm_quotes *quotes;   /* the cited lines read again (report/quotes.h), NULL: not read */
    char display_name[64];
    bool finished, oom;
    uint64_t over[PGM_ANALYSIS_CAP_COUNT]; /* what each cap left out (pgm_analysis_caps_reached) */
};

/* Shared by the analysis and the report writers (report/json.c): */
/* The typical holder's group of transactions left idle: its first begun, and how many (*n). */
const pgm_holder *pgm_analysis_first_holder(const pgm_analysis *a, size_t *n);
/* Leak reports whose connection was not given back later. */
unsigned pgm_analysis_net_leak_reports(const pgm_analysis *a);
/* A row's session: of the group `who` (user@db) and opened before `before`
 * (1), and also idle since `unused_from` or earlier (2); else 0. */
int pgm_analysis_row_held(const app_row *w, const char *who, int64_t before, int64_t unused_from);

/* A session the evidence names as the incident's (leaked, or idle in a
 * transaction): its pid and when it began, so that a statement can end that
 * very session and not the one the server gave its pid to since. */
typedef struct pgm_named_session {
    int pid;
    int64_t began;          /* its backend_start (from its authorization line, or a row's own), or */
    bool by_xact;           /* ...its transaction's xact_start (idle in transaction) */
    bool exact;             /* began is a pg_stat_activity row's value, not a log line's time */
    int64_t idle_since;     /* unused since (a row's state_change), PGM_TS_UNKNOWN: as began */
} pgm_named_session;

/* The sessions behind the verdict: the growing group's sessions open when it
 * was judged (the server's log), those a snapshot showed held unused through
 * a refusal, the snapshots' growing group in the last one that shows it, or
 * the idle-in-transaction holders of user@db. At most cap; *more gets how
 * many were left out, *seen when the evidence last saw them all (to be aged
 * from), *user, *db and *client whose they are. Returns how many. */
size_t pgm_analysis_named_sessions(const pgm_analysis *a, pgm_named_session *out, size_t cap, size_t *more,
                                   int64_t *seen, const char **user, const char **db, const char **client);

/* The idle-in-transaction holder whose user, database and client most of them share; NULL: none. */
const pgm_holder *pgm_analysis_typical_holder(const pgm_analysis *a);

/* Fits the alert rules to the incident's series (a->alerting); at the end of
 * pgm_analysis_finish, once the clocks are corrected. False when memory ran out. */
bool pgm_analysis_fit_alerts(pgm_analysis *a);

#endif
