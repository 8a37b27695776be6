/* A growable byte buffer with a hard cap (curl's dynbuf idea): growth past
 * `cap` fails instead of eating memory. The buffer owns its bytes; the text
 * is always NUL-terminated so it can be handed to C string functions. */
#ifndef PGM_STRBUF_H
#define PGM_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct pgm_strbuf {
    char *p;
    size_t len;
    size_t alloc;
    size_t cap;
} pgm_strbuf;

void pgm_strbuf_init(pgm_strbuf *b, size_t cap);
void pgm_strbuf_free(pgm_strbuf *b);
void pgm_strbuf_reset(pgm_strbuf *b);
/* All appenders return 0, or -1 when memory or the cap ran out (buffer unchanged). */
int pgm_strbuf_add_slow(pgm_strbuf *b, const void *data, size_t n);
/* Inline when the bytes fit in what is allocated: it is called per field. */
static inline int pgm_strbuf_add(pgm_strbuf *b, const void *data, size_t n)
{
    if (b->alloc - b->len > n && b->alloc) {
        if (n)
            memcpy(b->p + b->len, data, n);
        b->len += n;
        b->p[b->len] = '\0';
        return 0;
    }
    return pgm_strbuf_add_slow(b, data, n);
}
int pgm_strbuf_addstr(pgm_strbuf *b, const char *s);
/* Room for n more bytes (and the NUL) at the end, for a writer that fills
 * it itself: the place to write, or NULL (memory, cap). Then commit what
 * was written. */
char *pgm_strbuf_room_slow(pgm_strbuf *b, size_t n);
static inline char *pgm_strbuf_room(pgm_strbuf *b, size_t n)
{
    if (b->alloc && b->alloc - b->len > n)
        return b->p + b->len;
    return pgm_strbuf_room_slow(b, n);
}
static inline void pgm_strbuf_commit(pgm_strbuf *b, size_t n)
{
    b->len += n;
    b->p[b->len] = '\0';
}
int pgm_strbuf_addf(pgm_strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int pgm_strbuf_vaddf(pgm_strbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Hands the bytes to the caller (to free()); the buffer is left empty. */
char *pgm_strbuf_take(pgm_strbuf *b);

#endif
