/* RFC 4180 records from physical lines, as csvlog and psql --csv / COPY CSV
 * write them: a quoted field may hold commas, doubled quotes and raw newlines,
 * so one record can span many lines. An unquoted empty field (NULL in COPY
 * and csvlog) is told apart from a quoted empty one (""). */
#ifndef PGM_CSV_H
#define PGM_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

#define PGM_CSV_MAX_FIELDS 512
/* A longer record is dropped (counted), as a cut line would be. */
#define PGM_CSV_MAX_RECORD (1u << 20)

typedef struct pgm_csv_field {
    size_t off, len;  /* into the record's text (quotes removed, "" undoubled) */
    bool quoted;      /* false and len 0: NULL */
} pgm_csv_field;

typedef struct pgm_csv_record {
    const char *text;
    pgm_csv_field fields[PGM_CSV_MAX_FIELDS];
    size_t n_fields;
    uint64_t first_line, last_line;
} pgm_csv_record;

typedef struct pgm_csv_reader {
    pgm_strbuf text;       /* the current record, unquoted */
    pgm_csv_record rec;
    bool in_record, in_quotes, after_quote, field_started;
    size_t field_start;
    bool overflow;         /* too many fields or bytes: the record is dropped */
    uint64_t records, dropped;
} pgm_csv_reader;

void pgm_csv_init(pgm_csv_reader *r);
void pgm_csv_free(pgm_csv_reader *r);
/* Feeds one physical line (without its newline). Returns 1 with *out set when
 * the line completes a record (valid until the next call), 0 when the record
 * goes on, -1 when a record was dropped (over a limit). */
int pgm_csv_feed(pgm_csv_reader *r, const char *line, size_t n, uint64_t lineno,
                 const pgm_csv_record **out);
/* At the end of input: 1 with *out when an unterminated quoted record was
 * pending (it is returned as it stands), else 0. */
int pgm_csv_finish(pgm_csv_reader *r, const pgm_csv_record **out);

static inline const char *pgm_csv_field_text(const pgm_csv_record *rec, size_t i)
{
    return rec->text + rec->fields[i].off;
}

#endif
