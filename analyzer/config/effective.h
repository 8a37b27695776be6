/* The effective configuration a bundle describes, as facts for the check
 * rules: the PostgreSQL parameters (pg.<name>, from postgresql.conf with its
 * includes and auto.conf, or from a pg_settings dump, which wins), every
 * HikariCP pool of every service (collection "pool": HikariCP's values after
 * Spring Boot's relaxed binding and precedence, after HikariCP's own clamps
 * and silent disables, times the service's replicas), and every configuration
 * key that Spring, HikariCP or the server ignores or rejects (collection
 * "key"). Each fact says where it was set and how it became effective.
 * Facts: shared/reference/spring-binding.md, hikari-properties.tsv,
 * hikari-postgres-rules.md, postgresql-conf.md. */
#ifndef PGM_EFFECTIVE_H
#define PGM_EFFECTIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "config/appconf.h"
#include "config/pgconf.h"
#include "pgbouncer/pgb_ini.h"
#include "rules/facts.h"

/* Active profiles, --instances entries, at most. */
#define PGM_CONFIG_MAX_PROFILES 16u
#define PGM_CONFIG_MAX_INSTANCES 64u
/* Build files (pom.xml, build.gradle, a jar's manifest) whose Spring Boot
 * version is kept, at most; a later one is said and not read. Services are
 * not bounded: every one the inputs hold is built. */
#define PGM_CONFIG_MAX_BUILD_FILES 256u
/* HikariCP release whose defaults apply when nothing says otherwise. */
#define PGM_HIKARI_NEWEST "7.0.2"

typedef struct pgm_config_options {
    const char *profiles[PGM_CONFIG_MAX_PROFILES]; /* --profile; none: the bundle's, else default */
    size_t n_profiles;
    const char *hikari_version;                    /* --hikari-version; NULL: newest */
    struct {
        const char *name; /* a service, workload or pool name */
        long n;
    } instances[PGM_CONFIG_MAX_INSTANCES];
    size_t n_instances;
} pgm_config_options;

typedef struct pgm_config pgm_config;

int pgm_config_open(pgm_config **out, const pgm_config_options *opt);
/* pgbouncer.ini as loaded (its contents move into the config; `ini` is left
 * empty). The first one given is used. */
int pgm_config_add_pgbouncer(pgm_config *c, pgm_pgb_ini *ini, const char *path);
/* pgbouncer.ini files given after the first: not used. */
size_t pgm_config_pgbouncer_unused(const pgm_config *c);
/* PgBouncer's auth_file (userlist.txt): its user names only, never the
 * passwords or hashes beside them. */
int pgm_config_add_pgbouncer_users(pgm_config *c, const char *text, size_t n);
/* auth_file users past PGM_BOUNCER_MAX_USERS: not counted. */
size_t pgm_config_pgbouncer_users_over(const pgm_config *c);
/* The pgbouncer.ini whose settings are used ("" when none). */
const char *pgm_config_pgbouncer_path(const pgm_config *c);
/* Takes the file (its strings move into the config; `a` is left empty). */
int pgm_config_add_appconf(pgm_config *c, pgm_appconf *a);
/* postgresql.conf as loaded (entries are copied). `auto_path` names the
 * auto.conf among the entries' files, or NULL. */
int pgm_config_add_pgconf(pgm_config *c, const pgm_conf *conf, const char *main_path);
/* A postgresql.conf a manifest holds at path:line (a ConfigMap's, a Helm
 * chart's), its entries' lines already the manifest's; `host`: the name
 * its clients use, when the manifest says (NULL otherwise). */
int pgm_config_add_embedded_pgconf(pgm_config *c, const pgm_conf *conf, const char *path, unsigned line,
                                   const char *host);
/* Spring Boot's version as a build file or jar manifest states it: the
 * HikariCP release it manages applies to the pools of that directory's
 * service (or of every service, when the bundle has one version only),
 * unless --hikari-version says otherwise. */
int pgm_config_add_boot_version(pgm_config *c, const char *version, const char *path, unsigned line);
/* Whether a build file's dependencies are MyBatis without JPA (no Hibernate,
 * no spring-boot-starter-data-jpa, no jakarta/javax.persistence): its
 * service opens no JPA session, so open-in-view does not apply. A jar's
 * manifest, or anything else, says nothing (false). */
bool pgm_config_build_has_mybatis_only(const char *text, size_t n);
/* After pgm_config_add_boot_version: the same build file's dependencies. */
void pgm_config_set_boot_mybatis_only(pgm_config *c, const char *path, bool mybatis_only);
/* The connection pool a build file puts in HikariCP's place, the line
 * naming it and why it runs: Alibaba's druid-spring-boot-starter (its
 * auto-configuration makes the DataSource before Spring Boot's), or Tomcat
 * JDBC, Commons DBCP2 or Oracle UCP where HikariCP is excluded. NULL when it
 * puts none; a <dependencyManagement> entry (a version, no dependency) puts
 * none. */
const char *pgm_config_build_other_pool(const char *text, size_t n, unsigned *line, const char **why);
/* After pgm_config_add_boot_version (a version may be ""): that pool. */
void pgm_config_set_boot_other_pool(pgm_config *c, const char *path, const char *pool, unsigned line,
                                    const char *why);
/* Finds Spring Boot's version in a pom.xml, build.gradle(.kts) or
 * MANIFEST.MF: true with the version and its line. */
bool pgm_config_find_boot_version(const char *name, const char *text, size_t n, char *version,
                                  size_t cap, unsigned *line);
/* The HikariCP release a Spring Boot version manages, or NULL. */
const char *pgm_hikari_for_boot(const char *boot_version);
/* An input the files' paths start with: files of one input and of one
 * folder below it (or at its root) are of one project, which a server and
 * the pools connecting to it share. */
int pgm_config_add_input(pgm_config *c, const char *path);
/* The scopes the configuration is judged in: one per PostgreSQL server
 * (its parameters and the pools tied to it: the URL names it, or it is the
 * only server beside them), then one for the pools tied to none. */
size_t pgm_config_scopes(pgm_config *c);
/* The scope's server, as a reader finds it ("db/postgresql.conf"), or ""
 * for pools when the inputs hold no server. */
void pgm_config_scope_label(pgm_config *c, size_t scope, char *out, size_t cap);
/* Builds the facts of a scope (scalar "server": its label). The services'
 * key findings come with scope 0. PGM_OK or PGM_FATAL (memory). */
int pgm_config_facts(pgm_config *c, size_t scope, pgm_facts *out);
void pgm_config_close(pgm_config *c);

/* Reads a pg_settings dump (psql aligned or unaligned, --csv, COPY CSV with a
 * header: columns name and setting, unit when present) into `c`. Returns the
 * rows read. */
size_t pgm_config_read_pg_settings(pgm_config *c, const char *path, const char *text, size_t n);

#endif
