#include "model/event.h"

#include "util/strbuf.h"

#include <string.h>

const char *const pgm_event_common_names[PGM_EVENT_COMMON_FIELDS] = {
    "pid", "user", "db", "app", "client", "level", "sqlstate", "msg"};

/* The common field `name` is, or -1: their first letters differ. */
static int common_index(const char *name)
{
    int k;
    switch (name[0]) {
    case 'p': k = 0; break;
    case 'u': k = 1; break;
    case 'd': k = 2; break;
    case 'a': k = 3; break;
    case 'c': k = 4; break;
    case 'l': k = 5; break;
    case 's': k = 6; break;
    case 'm': k = 7; break;
    default: return -1;
    }
    return strcmp(name, pgm_event_common_names[k]) == 0 ? k : -1;
}

const char *pgm_event_field(const pgm_event *e, const char *name)
{
    /* the classifiers' events have the common fields first, under these very
     * names: one compare instead of a search (this runs several times per event) */
    int k = common_index(name);
    if (k >= 0 && (size_t)k < e->n_fields && e->fields[k].name == pgm_event_common_names[k])
        return e->fields[k].value;
    for (size_t i = 0; i < e->n_fields; i++)
        if (e->fields[i].name[0] == name[0] && strcmp(e->fields[i].name, name) == 0)
            return e->fields[i].value;
    return NULL;
}

/* The layout: line, t, kind, kind_id, path, n; per field its name, whether it has a
 * value, the value's length and bytes and a NUL. Pointers and numbers are
 * copied as they are in memory: the bytes never leave the process. */
/* Appends n bytes at *to and moves past them. */
static void put_bytes(char **to, const void *from, size_t n)
{
    memcpy(*to, from, n);
    *to += n;
}

int pgm_event_pack(pgm_strbuf *out, const pgm_event *e)
{
    /* sized first, then written in one piece: this runs once per event of a
     * log read by several threads, and a call per field piece cost a fifth
     * of such a run */
    uint32_t n = (uint32_t)e->n_fields;
    uint32_t lens[PGM_EVENT_MAX_FIELDS];
    size_t need = sizeof e->line + sizeof e->t + sizeof e->kind + sizeof e->kind_id + sizeof e->path + sizeof n;
    for (size_t i = 0; i < e->n_fields; i++) {
        const pgm_field *f = &e->fields[i];
        lens[i] = f->value ? (uint32_t)pgm_field_len(f) : 0;
        need += sizeof f->name + 1 + sizeof lens[i] + lens[i] + 1;
    }
    char *to = pgm_strbuf_room(out, need);
    if (!to)
        return -1;
    char *const start = to;
    put_bytes(&to, &e->line, sizeof e->line);
    put_bytes(&to, &e->t, sizeof e->t);
    put_bytes(&to, &e->kind, sizeof e->kind);
    put_bytes(&to, &e->kind_id, sizeof e->kind_id);
    put_bytes(&to, &e->path, sizeof e->path);
    put_bytes(&to, &n, sizeof n);
    for (size_t i = 0; i < e->n_fields; i++) {
        const pgm_field *f = &e->fields[i];
        uint8_t has = f->value != NULL;
        put_bytes(&to, &f->name, sizeof f->name);
        put_bytes(&to, &has, 1);
        put_bytes(&to, &lens[i], sizeof lens[i]);
        if (has)
            put_bytes(&to, f->value, lens[i]);
        *to++ = '\0';
    }
    pgm_strbuf_commit(out, (size_t)(to - start));
    return 0;
}

/* Copies `n` bytes at *at into `to`, if there are that many. */
static bool take(const unsigned char **at, const unsigned char *end, void *to, size_t n)
{
    if ((size_t)(end - *at) < n)
        return false;
    memcpy(to, *at, n);
    *at += n;
    return true;
}

bool pgm_event_unpack(const void *data, size_t len, pgm_event *e)
{
    const unsigned char *at = data, *end = at + len;
    uint32_t n;
    if (!take(&at, end, &e->line, sizeof e->line) || !take(&at, end, &e->t, sizeof e->t) ||
        !take(&at, end, &e->kind, sizeof e->kind) || !take(&at, end, &e->kind_id, sizeof e->kind_id) ||
        !take(&at, end, &e->path, sizeof e->path) ||
        !take(&at, end, &n, sizeof n) || n > PGM_EVENT_MAX_FIELDS)
        return false;
    e->n_fields = n;
    for (size_t i = 0; i < n; i++) {
        pgm_field *f = &e->fields[i];
        uint8_t has;
        uint32_t vlen;
        if (!take(&at, end, &f->name, sizeof f->name) || !take(&at, end, &has, 1) ||
            !take(&at, end, &vlen, sizeof vlen) || (size_t)(end - at) < (size_t)vlen + 1)
            return false;
        f->value = has ? (const char *)at : NULL;
        f->len = has ? vlen : 0;
        at += vlen + 1;
    }
    return at == end;
}
