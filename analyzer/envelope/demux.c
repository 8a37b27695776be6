#include "envelope/demux.h"

#include <stdlib.h>
#include <string.h>

#include "bundle/limits.h"
#include "sniff/sniff.h"
#include "util/display.h"
#include "util/grow.h"
#include "util/rc.h"

char *pgm_demux_source_path(const char *file_path, const char *source)
{
    pgm_strbuf path;
    pgm_strbuf_init(&path, strlen(file_path) + PGM_UNWRAP_SOURCE_MAX * 6 + 8);
    if (pgm_strbuf_addstr(&path, file_path) != 0 || pgm_strbuf_add(&path, "#", 1) != 0 ||
        pgm_display_append(&path, source[0] ? source : "-") != 0) {
        pgm_strbuf_free(&path);
        return NULL;
    }
    return pgm_strbuf_take(&path);
}

pgm_inner_line pgm_inner_line_of(const pgm_unwrap *u)
{
    /* Docker's is the only one kept: a file of several sources is read apart */
    pgm_inner_line m = {u->lineno, u->t, u->zone_guessed, u->truncated,
                        u->env.kind == PGM_ENVELOPE_DOCKER ? u->source : "", "", "", u->yearless};
    memcpy(m.pid, u->pid, sizeof m.pid);
    memcpy(m.host, u->host, sizeof m.host);
    return m;
}

static pgm_demux_source *source_of(pgm_demux *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->sources[i].name, name) == 0)
            return &d->sources[i];
    if (d->n == PGM_DEMUX_MAX_SOURCES)
        return NULL;
    pgm_demux_source *s = &d->sources[d->n++];
    memset(s, 0, sizeof *s);
    memcpy(s->name, name, sizeof s->name);
    pgm_strbuf_init(&s->head, PGM_SNIFF_HEAD_BYTES);
    return s;
}

/* Asks for the source's reader and hands it what was held. */
static void open_source(pgm_demux_source *s, const pgm_demux_callbacks *cb, bool complete)
{
    s->opened = true;
    s->reader = cb->open(cb->ctx, s->name, s->head.p ? s->head.p : "", s->head.len, complete);
    size_t at = 0;
    for (size_t i = 0; i < s->n_held; i++) {
        const char *p = s->head.p + at;
        const char *nl = memchr(p, '\n', s->head.len - at);
        size_t n = nl ? (size_t)(nl - p) : s->head.len - at;
        if (s->reader)
            cb->line(cb->ctx, s->reader, p, n, &s->held[i]);
        at += n + 1;
    }
    pgm_strbuf_free(&s->head);
    free(s->held);
    s->held = NULL;
    s->n_held = s->held_alloc = 0;
}

enum hold_result { HELD, HELD_LAST, NO_ROOM, NO_MEMORY };

/* Holds a line of a source not yet opened. */
static enum hold_result hold(pgm_demux_source *s, const char *line, size_t n, const pgm_inner_line *m)
{
    if (s->head.len + n + 1 > s->head.cap)
        return NO_ROOM;
    pgm_inner_line *h = pgm_grow(s->held, &s->held_alloc, s->n_held, sizeof *h, 16);
    if (!h)
        return NO_MEMORY;
    s->held = h;
    /* the unwrap reader hands on no line with a '\n' inside */
    if (pgm_strbuf_add(&s->head, line, n) != 0 || pgm_strbuf_add(&s->head, "\n", 1) != 0)
        return NO_MEMORY;
    s->held[s->n_held++] = *m;
    return s->n_held >= PGM_SNIFF_MAX_LINES ? HELD_LAST : HELD;
}

int pgm_demux_run(pgm_demux *d, pgm_unwrap *u, const pgm_demux_callbacks *cb)
{
    memset(d, 0, sizeof *d);
    d->sources = malloc(PGM_DEMUX_MAX_SOURCES * sizeof *d->sources);
    if (!d->sources)
        return PGM_FATAL;
    const char *line;
    size_t n;
    while (pgm_unwrap_next(u, &line, &n) > 0) {
        pgm_demux_source *s = source_of(d, u->source);
        pgm_inner_line m = pgm_inner_line_of(u);
        if (!s) {
            if (!d->lines_past++)
                d->first_past = m.lineno;
            continue;
        }
        s->lines++;
        if (m.lineno != s->last_wrapper_line)
            s->wrapper_lines++;
        s->last_wrapper_line = m.lineno;
        if (s->opened) {
            if (s->reader)
                cb->line(cb->ctx, s->reader, line, n, &m);
            continue;
        }
        switch (hold(s, line, n, &m)) {
        case HELD:
            break;
        case HELD_LAST: /* enough to tell its kind */
            open_source(s, cb, false);
            break;
        case NO_ROOM: /* its head is full: the kind is told now, then this line */
            open_source(s, cb, false);
            if (s->reader)
                cb->line(cb->ctx, s->reader, line, n, &m);
            break;
        case NO_MEMORY:
            return PGM_FATAL;
        }
    }
    for (size_t i = 0; i < d->n; i++)
        if (!d->sources[i].opened)
            open_source(&d->sources[i], cb, true);
    return PGM_OK;
}

void pgm_demux_free(pgm_demux *d)
{
    for (size_t i = 0; i < d->n; i++) {
        pgm_strbuf_free(&d->sources[i].head);
        free(d->sources[i].held);
    }
    free(d->sources);
    d->sources = NULL;
    d->n = 0;
}
