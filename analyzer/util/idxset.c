#include "util/idxset.h"

#include <stdlib.h>

/* The caller's hash, mixed (Fibonacci hashing): a pid or an interned
 * pointer hashed as itself spreads over the slots. */
static size_t home_of(uint64_t hash, size_t cap)
{
    return (size_t)((hash * UINT64_C(0x9E3779B97F4A7C15)) >> 17) & (cap - 1);
}

static int grow(pgm_idxset *m, const pgm_idxset_keys *k)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i])
            continue;
        size_t s = home_of(k->hash_of(k->ctx, m->slots[i] - 1), cap);
        while (slots[s])
            s = (s + 1) & (cap - 1);
        slots[s] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

uint32_t pgm_idxset_find(const pgm_idxset *m, const pgm_idxset_keys *k, uint64_t hash, const void *key)
{
    if (!m->cap)
        return PGM_IDXSET_NONE;
    for (size_t s = home_of(hash, m->cap); m->slots[s]; s = (s + 1) & (m->cap - 1))
        if (k->is(k->ctx, m->slots[s] - 1, key))
            return m->slots[s] - 1;
    return PGM_IDXSET_NONE;
}

int pgm_idxset_add(pgm_idxset *m, const pgm_idxset_keys *k, uint32_t index)
{
    if (index == PGM_IDXSET_NONE)
        return -1;
    /* at most half full: a probe stays short without keys to compare in the slots */
    if ((m->n + 1) * 2 > m->cap && grow(m, k) != 0)
        return -1;
    size_t s = home_of(k->hash_of(k->ctx, index), m->cap);
    while (m->slots[s])
        s = (s + 1) & (m->cap - 1);
    m->slots[s] = index + 1;
    m->n++;
    return 0;
}

uint32_t pgm_idxset_remove(pgm_idxset *m, const pgm_idxset_keys *k, uint64_t hash, const void *key)
{
    if (!m->cap)
        return PGM_IDXSET_NONE;
    size_t mask = m->cap - 1, s = home_of(hash, m->cap);
    while (m->slots[s] && !k->is(k->ctx, m->slots[s] - 1, key))
        s = (s + 1) & mask;
    if (!m->slots[s])
        return PGM_IDXSET_NONE;
    uint32_t found = m->slots[s] - 1;
    /* backward shift: each later index of the run moves into the hole when
     * its home slot does not lie between the hole and it */
    size_t hole = s;
    for (size_t j = (s + 1) & mask; m->slots[j]; j = (j + 1) & mask) {
        size_t home = home_of(k->hash_of(k->ctx, m->slots[j] - 1), m->cap);
        bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (stays)
            continue;
        m->slots[hole] = m->slots[j];
        hole = j;
    }
    m->slots[hole] = 0;
    m->n--;
    return found;
}

void pgm_idxset_each(const pgm_idxset *m, void (*each)(void *ctx, uint32_t index), void *ctx)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i])
            each(ctx, m->slots[i] - 1);
}

void pgm_idxset_free(pgm_idxset *m)
{
    free(m->slots);
    *m = (pgm_idxset){0};
}
