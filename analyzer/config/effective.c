#define _GNU_SOURCE /* memmem */
#include "config/bouncer.h"
#include "config/effective.h"

#include <ctype.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "config/guc.h"
#include "config/server.h"
#include "config/hikari.h"
#include "config/spring.h"
#include "util/fmt.h"
#include "util/grow.h"
#include "util/intern.h"
#include "util/name_index.h"
#include "util/strbuf.h"

/* ---- the collected input ---- */

typedef struct boot_version {
    char version[32];
    char *path;
    unsigned line;
    bool mybatis_only;   /* its dependencies: MyBatis, no JPA */
    const char *other_pool; /* the pool it puts in HikariCP's place, or NULL */
    const char *other_pool_why;
    unsigned other_pool_line;
} boot_version;

struct pgm_config {
    pgm_config_options opt;
    boot_version boots[PGM_CONFIG_MAX_BUILD_FILES];
    size_t n_boots;
    pgm_appconf *files;
    size_t n_files;
    pgm_servers servers;
    pgm_bouncer bouncer;  /* pgbouncer.ini, when the bundle has one */
    char **inputs;      /* the inputs' paths, which tell their files apart */
    size_t n_inputs;
    /* "INPUT/PROJECT" of every application file, asked for each pool (does
     * the server's project hold services?): made at the first question,
     * again when files came since (n_files then) */
    pgm_interner file_projects;
    size_t file_projects_files;
    /* the manifests' ConfigMaps ("c NAME"), Secrets ("s NAME") and
     * autoscalers ("a TARGET"), asked for by every workload: item i of
     * manifest_names is manifest_items[i]; made at the first question, again
     * when files came since */
    pgm_name_index manifest_names;
    struct manifest_item {
        uint32_t file, item;
    } *manifest_items;
    size_t manifest_items_alloc, manifest_index_files;
    bool manifest_index_built;
    /* the scope being built: a server (its pools, its parameters), or the
     * pools that match none (scope == the number of servers) */
    size_t scope;
    pgm_facts *out;
    int rc;
};

static void manifest_index_free(pgm_config *c)
{
    pgm_name_index_free(&c->manifest_names);
    free(c->manifest_items);
    c->manifest_items = NULL;
    c->manifest_items_alloc = 0;
    c->manifest_index_built = false;
}

int pgm_config_open(pgm_config **out, const pgm_config_options *opt)
{
    pgm_config *c = calloc(1, sizeof *c);
    if (!c)
        return PGM_FATAL;
    if (opt)
        c->opt = *opt;
    pgm_servers_init(&c->servers);
    pgm_bouncer_init(&c->bouncer);
    *out = c;
    return PGM_OK;
}

int pgm_config_add_input(pgm_config *c, const char *path)
{
    char **p = realloc(c->inputs, (c->n_inputs + 1) * sizeof *p);
    if (!p)
        return PGM_FATAL;
    c->inputs = p;
    if (!(c->inputs[c->n_inputs] = strdup(path)))
        return PGM_FATAL;
    c->n_inputs++;
    return PGM_OK;
}

int pgm_config_add_pgconf(pgm_config *c, const pgm_conf *conf, const char *main_path)
{
    return pgm_servers_add_conf(&c->servers, conf, main_path, 1, NULL);
}

int pgm_config_add_embedded_pgconf(pgm_config *c, const pgm_conf *conf, const char *path, unsigned line,
                                   const char *host)
{
    return pgm_servers_add_conf(&c->servers, conf, path, line, host);
}

size_t pgm_config_read_pg_settings(pgm_config *c, const char *path, const char *text, size_t n)
{
    return pgm_servers_read_settings(&c->servers, path, text, n);
}

int pgm_config_add_pgbouncer(pgm_config *c, pgm_pgb_ini *ini, const char *path)
{
    return pgm_bouncer_add(&c->bouncer, ini, path) == 0 ? PGM_OK : PGM_FATAL;
}

size_t pgm_config_pgbouncer_unused(const pgm_config *c) { return c->bouncer.more; }

size_t pgm_config_pgbouncer_users_over(const pgm_config *c) { return c->bouncer.users_over; }

int pgm_config_add_pgbouncer_users(pgm_config *c, const char *text, size_t n)
{
    return pgm_bouncer_add_userlist(&c->bouncer, text, n) == 0 ? PGM_OK : PGM_FATAL;
}

const char *pgm_config_pgbouncer_path(const pgm_config *c) { return c->bouncer.path ? c->bouncer.path : ""; }

int pgm_config_add_appconf(pgm_config *c, pgm_appconf *a)
{
    /* a Compose postgres service's -c settings: the server's command line,
     * over postgresql.conf (postgres(1)), read the way the server reads them */
    for (size_t i = 0; i < a->n_pg_args; i++) {
        int s = a->pg_args[i].server;
        if (pgm_servers_add_command(&c->servers, a->pg_servers[s].host, a->pg_servers[s].what, a->pg_args[i].name,
                                    a->pg_args[i].value, a->path, a->pg_args[i].line) != PGM_OK)
            return PGM_FATAL;
    }
    pgm_appconf *p = realloc(c->files, (c->n_files + 1) * sizeof *p);
    if (!p)
        return PGM_FATAL;
    c->files = p;
    c->files[c->n_files++] = *a;
    memset(a, 0, sizeof *a);
    return PGM_OK;
}

int pgm_config_add_boot_version(pgm_config *c, const char *version, const char *path, unsigned line)
{
    if (c->n_boots == PGM_CONFIG_MAX_BUILD_FILES)
        return PGM_OK;
    boot_version *b = &c->boots[c->n_boots];
    pgm_fmt(b->version, sizeof b->version, "%s", version);
    if (!(b->path = strdup(path)))
        return PGM_FATAL;
    b->line = line;
    c->n_boots++;
    return PGM_OK;
}

/* The line of `at` in `text`, from 1. */
static unsigned line_at(const char *text, const char *at)
{
    unsigned line = 1;
    for (const char *q = text; q < at; q++)
        line += *q == '\n';
    return line;
}

/* The version-like text right after `after` (skipping quotes, spaces, '>',
 * "version", '='), e.g. 3.2.1 or 2.7.18. */
static bool version_after(const char *p, const char *end, char *out, size_t cap)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'' || *p == '>' || *p == '=' ||
                       *p == ')' || *p == '\n' || *p == '\r'))
        p++;
    if (end - p > 7 && memcmp(p, "version", 7) == 0)
        return version_after(p + 7, end, out, cap);
    if (end - p > 9 && memcmp(p, "<version>", 9) == 0)
        p += 9;
    size_t n = 0;
    while (p + n < end && ((p[n] >= '0' && p[n] <= '9') || p[n] == '.' || (n && p[n] >= 'A' && p[n] <= 'Z') ||
                           (n && p[n] == '-')) && n + 1 < cap)
        n++;
    if (n < 3 || !(p[0] >= '0' && p[0] <= '9') || !memchr(p, '.', n))
        return false;
    memcpy(out, p, n);
    out[n] = 0;
    return true;
}

bool pgm_config_find_boot_version(const char *name, const char *text, size_t n, char *version,
                                  size_t cap, unsigned *line)
{
    static const char *const markers[] = {
        "Spring-Boot-Version:",                 /* a Boot jar's MANIFEST.MF */
        "<artifactId>spring-boot-starter-parent</artifactId>",
        "<artifactId>spring-boot-dependencies</artifactId>",
        "<spring-boot.version>",
        "id 'org.springframework.boot'",        /* Gradle, Groovy and Kotlin */
        "id(\"org.springframework.boot\")",
        "id \"org.springframework.boot\"",
        "springBootVersion",
        "org.springframework.boot:spring-boot-gradle-plugin:",
    };
    if (strcmp(name, "pom.xml") && strcmp(name, "build.gradle") && strcmp(name, "build.gradle.kts") &&
        strcmp(name, "MANIFEST.MF") && strcmp(name, "gradle.properties") && strcmp(name, "libs.versions.toml"))
        return false;
    const char *end = text + n;
    for (size_t m = 0; m < sizeof markers / sizeof markers[0]; m++) {
        size_t ml = strlen(markers[m]);
        for (const char *p = text; p + ml <= end; p++) {
            if (*p != markers[m][0] || memcmp(p, markers[m], ml) != 0)
                continue;
            if (version_after(p + ml, end, version, cap)) {
                *line = line_at(text, p);
                return true;
            }
        }
    }
    return false;
}

void pgm_config_close(pgm_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_boots; i++)
        free(c->boots[i].path);
    for (size_t i = 0; i < c->n_files; i++)
        pgm_appconf_free(&c->files[i]);
    free(c->files);
    pgm_servers_free(&c->servers);
    pgm_bouncer_free(&c->bouncer);
    pgm_interner_free(&c->file_projects);
    manifest_index_free(c);
    for (size_t i = 0; i < c->n_inputs; i++)
        free(c->inputs[i]);
    free(c->inputs);
    free(c);
}

/* ---- small helpers ---- */

static void set_fact(pgm_config *c, pgm_record *r, const char *key, const char *text,
                     const char *path, unsigned line, const char *written, const char *note)
{
    pgm_origin at = {(char *)path, line, (char *)written, (char *)note};
    if (pgm_record_set_at(r, key, text, path || note ? &at : NULL) != 0)
        c->rc = PGM_FATAL;
}

typedef struct service {
    char name[128];     /* directory or workload */
    long max_replicas;  /* an autoscaler in another file than the workload, or -1 */
    const char *max_replicas_path;
    unsigned max_replicas_line;
    const char *hikari; /* the HikariCP release its Spring Boot manages, or NULL */
    bool hikari_here;   /* from a build file of this service's own directory */
    bool mybatis_only;  /* its build file: MyBatis without JPA */
    const char *other_pool; /* the pool its build file or spring.datasource.type puts in HikariCP's place */
    const char *other_pool_path, *other_pool_why;
    unsigned other_pool_line;
    char hikari_note[200];
    char app_name[128]; /* spring.application.name */
    const pgm_appconf **files; /* owned; the files themselves are the config's */
    size_t n_files, files_alloc;
    const pgm_appconf_workload *workload;
    const pgm_appconf *workload_file;
    int workload_index;
    bool configmap_service; /* made of a ConfigMap's Spring files no workload mounts */
} service;

/* `f` among the service's files; false when memory ran out. */
static bool service_add_file(service *sv, const pgm_appconf *f)
{
    const pgm_appconf **v = pgm_grow(sv->files, &sv->files_alloc, sv->n_files, sizeof *v, 8);
    if (!v)
        return false;
    sv->files = v;
    sv->files[sv->n_files++] = f;
    return true;
}

/* The services of one scope being built: as many as the inputs hold (a
 * monorepo's thousands), none left out. */
typedef struct service_list {
    service *v;
    size_t n, alloc;
} service_list;

/* A new service named `name` at the list's end, of no file and no workload;
 * NULL when memory ran out. The list may move: hold indices, not pointers,
 * across this call. */
static service *new_service(service_list *l, const char *name)
{
    service *v = pgm_grow(l->v, &l->alloc, l->n, sizeof *v, 64);
    if (!v)
        return NULL;
    l->v = v;
    service *sv = &v[l->n++];
    memset(sv, 0, sizeof *sv);
    sv->workload_index = -1;
    pgm_fmt(sv->name, sizeof sv->name, "%s", name);
    return sv;
}

static void service_list_free(service_list *l)
{
    for (size_t s = 0; s < l->n; s++)
        free(l->v[s].files);
    free(l->v);
}

/* The directory that names a service: the file's, without the build and
 * resource folders ("orders/src/main/resources/application.yml" -> orders). */
static void service_of(const char *path, char *out, size_t cap)
{
    static const char *const skip[] = {"config", "resources", "main", "src", "classes",
                                       "BOOT-INF", "WEB-INF", "target", "build", "conf", "etc"};
    char tmp[1024];
    pgm_fmt(tmp, sizeof tmp, "%s", path);
    for (char *bang = strrchr(tmp, '!'); bang; bang = NULL)
        memmove(tmp, bang + 1, strlen(bang + 1) + 1); /* inside an archive: its own path */
    char *slash = strrchr(tmp, '/');
    /* ledgermonolith.env, tb-node.postgres.env: the environment of the
     * service they are named after (".env" alone: its directory's) */
    const char *base = slash ? slash + 1 : tmp;
    size_t bl = strlen(base);
    if (bl > 4 && strcmp(base + bl - 4, ".env") == 0 && base[0] != '.') {
        pgm_fmt(out, cap, "%.*s", (int)strcspn(base, "."), base);
        return;
    }
    if (!slash) {
        pgm_fmt(out, cap, "%s", "");
        return;
    }
    *slash = 0;
    for (;;) {
        char *s = strrchr(tmp, '/');
        const char *last = s ? s + 1 : tmp;
        bool skipped = false;
        for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
            if (strcmp(last, skip[i]) == 0)
                skipped = true;
        if (!skipped || !s) {
            pgm_fmt(out, cap, "%s", skipped ? "" : last);
            return;
        }
        *s = 0;
    }
}

/* ---- key findings ---- */

static void key_record(void *ctx, const pgm_skey *s, const char *problem, const char *suggestion,
                       const char *detail)
{
    pgm_config *c = ctx;
    if (c->scope != 0)
        return; /* a service's keys are judged once, with the first scope */
    pgm_record *r = pgm_facts_add_record(c->out, "key");
    if (!r) {
        c->rc = PGM_FATAL;
        return;
    }
    char sq[256];
    pgm_squash(s->k->key, strlen(s->k->key), sq, sizeof sq);
    const char *value = pgm_spring_is_secret(sq) ? "[REDACTED]" : s->k->value;
    static const char *const forms[] = {"properties", "yaml", "hikari.properties", "env", "k8s"};
    pgm_origin at = {s->file->path, s->k->line, s->k->key, NULL};
    if (pgm_record_set_origin(r, &at) != 0)
        c->rc = PGM_FATAL;
    set_fact(c, r, "name", s->k->key, s->file->path, s->k->line, s->k->key, NULL);
    set_fact(c, r, "canonical", s->canon, NULL, 0, NULL, NULL);
    set_fact(c, r, "value", value, NULL, 0, NULL, NULL);
    set_fact(c, r, "source", forms[s->file->form], NULL, 0, NULL, NULL);
    set_fact(c, r, "problem", problem, NULL, 0, NULL, NULL);
    if (suggestion)
        set_fact(c, r, "suggestion", suggestion, NULL, 0, NULL, NULL);
    if (detail)
        set_fact(c, r, "detail", detail, NULL, 0, NULL, NULL);
}

/* ---- pools ---- */

typedef struct pool_src {
    char prefix[200];      /* canonical prefix the properties sit under */
    char config_prefix[220]; /* .configuration under a DataSourceProperties route */
    bool is_default;       /* spring.datasource(.hikari) */
} pool_src;

/* The database a pool connects to, from its JDBC URL ("jdbc:mysql:",
 * Testcontainers' "jdbc:tc:postgresql:") or its driver or DataSource class:
 * the "driver" fact, unset when nothing says. pgjdbc's settings and the
 * server's budget concern PostgreSQL pools only: "pg_pool_size" is
 * maximum-pool-size for them (and for pools of no known driver), else 0. */
static void set_driver(pgm_config *c, pgm_record *r)
{
    static const char *const known[] = {"postgresql", "mysql", "mariadb", "h2", "oracle", "sqlserver",
                                        "hsqldb", "derby", "sqlite", "db2", "clickhouse", "redshift"};
    char driver[32] = "";
    const pgm_fact *url = pgm_record_get_fact(r, "jdbc_url");
    /* asked before any fact is set: setting one moves the record's facts */
    bool fronted = url && pgm_bouncer_fronts(&c->bouncer, url->text);
    if (url && strncmp(url->text, "jdbc:", 5) == 0) {
        const char *p = url->text + 5;
        if (strncmp(p, "tc:", 3) == 0)
            p += 3;
        size_t n = strcspn(p, ":");
        if (n && n < sizeof driver)
            pgm_fmt(driver, sizeof driver, "%.*s", (int)n, p);
    }
    const char *const classes[] = {"driver_class_name", "data_source_class_name"};
    for (size_t k = 0; k < 2 && !driver[0]; k++) {
        const pgm_fact *f = pgm_record_get_fact(r, classes[k]);
        for (size_t i = 0; f && i < sizeof known / sizeof known[0] && !driver[0]; i++)
            if (strstr(f->text, known[i]))
                pgm_fmt(driver, sizeof driver, "%s", known[i]);
    }
    if (driver[0])
        set_fact(c, r, "driver", driver, NULL, 0, NULL, NULL);
    const pgm_fact *size_fact = pgm_record_get_fact(r, "maximum_pool_size");
    /* a copy: setting a fact moves the record's facts */
    char size[32];
    if (size_fact)
        pgm_fmt(size, sizeof size, "%s", size_fact->text);
    bool postgres = !driver[0] || strcmp(driver, "postgresql") == 0;
    /* behind PgBouncer the server's connections are PgBouncer's (its pools
     * bound them: pgbouncer.server_connections); the pool's are its clients */
    bool bounced = postgres && fronted;
    if (c->bouncer.set) {
        set_fact(c, r, "through_pgbouncer", bounced ? "true" : "false", NULL, 0, NULL, NULL);
        set_fact(c, r, "bouncer_pool_size", bounced && size_fact ? size : "0", NULL, 0, NULL, NULL);
    }
    if (size_fact)
        set_fact(c, r, "pg_pool_size", postgres && !bounced ? size : "0", NULL, 0, NULL,
                 bounced ? "through PgBouncer: its pools open the server's connections" : NULL);
}

/* ---- which server a pool connects to ---- */

/* The input `path` was found in (its index; -1 when none was given) and the
 * path's first element below it ("" for a file at its root): files of one
 * input and one first element belong to one project. Inside an archive the
 * member's path counts ("x.tar.zst!shop/db/postgresql.conf": shop). */
static int input_of(const pgm_config *c, const char *path, char *project, size_t cap)
{
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < c->n_inputs; i++) {
        size_t l = strlen(c->inputs[i]);
        while (l > 1 && c->inputs[i][l - 1] == '/')
            l--;
        if (l > best_len && strncmp(path, c->inputs[i], l) == 0 &&
            (path[l] == 0 || path[l] == '/' || path[l] == '!'))
            best = (int)i, best_len = l;
    }
    const char *rest = path + best_len;
    if (*rest == '/' || *rest == '!')
        rest++;
    const char *slash = strchr(rest, '/');
    pgm_fmt(project, cap, "%.*s", slash ? (int)(slash - rest) : 0, rest);
    return best;
}

/* Projects that may share a server: the same, or one at the input's root. */
static bool projects_meet(const char *a, const char *b) { return !*a || !*b || strcmp(a, b) == 0; }

/* The key of a project of input `in` among c->file_projects. */
static void project_key(char *key, size_t cap, int in, const char *project)
{
    pgm_fmt(key, cap, "%d/%s", in, project);
}

/* Whether any application configuration of input `in` is in `project`
 * (false, c->rc PGM_FATAL, when memory ran out). */
static bool project_has_services(pgm_config *c, int in, const char *project)
{
    char p[256], key[300];
    if (c->file_projects_files != c->n_files || !c->file_projects.n) {
        pgm_interner_free(&c->file_projects);
        c->file_projects_files = c->n_files;
        for (size_t f = 0; f < c->n_files; f++) {
            project_key(key, sizeof key, input_of(c, c->files[f].path, p, sizeof p), p);
            if (!pgm_intern(&c->file_projects, key)) {
                pgm_interner_free(&c->file_projects);
                c->rc = PGM_FATAL;
                return false;
            }
        }
    }
    project_key(key, sizeof key, in, project);
    return pgm_interned(&c->file_projects, key) != NULL;
}

/* The host a JDBC URL names (the first of several), false when it names
 * none a server could answer to: none at all, the local machine, or an
 * unresolved placeholder. */
static bool url_host(const char *url, char *host, size_t cap)
{
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p || strstr(url, "${"))
        return false;
    p += 3;
    size_t n = strcspn(p, ":/,?");
    pgm_fmt(host, cap, "%.*s", (int)n, p);
    return n && strcmp(host, "localhost") != 0 && strcmp(host, "127.0.0.1") != 0 && strcmp(host, "[::1]") != 0;
}

/* Whether a server named `name` answers to `host`: db for db or
 * db.shop.svc.cluster.local; "*-postgresql" (a Helm release's, whatever
 * the release is called) for shop-postgresql. */
static bool host_answers(const char *name, const char *host)
{
    size_t label = strcspn(host, ".");
    if (name[0] == '*') {
        size_t sl = strlen(name + 1);
        return label >= sl && strncasecmp(host + label - sl, name + 1, sl) == 0;
    }
    return strlen(name) == label && strncasecmp(name, host, label) == 0;
}

/* The server a PostgreSQL pool connects to (a scope), or the number of
 * servers when none can be told; `how` says how it was told. A server run
 * by Compose is the one whose service name the URL's host is; else the only
 * server of the pool's project, or the only server of its input when that
 * one stands in a folder with no application configuration of its own (a
 * bundle's db/ beside its services). */
static size_t pool_server(pgm_config *c, const pgm_record *r, char *how, size_t cap)
{
    size_t n = pgm_servers_count(&c->servers);
    const pgm_fact *driver = pgm_record_get_fact(r, "driver");
    if (driver && strcmp(driver->text, "postgresql") != 0) {
        pgm_fmt(how, cap, "a %s pool: no PostgreSQL server's", driver->text);
        return n;
    }
    const pgm_fact *url = pgm_record_get_fact(r, "jdbc_url");
    char host[256] = "", project[256], sproject[256];
    bool named = url_host(url ? url->text : NULL, host, sizeof host);
    int in = input_of(c, r->at.path ? r->at.path : "", project, sizeof project);
    size_t in_input = 0;
    for (size_t i = 0; i < n; i++)
        in_input += input_of(c, pgm_servers_get(&c->servers, i)->path, sproject, sizeof sproject) == in;
    /* by name: the one server of the input that answers to the host, or the
     * one of them in the pool's own project */
    size_t by_name = n, n_by_name = 0, near = n, n_near = 0, only = n, n_only = 0;
    for (size_t i = 0; i < n; i++) {
        const pgm_server *sv = pgm_servers_get(&c->servers, i);
        if (input_of(c, sv->path, sproject, sizeof sproject) != in)
            continue;
        if (named && sv->host && host_answers(sv->host, host)) {
            by_name = i, n_by_name++;
            if (projects_meet(project, sproject))
                near = i, n_near++;
        }
        if (named && sv->host)
            continue; /* answers to another name */
        if (projects_meet(project, sproject) || (in_input == 1 && !project_has_services(c, in, sproject)))
            only = i, n_only++;
    }
    if (n_by_name == 1 || n_near == 1) {
        pgm_fmt(how, cap, "its JDBC URL names host %s", host);
        return n_by_name == 1 ? by_name : near;
    }
    if (n_by_name == 0 && n_only == 1) {
        pgm_fmt(how, cap, "presumed: the only server beside it in the inputs");
        return only;
    }
    if (named)
        pgm_fmt(how, cap, "its JDBC URL names host %s, which %s", host,
                n_by_name ? "several servers in the inputs answer to" : "no server in the inputs answers to");
    else
        pgm_fmt(how, cap, "%s", n ? "no server in the inputs can be told to be the one it connects to"
                                  : "no server in the inputs");
    return n;
}

/* Keeps the pool just built in the facts when it belongs to the scope
 * being built; says which server it is tied to, and how. */
static void keep_in_scope(pgm_config *c, pgm_record *r)
{
    char how[700];
    size_t server = pool_server(c, r, how, sizeof how);
    if (server != c->scope) {
        pgm_facts_drop_last_record(c->out, "pool");
        return;
    }
    char label[512] = "none";
    if (server < pgm_servers_count(&c->servers))
        pgm_server_label(pgm_servers_get(&c->servers, server), label, sizeof label);
    set_fact(c, r, "server", label, NULL, 0, NULL, how);
}

/* A service configured for MyBatis (mybatis.*, mybatis-plus.*) with no
 * spring.jpa key: no JPA session to hold open in the view. */
static bool mybatis_without_jpa(const pgm_keyset *ks)
{
    bool mybatis = false;
    for (size_t i = 0; i < ks->n; i++) {
        if (strncmp(ks->v[i].canon, "spring.jpa.", 11) == 0)
            return false;
        mybatis = mybatis || strncmp(ks->v[i].canon, "mybatis.", 8) == 0 ||
                  strncmp(ks->v[i].canon, "mybatisplus.", 12) == 0;
    }
    return mybatis;
}

static bool is_spring_form(const pgm_appconf *a)
{
    return a->form == PGM_APPCONF_PROPERTIES || a->form == PGM_APPCONF_YAML;
}

/* The service's main Spring configuration: application.* without a
 * profile first, else any; NULL when it has none. */
static const pgm_appconf *spring_home(const service *sv)
{
    const pgm_appconf *any = NULL;
    for (size_t f = 0; f < sv->n_files; f++) {
        const pgm_appconf *a = sv->files[f];
        if (!is_spring_form(a))
            continue;
        if (!a->profile)
            return a;
        any = any ? any : a;
    }
    return any;
}

static bool is_spring_file(const service *sv, const char *path)
{
    for (size_t f = 0; f < sv->n_files; f++)
        if (strcmp(sv->files[f]->path, path) == 0)
            return is_spring_form(sv->files[f]);
    return false;
}

/* One pool's record from the service's keys under `src`. */
static void build_pool(pgm_config *c, const service *sv, const pgm_keyset *ks, const pool_src *src,
                       long instances, const char *inst_path, unsigned inst_line,
                       const char *inst_note)
{
    pgm_record *r = pgm_facts_add_record(c->out, "pool");
    if (!r) {
        c->rc = PGM_FATAL;
        return;
    }
    const char *version = c->opt.hikari_version ? c->opt.hikari_version : sv->hikari ? sv->hikari : PGM_HIKARI_NEWEST;
    pgm_pool_val pv[PGM_HS_N];
    memset(pv, 0, sizeof pv);
    static const char *const clamped[PGM_HS_N] = {"connectiontimeout", "idletimeout", "keepalivetime",
                                             "maxlifetime", "minimumidle", "maximumpoolsize",
                                             "validationtimeout", "leakdetectionthreshold"};
    const char *first_path = NULL, *spring_path = NULL; /* the datasource's first key, and its first in a Spring file */
    unsigned first_line = 0, spring_line = 0;
    char jdbc_url[1024] = "";
    const char *url_path = NULL, *url_written = NULL;
    unsigned url_line = 0;
    char pool_name[128] = "";
    /* the datasource's own url/username/name first, then the pool's properties over them */
    const char *layers[3] = {NULL, NULL, NULL};
    char l0[256], l1[256];
    if (src->is_default) {
        layers[0] = "spring.datasource.";
        layers[1] = "spring.datasource.hikari.";
    } else {
        pgm_fmt(l0, sizeof l0, "%s.", src->prefix);
        layers[0] = l0;
        if (src->config_prefix[0]) {
            pgm_fmt(l1, sizeof l1, "%s.", src->config_prefix);
            layers[1] = l1;
        }
    }
    for (int layer = 0; layer < 2; layer++) {
        const char *pre = layers[layer];
        if (!pre)
            continue;
        size_t pl = strlen(pre);
        for (size_t i = 0; i < ks->n; i++) {
            const pgm_skey *s = &ks->v[i];
            if (strncmp(s->canon, pre, pl) != 0 || strchr(s->canon + pl, '.'))
                continue;
            const pgm_skey *w = pgm_keyset_winner(ks, s->canon, NULL);
            if (w != s)
                continue;
            const char *rest = s->canon + pl;
            if (!first_path || (s->file->path && strcmp(s->file->path, first_path) == 0 &&
                                s->k->line < first_line)) {
                first_path = s->file->path;
                first_line = s->k->line;
            }
            bool spring = is_spring_form(s->file);
            if (spring && (!spring_path || (strcmp(s->file->path, spring_path) == 0 && s->k->line < spring_line))) {
                spring_path = s->file->path;
                spring_line = s->k->line;
            }
            bool datasource_layer = src->is_default && layer == 0;
            if (datasource_layer || !src->is_default) {
                /* DataSourceProperties: url, username, name */
                if (strcmp(rest, "url") == 0 && (src->is_default || src->config_prefix[0])) {
                    pgm_spring_url(ks, s->k->value, jdbc_url, sizeof jdbc_url);
                    url_path = s->file->path, url_line = s->k->line, url_written = s->k->key;
                    continue;
                }
                if (strcmp(rest, "name") == 0 && datasource_layer) {
                    pgm_fmt(pool_name, sizeof pool_name, "%s", s->k->value);
                    continue;
                }
                if (datasource_layer && strcmp(rest, "username") == 0) {
                    set_fact(c, r, "username", s->k->value, s->file->path, s->k->line, s->k->key, NULL);
                    continue;
                }
                /* DataSourceProperties' driver class: HikariCP is handed it (the database it names) */
                if (datasource_layer && strcmp(rest, "driverclassname") == 0) {
                    set_fact(c, r, "driver_class_name", s->k->value, s->file->path, s->k->line, s->k->key, NULL);
                    continue;
                }
                if (datasource_layer)
                    continue;
            }
            const pgm_hprop *h = pgm_hprop_squashed(rest);
            if (!h || !h->field)
                continue;
            if (strcmp(h->field, "jdbc_url") == 0) {
                pgm_spring_url(ks, s->k->value, jdbc_url, sizeof jdbc_url);
                url_path = s->file->path, url_line = s->k->line, url_written = s->k->key;
                continue;
            }
            if (strcmp(h->field, "pool_name") == 0)
                pgm_fmt(pool_name, sizeof pool_name, "%s", s->k->value);
            int slot = -1;
            for (int k = 0; k < PGM_HS_N; k++)
                if (strcmp(rest, clamped[k]) == 0)
                    slot = k;
            if (h->type == PGM_H_MS || h->type == PGM_H_INT || h->type == PGM_H_SECONDS) {
                long long v;
                char resolved[256], via[200] = "";
                const char *value = s->k->value;
                int ph = pgm_spring_resolve(ks, value, resolved, sizeof resolved, via, sizeof via);
                if (ph > 0)
                    value = resolved;
                if (ph < 0 && slot >= 0) {
                    /* known to be set, not to what: no rule may take HikariCP's default for it */
                    pv[slot] = (pgm_pool_val){.path = s->file->path, .written = s->k->key, .line = s->k->line,
                                          .unknown = true};
                    pgm_fmt(pv[slot].via, sizeof pv[slot].via, "%s", via);
                    continue;
                }
                if (!pgm_parse_long(value, &v)) {
                    if (!strstr(s->k->value, "${"))
                        key_record(c, s, "not_a_number",
                                   pgm_looks_like_duration(s->k->value) ? "a number of milliseconds" : NULL,
                                   h->type == PGM_H_MS && pgm_looks_like_duration(s->k->value)
                                       ? "HikariCP takes milliseconds as a long: Spring cannot convert a duration and the application does not start"
                                       : "not a number: Spring cannot bind it and the application does not start");
                    continue;
                }
                const char *bad = NULL;
                if (strcmp(h->field, "maximum_pool_size") == 0 && v < 1)
                    bad = "maxPoolSize cannot be less than 1";
                else if (strcmp(h->field, "connection_timeout") == 0 && v != 0 && v < 250)
                    bad = "connectionTimeout cannot be less than 250ms";
                else if (strcmp(h->field, "validation_timeout") == 0 && v < 250)
                    bad = "validationTimeout cannot be less than 250ms";
                else if ((strcmp(h->field, "idle_timeout") == 0 || strcmp(h->field, "minimum_idle") == 0) && v < 0)
                    bad = "cannot be negative";
                if (bad)
                    key_record(c, s, "startup_failure", NULL, bad);
                if (slot >= 0) {
                    pv[slot] = (pgm_pool_val){true, v, s->file->path, s->k->key, s->k->line, false, ""};
                    pgm_fmt(pv[slot].via, sizeof pv[slot].via, "%s", via);
                } else {
                    char text[48];
                    pgm_fmt(text, sizeof text, h->type == PGM_H_MS ? "%lldms" : h->type == PGM_H_SECONDS ? "%llds" : "%lld", v);
                    set_fact(c, r, h->field, text, s->file->path, s->k->line, s->k->key, via[0] ? via : NULL);
                }
                continue;
            }
            const char *text = s->k->value;
            if (strcmp(h->field, "password") == 0)
                text = "[REDACTED]";
            set_fact(c, r, h->field, text, s->file->path, s->k->line, s->k->key, NULL);
        }
    }
    /* data-source-properties and URL parameters: the driver's settings */
    for (size_t d = 0; d < pgm_n_pgjdbc; d++) {
        char val[256];
        const char *path = NULL, *written = NULL;
        unsigned line = 0;
        const char *v = NULL;
        char key[300];
        pgm_fmt(key, sizeof key, "%s%sdatasourceproperties.%s",
                 src->is_default ? "spring.datasource.hikari" : src->config_prefix[0] ? src->config_prefix : src->prefix,
                 ".", pgm_pgjdbc[d].name);
        const pgm_skey *w = pgm_keyset_winner(ks, key, NULL);
        if (w) {
            v = w->k->value, path = w->file->path, line = w->k->line, written = w->k->key;
        } else if (jdbc_url[0] && pgm_url_param(jdbc_url, pgm_pgjdbc[d].name, val, sizeof val)) {
            v = val, path = url_path, line = url_line, written = url_written;
        }
        if (!v)
            continue;
        char text[300];
        long long n;
        if (pgm_pgjdbc[d].type == PGM_H_SECONDS && pgm_parse_long(v, &n))
            pgm_fmt(text, sizeof text, "%llds", n);
        else
            pgm_fmt(text, sizeof text, "%s", v);
        set_fact(c, r, pgm_pgjdbc[d].field, text, path, line, written, NULL);
    }
    if (jdbc_url[0]) {
        /* credentials in a URL never leave the tool */
        char shown[1024];
        pgm_fmt(shown, sizeof shown, "%s", jdbc_url);
        char *at = strchr(shown, '@'), *scheme = strstr(shown, "://");
        if (at && scheme && at > scheme)
            memmove(scheme + 3, at + 1, strlen(at + 1) + 1);
        for (char *pw = strstr(shown, "password="); pw; pw = strstr(pw + 1, "password=")) {
            char *end = pw + 9 + strcspn(pw + 9, "&");
            memmove(pw + 9 + 10, end, strlen(end) + 1);
            memcpy(pw + 9, "[REDACTED]", 10);
        }
        set_fact(c, r, "jdbc_url", shown, url_path, url_line, url_written, NULL);
    }
    if (pgm_hikari_apply_clamps(r, pv, version) != 0)
        c->rc = PGM_FATAL;
    set_driver(c, r);
    const char *shown_name = pool_name[0] ? pool_name : NULL;
    char fallback[300];
    if (!shown_name) {
        pgm_fmt(fallback, sizeof fallback, "%s%s%s",
            sv->app_name[0] ? sv->app_name : sv->name[0] ? sv->name : "app",
                 src->is_default ? "" : ":", src->is_default ? "" : src->prefix);
        shown_name = fallback;
    }
    set_fact(c, r, "name", shown_name, NULL, 0, NULL, NULL);
    set_fact(c, r, "service", sv->app_name[0] ? sv->app_name : sv->name[0] ? sv->name : "app", NULL, 0, NULL, NULL);
    set_fact(c, r, "source", src->is_default ? "spring.datasource.hikari" : src->prefix, NULL, 0, NULL, NULL);
    set_fact(c, r, "binding", src->is_default ? "spring-boot" : src->config_prefix[0] ? "datasource-properties" : "bean-prefix", NULL, 0, NULL, NULL);
    set_fact(c, r, "hikari_version", version, NULL, 0, NULL,
             c->opt.hikari_version ? "--hikari-version" : sv->hikari ? sv->hikari_note : "the newest HikariCP: no --hikari-version and no Spring Boot version in the inputs");
    char inst[32];
    pgm_fmt(inst, sizeof inst, "%ld", instances);
    set_fact(c, r, "instances", inst, inst_path, inst_line, NULL, inst_note);
    /* open-in-view: Spring's default is on; a MyBatis service without JPA
     * (its own build file says so) opens no JPA session to hold */
    /* Hibernate told that the pool disables auto-commit: a deliberate setting */
    const pgm_skey *pda =
        pgm_keyset_winner(ks, "spring.jpa.properties.hibernate.connection.providerdisablesautocommit", NULL);
    if (pda)
        set_fact(c, r, "provider_disables_autocommit", pda->k->value, pda->file->path, pda->k->line, pda->k->key,
                 NULL);
    const pgm_skey *oiv = pgm_keyset_winner(ks, "spring.jpa.openinview", NULL);
    if (oiv)
        set_fact(c, r, "open_in_view", oiv->k->value, oiv->file->path, oiv->k->line, oiv->k->key, NULL);
    else if (!sv->mybatis_only && !mybatis_without_jpa(ks))
        set_fact(c, r, "open_in_view", "true", NULL, 0, NULL, "Spring Boot's default");
    /* what the pool lacks goes where a developer sets it: the service's
     * Spring configuration, when the datasource came from its environment */
    const pgm_appconf *home = spring_home(sv);
    if (first_path && spring_path && !is_spring_file(sv, first_path))
        first_path = spring_path, first_line = spring_line;
    else if (first_path && home && !is_spring_file(sv, first_path))
        first_path = home->path, first_line = 1;
    pgm_origin at = {(char *)(first_path ? first_path : sv->n_files ? sv->files[0]->path : ""),
                     first_path ? first_line : 1, NULL, NULL};
    if (pgm_record_set_origin(r, &at) != 0)
        c->rc = PGM_FATAL;
    keep_in_scope(c, r);
}

/* A pool from hikari.properties: HikariConfig's own names, strictly. */
static void build_hikari_file_pool(pgm_config *c, const service *sv, const pgm_appconf *f, long instances,
                                   const char *inst_path, unsigned inst_line, const char *inst_note)
{
    pgm_record *r = pgm_facts_add_record(c->out, "pool");
    if (!r) {
        c->rc = PGM_FATAL;
        return;
    }
    /* HikariConfig without Spring: only a build file beside it names its version */
    const char *version = c->opt.hikari_version ? c->opt.hikari_version
                          : sv->hikari && sv->hikari_here ? sv->hikari
                                                          : PGM_HIKARI_NEWEST;
    pgm_pool_val pv[PGM_HS_N];
    memset(pv, 0, sizeof pv);
    static const char *const clamped[PGM_HS_N] = {"connectionTimeout", "idleTimeout", "keepaliveTime",
                                             "maxLifetime", "minimumIdle", "maximumPoolSize",
                                             "validationTimeout", "leakDetectionThreshold"};
    char name[128] = "";
    for (size_t i = 0; i < f->n; i++) {
        const pgm_appconf_key *k = &f->keys[i];
        pgm_skey s;
        memset(&s, 0, sizeof s);
        s.file = f;
        s.k = k;
        pgm_fmt(s.canon, sizeof s.canon, "%s", k->key);
        if (strncmp(k->key, "dataSource.", 11) == 0) {
            /* the driver's password, handed to it through HikariConfig's dataSourceProperties */
            if (strcasecmp(k->key + 11, "password") == 0 && k->value[0] && !strstr(k->value, "${"))
                key_record(c, &s, "plaintext_secret", NULL,
                           "a password written into the configuration: anyone who reads the file has it");
            for (size_t d = 0; d < pgm_n_pgjdbc; d++)
                if (strcmp(pgm_pgjdbc[d].name, k->key + 11) == 0) {
                    long long n;
                    char text[300];
                    if (pgm_pgjdbc[d].type == PGM_H_SECONDS && pgm_parse_long(k->value, &n))
                        pgm_fmt(text, sizeof text, "%llds", n);
                    else
                        pgm_fmt(text, sizeof text, "%s", k->value);
                    set_fact(c, r, pgm_pgjdbc[d].field, text, f->path, k->line, k->key, NULL);
                }
            continue;
        }
        const pgm_hprop *h = pgm_hprop_camel(k->key);
        if (!h) {
            char sq[128];
            pgm_squash(k->key, strlen(k->key), sq, sizeof sq);
            const pgm_hprop *near = pgm_hprop_squashed(sq);
            const char *sug = near ? near->camel : NULL;
            if (!sug) {
                const char *kebab = pgm_hprop_suggest(sq);
                for (size_t j = 0; kebab && j < pgm_n_hprops; j++)
                    if (strcmp(pgm_hprops[j].kebab, kebab) == 0)
                        sug = pgm_hprops[j].camel;
            }
            key_record(c, &s, "unknown_hikari_property", sug,
                       "HikariConfig logs 'Property ... does not exist on target' and refuses to start");
            continue;
        }
        if (!h->field)
            continue;
        if (strcmp(h->field, "pool_name") == 0)
            pgm_fmt(name, sizeof name, "%s", k->value);
        int slot = -1;
        for (int j = 0; j < PGM_HS_N; j++)
            if (strcmp(k->key, clamped[j]) == 0)
                slot = j;
        long long v;
        if (h->type == PGM_H_MS || h->type == PGM_H_INT || h->type == PGM_H_SECONDS) {
            if (!pgm_parse_long(k->value, &v)) {
                /* HikariCP 6.3+ reads 10ms/20s/30m/40h/50d itself */
                bool ok = h->type == PGM_H_MS && pgm_looks_like_duration(k->value) && pgm_version_cmp(version, 6, 3, 0) >= 0;
                if (ok) {
                    pgm_value q;
                    char fixed[64];
                    pgm_fmt(fixed, sizeof fixed, "%s", k->value);
                    size_t fl = strlen(fixed);
                    if (fl && fixed[fl - 1] == 'm' && (fl < 2 || fixed[fl - 2] != 'm'))
                        pgm_fmt(fixed + fl - 1, sizeof fixed - fl + 1, "min");
                    ok = pgm_value_parse_quantity(fixed, strlen(fixed), &q);
                    v = (long long)q.num;
                }
                if (!ok) {
                    key_record(c, &s, "not_a_number", NULL, "not a number of milliseconds for this HikariCP");
                    continue;
                }
            }
            if (slot >= 0)
                pv[slot] = (pgm_pool_val){true, v, f->path, k->key, k->line, false, ""};
            else {
                char text[48];
                pgm_fmt(text, sizeof text, h->type == PGM_H_MS ? "%lldms" : h->type == PGM_H_SECONDS ? "%llds" : "%lld", v);
                set_fact(c, r, h->field, text, f->path, k->line, k->key, NULL);
            }
            continue;
        }
        if (strcmp(h->field, "password") == 0 && k->value[0] && !strstr(k->value, "${"))
            key_record(c, &s, "plaintext_secret", NULL,
                       "a password written into the configuration: anyone who reads the file has it");
        set_fact(c, r, h->field, strcmp(h->field, "password") == 0 ? "[REDACTED]" : k->value, f->path,
                 k->line, k->key, NULL);
    }
    const pgm_fact *url = pgm_record_get_fact(r, "jdbc_url");
    if (url) {
        for (size_t d = 0; d < pgm_n_pgjdbc; d++) {
            char val[256];
            if (!pgm_record_get(r, pgm_pgjdbc[d].field) && pgm_url_param(url->text, pgm_pgjdbc[d].name, val, sizeof val)) {
                long long n;
                char text[300];
                if (pgm_pgjdbc[d].type == PGM_H_SECONDS && pgm_parse_long(val, &n))
                    pgm_fmt(text, sizeof text, "%llds", n);
                else
                    pgm_fmt(text, sizeof text, "%s", val);
                set_fact(c, r, pgm_pgjdbc[d].field, text, url->at.path, url->at.line, url->at.written, NULL);
            }
        }
    }
    if (pgm_hikari_apply_clamps(r, pv, version) != 0)
        c->rc = PGM_FATAL;
    set_driver(c, r);
    char shown[300];
    pgm_fmt(shown, sizeof shown, "%s%s%s", name[0] ? name : sv->app_name[0] ? sv->app_name : sv->name,
        name[0] ? "" : ":", name[0] ? "" : "hikari.properties");
    set_fact(c, r, "name", shown, NULL, 0, NULL, NULL);
    set_fact(c, r, "service", sv->app_name[0] ? sv->app_name : sv->name[0] ? sv->name : "app", NULL, 0, NULL, NULL);
    set_fact(c, r, "source", "hikari.properties", NULL, 0, NULL, NULL);
    set_fact(c, r, "binding", "hikari.properties", NULL, 0, NULL, NULL);
    set_fact(c, r, "hikari_version", version, NULL, 0, NULL, NULL);
    char inst[32];
    pgm_fmt(inst, sizeof inst, "%ld", instances);
    set_fact(c, r, "instances", inst, inst_path, inst_line, NULL, inst_note);
    pgm_origin at = {f->path, 1, NULL, NULL};
    if (pgm_record_set_origin(r, &at) != 0)
        c->rc = PGM_FATAL;
    keep_in_scope(c, r);
}

/* One more pool source at the end of *out (zeroed); NULL when memory ran out. */
static pool_src *add_pool_src(pool_src **out, size_t *n, size_t *alloc)
{
    pool_src *v = pgm_grow(*out, alloc, *n, sizeof *v, 4);
    if (!v)
        return NULL;
    *out = v;
    memset(&v[*n], 0, sizeof v[*n]);
    return &v[(*n)++];
}

/* The pools a service's keys describe: the auto-configured one, and any
 * other prefix that carries HikariCP properties (app.datasource.second...),
 * into *out (the caller frees it), as many as there are. PGM_OK, or
 * PGM_FATAL when memory ran out. */
static int find_pool_sources(const pgm_keyset *ks, pool_src **out, size_t *count)
{
    size_t n = 0, alloc = 0;
    pool_src *v = NULL;
    bool has_default = false;
    for (size_t i = 0; i < ks->n; i++) {
        const char *k = ks->v[i].canon;
        if (strncmp(k, "spring.datasource.", 18) == 0) {
            const char *rest = k + 18;
            if (strcmp(rest, "url") == 0 || strncmp(rest, "hikari.", 7) == 0 ||
                strcmp(rest, "username") == 0 || strcmp(rest, "name") == 0)
                has_default = true;
            continue;
        }
        if (strncmp(k, "spring.", 7) == 0)
            continue;
        const char *dot = strrchr(k, '.');
        if (!dot)
            continue;
        const pgm_hprop *h = pgm_hprop_squashed(dot + 1);
        bool url = strcmp(dot + 1, "url") == 0;
        if (!(h && h->field && h->type != PGM_H_OBJECT) && !url)
            continue;
        char prefix[200];
        pgm_fmt(prefix, sizeof prefix, "%.*s", (int)(dot - k), k);
        char config_prefix[220] = "";
        size_t pl = strlen(prefix);
        if (pl > 14 && strcmp(prefix + pl - 14, ".configuration") == 0) {
            pgm_fmt(config_prefix, sizeof config_prefix, "%s", prefix);
            prefix[pl - 14] = 0;
        } else if (pl > 7 && strcmp(prefix + pl - 7, ".hikari") == 0) {
            pgm_fmt(config_prefix, sizeof config_prefix, "%s", prefix);
            prefix[pl - 7] = 0;
        }
        /* a url alone is a pool only when it looks like a datasource */
        if (url && !config_prefix[0] && !strstr(prefix, "datasource") && !strstr(prefix, "db"))
            continue;
        bool seen = false;
        for (size_t j = 0; j < n; j++)
            if (strcmp(v[j].prefix, prefix) == 0) {
                seen = true;
                if (config_prefix[0])
                    pgm_fmt(v[j].config_prefix, sizeof v[j].config_prefix, "%s", config_prefix);
            }
        pool_src *src = seen ? NULL : add_pool_src(&v, &n, &alloc);
        if (!seen && !src) {
            free(v);
            return PGM_FATAL;
        }
        if (src) {
            pgm_fmt(src->prefix, sizeof src->prefix, "%s", prefix);
            pgm_fmt(src->config_prefix, sizeof src->config_prefix, "%s", config_prefix);
        }
    }
    /* a prefix counts only with a HikariCP property of its own (not a bare
     * url), and only where Spring would build a datasource: a JDBC URL or a
     * driver beside it, or a datasource's name. ZooKeeper's
     * connection-timeout, a thread pool's pool-name, a cache's
     * maximumPoolSize are no pool; nor are Hibernate's own properties
     * (hibernate.connection.*), which no DataSource binds. */
    size_t kept = 0;
    for (size_t j = 0; j < n; j++) {
        bool real = v[j].config_prefix[0] != 0, pool_key = real, datasource = real;
        size_t pl = strlen(v[j].prefix);
        if (strncmp(v[j].prefix, "hibernate.", 10) == 0)
            continue;
        datasource = datasource || strstr(v[j].prefix, "datasource") || strstr(v[j].prefix, "data-source");
        for (size_t i = 0; i < ks->n && !(pool_key && datasource); i++) {
            const char *k = ks->v[i].canon;
            if (strncmp(k, v[j].prefix, pl) != 0 || k[pl] != '.')
                continue;
            const char *leaf = k + pl + 1;
            const pgm_hprop *h = pgm_hprop_squashed(leaf);
            pool_key = pool_key || (h && h->field && strcmp(h->field, "username") && strcmp(h->field, "password"));
            const char *value = ks->v[i].k->value ? ks->v[i].k->value : "";
            datasource = datasource ||
                         ((strcmp(leaf, "url") == 0 || strcmp(leaf, "jdbcurl") == 0) && strncmp(value, "jdbc:", 5) == 0) ||
                         strcmp(leaf, "driverclassname") == 0 || strcmp(leaf, "datasourceclassname") == 0;
        }
        if (pool_key && datasource)
            v[kept++] = v[j];
    }
    n = kept;
    if (has_default) {
        if (!add_pool_src(&v, &n, &alloc)) {
            free(v);
            return PGM_FATAL;
        }
        memmove(v + 1, v, (n - 1) * sizeof *v);
        memset(&v[0], 0, sizeof v[0]);
        pgm_fmt(v[0].prefix, sizeof v[0].prefix, "spring.datasource");
        v[0].is_default = true;
    }
    *out = v;
    *count = n;
    return PGM_OK;
}

/* A hand-made HikariDataSource bound to a prefix has no `url` property. */
static void check_pool_prefix(pgm_config *c, const pgm_keyset *ks, const pool_src *src)
{
    if (src->is_default || src->config_prefix[0])
        return;
    char k[256], jk[256];
    pgm_fmt(k, sizeof k, "%s.url", src->prefix);
    pgm_fmt(jk, sizeof jk, "%s.jdbcurl", src->prefix);
    const pgm_skey *u = pgm_keyset_winner(ks, k, NULL);
    if (u && !pgm_keyset_winner(ks, jk, NULL)) {
        char sug[300];
        pgm_fmt(sug, sizeof sug, "%.*s.jdbc-url", (int)(strlen(u->k->key) - 4), u->k->key);
        key_record(c, u, "url_not_jdbc_url", sug,
                   "HikariDataSource has no url property: bound directly to a prefix, this key is ignored");
    }
}

static long instances_for(const pgm_config *c, const char *name, long dflt, bool *overridden)
{
    for (size_t i = 0; i < c->opt.n_instances; i++)
        if (strcmp(c->opt.instances[i].name, name) == 0) {
            *overridden = true;
            return c->opt.instances[i].n;
        }
    return dflt;
}

bool pgm_config_build_has_mybatis_only(const char *text, size_t n)
{
    static const char *const jpa[] = {"spring-boot-starter-data-jpa", "hibernate", "jakarta.persistence",
                                       "javax.persistence", "spring-data-jpa", "eclipselink", "openjpa"};
    if (!memmem(text, n, "mybatis", 7))
        return false;
    for (size_t i = 0; i < sizeof jpa / sizeof jpa[0]; i++)
        if (memmem(text, n, jpa[i], strlen(jpa[i])))
            return false;
    return true;
}

/* Where `what` is first named in a build file as a dependency: not within
 * a Maven <dependencyManagement>, which sets versions and adds nothing. */
static const char *build_dependency(const char *text, size_t n, const char *what)
{
    size_t wl = strlen(what);
    for (const char *at = text; (at = memmem(at, n - (size_t)(at - text), what, wl)) != NULL; at += wl) {
        const char *open = text, *close = text, *q;
        /* the last <dependencyManagement> and </dependencyManagement> before it */
        for (q = text; (q = memmem(q, (size_t)(at - q), "<dependencyManagement>", 22)) != NULL; q++)
            open = q;
        for (q = text; (q = memmem(q, (size_t)(at - q), "</dependencyManagement>", 23)) != NULL; q++)
            close = q;
        if (open == text || close > open)
            return at;
    }
    return NULL;
}

const char *pgm_config_build_other_pool(const char *text, size_t n, unsigned *line, const char **why)
{
    /* DruidDataSourceAutoConfigure runs before DataSourceAutoConfiguration
     * and makes the DataSource (alibaba/druid, druid-spring-boot-starter) */
    static const char *const druid[] = {"druid-spring-boot-starter", "druid-spring-boot-3-starter"};
    for (size_t i = 0; i < sizeof druid / sizeof druid[0]; i++) {
        const char *hit = build_dependency(text, n, druid[i]);
        if (hit) {
            *line = line_at(text, hit);
            *why = "its build brings druid-spring-boot-starter, which makes the DataSource before Spring Boot does";
            return "Alibaba Druid";
        }
    }
    static const struct {
        const char *artifact, *name;
    } pools[] = {{"tomcat-jdbc", "Tomcat JDBC"}, {"commons-dbcp2", "Commons DBCP2"}, {"ucp", "Oracle UCP"}};
    /* Spring Boot's starter brings HikariCP; another pool runs only when it is excluded */
    if (!memmem(text, n, "HikariCP", 8) || !(memmem(text, n, "exclude", 7) || memmem(text, n, "exclusion", 9)))
        return NULL;
    for (size_t i = 0; i < sizeof pools / sizeof pools[0]; i++) {
        const char *hit = build_dependency(text, n, pools[i].artifact);
        if (!hit)
            continue;
        *line = line_at(text, hit);
        *why = "its build excludes HikariCP for it";
        return pools[i].name;
    }
    return NULL;
}

void pgm_config_set_boot_other_pool(pgm_config *c, const char *path, const char *pool, unsigned line,
                                    const char *why)
{
    for (size_t i = 0; i < c->n_boots; i++)
        if (strcmp(c->boots[i].path, path) == 0)
            c->boots[i].other_pool = pool, c->boots[i].other_pool_line = line, c->boots[i].other_pool_why = why;
}

void pgm_config_set_boot_mybatis_only(pgm_config *c, const char *path, bool mybatis_only)
{
    for (size_t i = 0; i < c->n_boots; i++)
        if (strcmp(c->boots[i].path, path) == 0)
            c->boots[i].mybatis_only = mybatis_only;
}

/* The Spring Boot version of a service: a build file or manifest in its
 * directory, else the bundle's only one. */
static void service_boot(const pgm_config *c, service *sv)
{
    const boot_version *found = NULL;
    size_t distinct = 0;
    for (size_t i = 0; i < c->n_boots; i++) {
        char name[128];
        service_of(c->boots[i].path, name, sizeof name);
        if (strcmp(name, sv->name) == 0)
            found = &c->boots[i];
        bool seen = !c->boots[i].version[0]; /* a build file that names no version */
        for (size_t j = 0; j < i; j++)
            seen = seen || strcmp(c->boots[j].version, c->boots[i].version) == 0;
        distinct += !seen;
    }
    sv->hikari_here = found && found->version[0];
    sv->mybatis_only = found && found->mybatis_only;
    if (found && found->other_pool) {
        sv->other_pool = found->other_pool;
        sv->other_pool_path = found->path;
        sv->other_pool_line = found->other_pool_line;
        sv->other_pool_why = found->other_pool_why;
    }
    if ((!found || !found->version[0]) && distinct == 1)
        for (size_t i = 0; i < c->n_boots && !(found && found->version[0]); i++)
            found = &c->boots[i];
    if (!found || !(sv->hikari = pgm_hikari_for_boot(found->version)))
        return;
    pgm_fmt(sv->hikari_note, sizeof sv->hikari_note, "managed by Spring Boot %s (%s:%u)", found->version,
        found->path, found->line);
}

/* Images of databases, brokers and proxies: a workload running one is no
 * Spring service. */
static bool infrastructure_image(const char *image)
{
    static const char *const infra[] = {"postgres", "mysql", "mariadb", "redis", "valkey", "mongo", "zookeeper",
                                        "kafka", "elasticsearch", "opensearch", "rabbitmq", "nginx", "memcached",
                                        "cassandra", "minio", "pgbouncer", "pgpool", "prometheus", "grafana",
                                        "busybox", "haproxy", "envoy", "keycloak", "mailhog", "adminer"};
    if (!image)
        return false;
    const char *slash = strrchr(image, '/');
    const char *repo = slash ? slash + 1 : image;
    for (size_t i = 0; i < sizeof infra / sizeof infra[0]; i++)
        if (strncmp(repo, infra[i], strlen(infra[i])) == 0)
            return true;
    return false;
}

/* A workload that runs a database, a broker or a proxy, not an application:
 * port 5432 or /var/lib/postgresql, else its image (its name when a Compose
 * service extends another and names no image). */
static bool runs_infrastructure(const pgm_appconf_workload *w)
{
    return w->runs_postgres || infrastructure_image(w->image ? w->image : w->name);
}

static bool has_spring_file(const service *sv) { return spring_home(sv) != NULL; }

/* A service whose pool is not HikariCP: said once (rule SPB-POOL-001),
 * since lint's pool rules and the server's budget leave it out. */
static void other_pool_record(pgm_config *c, const service *sv)
{
    if (c->scope != 0)
        return;
    pgm_record *r = pgm_facts_add_record(c->out, "key");
    if (!r) {
        c->rc = PGM_FATAL;
        return;
    }
    const char *name = sv->app_name[0] ? sv->app_name : sv->name;
    pgm_origin at = {(char *)sv->other_pool_path, sv->other_pool_line, (char *)sv->other_pool, NULL};
    if (pgm_record_set_origin(r, &at) != 0)
        c->rc = PGM_FATAL;
    set_fact(c, r, "name", sv->other_pool, sv->other_pool_path, sv->other_pool_line, sv->other_pool, NULL);
    set_fact(c, r, "canonical", sv->other_pool, NULL, 0, NULL, NULL);
    set_fact(c, r, "value", name, NULL, 0, NULL, NULL);
    set_fact(c, r, "source", "build", NULL, 0, NULL, NULL);
    set_fact(c, r, "problem", "other_pool_in_use", NULL, 0, NULL, NULL);
    set_fact(c, r, "detail", sv->other_pool_why, NULL, 0, NULL, NULL);
}

/* ---- what a workload takes from ConfigMaps and Secrets ---- */

/* A variable a workload takes, as a key of the file that sets it (a
 * ConfigMap's, a Secret's, an env_file's), under the name the container
 * sees (valueFrom's, envFrom's prefix); a source not in the inputs gives a
 * placeholder nothing resolves. k.key and k.value are its own copies. */
typedef struct env_var {
    pgm_appconf_key k;
    const pgm_appconf *file;
} env_var;

static void free_env_vars(env_var *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].k.key), free(v[i].k.value);
    free(v);
}

/* Names and value of a new variable (copied; NULL on memory). */
static int set_env_var(env_var *e, const char *prefix, const char *name, const char *value)
{
    size_t pl = prefix ? strlen(prefix) : 0, nl = strlen(name);
    e->k.key = malloc(pl + nl + 1);
    e->k.value = strdup(value);
    if (!e->k.key || !e->k.value)
        return PGM_FATAL;
    memcpy(e->k.key, prefix ? prefix : "", pl);
    memcpy(e->k.key + pl, name, nl + 1);
    return PGM_OK;
}

/* The key of a manifest's ConfigMap ('c'), Secret ('s') or autoscaler's
 * target ('a') in c->manifest_names. */
static void manifest_key(char *key, size_t cap, char kind, const char *name)
{
    pgm_fmt(key, cap, "%c %s", kind, name);
}

static bool manifest_item_add(pgm_config *c, size_t file, size_t item, char kind, const char *name)
{
    char key[300];
    manifest_key(key, sizeof key, kind, name);
    size_t n = pgm_name_index_count(&c->manifest_names);
    struct manifest_item *v = pgm_grow(c->manifest_items, &c->manifest_items_alloc, n, sizeof *v, 64);
    if (!v)
        return false;
    c->manifest_items = v;
    v[n] = (struct manifest_item){(uint32_t)file, (uint32_t)item};
    return pgm_name_index_add(&c->manifest_names, key) == 0;
}

/* c->manifest_names for the files there are; false (c->rc PGM_FATAL) when
 * memory ran out. */
static bool manifest_index_ready(pgm_config *c)
{
    if (c->manifest_index_built && c->manifest_index_files == c->n_files)
        return true;
    manifest_index_free(c);
    for (size_t f = 0; f < c->n_files && f < UINT32_MAX; f++) {
        const pgm_appconf *a = &c->files[f];
        bool ok = true;
        for (size_t s = 0; ok && a->form == PGM_APPCONF_K8S && s < a->n_env_sources; s++)
            ok = manifest_item_add(c, f, s, a->env_sources[s].secret ? 's' : 'c', a->env_sources[s].name);
        for (size_t h = 0; ok && h < a->n_autoscalers; h++)
            ok = manifest_item_add(c, f, h, 'a', a->autoscalers[h].target);
        if (!ok) {
            manifest_index_free(c);
            c->rc = PGM_FATAL;
            return false;
        }
    }
    c->manifest_index_built = true;
    c->manifest_index_files = c->n_files;
    return true;
}

/* The first item under `name` of `kind` in c->manifest_names, or
 * PGM_CHAINS_NONE (also when memory ran out: c->rc says it). */
static uint32_t manifest_first(pgm_config *c, char kind, const char *name)
{
    char key[300];
    manifest_key(key, sizeof key, kind, name);
    return manifest_index_ready(c) ? pgm_name_index_first(&c->manifest_names, key) : PGM_CHAINS_NONE;
}

static bool env_source_is(const pgm_appconf_env_source *src, const pgm_appconf_env_ref *ref)
{
    return src->secret == ref->secret && strcmp(src->name, ref->source) == 0;
}

/* The ConfigMap or Secret `name`: in the referring manifest, else in the
 * first manifest of the same input that has it. */
static bool find_env_source(pgm_config *c, const pgm_appconf *from, const pgm_appconf_env_ref *ref,
                            const pgm_appconf **file, int *idx)
{
    for (size_t s = 0; s < from->n_env_sources; s++)
        if (env_source_is(&from->env_sources[s], ref)) {
            *file = from;
            *idx = (int)s;
            return true;
        }
    char p1[256], p2[256];
    int in = input_of(c, from->path, p1, sizeof p1);
    for (uint32_t i = manifest_first(c, ref->secret ? 's' : 'c', ref->source); i != PGM_CHAINS_NONE;
         i = pgm_name_index_next(&c->manifest_names, i)) {
        const pgm_appconf *a = &c->files[c->manifest_items[i].file];
        uint32_t source = c->manifest_items[i].item;
        /* the name compared too: a key is cut at its length */
        if (a != from && env_source_is(&a->env_sources[source], ref) && input_of(c, a->path, p2, sizeof p2) == in) {
            *file = a;
            *idx = (int)source;
            return true;
        }
    }
    return false;
}

/* The .env file a Compose file names (relative to its directory), when
 * the inputs hold it. */
static const pgm_appconf *env_file_of(const pgm_config *c, const char *compose, const char *name)
{
    char path[1024];
    size_t dl = strrchr(compose, '/') ? (size_t)(strrchr(compose, '/') - compose) : 0;
    pgm_fmt(path, sizeof path, "%.*s", (int)dl, compose);
    for (const char *p = name; *p;) {
        size_t l = strcspn(p, "/");
        if (l == 2 && p[0] == '.' && p[1] == '.') {
            char *up = strrchr(path, '/');
            if (up)
                *up = 0;
            else
                path[0] = 0;
        } else if (!(l == 1 && p[0] == '.') && l) {
            size_t pl = strlen(path);
            pgm_fmt(path + pl, sizeof path - pl, "%s%.*s", pl ? "/" : "", (int)l, p);
        }
        p += l + (p[l] == '/');
    }
    for (size_t f = 0; f < c->n_files; f++)
        if (c->files[f].form == PGM_APPCONF_ENV && strcmp(c->files[f].path, path) == 0)
            return &c->files[f];
    return NULL;
}

static env_var *new_env_var(env_var **v, size_t *n, size_t *alloc)
{
    env_var *p = pgm_grow(*v, alloc, *n, sizeof *p, 16);
    if (!p)
        return NULL;
    *v = p;
    env_var *e = &(*v)[(*n)++];
    memset(e, 0, sizeof *e);
    e->k.origin = PGM_KEY_ENV;
    e->k.workload = -1;
    e->k.source = -1;
    return e;
}

/* The variables the service's workload takes through envFrom and valueFrom. */
static int workload_env(pgm_config *c, const service *sv, env_var **out, size_t *n)
{
    size_t alloc = 0;
    *out = NULL;
    *n = 0;
    const pgm_appconf *wf = sv->workload_file;
    for (size_t r = 0; wf && r < wf->n_env_refs; r++) {
        const pgm_appconf_env_ref *ref = &wf->env_refs[r];
        if (ref->workload != sv->workload_index || ref->mount)
            continue;
        const pgm_appconf *file = NULL;
        int idx = -1;
        if (ref->file) { /* a Compose env_file: every variable it sets */
            const pgm_appconf *ef = env_file_of(c, wf->path, ref->source);
            for (size_t i = 0; ef && i < ef->n; i++) {
                env_var *e = new_env_var(out, n, &alloc);
                if (!e)
                    return PGM_FATAL;
                e->file = ef;
                e->k.line = ef->keys[i].line;
                if (set_env_var(e, NULL, ef->keys[i].key, ef->keys[i].value) != PGM_OK)
                    return PGM_FATAL;
            }
            continue;
        }
        bool found = find_env_source(c, wf, ref, &file, &idx);
        if (!found && !ref->var)
            continue; /* all of a source not in the inputs: nothing to name */
        if (!found) {
            env_var *e = new_env_var(out, n, &alloc);
            if (!e)
                return PGM_FATAL;
            e->file = wf;
            e->k.line = ref->line;
            char unknown[600];
            pgm_fmt(unknown, sizeof unknown, "${%s %s/%s}", ref->secret ? "Secret" : "ConfigMap", ref->source,
                    ref->key);
            if (set_env_var(e, NULL, ref->var, unknown) != PGM_OK)
                return PGM_FATAL;
            continue;
        }
        for (size_t i = 0; i < file->n; i++) {
            const pgm_appconf_key *k = &file->keys[i];
            if (k->source != idx || (ref->key && strcmp(k->key, ref->key) != 0))
                continue;
            env_var *e = new_env_var(out, n, &alloc);
            if (!e)
                return PGM_FATAL;
            e->file = file;
            e->k.line = k->line;
            e->k.doc = k->doc;
            if (set_env_var(e, ref->var ? NULL : ref->prefix, ref->var ? ref->var : k->key, k->value) != PGM_OK)
                return PGM_FATAL;
        }
    }
    return PGM_OK;
}

static void build_service(pgm_config *c, service *sv)
{
    service_boot(c, sv);
    env_var *vars = NULL;
    size_t n_vars = 0;
    if (workload_env(c, sv, &vars, &n_vars) != PGM_OK) {
        free_env_vars(vars, n_vars);
        c->rc = PGM_FATAL;
        return;
    }
    pgm_spring_env *env = calloc(n_vars + 1, sizeof *env);
    for (size_t i = 0; env && i < n_vars; i++)
        env[i] = (pgm_spring_env){vars[i].file, &vars[i].k};
    pgm_keyset ks;
    pgm_spring_sources src = {(const pgm_appconf *const *)sv->files, sv->n_files, sv->workload_file,
                              sv->workload_index, env, n_vars, c->opt.profiles, c->opt.n_profiles};
    if (!env || pgm_spring_keyset(&src, &ks, key_record, c) != PGM_OK) {
        free(env);
        free_env_vars(vars, n_vars);
        c->rc = PGM_FATAL;
        return;
    }
    const pgm_skey *appn = pgm_keyset_winner(&ks, "spring.application.name", NULL);
    if (appn)
        pgm_fmt(sv->app_name, sizeof sv->app_name, "%s", appn->k->value);
    /* spring.datasource.type naming another pool than HikariCP's */
    const pgm_skey *type = pgm_keyset_winner(&ks, "spring.datasource.type", NULL);
    static const struct {
        const char *class_part, *name, *prefix;
    } others[] = {{"tomcat", "Tomcat JDBC", "spring.datasource.tomcat."},
                  {"dbcp2", "Commons DBCP2", "spring.datasource.dbcp2."},
                  {"ucp", "Oracle UCP", "spring.datasource.oracleucp."}};
    for (size_t i = 0; type && !strstr(type->k->value, "Hikari") && i < sizeof others / sizeof others[0]; i++)
        if (strstr(type->k->value, others[i].class_part)) {
            sv->other_pool = others[i].name;
            sv->other_pool_path = type->file->path;
            sv->other_pool_line = type->k->line;
            sv->other_pool_why = "spring.datasource.type names it";
        }
    /* Alibaba's druid-spring-boot-starter configures its DruidDataSource
     * before Spring Boot's own: its keys say it is the pool */
    for (size_t i = 0; i < ks.n && !sv->other_pool; i++)
        if (strncmp(ks.v[i].canon, "spring.datasource.druid.", 24) == 0) {
            sv->other_pool = "Alibaba Druid";
            sv->other_pool_path = ks.v[i].file->path;
            sv->other_pool_line = ks.v[i].k->line;
            sv->other_pool_why = "its spring.datasource.druid keys configure it";
        }
    const char *other_prefix = NULL;
    for (size_t i = 0; sv->other_pool && i < sizeof others / sizeof others[0]; i++)
        if (strcmp(sv->other_pool, others[i].name) == 0)
            other_prefix = others[i].prefix;
    if (sv->other_pool)
        other_pool_record(c, sv);
    for (size_t i = 0; i < ks.n; i++)
        if (!ks.v[i].shared && !(other_prefix && strncmp(ks.v[i].canon, other_prefix, strlen(other_prefix)) == 0))
            pgm_spring_check_key(&ks.v[i], key_record, c); /* that pool's own keys are no mistake */
    /* replicas: an autoscaler's maximum, else the workload's, else --instances, else 1 */
    long inst = 1;
    const char *ip = NULL, *inote = "no replicas in the bundle: one instance assumed";
    unsigned il = 0;
    if (sv->workload) {
        if (sv->workload->max_replicas < 0 && sv->max_replicas >= 0) {
            inst = sv->max_replicas;
            ip = sv->max_replicas_path, il = sv->max_replicas_line;
            inote = "the autoscaler's maxReplicas";
        } else if (sv->workload->max_replicas >= 0) {
            inst = sv->workload->max_replicas;
            ip = sv->workload_file->path, il = sv->workload->max_replicas_line;
            inote = "the autoscaler's maxReplicas";
        } else if (sv->workload->replicas >= 0) {
            inst = sv->workload->replicas;
            ip = sv->workload_file->path, il = sv->workload->replicas_line;
            inote = NULL;
        } else {
            ip = sv->workload_file->path, il = sv->workload->line;
            inote = strcmp(sv->workload->kind, "compose service") == 0
                        ? "the service sets no deploy.replicas: Compose runs 1"
                        : "the workload sets no replicas: Kubernetes runs 1";
        }
    }
    bool over = false;
    inst = instances_for(c, sv->app_name[0] ? sv->app_name : sv->name, inst, &over);
    if (!over)
        inst = instances_for(c, sv->name, inst, &over);
    if (over) {
        ip = NULL, il = 0;
        inote = "--instances";
    }
    /* a database's or a broker's container (postgres taking the ConfigMap its
     * clients take too) runs no Spring pool */
    bool infrastructure = sv->workload && !has_spring_file(sv) && runs_infrastructure(sv->workload);
    pool_src *srcs = NULL;
    size_t ns = 0;
    if (!infrastructure && !sv->other_pool && find_pool_sources(&ks, &srcs, &ns) != PGM_OK)
        c->rc = PGM_FATAL;
    for (size_t i = 0; i < ns && c->rc != PGM_FATAL; i++) {
        check_pool_prefix(c, &ks, &srcs[i]);
        build_pool(c, sv, &ks, &srcs[i], inst, ip, il, inote);
    }
    free(srcs);
    for (size_t f = 0; f < sv->n_files && c->rc != PGM_FATAL; f++)
        if (sv->files[f]->form == PGM_APPCONF_HIKARI)
            build_hikari_file_pool(c, sv, sv->files[f], inst, ip, il, inote);
    pgm_keyset_free(&ks);
    free(env);
    free_env_vars(vars, n_vars);
}

/* ---- putting it together ---- */

/* ---- services ---- */

static void service_project(const pgm_config *c, const service *sv, int *in, char *project, size_t cap)
{
    *in = input_of(c, sv->n_files ? sv->files[0]->path : "", project, cap);
}

/* A service of .env files alone (docker/tb-node.env) is the environment of
 * an application: of the only one with Spring configuration in its project,
 * when there is one. */
static void merge_env_only_services(pgm_config *c, service_list *l)
{
    service *svs = l->v;
    for (size_t s = 0; s < l->n && c->rc != PGM_FATAL; s++) {
        if (has_spring_file(&svs[s]) || !svs[s].n_files)
            continue;
        int in, in2;
        char p[256], p2[256];
        service_project(c, &svs[s], &in, p, sizeof p);
        size_t target = l->n, n_spring = 0;
        for (size_t t = 0; t < l->n; t++) {
            service_project(c, &svs[t], &in2, p2, sizeof p2);
            if (t != s && in2 == in && strcmp(p, p2) == 0 && has_spring_file(&svs[t]))
                target = t, n_spring++;
        }
        if (n_spring != 1)
            continue;
        for (size_t f = 0; f < svs[s].n_files; f++)
            if (!service_add_file(&svs[target], svs[s].files[f]))
                c->rc = PGM_FATAL;
        free(svs[s].files);
        memmove(&svs[s], &svs[s + 1], (l->n - s - 1) * sizeof *svs);
        l->n--;
        s = (size_t)-1; /* indices moved: look again */
    }
}

/* A workload named otherwise than any service (Deployment petclinic, the
 * code in spring-petclinic/): the only service of its project with Spring
 * configuration, when it is the only application workload there. Else
 * `n` (it stands alone). */
static size_t only_service_in(const pgm_config *c, const service *svs, size_t n, const pgm_appconf *kf,
                              const pgm_appconf_workload *wl, bool whole_input);

static size_t only_service_of_project(const pgm_config *c, const service *svs, size_t n, const pgm_appconf *kf,
                                      const pgm_appconf_workload *wl)
{
    if (runs_infrastructure(wl))
        return n;
    /* its project's, else the input's when the input is one application
     * (a Compose variant in docker-arm/ beside app/) */
    size_t s = only_service_in(c, svs, n, kf, wl, false);
    return s < n ? s : only_service_in(c, svs, n, kf, wl, true);
}

static size_t only_service_in(const pgm_config *c, const service *svs, size_t n, const pgm_appconf *kf,
                              const pgm_appconf_workload *wl, bool whole_input)
{
    char p[256], p2[256];
    int in = input_of(c, kf->path, p, sizeof p), in2;
    if (whole_input)
        p[0] = 0; /* the input's root meets every folder */
    /* another application's workload there: the project is not one
     * application's (the first ends the search: a monorepo's manifests
     * folder of thousands of services is not walked for each of them) */
    for (size_t f = 0; f < c->n_files; f++) {
        if (c->files[f].form != PGM_APPCONF_K8S)
            continue;
        /* applications by name: a Compose file and its variant (docker-arm/)
         * run the same one */
        bool other_app = false;
        for (size_t w = 0; w < c->files[f].n_workloads && !other_app; w++) {
            const pgm_appconf_workload *o = &c->files[f].workloads[w];
            other_app = !runs_infrastructure(o) && strcmp(o->name, wl->name) != 0;
        }
        if (other_app && input_of(c, c->files[f].path, p2, sizeof p2) == in && projects_meet(p, p2))
            return n;
    }
    /* the service, or another deployment of the same application (the
     * caller then gives it a service of its own with the same files) */
    size_t found = n, n_found = 0;
    for (size_t s = 0; s < n && n_found < 2; s++) {
        if (!has_spring_file(&svs[s]) || (svs[s].workload && strcmp(svs[s].workload->name, wl->name) != 0))
            continue;
        service_project(c, &svs[s], &in2, p2, sizeof p2);
        if (in2 == in && projects_meet(p, p2))
            found = s, n_found++;
    }
    return n_found == 1 ? found : n;
}

/* The Spring files of the ConfigMaps a service's workload mounts (of its
 * input): read as the service's own, after its other files. */
static void add_mounted_files(pgm_config *c, service *sv)
{
    const pgm_appconf *wf = sv->workload_file;
    char p[256];
    int in = wf ? input_of(c, wf->path, p, sizeof p) : -1;
    for (size_t r = 0; wf && r < wf->n_env_refs; r++) {
        const pgm_appconf_env_ref *ref = &wf->env_refs[r];
        if (!ref->mount || ref->workload != sv->workload_index)
            continue;
        for (size_t f = 0; f < c->n_files; f++)
            if (c->files[f].configmap && strcmp(c->files[f].configmap, ref->source) == 0 &&
                input_of(c, c->files[f].path, p, sizeof p) == in && !service_add_file(sv, &c->files[f]))
                c->rc = PGM_FATAL;
    }
}

/* The spring.application.name a Spring file sets, or NULL (also for a
 * placeholder: its value is not known here). */
static const char *application_name(const pgm_appconf *a)
{
    if (a->form != PGM_APPCONF_PROPERTIES && a->form != PGM_APPCONF_YAML)
        return NULL;
    for (size_t i = 0; i < a->n; i++)
        if (strcasecmp(a->keys[i].key, "spring.application.name") == 0 && a->keys[i].value &&
            a->keys[i].value[0] && !strchr(a->keys[i].value, '$'))
            return a->keys[i].value;
    return NULL;
}

/* The applications the inputs name (spring.application.name), each item
 * of *apps the file naming it (*file_of, the caller frees it). */
static int application_names(const pgm_config *c, pgm_name_index *apps, const pgm_appconf ***file_of)
{
    size_t alloc = 0;
    for (size_t f = 0; f < c->n_files; f++) {
        const char *name = application_name(&c->files[f]);
        if (!name)
            continue;
        size_t n = pgm_name_index_count(apps);
        const pgm_appconf **v = pgm_grow(*file_of, &alloc, n, sizeof *v, 16);
        if (!v)
            return PGM_FATAL;
        *file_of = v;
        v[n] = &c->files[f];
        if (pgm_name_index_add(apps, name) != 0)
            return PGM_FATAL;
    }
    return PGM_OK;
}

/* A file of a configuration repository, as Spring Cloud Config and Nacos
 * serve them: named after the application it configures,
 * {spring.application.name}-{profile}.yml or {spring.application.name}.yml
 * (Spring Cloud Config's "Environment Repository", Nacos's dataId), away
 * from that application's own directory ("config/search/mall-search-prod.yaml"
 * for mall-search). True, and the service's name in `name`, when `a` is one
 * for an application another file of the inputs names; a profile in its
 * name becomes the file's, as application-{profile}'s is. */
static bool config_repo_service(pgm_appconf *a, const pgm_name_index *apps, const pgm_appconf *const *app_file,
                                char *name, size_t cap)
{
    if (a->form != PGM_APPCONF_PROPERTIES && a->form != PGM_APPCONF_YAML)
        return false;
    const char *slash = strrchr(a->path, '/'), *base = slash ? slash + 1 : a->path;
    const char *dot = strrchr(base, '.');
    size_t bl = dot ? (size_t)(dot - base) : strlen(base);
    char stem[256];
    if (bl == 0 || bl >= sizeof stem || strncmp(base, "application", 11) == 0 || strncmp(base, "bootstrap", 9) == 0)
        return false;
    /* an application's own resources are its own, whatever their names */
    if (strstr(a->path, "/src/") || strstr(a->path, "BOOT-INF/") || strstr(a->path, "WEB-INF/"))
        return false;
    memcpy(stem, base, bl);
    stem[bl] = 0;
    /* the whole stem, then each part before a '-': the application's name
     * may hold dashes itself, the profile follows the last of them */
    for (size_t cut = bl;; cut--) {
        if (cut == bl || stem[cut] == '-') {
            char app[256];
            memcpy(app, stem, cut);
            app[cut] = 0;
            uint32_t i = pgm_name_index_first(apps, app);
            if (i != PGM_CHAINS_NONE && app_file[i] != a) {
                service_of(app_file[i]->path, name, cap);
                if (cut < bl && !a->profile)
                    a->profile = strdup(stem + cut + 1); /* none on no memory: read as the default's */
                return true;
            }
        }
        if (cut == 1)
            return false;
    }
}

size_t pgm_config_scopes(pgm_config *c)
{
    pgm_servers_tie(&c->servers);
    return pgm_servers_count(&c->servers) + 1;
}

void pgm_config_scope_label(pgm_config *c, size_t scope, char *out, size_t cap)
{
    pgm_servers_tie(&c->servers);
    const pgm_server *sv = pgm_servers_get(&c->servers, scope);
    if (sv)
        pgm_server_label(sv, out, cap);
    else
        pgm_fmt(out, cap, "%s", pgm_servers_count(&c->servers) ? "no server in the inputs" : "");
}

int pgm_config_facts(pgm_config *c, size_t scope, pgm_facts *out)
{
    c->out = out;
    c->rc = PGM_OK;
    c->scope = scope;
    pgm_servers_tie(&c->servers);
    if (pgm_servers_facts(&c->servers, scope, out) != 0)
        return PGM_FATAL;
    char label[512];
    pgm_config_scope_label(c, scope, label, sizeof label);
    if (label[0] && pgm_facts_set(out, "server", label) != 0)
        return PGM_FATAL;
    service_list l = {0};
    pgm_name_index apps = {0};
    const pgm_appconf **app_file = NULL;
    if (application_names(c, &apps, &app_file) != PGM_OK)
        c->rc = PGM_FATAL;
    for (size_t f = 0; f < c->n_files && c->rc != PGM_FATAL; f++) {
        if (c->files[f].form == PGM_APPCONF_K8S || c->files[f].configmap)
            continue; /* a ConfigMap's Spring file: its mounting workloads' */
        char name[128];
        if (!config_repo_service(&c->files[f], &apps, app_file, name, sizeof name))
            service_of(c->files[f].path, name, sizeof name);
        size_t s = 0;
        while (s < l.n && strcmp(l.v[s].name, name) != 0)
            s++;
        if ((s == l.n && !new_service(&l, name)) || !service_add_file(&l.v[s], &c->files[f]))
            c->rc = PGM_FATAL;
    }
    pgm_name_index_free(&apps);
    free(app_file);
    merge_env_only_services(c, &l);
    /* workloads join the service of their name, or the only one, or stand alone */
    size_t file_services = l.n;
    size_t n_workloads = 0;
    for (size_t f = 0; f < c->n_files; f++)
        if (c->files[f].form == PGM_APPCONF_K8S)
            n_workloads += c->files[f].n_workloads;
    for (size_t f = 0; f < c->n_files && c->rc != PGM_FATAL; f++) {
        const pgm_appconf *kf = &c->files[f];
        if (kf->form != PGM_APPCONF_K8S)
            continue;
        for (size_t w = 0; w < kf->n_workloads && c->rc != PGM_FATAL; w++) {
            size_t s = 0;
            while (s < file_services && strcmp(l.v[s].name, kf->workloads[w].name) != 0)
                s++;
            if (s == file_services && file_services == 1 && n_workloads == 1)
                s = 0;
            if (s == file_services)
                s = only_service_of_project(c, l.v, file_services, kf, &kf->workloads[w]);
            if (s == file_services || l.v[s].workload) {
                size_t same = s;
                s = l.n;
                if (!new_service(&l, kf->workloads[w].name)) {
                    c->rc = PGM_FATAL;
                    break;
                }
                if (same < file_services) { /* another deployment of the same application: its configuration
                                               * and its build file too (the service's name finds that) */
                    for (size_t i = 0; i < l.v[same].n_files; i++)
                        if (!service_add_file(&l.v[s], l.v[same].files[i]))
                            c->rc = PGM_FATAL;
                    pgm_fmt(l.v[s].name, sizeof l.v[0].name, "%s", l.v[same].name);
                }
            }
            service *sv = &l.v[s];
            sv->workload = &kf->workloads[w];
            sv->workload_file = kf;
            sv->workload_index = (int)w;
            sv->max_replicas = -1;
            /* an autoscaler in another file: the last of them */
            for (uint32_t i = manifest_first(c, 'a', kf->workloads[w].name); i != PGM_CHAINS_NONE;
                 i = pgm_name_index_next(&c->manifest_names, i)) {
                const pgm_appconf *h = &c->files[c->manifest_items[i].file];
                uint32_t a = c->manifest_items[i].item;
                if (h != kf && strcmp(h->autoscalers[a].target, kf->workloads[w].name) == 0) {
                    sv->max_replicas = h->autoscalers[a].max_replicas;
                    sv->max_replicas_path = h->path;
                    sv->max_replicas_line = h->autoscalers[a].line;
                }
            }
        }
    }
    for (size_t s = 0; s < l.n && c->rc != PGM_FATAL; s++)
        add_mounted_files(c, &l.v[s]);
    /* a ConfigMap's Spring file no workload of the inputs mounts: a service
     * named after the ConfigMap */
    for (size_t f = 0; f < c->n_files && c->rc != PGM_FATAL; f++) {
        if (!c->files[f].configmap)
            continue;
        bool taken = false;
        for (size_t s = 0; s < l.n && !taken; s++)
            for (size_t i = 0; i < l.v[s].n_files && !taken; i++)
                taken = l.v[s].files[i] == &c->files[f];
        if (taken)
            continue;
        size_t s = 0;
        while (s < l.n && !(l.v[s].configmap_service && strcmp(l.v[s].name, c->files[f].configmap) == 0))
            s++;
        if (s == l.n) {
            if (!new_service(&l, c->files[f].configmap)) {
                c->rc = PGM_FATAL;
                break;
            }
            l.v[s].configmap_service = true;
        }
        if (!service_add_file(&l.v[s], &c->files[f]))
            c->rc = PGM_FATAL;
    }
    for (size_t s = 0; s < l.n && c->rc != PGM_FATAL; s++)
        build_service(c, &l.v[s]);
    /* a ConfigMap's or Secret's keys, a Helm value: judged once, whoever takes them */
    for (size_t f = 0; f < c->n_files; f++)
        for (size_t i = 0; c->files[f].form == PGM_APPCONF_K8S && i < c->files[f].n; i++)
            if (c->files[f].keys[i].standalone) {
                pgm_skey s;
                pgm_spring_standalone_key(&c->files[f], &c->files[f].keys[i], &s);
                pgm_spring_check_key(&s, key_record, c);
            }
    service_list_free(&l);
    /* PgBouncer's settings, and its server connections for the users that connect through it */
    if (c->bouncer.set && c->rc != PGM_FATAL) {
        const pgm_collection *pools = pgm_facts_collection(out, "pool");
        pgm_interner users = {0}; /* each user once, however many */
        bool empty_user = false;  /* "" is interned uncounted */
        for (size_t i = 0; pools && i < pools->n && c->rc != PGM_FATAL; i++) {
            const pgm_fact *through = pgm_record_get_fact(&pools->recs[i], "through_pgbouncer");
            const pgm_fact *user = pgm_record_get_fact(&pools->recs[i], "username");
            if (!through || strcmp(through->text, "true") != 0 || !user)
                continue;
            empty_user |= !user->text[0];
            if (!pgm_intern(&users, user->text))
                c->rc = PGM_FATAL;
        }
        if (c->rc != PGM_FATAL && pgm_bouncer_facts(&c->bouncer, users.n + empty_user, out) != 0)
            c->rc = PGM_FATAL;
        pgm_interner_free(&users);
    }
    return c->rc;
}

