#include "applog/app_events.h"

#include <stdio.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "text/timestamp.h"
#include "util/redact.h"

void pgm_app_classifier_init(pgm_app_classifier *c, pgm_ruleset *rs)
{
    memset(c, 0, sizeof *c);
    c->rs = rs;
    c->app_log_bit = pgm_ruleset_source_bit("app_log");
    c->message_id = pgm_ruleset_field_id("message");
    pgm_strbuf_init(&c->arena, PGM_EVENT_MAX_TEXT);
}

void pgm_app_classifier_source(pgm_app_classifier *c, const char *source_kind)
{
    c->app_log_bit = pgm_ruleset_source_bit(source_kind);
}

void pgm_app_classifier_reset(pgm_app_classifier *c)
{
    c->n_leaks = c->next_leak = 0;
    c->n_pooled = c->next_pooled = 0;
}

static const char *field_of(const pgm_match *m, const char *name, size_t *n)
{
    for (size_t i = 0; i < m->n_caps; i++)
        if (m->caps[i].name && strcmp(m->caps[i].name, name) == 0) {
            *n = m->caps[i].n;
            return m->caps[i].p;
        }
    return NULL;
}

/* Remembers a leak report, or finds the report a "returned" answers. */
static int join_leak(pgm_app_classifier *c, unsigned kind, const pgm_match *m, int64_t t, uint64_t line)
{
    size_t n;
    const char *conn = field_of(m, "connection", &n);
    if (!conn || n >= sizeof c->leaks[0].connection)
        return -1;
    if (kind == PGM_EV_HIKARI_LEAK_DETECTED) {
        size_t k = c->n_leaks < PGM_APP_MAX_LEAKS ? c->n_leaks++ : c->next_leak++ % PGM_APP_MAX_LEAKS;
        memcpy(c->leaks[k].connection, conn, n);
        c->leaks[k].connection[n] = 0;
        c->leaks[k].t = t;
        c->leaks[k].line = line;
        return -1;
    }
    for (size_t k = c->n_leaks; k-- > 0;)
        if (strlen(c->leaks[k].connection) == n && memcmp(c->leaks[k].connection, conn, n) == 0)
            return (int)k;
    return -1;
}

/* Remembers the pool a match names for its connection; or, when the match
 * names none, the pool last named for that connection (NULL: unknown). A
 * hash code (PgConnection@2d4e495) may be reused after the connection
 * closes, so the newest association is the one that counts. */
static const char *join_pool(pgm_app_classifier *c, const pgm_match *m)
{
    size_t nc, np;
    const char *conn = field_of(m, "connection", &nc);
    const char *pool = field_of(m, "pool", &np);
    if (!conn || nc >= sizeof c->pooled[0].connection)
        return NULL;
    if (!pool) {
        for (size_t back = 1; back <= c->n_pooled; back++) { /* newest first */
            size_t i = (c->next_pooled + PGM_APP_MAX_POOLED - back) % PGM_APP_MAX_POOLED;
            if (strlen(c->pooled[i].connection) == nc && memcmp(c->pooled[i].connection, conn, nc) == 0)
                return c->pooled[i].pool;
        }
        return NULL;
    }
    if (np >= sizeof c->pooled[0].pool)
        return NULL;
    size_t i = c->next_pooled;
    c->next_pooled = (c->next_pooled + 1) % PGM_APP_MAX_POOLED;
    if (c->n_pooled < PGM_APP_MAX_POOLED)
        c->n_pooled++;
    memcpy(c->pooled[i].connection, conn, nc);
    c->pooled[i].connection[nc] = 0;
    memcpy(c->pooled[i].pool, pool, np);
    c->pooled[i].pool[np] = 0;
    return NULL;
}

void pgm_app_classifier_free(pgm_app_classifier *c)
{
    pgm_strbuf_free(&c->arena);
}

/* The exception lines of a trace: not "at ...", not "... N more", not blank.
 * *more: the trace has more than `cap` of them. */
static size_t candidates(pgm_slice trace, pgm_slice *out, size_t cap, bool *more)
{
    size_t n = 0;
    *more = false;
    for (const char *p = trace.p, *e = trace.p + trace.n; p < e && !*more;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        const char *q = p;
        while (q < le && (*q == ' ' || *q == '\t'))
            q++;
        /* layouts that mark their trace lines: Dropwizard's "! ", a "|" gutter */
        if (q < le && (*q == '|' || (*q == '!' && le - q > 1 && q[1] == ' ')))
            for (q++; q < le && (*q == ' ' || *q == '\t');)
                q++;
        bool frame = le - q >= 3 && memcmp(q, "at ", 3) == 0;
        bool more_frames = le - q >= 3 && memcmp(q, "...", 3) == 0;
        if (q < le && !frame && !more_frames && n == cap)
            *more = true;
        else if (q < le && !frame && !more_frames)
            out[n++] = (pgm_slice){q, (size_t)(le - q)};
        p = nl ? nl + 1 : e;
    }
    return n;
}

typedef struct fields {
    pgm_app_classifier *c;
    size_t off[PGM_EVENT_MAX_FIELDS];
    const char *name[PGM_EVENT_MAX_FIELDS];
    size_t n;
    bool dropped; /* a value found no room */
} fields;

static void add(fields *f, const char *name, const char *v, size_t n)
{
    if (!v || !n)
        return;
    for (size_t i = PGM_EVENT_COMMON_FIELDS; i < f->n; i++)
        if (strcmp(f->name[i], name) == 0)
            return; /* the first value of a name stays */
    size_t off = f->c->arena.len;
    if (f->n == PGM_EVENT_MAX_FIELDS || pgm_strbuf_add(&f->c->arena, v, n) || pgm_strbuf_add(&f->c->arena, "", 1)) {
        f->dropped = true;
        return;
    }
    f->name[f->n] = name;
    f->off[f->n++] = off;
}

/* A capture named as a common field (a PgBouncer line's user, db and client,
 * a broken connection's sqlstate, a killed process's pid) is that field, where
 * every consumer looks for it (pgm_event_field reads the common slot first):
 * true when it took the slot. */
static bool set_common(fields *f, const char *name, pgm_slice v)
{
    static const unsigned slots[] = {0, 1, 2, 4, 6}; /* pid, user, db, client, sqlstate */
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        unsigned k = slots[i];
        if (strcmp(name, pgm_event_common_names[k]) != 0)
            continue;
        if (f->off[k] != SIZE_MAX || !v.n)
            return true;
        size_t off = f->c->arena.len;
        if (pgm_strbuf_add(&f->c->arena, v.p, v.n) || pgm_strbuf_add(&f->c->arena, "", 1))
            f->dropped = true;
        else
            f->off[k] = off;
        return true;
    }
    return false;
}

/* A value with its passwords taken out (a JDBC URL in an error message). */
static void add_text(fields *f, const char *name, pgm_slice v, pgm_strbuf *tmp)
{
    if (pgm_redact(v.p, v.n, tmp))
        add(f, name, tmp->p, tmp->len);
    else
        add(f, name, v.p, v.n);
}

int pgm_app_classify(pgm_app_classifier *c, const pgm_app_record *rec, const char *path,
                     pgm_event *ev)
{
    pgm_slice texts[1 + PGM_APP_MAX_CANDIDATES];
    texts[0] = rec->message;
    bool deeper;
    size_t nt = 1 + candidates(rec->trace, texts + 1, PGM_APP_MAX_CANDIDATES, &deeper);
    pgm_match m, fallback;
    int hit = 0, hit_fallback = 0;
    size_t which = 0, which_fallback = 0;
    for (size_t i = 0; i < nt && !hit; i++) {
        pgm_match x;
        if (pgm_ruleset_classify_ids(c->rs, c->app_log_bit, c->message_id, rec->level.p,
                                     rec->level.n, texts[i].p, texts[i].n, &x) != 1)
            continue;
        if (!x.rule->fallback) {
            m = x;
            which = i;
            hit = 1;
        } else if (!hit_fallback) {
            fallback = x;
            which_fallback = i;
            hit_fallback = 1;
        }
    }
    /* the lines past those looked at might have told more */
    c->candidates_cut += deeper && !hit;
    if (!hit && hit_fallback) {
        m = fallback;
        which = which_fallback;
        hit = 1;
    }
    if (!hit) {
        c->other++;
        return 0;
    }
    pgm_strbuf_reset(&c->arena);
    pgm_strbuf tmp;
    pgm_strbuf_init(&tmp, 1u << 20);
    fields f = {.c = c, .n = PGM_EVENT_COMMON_FIELDS};
    for (size_t k = 0; k < PGM_EVENT_COMMON_FIELDS; k++)
        f.off[k] = SIZE_MAX;
    /* common fields: the service as app, the level, the text that matched */
    size_t off = c->arena.len;
    if (rec->app.n && !pgm_strbuf_add(&c->arena, rec->app.p, rec->app.n) && !pgm_strbuf_add(&c->arena, "", 1))
        f.off[3] = off;
    off = c->arena.len;
    if (rec->level.n && !pgm_strbuf_add(&c->arena, rec->level.p, rec->level.n) && !pgm_strbuf_add(&c->arena, "", 1))
        f.off[5] = off;
    off = c->arena.len;
    pgm_slice msg = texts[which];
    if (pgm_redact(msg.p, msg.n, &tmp))
        msg = (pgm_slice){tmp.p, tmp.len};
    if (msg.n && !pgm_strbuf_add(&c->arena, msg.p, msg.n) && !pgm_strbuf_add(&c->arena, "", 1))
        f.off[7] = off;
    for (size_t i = 0; i < m.n_caps; i++)
        if (m.caps[i].name && !set_common(&f, m.caps[i].name, (pgm_slice){m.caps[i].p, m.caps[i].n}))
            add_text(&f, m.caps[i].name, (pgm_slice){m.caps[i].p, m.caps[i].n}, &tmp);
    const char *pool = join_pool(c, &m);
    if (pool)
        add(&f, "pool", pool, strlen(pool));
    add(&f, "thread", rec->thread.p, rec->thread.n);
    add(&f, "logger", rec->logger.p, rec->logger.n);
    add(&f, "process", rec->pid.p, rec->pid.n);
    add(&f, "host", rec->host.p, rec->host.n);
    if (which)
        add_text(&f, "entry", rec->message, &tmp);
    /* the cause: the last "Caused by:" line */
    pgm_slice cause = {NULL, 0};
    for (size_t i = 1; i < nt; i++)
        if (texts[i].n > 10 && memcmp(texts[i].p, "Caused by:", 10) == 0)
            cause = (pgm_slice){texts[i].p + 11, texts[i].n - 11};
    add_text(&f, "cause", cause, &tmp);
    if (m.rule->kind_id == PGM_EV_HIKARI_LEAK_DETECTED) {
        char frame[256], at[128];
        unsigned frames;
        /* the packs' framework_frames, every one of them */
        if (pgm_app_culprit(rec->trace, (const char *const *)c->rs->framework_frames.v, c->rs->framework_frames.n,
                            frame, sizeof frame, at, sizeof at, &frames)) {
            add(&f, "culprit", frame, strlen(frame));
            add(&f, "culprit_at", at, strlen(at));
        }
        char nf[16];
        int k = snprintf(nf, sizeof nf, "%u", frames);
        add(&f, "frames", nf, (size_t)k);
    }
    int leak = join_leak(c, m.rule->kind_id, &m, rec->t, rec->line);
    /* a return whose report is not held: before the log began, or replaced
     * in the window of PGM_APP_MAX_LEAKS reports (which, cannot be told) */
    if (leak < 0 && c->next_leak > 0 && m.rule->kind_id == PGM_EV_HIKARI_LEAK_RETURNED)
        c->returns_unmatched++;
    if (leak >= 0 && m.rule->kind_id == PGM_EV_HIKARI_LEAK_RETURNED) {
        char num[24], iso[PGM_TS_ISO_LEN] = "";
        int k = snprintf(num, sizeof num, "%llu", (unsigned long long)c->leaks[leak].line);
        add(&f, "leak_line", num, (size_t)k);
        if (c->leaks[leak].t != PGM_TS_UNKNOWN) {
            pgm_ts_format_iso(c->leaks[leak].t, iso);
            add(&f, "leak_reported_at", iso, strlen(iso));
        }
        add(&f, "slow_borrower", "true", 4);
    }
    pgm_strbuf_free(&tmp);
    ev->t = rec->t;
    ev->kind = m.rule->kind;
    ev->kind_id = m.rule->kind_id;
    ev->path = path;
    ev->line = rec->line;
    ev->n_fields = f.n;
    for (size_t k = 0; k < f.n; k++) {
        ev->fields[k].name = k < PGM_EVENT_COMMON_FIELDS ? pgm_event_common_names[k] : f.name[k];
        ev->fields[k].value = f.off[k] == SIZE_MAX ? NULL : c->arena.p + f.off[k];
        ev->fields[k].len = 0;
    }
    c->fields_dropped += f.dropped;
    c->events++;
    return 1;
}
