/* The command line: argument parsing, messages and exit codes. Only this
 * layer prints to the terminal on its own account or decides the exit code. */
#ifndef PGM_CLI_H
#define PGM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/limits.h"

enum pgm_exit {
    PGM_EXIT_OK = 0,
    PGM_EXIT_FINDINGS = 1,  /* lint: findings at or above --fail-on */
    PGM_EXIT_INPUT = 2,     /* some input could not be read */
    PGM_EXIT_USAGE = 3,
    PGM_EXIT_RULES = 4      /* invalid rules or options file */
};

/* Cursor over argv for one command's options. */
typedef struct pgm_args {
    int argc, i;
    char **argv;
    const char *command;
    const char *opt;        /* the option being parsed, for messages */
    const char *inline_val; /* value after '=' */
    bool only_operands;     /* after "--" */
} pgm_args;

void pgm_args_init(pgm_args *a, int argc, char **argv, int first, const char *command);
/* Next word: returns 1 with *opt set for an option ("--x", "-x"), 2 with
 * *operand for an operand, 0 at the end. */
int pgm_args_next(pgm_args *a, const char **opt, const char **operand);
/* The option's value (inline or next word); NULL after a usage message. */
const char *pgm_args_value(pgm_args *a);
/* Parses "64G", "512MiB", "1000"; false after a usage message. */
bool pgm_args_size(pgm_args *a, uint64_t *out);
bool pgm_args_uint(pgm_args *a, uint64_t *out);
/* Reads the shared bundle-limit options; 1 consumed, 0 not one of them, -1 error. */
int pgm_args_limit_option(pgm_args *a, const char *opt, pgm_bundle_limits *lim);

/* Rule packs: the builtin ones unless --no-builtin-rules, plus each --rules. */
#define PGM_MAX_RULE_DIRS 32
struct pgm_ruleset;
typedef struct pgm_rule_options {
    const char *dirs[PGM_MAX_RULE_DIRS];
    size_t n_dirs;
    bool builtin;
} pgm_rule_options;
/* --rules DIR, --no-builtin-rules: 1 consumed, 0 not one of them, -1 error. */
int pgm_args_rule_option(pgm_args *a, const char *opt, pgm_rule_options *o);
/* Loads them; prints every error (file:line:column) and returns false when any. */
bool pgm_load_rules(const pgm_rule_options *o, struct pgm_ruleset *rs);

/* What the commands that read a bundle share: the inputs, the bundle
 * limits, the rule packs, -q and -h. */
typedef struct pgm_common_opts {
    pgm_bundle_limits lim;
    pgm_rule_options rules;
    bool quiet;
    const char **inputs;
    size_t n_inputs;
} pgm_common_opts;
/* false when memory ran out (said on stderr). */
bool pgm_common_init(pgm_common_opts *c, int argc);
void pgm_common_free(pgm_common_opts *c);
/* One word from pgm_args_next (`kind` its result): 1 taken (an input or a
 * shared option), 0 the command's own, 2 help printed, -1 usage error said. */
int pgm_common_option(pgm_args *a, int kind, const char *opt, const char *operand, pgm_common_opts *c);

/* stderr while a command runs (term.c). */
typedef struct pgm_term {
    bool quiet, progress;
    int64_t started_ns, last_ns;
    bool progress_shown;
} pgm_term;
void pgm_term_init(pgm_term *t, bool quiet);
void pgm_term_clear(pgm_term *t);
/* "pgmortem: warning|note: PATH: MSG"; ctx is the pgm_term. */
void pgm_term_note(void *ctx, const char *path, const char *msg, bool problem);
void pgm_term_warning(void *ctx, const char *path, const char *msg);
void pgm_term_progress(void *ctx, uint64_t bytes);

void pgm_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void pgm_print_help(const char *command);      /* NULL: the overview */
bool pgm_has_help(const char *command);

int pgm_cmd_inventory(int argc, char **argv, int first);
int pgm_cmd_rules(int argc, char **argv, int first);
int pgm_cmd_timeline(int argc, char **argv, int first);
int pgm_cmd_lint(int argc, char **argv, int first);
int pgm_cmd_analyze(int argc, char **argv, int first);

#endif
