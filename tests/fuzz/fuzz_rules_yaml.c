/* libFuzzer target: the rule-pack loader (YAML tree, validation, PCRE2
 * compilation, expressions) and, when a pack loads, its inline tests and a
 * classification of the input itself. */
#include <stddef.h>
#include <stdint.h>

#include "rules/ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgm_ruleset rs;
    pgm_load_errors errs = {0};
    pgm_ruleset_init(&rs);
    size_t bad = pgm_ruleset_load_buffer(&rs, (const char *)data, size, "fuzz.yml", &errs);
    if (!bad && !pgm_ruleset_finish(&rs, &errs)) {
        for (size_t i = 0; i < rs.n; i++)
            pgm_rule_run_tests(&rs, &rs.rules[i], NULL, NULL, NULL);
        pgm_match m;
        pgm_ruleset_classify(&rs, "pg_log", "message", (const char *)data, size, &m);
    }
    pgm_load_errors_free(&errs);
    pgm_ruleset_free(&rs);
    return 0;
}
