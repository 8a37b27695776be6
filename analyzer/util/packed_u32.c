#include "util/packed_u32.h"

#include <stdlib.h>

#include "util/bitpack.h"
#include "util/grow.h"

enum { HEAD = 5 }; /* a block's base (4 bytes, little-endian) and width (1) before its bits */

static size_t block_bytes(unsigned width) { return HEAD + pgm_bitpack_bytes((uint64_t)width * PGM_PACKED_U32_BLOCK); }

/* The tail, full, packed into a block of its own. */
static bool seal(pgm_packed_u32 *a)
{
    uint8_t **room = pgm_grow(a->blocks, &a->alloc_blocks, a->n_blocks, sizeof *room, 64);
    if (!room)
        return false;
    a->blocks = room;
    uint32_t lo = a->tail[0], hi = a->tail[0];
    for (size_t i = 1; i < PGM_PACKED_U32_BLOCK; i++) {
        lo = a->tail[i] < lo ? a->tail[i] : lo;
        hi = a->tail[i] > hi ? a->tail[i] : hi;
    }
    unsigned width = pgm_bitpack_width(hi - lo);
    uint8_t *b = calloc(1, block_bytes(width));
    if (!b)
        return false;
    for (unsigned k = 0; k < 4; k++)
        b[k] = (uint8_t)(lo >> (8 * k));
    b[4] = (uint8_t)width;
    for (size_t i = 0; i < PGM_PACKED_U32_BLOCK; i++)
        pgm_bitpack_put(b + HEAD, (uint64_t)i * width, width, a->tail[i] - lo);
    a->blocks[a->n_blocks++] = b;
    return true;
}

bool pgm_packed_u32_push(pgm_packed_u32 *a, uint32_t x)
{
    size_t at = a->n % PGM_PACKED_U32_BLOCK;
    a->tail[at] = x;
    if (at + 1 == PGM_PACKED_U32_BLOCK && !seal(a))
        return false;
    a->n++;
    return true;
}

uint32_t pgm_packed_u32_get(const pgm_packed_u32 *a, size_t i)
{
    size_t block = i / PGM_PACKED_U32_BLOCK;
    if (block >= a->n_blocks)
        return a->tail[i % PGM_PACKED_U32_BLOCK];
    const uint8_t *b = a->blocks[block];
    uint32_t base = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    unsigned width = b[4];
    return base + (uint32_t)pgm_bitpack_get(b + HEAD, (uint64_t)(i % PGM_PACKED_U32_BLOCK) * width, width);
}

size_t pgm_packed_u32_bytes(const pgm_packed_u32 *a)
{
    size_t bytes = sizeof *a + a->alloc_blocks * sizeof *a->blocks;
    for (size_t i = 0; i < a->n_blocks; i++)
        bytes += block_bytes(a->blocks[i][4]);
    return bytes;
}

void pgm_packed_u32_free(pgm_packed_u32 *a)
{
    for (size_t i = 0; i < a->n_blocks; i++)
        free(a->blocks[i]);
    free(a->blocks);
    a->blocks = NULL;
    a->n = a->n_blocks = a->alloc_blocks = 0;
}
