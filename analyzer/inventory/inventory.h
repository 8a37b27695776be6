/* `pgmortem inventory`: what is in a bundle. One item per file found (and per
 * thing listed but not read), with its kind, format, size, line count, first
 * and last timestamp, and what was wrong with it. */
#ifndef PGM_INVENTORY_H
#define PGM_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/bundle.h"
#include "envelope/envelope.h"
#include "pglog/prefix.h"
#include "sniff/sniff.h"
#include "text/tzfile.h"

/* Warnings kept per input; more are counted in one last line. */
#define PGM_MAX_WARNINGS_PER_INPUT 16u
/* How far into a line a timestamp is looked for (prefixes, JSON keys). */
#define PGM_TS_WINDOW_TEXT 160u
#define PGM_TS_WINDOW_JSON 4096u

typedef struct pgm_inventory_item {
    char *path;               /* owned */
    enum pgm_kind kind;
    const char *format;       /* static string */
    enum pgm_envelope_kind envelope; /* the lines came in one (PGM_ENVELOPE_NONE: no) */
    bool read;                /* false: listed, not read */
    uint64_t bytes, lines;
    int64_t first_ts, last_ts; /* the earliest and latest time; PGM_TS_UNKNOWN when none */
    char *warnings[PGM_MAX_WARNINGS_PER_INPUT]; /* owned */
    size_t n_warnings;
    uint64_t warnings_dropped;
} pgm_inventory_item;

typedef struct pgm_inventory {
    pgm_inventory_item *items;
    size_t n, alloc;
    pgm_bundle_stats stats;
    size_t max_line;
    /* files of unknown kind with a time on most lines: a log no reader took */
    size_t log_like_unknown;
    /* How times are read, as the other commands read them (unset: defaults). */
    const pgm_prefix *prefix; /* --log-line-prefix: a stderr log's time is its prefix's */
    pgm_zone tz, app_tz;      /* --tz, --app-tz: for times printed without a zone */
    int year;                 /* --year, for BSD syslog dates; 0: the file's modification year */
    /* Optional: called with every warning as it happens (for stderr). */
    void (*on_warning)(void *ctx, const char *path, const char *msg, bool problem);
    void (*on_progress)(void *ctx, uint64_t bytes);
    void *ctx;
    struct pgm_rotated_kinds *rotated; /* internal: the kinds of the rotated logs read last */
} pgm_inventory;

void pgm_inventory_init(pgm_inventory *inv);
void pgm_inventory_free(pgm_inventory *inv);
/* --since/--until (PGM_TS_UNKNOWN: open): the items whose first to last
 * time misses the window are taken off the list; items without times stay.
 * Returns how many went. */
size_t pgm_inventory_keep_window(pgm_inventory *inv, int64_t since, int64_t until);
/* Walks the inputs. PGM_OK, PGM_WARN (some input not read: exit 2), PGM_FATAL. */
int pgm_inventory_run(pgm_inventory *inv, const char *const *inputs, size_t n,
                      const pgm_bundle_limits *limits);
/* Same over one open stream (fuzzing, tests). */
int pgm_inventory_run_source(pgm_inventory *inv, pgm_source *src, const char *display_path,
                             const pgm_bundle_limits *limits);

#endif
