#include "k8s/describe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/timestamp.h"

/* Names and values kept, at most (a pod's name is at most 253 bytes). */
#define VALUE_MAX 256

struct pgm_k8s_describe {
    pgm_k8s_termination_cb cb;
    void *ctx;
    uint64_t count;
    bool in_containers;            /* inside "Containers:" or "Init Containers:" */
    char pod[VALUE_MAX], container[VALUE_MAX], reason[VALUE_MAX];
    bool open;                     /* a Terminated block is being read */
    pgm_k8s_termination cur;
    /* the Events table */
    pgm_k8s_event_cb on_event;
    void *event_ctx;
    char namespace_name[VALUE_MAX];
    enum { EV_NONE, EV_HEADER, EV_ROWS } events;
    size_t n_cols, col[8];
    uint64_t n_events;
};

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool pgm_k8s_rfc1123z(const char *p, size_t n, int64_t *us)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    /* "Www, DD Mon YYYY HH:MM:SS +ZZZZ": 31 bytes */
    if (n < 31 || p[3] != ',' || p[4] != ' ' || p[7] != ' ' || p[11] != ' ' || p[16] != ' ' || p[19] != ':' ||
        p[22] != ':' || p[25] != ' ' || (p[26] != '+' && p[26] != '-'))
        return false;
    const int at[] = {5, 6, 12, 13, 14, 15, 17, 18, 20, 21, 23, 24, 27, 28, 29, 30};
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++)
        if (!is_digit(p[at[k]]))
            return false;
    const char *m = NULL;
    for (int i = 0; i < 12 && !m; i++)
        if (memcmp(p + 8, months + 3 * i, 3) == 0)
            m = months + 3 * i;
    if (!m)
        return false;
    int day = (p[5] - '0') * 10 + (p[6] - '0');
    int year = ((p[12] - '0') * 10 + (p[13] - '0')) * 100 + (p[14] - '0') * 10 + (p[15] - '0');
    int hh = (p[17] - '0') * 10 + (p[18] - '0'), mi = (p[20] - '0') * 10 + (p[21] - '0');
    int ss = (p[23] - '0') * 10 + (p[24] - '0');
    int zh = (p[27] - '0') * 10 + (p[28] - '0'), zm = (p[29] - '0') * 10 + (p[30] - '0');
    if (day < 1 || day > 31 || hh > 23 || mi > 59 || ss > 60 || zh > 18 || zm > 59)
        return false;
    unsigned month = (unsigned)((m - months) / 3 + 1);
    int64_t secs = pgm_days_from_civil(year, month, (unsigned)day) * 86400 + hh * 3600 + mi * 60 + ss;
    int64_t zone = (zh * 3600 + zm * 60) * (p[26] == '-' ? -1 : 1);
    *us = (secs - zone) * 1000000;
    return true;
}

int pgm_k8s_describe_open(pgm_k8s_describe **out, pgm_k8s_termination_cb cb, void *ctx)
{
    pgm_k8s_describe *d = calloc(1, sizeof *d);
    if (!d)
        return PGM_FATAL;
    d->cb = cb;
    d->ctx = ctx;
    *out = d;
    return PGM_OK;
}

void pgm_k8s_describe_on_events(pgm_k8s_describe *d, pgm_k8s_event_cb cb, void *ctx)
{
    d->on_event = cb;
    d->event_ctx = ctx;
}

static size_t indent_of(const char *p, size_t n)
{
    size_t k = 0;
    while (k < n && p[k] == ' ')
        k++;
    return k;
}

/* "Key:" at p (after the indent): the value after it and the spaces
 * tabwriter aligned it with; false when the line is no such key. */
static bool key_value(const char *p, size_t n, const char *key, const char **v, size_t *vn)
{
    size_t l = strlen(key);
    if (n < l || memcmp(p, key, l) != 0)
        return false;
    size_t k = l;
    while (k < n && (p[k] == ' ' || p[k] == '\t'))
        k++;
    *v = p + k;
    *vn = n - k;
    while (*vn && ((*v)[*vn - 1] == ' ' || (*v)[*vn - 1] == '\r'))
        (*vn)--;
    return true;
}

static void copy(char *dst, const char *v, size_t n)
{
    n = n < VALUE_MAX - 1 ? n : VALUE_MAX - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static int number(const char *v, size_t n)
{
    int x = 0;
    size_t k = 0;
    for (; k < n && k < 6 && is_digit(v[k]); k++)
        x = x * 10 + (v[k] - '0');
    return k ? x : -1;
}

static void close_block(pgm_k8s_describe *d)
{
    if (!d->open)
        return;
    d->open = false;
    d->cur.pod = d->pod;
    d->cur.container = d->container;
    d->cur.reason = d->reason;
    d->count++;
    if (d->cb)
        d->cb(d->ctx, &d->cur);
}

/* One cell of an Events row: columns [k, k+1), trimmed. */
static void cell(const pgm_k8s_describe *d, const char *line, size_t n, size_t k, char *out)
{
    size_t from = d->col[k], to = k + 1 < d->n_cols ? d->col[k + 1] : n;
    from = from < n ? from : n;
    to = to < n ? to : n;
    while (from < to && line[from] == ' ')
        from++;
    while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\r'))
        to--;
    copy(out, line + from, to - from);
}

/* "  Warning  BackOff  2m (x4 over 3m)  kubelet  Back-off restarting ...",
 * under "  Type  Reason  Age  From  Message" and its "----" line. */
static void events_line(pgm_k8s_describe *d, const char *line, size_t n, uint64_t lineno)
{
    if (d->events == EV_HEADER) {
        d->n_cols = pgm_k8s_table_columns(line, n, d->col, sizeof d->col / sizeof d->col[0]);
        d->events = d->n_cols == 5 ? EV_ROWS : EV_NONE;
        return;
    }
    char type[VALUE_MAX], reason[VALUE_MAX], age[VALUE_MAX], from[VALUE_MAX], message[VALUE_MAX];
    char object[VALUE_MAX + 8];
    cell(d, line, n, 0, type);
    if (strncmp(type, "----", 4) == 0)
        return;
    cell(d, line, n, 1, reason);
    cell(d, line, n, 2, age);
    cell(d, line, n, 3, from);
    cell(d, line, n, 4, message);
    snprintf(object, sizeof object, "pod/%s", d->pod);
    const char *x = strstr(age, "(x");
    pgm_k8s_event e = {.type = type, .reason = reason, .object = object, .namespace_name = d->namespace_name,
                       .message = message, .source = from, .age = age, .first = PGM_TS_UNKNOWN,
                       .last = PGM_TS_UNKNOWN, .count = x ? number(x + 2, strlen(x + 2)) : 1, .line = lineno};
    if (!reason[0])
        return;
    d->n_events++;
    if (d->on_event)
        d->on_event(d->event_ctx, &e);
}

void pgm_k8s_describe_feed(pgm_k8s_describe *d, const char *line, size_t n, uint64_t lineno)
{
    size_t ind = indent_of(line, n);
    const char *p = line + ind, *v;
    size_t rest = n - ind, vn;
    if (d->open && ind <= 4)
        close_block(d);
    if (d->events != EV_NONE && ind > 0 && rest) {
        events_line(d, line, n, lineno);
        return;
    }
    if (ind == 0) {
        d->events = EV_NONE;
        if (key_value(p, rest, "Events:", &v, &vn)) {
            d->events = vn ? EV_NONE : EV_HEADER; /* "Events:  <none>" */
            return;
        }
        if (key_value(p, rest, "Namespace:", &v, &vn) && !d->namespace_name[0])
            copy(d->namespace_name, v, vn);
        d->in_containers = (rest >= 11 && memcmp(p, "Containers:", 11) == 0) ||
                           (rest >= 16 && memcmp(p, "Init Containers:", 16) == 0);
        if (key_value(p, rest, "Name:", &v, &vn) && !d->pod[0])
            copy(d->pod, v, vn);
        return;
    }
    if (!d->in_containers)
        return;
    if (ind == 2 && rest > 1 && p[rest - 1] == ':' && !memchr(p, ' ', rest)) {
        copy(d->container, p, rest - 1); /* "  orders:" */
        return;
    }
    bool state = ind == 4 && key_value(p, rest, "State:", &v, &vn);
    bool last = !state && ind == 4 && key_value(p, rest, "Last State:", &v, &vn);
    if (state || last) {
        if (vn >= 10 && memcmp(v, "Terminated", 10) == 0) {
            memset(&d->cur, 0, sizeof d->cur);
            d->cur.last = last;
            d->cur.exit_code = d->cur.signal = -1;
            d->cur.started = d->cur.finished = PGM_TS_UNKNOWN;
            d->cur.line = lineno;
            d->reason[0] = '\0';
            d->open = true;
        }
        return;
    }
    if (!d->open || ind != 6)
        return;
    if (key_value(p, rest, "Reason:", &v, &vn))
        copy(d->reason, v, vn);
    else if (key_value(p, rest, "Exit Code:", &v, &vn))
        d->cur.exit_code = number(v, vn);
    else if (key_value(p, rest, "Signal:", &v, &vn))
        d->cur.signal = number(v, vn);
    else if (key_value(p, rest, "Started:", &v, &vn) && !pgm_k8s_rfc1123z(v, vn, &d->cur.started))
        d->cur.started = PGM_TS_UNKNOWN;
    else if (key_value(p, rest, "Finished:", &v, &vn) && !pgm_k8s_rfc1123z(v, vn, &d->cur.finished))
        d->cur.finished = PGM_TS_UNKNOWN;
}

void pgm_k8s_describe_finish(pgm_k8s_describe *d)
{
    close_block(d);
}

uint64_t pgm_k8s_describe_count(const pgm_k8s_describe *d)
{
    return d->count;
}

uint64_t pgm_k8s_describe_events(const pgm_k8s_describe *d)
{
    return d->n_events;
}

void pgm_k8s_describe_close(pgm_k8s_describe *d)
{
    free(d);
}
