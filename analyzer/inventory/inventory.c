#include "inventory/inventory.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope/demux.h"
#include "envelope/rotated.h"
#include "envelope/unwrap.h"
#include "pglog/detect.h"
#include "pglog/reader.h"
#include "text/lines.h"
#include "text/timestamp.h"
#include "text/utf8.h"
#include "util/grow.h"
#include "util/strbuf.h"

void pgm_inventory_init(pgm_inventory *inv)
{
    memset(inv, 0, sizeof *inv);
}

static void item_free(pgm_inventory_item *it)
{
    free(it->path);
    for (size_t k = 0; k < it->n_warnings; k++)
        free(it->warnings[k]);
}

void pgm_inventory_free(pgm_inventory *inv)
{
    for (size_t i = 0; i < inv->n; i++)
        item_free(&inv->items[i]);
    free(inv->items);
    inv->items = NULL;
    pgm_rotated_kinds_free(inv->rotated);
    inv->rotated = NULL;
    inv->n = inv->alloc = 0;
}

size_t pgm_inventory_keep_window(pgm_inventory *inv, int64_t since, int64_t until)
{
    size_t kept = 0, outside = 0;
    for (size_t i = 0; i < inv->n; i++) {
        pgm_inventory_item *it = &inv->items[i];
        bool out = it->first_ts != PGM_TS_UNKNOWN && ((since != PGM_TS_UNKNOWN && it->last_ts < since) ||
                                                      (until != PGM_TS_UNKNOWN && it->first_ts > until));
        if (out) {
            item_free(it);
            outside++;
        } else {
            inv->items[kept++] = *it;
        }
    }
    inv->n = kept;
    return outside;
}

static pgm_inventory_item *add_item(pgm_inventory *inv, const char *path)
{
    pgm_inventory_item *ni = pgm_grow(inv->items, &inv->alloc, inv->n, sizeof *ni, 16);
    if (!ni)
        return NULL;
    inv->items = ni;
    pgm_inventory_item *it = &inv->items[inv->n];
    memset(it, 0, sizeof *it);
    it->path = strdup(path);
    if (!it->path)
        return NULL;
    it->kind = PGM_KIND_UNKNOWN;
    it->format = "unreadable";
    it->first_ts = it->last_ts = PGM_TS_UNKNOWN;
    inv->n++;
    return it;
}

static pgm_inventory_item *find_item(pgm_inventory *inv, const char *path)
{
    /* The file being read is the last one; a container's own problem has no item yet. */
    for (size_t i = inv->n; i > 0 && i + 8 > inv->n; i--)
        if (strcmp(inv->items[i - 1].path, path) == 0)
            return &inv->items[i - 1];
    return NULL;
}

static void warn(pgm_inventory *inv, pgm_inventory_item *it, bool problem, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void warn(pgm_inventory *inv, pgm_inventory_item *it, bool problem, const char *fmt, ...)
{
    char msg[PGM_ERR_MAX + 128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (inv->on_warning)
        inv->on_warning(inv->ctx, it->path, msg, problem);
    if (it->n_warnings < PGM_MAX_WARNINGS_PER_INPUT) {
        char *copy = strdup(msg);
        if (copy) {
            it->warnings[it->n_warnings++] = copy;
            return;
        }
    }
    it->warnings_dropped++;
}

/* ------------------------------------------------------------ the visitor */

typedef struct scan_state {
    uint64_t nul_bytes, nul_lines_first;
    uint64_t long_lines, long_first;
    bool zone_none_warned, zone_unknown_warned, yearless_warned;
    pgm_utf8_state utf8;
    /* how this file's times are read */
    const pgm_prefix *prefix; /* a server log's (a syslog record's body's), told or found */
    const pgm_zone *zone;     /* for times without one: --tz or --app-tz, when given */
    bool syslog;              /* syslog records: the time is their header's or their body's prefix's */
    int year;                 /* of BSD dates: --year's, else the file's time's */
    bool year_guessed;        /* `year` is the file's time's: no --year */
    bool year_noted;          /* ... and that was said */
    /* the wrapper's times (a journal's, a container runtime's): the item's
     * earliest and latest when no line has a time of its own (PgBouncer's) */
    int64_t wrapper_first, wrapper_last;
    bool wrapper_zone_none, wrapper_yearless;
} scan_state;

/* The value of "timestamp"/"@timestamp"/"time" in a JSON line, if any. */
static const char *find_json_time(const char *line, size_t len)
{
    static const char *const keys[] = {"\"timestamp\":\"", "\"@timestamp\":\"", "\"time\":\"",
                                       "\"ts\":\""};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        size_t kl = strlen(keys[k]);
        for (const char *p = line; p + kl <= line + len;) {
            const char *q = memchr(p, '"', (size_t)(line + len - p));
            if (!q || q + kl > line + len)
                break;
            if (memcmp(q, keys[k], kl) == 0)
                return q + kl;
            p = q + 1;
        }
    }
    return NULL;
}

/* A syslog record's time as timeline takes it (pglog/syslog.c): the one
 * the server's prefix wrote in its body, when the prefix has one (with its
 * year and zone), else the record header's; never a date in the message
 * ("database system was shut down at 2019-02-11 ..."). */
static bool syslog_time(pgm_inventory *inv, pgm_inventory_item *it, scan_state *st, const char *line,
                        size_t len, pgm_ts_parse *ts)
{
    pgm_syslog_head_time h;
    if (!pgm_syslog_head_of(line, len, st->year, &h) || h.later_piece)
        return false; /* no record, or the rest of one already dated */
    pgm_prefix_fields f;
    memset(ts->zone_name, 0, sizeof ts->zone_name);
    if (st->prefix && h.body.n && pgm_prefix_parse(st->prefix, h.body.p, h.body.n, &f) &&
        f.t_us != PGM_TS_UNKNOWN) {
        ts->us = f.t_us;
        ts->zone = f.zone;
        memcpy(ts->zone_name, f.zone_name, sizeof ts->zone_name);
        return true;
    }
    if (h.t == PGM_TS_UNKNOWN) {
        if (!st->yearless_warned)
            warn(inv, it, false, "syslog dates carry no year and the file's is not known; give it with --year");
        st->yearless_warned = true;
        return false;
    }
    if (h.yearless && st->year_guessed && !st->year_noted) {
        warn(inv, it, false, "syslog dates carry no year; %d taken from the file's time (--year sets it)",
             st->year);
        st->year_noted = true;
    }
    ts->us = h.t;
    ts->zone = h.zone;
    return true;
}

/* A line's own time, as its kind writes it (`window`: how far into the
 * line it is looked for); false when it has none. */
static bool own_time(pgm_inventory *inv, pgm_inventory_item *it, scan_state *st, const char *line,
                     size_t len, size_t window, pgm_ts_parse *ts)
{
    pgm_prefix_fields f;
    if (st->syslog)
        return syslog_time(inv, it, st, line, len, ts);
    if (st->prefix && pgm_prefix_parse(st->prefix, line, len, &f)) {
        /* the time the prefix puts there, not the first one in the line (%s) */
        if (f.t_us == PGM_TS_UNKNOWN)
            return false;
        ts->us = f.t_us;
        ts->zone = f.zone;
        memcpy(ts->zone_name, f.zone_name, sizeof ts->zone_name);
        return true;
    }
    /* JSON lines carry several times (receiveTimestamp...); the event's own key wins. */
    const char *key = window == PGM_TS_WINDOW_JSON ? find_json_time(line, len) : NULL;
    if (key && pgm_ts_parse_at(key, len - (size_t)(key - line), ts))
        return true;
    return pgm_ts_find(line, len, window, ts);
}

/* A line's time into the item's first and last; where it has none of its
 * own, its wrapper's (`m`, NULL where there is none) is kept aside. */
static void note_timestamp(pgm_inventory *inv, pgm_inventory_item *it, scan_state *st, const char *line,
                           size_t len, size_t window, bool has_own, const pgm_inner_line *m)
{
    pgm_ts_parse ts;
    if (!has_own || !own_time(inv, it, st, line, len, window, &ts)) {
        if (m && m->t != PGM_TS_UNKNOWN) {
            if (st->wrapper_first == PGM_TS_UNKNOWN || m->t < st->wrapper_first)
                st->wrapper_first = m->t;
            if (st->wrapper_last == PGM_TS_UNKNOWN || m->t > st->wrapper_last)
                st->wrapper_last = m->t;
            st->wrapper_zone_none |= m->zone_guessed;
            st->wrapper_yearless |= m->yearless;
        }
        return;
    }
    if (ts.zone == PGM_TS_ZONE_UNKNOWN) {
        if (!st->zone_unknown_warned)
            warn(inv, it, false, "time zone '%s' is ambiguous or unknown; its times are left out",
                 ts.zone_name[0] ? ts.zone_name : "of the syslog header");
        st->zone_unknown_warned = true;
        return;
    }
    if (ts.zone == PGM_TS_ZONE_NONE && st->zone) {
        ts.us = pgm_zone_to_utc(st->zone, ts.us);
    } else if (ts.zone == PGM_TS_ZONE_NONE && !st->zone_none_warned) {
        warn(inv, it, false, "timestamps carry no time zone; read as UTC (--tz, --app-tz: another)");
        st->zone_none_warned = true;
    }
    /* the earliest and the latest, as the report's inputs have them: a log
     * concatenated or rotated out of order spans both */
    if (it->first_ts == PGM_TS_UNKNOWN || ts.us < it->first_ts)
        it->first_ts = ts.us;
    if (it->last_ts == PGM_TS_UNKNOWN || ts.us > it->last_ts)
        it->last_ts = ts.us;
}

/* The wrapper's times as the item's, when none of its lines had one. */
static void finish_times(pgm_inventory *inv, pgm_inventory_item *it, const scan_state *st)
{
    if (it->first_ts != PGM_TS_UNKNOWN || st->wrapper_first == PGM_TS_UNKNOWN)
        return;
    it->first_ts = st->wrapper_first;
    it->last_ts = st->wrapper_last;
    if (st->wrapper_zone_none && st->zone) {
        it->first_ts = pgm_zone_to_utc(st->zone, it->first_ts);
        it->last_ts = pgm_zone_to_utc(st->zone, it->last_ts);
    } else if (st->wrapper_zone_none && !st->zone_none_warned) {
        warn(inv, it, false, "timestamps carry no time zone; read as UTC (--tz, --app-tz: another)");
    }
    if (st->wrapper_yearless && st->year_guessed && st->year)
        warn(inv, it, false, PGM_UNWRAP_YEAR_GUESSED, pgm_envelope_name(it->envelope), st->year);
}

/* The prefix a server log's first lines were written with, as timeline
 * finds it (pglog/detect.h), when it reads nearly all of them: the time of a
 * line is then the prefix's %m/%t/%n, not a session's start (%s) before it.
 * NULL otherwise: the first time in each line is taken. */
static pgm_prefix *prefix_of_head(const unsigned char *head, size_t n)
{
    pgm_prefix_guess g;
    pgm_prefix_detect((const char *)head, n, &g);
    pgm_prefix *p;
    char err[PGM_ERR_MAX];
    if (!g.primary_lines || pgm_prefix_guess_coverage(&g) < PGM_PREFIX_MIN_COVERAGE ||
        pgm_prefix_compile(g.spec, &p, err) != PGM_OK)
        return NULL;
    return p;
}

/* The prefix of the server's text in a syslog file's first records: found
 * on their bodies (the records' headers taken off), as timeline finds it. */
static pgm_prefix *prefix_of_syslog_head(const unsigned char *head, size_t n)
{
    pgm_strbuf bodies;
    pgm_strbuf_init(&bodies, n);
    const char *s = (const char *)head, *end = s + n;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        pgm_syslog_head_time h;
        if (pgm_syslog_head_of(s, (size_t)(e - s), 0, &h) && !h.later_piece && h.body.n &&
            (pgm_strbuf_add(&bodies, h.body.p, h.body.n) || pgm_strbuf_add(&bodies, "\n", 1)))
            break; /* out of memory: the bodies so far */
        s = nl ? nl + 1 : end;
    }
    pgm_prefix *p = bodies.len ? prefix_of_head((const unsigned char *)bodies.p, bodies.len) : NULL;
    pgm_strbuf_free(&bodies);
    return p;
}

/* How the times of lines of kind `sn` are read: into st (its prefix, when
 * one is detected on `head`, is *detected, to free); the window to look in. */
static size_t time_reading(const pgm_inventory *inv, const pgm_sniff *sn, const unsigned char *head, size_t n,
                           int year, scan_state *st, pgm_prefix **detected)
{
    memset(st, 0, sizeof *st);
    *detected = NULL;
    bool json = strcmp(sn->format, "jsonlog") == 0 || strcmp(sn->format, "cloudsql") == 0 ||
                strcmp(sn->format, "cnpg") == 0 || strcmp(sn->format, "azure") == 0 ||
                (sn->kind == PGM_KIND_APP_LOG && (strcmp(sn->format, "json") == 0 ||
                                                  strcmp(sn->format, "ecs") == 0));
    bool server_log = sn->kind == PGM_KIND_PG_LOG;
    if (server_log && (strcmp(sn->format, "stderr") == 0 || strcmp(sn->format, "rds") == 0)) {
        st->prefix = inv->prefix;
        if (!st->prefix)
            st->prefix = *detected = prefix_of_head(head, n);
    }
    const pgm_zone *zone = sn->kind == PGM_KIND_APP_LOG ? &inv->app_tz : &inv->tz;
    st->zone = zone->set ? zone : NULL;
    st->syslog = server_log && strcmp(sn->format, "syslog") == 0;
    if (st->syslog) {
        st->prefix = inv->prefix;
        if (!st->prefix)
            st->prefix = *detected = prefix_of_syslog_head(head, n);
    }
    st->year = year;
    st->year_guessed = !inv->year;
    st->wrapper_first = st->wrapper_last = PGM_TS_UNKNOWN;
    return json ? PGM_TS_WINDOW_JSON : PGM_TS_WINDOW_TEXT;
}

/* ----------------------------------- a file of several sources' lines */

typedef struct inv_source {
    size_t item;               /* index: the items move as they grow */
    pgm_sniff sn;
    scan_state st;
    pgm_prefix *detected;
    size_t window;
} inv_source;

typedef struct inv_demux {
    pgm_inventory *inv;
    const pgm_file_info *info;
    size_t file_item;          /* the file's item: the first source's, renamed */
    const char *file_path;
    bool file_taken, fatal;
    enum pgm_envelope_kind env;
    int year;
} inv_demux;

static void *inv_open_source(void *ctx, const char *source, const char *head, size_t n, bool complete)
{
    inv_demux *dx = ctx;
    pgm_inventory *inv = dx->inv;
    inv_source *src = calloc(1, sizeof *src);
    char *path = pgm_demux_source_path(dx->file_path, source);
    if (!src || !path) {
        free(path);
        free(src);
        dx->fatal = true;
        return NULL;
    }
    pgm_inventory_item *it;
    if (!dx->file_taken) {
        dx->file_taken = true;
        it = &inv->items[dx->file_item];
        free(it->path);
        it->path = path;
    } else {
        it = add_item(inv, path);
        free(path);
    }
    if (!it || !it->path) {
        free(src);
        dx->fatal = true;
        return NULL;
    }
    src->item = (size_t)(it - inv->items);
    src->sn = pgm_sniff_file(dx->info->name, (const unsigned char *)head, n, complete);
    it->kind = src->sn.kind;
    it->format = src->sn.format;
    it->envelope = dx->env;
    it->read = true;
    src->window = time_reading(inv, &src->sn, (const unsigned char *)head, n, dx->year, &src->st, &src->detected);
    if (pgm_sniff_log_like(&src->sn)) {
        inv->log_like_unknown++;
        warn(inv, it, false, "%s", pgm_sniff_log_like_said(&src->sn));
    }
    return src;
}

static void inv_source_line(void *ctx, void *reader, const char *line, size_t n, const pgm_inner_line *m)
{
    inv_demux *dx = ctx;
    inv_source *src = reader;
    pgm_inventory_item *it = &dx->inv->items[src->item];
    it->lines++;
    note_timestamp(dx->inv, it, &src->st, line, n, src->window, src->sn.has_timestamps, m);
}

/* A journal's or kubectl --prefix's file: one item per source ("FILE#SOURCE"),
 * as the scan reads them; the first is the file's item. */
static int inventory_demux(pgm_inventory *inv, size_t file_item, const pgm_file_info *info,
                           const pgm_envelope *env, int year, pgm_source *content)
{
    pgm_unwrap u;
    if (pgm_unwrap_init(&u, content, env, inv->max_line, year) != PGM_OK)
        return PGM_FATAL;
    char *file_path = strdup(inv->items[file_item].path);
    if (!file_path) {
        pgm_unwrap_free(&u);
        return PGM_FATAL;
    }
    inv_demux dx = {inv, info, file_item, file_path, false, false, env->kind, year};
    pgm_demux_callbacks cb = {inv_open_source, inv_source_line, &dx};
    pgm_demux d;
    int rc = pgm_demux_run(&d, &u, &cb);
    for (size_t i = 0; i < d.n; i++) {
        inv_source *src = d.sources[i].reader;
        if (src) {
            finish_times(inv, &inv->items[src->item], &src->st);
            pgm_prefix_free(src->detected);
        }
        free(src);
    }
    pgm_inventory_item *it = &inv->items[file_item];
    it->bytes = u.lines.bytes_read;
    char msg[PGM_ERR_MAX];
    if (pgm_unwrap_foreign_said(&u, msg, sizeof msg))
        warn(inv, it, false, "%s", msg);
    if (pgm_unwrap_limit_said(&u, msg, sizeof msg))
        warn(inv, it, false, "%s", msg);
    if (d.lines_past)
        warn(inv, it, false, "lines of more than %u sources: %llu line(s) of the others not read",
             PGM_DEMUX_MAX_SOURCES, (unsigned long long)d.lines_past);
    pgm_demux_free(&d);
    pgm_unwrap_free(&u);
    free(file_path);
    return rc == PGM_FATAL || dx.fatal ? PGM_FATAL : PGM_OK;
}

static int on_file(void *ctx, const pgm_file_info *info, pgm_source *content)
{
    pgm_inventory *inv = ctx;
    pgm_inventory_item *it = add_item(inv, info->display_path);
    if (!it)
        return PGM_FATAL;
    int year = inv->year ? inv->year : info->mtime != INT64_MIN ? (int)pgm_year_of(info->mtime) : 0;
    pgm_envelope env;
    pgm_strbuf inner; /* the head's own lines, when they came in an envelope */
    pgm_strbuf_init(&inner, 0);
    pgm_sniff sn = pgm_unwrap_sniff(info->name, info->head, info->head_len,
                                    info->head_len < PGM_SNIFF_HEAD_BYTES, year, &env, &inner);
    char said[2 * PGM_ERR_MAX];
    if (pgm_rotated_kind(&inv->rotated, info->display_path, &sn, &env, said, sizeof said))
        warn(inv, it, false, "%s", said);
    it->kind = sn.kind;
    it->format = sn.format;
    it->envelope = env.kind;
    it->read = true;
    if (pgm_envelope_has_sources(&env)) {
        pgm_strbuf_free(&inner);
        return inventory_demux(inv, (size_t)(it - inv->items), info, &env, year, content);
    }
    pgm_unwrap lr;
    if (pgm_unwrap_init(&lr, content, &env, inv->max_line, year) != PGM_OK) {
        pgm_strbuf_free(&inner);
        return PGM_FATAL;
    }
    scan_state st;
    pgm_prefix *detected;
    size_t window = env.kind != PGM_ENVELOPE_NONE
                        ? time_reading(inv, &sn, (const unsigned char *)(inner.p ? inner.p : ""), inner.len, year,
                                       &st, &detected)
                        : time_reading(inv, &sn, info->head, info->head_len, year, &st, &detected);
    const char *line;
    size_t len;
    int r;
    while ((r = pgm_unwrap_next(&lr, &line, &len)) > 0) {
        if (lr.truncated && st.long_lines++ == 0)
            st.long_first = lr.lineno;
        const char *nul = memchr(line, '\0', len);
        if (nul) {
            if (!st.nul_bytes)
                st.nul_lines_first = lr.lineno;
            for (const char *q = nul; q < line + len; q++)
                st.nul_bytes += *q == '\0';
        }
        pgm_utf8_feed(&st.utf8, (const unsigned char *)line, len);
        pgm_utf8_finish(&st.utf8);
        pgm_inner_line m;
        if (env.kind != PGM_ENVELOPE_NONE)
            m = pgm_inner_line_of(&lr);
        note_timestamp(inv, it, &st, line, len, window, sn.has_timestamps,
                       env.kind != PGM_ENVELOPE_NONE ? &m : NULL);
    }
    it->lines = lr.cov.wrapper_lines;
    it->bytes = lr.lines.bytes_read;
    char msg[PGM_ERR_MAX];
    if (pgm_unwrap_foreign_said(&lr, msg, sizeof msg))
        warn(inv, it, false, "%s", msg);
    if (pgm_unwrap_limit_said(&lr, msg, sizeof msg))
        warn(inv, it, false, "%s", msg);
    finish_times(inv, it, &st);
    pgm_unwrap_free(&lr);
    pgm_strbuf_free(&inner);
    pgm_prefix_free(detected);
    /* a journal file's bytes are no lines: its NUL bytes and long lines are its format's */
    if (strcmp(sn.format, PGM_FORMAT_JOURNAL_FILE) == 0)
        st.long_lines = st.nul_bytes = st.utf8.invalid = 0;
    if (st.long_lines)
        warn(inv, it, false,
             "%llu line(s) longer than %zu bytes, cut to that length (first at line %llu; "
             "--max-line-bytes)",
             (unsigned long long)st.long_lines, inv->max_line, (unsigned long long)st.long_first);
    if (st.nul_bytes)
        warn(inv, it, false, "%llu NUL byte(s), first on line %llu",
             (unsigned long long)st.nul_bytes, (unsigned long long)st.nul_lines_first);
    if (st.utf8.invalid)
        warn(inv, it, false, "%llu byte(s) of invalid UTF-8", (unsigned long long)st.utf8.invalid);
    if (pgm_sniff_log_like(&sn)) {
        inv->log_like_unknown++;
        warn(inv, it, false, "%s", pgm_sniff_log_like_said(&sn));
    }
    /* A read error is reported by the walker through on_problem. */
    (void)r;
    return PGM_OK;
}

static void on_skipped(void *ctx, const char *path, const char *reason)
{
    pgm_inventory *inv = ctx;
    pgm_inventory_item *it = add_item(inv, path);
    if (!it)
        return;
    it->format = "skipped";
    warn(inv, it, false, "%s", reason);
}

static void on_problem(void *ctx, const char *path, const char *reason)
{
    pgm_inventory *inv = ctx;
    pgm_inventory_item *it = find_item(inv, path);
    if (!it)
        it = add_item(inv, path);
    if (!it)
        return;
    warn(inv, it, true, "%s", reason);
}

static void on_progress(void *ctx, uint64_t bytes)
{
    pgm_inventory *inv = ctx;
    if (inv->on_progress)
        inv->on_progress(inv->ctx, bytes);
}

static pgm_bundle_visitor visitor_for(pgm_inventory *inv)
{
    pgm_bundle_visitor v = {on_file, on_skipped, on_problem, on_progress, inv, false, false};
    return v;
}

int pgm_inventory_run(pgm_inventory *inv, const char *const *inputs, size_t n,
                      const pgm_bundle_limits *limits)
{
    inv->max_line = limits->max_line;
    pgm_bundle_visitor v = visitor_for(inv);
    return pgm_bundle_walk(inputs, n, limits, &v, &inv->stats);
}

int pgm_inventory_run_source(pgm_inventory *inv, pgm_source *src, const char *display_path,
                             const pgm_bundle_limits *limits)
{
    inv->max_line = limits->max_line;
    pgm_bundle_visitor v = visitor_for(inv);
    return pgm_bundle_walk_source(src, display_path, limits, &v, &inv->stats);
}
