/* Numbers of any width from 0 to 64 bits, one after another in a byte
 * array, least significant bit first: what the packed stores keep millions
 * of rows in (util/packed_u32.h, forensics/session_store.h). A store packs
 * a block of rows against its least value per field (frame of reference),
 * each field as wide as its largest offset needs. */
#ifndef PGM_BITPACK_H
#define PGM_BITPACK_H

#include <stdint.h>
#include <string.h>

/* Bytes past a packed array's last bit that get and put may touch (read an
 * unaligned word and the byte after it): allocate them, zeroed. */
#define PGM_BITPACK_SLACK 9u

/* The width a field needs to hold every value from 0 to max. */
static inline unsigned pgm_bitpack_width(uint64_t max)
{
    return max ? 64u - (unsigned)__builtin_clzll(max) : 0u;
}

/* Bytes for `bits` bits, the slack included. */
static inline size_t pgm_bitpack_bytes(uint64_t bits) { return (size_t)((bits + 7) / 8) + PGM_BITPACK_SLACK; }

static inline uint64_t pgm_bitpack_load(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

static inline void pgm_bitpack_store(uint8_t *p, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    memcpy(p, &x, sizeof x);
}

/* The `width` bits at bit `at`. */
static inline uint64_t pgm_bitpack_get(const uint8_t *p, uint64_t at, unsigned width)
{
    if (!width)
        return 0;
    const uint8_t *q = p + (at >> 3);
    unsigned shift = (unsigned)(at & 7);
    uint64_t x = pgm_bitpack_load(q) >> shift;
    if (shift && shift + width > 64)
        x |= (uint64_t)q[8] << (64 - shift);
    return width == 64 ? x : x & ((UINT64_C(1) << width) - 1);
}

/* Writes v (less than 2^width) at bit `at` of an array zeroed there. */
static inline void pgm_bitpack_put(uint8_t *p, uint64_t at, unsigned width, uint64_t v)
{
    if (!width)
        return;
    uint8_t *q = p + (at >> 3);
    unsigned shift = (unsigned)(at & 7);
    pgm_bitpack_store(q, pgm_bitpack_load(q) | v << shift);
    if (shift && shift + width > 64)
        q[8] |= (uint8_t)(v >> (64 - shift));
}

#endif
