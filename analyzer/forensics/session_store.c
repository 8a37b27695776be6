#include "forensics/session_store.h"

#include <stdlib.h>
#include <string.h>

#include "text/timestamp.h"
#include "util/bitpack.h"
#include "util/grow.h"

/* The fields a session is packed as, each against the block's least: its
 * end and its last line as offsets from its start and first line (small,
 * where the values themselves are not). Its times first: what is read most
 * (the curves, the series, the growth model) is at the start of its bits. */
enum { F_START, F_END, F_START_AT, F_END_AT, F_PID, F_WHO, F_HOW, FIELDS };

/* What a read needs at its head: which sessions are aside and the bases in
 * the first cache line, the widths and the first bits in the next (millions
 * of reads in the order of the log's changes miss the cache). */
typedef struct packed_block {
    uint64_t aside;                         /* bit j: session j is open, kept aside */
    uint64_t base[FIELDS];
    uint8_t width[FIELDS];
    uint8_t count;                          /* sessions in it: the applications follow their bits */
    uint16_t bits;                          /* a session's, all fields */
    uint8_t data[];                         /* count x bits, then count bytes: their applications
                                             * (apart: named later, pgm_sessions_name_apps) */
} packed_block;
_Static_assert(PGM_SESSION_STORE_BLOCK == 64, "a block's sessions aside fit a 64-bit mask");
_Static_assert(sizeof(packed_block) <= 80, "a packed block's head stays near one cache line");
_Static_assert(PGM_SESSIONS_MAX_APPS <= 256, "an application's index fits a byte");

struct pgm_store_block {
    pgm_session *flat;     /* as they are, NULL once packed */
    packed_block *packed;
    uint32_t open;         /* its sessions not ended */
};

static bool is_open(const pgm_session *v) { return v->how_end == PGM_END_OPEN; }

static void fields_of(const pgm_session *v, uint64_t f[FIELDS])
{
    f[F_PID] = (uint32_t)v->pid;
    f[F_WHO] = v->who;
    f[F_HOW] = v->how_start | (unsigned)v->how_end << 1;
    f[F_START] = (uint64_t)v->start;
    f[F_START_AT] = v->start_at;
    /* modulo 2^64: any two values, exact; an open one's are aside, 0 here widens nothing */
    f[F_END] = is_open(v) ? 0 : (uint64_t)v->end - (uint64_t)v->start;
    f[F_END_AT] = is_open(v) ? 0 : v->end_at - v->start_at;
}

static size_t data_bytes(const packed_block *p) { return pgm_bitpack_bytes((uint64_t)p->bits * p->count); }

/* Where a block's applications are, after their bits. */
static size_t apps_at(const packed_block *p) { return data_bytes(p); }

static pgm_session session_of(const uint64_t f[FIELDS], unsigned app)
{
    return (pgm_session){.pid = (int32_t)(uint32_t)f[F_PID],
                         .who = (unsigned)f[F_WHO],
                         .app = app,
                         .how_start = (unsigned)(f[F_HOW] & 1),
                         .how_end = (unsigned)(f[F_HOW] >> 1),
                         .start = (int64_t)f[F_START],
                         .end = (int64_t)(f[F_START] + f[F_END]),
                         .start_at = f[F_START_AT],
                         .end_at = f[F_START_AT] + f[F_END_AT]};
}

static size_t block_count(const pgm_session_store *st, size_t block)
{
    return block + 1 < st->n_blocks || st->n % PGM_SESSION_STORE_BLOCK == 0 ? PGM_SESSION_STORE_BLOCK
                                                                             : st->n % PGM_SESSION_STORE_BLOCK;
}

/* ---- the open sessions of packed blocks ---- */

static pgm_session *aside_find(const pgm_session_store *st, size_t i)
{
    uint32_t slot;
    return pgm_u64map_get(&st->aside_of, (uint64_t)i + 1, &slot) ? &st->aside[slot] : NULL;
}

static void aside_drop(pgm_session_store *st, size_t i)
{
    uint32_t slot;
    if (!pgm_u64map_remove(&st->aside_of, (uint64_t)i + 1, &slot))
        return;
    st->aside[slot].pid = (int32_t)st->free_aside;
    st->free_aside = slot + 1;
}

/* Session i set aside; false when memory ran out. */
static bool aside_put(pgm_session_store *st, size_t i, const pgm_session *v)
{
    uint32_t slot;
    if (st->free_aside) {
        slot = st->free_aside - 1;
        st->free_aside = (uint32_t)st->aside[slot].pid;
    } else {
        pgm_session *room = pgm_grow(st->aside, &st->alloc_aside, st->n_aside, sizeof *room, 64);
        if (!room)
            return false;
        st->aside = room;
        slot = (uint32_t)st->n_aside++;
    }
    st->aside[slot] = *v;
    if (pgm_u64map_put(&st->aside_of, (uint64_t)i + 1, slot) != 0) {
        st->aside[slot].pid = (int32_t)st->free_aside;
        st->free_aside = slot + 1;
        return false;
    }
    return true;
}

/* ---- packing ---- */

/* Block `block`'s sessions (in b->flat) packed, its open ones set aside.
 * Left as it is when memory runs out: it only takes more room. */
static void pack(pgm_session_store *st, size_t block)
{
    pgm_store_block *b = &st->blocks[block];
    size_t count = block_count(st, block), first = block * PGM_SESSION_STORE_BLOCK;
    uint64_t lo[FIELDS], hi[FIELDS], f[FIELDS];
    for (size_t i = 0; i < count; i++) {
        fields_of(&b->flat[i], f);
        for (int k = 0; k < FIELDS; k++) {
            lo[k] = i == 0 || f[k] < lo[k] ? f[k] : lo[k];
            hi[k] = i == 0 || f[k] > hi[k] ? f[k] : hi[k];
        }
    }
    unsigned bits = 0, width[FIELDS];
    for (int k = 0; k < FIELDS; k++)
        bits += width[k] = pgm_bitpack_width(hi[k] - lo[k]);
    packed_block *p = calloc(1, sizeof *p + pgm_bitpack_bytes((uint64_t)bits * count) + count);
    if (!p)
        return;
    for (size_t i = 0; i < count; i++)
        if (is_open(&b->flat[i])) {
            if (!aside_put(st, first + i, &b->flat[i])) {
                for (size_t k = 0; k < i; k++)
                    if (p->aside >> k & 1)
                        aside_drop(st, first + k);
                free(p);
                return;
            }
            p->aside |= UINT64_C(1) << i;
        }
    p->count = (uint8_t)count;
    p->bits = (uint16_t)bits;
    for (int k = 0; k < FIELDS; k++) {
        p->base[k] = lo[k];
        p->width[k] = (uint8_t)width[k];
    }
    uint8_t *apps = p->data + apps_at(p);
    uint64_t at = 0;
    for (size_t i = 0; i < count; i++) {
        fields_of(&b->flat[i], f);
        apps[i] = (uint8_t)b->flat[i].app;
        for (int k = 0; k < FIELDS; k++) {
            pgm_bitpack_put(p->data, at, width[k], f[k] - lo[k]);
            at += width[k];
        }
    }
    free(b->flat);
    b->flat = NULL;
    b->packed = p;
}

static pgm_session unpack(const packed_block *p, size_t at)
{
    uint64_t f[FIELDS], bit = (uint64_t)at * p->bits;
    for (int k = 0; k < FIELDS; k++) {
        f[k] = p->base[k] + pgm_bitpack_get(p->data, bit, p->width[k]);
        bit += p->width[k];
    }
    return session_of(f, p->data[apps_at(p) + at]);
}

/* Session i as it is kept, when it is: in its block not yet packed, or set
 * aside from its packed one; NULL when only its bits are left. */
static pgm_session *as_is(const pgm_session_store *st, const pgm_store_block *b, size_t i)
{
    size_t at = i % PGM_SESSION_STORE_BLOCK;
    if (b->flat)
        return &b->flat[at];
    return b->packed->aside >> at & 1 ? aside_find(st, i) : NULL;
}

/* A packed session's times, the first of its bits. */
static void unpack_times(const packed_block *p, size_t at, int64_t *start, int64_t *end)
{
    uint64_t bit = (uint64_t)at * p->bits;
    uint64_t t0 = p->base[F_START] + pgm_bitpack_get(p->data, bit, p->width[F_START]);
    *start = (int64_t)t0;
    *end = (int64_t)(t0 + p->base[F_END] + pgm_bitpack_get(p->data, bit + p->width[F_START], p->width[F_END]));
}

/* A packed block whose sessions aside all ended: packed again, with them. */
static void repack(pgm_session_store *st, size_t block)
{
    pgm_store_block *b = &st->blocks[block];
    pgm_session *flat = malloc(PGM_SESSION_STORE_BLOCK * sizeof *flat);
    if (!flat)
        return; /* they stay aside */
    size_t count = block_count(st, block), first = block * PGM_SESSION_STORE_BLOCK;
    for (size_t i = 0; i < count; i++) {
        const pgm_session *v = as_is(st, b, first + i);
        flat[i] = v ? *v : unpack(b->packed, i);
    }
    for (size_t i = 0; i < count; i++)
        if (b->packed->aside >> i & 1)
            aside_drop(st, first + i);
    free(b->packed);
    b->packed = NULL;
    b->flat = flat;
    pack(st, block);
}

/* Whether a block kept as it is is packed now. */
static void pack_if_due(pgm_session_store *st, size_t block)
{
    const pgm_store_block *b = &st->blocks[block];
    if (!b->flat || block_count(st, block) < PGM_SESSION_STORE_BLOCK)
        return;
    if (b->open == 0 || (b->open <= PGM_SESSION_STORE_ASIDE_MAX && block + PGM_SESSION_STORE_ASIDE_AGE < st->n_blocks))
        pack(st, block);
}

/* ---- the store ---- */

pgm_session *pgm_session_store_add(pgm_session_store *st)
{
    size_t block = st->n / PGM_SESSION_STORE_BLOCK, at = st->n % PGM_SESSION_STORE_BLOCK;
    if (at == 0) {
        pgm_store_block *room = pgm_grow(st->blocks, &st->alloc_blocks, st->n_blocks, sizeof *room, 64);
        if (!room)
            return NULL;
        st->blocks = room;
        pgm_session *flat = malloc(PGM_SESSION_STORE_BLOCK * sizeof *flat);
        if (!flat)
            return NULL;
        st->blocks[st->n_blocks++] = (pgm_store_block){flat, NULL, 0};
        /* a block this old now, with few open: their sessions set aside */
        if (st->n_blocks > PGM_SESSION_STORE_ASIDE_AGE)
            pack_if_due(st, st->n_blocks - PGM_SESSION_STORE_ASIDE_AGE - 1);
    }
    pgm_store_block *b = &st->blocks[block];
    pgm_session *v = &b->flat[at];
    memset(v, 0, sizeof *v);
    v->end = PGM_TS_UNKNOWN;
    b->open++;
    st->n++;
    return v;
}

pgm_session *pgm_session_store_open(pgm_session_store *st, size_t i)
{
    return as_is(st, &st->blocks[i / PGM_SESSION_STORE_BLOCK], i);
}

void pgm_session_store_ended(pgm_session_store *st, size_t i)
{
    size_t block = i / PGM_SESSION_STORE_BLOCK;
    pgm_store_block *b = &st->blocks[block];
    if (!b->open)
        return;
    b->open--;
    if (b->flat)
        pack_if_due(st, block);
    else if (b->open == 0)
        repack(st, block);
}

pgm_session pgm_session_store_get(const pgm_session_store *st, size_t i)
{
    const pgm_store_block *b = &st->blocks[i / PGM_SESSION_STORE_BLOCK];
    const pgm_session *v = as_is(st, b, i);
    return v ? *v : unpack(b->packed, i % PGM_SESSION_STORE_BLOCK);
}

void pgm_session_store_times(const pgm_session_store *st, size_t i, int64_t *start, int64_t *end)
{
    const pgm_store_block *b = &st->blocks[i / PGM_SESSION_STORE_BLOCK];
    const pgm_session *v = as_is(st, b, i);
    if (v) {
        *start = v->start;
        *end = v->end;
        return;
    }
    unpack_times(b->packed, i % PGM_SESSION_STORE_BLOCK, start, end);
}

uint32_t pgm_session_store_who(const pgm_session_store *st, size_t i, int64_t *start, int64_t *end)
{
    const pgm_store_block *b = &st->blocks[i / PGM_SESSION_STORE_BLOCK];
    size_t at = i % PGM_SESSION_STORE_BLOCK;
    const pgm_session *v = as_is(st, b, i);
    if (v) {
        *start = v->start;
        *end = v->end;
        return v->who;
    }
    const packed_block *p = b->packed;
    unpack_times(p, at, start, end);
    uint64_t bit = (uint64_t)at * p->bits;
    for (int k = 0; k < F_WHO; k++)
        bit += p->width[k];
    return (uint32_t)(p->base[F_WHO] + pgm_bitpack_get(p->data, bit, p->width[F_WHO]));
}

void pgm_session_store_set_app(pgm_session_store *st, size_t i, unsigned app)
{
    pgm_store_block *b = &st->blocks[i / PGM_SESSION_STORE_BLOCK];
    pgm_session *v = as_is(st, b, i);
    if (v)
        v->app = app;
    if (b->packed) /* a packed one's only copy; an aside one's, written over when its block is packed again */
        b->packed->data[apps_at(b->packed) + i % PGM_SESSION_STORE_BLOCK] = (uint8_t)app;
}

void pgm_session_store_shape(const pgm_session_store *st, size_t *packed, size_t *flat, size_t *aside)
{
    *packed = *flat = 0;
    for (size_t k = 0; k < st->n_blocks; k++)
        *(st->blocks[k].flat ? flat : packed) += 1;
    *aside = st->aside_of.n;
}

void pgm_session_store_free(pgm_session_store *st)
{
    for (size_t k = 0; k < st->n_blocks; k++) {
        free(st->blocks[k].flat);
        free(st->blocks[k].packed);
    }
    free(st->blocks);
    pgm_u64map_free(&st->aside_of);
    free(st->aside);
    memset(st, 0, sizeof *st);
}
