#include "config/bouncer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* [pgbouncer] settings the rules read, with PgBouncer's defaults (its docs,
 * "Configuration"); times are seconds when written without a unit.
 * max_prepared_statements has no default here: 0 before 1.22, 200 since. */
static const struct {
    const char *name, *dflt;
    bool seconds;
} known[] = {
    {"pool_mode", "session", false},          {"max_client_conn", "100", false},
    {"default_pool_size", "20", false},       {"min_pool_size", "0", false},
    {"reserve_pool_size", "0", false},        {"reserve_pool_timeout", "5", true},
    {"max_db_connections", "0", false},       {"max_user_connections", "0", false},
    {"server_idle_timeout", "600", true},     {"server_lifetime", "3600", true},
    {"query_wait_timeout", "120", true},      {"idle_transaction_timeout", "0", true},
    {"client_idle_timeout", "0", true},       {"query_timeout", "0", true},
    {"max_prepared_statements", NULL, false}, {"listen_port", "6432", false},
    {"auth_type", "md5", false},              {"server_reset_query", "DISCARD ALL", false},
};

void pgm_bouncer_init(pgm_bouncer *b) { memset(b, 0, sizeof *b); }

void pgm_bouncer_free(pgm_bouncer *b)
{
    for (size_t i = 0; i < b->n_users; i++)
        free(b->users[i]);
    pgm_pgb_ini_free(&b->ini);
    free(b->path);
    memset(b, 0, sizeof *b);
}

int pgm_bouncer_add(pgm_bouncer *b, pgm_pgb_ini *ini, const char *path)
{
    if (b->set) {
        b->more++;
        pgm_pgb_ini_free(ini);
        return 0;
    }
    if (!(b->path = strdup(path)))
        return -1;
    b->ini = *ini;
    memset(ini, 0, sizeof *ini);
    b->set = true;
    return 0;
}

static const char *setting(const pgm_bouncer *b, const char *name, const pgm_pgb_setting **at)
{
    *at = pgm_pgb_ini_get(&b->ini, name);
    if (*at && (*at)->value)
        return (*at)->value;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].name, name) == 0)
            return known[i].dflt;
    return NULL;
}

int pgm_bouncer_add_userlist(pgm_bouncer *b, const char *text, size_t n)
{
    for (const char *p = text, *end = text + n; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        /* "name" first; a doubled "" inside stands for one (PgBouncer's docs, auth_file) */
        if (p < e && *p == '"') {
            char name[128];
            size_t k = 0;
            const char *q = p + 1;
            for (; q < e; q++) {
                if (*q == '"' && !(q + 1 < e && q[1] == '"'))
                    break;
                q += *q == '"';
                if (k < sizeof name - 1)
                    name[k++] = *q;
            }
            name[k] = '\0';
            bool seen = false;
            for (size_t i = 0; i < b->n_users && !seen; i++)
                seen = strcmp(b->users[i], name) == 0;
            if (k && !seen && b->n_users == PGM_BOUNCER_MAX_USERS)
                b->users_over++;
            else if (k && !seen && !(b->users[b->n_users++] = strdup(name)))
                return -1;
        }
        p = e + (nl != NULL);
    }
    return 0;
}

/* Whether `name` is in a comma-separated list of [pgbouncer]'s (admin_users). */
static bool listed(const char *list, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t w = strcspn(p, ", ");
        if (w == nl && strncmp(p, name, nl) == 0)
            return true;
        p += w;
    }
    return false;
}

bool pgm_bouncer_fronts(const pgm_bouncer *b, const char *url)
{
    if (!b->set || !url)
        return false;
    /* jdbc:postgresql://host[:port][,host2...]/db?... */
    const char *p = strstr(url, "://");
    if (!p)
        return false;
    p += 3;
    size_t hn = strcspn(p, "/?");
    const pgm_pgb_setting *at;
    const char *port = setting(b, "listen_port", &at);
    char want[16];
    snprintf(want, sizeof want, ":%s", port ? port : "6432");
    for (size_t i = 0; i + strlen(want) <= hn; i++)
        if (memcmp(p + i, want, strlen(want)) == 0 &&
            (i + strlen(want) == hn || p[i + strlen(want)] == ',' || p[i + strlen(want)] == '/'))
            return true;
    /* a host named for it: pgbouncer, pgbouncer.internal, db-bouncer */
    for (size_t i = 0; i + 7 <= hn; i++)
        if (strncasecmp(p + i, "bouncer", 7) == 0)
            return true;
    return false;
}

static long number(const char *s, long dflt)
{
    if (!s || !*s)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    return end == s ? dflt : v;
}

int pgm_bouncer_facts(const pgm_bouncer *b, size_t users, pgm_facts *out)
{
    if (!b->set)
        return 0;
    char key[64], text[128], note[512];
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        const pgm_pgb_setting *at;
        const char *v = setting(b, known[i].name, &at);
        if (!v)
            continue;
        snprintf(key, sizeof key, "pgbouncer.%s", known[i].name);
        /* "600" seconds reads as 600s; "10min" as written */
        bool bare = known[i].seconds && v[0] && strspn(v, "0123456789.") == strlen(v);
        snprintf(text, sizeof text, "%s%s", v, bare ? "s" : "");
        pgm_origin o = {at ? at->file : NULL, at ? at->line : 0, at ? at->key : NULL,
                        at ? NULL : (char *)"PgBouncer's default"};
        if (pgm_facts_set_at(out, key, text, &o) != 0)
            return -1;
    }
    /* the server connections its pools may open: a pool per database and
     * user, of its pool_size (else default_pool_size) plus reserve_pool_size,
     * at most max_db_connections per database ('*' stands for the databases
     * not listed: counted once) */
    const pgm_pgb_setting *at;
    long dflt_size = number(setting(b, "default_pool_size", &at), 20);
    long reserve = number(setting(b, "reserve_pool_size", &at), 0);
    long max_db = number(setting(b, "max_db_connections", &at), 0);
    long total = 0;
    size_t used = 0;
    note[0] = '\0';
    const char *users_from = "users connecting through it";
    if (users < 1) {
        /* no application's pool names it: the users its auth_file lets in, but its admins */
        const pgm_pgb_setting *admins = pgm_pgb_ini_get(&b->ini, "admin_users");
        const pgm_pgb_setting *stats = pgm_pgb_ini_get(&b->ini, "stats_users");
        for (size_t i = 0; i < b->n_users; i++)
            users += !listed(admins ? admins->value : NULL, b->users[i]) &&
                     !listed(stats ? stats->value : NULL, b->users[i]) && strcmp(b->users[i], "pgbouncer") != 0;
        users_from = "users of its auth_file";
    }
    if (users < 1) {
        users = 1;
        users_from = "user: no user is known";
    }
    for (size_t i = 0; i < b->ini.n_databases; i++) {
        const pgm_pgb_entry *e = &b->ini.databases[i];
        long size = number(pgm_pgb_entry_param(e, "pool_size"), dflt_size);
        long res = number(pgm_pgb_entry_param(e, "reserve_pool"), number(pgm_pgb_entry_param(e, "reserve_pool_size"),
                                                                           reserve));
        long cap = number(pgm_pgb_entry_param(e, "max_db_connections"), max_db);
        long n = (size + res) * (long)users;
        if (cap > 0 && n > cap)
            n = cap;
        total += n;
        int k = snprintf(note + used, used < sizeof note ? sizeof note - used : 0, "%s%s: (%ld + %ld) x %zu %s%s",
                         i ? " + " : "", e->name, size, res, users, users_from,
                         cap > 0 && (size + res) * (long)users > cap ? " capped by max_db_connections" : "");
        used += k > 0 ? (size_t)k : 0;
    }
    if (b->ini.n_databases) {
        snprintf(text, sizeof text, "%ld", total);
        pgm_origin o = {b->path, 0, NULL, note};
        if (pgm_facts_set_at(out, "pgbouncer.server_connections", text, &o) != 0)
            return -1;
    }
    return 0;
}
