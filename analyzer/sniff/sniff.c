#include "sniff/sniff.h"

#include <stdlib.h>
#include <string.h>

#include "applog/layout.h"
#include "catalog/catalog.h"
#include "pgbouncer/pgb_log.h"
#include "pgbouncer/pgb_show.h"
#include "pglog/prefix.h"
#include "pglog/reader.h"
#include "text/timestamp.h"


/* pg_stat_activity columns of 12-17, plus now() that dump scripts add. */
static const char *const psa_columns[] = {
    "datid", "datname", "pid", "leader_pid", "usesysid", "usename", "application_name",
    "client_addr", "client_hostname", "client_port", "backend_start", "xact_start",
    "query_start", "state_change", "wait_event_type", "wait_event", "state", "backend_xid",
    "backend_xmin", "query_id", "query", "backend_type", "now", "age", "xact_age",
    "query_age", "state_age",
    /* heroku pg:ps names its columns source, username, running_for, transaction_start, waiting */
    "source", "username", "running_for", "transaction_start", "waiting"};

static const char *const backend_types[] = {
    "client backend", "autovacuum launcher", "autovacuum worker", "background writer",
    "checkpointer", "walwriter", "walsender", "walreceiver", "logical replication launcher",
    "startup", "archiver", "parallel worker", "logical replication worker"};

const char *pgm_kind_name(enum pgm_kind k)
{
    switch (k) {
    case PGM_KIND_PG_LOG: return "pg_log";
    case PGM_KIND_PG_CONF: return "pg_conf";
    case PGM_KIND_PG_SETTINGS: return "pg_settings";
    case PGM_KIND_SPRING_CONF: return "spring_conf";
    case PGM_KIND_HIKARI_CONF: return "hikari_conf";
    case PGM_KIND_APP_LOG: return "app_log";
    case PGM_KIND_PG_STAT_ACTIVITY: return "pg_stat_activity";
    case PGM_KIND_K8S_MANIFEST: return "k8s_manifest";
    case PGM_KIND_ENV_FILE: return "env_file";
    case PGM_KIND_SYSTEM_LOG: return "system_log";
    case PGM_KIND_K8S_POD: return "k8s_pod";
    case PGM_KIND_K8S_EVENTS: return "k8s_events";
    case PGM_KIND_PGBOUNCER_LOG: return "pgbouncer_log";
    case PGM_KIND_PGBOUNCER_CONF: return "pgbouncer_conf";
    case PGM_KIND_PGBOUNCER_SHOW: return "pgbouncer_show";
    case PGM_KIND_UNKNOWN: break;
    }
    return "unknown";
}

/* ------------------------------------------------------------------ helpers */

typedef struct span {
    const char *p;
    size_t n;
} span;

static bool starts(span s, const char *lit)
{
    size_t l = strlen(lit);
    return s.n >= l && memcmp(s.p, lit, l) == 0;
}

/* Where `lit` first is in `s`, or NULL. */
static const char *find(span s, const char *lit)
{
    size_t l = strlen(lit);
    for (const char *q = s.p; l && s.n >= l && (q = memchr(q, lit[0], s.n - (size_t)(q - s.p) - l + 1)); q++)
        if (memcmp(q, lit, l) == 0)
            return q;
    return NULL;
}

static bool contains(span s, const char *lit) { return find(s, lit) != NULL; }

static span trim(span s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.n--;
    }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

static bool in_list(span s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == s.n && memcmp(list[i], s.p, s.n) == 0)
            return true;
    return false;
}

static bool is_guc(span s)
{
    return pgm_catalog_is_guc(s.p, s.n);
}

/* The next `sep`-separated field of *rest, trimmed and unquoted; false at the end. */
static bool next_field(span *rest, bool *more, char sep, span *field)
{
    if (!*more)
        return false;
    const char *q = memchr(rest->p, sep, rest->n);
    span f = {rest->p, q ? (size_t)(q - rest->p) : rest->n};
    f = trim(f);
    if (f.n >= 2 && f.p[0] == '"' && f.p[f.n - 1] == '"') {
        f.p++;
        f.n -= 2;
    }
    *field = f;
    if (q) {
        rest->n -= (size_t)(q - rest->p) + 1;
        rest->p = q + 1;
    } else {
        *more = false;
    }
    return true;
}

/* Splits s at `sep` and counts fields found in `list`; returns the field count. */
static size_t count_fields(span s, char sep, const char *const *list, size_t nlist,
                           size_t *known, bool *has_pid)
{
    size_t fields = 0;
    bool more = true;
    span f;
    *known = 0;
    if (has_pid)
        *has_pid = false;
    while (next_field(&s, &more, sep, &f)) {
        fields++;
        if (list && in_list(f, list, nlist))
            (*known)++;
        if (has_pid && f.n == 3 && memcmp(f.p, "pid", 3) == 0)
            *has_pid = true;
    }
    return fields;
}

static size_t count_char(span s, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < s.n; i++)
        k += s.p[i] == c;
    return k;
}

/* A log_line_prefix may end in any character but a word's: "00000,LOG:  ",
 * "[4711]: LOG:  ", "app|LOG:  ". */
static bool severity_may_follow(char c)
{
    return !is_upper(c) && !is_digit(c) && !(c >= 'a' && c <= 'z') && c != '_' && (unsigned char)c < 0x80;
}

/* Where the severity word starts in the capitals and digits [j, i): at j,
 * or after a SQLSTATE glued to it by a prefix ending in %e with no space
 * after it ("[918] 00000LOG:  "). */
static size_t severity_start(span s, size_t j, size_t i)
{
    return i - j > 5 && pgm_prefix_sqlstate_before(s.p, j + 5) ? j + 5 : j;
}

/* "LOG:  ", "FATAL:  ", also translated severities ("FEHLER:  "): capitals
 * then colon, two spaces; an English severity with one space too ("LOG: "),
 * as shippers that squeeze blanks leave it. */
static bool has_pg_severity(span s)
{
    for (size_t i = 0; i + 3 < s.n; i++) {
        if (s.p[i] != ':' || s.p[i + 1] != ' ')
            continue;
        if (s.p[i + 2] != ' ') {
            size_t j = i;
            while (j > 0 && (is_upper(s.p[j - 1]) || is_digit(s.p[j - 1])))
                j--;
            size_t w = severity_start(s, j, i);
            if (j < i && (j == 0 || severity_may_follow(s.p[j - 1])) && pgm_prefix_english_severity(s.p + w, i - w))
                return true;
            continue;
        }
        size_t j = i;
        while (j > 0 && (is_upper(s.p[j - 1]) || is_digit(s.p[j - 1]) ||
                         (unsigned char)s.p[j - 1] >= 0x80))
            j--;
        size_t w = severity_start(s, j, i), letters = i - w;
        if (letters >= 3 && letters <= 16 && is_upper(s.p[w]) && (j == 0 || severity_may_follow(s.p[j - 1])))
            return true;
    }
    return false;
}

/* A client quoting the server's message after its own words: libpq's
 * "connection to server at ... failed: FATAL:  ...", "could not connect to
 * server: ...", PHP's "pg_connect(): Unable to connect to PostgreSQL
 * server: FATAL:  ..." and "pg_query(): Query failed: ERROR:  ...". A
 * server's own line has its log_line_prefix there, which ends in no such
 * words; where the server quotes libpq itself (a standby's "FATAL:  could
 * not connect to the primary server: connection to server at ... failed:
 * FATAL:  ..."), its own severity comes first. */
static bool quotes_server_message(span s)
{
    static const char *const quotes[] = {"failed: FATAL:", "failed: ERROR:", "failed: PANIC:", "server: FATAL:",
                                         "server: ERROR:", "server: PANIC:"};
    for (size_t i = 0; i < sizeof quotes / sizeof quotes[0]; i++) {
        const char *q = find(s, quotes[i]);
        if (q && !has_pg_severity((span){s.p, (size_t)(q - s.p)}))
            return true;
    }
    return false;
}

/* The severity and its message at the line's start, as the rest of a quote
 * the line before began: "FATAL:  sorry, too many clients already" under
 * PHP's "pg_connect(): ... server: FATAL:  sorry, ..." (libpq's message
 * holds a newline). */
static bool bare_severity_line(span s)
{
    size_t i = 0;
    while (i < s.n && is_upper(s.p[i]))
        i++;
    return i >= 3 && i + 1 < s.n && s.p[i] == ':' && s.p[i + 1] == ' ' &&
           pgm_prefix_english_severity(s.p, i);
}

static bool is_level(span s)
{
    static const char *const levels[] = {"TRACE", "DEBUG", "INFO", "WARN", "WARNING",
                                         "ERROR", "FATAL", "SEVERE", "FINE"};
    return in_list(s, levels, sizeof levels / sizeof levels[0]);
}

/* Spring Boot: "<ts> <LEVEL> <pid> --- [...". */
static bool is_spring_line(span s)
{
    pgm_ts_parse ts;
    if (!pgm_ts_parse_at(s.p, s.n, &ts))
        return false;
    span rest = {s.p + ts.len, s.n - ts.len};
    rest = trim(rest);
    const char *sp = memchr(rest.p, ' ', rest.n);
    if (!sp)
        return false;
    span level = {rest.p, (size_t)(sp - rest.p)};
    if (!is_level(level))
        return false;
    span after = {sp, rest.n - level.n};
    after = trim(after);
    size_t i = 0;
    while (i < after.n && is_digit(after.p[i]))
        i++;
    span tail = {after.p + i, after.n - i};
    return i > 0 && starts(trim(tail), "--- ");
}

/* The first line of an entry in a layout the application-log reader knows
 * (applog/layout.h: logback, log4j, Quarkus, Tomcat, java.util.logging...),
 * colours taken off. *level_next: java.util.logging's level and message
 * come on the next line. */
static bool is_plain_app_line(span s, bool *level_next)
{
    char plain[256];
    if (memchr(s.p, '\x1b', s.n)) {
        size_t n = s.n < sizeof plain ? s.n : sizeof plain;
        memcpy(plain, s.p, n);
        s = (span){plain, pgm_app_strip_ansi(plain, n)};
    }
    pgm_app_head h;
    if (!pgm_app_parse_head(s.p, s.n, &h))
        return false;
    *level_next = h.level_line_next;
    return true;
}

static bool is_java_continuation(span s)
{
    return pgm_app_trace_line(s.p, s.n);
}

static bool all_digits(pgm_slice w)
{
    for (size_t k = 0; k < w.n; k++)
        if (!is_digit(w.p[k]))
            return false;
    return w.n > 0;
}

/* RFC 5424 (pglog/reader.h's header): the server's when APP is postgres or
 * postmaster and PROCID its pid, or when PROCID is a pid and MSG starts
 * with the server's [SEQ-CHUNK]; Heroku's drain writes APP "app" and PROCID
 * "postgres.PID". At s the text after the "<PRI>". */
static bool is_rfc5424_pg_line(span s)
{
    pgm_syslog_rfc5424 h;
    if (!pgm_syslog_parse_rfc5424(s.p, s.n, &h))
        return false;
    pgm_slice app = h.app, procid = h.procid;
    bool seq_chunk = h.msg + 1 < s.n && s.p[h.msg] == '[' && is_digit(s.p[h.msg + 1]);
    if (procid.n > 9 && memcmp(procid.p, "postgres.", 9) == 0 && all_digits((pgm_slice){procid.p + 9, procid.n - 9}))
        return true;
    if (!all_digits(procid))
        return false;
    return seq_chunk || (app.n >= 8 && (memcmp(app.p, "postgres", 8) == 0 || memcmp(app.p, "postmast", 8) == 0));
}

/* syslog: "<134>Nov 27 00:19:29 [host ]postgres[123]: [7-1] ..." or ISO time,
 * after its octet count where it has one ("451 <134>1 ..."). */
static bool is_syslog_pg_line(span s)
{
    size_t frame, i = pgm_syslog_octet_count(s.p, s.n, &frame);
    if (i < s.n && s.p[i] == '<') {
        size_t pri = i;
        while (i < s.n && i - pri < 5 && s.p[i] != '>')
            i++;
        if (i >= s.n || s.p[i] != '>')
            return false;
        i++;
        if (is_rfc5424_pg_line((span){s.p + i, s.n - i}))
            return true;
    }
    span r = {s.p + i, s.n - i};
    pgm_ts_parse ts;
    size_t tlen = 0;
    static const char *const months[] = {"Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ",
                                         "Jul ", "Aug ", "Sep ", "Oct ", "Nov ", "Dec "};
    for (size_t m = 0; m < 12 && !tlen; m++)
        if (starts(r, months[m]) && r.n > 15 && r.p[9] == ':' && r.p[12] == ':')
            tlen = 15;
    if (!tlen && pgm_ts_parse_at(r.p, r.n, &ts))
        tlen = ts.len;
    if (!tlen)
        return false;
    /* then "[host ]ident[pid]: [" within a few words */
    span rest = {r.p + tlen, r.n - tlen};
    size_t w = rest.n < 96 ? rest.n : 96;
    /* Heroku's logplex: "app[postgres.PID]" */
    for (size_t k = 0; k + 14 < w; k++)
        if (memcmp(rest.p + k, "app[postgres.", 13) == 0 && is_digit(rest.p[k + 13]))
            return true;
    for (size_t k = 0; k + 4 < w; k++) {
        if (rest.p[k] != ']' || rest.p[k + 1] != ':' || rest.p[k + 2] != ' ' || rest.p[k + 3] != '[' ||
            !is_digit(rest.p[k + 4]))
            continue;
        /* "ident[pid]": the pid's bracket follows the program name directly;
         * a prefix like '%t [%p]: [%l-1]' has a space there instead. */
        size_t open = k;
        while (open > 0 && rest.p[open] != '[')
            open--;
        return rest.p[open] == '[' && open > 0 && rest.p[open - 1] != ' ';
    }
    return false;
}

/* RDS: "%t:%r:%u@%d:[%p]:" — "... UTC:host(port):user@db:[pid]:LOG:  " */
static bool is_rds_line(span s)
{
    pgm_ts_parse ts;
    if (!pgm_ts_parse_at(s.p, s.n, &ts) || ts.len >= s.n || s.p[ts.len] != ':')
        return false;
    span rest = {s.p + ts.len, s.n - ts.len};
    return contains(rest, ":[") && contains(rest, "]:") && has_pg_severity(rest);
}

/* Azure Flexible Server: "%t-%c-" — "2026-11-27 00:15:39 UTC-6b08cbab.3058-FATAL:  " */
static bool is_azure_line(span s)
{
    pgm_ts_parse ts;
    if (!pgm_ts_parse_at(s.p, s.n, &ts) || ts.len + 4 >= s.n || s.p[ts.len] != '-')
        return false;
    size_t i = ts.len + 1, hex = 0, dots = 0;
    while (i < s.n && (is_digit(s.p[i]) || (s.p[i] >= 'a' && s.p[i] <= 'f') || s.p[i] == '.')) {
        dots += s.p[i] == '.';
        hex++;
        i++;
    }
    return dots == 1 && hex >= 3 && i < s.n && s.p[i] == '-';
}

/* csvlog: "<ts with zone>,<user>,<db>,<pid>,..." with a severity and SQLSTATE column. */
static bool is_csvlog_line(span s)
{
    pgm_ts_parse ts;
    /* the server writes log_time bare; exports through other tools quote it */
    size_t q = s.n && s.p[0] == '"' ? 1 : 0;
    if (!pgm_ts_parse_at(s.p + q, s.n - q, &ts) || q + ts.len + q >= s.n || (q && s.p[q + ts.len] != '"') ||
        s.p[q + ts.len + q] != ',')
        return false;
    static const char *const sev[] = {",LOG,", ",ERROR,", ",FATAL,", ",WARNING,", ",PANIC,",
                                      ",NOTICE,", ",INFO,", ",DEBUG1,", ",DEBUG2,", ",DEBUG3,",
                                      ",DEBUG4,", ",DEBUG5,", ",STATEMENT,"};
    for (size_t i = 0; i < sizeof sev / sizeof sev[0]; i++)
        if (contains(s, sev[i]))
            return true;
    return count_char(s, ',') >= 12;
}

static bool is_rule_row(span s)
{
    s = trim(s);
    if (s.n >= 2 && s.p[0] == '|' && s.p[s.n - 1] == '|') /* pgcli's "|----+----|" */
        s = (span){s.p + 1, s.n - 2};
    if (s.n < 3 || s.p[0] != '-')
        return false;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] != '-' && s.p[i] != '+')
            return false;
    return true;
}

static bool is_record_banner(span s)
{
    return starts(s, "-[ RECORD ");
}

/* "key = value", "key value", "#key = value" for postgresql.conf */
static bool conf_key(span s, span *key, bool *commented)
{
    s = trim(s);
    *commented = false;
    if (s.n && s.p[0] == '#') {
        *commented = true;
        s.p++;
        s.n--;
        s = trim(s);
    }
    size_t i = 0;
    while (i < s.n && (is_lower(s.p[i]) || is_digit(s.p[i]) || s.p[i] == '_' || s.p[i] == '.'))
        i++;
    if (i == 0 || (i < s.n && s.p[i] != ' ' && s.p[i] != '=' && s.p[i] != '\t'))
        return false;
    span after = {s.p + i, s.n - i};
    after = trim(after);
    if (!after.n)
        return false;
    key->p = s.p;
    key->n = i;
    return true;
}

/* "key=value" / "key = value" / "key: value" of .properties; returns the key. */
static bool property_key(span s, span *key)
{
    s = trim(s);
    if (!s.n || s.p[0] == '#' || s.p[0] == '!')
        return false;
    size_t i = 0;
    while (i < s.n && s.p[i] != '=' && s.p[i] != ':' && s.p[i] != ' ' && s.p[i] != '\t')
        i++;
    if (i == 0 || i == s.n)
        return false;
    span rest = {s.p + i, s.n - i};
    rest = trim(rest);
    if (!rest.n || (rest.p[0] != '=' && rest.p[0] != ':'))
        return false;
    key->p = s.p;
    key->n = i;
    return true;
}

static bool yaml_key_line(span s, span *key, size_t *indent)
{
    size_t i = 0;
    while (i < s.n && s.p[i] == ' ')
        i++;
    *indent = i;
    if (i < s.n && s.p[i] == '-' && i + 1 < s.n && s.p[i + 1] == ' ')
        i += 2;
    size_t k = i;
    while (k < s.n && s.p[k] != ':' && s.p[k] != ' ' && s.p[k] != '#' && s.p[k] != '=')
        k++;
    if (k == i || k >= s.n || s.p[k] != ':' || (k + 1 < s.n && s.p[k + 1] != ' '))
        return false;
    key->p = s.p + i;
    key->n = k - i;
    return true;
}

static bool is_env_line(span s)
{
    s = trim(s);
    if (starts(s, "export "))
        s.p += 7, s.n -= 7;
    size_t i = 0;
    while (i < s.n && (is_upper(s.p[i]) || is_digit(s.p[i]) || s.p[i] == '_'))
        i++;
    return i > 0 && !is_digit(s.p[0]) && i < s.n && s.p[i] == '=';
}

static bool hikari_key(span k)
{
    static const char *const keys[] = {
        "jdbcUrl", "dataSourceClassName", "driverClassName", "maximumPoolSize", "minimumIdle",
        "poolName", "connectionTimeout", "idleTimeout", "maxLifetime", "keepaliveTime",
        "leakDetectionThreshold", "validationTimeout", "autoCommit", "connectionTestQuery",
        "username", "password", "initializationFailTimeout", "registerMbeans"};
    if (starts(k, "dataSource."))
        return true;
    return in_list(k, keys, sizeof keys / sizeof keys[0]);
}

static bool spring_key(span k)
{
    return starts(k, "spring.") || starts(k, "server.") || starts(k, "management.") ||
           starts(k, "logging.") || starts(k, "app.") || starts(k, "hibernate.");
}

/* systemd's own messages about units, as the journal keeps them (no time:
 * the journal's): "orders.service: Main process exited, ...", "Started
 * orders.service - Orders.", "Stopping ...". */
static bool is_systemd_line(span s)
{
    static const char *const jobs[] = {"Started ", "Starting ", "Stopped ", "Stopping ", "Failed to start ",
                                       "Reloading ", "Reloaded ", "Finished ", "Listening on ", "Reached target "};
    for (size_t k = 0; k < sizeof jobs / sizeof jobs[0]; k++)
        if (starts(s, jobs[k]))
            return true;
    static const char *const units[] = {".service: ", ".scope: ", ".socket: ", ".timer: ", ".mount: ", ".slice: "};
    size_t w = s.n < 160 ? s.n : 160;
    for (size_t i = 0; i < w; i++) {
        if (s.p[i] == ' ')
            return false; /* the unit's name comes first, without spaces */
        for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
            if (s.p[i] == '.' && starts((span){s.p + i, s.n - i}, units[k]))
                return true;
    }
    return false;
}

/* The kernel's lines, as the journal keeps them (dmesg's "[ 12.345678] " too). */
static bool is_kernel_line(span s)
{
    return contains(s, "Out of memory: Killed process ") || contains(s, "invoked oom-killer:") ||
           contains(s, "oom-kill:constraint=") || contains(s, "oom_reaper: reaped process ") ||
           (s.n > 3 && s.p[0] == '[' && (s.p[1] == ' ' || is_digit(s.p[1])) && contains(s, "] "));
}

/* The file's base name starts with `p`. */
static bool starts_name(const char *name, const char *p)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    return strncmp(base, p, strlen(p)) == 0;
}

static bool name_ends(const char *name, const char *suffix)
{
    size_t n = strlen(name), l = strlen(suffix);
    return n >= l && strcmp(name + n - l, suffix) == 0;
}

/* ------------------------------------------------------------------- sniff */

typedef struct tally {
    size_t lines, nonblank;
    size_t pg_severity, syslog, rds, azure, csvlog, spring, plain_app, java_cont, ts_lines;
    size_t tab_lines;            /* a message's TAB continuation lines (autovacuum's details) */
    size_t conf_guc, conf_guc_commented, conf_other, include_directive;
    size_t props, props_spring, props_hikari;
    size_t yaml, yaml_apiversion, yaml_kind, yaml_spring_top, yaml_docsep, yaml_services, yaml_compose, yaml_helm_pg;
    size_t env;
    size_t systemd, kernel;      /* systemd's unit messages, the kernel's (a journal's sources) */
    size_t pgbouncer;            /* PgBouncer's log lines, or its messages without a head (an envelope's) */
    size_t pgbouncer_syslog;     /* ... of them in syslog records */
    size_t pgbouncer_bare;       /* ... of them without a head */
    size_t pgbouncer_sections;   /* pgbouncer.ini's [databases], [pgbouncer] */
    size_t userlist;             /* PgBouncer's auth_file lines: "user" "password or hash" */
    size_t describe_keys;        /* kubectl describe pod's "Namespace:", "Containers:", "Restart Count:" */
    size_t hash_comments;        /* lines starting with # or ! (a properties file's comments) */
    size_t hikari_texts;         /* lines holding one of HikariCP's own messages, whatever the layout */
    bool level_next;             /* the line before was java.util.logging's first of an entry */
    bool quote_next;             /* the line before quoted the server's message (quotes_server_message) */
    size_t pipes_rows_backend;   /* tuples-only unaligned rows of pg_stat_activity */
    size_t tabs_rows_backend;    /* COPY text rows */
    span first;                  /* first non-blank line */
} tally;

static void tally_line(tally *t, span s)
{
    t->lines++;
    span tr = trim(s);
    if (!tr.n)
        return;
    if (!t->nonblank++)
        t->first = tr;
    if (tr.p[0] == '#' || tr.p[0] == '!')
        t->hash_comments++;
    static const char *const hikari_texts[] = {"Connection leak detection triggered",
                                               "Connection is not available, request timed out",
                                               "Thread starvation or clock leap detected",
                                               "Apparent connection leak detected",
                                               " - Start completed.", " - Shutdown completed."};
    for (size_t h = 0; h < sizeof hikari_texts / sizeof hikari_texts[0]; h++)
        if (contains(s, hikari_texts[h])) {
            t->hikari_texts++;
            break;
        }
    if (s.p[0] == '\t')
        t->tab_lines++;
    bool quoted = quotes_server_message(s);
    /* "psql: error: ... failed: FATAL:  ..." is a client quoting the server. */
    bool client_quote = starts(s, "psql:") || starts(s, "pg_dump:") || starts(s, "pgbench:") ||
                        starts(s, "pg_dumpall:") || starts(s, "pg_restore:") ||
                        /* "PSQLException: FATAL: sorry, too many clients already" quotes the server */
                        pgm_app_exception_line(s.p, s.n) || starts(s, "Caused by: ") ||
                        quoted || (t->quote_next && bare_severity_line(s));
    t->quote_next = quoted;
    /* java.util.logging's "WARNING: message" under its entry's first line */
    pgm_slice jul_level, jul_message;
    bool level_line = t->level_next && pgm_app_level_line(s.p, s.n, &jul_level, &jul_message);
    t->level_next = false;
    client_quote |= level_line;
    if (!client_quote && has_pg_severity(s))
        t->pg_severity++;
    if (is_syslog_pg_line(s))
        t->syslog++;
    if (is_rds_line(s))
        t->rds++;
    if (is_azure_line(s))
        t->azure++;
    if (is_csvlog_line(s))
        t->csvlog++;
    bool level_next = false;
    if (is_spring_line(s))
        t->spring++;
    else if (level_line)
        t->java_cont++;
    else if (is_plain_app_line(s, &level_next))
        t->plain_app++;
    t->level_next = level_next;
    if (is_java_continuation(s))
        t->java_cont++;
    if (starts(s, "Namespace:") || starts(s, "Containers:") || starts(tr, "Restart Count:") ||
        starts(tr, "Container ID:"))
        t->describe_keys++;
    /* [users] alone is no sign: Grafana's grafana.ini has one */
    if (starts(tr, "[databases]") || starts(tr, "[pgbouncer]"))
        t->pgbouncer_sections++;
    /* "name" "secret": two quoted words ("" inside one stands for a quote) */
    if (tr.n >= 5 && tr.p[0] == '"' && tr.p[tr.n - 1] == '"' && contains(tr, "\" \""))
        t->userlist++;
    pgm_pgb_head pgb;
    if (pgm_pgb_parse_head(s.p, s.n, 0, &pgb)) {
        t->pgbouncer++;
        t->pgbouncer_syslog += pgb.yearless;
    } else if (pgm_pgb_is_message(s.p, s.n)) {
        t->pgbouncer++;
        t->pgbouncer_bare++;
    }
    if (is_systemd_line(s))
        t->systemd++;
    else if (is_kernel_line(s))
        t->kernel++;
    pgm_ts_parse ts;
    if (pgm_ts_find(s.p, s.n, 64, &ts))
        t->ts_lines++;
    span key;
    bool commented;
    if (conf_key(s, &key, &commented)) {
        /* include, include_dir, include_if_exists: postgresql.conf's own
         * words (a file of nothing but includes is a configuration too) */
        bool include = starts(key, "include") &&
                       (key.n == 7 || (key.n == 11 && starts(key, "include_dir")) ||
                        (key.n == 17 && starts(key, "include_if_exists")));
        if (include && !commented)
            t->include_directive++;
        else if (is_guc(key))
            commented ? t->conf_guc_commented++ : t->conf_guc++;
        else if (!commented && !include)
            t->conf_other++;
    }
    if (property_key(s, &key)) {
        t->props++;
        if (spring_key(key))
            t->props_spring++;
        if (hikari_key(key))
            t->props_hikari++;
    }
    size_t indent;
    if (yaml_key_line(s, &key, &indent)) {
        t->yaml++;
        if (indent == 0 && key.n == 10 && memcmp(key.p, "apiVersion", 10) == 0)
            t->yaml_apiversion++;
        if (indent == 0 && key.n == 4 && memcmp(key.p, "kind", 4) == 0)
            t->yaml_kind++;
        if (indent == 0 && key.n == 8 && memcmp(key.p, "services", 8) == 0)
            t->yaml_services++;
        /* what a Compose service has: an image or a build, environment, ports */
        static const char *const compose_keys[] = {"image", "build", "environment", "env_file", "depends_on",
                                                   "extends", "healthcheck", "ports"};
        for (size_t c = 0; indent > 0 && c < sizeof compose_keys / sizeof compose_keys[0]; c++)
            if (key.n == strlen(compose_keys[c]) && memcmp(key.p, compose_keys[c], key.n) == 0)
                t->yaml_compose++;
        if (indent == 0 && key.n == 6 && memcmp(key.p, "spring", 6) == 0)
            t->yaml_spring_top++;
        /* a Helm chart's values: the PostgreSQL chart's own, or it as a subchart */
        if (indent == 0 && ((key.n == 10 && memcmp(key.p, "postgresql", 10) == 0) ||
                            (key.n == 7 && memcmp(key.p, "primary", 7) == 0)))
            t->yaml_helm_pg++;
        if (indent == 0 && spring_key(key))
            t->yaml_spring_top++;
    }
    if (starts(tr, "---"))
        t->yaml_docsep++;
    if (is_env_line(s))
        t->env++;
    size_t known;
    bool has_pid;
    for (size_t b = 0; b < sizeof backend_types / sizeof backend_types[0]; b++) {
        size_t bl = strlen(backend_types[b]);
        if (tr.n > bl && memcmp(tr.p + tr.n - bl, backend_types[b], bl) == 0) {
            char sep = tr.p[tr.n - bl - 1];
            if (sep == '|' && count_fields(tr, '|', NULL, 0, &known, &has_pid) >= 18)
                t->pipes_rows_backend++;
            if (sep == '\t' && count_fields(tr, '\t', NULL, 0, &known, &has_pid) >= 18)
                t->tabs_rows_backend++;
            break;
        }
    }
}

/* A header row of a tabular dump: which separator, and does it name
 * pg_stat_activity or pg_settings columns? */
/* Header rows name columns: every field a bare lower-case identifier. */
static bool identifier_fields(span s, char sep)
{
    size_t fields = 0;
    bool more = true;
    span f;
    while (next_field(&s, &more, sep, &f)) {
        if (!f.n)
            return false;
        for (size_t i = 0; i < f.n; i++)
            if (!is_lower(f.p[i]) && !is_digit(f.p[i]) && f.p[i] != '_')
                return false;
        fields++;
    }
    return fields >= 2;
}

static pgm_sniff sniff_table_header(span s, span next)
{
    pgm_sniff r = {PGM_KIND_UNKNOWN, NULL, false};
    s = trim(s);
    if (s.n >= 2 && s.p[0] == '|' && s.p[s.n - 1] == '|') /* pgcli's "| pid | usename |" */
        s = trim((span){s.p + 1, s.n - 2});
    static const char seps[] = {'|', ',', '\t'};
    static const char *const settings_cols[] = {"name", "setting", "unit", "source", "sourcefile",
                                                "sourceline", "context", "vartype", "boot_val",
                                                "reset_val", "pending_restart", "applied",
                                                "error", "seqno", "description", "min_val",
                                                "max_val", "category", "short_desc"};
    for (size_t i = 0; i < sizeof seps; i++) {
        if (!memchr(s.p, seps[i], s.n) || !identifier_fields(s, seps[i]))
            continue;
        size_t known, fields;
        bool has_pid;
        fields = count_fields(s, seps[i], psa_columns, sizeof psa_columns / sizeof psa_columns[0],
                              &known, &has_pid);
        const char *format = seps[i] == ',' ? "csv" : seps[i] == '\t' ? "tsv"
                             : is_rule_row(next)  ? "aligned"
                                                  : "unaligned";
        /* Rows, or counts grouped by state/application ("count | state | ..."). */
        static const char *const count_col[] = {"count"};
        size_t counts;
        count_fields(s, seps[i], count_col, 1, &counts, NULL);
        bool grouped = known >= 2 && counts == 1;
        /* sessions without their pids ("usename | application_name | state"):
         * each row one session, as a grouped dump's row of count 1 */
        static const char *const state_col[] = {"state"};
        size_t states;
        count_fields(s, seps[i], state_col, 1, &states, NULL);
        grouped = grouped || (states == 1 && known >= 3 && known * 4 >= fields * 3);
        /* a join's own columns may outnumber pg_stat_activity's: eight of
         * these with a pid are a dump however wide */
        if ((has_pid && known >= 3 && (known * 2 >= fields || known >= 8)) || grouped) {
            r.kind = PGM_KIND_PG_STAT_ACTIVITY;
            r.format = format;
            return r;
        }
        fields = count_fields(s, seps[i], settings_cols,
                              sizeof settings_cols / sizeof settings_cols[0], &known, NULL);
        bool names_setting = contains(s, "setting");
        if (known >= 2 && names_setting && known * 2 >= fields) {
            r.kind = PGM_KIND_PG_SETTINGS;
            r.format = format;
            return r;
        }
    }
    return r;
}

/* "pid              | 4711": a field of an expanded record, by its name. */
static bool expanded_field(span s)
{
    const char *bar = memchr(s.p, '|', s.n);
    return bar && in_list(trim((span){s.p, (size_t)(bar - s.p)}), psa_columns,
                          sizeof psa_columns / sizeof psa_columns[0]);
}

/* Expanded (\x) output: "-[ RECORD 1 ]---" then "name | value" lines (from
 * line `from`); psql -x -t writes no banners, and a rule between records. */
static pgm_sniff sniff_expanded(const span *lines, size_t n, size_t from)
{
    pgm_sniff r = {PGM_KIND_UNKNOWN, NULL, false};
    size_t psa = 0, settings = 0;
    for (size_t i = from; i < n && i < from + 40 && !is_record_banner(lines[i]); i++) {
        const char *bar = memchr(lines[i].p, '|', lines[i].n);
        if (!bar)
            continue;
        span name = {lines[i].p, (size_t)(bar - lines[i].p)};
        name = trim(name);
        if (in_list(name, psa_columns, sizeof psa_columns / sizeof psa_columns[0]))
            psa++;
        if ((name.n == 7 && memcmp(name.p, "setting", 7) == 0) ||
            (name.n == 10 && memcmp(name.p, "sourcefile", 10) == 0))
            settings++;
    }
    if (psa >= 3) {
        r.kind = PGM_KIND_PG_STAT_ACTIVITY;
        r.format = "expanded";
    } else if (settings) {
        r.kind = PGM_KIND_PG_SETTINGS;
        r.format = "expanded";
    }
    return r;
}

/* Occurrences of lit in s, counted up to `enough`. */
static unsigned count_upto(span s, const char *lit, unsigned enough)
{
    unsigned n = 0;
    for (const char *at; n < enough && (at = find(s, lit)) != NULL; n++) {
        size_t skip = (size_t)(at - s.p) + 1;
        s.p += skip;
        s.n -= skip;
    }
    return n;
}

/* A JSON head of records dated under a key that dates a record, several of
 * them, with a time in it: an export of log entries, of whatever shape (a
 * dashboard's one "time" is not). */
static bool json_dated(span all)
{
    static const char *const keys[] = {"\"timestamp\"", "\"@timestamp\"", "\"time\"", "Timestamp\"", "\"date\""};
    pgm_ts_parse ts;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (count_upto(all, keys[k], 2) == 2)
            return pgm_ts_find(all.p, all.n, all.n, &ts);
    return false;
}

bool pgm_sniff_log_like(const pgm_sniff *sn)
{
    return sn->kind == PGM_KIND_UNKNOWN &&
           (sn->has_timestamps || (sn->format && strcmp(sn->format, PGM_FORMAT_JOURNAL_FILE) == 0));
}

const char *pgm_sniff_log_like_said(const pgm_sniff *sn)
{
    if (sn->format && strcmp(sn->format, PGM_FORMAT_JOURNAL_FILE) == 0)
        return PGM_LOG_LIKE_JOURNAL_FILE;
    if (sn->format && strcmp(sn->format, "loki-api") == 0)
        return PGM_LOG_LIKE_LOKI_API;
    return sn->format && strcmp(sn->format, "json") == 0 ? PGM_LOG_LIKE_UNKNOWN_JSON : PGM_LOG_LIKE_UNKNOWN;
}

static pgm_sniff sniff_json(span first, const unsigned char *head, size_t n)
{
    span all = {(const char *)head, n};
    pgm_sniff r = {PGM_KIND_UNKNOWN, NULL, false};
    if (first.p[0] == '[') {
        if (contains(all, "\"pid\"") && (contains(all, "\"backend_start\"") ||
                                         contains(all, "\"usename\"") || contains(all, "\"state\""))) {
            r.kind = PGM_KIND_PG_STAT_ACTIVITY;
            r.format = "json";
        } else if (contains(all, "\"name\"") && contains(all, "\"setting\"")) {
            r.kind = PGM_KIND_PG_SETTINGS;
            r.format = "json";
        } else {
            /* an array of records that are none of these: dated, it is said */
            r.format = "json";
            r.has_timestamps = json_dated(all);
        }
        return r;
    }
    /* Grafana Loki's HTTP API answer to a log query (/loki/api/v1/query_range,
     * what curl saves): {"status": "success", "data": {"resultType": "streams",
     * "result": [{"stream": {LABELS}, "values": [["<ns>", "<line>"], ...]}]}},
     * one line as Loki writes it or indented by jq; its lines are a log's */
    if (contains(all, "\"resultType\"") && contains(all, "\"streams\"") && contains(all, "\"values\"")) {
        r.format = "loki-api";
        r.has_timestamps = true;
        return r;
    }
    /* A pretty-printed document opens with a lone "{": look at all of it. */
    if (first.n <= 2)
        first = all;
    /* a document whose first line opens a list ({"items": [): its head */
    span opened = first.n && (first.p[first.n - 1] == '[' || first.p[first.n - 1] == '{') ? all : first;
    r.has_timestamps = true;
    r.kind = PGM_KIND_PG_LOG;
    if (contains(first, "\"error_severity\"") && contains(first, "\"timestamp\"")) {
        r.format = "jsonlog";
    } else if (contains(first, "cloudsql.googleapis.com") ||
               (contains(first, "\"textPayload\"") && contains(first, "cloudsql"))) {
        r.format = "cloudsql";
    } else if (contains(first, "\"logger\":\"postgres\"") && contains(first, "\"record\"")) {
        r.format = "cnpg";
    } else if (contains(first, "PostgreSQLLogs") || contains(first, "\"errorLevel")) {
        r.format = "azure";
    } else if (contains(opened, "\"reason\"") &&
               (contains(opened, "\"involvedObject\"") || contains(opened, "\"regarding\""))) {
        /* kubectl get events -o json: a List of Events, or Events one by one */
        r.kind = PGM_KIND_K8S_EVENTS;
        r.format = "json";
    } else if (contains(first, "\"apiVersion\"") && contains(first, "\"kind\"")) {
        r.kind = PGM_KIND_K8S_MANIFEST;
        r.format = "json";
        r.has_timestamps = false;
    } else if (contains(first, "\"@timestamp\"") || contains(first, "\"logger_name\"") ||
               contains(first, "\"log.level\"") || contains(first, "\"level\"")) {
        r.kind = PGM_KIND_APP_LOG;
        r.format = (contains(first, "\"ecs.version\"") || contains(first, "\"log.level\"")) ? "ecs"
                                                                                           : "json";
    } else if (contains(first, "\"textPayload\"") && (contains(first, "LOG:  ") ||
                                                      contains(first, "FATAL:  "))) {
        r.format = "cloudsql";
    } else {
        r.kind = PGM_KIND_UNKNOWN;
        r.format = "json";
        r.has_timestamps = json_dated(all);
    }
    return r;
}

static pgm_sniff sniff_content(const char *name, const unsigned char *head, size_t n, bool complete);

/* A README or a how-to quotes configuration (a table of chart values, a
 * postgresql.conf excerpt), and so does source code: neither is
 * configuration itself. */
pgm_sniff pgm_sniff_file(const char *name, const unsigned char *head, size_t n, bool complete)
{
    pgm_sniff r = sniff_content(name, head, n, complete);
    static const char *const docs[] = {".md",   ".markdown", ".rst", ".adoc", ".asciidoc", ".html", ".htm",
                                       /* source code quotes configuration too */
                                       ".java", ".kt",       ".groovy", ".scala", ".js",   ".ts",   ".py",
                                       ".go",   ".rb",       ".cs",     ".c",     ".h",    ".xml",  ".gradle"};
    bool doc = false;
    for (size_t i = 0; name && i < sizeof docs / sizeof docs[0]; i++)
        doc = doc || name_ends(name, docs[i]);
    if (doc && (r.kind == PGM_KIND_PG_CONF || r.kind == PGM_KIND_PG_SETTINGS || r.kind == PGM_KIND_SPRING_CONF ||
                r.kind == PGM_KIND_HIKARI_CONF || r.kind == PGM_KIND_ENV_FILE || r.kind == PGM_KIND_K8S_MANIFEST)) {
        r.kind = PGM_KIND_UNKNOWN;
        r.format = "text";
    }
    return r;
}

static pgm_sniff sniff_content(const char *name, const unsigned char *head, size_t n, bool complete)
{
    pgm_sniff r = {PGM_KIND_UNKNOWN, "text", false};
    if (!name)
        name = "";
    if (n == 0) {
        r.format = "empty";
        return r;
    }
    /* journald's own files (system.journal, user-1000@...journal~): a log
     * in a binary format, said as that rather than as any binary file */
    if (n >= 8 && memcmp(head, "LPKSHHRH", 8) == 0) {
        r.format = PGM_FORMAT_JOURNAL_FILE;
        return r;
    }
    /* A run of NUL bytes is a zero-filled block (a crash, a disk that lost
     * pages), not the file's content: the rest decides what the file is. */
    size_t control = 0, zeroed = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = head[i];
        if (c == 0) {
            size_t j = i;
            while (j < n && head[j] == 0)
                j++;
            if (j - i >= PGM_SNIFF_NUL_RUN) {
                zeroed += j - i;
                i = j - 1;
                continue;
            }
        }
        if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b) || c == 0x7f)
            control++;
    }
    if (zeroed == n || control * 10 > n - zeroed) {
        r.format = "binary";
        return r;
    }

    span lines[PGM_SNIFF_MAX_LINES];
    size_t nl = 0;
    const char *p = (const char *)head, *end = p + n;
    while (p < end && nl < PGM_SNIFF_MAX_LINES) {
        const char *q = memchr(p, '\n', (size_t)(end - p));
        if (!q && !complete && nl > 0)
            break; /* a partial last line would mislead */
        const char *e = q ? q : end;
        size_t len = (size_t)(e - p);
        if (len && p[len - 1] == '\r')
            len--;
        lines[nl].p = p;
        lines[nl].n = len;
        nl++;
        p = q ? q + 1 : end;
    }

    tally t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < nl; i++)
        tally_line(&t, lines[i]);
    if (!t.nonblank) {
        r.format = "empty";
        return r;
    }

    /* Scripts mention settings and log lines; they are neither. */
    if (starts(t.first, "#!")) {
        r.format = "script";
        return r;
    }

    /* JSON documents and JSON lines */
    if (t.first.p[0] == '{' || t.first.p[0] == '[') {
        pgm_sniff j = sniff_json(t.first, head, n);
        /* a JSON document of times is no text log, on one line too (a log
         * line inside one made it a "log" of one line, under a prefix of
         * the document's own keys) */
        if (j.kind != PGM_KIND_UNKNOWN || t.first.n <= 2 || j.has_timestamps)
            return j.format ? j : (pgm_sniff){PGM_KIND_UNKNOWN, "json", false};
    }

    /* PgBouncer's admin console: a SHOW result's header */
    for (size_t i = 0; i < nl && i < 40; i++) {
        char sep;
        if (pgm_pgb_show_header(lines[i].p, lines[i].n, &sep) == PGM_PGB_SHOW_NONE)
            continue;
        bool rule = i + 1 < nl && lines[i + 1].n && (lines[i + 1].p[0] == '-' || lines[i + 1].p[0] == '+');
        return (pgm_sniff){PGM_KIND_PGBOUNCER_SHOW, sep == ',' ? "csv" : rule ? "aligned" : "unaligned", false};
    }
    /* Tabular dumps: a header within the first lines, or a record banner. */
    for (size_t i = 0; i < nl && i < 40; i++) {
        bool banner = is_record_banner(lines[i]);
        if (banner || (i == 0 && expanded_field(lines[i]))) {
            pgm_sniff x = sniff_expanded(lines, nl, banner ? i + 1 : i);
            if (x.kind != PGM_KIND_UNKNOWN)
                return x;
            if (banner)
                break;
        }
        span next = i + 1 < nl ? lines[i + 1] : (span){"", 0};
        /* a table a terminal cut at its width: the header's first piece,
         * more of the same width, then the rule's first piece, as wide */
        span header = lines[i];
        for (size_t j = i + 2; j < nl && j <= i + 16 && lines[j].n <= lines[i].n && lines[i].n >= 20 &&
                               !is_rule_row(next); j++) {
            if (!is_rule_row(lines[j]))
                continue;
            if (lines[j].n == lines[i].n) {
                next = lines[j];
                /* the piece may end inside a name: up to its last '|' */
                const char *bar = header.p + header.n;
                while (bar > header.p && bar[-1] != '|')
                    bar--;
                if (bar > header.p)
                    header.n = (size_t)(bar - header.p - 1);
            }
            break;
        }
        pgm_sniff h = sniff_table_header(header, next);
        if (h.kind != PGM_KIND_UNKNOWN)
            return h;
    }
    if (t.tabs_rows_backend * 2 >= t.nonblank && t.tabs_rows_backend) {
        r.kind = PGM_KIND_PG_STAT_ACTIVITY;
        r.format = "copy_text";
        return r;
    }
    if (t.pipes_rows_backend * 3 >= t.nonblank && t.pipes_rows_backend) {
        r.kind = PGM_KIND_PG_STAT_ACTIVITY;
        r.format = "unaligned";
        return r;
    }

    /* kubectl get events: its table's header (-A puts NAMESPACE first) */
    span h = t.first;
    if (starts(h, "NAMESPACE"))
        h = (span){h.p + 9, h.n - 9};
    while (h.n && (h.p[0] == ' ' || h.p[0] == '\t'))
        h = (span){h.p + 1, h.n - 1};
    if (starts(h, "LAST SEEN") && contains(h, "REASON") && contains(h, "OBJECT")) {
        r.kind = PGM_KIND_K8S_EVENTS;
        r.format = "table";
        return r;
    }

    /* Server and application logs: the share of lines that look the part. */
    /* TAB lines continue a message (a server log's autovacuum details, a
     * stack trace's frames): the share is taken of the lines that start one */
    size_t primary = t.nonblank - (t.tab_lines < t.nonblank ? t.tab_lines : t.nonblank - 1);
    size_t need = primary < 3 ? 1 : (primary + 3) / 4;
    size_t app = t.spring + t.plain_app;
    /* PgBouncer's log: its lines' heads (time, pid, LOG/WARNING...) are no
     * server's ("LOG:" has a colon there) and no application's */
    if (t.pgbouncer >= need && t.pgbouncer > t.pg_severity && t.pgbouncer > app) {
        r = (pgm_sniff){PGM_KIND_PGBOUNCER_LOG,
                        t.pgbouncer_bare * 2 > t.pgbouncer ? "bare"
                        : t.pgbouncer_syslog * 2 > t.pgbouncer ? "syslog" : "stderr", true};
        return r;
    }
    if (t.syslog >= need && t.pg_severity >= need / 2) {
        r = (pgm_sniff){PGM_KIND_PG_LOG, "syslog", true};
        return r;
    }
    if (t.csvlog >= need && t.csvlog >= app) {
        r = (pgm_sniff){PGM_KIND_PG_LOG, "csvlog", true};
        return r;
    }
    if (t.rds >= need && t.rds * 2 >= t.pg_severity) {
        r = (pgm_sniff){PGM_KIND_PG_LOG, "rds", true};
        return r;
    }
    if (t.pg_severity >= need && t.pg_severity > app) {
        r = (pgm_sniff){PGM_KIND_PG_LOG, t.azure * 2 >= t.pg_severity ? "azure" : "stderr", true};
        return r;
    }
    if (app >= 1 && (app + t.java_cont) * 4 >= t.nonblank) {
        r = (pgm_sniff){PGM_KIND_APP_LOG, t.spring >= t.plain_app ? "spring_boot" : "logback", true};
        return r;
    }
    /* PgBouncer's configuration: pgbouncer.ini by its sections, its auth_file by its lines */
    if (t.pgbouncer_sections && (t.pgbouncer_sections >= 2 || name_ends(name, ".ini"))) {
        r = (pgm_sniff){PGM_KIND_PGBOUNCER_CONF, "ini", false};
        return r;
    }
    if (t.userlist && t.userlist + t.hash_comments >= t.nonblank) {
        r = (pgm_sniff){PGM_KIND_PGBOUNCER_CONF, "userlist", false};
        return r;
    }
    /* Configuration */
    bool auto_conf = starts(t.first, "# Do not edit this file manually!");
    size_t gucs = t.conf_guc + t.conf_guc_commented;
    /* a ConfigMap or Helm values holding a postgresql.conf: YAML, not one */
    bool manifest = (t.yaml_apiversion && t.yaml_kind) || name_ends(name, ".yml") || name_ends(name, ".yaml");
    /* include 'app' alone is Gradle's settings.gradle as much as postgresql.conf's directive */
    bool includes_count = t.conf_guc >= 1 || name_ends(name, ".conf");
    if (!manifest && (auto_conf || (t.conf_guc + (includes_count ? t.include_directive : 0) >= 1 &&
                                    t.conf_guc >= t.conf_other && t.props_spring == 0 && t.props_hikari == 0) ||
                      (gucs >= 5 && t.props_spring == 0))) {
        r.kind = PGM_KIND_PG_CONF;
        r.format = auto_conf || strstr(name, "auto.conf") ? "auto_conf" : "conf";
        return r;
    }
    /* kubectl describe pod: "Name:" first, its namespace, its containers */
    if (starts(t.first, "Name:") && t.describe_keys >= 3) {
        r.kind = PGM_KIND_K8S_POD;
        r.format = "describe";
        return r;
    }
    if (t.yaml_apiversion && t.yaml_kind) {
        r.kind = PGM_KIND_K8S_MANIFEST;
        r.format = "yaml";
        return r;
    }
    /* docker-compose.yml, compose.yaml (and -prod, .override variants): the
     * services' environment and command lines, read as a manifest's; by its
     * content when named otherwise (JHipster's src/main/docker/app.yml) */
    if (t.yaml_services && (starts_name(name, "docker-compose") || starts_name(name, "compose") || t.yaml_compose >= 2) &&
        (name_ends(name, ".yml") || name_ends(name, ".yaml"))) {
        r.kind = PGM_KIND_K8S_MANIFEST;
        r.format = "compose";
        return r;
    }
    bool yaml_name = name_ends(name, ".yml") || name_ends(name, ".yaml");
    /* values.yaml, values-prod.yaml of a chart that runs PostgreSQL */
    if (yaml_name && t.yaml_helm_pg && (starts_name(name, "values") || strstr(name, "-values.") != NULL)) {
        r.kind = PGM_KIND_K8S_MANIFEST;
        r.format = "helm";
        return r;
    }
    if (t.yaml_spring_top && t.yaml * 2 >= t.nonblank) {
        r.kind = PGM_KIND_SPRING_CONF;
        r.format = "yaml";
        return r;
    }
    /* hikari.properties is key=value lines and comments; a source file or an
     * XML one with a password= somewhere is not */
    bool mostly_properties = t.props * 2 >= t.nonblank - t.hash_comments;
    if (t.props_hikari && t.props_hikari >= t.props_spring && !yaml_name && mostly_properties) {
        r.kind = PGM_KIND_HIKARI_CONF;
        r.format = "properties";
        return r;
    }
    if (t.props_spring && !yaml_name) {
        r.kind = PGM_KIND_SPRING_CONF;
        r.format = "properties";
        return r;
    }
    if (t.env && t.env * 2 >= t.nonblank) {
        r.kind = PGM_KIND_ENV_FILE;
        r.format = "env";
        return r;
    }
    /* systemd's and the kernel's messages (a host journal's sources): no
     * time of their own, the journal's is theirs */
    if (t.systemd + t.kernel && (t.systemd + t.kernel) * 2 >= t.nonblank && t.ts_lines * 4 < t.nonblank) {
        r.kind = PGM_KIND_SYSTEM_LOG;
        r.format = t.systemd >= t.kernel ? "systemd" : "kernel";
        return r;
    }
    /* HikariCP's own messages in a layout none of the above knows (a game
     * server's console, an excerpt pasted into an issue), in a file that is no
     * configuration (one names its pools): its reader finds
     * them by their text */
    if (t.hikari_texts && !t.pg_severity) {
        r = (pgm_sniff){PGM_KIND_APP_LOG, "hikari-text", true};
        return r;
    }

    /* Weak evidence: the name decides. */
    if (yaml_name && strncmp(name, "application", 11) == 0 && t.yaml) {
        r.kind = PGM_KIND_SPRING_CONF;
        r.format = "yaml";
    } else if (name_ends(name, ".properties") && strncmp(name, "application", 11) == 0 && t.props) {
        r.kind = PGM_KIND_SPRING_CONF;
        r.format = "properties";
    } else if (name_ends(name, ".conf") && strstr(name, "postgresql") && (gucs || t.nonblank == 0)) {
        r.kind = PGM_KIND_PG_CONF;
        r.format = "conf";
    } else if (t.yaml && t.yaml * 2 >= t.nonblank) {
        r.format = "yaml";
    } else if (t.ts_lines * 2 >= t.nonblank) {
        r.has_timestamps = true;
    }
    return r;
}
