/* libarchive over one of our streams: either an archive (entries) or a
 * single compressed stream (a "raw" entry). Borrows `below`. */
#ifndef PGM_ARCHIVE_LAYER_H
#define PGM_ARCHIVE_LAYER_H

#include <stdbool.h>
#include <stdint.h>

#include "bundle/source.h"

struct archive;

typedef struct pgm_archive_layer {
    struct archive *a;
    pgm_source *below;
    unsigned char *buf;
    uint64_t in_bytes, out_bytes, max_ratio;
    uint64_t pos;        /* the offset in below's stream of the next byte read */
    uint64_t buf_at;     /* ... and of buf's bytes, the last read's */
    size_t buf_len;
    uint64_t base;       /* the offset of below's byte 0 in the file, for the disk's ranges */
} pgm_archive_layer;

/* The current entry's data as a stream. */
typedef struct pgm_entry_source {
    pgm_source base;
    pgm_archive_layer *layer;
    const void *block; /* libarchive's, valid until its next call */
    size_t block_len, block_pos;
    int64_t offset;    /* of the next byte handed on, in the entry */
    uint64_t hole;     /* zeros still to hand on before the block */
    char warning[PGM_ERR_MAX]; /* libarchive's warning on the data (a checksum), if any */
    /* where the entry's bytes lie in the file (a tar's member's are one run),
     * known once libarchive hands on a block of the layer's buffer */
    uint64_t file_at;
    bool file_at_known;
    /* the disk's ranges read as NUL bytes, when the entry must end before
     * them (pgm_entry_source_stop_at_fills) */
    const pgm_unreadable *fills;
    bool stopped;      /* the next read fails at stopped_at, a file offset */
    uint64_t stopped_at;
} pgm_entry_source;

/* PGM_OK; PGM_FAILED with `err` when libarchive cannot open it; PGM_FATAL on OOM. */
int pgm_archive_layer_open(pgm_archive_layer *l, pgm_source *below, bool compressed_stream,
                           uint64_t max_ratio, char err[PGM_ERR_MAX]);
void pgm_archive_layer_close(pgm_archive_layer *l);
/* Why libarchive failed: the error of a read below it that failed, else
 * its own (NULL when it has none). */
const char *pgm_archive_layer_error(const pgm_archive_layer *l);
/* The bytes from offset `at` of below's stream to the end of the last read
 * (handed to libarchive, not all consumed): their count, 0 when `at` is not
 * in it. Valid until libarchive reads again. */
size_t pgm_archive_layer_unread(const pgm_archive_layer *l, uint64_t at, const unsigned char **bytes);
void pgm_entry_source_init(pgm_entry_source *s, pgm_archive_layer *l);
/* From here on the entry ends, as at a read error, before the first byte the
 * disk could not read and `fills` says was read as NUL bytes: a compressed
 * member, which would decode them as garbage. When one lies in the bytes it
 * handed on already, true with their count before it in *handed (the next
 * read fails). */
bool pgm_entry_source_stop_at_fills(pgm_entry_source *s, const pgm_unreadable *fills, uint64_t *handed);

#endif
