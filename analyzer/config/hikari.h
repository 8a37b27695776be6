/* What HikariCP does with a value: its bindable properties (HikariConfig's
 * setters, with the names Spring binds and the form each value takes), the
 * pgjdbc connection properties the rules read, and HikariConfig's clamps and
 * silent disables by release (HikariConfig.validateNumerics()). Knows
 * nothing of Spring or of how a bundle is deployed. */
#ifndef PGM_HIKARI_H
#define PGM_HIKARI_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/facts.h"

/* How a property's text is read. */
enum pgm_htype { PGM_H_STR, PGM_H_MS, PGM_H_INT, PGM_H_BOOL, PGM_H_MAP, PGM_H_OBJECT, PGM_H_SECONDS };

typedef struct pgm_hprop {
    const char *kebab, *camel; /* maximum-pool-size, maximumPoolSize */
    const char *field;         /* the pool fact it becomes, or NULL */
    enum pgm_htype type;
} pgm_hprop;

extern const pgm_hprop pgm_hprops[];
extern const size_t pgm_n_hprops;

/* A pgjdbc connection property, from the JDBC URL or data-source-properties. */
typedef struct pgm_pgjdbc_prop {
    const char *name, *field;
    enum pgm_htype type;
} pgm_pgjdbc_prop;

extern const pgm_pgjdbc_prop pgm_pgjdbc[];
extern const size_t pgm_n_pgjdbc;

/* "maximum-pool-size", "maximumPoolSize", "MAXIMUM_POOL_SIZE" -> "maximumpoolsize":
 * the form Spring compares element by element (lower case, no - or _). */
void pgm_squash(const char *s, size_t n, char *out, size_t cap);
/* The property of a squashed name, or of a camelCase one as HikariConfig
 * spells it; NULL when HikariCP has none. */
const pgm_hprop *pgm_hprop_squashed(const char *squashed);
const pgm_hprop *pgm_hprop_camel(const char *name);
/* The kebab name someone meant by a squashed name HikariCP lacks, or NULL. */
const char *pgm_hprop_suggest(const char *squashed);
/* A HikariCP 2.x property later releases removed (squashed name). */
bool pgm_hprop_removed(const char *squashed);

/* A whole decimal number, spaces around allowed. */
bool pgm_parse_long(const char *s, long long *out);
/* "30s", "10m", "500ms": a duration Spring converts, HikariCP's setters do not. */
bool pgm_looks_like_duration(const char *s);
/* A JDBC URL's parameter (?name=value&...) into out, or NULL. */
const char *pgm_url_param(const char *url, const char *name, char *out, size_t cap);
/* Compares a "major.minor.patch" release with another: <0, 0, >0. */
int pgm_version_cmp(const char *v, int maj, int min, int pat);

/* The numeric settings HikariConfig checks together. */
enum pgm_hikari_slot {
    PGM_HS_CONN, PGM_HS_IDLE, PGM_HS_KEEP, PGM_HS_LIFE, PGM_HS_MINIDLE, PGM_HS_MAX, PGM_HS_VALID, PGM_HS_LEAK,
    PGM_HS_N
};

/* One of them as configured: where, and through which placeholder. */
typedef struct pgm_pool_val {
    bool set;
    long long v;
    const char *path, *written;
    unsigned line;
    bool unknown;       /* set by a placeholder nothing resolves: its value is not known */
    char via[200];      /* a placeholder's resolution, said with the value */
} pgm_pool_val;

/* Writes the pool's values as they take effect under `version` (each
 * configured one also as FIELD_configured), with the reason when HikariCP
 * changed or disabled one. 0, or -1 on memory. */
int pgm_hikari_apply_clamps(pgm_record *r, const pgm_pool_val *pv, const char *version);

#endif
