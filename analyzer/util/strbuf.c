#include "util/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pgm_strbuf_init(pgm_strbuf *b, size_t cap)
{
    b->p = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap;
}

void pgm_strbuf_free(pgm_strbuf *b)
{
    free(b->p);
    pgm_strbuf_init(b, b->cap);
}

void pgm_strbuf_reset(pgm_strbuf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

static int grow(pgm_strbuf *b, size_t extra)
{
    if (extra > b->cap || b->len > b->cap - extra)
        return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->alloc)
        return 0;
    size_t n = b->alloc ? b->alloc : 64;
    while (n < need)
        n = n > ((size_t)-1) / 2 ? need : n * 2;
    if (b->cap < SIZE_MAX && n > b->cap + 1) /* a SIZE_MAX cap means none */
        n = b->cap + 1;
    char *p = realloc(b->p, n);
    if (!p)
        return -1;
    b->p = p;
    b->alloc = n;
    return 0;
}

char *pgm_strbuf_room_slow(pgm_strbuf *b, size_t n)
{
    return grow(b, n) ? NULL : b->p + b->len;
}

int pgm_strbuf_add_slow(pgm_strbuf *b, const void *data, size_t n)
{
    if (grow(b, n))
        return -1;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int pgm_strbuf_addstr(pgm_strbuf *b, const char *s)
{
    return pgm_strbuf_add(b, s, strlen(s));
}

int pgm_strbuf_vaddf(pgm_strbuf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || grow(b, (size_t)n))
        return -1;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int pgm_strbuf_addf(pgm_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = pgm_strbuf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *pgm_strbuf_take(pgm_strbuf *b)
{
    char *p = b->p;
    if (!p)
        p = calloc(1, 1);
    pgm_strbuf_init(b, b->cap);
    return p;
}
