/* The postmortem as Markdown, in the order a reviewer reads (DESIGN.md,
 * Outputs): verdict and impact, key moments, diagnosis, the explanations
 * weighed, misconfigurations, remediation. Every claim cites the line it
 * comes from as path:line. Early: the charts, alert rules and appendix come
 * with the reports issue. */
#include "report/markdown.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/analysis_impl.h"
#include "report/alerts.h"
#include "report/remediation.h"
#include "report/quotes.h"
#include "report/tables.h"

/* Columns of the Markdown's text chart. */
#define PGM_MD_CHART_COLUMNS 60
#include "text/timestamp.h"

/* A time as the human formats show it (forensics' pgm_analysis_time_text). */
static void when(const pgm_analysis *a, int64_t t, char out[PGM_TS_ISO_LEN])
{
    pgm_analysis_time_text(a, t, out, PGM_TS_ISO_LEN);
}

/* Text in a Markdown table cell: pipes and newlines would end it. */
/* How this format writes each part of the report (defined at the end). */
static const pgm_report_writer writer;

/* A table cell's text: '|' escaped, a line break as `between` (a list's
 * items joined by "; ", else a space). */
static void cell(FILE *out, const char *s, const char *between)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else if (*s == '\n')
            fputs(between, out);
        else if (*s == '\r')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

static void cite(FILE *out, const pgm_analysis *a, const char *path, uint64_t line)
{
    char c[1200];
    if (path && *path)
        fprintf(out, " (`%s`)", pgm_report_cite_text(a, path, line, c, sizeof c));
}

static const pgm_growth *suspect_group(const pgm_analysis *a)
{
    return a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
}

static void verdict_section(const pgm_analysis *a, FILE *out)
{
    const pgm_hypothesis *v = &a->hyp[0];
    const pgm_growth *g = suspect_group(a);
    char t2[PGM_TS_ISO_LEN];
    char title[512];
    pgm_report_shape shape = pgm_report_shape_of(a, title, sizeof title);
    char note[160];
    fprintf(out, "# %s\n\n%s Evidence is cited as E*n*:*line*, E*n* an input the appendix lists.\n\n## %s\n\n",
            shape.title, pgm_analysis_time_note(a, note, sizeof note), shape.summary);
    fprintf(out, "**Verdict: %s** (confidence: %s). %s", pgm_verdict_name(v->kind), pgm_analysis_confidence(a),
            v->summary);
    char words[768];
    if (pgm_analysis_leak_words(a, words, sizeof words)) {
        fprintf(out, " %s", words);
        cite(out, a, g->onset_path, g->onset_line);
        fputc('.', out);
    } else if (v->kind == PGM_VERDICT_LEAK && a->top_sessions > 0) {
        /* no connection lines: the snapshots name who held the sessions */
        fprintf(out, " The pg_stat_activity snapshots show `%s@%s` from `%s` (`%s`) holding up to %ld sessions.",
                a->top_user, a->top_db, a->top_client[0] ? a->top_client : "?", a->top_app, a->top_sessions);
    }
    char pgb_suspect[512], pgb_impact[512];
    bool pgb = pgm_analysis_pooler_words(a, pgb_suspect, pgb_impact, sizeof pgb_suspect);
    if (pgb && pgb_suspect[0])
        fprintf(out, " %s.", pgb_suspect);
    char culprit[768], shortened[2048];
    if (pgm_analysis_culprit_words(a, culprit, sizeof culprit))
        fprintf(out, " %s.", pgm_report_shorten(a, culprit, shortened, sizeof shortened));
    char iit_suspect[768], iit_impact[768];
    bool iit = pgm_analysis_holder_words(a, iit_suspect, iit_impact, sizeof iit_suspect);
    if (iit && iit_suspect[0])
        fprintf(out, " %s.", pgm_report_shorten(a, iit_suspect, shortened, sizeof shortened));
    fputs("\n\n", out);
    char where[512];
    if (pgm_analysis_where(a, where, sizeof where)) {
        fprintf(out, "**Where it ran out:** %s", where);
        const pgm_pooler_pool *pp = a->tier_pool;
        if (pp)
            cite(out, a, pp->first_wait_path, pp->first_wait_line);
        fputs(".\n\n", out);
    }
    if (pgm_analysis_confirm(a)[0])
        fprintf(out, "**To confirm:** %s.\n\n", pgm_analysis_confirm(a));
    size_t nd;
    const char(*disagree)[512] = pgm_analysis_disagreements(a, &nd);
    for (size_t i = 0; i < nd; i++)
        fprintf(out, "**The two sides disagree:** %s.\n\n", disagree[i]);
    when(a, a->exhaustion, t2);
    fprintf(out, "## %s\n\n%" PRIu64 " connection(s) refused for lack of slots", shape.impact, a->refusals);
    if (a->refusals) {
        fprintf(out, ", the first at %s", t2);
        uint64_t line;
        const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
        const char *p = s ? pgm_sessions_first_refusal_at(s, &line) : NULL;
        cite(out, a, p, line);
    }
    fprintf(out, "; %" PRIu64 " pool timeout(s) in the applications' logs.", a->app_timeouts);
    if (pgb)
        fprintf(out, " %s.", pgb_impact);
    if (iit)
        fprintf(out, " Waiting on the open transactions' locks: %s.",
                pgm_report_shorten(a, iit_impact, shortened, sizeof shortened));
    /* who it reached: the services whose pools timed out, the users the server refused */
    const server_log *l = a->primary >= 0 ? &a->logs[a->primary] : NULL;
    size_t n_refused = l ? l->n_refused : 0;
    if (a->n_timed_out || n_refused)
        fputs(" Hit:", out);
    for (size_t i = 0; i < a->n_timed_out; i++) {
        const hit *h = &a->timed_out[i];
        fprintf(out, "%s `%s`: %" PRIu64 " pool timeout%s", i ? ";" : "", h->who, h->count, h->count == 1 ? "" : "s");
        cite(out, a, h->path, h->line);
    }
    for (size_t i = 0; i < n_refused; i++) {
        const hit *h = &l->refused[i];
        fprintf(out, "%s `%s`: refused %" PRIu64 " time%s", i || a->n_timed_out ? ";" : "", h->who, h->count,
                h->count == 1 ? "" : "s");
        cite(out, a, h->path, h->line);
    }
    fputs(a->n_timed_out || n_refused ? ".\n\n" : "\n\n", out);
}

static void table(FILE *out, int (*build)(const pgm_analysis *, pgm_table *), const pgm_analysis *a);

static void moments_section(const pgm_analysis *a, FILE *out)
{
    char title[512], clock[1024];
    fprintf(out, "## %s\n\n", pgm_report_shape_of(a, title, sizeof title).timeline);
    for (size_t i = 0; pgm_report_clock_words(a, i, clock, sizeof clock); i++)
        fprintf(out, "%s\n\n", clock);
    table(out, pgm_table_moments, a);
}

static void table(FILE *out, int (*build)(const pgm_analysis *, pgm_table *), const pgm_analysis *a)
{
    pgm_table t;
    if (build(a, &t) != PGM_OK || (!t.n_rows && !t.empty)) {
        pgm_table_free(&t);
        return;
    }
    if (t.title)
        fprintf(out, "### %s\n\n", t.title);
    if (!t.n_rows) {
        fprintf(out, "%s\n\n", t.empty);
        pgm_table_free(&t);
        return;
    }
    if (t.intro)
        fprintf(out, "%s\n\n", t.intro);
    fputc('|', out);
    for (size_t c = 0; c < t.n_cols; c++)
        fprintf(out, " %s |", t.cols[c]);
    fputs("\n|", out);
    for (size_t c = 0; c < t.n_cols; c++)
        fputs("---|", out);
    fputc('\n', out);
    for (size_t r = 0; r < t.n_rows; r++) {
        fputc('|', out);
        for (size_t c = 0; c < t.n_cols; c++) {
            const pgm_cell *x = pgm_table_cell(&t, r, c);
            /* a backtick inside would end the code span early: such text stays plain */
            bool code = (x->role == PGM_CELL_CODE || x->role == PGM_CELL_CITE) && !strchr(x->text, '`');
            const char *mark = code ? "`" : x->role == PGM_CELL_STRONG ? "**" : "";
            fprintf(out, " %s", mark);
            cell(out, x->text, x->role == PGM_CELL_LIST ? "; " : " ");
            fprintf(out, "%s |", mark);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
    if (t.note[0])
        fprintf(out, "%s\n\n", t.note);
    pgm_table_free(&t);
}

/* The open sessions as a text chart for readers of the Markdown: one column
 * per slice of the span (its highest count), eight rows up to the larger of
 * the peak and the usable slots, the usable slots marked on the axis. */
static void text_chart(const pgm_analysis *a, const pgm_curve *c, FILE *out)
{
    if (c->n < 2)
        return;
    enum { COLS = PGM_MD_CHART_COLUMNS, ROWS = 8 };
    int64_t t0 = c->p[0].t, t1 = c->p[c->n - 1].t;
    if (t1 <= t0)
        return;
    int32_t col[COLS];
    int32_t open = 0;
    size_t i = 0;
    int64_t span = t1 - t0; /* times are within years 0-9999: no overflow */
    for (int k = 0; k < COLS; k++) {
        /* span * (k + 1) / COLS without the product, which a long span overflows */
        int64_t end = t0 + span / COLS * (k + 1) + span % COLS * (k + 1) / COLS;
        int32_t hi = open;
        for (; i < c->n && (c->p[i].t <= end || k == COLS - 1); i++) {
            open = c->p[i].open;
            if (open > hi)
                hi = open;
        }
        col[k] = hi;
    }
    long usable = a->max_connections >= 0 ? a->max_connections - a->reserved : -1;
    int32_t top = c->peak > usable ? c->peak : (int32_t)usable;
    if (top < 1)
        top = 1;
    char from[PGM_TS_ISO_LEN], to[PGM_TS_ISO_LEN];
    when(a, t0, from);
    when(a, t1, to);
    fprintf(out, "\nOpen client sessions from %s to %s (each column about %.0f s, its highest count)%s:\n\n```text\n",
            from, to, (double)(t1 - t0) / 1e6 / COLS, usable > 0 ? "; > marks the usable slots" : "");
    for (int r = ROWS; r >= 1; r--) {
        int32_t level = (int32_t)(((int64_t)top * r + ROWS - 1) / ROWS);
        int32_t below = (int32_t)((int64_t)top * (r - 1) / ROWS);
        bool limit_row = usable > 0 && usable > below && usable <= level;
        fprintf(out, "%5d %c", level, limit_row ? '>' : '|');
        for (int k = 0; k < COLS; k++)
            fputc(col[k] > below ? '#' : ' ', out);
        fputc('\n', out);
    }
    fputs("      +", out);
    for (int k = 0; k < COLS; k++)
        fputc('-', out);
    fputs("\n```\n", out);
}

static void diagnosis_section(const pgm_analysis *a, FILE *out)
{
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    char title[512];
    fprintf(out, "## %s\n\n", pgm_report_shape_of(a, title, sizeof title).root_cause);
    size_t n_sessions = s ? pgm_sessions_count(s) : 0;
    const pgm_curve *c = s ? pgm_sessions_curve(s) : NULL;
    if (c && n_sessions) {
        char words[1024];
        char shortened[2048];
        pgm_analysis_peak_words(a, words, sizeof words);
        fprintf(out, "- %s.\n", pgm_report_shorten(a, words, shortened, sizeof shortened));
        for (unsigned app = 0; app < pgm_sessions_app_count(s); app++)
            if (pgm_sessions_app_curve(s, app)->peak > 0)
                fprintf(out, "- Application `%s`: at most %d open.\n", pgm_sessions_app_name(s, app),
                        pgm_sessions_app_curve(s, app)->peak);
        const char *why_not;
        const char *pod_app = pgm_analysis_pod_split(a, &why_not);
        if (pod_app) {
            fprintf(out, "- Application `%s` by pod (the bundle holds each pod's log; a session is taken as the "
                         "pod's whose pool started last before it, within 30 s, an attribution by time):\n", pod_app);
            for (size_t i = 0; i < pgm_analysis_pod_count(a); i++)
                fprintf(out, "  - Pod `%s`: at most %d open.\n", pgm_analysis_pod_name(a, i),
                        pgm_analysis_pod_curve(a, i)->peak);
        } else if (why_not) {
            fprintf(out, "- Not split by pod: %s.\n", why_not);
        }
        char named[512];
        if (pgm_report_apps_named_words(a, named, sizeof named))
            fprintf(out, "- %s\n", named);
        text_chart(a, c, out);
    } else if (pgm_analysis_pg_log_misread(a)) {
        fputs("- The server log gave no connection lines, but most of its messages are of no kind pgmortem "
              "knows (the appendix's warning names them): connection lines may be among them, and the "
              "sessions cannot be counted from it.\n", out);
    } else {
        fputs("- The server log has no connection lines (log_connections off): the sessions cannot be "
              "counted from it.\n", out);
    }
    fputc('\n', out);
    pgm_report_write_diagnosis_tables(a, out, &writer);
}

static void hypotheses_section(const pgm_analysis *a, FILE *out)
{
    char title[512];
    pgm_report_shape shape = pgm_report_shape_of(a, title, sizeof title);
    /* beneath the root cause; a health check's own section */
    fprintf(out, "%s %s\n\n", shape.healthy ? "##" : "###", shape.checked);
    table(out, pgm_table_explanations, a);
}

static void findings_section(const pgm_analysis *a, FILE *out)
{
    char title[512];
    pgm_report_shape shape = pgm_report_shape_of(a, title, sizeof title);
    /* beneath the action items; a health check's own section */
    fprintf(out, "%s %s\n\n", shape.healthy ? "##" : "###", shape.risks);
    table(out, pgm_table_config_findings, a);
}

/* A fenced code block whose fence is longer than any run of backticks in the
 * text (names and lines from the bundle could otherwise close it early). */
static void code_block(FILE *out, const char *lang, const char *text)
{
    size_t run = 0, longest = 0;
    for (const char *p = text; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    size_t fence = longest >= 3 ? longest + 1 : 3;
    for (size_t i = 0; i < fence; i++)
        fputc('`', out);
    fprintf(out, "%s\n%s", lang, text);
    if (*text && text[strlen(text) - 1] != '\n')
        fputc('\n', out);
    for (size_t i = 0; i < fence; i++)
        fputc('`', out);
    fputs("\n\n", out);
}

/* Resolution: the first action (the cause), and the SQL that lists and ends
 * the sessions the evidence names. */
static void resolution_section(const pgm_analysis *a, FILE *out)
{
    pgm_resolution r;
    pgm_report_resolution(a, &r);
    char title[512];
    fprintf(out, "## %s\n\n", pgm_report_shape_of(a, title, sizeof title).resolution);
    if (r.cause[0])
        fprintf(out, "**The cause first:** %s.%s\n\n", r.cause,
                r.cause_in_diff ? " The diff under the action items makes this change first." : "");
    if (r.sql) {
        fprintf(out, "%s\n\n", r.intro);
        code_block(out, "sql", r.list.p);
        fprintf(out, "%s\n\n", r.end_intro);
        code_block(out, "sql", r.end.p);
    }
    if (r.nothing)
        fprintf(out, "%s\n\n", r.nothing);
    pgm_report_resolution_free(&r);
}

/* Action items: the configuration diff (the cause's change first), the
 * alert rules to install, and the configuration's findings beneath. */
static void findings_section(const pgm_analysis *a, FILE *out);
static void actions_section(const pgm_analysis *a, FILE *out)
{
    pgm_action_items x;
    pgm_report_action_items(a, &x);
    char title[512];
    pgm_report_shape shape = pgm_report_shape_of(a, title, sizeof title);
    fprintf(out, "## %s\n\n", shape.actions);
    if (x.changes) {
        fprintf(out, "%s\n\n", x.diff_intro);
        code_block(out, "diff", x.diff.p);
        if (x.left[0])
            fprintf(out, "%s\n\n", x.left);
    }
    fprintf(out, "Install the alert rules of the %s section (`pgmortem analyze --export-alerts DIR`), with the "
                 "ones that would have fired first.\n\n",
            shape.detection);
    pgm_report_action_items_free(&x);
    findings_section(a, out);
}

/* Lessons: what the verdict's kind teaches, what evidence would have shown it sooner. */
static void lessons_section(const pgm_analysis *a, FILE *out)
{
    char title[512], line[1024];
    fprintf(out, "## %s\n\n", pgm_report_shape_of(a, title, sizeof title).lessons);
    size_t i = 0;
    for (; pgm_report_lesson(a, i, line, sizeof line); i++)
        fprintf(out, "- %s.\n", line);
    fputs(i ? "\n" : "No lesson beyond the findings above.\n\n", out);
}

static void prevention_section(const pgm_analysis *a, FILE *out)
{
    char title[512];
    fprintf(out, "## %s\n\n", pgm_report_shape_of(a, title, sizeof title).detection);
    const finding_copy *early[PGM_ANALYSIS_MAX_FINDINGS];
    size_t n_early = pgm_report_early_warnings(a, early, PGM_ANALYSIS_MAX_FINDINGS);
    if (n_early)
        fprintf(out, "%s\n\n", PGM_EARLY_WARNINGS_INTRO);
    for (size_t i = 0; i < n_early; i++) {
        fprintf(out, "- %s `%s`", early[i]->title, early[i]->rule);
        cite(out, a, early[i]->path, early[i]->line);
        fputs(i + 1 == n_early ? "\n\n" : "\n", out);
    }
    char line[1024];
    fprintf(out, "%s\n\n", pgm_report_alerts_intro(a, line, sizeof line));
    for (size_t i = 0; pgm_report_alert_sentence(a, i, line, sizeof line); i++)
        fprintf(out, "- %s\n", line);
    fputc('\n', out);
    char *rules = pgm_report_alert_rules_text(a);
    if (rules)
        code_block(out, "yaml", rules);
    free(rules);
}

static void appendix_section(const pgm_analysis *a, FILE *out)
{
    char title[512];
    fprintf(out, "## %s\n\n", pgm_report_shape_of(a, title, sizeof title).appendix);
    table(out, pgm_table_inputs, a);
    table(out, pgm_table_event_kinds, a);
    char intro[1024], cite[64], block[4 * PGM_QUOTE_LINE_MAX * 3 + 64];
    if (!pgm_report_quotes_intro(a, intro, sizeof intro))
        return;
    fprintf(out, "### Evidence quoted\n\n%s\n\n", intro);
    for (size_t i = 0; pgm_report_quote_block(a, i, cite, sizeof cite, block, sizeof block); i++) {
        fprintf(out, "%s\n\n", cite);
        code_block(out, "text", block);
    }
}

static const pgm_report_writer writer = PGM_REPORT_WRITER(table);

void pgm_report_markdown(const pgm_analysis *a, FILE *out)
{
    pgm_report_write_sections(a, out, &writer);
}
