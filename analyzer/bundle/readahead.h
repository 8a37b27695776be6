/* A source read ahead by a thread of its own: while the caller works on
 * what it took (parsing a log), the thread reads on below it (inflating a
 * gzip, zstd or xz stream, an archive member), into one of two buffers. On
 * two cores a compressed log then reads at about the speed of the plain
 * one instead of the sum of both costs.
 *
 * A plain file on disk (pgm_readahead_file) is read ahead past the page
 * cache instead: the thread reads the file itself with O_DIRECT, so the disk
 * puts the bytes into the buffer and nobody's CPU copies them there. Read
 * as any, the kernel copies every byte out of the page cache on the reading
 * CPU: 0.41 s of system time of a one-thread timeline of a 1.24 GiB log,
 * 0.21 s read so. The thread only waits for the disk, so one thread's work
 * stays on one CPU. A disk slower than the caller reads, while the page
 * cache holds most of what comes next, is left for the cache after
 * PGM_READAHEAD_SLOW_DISK waits; a file system that refuses O_DIRECT starts
 * no thread: the caller reads on as before.
 *
 * The thread starts only once PGM_READAHEAD_AFTER bytes were read on the
 * caller's own (a small file costs no thread), and every layer below is
 * touched by it alone from then on until pgm_readahead_close() has joined
 * it: the caller must not use `below` in between. What `below` reports
 * (its error, a decoder's damage) is read after the close. */
#ifndef PGM_READAHEAD_H
#define PGM_READAHEAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/source.h"

/* Bytes read on the caller's thread before the read-ahead thread starts. */
#define PGM_READAHEAD_AFTER (4u << 20)
/* Each of the two buffers the thread fills in turn: both in one huge page. */
#define PGM_READAHEAD_BUFFER (1u << 20)
/* Times the caller waited for a file's disk, after its first read, before the
 * thread looks whether the page cache holds what comes next, and then reads
 * through it: such a disk is slower than the caller, the page cache is not. */
#define PGM_READAHEAD_SLOW_DISK 4u
/* The share of what comes next, in percent, the page cache holds for it to
 * be read through the cache instead of a slow disk; what comes next being the
 * next PGM_READAHEAD_CACHE_LOOK bytes: past the kernel's own read-ahead of
 * the caller's first reads (read_ahead_kb, 8 MiB on the machine measured). */
#define PGM_READAHEAD_CACHED 50
#define PGM_READAHEAD_CACHE_LOOK (64u << 20)

typedef struct pgm_readahead_slot {
    char *p;
    ptrdiff_t n;      /* what the read below returned: bytes, 0 at the end, -1 on an error */
    bool ready;       /* filled, for the caller to take */
} pgm_readahead_slot;

typedef struct pgm_readahead {
    pgm_source base;
    pgm_source *below;
    size_t direct;               /* bytes read so far on the caller's thread */
    bool started, join;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pgm_readahead_slot slot[2];
    unsigned take, put;          /* the slot the caller reads, the one the thread fills */
    size_t pos;                  /* the caller's place in slot[take] */
    bool stop;                   /* the caller is done: the thread ends after its read */
    char err[PGM_ERR_MAX];       /* the thread's error, for a slot that says -1 */
    /* A plain file (pgm_readahead_file), -1 when not one. */
    int file;                    /* the caller's descriptor, at the stream's first byte */
    int uncached;                /* the thread's own with O_DIRECT, -1 when it reads through the page cache */
    size_t align;                /* of a direct read's memory, offset and length */
    uint64_t at;                 /* the file offset the thread reads next */
    uint64_t handed;             /* bytes the caller took from the slots */
    unsigned waits;              /* the caller waited for a slot, after its first (under mu) */
    bool slow_disk;              /* the thread went back to the page cache: the disk was slower */
    pgm_unreadable unreadable;   /* the file's blocks read as NUL bytes (bundle/source.h), read after the close */
} pgm_readahead;

/* Wraps `below` (not seekable through the wrapper). */
void pgm_readahead_init(pgm_readahead *r, pgm_source *below);
/* `below` reads the regular file `fd` from its first byte, and nothing but
 * it: the thread reads the file itself, past the page cache. Borrowed; its
 * offset is where the caller got to after the close. */
void pgm_readahead_file(pgm_readahead *r, int fd);
/* Stops and joins the thread; `below` is the caller's again. */
void pgm_readahead_close(pgm_readahead *r);

#endif
