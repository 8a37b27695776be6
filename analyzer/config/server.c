#include "config/server.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "config/guc.h"
#include "config/hikari.h"
#include "util/fmt.h"
#include "util/grow.h"
#include "util/rc.h"

struct pgm_pg_entry {
    char *name, *value, *setting, *file, *error;
    unsigned line;
    bool applied, from_settings;
    bool blocked; /* the file has an error: the server applies none of it */
    int rank;     /* 0 postgresql.conf, 1 pg_file_settings or a command line, 2 pg_settings: the higher wins */
    char *unit;
    int server;   /* index into the servers */
};

void pgm_servers_init(pgm_servers *s) { memset(s, 0, sizeof *s); }

void pgm_servers_free(pgm_servers *s)
{
    for (size_t i = 0; i < s->n_pg; i++) {
        pgm_pg_entry *e = &s->pg[i];
        free(e->name), free(e->value), free(e->setting), free(e->file), free(e->error), free(e->unit);
    }
    free(s->pg);
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].path), free(s->v[i].host), free(s->v[i].settings);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static char *dup0(const char *str) { return str ? strdup(str) : NULL; }

static int new_server(pgm_servers *s, enum pgm_server_kind kind, const char *path, unsigned line,
                      const char *host, const char *what)
{
    pgm_server *p = pgm_grow(s->v, &s->alloc, s->n, sizeof *p, 8);
    if (!p)
        return -1;
    s->v = p;
    pgm_server *sv = &s->v[s->n];
    memset(sv, 0, sizeof *sv);
    sv->kind = kind;
    sv->line = line;
    sv->joined = -1;
    sv->path = strdup(path);
    sv->host = dup0(host);
    sv->what = what;
    if (!sv->path || (host && !sv->host)) {
        free(sv->path), free(sv->host);
        return -1;
    }
    if (kind == PGM_SERVER_DUMP && !(sv->settings = strdup(path))) {
        free(sv->path), free(sv->host);
        return -1;
    }
    s->tied = false;
    return (int)s->n++;
}

/* The server a dump or command line already made for `path` (and `host`), or -1. */
static int server_of(const pgm_servers *s, enum pgm_server_kind kind, const char *path, const char *host)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].kind == kind && strcmp(s->v[i].path, path) == 0 &&
            (!host || (s->v[i].host && strcmp(s->v[i].host, host) == 0)))
            return (int)i;
    return -1;
}

static int owner(const pgm_servers *s, int server)
{
    while (server >= 0 && s->v[server].joined >= 0)
        server = s->v[server].joined;
    return server;
}

/* The index-th server not joined to another, or -1. */
static int live_index(const pgm_servers *s, size_t index)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].joined < 0 && index-- == 0)
            return (int)i;
    return -1;
}

static pgm_pg_entry *new_pg(pgm_servers *s, int server)
{
    pgm_pg_entry *p = pgm_grow(s->pg, &s->alloc_pg, s->n_pg, sizeof *p, 64);
    if (!p)
        return NULL;
    s->pg = p;
    pgm_pg_entry *e = &s->pg[s->n_pg++];
    memset(e, 0, sizeof *e);
    e->server = server;
    return e;
}

int pgm_servers_add_conf(pgm_servers *s, const pgm_conf *conf, const char *main_path, unsigned line,
                         const char *host)
{
    if (!conf->n)
        return PGM_OK; /* nothing set, nothing to tell this server by */
    int server = new_server(s, PGM_SERVER_CONF, main_path, line, host, NULL);
    if (server < 0)
        return PGM_FATAL;
    for (size_t i = 0; i < conf->n; i++) {
        const pgm_conf_entry *ce = &conf->entries[i];
        pgm_pg_entry *e = new_pg(s, server);
        if (!e)
            return PGM_FATAL;
        e->name = dup0(ce->name ? ce->name : ""); /* a syntax error names no parameter */
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
    size_t first = s->n_pg - conf->n;
    for (size_t i = first; i < s->n_pg; i++) {
        pgm_pg_entry *e = &s->pg[i];
        if (e->error || !e->value)
            continue;
        bool later = false;
        for (size_t j = i + 1; j < s->n_pg && !later; j++)
            later = !s->pg[j].error && strcmp(s->pg[j].name, e->name) == 0;
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

/* A dump's row or a command-line setting. pg_file_settings shows the value
 * as written ("2 s", "0x3C", "Y"), and a command line gives it so: read the
 * way the server reads it. `host`: a command line's server, else a dump's. */
static int add_row(pgm_servers *s, const char *name, const char *setting, const char *unit, const char *path,
                   unsigned line, int rank, const char *host, const char *what)
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
    enum pgm_server_kind kind = what ? PGM_SERVER_COMMAND : PGM_SERVER_DUMP;
    int server = server_of(s, kind, path, host);
    if (server < 0 && (server = new_server(s, kind, path, host ? line : 1, host, what)) < 0)
        return PGM_FATAL;
    pgm_pg_entry *e = new_pg(s, server);
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

int pgm_servers_add_setting(pgm_servers *s, const char *name, const char *setting, const char *unit,
                            const char *path, unsigned line)
{
    return add_row(s, name, setting, unit, path, line, 2, NULL, NULL);
}

int pgm_servers_add_command(pgm_servers *s, const char *host, const char *what, const char *name,
                            const char *value, const char *path, unsigned line)
{
    return add_row(s, name, value, NULL, path, line, 1, host, what);
}

static size_t dir_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) : 0;
}

/* A dump was taken from the server whose postgresql.conf is in its
 * directory, else from the only postgresql.conf of the inputs; dumps of one
 * directory (pg_settings beside pg_file_settings) are of one server. */
void pgm_servers_tie(pgm_servers *s)
{
    if (s->tied)
        return;
    size_t n_conf = 0;
    int only_conf = -1;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].kind == PGM_SERVER_CONF)
            n_conf++, only_conf = (int)i;
    for (size_t i = 0; i < s->n; i++) {
        pgm_server *d = &s->v[i];
        if (d->kind != PGM_SERVER_DUMP || d->joined >= 0)
            continue;
        int to = -1;
        size_t dl = dir_len(d->path);
        for (size_t j = 0; j < s->n && to < 0; j++)
            if (j != i && s->v[j].kind != PGM_SERVER_COMMAND && dir_len(s->v[j].path) == dl &&
                strncmp(s->v[j].path, d->path, dl) == 0 && (s->v[j].kind == PGM_SERVER_CONF || j < i))
                to = owner(s, (int)j);
        if (to < 0 && n_conf == 1)
            to = only_conf;
        if (to < 0)
            continue;
        d->joined = to;
        if (!s->v[to].settings)
            s->v[to].settings = d->settings, d->settings = NULL;
    }
    s->tied = true;
}

size_t pgm_servers_count(const pgm_servers *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += s->v[i].joined < 0;
    return n;
}

const pgm_server *pgm_servers_get(const pgm_servers *s, size_t i)
{
    int server = live_index(s, i);
    return server < 0 ? NULL : &s->v[server];
}

void pgm_server_label(const pgm_server *sv, char *out, size_t cap)
{
    if (sv->kind == PGM_SERVER_COMMAND)
        pgm_fmt(out, cap, "%s%s%s%s, %s:%u", sv->what ? sv->what : "server", sv->host ? " " : "",
                sv->host && sv->host[0] == '*' ? "RELEASE" : "", /* a Helm release's, whatever it is called */
                sv->host ? sv->host + (sv->host[0] == '*') : "", sv->path, sv->line);
    else
        pgm_fmt(out, cap, "%s", sv->path);
}

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

int pgm_servers_facts(const pgm_servers *s, size_t index, pgm_facts *out)
{
    int server = live_index(s, index);
    if (server < 0)
        return 0;
    const pgm_server *sv = &s->v[server];
    int rc = 0;
    /* a setting it lacks would go in its dump or its postgresql.conf; for a
     * server known by its command line alone (a Compose service's -c), on
     * that line */
    const char *default_path = sv->settings ? sv->settings : sv->path;
    unsigned default_line = sv->settings ? 1 : sv->line;
    /* the catalog's defaults first: a parameter not set is at its default */
    for (size_t i = 0;; i++) {
        const pgm_guc *g = pgm_guc_find_index(i);
        if (!g)
            break;
        char text[256], key[128];
        with_unit(g->boot ? g->boot : "", g->unit, text, sizeof text);
        pgm_fmt(key, sizeof key, "pg.%s", g->name);
        pgm_origin at = {(char *)default_path, default_line, NULL, "not set: the server's default"};
        if (pgm_facts_set_at(out, key, text, default_path ? &at : NULL) != 0)
            rc = -1;
    }
    /* the files' applied entries, then pg_file_settings, then pg_settings
     * (what the server reported) */
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < s->n_pg; i++) {
            const pgm_pg_entry *e = &s->pg[i];
            if (owner(s, e->server) != server || e->rank != pass || !e->applied || !e->setting)
                continue;
            /* pg_settings shows tcp_keepalives_* as 0 to a session over a Unix
             * socket, whatever the server uses for TCP: a file's value stays */
            if (pass == 2 && strncmp(e->name, "tcp_keepalives_", 15) == 0 && strcmp(e->setting, "0") == 0) {
                bool from_file = false;
                for (size_t j = 0; j < s->n_pg; j++)
                    from_file = from_file || (owner(s, s->pg[j].server) == server && s->pg[j].rank < 2 &&
                                              s->pg[j].applied && strcmp(s->pg[j].name, e->name) == 0);
                if (from_file)
                    continue;
            }
            const pgm_guc *g = pgm_guc_find(e->name);
            char text[1024], key[160], note[300] = "";
            with_unit(e->setting, e->unit ? e->unit : g ? g->unit : NULL, text, sizeof text);
            pgm_fmt(key, sizeof key, "pg.%s", g ? g->name : e->name);
            for (size_t j = 0; j < s->n_pg; j++) /* the entries it overrides */
                if (j != i && owner(s, s->pg[j].server) == server && !s->pg[j].applied && !s->pg[j].error &&
                    !s->pg[j].from_settings && strcmp(s->pg[j].name, e->name) == 0)
                    pgm_fmt(note, sizeof note, "overrides %s:%u", s->pg[j].file, s->pg[j].line);
            char full[400];
            pgm_fmt(full, sizeof full, "%s%s%s", note, note[0] && e->blocked ? "; " : "",
                e->blocked ? "not in effect yet: the configuration has errors" : "");
            pgm_origin at = {e->file, e->line, e->name, full[0] ? full : NULL};
            if (pgm_facts_set_at(out, key, text, &at) != 0)
                rc = -1;
        }
    /* what the server would refuse or ignore */
    for (size_t i = 0; i < s->n_pg; i++) {
        const pgm_pg_entry *e = &s->pg[i];
        if (owner(s, e->server) != server || e->from_settings)
            continue;
        const char *problem = NULL;
        const char *sug = NULL;
        if (e->error) {
            problem = !e->name[0]                                                 ? "syntax_error"
                      : strstr(e->error, "unrecognized configuration parameter") ? "unknown_parameter"
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
        pgm_record *r = pgm_facts_add_record(out, "key");
        if (!r)
            return -1;
        const char *shown = e->name[0] ? e->name : "a line the server cannot parse";
        pgm_origin at = {e->file, e->line, (char *)shown, NULL};
        if (pgm_record_set_origin(r, &at) != 0)
            rc = -1;
        rc |= pgm_record_set_at(r, "name", shown, &at);
        rc |= pgm_record_set(r, "canonical", shown);
        rc |= pgm_record_set(r, "value", e->value ? e->value : "");
        rc |= pgm_record_set(r, "source", "postgresql.conf");
        rc |= pgm_record_set(r, "problem", problem);
        if (sug)
            rc |= pgm_record_set(r, "suggestion", sug);
        if (strcmp(problem, "unknown_parameter") == 0) {
            char d[200];
            pgm_fmt(d, sizeof d, sug ? "did you mean \"%s\"?" : "no parameter has a similar name", sug);
            rc |= pgm_record_set(r, "detail", d);
        } else if (e->error) {
            rc |= pgm_record_set(r, "detail", e->error);
        }
    }
    return rc;
}

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

size_t pgm_servers_read_settings(pgm_servers *s, const char *path, const char *text, size_t n)
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
            char guess = strchr(buf, '|') ? '|' : strchr(buf, ',') ? ',' : 0;
            if (!guess)
                continue;
            char *cells[MAX_CELLS];
            size_t nc = split_cells(buf, guess, cells, MAX_CELLS);
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
                sep = guess;
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
        if (add_row(s, cells[name_col], cells[setting_col], unit, path, lineno, applied_col >= 0 ? 1 : 2, NULL, NULL) !=
            PGM_OK)
            return rows;
        rows++;
    }
    return rows;
}
