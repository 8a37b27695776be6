/* libFuzzer target: the CSV record reader, line by line as the readers feed it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "text/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    pgm_csv_reader r;
    pgm_csv_init(&r);
    const pgm_csv_record *rec;
    uint64_t lineno = 0;
    for (const char *line = s; line < s + size;) {
        const char *e = memchr(line, '\n', (size_t)(s + size - line));
        size_t n = e ? (size_t)(e - line) : (size_t)(s + size - line);
        if (pgm_csv_feed(&r, line, n, ++lineno, &rec) == 1 && rec->n_fields)
            (void)pgm_csv_field_text(rec, rec->n_fields - 1);
        line += n + 1;
    }
    pgm_csv_finish(&r, &rec);
    pgm_csv_free(&r);
    return 0;
}
