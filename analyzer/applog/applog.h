/* Application logs (Spring Boot, Logback/Log4j2 patterns, Logstash and ECS
 * JSON) into records: time, level, thread, logger, message, and the lines
 * that follow an entry (stack traces, "Caused by:", the blank lines Spring
 * Boot puts around them) attached to it. The layout is read per line: a line
 * that starts with a time and carries a level starts an entry, any other
 * line belongs to the entry above. Facts: shared/reference/hikari-log-messages.md §3. */
#ifndef PGM_APPLOG_H
#define PGM_APPLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "applog/layout.h"
#include "pglog/prefix.h" /* pgm_slice */
#include "text/tzfile.h"
#include "util/rc.h"
#include "util/strbuf.h"

/* Epoch times in JSON layouts are read within +-10^11 seconds (about 3,000
 * years either side of 1970); beyond, the entry has no time. */
#define PGM_APP_EPOCH_SECONDS_BOUND 100000000000LL
/* Lines of one entry's trace kept; more are counted. */
#define PGM_APP_MAX_TRACE (256u << 10)

typedef struct pgm_app_record {
    int64_t t;                  /* UTC microseconds, or PGM_TS_UNKNOWN */
    pgm_slice level, thread, logger, message, app, pid, host;
    pgm_slice trace;            /* the lines after the entry's first, '\n' between */
    uint64_t line, last_line;
} pgm_app_record;

typedef void (*pgm_app_cb)(void *ctx, const pgm_app_record *r);

typedef struct pgm_app_coverage {
    uint64_t lines, records, trace_lines, unparsed, no_time, zone_guessed;
    uint64_t zone_wrapper;     /* times without a zone read at the envelope's offset */
    int32_t wrapper_offset_s;  /* ... the last such offset, seconds east of UTC */
    uint64_t first_unparsed;
    uint64_t cut;              /* entries cut at PGM_APP_MAX_TRACE: a long line or trace */
    uint64_t dated;            /* times printed without a date (HH:mm:ss.SSS), dated by pgm_app_set_day */
    uint64_t undated;          /* ... and left without time: no day was given */
    uint64_t anchored;         /* entries of HikariCP's texts in lines no layout reads */
    uint64_t bare;             /* lines read as entries of their own, without a layout (pgm_app_no_layout) */
    uint64_t wrapper_timed;    /* entries of no time of their own given their envelope's (its line's receipt) */
    bool reversed;             /* newest first: read from the last line to the first */
    bool reversed_cut;         /* ... but larger than PGM_APP_REVERSE_MAX: only its start was */
} pgm_app_coverage;

/* Lines held to tell a newest-first file (pgm_time_steps_newest_first), and
 * how much of one is held to be read backwards; the rest of a larger one is
 * read as it comes, said. */
#define PGM_APP_ORDER_LINES 256u
#define PGM_APP_REVERSE_MAX (64u << 20)

typedef struct pgm_app_reader pgm_app_reader;

/* `json`: the file is one JSON object per line (Logstash, ECS). `zone`
 * (copied; NULL: none) applies to times printed without one. */
int pgm_app_open(pgm_app_reader **out, bool json, const pgm_zone *zone, pgm_app_cb cb, void *ctx);
void pgm_app_feed(pgm_app_reader *r, const char *line, size_t n, uint64_t lineno);
/* The file has no layout the reader knows (the sniffer found HikariCP's
 * texts in it, and no entry's head): every line that is not a stack trace's
 * is an entry of its own, a `%msg%n` layout's; its time and level are those
 * that stand before a HikariCP text, else none. Call before the first line. */
void pgm_app_no_layout(pgm_app_reader *r);
/* The day a layout that prints the time alone (logback's default
 * HH:mm:ss.SSS) writes in: `day` in days since the epoch (its local
 * midnight); a time earlier than the one before by more than 12 hours has
 * passed midnight, and the day moves on. Without it such times are unknown. */
void pgm_app_set_day(pgm_app_reader *r, int64_t day);
/* A line that came in an envelope (envelope/unwrap.h) stamped `wrapper_t`
 * (UTC, PGM_TS_UNKNOWN: none): a time of the line printed without a zone is
 * read at the offset between the two, before the reader's `zone`. */
void pgm_app_feed_wrapped(pgm_app_reader *r, const char *line, size_t n, uint64_t lineno, int64_t wrapper_t);
/* How far an application's own time may be from its envelope's, the zone
 * offset aside, for the offset to be taken from them. */
#define PGM_APP_WRAPPER_SKEW_US (60 * 1000000LL)
/* Whether `line` would go on the entry the reader holds open (a trace line,
 * not a new entry's head): the start of a rotated log's next piece may
 * finish the last entry of the piece before it. The lines held to tell the
 * file's order are read first (a newest-first file's stay held). */
bool pgm_app_continues(pgm_app_reader *r, const char *line, size_t n);
void pgm_app_finish(pgm_app_reader *r);
const pgm_app_coverage *pgm_app_get_coverage(const pgm_app_reader *r);
void pgm_app_close(pgm_app_reader *r);

/* The suspected leak site of a trace: the first "at" frame whose class is
 * not of the pool, the driver, the JDK or a framework (`ignore`: n_ignore
 * package prefixes). Writes "pkg.Class.method" and "File.java:17"; false
 * when every frame is ignored. */
bool pgm_app_culprit(pgm_slice trace, const char *const *ignore, size_t n_ignore, char *frame, size_t frame_cap,
                     char *at, size_t at_cap, unsigned *frames);

#endif
