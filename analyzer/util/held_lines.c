#include "util/held_lines.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

void pgm_held_lines_init(pgm_held_lines *h, size_t meta_size, size_t max_bytes)
{
    memset(h, 0, sizeof *h);
    h->meta_size = meta_size;
    pgm_strbuf_init(&h->text, max_bytes);
}

void pgm_held_lines_set_max(pgm_held_lines *h, size_t max_bytes)
{
    h->text.cap = max_bytes;
}

bool pgm_held_lines_add(pgm_held_lines *h, const char *line, size_t n, const void *meta)
{
    struct pgm_held_span *s = pgm_grow(h->spans, &h->alloc, h->n, sizeof *s, 64);
    if (!s)
        return false;
    h->spans = s;
    if (h->meta_size) {
        unsigned char *m = pgm_grow(h->meta, &h->meta_alloc, h->n, h->meta_size, 64);
        if (!m)
            return false;
        h->meta = m;
    }
    size_t off = h->text.len;
    if (pgm_strbuf_add(&h->text, line, n) != 0)
        return false;
    h->spans[h->n] = (struct pgm_held_span){off, n};
    if (h->meta_size)
        memcpy(h->meta + h->n * h->meta_size, meta, h->meta_size);
    h->n++;
    return true;
}

const char *pgm_held_lines_at(const pgm_held_lines *h, size_t i, size_t *n, const void **meta)
{
    *n = h->spans[i].len;
    if (meta)
        *meta = h->meta_size ? h->meta + i * h->meta_size : NULL;
    return h->text.p ? h->text.p + h->spans[i].off : "";
}

void pgm_held_lines_clear(pgm_held_lines *h)
{
    size_t cap = h->text.cap;
    pgm_strbuf_free(&h->text);
    pgm_strbuf_init(&h->text, cap);
    free(h->spans);
    free(h->meta);
    h->spans = NULL;
    h->meta = NULL;
    h->n = h->alloc = h->meta_alloc = 0;
}
