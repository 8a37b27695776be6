/* The bundle reader: walks directories, files, stdin, archives and
 * compressed streams, nested in any order, entirely in memory, and hands
 * every plain file inside to a visitor as a pull stream.
 *
 * Ownership: the walker owns every buffer and stream it creates; what it
 * passes to the visitor is borrowed for the duration of the callback. */
#ifndef PGM_BUNDLE_H
#define PGM_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/limits.h"
#include "bundle/source.h"

typedef struct pgm_file_info {
    const char *display_path;   /* "incident.tar.zst!logs/pg.tar.gz!postgresql-Mon.log" */
    const char *name;           /* last path element, compression suffix removed: a hint */
    const unsigned char *head;  /* the first bytes of the content, for sniffing */
    size_t head_len;            /* < PGM_SNIFF_HEAD_BYTES only when the file is shorter */
    int64_t mtime;              /* seconds since the epoch, INT64_MIN when unknown */
    unsigned depth;             /* container layers above the file */
    /* A regular file on disk read as it is (not compressed, not inside an
     * archive): readers may open it again, e.g. to split the work. NULL otherwise. */
    const char *disk_path;
    uint64_t disk_size;
    /* With disk_path: what the walker's own reads of it (its head, sniffed)
     * could not read, said after on_file. A reader that reads the whole file
     * again and says what it could not read clears it: said once. */
    pgm_unreadable *disk_unreadable;
    /* Not an archive member: a file as it is on disk, or what compression
     * layers alone (x.log.gz, x.log.zst) hold. */
    bool outside_archives;
} pgm_file_info;

typedef struct pgm_bundle_visitor {
    /* A plain file. Read its content from `content` (the head included);
     * stopping early is allowed. Return PGM_FATAL to stop the whole walk. */
    int (*on_file)(void *ctx, const pgm_file_info *info, pgm_source *content);
    /* Something listed but deliberately not read: link, device, unsafe name. */
    void (*on_skipped)(void *ctx, const char *display_path, const char *reason);
    /* Something that went wrong with a path: damage, a limit, an I/O error. */
    void (*on_problem)(void *ctx, const char *display_path, const char *reason);
    /* Called about every PGM_IO_CHUNK_BYTES of file content; optional. */
    void (*on_progress)(void *ctx, uint64_t bytes_done);
    void *ctx;
    /* A file that is inflated or an archive member read ahead by a thread
     * of its own (bundle/readahead.h) while on_file works on what it took:
     * for a caller with a core to spare. */
    bool read_ahead;
    /* A plain file on disk read ahead past the page cache by a thread that
     * only waits for the disk (pgm_readahead_file): for a caller that reads
     * whole files, on one core or more. */
    bool read_uncached;
} pgm_bundle_visitor;

typedef struct pgm_bundle_stats {
    uint64_t files;     /* plain files handed to on_file */
    uint64_t bytes;     /* their content, decompressed */
    uint64_t skipped;   /* on_skipped calls */
    uint64_t problems;  /* on_problem calls: some input was not (fully) read */
} pgm_bundle_stats;

/* Walks each input: a directory, a file, or "-" for stdin. Returns PGM_OK,
 * PGM_WARN when something was not read (see stats.problems), or PGM_FATAL. */
int pgm_bundle_walk(const char *const *inputs, size_t n_inputs, const pgm_bundle_limits *limits,
                    const pgm_bundle_visitor *visitor, pgm_bundle_stats *stats);

/* Walks one stream already open, shown as `display_path` (fuzzing, tests). */
int pgm_bundle_walk_source(pgm_source *src, const char *display_path,
                           const pgm_bundle_limits *limits, const pgm_bundle_visitor *visitor,
                           pgm_bundle_stats *stats);

/* Appends an archive member name to a display path: control bytes become
 * \xNN so a hostile name cannot drive the terminal. Returns 0 or -1. */
struct pgm_strbuf;
int pgm_bundle_append_name(struct pgm_strbuf *path, const char *name);

/* Why an archive member name cannot be trusted, or NULL when it can. */
const char *pgm_bundle_unsafe_name(const char *name);

#endif
