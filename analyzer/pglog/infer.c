#include "pglog/infer.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pglog/prefix.h"
#include "text/timestamp.h"

/* %b's values (miscinit.c GetBackendTypeDesc, PostgreSQL 13-17) and the
 * usual background workers' bgw_type. */
static const char *const backend_types[] = {
    "client backend",         "autovacuum launcher",  "autovacuum worker", "background writer",
    "checkpointer",           "walwriter",            "walsender",         "walreceiver",
    "startup",                "archiver",             "logger",            "postmaster",
    "not initialized",        "stats collector",      "standalone backend", "background worker",
    "logical replication launcher", "logical replication worker", "logical replication apply worker",
    "logical replication tablesync worker", "parallel worker", "slotsync worker", "walsummarizer",
    "pg_wait_sampling collector", "TimescaleDB Background Worker Launcher"};

/* %i: the ps display's command tag (postgres.c, pgstat_report_activity),
 * as sessions print it; " waiting" may follow. */
static const char *const command_tags[] = {
    "idle in transaction (aborted)", "idle in transaction", "idle", "authentication", "initializing",
    "startup",
    "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "BEGIN", "START TRANSACTION", "COMMIT",
    "ROLLBACK", "SET", "SHOW", "RESET", "CHECKPOINT", "VACUUM", "ANALYZE", "EXPLAIN", "PREPARE",
    "EXECUTE", "DEALLOCATE", "LISTEN", "NOTIFY", "LOCK TABLE", "TRUNCATE TABLE", "CREATE TABLE",
    "CREATE INDEX", "CREATE ROLE", "CREATE DATABASE", "CREATE EXTENSION", "ALTER TABLE", "ALTER ROLE",
    "ALTER SYSTEM", "DROP TABLE", "DROP INDEX", "DROP ROLE", "DROP DATABASE", "GRANT", "REVOKE",
    "DO", "CALL", "DISCARD ALL", "PARSE", "BIND", "FETCH", "DECLARE CURSOR", "CLOSE CURSOR",
    "REFRESH MATERIALIZED VIEW", "CLUSTER", "REINDEX", "COMMENT", "SAVEPOINT", "RELEASE"};

/* Labels people write before a value (`user=%u`, `pid="%p"`), and the escape
 * each names; h and r, m and t are told apart by the value's shape. */
static const struct {
    const char *label;
    char esc;
} labels[] = {
    {"user", 'u'},        {"usr", 'u'},           {"u", 'u'},            {"username", 'u'},
    {"user_name", 'u'},   {"usename", 'u'},       {"role", 'u'},         {"db", 'd'},
    {"database", 'd'},    {"dbname", 'd'},        {"datname", 'd'},      {"database_name", 'd'},
    {"d", 'd'},           {"app", 'a'},           {"application", 'a'},  {"application_name", 'a'},
    {"appname", 'a'},     {"a", 'a'},             {"host", 'h'},         {"client", 'h'},
    {"client_addr", 'h'}, {"remote", 'h'},        {"ip", 'h'},           {"addr", 'h'},
    {"h", 'h'},           {"connection_source", 'r'}, {"connection_from", 'r'}, {"r", 'r'},
    {"pid", 'p'},         {"process", 'p'},       {"process_id", 'p'},   {"p", 'p'},
    {"session", 'c'},     {"session_id", 'c'},    {"sess", 'c'},         {"c", 'c'},
    {"line", 'l'},        {"log_line", 'l'},      {"line_num", 'l'},     {"session_line_num", 'l'},
    {"l", 'l'},           {"xid", 'x'},           {"tid", 'x'},          {"trx_id", 'x'},
    {"txid", 'x'},        {"transaction_id", 'x'}, {"x", 'x'},           {"vxid", 'v'},
    {"vtid", 'v'},        {"virtual_transaction_id", 'v'}, {"v", 'v'},   {"sqlstate", 'e'},
    {"sql_error_code", 'e'}, {"error_code", 'e'}, {"errcode", 'e'},      {"state", 'e'},
    {"e", 'e'},           {"time", 'm'},          {"ts", 'm'},           {"timestamp", 'm'},
    {"time_ms", 'm'},     {"log_time", 'm'},      {"t", 'm'},            {"m", 'm'},
    {"proc_start_time", 's'}, {"session_start", 's'}, {"session_start_time", 's'},
    {"backend_start", 's'}, {"s", 's'},           {"backend_type", 'b'}, {"backend", 'b'},
    {"type", 'b'},        {"b", 'b'},             {"command_tag", 'i'},  {"tag", 'i'},
    {"i", 'i'},           {"query_id", 'Q'},      {"queryid", 'Q'},      {"Q", 'Q'},
    {"leader_pid", 'P'},  {"P", 'P'},
};

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || is_upper(c); }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
/* Letters, digits, '_' and any byte of a multi-byte character. */
static bool is_word(char c) { return is_alpha(c) || is_digit(c) || c == '_' || (unsigned char)c >= 0x80; }

/* Whether a severity word may start at i: after no letter, digit or '_',
 * or right after a SQLSTATE that starts a word (a prefix ending in %e with
 * no space after it: "[918] 00000LOG:  connection received"). */
static bool severity_may_start(const char *line, size_t i)
{
    if (i == 0 || !is_word(line[i - 1]))
        return true;
    return pgm_prefix_sqlstate_before(line, i);
}

bool pgm_infer_severity(const char *line, size_t n, size_t *at)
{
    size_t limit = n < PGM_INFER_PREFIX_MAX ? n : PGM_INFER_PREFIX_MAX;
    for (size_t i = 0; i < limit; i++) {
        if (!is_upper(line[i]) || !severity_may_start(line, i))
            continue;
        size_t k = i;
        while (k < n && (is_upper(line[k]) || is_digit(line[k])))
            k++;
        /* "WORD:" then one or two spaces and the message */
        if (k + 2 > n || line[k] != ':' || line[k + 1] != ' ')
            continue;
        if (pgm_prefix_english_severity(line + i, k - i)) {
            *at = i;
            return true;
        }
    }
    return false;
}

bool pgm_infer_has_severity(const char *line, size_t n)
{
    size_t limit = n < PGM_INFER_PREFIX_MAX ? n : PGM_INFER_PREFIX_MAX;
    for (size_t i = 0; i < limit; i++)
        if (severity_may_start(line, i) && (is_upper(line[i]) || (unsigned char)line[i] >= 0x80) &&
            pgm_prefix_severity_at(line + i, n - i))
            return true;
    return false;
}

static void add_name(char list[][PGM_INFER_NAME_LEN], size_t *count, const char *v, size_t n)
{
    if (n == 0 || n >= PGM_INFER_NAME_LEN || *count >= PGM_INFER_NAMES_MAX)
        return;
    for (size_t i = 0; i < *count; i++)
        if (strlen(list[i]) == n && memcmp(list[i], v, n) == 0)
            return;
    memcpy(list[*count], v, n);
    list[*count][n] = '\0';
    (*count)++;
}

/* The value after `key` up to the next space (or to `stop`, when the value
 * may hold spaces); its length, or 0. */
static size_t value_after(const char *msg, size_t n, const char *key, const char **v, bool to_end)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl <= n; i++) {
        if (memcmp(msg + i, key, kl) != 0 || (i > 0 && msg[i - 1] != ' '))
            continue;
        *v = msg + i + kl;
        size_t rest = n - i - kl, k = 0;
        if (to_end) {
            k = rest;
            /* PostgreSQL 15 appends " SSL enabled (...)" or " GSS (...)" */
            for (size_t j = 0; j + 5 <= rest; j++)
                if (memcmp(*v + j, " SSL ", 5) == 0 || memcmp(*v + j, " GSS ", 5) == 0) {
                    k = j;
                    break;
                }
        } else {
            while (k < rest && (*v)[k] != ' ')
                k++;
        }
        return k;
    }
    return 0;
}

void pgm_infer_learn(pgm_infer_names *names, const char *msg, size_t n)
{
    static const char authorized[] = "connection authorized: ";
    static const char disconnection[] = "disconnection: ";
    bool auth = false;
    for (size_t i = 0; i + sizeof authorized - 1 <= n && i < 16 && !auth; i++)
        auth = memcmp(msg + i, authorized, sizeof authorized - 1) == 0;
    if (!auth && (n < sizeof disconnection - 1 || memcmp(msg, disconnection, sizeof disconnection - 1) != 0))
        return;
    const char *v;
    size_t k;
    if ((k = value_after(msg, n, "user=", &v, false)))
        add_name(names->user, &names->n_user, v, k);
    if ((k = value_after(msg, n, "database=", &v, false)))
        add_name(names->db, &names->n_db, v, k);
    if (auth && (k = value_after(msg, n, "application_name=", &v, true)))
        add_name(names->app, &names->n_app, v, k);
}

static bool in_list(char list[][PGM_INFER_NAME_LEN], size_t count, const char *v, size_t n)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && memcmp(list[i], v, n) == 0)
            return true;
    return false;
}

unsigned pgm_infer_name_kind(const pgm_infer_names *names, const char *v, size_t n)
{
    if (!names)
        return 0;
    pgm_infer_names *m = (pgm_infer_names *)names; /* in_list only reads */
    return (in_list(m->user, m->n_user, v, n) ? 1u : 0u) | (in_list(m->db, m->n_db, v, n) ? 2u : 0u) |
           (in_list(m->app, m->n_app, v, n) ? 4u : 0u);
}

/* ------------------------------------------------------------ one printing */

enum vkind {
    V_TIME_MS, V_TIME, V_EPOCH, V_LOCAL, V_UNKNOWN, V_REMOTE, V_ADDR, V_SID, V_VXID,
    V_SQLSTATE, V_NUM, V_WORD, V_BTYPE, V_TAG, V_EMPTY
};

#define MAX_PIECES 64u

typedef struct piece {
    char esc;          /* 0: literal text */
    enum vkind kind;
    const char *p;     /* the text in the printing */
    size_t n;
} piece;

typedef struct tokenizer {
    const char *s;
    size_t n;
    const pgm_infer_names *names;
    piece pieces[MAX_PIECES];
    size_t np;
    bool overflow;
} tokenizer;

static void add_piece(tokenizer *t, char esc, enum vkind kind, const char *p, size_t n)
{
    if (esc == 0 && t->np && t->pieces[t->np - 1].esc == 0 && t->pieces[t->np - 1].p + t->pieces[t->np - 1].n == p) {
        t->pieces[t->np - 1].n += n; /* literal text grows */
        return;
    }
    if (t->np == MAX_PIECES) {
        t->overflow = true;
        return;
    }
    t->pieces[t->np++] = (piece){esc, kind, p, n};
}

static size_t digits_at(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && is_digit(s[k]))
        k++;
    return k;
}

/* Ends a token: the next byte is no letter or digit. */
static bool ends_at(const char *s, size_t n, size_t k)
{
    return k >= n || !is_word(s[k]);
}

static size_t ipv4_at(const char *s, size_t n)
{
    size_t k = 0;
    for (int part = 0; part < 4; part++) {
        size_t d = digits_at(s + k, n - k);
        if (d == 0 || d > 3)
            return 0;
        k += d;
        if (part < 3) {
            if (k >= n || s[k] != '.')
                return 0;
            k++;
        }
    }
    return ends_at(s, n, k) && !(k < n && s[k] == '.') ? k : 0;
}

/* host(port): an address or host name, then the port in parentheses. */
static size_t remote_at(const char *s, size_t n)
{
    /* a host name or IPv4 address (no colon: colons part fields), else an
     * IPv6 address (hex digits and two colons or more) */
    size_t k = 0;
    while (k < n && (is_word(s[k]) || s[k] == '.' || s[k] == '-'))
        k++;
    if (k < n && s[k] == ':') {
        size_t colons = 0;
        for (k = 0; k < n && (is_hex(s[k]) || (s[k] >= 'A' && s[k] <= 'F') || s[k] == ':'); k++)
            colons += s[k] == ':';
        if (colons < 2)
            return 0;
    }
    if (k == 0 || k >= n || s[k] != '(')
        return 0;
    size_t d = digits_at(s + k + 1, n - k - 1);
    if (d == 0 || k + 1 + d >= n || s[k + 1 + d] != ')')
        return 0;
    return k + d + 2;
}

/* hex(start time) "." hex(pid): 8 hex digits, a dot, 1 to 8 hex digits. */
static size_t sid_at(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && is_hex(s[k]))
        k++;
    if (k != 8 || k >= n || s[k] != '.')
        return 0;
    size_t j = k + 1;
    while (j < n && is_hex(s[j]))
        j++;
    return j > k + 1 && j - k - 1 <= 8 && ends_at(s, n, j) ? j : 0;
}

static size_t sqlstate_at(const char *s, size_t n)
{
    return n >= 5 && ends_at(s, n, 5) && pgm_prefix_is_sqlstate(s) ? 5 : 0;
}

static bool in_table(const char *const *table, size_t count, const char *s, size_t n)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(table[i]) == n && memcmp(table[i], s, n) == 0)
            return true;
    return false;
}

bool pgm_infer_is_backend_type(const char *s, size_t n)
{
    return in_table(backend_types, sizeof backend_types / sizeof backend_types[0], s, n);
}

bool pgm_infer_is_command_tag(const char *s, size_t n)
{
    if (n > 8 && memcmp(s + n - 8, " waiting", 8) == 0)
        n -= 8;
    return in_table(command_tags, sizeof command_tags / sizeof command_tags[0], s, n);
}

/* The longest learnt name or backend type at s that ends a token. */
static size_t known_text_at(const tokenizer *t, const char *s, size_t n, enum vkind *kind)
{
    size_t best = 0;
    for (size_t i = 0; i < sizeof backend_types / sizeof backend_types[0]; i++) {
        size_t l = strlen(backend_types[i]);
        if (l > best && l <= n && memcmp(s, backend_types[i], l) == 0 && ends_at(s, n, l)) {
            best = l;
            *kind = V_BTYPE;
        }
    }
    for (size_t i = 0; i < sizeof command_tags / sizeof command_tags[0]; i++) {
        size_t l = strlen(command_tags[i]);
        if (l > best && l <= n && memcmp(s, command_tags[i], l) == 0 && ends_at(s, n, l)) {
            if (l + 8 <= n && memcmp(s + l, " waiting", 8) == 0 && ends_at(s, n, l + 8))
                l += 8;
            best = l;
            *kind = V_TAG;
        }
    }
    if (!t->names)
        return best;
    const char(*lists[3])[PGM_INFER_NAME_LEN] = {t->names->user, t->names->db, t->names->app};
    size_t counts[3] = {t->names->n_user, t->names->n_db, t->names->n_app};
    for (int L = 0; L < 3; L++)
        for (size_t i = 0; i < counts[L]; i++) {
            size_t l = strlen(lists[L][i]);
            if (l > best && l <= n && memcmp(s, lists[L][i], l) == 0 && ends_at(s, n, l)) {
                best = l;
                *kind = V_WORD;
            }
        }
    return best;
}

/* A word: letters, digits and '_', joined by '-' before a letter (unless
 * `dash_parts`) or '.' before a word byte (report-job, db.example). */
static size_t word_at(const char *s, size_t n, bool dash_parts)
{
    size_t k = 0;
    while (k < n) {
        if (is_word(s[k])) {
            k++;
        } else if (k > 0 && k + 1 < n &&
                   ((s[k] == '-' && !dash_parts && is_alpha(s[k + 1])) || (s[k] == '.' && is_word(s[k + 1])))) {
            k++;
        } else {
            break;
        }
    }
    return k;
}

static char label_escape(const char *w, size_t n)
{
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strlen(labels[i].label) == n && memcmp(labels[i].label, w, n) == 0)
            return labels[i].esc;
    /* a label of one's own making that starts like a known one (appli=, database_name=) */
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        size_t l = strlen(labels[i].label);
        if (l >= 3 && l < n && memcmp(labels[i].label, w, l) == 0)
            return labels[i].esc;
    }
    return '?';
}

/* The escape a value of this shape is under a label that names `esc`. */
static char labelled(char esc, enum vkind kind)
{
    if (esc == 'h' || esc == 'r')
        return kind == V_REMOTE ? 'r' : kind == V_EMPTY ? esc : 'h';
    if (esc == 'm' || esc == 't' || esc == 's') {
        if (kind == V_EPOCH)
            return 'n';
        if (esc == 's')
            return 's';
        return kind == V_TIME ? 't' : 'm';
    }
    return esc;
}

/* Names were looked for in the messages (not NULL) and none was stated. */
static bool names_silent(const pgm_infer_names *names)
{
    return names && !names->n_user && !names->n_db && !names->n_app;
}

/* Reads one value token at pos (no label before it); its kind and length, or 0. */
static size_t value_at(const tokenizer *t, size_t pos, enum vkind *kind)
{
    const char *s = t->s + pos;
    size_t n = t->n - pos;
    pgm_ts_parse ts;
    size_t k;
    if (is_digit(s[0]) && pgm_ts_parse_at(s, n, &ts)) {
        *kind = ts.len > 19 && s[19] == '.' ? V_TIME_MS : V_TIME;
        return ts.len;
    }
    if (n >= 7 && memcmp(s, "[local]", 7) == 0) {
        *kind = V_LOCAL;
        return 7;
    }
    if (n >= 9 && memcmp(s, "[unknown]", 9) == 0) {
        *kind = V_UNKNOWN;
        return 9;
    }
    if ((k = known_text_at(t, s, n, kind)))
        return k;
    if ((k = remote_at(s, n))) {
        *kind = V_REMOTE;
        return k;
    }
    if (is_digit(s[0]) || (s[0] == '-' && n > 1 && is_digit(s[1]))) {
        size_t d = (s[0] == '-') + digits_at(s + (s[0] == '-'), n - (s[0] == '-'));
        if (s[0] != '-') {
            if (d >= 9 && d <= 11 && d + 4 <= n && s[d] == '.' && digits_at(s + d + 1, n - d - 1) == 3 &&
                ends_at(s, n, d + 4)) {
                *kind = V_EPOCH;
                return d + 4;
            }
            if ((k = ipv4_at(s, n))) {
                *kind = V_ADDR;
                return k;
            }
            if (d < n && s[d] == '/' && digits_at(s + d + 1, n - d - 1)) {
                *kind = V_VXID;
                return d + 1 + digits_at(s + d + 1, n - d - 1);
            }
        }
        if ((k = sid_at(s, n))) {
            *kind = V_SID;
            return k;
        }
        if ((k = sqlstate_at(s, n))) {
            *kind = V_SQLSTATE;
            return k;
        }
        if (ends_at(s, n, d) && !(d < n && s[d] == '.')) {
            *kind = V_NUM;
            return d;
        }
    }
    if ((k = sid_at(s, n))) {
        *kind = V_SID;
        return k;
    }
    /* Names with no message to tell them, in a prefix that parts its
     * values with '-' (%l-%h-%u-%d-): "app-shop" is two of them. */
    bool dash_parts = names_silent(t->names) && pos > 0 && t->s[pos - 1] == '-';
    if ((k = word_at(s, n, dash_parts))) {
        *kind = V_WORD;
        return k;
    }
    return 0;
}

static bool used(const tokenizer *t, char esc)
{
    for (size_t i = 0; i < t->np; i++)
        if (t->pieces[i].esc == esc)
            return true;
    return false;
}

/* The pid that a session id (hex.hex) names, or -1. */
static int64_t sid_pid(const tokenizer *t)
{
    for (size_t i = 0; i < t->np; i++) {
        const piece *pc = &t->pieces[i];
        if (pc->kind != V_SID || pc->esc == 0)
            continue;
        const char *dot = memchr(pc->p, '.', pc->n);
        int64_t pid = 0;
        for (const char *q = dot + 1; q < pc->p + pc->n; q++)
            pid = pid * 16 + (is_digit(*q) ? *q - '0' : *q - 'a' + 10);
        return pid;
    }
    return -1;
}


/* The escape of a value with no label before it; 0 leaves it literal text. */
static char unlabelled(tokenizer *t, enum vkind kind, size_t pos, size_t len)
{
    const char *s = t->s;
    switch (kind) {
    case V_TIME_MS: return 'm';
    case V_TIME: return 't';
    case V_EPOCH: return 'n';
    case V_LOCAL: return 'r';
    case V_REMOTE: return 'r';
    case V_ADDR: return 'h';
    case V_SID: return 'c';
    case V_VXID: return 'v';
    case V_SQLSTATE: return 'e';
    case V_BTYPE: return 'b';
    case V_TAG: return 'i';
    case V_NUM: {
        if (s[pos] == '-' || len > 10)
            return 'Q';
        /* "[%l-1]": the "-1" after a number is literal text */
        if (len == 1 && s[pos] == '1' && pos >= 2 && s[pos - 1] == '-' && is_digit(s[pos - 2]))
            return 0;
        int64_t v = 0;
        for (size_t k = 0; k < len; k++)
            v = v * 10 + (s[pos + k] - '0');
        if (!used(t, 'p') && (sid_pid(t) < 0 || sid_pid(t) == v))
            return 'p';
        if (!used(t, 'l'))
            return 'l';
        if (!used(t, 'x'))
            return 'x';
        /* a second lone 0 beside %x: the query id, 0 when it is not computed
         * (compute_query_id = off, PostgreSQL's default), not literal text */
        if (!used(t, 'Q') && len == 1 && s[pos] == '0')
            return 'Q';
        /* five digits once the pid, line and xid are placed: a SQLSTATE of
         * digits only (22012, 42601: errcodes.txt), which reads as a number
         * where no 0 leads it (pgm_prefix_is_sqlstate) */
        if (!used(t, 'e') && len == 5)
            return 'e';
        return 0;
    }
    case V_WORD:
    case V_UNKNOWN: {
        /* user@database */
        if (pos + len < t->n && s[pos + len] == '@' && !used(t, 'u'))
            return 'u';
        if (pos > 0 && s[pos - 1] == '@' && !used(t, 'd'))
            return 'd';
        /* a word the messages named is that name; when they named none at
         * all (no connection logging), any word after what marks the line
         * as a server process's (its time; its pid, or the session id that
         * holds it: '[%c]%q[%d]'; its backend type: '[%b][%a]') may be one,
         * in the order user, database, application: a guess that detect.c
         * weighs (silent_names); text with none of them before it is not
         * read as a prefix of names */
        bool guess = names_silent(t->names) &&
                     (used(t, 'm') || used(t, 't') || used(t, 'n') || used(t, 'p') || used(t, 'c') || used(t, 'b'));
        unsigned mask = kind == V_UNKNOWN || guess ? 7u : pgm_infer_name_kind(t->names, s + pos, len);
        static const char order[3] = {'u', 'd', 'a'};
        for (int i = 0; i < 3; i++)
            if ((mask & (1u << i)) && !used(t, order[i]))
                return order[i];
        return 0;
    }
    default: return 0;
    }
}

static size_t spaces_at(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == ' ')
        k++;
    return k;
}

/* Padding ('%-12u', '%12d' print the value in a field of that width): a
 * value with two or more spaces after or before it. The spaces become the
 * width; one is kept as the separator where nothing else parts the value
 * from what follows (the severity) or precedes it. */
static bool emit(const tokenizer *t, char out[PGM_INFER_SPEC_MAX])
{
    size_t o = 0;
    bool any = false;
    size_t skip_head = 0; /* spaces at the start of this literal taken as padding */
    for (size_t i = 0; i < t->np; i++) {
        const piece *pc = &t->pieces[i];
        if (pc->esc) {
            if (o + 12 > PGM_INFER_SPEC_MAX)
                return false;
            const piece *next = i + 1 < t->np && t->pieces[i + 1].esc == 0 ? &t->pieces[i + 1] : NULL;
            const piece *prev = i > 0 && t->pieces[i - 1].esc == 0 ? &t->pieces[i - 1] : NULL;
            size_t after = next ? spaces_at(next->p, next->n) : 0;
            size_t before = 0;
            if (prev)
                while (before < prev->n && prev->p[prev->n - 1 - before] == ' ')
                    before++;
            bool free_text = strchr("udahrbi", pc->esc) != NULL;
            if (free_text && after >= 2) {
                bool last = next->n == after && i + 2 >= t->np; /* spaces up to the severity */
                size_t pad = last ? after - 1 : after;
                o += (size_t)snprintf(out + o, PGM_INFER_SPEC_MAX - o, "%%-%zu", pc->n + pad);
                skip_head = pad;
            } else if (free_text && before >= 2 && pc->n > 0) {
                /* the literal before was written with its spaces: take them back */
                size_t pad = before - (prev->n == before ? 1 : 0), written = 0;
                /* only the spaces that were written (padding before may have taken some) */
                while (written < o && out[o - 1 - written] == ' ')
                    written++;
                if (pad > written)
                    pad = written;
                o -= pad;
                o += (size_t)snprintf(out + o, PGM_INFER_SPEC_MAX - o, "%%%zu", pc->n + pad);
            } else {
                out[o++] = '%';
            }
            out[o++] = pc->esc;
            any = true;
            continue;
        }
        size_t from = skip_head < pc->n ? skip_head : pc->n;
        skip_head = 0;
        for (size_t k = from; k < pc->n; k++) {
            if (o + 3 > PGM_INFER_SPEC_MAX)
                return false;
            if (pc->p[k] == '%')
                out[o++] = '%';
            out[o++] = pc->p[k];
        }
    }
    out[o] = '\0';
    /* a prefix of literal text alone ("[%P]: " of a process outside a
     * parallel query is "[]: "): what every line starts with, read as text */
    return any || t->n == 0 || o > 0;
}

bool pgm_infer_spec(const char *inst, size_t n, const pgm_infer_names *names, char out[PGM_INFER_SPEC_MAX])
{
    tokenizer t = {.s = inst, .n = n, .names = names};
    char pending = 0; /* the escape a label just named; '?' for a label we do not know */
    for (size_t pos = 0; pos < n && !t.overflow;) {
        bool token_start = pos == 0 || !is_word(inst[pos - 1]);
        enum vkind kind = V_WORD;
        size_t len = token_start ? value_at(&t, pos, &kind) : 0;
        if (len == 0) {
            add_piece(&t, 0, V_WORD, inst + pos, 1); /* a separator: literal text */
            pos++;
            continue;
        }
        if (kind == V_WORD && pending == 0) {
            /* label=value, label = value, label="value" */
            size_t k = pos + len;
            while (k < n && inst[k] == ' ')
                k++;
            if (k < n && inst[k] == '=') {
                char esc = label_escape(inst + pos, len);
                bool spaced = k > pos + len; /* "label = value": spaces on both sides */
                k++;
                while (spaced && k < n && inst[k] == ' ')
                    k++;
                if (k < n && (inst[k] == '"' || inst[k] == '\''))
                    k++;
                add_piece(&t, 0, V_WORD, inst + pos, k - pos);
                pos = k;
                pending = esc;
                /* a separator right after it: the value is empty ("user=,db=" of a
                 * process without a session) */
                if (esc != '?' && (pos >= n || (inst[pos] && strchr(",; \"']):|/", inst[pos])))) {
                    if (!used(&t, esc))
                        add_piece(&t, esc, V_EMPTY, inst + pos, 0);
                    pending = 0;
                }
                continue;
            }
        }
        char esc;
        if (pending && pending != '?') {
            esc = labelled(pending, kind);
            if (used(&t, esc))
                esc = 0;
        } else {
            esc = unlabelled(&t, kind, pos, len);
        }
        pending = 0;
        add_piece(&t, esc, kind, inst + pos, len);
        pos += len;
    }
    if (t.overflow)
        return false;
    /* Two times: the one with milliseconds (or the first) is the line's,
     * the other the process start (%s). */
    size_t times = 0;
    bool have_m = used(&t, 'm') || used(&t, 'n');
    for (size_t i = 0; i < t.np; i++) {
        piece *pc = &t.pieces[i];
        if (pc->esc == 't') {
            if (have_m || times > 0)
                pc->esc = used(&t, 's') ? 0 : 's';
            times++;
        }
    }
    /* An escape used twice (a literal word that is also a user name) is
     * text the second time. */
    for (size_t i = 0; i < t.np; i++)
        for (size_t j = 0; j < i; j++)
            if (t.pieces[i].esc && t.pieces[i].esc == t.pieces[j].esc)
                t.pieces[i].esc = 0;
    return emit(&t, out);
}

/* ---------------------------------------------------------------- %q */

static bool session_only(char e)
{
    return e == 'u' || e == 'd' || e == 'a' || e == 'r' || e == 'h' || e == 'i';
}

size_t pgm_infer_q_variants(const char *spec, char out[][PGM_INFER_SPEC_MAX], size_t max)
{
    size_t sl = strlen(spec);
    if (sl + 3 > PGM_INFER_SPEC_MAX || max == 0)
        return 0;
    size_t prev_end = 0, first = SIZE_MAX;
    for (size_t i = 0; i + 1 < sl && first == SIZE_MAX; i++) {
        if (spec[i] != '%')
            continue;
        size_t j = i + 1;
        if (spec[j] == '%') {
            i = j;
            continue;
        }
        while (j < sl && (spec[j] == '-' || is_digit(spec[j])))
            j++;
        if (j >= sl)
            break;
        if (spec[j] == 'q')
            return 0;
        if (session_only(spec[j]))
            first = i;
        else
            prev_end = j + 1;
        i = j;
    }
    if (first == SIZE_MAX)
        return 0;
    for (size_t i = first; i < sl; i++)
        if (spec[i] == '%' && i + 1 < sl && spec[i + 1] == 'q')
            return 0;
    /* places in the literal between prev_end and first; the best guess first */
    size_t best = prev_end == 0 ? 0 : first; /* 'db=%d' first in the spec: before its label */
    for (size_t k = first; k > prev_end; k--)
        if (spec[k - 1] == ' ') {
            best = k;
            break;
        }
    /* Places after a separator (a label's start: ",%qapp=%a"), the
     * literal's ends, and after each earlier space ('%m [%p] %q[%b] %u@%d '),
     * the best guess first. */
    size_t count = 0;
    snprintf(out[count++], PGM_INFER_SPEC_MAX, "%.*s%%q%s", (int)best, spec, spec + best);
    for (size_t at = first + 1; at-- > 0 && count < max;) {
        if (at == best || (at > 0 && spec[at - 1] == '%'))
            continue; /* done, or inside a "%%" */
        bool boundary = at == first || at == prev_end ||
                        (at > prev_end && at > 0 && strchr(" ,;|[](/-:\"'", spec[at - 1])) ||
                        (at < prev_end && at > 0 && spec[at - 1] == ' ');
        if (!boundary)
            continue;
        snprintf(out[count], PGM_INFER_SPEC_MAX, "%.*s%%q%s", (int)at, spec, spec + at);
        count++;
    }
    return count;
}
