#include "util/u64map.h"

#include <stdlib.h>

static size_t slot_of(uint64_t key, size_t cap)
{
    return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 17) & (cap - 1);
}

static int grow(pgm_u64map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    uint64_t *keys = calloc(cap, sizeof *keys);
    uint32_t *values = malloc(cap * sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t s = slot_of(m->keys[i], cap);
        while (keys[s])
            s = (s + 1) & (cap - 1);
        keys[s] = m->keys[i];
        values[s] = m->values[i];
    }
    free(m->keys);
    free(m->values);
    m->keys = keys;
    m->values = values;
    m->cap = cap;
    return 0;
}

int pgm_u64map_put(pgm_u64map *m, uint64_t key, uint32_t value)
{
    if (!key)
        return 0;
    if (m->cap) {
        for (size_t s = slot_of(key, m->cap); m->keys[s]; s = (s + 1) & (m->cap - 1))
            if (m->keys[s] == key) {
                m->values[s] = value;
                return 0;
            }
    }
    if (m->max && m->n >= m->max)
        return 1;
    if ((m->n + 1) * 4 > m->cap * 3 && grow(m) != 0)
        return -1;
    size_t s = slot_of(key, m->cap);
    while (m->keys[s])
        s = (s + 1) & (m->cap - 1);
    m->keys[s] = key;
    m->values[s] = value;
    m->n++;
    return 0;
}

bool pgm_u64map_get(const pgm_u64map *m, uint64_t key, uint32_t *value)
{
    if (!m->cap || !key)
        return false;
    for (size_t s = slot_of(key, m->cap); m->keys[s]; s = (s + 1) & (m->cap - 1))
        if (m->keys[s] == key) {
            *value = m->values[s];
            return true;
        }
    return false;
}

bool pgm_u64map_remove(pgm_u64map *m, uint64_t key, uint32_t *value)
{
    if (!m->cap || !key)
        return false;
    size_t mask = m->cap - 1, s = slot_of(key, m->cap);
    while (m->keys[s] && m->keys[s] != key)
        s = (s + 1) & mask;
    if (!m->keys[s])
        return false;
    if (value)
        *value = m->values[s];
    /* backward shift: each later key of the run moves into the hole when its
     * home slot does not lie between the hole and it */
    size_t hole = s;
    for (size_t j = (s + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
        size_t home = slot_of(m->keys[j], m->cap);
        bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (stays)
            continue;
        m->keys[hole] = m->keys[j];
        m->values[hole] = m->values[j];
        hole = j;
    }
    m->keys[hole] = 0;
    m->n--;
    return true;
}

void pgm_u64map_free(pgm_u64map *m)
{
    free(m->keys);
    free(m->values);
    *m = (pgm_u64map){0};
}
