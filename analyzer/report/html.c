/* The postmortem as one self-contained HTML file: inline CSS (light and
 * dark schemes, print), an inline SVG chart of the open connections against
 * the usable slots drawn here, no script and nothing fetched. The same
 * sections as the Markdown, read from the same model. */
#include "report/html.h"

#include <inttypes.h>
#include <string.h>

#include "forensics/analysis_impl.h"
#include "report/remediation.h"
#include "text/timestamp.h"

/* Points drawn on the chart, at most: more are merged per column, keeping
 * each column's highest value so the peak survives. */
#define PGM_HTML_CHART_COLUMNS 1200u

static void esc(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

static void when(int64_t t, char out[PGM_TS_ISO_LEN])
{
    if (t == PGM_TS_UNKNOWN)
        snprintf(out, PGM_TS_ISO_LEN, "unknown");
    else
        pgm_ts_format_iso(t, out);
}

static void cite(FILE *out, const char *path, uint64_t line)
{
    if (!path || !*path)
        return;
    fputs("<code class=\"cite\">", out);
    esc(out, path);
    if (line)
        fprintf(out, ":%" PRIu64, line);
    fputs("</code>", out);
}

static const char style[] =
    ":root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#59636e;--line:#d0d7de;"
    "--accent:#0b63c5;--bad:#c62828;--grid:#eaeef2}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;"
    "--line:#3d444d;--accent:#4493f8;--bad:#f47067;--grid:#21262d}}"
    "body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;color:var(--fg);"
    "background:var(--bg);max-width:1100px;margin:2em auto;padding:0 1em}"
    "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid var(--line);padding-bottom:.2em;"
    "margin-top:2em}table{border-collapse:collapse;width:100%;font-size:.9em}"
    "th,td{border:1px solid var(--line);padding:.3em .5em;text-align:left;vertical-align:top}"
    "code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}"
    "pre{background:var(--grid);padding:.8em;overflow-x:auto}.cite{color:var(--muted);word-break:break-all}"
    ".verdict{font-size:1.15em}.bad{color:var(--bad)}svg{width:100%;height:auto}"
    "svg text{fill:var(--fg);font:11px system-ui,sans-serif}.axis{stroke:var(--muted)}"
    ".gridline{stroke:var(--grid)}.curve{fill:none;stroke:var(--accent);stroke-width:1.5}"
    ".limit{stroke:var(--bad);stroke-dasharray:6 4}.refusal{stroke:var(--bad);stroke-width:1}"
    "@media print{body{max-width:none;margin:0}h2{break-after:avoid}table,svg{break-inside:avoid}}";

static void verdict_section(const pgm_analysis *a, FILE *out)
{
    const pgm_hypothesis *v = &a->hyp[0];
    const pgm_growth *g = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
    char t[PGM_TS_ISO_LEN];
    fputs("<h1>Postmortem: ", out);
    esc(out, pgm_verdict_name(v->kind));
    fputs("</h1>\n<p class=\"verdict\"><strong>Verdict: ", out);
    esc(out, pgm_verdict_name(v->kind));
    fputs(".</strong> ", out);
    esc(out, v->summary);
    if (v->kind == PGM_VERDICT_LEAK && g) {
        when(g->onset, t);
        fputs(" The sessions of <code>", out);
        esc(out, g->user);
        fputc('@', out);
        esc(out, g->db);
        fputs("</code> from <code>", out);
        esc(out, g->client[0] ? g->client : "?");
        fprintf(out, "</code> grew from %d to %d from %s on and were not given back ", g->baseline, g->held, t);
        cite(out, g->onset_path, g->onset_line);
        fputc('.', out);
    }
    fputs("</p>\n<p><strong>Impact:</strong> ", out);
    fprintf(out, "%" PRIu64 " connection(s) refused for lack of slots", a->refusals);
    if (a->exhaustion != PGM_TS_UNKNOWN) {
        when(a->exhaustion, t);
        fprintf(out, ", the first at %s ", t);
        const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
        uint64_t line = 0;
        const char *path = s ? pgm_sessions_first_refusal_at(s, &line) : NULL; /* sets line first */
        cite(out, path, line);
    }
    fprintf(out, "; %" PRIu64 " pool timeout(s) in the applications' logs.</p>\n", a->app_timeouts);
}

static void moments_section(const pgm_analysis *a, FILE *out)
{
    size_t n;
    const pgm_moment *m = pgm_analysis_moments(a, &n);
    fputs("<h2>Key moments</h2>\n<table><tr><th>time (UTC)</th><th>what</th><th>evidence</th></tr>\n", out);
    for (size_t i = 0; i < n; i++) {
        char t[PGM_TS_ISO_LEN];
        when(m[i].t, t);
        fprintf(out, "<tr><td>%s</td><td>", t);
        esc(out, m[i].text);
        fputs("</td><td>", out);
        cite(out, m[i].path, m[i].line);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* Seconds since midnight UTC as HH:MM:SS. */
static void clock_of(int64_t us, char out[16])
{
    int64_t s = us / 1000000;
    int64_t d = ((s % 86400) + 86400) % 86400;
    snprintf(out, 16, "%02d:%02d:%02d", (int)(d / 3600), (int)(d / 60 % 60), (int)(d % 60));
}

/* The open connections as a step line, with the usable slots and the first refusal. */
static void chart(const pgm_analysis *a, FILE *out)
{
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    size_t n_sessions = 0;
    if (s)
        pgm_sessions_list(s, &n_sessions);
    const pgm_curve *c = s ? pgm_sessions_curve(s) : NULL;
    const pgm_curve_point *p = n_sessions && c ? c->p : a->snap_points;
    size_t n = n_sessions && c ? c->n : a->n_snap_points;
    if (n < 2) {
        fputs("<p>Too few points for a chart of the open connections.</p>\n", out);
        return;
    }
    int64_t t0 = p[0].t, t1 = p[n - 1].t;
    if (t1 <= t0)
        t1 = t0 + 1;
    int32_t top = 1;
    for (size_t i = 0; i < n; i++)
        if (p[i].open > top)
            top = p[i].open;
    long usable = a->max_connections >= 0 ? a->max_connections - a->reserved : -1;
    if (usable > top)
        top = (int32_t)usable;
    top += top / 10 + 1;
    const double W = 1000, H = 320, L = 50, R = 20, T = 20, B = 40;
    double pw = W - L - R, ph = H - T - B;
#define X(t) (L + pw * (double)((t) - t0) / (double)(t1 - t0))
#define Y(v) (T + ph - ph * (double)(v) / (double)top)
    fprintf(out, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"open client sessions over time\">\n", W, H);
    fprintf(out, "<title>Open client sessions (%s), UTC</title>\n",
            n_sessions ? "exact, from the server log" : "sampled by pg_stat_activity");
    for (int k = 0; k <= 4; k++) { /* value grid and labels */
        int32_t v = (int32_t)((int64_t)top * k / 4);
        fprintf(out, "<line class=\"gridline\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n",
                L, W - R, Y(v), Y(v), L - 6, Y(v) + 4, v);
    }
    for (int k = 0; k <= 5; k++) { /* time labels */
        int64_t t = t0 + (t1 - t0) * k / 5;
        char hms[16];
        clock_of(t, hms);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n", X(t), H - B + 16,
                k == 0 ? "start" : k == 5 ? "end" : "middle", hms);
    }
    fprintf(out, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                 "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
            L, W - R, T + ph, T + ph, L, L, T, T + ph);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">time (UTC)</text>"
                 "<text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" text-anchor=\"middle\">"
                 "open sessions</text>\n",
            L + pw / 2, H - 4, T + ph / 2, T + ph / 2);
    /* the step line, one column of the chart per merged run of points */
    fputs("<path class=\"curve\" d=\"", out);
    double last_x = -1;
    int32_t col_max = 0, prev = p[0].open;
    fprintf(out, "M%.1f %.1f", X(p[0].t), Y(p[0].open));
    for (size_t i = 1; i < n; i++) {
        double x = X(p[i].t);
        if (n > PGM_HTML_CHART_COLUMNS && x - last_x < pw / PGM_HTML_CHART_COLUMNS && i + 1 < n) {
            if (p[i].open > col_max)
                col_max = p[i].open;
            continue;
        }
        int32_t v = p[i].open > col_max ? p[i].open : col_max;
        fprintf(out, "H%.1fV%.1f", x, Y(v));
        if (v != p[i].open)
            fprintf(out, "V%.1f", Y(p[i].open));
        prev = p[i].open;
        col_max = 0;
        last_x = x;
    }
    (void)prev;
    fputs("\"/>\n", out);
    if (usable > 0)
        fprintf(out, "<line class=\"limit\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"><title>usable slots: %ld"
                     "</title></line>\n",
                L, W - R, Y(usable), Y(usable), usable);
    if (a->exhaustion != PGM_TS_UNKNOWN && a->exhaustion >= t0 && a->exhaustion <= t1) {
        char t[PGM_TS_ISO_LEN];
        when(a->exhaustion, t);
        fprintf(out, "<line class=\"refusal\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"><title>first refusal "
                     "%s</title></line>\n",
                X(a->exhaustion), X(a->exhaustion), T, T + ph, t);
    }
    if (n_sessions && c->peak_at != PGM_TS_UNKNOWN) {
        char t[PGM_TS_ISO_LEN];
        when(c->peak_at, t);
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"currentColor\"><title>peak: %d at %s</title></circle>\n",
                X(c->peak_at), Y(c->peak), c->peak, t);
    }
    fputs("</svg>\n<p class=\"cite\">Legend: solid line, open client sessions", out);
    if (usable > 0)
        fprintf(out, "; dashed line, the %ld usable slots", usable);
    if (a->exhaustion != PGM_TS_UNKNOWN)
        fputs("; vertical line, the first refusal", out);
    fputs(". Times in UTC.</p>\n", out);
#undef X
#undef Y
}

static void diagnosis_section(const pgm_analysis *a, FILE *out)
{
    fputs("<h2>Diagnosis</h2>\n", out);
    chart(a, out);
    if (a->n_locs) {
        fputs("<table><tr><th>leaking code location</th><th>at</th><th>reports</th><th>first</th>"
              "<th>evidence</th></tr>\n", out);
        for (size_t i = 0; i < a->n_locs; i++) {
            if (!a->locs[i].count)
                continue;
            char t[PGM_TS_ISO_LEN];
            when(a->locs[i].first, t);
            fputs("<tr><td><code>", out);
            esc(out, a->locs[i].frame);
            fputs("</code></td><td>", out);
            esc(out, a->locs[i].at);
            fprintf(out, "</td><td>%u</td><td>%s</td><td>", a->locs[i].count, t);
            cite(out, a->locs[i].first_path, a->locs[i].first_line);
            fputs("</td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }
}

static void hypotheses_section(const pgm_analysis *a, FILE *out)
{
    fputs("<h2>Explanations weighed</h2>\n<table><tr><th>explanation</th><th>score</th><th>evidence</th></tr>\n",
          out);
    for (size_t i = 0; i < PGM_VERDICT_COUNT; i++) {
        const pgm_hypothesis *h = &a->hyp[i];
        fprintf(out, "<tr><td>%s", i == 0 ? "<strong>" : "");
        esc(out, pgm_verdict_name(h->kind));
        fprintf(out, "%s</td><td>%d</td><td>", i == 0 ? "</strong>" : "", h->score);
        for (size_t e = 0; e < h->n_evidence; e++) {
            if (e)
                fputs("<br>", out);
            esc(out, h->evidence[e]);
        }
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void findings_section(const pgm_analysis *a, FILE *out)
{
    fputs("<h2>Misconfigurations</h2>\n", out);
    if (!a->n_findings) {
        fputs("<p>No configuration finding (or no configuration in the bundle).</p>\n", out);
        return;
    }
    fputs("<table><tr><th>severity</th><th>rule</th><th>where</th><th>finding</th><th>fix</th></tr>\n", out);
    static const char *const order[] = {"critical", "high", "medium", "low", "info"};
    for (size_t o = 0; o < 5; o++)
        for (size_t i = 0; i < a->n_findings; i++) {
            const finding_copy *f = &a->findings[i];
            if (strcmp(f->severity, order[o]) != 0)
                continue;
            fprintf(out, "<tr><td%s>", o < 2 ? " class=\"bad\"" : "");
            esc(out, f->severity);
            fputs("</td><td>", out);
            esc(out, f->rule);
            fputs("</td><td>", out);
            cite(out, f->path, f->line);
            fputs("</td><td>", out);
            esc(out, f->message);
            fputs("</td><td>", out);
            esc(out, f->remediation);
            fputs("</td></tr>\n", out);
        }
    fputs("</table>\n", out);
}

static void remediation_section(const pgm_analysis *a, FILE *out)
{
    pgm_strbuf list, end;
    pgm_strbuf_init(&list, 1u << 16);
    pgm_strbuf_init(&end, 1u << 16);
    if (pgm_report_leak_sql(a, &list, &end) && !pgm_strbuf_add(&list, "", 1) && !pgm_strbuf_add(&end, "", 1)) {
        fputs("<h2>Remediation</h2>\n<p>The sessions the suspect held when the server ran out (check them before "
              "ending any):</p>\n<pre><code>", out);
        esc(out, list.p);
        fputs("</code></pre>\n<p>To end them (the application gets errors on those connections; fix the code path "
              "above first):</p>\n<pre><code>", out);
        esc(out, end.p);
        fputs("</code></pre>\n", out);
    }
    pgm_strbuf_free(&list);
    pgm_strbuf_free(&end);
}

static void appendix_section(const pgm_analysis *a, FILE *out)
{
    fputs("<h2>Appendix: the inputs</h2>\n<table><tr><th>file</th><th>kind</th><th>format</th><th>lines</th>"
          "<th>not understood</th><th>first</th><th>last</th></tr>\n", out);
    for (size_t i = 0; i < a->n_inputs; i++) {
        const input_copy *in = &a->inputs[i];
        char f[PGM_TS_ISO_LEN], l[PGM_TS_ISO_LEN];
        when(in->first_ts, f);
        when(in->last_ts, l);
        fputs("<tr><td><code class=\"cite\">", out);
        esc(out, in->path);
        fputs("</code>", out);
        if (in->warning[0]) {
            fputs("<br><span class=\"bad\">", out);
            esc(out, in->warning);
            fputs("</span>", out);
        }
        fputs("</td><td>", out);
        esc(out, in->kind);
        fputs("</td><td>", out);
        esc(out, in->format);
        if (in->counted)
            fprintf(out, "</td><td>%" PRIu64 "</td><td>%" PRIu64, in->lines, in->unparsed);
        else
            fputs("</td><td>-</td><td>-", out);
        fprintf(out, "</td><td>%s</td><td>%s</td></tr>\n", in->first_ts == PGM_TS_UNKNOWN ? "-" : f,
                in->last_ts == PGM_TS_UNKNOWN ? "-" : l);
    }
    fputs("</table>\n", out);
}

void pgm_report_html(const pgm_analysis *a, FILE *out)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          /* nothing may be fetched: not even by accident */
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n<title>Postmortem: ",
          out);
    esc(out, pgm_verdict_name(a->hyp[0].kind));
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
    verdict_section(a, out);
    moments_section(a, out);
    diagnosis_section(a, out);
    hypotheses_section(a, out);
    findings_section(a, out);
    remediation_section(a, out);
    appendix_section(a, out);
    fputs("<p class=\"cite\">Written by pgmortem. Every claim cites the file and line it comes from.</p>\n"
          "</body>\n</html>\n",
          out);
}
