#include "config/appconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/yaml_doc.h"
#include "util/grow.h"
#include "util/strbuf.h"

/* Records the first problem only: the one a user fixes first. */
static void problem(pgm_appconf *c, unsigned line, const char *what)
{
    if (c->error)
        return;
    c->error = strdup(what);
    c->error_line = line;
}

/* PGM_APPCONF_MAX_WORKLOADS reached: said (as the file's problem). */
static void too_many(pgm_appconf *c, unsigned line, const char *what)
{
    char msg[96];
    snprintf(msg, sizeof msg, "more than %u %s in one file; those past them are not kept",
             PGM_APPCONF_MAX_WORKLOADS, what);
    problem(c, line, msg);
}

static int add_key(pgm_appconf *c, const char *k, size_t kn, const char *v, size_t vn,
                   unsigned line, unsigned doc, int workload)
{
    if (c->n >= PGM_APPCONF_MAX_KEYS) {
        if (c->dropped++ == 0) {
            char msg[96];
            snprintf(msg, sizeof msg, "more than %u keys in one file; the keys past them are not kept",
                     PGM_APPCONF_MAX_KEYS);
            problem(c, line, msg);
        }
        return PGM_OK;
    }
    pgm_appconf_key *p = pgm_grow(c->keys, &c->alloc, c->n, sizeof *p, 32);
    if (!p)
        return PGM_FATAL;
    c->keys = p;
    pgm_appconf_key *e = &c->keys[c->n];
    e->key = strndup(k, kn);
    e->value = strndup(v, vn);
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        return PGM_FATAL;
    }
    e->line = line;
    e->doc = doc;
    e->workload = workload;
    e->source = -1;
    e->standalone = false;
    e->origin = c->form == PGM_APPCONF_ENV || c->form == PGM_APPCONF_K8S ? PGM_KEY_ENV : PGM_KEY_FILE;
    c->n++;
    return PGM_OK;
}

/* Java options and command lines: "-Dname=value" (system properties) and
 * "--name=value" (Spring's command-line arguments) among words. */
static int add_words(pgm_appconf *c, const char *text, unsigned line, unsigned doc, int workload,
                     const char *lead, enum pgm_key_origin origin)
{
    size_t ll = strlen(lead);
    for (const char *p = text; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
        size_t n = (size_t)(p - w);
        if (n > ll + 2 && memcmp(w, lead, ll) == 0) {
            const char *eq = memchr(w + ll, '=', n - ll);
            if (eq && eq > w + ll) {
                size_t before = c->n;
                if (add_key(c, w + ll, (size_t)(eq - w - ll), eq + 1, (size_t)(w + n - eq - 1), line, doc,
                            workload) != PGM_OK)
                    return PGM_FATAL;
                if (c->n > before)
                    c->keys[c->n - 1].origin = origin;
            }
        }
    }
    return PGM_OK;
}

static bool is_java_options(const char *name)
{
    return strcmp(name, "JAVA_TOOL_OPTIONS") == 0 || strcmp(name, "JAVA_OPTS") == 0 ||
           strcmp(name, "JDK_JAVA_OPTIONS") == 0;
}

static int new_doc(pgm_appconf *c)
{
    char **p = realloc(c->on_profile, (c->n_docs + 1) * sizeof *p);
    if (!p)
        return PGM_FATAL;
    c->on_profile = p;
    c->on_profile[c->n_docs++] = NULL;
    return PGM_OK;
}

/* The document's activation, from its own spring.config.activate.on-profile
 * (any spelling the relaxed binding accepts is not needed here: the key is
 * documented only in this form). */
static int note_activation(pgm_appconf *c, const char *key, const char *value)
{
    if (strcasecmp(key, "spring.config.activate.on-profile") != 0 &&
        strcasecmp(key, "spring.config.activate.onProfile") != 0)
        return PGM_OK;
    char *v = strdup(value);
    if (!v)
        return PGM_FATAL;
    free(c->on_profile[c->n_docs - 1]);
    c->on_profile[c->n_docs - 1] = v;
    return PGM_OK;
}

/* ---- .properties (java.util.Properties.load, and Spring's #--- documents) ---- */

static bool is_ws(char ch) { return ch == ' ' || ch == '\t' || ch == '\f'; }

/* Undoes the escapes of a key or value: \t \n \r \f \uXXXX (as UTF-8), \x -> x. */
static void unescape(pgm_strbuf *out, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\\' || i + 1 == n) {
            pgm_strbuf_add(out, p + i, 1);
            continue;
        }
        char ch = p[++i];
        if (ch == 'u') {
            unsigned cp = 0;
            size_t k = 0;
            for (; k < 4 && i + 1 + k < n; k++) {
                char h = p[i + 1 + k];
                unsigned d = h >= '0' && h <= '9'   ? (unsigned)(h - '0')
                             : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                             : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10)
                                                    : 16u;
                if (d == 16)
                    break;
                cp = cp * 16 + d;
            }
            if (k == 4) {
                char u[3];
                size_t un;
                if (cp < 0x80) {
                    u[0] = (char)cp;
                    un = 1;
                } else if (cp < 0x800) {
                    u[0] = (char)(0xC0 | (cp >> 6));
                    u[1] = (char)(0x80 | (cp & 0x3F));
                    un = 2;
                } else {
                    u[0] = (char)(0xE0 | (cp >> 12));
                    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    u[2] = (char)(0x80 | (cp & 0x3F));
                    un = 3;
                }
                pgm_strbuf_add(out, u, un);
                i += 4;
                continue;
            }
        }
        char lit = ch == 't' ? '\t' : ch == 'n' ? '\n' : ch == 'r' ? '\r' : ch == 'f' ? '\f' : ch;
        pgm_strbuf_add(out, &lit, 1);
    }
}

static int read_properties(pgm_appconf *c, const char *data, size_t len)
{
    if (new_doc(c) != PGM_OK)
        return PGM_FATAL;
    pgm_strbuf logical, key, value;
    pgm_strbuf_init(&logical, 1u << 20);
    pgm_strbuf_init(&key, 1u << 16);
    pgm_strbuf_init(&value, 1u << 20);
    int rc = PGM_OK;
    unsigned lineno = 0;
    size_t i = 0;
    while (i < len && rc == PGM_OK) {
        unsigned start_line = ++lineno;
        pgm_strbuf_reset(&logical);
        bool first = true;
        for (;;) { /* one logical line: physical lines joined by a trailing odd backslash */
            const char *nl = memchr(data + i, '\n', len - i);
            size_t end = nl ? (size_t)(nl - data) : len;
            size_t e = end;
            if (e > i && data[e - 1] == '\r')
                e--;
            size_t s = i;
            if (!first)
                while (s < e && is_ws(data[s]))
                    s++;
            size_t bs = 0;
            while (bs < e - s && data[e - 1 - bs] == '\\')
                bs++;
            bool more = (bs & 1) && nl;
            if (first && s < e) {
                size_t t = s;
                while (t < e && is_ws(data[t]))
                    t++;
                if (t < e && (data[t] == '#' || data[t] == '!'))
                    more = false; /* a comment never continues */
            }
            pgm_strbuf_add(&logical, data + s, (e - s) - (more ? 1 : 0));
            i = nl ? end + 1 : len;
            first = false;
            if (!more)
                break;
            lineno++;
        }
        const char *p = logical.len ? logical.p : "";
        size_t n = logical.len, k = 0;
        while (k < n && is_ws(p[k]))
            k++;
        if (k == n)
            continue;
        if (p[k] == '#' || p[k] == '!') {
            /* Spring's document separator: exactly #--- or !--- at the start */
            if (k == 0 && n == 4 && memcmp(p + 1, "---", 3) == 0 && c->form != PGM_APPCONF_HIKARI)
                rc = new_doc(c);
            continue;
        }
        size_t ks = k;
        while (k < n && !(is_ws(p[k]) || p[k] == '=' || p[k] == ':')) {
            if (p[k] == '\\')
                k++;
            k++;
        }
        if (k > n)
            k = n;
        size_t ke = k;
        while (k < n && is_ws(p[k]))
            k++;
        if (k < n && (p[k] == '=' || p[k] == ':'))
            k++;
        while (k < n && is_ws(p[k]))
            k++;
        pgm_strbuf_reset(&key);
        pgm_strbuf_reset(&value);
        unescape(&key, p + ks, ke - ks);
        unescape(&value, p + k, n - k);
        if (pgm_strbuf_add(&key, "", 1) || pgm_strbuf_add(&value, "", 1)) {
            rc = PGM_FATAL;
            break;
        }
        rc = add_key(c, key.p, key.len - 1, value.p, value.len - 1, start_line,
                     (unsigned)c->n_docs - 1, -1);
        if (rc == PGM_OK)
            rc = note_activation(c, key.p, value.p);
    }
    pgm_strbuf_free(&logical);
    pgm_strbuf_free(&key);
    pgm_strbuf_free(&value);
    return rc;
}

/* ---- .env ---- */

static int read_env(pgm_appconf *c, const char *data, size_t len)
{
    if (new_doc(c) != PGM_OK)
        return PGM_FATAL;
    pgm_strbuf v;
    pgm_strbuf_init(&v, 1u << 20);
    unsigned lineno = 0;
    int rc = PGM_OK;
    for (size_t i = 0; i < len && rc == PGM_OK;) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        const char *p = data + i;
        size_t n = end - i;
        i = nl ? end + 1 : len;
        lineno++;
        if (n && p[n - 1] == '\r')
            n--;
        size_t k = 0;
        while (k < n && is_ws(p[k]))
            k++;
        if (k == n || p[k] == '#')
            continue;
        if (n - k > 7 && memcmp(p + k, "export", 6) == 0 && is_ws(p[k + 6])) {
            k += 7;
            while (k < n && is_ws(p[k]))
                k++;
        }
        size_t ks = k;
        while (k < n && p[k] != '=' && !is_ws(p[k]))
            k++;
        if (k == ks || k == n || p[k] != '=') {
            problem(c, lineno, "not NAME=value");
            continue;
        }
        size_t ke = k++;
        pgm_strbuf_reset(&v);
        if (k < n && (p[k] == '"' || p[k] == '\'')) {
            char q = p[k++];
            size_t s = k;
            while (k < n && p[k] != q) {
                if (q == '"' && p[k] == '\\' && k + 1 < n)
                    k++;
                k++;
            }
            if (q == '"')
                unescape(&v, p + s, (k < n ? k : n) - s);
            else
                pgm_strbuf_add(&v, p + s, (k < n ? k : n) - s);
            if (k >= n)
                problem(c, lineno, "unterminated quote");
        } else {
            size_t s = k, e = n;
            for (size_t t = k; t < n; t++)
                if (p[t] == '#' && t > s && is_ws(p[t - 1])) {
                    e = t;
                    break;
                }
            while (e > s && is_ws(p[e - 1]))
                e--;
            pgm_strbuf_add(&v, p + s, e - s);
        }
        rc = add_key(c, p + ks, ke - ks, v.len ? v.p : "", v.len, lineno, 0, -1);
        if (rc == PGM_OK && is_java_options(c->keys[c->n - 1].key))
            rc = add_words(c, c->keys[c->n - 1].value, lineno, 0, -1, "-D", PGM_KEY_SYSPROP);
    }
    pgm_strbuf_free(&v);
    return rc;
}

/* ---- YAML ---- */

typedef struct flat {
    pgm_appconf *c;
    unsigned line_offset, doc;
    pgm_strbuf path;
    int rc;
} flat;

static void flatten(flat *f, const pgm_ynode *n, unsigned depth)
{
    if (f->rc != PGM_OK || depth > PGM_YAML_MAX_DEPTH)
        return;
    size_t mark = f->path.len;
    if (n->type == PGM_Y_SCALAR) {
        if (!mark)
            return; /* a document that is one scalar sets nothing */
        f->rc = add_key(f->c, f->path.p, mark, n->text ? n->text : "", n->len,
                        n->line + f->line_offset, f->doc, -1);
        if (f->rc == PGM_OK) {
            char *k = strndup(f->path.p, mark);
            if (!k) {
                f->rc = PGM_FATAL;
                return;
            }
            f->rc = note_activation(f->c, k, n->text ? n->text : "");
            free(k);
        }
        return;
    }
    for (size_t i = 0; i < n->n; i += n->type == PGM_Y_MAP ? 2 : 1) {
        const pgm_ynode *child;
        if (n->type == PGM_Y_MAP) {
            const pgm_ynode *k = n->items[i];
            child = n->items[i + 1];
            if (k->type != PGM_Y_SCALAR || !k->text)
                continue;
            if (mark)
                pgm_strbuf_add(&f->path, ".", 1);
            pgm_strbuf_add(&f->path, k->text, k->len);
        } else {
            char idx[24];
            int l = snprintf(idx, sizeof idx, "[%zu]", i);
            child = n->items[i];
            pgm_strbuf_add(&f->path, idx, (size_t)l);
        }
        flatten(f, child, depth + 1);
        f->path.len = mark;
    }
}

/* Calls `each` for each YAML document of the text (split at `---` lines),
 * with the line its text starts on. */
typedef void (*doc_cb)(pgm_appconf *c, const pgm_ynode *root, unsigned line_offset, void *ctx);

static int for_each_yaml_doc(pgm_appconf *c, const char *data, size_t len, doc_cb each, void *ctx)
{
    size_t start = 0;
    unsigned start_line = 1, lineno = 0;
    int rc = PGM_OK;
    for (size_t i = 0; i <= len && rc != PGM_FATAL;) {
        const char *nl = i < len ? memchr(data + i, '\n', len - i) : NULL;
        size_t end = nl ? (size_t)(nl - data) : len;
        lineno++;
        bool sep = end - i >= 3 && memcmp(data + i, "---", 3) == 0 &&
                   (end - i == 3 || is_ws(data[i + 3]) || data[i + 3] == '\r' || data[i + 3] == '#');
        bool last = !nl;
        if (sep || last) {
            size_t doc_end = sep ? i : len;
            if (doc_end > start) {
                pgm_ydoc doc;
                char err[PGM_ERR_MAX];
                if (pgm_ydoc_parse_aliases(&doc, data + start, doc_end - start, err) == PGM_OK) {
                    if (doc.root)
                        each(c, doc.root, start_line - 1, ctx);
                    pgm_ydoc_free(&doc);
                } else {
                    unsigned l = 0, col = 0;
                    char msg[PGM_ERR_MAX + 32];
                    const char *why = err;
                    if (sscanf(err, "%u:%u:", &l, &col) == 2) {
                        why = strchr(strchr(err, ':') + 1, ':') + 1;
                        while (*why == ' ')
                            why++;
                    }
                    snprintf(msg, sizeof msg, "YAML: %s", why);
                    problem(c, l + start_line - 1, msg);
                    rc = PGM_WARN;
                }
            }
            start = nl ? end + 1 : len;
            start_line = lineno + 1;
        }
        if (last)
            break;
        i = end + 1;
    }
    return rc;
}

static void spring_doc(pgm_appconf *c, const pgm_ynode *root, unsigned line_offset, void *ctx)
{
    int *rc = ctx;
    if (*rc == PGM_FATAL)
        return;
    if (new_doc(c) != PGM_OK) {
        *rc = PGM_FATAL;
        return;
    }
    flat f = {c, line_offset, (unsigned)c->n_docs - 1, {0}, PGM_OK};
    pgm_strbuf_init(&f.path, 1u << 16);
    flatten(&f, root, 0);
    pgm_strbuf_free(&f.path);
    if (f.rc == PGM_FATAL)
        *rc = PGM_FATAL;
}

/* ---- Kubernetes ---- */

static const pgm_ynode *yget(const pgm_ynode *m, const char *path)
{
    char part[64];
    while (m && *path) {
        const char *dot = strchr(path, '.');
        size_t l = dot ? (size_t)(dot - path) : strlen(path);
        if (l >= sizeof part || m->type != PGM_Y_MAP)
            return NULL;
        memcpy(part, path, l);
        part[l] = 0;
        m = pgm_ymap_get(m, part);
        path += l + (dot ? 1 : 0);
    }
    return m;
}

static long ylong(const pgm_ynode *n)
{
    if (!n || n->type != PGM_Y_SCALAR || !n->text || !*n->text)
        return -1;
    char *end;
    long v = strtol(n->text, &end, 10);
    return *end || v < 0 ? -1 : v;
}

typedef struct k8s_ctx {
    int rc;
    struct {
        char *target;
        long max;
        unsigned line;
    } hpa[PGM_APPCONF_MAX_WORKLOADS];
    size_t n_hpa;
} k8s_ctx;

/* A workload's reference to a ConfigMap or Secret. */
static int add_ref(pgm_appconf *c, int w, const char *source, bool secret, const char *var, const char *key,
                   const char *prefix, unsigned line)
{
    if (c->n_env_refs == PGM_APPCONF_MAX_ENV_REFS) {
        char msg[120];
        snprintf(msg, sizeof msg, "more than %u references to ConfigMaps and Secrets in one file; those past them "
                 "are not kept", PGM_APPCONF_MAX_ENV_REFS);
        problem(c, line, msg);
        return PGM_OK;
    }
    if (!c->env_refs && !(c->env_refs = calloc(PGM_APPCONF_MAX_ENV_REFS, sizeof *c->env_refs)))
        return PGM_FATAL;
    pgm_appconf_env_ref *r = &c->env_refs[c->n_env_refs];
    r->workload = w;
    r->secret = secret;
    r->line = line;
    r->source = strdup(source);
    r->var = var ? strdup(var) : NULL;
    r->key = key ? strdup(key) : NULL;
    r->prefix = prefix ? strdup(prefix) : NULL;
    c->n_env_refs++; /* freed with the file, complete or not */
    if (!r->source || (var && !r->var) || (key && !r->key) || (prefix && !r->prefix))
        return PGM_FATAL;
    return PGM_OK;
}

/* RFC 4648 base64, as Kubernetes keeps a Secret's `data`; false when the
 * text is not base64 (then it is kept as written). */
static bool unbase64(const char *in, size_t n, char *out, size_t cap, size_t *out_n)
{
    unsigned acc = 0, bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = in[i];
        int v = ch >= 'A' && ch <= 'Z' ? ch - 'A' : ch >= 'a' && ch <= 'z' ? ch - 'a' + 26
                : ch >= '0' && ch <= '9' ? ch - '0' + 52 : ch == '+' ? 62 : ch == '/' ? 63 : -1;
        if (ch == '=')
            break;
        if (ch == '\n' || ch == ' ')
            continue;
        if (v < 0)
            return false;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            unsigned char byte = (unsigned char)(acc >> bits);
            if (o + 1 >= cap || byte == 0)
                return false;
            out[o++] = (char)byte;
        }
    }
    out[o] = 0;
    *out_n = o;
    return true;
}

/* postgresql.conf text found inside the file, its first line at `line`. */
static void add_embedded_conf(pgm_appconf *c, const char *text, unsigned line, const char *host, k8s_ctx *k)
{
    if (c->n_embedded_conf == PGM_APPCONF_MAX_WORKLOADS) {
        too_many(c, line, "embedded postgresql.conf texts");
        return;
    }
    if (!c->embedded_conf && !(c->embedded_conf = calloc(PGM_APPCONF_MAX_WORKLOADS, sizeof *c->embedded_conf))) {
        k->rc = PGM_FATAL;
        return;
    }
    if (!(c->embedded_conf[c->n_embedded_conf].text = strdup(text))) {
        k->rc = PGM_FATAL;
        return;
    }
    c->embedded_conf[c->n_embedded_conf].host = host;
    c->embedded_conf[c->n_embedded_conf++].line = line;
}

static bool ends_with_any(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && strcmp(name + n - 4, ".yml") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 11 && strcmp(name + n - 11, ".properties") == 0);
}

/* A ConfigMap or Secret: its data (a Secret's `data` base64-decoded, its
 * `stringData` as written), for the workloads that take it. */
static void env_source_doc(pgm_appconf *c, const pgm_ynode *root, unsigned off, bool secret, k8s_ctx *k)
{
    const pgm_ynode *name = yget(root, "metadata.name");
    if (!name || name->type != PGM_Y_SCALAR || !name->text)
        return;
    if (c->n_env_sources == PGM_APPCONF_MAX_WORKLOADS) {
        too_many(c, name->line + off, "ConfigMaps and Secrets");
        return;
    }
    if (!c->env_sources && !(c->env_sources = calloc(PGM_APPCONF_MAX_WORKLOADS, sizeof *c->env_sources))) {
        k->rc = PGM_FATAL;
        return;
    }
    pgm_appconf_env_source *s = &c->env_sources[c->n_env_sources];
    if (!(s->name = strdup(name->text))) {
        k->rc = PGM_FATAL;
        return;
    }
    s->secret = secret;
    s->line = name->line + off;
    int idx = (int)c->n_env_sources++;
    static const char *const blocks[] = {"data", "stringData"};
    for (size_t b = 0; b < 2 && k->rc != PGM_FATAL; b++) {
        const pgm_ynode *data = yget(root, blocks[b]);
        for (size_t j = 0; data && data->type == PGM_Y_MAP && j + 1 < data->n; j += 2) {
            const pgm_ynode *key = data->items[j], *value = data->items[j + 1];
            if (!key->text || value->type != PGM_Y_SCALAR)
                continue;
            const char *v = value->text ? value->text : "";
            size_t vn = value->text ? value->len : 0;
            size_t kl = key->len;
            bool conf = kl > 5 && strcmp(key->text + kl - 5, ".conf") == 0 && strstr(key->text, "postgres");
            if (!secret && conf) { /* postgresql.conf mounted from the ConfigMap */
                add_embedded_conf(c, v, value->line + off + 1, NULL, k);
                continue;
            }
            if (!secret && strncmp(key->text, "application", 11) == 0 && ends_with_any(key->text)) {
                /* application.yml mounted from it: read as the mounting service's */
                if (c->n_embedded_spring == PGM_APPCONF_MAX_WORKLOADS) {
                    too_many(c, value->line + off, "Spring files in ConfigMaps");
                    continue;
                }
                if (!c->embedded_spring &&
                    !(c->embedded_spring = calloc(PGM_APPCONF_MAX_WORKLOADS, sizeof *c->embedded_spring))) {
                    k->rc = PGM_FATAL;
                    return;
                }
                size_t e = c->n_embedded_spring;
                c->embedded_spring[e].configmap = strdup(s->name);
                c->embedded_spring[e].name = strdup(key->text);
                c->embedded_spring[e].text = strndup(v, vn);
                c->embedded_spring[e].line = value->line + off + 1;
                c->n_embedded_spring++;
                if (!c->embedded_spring[e].configmap || !c->embedded_spring[e].name || !c->embedded_spring[e].text)
                    k->rc = PGM_FATAL;
                continue;
            }
            if (strchr(key->text, '.'))
                continue; /* another file mounted from it, no variable */
            char plain[4096];
            size_t pn;
            if (secret && b == 0 && unbase64(v, vn, plain, sizeof plain, &pn))
                v = plain, vn = pn;
            size_t before = c->n;
            if (add_key(c, key->text, key->len, v, vn, value->line + off, (unsigned)c->n_docs - 1, -1) != PGM_OK) {
                k->rc = PGM_FATAL;
                return;
            }
            if (c->n > before) {
                c->keys[c->n - 1].source = idx;
                c->keys[c->n - 1].standalone = true;
            }
        }
    }
}

static void container_env(pgm_appconf *c, const pgm_ynode *pod, unsigned off, int w, k8s_ctx *k)
{
    static const char *const lists[] = {"containers", "initContainers"};
    for (size_t l = 0; l < 2; l++) {
        const pgm_ynode *cs = yget(pod, lists[l]);
        if (!cs || cs->type != PGM_Y_SEQ)
            continue;
        for (size_t i = 0; i < cs->n; i++) {
            /* a container without env may still have envFrom and a command line */
            const pgm_ynode *env = yget(cs->items[i], "env");
            for (size_t j = 0; env && env->type == PGM_Y_SEQ && j < env->n && k->rc != PGM_FATAL; j++) {
                const pgm_ynode *name = yget(env->items[j], "name");
                const pgm_ynode *value = yget(env->items[j], "value");
                if (!name || name->type != PGM_Y_SCALAR || !name->text)
                    continue;
                if (!value || value->type != PGM_Y_SCALAR) {
                    /* valueFrom: a ConfigMap's or Secret's key (a field of the pod is no configuration) */
                    for (int secret = 0; secret < 2; secret++) {
                        const pgm_ynode *ref =
                            yget(env->items[j], secret ? "valueFrom.secretKeyRef" : "valueFrom.configMapKeyRef");
                        const pgm_ynode *rn = ref ? yget(ref, "name") : NULL, *rk = ref ? yget(ref, "key") : NULL;
                        if (rn && rk && rn->text && rk->text &&
                            add_ref(c, w, rn->text, secret, name->text, rk->text, NULL, name->line + off) != PGM_OK)
                            k->rc = PGM_FATAL;
                    }
                    continue;
                }
                if (add_key(c, name->text, name->len, value->text ? value->text : "", value->len,
                            value->line + off, (unsigned)c->n_docs - 1, w) != PGM_OK)
                    k->rc = PGM_FATAL;
                else if (is_java_options(name->text) && value->text &&
                         add_words(c, value->text, value->line + off, (unsigned)c->n_docs - 1, w, "-D",
                                   PGM_KEY_SYSPROP) != PGM_OK)
                    k->rc = PGM_FATAL;
            }
            /* envFrom: every key of a ConfigMap or Secret, under an optional prefix */
            const pgm_ynode *from = yget(cs->items[i], "envFrom");
            for (size_t j = 0; from && from->type == PGM_Y_SEQ && j < from->n && k->rc != PGM_FATAL; j++)
                for (int secret = 0; secret < 2; secret++) {
                    const pgm_ynode *rn = yget(from->items[j], secret ? "secretRef.name" : "configMapRef.name");
                    const pgm_ynode *px = yget(from->items[j], "prefix");
                    if (rn && rn->type == PGM_Y_SCALAR && rn->text &&
                        add_ref(c, w, rn->text, secret, NULL, NULL, px && px->type == PGM_Y_SCALAR ? px->text : NULL,
                                rn->line + off) != PGM_OK)
                        k->rc = PGM_FATAL;
                }
            /* the command line: --spring.datasource.hikari.maximum-pool-size=5 */
            static const char *const lines[] = {"command", "args"};
            for (size_t cl = 0; cl < 2 && k->rc != PGM_FATAL; cl++) {
                const pgm_ynode *words = yget(cs->items[i], lines[cl]);
                for (size_t j = 0; words && words->type == PGM_Y_SEQ && j < words->n; j++) {
                    const pgm_ynode *word = words->items[j];
                    if (word->type != PGM_Y_SCALAR || !word->text)
                        continue;
                    if (add_words(c, word->text, word->line + off, (unsigned)c->n_docs - 1, w, "--", PGM_KEY_ARG) != PGM_OK ||
                        add_words(c, word->text, word->line + off, (unsigned)c->n_docs - 1, w, "-D", PGM_KEY_SYSPROP) != PGM_OK)
                        k->rc = PGM_FATAL;
                }
            }
        }
    }
}

/* One postgres command-line setting: "-c" then "name=value", "-cname=value"
 * or "--name=value" (postgres(1)); `*want_value`: the word before was -c. */
/* A PostgreSQL server the file runs, answering to `host`: its index, -1
 * when the file has too many, -2 on memory. */
static int add_pg_server(pgm_appconf *c, const char *host, const char *what, unsigned line)
{
    if (c->n_pg_servers == PGM_APPCONF_MAX_WORKLOADS) {
        too_many(c, line, "PostgreSQL servers");
        return -1;
    }
    if (!c->pg_servers && !(c->pg_servers = calloc(PGM_APPCONF_MAX_WORKLOADS, sizeof *c->pg_servers)))
        return -2;
    c->pg_servers[c->n_pg_servers].host = NULL;
    if (host && !(c->pg_servers[c->n_pg_servers].host = strdup(host)))
        return -2;
    c->pg_servers[c->n_pg_servers].what = what;
    return (int)c->n_pg_servers++;
}

static void postgres_word(pgm_appconf *c, int server, const char *w, size_t n, unsigned line, bool *want_value,
                          k8s_ctx *k)
{
    const char *nv = NULL;
    if (*want_value)
        nv = w;
    else if (n > 2 && w[0] == '-' && w[1] == 'c')
        nv = w + 2;
    else if (n > 2 && w[0] == '-' && w[1] == '-')
        nv = w + 2;
    *want_value = n == 2 && w[0] == '-' && w[1] == 'c';
    const char *eq = nv ? memchr(nv, '=', n - (size_t)(nv - w)) : NULL;
    if (!eq || eq == nv)
        return;
    if (c->n_pg_args == PGM_APPCONF_MAX_WORKLOADS) {
        too_many(c, line, "postgres -c settings");
        return;
    }
    char *name = strndup(nv, (size_t)(eq - nv)), *value = strndup(eq + 1, n - (size_t)(eq + 1 - w));
    if (!name || !value) {
        free(name);
        free(value);
        k->rc = PGM_FATAL;
        return;
    }
    for (char *q = name; *q; q++)
        if (*q == '-')
            *q = '_'; /* --max-connections is max_connections */
    c->pg_args[c->n_pg_args].name = name;
    c->pg_args[c->n_pg_args].value = value;
    c->pg_args[c->n_pg_args].line = line;
    c->pg_args[c->n_pg_args].server = server;
    c->n_pg_args++;
}

/* A Compose service of a postgres image: the settings its command line gives
 * the server (command: postgres -c max_connections=200), a line or a list. */
static void postgres_args(pgm_appconf *c, int server, const pgm_ynode *cmd, unsigned off, k8s_ctx *k)
{
    bool want_value = false;
    for (size_t j = 0; j < (cmd->type == PGM_Y_SEQ ? cmd->n : 1) && k->rc != PGM_FATAL; j++) {
        const pgm_ynode *word = cmd->type == PGM_Y_SEQ ? cmd->items[j] : cmd;
        if (word->type != PGM_Y_SCALAR || !word->text)
            continue;
        for (const char *p = word->text; *p && k->rc != PGM_FATAL;) {
            while (*p == ' ' || *p == '\t')
                p++;
            size_t n = strcspn(p, " \t");
            if (n)
                postgres_word(c, server, p, n, word->line + off, &want_value, k);
            p += n;
        }
    }
}

/* An operator's parameters, or a Helm chart's (a map of postgresql.conf
 * names to values; `camel`: maxConnections for max_connections). */
static void operator_params(pgm_appconf *c, const pgm_ynode *params, const char *host, const char *what, bool camel,
                            unsigned off, k8s_ctx *k)
{
    if (!params || params->type != PGM_Y_MAP || params->n < 2)
        return;
    int server = add_pg_server(c, host, what, params->items[0]->line + off);
    if (server == -2)
        k->rc = PGM_FATAL;
    for (size_t j = 0; server >= 0 && j + 1 < params->n && k->rc != PGM_FATAL; j += 2) {
        const pgm_ynode *name = params->items[j], *value = params->items[j + 1];
        if (!name->text || value->type != PGM_Y_SCALAR || !value->text)
            continue;
        char word[1024];
        size_t o = 0;
        for (const char *q = name->text; *q && o + 2 < sizeof word / 2; q++) {
            if (camel && *q >= 'A' && *q <= 'Z') {
                word[o++] = '_';
                word[o++] = (char)(*q - 'A' + 'a');
            } else {
                word[o++] = *q;
            }
        }
        snprintf(word + o, sizeof word - o, "=%s", value->text);
        bool want_value = true;
        postgres_word(c, server, word, strlen(word), value->line + off, &want_value, k);
    }
}

/* The passwords written into Helm values: every non-empty literal under
 * a key ending in "password" (postgresqlPassword, auth.rootPassword), as a
 * standalone key with its dotted path; a section with `enabled: false` runs
 * nothing and is passed over. */
#define PGM_APPCONF_HELM_DEPTH 32
static void helm_secrets(pgm_appconf *c, const pgm_ynode *m, const char *path, unsigned off, unsigned depth,
                         k8s_ctx *k)
{
    if (!m || m->type != PGM_Y_MAP || depth == PGM_APPCONF_HELM_DEPTH)
        return;
    const pgm_ynode *enabled = yget(m, "enabled");
    if (enabled && enabled->type == PGM_Y_SCALAR && enabled->text && strcmp(enabled->text, "false") == 0)
        return;
    for (size_t j = 0; j + 1 < m->n && k->rc != PGM_FATAL; j += 2) {
        const pgm_ynode *key = m->items[j], *value = m->items[j + 1];
        if (!key->text)
            continue;
        char sub[512];
        snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key->text);
        if (value->type == PGM_Y_MAP) {
            helm_secrets(c, value, sub, off, depth + 1, k);
            continue;
        }
        size_t kl = key->len;
        if (value->type != PGM_Y_SCALAR || !value->text || !value->len || kl < 8 ||
            strcasecmp(key->text + kl - 8, "password") != 0 || strstr(value->text, "{{"))
            continue;
        size_t before = c->n;
        if (add_key(c, sub, strlen(sub), value->text, value->len, value->line + off, (unsigned)c->n_docs - 1, -1) !=
            PGM_OK)
            k->rc = PGM_FATAL;
        else if (c->n > before)
            c->keys[c->n - 1].standalone = true, c->keys[c->n - 1].origin = PGM_KEY_FILE;
    }
}

/* A Helm chart's values for the PostgreSQL chart (Bitnami's, as the chart
 * or as its `postgresql` subchart): the server's settings
 * (primary.extendedConfiguration and primary.configuration as text,
 * postgresqlExtendedConf and postgresqlConfiguration as maps of camelCase
 * names in its older releases), and the passwords written anywhere in the
 * values. A disabled subchart runs no server. */
static void helm_doc(pgm_appconf *c, const pgm_ynode *root, unsigned off, k8s_ctx *k)
{
    helm_secrets(c, root, "", off, 0, k);
    const pgm_ynode *base = yget(root, "postgresql");
    if (!base || base->type != PGM_Y_MAP)
        base = root;
    const pgm_ynode *enabled = yget(base, "enabled");
    if (enabled && enabled->type == PGM_Y_SCALAR && enabled->text && strcmp(enabled->text, "false") == 0)
        return;
    static const char *const texts[] = {"primary.extendedConfiguration", "primary.configuration"};
    for (size_t i = 0; i < 2 && k->rc != PGM_FATAL; i++) {
        const pgm_ynode *t = yget(base, texts[i]);
        if (t && t->type == PGM_Y_SCALAR && t->text && t->len)
            /* a block scalar starts below its key; the chart names its
             * service RELEASE-postgresql as a subchart */
            add_embedded_conf(c, t->text, t->line + off + 1, base == root ? NULL : "*-postgresql", k);
    }
    static const char *const maps[] = {"postgresqlExtendedConf", "postgresqlConfiguration"};
    for (size_t i = 0; i < 2 && k->rc != PGM_FATAL; i++)
        operator_params(c, yget(base, maps[i]), base == root ? NULL : "*-postgresql", "Helm values", true, off, k);
}

/* A docker-compose file's services as workloads: each one's `environment`
 * (a map, or a list of NAME=value; a bare NAME takes the host's value, not
 * in the bundle), its `command` (a line or a list of words: --key=value and
 * -Dkey=value), and deploy.replicas. */
static void compose_doc(pgm_appconf *c, const pgm_ynode *services, unsigned off, k8s_ctx *k)
{
    for (size_t s = 0; s + 1 < services->n && k->rc != PGM_FATAL; s += 2) {
        const pgm_ynode *sname = services->items[s], *svc = services->items[s + 1];
        if (!sname->text || svc->type != PGM_Y_MAP)
            continue;
        if (c->n_workloads == PGM_APPCONF_MAX_WORKLOADS) {
            too_many(c, sname->line + off, "workloads");
            return;
        }
        pgm_appconf_workload *w = &c->workloads[c->n_workloads];
        const pgm_ynode *rep = yget(svc, "deploy.replicas");
        w->kind = strdup("compose service");
        w->name = strdup(sname->text);
        if (!w->kind || !w->name) {
            free(w->kind);
            free(w->name);
            k->rc = PGM_FATAL;
            return;
        }
        w->line = sname->line + off;
        w->replicas = rep ? ylong(rep) : -1;
        w->replicas_line = rep ? rep->line + off : 0;
        w->max_replicas = -1;
        w->max_replicas_line = 0;
        int wi = (int)c->n_workloads++;
        unsigned doc = (unsigned)c->n_docs - 1;
        const pgm_ynode *env = yget(svc, "environment");
        for (size_t j = 0; env && env->type == PGM_Y_MAP && j + 1 < env->n && k->rc != PGM_FATAL; j += 2) {
            const pgm_ynode *name = env->items[j], *value = env->items[j + 1];
            if (!name->text || value->type != PGM_Y_SCALAR)
                continue;
            if (add_key(c, name->text, name->len, value->text ? value->text : "", value->len, value->line + off, doc,
                        wi) != PGM_OK)
                k->rc = PGM_FATAL;
        }
        for (size_t j = 0; env && env->type == PGM_Y_SEQ && j < env->n && k->rc != PGM_FATAL; j++) {
            const pgm_ynode *item = env->items[j];
            const char *eq = item->type == PGM_Y_SCALAR && item->text ? strchr(item->text, '=') : NULL;
            if (!eq || eq == item->text)
                continue; /* NAME alone: the host's value */
            if (add_key(c, item->text, (size_t)(eq - item->text), eq + 1, strlen(eq + 1), item->line + off, doc, wi) !=
                PGM_OK)
                k->rc = PGM_FATAL;
        }
        /* env_file: a path, a list of paths, or of {path: ...} (Compose 2.24+);
         * `environment` wins over it */
        const pgm_ynode *ef = yget(svc, "env_file");
        for (size_t j = 0; ef && k->rc != PGM_FATAL && j < (ef->type == PGM_Y_SEQ ? ef->n : 1); j++) {
            const pgm_ynode *item = ef->type == PGM_Y_SEQ ? ef->items[j] : ef;
            if (item->type == PGM_Y_MAP)
                item = yget(item, "path");
            if (!item || item->type != PGM_Y_SCALAR || !item->text)
                continue;
            if (add_ref(c, wi, item->text, false, NULL, NULL, NULL, item->line + off) != PGM_OK)
                k->rc = PGM_FATAL;
            else
                c->env_refs[c->n_env_refs - 1].file = true;
        }
        const pgm_ynode *cmd = yget(svc, "command");
        const pgm_ynode *image = yget(svc, "image");
        if (image && image->type == PGM_Y_SCALAR && image->text && !(w->image = strdup(image->text))) {
            k->rc = PGM_FATAL;
            return;
        }
        if (cmd && image && image->type == PGM_Y_SCALAR && image->text && strstr(image->text, "postgres")) {
            int server = add_pg_server(c, sname->text, "Compose service", sname->line + off);
            if (server == -2)
                k->rc = PGM_FATAL;
            else if (server >= 0)
                postgres_args(c, server, cmd, off, k);
        }
        for (size_t j = 0; cmd && k->rc != PGM_FATAL && j < (cmd->type == PGM_Y_SEQ ? cmd->n : 1); j++) {
            const pgm_ynode *word = cmd->type == PGM_Y_SEQ ? cmd->items[j] : cmd;
            if (word->type != PGM_Y_SCALAR || !word->text)
                continue;
            if (add_words(c, word->text, word->line + off, doc, wi, "--", PGM_KEY_ARG) != PGM_OK ||
                add_words(c, word->text, word->line + off, doc, wi, "-D", PGM_KEY_SYSPROP) != PGM_OK)
                k->rc = PGM_FATAL;
        }
    }
}

static void k8s_doc(pgm_appconf *c, const pgm_ynode *root, unsigned off, void *ctx)
{
    k8s_ctx *k = ctx;
    if (k->rc == PGM_FATAL || root->type != PGM_Y_MAP)
        return;
    if (new_doc(c) != PGM_OK) {
        k->rc = PGM_FATAL;
        return;
    }
    const pgm_ynode *kind = yget(root, "kind");
    const pgm_ynode *services = yget(root, "services");
    if ((!kind || kind->type != PGM_Y_SCALAR || !kind->text) && services && services->type == PGM_Y_MAP) {
        compose_doc(c, services, off, k);
        return;
    }
    if ((!kind || kind->type != PGM_Y_SCALAR || !kind->text) && (yget(root, "postgresql") || yget(root, "primary"))) {
        helm_doc(c, root, off, k);
        return;
    }
    if (!kind || kind->type != PGM_Y_SCALAR || !kind->text)
        return;
    if (strcmp(kind->text, "List") == 0) {
        const pgm_ynode *items = yget(root, "items");
        for (size_t i = 0; items && items->type == PGM_Y_SEQ && i < items->n; i++)
            k8s_doc(c, items->items[i], off, ctx);
        return;
    }
    if (strcmp(kind->text, "ConfigMap") == 0 || strcmp(kind->text, "Secret") == 0) {
        env_source_doc(c, root, off, strcmp(kind->text, "Secret") == 0, k);
        return;
    }
    /* PostgreSQL operators' clusters: their parameters, and the service
     * their clients connect to (Zalando: the cluster's name; CloudNativePG:
     * NAME-rw; Crunchy PGO: NAME-primary) */
    const pgm_ynode *cluster = yget(root, "metadata.name");
    if (cluster && cluster->type == PGM_Y_SCALAR && cluster->text) {
        char host[300];
        if (strcmp(kind->text, "postgresql") == 0) {
            operator_params(c, yget(root, "spec.postgresql.parameters"), cluster->text, "Zalando postgresql", false, off,
                            k);
            return;
        }
        if (strcmp(kind->text, "Cluster") == 0 && yget(root, "spec.instances")) {
            snprintf(host, sizeof host, "%s-rw", cluster->text);
            operator_params(c, yget(root, "spec.postgresql.parameters"), host, "CloudNativePG Cluster", false, off, k);
            return;
        }
        if (strcmp(kind->text, "PostgresCluster") == 0) {
            snprintf(host, sizeof host, "%s-primary", cluster->text);
            operator_params(c, yget(root, "spec.patroni.dynamicConfiguration.postgresql.parameters"), host,
                            "Crunchy PostgresCluster", false, off, k);
            return;
        }
    }
    if (strcmp(kind->text, "HorizontalPodAutoscaler") == 0) {
        const pgm_ynode *t = yget(root, "spec.scaleTargetRef.name");
        const pgm_ynode *m = yget(root, "spec.maxReplicas");
        if (t && t->text && ylong(m) >= 0 && k->n_hpa == PGM_APPCONF_MAX_WORKLOADS)
            too_many(c, m->line + off, "autoscalers");
        if (t && t->text && ylong(m) >= 0 && k->n_hpa < PGM_APPCONF_MAX_WORKLOADS) {
            k->hpa[k->n_hpa].target = strdup(t->text);
            k->hpa[k->n_hpa].max = ylong(m);
            k->hpa[k->n_hpa].line = m->line + off;
            if (k->hpa[k->n_hpa].target)
                k->n_hpa++;
        }
        return;
    }
    const char *pod_path = NULL;
    static const struct {
        const char *kind, *pod;
    } kinds[] = {
        {"Deployment", "spec.template.spec"}, {"StatefulSet", "spec.template.spec"},
        {"DaemonSet", "spec.template.spec"},  {"ReplicaSet", "spec.template.spec"},
        {"Job", "spec.template.spec"},        {"CronJob", "spec.jobTemplate.spec.template.spec"},
        {"Pod", "spec"},                      {"DeploymentConfig", "spec.template.spec"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind->text, kinds[i].kind) == 0)
            pod_path = kinds[i].pod;
    if (pod_path && c->n_workloads == PGM_APPCONF_MAX_WORKLOADS)
        too_many(c, kind->line + off, "workloads");
    if (!pod_path || c->n_workloads == PGM_APPCONF_MAX_WORKLOADS)
        return;
    pgm_appconf_workload *w = &c->workloads[c->n_workloads];
    const pgm_ynode *name = yget(root, "metadata.name");
    const pgm_ynode *rep = yget(root, "spec.replicas");
    w->kind = strdup(kind->text);
    w->name = strdup(name && name->text ? name->text : "");
    if (!w->kind || !w->name) {
        free(w->kind);
        free(w->name);
        k->rc = PGM_FATAL;
        return;
    }
    w->line = name ? name->line + off : kind->line + off;
    w->replicas = strcmp(kind->text, "Pod") == 0 ? 1 : ylong(rep);
    w->replicas_line = rep ? rep->line + off : 0;
    w->max_replicas = -1;
    w->max_replicas_line = 0;
    c->n_workloads++;
    const pgm_ynode *image = yget(root, pod_path);
    image = image ? yget(image, "containers") : NULL;
    image = image && image->type == PGM_Y_SEQ && image->n ? yget(image->items[0], "image") : NULL;
    if (image && image->type == PGM_Y_SCALAR && image->text && !(w->image = strdup(image->text))) {
        k->rc = PGM_FATAL;
        return;
    }
    const pgm_ynode *cs = yget(root, pod_path);
    cs = cs ? yget(cs, "containers") : NULL;
    for (size_t i = 0; cs && cs->type == PGM_Y_SEQ && i < cs->n; i++) {
        const pgm_ynode *ports = yget(cs->items[i], "ports"), *mounts = yget(cs->items[i], "volumeMounts");
        for (size_t j = 0; ports && ports->type == PGM_Y_SEQ && j < ports->n; j++)
            w->runs_postgres = w->runs_postgres || ylong(yget(ports->items[j], "containerPort")) == 5432;
        for (size_t j = 0; mounts && mounts->type == PGM_Y_SEQ && j < mounts->n; j++) {
            const pgm_ynode *mp = yget(mounts->items[j], "mountPath");
            w->runs_postgres = w->runs_postgres || (mp && mp->text && strncmp(mp->text, "/var/lib/postgresql", 19) == 0);
        }
    }
    container_env(c, yget(root, pod_path), off, (int)c->n_workloads - 1, k);
    const pgm_ynode *vols = yget(root, pod_path);
    vols = vols ? yget(vols, "volumes") : NULL;
    for (size_t i = 0; vols && vols->type == PGM_Y_SEQ && i < vols->n && k->rc != PGM_FATAL; i++) {
        const pgm_ynode *cm = yget(vols->items[i], "configMap.name");
        if (!cm || cm->type != PGM_Y_SCALAR || !cm->text)
            continue;
        if (add_ref(c, (int)c->n_workloads - 1, cm->text, false, NULL, NULL, NULL, cm->line + off) != PGM_OK)
            k->rc = PGM_FATAL;
        else
            c->env_refs[c->n_env_refs - 1].mount = true;
    }
}

/* ---- entry points ---- */

int pgm_appconf_read(pgm_appconf *c, enum pgm_appconf_form form, const char *path,
                     const char *name, const char *data, size_t len)
{
    memset(c, 0, sizeof *c);
    c->form = form;
    c->path = strdup(path);
    if (!c->path)
        return PGM_FATAL;
    /* application-{profile}.properties / .yml / .yaml */
    if (name && strncmp(name, "application-", 12) == 0) {
        const char *dot = strrchr(name, '.');
        if (dot && dot > name + 12 && !(c->profile = strndup(name + 12, (size_t)(dot - name - 12))))
            return PGM_FATAL;
    }
    int rc = PGM_OK;
    switch (form) {
    case PGM_APPCONF_PROPERTIES:
    case PGM_APPCONF_HIKARI:
        rc = read_properties(c, data, len);
        break;
    case PGM_APPCONF_ENV:
        rc = read_env(c, data, len);
        break;
    case PGM_APPCONF_YAML: {
        int inner = PGM_OK;
        rc = for_each_yaml_doc(c, data, len, spring_doc, &inner);
        if (inner == PGM_FATAL)
            rc = PGM_FATAL;
        break;
    }
    case PGM_APPCONF_K8S: {
        k8s_ctx k;
        memset(&k, 0, sizeof k);
        rc = for_each_yaml_doc(c, data, len, k8s_doc, &k);
        for (size_t h = 0; h < k.n_hpa; h++) {
            for (size_t w = 0; w < c->n_workloads; w++)
                if (strcmp(c->workloads[w].name, k.hpa[h].target) == 0) {
                    c->workloads[w].max_replicas = k.hpa[h].max;
                    c->workloads[w].max_replicas_line = k.hpa[h].line;
                }
            /* kept too: the workload may be in another file */
            c->autoscalers[c->n_autoscalers].target = k.hpa[h].target;
            c->autoscalers[c->n_autoscalers].max_replicas = k.hpa[h].max;
            c->autoscalers[c->n_autoscalers].line = k.hpa[h].line;
            c->n_autoscalers++;
        }
        if (k.rc == PGM_FATAL)
            rc = PGM_FATAL;
        break;
    }
    }
    if (rc == PGM_OK && c->error)
        rc = PGM_WARN;
    return rc;
}

void pgm_appconf_free(pgm_appconf *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->keys[i].key);
        free(c->keys[i].value);
    }
    free(c->keys);
    for (size_t i = 0; i < c->n_docs; i++)
        free(c->on_profile[i]);
    free(c->on_profile);
    for (size_t i = 0; i < c->n_workloads; i++) {
        free(c->workloads[i].kind);
        free(c->workloads[i].name);
        free(c->workloads[i].image);
    }
    for (size_t i = 0; i < c->n_autoscalers; i++)
        free(c->autoscalers[i].target);
    for (size_t i = 0; i < c->n_env_sources; i++)
        free(c->env_sources[i].name);
    for (size_t i = 0; i < c->n_env_refs; i++)
        free(c->env_refs[i].source), free(c->env_refs[i].var), free(c->env_refs[i].key), free(c->env_refs[i].prefix);
    free(c->env_refs);
    for (size_t i = 0; i < c->n_pg_servers; i++)
        free(c->pg_servers[i].host);
    for (size_t i = 0; i < c->n_embedded_conf; i++)
        free(c->embedded_conf[i].text);
    for (size_t i = 0; i < c->n_embedded_spring; i++)
        free(c->embedded_spring[i].configmap), free(c->embedded_spring[i].name), free(c->embedded_spring[i].text);
    free(c->embedded_spring);
    free(c->embedded_conf);
    free(c->pg_servers);
    free(c->env_sources);
    free(c->configmap);
    for (size_t i = 0; i < c->n_pg_args; i++) {
        free(c->pg_args[i].name);
        free(c->pg_args[i].value);
    }
    free(c->path);
    free(c->profile);
    free(c->error);
    memset(c, 0, sizeof *c);
}

bool pgm_appconf_form_of(const char *name, const char *kind, enum pgm_appconf_form *out)
{
    if (strcmp(kind, "hikari_conf") == 0) {
        *out = PGM_APPCONF_HIKARI;
        return true;
    }
    if (strcmp(kind, "env_file") == 0) {
        *out = PGM_APPCONF_ENV;
        return true;
    }
    if (strcmp(kind, "k8s_manifest") == 0) {
        *out = PGM_APPCONF_K8S;
        return true;
    }
    if (strcmp(kind, "spring_conf") == 0) {
        size_t n = strlen(name);
        *out = n > 11 && strcmp(name + n - 11, ".properties") == 0 ? PGM_APPCONF_PROPERTIES
                                                                   : PGM_APPCONF_YAML;
        return true;
    }
    return false;
}
