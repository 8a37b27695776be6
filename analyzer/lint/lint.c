#define _GNU_SOURCE /* memmem */
#include "lint/lint.h"

#include <fnmatch.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle/bundle.h"
#include "catalog/catalog.h"
#include "config/bouncer.h"
#include "config/maven.h"
#include "config/pgconf.h"
#include "rules/yaml_doc.h"
#include "envelope/unwrap.h"
#include "sniff/sniff.h"
#include "util/chains.h"
#include "util/fmt.h"
#include "util/grow.h"
#include "util/intern.h"
#include "util/name_index.h"
#include "util/redact.h"
#include "util/strbuf.h"

/* A configuration file held in memory for the whole run. */
typedef struct cfile {
    char *path, *name, *kind, *format;
    char *data;
    size_t len;
} cfile;

typedef struct boot_seen {
    char version[32];
    char *path;
    unsigned line;
    bool mybatis_only;
    const char *other_pool, *other_pool_why; /* pgm_config_build_other_pool's */
    unsigned other_pool_line;
} boot_seen;

/* A pom.xml of the inputs: the module it builds, what it depends on, and
 * the pool its own build brings in HikariCP's place (or NULL). */
typedef struct maven_module {
    char *path;
    pgm_maven_pom pom;
    const char *other_pool, *other_pool_why;
    unsigned other_pool_line;
    char *inherited_why; /* "through its dependency on ...": owned */
} maven_module;

typedef struct walk {
    cfile *files;
    size_t n, alloc;
    size_t bytes;           /* held, all files together */
    pgm_interner too_large; /* paths of files past PGM_LINT_MAX_FILE_BYTES: an include of one says so */
    /* the files by path, made at the first look: each path once (interned),
     * the files chained by its stored copy's address */
    pgm_interner paths;
    pgm_chains by_path;
    bool index_failed;
    boot_seen boots[PGM_CONFIG_MAX_BUILD_FILES];
    size_t n_boots;
    maven_module *modules;
    size_t n_modules, modules_alloc;
    const pgm_lint_options *o;
    pgm_lint *out;
    bool oom;
} walk;

static void warn(const pgm_lint_options *o, const char *path, const char *msg)
{
    if (o->warn)
        o->warn(o->warn_ctx, path, msg);
}

static bool is_config_kind(enum pgm_kind k)
{
    return k == PGM_KIND_PG_CONF || k == PGM_KIND_PG_SETTINGS || k == PGM_KIND_SPRING_CONF ||
           k == PGM_KIND_HIKARI_CONF || k == PGM_KIND_ENV_FILE || k == PGM_KIND_K8S_MANIFEST ||
           k == PGM_KIND_PGBOUNCER_CONF;
}

/* an include of a file lint would not read says the size postgresql.conf's reader names */
_Static_assert(PGM_LINT_MAX_FILE_BYTES == PGM_CONF_MAX_FILE, "one bound for a configuration file");

_Static_assert(PGM_CONFIG_MAX_BUILD_FILES == 256u, "read_build_file's message names 256");

static int add_module(walk *w, const char *path, const char *text, size_t n, const boot_seen *b)
{
    maven_module *v = pgm_grow(w->modules, &w->modules_alloc, w->n_modules, sizeof *v, 16);
    if (!v)
        return PGM_FATAL;
    w->modules = v;
    maven_module *m = &v[w->n_modules];
    memset(m, 0, sizeof *m);
    if (pgm_maven_pom_read(text, n, &m->pom) != PGM_OK)
        return PGM_FATAL;
    if (!(m->path = strdup(path))) {
        pgm_maven_pom_free(&m->pom);
        return PGM_FATAL;
    }
    m->other_pool = b->other_pool;
    m->other_pool_why = b->other_pool_why;
    m->other_pool_line = b->other_pool_line;
    w->n_modules++;
    return PGM_OK;
}

/* Modules followed from a service through each other's dependencies, at
 * most: a real chain is a few long (a cycle of a broken build ends where
 * it comes back to a module being looked through). */
#define PGM_LINT_MODULE_CHAIN_MAX 16u

/* What module_pool found for each module: not yet looked, being looked
 * through (a cycle), or looked (pool_of its answer, SIZE_MAX for none). */
typedef struct module_memo {
    unsigned char *state;
    size_t *pool_of;
} module_memo;

/* The module of the inputs that brings another pool and that module `i`
 * is or depends on, directly or through other modules (each looked through
 * once), or SIZE_MAX; *via: i's dependency the chain starts with. */
static size_t module_pool(const walk *w, const pgm_name_index *by_artifact, module_memo *memo, size_t i,
                          unsigned depth, const pgm_maven_dep **via)
{
    const maven_module *m = &w->modules[i];
    if (m->other_pool)
        return i;
    if (memo->state[i] == 2 && !via)
        return memo->pool_of[i];
    if (memo->state[i] == 1 || depth == PGM_LINT_MODULE_CHAIN_MAX)
        return SIZE_MAX;
    memo->state[i] = 1;
    size_t found = SIZE_MAX;
    for (size_t d = 0; d < m->pom.n_deps && found == SIZE_MAX; d++)
        for (uint32_t t = pgm_name_index_first(by_artifact, m->pom.deps[d].artifact);
             t != PGM_CHAINS_NONE && found == SIZE_MAX; t = pgm_name_index_next(by_artifact, t))
            if (t != i && (found = module_pool(w, by_artifact, memo, t, depth + 1, NULL)) != SIZE_MAX && via)
                *via = &m->pom.deps[d];
    memo->state[i] = 2;
    memo->pool_of[i] = found;
    return found;
}

/* A module that brings no other pool itself but depends on one of the
 * inputs that does (mall-demo on mall-mbg, which brings
 * druid-spring-boot-starter) runs that pool: its build entry says so. */
static int inherit_module_pools(walk *w)
{
    pgm_name_index by_artifact = {0};
    module_memo memo = {calloc(w->n_modules + 1, 1), calloc(w->n_modules + 1, sizeof(size_t))};
    int rc = memo.state && memo.pool_of ? PGM_OK : PGM_FATAL;
    for (size_t i = 0; i < w->n_modules && rc == PGM_OK; i++)
        if (pgm_name_index_add(&by_artifact, w->modules[i].pom.artifact ? w->modules[i].pom.artifact : "") != 0)
            rc = PGM_FATAL;
    for (size_t i = 0; i < w->n_modules && rc == PGM_OK; i++) {
        maven_module *m = &w->modules[i];
        const pgm_maven_dep *via = NULL;
        size_t found = m->other_pool ? SIZE_MAX : module_pool(w, &by_artifact, &memo, i, 0, &via);
        if (found == SIZE_MAX || !via)
            continue;
        const maven_module *t = &w->modules[found];
        char why[512];
        pgm_fmt(why, sizeof why, "through its dependency on %s, which brings it from %s:%u", via->artifact, t->path,
                t->other_pool_line);
        size_t b = 0;
        while (b < w->n_boots && strcmp(w->boots[b].path, m->path) != 0)
            b++;
        if (b == w->n_boots) {
            if (w->n_boots == PGM_CONFIG_MAX_BUILD_FILES)
                continue; /* said when the build files were read */
            memset(&w->boots[b], 0, sizeof w->boots[b]);
            if (!(w->boots[b].path = strdup(m->path))) {
                rc = PGM_FATAL;
                break;
            }
            w->n_boots++;
        }
        if (!(m->inherited_why = strdup(why))) {
            rc = PGM_FATAL;
            break;
        }
        w->boots[b].other_pool = t->other_pool;
        w->boots[b].other_pool_line = via->line;
        w->boots[b].other_pool_why = m->inherited_why;
    }
    pgm_name_index_free(&by_artifact);
    free(memo.state);
    free(memo.pool_of);
    return rc;
}

/* pom.xml, build.gradle, a jar's MANIFEST.MF: Spring Boot's version, which
 * decides the HikariCP release and so its defaults. */
static int read_build_file(walk *w, const pgm_file_info *info, pgm_source *content)
{
    enum { MAX_BUILD_FILE = 4u << 20 };
    if (w->n_boots == PGM_CONFIG_MAX_BUILD_FILES) {
        warn(w->o, info->display_path, "more than 256 build files name a Spring Boot version: this one is not "
                                       "read (PGM_CONFIG_MAX_BUILD_FILES); its service's HikariCP defaults are guessed");
        w->out->problems++;
        return PGM_OK;
    }
    char *buf = malloc(MAX_BUILD_FILE);
    if (!buf) {
        w->oom = true;
        return PGM_FATAL;
    }
    ptrdiff_t got = pgm_source_read_full(content, buf, MAX_BUILD_FILE);
    boot_seen *b = &w->boots[w->n_boots];
    memset(b, 0, sizeof *b);
    bool version = got > 0 && pgm_config_find_boot_version(info->name, buf, (size_t)got, b->version,
                                                           sizeof b->version, &b->line);
    if (got > 0)
        b->other_pool = pgm_config_build_other_pool(buf, (size_t)got, &b->other_pool_line, &b->other_pool_why);
    if (got > 0 && strcmp(info->name, "pom.xml") == 0 && add_module(w, info->display_path, buf, (size_t)got, b) != PGM_OK) {
        free(buf);
        w->oom = true;
        return PGM_FATAL;
    }
    if (version || b->other_pool) { /* another pool is said even where no Boot version is */
        if (!(b->path = strdup(info->display_path))) {
            free(buf);
            w->oom = true;
            return PGM_FATAL;
        }
        b->mybatis_only = pgm_config_build_has_mybatis_only(buf, (size_t)got);
        w->n_boots++;
    }
    free(buf);
    return PGM_OK;
}

/* The tool's own rules (SARIF's rules list, `rules show`). */
const pgm_lint_own_rule pgm_lint_own_rules[] = {
    {PGM_LINT_NO_REASON_RULE, "A suppression without a reason",
     "A pgmortem: ignore comment must say why the finding does not apply; without a reason it suppresses nothing.",
     "Write the reason after the rule id: # pgmortem: ignore RULE-ID why it is fine here", PGM_SEV_LOW},
    {PGM_LINT_UNKNOWN_RULE, "A suppression that names no rule",
     "A pgmortem: ignore (or ignore-file) comment names a rule id that no rule has (a misspelt id, or a rule "
     "removed): it suppresses nothing for that id.",
     "Name the rule as pgmortem rules list shows it; several are separated by commas without spaces",
     PGM_SEV_LOW},
};
const size_t pgm_lint_n_own_rules = sizeof pgm_lint_own_rules / sizeof pgm_lint_own_rules[0];

const pgm_lint_own_rule *pgm_lint_own_rule_find(const char *id)
{
    for (size_t i = 0; i < pgm_lint_n_own_rules; i++)
        if (strcmp(pgm_lint_own_rules[i].id, id) == 0)
            return &pgm_lint_own_rules[i];
    return NULL;
}

/* Test source trees: their configuration is fixtures, not what is deployed
 * (Maven's and Gradle's layouts: src/test, src/integrationTest, src/it). */
static const char *const test_sources[] = {"src/test/*", "src/*Test/*", "src/it/*"};

static bool glob_matches(const char *glob, const char *path)
{
    if (fnmatch(glob, path, 0) == 0)
        return true;
    for (const char *p = path; *p; p++)
        if ((*p == '/' || *p == '!') && p[1] && fnmatch(glob, p + 1, 0) == 0)
            return true;
    return false;
}

bool pgm_lint_excluded(const pgm_lint_options *o, const char *path)
{
    for (size_t i = 0; i < o->n_exclude; i++)
        if (glob_matches(o->exclude[i], path))
            return true;
    for (size_t i = 0; !o->include_tests && i < sizeof test_sources / sizeof test_sources[0]; i++)
        if (glob_matches(test_sources[i], path))
            return true;
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Spring configuration by its content: a top-level `spring:` (or, in YAML
 * or properties, `spring.datasource...`) key, and a datasource under it. */
static bool configures_a_datasource(const char *text, size_t n)
{
    bool spring = false;
    for (const char *p = text, *e = text + n; p < e && !spring;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
        spring = (len >= 7 && memcmp(p, "spring:", 7) == 0) || (len >= 18 && memcmp(p, "spring.datasource.", 18) == 0);
        p = nl ? nl + 1 : e;
    }
    return spring && memmem(text, n, "datasource", 10);
}

static int on_file(void *ctx, const pgm_file_info *info, pgm_source *content)
{
    walk *w = ctx;
    if (pgm_lint_excluded(w->o, info->display_path)) {
        w->out->excluded++;
        return PGM_OK;
    }
    /* a Helm chart's template is YAML only once rendered: said, not read */
    if (strstr(info->display_path, "/templates/") && memmem(info->head, info->head_len, "{{", 2)) {
        w->out->templates++;
        return PGM_OK;
    }
    pgm_envelope env; /* a wrapped log is no configuration, but a wrapped .env-like line is */
    pgm_sniff sn = pgm_unwrap_sniff(info->name, info->head, info->head_len,
                                    info->head_len < PGM_SNIFF_HEAD_BYTES, 0, &env, NULL);
    /* a YAML or properties file among an application's resources named
     * otherwise than application* (spring.config.name=thingsboard, a file
     * spring.config.import names): its content decides */
    bool maybe_spring = env.kind == PGM_ENVELOPE_NONE && !is_config_kind(sn.kind) &&
                        (ends_with(info->name, ".yml") || ends_with(info->name, ".yaml") ||
                         ends_with(info->name, ".properties")) &&
                        (strstr(info->display_path, "/src/main/resources/") ||
                         strstr(info->display_path, "BOOT-INF/classes/"));
    /* a piece of pgbouncer.ini that another one %includes holds settings
     * without their section: kept for the includes, by its name */
    bool ini_piece = env.kind == PGM_ENVELOPE_NONE && sn.kind == PGM_KIND_UNKNOWN && ends_with(info->name, ".ini");
    if (!maybe_spring && !ini_piece && (env.kind != PGM_ENVELOPE_NONE || !is_config_kind(sn.kind))) {
        static const char *const build_files[] = {"pom.xml", "build.gradle", "build.gradle.kts",
                                                  "MANIFEST.MF", "gradle.properties", "libs.versions.toml"};
        for (size_t i = 0; i < sizeof build_files / sizeof build_files[0]; i++)
            if (strcmp(info->name, build_files[i]) == 0)
                return read_build_file(w, info, content);
        return PGM_OK;
    }
    if (w->n == PGM_LINT_MAX_FILES) {
        warn(w->o, info->display_path, "too many configuration files: not read");
        w->out->problems++;
        return PGM_OK;
    }
    /* grown as it is read: configuration files are small, and 10,000 of them
     * each given the largest one's room cost ten times the reading */
    pgm_strbuf text;
    pgm_strbuf_init(&text, PGM_LINT_MAX_FILE_BYTES + 2);
    ptrdiff_t got = 0;
    for (size_t left; (left = PGM_LINT_MAX_FILE_BYTES + 1 - text.len) > 0;) {
        size_t want = left < (64u << 10) ? left : (64u << 10);
        char *room = pgm_strbuf_room(&text, want);
        if (!room) {
            pgm_strbuf_free(&text);
            w->oom = true;
            return PGM_FATAL;
        }
        ptrdiff_t r = pgm_source_read(content, room, want);
        if (r < 0 && !text.len)
            got = -1;
        if (r <= 0)
            break;
        pgm_strbuf_commit(&text, (size_t)r);
    }
    if (got == 0)
        got = (ptrdiff_t)text.len; /* one byte past the cap: larger than a configuration file */
    char *buf = text.p ? pgm_strbuf_take(&text) : calloc(1, 1);
    if (!buf) {
        w->oom = true;
        return PGM_FATAL;
    }
    if (got < 0 || (size_t)got > PGM_LINT_MAX_FILE_BYTES) {
        warn(w->o, info->display_path, got < 0 ? "cannot be read" : "larger than 16 MiB: not a configuration file, not read");
        if (got > 0 && !pgm_intern(&w->too_large, info->display_path)) {
            free(buf);
            w->oom = true;
            return PGM_FATAL;
        }
        w->out->problems++;
        free(buf);
        return PGM_OK;
    }
    if (w->bytes + (size_t)got > PGM_LINT_MAX_TOTAL_BYTES) {
        warn(w->o, info->display_path, "the configuration files read so far reach 256 MiB: not read");
        w->out->problems++;
        free(buf);
        return PGM_OK;
    }
    if (maybe_spring && !configures_a_datasource(buf, (size_t)got)) {
        free(buf);
        return PGM_OK;
    }
    if (maybe_spring)
        sn.kind = PGM_KIND_SPRING_CONF;
    w->bytes += (size_t)got;
    char *data = realloc(buf, (size_t)got + 1);
    if (!data)
        data = buf;
    data[got] = 0;
    cfile *p = pgm_grow(w->files, &w->alloc, w->n, sizeof *p, 32);
    if (!p) {
        free(data);
        w->oom = true;
        return PGM_FATAL;
    }
    w->files = p;
    cfile *f = &w->files[w->n];
    f->path = strdup(info->display_path);
    f->name = strdup(info->name);
    f->kind = strdup(pgm_kind_name(sn.kind));
    f->format = strdup(sn.format ? sn.format : "");
    f->data = data;
    f->len = (size_t)got;
    if (!f->path || !f->name || !f->kind || !f->format) {
        free(f->path), free(f->name), free(f->kind), free(f->format), free(data);
        w->oom = true;
        return PGM_FATAL;
    }
    w->n++;
    return PGM_OK;
}

static void on_skipped(void *ctx, const char *path, const char *reason)
{
    (void)ctx, (void)path, (void)reason;
}

static void on_problem(void *ctx, const char *path, const char *reason)
{
    walk *w = ctx;
    warn(w->o, path, reason);
    w->out->problems++;
}

/* ---- postgresql.conf from the files in memory: includes resolve among them ---- */

/* The files by path: every postgresql.conf looks for the postgresql.auto.conf
 * beside it and for its includes among them, and a scan of all for each
 * took 116 s for PGM_LINT_MAX_FILES of them. Files read since the last look
 * are added to the index first. */
static void index_paths(walk *w)
{
    while (w->by_path.n < w->n && !w->index_failed) {
        const char *p = pgm_intern(&w->paths, w->files[w->by_path.n].path);
        w->index_failed = !p || pgm_chains_add(&w->by_path, (uint64_t)(uintptr_t)p) != 0;
    }
}

/* The first file of `path`, or -1; the next of the same path: next_file. */
static long file_of(walk *w, const char *path)
{
    index_paths(w);
    if (w->index_failed) { /* out of memory: one scan, as slow as it is */
        for (size_t i = 0; i < w->n; i++)
            if (strcmp(w->files[i].path, path) == 0)
                return (long)i;
        return -1;
    }
    const char *p = pgm_interned(&w->paths, path);
    uint32_t first = p ? pgm_chains_first(&w->by_path, (uint64_t)(uintptr_t)p) : PGM_CHAINS_NONE;
    return first == PGM_CHAINS_NONE ? -1 : (long)first;
}

static long next_file(const walk *w, long i)
{
    if (w->index_failed) {
        for (size_t j = (size_t)i + 1; j < w->n; j++)
            if (strcmp(w->files[j].path, w->files[i].path) == 0)
                return (long)j;
        return -1;
    }
    uint32_t next = pgm_chains_next(&w->by_path, (uint32_t)i);
    return next == PGM_CHAINS_NONE ? -1 : (long)next;
}

static int mem_open(void *ctx, const char *path, char **data, size_t *len)
{
    walk *w = ctx;
    long i = file_of(w, path);
    if (i >= 0) {
        if (!(*data = malloc(w->files[i].len + 1)))
            return -1;
        memcpy(*data, w->files[i].data, w->files[i].len + 1);
        *len = w->files[i].len;
        return 0;
    }
    return pgm_interned(&w->too_large, path) ? 2 : 1;
}

/* postgresql.conf text inside a manifest: the one file its reader opens */
typedef struct embedded {
    const char *path, *text;
} embedded;

static int embedded_open(void *ctx, const char *path, char **data, size_t *len)
{
    const embedded *e = ctx;
    if (strcmp(path, e->path) != 0)
        return 1; /* an include: not in the manifest */
    if (!(*data = strdup(e->text)))
        return -1;
    *len = strlen(e->text);
    return 0;
}

static int embedded_list(void *ctx, const char *dir, char ***names, size_t *n)
{
    (void)ctx, (void)dir;
    *names = NULL;
    *n = 0;
    return -1;
}

/* Each postgresql.conf a manifest holds (a ConfigMap's, a Helm chart's
 * extendedConfiguration): a server of its own, its lines the manifest's. */
static int load_embedded_confs(const pgm_lint_options *o, const pgm_appconf *a, pgm_config *cfg)
{
    for (size_t i = 0; i < a->n_embedded_conf; i++) {
        embedded e = {a->path, a->embedded_conf[i].text};
        pgm_conf_files files = {embedded_open, embedded_list, &e};
        pgm_conf conf;
        pgm_conf_init(&conf);
        int rc = pgm_conf_load(&conf, a->path, NULL, &files);
        unsigned shift = a->embedded_conf[i].line - 1;
        for (size_t m = 0; rc != PGM_FATAL && m < conf.n_messages; m++) {
            /* "... line 3": the manifest's line */
            char msg[PGM_ERR_MAX + 32];
            const char *at = strstr(conf.messages[m], " line ");
            unsigned inner;
            if (at && sscanf(at + 6, "%u", &inner) == 1) {
                const char *rest = at + 6 + strspn(at + 6, "0123456789");
                snprintf(msg, sizeof msg, "%.*s line %u%s", (int)(at - conf.messages[m]), conf.messages[m],
                         inner + shift, rest);
            } else {
                snprintf(msg, sizeof msg, "%s", conf.messages[m]);
            }
            warn(o, a->path, msg);
        }
        for (size_t j = 0; j < conf.n; j++)
            conf.entries[j].line += shift;
        if (rc != PGM_FATAL)
            rc = pgm_config_add_embedded_pgconf(cfg, &conf, a->path, a->embedded_conf[i].line,
                                                a->embedded_conf[i].host);
        pgm_conf_free(&conf);
        if (rc == PGM_FATAL)
            return PGM_FATAL;
    }
    return PGM_OK;
}

/* Each Spring file a ConfigMap holds (application.yml: |): read as a file
 * of its own, its lines the manifest's, for the workloads that mount it. */
static int load_embedded_spring(const pgm_lint_options *o, const pgm_appconf *a, pgm_config *cfg, pgm_lint *out)
{
    for (size_t i = 0; i < a->n_embedded_spring; i++) {
        const char *name = a->embedded_spring[i].name;
        size_t nl = strlen(name);
        enum pgm_appconf_form form = nl > 11 && strcmp(name + nl - 11, ".properties") == 0 ? PGM_APPCONF_PROPERTIES
                                                                                        : PGM_APPCONF_YAML;
        pgm_appconf e;
        const char *text = a->embedded_spring[i].text;
        int rc = pgm_appconf_read(&e, form, a->path, name, text, strlen(text));
        unsigned shift = a->embedded_spring[i].line - 1;
        if (rc != PGM_FATAL && e.error) {
            char msg[PGM_ERR_MAX + 64];
            snprintf(msg, sizeof msg, "line %u: %s (in the ConfigMap %s's %s)", e.error_line + shift, e.error,
                     a->embedded_spring[i].configmap, name);
            warn(o, a->path, msg);
            out->problems++;
        }
        for (size_t k = 0; k < e.n; k++)
            e.keys[k].line += shift;
        if (rc != PGM_FATAL && !(e.configmap = strdup(a->embedded_spring[i].configmap)))
            rc = PGM_FATAL;
        if (rc != PGM_FATAL)
            rc = pgm_config_add_appconf(cfg, &e);
        pgm_appconf_free(&e);
        if (rc == PGM_FATAL)
            return PGM_FATAL;
    }
    return PGM_OK;
}

static int mem_list(void *ctx, const char *dir, char ***names, size_t *n)
{
    const walk *w = ctx;
    size_t dl = strlen(dir);
    *names = calloc(w->n + 1, sizeof **names);
    *n = 0;
    if (!*names)
        return -1;
    for (size_t i = 0; i < w->n; i++) {
        const char *p = w->files[i].path;
        if (strncmp(p, dir, dl) == 0 && p[dl] == '/' && !strchr(p + dl + 1, '/') &&
            !((*names)[*n] = strdup(p + dl + 1)))
            return -1;
        if (strncmp(p, dir, dl) == 0 && p[dl] == '/' && !strchr(p + dl + 1, '/'))
            (*n)++;
    }
    return 0;
}


/* pgbouncer.ini: its %includes among the files given. Its auth_file (a
 * userlist.txt) holds password hashes: its user names only are taken. */
static int load_pgbouncer(walk *w, pgm_config *cfg)
{
    pgm_conf_files mem = {mem_open, mem_list, w};
    const char *userlist = NULL;
    for (size_t i = 0; i < w->n; i++) {
        cfile *f = &w->files[i];
        if (strcmp(f->kind, "pgbouncer_conf") == 0 && strcmp(f->format, "userlist") == 0) {
            userlist = f->path;
            if (pgm_config_add_pgbouncer_users(cfg, f->data, f->len) != PGM_OK)
                return PGM_FATAL;
        }
        if (strcmp(f->kind, "pgbouncer_conf") != 0 || strcmp(f->format, "ini") != 0)
            continue;
        pgm_pgb_ini ini;
        pgm_pgb_ini_init(&ini);
        int rc = pgm_pgb_ini_parse(&ini, f->path, f->data, f->len, &mem);
        for (size_t m = 0; m < ini.n_messages; m++)
            warn(w->o, ini.messages[m].where, ini.messages[m].text);
        if (rc == PGM_WARN)
            w->out->problems++; /* read in part: exit 2 */
        if (rc == PGM_FATAL || pgm_config_add_pgbouncer(cfg, &ini, f->path) != PGM_OK) {
            pgm_pgb_ini_free(&ini);
            return PGM_FATAL;
        }
        pgm_pgb_ini_free(&ini);
    }
    if (pgm_config_pgbouncer_users_over(cfg)) {
        char said[200];
        snprintf(said, sizeof said, "%zu user(s) of PgBouncer's auth_file past the first %u not counted "
                 "(PGM_BOUNCER_MAX_USERS): pgbouncer.server_connections may be too low",
                 pgm_config_pgbouncer_users_over(cfg), PGM_BOUNCER_MAX_USERS);
        warn(w->o, userlist ? userlist : "", said);
        w->out->problems++;
    }
    if (pgm_config_pgbouncer_unused(cfg)) {
        warn(w->o, pgm_config_pgbouncer_path(cfg), "more than one pgbouncer.ini was given: this one's settings are "
             "checked, the others' are not");
        w->out->problems++;
    }
    return PGM_OK;
}

/* Loads each main postgresql.conf (not a file another one includes) with the
 * postgresql.auto.conf beside it. */
static int load_pg(walk *w, pgm_config *cfg)
{
    pgm_conf_files mem = {mem_open, mem_list, w};
    bool *covered = calloc(w->n + 1, sizeof *covered);
    if (!covered)
        return PGM_FATAL;
    int rc = PGM_OK;
    /* postgresql.conf first, then other .conf files nothing included */
    for (int pass = 0; pass < 2 && rc != PGM_FATAL; pass++)
        for (size_t i = 0; i < w->n && rc != PGM_FATAL; i++) {
            cfile *f = &w->files[i];
            if (covered[i] || strcmp(f->kind, "pg_conf") != 0 || ends_with(f->name, "postgresql.auto.conf"))
                continue;
            if (pass == 0 && strcmp(f->name, "postgresql.conf") != 0)
                continue;
            char auto_path[4096];
            size_t dl = strrchr(f->path, '/') ? (size_t)(strrchr(f->path, '/') - f->path + 1) : 0;
            snprintf(auto_path, sizeof auto_path, "%.*spostgresql.auto.conf", (int)dl, f->path);
            long auto_file = file_of(w, auto_path);
            bool has_auto = auto_file >= 0;
            pgm_conf conf;
            pgm_conf_init(&conf);
            int lr = pgm_conf_load(&conf, f->path, has_auto ? auto_path : NULL, &mem);
            if (lr == PGM_FATAL) {
                rc = PGM_FATAL;
            } else {
                for (size_t m = 0; m < conf.n_messages; m++)
                    warn(w->o, f->path, conf.messages[m]);
                if (conf.messages_dropped) {
                    char more[160];
                    snprintf(more, sizeof more, "%llu more message(s) about this configuration not shown: at most "
                             "%u are kept (PGM_CONF_MAX_MESSAGES)", (unsigned long long)conf.messages_dropped,
                             PGM_CONF_MAX_MESSAGES);
                    warn(w->o, f->path, more);
                    w->out->problems++; /* what they said is missing: exit 2 */
                }
                if (conf.unread)
                    w->out->problems++; /* read in part: exit 2 */
                for (size_t e = 0; e < conf.n; e++)
                    for (long j = file_of(w, conf.entries[e].file); j >= 0; j = next_file(w, j))
                        covered[j] = true;
                covered[i] = true;
                for (long j = auto_file; j >= 0; j = next_file(w, j))
                    covered[j] = true;
                if (pgm_config_add_pgconf(cfg, &conf, f->path) != PGM_OK)
                    rc = PGM_FATAL;
            }
            pgm_conf_free(&conf);
        }
    /* an auto.conf alone (its postgresql.conf is not in the bundle) */
    for (size_t i = 0; i < w->n && rc != PGM_FATAL; i++) {
        cfile *f = &w->files[i];
        if (covered[i] || strcmp(f->kind, "pg_conf") != 0)
            continue;
        pgm_conf conf;
        pgm_conf_init(&conf);
        if (pgm_conf_load(&conf, f->path, NULL, &mem) == PGM_FATAL ||
            pgm_config_add_pgconf(cfg, &conf, f->path) != PGM_OK)
            rc = PGM_FATAL;
        pgm_conf_free(&conf);
    }
    free(covered);
    return rc;
}

/* ---- findings ---- */

typedef struct runctx {
    pgm_lint *out;
    const pgm_facts *facts;
    const pgm_lint_options *o;
    const pgm_record *elem;
    walk *w;
    char said[PGM_ERR_MAX]; /* a {FIELD_origin} as rendered */
} runctx;

/* {FIELD_origin}: where the element's FIELD came from, so that a message says
 * "(Spring Boot's default)" only of a default: "set at FILE:LINE", or the
 * default's own words. NULL when the element has no such field. */
static const char *origin_of(runctx *r, const char *name)
{
    size_t l = strlen(name);
    if (!r->elem || l <= 7 || l - 7 >= 64 || strcmp(name + l - 7, "_origin") != 0)
        return NULL;
    char base[64];
    snprintf(base, sizeof base, "%.*s", (int)(l - 7), name);
    const pgm_fact *f = pgm_record_get_fact(r->elem, base);
    if (!f)
        return NULL;
    if (f->at.path)
        snprintf(r->said, sizeof r->said, "set at %s:%u", f->at.path, f->at.line);
    else
        snprintf(r->said, sizeof r->said, "%s", f->at.note ? f->at.note : "a default");
    return r->said;
}

static const char *lookup(void *ctx, const char *name)
{
    runctx *r = ctx;
    const char *origin = origin_of(r, name);
    if (origin)
        return origin;
    if (r->elem) {
        const pgm_fact *f = pgm_record_get_fact(r->elem, name);
        if (f)
            return f->text;
        const char *dot = strchr(name, '.');
        if (dot && (f = pgm_record_get_fact(r->elem, dot + 1)) &&
            (strncmp(name, "pool.", 5) == 0 || strncmp(name, "key.", 4) == 0))
            return f->text;
    }
    const pgm_fact *f = pgm_facts_get_fact(r->facts, name);
    return f ? f->text : NULL;
}

/* FNV-1a over the parts that identify a finding across edits. */
static void fingerprint(const char *rule, const char *path, const char *key, const char *pool,
                        char out[17])
{
    uint64_t h = 1469598103934665603ULL;
    const char *parts[4] = {rule, path ? path : "", key ? key : "", pool ? pool : ""};
    for (int i = 0; i < 4; i++) {
        for (const char *p = parts[i]; *p; p++) {
            h ^= (unsigned char)*p;
            h *= 1099511628211ULL;
        }
        h ^= 0xff;
        h *= 1099511628211ULL;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static char *redacted(const char *s, bool keep)
{
    if (keep)
        return strdup(s);
    pgm_strbuf b;
    pgm_strbuf_init(&b, 1u << 20);
    char *r;
    if (pgm_redact(s, strlen(s), &b) && !pgm_strbuf_add(&b, "", 1))
        r = pgm_strbuf_take(&b);
    else
        r = strdup(s);
    pgm_strbuf_free(&b);
    return r;
}

static pgm_lint_finding *new_finding(pgm_lint *l)
{
    pgm_lint_finding *p = pgm_grow(l->findings, &l->alloc, l->n, sizeof *p, 32);
    if (!p) {
        l->out_of_memory = true;
        return NULL;
    }
    l->findings = p;
    pgm_lint_finding *f = &l->findings[l->n++];
    memset(f, 0, sizeof *f);
    return f;
}

/* The first configuration file a rule applies to: where a finding about
 * something missing points when no fact says where. */
static const cfile *file_for(const walk *w, const pgm_rule *r)
{
    for (size_t i = 0; i < w->n; i++) {
        if (!r->applies_to.n)
            return &w->files[i];
        for (size_t k = 0; k < r->applies_to.n; k++)
            if (strcmp(r->applies_to.v[k], w->files[i].kind) == 0)
                return &w->files[i];
    }
    return NULL;
}

static const cfile *file_named(walk *w, const char *path)
{
    long i = path ? file_of(w, path) : -1;
    return i >= 0 ? &w->files[i] : NULL;
}

/* The text of line `line` of a file held in memory, and the file's line count. */
static char *line_of(const cfile *f, unsigned line, unsigned *lines)
{
    const char *p = f->data, *e = p + f->len;
    char *found = NULL;
    unsigned n = 0;
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        if (++n == line) {
            size_t l = (size_t)(le - p);
            if (l && p[l - 1] == '\r')
                l--;
            found = strndup(p, l);
        }
        p = nl ? nl + 1 : e;
    }
    *lines = n;
    return found;
}

/* What the postmortem needs to show the rule's fix as a diff. */
static void keep_fix_context(runctx *rc, pgm_lint_finding *f, const pgm_rule *r, const pgm_origin *at)
{
    if (!r->fix_set && !r->fix_url_param)
        return;
    if (r->fix_to && strchr(r->fix_to, '{')) {
        /* a value worked out from the facts: a placeholder left unknown means no fix */
        char *to = pgm_rule_render(r->fix_to, lookup, rc);
        f->fix_to = to && !strchr(to, '{') ? to : strdup("");
        if (to && f->fix_to != to)
            free(to);
    }
    const cfile *file = file_named(rc->w, f->path);
    if (!file)
        return;
    f->file_kind = strdup(file->kind);
    char *text = line_of(file, at && at->path && at->line ? at->line : 0, &f->file_lines);
    if (text) {
        f->source = redacted(text, rc->o->keep_secrets);
        free(text);
    }
}

/* The setting a finding names when nothing sets it (never an empty key): the
 * rule's own `key`, else the one its fix sets or adds to the JDBC URL. */
static char *absent_key(const pgm_rule *r)
{
    if (r->key)
        return strdup(r->key);
    if (r->fix_set)
        return strdup(r->fix_set);
    if (r->fix_url_param)
        return strndup(r->fix_url_param, strcspn(r->fix_url_param, "="));
    return strdup(r->for_each && strcmp(r->for_each, "pool") == 0 ? "the pool" : "the configuration");
}

/* A pool's finding about a value nothing sets goes where a developer would
 * set it: a JDBC URL parameter on the URL's line, a HikariCP property by the
 * datasource's other HikariCP keys (the first of them in the file that
 * defines the pool), else the datasource's first line. */
static pgm_origin where_it_goes(const pgm_rule *r, const pgm_record *pool, const pgm_origin *at)
{
    pgm_origin o = *at;
    if (!pool || at->written || !at->path || !pool->at.path || strcmp(at->path, pool->at.path) != 0 ||
        at->line != pool->at.line)
        return o; /* set somewhere, or not the pool's own line */
    if (r->fix_url_param) {
        const pgm_fact *url = pgm_record_get_fact(pool, "jdbc_url");
        if (url && url->at.path)
            o.path = url->at.path, o.line = url->at.line;
        return o;
    }
    if (!r->fix_set || strchr(r->fix_set, '.'))
        return o; /* not a HikariCP property (spring.jpa.open-in-view) */
    unsigned best = 0;
    for (size_t i = 0; i < pool->n; i++) {
        const pgm_origin *fo = &pool->fields[i].at;
        if (fo->path && fo->written && strcmp(fo->path, pool->at.path) == 0 &&
            (strstr(fo->written, ".hikari.") || strncmp(fo->written, "SPRING_DATASOURCE_HIKARI_", 25) == 0) &&
            (!best || fo->line < best))
            best = fo->line;
    }
    if (best)
        o.line = best;
    return o;
}

static void on_check(void *ctx, const pgm_rule *r, const pgm_record *elem, const pgm_origin *at_found)
{
    runctx *rc = ctx;
    rc->elem = elem;
    pgm_origin moved;
    const pgm_origin *at = at_found;
    if (at_found && elem && r->for_each && strcmp(r->for_each, "pool") == 0) {
        moved = where_it_goes(r, elem, at_found);
        at = &moved;
    }
    pgm_lint_finding *f = new_finding(rc->out);
    if (!f)
        return;
    char *msg = pgm_rule_render(r->message, lookup, rc);
    pgm_strbuf b;
    pgm_strbuf_init(&b, 1u << 20);
    pgm_strbuf_addstr(&b, msg ? msg : r->message);
    if (at && at->note)
        pgm_strbuf_addf(&b, " (%s)", at->note);
    if (elem) {
        const pgm_fact *name = pgm_record_get_fact(elem, "name");
        const pgm_fact *svc = pgm_record_get_fact(elem, "service");
        if (name && strcmp(r->for_each, "pool") == 0)
            pgm_strbuf_addf(&b, " [pool %s%s%s]", name->text, svc ? " of " : "", svc ? svc->text : "");
    }
    pgm_strbuf_add(&b, "", 1);
    free(msg);
    const cfile *fallback = at && at->path ? NULL : file_for(rc->w, r);
    f->rule = r;
    f->rule_id = strdup(r->id);
    f->title = strdup(r->title);
    f->severity = r->severity;
    f->path = at && at->path ? strdup(at->path) : fallback ? strdup(fallback->path) : NULL;
    f->line = at && at->path ? (at->line ? at->line : 1) : fallback ? 1 : 0;
    f->key = at && at->written ? strdup(at->written) : absent_key(r);
    f->key_absent = !(at && at->written);
    f->message = redacted(b.p ? b.p : "", rc->o->keep_secrets);
    f->remediation = r->remediation ? strdup(r->remediation) : NULL;
    keep_fix_context(rc, f, r, at);
    pgm_strbuf_free(&b);
    const pgm_fact *pool = elem ? pgm_record_get_fact(elem, "name") : NULL;
    /* by the key as written ("" when nothing sets it): baselines of earlier
     * runs, when such findings had no key, still match */
    fingerprint(r->id, f->path, at && at->written ? at->written : "", pool ? pool->text : NULL, f->fingerprint);
    if (!f->rule_id || !f->title || !f->key || !f->message)
        rc->out->out_of_memory = true;
}

static void free_finding(pgm_lint_finding *f)
{
    free(f->rule_id), free(f->title), free(f->path), free(f->key), free(f->message),
        free(f->remediation), free(f->source), free(f->file_kind), free(f->fix_to);
}

/* ---- suppressions: "# pgmortem: ignore RULE-ID[,RULE-ID...] reason", and
 * "# pgmortem: ignore-file ..." for the whole file ---- */

typedef struct suppression {
    const char *path;
    unsigned line;
    char rules[PGM_LINT_SUPPRESSION_MAX_RULES][64];
    size_t n_rules;
    bool whole_file, has_reason;
    bool too_many;          /* named more than PGM_LINT_SUPPRESSION_MAX_RULES */
    bool cut;               /* a rule id longer than any: cut, so it names none */
} suppression;

/* The comment's rule ids (comma-separated, up to a space) and whether a
 * reason follows. */
static void parse_suppression(suppression *s, const char *p, const char *end)
{
    while (p < end && *p != ' ' && *p != '\t' && *p != '\r') {
        const char *comma = p;
        while (comma < end && *comma != ',' && *comma != ' ' && *comma != '\t' && *comma != '\r')
            comma++;
        size_t len = (size_t)(comma - p);
        if (len) {
            if (s->n_rules == PGM_LINT_SUPPRESSION_MAX_RULES) {
                s->too_many = true;
            } else {
                char *r = s->rules[s->n_rules++];
                size_t k = len < sizeof s->rules[0] - 1 ? len : sizeof s->rules[0] - 1;
                s->cut = s->cut || k < len;
                memcpy(r, p, k);
                r[k] = 0;
            }
        }
        p = comma < end && *comma == ',' ? comma + 1 : comma;
    }
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    s->has_reason = p < end;
}

static size_t find_suppressions(const walk *w, suppression **out)
{
    size_t n = 0, alloc = 0;
    *out = NULL;
    for (size_t i = 0; i < w->n; i++) {
        const char *p = w->files[i].data, *e = p + w->files[i].len;
        unsigned line = 0;
        while (p < e) {
            const char *nl = memchr(p, '\n', (size_t)(e - p));
            const char *le = nl ? nl : e;
            line++;
            const char *hit = NULL;
            bool whole_file = false;
            for (const char *q = p; q + 17 <= le && !hit; q++) {
                if (*q != 'p' || memcmp(q, "pgmortem: ignore", 16) != 0)
                    continue;
                if (q[16] == ' ')
                    hit = q + 17;
                else if (q + 22 <= le && memcmp(q + 16, "-file ", 6) == 0)
                    hit = q + 22, whole_file = true;
            }
            if (hit) {
                suppression *more = pgm_grow(*out, &alloc, n, sizeof *more, 16);
                if (!more)
                    return n;
                *out = more;
                suppression *s = &(*out)[n++];
                memset(s, 0, sizeof *s);
                s->path = w->files[i].path;
                s->line = line;
                s->whole_file = whole_file;
                while (hit < le && (*hit == ' ' || *hit == '\t'))
                    hit++;
                parse_suppression(s, hit, le);
            }
            p = nl ? nl + 1 : e;
        }
    }
    return n;
}

/* A finding of the tool's own rule `id` at a suppression's line; `what`:
 * what it names (its fingerprint's key). */
static void own_finding(pgm_lint *out, const char *id, const suppression *s, const char *what, const char *msg)
{
    const pgm_lint_own_rule *r = pgm_lint_own_rule_find(id);
    pgm_lint_finding *f = new_finding(out);
    if (!f || !r)
        return;
    f->rule_id = strdup(r->id);
    f->title = strdup(r->title);
    f->severity = r->severity;
    f->path = strdup(s->path);
    f->line = s->line;
    f->key = strdup(s->whole_file ? "pgmortem: ignore-file" : "pgmortem: ignore");
    f->message = strdup(msg);
    f->remediation = strdup(r->remediation);
    fingerprint(f->rule_id, f->path, what, NULL, f->fingerprint);
    if (!f->rule_id || !f->title || !f->path || !f->key || !f->message || !f->remediation)
        out->out_of_memory = true;
}

/* The fleet budget's arithmetic, for the messages that judge it
 * ({fleet_terms}, {fleet_total}, {client_slots}): each PostgreSQL pool's
 * replicas x maximum-pool-size (pg_pool_size) as the rules' sum() takes them
 * (pools lacking either are not in the sum), and the server's slots for
 * clients; the same for the pools that connect through PgBouncer
 * ({bouncer_fleet_terms}, {bouncer_fleet_total}: bouncer_pool_size). */
#define PGM_LINT_FLEET_TERMS 8u
static int fleet_sum(pgm_facts *facts, const char *size_key, const char *total_key, const char *terms_key)
{
    const pgm_collection *pools = pgm_facts_collection(facts, "pool");
    pgm_strbuf terms;
    pgm_strbuf_init(&terms, 4096);
    double total = 0;
    size_t n = 0, more = 0;
    double more_sum = 0;
    for (size_t i = 0; pools && i < pools->n; i++) {
        const pgm_value *size = pgm_record_get(&pools->recs[i], size_key);
        const pgm_value *inst = pgm_record_get(&pools->recs[i], "instances");
        const pgm_fact *name = pgm_record_get_fact(&pools->recs[i], "name");
        if (!size || !inst || size->type != PGM_V_NUM || inst->type != PGM_V_NUM || size->num == 0)
            continue; /* a pool of another database is not in the PostgreSQL server's budget */
        double term = size->num * inst->num;
        total += term;
        if (n++ < PGM_LINT_FLEET_TERMS) {
            pgm_strbuf_addf(&terms, "%s%s %g x %g", n > 1 ? " + " : "", name ? name->text : "a pool", inst->num,
                            size->num);
        } else {
            more++;
            more_sum += term;
        }
    }
    if (more)
        pgm_strbuf_addf(&terms, " + %zu more pool(s) %g", more, more_sum);
    char num[64];
    int rc = PGM_OK;
    if (n) {
        snprintf(num, sizeof num, "%g", total);
        rc = pgm_facts_set(facts, total_key, num) == PGM_OK && terms.p &&
                     pgm_facts_set(facts, terms_key, terms.p) == PGM_OK
                 ? PGM_OK
                 : PGM_FATAL;
    }
    pgm_strbuf_free(&terms);
    return rc;
}

static int fleet_facts(pgm_facts *facts)
{
    int rc = fleet_sum(facts, "pg_pool_size", "fleet_total", "fleet_terms");
    if (rc == PGM_OK)
        rc = fleet_sum(facts, "bouncer_pool_size", "bouncer_fleet_total", "bouncer_fleet_terms");
    char num[64];
    const pgm_value *maxc = pgm_facts_get(facts, "pg.max_connections");
    const pgm_value *res = pgm_facts_get(facts, "pg.superuser_reserved_connections");
    if (rc == PGM_OK && maxc && res && maxc->type == PGM_V_NUM && res->type == PGM_V_NUM) {
        snprintf(num, sizeof num, "%g", maxc->num - res->num);
        rc = pgm_facts_set(facts, "client_slots", num) == PGM_OK ? PGM_OK : PGM_FATAL;
    }
    /* the max_connections the fleet fits in with a fifth to spare (HKC-FLEET-002's
     * headroom) beside the reserved slots: HKC-FLEET-001's fix */
    const pgm_value *total = pgm_facts_get(facts, "fleet_total");
    if (rc == PGM_OK && total && res && total->type == PGM_V_NUM && res->type == PGM_V_NUM) {
        snprintf(num, sizeof num, "%.0f", ceil(total->num / 0.8) + res->num);
        rc = pgm_facts_set(facts, "fleet_fit_max_connections", num) == PGM_OK ? PGM_OK : PGM_FATAL;
    }
    return rc;
}

/* One line that several services' pools take (a ConfigMap's URL) with one
 * problem, set there or missing there: one finding naming the pools
 * ("[pools a of x, b of y]"). True when `f` went into `g`. */
/* The findings one may repeat or extend: the same rule at one line of one
 * file (what merge_pools and a fingerprint compare), hashed (FNV-1a; never
 * 0, which no map key is). */
static uint64_t finding_bucket(const pgm_lint_finding *f)
{
    uint64_t h = UINT64_C(1469598103934665603) ^ (uint64_t)f->line;
    const char *parts[2] = {f->rule_id, f->path ? f->path : ""};
    for (int i = 0; i < 2; i++) {
        for (const char *p = parts[i]; *p; p++) {
            h ^= (unsigned char)*p;
            h *= UINT64_C(1099511628211);
        }
        h ^= 0xff;
        h *= UINT64_C(1099511628211);
    }
    return h ? h : 1;
}

static bool merge_pools(pgm_lint_finding *g, const pgm_lint_finding *f, bool *oom)
{
    if (g->line != f->line || g->key_absent != f->key_absent || strcmp(g->rule_id, f->rule_id) != 0 ||
        !g->path || !f->path || strcmp(g->path, f->path) != 0 || strcmp(g->key, f->key) != 0)
        return false;
    const char *gs = strstr(g->message, " [pool"), *fs = strstr(f->message, " [pool ");
    if (!gs || !fs || gs - g->message != fs - f->message || strncmp(g->message, f->message, (size_t)(gs - g->message)))
        return false;
    const char *names = gs + (strncmp(gs, " [pools ", 8) == 0 ? 8 : 7);
    pgm_strbuf b;
    pgm_strbuf_init(&b, 1u << 20);
    pgm_strbuf_addf(&b, "%.*s [pools %.*s, %s", (int)(gs - g->message), g->message,
                    (int)(strlen(names) - 1), names, fs + 7);
    pgm_strbuf_add(&b, "", 1);
    if (!b.p) {
        *oom = true;
        return false;
    }
    free(g->message);
    g->message = pgm_strbuf_take(&b);
    return true;
}

/* A rule id a suppression or --ignore may name. */
static bool rule_exists(const pgm_ruleset *rs, const char *id)
{
    return pgm_ruleset_find(rs, id) || pgm_lint_own_rule_find(id);
}

/* The closest rule id, for "did you mean"; NULL when none is close. */
static const char *closest_rule(const pgm_ruleset *rs, const char *id)
{
    const char *best = NULL;
    unsigned best_d = 4;
    for (size_t i = 0; i < rs->n; i++) {
        unsigned d = pgm_catalog_distance(id, rs->rules[i].id);
        if (d < best_d)
            best = rs->rules[i].id, best_d = d;
    }
    for (size_t i = 0; i < pgm_lint_n_own_rules; i++) {
        unsigned d = pgm_catalog_distance(id, pgm_lint_own_rules[i].id);
        if (d < best_d)
            best = pgm_lint_own_rules[i].id, best_d = d;
    }
    return best;
}

static bool suppresses(const suppression *s, const pgm_lint_finding *f)
{
    if (!s->has_reason || !f->path || strcmp(s->path, f->path) != 0)
        return false;
    if (!s->whole_file && s->line != f->line && s->line + 1 != f->line)
        return false;
    for (size_t r = 0; r < s->n_rules; r++)
        if (strcmp(s->rules[r], f->rule_id) == 0)
            return true;
    return false;
}

/* ---- the baseline: fingerprints of a previous run's JSON ---- */

static int read_baseline(const char *path, char ***fps, size_t *n, char err[PGM_ERR_MAX])
{
    *fps = NULL;
    *n = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, PGM_ERR_MAX, "--baseline %s: cannot open", path);
        return PGM_FAILED;
    }
    pgm_strbuf b;
    pgm_strbuf_init(&b, 64u << 20);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if (pgm_strbuf_add(&b, chunk, got))
            break;
    fclose(fp);
    pgm_strbuf_add(&b, "", 1);
    if (!b.p || !strstr(b.p, "\"pgmortem.lint/1\"")) {
        snprintf(err, PGM_ERR_MAX, "--baseline %s: not the output of pgmortem lint --format json", path);
        pgm_strbuf_free(&b);
        return PGM_FAILED;
    }
    size_t alloc = 0;
    for (const char *q = strstr(b.p, "\"fingerprint\""); q; q = strstr(q + 1, "\"fingerprint\"")) {
        const char *v = strchr(q + 13, '"');
        if (!v || strlen(v + 1) < 17 || v[17] != '"')
            continue;
        char **p = pgm_grow(*fps, &alloc, *n, sizeof *p, 64);
        if (!p)
            break;
        *fps = p;
        if (((*fps)[*n] = strndup(v + 1, 16)))
            (*n)++;
    }
    pgm_strbuf_free(&b);
    return PGM_OK;
}

/* `s`, or its copy with the passwords taken out (in `buf`) unless kept. */
static const char *shown(const char *s, bool keep_secrets, pgm_strbuf *buf)
{
    if (!s || keep_secrets || !pgm_redact(s, strlen(s), buf) || pgm_strbuf_add(buf, "", 1))
        return s;
    return buf->p;
}

static void print_fact(FILE *out, const pgm_fact *f, const char *name, bool keep_secrets)
{
    pgm_strbuf buf;
    pgm_strbuf_init(&buf, 1u << 20);
    fprintf(out, "  %-36s %-24s", name, shown(f->text, keep_secrets, &buf));
    if (f->at.path)
        fprintf(out, " %s:%u%s%s", f->at.path, f->at.line, f->at.written ? " " : "",
                f->at.written ? shown(f->at.written, keep_secrets, &buf) : "");
    pgm_strbuf_free(&buf);
    if (f->at.note)
        fprintf(out, " (%s)", f->at.note);
    fputc('\n', out);
}

/* The effective configuration, for people: what each value is and why. */
/* A PostgreSQL pool that no server of the inputs can be told to serve is
 * in no server's budget: said once, with why. */
static void say_untied_pools(const pgm_lint_options *o, const pgm_facts *facts)
{
    const pgm_collection *pools = pgm_facts_collection(facts, "pool");
    for (size_t p = 0; pools && p < pools->n; p++) {
        const pgm_record *r = &pools->recs[p];
        const pgm_fact *driver = pgm_record_get_fact(r, "driver"), *server = pgm_record_get_fact(r, "server");
        const pgm_fact *name = pgm_record_get_fact(r, "name"), *service = pgm_record_get_fact(r, "service");
        if ((driver && strcmp(driver->text, "postgresql") != 0) || !server)
            continue;
        char msg[PGM_ERR_MAX];
        snprintf(msg, sizeof msg, "pool %s of %s is tied to no PostgreSQL server of the inputs (%s): it is in no "
                 "server's connection budget", name ? name->text : "?", service ? service->text : "?",
                 server->at.note ? server->at.note : "");
        warn(o, r->at.path, msg);
    }
}

static void print_effective(FILE *out, const pgm_facts *facts, bool keep_secrets)
{
    const pgm_value *server = pgm_facts_get(facts, "server");
    bool pg = pgm_facts_get(facts, "pg.max_connections") != NULL;
    if (server && server->str && pg)
        fprintf(out, "server %s (set in the inputs; every other parameter at its default):\n", server->str);
    const pgm_collection *tied = pgm_facts_collection(facts, "pool");
    if (server && server->str && !pg && tied && tied->n)
        fprintf(out, "pools tied to %s:\n", server->str);
    for (size_t i = 0; i < facts->scalars.n; i++) {
        const pgm_fact *f = &facts->scalars.fields[i];
        if ((f->at.note && strstr(f->at.note, "not set")) || strcmp(f->key, "server") == 0)
            continue; /* the server's defaults: hundreds, and in the catalog */
        print_fact(out, f, f->key, keep_secrets);
    }
    const pgm_collection *pools = pgm_facts_collection(facts, "pool");
    for (size_t p = 0; pools && p < pools->n; p++) {
        const pgm_record *r = &pools->recs[p];
        const pgm_value *name = pgm_record_get(r, "name");
        fprintf(out, "pool %s:\n", name && name->str ? name->str : "?");
        for (size_t i = 0; i < r->n; i++)
            if (strcmp(r->fields[i].key, "name") != 0)
                print_fact(out, &r->fields[i], r->fields[i].key, keep_secrets);
    }
    const pgm_collection *keys = pgm_facts_collection(facts, "key");
    for (size_t k = 0; keys && k < keys->n; k++) {
        const pgm_record *r = &keys->recs[k];
        const pgm_value *name = pgm_record_get(r, "name"), *problem = pgm_record_get(r, "problem");
        fprintf(out, "key %s: %s", name && name->str ? name->str : "?",
                problem && problem->str ? problem->str : "?");
        if (r->at.path)
            fprintf(out, " at %s:%u", r->at.path, r->at.line);
        fputc('\n', out);
    }
}

static int cmp_finding(const void *a, const void *b)
{
    const pgm_lint_finding *x = a, *y = b;
    int c = strcmp(x->path ? x->path : "", y->path ? y->path : "");
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    c = strcmp(x->rule_id, y->rule_id);
    return c ? c : strcmp(x->message, y->message);
}

int pgm_lint_run(pgm_lint *out, const char *const *inputs, size_t n_inputs,
                 const pgm_bundle_limits *lim, const pgm_ruleset *rs, const pgm_lint_options *o,
                 char err[PGM_ERR_MAX])
{
    memset(out, 0, sizeof *out);
    err[0] = 0;
    char **base = NULL;
    size_t n_base = 0;
    if (o->baseline && read_baseline(o->baseline, &base, &n_base, err) != PGM_OK)
        return PGM_FAILED;
    walk w = {.o = o, .out = out};
    pgm_bundle_visitor v = {on_file, on_skipped, on_problem, NULL, &w, false, false};
    pgm_bundle_stats st;
    int wrc = pgm_bundle_walk(inputs, n_inputs, lim, &v, &st);
    int rc = w.oom || wrc == PGM_FATAL ? PGM_FATAL : PGM_OK;
    if (rc == PGM_OK)
        rc = inherit_module_pools(&w);
    pgm_config *cfg = NULL;
    pgm_facts facts;
    pgm_facts_init(&facts);
    if (rc == PGM_OK && pgm_config_open(&cfg, &o->config) != PGM_OK)
        rc = PGM_FATAL;
    for (size_t i = 0; i < w.n_boots && rc == PGM_OK; i++) {
        rc = pgm_config_add_boot_version(cfg, w.boots[i].version, w.boots[i].path, w.boots[i].line);
        if (rc == PGM_OK)
            pgm_config_set_boot_mybatis_only(cfg, w.boots[i].path, w.boots[i].mybatis_only);
        if (rc == PGM_OK && w.boots[i].other_pool)
            pgm_config_set_boot_other_pool(cfg, w.boots[i].path, w.boots[i].other_pool, w.boots[i].other_pool_line,
                                           w.boots[i].other_pool_why);
    }
    if (rc == PGM_OK)
        rc = load_pg(&w, cfg);
    if (rc == PGM_OK)
        rc = load_pgbouncer(&w, cfg);
    for (size_t i = 0; i < w.n && rc == PGM_OK; i++) {
        cfile *f = &w.files[i];
        if (strcmp(f->kind, "pg_settings") == 0) {
            if (!pgm_config_read_pg_settings(cfg, f->path, f->data, f->len))
                warn(o, f->path, "no name and setting columns: not read as pg_settings");
            continue;
        }
        enum pgm_appconf_form form;
        if (!pgm_appconf_form_of(f->name, f->kind, &form))
            continue;
        pgm_appconf a;
        int ar = pgm_appconf_read(&a, form, f->path, f->name, f->data, f->len);
        if (ar == PGM_FATAL) {
            pgm_appconf_free(&a);
            rc = PGM_FATAL;
            break;
        }
        if (a.error) {
            char msg[PGM_ERR_MAX + 32];
            snprintf(msg, sizeof msg, "line %u: %s (the rest of the file is read where it can be)",
                     a.error_line, a.error);
            warn(o, f->path, msg);
            out->problems++;
        }
        if (load_embedded_confs(o, &a, cfg) != PGM_OK || load_embedded_spring(o, &a, cfg, out) != PGM_OK ||
            pgm_config_add_appconf(cfg, &a) != PGM_OK)
            rc = PGM_FATAL;
        pgm_appconf_free(&a);
    }
    /* each server is judged with the pools tied to it; the pools tied to
     * none, after them */
    for (size_t i = 0; i < n_inputs && rc == PGM_OK; i++)
        if (pgm_config_add_input(cfg, inputs[i]) != PGM_OK)
            rc = PGM_FATAL;
    size_t n_scopes = rc == PGM_OK ? pgm_config_scopes(cfg) : 0;
    for (size_t s = 0; s < n_scopes && rc == PGM_OK; s++) {
        pgm_facts scope;
        pgm_facts_init(&scope);
        if (pgm_config_facts(cfg, s, &scope) != PGM_OK || fleet_facts(&scope) != PGM_OK)
            rc = PGM_FATAL;
        if (rc == PGM_OK && o->effective)
            print_effective(o->effective, &scope, o->keep_secrets);
        if (rc == PGM_OK) {
            runctx r = {.out = out, .facts = &scope, .o = o, .elem = NULL, .w = &w};
            for (size_t i = 0; i < rs->n; i++)
                if (rs->rules[i].shape == PGM_SHAPE_CHECK)
                    pgm_check_each(&rs->rules[i], &scope, on_check, &r);
            if (out->out_of_memory)
                rc = PGM_FATAL;
        }
        if (rc == PGM_OK && n_scopes > 1 && s + 1 == n_scopes)
            say_untied_pools(o, &scope);
        if (s == 0 && rc == PGM_OK)
            facts = scope; /* the first server's, for analyze */
        else
            pgm_facts_free(&scope);
    }
    /* suppressions without a reason, or naming no rule, are findings of their own (and can be baselined) */
    suppression *sup = NULL;
    size_t n_sup = rc == PGM_OK ? find_suppressions(&w, &sup) : 0;
    for (size_t s = 0; s < n_sup; s++) {
        char what[PGM_LINT_SUPPRESSION_MAX_RULES * 66] = "";
        for (size_t r = 0; r < sup[s].n_rules; r++)
            snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s", r ? "," : "", sup[s].rules[r]);
        const char *directive = sup[s].whole_file ? "ignore-file" : "ignore";
        if (!sup[s].has_reason || !sup[s].n_rules) {
            char msg[PGM_LINT_SUPPRESSION_MAX_RULES * 66 + 160];
            snprintf(msg, sizeof msg, "'pgmortem: %s %s' gives no %s, so it suppresses nothing: "
                     "say why after the rule id", directive, what, sup[s].n_rules ? "reason" : "rule id or reason");
            own_finding(out, PGM_LINT_NO_REASON_RULE, &sup[s], what, msg);
        }
        for (size_t r = 0; r < sup[s].n_rules; r++) {
            if (rule_exists(rs, sup[s].rules[r]))
                continue;
            const char *near = closest_rule(rs, sup[s].rules[r]);
            char msg[320];
            snprintf(msg, sizeof msg, "'pgmortem: %s' names %s, which no rule has%s%s%s: it suppresses nothing for it",
                     directive, sup[s].rules[r], near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
            own_finding(out, PGM_LINT_UNKNOWN_RULE, &sup[s], sup[s].rules[r], msg);
        }
        if (sup[s].too_many) {
            char msg[200];
            snprintf(msg, sizeof msg, "'pgmortem: %s' names more than %u rule ids: those past them suppress nothing "
                     "(split it in two comments)", directive, PGM_LINT_SUPPRESSION_MAX_RULES);
            own_finding(out, PGM_LINT_UNKNOWN_RULE, &sup[s], what, msg);
        }
        if (sup[s].cut) {
            char msg[200];
            snprintf(msg, sizeof msg, "'pgmortem: %s' names a rule id longer than %zu bytes: no rule has one",
                     directive, sizeof sup[s].rules[0] - 1);
            own_finding(out, PGM_LINT_UNKNOWN_RULE, &sup[s], what, msg);
        }
    }
    /* then what the suppressions with a reason and the baseline accept; a
     * finding made twice (two deployments of one service with one problem
     * at one line) is said once */
    size_t kept = 0, n_found = out->n;
    /* compared only with the kept findings of their rule, file and line
     * (each pair of 90,000 findings of 10,000 files was minutes): the kept
     * ones chained by that bucket's hash */
    pgm_chains bucket = {0};
    bool by_bucket = true;
    for (size_t i = 0; i < n_found; i++) {
        pgm_lint_finding *f = &out->findings[i];
        bool twice = false;
        uint64_t h = finding_bucket(f);
        uint32_t first = by_bucket ? pgm_chains_first(&bucket, h) : 0;
        for (size_t j = first; j < kept && !twice; j = by_bucket ? pgm_chains_next(&bucket, (uint32_t)j) : j + 1) {
            pgm_lint_finding *g = &out->findings[j];
            twice = g->line == f->line && strcmp(g->fingerprint, f->fingerprint) == 0 &&
                    strcmp(g->message, f->message) == 0;
            if (!twice && !out->out_of_memory)
                twice = merge_pools(g, f, &out->out_of_memory);
        }
        if (twice) {
            free_finding(f);
            continue;
        }
        /* out of memory: every kept one compared, as slow as it is */
        if (by_bucket && pgm_chains_add(&bucket, h) != 0)
            by_bucket = false;
        out->findings[kept++] = *f;
    }
    pgm_chains_free(&bucket);
    n_found = kept;
    kept = 0;
    for (size_t i = 0; i < n_found; i++) {
        pgm_lint_finding *f = &out->findings[i];
        bool suppressed = false, baselined = false, ignored = false;
        for (size_t g = 0; g < o->n_ignore && !ignored; g++)
            ignored = strcmp(o->ignore[g], f->rule_id) == 0;
        for (size_t s = 0; s < n_sup && !suppressed && !ignored; s++)
            suppressed = suppresses(&sup[s], f);
        for (size_t b = 0; b < n_base && !suppressed && !ignored && !baselined; b++)
            baselined = strcmp(base[b], f->fingerprint) == 0;
        out->suppressed += suppressed;
        out->baselined += baselined;
        out->ignored += ignored;
        if (suppressed || baselined || ignored)
            free_finding(f);
        else
            out->findings[kept++] = *f;
    }
    out->n = kept;
    free(sup);
    if (out->n)
        qsort(out->findings, out->n, sizeof *out->findings, cmp_finding);
    if (out->out_of_memory)
        rc = PGM_FATAL;
    /* the files read, for the JSON and SARIF artifacts */
    out->files = calloc(w.n + 1, sizeof *out->files);
    for (size_t i = 0; i < w.n; i++) {
        /* a .ini held only for pgbouncer.ini's %include (ini_piece) is no configuration file read */
        if (out->files && strcmp(w.files[i].kind, "unknown") != 0) {
            out->files[out->n_files].path = w.files[i].path;
            out->files[out->n_files].kind = w.files[i].kind;
            out->n_files++;
        } else {
            free(w.files[i].path), free(w.files[i].kind);
        }
        free(w.files[i].name), free(w.files[i].format), free(w.files[i].data);
    }
    free(w.files);
    pgm_interner_free(&w.too_large);
    pgm_interner_free(&w.paths);
    pgm_chains_free(&w.by_path);
    for (size_t i = 0; i < w.n_boots; i++)
        free(w.boots[i].path);
    for (size_t i = 0; i < w.n_modules; i++) {
        free(w.modules[i].path);
        free(w.modules[i].inherited_why);
        pgm_maven_pom_free(&w.modules[i].pom);
    }
    free(w.modules);
    for (size_t b = 0; b < n_base; b++)
        free(base[b]);
    free(base);
    if (o->facts_out)
        *o->facts_out = facts; /* handed over */
    else
        pgm_facts_free(&facts);
    pgm_config_close(cfg);
    if (rc == PGM_OK && (out->problems || wrc == PGM_WARN))
        rc = PGM_WARN;
    return rc;
}

void pgm_lint_free(pgm_lint *l)
{
    for (size_t i = 0; i < l->n; i++)
        free_finding(&l->findings[i]);
    free(l->findings);
    for (size_t i = 0; i < l->n_files; i++)
        free(l->files[i].path), free(l->files[i].kind);
    free(l->files);
    memset(l, 0, sizeof *l);
}

size_t pgm_lint_count_at_least(const pgm_lint *l, enum pgm_severity fail_on)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += l->findings[i].severity >= fail_on;
    return n;
}
