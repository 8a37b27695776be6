/* Format dispatch, prefix choice and coverage for one server log input.
 * The structured formats are in structured.c, syslog framing in syslog.c. */
#include "pglog/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pglog/detect.h"
#include "pglog/infer.h"
#include "pglog/reader_impl.h"
#include "util/grow.h"

bool pgm_pglog_severity_is_english(pgm_slice sev)
{
    if (sev.n == 3 && memcmp(sev.p, "LOG", 3) == 0)
        return true; /* nearly every line */
    return pgm_prefix_english_severity(sev.p, sev.n);
}

/* Keeps the first PGM_PGLOG_SAMPLES lines of a kind for the coverage report. */
static void keep_sample(pgm_pglog_sample *samples, size_t *count, const char *line, size_t n, uint64_t lineno)
{
    if (*count >= PGM_PGLOG_SAMPLES)
        return;
    pgm_pglog_sample *k = &samples[(*count)++];
    k->line = lineno;
    size_t cap = sizeof k->text - 1;
    snprintf(k->text, cap + 1, "%.*s", (int)(n < cap ? n : cap), line);
}

void pgm_pglog_foreign(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
{
    r->cov.foreign++;
    keep_sample(r->cov.foreign_samples, &r->cov.n_foreign_samples, line, n, lineno);
}

void pgm_pglog_unparsed(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
{
    r->cov.unparsed++;
    keep_sample(r->cov.samples, &r->cov.n_samples, line, n, lineno);
}

int64_t pgm_pglog_fix_time(pgm_pglog_reader *r, int64_t t, enum pgm_ts_zone zone)
{
    if (t == PGM_TS_UNKNOWN) {
        r->cov.no_time++;
        return t;
    }
    if (zone == PGM_TS_ZONE_KNOWN)
        return t;
    if (r->opt.tz.set) {
        r->cov.zone_guessed += zone == PGM_TS_ZONE_NONE;
        return pgm_zone_to_utc(&r->opt.tz, t);
    }
    if (zone == PGM_TS_ZONE_NONE) {
        r->cov.zone_guessed++;
        return t; /* no zone printed: UTC, said in coverage */
    }
    /* An abbreviation that names several zones (IST, CST): never guessed. */
    r->cov.zone_unknown++;
    r->cov.no_time++;
    return PGM_TS_UNKNOWN;
}

void pgm_pglog_emit(pgm_pglog_reader *r, const pgm_pg_record *rec)
{
    r->cov.records++;
    if (rec->severity.n && !pgm_pglog_severity_is_english(rec->severity))
        r->cov.translated++;
    if (r->cb)
        r->cb(r->ctx, rec);
}

/* ------------------------------------------------------------ prefixed text */

/* The labels are the entry reader's secondary words: the first letter tells
 * them apart, but for BACKTRACE and LOCATION, which are not kept. */
static void part_into(pgm_pg_record *rec, const pgm_entry *e, const pgm_entry_part *pt)
{
    pgm_slice s = {e->text.p + pt->off, pt->len};
    switch (pt->label[0]) {
    case 'D': rec->detail = s; break;
    case 'H': rec->hint = s; break;
    case 'C': rec->context = s; break;
    case 'S': rec->statement = s; break;
    case 'Q': rec->query = s; break;
    default: break;
    }
}

static void on_entry(void *ctx, const pgm_entry *e)
{
    pgm_pglog_reader *r = ctx;
    const pgm_prefix_fields *f = e->f;
    pgm_pg_record rec; /* every member is set below (no memset: this runs per entry) */
    /* A prefix without time or pid: the envelope's (syslog, Cloud Logging). */
    const pgm_envelope *env = &r->env[e->line % PGM_ENVELOPE_RING];
    bool has_env = r->any_envelope && env->line == e->line;
    if (f->t_us == PGM_TS_UNKNOWN && has_env)
        rec.t = pgm_pglog_fix_time(r, env->t, env->zone);
    else
        rec.t = pgm_pglog_fix_time(r, f->t_us, f->zone);
    rec.pid = f->pid >= 0 ? f->pid : has_env ? env->pid : -1;
    /* the digits as written, unless a leading zero makes them another text than the number's */
    rec.pid_text = f->pid >= 0 && f->pid_text.n && (f->pid_text.p[0] != '0' || f->pid_text.n == 1)
                       ? f->pid_text : (pgm_slice){NULL, 0};
    rec.user = pgm_record_value(f->user.p, f->user.n);
    rec.db = pgm_record_value(f->db.p, f->db.n);
    rec.app = pgm_record_value(f->app.p, f->app.n);
    rec.host = pgm_record_value(f->host.p, f->host.n);
    rec.port = f->port;
    rec.session_id = f->session_id;
    rec.backend_type = f->backend_type;
    rec.command_tag = f->command_tag;
    rec.severity = f->severity;
    rec.sqlstate = f->sqlstate;
    rec.message = pgm_entry_message(e);
    rec.detail = rec.hint = rec.context = rec.statement = rec.query = (pgm_slice){NULL, 0};
    for (size_t i = 0; i < e->n_parts; i++)
        part_into(&rec, e, &e->parts[i]);
    rec.line = e->line;
    rec.last_line = e->last_line;
    pgm_pglog_emit(r, &rec);
}

/* The candidates' score on the held-back bodies: lines the spec parses. */
static void score(const char *spec, const char *text, size_t n, size_t *tried, size_t *parsed)
{
    pgm_prefix_score(spec, text, n, NULL, tried, parsed);
}

/* Feeds the held lines on, first to last or last to first, and lets them go. */
static void replay_held(pgm_pglog_reader *r, bool backwards)
{
    for (size_t k = 0; k < r->n_held; k++) {
        size_t i = backwards ? r->n_held - 1 - k : k;
        pgm_pglog_line(r, r->head.p + r->held[i].off, r->held[i].len, r->held[i].lineno);
    }
    free(r->held);
    r->held = NULL;
    r->n_held = r->held_alloc = 0;
    pgm_strbuf_free(&r->head);
}

/* An export sorted newest first (Cloud Logging, CloudWatch downloads): most
 * consecutive primary lines go back in time, by the record's own time where
 * the format has one apart from the prefix (Cloud SQL's entry, whose prefix
 * "[%p]: [%l-1] db=%d,user=%u " has none), else by their prefix's. */
static bool looks_reversed(pgm_pglog_reader *r)
{
    pgm_time_steps steps;
    pgm_time_steps_init(&steps);
    for (size_t i = 0; i < r->n_held; i++) {
        const char *line = r->head.p + r->held[i].off;
        int64_t t = pgm_pglog_record_time(r, line, r->held[i].len);
        pgm_slice b = pgm_pglog_body_of(r, line, r->held[i].len);
        pgm_prefix_fields f;
        if (t == PGM_TS_UNKNOWN && r->prefix && b.n && b.p[0] != '\t' && pgm_prefix_parse(r->prefix, b.p, b.n, &f))
            t = f.t_us;
        pgm_time_steps_add(&steps, t);
    }
    return pgm_time_steps_newest_first(&steps);
}

/* Whether the format is structured: no prefix to choose. */
static bool structured(const pgm_pglog_reader *r)
{
    return r->fmt == PGM_FMT_CSVLOG || r->fmt == PGM_FMT_JSONLOG || r->fmt == PGM_FMT_CNPG;
}

/* A newest-first file is held whole and read backwards at the end; any
 * other's held lines are read now. */
static void decide_order(pgm_pglog_reader *r)
{
    if (looks_reversed(r)) {
        r->reversing = true;
        r->cov.reversed = true;
        r->head.cap = PGM_PGLOG_REVERSE_MAX;
        return;
    }
    replay_held(r, false);
}

/* Chooses the prefix on the bodies held back so far, then replays them. A
 * structured format has none to choose: its head is held for the order of
 * its records' times alone (an export newest first: Loki's, Cloud Logging's
 * of a jsonlog or csvlog a pod wrote; each line an entry, so read backwards
 * a record of several lines comes back whole). */
static void decide_prefix(pgm_pglog_reader *r)
{
    if (r->decided)
        return;
    r->decided = true;
    if (structured(r)) {
        decide_order(r);
        return;
    }
    const char *spec = NULL;
    char detected[PGM_INFER_SPEC_MAX];
    size_t tried = 0, parsed = 0;
    pgm_strbuf bodies;
    pgm_strbuf_init(&bodies, 2 * PGM_PGLOG_HEAD_BYTES);
    for (size_t i = 0; i < r->n_held; i++) {
        pgm_slice b = pgm_pglog_body_of(r, r->head.p + r->held[i].off, r->held[i].len);
        if (pgm_strbuf_add(&bodies, b.p, b.n) || pgm_strbuf_add(&bodies, "\n", 1))
            break;
    }
    const char *btext = bodies.p ? bodies.p : ""; /* nothing held: an empty file */
    if (r->opt.prefix) {
        spec = r->opt.prefix;
        score(spec, btext, bodies.len, &tried, &parsed);
        snprintf(r->cov.prefix_origin, sizeof r->cov.prefix_origin, "--log-line-prefix");
    } else {
        pgm_prefix_guess g, bare;
        pgm_prefix_detect(btext, bodies.len, &g);
        /* records whose message holds the prefix but not the severity, given
         * apart (Azure Cosmos DB for PostgreSQL): no line has one to go by */
        if (r->fmt == PGM_FMT_AZURE && !g.parsed && pgm_prefix_detect_bare(btext, bodies.len, &bare))
            g = bare;
        const char *conf = r->opt.conf_prefix;
        if (conf && r->opt.conf_prefix_alt && r->opt.conf_prefix_alt[0]) {
            size_t t2, p2;
            score(conf, btext, bodies.len, &tried, &parsed);
            score(r->opt.conf_prefix_alt, btext, bodies.len, &t2, &p2);
            if (p2 > parsed)
                conf = r->opt.conf_prefix_alt;
        }
        if (conf) {
            score(conf, btext, bodies.len, &tried, &parsed);
            /* the configuration wins unless it is worse than a known default */
            if (parsed >= g.parsed || 100.0 * (double)parsed >= PGM_PREFIX_MIN_COVERAGE * (double)tried) {
                spec = conf;
                snprintf(r->cov.prefix_origin, sizeof r->cov.prefix_origin, "%s",
                         r->opt.conf_origin ? r->opt.conf_origin : "configuration");
            }
        }
        if (!spec) {
            snprintf(detected, sizeof detected, "%s", g.spec);
            spec = detected;
            tried = g.primary_lines;
            parsed = g.parsed;
            snprintf(r->cov.prefix_origin, sizeof r->cov.prefix_origin, "detected: %s", g.origin);
            snprintf(r->cov.prefix_rival, sizeof r->cov.prefix_rival, "%s", g.rival);
            if (conf && !r->opt.conf_is_hint)
                snprintf(r->cov.prefix_unfit, sizeof r->cov.prefix_unfit, "%s", conf);
        } else if (strcmp(conf, g.spec) != 0 && g.parsed > parsed) {
            /* the configuration read fewer lines than the log's own prefix would */
            snprintf(r->cov.prefix_rival, sizeof r->cov.prefix_rival, "%s", g.spec);
        }
    }
    pgm_strbuf_free(&bodies);
    char err[PGM_ERR_MAX];
    if (pgm_prefix_compile(spec, &r->prefix, err) != PGM_OK)
        pgm_prefix_compile("%m [%p] ", &r->prefix, err); /* cannot fail: two items */
    snprintf(r->cov.prefix, sizeof r->cov.prefix, "%s", spec);
    r->cov.primary_tried = tried;
    r->cov.primary_parsed = parsed;
    pgm_entries_init(&r->entries, r->prefix, on_entry, r);
    r->entries_on = true;
    /* a prefix the user gave is kept to the end */
    r->entries.defer_unread = !r->opt.prefix || r->opt.prefix_guessed;
    decide_order(r);
}

/* A line to the entry reader, and its outcome into the coverage. */
static void entry_line(pgm_pglog_reader *r, const char *body, size_t n, uint64_t lineno)
{
    uint64_t before = r->entries.unparsed, foreign_before = r->entries.foreign;
    pgm_entries_feed(&r->entries, body, n, lineno);
    if (r->entries.unparsed == before)
        return;
    if (r->entries.foreign != foreign_before) {
        pgm_pglog_foreign(r, body, n, lineno);
        return;
    }
    pgm_pglog_unparsed(r, body, n, lineno);
}

/* ---------------------------------------------- a prefix read anew later on
 *
 * The prefix is chosen on a file's first lines. Lines further on may show
 * what those did not (a checkpointer's line after hundreds of sessions, where
 * %q ends the prefix early) or be written under another log_line_prefix (a
 * reload changed it). Such lines, which carry a severity word but do not
 * parse, are held with the lines after them until a line the prefix reads
 * comes, and the prefix is looked for on them: one that reads them and the
 * lines read just before (the pending entries) takes over; failing that, a
 * run of PGM_PREFIX_LATE_LINES such lines that one prefix reads whole is a
 * changed prefix. Either way the held lines are then fed in their order. */

/* Does `spec` read every server line of `text` (and is there one)? */
static bool reads_all(const char *spec, const char *text, size_t n)
{
    size_t tried, parsed;
    pgm_prefix_score(spec, text, n, NULL, &tried, &parsed);
    return tried && parsed == tried;
}

/* The prefix that reads the held lines, into `spec`; false when none. */
static bool late_spec(pgm_pglog_reader *r, char spec[PGM_INFER_SPEC_MAX], bool *changed)
{
    const char *current = pgm_prefix_spec(r->prefix);
    const char *held = r->late.p;
    size_t held_len = r->late.len;
    pgm_strbuf text;
    pgm_strbuf_init(&text, PGM_PREFIX_LATE_BYTES + PGM_ENTRY_PENDING * PGM_ENTRY_MAX_TEXT);
    for (size_t k = 0; k < r->entries.count; k++) {
        const pgm_entry *e = &r->entries.ring[(r->entries.oldest + k) % PGM_ENTRY_PENDING];
        if (pgm_strbuf_add(&text, e->raw.p, e->raw.len) || pgm_strbuf_add(&text, "\n", 1))
            break;
    }
    size_t context_len = text.len;
    bool found = false;
    pgm_prefix_guess g;
    if (pgm_strbuf_add(&text, held, held_len) == 0) {
        pgm_prefix_detect(text.p, text.len, &g);
        /* with no lines read before, nothing says the prefix only widened */
        found = context_len && strcmp(g.spec, current) != 0 && reads_all(g.spec, held, held_len) &&
                reads_all(g.spec, text.p, context_len);
        *changed = false;
    }
    if (!found && r->late_severity >= PGM_PREFIX_LATE_LINES) {
        pgm_prefix_detect(held, held_len, &g);
        found = strcmp(g.spec, current) != 0 && reads_all(g.spec, held, held_len);
        *changed = true;
    }
    pgm_strbuf_free(&text);
    if (found)
        snprintf(spec, PGM_INFER_SPEC_MAX, "%s", g.spec);
    return found;
}

/* Looks for a prefix on the held lines, then feeds them. */
static void late_resolve(pgm_pglog_reader *r)
{
    if (!r->n_late)
        return;
    char spec[PGM_INFER_SPEC_MAX], err[PGM_ERR_MAX];
    bool changed = false;
    pgm_prefix *p = NULL;
    r->late_tries++;
    if (late_spec(r, spec, &changed) && pgm_prefix_compile(spec, &p, err) == PGM_OK) {
        /* the pending entries keep what they parsed: their fields point into their own lines */
        pgm_prefix_free(r->prefix);
        r->prefix = p;
        pgm_entries_set_prefix(&r->entries, p);
        if (!r->cov.prefix_switches++) {
            r->cov.prefix_switch_line = r->late_line[0].lineno;
            snprintf(r->cov.prefix_switched, sizeof r->cov.prefix_switched, "%s", spec);
            r->cov.prefix_changed = changed;
        }
    }
    r->entries.defer_unread = false;
    for (size_t i = 0; i < r->n_late; i++)
        entry_line(r, r->late.p + r->late_line[i].off, r->late_line[i].len, r->late_line[i].lineno);
    if (r->late_tries == PGM_PREFIX_LATE_TRIES)
        r->cov.late_given_up = r->late_line[r->n_late - 1].lineno; /* later lines are read as they are */
    else
        r->entries.defer_unread = true;
    r->n_late = r->late_severity = 0;
    pgm_strbuf_reset(&r->late);
}

/* Holds a line after one the prefix did not read; false when it cannot. */
static bool late_hold(pgm_pglog_reader *r, const char *body, size_t n, uint64_t lineno, bool severity)
{
    size_t off = r->late.len;
    if (r->n_late == PGM_PREFIX_LATE_HELD || pgm_strbuf_add(&r->late, body, n) ||
        pgm_strbuf_add(&r->late, "\n", 1)) {
        r->late.len = off;
        return false;
    }
    r->late_line[r->n_late].off = off;
    r->late_line[r->n_late].len = n;
    r->late_line[r->n_late].lineno = lineno;
    r->n_late++;
    r->late_severity += severity;
    return true;
}

void pgm_pglog_prefixed_line(pgm_pglog_reader *r, const char *body, size_t n, uint64_t lineno)
{
    if (r->n_late) {
        bool tab = n && body[0] == '\t';
        if (!tab && pgm_pglog_prefixed_parse(r, body, n)) {
            late_resolve(r); /* a line the prefix reads ends the run */
        } else {
            bool held = late_hold(r, body, n, lineno, !tab && pgm_infer_has_severity(body, n));
            if (held && r->late_severity < PGM_PREFIX_LATE_LINES)
                return;
            late_resolve(r); /* a run long enough, or all that may be held */
            if (held)
                return;      /* it was fed with them */
        }
    }
    entry_line(r, body, n, lineno);
    if (r->entries.deferred && !late_hold(r, body, n, lineno, true)) {
        /* longer than may be held: read as it is */
        r->entries.defer_unread = false;
        entry_line(r, body, n, lineno);
        r->entries.defer_unread = true;
    }
}

bool pgm_pglog_prefixed_parse(pgm_pglog_reader *r, const char *body, size_t n)
{
    pgm_prefix_fields f;
    return r->prefix && pgm_prefix_parse(r->prefix, body, n, &f);
}

/* ------------------------------------------------------------------ public */

static const struct {
    const char *name;
    enum pgm_pglog_fmt fmt;
} formats[] = {
    {"stderr", PGM_FMT_PREFIXED}, {"rds", PGM_FMT_PREFIXED},   {"azure", PGM_FMT_AZURE},
    {"syslog", PGM_FMT_SYSLOG},   {"cloudsql", PGM_FMT_CLOUDSQL}, {"csvlog", PGM_FMT_CSVLOG},
    {"jsonlog", PGM_FMT_JSONLOG}, {"cnpg", PGM_FMT_CNPG},
};

int pgm_pglog_open(pgm_pglog_reader **out, const char *format, const pgm_pglog_options *opt,
                   pgm_pg_record_cb cb, void *ctx, char err[PGM_ERR_MAX])
{
    *out = NULL;
    size_t k = 0;
    while (k < sizeof formats / sizeof formats[0] && strcmp(formats[k].name, format) != 0)
        k++;
    if (k == sizeof formats / sizeof formats[0]) {
        snprintf(err, PGM_ERR_MAX, "'%s' is not a server log format", format);
        return PGM_FAILED;
    }
    if (opt && opt->prefix) {
        pgm_prefix *p;
        if (pgm_prefix_compile(opt->prefix, &p, err) != PGM_OK)
            return PGM_FAILED;
        pgm_prefix_free(p);
    }
    pgm_pglog_reader *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, PGM_ERR_MAX, "out of memory");
        return PGM_FATAL;
    }
    r->fmt = formats[k].fmt;
    if (opt)
        r->opt = *opt;
    r->cb = cb;
    r->ctx = ctx;
    for (size_t i = 0; i < PGM_ENVELOPE_RING; i++)
        r->env[i].line = UINT64_MAX;
    pgm_strbuf_init(&r->head, PGM_PGLOG_HEAD_BYTES + 1);
    pgm_strbuf_init(&r->body, PGM_ENTRY_MAX_TEXT);
    pgm_strbuf_init(&r->late, PGM_PREFIX_LATE_BYTES);
    pgm_csv_init(&r->csv);
    pgm_jsonflat_init(&r->json);
    for (size_t i = 0; i < PGM_SYSLOG_GONE; i++)
        r->sys_gone[i].pid = -1; /* no process's */
    /* Structured formats need no prefix: their head is held for its order
     * alone, unless a piece of a file whose head was (parallel.c) */
    r->decided = structured(r) && r->opt.head_decided;
    /* the pieces of a log split between threads: holding and scoring a
     * head of every 1 MiB chunk was a sixteenth of the lines read twice */
    if (r->opt.prefix && r->opt.head_decided)
        decide_prefix(r);
    *out = r;
    return PGM_OK;
}

/* Memory for held lines ran out: choose now, or read a reversed file's
 * held part backwards and the rest as it comes (said in coverage). */
static void stop_holding(pgm_pglog_reader *r)
{
    if (!r->decided) {
        decide_prefix(r);
        if (!r->reversing)
            return;
    }
    r->reversing = false;
    r->cov.reversed_cut = true;
    replay_held(r, true);
}

void pgm_pglog_feed(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
{
    r->cov.lines++;
    if (n && line[n - 1] == '\r')
        n--;
    if (n && line[0] == '\0') {
        /* a zero-filled block (a crash lost the pages) before the line the
         * server wrote after it: skipped, counted, the line read */
        if (!r->cov.nul_bytes)
            r->cov.nul_first_line = lineno;
        while (n && line[0] == '\0') {
            line++;
            n--;
            r->cov.nul_bytes++;
        }
    }
    if (r->decided && !r->reversing) {
        pgm_pglog_line(r, line, n, lineno);
        return;
    }
    void *nh = pgm_grow(r->held, &r->held_alloc, r->n_held, sizeof *r->held, 64);
    if (!nh) {
        stop_holding(r);
        pgm_pglog_line(r, line, n, lineno);
        return;
    }
    r->held = nh;
    size_t off = r->head.len;
    if (pgm_strbuf_add(&r->head, line, n) != 0) {
        stop_holding(r);
        pgm_pglog_line(r, line, n, lineno);
        return;
    }
    r->held[r->n_held].off = off;
    r->held[r->n_held].len = n;
    r->held[r->n_held].lineno = lineno;
    r->n_held++;
    if (!r->decided && r->n_held >= PGM_PGLOG_HEAD_LINES)
        decide_prefix(r);
}

bool pgm_pglog_decide(pgm_pglog_reader *r)
{
    decide_prefix(r);
    return r->reversing;
}

void pgm_pglog_finish(pgm_pglog_reader *r)
{
    decide_prefix(r);
    if (r->reversing) {
        r->reversing = false;
        replay_held(r, true);
    }
    pgm_pglog_finish_format(r);
    if (r->entries_on) {
        late_resolve(r);
        pgm_entries_finish(&r->entries);
        r->cov.continuation += r->entries.continuation;
        r->cov.blank += r->entries.blank;
        r->cov.secondary += r->entries.secondary;
        r->cov.cut += r->entries.cut;
        r->cov.prefix_gave_up += r->entries.gave_up;
    }
}

const pgm_pglog_coverage *pgm_pglog_get_coverage(const pgm_pglog_reader *r)
{
    return &r->cov;
}

bool pgm_pglog_prefix_doubtful(const pgm_pglog_reader *r)
{
    if (!r->prefix)
        return false;
    if (r->cov.prefix_rival[0] || r->cov.prefix_unfit[0])
        return true; /* the lines could not tell two prefixes apart, or the configuration's is not theirs */
    return 100.0 * (double)r->cov.primary_parsed < PGM_PREFIX_MIN_COVERAGE * (double)r->cov.primary_tried;
}

bool pgm_pglog_time_led(const pgm_pglog_reader *r)
{
    return r->fmt == PGM_FMT_PREFIXED && r->prefix && !r->cov.reversed &&
           pgm_prefix_leads_with_time(r->prefix);
}

void pgm_pglog_close(pgm_pglog_reader *r)
{
    if (!r)
        return;
    if (r->entries_on)
        pgm_entries_free(&r->entries);
    pgm_prefix_free(r->prefix);
    free(r->held);
    pgm_strbuf_free(&r->head);
    pgm_strbuf_free(&r->body);
    pgm_strbuf_free(&r->late);
    pgm_csv_free(&r->csv);
    pgm_jsonflat_free(&r->json);
    pgm_syslog_free(r);
    free(r);
}
