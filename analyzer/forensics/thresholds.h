/* Threshold rules over a whole bundle's events (a burst of refusals...):
 * the events of the kinds those rules count are kept, compactly and up to a
 * bound, and the rules run once the scan is over. Each episode becomes a
 * finding with the line of its first event as evidence. */
#ifndef PGM_THRESHOLDS_H
#define PGM_THRESHOLDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/event.h"
#include "rules/ruleset.h"

/* Events kept for the threshold rules, at most (the first ones; the rest are
 * counted). Bounds memory for a log of millions of refusals. */
#define PGM_THRESHOLDS_MAX_EVENTS 20000u
/* Fields a rule groups or aggregates by, at most per event. */
#define PGM_THRESHOLDS_MAX_FIELDS 8u

typedef struct pgm_thresholds pgm_thresholds;

/* One episode: the rule, its rendered message, the first event's line. */
typedef void (*pgm_threshold_found)(void *ctx, const pgm_rule *r, const char *message, const char *path,
                                    uint64_t line, int64_t from_us, int64_t to_us);

/* The ruleset's threshold rules (none: everything here is a no-op). */
int pgm_thresholds_open(pgm_thresholds **out, const pgm_ruleset *rs);
void pgm_thresholds_event(pgm_thresholds *t, const pgm_event *e);
/* Whether a rule counts events of this kind (all their fields may be read). */
bool pgm_thresholds_counts(const pgm_thresholds *t, unsigned kind_id);
/* Whether the events of a file are left out of the rules (a second
 * destination of the same server, another server's log). */
typedef bool (*pgm_thresholds_skip)(void *ctx, const char *path);
/* Runs the rules over the kept events, less those of the files skip() leaves
 * out (NULL: none); found() gets each episode (ctx both). Returns the episodes. */
size_t pgm_thresholds_run(pgm_thresholds *t, pgm_thresholds_skip skip, pgm_threshold_found found, void *ctx);
/* Events of the rules' kinds not kept (over the bound). */
uint64_t pgm_thresholds_dropped(const pgm_thresholds *t);
void pgm_thresholds_close(pgm_thresholds *t);

#endif
