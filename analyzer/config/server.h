/* The PostgreSQL servers a bundle describes, each with its parameters as
 * the server takes them: a postgresql.conf with its includes and the
 * postgresql.auto.conf beside it, a pg_settings or pg_file_settings dump
 * (which wins: it is what the server reported), a Compose service's
 * `postgres -c name=value` command line, an operator cluster's parameters. Each file is its own server unless
 * the bundle ties them: a dump in a postgresql.conf's directory (or beside
 * the only postgresql.conf of the inputs) is that server's. A server run by
 * Compose answers to its service's name, which a JDBC URL names; a bare
 * file answers to none. */
#ifndef PGM_SERVER_H
#define PGM_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "config/pgconf.h"
#include "rules/facts.h"

enum pgm_server_kind { PGM_SERVER_CONF, PGM_SERVER_DUMP, PGM_SERVER_COMMAND };

typedef struct pgm_server {
    enum pgm_server_kind kind;
    char *path;         /* the file that defines it */
    unsigned line;      /* where its settings start (1 for a file) */
    char *host;         /* the host name it answers to (a Compose service), or NULL */
    const char *what;   /* what runs it: "Compose service", "CloudNativePG Cluster", or NULL */
    char *settings;     /* a dump of its settings among the inputs, or NULL */
    int joined;         /* -1, or the server these settings are also of */
} pgm_server;

typedef struct pgm_pg_entry pgm_pg_entry;

typedef struct pgm_servers {
    pgm_pg_entry *pg;
    size_t n_pg, alloc_pg;
    pgm_server *v;
    size_t n, alloc;
    bool tied;
} pgm_servers;

void pgm_servers_init(pgm_servers *s);
void pgm_servers_free(pgm_servers *s);
/* A postgresql.conf as loaded (its entries are copied): a server of its
 * own, defined at main_path:line (1 for a file; where a manifest holds it),
 * answering to `host` (NULL: none known; "*-postgresql": any name ending so). */
int pgm_servers_add_conf(pgm_servers *s, const pgm_conf *conf, const char *main_path, unsigned line,
                         const char *host);
/* A pg_settings dump's row: the server's own effective value, which wins. */
int pgm_servers_add_setting(pgm_servers *s, const char *name, const char *setting, const char *unit,
                            const char *path, unsigned line);
/* A setting of a server that answers to `host`, run by `what` (a Compose
 * service's command line, an operator cluster's parameters). */
int pgm_servers_add_command(pgm_servers *s, const char *host, const char *what, const char *name,
                            const char *value, const char *path, unsigned line);
/* Reads a pg_settings or pg_file_settings dump (psql aligned or unaligned,
 * --csv, COPY CSV with a header: columns name and setting, unit when
 * present). Returns the rows read. */
size_t pgm_servers_read_settings(pgm_servers *s, const char *path, const char *text, size_t n);
/* Ties the dumps to the server they were taken from. Then servers are
 * numbered 0..pgm_servers_count()-1, the joined ones left out. */
void pgm_servers_tie(pgm_servers *s);
size_t pgm_servers_count(const pgm_servers *s);
const pgm_server *pgm_servers_get(const pgm_servers *s, size_t i);
/* "db/postgresql.conf", "Compose service db, docker-compose.yml:19",
 * "CloudNativePG Cluster shop-rw, k8s/db.yaml:12". */
void pgm_server_label(const pgm_server *sv, char *out, size_t cap);
/* Server i's parameters as facts (pg.<name>: set in the inputs, else the
 * server's default) and the entries the server would refuse or ignore
 * (collection "key"). 0, or -1 on memory. */
int pgm_servers_facts(const pgm_servers *s, size_t i, pgm_facts *out);

#endif
