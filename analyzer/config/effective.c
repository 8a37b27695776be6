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
#include "util/strbuf.h"

/* snprintf that may cut: names and values longer than their buffers are cut, never overrun. */
static void fmt(char *out, size_t cap, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *out, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(out, cap, f, ap);
    va_end(ap);
}

/* ---- what HikariCP and Spring know ---- */

enum htype { H_STR, H_MS, H_INT, H_BOOL, H_MAP, H_OBJECT, H_SECONDS };

/* HikariConfig's bindable properties (hikari-properties.tsv), the pool
 * field each becomes, and how its text is read. */
static const struct hprop {
    const char *kebab, *camel, *field;
    enum htype type;
} hprops[] = {
    {"jdbc-url", "jdbcUrl", "jdbc_url", H_STR},
    {"username", "username", "username", H_STR},
    {"password", "password", "password", H_STR},
    {"driver-class-name", "driverClassName", "driver_class_name", H_STR},
    {"data-source-class-name", "dataSourceClassName", "data_source_class_name", H_STR},
    {"data-source-j-n-d-i", "dataSourceJNDI", "data_source_jndi", H_STR},
    {"auto-commit", "autoCommit", "auto_commit", H_BOOL},
    {"connection-timeout", "connectionTimeout", "connection_timeout", H_MS},
    {"idle-timeout", "idleTimeout", "idle_timeout", H_MS},
    {"keepalive-time", "keepaliveTime", "keepalive_time", H_MS},
    {"max-lifetime", "maxLifetime", "max_lifetime", H_MS},
    {"connection-test-query", "connectionTestQuery", "connection_test_query", H_STR},
    {"minimum-idle", "minimumIdle", "minimum_idle", H_INT},
    {"maximum-pool-size", "maximumPoolSize", "maximum_pool_size", H_INT},
    {"pool-name", "poolName", "pool_name", H_STR},
    {"initialization-fail-timeout", "initializationFailTimeout", "initialization_fail_timeout", H_MS},
    {"isolate-internal-queries", "isolateInternalQueries", "isolate_internal_queries", H_BOOL},
    {"allow-pool-suspension", "allowPoolSuspension", "allow_pool_suspension", H_BOOL},
    {"read-only", "readOnly", "read_only", H_BOOL},
    {"register-mbeans", "registerMbeans", "register_mbeans", H_BOOL},
    {"catalog", "catalog", "catalog", H_STR},
    {"schema", "schema", "schema", H_STR},
    {"connection-init-sql", "connectionInitSql", "connection_init_sql", H_STR},
    {"transaction-isolation", "transactionIsolation", "transaction_isolation", H_STR},
    {"validation-timeout", "validationTimeout", "validation_timeout", H_MS},
    {"leak-detection-threshold", "leakDetectionThreshold", "leak_detection_threshold", H_MS},
    {"exception-override-class-name", "exceptionOverrideClassName", "exception_override_class_name", H_STR},
    {"login-timeout", "loginTimeout", "login_timeout", H_SECONDS},
    {"data-source-properties", "dataSourceProperties", NULL, H_MAP},
    {"health-check-properties", "healthCheckProperties", NULL, H_MAP},
    {"metric-registry", "metricRegistry", "metric_registry", H_OBJECT},
    {"health-check-registry", "healthCheckRegistry", "health_check_registry", H_OBJECT},
    {"metrics-tracker-factory", "metricsTrackerFactory", NULL, H_OBJECT},
    {"thread-factory", "threadFactory", NULL, H_OBJECT},
    {"scheduled-executor", "scheduledExecutor", NULL, H_OBJECT},
    {"exception-override", "exceptionOverride", NULL, H_OBJECT},
    {"data-source", "dataSource", NULL, H_OBJECT},
};
#define N_HPROPS (sizeof hprops / sizeof hprops[0])

/* Keys people write that HikariCP never had, with what they meant. */
static const struct {
    const char *wrong, *right;
} aliases[] = {
    {"maxpoolsize", "maximum-pool-size"},     {"maxconnections", "maximum-pool-size"},
    {"poolsize", "maximum-pool-size"},        {"maxactive", "maximum-pool-size"},
    {"maxtotal", "maximum-pool-size"},        {"minidle", "minimum-idle"},
    {"maxlifetime", "max-lifetime"},          {"maxidle", "minimum-idle"},
    {"testonborrow", "connection-test-query"}, {"validationquery", "connection-test-query"},
    {"maxwait", "connection-timeout"},        {"leakdetection", "leak-detection-threshold"},
    {"keepalive", "keepalive-time"},          {"idletimeoutms", "idle-timeout"},
};

/* HikariCP 2.x properties that later releases removed. */
static const char *const removed[] = {"initializationfailfast", "jdbc4connectiontest",
                                      "scheduledexecutorservice"};

/* DataSourceProperties and the other keys Spring knows under spring.datasource. */
static const char *const datasource_keys[] = {
    "url", "username", "password", "driverclassname", "name", "type", "generateuniquename",
    "jndiname", "embeddeddatabaseconnection", "xa", "hikari", "tomcat", "dbcp2", "oracleucp",
    "connectionfetch", "initializationmode", "schema", "data", "platform", "continueonerror",
    "separator", "sqlscriptencoding", "schemausername", "schemapassword", "datausername",
    "datapassword", "initialization", "jmxenabled", "ucp", "hikaricp" /* reported as wrong prefix */,
};

/* pgjdbc connection properties the rules read, from the URL or data-source-properties. */
static const struct {
    const char *name, *field;
    enum htype type;
} pgjdbc[] = {
    {"socketTimeout", "socket_timeout", H_SECONDS},     {"tcpKeepAlive", "tcp_keep_alive", H_BOOL},
    {"ApplicationName", "application_name", H_STR},     {"options", "options", H_STR},
    {"connectTimeout", "connect_timeout", H_SECONDS},   {"loginTimeout", "login_timeout_driver", H_SECONDS},
    {"cancelSignalTimeout", "cancel_signal_timeout", H_SECONDS},
    {"assumeMinServerVersion", "assume_min_server_version", H_STR},
    {"autosave", "autosave", H_STR},                    {"prepareThreshold", "prepare_threshold", H_INT},
};

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
    fmt(b->version, sizeof b->version, "%s", version);
    if (!(b->path = strdup(path)))
        return PGM_FATAL;
    b->line = line;
    c->n_boots++;
    return PGM_OK;
}

const char *pgm_hikari_for_boot(const char *v)
{
    /* spring-boot-dependencies: shared/reference/hikari-log-messages.md section 2 */
    static const struct {
        int maj, min;
        const char *hikari;
    } map[] = {{2, 0, "2.7.9"}, {2, 1, "3.2.0"}, {2, 2, "3.4.5"}, {2, 3, "3.4.5"}, {2, 4, "3.4.5"},
               {2, 5, "4.0.3"}, {2, 6, "4.0.3"}, {2, 7, "4.0.3"}, {3, 0, "5.0.1"}, {3, 1, "5.0.1"},
               {3, 2, "5.0.1"}, {3, 3, "5.1.0"}, {3, 4, "5.1.0"}, {3, 5, "6.3.3"}, {4, 0, "7.0.2"},
               {4, 1, "7.0.2"}};
    int maj = 0, min = 0;
    if (sscanf(v, "%d.%d", &maj, &min) != 2)
        return NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].maj == maj && map[i].min == min)
            return map[i].hikari;
    return NULL;
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

/* "maximum-pool-size", "maximumPoolSize", "maximum_pool_size", "MAXIMUMPOOLSIZE":
 * the form Spring compares element by element (lower case, no - or _). */
static void squash(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        if (s[i] != '-' && s[i] != '_')
            out[o++] = (char)tolower((unsigned char)s[i]);
    out[o] = 0;
}

static const struct hprop *hprop_squashed(const char *sq)
{
    char k[64];
    for (size_t i = 0; i < N_HPROPS; i++) {
        squash(hprops[i].kebab, strlen(hprops[i].kebab), k, sizeof k);
        if (strcmp(k, sq) == 0)
            return &hprops[i];
    }
    return NULL;
}

static const struct hprop *hprop_camel(const char *name)
{
    for (size_t i = 0; i < N_HPROPS; i++)
        if (strcmp(hprops[i].camel, name) == 0)
            return &hprops[i];
    return NULL;
}

/* Closest HikariCP property to an unknown one, for "did you mean". */
static const char *suggest_hprop(const char *sq)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].wrong, sq) == 0)
            return aliases[i].right;
    const char *best = NULL;
    unsigned bestd = 4;
    char k[64];
    for (size_t i = 0; i < N_HPROPS; i++) {
        squash(hprops[i].kebab, strlen(hprops[i].kebab), k, sizeof k);
        unsigned d = pgm_catalog_distance(sq, k);
        if (d < bestd) {
            bestd = d;
            best = hprops[i].kebab;
        }
    }
    return best;
}

static bool is_secret_key(const char *sq)
{
    return strstr(sq, "password") || strstr(sq, "secret") || strstr(sq, "token") ||
           strstr(sq, "credential");
}

/* ---- the keys of one service, in Spring's precedence ---- */

typedef struct skey {
    char canon[256];   /* dotted, each element squashed; map keys as written */
    const pgm_appconf *file;
    const pgm_appconf_key *k;
    int rank;
    size_t seq;
    bool env;
} skey;

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
    fmt(tmp, sizeof tmp, "%s", path);
    for (char *bang = strrchr(tmp, '!'); bang; bang = NULL)
        memmove(tmp, bang + 1, strlen(bang + 1) + 1); /* inside an archive: its own path */
    char *slash = strrchr(tmp, '/');
    if (!slash) {
        fmt(out, cap, "%s", "");
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
            fmt(out, cap, "%s", skipped ? "" : last);
            return;
        }
        *s = 0;
    }
}

/* The canonical form of a Spring key: elements squashed, except the keys of
 * a map property (data-source-properties.socketTimeout keeps its case). */
static void canon_spring(const char *key, char *out, size_t cap)
{
    size_t o = 0;
    bool in_map = false;
    const char *p = key;
    while (*p && o + 1 < cap) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        if (in_map) { /* the rest as written */
            l = strlen(p);
            if (o + l + 1 >= cap)
                l = cap - o - 1;
            memcpy(out + o, p, l);
            o += l;
            break;
        }
        char el[128];
        squash(p, l < sizeof el ? l : sizeof el - 1, el, sizeof el);
        size_t el_n = strlen(el);
        if (o + el_n + 2 >= cap)
            break;
        memcpy(out + o, el, el_n);
        o += el_n;
        if (strcmp(el, "datasourceproperties") == 0 || strcmp(el, "healthcheckproperties") == 0)
            in_map = true;
        if (!dot)
            break;
        out[o++] = '.';
        p = dot + 1;
    }
    out[o] = 0;
}

/* SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE -> spring.datasource.hikari.maximumpoolsize.
 * Under spring.datasource the rest is one property (Spring tries both the
 * dashes-removed and the dashes-as-underscores names), except a map's key. */
static void canon_env(const char *name, char *out, size_t cap)
{
    char low[256];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof low; n++)
        low[n] = name[n] == '_' ? '.' : (char)tolower((unsigned char)name[n]);
    low[n] = 0;
    const char *hk = "spring.datasource.hikari.", *ds = "spring.datasource.";
    const char *rest = NULL;
    size_t head = 0;
    if (strncmp(low, hk, strlen(hk)) == 0)
        head = strlen(hk);
    else if (strncmp(low, ds, strlen(ds)) == 0)
        head = strlen(ds);
    if (!head) {
        fmt(out, cap, "%s", low);
        return;
    }
    rest = low + head;
    char joined[256];
    size_t o = 0;
    bool map = strncmp(rest, "datasourceproperties.", 21) == 0 ||
               strncmp(rest, "data.source.properties.", 23) == 0;
    if (map) {
        const char *key = rest + (rest[4] == '.' ? 23 : 21);
        fmt(joined, sizeof joined, "datasourceproperties.%s", key);
    } else {
        for (const char *q = rest; *q && o + 1 < sizeof joined; q++)
            if (*q != '.')
                joined[o++] = *q;
        joined[o] = 0;
    }
    fmt(out, cap, "%.*s%s", (int)head, low, joined);
}

static int cmp_skey(const void *a, const void *b)
{
    const skey *x = a, *y = b;
    int c = strcmp(x->canon, y->canon);
    if (c)
        return c;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A profile expression (Boot 2.4+): names, !, &, |, and a comma for or. */
static bool profile_match(const char *expr, const char *const *active, size_t n_active)
{
    char buf[256];
    fmt(buf, sizeof buf, "%s", expr);
    /* or over , and | ; and over & ; not with ! (no parentheses: rare in practice) */
    char *save_or = NULL;
    for (char *alt = strtok_r(buf, ",|", &save_or); alt; alt = strtok_r(NULL, ",|", &save_or)) {
        bool all = true;
        char *save_and = NULL;
        for (char *t = strtok_r(alt, "&", &save_and); t; t = strtok_r(NULL, "&", &save_and)) {
            while (*t == ' ' || *t == '(')
                t++;
            bool neg = *t == '!';
            if (neg)
                t++;
            while (*t == ' ')
                t++;
            size_t l = strlen(t);
            while (l && (t[l - 1] == ' ' || t[l - 1] == ')'))
                t[--l] = 0;
            bool on = false;
            for (size_t i = 0; i < n_active; i++)
                if (strcmp(active[i], t) == 0)
                    on = true;
            if (on == neg)
                all = false;
        }
        if (all)
            return true;
    }
    return false;
}

typedef struct keyset {
    skey *v;
    size_t n, alloc;
} keyset;

static int push_key(keyset *ks, const pgm_appconf *f, const pgm_appconf_key *k, int rank, size_t seq)
{
    if (ks->n == ks->alloc) {
        size_t na = ks->alloc ? ks->alloc * 2 : 128;
        skey *p = realloc(ks->v, na * sizeof *p);
        if (!p)
            return PGM_FATAL;
        ks->v = p;
        ks->alloc = na;
    }
    skey *s = &ks->v[ks->n++];
    memset(s, 0, sizeof *s);
    s->env = k->origin == PGM_KEY_ENV;
    /* Spring's order: files < environment < Java system properties < command line */
    if (k->origin == PGM_KEY_SYSPROP)
        rank = 3000;
    else if (k->origin == PGM_KEY_ARG)
        rank = 4000;
    if (s->env)
        canon_env(k->key, s->canon, sizeof s->canon);
    else
        canon_spring(k->key, s->canon, sizeof s->canon);
    s->file = f;
    s->k = k;
    s->rank = rank;
    s->seq = seq;
    return PGM_OK;
}

/* The winning key of `canon`, or NULL; *prev gets the one it overrides. */
static const skey *winner(const keyset *ks, const char *canon, const skey **prev)
{
    const skey *w = NULL, *p = NULL;
    for (size_t i = 0; i < ks->n; i++)
        if (strcmp(ks->v[i].canon, canon) == 0) {
            p = w;
            w = &ks->v[i];
        }
    if (prev)
        *prev = p;
    return w;
}

/* ---- key findings ---- */

static void key_record(pgm_config *c, const skey *s, const char *problem, const char *suggestion,
                       const char *detail)
{
    pgm_record *r = pgm_facts_add_record(c->out, "key");
    if (!r) {
        c->rc = PGM_FATAL;
        return;
    }
    char sq[256];
    squash(s->k->key, strlen(s->k->key), sq, sizeof sq);
    const char *value = is_secret_key(sq) ? "[REDACTED]" : s->k->value;
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

/* What Spring or HikariCP silently does with a key of this service. */
static void check_key(pgm_config *c, const skey *s)
{
    const char *k = s->canon;
    char buf[300];
    const char *last = strrchr(k, '.') ? strrchr(k, '.') + 1 : k;
    /* a flag about passwords (MYSQL_ALLOW_EMPTY_PASSWORD=true) holds none */
    bool flag = strcasecmp(s->k->value, "true") == 0 || strcasecmp(s->k->value, "false") == 0 ||
                strcasecmp(s->k->value, "yes") == 0 || strcasecmp(s->k->value, "no") == 0;
    if (strcmp(last, "password") == 0 && s->k->value[0] && !flag && !strstr(s->k->value, "${")) {
        key_record(c, s, "plaintext_secret", NULL,
                   "a password written into the configuration: anyone who reads the file or the "
                   "repository has it");
        return;
    }
    if (strcmp(last, "url") == 0 || strcmp(last, "jdbcurl") == 0) {
        const char *v = s->k->value, *scheme = strstr(v, "://");
        const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
        const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
        bool userinfo = at && (!slash || at < slash) && memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
        const char *pw = strstr(v, "password=");
        if ((userinfo || pw) && !(pw && strncmp(pw + 9, "${", 2) == 0)) {
            key_record(c, s, "plaintext_secret", NULL,
                       "a password inside a JDBC URL: anyone who reads the file has it");
            return;
        }
    }
    if (strncmp(k, "spring.datasource.hikari.", 25) == 0) {
        const char *rest = k + 25;
        if (s->env && strncasecmp(s->k->key + 25, "CONNECTION_", 11) == 0) {
            char fixed[300];
            size_t o = 0;
            for (const char *q = "SPRING_DATASOURCE_HIKARI_CONNECTION"; *q; q++)
                fixed[o++] = *q;
            for (const char *q = s->k->key + 36; *q && o + 1 < sizeof fixed; q++)
                if (*q != '_')
                    fixed[o++] = (char)toupper((unsigned char)*q);
            fixed[o] = 0;
            key_record(c, s, "env_connection_prefix", fixed,
                       "binds through HikariDataSource.getConnection(): the pool starts while "
                       "binding and every later key fails (spring-boot#51363)");
            return;
        }
        if (strncmp(rest, "datasourceproperties.", 21) == 0) {
            const char *mk = rest + 21;
            if (s->env) {
                for (size_t i = 0; i < sizeof pgjdbc / sizeof pgjdbc[0]; i++)
                    if (strcasecmp(pgjdbc[i].name, mk) == 0 && strcmp(pgjdbc[i].name, mk) != 0) {
                        fmt(buf, sizeof buf, "?%s=%s in the JDBC URL", pgjdbc[i].name, s->k->value);
                        key_record(c, s, "env_lowercased_map_key", buf,
                                   "an environment variable lower-cases the map key; pgjdbc's "
                                   "names are case-sensitive and ignore it (spring-boot#18003)");
                    }
            }
            return;
        }
        if (strchr(rest, '.') && strncmp(rest, "healthcheckproperties.", 22) != 0) {
            key_record(c, s, "unknown", NULL, "not a HikariCP property: Spring ignores it");
            return;
        }
        if (hprop_squashed(rest))
            return;
        for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++)
            if (strcmp(rest, removed[i]) == 0) {
                key_record(c, s, "removed", NULL, "a HikariCP 2.x property, removed since: Spring ignores it");
                return;
            }
        const char *sug = suggest_hprop(rest);
        fmt(buf, sizeof buf, "spring.datasource.hikari.%s", sug ? sug : "");
        key_record(c, s, "unknown", sug ? buf : NULL, "not a HikariCP property: Spring ignores it");
        return;
    }
    if (strncmp(k, "spring.datasource.", 18) == 0) {
        const char *rest = k + 18;
        char first[64];
        size_t l = strcspn(rest, ".");
        fmt(first, sizeof first, "%.*s", (int)(l < sizeof first ? l : sizeof first - 1), rest);
        if (strcmp(first, "tomcat") == 0 || strcmp(first, "dbcp2") == 0 || strcmp(first, "oracleucp") == 0) {
            key_record(c, s, "other_pool", NULL, "settings of another pool: ignored when HikariCP is the pool");
            return;
        }
        if (strcmp(first, "hikaricp") == 0) {
            key_record(c, s, "wrong_prefix", "spring.datasource.hikari.*", "Spring binds spring.datasource.hikari, not hikaricp");
            return;
        }
        for (size_t i = 0; i < sizeof datasource_keys / sizeof datasource_keys[0]; i++)
            if (strcmp(first, datasource_keys[i]) == 0)
                return;
        const struct hprop *h = hprop_squashed(first);
        if (h || suggest_hprop(first)) {
            fmt(buf, sizeof buf, "spring.datasource.hikari.%s", h ? h->kebab : suggest_hprop(first));
            key_record(c, s, "wrong_prefix", buf,
                       "pool settings belong under spring.datasource.hikari since Spring Boot 1.4");
            return;
        }
        key_record(c, s, "unknown", NULL, "Spring's DataSourceProperties has no such property: ignored");
        return;
    }
    if (strncmp(k, "spring.hikari.", 14) == 0 || strncmp(k, "hikari.", 7) == 0) {
        const char *rest = strchr(k, '.') + 1;
        if (strncmp(k, "spring.hikari.", 14) == 0)
            rest = k + 14;
        const struct hprop *h = hprop_squashed(rest);
        fmt(buf, sizeof buf, "spring.datasource.hikari.%s", h ? h->kebab : "*");
        key_record(c, s, "wrong_prefix", buf, "Spring binds spring.datasource.hikari: this key is ignored");
        return;
    }
    if (strcmp(k, "spring.profiles") == 0 && !s->env)
        key_record(c, s, "legacy_profiles", "spring.config.activate.on-profile",
                   "Spring Boot 2.4+ refuses to start with spring.profiles inside a document");
}

/* ---- pools ---- */

typedef struct pool_src {
    char prefix[200];      /* canonical prefix the properties sit under */
    char config_prefix[220]; /* .configuration under a DataSourceProperties route */
    bool is_default;       /* spring.datasource(.hikari) */
} pool_src;

static bool parse_long(const char *s, long long *out)
{
    while (*s == ' ')
        s++;
    if (!*s)
        return false;
    char *end;
    long long v = strtoll(s, &end, 10);
    while (*end == ' ')
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

static bool looks_like_duration(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    return i > 0 && (strcmp(s + i, "ms") == 0 || strcmp(s + i, "s") == 0 ||
                     strcmp(s + i, "m") == 0 || strcmp(s + i, "h") == 0 || strcmp(s + i, "d") == 0);
}

/* JDBC URL parameters: jdbc:postgresql://h:p/db?ApplicationName=x&socketTimeout=30 */
static const char *url_param(const char *url, const char *name, char *out, size_t cap)
{
    const char *q = strchr(url, '?');
    size_t nl = strlen(name);
    while (q && *q) {
        q++;
        const char *amp = strchr(q, '&');
        size_t l = amp ? (size_t)(amp - q) : strlen(q);
        if (l > nl && q[nl] == '=' && strncmp(q, name, nl) == 0) {
            fmt(out, cap, "%.*s", (int)(l - nl - 1), q + nl + 1);
            return out;
        }
        q = amp;
    }
    return NULL;
}

typedef struct pool_val {
    bool set;
    long long v;
    const char *path, *written;
    unsigned line;
    bool unknown;       /* set by a placeholder nothing resolves: its value is not known */
    char via[200];      /* a placeholder's resolution, said with the value */
} pool_val;

static void version_parts(const char *v, int *maj, int *min, int *pat)
{
    *maj = *min = *pat = 0;
    if (v)
        sscanf(v, "%d.%d.%d", maj, min, pat);
}

static int version_cmp(const char *v, int maj, int min, int pat)
{
    int a, b, c;
    version_parts(v, &a, &b, &c);
    if (a != maj)
        return a < maj ? -1 : 1;
    if (b != min)
        return b < min ? -1 : 1;
    return c < pat ? -1 : c > pat;
}

/* A pool value as it takes effect: where it was set (and through which
 * placeholder), or HikariCP's default; "unknown" when a placeholder set it
 * that nothing in the inputs resolves (never a default then). */
static void put_value(pgm_config *c, pgm_record *r, const char *field, const char *text, const pool_val *pv,
                      const char *note)
{
    if (pv && pv->unknown) {
        set_fact(c, r, field, "unknown", pv->path, pv->line, pv->written, pv->via);
        return;
    }
    bool set = pv && pv->set;
    set_fact(c, r, field, text, set ? pv->path : NULL, set ? pv->line : 0, set ? pv->written : NULL,
             note ? note : set ? (pv->via[0] ? pv->via : NULL) : "HikariCP's default");
}

static void put_ms(pgm_config *c, pgm_record *r, const char *field, long long v, const pool_val *pv,
                   const char *note)
{
    char text[48];
    fmt(text, sizeof text, "%lldms", v);
    put_value(c, r, field, text, pv, note);
}

static void put_int(pgm_config *c, pgm_record *r, const char *field, long long v, const pool_val *pv,
                    const char *note)
{
    char text[48];
    fmt(text, sizeof text, "%lld", v);
    put_value(c, r, field, text, pv, note);
}

enum { V_CONN, V_IDLE, V_KEEP, V_LIFE, V_MINIDLE, V_MAX, V_VALID, V_LEAK, V_N };

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
            fmt(driver, sizeof driver, "%.*s", (int)n, p);
    }
    const char *const classes[] = {"driver_class_name", "data_source_class_name"};
    for (size_t k = 0; k < 2 && !driver[0]; k++) {
        const pgm_fact *f = pgm_record_get_fact(r, classes[k]);
        for (size_t i = 0; f && i < sizeof known / sizeof known[0] && !driver[0]; i++)
            if (strstr(f->text, known[i]))
                fmt(driver, sizeof driver, "%s", known[i]);
    }
    if (driver[0])
        set_fact(c, r, "driver", driver, NULL, 0, NULL, NULL);
    const pgm_fact *size = pgm_record_get_fact(r, "maximum_pool_size");
    if (size)
        set_fact(c, r, "pg_pool_size", !driver[0] || strcmp(driver, "postgresql") == 0 ? size->text : "0", NULL, 0,
                 NULL, NULL);
}

/* ${NAME} or ${NAME:default} (the default may be another placeholder), as
 * Spring resolves it: NAME set in the inputs (an .env file, a manifest's
 * env, a property; relaxed: TB_DB_POOL is tb.db.pool), else the default.
 * 1: resolved into out, `via` says how; 0: no placeholder; -1: nothing
 * resolves it (`via` says which). */
#define PGM_CONFIG_PLACEHOLDER_DEPTH 8
static int resolve_placeholder(const keyset *ks, const char *value, char *out, size_t cap, char *via, size_t vcap,
                               int depth);

/* A value a placeholder takes (the variable's, or its default): itself
 * resolved in turn, else as written. -1 when nothing resolves it (`via`
 * says why). */
static int resolve_inner(const keyset *ks, const char *v, char *out, size_t cap, char *via, size_t vcap, int depth)
{
    char inner[200] = "";
    int r = resolve_placeholder(ks, v, out, cap, inner, sizeof inner, depth + 1);
    if (r < 0) {
        fmt(via, vcap, "%s", inner);
        return -1;
    }
    if (r == 0)
        fmt(out, cap, "%s", v);
    return 1;
}

static int resolve_placeholder(const keyset *ks, const char *value, char *out, size_t cap, char *via, size_t vcap,
                               int depth)
{
    size_t n = strlen(value);
    if (n < 4 || value[0] != '$' || value[1] != '{' || value[n - 1] != '}')
        return 0;
    if (depth == PGM_CONFIG_PLACEHOLDER_DEPTH) {
        fmt(via, vcap, "placeholders nested deeper than %d: unknown", PGM_CONFIG_PLACEHOLDER_DEPTH);
        return -1;
    }
    size_t name_len = strcspn(value + 2, ":}");
    char name[128], relaxed[128];
    if (name_len == 0 || name_len >= sizeof name)
        return 0;
    fmt(name, sizeof name, "%.*s", (int)name_len, value + 2);
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < sizeof relaxed; p++)
        if (*p != '-')
            relaxed[k++] = *p == '_' ? '.' : (char)tolower((unsigned char)*p);
    relaxed[k] = 0;
    for (size_t i = 0; i < ks->n; i++) {
        if (strcmp(ks->v[i].canon, relaxed) != 0 && strcmp(ks->v[i].k->key, name) != 0)
            continue;
        const char *v = ks->v[i].k->value ? ks->v[i].k->value : "";
        if (strcmp(v, value) == 0)
            continue; /* the key itself (db.pool: ${DB_POOL:5}): its default decides */
        if (resolve_inner(ks, v, out, cap, via, vcap, depth) < 0)
            return -1;
        fmt(via, vcap, "through ${%s}, set at %s:%u", name, ks->v[i].file->path, ks->v[i].k->line);
        return 1;
    }
    const char *colon = value[2 + name_len] == ':' ? value + 2 + name_len + 1 : NULL;
    if (!colon) {
        fmt(via, vcap, "set by ${%s}, which nothing in the inputs sets: unknown", name);
        return -1;
    }
    char def[256];
    fmt(def, sizeof def, "%.*s", (int)(value + n - 1 - colon), colon);
    if (resolve_inner(ks, def, out, cap, via, vcap, depth) < 0)
        return -1;
    fmt(via, vcap, "the default of ${%s:...}: %s is set nowhere in the inputs", name, name);
    return 1;
}

/* A JDBC URL as written or through its placeholder ("${DB_URL:jdbc:postgresql://db/x}"):
 * what it resolves to, else as written. */
static void url_from(const keyset *ks, const char *value, char *out, size_t cap)
{
    char via[200];
    if (resolve_placeholder(ks, value, out, cap, via, sizeof via, 0) <= 0)
        fmt(out, cap, "%s", value);
}

/* HikariConfig.validateNumerics() in its 6.0 order, on what was configured. */
static void apply_clamps(pgm_config *c, pgm_record *r, pool_val *pv, const char *version)
{
    static const char *const fields[V_N] = {"connection_timeout", "idle_timeout", "keepalive_time",
                                            "max_lifetime", "minimum_idle", "maximum_pool_size",
                                            "validation_timeout", "leak_detection_threshold"};
    long long keep_default = version_cmp(version, 6, 2, 1) >= 0 ? 120000 : 0;
    long long def[V_N] = {30000, 600000, keep_default, 1800000, -1, -1, 5000, 0};
    long long v[V_N];
    char note[V_N][200];
    for (int i = 0; i < V_N; i++) {
        v[i] = pv[i].set ? pv[i].v : def[i];
        note[i][0] = 0;
        if (pv[i].set) {
            char cf[64];
            fmt(cf, sizeof cf, "%s_configured", fields[i]);
            if (i == V_MINIDLE || i == V_MAX)
                put_int(c, r, cf, pv[i].v, &pv[i], NULL);
            else
                put_ms(c, r, cf, pv[i].v, &pv[i], NULL);
        }
    }
    if (pv[V_CONN].set && v[V_CONN] == 0) {
        v[V_CONN] = INT_MAX;
        fmt(note[V_CONN], sizeof note[0], "0 means Integer.MAX_VALUE: callers wait ~24.8 days");
    }
    if (v[V_LIFE] != 0 && v[V_LIFE] < 30000) {
        v[V_LIFE] = 1800000;
        fmt(note[V_LIFE], sizeof note[0], "below 30000ms: HikariCP uses 1800000ms instead");
    }
    if (v[V_KEEP] != 0 && v[V_KEEP] < 30000) {
        v[V_KEEP] = 0;
        fmt(note[V_KEEP], sizeof note[0], "below 30000ms: HikariCP disables keepalive");
    }
    if (v[V_KEEP] != 0 && v[V_LIFE] != 0 && v[V_KEEP] >= v[V_LIFE]) {
        v[V_KEEP] = 0;
        fmt(note[V_KEEP], sizeof note[0], "not below maxLifetime %lldms: HikariCP disables keepalive",
                 v[V_LIFE]);
    }
    if (v[V_LEAK] > 0 && (v[V_LEAK] < 2000 || (v[V_LIFE] > 0 && v[V_LEAK] > v[V_LIFE]))) {
        fmt(note[V_LEAK], sizeof note[0],
                 v[V_LEAK] < 2000 ? "below 2000ms: HikariCP disables leak detection"
                                  : "above maxLifetime %lldms: HikariCP disables leak detection",
                 v[V_LIFE]);
        v[V_LEAK] = 0;
    }
    if (v[V_CONN] < 250) {
        v[V_CONN] = 30000;
        fmt(note[V_CONN], sizeof note[0], "below 250ms: rejected by the setter, else 30000ms");
    }
    if (v[V_VALID] < 250) {
        v[V_VALID] = 5000;
        fmt(note[V_VALID], sizeof note[0], "below 250ms: rejected by the setter, else 5000ms");
    }
    if (v[V_MAX] < 1) {
        if (pv[V_MAX].set)
            fmt(note[V_MAX], sizeof note[0], "below 1: HikariCP uses 10");
        v[V_MAX] = 10;
    }
    if (v[V_MINIDLE] < 0 || v[V_MINIDLE] > v[V_MAX]) {
        if (pv[V_MINIDLE].set)
            fmt(note[V_MINIDLE], sizeof note[0], "outside 0..maximumPoolSize: HikariCP uses %lld",
                     v[V_MAX]);
        else
            fmt(note[V_MINIDLE], sizeof note[0], "default: maximumPoolSize (a fixed-size pool)");
        v[V_MINIDLE] = v[V_MAX];
    }
    bool fixed = v[V_MINIDLE] == v[V_MAX];
    bool old = version_cmp(version, 3, 3, 0) <= 0; /* 2.x-3.3.0 clamped even fixed pools */
    if (v[V_IDLE] + 1000 > v[V_LIFE] && v[V_LIFE] > 0 && (!fixed || old)) {
        v[V_IDLE] = 0;
        fmt(note[V_IDLE], sizeof note[0], "within 1s of maxLifetime: HikariCP disables idleTimeout");
    } else if (v[V_IDLE] != 0 && v[V_IDLE] < 10000 && (!fixed || old)) {
        v[V_IDLE] = 600000;
        fmt(note[V_IDLE], sizeof note[0], "below 10000ms: HikariCP uses 600000ms");
    } else if (pv[V_IDLE].set && v[V_IDLE] != 600000 && v[V_IDLE] != 0 && fixed) {
        fmt(note[V_IDLE], sizeof note[0], "has no effect: the pool is fixed-size (minimumIdle = maximumPoolSize)");
    }
    for (int i = 0; i < V_N; i++) {
        const char *n = note[i][0] ? note[i] : NULL;
        if (i == V_MINIDLE || i == V_MAX)
            put_int(c, r, fields[i], v[i], &pv[i], n);
        else
            put_ms(c, r, fields[i], v[i], &pv[i], n);
    }
}

/* One pool's record from the service's keys under `src`. */
static void build_pool(pgm_config *c, const service *sv, const keyset *ks, const pool_src *src,
                       long instances, const char *inst_path, unsigned inst_line,
                       const char *inst_note)
{
    pgm_record *r = pgm_facts_add_record(c->out, "pool");
    if (!r) {
        c->rc = PGM_FATAL;
        return;
    }
    const char *version = c->opt.hikari_version ? c->opt.hikari_version : sv->hikari ? sv->hikari : PGM_HIKARI_NEWEST;
    pool_val pv[V_N];
    memset(pv, 0, sizeof pv);
    static const char *const clamped[V_N] = {"connectiontimeout", "idletimeout", "keepalivetime",
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
        fmt(l0, sizeof l0, "%s.", src->prefix);
        layers[0] = l0;
        if (src->config_prefix[0]) {
            fmt(l1, sizeof l1, "%s.", src->config_prefix);
            layers[1] = l1;
        }
    }
    for (int layer = 0; layer < 2; layer++) {
        const char *pre = layers[layer];
        if (!pre)
            continue;
        size_t pl = strlen(pre);
        for (size_t i = 0; i < ks->n; i++) {
            const skey *s = &ks->v[i];
            if (strncmp(s->canon, pre, pl) != 0 || strchr(s->canon + pl, '.'))
                continue;
            const skey *w = winner(ks, s->canon, NULL);
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
                    url_from(ks, s->k->value, jdbc_url, sizeof jdbc_url);
                    url_path = s->file->path, url_line = s->k->line, url_written = s->k->key;
                    continue;
                }
                if (strcmp(rest, "name") == 0 && datasource_layer) {
                    fmt(pool_name, sizeof pool_name, "%s", s->k->value);
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
            const struct hprop *h = hprop_squashed(rest);
            if (!h || !h->field)
                continue;
            if (strcmp(h->field, "jdbc_url") == 0) {
                url_from(ks, s->k->value, jdbc_url, sizeof jdbc_url);
                url_path = s->file->path, url_line = s->k->line, url_written = s->k->key;
                continue;
            }
            if (strcmp(h->field, "pool_name") == 0)
                fmt(pool_name, sizeof pool_name, "%s", s->k->value);
            int slot = -1;
            for (int k = 0; k < V_N; k++)
                if (strcmp(rest, clamped[k]) == 0)
                    slot = k;
            if (h->type == H_MS || h->type == H_INT || h->type == H_SECONDS) {
                long long v;
                char resolved[256], via[200] = "";
                const char *value = s->k->value;
                int ph = resolve_placeholder(ks, value, resolved, sizeof resolved, via, sizeof via, 0);
                if (ph > 0)
                    value = resolved;
                if (ph < 0 && slot >= 0) {
                    /* known to be set, not to what: no rule may take HikariCP's default for it */
                    pv[slot] = (pool_val){.path = s->file->path, .written = s->k->key, .line = s->k->line,
                                          .unknown = true};
                    fmt(pv[slot].via, sizeof pv[slot].via, "%s", via);
                    continue;
                }
                if (!parse_long(value, &v)) {
                    if (!strstr(s->k->value, "${"))
                        key_record(c, s, "not_a_number",
                                   looks_like_duration(s->k->value) ? "a number of milliseconds" : NULL,
                                   h->type == H_MS && looks_like_duration(s->k->value)
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
                    pv[slot] = (pool_val){true, v, s->file->path, s->k->key, s->k->line, false, ""};
                    fmt(pv[slot].via, sizeof pv[slot].via, "%s", via);
                } else {
                    char text[48];
                    fmt(text, sizeof text, h->type == H_MS ? "%lldms" : h->type == H_SECONDS ? "%llds" : "%lld", v);
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
    for (size_t d = 0; d < sizeof pgjdbc / sizeof pgjdbc[0]; d++) {
        char val[256];
        const char *path = NULL, *written = NULL;
        unsigned line = 0;
        const char *v = NULL;
        char key[300];
        fmt(key, sizeof key, "%s%sdatasourceproperties.%s",
                 src->is_default ? "spring.datasource.hikari" : src->config_prefix[0] ? src->config_prefix : src->prefix,
                 ".", pgjdbc[d].name);
        const skey *w = winner(ks, key, NULL);
        if (w) {
            v = w->k->value, path = w->file->path, line = w->k->line, written = w->k->key;
        } else if (jdbc_url[0] && url_param(jdbc_url, pgjdbc[d].name, val, sizeof val)) {
            v = val, path = url_path, line = url_line, written = url_written;
        }
        if (!v)
            continue;
        char text[300];
        long long n;
        if (pgjdbc[d].type == H_SECONDS && parse_long(v, &n))
            fmt(text, sizeof text, "%llds", n);
        else
            fmt(text, sizeof text, "%s", v);
        set_fact(c, r, pgjdbc[d].field, text, path, line, written, NULL);
    }
    if (jdbc_url[0]) {
        /* credentials in a URL never leave the tool */
        char shown[1024];
        fmt(shown, sizeof shown, "%s", jdbc_url);
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
    apply_clamps(c, r, pv, version);
    set_driver(c, r);
    const char *shown_name = pool_name[0] ? pool_name : NULL;
    char fallback[300];
    if (!shown_name) {
        fmt(fallback, sizeof fallback, "%s%s%s",
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
    fmt(inst, sizeof inst, "%ld", instances);
    set_fact(c, r, "instances", inst, inst_path, inst_line, NULL, inst_note);
    /* open-in-view: Spring's default is on; a MyBatis service without JPA
     * (its own build file says so) opens no JPA session to hold */
    const skey *oiv = winner(ks, "spring.jpa.openinview", NULL);
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
    pool_val pv[V_N];
    memset(pv, 0, sizeof pv);
    static const char *const clamped[V_N] = {"connectionTimeout", "idleTimeout", "keepaliveTime",
                                             "maxLifetime", "minimumIdle", "maximumPoolSize",
                                             "validationTimeout", "leakDetectionThreshold"};
    char name[128] = "";
    for (size_t i = 0; i < f->n; i++) {
        const pgm_appconf_key *k = &f->keys[i];
        skey s;
        memset(&s, 0, sizeof s);
        s.file = f;
        s.k = k;
        fmt(s.canon, sizeof s.canon, "%s", k->key);
        if (strncmp(k->key, "dataSource.", 11) == 0) {
            /* the driver's password, handed to it through HikariConfig's dataSourceProperties */
            if (strcasecmp(k->key + 11, "password") == 0 && k->value[0] && !strstr(k->value, "${"))
                key_record(c, &s, "plaintext_secret", NULL,
                           "a password written into the configuration: anyone who reads the file has it");
            for (size_t d = 0; d < sizeof pgjdbc / sizeof pgjdbc[0]; d++)
                if (strcmp(pgjdbc[d].name, k->key + 11) == 0) {
                    long long n;
                    char text[300];
                    if (pgjdbc[d].type == H_SECONDS && parse_long(k->value, &n))
                        fmt(text, sizeof text, "%llds", n);
                    else
                        fmt(text, sizeof text, "%s", k->value);
                    set_fact(c, r, pgjdbc[d].field, text, f->path, k->line, k->key, NULL);
                }
            continue;
        }
        const struct hprop *h = hprop_camel(k->key);
        if (!h) {
            char sq[128];
            squash(k->key, strlen(k->key), sq, sizeof sq);
            const struct hprop *near = hprop_squashed(sq);
            const char *sug = near ? near->camel : NULL;
            if (!sug) {
                const char *kebab = suggest_hprop(sq);
                for (size_t j = 0; kebab && j < N_HPROPS; j++)
                    if (strcmp(hprops[j].kebab, kebab) == 0)
                        sug = hprops[j].camel;
            }
            key_record(c, &s, "unknown_hikari_property", sug,
                       "HikariConfig logs 'Property ... does not exist on target' and refuses to start");
            continue;
        }
        if (!h->field)
            continue;
        if (strcmp(h->field, "pool_name") == 0)
            fmt(name, sizeof name, "%s", k->value);
        int slot = -1;
        for (int j = 0; j < V_N; j++)
            if (strcmp(k->key, clamped[j]) == 0)
                slot = j;
        long long v;
        if (h->type == H_MS || h->type == H_INT || h->type == H_SECONDS) {
            if (!parse_long(k->value, &v)) {
                /* HikariCP 6.3+ reads 10ms/20s/30m/40h/50d itself */
                bool ok = h->type == H_MS && looks_like_duration(k->value) && version_cmp(version, 6, 3, 0) >= 0;
                if (ok) {
                    pgm_value q;
                    char fixed[64];
                    fmt(fixed, sizeof fixed, "%s", k->value);
                    size_t fl = strlen(fixed);
                    if (fl && fixed[fl - 1] == 'm' && (fl < 2 || fixed[fl - 2] != 'm'))
                        fmt(fixed + fl - 1, sizeof fixed - fl + 1, "min");
                    ok = pgm_value_parse_quantity(fixed, strlen(fixed), &q);
                    v = (long long)q.num;
                }
                if (!ok) {
                    key_record(c, &s, "not_a_number", NULL, "not a number of milliseconds for this HikariCP");
                    continue;
                }
            }
            if (slot >= 0)
                pv[slot] = (pool_val){true, v, f->path, k->key, k->line, false, ""};
            else {
                char text[48];
                fmt(text, sizeof text, h->type == H_MS ? "%lldms" : h->type == H_SECONDS ? "%llds" : "%lld", v);
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
        for (size_t d = 0; d < sizeof pgjdbc / sizeof pgjdbc[0]; d++) {
            char val[256];
            if (!pgm_record_get(r, pgjdbc[d].field) && url_param(url->text, pgjdbc[d].name, val, sizeof val)) {
                long long n;
                char text[300];
                if (pgjdbc[d].type == H_SECONDS && parse_long(val, &n))
                    fmt(text, sizeof text, "%llds", n);
                else
                    fmt(text, sizeof text, "%s", val);
                set_fact(c, r, pgjdbc[d].field, text, url->at.path, url->at.line, url->at.written, NULL);
            }
        }
    }
    apply_clamps(c, r, pv, version);
    set_driver(c, r);
    char shown[300];
    fmt(shown, sizeof shown, "%s%s%s", name[0] ? name : sv->app_name[0] ? sv->app_name : sv->name,
        name[0] ? "" : ":", name[0] ? "" : "hikari.properties");
    set_fact(c, r, "name", shown, NULL, 0, NULL, NULL);
    set_fact(c, r, "service", sv->app_name[0] ? sv->app_name : sv->name[0] ? sv->name : "app", NULL, 0, NULL, NULL);
    set_fact(c, r, "source", "hikari.properties", NULL, 0, NULL, NULL);
    set_fact(c, r, "binding", "hikari.properties", NULL, 0, NULL, NULL);
    set_fact(c, r, "hikari_version", version, NULL, 0, NULL, NULL);
    char inst[32];
    fmt(inst, sizeof inst, "%ld", instances);
    set_fact(c, r, "instances", inst, inst_path, inst_line, NULL, inst_note);
    pgm_origin at = {f->path, 1, NULL, NULL};
    if (pgm_record_set_origin(r, &at) != 0)
        c->rc = PGM_FATAL;
}

/* The pools a service's keys describe: the auto-configured one, and any
 * other prefix that carries HikariCP properties (app.datasource.second...). */
static size_t find_pool_sources(const keyset *ks, pool_src *out, size_t cap)
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
        const struct hprop *h = hprop_squashed(dot + 1);
        bool url = strcmp(dot + 1, "url") == 0;
        if (!(h && h->field && h->type != H_OBJECT) && !url)
            continue;
        char prefix[200];
        fmt(prefix, sizeof prefix, "%.*s", (int)(dot - k), k);
        char config_prefix[220] = "";
        size_t pl = strlen(prefix);
        if (pl > 14 && strcmp(prefix + pl - 14, ".configuration") == 0) {
            fmt(config_prefix, sizeof config_prefix, "%s", prefix);
            prefix[pl - 14] = 0;
        } else if (pl > 7 && strcmp(prefix + pl - 7, ".hikari") == 0) {
            fmt(config_prefix, sizeof config_prefix, "%s", prefix);
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
                    fmt(out[j].config_prefix, sizeof out[j].config_prefix, "%s", config_prefix);
            }
        if (!seen && n < cap) {
            memset(&out[n], 0, sizeof out[n]);
            fmt(out[n].prefix, sizeof out[n].prefix, "%s", prefix);
            fmt(out[n].config_prefix, sizeof out[n].config_prefix, "%s", config_prefix);
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
            const struct hprop *h = hprop_squashed(leaf);
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
        fmt(out[0].prefix, sizeof out[0].prefix, "spring.datasource");
        out[0].is_default = true;
        n++;
    }
    return n;
}

/* A hand-made HikariDataSource bound to a prefix has no `url` property. */
static void check_pool_prefix(pgm_config *c, const keyset *ks, const pool_src *src)
{
    if (src->is_default || src->config_prefix[0])
        return;
    char k[256], jk[256];
    fmt(k, sizeof k, "%s.url", src->prefix);
    fmt(jk, sizeof jk, "%s.jdbcurl", src->prefix);
    const skey *u = winner(ks, k, NULL);
    if (u && !winner(ks, jk, NULL)) {
        char sug[300];
        fmt(sug, sizeof sug, "%.*s.jdbc-url", (int)(strlen(u->k->key) - 4), u->k->key);
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
    fmt(sv->hikari_note, sizeof sv->hikari_note, "managed by Spring Boot %s (%s:%u)", found->version,
        found->path, found->line);
}

static void build_service(pgm_config *c, service *sv)
{
    service_boot(c, sv);
    keyset ks = {0};
    size_t seq = 0;
    /* active profiles: --profile, else spring.profiles.active where it is set */
    /* --profile gives at most PGM_CONFIG_MAX_PROFILES (said there); a
     * spring.profiles.active of 511 bytes names at most 256 */
    char profbuf[512] = "";
    const char *active[sizeof profbuf / 2];
    size_t n_active = 0;
    for (size_t i = 0; i < c->opt.n_profiles && n_active < PGM_CONFIG_MAX_PROFILES; i++)
        active[n_active++] = c->opt.profiles[i];
    if (!n_active) {
        for (size_t f = 0; f < sv->n_files; f++)
            for (size_t i = 0; i < sv->files[f]->n; i++) {
                const pgm_appconf_key *k = &sv->files[f]->keys[i];
                if (strcasecmp(k->key, "spring.profiles.active") != 0 && strcmp(k->key, "SPRING_PROFILES_ACTIVE") != 0)
                    continue;
                /* "@spring.profiles.active@": Maven's resource filtering fills it at build
                 * time; the file as committed names no profile, so none is taken from it */
                size_t vl = strlen(k->value);
                if (vl > 2 && k->value[0] == '@' && k->value[vl - 1] == '@') {
                    skey ks1 = {.file = sv->files[f], .k = k};
                    fmt(ks1.canon, sizeof ks1.canon, "%s", k->key);
                    key_record(c, &ks1, "unfiltered", "--profile",
                               "Maven's resource filtering fills this at build time: the profile that runs is "
                               "not in the file, so the default profile is read");
                    continue;
                }
                fmt(profbuf, sizeof profbuf, "%s", k->value);
            }
        if (sv->workload_file)
            for (size_t i = 0; i < sv->workload_file->n; i++)
                if (sv->workload_file->keys[i].workload == sv->workload_index &&
                    strcmp(sv->workload_file->keys[i].key, "SPRING_PROFILES_ACTIVE") == 0)
                    fmt(profbuf, sizeof profbuf, "%s", sv->workload_file->keys[i].value);
        char *save = NULL;
        for (char *t = strtok_r(profbuf, ", ", &save); t && n_active < sizeof active / sizeof active[0];
             t = strtok_r(NULL, ", ", &save))
            active[n_active++] = t;
        if (!n_active)
            active[n_active++] = "default";
    }
    for (size_t f = 0; f < sv->n_files; f++) {
        const pgm_appconf *file = sv->files[f];
        if (file->form == PGM_APPCONF_HIKARI)
            continue;
        int rank = 0;
        if (file->form == PGM_APPCONF_ENV) {
            rank = 1000;
        } else {
            if (file->profile) {
                int idx = -1;
                for (size_t a = 0; a < n_active; a++)
                    if (strcmp(active[a], file->profile) == 0)
                        idx = (int)a;
                if (idx < 0)
                    continue; /* a profile that is not active */
                rank = 100 + 10 * idx;
            }
            if (strstr(file->path, "/config/"))
                rank += 5;
            if (file->form == PGM_APPCONF_PROPERTIES)
                rank += 1;
        }
        for (size_t i = 0; i < file->n; i++) {
            const pgm_appconf_key *k = &file->keys[i];
            const char *on = k->doc < file->n_docs ? file->on_profile[k->doc] : NULL;
            if (on && !profile_match(on, active, n_active))
                continue;
            if (push_key(&ks, file, k, rank, seq++) != PGM_OK) {
                c->rc = PGM_FATAL;
                free(ks.v);
                return;
            }
        }
    }
    if (sv->workload_file)
        for (size_t i = 0; i < sv->workload_file->n; i++)
            if (sv->workload_file->keys[i].workload == sv->workload_index &&
                push_key(&ks, sv->workload_file, &sv->workload_file->keys[i], 2000, seq++) != PGM_OK) {
                c->rc = PGM_FATAL;
                free(ks.v);
                return;
            }
    if (ks.n)
        qsort(ks.v, ks.n, sizeof *ks.v, cmp_skey);
    const skey *appn = winner(&ks, "spring.application.name", NULL);
    if (appn)
        fmt(sv->app_name, sizeof sv->app_name, "%s", appn->k->value);
    for (size_t i = 0; i < ks.n; i++)
        check_key(c, &ks.v[i]);
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
    free(ks.v);
}

/* ---- PostgreSQL ---- */

/* "16384" with unit "8kB" -> "131072kB"; "0" with "ms" -> "0ms". */
static void with_unit(const char *setting, const char *unit, char *out, size_t cap)
{
    long long v;
    if (!unit || !*unit || !parse_long(setting, &v)) {
        fmt(out, cap, "%s", setting);
        return;
    }
    long long mult = 1;
    const char *u = unit;
    if (isdigit((unsigned char)*u)) {
        mult = strtoll(u, (char **)&u, 10);
    }
    fmt(out, cap, "%lld%s", v * mult, u);
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
        fmt(key, sizeof key, "pg.%s", g->name);
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
            fmt(key, sizeof key, "pg.%s", g ? g->name : e->name);
            for (size_t j = 0; j < c->n_pg; j++) /* the entries it overrides */
                if (j != i && !c->pg[j].applied && !c->pg[j].error && !c->pg[j].from_settings &&
                    strcmp(c->pg[j].name, e->name) == 0)
                    fmt(note, sizeof note, "overrides %s:%u", c->pg[j].file, c->pg[j].line);
            char full[400];
            fmt(full, sizeof full, "%s%s%s", note, note[0] && e->blocked ? "; " : "",
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
            fmt(d, sizeof d, sug ? "did you mean \"%s\"?" : "no parameter has a similar name", sug);
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
            fmt(svs[nsv].name, sizeof svs[0].name, "%s", name);
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
                fmt(svs[s].name, sizeof svs[0].name, "%s", kf->workloads[w].name);
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
