/* What lint leaves out (lint/lint.h): --exclude globs, where * crosses '/'
 * and a glob matches the path or any tail of it after a '/' or an archive's
 * '!'; test source trees unless --include-tests; and the tool's own rules,
 * found by id. The cases are the paths real repositories have (Maven's and
 * Gradle's layouts, customer archives) and the near misses that must stay. */
#include "testutil.h"

#include "lint/lint.h"

static void test_test_sources(void **state)
{
    (void)state;
    pgm_lint_options o = {0};
    assert_true(pgm_lint_excluded(&o, "thingsboard/dao/src/test/resources/sql-test.properties"));
    assert_true(pgm_lint_excluded(&o, "src/test/resources/application.yml"));
    assert_true(pgm_lint_excluded(&o, "app/src/integrationTest/resources/application.yml"));
    assert_true(pgm_lint_excluded(&o, "svc/src/it/resources/application.properties"));
    assert_true(pgm_lint_excluded(&o, "bundle.zip!repo/src/test/resources/application.yml"));
    assert_true(pgm_lint_excluded(&o, "bundle.zip!src/test/application.yml"));
    /* not test trees */
    assert_false(pgm_lint_excluded(&o, "src/main/resources/application.yml"));
    assert_false(pgm_lint_excluded(&o, "mysrc/test/application.yml"));
    assert_false(pgm_lint_excluded(&o, "src/testing/application.yml"));
    assert_false(pgm_lint_excluded(&o, "test/application.yml"));
    assert_false(pgm_lint_excluded(&o, "src/test"));
    o.include_tests = true;
    assert_false(pgm_lint_excluded(&o, "src/test/resources/application.yml"));
}

static void test_exclude_globs(void **state)
{
    (void)state;
    const char *globs[] = {"k8s/*", "*.env", "legacy/application-old.yml"};
    pgm_lint_options o = {.exclude = globs, .n_exclude = 3, .include_tests = true};
    assert_true(pgm_lint_excluded(&o, "deploy/k8s/orders.yaml"));
    assert_true(pgm_lint_excluded(&o, "k8s/base/orders.yaml")); /* * crosses '/' */
    assert_true(pgm_lint_excluded(&o, "billing/billing.env"));
    assert_true(pgm_lint_excluded(&o, "x.tar.gz!repo/legacy/application-old.yml"));
    assert_false(pgm_lint_excluded(&o, "deploy/k8sx/orders.yaml"));
    assert_false(pgm_lint_excluded(&o, "legacy/application-old.yml.bak"));
    assert_false(pgm_lint_excluded(&o, "billing/application.properties"));
}

static void test_own_rules(void **state)
{
    (void)state;
    assert_non_null(pgm_lint_own_rule_find(PGM_LINT_NO_REASON_RULE));
    assert_non_null(pgm_lint_own_rule_find(PGM_LINT_UNKNOWN_RULE));
    assert_null(pgm_lint_own_rule_find("PGM-LINT-999"));
    for (size_t i = 0; i < pgm_lint_n_own_rules; i++) {
        assert_non_null(pgm_lint_own_rules[i].title);
        assert_non_null(pgm_lint_own_rules[i].remediation);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_test_sources),
        cmocka_unit_test(test_exclude_globs),
        cmocka_unit_test(test_own_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
