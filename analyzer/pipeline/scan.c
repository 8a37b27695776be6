#define _GNU_SOURCE /* memmem */
#include "pipeline/scan.h"
#include "pipeline/scan_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity/psa.h"
#include "bundle/rotation.h"
#include "applog/app_events.h"
#include "envelope/demux.h"
#include "envelope/rotated.h"
#include "k8s/describe.h"
#include "k8s/events.h"
#include "pgbouncer/pgb_log.h"
#include "pgbouncer/pgb_show.h"
#include "pglog/entries.h"
#include "pglog/prefix_source.h"
#include "catalog/event_kinds.h"
#include "pipeline/time_order.h"
#include "text/csv.h"
#include "text/jsonflat.h"
#include "text/lines.h"
#include "util/display.h"
#include "util/held_lines.h"
#include "util/redact.h"
#include "text/timestamp.h"

/* Bytes of a configuration file searched for log_line_prefix or a time
 * zone: real ones are tens of KiB; past it the rest is not searched (said). */
#define PGM_SCAN_CONF_MAX (4u << 20)

void pgm_scan_init(pgm_scan *s, pgm_ruleset *rules)
{
    memset(s, 0, sizeof *s);
    atomic_init(&s->stop, false);
    s->rules = rules;
    s->jobs = 1;
    s->split_min_bytes = PGM_SCAN_SPLIT_MIN_BYTES;
    s->max_line = PGM_LIMIT_LINE_DEFAULT;
    s->app_day = INT64_MIN;
    pgm_pg_classifier_init(&s->classifier, rules);
}

/* What most inputs have of the rare coverage: nothing. */
static const pgm_input_coverage_rare no_rare = {.prefix_unfit = "", .prefix_rival = "", .prefix_switched = ""};

static void free_rare(pgm_input_coverage *k)
{
    if (k->rare && k->rare != &no_rare) {
        free(k->rare->samples);
        free(k->rare->foreign_samples);
        free((pgm_input_coverage_rare *)k->rare);
    }
    k->rare = &no_rare;
}

typedef struct line_sink line_sink;
static void sink_free(line_sink *k);

size_t pgm_scan_known_inputs(const pgm_scan *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_inputs; i++) {
        const pgm_input_report *in = pgm_scan_input(s, i);
        n += in->read && in->kind != PGM_KIND_UNKNOWN;
    }
    return n;
}

void pgm_scan_free(pgm_scan *s)
{
    sink_free(s->parked); /* a run stopped before its end */
    pgm_rotated_kinds_free(s->rotated);
    free(s->app_zone_tz);
    for (size_t i = 0; i < s->n_inputs; i++) {
        pgm_input_report *in = pgm_scan_input(s, i);
        free(in->path);
        for (size_t k = 0; k < in->n_warnings; k++)
            free(in->warnings[k]);
        free(in->warnings);
        free(in->shapes);
        free_rare(&in->cov);
    }
    for (size_t b = 0; b < s->n_blocks; b++)
        free(s->input_blocks[b]);
    free(s->input_blocks);
    pgm_interner_free(&s->texts);
    pgm_pg_classifier_free(&s->classifier);
}

static pgm_input_report *add_input(pgm_scan *s, const char *path)
{
    if (s->n_inputs == s->n_blocks * PGM_SCAN_INPUT_BLOCK) {
        pgm_input_report **nb = realloc(s->input_blocks, (s->n_blocks + 1) * sizeof *nb);
        if (!nb)
            return NULL;
        s->input_blocks = nb;
        if (!(nb[s->n_blocks] = malloc(PGM_SCAN_INPUT_BLOCK * sizeof **nb)))
            return NULL;
        s->n_blocks++;
    }
    pgm_input_report *in = pgm_scan_input(s, s->n_inputs);
    memset(in, 0, sizeof *in);
    in->index = s->n_inputs;
    in->path = strdup(path);
    if (!in->path)
        return NULL;
    in->format = "text";
    in->first_ts = in->last_ts = PGM_TS_UNKNOWN;
    in->cov.prefix = in->cov.prefix_origin = "";
    in->cov.rare = &no_rare;
    s->n_inputs++;
    return in;
}

static pgm_pglog_sample *copy_samples(const pgm_pglog_sample *from, size_t n)
{
    pgm_pglog_sample *to = n ? malloc(n * sizeof *to) : NULL;
    if (to)
        memcpy(to, from, n * sizeof *to);
    return to;
}

static const char *interned(pgm_scan *s, const char *text, bool *lost)
{
    const char *t = pgm_intern(&s->texts, text);
    *lost |= !t;
    return t ? t : "";
}

int pgm_scan_keep_coverage(pgm_scan *s, pgm_input_report *in, const pgm_pglog_coverage *c)
{
    pgm_input_coverage *k = &in->cov;
    bool lost = false;
    free_rare(k);
    k->lines = c->lines, k->records = c->records, k->continuation = c->continuation;
    k->secondary = c->secondary, k->unparsed = c->unparsed, k->no_time = c->no_time;
    k->zone_guessed = c->zone_guessed;
    k->prefix = interned(s, c->prefix, &lost);
    k->prefix_origin = interned(s, c->prefix_origin, &lost);
    k->primary_tried = c->primary_tried, k->primary_parsed = c->primary_parsed;
    bool any = c->blank || c->nul_bytes || c->cut || c->zone_unknown || c->translated ||
               c->odd_columns || c->prefix_gave_up || c->yearless || c->late_pieces || c->reversed || c->reversed_cut || c->n_samples ||
               c->foreign || c->n_foreign_samples || c->prefix_unfit[0] || c->prefix_rival[0] ||
               c->prefix_switches || c->prefix_switched[0] || c->prefix_changed || c->late_given_up;
    if (!any)
        return lost ? PGM_FATAL : PGM_OK;
    pgm_input_coverage_rare *r = calloc(1, sizeof *r);
    if (!r)
        return PGM_FATAL;
    r->blank = c->blank, r->nul_bytes = c->nul_bytes, r->nul_first_line = c->nul_first_line;
    r->cut = c->cut, r->zone_unknown = c->zone_unknown, r->translated = c->translated;
    r->odd_columns = c->odd_columns, r->yearless = c->yearless;
    r->prefix_gave_up = c->prefix_gave_up;
    r->late_pieces = c->late_pieces;
    r->reversed = c->reversed, r->reversed_cut = c->reversed_cut;
    r->samples = copy_samples(c->samples, c->n_samples);
    r->n_samples = r->samples ? c->n_samples : 0;
    r->foreign = c->foreign;
    r->foreign_samples = copy_samples(c->foreign_samples, c->n_foreign_samples);
    r->n_foreign_samples = r->foreign_samples ? c->n_foreign_samples : 0;
    lost |= (c->n_samples && !r->samples) || (c->n_foreign_samples && !r->foreign_samples);
    r->prefix_unfit = interned(s, c->prefix_unfit, &lost);
    r->prefix_rival = interned(s, c->prefix_rival, &lost);
    r->prefix_switched = interned(s, c->prefix_switched, &lost);
    r->prefix_switches = c->prefix_switches, r->prefix_switch_line = c->prefix_switch_line;
    r->prefix_changed = c->prefix_changed, r->late_given_up = c->late_given_up;
    k->rare = r;
    return lost ? PGM_FATAL : PGM_OK;
}

void pgm_scan_warn(pgm_scan *s, pgm_input_report *in, const char *fmt, ...)
{
    char raw[PGM_ERR_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    /* warnings quote lines of the evidence: escaped for every output */
    char msg[4 * sizeof raw];
    pgm_display_copy(msg, sizeof msg, raw);
    if (s->on_warning)
        s->on_warning(s->term_ctx, in->path, msg);
    if (!in->warnings && !(in->warnings = malloc(PGM_SCAN_MAX_WARNINGS * sizeof *in->warnings))) {
        in->warnings_dropped++;
        return;
    }
    char *copy = in->n_warnings < PGM_SCAN_MAX_WARNINGS ? strdup(msg) : NULL;
    if (copy)
        in->warnings[in->n_warnings++] = copy;
    else
        in->warnings_dropped++;
}

/* The input's first and last times take in `t` (PGM_TS_UNKNOWN: nothing). */
static void widen_span(pgm_input_report *in, int64_t t)
{
    if (t == PGM_TS_UNKNOWN)
        return;
    if (in->first_ts == PGM_TS_UNKNOWN || t < in->first_ts)
        in->first_ts = t;
    if (in->last_ts == PGM_TS_UNKNOWN || t > in->last_ts)
        in->last_ts = t;
}

/* An event of `in` to the caller, counted; its origin is returned for the
 * events that follow from it. */
static pgm_event_origin hand_on(pgm_scan *s, pgm_input_report *in, const pgm_event *ev)
{
    in->events++;
    s->events++;
    pgm_event_origin o = {.order = (uint64_t)in->index << PGM_ORDER_PART_BITS};
    if (s->on_event)
        s->on_event(s->ctx, &o, ev);
    return o;
}

/* A made event's common fields (model/event.h): its application and text,
 * the rest none; the kind's own fields follow. */
static void common_fields(pgm_event *ev, const char *app, const char *msg)
{
    for (size_t f = 0; f < PGM_EVENT_COMMON_FIELDS; f++) {
        const char *n = pgm_event_common_names[f];
        const char *v = strcmp(n, "app") == 0 ? app : strcmp(n, "msg") == 0 ? msg : NULL;
        ev->fields[ev->n_fields++] = (pgm_field){n, v, 0};
    }
}

/* ------------------------------------------------------------ server logs */

/* The year of a server.previous_state's `at` (the control file's time, as
 * the server formats it: "2019-02-11 13:14:59 CET"), noted once a lane. */
static void note_dated_year(pgm_scan_lane *lane, const pgm_event *ev, uint64_t line)
{
    for (size_t i = 0; i < ev->n_fields; i++) {
        const pgm_field *f = &ev->fields[i];
        if (strcmp(f->name, "at") != 0 || !f->value || pgm_field_len(f) < 5)
            continue;
        const char *v = f->value;
        int year = 0;
        for (size_t k = 0; k < 4 && year >= 0; k++)
            year = v[k] >= '0' && v[k] <= '9' ? year * 10 + (v[k] - '0') : -1; /* -1: no year */
        if (year > 1970 && v[4] == '-') {
            lane->dated_year = year;
            lane->dated_line = line;
        }
        return;
    }
}

void pgm_scan_on_record(void *ctx, const pgm_pg_record *rec)
{
    pgm_scan_lane *lane = ctx;
    pgm_event ev;
    if (!lane->order_checked) {
        lane->order_checked = true;
        int64_t step = lane->order_path && lane->reader && pgm_pglog_time_led(lane->reader)
                           ? pgm_time_order_file(lane->order_path)
                           : -1;
        lane->origin.in_time_order = step >= 0;
        lane->origin.max_step_back = step;
    }
    if (rec->t != PGM_TS_UNKNOWN) {
        pgm_scan_step_back(lane->last_ts, rec->t, rec->line, &lane->max_back_us, &lane->max_back_line);
        if (lane->first_ts == PGM_TS_UNKNOWN || rec->t < lane->first_ts)
            lane->first_ts = rec->t;
        if (lane->last_ts == PGM_TS_UNKNOWN || rec->t > lane->last_ts)
            lane->last_ts = rec->t;
        if (lane->part_min_ts == PGM_TS_UNKNOWN || rec->t < lane->part_min_ts) {
            lane->part_min_ts = rec->t;
            lane->part_min_line = rec->line;
        }
        if (lane->part_max_ts == PGM_TS_UNKNOWN || rec->t > lane->part_max_ts)
            lane->part_max_ts = rec->t;
    }
    if (pgm_pg_classify(lane->classifier, rec, lane->in->path, &ev) != 1)
        return;
    lane->events++;
    if (ev.kind_id == PGM_EV_SERVER_PREVIOUS_STATE && !lane->dated_year)
        note_dated_year(lane, &ev, rec->line);
    if (lane->s->on_event)
        lane->s->on_event(lane->s->ctx, &lane->origin, &ev);
}

void pgm_scan_classifier_options(const pgm_scan *s, pgm_pg_classifier *c)
{
    c->keep_secrets = s->keep_secrets;
    c->borrow_values = s->borrow_values;
    c->reads = s->reads;
}

void pgm_scan_lane_done(pgm_scan *s, pgm_input_report *in, const pgm_scan_lane *lane)
{
    if (lane->first_ts != PGM_TS_UNKNOWN &&
        (in->first_ts == PGM_TS_UNKNOWN || lane->first_ts < in->first_ts))
        in->first_ts = lane->first_ts;
    if (lane->last_ts != PGM_TS_UNKNOWN &&
        (in->last_ts == PGM_TS_UNKNOWN || lane->last_ts > in->last_ts))
        in->last_ts = lane->last_ts;
    if (lane->max_back_us > in->max_back_us) {
        in->max_back_us = lane->max_back_us;
        in->max_back_line = lane->max_back_line;
    }
    s->events += lane->events;
    if (lane->dated_year && (!in->dated_year || lane->dated_line < in->dated_line)) {
        in->dated_year = lane->dated_year;
        in->dated_line = lane->dated_line;
    }
    const pgm_pg_classifier *c = lane->classifier;
    in->events += c->events;
    in->unknown += c->unknown;
    in->unknown_other += c->unknown_other;
    in->by_sqlstate += c->by_sqlstate;
    in->fields_dropped += c->fields_dropped;
    for (size_t i = 0; i < c->n_shapes; i++) {
        size_t k = 0;
        while (k < in->n_shapes && strcmp(in->shapes[k].words, c->shapes[i].words) != 0)
            k++;
        if (k < in->n_shapes) {
            in->shapes[k].count += c->shapes[i].count;
        } else if (in->n_shapes < PGM_UNKNOWN_SHAPES &&
                   (in->shapes || (in->shapes = malloc(PGM_UNKNOWN_SHAPES * sizeof *in->shapes)))) {
            in->shapes[in->n_shapes++] = c->shapes[i];
        } else {
            in->unknown_other += c->shapes[i].count;
        }
    }
}

/* Events of the input that lost a field (any reader's classifier). */
static void say_fields_dropped(pgm_scan *s, pgm_input_report *in)
{
    if (!in->fields_dropped)
        return;
    pgm_scan_warn(s, in, "%llu event(s) lost a field: more than %u fields an event (PGM_EVENT_MAX_FIELDS: a rule's "
                  "captures and what the line adds to them) or %u KiB of their values (PGM_EVENT_MAX_TEXT)",
                  (unsigned long long)in->fields_dropped, PGM_EVENT_MAX_FIELDS, PGM_EVENT_MAX_TEXT >> 10);
    in->limit_reached = true;
}

/* A server log whose messages are mostly of no known kind, in percent. The
 * rule packs know every message of the real logs they were measured on (one
 * of 184,000 in pgBadger's test logs is unknown), so such a log is read
 * wrong (text left before the message: a prefix inside a cloud's record) or
 * written by a server pgmortem does not know: its events are missing, a
 * refusal among them would be read as none. */
#define PGM_UNKNOWN_SHARE_WARN 50u

static void say_mostly_unknown(pgm_scan *s, pgm_input_report *in)
{
    uint64_t messages = in->events + in->unknown;
    if (!in->unknown || in->unknown * 100 < messages * PGM_UNKNOWN_SHARE_WARN)
        return;
    const pgm_unknown_shape *most = NULL;
    for (size_t i = 0; i < in->n_shapes; i++)
        if (!most || in->shapes[i].count > most->count)
            most = &in->shapes[i];
    if (most)
        pgm_scan_warn(s, in, "%llu of %llu messages are of no kind pgmortem knows, the most '%s' (%llu, first "
                      "at line %llu): their events are missing. Is there text before the message that is "
                      "no part of it? (--coverage lists them)",
                      (unsigned long long)in->unknown, (unsigned long long)messages, most->words,
                      (unsigned long long)most->count, (unsigned long long)most->first_line);
    else
        pgm_scan_warn(s, in, "%llu of %llu messages are of no kind pgmortem knows: their events are missing",
                      (unsigned long long)in->unknown, (unsigned long long)messages);
    in->mostly_unknown = true;
}

/* Said of a server's or an application's log written newest first. */
#define PGM_NEWEST_FIRST_READ "newest-first export: read from the last line to the first"

/* What the coverage of a server log says, as warnings. */
static void coverage_warnings(pgm_scan *s, pgm_input_report *in)
{
    const pgm_input_coverage *c = &in->cov;
    bool detected = strncmp(c->prefix_origin, "detected", 8) == 0;
    if (c->rare->prefix_unfit[0])
        pgm_scan_warn(s, in,
             "the configuration's log_line_prefix '%s' does not fit this log; read with '%s' (%s), "
             "which parses %llu of %llu lines",
             c->rare->prefix_unfit, c->prefix, c->prefix_origin, (unsigned long long)c->primary_parsed,
             (unsigned long long)c->primary_tried);
    if (c->rare->prefix_rival[0] && detected)
        pgm_scan_warn(s, in,
             "log_line_prefix '%s' (%s) and '%s' read the lines equally well but put values "
             "into other fields; read with the first: give the right one with --log-line-prefix",
             c->prefix, c->prefix_origin, c->rare->prefix_rival);
    else if (c->rare->prefix_rival[0])
        pgm_scan_warn(s, in,
             "log_line_prefix '%s' (%s) parses %llu of %llu lines, the lines' own '%s' more: "
             "is the configuration the one this log was written with?",
             c->prefix, c->prefix_origin, (unsigned long long)c->primary_parsed,
             (unsigned long long)c->primary_tried, c->rare->prefix_rival);
    else if (c->prefix_origin[0] && in->prefix_doubtful && !c->rare->prefix_unfit[0])
        pgm_scan_warn(s, in,
             "log_line_prefix '%s' (%s) parses only %llu of %llu lines; the real prefix is "
             "another one: give it with --log-line-prefix",
             c->prefix, c->prefix_origin, (unsigned long long)c->primary_parsed,
             (unsigned long long)c->primary_tried);
    if (c->rare->prefix_switches && c->rare->prefix_changed)
        pgm_scan_warn(s, in, "log_line_prefix changed at line %llu (a reload?): read from there with '%s', "
                    "read off those lines", (unsigned long long)c->rare->prefix_switch_line, c->rare->prefix_switched);
    else if (c->rare->prefix_switches)
        pgm_scan_warn(s, in, "from line %llu, lines the first ones did not show (processes without a session?) "
                    "are read with '%s', which reads the lines before them as well",
                    (unsigned long long)c->rare->prefix_switch_line, c->rare->prefix_switched);
    if (c->rare->late_given_up)
        pgm_scan_warn(s, in, "lines log_line_prefix '%s' does not read were looked at %u times; after line %llu "
                    "they are no longer (counted as not understood)", c->rare->prefix_switches ? c->rare->prefix_switched : c->prefix,
                    PGM_PREFIX_LATE_TRIES, (unsigned long long)c->rare->late_given_up);
    if (c->rare->nul_bytes)
        pgm_scan_warn(s, in, "%llu NUL byte(s) skipped, first before line %llu: a zero-filled block (a crash "
                    "lost those pages); what they held is missing", (unsigned long long)c->rare->nul_bytes,
                    (unsigned long long)c->rare->nul_first_line);
    if (c->unparsed)
        pgm_scan_warn(s, in, "%llu line(s) not understood, first at line %llu: %s",
             (unsigned long long)c->unparsed, (unsigned long long)c->rare->samples[0].line,
             c->rare->samples[0].text);
    if (c->rare->foreign)
        pgm_scan_warn(s, in, "%llu line(s) are no server output (no severity word: pg_ctl, a shell, an "
                    "operator), counted apart, first at line %llu: %s",
             (unsigned long long)c->rare->foreign, (unsigned long long)c->rare->foreign_samples[0].line,
             c->rare->foreign_samples[0].text);
    if (c->lines && !c->records)
        pgm_scan_warn(s, in, "no server log message found in %llu line(s)", (unsigned long long)c->lines);
    if (c->rare->zone_unknown)
        pgm_scan_warn(s, in, "%llu time(s) in a zone that names several places (like IST or CST); "
                    "left without time: give the offset with --tz",
             (unsigned long long)c->rare->zone_unknown);
    if (c->zone_guessed && !s->log.tz.set)
        pgm_scan_warn(s, in, "%llu time(s) carry no zone; read as UTC (--tz sets another)",
             (unsigned long long)c->zone_guessed);
    if (c->rare->translated)
        pgm_scan_warn(s, in, "%llu message(s) have non-English severity words: the messages are "
                    "translated (lc_messages); %llu recognised by SQLSTATE",
             (unsigned long long)c->rare->translated, (unsigned long long)in->by_sqlstate);
    if (c->rare->odd_columns)
        pgm_scan_warn(s, in, "%llu csvlog record(s) of a column count the server does not write "
                    "(23, 24 or 26): read by position up to the message; check the columns after it",
             (unsigned long long)c->rare->odd_columns);
    if (c->rare->late_pieces) {
        pgm_scan_warn(s, in, "%llu syslog piece(s) came after their message was handed on (a message is "
                    "held %u ms, behind %u others or %u MiB of them, at most): counted as not understood",
             (unsigned long long)c->rare->late_pieces, (unsigned)(PGM_SYSLOG_HOLD_US / 1000), PGM_SYSLOG_PENDING,
             PGM_SYSLOG_HELD_BYTES >> 20);
        in->limit_reached = true; /* a message's lines read apart */
    }
    if (c->rare->reversed_cut) {
        pgm_scan_warn(s, in, "newest-first export larger than %u MiB: its first part was read backwards, "
                    "the rest as it comes (reverse it with tac first)",
             PGM_PGLOG_REVERSE_MAX >> 20);
        in->limit_reached = true; /* the times of the rest run backwards */
    }
    else if (c->rare->reversed)
        pgm_scan_warn(s, in, "%s", PGM_NEWEST_FIRST_READ);
    if (c->rare->prefix_gave_up) {
        pgm_scan_warn(s, in, "%llu line(s) the log_line_prefix matcher gave up on: a free-text value (%%u, %%d, "
                      "%%a, %%h, ...) longer than %u bytes, or more than %u ways to split the prefix tried "
                      "(PGM_PREFIX_MAX_VALUE, PGM_PREFIX_MAX_STEPS): not read",
                      (unsigned long long)c->rare->prefix_gave_up, PGM_PREFIX_MAX_VALUE, PGM_PREFIX_MAX_STEPS);
        in->limit_reached = true;
    }
    say_fields_dropped(s, in);
    say_mostly_unknown(s, in);
    if (c->rare->cut) {
        pgm_scan_warn(s, in, "%llu message(s) cut at a size limit (%u KiB of text, %u DETAIL/HINT/... "
                      "parts a message; %u keys, %u levels, %u MiB a JSON record; %u fields, %u MiB a csvlog record): "
                      "what was cut is not read",
                      (unsigned long long)c->rare->cut, PGM_ENTRY_MAX_TEXT >> 10, PGM_ENTRY_MAX_PARTS,
                      PGM_JSONFLAT_MAX_PAIRS, PGM_JSONFLAT_MAX_DEPTH, PGM_JSONFLAT_MAX_BYTES >> 20, PGM_CSV_MAX_FIELDS,
                      PGM_CSV_MAX_RECORD >> 20);
        in->limit_reached = true;
    }
}

/* The year of dates printed without one (a journal's "Nov 27"): --year, else the file's. */
static int year_of_file(const pgm_scan *s, const pgm_file_info *info)
{
    if (s->log.year)
        return s->log.year;
    return info->mtime != INT64_MIN ? (int)pgm_year_of(info->mtime) : 0;
}

/* The day of times an application log prints without a date (logback's
 * default HH:mm:ss.SSS): a date in the file's name (orders-2026-11-27.log,
 * orders.20261127.log), else the day the file last changed. NULL when
 * neither is known; else how it was found. */
static const char *day_of_file(const pgm_file_info *info, int64_t *day)
{
    const char *name = info->name ? info->name : "";
    for (const char *p = name; *p; p++) {
        int y, m, d;
        if (sscanf(p, "%4d-%2d-%2d", &y, &m, &d) == 3 || (strspn(p, "0123456789") >= 8 &&
                                                         sscanf(p, "%4d%2d%2d", &y, &m, &d) == 3)) {
            if (y >= 1990 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
                *day = pgm_days_from_civil(y, (unsigned)m, (unsigned)d);
                return "the date in the file's name";
            }
        }
    }
    if (info->mtime == INT64_MIN)
        return NULL;
    *day = info->mtime >= 0 ? info->mtime / 86400 : (info->mtime - 86399) / 86400;
    return "the day the file last changed (a log read past midnight moves on)";
}

/* What the envelope said of an input, once it is read. */
static void envelope_done(pgm_scan *s, pgm_input_report *in, const pgm_unwrap *u)
{
    in->bytes = u->lines.bytes_read;
    in->wrapper_lines = u->cov.wrapper_lines;
    in->wrapper_foreign = u->cov.foreign;
    if (in->envelope == PGM_ENVELOPE_NONE)
        return;
    char msg[PGM_ERR_MAX];
    if (pgm_unwrap_foreign_said(u, msg, sizeof msg))
        pgm_scan_warn(s, in, "%s", msg);
    /* an export's lines that are no field were left out: evidence is missing */
    if (pgm_unwrap_lost_lines(u))
        in->limit_reached = true;
    if (pgm_unwrap_limit_said(u, msg, sizeof msg)) {
        pgm_scan_warn(s, in, "%s", msg);
        in->limit_reached = true;
    }
    if (u->cov.cut) {
        pgm_scan_warn(s, in, "%llu line(s) inside the %s envelope cut at a size limit (%zu bytes a "
                      "line, --max-line-bytes; %u KiB a journal field): what was cut is not read",
                      (unsigned long long)u->cov.cut, pgm_envelope_name(in->envelope), s->max_line,
                      PGM_UNWRAP_MAX_FIELD >> 10);
        in->limit_reached = true;
    }
}

static int read_lines(pgm_scan *s, pgm_input_report *in, const pgm_file_info *info,
                      const pgm_envelope *env, pgm_source *content);

/* How a server log is read: the command line's options, the bundle's
 * configured prefix, the year of its syslog dates. */
static pgm_pglog_options log_options(const pgm_scan *s, const pgm_input_report *in, const pgm_file_info *info)
{
    pgm_pglog_options opt = s->log;
    if (!opt.prefix && s->have_conf_prefix) {
        opt.conf_prefix = s->conf_prefix;
        opt.conf_prefix_alt = s->conf_prefix_alt;
        opt.conf_origin = s->conf_origin;
    } else if (!opt.prefix) {
        /* a rotated log's later piece: the prefix its piece before was read with */
        opt.conf_prefix = pgm_rotated_prefix(s->rotated, info->display_path, &opt.conf_origin);
        opt.conf_is_hint = opt.conf_prefix != NULL;
    }
    if (!opt.year && info->mtime != INT64_MIN && strcmp(in->format, "syslog") == 0)
        opt.year = (int)pgm_year_of(info->mtime);
    return opt;
}

static int read_log(pgm_scan *s, pgm_input_report *in, const pgm_file_info *info,
                    const pgm_envelope *env, pgm_source *content)
{
    /* split between threads: a plain file whose bytes the run's limit allows
     * (the parts read the file themselves, outside the walker's count) */
    uint64_t cap = s->limits ? s->limits->max_total_bytes : 0;
    if (s->jobs > 1 && info->disk_path && env->kind == PGM_ENVELOPE_NONE &&
        info->disk_size >= s->split_min_bytes &&
        (!cap || s->stats.bytes + info->disk_size <= cap)) {
        pgm_pglog_options opt = log_options(s, in, info);
        int rc = pgm_scan_read_split(s, in, &opt, info->disk_path, info->disk_size);
        if (rc != PGM_WARN) { /* PGM_WARN: this one is not split after all */
            /* the walker counts what is read through `content`: here nothing, the head included */
            s->stats.bytes += in->bytes;
            /* the threads read the head again and said what they could not read, the sniffed head's too */
            if (info->disk_unreadable)
                *info->disk_unreadable = (pgm_unreadable){0};
            return rc;
        }
    }
    return read_lines(s, in, info, env, content);
}

/* A log's own disorder is milliseconds; a step back of a minute is pieces
 * out of order, which a reading in file order miscounts: said, with its line,
 * where the consumer reads so (analyze). */
static void say_disorder(pgm_scan *s, pgm_input_report *in, const char *spans)
{
    if (!s->say_disorder || in->max_back_us <= PGM_TIME_ORDER_MAX_STEP_US)
        return;
    pgm_scan_warn(s, in, "its times go back %.0f s at line %llu: pieces out of order (concatenated, rotated, "
                  "or a log service's streams of one source), read in file order, so what spans the step "
                  "(%s) is miscounted; put them in order (timeline sorts)",
                  (double)in->max_back_us / 1e6, (unsigned long long)in->max_back_line, spans);
    in->limit_reached = true;
}

void pgm_scan_log_warnings(pgm_scan *s, pgm_input_report *in, const pgm_pglog_options *opt,
                           uint64_t long_lines)
{
    say_disorder(s, in, "sessions, peaks");
    if (opt->year && !s->log.year && strcmp(in->format, "syslog") == 0 && in->cov.rare->yearless) {
        /* the control file's time is before the start that writes it: the
         * year before the guessed one may be right too (a new year between) */
        in->year_doubtful = in->dated_year && in->dated_year != opt->year && in->dated_year != opt->year - 1;
        if (in->year_doubtful)
            pgm_scan_warn(s, in, "syslog dates carry no year; %d, taken from the file's time, disagrees with the "
                          "date the server wrote at line %llu (year %d): every time of this log may be years off "
                          "(--year sets it)", opt->year, (unsigned long long)in->dated_line, in->dated_year);
        else
            pgm_scan_warn(s, in, "syslog dates carry no year; %d taken from the file's time (--year sets it)",
                          opt->year);
    }
    if (long_lines) {
        pgm_scan_warn(s, in, "%llu line(s) longer than %zu bytes were cut (--max-line-bytes)",
             (unsigned long long)long_lines, s->max_line);
        in->limit_reached = true; /* what was cut is not read */
    }
    coverage_warnings(s, in);
}

/* ------------------------------------------------- pg_stat_activity dumps */

typedef struct psa_ctx {
    pgm_scan *s;
    pgm_input_report *in;
    int64_t file_time;   /* the file's time inside the bundle: the last resort */
    uint64_t snapshots;
    uint64_t rows_dropped, values_cut; /* over the snapshot limits, in all */
} psa_ctx;

/* The (user, database, client, application) holding the most client
 * sessions in a snapshot: with connection logging off, the suspect's name. */
typedef struct psa_group {
    const char *user, *db, *client, *app;
    size_t n;
} psa_group;

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const psa_group *top_group(const pgm_psa_snapshot *snap, psa_group *g, size_t cap)
{
    size_t n = 0;
    const psa_group *top = NULL;
    for (size_t i = 0; i < snap->n_rows; i++) {
        const pgm_psa_row *r = &snap->rows[i];
        const char *type = pgm_psa_value(snap, r, PGM_PSA_BACKEND_TYPE);
        if ((type && strcmp(type, "client backend") != 0) || (!type && !pgm_psa_value(snap, r, PGM_PSA_STATE)))
            continue;
        const char *count = pgm_psa_value(snap, r, PGM_PSA_COUNT);
        size_t w = count ? (size_t)strtoull(count, NULL, 10) : 1;
        psa_group key = {pgm_psa_value(snap, r, PGM_PSA_USENAME), pgm_psa_value(snap, r, PGM_PSA_DATNAME),
                         pgm_psa_value(snap, r, PGM_PSA_CLIENT_ADDR),
                         pgm_psa_value(snap, r, PGM_PSA_APPLICATION_NAME), 0};
        size_t k = 0;
        while (k < n && !(same(g[k].user, key.user) && same(g[k].db, key.db) && same(g[k].client, key.client) &&
                          same(g[k].app, key.app)))
            k++;
        if (k == n) {
            if (n == cap)
                continue;
            g[n++] = key;
        }
        g[k].n += w;
        if (!top || g[k].n > top->n)
            top = &g[k];
    }
    return top;
}

/* A row's pid, user, database, application and client as the event's common fields. */
static void row_common_fields(pgm_event *ev, const pgm_psa_snapshot *snap, const pgm_psa_row *r)
{
    for (size_t k = 0; k < PGM_EVENT_COMMON_FIELDS; k++) {
        const char *n = pgm_event_common_names[k];
        enum pgm_psa_col col = strcmp(n, "pid") == 0      ? PGM_PSA_PID
                               : strcmp(n, "user") == 0   ? PGM_PSA_USENAME
                               : strcmp(n, "db") == 0     ? PGM_PSA_DATNAME
                               : strcmp(n, "app") == 0    ? PGM_PSA_APPLICATION_NAME
                               : strcmp(n, "client") == 0 ? PGM_PSA_CLIENT_ADDR
                                                          : PGM_PSA_NCOLS;
        ev->fields[ev->n_fields++] = (pgm_field){n, col == PGM_PSA_NCOLS ? NULL : pgm_psa_value(snap, r, col), 0};
    }
}

/* Each client session a snapshot shows is an event: its pid, names and
 * backend_start let the analysis give a logged session the application name
 * the log did not carry (sent after login); its state and state_change say
 * whether its holder used it lately; the statistics view its query read
 * tells a monitoring agent's session. */
static void session_rows(psa_ctx *pc, const pgm_psa_snapshot *snap, int64_t t, const pgm_event_origin *o)
{
    for (size_t i = 0; i < snap->n_rows && pc->s->on_event; i++) {
        const pgm_psa_row *r = &snap->rows[i];
        const char *type = pgm_psa_value(snap, r, PGM_PSA_BACKEND_TYPE);
        const char *pid = pgm_psa_value(snap, r, PGM_PSA_PID);
        if (!pid || (type ? strcmp(type, "client backend") != 0 : !pgm_psa_value(snap, r, PGM_PSA_STATE)))
            continue;
        char started[PGM_TS_ISO_LEN] = "", changed[PGM_TS_ISO_LEN] = "";
        int64_t b = pgm_psa_time(snap, r, PGM_PSA_BACKEND_START);
        if (b != PGM_TS_UNKNOWN)
            pgm_ts_format_iso(b, started);
        int64_t c = pgm_psa_time(snap, r, PGM_PSA_STATE_CHANGE);
        if (c != PGM_TS_UNKNOWN)
            pgm_ts_format_iso(c, changed);
        pgm_event ev;
        memset(&ev, 0, sizeof ev);
        ev.t = t;
        ev.kind = "activity.session";
        ev.kind_id = PGM_EV_ACTIVITY_SESSION;
        ev.path = pc->in->path;
        ev.line = r->line;
        row_common_fields(&ev, snap, r);
        ev.fields[ev.n_fields++] = (pgm_field){"backend_start", started[0] ? started : NULL, 0};
        ev.fields[ev.n_fields++] = (pgm_field){"state", pgm_psa_value(snap, r, PGM_PSA_STATE), 0};
        ev.fields[ev.n_fields++] = (pgm_field){"state_change", changed[0] ? changed : NULL, 0};
        char view[64];
        ev.fields[ev.n_fields++] =
            (pgm_field){"stats_view", pgm_psa_stats_view(pgm_psa_value(snap, r, PGM_PSA_QUERY), view, sizeof view), 0};
        pc->s->events++;
        pc->in->events++;
        pc->s->on_event(pc->s->ctx, o, &ev);
    }
}

/* Each session a snapshot shows idle inside a transaction is an event of its
 * own: who holds it, since when, and what it ran last (the holders' table of
 * the postmortem). The query is free text: secrets in it are redacted. */
static void idle_in_transaction_rows(psa_ctx *pc, const pgm_psa_snapshot *snap, int64_t t,
                                     const pgm_event_origin *o)
{
    pgm_strbuf redacted;
    pgm_strbuf_init(&redacted, PGM_SCAN_PSA_QUERY_MAX);
    for (size_t i = 0; i < snap->n_rows && pc->s->on_event; i++) {
        const pgm_psa_row *r = &snap->rows[i];
        const char *state = pgm_psa_value(snap, r, PGM_PSA_STATE);
        const char *type = pgm_psa_value(snap, r, PGM_PSA_BACKEND_TYPE);
        if (!state || strncmp(state, "idle in transaction", 19) != 0 || (type && strcmp(type, "client backend") != 0))
            continue;
        char since[PGM_TS_ISO_LEN] = "", changed[PGM_TS_ISO_LEN] = "";
        int64_t x = pgm_psa_time(snap, r, PGM_PSA_XACT_START), c = pgm_psa_time(snap, r, PGM_PSA_STATE_CHANGE);
        if (x != PGM_TS_UNKNOWN)
            pgm_ts_format_iso(x, since);
        if (c != PGM_TS_UNKNOWN)
            pgm_ts_format_iso(c, changed);
        const char *query = pgm_psa_value(snap, r, PGM_PSA_QUERY);
        pgm_strbuf_reset(&redacted);
        if (query && !pc->s->keep_secrets && pgm_redact(query, strlen(query), &redacted) &&
            !pgm_strbuf_add(&redacted, "", 1))
            query = redacted.p;
        pgm_event ev;
        memset(&ev, 0, sizeof ev);
        ev.t = t;
        ev.kind = "activity.idle_in_transaction";
        ev.kind_id = PGM_EV_ACTIVITY_IDLE_IN_TRANSACTION;
        ev.path = pc->in->path;
        ev.line = r->line;
        row_common_fields(&ev, snap, r);
        ev.fields[ev.n_fields++] = (pgm_field){"state", state, 0};
        ev.fields[ev.n_fields++] = (pgm_field){"xact_start", since[0] ? since : NULL, 0};
        ev.fields[ev.n_fields++] = (pgm_field){"state_change", changed[0] ? changed : NULL, 0};
        ev.fields[ev.n_fields++] = (pgm_field){"query", query, 0};
        pc->s->events++;
        pc->in->events++;
        pc->s->on_event(pc->s->ctx, o, &ev);
    }
    pgm_strbuf_free(&redacted);
}

/* One snapshot becomes one activity.snapshot event with counts a reader of
 * the timeline wants at a glance, and the group holding the most sessions. */
static void on_snapshot(void *ctx, const pgm_psa_snapshot *snap)
{
    psa_ctx *pc = ctx;
    size_t sessions = 0, client = 0, active = 0, idle = 0, iit = 0, lock_waits = 0;
    int64_t oldest_xact = PGM_TS_UNKNOWN;
    for (size_t i = 0; i < snap->n_rows; i++) {
        const pgm_psa_row *r = &snap->rows[i];
        /* a grouped dump's row stands for count(*) sessions */
        const char *count = pgm_psa_value(snap, r, PGM_PSA_COUNT);
        size_t w = count ? (size_t)strtoull(count, NULL, 10) : 1;
        sessions += w;
        const char *type = pgm_psa_value(snap, r, PGM_PSA_BACKEND_TYPE);
        const char *state = pgm_psa_value(snap, r, PGM_PSA_STATE);
        const char *wait = pgm_psa_value(snap, r, PGM_PSA_WAIT_EVENT_TYPE);
        client += w * (type ? strcmp(type, "client backend") == 0 : state != NULL);
        active += w * (state && strcmp(state, "active") == 0);
        idle += w * (state && strcmp(state, "idle") == 0);
        iit += w * (state && strncmp(state, "idle in transaction", 19) == 0);
        lock_waits += w * (wait && strcmp(wait, "Lock") == 0);
        int64_t x = pgm_psa_time(snap, r, PGM_PSA_XACT_START);
        if (x != PGM_TS_UNKNOWN && (oldest_xact == PGM_TS_UNKNOWN || x < oldest_xact))
            oldest_xact = x;
    }
    char num[6][24], oldest[PGM_TS_ISO_LEN] = "";
    size_t vals[] = {sessions, client, active, idle, iit, lock_waits};
    for (size_t k = 0; k < 6; k++)
        snprintf(num[k], sizeof num[k], "%zu", vals[k]);
    if (oldest_xact != PGM_TS_UNKNOWN)
        pgm_ts_format_iso(oldest_xact, oldest);
    pgm_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t = snap->t != PGM_TS_UNKNOWN ? snap->t : pc->file_time;
    ev.kind = "activity.snapshot";
    ev.kind_id = PGM_EV_ACTIVITY_SNAPSHOT;
    ev.path = pc->in->path;
    ev.line = snap->first_line;
    common_fields(&ev, NULL, NULL);
    static const char *const names[] = {"rows", "client_backends", "active", "idle",
                                        "idle_in_transaction", "waiting_on_locks"};
    for (size_t k = 0; k < 6; k++)
        ev.fields[ev.n_fields++] = (pgm_field){names[k], num[k], 0};
    if (oldest[0])
        ev.fields[ev.n_fields++] = (pgm_field){"oldest_xact_start", oldest, 0};
    psa_group groups[PGM_SCAN_PSA_GROUPS];
    const psa_group *top = top_group(snap, groups, PGM_SCAN_PSA_GROUPS);
    char top_n[24];
    if (top) {
        snprintf(top_n, sizeof top_n, "%zu", top->n);
        ev.fields[ev.n_fields++] = (pgm_field){"top_sessions", top_n, 0};
        ev.fields[ev.n_fields++] = (pgm_field){"top_user", top->user, 0};
        ev.fields[ev.n_fields++] = (pgm_field){"top_db", top->db, 0};
        ev.fields[ev.n_fields++] = (pgm_field){"top_client", top->client, 0};
        ev.fields[ev.n_fields++] = (pgm_field){"top_app", top->app, 0};
    }
    ev.fields[ev.n_fields++] = (pgm_field){"time_from", snap->t_from_now ? "now()" :
                                           snap->t_from_banner ? "\\watch banner" :
                                           snap->t != PGM_TS_UNKNOWN ? "newest time in the dump" :
                                           "the file's time", 0};
    pc->snapshots++;
    pc->rows_dropped += snap->rows_dropped;
    pc->values_cut += snap->values_cut;
    widen_span(pc->in, ev.t);
    pgm_event_origin o = hand_on(pc->s, pc->in, &ev);
    session_rows(pc, snap, ev.t, &o);
    if (iit)
        idle_in_transaction_rows(pc, snap, ev.t, &o);
}

/* ------------------------------------------------------ application logs */

/* Where the journal's _PID or _HOSTNAME of an application's lines changed
 * (a restart): from which line on. An entry is handed on when the next one
 * starts, so the last few are enough. */
#define APP_ENVELOPE_CHANGES 4u
typedef struct envelope_change {
    uint64_t from;
    char pid[PGM_UNWRAP_PID_MAX], host[PGM_UNWRAP_HOST_MAX];
} envelope_change;

typedef struct app_ctx {
    pgm_scan *s;
    pgm_input_report *in;
    pgm_app_classifier *c;
    char name[PGM_UNWRAP_SOURCE_MAX]; /* the envelope's name of the container (Docker's attrs), "" */
    envelope_change changes[APP_ENVELOPE_CHANGES];
    size_t n_changes;                 /* in all; the ring holds the last */
} app_ctx;

/* The journal's process and host of an application's line (from `m`): kept
 * where they change. */
static void note_envelope_process(app_ctx *ac, const pgm_inner_line *m)
{
    const envelope_change *last = ac->n_changes ? &ac->changes[(ac->n_changes - 1) % APP_ENVELOPE_CHANGES] : NULL;
    if (last ? strcmp(last->pid, m->pid) == 0 && strcmp(last->host, m->host) == 0 : !m->pid[0] && !m->host[0])
        return;
    envelope_change *c = &ac->changes[ac->n_changes++ % APP_ENVELOPE_CHANGES];
    c->from = m->lineno;
    memcpy(c->pid, m->pid, sizeof c->pid);
    memcpy(c->host, m->host, sizeof c->host);
}

/* ... and of the entry that starts at `line`: NULL when none is known. */
static const envelope_change *envelope_process(const app_ctx *ac, uint64_t line)
{
    size_t n = ac->n_changes < APP_ENVELOPE_CHANGES ? ac->n_changes : APP_ENVELOPE_CHANGES;
    for (size_t i = 0; i < n; i++) {
        const envelope_change *c = &ac->changes[(ac->n_changes - 1 - i) % APP_ENVELOPE_CHANGES];
        if (c->from <= line)
            return c;
    }
    return NULL;
}

static void on_app_record(void *ctx, const pgm_app_record *rec)
{
    app_ctx *ac = ctx;
    pgm_event ev;
    pgm_scan_step_back(ac->in->last_ts, rec->t, rec->line, &ac->in->max_back_us, &ac->in->max_back_line);
    widen_span(ac->in, rec->t);
    /* a line without its application's name, process or host: the
     * envelope's (the container's name, the journal's _PID and _HOSTNAME) */
    const envelope_change *ec = ac->n_changes && (!rec->pid.n || !rec->host.n) ? envelope_process(ac, rec->line)
                                                                               : NULL;
    pgm_app_record named;
    if ((!rec->app.n && ac->name[0]) || (ec && ((!rec->pid.n && ec->pid[0]) || (!rec->host.n && ec->host[0])))) {
        named = *rec;
        if (!named.app.n && ac->name[0])
            named.app = (pgm_slice){ac->name, strlen(ac->name)};
        if (ec && !named.pid.n)
            named.pid = (pgm_slice){ec->pid, strlen(ec->pid)};
        if (ec && !named.host.n)
            named.host = (pgm_slice){ec->host, strlen(ec->host)};
        rec = &named;
    }
    if (pgm_app_classify(ac->c, rec, ac->in->path, &ev) != 1)
        return;
    hand_on(ac->s, ac->in, &ev);
}

static pgm_zone app_zone_of(pgm_scan *s, bool *from_evidence);

/* ------------------------------------------------ one input's lines, any kind */

/* The reader of one input's lines: a server log, an application log or a
 * pg_stat_activity dump; of a whole file, or of one source of a file whose
 * envelope carries several (read_demux). On the heap: the readers' callbacks
 * hold its address. */
struct line_sink {
    pgm_scan *s;
    pgm_input_report *in;
    enum pgm_kind kind;
    uint64_t lines, long_lines;
    /* server log */
    pgm_pglog_options opt;
    pgm_pg_classifier *classifier;   /* the scan's, or owned: several logs read at once */
    bool own_classifier;
    pgm_scan_lane lane;
    pgm_pglog_reader *pg;
    /* application log */
    pgm_app_classifier *app_classifier;
    app_ctx actx;
    pgm_app_reader *app;
    bool zone_evidence, wrapper_zone;
    int64_t app_day;                 /* the day times printed without a date fall in, or INT64_MIN */
    const char *app_day_from;        /* where that day comes from, for the warning */
    /* pg_stat_activity */
    psa_ctx pc;
    pgm_psa_reader *psa;
    /* what systemd and the kernel say: a message a line, the app classifier's records */
    bool system;
    /* PgBouncer's log: a line a record, the app classifier's rules for it */
    bool pooler;
    int pooler_year;                 /* of its syslog dates: --year's or the file's */
    bool pooler_named;               /* the envelope's source is PgBouncer by name */
    uint64_t pooler_unparsed, pooler_first_unparsed, pooler_records, pooler_continuation;
    uint64_t pooler_undated;
    /* times printed in the host's local time without a zone (PgBouncer's,
     * the wrapper's that systemd's lines take): read in --tz, else as UTC */
    uint64_t zone_guessed;
    /* lines that took the wrapper's time (PgBouncer's, systemd's), its date
     * without a year; the year it was read in */
    uint64_t wrapper_yearless;
    int wrapper_year;
    /* its first lines, held until they tell whether it was written newest
     * first (a console's download, gcloud logging read): then all of it */
    pgm_held_lines pooler_held;
    bool pooler_order_known, pooler_reversing, pooler_reversed, pooler_reversed_cut;
    /* PgBouncer's SHOW results: a row an event */
    pgm_pgb_show_reader *show;
    /* kubectl describe pod: its containers' ends; kubectl get events */
    pgm_k8s_describe *describe;
    pgm_k8s_events *events;
    uint64_t unplaced;               /* events without a time (a table's ages) */
    char unplaced_reasons[256];      /* the first of their reasons, for the warning */
    /* parked (pgm_scan.parked): its stream and piece, and the lines of the
     * next piece that went on its last entry */
    char stream[1024];
    pgm_rotation rotation;
    uint64_t carried;
    uint64_t carried_in;       /* lines of this file the piece before took */
};

static void sink_free(line_sink *k)
{
    if (!k)
        return;
    pgm_pglog_close(k->pg);
    if (k->own_classifier) {
        pgm_pg_classifier_free(k->classifier);
        free(k->classifier);
    }
    pgm_app_close(k->app);
    if (k->app_classifier) {
        pgm_app_classifier_free(k->app_classifier);
        free(k->app_classifier);
    }
    pgm_psa_close(k->psa);
    if (k->pooler)
        pgm_held_lines_clear(&k->pooler_held);
    pgm_pgb_show_close(k->show);
    pgm_k8s_describe_close(k->describe);
    pgm_k8s_events_close(k->events);
    free(k);
}

/* A container's end as `kubectl describe pod` shows it: an event at the
 * time it finished (its start when that is all there is). */
static void on_termination(void *ctx, const pgm_k8s_termination *term)
{
    line_sink *k = ctx;
    char text[512], code[16] = "", signal[16] = "", started[PGM_TS_ISO_LEN] = "";
    if (term->exit_code >= 0)
        snprintf(code, sizeof code, "%d", term->exit_code);
    if (term->signal >= 0)
        snprintf(signal, sizeof signal, "%d", term->signal);
    if (term->started != PGM_TS_UNKNOWN)
        pgm_ts_format_iso(term->started, started);
    snprintf(text, sizeof text, "container %s of pod %s terminated%s%s%s%s%s", term->container, term->pod,
             term->reason[0] ? ": " : "", term->reason, code[0] ? " (exit code " : "", code, code[0] ? ")" : "");
    pgm_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t = term->finished != PGM_TS_UNKNOWN ? term->finished : term->started;
    ev.kind = "k8s.container.terminated";
    ev.kind_id = PGM_EV_K8S_CONTAINER_TERMINATED;
    ev.path = k->in->path;
    ev.line = term->line;
    common_fields(&ev, term->container, text);
    ev.fields[ev.n_fields++] = (pgm_field){"pod", term->pod, 0};
    ev.fields[ev.n_fields++] = (pgm_field){"container", term->container, 0};
    ev.fields[ev.n_fields++] = (pgm_field){"reason", term->reason[0] ? term->reason : NULL, 0};
    ev.fields[ev.n_fields++] = (pgm_field){"exit_code", code[0] ? code : NULL, 0};
    ev.fields[ev.n_fields++] = (pgm_field){"signal", signal[0] ? signal : NULL, 0};
    ev.fields[ev.n_fields++] = (pgm_field){"started", started[0] ? started : NULL, 0};
    ev.fields[ev.n_fields++] = (pgm_field){"state", term->last ? "last" : "current", 0};
    widen_span(k->in, ev.t);
    hand_on(k->s, k->in, &ev);
}

/* One row of a PgBouncer SHOW result: pgbouncer.show.pool (client, server
 * and stats rows alike), its columns as fields under the names PgBouncer's
 * docs give them (only those: an event keeps its fields' names by address),
 * database, user and addr as the common db, user and client. A result has no
 * time of its own: a clients' or servers' row has its request_time, the
 * latest of which is about when the command ran; a pool's row has none. */
static void on_show_row(void *ctx, const pgm_pgb_show_row *row)
{
    static const char *const columns[] = {
        "cl_active", "cl_waiting", "cl_active_cancel_req", "cl_waiting_cancel_req", "sv_active", "sv_active_cancel",
        "sv_being_canceled", "sv_idle", "sv_used", "sv_tested", "sv_login", "maxwait", "maxwait_us", "pool_mode",
        "type", "state", "port", "local_addr", "local_port", "connect_time", "request_time", "wait", "wait_us",
        "close_needed", "link", "remote_pid", "tls", "application_name", "list", "items", "total_xact_count",
        "total_query_count", "total_wait_time", "avg_xact_count", "avg_query_count", "avg_wait_time",
        "total_server_assignment_count", "avg_server_assignment_count"};
    line_sink *k = ctx;
    pgm_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t = PGM_TS_UNKNOWN;
    static const struct { int id; const char *kind; } kinds[] = {
        [PGM_PGB_SHOW_POOLS] = {PGM_EV_PGBOUNCER_SHOW_POOL, "pgbouncer.show.pool"},
        [PGM_PGB_SHOW_CLIENTS] = {PGM_EV_PGBOUNCER_SHOW_CLIENT, "pgbouncer.show.client"},
        [PGM_PGB_SHOW_SERVERS] = {PGM_EV_PGBOUNCER_SHOW_SERVER, "pgbouncer.show.server"},
        [PGM_PGB_SHOW_STATS] = {PGM_EV_PGBOUNCER_SHOW_STATS, "pgbouncer.show.stats"},
        [PGM_PGB_SHOW_LISTS] = {PGM_EV_PGBOUNCER_SHOW_LIST, "pgbouncer.show.list"}};
    ev.kind = kinds[row->kind].kind;
    ev.kind_id = kinds[row->kind].id;
    ev.path = k->in->path;
    ev.line = row->line;
    common_fields(&ev, NULL, NULL);
    for (size_t i = 0; i < row->n; i++) {
        const char *name = row->name[i], *v = row->value[i];
        if (!v[0])
            continue;
        if (strcmp(name, "database") == 0)
            ev.fields[2].value = v;
        else if (strcmp(name, "user") == 0)
            ev.fields[1].value = v;
        else if (strcmp(name, "addr") == 0)
            ev.fields[4].value = v;
        else if (strcmp(name, "request_time") == 0 || strcmp(name, "connect_time") == 0) {
            pgm_ts_parse ts;
            if (pgm_ts_parse_at(v, strlen(v), &ts) && strcmp(name, "request_time") == 0)
                ev.t = ts.us;
        }
        for (size_t c = 0; c < sizeof columns / sizeof columns[0] && ev.n_fields < PGM_EVENT_MAX_FIELDS; c++)
            if (strcmp(name, columns[c]) == 0) {
                ev.fields[ev.n_fields++] = (pgm_field){columns[c], v, 0};
                break;
            }
    }
    widen_span(k->in, ev.t);
    hand_on(k->s, k->in, &ev);
}

/* What Kubernetes said of an object (k8s/events.h): the event k8s.event, at
 * its first time; a table's (or describe's) rows have none. */
static void on_k8s_event(void *ctx, const pgm_k8s_event *kev)
{
    line_sink *k = ctx;
    char text[1200], count[24] = "", first[PGM_TS_ISO_LEN] = "", last[PGM_TS_ISO_LEN] = "";
    if (kev->count > 0)
        snprintf(count, sizeof count, "%ld", kev->count);
    if (kev->first != PGM_TS_UNKNOWN)
        pgm_ts_format_iso(kev->first, first);
    if (kev->last != PGM_TS_UNKNOWN)
        pgm_ts_format_iso(kev->last, last);
    snprintf(text, sizeof text, "%s %s %s: %s", kev->type[0] ? kev->type : "?", kev->reason,
             kev->object[0] ? kev->object : "?", kev->message);
    pgm_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t = kev->first != PGM_TS_UNKNOWN ? kev->first : kev->last;
    ev.kind = "k8s.event";
    ev.kind_id = PGM_EV_K8S_EVENT;
    ev.path = k->in->path;
    ev.line = kev->line;
    const char *slash = strchr(kev->object, '/');
    common_fields(&ev, slash ? slash + 1 : NULL, text);
    const pgm_field extra[] = {{"type", kev->type, 0},       {"reason", kev->reason, 0},
                               {"object", kev->object, 0},   {"namespace", kev->namespace_name, 0},
                               {"message", kev->message, 0}, {"source", kev->source, 0},
                               {"count", count, 0},          {"first_seen", first, 0},
                               {"last_seen", last, 0},       {"age", kev->age, 0}};
    for (size_t f = 0; f < sizeof extra / sizeof extra[0]; f++)
        ev.fields[ev.n_fields++] = (pgm_field){extra[f].name, extra[f].value && *extra[f].value ? extra[f].value
                                                                                               : NULL, 0};
    if (ev.t == PGM_TS_UNKNOWN) {
        /* their reasons named once each, as many as fit */
        size_t used = strlen(k->unplaced_reasons);
        k->unplaced++;
        if (!strstr(k->unplaced_reasons, kev->reason) && used + strlen(kev->reason) + 3 < sizeof k->unplaced_reasons)
            snprintf(k->unplaced_reasons + used, sizeof k->unplaced_reasons - used, "%s%s", used ? ", " : "",
                     kev->reason);
    }
    widen_span(k->in, ev.t);
    hand_on(k->s, k->in, &ev);
}

/* A reader for `in` (of kind pg_log, app_log or pg_stat_activity). PGM_OK
 * with *out, NULL when the reader could not be opened (said); PGM_FATAL. */
static int sink_open(pgm_scan *s, pgm_input_report *in, const pgm_file_info *info, bool own_classifier,
                     const char *order_path, line_sink **out)
{
    *out = NULL;
    line_sink *k = calloc(1, sizeof *k);
    if (!k)
        return PGM_FATAL;
    k->s = s;
    k->in = in;
    k->kind = in->kind;
    k->wrapper_year = info ? year_of_file(s, info) : 0;
    char err[PGM_ERR_MAX] = "";
    int rc = PGM_OK;
    if (in->kind == PGM_KIND_PG_LOG) {
        k->opt = log_options(s, in, info);
        k->classifier = &s->classifier;
        if (own_classifier) {
            if (!(k->classifier = malloc(sizeof *k->classifier))) {
                free(k);
                return PGM_FATAL;
            }
            pgm_pg_classifier_init(k->classifier, s->rules);
            k->own_classifier = true;
        }
        pgm_pg_classifier_reset(k->classifier);
        pgm_scan_classifier_options(s, k->classifier);
        k->lane = (pgm_scan_lane){.s = s, .in = in, .classifier = k->classifier,
                                  .origin = {.order = (uint64_t)in->index << PGM_ORDER_PART_BITS,
                                             .outside_archives = info->outside_archives},
                                  .first_ts = PGM_TS_UNKNOWN, .last_ts = PGM_TS_UNKNOWN,
                                  .part_min_ts = PGM_TS_UNKNOWN, .part_max_ts = PGM_TS_UNKNOWN,
                                  .order_path = order_path};
        rc = pgm_pglog_open(&k->pg, in->format, &k->opt, pgm_scan_on_record, &k->lane, err);
        k->lane.reader = k->pg;
    } else if (in->kind == PGM_KIND_APP_LOG) {
        bool json = strcmp(in->format, "json") == 0 || strcmp(in->format, "ecs") == 0;
        /* on the heap: it remembers the input's leak reports */
        if (!(k->app_classifier = malloc(sizeof *k->app_classifier))) {
            free(k);
            return PGM_FATAL;
        }
        pgm_app_classifier_init(k->app_classifier, s->rules);
        k->actx = (app_ctx){.s = s, .in = in, .c = k->app_classifier};
        pgm_zone zone = app_zone_of(s, &k->zone_evidence);
        /* --app-tz outranks the envelope's times; they outrank a manifest's TZ */
        k->wrapper_zone = !s->app_tz.set;
        rc = pgm_app_open(&k->app, json, &zone, on_app_record, &k->actx);
        if (rc == PGM_OK && strcmp(in->format, "hikari-text") == 0)
            pgm_app_no_layout(k->app);
        k->app_day = s->app_day;
        if (s->app_day != INT64_MIN)
            k->app_day_from = "--app-date";
        else
            k->app_day_from = day_of_file(info, &k->app_day);
        if (rc == PGM_OK && k->app_day_from)
            pgm_app_set_day(k->app, k->app_day);
    } else if (in->kind == PGM_KIND_SYSTEM_LOG) {
        if (!(k->app_classifier = malloc(sizeof *k->app_classifier))) {
            free(k);
            return PGM_FATAL;
        }
        pgm_app_classifier_init(k->app_classifier, s->rules);
        pgm_app_classifier_source(k->app_classifier, "system_log");
        k->actx = (app_ctx){.s = s, .in = in, .c = k->app_classifier};
        k->system = true;
    } else if (in->kind == PGM_KIND_PGBOUNCER_LOG) {
        if (!(k->app_classifier = malloc(sizeof *k->app_classifier))) {
            free(k);
            return PGM_FATAL;
        }
        pgm_app_classifier_init(k->app_classifier, s->rules);
        pgm_app_classifier_source(k->app_classifier, "pgbouncer_log");
        k->actx = (app_ctx){.s = s, .in = in, .c = k->app_classifier};
        k->pooler = true;
        pgm_held_lines_init(&k->pooler_held, sizeof(pgm_inner_line), PGM_APP_REVERSE_MAX);
        k->pooler_year = year_of_file(s, info);
        /* a journal's source named by its identifier (FILE#pgbouncer): all its lines are PgBouncer's */
        const char *source = strrchr(in->path, '#');
        k->pooler_named = source && strstr(source, "pgbouncer");
    } else if (in->kind == PGM_KIND_PGBOUNCER_SHOW) {
        rc = pgm_pgb_show_open(&k->show, on_show_row, k) == 0 ? PGM_OK : PGM_FATAL;
    } else if (in->kind == PGM_KIND_K8S_POD) {
        rc = pgm_k8s_describe_open(&k->describe, on_termination, k);
        if (rc == PGM_OK)
            pgm_k8s_describe_on_events(k->describe, on_k8s_event, k);
    } else if (in->kind == PGM_KIND_K8S_EVENTS) {
        rc = pgm_k8s_events_open(&k->events, strcmp(in->format, "json") == 0, on_k8s_event, k);
    } else if (in->kind == PGM_KIND_PG_STAT_ACTIVITY) {
        k->pc = (psa_ctx){s, in, info->mtime != INT64_MIN ? info->mtime * 1000000 : PGM_TS_UNKNOWN, 0, 0, 0};
        rc = pgm_psa_open(&k->psa, in->format, on_snapshot, &k->pc, err);
    }
    if (rc != PGM_OK) {
        if (err[0])
            pgm_scan_warn(s, in, "%s", err);
        sink_free(k);
        return rc == PGM_FATAL ? PGM_FATAL : PGM_OK;
    }
    *out = k;
    return PGM_OK;
}

/* A time printed in its host's local time without a zone: read in --tz,
 * else as UTC, and counted (said by say_local_times). */
static int64_t local_time(line_sink *k, int64_t t)
{
    k->zone_guessed++;
    return k->s->log.tz.set ? pgm_zone_to_utc(&k->s->log.tz, t) : t;
}

/* One line of PgBouncer's log: its head read here, its message classified
 * by the pgbouncer_log rules. A line without a head is PgBouncer's message as
 * an envelope hands it on (the journal's, a container's: their time is its
 * time), or not PgBouncer's: counted, never guessed. */
static void read_pooler_line(line_sink *k, const char *line, size_t n, const pgm_inner_line *m)
{
    while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
        n--;
    if (!n)
        return; /* a blank line says nothing */
    pgm_pgb_head h;
    if (!pgm_pgb_parse_head(line, n, k->pooler_year, &h)) {
        /* a message PgBouncer logged with a newline in it (a client's query
         * in a pooler error) goes on on lines of its own, indented */
        if ((line[0] == '\t' || line[0] == ' ') && k->pooler_records) {
            k->pooler_continuation++;
            return;
        }
        if (!(k->pooler_named || pgm_pgb_is_message(line, n)) || m->t == PGM_TS_UNKNOWN) {
            if (!k->pooler_unparsed++)
                k->pooler_first_unparsed = m->lineno;
            return;
        }
        memset(&h, 0, sizeof h);
        h.t = m->t;
        /* the journal's short forms print the exporter's local time, no zone */
        h.zone = m->zone_guessed ? PGM_TS_ZONE_NONE : PGM_TS_ZONE_KNOWN;
        k->wrapper_yearless += m->yearless;
        h.message = (pgm_slice){line, n};
        note_envelope_process(&k->actx, m); /* the journal's _PID is PgBouncer's */
    }
    if (h.yearless && h.t == PGM_TS_UNKNOWN)
        k->pooler_undated++;
    /* PgBouncer prints its host's local time; 1.9 and before without a zone */
    if (h.t != PGM_TS_UNKNOWN && h.zone != PGM_TS_ZONE_KNOWN)
        h.t = local_time(k, h.t);
    k->pooler_records++;
    pgm_app_record rec = {.t = h.t, .level = h.level, .pid = h.pid, .message = h.message,
                          .line = m->lineno, .last_line = m->lineno};
    on_app_record(&k->actx, &rec);
}

/* The held lines of PgBouncer's log to its reader, first to last or last to
 * first; then none are held. */
static void replay_pooler(line_sink *k, bool backwards)
{
    pgm_held_lines *h = &k->pooler_held;
    for (size_t i = 0; i < h->n; i++) {
        size_t n;
        const void *meta;
        const char *line = pgm_held_lines_at(h, backwards ? h->n - 1 - i : i, &n, &meta);
        read_pooler_line(k, line, n, meta);
    }
    pgm_held_lines_clear(h);
}

/* Whether most steps between the held records' times go back: a log
 * written newest first, read from its last line. */
static void decide_pooler_order(line_sink *k)
{
    if (k->pooler_order_known)
        return;
    k->pooler_order_known = true;
    pgm_time_steps steps;
    pgm_time_steps_init(&steps);
    for (size_t i = 0; i < k->pooler_held.n; i++) {
        size_t n;
        const void *meta;
        const char *line = pgm_held_lines_at(&k->pooler_held, i, &n, &meta);
        pgm_pgb_head h;
        if (pgm_pgb_parse_head(line, n, k->pooler_year, &h))
            pgm_time_steps_add(&steps, h.t);
        else if (n && line[0] != '\t' && line[0] != ' ')
            pgm_time_steps_add(&steps, ((const pgm_inner_line *)meta)->t); /* an envelope's message */
    }
    if (pgm_time_steps_newest_first(&steps)) {
        k->pooler_reversing = k->pooler_reversed = true;
        return;
    }
    replay_pooler(k, false);
}

static void feed_pooler(line_sink *k, const char *line, size_t n, const pgm_inner_line *m)
{
    if (k->pooler_order_known && !k->pooler_reversing) {
        read_pooler_line(k, line, n, m);
        return;
    }
    pgm_inner_line kept = *m;
    kept.source = ""; /* the envelope's buffer: not PgBouncer's reading */
    if (!pgm_held_lines_add(&k->pooler_held, line, n, &kept)) {
        /* past PGM_APP_REVERSE_MAX (or out of memory): what is held is read
         * now, a newest-first log's backwards, the rest as it comes */
        decide_pooler_order(k);
        if (k->pooler_reversing) {
            k->pooler_reversing = false;
            k->pooler_reversed_cut = true;
            replay_pooler(k, true);
        }
        read_pooler_line(k, line, n, m);
        return;
    }
    if (!k->pooler_order_known && k->pooler_held.n >= PGM_APP_ORDER_LINES)
        decide_pooler_order(k);
}

static void sink_feed(line_sink *k, const char *line, size_t n, const pgm_inner_line *m)
{
    k->lines++;
    /* a line cut inside an envelope is said with the envelope (envelope_done) */
    k->long_lines += m->truncated && k->in->envelope == PGM_ENVELOPE_NONE;
    if (k->pg)
        pgm_pglog_feed(k->pg, line, n, m->lineno);
    else if (k->app) {
        if (m->source && m->source[0] && !k->actx.name[0])
            snprintf(k->actx.name, sizeof k->actx.name, "%s", m->source);
        note_envelope_process(&k->actx, m);
        pgm_app_feed_wrapped(k->app, line, n, m->lineno,
                             k->wrapper_zone && !m->zone_guessed ? m->t : PGM_TS_UNKNOWN);
    }
    else if (k->psa)
        pgm_psa_feed(k->psa, line, n, m->lineno);
    else if (k->describe)
        pgm_k8s_describe_feed(k->describe, line, n, m->lineno);
    else if (k->events)
        pgm_k8s_events_feed(k->events, line, n, m->lineno);
    else if (k->pooler)
        feed_pooler(k, line, n, m);
    else if (k->show)
        pgm_pgb_show_feed(k->show, line, n, m->lineno);
    else if (k->system) {
        /* no time of its own: the journal's is its time */
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
            n--;
        int64_t t = m->t != PGM_TS_UNKNOWN && m->zone_guessed ? local_time(k, m->t) : m->t;
        k->wrapper_yearless += t != PGM_TS_UNKNOWN && m->yearless;
        pgm_app_record rec = {.t = t, .message = {line, n}, .line = m->lineno, .last_line = m->lineno};
        on_app_record(&k->actx, &rec);
    }
}

static void finish_log(line_sink *k)
{
    pgm_scan *s = k->s;
    pgm_input_report *in = k->in;
    pgm_pglog_finish(k->pg);
    in->is_log = true;
    if (pgm_scan_keep_coverage(s, in, pgm_pglog_get_coverage(k->pg)) != PGM_OK)
        s->out_of_memory = true;
    in->prefix_doubtful = pgm_pglog_prefix_doubtful(k->pg);
    pgm_scan_lane_done(s, in, &k->lane);
    pgm_scan_log_warnings(s, in, &k->opt, k->long_lines);
}

static void finish_activity(line_sink *k)
{
    pgm_scan *s = k->s;
    pgm_input_report *in = k->in;
    pgm_psa_finish(k->psa);
    if (pgm_psa_columns_past(k->psa)) {
        pgm_scan_warn(s, in, "a result has more than %u columns; those past them are not read "
                      "(a state or pid among them is missing)", PGM_PSA_MAX_COLUMNS);
        in->limit_reached = true;
    }
    in->is_activity = true;
    in->cov.lines = k->lines;
    uint64_t first;
    in->cov.unparsed = pgm_psa_unparsed(k->psa, &first);
    in->cov.records = k->pc.snapshots;
    if (in->cov.unparsed)
        pgm_scan_warn(s, in, "%llu line(s) of the dump not understood, first at line %llu",
                      (unsigned long long)in->cov.unparsed, (unsigned long long)first);
    if (!k->pc.snapshots && in->cov.lines) {
        pgm_scan_warn(s, in, "no pg_stat_activity rows found in %llu line(s)",
                      (unsigned long long)in->cov.lines);
        in->limit_reached = true; /* a dump that gave nothing: its evidence is missing */
    }
    if (k->pc.rows_dropped) {
        pgm_scan_warn(s, in, "%llu row(s) not read: a snapshot holds at most %u (PGM_PSA_MAX_ROWS); its "
                      "sessions beyond are missing from the counts", (unsigned long long)k->pc.rows_dropped,
                      PGM_PSA_MAX_ROWS);
        in->limit_reached = true;
    }
    if (k->pc.values_cut) {
        pgm_scan_warn(s, in, "%llu value(s) left out: a snapshot keeps at most %u MiB of text "
                      "(PGM_PSA_MAX_TEXT)", (unsigned long long)k->pc.values_cut, PGM_PSA_MAX_TEXT >> 20);
        in->limit_reached = true;
    }
}

static void finish_app_log(line_sink *k)
{
    pgm_scan *s = k->s;
    pgm_input_report *in = k->in;
    const pgm_app_classifier *c = k->app_classifier;
    pgm_app_finish(k->app);
    const pgm_app_coverage *cov = pgm_app_get_coverage(k->app);
    in->is_app_log = true;
    in->cov.lines = cov->lines + k->carried_in;
    in->cov.records = cov->records;
    in->cov.continuation = cov->trace_lines + k->carried_in;
    in->cov.unparsed = cov->unparsed;
    in->cov.no_time = cov->no_time;
    in->cov.zone_guessed = cov->zone_guessed;
    in->unknown = c->other;
    if (cov->unparsed)
        pgm_scan_warn(s, in, "%llu line(s) before the first entry not understood, first at line %llu",
                      (unsigned long long)cov->unparsed, (unsigned long long)cov->first_unparsed);
    if (cov->lines && !cov->records)
        pgm_scan_warn(s, in, "no log entry found in %llu line(s): the layout is not one pgmortem knows",
                      (unsigned long long)cov->lines);
    if (c->returns_unmatched)
        pgm_scan_warn(s, in, "%llu returned leak(s) found no report to answer: more than %u leak "
                      "reports were held at once (PGM_APP_MAX_LEAKS), so some may have been replaced; "
                      "those returns carry no report's line", (unsigned long long)c->returns_unmatched,
                      PGM_APP_MAX_LEAKS);
    in->limit_reached |= c->returns_unmatched > 0;
    if (c->candidates_cut) {
        pgm_scan_warn(s, in, "%llu entr(ies) that no rule knows by their first %u exception lines (\"Caused by: "
                      "...\") have more (PGM_APP_MAX_CANDIDATES): those were not matched",
                      (unsigned long long)c->candidates_cut, PGM_APP_MAX_CANDIDATES);
        in->limit_reached = true;
    }
    if (cov->cut) {
        pgm_scan_warn(s, in, "%llu entr(ies) longer than %u KiB (a line or a stack trace) cut there: "
                      "what was cut is not read", (unsigned long long)cov->cut, PGM_APP_MAX_TRACE >> 10);
        in->limit_reached = true;
    }
    if (cov->dated) {
        char iso[PGM_TS_ISO_LEN];
        pgm_ts_format_iso(k->app_day * 86400 * 1000000LL, iso);
        pgm_scan_warn(s, in, "%llu time(s) printed without a date (the layout writes the time alone): dated "
                      "from %.10s, %s", (unsigned long long)cov->dated, iso, k->app_day_from);
        in->day_guessed = s->app_day == INT64_MIN;
    }
    if (cov->undated)
        pgm_scan_warn(s, in, "%llu time(s) printed without a date, and the file says none: those entries are "
                      "read without time", (unsigned long long)cov->undated);
    if (cov->anchored)
        pgm_scan_warn(s, in, "%llu HikariCP message(s) found by their text in lines no known layout reads: "
                      "their level and time are taken where they stand before it, else left out",
                      (unsigned long long)cov->anchored);
    if (cov->bare)
        pgm_scan_warn(s, in, "%llu line(s) read as entries of their own: the file has no layout pgmortem knows "
                      "(%%msg%%n), so they carry no time or level of their own", (unsigned long long)cov->bare);
    say_disorder(s, in, "pool states, restarts, leaks given back");
    if (cov->wrapper_timed)
        pgm_scan_warn(s, in, "%llu entr(ies) with no time printed took their %s envelope's, when the line was "
                      "received", (unsigned long long)cov->wrapper_timed, pgm_envelope_name(in->envelope));
    if (cov->reversed_cut) {
        pgm_scan_warn(s, in, "newest-first export larger than %u MiB: its first part was read backwards, "
                      "the rest as it comes, each trace with the entry above it (reverse it with tac first)",
                      PGM_APP_REVERSE_MAX >> 20);
        in->limit_reached = true;
    } else if (cov->reversed) {
        pgm_scan_warn(s, in, "%s", PGM_NEWEST_FIRST_READ);
    }
    /* an event without a time is in no timeline's order, beside no server event */
    if (cov->no_time) {
        pgm_scan_warn(s, in, "%llu entr(ies) without a time: their events stand first in the timeline and "
                      "are compared with no server event", (unsigned long long)cov->no_time);
        in->times_missing = true;
    }
    if (cov->zone_wrapper) {
        int32_t o = cov->wrapper_offset_s, a = o < 0 ? -o : o;
        pgm_scan_warn(s, in, "%llu time(s) carry no zone; read at UTC%c%02d:%02d, the offset between them "
                             "and the %s envelope's times (--app-tz sets another)",
                      (unsigned long long)cov->zone_wrapper, o < 0 ? '-' : '+', (int)(a / 3600),
                      (int)(a % 3600 / 60), pgm_envelope_name(in->envelope));
    }
    if (cov->zone_guessed && k->zone_evidence)
        pgm_scan_warn(s, in, "%llu time(s) carry no zone; read in %s, as %s sets it (--app-tz "
                             "sets another)", (unsigned long long)cov->zone_guessed, s->app_zone,
                      s->app_zone_origin);
    else if (cov->zone_guessed && !s->app_tz.set)
        pgm_scan_warn(s, in, "%llu time(s) carry no zone; read as UTC (--app-tz sets another)",
                      (unsigned long long)cov->zone_guessed);
}

/* What was guessed of times printed without a zone (read as UTC unless
 * --tz), and of the wrapper's dates without a year that lines took as their
 * time (a journal exported after a new year would read a year off). */
static void say_local_times(line_sink *k)
{
    if (k->zone_guessed && !k->s->log.tz.set)
        pgm_scan_warn(k->s, k->in, "%llu time(s) carry no zone; read as UTC (--tz sets another)",
                      (unsigned long long)k->zone_guessed);
    if (k->wrapper_yearless && !k->s->log.year && k->wrapper_year)
        pgm_scan_warn(k->s, k->in, PGM_UNWRAP_YEAR_GUESSED, pgm_envelope_name(k->in->envelope), k->wrapper_year);
}

static void finish_pooler_log(line_sink *k)
{
    pgm_scan *s = k->s;
    pgm_input_report *in = k->in;
    decide_pooler_order(k);
    if (k->pooler_reversing) {
        k->pooler_reversing = false;
        replay_pooler(k, true);
    }
    if (k->pooler_reversed_cut) {
        pgm_scan_warn(s, in, "newest-first export larger than %u MiB: its first part was read backwards, "
                      "the rest as it comes (reverse it with tac first)", PGM_APP_REVERSE_MAX >> 20);
        in->limit_reached = true;
    } else if (k->pooler_reversed) {
        pgm_scan_warn(s, in, "%s", PGM_NEWEST_FIRST_READ);
    }
    say_disorder(s, in, "the pools' waits and logins");
    in->is_pooler_log = true;
    in->cov.lines = k->lines;
    in->cov.records = k->pooler_records;
    in->cov.unparsed = k->pooler_unparsed;
    in->cov.continuation = k->pooler_continuation;
    in->cov.zone_guessed = k->zone_guessed;
    in->unknown = k->app_classifier->other;
    if (k->pooler_unparsed)
        pgm_scan_warn(s, in, "%llu line(s) are not PgBouncer's log, first at line %llu",
                      (unsigned long long)k->pooler_unparsed, (unsigned long long)k->pooler_first_unparsed);
    say_local_times(k);
    if (k->pooler_undated) {
        pgm_scan_warn(s, in, "%llu syslog date(s) without a year and no year known (--year): those lines "
                      "are not placed on the timeline", (unsigned long long)k->pooler_undated);
        in->limit_reached = true;
    }
    if (!k->pooler_records && k->lines) {
        pgm_scan_warn(s, in, "no line of PgBouncer's log found in %llu line(s)", (unsigned long long)k->lines);
        in->limit_reached = true;
    }
}

static void finish_show(line_sink *k)
{
    pgm_input_report *in = k->in;
    uint64_t rows, unparsed, first;
    bool past;
    pgm_pgb_show_counts(k->show, &rows, &unparsed, &first, &past);
    in->is_pooler_log = true;
    in->cov.lines = k->lines;
    in->cov.records = rows;
    in->cov.unparsed = unparsed;
    if (unparsed)
        pgm_scan_warn(k->s, in, "%llu line(s) of the SHOW output not understood, first at line %llu",
                      (unsigned long long)unparsed, (unsigned long long)first);
    if (past) {
        pgm_scan_warn(k->s, in, "a result has more than %u columns; those past them are not read",
                      PGM_PGB_SHOW_MAX_COLUMNS);
        in->limit_reached = true;
    }
    if (!rows && k->lines) {
        pgm_scan_warn(k->s, in, "no row of a SHOW result found in %llu line(s)", (unsigned long long)k->lines);
        in->limit_reached = true;
    }
}

static void finish_system_log(line_sink *k)
{
    pgm_input_report *in = k->in;
    in->is_system_log = true;
    in->cov.lines = k->lines;
    if (k->describe) {
        pgm_k8s_describe_finish(k->describe);
        in->cov.records = pgm_k8s_describe_count(k->describe) + pgm_k8s_describe_events(k->describe);
    } else if (k->events) {
        pgm_k8s_events_finish(k->events);
        const pgm_k8s_events_coverage *c = pgm_k8s_events_get_coverage(k->events);
        in->cov.records = c->events;
        in->cov.unparsed = c->unreadable;
        if (c->unreadable)
            pgm_scan_warn(k->s, in, "%llu row(s) or object(s) that are no Kubernetes event, first at line %llu",
                          (unsigned long long)c->unreadable, (unsigned long long)c->first_unreadable);
        if (c->lines_past) {
            pgm_scan_warn(k->s, in, "%llu line(s) past the first %u MiB of the document not read "
                          "(PGM_K8S_EVENTS_MAX_BYTES): the events there are missing",
                          (unsigned long long)c->lines_past, PGM_K8S_EVENTS_MAX_BYTES >> 20);
            in->limit_reached = true;
        }
        if (!c->events && in->cov.lines) {
            pgm_scan_warn(k->s, in, "no Kubernetes event found in %llu line(s)", (unsigned long long)in->cov.lines);
            in->limit_reached = true;
        }
    } else {
        in->cov.records = k->lines;
        in->unknown = k->app_classifier->other;
        say_local_times(k);
    }
}

/* The input's coverage and warnings, once its lines are all fed; frees it. */
static void sink_finish(line_sink *k)
{
    if (k->pooler)
        finish_pooler_log(k);
    else if (k->show)
        finish_show(k);
    else if (k->system || k->describe || k->events)
        finish_system_log(k);
    else if (k->pg)
        finish_log(k);
    else if (k->app)
        finish_app_log(k);
    else if (k->psa)
        finish_activity(k);
    if (k->app_classifier) { /* application and system logs */
        k->in->fields_dropped += k->app_classifier->fields_dropped;
        say_fields_dropped(k->s, k->in);
    }
    if (k->unplaced) {
        /* kubectl prints an event's age ("5m"), relative to when it ran */
        pgm_scan_warn(k->s, k->in, "%llu Kubernetes event(s) (%s) carry only their age relative to when kubectl "
                      "ran, no time: they are not placed on the timeline (kubectl get events -o json gives "
                      "their times)", (unsigned long long)k->unplaced, k->unplaced_reasons);
        k->in->limit_reached = true;
    }
    sink_free(k);
}

/* Whether the file at `path`, read by `k`, is the next piece of the rotated
 * application log `parked` was reading (bundle/rotation.h), in the same form. */
static bool next_piece(const line_sink *parked, const line_sink *k, const char *path)
{
    if (!k->app || !parked->app || strcmp(parked->in->format, k->in->format) != 0 ||
        parked->in->envelope != k->in->envelope)
        return false;
    pgm_rotation r;
    pgm_rotation_of(path, &r);
    char stream[sizeof parked->stream];
    pgm_rotation_stream(path, stream, sizeof stream);
    return strcmp(stream, parked->stream) == 0 && pgm_rotation_follows(&parked->rotation, &r);
}

/* The parked reader is done: its last entry is whole. The lines of `next`
 * that it took are counted as read there, as the rest of an entry. */
static void carry_over(line_sink *parked, line_sink *next)
{
    uint64_t carried = parked->carried;
    pgm_input_report *was = parked->in;
    sink_finish(parked);
    was->cov.lines -= carried < was->cov.lines ? carried : was->cov.lines;
    was->cov.continuation -= carried < was->cov.continuation ? carried : was->cov.continuation;
    next->carried_in = carried;
}

/* Matches of the rules' patterns stopped at PCRE2's limits since the last
 * time this was said: the lines they were tried on are not classified by
 * them (a pattern that backtracks without end, from a user's rule pack). */
static void say_pattern_limits(pgm_scan *s, pgm_input_report *in)
{
    uint64_t hits = s->rules ? s->rules->limit_hits : 0;
    if (hits <= s->pattern_limits_said || !in)
        return;
    pgm_scan_warn(s, in, "%llu match(es) of rule patterns stopped at PCRE2's limits (%u steps, %u levels of "
                  "backtracking, %u KiB; PGM_PCRE_MATCH_LIMIT, PGM_PCRE_DEPTH_LIMIT, PGM_PCRE_HEAP_LIMIT_KIB), the "
                  "first of rule %s: those lines are not classified by it; simplify its pattern",
                  (unsigned long long)(hits - s->pattern_limits_said), PGM_PCRE_MATCH_LIMIT, PGM_PCRE_DEPTH_LIMIT,
                  PGM_PCRE_HEAP_LIMIT_KIB, s->rules->limit_rule ? s->rules->limit_rule : "?");
    in->limit_reached = true;
    s->pattern_limits_said = hits;
}

static void finish_parked(pgm_scan *s)
{
    if (s->parked) {
        line_sink *k = s->parked;
        pgm_input_report *in = k->in;
        s->parked = NULL;
        sink_finish(k);
        say_pattern_limits(s, in); /* its last entries are classified now */
    }
}

/* A file's lines (through its envelope, if any) into the reader of its kind. */
static int read_lines(pgm_scan *s, pgm_input_report *in, const pgm_file_info *info,
                      const pgm_envelope *env, pgm_source *content)
{
    const char *order_path = s->want_time_order && env->kind == PGM_ENVELOPE_NONE ? info->disk_path : NULL;
    line_sink *k;
    int rc = sink_open(s, in, info, false, order_path, &k);
    if (rc != PGM_OK || !k)
        return rc;
    pgm_unwrap u;
    if (pgm_unwrap_init(&u, content, env, s->max_line, year_of_file(s, info)) != PGM_OK) {
        sink_free(k);
        return PGM_FATAL;
    }
    /* the piece before of the same log: its last entry may go on here */
    line_sink *before = s->parked && next_piece(s->parked, k, info->display_path) ? s->parked : NULL;
    if (before)
        s->parked = NULL;
    else
        finish_parked(s);
    const char *line;
    size_t len;
    while (!atomic_load_explicit(&s->stop, memory_order_relaxed) && pgm_unwrap_next(&u, &line, &len) > 0) {
        pgm_inner_line m = pgm_inner_line_of(&u);
        if (before && pgm_app_continues(before->app, line, len)) {
            sink_feed(before, line, len, &m);
            before->carried++;
            continue;
        }
        if (before) {
            carry_over(before, k);
            before = NULL;
        }
        sink_feed(k, line, len, &m);
    }
    if (before)
        carry_over(before, k);
    envelope_done(s, in, &u);
    pgm_unwrap_free(&u);
    if (k->app) {
        pgm_rotation_of(info->display_path, &k->rotation);
        pgm_rotation_stream(info->display_path, k->stream, sizeof k->stream);
        s->parked = k; /* finished when the next file is not its next piece */
    } else {
        sink_finish(k);
    }
    return PGM_OK;
}

/* ---------------------------------------- a file of several sources' lines */

typedef struct source_input {
    pgm_input_report *in;
    line_sink *sink;           /* NULL: a kind that is not read line by line */
} source_input;

typedef struct demux_ctx {
    pgm_scan *s;
    const pgm_file_info *info;
    pgm_input_report *file;    /* the file's input: the first source's, renamed */
    const char *file_path;     /* the file's display path */
    bool file_taken;
    const pgm_envelope *env;
    bool fatal;
} demux_ctx;

static void *open_source(void *ctx, const char *source, const char *head, size_t n, bool complete)
{
    demux_ctx *dc = ctx;
    pgm_scan *s = dc->s;
    source_input *si = calloc(1, sizeof *si);
    char *path = pgm_demux_source_path(dc->file_path, source);
    if (!si || !path) {
        free(path);
        free(si);
        dc->fatal = true;
        return NULL;
    }
    if (!dc->file_taken) { /* the file's own input is its first source's */
        dc->file_taken = true;
        si->in = dc->file;
        free(si->in->path);
        si->in->path = path;
    } else {
        si->in = add_input(s, path);
        free(path);
    }
    if (!si->in || !si->in->path) {
        free(si);
        dc->fatal = true;
        return NULL;
    }
    pgm_sniff sn = pgm_sniff_file(dc->info->name, (const unsigned char *)head, n, complete);
    pgm_input_report *in = si->in;
    in->kind = sn.kind;
    in->format = sn.format;
    in->envelope = dc->env->kind;
    in->per_source = true;
    in->read = true;
    if (sn.kind == PGM_KIND_PG_LOG || sn.kind == PGM_KIND_APP_LOG || sn.kind == PGM_KIND_PG_STAT_ACTIVITY ||
        sn.kind == PGM_KIND_SYSTEM_LOG || sn.kind == PGM_KIND_K8S_POD || sn.kind == PGM_KIND_K8S_EVENTS ||
        sn.kind == PGM_KIND_PGBOUNCER_LOG || sn.kind == PGM_KIND_PGBOUNCER_SHOW) {
        if (sink_open(s, in, dc->info, true, NULL, &si->sink) != PGM_OK)
            dc->fatal = true;
    } else if (pgm_sniff_log_like(&sn)) {
        in->log_like = true;
        pgm_scan_warn(s, in, "%s", pgm_sniff_log_like_said(&sn));
    }
    return si;
}

static void source_line(void *ctx, void *reader, const char *line, size_t n, const pgm_inner_line *m)
{
    (void)ctx;
    source_input *si = reader;
    if (si->sink)
        sink_feed(si->sink, line, n, m);
}

/* A file whose envelope names whose lines they are (the journal's units,
 * kubectl --prefix's pods): one input per source, named "FILE#SOURCE", each
 * read as its own lines say (a host's journal holds the server's, the
 * application's, the kernel's and systemd's). The first source's input is
 * the file's, and keeps the envelope's counts. */
static int read_demux(pgm_scan *s, pgm_input_report *in, const pgm_file_info *info, const pgm_envelope *env,
                      pgm_source *content)
{
    pgm_unwrap u;
    if (pgm_unwrap_init(&u, content, env, s->max_line, year_of_file(s, info)) != PGM_OK)
        return PGM_FATAL;
    char *file_path = strdup(in->path);
    if (!file_path) {
        pgm_unwrap_free(&u);
        return PGM_FATAL;
    }
    demux_ctx dc = {s, info, in, file_path, false, env, false};
    pgm_demux_callbacks cb = {open_source, source_line, &dc};
    pgm_demux d;
    int rc = pgm_demux_run(&d, &u, &cb);
    for (size_t i = 0; i < d.n; i++) {
        source_input *si = d.sources[i].reader;
        if (!si)
            continue;
        si->in->wrapper_lines = d.sources[i].wrapper_lines;
        if (si->sink)
            sink_finish(si->sink);
        else
            si->in->cov.lines = d.sources[i].lines;
        free(si);
    }
    free(file_path);
    /* the envelope's counts go to the file's input, whoever's lines it took */
    in->kind = dc.file_taken ? in->kind : PGM_KIND_UNKNOWN;
    uint64_t source_lines = in->wrapper_lines;
    envelope_done(s, in, &u);
    if (dc.file_taken)
        in->wrapper_lines = source_lines;
    if (d.lines_past) {
        pgm_scan_warn(s, in, "lines of more than %u sources: %llu line(s) of the others not read, first "
                             "at line %llu", PGM_DEMUX_MAX_SOURCES, (unsigned long long)d.lines_past,
                      (unsigned long long)d.first_past);
        in->limit_reached = true;
    }
    pgm_demux_free(&d);
    pgm_unwrap_free(&u);
    return rc == PGM_FATAL || dc.fatal ? PGM_FATAL : PGM_OK;
}

/* --------------------------------------------------- the applications' zone */

/* A zone name in `v` (quotes and spaces around it dropped) into out. */
static bool zone_word(const char *v, const char *end, char out[64])
{
    while (v < end && (*v == ' ' || *v == '"' || *v == '\'' || *v == '='))
        v++;
    size_t n = 0;
    while (v + n < end && n < 63 && v[n] != '"' && v[n] != '\'' && v[n] != ' ' && v[n] != '\r' &&
           v[n] != ',' && v[n] != '}')
        n++;
    if (!n)
        return false;
    memcpy(out, v, n);
    out[n] = 0;
    return true;
}

/* The first PGM_SCAN_CONF_MAX bytes of a configuration file (malloc'd,
 * NULL when memory ran out), saying when there were more; *n: how many. */
static char *read_conf_head(pgm_scan *s, pgm_input_report *in, pgm_source *content, const char *sought,
                            size_t *n)
{
    *n = 0;
    char *buf = malloc(PGM_SCAN_CONF_MAX + 1);
    if (!buf)
        return NULL;
    ptrdiff_t got = pgm_source_read_full(content, buf, PGM_SCAN_CONF_MAX + 1);
    if (got > (ptrdiff_t)PGM_SCAN_CONF_MAX) {
        pgm_scan_warn(s, in, "larger than %u MiB: only its first %u MiB searched for %s", PGM_SCAN_CONF_MAX >> 20,
                      PGM_SCAN_CONF_MAX >> 20, sought);
        in->limit_reached = true;
        got = PGM_SCAN_CONF_MAX;
    }
    *n = got > 0 ? (size_t)got : 0;
    return buf;
}

/* TZ=Europe/Berlin (.env), "- name: TZ" + "value: ..." (a manifest, YAML or
 * JSON), -Duser.timezone=... (JAVA_TOOL_OPTIONS, JAVA_OPTS): the zone a JVM
 * writes its local times in. */
static void read_zone_evidence(pgm_scan *s, pgm_input_report *in, pgm_source *content)
{
    size_t n;
    char *buf = read_conf_head(s, in, content, "a time zone", &n);
    if (!buf)
        return;
    in->bytes = n;
    char zone[64] = "";
    unsigned lineno = 0, at = 0;
    bool name_tz = false;
    for (const char *p = buf, *e = buf + n; p < e && !zone[0];) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        lineno++;
        const char *q = p;
        while (q < le && (*q == ' ' || *q == '\t' || *q == '-'))
            q++;
        if (le - q > 7 && memcmp(q, "export ", 7) == 0)
            q += 7;
        const char *ut = memmem(q, (size_t)(le - q), "-Duser.timezone=", 16);
        if (ut && zone_word(ut + 16, le, zone)) {
            at = lineno;
        } else if (le - q > 3 && memcmp(q, "TZ=", 3) == 0 && zone_word(q + 3, le, zone)) {
            at = lineno;
        } else if (memmem(q, (size_t)(le - q), "\"name\":\"TZ\"", 11)) {
            const char *v = memmem(q, (size_t)(le - q), "\"value\":", 8);
            if (v && zone_word(v + 8, le, zone))
                at = lineno;
        } else if (le - q >= 8 && memcmp(q, "name: TZ", 8) == 0 && (le - q == 8 || q[8] == ' ' || q[8] == '\r')) {
            name_tz = true;
        } else if (name_tz && le - q > 6 && memcmp(q, "value:", 6) == 0) {
            if (zone_word(q + 6, le, zone))
                at = lineno;
            name_tz = false;
        }
        p = nl ? nl + 1 : e;
    }
    free(buf);
    if (!zone[0])
        return;
    if (s->app_zone[0] && strcmp(s->app_zone, zone) != 0) {
        s->app_zone_conflict = true;
        pgm_scan_warn(s, in, "sets the time zone %s, another file %s: application times "
                             "without a zone are read as UTC (--app-tz chooses)", zone, s->app_zone);
        return;
    }
    snprintf(s->app_zone, sizeof s->app_zone, "%s", zone);
    snprintf(s->app_zone_origin, sizeof s->app_zone_origin, "%s:%u", in->path, at);
}

/* The zone for an application log: --app-tz, else the bundle's evidence. */
static pgm_zone app_zone_of(pgm_scan *s, bool *from_evidence)
{
    *from_evidence = false;
    if (s->app_tz.set || !s->app_zone[0] || s->app_zone_conflict)
        return s->app_tz;
    char err[PGM_ERR_MAX];
    if (!s->app_zone_tz) {
        s->app_zone_tz = malloc(sizeof *s->app_zone_tz);
        if (!s->app_zone_tz || pgm_tz_load(s->app_zone, s->app_zone_tz, err) != PGM_OK) {
            free(s->app_zone_tz);
            s->app_zone_tz = NULL;
            s->app_zone_conflict = true; /* unusable: do not try again */
            return s->app_tz;
        }
    }
    *from_evidence = true;
    pgm_zone z = {true, 0, s->app_zone_tz};
    return z;
}

/* A postgresql.conf / auto.conf / pg_settings dump met before the logs
 * names their prefix. */
static void read_conf(pgm_scan *s, pgm_input_report *in, pgm_source *content)
{
    size_t n;
    char *buf = read_conf_head(s, in, content, "log_line_prefix", &n);
    if (!buf)
        return;
    if (n > 0) {
        in->bytes = n;
        char value[PGM_PREFIX_VALUE_MAX];
        unsigned line;
        /* postgresql.auto.conf is read last by the server: a plain
         * postgresql.conf met after it does not override it */
        bool auto_conf = strcmp(in->format, "auto_conf") == 0;
        char alt[PGM_PREFIX_VALUE_MAX] = "";
        bool settings = in->kind == PGM_KIND_PG_SETTINGS;
        /* pg_settings shows what the server used: it outranks the files */
        if ((settings || auto_conf || !s->conf_prefix_is_auto) &&
            (settings ? pgm_settings_log_line_prefix(buf, (size_t)n, value, alt, &line)
                      : pgm_conf_log_line_prefix(buf, (size_t)n, value, &line))) {
            s->conf_prefix_is_auto = auto_conf || settings;
            snprintf(s->conf_prefix, sizeof s->conf_prefix, "%s", value);
            snprintf(s->conf_prefix_alt, sizeof s->conf_prefix_alt, "%s", alt);
            snprintf(s->conf_origin, sizeof s->conf_origin, "%s:%u", in->path, line);
            s->have_conf_prefix = true;
        }
    }
    free(buf);
}

static int read_input(pgm_scan *s, pgm_input_report *in, const pgm_file_info *info, pgm_source *content);

static int on_file(void *ctx, const pgm_file_info *info, pgm_source *content)
{
    pgm_scan *s = ctx;
    if (s->parked) { /* read on only by the next piece of its log (read_lines) */
        char stream[sizeof s->parked->stream];
        pgm_rotation_stream(info->display_path, stream, sizeof stream);
        if (strcmp(stream, s->parked->stream) != 0)
            finish_parked(s);
    }
    pgm_input_report *in = add_input(s, info->display_path);
    if (!in) {
        s->out_of_memory = true;
        return PGM_FATAL;
    }
    int rc = read_input(s, in, info, content);
    say_pattern_limits(s, in);
    if (in->kind == PGM_KIND_PG_LOG && in->cov.prefix && *in->cov.prefix)
        pgm_rotated_set_prefix(s->rotated, info->display_path, in->cov.prefix);
    return rc;
}

static int read_input(pgm_scan *s, pgm_input_report *in, const pgm_file_info *info, pgm_source *content)
{
    pgm_envelope env;
    pgm_sniff sn = pgm_unwrap_sniff(info->name, info->head, info->head_len,
                                    info->head_len < PGM_SNIFF_HEAD_BYTES, year_of_file(s, info), &env, NULL);
    char said[2 * PGM_ERR_MAX];
    if (pgm_rotated_kind(&s->rotated, info->display_path, &sn, &env, said, sizeof said))
        pgm_scan_warn(s, in, "%s", said);
    in->kind = sn.kind;
    in->format = sn.format;
    in->envelope = env.kind;
    in->read = true;
    if (pgm_envelope_has_sources(&env))
        return read_demux(s, in, info, &env, content);
    if (sn.kind == PGM_KIND_PG_LOG)
        return read_log(s, in, info, &env, content);
    if (sn.kind == PGM_KIND_PG_STAT_ACTIVITY || sn.kind == PGM_KIND_APP_LOG || sn.kind == PGM_KIND_SYSTEM_LOG ||
        sn.kind == PGM_KIND_K8S_POD || sn.kind == PGM_KIND_K8S_EVENTS || sn.kind == PGM_KIND_PGBOUNCER_LOG ||
        sn.kind == PGM_KIND_PGBOUNCER_SHOW)
        return read_lines(s, in, info, &env, content);
    if (sn.kind == PGM_KIND_PG_CONF || sn.kind == PGM_KIND_PG_SETTINGS)
        read_conf(s, in, content);
    if (sn.kind == PGM_KIND_ENV_FILE || sn.kind == PGM_KIND_K8S_MANIFEST)
        read_zone_evidence(s, in, content);
    if (pgm_sniff_log_like(&sn)) {
        in->log_like = true;
        pgm_scan_warn(s, in, "%s", pgm_sniff_log_like_said(&sn));
    }
    return PGM_OK;
}

typedef struct piece {
    char *stream;
    pgm_rotation rotation;
    size_t index, first;         /* the input's, its stream's first input's */
    /* for the server logs' pieces whose names do not tell their order (order_by_time) */
    const char *path;
    char *siblings;              /* pgm_rotation_siblings; NULL: no server log with times */
    int64_t t0, t1;              /* its events' span */
    bool by_time;                /* placed among its siblings by t0 */
} piece;

static int by_stream(const void *a, const void *b)
{
    const piece *x = a, *y = b;
    /* what is no log (NULL) after the logs */
    int c = !x->stream || !y->stream ? (!x->stream) - (!y->stream) : strcmp(x->stream, y->stream);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static int by_place(const void *a, const void *b)
{
    const piece *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    if (x->by_time != y->by_time)
        return x->by_time ? -1 : 1;
    int c = x->by_time ? (x->t0 > y->t0) - (x->t0 < y->t0) : pgm_rotation_cmp(&x->rotation, &y->rotation);
    if (!c && x->by_time)
        c = (x->t1 > y->t1) - (x->t1 < y->t1);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* The server logs by their folder and extension, then by their span: of
 * two that begin at once (a piece of one line, stamped as the next one's
 * first), the one that ends first is the older. */
static int by_siblings_time(const void *a, const void *b)
{
    const piece *x = *(const piece *const *)a, *y = *(const piece *const *)b;
    int c = strcmp(x->siblings, y->siblings);
    if (!c)
        c = (x->t0 > y->t0) - (x->t0 < y->t0);
    if (!c)
        c = (x->t1 > y->t1) - (x->t1 < y->t1);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* The pieces of one server's log whose names do not tell their order
 * (postgresql-%a.log sorts Fri, Mon, Sat ...; bundle/rotation.h,
 * pgm_rotation_siblings): read in that order, its sessions are paired
 * backwards, and the analysis takes a piece on as the log's only when it
 * begins where the log got to. Server logs of one folder and extension
 * whose spans follow one another are placed by their times, where the first
 * of them was read (two servers' logs side by side overlap: they keep their
 * places). Says the first two out of order into `said` when it moved one;
 * false when memory ran out. */
static bool order_by_time(piece *v, size_t n, char *said, size_t cap)
{
    piece **t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return false;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].siblings)
            t[m++] = &v[i];
    qsort(t, m, sizeof *t, by_siblings_time);
    bool said_one = false;
    for (size_t from = 0, to; from < m; from = to) {
        bool apart = true, in_order = true;
        for (to = from + 1; to < m && strcmp(t[from]->siblings, t[to]->siblings) == 0; to++) {
            apart = apart && t[to - 1]->t1 - PGM_ROTATION_JOIN_SLACK_US <= t[to]->t0;
            in_order = in_order && t[to - 1]->index < t[to]->index;
        }
        if (to - from < 2 || !apart || in_order)
            continue;
        size_t first = t[from]->first;
        for (size_t k = from; k < to; k++)
            first = t[k]->first < first ? t[k]->first : first;
        for (size_t k = from; k < to; k++) {
            t[k]->first = first;
            t[k]->by_time = true;
        }
        for (size_t k = from + 1; !said_one && k < to; k++)
            if (t[k]->index < t[k - 1]->index) {
                char was[PGM_TS_ISO_LEN], then[PGM_TS_ISO_LEN];
                pgm_ts_format_iso(t[k]->t0, was);
                pgm_ts_format_iso(t[k - 1]->t0, then);
                snprintf(said, cap, "the server log %s (from %s) came before %s (from %s), its piece from before",
                         t[k]->path, was, t[k - 1]->path, then);
                said_one = true;
            }
    }
    free(t);
    return true;
}

size_t *pgm_scan_rotation_order(const pgm_scan *s, char *said, size_t cap)
{
    said[0] = '\0';
    size_t n = s->n_inputs;
    piece *v = calloc(n ? n : 1, sizeof *v);
    size_t *position = malloc((n ? n : 1) * sizeof *position);
    bool ok = v && position;
    for (size_t i = 0; ok && i < n; i++) {
        const pgm_input_report *in = pgm_scan_input(s, i);
        bool log = in->kind == PGM_KIND_PG_LOG || in->kind == PGM_KIND_APP_LOG || in->kind == PGM_KIND_SYSTEM_LOG ||
                   in->kind == PGM_KIND_PGBOUNCER_LOG;
        char stream[1024];
        pgm_rotation_stream(in->path, stream, sizeof stream);
        pgm_rotation_of(in->path, &v[i].rotation);
        /* what is no log keeps its place: a stream of its own */
        ok = (v[i].stream = log ? strdup(stream) : NULL) || !log;
        v[i].index = i;
        v[i].path = in->path;
        if (ok && in->kind == PGM_KIND_PG_LOG && in->first_ts != PGM_TS_UNKNOWN && in->last_ts != PGM_TS_UNKNOWN) {
            char siblings[1024];
            pgm_rotation_siblings(in->path, siblings, sizeof siblings);
            ok = (v[i].siblings = strdup(siblings)) != NULL;
            v[i].t0 = in->first_ts;
            v[i].t1 = in->last_ts;
        }
    }
    bool moved = false;
    if (ok) {
        qsort(v, n, sizeof *v, by_stream);
        for (size_t i = 0; i < n; i++) /* a log's pieces follow one another; the rest are their own */
            v[i].first = i && v[i].stream && v[i - 1].stream && strcmp(v[i].stream, v[i - 1].stream) == 0
                             ? v[i - 1].first : v[i].index;
        char by_times[1024] = "";
        ok = order_by_time(v, n, by_times, sizeof by_times);
        qsort(v, n, sizeof *v, by_place);
        for (size_t i = 0; i < n; i++) {
            position[v[i].index] = i;
            if (v[i].index != i && !moved) {
                moved = true;
                if (v[i].by_time)
                    snprintf(said, cap, "%s", by_times);
                else
                    snprintf(said, cap, "the pieces of the rotated log %s came newest first", v[i].stream);
            }
        }
    }
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].stream);
        free(v[i].siblings);
    }
    free(v);
    if (!ok || !moved) {
        free(position);
        return NULL;
    }
    return position;
}

uint64_t pgm_scan_reorder(const size_t *position, uint64_t order)
{
    const uint64_t part = ((uint64_t)1 << PGM_ORDER_PART_BITS) - 1;
    return (uint64_t)position[order >> PGM_ORDER_PART_BITS] << PGM_ORDER_PART_BITS | (order & part);
}

static void on_skipped(void *ctx, const char *path, const char *reason)
{
    pgm_scan *s = ctx;
    pgm_input_report *in = add_input(s, path);
    if (!in)
        return;
    in->format = "skipped";
    pgm_scan_warn(s, in, "%s", reason);
}

static void on_problem(void *ctx, const char *path, const char *reason)
{
    pgm_scan *s = ctx;
    pgm_input_report *in = NULL;
    for (size_t i = s->n_inputs; i > 0 && !in; i--)
        if (strcmp(pgm_scan_input(s, i - 1)->path, path) == 0)
            in = pgm_scan_input(s, i - 1);
    if (!in)
        in = add_input(s, path);
    if (in)
        pgm_scan_warn(s, in, "%s", reason);
}

static void on_progress(void *ctx, uint64_t bytes)
{
    pgm_scan *s = ctx;
    s->progress_bytes = bytes;
    if (s->on_progress)
        s->on_progress(s->term_ctx, bytes);
}

/* An application log dated from its name or its last change whose times
 * miss the server logs' span, and would fall in it on another day: the day
 * was likely wrong (a file copied since, a zip that kept no times). Said,
 * with the --app-date that would read it so. */
static bool check_guessed_days(pgm_scan *s)
{
    const int64_t day = 86400 * 1000000LL;
    int64_t first = PGM_TS_UNKNOWN, last = PGM_TS_UNKNOWN;
    for (size_t i = 0; i < s->n_inputs; i++) {
        const pgm_input_report *in = pgm_scan_input(s, i);
        if (!in->is_log || in->first_ts == PGM_TS_UNKNOWN || in->last_ts == PGM_TS_UNKNOWN)
            continue;
        if (first == PGM_TS_UNKNOWN || in->first_ts < first)
            first = in->first_ts;
        if (last == PGM_TS_UNKNOWN || in->last_ts > last)
            last = in->last_ts;
    }
    bool said = false;
    for (size_t i = 0; first != PGM_TS_UNKNOWN && i < s->n_inputs; i++) {
        pgm_input_report *in = pgm_scan_input(s, i);
        if (!in->day_guessed || in->first_ts == PGM_TS_UNKNOWN || in->last_ts == PGM_TS_UNKNOWN ||
            (in->last_ts >= first && in->first_ts <= last))
            continue;
        /* whole days that bring its start within the server's span */
        int64_t shift = (first - in->first_ts) / day + (first > in->first_ts);
        if (in->first_ts > last)
            shift = -((in->first_ts - last) / day + 1);
        if (in->last_ts + shift * day < first || in->first_ts + shift * day > last)
            continue;
        char was[PGM_TS_ISO_LEN], then[PGM_TS_ISO_LEN];
        pgm_ts_format_iso(in->first_ts, was);
        pgm_ts_format_iso(in->first_ts + shift * day, then);
        pgm_scan_warn(s, in, "its times of day, dated %.10s, fall outside the server logs' times; on %.10s they "
                      "fall within them: if it was written then, give --app-date %.10s", was, then, then);
        said = true;
    }
    return said;
}

static int finish(pgm_scan *s, int rc)
{
    finish_parked(s);
    if (rc == PGM_FATAL || s->out_of_memory)
        return PGM_FATAL;
    if (check_guessed_days(s))
        rc = PGM_WARN; /* a day guessed wrong puts the application's events beside the wrong hours */
    for (size_t i = 0; i < s->n_inputs; i++) {
        const pgm_input_report *in = pgm_scan_input(s, i);
        /* lines not understood are reported, not an error; a log that gave
         * nothing or a prefix that does not fit means the events are missing */
        if (in->is_log && (in->prefix_doubtful || (in->cov.lines && !in->cov.records) || in->cov.rare->odd_columns ||
                           in->cov.rare->nul_bytes))
            rc = PGM_WARN; /* a zero-filled block: what it held is missing */
        if (in->log_like)
            rc = PGM_WARN; /* a log no reader took: its evidence is missing */
        if (in->limit_reached)
            rc = PGM_WARN; /* a limit left evidence unread (the warning says which) */
        if (in->read_damaged)
            rc = PGM_WARN; /* what the disk could not read is missing */
        if (in->mostly_unknown)
            rc = PGM_WARN; /* a log read wrong: its events are missing */
        if (in->times_missing)
            rc = PGM_WARN; /* events that cannot be placed in time */
        if (in->year_doubtful)
            rc = PGM_WARN; /* a year guessed wrong dates every event of the log wrong */
    }
    return rc;
}

int pgm_scan_run(pgm_scan *s, const char *const *inputs, size_t n, const pgm_bundle_limits *limits)
{
    s->max_line = limits->max_line;
    s->limits = limits;
    /* threads to spare: a compressed log is inflated while it is parsed */
    pgm_bundle_visitor v = {on_file, on_skipped, on_problem, on_progress, s, s->jobs > 1, true};
    return finish(s, pgm_bundle_walk(inputs, n, limits, &v, &s->stats));
}

int pgm_scan_run_source(pgm_scan *s, pgm_source *src, const char *display_path,
                        const pgm_bundle_limits *limits)
{
    s->max_line = limits->max_line;
    s->limits = limits;
    pgm_bundle_visitor v = {on_file, on_skipped, on_problem, on_progress, s, s->jobs > 1, true};
    return finish(s, pgm_bundle_walk_source(src, display_path, limits, &v, &s->stats));
}
