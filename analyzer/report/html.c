/* The postmortem as one self-contained HTML file: inline CSS (light and
 * dark schemes, print), an inline SVG chart of the open connections against
 * the usable slots drawn here, no script and nothing fetched. The same
 * sections as the Markdown, read from the same model. */
#include "report/html.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/analysis_impl.h"
#include "report/alerts.h"
#include "report/remediation.h"
#include "report/quotes.h"
#include "report/tables.h"
#include "text/timestamp.h"
#include "util/label.h"

/* Points drawn on the chart, at most: more are merged per column, keeping
 * each column's highest value so the peak survives. */
#define PGM_HTML_CHART_COLUMNS 1200u
/* Columns the per-application chart samples; applications with a color of their own. */
#define PGM_HTML_STACK_COLUMNS 400
#define PGM_HTML_STACK_COLORS 8u
/* Distinct applications or users counted; beyond, the last counts everyone else. */
#define PGM_HTML_STACK_KEYS 64u

/* How this format writes each part of the report (defined at the end). */
static const pgm_report_writer writer;

static void esc_char(FILE *out, char c)
{
    switch (c) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default: fputc(c, out);
    }
}

static void esc(FILE *out, const char *s)
{
    for (; s && *s; s++)
        esc_char(out, *s);
}

/* Text whose lines are a list's items: one line each. */
static void esc_cited(FILE *out, const pgm_analysis *a, const char *s);
static void esc_lines(FILE *out, const pgm_analysis *a, const char *s)
{
    for (const char *nl; s && (nl = strchr(s, '\n')); s = nl + 1) {
        char piece[PGM_TABLE_CELL_MAX];
        size_t n = (size_t)(nl - s) < sizeof piece ? (size_t)(nl - s) : sizeof piece - 1;
        memcpy(piece, s, n);
        piece[n] = '\0';
        esc_cited(out, a, piece);
        fputs("<br>", out);
    }
    esc_cited(out, a, s);
}

/* A time as the human formats show it (forensics' pgm_analysis_time_text). */
static void when(const pgm_analysis *a, int64_t t, char out[PGM_TS_ISO_LEN])
{
    pgm_analysis_time_text(a, t, out, PGM_TS_ISO_LEN);
}

/* A citation's link: to its quote in the appendix, else to its input. */
static void cite_link(FILE *out, const pgm_analysis *a, size_t id, uint64_t line, const char *text)
{
    if (line && pgm_quotes_find(a->quotes, id, line))
        fprintf(out, "<a class=\"cite\" href=\"#E%zu-%" PRIu64 "\">", id, line);
    else
        fprintf(out, "<a class=\"cite\" href=\"#E%zu\">", id);
    esc(out, text);
    fputs("</a>", out);
}

/* A citation: the input's id and line, linked to its quote (else its input) in the appendix. */
static void cite(FILE *out, const pgm_analysis *a, const char *path, uint64_t line)
{
    if (!path || !*path)
        return;
    char c[1200];
    size_t id = pgm_analysis_input_id(a, path);
    pgm_report_cite_text(a, path, line, c, sizeof c);
    if (id) {
        cite_link(out, a, id, line, c);
        return;
    }
    fputs("<code class=\"cite\">", out);
    esc(out, c);
    fputs("</code>", out);
}

/* Text with citations in it ("... (E3:92)"): each one a link. */
static void esc_cited(FILE *out, const pgm_analysis *a, const char *s)
{
    size_t len = s ? strlen(s) : 0, from = 0;
    for (size_t i = 0; i < len; i++) {
        size_t id;
        uint64_t line;
        bool word = !i || !((s[i - 1] >= 'A' && s[i - 1] <= 'Z') || (s[i - 1] >= 'a' && s[i - 1] <= 'z') ||
                            (s[i - 1] >= '0' && s[i - 1] <= '9') || s[i - 1] == '_');
        size_t used = word ? pgm_quotes_parse_cite(s + i, len - i, &id, &line) : 0;
        if (!used || id > a->n_inputs)
            continue;
        for (; from < i; from++) /* the text before it, escaped a character at a time */
            esc_char(out, s[from]);
        char text[64];
        snprintf(text, sizeof text, "%.*s", (int)used, s + i);
        cite_link(out, a, id, line, text);
        i += used - 1;
        from = i + 1;
    }
    for (; from < len; from++)
        esc_char(out, s[from]);
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
    "th,td{border:1px solid var(--line);padding:.3em .5em;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere}"
    "code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}"
    "pre{background:var(--grid);padding:.8em;overflow-x:auto}.cite{color:var(--muted);overflow-wrap:anywhere}"
    ".verdict{font-size:1.15em}.bad{color:var(--bad)}svg{width:100%;height:auto}"
    "svg text{fill:var(--fg);font:14px system-ui,sans-serif}.axis{stroke:var(--muted)}"
    "@media (max-width:900px){svg text{font-size:17px}}"
    ".gridline{stroke:var(--grid)}.curve{fill:none;stroke:var(--accent);stroke-width:1.5}"
    ".limit{stroke:var(--bad);stroke-dasharray:6 4}.refusal{stroke:var(--bad);stroke-width:1}"
    ".band{stroke:var(--bg);stroke-width:.5}.key{display:inline-block;width:.8em;height:.8em;"
    "vertical-align:-.05em;margin-right:.2em}"
    ".band0{fill:#4e79a7;background:#4e79a7}.band1{fill:#f28e2b;background:#f28e2b}"
    ".band2{fill:#59a14f;background:#59a14f}.band3{fill:#e15759;background:#e15759}"
    ".band4{fill:#76b7b2;background:#76b7b2}.band5{fill:#edc948;background:#edc948}"
    ".band6{fill:#b07aa1;background:#b07aa1}.band7{fill:#9c755f;background:#9c755f}"
    ".diff .add{color:#1a7f37}.diff .del{color:var(--bad)}.diff .hunk{color:var(--accent)}"
    ".diff .file{font-weight:bold}"
    ".hover line{stroke:var(--muted);stroke-dasharray:2 2}.hover rect{fill:var(--bg);stroke:var(--line)}"
    "@media print{body{max-width:none;margin:0}h2{break-after:avoid}table,svg{break-inside:avoid}"
    ".key{print-color-adjust:exact;-webkit-print-color-adjust:exact}}";

/* The one script: a crosshair with the time and the open count over each
 * chart with data-pts. Allowed by its hash in the page's CSP (nothing else
 * may run); tests/reports/script-hash.py recomputes the hash, so an edit
 * here that forgets it fails make check. The report reads the same without it. */
static const char hover_script[] =
    "(function () {\n"
    "var charts = document.querySelectorAll(\"svg[data-pts]\");\n"
    "Array.prototype.forEach.call(charts, function (svg) {\n"
    "var pts = svg.getAttribute(\"data-pts\").split(\" \").map(function (p) {\n"
    "var q = p.split(\",\");\n"
    "return [+q[0], +q[1]];\n"
    "});\n"
    "var d = svg.dataset, t0 = +d.t0, t1 = +d.t1, l = +d.l, pw = +d.pw;\n"
    "var ns = svg.namespaceURI;\n"
    "function el(name, attrs) {\n"
    "var e = document.createElementNS(ns, name);\n"
    "for (var k in attrs) e.setAttribute(k, attrs[k]);\n"
    "return e;\n"
    "}\n"
    "var g = el(\"g\", {\"class\": \"hover\", \"display\": \"none\"});\n"
    "var line = el(\"line\", {\"y1\": d.ytop, \"y2\": d.ybottom});\n"
    "var box = el(\"rect\", {\"y\": +d.ytop + 2, \"width\": 200, \"height\": 20, \"rx\": 3});\n"
    "var text = el(\"text\", {\"y\": +d.ytop + 16});\n"
    "g.appendChild(line);\n"
    "g.appendChild(box);\n"
    "g.appendChild(text);\n"
    "svg.appendChild(g);\n"
    "svg.addEventListener(\"mousemove\", function (ev) {\n"
    "var m = svg.getScreenCTM();\n"
    "if (!m) return;\n"
    "var x = (ev.clientX - m.e) / m.a;\n"
    "if (x < l || x > l + pw) {\n"
    "g.setAttribute(\"display\", \"none\");\n"
    "return;\n"
    "}\n"
    "var lo = 0, hi = pts.length;\n"
    "while (lo < hi) {\n"
    "var mid = (lo + hi) >> 1;\n"
    "if (pts[mid][0] <= x) lo = mid + 1; else hi = mid;\n"
    "}\n"
    "var v = lo ? pts[lo - 1][1] : pts[0][1];\n"
    "var t = new Date(t0 + (x - l) / pw * (t1 - t0));\n"
    "text.textContent = t.toISOString().slice(11, 19) + \" UTC: \" + v + \" open\";\n"
    "var bx = x + 206 > l + pw ? x - 206 : x + 6;\n"
    "line.setAttribute(\"x1\", x);\n"
    "line.setAttribute(\"x2\", x);\n"
    "box.setAttribute(\"x\", bx);\n"
    "text.setAttribute(\"x\", bx + 6);\n"
    "g.removeAttribute(\"display\");\n"
    "});\n"
    "svg.addEventListener(\"mouseleave\", function () {\n"
    "g.setAttribute(\"display\", \"none\");\n"
    "});\n"
    "});\n"
    "document.documentElement.setAttribute(\"data-hover\", \"ready\");\n"
    "})();\n";
#define HOVER_SCRIPT_SHA256 "ukDAMld+hjtTV0gII3bwflUSexQAcA/jn47f83EFp0A="

/* A section's heading with an id of its own, so a reader can link to it. */
static void heading(FILE *out, int level, const char *id, const char *text)
{
    fprintf(out, "<h%d id=\"%s\">", level, id);
    esc(out, text);
    fprintf(out, "</h%d>\n", level);
}

static void verdict_section(const pgm_analysis *a, FILE *out)
{
    const pgm_hypothesis *v = &a->hyp[0];
    const pgm_growth *g = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
    char t[PGM_TS_ISO_LEN];
    char title[512];
    pgm_report_shape shape = pgm_report_shape_of(a, title, sizeof title);
    fputs("<h1>", out);
    esc(out, shape.title);
    fputs("</h1>\n<p class=\"cite\">", out);
    char note[160];
    esc(out, pgm_analysis_time_note(a, note, sizeof note));
    fputs(" The charts are drawn in UTC. Evidence is cited as E<em>n</em>:<em>line</em>, E<em>n</em> an input the "
          "appendix lists.</p>\n", out);
    heading(out, 2, "summary", shape.summary);
    fputs("<p class=\"verdict\"><strong>Verdict: ", out);
    esc(out, pgm_verdict_name(v->kind));
    fprintf(out, "</strong> (confidence: %s). ", pgm_analysis_confidence(a));
    esc(out, v->summary);
    char words[768];
    if (pgm_analysis_leak_words(a, words, sizeof words)) {
        fputc(' ', out);
        esc(out, words);
        fputc(' ', out);
        cite(out, a, g->onset_path, g->onset_line);
        fputc('.', out);
    }
    char pgb_suspect[512], pgb_impact[512];
    bool pgb = pgm_analysis_pooler_words(a, pgb_suspect, pgb_impact, sizeof pgb_suspect);
    if (pgb && pgb_suspect[0]) {
        fputc(' ', out);
        esc(out, pgb_suspect);
        fputc('.', out);
    }
    char culprit[768], shortened[2048];
    if (pgm_analysis_culprit_words(a, culprit, sizeof culprit)) {
        fputc(' ', out);
        esc_cited(out, a, pgm_report_shorten(a, culprit, shortened, sizeof shortened));
        fputc('.', out);
    }
    char iit_suspect[768], iit_impact[768];
    bool iit = pgm_analysis_holder_words(a, iit_suspect, iit_impact, sizeof iit_suspect);
    if (iit && iit_suspect[0]) {
        fputc(' ', out);
        esc_cited(out, a, pgm_report_shorten(a, iit_suspect, shortened, sizeof shortened));
        fputc('.', out);
    }
    fputs("</p>\n", out);
    char where[512];
    if (pgm_analysis_where(a, where, sizeof where)) {
        fputs("<p><strong>Where it ran out:</strong> ", out);
        esc(out, where);
        if (a->tier_pool) {
            fputc(' ', out);
            cite(out, a, a->tier_pool->first_wait_path, a->tier_pool->first_wait_line);
        }
        fputs(".</p>\n", out);
    }
    if (pgm_analysis_confirm(a)[0]) {
        fputs("<p><strong>To confirm:</strong> ", out);
        esc(out, pgm_analysis_confirm(a));
        fputs(".</p>\n", out);
    }
    size_t nd;
    const char(*disagree)[512] = pgm_analysis_disagreements(a, &nd);
    for (size_t i = 0; i < nd; i++) {
        fputs("<p><strong>The two sides disagree:</strong> ", out);
        esc(out, disagree[i]);
        fputs(".</p>\n", out);
    }
    heading(out, 2, "impact", shape.impact);
    fputs("<p>", out);
    fprintf(out, "%" PRIu64 " connection(s) refused for lack of slots", a->refusals);
    if (a->exhaustion != PGM_TS_UNKNOWN) {
        when(a, a->exhaustion, t);
        fprintf(out, ", the first at %s ", t);
        const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
        uint64_t line = 0;
        const char *path = s ? pgm_sessions_first_refusal_at(s, &line) : NULL; /* sets line first */
        cite(out, a, path, line);
    }
    fprintf(out, "; %" PRIu64 " pool timeout(s) in the applications' logs.", a->app_timeouts);
    if (pgb) {
        fputc(' ', out);
        esc(out, pgb_impact);
        fputc('.', out);
    }
    if (iit) {
        fputs(" Waiting on the open transactions' locks: ", out);
        esc_cited(out, a, pgm_report_shorten(a, iit_impact, shortened, sizeof shortened));
        fputc('.', out);
    }
    const server_log *l = a->primary >= 0 ? &a->logs[a->primary] : NULL;
    size_t n_refused = l ? l->n_refused : 0;
    if (a->n_timed_out || n_refused)
        fputs(" Hit:", out);
    for (size_t i = 0; i < a->n_timed_out + n_refused; i++) {
        bool timeout = i < a->n_timed_out;
        const hit *h = timeout ? &a->timed_out[i] : &l->refused[i - a->n_timed_out];
        fputs(i ? "; <code>" : " <code>", out);
        esc(out, h->who);
        if (timeout)
            fprintf(out, "</code> (%" PRIu64 " pool timeout%s ", h->count, h->count == 1 ? "" : "s");
        else
            fprintf(out, "</code> (refused %" PRIu64 " time%s ", h->count, h->count == 1 ? "" : "s");
        cite(out, a, h->path, h->line);
        fputc(')', out);
    }
    fputs(a->n_timed_out || n_refused ? ".</p>\n" : "</p>\n", out);
}

static void table(FILE *out, int (*build)(const pgm_analysis *, pgm_table *), const pgm_analysis *a);

static void moments_section(const pgm_analysis *a, FILE *out)
{
    char title[512], clock[1024];
    heading(out, 2, "timeline", pgm_report_shape_of(a, title, sizeof title).timeline);
    for (size_t i = 0; pgm_report_clock_words(a, i, clock, sizeof clock); i++) {
        fputs("<p>", out);
        esc_cited(out, a, clock);
        fputs("</p>\n", out);
    }
    table(out, pgm_table_moments, a);
}

/* Seconds since midnight UTC as HH:MM:SS. */
static void clock_of(int64_t us, char out[16])
{
    int64_t s = us / 1000000;
    int64_t d = ((s % 86400) + 86400) % 86400;
    snprintf(out, 16, "%02d:%02d:%02d", (int)(d / 3600), (int)(d / 60 % 60), (int)(d % 60));
}

/* A chart's drawing area in the SVG's own units, and its time and value ranges. */
typedef struct frame {
    double W, H, L, R, T, B;
    int64_t t0, t1;
    int32_t top;
    int32_t step;           /* between the y axis' ticks: 1, 2 or 5 times a power of ten */
} frame;

/* The y scale for counts up to `highest`: a tenth above it, rounded up to a
 * whole tick of 1, 2 or 5 times a power of ten, at most five ticks. */
static void round_scale(frame *f, int32_t highest)
{
    int32_t top = highest + highest / 10 + 1, step = 1;
    for (int32_t mag = 1; mag <= top; mag *= 10) {
        static const int32_t mult[] = {1, 2, 5};
        bool found = false;
        for (size_t i = 0; i < 3 && !found; i++)
            if ((int64_t)mult[i] * mag * 5 >= top) {
                step = mult[i] * mag;
                found = true;
            }
        if (found)
            break;
    }
    f->step = step;
    f->top = (top + step - 1) / step * step;
}

/* Whether the usable slots belong on a chart whose counts reach `highest`:
 * far above them, they would flatten the curve (8 sessions under 97 slots). */
static bool usable_shown(long usable, int32_t highest)
{
    return usable > 0 && usable <= 2L * (highest > 0 ? highest : 1);
}

static double fx(const frame *f, int64_t t)
{
    return f->L + (f->W - f->L - f->R) * (double)(t - f->t0) / (double)(f->t1 - f->t0);
}

static double fy(const frame *f, double v)
{
    double ph = f->H - f->T - f->B;
    return f->T + ph - ph * v / (double)f->top;
}

/* The grid, the axes with their units and the time labels. */
static void frame_axes(const frame *f, FILE *out, const char *y_label)
{
    double ph = f->H - f->T - f->B, pw = f->W - f->L - f->R;
    for (int32_t v = 0; v <= f->top; v += f->step > 0 ? f->step : f->top + 1) {
        fprintf(out, "<line class=\"gridline\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n",
                f->L, f->W - f->R, fy(f, v), fy(f, v), f->L - 6, fy(f, v) + 4, v);
    }
    for (int k = 0; k <= 5; k++) {
        int64_t t = f->t0 + (f->t1 - f->t0) * k / 5;
        char hms[16];
        clock_of(t, hms);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n", fx(f, t), f->H - f->B + 16,
                k == 0 ? "start" : k == 5 ? "end" : "middle", hms);
    }
    fprintf(out, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                 "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
            f->L, f->W - f->R, f->T + ph, f->T + ph, f->L, f->L, f->T, f->T + ph);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">time (UTC)</text>"
                 "<text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" text-anchor=\"middle\">%s</text>\n",
            f->L + pw / 2, f->H - 4, f->T + ph / 2, f->T + ph / 2, y_label);
}

/* The open connections as a step line, with the usable slots and the first
 * refusal. The points drawn are also in data-pts ("x,open ...") for the
 * hover script; without it the <title>s tell the same. */
static void chart(const pgm_analysis *a, FILE *out)
{
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    bool exact;
    size_t n;
    const pgm_curve_point *p = pgm_analysis_connections(a, &n, &exact);
    const pgm_curve *c = exact ? pgm_sessions_curve(s) : NULL;
    if (n < 2) {
        fputs("<p>Too few points for a chart of the open connections.</p>\n", out);
        return;
    }
    frame f = {1000, 320, 50, 20, 20, 40, p[0].t, p[n - 1].t, 1, 1};
    if (f.t1 <= f.t0)
        f.t1 = f.t0 + 1;
    int32_t highest = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i].open > highest)
            highest = p[i].open;
    long usable = a->max_connections >= 0 ? a->max_connections - a->reserved : -1;
    bool show_usable = usable_shown(usable, highest);
    round_scale(&f, show_usable && usable > highest ? (int32_t)usable : highest);
    double pw = f.W - f.L - f.R;
    /* the columns drawn: more points than columns are merged, keeping each column's highest */
    fprintf(out, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"open client sessions over "
                 "time\" data-t0=\"%" PRId64 "\" data-t1=\"%" PRId64 "\" data-l=\"%.0f\" data-pw=\"%.0f\" "
                 "data-ytop=\"%.0f\" data-ybottom=\"%.0f\" data-pts=\"",
            f.W, f.H, f.t0 / 1000, f.t1 / 1000, f.L, pw, f.T, f.H - f.B);
    pgm_strbuf path;
    pgm_strbuf_init(&path, 1u << 24);
    double last_x = -1;
    int32_t col_max = 0;
    char num[64];
    int k = snprintf(num, sizeof num, "M%.1f %.1f", fx(&f, p[0].t), fy(&f, p[0].open));
    pgm_strbuf_add(&path, num, (size_t)k);
    fprintf(out, "%.1f,%d", fx(&f, p[0].t), p[0].open);
    for (size_t i = 1; i < n; i++) {
        double x = fx(&f, p[i].t);
        if (n > PGM_HTML_CHART_COLUMNS && x - last_x < pw / PGM_HTML_CHART_COLUMNS && i + 1 < n) {
            if (p[i].open > col_max)
                col_max = p[i].open;
            continue;
        }
        int32_t v = p[i].open > col_max ? p[i].open : col_max;
        k = snprintf(num, sizeof num, "H%.1fV%.1f", x, fy(&f, v));
        pgm_strbuf_add(&path, num, (size_t)k);
        if (v != p[i].open) {
            k = snprintf(num, sizeof num, "V%.1f", fy(&f, p[i].open));
            pgm_strbuf_add(&path, num, (size_t)k);
        }
        fprintf(out, " %.1f,%d", x, v);
        col_max = 0;
        last_x = x;
    }
    fputs("\">\n", out);
    fprintf(out, "<title>Open client sessions (%s), UTC</title>\n",
            exact ? "exact, from the server log" : a->sampled_source ? a->sampled_source : "sampled");
    frame_axes(&f, out, "open sessions");
    fprintf(out, "<path class=\"curve\" d=\"%.*s\"/>\n", (int)path.len, path.p ? path.p : "");
    pgm_strbuf_free(&path);
    if (show_usable)
        fprintf(out, "<line class=\"limit\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"><title>usable slots: %ld"
                     "</title></line>\n",
                f.L, f.W - f.R, fy(&f, usable), fy(&f, usable), usable);
    if (a->exhaustion != PGM_TS_UNKNOWN && a->exhaustion >= f.t0 && a->exhaustion <= f.t1) {
        char t[PGM_TS_ISO_LEN];
        when(a, a->exhaustion, t);
        fprintf(out, "<line class=\"refusal\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"><title>first refusal "
                     "%s</title></line>\n",
                fx(&f, a->exhaustion), fx(&f, a->exhaustion), f.T, f.H - f.B, t);
    }
    if (c && c->peak_at != PGM_TS_UNKNOWN) {
        char t[PGM_TS_ISO_LEN];
        when(a, c->peak_at, t);
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"currentColor\"><title>peak: %d at %s</title></circle>\n",
                fx(&f, c->peak_at), fy(&f, c->peak), c->peak, t);
    }
    fputs("</svg>\n<p class=\"cite\">Legend: solid line, open client sessions", out);
    if (!exact)
        fprintf(out, " (sampled: %s, the server log has no connection lines)",
                a->sampled_source ? a->sampled_source : "?");
    if (show_usable)
        fprintf(out, "; dashed line, the %ld usable slots", usable);
    else if (usable > 0)
        fprintf(out, "; the %ld usable slots are far above this scale", usable);
    if (a->exhaustion != PGM_TS_UNKNOWN)
        fputs("; vertical line, the first refusal", out);
    if (c && c->peak_at != PGM_TS_UNKNOWN)
        fputs("; dot, the peak", out);
    fputs(". Times in UTC.</p>\n", out);
}

/* The first column whose time is at or after t. */
static int column_of(const frame *f, int cols, int64_t t)
{
    if (t <= f->t0)
        return 0;
    if (t > f->t1)
        return cols + 1;
    /* ceil((t - t0) * cols / (t1 - t0)), without overflow for spans of years */
    double c = (double)(t - f->t0) * cols / (double)(f->t1 - f->t0);
    int k = (int)c;
    return k + (c > k);
}

typedef struct stack_layer {
    const char *name;
    int32_t peak;
    int32_t *diff;   /* cols + 2 counters: +1 where a session opens, -1 where it ends */
} stack_layer;

static int by_peak(const void *x, const void *y)
{
    const stack_layer *a = x, *b = y;
    if (a->peak != b->peak)
        return a->peak > b->peak ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* A session's layer: its application (its pod, for an application split by
 * pod), or its user when the log names no applications (no %a in the
 * prefix, or names sent after login). */
static const char *layer_name(const pgm_analysis *a, const pgm_sessions *s, const pgm_session *v, bool by_user)
{
    if (by_user)
        return pgm_sessions_label(s, pgm_sessions_who(s, v)->user);
    size_t pod = pgm_analysis_pod_of(a, v);
    if (pod != SIZE_MAX)
        return pgm_analysis_pod_name(a, pod);
    const char *app = pgm_sessions_app_name(s, v->app);
    return app ? app : PGM_LABEL_UNKNOWN;
}

/* The shown layers' highest open counts, by user, from the one walk the
 * JSON's series by user come from (pgm_sessions_walk_keyed): both agree. */
typedef struct user_peaks {
    const char *const *names;
    int32_t *peaks;          /* -1: no point of that user */
    size_t n;
    size_t current;          /* the layer the walk's key is, n: none shown */
} user_peaks;

static const char *user_key(void *ctx, const pgm_sessions *s, const pgm_who *w)
{
    (void)ctx;
    return pgm_sessions_label(s, w->user);
}

static void peak_begin(void *ctx, const char *key, size_t n, int64_t first, int64_t last)
{
    (void)n, (void)first, (void)last;
    user_peaks *u = ctx;
    for (u->current = 0; u->current < u->n && strcmp(u->names[u->current], key) != 0; u->current++)
        ;
}

static void peak_point(void *ctx, const pgm_curve_point *p)
{
    user_peaks *u = ctx;
    int32_t open = p->open < 0 ? 0 : p->open; /* a user seen has at least 0 open */
    if (u->current < u->n && open > u->peaks[u->current])
        u->peaks[u->current] = open;
}

static void peak_end(void *ctx) { (void)ctx; }

/* Each shown layer's highest open count, exact and the same in every format:
 * an application's from its own curve (the number the Markdown gives), a
 * pod's from its curve, a user's as the JSON's series by user; -1 when it
 * cannot be told (memory ran out). */
static void layer_peaks(const pgm_analysis *a, const pgm_sessions *s, const char *const *names, size_t n,
                        bool by_user, int32_t *peaks)
{
    for (size_t l = 0; l < n; l++) {
        peaks[l] = -1;
        for (size_t i = 0; !by_user && i < pgm_analysis_pod_count(a); i++)
            if (strcmp(pgm_analysis_pod_name(a, i), names[l]) == 0)
                peaks[l] = pgm_analysis_pod_curve(a, i)->peak;
        for (unsigned i = 0; !by_user && peaks[l] < 0 && i < pgm_sessions_app_count(s); i++)
            if (strcmp(pgm_sessions_app_name(s, i), names[l]) == 0)
                peaks[l] = pgm_sessions_app_curve(s, i)->peak;
    }
    user_peaks u = {names, peaks, n, n};
    pgm_keyed_walk w = {user_key, peak_begin, peak_point, peak_end, &u, 0, NULL};
    if (by_user && pgm_sessions_walk_keyed(s, &w, NULL) != PGM_OK)
        for (size_t l = 0; l < n; l++)
            peaks[l] = -1;
}

/* Who held the sessions: each application's (else each user's) open count
 * stacked, sampled at each column's time. The largest few have a color each;
 * the rest share "other". */
static void stacked_chart(const pgm_analysis *a, FILE *out)
{
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    bool exact;
    size_t n, n_sessions = s ? pgm_sessions_count(s) : 0;
    const pgm_curve_point *p = pgm_analysis_connections(a, &n, &exact);
    if (!exact || n < 2 || !n_sessions)
        return;
    frame f = {1000, 260, 50, 20, 20, 40, p[0].t, p[n - 1].t, 1, 1};
    if (f.t1 <= f.t0)
        f.t1 = f.t0 + 1;
    enum { COLS = PGM_HTML_STACK_COLUMNS };
    /* the unknown application holding most of the peak says nothing: stack by user then */
    const pgm_curve *unknown = NULL;
    for (unsigned i = 0; i < pgm_sessions_app_count(s); i++)
        if (strcmp(pgm_sessions_app_name(s, i), PGM_LABEL_UNKNOWN) == 0)
            unknown = pgm_sessions_app_curve(s, i);
    bool by_user = unknown && unknown->peak * 2 > pgm_sessions_curve(s)->peak;
    stack_layer layers[PGM_HTML_STACK_KEYS];
    size_t n_layers = 0;
    int32_t *counters = calloc((size_t)PGM_HTML_STACK_KEYS * (COLS + 2), sizeof *counters);
    if (!counters)
        return;
    size_t last = 0;
    for (size_t i = 0; i < n_sessions; i++) {
        const pgm_session x = pgm_sessions_get(s, i);
        if (x.start == PGM_TS_UNKNOWN)
            continue;
        const char *name = layer_name(a, s, &x, by_user);
        size_t k = last < n_layers && strcmp(layers[last].name, name) == 0 ? last : n_layers;
        for (size_t j = 0; k == n_layers && j < n_layers; j++)
            if (strcmp(layers[j].name, name) == 0)
                k = j;
        if (k == n_layers) {
            /* past the cap, the last layer takes everyone else */
            if (n_layers == PGM_HTML_STACK_KEYS)
                k = PGM_HTML_STACK_KEYS - 1, layers[k].name = "other";
            else
                layers[n_layers++] = (stack_layer){name, 0, counters + k * (COLS + 2)};
        }
        last = k;
        int cs = column_of(&f, COLS, x.start);
        int ce = x.end == PGM_TS_UNKNOWN ? COLS + 1 : column_of(&f, COLS, x.end);
        if (ce <= cs)
            continue; /* opened and closed between two columns */
        layers[k].diff[cs]++;
        layers[k].diff[ce]--;
    }
    for (size_t k = 0; k < n_layers; k++) { /* counters become open counts */
        int32_t open = 0;
        for (int c = 0; c <= COLS; c++) {
            open += layers[k].diff[c];
            layers[k].diff[c] = open;
            if (open > layers[k].peak)
                layers[k].peak = open;
        }
    }
    qsort(layers, n_layers, sizeof *layers, by_peak);
    /* beyond the colors: the rest drawn as one "other" band */
    size_t shown = n_layers > PGM_HTML_STACK_COLORS ? PGM_HTML_STACK_COLORS - 1 : n_layers;
    int32_t below[COLS + 1] = {0}, height[COLS + 1], total_peak = 0;
    size_t drawn = shown + (n_layers > shown);
    int32_t peaks[PGM_HTML_STACK_COLORS], exact_peaks[PGM_HTML_STACK_COLORS];
    const char *names[PGM_HTML_STACK_COLORS];
    for (size_t l = 0; l < drawn; l++)
        names[l] = l < shown ? layers[l].name : "";
    layer_peaks(a, s, names, shown, by_user, exact_peaks);
    if (drawn > shown)
        exact_peaks[shown] = -1; /* "other": its count at the columns' times */
    for (size_t l = 0; l < drawn; l++)
        peaks[l] = 0;
    for (int c = 0; c <= COLS; c++) {
        int32_t sum = 0;
        for (size_t k = 0; k < n_layers; k++)
            sum += layers[k].diff[c];
        if (sum > total_peak)
            total_peak = sum;
    }
    long usable = a->max_connections >= 0 ? a->max_connections - a->reserved : -1;
    bool show_usable = usable_shown(usable, total_peak);
    round_scale(&f, show_usable && usable > total_peak ? (int32_t)usable : total_peak);
    /* a colour per application that stays its own from one report to the next
     * (by its name), told apart within the chart */
    unsigned colour[PGM_HTML_STACK_COLORS];
    bool taken[PGM_HTML_STACK_COLORS] = {false};
    for (size_t l = 0; l < drawn; l++) {
        const char *name = l < shown ? layers[l].name : "other";
        uint32_t h = 2166136261u;
        for (const char *q = name; *q; q++)
            h = (h ^ (unsigned char)*q) * 16777619u;
        unsigned c = h % PGM_HTML_STACK_COLORS;
        while (taken[c])
            c = (c + 1) % PGM_HTML_STACK_COLORS;
        taken[c] = true;
        colour[l] = c;
    }
    fprintf(out, "<h3>Open sessions by %s</h3>\n", by_user ? "user" : "application");
    fprintf(out, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"open sessions by %s\">\n"
                 "<title>Open client sessions by %s (stacked), UTC</title>\n",
            f.W, f.H, by_user ? "user" : "application", by_user ? "user" : "application");
    frame_axes(&f, out, "open sessions");
    for (size_t l = 0; l < drawn; l++) {
        for (int c = 0; c <= COLS; c++) {
            height[c] = 0;
            for (size_t k = l; k < (l < shown ? l + 1 : n_layers); k++)
                height[c] += layers[k].diff[c];
            if (height[c] > peaks[l])
                peaks[l] = height[c];
        }
        /* the band between the layers below and this one's top, as one polygon */
        fprintf(out, "<path class=\"band band%u\" d=\"", colour[l]);
        for (int c = 0; c <= COLS; c++)
            fprintf(out, "%s%.1f %.1f", c ? "L" : "M", fx(&f, f.t0 + (int64_t)((double)(f.t1 - f.t0) * c / COLS)),
                    fy(&f, below[c] + height[c]));
        for (int c = COLS; c >= 0; c--)
            fprintf(out, "L%.1f %.1f", fx(&f, f.t0 + (int64_t)((double)(f.t1 - f.t0) * c / COLS)), fy(&f, below[c]));
        fputs("Z\"><title>", out);
        esc(out, l < shown ? layers[l].name : "other");
        if (exact_peaks[l] >= 0)
            fprintf(out, ": at most %d open</title></path>\n", exact_peaks[l]);
        else
            fprintf(out, ": at most %d open at the columns' times</title></path>\n", peaks[l]);
        for (int c = 0; c <= COLS; c++)
            below[c] += height[c];
    }
    if (show_usable)
        fprintf(out, "<line class=\"limit\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"><title>usable slots: %ld"
                     "</title></line>\n",
                f.L, f.W - f.R, fy(&f, usable), fy(&f, usable), usable);
    fputs("</svg>\n<p class=\"cite\">Legend:", out);
    for (size_t l = 0; l < drawn; l++) {
        fprintf(out, "%s <span class=\"key band%u\"></span> ", l ? ";" : "", colour[l]);
        esc(out, l < shown ? layers[l].name : "other");
        if (exact_peaks[l] >= 0)
            fprintf(out, " (at most %d)", exact_peaks[l]);
        else
            fprintf(out, " (at most %d at the columns' times)", peaks[l]);
    }
    if (show_usable)
        fprintf(out, "; dashed line, the %ld usable slots", usable);
    const char *pod_app = by_user ? NULL : pgm_analysis_pod_split(a, NULL);
    fprintf(out, ". Each %s's open sessions, stacked%s", by_user ? "user" : "application",
            by_user ? " (by user: the server log names no application for most sessions)" : "");
    if (pod_app) {
        fputs("; ", out);
        esc(out, pod_app);
        fputs(" by pod (a session taken as the pod's whose pool started last before it, within 30 s: an "
              "attribution by time)", out);
    }
    fputs(". Times in UTC.</p>\n", out);
    free(counters);
}

static void table(FILE *out, int (*build)(const pgm_analysis *, pgm_table *), const pgm_analysis *a)
{
    pgm_table t;
    if (build(a, &t) != PGM_OK || (!t.n_rows && !t.empty)) {
        pgm_table_free(&t);
        return;
    }
    if (t.title) {
        fputs("<h3>", out);
        esc(out, t.title);
        fputs("</h3>\n", out);
    }
    const char *above = t.n_rows ? t.intro : t.empty;
    if (above) {
        fputs("<p>", out);
        esc(out, above);
        fputs("</p>\n", out);
    }
    if (t.n_rows) {
        fputs("<table><tr>", out);
        for (size_t c = 0; c < t.n_cols; c++) {
            fputs("<th>", out);
            esc(out, t.cols[c]);
            fputs("</th>", out);
        }
        fputs("</tr>\n", out);
        for (size_t r = 0; r < t.n_rows; r++) {
            const char *anchor = t.anchored ? pgm_table_cell(&t, r, 0)->text : "";
            if (*anchor) {
                fputs("<tr id=\"", out);
                esc(out, anchor);
                fputs("\">", out);
            } else {
                fputs("<tr>", out);
            }
            for (size_t c = 0; c < t.n_cols; c++) {
                const pgm_cell *x = pgm_table_cell(&t, r, c);
                static const char *const open[] = {"<td>", "<td><code>", "<td><code class=\"cite\">",
                                                   "<td class=\"bad\">", "<td><strong>", "<td>"};
                bool code = x->role == PGM_CELL_CODE || x->role == PGM_CELL_CITE;
                size_t id = 0;
                uint64_t line = 0;
                int n = sscanf(x->text, "E%zu:%" SCNu64, &id, &line);
                if (x->role == PGM_CELL_CITE && n >= 1 && id) {
                    fputs("<td>", out);
                    cite_link(out, a, id, n == 2 ? line : 0, x->text);
                    fputs("</td>", out);
                    continue;
                }
                if (x->role == PGM_CELL_LIST) {
                    fputs("<td>", out);
                    esc_lines(out, a, x->text);
                    fputs("</td>", out);
                    continue;
                }
                fputs(open[x->role], out);
                if (code)
                    esc(out, x->text);
                else
                    esc_cited(out, a, x->text);
                fputs(code ? "</code></td>" : x->role == PGM_CELL_STRONG ? "</strong></td>" : "</td>", out);
            }
            fputs("</tr>\n", out);
        }
        fputs("</table>\n", out);
        if (t.note[0]) {
            fputs("<p>", out);
            esc_cited(out, a, t.note);
            fputs("</p>\n", out);
        }
    }
    pgm_table_free(&t);
}

static void diagnosis_section(const pgm_analysis *a, FILE *out)
{
    char title[512];
    heading(out, 2, "root-cause", pgm_report_shape_of(a, title, sizeof title).root_cause);
    char words[1024];
    if (pgm_analysis_peak_words(a, words, sizeof words)) {
        fputs("<p>", out);
        char shortened[2048];
        esc_cited(out, a, pgm_report_shorten(a, words, shortened, sizeof shortened));
        fputs(".</p>\n", out);
    }
    chart(a, out);
    stacked_chart(a, out);
    char named[512];
    if (pgm_report_apps_named_words(a, named, sizeof named)) {
        fputs("<p>", out);
        esc(out, named);
        fputs("</p>\n", out);
    }
    pgm_report_write_diagnosis_tables(a, out, &writer);
}

static void hypotheses_section(const pgm_analysis *a, FILE *out)
{
    char title[512];
    pgm_report_shape shape = pgm_report_shape_of(a, title, sizeof title);
    heading(out, shape.healthy ? 2 : 3, "explanations", shape.checked);
    table(out, pgm_table_explanations, a);
}

static void findings_section(const pgm_analysis *a, FILE *out)
{
    char title[512];
    pgm_report_shape shape = pgm_report_shape_of(a, title, sizeof title);
    heading(out, shape.healthy ? 2 : 3, "configuration-findings", shape.risks);
    table(out, pgm_table_config_findings, a);
}

/* A unified diff with its added and removed lines marked for the eye. */
static void diff_block(FILE *out, const char *diff)
{
    fputs("<pre class=\"diff\"><code>", out);
    while (*diff) {
        size_t n = strcspn(diff, "\n");
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), diff);
        const char *cls = strncmp(line, "+++", 3) == 0 || strncmp(line, "---", 3) == 0 ? "file"
                          : line[0] == '+'                                              ? "add"
                          : line[0] == '-'                                              ? "del"
                          : line[0] == '@'                                              ? "hunk"
                                                                                        : NULL;
        if (cls)
            fprintf(out, "<span class=\"%s\">", cls);
        esc(out, line);
        fputs(cls ? "</span>\n" : "\n", out);
        diff += n + (diff[n] == '\n');
    }
    fputs("</code></pre>\n", out);
}

/* Resolution: the first action (the cause), and the SQL that lists and ends
 * the sessions the evidence names. */
static void resolution_section(const pgm_analysis *a, FILE *out)
{
    pgm_resolution r;
    pgm_report_resolution(a, &r);
    char title[512];
    heading(out, 2, "resolution", pgm_report_shape_of(a, title, sizeof title).resolution);
    if (r.cause[0]) {
        fputs("<p><strong>The cause first:</strong> ", out);
        esc_cited(out, a, r.cause);
        fputs(r.cause_in_diff ? ". The diff under the action items makes this change first.</p>\n" : ".</p>\n", out);
    }
    if (r.sql) {
        fputs("<p>", out);
        esc(out, r.intro);
        fputs("</p>\n<pre><code>", out);
        esc(out, r.list.p);
        fputs("</code></pre>\n<p>", out);
        esc(out, r.end_intro);
        fputs("</p>\n<pre><code>", out);
        esc(out, r.end.p);
        fputs("</code></pre>\n", out);
    }
    if (r.nothing) {
        fputs("<p>", out);
        esc(out, r.nothing);
        fputs("</p>\n", out);
    }
    pgm_report_resolution_free(&r);
}

/* Action items: the configuration diff (the cause's change first), the
 * alert rules to install, and the configuration's findings beneath. */
static void actions_section(const pgm_analysis *a, FILE *out)
{
    pgm_action_items x;
    pgm_report_action_items(a, &x);
    char title[512];
    pgm_report_shape shape = pgm_report_shape_of(a, title, sizeof title);
    heading(out, 2, "action-items", shape.actions);
    if (x.changes) {
        fputs("<p>", out);
        esc(out, x.diff_intro);
        fputs("</p>\n", out);
        diff_block(out, x.diff.p);
        if (x.left[0]) {
            fputs("<p>", out);
            esc(out, x.left);
            fputs("</p>\n", out);
        }
    }
    fputs("<p>Install the alert rules of the <a href=\"#detection\">", out);
    esc(out, shape.detection);
    fputs("</a> section (<code>pgmortem analyze --export-alerts DIR</code>), with the ones that would have fired "
          "first.</p>\n", out);
    pgm_report_action_items_free(&x);
    findings_section(a, out);
}

/* Lessons: what the verdict's kind teaches, what evidence would have shown it sooner. */
static void lessons_section(const pgm_analysis *a, FILE *out)
{
    char title[512], line[1024];
    heading(out, 2, "lessons", pgm_report_shape_of(a, title, sizeof title).lessons);
    fputs("<ul>\n", out);
    for (size_t i = 0; pgm_report_lesson(a, i, line, sizeof line); i++) {
        fputs("<li>", out);
        esc(out, line);
        fputs(".</li>\n", out);
    }
    fputs("</ul>\n", out);
}

static void prevention_section(const pgm_analysis *a, FILE *out)
{
    char title[512];
    heading(out, 2, "detection", pgm_report_shape_of(a, title, sizeof title).detection);
    const finding_copy *early[PGM_ANALYSIS_MAX_FINDINGS];
    size_t n_early = pgm_report_early_warnings(a, early, PGM_ANALYSIS_MAX_FINDINGS);
    if (n_early)
        fputs("<p>" PGM_EARLY_WARNINGS_INTRO "</p>\n<ul>\n", out);
    for (size_t i = 0; i < n_early; i++) {
        fputs("<li>", out);
        esc(out, early[i]->title);
        fputs(" <code>", out);
        esc(out, early[i]->rule);
        fputs("</code> ", out);
        cite(out, a, early[i]->path, early[i]->line);
        fputs(i + 1 == n_early ? "</li>\n</ul>\n" : "</li>\n", out);
    }
    char line[1024];
    fputs("<p>", out);
    esc(out, pgm_report_alerts_intro(a, line, sizeof line));
    fputs("</p>\n<ul>\n", out);
    for (size_t i = 0; pgm_report_alert_sentence(a, i, line, sizeof line); i++) {
        fputs("<li>", out);
        esc(out, line);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n<pre><code>", out);
    char *rules = pgm_report_alert_rules_text(a);
    esc(out, rules);
    free(rules);
    fputs("</code></pre>\n", out);
}

static void appendix_section(const pgm_analysis *a, FILE *out)
{
    char title[512];
    heading(out, 2, "appendix", pgm_report_shape_of(a, title, sizeof title).appendix);
    table(out, pgm_table_inputs, a);
    table(out, pgm_table_event_kinds, a);
    char intro[1024], cite_text[64], block[4 * PGM_QUOTE_LINE_MAX * 3 + 64];
    if (!pgm_report_quotes_intro(a, intro, sizeof intro))
        return;
    heading(out, 3, "evidence-quoted", "Evidence quoted");
    fputs("<p>", out);
    esc(out, intro);
    fputs("</p>\n", out);
    for (size_t i = 0; pgm_report_quote_block(a, i, cite_text, sizeof cite_text, block, sizeof block); i++) {
        size_t id = 0;
        uint64_t line = 0;
        sscanf(cite_text, "E%zu:%" SCNu64, &id, &line);
        fprintf(out, "<div class=\"quote\" id=\"E%zu-%" PRIu64 "\"><p><a class=\"cite\" href=\"#E%zu\">E%zu</a>:%"
                     PRIu64 "</p><pre><code>", id, line, id, id, line);
        esc(out, block);
        fputs("</code></pre></div>\n", out);
    }
}

static const pgm_report_writer writer = PGM_REPORT_WRITER(table);

void pgm_report_html(const pgm_analysis *a, FILE *out)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          /* nothing may be fetched: not even by accident */
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:; script-src 'sha256-" HOVER_SCRIPT_SHA256 "'\">\n"
          "<title>",
          out);
    char title[512];
    esc(out, pgm_report_shape_of(a, title, sizeof title).title);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
    pgm_report_write_sections(a, out, &writer);
    fprintf(out, "<p class=\"cite\">Written by pgmortem. Every claim cites the file and line it comes from.</p>\n"
                 "<script>%s</script>\n</body>\n</html>\n",
            hover_script);
}
