/* A small YAML document tree built with libyaml's event API (never
 * yaml_parser_load), with a low nesting limit and a size cap. Every node
 * keeps its line and column so errors can say file:line:column. */
#ifndef PGM_YAML_DOC_H
#define PGM_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "util/rc.h"

#define PGM_YAML_MAX_DEPTH 64 /* Kubernetes CRDs nest their OpenAPI schemas 30 levels deep and more */
#define PGM_YAML_MAX_BYTES (4u << 20)
#define PGM_YAML_MAX_NODES 200000u
/* With aliases: the nodes a reader walking the tree would meet, aliases
 * expanded (a "billion laughs" file is refused here), and the anchors one
 * document may name. */
#define PGM_YAML_MAX_EXPANDED 200000u
#define PGM_YAML_MAX_ANCHORS 1024u

enum pgm_ynode_type { PGM_Y_SCALAR, PGM_Y_SEQ, PGM_Y_MAP };

typedef struct pgm_ynode pgm_ynode;
struct pgm_ynode {
    enum pgm_ynode_type type;
    unsigned line, col;      /* 1-based */
    char *text;              /* scalar value (NUL-terminated); NULL otherwise */
    size_t len;
    bool quoted;             /* scalar was quoted: never a number or bool */
    pgm_ynode **items;       /* seq: items; map: key, value, key, value... */
    size_t n;                /* seq: items; map: keys * 2 */
};

typedef struct pgm_ydoc {
    pgm_ynode *root;         /* NULL for an empty document */
    pgm_ynode *nodes;        /* one allocation for all nodes */
    size_t n_nodes;
} pgm_ydoc;

/* Parses one YAML document. On error returns PGM_FAILED and writes
 * "line:col: message" into err. Aliases are refused (rule files). */
int pgm_ydoc_parse(pgm_ydoc *doc, const char *data, size_t len, char err[PGM_ERR_MAX]);
/* The same, reading anchors, aliases and merge keys (`<<: *defaults`) as
 * Spring's SnakeYAML does: an alias is the anchored node itself (shared, not
 * copied: the tree becomes a DAG), and a mapping's `<<` adds the keys of the
 * mapping(s) it names that the mapping does not set itself. */
int pgm_ydoc_parse_aliases(pgm_ydoc *doc, const char *data, size_t len, char err[PGM_ERR_MAX]);
void pgm_ydoc_free(pgm_ydoc *doc);

/* Map lookup: the value for `key`, or NULL. */
const pgm_ynode *pgm_ymap_get(const pgm_ynode *map, const char *key);

#endif
