/* A map from 64-bit keys to 32-bit values: open addressing with linear
 * probing and backward-shift deletion (no tombstones), so that a table whose
 * keys come and go (connections opened and closed) stays as full as what is
 * in it. Key 0 is not a key. */
#ifndef PGM_U64MAP_H
#define PGM_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pgm_u64map {
    uint64_t *keys;    /* 0: empty */
    uint32_t *values;
    size_t cap, n;     /* cap: a power of two, or 0 */
    size_t max;        /* at most this many keys (0: no bound) */
} pgm_u64map;

/* Sets key's value. 0 on success, 1 when the map holds `max` keys already
 * (nothing stored), -1 when memory ran out. */
int pgm_u64map_put(pgm_u64map *m, uint64_t key, uint32_t value);
/* The value of key in *value: false when it has none. */
bool pgm_u64map_get(const pgm_u64map *m, uint64_t key, uint32_t *value);
/* Removes key; false when it had no value. */
bool pgm_u64map_remove(pgm_u64map *m, uint64_t key, uint32_t *value);
void pgm_u64map_free(pgm_u64map *m);

#endif
