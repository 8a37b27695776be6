/* pgmortem analyze: the verdict so far (issue 8's forensics) as JSON or a
 * short summary; the Markdown and HTML postmortems come with the reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "forensics/analysis.h"
#include "lint/lint.h"
#include "report/html.h"
#include "report/markdown.h"
#include "pipeline/scan.h"
#include "rules/ruleset.h"

static void on_event(void *ctx, const pgm_event_origin *o, const pgm_event *e)
{
    (void)o;
    pgm_analysis_event(ctx, e);
}

int pgm_cmd_analyze(int argc, char **argv, int first)
{
    pgm_args a;
    pgm_args_init(&a, argc, argv, first, "analyze");
    pgm_common_opts c;
    enum { AS_TEXT, AS_JSON, AS_MARKDOWN, AS_HTML } format = AS_TEXT;
    bool format_given = false;
    const char *output = NULL;
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
        if (strcmp(opt, "-f") == 0 || strcmp(opt, "--format") == 0) {
            if (!(v = pgm_args_value(&a)))
                goto out;
            format_given = true;
            if (strcmp(v, "json") == 0)
                format = AS_JSON;
            else if (strcmp(v, "text") == 0)
                format = AS_TEXT;
            else if (strcmp(v, "md") == 0 || strcmp(v, "markdown") == 0)
                format = AS_MARKDOWN;
            else if (strcmp(v, "html") == 0)
                format = AS_HTML;
            else {
                pgm_usage_error("analyze", "unknown format '%s' (text, json, md or html)", v);
                goto out;
            }
        } else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
            if (!(output = pgm_args_value(&a)))
                goto out;
        } else {
            pgm_usage_error("analyze", "unknown option '%s'", opt);
            goto out;
        }
    }
    if (output && !format_given) { /* the file's extension says the format */
        size_t ol = strlen(output);
        if (ol > 5 && strcmp(output + ol - 5, ".json") == 0)
            format = AS_JSON;
        else if (ol > 3 && strcmp(output + ol - 3, ".md") == 0)
            format = AS_MARKDOWN;
        else if ((ol > 5 && strcmp(output + ol - 5, ".html") == 0) || (ol > 4 && strcmp(output + ol - 4, ".htm") == 0))
            format = AS_HTML;
    }
    if (c.n_inputs == 0) {
        pgm_usage_error("analyze", "no input given (a directory, a file, or an archive)");
        goto out;
    }
    pgm_ruleset rs;
    if (!pgm_load_rules(&c.rules, &rs)) {
        pgm_ruleset_free(&rs);
        rc = PGM_EXIT_RULES;
        goto out;
    }
    pgm_analysis *an;
    if (pgm_analysis_open(&an) != PGM_OK) {
        pgm_ruleset_free(&rs);
        rc = PGM_EXIT_INPUT;
        goto out;
    }
    pgm_term term;
    pgm_term_init(&term, c.quiet);
    pgm_scan s;
    pgm_scan_init(&s, &rs);
    s.jobs = 1; /* the server's own order: sessions are paired as the server wrote them */
    s.on_event = on_event;
    s.on_warning = pgm_term_warning;
    s.on_progress = pgm_term_progress;
    s.ctx = an;
    s.term_ctx = &term;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int r = pgm_scan_run(&s, c.inputs, c.n_inputs, &c.lim);
    pgm_term_clear(&term);
    /* the configuration: a second, light pass that reads only configuration files */
    pgm_lint_options lo;
    memset(&lo, 0, sizeof lo);
    pgm_facts facts;
    pgm_facts_init(&facts);
    lo.facts_out = &facts;
    pgm_lint lint;
    char lerr[PGM_ERR_MAX];
    int lr = pgm_lint_run(&lint, c.inputs, c.n_inputs, &c.lim, &rs, &lo, lerr);
    if (lr == PGM_FATAL || pgm_analysis_set_config(an, &facts, &lint) != PGM_OK)
        r = PGM_FATAL;
    pgm_lint_free(&lint);
    pgm_facts_free(&facts);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int64_t elapsed = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    if (getenv("SOURCE_DATE_EPOCH"))
        elapsed = -1; /* reproducible output (reproducible-builds.org): no run time in it */
    if (pgm_analysis_set_inputs(an, &s, elapsed) != PGM_OK)
        r = PGM_FATAL;
    if (pgm_analysis_finish(an) != PGM_OK || r == PGM_FATAL) {
        fputs("pgmortem: out of memory: the analysis is incomplete\n", stderr);
        rc = PGM_EXIT_INPUT;
    } else if (!s.stats.files) {
        /* a verdict on nothing would read like one on something */
        fputs("pgmortem: no file could be read from the input: no analysis\n", stderr);
        rc = PGM_EXIT_INPUT;
    } else {
        FILE *out = output ? fopen(output, "wb") : stdout;
        if (!out) {
            perror(output);
            rc = PGM_EXIT_INPUT;
        } else {
            if (format == AS_JSON)
                pgm_analysis_write_json(an, out);
            else if (format == AS_MARKDOWN)
                pgm_report_markdown(an, out);
            else if (format == AS_HTML)
                pgm_report_html(an, out);
            else
                pgm_analysis_write_summary(an, out);
            bool failed = fflush(out) != 0;
            if (output && fclose(out) != 0)
                failed = true;
            rc = failed || r != PGM_OK ? PGM_EXIT_INPUT : PGM_EXIT_OK;
        }
    }
    pgm_scan_free(&s);
    pgm_analysis_close(an);
    pgm_ruleset_free(&rs);
out:
    pgm_common_free(&c);
    return rc;
}
