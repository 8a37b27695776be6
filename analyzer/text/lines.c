#include "text/lines.h"

#include <stdlib.h>
#include <string.h>

#include "bundle/limits.h"

uint64_t pgm_count_newlines(const char *p, size_t n)
{
    uint64_t count = 0;
    for (const char *e = p + n; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
        count++;
    return count;
}

int pgm_lines_init(pgm_line_reader *r, pgm_source *src, size_t max_line)
{
    memset(r, 0, sizeof *r);
    r->src = src;
    r->max_line = max_line ? max_line : SIZE_MAX / 2 - PGM_IO_CHUNK_BYTES;
    /* Start small; grow up to max_line + one read when a long line needs it. */
    r->alloc = 2 * PGM_IO_CHUNK_BYTES;
    r->buf = malloc(r->alloc);
    return r->buf ? PGM_OK : PGM_FATAL;
}

void pgm_lines_free(pgm_line_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

/* Makes room for one more read; -1 when memory ran out. */
static int make_room(pgm_line_reader *r)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->alloc - r->end >= PGM_IO_CHUNK_BYTES)
        return 0;
    size_t want = r->alloc * 2;
    size_t most = r->max_line + PGM_IO_CHUNK_BYTES + 1;
    if (want > most)
        want = most;
    if (want <= r->alloc)
        return 0; /* full: the caller cuts the line */
    unsigned char *p = realloc(r->buf, want);
    if (!p)
        return -1;
    r->buf = p;
    r->alloc = want;
    return 0;
}

/* A failed stream ends the text where it failed: the lines buffered before
 * it are still handed on, and -1 comes once they are out. */
static void fill(pgm_line_reader *r)
{
    if (make_room(r)) {
        pgm_source_fail(r->src, "out of memory");
        r->eof = true;
        return;
    }
    size_t room = r->alloc - r->end;
    if (room == 0)
        return;
    ptrdiff_t n = pgm_source_read(r->src, r->buf + r->end, room < PGM_IO_CHUNK_BYTES ? room
                                                                                     : PGM_IO_CHUNK_BYTES);
    if (n <= 0) {
        r->eof = true;
        return;
    }
    r->end += (size_t)n;
    r->bytes_read += (uint64_t)n;
}

/* Decides the line ends on the buffered start of the stream: bare '\r'
 * only when there is a '\r' and no '\n' at all. */
static void decide_ends(pgm_line_reader *r)
{
    const unsigned char *b = r->buf + r->start;
    size_t avail = r->end - r->start;
    r->ends_known = true;
    r->cr_ends = !memchr(b, '\n', avail) && memchr(b, '\r', avail);
}

int pgm_lines_next(pgm_line_reader *r, const char **line, size_t *len)
{
    r->truncated = false;
    r->cut_bytes = 0;
    /* the line a piece was returned of goes on: its number stays */
    bool same_line = r->piece;
    r->piece = false;
    for (;;) {
        unsigned char *b = r->buf + r->start;
        size_t avail = r->end - r->start;
        if (!r->ends_known) {
            if (avail < PGM_IO_CHUNK_BYTES && !r->eof) {
                fill(r);
                continue;
            }
            decide_ends(r);
        }
        unsigned char *nl = avail ? memchr(b, r->cr_ends ? '\r' : '\n', avail) : NULL;
        if (r->dropping) {
            /* Still skipping the tail of a cut line. */
            if (nl) {
                r->start += (size_t)(nl - b) + 1;
                r->dropping = false;
                continue;
            }
            r->start = r->end;
            if (r->eof)
                return r->src->failed ? -1 : 0;
            fill(r);
            continue;
        }
        size_t linelen = nl ? (size_t)(nl - b) : avail;
        if (r->pieces && (linelen > r->max_line || (!nl && avail >= r->max_line && !r->eof))) {
            *line = (const char *)b;
            *len = r->max_line;
            r->piece = true;
            r->lineno += !same_line;
            r->start += r->max_line;
            return 1;
        }
        if (linelen > r->max_line || (!nl && avail >= r->max_line && !r->eof)) {
            *line = (const char *)b;
            *len = r->max_line;
            r->truncated = true;
            r->lineno++;
            if (nl) {
                r->cut_bytes = linelen - r->max_line;
                r->start += linelen + 1;
            } else {
                r->start = r->end;
                r->dropping = true;
            }
            /* The returned bytes stay put: nothing moves until the next call. */
            return 1;
        }
        if (nl) {
            *line = (const char *)b;
            *len = linelen;
            r->start += linelen + 1;
            r->lineno += !same_line;
            if (r->cr_ends) {
                r->cr_lines++;
                /* a "\r\n" after all: the '\n' belongs to this end */
                if (r->start < r->end && r->buf[r->start] == '\n')
                    r->start++;
            }
            return 1;
        }
        if (r->eof) {
            if (avail == 0)
                return r->src->failed ? -1 : 0;
            *line = (const char *)b;
            *len = avail;
            r->start = r->end;
            r->lineno += !same_line;
            return 1;
        }
        fill(r);
    }
}
