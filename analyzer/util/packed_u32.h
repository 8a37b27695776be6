/* An append-only array of 32-bit numbers kept in blocks of
 * PGM_PACKED_U32_BLOCK, each full block bit-packed against its least number
 * (util/bitpack.h): the changes of a log's open sessions, four million for
 * two million sessions, which follow each other closely (a session's start
 * and, a little later, its end) and so take 1 to 2 bytes each, not 4. */
#ifndef PGM_PACKED_U32_H
#define PGM_PACKED_U32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PGM_PACKED_U32_BLOCK 256u

typedef struct pgm_packed_u32 {
    uint8_t **blocks;                        /* the full ones: base (4 bytes), width (1), the bits */
    size_t n_blocks, alloc_blocks;
    uint32_t tail[PGM_PACKED_U32_BLOCK];     /* the numbers after the last full block, as they are */
    size_t n;
} pgm_packed_u32;

/* Appends x: false when memory ran out (nothing added). */
bool pgm_packed_u32_push(pgm_packed_u32 *a, uint32_t x);
/* Number i (< a->n). */
uint32_t pgm_packed_u32_get(const pgm_packed_u32 *a, size_t i);
/* Bytes held, for what analyze says of its memory and for tests. */
size_t pgm_packed_u32_bytes(const pgm_packed_u32 *a);
void pgm_packed_u32_free(pgm_packed_u32 *a);

#endif
