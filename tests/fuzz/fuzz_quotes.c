/* libFuzzer target: the census of a report's citations (report/quotes.h),
 * which reads the report's own text for "E<n>:<line>". Whatever the text,
 * every citation wanted has an input and a line of at least 1, none twice,
 * and no more than PGM_QUOTES_MAX are kept (the rest counted). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "report/quotes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgm_quotes q;
    pgm_quotes_init(&q);
    pgm_quotes_want_text(&q, (const char *)data, size);
    if (q.n > PGM_QUOTES_MAX)
        abort();
    for (size_t i = 0; i < q.n; i++) {
        if (!q.v[i].input || !q.v[i].line)
            abort();
        for (size_t k = i + 1; k < q.n; k++)
            if (q.v[i].input == q.v[k].input && q.v[i].line == q.v[k].line)
                abort();
    }
    pgm_quotes_free(&q);
    return 0;
}
