#include "catalog/catalog.h"
#include "catalog/event_kinds.h"

#include <stdlib.h>
#include <string.h>

static const char *const guc_names[] = {
#include "catalog/pg_guc_names.inc"
};

typedef struct span {
    const char *p;
    size_t n;
} span;

static int cmp_name(const void *key, const void *elem)
{
    const span *k = key;
    const char *name = *(const char *const *)elem;
    size_t l = strlen(name);
    int c = memcmp(k->p, name, k->n < l ? k->n : l);
    return c ? c : (k->n < l ? -1 : k->n > l);
}

bool pgm_catalog_is_guc(const char *name, size_t n)
{
    span s = {name, n};
    return bsearch(&s, guc_names, sizeof guc_names / sizeof guc_names[0], sizeof guc_names[0],
                   cmp_name) != NULL;
}

static const char *const event_kinds[] = {
#define PGM_EV_NAME(id, name) name,
    PGM_EVENT_KINDS(PGM_EV_NAME)
#undef PGM_EV_NAME
};

_Static_assert(sizeof event_kinds / sizeof event_kinds[0] == PGM_EV_COUNT - 1, "one name per kind number");

enum pgm_event_kind pgm_event_kind_of(const char *name)
{
    for (size_t i = 0; name && i < sizeof event_kinds / sizeof event_kinds[0]; i++)
        if (strcmp(event_kinds[i], name) == 0)
            return (enum pgm_event_kind)(i + 1);
    return PGM_EV_NONE;
}

const char *pgm_event_kind_name(enum pgm_event_kind k)
{
    return k > PGM_EV_NONE && k < PGM_EV_COUNT ? event_kinds[k - 1] : "";
}

size_t pgm_catalog_event_kind_count(void)
{
    return sizeof event_kinds / sizeof event_kinds[0];
}

bool pgm_catalog_is_event_kind(const char *kind)
{
    return pgm_event_kind_of(kind) != PGM_EV_NONE;
}

unsigned pgm_catalog_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 1000;
    unsigned row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned prev = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned cur = row[j];
            unsigned sub = prev + (a[i - 1] != b[j - 1]);
            unsigned del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb];
}

/* HikariCP properties (hikari-properties.tsv) in snake_case, and what the
 * analysis derives per pool. */
static const char *const pool_fields[] = {
    "allow_pool_suspension", "application_name", "auto_commit", "catalog",
    "connection_init_sql", "connection_test_query", "connection_timeout",
    "data_source_class_name", "data_source_jndi", "driver_class_name",
    "exception_override_class_name", "health_check_registry", "idle_timeout",
    "initialization_fail_timeout", "instances", "isolate_internal_queries", "jdbc_url",
    "keepalive_time", "leak_detection_threshold", "login_timeout", "max_lifetime",
    "maximum_pool_size", "metric_registry", "minimum_idle", "name", "password", "pool_name",
    "read_only", "register_mbeans", "schema", "service", "socket_timeout", "source",
    "tcp_keep_alive", "transaction_isolation", "username", "validation_timeout",
    "connect_timeout", "cancel_signal_timeout", "options",
    /* what was written, before HikariCP's clamps and silent disables */
    "connection_timeout_configured", "idle_timeout_configured", "keepalive_time_configured",
    "max_lifetime_configured", "minimum_idle_configured", "maximum_pool_size_configured",
    "validation_timeout_configured", "leak_detection_threshold_configured",
    /* the versions whose defaults apply, how the pool is bound, driver settings */
    "hikari_version", "boot_version", "binding", "assume_min_server_version", "autosave",
    "prepare_threshold", "login_timeout_driver", "data_source_properties", "open_in_view",
    /* the database the pool connects to (postgresql, mysql, h2...), and its
     * maximum-pool-size when that is a PostgreSQL server's (0 otherwise) */
    "driver", "pg_pool_size",
    /* the server the pool is tied to; Hibernate's provider_disables_autocommit */
    "server", "provider_disables_autocommit",
    /* behind PgBouncer (config/bouncer.h): whether the pool connects through
     * it, and its maximum-pool-size then (0 otherwise) */
    "through_pgbouncer", "bouncer_pool_size",
};

/* pgbouncer.ini's [pgbouncer] settings the rules read (config/bouncer.c),
 * and the server connections its pools may open. */
static const char *const pgbouncer_facts[] = {
    "pool_mode", "max_client_conn", "default_pool_size", "min_pool_size", "reserve_pool_size",
    "reserve_pool_timeout", "max_db_connections", "max_user_connections", "server_idle_timeout",
    "server_lifetime", "query_wait_timeout", "idle_transaction_timeout", "client_idle_timeout",
    "query_timeout", "max_prepared_statements", "listen_port", "auth_type", "server_reset_query",
    "server_connections",
};

/* A configuration key as written (collection "key"): its spelling, what
 * Spring or HikariCP makes of it, and what is wrong with it. */
static const char *const key_fields[] = {
    "name", "canonical", "value", "source", "problem", "suggestion", "detail",
};

bool pgm_catalog_is_pool_field(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof pool_fields / sizeof pool_fields[0]; i++)
        if (strlen(pool_fields[i]) == n && memcmp(pool_fields[i], name, n) == 0)
            return true;
    return false;
}

bool pgm_catalog_is_record_field(const char *coll, const char *name, size_t n)
{
    if (strcmp(coll, "pool") == 0)
        return pgm_catalog_is_pool_field(name, n);
    if (strcmp(coll, "key") == 0)
        for (size_t i = 0; i < sizeof key_fields / sizeof key_fields[0]; i++)
            if (strlen(key_fields[i]) == n && memcmp(key_fields[i], name, n) == 0)
                return true;
    return false;
}

/* Results the analysis publishes for check rules. */
static const char *const analysis_facts[] = {
    "peak_connections", "usable_connections", "reserved_connections", "refusals",
    "first_refusal", "leak_suspected", "leaked_sessions", "leak_rate_per_min",
    "idle_in_transaction_peak", "sessions_total", "sessions_open_at_end", "app_timeouts",
    "pool_count", "fleet_pool_total", "log_connections_seen", "log_span",
};

static bool is_ident(const char *p, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || c == '_' || (i && c >= '0' && c <= '9') ||
              (c >= 'A' && c <= 'Z') || c == '-'))
            return false;
    }
    return true;
}

static bool starts(const char *p, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n > l && memcmp(p, lit, l) == 0;
}

bool pgm_catalog_is_fact(const char *path, size_t n)
{
    if (starts(path, n, "pg."))
        return pgm_catalog_is_guc(path + 3, n - 3);
    if (starts(path, n, "pool."))
        return pgm_catalog_is_pool_field(path + 5, n - 5);
    if (starts(path, n, "key."))
        return pgm_catalog_is_record_field("key", path + 4, n - 4);
    if (starts(path, n, "hikari.")) {
        const char *rest = path + 7;
        const char *dot = memchr(rest, '.', n - 7);
        if (!dot || dot == rest)
            return false;
        size_t fl = n - (size_t)(dot + 1 - path);
        return pgm_catalog_is_pool_field(dot + 1, fl);
    }
    if (starts(path, n, "pgbouncer.")) {
        for (size_t i = 0; i < sizeof pgbouncer_facts / sizeof pgbouncer_facts[0]; i++)
            if (strlen(pgbouncer_facts[i]) == n - 10 && memcmp(pgbouncer_facts[i], path + 10, n - 10) == 0)
                return true;
        return false;
    }
    if (starts(path, n, "analysis.")) {
        for (size_t i = 0; i < sizeof analysis_facts / sizeof analysis_facts[0]; i++)
            if (strlen(analysis_facts[i]) == n - 9 && memcmp(analysis_facts[i], path + 9, n - 9) == 0)
                return true;
        return false;
    }
    if (starts(path, n, "spring.") || starts(path, n, "app.")) {
        /* open-ended configuration keys: only their shape is checked */
        const char *p = path;
        size_t left = n;
        while (left) {
            const char *dot = memchr(p, '.', left);
            size_t seg = dot ? (size_t)(dot - p) : left;
            if (!is_ident(p, seg))
                return false;
            if (!dot)
                break;
            left -= seg + 1;
            p = dot + 1;
        }
        return true;
    }
    return false;
}

/* The closest name in a list: a small edit away, or one the typo is a prefix of. */
static const char *closest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    unsigned bestd = 1000;
    size_t wl = strlen(word);
    for (size_t i = 0; i < n; i++) {
        unsigned d = pgm_catalog_distance(word, names[i]);
        if (wl >= 4 && strncmp(names[i], word, wl) == 0 && d > 1)
            d = 1;
        if (d < bestd) {
            bestd = d;
            best = names[i];
        }
    }
    return bestd <= 3 ? best : NULL;
}

const char *pgm_catalog_suggest_event_kind(const char *kind)
{
    return closest(kind, event_kinds, sizeof event_kinds / sizeof event_kinds[0]);
}

const char *pgm_catalog_suggest_guc(const char *name)
{
    return closest(name, guc_names, sizeof guc_names / sizeof guc_names[0]);
}

const char *pgm_catalog_suggest_pool_field(const char *name)
{
    return closest(name, pool_fields, sizeof pool_fields / sizeof pool_fields[0]);
}

const char *pgm_catalog_suggest_record_field(const char *coll, const char *name)
{
    if (strcmp(coll, "key") == 0)
        return closest(name, key_fields, sizeof key_fields / sizeof key_fields[0]);
    return pgm_catalog_suggest_pool_field(name);
}
