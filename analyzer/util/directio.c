#define _GNU_SOURCE /* O_DIRECT, statx */
#include "util/directio.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

size_t pgm_direct_alignment(int fd, size_t most)
{
    size_t a = PGM_DIRECT_ALIGN;
#ifdef STATX_DIOALIGN
    struct statx sx;
    if (statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) == 0 && (sx.stx_mask & STATX_DIOALIGN)) {
        size_t want = sx.stx_dio_offset_align > sx.stx_dio_mem_align ? sx.stx_dio_offset_align
                                                                     : sx.stx_dio_mem_align;
        if (want == 0) /* the file system cannot: no direct I/O */
            return 0;
        while (a < want && a < most)
            a <<= 1;
        if (a < want)
            return 0;
    }
#endif
    return a <= most ? a : 0;
}

void *pgm_direct_alloc(size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, PGM_DIRECT_HUGE_PAGE, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
#endif
    return p;
}

void *pgm_read_alloc(size_t bytes)
{
    void *p = NULL;
    return posix_memalign(&p, PGM_READ_ALIGN, bytes ? bytes : 1) == 0 ? p : NULL;
}

int pgm_direct_reopen(int fd)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int own = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (own < 0)
        return -1;
    /* the same file, not another one /proc resolved to */
    struct stat a, b;
    if (fstat(fd, &a) != 0 || fstat(own, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
        close(own);
        return -1;
    }
    return own;
}

int pgm_percent_cached(int fd, uint64_t from, uint64_t to)
{
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), start = from & ~(page - 1);
    if (to <= from || to - start > SIZE_MAX / 2)
        return -1;
    size_t len = (size_t)(to - start), pages = (len + page - 1) / page;
    void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)start);
    if (map == MAP_FAILED)
        return -1;
    unsigned char *in = malloc(pages);
    int share = -1;
    if (in && mincore(map, len, in) == 0) {
        size_t cached = 0;
        for (size_t i = 0; i < pages; i++)
            cached += in[i] & 1;
        share = (int)(cached * 100 / pages);
    }
    free(in);
    munmap(map, len);
    return share;
}
