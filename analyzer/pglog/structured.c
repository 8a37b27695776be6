/* The server's structured formats (csvlog, jsonlog), CloudNativePG's JSON,
 * and the JSON envelopes of Cloud SQL and Azure around a prefixed line.
 * Column and key names: shared/reference/postgresql-log-formats.md (b), (c), (f). */
#include <stdlib.h>
#include <string.h>

#include "pglog/reader_impl.h"
#include "text/timestamp.h"

/* csvlog columns, from 1 in the docs, from 0 here. */
enum {
    CSV_LOG_TIME, CSV_USER, CSV_DB, CSV_PID, CSV_FROM, CSV_SESSION_ID, CSV_LINE_NUM, CSV_TAG,
    CSV_SESSION_START, CSV_VXID, CSV_XID, CSV_SEVERITY, CSV_STATE, CSV_MESSAGE, CSV_DETAIL,
    CSV_HINT, CSV_INTERNAL_QUERY, CSV_INTERNAL_POS, CSV_CONTEXT, CSV_QUERY, CSV_QUERY_POS,
    CSV_LOCATION, CSV_APP, CSV_BACKEND_TYPE, CSV_LEADER_PID, CSV_QUERY_ID
};
/* PostgreSQL 12, 13, 14-17. */
#define CSV_COLUMNS_12 23u
#define CSV_COLUMNS_13 24u
#define CSV_COLUMNS_14 26u

static int64_t parse_int(const char *p, size_t n)
{
    if (!n || n > 18)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

static int64_t parse_time(pgm_pglog_reader *r, const char *p, size_t n)
{
    pgm_ts_parse ts;
    if (!p || !pgm_ts_parse_at(p, n, &ts))
        return pgm_pglog_fix_time(r, PGM_TS_UNKNOWN, PGM_TS_ZONE_NONE);
    return pgm_pglog_fix_time(r, ts.us, ts.zone);
}

/* "host:port" (csvlog, CloudNativePG), or "[local]". IPv6 addresses hold
 * colons too: the port is after the last one, and only digits. */
static void split_from(pgm_slice from, pgm_slice *host, pgm_slice *port)
{
    *host = pgm_record_value(from.p, from.n);
    port->n = 0;
    const char *colon = NULL;
    for (size_t i = from.n; i > 0; i--)
        if (from.p[i - 1] == ':') {
            colon = from.p + i - 1;
            break;
        }
    if (!colon || parse_int(colon + 1, (size_t)(from.p + from.n - colon - 1)) < 0)
        return;
    host->n = (size_t)(colon - from.p);
    *port = (pgm_slice){colon + 1, (size_t)(from.p + from.n - colon - 1)};
}

/* ------------------------------------------------------------------ csvlog */

static pgm_slice col(const pgm_csv_record *rec, size_t i)
{
    pgm_slice s = {"", 0};
    if (i < rec->n_fields)
        s = (pgm_slice){pgm_csv_field_text(rec, i), rec->fields[i].len};
    return s;
}

static void csv_record(pgm_pglog_reader *r, const pgm_csv_record *rec)
{
    size_t nf = rec->n_fields;
    /* The server writes 23, 24 or 26 columns; exports and other versions
     * of it other counts: what is there up to the message is read. */
    if (nf <= CSV_MESSAGE) {
        for (uint64_t l = rec->first_line; l <= rec->last_line; l++)
            pgm_pglog_unparsed(r, rec->text, strnlen(rec->text, 99), l);
        return;
    }
    pgm_pg_record out;
    memset(&out, 0, sizeof out);
    pgm_slice t = col(rec, CSV_LOG_TIME);
    out.t = parse_time(r, t.p, t.n);
    pgm_slice pid = col(rec, CSV_PID);
    out.pid = parse_int(pid.p, pid.n);
    pgm_slice v;
    v = col(rec, CSV_USER), out.user = pgm_record_value(v.p, v.n);
    v = col(rec, CSV_DB), out.db = pgm_record_value(v.p, v.n);
    v = col(rec, CSV_APP), out.app = pgm_record_value(v.p, v.n);
    split_from(col(rec, CSV_FROM), &out.host, &out.port);
    out.session_id = col(rec, CSV_SESSION_ID);
    out.command_tag = col(rec, CSV_TAG);
    out.severity = col(rec, CSV_SEVERITY);
    out.sqlstate = col(rec, CSV_STATE);
    out.message = col(rec, CSV_MESSAGE);
    out.detail = col(rec, CSV_DETAIL);
    out.hint = col(rec, CSV_HINT);
    out.context = col(rec, CSV_CONTEXT);
    out.statement = col(rec, CSV_QUERY);
    out.query = col(rec, CSV_INTERNAL_QUERY);
    if (nf >= CSV_COLUMNS_13)
        out.backend_type = col(rec, CSV_BACKEND_TYPE);
    if (nf != CSV_COLUMNS_12 && nf != CSV_COLUMNS_13 && nf != CSV_COLUMNS_14)
        r->cov.odd_columns++;
    out.line = rec->first_line;
    out.last_line = rec->last_line;
    r->cov.continuation += rec->last_line - rec->first_line;
    pgm_pglog_emit(r, &out);
}

static void csv_line(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
{
    const pgm_csv_record *rec;
    int k = pgm_csv_feed(&r->csv, line, n, lineno, &rec);
    if (k == 1)
        csv_record(r, rec);
    else if (k < 0) {
        r->cov.cut++;
        pgm_pglog_unparsed(r, line, n, lineno);
    }
}

/* ------------------------------------------------------ JSON-shaped inputs */

static pgm_slice jget_n(const pgm_pglog_reader *r, const char *key, size_t key_len)
{
    size_t n;
    const char *v = pgm_jsonflat_get_text(&r->json, key, key_len, &n);
    return (pgm_slice){v ? v : "", n};
}

static pgm_slice jget(const pgm_pglog_reader *r, const char *key)
{
    return jget_n(r, key, strlen(key));
}

/* A key and its length, counted by the compiler where it is written here
 * (a jsonlog line is asked for some twenty). */
typedef struct json_key {
    const char *s;
    size_t n;
} json_key;
#define KEY(literal) {"" literal, sizeof(literal) - 1}

static pgm_slice jkey(const pgm_pglog_reader *r, json_key k)
{
    return jget_n(r, k.s, k.n);
}

#define JGET(r, literal) jkey((r), (json_key)KEY(literal))

/* The first of several keys that is present. */
static pgm_slice jget_any(const pgm_pglog_reader *r, const char *const *keys)
{
    for (; *keys; keys++) {
        pgm_slice s = jget(r, *keys);
        if (s.n)
            return s;
    }
    return (pgm_slice){"", 0};
}

static bool parse_json(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
{
    char err[128];
    if (pgm_jsonflat_parse(&r->json, line, n, err, sizeof err)) {
        if (r->json.dropped)
            r->cov.cut++; /* keys past PGM_JSONFLAT_MAX_PAIRS: not read */
        return true;
    }
    /* a record nested past PGM_JSONFLAT_MAX_DEPTH or larger than
     * PGM_JSONFLAT_MAX_BYTES is a limit reached, not only a line not understood */
    if (strstr(err, "nested too deeply") || strstr(err, "object too large"))
        r->cov.cut++;
    pgm_pglog_unparsed(r, line, n, lineno);
    return false;
}

/* Where a server record's fields lie in a JSON line of one format. */
typedef struct json_keys {
    json_key message, severity, time, pid, user, db, app, session_id, command_tag, sqlstate, detail, hint,
        context, statement, query, backend_type;
    json_key from;       /* "host:port" in one value, or {NULL, 0} ... */
    json_key host, port; /* ... each in its own */
    bool sqlstate_omitted_when_ok;
} json_keys;

/* jsonlog: the server's own keys (src/backend/utils/error/jsonlog.c, write_jsonlog). */
static const json_keys jsonlog_keys = {
    .message = KEY("message"), .severity = KEY("error_severity"), .time = KEY("timestamp"),
    .pid = KEY("pid"), .user = KEY("user"), .db = KEY("dbname"), .app = KEY("application_name"),
    .session_id = KEY("session_id"), .command_tag = KEY("ps"), .sqlstate = KEY("state_code"),
    .detail = KEY("detail"), .hint = KEY("hint"), .context = KEY("context"), .statement = KEY("statement"),
    .query = KEY("internal_query"), .backend_type = KEY("backend_type"),
    .host = KEY("remote_host"), .port = KEY("remote_port"),
    .sqlstate_omitted_when_ok = true, /* jsonlog leaves state_code out when it is 00000 */
};

/* CloudNativePG: csvlog's column names under "record."; every value a string. */
static const json_keys cnpg_keys = {
    .message = KEY("record.message"), .severity = KEY("record.error_severity"), .time = KEY("record.log_time"),
    .pid = KEY("record.process_id"), .user = KEY("record.user_name"), .db = KEY("record.database_name"),
    .app = KEY("record.application_name"), .session_id = KEY("record.session_id"),
    .command_tag = KEY("record.command_tag"), .sqlstate = KEY("record.sql_state_code"),
    .detail = KEY("record.detail"), .hint = KEY("record.hint"), .context = KEY("record.context"),
    .statement = KEY("record.query"), .query = KEY("record.internal_query"),
    .backend_type = KEY("record.backend_type"), .from = KEY("record.connection_from"),
};

static pgm_slice jkey_value(const pgm_pglog_reader *r, json_key k)
{
    pgm_slice v = jkey(r, k);
    return pgm_record_value(v.p, v.n);
}

/* jsonlog and CloudNativePG: one record a line, its fields where `k` says. */
static void json_record(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno, const json_keys *k)
{
    if (!parse_json(r, line, n, lineno))
        return;
    pgm_pg_record out;
    memset(&out, 0, sizeof out);
    pgm_slice msg = jkey(r, k->message);
    pgm_slice sev = jkey(r, k->severity);
    if (!sev.n) {
        /* a JSON line with no severity is no server output: CloudNativePG's
         * own lines (logger "instance-manager"...), an operator's, a shipper's */
        pgm_pglog_foreign(r, line, n, lineno);
        return;
    }
    pgm_slice v = jkey(r, k->time);
    out.t = parse_time(r, v.p, v.n);
    v = jkey(r, k->pid);
    out.pid = parse_int(v.p, v.n);
    out.user = jkey_value(r, k->user);
    out.db = jkey_value(r, k->db);
    out.app = jkey_value(r, k->app);
    if (k->from.s) {
        split_from(jkey(r, k->from), &out.host, &out.port);
    } else {
        out.host = jkey_value(r, k->host);
        out.port = jkey(r, k->port);
    }
    out.session_id = jkey(r, k->session_id);
    out.command_tag = jkey(r, k->command_tag);
    out.sqlstate = jkey(r, k->sqlstate);
    if (!out.sqlstate.n && k->sqlstate_omitted_when_ok)
        out.sqlstate = (pgm_slice){"00000", 5};
    out.detail = jkey(r, k->detail);
    out.hint = jkey(r, k->hint);
    out.context = jkey(r, k->context);
    out.statement = jkey(r, k->statement);
    out.query = jkey(r, k->query);
    out.backend_type = jkey(r, k->backend_type);
    out.severity = sev;
    out.message = msg;
    out.line = out.last_line = lineno;
    pgm_pglog_emit(r, &out);
}

/* Cloud Logging: the stderr line is the textPayload; DETAIL/STATEMENT lines
 * are entries of their own, so they group as in a plain file. */
static void cloudsql_line(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
{
    if (!parse_json(r, line, n, lineno))
        return;
    pgm_slice text = JGET(r, "textPayload");
    if (!text.n) {
        pgm_pglog_unparsed(r, line, n, lineno);
        return;
    }
    pgm_slice ts = JGET(r, "timestamp");
    pgm_ts_parse tp;
    if (ts.n && pgm_ts_parse_at(ts.p, ts.n, &tp))
        pgm_pglog_set_envelope(r, lineno, tp.us, tp.zone, -1);
    /* the payload lives in the JSON buffer, which the next line reuses */
    pgm_strbuf_reset(&r->body);
    if (pgm_strbuf_add(&r->body, text.p, text.n)) {
        r->cov.cut++;
        pgm_pglog_unparsed(r, line, n, lineno);
        return;
    }
    /* an embedded newline in a payload is the server's "\n\t" */
    char *nl = memchr(r->body.p, '\n', r->body.len);
    if (!nl) {
        pgm_pglog_prefixed_line(r, r->body.p, r->body.len, lineno);
        return;
    }
    pgm_pglog_prefixed_line(r, r->body.p, (size_t)(nl - r->body.p), lineno);
    while (nl) {
        const char *s = nl + 1;
        nl = memchr(s, '\n', (size_t)(r->body.p + r->body.len - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(r->body.p + r->body.len - s);
        pgm_pglog_prefixed_line(r, s, len, lineno);
    }
}

static const char *const azure_message[] = {"properties.message", "Message", "message", NULL};
static const char *const azure_level[] = {"properties.errorLevel", "errorLevel_s", "ErrorLevel", NULL};
static const char *const azure_state[] = {"properties.sqlerrcode", "sqlerrcode_s", "SqlErrorCode", NULL};
static const char *const azure_pid[] = {"properties.processId", "processId_d", "ProcessId", NULL};
static const char *const azure_detail[] = {"properties.detail", "Detail", "detail", NULL};
static const char *const azure_time[] = {"properties.timestamp", "time", "TimeGenerated", "timestamp", NULL};
static const char *const azure_prefix[] = {"properties.prefix", "Prefix", "prefix", NULL};

/* Single Server's records keep the line's prefix apart, its fixed '%t-%c-'
 * ("2023-02-27 23:21:40 UTC-63fd3b04.cf0-"), and no processId: the session
 * id, the last of its '-'-separated parts, names the process. Its pid, with
 * *id set, or -1 with *id empty. */
static int64_t azure_session_pid(pgm_slice prefix, pgm_slice *id)
{
    size_t n = prefix.n;
    while (n && prefix.p[n - 1] == '-')
        n--;
    size_t start = n;
    while (start && prefix.p[start - 1] != '-')
        start--;
    *id = (pgm_slice){prefix.p + start, n - start};
    int64_t pid = pgm_prefix_pid_of_session_id(*id);
    if (pid < 0)
        *id = (pgm_slice){NULL, 0};
    return pid;
}

/* Azure Monitor's diagnostic records: one JSON object per message, the
 * prefixed line in "message", its DETAIL beside it. */
static void azure_json_line(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
{
    if (!parse_json(r, line, n, lineno))
        return;
    pgm_slice text = jget_any(r, azure_message);
    if (!text.n) {
        pgm_pglog_unparsed(r, line, n, lineno);
        return;
    }
    pgm_pg_record out;
    memset(&out, 0, sizeof out);
    pgm_prefix_fields f;
    pgm_slice level = jget_any(r, azure_level);
    /* Flexible Server: the whole line in the message; Cosmos DB for
     * PostgreSQL: the prefix and the message, the severity apart */
    bool whole = r->prefix && pgm_prefix_parse(r->prefix, text.p, text.n, &f);
    if (whole || (r->prefix && level.n && pgm_prefix_parse_bare(r->prefix, text.p, text.n, &f))) {
        out.message = f.message;
        out.severity = whole ? f.severity : level;
        out.user = pgm_record_value(f.user.p, f.user.n);
        out.db = pgm_record_value(f.db.p, f.db.n);
        out.app = pgm_record_value(f.app.p, f.app.n);
        out.host = pgm_record_value(f.host.p, f.host.n);
        out.port = f.port;
        out.session_id = f.session_id;
        out.pid = f.pid;
        out.t = f.t_us;
    } else {
        out.message = text;
        out.severity = level;
        out.pid = -1;
        out.t = PGM_TS_UNKNOWN;
    }
    enum pgm_ts_zone zone = f.zone;
    if (out.t == PGM_TS_UNKNOWN) {
        pgm_slice ts = jget_any(r, azure_time);
        pgm_ts_parse tp;
        if (ts.n && pgm_ts_parse_at(ts.p, ts.n, &tp)) {
            out.t = tp.us;
            zone = tp.zone;
        }
    }
    out.t = pgm_pglog_fix_time(r, out.t, zone);
    if (out.pid < 0) {
        pgm_slice pid = jget_any(r, azure_pid);
        /* processId_d is a double in Log Analytics: "12376" or "12376.0" */
        const char *dot = memchr(pid.p, '.', pid.n);
        out.pid = parse_int(pid.p, dot ? (size_t)(dot - pid.p) : pid.n);
    }
    if (out.pid < 0 && !out.session_id.n)
        out.pid = azure_session_pid(jget_any(r, azure_prefix), &out.session_id);
    out.sqlstate = jget_any(r, azure_state);
    out.detail = jget_any(r, azure_detail);
    out.line = out.last_line = lineno;
    pgm_pglog_emit(r, &out);
}

/* ------------------------------------------------------------- dispatch */

static bool blank(const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (line[i] != ' ' && line[i] != '\t')
            return false;
    return true;
}

void pgm_pglog_line(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
{
    switch (r->fmt) {
    case PGM_FMT_PREFIXED:
        pgm_pglog_prefixed_line(r, line, n, lineno);
        break;
    case PGM_FMT_SYSLOG:
        pgm_syslog_line(r, line, n, lineno);
        break;
    case PGM_FMT_CSVLOG:
        csv_line(r, line, n, lineno);
        break;
    case PGM_FMT_JSONLOG:
    case PGM_FMT_CNPG:
        if (!blank(line, n))
            json_record(r, line, n, lineno, r->fmt == PGM_FMT_CNPG ? &cnpg_keys : &jsonlog_keys);
        break;
    case PGM_FMT_CLOUDSQL:
        if (!blank(line, n))
            cloudsql_line(r, line, n, lineno);
        break;
    case PGM_FMT_AZURE:
        /* the same service writes plain prefixed files and JSON records */
        if (n && line[0] == '{')
            azure_json_line(r, line, n, lineno);
        else
            pgm_pglog_prefixed_line(r, line, n, lineno);
        break;
    }
}

pgm_slice pgm_pglog_body_of(pgm_pglog_reader *r, const char *line, size_t n)
{
    pgm_slice s = {line, n};
    char err[128];
    switch (r->fmt) {
    case PGM_FMT_SYSLOG:
        return pgm_syslog_body(line, n);
    case PGM_FMT_CLOUDSQL:
        if (pgm_jsonflat_parse(&r->json, line, n, err, sizeof err)) {
            s = JGET(r, "textPayload");
            const char *nl = memchr(s.p, '\n', s.n);
            if (nl)
                s.n = (size_t)(nl - s.p);
        }
        return s;
    case PGM_FMT_AZURE:
        if (n && line[0] == '{' && pgm_jsonflat_parse(&r->json, line, n, err, sizeof err))
            s = jget_any(r, azure_message);
        return s;
    default:
        return s;
    }
}

int64_t pgm_pglog_record_time(pgm_pglog_reader *r, const char *line, size_t n)
{
    char err[128];
    pgm_ts_parse tp;
    const char *key = r->fmt == PGM_FMT_CLOUDSQL || r->fmt == PGM_FMT_JSONLOG ? "timestamp"
                      : r->fmt == PGM_FMT_CNPG                                 ? "record.log_time"
                                                                                : NULL;
    if (r->fmt == PGM_FMT_CSVLOG) {
        /* a record's first line starts with its log_time; a line a quoted
         * field goes on in does not, and has none */
        return n && line[0] != '"' && pgm_ts_parse_at(line, n, &tp) && tp.len < n && line[tp.len] == ','
                   ? tp.us
                   : PGM_TS_UNKNOWN;
    }
    if (!key || !n || line[0] != '{' || !pgm_jsonflat_parse(&r->json, line, n, err, sizeof err))
        return PGM_TS_UNKNOWN;
    pgm_slice ts = jget(r, key);
    return ts.n && pgm_ts_parse_at(ts.p, ts.n, &tp) ? tp.us : PGM_TS_UNKNOWN;
}

void pgm_pglog_finish_format(pgm_pglog_reader *r)
{
    if (r->fmt == PGM_FMT_SYSLOG)
        pgm_syslog_finish(r);
    if (r->fmt == PGM_FMT_CSVLOG) {
        const pgm_csv_record *rec;
        if (pgm_csv_finish(&r->csv, &rec) == 1)
            csv_record(r, rec);
    }
}
