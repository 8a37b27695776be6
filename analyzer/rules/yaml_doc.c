#include "rules/yaml_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Nodes are created in a growable array and linked by index while parsing,
 * then turned into pointers once the array stops moving. */
typedef struct builder {
    pgm_ynode *nodes;
    size_t n, alloc;
    size_t *kids;            /* child index lists, flattened */
    size_t nkids, kids_alloc;
    size_t stack[PGM_YAML_MAX_DEPTH + 1];
    size_t first_kid[PGM_YAML_MAX_DEPTH + 1]; /* where this level's kids start in a scratch list */
    size_t *scratch;
    size_t nscratch, scratch_alloc;
    int depth;
} builder;

static int push_scratch(builder *b, size_t idx)
{
    if (b->nscratch == b->scratch_alloc) {
        size_t na = b->scratch_alloc ? b->scratch_alloc * 2 : 64;
        size_t *p = realloc(b->scratch, na * sizeof *p);
        if (!p)
            return -1;
        b->scratch = p;
        b->scratch_alloc = na;
    }
    b->scratch[b->nscratch++] = idx;
    return 0;
}

static long new_node(builder *b, enum pgm_ynode_type t, const yaml_mark_t *m)
{
    if (b->n >= PGM_YAML_MAX_NODES)
        return -1;
    if (b->n == b->alloc) {
        size_t na = b->alloc ? b->alloc * 2 : 64;
        pgm_ynode *p = realloc(b->nodes, na * sizeof *p);
        if (!p)
            return -1;
        b->nodes = p;
        b->alloc = na;
    }
    pgm_ynode *nd = &b->nodes[b->n];
    memset(nd, 0, sizeof *nd);
    nd->type = t;
    nd->line = (unsigned)m->line + 1;
    nd->col = (unsigned)m->column + 1;
    return (long)b->n++;
}

/* The children of container nodes are stored as index lists in `kids`. */
typedef struct kid_range {
    size_t start, n;
} kid_range;

static void free_builder(builder *b, bool keep_nodes)
{
    if (!keep_nodes) {
        for (size_t i = 0; i < b->n; i++)
            free(b->nodes[i].text);
        free(b->nodes);
    }
    free(b->kids);
    free(b->scratch);
}

int pgm_ydoc_parse(pgm_ydoc *doc, const char *data, size_t len, char err[PGM_ERR_MAX])
{
    memset(doc, 0, sizeof *doc);
    if (len > PGM_YAML_MAX_BYTES) {
        snprintf(err, PGM_ERR_MAX, "1:1: file larger than %u bytes", PGM_YAML_MAX_BYTES);
        return PGM_FAILED;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err, PGM_ERR_MAX, "1:1: out of memory");
        return PGM_FATAL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
    builder b;
    memset(&b, 0, sizeof b);
    /* ranges[i] = children of node i, as (start, n) into b.kids */
    kid_range *ranges = NULL;
    size_t ranges_alloc = 0;
    long root = -1;
    int rc = PGM_OK;
    bool done = false;
    int docs = 0;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            snprintf(err, PGM_ERR_MAX, "%zu:%zu: YAML syntax: %s%s%s", p.problem_mark.line + 1,
                     p.problem_mark.column + 1, p.problem ? p.problem : "error",
                     p.context ? " " : "", p.context ? p.context : "");
            rc = PGM_FAILED;
            break;
        }
        long idx = -1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                snprintf(err, PGM_ERR_MAX, "%zu:%zu: one YAML document per rule file",
                         ev.start_mark.line + 1, ev.start_mark.column + 1);
                rc = PGM_FAILED;
                done = true;
            }
            break;
        case YAML_ALIAS_EVENT:
            snprintf(err, PGM_ERR_MAX, "%zu:%zu: YAML aliases are not allowed in rule files",
                     ev.start_mark.line + 1, ev.start_mark.column + 1);
            rc = PGM_FAILED;
            done = true;
            break;
        case YAML_SCALAR_EVENT:
            idx = new_node(&b, PGM_Y_SCALAR, &ev.start_mark);
            if (idx >= 0) {
                pgm_ynode *nd = &b.nodes[idx];
                nd->text = malloc(ev.data.scalar.length + 1);
                if (!nd->text) {
                    idx = -1;
                    break;
                }
                memcpy(nd->text, ev.data.scalar.value, ev.data.scalar.length);
                nd->text[ev.data.scalar.length] = '\0';
                nd->len = ev.data.scalar.length;
                nd->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
            }
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (b.depth >= PGM_YAML_MAX_DEPTH) {
                snprintf(err, PGM_ERR_MAX, "%zu:%zu: nested deeper than %d levels",
                         ev.start_mark.line + 1, ev.start_mark.column + 1, PGM_YAML_MAX_DEPTH);
                rc = PGM_FAILED;
                done = true;
                break;
            }
            idx = new_node(&b, ev.type == YAML_SEQUENCE_START_EVENT ? PGM_Y_SEQ : PGM_Y_MAP,
                           &ev.start_mark);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            /* Close the container: move its children from scratch into kids. */
            size_t self = b.stack[b.depth];
            size_t from = b.first_kid[b.depth];
            size_t count = b.nscratch - from;
            if (b.nkids + count > b.kids_alloc) {
                size_t na = (b.nkids + count) * 2 + 16;
                size_t *k = realloc(b.kids, na * sizeof *k);
                if (!k) {
                    rc = PGM_FATAL;
                    done = true;
                    break;
                }
                b.kids = k;
                b.kids_alloc = na;
            }
            if (count) /* an empty {} or [] has no kids (and maybe no array yet) */
                memcpy(b.kids + b.nkids, b.scratch + from, count * sizeof *b.kids);
            if (self >= ranges_alloc) {
                size_t na = (self + 1) * 2;
                kid_range *r = realloc(ranges, na * sizeof *r);
                if (!r) {
                    rc = PGM_FATAL;
                    done = true;
                    break;
                }
                ranges = r;
                ranges_alloc = na;
            }
            ranges[self].start = b.nkids;
            ranges[self].n = count;
            b.nkids += count;
            b.nscratch = from;
            b.depth--;
            idx = (long)self; /* now a finished child of the level above */
            if (push_scratch(&b, (size_t)idx)) {
                rc = PGM_FATAL;
                done = true;
            }
            if (b.depth == 0)
                root = idx;
            idx = -2; /* handled */
            break;
        }
        default:
            break;
        }
        if ((ev.type == YAML_SCALAR_EVENT || ev.type == YAML_SEQUENCE_START_EVENT ||
             ev.type == YAML_MAPPING_START_EVENT) && rc == PGM_OK) {
            if (idx < 0) {
                snprintf(err, PGM_ERR_MAX, "%zu:%zu: document too large or out of memory",
                         ev.start_mark.line + 1, ev.start_mark.column + 1);
                rc = PGM_FAILED;
                done = true;
            } else if (ev.type == YAML_SCALAR_EVENT) {
                if (b.depth == 0)
                    root = idx;
                else if (push_scratch(&b, (size_t)idx))
                    rc = PGM_FATAL, done = true;
            } else {
                b.depth++;
                b.stack[b.depth] = (size_t)idx;
                b.first_kid[b.depth] = b.nscratch;
            }
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (rc != PGM_OK) {
        free(ranges);
        free_builder(&b, false);
        return rc;
    }
    /* Turn index lists into pointer arrays. */
    for (size_t i = 0; i < b.n; i++) {
        pgm_ynode *nd = &b.nodes[i];
        if (nd->type == PGM_Y_SCALAR)
            continue;
        size_t cnt = i < ranges_alloc ? ranges[i].n : 0;
        nd->n = cnt;
        if (!cnt)
            continue;
        nd->items = malloc(cnt * sizeof *nd->items);
        if (!nd->items) {
            free(ranges);
            for (size_t k = 0; k < i; k++)
                free(b.nodes[k].items);
            free_builder(&b, false);
            snprintf(err, PGM_ERR_MAX, "1:1: out of memory");
            return PGM_FATAL;
        }
        for (size_t k = 0; k < cnt; k++)
            nd->items[k] = &b.nodes[b.kids[ranges[i].start + k]];
    }
    free(ranges);
    doc->nodes = b.nodes;
    doc->n_nodes = b.n;
    doc->root = root >= 0 ? &b.nodes[root] : NULL;
    free_builder(&b, true);
    return PGM_OK;
}

void pgm_ydoc_free(pgm_ydoc *doc)
{
    for (size_t i = 0; i < doc->n_nodes; i++) {
        free(doc->nodes[i].text);
        free(doc->nodes[i].items);
    }
    free(doc->nodes);
    memset(doc, 0, sizeof *doc);
}

const pgm_ynode *pgm_ymap_get(const pgm_ynode *map, const char *key)
{
    if (!map || map->type != PGM_Y_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (map->items[i]->type == PGM_Y_SCALAR && strcmp(map->items[i]->text, key) == 0)
            return map->items[i + 1];
    return NULL;
}
