/* bundle/chunk_reader: every chunk of a file, cut anywhere (off the disk's
 * blocks), handed whole and in order to threads that take them in turn and
 * give them back in any order, with the newlines of the chunks before it;
 * read past the page cache; stopped early without waiting. Also built with
 * ThreadSanitizer (make tsan). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bundle/chunk_reader.h"
#include "testutil.h"
#include "util/directio.h"

/* Text with lines of changing lengths: what a newline count can be checked on. */
static unsigned char *lines_of(size_t n)
{
    unsigned char *p = malloc(n);
    assert_non_null(p);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        p[i] = x % 61 == 0 ? '\n' : (unsigned char)('a' + x % 26);
    }
    return p;
}

static uint64_t newlines(const unsigned char *p, size_t n)
{
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += p[i] == '\n';
    return c;
}

/* The file, on a disk, its pages put out of the page cache; -1 (skipped)
 * where /tmp is a tmpfs or the file system cannot read directly. */
static int file_of(const unsigned char *data, size_t len)
{
    int fd = tu_disk_file(data, len, true);
    if (fd < 0)
        return -1;
    int own = pgm_direct_reopen(fd);
    if (own < 0) {
        print_message("skipped: /tmp cannot be read past the page cache\n");
        close(fd);
        return -1;
    }
    close(own);
    return fd;
}

typedef struct taker {
    pgm_chunk_reader *r;
    const unsigned char *data;
    const uint64_t *ends, *before_of; /* the chunks' ends, and the newlines before each */
    size_t n;
    size_t taken, last;     /* how many, and the index of the last one */
    bool in_order, whole;   /* each index above the one before; bytes and count right */
    bool slow;              /* hold each chunk a while: given back after later ones */
} taker;

static void *take_all(void *arg)
{
    taker *t = arg;
    size_t k, len;
    const char *bytes;
    uint64_t before;
    t->in_order = t->whole = true;
    while (pgm_chunk_reader_take(t->r, &k, &bytes, &len, &before)) {
        uint64_t start = k ? t->ends[k - 1] : 0;
        t->in_order &= t->taken == 0 || k > t->last;
        t->whole &= k < t->n && len == t->ends[k] - start && memcmp(bytes, t->data + start, len) == 0 &&
                    before == t->before_of[k];
        t->taken++;
        t->last = k;
        if (t->slow)
            usleep(300);
        pgm_chunk_reader_give_back(t->r, k);
    }
    return NULL;
}

static void test_chunks_whole_in_order_and_uncached(void **state)
{
    (void)state;
    size_t len = (24u << 20) + 4099;
    unsigned char *data = lines_of(len);
    int fd = file_of(data, len);
    if (fd < 0) {
        free(data);
        skip();
    }
    /* cuts off the blocks, of changing sizes, the last at the file's end */
    uint64_t ends[256];
    size_t n = 0;
    for (uint64_t at = 0; at < len; n++) {
        assert_true(n < sizeof ends / sizeof ends[0]);
        at += 1 + (n * 7919u + 104729u) % (1u << 20);
        ends[n] = at < len ? at : len;
        at = ends[n];
    }
    uint64_t before_of[256];
    for (size_t k = 0; k < n; k++)
        before_of[k] = k ? before_of[k - 1] + newlines(data + (k > 1 ? ends[k - 2] : 0), (size_t)(ends[k - 1] - (k > 1 ? ends[k - 2] : 0))) : 0;
    pgm_chunk_reader *r = pgm_chunk_reader_open(fd, ends, n, 2);
    assert_non_null(r);
    taker a = {r, data, ends, before_of, n, 0, 0, false, false, false}, b = a;
    b.slow = true; /* gives back late, out of the order a takes in */
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, take_all, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, take_all, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pgm_unreadable unreadable = {0};
    uint64_t failed_at = 0;
    assert_int_equal(pgm_chunk_reader_close(r, &unreadable, &failed_at), 0);
    assert_int_equal(unreadable.bytes, 0);
    assert_int_equal(a.taken + b.taken, n);
    assert_true(a.in_order && b.in_order);
    assert_true(a.whole && b.whole);
    /* read past the page cache: the pages stay out of it */
    int cached = tu_percent_cached(fd, 0, (off_t)(len & ~(size_t)4095));
    if (cached >= 2)
        fail_msg("%d%% of the file is cached after its chunks were read", cached);
    close(fd);
    free(data);
}

/* A caller that stops after a few chunks closes without waiting for the
 * rest, which are not read. */
static void test_stopped_early(void **state)
{
    (void)state;
    size_t len = 16u << 20;
    unsigned char *data = lines_of(len);
    int fd = file_of(data, len);
    if (fd < 0) {
        free(data);
        skip();
    }
    uint64_t ends[16];
    for (size_t k = 0; k < 16; k++)
        ends[k] = (k + 1) * (len / 16);
    pgm_chunk_reader *r = pgm_chunk_reader_open(fd, ends, 16, 1);
    assert_non_null(r);
    size_t k, got;
    const char *bytes;
    uint64_t before;
    assert_true(pgm_chunk_reader_take(r, &k, &bytes, &got, &before));
    assert_int_equal(k, 0);
    assert_int_equal(before, 0);
    assert_memory_equal(bytes, data, got);
    pgm_chunk_reader_give_back(r, k);
    pgm_unreadable unreadable = {0};
    uint64_t failed_at = 0;
    assert_int_equal(pgm_chunk_reader_close(r, &unreadable, &failed_at), 0);
    /* at most the chunks read ahead came from the disk, none through the cache */
    assert_true(tu_percent_cached(fd, 0, (off_t)len) < 2);
    close(fd);
    free(data);
}

/* A chunk longer than PGM_CHUNK_READER_MAX_CHUNK leaves the file to be read
 * as before: no reader. */
static void test_a_chunk_too_long_is_refused(void **state)
{
    (void)state;
    unsigned char *data = lines_of(4096);
    int fd = file_of(data, 4096);
    if (fd < 0) {
        free(data);
        skip();
    }
    uint64_t ends[2] = {1000, 1000 + PGM_CHUNK_READER_MAX_CHUNK + 3 * 4096};
    assert_null(pgm_chunk_reader_open(fd, ends, 2, 2));
    close(fd);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunks_whole_in_order_and_uncached),
        cmocka_unit_test(test_stopped_early),
        cmocka_unit_test(test_a_chunk_too_long_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
