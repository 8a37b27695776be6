/* Shared building blocks: the string interner, display escaping, and output
 * files that are whole or absent. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/chains.h"
#include "util/directwrite.h"
#include "util/name_index.h"
#include "util/display.h"
#include "util/grow.h"
#include "util/held_lines.h"
#include "util/idxset.h"
#include "util/intern.h"
#include "util/label.h"
#include "util/outfile.h"
#include "util/timesort.h"
#include "util/writebehind.h"

static void test_interner_stores_each_text_once(void **state)
{
    (void)state;
    pgm_interner in = {0};
    char text[32];
    const char *first[1000];
    for (int i = 0; i < 1000; i++) { /* past several growths */
        snprintf(text, sizeof text, "%%m [%%p] %d ", i);
        first[i] = pgm_intern(&in, text);
        assert_non_null(first[i]);
        assert_string_equal(first[i], text);
    }
    for (int i = 0; i < 1000; i++) {
        snprintf(text, sizeof text, "%%m [%%p] %d ", i);
        assert_ptr_equal(pgm_intern(&in, text), first[i]); /* the same copy, not a new one */
    }
    assert_int_equal(in.n, 1000);
    assert_string_equal(pgm_intern(&in, ""), "");
    assert_int_equal(in.n, 1000); /* "" is not stored */
    pgm_interner_free(&in);
}

static void test_display_lengths_match_what_is_appended(void **state)
{
    (void)state;
    static const char *const texts[] = {"plain.log", "a\x1b[2Jb", "\xe2\x80\xae", "\xff", "\xc3\xa9",
                                        "\xf0\x9f\x98\x80 ok", "\xed\xa0\x80 (a surrogate)"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        pgm_strbuf b;
        pgm_strbuf_init(&b, 1024);
        assert_int_equal(pgm_display_append(&b, texts[i]), 0);
        assert_int_equal(pgm_display_len(texts[i]), b.len);
        pgm_strbuf_free(&b);
    }
    pgm_strbuf b;
    pgm_strbuf_init(&b, 1024);
    assert_int_equal(pgm_display_append(&b, "\xed\xa0\x80"), 0);
    assert_string_equal(b.p, "\\xed\\xa0\\x80"); /* UTF-16 surrogates are no UTF-8 */
    pgm_strbuf_free(&b);
}

static size_t temporaries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d));)
        n += strstr(de->d_name, ".pgmortem-") != NULL;
    closedir(d);
    return n;
}

static char *slurp(const char *path)
{
    size_t len;
    return tu_read_file(path, &len);
}

/* A growable array: room kept while it lasts, doubled from the first size
 * when full, the elements moved; a size that would overflow leaves it as it
 * was. */
static void test_grow_doubles_and_keeps(void **state)
{
    (void)state;
    size_t alloc = 0;
    int *v = pgm_grow(NULL, &alloc, 0, sizeof *v, 4);
    assert_non_null(v);
    assert_int_equal(alloc, 4);
    for (int i = 0; i < 4; i++)
        v[i] = i;
    assert_ptr_equal(pgm_grow(v, &alloc, 3, sizeof *v, 4), v); /* room for element 3 */
    int *w = pgm_grow(v, &alloc, 4, sizeof *v, 4);
    assert_non_null(w);
    assert_int_equal(alloc, 8);
    for (int i = 0; i < 4; i++)
        assert_int_equal(w[i], i);
    size_t huge = SIZE_MAX / 2 + 1;
    assert_null(pgm_grow(w, &huge, huge, 1, 1));
    assert_int_equal(huge, SIZE_MAX / 2 + 1);
    size_t big = SIZE_MAX / 16;
    assert_null(pgm_grow(w, &big, big, 16, 1)); /* twice as many 16-byte elements overflow */
    assert_int_equal(big, SIZE_MAX / 16);
    free(w);
}

/* Records keyed by a number; a bad hash (key % 7) makes long runs, so that
 * removal's backward shift moves indices across runs and the table's end. */
typedef struct keyed {
    int key;
} keyed;

static uint64_t keyed_hash(int key) { return (uint64_t)(key % 7); }
static uint64_t keyed_hash_of(const void *ctx, uint32_t i) { return keyed_hash(((const keyed *)ctx)[i].key); }
static bool keyed_is(const void *ctx, uint32_t i, const void *key)
{
    return ((const keyed *)ctx)[i].key == *(const int *)key;
}

static void count_index(void *ctx, uint32_t index)
{
    (void)index;
    ++*(size_t *)ctx;
}

/* A set of indices found by the records' keys: every added index is found,
 * a removed one is not, the others stay found through removals (checked
 * against the records after each step). */
static void test_idxset_finds_what_it_holds(void **state)
{
    (void)state;
    enum { N = 3000 };
    static keyed rec[N];
    static bool in[N];
    pgm_idxset m = {0};
    pgm_idxset_keys k = {keyed_hash_of, keyed_is, rec};
    for (int i = 0; i < N; i++) {
        rec[i].key = i * 31 + 5;
        int key = rec[i].key;
        assert_int_equal(pgm_idxset_find(&m, &k, keyed_hash(key), &key), PGM_IDXSET_NONE);
        assert_int_equal(pgm_idxset_add(&m, &k, (uint32_t)i), 0);
        in[i] = true;
    }
    assert_int_equal(m.n, N);
    assert_int_equal(pgm_idxset_add(&m, &k, PGM_IDXSET_NONE), -1);
    /* remove every third, then every fifth of what is left */
    for (int step = 3; step <= 5; step += 2)
        for (int i = 0; i < N; i += step) {
            int key = rec[i].key;
            uint32_t got = pgm_idxset_remove(&m, &k, keyed_hash(key), &key);
            assert_int_equal(got, in[i] ? (uint32_t)i : PGM_IDXSET_NONE);
            in[i] = false;
        }
    size_t held = 0, seen = 0;
    for (int i = 0; i < N; i++) {
        int key = rec[i].key;
        assert_int_equal(pgm_idxset_find(&m, &k, keyed_hash(key), &key), in[i] ? (uint32_t)i : PGM_IDXSET_NONE);
        held += in[i];
    }
    int absent = -1;
    assert_int_equal(pgm_idxset_find(&m, &k, keyed_hash(absent), &absent), PGM_IDXSET_NONE);
    assert_int_equal(m.n, held);
    pgm_idxset_each(&m, count_index, &seen);
    assert_int_equal(seen, held);
    pgm_idxset_free(&m);
    assert_null(m.slots);
}

/* Names quoted as quote_ident would, and only those that could read as a label. */
static void test_label_quotes_what_could_read_as_one(void **state)
{
    (void)state;
    const struct {
        const char *name, *shown;
    } cases[] = {
        {"(other)", "\"(other)\""},    {"(unknown)", "\"(unknown)\""}, {"\"q\"", "\"\"\"q\"\"\""},
        {"\"", "\"\"\"\""},          {"(pool)", NULL},                {"plain", NULL},
        {"", NULL},                     {"other", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(pgm_label_needs_quotes(cases[i].name), cases[i].shown != NULL);
        if (!cases[i].shown)
            continue;
        char out[32];
        assert_int_equal(pgm_label_quoted_size(cases[i].name), strlen(cases[i].shown) + 1);
        pgm_label_quote(cases[i].name, out);
        assert_string_equal(out, cases[i].shown);
    }
}

static int64_t time_in_table(const void *ctx, uint32_t id) { return ((const int64_t *)ctx)[id]; }

static const int64_t *sort_times;
static int by_time_then_id(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    if (sort_times[a] != sort_times[b])
        return sort_times[a] < sort_times[b] ? -1 : 1;
    return (a > b) - (a < b);
}

/* By time then number, as qsort would: in order, stepping back a little
 * with ties (moved one by one), in reverse and two halves swapped (past the
 * moves it allows: sorted the usual way), each with a tail in any order. */
static void test_timesort_orders_by_time_then_number(void **state)
{
    (void)state;
    enum { N = 5000, TAIL = 40 };
    static int64_t t[N];
    static uint32_t ids[N], want[N];
    sort_times = t;
    unsigned seed = 7;
    for (int shape = 0; shape < 4; shape++) {
        for (uint32_t i = 0; i < N; i++) {
            seed = seed * 1103515245u + 12345u;
            int64_t base = i / 3; /* three to an instant: ties */
            t[i] = shape == 0   ? base
                   : shape == 1 ? base - (int64_t)(seed >> 16) % 4 /* a few instants back */
                   : shape == 2 ? N - base
                                : (i < N / 2 ? base + N : base);
            ids[i] = i;
        }
        for (uint32_t i = N - TAIL; i < N; i++) /* the tail: any time */
            t[i] = (int64_t)(seed = seed * 1103515245u + 12345u) % N;
        memcpy(want, ids, sizeof want);
        qsort(want, N, sizeof *want, by_time_then_id);
        pgm_timesort_ids(ids, N, N - TAIL, time_in_table, t);
        assert_memory_equal(ids, want, sizeof want);
    }
}

/* The byte at offset `at` of the files written below: every page differs. */
static unsigned char byte_at(off_t at)
{
    return (unsigned char)((at >> 12) * 31 + (at & 0xfff));
}

/* Writes `size` bytes of byte_at() into fd in blocks of 256 KiB, written
 * behind when `wb` is given. */
static void write_pattern(int fd, off_t size, pgm_writebehind *wb)
{
    static unsigned char block[256 << 10];
    for (off_t at = 0; at < size; at += (off_t)sizeof block) {
        for (size_t i = 0; i < sizeof block; i++)
            block[i] = byte_at(at + (off_t)i);
        assert_int_equal(write(fd, block, sizeof block), (ssize_t)sizeof block);
        if (wb)
            assert_true(pgm_writebehind_advance(wb, at + (off_t)sizeof block));
    }
}

/* A file written behind has, past its first PGM_WRITEBEHIND_START bytes,
 * only its last few MiB in the page cache, and every byte of it as written;
 * the same file written plainly is all cached (what tells the two apart
 * here), and a rewound stream starts over. */
static void test_writebehind_leaves_little_cached(void **state)
{
    (void)state;
    const off_t size = PGM_WRITEBEHIND_START + (32 << 20);
    char plain[] = "/tmp/pgmortem-plain-XXXXXX", behind[] = "/tmp/pgmortem-behind-XXXXXX";
    int pfd = mkstemp(plain), bfd = mkstemp(behind);
    assert_true(pfd >= 0 && bfd >= 0);
    unlink(plain);
    unlink(behind);
    if (tu_on_tmpfs(bfd)) {
        close(pfd);
        close(bfd);
        skip();
    }
    write_pattern(pfd, size, NULL);
    pgm_writebehind wb;
    pgm_writebehind_init(&wb, bfd, 0);
    write_pattern(bfd, size, &wb);
    if (wb.fd < 0) {
        print_message("skipped: this file system cannot write a file out by ranges\n");
        close(pfd);
        close(bfd);
        skip();
    }
    assert_int_equal(wb.err, 0);
    assert_true(size - wb.requested < PGM_WRITEBEHIND_STEP);
    assert_true(size - wb.dropped <= PGM_WRITEBEHIND_WINDOW + PGM_WRITEBEHIND_ALIGN + PGM_WRITEBEHIND_STEP);
    assert_int_equal(wb.dropped % PGM_WRITEBEHIND_ALIGN, 0);
    off_t behind_end = wb.dropped;
    assert_true(tu_percent_cached(pfd, PGM_WRITEBEHIND_START, behind_end) > 90);
    assert_true(tu_percent_cached(bfd, PGM_WRITEBEHIND_START, behind_end) < 2);
    /* every byte as written, those read back from the disk too */
    static unsigned char got[1 << 20];
    for (off_t at = 0; at < size; at += (off_t)sizeof got) {
        assert_int_equal(pread(bfd, got, sizeof got, at), (ssize_t)sizeof got);
        for (size_t i = 0; i < sizeof got; i += 997)
            assert_int_equal(got[i], byte_at(at + (off_t)i));
    }
    assert_int_equal(ftruncate(bfd, 0), 0);
    pgm_writebehind_rewind(&wb);
    assert_int_equal(wb.requested, PGM_WRITEBEHIND_START);
    assert_int_equal(wb.dropped, PGM_WRITEBEHIND_START);
    /* a stream that began inside the file is written behind from there */
    pgm_writebehind_init(&wb, bfd, 4096);
    assert_int_equal(wb.requested, 4096 + PGM_WRITEBEHIND_START);
    assert_int_equal(wb.dropped, PGM_WRITEBEHIND_START + PGM_WRITEBEHIND_ALIGN);
    assert_true(pgm_writebehind_advance(&wb, 4096 + PGM_WRITEBEHIND_START - 1));
    assert_int_equal(wb.requested, 4096 + PGM_WRITEBEHIND_START);
    close(pfd);
    close(bfd);
}

/* A temporary file for direct writing, unlinked; -1 (the test skipped) where
 * /tmp is a tmpfs, whose pages are the file. */
static int direct_temp_file(int flags)
{
    char path[] = "/tmp/pgmortem-direct-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    if (flags != O_RDWR) { /* the same file, opened otherwise */
        int again = open(path, flags);
        assert_true(again >= 0);
        close(fd);
        fd = again;
    }
    unlink(path);
    if (tu_on_tmpfs(fd)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Bytes written directly from an unaligned end on, in pieces of every size
 * (a byte, less than a block, more than a buffer): every one in the file as
 * written, the file's offset at its end and its flags as they were, and the
 * pages written directly not in the page cache (written through it, > 90%
 * are: test_writebehind_leaves_little_cached), the last partial block aside. */
static void test_direct_write_is_whole_and_uncached(void **state)
{
    (void)state;
    int fd = direct_temp_file(O_RDWR);
    if (fd < 0)
        skip();
    int flags = fcntl(fd, F_GETFL);
    static unsigned char piece[(2 << 20) + 3];
    const off_t plain_end = 3 * 4096 + 100;
    for (off_t i = 0; i < plain_end; i++)
        piece[i] = byte_at(i);
    assert_int_equal(write(fd, piece, (size_t)plain_end), (ssize_t)plain_end);
    off_t at = pgm_direct_aligned_from(fd, plain_end);
    assert_true(at >= plain_end && at % 512 == 0 && at - plain_end < (off_t)PGM_DIRECT_BUFFER);
    for (off_t i = plain_end; i < at; i++)
        piece[i - plain_end] = byte_at(i);
    assert_int_equal(write(fd, piece, (size_t)(at - plain_end)), (ssize_t)(at - plain_end));
    pgm_direct *d = pgm_direct_start(fd, at);
    if (!d) {
        print_message("skipped: this file system cannot write directly\n");
        close(fd);
        skip();
    }
    static const size_t sizes[] = {1, 4095, 300 << 10, sizeof piece, 7, 1 << 20};
    off_t end = at;
    for (int round = 0; round < 3; round++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            for (size_t i = 0; i < sizes[k]; i++)
                piece[i] = byte_at(end + (off_t)i);
            assert_true(pgm_direct_write(d, piece, sizes[k]));
            end += (off_t)sizes[k];
        }
    assert_true(end % 512 != 0); /* a partial block at the end */
    assert_int_equal(pgm_direct_finish(d), 0);
    assert_int_equal(lseek(fd, 0, SEEK_CUR), end);
    assert_int_equal(fcntl(fd, F_GETFL), flags);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_size, end);
    /* before they are read back, which caches them */
    off_t whole_end = (end - (off_t)PGM_DIRECT_BUFFER) & ~(off_t)4095;
    assert_true(tu_percent_cached(fd, at, whole_end) < 2);
    static unsigned char got[1 << 20];
    for (off_t b = 0; b < end; b += (off_t)sizeof got) {
        size_t n = end - b < (off_t)sizeof got ? (size_t)(end - b) : sizeof got;
        assert_int_equal(pread(fd, got, n, b), (ssize_t)n);
        for (size_t i = 0; i < n; i++)
            if (got[i] != byte_at(b + (off_t)i))
                fail_msg("byte %lld is %u, written %u", (long long)(b + (off_t)i), got[i], byte_at(b + (off_t)i));
    }
    close(fd);
}

/* The disk's error comes back: a write refused (a file open for reading) ends
 * the writes that follow, and the error is the one finishing returns. */
static void test_direct_write_error_is_said(void **state)
{
    (void)state;
    int fd = direct_temp_file(O_RDONLY);
    if (fd < 0)
        skip();
    pgm_direct *d = pgm_direct_start(fd, 0);
    if (!d) {
        print_message("skipped: this file system cannot write directly\n");
        close(fd);
        skip();
    }
    static char piece[1 << 20];
    memset(piece, 'x', sizeof piece);
    bool refused = false;
    for (int i = 0; i < 4 * PGM_DIRECT_BUFFERS && !refused; i++)
        refused = !pgm_direct_write(d, piece, sizeof piece);
    assert_true(refused);
    assert_false(pgm_direct_write(d, "after", 5));
    assert_int_equal(pgm_direct_finish(d), EBADF);
    close(fd);
}

static void test_outfile_is_whole_or_left_as_it_was(void **state)
{
    (void)state;
    char dir[] = "/tmp/pgm-outfile-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/report.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("the previous report\n", f);
    fclose(f);
    char err[PGM_ERR_MAX];

    /* while it is written, the target is the previous one and a temporary sits beside it */
    pgm_outfile o;
    assert_int_equal(pgm_outfile_open(&o, path, err), PGM_OK);
    fputs("{\"new\": true}\n", o.f);
    assert_int_equal(temporaries(dir), 1);
    char *now = slurp(path);
    assert_string_equal(now, "the previous report\n");
    free(now);
    assert_int_equal(pgm_outfile_commit(&o, err), PGM_OK);
    now = slurp(path);
    assert_string_equal(now, "{\"new\": true}\n");
    free(now);
    assert_int_equal(temporaries(dir), 0);

    /* given up: nothing of it stays, the target is as it was */
    assert_int_equal(pgm_outfile_open(&o, path, err), PGM_OK);
    fputs("half a rep", o.f);
    pgm_outfile_abort(&o);
    now = slurp(path);
    assert_string_equal(now, "{\"new\": true}\n");
    free(now);
    assert_int_equal(temporaries(dir), 0);

    /* a full device is written directly, and its failure said at commit */
    if (access("/dev/full", W_OK) == 0) {
        assert_int_equal(pgm_outfile_open(&o, "/dev/full", err), PGM_OK);
        for (int i = 0; i < 10000; i++)
            fputs("0123456789", o.f);
        assert_int_equal(pgm_outfile_commit(&o, err), PGM_FAILED);
        assert_non_null(strstr(err, "/dev/full"));
    }

    /* a directory is refused, a missing directory too */
    assert_int_equal(pgm_outfile_open(&o, dir, err), PGM_FAILED);
    assert_non_null(strstr(err, "is a directory"));
    snprintf(path, sizeof path, "%s/missing/report.json", dir);
    assert_int_equal(pgm_outfile_open(&o, path, err), PGM_FAILED);
    rmdir(dir);
}

/* The chains find what a scan of all items finds: each key's items, in
 * their order, past the arrays' first growth; a key never added has none. */
static void test_chains_match_a_scan(void **state)
{
    (void)state;
    enum { N = 1000, KEYS = 37 };
    uint64_t key_of[N];
    pgm_chains c = {0};
    assert_int_equal(pgm_chains_first(&c, 5), PGM_CHAINS_NONE);
    uint64_t x = 88172645463325252u;
    for (uint32_t i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift: keys in no order */
        key_of[i] = 1 + x % KEYS;
        assert_int_equal(pgm_chains_add(&c, key_of[i]), 0);
    }
    assert_int_equal(c.n, N);
    for (uint64_t k = 1; k <= KEYS + 1; k++) {
        uint32_t it = pgm_chains_first(&c, k);
        for (uint32_t i = 0; i < N; i++) {
            if (key_of[i] != k)
                continue;
            assert_int_equal(it, i);
            it = pgm_chains_next(&c, it);
        }
        assert_int_equal(it, PGM_CHAINS_NONE); /* nothing more, and KEYS + 1 had nothing */
    }
    assert_int_equal(pgm_chains_next(&c, N), PGM_CHAINS_NONE);
    pgm_chains_free(&c);
    assert_int_equal(c.n, 0);
}

/* Items found by their name are the ones a comparison with every item
 * finds, in their order; names differing in one letter or only by length
 * are apart, "" is a name, a name never added has none. */
static void test_name_index_matches_a_scan(void **state)
{
    (void)state;
    static const char *const names[] = {"svc1", "svc10", "svc1", "", "SVC1", "svc10", "svc1-db", ""};
    enum { N = sizeof names / sizeof names[0] };
    pgm_name_index x = {0};
    assert_int_equal(pgm_name_index_first(&x, "svc1"), PGM_CHAINS_NONE);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(pgm_name_index_add(&x, names[i]), 0);
    assert_int_equal(pgm_name_index_count(&x), N);
    static const char *const asked[] = {"svc1", "svc10", "", "SVC1", "svc1-db", "svc", "svc100"};
    for (size_t q = 0; q < sizeof asked / sizeof asked[0]; q++) {
        uint32_t it = pgm_name_index_first(&x, asked[q]);
        for (uint32_t i = 0; i < N; i++) {
            if (strcmp(names[i], asked[q]) != 0)
                continue;
            assert_int_equal(it, i);
            it = pgm_name_index_next(&x, it);
        }
        assert_int_equal(it, PGM_CHAINS_NONE);
    }
    pgm_name_index_free(&x);
    assert_int_equal(pgm_name_index_count(&x), 0);
}

/* Lines held with their records, read back either way; the bound refuses
 * a line whole, and a wider one (a file found to be newest first) takes it. */
static void test_held_lines_back_and_forth(void **state)
{
    (void)state;
    pgm_held_lines h;
    pgm_held_lines_init(&h, sizeof(uint64_t), 11);
    static const char *const lines[] = {"first", "", "second"};
    for (uint64_t i = 0; i < 3; i++)
        assert_true(pgm_held_lines_add(&h, lines[i], strlen(lines[i]), &i));
    assert_false(pgm_held_lines_add(&h, "x", 1, &(uint64_t){9})); /* 11 bytes held: no room */
    assert_int_equal(h.n, 3);
    for (size_t k = 0; k < 3; k++) {
        size_t i = 2 - k, n;
        const void *meta;
        const char *line = pgm_held_lines_at(&h, i, &n, &meta);
        assert_int_equal(n, strlen(lines[i]));
        assert_memory_equal(line, lines[i], n);
        assert_int_equal(*(const uint64_t *)meta, i);
    }
    pgm_held_lines_set_max(&h, 1 << 10);
    assert_true(pgm_held_lines_add(&h, "x", 1, &(uint64_t){9}));
    pgm_held_lines_clear(&h);
    assert_int_equal(h.n, 0);
    assert_true(pgm_held_lines_add(&h, "again", 5, &(uint64_t){1}));
    size_t n;
    assert_memory_equal(pgm_held_lines_at(&h, 0, &n, NULL), "again", 5);
    pgm_held_lines_clear(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interner_stores_each_text_once),
        cmocka_unit_test(test_display_lengths_match_what_is_appended),
        cmocka_unit_test(test_outfile_is_whole_or_left_as_it_was),
        cmocka_unit_test(test_writebehind_leaves_little_cached),
        cmocka_unit_test(test_direct_write_is_whole_and_uncached),
        cmocka_unit_test(test_direct_write_error_is_said),
        cmocka_unit_test(test_label_quotes_what_could_read_as_one),
        cmocka_unit_test(test_timesort_orders_by_time_then_number),
        cmocka_unit_test(test_grow_doubles_and_keeps),
        cmocka_unit_test(test_idxset_finds_what_it_holds),
        cmocka_unit_test(test_chains_match_a_scan),
        cmocka_unit_test(test_name_index_matches_a_scan),
        cmocka_unit_test(test_held_lines_back_and_forth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
