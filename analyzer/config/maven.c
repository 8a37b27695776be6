#include "config/maven.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/rc.h"

/* Elements open at once that are told apart; deeper ones are counted only
 * (the paths read are four deep: project/dependencies/dependency/artifactId). */
#define PGM_MAVEN_DEPTH_MAX 8u
#define PGM_MAVEN_NAME_MAX 16u

typedef struct walker {
    const char *p, *end;
    unsigned line;
    char open[PGM_MAVEN_DEPTH_MAX][PGM_MAVEN_NAME_MAX];
    size_t depth, deeper;
    /* the <dependency> being read */
    char *dep_artifact;
    unsigned dep_line;
    bool dep_test;
} walker;

/* Moves to `to`, counting the newlines passed. */
static void advance(walker *w, const char *to)
{
    for (const char *q = w->p; q < to; q++)
        w->line += *q == '\n';
    w->p = to;
}

/* Past the first `lit` from w->p, or to the end. */
static void skip_past(walker *w, const char *lit)
{
    size_t l = strlen(lit);
    const char *q = w->p;
    while (q + l <= w->end && memcmp(q, lit, l) != 0)
        q++;
    advance(w, q + l <= w->end ? q + l : w->end);
}

/* The open elements are exactly `path` (outermost first). */
static bool inside(const walker *w, const char *const *path, size_t n)
{
    if (w->deeper || w->depth != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(w->open[i], path[i]) != 0)
            return false;
    return true;
}

/* The text from w->p to the next tag, spaces trimmed, as a new string. */
static char *text_here(const walker *w)
{
    const char *s = w->p, *e = s;
    while (e < w->end && *e != '<')
        e++;
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    char *t = malloc((size_t)(e - s) + 1);
    if (t) {
        memcpy(t, s, (size_t)(e - s));
        t[e - s] = 0;
    }
    return t;
}

static const char *const own_artifact[] = {"project", "artifactId"};
static const char *const dep_path[] = {"project", "dependencies", "dependency"};
static const char *const dep_artifact[] = {"project", "dependencies", "dependency", "artifactId"};
static const char *const dep_scope[] = {"project", "dependencies", "dependency", "scope"};

/* The text of an element just opened, where it is one of those read. */
static int on_text(walker *w, pgm_maven_pom *out)
{
    if (inside(w, own_artifact, 2) && !out->artifact)
        return (out->artifact = text_here(w)) ? PGM_OK : PGM_FATAL;
    if (inside(w, dep_artifact, 4) && !w->dep_artifact) {
        w->dep_line = w->line;
        return (w->dep_artifact = text_here(w)) ? PGM_OK : PGM_FATAL;
    }
    if (inside(w, dep_scope, 4)) {
        char *scope = text_here(w);
        if (!scope)
            return PGM_FATAL;
        w->dep_test = strcmp(scope, "test") == 0;
        free(scope);
    }
    return PGM_OK;
}

/* A <dependency> closed: kept unless test-scoped or nameless. */
static int on_dependency_end(walker *w, pgm_maven_pom *out)
{
    char *artifact = w->dep_artifact;
    bool test = w->dep_test;
    w->dep_artifact = NULL;
    w->dep_test = false;
    if (!artifact || !artifact[0] || test) {
        free(artifact);
        return PGM_OK;
    }
    pgm_maven_dep *v = pgm_grow(out->deps, &out->deps_alloc, out->n_deps, sizeof *v, 16);
    if (!v) {
        free(artifact);
        return PGM_FATAL;
    }
    out->deps = v;
    v[out->n_deps++] = (pgm_maven_dep){artifact, w->dep_line};
    return PGM_OK;
}

int pgm_maven_pom_read(const char *text, size_t n, pgm_maven_pom *out)
{
    memset(out, 0, sizeof *out);
    walker w = {.p = text, .end = text + n, .line = 1};
    int rc = PGM_OK;
    while (rc == PGM_OK && w.p < w.end) {
        const char *lt = memchr(w.p, '<', (size_t)(w.end - w.p));
        if (!lt)
            break;
        advance(&w, lt);
        size_t left = (size_t)(w.end - w.p);
        if (left >= 4 && memcmp(w.p, "<!--", 4) == 0) {
            skip_past(&w, "-->");
        } else if (left >= 9 && memcmp(w.p, "<![CDATA[", 9) == 0) {
            skip_past(&w, "]]>");
        } else if (left >= 2 && (w.p[1] == '?' || w.p[1] == '!')) {
            skip_past(&w, ">");
        } else {
            bool closing = left >= 2 && w.p[1] == '/';
            const char *name = w.p + 1 + closing, *ne = name;
            while (ne < w.end && *ne != '>' && *ne != '/' && *ne != ' ' && *ne != '\t' && *ne != '\r' &&
                   *ne != '\n')
                ne++;
            const char *gt = memchr(ne, '>', (size_t)(w.end - ne));
            if (!gt)
                break;
            bool empty = gt[-1] == '/';
            size_t nl = (size_t)(ne - name);
            advance(&w, gt + 1);
            if (closing) {
                if (w.deeper) {
                    w.deeper--;
                } else if (w.depth) {
                    if (inside(&w, dep_path, 3))
                        rc = on_dependency_end(&w, out);
                    w.depth--;
                }
            } else if (!empty) {
                if (w.depth < PGM_MAVEN_DEPTH_MAX && !w.deeper) {
                    size_t k = nl < PGM_MAVEN_NAME_MAX - 1 ? nl : PGM_MAVEN_NAME_MAX - 1;
                    memcpy(w.open[w.depth], name, k);
                    w.open[w.depth][k] = 0;
                    w.depth++;
                    rc = on_text(&w, out);
                } else {
                    w.deeper++;
                }
            }
        }
    }
    free(w.dep_artifact);
    if (rc != PGM_OK)
        pgm_maven_pom_free(out);
    return rc;
}

void pgm_maven_pom_free(pgm_maven_pom *p)
{
    free(p->artifact);
    for (size_t i = 0; i < p->n_deps; i++)
        free(p->deps[i].artifact);
    free(p->deps);
    memset(p, 0, sizeof *p);
}
