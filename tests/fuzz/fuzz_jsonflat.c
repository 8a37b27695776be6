/* libFuzzer target: flattening one JSON object, then looking every key up:
 * the index must give each key's first pair, as a look along the pairs
 * does, and a value's length as a C string. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/jsonflat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgm_jsonflat j;
    pgm_jsonflat_init(&j);
    char err[128];
    if (pgm_jsonflat_parse(&j, (const char *)data, size, err, sizeof err)) {
        (void)pgm_jsonflat_get(&j, "timestamp", NULL);
        for (size_t i = 0; i < j.n; i++) {
            const pgm_json_pair *pi = &j.pairs[i];
            size_t first = 0;
            while (j.pairs[first].key_len != pi->key_len ||
                   memcmp(j.buf.p + j.pairs[first].key, j.buf.p + pi->key, pi->key_len) != 0)
                first++;
            size_t len;
            const char *v = pgm_jsonflat_get_text(&j, j.buf.p + pi->key, pi->key_len, &len);
            if (v != j.buf.p + j.pairs[first].val || len != strlen(v) || len > j.pairs[first].val_len)
                abort();
        }
    }
    pgm_jsonflat_free(&j);
    return 0;
}
