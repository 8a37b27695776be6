/* libFuzzer target: the CSV record reader, line by line as the readers feed it;
 * each record's fields lie one after another, each ending with a NUL. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
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
        if (pgm_csv_feed(&r, line, n, ++lineno, &rec) == 1) {
            /* each field's bytes end with a NUL, and the next field starts after it */
            for (size_t i = 0; i < rec->n_fields; i++)
                if (pgm_csv_field_text(rec, i)[rec->fields[i].len] != '\0' ||
                    (i && rec->fields[i].off != rec->fields[i - 1].off + rec->fields[i - 1].len + 1))
                    abort();
        }
        line += n + 1;
    }
    pgm_csv_finish(&r, &rec);
    pgm_csv_free(&r);
    return 0;
}
