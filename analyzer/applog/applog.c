#define _GNU_SOURCE /* memmem */
#include "applog/applog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/jsonflat.h"
#include "text/timestamp.h"
#include "util/held_lines.h"

/* What comes with a line held while the reader tells whether the file is
 * written newest first. */
typedef struct app_held {
    uint64_t lineno;
    int64_t wrapper_t;
} app_held;

struct pgm_app_reader {
    bool json;
    /* the first PGM_APP_ORDER_LINES lines are held until their order is told;
     * a newest-first file is held whole (PGM_APP_REVERSE_MAX) and read
     * from its last line at the end, so that a trace follows its entry */
    bool order_decided, reversing;
    pgm_held_lines held;       /* each with its app_held */
    pgm_zone zone;
    int64_t wrapper_t;         /* the envelope's time of the line being read, or PGM_TS_UNKNOWN */
    pgm_app_cb cb;
    void *ctx;
    pgm_app_coverage cov;
    bool open;                 /* an entry is pending */
    bool trace_cut;            /* the pending entry's trace was cut (counted once) */
    pgm_strbuf head;           /* its first line (the slices point into it) */
    pgm_strbuf level_line;     /* java.util.logging's second line, when the entry has one */
    bool level_line_next;      /* the entry's level and message are on the next line */
    bool no_layout;            /* pgm_app_no_layout: every line that is no trace line is an entry */
    pgm_strbuf scratch;        /* the line being looked at */
    pgm_strbuf trace;
    pgm_app_record rec;
    pgm_jsonflat j;
    pgm_jsonflat frame;        /* one frame of log4j2's extendedStackTrace */
    bool day_set;              /* pgm_app_set_day was called */
    int64_t day_us;            /* local midnight of the day times without a date fall in */
    int64_t last_tod_us;       /* the time of day read last, -1: none yet */
};

static bool is_space(char c) { return c == ' ' || c == '\t'; }

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

static const char *hikari_anchor(const char *s, size_t n);

/* Parses the first line of an entry (applog/layout.h) and dates it. */
static bool parse_head(pgm_app_reader *r, const char *s, size_t n, pgm_app_record *out)
{
    pgm_app_head h;
    if (!pgm_app_parse_head(s, n, &h))
        return false;
    memset(out, 0, sizeof *out);
    out->t = h.when == PGM_APP_TIME_OF_DAY ? dated(r, &h.ts) : fix_time(r, &h.ts);
    out->level = h.level;
    out->thread = h.thread;
    out->logger = h.logger;
    out->message = h.message;
    out->app = h.app;
    out->pid = h.pid;
    r->level_line_next = h.level_line_next;
    /* HikariCP's text wherever it stands after the level: a pool's name
     * taken for the logger ("WARN [HikariPool] shop-db - Thread starvation
     * ..."), a table pasted with its columns ("WARN | App | ProxyLeakTask |
     * Connection leak ...") */
    const char *from = h.logger.n ? h.logger.p : h.message.p;
    const char *hit = from ? hikari_anchor(from, (size_t)(s + n - from)) : NULL;
    if (hit && hit != h.message.p)
        out->message = (pgm_slice){hit, (size_t)(s + n - hit)};
    return true;
}

/* Where one of HikariCP's own texts starts in s (a pool's name before
 * " - " with it), or NULL. */
static const char *hikari_anchor(const char *s, size_t n)
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
    return hit;
}

/* A line no layout reads that holds one of HikariCP's own texts (a console
 * "[21:03:02] [thread/WARN]: ...", an excerpt pasted without its level): an
 * entry all the same, its message from that text on (a pool's name before
 * " - " with it), its time and level when they stand before it. Nothing
 * HikariCP wrote is lost for want of a layout. */
static bool anchored_head(pgm_app_reader *r, const char *s, size_t n, pgm_app_record *out)
{
    const char *hit = hikari_anchor(s, n);
    if (!hit)
        return false;
    memset(out, 0, sizeof *out);
    size_t before = (size_t)(hit - s);
    out->message = (pgm_slice){hit, n - before};
    /* a level before it: "WARN", "[thread/WARN]:", "| ERROR |" */
    for (size_t k = 0; k < before && !out->level.n; k++)
        if ((k == 0 || is_space(s[k - 1]) || s[k - 1] == '[' || s[k - 1] == '/' || s[k - 1] == '|') &&
            pgm_app_level_at(s + k, before - k))
            out->level = (pgm_slice){s + k, pgm_app_level_at(s + k, before - k)};
    /* a time before it: a date and time, else a time of day */
    pgm_ts_parse ts;
    out->t = PGM_TS_UNKNOWN;
    if (pgm_ts_find(s, before, before, &ts) && ts.offset + ts.len <= before) {
        out->t = fix_time(r, &ts);
    } else {
        for (size_t k = 0; k + 8 <= before; k++)
            if ((k == 0 || !(s[k - 1] >= '0' && s[k - 1] <= '9')) && pgm_app_time_of_day_at(s + k, before - k, &ts)) {
                out->t = dated(r, &ts);
                break;
            }
    }
    return true;
}

/* An entry whose line printed no time takes its envelope's, when it has one:
 * when the runtime or the log service received the line (Cloud Logging's
 * and Loki's entries, kubectl --timestamps, CRI), the line's time to within
 * its delivery. */
static void wrapper_time(pgm_app_reader *r, pgm_app_record *rec)
{
    if (rec->t != PGM_TS_UNKNOWN || r->wrapper_t == PGM_TS_UNKNOWN)
        return;
    rec->t = r->wrapper_t;
    r->cov.wrapper_timed++;
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
    bool cut = keep < n;
    if (copied && memchr(r->scratch.p, '\x1b', keep)) { /* a coloured console: its text */
        keep = n = pgm_app_strip_ansi(r->scratch.p, keep);
        line = r->scratch.p; /* read as a trace line, it is added before scratch is used again */
    }
    if (r->open && r->level_line_next) {
        /* java.util.logging: "WARNING: message" under its entry's first line */
        r->level_line_next = false;
        pgm_slice level, message;
        if (copied && pgm_app_level_line(r->scratch.p, keep, &level, &message)) {
            pgm_strbuf tmp = r->level_line;
            r->level_line = r->scratch;
            r->scratch = tmp;
            r->rec.level = level;
            r->rec.message = message;
            r->rec.last_line = lineno;
            return;
        }
    }
    if (copied && parse_head(r, r->scratch.p, keep, &rec)) {
        r->cov.cut += cut;
        emit(r);
        start_entry(r, &rec, lineno);
        return;
    }
    if (r->no_layout && copied && !cut && !(r->open && pgm_app_trace_line(r->scratch.p, keep))) {
        /* no layout: a line that is no trace line ends the entry above, and
         * is an entry of its own (%msg%n): HikariCP's texts by their anchor,
         * any other line whole, without time or level */
        emit(r);
        pgm_slice text = pgm_app_trim(r->scratch.p, keep);
        if (anchored_head(r, r->scratch.p, keep, &rec)) {
            wrapper_time(r, &rec);
            start_entry(r, &rec, lineno);
            r->cov.anchored++;
        } else if (text.n) {
            memset(&rec, 0, sizeof rec);
            rec.t = PGM_TS_UNKNOWN;
            rec.message = text;
            wrapper_time(r, &rec);
            start_entry(r, &rec, lineno);
            r->cov.bare++;
        }
        r->level_line_next = false;
        return;
    }
    if (copied && !r->open && !cut && anchored_head(r, r->scratch.p, keep, &rec)) {
        wrapper_time(r, &rec);
        start_entry(r, &rec, lineno);
        r->level_line_next = false;
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

/* A line onto the entry's trace; past PGM_APP_MAX_TRACE the entry is
 * counted cut (once) and false. */
static bool trace_add(pgm_app_reader *r, const char *p, size_t n)
{
    if ((!r->trace.len || pgm_strbuf_add(&r->trace, "\n", 1) == 0) && pgm_strbuf_add(&r->trace, p, n) == 0)
        return true;
    if (!r->trace_cut) {
        r->trace_cut = true;
        r->cov.cut++;
    }
    return false;
}

/* The frames of log4j2's extendedStackTrace (a JSON array of {class, method,
 * file, line}) as Java prints them: "\tat class.method(File.java:17)". */
static bool frames_add(pgm_app_reader *r, const char *a)
{
    char err[64], at[1024];
    for (const char *p = a; *p;) {
        const char *open = strchr(p, '{');
        if (!open)
            return true;
        /* the element's end: braces outside strings */
        int depth = 0;
        bool in_string = false;
        const char *q = open;
        for (; *q; q++) {
            if (in_string) {
                if (*q == '\\' && q[1])
                    q++;
                else if (*q == '"')
                    in_string = false;
            } else if (*q == '"') {
                in_string = true;
            } else if (*q == '{') {
                depth++;
            } else if (*q == '}' && --depth == 0) {
                break;
            }
        }
        if (!*q || !pgm_jsonflat_parse(&r->frame, open, (size_t)(q - open + 1), err, sizeof err))
            return true; /* what is left is no frame */
        const char *cls = pgm_jsonflat_get(&r->frame, "class", NULL),
                   *method = pgm_jsonflat_get(&r->frame, "method", NULL),
                   *file = pgm_jsonflat_get(&r->frame, "file", NULL),
                   *line = pgm_jsonflat_get(&r->frame, "line", NULL);
        if (cls && method) {
            int w = line && *line != '-' ? snprintf(at, sizeof at, "\tat %s.%s(%s:%s)", cls, method,
                                                    file ? file : "Unknown Source", line)
                                         : snprintf(at, sizeof at, "\tat %s.%s(%s)", cls, method,
                                                    file ? file : "Unknown Source");
            if (w > 0 && !trace_add(r, at, (size_t)w < sizeof at ? (size_t)w : sizeof at - 1))
                return false;
        }
        p = q + 1;
    }
    return true;
}

/* log4j2's JsonLayout writes the exception as "thrown": {name, message,
 * extendedStackTrace, cause: {...}} (Log4j's JsonLayout documentation); it
 * is written out as the trace Java prints, so that its culprit and its
 * exception lines read as from a text log. */
static void thrown_trace(pgm_app_reader *r)
{
    char key[128] = "thrown";
    for (size_t depth = 0; depth < PGM_JSONFLAT_MAX_DEPTH; depth++) {
        size_t base = strlen(key);
        char line[1024];
        snprintf(key + base, sizeof key - base, ".name");
        const char *name = pgm_jsonflat_get(&r->j, key, NULL);
        snprintf(key + base, sizeof key - base, ".message");
        const char *message = pgm_jsonflat_get(&r->j, key, NULL);
        if (!name)
            return;
        int w = snprintf(line, sizeof line, "%s%s%s%s", depth ? "Caused by: " : "", name, message ? ": " : "",
                         message ? message : "");
        if (w < 0 || !trace_add(r, line, (size_t)w < sizeof line ? (size_t)w : sizeof line - 1))
            return;
        enum pgm_json_type type;
        snprintf(key + base, sizeof key - base, ".extendedStackTrace");
        const char *frames = pgm_jsonflat_get(&r->j, key, &type);
        if (!frames) {
            snprintf(key + base, sizeof key - base, ".stackTrace"); /* before 2.6 and with includeStacktrace */
            frames = pgm_jsonflat_get(&r->j, key, &type);
        }
        if (frames && type == PGM_JT_STRING) { /* stacktraceAsString: the printed trace itself */
            trace_add(r, frames, strlen(frames));
            return;
        }
        if (frames && type == PGM_JT_ARRAY && !frames_add(r, frames))
            return;
        snprintf(key + base, sizeof key - base, ".cause");
    }
}

/* A time as JSON layouts write it: a string in any of the usual forms, GELF's
 * seconds with a fraction, epoch milliseconds (log4j2's timeMillis), or
 * log4j2's instant {epochSecond, nanoOfSecond}. */
static int64_t json_time(pgm_app_reader *r)
{
    static const char *const k_time[] = {"@timestamp", "timestamp", "time", NULL};
    const char *sec = pgm_jsonflat_get(&r->j, "instant.epochSecond", NULL);
    if (sec) {
        const char *nano = pgm_jsonflat_get(&r->j, "instant.nanoOfSecond", NULL);
        long long s = strtoll(sec, NULL, 10), ns = nano ? strtoll(nano, NULL, 10) : 0;
        if (s > -PGM_APP_EPOCH_SECONDS_BOUND && s < PGM_APP_EPOCH_SECONDS_BOUND && ns >= 0 && ns < 1000000000)
            return (int64_t)s * 1000000 + ns / 1000;
        return PGM_TS_UNKNOWN;
    }
    const char *ms = pgm_jsonflat_get(&r->j, "timeMillis", NULL);
    if (ms) {
        long long v = strtoll(ms, NULL, 10);
        return v > -PGM_APP_EPOCH_SECONDS_BOUND * 1000 && v < PGM_APP_EPOCH_SECONDS_BOUND * 1000 ? (int64_t)v * 1000
                                                                                                 : PGM_TS_UNKNOWN;
    }
    for (const char *const *k = k_time; *k; k++) {
        enum pgm_json_type type;
        const char *v = pgm_jsonflat_get(&r->j, *k, &type);
        if (!v || !*v)
            continue;
        if (type == PGM_JT_NUMBER) {
            char *end;
            double d = strtod(v, &end);
            if (d > 1e11) /* milliseconds */
                d /= 1000;
            return d > -(double)PGM_APP_EPOCH_SECONDS_BOUND && d < (double)PGM_APP_EPOCH_SECONDS_BOUND
                       ? (int64_t)(d * 1e6 + (d >= 0 ? 0.5 : -0.5))
                       : PGM_TS_UNKNOWN;
        }
        pgm_ts_parse ts;
        return pgm_ts_parse_at(v, strlen(v), &ts) ? fix_time(r, &ts) : PGM_TS_UNKNOWN;
    }
    return PGM_TS_UNKNOWN;
}

/* GELF's level is syslog's severity number (GELF 1.1 specification). */
static pgm_slice syslog_level(pgm_slice level)
{
    static const char *const names[] = {"FATAL", "FATAL", "FATAL", "ERROR", "WARN", "INFO", "INFO", "DEBUG"};
    if (level.n == 1 && level.p[0] >= '0' && level.p[0] <= '7') {
        const char *name = names[level.p[0] - '0'];
        return (pgm_slice){name, strlen(name)};
    }
    return level;
}

static void json_line(pgm_app_reader *r, const char *line, size_t n, uint64_t lineno)
{
    static const char *const k_level[] = {"level", "log.level", "severity", NULL};
    static const char *const k_thread[] = {"thread_name", "process.thread.name", "thread", "_thread_name", "_Thread",
                                           NULL};
    static const char *const k_logger[] = {"logger_name", "log.logger", "logger", "loggerName", "_logger_name",
                                           "_LoggerName", NULL};
    static const char *const k_msg[] = {"message", "msg", "short_message", NULL};
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
    r->rec.t = json_time(r);
    r->rec.level = syslog_level(jget(r, k_level));
    r->rec.thread = jget(r, k_thread);
    r->rec.logger = jget(r, k_logger);
    r->rec.message = jget(r, k_msg);
    r->rec.app = jget(r, k_app);
    r->rec.host = jget(r, k_host);
    pgm_strbuf_reset(&r->trace);
    r->trace_cut = false;
    pgm_slice trace = jget(r, k_trace);
    const char *full = pgm_jsonflat_get(&r->j, "full_message", NULL);
    if (trace.n) {
        trace_add(r, trace.p, trace.n);
    } else if (full) {
        /* GELF: the message, then what the short one leaves out (the trace) */
        size_t m = r->rec.message.n;
        if (m && strncmp(full, r->rec.message.p, m) == 0 && (full[m] == '\n' || !full[m]))
            full += m + (full[m] == '\n');
        if (*full)
            trace_add(r, full, strlen(full));
    } else {
        thrown_trace(r);
    }
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
    pgm_strbuf_init(&r->level_line, PGM_APP_MAX_TRACE);
    pgm_strbuf_init(&r->scratch, PGM_APP_MAX_TRACE);
    pgm_strbuf_init(&r->trace, PGM_APP_MAX_TRACE);
    pgm_held_lines_init(&r->held, sizeof(app_held), PGM_APP_REVERSE_MAX);
    pgm_jsonflat_init(&r->j);
    pgm_jsonflat_init(&r->frame);
    *out = r;
    return PGM_OK;
}

void pgm_app_feed(pgm_app_reader *r, const char *line, size_t n, uint64_t lineno)
{
    pgm_app_feed_wrapped(r, line, n, lineno, PGM_TS_UNKNOWN);
}

static void read_line(pgm_app_reader *r, const char *line, size_t n, uint64_t lineno, int64_t wrapper_t)
{
    r->wrapper_t = wrapper_t;
    if (r->json)
        json_line(r, line, n, lineno);
    else
        text_line(r, line, n, lineno);
}

/* The held lines to the reader, first to last or (a newest-first file) last
 * to first; then none are held. */
static void replay_held(pgm_app_reader *r, bool backwards)
{
    for (size_t k = 0; k < r->held.n; k++) {
        size_t n;
        const void *meta;
        const char *line = pgm_held_lines_at(&r->held, backwards ? r->held.n - 1 - k : k, &n, &meta);
        const app_held *h = meta;
        read_line(r, line, n, h->lineno, h->wrapper_t);
    }
    pgm_held_lines_clear(&r->held);
}

/* An export sorted newest first (Loki's logcli by default, a console's
 * download): most steps between the entries' times go back. */
static bool looks_reversed(const pgm_app_reader *r)
{
    pgm_time_steps steps;
    pgm_time_steps_init(&steps);
    for (size_t k = 0; k < r->held.n; k++) {
        pgm_app_head h;
        size_t n;
        const char *p = pgm_held_lines_at(&r->held, k, &n, NULL);
        n = n < PGM_APP_MAX_TRACE ? n : PGM_APP_MAX_TRACE;
        if (n && !is_space(p[0]) && pgm_app_parse_head(p, n, &h))
            pgm_time_steps_add(&steps, h.ts.us);
    }
    return pgm_time_steps_newest_first(&steps);
}

static void decide_order(pgm_app_reader *r)
{
    if (r->order_decided)
        return;
    r->order_decided = true;
    if (looks_reversed(r)) {
        r->reversing = true;
        r->cov.reversed = true;
        return;
    }
    replay_held(r, false);
}

/* Memory for held lines ran out (or PGM_APP_REVERSE_MAX was reached): what
 * is held is read now, a newest-first file's backwards, the rest as it comes. */
static void stop_holding(pgm_app_reader *r)
{
    decide_order(r);
    if (r->reversing) {
        r->reversing = false;
        r->cov.reversed_cut = true;
        replay_held(r, true);
    }
}

void pgm_app_feed_wrapped(pgm_app_reader *r, const char *line, size_t n, uint64_t lineno, int64_t wrapper_t)
{
    r->cov.lines++;
    if (n && line[n - 1] == '\r')
        n--;
    /* JSON layouts write an entry on one line: their order binds nothing */
    if (r->json || (r->order_decided && !r->reversing)) {
        read_line(r, line, n, lineno, wrapper_t);
        return;
    }
    if (!pgm_held_lines_add(&r->held, line, n, &(app_held){lineno, wrapper_t})) {
        stop_holding(r);
        read_line(r, line, n, lineno, wrapper_t);
        return;
    }
    if (!r->order_decided && r->held.n >= PGM_APP_ORDER_LINES)
        decide_order(r);
}

void pgm_app_no_layout(pgm_app_reader *r)
{
    r->no_layout = true;
}

void pgm_app_set_day(pgm_app_reader *r, int64_t day)
{
    r->day_set = true;
    r->day_us = day * 86400 * 1000000LL;
    r->last_tod_us = -1;
}

bool pgm_app_continues(pgm_app_reader *r, const char *line, size_t n)
{
    decide_order(r);
    if (r->json || !r->open)
        return false;
    char plain[512]; /* a head is known by its start */
    if (memchr(line, '\x1b', n)) {
        n = n < sizeof plain ? n : sizeof plain;
        memcpy(plain, line, n);
        n = pgm_app_strip_ansi(plain, n);
        line = plain;
    }
    pgm_app_head h;
    return !pgm_app_parse_head(line, n < PGM_APP_MAX_TRACE ? n : PGM_APP_MAX_TRACE, &h);
}

void pgm_app_finish(pgm_app_reader *r)
{
    decide_order(r);
    if (r->reversing) {
        r->reversing = false;
        replay_held(r, true);
    }
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
    pgm_strbuf_free(&r->level_line);
    pgm_strbuf_free(&r->scratch);
    pgm_strbuf_free(&r->trace);
    pgm_held_lines_clear(&r->held);
    pgm_jsonflat_free(&r->j);
    pgm_jsonflat_free(&r->frame);
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
