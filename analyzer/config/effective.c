#define _GNU_SOURCE /* memmem */
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
#include "config/hikari.h"
#include "config/spring.h"
#include "util/fmt.h"
#include "util/strbuf.h"

/* ---- the collected input ---- */

typedef struct pg_entry {
    char *name, *value, *setting, *file, *error;
    unsigned line;
    bool applied, from_settings;
    bool blocked; /* the file has an error: the server applies none of it */
    int rank;     /* 0 postgresql.conf, 1 pg_file_settings, 2 pg_settings: the higher wins */
    char *unit;
} pg_entry;

typedef struct boot_version {
    char version[32];
    char *path;
    unsigned line;
    bool mybatis_only;   /* its dependencies: MyBatis, no JPA */
} boot_version;

struct pgm_config {
    pgm_config_options opt;
    boot_version boots[PGM_CONFIG_MAX_SERVICES];
    size_t n_boots;
    pgm_appconf *files;
    size_t n_files;
    pg_entry *pg;
    size_t n_pg, alloc_pg;
    char *pg_main;      /* the postgresql.conf read, for findings about what it lacks */
    char *pg_settings;  /* the pg_settings dump read */
    pgm_facts *out;
    int rc;
};

int pgm_config_open(pgm_config **out, const pgm_config_options *opt)
{
    pgm_config *c = calloc(1, sizeof *c);
    if (!c)
        return PGM_FATAL;
    if (opt)
        c->opt = *opt;
    *out = c;
    return PGM_OK;
}

static int add_pg_row(pgm_config *c, const char *name, const char *setting, const char *unit,
                      const char *path, unsigned line, int rank, bool dump);

int pgm_config_add_appconf(pgm_config *c, pgm_appconf *a)
{
    /* a Compose postgres service's -c settings: the server's command line,
     * over postgresql.conf (postgres(1)), read the way the server reads them */
    for (size_t i = 0; i < a->n_pg_args; i++)
        if (add_pg_row(c, a->pg_args[i].name, a->pg_args[i].value, NULL, a->path, a->pg_args[i].line, 1, false) !=
            PGM_OK)
            return PGM_FATAL;
    pgm_appconf *p = realloc(c->files, (c->n_files + 1) * sizeof *p);
    if (!p)
        return PGM_FATAL;
    c->files = p;
    c->files[c->n_files++] = *a;
    memset(a, 0, sizeof *a);
    return PGM_OK;
}

static pg_entry *new_pg(pgm_config *c)
{
    if (c->n_pg == c->alloc_pg) {
        size_t na = c->alloc_pg ? c->alloc_pg * 2 : 64;
        pg_entry *p = realloc(c->pg, na * sizeof *p);
        if (!p)
            return NULL;
        c->pg = p;
        c->alloc_pg = na;
    }
    pg_entry *e = &c->pg[c->n_pg++];
    memset(e, 0, sizeof *e);
    return e;
}

static char *dup0(const char *s) { return s ? strdup(s) : NULL; }

int pgm_config_add_pgconf(pgm_config *c, const pgm_conf *conf, const char *main_path)
{
    if (!c->pg_main && main_path && !(c->pg_main = strdup(main_path)))
        return PGM_FATAL;
    for (size_t i = 0; i < conf->n; i++) {
        const pgm_conf_entry *ce = &conf->entries[i];
        pg_entry *e = new_pg(c);
        if (!e)
            return PGM_FATAL;
        e->name = dup0(ce->name);
        e->value = dup0(ce->value);
        e->setting = dup0(ce->setting);
        e->file = dup0(ce->file);
        e->error = dup0(ce->error);
        e->line = ce->line;
        e->applied = ce->applied;
        e->blocked = conf->syntax_errors;
        if (!e->name || !e->file)
            return PGM_FATAL;
        for (char *q = e->name; *q; q++)
            *q = (char)tolower((unsigned char)*q);
    }
    if (!conf->syntax_errors)
        return PGM_OK;
    /* The server applies nothing from a file with an error; the rules judge
     * what the file means to set (the error is a finding of its own): the
     * last valid entry of each name, checked as the server would check it. */
    size_t first = c->n_pg - conf->n;
    for (size_t i = first; i < c->n_pg; i++) {
        pg_entry *e = &c->pg[i];
        if (e->error || !e->value)
            continue;
        bool later = false;
        for (size_t j = i + 1; j < c->n_pg && !later; j++)
            later = !c->pg[j].error && strcmp(c->pg[j].name, e->name) == 0;
        const pgm_guc *g = pgm_guc_find(e->name);
        if (later || !g)
            continue;
        char setting[512], err[PGM_ERR_MAX];
        if (pgm_guc_setting(g, e->value, setting, sizeof setting, err)) {
            e->applied = true;
            if (!(e->setting = strdup(setting)))
                return PGM_FATAL;
        } else if (!(e->error = strdup(err))) {
            return PGM_FATAL;
        }
    }
    return PGM_OK;
}


int pgm_config_add_pg_setting(pgm_config *c, const char *name, const char *setting,
                              const char *unit, const char *path, unsigned line)
{
    return add_pg_row(c, name, setting, unit, path, line, 2, true);
}

/* A pg_settings or pg_file_settings row. pg_file_settings shows the value as
 * written ("2 s", "0x3C", "Y"): it is read the way the server reads it. */
static int add_pg_row(pgm_config *c, const char *name, const char *setting, const char *unit,
                      const char *path, unsigned line, int rank, bool dump)
{
    char norm[512];
    const pgm_guc *g = pgm_guc_find(name);
    if (rank == 1 && g) {
        char err[PGM_ERR_MAX];
        if (!pgm_guc_setting(g, setting, norm, sizeof norm, err))
            return PGM_OK; /* the server did not apply it either */
        setting = norm;
        unit = g->unit;
    }
    if (dump && !c->pg_settings && !(c->pg_settings = strdup(path)))
        return PGM_FATAL;
    pg_entry *e = new_pg(c);
    if (!e)
        return PGM_FATAL;
    e->name = strdup(name);
    e->setting = strdup(setting);
    e->value = strdup(setting);
    e->unit = unit && *unit ? strdup(unit) : NULL;
    e->file = strdup(path);
    e->line = line;
    e->applied = true;
    e->from_settings = true;
    e->rank = rank;
    if (!e->name || !e->setting || !e->value || !e->file)
        return PGM_FATAL;
    for (char *q = e->name; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    return PGM_OK;
}

int pgm_config_add_boot_version(pgm_config *c, const char *version, const char *path, unsigned line)
{
    if (c->n_boots == PGM_CONFIG_MAX_SERVICES)
        return PGM_OK;
    boot_version *b = &c->boots[c->n_boots];
    pgm_fmt(b->version, sizeof b->version, "%s", version);
    if (!(b->path = strdup(path)))
        return PGM_FATAL;
    b->line = line;
    c->n_boots++;
    return PGM_OK;
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
                unsigned l = 1;
                for (const char *q = text; q < p; q++)
                    l += *q == '\n';
                *line = l;
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
    for (size_t i = 0; i < c->n_pg; i++) {
        pg_entry *e = &c->pg[i];
        free(e->name), free(e->value), free(e->setting), free(e->file), free(e->error), free(e->unit);
    }
    free(c->pg);
    free(c->pg_main);
    free(c->pg_settings);
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
    char hikari_note[200];
    char app_name[128]; /* spring.application.name */
    const pgm_appconf *files[64];
    size_t n_files;
    const pgm_appconf_workload *workload;
    const pgm_appconf *workload_file;
    int workload_index;
} service;

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
    const pgm_fact *size = pgm_record_get_fact(r, "maximum_pool_size");
    if (size)
        set_fact(c, r, "pg_pool_size", !driver[0] || strcmp(driver, "postgresql") == 0 ? size->text : "0", NULL, 0,
                 NULL, NULL);
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
    const char *first_path = NULL;
    unsigned first_line = 0;
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
    const pgm_skey *oiv = pgm_keyset_winner(ks, "spring.jpa.openinview", NULL);
    if (oiv)
        set_fact(c, r, "open_in_view", oiv->k->value, oiv->file->path, oiv->k->line, oiv->k->key, NULL);
    else if (!sv->mybatis_only)
        set_fact(c, r, "open_in_view", "true", NULL, 0, NULL, "Spring Boot's default");
    pgm_origin at = {(char *)(first_path ? first_path : sv->n_files ? sv->files[0]->path : ""),
                     first_path ? first_line : 1, NULL, NULL};
    if (pgm_record_set_origin(r, &at) != 0)
        c->rc = PGM_FATAL;
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
}

/* The pools a service's keys describe: the auto-configured one, and any
 * other prefix that carries HikariCP properties (app.datasource.second...). */
static size_t find_pool_sources(const pgm_keyset *ks, pool_src *out, size_t cap)
{
    size_t n = 0;
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
            if (strcmp(out[j].prefix, prefix) == 0) {
                seen = true;
                if (config_prefix[0])
                    pgm_fmt(out[j].config_prefix, sizeof out[j].config_prefix, "%s", config_prefix);
            }
        if (!seen && n < cap) {
            memset(&out[n], 0, sizeof out[n]);
            pgm_fmt(out[n].prefix, sizeof out[n].prefix, "%s", prefix);
            pgm_fmt(out[n].config_prefix, sizeof out[n].config_prefix, "%s", config_prefix);
            n++;
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
        bool real = out[j].config_prefix[0] != 0, pool_key = real, datasource = real;
        size_t pl = strlen(out[j].prefix);
        if (strncmp(out[j].prefix, "hibernate.", 10) == 0)
            continue;
        datasource = datasource || strstr(out[j].prefix, "datasource") || strstr(out[j].prefix, "data-source");
        for (size_t i = 0; i < ks->n && !(pool_key && datasource); i++) {
            const char *k = ks->v[i].canon;
            if (strncmp(k, out[j].prefix, pl) != 0 || k[pl] != '.')
                continue;
            const char *leaf = k + pl + 1;
            const pgm_hprop *h = pgm_hprop_squashed(leaf);
            pool_key = pool_key || (h && h->field && strcmp(h->field, "username") && strcmp(h->field, "password"));
            const char *v = ks->v[i].k->value ? ks->v[i].k->value : "";
            datasource = datasource ||
                         ((strcmp(leaf, "url") == 0 || strcmp(leaf, "jdbcurl") == 0) && strncmp(v, "jdbc:", 5) == 0) ||
                         strcmp(leaf, "driverclassname") == 0 || strcmp(leaf, "datasourceclassname") == 0;
        }
        if (pool_key && datasource)
            out[kept++] = out[j];
    }
    n = kept;
    if (has_default && n < cap) {
        memmove(out + 1, out, n * sizeof *out);
        memset(&out[0], 0, sizeof out[0]);
        pgm_fmt(out[0].prefix, sizeof out[0].prefix, "spring.datasource");
        out[0].is_default = true;
        n++;
    }
    return n;
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
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen = seen || strcmp(c->boots[j].version, c->boots[i].version) == 0;
        distinct += !seen;
    }
    sv->hikari_here = found != NULL;
    sv->mybatis_only = found && found->mybatis_only;
    if (!found && distinct == 1)
        found = &c->boots[0];
    if (!found || !(sv->hikari = pgm_hikari_for_boot(found->version)))
        return;
    pgm_fmt(sv->hikari_note, sizeof sv->hikari_note, "managed by Spring Boot %s (%s:%u)", found->version,
        found->path, found->line);
}

static void build_service(pgm_config *c, service *sv)
{
    service_boot(c, sv);
    pgm_keyset ks;
    pgm_spring_sources src = {(const pgm_appconf *const *)sv->files, sv->n_files, sv->workload_file,
                              sv->workload_index, NULL, 0, c->opt.profiles, c->opt.n_profiles};
    if (pgm_spring_keyset(&src, &ks, key_record, c) != PGM_OK) {
        c->rc = PGM_FATAL;
        return;
    }
    const pgm_skey *appn = pgm_keyset_winner(&ks, "spring.application.name", NULL);
    if (appn)
        pgm_fmt(sv->app_name, sizeof sv->app_name, "%s", appn->k->value);
    for (size_t i = 0; i < ks.n; i++)
        pgm_spring_check_key(&ks.v[i], key_record, c);
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
    pool_src srcs[16];
    size_t ns = find_pool_sources(&ks, srcs, 16);
    for (size_t i = 0; i < ns && c->rc != PGM_FATAL; i++) {
        check_pool_prefix(c, &ks, &srcs[i]);
        build_pool(c, sv, &ks, &srcs[i], inst, ip, il, inote);
    }
    for (size_t f = 0; f < sv->n_files && c->rc != PGM_FATAL; f++)
        if (sv->files[f]->form == PGM_APPCONF_HIKARI)
            build_hikari_file_pool(c, sv, sv->files[f], inst, ip, il, inote);
    pgm_keyset_free(&ks);
}

/* ---- PostgreSQL ---- */

/* "16384" with unit "8kB" -> "131072kB"; "0" with "ms" -> "0ms". */
static void with_unit(const char *setting, const char *unit, char *out, size_t cap)
{
    long long v;
    if (!unit || !*unit || !pgm_parse_long(setting, &v)) {
        pgm_fmt(out, cap, "%s", setting);
        return;
    }
    long long mult = 1;
    const char *u = unit;
    if (isdigit((unsigned char)*u)) {
        mult = strtoll(u, (char **)&u, 10);
    }
    pgm_fmt(out, cap, "%lld%s", v * mult, u);
}

static void build_pg(pgm_config *c)
{
    if (!c->n_pg)
        return;
    const char *default_path = c->pg_settings ? c->pg_settings : c->pg_main;
    unsigned default_line = 1;
    if (!default_path) {
        /* a server known by its command line alone (a Compose service's -c):
         * a setting it lacks would go on that line */
        default_path = c->pg[0].file;
        default_line = c->pg[0].line;
    }
    /* the catalog's defaults first: a parameter not set is at its default */
    for (size_t i = 0;; i++) {
        const pgm_guc *g = pgm_guc_find_index(i);
        if (!g)
            break;
        char text[256], key[128];
        with_unit(g->boot ? g->boot : "", g->unit, text, sizeof text);
        pgm_fmt(key, sizeof key, "pg.%s", g->name);
        pgm_origin at = {(char *)default_path, default_line, NULL, "not set: the server's default"};
        if (pgm_facts_set_at(c->out, key, text, default_path ? &at : NULL) != 0)
            c->rc = PGM_FATAL;
    }
    /* the files' applied entries, then pg_file_settings, then pg_settings
     * (what the server reported) */
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < c->n_pg; i++) {
            const pg_entry *e = &c->pg[i];
            if (e->rank != pass || !e->applied || !e->setting)
                continue;
            /* pg_settings shows tcp_keepalives_* as 0 to a session over a Unix
             * socket, whatever the server uses for TCP: a file's value stays */
            if (pass == 2 && strncmp(e->name, "tcp_keepalives_", 15) == 0 && strcmp(e->setting, "0") == 0) {
                bool from_file = false;
                for (size_t j = 0; j < c->n_pg; j++)
                    from_file = from_file || (c->pg[j].rank < 2 && c->pg[j].applied &&
                                              strcmp(c->pg[j].name, e->name) == 0);
                if (from_file)
                    continue;
            }
            const pgm_guc *g = pgm_guc_find(e->name);
            char text[1024], key[160], note[300] = "";
            with_unit(e->setting, e->unit ? e->unit : g ? g->unit : NULL, text, sizeof text);
            pgm_fmt(key, sizeof key, "pg.%s", g ? g->name : e->name);
            for (size_t j = 0; j < c->n_pg; j++) /* the entries it overrides */
                if (j != i && !c->pg[j].applied && !c->pg[j].error && !c->pg[j].from_settings &&
                    strcmp(c->pg[j].name, e->name) == 0)
                    pgm_fmt(note, sizeof note, "overrides %s:%u", c->pg[j].file, c->pg[j].line);
            char full[400];
            pgm_fmt(full, sizeof full, "%s%s%s", note, note[0] && e->blocked ? "; " : "",
                e->blocked ? "not in effect yet: the configuration has errors" : "");
            pgm_origin at = {e->file, e->line, e->name, full[0] ? full : NULL};
            if (pgm_facts_set_at(c->out, key, text, &at) != 0)
                c->rc = PGM_FATAL;
        }
    /* what the server would refuse or ignore */
    for (size_t i = 0; i < c->n_pg; i++) {
        const pg_entry *e = &c->pg[i];
        if (e->from_settings)
            continue;
        const char *problem = NULL;
        const char *sug = NULL;
        if (e->error) {
            problem = strstr(e->error, "unrecognized configuration parameter") ? "unknown_parameter"
                                                                              : "invalid_value";
            if (strcmp(problem, "unknown_parameter") == 0)
                sug = pgm_catalog_suggest_guc(e->name);
        } else {
            size_t fl = strlen(e->file);
            const pgm_guc *g = pgm_guc_find(e->name);
            if (fl >= 20 && strcmp(e->file + fl - 20, "postgresql.auto.conf") == 0 && g && g->context &&
                strcmp(g->context, "postmaster") == 0)
                problem = "restart_only_in_auto_conf";
        }
        if (!problem)
            continue;
        pgm_record *r = pgm_facts_add_record(c->out, "key");
        if (!r) {
            c->rc = PGM_FATAL;
            return;
        }
        pgm_origin at = {e->file, e->line, e->name, NULL};
        if (pgm_record_set_origin(r, &at) != 0)
            c->rc = PGM_FATAL;
        set_fact(c, r, "name", e->name, e->file, e->line, e->name, NULL);
        set_fact(c, r, "canonical", e->name, NULL, 0, NULL, NULL);
        set_fact(c, r, "value", e->value ? e->value : "", NULL, 0, NULL, NULL);
        set_fact(c, r, "source", "postgresql.conf", NULL, 0, NULL, NULL);
        set_fact(c, r, "problem", problem, NULL, 0, NULL, NULL);
        if (sug)
            set_fact(c, r, "suggestion", sug, NULL, 0, NULL, NULL);
        if (strcmp(problem, "unknown_parameter") == 0) {
            char d[200];
            pgm_fmt(d, sizeof d, sug ? "did you mean \"%s\"?" : "no parameter has a similar name", sug);
            set_fact(c, r, "detail", d, NULL, 0, NULL, NULL);
        } else if (e->error) {
            set_fact(c, r, "detail", e->error, NULL, 0, NULL, NULL);
        }
    }
}

/* ---- putting it together ---- */

int pgm_config_facts(pgm_config *c, pgm_facts *out)
{
    c->out = out;
    c->rc = PGM_OK;
    build_pg(c);
    service *svs = calloc(PGM_CONFIG_MAX_SERVICES, sizeof *svs);
    if (!svs)
        return PGM_FATAL;
    size_t nsv = 0;
    for (size_t f = 0; f < c->n_files; f++) {
        if (c->files[f].form == PGM_APPCONF_K8S)
            continue;
        char name[128];
        service_of(c->files[f].path, name, sizeof name);
        size_t s = 0;
        while (s < nsv && strcmp(svs[s].name, name) != 0)
            s++;
        if (s == nsv) {
            if (nsv == PGM_CONFIG_MAX_SERVICES)
                continue;
            pgm_fmt(svs[nsv].name, sizeof svs[0].name, "%s", name);
            svs[nsv].workload_index = -1;
            nsv++;
        }
        if (svs[s].n_files < sizeof svs[s].files / sizeof svs[s].files[0])
            svs[s].files[svs[s].n_files++] = &c->files[f];
    }
    /* workloads join the service of their name, or the only one, or stand alone */
    size_t file_services = nsv;
    size_t n_workloads = 0;
    for (size_t f = 0; f < c->n_files; f++)
        if (c->files[f].form == PGM_APPCONF_K8S)
            n_workloads += c->files[f].n_workloads;
    for (size_t f = 0; f < c->n_files; f++) {
        const pgm_appconf *kf = &c->files[f];
        if (kf->form != PGM_APPCONF_K8S)
            continue;
        for (size_t w = 0; w < kf->n_workloads; w++) {
            size_t s = 0;
            while (s < file_services && strcmp(svs[s].name, kf->workloads[w].name) != 0)
                s++;
            if (s == file_services && file_services == 1 && n_workloads == 1)
                s = 0;
            if (s == file_services || svs[s].workload) {
                if (nsv == PGM_CONFIG_MAX_SERVICES)
                    continue;
                s = nsv++;
                pgm_fmt(svs[s].name, sizeof svs[0].name, "%s", kf->workloads[w].name);
            }
            svs[s].workload = &kf->workloads[w];
            svs[s].workload_file = kf;
            svs[s].workload_index = (int)w;
            svs[s].max_replicas = -1;
            for (size_t h = 0; h < c->n_files; h++) /* an autoscaler in another file */
                for (size_t a = 0; &c->files[h] != kf && a < c->files[h].n_autoscalers; a++)
                    if (strcmp(c->files[h].autoscalers[a].target, kf->workloads[w].name) == 0) {
                        svs[s].max_replicas = c->files[h].autoscalers[a].max_replicas;
                        svs[s].max_replicas_path = c->files[h].path;
                        svs[s].max_replicas_line = c->files[h].autoscalers[a].line;
                    }
        }
    }
    for (size_t s = 0; s < nsv && c->rc != PGM_FATAL; s++)
        build_service(c, &svs[s]);
    free(svs);
    return c->rc;
}

/* ---- pg_settings dumps ---- */

static size_t split_cells(char *line, char sep, char **cells, size_t cap)
{
    size_t n = 0;
    char *p = line;
    while (n < cap) {
        char *e = strchr(p, sep);
        if (e)
            *e = 0;
        while (*p == ' ')
            p++;
        size_t l = strlen(p);
        while (l && (p[l - 1] == ' ' || p[l - 1] == '\r'))
            p[--l] = 0;
        if (l >= 2 && p[0] == '"' && p[l - 1] == '"') {
            p[l - 1] = 0;
            p++;
        }
        cells[n++] = p;
        if (!e)
            break;
        p = e + 1;
    }
    return n;
}

size_t pgm_config_read_pg_settings(pgm_config *c, const char *path, const char *text, size_t n)
{
    enum { MAX_CELLS = 32 };
    int name_col = -1, setting_col = -1, unit_col = -1, applied_col = -1, source_col = -1;
    char sep = 0;
    size_t rows = 0;
    unsigned lineno = 0;
    char buf[8192];
    for (const char *p = text, *e = text + n; p < e;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
        lineno++;
        const char *line = p;
        p = nl ? nl + 1 : e;
        if (len >= sizeof buf)
            continue;
        memcpy(buf, line, len);
        buf[len] = 0;
        if (name_col < 0) {
            char s = strchr(buf, '|') ? '|' : strchr(buf, ',') ? ',' : 0;
            if (!s)
                continue;
            char *cells[MAX_CELLS];
            size_t nc = split_cells(buf, s, cells, MAX_CELLS);
            for (size_t i = 0; i < nc; i++) {
                if (strcmp(cells[i], "name") == 0)
                    name_col = (int)i;
                else if (strcmp(cells[i], "setting") == 0)
                    setting_col = (int)i;
                else if (strcmp(cells[i], "unit") == 0)
                    unit_col = (int)i;
                else if (strcmp(cells[i], "applied") == 0) /* pg_file_settings */
                    applied_col = (int)i;
                else if (strcmp(cells[i], "source") == 0)
                    source_col = (int)i;
            }
            if (name_col < 0 || setting_col < 0)
                name_col = setting_col = unit_col = -1;
            else
                sep = s;
            continue;
        }
        if (buf[0] == '-' || buf[0] == '(' || !strchr(buf, sep))
            continue;
        char *cells[MAX_CELLS];
        size_t nc = split_cells(buf, sep, cells, MAX_CELLS);
        if ((size_t)name_col >= nc || (size_t)setting_col >= nc || !*cells[name_col])
            continue;
        /* pg_file_settings: only what the server applied; pg_settings: not
         * the dumping session's own values (application_name = psql) */
        if (applied_col >= 0 && ((size_t)applied_col >= nc || strcmp(cells[applied_col], "t") != 0))
            continue;
        if (source_col >= 0 && (size_t)source_col < nc &&
            (strcmp(cells[source_col], "client") == 0 || strcmp(cells[source_col], "session") == 0 ||
             strcmp(cells[source_col], "interactive") == 0 || strcmp(cells[source_col], "test") == 0))
            continue;
        const char *unit = unit_col >= 0 && (size_t)unit_col < nc ? cells[unit_col] : NULL;
        if (add_pg_row(c, cells[name_col], cells[setting_col], unit, path, lineno, applied_col >= 0 ? 1 : 2, true) !=
            PGM_OK)
            return rows;
        rows++;
    }
    return rows;
}
