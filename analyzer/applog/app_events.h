/* Application log records into events: the rule packs for app_log look at
 * the message and at each exception line of the entry's trace (an
 * application logs a pool timeout inside its own error); a HikariCP match
 * wins over a fallback one (a JDBC error). A leak's trace gives the culprit:
 * the first frame outside the packs' framework_frames (the pool, the driver,
 * the JDK, the frameworks; rules/hikari/framework-frames.yml). */
#ifndef PGM_APP_EVENTS_H
#define PGM_APP_EVENTS_H

#include "applog/applog.h"
#include "model/event.h"
#include "rules/ruleset.h"

/* Leak reports remembered per input, to join a later "returned" to its report. */
#define PGM_APP_MAX_LEAKS 4096u
/* Connections whose pool is remembered per input (from "Added connection",
 * "Closing connection" and the like), newest kept: a leak report names the
 * connection but not its pool. */
#define PGM_APP_MAX_POOLED 4096u
/* Exception lines of a trace tried against the rules, at most. */
#define PGM_APP_MAX_CANDIDATES 8u

typedef struct pgm_app_classifier {
    pgm_ruleset *rs;
    uint32_t app_log_bit;   /* the source kind whose rules apply: app_log, or system_log */
    unsigned message_id;
    pgm_strbuf arena;
    uint64_t events, other; /* records no rule knows: the application's own lines */
    /* reported leaks by connection (PgConnection@6293abcc), oldest replaced first */
    struct {
        char connection[64];
        int64_t t;
        uint64_t line;
    } leaks[PGM_APP_MAX_LEAKS];
    size_t n_leaks, next_leak;     /* next_leak > 0: the window has replaced reports */
    uint64_t returns_unmatched;    /* ... and a return found none to answer */
    uint64_t fields_dropped;       /* events that lost a field (PGM_EVENT_MAX_FIELDS, PGM_EVENT_MAX_TEXT) */
    uint64_t candidates_cut;       /* entries no rule knew by their first PGM_APP_MAX_CANDIDATES exception lines, with more */
    /* the pool each connection was last seen in */
    struct {
        char connection[64];
        char pool[64];
    } pooled[PGM_APP_MAX_POOLED];
    size_t n_pooled, next_pooled;
} pgm_app_classifier;

void pgm_app_classifier_init(pgm_app_classifier *c, pgm_ruleset *rs);
/* The rules of another source kind apply ("system_log": what systemd and the
 * kernel say, one message a line, read as records of no level). */
void pgm_app_classifier_source(pgm_app_classifier *c, const char *source_kind);
void pgm_app_classifier_free(pgm_app_classifier *c);
/* 1 with *ev (valid until the next call), 0 when no rule knows the record.
 * A "returned (unleaked)" event names the report it answers (leak_line,
 * leak_reported_at) and says slow_borrower: the connection was not leaked.
 * An event that names a connection but not its pool (a leak report) takes the
 * pool the same input last named with that connection, as `pool`.
 * Call pgm_app_classifier_reset between inputs. */
void pgm_app_classifier_reset(pgm_app_classifier *c);
int pgm_app_classify(pgm_app_classifier *c, const pgm_app_record *rec, const char *path,
                     pgm_event *ev);

#endif
