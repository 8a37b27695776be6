/* --redact-pii: user names and client addresses replaced, in a finished
 * report's text, by consistent pseudonyms (user-1, client-1...), numbered in
 * the order the sessions met them, so a report can be shared outside the
 * team and still be read: the same user is the same pseudonym everywhere. */
#include "report/pseudonyms.h"

#include <stdlib.h>
#include <string.h>

#include "forensics/analysis_impl.h"
#include "util/grow.h"
#include "util/strbuf.h"
#include "util/label.h"

typedef struct name {
    const char *real;
    char fake[32];
} name;

typedef struct names {
    name *v;
    size_t n, alloc;
    unsigned users, clients;
} names;

static bool add(names *t, const char *real, bool client)
{
    if (!real || strlen(real) < 2 || strcmp(real, PGM_LABEL_UNKNOWN) == 0 || strcmp(real, "[local]") == 0)
        return true;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].real, real) == 0)
            return true;
    name *p = pgm_grow(t->v, &t->alloc, t->n, sizeof *p, 32);
    if (!p)
        return false;
    t->v = p;
    t->v[t->n].real = real;
    snprintf(t->v[t->n].fake, sizeof t->v[0].fake, client ? "client-%u" : "user-%u",
             client ? ++t->clients : ++t->users);
    t->n++;
    return true;
}

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

/* A name ends at `i`: what follows is no part of a word, or a full stop
 * that ends a sentence (127.0.0.1. ends there; 127.0.0.10 does not). */
static bool ends_at(const char *text, size_t i, size_t len)
{
    if (i == len || !word_char(text[i]))
        return true;
    return text[i] == '.' && (i + 1 == len || !word_char(text[i + 1]));
}

/* Longest names first, so "orders-batch" is not cut by "orders". */
static int by_length(const void *a, const void *b)
{
    size_t x = strlen(((const name *)a)->real), y = strlen(((const name *)b)->real);
    return x < y ? 1 : x > y ? -1 : 0;
}

char *pgm_pseudonymize(const pgm_analysis *a, const char *text, size_t len, size_t *out_len)
{
    names t = {0};
    bool ok = true;
    size_t n = a->primary >= 0 ? pgm_sessions_count(a->logs[a->primary].s) : 0;
    for (size_t i = 0; ok && i < n; i++) {
        const pgm_session v = pgm_sessions_get(a->logs[a->primary].s, i);
        const pgm_who *w = pgm_sessions_who(a->logs[a->primary].s, &v);
        ok = add(&t, w->user, false) && add(&t, w->client, true);
    }
    ok = ok && add(&t, a->top_user, false) && add(&t, a->top_client, true);
    size_t np;
    const pgm_pooler_pool *pools = pgm_pooler_pools(a->pooler, &np);
    for (size_t i = 0; ok && i < np; i++)
        ok = add(&t, pools[i].user, false) && add(&t, pools[i].client, true);
    for (size_t i = 0; ok && i < a->holders.n; i++)
        ok = add(&t, a->holders.v[i].user, false) && add(&t, a->holders.v[i].client, true);
    /* numbered as met; replaced longest first */
    if (ok && t.n)
        qsort(t.v, t.n, sizeof *t.v, by_length);
    /* names have 2 bytes or more and pseudonyms fewer than sizeof fake: a bound, not a guess */
    pgm_strbuf out;
    pgm_strbuf_init(&out, len * (sizeof t.v[0].fake / 2 + 1) + 64);
    for (size_t i = 0; ok && i < len;) {
        const name *found = NULL;
        if (i == 0 || !word_char(text[i - 1]))
            for (size_t k = 0; k < t.n && !found; k++) {
                size_t rl = strlen(t.v[k].real);
                if (rl <= len - i && memcmp(text + i, t.v[k].real, rl) == 0 && ends_at(text, i + rl, len))
                    found = &t.v[k];
            }
        if (found) {
            ok = pgm_strbuf_addstr(&out, found->fake) == 0;
            i += strlen(found->real);
        } else {
            ok = pgm_strbuf_add(&out, text + i, 1) == 0;
            i++;
        }
    }
    free(t.v);
    if (!ok) {
        pgm_strbuf_free(&out);
        return NULL;
    }
    *out_len = out.len;
    return pgm_strbuf_take(&out);
}
