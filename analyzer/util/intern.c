#include "util/intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return h;
}

static int grow(pgm_interner *in)
{
    size_t cap = in->cap ? in->cap * 2 : 64;
    char **slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < in->cap; i++) {
        if (!in->slots[i])
            continue;
        size_t k = (size_t)fnv1a(in->slots[i]) & (cap - 1);
        while (slots[k])
            k = (k + 1) & (cap - 1);
        slots[k] = in->slots[i];
    }
    free(in->slots);
    in->slots = slots;
    in->cap = cap;
    return 0;
}

const char *pgm_intern(pgm_interner *in, const char *text)
{
    if (!*text)
        return "";
    /* at most half full, so a probe ends soon */
    if ((in->n + 1) * 2 > in->cap && grow(in))
        return NULL;
    size_t k = (size_t)fnv1a(text) & (in->cap - 1);
    while (in->slots[k]) {
        if (strcmp(in->slots[k], text) == 0)
            return in->slots[k];
        k = (k + 1) & (in->cap - 1);
    }
    if (!(in->slots[k] = strdup(text)))
        return NULL;
    in->n++;
    return in->slots[k];
}

const char *pgm_interned(const pgm_interner *in, const char *text)
{
    if (!*text)
        return "";
    if (!in->cap)
        return NULL;
    for (size_t k = (size_t)fnv1a(text) & (in->cap - 1); in->slots[k]; k = (k + 1) & (in->cap - 1))
        if (strcmp(in->slots[k], text) == 0)
            return in->slots[k];
    return NULL;
}

void pgm_interner_free(pgm_interner *in)
{
    for (size_t i = 0; i < in->cap; i++)
        free(in->slots[i]);
    free(in->slots);
    in->slots = NULL;
    in->cap = in->n = 0;
}
