/* Helpers shared by the cmocka tests: in-memory archives written with
 * libarchive, and a visitor that records what the bundle reader reports. */
#ifndef PGM_TESTUTIL_H
#define PGM_TESTUTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/types.h>
#include <cmocka.h>

#include "bundle/bundle.h"

#define TU_MAX_SEEN 64

typedef struct tu_seen {
    char path[512];
    char note[512];      /* content (first bytes) for files; the reason otherwise */
    size_t bytes;
    enum { TU_FILE, TU_SKIPPED, TU_PROBLEM } what;
} tu_seen;

typedef struct tu_log {
    tu_seen seen[TU_MAX_SEEN];
    size_t n;
    pgm_bundle_stats stats;
    int rc;
} tu_log;

/* Runs the bundle reader over memory and records every callback. */
void tu_walk_memory(tu_log *log, const void *data, size_t len, const char *name,
                    const pgm_bundle_limits *lim);
void tu_walk_paths(tu_log *log, const char *const *paths, size_t n, const pgm_bundle_limits *lim);
const tu_seen *tu_find(const tu_log *log, const char *path);
size_t tu_count(const tu_log *log, int what);

/* One archive member for tu_archive. */
typedef struct tu_member {
    const char *name;
    const void *data;
    size_t len;
} tu_member;

/* Writes an archive (libarchive format/filter codes) into a malloc'd buffer. */
void *tu_archive(int format, int filter, const tu_member *m, size_t n, size_t *out_len);
/* Compresses with one filter, no archive (raw): a single .gz/.xz/.bz2/.zst file. */
void *tu_compress(int filter, const void *data, size_t len, size_t *out_len);
/* zstd through libzstd (the reader's own path), with the content checksum. */
void *tu_zstd(const void *data, size_t len, int level, size_t *out_len);
/* Reads a whole file (tests/...) into memory. */
void *tu_read_file(const char *path, size_t *len);

/* The pages of fd's [from, to) that are in the page cache, in percent (the
 * file is mapped, not read: asking moves nothing into the cache). */
int tu_percent_cached(int fd, off_t from, off_t to);
/* Whether fd's file lies in a tmpfs, whose pages are the file: a test of the
 * page cache then says it skips, and does. */
bool tu_on_tmpfs(int fd);
/* A file on disk holding data, unlinked, its offset at 0; -1 (the test
 * skipped, said) where /tmp is a tmpfs. `evicted`: its pages put out of the
 * page cache, as a log not read since it was written a while ago. */
int tu_disk_file(const unsigned char *data, size_t len, bool evicted);

/* Calls fn for each line of text (without its '\n'), numbered from 1. */
typedef void (*tu_line_fn)(void *ctx, const char *line, size_t n, uint64_t lineno);
void tu_for_each_line(const char *text, size_t len, tu_line_fn fn, void *ctx);

/* The rule packs below dir, loaded and finished (any error fails the test). */
struct pgm_ruleset;
void tu_load_rules(struct pgm_ruleset *rs, const char *dir);

#endif
