/* pgmortem analyze: the verdict so far (issue 8's forensics) as JSON or a
 * short summary; the Markdown and HTML postmortems come with the reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "util/outfile.h"
#include "catalog/event_kinds.h"
#include "cli/cli.h"
#include "cli/config_options.h"
#include "cli/read_options.h"
#include "forensics/analysis.h"
#include "lint/lint.h"
#include "report/alerts.h"
#include "report/html.h"
#include "report/markdown.h"
#include "report/pseudonyms.h"
#include "report/json.h"
#include "report/quotes.h"
#include "report/remediation.h"
#include "report/summary.h"
#include "pipeline/chunk_queue.h"
#include "pipeline/scan.h"
#include "rules/ruleset.h"
#include "timeline/render.h"
#include "timeline/sink.h"
#include "timeline/sorter.h"

/* -o files in one run, at most. */
#define PGM_ANALYZE_MAX_OUTPUTS 8

/* AS_JSONL: the events themselves (timeline's JSON Lines), beside the report. */
enum report_format { AS_TEXT, AS_JSON, AS_MARKDOWN, AS_HTML, AS_JSONL };

static bool format_named(const char *v, enum report_format *f)
{
    if (strcmp(v, "json") == 0)
        *f = AS_JSON;
    else if (strcmp(v, "text") == 0)
        *f = AS_TEXT;
    else if (strcmp(v, "md") == 0 || strcmp(v, "markdown") == 0)
        *f = AS_MARKDOWN;
    else if (strcmp(v, "html") == 0 || strcmp(v, "htm") == 0)
        *f = AS_HTML;
    else if (strcmp(v, "jsonl") == 0)
        *f = AS_JSONL;
    else
        return false;
    return true;
}

/* The format a file's extension names: report.json, report.md, report.html,
 * events.jsonl and events.jsonl.zst (compressed). */
static bool format_of_path(const char *path, enum report_format *f)
{
    size_t n = strlen(path);
    if (n > 10 && strcmp(path + n - 10, ".jsonl.zst") == 0) {
        *f = AS_JSONL;
        return true;
    }
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) && strcmp(dot + 1, "text") != 0 && format_named(dot + 1, f);
}

/* The run's state the scan's callback sees: the analysis, and the events
 * kept in time order for the JSON Lines outputs. */
typedef struct analyze_run {
    pgm_analysis *an;
    pgm_sorter *events;      /* NULL: no .jsonl output */
    pgm_strbuf line;
    bool events_failed;
    /* at the end: where the ordered events go */
    pgm_sink *sinks[PGM_ANALYZE_MAX_OUTPUTS];
    size_t n_sinks;
    bool pii;
    const pgm_read_opts *reading; /* --since/--until */
    /* --jobs > 1: a large log is read in chunks by the threads, each
     * chunk's events packed and handed to the analysis once every chunk
     * before it was (pipeline/chunk_queue.h): the order one thread reads
     * them in, which is the server's */
    unsigned jobs;
    pgm_chunk_queue *chunks;
    /* ... and the events the analysis would only count by their kind
     * (pgm_analysis_counts_only: a log of every statement's duration) are
     * counted by the thread that read them instead of packed and handed on;
     * the first of each kind a thread meets is handed on, so that the kinds
     * keep the order they were met in. A lane each; NULL: all handed on. */
    struct counted_kinds {
        const char *kind[PGM_EV_COUNT];
        uint64_t n[PGM_EV_COUNT];
    } *counted;
    /* read again (below): the threads' events, packed (model/event.h) into
     * a sorter per thread, keyed by input and part, then by arrival (a part
     * is read by one thread, first line to last), and handed to the
     * analysis in that order once the scan is done */
    pgm_sorter *lane[PGM_SCAN_MAX_JOBS];
    uint64_t arrived[PGM_SCAN_MAX_JOBS];
    pgm_strbuf packed[PGM_SCAN_MAX_JOBS];
    bool lanes_failed;
    /* read again because a rotated log's pieces came newest first: each
     * input's place (pgm_scan_rotation_order); its events go through lane 0's
     * sorter with one thread, as through the lanes with more */
    const size_t *position;
} analyze_run;

static int write_event_line(void *ctx, int64_t ts, const void *data, size_t len)
{
    (void)ts;
    analyze_run *r = ctx;
    char *masked = NULL;
    size_t masked_len = len;
    if (r->pii && !(masked = pgm_pseudonymize(r->an, data, len, &masked_len)))
        return PGM_FATAL;
    int rc = PGM_OK;
    for (size_t i = 0; i < r->n_sinks; i++)
        if (pgm_sink_write(r->sinks[i], masked ? masked : data, masked_len) != PGM_OK)
            rc = PGM_FATAL;
    free(masked);
    return rc;
}

/* Writes the events, in time order, to every .jsonl output at once. */
/* A cap of the analysis the evidence went past, on stderr. */
static void say_cap(void *ctx, const char *msg)
{
    pgm_term_note(ctx, "analysis", msg, true);
}

/* what the analysis inferred on firm ground: said, not a problem */
static void say_inferred(void *ctx, const char *msg)
{
    pgm_term_note(ctx, "analysis", msg, false);
}

static bool write_event_outputs(analyze_run *r, const char *const *paths, size_t n)
{
    char err[PGM_ERR_MAX];
    bool ok = !r->events_failed;
    r->n_sinks = 0;
    for (size_t i = 0; i < n; i++) {
        if (pgm_sink_open(&r->sinks[r->n_sinks], paths[i], pgm_sink_wants_zstd(paths[i]), err) != PGM_OK) {
            fprintf(stderr, "pgmortem: %s\n", err);
            ok = false;
            continue;
        }
        r->n_sinks++;
    }
    if (r->n_sinks && pgm_sorter_finish(r->events, write_event_line, r) != PGM_OK)
        ok = false;
    for (size_t i = 0; i < r->n_sinks; i++)
        if (pgm_sink_close(r->sinks[i], err) != PGM_OK) {
            fprintf(stderr, "pgmortem: %s\n", err);
            ok = false;
        }
    if (r->events_failed || (r->events && pgm_sorter_error(r->events)[0]))
        fprintf(stderr, "pgmortem: the events are incomplete: %s\n",
                pgm_sorter_error(r->events)[0] ? pgm_sorter_error(r->events) : "out of memory");
    return ok;
}

/* The human reports quote the lines they cite: a census of the citations
 * (the Markdown, which cites what the HTML cites), then a walk over the
 * inputs that can be read again for those lines. What cannot be quoted is
 * said in the appendix. */
static void quote_citations(pgm_analysis *an, pgm_quotes *q, const pgm_common_opts *c, bool keep_secrets)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return;
    pgm_analysis_set_human_times(an, true);
    pgm_report_markdown(an, mem);
    if (fclose(mem) == 0)
        pgm_quotes_want_text(q, text, len);
    free(text);
    const char **again = malloc((c->n_inputs ? c->n_inputs : 1) * sizeof *again);
    size_t n_again = 0;
    for (size_t i = 0; again && i < c->n_inputs; i++) {
        struct stat st;
        if (strcmp(c->inputs[i], "-") != 0 && stat(c->inputs[i], &st) == 0 &&
            (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            again[n_again++] = c->inputs[i];
    }
    /* a large bundle is read again: its progress shown as the first reading's was */
    pgm_term term;
    pgm_term_init(&term, c->quiet);
    if (again && pgm_quotes_read(q, an, again, n_again, &c->lim, keep_secrets, pgm_term_progress, &term) != PGM_FATAL)
        pgm_analysis_set_quotes(an, q);
    pgm_term_clear(&term);
    free(again);
}

static void write_report_plain(pgm_analysis *an, enum report_format f, FILE *out)
{
    pgm_analysis_set_human_times(an, f != AS_JSON);
    if (f == AS_JSON)
        pgm_report_write_json_with(an, out, pgm_report_json_sections, NULL);
    else if (f == AS_MARKDOWN)
        pgm_report_markdown(an, out);
    else if (f == AS_HTML)
        pgm_report_html(an, out);
    else
        pgm_report_write_summary(an, out);
}

/* With --redact-pii the report is written to memory first and its user names
 * and client addresses replaced. false when it could not be written. */
static bool write_report(pgm_analysis *an, enum report_format f, bool pii, FILE *out)
{
    if (!pii) {
        write_report_plain(an, f, out);
        return true;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return false;
    write_report_plain(an, f, mem);
    bool ok = fclose(mem) == 0;
    size_t out_len = 0;
    char *masked = ok ? pgm_pseudonymize(an, text, len, &out_len) : NULL;
    ok = masked && fwrite(masked, 1, out_len, out) == out_len;
    free(masked);
    free(text);
    return ok;
}

/* One event to the analysis and the events output, in the server's order. */
static void deliver(analyze_run *r, uint64_t order, const pgm_event *e)
{
    if (!pgm_read_opts_in_window(r->reading, e->t))
        return; /* --since/--until: the window judged */
    pgm_analysis_event(r->an, e);
    if (!r->events || r->events_failed)
        return;
    pgm_strbuf_reset(&r->line);
    if (pgm_render_event(&r->line, e, PGM_TIMELINE_JSONL) != 0 ||
        pgm_sorter_add_ordered(r->events, e->t, order, r->line.p, r->line.len) != PGM_OK)
        r->events_failed = true;
}

static void deliver_from_chunk(void *ctx, uint64_t order, const pgm_event *e)
{
    deliver(ctx, order, e);
}

static void on_chunk(void *ctx, const pgm_event_origin *o, bool done)
{
    analyze_run *r = ctx;
    if (r->chunks && !r->position)
        pgm_chunk_queue_chunk(r->chunks, o, done);
}

/* Counted here instead of handed on (analyze_run.counted). */
static bool counted_here(analyze_run *r, const pgm_event_origin *o, const pgm_event *e)
{
    if (!r->counted || e->kind_id >= PGM_EV_COUNT || o->lane >= PGM_SCAN_MAX_JOBS ||
        !pgm_analysis_counts_only(r->an, e))
        return false;
    if (!pgm_read_opts_in_window(r->reading, e->t))
        return true; /* --since/--until: deliver() would leave it out */
    struct counted_kinds *c = &r->counted[o->lane];
    if (!c->kind[e->kind_id]) {
        c->kind[e->kind_id] = e->kind; /* the first in the window is handed on */
        return false;
    }
    c->n[e->kind_id]++;
    return true;
}

/* What the threads counted, to the analysis once they are done. */
static void add_counted(analyze_run *r)
{
    for (unsigned l = 0; r->counted && l < PGM_SCAN_MAX_JOBS; l++)
        for (size_t k = 0; k < PGM_EV_COUNT; k++)
            if (r->counted[l].n[k])
                pgm_analysis_count_events(r->an, r->counted[l].kind[k], r->counted[l].n[k]);
    free(r->counted);
    r->counted = NULL;
}

static void on_event(void *ctx, const pgm_event_origin *o, const pgm_event *e)
{
    analyze_run *r = ctx;
    if (!r->position) {
        if (counted_here(r, o, e))
            return;
        if (!r->chunks || !pgm_chunk_queue_event(r->chunks, o, e))
            deliver(r, o->order, e); /* one thread, or an input read whole by the walking thread */
        return;
    }
    /* read again with each log's pieces oldest first: through the lanes' sorters */
    uint64_t order = pgm_scan_reorder(r->position, o->order);
    /* a thread's own lane: no lock */
    pgm_strbuf *b = &r->packed[o->lane];
    pgm_strbuf_reset(b);
    if (pgm_event_pack(b, e) != 0 ||
        pgm_sorter_add_ordered(r->lane[o->lane], (int64_t)order, r->arrived[o->lane]++, b->p, b->len) != PGM_OK)
        r->lanes_failed = true;
}

static int replay_event(void *ctx, int64_t order, const void *data, size_t len)
{
    analyze_run *r = ctx;
    pgm_event e;
    if (!pgm_event_unpack(data, len, &e))
        return PGM_FATAL;
    deliver(r, (uint64_t)order, &e);
    return PGM_OK;
}

/* The second reading's warnings on the terminal: those the first did not say. */
typedef struct second_reading {
    const pgm_scan *first;
    size_t at;                   /* where the last one was found in the first */
    void *term;
} second_reading;

static void say_new_warning(void *ctx, const char *path, const char *msg)
{
    second_reading *sr = ctx;
    size_t n = sr->first->n_inputs;
    for (size_t k = 0; k < n; k++) {
        size_t i = (sr->at + k) % n;
        const pgm_input_report *in = pgm_scan_input(sr->first, i);
        if (strcmp(in->path, path) != 0)
            continue;
        sr->at = i;
        for (size_t w = 0; w < in->n_warnings; w++)
            if (strcmp(in->warnings[w], msg) == 0)
                return;
        break;
    }
    pgm_term_warning(sr->term, path, msg);
}

static void say_progress(void *ctx, uint64_t bytes)
{
    pgm_term_progress(((second_reading *)ctx)->term, bytes);
}

static void setup_scan(pgm_scan *s, pgm_ruleset *rs, analyze_run *run, const pgm_read_opts *reading,
                       bool keep_secrets, pgm_term *term)
{
    pgm_scan_init(s, rs);
    s->jobs = run->jobs;
    s->keep_secrets = keep_secrets;
    s->log = reading->log;
    s->app_tz = reading->app_tz;
    s->app_day = reading->app_day;
    s->on_event = on_event;
    s->say_disorder = true; /* the analysis reads a log's events in file order */
    if (!run->events)
        s->reads = pgm_analysis_reads(run->an); /* the events written out are written whole */
    if (run->chunks && !run->position) {
        s->chunk_bytes = PGM_CHUNK_QUEUE_CHUNK_BYTES;
        s->on_chunk = on_chunk;
    }
    s->on_warning = pgm_term_warning;
    s->on_progress = pgm_term_progress;
    s->ctx = run;
    s->term_ctx = term;
}

/* Whether every input can be read a second time (no pipe, no stdin). */
static bool readable_again(const pgm_common_opts *c)
{
    for (size_t i = 0; i < c->n_inputs; i++) {
        struct stat st;
        if (strcmp(c->inputs[i], "-") == 0 || stat(c->inputs[i], &st) != 0 ||
            !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            return false;
    }
    return true;
}

/* The pieces of a rotated log came newest first (an archive keeps its
 * members in the order they were added): the analysis pairs a server's
 * sessions and follows a service in the order of its log, so it is made
 * again, the bundle read a second time and its events taken with each log's
 * pieces oldest first. PGM_OK when there was no need or it was done; what it
 * could not do is said. */
static int read_in_rotation_order(analyze_run *run, pgm_scan *first, pgm_scan *s, pgm_ruleset *rs,
                                  const pgm_common_opts *c, const pgm_read_opts *reading, bool keep_secrets,
                                  pgm_term *term, int *r)
{
    char said[1200];
    size_t *position = pgm_scan_rotation_order(first, said, sizeof said);
    if (!position && said[0] == '\0')
        return PGM_OK;
    if (!position) {
        fputs("pgmortem: warning: out of memory putting rotated logs in order: they are analysed in the bundle's "
              "order\n", stderr);
        *r = *r == PGM_OK ? PGM_WARN : *r;
        return PGM_OK;
    }
    if (!readable_again(c)) {
        fprintf(stderr, "pgmortem: warning: %s; a pipe cannot be read again, so they are analysed in that order: "
                        "sessions that span two pieces may be miscounted\n", said);
        free(position);
        *r = *r == PGM_OK ? PGM_WARN : *r;
        return PGM_OK;
    }
    if (!c->quiet)
        fprintf(stderr, "pgmortem: order: %s; reading the bundle again, each log's pieces oldest first\n", said);
    /* what was made of the first reading goes; its warnings are said once */
    pgm_analysis *an = NULL;
    char serr[PGM_ERR_MAX];
    if (pgm_analysis_open(&an) != PGM_OK || pgm_analysis_set_rules(an, rs) != PGM_OK) {
        pgm_analysis_close(an);
        free(position);
        return PGM_FATAL;
    }
    pgm_analysis_close(run->an);
    run->an = an;
    bool events = run->events != NULL;
    pgm_sorter_close(run->events);
    run->events = NULL;
    run->events_failed = false;
    if (events && pgm_sorter_open(&run->events, PGM_SORT_MEM, NULL, serr) != PGM_OK) {
        fprintf(stderr, "pgmortem: %s\n", serr);
        free(position);
        return PGM_FATAL;
    }
    for (unsigned l = 0; l < run->jobs; l++) {
        pgm_sorter_close(run->lane[l]);
        run->lane[l] = NULL;
        run->arrived[l] = 0;
        pgm_strbuf_free(&run->packed[l]);
        pgm_strbuf_init(&run->packed[l], PGM_SORT_MAX_RECORD);
        if (pgm_sorter_open(&run->lane[l], PGM_SORT_MEM / run->jobs, NULL, serr) != PGM_OK) {
            fprintf(stderr, "pgmortem: %s\n", serr);
            free(position);
            return PGM_FATAL;
        }
    }
    run->lanes_failed = false;
    run->position = position;
    setup_scan(s, rs, run, reading, keep_secrets, term);
    /* the first reading's kinds of rotated logs: a piece read before its
     * elder is then read as the elder was */
    s->rotated = first->rotated;
    first->rotated = NULL;
    second_reading sr = {first, 0, term};
    s->on_warning = say_new_warning;
    s->on_progress = say_progress;
    s->term_ctx = &sr;
    *r = pgm_scan_run(s, c->inputs, c->n_inputs, &c->lim);
    s->term_ctx = term;
    s->on_warning = pgm_term_warning;
    s->on_progress = pgm_term_progress;
    pgm_term_clear(term);
    return PGM_OK;
}

int pgm_cmd_analyze(int argc, char **argv, int first)
{
    pgm_args a;
    pgm_args_init(&a, argc, argv, first, "analyze");
    pgm_common_opts c;
    enum report_format format = AS_TEXT;
    bool format_given = false;
    struct {
        const char *path;
        enum report_format format;
    } outputs[PGM_ANALYZE_MAX_OUTPUTS];
    size_t n_outputs = 0;
    const char *alerts_dir = NULL, *display_name = NULL;
    pgm_zone display = {0};
    pgm_tz *display_tz = NULL; /* --display-tz by a tz database name */
    bool redact_pii = false, keep_secrets = false;
    pgm_read_opts reading;
    pgm_read_opts_init(&reading);
    pgm_config_opts configuring;
    pgm_config_opts_init(&configuring);
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
        int read_opt = pgm_read_option(&a, opt, &reading);
        if (read_opt < 0)
            goto out;
        if (read_opt)
            continue;
        int config_opt = pgm_config_option(&a, opt, &configuring);
        if (config_opt < 0)
            goto out;
        if (config_opt)
            continue;
        if (strcmp(opt, "-f") == 0 || strcmp(opt, "--format") == 0) {
            if (!(v = pgm_args_value(&a)))
                goto out;
            format_given = true;
            if (!format_named(v, &format)) {
                pgm_usage_error("analyze", "unknown format '%s' (text, json, md, html or jsonl)", v);
                goto out;
            }
        } else if (strcmp(opt, "--redact-pii") == 0) {
            redact_pii = true;
        } else if (strcmp(opt, "--no-redact") == 0) {
            keep_secrets = true;
        } else if (strcmp(opt, "--export-alerts") == 0) {
            if (!(alerts_dir = pgm_args_value(&a)))
                goto out;
        } else if (strcmp(opt, "--display-tz") == 0) {
            if (!(display_name = pgm_args_value(&a)) ||
                !pgm_zone_option(&a, opt, display_name, &display, &display_tz))
                goto out;
        } else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
            if (!(v = pgm_args_value(&a)))
                goto out;
            if (n_outputs == PGM_ANALYZE_MAX_OUTPUTS) {
                pgm_usage_error("analyze", "at most %d -o files", PGM_ANALYZE_MAX_OUTPUTS);
                goto out;
            }
            outputs[n_outputs++].path = v;
        } else {
            pgm_usage_error("analyze", "unknown option '%s'", opt);
            goto out;
        }
    }
    /* each -o file's format: its extension, else -f */
    for (size_t i = 0; i < n_outputs; i++) {
        if (format_of_path(outputs[i].path, &outputs[i].format))
            continue;
        if (!format_given) {
            pgm_usage_error("analyze", "cannot tell the format of '%s': name it .json, .md, .html, .jsonl or "
                            ".jsonl.zst, or give -f",
                            outputs[i].path);
            goto out;
        }
        outputs[i].format = format;
    }
    if (c.n_inputs == 0) {
        pgm_usage_error("analyze", "no input given (a directory, a file, or an archive)");
        goto out;
    }
    if (!pgm_read_opts_check(&reading, "analyze") || !pgm_config_opts_finish(&configuring, "analyze"))
        goto out;
    pgm_ruleset rs;
    if (!pgm_load_rules(&c.rules, &rs)) {
        pgm_ruleset_free(&rs);
        rc = PGM_EXIT_RULES;
        goto out;
    }
    pgm_analysis *an = NULL;
    if (pgm_analysis_open(&an) != PGM_OK || pgm_analysis_set_rules(an, &rs) != PGM_OK) {
        pgm_analysis_close(an);
        pgm_ruleset_free(&rs);
        rc = PGM_EXIT_INPUT;
        goto out;
    }
    if (display.set)
        pgm_analysis_set_display_zone(an, &display, display_name);
    analyze_run run = {.an = an, .pii = redact_pii, .reading = &reading};
    pgm_quotes quotes;
    pgm_quotes_init(&quotes);
    const char *event_paths[PGM_ANALYZE_MAX_OUTPUTS];
    size_t n_event_paths = 0;
    for (size_t i = 0; i < n_outputs; i++)
        if (outputs[i].format == AS_JSONL)
            event_paths[n_event_paths++] = outputs[i].path;
    if (!n_outputs && format == AS_JSONL)
        event_paths[n_event_paths++] = "-";
    pgm_strbuf_init(&run.line, PGM_SORT_MAX_RECORD);
    char serr[PGM_ERR_MAX];
    if (n_event_paths && pgm_sorter_open(&run.events, PGM_SORT_MEM, NULL, serr) != PGM_OK) {
        fprintf(stderr, "pgmortem: %s\n", serr);
        pgm_strbuf_free(&run.line);
        pgm_analysis_close(an);
        pgm_ruleset_free(&rs);
        rc = PGM_EXIT_INPUT;
        goto out;
    }
    pgm_term term;
    pgm_term_init(&term, c.quiet);
    /* the second: when the first read a rotated log's pieces newest first */
    pgm_scan scans[2], *sp = &scans[0];
    bool second = false;
    /* threads read chunks of a large log; their events reach the analysis
     * in the server's order (pipeline/chunk_queue.h), chunk after chunk as
     * the threads read on */
    run.jobs = pgm_read_opts_jobs(&reading);
    if (run.jobs > 1 && pgm_chunk_queue_open(&run.chunks, run.jobs, deliver_from_chunk, &run) != PGM_OK) {
        fputs("pgmortem: out of memory for the threads' chunks; reading with one thread\n", stderr);
        run.jobs = 1;
    }
    if (run.chunks && !run.events)
        run.counted = calloc(PGM_SCAN_MAX_JOBS, sizeof *run.counted); /* NULL: all handed on */
    setup_scan(sp, &rs, &run, &reading, keep_secrets, &term);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int r = pgm_scan_run(sp, c.inputs, c.n_inputs, &c.lim);
    add_counted(&run);
    pgm_term_clear(&term);
    if (r != PGM_FATAL &&
        read_in_rotation_order(&run, &scans[0], &scans[1], &rs, &c, &reading, keep_secrets, &term, &r) != PGM_OK)
        r = PGM_FATAL;
    if (run.position) {
        second = true;
        sp = &scans[1];
    }
    an = run.an;
    const char *chunks_why;
    if (!run.position && run.chunks && pgm_chunk_queue_failed(run.chunks, &chunks_why)) {
        fprintf(stderr, "pgmortem: the analysis is incomplete: %s\n", chunks_why);
        r = PGM_FATAL;
    }
    if (run.position &&
        (run.lanes_failed || pgm_sorter_finish_many(run.lane, run.jobs, replay_event, &run) != PGM_OK)) {
        const char *why = "out of memory";
        for (unsigned l = 0; l < run.jobs; l++)
            if (pgm_sorter_error(run.lane[l])[0])
                why = pgm_sorter_error(run.lane[l]);
        fprintf(stderr, "pgmortem: the analysis is incomplete: its events could not be put in order: %s\n", why);
        r = PGM_FATAL;
    }
    /* the configuration: a second, light pass that reads only configuration files */
    pgm_lint_options lo;
    memset(&lo, 0, sizeof lo);
    pgm_facts facts;
    pgm_facts_init(&facts);
    lo.facts_out = &facts;
    lo.keep_secrets = keep_secrets;
    lo.config = configuring.config; /* --profile, --hikari-version, --instances */
    lo.warn = pgm_term_warning;     /* a configuration read in part (a missing include) is said */
    lo.warn_ctx = &term;
    pgm_lint lint;
    char lerr[PGM_ERR_MAX];
    /* only what can be read again: a pipe or stdin was consumed by the scan */
    const char **again = malloc((c.n_inputs ? c.n_inputs : 1) * sizeof *again);
    size_t n_again = 0;
    for (size_t i = 0; again && i < c.n_inputs; i++) {
        struct stat st;
        if (strcmp(c.inputs[i], "-") != 0 && stat(c.inputs[i], &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            again[n_again++] = c.inputs[i];
    }
    int lr = again ? pgm_lint_run(&lint, again, n_again, &c.lim, &rs, &lo, lerr) : PGM_FATAL;
    free(again);
    if (lr == PGM_FATAL || pgm_analysis_set_config(an, &facts, &lint) != PGM_OK)
        r = PGM_FATAL;
    else if (lr == PGM_WARN && r == PGM_OK)
        r = PGM_WARN; /* the configuration was read in part */
    pgm_lint_free(&lint);
    pgm_facts_free(&facts);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int64_t elapsed = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    if (getenv("SOURCE_DATE_EPOCH"))
        elapsed = -1; /* reproducible output (reproducible-builds.org): no run time in it */
    if (pgm_analysis_set_inputs(an, sp, elapsed) != PGM_OK)
        r = PGM_FATAL;
    if (pgm_analysis_finish(an) != PGM_OK || r == PGM_FATAL) {
        fputs("pgmortem: out of memory: the analysis is incomplete\n", stderr);
        rc = PGM_EXIT_INPUT;
    } else if (!sp->stats.files) {
        /* a verdict on nothing would read like one on something */
        fputs("pgmortem: no file could be read from the input: no analysis\n", stderr);
        rc = PGM_EXIT_INPUT;
    } else {
        /* a verdict on no evidence reads like one on some: it is said */
        bool no_evidence = pgm_scan_known_inputs(sp) == 0;
        if (no_evidence)
            fprintf(stderr, "pgmortem: warning: nothing in the %llu file(s) read is evidence pgmortem reads "
                    "(a log, a configuration, a pg_stat_activity snapshot): the verdict rests on nothing "
                    "(`pgmortem inventory` shows what each file is)\n", (unsigned long long)sp->stats.files);
        /* a cap the evidence went past is said, and the run is not clean */
        pgm_analysis_joined_logs(an, say_inferred, &term);
        bool capped = pgm_analysis_caps_reached(an, say_cap, &term) > 0;
        bool failed = n_event_paths && !write_event_outputs(&run, event_paths, n_event_paths);
        bool human = !n_outputs && (format == AS_MARKDOWN || format == AS_HTML);
        for (size_t i = 0; i < n_outputs; i++)
            human = human || outputs[i].format == AS_MARKDOWN || outputs[i].format == AS_HTML;
        if (human)
            quote_citations(an, &quotes, &c, keep_secrets);
        for (size_t i = 0; i < n_outputs; i++) {
            if (outputs[i].format == AS_JSONL)
                continue;
            pgm_outfile out;
            char oerr[PGM_ERR_MAX];
            if (pgm_outfile_open(&out, outputs[i].path, oerr) != PGM_OK) {
                fprintf(stderr, "pgmortem: %s\n", oerr);
                failed = true;
                continue;
            }
            if (!write_report(an, outputs[i].format, redact_pii, out.f)) {
                fprintf(stderr, "pgmortem: %s: could not be written whole%s\n", outputs[i].path,
                        out.tmp ? " (the file is left as it was)" : "");
                pgm_outfile_abort(&out);
                failed = true;
            } else if (pgm_outfile_commit(&out, oerr) != PGM_OK) {
                fprintf(stderr, "pgmortem: %s\n", oerr);
                failed = true;
            }
        }
        char aerr[PGM_ERR_MAX];
        if (alerts_dir && pgm_report_export_alerts(an, alerts_dir, aerr) != PGM_OK) {
            fprintf(stderr, "pgmortem: %s\n", aerr);
            failed = true;
        }
        /* on the terminal: the chosen format, or the summary beside the files */
        if ((!n_outputs && format != AS_JSONL) || (n_outputs && !c.quiet)) {
            if (!write_report(an, n_outputs ? AS_TEXT : format, redact_pii, stdout))
                failed = true;
            for (size_t i = 0; i < n_outputs && !c.quiet; i++)
                printf("written: %s\n", outputs[i].path);
            if (alerts_dir && !c.quiet && n_outputs)
                printf("written: %s/pgmortem-alerts.yml, %s/pgmortem-alerts.test.yml, %s/pgmortem-dashboard.json\n", alerts_dir, alerts_dir, alerts_dir);
            failed = failed || fflush(stdout) != 0;
        }
        rc = failed || r != PGM_OK || capped || no_evidence ? PGM_EXIT_INPUT : PGM_EXIT_OK;
    }
    pgm_scan_free(&scans[0]);
    if (second)
        pgm_scan_free(&scans[1]);
    free((size_t *)run.position);
    pgm_chunk_queue_close(run.chunks);
    pgm_sorter_close(run.events);
    pgm_strbuf_free(&run.line);
    for (unsigned l = 0; l < PGM_SCAN_MAX_JOBS; l++) {
        pgm_sorter_close(run.lane[l]);
        pgm_strbuf_free(&run.packed[l]);
    }
    pgm_analysis_close(an);
    pgm_quotes_free(&quotes);
    pgm_ruleset_free(&rs);
out:
    free(display_tz);
    pgm_read_opts_free(&reading);
    pgm_config_opts_free(&configuring);
    pgm_common_free(&c);
    return rc;
}
