/* pgmortem rules list | show ID... | test [DIR...] */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lint/lint.h"
#include "rules/ruleset.h"
#include "util/json.h"

static const char *kind_of(const pgm_rule *r)
{
    return r->shape == PGM_SHAPE_MATCH ? r->kind : r->shape == PGM_SHAPE_THRESHOLD ? "threshold" : "check";
}

static void list_rules(const pgm_ruleset *rs, bool json)
{
    if (json) {
        pgm_json j;
        pgm_json_init(&j, stdout, true);
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "schema");
        pgm_json_string(&j, "pgmortem.rules/1");
        pgm_json_key(&j, "rules");
        pgm_json_begin_array(&j);
        for (size_t i = 0; i < rs->n; i++) {
            const pgm_rule *r = &rs->rules[i];
            pgm_json_begin_object(&j);
            pgm_json_key(&j, "id");
            pgm_json_string(&j, r->id);
            pgm_json_key(&j, "severity");
            pgm_json_string(&j, pgm_severity_name(r->severity));
            pgm_json_key(&j, "shape");
            pgm_json_string(&j, pgm_shape_name(r->shape));
            pgm_json_key(&j, "kind");
            pgm_json_string(&j, r->shape == PGM_SHAPE_MATCH ? r->kind : NULL);
            pgm_json_key(&j, "title");
            pgm_json_string(&j, r->title);
            pgm_json_key(&j, "status");
            pgm_json_string(&j, r->status);
            pgm_json_key(&j, "file");
            pgm_json_string(&j, r->file);
            pgm_json_key(&j, "line");
            pgm_json_uint(&j, r->line);
            pgm_json_end_object(&j);
        }
        pgm_json_end_array(&j);
        pgm_json_end_object(&j);
        return;
    }
    size_t wid = 2, wkind = 4;
    for (size_t i = 0; i < rs->n; i++) {
        if (strlen(rs->rules[i].id) > wid)
            wid = strlen(rs->rules[i].id);
        if (strlen(kind_of(&rs->rules[i])) > wkind)
            wkind = strlen(kind_of(&rs->rules[i]));
    }
    printf("%-*s  %-8s  %-*s  %s\n", (int)wid, "ID", "SEVERITY", (int)wkind, "KIND", "TITLE");
    for (size_t i = 0; i < rs->n; i++) {
        const pgm_rule *r = &rs->rules[i];
        printf("%-*s  %-8s  %-*s  %s\n", (int)wid, r->id, pgm_severity_name(r->severity), (int)wkind,
               kind_of(r), r->title);
    }
    printf("\n%zu rule(s)\n", rs->n);
}

static void print_list(const char *label, const pgm_strlist *l)
{
    if (!l->n)
        return;
    printf("%-12s", label);
    for (size_t i = 0; i < l->n; i++)
        printf("%s%s", i ? ", " : "", l->v[i]);
    printf("\n");
}

static void show_rule(const pgm_rule *r)
{
    printf("%s  %s\n", r->id, r->title);
    printf("%-12s%s\n", "severity", pgm_severity_name(r->severity));
    printf("%-12s%s\n", "status", r->status);
    printf("%-12s%s\n", "shape", pgm_shape_name(r->shape));
    printf("%-12s%s:%u\n", "defined in", r->file, r->line);
    print_list("applies to", &r->applies_to);
    if (r->shape == PGM_SHAPE_MATCH) {
        printf("%-12s%s\n", "kind", r->kind);
        printf("%-12s%s\n", "field", r->field);
        for (size_t i = 0; i < r->prefixes.n; i++)
            printf("%-12s%s\n", "prefix", r->prefixes.v[i]);
        print_list("prefilter", &r->prefilter);
        printf("%-12s%s\n", "pattern", r->pattern);
        print_list("also", &r->also);
    } else if (r->shape == PGM_SHAPE_THRESHOLD) {
        print_list("kinds", &r->kinds);
        print_list("group by", &r->group_by);
        static const char *const aggs[] = {"count", "distinct", "sum", "max"};
        static const char *const cmps[] = {">=", ">", "<=", "<", "=="};
        printf("%-12s%s%s%s %s %g within %.3gs\n", "condition", aggs[r->aggregate],
               r->agg_field ? " of " : "", r->agg_field ? r->agg_field : "", cmps[r->cmp],
               r->cmp_value, (double)r->timespan_us / 1e6);
    } else {
        if (r->for_each)
            printf("%-12s%s\n", "for each", r->for_each);
        printf("%-12s%s\n", "expression", r->expr_text);
    }
    printf("%-12s%s\n", "message", r->message);
    if (r->remediation)
        printf("remediation\n  %s\n", r->remediation);
    print_list("references", &r->references);
    print_list("tags", &r->tags);
    printf("%-12s%zu case(s)\n", "tests", r->n_tests);
}

static void report_failure(void *ctx, const pgm_rule *r, size_t case_index, unsigned line,
                           const char *why)
{
    (void)ctx;
    if (case_index)
        printf("FAIL %s case %zu (%s:%u): %s\n", r->id, case_index, r->file, line, why);
    else
        printf("FAIL %s (%s:%u): %s\n", r->id, r->file, line, why);
}

int pgm_cmd_rules(int argc, char **argv, int first)
{
    if (first >= argc) {
        pgm_usage_error("rules", "which: list, show ID, or test [DIR...]");
        return PGM_EXIT_USAGE;
    }
    const char *sub = argv[first];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        pgm_print_help("rules");
        return PGM_EXIT_OK;
    }
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "test")) {
        pgm_usage_error("rules", "unknown rules command '%s' (list, show, test)", sub);
        return PGM_EXIT_USAGE;
    }
    pgm_rule_options o = {.builtin = true};
    bool json = false;
    const char *ids[64];
    size_t n_ids = 0;
    bool test_dirs = false;
    pgm_args a;
    pgm_args_init(&a, argc, argv, first + 1, "rules");
    const char *opt, *operand;
    int k;
    while ((k = pgm_args_next(&a, &opt, &operand)) != 0) {
        if (k == 2) {
            if (strcmp(sub, "show") == 0 && n_ids == sizeof ids / sizeof ids[0]) {
                pgm_usage_error("rules", "'rules show' takes at most %zu rule ids", sizeof ids / sizeof ids[0]);
                return PGM_EXIT_USAGE;
            } else if (strcmp(sub, "show") == 0) {
                ids[n_ids++] = operand;
            } else if (strcmp(sub, "test") == 0 && o.n_dirs < PGM_MAX_RULE_DIRS) {
                o.dirs[o.n_dirs++] = operand;
                test_dirs = true;
            } else {
                pgm_usage_error("rules", "unexpected '%s'", operand);
                return PGM_EXIT_USAGE;
            }
        } else if ((k = pgm_args_rule_option(&a, opt, &o)) != 0) {
            if (k < 0)
                return PGM_EXIT_USAGE;
        } else if ((strcmp(opt, "-f") == 0 || strcmp(opt, "--format") == 0) && strcmp(sub, "list") == 0) {
            const char *v = pgm_args_value(&a);
            if (!v)
                return PGM_EXIT_USAGE;
            if (strcmp(v, "json") == 0)
                json = true;
            else if (strcmp(v, "table") != 0) {
                pgm_usage_error("rules", "unknown format '%s' (table or json)", v);
                return PGM_EXIT_USAGE;
            }
        } else if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            pgm_print_help("rules");
            return PGM_EXIT_OK;
        } else {
            pgm_usage_error("rules", "unknown option '%s'", opt);
            return PGM_EXIT_USAGE;
        }
    }
    if (strcmp(sub, "show") == 0 && n_ids == 0) {
        pgm_usage_error("rules", "'rules show' needs a rule id");
        return PGM_EXIT_USAGE;
    }
    /* `rules test DIR` tests those packs, not the builtin ones. */
    if (test_dirs)
        o.builtin = false;
    pgm_ruleset rs;
    if (!pgm_load_rules(&o, &rs)) {
        pgm_ruleset_free(&rs);
        return PGM_EXIT_RULES;
    }
    int rc = PGM_EXIT_OK;
    if (strcmp(sub, "list") == 0) {
        list_rules(&rs, json);
    } else if (strcmp(sub, "show") == 0) {
        for (size_t i = 0; i < n_ids; i++) {
            const pgm_rule *r = pgm_ruleset_find(&rs, ids[i]);
            const pgm_lint_own_rule *own = r ? NULL : pgm_lint_own_rule_find(ids[i]);
            if (own) {
                /* lint's own: suppressions that suppress nothing */
                printf("%s  %s\n", own->id, own->title);
                printf("%-12s%s\n", "severity", pgm_severity_name(own->severity));
                printf("%-12s%s\n", "defined in", "pgmortem lint itself");
                printf("%-12s%s\n", "applies to", "# pgmortem: ignore and ignore-file comments");
                printf("%-12s%s\n", "message", own->description);
                printf("remediation\n  %s\n", own->remediation);
                continue;
            }
            if (!r) {
                fprintf(stderr, "pgmortem: no rule '%s' (pgmortem rules list shows them)\n", ids[i]);
                rc = PGM_EXIT_USAGE;
                continue;
            }
            if (i)
                printf("\n");
            show_rule(r);
        }
    } else {
        size_t cases = 0, failures = 0;
        for (size_t i = 0; i < rs.n; i++) {
            failures += pgm_rule_run_tests(&rs, &rs.rules[i], report_failure, NULL, &cases);
        }
        printf("rules test: %zu rule(s), %zu case(s)\n%zu passed, %zu failed\n", rs.n, cases,
               cases - (failures > cases ? cases : failures), failures);
        if (rs.limit_hits)
            printf("note: %llu match(es) stopped at the PCRE2 limits\n", (unsigned long long)rs.limit_hits);
        if (failures)
            rc = PGM_EXIT_FINDINGS;
    }
    pgm_ruleset_free(&rs);
    return rc;
}
