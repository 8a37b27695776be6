/* SQLSTATE classes as PostgreSQL's errcodes table (Appendix A of its
 * documentation, src/backend/utils/errcodes.txt) names them, for the class
 * an error event carries; and the SQLSTATE of the commonest error texts, for
 * logs whose prefix prints none (no %e). */
#ifndef PGM_SQLSTATE_H
#define PGM_SQLSTATE_H

#include <stddef.h>

/* The class of a five-character code: its two-character class's name,
 * or a finer one where the class is broad (40001 serialization_failure,
 * 40P01 deadlock_detected, 42501 insufficient_privilege, 42601
 * syntax_error). NULL for "00000" and codes of no known class. */
const char *pgm_sqlstate_class(const char *code, size_t n);

/* The code PostgreSQL gives an ERROR of this English text (the commonest
 * ones: constraint violations, serialization failures, permissions,
 * syntax, missing objects, data errors); NULL when the text is not one. */
const char *pgm_sqlstate_of_message(const char *msg, size_t n);

#endif
