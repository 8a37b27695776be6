/* libFuzzer target: every server log reader, and the classifier behind it.
 * The first byte picks the format (and whether a --log-line-prefix is
 * forced); the rest is fed line by line as a file would be. The builtin rule
 * packs are loaded once from rules/postgresql (run from the repository root),
 * so message classification is fuzzed with the real patterns. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_lines.h"

#include "pglog/classify.h"
#include "pglog/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void feed(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    pgm_pglog_feed(ctx, line, n, lineno);
}

static const char *const formats[] = {"stderr", "rds", "azure", "syslog", "cloudsql",
                                      "csvlog", "jsonlog", "cnpg"};
static const char *const prefixes[] = {NULL, "%m [%p] %q%u@%d ", "%t-%c-", "[%-12u][%12d][%-8p][%6l] "};

static pgm_ruleset rules;
static pgm_pg_classifier classifier;
static int loaded;

static void on_record(void *ctx, const pgm_pg_record *rec)
{
    (void)ctx;
    pgm_event ev;
    if (pgm_pg_classify(&classifier, rec, "fuzz", &ev) == 1)
        for (size_t i = 0; i < ev.n_fields; i++)
            if (ev.fields[i].value) /* absent common fields are NULL */
                (void)strlen(ev.fields[i].value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!loaded) {
        pgm_load_errors errs = {0};
        pgm_ruleset_init(&rules);
        pgm_ruleset_load_dir(&rules, "rules/postgresql", &errs);
        pgm_ruleset_finish(&rules, &errs);
        pgm_load_errors_free(&errs);
        pgm_pg_classifier_init(&classifier, &rules);
        loaded = 1;
    }
    if (size < 1)
        return 0;
    pgm_pglog_options opt = {.prefix = prefixes[(data[0] >> 3) % 4], .year = 2026,
                             .tz = {(data[0] & 0x80) != 0, 3600, NULL}};
    pgm_pglog_reader *r;
    char err[PGM_ERR_MAX];
    if (pgm_pglog_open(&r, formats[data[0] % 8], &opt, on_record, NULL, err) != PGM_OK)
        return 0;
    fuzz_feed_lines(data + 1, size - 1, feed, r);
    pgm_pglog_finish(r);
    (void)pgm_pglog_get_coverage(r);
    pgm_pglog_close(r);
    return 0;
}
