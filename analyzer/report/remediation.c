#include "report/remediation.h"
#include "report/json.h"

#include "forensics/analysis_impl.h"
#include "text/timestamp.h"
#include "report/alerts.h"
#include "report/tables.h"
#include "util/json.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

/* A string literal for SQL a reader will paste: quotes doubled, so a user
 * name from a log cannot end the literal. */
static void sql_literal(pgm_strbuf *b, const char *s)
{
    pgm_strbuf_add(b, "'", 1);
    for (; s && *s; s++) {
        if (*s == '\'')
            pgm_strbuf_add(b, "'", 1);
        pgm_strbuf_add(b, s, 1);
    }
    pgm_strbuf_add(b, "'", 1);
}

/* The suspect's sessions: its user, database and client (a Unix socket's
 * have no address). */
static void where(pgm_strbuf *b, const char *user, const char *db, const char *client)
{
    pgm_strbuf_addstr(b, " WHERE usename = ");
    sql_literal(b, user);
    pgm_strbuf_addstr(b, " AND datname = ");
    sql_literal(b, db);
    if (client && strcmp(client, "[local]") == 0) {
        pgm_strbuf_addstr(b, " AND client_addr IS NULL");
    } else if (client && *client && strcmp(client, "?") != 0) {
        pgm_strbuf_addstr(b, " AND client_addr = ");
        sql_literal(b, client);
    }
}

/* The named sessions joined by pid and the time each began: a pid the
 * server has given to another session since began at another time. The
 * log's time of an authorization follows the fork by milliseconds; a row's
 * backend_start is exact but shown here to the millisecond. */
static void join_named(pgm_strbuf *b, const pgm_named_session *v, size_t n)
{
    pgm_strbuf_addstr(b, "  FROM pg_stat_activity a\n  JOIN (VALUES");
    for (size_t i = 0; i < n; i++) {
        char iso[PGM_TS_ISO_LEN];
        pgm_ts_format_iso(v[i].began, iso);
        pgm_strbuf_addf(b, "%s(%d, '%s')", i == 0 ? " " : i % 2 ? ", " : ",\n               ", v[i].pid, iso);
    }
    pgm_strbuf_addf(b, ") AS named(pid, began)\n    ON a.pid = named.pid\n   AND a.%s BETWEEN named.began::timestamptz - "
                       "interval '2 seconds' AND named.began::timestamptz + interval '1 second'",
                    n && v[0].by_xact ? "xact_start" : "backend_start");
}

/* Each alert rule as it was fitted, and when it fires on the incident's series. */
static void json_alerts(pgm_json *j, const pgm_alerting *m)
{
    pgm_json_key(j, "alerts_tested_on");
    pgm_json_begin_object(j);
    pgm_json_key(j, "step_s");
    pgm_json_uint(j, m->step_s);
    pgm_report_json_time(j, "from", m->n_steps ? m->t0 : PGM_TS_UNKNOWN);
    pgm_report_json_time(j, "reference", m->reference);
    pgm_json_key(j, "reference_what");
    pgm_json_string(j, m->reference != PGM_TS_UNKNOWN ? m->reference_what : NULL);
    pgm_report_json_time(j, "incident_start", m->incident_start);
    pgm_json_end_object(j);
    pgm_json_key(j, "alerts");
    pgm_json_begin_array(j);
    for (size_t i = 0; i < m->n_rules; i++) {
        const pgm_alert_rule *r = &m->rules[i];
        pgm_json_begin_object(j);
        pgm_json_key(j, "alert");
        pgm_json_string(j, r->name);
        pgm_json_key(j, "service");
        pgm_json_string(j, r->service[0] ? r->service : NULL);
        pgm_json_key(j, "expr");
        pgm_json_string(j, r->expr);
        pgm_json_key(j, "for_s");
        pgm_json_uint(j, r->for_s);
        pgm_json_key(j, "fitted");
        pgm_json_bool(j, r->fitted);
        pgm_json_key(j, "recommended");
        pgm_json_bool(j, r->recommended);
        pgm_report_json_time(j, "fires_at", r->fires_at);
        pgm_json_key(j, "lead_ms");
        if (r->fires_at != PGM_TS_UNKNOWN && m->reference != PGM_TS_UNKNOWN)
            pgm_json_int(j, r->lead_us / 1000);
        else
            pgm_json_null(j);
        pgm_json_key(j, "why_not");
        pgm_json_string(j, r->recommended ? NULL : r->why);
        pgm_json_end_object(j);
    }
    pgm_json_end_array(j);
}

bool pgm_report_session_sql(const pgm_analysis *a, pgm_strbuf *list, pgm_strbuf *end, const char **intro)
{
    enum pgm_verdict v = a->hyp[0].kind;
    if (v != PGM_VERDICT_LEAK && v != PGM_VERDICT_IDLE_IN_TRANSACTION)
        return false;
    pgm_named_session named[PGM_ANALYSIS_MAX_NAMED];
    size_t more;
    int64_t seen;
    const char *user, *db, *client;
    size_t n = pgm_analysis_named_sessions(a, named, PGM_ANALYSIS_MAX_NAMED, &more, &seen, &user, &db, &client);
    if (!n && v == PGM_VERDICT_LEAK && a->top_sessions > 0)
        user = a->top_user, db = a->top_db, client = a->top_client;
    if (!user || !*user || !db || !*db)
        return false;
    bool iit = v == PGM_VERDICT_IDLE_IN_TRANSACTION;
    *intro = iit ? "The sessions the evidence shows idle inside a transaction (each holds its slot and its locks), "
                   "each by its pid and its transaction's start; check them before ending any:"
                 : "The sessions the evidence names as leaked (the suspect's sessions open when it was judged, none "
                   "given back), each by its pid and when it began; check them before ending any:";
    char seen_at[PGM_TS_ISO_LEN] = "?";
    if (seen != PGM_TS_UNKNOWN)
        pgm_ts_format_iso(seen, seen_at);
    if (n) {
        /* review first: exactly these sessions, as the server has them now */
        pgm_strbuf_addstr(list, "SELECT a.pid, a.usename, a.datname, a.application_name, a.client_addr, "
                                "a.backend_start, a.xact_start,\n       a.state, a.state_change, left(a.query, 80) AS "
                                "last_statement\n");
        join_named(list, named, n);
        pgm_strbuf_addstr(list, "\n ORDER BY a.backend_start;");
        if (more)
            pgm_strbuf_addf(list, "\n-- and %zu more the evidence names (at most %u in one statement)", more,
                            PGM_ANALYSIS_MAX_NAMED);
        pgm_strbuf_addf(end, "-- exactly these %zu sessions; a pid the server has given to another session since "
                             "is left alone\nSELECT pg_terminate_backend(a.pid)\n", n);
        join_named(end, named, n);
        pgm_strbuf_addstr(end, "\n WHERE a.usename = ");
        sql_literal(end, user);
        pgm_strbuf_addstr(end, ";");
        if (more)
            pgm_strbuf_addf(end, "\n-- and %zu more the evidence names (at most %u in one statement): list them "
                                 "again once these have ended", more, PGM_ANALYSIS_MAX_NAMED);
    } else {
        pgm_strbuf_addstr(list, "SELECT pid, usename, datname, application_name, client_addr, backend_start, "
                                "xact_start, state, state_change,\n       left(query, 80) AS last_statement\n"
                                "  FROM pg_stat_activity\n");
        where(list, user, db, client);
        pgm_strbuf_addstr(list, "\n ORDER BY backend_start;");
        pgm_strbuf_addstr(end, "-- the evidence names none of these sessions by its pid: end, each by hand, only "
                               "those the list shows held\n-- SELECT pg_terminate_backend(<pid>);");
        return true;
    }
    /* the fallback, by age: as old, and idle as long, as the youngest named
     * session was when the evidence saw them all, so that it would have
     * matched every one of them then; a session that ran a statement since
     * is not one of them */
    int64_t youngest = PGM_TS_UNKNOWN, idlest = PGM_TS_UNKNOWN;
    for (size_t i = 0; i < n; i++) {
        int64_t idle = named[i].idle_since != PGM_TS_UNKNOWN ? named[i].idle_since : named[i].began;
        if (youngest == PGM_TS_UNKNOWN || named[i].began > youngest)
            youngest = named[i].began;
        if (idlest == PGM_TS_UNKNOWN || idle > idlest)
            idlest = idle;
    }
    if (seen == PGM_TS_UNKNOWN || youngest == PGM_TS_UNKNOWN || seen < youngest || seen < idlest)
        return true;
    long long age_s = (long long)((seen - youngest) / 1000000), idle_s = (long long)((seen - idlest) / 1000000);
    age_s = age_s < 1 ? 1 : age_s;
    idle_s = idle_s < 1 ? 1 : idle_s;
    /* how many it would have matched then (all, unless the youngest were under a second old) */
    size_t matched = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t idle = named[i].idle_since != PGM_TS_UNKNOWN ? named[i].idle_since : named[i].began;
        matched += seen - named[i].began >= age_s * 1000000 && seen - idle >= idle_s * 1000000;
    }
    pgm_strbuf_addf(end, "\n\n-- if they are gone (the server restarted) while it goes on: the same user's sessions "
                         "%s for\n-- %lld s or more and begun %lld s or more ago, as %zu of these %zu were at %s;\n"
                         "-- a session that has run a statement since is spared\nSELECT pg_terminate_backend(pid)\n"
                         "  FROM pg_stat_activity\n",
                    iit ? "idle in a transaction" : "idle", idle_s, age_s, matched, n, seen_at);
    where(end, user, db, client);
    pgm_strbuf_addf(end, "\n   AND state %s AND state_change < now() - interval '%lld seconds'\n   AND %s < now() - "
                         "interval '%lld seconds';",
                    iit ? "LIKE 'idle in transaction%'" : "= 'idle'", idle_s, iit ? "xact_start" : "backend_start",
                    age_s);
    return true;
}

/* ---- the configuration changes as a unified diff ---- */

/* A file the diff touches: its changed lines (the cited line, rewritten by
 * every fix that applies to it) and the settings added at its end. */
typedef struct changed_line {
    unsigned line;
    char before[1024], after[1024];
} changed_line;

typedef struct file_change {
    const char *path;
    unsigned lines;
    changed_line changed[PGM_DIFF_MAX_LINES];
    size_t n_changed;
    char added[PGM_DIFF_MAX_LINES][256];
    size_t n_added;
    size_t over;            /* edits past PGM_DIFF_MAX_LINES: not in the diff */
} file_change;

enum conf_style { STYLE_PG, STYLE_YAML, STYLE_PROPERTIES, STYLE_OTHER };

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static enum conf_style style_of(const char *path)
{
    if (ends_with(path, ".conf"))
        return STYLE_PG;
    if (ends_with(path, ".yml") || ends_with(path, ".yaml"))
        return STYLE_YAML;
    if (ends_with(path, ".properties"))
        return STYLE_PROPERTIES;
    return STYLE_OTHER;
}

/* The key a fix sets, as the file names it. A dotted fix_set is a full Spring
 * key, given as is. A HikariCP property goes under the pool's own prefix:
 * spring.datasource's pool is bound under spring.datasource.hikari, a custom
 * prefix (app.datasource.reports.url) binds the pool directly, and a
 * HikariCP properties file names it in camelCase (leakDetectionThreshold).
 * False when the fix has no name in this file. */
static bool setting_key(const finding_copy *f, char *out, size_t cap)
{
    bool hikari_file = strcmp(f->file_kind, "hikari_conf") == 0;
    if (strchr(f->fix_set, '.')) {
        snprintf(out, cap, "%s", f->fix_set);
        return !hikari_file;
    }
    if (hikari_file) {
        size_t o = 0;
        for (const char *p = f->fix_set; *p && o + 1 < cap; p++)
            if (*p == '-' && p[1])
                out[o++] = (char)toupper((unsigned char)*++p);
            else
                out[o++] = *p;
        out[o] = 0;
        return true;
    }
    /* the pool's key as cited; a properties line names it whole when the finding does not */
    char cited[256];
    snprintf(cited, sizeof cited, "%s", f->key);
    if (!cited[0] && f->has_source && style_of(f->path) == STYLE_PROPERTIES) {
        const char *p = f->source + strspn(f->source, " \t");
        size_t n = strcspn(p, "=: \t");
        snprintf(cited, sizeof cited, "%.*s", (int)n, p);
    }
    const char *h = strstr(cited, ".hikari.");
    const char *last = strrchr(cited, '.');
    if (h)
        snprintf(out, cap, "%.*s.hikari.%s", (int)(h - cited), cited, f->fix_set);
    else if (last && strncmp(cited, "spring.datasource.", 18) != 0)
        snprintf(out, cap, "%.*s.%s", (int)(last - cited), cited, f->fix_set);
    else
        snprintf(out, cap, "spring.datasource.hikari.%s", f->fix_set);
    return true;
}

/* The name a postgresql.conf line sets ("" for a comment or a blank). */
static void pg_name_of(const char *line, char *out, size_t cap)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = 0;
    while (line[n] && line[n] != '=' && line[n] != ' ' && line[n] != '\t' && line[n] != '#')
        n++;
    snprintf(out, cap, "%.*s", (int)n, line);
}

/* Adds NAME=VALUE to the JDBC URL on the line, or replaces NAME's value;
 * false when the line holds no PostgreSQL JDBC URL or the result would not
 * fit (the line stays as it was). */
static bool add_url_param(char *line, size_t cap, const char *param)
{
    char *url = strstr(line, "jdbc:postgresql:");
    if (!url)
        return false;
    size_t end = (size_t)(url - line) + strcspn(url, " \t\"'#,;}]");
    size_t name_len = strcspn(param, "=") + 1; /* "socketTimeout=" */
    pgm_strbuf b;
    pgm_strbuf_init(&b, cap);
    const char *q = memchr(url, '?', end - (size_t)(url - line));
    const char *at = NULL, *stop = NULL;
    for (const char *p = q; p && p < line + end;) { /* NAME already there: its value is replaced */
        p++;
        if ((size_t)(line + end - p) >= name_len && strncmp(p, param, name_len) == 0) {
            at = p;
            stop = memchr(p, '&', (size_t)(line + end - p));
            if (!stop)
                stop = line + end;
            break;
        }
        p = memchr(p, '&', (size_t)(line + end - p));
    }
    bool ok;
    if (at)
        ok = !pgm_strbuf_add(&b, line, (size_t)(at - line)) && !pgm_strbuf_addstr(&b, param) &&
             !pgm_strbuf_addstr(&b, stop);
    else
        ok = !pgm_strbuf_add(&b, line, end) && !pgm_strbuf_add(&b, q ? "&" : "?", 1) &&
             !pgm_strbuf_addstr(&b, param) && !pgm_strbuf_addstr(&b, line + end);
    ok = ok && b.len < cap;
    if (ok) {
        memcpy(line, b.p, b.len);
        line[b.len] = 0;
    }
    pgm_strbuf_free(&b);
    return ok;
}

/* The setting as the file's own style writes it; false when it does not fit. */
static bool setting_line(enum conf_style st, const char *key, const char *value, const char *indent, char *out,
                         size_t cap)
{
    int n;
    if (st == STYLE_PG)
        n = snprintf(out, cap, "%s%s = '%s'", indent, key, value);
    else if (st == STYLE_YAML)
        n = snprintf(out, cap, "%s%s: %s", indent, key, value);
    else
        n = snprintf(out, cap, "%s%s=%s", indent, key, value);
    return n >= 0 && (size_t)n < cap;
}

static file_change *change_for(file_change *files, size_t *n, const finding_copy *f)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(files[i].path, f->path) == 0)
            return &files[i];
    if (*n == PGM_DIFF_MAX_FILES)
        return NULL;
    file_change *c = &files[(*n)++];
    memset(c, 0, sizeof *c);
    c->path = f->path;
    c->lines = f->file_lines;
    return c;
}

static changed_line *line_for(file_change *c, const finding_copy *f)
{
    for (size_t i = 0; i < c->n_changed; i++)
        if (c->changed[i].line == f->line)
            return &c->changed[i];
    if (c->n_changed == PGM_DIFF_MAX_LINES) {
        c->over++;
        return NULL;
    }
    changed_line *l = &c->changed[c->n_changed++];
    l->line = f->line;
    snprintf(l->before, sizeof l->before, "%s", f->source);
    snprintf(l->after, sizeof l->after, "%s", f->source);
    return l;
}

/* False when the file has no room for another added line. */
static bool add_setting(file_change *c, const char *text)
{
    for (size_t i = 0; i < c->n_added; i++)
        if (strcmp(c->added[i], text) == 0)
            return true;
    size_t n = strlen(text);
    c->over += c->n_added == PGM_DIFF_MAX_LINES;
    if (c->n_added == PGM_DIFF_MAX_LINES || n >= sizeof c->added[0])
        return false;
    memcpy(c->added[c->n_added++], text, n + 1);
    return true;
}

/* One finding's fix applied to the file's changes; false when it cannot be
 * written as a line edit (a YAML file of several documents, a setting in
 * a file of another kind). */
static bool apply_fix(file_change *c, const finding_copy *f)
{
    enum conf_style st = style_of(f->path);
    if (f->fix_url_param[0]) {
        changed_line *l = f->has_source ? line_for(c, f) : NULL;
        return l && add_url_param(l->after, sizeof l->after, f->fix_url_param);
    }
    if (st == STYLE_OTHER)
        return false;
    char key[256];
    if (st == STYLE_PG)
        snprintf(key, sizeof key, "%s", f->fix_set);
    else if (!setting_key(f, key, sizeof key))
        return false;
    /* the cited line sets this very key: its value changes in place */
    if (f->has_source) {
        char name[256] = "";
        if (st == STYLE_PG)
            pg_name_of(f->source, name, sizeof name);
        bool same = st == STYLE_PG ? strcasecmp(name, key) == 0 : strcmp(f->key, key) == 0;
        if (same) {
            changed_line *l = line_for(c, f);
            if (!l)
                return false;
            size_t indent = strspn(f->source, " \t");
            char lead[256], after[sizeof l->after];
            if (indent >= sizeof lead)
                return false;
            snprintf(lead, sizeof lead, "%.*s", (int)indent, f->source);
            bool fits;
            if (st == STYLE_PG) {
                fits = setting_line(st, key, f->fix_to, lead, after, sizeof after);
            } else {
                /* the key as written on that line (YAML: its last segment) */
                size_t kl = strcspn(f->source + indent, st == STYLE_YAML ? ":" : "=:");
                char written[256];
                if (kl >= sizeof written)
                    return false;
                snprintf(written, sizeof written, "%.*s", (int)kl, f->source + indent);
                while (kl && (written[kl - 1] == ' ' || written[kl - 1] == '\t'))
                    written[--kl] = 0;
                fits = setting_line(st, written, f->fix_to, lead, after, sizeof after);
            }
            if (fits)
                memcpy(l->after, after, sizeof after);
            return fits;
        }
    }
    char text[512];
    return setting_line(st, key, f->fix_to, "", text, sizeof text) && add_setting(c, text);
}

static int by_line(const void *x, const void *y)
{
    const changed_line *a = x, *b = y;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* A `url` the pool does not bind (a hand-made HikariDataSource takes
 * jdbc-url): a parameter added there changes nothing; that finding's own fix
 * (bind jdbc-url) comes first. */
static bool url_not_bound(const pgm_analysis *a, const finding_copy *f)
{
    for (size_t i = 0; i < a->n_findings; i++)
        if (strcmp(a->findings[i].rule, PGM_RULE_URL_NOT_BOUND) == 0 && a->findings[i].line == f->line &&
            strcmp(a->findings[i].path, f->path) == 0)
            return true;
    return false;
}

bool pgm_report_config_diff(const pgm_analysis *a, pgm_strbuf *out, size_t *left)
{
    return pgm_report_config_diff_addressed(a, out, NULL, left);
}

size_t pgm_report_cause_finding(const pgm_analysis *a)
{
    /* the configuration behind the verdict: the fleet's pools past the
     * server's slots (capacity); the server letting transactions stay open
     * without end (idle in transaction: the code leaves them, the setting is
     * what ends them) */
    const char *rule = a->hyp[0].kind == PGM_VERDICT_CAPACITY              ? "HKC-FLEET-001"
                       : a->hyp[0].kind == PGM_VERDICT_IDLE_IN_TRANSACTION ? "PGC-SESS-001"
                                                                           : NULL;
    for (size_t i = 0; rule && i < a->n_findings; i++)
        if (strcmp(a->findings[i].rule, rule) == 0 && a->findings[i].fix_set[0])
            return i;
    return SIZE_MAX;
}

bool pgm_report_cause_words(const pgm_analysis *a, char *out, size_t cap, bool *in_diff)
{
    size_t c = pgm_report_cause_finding(a);
    *in_diff = c != SIZE_MAX;
    out[0] = '\0';
    char culprit[768];
    if (a->hyp[0].kind == PGM_VERDICT_LEAK && pgm_analysis_culprit_words(a, culprit, sizeof culprit)) {
        /* a leak's cause is code: the location HikariCP's leak reports name */
        snprintf(out, cap, "fix the code that borrows connections and never closes them. %s; close each one it "
                 "borrows on every path (try-with-resources)", culprit);
        return true;
    }
    if (c == SIZE_MAX)
        return false;
    const finding_copy *f = &a->findings[c];
    if (a->hyp[0].kind == PGM_VERDICT_CAPACITY) {
        long to = strtol(f->fix_to, NULL, 10);
        snprintf(out, cap, "%s, %s:%u: %s to %s, so that %ld client slots hold the fleet's pools with a fifth to "
                 "spare (%s: %s). The other way: shrink maximum-pool-size or the replicas until they add up to %ld "
                 "at most",
                 f->key[0] ? f->key : f->fix_set, f->path, f->line, a->max_connections >= 0 ? "raise it" : "set it",
                 f->fix_to, to - (a->reserved >= 0 ? a->reserved : 3), f->rule, f->message,
                 a->max_connections >= 0 ? (long)((double)(a->max_connections - a->reserved) * 0.8) : 0L);
        return true;
    }
    char suspect[768], impact[768];
    bool words = pgm_analysis_holder_words(a, suspect, impact, sizeof suspect) && suspect[0];
    snprintf(out, cap, "the code that leaves its transactions open is the cause (%s); until it is fixed, %s = %s "
             "(%s:%u) has the server end a session left idle inside a transaction that long (%s)",
             words ? suspect : "the idle-in-transaction holders above", f->fix_set, f->fix_to, f->path, f->line,
             f->rule);
    return true;
}

/* The k-th finding in the diff's order: the cause's first (when there is
 * one), then the others as the analysis holds them. */
static size_t cause_first(size_t cause, size_t k)
{
    return cause == SIZE_MAX ? k : k == 0 ? cause : k <= cause ? k - 1 : k;
}

bool pgm_report_config_diff_addressed(const pgm_analysis *a, pgm_strbuf *out, bool *addressed, size_t *left)
{
    *left = 0;
    for (size_t i = 0; addressed && i < a->n_findings; i++)
        addressed[i] = false;
    file_change *files = calloc(PGM_DIFF_MAX_FILES, sizeof *files);
    size_t n = 0;
    if (!files)
        return false;
    /* the cause first: its file leads the diff */
    size_t cause = pgm_report_cause_finding(a);
    for (size_t k = 0; k < a->n_findings; k++) {
        size_t i = cause_first(cause, k);
        const finding_copy *f = &a->findings[i];
        if ((!f->fix_set[0] && !f->fix_url_param[0]) || !f->path[0])
            continue;
        if (f->fix_url_param[0] && url_not_bound(a, f))
            continue;
        file_change *c = change_for(files, &n, f);
        *left += !c; /* past PGM_DIFF_MAX_FILES */
        bool applied = c && apply_fix(c, f);
        if (addressed)
            addressed[i] = applied;
    }
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        file_change *c = &files[i];
        *left += c->over;
        size_t real = 0;
        for (size_t k = 0; k < c->n_changed; k++)
            if (strcmp(c->changed[k].before, c->changed[k].after) != 0)
                c->changed[real++] = c->changed[k];
        c->n_changed = real;
        if (!c->n_changed && !c->n_added)
            continue;
        any = true;
        qsort(c->changed, c->n_changed, sizeof *c->changed, by_line);
        /* inside an archive: the member's path, so the diff applies where it is unpacked */
        const char *bang = strrchr(c->path, '!');
        const char *rel = bang ? bang + 1 : c->path;
        pgm_strbuf_addf(out, "--- a/%s\n+++ b/%s\n", rel, rel);
        for (size_t k = 0; k < c->n_changed; k++)
            pgm_strbuf_addf(out, "@@ -%u +%u @@\n-%s\n+%s\n", c->changed[k].line, c->changed[k].line,
                            c->changed[k].before, c->changed[k].after);
        if (c->n_added) {
            pgm_strbuf_addf(out, "@@ -%u,0 +%u,%zu @@\n", c->lines, c->lines + 1, c->n_added);
            for (size_t k = 0; k < c->n_added; k++)
                pgm_strbuf_addf(out, "+%s\n", c->added[k]);
        }
    }
    free(files);
    return any;
}

/* ---- the same in the JSON report ---- */

void pgm_report_json_sections(void *ctx, pgm_json *j, const pgm_analysis *a)
{
    (void)ctx;
    pgm_strbuf list, end, diff;
    pgm_strbuf_init(&list, 1u << 16);
    pgm_strbuf_init(&end, 1u << 16);
    pgm_strbuf_init(&diff, 1u << 20);
    const char *intro = NULL;
    bool sql = pgm_report_session_sql(a, &list, &end, &intro) && !pgm_strbuf_add(&list, "", 1) &&
               !pgm_strbuf_add(&end, "", 1);
    bool *addressed = a->n_findings ? calloc(a->n_findings, sizeof *addressed) : NULL;
    size_t left;
    bool changes = pgm_report_config_diff_addressed(a, &diff, addressed, &left) && !pgm_strbuf_add(&diff, "", 1);
    pgm_json_key(j, "remediation");
    pgm_json_begin_object(j);
    pgm_json_key(j, "sessions_sql");
    if (sql) {
        pgm_json_begin_object(j);
        pgm_json_key(j, "what");
        pgm_json_string(j, intro);
        pgm_json_key(j, "list");
        pgm_json_string(j, list.p);
        pgm_json_key(j, "terminate");
        pgm_json_string(j, end.p);
        pgm_json_end_object(j);
    } else {
        pgm_json_null(j);
    }
    pgm_json_key(j, "config_diff");
    pgm_json_string(j, changes ? diff.p : NULL);
    /* edits the findings call for that the diff has no room for */
    pgm_json_key(j, "config_diff_left");
    pgm_json_uint(j, left);
    /* the findings the diff resolves (the others have no single line edit) */
    pgm_json_key(j, "cause_fix");
    size_t cause = pgm_report_cause_finding(a);
    char words[1536];
    bool in_diff = false, said = pgm_report_cause_words(a, words, sizeof words, &in_diff);
    if (changes && addressed && cause != SIZE_MAX && addressed[cause] && said) {
        pgm_json_begin_object(j);
        pgm_json_key(j, "rule");
        pgm_json_string(j, a->findings[cause].rule);
        pgm_json_key(j, "path");
        pgm_json_string(j, a->findings[cause].path);
        pgm_json_key(j, "line");
        pgm_json_uint(j, a->findings[cause].line);
        pgm_json_key(j, "set");
        pgm_json_string(j, a->findings[cause].fix_set);
        pgm_json_key(j, "to");
        pgm_json_string(j, a->findings[cause].fix_to);
        pgm_json_key(j, "why");
        pgm_json_string(j, words);
        pgm_json_end_object(j);
    } else {
        pgm_json_null(j);
    }
    /* the first action in words, whether or not the diff makes it (a leak's code location) */
    pgm_json_key(j, "cause_first");
    pgm_json_string(j, said ? words : NULL);
    /* the findings the diff resolves, the cause first */
    pgm_json_key(j, "config_diff_resolves");
    pgm_json_begin_array(j);
    for (size_t k = 0; changes && addressed && k < a->n_findings; k++) {
        size_t i = cause_first(cause, k);
        if (!addressed[i])
            continue;
        pgm_json_begin_object(j);
        pgm_json_key(j, "rule");
        pgm_json_string(j, a->findings[i].rule);
        pgm_json_key(j, "path");
        pgm_json_string(j, a->findings[i].path);
        pgm_json_key(j, "line");
        pgm_json_uint(j, a->findings[i].line);
        pgm_json_end_object(j);
    }
    pgm_json_end_array(j);
    free(addressed);
    pgm_json_end_object(j);
    pgm_strbuf_free(&list);
    pgm_strbuf_free(&end);
    pgm_strbuf_free(&diff);

    /* the human formats' title and sections, in their order (report/tables.h) */
    char title[512];
    pgm_report_shape shape = pgm_report_shape_of(a, title, sizeof title);
    pgm_json_key(j, "report");
    pgm_json_begin_object(j);
    pgm_json_key(j, "title");
    pgm_json_string(j, shape.title);
    pgm_json_key(j, "sections");
    pgm_json_begin_array(j);
    const char *const ids[][2] = {{"summary", shape.summary},        {"impact", shape.impact},
                                  {"timeline", shape.timeline},      {"root-cause", shape.root_cause},
                                  {"explanations", shape.checked},   {"detection", shape.detection},
                                  {"resolution", shape.resolution},  {"action-items", shape.actions},
                                  {"configuration-findings", shape.risks}, {"lessons", shape.lessons},
                                  {"appendix", shape.appendix}};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        bool in_checkup = i < 5 || i == 8 || i == 10;
        if (shape.healthy && !in_checkup)
            continue;
        pgm_json_begin_object(j);
        pgm_json_key(j, "id");
        pgm_json_string(j, ids[i][0]);
        pgm_json_key(j, "title");
        pgm_json_string(j, ids[i][1]);
        pgm_json_end_object(j);
    }
    pgm_json_end_array(j);
    pgm_json_end_object(j);

    pgm_json_key(j, "prevention");
    pgm_json_begin_object(j);
    pgm_json_key(j, "early_warning_rules");
    pgm_json_begin_array(j);
    for (size_t i = 0; i < a->n_findings; i++)
        if (a->findings[i].early_warning)
            pgm_json_string(j, a->findings[i].rule);
    pgm_json_end_array(j);
    pgm_json_key(j, "alert_rules");
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    bool ok = mem && pgm_report_alert_rules(a, mem) == 0;
    ok = mem && fclose(mem) == 0 && ok;
    pgm_json_string(j, ok ? text : NULL);
    free(text);
    json_alerts(j, &a->alerting);
    pgm_json_end_object(j);
}

_Static_assert(PGM_DIFF_MAX_FILES == 64u && PGM_DIFF_MAX_LINES == 32u, "PGM_DIFF_LEFT_SENTENCE names 64 and 32");

void pgm_report_resolution(const pgm_analysis *a, pgm_resolution *r)
{
    memset(r, 0, sizeof *r);
    pgm_strbuf_init(&r->list, 1u << 16);
    pgm_strbuf_init(&r->end, 1u << 16);
    r->intro = "";
    r->sql = pgm_report_session_sql(a, &r->list, &r->end, &r->intro) && !pgm_strbuf_add(&r->list, "", 1) &&
             !pgm_strbuf_add(&r->end, "", 1);
    r->end_intro = "To end them (the application gets errors on those connections; fix the code path above first):";
    if (pgm_report_cause_words(a, r->cause_full, sizeof r->cause_full, &r->cause_in_diff))
        pgm_report_shorten(a, r->cause_full, r->cause, sizeof r->cause);
    else
        r->cause_full[0] = '\0';
    r->nothing = !r->sql && !r->cause[0] ? "No session to end: the evidence names none." : NULL;
}

void pgm_report_resolution_free(pgm_resolution *r)
{
    pgm_strbuf_free(&r->list);
    pgm_strbuf_free(&r->end);
}

void pgm_report_action_items(const pgm_analysis *a, pgm_action_items *x)
{
    memset(x, 0, sizeof *x);
    pgm_strbuf_init(&x->diff, 1u << 20);
    size_t left = 0;
    x->changes = pgm_report_config_diff(a, &x->diff, &left) && !pgm_strbuf_add(&x->diff, "", 1);
    x->diff_intro = "The configuration changes the findings below call for, as a diff of the files in the bundle "
                    "(review the values for your workload before applying):";
    if (x->changes && left)
        snprintf(x->left, sizeof x->left, PGM_DIFF_LEFT_SENTENCE ".", left);
}

void pgm_report_action_items_free(pgm_action_items *x) { pgm_strbuf_free(&x->diff); }
