/* Which container a stream is, from its first bytes (never from its name). */
#ifndef PGM_CONTAINER_H
#define PGM_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

enum pgm_container {
    PGM_CONTAINER_NONE,     /* a plain file */
    PGM_CONTAINER_ZSTD,     /* decoded with libzstd */
    PGM_CONTAINER_GZIP,     /* decoded with zlib */
    PGM_CONTAINER_XZ,       /* xz and legacy lzma, decoded with liblzma */
    PGM_CONTAINER_FILTER,   /* bzip2, lz4, compress, lzip: libarchive filter */
    PGM_CONTAINER_ARCHIVE   /* tar, zip, 7z, rar, cpio, ar, cab, xar: libarchive format */
};

/* `label` receives a short name ("gzip", "tar", ...) for messages. */
enum pgm_container pgm_container_detect(const unsigned char *head, size_t n, const char **label);

/* Whether h (n bytes) begins with a tar header: a name and the checksum its
 * field holds. A header without the ustar magic (v7) still has one. */
bool pgm_container_tar_header(const unsigned char *h, size_t n);

/* Whether n bytes at h are all zero: a tar's end blocks and padding. */
bool pgm_container_zeros(const unsigned char *h, size_t n);

/* Length of `name` without a compression suffix (.gz .zst ...), for hints. */
size_t pgm_container_strip_suffix(const char *name, size_t n);

#endif
