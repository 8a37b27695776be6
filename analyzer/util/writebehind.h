/* Writing a large file out as a stream, without filling the page cache with
 * it: once a file has grown past PGM_WRITEBEHIND_START, the kernel is asked
 * to write out each new PGM_WRITEBEHIND_STEP bytes at once, and the pages
 * more than PGM_WRITEBEHIND_WINDOW behind the end are waited for and dropped
 * from the cache. PostgreSQL does the same for its own writes
 * (backend_flush_after, pg_flush_data() in src/backend/storage/file/fd.c).
 *
 * Why: a timeline of a 1 GiB log is 3 GiB of JSON Lines. Written plainly,
 * every one of its pages is a page the kernel takes fresh, fills and keeps
 * dirty; on the virtual machine measured that cost from 0.2 to 2.9 s of
 * system time a GiB, the same bytes from one run to the next. Written behind,
 * the same few MiB of pages are used again, for about 0.3 s a GiB; and the
 * file is on the disk when the run ends, not in memory that a busy host (an
 * incident's) needs for something else. The costs: the disk's writing is
 * started from the writer's thread, not the kernel's flusher; and a run is
 * never faster than the disk. */
#ifndef PGM_WRITEBEHIND_H
#define PGM_WRITEBEHIND_H

#include <stdbool.h>
#include <sys/types.h>

/* Bytes a file takes as any file before it is written behind: a report or a
 * filtered timeline stays in the cache for whoever opens it next. */
#define PGM_WRITEBEHIND_START (64 << 20)
/* Bytes between two requests to write out. */
#define PGM_WRITEBEHIND_STEP (1 << 20)
/* Bytes behind the end kept cached while they are written out: what the disk
 * is given to catch up before the writer waits for it. */
#define PGM_WRITEBEHIND_WINDOW (4 << 20)
/* What is dropped begins and ends at multiples of this: the page cache holds
 * a file in folios of up to 2 MiB (a PMD on x86-64 and arm64), aligned in the
 * file, and drops none that a range only cuts into. */
#define PGM_WRITEBEHIND_ALIGN (2 << 20)

typedef struct pgm_writebehind {
    int fd;          /* -1: not written behind (not a regular file, or the
                        file system cannot) */
    off_t base;      /* where this stream began in the file */
    off_t requested; /* written out is asked for up to here */
    off_t dropped;   /* waited for and dropped up to here */
    int err;         /* the first error the disk gave (errno), 0 if none */
} pgm_writebehind;

/* For the regular file fd, whose stream begins at offset base. */
void pgm_writebehind_init(pgm_writebehind *wb, int fd, off_t base);
/* The file now ends at `end` (every byte before it handed to write()).
 * Returns false once the disk failed to write some of it: the error is in
 * wb->err, and the file is not whole. */
bool pgm_writebehind_advance(pgm_writebehind *wb, off_t end);
/* The file was cut back to where the stream began. */
void pgm_writebehind_rewind(pgm_writebehind *wb);

#endif
