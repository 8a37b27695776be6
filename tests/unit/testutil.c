#define _GNU_SOURCE /* posix_fadvise */
#include "testutil.h"

#include "rules/ruleset.h"
#include "util/directio.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <zstd.h>

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

static void record(tu_log *log, int what, const char *path, const char *note, size_t bytes)
{
    if (log->n >= TU_MAX_SEEN)
        return;
    tu_seen *s = &log->seen[log->n++];
    s->what = what;
    snprintf(s->path, sizeof s->path, "%s", path);
    snprintf(s->note, sizeof s->note, "%s", note);
    s->bytes = bytes;
}

static int on_file(void *ctx, const pgm_file_info *info, pgm_source *content)
{
    tu_log *log = ctx;
    char buf[4096], first[512] = "";
    size_t total = 0;
    ptrdiff_t n;
    while ((n = pgm_source_read(content, buf, sizeof buf)) > 0) {
        if (total == 0)
            snprintf(first, sizeof first, "%.*s", (int)(n < 500 ? n : 500), buf);
        total += (size_t)n;
    }
    record(log, TU_FILE, info->display_path, first, total);
    return PGM_OK;
}

static void on_skipped(void *ctx, const char *path, const char *reason)
{
    record(ctx, TU_SKIPPED, path, reason, 0);
}

static void on_problem(void *ctx, const char *path, const char *reason)
{
    record(ctx, TU_PROBLEM, path, reason, 0);
}

void tu_walk_memory(tu_log *log, const void *data, size_t len, const char *name,
                    const pgm_bundle_limits *lim)
{
    memset(log, 0, sizeof *log);
    pgm_bundle_limits def = pgm_bundle_limits_default();
    pgm_mem_source src;
    pgm_mem_source_init(&src, data, len);
    pgm_bundle_visitor v = {on_file, on_skipped, on_problem, NULL, log, false, false};
    log->rc = pgm_bundle_walk_source(&src.base, name, lim ? lim : &def, &v, &log->stats);
}

void tu_walk_paths(tu_log *log, const char *const *paths, size_t n, const pgm_bundle_limits *lim)
{
    memset(log, 0, sizeof *log);
    pgm_bundle_limits def = pgm_bundle_limits_default();
    /* files on disk read past the page cache, as the scan reads them */
    pgm_bundle_visitor v = {on_file, on_skipped, on_problem, NULL, log, false, true};
    log->rc = pgm_bundle_walk(paths, n, lim ? lim : &def, &v, &log->stats);
}

const tu_seen *tu_find(const tu_log *log, const char *path)
{
    for (size_t i = 0; i < log->n; i++)
        if (strcmp(log->seen[i].path, path) == 0)
            return &log->seen[i];
    return NULL;
}

size_t tu_count(const tu_log *log, int what)
{
    size_t k = 0;
    for (size_t i = 0; i < log->n; i++)
        k += (int)log->seen[i].what == what;
    return k;
}

typedef struct membuf {
    unsigned char *p;
    size_t len, alloc;
} membuf;

static int mb_open(struct archive *a, void *ctx)
{
    (void)a;
    (void)ctx;
    return ARCHIVE_OK;
}

static la_ssize_t mb_write(struct archive *a, void *ctx, const void *buf, size_t n)
{
    (void)a;
    membuf *m = ctx;
    if (m->len + n > m->alloc) {
        size_t na = (m->len + n) * 2;
        unsigned char *p = realloc(m->p, na);
        if (!p)
            return -1;
        m->p = p;
        m->alloc = na;
    }
    memcpy(m->p + m->len, buf, n);
    m->len += n;
    return (la_ssize_t)n;
}

static int mb_close(struct archive *a, void *ctx)
{
    (void)a;
    (void)ctx;
    return ARCHIVE_OK;
}

void *tu_archive(int format, int filter, const tu_member *m, size_t n, size_t *out_len)
{
    membuf mb = {0};
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format(a, format), ARCHIVE_OK);
    assert_int_equal(archive_write_add_filter(a, filter), ARCHIVE_OK);
    archive_write_set_bytes_in_last_block(a, 1);
    assert_int_equal(archive_write_open(a, &mb, mb_open, mb_write, mb_close), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, m[i].name);
        archive_entry_set_size(e, (la_int64_t)m[i].len);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_mtime(e, 1795739847, 0);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        if (m[i].len)
            assert_int_equal(archive_write_data(a, m[i].data, m[i].len), (la_ssize_t)m[i].len);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    *out_len = mb.len;
    return mb.p;
}

void *tu_compress(int filter, const void *data, size_t len, size_t *out_len)
{
    membuf mb = {0};
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
    assert_int_equal(archive_write_add_filter(a, filter), ARCHIVE_OK);
    archive_write_set_bytes_in_last_block(a, 1);
    assert_int_equal(archive_write_open(a, &mb, mb_open, mb_write, mb_close), ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
    archive_entry_free(e);
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    *out_len = mb.len;
    return mb.p;
}

void *tu_zstd(const void *data, size_t len, int level, size_t *out_len)
{
    size_t cap = ZSTD_compressBound(len);
    void *out = malloc(cap);
    assert_non_null(out);
    /* with the content checksum, as zstd(1) writes by default */
    ZSTD_CCtx *c = ZSTD_createCCtx();
    assert_non_null(c);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    size_t r = ZSTD_compress2(c, out, cap, data, len);
    ZSTD_freeCCtx(c);
    assert_false(ZSTD_isError(r));
    *out_len = r;
    return out;
}

void *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    ((char *)buf)[n] = '\0';
    *len = (size_t)n;
    return buf;
}

void tu_for_each_line(const char *text, size_t len, tu_line_fn fn, void *ctx)
{
    uint64_t lineno = 0;
    for (const char *p = text, *e = text + len; p < e;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);
        fn(ctx, p, n, ++lineno);
        p += n + (nl != NULL);
    }
}

void tu_load_rules(pgm_ruleset *rs, const char *dir)
{
    pgm_load_errors errs = {0};
    pgm_ruleset_init(rs);
    pgm_ruleset_load_dir(rs, dir, &errs);
    if (errs.n)
        fail_msg("%s", errs.msg[0]);
    assert_int_equal(pgm_ruleset_finish(rs, &errs), 0);
    pgm_load_errors_free(&errs);
}

bool tu_on_tmpfs(int fd)
{
    struct statfs fs;
    if (fstatfs(fd, &fs) != 0 || fs.f_type != TMPFS_MAGIC)
        return false;
    print_message("skipped: /tmp is a tmpfs, whose pages are the file\n");
    return true;
}

/* A file on disk holding data, unlinked; -1 (the test skipped) where /tmp
 * is a tmpfs, whose pages are the file. `evicted`: its pages put out of the
 * page cache, as a log not read since it was written a while ago. */
int tu_disk_file(const unsigned char *data, size_t len, bool evicted)
{
    char path[] = "/tmp/pgmortem-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    if (tu_on_tmpfs(fd)) {
        close(fd);
        return -1;
    }
    for (size_t at = 0; at < len;) {
        ssize_t w = write(fd, data + at, len - at);
        assert_true(w > 0);
        at += (size_t)w;
    }
    assert_int_equal(fsync(fd), 0);
    if (evicted) {
        assert_int_equal(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
        if (tu_percent_cached(fd, 0, (off_t)len) > 10) {
            print_message("skipped: the page cache keeps the file\n");
            close(fd);
            return -1;
        }
    }
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

int tu_percent_cached(int fd, off_t from, off_t to)
{
    int share = pgm_percent_cached(fd, (uint64_t)from, (uint64_t)to);
    assert_true(share >= 0);
    return share;
}
