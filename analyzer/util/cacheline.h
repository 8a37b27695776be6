/* Memory on cache lines of its own: no other object shares a line with it,
 * so one thread writing its own data never evicts what another reads all
 * the time (false sharing). With the rule set where the heap put it,
 * `analyze` on two threads took 15% more time or not as the allocations
 * before it happened to fall (make bench: 1.70 against 1.43 s, the same
 * binary run from two paths, whose rule files' names differ in length);
 * with the rule set on lines of its own, 1.41 to 1.46 s from either. */
#ifndef PGM_CACHELINE_H
#define PGM_CACHELINE_H

#include <stddef.h>

/* The line size of the x86-64 and ARMv8 cores the tool runs on. */
#define PGM_CACHE_LINE 64u

/* n bytes (n 0 too), zeroed, starting on a line and filling their last one:
 * free() them. NULL when memory ran out. */
void *pgm_cacheline_alloc(size_t n);

#endif
