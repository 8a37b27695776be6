/* What reading or writing a file past the page cache (O_DIRECT) takes on
 * Linux, for util/directwrite and bundle/readahead: the file system's
 * alignment, buffers the disk can take in one request, and a descriptor of
 * its own for a file another part of the program reads as any.
 *
 * O_DIRECT is a flag of the open file, not of the file: set on a descriptor
 * another reader shares, it would make that reader's unaligned reads fail.
 * A read or a write of it has its memory, offset and length aligned (open(2),
 * "O_DIRECT"), where statx's STATX_DIOALIGN says to what. */
#ifndef PGM_DIRECTIO_H
#define PGM_DIRECTIO_H

#include <stddef.h>
#include <stdint.h>

/* The alignment assumed of memory, offsets and lengths when the file system
 * does not say its own: a page, which every block device's logical block
 * divides. */
#define PGM_DIRECT_ALIGN 4096u
/* A huge page on x86-64 and arm64 (a PMD): buffers are aligned to it. */
#define PGM_DIRECT_HUGE_PAGE (2u << 20)

/* The file system's own alignment for direct I/O of fd (Linux 6.1's statx),
 * else PGM_DIRECT_ALIGN; a power of two, at least that and at most `most`.
 * 0 when the file system says it cannot, or wants more than `most`. */
size_t pgm_direct_alignment(int fd, size_t most);
/* `bytes` of memory aligned to a huge page, on huge pages where the system
 * gives them (MADV_HUGEPAGE): a buffer in one physically contiguous piece goes
 * to the disk as one request and is pinned as one page. On 4 KiB pages a
 * 2 MiB buffer is 512 pieces, more than a virtio disk takes in one request
 * (254 on the machine measured). Freed with free(); NULL without memory. */
void *pgm_direct_alloc(size_t bytes);
/* Where read(2) copies out of the page cache into user memory: aligned to a
 * cache line. malloc's 16-byte alignment is half of one, and the kernel's
 * copy into it ran at a quarter of its speed on an AMD EPYC (1.2 GB read
 * in 1 MiB reads: 0.48 s of system time into memory 16 bytes off a 32-byte
 * boundary, 0.11 s into memory on one). */
#define PGM_READ_ALIGN 64u
/* `bytes` of memory aligned to PGM_READ_ALIGN, to read into; free() frees it. */
void *pgm_read_alloc(size_t bytes);
/* A descriptor of its own, opened with O_DIRECT, for the file fd is open on
 * (through /proc/self/fd, so a file renamed or replaced since is still the
 * one read). -1 when there is none: no /proc, or a file system that refuses
 * O_DIRECT (tmpfs before Linux 6.6, some FUSE ones). */
int pgm_direct_reopen(int fd);
/* The share of the file's pages in [from, to) that are in the page cache,
 * 0 to 100, told without reading them (mincore(2) of a mapping never
 * touched, so a file cut short meanwhile costs no SIGBUS); -1 when it cannot
 * tell (no memory, a file that cannot be mapped, an empty range). */
int pgm_percent_cached(int fd, uint64_t from, uint64_t to);

#endif
