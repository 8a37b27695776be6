/* Items numbered in the order they come (0, 1, 2, ...), found by a name:
 * the chains of util/chains.h keyed by the name's interned copy, so that a
 * lookup is one hash instead of a comparison with every item (a monorepo's
 * thousands of services, each asking for its autoscaler, its ConfigMaps and
 * its Secrets by name). The caller keeps what item i stands for. */
#ifndef PGM_NAME_INDEX_H
#define PGM_NAME_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/chains.h"
#include "util/intern.h"

typedef struct pgm_name_index {
    pgm_interner names;
    pgm_chains chains;
} pgm_name_index;

/* Adds item number pgm_name_index_count(x) under `name`. 0, or -1 when
 * memory ran out: the index then lacks that item and is not to be used. */
int pgm_name_index_add(pgm_name_index *x, const char *name);
size_t pgm_name_index_count(const pgm_name_index *x);
/* The first item under `name`, or PGM_CHAINS_NONE. */
uint32_t pgm_name_index_first(const pgm_name_index *x, const char *name);
/* The item after `item` under its name, or PGM_CHAINS_NONE. */
uint32_t pgm_name_index_next(const pgm_name_index *x, uint32_t item);
void pgm_name_index_free(pgm_name_index *x);

#endif
