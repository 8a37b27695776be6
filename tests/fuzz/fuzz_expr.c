/* libFuzzer target: the check-expression parser and evaluator, against a
 * fixed set of facts and two pools. The first byte chooses for_each. */
#include <stddef.h>
#include <stdint.h>

#include "rules/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    pgm_facts f;
    pgm_facts_init(&f);
    pgm_facts_set(&f, "pg.max_connections", "100");
    pgm_facts_set(&f, "pg.statement_timeout", "30s");
    pgm_facts_set(&f, "pg.log_line_prefix", "%m [%p] ");
    pgm_facts_set(&f, "analysis.peak_connections", "97");
    pgm_record *r = pgm_facts_add_record(&f, "pool");
    if (r) {
        pgm_record_set(r, "name", "orders");
        pgm_record_set(r, "maximum_pool_size", "20");
        pgm_record_set(r, "instances", "3");
    }
    r = pgm_facts_add_record(&f, "pool");
    if (r)
        pgm_record_set(r, "leak_detection_threshold", "0");
    const char *for_each = (data[0] & 1) ? "pool" : NULL;
    size_t at;
    char err[PGM_ERR_MAX];
    pgm_expr *e = pgm_expr_parse((const char *)data + 1, size - 1, for_each, &at, err);
    if (e) {
        const pgm_collection *c = pgm_facts_collection(&f, "pool");
        pgm_expr_eval(e, &f, c && for_each ? &c->recs[0] : NULL);
        pgm_expr_free(e);
    }
    pgm_facts_free(&f);
    return 0;
}
