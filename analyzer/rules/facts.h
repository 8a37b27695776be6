/* Typed values with units, and the fact store check rules read: scalar facts
 * by path ("pg.max_connections") and collections of records ("pool"). */
#ifndef PGM_FACTS_H
#define PGM_FACTS_H

#include <stdbool.h>
#include <stddef.h>

enum pgm_vtype { PGM_V_MISSING, PGM_V_NUM, PGM_V_STR, PGM_V_BOOL };
/* Units are normalised: time to milliseconds, sizes to bytes. */
enum pgm_dim { PGM_DIM_NONE, PGM_DIM_TIME, PGM_DIM_BYTES };

typedef struct pgm_value {
    enum pgm_vtype type;
    enum pgm_dim dim;
    double num;
    bool b;
    const char *str; /* borrowed from the fact store or the expression */
} pgm_value;

/* Parses "5min", "30s", "250ms", "1h", "2d", "1GB", "64kB", "100", "1.5": the
 * number with its unit, or false. */
bool pgm_value_parse_quantity(const char *s, size_t n, pgm_value *out);
/* A fact from its configuration text: bool words, quantities, else a string. */
pgm_value pgm_value_from_text(const char *s);

#define PGM_FACTS_MAX_COLLECTIONS 8

/* Where a fact was set (NULL path: a default or a test), and how it became
 * the effective value ("overrides application.yml:12", "HikariCP resets it to
 * 0: above maxLifetime"); NULL when there is nothing to say. */
typedef struct pgm_origin {
    char *path;
    unsigned line;
    char *written; /* the key as written there ("spring.datasource.hikari.max-lifetime") */
    char *note;
} pgm_origin;

typedef struct pgm_fact {
    char *key;
    char *text;
    pgm_value v;
    pgm_origin at;
} pgm_fact;

typedef struct pgm_record {
    pgm_fact *fields;
    size_t n, alloc;
    pgm_origin at; /* where the record (a pool, a key) is defined */
} pgm_record;

typedef struct pgm_collection {
    char *name;
    pgm_record *recs;
    size_t n, alloc;
} pgm_collection;

typedef struct pgm_facts {
    pgm_record scalars;
    pgm_collection colls[PGM_FACTS_MAX_COLLECTIONS];
    size_t ncolls;
} pgm_facts;

void pgm_facts_init(pgm_facts *f);
void pgm_facts_free(pgm_facts *f);
/* Sets a scalar fact from text (later wins). 0, or -1 on memory. */
int pgm_facts_set(pgm_facts *f, const char *key, const char *text);
/* Appends an empty record to a collection; returns it or NULL. */
pgm_record *pgm_facts_add_record(pgm_facts *f, const char *collection);
/* Removes the collection's last record (one built and then found to belong elsewhere). */
void pgm_facts_drop_last_record(pgm_facts *f, const char *collection);
int pgm_record_set(pgm_record *r, const char *key, const char *text);
/* The same with its origin (every string copied; `at` or any of them may be NULL). */
int pgm_record_set_at(pgm_record *r, const char *key, const char *text, const pgm_origin *at);
int pgm_facts_set_at(pgm_facts *f, const char *key, const char *text, const pgm_origin *at);
/* Sets the record's own origin. 0, or -1 on memory. */
int pgm_record_set_origin(pgm_record *r, const pgm_origin *at);
const pgm_value *pgm_record_get(const pgm_record *r, const char *key);
const pgm_fact *pgm_record_get_fact(const pgm_record *r, const char *key);
const pgm_fact *pgm_facts_get_fact(const pgm_facts *f, const char *key);
const pgm_value *pgm_facts_get(const pgm_facts *f, const char *key);
const pgm_collection *pgm_facts_collection(const pgm_facts *f, const char *name);

#endif
