/* A pull stream of bytes: a file, stdin, an archive entry, a decompressor.
 * Streams stack (zstd over a tar entry over a file); each layer borrows the
 * one below and never owns it. */
#ifndef PGM_SOURCE_H
#define PGM_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/rc.h"

typedef struct pgm_source pgm_source;

struct pgm_source {
    /* Reads up to cap bytes into buf: returns how many (> 0), 0 at the end,
     * or -1 on error with `err` set. After an error every read returns -1. */
    ptrdiff_t (*read)(pgm_source *self, void *buf, size_t cap);
    /* Optional (NULL when the stream cannot seek): lseek() semantics. */
    int64_t (*seek)(pgm_source *self, int64_t offset, int whence);
    bool failed;
    char err[PGM_ERR_MAX];
};

ptrdiff_t pgm_source_read(pgm_source *s, void *buf, size_t cap);
/* Reads until `cap` bytes or the end: for sniffing a head. On an error after
 * some bytes it returns those (s->failed is set); -1 when none were read. */
ptrdiff_t pgm_source_read_full(pgm_source *s, void *buf, size_t cap);
/* Marks the source failed with a formatted reason; returns -1 for `return`. */
ptrdiff_t pgm_source_fail(pgm_source *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One pread(2), made again when a signal interrupted it: bytes, 0 at the
 * end, or -1 with errno. */
ssize_t pgm_pread_once(int fd, void *buf, size_t n, uint64_t at);

/* A file descriptor (borrowed: not closed here). Seekable if the fd is. */
typedef struct pgm_fd_source {
    pgm_source base;
    int fd;
} pgm_fd_source;
void pgm_fd_source_init(pgm_fd_source *s, int fd, bool seekable);

/* A byte range in memory (borrowed). Seekable. */
typedef struct pgm_mem_source {
    pgm_source base;
    const unsigned char *data;
    size_t len, pos;
} pgm_mem_source;
void pgm_mem_source_init(pgm_mem_source *s, const void *data, size_t len);

/* Replays a head that was already read from `below`, then continues with
 * `below`. Seeks (when `below` seeks) are absolute positions in the stream. */
typedef struct pgm_head_source {
    pgm_source base;
    pgm_source *below;
    const unsigned char *head;
    size_t head_len, pos; /* pos < head_len: still inside the head */
} pgm_head_source;
void pgm_head_source_init(pgm_head_source *s, pgm_source *below, const unsigned char *head,
                          size_t head_len);

#endif
