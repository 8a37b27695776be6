#include "pglog/classify.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void pgm_pg_classifier_init(pgm_pg_classifier *c, pgm_ruleset *rs)
{
    memset(c, 0, sizeof *c);
    c->rs = rs;
    pgm_strbuf_init(&c->arena, PGM_EVENT_MAX_TEXT);
}

void pgm_pg_classifier_free(pgm_pg_classifier *c)
{
    pgm_strbuf_free(&c->arena);
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
 * grows) and turned into pointers at the end. */
typedef struct pending_field {
    const char *name;
    size_t off;
} pending_field;

typedef struct builder {
    pgm_pg_classifier *c;
    pending_field f[PGM_EVENT_MAX_FIELDS];
    size_t n;
    bool full;
} builder;

static void put(builder *b, const char *name, const char *v, size_t n)
{
    if (!n)
        return;
    /* a later value of the same name (a capture) replaces the earlier one */
    size_t k = 0;
    while (k < b->n && strcmp(b->f[k].name, name) != 0)
        k++;
    if (k == PGM_EVENT_MAX_FIELDS) {
        b->full = true;
        return;
    }
    size_t off = b->c->arena.len;
    if (pgm_strbuf_add(&b->c->arena, v, n) || pgm_strbuf_add(&b->c->arena, "", 1)) {
        b->full = true;
        return;
    }
    b->f[k].name = name;
    b->f[k].off = off;
    if (k == b->n)
        b->n++;
}

static void put_slice(builder *b, const char *name, pgm_slice s)
{
    put(b, name, s.p, s.n);
}

static pgm_slice part(const pgm_pg_record *rec, const char *label)
{
    if (strcmp(label, "DETAIL") == 0)
        return rec->detail;
    if (strcmp(label, "HINT") == 0)
        return rec->hint;
    if (strcmp(label, "CONTEXT") == 0)
        return rec->context;
    if (strcmp(label, "STATEMENT") == 0)
        return rec->statement;
    if (strcmp(label, "QUERY") == 0)
        return rec->query;
    return (pgm_slice){NULL, 0};
}

static const char *part_field(const char *label)
{
    static const char *const names[][2] = {{"DETAIL", "detail"}, {"HINT", "hint"},
                                           {"CONTEXT", "context"}, {"STATEMENT", "statement"},
                                           {"QUERY", "query"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], label) == 0)
            return names[i][1];
    return NULL;
}

int pgm_pg_classify(pgm_pg_classifier *c, const pgm_pg_record *rec, const char *path,
                    pgm_event *ev)
{
    pgm_match m;
    int hit = pgm_ruleset_classify_level(c->rs, "pg_log", "message", rec->severity.p,
                                         rec->severity.n, rec->message.p, rec->message.n, &m);
    if (!hit && rec->sqlstate.n && !(rec->sqlstate.n == 5 && memcmp(rec->sqlstate.p, "00000", 5) == 0)) {
        hit = pgm_ruleset_classify_level(c->rs, "pg_log", "sqlstate", rec->severity.p,
                                         rec->severity.n, rec->sqlstate.p, rec->sqlstate.n, &m);
        c->by_sqlstate += hit == 1;
    }
    if (hit != 1) {
        count_unknown(c, rec);
        return 0;
    }
    pgm_strbuf_reset(&c->arena);
    builder b = {.c = c};
    char num[24];
    if (rec->pid >= 0) {
        int k = snprintf(num, sizeof num, "%" PRId64, rec->pid);
        put(&b, "pid", num, (size_t)k);
    }
    put_slice(&b, "user", rec->user);
    put_slice(&b, "db", rec->db);
    put_slice(&b, "app", rec->app);
    put_slice(&b, "client", rec->host);
    put_slice(&b, "level", rec->severity);
    put_slice(&b, "sqlstate", rec->sqlstate);
    put_slice(&b, "msg", rec->message);
    put_slice(&b, "port", rec->port);
    put_slice(&b, "session_id", rec->session_id);
    put_slice(&b, "backend_type", rec->backend_type);
    for (size_t i = 0; i < m.n_caps; i++)
        if (m.caps[i].name)
            put(&b, m.caps[i].name, m.caps[i].p, m.caps[i].n);
    /* the client of a connection line is the one it names */
    for (size_t i = 0; i < m.n_caps; i++)
        if (m.caps[i].name && strcmp(m.caps[i].name, "host") == 0)
            put(&b, "client", m.caps[i].p, m.caps[i].n);
    for (size_t i = 0; i < m.rule->also.n; i++) {
        const char *name = part_field(m.rule->also.v[i]);
        if (name)
            put_slice(&b, name, part(rec, m.rule->also.v[i]));
    }
    c->fields_dropped += b.full;
    memset(ev, 0, sizeof *ev);
    ev->t = rec->t;
    ev->kind = m.rule->kind;
    ev->path = path;
    ev->line = rec->line;
    for (size_t i = 0; i < b.n; i++) {
        ev->fields[i].name = b.f[i].name;
        ev->fields[i].value = c->arena.p + b.f[i].off;
    }
    ev->n_fields = b.n;
    c->events++;
    return 1;
}
