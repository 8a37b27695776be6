#define _GNU_SOURCE /* memmem */
#include "envelope/envelope.h"

#include <stdlib.h>
#include <string.h>

#include "envelope/document.h"
#include "text/jsonflat.h"
#include "text/timestamp.h"
#include "util/strbuf.h"

const char *pgm_envelope_name(enum pgm_envelope_kind k)
{
    switch (k) {
    case PGM_ENVELOPE_CRI: return "cri";
    case PGM_ENVELOPE_DOCKER: return "docker";
    case PGM_ENVELOPE_KUBECTL: return "kubectl";
    case PGM_ENVELOPE_JOURNAL: return "journal";
    case PGM_ENVELOPE_JOURNAL_JSON: return "journal-json";
    case PGM_ENVELOPE_JOURNAL_EXPORT: return "journal-export";
    case PGM_ENVELOPE_STERN: return "stern";
    case PGM_ENVELOPE_COMPOSE: return "compose";
    case PGM_ENVELOPE_LOKI: return "loki";
    case PGM_ENVELOPE_LOKI_JSON: return "loki-json";
    case PGM_ENVELOPE_CLOUDWATCH: return "cloudwatch";
    case PGM_ENVELOPE_CLOUD_LOGGING: return "cloud-logging";
    case PGM_ENVELOPE_CLOUDWATCH_JSON: return "cloudwatch-json";
    case PGM_ENVELOPE_LOKI_API: return "loki-api";
    case PGM_ENVELOPE_NONE: break;
    }
    return "";
}

bool pgm_envelope_has_sources(const pgm_envelope *env)
{
    return env->kind == PGM_ENVELOPE_JOURNAL || env->kind == PGM_ENVELOPE_JOURNAL_JSON ||
           env->kind == PGM_ENVELOPE_JOURNAL_EXPORT || env->kind == PGM_ENVELOPE_STERN ||
           env->kind == PGM_ENVELOPE_COMPOSE || env->kind == PGM_ENVELOPE_LOKI || env->kind == PGM_ENVELOPE_LOKI_JSON ||
           env->kind == PGM_ENVELOPE_CLOUDWATCH || pgm_envelope_is_document(env) ||
           (env->kind == PGM_ENVELOPE_KUBECTL && env->kubectl_prefix);
}

bool pgm_envelope_is_document(const pgm_envelope *env)
{
    return env->kind == PGM_ENVELOPE_CLOUD_LOGGING || env->kind == PGM_ENVELOPE_CLOUDWATCH_JSON ||
           env->kind == PGM_ENVELOPE_LOKI_API;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool starts(const char *p, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && memcmp(p, lit, l) == 0;
}

/* An RFC 3339 time with its zone ("2026-11-27T02:20:35.861000000Z"), then a
 * space or the end: its length, 0 when there is none. */
static size_t rfc3339_at(const char *p, size_t n, int64_t *t)
{
    pgm_ts_parse ts;
    if (n < 20 || p[10] != 'T' || !pgm_ts_parse_at(p, n, &ts) || ts.zone != PGM_TS_ZONE_KNOWN)
        return 0;
    if (ts.len < n && p[ts.len] != ' ')
        return 0;
    *t = ts.us;
    return ts.len;
}

/* The rest of a line after `used` bytes and one space (none at the end). */
static pgm_slice rest_after(const char *p, size_t n, size_t used)
{
    if (used < n && p[used] == ' ')
        used++;
    return (pgm_slice){p + used, n - used};
}

/* containerd's and CRI-O's "TIME STREAM TAG LINE", TAG being F or P and
 * possibly more tags after a ':' (the kubelet's CRI log parser). */
static bool parse_cri(const char *p, size_t n, pgm_envelope_line *out)
{
    size_t i = rfc3339_at(p, n, &out->t);
    if (!i || i >= n)
        return false;
    i++;
    if (starts(p + i, n - i, "stdout "))
        out->stderr_stream = false;
    else if (starts(p + i, n - i, "stderr "))
        out->stderr_stream = true;
    else
        return false;
    i += 7;
    if (i >= n || (p[i] != 'F' && p[i] != 'P'))
        return false;
    out->partial = p[i] == 'P';
    i++;
    while (i < n && p[i] == ':') /* further tags */
        while (i < n && p[i] != ' ')
            i++;
    if (i < n && p[i] != ' ')
        return false;
    out->text = rest_after(p, n, i);
    return true;
}

/* kubectl's --prefix: "[pod/NAME/CONTAINER] " (its logs.go). */
static size_t kubectl_prefix_at(const char *p, size_t n, pgm_slice *source)
{
    if (!starts(p, n, "[pod/"))
        return 0;
    const char *close = memchr(p, ']', n < 512 ? n : 512);
    if (!close || (size_t)(close - p) + 1 >= n || close[1] != ' ')
        return 0;
    const char *slash = memchr(p + 5, '/', (size_t)(close - p - 5));
    if (!slash || slash == p + 5 || slash + 1 == close)
        return 0;
    *source = (pgm_slice){p + 5, (size_t)(close - p - 5)};
    return (size_t)(close - p) + 2;
}

static bool parse_kubectl(const pgm_envelope *env, const char *p, size_t n, pgm_envelope_line *out)
{
    size_t i = 0;
    if (env->kubectl_prefix && !(i = kubectl_prefix_at(p, n, &out->source)))
        return false;
    if (env->timestamps) {
        size_t l = rfc3339_at(p + i, n - i, &out->t);
        if (!l)
            return false;
        i += l;
    }
    out->text = i ? rest_after(p, n, i) : (pgm_slice){p, n};
    if (env->kubectl_prefix && !env->timestamps)
        out->text = (pgm_slice){p + i, n - i}; /* the prefix ends with its space */
    return true;
}

/* A Kubernetes name of `n` bytes at p: lowercase letters, digits, '-' and
 * (`dots`) '.', starting and ending with a letter or digit. */
static bool k8s_name(const char *p, size_t n, bool dots)
{
    if (!n || n > 253 || p[0] == '-' || p[n - 1] == '-' || p[0] == '.' || p[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || is_digit(p[i]) || p[i] == '-' || (dots && p[i] == '.')))
            return false;
    return true;
}

/* stern: "POD CONTAINER <line>"; a pod's name has a '-' and a letter (a
 * Deployment's "orders-7d9c8b5f4-x2kq9", a StatefulSet's "postgres-0"). */
static bool parse_stern(const char *p, size_t n, struct pgm_strbuf *scratch, pgm_envelope_line *out)
{
    const char *sp1 = memchr(p, ' ', n < 254 ? n : 254);
    if (!sp1)
        return false;
    size_t pod = (size_t)(sp1 - p);
    const char *c = sp1 + 1;
    const char *sp2 = memchr(c, ' ', (size_t)(p + n - c) < 64 ? (size_t)(p + n - c) : 64);
    size_t cont = sp2 ? (size_t)(sp2 - c) : 0;
    if (!sp2 || !k8s_name(p, pod, true) || !memchr(p, '-', pod) || !k8s_name(c, cont, false))
        return false;
    bool letter = false;
    for (size_t i = 0; i < pod && !letter; i++)
        letter = p[i] >= 'a' && p[i] <= 'z';
    if (!letter)
        return false;
    /* the source as kubectl --prefix names it: POD/CONTAINER */
    pgm_strbuf_reset(scratch);
    if (pgm_strbuf_add(scratch, p, pod) == 0 && pgm_strbuf_add(scratch, "/", 1) == 0 &&
        pgm_strbuf_add(scratch, c, cont) == 0)
        out->source = (pgm_slice){scratch->p, scratch->len};
    out->text = (pgm_slice){sp2 + 1, (size_t)(p + n - sp2 - 1)};
    return true;
}

/* A container's name as Compose prints it before its bar: a service's
 * "db-1" (1.x: "db_1") or a container_name, which Docker allows as
 * [a-zA-Z0-9][a-zA-Z0-9_.-]* (its daemon's names.RestrictedNameChars). A
 * longer first word is taken for no name: its line is not of the form, and
 * such lines are counted and said. */
#define PGM_COMPOSE_NAME_MAX 255u

/* docker compose logs: "NAME   | <line>", NAME padded to the widest name's
 * width (compose's cmd/formatter/logs.go "%-*s | ", docker-compose 1.x's
 * log_printer.py ljust(width) + ' | '): one space at least before the bar.
 * With --timestamps Docker's RFC3339NanoFixed time follows the bar (nine
 * digits of fraction, UTC "Z"), which tells it from an application line that
 * starts with a time of its own (Spring Boot's three digits). */
/* An ANSI colour ("\033[36m", "\033[36;1m", "\033[0m") at p: its length, or 0. */
static size_t sgr_at(const char *p, size_t n)
{
    if (n < 3 || p[0] != '\033' || p[1] != '[')
        return 0;
    size_t i = 2;
    while (i < n && i < 16 && (is_digit(p[i]) || p[i] == ';'))
        i++;
    return i < n && p[i] == 'm' ? i + 1 : 0;
}

static bool parse_compose(const pgm_envelope *env, const char *p, size_t n, pgm_envelope_line *out)
{
    /* with --ansi always (or on a terminal that was recorded) the prefix
     * comes in its container's colour: "\033[36mdb-1  | \033[0m<line>" */
    size_t colour = sgr_at(p, n), i = colour;
    while (i < n && i - colour <= PGM_COMPOSE_NAME_MAX &&
           ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') || is_digit(p[i]) ||
            (i > colour && (p[i] == '_' || p[i] == '.' || p[i] == '-'))))
        i++;
    size_t name = i - colour;
    if (!name || name > PGM_COMPOSE_NAME_MAX || i >= n || p[i] != ' ')
        return false;
    while (i < n && p[i] == ' ')
        i++;
    /* the bar, then a space, or the end of the line for an empty line whose
     * trailing space was trimmed */
    if (i >= n || p[i] != '|' || (i + 1 < n && p[i + 1] != ' '))
        return false;
    i = i + 2 < n ? i + 2 : n;
    if (colour)
        i += sgr_at(p + i, n - i);
    if (env->timestamps) {
        size_t l = rfc3339_at(p + i, n - i, &out->t);
        if (l != 30 || p[i + 19] != '.' || p[i + 29] != 'Z')
            return false;
        i += l < n - i ? l + 1 : l; /* and the space after it */
    }
    out->source = (pgm_slice){p + colour, name};
    out->text = (pgm_slice){p + i, n - i};
    return true;
}

/* The labels that name a Loki stream, in the order they are asked for:
 * Kubernetes' pod (with its container, as kubectl --prefix names it), then
 * what Promtail, the Grafana Agent and Alloy set elsewhere. A stream with
 * none of them is named by its whole label set. */
static const struct {
    const char *label, *json_key; /* the label, and its key in logcli's jsonl as flattened */
} loki_names[] = {{"pod", "labels.pod"}, {"container", "labels.container"}, {"service_name", "labels.service_name"},
                  {"app", "labels.app"},  {"job", "labels.job"},             {"unit", "labels.unit"},
                  {"filename", "labels.filename"}};
#define N_LOKI_NAMES (sizeof loki_names / sizeof loki_names[0])

/* The source of a Loki stream from its labels' values (vals[i] for
 * loki_names[i], empty when absent), into scratch; `whole` when none is
 * there (the text form's label set; jsonl's streams without one share "{}"). */
static void loki_source(const pgm_slice vals[N_LOKI_NAMES], pgm_slice whole, struct pgm_strbuf *scratch,
                        pgm_envelope_line *out)
{
    pgm_strbuf_reset(scratch);
    int rc = 0;
    if (vals[0].n) { /* pod[/container] */
        rc = pgm_strbuf_add(scratch, vals[0].p, vals[0].n);
        if (!rc && vals[1].n)
            rc = pgm_strbuf_add(scratch, "/", 1) || pgm_strbuf_add(scratch, vals[1].p, vals[1].n);
    } else {
        size_t k = 1;
        while (k < N_LOKI_NAMES && !vals[k].n)
            k++;
        rc = k < N_LOKI_NAMES ? pgm_strbuf_add(scratch, vals[k].p, vals[k].n) : pgm_strbuf_add(scratch, whole.p, whole.n);
    }
    if (!rc && scratch->len)
        out->source = (pgm_slice){scratch->p, scratch->len};
}

/* A Prometheus label set at p ({name="value", name2="value2"}, values
 * quoted as Go quotes them): its length, 0 when there is none; the values
 * of loki_names into vals (as quoted, escapes kept). */
static size_t loki_labels_at(const char *p, size_t n, pgm_slice vals[N_LOKI_NAMES])
{
    if (!n || p[0] != '{')
        return 0;
    size_t i = 1;
    if (i < n && p[i] == '}')
        return 2;
    for (;;) {
        size_t name = i;
        while (i < n && (p[i] == '_' || (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
                         (i > name && is_digit(p[i]))))
            i++;
        if (i == name || i + 1 >= n || p[i] != '=' || p[i + 1] != '"')
            return 0;
        size_t name_len = i - name;
        i += 2;
        size_t val = i;
        while (i < n && p[i] != '"')
            i += p[i] == '\\' ? 2 : 1;
        if (i >= n)
            return 0;
        for (size_t k = 0; k < N_LOKI_NAMES; k++)
            if (strlen(loki_names[k].label) == name_len && memcmp(p + name, loki_names[k].label, name_len) == 0)
                vals[k] = (pgm_slice){p + val, i - val};
        i++;
        if (i < n && p[i] == '}')
            return i + 1;
        if (i + 1 >= n || p[i] != ',' || p[i + 1] != ' ')
            return 0;
        i += 2;
    }
}

/* A line that starts with an RFC 3339 time and a space, each coloured or
 * not (logcli, aws logs tail on a terminal): where what follows starts, 0
 * when the line does not; *time: where the time starts, *len: its length. */
static size_t time_then_space(const char *p, size_t n, pgm_envelope_line *out, size_t *time, size_t *len)
{
    size_t i = sgr_at(p, n);
    *time = i;
    *len = rfc3339_at(p + i, n - i, &out->t);
    if (!*len)
        return 0;
    i += *len;
    i += sgr_at(p + i, n - i);
    if (i >= n || p[i] != ' ')
        return 0;
    i++;
    return i + sgr_at(p + i, n - i);
}

/* logcli's default output: "TIME {LABELS}   <line>" (the time and labels
 * coloured on a terminal: those codes are skipped). */
static bool parse_loki(const char *p, size_t n, struct pgm_strbuf *scratch, pgm_envelope_line *out)
{
    size_t at, l, i = time_then_space(p, n, out, &at, &l);
    if (!i)
        return false;
    pgm_slice vals[N_LOKI_NAMES] = {{0}};
    size_t lab = loki_labels_at(p + i, n - i, vals);
    if (!lab)
        return false;
    pgm_slice whole = {p + i, lab};
    i += lab;
    while (i < n && p[i] == ' ') /* the padding to the widest label set */
        i++;
    i += sgr_at(p + i, n - i);
    if (i < n && p[i] == ' ')
        i++;
    loki_source(vals, whole, scratch, out);
    out->text = (pgm_slice){p + i, n - i};
    return true;
}

/* A CloudWatch log stream's name before the message: any bytes but ':'
 * and '*' (CloudWatch Logs' LogStream name pattern), here up to a space. */
#define PGM_CLOUDWATCH_STREAM_MAX 512u

/* aws logs tail: "2026-11-27T02:20:35.313000+00:00 STREAM <message>": the
 * time exactly as Python's isoformat(timespec='microseconds') writes a UTC
 * one, which tells it from kubectl's and Docker's nine digits and "Z". */
static bool parse_cloudwatch(const char *p, size_t n, pgm_envelope_line *out)
{
    size_t at, l, i = time_then_space(p, n, out, &at, &l);
    if (!i || l != 32 || p[at + 19] != '.' || memcmp(p + at + 26, "+00:00", 6) != 0)
        return false;
    size_t stream = i;
    while (i < n && p[i] != ' ' && p[i] != ':' && p[i] != '*' && p[i] != '\033' && i - stream < PGM_CLOUDWATCH_STREAM_MAX)
        i++;
    if (i == stream || i - stream >= PGM_CLOUDWATCH_STREAM_MAX || (i < n && p[i] != ' ' && p[i] != '\033'))
        return false;
    out->source = (pgm_slice){p + stream, i - stream};
    i += sgr_at(p + i, n - i);
    out->text = rest_after(p, n, i);
    return true;
}

/* The time journalctl's short forms start with; its length, 0 for none. */
static size_t journal_time_at(const char *p, size_t n, int year, pgm_envelope_line *out)
{
    pgm_ts_parse ts;
    size_t i;
    if (n > 15 && p[3] == ' ' && p[6] == ' ' && p[9] == ':' && p[12] == ':') {
        /* short, short-precise: "Nov 27 02:20:35[.861234]" in the exporter's zone */
        if (!pgm_ts_parse_bsd(p, n, year > 0 ? year : 1970, &out->t))
            return 0;
        i = 15;
        if (i < n && p[i] == '.') {
            int64_t scale = 100000, frac = 0;
            for (i++; i < n && is_digit(p[i]); i++, scale /= 10)
                frac += (p[i] - '0') * scale;
            out->t += frac;
        }
        if (year <= 0)
            out->t = PGM_TS_UNKNOWN;
        out->zone_guessed = true;
        out->yearless = true;
        return i;
    }
    if (n > 20 && p[3] == ' ' && is_digit(p[4]) && p[8] == '-' &&
        pgm_ts_parse_at(p + 4, n - 4, &ts)) {
        /* short-full: "Thu 2026-12-03 16:32:34[.648344] UTC" */
        out->t = ts.zone == PGM_TS_ZONE_UNKNOWN ? PGM_TS_UNKNOWN : ts.us;
        out->zone_guessed = ts.zone == PGM_TS_ZONE_NONE;
        return 4 + ts.len;
    }
    if (n > 19 && p[10] == 'T' && pgm_ts_parse_at(p, n, &ts) && ts.zone == PGM_TS_ZONE_KNOWN) {
        out->t = ts.us; /* short-iso, short-iso-precise */
        return ts.len;
    }
    /* short-unix: "1796315554.648344", always microseconds (a server's %n
     * prints milliseconds: "1796287435.077") */
    int64_t secs = 0;
    for (i = 0; i < n && i < 12 && is_digit(p[i]); i++)
        secs = secs * 10 + (p[i] - '0');
    if (i < 9 || i >= n || p[i] != '.')
        return 0;
    int64_t frac = 0;
    size_t f = ++i;
    for (; i < n && is_digit(p[i]); i++)
        if (i - f < 6)
            frac = frac * 10 + (p[i] - '0');
    if (i - f != 6)
        return 0;
    out->t = secs * 1000000 + frac;
    return i;
}

/* systemd shows each tab as 8 spaces (logs-show.c); at the start of a line
 * they were tabs, which the readers take as a continuation mark. */
static pgm_slice untab(pgm_slice s, struct pgm_strbuf *scratch)
{
    if (s.n < 8 || memcmp(s.p, "        ", 8) != 0)
        return s;
    pgm_strbuf_reset(scratch);
    size_t i = 0;
    while (s.n - i >= 8 && memcmp(s.p + i, "        ", 8) == 0) {
        if (pgm_strbuf_add(scratch, "\t", 1) != 0)
            return s;
        i += 8;
    }
    if (pgm_strbuf_add(scratch, s.p + i, s.n - i) != 0)
        return s;
    return (pgm_slice){scratch->p, scratch->len};
}

static bool parse_journal(const char *p, size_t n, int year, size_t indent, struct pgm_strbuf *scratch,
                          pgm_envelope_line *out, size_t *width)
{
    if (n >= 6 && starts(p, n, "-- ") && memcmp(p + n - 3, " --", 3) == 0) {
        out->decoration = true; /* "-- Boot 5c1e... --", "-- No entries --" */
        return true;
    }
    if (indent && n >= indent) {
        size_t k = 0;
        while (k < indent && p[k] == ' ')
            k++;
        if (k == indent) {
            out->continuation = true;
            out->text = untab((pgm_slice){p + indent, n - indent}, scratch);
            return true;
        }
    }
    size_t i = journal_time_at(p, n, year, out);
    if (!i || i >= n || p[i] != ' ')
        return false;
    i++;
    /* a host name: letters, digits, '-', '.', '_' (never a server's "[123]") */
    const char *host_end = memchr(p + i, ' ', n - i);
    if (!host_end || host_end == p + i)
        return false;
    for (const char *h = p + i; h < host_end; h++)
        if (!is_digit(*h) && !(*h >= 'a' && *h <= 'z') && !(*h >= 'A' && *h <= 'Z') && *h != '-' && *h != '.' &&
            *h != '_')
            return false;
    out->host = (pgm_slice){p + i, (size_t)(host_end - p) - i};
    i = (size_t)(host_end - p) + 1;
    /* IDENT[PID]: or IDENT: */
    size_t ident = i;
    while (i < n && p[i] != ':' && p[i] != '[' && p[i] != ' ')
        i++;
    if (i == ident || i >= n)
        return false;
    out->source = (pgm_slice){p + ident, i - ident};
    if (p[i] == '[') {
        size_t pid = ++i;
        while (i < n && is_digit(p[i]))
            i++;
        if (i == pid || i >= n || p[i] != ']')
            return false;
        out->pid = (pgm_slice){p + pid, i - pid};
        i++;
    }
    if (i >= n || p[i] != ':')
        return false;
    i++;
    if (i < n && p[i] != ' ')
        return false;
    if (i < n)
        i++;
    *width = i;
    out->text = untab((pgm_slice){p + i, n - i}, scratch);
    return true;
}

/* A MESSAGE journald could not show as text: a JSON array of byte values. */
static bool bytes_of_array(const char *v, struct pgm_strbuf *scratch)
{
    pgm_strbuf_reset(scratch);
    const char *q = v;
    if (*q++ != '[')
        return false;
    while (*q) {
        while (*q == ' ' || *q == ',')
            q++;
        if (*q == ']')
            return true;
        unsigned b = 0;
        size_t d = 0;
        for (; is_digit(*q) && d < 4; q++, d++)
            b = b * 10 + (unsigned)(*q - '0');
        if (!d || b > 255)
            return false;
        unsigned char c = (unsigned char)b;
        if (pgm_strbuf_add(scratch, &c, 1) != 0)
            return false;
    }
    return false;
}

/* The value of `key`, with its C-string length, which the parse kept, in
 * *len and its type in *type (when wanted); NULL when absent. */
static inline const char *jvalue(const pgm_jsonflat *j, const char *key, enum pgm_json_type *type, size_t *len)
{
    const pgm_json_pair *pr = pgm_jsonflat_find(j, key, strlen(key));
    if (type)
        *type = pr ? pr->type : PGM_JT_NULL; /* set either way: callers test it beside the value */
    *len = pr ? pr->text_len : 0;
    return pr ? j->buf.p + pr->val : NULL;
}

/* A line that is one JSON object, flattened into `j`. */
static bool json_object(const char *p, size_t n, pgm_jsonflat *j)
{
    char err[64];
    return n && p[0] == '{' && pgm_jsonflat_parse(j, p, n, err, sizeof err);
}

static bool parse_journal_json(const char *p, size_t n, struct pgm_strbuf *scratch, pgm_jsonflat *j,
                               pgm_envelope_line *out)
{
    if (n && p[0] == '\x1e') /* json-seq: RFC 7464's record separator */
        p++, n--;
    if (!json_object(p, n, j))
        return false;
    enum pgm_json_type type;
    size_t msg_len, len;
    const char *msg = jvalue(j, "MESSAGE", &type, &msg_len);
    const char *rt = jvalue(j, "__REALTIME_TIMESTAMP", NULL, &len);
    if (!rt)
        return false;
    if (msg && type == PGM_JT_ARRAY && bytes_of_array(msg, scratch))
        out->text = (pgm_slice){scratch->p, scratch->len};
    else if (msg && type == PGM_JT_STRING)
        out->text = (pgm_slice){msg, msg_len};
    else
        out->text = (pgm_slice){"", 0};
    /* microseconds since the epoch: digits only, 18 at most (no overflow, no sign) */
    int64_t us = 0;
    size_t k = 0;
    for (; k < 18 && is_digit(rt[k]); k++)
        us = us * 10 + (rt[k] - '0');
    out->t = k && !rt[k] ? us : PGM_TS_UNKNOWN;
    const char *src = jvalue(j, "_SYSTEMD_UNIT", NULL, &len);
    if (!src)
        src = jvalue(j, "SYSLOG_IDENTIFIER", NULL, &len);
    if (!src)
        src = jvalue(j, "_COMM", NULL, &len);
    if (src)
        out->source = (pgm_slice){src, len};
    const char *pid = jvalue(j, "_PID", NULL, &len);
    if (pid)
        out->pid = (pgm_slice){pid, len};
    const char *host = jvalue(j, "_HOSTNAME", NULL, &len);
    if (host)
        out->host = (pgm_slice){host, len};
    return true;
}

/* A JSON wrapper line: the object at p whose `text_key` is a string and
 * which has a `time_key`; its text (*len bytes), and its time when that has
 * a zone. */
static inline const char *json_wrapper(const char *p, size_t n, pgm_jsonflat *j, const char *text_key,
                                       const char *time_key, pgm_envelope_line *out, size_t *len)
{
    if (!json_object(p, n, j))
        return NULL;
    enum pgm_json_type type;
    size_t time_len;
    const char *text = jvalue(j, text_key, &type, len);
    const char *time = jvalue(j, time_key, NULL, &time_len);
    if (!text || type != PGM_JT_STRING || !time)
        return NULL;
    pgm_ts_parse ts;
    out->t = pgm_ts_parse_at(time, time_len, &ts) && ts.zone == PGM_TS_ZONE_KNOWN ? ts.us : PGM_TS_UNKNOWN;
    return text;
}

static bool parse_docker(const char *p, size_t n, pgm_jsonflat *j, pgm_envelope_line *out)
{
    size_t len;
    const char *log = json_wrapper(p, n, j, "log", "time", out, &len);
    if (!log)
        return false;
    out->partial = !len || log[len - 1] != '\n';
    out->text = (pgm_slice){log, out->partial ? len : len - 1};
    const char *stream = jvalue(j, "stream", NULL, &len);
    out->stderr_stream = stream && strcmp(stream, "stderr") == 0;
    /* its attrs (the daemon's --log-opt tag, labels, env): the container's
     * name as the one who ran it gave it */
    static const char *const names[] = {"attrs.tag", "attrs.com.docker.compose.service",
                                        "attrs.io.kubernetes.container.name", "attrs.com.docker.swarm.service.name",
                                        NULL};
    for (const char *const *k = names; *k && !out->source.n; k++) {
        const char *v = jvalue(j, *k, NULL, &len);
        if (v && *v)
            out->source = (pgm_slice){v, len};
    }
    return true;
}

/* The source of a Loki entry from its "labels" object. */
static void loki_json_source(pgm_jsonflat *j, struct pgm_strbuf *scratch, pgm_envelope_line *out)
{
    pgm_slice vals[N_LOKI_NAMES] = {{0}};
    for (size_t k = 0; k < N_LOKI_NAMES; k++) {
        const char *v = pgm_jsonflat_get(j, loki_names[k].json_key, NULL);
        if (v)
            vals[k] = (pgm_slice){v, strlen(v)};
    }
    loki_source(vals, (pgm_slice){"{}", 2}, scratch, out);
}

/* logcli --output=jsonl: {"labels":{...},"line":"...","timestamp":"..."}. */
static bool parse_loki_json(const char *p, size_t n, struct pgm_strbuf *scratch, pgm_jsonflat *j,
                            pgm_envelope_line *out)
{
    size_t len;
    const char *line = json_wrapper(p, n, j, "line", "timestamp", out, &len);
    if (!line)
        return false;
    loki_json_source(j, scratch, out);
    out->text = (pgm_slice){line, len};
    return true;
}

/* A string of 1 to `max` digits and nothing else, its value into *v
 * (false past INT64_MAX). */
static bool all_digits(const char *s, size_t max, int64_t *v)
{
    int64_t x = 0;
    size_t k = 0;
    for (; k < max && is_digit(s[k]); k++) {
        int d = s[k] - '0';
        if (x > (INT64_MAX - d) / 10)
            return false;
        x = x * 10 + d;
    }
    *v = x;
    return k && !s[k];
}

/* A message's text without the end of line an agent sent with it. */
static pgm_slice without_newline(const char *s)
{
    size_t len = strlen(s);
    if (len && s[len - 1] == '\n')
        len--;
    if (len && s[len - 1] == '\r')
        len--;
    return (pgm_slice){s, len};
}

/* One of Loki's values as envelope/document.h hands it on: {"labels":
 * {...}, "timestamp": "<ns>", "line": "..."}, the time in nanoseconds since
 * the epoch as a string of digits (Loki's pkg/loghttp). */
static bool parse_loki_api(const char *p, size_t n, struct pgm_strbuf *scratch, pgm_jsonflat *j,
                           pgm_envelope_line *out)
{
    if (!json_object(p, n, j))
        return false;
    enum pgm_json_type ltype, ttype;
    const char *line = pgm_jsonflat_get(j, "line", &ltype);
    const char *ns = pgm_jsonflat_get(j, "timestamp", &ttype);
    if (!line || ltype != PGM_JT_STRING || !ns || ttype != PGM_JT_STRING)
        return false;
    /* nanoseconds since the epoch: 19 digits until the year 2262 */
    int64_t v;
    if (!all_digits(ns, 19, &v))
        return false;
    out->t = v / 1000;
    loki_json_source(j, scratch, out);
    out->text = without_newline(line);
    return true;
}

/* Whether the flattened object has a key `name` or keys under it ("name."). */
static bool has_member(const pgm_jsonflat *j, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < j->n; i++) {
        const char *k = j->buf.p + j->pairs[i].key;
        if (strncmp(k, name, n) == 0 && (k[n] == '\0' || k[n] == '.'))
            return true;
    }
    return false;
}

/* The first of `keys` the object has as a string (`empty`: an empty one
 * too), or NULL. */
static const char *first_string(const pgm_jsonflat *j, const char *const *keys, bool empty)
{
    for (; *keys; keys++) {
        enum pgm_json_type type;
        const char *v = pgm_jsonflat_get(j, *keys, &type);
        if (v && (*v || empty) && type == PGM_JT_STRING)
            return v;
    }
    return NULL;
}

/* A Cloud Logging LogEntry (the API's LogEntry resource): its time, its
 * payload, and a name or id that only a log entry has. Cloud SQL's entries
 * are handed on whole, as an export to Cloud Storage writes them (the
 * "cloudsql" format reads them: its payload's prefix has no time, the
 * entry's has); another resource's (a GKE container, Cloud Run) its text,
 * textPayload or jsonPayload's message. Named by the resource's labels. */
static bool parse_cloud_logging(const char *p, size_t n, struct pgm_strbuf *scratch, pgm_jsonflat *j,
                                pgm_envelope_line *out)
{
    if (!json_object(p, n, j))
        return false;
    enum pgm_json_type type;
    const char *time = pgm_jsonflat_get(j, "timestamp", &type);
    if (!time || type != PGM_JT_STRING ||
        !(has_member(j, "textPayload") || has_member(j, "jsonPayload") || has_member(j, "protoPayload")) ||
        !(has_member(j, "logName") || has_member(j, "insertId") || has_member(j, "resource")))
        return false;
    pgm_ts_parse ts;
    out->t = pgm_ts_parse_at(time, strlen(time), &ts) && ts.zone == PGM_TS_ZONE_KNOWN ? ts.us : PGM_TS_UNKNOWN;
    const char *rtype = pgm_jsonflat_get(j, "resource.type", NULL);
    const char *log_name = pgm_jsonflat_get(j, "logName", NULL);
    if ((rtype && strcmp(rtype, "cloudsql_database") == 0) || (log_name && strstr(log_name, "cloudsql.googleapis.com"))) {
        static const char *const db[] = {"resource.labels.database_id", NULL};
        const char *name = first_string(j, db, false);
        out->source = name ? (pgm_slice){name, strlen(name)} : (pgm_slice){"cloudsql", 8};
        out->text = (pgm_slice){p, n};
        return true;
    }
    static const char *const payload[] = {"textPayload", "jsonPayload.message", NULL};
    const char *text = first_string(j, payload, true); /* an empty line is a line */
    if (!text)
        return false; /* an audit log's protoPayload, a structured payload without a message: no line */
    size_t len = strlen(text);
    if (len && text[len - 1] == '\n')
        len--;
    out->text = (pgm_slice){text, len};
    /* a JSON line's stack trace, which the logging agent keeps in the
     * payload beside its message (logstash-logback-encoder's stack_trace,
     * ECS's error.stack_trace, log4j2's exception): under the message, as a
     * text log prints it, so that a leak's frames stay its evidence */
    static const char *const traces[] = {"jsonPayload.stack_trace", "jsonPayload.error.stack_trace",
                                         "jsonPayload.exception", NULL};
    const char *trace = text == pgm_jsonflat_get(j, "jsonPayload.message", NULL) ? first_string(j, traces, false) : NULL;
    pgm_strbuf_reset(scratch);
    size_t text_len = 0;
    if (trace) {
        size_t tlen = strlen(trace);
        while (tlen && (trace[tlen - 1] == '\n' || trace[tlen - 1] == '\r'))
            tlen--;
        if (pgm_strbuf_add(scratch, text, len) || pgm_strbuf_add(scratch, "\n", 1) ||
            pgm_strbuf_add(scratch, trace, tlen))
            pgm_strbuf_reset(scratch); /* past the buffer: the message alone */
        text_len = scratch->len;
    }
    /* a pod's containers apart (the application and its Cloud SQL Auth Proxy);
     * the name follows the text in scratch, both taken once it is written */
    static const char *const pod[] = {"resource.labels.pod_name", NULL}, *const container[] = {
                                          "resource.labels.container_name", NULL};
    const char *pod_name = first_string(j, pod, false), *container_name = first_string(j, container, false);
    bool named = pod_name && container_name && !pgm_strbuf_addstr(scratch, pod_name) &&
                 !pgm_strbuf_add(scratch, "/", 1) && !pgm_strbuf_addstr(scratch, container_name);
    if (text_len)
        out->text = (pgm_slice){scratch->p, text_len};
    if (named) {
        out->source = (pgm_slice){scratch->p + text_len, scratch->len - text_len};
        return true;
    }
    static const char *const names[] = {"resource.labels.pod_name", "resource.labels.container_name",
                                        "resource.labels.service_name", "resource.labels.instance_id",
                                        "resource.labels.function_name", "logName", NULL};
    const char *name = first_string(j, names, false);
    if (name)
        out->source = (pgm_slice){name, strlen(name)};
    return true;
}

/* A CloudWatch Logs event (the API's FilteredLogEvent, OutputLogEvent): its
 * message, its time in milliseconds since the epoch, its log stream (absent
 * from get-log-events, which reads one). */
static bool parse_cloudwatch_json(const char *p, size_t n, pgm_jsonflat *j, pgm_envelope_line *out)
{
    if (!json_object(p, n, j))
        return false;
    enum pgm_json_type mtype, ttype;
    const char *msg = pgm_jsonflat_get(j, "message", &mtype);
    const char *ms = pgm_jsonflat_get(j, "timestamp", &ttype);
    if (!msg || mtype != PGM_JT_STRING || !ms || ttype != PGM_JT_NUMBER ||
        !(has_member(j, "logStreamName") || has_member(j, "eventId") || has_member(j, "ingestionTime")))
        return false;
    /* digits only, 15 at most: milliseconds to the year 33658, no overflow */
    int64_t v;
    out->t = all_digits(ms, 15, &v) ? v * 1000 : PGM_TS_UNKNOWN;
    out->text = without_newline(msg);
    const char *stream = pgm_jsonflat_get(j, "logStreamName", NULL);
    if (stream)
        out->source = (pgm_slice){stream, strlen(stream)};
    return true;
}

bool pgm_envelope_parse(const pgm_envelope *env, const char *line, size_t n, int year, size_t indent,
                        struct pgm_strbuf *scratch, struct pgm_jsonflat *json, pgm_envelope_line *out,
                        size_t *prefix_width)
{
    memset(out, 0, sizeof *out);
    out->t = PGM_TS_UNKNOWN;
    size_t width = 0;
    bool ok = false;
    switch (env->kind) {
    case PGM_ENVELOPE_CRI: ok = parse_cri(line, n, out); break;
    case PGM_ENVELOPE_DOCKER: ok = parse_docker(line, n, json, out); break;
    case PGM_ENVELOPE_KUBECTL: ok = parse_kubectl(env, line, n, out); break;
    case PGM_ENVELOPE_JOURNAL: ok = parse_journal(line, n, year, indent, scratch, out, &width); break;
    case PGM_ENVELOPE_JOURNAL_JSON: ok = parse_journal_json(line, n, scratch, json, out); break;
    case PGM_ENVELOPE_STERN: ok = parse_stern(line, n, scratch, out); break;
    case PGM_ENVELOPE_COMPOSE: ok = parse_compose(env, line, n, out); break;
    case PGM_ENVELOPE_LOKI: ok = parse_loki(line, n, scratch, out); break;
    case PGM_ENVELOPE_LOKI_JSON: ok = parse_loki_json(line, n, scratch, json, out); break;
    case PGM_ENVELOPE_CLOUDWATCH: ok = parse_cloudwatch(line, n, out); break;
    case PGM_ENVELOPE_CLOUD_LOGGING: ok = parse_cloud_logging(line, n, scratch, json, out); break;
    case PGM_ENVELOPE_CLOUDWATCH_JSON: ok = parse_cloudwatch_json(line, n, json, out); break;
    case PGM_ENVELOPE_LOKI_API: ok = parse_loki_api(line, n, scratch, json, out); break;
    case PGM_ENVELOPE_JOURNAL_EXPORT:
    case PGM_ENVELOPE_NONE: break;
    }
    if (prefix_width)
        *prefix_width = ok ? (out->continuation ? indent : width) : 0;
    return ok;
}

/* ------------------------------------------------------------ detection */

/* The forms tried on each line of a head, most specific first. */
static const pgm_envelope candidates[] = {
    {PGM_ENVELOPE_CRI, false, false, false},
    {PGM_ENVELOPE_DOCKER, false, false, false},
    {PGM_ENVELOPE_JOURNAL_JSON, false, false, false},
    {PGM_ENVELOPE_LOKI_JSON, false, false, false},
    /* before kubectl --timestamps, whose form a time and a space also fit */
    {PGM_ENVELOPE_LOKI, false, false, false},
    {PGM_ENVELOPE_CLOUDWATCH, false, false, false},
    {PGM_ENVELOPE_KUBECTL, true, true, false},
    {PGM_ENVELOPE_KUBECTL, true, false, false},
    /* before a bare RFC 3339 time: journalctl -o short-iso's line starts with one */
    {PGM_ENVELOPE_JOURNAL, false, false, false},
    {PGM_ENVELOPE_KUBECTL, false, true, false},
    /* a name, spaces and a bar: --timestamps' form first, its time is exact */
    {PGM_ENVELOPE_COMPOSE, false, true, false},
    {PGM_ENVELOPE_COMPOSE, false, false, false},
    /* the weakest form: two names before the line; taken only when the lines
     * inside are of a known kind (pgm_unwrap_sniff) */
    {PGM_ENVELOPE_STERN, false, false, false},
};
#define N_CANDIDATES (sizeof candidates / sizeof candidates[0])
_Static_assert(N_CANDIDATES <= PGM_ENVELOPE_MAX_CANDIDATES, "every form fits the candidates' array");

/* journalctl -o export: its first entry starts with the cursor or the time. */
static bool is_export(const unsigned char *head, size_t n)
{
    const char *p = (const char *)head;
    return (starts(p, n, "__CURSOR=") || starts(p, n, "__REALTIME_TIMESTAMP=")) &&
           memmem(p, n, "\nMESSAGE", 8) != NULL;
}

/* A JSON document of log entries: the form of the first of its entries the
 * head holds whole that is one (an audit log's entry, which holds no line,
 * may come first), PGM_ENVELOPE_NONE when none is: a pg_stat_activity
 * array's rows. At most PGM_ENVELOPE_DETECT_LINES entries are looked at. */
static enum pgm_envelope_kind document_form(const unsigned char *head, size_t n, struct pgm_strbuf *scratch,
                                            pgm_jsonflat *j)
{
    enum pgm_envelope_kind kind = PGM_ENVELOPE_NONE;
    if (!pgm_document_opens((const char *)head, n))
        return kind;
    static const enum pgm_envelope_kind forms[] = {PGM_ENVELOPE_CLOUD_LOGGING, PGM_ENVELOPE_CLOUDWATCH_JSON,
                                                   PGM_ENVELOPE_LOKI_API};
    pgm_document_scan d;
    pgm_document_scan_init(&d, n);
    const char *p = (const char *)head, *end = p + n;
    uint64_t lineno = 0;
    unsigned entries = 0;
    while (p < end && !kind && entries < PGM_ENVELOPE_DETECT_LINES) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p), pos = 0;
        lineno++;
        while (!kind && entries < PGM_ENVELOPE_DETECT_LINES && pgm_document_scan_line(&d, p, len, &pos, lineno)) {
            entries++;
            for (size_t f = 0; !d.entry_cut && f < sizeof forms / sizeof forms[0] && !kind; f++) {
                pgm_envelope env = {forms[f], false, false, false};
                pgm_envelope_line l;
                if (pgm_envelope_parse(&env, d.entry.p, d.entry.len, 0, 0, scratch, j, &l, NULL))
                    kind = forms[f];
            }
        }
        p = nl ? nl + 1 : end;
    }
    pgm_document_scan_free(&d);
    return kind;
}

size_t pgm_envelope_candidates(const unsigned char *head, size_t n, bool complete,
                               pgm_envelope out[PGM_ENVELOPE_MAX_CANDIDATES])
{
    if (is_export(head, n)) {
        out[0] = (pgm_envelope){PGM_ENVELOPE_JOURNAL_EXPORT, false, false, false};
        return 1;
    }
    if (!n || (!pgm_document_opens((const char *)head, n) && head[0] != '{' && head[0] != '\x1e' &&
               head[0] != '[' && head[0] != '\033' && !is_digit((char)head[0]) &&
               !(head[0] >= 'A' && head[0] <= 'Z') && !(head[0] >= 'a' && head[0] <= 'z') && head[0] != '-'))
        return 0; /* every form starts with one of these */
    unsigned hits[N_CANDIDATES] = {0};
    size_t indent[N_CANDIDATES] = {0};
    unsigned looked = 0;
    pgm_strbuf scratch;
    pgm_strbuf_init(&scratch, 1u << 20);
    pgm_jsonflat *j = malloc(sizeof *j);
    if (!j) {
        pgm_strbuf_free(&scratch);
        return 0;
    }
    pgm_jsonflat_init(j);
    enum pgm_envelope_kind document = document_form(head, n, &scratch, j);
    if (document != PGM_ENVELOPE_NONE) {
        pgm_jsonflat_free(j);
        free(j);
        pgm_strbuf_free(&scratch);
        out[0] = (pgm_envelope){document, false, false, false};
        return 1;
    }
    const char *p = (const char *)head, *end = p + n;
    while (p < end && looked < PGM_ENVELOPE_DETECT_LINES) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl && !complete)
            break; /* the head's last line may be cut */
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len) {
            looked++;
            for (size_t c = 0; c < N_CANDIDATES; c++) {
                pgm_envelope_line l;
                size_t w = 0;
                if (pgm_envelope_parse(&candidates[c], p, len, 2000, indent[c], &scratch, j, &l, &w)) {
                    hits[c]++;
                    indent[c] = w;
                } else {
                    indent[c] = 0;
                }
            }
        }
        p = nl ? nl + 1 : end;
    }
    pgm_jsonflat_free(j);
    free(j);
    pgm_strbuf_free(&scratch);
    size_t found = 0;
    for (size_t c = 0; looked && c < N_CANDIDATES && found < PGM_ENVELOPE_MAX_CANDIDATES; c++)
        if ((uint64_t)hits[c] * 100 >= (uint64_t)looked * PGM_ENVELOPE_DETECT_SHARE)
            out[found++] = candidates[c];
    return found;
}
