/* Writing a large file past the page cache: with O_DIRECT, from a thread of
 * its own that waits for the disk while the caller goes on.
 *
 * Why: a timeline of a 1 GiB log is 3 GiB of JSON Lines. Through the page
 * cache every byte of it is copied by the kernel into pages it takes fresh,
 * on the writer's CPU: a fifth of a one-thread timeline's time into a file,
 * where the same run into /dev/null spends none (written behind, see
 * util/writebehind.h, the cost is smaller but stays). Written directly, the
 * disk takes the bytes from the buffer they were gathered in, and the
 * writing thread only waits. PostgreSQL opens its WAL so when nothing will
 * read it back soon (get_sync_bit() in src/backend/access/transam/xlog.c:
 * wal_level minimal, an open_sync method), and dd does with oflag=direct.
 *
 * The bytes are gathered in PGM_DIRECT_BUFFERS aligned buffers of
 * PGM_DIRECT_BUFFER bytes: one is filled while the others are written.
 * Offsets and lengths are multiples of the file system's direct I/O
 * alignment (statx's STATX_DIOALIGN, PGM_DIRECT_ALIGN when it does not say);
 * the last partial block goes through the page cache at the end. A file
 * system that refuses O_DIRECT is written as before (pgm_direct_start returns
 * NULL). The costs: a thread, PGM_DIRECT_BUFFERS * PGM_DIRECT_BUFFER bytes of
 * memory, and a run is never faster than the disk. */
#ifndef PGM_DIRECTWRITE_H
#define PGM_DIRECTWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/directio.h"

/* Bytes in one write to the disk: a huge page's (see make_buffers). */
#define PGM_DIRECT_BUFFER (2u << 20)
/* Buffers: one being filled, the others queued for or in a write. */
#define PGM_DIRECT_BUFFERS 4

typedef struct pgm_direct pgm_direct;

/* Where direct writing of fd may start at or after `end` (the file's end):
 * the next multiple of the alignment. The bytes before it are written as
 * any (pgm_direct_start wants an aligned offset). */
off_t pgm_direct_aligned_from(int fd, off_t end);
/* Starts writing the regular file fd directly at offset `at` (which
 * pgm_direct_aligned_from gave), every later byte through pgm_direct_write.
 * NULL when it cannot (the file system refuses O_DIRECT, no memory, no
 * thread): the caller writes as before; the fd is left as it was. */
pgm_direct *pgm_direct_start(int fd, off_t at);
/* Appends n bytes. False once a write has failed: the error is the one
 * pgm_direct_finish returns, the rest is dropped. */
bool pgm_direct_write(pgm_direct *d, const void *p, size_t n);
/* Writes what is left (the last partial block through the page cache),
 * waits for every write, ends the thread, gives the fd back its flags and
 * puts its offset at the end of what was written. 0, or the errno of the
 * first write that failed (the file is then not whole). Frees d. */
int pgm_direct_finish(pgm_direct *d);

#endif
