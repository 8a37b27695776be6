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
/* What every reader of a file says of a read that failed: "read error at
 * byte N: <strerror(err)>; the file was not read whole". */
void pgm_read_error_text(char *buf, size_t cap, uint64_t at, int err);

/* Marks the source failed with a formatted reason; returns -1 for `return`. */
ptrdiff_t pgm_source_fail(pgm_source *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One pread(2), made again when a signal interrupted it: bytes, 0 at the
 * end, or -1 with errno. */
ssize_t pgm_pread_once(int fd, void *buf, size_t n, uint64_t at);

/* A block of a file the disk cannot read (EIO: a bad sector, pread(2)) is
 * read as NUL bytes and the reading goes on past it, as `dd
 * conv=noerror,sync` and ddrescue leave such blocks: the log's lines around
 * it are read, and the reader says how many bytes it could not read and
 * from where. Blocks of PGM_UNREADABLE_BLOCK bytes, at multiples of it. */
#define PGM_UNREADABLE_BLOCK 4096u
/* Bytes one reader of a file reads as NUL bytes before it gives up: past
 * it the read fails as the disk said, and the rest of the file is not read
 * (a disk that fails that much takes seconds a block, and the file is better
 * copied off it with ddrescue first). */
#define PGM_UNREADABLE_MAX_BYTES (1u << 20)

/* The ranges of a file read as NUL bytes that a reader keeps (adjacent ones
 * joined): past as many, the last grows to cover the next, so a reader of
 * them may stop early but never reads a NUL byte as written. */
#define PGM_UNREADABLE_MAX_RANGES 64u

/* What a reader of a file could not read. */
typedef struct pgm_unreadable {
    uint64_t bytes;     /* read as NUL bytes */
    uint64_t first_at;  /* the file offset of the first such byte */
    bool limit_reached; /* then the reading stopped there */
    uint64_t seen_to;   /* the end of the last block counted: a reader that reads
                         * a block again (ranges overlapping at a block) counts it once */
    bool no_fill;       /* a block the disk cannot read ends the range as another
                         * error does: the file is a compressed stream, which NUL
                         * bytes would decode as garbage */
    /* where: for a compressed member of a tar, which must end before them */
    struct {
        uint64_t at, len;
    } filled[PGM_UNREADABLE_MAX_RANGES];
    unsigned n_filled;
} pgm_unreadable;
/* The first of u's ranges read as NUL bytes that meets [at, at + n), at its
 * file offset in *filled_at; false when none does. */
bool pgm_unreadable_meets(const pgm_unreadable *u, uint64_t at, uint64_t n, uint64_t *filled_at);

/* pgm_pread_once, but where a read fails the range is read again block by
 * block: each block the disk cannot read (EIO) is left as NUL bytes in buf
 * and counted in u, up to PGM_UNREADABLE_MAX_BYTES, past which it fails
 * with EIO as the disk did; at a block that fails otherwise (ESTALE: the
 * file gone from an NFS server), or at any with u->no_fill, the bytes
 * before it are returned, and the next read fails at it. EINVAL (a direct
 * read's alignment) is returned as it is. u NULL: pgm_pread_once. */
ssize_t pgm_pread_rescue(int fd, void *buf, size_t n, uint64_t at, pgm_unreadable *u);
/* u added to sum (the earliest first byte, the limit reached by either). */
void pgm_unreadable_add(pgm_unreadable *sum, const pgm_unreadable *u);
/* "4096 bytes the disk could not read (Input/output error), from byte
 * 31457280 on, were read as NUL bytes", and when the limit was reached, that
 * the rest was not read. Empty when nothing was unreadable. */
void pgm_unreadable_describe(const pgm_unreadable *u, char *buf, size_t cap);

/* A file descriptor (borrowed: not closed here). Seekable if the fd is:
 * then a block the disk cannot read is read as NUL bytes (pgm_pread_rescue). */
typedef struct pgm_fd_source {
    pgm_source base;
    int fd;
    uint64_t pos; /* the offset of the next byte read, for a read error's message */
    pgm_unreadable unreadable;
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
