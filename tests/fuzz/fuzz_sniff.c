/* libFuzzer target: the sniffer and the timestamp scanner on raw bytes. The
 * first byte picks a file name hint, since the name breaks ties. */
#include <stddef.h>
#include <stdint.h>

#include "sniff/sniff.h"
#include "text/timestamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"", "postgresql.conf", "application.yml",
                                        "application.properties", "hikari.properties",
                                        ".env", "deploy.yaml", "postgresql.auto.conf"};
    if (size == 0)
        return 0;
    const char *name = names[data[0] % (sizeof names / sizeof names[0])];
    pgm_sniff s = pgm_sniff_file(name, data + 1, size - 1, (data[0] & 0x80) != 0);
    (void)pgm_kind_name(s.kind);
    pgm_ts_parse ts;
    if (pgm_ts_find((const char *)data + 1, size - 1, size, &ts)) {
        char iso[PGM_TS_ISO_LEN];
        pgm_ts_format_iso(ts.us, iso);
    }
    return 0;
}
