/* libFuzzer target: flattening one JSON object, then looking a key up. */
#include <stddef.h>
#include <stdint.h>

#include "text/jsonflat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgm_jsonflat j;
    pgm_jsonflat_init(&j);
    char err[128];
    if (pgm_jsonflat_parse(&j, (const char *)data, size, err, sizeof err))
        (void)pgm_jsonflat_get(&j, "timestamp", NULL);
    pgm_jsonflat_free(&j);
    return 0;
}
