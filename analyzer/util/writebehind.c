#define _GNU_SOURCE /* sync_file_range */
#include "util/writebehind.h"

#include <errno.h>
#include <fcntl.h>

void pgm_writebehind_init(pgm_writebehind *wb, int fd, off_t base)
{
    wb->fd = fd;
    wb->base = base;
    wb->err = 0;
    pgm_writebehind_rewind(wb);
}

static off_t align_down(off_t at)
{
    return at & ~(off_t)(PGM_WRITEBEHIND_ALIGN - 1);
}

void pgm_writebehind_rewind(pgm_writebehind *wb)
{
    wb->requested = wb->base + PGM_WRITEBEHIND_START;
    wb->dropped = align_down(wb->requested + PGM_WRITEBEHIND_ALIGN - 1);
}

/* A file system or a kernel that cannot (ENOSYS, EINVAL, ESPIPE) leaves the
 * file written as any; an error of the disk's is the file's. */
static bool failed(pgm_writebehind *wb)
{
    int e = errno;
    if (e == EIO || e == ENOSPC || e == EDQUOT) {
        if (!wb->err)
            wb->err = e;
        return false;
    }
    wb->fd = -1;
    return true;
}

bool pgm_writebehind_advance(pgm_writebehind *wb, off_t end)
{
    if (wb->err)
        return false;
    if (wb->fd < 0 || end - wb->requested < PGM_WRITEBEHIND_STEP)
        return true;
    if (sync_file_range(wb->fd, wb->requested, end - wb->requested, SYNC_FILE_RANGE_WRITE) != 0)
        return failed(wb);
    wb->requested = end;
    off_t keep_from = align_down(end - PGM_WRITEBEHIND_WINDOW);
    if (keep_from <= wb->dropped)
        return true;
    /* pages still being written cannot be dropped: wait for them first */
    if (sync_file_range(wb->fd, wb->dropped, keep_from - wb->dropped,
                        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                            SYNC_FILE_RANGE_WAIT_AFTER) != 0)
        return failed(wb);
    (void)posix_fadvise(wb->fd, wb->dropped, keep_from - wb->dropped, POSIX_FADV_DONTNEED);
    wb->dropped = keep_from;
    return true;
}
