/* libFuzzer target: the pg_stat_activity dump reader in every form. The first
 * byte picks the form; the rest is fed line by line. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_lines.h"

#include "activity/psa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void feed(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    pgm_psa_feed(ctx, line, n, lineno);
}

static const char *const forms[] = {"aligned", "expanded", "unaligned", "csv", "copy_text", "json"};

static void on_snapshot(void *ctx, const pgm_psa_snapshot *s)
{
    (void)ctx;
    for (size_t i = 0; i < s->n_rows; i++)
        for (int c = 0; c < PGM_PSA_NCOLS; c++) {
            const char *v = pgm_psa_value(s, &s->rows[i], (enum pgm_psa_col)c);
            if (v)
                (void)strlen(v);
            (void)pgm_psa_time(s, &s->rows[i], (enum pgm_psa_col)c);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    pgm_psa_reader *r;
    char err[PGM_ERR_MAX];
    if (pgm_psa_open(&r, forms[data[0] % 6], on_snapshot, NULL, err) != PGM_OK)
        return 0;
    fuzz_feed_lines(data + 1, size - 1, feed, r);
    pgm_psa_finish(r);
    (void)pgm_psa_unparsed(r, NULL);
    pgm_psa_close(r);
    return 0;
}
