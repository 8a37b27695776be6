/* The first stage of every command that reads evidence: walk the bundle,
 * tell each file's kind, read the server logs into events, and keep a
 * coverage report per input (what was read, how well, what was not
 * understood). Events go to a callback as they are made, in file order; the
 * caller orders them (timeline/sorter.h). */
#ifndef PGM_SCAN_H
#define PGM_SCAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bundle/bundle.h"
#include "envelope/unwrap.h"
#include "model/event.h"
#include "pglog/classify.h"
#include "pglog/reader.h"
#include "util/intern.h"
#include "sniff/sniff.h"

/* Warnings kept per input; more are counted. */
#define PGM_SCAN_MAX_WARNINGS 8u
/* Threads for one log, at most (--jobs). */
#define PGM_SCAN_MAX_JOBS 16u
/* (user, database, client, application) groups a snapshot is counted by, at most. */
#define PGM_SCAN_PSA_GROUPS 64u
/* A query of a pg_stat_activity row, redacted, at most (psql shows 1 KiB by default). */
#define PGM_SCAN_PSA_QUERY_MAX (64u << 10)
/* A plain log file is split between threads only from this size on. */
#define PGM_SCAN_SPLIT_MIN_BYTES (32ull << 20)

/* Where an event was made, so that a caller with one sink per thread can
 * order the events of all of them: `lane` is the thread (0 to jobs-1; lane 0
 * is also the walking thread, never at the same time), `order` grows with the
 * input and, within a split input, with the part. */
typedef struct pgm_event_origin {
    unsigned lane;
    uint64_t order;
    unsigned part;             /* of a split input, the part (chunk) it came from; else 0 */
    /* Asked for with want_time_order: the input is a plain log proven in time
     * order but for steps back of at most `max_step_back` microseconds
     * (pipeline/time_order.h): no event comes more than that before the
     * latest one before it, in this lane or the lanes before it. Set before
     * the input's first event. */
    bool in_time_order;
    int64_t max_step_back;
    /* The input is a server log that is no archive member (a file on disk,
     * or under compression layers only): with a single file as the operand,
     * its one input. */
    bool outside_archives;
} pgm_event_origin;

/* What a reader's coverage says that is rare (damage, doubt, samples):
 * apart, so that the many inputs without any pay nothing for it. */
typedef struct pgm_input_coverage_rare {
    uint64_t blank, nul_bytes, nul_first_line, cut, zone_unknown, translated, odd_columns, yearless;
    uint64_t prefix_gave_up;
    uint64_t late_pieces;              /* syslog pieces after their message was handed on */
    bool reversed, reversed_cut;
    pgm_pglog_sample *samples;         /* owned; n_samples of them */
    size_t n_samples;
    uint64_t foreign;
    pgm_pglog_sample *foreign_samples; /* owned */
    size_t n_foreign_samples;
    const char *prefix_unfit, *prefix_rival; /* interned */
    uint64_t prefix_switches, prefix_switch_line;
    const char *prefix_switched;       /* interned */
    bool prefix_changed;
    uint64_t late_given_up;
} pgm_input_coverage_rare;

/* What a reader's coverage (pgm_pglog_coverage) says of one input, kept for
 * the report in about a hundred bytes whatever the reader held: its texts
 * interned in the scan (one copy of a prefix for all the files of a
 * server), the rest apart (`rare`: never NULL, all zero for most inputs).
 * The names are the reader's; a text is "" when it says nothing, never NULL. */
typedef struct pgm_input_coverage {
    uint64_t lines, records, continuation, secondary, unparsed, no_time, zone_guessed;
    const char *prefix, *prefix_origin; /* interned */
    uint64_t primary_tried, primary_parsed;
    const pgm_input_coverage_rare *rare;
} pgm_input_coverage;

typedef struct pgm_input_report {
    char *path;                      /* owned */
    size_t index;                    /* in the scan's order: pgm_scan_input(s, index) is this one */
    enum pgm_kind kind;
    const char *format;              /* static */
    bool read;                       /* false: listed, not read */
    bool is_log;                     /* a server log: the coverage below is filled */
    bool log_like;                   /* unknown kind, a time on most lines: a log no reader took */
    bool is_app_log;                 /* an application log: lines, records (entries),
                                        continuation (trace lines), unparsed */
    bool is_activity;                /* a pg_stat_activity dump: lines, records (snapshots), unparsed */
    bool is_system_log;              /* what the platform said (systemd, the kernel: system_log;
                                        kubectl describe pod: k8s_pod): lines, records */
    bool is_pooler_log;              /* PgBouncer's log: lines, records, unparsed (no PgBouncer line) */
    bool limit_reached;              /* a reader's limit left some of it unread (warned) */
    bool read_damaged;               /* blocks the disk could not read, read as NUL bytes (warned) */
    uint64_t bytes;
    /* The envelope its lines came in (envelope.h; PGM_ENVELOPE_NONE: none):
     * the coverage counts the program's lines, these the file's own. */
    enum pgm_envelope_kind envelope;
    bool per_source;                 /* one source's lines of the file ("FILE#SOURCE"): wrapper_lines
                                        counts its entries */
    uint64_t wrapper_lines, wrapper_foreign;
    pgm_input_coverage cov;
    bool prefix_doubtful;
    bool mostly_unknown;             /* most messages of no known kind: read wrong, its events missing (warned) */
    uint64_t events, unknown, unknown_other, by_sqlstate;
    uint64_t fields_dropped;         /* events that lost a field (PGM_EVENT_MAX_FIELDS, PGM_EVENT_MAX_TEXT) */
    pgm_unknown_shape *shapes;       /* owned: PGM_UNKNOWN_SHAPES of room once one is seen */
    size_t n_shapes;
    int64_t first_ts, last_ts;
    int64_t max_back_us;             /* a server log's largest step back in time (pgm_scan_lane) */
    uint64_t max_back_line;
    bool day_guessed;                /* its times of day were dated from its name or its last change */
    int dated_year;                  /* the year of the first date the server wrote in a message, 0: none */
    uint64_t dated_line;             /* ... its line */
    bool year_doubtful;              /* the year guessed for its syslog dates disagrees with it (warned) */
    bool times_missing;              /* an application log's entries without a time (warned) */
    char **warnings;                 /* owned: PGM_SCAN_MAX_WARNINGS of room once one is said */
    size_t n_warnings;
    uint64_t warnings_dropped;
} pgm_input_report;

typedef struct pgm_scan {
    /* set by the caller */
    pgm_pglog_options log;           /* prefix, tz, year from the command line */
    pgm_ruleset *rules;
    uint64_t pattern_limits_said;    /* rules->limit_hits already warned of */
    size_t max_line;
    unsigned jobs;                   /* threads for a large plain log (1: none) */
    /* Set from any thread (an event callback) to stop reading server logs:
     * the lines after are not read. For a caller that will start over. */
    atomic_bool stop;
    uint64_t split_min_bytes;        /* from this size on (PGM_SCAN_SPLIT_MIN_BYTES) */
    bool keep_secrets;               /* --no-redact */
    bool want_time_order;            /* prove plain logs in time order (pgm_event_origin) */
    bool say_disorder;               /* a consumer that reads events in file order: a server log
                                        that steps back past PGM_TIME_ORDER_MAX_STEP_US is said */
    bool borrow_values;              /* server log events' values not copied (pgm_pg_classifier) */
    pgm_pg_reads reads;              /* what the consumer reads of them (pgm_pg_classifier) */
    /* A large plain log split between threads is cut into chunks of about
     * this many bytes, taken in turn (0: one part per thread). The caller
     * hears of each chunk's start and end on the thread that reads it
     * (on_chunk, `done` false then true; it may wait there), and can write
     * the chunks' events in chunk order while the threads read on. */
    uint64_t chunk_bytes;
    void (*on_chunk)(void *ctx, const pgm_event_origin *o, bool done);
    pgm_zone app_tz;                 /* --app-tz: zone of application log times without one */
    int64_t app_day;                 /* --app-date: the day of application times printed alone
                                      * (days since the epoch); INT64_MIN: from each file */
    /* Called from `jobs` threads at once when a log is split: per lane, one at a time. */
    void (*on_event)(void *ctx, const pgm_event_origin *o, const pgm_event *e);
    /* called as a warning happens (for stderr), and with progress */
    void (*on_warning)(void *ctx, const char *path, const char *msg);
    void (*on_progress)(void *ctx, uint64_t bytes);
    void *ctx;                       /* of on_event */
    void *term_ctx;                  /* of on_warning and on_progress */

    /* results: pgm_scan_input(s, i) for i < n_inputs, kept in blocks of
     * PGM_SCAN_INPUT_BLOCK that never move (no copy of them all to grow) */
    pgm_input_report **input_blocks;
    size_t n_inputs, n_blocks;
    pgm_bundle_stats stats;
    uint64_t events;
    bool out_of_memory;

    /* internal */
    uint64_t progress_bytes;         /* the walk's last progress: a split log's reading adds to it */
    pgm_interner texts;              /* of the inputs' coverage */
    pgm_pg_classifier classifier;
    uint64_t split_inputs;           /* logs read by several threads */
    const pgm_bundle_limits *limits; /* of the run */
    char conf_prefix[256];
    char conf_prefix_alt[256];
    char conf_origin[600];
    bool have_conf_prefix;
    bool conf_prefix_is_auto;        /* it came from postgresql.auto.conf */
    /* the applications' zone as a manifest or .env file sets it (TZ, user.timezone) */
    char app_zone[64];
    char app_zone_origin[600];
    bool app_zone_conflict;          /* two different zones: none is used */
    struct pgm_tz *app_zone_tz;      /* loaded when first needed (owned) */
    /* an application log's reader kept open after its file: the next piece
     * of the same rotated log may begin with the rest of its last entry */
    struct line_sink *parked;
    struct pgm_rotated_kinds *rotated; /* the kinds of the rotated logs read last */
} pgm_scan;

/* The order the logs' events are to be taken in for the pieces of each
 * rotated log to follow one another oldest first (bundle/rotation.h), each
 * log where its first piece was read: position[i] for input i, malloc'd; NULL
 * when the scan read them so already (or memory ran out: `said` is then "").
 * `said` (cap bytes) names the first log whose pieces came newest first. */
size_t *pgm_scan_rotation_order(const pgm_scan *s, char *said, size_t cap);
/* An event's pgm_event_origin.order with its input put at its place. */
uint64_t pgm_scan_reorder(const size_t *position, uint64_t order);

void pgm_scan_init(pgm_scan *s, pgm_ruleset *rules);
void pgm_scan_free(pgm_scan *s);

#define PGM_SCAN_INPUT_BLOCK 4096u

/* The i-th input read (i < s->n_inputs). */
static inline pgm_input_report *pgm_scan_input(const pgm_scan *s, size_t i)
{
    return &s->input_blocks[i / PGM_SCAN_INPUT_BLOCK][i % PGM_SCAN_INPUT_BLOCK];
}
/* The inputs read that are of a kind pgmortem reads (a log, a
 * configuration, a pg_stat_activity snapshot): 0 when none is evidence. */
size_t pgm_scan_known_inputs(const pgm_scan *s);
/* PGM_OK, PGM_WARN (something not read or not understood: exit 2), PGM_FATAL. */
int pgm_scan_run(pgm_scan *s, const char *const *inputs, size_t n, const pgm_bundle_limits *limits);
/* Over one open stream (fuzzing, tests). */
int pgm_scan_run_source(pgm_scan *s, pgm_source *src, const char *display_path,
                        const pgm_bundle_limits *limits);

#endif
