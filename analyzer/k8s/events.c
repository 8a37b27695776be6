#include "k8s/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/jsonflat.h"
#include "text/timestamp.h"
#include "util/strbuf.h"

/* A table's columns, at most: kubectl get events -A -o wide has 11. */
#define COLUMNS_MAX 16u
/* A value kept (a message longer than this is cut: the kubelet's are short). */
#define VALUE_MAX 1024u

enum column { C_NAMESPACE, C_LAST_SEEN, C_TYPE, C_REASON, C_OBJECT, C_SUBOBJECT, C_SOURCE, C_MESSAGE,
              C_FIRST_SEEN, C_COUNT, C_NAME, C_OTHER };

struct pgm_k8s_events {
    bool json;
    pgm_k8s_event_cb cb;
    void *ctx;
    pgm_k8s_events_coverage cov;
    /* JSON: the document */
    pgm_strbuf doc;
    uint64_t doc_first_line;
    pgm_jsonflat flat;
    /* table: its header's columns */
    bool have_header;
    size_t n_cols, start[COLUMNS_MAX];
    enum column col[COLUMNS_MAX];
    char value[C_OTHER][VALUE_MAX];
    uint64_t pending;              /* the line of the row read, not yet handed over (0: none) */
};

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int pgm_k8s_events_open(pgm_k8s_events **out, bool json, pgm_k8s_event_cb cb, void *ctx)
{
    pgm_k8s_events *v = calloc(1, sizeof *v);
    if (!v)
        return PGM_FATAL;
    v->json = json;
    v->cb = cb;
    v->ctx = ctx;
    pgm_strbuf_init(&v->doc, PGM_K8S_EVENTS_MAX_BYTES);
    pgm_jsonflat_init(&v->flat);
    *out = v;
    return PGM_OK;
}

static void unreadable(pgm_k8s_events *v, uint64_t line)
{
    if (!v->cov.unreadable++)
        v->cov.first_unreadable = line;
}

static void hand_over(pgm_k8s_events *v, const pgm_k8s_event *e)
{
    v->cov.events++;
    v->cov.unplaced += e->first == PGM_TS_UNKNOWN && e->last == PGM_TS_UNKNOWN;
    if (v->cb)
        v->cb(v->ctx, e);
}

/* ------------------------------------------------------------------ table */

size_t pgm_k8s_table_columns(const char *header, size_t n, size_t *start, size_t cap)
{
    size_t k = 0, i = 0;
    while (i < n && k < cap) {
        while (i < n && is_space(header[i]))
            i++;
        if (i >= n)
            break;
        start[k++] = i;
        /* a name runs to two spaces (or a tab) */
        while (i < n && !(header[i] == '\t' || (header[i] == ' ' && (i + 1 >= n || is_space(header[i + 1])))))
            i++;
    }
    return k;
}

static enum column column_named(const char *p, size_t n)
{
    static const struct {
        const char *name;
        enum column c;
    } names[] = {{"NAMESPACE", C_NAMESPACE}, {"LAST SEEN", C_LAST_SEEN}, {"TYPE", C_TYPE},
                 {"REASON", C_REASON}, {"OBJECT", C_OBJECT}, {"SUBOBJECT", C_SUBOBJECT},
                 {"SOURCE", C_SOURCE}, {"MESSAGE", C_MESSAGE}, {"FIRST SEEN", C_FIRST_SEEN},
                 {"COUNT", C_COUNT}, {"NAME", C_NAME}};
    while (n && is_space(p[n - 1]))
        n--;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && memcmp(p, names[i].name, n) == 0)
            return names[i].c;
    return C_OTHER;
}

static void table_header(pgm_k8s_events *v, const char *line, size_t n)
{
    v->n_cols = pgm_k8s_table_columns(line, n, v->start, COLUMNS_MAX);
    bool reason = false, type = false;
    for (size_t i = 0; i < v->n_cols; i++) {
        size_t end = i + 1 < v->n_cols ? v->start[i + 1] : n;
        v->col[i] = column_named(line + v->start[i], end - v->start[i]);
        reason |= v->col[i] == C_REASON;
        type |= v->col[i] == C_TYPE;
    }
    v->have_header = reason && type;
}

static long count_of(const char *s)
{
    long c = 0;
    for (; *s >= '0' && *s <= '9' && c < 100000000; s++)
        c = c * 10 + (*s - '0');
    return c;
}

static void table_row(pgm_k8s_events *v, const char *line, size_t n, uint64_t lineno)
{
    for (size_t c = 0; c < C_OTHER; c++)
        v->value[c][0] = '\0';
    for (size_t i = 0; i < v->n_cols; i++) {
        size_t from = v->start[i], to = i + 1 < v->n_cols ? v->start[i + 1] : n;
        if (from >= n)
            break;
        to = to < n ? to : n;
        /* a value starts at its column: a cell spilling into the next one is no row of this table */
        if (from > 0 && !is_space(line[from - 1]) && i > 0) {
            unreadable(v, lineno);
            return;
        }
        while (from < to && is_space(line[from]))
            from++;
        while (to > from && is_space(line[to - 1]))
            to--;
        if (v->col[i] == C_OTHER)
            continue;
        size_t l = to - from < VALUE_MAX - 1 ? to - from : VALUE_MAX - 1;
        memcpy(v->value[v->col[i]], line + from, l);
        v->value[v->col[i]][l] = '\0';
    }
    const char *type = v->value[C_TYPE];
    if ((strcmp(type, "Normal") != 0 && strcmp(type, "Warning") != 0) || !v->value[C_REASON][0]) {
        unreadable(v, lineno);
        return;
    }
    v->pending = lineno; /* its message may go on in the lines below */
}

static void flush_row(pgm_k8s_events *v)
{
    if (!v->pending)
        return;
    pgm_k8s_event e = {.type = v->value[C_TYPE], .reason = v->value[C_REASON], .object = v->value[C_OBJECT],
                       .namespace_name = v->value[C_NAMESPACE], .message = v->value[C_MESSAGE],
                       .source = v->value[C_SOURCE], .age = v->value[C_LAST_SEEN],
                       .first = PGM_TS_UNKNOWN, .last = PGM_TS_UNKNOWN, .count = count_of(v->value[C_COUNT]),
                       .line = v->pending};
    v->pending = 0;
    hand_over(v, &e);
}

/* A message of several lines goes on, indented, under its row (kubectl
 * prints it as it is): joined to it with a newline. */
static void row_goes_on(pgm_k8s_events *v, const char *line, size_t n)
{
    while (n && is_space(*line))
        line++, n--;
    char *m = v->value[C_MESSAGE];
    size_t used = strlen(m);
    if (used + 2 >= VALUE_MAX)
        return;
    size_t l = n < VALUE_MAX - used - 2 ? n : VALUE_MAX - used - 2;
    m[used] = '\n';
    memcpy(m + used + 1, line, l);
    m[used + 1 + l] = '\0';
}

/* ------------------------------------------------------------------- JSON */

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* One past the JSON value at p, or NULL when the text ends inside it. Strings
 * are skipped with their escapes; brackets are only counted (the parser of
 * each event object judges its form). */
static const char *skip_value(const char *p, const char *end)
{
    size_t depth = 0;
    do {
        if (p >= end)
            return NULL;
        char c = *p;
        if (c == '"') {
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\')
                    p++;
            if (p >= end)
                return NULL;
            p++;
        } else if (c == '{' || c == '[') {
            depth++;
            p++;
        } else if (c == '}' || c == ']') {
            if (!depth)
                return NULL;
            depth--;
            p++;
        } else if (depth) {
            p++;
        } else { /* a scalar */
            while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r' &&
                   *p != '\t')
                p++;
        }
    } while (depth);
    return p;
}

static const char *str(const pgm_jsonflat *j, const char *key)
{
    enum pgm_json_type t;
    const char *v = pgm_jsonflat_get(j, key, &t);
    return v && t == PGM_JT_STRING ? v : NULL;
}

static const char *first_of(const pgm_jsonflat *j, const char *const *keys)
{
    for (; *keys; keys++) {
        const char *v = str(j, *keys);
        if (v && *v)
            return v;
    }
    return "";
}

static int64_t time_of(const pgm_jsonflat *j, const char *const *keys)
{
    pgm_ts_parse ts;
    for (; *keys; keys++) {
        const char *v = str(j, *keys);
        if (v && *v && pgm_ts_parse_at(v, strlen(v), &ts) && ts.zone != PGM_TS_ZONE_UNKNOWN)
            return ts.us;
    }
    return PGM_TS_UNKNOWN;
}

static void event_object(pgm_k8s_events *v, const char *o, const char *e, uint64_t line)
{
    static const char *const k_reason[] = {"reason", NULL};
    static const char *const k_message[] = {"message", "note", NULL};
    static const char *const k_type[] = {"type", NULL};
    static const char *const k_kind[] = {"involvedObject.kind", "regarding.kind", NULL};
    static const char *const k_name[] = {"involvedObject.name", "regarding.name", NULL};
    static const char *const k_ns[] = {"involvedObject.namespace", "regarding.namespace", "metadata.namespace",
                                       NULL};
    static const char *const k_source[] = {"source.component", "reportingComponent", "reportingController", NULL};
    static const char *const k_first[] = {"firstTimestamp", "deprecatedFirstTimestamp", "eventTime",
                                          "metadata.creationTimestamp", NULL};
    static const char *const k_last[] = {"lastTimestamp", "deprecatedLastTimestamp", "series.lastObservedTime",
                                         "eventTime", NULL};
    char err[64];
    if (!pgm_jsonflat_parse(&v->flat, o, (size_t)(e - o), err, sizeof err)) {
        unreadable(v, line);
        return;
    }
    const char *reason = first_of(&v->flat, k_reason);
    if (!*reason) {
        unreadable(v, line);
        return;
    }
    /* "pod/orders-7d9c8b5f4-x2kq9", as kubectl names it */
    char object[VALUE_MAX];
    const char *kind = first_of(&v->flat, k_kind), *name = first_of(&v->flat, k_name);
    size_t k = 0;
    for (; kind[k] && k < 64; k++)
        object[k] = (char)(kind[k] >= 'A' && kind[k] <= 'Z' ? kind[k] - 'A' + 'a' : kind[k]);
    snprintf(object + k, sizeof object - k, "%s%s", k && *name ? "/" : "", name);
    enum pgm_json_type t;
    const char *count = pgm_jsonflat_get(&v->flat, "count", &t);
    if (!count || t != PGM_JT_NUMBER)
        count = pgm_jsonflat_get(&v->flat, "series.count", &t);
    pgm_k8s_event ev = {.type = first_of(&v->flat, k_type), .reason = reason, .object = object,
                        .namespace_name = first_of(&v->flat, k_ns), .message = first_of(&v->flat, k_message),
                        .source = first_of(&v->flat, k_source), .age = "",
                        .first = time_of(&v->flat, k_first), .last = time_of(&v->flat, k_last),
                        .count = count && t == PGM_JT_NUMBER ? count_of(count) : 0, .line = line};
    hand_over(v, &ev);
}

/* Line numbers of offsets met in order: the count of newlines up to them. */
typedef struct line_counter {
    const char *at;
    uint64_t line;
} line_counter;

static uint64_t line_at(line_counter *lc, const char *p)
{
    for (; lc->at < p; lc->at++)
        lc->line += *lc->at == '\n';
    return lc->line;
}

static bool is_key(const char *k, const char *end, const char *name)
{
    size_t l = strlen(name);
    return (size_t)(end - k) == l + 2 && memcmp(k + 1, name, l) == 0;
}

/* An object of the document: a List (its "items" are the events) or one
 * event (kubectl get events -o json --watch prints them one by one). */
static void document_object(pgm_k8s_events *v, const char *o, const char *e, line_counter *lc)
{
    const char *p = skip_ws(o + 1, e);
    bool list = false;
    while (p < e && *p == '"') {
        const char *key_end = skip_value(p, e);
        if (!key_end)
            break;
        const char *val = skip_ws(key_end, e);
        if (val >= e || *val != ':')
            break;
        val = skip_ws(val + 1, e);
        const char *val_end = skip_value(val, e);
        if (!val_end)
            break;
        if (is_key(p, key_end, "items") && *val == '[') {
            list = true;
            const char *q = skip_ws(val + 1, val_end);
            while (q < val_end && *q == '{') {
                const char *q_end = skip_value(q, val_end);
                if (!q_end)
                    break;
                event_object(v, q, q_end, line_at(lc, q));
                q = skip_ws(q_end, val_end);
                if (q < val_end && *q == ',')
                    q = skip_ws(q + 1, val_end);
            }
        }
        p = skip_ws(val_end, e);
        if (p < e && *p == ',')
            p = skip_ws(p + 1, e);
    }
    if (!list)
        event_object(v, o, e, line_at(lc, o));
}

static void read_document(pgm_k8s_events *v)
{
    const char *p = v->doc.p ? v->doc.p : "", *end = p + v->doc.len;
    line_counter lc = {p, v->doc_first_line};
    p = skip_ws(p, end);
    while (p < end) {
        const char *e = skip_value(p, end);
        if (!e || (*p != '{' && *p != '[')) {
            unreadable(v, line_at(&lc, p));
            return; /* the rest cannot be told apart */
        }
        if (*p == '{') {
            document_object(v, p, e, &lc);
        } else { /* an array of events */
            const char *q = skip_ws(p + 1, e);
            while (q < e && *q == '{') {
                const char *q_end = skip_value(q, e);
                if (!q_end)
                    break;
                event_object(v, q, q_end, line_at(&lc, q));
                q = skip_ws(q_end, e);
                if (q < e && *q == ',')
                    q = skip_ws(q + 1, e);
            }
        }
        p = skip_ws(e, end);
    }
}

/* ---------------------------------------------------------------- feeding */

void pgm_k8s_events_feed(pgm_k8s_events *v, const char *line, size_t n, uint64_t lineno)
{
    if (v->json) {
        if (!v->doc.len)
            v->doc_first_line = lineno;
        if (v->cov.lines_past || pgm_strbuf_add(&v->doc, line, n) != 0 || pgm_strbuf_add(&v->doc, "\n", 1) != 0)
            v->cov.lines_past++;
        return;
    }
    while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
        n--;
    if (!n)
        return;
    if (!v->have_header) {
        table_header(v, line, n);
        if (!v->have_header)
            unreadable(v, lineno);
        return;
    }
    if (v->pending && is_space(line[0])) {
        row_goes_on(v, line, n);
        return;
    }
    flush_row(v);
    table_row(v, line, n, lineno);
}

void pgm_k8s_events_finish(pgm_k8s_events *v)
{
    if (v->json)
        read_document(v);
    else
        flush_row(v);
}

const pgm_k8s_events_coverage *pgm_k8s_events_get_coverage(const pgm_k8s_events *v)
{
    return &v->cov;
}

void pgm_k8s_events_close(pgm_k8s_events *v)
{
    if (!v)
        return;
    pgm_strbuf_free(&v->doc);
    pgm_jsonflat_free(&v->flat);
    free(v);
}
