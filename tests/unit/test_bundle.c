/* The bundle reader: display paths, every compression and archive type,
 * nesting, each limit, and the hostile fixtures in tests/hostile. */
#include "testutil.h"

#include <archive.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/container.h"
#include "bundle/source.h"
#include "util/strbuf.h"

static const char LOG_LINE[] =
    "2026-11-27 00:17:27.513 UTC [16404] LOG:  database system is ready to accept connections\n";

static void test_display_path_escapes_control_bytes(void **state)
{
    (void)state;
    pgm_strbuf b;
    pgm_strbuf_init(&b, 256);
    assert_int_equal(pgm_strbuf_addstr(&b, "a.tar!"), 0);
    assert_int_equal(pgm_bundle_append_name(&b, "logs/\x1b[31mred\n.log"), 0);
    assert_string_equal(b.p, "a.tar!logs/\\x1b[31mred\\x0a.log");
    /* bidirectional overrides and C1 controls by code point, bytes that are
     * not UTF-8 by byte; other UTF-8 as it is; escaping twice changes nothing */
    pgm_strbuf_reset(&b);
    assert_int_equal(pgm_bundle_append_name(&b, "pg-\xe2\x80\xaegol.txt \xc2\x9b \xff\xfe \xc3\xa9"), 0);
    assert_string_equal(b.p, "pg-\\u202Egol.txt \\u009B \\xff\\xfe \xc3\xa9");
    char once[128];
    snprintf(once, sizeof once, "%s", b.p);
    pgm_strbuf_reset(&b);
    assert_int_equal(pgm_bundle_append_name(&b, once), 0);
    assert_string_equal(b.p, once);
    pgm_strbuf_free(&b);
}

static void test_unsafe_names(void **state)
{
    (void)state;
    assert_null(pgm_bundle_unsafe_name("logs/pg.log"));
    assert_null(pgm_bundle_unsafe_name("logs/..hidden/x"));
    assert_null(pgm_bundle_unsafe_name("a..b"));
    assert_non_null(pgm_bundle_unsafe_name("/etc/passwd"));
    assert_non_null(pgm_bundle_unsafe_name("../x"));
    assert_non_null(pgm_bundle_unsafe_name("logs/../../x"));
    assert_non_null(pgm_bundle_unsafe_name("logs\\..\\x"));
    assert_non_null(pgm_bundle_unsafe_name("C:/windows"));
    assert_non_null(pgm_bundle_unsafe_name("a/.."));
}

static void test_container_detection_ignores_names(void **state)
{
    (void)state;
    const char *label;
    assert_int_equal(pgm_container_detect((const unsigned char *)LOG_LINE, sizeof LOG_LINE - 1, &label),
                     PGM_CONTAINER_NONE);
    assert_int_equal(pgm_container_detect((const unsigned char *)"\x1f\x8b\x08", 3, &label),
                     PGM_CONTAINER_GZIP);
    assert_string_equal(label, "gzip");
    assert_int_equal(pgm_container_detect((const unsigned char *)"BZx", 3, &label), PGM_CONTAINER_NONE);
    assert_int_equal(pgm_container_detect((const unsigned char *)"\x28\xb5\x2f\xfd", 4, &label),
                     PGM_CONTAINER_ZSTD);
    assert_int_equal(pgm_container_strip_suffix("pg.log.gz", 9), 6);
    assert_int_equal(pgm_container_strip_suffix("pg.log.zst", 10), 6);
    assert_int_equal(pgm_container_strip_suffix("pg.log", 6), 6);
}

/* One file through one compression: the content comes back whole, under the
 * file's own name (compression adds no '!' step). */
static void check_single(int filter, const char *name)
{
    size_t clen;
    void *c = tu_compress(filter, LOG_LINE, sizeof LOG_LINE - 1, &clen);
    tu_log log;
    tu_walk_memory(&log, c, clen, name, NULL);
    assert_int_equal(log.rc, PGM_OK);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.seen[0].what, TU_FILE);
    assert_string_equal(log.seen[0].path, name);
    assert_string_equal(log.seen[0].note, LOG_LINE);
    free(c);
}

static void test_each_compression(void **state)
{
    (void)state;
    check_single(ARCHIVE_FILTER_GZIP, "pg.log.gz");
    check_single(ARCHIVE_FILTER_BZIP2, "pg.log.bz2");
    check_single(ARCHIVE_FILTER_XZ, "pg.log.xz");
    check_single(ARCHIVE_FILTER_LZMA, "pg.log.lzma");
    check_single(ARCHIVE_FILTER_LZ4, "pg.log.lz4");
    check_single(ARCHIVE_FILTER_COMPRESS, "pg.log.Z");
    /* zstd goes through libzstd, not libarchive */
    size_t zl;
    void *z = tu_zstd(LOG_LINE, sizeof LOG_LINE - 1, 19, &zl);
    tu_log log;
    tu_walk_memory(&log, z, zl, "pg.log.zst", NULL);
    assert_int_equal(log.rc, PGM_OK);
    assert_int_equal(log.n, 1);
    assert_string_equal(log.seen[0].note, LOG_LINE);
    free(z);
}

static void check_archive(int format, int filter, const char *name)
{
    tu_member m[] = {{"logs/postgresql.log", LOG_LINE, sizeof LOG_LINE - 1},
                     {"conf/postgresql.conf", "max_connections = 100\n", 22}};
    size_t len;
    void *a = tu_archive(format, filter, m, 2, &len);
    tu_log log;
    tu_walk_memory(&log, a, len, name, NULL);
    assert_int_equal(log.rc, PGM_OK);
    assert_int_equal(tu_count(&log, TU_FILE), 2);
    char want[128];
    snprintf(want, sizeof want, "%s!logs/postgresql.log", name);
    const tu_seen *s = tu_find(&log, want);
    assert_non_null(s);
    assert_string_equal(s->note, LOG_LINE);
    snprintf(want, sizeof want, "%s!conf/postgresql.conf", name);
    s = tu_find(&log, want);
    assert_non_null(s);
    assert_int_equal(s->bytes, 22);
    free(a);
}

static void test_each_archive_type(void **state)
{
    (void)state;
    check_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, "b.tar");
    check_archive(ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FILTER_GZIP, "b.tar.gz");
    check_archive(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_BZIP2, "b.tar.bz2");
    check_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_XZ, "b.tar.xz");
    check_archive(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, "b.zip");
    check_archive(ARCHIVE_FORMAT_7ZIP, ARCHIVE_FILTER_NONE, "b.7z");
    check_archive(ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, ARCHIVE_FILTER_NONE, "b.cpio");
    check_archive(ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, ARCHIVE_FILTER_GZIP, "b.cpio.gz");
}

/* incident.tar.zst!logs/pg.tar.gz!postgresql-Mon.log, and a zip around it. */
static void test_nesting_and_display_path(void **state)
{
    (void)state;
    tu_member inner[] = {{"postgresql-Mon.log", LOG_LINE, sizeof LOG_LINE - 1}};
    size_t l1;
    void *pg = tu_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, inner, 1, &l1);
    tu_member mid[] = {{"logs/pg.tar.gz", pg, l1}};
    size_t l2;
    void *tar = tu_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, mid, 1, &l2);
    size_t l3;
    void *zst = tu_zstd(tar, l2, 3, &l3);
    tu_log log;
    tu_walk_memory(&log, zst, l3, "incident.tar.zst", NULL);
    assert_int_equal(log.rc, PGM_OK);
    assert_int_equal(log.n, 1);
    assert_string_equal(log.seen[0].path, "incident.tar.zst!logs/pg.tar.gz!postgresql-Mon.log");
    assert_string_equal(log.seen[0].note, LOG_LINE);

    tu_member outer[] = {{"customer/incident.tar.zst", zst, l3}};
    size_t l4;
    void *zip = tu_archive(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, outer, 1, &l4);
    tu_walk_memory(&log, zip, l4, "customer.zip", NULL);
    assert_int_equal(log.n, 1);
    assert_string_equal(log.seen[0].path, "customer.zip!customer/incident.tar.zst!logs/pg.tar.gz!"
                                          "postgresql-Mon.log");
    /* the same with too small a depth limit: 4 layers (zip, zstd, tar, gzip, tar) */
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    lim.max_depth = 3;
    tu_walk_memory(&log, zip, l4, "customer.zip", &lim);
    assert_int_equal(log.rc, PGM_WARN);
    assert_int_equal(tu_count(&log, TU_FILE), 0);
    assert_int_equal(tu_count(&log, TU_PROBLEM), 1);
    assert_non_null(strstr(log.seen[0].note, "nested deeper than 3 layers"));
    assert_string_equal(log.seen[0].path, "customer.zip!customer/incident.tar.zst!logs/pg.tar.gz");
    free(pg);
    free(tar);
    free(zst);
    free(zip);
}

static void test_entry_limit(void **state)
{
    (void)state;
    tu_member m[5];
    char names[5][24];
    for (int i = 0; i < 5; i++) {
        snprintf(names[i], sizeof names[i], "f%d.log", i);
        m[i] = (tu_member){names[i], LOG_LINE, sizeof LOG_LINE - 1};
    }
    size_t len;
    void *a = tu_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, m, 5, &len);
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    lim.max_entries = 3;
    tu_log log;
    tu_walk_memory(&log, a, len, "many.tar", &lim);
    assert_int_equal(log.rc, PGM_WARN);
    assert_int_equal(tu_count(&log, TU_FILE), 3);
    assert_int_equal(tu_count(&log, TU_PROBLEM), 1);
    assert_non_null(strstr(log.seen[3].note, "more than 3 archive entries in this run"));
    assert_string_equal(log.seen[3].path, "many.tar");
    free(a);
}

static void test_total_bytes_limit(void **state)
{
    (void)state;
    tu_member m[] = {{"a.log", LOG_LINE, sizeof LOG_LINE - 1}, {"b.log", LOG_LINE, sizeof LOG_LINE - 1},
                     {"c.log", LOG_LINE, sizeof LOG_LINE - 1}};
    size_t len;
    void *a = tu_archive(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, m, 3, &len);
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    lim.max_total_bytes = sizeof LOG_LINE + 10; /* a.log and a bit of b.log */
    tu_log log;
    tu_walk_memory(&log, a, len, "x.zip", &lim);
    assert_int_equal(log.rc, PGM_WARN);
    assert_int_equal(log.stats.bytes, lim.max_total_bytes);
    const tu_seen *b = tu_find(&log, "x.zip!b.log");
    assert_non_null(b);
    assert_null(tu_find(&log, "x.zip!c.log"));
    assert_int_equal(tu_count(&log, TU_PROBLEM), 1);
    assert_non_null(strstr(log.seen[log.n - 1].note, "--max-total-bytes"));
    free(a);
}

/* A zip bomb: 256 MiB of zeros deflate to about 250 KiB (1000:1). */
static void test_zip_bomb_stops_at_ratio(void **state)
{
    (void)state;
    size_t big = 256u << 20;
    char *zeros = calloc(1, big);
    assert_non_null(zeros);
    tu_member m[] = {{"bomb.log", zeros, big}, {"after.log", LOG_LINE, sizeof LOG_LINE - 1}};
    size_t len;
    void *zip = tu_archive(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, m, 2, &len);
    free(zeros);
    tu_log log;
    tu_walk_memory(&log, zip, len, "bomb.zip", NULL);
    assert_int_equal(log.rc, PGM_WARN);
    const tu_seen *p = NULL;
    for (size_t i = 0; i < log.n; i++)
        if (log.seen[i].what == TU_PROBLEM)
            p = &log.seen[i];
    assert_non_null(p);
    assert_string_equal(p->path, "bomb.zip!bomb.log");
    assert_non_null(strstr(p->note, "expands more than 250:1"));
    assert_true(log.stats.bytes < (64u << 20)); /* stopped long before the end */
    /* zstd bombs are caught by the same guard */
    char *z2 = calloc(1, big);
    size_t zl;
    void *zb = tu_zstd(z2, big, 3, &zl);
    free(z2);
    tu_walk_memory(&log, zb, zl, "zeros.zst", NULL);
    assert_int_equal(log.rc, PGM_WARN);
    assert_non_null(strstr(log.seen[log.n - 1].note, "expands more than"));
    /* and --max-ratio 0 lets it through */
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    lim.max_ratio = 0;
    tu_walk_memory(&log, zb, zl, "zeros.zst", &lim);
    assert_int_equal(log.rc, PGM_OK);
    assert_int_equal(log.seen[0].bytes, big);
    free(zb);
    free(zip);
}

static void test_hostile_names_are_listed_not_read(void **state)
{
    (void)state;
    const char *paths[] = {"tests/hostile/evil-names.tar"};
    tu_log log;
    tu_walk_paths(&log, paths, 1, NULL);
    assert_int_equal(log.rc, PGM_OK); /* refusing is not a read failure */
    const tu_seen *s = tu_find(&log, "tests/hostile/evil-names.tar!../../etc/cron.d/evil");
    assert_non_null(s);
    assert_int_equal(s->what, TU_SKIPPED);
    assert_non_null(strstr(s->note, "'..'"));
    s = tu_find(&log, "tests/hostile/evil-names.tar!/etc/passwd");
    assert_non_null(s);
    assert_int_equal(s->what, TU_SKIPPED);
    s = tu_find(&log, "tests/hostile/evil-names.tar!logs/link-to-passwd");
    assert_non_null(s);
    assert_non_null(strstr(s->note, "symbolic link to '/etc/passwd' not followed"));
    s = tu_find(&log, "tests/hostile/evil-names.tar!logs/hard");
    assert_non_null(s);
    assert_int_equal(s->what, TU_SKIPPED);
    s = tu_find(&log, "tests/hostile/evil-names.tar!dev/sda");
    assert_non_null(s);
    assert_int_equal(s->what, TU_SKIPPED);
    s = tu_find(&log, "tests/hostile/evil-names.tar!logs/esc\\x1b[31mred.log");
    assert_non_null(s);
    assert_int_equal(s->what, TU_FILE);
    s = tu_find(&log, "tests/hostile/evil-names.tar!logs/ok.log");
    assert_non_null(s);
    assert_int_equal(s->what, TU_FILE);
    assert_int_equal(log.stats.skipped, 5);
}

static void test_hostile_damaged_inputs(void **state)
{
    (void)state;
    tu_log log;
    const char *zst[] = {"tests/hostile/truncated.log.zst"};
    tu_walk_paths(&log, zst, 1, NULL);
    assert_int_equal(log.rc, PGM_WARN);
    assert_int_equal(log.seen[0].what, TU_FILE);
    assert_true(log.seen[0].bytes > 100000); /* the blocks before the cut */
    assert_int_equal(log.seen[1].what, TU_PROBLEM);
    assert_string_equal(log.seen[1].note, "truncated zstd stream: the last frame is cut after "
                                          "131072 bytes decoded (its end and checksum are missing)");

    const char *gz[] = {"tests/hostile/truncated.log.gz"};
    tu_walk_paths(&log, gz, 1, NULL);
    assert_int_equal(log.rc, PGM_WARN);
    assert_int_equal(log.seen[0].what, TU_FILE);
    assert_true(log.seen[0].bytes > 0);
    assert_non_null(strstr(log.seen[1].note, "truncated gzip"));

    const char *zip[] = {"tests/hostile/corrupt-entry.zip"};
    tu_walk_paths(&log, zip, 1, NULL);
    assert_int_equal(log.rc, PGM_WARN);
    const tu_seen *a = tu_find(&log, "tests/hostile/corrupt-entry.zip!a.log");
    const tu_seen *c = tu_find(&log, "tests/hostile/corrupt-entry.zip!c.log");
    assert_non_null(a);
    assert_non_null(c);
    assert_int_equal(a->bytes, 4000);
    assert_int_equal(c->bytes, 4000); /* read after the damaged one */
    const tu_seen *b = tu_find(&log, "tests/hostile/corrupt-entry.zip!b.log");
    assert_non_null(b);
    assert_int_equal(b->what, TU_PROBLEM);

    const char *deep[] = {"tests/hostile/nested-10-layers.tar.gz"};
    tu_walk_paths(&log, deep, 1, NULL);
    assert_int_equal(log.rc, PGM_WARN);
    assert_int_equal(tu_count(&log, TU_FILE), 0);
    assert_non_null(strstr(log.seen[0].note, "nested deeper than 8 layers"));
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    lim.max_depth = 10;
    tu_walk_paths(&log, deep, 1, &lim);
    assert_int_equal(log.rc, PGM_OK);
    assert_int_equal(tu_count(&log, TU_FILE), 1);
    assert_string_equal(log.seen[0].path, "tests/hostile/nested-10-layers.tar.gz!layer4.tar.gz!"
                                          "layer3.tar.gz!layer2.tar.gz!layer1.tar.gz!deep.log");
}

/* Text of `lines` numbered lines, for the gzip tests. */
static char *numbered_text(unsigned lines, size_t *len)
{
    char *text = malloc((size_t)lines * 32);
    assert_non_null(text);
    size_t n = 0;
    for (unsigned i = 1; i <= lines; i++)
        n += (size_t)sprintf(text + n, "line %u of the log\n", i);
    *len = n;
    return text;
}

static void test_gzip_members_padding_and_damage(void **state)
{
    (void)state;
    size_t len_a, len_b, gz_a, gz_b;
    char *a = numbered_text(2000, &len_a), *b = numbered_text(500, &len_b);
    unsigned char *za = tu_compress(ARCHIVE_FILTER_GZIP, a, len_a, &gz_a);
    unsigned char *zb = tu_compress(ARCHIVE_FILTER_GZIP, b, len_b, &gz_b);
    /* two members, then the NUL padding a tape or a preallocated file leaves */
    unsigned char *two = calloc(gz_a + gz_b + 4096, 1);
    assert_non_null(two);
    memcpy(two, za, gz_a);
    memcpy(two + gz_a, zb, gz_b);
    tu_log log;
    tu_walk_memory(&log, two, gz_a + gz_b + 4096, "two.log.gz", NULL);
    assert_int_equal(log.rc, PGM_OK);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.seen[0].bytes, len_a + len_b);

    /* bytes that are not gzip after the members are damage, said */
    memset(two + gz_a + gz_b, 'x', 16);
    tu_walk_memory(&log, two, gz_a + gz_b + 4096, "junk.log.gz", NULL);
    assert_int_equal(log.rc, PGM_WARN);
    assert_int_equal(log.seen[0].bytes, len_a + len_b);
    assert_non_null(strstr(log.seen[1].note, "bytes that are not gzip after member 2"));

    /* a flipped bit in the CRC-32: all the bytes are read, and it is said */
    za[gz_a - 8] ^= 0x01;
    tu_walk_memory(&log, za, gz_a, "crc.log.gz", NULL);
    assert_int_equal(log.rc, PGM_WARN);
    assert_int_equal(log.seen[0].bytes, len_a);
    assert_non_null(strstr(log.seen[1].note, "incorrect data check in member 1"));
    za[gz_a - 8] ^= 0x01;

    /* cut in half: what zcat recovers, then the warning */
    tu_walk_memory(&log, za, gz_a / 2, "cut.log.gz", NULL);
    assert_int_equal(log.rc, PGM_WARN);
    assert_int_equal(log.seen[0].what, TU_FILE);
    assert_true(log.seen[0].bytes > len_a / 3 && log.seen[0].bytes < len_a);
    assert_memory_equal(log.seen[0].note, a, 64);
    assert_non_null(strstr(log.seen[1].note, "truncated gzip stream: member 1 ends after"));
    free(two);
    free(za);
    free(zb);
    free(a);
    free(b);
}

/* A tar cut inside its last member hands on that member's first part, as
 * tar(1) extracts it, and the checksum of a tar.zst is checked although
 * the tar ends before it. */
static void test_cut_archives_keep_what_they_hold(void **state)
{
    (void)state;
    size_t len;
    char *text = numbered_text(3000, &len);
    tu_member m[] = {{"first.log", "one line\n", 9}, {"big.log", text, len}};
    size_t tar_len;
    unsigned char *tar = tu_archive(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_NONE, m, 2, &tar_len);
    tu_log log;
    tu_walk_memory(&log, tar, 1024 + 512 + 20000, "cut.tar", NULL);
    const tu_seen *big = tu_find(&log, "cut.tar!big.log");
    assert_non_null(big);
    assert_int_equal(big->what, TU_FILE);
    assert_int_equal(big->bytes, 20000);
    assert_int_equal(log.rc, PGM_WARN);

    size_t zst_len;
    unsigned char *zst = tu_zstd(tar, tar_len, 3, &zst_len);
    tu_walk_memory(&log, zst, zst_len - 4, "nochecksum.tar.zst", NULL);
    assert_int_equal(log.rc, PGM_WARN);
    big = tu_find(&log, "nochecksum.tar.zst!big.log");
    assert_non_null(big);
    assert_int_equal(big->bytes, len);
    assert_non_null(tu_find(&log, "nochecksum.tar.zst"));
    assert_non_null(strstr(tu_find(&log, "nochecksum.tar.zst")->note, "truncated zstd stream"));
    free(zst);
    free(tar);
    free(text);
}

static void test_empty_archives(void **state)
{
    (void)state;
    const char *paths[] = {"tests/hostile/empty.tar", "tests/hostile/empty.zip"};
    tu_log log;
    tu_walk_paths(&log, paths, 2, NULL);
    assert_int_equal(log.rc, PGM_OK);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.seen[0].what, TU_SKIPPED);
    assert_string_equal(log.seen[0].note, "empty tar archive: no files inside");
    assert_string_equal(log.seen[1].note, "empty zip archive: no files inside");
}

static int is_config_name(const char *path)
{
    static const char *const suffixes[] = {".conf", ".env", ".yaml", ".yml", ".properties"};
    size_t n = strlen(path);
    for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
        size_t l = strlen(suffixes[k]);
        if (n >= l && strcmp(path + n - l, suffixes[k]) == 0)
            return 1;
    }
    return 0;
}

static void test_missing_input_and_sorted_directory(void **state)
{
    (void)state;
    const char *paths[] = {"tests/does-not-exist", "tests/samples/other"};
    tu_log log;
    tu_walk_paths(&log, paths, 2, NULL);
    assert_int_equal(log.rc, PGM_WARN);
    assert_int_equal(log.seen[0].what, TU_PROBLEM);
    assert_string_equal(log.seen[0].note, "cannot open: No such file or directory");
    /* configuration (.conf .env .yaml .yml .properties) first, then the rest,
     * each sorted by name: a directory's configuration informs its logs */
    int saw_rest = 0, saw_conf = 0;
    for (size_t i = 1; i < log.n; i++) {
        int conf = is_config_name(log.seen[i].path);
        assert_false(conf && saw_rest);
        saw_conf |= conf;
        saw_rest |= !conf;
        if (i >= 2 && is_config_name(log.seen[i - 1].path) == conf)
            assert_true(strcmp(log.seen[i - 1].path, log.seen[i].path) < 0);
    }
    assert_true(saw_conf && saw_rest);
    assert_true(is_config_name(log.seen[1].path));
    assert_string_equal(log.seen[1].path, "tests/samples/other/application-prod.properties");
    assert_string_equal(log.seen[log.n - 1].path, "tests/samples/other/worker-logback.log");
}

/* As root every directory is readable, so the check runs as nobody. */
static void test_unreadable_directory(void **state)
{
    (void)state;
    char dir[] = "/tmp/pgm-unreadable-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[256], file[300];
    snprintf(sub, sizeof sub, "%s/locked", dir);
    snprintf(file, sizeof file, "%s/ok.log", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(LOG_LINE, f);
    fclose(f);
    chmod(dir, 0755);
    chmod(file, 0644);
    chmod(sub, 0000);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(10);
        const char *paths[] = {dir};
        tu_log log;
        tu_walk_paths(&log, paths, 1, NULL);
        char want[300];
        snprintf(want, sizeof want, "%s/locked", dir);
        const tu_seen *s = tu_find(&log, want);
        int ok = log.rc == PGM_WARN && s && s->what == TU_PROBLEM &&
                 strstr(s->note, "Permission denied") && tu_find(&log, file) &&
                 tu_find(&log, file)->what == TU_FILE;
        _exit(ok ? 0 : 11);
    }
    int status;
    waitpid(pid, &status, 0);
    chmod(sub, 0700);
    rmdir(sub);
    unlink(file);
    rmdir(dir);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* What a reader could not read, added up and said; a healthy file reads
 * as pread reads it (the disk's failures themselves: damaged-check, which
 * preloads a failing read). */
static void test_unreadable_said_and_added(void **state)
{
    (void)state;
    char said[PGM_ERR_MAX];
    pgm_unreadable sum = {0}, a = {.bytes = 4096, .first_at = 1u << 20}, b = {.bytes = 8192, .first_at = 4096};
    pgm_unreadable_describe(&sum, said, sizeof said);
    assert_string_equal(said, "");
    pgm_unreadable_add(&sum, &a);
    pgm_unreadable_add(&sum, &b);
    assert_int_equal(sum.bytes, 12288);
    assert_int_equal(sum.first_at, 4096);
    assert_false(sum.limit_reached);
    pgm_unreadable_describe(&sum, said, sizeof said);
    assert_non_null(strstr(said, "12288 bytes the disk could not read ("));
    assert_non_null(strstr(said, "from byte 4096 on, were read as NUL bytes"));
    assert_null(strstr(said, "the rest was not read"));
    pgm_unreadable stopped = {.limit_reached = true};
    pgm_unreadable_add(&sum, &stopped);
    assert_int_equal(sum.first_at, 4096);
    pgm_unreadable_describe(&sum, said, sizeof said);
    assert_non_null(strstr(said, "; then more than the 1 MiB a reader reads so (a limit of this build): "
                                 "the rest was not read"));

    unsigned char data[10000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)('a' + i % 26);
    int fd = tu_disk_file(data, sizeof data, false);
    assert_true(fd >= 0);
    unsigned char got[sizeof data + 100];
    pgm_unreadable u = {0};
    assert_int_equal(pgm_pread_rescue(fd, got, sizeof got, 0, &u), sizeof data);
    assert_memory_equal(got, data, sizeof data);
    assert_int_equal(pgm_pread_rescue(fd, got, 100, 9950, &u), 50);
    assert_memory_equal(got, data + 9950, 50);
    assert_int_equal(pgm_pread_rescue(fd, got, 100, sizeof data, &u), 0);
    assert_int_equal(u.bytes, 0);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_display_path_escapes_control_bytes),
        cmocka_unit_test(test_unreadable_said_and_added),
        cmocka_unit_test(test_unsafe_names),
        cmocka_unit_test(test_container_detection_ignores_names),
        cmocka_unit_test(test_each_compression),
        cmocka_unit_test(test_each_archive_type),
        cmocka_unit_test(test_nesting_and_display_path),
        cmocka_unit_test(test_entry_limit),
        cmocka_unit_test(test_total_bytes_limit),
        cmocka_unit_test(test_zip_bomb_stops_at_ratio),
        cmocka_unit_test(test_hostile_names_are_listed_not_read),
        cmocka_unit_test(test_hostile_damaged_inputs),
        cmocka_unit_test(test_gzip_members_padding_and_damage),
        cmocka_unit_test(test_cut_archives_keep_what_they_hold),
        cmocka_unit_test(test_empty_archives),
        cmocka_unit_test(test_missing_input_and_sorted_directory),
        cmocka_unit_test(test_unreadable_directory),
    };
    return cmocka_run_group_tests_name("bundle", tests, NULL, NULL);
}
