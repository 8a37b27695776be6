#include "report/tables.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/analysis_impl.h"
#include "text/timestamp.h"
#include "report/quotes.h"
#include "util/fmt.h"
#include "util/rc.h"
#include "util/label.h"

void pgm_format_duration(int64_t us, char out[32])
{
    if (us < 0) {
        snprintf(out, 32, "unknown");
        return;
    }
    int64_t s = us / 1000000;
    if (s >= 3600)
        snprintf(out, 32, "%" PRId64 "h %02" PRId64 "m", s / 3600, s / 60 % 60);
    else if (s >= 60)
        snprintf(out, 32, "%" PRId64 "m %02" PRId64 "s", s / 60, s % 60);
    else
        snprintf(out, 32, "%" PRId64 ".%" PRId64 "s", s, us / 100000 % 10);
}

/* Every table is built from one of the analysis' arrays, each bounded (and
 * said when full) at or below this: a table never drops a row. */
_Static_assert(PGM_HOLDERS_MAX <= PGM_TABLE_MAX_ROWS && PGM_ANALYSIS_MAX_KINDS + 1 <= PGM_TABLE_MAX_ROWS &&
                   PGM_ANALYSIS_LONGEST <= PGM_TABLE_MAX_ROWS &&
                   PGM_ANALYSIS_MAX_FINDINGS <= PGM_TABLE_MAX_ROWS,
               "a report table would drop rows of the analysis");

/* The text of an empty cell (and of one memory ran out for): never freed. */
static char no_text[1];

static int begin(pgm_table *t, size_t rows, const char *const *cols, size_t n_cols)
{
    memset(t, 0, sizeof *t);
    if (rows > PGM_TABLE_MAX_ROWS)
        rows = PGM_TABLE_MAX_ROWS;
    if (n_cols > PGM_TABLE_MAX_COLS)
        return PGM_FATAL;
    for (size_t c = 0; c < n_cols; c++)
        t->cols[c] = cols[c];
    t->n_cols = n_cols;
    if (rows && !(t->cells = calloc(rows * n_cols, sizeof *t->cells)))
        return PGM_FATAL;
    t->alloc_cells = rows * n_cols;
    for (size_t i = 0; i < t->alloc_cells; i++)
        t->cells[i].text = no_text;
    return PGM_OK;
}

static void put(pgm_table *t, size_t row, size_t col, enum pgm_cell_role role, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void put(pgm_table *t, size_t row, size_t col, enum pgm_cell_role role, const char *fmt, ...)
{
    pgm_cell *c = &t->cells[row * t->n_cols + col];
    c->role = role;
    char text[PGM_TABLE_CELL_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= sizeof text) {
        /* cut: said by an ellipsis, on a character's boundary (the evidence's
         * whole text is in the JSON report and the events) */
        static const char ellipsis[] = "\u2026";
        size_t at = sizeof text - sizeof ellipsis;
        while (at > 0 && ((unsigned char)text[at] & 0xC0) == 0x80)
            at--;
        memcpy(text + at, ellipsis, sizeof ellipsis);
    }
    if (c->text != no_text)
        free(c->text);
    c->text = no_text;
    size_t len = n > 0 ? strlen(text) : 0;
    char *copy = len ? malloc(len + 1) : NULL;
    if (copy) {
        memcpy(copy, text, len + 1);
        c->text = copy;
    }
}

static void put_time(pgm_table *t, const pgm_analysis *a, size_t row, size_t col, int64_t us)
{
    char text[PGM_TS_ISO_LEN] = "-";
    if (us != PGM_TS_UNKNOWN)
        pgm_analysis_time_text(a, us, text, sizeof text);
    put(t, row, col, PGM_CELL_TEXT, "%s", text);
}

static void put_cite(pgm_table *t, const pgm_analysis *a, size_t row, size_t col, const char *path, uint64_t line)
{
    char cite[1200];
    if (path && *path && line)
        put(t, row, col, PGM_CELL_CITE, "%s", pgm_report_cite_text(a, path, line, cite, sizeof cite));
    else
        put(t, row, col, PGM_CELL_TEXT, "-");
}

/* user@db from client (app): who held it, as one cell. */
static void put_who(pgm_table *t, size_t row, size_t col, const char *user, const char *db, const char *app,
                    const char *client)
{
    put(t, row, col, PGM_CELL_CODE, "%s@%s%s%s%s%s%s", user && *user ? user : "?", db && *db ? db : "?",
        client && *client ? " from " : "", client && *client ? client : "", app && *app ? " (" : "",
        app && *app ? app : "", app && *app ? ")" : "");
}

static const char *end_words(enum pgm_session_end e)
{
    switch (e) {
    case PGM_END_OPEN: return "still open at the log's end";
    case PGM_END_DISCONNECTED: return "disconnected";
    case PGM_END_FATAL: return "ended by an error";
    case PGM_END_TERMINATED: return "terminated by the server";
    case PGM_END_RESTART: return "ended by a server restart";
    case PGM_END_PID_REUSED: return "ended unseen (pid reused)";
    }
    return "?";
}

/* "Left out: pid 30750 (recorder-sampler, postgres), a monitoring session: its
 * query read pg_stat_activity (E3:8)." */
static void monitoring_note(const pgm_analysis *a, const pgm_sessions *s, char *out, size_t cap)
{
    size_t n = s ? pgm_sessions_count(s) : 0, len = 0;
    out[0] = '\0';
    if (!n || !a->n_monitoring)
        return;
    len = pgm_fmt_at(out, cap, len, "Left out, as %s (a pg_stat_activity row shows %s query reading a statistics "
                     "view):", a->n_monitoring == 1 ? "a monitoring agent's session" : "monitoring agents' sessions",
                     a->n_monitoring == 1 ? "its" : "each one's");
    for (size_t i = 0; i < a->n_monitoring_listed; i++) {
        const monitoring_session *m = &a->monitoring[i];
        const pgm_session xv = pgm_sessions_get(s, m->session), *x = &xv;
        char cite[96], held[32];
        pgm_format_duration(pgm_session_held_us(s, x), held);
        len = pgm_fmt_at(out, cap, len, "%s pid %d (%s%s%s), held %s, read %s (%s)", i ? ";" : "", x->pid,
                         m->row->user, m->row->app[0] ? ", " : "", m->row->app, held, m->row->stats_view,
                         pgm_report_cite_text(a, m->row->path, m->row->line, cite, sizeof cite));
    }
    if (a->n_monitoring > a->n_monitoring_listed)
        len = pgm_fmt_at(out, cap, len, "; and %" PRIu64 " more", a->n_monitoring - a->n_monitoring_listed);
    pgm_fmt_at(out, cap, len, ".");
}

int pgm_table_longest_sessions(const pgm_analysis *a, pgm_table *t)
{
    static const char *const cols[] = {"pid", "who", "opened", "held", "how it ended", "evidence"};
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    size_t n = s ? pgm_sessions_count(s) : 0;
    if (begin(t, n ? a->n_longest : 0, cols, 6) != PGM_OK)
        return PGM_FATAL;
    t->title = "Sessions held longest";
    t->intro = "The server log's sessions that kept their slots longest (an open one counts to the log's last line):";
    t->empty = NULL;
    for (size_t i = 0; n && i < a->n_longest; i++) {
        const pgm_session xv = pgm_sessions_get(s, a->longest[i]), *x = &xv;
        char held[32];
        pgm_format_duration(pgm_session_held_us(s, x), held);
        put(t, i, 0, PGM_CELL_TEXT, "%d", x->pid);
        const char *app = pgm_sessions_app_name(s, x->app);
        const pgm_who *w = pgm_sessions_who(s, x);
        put_who(t, i, 1, w->user, w->db, app && strcmp(app, PGM_LABEL_UNKNOWN) != 0 ? app : "", w->client);
        put_time(t, a, i, 2, x->start);
        put(t, i, 3, PGM_CELL_TEXT, "%s", held);
        put(t, i, 4, PGM_CELL_TEXT, "%s", end_words(x->how_end));
        pgm_cite at = x->how_start == PGM_START_BEFORE_LOG ? x->end_at : x->start_at;
        put_cite(t, a, i, 5, pgm_sessions_cited_path(s, at), pgm_cite_line(at));
        t->n_rows++;
    }
    monitoring_note(a, s, t->note, sizeof t->note);
    return PGM_OK;
}

int pgm_table_idle_in_transaction(const pgm_analysis *a, pgm_table *t)
{
    static const char *const cols[] = {"pid", "who", "in transaction since", "open for", "snapshots",
                                       "last statement", "evidence"};
    const pgm_holders *h = &a->holders;
    if (begin(t, h->n, cols, 7) != PGM_OK)
        return PGM_FATAL;
    t->title = "Idle-in-transaction holders";
    t->intro = "Sessions pg_stat_activity caught idle inside a transaction (they keep their slot and their locks "
               "until the transaction ends):";
    t->empty = a->snapshots ? "No pg_stat_activity snapshot shows a session idle in transaction." : NULL;
    for (size_t i = 0; i < h->n && i < PGM_TABLE_MAX_ROWS; i++) {
        const pgm_holder *x = &h->v[i];
        char open_for[32];
        pgm_format_duration(pgm_holder_open_us(x), open_for);
        put(t, i, 0, PGM_CELL_TEXT, "%ld", x->pid);
        put_who(t, i, 1, x->user, x->db, x->app, x->client);
        put_time(t, a, i, 2, x->xact_start);
        put(t, i, 3, PGM_CELL_TEXT, "%s", open_for);
        put(t, i, 4, PGM_CELL_TEXT, "%u", x->snapshots);
        put(t, i, 5, x->query[0] ? PGM_CELL_CODE : PGM_CELL_TEXT, "%s", x->query[0] ? x->query : "-");
        put_cite(t, a, i, 6, x->path, x->line);
        t->n_rows++;
    }
    return PGM_OK;
}

const pgm_cell *pgm_table_cell(const pgm_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->n_cols + col];
}

void pgm_table_free(pgm_table *t)
{
    for (size_t i = 0; t->cells && i < t->alloc_cells; i++)
        if (t->cells[i].text != no_text)
            free(t->cells[i].text);
    free(t->cells);
    t->cells = NULL;
    t->n_rows = 0;
}

static int by_count(const void *x, const void *y)
{
    const kind_count *a = *(const kind_count *const *)x, *b = *(const kind_count *const *)y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->kind, b->kind);
}

int pgm_table_event_kinds(const pgm_analysis *a, pgm_table *t)
{
    static const char *const cols[] = {"event kind", "events"};
    if (begin(t, a->n_kinds + 1, cols, 2) != PGM_OK)
        return PGM_FATAL;
    t->title = "Events by kind";
    t->intro = "What the rule packs recognised in the logs and dumps (pgmortem rules list names the rule behind "
               "each kind; pgmortem timeline --kinds lists the events):";
    t->empty = "No event was recognised in the inputs.";
    const kind_count *order[PGM_ANALYSIS_MAX_KINDS];
    for (size_t i = 0; i < a->n_kinds; i++)
        order[i] = &a->kinds[i];
    qsort(order, a->n_kinds, sizeof order[0], by_count);
    for (size_t i = 0; i < a->n_kinds; i++) {
        put(t, t->n_rows, 0, PGM_CELL_CODE, "%s", order[i]->kind);
        put(t, t->n_rows, 1, PGM_CELL_TEXT, "%" PRIu64, order[i]->count);
        t->n_rows++;
    }
    if (a->kinds_dropped) {
        put(t, t->n_rows, 0, PGM_CELL_TEXT, "events of further kinds");
        put(t, t->n_rows, 1, PGM_CELL_TEXT, "%" PRIu64, a->kinds_dropped);
        t->n_rows++;
    }
    return PGM_OK;
}

int pgm_table_log_findings(const pgm_analysis *a, pgm_table *t)
{
    static const char *const cols[] = {"severity", "rule", "from", "finding", "evidence"};
    if (begin(t, a->n_findings, cols, 5) != PGM_OK)
        return PGM_FATAL;
    t->title = "What the threshold rules saw in the logs";
    t->intro = "Episodes of the threshold rules (bursts over a window), each with its first line:";
    t->empty = NULL;
    char shortened[2048];
    for (size_t i = 0; i < a->n_findings; i++) {
        const finding_copy *f = &a->findings[i];
        if (!f->from_events)
            continue;
        put(t, t->n_rows, 0, PGM_CELL_TEXT, "%s", f->severity);
        put(t, t->n_rows, 1, PGM_CELL_TEXT, "%s", f->rule);
        put_time(t, a, t->n_rows, 2, f->at);
        put(t, t->n_rows, 3, PGM_CELL_TEXT, "%s", pgm_report_shorten(a, f->message, shortened, sizeof shortened));
        put_cite(t, a, t->n_rows, 4, f->path, f->line);
        t->n_rows++;
    }
    return PGM_OK;
}

int pgm_table_config_findings(const pgm_analysis *a, pgm_table *t)
{
    static const char *const cols[] = {"severity", "rule", "where", "finding", "fix"};
    static const char *const order[] = {"critical", "high", "medium", "low", "info"};
    if (begin(t, a->n_findings, cols, 5) != PGM_OK)
        return PGM_FATAL;
    t->title = t->intro = NULL;
    t->empty = "No configuration finding (or no configuration in the bundle).";
    char shortened[2048];
    for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
        for (size_t i = 0; i < a->n_findings; i++) {
            const finding_copy *f = &a->findings[i];
            if (strcmp(f->severity, order[o]) != 0 || f->from_events)
                continue;
            put(t, t->n_rows, 0, o < 2 ? PGM_CELL_ALERT : PGM_CELL_TEXT, "%s", f->severity);
            put(t, t->n_rows, 1, PGM_CELL_TEXT, "%s", f->rule);
            put_cite(t, a, t->n_rows, 2, f->path, f->line);
            put(t, t->n_rows, 3, PGM_CELL_TEXT, "%s", pgm_report_shorten(a, f->message, shortened, sizeof shortened));
            put(t, t->n_rows, 4, PGM_CELL_TEXT, "%s", f->remediation);
            t->n_rows++;
        }
    return PGM_OK;
}

pgm_report_shape pgm_report_shape_of(const pgm_analysis *a, char *title, size_t cap)
{
    pgm_report_shape r;
    r.healthy = a->hyp[0].kind == PGM_VERDICT_NONE;
    /* the title names what happened, to whom and when */
    char day[PGM_TS_ISO_LEN] = "";
    int64_t when = a->exhaustion != PGM_TS_UNKNOWN ? a->exhaustion : a->first_timeout;
    if (when == PGM_TS_UNKNOWN && a->n_moments)
        when = a->moments[0].t;
    if (when != PGM_TS_UNKNOWN) {
        pgm_ts_format_iso(when, day);
        day[10] = '\0';
    }
    const pgm_growth *g = a->n_groups && a->groups[0].growing ? &a->groups[0] : NULL;
    /* who: the service HikariCP's leak reports come from, the growing group's
     * application (or user), the snapshots' largest group, PgBouncer's pool's user */
    const pgm_pooler_pool *pp = pgm_analysis_pooler_suspect(a);
    bool named_app = a->top_app[0] && strcmp(a->top_app, "PostgreSQL JDBC Driver") != 0;
    const char *who = a->leak_app[0]                                                        ? a->leak_app
                      : g && pgm_label_is_name(g->app)                                      ? g->app
                      : g                                                                   ? g->user
                      : named_app                                                           ? a->top_app
                      : a->top_user[0]                                                      ? a->top_user
                      : pp && pp->user[0]                                                   ? pp->user
                      : a->n_services == 1                                                  ? a->services[0].app
                                                                                            : "an application";
    const server_log *l = a->primary >= 0 ? &a->logs[a->primary] : NULL;
    char harm[160] = "";
    if (a->exhaustion != PGM_TS_UNKNOWN && l && l->last_refusal != PGM_TS_UNKNOWN) {
        int64_t s = (l->last_refusal - a->exhaustion) / 1000000;
        snprintf(harm, sizeof harm, "; the server refused connections %s%lld s", s ? "for " : "within ",
                 (long long)(s ? s : 1));
    } else if (a->app_timeouts) {
        snprintf(harm, sizeof harm, "; %llu pool timeout(s)", (unsigned long long)a->app_timeouts);
    }
    char frame[160] = "";
    if (a->n_locs && a->locs[0].count) {
        /* Class.method, without the package */
        const char *f = a->locs[0].frame, *method = strrchr(f, '.'), *cls = f;
        for (const char *q = f; method && q < method; q++)
            if (*q == '.')
                cls = q + 1;
        snprintf(frame, sizeof frame, " from %.140s", cls);
    }
    const char *on = day[0] ? " on " : "";
    switch (a->hyp[0].kind) {
    case PGM_VERDICT_NONE:
        snprintf(title, cap, "Health check: no connection trouble%s%s", on, day);
        break;
    case PGM_VERDICT_LEAK:
        snprintf(title, cap, "%s leaked PostgreSQL connections%s%s%s%s", who, frame, harm, on, day);
        break;
    case PGM_VERDICT_CAPACITY:
        snprintf(title, cap, "The pools outgrew the server's connection slots%s%s%s", harm, on, day);
        break;
    case PGM_VERDICT_IDLE_IN_TRANSACTION: {
        const pgm_holder *h = pgm_analysis_typical_holder(a);
        snprintf(title, cap, "%s left transactions open and idle, holding their locks%s%s%s",
                 h && h->app[0] ? h->app : h ? h->user : "an application", harm, on, day);
        break;
    }
    case PGM_VERDICT_POOL_CHURN:
        snprintf(title, cap, "%s made connection pools and never closed them%s%s%s", who, harm, on, day);
        break;
    default:
        snprintf(title, cap, "Postmortem: %s%s%s%s", pgm_verdict_name(a->hyp[0].kind), harm, on, day);
        break;
    }
    r.title = title;
    r.summary = "Summary";
    r.impact = "Impact";
    r.timeline = "Timeline";
    r.root_cause = r.healthy ? "Diagnosis" : "Root cause and trigger";
    r.checked = r.healthy ? "What was checked" : "Explanations weighed";
    r.detection = "Detection";
    r.resolution = "Resolution";
    r.actions = "Action items";
    r.risks = r.healthy ? "Configuration risks found" : "Configuration findings";
    r.lessons = "Lessons";
    r.appendix = "Appendix: the inputs";
    return r;
}

bool pgm_report_lesson(const pgm_analysis *a, size_t i, char *out, size_t cap)
{
    static const char *const by_kind[PGM_VERDICT_COUNT] = {
        [PGM_VERDICT_LEAK] = "A connection the code borrows and never closes keeps its server slot until its "
                             "application stops: the pool grows past what it uses until the server runs out; "
                             "HikariCP's leak-detection-threshold names the code that did it",
        [PGM_VERDICT_CAPACITY] = "Every pool's maximum-pool-size times its replicas must fit in the server's client "
                                 "slots (max_connections less the reserved ones): a deploy or a scale-out that "
                                 "opens them all finds the limit",
        [PGM_VERDICT_IDLE_IN_TRANSACTION] = "A transaction left open holds its slot and its locks: other sessions' "
                                            "statements wait on it and time out; idle_in_transaction_session_"
                                            "timeout bounds it while the code is fixed",
        [PGM_VERDICT_POOL_CHURN] = "A pool made per use and never closed keeps its connections: one pool per "
                                   "datasource, made once",
        [PGM_VERDICT_NETWORK] = "Sessions outlive clients lost to the network: TCP keepalives on both sides and "
                                "client_connection_check_interval end them",
        [PGM_VERDICT_SLOW_QUERIES] = "Long statements and lock waits hold a healthy pool's connections: "
                                     "statement_timeout and lock_timeout bound them",
    };
    const char *lessons[2] = {by_kind[a->hyp[0].kind], NULL};
    /* what evidence would have shown it sooner: the bundle's gaps, as the inconclusive reading says them */
    for (size_t k = 0; k < PGM_VERDICT_COUNT; k++)
        if (a->hyp[k].kind == PGM_VERDICT_INCONCLUSIVE && strstr(a->hyp[k].summary, "next time capture"))
            lessons[1] = strstr(a->hyp[k].summary, "next time capture");
    size_t n = 0;
    for (size_t k = 0; k < 2; k++) {
        if (!lessons[k])
            continue;
        if (n++ == i) {
            snprintf(out, cap, "%s%s", k == 1 ? "The evidence: " : "", lessons[k]);
            size_t len = strlen(out);
            if (len && out[len - 1] == '.')
                out[len - 1] = '\0';
            return true;
        }
    }
    return false;
}

const char *pgm_report_cite_text(const pgm_analysis *a, const char *path, uint64_t line, char *out, size_t cap)
{
    size_t id = pgm_analysis_input_id(a, path);
    if (id && line)
        snprintf(out, cap, "E%zu:%" PRIu64, id, line);
    else if (id)
        snprintf(out, cap, "E%zu", id);
    else if (line)
        snprintf(out, cap, "%s:%" PRIu64, path ? path : "", line);
    else
        snprintf(out, cap, "%s", path ? path : "");
    return out;
}

const char *pgm_report_shorten(const pgm_analysis *a, const char *text, char *out, size_t cap)
{
    size_t o = 0;
    if (!cap)
        return out;
    for (const char *p = text; *p && o + 1 < cap;) {
        /* an input's path followed by ":digits" here (a path starts a word): its id instead */
        size_t best = 0, best_len = 0;
        bool starts = p == text || p[-1] == ' ' || p[-1] == '(' || p[-1] == '`' || p[-1] == ',';
        for (size_t i = 0; starts && i < a->n_inputs; i++) {
            size_t len = strlen(a->inputs[i].path);
            if (len > best_len && strncmp(p, a->inputs[i].path, len) == 0 && p[len] == ':' && p[len + 1] >= '0' &&
                p[len + 1] <= '9')
                best = i + 1, best_len = len;
        }
        if (best) {
            int k = snprintf(out + o, cap - o, "E%zu", best);
            o += k > 0 && (size_t)k < cap - o ? (size_t)k : 0;
            p += best_len;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}

int pgm_table_explanations(const pgm_analysis *a, pgm_table *t)
{
    static const char *const cols[] = {"explanation", "score", "evidence"};
    size_t n_hyp;
    const pgm_hypothesis *hyp = pgm_analysis_hypotheses(a, &n_hyp);
    if (begin(t, n_hyp, cols, 3) != PGM_OK)
        return PGM_FATAL;
    for (size_t i = 0; i < n_hyp; i++) {
        const pgm_hypothesis *h = &hyp[i];
        if (i && !h->n_evidence && !h->why_not[0])
            continue; /* weighed on nothing: no row */
        size_t r = t->n_rows++;
        put(t, r, 0, i == 0 ? PGM_CELL_STRONG : PGM_CELL_TEXT, "%s", pgm_verdict_name(h->kind));
        put(t, r, 1, PGM_CELL_TEXT, "%d", h->score);
        /* the evidence one item a line, then why it was ruled out */
        char items[PGM_TABLE_CELL_MAX], shortened[2048];
        size_t len = 0;
        items[0] = '\0';
        for (size_t e = 0; e < h->n_evidence; e++)
            len = pgm_fmt_at(items, sizeof items, len, "%s%s", e ? "\n" : "",
                             pgm_report_shorten(a, h->evidence[e], shortened, sizeof shortened));
        if (h->why_not[0])
            len = pgm_fmt_at(items, sizeof items, len, "%sruled out: %s", h->n_evidence ? "\n" : "",
                             pgm_report_shorten(a, h->why_not, shortened, sizeof shortened));
        put(t, r, 2, PGM_CELL_LIST, "%s", items);
    }
    return PGM_OK;
}

int pgm_table_leak_locations(const pgm_analysis *a, pgm_table *t)
{
    static const char *const cols[] = {"leaking code location", "at", "reports", "first", "evidence"};
    if (begin(t, a->n_locs, cols, 5) != PGM_OK)
        return PGM_FATAL;
    t->intro = "Code locations of the HikariCP leak reports (slow borrowers that returned excluded):";
    for (size_t i = 0; i < a->n_locs && t->n_rows < PGM_TABLE_MAX_ROWS; i++) {
        if (!a->locs[i].count)
            continue;
        size_t r = t->n_rows++;
        put(t, r, 0, PGM_CELL_CODE, "%s", a->locs[i].frame);
        put(t, r, 1, PGM_CELL_TEXT, "%s", a->locs[i].at);
        put(t, r, 2, PGM_CELL_TEXT, "%u", a->locs[i].count);
        put_time(t, a, r, 3, a->locs[i].first);
        put_cite(t, a, r, 4, a->locs[i].first_path, a->locs[i].first_line);
    }
    return PGM_OK;
}

/* The tables beneath the root cause, in their order (a health check's
 * diagnosis has fewer): every format writes these. Returns how many. */
static size_t diagnosis_tables(const pgm_analysis *a, pgm_table_builder *out, size_t cap)
{
    char title[512];
    pgm_table_builder all[] = {pgm_table_leak_locations, pgm_table_log_findings, pgm_table_longest_sessions,
                               pgm_table_idle_in_transaction};
    /* a health check has no incident's sessions to list */
    size_t n = pgm_report_shape_of(a, title, sizeof title).healthy ? 2 : 4;
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = all[i];
    return n < cap ? n : cap;
}

bool pgm_report_apps_named_words(const pgm_analysis *a, char *out, size_t cap)
{
    if (!a->apps_named)
        return false;
    pgm_fmt(out, cap, "Application names the log does not carry (sent after login) come from pg_stat_activity: "
            "%zu sessions by their pid and start, %zu more by the same user, database and client.",
            a->apps_named, a->apps_inferred);
    return true;
}

int pgm_table_moments(const pgm_analysis *a, pgm_table *t)
{
    static const char *const cols[] = {"time", "what", "evidence"};
    size_t n;
    const pgm_moment *m = pgm_analysis_moments(a, &n);
    if (begin(t, n, cols, 3) != PGM_OK)
        return PGM_FATAL;
    t->empty = "No key moment: nothing the analysis follows is dated in the evidence.";
    for (size_t i = 0; i < n && t->n_rows < PGM_TABLE_MAX_ROWS; i++) {
        size_t r = t->n_rows++;
        put_time(t, a, r, 0, m[i].t);
        put(t, r, 1, PGM_CELL_TEXT, "%s", m[i].text);
        put_cite(t, a, r, 2, m[i].path, m[i].line);
    }
    return PGM_OK;
}

int pgm_table_inputs(const pgm_analysis *a, pgm_table *t)
{
    static const char *const cols[] = {"id", "file", "kind", "format", "lines", "not understood", "first", "last"};
    size_t warnings = 0;
    for (size_t i = 0; i < a->n_inputs; i++)
        warnings += a->inputs[i].n_kept + (a->inputs[i].n_warnings > a->inputs[i].n_kept);
    if (begin(t, a->n_inputs + warnings, cols, 8) != PGM_OK)
        return PGM_FATAL;
    t->anchored = true;
    t->intro = "The evidence is cited as En:line, En an input below.";
    for (size_t i = 0; i < a->n_inputs && t->n_rows < PGM_TABLE_MAX_ROWS; i++) {
        const input_copy *in = &a->inputs[i];
        size_t r = t->n_rows++;
        put(t, r, 0, PGM_CELL_TEXT, "E%zu", i + 1);
        put(t, r, 1, PGM_CELL_CODE, "%s", in->path);
        put(t, r, 2, PGM_CELL_TEXT, "%s%s%s%s", in->kind, in->envelope[0] ? " (" : "", in->envelope,
            in->envelope[0] ? ")" : "");
        put(t, r, 3, PGM_CELL_TEXT, "%s", in->format);
        if (in->counted) {
            put(t, r, 4, PGM_CELL_TEXT, "%" PRIu64, in->lines);
            put(t, r, 5, PGM_CELL_TEXT, "%" PRIu64, in->unparsed);
        } else {
            put(t, r, 4, PGM_CELL_TEXT, "-");
            put(t, r, 5, PGM_CELL_TEXT, "-");
        }
        put_time(t, a, r, 6, in->first_ts);
        put_time(t, a, r, 7, in->last_ts);
        for (size_t w = 0; w < in->n_kept && t->n_rows < PGM_TABLE_MAX_ROWS; w++)
            put(t, t->n_rows++, 1, PGM_CELL_ALERT, "warning: %s", in->warnings[w]);
        if (in->n_warnings > in->n_kept && t->n_rows < PGM_TABLE_MAX_ROWS)
            put(t, t->n_rows++, 1, PGM_CELL_ALERT, PGM_INPUT_WARNINGS_MORE, in->n_warnings - in->n_kept);
    }
    return PGM_OK;
}

bool pgm_report_clock_words(const pgm_analysis *a, size_t i, char *out, size_t cap)
{
    if (i >= a->n_offsets)
        return false;
    const pgm_clock_offset *o = &a->offsets[i];
    char id[1200];
    pgm_fmt(out, cap, "Clock: %s runs about %.0f s %s the server log: %u of its %u refusal reports line up with the "
            "server's refusals so shifted, %u without; its times here are on the server's clock.",
            pgm_report_cite_text(a, o->shown, 0, id, sizeof id),
            (double)(o->offset_us < 0 ? -o->offset_us : o->offset_us) / 1e6,
            o->offset_us > 0 ? "ahead of" : "behind", o->matched, o->reports, o->matched_unshifted);
    return true;
}

size_t pgm_report_quotes_intro(const pgm_analysis *a, char *out, size_t cap)
{
    const pgm_quotes *q = a->quotes;
    out[0] = '\0';
    if (!q)
        return 0;
    size_t len = pgm_fmt_at(out, cap, 0, "Each cited line as the input holds it, with the line before and after "
                            "(the cited one marked >), redacted as the report is.");
    if (q->unread)
        len = pgm_fmt_at(out, cap, len, " %" PRIu64 " citation(s) could not be read again (an input read from a "
                         "pipe or stdin, or changed since): not quoted.", q->unread);
    if (q->over)
        pgm_fmt_at(out, cap, len, " %" PRIu64 " citation(s) past the %u quoted (a limit of this build): not "
                   "quoted.", q->over, PGM_QUOTES_MAX);
    return q->n;
}

bool pgm_report_quote_block(const pgm_analysis *a, size_t i, char *cite, size_t cite_cap, char *block, size_t cap)
{
    const pgm_quotes *q = a->quotes;
    if (!q || i >= q->n)
        return false;
    const pgm_quote *x = &q->v[i];
    pgm_fmt(cite, cite_cap, "E%zu:%" PRIu64, x->input, x->line);
    size_t len = 0;
    block[0] = '\0';
    const char *lines[3] = {x->before, x->text, x->after};
    for (int k = 0; k < 3; k++)
        if (lines[k])
            len = pgm_fmt_at(block, cap, len, "%s%c %6" PRIu64 " | %s", len ? "\n" : "", k == 1 ? '>' : ' ',
                             x->line + (uint64_t)k - 1, lines[k]);
    if (!x->text)
        pgm_fmt_at(block, cap, len, "%s(the line could not be read again)", len ? "\n" : "");
    return true;
}

size_t pgm_report_sections(const pgm_analysis *a, enum pgm_section out[PGM_SECTION_COUNT])
{
    static const enum pgm_section postmortem[] = {
        PGM_SECTION_SUMMARY, PGM_SECTION_TIMELINE, PGM_SECTION_ROOT_CAUSE, PGM_SECTION_EXPLANATIONS,
        PGM_SECTION_DETECTION, PGM_SECTION_RESOLUTION, PGM_SECTION_ACTIONS, PGM_SECTION_LESSONS,
        PGM_SECTION_APPENDIX};
    static const enum pgm_section health_check[] = {PGM_SECTION_SUMMARY, PGM_SECTION_TIMELINE,
                                                    PGM_SECTION_ROOT_CAUSE, PGM_SECTION_EXPLANATIONS,
                                                    PGM_SECTION_RISKS, PGM_SECTION_APPENDIX};
    char title[512];
    bool healthy = pgm_report_shape_of(a, title, sizeof title).healthy;
    const enum pgm_section *v = healthy ? health_check : postmortem;
    size_t n = healthy ? sizeof health_check / sizeof *v : sizeof postmortem / sizeof *v;
    memcpy(out, v, n * sizeof *v);
    return n;
}

size_t pgm_report_early_warnings(const pgm_analysis *a, const finding_copy **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n_findings && n < cap; i++)
        if (a->findings[i].early_warning)
            out[n++] = &a->findings[i];
    return n;
}

void pgm_report_write_sections(const pgm_analysis *a, FILE *out, const pgm_report_writer *w)
{
    enum pgm_section order[PGM_SECTION_COUNT];
    for (size_t i = 0, n = pgm_report_sections(a, order); i < n; i++)
        w->section[order[i]](a, out);
}

void pgm_report_write_diagnosis_tables(const pgm_analysis *a, FILE *out, const pgm_report_writer *w)
{
    pgm_table_builder tables[8];
    for (size_t i = 0, n = diagnosis_tables(a, tables, 8); i < n; i++)
        w->table(out, tables[i], a);
}
