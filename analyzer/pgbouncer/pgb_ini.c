#include "pgbouncer/pgb_ini.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/rc.h"

enum section { SEC_NONE, SEC_PGBOUNCER, SEC_DATABASES, SEC_USERS, SEC_OTHER };

typedef struct loader {
    pgm_pgb_ini *ini;
    const pgm_conf_files *files;
    unsigned files_read;
    bool oom;
    int rc;
} loader;

void pgm_pgb_ini_init(pgm_pgb_ini *ini) { memset(ini, 0, sizeof *ini); }

static void free_setting(pgm_pgb_setting *s)
{
    free(s->key);
    free(s->value);
    free(s->file);
}

static void free_entries(pgm_pgb_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].file);
        for (size_t k = 0; k < v[i].n_params; k++)
            free_setting(&v[i].params[k]);
        free(v[i].params);
    }
    free(v);
}

void pgm_pgb_ini_free(pgm_pgb_ini *ini)
{
    for (size_t i = 0; i < ini->n_settings; i++)
        free_setting(&ini->settings[i]);
    free(ini->settings);
    free_entries(ini->databases, ini->n_databases);
    free_entries(ini->users, ini->n_users);
    for (size_t i = 0; i < ini->n_messages; i++) {
        free(ini->messages[i].where);
        free(ini->messages[i].text);
    }
    free(ini->messages);
    memset(ini, 0, sizeof *ini);
}

static void say(loader *l, const char *file, unsigned line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void say(loader *l, const char *file, unsigned line, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t wl = strlen(file) + 16;
    char *where = malloc(wl), *text = strdup(what);
    pgm_pgb_ini_message *v = realloc(l->ini->messages, (l->ini->n_messages + 1) * sizeof *v);
    if (v)
        l->ini->messages = v;
    if (!where || !text || !v) {
        free(where);
        free(text);
        l->oom = true;
        return;
    }
    if (line)
        snprintf(where, wl, "%s:%u", file, line);
    else
        snprintf(where, wl, "%s", file);
    v[l->ini->n_messages++] = (pgm_pgb_ini_message){where, text};
    l->rc = PGM_WARN;
}

static char *dup_n(loader *l, const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s) {
        l->oom = true;
        return NULL;
    }
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static size_t trim(const char **p, size_t n)
{
    while (n && isspace((unsigned char)**p)) {
        (*p)++;
        n--;
    }
    while (n && isspace((unsigned char)(*p)[n - 1]))
        n--;
    return n;
}

static bool set(loader *l, pgm_pgb_setting **v, size_t *n, const char *key, size_t kl, const char *value, size_t vl,
                const char *file, unsigned line)
{
    char *k = dup_n(l, key, kl);
    if (!k)
        return false;
    for (char *c = k; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    size_t i = 0;
    while (i < *n && strcmp((*v)[i].key, k) != 0)
        i++;
    if (i == *n) {
        pgm_pgb_setting *nv = realloc(*v, (*n + 1) * sizeof *nv);
        if (!nv) {
            free(k);
            l->oom = true;
            return false;
        }
        *v = nv;
        memset(&nv[i], 0, sizeof nv[i]);
        (*n)++;
    } else {
        free_setting(&(*v)[i]);
    }
    (*v)[i].key = k;
    (*v)[i].value = dup_n(l, value, vl);
    (*v)[i].file = dup_n(l, file, strlen(file));
    (*v)[i].line = line;
    return !l->oom;
}

/* A libpq-style connection string: key=value pairs, values quoted in '' with \' inside. */
static void parse_params(loader *l, pgm_pgb_entry *e, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && !l->oom) {
        while (i < n && isspace((unsigned char)p[i]))
            i++;
        size_t ks = i;
        while (i < n && p[i] != '=' && !isspace((unsigned char)p[i]))
            i++;
        size_t kl = i - ks;
        while (i < n && isspace((unsigned char)p[i]))
            i++;
        if (i >= n || p[i] != '=') {
            if (kl)
                say(l, e->file, e->line, "database '%s': '%.*s' has no value", e->name, (int)kl, p + ks);
            return;
        }
        i++;
        while (i < n && isspace((unsigned char)p[i]))
            i++;
        char value[1024];
        size_t vl = 0;
        if (i < n && p[i] == '\'') {
            i++;
            while (i < n && p[i] != '\'') {
                if (p[i] == '\\' && i + 1 < n)
                    i++;
                if (vl < sizeof value - 1)
                    value[vl++] = p[i];
                i++;
            }
            i += i < n;
        } else {
            while (i < n && !isspace((unsigned char)p[i])) {
                if (vl < sizeof value - 1)
                    value[vl++] = p[i];
                i++;
            }
        }
        /* a password in the string is a secret: not kept */
        if (kl == 8 && strncmp(p + ks, "password", 8) == 0)
            continue;
        set(l, &e->params, &e->n_params, p + ks, kl, value, vl, e->file, e->line);
    }
}

static void add_entry(loader *l, pgm_pgb_entry **v, size_t *n, const char *name, size_t nl, const char *value,
                      size_t vl, const char *file, unsigned line)
{
    if (l->ini->n_databases + l->ini->n_users >= PGM_PGB_INI_MAX_ENTRIES) {
        if (!l->ini->entries_over++)
            say(l, file, line, "more than %u [databases] and [users] entries: those from here on are not read "
                "(PGM_PGB_INI_MAX_ENTRIES)", PGM_PGB_INI_MAX_ENTRIES);
        return;
    }
    pgm_pgb_entry *nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) {
        l->oom = true;
        return;
    }
    *v = nv;
    pgm_pgb_entry *e = &nv[(*n)++];
    memset(e, 0, sizeof *e);
    e->name = dup_n(l, name, nl);
    e->file = dup_n(l, file, strlen(file));
    e->line = line;
    if (e->name && e->file)
        parse_params(l, e, value, vl);
}

static void read_file(loader *l, const char *path, const char *text, size_t n, int depth, enum section *sec);

static void include(loader *l, const char *from, unsigned line, const char *name, size_t nl, int depth,
                    enum section *sec)
{
    char path[4096];
    if (nl && name[0] != '/' && strrchr(from, '/'))
        snprintf(path, sizeof path, "%.*s%.*s", (int)(strrchr(from, '/') - from + 1), from, (int)nl, name);
    else
        snprintf(path, sizeof path, "%.*s", (int)nl, name);
    if (depth + 1 > PGM_PGB_INI_MAX_DEPTH) {
        say(l, from, line, "%%include %s: nested deeper than %d files, not read (PGM_PGB_INI_MAX_DEPTH)", path,
            PGM_PGB_INI_MAX_DEPTH);
        return;
    }
    if (l->files_read >= PGM_PGB_INI_MAX_FILES_READ) {
        say(l, from, line, "%%include %s: more than %u files read for one pgbouncer.ini, not read "
            "(PGM_PGB_INI_MAX_FILES_READ)", path, PGM_PGB_INI_MAX_FILES_READ);
        return;
    }
    l->files_read++;
    char *data = NULL;
    size_t len = 0;
    int rc = l->files ? l->files->open(l->files->ctx, path, &data, &len) : 1;
    if (rc == -1 && !data)
        say(l, from, line, "%%include %s: cannot be read", path);
    else if (rc == 1)
        say(l, from, line, "%%include %s: no such file in what was given", path);
    else if (rc == 2)
        say(l, from, line, "%%include %s: too large, not read", path);
    else if (rc == 0)
        read_file(l, path, data, len, depth + 1, sec);
    free(data);
}

static void read_file(loader *l, const char *path, const char *text, size_t n, int depth, enum section *sec)
{
    unsigned line = 0;
    for (const char *p = text, *end = text + n; p < end && !l->oom;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *s = p;
        line++;
        p += len + (nl != NULL);
        len = trim(&s, len);
        if (!len || s[0] == ';' || s[0] == '#')
            continue;
        if (len > 9 && strncmp(s, "%include", 8) == 0 && isspace((unsigned char)s[8])) {
            const char *f = s + 9;
            include(l, path, line, f, trim(&f, len - 9), depth, sec);
            continue;
        }
        if (s[0] == '[') {
            const char *close = memchr(s, ']', len);
            if (!close) {
                say(l, path, line, "a section's name without its ']'");
                *sec = SEC_OTHER;
                continue;
            }
            size_t sl = (size_t)(close - s - 1);
            *sec = sl == 9 && strncasecmp(s + 1, "pgbouncer", 9) == 0   ? SEC_PGBOUNCER
                   : sl == 9 && strncasecmp(s + 1, "databases", 9) == 0 ? SEC_DATABASES
                   : sl == 5 && strncasecmp(s + 1, "users", 5) == 0     ? SEC_USERS
                                                                       : SEC_OTHER;
            continue;
        }
        const char *eq = memchr(s, '=', len);
        if (!eq) {
            say(l, path, line, "'%.*s' is no 'key = value' line", (int)(len < 80 ? len : 80), s);
            continue;
        }
        const char *k = s, *v = eq + 1;
        size_t kl = trim(&k, (size_t)(eq - s)), vl = trim(&v, len - (size_t)(eq + 1 - s));
        /* a value may be quoted in "" */
        if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"')
            v++, vl -= 2;
        if (!kl) {
            say(l, path, line, "a value without a key");
            continue;
        }
        switch (*sec) {
        case SEC_PGBOUNCER:
            set(l, &l->ini->settings, &l->ini->n_settings, k, kl, v, vl, path, line);
            break;
        case SEC_DATABASES:
            add_entry(l, &l->ini->databases, &l->ini->n_databases, k, kl, v, vl, path, line);
            break;
        case SEC_USERS:
            add_entry(l, &l->ini->users, &l->ini->n_users, k, kl, v, vl, path, line);
            break;
        case SEC_NONE:
            say(l, path, line, "'%.*s' outside any section: PgBouncer stops here", (int)kl, k);
            break;
        case SEC_OTHER:
            break; /* [peers] and sections of other programs */
        }
    }
}

int pgm_pgb_ini_parse(pgm_pgb_ini *ini, const char *path, const char *text, size_t n, const pgm_conf_files *files)
{
    loader l = {.ini = ini, .files = files, .rc = PGM_OK, .files_read = 1};
    enum section sec = SEC_NONE;
    read_file(&l, path, text, n, 1, &sec);
    return l.oom ? PGM_FATAL : l.rc;
}

int pgm_pgb_ini_load(pgm_pgb_ini *ini, const char *path, const pgm_conf_files *files)
{
    char *data = NULL;
    size_t len = 0;
    int rc = files->open(files->ctx, path, &data, &len);
    if (rc != 0) {
        free(data);
        loader l = {.ini = ini, .files = files, .rc = PGM_OK};
        say(&l, path, 0, "cannot be read");
        return l.oom ? PGM_FATAL : PGM_WARN;
    }
    rc = pgm_pgb_ini_parse(ini, path, data, len, files);
    free(data);
    return rc;
}

const pgm_pgb_setting *pgm_pgb_ini_get(const pgm_pgb_ini *ini, const char *key)
{
    for (size_t i = 0; i < ini->n_settings; i++)
        if (strcmp(ini->settings[i].key, key) == 0)
            return &ini->settings[i];
    return NULL;
}

const char *pgm_pgb_entry_param(const pgm_pgb_entry *e, const char *key)
{
    for (size_t i = 0; i < e->n_params; i++)
        if (strcmp(e->params[i].key, key) == 0)
            return e->params[i].value;
    return NULL;
}
