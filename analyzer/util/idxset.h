/* A set of indices into the caller's array of records, found by a key the
 * records themselves hold: 4 bytes a slot, where a map from key to index
 * (util/u64map) spends 12. For tables as large as the records they index
 * (the sessions open at once, two million in a leak that never closes them;
 * the distinct user, database and client groups of those sessions). Open
 * addressing with linear probing and backward-shift deletion, as u64map.
 * The caller hashes its keys (any 64-bit hash: the set mixes it) and says
 * whether a record's key is a given one. */
#ifndef PGM_IDXSET_H
#define PGM_IDXSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Never an index of the set: what find returns for none. */
#define PGM_IDXSET_NONE UINT32_MAX

typedef struct pgm_idxset_keys {
    uint64_t (*hash_of)(const void *ctx, uint32_t index);           /* the hash of record index's key */
    bool (*is)(const void *ctx, uint32_t index, const void *key);  /* whether record index's key is key */
    const void *ctx;
} pgm_idxset_keys;

typedef struct pgm_idxset {
    uint32_t *slots;   /* index + 1; 0: empty */
    size_t cap, n;     /* cap: a power of two, or 0 */
} pgm_idxset;

/* The index whose key is `key` (hashing to `hash`), or PGM_IDXSET_NONE. */
uint32_t pgm_idxset_find(const pgm_idxset *m, const pgm_idxset_keys *k, uint64_t hash, const void *key);
/* Adds `index`, whose key no index of the set has (the caller found none):
 * 0, or -1 when memory ran out or index is PGM_IDXSET_NONE (nothing added). */
int pgm_idxset_add(pgm_idxset *m, const pgm_idxset_keys *k, uint32_t index);
/* Removes the index whose key is `key` and returns it, or PGM_IDXSET_NONE. */
uint32_t pgm_idxset_remove(pgm_idxset *m, const pgm_idxset_keys *k, uint64_t hash, const void *key);
/* Calls each(ctx, index) for every index, in no particular order; the set
 * must not change meanwhile. */
void pgm_idxset_each(const pgm_idxset *m, void (*each)(void *ctx, uint32_t index), void *ctx);
void pgm_idxset_free(pgm_idxset *m);

#endif
