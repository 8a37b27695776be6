/* The options every command that reads evidence takes (inventory, timeline,
 * analyze), parsed by one piece of code: --log-line-prefix, --tz, --app-tz,
 * --app-date, --year, --since, --until, --jobs (timeline and analyze: threads for a
 * large log; inventory reads each file once and says so). */
#ifndef PGM_READ_OPTIONS_H
#define PGM_READ_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "pglog/reader.h"
#include "text/tzfile.h"

typedef struct pgm_read_opts {
    pgm_pglog_options log;   /* prefix, tz, year for the server logs */
    pgm_zone app_tz;         /* --app-tz */
    int64_t app_day;         /* --app-date: days since the epoch; INT64_MIN when not given */
    int64_t since, until;    /* PGM_TS_UNKNOWN when not given */
    unsigned jobs;           /* --jobs; 0 when not given (pgm_read_opts_jobs) */
    pgm_tz *named[2];        /* --tz and --app-tz given by a tz database name */
} pgm_read_opts;

void pgm_read_opts_init(pgm_read_opts *r);
/* A zone option's value: an offset (+05:30), an abbreviation (UTC, CET) or a
 * tz database name (Europe/Berlin, loaded into *slot, made when NULL; the
 * caller frees it). False when not one: a usage error, said. */
bool pgm_zone_option(pgm_args *a, const char *opt, const char *v, pgm_zone *z, pgm_tz **slot);
/* 1 taken, 0 not one of them, -1 usage error said. */
int pgm_read_option(pgm_args *a, const char *opt, pgm_read_opts *r);
/* After the options: a --log-line-prefix that does not compile is a usage
 * error (said); false then. */
bool pgm_read_opts_check(const pgm_read_opts *r, const char *command);
/* The event's time is inside --since/--until, both included; with either
 * given, an event without a time is not. */
bool pgm_read_opts_in_window(const pgm_read_opts *r, int64_t t);
void pgm_read_opts_free(pgm_read_opts *r);
/* Threads by default: the machine's cores, up to PGM_DEFAULT_JOBS_MAX. */
#define PGM_DEFAULT_JOBS_MAX 4
/* --jobs, else the default. */
unsigned pgm_read_opts_jobs(const pgm_read_opts *r);

#endif
