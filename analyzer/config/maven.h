/* What a pom.xml says of the modules of a multi-module build: the artifact
 * it builds and the artifacts it needs at run time, so that a service whose
 * pool comes from a sibling module's dependency (mall-demo depending on
 * mall-mbg, which brings druid-spring-boot-starter) is known to run that
 * pool. Read as text with a small tag walker: elements, comments, CDATA and
 * processing instructions; no DTD, no entities. Facts: Maven's POM
 * reference (project, parent, dependencies, dependencyManagement, scope). */
#ifndef PGM_MAVEN_H
#define PGM_MAVEN_H

#include <stddef.h>

typedef struct pgm_maven_dep {
    char *artifact;
    unsigned line;    /* of its <artifactId> */
} pgm_maven_dep;

typedef struct pgm_maven_pom {
    char *artifact;   /* the project's artifactId (not its parent's), or NULL */
    pgm_maven_dep *deps; /* <project><dependencies>, not test-scoped */
    size_t n_deps, deps_alloc; /* as many as the file names (its size is the reader's bound) */
} pgm_maven_pom;

/* PGM_OK, or PGM_FATAL when memory ran out (*out then freed). */
int pgm_maven_pom_read(const char *text, size_t n, pgm_maven_pom *out);
void pgm_maven_pom_free(pgm_maven_pom *p);

#endif
