/* SQLSTATE classes and the codes of common error texts (catalog/sqlstate.h):
 * codes from PostgreSQL's errcodes table, texts as PostgreSQL 15 writes them
 * (the division by zero and syntax error are in tests/samples/postgresql-15). */
#include "testutil.h"

#include <string.h>

#include "catalog/sqlstate.h"

static const char *cls(const char *code)
{
    return pgm_sqlstate_class(code, strlen(code));
}

static const char *of(const char *msg)
{
    return pgm_sqlstate_of_message(msg, strlen(msg));
}

static void test_classes(void **state)
{
    (void)state;
    assert_string_equal(cls("23505"), "integrity_constraint_violation");
    assert_string_equal(cls("40001"), "serialization_failure");
    assert_string_equal(cls("40P01"), "deadlock_detected");
    assert_string_equal(cls("40003"), "transaction_rollback");
    assert_string_equal(cls("42501"), "insufficient_privilege");
    assert_string_equal(cls("42601"), "syntax_error");
    assert_string_equal(cls("42P01"), "syntax_error_or_access_rule_violation");
    assert_string_equal(cls("22012"), "data_exception");
    assert_string_equal(cls("57014"), "operator_intervention");
    assert_string_equal(cls("XX000"), "internal_error");
    assert_null(cls("00000"));
    assert_null(cls("ZZ999"));
    assert_null(cls("2350"));
}

static void test_texts(void **state)
{
    (void)state;
    assert_string_equal(of("division by zero"), "22012");
    assert_string_equal(of("syntax error at or near \"SELEC\" at character 1"), "42601");
    assert_string_equal(of("duplicate key value violates unique constraint \"churn_pkey\""), "23505");
    assert_string_equal(of("insert or update on table \"a\" violates foreign key constraint \"a_b_fkey\""), "23503");
    assert_string_equal(of("could not serialize access due to concurrent update"), "40001");
    assert_string_equal(of("permission denied for table accounts"), "42501");
    assert_string_equal(of("relation \"x\" does not exist at character 15"), "42P01");
    /* the phrase must be there too */
    assert_null(of("insert or update on table \"a\" was slow"));
    assert_null(of("relation \"x\" already exists"));
    assert_null(of("deadlock detected"));
    assert_null(of(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
