/* The report as JSON (pgmortem.report/1, reports/schema/report.schema.json):
 * a pure function of the finished analysis, every number as the other
 * formats give it. */
#include "report/json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "forensics/analysis_impl.h"
#include "text/timestamp.h"
#include "util/json.h"
#include "util/label.h"

/* The limit a refusal's kind names, as the JSON says it; NULL for none. */
static const char *refusal_kind_name(unsigned kind)
{
    switch (kind) {
    case 0: return NULL;
    case PGM_EV_CONN_REFUSED_TOO_MANY_CLIENTS: return "server_slots";
    case PGM_EV_CONN_REFUSED_RESERVED_SLOTS: return "reserved_slots";
    case PGM_EV_CONN_REFUSED_ROLE_LIMIT: return "role_limit";
    case PGM_EV_CONN_REFUSED_DATABASE_LIMIT: return "database_limit";
    default: return "other";
    }
}

void pgm_report_json_time(pgm_json *j, const char *key, int64_t t)
{
    pgm_json_key(j, key);
    if (t == PGM_TS_UNKNOWN) {
        pgm_json_null(j);
        return;
    }
    char iso[PGM_TS_ISO_LEN];
    pgm_ts_format_iso(t, iso);
    pgm_json_string(j, iso);
}



static void json_point(pgm_json *j, const pgm_curve_point *p)
{
    pgm_json_begin_object(j);
    pgm_report_json_time(j, "t", p->t);
    pgm_json_key(j, "open");
    pgm_json_int(j, p->open);
    pgm_json_end_object(j);
}


/* A series written as it streams past (pgm_sessions_walk_keyed): every point
 * when there are at most twice PGM_JSON_SERIES_BUCKETS, else each bucket's
 * lowest and highest, as json_series writes a series it holds whole. */
typedef struct series_stream {
    pgm_json *j;
    enum pgm_who_part which;
    size_t n;
    int64_t t0, span;
    int64_t bucket;          /* the bucket being gathered (when gathering) */
    bool gathering;
    pgm_curve_point lo, hi;
    size_t lo_at, hi_at;     /* their order in the stream */
    size_t seen;
} series_stream;

static const char *curve_key(void *ctx, const pgm_sessions *s, const pgm_who *w)
{
    const series_stream *ss = ctx;
    return pgm_sessions_label(s, pgm_who_part(w, ss->which));
}

static void series_open(series_stream *ss, size_t n, int64_t first, int64_t last)
{
    pgm_json_begin_array(ss->j);
    ss->n = n;
    ss->t0 = first;
    ss->span = last - first + 1;
    ss->gathering = false;
    ss->seen = 0;
}

static void stream_begin(void *ctx, const char *key, size_t n, int64_t first, int64_t last)
{
    series_stream *ss = ctx;
    pgm_json_key(ss->j, key);
    series_open(ss, n, first, last);
}

static void stream_flush(series_stream *ss)
{
    if (!ss->gathering)
        return;
    json_point(ss->j, ss->lo_at < ss->hi_at ? &ss->lo : &ss->hi);
    if (ss->lo_at != ss->hi_at)
        json_point(ss->j, ss->lo_at < ss->hi_at ? &ss->hi : &ss->lo);
}

static void stream_point(void *ctx, const pgm_curve_point *p)
{
    series_stream *ss = ctx;
    size_t at = ss->seen++;
    if (ss->n <= 2 * PGM_JSON_SERIES_BUCKETS) {
        json_point(ss->j, p);
        return;
    }
    int64_t bucket = (int64_t)((double)(p->t - ss->t0) * PGM_JSON_SERIES_BUCKETS / (double)ss->span);
    if (!ss->gathering || bucket != ss->bucket) {
        stream_flush(ss);
        ss->gathering = true;
        ss->bucket = bucket;
        ss->lo = ss->hi = *p;
        ss->lo_at = ss->hi_at = at;
        return;
    }
    if (p->open < ss->lo.open)
        ss->lo = *p, ss->lo_at = at;
    if (p->open > ss->hi.open)
        ss->hi = *p, ss->hi_at = at;
}

static void stream_end(void *ctx)
{
    series_stream *ss = ctx;
    if (ss->n > 2 * PGM_JSON_SERIES_BUCKETS)
        stream_flush(ss);
    pgm_json_end_array(ss->j);
}

/* A series in the JSON: every point when there are at most twice
 * PGM_JSON_SERIES_BUCKETS, else each of that many time buckets' lowest and
 * highest point, in time order (peaks and troughs survive). */
static void json_series(pgm_json *j, const pgm_curve_point *p, size_t n)
{
    series_stream ss = {.j = j};
    series_open(&ss, n, n ? p[0].t : 0, n ? p[n - 1].t : 0);
    for (size_t i = 0; i < n; i++)
        stream_point(&ss, &p[i]);
    stream_end(&ss);
}

/* One exact curve per user, database or client (`which` picks the field),
 * streamed from the sessions' changes: memory grows with the keys, not the
 * points (a log of two million sessions has four million). At most
 * PGM_ANALYSIS_MAX_SERIES_KEYS of them, those that go highest, the others
 * together as "(other)" (the analysis says how many): a fleet whose pods'
 * addresses change made one per address, 2,000 in a 178 MB report. */
static void json_curves_by(pgm_json *j, const pgm_sessions *s, enum pgm_who_part which)
{
    series_stream ss = {.j = j, .which = which};
    pgm_keyed_walk w = {curve_key, stream_begin, stream_point, stream_end, &ss, PGM_ANALYSIS_MAX_SERIES_KEYS,
                        PGM_LABEL_OTHER};
    pgm_json_begin_object(j);
    if (s)
        pgm_sessions_walk_keyed(s, &w, NULL);
    pgm_json_end_object(j);
}

static void json_str_or_null(pgm_json *j, const char *key, const char *v)
{
    pgm_json_key(j, key);
    pgm_json_string(j, v && *v ? v : NULL);
}

/* A duration in whole milliseconds; null when unknown (negative). */
static void json_duration_ms(pgm_json *j, const char *key, int64_t us)
{
    pgm_json_key(j, key);
    if (us < 0)
        pgm_json_null(j);
    else
        pgm_json_int(j, us / 1000);
}

static void json_evidence(pgm_json *j, const char *key, const char *path, uint64_t line)
{
    pgm_json_key(j, key);
    pgm_json_begin_array(j);
    if (path && *path) {
        pgm_json_begin_object(j);
        pgm_json_key(j, "path");
        pgm_json_string(j, path);
        pgm_json_key(j, "line");
        pgm_json_uint(j, line);
        pgm_json_end_object(j);
    }
    pgm_json_end_array(j);
}

/* The sessions that held their slots longest: the first place to look for
 * what never gave a connection back. */
static void json_longest(pgm_json *j, const pgm_analysis *a, const pgm_sessions *s)
{
    size_t n = s ? pgm_sessions_count(s) : 0;
    pgm_json_key(j, "longest");
    pgm_json_begin_array(j);
    for (size_t i = 0; n && i < a->n_longest; i++) {
        const pgm_session xv = pgm_sessions_get(s, a->longest[i]), *x = &xv;
        const pgm_who *w = pgm_sessions_who(s, x);
        pgm_json_begin_object(j);
        pgm_json_key(j, "pid");
        pgm_json_int(j, x->pid);
        json_str_or_null(j, "user", w->user);
        json_str_or_null(j, "database", w->db);
        json_str_or_null(j, "application", pgm_sessions_app_name(s, x->app));
        json_str_or_null(j, "client", w->client);
        pgm_report_json_time(j, "start", x->start);
        pgm_report_json_time(j, "end", x->end);
        json_duration_ms(j, "held_ms", pgm_session_held_us(s, x));
        pgm_json_key(j, "ended_by");
        pgm_json_string(j, pgm_session_end_name(x->how_end));
        pgm_json_key(j, "evidence");
        pgm_json_begin_array(j);
        const char *paths[2] = {pgm_sessions_cited_path(s, x->start_at), pgm_sessions_cited_path(s, x->end_at)};
        uint64_t lines[2] = {pgm_cite_line(x->start_at), pgm_cite_line(x->end_at)};
        for (int k = 0; k < 2; k++) {
            if (!paths[k] || !*paths[k] || !lines[k])
                continue;
            pgm_json_begin_object(j);
            pgm_json_key(j, "path");
            pgm_json_string(j, paths[k]);
            pgm_json_key(j, "line");
            pgm_json_uint(j, lines[k]);
            pgm_json_end_object(j);
        }
        pgm_json_end_array(j);
        pgm_json_end_object(j);
    }
    pgm_json_end_array(j);
    /* monitoring agents' sessions, left out of the list above */
    pgm_json_key(j, "monitoring_left_out");
    pgm_json_begin_object(j);
    pgm_json_key(j, "count");
    pgm_json_uint(j, a->n_monitoring);
    pgm_json_key(j, "sessions");
    pgm_json_begin_array(j);
    for (size_t i = 0; n && i < a->n_monitoring_listed; i++) {
        const monitoring_session *m = &a->monitoring[i];
        const pgm_session xv = pgm_sessions_get(s, m->session), *x = &xv;
        pgm_json_begin_object(j);
        pgm_json_key(j, "pid");
        pgm_json_int(j, x->pid);
        json_str_or_null(j, "user", m->row->user);
        json_str_or_null(j, "application", m->row->app);
        pgm_json_key(j, "reads");
        pgm_json_string(j, m->row->stats_view);
        json_duration_ms(j, "held_ms", pgm_session_held_us(s, x));
        json_evidence(j, "evidence", m->row->path, m->row->line);
        pgm_json_end_object(j);
    }
    pgm_json_end_array(j);
    pgm_json_end_object(j);
}

static void json_victim_first(pgm_json *j, const char *key, const pgm_victim_first *f)
{
    pgm_json_key(j, key);
    if (f->t == PGM_TS_UNKNOWN) {
        pgm_json_null(j);
        return;
    }
    pgm_json_begin_object(j);
    pgm_report_json_time(j, "t", f->t);
    pgm_json_key(j, "pid");
    pgm_json_int(j, f->pid);
    json_str_or_null(j, "application", f->app);
    json_evidence(j, "evidence", f->path, f->line);
    pgm_json_end_object(j);
}

/* Who left the transactions open, and who waited on their locks. */
static void json_holders_suspect_victims(pgm_json *j, const pgm_analysis *a)
{
    size_t n;
    const pgm_holder *f = a->hyp[0].kind == PGM_VERDICT_IDLE_IN_TRANSACTION ? pgm_analysis_first_holder(a, &n) : NULL;
    pgm_json_key(j, "suspect");
    if (!f) {
        pgm_json_null(j);
    } else {
        pgm_json_begin_object(j);
        json_str_or_null(j, "application", f->app);
        json_str_or_null(j, "user", f->user);
        json_str_or_null(j, "database", f->db);
        json_str_or_null(j, "client", f->client);
        pgm_json_key(j, "transactions");
        pgm_json_uint(j, n);
        pgm_report_json_time(j, "first", f->xact_start);
        pgm_json_key(j, "first_pid");
        pgm_json_int(j, f->pid);
        json_evidence(j, "evidence", f->path, f->line);
        pgm_json_end_object(j);
    }
    const pgm_victims *v = &a->victims;
    pgm_json_key(j, "victims");
    pgm_json_begin_object(j);
    pgm_json_key(j, "lock_waits");
    pgm_json_uint(j, v->waits);
    pgm_json_key(j, "cancelled_by_lock_timeout");
    pgm_json_uint(j, v->lock_timeouts);
    pgm_json_key(j, "cancelled_by_statement_timeout");
    pgm_json_uint(j, v->statement_timeouts);
    pgm_json_key(j, "applications");
    pgm_json_begin_array(j);
    for (size_t i = 0; i < v->n_apps; i++)
        pgm_json_string(j, v->apps[i]);
    pgm_json_end_array(j);
    pgm_json_key(j, "blocked_by");
    pgm_json_begin_array(j);
    for (size_t i = 0; i < v->n_blockers; i++)
        pgm_json_int(j, v->blockers[i]);
    pgm_json_end_array(j);
    json_victim_first(j, "first_wait", &v->first_wait);
    json_victim_first(j, "first_cancel", &v->first_cancel);
    pgm_json_end_object(j);
}

static void json_holders(pgm_json *j, const pgm_analysis *a)
{
    const pgm_holders *h = &a->holders;
    pgm_json_key(j, "idle_in_transaction");
    pgm_json_begin_object(j);
    pgm_json_key(j, "holders");
    pgm_json_begin_array(j);
    for (size_t i = 0; i < h->n; i++) {
        const pgm_holder *x = &h->v[i];
        pgm_json_begin_object(j);
        pgm_json_key(j, "pid");
        pgm_json_int(j, x->pid);
        json_str_or_null(j, "user", x->user);
        json_str_or_null(j, "database", x->db);
        json_str_or_null(j, "application", x->app);
        json_str_or_null(j, "client", x->client);
        pgm_report_json_time(j, "xact_start", x->xact_start);
        json_duration_ms(j, "open_ms", pgm_holder_open_us(x));
        pgm_json_key(j, "snapshots");
        pgm_json_uint(j, x->snapshots);
        pgm_report_json_time(j, "first_seen", x->first_seen);
        pgm_report_json_time(j, "last_seen", x->last_seen);
        json_str_or_null(j, "query", x->query);
        json_evidence(j, "evidence", x->path, x->line);
        pgm_json_end_object(j);
    }
    pgm_json_end_array(j);
    pgm_json_key(j, "not_listed");
    pgm_json_uint(j, h->dropped);
    json_holders_suspect_victims(j, a);
    pgm_json_end_object(j);
}

/* PgBouncer's tier: its pools, the clients it refused, the logins the server refused it. */
static void json_pooler(pgm_json *j, const pgm_analysis *a)
{
    pgm_json_key(j, "pgbouncer");
    if (!pgm_pooler_seen(a->pooler)) {
        pgm_json_null(j);
        return;
    }
    pgm_json_begin_object(j);
    size_t n;
    const pgm_pooler_pool *v = pgm_pooler_pools(a->pooler, &n);
    pgm_json_key(j, "pools");
    pgm_json_begin_array(j);
    for (size_t i = 0; i < n; i++) {
        const pgm_pooler_pool *p = &v[i];
        pgm_json_begin_object(j);
        json_str_or_null(j, "database", p->db);
        json_str_or_null(j, "user", p->user);
        json_str_or_null(j, "client", p->client[0] ? p->client : NULL);
        pgm_json_key(j, "logins");
        pgm_json_uint(j, p->logins);
        pgm_json_key(j, "clients_peak");
        pgm_json_int(j, p->clients_peak);
        pgm_report_json_time(j, "clients_peak_at", p->clients_peak_at);
        pgm_json_key(j, "servers_peak");
        pgm_json_int(j, p->servers_peak);
        pgm_report_json_time(j, "servers_peak_at", p->servers_peak_at);
        pgm_json_key(j, "wait_timeouts");
        pgm_json_uint(j, p->wait_timeouts);
        pgm_report_json_time(j, "first_wait_timeout", p->first_wait_timeout);
        json_evidence(j, "first_wait_timeout_evidence", p->first_wait_path, p->first_wait_line);
        pgm_json_key(j, "client_timeouts");
        pgm_json_uint(j, p->timeouts);
        pgm_json_key(j, "server_login_failures");
        pgm_json_uint(j, p->server_login_failures);
        const char *mode = pgm_analysis_pool_mode(a, p);
        json_str_or_null(j, "pool_mode", mode[0] ? mode : NULL);
        pgm_json_key(j, "waiting_seen");
        pgm_json_int(j, p->waiting_seen);
        pgm_json_key(j, "maxwait_s");
        pgm_json_int(j, p->maxwait_s);
        json_evidence(j, "waiting_evidence", p->waiting_path, p->waiting_line);
        /* the tier's curves: PgBouncer's clients of this pool, and its server connections */
        pgm_json_key(j, "clients_series");
        json_series(j, p->clients_curve, p->n_clients_curve);
        pgm_json_key(j, "servers_series");
        json_series(j, p->servers_curve, p->n_servers_curve);
        pgm_json_end_object(j);
    }
    pgm_json_end_array(j);
    const pgm_pooler_refusals *r = pgm_pooler_refused(a->pooler);
    pgm_json_key(j, "client_refusals");
    pgm_json_uint(j, r->clients);
    pgm_report_json_time(j, "first_client_refusal", r->first_client);
    json_evidence(j, "client_refusal_evidence", r->client_path, r->client_line);
    pgm_json_key(j, "server_login_failures");
    pgm_json_uint(j, r->server_logins);
    pgm_report_json_time(j, "first_server_login_failure", r->first_server_login);
    json_evidence(j, "server_login_evidence", r->server_login_path, r->server_login_line);
    json_str_or_null(j, "server_error", r->server_error[0] ? r->server_error : NULL);
    const char *again;
    pgm_json_key(j, "repeated_events");
    pgm_json_uint(j, pgm_pooler_repeated(a->pooler, &again));
    json_str_or_null(j, "repeated_in", again[0] ? again : NULL);
    pgm_json_end_object(j);
}

void pgm_report_write_json(const pgm_analysis *a, FILE *out)
{
    pgm_report_write_json_with(a, out, NULL, NULL);
}

/* One more of the suspect's sessions: listed while fewer than the
 * remediation names (PGM_ANALYSIS_MAX_NAMED) are, else counted. */
static bool take_one(uint64_t *listed, uint64_t *left_out)
{
    if (*listed == PGM_ANALYSIS_MAX_NAMED) {
        (*left_out)++;
        return false;
    }
    (*listed)++;
    return true;
}

void pgm_report_write_json_with(const pgm_analysis *a, FILE *out, pgm_json_sections more, void *ctx)
{
    pgm_json j;
    pgm_json_init(&j, out, true);
    const pgm_hypothesis *v = &a->hyp[0];
    const pgm_sessions *s = a->primary >= 0 ? a->logs[a->primary].s : NULL;
    const pgm_growth *g = a->n_groups ? &a->groups[0] : NULL;
    pgm_json_begin_object(&j);
    pgm_json_document_header(&j, "pgmortem.report/1");
    pgm_json_key(&j, "inputs");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < a->n_inputs; i++) {
        const input_copy *in = &a->inputs[i];
        pgm_json_begin_object(&j);
        json_str_or_null(&j, "path", in->path);
        json_str_or_null(&j, "kind", in->kind);
        json_str_or_null(&j, "format", in->format);
        /* the lines came wrapped (a container runtime, kubectl, the journal):
         * "lines" counts the program's, these the file's own */
        pgm_json_key(&j, "envelope");
        if (in->envelope[0]) {
            pgm_json_begin_object(&j);
            json_str_or_null(&j, "kind", in->envelope);
            pgm_json_key(&j, "lines");
            pgm_json_uint(&j, in->wrapper_lines);
            pgm_json_key(&j, "foreign_lines");
            pgm_json_uint(&j, in->wrapper_foreign);
            pgm_json_end_object(&j);
        } else {
            pgm_json_null(&j);
        }
        /* configuration files are not read line by line here: their counts are unknown */
        static const char *const counts[] = {"bytes", "lines", "parsed_lines", "unparsed_lines"};
        uint64_t vals[] = {in->bytes, in->lines, in->lines - (in->unparsed < in->lines ? in->unparsed : in->lines),
                           in->unparsed};
        for (int k = 0; k < 4; k++) {
            pgm_json_key(&j, counts[k]);
            if (in->counted)
                pgm_json_uint(&j, vals[k]);
            else
                pgm_json_null(&j);
        }
        pgm_report_json_time(&j, "first_ts", in->first_ts);
        pgm_report_json_time(&j, "last_ts", in->last_ts);
        /* how the log_line_prefix was found and how sure (null: no prefixed log) */
        pgm_json_key(&j, "log_line_prefix");
        if (in->prefix_origin[0]) {
            pgm_json_begin_object(&j);
            json_str_or_null(&j, "spec", in->prefix);
            json_str_or_null(&j, "origin", in->prefix_origin);
            pgm_json_key(&j, "lines_tried");
            pgm_json_uint(&j, in->prefix_tried);
            pgm_json_key(&j, "lines_parsed");
            pgm_json_uint(&j, in->prefix_parsed);
            json_str_or_null(&j, "other", in->prefix_rival[0] ? in->prefix_rival : NULL);
            pgm_json_key(&j, "later");
            if (in->prefix_later_line) {
                pgm_json_begin_object(&j);
                pgm_json_key(&j, "line");
                pgm_json_uint(&j, in->prefix_later_line);
                json_str_or_null(&j, "spec", in->prefix_later);
                pgm_json_key(&j, "changed");
                pgm_json_bool(&j, in->prefix_changed);
                pgm_json_end_object(&j);
            } else {
                pgm_json_null(&j);
            }
            pgm_json_end_object(&j);
        } else {
            pgm_json_null(&j);
        }
        pgm_json_key(&j, "warnings");
        pgm_json_begin_array(&j);
        for (size_t w = 0; w < in->n_kept; w++)
            pgm_json_string(&j, in->warnings[w]);
        if (in->n_warnings > in->n_kept) {
            char unshown[96];
            snprintf(unshown, sizeof unshown, PGM_INPUT_WARNINGS_MORE, in->n_warnings - in->n_kept);
            pgm_json_string(&j, unshown);
        }
        pgm_json_end_array(&j);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_key(&j, "verdict");
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "kind");
    pgm_json_string(&j, pgm_verdict_name(v->kind));
    pgm_json_key(&j, "confidence");
    pgm_json_string(&j, pgm_analysis_confidence(a));
    pgm_json_key(&j, "summary");
    pgm_json_string(&j, v->summary);
    json_str_or_null(&j, "tier", pgm_tier_name(a->tier));
    char where[512];
    json_str_or_null(&j, "where", pgm_analysis_where(a, where, sizeof where) ? where : NULL);
    json_str_or_null(&j, "confirm", a->confirm[0] ? a->confirm : NULL);
    pgm_json_key(&j, "disagreements");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < a->n_disagree; i++)
        pgm_json_string(&j, a->disagree[i]);
    pgm_json_end_array(&j);
    pgm_json_end_object(&j);
    pgm_json_key(&j, "hypotheses");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < PGM_VERDICT_COUNT; i++) {
        const pgm_hypothesis *h = &a->hyp[i];
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "kind");
        pgm_json_string(&j, pgm_verdict_name(h->kind));
        pgm_json_key(&j, "score");
        pgm_json_int(&j, h->score);
        pgm_json_key(&j, "summary");
        pgm_json_string(&j, h->summary);
        pgm_json_key(&j, "evidence");
        pgm_json_begin_array(&j);
        for (size_t e = 0; e < h->n_evidence; e++)
            pgm_json_string(&j, h->evidence[e]);
        pgm_json_end_array(&j);
        pgm_json_key(&j, "ruled_out_because");
        pgm_json_string(&j, h->why_not[0] ? h->why_not : NULL);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_key(&j, "exhaustion");
    pgm_json_begin_object(&j);
    pgm_report_json_time(&j, "first_refusal", a->exhaustion);
    pgm_json_key(&j, "refusals");
    pgm_json_uint(&j, a->refusals);
    pgm_json_key(&j, "app_timeouts");
    pgm_json_uint(&j, a->app_timeouts);
    /* a leak the log ends before exhaustion: when the slots would have run out */
    int64_t forecast = PGM_TS_UNKNOWN;
    if (v->kind == PGM_VERDICT_LEAK && a->exhaustion == PGM_TS_UNKNOWN && g && g->growing &&
        g->rate_per_min > 0 && a->max_connections > 0 && s) {
        /* from what was open when the group stood highest, at its rate */
        const pgm_curve *cc = pgm_sessions_curve(s);
        long open_then = 0;
        for (size_t i = 0; i < cc->n && cc->p[i].t <= g->ref; i++)
            open_then = cc->p[i].open;
        long left = a->max_connections - a->reserved - open_then;
        if (left > 0)
            forecast = g->ref + (int64_t)(left / g->rate_per_min * 60e6);
    }
    pgm_report_json_time(&j, "forecast", forecast);
    uint64_t fr_line = 0;
    const char *fr_path = s ? pgm_sessions_first_refusal_at(s, &fr_line) : NULL;
    json_evidence(&j, "evidence", fr_path, fr_line);
    /* which limit refused first (PostgreSQL's postinit.c: all SQLSTATE 53300,
     * only two of them the server's own slots), and the first for lack of them */
    pgm_json_key(&j, "first_refusal_kind");
    const char *kind_name = refusal_kind_name(s ? pgm_sessions_first_refusal_kind(s) : 0);
    if (kind_name)
        pgm_json_string(&j, kind_name);
    else
        pgm_json_null(&j);
    const char *slot_path = NULL;
    uint64_t slot_line = 0;
    pgm_report_json_time(&j, "first_slot_refusal",
                           s ? pgm_sessions_first_slot_refusal(s, &slot_path, &slot_line) : PGM_TS_UNKNOWN);
    json_evidence(&j, "first_slot_refusal_evidence", slot_path, slot_line);
    const server_log *pl = a->primary >= 0 ? &a->logs[a->primary] : NULL;
    pgm_report_json_time(&j, "last_refusal", pl ? pl->last_refusal : PGM_TS_UNKNOWN);
    /* who it reached: services whose pools timed out, user@db the server refused */
    pgm_json_key(&j, "hit");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < a->n_timed_out + (pl ? pl->n_refused : 0); i++) {
        bool timeout = i < a->n_timed_out;
        const hit *h = timeout ? &a->timed_out[i] : &pl->refused[i - a->n_timed_out];
        pgm_json_begin_object(&j);
        json_str_or_null(&j, "who", h->who);
        pgm_json_key(&j, "how");
        pgm_json_string(&j, timeout ? "pool_timeouts" : "refused");
        pgm_json_key(&j, "count");
        pgm_json_uint(&j, h->count);
        pgm_report_json_time(&j, "first", h->first);
        json_evidence(&j, "evidence", h->path, h->line);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_end_object(&j);
    json_pooler(&j, a);
    pgm_json_key(&j, "leak");
    if (v->kind != PGM_VERDICT_LEAK) {
        pgm_json_null(&j);
    } else {
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "suspect");
        pgm_json_begin_object(&j);
        /* the name PostgreSQL knows, else the service the application logs name */
        bool from_log = g && g->growing;
        /* without connection logging: the group the snapshots show holding the most */
        bool from_snap = !from_log && a->top_sessions > 0;
        const char *app = from_log && g->app && strcmp(g->app, PGM_LABEL_UNKNOWN) != 0 ? g->app
                          : from_snap && a->top_app[0]                           ? a->top_app
                                                                                 : a->leak_app;
        /* behind PgBouncer the server sees its pool's connections: the pool PgBouncer's log shows */
        const pgm_pooler_pool *pp = !from_log && !from_snap ? pgm_analysis_pooler_suspect(a) : NULL;
        json_str_or_null(&j, "application", app);
        json_str_or_null(&j, "user", from_log ? g->user : from_snap ? a->top_user : pp ? pp->user : NULL);
        json_str_or_null(&j, "database", from_log ? g->db : from_snap ? a->top_db : pp ? pp->db : NULL);
        json_str_or_null(&j, "client", from_log ? g->client : from_snap ? a->top_client : pp ? pp->client : NULL);
        char pool_name[sizeof pp->db + sizeof pp->user];
        if (pp)
            snprintf(pool_name, sizeof pool_name, "%s/%s", pp->db, pp->user);
        json_str_or_null(&j, "pgbouncer_pool", pp ? pool_name : NULL);
        pgm_json_key(&j, "service");
        pgm_json_string(&j, a->leak_app[0] ? a->leak_app : NULL);
        pgm_json_end_object(&j);
        bool grew = g && g->growing;
        /* a fixed pool drained inside: the held sessions the snapshot shows unused, from the first of them */
        bool unused = !grew && a->held_unused.held;
        pgm_report_json_time(&j, "onset", grew ? g->onset : unused && !a->n_locs ? a->held_unused.oldest_unused : a->first_leak_report);
        json_evidence(&j, "onset_evidence",
                      grew ? g->onset_path : a->n_locs ? a->locs[0].first_path : unused ? a->held_unused.row_path : NULL,
                      grew ? g->onset_line : a->n_locs ? a->locs[0].first_line : unused ? a->held_unused.row_line : 0);
        pgm_json_key(&j, "rate_per_min");
        if (grew)
            pgm_json_int(&j, (int64_t)(g->rate_per_min * 10 + 0.5) / 10);
        else
            pgm_json_null(&j);
        pgm_json_key(&j, "held_at_exhaustion");
        if (grew)
            pgm_json_int(&j, g->held);
        else
            pgm_json_null(&j);
        pgm_json_key(&j, "leaked_sessions");
        if (grew)
            pgm_json_int(&j, g->held + (int64_t)a->leaked_before_restart);
        else if (unused && (unsigned)a->held_unused.held >= pgm_analysis_net_leak_reports(a))
            pgm_json_int(&j, a->held_unused.held);
        else
            pgm_json_uint(&j, pgm_analysis_net_leak_reports(a));
        pgm_json_key(&j, "code_locations");
        pgm_json_begin_array(&j);
        for (size_t i = 0; i < a->n_locs; i++) {
            if (!a->locs[i].count)
                continue;
            pgm_json_begin_object(&j);
            json_str_or_null(&j, "frame", a->locs[i].frame);
            json_str_or_null(&j, "at", a->locs[i].at);
            pgm_json_key(&j, "count");
            pgm_json_uint(&j, a->locs[i].count);
            pgm_report_json_time(&j, "first", a->locs[i].first);
            pgm_report_json_time(&j, "last", a->locs[i].last);
            json_evidence(&j, "evidence", a->locs[i].first_path, a->locs[i].first_line);
            pgm_json_end_object(&j);
        }
        pgm_json_end_array(&j);
        pgm_json_key(&j, "slow_borrowers");
        pgm_json_uint(&j, a->slow_borrowers);
        /* the suspect's sessions open at the reference time: what to list, or end;
         * as many as the remediation names (a leak of two million sessions
         * made a JSON as large as its log), the rest counted */
        pgm_json_key(&j, "sessions");
        pgm_json_begin_array(&j);
        uint64_t listed = 0, left_out = 0;
        size_t ns = grew && s ? pgm_sessions_count(s) : 0;
        for (size_t i = 0; i < ns; i++) {
            const pgm_session xv = pgm_sessions_get(s, i), *x = &xv;
            const pgm_who *w = pgm_sessions_who(s, x);
            if (w->user != g->user || w->db != g->db || w->client != g->client ||
                strcmp(pgm_sessions_app_name(s, x->app), g->app) != 0)
                continue;
            if (x->start == PGM_TS_UNKNOWN || x->start > g->ref ||
                (x->how_end != PGM_END_OPEN && x->end != PGM_TS_UNKNOWN && x->end <= g->ref))
                continue;
            if (!take_one(&listed, &left_out))
                continue;
            pgm_json_begin_object(&j);
            pgm_json_key(&j, "pid");
            pgm_json_int(&j, x->pid);
            pgm_report_json_time(&j, "start", x->start);
            pgm_report_json_time(&j, "end", x->end);
            json_evidence(&j, "evidence", pgm_sessions_cited_path(s, x->start_at), pgm_cite_line(x->start_at));
            pgm_json_end_object(&j);
        }
        for (size_t i = unused ? a->held_unused.rows_from : 0; unused && i < a->held_unused.rows_to; i++) {
            const app_row *w = &a->app_rows[i];
            if (pgm_analysis_row_held(w, a->held_unused.who, a->held_unused.opened_before, a->held_unused.unused_from) != 2)
                continue;
            if (!take_one(&listed, &left_out))
                continue;
            pgm_json_begin_object(&j);
            pgm_json_key(&j, "pid");
            pgm_json_int(&j, w->pid);
            pgm_report_json_time(&j, "start", w->backend_start);
            pgm_report_json_time(&j, "end", PGM_TS_UNKNOWN);
            json_evidence(&j, "evidence", w->path, w->line);
            pgm_json_end_object(&j);
        }
        pgm_json_end_array(&j);
        pgm_json_key(&j, "sessions_left_out");
        pgm_json_uint(&j, left_out);
        pgm_json_end_object(&j);
    }
    pgm_json_key(&j, "capacity");
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "max_connections");
    if (a->max_connections >= 0)
        pgm_json_int(&j, a->max_connections);
    else
        pgm_json_null(&j);
    pgm_json_key(&j, "reserved");
    if (a->max_connections >= 0)
        pgm_json_int(&j, a->reserved);
    else
        pgm_json_null(&j);
    /* without the configuration, the slots are what was open when the first
     * connection was refused (stated as inferred) */
    const pgm_curve *cv = s ? pgm_sessions_curve(s) : NULL;
    long inferred = -1;
    for (size_t i = 0; a->max_connections < 0 && cv && a->exhaustion != PGM_TS_UNKNOWN && i < cv->n &&
                       cv->p[i].t <= a->exhaustion;
         i++)
        inferred = cv->p[i].open;
    pgm_json_key(&j, "usable");
    if (a->max_connections >= 0)
        pgm_json_int(&j, a->max_connections - a->reserved);
    else if (inferred > 0)
        pgm_json_int(&j, inferred);
    else
        pgm_json_null(&j);
    pgm_json_key(&j, "usable_inferred");
    pgm_json_bool(&j, a->max_connections < 0 && inferred > 0);
    /* the arithmetic at the first refusal: who held the slots, and who burst into them */
    pgm_json_key(&j, "at_first_refusal");
    if (a->exhaustion != PGM_TS_UNKNOWN && a->n_at_refusal) {
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "open");
        pgm_json_int(&j, a->open_at_refusal);
        pgm_json_key(&j, "groups");
        pgm_json_begin_array(&j);
        for (size_t k = 0; k < a->n_at_refusal; k++) {
            const refusal_group *rg = &a->at_refusal[k];
            pgm_json_begin_object(&j);
            json_str_or_null(&j, "user", *rg->user ? rg->user : NULL);
            json_str_or_null(&j, "database", *rg->db ? rg->db : NULL);
            json_str_or_null(&j, "client", *rg->client ? rg->client : NULL);
            json_str_or_null(&j, "application", rg->app);
            pgm_json_key(&j, "open");
            pgm_json_int(&j, rg->open);
            pgm_json_key(&j, "opened_just_before");
            pgm_json_int(&j, rg->opened_late);
            pgm_json_key(&j, "ended_normally");
            pgm_json_int(&j, rg->ended_normally);
            pgm_json_key(&j, "burst");
            pgm_json_bool(&j, (int)k == a->burst);
            pgm_json_end_object(&j);
        }
        pgm_json_end_array(&j);
        pgm_json_end_object(&j);
    } else {
        pgm_json_null(&j);
    }
    pgm_json_key(&j, "pools");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < a->n_pools; i++) {
        pgm_json_begin_object(&j);
        json_str_or_null(&j, "name", a->pools[i].name);
        json_str_or_null(&j, "source", a->pools[i].service);
        pgm_json_key(&j, "maximum_pool_size");
        pgm_json_int(&j, a->pools[i].maximum_pool_size);
        pgm_json_key(&j, "instances");
        pgm_json_int(&j, a->pools[i].instances);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    const pgm_curve *c = s ? pgm_sessions_curve(s) : NULL;
    size_t n_sessions = s ? pgm_sessions_count(s) : 0;
    /* without connection lines, the snapshots' client backends: a sampled
     * lower bound of the true peak */
    const pgm_curve_point *snap_peak = NULL;
    for (size_t i = 0; !n_sessions && i < a->n_sampled; i++)
        if (!snap_peak || a->sampled[i].open > snap_peak->open)
            snap_peak = &a->sampled[i];
    pgm_json_key(&j, "peak_connections");
    if (c && n_sessions)
        pgm_json_int(&j, c->peak);
    else if (snap_peak)
        pgm_json_int(&j, snap_peak->open);
    else
        pgm_json_null(&j);
    pgm_report_json_time(&j, "peak_at", c && n_sessions ? c->peak_at : snap_peak ? snap_peak->t : PGM_TS_UNKNOWN);
    json_evidence(&j, "peak_evidence", c && n_sessions ? c->peak_path : NULL, c && n_sessions ? c->peak_line : 0);
    pgm_json_key(&j, "peak_source");
    char sampled_name[64];
    snprintf(sampled_name, sizeof sampled_name, "%s (sampled)", a->sampled_source ? a->sampled_source : "");
    pgm_json_string(&j, n_sessions ? "server log" : snap_peak ? sampled_name : NULL);
    pgm_json_end_object(&j);
    pgm_json_key(&j, "sessions");
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "total");
    pgm_json_uint(&j, n_sessions);
    pgm_json_key(&j, "open_at_end");
    pgm_json_uint(&j, s ? pgm_sessions_open_at_end(s) : 0);
    json_str_or_null(&j, "server_log", a->primary >= 0 ? a->logs[a->primary].shown : NULL);
    /* application names the log lacked, from pg_stat_activity's rows */
    pgm_json_key(&j, "apps_from_snapshots");
    pgm_json_uint(&j, a->apps_named);
    pgm_json_key(&j, "apps_inferred");
    pgm_json_uint(&j, a->apps_inferred);
    json_longest(&j, a, s);
    pgm_json_end_object(&j);
    json_holders(&j, a);
    pgm_json_key(&j, "findings");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < a->n_findings; i++) {
        const finding_copy *f = &a->findings[i];
        pgm_json_begin_object(&j);
        json_str_or_null(&j, "rule", f->rule);
        json_str_or_null(&j, "severity", f->severity);
        json_str_or_null(&j, "title", f->title);
        json_str_or_null(&j, "message", f->message);
        pgm_json_key(&j, "evidence");
        pgm_json_begin_array(&j);
        if (f->path[0]) {
            pgm_json_begin_object(&j);
            pgm_json_key(&j, "path");
            pgm_json_string(&j, f->path);
            pgm_json_key(&j, "line");
            pgm_json_uint(&j, f->line);
            pgm_json_end_object(&j);
        }
        pgm_json_end_array(&j);
        json_str_or_null(&j, "remediation", f->remediation);
        pgm_json_key(&j, "source");
        pgm_json_string(&j, f->from_events ? "events" : "configuration");
        if (f->from_events)
            pgm_report_json_time(&j, "at", f->at);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_key(&j, "series");
    pgm_json_begin_object(&j);
    /* exact from the server log's connection lines, else sampled by the snapshots */
    bool exact;
    size_t n_pts;
    const pgm_curve_point *pts = pgm_analysis_connections(a, &n_pts, &exact);
    pgm_json_key(&j, "connections_source");
    pgm_json_string(&j, exact ? "server log" : n_pts ? a->sampled_source : NULL);
    pgm_json_key(&j, "points_per_series_max");
    pgm_json_uint(&j, 2 * PGM_JSON_SERIES_BUCKETS);
    pgm_json_key(&j, "connections");
    json_series(&j, pts, n_pts);
    /* one curve per application (as PostgreSQL knows it) */
    pgm_json_key(&j, "by_application");
    pgm_json_begin_object(&j);
    for (unsigned app = 0; s && app < pgm_sessions_app_count(s); app++) {
        const pgm_curve *ac = pgm_sessions_app_curve(s, app);
        pgm_json_key(&j, pgm_sessions_app_name(s, app));
        json_series(&j, ac ? ac->p : NULL, ac ? ac->n : 0);
    }
    pgm_json_end_object(&j);
    static const char *const by[] = {[PGM_WHO_USER] = "by_user", [PGM_WHO_DB] = "by_database",
                                     [PGM_WHO_CLIENT] = "by_client"};
    for (enum pgm_who_part w = PGM_WHO_USER; w <= PGM_WHO_CLIENT; w++) {
        pgm_json_key(&j, by[w]);
        json_curves_by(&j, s, w);
    }
    /* one application's replicas, each session taken as the pod's whose pool
     * started last before it (forensics/pods.c): an attribution by time */
    const char *pods_why_not;
    const char *pod_app = pgm_analysis_pod_split(a, &pods_why_not);
    pgm_json_key(&j, "by_pod");
    if (pod_app) {
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "application");
        pgm_json_string(&j, pod_app);
        pgm_json_key(&j, "attributed_by");
        pgm_json_string(&j, "pool start: a session opened within 30 s after a pod's pool started, and before the "
                            "next pod's did, is that pod's");
        pgm_json_key(&j, "pods");
        pgm_json_begin_object(&j);
        for (size_t i = 0; i < pgm_analysis_pod_count(a); i++) {
            const pgm_curve *pc = pgm_analysis_pod_curve(a, i);
            pgm_json_key(&j, pgm_analysis_pod_name(a, i));
            json_series(&j, pc->p, pc->n);
        }
        pgm_json_end_object(&j);
        pgm_json_key(&j, "started");
        pgm_json_begin_object(&j);
        for (size_t i = 0; i < pgm_analysis_pod_count(a); i++) {
            pgm_report_json_time(&j, pgm_analysis_pod_name(a, i), a->pods[i].start);
        }
        pgm_json_end_object(&j);
        pgm_json_end_object(&j);
    } else {
        pgm_json_null(&j);
    }
    json_str_or_null(&j, "pods_not_split", pods_why_not);
    pgm_json_end_object(&j);
    /* application logs whose clocks are off the server's (their times here are corrected) */
    pgm_json_key(&j, "clock_offsets");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < a->n_offsets; i++) {
        const pgm_clock_offset *o = &a->offsets[i];
        pgm_json_begin_object(&j);
        json_str_or_null(&j, "path", o->shown);
        json_str_or_null(&j, "against", a->logs[a->primary].shown);
        pgm_json_key(&j, "offset_ms");
        pgm_json_int(&j, o->offset_us / 1000);
        pgm_json_key(&j, "matched");
        pgm_json_uint(&j, o->matched);
        pgm_json_key(&j, "reports");
        pgm_json_uint(&j, o->reports);
        pgm_json_key(&j, "matched_without_offset");
        pgm_json_uint(&j, o->matched_unshifted);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_key(&j, "timeline");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < a->n_moments; i++) {
        const pgm_moment *m = &a->moments[i];
        pgm_json_begin_object(&j);
        pgm_report_json_time(&j, "t", m->t);
        pgm_json_key(&j, "kind");
        pgm_json_string(&j, "moment");
        json_str_or_null(&j, "text", m->text);
        json_evidence(&j, "evidence", m->path, m->line);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_key(&j, "stats");
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "bytes");
    pgm_json_uint(&j, a->scan_bytes);
    pgm_json_key(&j, "lines");
    pgm_json_uint(&j, a->scan_lines);
    pgm_json_key(&j, "events");
    pgm_json_uint(&j, a->scan_events);
    pgm_json_key(&j, "events_by_kind");
    pgm_json_begin_object(&j);
    for (size_t i = 0; i < a->n_kinds; i++) {
        pgm_json_key(&j, a->kinds[i].kind);
        pgm_json_uint(&j, a->kinds[i].count);
    }
    pgm_json_end_object(&j);
    pgm_json_key(&j, "elapsed_ms");
    if (a->elapsed_ms >= 0)
        pgm_json_int(&j, a->elapsed_ms);
    else
        pgm_json_null(&j);
    pgm_json_end_object(&j);
    if (more)
        more(ctx, &j, a);
    pgm_json_end_object(&j);
    fputc('\n', out);
}