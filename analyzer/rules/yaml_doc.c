#include "rules/yaml_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/grow.h"

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
    /* with aliases */
    size_t *weight;          /* nodes met walking node i, aliases expanded */
    size_t weight_alloc;
    struct { char *name; size_t node; } anchors[PGM_YAML_MAX_ANCHORS];
    size_t n_anchors;
} builder;

static int push_scratch(builder *b, size_t idx)
{
    size_t *p = pgm_grow(b->scratch, &b->scratch_alloc, b->nscratch, sizeof *p, 64);
    if (!p)
        return -1;
    b->scratch = p;
    b->scratch[b->nscratch++] = idx;
    return 0;
}

static long new_node(builder *b, enum pgm_ynode_type t, const yaml_mark_t *m)
{
    if (b->n >= PGM_YAML_MAX_NODES)
        return -1;
    pgm_ynode *p = pgm_grow(b->nodes, &b->alloc, b->n, sizeof *p, 64);
    if (!p)
        return -1;
    b->nodes = p;
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
    free(b->weight);
    for (size_t i = 0; i < b->n_anchors; i++)
        free(b->anchors[i].name);
}

static int set_weight(builder *b, size_t idx, size_t w)
{
    if (idx >= b->weight_alloc) {
        size_t na = (idx + 1) * 2;
        size_t *p = realloc(b->weight, na * sizeof *p);
        if (!p)
            return -1;
        b->weight = p;
        b->weight_alloc = na;
    }
    b->weight[idx] = w;
    return 0;
}

static int add_anchor(builder *b, const unsigned char *name, size_t idx)
{
    if (!name)
        return 0;
    if (b->n_anchors >= PGM_YAML_MAX_ANCHORS)
        return 1;
    char *copy = strdup((const char *)name);
    if (!copy)
        return -1;
    /* a later anchor of the same name takes over from there on (YAML 1.2 3.2.2.2) */
    b->anchors[b->n_anchors].name = copy;
    b->anchors[b->n_anchors].node = idx;
    b->n_anchors++;
    return 0;
}

static long find_anchor(const builder *b, const unsigned char *name)
{
    for (size_t i = b->n_anchors; i > 0; i--)
        if (strcmp(b->anchors[i - 1].name, (const char *)name) == 0)
            return (long)b->anchors[i - 1].node;
    return -1;
}

static bool is_open(const builder *b, size_t idx)
{
    for (int d = 1; d <= b->depth; d++)
        if (b->stack[d] == idx)
            return true;
    return false;
}

static bool has_key(const builder *b, const size_t *pairs, size_t n, size_t key)
{
    const pgm_ynode *k = &b->nodes[key];
    for (size_t i = 0; i + 1 < n; i += 2) {
        const pgm_ynode *o = &b->nodes[pairs[i]];
        if (pairs[i] == key ||
            (k->type == PGM_Y_SCALAR && o->type == PGM_Y_SCALAR && strcmp(k->text, o->text) == 0))
            return true;
    }
    return false;
}

/* A closing mapping's pairs (scratch[from..]) with its `<<` keys resolved:
 * its own pairs, then those of the merged mappings it does not set, the
 * first merged mapping winning (the YAML merge key spec, as SnakeYAML).
 * 0, 1 when a `<<` names something that is not a mapping, -1 on memory. */
static int resolve_merges(builder *b, size_t from, const kid_range *ranges, size_t ranges_alloc)
{
    size_t count = b->nscratch - from;
    bool any = false;
    for (size_t i = 0; i + 1 < count; i += 2) {
        const pgm_ynode *k = &b->nodes[b->scratch[from + i]];
        any |= k->type == PGM_Y_SCALAR && !k->quoted && strcmp(k->text, "<<") == 0;
    }
    if (!any)
        return 0;
    size_t *out = malloc(count * sizeof *out), n = 0, cap = count;
    if (!out)
        return -1;
    int rc = 0;
    for (size_t i = 0; i + 1 < count; i += 2) {
        const pgm_ynode *k = &b->nodes[b->scratch[from + i]];
        if (!(k->type == PGM_Y_SCALAR && !k->quoted && strcmp(k->text, "<<") == 0)) {
            out[n++] = b->scratch[from + i];
            out[n++] = b->scratch[from + i + 1];
        }
    }
    for (size_t i = 0; i + 1 < count && rc == 0; i += 2) {
        const pgm_ynode *k = &b->nodes[b->scratch[from + i]];
        if (!(k->type == PGM_Y_SCALAR && !k->quoted && strcmp(k->text, "<<") == 0))
            continue;
        size_t v = b->scratch[from + i + 1];
        /* one mapping, or a sequence of them */
        size_t single[1] = {v};
        const size_t *maps = single;
        size_t n_maps = 1;
        if (b->nodes[v].type == PGM_Y_SEQ) {
            n_maps = v < ranges_alloc ? ranges[v].n : 0;
            maps = n_maps ? b->kids + ranges[v].start : NULL;
        }
        for (size_t m = 0; m < n_maps && rc == 0; m++) {
            size_t map = maps[m];
            if (b->nodes[map].type != PGM_Y_MAP) {
                rc = 1;
                break;
            }
            size_t np = map < ranges_alloc ? ranges[map].n : 0;
            const size_t *pairs = np ? b->kids + ranges[map].start : NULL;
            for (size_t j = 0; j + 1 < np; j += 2) {
                if (has_key(b, out, n, pairs[j]))
                    continue;
                if (n + 2 > cap) {
                    size_t nc = cap * 2 + 16;
                    size_t *no = realloc(out, nc * sizeof *no);
                    if (!no) {
                        rc = -1;
                        break;
                    }
                    out = no;
                    cap = nc;
                }
                out[n++] = pairs[j];
                out[n++] = pairs[j + 1];
            }
        }
    }
    if (rc == 0) {
        b->nscratch = from;
        for (size_t i = 0; i < n && rc == 0; i++)
            if (push_scratch(b, out[i]))
                rc = -1;
    }
    free(out);
    return rc;
}

/* Names node idx when the event carries an anchor; non-zero with err set
 * when it cannot. */
static int anchor(builder *b, const unsigned char *name, size_t idx, const yaml_event_t *ev,
                  char err[PGM_ERR_MAX])
{
    int r = add_anchor(b, name, idx);
    if (r > 0)
        snprintf(err, PGM_ERR_MAX, "%zu:%zu: more than %u anchors in one document",
                 ev->start_mark.line + 1, ev->start_mark.column + 1, PGM_YAML_MAX_ANCHORS);
    else if (r < 0)
        snprintf(err, PGM_ERR_MAX, "%zu:%zu: out of memory", ev->start_mark.line + 1,
                 ev->start_mark.column + 1);
    return r;
}

static int parse(pgm_ydoc *doc, const char *data, size_t len, bool aliases, char err[PGM_ERR_MAX])
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
        case YAML_ALIAS_EVENT: {
            if (!aliases) {
                snprintf(err, PGM_ERR_MAX, "%zu:%zu: YAML aliases are not allowed in rule files",
                         ev.start_mark.line + 1, ev.start_mark.column + 1);
                rc = PGM_FAILED;
                done = true;
                break;
            }
            long to = find_anchor(&b, ev.data.alias.anchor);
            const char *why = to < 0                   ? "names no anchor before it"
                              : is_open(&b, (size_t)to) ? "is inside the node it names"
                                                        : NULL;
            if (why) {
                snprintf(err, PGM_ERR_MAX, "%zu:%zu: the alias *%.64s %s", ev.start_mark.line + 1,
                         ev.start_mark.column + 1, (const char *)ev.data.alias.anchor, why);
                rc = PGM_FAILED;
                done = true;
            } else if (b.depth == 0) {
                root = to;
            } else if (push_scratch(&b, (size_t)to)) {
                rc = PGM_FATAL;
                done = true;
            }
            break;
        }
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
            if (idx >= 0 && aliases && (set_weight(&b, (size_t)idx, 1) ||
                                        anchor(&b, ev.data.scalar.anchor, (size_t)idx, &ev, err)))
                idx = -3;
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
            if (idx >= 0 && aliases &&
                anchor(&b, ev.type == YAML_SEQUENCE_START_EVENT ? ev.data.sequence_start.anchor
                                                                 : ev.data.mapping_start.anchor,
                       (size_t)idx, &ev, err))
                idx = -3;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            /* Close the container: move its children from scratch into kids. */
            size_t self = b.stack[b.depth];
            size_t from = b.first_kid[b.depth];
            if (aliases && ev.type == YAML_MAPPING_END_EVENT) {
                int m = resolve_merges(&b, from, ranges, ranges_alloc);
                if (m != 0) {
                    if (m > 0)
                        snprintf(err, PGM_ERR_MAX, "%u:%u: a merge key (<<) must name a mapping or "
                                 "a list of mappings", b.nodes[self].line, b.nodes[self].col);
                    rc = m > 0 ? PGM_FAILED : PGM_FATAL;
                    done = true;
                    break;
                }
            }
            size_t count = b.nscratch - from;
            if (aliases) {
                size_t w = 1;
                for (size_t i = from; i < b.nscratch; i++)
                    w += b.weight[b.scratch[i]];
                if (w > PGM_YAML_MAX_EXPANDED) {
                    snprintf(err, PGM_ERR_MAX, "%u:%u: its aliases expand to more than %u nodes "
                             "(a \"billion laughs\" file?); not read", b.nodes[self].line,
                             b.nodes[self].col, PGM_YAML_MAX_EXPANDED);
                    rc = PGM_FAILED;
                    done = true;
                    break;
                }
                if (set_weight(&b, self, w)) {
                    rc = PGM_FATAL;
                    done = true;
                    break;
                }
            }
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
                if (idx != -3) /* -3: err says why already */
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

int pgm_ydoc_parse(pgm_ydoc *doc, const char *data, size_t len, char err[PGM_ERR_MAX])
{
    return parse(doc, data, len, false, err);
}

int pgm_ydoc_parse_aliases(pgm_ydoc *doc, const char *data, size_t len, char err[PGM_ERR_MAX])
{
    return parse(doc, data, len, true, err);
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
