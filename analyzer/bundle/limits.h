/* Every bound the bundle reader enforces, in one table. Each has a CLI
 * option to raise it (see pgmortem --help); 0 means "no limit" there. */
#ifndef PGM_LIMITS_H
#define PGM_LIMITS_H

#include <stddef.h>
#include <stdint.h>

/* Container layers (archive or compression) one inside the other: a .tar.zst
 * is two. Real bundles use three or four; archive-in-archive bombs use dozens. */
#define PGM_LIMIT_DEPTH_DEFAULT 8u
/* Archive entries read in one run, nested archives' included, before the
 * rest is skipped: the whole run's bound on what the inventory keeps. */
#define PGM_LIMIT_ENTRIES_DEFAULT 100000u
/* Bytes of file content delivered in one run, after decompression. */
#define PGM_LIMIT_TOTAL_BYTES_DEFAULT (64ull << 30)
/* Output:input ratio of one decompression layer, checked once the layer has
 * produced PGM_RATIO_MIN_OUTPUT bytes. Server logs compress 10-40:1 with zstd
 * -19; deflate can reach 1032:1 only on runs of one byte. */
#define PGM_LIMIT_RATIO_DEFAULT 250u
#define PGM_RATIO_MIN_OUTPUT (16ull << 20)
/* A longer line is cut to this length (with a warning) instead of buffered. */
#define PGM_LIMIT_LINE_DEFAULT (1u << 20)

/* Not user-tunable: internal buffer sizes and structural bounds. */
#define PGM_SNIFF_HEAD_BYTES (64u << 10)  /* what the sniffer sees of each file */
#define PGM_IO_CHUNK_BYTES (256u << 10)   /* one read from a stream */
#define PGM_MAX_DIR_DEPTH 64u             /* directories below an input argument */
#define PGM_MAX_DISPLAY_PATH 8192u        /* "a.tar.zst!b.zip!c.log" */
#define PGM_MAX_SHOWN_PATH (4u * PGM_MAX_DISPLAY_PATH + 64u) /* escaped: \\xNN a byte at most */
#define PGM_LONG_NAME_SHOWN 64u           /* bytes shown of a member name too long to read */
#define PGM_ZSTD_WINDOW_LOG_MAX 27        /* zstd's own default: 128 MiB window */
/* Memory the xz decoder may take: xz -9 needs 65 MiB to decode (xz(1)). */
#define PGM_XZ_MEMLIMIT (256ull << 20)
/* Damaged archive headers in a row that leave the reader where it was: a
 * format that cannot skip a bad header (tar's reader moves on a block each
 * time, as tar(1) does, and is followed as far as the damage goes). */
#define PGM_MAX_HEADER_FAILURES 8u
/* What is decoded after the content was walked (a tar's end padding), to
 * reach the stream's checksum; more than this is left unchecked, said. */
#define PGM_TRAILER_CHECK_BYTES (16ull << 20)
/* Times one tar is read on past a block of zeros that ended it early (a
 * zeroed header: a crashed disk, a bad block read as NUL bytes); past it the
 * rest is not read, said. */
#define PGM_TAR_MAX_RESUMES 64u

typedef struct pgm_bundle_limits {
    unsigned max_depth;
    uint64_t max_entries;
    uint64_t max_total_bytes;
    uint64_t max_ratio;
    size_t max_line;
} pgm_bundle_limits;

static inline pgm_bundle_limits pgm_bundle_limits_default(void)
{
    pgm_bundle_limits l = {PGM_LIMIT_DEPTH_DEFAULT, PGM_LIMIT_ENTRIES_DEFAULT,
                           PGM_LIMIT_TOTAL_BYTES_DEFAULT, PGM_LIMIT_RATIO_DEFAULT,
                           PGM_LIMIT_LINE_DEFAULT};
    return l;
}



/* True when a decompression layer has produced too much for what it read. */
static inline int pgm_ratio_exceeded(uint64_t in, uint64_t out, uint64_t max_ratio)
{
    if (max_ratio == 0 || out < PGM_RATIO_MIN_OUTPUT)
        return 0;
    return out / (in ? in : 1) >= max_ratio;
}
#endif
