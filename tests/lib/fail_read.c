/* A bad block on a disk, for tests/cli/damaged.py: loaded with LD_PRELOAD,
 * it makes every read() and pread() of a regular file that would read a
 * byte of [PGM_TEST_EIO_AT, PGM_TEST_EIO_AT + PGM_TEST_EIO_BYTES) (4096
 * bytes when not given) fail with EIO, as a read of a bad sector does
 * (read(2): EIO, "a low-level I/O error occurred while reading"); reads
 * around it succeed. Pipes are left alone; with PGM_TEST_EIO_FILE, every
 * file but that one (the timeline's temporary files) too.
 * PGM_TEST_READ_ERRNO=ESTALE fails them with ESTALE instead (read(2) on
 * NFS: "stale file handle", the file gone from the server): an error no
 * reading again gets past.
 *
 * Under AddressSanitizer the run needs ASAN_OPTIONS=verify_asan_link_order=0:
 * this library comes before ASan's runtime, whose read and pread it calls. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Whether fd is the file the bad block is on: PGM_TEST_EIO_FILE when given
 * (the same inode), else any regular file (a temporary file too). */
static bool on_bad_disk(int fd)
{
    struct stat st, bad;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    const char *file = getenv("PGM_TEST_EIO_FILE");
    return !file || (stat(file, &bad) == 0 && bad.st_dev == st.st_dev && bad.st_ino == st.st_ino);
}

/* Whether n bytes at `at` of fd touch the bad block. */
static bool touches_bad_block(int fd, size_t n, off_t at)
{
    const char *from = getenv("PGM_TEST_EIO_AT"), *bytes = getenv("PGM_TEST_EIO_BYTES");
    if (!from || n == 0 || at < 0)
        return false;
    long long bad_at = atoll(from), bad_len = bytes ? atoll(bytes) : 4096;
    return at < bad_at + bad_len && at + (off_t)n > bad_at && on_bad_disk(fd);
}

/* The errno a read of the bad block fails with. */
static int bad_block_errno(void)
{
    const char *name = getenv("PGM_TEST_READ_ERRNO");
    return name && strcmp(name, "ESTALE") == 0 ? ESTALE : EIO;
}

static void *next_named(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

/* pread or pread64 (real_name), unless the bytes touch the bad block */
static ssize_t pread_unless_bad(const char *real_name, int fd, void *buf, size_t n, off_t at)
{
    ssize_t (*real)(int, void *, size_t, off_t) = next_named(real_name);
    if (touches_bad_block(fd, n, at)) {
        errno = bad_block_errno();
        return -1;
    }
    return real(fd, buf, n, at);
}

ssize_t pread(int fd, void *buf, size_t n, off_t at)
{
    return pread_unless_bad("pread", fd, buf, n, at);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t at)
{
    return pread_unless_bad("pread64", fd, buf, n, at);
}

ssize_t read(int fd, void *buf, size_t n)
{
    ssize_t (*real)(int, void *, size_t) = next_named("read");
    if (touches_bad_block(fd, n, lseek(fd, 0, SEEK_CUR))) {
        errno = bad_block_errno();
        return -1;
    }
    return real(fd, buf, n);
}
