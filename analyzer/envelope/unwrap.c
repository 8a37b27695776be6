#include "envelope/unwrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope/document.h"
#include "text/jsonflat.h"
#include "text/timestamp.h"
#include "bundle/limits.h"
#include "util/rc.h"

int pgm_unwrap_init(pgm_unwrap *u, pgm_source *src, const pgm_envelope *env, size_t max_line, int year)
{
    memset(u, 0, sizeof *u);
    u->env = *env;
    u->year = year;
    u->max_line = max_line;
    u->t = PGM_TS_UNKNOWN;
    if (pgm_lines_init(&u->lines, src, max_line) != PGM_OK)
        return PGM_FATAL;
    for (int s = 0; s < 2; s++)
        pgm_strbuf_init(&u->piece[s], max_line);
    pgm_strbuf_init(&u->message, PGM_UNWRAP_MAX_FIELD);
    pgm_strbuf_init(&u->scratch, PGM_UNWRAP_MAX_FIELD);
    pgm_strbuf_init(&u->field, PGM_UNWRAP_MAX_FIELD + 8);
    if (env->kind == PGM_ENVELOPE_DOCKER || env->kind == PGM_ENVELOPE_JOURNAL_JSON || env->kind == PGM_ENVELOPE_LOKI_JSON ||
        pgm_envelope_is_document(env)) {
        u->json = malloc(sizeof *u->json);
        if (!u->json) {
            pgm_unwrap_free(u);
            return PGM_FATAL;
        }
        pgm_jsonflat_init(u->json);
    }
    if (pgm_envelope_is_document(env)) {
        u->doc = malloc(sizeof *u->doc);
        if (!u->doc) {
            pgm_unwrap_free(u);
            return PGM_FATAL;
        }
        /* an entry handed on whole is a line: the line limit bounds it;
         * the document's own lines are read in pieces (curl saves Loki's
         * answer, and jq -c any, as one line of megabytes) */
        pgm_document_scan_init(u->doc, max_line);
        u->lines.pieces = true;
    }
    return PGM_OK;
}

void pgm_unwrap_free(pgm_unwrap *u)
{
    pgm_lines_free(&u->lines);
    for (int s = 0; s < 2; s++)
        pgm_strbuf_free(&u->piece[s]);
    pgm_strbuf_free(&u->message);
    pgm_strbuf_free(&u->scratch);
    pgm_strbuf_free(&u->field);
    if (u->json) {
        pgm_jsonflat_free(u->json);
        free(u->json);
        u->json = NULL;
    }
    if (u->doc) {
        pgm_document_scan_free(u->doc);
        free(u->doc);
        u->doc = NULL;
    }
}

static void set_text(char *out, size_t cap, pgm_slice s)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    if (n)
        memcpy(out, s.p, n);
    out[n] = '\0';
}

static void set_source(char out[PGM_UNWRAP_SOURCE_MAX], pgm_slice s)
{
    set_text(out, PGM_UNWRAP_SOURCE_MAX, s);
}

static int hand(pgm_unwrap *u, const char *p, size_t n, uint64_t lineno, int64_t t, bool cut,
                const char **line, size_t *len)
{
    *line = p;
    *len = n;
    u->lineno = lineno;
    u->t = t;
    u->truncated = cut;
    u->cov.inner_lines++;
    u->cov.cut += cut;
    return 1;
}

/* The next line of a journal message of several lines. */
static int next_of_message(pgm_unwrap *u, const char **line, size_t *len)
{
    const char *p = u->message.p + u->message_pos;
    size_t rest = u->message.len - u->message_pos;
    const char *nl = memchr(p, '\n', rest);
    size_t n = nl ? (size_t)(nl - p) : rest;
    u->message_pos += nl ? n + 1 : n;
    if (u->message_pos >= u->message.len) {
        u->message_pos = 0;
        u->message.len = 0; /* the bytes stay valid until the buffer is written again */
    }
    return hand(u, p, n, u->message_line, u->message_t, false, line, len);
}

/* Starts handing on a message that may hold several lines. */
static int message_lines(pgm_unwrap *u, const char *p, size_t n, uint64_t lineno, int64_t t,
                         const char **line, size_t *len)
{
    if (!memchr(p, '\n', n))
        return hand(u, p, n, lineno, t, false, line, len);
    pgm_strbuf_reset(&u->message);
    if (pgm_strbuf_add(&u->message, p, n) != 0) {
        u->cov.cut++;
        return hand(u, p, (size_t)((const char *)memchr(p, '\n', n) - p), lineno, t, true, line, len);
    }
    u->message_pos = 0;
    u->message_line = lineno;
    u->message_t = t;
    return next_of_message(u, line, len);
}

/* ----------------------------------------------------- journalctl -o export */

static bool is_field_name(const char *p, size_t n)
{
    if (!n || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
            return false;
    return true;
}

/* A binary field's value: 8 bytes of size (little-endian), the bytes, a
 * newline. The line reader split it at its newlines; they are put back.
 * Into u->field (size bytes first); false when the stream ended first. */
static bool read_binary(pgm_unwrap *u, uint64_t *size, bool *cut)
{
    pgm_strbuf_reset(&u->field);
    uint64_t have = 0, need = UINT64_MAX;
    *cut = false;
    for (bool first = true;; first = false) {
        const char *w;
        size_t wn;
        if (pgm_lines_next(&u->lines, &w, &wn) <= 0)
            return false;
        if (!first) {
            have++;
            if (pgm_strbuf_add(&u->field, "\n", 1) != 0)
                *cut = true;
        }
        have += wn + (u->lines.truncated ? u->lines.cut_bytes : 0);
        if (pgm_strbuf_add(&u->field, w, wn) != 0)
            *cut = true;
        if (need == UINT64_MAX && u->field.len >= 8) {
            uint64_t v = 0;
            for (int b = 7; b >= 0; b--)
                v = v << 8 | (unsigned char)u->field.p[b];
            if (v > UINT64_MAX - 8)
                return false;
            need = v + 8;
            *size = v;
        }
        if (need != UINT64_MAX && have >= need)
            return have == need;
    }
}

static int next_export(pgm_unwrap *u, const char **line, size_t *len)
{
    bool fields = false, have_message = false, cut = false;
    uint64_t msg_line = 0;
    int64_t t = PGM_TS_UNKNOWN;
    int source_rank = 0; /* 3: _SYSTEMD_UNIT, 2: SYSLOG_IDENTIFIER, 1: _COMM */
    pgm_strbuf_reset(&u->message);
    for (;;) {
        const char *w;
        size_t wn;
        int r = pgm_lines_next(&u->lines, &w, &wn);
        u->cov.wrapper_lines = u->lines.lineno;
        if (r <= 0 || wn == 0) {
            if (fields && have_message) {
                if (t == PGM_TS_UNKNOWN)
                    u->cov.no_time++;
                memcpy(u->source, u->entry_source, sizeof u->source);
                memcpy(u->pid, u->entry_pid, sizeof u->pid);
                memcpy(u->host, u->entry_host, sizeof u->host);
                if (!u->message.len) /* an empty message is a line too */
                    return hand(u, "", 0, msg_line, t, cut, line, len);
                u->message_pos = 0;
                u->message_line = msg_line;
                u->message_t = t;
                int rc = next_of_message(u, line, len);
                if (cut) { /* the entry's first line carries the mark */
                    u->truncated = true;
                    u->cov.cut++;
                }
                return rc;
            }
            if (r <= 0)
                return r;
            fields = false;
            source_rank = 0;
            u->entry_source[0] = u->entry_pid[0] = u->entry_host[0] = '\0';
            continue;
        }
        const char *eq = memchr(w, '=', wn);
        if (eq && is_field_name(w, (size_t)(eq - w))) {
            size_t kn = (size_t)(eq - w);
            const char *v = eq + 1;
            size_t vn = wn - kn - 1;
            fields = true;
            if (kn == 7 && memcmp(w, "MESSAGE", 7) == 0) {
                have_message = true;
                msg_line = u->lines.lineno;
                pgm_strbuf_reset(&u->message);
                cut |= u->lines.truncated || pgm_strbuf_add(&u->message, v, vn) != 0;
            } else if ((kn == 13 && memcmp(w, "_SYSTEMD_UNIT", 13) == 0 && source_rank < 3) ||
                       (kn == 17 && memcmp(w, "SYSLOG_IDENTIFIER", 17) == 0 && source_rank < 2) ||
                       (kn == 5 && memcmp(w, "_COMM", 5) == 0 && source_rank < 1)) {
                source_rank = kn == 13 ? 3 : kn == 17 ? 2 : 1;
                set_source(u->entry_source, (pgm_slice){v, vn});
            } else if (kn == 4 && memcmp(w, "_PID", 4) == 0) {
                set_text(u->entry_pid, sizeof u->entry_pid, (pgm_slice){v, vn});
            } else if (kn == 9 && memcmp(w, "_HOSTNAME", 9) == 0) {
                set_text(u->entry_host, sizeof u->entry_host, (pgm_slice){v, vn});
            } else if (kn == 20 && memcmp(w, "__REALTIME_TIMESTAMP", 20) == 0) {
                int64_t us = 0;
                size_t k = 0;
                for (; k < vn && k < 18 && v[k] >= '0' && v[k] <= '9'; k++) /* 18 digits: no overflow */
                    us = us * 10 + (v[k] - '0');
                t = k && k == vn ? us : PGM_TS_UNKNOWN;
            }
            continue;
        }
        if (is_field_name(w, wn)) {
            bool message = wn == 7 && memcmp(w, "MESSAGE", 7) == 0;
            uint64_t line_of = u->lines.lineno, size = 0;
            bool field_cut;
            fields = true;
            if (!read_binary(u, &size, &field_cut)) {
                /* the stream ended inside the value, or its size lied */
                if (!u->cov.foreign++)
                    u->cov.first_foreign = line_of;
                continue;
            }
            if (message) {
                have_message = true;
                msg_line = line_of;
                pgm_strbuf_reset(&u->message);
                size_t keep = u->field.len - 8;
                cut |= field_cut || pgm_strbuf_add(&u->message, u->field.p + 8, keep) != 0;
            }
            continue;
        }
        /* no field at all: damage inside the export's framing, left out and counted */
        if (!u->cov.foreign++)
            u->cov.first_foreign = u->lines.lineno;
    }
}

/* ------------------------------------------- a JSON document's entries */

static void left_out(pgm_unwrap *u, uint64_t line)
{
    if (!u->cov.foreign++)
        u->cov.first_foreign = line;
}

static int next_document(pgm_unwrap *u, const char **line, size_t *len)
{
    pgm_document_scan *d = u->doc;
    for (;;) {
        if (!u->doc_line) {
            int r = u->ended ? 0 : pgm_lines_next(&u->lines, &u->doc_line, &u->doc_len);
            u->cov.wrapper_lines = u->lines.lineno;
            if (r <= 0) {
                u->doc_line = NULL;
                if (d->in_entry && !u->ended) /* the file ends inside an entry: a download cut short */
                    left_out(u, d->entry_line);
                u->ended = true;
                return r;
            }
            u->doc_pos = 0; /* a line, or a piece of a long one (the scan goes on across them) */
        }
        if (!pgm_document_scan_line(d, u->doc_line, u->doc_len, &u->doc_pos, u->lines.lineno)) {
            u->doc_line = NULL;
            continue;
        }
        uint64_t at = d->payload_line ? d->payload_line : d->entry_line;
        pgm_envelope_line l;
        if (d->entry_cut || !pgm_envelope_parse(&u->env, d->entry.p, d->entry.len, u->year, 0, &u->scratch, u->json,
                                                &l, NULL)) {
            left_out(u, at);
            continue;
        }
        u->cov.entries++;
        set_source(u->source, l.source);
        u->pid[0] = u->host[0] = '\0';
        if (l.t == PGM_TS_UNKNOWN)
            u->cov.no_time++;
        return message_lines(u, l.text.p, l.text.n, at, l.t, line, len);
    }
}

/* ---------------------------------------------------------- line by line */

/* The pieces of a stream's line so far, handed on as one line. */
static int hand_pieces(pgm_unwrap *u, int s, const char **line, size_t *len)
{
    int rc = hand(u, u->piece[s].p ? u->piece[s].p : "", u->piece[s].len, u->piece_line[s],
                  u->piece_t[s], u->piece_cut[s], line, len);
    u->piece_line[s] = 0; /* the bytes stay until the next piece is added */
    return rc;
}

int pgm_unwrap_next(pgm_unwrap *u, const char **line, size_t *len)
{
    if (u->env.kind == PGM_ENVELOPE_NONE) {
        int r = pgm_lines_next(&u->lines, line, len);
        u->cov.wrapper_lines = u->lines.lineno;
        if (r > 0)
            return hand(u, *line, *len, u->lines.lineno, PGM_TS_UNKNOWN, u->lines.truncated, line, len);
        return r;
    }
    if (u->message.len)
        return next_of_message(u, line, len);
    if (u->env.kind == PGM_ENVELOPE_JOURNAL_EXPORT)
        return next_export(u, line, len);
    if (u->doc)
        return next_document(u, line, len);
    for (;;) {
        const char *w;
        size_t wn;
        int r = u->ended ? 0 : pgm_lines_next(&u->lines, &w, &wn);
        u->cov.wrapper_lines = u->lines.lineno;
        if (r <= 0) {
            /* the last pieces of a line the file ends inside */
            u->ended = true;
            for (int s = 0; s < 2; s++)
                if (u->piece_line[s])
                    return hand_pieces(u, s, line, len);
            return r;
        }
        pgm_envelope_line l;
        size_t width = 0;
        if (!pgm_envelope_parse(&u->env, w, wn, u->year, u->indent, &u->scratch, u->json, &l, &width)) {
            u->indent = 0;
            /* aws logs tail prints an event's further lines as they are,
             * below its first: its time and stream's */
            if (u->env.kind == PGM_ENVELOPE_CLOUDWATCH && u->source[0]) {
                u->cov.continued++;
                return hand(u, w, wn, u->lines.lineno, u->t, u->lines.truncated, line, len);
            }
            if (!u->cov.foreign++)
                u->cov.first_foreign = u->lines.lineno;
            u->source[0] = u->pid[0] = u->host[0] = '\0';
            return hand(u, w, wn, u->lines.lineno, PGM_TS_UNKNOWN, u->lines.truncated, line, len);
        }
        u->indent = width;
        if (l.decoration) {
            u->cov.decorations++;
            continue;
        }
        if (l.continuation) /* a further line of the message above: its time and source */
            return hand(u, l.text.p, l.text.n, u->lines.lineno, u->t, u->lines.truncated, line, len);
        set_source(u->source, l.source);
        set_text(u->pid, sizeof u->pid, l.pid);
        set_text(u->host, sizeof u->host, l.host);
        if (l.t == PGM_TS_UNKNOWN)
            u->cov.no_time++;
        u->zone_guessed = l.zone_guessed;
        u->yearless = l.yearless;
        bool pieces = u->env.kind == PGM_ENVELOPE_CRI || u->env.kind == PGM_ENVELOPE_DOCKER;
        int s = l.stderr_stream;
        if (pieces && (l.partial || u->piece_line[s])) {
            if (!u->piece_line[s]) {
                pgm_strbuf_reset(&u->piece[s]);
                u->piece_line[s] = u->lines.lineno;
                u->piece_t[s] = l.t;
                u->piece_cut[s] = false;
            } else {
                u->cov.pieces++;
            }
            if (u->lines.truncated || pgm_strbuf_add(&u->piece[s], l.text.p, l.text.n) != 0)
                u->piece_cut[s] = true;
            if (l.partial)
                continue;
            return hand_pieces(u, s, line, len);
        }
        if (u->env.kind == PGM_ENVELOPE_JOURNAL_JSON)
            return message_lines(u, l.text.p, l.text.n, u->lines.lineno, l.t, line, len);
        return hand(u, l.text.p, l.text.n, u->lines.lineno, l.t, u->lines.truncated, line, len);
    }
}

bool pgm_unwrap_lost_lines(const pgm_unwrap *u)
{
    return u->cov.foreign && (u->env.kind == PGM_ENVELOPE_JOURNAL_EXPORT || pgm_envelope_is_document(&u->env));
}

bool pgm_unwrap_foreign_said(const pgm_unwrap *u, char *msg, size_t cap)
{
    if (!u->cov.foreign || u->env.kind == PGM_ENVELOPE_NONE)
        return false;
    if (pgm_envelope_is_document(&u->env))
        snprintf(msg, cap, "%llu entr%s not in the %s form (another shape, or cut short), first at line %llu: left out",
                 (unsigned long long)u->cov.foreign, u->cov.foreign == 1 ? "y" : "ies", pgm_envelope_name(u->env.kind),
                 (unsigned long long)u->cov.first_foreign);
    else
        snprintf(msg, cap, "%llu line(s) not in the %s form, first at line %llu: %s",
                 (unsigned long long)u->cov.foreign, pgm_envelope_name(u->env.kind),
                 (unsigned long long)u->cov.first_foreign, pgm_unwrap_lost_lines(u) ? "left out" : "read as they are");
    return true;
}

/* Grafana Loki answers a log query with `limit` lines at most and says
 * nothing of the rest (Loki's HTTP API: limit, 100 unless the query sets
 * one; Grafana asks for 1000; max_entries_limit_per_query, 5000 unless the
 * server's configuration says otherwise): an answer of exactly such a count
 * was most likely cut there. */
bool pgm_unwrap_limit_said(const pgm_unwrap *u, char *msg, size_t cap)
{
    uint64_t values = u->cov.entries + u->cov.foreign;
    if (u->env.kind != PGM_ENVELOPE_LOKI_API || (values != 100 && values != 1000 && values != 5000))
        return false;
    snprintf(msg, cap,
             "%llu lines, a Loki query's usual limit (100 by default, 1000 from Grafana, 5000 at most): Loki stops "
             "there unsaid, so older lines of the range are likely missing; query with a larger limit, or logcli "
             "query --limit N",
             (unsigned long long)values);
    return true;
}

/* ------------------------------------------------------------- sniffing */

/* The head's lines unwrapped, sniffed; *several: they are of more than one source. */
static pgm_sniff sniff_inside(const char *name, const unsigned char *head, size_t n, bool complete, int year,
                              const pgm_envelope *env, pgm_strbuf *inner, bool *several)
{
    char first[PGM_UNWRAP_SOURCE_MAX] = "";
    *several = false;
    pgm_sniff unknown = {PGM_KIND_UNKNOWN, "text", false};
    pgm_mem_source src;
    pgm_mem_source_init(&src, head, n);
    pgm_unwrap u;
    if (pgm_unwrap_init(&u, &src.base, env, PGM_SNIFF_HEAD_BYTES, year) != PGM_OK)
        return unknown;
    const char *line;
    size_t len;
    bool full = false;
    while (!full && pgm_unwrap_next(&u, &line, &len) > 0) {
        full = pgm_strbuf_add(inner, line, len) != 0 || pgm_strbuf_add(inner, "\n", 1) != 0;
        if (u.source[0] && !first[0])
            memcpy(first, u.source, sizeof first);
        else if (u.source[0] && strcmp(first, u.source) != 0)
            *several = true;
    }
    pgm_unwrap_free(&u);
    /* the head's last wrapper line may be cut, and with it the last inner one */
    return pgm_sniff_file(name, (const unsigned char *)(inner->p ? inner->p : ""), inner->len,
                          complete && !full);
}

pgm_sniff pgm_unwrap_sniff(const char *name, const unsigned char *head, size_t n, bool complete, int year,
                           pgm_envelope *env, pgm_strbuf *inner_out)
{
    *env = (pgm_envelope){PGM_ENVELOPE_NONE, false, false, false};
    /* A server's syslog output ("... postgres[123]: [7-1] LOG: ...", Heroku's
     * "app[postgres.123]: [7-1] ...") has the journal's or a time's form, but
     * its reader knows the "[7-1]" numbering that joins split messages. */
    pgm_sniff raw = pgm_sniff_file(name, head, n, complete);
    if (raw.kind == PGM_KIND_PG_LOG && strcmp(raw.format, "syslog") == 0)
        return raw;
    pgm_envelope cand[PGM_ENVELOPE_MAX_CANDIDATES];
    size_t found = pgm_envelope_candidates(head, n, complete, cand);
    /* psql's expanded output (\x) is "NAME    | value" too: a file that
     * reads as one as it is (pg_stat_activity, pg_settings) is no docker
     * compose output */
    bool psql_expanded = raw.kind != PGM_KIND_UNKNOWN && raw.format && strcmp(raw.format, "expanded") == 0;
    for (size_t c = 0; c < found; c++) {
        if (cand[c].kind == PGM_ENVELOPE_COMPOSE && psql_expanded)
            continue;
        pgm_strbuf inner;
        pgm_strbuf_init(&inner, PGM_SNIFF_HEAD_BYTES);
        bool several;
        pgm_sniff sn = sniff_inside(name, head, n, complete, year, &cand[c], &inner, &several);
        /* compose's bars, Loki's labels and CloudWatch's stream make a
         * log_line_prefix of their own to the server's lines ("db-1  | %m
         * [%p] ", "%q{app=\"%a\", ...}", "%q%d-db.0 %m [%p] "):
         * that the file as it is reads is no reason to read the other
         * streams' lines as the server's. Compose's form is weak (a name and
         * a bar), so its lines must be of a known kind or carry times, as
         * logs do and a table's values do not; Loki's and CloudWatch's (a
         * time, then a label set or a stream, on every line) are proof enough. */
        bool prefix_like = cand[c].kind == PGM_ENVELOPE_COMPOSE || cand[c].kind == PGM_ENVELOPE_LOKI ||
                           cand[c].kind == PGM_ENVELOPE_LOKI_JSON || cand[c].kind == PGM_ENVELOPE_CLOUDWATCH;
        bool logs_inside = prefix_like && (cand[c].kind != PGM_ENVELOPE_COMPOSE || sn.kind != PGM_KIND_UNKNOWN ||
                                           sn.has_timestamps);
        if (several && ((raw.kind == PGM_KIND_UNKNOWN && !prefix_like) || logs_inside)) {
            /* the lines of several programs, none of which the file as it is
             * reads: each source is sniffed apart */
            pgm_strbuf_free(&inner);
            *env = cand[c];
            env->several_sources = true;
            return (pgm_sniff){PGM_KIND_UNKNOWN, "mixed", true};
        }
        /* HikariCP's texts alone inside are weaker evidence than what the file
         * as it is already reads as (a Spring Boot log whose first lines look
         * like kubectl's) */
        if (sn.kind == PGM_KIND_UNKNOWN || (raw.kind != PGM_KIND_UNKNOWN && strcmp(sn.format, "hikari-text") == 0)) {
            pgm_strbuf_free(&inner);
            continue;
        }
        *env = cand[c];
        if (inner_out) {
            pgm_strbuf_free(inner_out);
            *inner_out = inner;
        } else {
            pgm_strbuf_free(&inner);
        }
        return sn;
    }
    /* nothing known inside: the file as it is (a form alone is no proof of
     * an envelope; the sniffer then says what the file looks like) */
    return raw;
}
