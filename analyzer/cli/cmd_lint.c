/* pgmortem lint: options, the run, the output and the exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/outfile.h"
#include "cli/cli.h"
#include "cli/config_options.h"
#include "lint/lint.h"

typedef struct lint_term {
    bool quiet;
} lint_term;

static void lint_warning(void *ctx, const char *path, const char *msg)
{
    const lint_term *t = ctx;
    if (!t->quiet)
        fprintf(stderr, "pgmortem: warning: %s: %s\n", path, msg);
}

/* --ignore and --exclude values, at most (each option). */
#define PGM_LINT_MAX_OPTION_VALUES 64u

int pgm_cmd_lint(int argc, char **argv, int first)
{
    pgm_args a;
    pgm_args_init(&a, argc, argv, first, "lint");
    pgm_common_opts c;
    pgm_lint_options lo;
    memset(&lo, 0, sizeof lo);
    enum pgm_lint_format format = PGM_LINT_TEXT;
    enum pgm_severity fail_on = PGM_SEV_HIGH;
    bool verbose = false;
    lint_term term = {false};
    const char *output = NULL;
    char *ignore[PGM_LINT_MAX_OPTION_VALUES], *exclude[PGM_LINT_MAX_OPTION_VALUES];
    size_t n_ignore = 0, n_exclude = 0;
    pgm_config_opts co;
    pgm_config_opts_init(&co);
    int rc = PGM_EXIT_USAGE;
    if (!pgm_common_init(&c, argc))
        return PGM_EXIT_INPUT;
    const char *opt, *operand, *v;
    int k;
    while ((k = pgm_args_next(&a, &opt, &operand)) != 0) {
        int shared = pgm_common_option(&a, k, opt, operand, &c);
        if (shared < 0)
            goto out;
        if (shared == 2) {
            rc = PGM_EXIT_OK;
            goto out;
        }
        if (shared)
            continue;
        int cfg = pgm_config_option(&a, opt, &co);
        if (cfg < 0)
            goto out;
        if (cfg)
            continue;
        if (strcmp(opt, "-v") == 0 || strcmp(opt, "--verbose") == 0) {
            verbose = true;
        } else if (strcmp(opt, "--effective") == 0) {
            lo.effective = stderr;
        } else if (strcmp(opt, "--no-redact") == 0) {
            lo.keep_secrets = true;
        } else if (strcmp(opt, "-f") == 0 || strcmp(opt, "--format") == 0) {
            if (!(v = pgm_args_value(&a)))
                goto out;
            if (strcmp(v, "text") == 0)
                format = PGM_LINT_TEXT;
            else if (strcmp(v, "json") == 0)
                format = PGM_LINT_JSON;
            else if (strcmp(v, "sarif") == 0)
                format = PGM_LINT_SARIF;
            else if (strcmp(v, "github") == 0)
                format = PGM_LINT_GITHUB;
            else if (strcmp(v, "gitlab") == 0)
                format = PGM_LINT_GITLAB;
            else {
                pgm_usage_error("lint", "unknown format '%s' (text, json, sarif, github or gitlab)", v);
                goto out;
            }
        } else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
            if (!(output = pgm_args_value(&a)))
                goto out;
        } else if (strcmp(opt, "--fail-on") == 0) {
            if (!(v = pgm_args_value(&a)))
                goto out;
            if (strcmp(v, "never") == 0) {
                fail_on = PGM_SEV_CRITICAL + 1;
            } else if (!pgm_severity_parse(v, &fail_on)) {
                pgm_usage_error("lint", "--fail-on wants info, low, medium, high, critical or never; not '%s'", v);
                goto out;
            }
        } else if (strcmp(opt, "--baseline") == 0) {
            if (!(lo.baseline = pgm_args_value(&a)))
                goto out;
        } else if (strcmp(opt, "--ignore") == 0 || strcmp(opt, "--exclude") == 0) {
            bool ign = strcmp(opt, "--ignore") == 0;
            if (!(v = pgm_args_value(&a)))
                goto out;
            /* --ignore A,B: each id its own; a glob is one value */
            for (const char *p = v; *p;) {
                size_t len = ign ? strcspn(p, ",") : strlen(p);
                size_t *n = ign ? &n_ignore : &n_exclude;
                if (len && *n == PGM_LINT_MAX_OPTION_VALUES) {
                    pgm_usage_error("lint", "at most %u %s values", PGM_LINT_MAX_OPTION_VALUES, opt);
                    goto out;
                }
                if (len && !((ign ? ignore : exclude)[(*n)++] = strndup(p, len)))
                    goto out;
                p += len + (p[len] == ',');
            }
        } else if (strcmp(opt, "--include-tests") == 0) {
            lo.include_tests = true;
        } else {
            pgm_usage_error("lint", "unknown option '%s'", opt);
            goto out;
        }
    }
    term.quiet = c.quiet;
    if (c.n_inputs == 0) {
        pgm_usage_error("lint", "no input given (a directory, a file, or an archive)");
        goto out;
    }
    if (!pgm_config_opts_finish(&co, "lint"))
        goto out;
    lo.config = co.config;

    pgm_ruleset rs;
    if (!pgm_load_rules(&c.rules, &rs)) {
        pgm_ruleset_free(&rs);
        rc = PGM_EXIT_RULES;
        goto out;
    }
    for (size_t i = 0; i < n_ignore; i++) {
        if (pgm_ruleset_find(&rs, ignore[i]) || pgm_lint_own_rule_find(ignore[i]))
            continue;
        pgm_usage_error("lint", "--ignore %s: no rule has that id (pgmortem rules list shows them)", ignore[i]);
        pgm_ruleset_free(&rs);
        goto out;
    }
    lo.ignore = (const char *const *)ignore;
    lo.n_ignore = n_ignore;
    lo.exclude = (const char *const *)exclude;
    lo.n_exclude = n_exclude;
    lo.warn = lint_warning;
    lo.warn_ctx = &term;
    pgm_lint l;
    char err[PGM_ERR_MAX];
    int r = pgm_lint_run(&l, c.inputs, c.n_inputs, &c.lim, &rs, &lo, err);
    if (r == PGM_FAILED) {
        fprintf(stderr, "pgmortem: %s\n", err);
        rc = PGM_EXIT_USAGE;
    } else if (r == PGM_FATAL) {
        fputs("pgmortem: out of memory\n", stderr);
        rc = PGM_EXIT_INPUT;
    } else {
        pgm_outfile out;
        char oerr[PGM_ERR_MAX];
        if (pgm_outfile_open(&out, output ? output : "-", oerr) != PGM_OK) {
            fprintf(stderr, "pgmortem: %s\n", oerr);
            rc = PGM_EXIT_INPUT;
        } else {
            pgm_lint_write(&l, format, verbose, &rs, out.f);
            bool write_failed = pgm_outfile_commit(&out, oerr) != PGM_OK;
            if (write_failed)
                fprintf(stderr, "pgmortem: %s\n", oerr);
            size_t failing = pgm_lint_count_at_least(&l, fail_on);
            if (!term.quiet)
                fprintf(stderr, "pgmortem: %zu configuration file(s), %zu finding(s), %zu at or above "
                                "--fail-on; %zu suppressed, %zu in the baseline%s",
                        l.n_files, l.n, failing, l.suppressed, l.baselined,
                        l.ignored || l.excluded || l.templates ? "" : "\n");
            if (!term.quiet && l.ignored)
                fprintf(stderr, ", %zu of --ignore'd rules", l.ignored);
            if (!term.quiet && l.excluded)
                fprintf(stderr, "; %zu file(s) left out by --exclude or as test sources (--include-tests reads "
                                "those)", l.excluded);
            if (!term.quiet && l.templates)
                fprintf(stderr, "; %zu template(s) not read (templates/ files with {{ }}: lint what they "
                                "render, e.g. helm template)", l.templates);
            if (!term.quiet && (l.ignored || l.excluded || l.templates))
                fputc('\n', stderr);
            if (!l.n_files && !term.quiet && l.excluded)
                fprintf(stderr, "pgmortem: warning: no configuration file read: the %zu found were left out by "
                                "--exclude or as test sources (--include-tests reads those)\n", l.excluded);
            else if (!l.n_files && !term.quiet)
                fputs("pgmortem: warning: no configuration file found in the input\n", stderr);
            /* nothing to check is no pass: a CI gate pointed at the wrong path must not be green */
            rc = write_failed || r == PGM_WARN || !l.n_files ? PGM_EXIT_INPUT
                 : failing                      ? PGM_EXIT_FINDINGS
                                                : PGM_EXIT_OK;
            if (failing && rc == PGM_EXIT_INPUT)
                rc = PGM_EXIT_FINDINGS; /* findings decide a CI gate even when some file was unreadable */
        }
    }
    pgm_lint_free(&l);
    pgm_ruleset_free(&rs);
out:
    for (size_t i = 0; i < n_ignore; i++)
        free(ignore[i]);
    for (size_t i = 0; i < n_exclude; i++)
        free(exclude[i]);
    pgm_config_opts_free(&co);
    pgm_common_free(&c);
    return rc;
}
