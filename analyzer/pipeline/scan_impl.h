/* Internal to the scan: what the sequential and the split reading of a log share. */
#ifndef PGM_SCAN_IMPL_H
#define PGM_SCAN_IMPL_H

#include "pipeline/scan.h"

/* pgm_event_origin.order: the input's ordinal above, the part below. */
#define PGM_ORDER_PART_BITS 16

/* One reader's way to the caller: its classifier, and what it saw. */
typedef struct pgm_scan_lane {
    pgm_scan *s;
    pgm_input_report *in;
    pgm_pg_classifier *classifier;
    pgm_event_origin origin;
    int64_t first_ts, last_ts;
    int64_t max_back_us;       /* the largest step back of a record's time behind the latest before it */
    uint64_t max_back_line;    /* ... the record's line */
    /* the part being read (a chunk of a split log): its earliest time and
     * that record's line, and its latest, for the steps back between parts
     * that threads read apart */
    int64_t part_min_ts, part_max_ts;
    uint64_t part_min_line;
    uint64_t events;
    /* the whole file is proven in time order on the first record, once the
     * reader has chosen its prefix (want_time_order, plain files) */
    const pgm_pglog_reader *reader;
    const char *order_path;
    bool order_checked;
    /* the first date with its year the server wrote in a message (the
     * control file's time at a start: "shut down at 2019-02-11 13:14:59
     * CET"), against a year guessed for syslog dates, and its line */
    int dated_year;
    uint64_t dated_line;
} pgm_scan_lane;

/* A time t (on `line`) read after `latest`, the latest before it: the
 * largest step back so far and its line grow to it. Every reader that
 * tracks a log's order does so (a lane, an application's log, the chunks
 * threads read apart). */
static inline void pgm_scan_step_back(int64_t latest, int64_t t, uint64_t line, int64_t *max_back_us,
                                      uint64_t *max_back_line)
{
    if (latest != PGM_TS_UNKNOWN && t != PGM_TS_UNKNOWN && latest - t > *max_back_us) {
        *max_back_us = latest - t;
        *max_back_line = line;
    }
}

/* A lane's classifier told what the caller asked of them all: secrets
 * kept, values borrowed, what is read of each event. */
void pgm_scan_classifier_options(const pgm_scan *s, pgm_pg_classifier *c);
/* pgm_pg_record_cb of a lane: classify, count, hand the event on. */
void pgm_scan_on_record(void *ctx, const pgm_pg_record *rec);
/* Adds a finished lane's times, counts and unknown shapes to the input. */
void pgm_scan_lane_done(pgm_scan *s, pgm_input_report *in, const pgm_scan_lane *lane);
void pgm_scan_warn(pgm_scan *s, pgm_input_report *in, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Keeps what a reader's coverage says in the input's compact form. PGM_OK,
 * or PGM_FATAL when memory ran out (what could be kept is). */
int pgm_scan_keep_coverage(pgm_scan *s, pgm_input_report *in, const pgm_pglog_coverage *c);
/* The warnings a read log's coverage calls for. */
void pgm_scan_log_warnings(pgm_scan *s, pgm_input_report *in, const pgm_pglog_options *opt,
                           uint64_t long_lines);
/* Reads a large plain log file with s->jobs threads. PGM_OK / PGM_FATAL, or
 * PGM_WARN when it cannot be split (format, newest first...): read it whole. */
int pgm_scan_read_split(pgm_scan *s, pgm_input_report *in, const pgm_pglog_options *opt,
                        const char *path, uint64_t size);

#endif
