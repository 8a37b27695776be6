#include "config/spring.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "config/effective.h"
#include "config/hikari.h"
#include "util/fmt.h"
#include "util/grow.h"
#include "util/rc.h"

/* DataSourceProperties and the other keys Spring knows under spring.datasource. */
static const char *const datasource_keys[] = {
    "url", "username", "password", "driverclassname", "name", "type", "generateuniquename",
    "jndiname", "embeddeddatabaseconnection", "xa", "hikari", "tomcat", "dbcp2", "oracleucp",
    "connectionfetch", "initializationmode", "schema", "data", "platform", "continueonerror",
    "separator", "sqlscriptencoding", "schemausername", "schemapassword", "datausername",
    "datapassword", "initialization", "jmxenabled", "ucp", "hikaricp" /* reported as wrong prefix */,
};

bool pgm_spring_is_secret(const char *sq)
{
    return strstr(sq, "password") || strstr(sq, "secret") || strstr(sq, "token") ||
           strstr(sq, "credential");
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
        pgm_squash(p, l < sizeof el ? l : sizeof el - 1, el, sizeof el);
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
        pgm_fmt(out, cap, "%s", low);
        return;
    }
    rest = low + head;
    char joined[256];
    size_t o = 0;
    bool map = strncmp(rest, "datasourceproperties.", 21) == 0 ||
               strncmp(rest, "data.source.properties.", 23) == 0;
    if (map) {
        const char *key = rest + (rest[4] == '.' ? 23 : 21);
        pgm_fmt(joined, sizeof joined, "datasourceproperties.%s", key);
    } else {
        for (const char *q = rest; *q && o + 1 < sizeof joined; q++)
            if (*q != '.')
                joined[o++] = *q;
        joined[o] = 0;
    }
    pgm_fmt(out, cap, "%.*s%s", (int)head, low, joined);
}

static int cmp_skey(const void *a, const void *b)
{
    const pgm_skey *x = a, *y = b;
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
    pgm_fmt(buf, sizeof buf, "%s", expr);
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

static int push_key(pgm_keyset *ks, const pgm_appconf *f, const pgm_appconf_key *k, int rank, size_t seq)
{
    pgm_skey *p = pgm_grow(ks->v, &ks->alloc, ks->n, sizeof *p, 128);
    if (!p)
        return PGM_FATAL;
    ks->v = p;
    pgm_skey *s = &ks->v[ks->n++];
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

void pgm_keyset_free(pgm_keyset *ks)
{
    free(ks->v);
    memset(ks, 0, sizeof *ks);
}

/* The active profiles: --profile, else the last spring.profiles.active or
 * SPRING_PROFILES_ACTIVE the service's files set, over which the manifest
 * that runs it wins; else "default". Names point into `buf` or the options. */
static size_t active_profiles(const pgm_spring_sources *src, char *buf, size_t cap, const char **active,
                              size_t max, pgm_key_problem_fn problem, void *ctx)
{
    size_t n = 0;
    for (size_t i = 0; i < src->n_profiles && n < max && n < PGM_CONFIG_MAX_PROFILES; i++)
        active[n++] = src->profiles[i];
    if (n)
        return n;
    buf[0] = 0;
    pgm_skey token = {.canon = ""};
    for (size_t f = 0; f < src->n_files; f++)
        for (size_t i = 0; i < src->files[f]->n; i++) {
            const pgm_appconf_key *k = &src->files[f]->keys[i];
            if (strcasecmp(k->key, "spring.profiles.active") != 0 && strcmp(k->key, "SPRING_PROFILES_ACTIVE") != 0)
                continue;
            /* "@spring.profiles.active@": Maven's resource filtering fills it at build
             * time; the file as committed names no profile, so none is taken from it */
            size_t vl = strlen(k->value);
            if (vl > 2 && k->value[0] == '@' && k->value[vl - 1] == '@') {
                token.file = src->files[f], token.k = k;
                pgm_fmt(token.canon, sizeof token.canon, "%s", k->key);
                continue;
            }
            pgm_fmt(buf, cap, "%s", k->value);
        }
    for (size_t i = 0; i < src->n_env; i++) /* from a ConfigMap, under the container's own env */
        if (strcmp(src->env[i].k->key, "SPRING_PROFILES_ACTIVE") == 0)
            pgm_fmt(buf, cap, "%s", src->env[i].k->value);
    if (src->workload_file)
        for (size_t i = 0; i < src->workload_file->n; i++)
            if (src->workload_file->keys[i].workload == src->workload_index &&
                strcmp(src->workload_file->keys[i].key, "SPRING_PROFILES_ACTIVE") == 0)
                pgm_fmt(buf, cap, "%s", src->workload_file->keys[i].value);
    if (token.k && !buf[0]) /* said only when nothing else names the profiles */
        problem(ctx, &token, "unfiltered", "--profile",
                "Maven's resource filtering fills this at build time: the profile that runs is "
                "not in the file, so the default profile is read");
    char *save = NULL;
    for (char *t = strtok_r(buf, ", ", &save); t && n < max; t = strtok_r(NULL, ", ", &save))
        active[n++] = t;
    if (!n)
        active[n++] = "default";
    return n;
}

int pgm_spring_keyset(const pgm_spring_sources *src, pgm_keyset *ks, pgm_key_problem_fn problem, void *ctx)
{
    memset(ks, 0, sizeof *ks);
    /* a spring.profiles.active of 511 bytes names at most 256 */
    char profbuf[512];
    const char *active[sizeof profbuf / 2];
    size_t n_active = active_profiles(src, profbuf, sizeof profbuf, active, sizeof active / sizeof active[0],
                                      problem, ctx);
    size_t seq = 0;
    for (size_t f = 0; f < src->n_files; f++) {
        const pgm_appconf *file = src->files[f];
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
            if (push_key(ks, file, k, rank, seq++) != PGM_OK)
                goto oom;
        }
    }
    /* Kubernetes: a container's env wins over what envFrom brings in */
    for (size_t i = 0; i < src->n_env; i++) {
        if (push_key(ks, src->env[i].file, src->env[i].k, 1500, seq++) != PGM_OK)
            goto oom;
        ks->v[ks->n - 1].shared = true;
    }
    /* Kubernetes: a container's env wins over what envFrom brings in */
    for (size_t i = 0; i < src->n_env; i++) {
        if (push_key(ks, src->env[i].file, src->env[i].k, 1500, seq++) != PGM_OK)
            goto oom;
        ks->v[ks->n - 1].shared = true;
    }
    if (src->workload_file)
        for (size_t i = 0; i < src->workload_file->n; i++)
            if (src->workload_file->keys[i].workload == src->workload_index &&
                push_key(ks, src->workload_file, &src->workload_file->keys[i], 2000, seq++) != PGM_OK)
                goto oom;
    if (ks->n)
        qsort(ks->v, ks->n, sizeof *ks->v, cmp_skey);
    return PGM_OK;
oom:
    pgm_keyset_free(ks);
    return PGM_FATAL;
}

/* The winning key of `canon`, or NULL; *prev gets the one it overrides. */
const pgm_skey *pgm_keyset_winner(const pgm_keyset *ks, const char *canon, const pgm_skey **prev)
{
    const pgm_skey *w = NULL, *p = NULL;
    for (size_t i = 0; i < ks->n; i++)
        if (strcmp(ks->v[i].canon, canon) == 0) {
            p = w;
            w = &ks->v[i];
        }
    if (prev)
        *prev = p;
    return w;
}

void pgm_spring_standalone_key(const pgm_appconf *file, const pgm_appconf_key *k, pgm_skey *out)
{
    memset(out, 0, sizeof *out);
    out->env = k->origin == PGM_KEY_ENV;
    out->file = file;
    out->k = k;
    if (out->env)
        canon_env(k->key, out->canon, sizeof out->canon);
    else
        canon_spring(k->key, out->canon, sizeof out->canon);
}

/* What Spring or HikariCP silently does with a key of this service. */
void pgm_spring_check_key(const pgm_skey *s, pgm_key_problem_fn problem, void *ctx)
{
    const char *k = s->canon;
    char buf[300];
    const char *last = strrchr(k, '.') ? strrchr(k, '.') + 1 : k;
    /* a flag about passwords (MYSQL_ALLOW_EMPTY_PASSWORD=true) holds none */
    bool flag = strcasecmp(s->k->value, "true") == 0 || strcasecmp(s->k->value, "false") == 0 ||
                strcasecmp(s->k->value, "yes") == 0 || strcasecmp(s->k->value, "no") == 0;
    size_t last_n = strlen(last); /* password, postgrespassword, rootpassword */
    if (last_n >= 8 && strcmp(last + last_n - 8, "password") == 0 && s->k->value[0] && !flag &&
        !strstr(s->k->value, "${") && !strstr(s->k->value, "{{")) {
        problem(ctx, s, "plaintext_secret", NULL,
                   "a password written into the configuration: anyone who reads the file or the "
                   "repository has it");
        return;
    }
    if (last_n >= 3 && (strcmp(last + last_n - 3, "url") == 0 || strcmp(last + last_n - 3, "uri") == 0)) {
        const char *v = s->k->value, *scheme = strstr(v, "://");
        const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
        const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
        bool userinfo = at && (!slash || at < slash) && memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
        const char *pw = strstr(v, "password=");
        if ((userinfo || pw) && !(pw && strncmp(pw + 9, "${", 2) == 0)) {
            problem(ctx, s, "plaintext_secret", NULL,
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
            problem(ctx, s, "env_connection_prefix", fixed,
                       "binds through HikariDataSource.getConnection(): the pool starts while "
                       "binding and every later key fails (spring-boot#51363)");
            return;
        }
        if (strncmp(rest, "datasourceproperties.", 21) == 0) {
            const char *mk = rest + 21;
            if (s->env) {
                for (size_t i = 0; i < pgm_n_pgjdbc; i++)
                    if (strcasecmp(pgm_pgjdbc[i].name, mk) == 0 && strcmp(pgm_pgjdbc[i].name, mk) != 0) {
                        pgm_fmt(buf, sizeof buf, "?%s=%s in the JDBC URL", pgm_pgjdbc[i].name, s->k->value);
                        problem(ctx, s, "env_lowercased_map_key", buf,
                                   "an environment variable lower-cases the map key; pgjdbc's "
                                   "names are case-sensitive and ignore it (spring-boot#18003)");
                    }
            }
            return;
        }
        if (strchr(rest, '.') && strncmp(rest, "healthcheckproperties.", 22) != 0) {
            problem(ctx, s, "unknown", NULL, "not a HikariCP property: Spring ignores it");
            return;
        }
        if (pgm_hprop_squashed(rest))
            return;
        if (pgm_hprop_removed(rest)) {
            problem(ctx, s, "removed", NULL, "a HikariCP 2.x property, removed since: Spring ignores it");
            return;
        }
        const char *sug = pgm_hprop_suggest(rest);
        pgm_fmt(buf, sizeof buf, "spring.datasource.hikari.%s", sug ? sug : "");
        problem(ctx, s, "unknown", sug ? buf : NULL, "not a HikariCP property: Spring ignores it");
        return;
    }
    if (strncmp(k, "spring.datasource.", 18) == 0) {
        const char *rest = k + 18;
        char first[64];
        size_t l = strcspn(rest, ".");
        pgm_fmt(first, sizeof first, "%.*s", (int)(l < sizeof first ? l : sizeof first - 1), rest);
        if (strcmp(first, "tomcat") == 0 || strcmp(first, "dbcp2") == 0 || strcmp(first, "oracleucp") == 0) {
            problem(ctx, s, "other_pool", NULL, "settings of another pool: ignored when HikariCP is the pool");
            return;
        }
        if (strcmp(first, "hikaricp") == 0) {
            problem(ctx, s, "wrong_prefix", "spring.datasource.hikari.*", "Spring binds spring.datasource.hikari, not hikaricp");
            return;
        }
        for (size_t i = 0; i < sizeof datasource_keys / sizeof datasource_keys[0]; i++)
            if (strcmp(first, datasource_keys[i]) == 0)
                return;
        if (rest[l] == '.') {
            /* spring.datasource.events.url: a group of the application's own
             * (a second datasource it binds itself), unless it misspells hikari */
            if (pgm_catalog_distance(first, "hikari") <= 2)
                problem(ctx, s, "wrong_prefix", "spring.datasource.hikari.*",
                        "Spring binds spring.datasource.hikari: this group is ignored");
            return;
        }
        const pgm_hprop *h = pgm_hprop_squashed(first);
        if (h || pgm_hprop_suggest(first)) {
            pgm_fmt(buf, sizeof buf, "spring.datasource.hikari.%s", h ? h->kebab : pgm_hprop_suggest(first));
            problem(ctx, s, "wrong_prefix", buf,
                       "pool settings belong under spring.datasource.hikari since Spring Boot 1.4");
            return;
        }
        problem(ctx, s, "unknown", NULL, "Spring's DataSourceProperties has no such property: ignored");
        return;
    }
    if (strncmp(k, "spring.hikari.", 14) == 0 || strncmp(k, "hikari.", 7) == 0) {
        const char *rest = strchr(k, '.') + 1;
        if (strncmp(k, "spring.hikari.", 14) == 0)
            rest = k + 14;
        const pgm_hprop *h = pgm_hprop_squashed(rest);
        pgm_fmt(buf, sizeof buf, "spring.datasource.hikari.%s", h ? h->kebab : "*");
        problem(ctx, s, "wrong_prefix", buf, "Spring binds spring.datasource.hikari: this key is ignored");
        return;
    }
    if (strcmp(k, "spring.profiles") == 0 && !s->env)
        problem(ctx, s, "legacy_profiles", "spring.config.activate.on-profile",
                   "Spring Boot 2.4+ refuses to start with spring.profiles inside a document");
}

/* ${NAME} or ${NAME:default} (the default may be another placeholder), as
 * Spring resolves it: NAME set in the inputs (an .env file, a manifest's
 * env, a property; relaxed: TB_DB_POOL is tb.db.pool), else the default.
 * 1: resolved into out, `via` says how; 0: no placeholder; -1: nothing
 * resolves it (`via` says which). */
#define PGM_CONFIG_PLACEHOLDER_DEPTH 8
static int resolve_placeholder(const pgm_keyset *ks, const char *value, char *out, size_t cap, char *via, size_t vcap,
                               int depth);

/* A value a placeholder takes (the variable's, or its default): itself
 * resolved in turn, else as written. -1 when nothing resolves it (`via`
 * says why). */
static int resolve_inner(const pgm_keyset *ks, const char *v, char *out, size_t cap, char *via, size_t vcap, int depth)
{
    char inner[200] = "";
    int r = resolve_placeholder(ks, v, out, cap, inner, sizeof inner, depth + 1);
    if (r < 0) {
        pgm_fmt(via, vcap, "%s", inner);
        return -1;
    }
    if (r == 0)
        pgm_fmt(out, cap, "%s", v);
    return 1;
}

static int resolve_placeholder(const pgm_keyset *ks, const char *value, char *out, size_t cap, char *via, size_t vcap,
                               int depth)
{
    size_t n = strlen(value);
    if (n < 4 || value[0] != '$' || value[1] != '{' || value[n - 1] != '}')
        return 0;
    if (depth == PGM_CONFIG_PLACEHOLDER_DEPTH) {
        pgm_fmt(via, vcap, "placeholders nested deeper than %d: unknown", PGM_CONFIG_PLACEHOLDER_DEPTH);
        return -1;
    }
    size_t name_len = strcspn(value + 2, ":}");
    char name[128], relaxed[128];
    if (name_len == 0 || name_len >= sizeof name)
        return 0;
    pgm_fmt(name, sizeof name, "%.*s", (int)name_len, value + 2);
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
        pgm_fmt(via, vcap, "through ${%s}, set at %s:%u", name, ks->v[i].file->path, ks->v[i].k->line);
        return 1;
    }
    const char *colon = value[2 + name_len] == ':' ? value + 2 + name_len + 1 : NULL;
    if (!colon) {
        pgm_fmt(via, vcap, "set by ${%s}, which nothing in the inputs sets: unknown", name);
        return -1;
    }
    char def[256];
    pgm_fmt(def, sizeof def, "%.*s", (int)(value + n - 1 - colon), colon);
    if (resolve_inner(ks, def, out, cap, via, vcap, depth) < 0)
        return -1;
    pgm_fmt(via, vcap, "the default of ${%s:...}: %s is set nowhere in the inputs", name, name);
    return 1;
}

/* A JDBC URL as written or through its placeholder ("${DB_URL:jdbc:postgresql://db/x}"):
 * what it resolves to, else as written. */
int pgm_spring_resolve(const pgm_keyset *ks, const char *value, char *out, size_t cap, char *via, size_t vcap)
{
    return resolve_placeholder(ks, value, out, cap, via, vcap, 0);
}

void pgm_spring_url(const pgm_keyset *ks, const char *value, char *out, size_t cap)
{
    char via[200];
    if (resolve_placeholder(ks, value, out, cap, via, sizeof via, 0) <= 0)
        pgm_fmt(out, cap, "%s", value);
}
