#include "util/name_index.h"

#include <string.h>

int pgm_name_index_add(pgm_name_index *x, const char *name)
{
    const char *key = pgm_intern(&x->names, name);
    return key ? pgm_chains_add(&x->chains, (uint64_t)(uintptr_t)key) : -1;
}

size_t pgm_name_index_count(const pgm_name_index *x) { return x->chains.n; }

uint32_t pgm_name_index_first(const pgm_name_index *x, const char *name)
{
    const char *key = pgm_interned(&x->names, name);
    return key ? pgm_chains_first(&x->chains, (uint64_t)(uintptr_t)key) : PGM_CHAINS_NONE;
}

uint32_t pgm_name_index_next(const pgm_name_index *x, uint32_t item) { return pgm_chains_next(&x->chains, item); }

void pgm_name_index_free(pgm_name_index *x)
{
    pgm_interner_free(&x->names);
    pgm_chains_free(&x->chains);
    memset(x, 0, sizeof *x);
}
