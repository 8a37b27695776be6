/* Names the whole tool agrees on: PostgreSQL parameters, the event kinds of
 * CONTRACTS.md, HikariCP properties, and the facts rules may test. Rule packs
 * are checked against these at load time, so a typo is an error, not a rule
 * that silently never fires. */
#ifndef PGM_CATALOG_H
#define PGM_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

/* A PostgreSQL 12-18 parameter name (lower case, as in pg_settings). */
bool pgm_catalog_is_guc(const char *name, size_t n);

/* An event kind of CONTRACTS.md ("conn.refused.too_many_clients"...). */
bool pgm_catalog_is_event_kind(const char *kind);
/* How many event kinds there are: rule packs may name no other. */
size_t pgm_catalog_event_kind_count(void);
/* The closest known kind, for "did you mean"; NULL when nothing is close. */
const char *pgm_catalog_suggest_event_kind(const char *kind);

/* Closest parameter / pool field for "did you mean"; NULL when nothing is close. */
const char *pgm_catalog_suggest_guc(const char *name);
const char *pgm_catalog_suggest_pool_field(const char *name);

/* A HikariCP property in snake_case ("maximum_pool_size"), or a derived pool
 * attribute (instances, name, source, application_name, socket_timeout...). */
bool pgm_catalog_is_pool_field(const char *name, size_t n);
/* A field of a record of collection `coll` ("pool", "key"). */
bool pgm_catalog_is_record_field(const char *coll, const char *name, size_t n);
const char *pgm_catalog_suggest_record_field(const char *coll, const char *name);

/* A fact path a check rule may name: pg.<guc>, hikari.<pool>.<field>,
 * pool.<field> (inside aggregates or for_each: pool), analysis.<result>,
 * spring.<any.key>, app.<any.key>. */
bool pgm_catalog_is_fact(const char *path, size_t n);

/* Edit distance for suggestions (bounded; strings over 64 bytes are far). */
unsigned pgm_catalog_distance(const char *a, const char *b);

#endif
