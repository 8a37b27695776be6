#include "envelope/rotated.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/rotation.h"

typedef struct remembered {
    char stream[1024], piece[1024];
    pgm_rotation rotation;
    enum pgm_kind kind;
    const char *format;          /* static */
    pgm_envelope env;
    char prefix[256];            /* a server log's log_line_prefix, "" when not known */
    char prefix_piece[1024];     /* the piece read with it */
    char prefix_origin[1100];    /* "the log's piece before (PATH)" */
} remembered;

struct pgm_rotated_kinds {
    remembered ring[PGM_ROTATED_MEMORY];
    size_t n;                    /* remembered in all; the ring holds the last */
};

static bool read_line_by_line(enum pgm_kind k)
{
    return k == PGM_KIND_PG_LOG || k == PGM_KIND_APP_LOG || k == PGM_KIND_SYSTEM_LOG || k == PGM_KIND_PGBOUNCER_LOG;
}

/* The remembered log of the stream `path` is a piece of, NULL when none. */
static remembered *remembered_of(const pgm_rotated_kinds *k, const char *path)
{
    char stream[sizeof k->ring[0].stream];
    pgm_rotation_stream(path, stream, sizeof stream);
    size_t n = k->n < PGM_ROTATED_MEMORY ? k->n : PGM_ROTATED_MEMORY;
    for (size_t i = 0; i < n; i++) {
        const remembered *x = &k->ring[(k->n - 1 - i) % PGM_ROTATED_MEMORY];
        if (strcmp(x->stream, stream) == 0)
            return (remembered *)x;
    }
    return NULL;
}

bool pgm_rotated_kind(pgm_rotated_kinds **m, const char *path, pgm_sniff *sn, pgm_envelope *env, char *said,
                      size_t cap)
{
    if (!*m && !(*m = calloc(1, sizeof **m)))
        return false; /* a memory only: read as the head says */
    pgm_rotated_kinds *k = *m;
    pgm_rotation r;
    pgm_rotation_of(path, &r);
    char stream[sizeof k->ring[0].stream];
    pgm_rotation_stream(path, stream, sizeof stream);
    remembered *was = remembered_of(k, path);
    bool changed = false;
    /* an empty piece (the live file just after a rotation) is no kind to tell */
    if (was && pgm_rotation_cmp(&was->rotation, &r) < 0 && sn->kind != was->kind &&
        !(sn->kind == PGM_KIND_UNKNOWN && strcmp(sn->format, "empty") == 0)) {
        snprintf(said, cap, "its head alone reads as %s; read as %s (%s), as its log's piece before it is (%s)",
                 sn->kind == PGM_KIND_UNKNOWN ? "no kind pgmortem knows" : pgm_kind_name(sn->kind),
                 pgm_kind_name(was->kind), was->format, was->piece);
        sn->kind = was->kind;
        sn->format = was->format;
        *env = was->env;
        changed = true;
    }
    if (!read_line_by_line(sn->kind))
        return changed;
    remembered *x = was ? was : &k->ring[k->n++ % PGM_ROTATED_MEMORY];
    if (!was)
        x->prefix[0] = '\0';
    snprintf(x->stream, sizeof x->stream, "%s", stream);
    snprintf(x->piece, sizeof x->piece, "%s", path);
    x->rotation = r;
    x->kind = sn->kind;
    x->format = sn->format;
    x->env = *env;
    return changed;
}

void pgm_rotated_set_prefix(pgm_rotated_kinds *m, const char *path, const char *prefix)
{
    remembered *x = m ? remembered_of(m, path) : NULL;
    if (!x || strcmp(x->piece, path) != 0 || strlen(prefix) >= sizeof x->prefix)
        return; /* only the piece just read, and a prefix that fits whole */
    snprintf(x->prefix, sizeof x->prefix, "%s", prefix);
    snprintf(x->prefix_piece, sizeof x->prefix_piece, "%s", path);
    snprintf(x->prefix_origin, sizeof x->prefix_origin, "the log's piece before (%s)", path);
}

const char *pgm_rotated_prefix(const pgm_rotated_kinds *m, const char *path, const char **origin)
{
    const remembered *x = m ? remembered_of(m, path) : NULL;
    /* pgm_rotated_kind has made this piece the remembered one: the prefix is another piece's */
    if (!x || !x->prefix[0] || strcmp(x->prefix_piece, path) == 0)
        return NULL;
    *origin = x->prefix_origin;
    return x->prefix;
}

void pgm_rotated_kinds_free(pgm_rotated_kinds *m)
{
    free(m);
}
