/* libFuzzer target: the bundle reader and everything an inventory does with
 * what it finds (container detection, libarchive, zstd, sniffing, lines,
 * timestamps, UTF-8 checks), over one in-memory input. */
#include <stddef.h>
#include <stdint.h>

#include "inventory/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    lim.max_total_bytes = 8u << 20; /* keep each run short */
    lim.max_line = 4096;
    lim.max_entries = 64;
    pgm_mem_source src;
    pgm_mem_source_init(&src, data, size);
    pgm_inventory inv;
    pgm_inventory_init(&inv);
    pgm_inventory_run_source(&inv, &src.base, "fuzz.bin", &lim);
    pgm_inventory_free(&inv);
    return 0;
}
