/* The sessions of a server log by number, in blocks of
 * PGM_SESSION_STORE_BLOCK. A block that still has many open sessions stays
 * as it is (40 bytes a session), since an open session changes (its end
 * comes). Once full and all ended, or a few blocks old with at most
 * PGM_SESSION_STORE_ASIDE_MAX open, it is bit-packed against its least value
 * per field (util/bitpack.h): 5 to 20 bytes a session, exact; its open ones
 * are kept aside as they are until they end, then the block is packed again
 * without them. So memory follows the open sessions, about 64 bytes each (40
 * and an entry of the map that finds them), and a few bytes per ended one:
 * two million sessions that opened and closed took 80 MB kept as they were,
 * and a leak's every 64th session kept all 64 of its block. */
#ifndef PGM_SESSION_STORE_H
#define PGM_SESSION_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "forensics/sessions.h"
#include "util/u64map.h"

#define PGM_SESSION_STORE_BLOCK 64u
/* A block is packed with at most this many sessions open (set aside): more,
 * and it costs less as it is (64 bytes an open one, either way). */
#define PGM_SESSION_STORE_ASIDE_MAX 40u
/* ... and only when this many blocks began after it: sessions end soon after
 * they began, most of the time, and a block packed once they all did is
 * packed once, not twice. */
#define PGM_SESSION_STORE_ASIDE_AGE 2u

typedef struct pgm_store_block pgm_store_block;

typedef struct pgm_session_store {
    pgm_store_block *blocks;
    size_t n_blocks, alloc_blocks;
    size_t n;
    pgm_u64map aside_of;     /* a packed block's open session: its number + 1 -> its slot in aside */
    pgm_session *aside;
    size_t n_aside, alloc_aside;
    uint32_t free_aside;     /* a slot given back + 1 (its pid holds the next one's), 0: none */
} pgm_session_store;

/* A new session at number st->n: zeroed (open: how_end PGM_END_OPEN), end
 * PGM_TS_UNKNOWN. NULL when memory ran out. */
pgm_session *pgm_session_store_add(pgm_session_store *st);
/* Session i to change while it is open: NULL once it ended and its block
 * was packed. */
pgm_session *pgm_session_store_open(pgm_session_store *st, size_t i);
/* Session i ended: its how_end set (call once). Its block may be packed. */
void pgm_session_store_ended(pgm_session_store *st, size_t i);
/* Session i (< st->n), a copy. */
pgm_session pgm_session_store_get(const pgm_session_store *st, size_t i);
/* Only its start and end: what the curves and the growth model read of it, millions of times. */
void pgm_session_store_times(const pgm_session_store *st, size_t i, int64_t *start, int64_t *end);
/* Who it was (pgm_session.who), and its start and end: what the series by
 * user, database and client key it by and place it with. */
uint32_t pgm_session_store_who(const pgm_session_store *st, size_t i, int64_t *start, int64_t *end);
void pgm_session_store_set_app(pgm_session_store *st, size_t i, unsigned app);
/* Blocks packed, blocks kept as they are, sessions set aside: for tests and measures. */
void pgm_session_store_shape(const pgm_session_store *st, size_t *packed, size_t *flat, size_t *aside);
void pgm_session_store_free(pgm_session_store *st);

#endif
