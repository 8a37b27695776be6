/* Server log text inside syslog records: BSD ("Nov 27 00:19:29", no year),
 * RFC 3339 and RFC 5424 headers, with or without the writer's hostname. The
 * server splits a message at every newline and at 900 bytes and numbers the
 * pieces [SEQ-CHUNK]; pieces of one (pid, SEQ) are joined back here: a piece
 * that starts with a TAB or a new prefix is a new line, any other piece is
 * the rest of a line cut at 900 bytes. rsyslog writes control characters as
 * #ooo, so a TAB arrives as "#011". Heroku's logplex writes the same pieces
 * after its own header (heroku_head). Facts: PostgreSQL's elog.c
 * (write_syslog), the Heroku Postgres "Logging" docs. */
#include <string.h>

#include "pglog/reader_impl.h"
#include "text/timestamp.h"

/* How far into a record the "ident[pid]: " is looked for. */
#define SYSLOG_HEADER_MAX 320u

typedef struct syslog_head {
    bool yearless;       /* a BSD date ("Nov 27 00:19:29"): the year is --year's or the file's */
    int64_t t;
    enum pgm_ts_zone zone;
    int64_t pid;
    long seq, chunk;     /* -1 when the record has no [SEQ-CHUNK] */
    pgm_slice body;
} syslog_head;

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* Heroku's logplex: "app[postgres.PID]:" (a drain: "d.UUID app[postgres.PID]",
 * no colon), then the database's color "[GREEN] " (Heroku Postgres docs,
 * "Logging"), then [SEQ-CHUNK] as syslog writes it. At *i the text after
 * the time; on true *i is past the color. */
static bool heroku_head(const char *line, size_t n, size_t *i, int64_t *pid)
{
    static const char app[] = "app[postgres.";
    size_t limit = n - *i < SYSLOG_HEADER_MAX ? n : *i + SYSLOG_HEADER_MAX;
    size_t k = *i;
    while (k + sizeof app - 1 <= limit && memcmp(line + k, app, sizeof app - 1) != 0)
        k++;
    if (k + sizeof app - 1 > limit)
        return false;
    size_t d = k + sizeof app - 1;
    int64_t v = 0;
    while (d < n && digit(line[d]) && d - k < sizeof app + 10)
        v = v * 10 + (line[d++] - '0');
    if (d == k + sizeof app - 1 || d >= n || line[d] != ']')
        return false;
    d++;
    if (d < n && line[d] == ':')
        d++;
    while (d < n && line[d] == ' ')
        d++;
    /* [COLOR] or [HEROKU_POSTGRESQL_COLOR]: capitals and '_' */
    if (d < n && line[d] == '[' && d + 1 < n && line[d + 1] >= 'A' && line[d + 1] <= 'Z') {
        size_t c = d + 1;
        while (c < n && ((line[c] >= 'A' && line[c] <= 'Z') || line[c] == '_' || digit(line[c])))
            c++;
        if (c < n && line[c] == ']') {
            d = c + 1;
            if (d < n && line[d] == ' ')
                d++;
        }
    }
    *pid = v;
    *i = d;
    return true;
}

/* The header of one record; false when the line is not a syslog record. */
static bool parse_head(const char *line, size_t n, int year, syslog_head *h)
{
    size_t i = 0;
    h->t = PGM_TS_UNKNOWN;
    h->zone = PGM_TS_ZONE_NONE;
    h->pid = -1;
    h->seq = h->chunk = -1;
    if (i < n && line[i] == '<') {
        size_t j = 1;
        while (j < n && j < 5 && digit(line[j]))
            j++;
        if (j == 1 || j >= n || line[j] != '>')
            return false;
        i = j + 1;
    }
    bool rfc5424 = i + 2 <= n && line[i] == '1' && line[i + 1] == ' ';
    if (rfc5424)
        i += 2;
    pgm_ts_parse ts;
    h->yearless = false;
    if (pgm_ts_parse_bsd(line + i, n - i, year, &h->t)) {
        h->yearless = true;
        i += 15;
    } else if (pgm_ts_parse_at(line + i, n - i, &ts)) {
        h->t = ts.us;
        h->zone = ts.zone;
        i += ts.len;
    } else {
        return false;
    }
    if (rfc5424) {
        /* HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG */
        size_t field = 0;
        const char *procid = NULL;
        size_t procid_len = 0;
        while (i < n && field < 5) {
            while (i < n && line[i] == ' ')
                i++;
            size_t s = i;
            if (field == 4 && i < n && line[i] == '[') {
                while (i < n && line[i] != ']')
                    i++;
                if (i < n)
                    i++;
            } else {
                while (i < n && line[i] != ' ')
                    i++;
            }
            if (field == 2) {
                procid = line + s;
                procid_len = i - s;
            }
            field++;
        }
        if (field < 5)
            return false;
        if (i < n && line[i] == ' ')
            i++;
        int64_t pid = 0;
        for (size_t k = 0; procid && k < procid_len && digit(procid[k]) && k < 10; k++)
            pid = pid * 10 + (procid[k] - '0');
        h->pid = procid_len && digit(procid[0]) ? pid : -1;
    } else if (heroku_head(line, n, &i, &h->pid)) {
        /* the pid and the database's color are read */
    } else {
        /* [HOSTNAME] IDENT[PID]: */
        size_t limit = n - i < SYSLOG_HEADER_MAX ? n : i + SYSLOG_HEADER_MAX;
        size_t k = i;
        for (; k + 2 < limit; k++)
            if (line[k] == '[' && digit(line[k + 1])) {
                size_t d = k + 1;
                int64_t pid = 0;
                while (d < limit && digit(line[d]) && d - k < 11)
                    pid = pid * 10 + (line[d++] - '0');
                if (d + 1 < n && line[d] == ']' && line[d + 1] == ':') {
                    h->pid = pid;
                    i = d + 2;
                    break;
                }
            }
        if (h->pid < 0)
            return false;
        if (i < n && line[i] == ' ')
            i++;
    }
    /* [SEQ-CHUNK] or [CHUNK] */
    if (i < n && line[i] == '[' && i + 1 < n && digit(line[i + 1])) {
        size_t j = i + 1;
        long a = 0, b = -1;
        while (j < n && digit(line[j]) && j - i < 11)
            a = a * 10 + (line[j++] - '0');
        if (j < n && line[j] == '-') {
            j++;
            b = 0;
            while (j < n && digit(line[j]) && b < 100000000)
                b = b * 10 + (line[j++] - '0');
        }
        if (j < n && line[j] == ']') {
            if (b >= 0) {
                h->seq = a;
                h->chunk = b;
            } else {
                h->chunk = a;
            }
            i = j + 1;
            if (i < n && line[i] == ' ')
                i++;
        }
    }
    h->body = (pgm_slice){line + i, n - i};
    return true;
}

pgm_slice pgm_syslog_body(const char *line, size_t n)
{
    syslog_head h;
    if (!parse_head(line, n, 0, &h))
        return (pgm_slice){line, n};
    /* later chunks are DETAIL lines or the rest of a cut line: not what
     * chooses a prefix */
    if (h.chunk > 1)
        return (pgm_slice){line, 0};
    return h.body;
}

/* Writes the body with "#011" turned back into TAB. */
static int decode_body(pgm_strbuf *out, pgm_slice body)
{
    size_t start = 0;
    for (size_t i = 0; i + 4 <= body.n; i++)
        if (body.p[i] == '#' && memcmp(body.p + i, "#011", 4) == 0) {
            if (pgm_strbuf_add(out, body.p + start, i - start) || pgm_strbuf_add(out, "\t", 1))
                return -1;
            start = i + 4;
            i += 3;
        }
    return pgm_strbuf_add(out, body.p + start, body.n - start);
}

/* Hands a message's lines to the entry reader, one after another, so its
 * DETAIL and TAB lines follow their primary line whatever other processes
 * wrote in between. */
static void flush(pgm_pglog_reader *r, pgm_syslog_pending *p)
{
    if (!p->used)
        return;
    p->used = false;
    pgm_pglog_set_envelope(r, p->lineno[0], p->t, p->zone, p->pid);
    const char *s = p->text.p, *end = p->text.p + p->text.len;
    for (size_t k = 0; s <= end; k++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        uint64_t lineno = p->lineno[k < p->n_lines ? k : p->n_lines - 1];
        pgm_pglog_prefixed_line(r, s, (size_t)(e - s), lineno);
        if (!nl)
            break;
        s = nl + 1;
    }
}

static void add_line(pgm_pglog_reader *r, pgm_syslog_pending *p, const pgm_strbuf *body,
                     uint64_t lineno)
{
    if ((p->text.len && pgm_strbuf_add(&p->text, "\n", 1)) ||
        pgm_strbuf_add(&p->text, body->p, body->len))
        r->cov.cut++;
    if (p->n_lines < PGM_SYSLOG_MESSAGE_LINES)
        p->lineno[p->n_lines++] = lineno;
}

static pgm_syslog_pending *pending_of(pgm_pglog_reader *r, int64_t pid)
{
    for (size_t i = 0; i < PGM_SYSLOG_PENDING; i++)
        if (r->sys[i].used && r->sys[i].pid == pid)
            return &r->sys[i];
    return NULL;
}

/* A free slot; when all are taken the oldest message is handed on. */
static pgm_syslog_pending *free_slot(pgm_pglog_reader *r)
{
    pgm_syslog_pending *oldest = &r->sys[0];
    for (size_t i = 0; i < PGM_SYSLOG_PENDING; i++) {
        if (!r->sys[i].used)
            return &r->sys[i];
        if (r->sys[i].order < oldest->order)
            oldest = &r->sys[i];
    }
    flush(r, oldest);
    return oldest;
}

void pgm_syslog_line(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
{
    syslog_head h;
    bool parsed = parse_head(line, n, r->opt.year, &h);
    if (parsed && h.yearless)
        r->cov.yearless++;
    if (!parsed) {
        pgm_pglog_unparsed(r, line, n, lineno);
        return;
    }
    pgm_strbuf_reset(&r->body);
    if (decode_body(&r->body, h.body) != 0) {
        r->cov.cut++;
        pgm_pglog_unparsed(r, line, n, lineno);
        return;
    }
    pgm_syslog_pending *p = pending_of(r, h.pid);
    if (p && h.seq >= 0 && p->seq == h.seq && h.chunk > 1) {
        if (r->body.len && r->body.p[0] != '\t' &&
            !pgm_pglog_prefixed_parse(r, r->body.p, r->body.len)) {
            /* the rest of a line cut at 900 bytes: no newline between */
            r->cov.continuation++;
            if (pgm_strbuf_add(&p->text, r->body.p, r->body.len))
                r->cov.cut++;
        } else {
            add_line(r, p, &r->body, lineno); /* the next line of the message */
        }
        return;
    }
    if (p)
        flush(r, p);
    else
        p = free_slot(r);
    p->used = true;
    p->pid = h.pid;
    p->seq = h.seq;
    p->order = r->sys_order++;
    p->t = h.t;
    p->zone = h.zone;
    p->n_lines = 0;
    pgm_strbuf_reset(&p->text);
    add_line(r, p, &r->body, lineno);
}

void pgm_syslog_finish(pgm_pglog_reader *r)
{
    for (;;) {
        pgm_syslog_pending *oldest = NULL;
        for (size_t i = 0; i < PGM_SYSLOG_PENDING; i++)
            if (r->sys[i].used && (!oldest || r->sys[i].order < oldest->order))
                oldest = &r->sys[i];
        if (!oldest)
            return;
        flush(r, oldest);
    }
}
