#define _GNU_SOURCE /* memmem */
#include "applog/applog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/jsonflat.h"
#include "text/timestamp.h"

struct pgm_app_reader {
    bool json;
    pgm_zone zone;
    int64_t wrapper_t;         /* the envelope's time of the line being read, or PGM_TS_UNKNOWN */
    pgm_app_cb cb;
    void *ctx;
    pgm_app_coverage cov;
    bool open;                 /* an entry is pending */
    bool trace_cut;            /* the pending entry's trace was cut (counted once) */
    pgm_strbuf head;           /* its first line (the slices point into it) */
    pgm_strbuf scratch;        /* the line being looked at */
    pgm_strbuf trace;
    pgm_app_record rec;
    pgm_jsonflat j;
    bool day_set;              /* pgm_app_set_day was called */
    int64_t day_us;            /* local midnight of the day times without a date fall in */
    int64_t last_tod_us;       /* the time of day read last, -1: none yet */
};

static const char *const levels[] = {"TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR",
                                     "FATAL", "SEVERE", "NOTICE", "CRITICAL"};

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* A level word at p (whole token, any of the usual spellings). */
static size_t level_at(const char *p, size_t n)
{
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
        size_t l = strlen(levels[k]);
        if (n >= l && memcmp(p, levels[k], l) == 0 && (n == l || is_space(p[l]) || p[l] == ']' ||
                                                       p[l] == ':'))
            return l;
    }
    return 0;
}

static pgm_slice trim(const char *p, size_t n)
{
    while (n && is_space(p[0]))
        p++, n--;
    while (n && is_space(p[n - 1]))
        n--;
    return (pgm_slice){p, n};
}

/* The offset of a time printed without a zone, from the envelope's UTC time
 * of its line: their difference, to the quarter hour (zones are whole
 * quarter hours: UTC+05:45, UTC+12:45), when the rest is under
 * PGM_APP_WRAPPER_SKEW_US (the runtime stamps a line as it reads it). */
static bool offset_from_wrapper(const pgm_app_reader *r, int64_t local_us, int64_t *offset_us)
{
    /* times of years 0 to 9999 and a little more: their difference cannot overflow */
    const int64_t bound = 1000000000000000000LL;
    if (r->wrapper_t == PGM_TS_UNKNOWN || r->wrapper_t < -bound || r->wrapper_t > bound || local_us < -bound ||
        local_us > bound)
        return false;
    const int64_t quarter = 15 * 60 * 1000000LL;
    int64_t diff = local_us - r->wrapper_t;
    int64_t q = (diff >= 0 ? diff + quarter / 2 : diff - quarter / 2) / quarter;
    int64_t rest = diff - q * quarter;
    if (q < -14 * 4 || q > 14 * 4 || rest > PGM_APP_WRAPPER_SKEW_US || rest < -PGM_APP_WRAPPER_SKEW_US)
        return false;
    *offset_us = q * quarter;
    return true;
}

static int64_t fix_time(pgm_app_reader *r, const pgm_ts_parse *ts)
{
    if (ts->zone == PGM_TS_ZONE_KNOWN)
        return ts->us;
    int64_t offset;
    if (offset_from_wrapper(r, ts->us, &offset)) {
        r->cov.zone_wrapper++;
        r->cov.wrapper_offset_s = (int32_t)(offset / 1000000);
        return ts->us - offset;
    }
    if (ts->zone == PGM_TS_ZONE_UNKNOWN && !r->zone.set)
        return PGM_TS_UNKNOWN;
    r->cov.zone_guessed++;
    return r->zone.set ? pgm_zone_to_utc(&r->zone, ts->us) : ts->us;
}

/* Parses the first line of an entry of a text layout. Spring Boot:
 *   TIME LEVEL PID --- [app] [thread] [trace,span] LOGGER : MESSAGE
 * Logback/Log4j2 patterns:
 *   TIME [thread] LEVEL LOGGER - MESSAGE,  TIME LEVEL [thread] LOGGER - MESSAGE
 *   [LEVEL] TIME [thread] LOGGER - MESSAGE */
/* Whether a line starts an entry: a time (after a "[LEVEL]" or not), then a
 * level within a window. Its time, where its time ends (*at) and where its
 * level is (*lv, SIZE_MAX: the one before the time); out->level is set. */
/* "HH:MM:SS", then ".fff" or ",fff" (logback's %d{HH:mm:ss.SSS}, log4j2's
 * %d{HH:mm:ss,SSS}): the time of day in microseconds, in ts (no zone). */
static bool time_of_day_at(const char *p, size_t n, pgm_ts_parse *ts, bool bracketed)
{
    if (n < 8 || p[2] != ':' || p[5] != ':')
        return false;
    for (size_t i = 0; i < 8; i++)
        if (i != 2 && i != 5 && (p[i] < '0' || p[i] > '9'))
            return false;
    int h = (p[0] - '0') * 10 + (p[1] - '0'), mi = (p[3] - '0') * 10 + (p[4] - '0'),
        sec = (p[6] - '0') * 10 + (p[7] - '0');
    if (h > 23 || mi > 59 || sec > 60)
        return false;
    size_t i = 8;
    int64_t frac = 0, scale = 100000;
    if (i + 1 < n && (p[i] == '.' || p[i] == ',') && p[i + 1] >= '0' && p[i + 1] <= '9')
        for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++, scale /= 10)
            frac += (p[i] - '0') * scale;
    if (i < n && !is_space(p[i]) && !(bracketed && p[i] == ']'))
        return false;
    memset(ts, 0, sizeof *ts);
    ts->us = ((int64_t)h * 3600 + mi * 60 + sec) * 1000000 + frac;
    ts->zone = PGM_TS_ZONE_NONE;
    ts->len = i;
    return true;
}

static bool head_of_entry(const char *s, size_t n, pgm_app_record *out, pgm_ts_parse *ts, size_t *at, size_t *lv,
                          bool *time_only)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    size_t first = level_at(s, n);
    if (first && first < n && is_space(s[first])) { /* Dropwizard: "WARN  [2026-11-27 02:20:54,123] logger: ..." */
        size_t k = first;
        while (k < n && is_space(s[k]))
            k++;
        pgm_ts_parse inner;
        if (k + 1 < n && s[k] == '[' && pgm_ts_parse_at(s + k + 1, n - k - 1, &inner) &&
            k + 1 + inner.len < n && s[k + 1 + inner.len] == ']') {
            out->level = (pgm_slice){s, first};
            *ts = inner;
            *time_only = false;
            *at = k + 2 + inner.len;
            *lv = SIZE_MAX;
            return true;
        }
    }
    if (n > 2 && s[0] == '[') { /* "[ERROR] 15:30:19.502 ..." */
        size_t l = level_at(s + 1, n - 1);
        if (l && 1 + l < n && s[1 + l] == ']') {
            out->level = (pgm_slice){s + 1, l};
            i = l + 2;
            while (i < n && is_space(s[i]))
                i++;
        }
    }
    *time_only = false;
    if (!pgm_ts_parse_at(s + i, n - i, ts)) {
        if (!time_of_day_at(s + i, n - i, ts, false))
            return false;
        *time_only = true;
    }
    i += ts->len;
    /* the level, within a window: after the time or after a [thread] */
    size_t end = n - i < PGM_APP_LEVEL_WINDOW ? n : i + PGM_APP_LEVEL_WINDOW;
    *lv = SIZE_MAX;
    for (size_t k = i; !out->level.n && k < end; k++)
        if ((k == i || is_space(s[k - 1]) || s[k - 1] == '[') && level_at(s + k, n - k)) {
            *lv = k;
            out->level = (pgm_slice){s + k, level_at(s + k, n - k)};
        }
    *at = i;
    return out->level.n > 0;
}

/* A time of day on the reader's day; the day moves on at midnight. */
static int64_t dated(pgm_app_reader *r, pgm_ts_parse *ts)
{
    if (!r->day_set) {
        r->cov.undated++;
        return PGM_TS_UNKNOWN;
    }
    const int64_t day = 86400 * 1000000LL;
    if (r->last_tod_us >= 0 && ts->us + day / 2 < r->last_tod_us)
        r->day_us += day; /* 23:59:59 then 00:00:01 */
    r->last_tod_us = ts->us;
    ts->us += r->day_us;
    r->cov.dated++;
    return fix_time(r, ts);
}

static bool parse_head(pgm_app_reader *r, const char *s, size_t n, pgm_app_record *out)
{
    pgm_ts_parse ts;
    size_t i, lv;
    bool time_only;
    if (!head_of_entry(s, n, out, &ts, &i, &lv, &time_only))
        return false;
    out->t = time_only ? dated(r, &ts) : fix_time(r, &ts);
    size_t k = lv != SIZE_MAX ? lv + out->level.n : i;
    if (lv != SIZE_MAX && lv > i) {
        /* "[thread] LEVEL": the bracket before the level */
        const char *open = memchr(s + i, '[', lv - i);
        const char *close = open ? memchr(open, ']', (size_t)(s + lv - open)) : NULL;
        if (open && close)
            out->thread = trim(open + 1, (size_t)(close - open - 1));
    }
    while (k < n && is_space(s[k]))
        k++;
    /* Spring Boot: PID --- */
    size_t p0 = k;
    while (k < n && s[k] >= '0' && s[k] <= '9')
        k++;
    if (k > p0)
        out->pid = (pgm_slice){s + p0, k - p0};
    while (k < n && is_space(s[k]))
        k++;
    bool boot = k + 3 <= n && memcmp(s + k, "---", 3) == 0;
    if (boot)
        k += 3;
    /* brackets: Boot's thread is the one 15 wide; else the first */
    while (k < n) {
        while (k < n && is_space(s[k]))
            k++;
        if (k >= n || s[k] != '[')
            break;
        const char *close = memchr(s + k, ']', n - k);
        if (!close)
            break;
        size_t w = (size_t)(close - s - k - 1);
        pgm_slice inner = {s + k + 1, w};
        if (!out->thread.n && (!boot || w == 15))
            out->thread = trim(inner.p, inner.n);
        else if (boot && !out->thread.n && !out->app.n)
            out->app = trim(inner.p, inner.n);
        k = (size_t)(close - s) + 1;
    }
    /* LOGGER then " : " (Boot) or " - ", or "LOGGER: " (Dropwizard) */
    size_t l0 = k;
    while (k < n && !is_space(s[k]))
        k++;
    out->logger = (pgm_slice){s + l0, k - l0};
    if (out->logger.n > 1 && out->logger.p[out->logger.n - 1] == ':')
        out->logger.n--;
    while (k < n && is_space(s[k]))
        k++;
    if (k + 1 < n && (s[k] == ':' || s[k] == '-') && s[k + 1] == ' ')
        k += 2;
    else if (k + 1 == n && (s[k] == ':' || s[k] == '-'))
        k++;
    out->message = (pgm_slice){s + k, n - k};
    return true;
}

/* A line no layout reads that holds one of HikariCP's own texts (a console
 * "[21:03:02] [thread/WARN]: ...", an excerpt pasted without its level): an
 * entry all the same, its message from that text on (a pool's name before
 * " - " with it), its time and level when they stand before it. Nothing
 * HikariCP wrote is lost for want of a layout. */
static bool anchored_head(pgm_app_reader *r, const char *s, size_t n, pgm_app_record *out)
{
    static const struct {
        const char *text;
        bool pool_first; /* "POOL - text" */
    } anchors[] = {{"Connection leak detection triggered", false},
                   {"Previously reported leaked connection ", false},
                   {" - Connection is not available, request timed out", true},
                   {" - Thread starvation or clock leap detected", true},
                   {" - Starting...", true},
                   {" - Start completed.", true}};
    const char *hit = NULL;
    for (size_t a = 0; a < sizeof anchors / sizeof anchors[0] && !hit; a++) {
        const char *h = memmem(s, n, anchors[a].text, strlen(anchors[a].text));
        if (h && anchors[a].pool_first)
            while (h > s && !is_space(h[-1]) && h[-1] != '|' && h[-1] != ']' && h[-1] != ':')
                h--; /* back to the pool's name */
        hit = h;
    }
    if (!hit)
        return false;
    memset(out, 0, sizeof *out);
    size_t before = (size_t)(hit - s);
    out->message = (pgm_slice){hit, n - before};
    /* a level before it: "WARN", "[thread/WARN]:", "| ERROR |" */
    for (size_t k = 0; k < before && !out->level.n; k++)
        if ((k == 0 || is_space(s[k - 1]) || s[k - 1] == '[' || s[k - 1] == '/' || s[k - 1] == '|') &&
            level_at(s + k, before - k))
            out->level = (pgm_slice){s + k, level_at(s + k, before - k)};
    /* a time before it: a date and time, else a time of day */
    pgm_ts_parse ts;
    out->t = PGM_TS_UNKNOWN;
    if (pgm_ts_find(s, before, before, &ts) && ts.offset + ts.len <= before) {
        out->t = fix_time(r, &ts);
    } else {
        for (size_t k = 0; k + 8 <= before; k++)
            if ((k == 0 || !(s[k - 1] >= '0' && s[k - 1] <= '9')) && time_of_day_at(s + k, before - k, &ts, true)) {
                out->t = dated(r, &ts);
                break;
            }
    }
    return true;
}

static void emit(pgm_app_reader *r)
{
    if (!r->open)
        return;
    r->open = false;
    /* the blank line Spring Boot writes after a trace is not part of it */
    size_t tn = r->trace.len;
    while (tn && (r->trace.p[tn - 1] == '\n' || r->trace.p[tn - 1] == ' '))
        tn--;
    const char *tp = r->trace.p ? r->trace.p : "";
    while (tn && *tp == '\n')
        tp++, tn--;
    r->rec.trace = (pgm_slice){tp, tn};
    r->cov.records++;
    if (r->rec.t == PGM_TS_UNKNOWN)
        r->cov.no_time++;
    if (r->cb)
        r->cb(r->ctx, &r->rec);
}

/* The line in scratch starts an entry: the entry keeps it (its slices point
 * into it), its trace starts empty. */
static void start_entry(pgm_app_reader *r, const pgm_app_record *rec, uint64_t lineno)
{
    pgm_strbuf tmp = r->head;
    r->head = r->scratch;
    r->scratch = tmp;
    r->rec = *rec;
    r->rec.line = r->rec.last_line = lineno;
    pgm_strbuf_reset(&r->trace);
    r->trace_cut = false;
    r->open = true;
}

static void text_line(pgm_app_reader *r, const char *line, size_t n, uint64_t lineno)
{
    pgm_app_record rec;
    /* parsed in a copy: if it starts an entry, the entry keeps the copy */
    pgm_strbuf_reset(&r->scratch);
    size_t keep = n < r->scratch.cap ? n : r->scratch.cap; /* a line of megabytes: its start */
    bool copied = pgm_strbuf_add(&r->scratch, line, keep) == 0;
    if (copied && parse_head(r, r->scratch.p, keep, &rec)) {
        r->cov.cut += keep < n;
        emit(r);
        start_entry(r, &rec, lineno);
        return;
    }
    if (copied && !r->open && keep == n && anchored_head(r, r->scratch.p, keep, &rec)) {
        start_entry(r, &rec, lineno);
        r->cov.anchored++;
        return;
    }
    if (!r->open) {
        if (n && !r->cov.unparsed++)
            r->cov.first_unparsed = lineno;
        return;
    }
    r->cov.trace_lines++;
    r->rec.last_line = lineno;
    /* a trace past the cap keeps its start; the entry is counted cut once */
    size_t room = r->trace.cap - r->trace.len;
    if (room && pgm_strbuf_add(&r->trace, "\n", 1) == 0)
        pgm_strbuf_add(&r->trace, line, n < room - 1 ? n : room - 1);
    if (n + 1 > room && !r->trace_cut) {
        r->trace_cut = true;
        r->cov.cut++;
    }
}

static pgm_slice jget(const pgm_app_reader *r, const char *const *keys)
{
    for (; *keys; keys++) {
        const char *v = pgm_jsonflat_get(&r->j, *keys, NULL);
        if (v && *v)
            return (pgm_slice){v, strlen(v)};
    }
    return (pgm_slice){"", 0};
}

static void json_line(pgm_app_reader *r, const char *line, size_t n, uint64_t lineno)
{
    static const char *const k_time[] = {"@timestamp", "timestamp", "time", NULL};
    static const char *const k_level[] = {"level", "log.level", "severity", NULL};
    static const char *const k_thread[] = {"thread_name", "process.thread.name", "thread", NULL};
    static const char *const k_logger[] = {"logger_name", "log.logger", "logger", NULL};
    static const char *const k_msg[] = {"message", "msg", NULL};
    static const char *const k_trace[] = {"stack_trace", "error.stack_trace", "exception", NULL};
    static const char *const k_app[] = {"service.name", "app_name", "application", "springAppName", NULL};
    /* ECS host.name, Logstash encoder HOSTNAME: tells replicas of one service apart */
    static const char *const k_host[] = {"host.name", "host.hostname", "HOSTNAME", "hostname", "host", NULL};
    char err[64];
    if (!n)
        return;
    if (!pgm_jsonflat_parse(&r->j, line, n, err, sizeof err)) {
        if (!r->cov.unparsed++)
            r->cov.first_unparsed = lineno;
        return;
    }
    memset(&r->rec, 0, sizeof r->rec);
    pgm_slice t = jget(r, k_time);
    pgm_ts_parse ts;
    r->rec.t = t.n && pgm_ts_parse_at(t.p, t.n, &ts) ? fix_time(r, &ts) : PGM_TS_UNKNOWN;
    r->rec.level = jget(r, k_level);
    r->rec.thread = jget(r, k_thread);
    r->rec.logger = jget(r, k_logger);
    r->rec.message = jget(r, k_msg);
    r->rec.app = jget(r, k_app);
    r->rec.host = jget(r, k_host);
    pgm_slice trace = jget(r, k_trace);
    pgm_strbuf_reset(&r->trace);
    pgm_strbuf_add(&r->trace, trace.p, trace.n);
    r->rec.line = r->rec.last_line = lineno;
    r->open = true;
    emit(r);
}

int pgm_app_open(pgm_app_reader **out, bool json, const pgm_zone *zone, pgm_app_cb cb, void *ctx)
{
    pgm_app_reader *r = calloc(1, sizeof *r);
    if (!r)
        return PGM_FATAL;
    r->json = json;
    if (zone)
        r->zone = *zone;
    r->cb = cb;
    r->ctx = ctx;
    pgm_strbuf_init(&r->head, PGM_APP_MAX_TRACE);
    pgm_strbuf_init(&r->scratch, PGM_APP_MAX_TRACE);
    pgm_strbuf_init(&r->trace, PGM_APP_MAX_TRACE);
    pgm_jsonflat_init(&r->j);
    *out = r;
    return PGM_OK;
}

void pgm_app_feed(pgm_app_reader *r, const char *line, size_t n, uint64_t lineno)
{
    pgm_app_feed_wrapped(r, line, n, lineno, PGM_TS_UNKNOWN);
}

void pgm_app_feed_wrapped(pgm_app_reader *r, const char *line, size_t n, uint64_t lineno, int64_t wrapper_t)
{
    r->wrapper_t = wrapper_t;
    r->cov.lines++;
    if (n && line[n - 1] == '\r')
        n--;
    if (r->json)
        json_line(r, line, n, lineno);
    else
        text_line(r, line, n, lineno);
}

void pgm_app_set_day(pgm_app_reader *r, int64_t day)
{
    r->day_set = true;
    r->day_us = day * 86400 * 1000000LL;
    r->last_tod_us = -1;
}

bool pgm_app_continues(const pgm_app_reader *r, const char *line, size_t n)
{
    if (r->json || !r->open)
        return false;
    pgm_app_record rec;
    pgm_ts_parse ts;
    size_t at, lv;
    bool time_only;
    n = n < PGM_APP_MAX_TRACE ? n : PGM_APP_MAX_TRACE;
    return !head_of_entry(line, n, &rec, &ts, &at, &lv, &time_only);
}

void pgm_app_finish(pgm_app_reader *r)
{
    emit(r);
}

const pgm_app_coverage *pgm_app_get_coverage(const pgm_app_reader *r)
{
    return &r->cov;
}

void pgm_app_close(pgm_app_reader *r)
{
    if (!r)
        return;
    pgm_strbuf_free(&r->head);
    pgm_strbuf_free(&r->scratch);
    pgm_strbuf_free(&r->trace);
    pgm_jsonflat_free(&r->j);
    free(r);
}

bool pgm_app_culprit(pgm_slice trace, const char *const *ignore, size_t n_ignore, char *frame, size_t frame_cap,
                     char *at, size_t at_cap, unsigned *frames)
{
    bool found = false;
    *frames = 0;
    for (const char *p = trace.p, *e = trace.p + trace.n; p < e;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        const char *q = p;
        while (q < le && is_space(*q))
            q++;
        if (le - q > 2 && q[0] == '!' && q[1] == ' ') /* Dropwizard marks its trace lines "! at ..." */
            for (q += 2; q < le && is_space(*q);)
                q++;
        if (le - q > 3 && memcmp(q, "at ", 3) == 0) {
            q += 3;
            (*frames)++;
            /* "java.base/java.lang.Thread.run(Thread.java:840)": drop the module */
            const char *paren = memchr(q, '(', (size_t)(le - q));
            const char *slash = memchr(q, '/', (size_t)((paren ? paren : le) - q));
            if (slash)
                q = slash + 1;
            size_t name_len = (size_t)((paren ? paren : le) - q);
            bool ignored = false;
            for (size_t k = 0; k < n_ignore && !ignored; k++)
                ignored = strlen(ignore[k]) <= name_len && memcmp(q, ignore[k], strlen(ignore[k])) == 0;
            if (!ignored && !found) {
                found = true;
                snprintf(frame, frame_cap, "%.*s", (int)name_len, q);
                const char *close = paren ? memchr(paren, ')', (size_t)(le - paren)) : NULL;
                if (paren && close)
                    snprintf(at, at_cap, "%.*s", (int)(close - paren - 1), paren + 1);
                else
                    snprintf(at, at_cap, "%s", "");
            }
        }
        p = nl ? nl + 1 : e;
    }
    return found;
}
