/* Puts records in time order with bounded memory: records are held until
 * PGM_SORT_MEM bytes, then sorted and written to a temporary file as a run;
 * at the end the runs are merged (the way sort(1) works). Equal times keep
 * the order they were added in. Records that came in order cost no sort. */
#ifndef PGM_SORTER_H
#define PGM_SORTER_H

#include <stddef.h>
#include <stdint.h>

#include "util/rc.h"

/* Bytes of records (and their index) held in memory before a run is written. */
#define PGM_SORT_MEM (24u << 20)
/* Runs merged at once; more are first merged into bigger runs. */
#define PGM_SORT_MAX_RUNS 256u
/* One record, at most. */
#define PGM_SORT_MAX_RECORD (8u << 20)

typedef struct pgm_sorter pgm_sorter;

/* `tmpdir` NULL: $TMPDIR, else /tmp. Runs are unlinked as soon as they are
 * created, so nothing is left behind whatever happens. */
int pgm_sorter_open(pgm_sorter **out, size_t mem, const char *tmpdir, char err[PGM_ERR_MAX]);
/* PGM_OK, or PGM_FATAL with the reason in pgm_sorter_error(). */
int pgm_sorter_add(pgm_sorter *s, int64_t t, const void *data, size_t len);
/* The same with a tie-break: equal times go in `order`, then arrival. */
int pgm_sorter_add_ordered(pgm_sorter *s, int64_t t, uint64_t order, const void *data, size_t len);
/* Hands every record to `emit` in order. `emit` returns PGM_OK to go on. */
typedef int (*pgm_sorter_emit)(void *ctx, int64_t t, const void *data, size_t len);
int pgm_sorter_finish(pgm_sorter *s, pgm_sorter_emit emit, void *ctx);
/* The records of several sorters (one per thread) as one ordered stream, by
 * time and then `order` (give each thread's records their own). Every sorter
 * is spent afterwards. */
int pgm_sorter_finish_many(pgm_sorter **ss, size_t n, pgm_sorter_emit emit, void *ctx);
const char *pgm_sorter_error(const pgm_sorter *s);
/* Runs written to disk so far (0: everything fitted in memory). */
size_t pgm_sorter_runs(const pgm_sorter *s);
void pgm_sorter_close(pgm_sorter *s);

#endif
