#include "util/chains.h"

#include <stdlib.h>

#include "util/grow.h"

/* The first room for items: doubled from there. */
#define PGM_CHAINS_FIRST 64u

int pgm_chains_add(pgm_chains *c, uint64_t key)
{
    if (c->n >= PGM_CHAINS_NONE)
        return -1; /* numbers past 32 bits: none left to chain */
    if (c->n == c->alloc) {
        /* both arrays as large: the second grown to the first's new size */
        size_t alloc = c->alloc;
        uint32_t *next = pgm_grow(c->next, &alloc, c->n, sizeof *next, PGM_CHAINS_FIRST);
        if (!next)
            return -1;
        c->next = next;
        uint32_t *last = realloc(c->last, alloc * sizeof *last);
        if (!last)
            return -1; /* next is larger; alloc still says the old room */
        c->last = last;
        c->alloc = alloc;
    }
    uint32_t item = (uint32_t)c->n, first;
    if (pgm_u64map_get(&c->first_of, key, &first)) {
        c->next[c->last[first]] = item;
        c->last[first] = item;
    } else if (pgm_u64map_put(&c->first_of, key, item) != 0) {
        return -1;
    } else {
        c->last[item] = item;
    }
    c->next[item] = PGM_CHAINS_NONE;
    c->n++;
    return 0;
}

uint32_t pgm_chains_first(const pgm_chains *c, uint64_t key)
{
    uint32_t first;
    return pgm_u64map_get(&c->first_of, key, &first) ? first : PGM_CHAINS_NONE;
}

uint32_t pgm_chains_next(const pgm_chains *c, uint32_t item)
{
    return item < c->n ? c->next[item] : PGM_CHAINS_NONE;
}

void pgm_chains_free(pgm_chains *c)
{
    pgm_u64map_free(&c->first_of);
    free(c->next);
    free(c->last);
    *c = (pgm_chains){0};
}
