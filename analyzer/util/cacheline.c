#include "util/cacheline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *pgm_cacheline_alloc(size_t n)
{
    if (n > SIZE_MAX - PGM_CACHE_LINE)
        return NULL;
    size_t size = n ? (n + PGM_CACHE_LINE - 1) / PGM_CACHE_LINE * PGM_CACHE_LINE : PGM_CACHE_LINE;
    void *p = aligned_alloc(PGM_CACHE_LINE, size);
    if (p)
        memset(p, 0, size);
    return p;
}
