/* A rule as loaded from a pack (rules/README.md documents the YAML). The
 * ruleset owns every rule and every string in it. */
#ifndef PGM_RULE_H
#define PGM_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/expr.h"

enum pgm_severity { PGM_SEV_INFO, PGM_SEV_LOW, PGM_SEV_MEDIUM, PGM_SEV_HIGH, PGM_SEV_CRITICAL };
enum pgm_shape { PGM_SHAPE_MATCH, PGM_SHAPE_THRESHOLD, PGM_SHAPE_CHECK };
enum pgm_aggregate { PGM_AGG_COUNT, PGM_AGG_DISTINCT, PGM_AGG_SUM, PGM_AGG_MAX };
enum pgm_cmp { PGM_CMP_GTE, PGM_CMP_GT, PGM_CMP_LTE, PGM_CMP_LT, PGM_CMP_EQ };

typedef struct pgm_strlist {
    char **v;
    size_t n;
} pgm_strlist;

/* key: value pairs of a test case (expected captures, facts, event fields) */
typedef struct pgm_kv {
    char *key, *value;
} pgm_kv;

typedef struct pgm_test_event {
    int64_t at_us;
    char *kind;
    pgm_kv *fields;
    size_t n_fields;
} pgm_test_event;

typedef struct pgm_rule_test {
    unsigned line;
    bool positive;           /* match: / fires: true */
    char *text;              /* match rules: the field's text */
    pgm_kv *kv;              /* match: expected captures; check: facts */
    size_t n_kv;
    pgm_kv **pools;          /* check: pool records */
    size_t *pool_sizes;
    size_t n_pools;
    pgm_kv **keys;           /* check: configuration key records */
    size_t *key_sizes;
    size_t n_keys;
    pgm_test_event *events;  /* threshold */
    size_t n_events;
} pgm_rule_test;

typedef struct pgm_rule {
    char *id, *title, *status, *message, *remediation;
    /* check rules: the change that resolves it, for the postmortem's diffs:
     * fix_set = fix_to (a setting as the file writes its keys), or
     * fix_url_param added to the JDBC URL; NULL when no single change does */
    char *fix_set, *fix_to, *fix_url_param;
    char *key;               /* check rules: the setting a finding names when nothing sets it */
    enum pgm_severity severity;
    enum pgm_shape shape;
    pgm_strlist applies_to, references, tags;
    char *file;
    unsigned line;

    /* match */
    pgm_strlist prefilter;   /* literals, any of which must occur */
    pgm_strlist prefixes;    /* or: the field must start with one of these */
    char *pattern, *field, *kind;
    unsigned kind_id;        /* enum pgm_event_kind of `kind` (set at load) */
    pgm_strlist also;
    pgm_strlist levels;      /* severities the message must have ("FATAL"); any when empty */
    /* "WORDING => RELEASES": the first wording the matched text holds gives
     * the event's field `version` ("HikariCP 2.4.1-2.4.9"): which releases
     * write a message so */
    pgm_strlist released;
    unsigned field_id;       /* index of `field` in the matchable fields (set at load) */
    uint32_t source_mask;    /* bit per source kind of applies_to; all bits when absent */
    bool fallback;           /* tried only after every other rule missed */
    bool caseless;
    void *re;                /* pcre2_code_8, for any bytes (PCRE2_MATCH_INVALID_UTF) */
    bool jit;                /* compiled to machine code: matched through pcre2_jit_match */
    /* the same pattern for a subject of ASCII bytes only, compiled without
     * PCRE2_MATCH_INVALID_UTF: its machine code need not check each
     * character it reads, and a match takes half the time (a statement
     * log's duration lines: 31 against 72 ns). NULL when it has no JIT code. */
    void *re_ascii;
    char **capture_names;    /* index = capture group number; NULL for unnamed */
    uint32_t n_groups;

    /* threshold */
    pgm_strlist kinds, group_by;
    int64_t timespan_us;
    enum pgm_aggregate aggregate;
    char *agg_field;
    enum pgm_cmp cmp;
    double cmp_value;

    /* check */
    pgm_expr *expr;
    char *expr_text;
    char *for_each;

    pgm_rule_test *tests;
    size_t n_tests;
} pgm_rule;

const char *pgm_severity_name(enum pgm_severity s);
const char *pgm_shape_name(enum pgm_shape s);
/* Parses "high" etc.; false when unknown. */
bool pgm_severity_parse(const char *s, enum pgm_severity *out);

#endif
