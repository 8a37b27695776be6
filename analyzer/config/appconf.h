/* The application side's configuration files as flat key = value lists,
 * every key with its line: Spring Boot .properties (multi-document `#---`)
 * and YAML (multi-document `---`, nested maps flattened with dots, lists as
 * [i]), HikariCP's own hikari.properties, .env files, and the container
 * environment of Kubernetes workloads (with their replicas, and an
 * autoscaler's maxReplicas). What the keys mean is config/spring.c's
 * business; this only reads them. Facts: shared/reference/spring-binding.md. */
#ifndef PGM_APPCONF_H
#define PGM_APPCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/rc.h"

/* Keys kept per file; more are counted in `dropped`. */
#define PGM_APPCONF_MAX_KEYS 20000u
/* Kubernetes workloads kept per file (and ConfigMaps and Secrets). */
#define PGM_APPCONF_MAX_WORKLOADS 64u
/* References of workloads to ConfigMaps and Secrets (envFrom, valueFrom) kept per file. */
#define PGM_APPCONF_MAX_ENV_REFS 512u

enum pgm_appconf_form {
    PGM_APPCONF_PROPERTIES,   /* application*.properties */
    PGM_APPCONF_YAML,         /* application*.yml / .yaml */
    PGM_APPCONF_HIKARI,       /* hikari.properties: HikariConfig's own names */
    PGM_APPCONF_ENV,          /* .env: environment variables */
    PGM_APPCONF_K8S,          /* a manifest: each workload's container env */
};

/* How a key reaches Spring, lowest precedence first. */
enum pgm_key_origin {
    PGM_KEY_FILE,       /* a properties or YAML file */
    PGM_KEY_ENV,        /* an environment variable (.env, a container's env) */
    PGM_KEY_SYSPROP,    /* -Dname=value in JAVA_TOOL_OPTIONS, JAVA_OPTS, JDK_JAVA_OPTIONS */
    PGM_KEY_ARG         /* --name=value among a container's command or args */
};

typedef struct pgm_appconf_key {
    char *key;          /* as written; for env: the variable name */
    enum pgm_key_origin origin;
    char *value;        /* as the application would see it (quotes removed) */
    unsigned line;
    unsigned doc;       /* document of the file, from 0 */
    int workload;       /* K8S: index into workloads, else -1 */
    int source;         /* K8S: index into env_sources (a ConfigMap's or Secret's data), else -1 */
    bool standalone;    /* no service binds it (a ConfigMap's data, a Helm value): judged once on its own */
} pgm_appconf_key;

/* A ConfigMap or Secret: environment that workloads take through envFrom
 * or valueFrom (its data are keys of the file with `source` set). */
typedef struct pgm_appconf_env_source {
    char *name;
    bool secret;
    unsigned line;      /* of its metadata.name */
} pgm_appconf_env_source;

/* A workload's container taking a ConfigMap's or Secret's data: all of it
 * (envFrom, `var` NULL, names under `prefix`) or one key into one variable
 * (valueFrom). */
typedef struct pgm_appconf_env_ref {
    int workload;
    char *source;       /* the ConfigMap's or Secret's name */
    bool secret;
    char *var, *key;    /* valueFrom: the variable set, the source's key */
    char *prefix;       /* envFrom's prefix, or NULL */
    bool file;          /* a Compose env_file: `source` is its path, relative to the Compose file */
    bool mount;         /* a volume of the ConfigMap `source`: the Spring files it holds */
    unsigned line;
} pgm_appconf_env_ref;

typedef struct pgm_appconf_workload {
    char *kind, *name;  /* Deployment orders */
    char *image;        /* its first container's image (or the Compose service's), or NULL */
    bool runs_postgres; /* a container listens on 5432 or keeps /var/lib/postgresql: a database, not a client */
    unsigned line;      /* of its metadata.name */
    long replicas;      /* -1: not given (Kubernetes then runs 1) */
    unsigned replicas_line;
    long max_replicas;  /* from a HorizontalPodAutoscaler aimed at it, -1: none */
    unsigned max_replicas_line;
} pgm_appconf_workload;

typedef struct pgm_appconf {
    char *path;
    enum pgm_appconf_form form;
    char *profile;      /* "prod" for application-prod.yml, else NULL */
    char *configmap;    /* a Spring file a ConfigMap holds: its name (the workloads mounting it read it), else NULL */
    pgm_appconf_key *keys;
    size_t n, alloc, dropped;
    /* per document: its spring.config.activate.on-profile (NULL: always) */
    char **on_profile;
    size_t n_docs;
    pgm_appconf_workload workloads[PGM_APPCONF_MAX_WORKLOADS];
    size_t n_workloads;
    /* autoscalers, whichever file their workload is in */
    struct {
        char *target;
        long max_replicas;
        unsigned line;
    } autoscalers[PGM_APPCONF_MAX_WORKLOADS];
    size_t n_autoscalers;
    pgm_appconf_env_source *env_sources; /* room for PGM_APPCONF_MAX_WORKLOADS, made on first use */
    size_t n_env_sources;
    pgm_appconf_env_ref *env_refs;
    size_t n_env_refs;
    /* PostgreSQL servers a manifest runs: a Compose service of the postgres
     * image, an operator's cluster (Zalando's postgresql, CloudNativePG's
     * Cluster, Crunchy's PostgresCluster); each with the host name its
     * clients connect to */
    struct pgm_appconf_pg_server {
        char *host;
        const char *what;   /* "Compose service", "CloudNativePG Cluster", ... */
    } *pg_servers;          /* room for PGM_APPCONF_MAX_WORKLOADS, made on first use */
    size_t n_pg_servers;
    /* postgresql.conf text inside the file (a ConfigMap's postgresql.conf, a
     * Helm chart's primary.extendedConfiguration): read as the server reads
     * a file, its lines counted from `line` */
    struct pgm_appconf_embedded_conf {
        char *text;
        unsigned line;
        const char *host;   /* the name its clients use ("*-postgresql": a Helm release's), or NULL */
    } *embedded_conf;       /* room for PGM_APPCONF_MAX_WORKLOADS, made on first use */
    size_t n_embedded_conf;
    /* Spring files a ConfigMap holds (application.yml: |), for the
     * workloads that mount it */
    struct pgm_appconf_embedded_spring {
        char *configmap, *name, *text;
        unsigned line;
    } *embedded_spring;     /* room for PGM_APPCONF_MAX_WORKLOADS, made on first use */
    size_t n_embedded_spring;
    /* their settings: a command line's -c name=value, an operator's parameters */
    struct {
        char *name, *value;
        unsigned line;
        int server;     /* index into pg_servers */
    } pg_args[PGM_APPCONF_MAX_WORKLOADS];
    size_t n_pg_args;
    char *error;        /* the first thing that could not be read, with its line */
    unsigned error_line;
} pgm_appconf;

/* Reads `data` as `form`; `name` is the file's base name (for the profile).
 * PGM_OK, PGM_WARN (some part unreadable: error says where; what could be
 * read is kept), PGM_FATAL (memory). */
int pgm_appconf_read(pgm_appconf *c, enum pgm_appconf_form form, const char *path,
                     const char *name, const char *data, size_t len);
void pgm_appconf_free(pgm_appconf *c);

/* The form a file's name and sniffed kind suggest: false when it is none. */
bool pgm_appconf_form_of(const char *name, const char *kind, enum pgm_appconf_form *out);

#endif
