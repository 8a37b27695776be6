#include "pglog/classify.h"

#include "catalog/event_kinds.h"
#include "catalog/sqlstate.h"
#include "pglog/reader.h"

#include "util/decimal.h"
#include "util/redact.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void pgm_pg_classifier_init(pgm_pg_classifier *c, pgm_ruleset *rs)
{
    memset(c, 0, sizeof *c);
    c->rs = rs;
    c->pg_log_bit = pgm_ruleset_source_bit("pg_log");
    c->message_id = pgm_ruleset_field_id("message");
    c->sqlstate_id = pgm_ruleset_field_id("sqlstate");
    pgm_strbuf_init(&c->arena, PGM_EVENT_MAX_TEXT);
    pgm_strbuf_init(&c->redacted, PGM_EVENT_MAX_TEXT);
}

void pgm_pg_classifier_free(pgm_pg_classifier *c)
{
    pgm_strbuf_free(&c->arena);
    pgm_strbuf_free(&c->redacted);
}

void pgm_pg_classifier_reset(pgm_pg_classifier *c)
{
    c->fields_dropped = c->events = c->by_sqlstate = c->unknown = c->unknown_other = 0;
    c->n_shapes = 0;
}

/* The first words of a message, digits and quoted names folded, so that
 * 'role "a" does not exist' and 'role "b" does not exist' count together. */
static void shape_of(pgm_slice m, char out[64])
{
    size_t o = 0, i = 0;
    for (unsigned words = 0; words < PGM_UNKNOWN_WORDS; words++) {
        while (i < m.n && (m.p[i] == ' ' || m.p[i] == '\n' || m.p[i] == '\t'))
            i++;
        if (i == m.n || o > 50)
            break;
        if (o)
            out[o++] = ' ';
        if (m.p[i] == '"') {
            /* a quoted name is one word, whatever it holds */
            const char *close = memchr(m.p + i + 1, '"', m.n - i - 1);
            i = close ? (size_t)(close - m.p) + 1 : m.n;
            memcpy(out + o, "\"*\"", 3);
            o += 3;
            continue;
        }
        for (; i < m.n && m.p[i] != ' ' && m.p[i] != '\n' && m.p[i] != '\t' && o < 60; i++) {
            char ch = m.p[i];
            if (ch >= '0' && ch <= '9') {
                if (o == 0 || out[o - 1] != '#')
                    out[o++] = '#';
            } else if ((unsigned char)ch >= 0x20) {
                out[o++] = ch;
            }
        }
    }
    out[o] = 0;
}

static void count_unknown(pgm_pg_classifier *c, const pgm_pg_record *rec)
{
    c->unknown++;
    char w[64];
    shape_of(rec->message, w);
    for (size_t i = 0; i < c->n_shapes; i++)
        if (strcmp(c->shapes[i].words, w) == 0) {
            c->shapes[i].count++;
            return;
        }
    if (c->n_shapes == PGM_UNKNOWN_SHAPES) {
        c->unknown_other++;
        return;
    }
    pgm_unknown_shape *s = &c->shapes[c->n_shapes++];
    memcpy(s->words, w, sizeof s->words);
    s->count = 1;
    s->first_line = rec->line;
}

/* Fields are collected as offsets into the arena (it may move while it
 * grows) and turned into pointers at the end. The fields every event has sit
 * in fixed slots, in CONTRACTS.md order, so a capture of the same name (the
 * application of a connection line) replaces the record's value without a
 * search. */
enum slot { S_PID, S_USER, S_DB, S_APP, S_CLIENT, S_LEVEL, S_SQLSTATE, S_MSG, S_PORT,
            S_SESSION_ID, S_BACKEND_TYPE, N_SLOTS };
static const char *const slot_names[N_SLOTS] = {"pid", "user", "db", "app", "client", "level",
                                                "sqlstate", "msg", "port", "session_id",
                                                "backend_type"};
/* The most an event can have: the slots, a rule's captures, the five named
 * parts it may take (DETAIL, HINT, CONTEXT, STATEMENT, QUERY) and
 * error_class. They fit; fields_dropped counts only values the arena had
 * no room for. */
_Static_assert(N_SLOTS + (PGM_MAX_CAPTURES - 1) + 5 + 1 <= PGM_EVENT_MAX_FIELDS, "a server event's fields fit");

/* A value kept for the event: borrowed from the record (p), or copied into
 * the arena at `off` (p NULL). */
typedef struct held {
    const char *p;
    size_t off, len;
} held;

typedef struct pending_field {
    const char *name;
    held v;
} pending_field;

typedef struct builder {
    pgm_pg_classifier *c;
    held slot[N_SLOTS];
    bool has[N_SLOTS];
    pending_field extra[PGM_EVENT_MAX_FIELDS];
    size_t n_extra;
    bool full;
    bool redacted;   /* a secret was taken out of a value */
    bool msg_plain;  /* the message was looked at and holds no hook of a secret (pgm_redact_noting) */
} builder;

static int slot_of(const char *name)
{
    int k;
    switch (name[0]) {
    case 'p': k = name[1] == 'i' ? S_PID : S_PORT; break;
    case 'u': k = S_USER; break;
    case 'd': k = S_DB; break;
    case 'a': k = S_APP; break;
    case 'c': k = S_CLIENT; break;
    case 'l': k = S_LEVEL; break;
    case 's': k = name[1] == 'q' ? S_SQLSTATE : S_SESSION_ID; break;
    case 'm': k = S_MSG; break;
    case 'b': k = S_BACKEND_TYPE; break;
    default: return -1;
    }
    return strcmp(slot_names[k], name) == 0 ? k : -1;
}

/* slot_of() by the name's address: capture names are the rules' own strings,
 * the same few for every event, so a small table remembers them. */
static int slot_of_text(void *ctx, const char *name)
{
    (void)ctx;
    return slot_of(name);
}

static int slot_of_cached(pgm_pg_classifier *c, const char *name)
{
    return pgm_text_memo_of(&c->slots, name, slot_of_text, NULL);
}

/* Keeps a value: borrowed when the classifier may and the bytes last as
 * long as the record (`lasting`), else copied with a NUL. */
static inline bool store(builder *b, const char *v, size_t n, bool lasting, held *h)
{
    h->len = n;
    if (lasting && b->c->borrow_values) {
        h->p = v;
        return true;
    }
    h->p = NULL;
    h->off = b->c->arena.len;
    if (pgm_strbuf_add(&b->c->arena, v, n) || pgm_strbuf_add(&b->c->arena, "", 1)) {
        b->full = true;
        return false;
    }
    return true;
}

/* Free text (the message, statements, details) may hold a password: one
 * taken out makes a new value, which is copied. *plain (NULL: not wanted):
 * it was looked at and holds no hook of a secret. */
static bool store_text(builder *b, const char *v, size_t n, bool lasting, held *h, bool *plain)
{
    pgm_pg_classifier *c = b->c;
    bool none = false;
    bool secret = !c->keep_secrets && pgm_redact_noting(v, n, &c->redacted, &none);
    if (plain)
        *plain = none;
    if (secret) {
        c->redactions++;
        b->redacted = true;
        return store(b, c->redacted.p, c->redacted.len, false, h);
    }
    return store(b, v, n, lasting, h);
}

static void put_slot_from(builder *b, int k, const char *v, size_t n, bool lasting)
{
    if (!n)
        return;
    b->has[k] = k == S_MSG ? store_text(b, v, n, lasting, &b->slot[k], &b->msg_plain)
                           : store(b, v, n, lasting, &b->slot[k]);
}

/* A value of the record's or a capture's: it lasts as long as the record. */
static void put_slot(builder *b, int k, const char *v, size_t n)
{
    put_slot_from(b, k, v, n, true);
}

/* `text`: the value is free text that may hold a secret. */
static void put(builder *b, const char *name, const char *v, size_t n, bool text)
{
    if (!n)
        return;
    int k = slot_of_cached(b->c, name);
    if (k >= 0) {
        b->has[k] = text ? store_text(b, v, n, true, &b->slot[k], NULL) : store(b, v, n, true, &b->slot[k]);
        return;
    }
    if (b->n_extra + N_SLOTS == PGM_EVENT_MAX_FIELDS) {
        b->full = true;
        return;
    }
    pending_field *f = &b->extra[b->n_extra];
    f->name = name;
    if (text ? store_text(b, v, n, true, &f->v, NULL) : store(b, v, n, true, &f->v))
        b->n_extra++;
}

static void put_slice(builder *b, int k, pgm_slice s)
{
    put_slot(b, k, s.p, s.n);
}

/* The attached line a rule's `also:` names, and its field name. */
static pgm_slice part(const pgm_pg_record *rec, const char *label, const char **name)
{
    switch (label[0]) {
    case 'D': *name = "detail"; return rec->detail;
    case 'H': *name = "hint"; return rec->hint;
    case 'C': *name = "context"; return rec->context;
    case 'S': *name = "statement"; return rec->statement;
    case 'Q': *name = "query"; return rec->query;
    default: *name = NULL; return (pgm_slice){NULL, 0}; /* LOCATION: not kept */
    }
}

/* The bind parameters of a statement that sets a password from one
 * (`msg_plain`: the message is known to hold no password keyword). */
static bool secret_parameters(const pgm_pg_record *rec, pgm_slice detail, bool msg_plain)
{
    static const char params[] = "parameters: ";
    return detail.n > sizeof params - 1 && memcmp(detail.p, params, sizeof params - 1) == 0 &&
           ((!msg_plain && pgm_redact_password_parameter(rec->message.p, rec->message.n)) ||
            pgm_redact_password_parameter(rec->statement.p, rec->statement.n));
}

/* Whether `name` is one of `names` (NULL-terminated, or NULL). */
static bool named(const char *const *names, const char *name)
{
    for (size_t i = 0; names && names[i]; i++)
        if (names[i][0] == name[0] && strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* The message as the rules read it: without the " at character N" the
 * server adds to a message with an error position in its stderr and syslog
 * output (elog.c, send_message_to_server_log; csvlog and jsonlog keep the
 * position in a field of its own). A lock waited for while a statement was
 * parsed is "process 2129 still waiting for AccessShareLock on relation
 * 96570405 of database 16384 after 1000.153 ms at character 15" (pgBadger's
 * queryid fixture), and was no lock wait to rules that end at "ms". The
 * event's msg keeps the text as written. */
static pgm_slice without_position(pgm_slice msg)
{
    static const char at[] = " at character ";
    size_t digits = 0;
    while (digits < msg.n && digits <= 10 && msg.p[msg.n - 1 - digits] >= '0' && msg.p[msg.n - 1 - digits] <= '9')
        digits++;
    if (digits == 0 || digits > 10 || msg.n - digits < sizeof at - 1 ||
        memcmp(msg.p + msg.n - digits - (sizeof at - 1), at, sizeof at - 1) != 0)
        return msg;
    msg.n -= digits + sizeof at - 1;
    return msg;
}

int pgm_pg_classify(pgm_pg_classifier *c, const pgm_pg_record *rec, const char *path,
                    pgm_event *ev)
{
    pgm_match m;
    pgm_slice read = without_position(rec->message);
    int hit = pgm_ruleset_classify_ids(c->rs, c->pg_log_bit, c->message_id, rec->severity.p,
                                       rec->severity.n, read.p, read.n, &m);
    if (!hit && rec->sqlstate.n && !(rec->sqlstate.n == 5 && memcmp(rec->sqlstate.p, "00000", 5) == 0)) {
        hit = pgm_ruleset_classify_ids(c->rs, c->pg_log_bit, c->sqlstate_id, rec->severity.p,
                                       rec->severity.n, rec->sqlstate.p, rec->sqlstate.n, &m);
        c->by_sqlstate += hit == 1;
    }
    if (hit != 1) {
        count_unknown(c, rec);
        return 0;
    }
    pgm_strbuf_reset(&c->arena);
    builder b; /* not zeroed whole: its pending fields are written before they are read */
    b.c = c;
    b.n_extra = 0;
    b.full = b.redacted = b.msg_plain = false;
    memset(b.has, 0, sizeof b.has);
    if (rec->pid >= 0 && rec->pid_text.n) {
        put_slice(&b, S_PID, rec->pid_text); /* the line's own digits */
    } else if (rec->pid >= 0) {
        char num[PGM_U64_DIGITS];
        put_slot_from(&b, S_PID, num, pgm_format_u64(num, (uint64_t)rec->pid), false); /* num is this function's */
    }
    put_slice(&b, S_USER, rec->user);
    put_slice(&b, S_DB, rec->db);
    put_slice(&b, S_APP, rec->app);
    put_slice(&b, S_CLIENT, rec->host);
    put_slice(&b, S_LEVEL, rec->severity);
    put_slice(&b, S_SQLSTATE, rec->sqlstate);
    bool bare = c->reads.whole && !c->reads.whole(c->reads.ctx, &m);
    if (!bare)
        put_slice(&b, S_MSG, rec->message);
    bool msg_redacted = b.redacted;
    put_slice(&b, S_PORT, rec->port);
    put_slice(&b, S_SESSION_ID, rec->session_id);
    put_slice(&b, S_BACKEND_TYPE, rec->backend_type);
    for (size_t i = 0; i < m.n_caps; i++) {
        if (!m.caps[i].name)
            continue;
        if (bare) {
            /* the message was not searched: a capture kept is, on its own */
            if (named(c->reads.bare_fields, m.caps[i].name))
                put(&b, m.caps[i].name, m.caps[i].p, m.caps[i].n, true);
            continue;
        }
        /* captures are pieces of the message: they hold a secret only if it did */
        put(&b, m.caps[i].name, m.caps[i].p, m.caps[i].n, msg_redacted);
        /* the client of a connection line is the host it names */
        if (m.caps[i].name[0] == 'h' && strcmp(m.caps[i].name, "host") == 0)
            put_slot(&b, S_CLIENT, m.caps[i].p, m.caps[i].n);
    }
    for (size_t i = 0; i < (bare ? 0 : m.rule->also.n); i++) {
        const char *name;
        pgm_slice v = part(rec, m.rule->also.v[i], &name);
        if (name && name[0] == 'd' && !c->keep_secrets && secret_parameters(rec, v, b.msg_plain) &&
            pgm_redact_literals(v.p, v.n, &c->redacted)) {
            /* ALTER ROLE x PASSWORD $1: its DETAIL "parameters: $1 = '...'" */
            c->redactions++;
            pending_field *f = &b.extra[b.n_extra];
            if (b.n_extra + N_SLOTS < PGM_EVENT_MAX_FIELDS && store(&b, c->redacted.p, c->redacted.len, false, &f->v)) {
                f->name = name;
                b.n_extra++;
            } else {
                b.full = true;
            }
            continue;
        }
        if (name)
            put(&b, name, v.p, v.n, true);
    }
    if (m.rule->kind_id == PGM_EV_STMT_ERROR) {
        /* what kind of error: the SQLSTATE's class, or the one its text always has */
        const char *code = rec->sqlstate.n == 5 ? rec->sqlstate.p : NULL;
        if (!code && pgm_pglog_severity_is_english(rec->severity))
            code = pgm_sqlstate_of_message(read.p, read.n);
        const char *cls = code ? pgm_sqlstate_class(code, 5) : NULL;
        if (cls)
            put(&b, "error_class", cls, strlen(cls), false);
    }
    c->fields_dropped += b.full;
    ev->n_fields = 0;
    ev->t = rec->t;
    ev->kind = m.rule->kind;
    ev->kind_id = m.rule->kind_id;
    ev->path = path;
    ev->line = rec->line;
    /* the common fields first, in CONTRACTS.md order, absent ones as NULL */
    for (size_t k = 0; k < N_SLOTS; k++) {
        if (k >= PGM_EVENT_COMMON_FIELDS && !b.has[k])
            continue;
        pgm_field *f = &ev->fields[ev->n_fields++];
        f->name = k < PGM_EVENT_COMMON_FIELDS ? pgm_event_common_names[k] : slot_names[k];
        f->value = !b.has[k] ? NULL : b.slot[k].p ? b.slot[k].p : c->arena.p + b.slot[k].off;
        f->len = b.has[k] ? b.slot[k].len : 0;
    }
    for (size_t i = 0; i < b.n_extra; i++) {
        pgm_field *f = &ev->fields[ev->n_fields++];
        f->name = b.extra[i].name;
        f->value = b.extra[i].v.p ? b.extra[i].v.p : c->arena.p + b.extra[i].v.off;
        f->len = b.extra[i].v.len;
    }
    c->events++;
    return 1;
}
