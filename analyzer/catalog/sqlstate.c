#include "catalog/sqlstate.h"

#include <stdbool.h>
#include <string.h>

/* errcodes.txt: "Section: Class XX - ..." */
static const struct {
    char cls[3];
    const char *name;
} classes[] = {
    {"01", "warning"}, {"02", "no_data"}, {"03", "sql_statement_not_yet_complete"},
    {"08", "connection_exception"}, {"09", "triggered_action_exception"},
    {"0A", "feature_not_supported"}, {"0B", "invalid_transaction_initiation"},
    {"0F", "locator_exception"}, {"0L", "invalid_grantor"}, {"0P", "invalid_role_specification"},
    {"0Z", "diagnostics_exception"}, {"20", "case_not_found"}, {"21", "cardinality_violation"},
    {"22", "data_exception"}, {"23", "integrity_constraint_violation"},
    {"24", "invalid_cursor_state"}, {"25", "invalid_transaction_state"},
    {"26", "invalid_sql_statement_name"}, {"27", "triggered_data_change_violation"},
    {"28", "invalid_authorization_specification"},
    {"2B", "dependent_privilege_descriptors_still_exist"},
    {"2D", "invalid_transaction_termination"}, {"2F", "sql_routine_exception"},
    {"34", "invalid_cursor_name"}, {"38", "external_routine_exception"},
    {"39", "external_routine_invocation_exception"}, {"3B", "savepoint_exception"},
    {"3D", "invalid_catalog_name"}, {"3F", "invalid_schema_name"},
    {"40", "transaction_rollback"}, {"42", "syntax_error_or_access_rule_violation"},
    {"44", "with_check_option_violation"}, {"53", "insufficient_resources"},
    {"54", "program_limit_exceeded"}, {"55", "object_not_in_prerequisite_state"},
    {"57", "operator_intervention"}, {"58", "system_error"}, {"72", "snapshot_failure"},
    {"F0", "config_file_error"}, {"HV", "fdw_error"}, {"P0", "plpgsql_error"},
    {"XX", "internal_error"},
};

/* Codes whose class is too broad to tell what went wrong. */
static const struct {
    char code[6];
    const char *name;
} finer[] = {
    {"40001", "serialization_failure"}, {"40P01", "deadlock_detected"},
    {"42501", "insufficient_privilege"}, {"42601", "syntax_error"},
};

const char *pgm_sqlstate_class(const char *code, size_t n)
{
    if (n != 5 || memcmp(code, "00000", 5) == 0)
        return NULL;
    for (size_t i = 0; i < sizeof finer / sizeof finer[0]; i++)
        if (memcmp(finer[i].code, code, 5) == 0)
            return finer[i].name;
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (memcmp(classes[i].cls, code, 2) == 0)
            return classes[i].name;
    return NULL;
}

/* The message's start, and for some a phrase it must hold too. Texts:
 * PostgreSQL 12-17's ereport() calls (nbtinsert.c, ri_triggers.c,
 * execMain.c, execReplication.c, predicate.c, heapam.c, aclchk.c, scan.l,
 * parse_relation.c, int.c, varchar.c, numeric.c, postgres.c). */
static const struct {
    const char *start, *also, *code;
} texts[] = {
    {"duplicate key value violates unique constraint", NULL, "23505"},
    {"insert or update on table ", "violates foreign key constraint", "23503"},
    {"update or delete on table ", "violates foreign key constraint", "23503"},
    {"null value in column ", "violates not-null constraint", "23502"},
    {"new row for relation ", "violates check constraint", "23514"},
    {"new row for relation ", "violates partition constraint", "23514"},
    {"conflicting key value violates exclusion constraint", NULL, "23P01"},
    {"could not serialize access", NULL, "40001"},
    {"permission denied", NULL, "42501"},
    {"must be owner of ", NULL, "42501"},
    {"syntax error at ", NULL, "42601"},
    {"relation \"", "does not exist", "42P01"},
    {"column ", "does not exist", "42703"},
    {"function ", "does not exist", "42883"},
    {"operator does not exist", NULL, "42883"},
    {"division by zero", NULL, "22012"},
    {"invalid input syntax for ", NULL, "22P02"},
    {"value too long for type ", NULL, "22001"},
    {"integer out of range", NULL, "22003"},
    {"bigint out of range", NULL, "22003"},
    {"smallint out of range", NULL, "22003"},
    {"numeric field overflow", NULL, "22003"},
    {"current transaction is aborted", NULL, "25P02"},
};

static bool holds(const char *msg, size_t n, const char *phrase)
{
    size_t l = strlen(phrase);
    for (size_t i = 0; i + l <= n; i++)
        if (msg[i] == phrase[0] && memcmp(msg + i, phrase, l) == 0)
            return true;
    return false;
}

const char *pgm_sqlstate_of_message(const char *msg, size_t n)
{
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t l = strlen(texts[i].start);
        if (n >= l && memcmp(msg, texts[i].start, l) == 0 &&
            (!texts[i].also || holds(msg + l, n - l, texts[i].also)))
            return texts[i].code;
    }
    return NULL;
}
