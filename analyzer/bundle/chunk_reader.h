/* The chunks of a plain file, read in their order past the page cache by a
 * thread of its own for the threads that parse them (pipeline/parallel.c,
 * --jobs): each chunk lands whole in a buffer of its own, put there by the
 * disk (O_DIRECT), and is handed to the next thread that asks. Read as any,
 * every byte of the file is copied out of the page cache by the kernel on a
 * parsing thread's CPU, twice: a first pass counted each chunk's lines, for
 * the number of its first line. Read in order here, a chunk's first line is
 * known when it is read (the thread counts the lines of those before), and
 * that pass is spared. Otherwise the thread waits for the disk.
 *
 * The thread reads PGM_CHUNK_READER_AHEAD chunks beyond those the parsing
 * threads hold. Chunks are taken in their order, and given back in any. */
#ifndef PGM_CHUNK_READER_H
#define PGM_CHUNK_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/source.h"

/* Chunks read beyond those held: the disk's work overlaps the parsing. */
#define PGM_CHUNK_READER_AHEAD 2u
/* The longest chunk read so (it is read whole into memory): a longer one
 * leaves the file to be read as before. */
#define PGM_CHUNK_READER_MAX_CHUNK (64u << 20)

typedef struct pgm_chunk_reader pgm_chunk_reader;

/* Starts reading the regular file fd's chunks [0, ends[0]), [ends[0],
 * ends[1]), ... (n of them) for `holders` threads that each hold one at a
 * time. NULL when it cannot (a file system that refuses O_DIRECT, a chunk
 * over PGM_CHUNK_READER_MAX_CHUNK, no memory or thread): the caller reads
 * as before. fd is borrowed. */
pgm_chunk_reader *pgm_chunk_reader_open(int fd, const uint64_t *ends, size_t n, unsigned holders);
/* The next chunk in the file's order: its index and bytes, valid until given
 * back (bytes past the file's end, when it was cut short since, are not
 * there: *len is what was read), and the newlines in the chunks before it.
 * A chunk a read failed in comes with the bytes before the failure. False
 * when every chunk was taken, or every chunk up to the one a read failed in
 * (pgm_chunk_reader_close says which read). */
bool pgm_chunk_reader_take(pgm_chunk_reader *r, size_t *index, const char **bytes, size_t *len,
                           uint64_t *newlines_before);
/* Gives a taken chunk's buffer back for the chunks to come. */
void pgm_chunk_reader_give_back(pgm_chunk_reader *r, size_t index);
/* Stops the thread (chunks not taken are not read), frees everything: 0,
 * or the errno of the read that failed, with the file offset it failed at
 * in *failed_at. The blocks the disk could not read, read as NUL bytes
 * (bundle/source.h), are added to *unreadable. No chunk may still be held. */
int pgm_chunk_reader_close(pgm_chunk_reader *r, pgm_unreadable *unreadable, uint64_t *failed_at);

#endif
