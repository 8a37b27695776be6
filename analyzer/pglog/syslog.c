/* Server log text inside syslog records: BSD ("Nov 27 00:19:29", no year),
 * RFC 3339 and RFC 5424 headers, with or without the writer's hostname. The
 * server splits a message at every newline and at 900 bytes and numbers the
 * pieces [SEQ-CHUNK]; pieces of one (pid, SEQ) are joined back here: a piece
 * that starts with a TAB or a new prefix is a new line, any other piece is
 * the rest of a line cut at 900 bytes. rsyslog writes control characters as
 * #ooo, so a TAB arrives as "#011". Heroku's logplex writes the same pieces
 * after its own header (heroku_head). A record may come after its length
 * (RFC 6587's octet counting: "451 <134>1 ..."), as syslog over TCP frames
 * them and Heroku's HTTPS log drains POST them. Facts: PostgreSQL's elog.c
 * (write_syslog), the Heroku Postgres "Logging" and Heroku "Log Drains"
 * docs. */
#include <stdlib.h>
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

/* Digits of an octet count, at most: RFC 6587 sets no bound; syslog
 * receivers cap a record at a few KiB to 64 KiB, Heroku's drains at 10 KiB. */
#define SYSLOG_OCTET_DIGITS 7u

size_t pgm_syslog_octet_count(const char *s, size_t n, size_t *frame)
{
    size_t i = 0, v = 0;
    while (i < n && i < SYSLOG_OCTET_DIGITS && digit(s[i]))
        v = v * 10 + (size_t)(s[i++] - '0');
    /* MSG-LEN = NONZERO-DIGIT *DIGIT, then SP, then the record's "<PRI>" */
    if (i == 0 || s[0] == '0' || i + 1 >= n || s[i] != ' ' || s[i + 1] != '<')
        return 0;
    *frame = v;
    return i + 1;
}

/* The next space-separated word from *i (the spaces before it skipped). */
static pgm_slice next_word(const char *s, size_t n, size_t *i)
{
    while (*i < n && s[*i] == ' ')
        (*i)++;
    size_t start = *i;
    while (*i < n && s[*i] != ' ')
        (*i)++;
    return (pgm_slice){s + start, *i - start};
}

int64_t pgm_syslog_procid_pid(pgm_slice procid)
{
    static const char heroku[] = "postgres.";
    if (procid.n > sizeof heroku - 1 && memcmp(procid.p, heroku, sizeof heroku - 1) == 0) {
        procid.p += sizeof heroku - 1;
        procid.n -= sizeof heroku - 1;
    }
    if (!procid.n || !digit(procid.p[0]))
        return -1;
    int64_t pid = 0;
    for (size_t k = 0; k < procid.n && digit(procid.p[k]) && k < 10; k++)
        pid = pid * 10 + (procid.p[k] - '0');
    return pid;
}

bool pgm_syslog_parse_rfc5424(const char *s, size_t n, pgm_syslog_rfc5424 *out)
{
    if (n < 2 || s[0] != '1' || s[1] != ' ')
        return false;
    pgm_ts_parse ts;
    if (!pgm_ts_parse_at(s + 2, n - 2, &ts))
        return false;
    out->t = ts.us;
    out->zone = (int)ts.zone;
    size_t i = 2 + ts.len;
    (void)next_word(s, n, &i); /* HOSTNAME */
    out->app = next_word(s, n, &i);
    out->procid = next_word(s, n, &i);
    (void)next_word(s, n, &i); /* MSGID */
    while (i < n && s[i] == ' ')
        i++;
    if (i >= n)
        return false; /* no STRUCTURED-DATA: the header ends early */
    if (s[i] == '[') { /* STRUCTURED-DATA, or Heroku's [COLOR] */
        while (i < n && s[i] != ']')
            i++;
        if (i < n)
            i++;
    } else {
        (void)next_word(s, n, &i); /* "-" */
    }
    if (i < n && s[i] == ' ')
        i++;
    /* rsyslog's RSYSLOG_SyslogProtocol23Format keeps the space the message
     * began with: "- -  [1-1] ..." */
    size_t msg = i;
    while (msg < n && s[msg] == ' ')
        msg++;
    if (msg + 1 < n && s[msg] == '[' && digit(s[msg + 1]))
        i = msg;
    out->msg = i;
    return true;
}

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

/* A BSD (RFC 3164) or ISO-dated header from *i, or Heroku's logplex one:
 * its time and pid, *i moved past it; false when there is none. */
static bool traditional_head(const char *line, size_t n, int year, size_t *i, syslog_head *h)
{
    pgm_ts_parse ts;
    if (pgm_ts_parse_bsd(line + *i, n - *i, year, &h->t)) {
        h->yearless = true;
        *i += 15;
    } else if (pgm_ts_parse_at(line + *i, n - *i, &ts)) {
        h->t = ts.us;
        h->zone = ts.zone;
        *i += ts.len;
    } else {
        return false;
    }
    if (heroku_head(line, n, i, &h->pid)) {
        /* the pid and the database's color are read */
    } else {
        /* [HOSTNAME] IDENT[PID]: */
        size_t limit = n - *i < SYSLOG_HEADER_MAX ? n : *i + SYSLOG_HEADER_MAX;
        size_t k = *i;
        for (; k + 2 < limit; k++)
            if (line[k] == '[' && digit(line[k + 1])) {
                size_t d = k + 1;
                int64_t pid = 0;
                while (d < limit && digit(line[d]) && d - k < 11)
                    pid = pid * 10 + (line[d++] - '0');
                if (d + 1 < n && line[d] == ']' && line[d + 1] == ':') {
                    h->pid = pid;
                    *i = d + 2;
                    break;
                }
            }
        if (h->pid < 0)
            return false;
        if (*i < n && line[*i] == ' ')
            (*i)++;
    }
    return true;
}

/* The header of one record; false when the line is not a syslog record. */
static bool parse_head(const char *line, size_t n, int year, syslog_head *h)
{
    h->t = PGM_TS_UNKNOWN;
    h->zone = PGM_TS_ZONE_NONE;
    h->pid = -1;
    h->seq = h->chunk = -1;
    h->yearless = false;
    size_t frame, i = pgm_syslog_octet_count(line, n, &frame);
    if (i < n && line[i] == '<') {
        size_t j = i + 1;
        while (j < n && j - i < 5 && digit(line[j]))
            j++;
        if (j == i + 1 || j >= n || line[j] != '>')
            return false;
        i = j + 1;
    }
    pgm_syslog_rfc5424 rfc;
    if (pgm_syslog_parse_rfc5424(line + i, n - i, &rfc)) {
        h->t = rfc.t;
        h->zone = (enum pgm_ts_zone)rfc.zone;
        i += rfc.msg;
        h->pid = pgm_syslog_procid_pid(rfc.procid);
    } else if ((i + 2 <= n && line[i] == '1' && line[i + 1] == ' ') || !traditional_head(line, n, year, &i, h)) {
        return false; /* RFC 5424's version without the rest of its header, or no header */
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

bool pgm_syslog_head_of(const char *line, size_t n, int year, pgm_syslog_head_time *out)
{
    syslog_head h;
    if (!parse_head(line, n, year, &h))
        return false;
    out->t = h.t;
    out->zone = h.zone;
    out->yearless = h.yearless;
    out->later_piece = h.chunk > 1;
    out->body = h.body;
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
    pgm_pglog_set_envelope(r, p->first_line, p->t, p->zone, p->pid);
    const char *s = p->text.p, *end = p->text.p + p->text.len;
    for (size_t k = 0; s <= end; k++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        uint64_t lineno = p->first_line + p->line_after[k < p->n_lines ? k : p->n_lines - 1];
        pgm_pglog_prefixed_line(r, s, (size_t)(e - s), lineno);
        if (!nl)
            break;
        s = nl + 1;
    }
}

static void add_text(pgm_pglog_reader *r, pgm_syslog_pending *p, const char *text, size_t n)
{
    size_t before = p->text.len;
    if (pgm_strbuf_add(&p->text, text, n))
        r->cov.cut++;
    r->sys_bytes += p->text.len - before;
}

static void add_line(pgm_pglog_reader *r, pgm_syslog_pending *p, const pgm_strbuf *body,
                     uint64_t lineno)
{
    if (p->text.len)
        add_text(r, p, "\n", 1);
    add_text(r, p, body->p, body->len);
    if (p->n_lines == 0)
        p->first_line = lineno;
    if (p->n_lines < PGM_SYSLOG_MESSAGE_LINES)
        p->line_after[p->n_lines++] = lineno - p->first_line > UINT32_MAX ? UINT32_MAX
                                                                          : (uint32_t)(lineno - p->first_line);
}

/* The held messages are a queue in the order their first pieces came, and
 * leave it only from its head: their lines reach the entry reader in the
 * order of the records, as a stderr log's would, however long one waits for
 * its pieces. (Handed on out of turn, a process's last message, its
 * disconnection say, came after the connections made later in the same
 * second, which then overlapped.) A message is complete once its process
 * starts another; it then waits for nothing but the ones before it. */
static size_t slot_of(const pgm_pglog_reader *r, size_t k) { return (r->sys_head + k) % PGM_SYSLOG_PENDING; }
static pgm_syslog_pending *held(pgm_pglog_reader *r, size_t k) { return &r->sys[slot_of(r, k)]; }

/* A pid as a key of r->sys_open (0 is none). */
static uint64_t pid_key(int64_t pid) { return (uint64_t)pid ^ (UINT64_C(1) << 63); }

/* The message of `pid` still waiting for pieces, or NULL. */
static pgm_syslog_pending *pending_of(pgm_pglog_reader *r, int64_t pid)
{
    uint32_t slot;
    return pgm_u64map_get(&r->sys_open, pid_key(pid), &slot) ? &r->sys[slot] : NULL;
}

/* `p` waits for no more pieces. */
static void close_message(pgm_pglog_reader *r, pgm_syslog_pending *p)
{
    uint32_t slot;
    if (!p->complete && pgm_u64map_get(&r->sys_open, pid_key(p->pid), &slot) && &r->sys[slot] == p)
        pgm_u64map_remove(&r->sys_open, pid_key(p->pid), &slot);
    p->complete = true;
}

/* Slots whose text grew past this give it back when handed on: a few huge
 * messages do not keep their size in every slot they passed through. */
#define PGM_SYSLOG_SLOT_KEEP (64u << 10)

static void hand_on_first(pgm_pglog_reader *r)
{
    pgm_syslog_pending *p = held(r, 0);
    close_message(r, p);
    r->sys_head = slot_of(r, 1);
    r->sys_held--;
    r->sys_bytes -= p->text.len;
    r->sys_gone[(uint64_t)p->pid % PGM_SYSLOG_GONE].pid = p->pid;
    r->sys_gone[(uint64_t)p->pid % PGM_SYSLOG_GONE].seq = p->seq;
    flush(r, p);
    if (p->text.alloc > PGM_SYSLOG_SLOT_KEEP)
        pgm_strbuf_free(&p->text);
}

/* The messages at the head that are complete, or held PGM_SYSLOG_HOLD_US
 * or more behind a record of time `now`, are handed on; not `keep` (the one
 * `now`'s record continues) nor any after it. Without the time bound a
 * message whose process logs nothing more (the startup process's "database
 * system was shut down at") was held until other processes had filled the
 * slots or the file ended: hours, in a quiet log, behind the events of later
 * records, so that a timeline streamed through a reorder buffer met it too
 * late and was made again, sorted. A message of unknown time is no reason
 * to hold the rest. */
static void hand_on_ready(pgm_pglog_reader *r, int64_t now, const pgm_syslog_pending *keep)
{
    while (r->sys_held && held(r, 0) != keep) {
        const pgm_syslog_pending *first = held(r, 0);
        bool stale = now != PGM_TS_UNKNOWN &&
                     (first->t == PGM_TS_UNKNOWN || first->t <= now - PGM_SYSLOG_HOLD_US);
        if (!first->complete && !stale)
            return;
        hand_on_first(r);
    }
}

/* A message of `pid` at the queue's tail; when the queue is full, or holds
 * PGM_SYSLOG_HELD_BYTES, its head is handed on. NULL: out of memory. */
static pgm_syslog_pending *start_message(pgm_pglog_reader *r, int64_t pid)
{
    while (r->sys_held && (r->sys_held == PGM_SYSLOG_PENDING || r->sys_bytes >= PGM_SYSLOG_HELD_BYTES))
        hand_on_first(r);
    pgm_syslog_pending *p = held(r, r->sys_held);
    if (pgm_u64map_put(&r->sys_open, pid_key(pid), (uint32_t)slot_of(r, r->sys_held)) != 0)
        return NULL;
    if (r->sys_used < PGM_SYSLOG_PENDING)
        r->sys_used++; /* the queue takes its slots in turn from the first */
    p->text.cap = PGM_ENTRY_MAX_TEXT;
    r->sys_held++;
    p->pid = pid;
    p->complete = false;
    p->n_lines = 0;
    pgm_strbuf_reset(&p->text);
    return p;
}

/* The queue, at the first record of a syslog file: its slots zero (empty
 * buffers), each touched only once a message takes it. */
static bool queue_ready(pgm_pglog_reader *r)
{
    if (r->sys)
        return true;
    r->sys = calloc(PGM_SYSLOG_PENDING, sizeof *r->sys);
    r->sys_open.max = PGM_SYSLOG_PENDING;
    return r->sys != NULL;
}

void pgm_syslog_free(pgm_pglog_reader *r)
{
    for (size_t i = 0; r->sys && i < r->sys_used; i++)
        pgm_strbuf_free(&r->sys[i].text);
    free(r->sys);
    r->sys = NULL;
    pgm_u64map_free(&r->sys_open);
}

static void record_line(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
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
    if (!queue_ready(r)) {
        r->cov.cut++;
        pgm_pglog_unparsed(r, line, n, lineno);
        return;
    }
    pgm_syslog_pending *p = pending_of(r, h.pid);
    bool continues = p && h.seq >= 0 && p->seq == h.seq && h.chunk > 1;
    hand_on_ready(r, h.t, continues ? p : NULL);
    if (continues) {
        if (r->body.len && r->body.p[0] != '\t' &&
            !pgm_pglog_prefixed_parse(r, r->body.p, r->body.len)) {
            /* the rest of a line cut at 900 bytes: no newline between */
            r->cov.continuation++;
            add_text(r, p, r->body.p, r->body.len);
        } else {
            add_line(r, p, &r->body, lineno); /* the next line of the message */
        }
        return;
    }
    /* A later piece of a message not held would join whatever came just
     * before it (a TAB line, the rest of a cut line; a DETAIL too, where the
     * prefix has no %p to find its entry by): it is counted unread, and said
     * when its message was handed on at the bounds above (else the message
     * began before the file did). */
    if (h.seq >= 0 && h.chunk > 1) {
        if (r->sys_gone[(uint64_t)h.pid % PGM_SYSLOG_GONE].pid == h.pid &&
            r->sys_gone[(uint64_t)h.pid % PGM_SYSLOG_GONE].seq == h.seq)
            r->cov.late_pieces++;
        pgm_pglog_unparsed(r, line, n, lineno);
        return;
    }
    if ((p = pending_of(r, h.pid)) != NULL) { /* the process's message before: complete */
        close_message(r, p);
        hand_on_ready(r, PGM_TS_UNKNOWN, NULL);
    }
    if (!(p = start_message(r, h.pid))) {
        r->cov.cut++;
        pgm_pglog_unparsed(r, line, n, lineno);
        return;
    }
    p->seq = h.seq;
    p->t = h.t;
    p->zone = h.zone;
    add_line(r, p, &r->body, lineno);
}

/* A line may hold several octet-counted records with no newline between
 * them (a drain's body or a TCP stream written as it came): each is read as
 * its own record, where the count ends just before another counted record.
 * Where it does not, the count is wrong or the record goes on past the line:
 * the line is read as one record, and lines of no record after it are
 * unread. */
void pgm_syslog_line(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno)
{
    size_t skip, frame, next_frame;
    syslog_head next;
    while ((skip = pgm_syslog_octet_count(line, n, &frame)) != 0 && frame < n - skip) {
        const char *after = line + skip + frame;
        size_t rest = n - skip - frame;
        if (!pgm_syslog_octet_count(after, rest, &next_frame) || !parse_head(after, rest, r->opt.year, &next))
            break;
        record_line(r, line, skip + frame, lineno);
        line = after;
        n = rest;
    }
    record_line(r, line, n, lineno);
}

void pgm_syslog_finish(pgm_pglog_reader *r)
{
    while (r->sys_held)
        hand_on_first(r);
}
