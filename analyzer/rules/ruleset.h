/* Loading rule packs and using them: classify a message with match rules,
 * run threshold rules over events, evaluate check rules against facts, run
 * the rules' own inline tests. */
#ifndef PGM_RULESET_H
#define PGM_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/event.h"
#include "rules/rule.h"

/* PCRE2 limits: a pathological pattern or line costs a coverage warning, never a hang. */
#define PGM_PCRE_MATCH_LIMIT 100000u
#define PGM_PCRE_DEPTH_LIMIT 2000u
#define PGM_PCRE_HEAP_LIMIT_KIB 16384u
#define PGM_MAX_CAPTURES 16u
#define PGM_RULES_MAX_FILES 4096u
#define PGM_RULE_FILE_MAX_BYTES (1u << 20)
#define PGM_MAX_LOAD_ERRORS 100u

typedef struct pgm_load_errors {
    char *msg[PGM_MAX_LOAD_ERRORS]; /* "file:line:column: message" */
    size_t n;
    size_t dropped;
} pgm_load_errors;

typedef struct pgm_capture {
    const char *name;  /* borrowed from the rule */
    const char *p;     /* into the classified text */
    size_t n;
} pgm_capture;

typedef struct pgm_match {
    const pgm_rule *rule;
    pgm_capture caps[PGM_MAX_CAPTURES];
    size_t n_caps;
} pgm_match;

/* The names `applies_to` and `match.field` may use (NULL-terminated). */
extern const char *const pgm_source_kinds[];
extern const char *const pgm_match_fields[];

struct pgm_dispatch;

typedef struct pgm_ruleset {
    pgm_rule *rules;
    size_t n, alloc;
    struct pgm_dispatch *dispatch;  /* built by pgm_ruleset_finish */
    void *match_ctx, *match_data;   /* pcre2 */
    uint64_t limit_hits;            /* PCRE2 match/depth/heap limit reached */
    const char *limit_rule;         /* the id of the first rule that reached it (the rules' own) */
    bool borrowed;                  /* a fork: the rules belong to another ruleset */
    pgm_strlist framework_frames;   /* class prefixes that are not application code */
} pgm_ruleset;

void pgm_ruleset_init(pgm_ruleset *rs);
/* A ruleset for another thread: it shares the finished `src` (which must
 * outlive it and not change) and has its own matching state. Freed with
 * pgm_ruleset_free. PGM_OK or PGM_FATAL. */
int pgm_ruleset_fork(const pgm_ruleset *src, pgm_ruleset *dst);
void pgm_ruleset_free(pgm_ruleset *rs);
void pgm_load_errors_free(pgm_load_errors *e);

/* Loads one pack file (one rule, or `rules:` with a list); `display` is the
 * name used in messages. Errors are appended; returns how many errors were
 * added (0: the pack loaded). */
size_t pgm_ruleset_load_buffer(pgm_ruleset *rs, const char *data, size_t len, const char *display,
                               pgm_load_errors *errs);
size_t pgm_ruleset_load_file(pgm_ruleset *rs, const char *path, pgm_load_errors *errs);
/* Every *.yml / *.yaml below `dir`, in name order. */
size_t pgm_ruleset_load_dir(pgm_ruleset *rs, const char *dir, pgm_load_errors *errs);
/* Checks ids across files and builds the prefilter dispatch; 0 or errors added. */
size_t pgm_ruleset_finish(pgm_ruleset *rs, pgm_load_errors *errs);

const pgm_rule *pgm_ruleset_find(const pgm_ruleset *rs, const char *id);
/* Internal to the rules module: frees what pgm_ruleset_finish built. */
void pgm_ruleset_dispatch_free(pgm_ruleset *rs);

/* The first match rule (in load order) for a source kind (NULL: any) and a
 * field ("message") that matches `text`. Returns 1 with *out filled, 0 when
 * none does. Captures point into `text`. */
int pgm_ruleset_classify(pgm_ruleset *rs, const char *source_kind, const char *field,
                         const char *text, size_t len, pgm_match *out);
/* The same, for a message of severity `level` ("FATAL"; NULL: rules with a
 * `level:` list are skipped). */
int pgm_ruleset_classify_level(pgm_ruleset *rs, const char *source_kind, const char *field,
                               const char *level, size_t level_len, const char *text, size_t len,
                               pgm_match *out);
/* The same with the source kind and field looked up once beforehand (per
 * message, the name lookups would cost as much as the matching). */
unsigned pgm_ruleset_field_id(const char *field);
uint32_t pgm_ruleset_source_bit(const char *source_kind);
int pgm_ruleset_classify_ids(pgm_ruleset *rs, uint32_t source_bit, unsigned field_id,
                             const char *level, size_t level_len, const char *text, size_t len,
                             pgm_match *out);
/* The same for one rule only (rule tests). */
int pgm_rule_match(pgm_ruleset *rs, const pgm_rule *r, const char *text, size_t len,
                   pgm_match *out);

/* Threshold rules: calls `hit` once per episode in which a group's window
 * satisfies the condition. Events need not be sorted. */
typedef void (*pgm_threshold_hit)(void *ctx, const pgm_rule *r, const char *group, double value,
                                  int64_t from_us, int64_t to_us, size_t n_events);
size_t pgm_threshold_run(const pgm_rule *r, const pgm_event *events, size_t n, pgm_threshold_hit hit,
                         void *ctx);

/* Check rules: how many findings (one, or one per element for for_each). */
size_t pgm_check_run(const pgm_rule *r, const pgm_facts *facts);
/* The same, calling `cb` per finding with the for_each record (or NULL) and
 * where the finding points: the first fact the expression names that says
 * where it was set, else the record's own origin, else NULL. */
typedef void (*pgm_check_cb)(void *ctx, const pgm_rule *r, const pgm_record *elem,
                             const pgm_origin *at);
size_t pgm_check_each(const pgm_rule *r, const pgm_facts *facts, pgm_check_cb cb, void *ctx);

/* Renders the message template: {name} from `lookup`, kept as is when unknown. */
char *pgm_rule_render(const char *tmpl, const char *(*lookup)(void *ctx, const char *name),
                      void *ctx);

/* Inline tests: returns failures; each failure is reported through `report`. */
typedef void (*pgm_test_report)(void *ctx, const pgm_rule *r, size_t case_index, unsigned line,
                                const char *why);
size_t pgm_rule_run_tests(pgm_ruleset *rs, const pgm_rule *r, pgm_test_report report, void *ctx,
                          size_t *cases_run);

#endif
