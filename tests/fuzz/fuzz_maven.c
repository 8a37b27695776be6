/* libFuzzer target: the pom.xml reader (config/maven.h), and the other-pool
 * test of a build file on the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config/effective.h"
#include "config/maven.h"
#include "util/rc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgm_maven_pom pom;
    if (pgm_maven_pom_read((const char *)data, size, &pom) == PGM_OK) {
        for (size_t i = 0; i < pom.n_deps; i++)
            if (!pom.deps[i].artifact || pom.deps[i].line == 0)
                __builtin_trap();
        pgm_maven_pom_free(&pom);
    }
    unsigned line;
    const char *why;
    const char *pool = pgm_config_build_other_pool((const char *)data, size, &line, &why);
    if (pool && (line == 0 || !why))
        __builtin_trap();
    return 0;
}
