/* pgmortem inventory: options, stderr messages, table and JSON output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/read_options.h"
#include "inventory/inventory.h"
#include "text/timestamp.h"
#include "util/json.h"

static void iso_or_dash(int64_t us, char out[PGM_TS_ISO_LEN])
{
    if (us == PGM_TS_UNKNOWN)
        snprintf(out, PGM_TS_ISO_LEN, "-");
    else
        pgm_ts_format_iso(us, out);
}

static size_t warning_count(const pgm_inventory_item *it)
{
    return it->n_warnings + (size_t)it->warnings_dropped;
}

/* "app_log", or "app_log (cri)" when the lines came in an envelope. */
static const char *kind_shown(const pgm_inventory_item *it, char *buf, size_t cap)
{
    if (it->envelope == PGM_ENVELOPE_NONE)
        return pgm_kind_name(it->kind);
    snprintf(buf, cap, "%s (%s)", pgm_kind_name(it->kind), pgm_envelope_name(it->envelope));
    return buf;
}

static void print_table(const pgm_inventory *inv)
{
    char kind[64];
    size_t wpath = 4, wkind = 4, wfmt = 6;
    for (size_t i = 0; i < inv->n; i++) {
        const pgm_inventory_item *it = &inv->items[i];
        size_t l = strlen(it->path);
        if (l > wpath)
            wpath = l;
        if (strlen(kind_shown(it, kind, sizeof kind)) > wkind)
            wkind = strlen(kind_shown(it, kind, sizeof kind));
        if (strlen(it->format) > wfmt)
            wfmt = strlen(it->format);
    }
    printf("%-*s  %-*s  %-*s  %12s  %10s  %-24s  %-24s  %s\n", (int)wpath, "PATH", (int)wkind,
           "KIND", (int)wfmt, "FORMAT", "BYTES", "LINES", "FIRST", "LAST", "WARNINGS");
    size_t warnings = 0;
    for (size_t i = 0; i < inv->n; i++) {
        const pgm_inventory_item *it = &inv->items[i];
        char first[PGM_TS_ISO_LEN], last[PGM_TS_ISO_LEN];
        iso_or_dash(it->first_ts, first);
        iso_or_dash(it->last_ts, last);
        char bytes[24] = "-", lines[24] = "-";
        if (it->read) {
            snprintf(bytes, sizeof bytes, "%llu", (unsigned long long)it->bytes);
            snprintf(lines, sizeof lines, "%llu", (unsigned long long)it->lines);
        }
        printf("%-*s  %-*s  %-*s  %12s  %10s  %-24s  %-24s  %zu\n", (int)wpath, it->path,
               (int)wkind, kind_shown(it, kind, sizeof kind), (int)wfmt, it->format, bytes, lines, first,
               last, warning_count(it));
        warnings += warning_count(it);
    }
    printf("\n%llu file(s) read, %llu bytes; %llu listed but not read; %llu problem(s)\n",
           (unsigned long long)inv->stats.files, (unsigned long long)inv->stats.bytes,
           (unsigned long long)inv->stats.skipped, (unsigned long long)inv->stats.problems);
    if (!warnings)
        return;
    printf("\nWarnings:\n");
    for (size_t i = 0; i < inv->n; i++) {
        const pgm_inventory_item *it = &inv->items[i];
        for (size_t k = 0; k < it->n_warnings; k++)
            printf("  %s: %s\n", it->path, it->warnings[k]);
        if (it->warnings_dropped)
            printf("  %s: ... and %llu more\n", it->path, (unsigned long long)it->warnings_dropped);
    }
}

static void json_ts(pgm_json *j, const char *key, int64_t us)
{
    pgm_json_key(j, key);
    if (us == PGM_TS_UNKNOWN) {
        pgm_json_null(j);
    } else {
        char iso[PGM_TS_ISO_LEN];
        pgm_ts_format_iso(us, iso);
        pgm_json_string(j, iso);
    }
}

static void print_json(const pgm_inventory *inv)
{
    pgm_json j;
    pgm_json_init(&j, stdout, true);
    pgm_json_begin_object(&j);
    pgm_json_document_header(&j, "pgmortem.inventory/1");
    pgm_json_key(&j, "inputs");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < inv->n; i++) {
        const pgm_inventory_item *it = &inv->items[i];
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "path");
        pgm_json_string(&j, it->path);
        pgm_json_key(&j, "kind");
        pgm_json_string(&j, pgm_kind_name(it->kind));
        pgm_json_key(&j, "format");
        pgm_json_string(&j, it->format);
        pgm_json_key(&j, "envelope");
        if (it->envelope != PGM_ENVELOPE_NONE)
            pgm_json_string(&j, pgm_envelope_name(it->envelope));
        else
            pgm_json_null(&j);
        pgm_json_key(&j, "read");
        pgm_json_bool(&j, it->read);
        pgm_json_key(&j, "bytes");
        it->read ? pgm_json_uint(&j, it->bytes) : pgm_json_null(&j);
        pgm_json_key(&j, "lines");
        it->read ? pgm_json_uint(&j, it->lines) : pgm_json_null(&j);
        /* Filled by the parsers (analyze, timeline); inventory does not parse. */
        pgm_json_key(&j, "parsed_lines");
        pgm_json_null(&j);
        pgm_json_key(&j, "unparsed_lines");
        pgm_json_null(&j);
        json_ts(&j, "first_ts", it->first_ts);
        json_ts(&j, "last_ts", it->last_ts);
        pgm_json_key(&j, "warnings");
        pgm_json_begin_array(&j);
        for (size_t k = 0; k < it->n_warnings; k++)
            pgm_json_string(&j, it->warnings[k]);
        if (it->warnings_dropped) {
            char more[64];
            snprintf(more, sizeof more, "... and %llu more", (unsigned long long)it->warnings_dropped);
            pgm_json_string(&j, more);
        }
        pgm_json_end_array(&j);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_key(&j, "stats");
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "files");
    pgm_json_uint(&j, inv->stats.files);
    pgm_json_key(&j, "bytes");
    pgm_json_uint(&j, inv->stats.bytes);
    pgm_json_key(&j, "skipped");
    pgm_json_uint(&j, inv->stats.skipped);
    pgm_json_key(&j, "problems");
    pgm_json_uint(&j, inv->stats.problems);
    pgm_json_end_object(&j);
    pgm_json_end_object(&j);
}

int pgm_cmd_inventory(int argc, char **argv, int first)
{
    pgm_args a;
    pgm_args_init(&a, argc, argv, first, "inventory");
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    bool json = false, quiet = false;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t n = 0;
    if (!inputs) {
        fputs("pgmortem: out of memory\n", stderr);
        return PGM_EXIT_INPUT;
    }
    pgm_read_opts reading;
    pgm_read_opts_init(&reading);
    pgm_prefix *prefix = NULL;
    const char *opt, *operand;
    int k, rc = PGM_EXIT_OK;
    while ((k = pgm_args_next(&a, &opt, &operand)) != 0) {
        if (k == 2) {
            inputs[n++] = operand;
            continue;
        }
        int ro = pgm_read_option(&a, opt, &reading);
        if (ro < 0) {
            rc = PGM_EXIT_USAGE;
            goto out;
        }
        if (ro > 0)
            continue;
        int lr = pgm_args_limit_option(&a, opt, &lim);
        if (lr < 0) {
            rc = PGM_EXIT_USAGE;
            goto out;
        }
        if (lr > 0)
            continue;
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            pgm_print_help("inventory");
            goto out;
        } else if (strcmp(opt, "-q") == 0 || strcmp(opt, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(opt, "-f") == 0 || strcmp(opt, "--format") == 0) {
            const char *v = pgm_args_value(&a);
            if (!v) {
                rc = PGM_EXIT_USAGE;
                goto out;
            }
            if (strcmp(v, "json") == 0) {
                json = true;
            } else if (strcmp(v, "table") == 0) {
                json = false;
            } else {
                pgm_usage_error("inventory", "unknown format '%s' (table or json)", v);
                rc = PGM_EXIT_USAGE;
                goto out;
            }
        } else {
            pgm_usage_error("inventory", "unknown option '%s'", opt);
            rc = PGM_EXIT_USAGE;
            goto out;
        }
    }
    if (n == 0) {
        pgm_usage_error("inventory", "no input given (a directory, a file, or - for stdin)");
        rc = PGM_EXIT_USAGE;
        goto out;
    }
    if (reading.jobs) {
        pgm_usage_error("inventory", "--jobs: inventory reads each file once, in one pass; the threads are "
                        "timeline's and analyze's");
        rc = PGM_EXIT_USAGE;
        goto out;
    }
    char err[PGM_ERR_MAX];
    if (!pgm_read_opts_check(&reading, "inventory") ||
        (reading.log.prefix && pgm_prefix_compile(reading.log.prefix, &prefix, err) != PGM_OK)) {
        rc = PGM_EXIT_USAGE;
        goto out;
    }

    pgm_term t;
    pgm_term_init(&t, quiet);
    pgm_inventory inv;
    pgm_inventory_init(&inv);
    inv.on_warning = pgm_term_note;
    inv.on_progress = pgm_term_progress;
    inv.ctx = &t;
    inv.prefix = prefix;
    inv.tz = reading.log.tz;
    inv.app_tz = reading.app_tz;
    inv.year = reading.log.year;
    int r = pgm_inventory_run(&inv, inputs, n, &lim);
    pgm_term_clear(&t);
    if (r == PGM_FATAL)
        fputs("pgmortem: out of memory; the inventory below is incomplete\n", stderr);
    size_t outside = pgm_inventory_keep_window(&inv, reading.since, reading.until);
    if (outside && !quiet)
        fprintf(stderr, "pgmortem: %zu file(s) whose times lie outside --since/--until not listed\n", outside);
    if (json)
        print_json(&inv);
    else
        print_table(&inv);
    /* a log no reader took is evidence left out: said, and exit 2 */
    rc = r == PGM_OK && !inv.log_like_unknown ? PGM_EXIT_OK : PGM_EXIT_INPUT;
    pgm_inventory_free(&inv);
out:
    pgm_prefix_free(prefix);
    pgm_read_opts_free(&reading);
    free(inputs);
    return rc;
}
