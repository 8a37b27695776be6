/* Memory on cache lines of its own: no other object shares a line with it,
 * so one thread writing its own data never evicts what another reads all
 * the time (false sharing). Two threads reading the rule set while a third
 * wrote whatever the heap put next to it made `analyze` on two threads 15%
 * slower or not as the heap before it happened to fall (make bench: 1.43
 * against 1.70 s, the same binary run from two paths). */
#ifndef PGM_CACHELINE_H
#define PGM_CACHELINE_H

#include <stddef.h>

/* The line size of the x86-64 and ARMv8 cores the tool runs on. */
#define PGM_CACHE_LINE 64u

/* n bytes (n 0 too), zeroed, starting on a line and filling their last one:
 * free() them. NULL when memory ran out. */
void *pgm_cacheline_alloc(size_t n);

#endif
