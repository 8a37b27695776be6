/* The terminal summary: the postmortem's title and sections (report/tables.h's
 * shape), each in a few lines for the engineer at the terminal: the verdict
 * and its evidence, the impact and window, the peak, the suspect and code,
 * what would have detected it, the cause's fix first, the top findings. */
#include "report/summary.h"

#include <inttypes.h>
#include <string.h>

#include "forensics/analysis_impl.h"
#include "report/alerts.h"
#include "report/remediation.h"
#include "report/tables.h"
#include "text/timestamp.h"
#include "util/label.h"

void pgm_report_write_summary(const pgm_analysis *a, FILE *out)
{
    char title[512];
    pgm_report_shape shape = pgm_report_shape_of(a, title, sizeof title);
    fprintf(out, "%s\n\n== %s\n", shape.title, shape.summary);
    const pgm_hypothesis *v = &a->hyp[0];
    fprintf(out, "verdict: %s (confidence %s; score %d, next: %s %d)\n  %s\n", pgm_verdict_name(v->kind),
            pgm_analysis_confidence(a), v->score, pgm_verdict_name(a->hyp[1].kind), a->hyp[1].score, v->summary);
    for (size_t e = 0; e < v->n_evidence; e++)
        fprintf(out, "  - %s\n", v->evidence[e]);
    char note[160];
    fprintf(out, "times: %s\n", pgm_analysis_time_note(a, note, sizeof note));
    fprintf(out, "== %s\n", shape.impact);
    char where[512];
    if (pgm_analysis_where(a, where, sizeof where))
        fprintf(out, "where it ran out: %s\n", where);
    const char *again;
    uint64_t repeated = pgm_pooler_repeated(a->pooler, &again);
    if (repeated)
        fprintf(out, "PgBouncer: %llu line(s) of %s repeat what the same process wrote to another log: counted "
                "once\n", (unsigned long long)repeated, again);
    char iso[PGM_TS_ISO_LEN] = "-";
    if (a->exhaustion != PGM_TS_UNKNOWN)
        pgm_analysis_time_text(a, a->exhaustion, iso, sizeof iso);
    fprintf(out, "refusals: %llu (first %s); application timeouts: %llu\n",
            (unsigned long long)a->refusals, iso, (unsigned long long)a->app_timeouts);
    /* the incident's window: its first sign to its recovery (or last refusal) */
    int64_t from = PGM_TS_UNKNOWN, to = a->recovery;
    const pgm_growth *g = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
    int64_t signs[] = {g && v->kind == PGM_VERDICT_LEAK ? g->onset : PGM_TS_UNKNOWN, a->exhaustion, a->first_timeout,
                       a->first_leak_report, a->max_idle_in_tx_at};
    for (size_t i = 0; i < sizeof signs / sizeof signs[0]; i++)
        if (signs[i] != PGM_TS_UNKNOWN && (from == PGM_TS_UNKNOWN || signs[i] < from))
            from = signs[i];
    if (to == PGM_TS_UNKNOWN && a->primary >= 0)
        to = a->logs[a->primary].last_refusal;
    if (from != PGM_TS_UNKNOWN) {
        char f1[PGM_TS_ISO_LEN], f2[PGM_TS_ISO_LEN];
        pgm_analysis_time_text(a, from, f1, sizeof f1);
        if (to != PGM_TS_UNKNOWN && to > from) {
            pgm_analysis_time_text(a, to, f2, sizeof f2);
            fprintf(out, "window: %s to %s (%.0f s)\n", f1, f2, (double)(to - from) / 1e6);
        } else {
            fprintf(out, "window: from %s\n", f1);
        }
    }
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    size_t n_sessions = s ? pgm_sessions_count(s) : 0;
    fprintf(out, "== %s\n", shape.timeline);
    if (n_sessions) {
        const pgm_curve *c = pgm_sessions_curve(s);
        char at[PGM_TS_ISO_LEN];
        pgm_analysis_time_text(a, c->peak_at, at, sizeof at);
        fprintf(out, "peak: %d client sessions at %s", c->peak, at);
        if (a->max_connections >= 0)
            fprintf(out, " (usable slots: %ld)", a->max_connections - a->reserved);
        fputc('\n', out);
    }
    /* the root cause, or that there is none to name (a health check) */
    bool from_events = false;
    for (size_t i = 0; i < a->n_findings; i++)
        from_events = from_events || a->findings[i].from_events;
    fprintf(out, "== %s\n", shape.root_cause);
    if (!a->confirm[0] && !a->n_disagree && v->kind != PGM_VERDICT_LEAK && !from_events)
        fputs("no suspect: the evidence shows nothing that grew or ran out\n", out);
    if (a->confirm[0])
        fprintf(out, "to confirm: %s\n", a->confirm);
    for (size_t i = 0; i < a->n_disagree; i++)
        fprintf(out, "the two sides disagree: %s\n", a->disagree[i]);
    if (v->kind == PGM_VERDICT_LEAK) {
        /* as the JSON names it: the group PostgreSQL saw grow, else the snapshots' largest */
        const pgm_growth *sg = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
        bool snap = !sg && a->top_sessions > 0;
        const char *app = sg && strcmp(sg->app, PGM_LABEL_UNKNOWN) != 0 ? sg->app : snap && a->top_app[0] ? a->top_app
                                                                                                     : a->leak_app;
        const pgm_pooler_pool *pp = !sg && !snap ? pgm_analysis_pooler_suspect(a) : NULL;
        if (sg || snap)
            fprintf(out, "suspect: %s@%s from %s%s%s%s\n", sg ? sg->user : a->top_user, sg ? sg->db : a->top_db,
                    (sg ? sg->client : a->top_client)[0] ? (sg ? sg->client : a->top_client) : "?",
                    app[0] ? " (application " : "", app, app[0] ? ")" : "");
        else if (pp)
            fprintf(out, "suspect: %s@%s from %s%s%s%s, through PgBouncer's pool %s/%s\n", pp->user, pp->db,
                    pp->client[0] ? pp->client : "?", app[0] ? " (application " : "", app, app[0] ? ")" : "",
                    pp->db, pp->user);
        if (a->n_locs && a->locs[0].count)
            fprintf(out, "code: %s (%s), %u leak report(s)\n", a->locs[0].frame, a->locs[0].at, a->locs[0].count);
    }
    size_t high = 0, config = 0, shown = 0;
    for (size_t i = 0; i < a->n_findings; i++) {
        const finding_copy *f = &a->findings[i];
        if (f->from_events) {
            fprintf(out, "%s: [%s] %s (%s:%u)\n", f->severity, f->rule, f->message, f->path, f->line);
            continue;
        }
        config++;
        high += strcmp(f->severity, "high") == 0 || strcmp(f->severity, "critical") == 0;
    }
    if (!shape.healthy) {
        char line[1024];
        fprintf(out, "== %s\nalert rules fitted to this incident's series (pgmortem analyze --export-alerts DIR "
                "writes them, with their promtool test):\n", shape.detection);
        for (size_t i = 0; pgm_report_alert_sentence(a, i, line, sizeof line); i++)
            fprintf(out, "  - %s\n", line);
        pgm_resolution r;
        pgm_report_resolution(a, &r);
        fprintf(out, "== %s\n", shape.resolution);
        if (r.cause_full[0])
            fprintf(out, "the cause first: %s\n", r.cause_full);
        if (r.sql)
            fputs("the statements that list and end the sessions the evidence names: in the postmortem "
                  "(-f md or -f html)\n", out);
        if (r.nothing)
            fprintf(out, "%s\n", r.nothing);
        pgm_report_resolution_free(&r);
    }
    fprintf(out, "== %s\n", shape.healthy ? shape.risks : shape.actions);
    for (size_t i = 0; i < a->n_findings; i++) {
        const finding_copy *f = &a->findings[i];
        if (!f->from_events && shown < PGM_SUMMARY_TOP_FINDINGS && strcmp(f->severity, "critical") == 0) {
            fprintf(out, "%s: [%s] %s (%s:%u)\n", f->severity, f->rule, f->message, f->path, f->line);
            shown++;
        }
    }
    for (size_t i = 0; i < a->n_findings && shown < PGM_SUMMARY_TOP_FINDINGS; i++) {
        const finding_copy *f = &a->findings[i];
        if (!f->from_events && strcmp(f->severity, "high") == 0) {
            fprintf(out, "%s: [%s] %s (%s:%u)\n", f->severity, f->rule, f->message, f->path, f->line);
            shown++;
        }
    }
    if (config)
        fprintf(out, "configuration: %zu finding(s), %zu high or critical (pgmortem lint lists them)\n", config,
                high);
    else
        fputs("configuration: no finding (or no configuration in the bundle)\n", out);
}