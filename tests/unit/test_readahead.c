/* bundle/readahead: what the thread reads ahead is what the source below
 * gives, byte for byte, in pieces of any size, its error after the bytes
 * before it; a caller that stops early is not kept waiting; a small file
 * costs no thread. A file on disk is read past the page cache, and through
 * it when the disk is slow and the cache holds the file. Also built with
 * ThreadSanitizer (make tsan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bundle/readahead.h"
#include "testutil.h"
#include "util/directio.h"

/* A source that gives `len` bytes in pieces of changing sizes (as an
 * inflater does), and fails at `fail_at` when that is below len. */
typedef struct trickle {
    pgm_source base;
    const unsigned char *data;
    size_t len, pos, fail_at, reads;
} trickle;

static ptrdiff_t trickle_read(pgm_source *self, void *buf, size_t cap)
{
    trickle *t = (trickle *)self;
    if (t->pos >= t->fail_at)
        return pgm_source_fail(self, "the disk went away at byte %zu", t->pos);
    size_t want = 1 + (t->reads++ * 7919u) % 300000u, end = t->fail_at < t->len ? t->fail_at : t->len;
    if (want > cap)
        want = cap;
    if (want > end - t->pos)
        want = end - t->pos;
    memcpy(buf, t->data + t->pos, want);
    t->pos += want;
    return (ptrdiff_t)want;
}

static unsigned char *bytes(size_t n)
{
    unsigned char *p = malloc(n);
    assert_non_null(p);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        p[i] = (unsigned char)x;
    }
    return p;
}

static trickle source_of(const unsigned char *data, size_t len, size_t fail_at)
{
    return (trickle){.base = {.read = trickle_read}, .data = data, .len = len, .fail_at = fail_at};
}

/* Reads all through `r` with caps of changing sizes; the bytes into *got. */
static ptrdiff_t read_all(pgm_readahead *r, unsigned char *got, size_t room, size_t *n)
{
    *n = 0;
    for (size_t k = 0;; k++) {
        size_t cap = 1 + (k * 104729u) % 65536u;
        if (cap > room - *n)
            cap = room - *n;
        ptrdiff_t m = pgm_source_read(&r->base, got + *n, cap ? cap : 1);
        if (m <= 0)
            return m;
        *n += (size_t)m;
    }
}

/* Reads `len` bytes through a read-ahead to their end, checks them and the
 * end said again; whether a thread was asked for and whether one ran. */
static void read_through(size_t len, bool *started, bool *thread)
{
    unsigned char *data = bytes(len), *got = malloc(len + 1);
    assert_non_null(got);
    trickle t = source_of(data, len, SIZE_MAX);
    pgm_readahead r;
    pgm_readahead_init(&r, &t.base);
    size_t n;
    assert_int_equal(read_all(&r, got, len + 1, &n), 0);
    assert_int_equal(n, len);
    assert_memory_equal(got, data, len);
    assert_int_equal(pgm_source_read(&r.base, got, 10), 0); /* the end, again */
    *started = r.started;
    *thread = r.join;
    pgm_readahead_close(&r);
    assert_false(r.base.failed);
    free(got);
    free(data);
}

static void test_reads_what_is_below(void **state)
{
    (void)state;
    bool started, thread;
    read_through((11u << 20) + 123, &started, &thread);
    assert_true(thread); /* past PGM_READAHEAD_AFTER: the thread read the rest */
}

static void test_error_after_the_bytes_before_it(void **state)
{
    (void)state;
    size_t len = 12u << 20, fail_at = (9u << 20) + 5;
    unsigned char *data = bytes(len), *got = malloc(len);
    assert_non_null(got);
    trickle t = source_of(data, len, fail_at);
    pgm_readahead r;
    pgm_readahead_init(&r, &t.base);
    size_t n;
    assert_int_equal(read_all(&r, got, len, &n), -1);
    assert_int_equal(n, fail_at);
    assert_memory_equal(got, data, fail_at);
    assert_true(r.base.failed);
    assert_string_equal(r.base.err, "the disk went away at byte 9437189");
    assert_int_equal(pgm_source_read(&r.base, got, 10), -1);
    pgm_readahead_close(&r);
    free(got);
    free(data);
}

static void test_a_caller_that_stops_early(void **state)
{
    (void)state;
    size_t len = 64u << 20;
    unsigned char *data = bytes(len), *got = malloc(6u << 20);
    assert_non_null(got);
    trickle t = source_of(data, len, SIZE_MAX);
    pgm_readahead r;
    pgm_readahead_init(&r, &t.base);
    size_t n = 0;
    while (n < (6u << 20)) {
        ptrdiff_t m = pgm_source_read(&r.base, got + n, (6u << 20) - n);
        assert_true(m > 0);
        n += (size_t)m;
    }
    assert_memory_equal(got, data, n);
    pgm_readahead_close(&r);
    /* the thread stopped: at most its two buffers and the read it was in past the caller */
    assert_true(t.pos <= n + 3 * PGM_READAHEAD_BUFFER);
    assert_true(t.pos < len);
    free(got);
    free(data);
}

static void test_a_small_file_costs_no_thread(void **state)
{
    (void)state;
    bool started, thread;
    read_through(1u << 20, &started, &thread);
    assert_false(started);
}


/* Reads the file fd holding `data` through a read-ahead of it to the end,
 * the caller having waited `waits` times already; checks every byte, the
 * end, and the file's offset after the close (where the caller got). */
static void read_file_through(int fd, const unsigned char *data, size_t len, unsigned waits, pgm_readahead *r)
{
    pgm_fd_source fs;
    pgm_fd_source_init(&fs, fd, true);
    pgm_readahead_init(r, &fs.base);
    pgm_readahead_file(r, fd);
    r->waits = waits;
    unsigned char *got = malloc(len + 1);
    assert_non_null(got);
    size_t n;
    assert_int_equal(read_all(r, got, len + 1, &n), 0);
    assert_int_equal(n, len);
    assert_memory_equal(got, data, len);
    assert_int_equal(pgm_source_read(&r->base, got, 10), 0);
    pgm_readahead_close(r);
    assert_false(r->base.failed);
    assert_int_equal(lseek(fd, 0, SEEK_CUR), (off_t)len);
    free(got);
}

/* Past the caller's first bytes, and what the kernel read ahead of them
 * (read_ahead_kb: 8 MiB on the machine measured). */
#define THREAD_ONLY_FROM (PGM_READAHEAD_AFTER + (12u << 20))

/* The file's pages only the thread read, the last partial block aside: < 2%
 * cached when read directly (read as any, all are). */
static int thread_pages_cached(int fd, size_t len)
{
    return tu_percent_cached(fd, THREAD_ONLY_FROM, (off_t)(len & ~(size_t)4095));
}

static void test_a_file_is_read_past_the_page_cache(void **state)
{
    (void)state;
    size_t len = (40u << 20) + 4097 + 3; /* the caller's own reads end off a block, and so does the file */
    unsigned char *data = bytes(len);
    int fd = tu_disk_file(data, len, true);
    if (fd < 0) {
        free(data);
        skip();
    }
    pgm_readahead r;
    read_file_through(fd, data, len, 0, &r);
    assert_true(r.started);
    int own = pgm_direct_reopen(fd);
    if (own < 0) {
        print_message("skipped: this file system cannot read directly\n");
    } else {
        close(own);
        int cached = thread_pages_cached(fd, len);
        if (cached >= 2)
            fail_msg("%d%% of the pages the thread read are cached", cached);
        assert_false(r.slow_disk);
    }
    close(fd);
    free(data);
}

/* A caller that waited for the disk while the page cache holds the file: the
 * thread reads through the cache from there, every byte still in place. */
static void test_a_slow_disk_gives_way_to_the_page_cache(void **state)
{
    (void)state;
    size_t len = (40u << 20) + 5;
    unsigned char *data = bytes(len);
    int fd = tu_disk_file(data, len, false);
    if (fd < 0) {
        free(data);
        skip();
    }
    pgm_readahead r;
    read_file_through(fd, data, len, PGM_READAHEAD_SLOW_DISK, &r);
    assert_true(r.slow_disk);
    close(fd);
    /* a slow disk and a file not in the cache: read past it all the same */
    fd = tu_disk_file(data, len, true);
    if (fd < 0) {
        free(data);
        skip();
    }
    read_file_through(fd, data, len, PGM_READAHEAD_SLOW_DISK, &r);
    assert_false(r.slow_disk);
    int own = pgm_direct_reopen(fd);
    if (own >= 0) {
        close(own);
        assert_true(thread_pages_cached(fd, len) < 2);
    }
    close(fd);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_what_is_below),
        cmocka_unit_test(test_error_after_the_bytes_before_it),
        cmocka_unit_test(test_a_caller_that_stops_early),
        cmocka_unit_test(test_a_small_file_costs_no_thread),
        cmocka_unit_test(test_a_file_is_read_past_the_page_cache),
        cmocka_unit_test(test_a_slow_disk_gives_way_to_the_page_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
