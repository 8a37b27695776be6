/* libFuzzer target: the whole scan over one in-memory input (an archive, a
 * compressed file, or any file): the bundle reader, the sniffer, every reader
 * it hands files to (server logs, application logs, pg_stat_activity dumps,
 * configuration) and the classifiers with the builtin packs (loaded once from
 * rules/, run from the repository root); the events then go through the
 * analysis (sessions, curve, growth, verdict, its JSON, Markdown, HTML, alert
 * rules and pseudonyms), made as analyze makes them (pgm_analysis_reads: a
 * fast statement's duration line reduced to its duration). A second scan
 * reads it as timeline does: values borrowed from the records (not
 * NUL-terminated), rendered at once as JSON Lines and CSV. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/analysis.h"
#include "pipeline/scan.h"
#include "report/alerts.h"
#include "report/html.h"
#include "report/markdown.h"
#include "report/pseudonyms.h"
#include "report/json.h"
#include "report/remediation.h"
#include "report/summary.h"
#include "timeline/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pgm_ruleset rules;
static int loaded;

static void on_event(void *ctx, const pgm_event_origin *o, const pgm_event *e)
{
    (void)o;
    for (size_t i = 0; i < e->n_fields; i++)
        if (e->fields[i].value)
            (void)strlen(e->fields[i].value);
    pgm_analysis_event(ctx, e);
}

static void on_event_rendered(void *ctx, const pgm_event_origin *o, const pgm_event *e)
{
    (void)o;
    pgm_strbuf *line = ctx;
    pgm_strbuf_reset(line);
    (void)pgm_render_event(line, e, PGM_TIMELINE_JSONL);
    (void)pgm_render_event(line, e, PGM_TIMELINE_CSV);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!loaded) {
        pgm_load_errors errs = {0};
        pgm_ruleset_init(&rules);
        pgm_ruleset_load_dir(&rules, "rules", &errs);
        pgm_ruleset_finish(&rules, &errs);
        pgm_load_errors_free(&errs);
        loaded = 1;
    }
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    lim.max_total_bytes = 8u << 20; /* keep each run short */
    lim.max_line = 4096;
    lim.max_entries = 64;
    pgm_mem_source src;
    pgm_mem_source_init(&src, data, size);
    pgm_analysis *a;
    if (pgm_analysis_open(&a) != 0)
        return 0;
    pgm_analysis_set_rules(a, &rules);
    pgm_scan s;
    pgm_scan_init(&s, &rules);
    s.on_event = on_event;
    s.reads = pgm_analysis_reads(a); /* as analyze reads: a fast statement's duration alone */
    s.ctx = a;
    pgm_scan_run_source(&s, &src.base, "fuzz.bin", &lim);
    pgm_scan_free(&s);

    pgm_scan t;
    pgm_scan_init(&t, &rules);
    t.borrow_values = true;
    pgm_strbuf line;
    pgm_strbuf_init(&line, 1u << 24);
    t.on_event = on_event_rendered;
    t.ctx = &line;
    pgm_mem_source again;
    pgm_mem_source_init(&again, data, size);
    pgm_scan_run_source(&t, &again.base, "fuzz.bin", &lim);
    pgm_scan_free(&t);
    pgm_strbuf_free(&line);
    if (pgm_analysis_finish(a) == 0) {
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            pgm_report_write_json_with(a, null, pgm_report_json_sections, NULL);
            pgm_report_write_summary(a, null);
            pgm_report_markdown(a, null);
            pgm_report_html(a, null);
            pgm_report_alert_rules(a, null);
            fclose(null);
        }
        /* the pseudonyms over the report's text: every name the sessions met, replaced */
        char *text = NULL;
        size_t len = 0, out_len = 0;
        FILE *mem = open_memstream(&text, &len);
        if (mem) {
            pgm_report_markdown(a, mem);
            if (fclose(mem) == 0)
                free(pgm_pseudonymize(a, text, len, &out_len));
            free(text);
        }
    }
    pgm_analysis_close(a);
    return 0;
}
