#include "applog/layout.h"

#include <stdint.h>
#include <string.h>

/* java.util.logging's names (SEVERE ... FINEST) beside log4j's and logback's */
static const char *const levels[] = {"TRACE",  "DEBUG",    "INFO",   "WARN",   "WARNING", "ERROR", "FATAL",
                                     "SEVERE", "NOTICE",   "CRITICAL", "CONFIG", "FINEST", "FINER", "FINE"};
static const char *const jul_levels[] = {"SEVERE", "WARNING", "INFO", "CONFIG", "FINEST", "FINER", "FINE"};

static bool is_space(char c) { return c == ' ' || c == '\t'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static size_t word_in(const char *const *list, size_t n_list, const char *p, size_t n, bool colon)
{
    for (size_t k = 0; k < n_list; k++) {
        size_t l = strlen(list[k]);
        if (n >= l && memcmp(p, list[k], l) == 0 &&
            (n == l || is_space(p[l]) || p[l] == ']' || (colon && p[l] == ':')))
            return l;
    }
    return 0;
}

size_t pgm_app_level_at(const char *p, size_t n)
{
    return word_in(levels, sizeof levels / sizeof levels[0], p, n, true);
}

/* A level standing as a layout puts it: a blank or ']' after it, never ':'
 * (PostgreSQL's "ERROR:  " is no application's level). */
static size_t head_level_at(const char *p, size_t n)
{
    return word_in(levels, sizeof levels / sizeof levels[0], p, n, false);
}

pgm_slice pgm_app_trim(const char *p, size_t n)
{
    while (n && is_space(p[0]))
        p++, n--;
    while (n && is_space(p[n - 1]))
        n--;
    return (pgm_slice){p, n};
}

size_t pgm_app_strip_ansi(char *s, size_t n)
{
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        if (s[r] == '\x1b' && r + 1 < n && s[r + 1] == '[') {
            size_t k = r + 2;
            while (k < n && (unsigned char)s[k] >= 0x20 && (unsigned char)s[k] <= 0x3f)
                k++;
            if (k < n && (unsigned char)s[k] >= 0x40 && (unsigned char)s[k] <= 0x7e) {
                r = k; /* the whole sequence, its final byte included */
                continue;
            }
        }
        s[w++] = s[r];
    }
    return w;
}

/* "HH:MM:SS", then ".fff" or ",fff" (logback's %d{HH:mm:ss.SSS}, log4j2's
 * %d{HH:mm:ss,SSS}): the time of day in microseconds, in ts (no zone). */
bool pgm_app_time_of_day_at(const char *p, size_t n, pgm_ts_parse *ts)
{
    if (n < 8 || p[2] != ':' || p[5] != ':')
        return false;
    for (size_t i = 0; i < 8; i++)
        if (i != 2 && i != 5 && !is_digit(p[i]))
            return false;
    int h = (p[0] - '0') * 10 + (p[1] - '0'), mi = (p[3] - '0') * 10 + (p[4] - '0'),
        sec = (p[6] - '0') * 10 + (p[7] - '0');
    if (h > 23 || mi > 59 || sec > 60)
        return false;
    size_t i = 8;
    int64_t frac = 0, scale = 100000;
    if (i + 1 < n && (p[i] == '.' || p[i] == ',') && is_digit(p[i + 1]))
        for (i++; i < n && is_digit(p[i]); i++, scale /= 10)
            frac += (p[i] - '0') * scale;
    if (i < n && !is_space(p[i]) && p[i] != ']')
        return false;
    memset(ts, 0, sizeof *ts);
    ts->us = ((int64_t)h * 3600 + mi * 60 + sec) * 1000000 + frac;
    ts->zone = PGM_TS_ZONE_NONE;
    ts->len = i;
    return true;
}

/* A time in any of the forms the layouts print, at p exactly. */
static bool time_at(const char *p, size_t n, pgm_app_head *out)
{
    out->when = PGM_APP_DATED;
    if (pgm_ts_parse_at(p, n, &out->ts) || pgm_ts_parse_java(p, n, &out->ts))
        return true;
    out->when = PGM_APP_TIME_OF_DAY;
    return pgm_app_time_of_day_at(p, n, &out->ts);
}

/* After the level (or Dropwizard's time): PID ---, brackets, a thread in
 * parentheses, the logger and the message. */
static void rest_of_head(const char *s, size_t n, size_t k, bool thread_before_level, pgm_app_head *out)
{
    while (k < n && is_space(s[k]))
        k++;
    /* Spring Boot: PID --- */
    size_t p0 = k;
    while (k < n && is_digit(s[k]))
        k++;
    if (k > p0)
        out->pid = (pgm_slice){s + p0, k - p0};
    while (k < n && is_space(s[k]))
        k++;
    bool boot = k + 3 <= n && memcmp(s + k, "---", 3) == 0;
    if (boot)
        k += 3;
    /* brackets: Boot's thread is the one 15 wide; else the first */
    pgm_slice bracket = {NULL, 0}; /* the first bracket after the level */
    while (k < n) {
        while (k < n && is_space(s[k]))
            k++;
        if (k >= n || s[k] != '[')
            break;
        const char *close = memchr(s + k, ']', n - k);
        if (!close)
            break;
        size_t w = (size_t)(close - s - k - 1);
        pgm_slice inner = pgm_app_trim(s + k + 1, w);
        if (!bracket.p)
            bracket = inner;
        if (!out->thread.n && (!boot || w == 15))
            out->thread = inner;
        else if (boot && !out->thread.n && !out->app.n)
            out->app = inner;
        k = (size_t)(close - s) + 1;
    }
    while (k < n && is_space(s[k]))
        k++;
    /* Quarkus, WildFly: "[LOGGER] (thread) MESSAGE" */
    if (!boot && !thread_before_level && bracket.p && k < n && s[k] == '(') {
        const char *close = memchr(s + k, ')', n - k);
        if (close && (close + 1 == s + n || is_space(close[1]))) {
            out->logger = bracket;
            out->thread = pgm_app_trim(s + k + 1, (size_t)(close - s - k - 1));
            k = (size_t)(close - s) + 1;
            if (k < n && is_space(s[k]))
                k++;
            out->message = (pgm_slice){s + k, n - k};
            return;
        }
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
}

bool pgm_app_parse_head(const char *s, size_t n, pgm_app_head *out)
{
    memset(out, 0, sizeof *out);
    size_t first = head_level_at(s, n);
    if (first && first < n && is_space(s[first])) { /* Dropwizard: "WARN  [2026-11-27 02:20:54,123] logger: ..." */
        size_t k = first;
        while (k < n && is_space(s[k]))
            k++;
        if (k + 1 < n && s[k] == '[' && time_at(s + k + 1, n - k - 1, out) && out->when == PGM_APP_DATED &&
            k + 1 + out->ts.len < n && s[k + 1 + out->ts.len] == ']') {
            out->level = (pgm_slice){s, first};
            rest_of_head(s, n, k + 2 + out->ts.len, false, out);
            return true;
        }
    }
    size_t i = 0;
    if (n > 2 && s[0] == '[') { /* "[ERROR] 15:30:19.502 ..." */
        size_t l = head_level_at(s + 1, n - 1);
        if (l && 1 + l < n && s[1 + l] == ']') {
            out->level = (pgm_slice){s + 1, l};
            i = l + 2;
            while (i < n && is_space(s[i]))
                i++;
        }
    }
    if (!time_at(s + i, n - i, out))
        return false;
    i += out->ts.len;
    /* the level, within a window: after the time or after a [thread] */
    size_t end = n - i < PGM_APP_LEVEL_WINDOW ? n : i + PGM_APP_LEVEL_WINDOW;
    size_t lv = SIZE_MAX;
    for (size_t k = i; !out->level.n && k < end; k++)
        if ((k == i || is_space(s[k - 1]) || s[k - 1] == '[') && head_level_at(s + k, n - k)) {
            lv = k;
            out->level = (pgm_slice){s + k, head_level_at(s + k, n - k)};
        }
    if (!out->level.n) {
        /* java.util.logging: "Nov 27, 2026 2:20:54 AM CLASS METHOD", the level on the next line */
        bool meridian = out->ts.len >= 2 && s[i - 1] == 'M' && (s[i - 2] == 'A' || s[i - 2] == 'P');
        if (!meridian || i >= n || !is_space(s[i]))
            return false;
        pgm_slice source = pgm_app_trim(s + i, n - i);
        const char *sp = memchr(source.p, ' ', source.n);
        if (!source.n || !sp || memchr(sp + 1, ' ', (size_t)(source.p + source.n - sp - 1)))
            return false; /* exactly "CLASS METHOD" */
        out->logger = (pgm_slice){source.p, (size_t)(sp - source.p)};
        out->message = (pgm_slice){s + n, 0};
        out->level_line_next = true;
        return true;
    }
    bool before = false;
    if (lv != SIZE_MAX && lv > i) {
        /* "[thread] LEVEL": the bracket before the level */
        const char *open = memchr(s + i, '[', lv - i);
        const char *close = open ? memchr(open, ']', (size_t)(s + lv - open)) : NULL;
        if (open && close) {
            out->thread = pgm_app_trim(open + 1, (size_t)(close - open - 1));
            before = true;
        }
    }
    /* after the level; after the time when the level came first ("[ERROR] TIME ...") */
    rest_of_head(s, n, lv != SIZE_MAX ? lv + out->level.n : i, before, out);
    return true;
}

bool pgm_app_level_line(const char *s, size_t n, pgm_slice *level, pgm_slice *message)
{
    size_t l = word_in(jul_levels, sizeof jul_levels / sizeof jul_levels[0], s, n, true);
    if (!l || l + 1 >= n || s[l] != ':' || s[l + 1] != ' ')
        return false;
    *level = (pgm_slice){s, l};
    *message = (pgm_slice){s + l + 2, n - l - 2};
    return true;
}

bool pgm_app_exception_line(const char *s, size_t n)
{
    size_t i = 0, dots = 0;
    while (i < n && s[i] != ':' && s[i] != ' ')
        dots += s[i++] == '.';
    if (!dots || (i < n && s[i] != ':'))
        return false;
    static const char *const ends[] = {"Exception", "Error", "Throwable"};
    for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++) {
        size_t l = strlen(ends[k]);
        if (i > l && memcmp(s + i - l, ends[k], l) == 0)
            return true;
    }
    return false;
}

/* "at a.b.C.m(...)" and nothing after the parenthesis: a qualified method
 * (a dot in it at least), its source in parentheses, as Throwable's
 * printStackTrace writes a StackTraceElement. */
static bool java_frame(const char *s, size_t n)
{
    if (n < 8 || memcmp(s, "at ", 3) != 0 || s[n - 1] != ')')
        return false;
    size_t i = 3;
    bool dot = false;
    while (i < n && (s[i] == '.' || s[i] == '_' || s[i] == '$' || s[i] == '<' || s[i] == '>' || s[i] == '/' ||
                     (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) {
        dot = dot || s[i] == '.';
        i++;
    }
    return dot && i > 3 && i < n && s[i] == '(' && !memchr(s + i + 1, '(', n - i - 2);
}

bool pgm_app_trace_line(const char *s, size_t n)
{
    bool indented = n && is_space(*s);
    while (n && is_space(*s))
        s++, n--;
    if (n >= 2 && s[0] == '!' && s[1] == ' ') { /* Dropwizard's "! at ..." */
        s += 2, n -= 2;
        indented = true;
    }
    /* frames are indented ("\tat"); the rest may stand at the margin */
    if (indented && ((n >= 3 && memcmp(s, "at ", 3) == 0) || (n >= 4 && memcmp(s, "... ", 4) == 0)))
        return true;
    /* a frame whose indent a log shipper trimmed (Loki's logcli trims each
     * line): known by its whole shape, "at pkg.Class.method(Source.java:17)" */
    if (!indented && java_frame(s, n))
        return true;
    static const char *const starts[] = {"Caused by: ", "Suppressed: ", "Wrapped by: ", "Exception in thread "};
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
        size_t l = strlen(starts[k]);
        if (n >= l && memcmp(s, starts[k], l) == 0)
            return true;
    }
    return pgm_app_exception_line(s, n);
}
