#include "config/pgconf.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "config/guc.h"
#include "util/grow.h"
#include "util/strbuf.h"

void pgm_conf_init(pgm_conf *c)
{
    memset(c, 0, sizeof *c);
}

void pgm_conf_free(pgm_conf *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->entries[i].file);
        free(c->entries[i].name);
        free(c->entries[i].value);
        free(c->entries[i].setting);
        free(c->entries[i].error);
    }
    free(c->entries);
    for (size_t i = 0; i < c->n_messages; i++)
        free(c->messages[i]);
    free(c->messages);
    memset(c, 0, sizeof *c);
}

static void message(pgm_conf *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void message(pgm_conf *c, const char *fmt, ...)
{
    if (c->n_messages == PGM_CONF_MAX_MESSAGES) {
        c->messages_dropped++;
        return;
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **nm = realloc(c->messages, (c->n_messages + 1) * sizeof *nm);
    if (!nm)
        return;
    c->messages = nm;
    if ((c->messages[c->n_messages] = strdup(buf)) != NULL)
        c->n_messages++;
}

static pgm_conf_entry *add_entry(pgm_conf *c, const char *file, unsigned line)
{
    if (c->n == PGM_CONF_MAX_ENTRIES) {
        if (!c->entries_over) {
            message(c, "more than %u settings in the configuration; from \"%s\" line %u on they "
                    "are not read", PGM_CONF_MAX_ENTRIES, file, line);
            c->unread++;
            c->entries_over = true;
        }
        return NULL;
    }
    pgm_conf_entry *ne = pgm_grow(c->entries, &c->alloc, c->n, sizeof *ne, 64);
    if (!ne)
        return NULL;
    c->entries = ne;
    pgm_conf_entry *e = &c->entries[c->n];
    memset(e, 0, sizeof *e);
    e->file = strdup(file);
    if (!e->file)
        return NULL;
    e->line = line;
    e->seqno = (unsigned)++c->n;
    return e;
}

/* ------------------------------------------------------------------ lexer */

static bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f'; }
static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static bool id_start(char ch)
{
    unsigned char u = (unsigned char)ch;
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u >= 0x80;
}
static bool id_char(char ch) { return id_start(ch) || is_digit(ch); }
static bool unquoted_char(char ch) { return id_char(ch) || ch == '.' || ch == ':' || ch == '/' || ch == '-'; }

typedef struct cursor {
    const char *p, *e;
} cursor;

static void skip_space(cursor *k)
{
    while (k->p < k->e && is_space(*k->p))
        k->p++;
}

/* The token the server would name in "near token": an identifier or number
 * run, else one character. */
static size_t token_len(const char *p, const char *e)
{
    size_t n = 0;
    if (id_start(*p) || is_digit(*p)) {
        while (p + n < e && (id_char(p[n]) || p[n] == '.'))
            n++;
        return n;
    }
    return 1;
}

/* A single-quoted value: '' and \' are quotes, \b \f \n \r \t and octal
 * escapes, any other \x is x. False when the line ends first. */
static bool quoted(cursor *k, pgm_strbuf *out)
{
    k->p++;
    while (k->p < k->e) {
        char ch = *k->p++;
        if (ch == '\'') {
            if (k->p < k->e && *k->p == '\'') {
                k->p++;
            } else {
                return true;
            }
        } else if (ch == '\\' && k->p < k->e) {
            ch = *k->p++;
            switch (ch) {
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'n': ch = '\n'; break;
            case 'r': ch = '\r'; break;
            case 't': ch = '\t'; break;
            default:
                if (ch >= '0' && ch <= '7') {
                    int v = ch - '0';
                    for (int d = 0; d < 2 && k->p < k->e && *k->p >= '0' && *k->p <= '7'; d++)
                        v = v * 8 + (*k->p++ - '0');
                    ch = (char)v;
                }
            }
        }
        pgm_strbuf_add(out, &ch, 1);
    }
    return false;
}

/* A value token: quoted, identifier/unquoted string, integer with glued unit
 * letters, or real (no unit letters). The value is written to `out`. */
static bool value_token(cursor *k, pgm_strbuf *out)
{
    const char *s = k->p;
    if (*s == '\'')
        return quoted(k, out);
    if (id_start(*s)) {
        while (k->p < k->e && unquoted_char(*k->p))
            k->p++;
    } else if (is_digit(*s) || *s == '+' || *s == '-' || *s == '.') {
        const char *q = s + (*s == '+' || *s == '-');
        if (q + 1 < k->e && q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
            q += 2;
            while (q < k->e && ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F')))
                q++;
        } else {
            bool digits = false, dot = false;
            while (q < k->e && (is_digit(*q) || (*q == '.' && !dot))) {
                dot = dot || *q == '.';
                digits = digits || is_digit(*q);
                q++;
            }
            if (!digits)
                return false;
            if (dot) {
                /* a real takes an exponent, never unit letters */
                if (q < k->e && (*q == 'e' || *q == 'E')) {
                    const char *x = q + 1;
                    if (x < k->e && (*x == '+' || *x == '-'))
                        x++;
                    if (x < k->e && is_digit(*x)) {
                        while (x < k->e && is_digit(*x))
                            x++;
                        q = x;
                    }
                }
                k->p = q;
                pgm_strbuf_add(out, s, (size_t)(k->p - s));
                return true;
            }
        }
        while (q < k->e && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
            q++; /* unit letters glued to an integer: 5min, 8MB */
        k->p = q;
    } else {
        return false;
    }
    pgm_strbuf_add(out, s, (size_t)(k->p - s));
    return true;
}

/* ------------------------------------------------------------- the files */

typedef struct reader {
    pgm_conf *c;
    const pgm_conf_files *files;
    size_t files_read;
    size_t bytes_read;
    const char *stack[PGM_CONF_MAX_DEPTH + 1];
    unsigned depth;
    bool problems;
} reader;

static void read_file(reader *r, const char *path, bool if_exists);

/* `name` relative to the directory of `from` (absolute names stay). */
static char *resolve(const char *from, const char *name)
{
    if (name[0] == '/')
        return strdup(name);
    const char *slash = strrchr(from, '/');
    size_t dl = slash ? (size_t)(slash - from) + 1 : 0;
    size_t nl = strlen(name);
    char *out = malloc(dl + nl + 1);
    if (out) {
        memcpy(out, from, dl);
        memcpy(out + dl, name, nl + 1);
    }
    return out;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_dir(reader *r, const char *dir)
{
    char **names = NULL;
    size_t n = 0;
    int listed = r->files->list ? r->files->list(r->files->ctx, dir, &names, &n) : -1;
    if (listed > 0) {
        message(r->c, "more than %u files in configuration directory \"%s\"; the rest are not read",
                PGM_CONF_MAX_DIR_FILES, dir);
        r->c->unread++;
        r->problems = true;
    }
    if (listed < 0) {
        message(r->c, "could not open configuration directory \"%s\"", dir);
        r->c->unread++;
        r->problems = true;
        return;
    }
    /* regular *.conf files not starting with '.', in byte order */
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        if (names[i][0] != '.' && l > 5 && strcmp(names[i] + l - 5, ".conf") == 0) {
            size_t cap = strlen(dir) + l + 2;
            char *full = malloc(cap);
            if (full) {
                snprintf(full, cap, "%s/%s", dir, names[i]);
                read_file(r, full, false);
                free(full);
            }
        }
        free(names[i]);
    }
    free(names);
}

static void syntax_error(reader *r, const char *path, unsigned line, cursor *k)
{
    pgm_conf_entry *e = add_entry(r->c, path, line);
    if (e)
        e->error = strdup("syntax error");
    if (k->p >= k->e || *k->p == '#')
        message(r->c, "syntax error in file \"%s\" line %u, near end of line", path, line);
    else
        message(r->c, "syntax error in file \"%s\" line %u, near token \"%.*s\"", path, line,
                (int)token_len(k->p, k->e), k->p);
    r->c->unread++;
    r->c->syntax_errors = true;
}

static void read_line(reader *r, const char *path, unsigned line, const char *p, const char *e,
                      pgm_strbuf *value)
{
    cursor k = {p, e};
    skip_space(&k);
    if (k.p == k.e || *k.p == '#')
        return;
    const char *name = k.p;
    if (!id_start(*k.p)) {
        syntax_error(r, path, line, &k);
        return;
    }
    while (k.p < k.e && id_char(*k.p))
        k.p++;
    if (k.p + 1 < k.e && *k.p == '.' && id_start(k.p[1])) { /* ext.param */
        k.p++;
        while (k.p < k.e && id_char(*k.p))
            k.p++;
    }
    size_t name_len = (size_t)(k.p - name);
    skip_space(&k);
    if (k.p < k.e && *k.p == '=') {
        k.p++;
        skip_space(&k);
    }
    pgm_strbuf_reset(value);
    if (k.p >= k.e || !value_token(&k, value)) {
        syntax_error(r, path, line, &k);
        return;
    }
    skip_space(&k);
    if (k.p < k.e && *k.p != '#') {
        syntax_error(r, path, line, &k);
        return;
    }
    const char *v = value->p ? value->p : "";
    if ((name_len == 7 && strncasecmp(name, "include", 7) == 0) ||
        (name_len == 17 && strncasecmp(name, "include_if_exists", 17) == 0)) {
        char *full = resolve(path, v);
        if (full)
            read_file(r, full, name_len == 17);
        free(full);
        return;
    }
    if (name_len == 11 && strncasecmp(name, "include_dir", 11) == 0) {
        char *full = resolve(path, v);
        if (full)
            read_dir(r, full);
        free(full);
        return;
    }
    pgm_conf_entry *en = add_entry(r->c, path, line);
    if (!en)
        return;
    en->name = strndup(name, name_len);
    en->value = strdup(v);
    char lower[128];
    size_t ll = name_len < sizeof lower - 1 ? name_len : sizeof lower - 1;
    for (size_t i = 0; i < ll; i++)
        lower[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
    lower[ll] = 0;
    /* a dotted name is an extension's placeholder: accepted */
    if (!memchr(lower, '.', ll) && !pgm_catalog_is_guc(lower, ll)) {
        en->error = strdup("unrecognized configuration parameter");
        const char *s = r->c->suggestions++ < PGM_CONF_MAX_SUGGESTIONS ? pgm_catalog_suggest_guc(lower) : NULL;
        message(r->c, "unrecognized configuration parameter \"%.*s\" in file \"%s\" line %u%s%s%s",
                (int)name_len, name, path, line, s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
        r->c->syntax_errors = true;
    }
}

static void read_file(reader *r, const char *path, bool if_exists)
{
    for (unsigned i = 0; i < r->depth; i++)
        if (strcmp(r->stack[i], path) == 0) {
            message(r->c, "configuration file recursion in \"%s\"", path);
            r->c->unread++;
            r->c->syntax_errors = true;
            return;
        }
    if (r->depth > PGM_CONF_MAX_DEPTH) {
        message(r->c, "could not open configuration file \"%s\": maximum nesting depth exceeded", path);
        r->c->unread++;
        r->c->syntax_errors = true;
        return;
    }
    if (r->files_read++ == PGM_CONF_MAX_FILES_READ) {
        message(r->c, "more than %u configuration files included; the rest are not read",
                PGM_CONF_MAX_FILES_READ);
        r->c->unread++;
        r->problems = true;
    }
    if (r->files_read > PGM_CONF_MAX_FILES_READ)
        return;
    char *data = NULL;
    size_t len = 0;
    int got = r->files->open(r->files->ctx, path, &data, &len);
    if (got == 0 && (r->bytes_read += len) > PGM_CONF_MAX_TOTAL_BYTES) {
        message(r->c, "more than %u MiB of configuration files; \"%s\" and the rest are not read",
                PGM_CONF_MAX_TOTAL_BYTES >> 20, path);
        r->c->unread++;
        r->problems = true;
        r->files_read = PGM_CONF_MAX_FILES_READ + 1;
        free(data);
        return;
    }
    if (got == 2) {
        message(r->c, "could not open configuration file \"%s\": larger than %u MiB, not read", path,
                PGM_CONF_MAX_FILE >> 20);
        r->c->unread++;
        r->problems = true;
        free(data);
        return;
    }
    if (got != 0) {
        if (got > 0 && if_exists) {
            message(r->c, "skipping missing configuration file \"%s\"", path);
        } else {
            message(r->c, "could not open configuration file \"%s\": %s", path,
                    got > 0 ? "No such file or directory" : "cannot be read");
            r->c->unread++;
            r->problems = true;
            r->c->syntax_errors = true;
        }
        free(data);
        return;
    }
    r->stack[r->depth++] = path;
    pgm_strbuf value;
    pgm_strbuf_init(&value, PGM_CONF_MAX_FILE);
    unsigned line = 0;
    for (const char *p = data, *e = data + len; p < e;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        read_line(r, path, ++line, p, le, &value);
        p = nl ? nl + 1 : e;
    }
    pgm_strbuf_free(&value);
    r->depth--;
    free(data);
}

/* qsort has no context argument: the entries being sorted. */
static const pgm_conf_entry *sorting_entries;

static int cmp_by_name(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcasecmp(sorting_entries[x].name, sorting_entries[y].name);
    return c ? c : (x < y ? -1 : x > y);
}

int pgm_conf_load(pgm_conf *c, const char *main_path, const char *auto_path,
                  const pgm_conf_files *files)
{
    reader r = {.c = c, .files = files};
    read_file(&r, main_path, false);
    if (auto_path)
        read_file(&r, auto_path, true);
    /* the later entry of a name wins; nothing applies after a syntax error.
     * Sorted by name and then position, the last of each run is the winner. */
    size_t *order = c->syntax_errors ? NULL : malloc((c->n + 1) * sizeof *order);
    size_t m = 0;
    for (size_t i = 0; order && i < c->n; i++)
        if (c->entries[i].name && !c->entries[i].error)
            order[m++] = i;
    if (order) {
        sorting_entries = c->entries;
        qsort(order, m, sizeof *order, cmp_by_name);
        for (size_t k = 0; k < m; k++)
            c->entries[order[k]].applied =
                k + 1 == m || strcasecmp(c->entries[order[k]].name, c->entries[order[k + 1]].name) != 0;
        free(order);
    }
    /* the applied values are checked as the server checks them (earlier
     * duplicates never are): a bad one stops that entry only */
    bool bad_values = false;
    for (size_t i = 0; i < c->n; i++) {
        pgm_conf_entry *e = &c->entries[i];
        const pgm_guc *g = e->applied ? pgm_guc_find(e->name) : NULL;
        if (!g)
            continue;
        char setting[512], err[PGM_ERR_MAX];
        if (pgm_guc_setting(g, e->value, setting, sizeof setting, err)) {
            e->setting = strdup(setting);
        } else {
            e->applied = false;
            e->error = strdup("setting could not be applied");
            message(c, "%s", err);
            bad_values = true;
        }
    }
    return r.problems || c->syntax_errors || bad_values ? PGM_WARN : PGM_OK;
}

const pgm_conf_entry *pgm_conf_get(const pgm_conf *c, const char *name)
{
    for (size_t i = c->n; i-- > 0;)
        if (c->entries[i].applied && strcasecmp(c->entries[i].name, name) == 0)
            return &c->entries[i];
    return NULL;
}

/* ------------------------------------------------------------------ disk */

static int disk_open(void *ctx, const char *path, char **data, size_t *len)
{
    (void)ctx;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1;
    pgm_strbuf b;
    pgm_strbuf_init(&b, PGM_CONF_MAX_FILE);
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (pgm_strbuf_add(&b, buf, n)) {
            rc = b.len + n > PGM_CONF_MAX_FILE ? 2 : -1;
            break;
        }
    if (ferror(f))
        rc = -1;
    fclose(f);
    if (rc) {
        pgm_strbuf_free(&b);
        return rc;
    }
    *len = b.len;
    *data = pgm_strbuf_take(&b);
    if (!*data && rc == 0)
        *data = calloc(1, 1);
    return rc;
}

static int disk_list(void *ctx, const char *dir, char ***names, size_t *n)
{
    (void)ctx;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *de;
    size_t alloc = 0;
    *names = NULL;
    *n = 0;
    int more = 0;
    while ((de = readdir(d)) != NULL) {
        if (*n == PGM_CONF_MAX_DIR_FILES) {
            more = 1; /* the caller says so */
            break;
        }
        char **nn = pgm_grow(*names, &alloc, *n, sizeof *nn, 16);
        if (!nn)
            break;
        *names = nn;
        if (((*names)[*n] = strdup(de->d_name)) != NULL)
            (*n)++;
    }
    closedir(d);
    return more;
}

const pgm_conf_files pgm_conf_disk_files = {disk_open, disk_list, NULL};
