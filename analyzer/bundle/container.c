#include "bundle/container.h"

#include <string.h>

static int has(const unsigned char *h, size_t n, size_t at, const void *magic, size_t len)
{
    return n >= at + len && memcmp(h + at, magic, len) == 0;
}

bool pgm_container_tar_header(const unsigned char *h, size_t n)
{
    if (n < 512)
        return false;
    unsigned long stored = 0;
    bool seen_digit = false;
    for (size_t i = 148; i < 156; i++) {
        unsigned char c = h[i];
        if (c >= '0' && c <= '7') {
            stored = stored * 8 + (c - '0');
            seen_digit = true;
        } else if (c == ' ' || c == '\0') {
            if (seen_digit)
                break;
        } else {
            return false;
        }
    }
    if (!seen_digit)
        return false;
    unsigned long sum = 0;
    for (size_t i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum == stored && h[0] != '\0';
}

bool pgm_container_zeros(const unsigned char *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (h[i])
            return false;
    return true;
}

enum pgm_container pgm_container_detect(const unsigned char *h, size_t n, const char **label)
{
    static const struct {
        const char *label;
        enum pgm_container kind;
        size_t at;
        const char *magic;
        size_t len;
    } magics[] = {
        {"zstd", PGM_CONTAINER_ZSTD, 0, "\x28\xb5\x2f\xfd", 4},
        {"gzip", PGM_CONTAINER_GZIP, 0, "\x1f\x8b", 2},
        {"bzip2", PGM_CONTAINER_FILTER, 0, "BZh", 3},
        {"xz", PGM_CONTAINER_XZ, 0, "\xfd" "7zXZ\0", 6},
        {"lz4", PGM_CONTAINER_FILTER, 0, "\x04\x22\x4d\x18", 4},
        {"compress", PGM_CONTAINER_FILTER, 0, "\x1f\x9d", 2},
        {"lzip", PGM_CONTAINER_FILTER, 0, "LZIP", 4},
        {"lzop", PGM_CONTAINER_FILTER, 0, "\x89LZO\0", 5},
        {"zip", PGM_CONTAINER_ARCHIVE, 0, "PK\x03\x04", 4},
        {"zip", PGM_CONTAINER_ARCHIVE, 0, "PK\x05\x06", 4},
        {"zip", PGM_CONTAINER_ARCHIVE, 0, "PK\x07\x08", 4},
        {"7zip", PGM_CONTAINER_ARCHIVE, 0, "7z\xbc\xaf\x27\x1c", 6},
        {"rar", PGM_CONTAINER_ARCHIVE, 0, "Rar!\x1a\x07", 6},
        {"cpio", PGM_CONTAINER_ARCHIVE, 0, "070701", 6},
        {"cpio", PGM_CONTAINER_ARCHIVE, 0, "070702", 6},
        {"cpio", PGM_CONTAINER_ARCHIVE, 0, "070707", 6},
        {"ar", PGM_CONTAINER_ARCHIVE, 0, "!<arch>\n", 8},
        {"cab", PGM_CONTAINER_ARCHIVE, 0, "MSCF\0\0\0\0", 8},
        {"xar", PGM_CONTAINER_ARCHIVE, 0, "xar!", 4},
        {"tar", PGM_CONTAINER_ARCHIVE, 257, "ustar", 5},
    };
    const char *dummy;
    if (!label)
        label = &dummy;
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
        if (has(h, n, magics[i].at, magics[i].magic, magics[i].len)) {
            /* "BZh" must be followed by the block size digit to be bzip2. */
            if (magics[i].magic[0] == 'B' && (n < 4 || h[3] < '1' || h[3] > '9'))
                continue;
            *label = magics[i].label;
            return magics[i].kind;
        }
    }
    /* legacy .lzma: properties byte 0x5D, a power-of-two dictionary, then a
     * size that is unknown (all 0xFF) or below 2^48 */
    if (n >= 13 && h[0] == 0x5d && h[1] == 0 && h[2] <= 0x80 && h[4] == 0 &&
        ((h[5] == 0xff && h[12] == 0xff) || (h[11] == 0 && h[12] == 0))) {
        *label = "lzma";
        return PGM_CONTAINER_XZ;
    }
    /* zstd skippable frame: magic 0x184D2A5? little-endian */
    if (n >= 4 && (h[0] & 0xf0) == 0x50 && h[1] == 0x2a && h[2] == 0x4d && h[3] == 0x18) {
        *label = "zstd";
        return PGM_CONTAINER_ZSTD;
    }
    if (pgm_container_tar_header(h, n)) {
        *label = "tar";
        return PGM_CONTAINER_ARCHIVE;
    }
    /* An empty tar is nothing but its zero end blocks (10 KiB from tar(1)).
     * Only a short stream qualifies: a big run of zeros is a damaged file. */
    if (n >= 1024 && n <= 20 * 512 && n % 512 == 0 && pgm_container_zeros(h, n)) {
        *label = "tar";
        return PGM_CONTAINER_ARCHIVE;
    }
    *label = "plain";
    return PGM_CONTAINER_NONE;
}

size_t pgm_container_strip_suffix(const char *name, size_t n)
{
    static const char *const suffixes[] = {".gz", ".zst", ".zstd", ".bz2", ".xz",
                                           ".lz4", ".lzma", ".Z", ".lz", ".lzo"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t sl = strlen(suffixes[i]);
        if (n > sl && memcmp(name + n - sl, suffixes[i], sl) == 0)
            return n - sl;
    }
    return n;
}
