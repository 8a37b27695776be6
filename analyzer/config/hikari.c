#include "config/hikari.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "config/effective.h"
#include "util/fmt.h"

/* HikariConfig's bindable properties (HikariConfig's setters), the pool
 * field each becomes, and how its text is read. */
const pgm_hprop pgm_hprops[] = {
    {"jdbc-url", "jdbcUrl", "jdbc_url", PGM_H_STR},
    {"username", "username", "username", PGM_H_STR},
    {"password", "password", "password", PGM_H_STR},
    {"driver-class-name", "driverClassName", "driver_class_name", PGM_H_STR},
    {"data-source-class-name", "dataSourceClassName", "data_source_class_name", PGM_H_STR},
    {"data-source-j-n-d-i", "dataSourceJNDI", "data_source_jndi", PGM_H_STR},
    {"auto-commit", "autoCommit", "auto_commit", PGM_H_BOOL},
    {"connection-timeout", "connectionTimeout", "connection_timeout", PGM_H_MS},
    {"idle-timeout", "idleTimeout", "idle_timeout", PGM_H_MS},
    {"keepalive-time", "keepaliveTime", "keepalive_time", PGM_H_MS},
    {"max-lifetime", "maxLifetime", "max_lifetime", PGM_H_MS},
    {"connection-test-query", "connectionTestQuery", "connection_test_query", PGM_H_STR},
    {"minimum-idle", "minimumIdle", "minimum_idle", PGM_H_INT},
    {"maximum-pool-size", "maximumPoolSize", "maximum_pool_size", PGM_H_INT},
    {"pool-name", "poolName", "pool_name", PGM_H_STR},
    {"initialization-fail-timeout", "initializationFailTimeout", "initialization_fail_timeout", PGM_H_MS},
    {"isolate-internal-queries", "isolateInternalQueries", "isolate_internal_queries", PGM_H_BOOL},
    {"allow-pool-suspension", "allowPoolSuspension", "allow_pool_suspension", PGM_H_BOOL},
    {"read-only", "readOnly", "read_only", PGM_H_BOOL},
    {"register-mbeans", "registerMbeans", "register_mbeans", PGM_H_BOOL},
    {"catalog", "catalog", "catalog", PGM_H_STR},
    {"schema", "schema", "schema", PGM_H_STR},
    {"connection-init-sql", "connectionInitSql", "connection_init_sql", PGM_H_STR},
    {"transaction-isolation", "transactionIsolation", "transaction_isolation", PGM_H_STR},
    {"validation-timeout", "validationTimeout", "validation_timeout", PGM_H_MS},
    {"leak-detection-threshold", "leakDetectionThreshold", "leak_detection_threshold", PGM_H_MS},
    {"exception-override-class-name", "exceptionOverrideClassName", "exception_override_class_name", PGM_H_STR},
    {"login-timeout", "loginTimeout", "login_timeout", PGM_H_SECONDS},
    {"data-source-properties", "dataSourceProperties", NULL, PGM_H_MAP},
    {"health-check-properties", "healthCheckProperties", NULL, PGM_H_MAP},
    {"metric-registry", "metricRegistry", "metric_registry", PGM_H_OBJECT},
    {"health-check-registry", "healthCheckRegistry", "health_check_registry", PGM_H_OBJECT},
    {"metrics-tracker-factory", "metricsTrackerFactory", NULL, PGM_H_OBJECT},
    {"thread-factory", "threadFactory", NULL, PGM_H_OBJECT},
    {"scheduled-executor", "scheduledExecutor", NULL, PGM_H_OBJECT},
    {"exception-override", "exceptionOverride", NULL, PGM_H_OBJECT},
    {"data-source", "dataSource", NULL, PGM_H_OBJECT},
};
const size_t pgm_n_hprops = sizeof pgm_hprops / sizeof pgm_hprops[0];

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

/* pgjdbc connection properties the rules read, from the URL or data-source-properties. */
const pgm_pgjdbc_prop pgm_pgjdbc[] = {
    {"socketTimeout", "socket_timeout", PGM_H_SECONDS},     {"tcpKeepAlive", "tcp_keep_alive", PGM_H_BOOL},
    {"ApplicationName", "application_name", PGM_H_STR},     {"options", "options", PGM_H_STR},
    {"connectTimeout", "connect_timeout", PGM_H_SECONDS},   {"loginTimeout", "login_timeout_driver", PGM_H_SECONDS},
    {"cancelSignalTimeout", "cancel_signal_timeout", PGM_H_SECONDS},
    {"assumeMinServerVersion", "assume_min_server_version", PGM_H_STR},
    {"autosave", "autosave", PGM_H_STR},                    {"prepareThreshold", "prepare_threshold", PGM_H_INT},
};
const size_t pgm_n_pgjdbc = sizeof pgm_pgjdbc / sizeof pgm_pgjdbc[0];

bool pgm_hprop_removed(const char *squashed)
{
    for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++)
        if (strcmp(squashed, removed[i]) == 0)
            return true;
    return false;
}

const char *pgm_hikari_for_boot(const char *v)
{
    /* the HikariCP release each spring-boot-dependencies line manages */
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

/* "maximum-pool-size", "maximumPoolSize", "maximum_pool_size", "MAXIMUMPOOLSIZE":
 * the form Spring compares element by element (lower case, no - or _). */
void pgm_squash(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        if (s[i] != '-' && s[i] != '_')
            out[o++] = (char)tolower((unsigned char)s[i]);
    out[o] = 0;
}

const pgm_hprop *pgm_hprop_squashed(const char *sq)
{
    char k[64];
    for (size_t i = 0; i < pgm_n_hprops; i++) {
        pgm_squash(pgm_hprops[i].kebab, strlen(pgm_hprops[i].kebab), k, sizeof k);
        if (strcmp(k, sq) == 0)
            return &pgm_hprops[i];
    }
    return NULL;
}

const pgm_hprop *pgm_hprop_camel(const char *name)
{
    for (size_t i = 0; i < pgm_n_hprops; i++)
        if (strcmp(pgm_hprops[i].camel, name) == 0)
            return &pgm_hprops[i];
    return NULL;
}

/* Closest HikariCP property to an unknown one, for "did you mean". */
const char *pgm_hprop_suggest(const char *sq)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].wrong, sq) == 0)
            return aliases[i].right;
    const char *best = NULL;
    unsigned bestd = 4;
    char k[64];
    for (size_t i = 0; i < pgm_n_hprops; i++) {
        pgm_squash(pgm_hprops[i].kebab, strlen(pgm_hprops[i].kebab), k, sizeof k);
        unsigned d = pgm_catalog_distance(sq, k);
        if (d < bestd) {
            bestd = d;
            best = pgm_hprops[i].kebab;
        }
    }
    return best;
}

bool pgm_parse_long(const char *s, long long *out)
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

bool pgm_looks_like_duration(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    return i > 0 && (strcmp(s + i, "ms") == 0 || strcmp(s + i, "s") == 0 ||
                     strcmp(s + i, "m") == 0 || strcmp(s + i, "h") == 0 || strcmp(s + i, "d") == 0);
}

/* JDBC URL parameters: jdbc:postgresql://h:p/db?ApplicationName=x&socketTimeout=30 */
const char *pgm_url_param(const char *url, const char *name, char *out, size_t cap)
{
    const char *q = strchr(url, '?');
    size_t nl = strlen(name);
    while (q && *q) {
        q++;
        const char *amp = strchr(q, '&');
        size_t l = amp ? (size_t)(amp - q) : strlen(q);
        if (l > nl && q[nl] == '=' && strncmp(q, name, nl) == 0) {
            pgm_fmt(out, cap, "%.*s", (int)(l - nl - 1), q + nl + 1);
            return out;
        }
        q = amp;
    }
    return NULL;
}

static void version_parts(const char *v, int *maj, int *min, int *pat)
{
    *maj = *min = *pat = 0;
    if (v)
        sscanf(v, "%d.%d.%d", maj, min, pat);
}

int pgm_version_cmp(const char *v, int maj, int min, int pat)
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
 * that nothing in the inputs resolves (never a default then). 0, or -1 on memory. */
static int put_value(pgm_record *r, const char *field, const char *text, const pgm_pool_val *pv,
                     const char *note)
{
    pgm_origin at = {NULL, 0, NULL, NULL};
    if (pv && pv->unknown) {
        at = (pgm_origin){(char *)pv->path, pv->line, (char *)pv->written, (char *)pv->via};
        return pgm_record_set_at(r, field, "unknown", &at);
    }
    bool set = pv && pv->set;
    if (set)
        at = (pgm_origin){(char *)pv->path, pv->line, (char *)pv->written, NULL};
    at.note = (char *)(note ? note : set ? (pv->via[0] ? pv->via : NULL) : "HikariCP's default");
    return pgm_record_set_at(r, field, text, &at);
}

/* 30000 as "30000ms" for a duration, "30000" for a count. */
static int put_number(pgm_record *r, int slot, const char *field, long long v, const pgm_pool_val *pv,
                      const char *note)
{
    char text[48];
    snprintf(text, sizeof text, slot == PGM_HS_MINIDLE || slot == PGM_HS_MAX ? "%lld" : "%lldms", v);
    return put_value(r, field, text, pv, note);
}

/* HikariConfig.validateNumerics() in its 6.0 order, on what was configured. */
int pgm_hikari_apply_clamps(pgm_record *r, const pgm_pool_val *pv, const char *version)
{
    static const char *const fields[PGM_HS_N] = {"connection_timeout", "idle_timeout", "keepalive_time",
                                            "max_lifetime", "minimum_idle", "maximum_pool_size",
                                            "validation_timeout", "leak_detection_threshold"};
    long long keep_default = pgm_version_cmp(version, 6, 2, 1) >= 0 ? 120000 : 0;
    long long def[PGM_HS_N] = {30000, 600000, keep_default, 1800000, -1, -1, 5000, 0};
    long long v[PGM_HS_N];
    char note[PGM_HS_N][200];
    for (int i = 0; i < PGM_HS_N; i++) {
        v[i] = pv[i].set ? pv[i].v : def[i];
        note[i][0] = 0;
        if (pv[i].set) {
            char cf[64];
            pgm_fmt(cf, sizeof cf, "%s_configured", fields[i]);
            if (put_number(r, i, cf, pv[i].v, &pv[i], NULL) != 0)
                return -1;
        }
    }
    if (pv[PGM_HS_CONN].set && v[PGM_HS_CONN] == 0) {
        v[PGM_HS_CONN] = INT_MAX;
        pgm_fmt(note[PGM_HS_CONN], sizeof note[0], "0 means Integer.MAX_VALUE: callers wait ~24.8 days");
    }
    if (v[PGM_HS_LIFE] != 0 && v[PGM_HS_LIFE] < 30000) {
        v[PGM_HS_LIFE] = 1800000;
        pgm_fmt(note[PGM_HS_LIFE], sizeof note[0], "below 30000ms: HikariCP uses 1800000ms instead");
    }
    if (v[PGM_HS_KEEP] != 0 && v[PGM_HS_KEEP] < 30000) {
        v[PGM_HS_KEEP] = 0;
        pgm_fmt(note[PGM_HS_KEEP], sizeof note[0], "below 30000ms: HikariCP disables keepalive");
    }
    if (v[PGM_HS_KEEP] != 0 && v[PGM_HS_LIFE] != 0 && v[PGM_HS_KEEP] >= v[PGM_HS_LIFE]) {
        v[PGM_HS_KEEP] = 0;
        pgm_fmt(note[PGM_HS_KEEP], sizeof note[0], "not below maxLifetime %lldms: HikariCP disables keepalive",
                 v[PGM_HS_LIFE]);
    }
    if (v[PGM_HS_LEAK] > 0 && (v[PGM_HS_LEAK] < 2000 || (v[PGM_HS_LIFE] > 0 && v[PGM_HS_LEAK] > v[PGM_HS_LIFE]))) {
        pgm_fmt(note[PGM_HS_LEAK], sizeof note[0],
                 v[PGM_HS_LEAK] < 2000 ? "below 2000ms: HikariCP disables leak detection"
                                  : "above maxLifetime %lldms: HikariCP disables leak detection",
                 v[PGM_HS_LIFE]);
        v[PGM_HS_LEAK] = 0;
    }
    if (v[PGM_HS_CONN] < 250) {
        v[PGM_HS_CONN] = 30000;
        pgm_fmt(note[PGM_HS_CONN], sizeof note[0], "below 250ms: rejected by the setter, else 30000ms");
    }
    if (v[PGM_HS_VALID] < 250) {
        v[PGM_HS_VALID] = 5000;
        pgm_fmt(note[PGM_HS_VALID], sizeof note[0], "below 250ms: rejected by the setter, else 5000ms");
    }
    if (v[PGM_HS_MAX] < 1) {
        if (pv[PGM_HS_MAX].set)
            pgm_fmt(note[PGM_HS_MAX], sizeof note[0], "below 1: HikariCP uses 10");
        v[PGM_HS_MAX] = 10;
    }
    if (v[PGM_HS_MINIDLE] < 0 || v[PGM_HS_MINIDLE] > v[PGM_HS_MAX]) {
        if (pv[PGM_HS_MINIDLE].set)
            pgm_fmt(note[PGM_HS_MINIDLE], sizeof note[0], "outside 0..maximumPoolSize: HikariCP uses %lld",
                     v[PGM_HS_MAX]);
        else
            pgm_fmt(note[PGM_HS_MINIDLE], sizeof note[0], "default: maximumPoolSize (a fixed-size pool)");
        v[PGM_HS_MINIDLE] = v[PGM_HS_MAX];
    }
    bool fixed = v[PGM_HS_MINIDLE] == v[PGM_HS_MAX];
    bool old = pgm_version_cmp(version, 3, 3, 0) <= 0; /* 2.x-3.3.0 clamped even fixed pools */
    if (v[PGM_HS_IDLE] + 1000 > v[PGM_HS_LIFE] && v[PGM_HS_LIFE] > 0 && (!fixed || old)) {
        v[PGM_HS_IDLE] = 0;
        pgm_fmt(note[PGM_HS_IDLE], sizeof note[0], "within 1s of maxLifetime: HikariCP disables idleTimeout");
    } else if (v[PGM_HS_IDLE] != 0 && v[PGM_HS_IDLE] < 10000 && (!fixed || old)) {
        v[PGM_HS_IDLE] = 600000;
        pgm_fmt(note[PGM_HS_IDLE], sizeof note[0], "below 10000ms: HikariCP uses 600000ms");
    } else if (pv[PGM_HS_IDLE].set && v[PGM_HS_IDLE] != 600000 && v[PGM_HS_IDLE] != 0 && fixed) {
        pgm_fmt(note[PGM_HS_IDLE], sizeof note[0], "has no effect: the pool is fixed-size (minimumIdle = maximumPoolSize)");
    }
    for (int i = 0; i < PGM_HS_N; i++)
        if (put_number(r, i, fields[i], v[i], &pv[i], note[i][0] ? note[i] : NULL) != 0)
            return -1;
    return 0;
}
