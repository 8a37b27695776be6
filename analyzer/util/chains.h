/* Items numbered in the order they come (0, 1, 2, ...), chained by a 64-bit
 * key: the first item of a key, and from each item the next of its key, in
 * their order. What a scan of all items for each key would find, without the
 * scan (lint's files by path, its findings by rule, file and line). Key 0 is
 * not a key (pgm_u64map's). */
#ifndef PGM_CHAINS_H
#define PGM_CHAINS_H

#include <stddef.h>
#include <stdint.h>

#include "util/u64map.h"

/* No item: the end of a chain, or a key without one. */
#define PGM_CHAINS_NONE UINT32_MAX

typedef struct pgm_chains {
    pgm_u64map first_of; /* key -> its first item */
    uint32_t *next;      /* item -> the next item of its key */
    uint32_t *last;      /* first item -> the last item of its key */
    size_t n, alloc;     /* items added; room in next and last */
} pgm_chains;

/* Adds the next item (numbered c->n) under `key`. 0, or -1 when memory ran
 * out: the chains then stay as they were, and the caller falls back to its
 * scan. */
int pgm_chains_add(pgm_chains *c, uint64_t key);
/* The first item of `key`, or PGM_CHAINS_NONE. */
uint32_t pgm_chains_first(const pgm_chains *c, uint64_t key);
/* The item after `item` with its key, or PGM_CHAINS_NONE. */
uint32_t pgm_chains_next(const pgm_chains *c, uint32_t item);
void pgm_chains_free(pgm_chains *c);

#endif
