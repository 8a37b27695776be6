/* libFuzzer target: the application configuration readers and the effective
 * configuration built from them. The first byte picks the form (properties,
 * YAML, hikari.properties, .env, Kubernetes) and the file name (a profile
 * file or not); the rest is the file. The same bytes are also read as every
 * other form, so one input exercises all five, then the pools, clamps and
 * key findings are built from them together. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config/appconf.h"
#include "config/effective.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    static const char *const names[] = {"application.properties", "application-prod.yml",
                                        "hikari.properties", "app.env", "deploy.yaml",
                                        "application.yml", "application-eu.properties"};
    static const enum pgm_appconf_form forms[] = {PGM_APPCONF_PROPERTIES, PGM_APPCONF_YAML,
                                                  PGM_APPCONF_HIKARI, PGM_APPCONF_ENV,
                                                  PGM_APPCONF_K8S, PGM_APPCONF_YAML,
                                                  PGM_APPCONF_PROPERTIES};
    size_t first = data[0] % (sizeof names / sizeof names[0]);
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    pgm_config_options o;
    memset(&o, 0, sizeof o);
    if (data[0] & 0x80)
        o.hikari_version = "3.2.0";
    pgm_config *cfg;
    if (pgm_config_open(&cfg, &o) != PGM_OK)
        return 0;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t i = (first + k) % (sizeof names / sizeof names[0]);
        char path[64];
        memcpy(path, "svc/", 4);
        memcpy(path + 4, names[i], strlen(names[i]) + 1);
        pgm_appconf a;
        if (pgm_appconf_read(&a, forms[i], path, names[i], text, len) != PGM_FATAL)
            pgm_config_add_appconf(cfg, &a);
        pgm_appconf_free(&a);
    }
    pgm_config_read_pg_settings(cfg, "svc/settings.txt", text, len);
    for (size_t s = 0; s < pgm_config_scopes(cfg); s++) {
        pgm_facts f;
        pgm_facts_init(&f);
        pgm_config_facts(cfg, s, &f);
        pgm_facts_free(&f);
    }
    pgm_config_close(cfg);
    return 0;
}
