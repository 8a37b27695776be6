/* libFuzzer target: the pg_stat_activity dump reader in every form. The first
 * byte picks the form; the rest is fed line by line. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "activity/psa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    const char *s = (const char *)data + 1, *end = (const char *)data + size;
    uint64_t lineno = 0;
    while (s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        size_t n = e ? (size_t)(e - s) : (size_t)(end - s);
        pgm_psa_feed(r, s, n, ++lineno);
        s += n + 1;
    }
    pgm_psa_finish(r);
    (void)pgm_psa_unparsed(r, NULL);
    pgm_psa_close(r);
    return 0;
}
