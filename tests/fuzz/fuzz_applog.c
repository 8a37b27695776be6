/* libFuzzer target: the application log reader (text layouts and JSON, the
 * stack-trace attacher) and the classifier behind it with the builtin HikariCP
 * packs (loaded once from rules/hikari, run from the repository root). The
 * first byte's low bit picks JSON, bit 3 a file of no layout (every line an
 * entry of its own, pgm_app_no_layout). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_lines.h"

#include "applog/app_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The envelope's time of each line (bit 2 of the first byte: none), so the
 * offset taken from it is fuzzed too: any value, the extremes included. */
static int64_t wrapper_base;
static bool wrapped;

static void feed(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    if (wrapped)
        pgm_app_feed_wrapped(ctx, line, n, lineno, wrapper_base + (int64_t)(lineno % 4096) * 1000);
    else
        pgm_app_feed(ctx, line, n, lineno);
}

static pgm_ruleset rules;
static pgm_app_classifier classifier;
static int loaded;

static void on_record(void *ctx, const pgm_app_record *rec)
{
    (void)ctx;
    pgm_event ev;
    if (pgm_app_classify(&classifier, rec, "fuzz", &ev) == 1)
        for (size_t i = 0; i < ev.n_fields; i++)
            if (ev.fields[i].value)
                (void)strlen(ev.fields[i].value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!loaded) {
        pgm_load_errors errs = {0};
        pgm_ruleset_init(&rules);
        pgm_ruleset_load_dir(&rules, "rules/hikari", &errs);
        pgm_ruleset_finish(&rules, &errs);
        pgm_load_errors_free(&errs);
        pgm_app_classifier_init(&classifier, &rules);
        loaded = 1;
    }
    if (size < 1)
        return 0;
    pgm_app_reader *r;
    pgm_zone zone = {(data[0] & 2) != 0, 3600, NULL};
    wrapped = (data[0] & 4) != 0 && size > 9;
    if (wrapped) {
        uint64_t base;
        memcpy(&base, data + 1, 8);
        wrapper_base = (int64_t)(base >> 1) - (int64_t)(UINT64_C(1) << 62);
        data += 8, size -= 8;
    }
    if (pgm_app_open(&r, data[0] & 1, &zone, on_record, NULL) != PGM_OK)
        return 0;
    if (data[0] & 8)
        pgm_app_no_layout(r);
    fuzz_feed_lines(data + 1, size - 1, feed, r);
    pgm_app_finish(r);
    (void)pgm_app_get_coverage(r);
    pgm_app_close(r);
    return 0;
}
