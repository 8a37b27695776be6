#include "text/csv.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void pgm_csv_init(pgm_csv_reader *r)
{
    memset(r, 0, sizeof *r);
    pgm_strbuf_init(&r->text, PGM_CSV_MAX_RECORD);
}

void pgm_csv_free(pgm_csv_reader *r)
{
    pgm_strbuf_free(&r->text);
}

static void start_record(pgm_csv_reader *r, uint64_t lineno)
{
    pgm_strbuf_reset(&r->text);
    r->rec.n_fields = 0;
    r->rec.first_line = lineno;
    r->in_record = true;
    r->in_quotes = r->after_quote = r->field_started = false;
    r->field_start = 0;
    r->overflow = false;
}

static void add_bytes(pgm_csv_reader *r, const char *p, size_t n)
{
    if (!r->overflow && pgm_strbuf_add(&r->text, p, n))
        r->overflow = true;
}

/* The bytes of s[0..n) before the first `stop` (all of them when none)
 * added to the record's text; returns how many. With SSE2, while the line
 * has sixteen bytes left and the text room for them, a block is stored
 * before it is looked at (the bytes stored past the run's end are written
 * over next): one pass, and no calls, where a search and a copy were two
 * calls for every field of a csvlog line (26 of them). */
static size_t copy_until(pgm_csv_reader *r, const char *s, size_t n, char stop)
{
    size_t i = 0;
#if defined(__SSE2__)
    pgm_strbuf *b = &r->text;
    if (!r->overflow && b->alloc) {
        /* in locals: a store through char * may alias the reader's fields */
        char *dst = b->p + b->len, *room_end = b->p + b->alloc;
        const __m128i want = _mm_set1_epi8(stop);
        unsigned mask = 0;
        while (n - i >= 16 && room_end - dst > 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            _mm_storeu_si128((__m128i *)(void *)dst, x);
            mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, want));
            size_t k = mask ? (size_t)__builtin_ctz(mask) : 16;
            i += k;
            dst += k;
            if (mask)
                break;
        }
        *dst = '\0';
        b->len = (size_t)(dst - b->p);
        if (mask)
            return i;
    }
#endif
    const char *q = memchr(s + i, stop, n - i);
    size_t run = q ? (size_t)(q - (s + i)) : n - i;
    add_bytes(r, s + i, run);
    return i + run;
}

static void end_field(pgm_csv_reader *r, bool quoted)
{
    if (r->rec.n_fields == PGM_CSV_MAX_FIELDS) {
        r->overflow = true;
        return;
    }
    pgm_csv_field *f = &r->rec.fields[r->rec.n_fields++];
    f->off = r->field_start;
    f->len = r->text.len - r->field_start;
    f->quoted = quoted;
    /* fields are NUL-separated in the text so each can be used as a C string */
    add_bytes(r, "", 1);
    r->field_start = r->text.len;
}

int pgm_csv_feed(pgm_csv_reader *r, const char *line, size_t n, uint64_t lineno,
                 const pgm_csv_record **out)
{
    if (!r->in_record)
        start_record(r, lineno);
    else
        add_bytes(r, "\n", 1); /* the newline inside a quoted field */
    bool quoted_field = r->after_quote || r->in_quotes;
    size_t i = 0;
    while (i < n) {
        char c = line[i];
        if (r->in_quotes) {
            if (c == '"') {
                if (i + 1 < n && line[i + 1] == '"') {
                    add_bytes(r, "\"", 1);
                    i += 2;
                    continue;
                }
                r->in_quotes = false;
                r->after_quote = true;
                i++;
                continue;
            }
            /* a run of ordinary bytes at once */
            i += copy_until(r, line + i, n - i, '"');
            continue;
        }
        if (c == ',') {
            end_field(r, quoted_field);
            quoted_field = false;
            r->after_quote = false;
            r->field_started = false;
            i++;
            continue;
        }
        if (c == '"' && !r->field_started && !r->after_quote) {
            r->in_quotes = true;
            r->field_started = true;
            quoted_field = true;
            i++;
            continue;
        }
        /* unquoted bytes (or stray ones after a closing quote: kept, as lenient readers do) */
        i += copy_until(r, line + i, n - i, ',');
        r->field_started = true;
    }
    if (r->in_quotes) {
        r->after_quote = false;
        return 0; /* the record goes on on the next line */
    }
    end_field(r, quoted_field);
    r->in_record = false;
    r->rec.last_line = lineno;
    if (r->overflow) {
        r->dropped++;
        return -1;
    }
    r->records++;
    r->rec.text = r->text.p;
    *out = &r->rec;
    return 1;
}

int pgm_csv_finish(pgm_csv_reader *r, const pgm_csv_record **out)
{
    if (!r->in_record)
        return 0;
    r->in_quotes = false;
    end_field(r, true);
    r->in_record = false;
    if (r->overflow) {
        r->dropped++;
        return 0;
    }
    r->records++;
    r->rec.text = r->text.p;
    *out = &r->rec;
    return 1;
}
