#include "text/csv.h"

#include <string.h>

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
            const char *q = memchr(line + i, '"', n - i);
            size_t run = q ? (size_t)(q - line - i) : n - i;
            add_bytes(r, line + i, run);
            i += run;
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
        const char *comma = memchr(line + i, ',', n - i);
        size_t run = comma ? (size_t)(comma - line - i) : n - i;
        add_bytes(r, line + i, run);
        r->field_started = true;
        i += run;
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
