/* pgmortem lint: the configuration of a bundle or a repository checked by
 * the check rules. Reads every configuration file the walk finds
 * (postgresql.conf with its includes and auto.conf, pg_settings dumps,
 * Spring Boot properties and YAML, hikari.properties, .env files,
 * Kubernetes manifests), builds the effective configuration
 * (config/effective.h), runs the rules, and honours suppressions
 * (`# pgmortem: ignore RULE-ID[,RULE-ID...] reason` on the line or the line
 * above, `# pgmortem: ignore-file RULE-ID[,...] reason` anywhere in a file),
 * --ignore'd rules, --exclude'd paths (test source trees by default) and a
 * baseline (a previous run's JSON: its findings are accepted). A suppression
 * without a reason, or naming no rule, is a finding of its own. Findings are
 * sorted by path, line and rule; their texts are redacted. */
#ifndef PGM_LINT_H
#define PGM_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bundle/limits.h"
#include "config/effective.h"
#include "rules/ruleset.h"

/* A configuration file larger than this is not read (a log misnamed .conf). */
#define PGM_LINT_MAX_FILE_BYTES (16u << 20)
/* Configuration files read per run, and their bytes together (all are held
 * at once: includes resolve among them). */
#define PGM_LINT_MAX_FILES 10000u
#define PGM_LINT_MAX_TOTAL_BYTES (256u << 20)
/* GitHub shows 10 annotations of each level per step, 50 per job. */
#define PGM_LINT_GITHUB_PER_LEVEL 10u
#define PGM_LINT_GITHUB_TOTAL 50u
/* The tool's own rules: a suppression without a reason, one naming no rule. */
#define PGM_LINT_NO_REASON_RULE "PGM-LINT-001"
#define PGM_LINT_UNKNOWN_RULE "PGM-LINT-002"
/* Rule ids one suppression comment names, at most; past them, a finding. */
#define PGM_LINT_SUPPRESSION_MAX_RULES 16u

typedef struct pgm_lint_own_rule {
    const char *id, *title, *description, *remediation;
    enum pgm_severity severity;
} pgm_lint_own_rule;
extern const pgm_lint_own_rule pgm_lint_own_rules[];
extern const size_t pgm_lint_n_own_rules;
/* NULL when `id` is none of them. */
const pgm_lint_own_rule *pgm_lint_own_rule_find(const char *id);
/* Whether a file's path is one --exclude (or, without --include-tests, a
 * test source tree: src/test/..., src/integrationTest/..., src/it/...)
 * leaves out. Globs as fnmatch(3), where * also crosses '/', matched
 * against the path and every tail of it after a '/' or an archive's '!'. */
struct pgm_lint_options;
bool pgm_lint_excluded(const struct pgm_lint_options *o, const char *path);

typedef struct pgm_lint_finding {
    const pgm_rule *rule;   /* NULL for the tool's own (PGM-LINT-001) */
    char *rule_id, *title;
    enum pgm_severity severity;
    char *path;             /* NULL: the bundle as a whole */
    unsigned line;
    char *key;              /* the key as written at that line, or the setting that nothing sets */
    bool key_absent;        /* ... the latter: no line sets it (a fix adds one) */
    char *message;          /* rendered, with how the value became effective */
    char *remediation;
    char fingerprint[17];   /* rule, path and key: stable when lines move */
    /* for the rule's fix (pgm_rule.fix_*): the cited line as written
     * (redacted), NULL when the finding has no line of its own; and how many
     * lines the file has (where an added setting goes) */
    char *source;
    unsigned file_lines;
    char *file_kind;        /* the cited file's kind (spring_conf, hikari_conf, pg_conf...), or NULL */
    char *fix_to;           /* the fix's value rendered from the facts when the rule's names some
                             * ({fleet_fit_max_connections}); "" when one is unknown (no fix then);
                             * NULL: the rule's own */
} pgm_lint_finding;

typedef struct pgm_lint_file {
    char *path, *kind;
} pgm_lint_file;

typedef struct pgm_lint {
    pgm_lint_finding *findings;
    size_t n, alloc;
    size_t suppressed, baselined;
    size_t ignored;         /* findings of --ignore'd rules */
    size_t excluded;        /* configuration files left out by --exclude or as test sources */
    size_t templates;       /* templates (a Helm chart's templates/ with {{ }}, Ansible's): configuration only once rendered */
    pgm_lint_file *files;   /* the configuration files read */
    size_t n_files;
    size_t problems;        /* files that could not be (fully) read */
    bool out_of_memory;
} pgm_lint;

typedef struct pgm_lint_options {
    pgm_config_options config;
    const char *baseline;   /* a previous --format json output, or NULL */
    const char *const *ignore; /* --ignore: rule ids whose findings are dropped */
    size_t n_ignore;
    const char *const *exclude; /* --exclude: globs of paths not read */
    size_t n_exclude;
    bool include_tests;     /* --include-tests: test source trees are read too */
    bool keep_secrets;      /* --no-redact */
    FILE *effective;        /* --effective: the effective configuration is written here */
    pgm_facts *facts_out;   /* when set, receives the facts (the caller frees them) */
    /* warnings: "PATH: MSG" (ctx first) */
    void (*warn)(void *ctx, const char *path, const char *msg);
    void *warn_ctx;
} pgm_lint_options;

/* PGM_OK, PGM_WARN (some input unreadable), PGM_FAILED (the baseline could
 * not be read: err says why), PGM_FATAL (memory). */
int pgm_lint_run(pgm_lint *out, const char *const *inputs, size_t n_inputs,
                 const pgm_bundle_limits *lim, const pgm_ruleset *rs, const pgm_lint_options *o,
                 char err[PGM_ERR_MAX]);
void pgm_lint_free(pgm_lint *l);

enum pgm_lint_format { PGM_LINT_TEXT, PGM_LINT_JSON, PGM_LINT_SARIF, PGM_LINT_GITHUB, PGM_LINT_GITLAB };
/* `verbose`: the text format adds each finding's remediation. */
void pgm_lint_write(const pgm_lint *l, enum pgm_lint_format f, bool verbose, const pgm_ruleset *rs,
                    FILE *out);
/* The findings at or above `fail_on`. */
size_t pgm_lint_count_at_least(const pgm_lint *l, enum pgm_severity fail_on);

#endif
