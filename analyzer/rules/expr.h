/* The expression language of check rules:
 *   pg.idle_in_transaction_session_timeout == 0
 *   sum(pool.maximum_pool_size * pool.instances) > pg.max_connections - pg.superuser_reserved_connections
 *   exists(pool.leak_detection_threshold) and pool.leak_detection_threshold < 2s
 * Literals: numbers with units (250ms 30s 5min 1h 2d, 64kB 1MB 1GB), 'strings',
 * true, false. Operators: or and not == != < <= > >= + - * / (), and
 * `contains` (a string holds another: pg.log_line_prefix contains '%a'). Functions:
 * exists(path), sum() min() max() count() over a collection (pool).
 * A missing fact makes the comparison unknown, and a rule fires only on true:
 * a check against a fact that is not in the bundle never fires, unless it
 * tests exists(). */
#ifndef PGM_EXPR_H
#define PGM_EXPR_H

#include <stddef.h>

#include "rules/facts.h"
#include "util/rc.h"

#define PGM_EXPR_MAX_DEPTH 32
#define PGM_EXPR_MAX_LEN 4096

typedef struct pgm_expr pgm_expr;

/* Parses `src`. `for_each` names the collection the rule iterates (or NULL):
 * its fields may be used bare. On error returns NULL, with the 0-based byte
 * offset of the problem in *err_at and a message in err. */
pgm_expr *pgm_expr_parse(const char *src, size_t n, const char *for_each, size_t *err_at,
                         char err[PGM_ERR_MAX]);
void pgm_expr_free(pgm_expr *e);

/* Evaluates against the facts; `elem` is the current record of the for_each
 * collection (or NULL). */
pgm_value pgm_expr_eval(const pgm_expr *e, const pgm_facts *facts, const pgm_record *elem);
/* The first fact the expression names, left to right, that says where it was
 * set (NULL: none does): where a finding points. */
const pgm_fact *pgm_expr_locate(const pgm_expr *e, const pgm_facts *facts, const pgm_record *elem);
/* True only when the expression evaluates to boolean true. */
int pgm_expr_true(const pgm_expr *e, const pgm_facts *facts, const pgm_record *elem);

#endif
