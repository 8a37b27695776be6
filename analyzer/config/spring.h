/* How Spring Boot binds a value: relaxed names (kebab, camel, snake,
 * environment variables), profiles (application-{profile} files, documents
 * activated on a profile expression), precedence (files < environment <
 * Java system properties < command line), and ${NAME:default} placeholders
 * resolved from every source in the inputs. Also what Spring silently does
 * with a key it does not bind. Knows nothing of how the bundle is deployed;
 * HikariCP's own names come from config/hikari.h. */
#ifndef PGM_SPRING_H
#define PGM_SPRING_H

#include <stdbool.h>
#include <stddef.h>

#include "config/appconf.h"

/* One key of a service as Spring sees it: its canonical name, where it was
 * written, and its precedence. */
typedef struct pgm_skey {
    char canon[256];   /* dotted, each element squashed; map keys as written */
    const pgm_appconf *file;
    const pgm_appconf_key *k;
    int rank;
    size_t seq;
    bool env;
    bool shared;       /* a ConfigMap's or Secret's: judged once, not with each service taking it */
} pgm_skey;

/* A service's keys in Spring's precedence: for each canonical name, the
 * last one wins. */
typedef struct pgm_keyset {
    pgm_skey *v;
    size_t n, alloc;
} pgm_keyset;

/* Something Spring or HikariCP does silently with a key: `problem` names it
 * (plaintext_secret, unknown, wrong_prefix, ...), `suggestion` what was
 * meant (or NULL), `detail` why it matters. */
typedef void (*pgm_key_problem_fn)(void *ctx, const pgm_skey *s, const char *problem, const char *suggestion,
                                   const char *detail);

/* A variable a workload takes from a ConfigMap or Secret (envFrom,
 * valueFrom): `k` names the variable and holds the value, `file` is the
 * manifest of the ConfigMap or Secret. */
typedef struct pgm_spring_env {
    const pgm_appconf *file;
    const pgm_appconf_key *k;
} pgm_spring_env;

/* Where a service's keys come from. */
typedef struct pgm_spring_sources {
    const pgm_appconf *const *files;   /* its configuration files and .env files */
    size_t n_files;
    const pgm_appconf *workload_file;  /* the manifest that runs it, or NULL */
    int workload_index;                /* its workload there */
    const pgm_spring_env *env;         /* what its workload takes from ConfigMaps and Secrets */
    size_t n_env;
    const char *const *profiles;       /* --profile, or none */
    size_t n_profiles;
} pgm_spring_sources;

/* The service's keys under its active profiles (--profile, else
 * spring.profiles.active or SPRING_PROFILES_ACTIVE where the inputs set it,
 * else default), sorted for pgm_keyset_winner. A Maven token where the
 * active profiles should be is reported through `problem`. PGM_OK or
 * PGM_FATAL; free with pgm_keyset_free. */
int pgm_spring_keyset(const pgm_spring_sources *src, pgm_keyset *out, pgm_key_problem_fn problem, void *ctx);
void pgm_keyset_free(pgm_keyset *ks);
/* The winning key of `canon`, or NULL; *prev (when not NULL) gets the one it overrides. */
const pgm_skey *pgm_keyset_winner(const pgm_keyset *ks, const char *canon, const pgm_skey **prev);

/* A key no service binds (a ConfigMap's or Secret's data, a Helm value),
 * for pgm_spring_check_key: judged once, on its own. */
void pgm_spring_standalone_key(const pgm_appconf *file, const pgm_appconf_key *k, pgm_skey *out);
/* Reports what Spring or HikariCP silently does with the key, if anything. */
void pgm_spring_check_key(const pgm_skey *s, pgm_key_problem_fn problem, void *ctx);

/* ${NAME} or ${NAME:default}, nested: 1 resolved into out (`via` says how),
 * 0 not a placeholder, -1 nothing in the inputs resolves it (`via` says which). */
int pgm_spring_resolve(const pgm_keyset *ks, const char *value, char *out, size_t cap, char *via, size_t vcap);
/* A JDBC URL as written or through its placeholder: what it resolves to,
 * else as written. */
void pgm_spring_url(const pgm_keyset *ks, const char *value, char *out, size_t cap);
/* A squashed key name that holds a secret (password, secret, token, credential). */
bool pgm_spring_is_secret(const char *squashed);

#endif
