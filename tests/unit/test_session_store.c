/* The packed stores: numbers of any width at any bit (util/bitpack.h), the
 * changes' 32-bit numbers (util/packed_u32.h), and the sessions
 * (forensics/session_store.h) read back exactly as they were written,
 * whatever their values, in whatever order sessions end, with a leak's
 * sessions kept aside while open; and memory that follows what is open. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "forensics/session_store.h"
#include "text/timestamp.h"
#include "util/bitpack.h"
#include "util/packed_u32.h"

/* xorshift64*: the same values every run. */
static uint64_t next_random(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * UINT64_C(2685821657736338717);
}

static uint64_t below_width(uint64_t v, unsigned width)
{
    return width == 64 ? v : v & ((UINT64_C(1) << width) - 1);
}

static void test_bits_at_every_offset_and_width(void **state)
{
    (void)state;
    enum { N = 200 };
    uint64_t seed = 42, values[N];
    unsigned widths[N];
    uint64_t total = 0;
    for (size_t i = 0; i < N; i++) {
        widths[i] = (unsigned)(next_random(&seed) % 65);
        values[i] = below_width(next_random(&seed), widths[i]);
        if (i % 7 == 0)
            values[i] = below_width(UINT64_MAX, widths[i]); /* every bit set: a shift too many shows */
        total += widths[i];
    }
    uint8_t *p = calloc(1, pgm_bitpack_bytes(total));
    assert_non_null(p);
    uint64_t at = 0;
    for (size_t i = 0; i < N; i++) {
        pgm_bitpack_put(p, at, widths[i], values[i]);
        at += widths[i];
    }
    at = 0;
    for (size_t i = 0; i < N; i++) {
        assert_true(pgm_bitpack_get(p, at, widths[i]) == values[i]);
        at += widths[i];
    }
    free(p);
    assert_int_equal(pgm_bitpack_width(0), 0);
    assert_int_equal(pgm_bitpack_width(1), 1);
    assert_int_equal(pgm_bitpack_width(255), 8);
    assert_int_equal(pgm_bitpack_width(256), 9);
    assert_int_equal(pgm_bitpack_width(UINT64_MAX), 64);
}

static void test_packed_numbers_read_back(void **state)
{
    (void)state;
    enum { N = 5 * PGM_PACKED_U32_BLOCK + 17 };
    static uint32_t want[N];
    uint64_t seed = 7;
    pgm_packed_u32 a = {0};
    for (size_t i = 0; i < N; i++) {
        /* close together in most blocks, the whole range in one, all equal in another */
        size_t block = i / PGM_PACKED_U32_BLOCK;
        want[i] = block == 1   ? (uint32_t)next_random(&seed)
                  : block == 2 ? 12345u
                               : (uint32_t)(2 * i + next_random(&seed) % 40);
        if (i == PGM_PACKED_U32_BLOCK + 3)
            want[i] = UINT32_MAX;
        if (i == PGM_PACKED_U32_BLOCK + 4)
            want[i] = 0;
        assert_true(pgm_packed_u32_push(&a, want[i]));
        assert_int_equal(a.n, i + 1);
        assert_int_equal(pgm_packed_u32_get(&a, i), want[i]); /* readable at once, packed or not */
    }
    for (size_t i = 0; i < N; i++)
        assert_int_equal(pgm_packed_u32_get(&a, i), want[i]);
    assert_int_equal(a.n_blocks, 5);
    pgm_packed_u32_free(&a);
    /* numbers close together (a session's start, its end soon after) take
     * about 10 bits each, not 32 */
    pgm_packed_u32 close = {0};
    for (uint32_t i = 0; i < 4 * PGM_PACKED_U32_BLOCK; i++)
        assert_true(pgm_packed_u32_push(&close, 2 * i + (uint32_t)(next_random(&seed) % 40)));
    assert_true(pgm_packed_u32_bytes(&close) < sizeof close + 4 * PGM_PACKED_U32_BLOCK * 2);
    pgm_packed_u32_free(&close);
}

/* A session whose every field the test chose, to compare what comes back. */
static pgm_session made(uint64_t *seed, size_t i)
{
    pgm_session v;
    memset(&v, 0, sizeof v);
    uint64_t r = next_random(seed);
    v.pid = (int32_t)(1000 + r % 60000);
    v.who = (unsigned)(r >> 20) % 50;
    v.app = (unsigned)(r >> 30) % PGM_SESSIONS_MAX_APPS;
    v.how_start = (r >> 40) % 10 == 0 ? PGM_START_BEFORE_LOG : PGM_START_AUTHORIZED;
    v.start = i % 97 == 5 ? PGM_TS_UNKNOWN : 1764200000000000LL + (int64_t)i * 1000 + (int64_t)(r % 5000);
    v.start_at = (UINT64_C(1) << PGM_CITE_LINE_BITS) * (i / 300) + 3 * i + 1;
    v.end_at = (int64_t)i; /* while open: what the pairing keeps there (its %c start) */
    return v;
}

/* Ends a session as the pairing does: its end, how, and last line. */
static void end_it(pgm_session_store *st, pgm_session *want, size_t i, uint64_t *seed)
{
    pgm_session *v = pgm_session_store_open(st, i);
    assert_non_null(v);
    uint64_t r = next_random(seed);
    v->end = v->start == PGM_TS_UNKNOWN ? 1764200000000000LL
             : i % 89 == 3              ? v->start - 5 /* a clock stepped back: an end before the start */
                                        : v->start + (int64_t)(r % 900000000);
    v->how_end = 1 + (unsigned)(r % 5);
    v->end_at = i % 151 == 0 ? UINT64_MAX : v->start_at + r % 100000;
    want[i] = *v;
    pgm_session_store_ended(st, i);
}

static void assert_same(const pgm_session *a, const pgm_session *b)
{
    assert_int_equal(a->pid, b->pid);
    assert_int_equal(a->who, b->who);
    assert_int_equal(a->app, b->app);
    assert_int_equal(a->how_start, b->how_start);
    assert_int_equal(a->how_end, b->how_end);
    assert_true(a->start == b->start);
    assert_true(a->end == b->end);
    assert_true(a->start_at == b->start_at);
    assert_true(a->end_at == b->end_at);
}

static void assert_store_holds(const pgm_session_store *st, const pgm_session *want, size_t n)
{
    assert_int_equal(st->n, n);
    for (size_t i = 0; i < n; i++) {
        pgm_session got = pgm_session_store_get(st, i);
        assert_same(&got, &want[i]);
        int64_t start, end;
        pgm_session_store_times(st, i, &start, &end);
        assert_true(start == want[i].start && end == want[i].end);
        assert_int_equal(pgm_session_store_who(st, i, &start, &end), want[i].who);
        assert_true(start == want[i].start && end == want[i].end);
    }
}

static pgm_session *add_made(pgm_session_store *st, pgm_session *want, size_t i, uint64_t *seed)
{
    pgm_session *v = pgm_session_store_add(st);
    assert_non_null(v);
    assert_int_equal(v->how_end, PGM_END_OPEN);
    assert_true(v->end == PGM_TS_UNKNOWN);
    want[i] = made(seed, i);
    want[i].end = PGM_TS_UNKNOWN;
    *v = want[i];
    return v;
}

/* Sessions that end soon after they began, in shuffled order: all read back,
 * every full block packed once they all ended, none aside. */
static void test_sessions_read_back_as_written(void **state)
{
    (void)state;
    enum { N = 40 * PGM_SESSION_STORE_BLOCK + 9, OPEN_AT_ONCE = 10 };
    pgm_session *want = calloc(N, sizeof *want);
    assert_non_null(want);
    pgm_session_store st = {0};
    uint64_t seed = 3, ends = 99;
    size_t open[OPEN_AT_ONCE], n_open = 0;
    for (size_t i = 0; i < N; i++) {
        add_made(&st, want, i, &seed);
        if (n_open == OPEN_AT_ONCE) {
            size_t k = next_random(&ends) % OPEN_AT_ONCE; /* any of the open ones ends */
            end_it(&st, want, open[k], &ends);
            open[k] = open[--n_open];
        }
        open[n_open++] = i;
        assert_store_holds(&st, want, i + 1);
    }
    while (n_open)
        end_it(&st, want, open[--n_open], &ends);
    assert_store_holds(&st, want, N);
    size_t packed, flat, aside;
    pgm_session_store_shape(&st, &packed, &flat, &aside);
    assert_int_equal(packed, N / PGM_SESSION_STORE_BLOCK); /* the last one, not full, as it is */
    assert_int_equal(flat, 1);
    assert_int_equal(aside, 0);
    /* an application named later, packed or not */
    pgm_session_store_set_app(&st, 5, 17);
    pgm_session_store_set_app(&st, N - 1, 18);
    want[5].app = 17;
    want[N - 1].app = 18;
    assert_store_holds(&st, want, N);
    pgm_session_store_free(&st);
    free(want);
}

/* A leak: one session in 16 never ends. Its blocks are packed all the same,
 * the open ones aside, changed there (their end comes, an application is
 * named); once they end, the blocks are packed again with them. */
static void test_a_leaks_open_sessions_kept_aside(void **state)
{
    (void)state;
    enum { N = 30 * PGM_SESSION_STORE_BLOCK };
    pgm_session *want = calloc(N, sizeof *want);
    assert_non_null(want);
    pgm_session_store st = {0};
    uint64_t seed = 5, ends = 11;
    size_t leaked = 0;
    for (size_t i = 0; i < N; i++) {
        add_made(&st, want, i, &seed);
        if (i % 16 == 0)
            leaked++;
        else
            end_it(&st, want, i, &ends);
    }
    assert_store_holds(&st, want, N);
    size_t packed, flat, aside;
    pgm_session_store_shape(&st, &packed, &flat, &aside);
    /* all but the newest blocks packed: as they are, a leaked session would hold 64 */
    assert_int_equal(packed + flat, N / PGM_SESSION_STORE_BLOCK);
    assert_int_equal(flat, PGM_SESSION_STORE_ASIDE_AGE);
    assert_int_equal(aside, packed * PGM_SESSION_STORE_BLOCK / 16);
    /* the open ones change where they are kept */
    pgm_session *v = pgm_session_store_open(&st, 16);
    assert_non_null(v);
    v->end_at = 4242; /* the pairing's %c start */
    want[16].end_at = 4242;
    pgm_session_store_set_app(&st, 16, 33);
    want[16].app = 33;
    assert_null(pgm_session_store_open(&st, 17)); /* ended, packed: no change any more */
    assert_store_holds(&st, want, N);
    for (size_t i = 0; i < N; i += 16)
        end_it(&st, want, i, &ends);
    assert_store_holds(&st, want, N);
    pgm_session_store_shape(&st, &packed, &flat, &aside);
    assert_int_equal(packed, N / PGM_SESSION_STORE_BLOCK);
    assert_int_equal(aside, 0);
    pgm_session_store_free(&st);
    free(want);
}

/* Sessions that all stay open (a leak of every connection): each block kept
 * as it is, which costs less than setting 64 aside. */
static void test_blocks_all_open_stay_as_they_are(void **state)
{
    (void)state;
    enum { N = 8 * PGM_SESSION_STORE_BLOCK };
    pgm_session *want = calloc(N, sizeof *want);
    assert_non_null(want);
    pgm_session_store st = {0};
    uint64_t seed = 9;
    for (size_t i = 0; i < N; i++)
        add_made(&st, want, i, &seed);
    size_t packed, flat, aside;
    pgm_session_store_shape(&st, &packed, &flat, &aside);
    assert_int_equal(packed, 0);
    assert_int_equal(aside, 0);
    /* a block whose open ones fell to the bound is packed, those aside */
    uint64_t ends = 1;
    for (size_t i = 0; i < PGM_SESSION_STORE_BLOCK - PGM_SESSION_STORE_ASIDE_MAX - 1; i++)
        end_it(&st, want, i, &ends);
    pgm_session_store_shape(&st, &packed, &flat, &aside);
    assert_int_equal(packed, 0);
    end_it(&st, want, PGM_SESSION_STORE_BLOCK - PGM_SESSION_STORE_ASIDE_MAX - 1, &ends);
    pgm_session_store_shape(&st, &packed, &flat, &aside);
    assert_int_equal(packed, 1);
    assert_int_equal(aside, PGM_SESSION_STORE_ASIDE_MAX);
    assert_store_holds(&st, want, N);
    pgm_session_store_free(&st);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bits_at_every_offset_and_width),
        cmocka_unit_test(test_packed_numbers_read_back),
        cmocka_unit_test(test_sessions_read_back_as_written),
        cmocka_unit_test(test_a_leaks_open_sessions_kept_aside),
        cmocka_unit_test(test_blocks_all_open_stay_as_they_are),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
