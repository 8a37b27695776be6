#include "envelope/document.h"

#include <string.h>

void pgm_document_scan_init(pgm_document_scan *d, size_t max_entry)
{
    memset(d, 0, sizeof *d);
    pgm_strbuf_init(&d->entry, max_entry);
    pgm_strbuf_init(&d->labels, PGM_DOCUMENT_LABELS_CAP);
}

void pgm_document_scan_free(pgm_document_scan *d)
{
    pgm_strbuf_free(&d->entry);
    pgm_strbuf_free(&d->labels);
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Whether the key last read at `level` (1: the document's own members) is `name`. */
static bool key_is(const pgm_document_scan *d, uint64_t level, const char *name)
{
    size_t n = strlen(name);
    return level >= 1 && level <= PGM_DOCUMENT_KEY_LEVELS && d->key_lens[level - 1] == n &&
           memcmp(d->keys[level - 1], name, n) == 0;
}

/* Whether the bracket open at `depth` is an object's. */
static bool is_object(const pgm_document_scan *d, uint64_t depth)
{
    return depth >= 1 && depth <= 64 && (d->objects >> (depth - 1) & 1u);
}

/* The top-level keys whose array holds the entries: Cloud Logging's
 * entries.list response, CloudWatch Logs' FilterLogEvents and GetLogEvents. */
static bool entries_key(const pgm_document_scan *d)
{
    return key_is(d, 1, "events") || key_is(d, 1, "entries");
}

/* Where a Loki answer's result element has its members (depth 4 inside
 * {"data": {"result": [{...}]}}), `member` the key just read there. */
static bool at_loki_result(const pgm_document_scan *d, const char *member)
{
    return d->depth == 4 && is_object(d, 1) && key_is(d, 1, "data") && is_object(d, 2) && key_is(d, 2, "result") &&
           !is_object(d, 3) && is_object(d, 4) && key_is(d, 4, member);
}

/* An entry's member that holds its text: where a reviewer finds the line. */
static bool payload_key(const char *k, size_t n)
{
    static const char *const keys[] = {"textPayload", "jsonPayload", "protoPayload", "message"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i]) == n && memcmp(keys[i], k, n) == 0)
            return true;
    return false;
}

static void add(pgm_document_scan *d, const char *s, size_t n)
{
    if (!d->entry_cut && pgm_strbuf_add(&d->entry, s, n) != 0)
        d->entry_cut = true;
}

static void keep(pgm_document_scan *d, char c)
{
    if (d->in_entry)
        add(d, &c, 1);
    if (d->in_labels && !d->labels_cut && pgm_strbuf_add(&d->labels, &c, 1) != 0)
        d->labels_cut = true;
}

static void start_entry(pgm_document_scan *d, uint64_t lineno)
{
    d->in_entry = true;
    d->entry_cut = false;
    pgm_strbuf_reset(&d->entry);
    d->entry_line = lineno;
    d->payload_line = 0;
    d->in_member_key = false;
    d->element = 0;
    if (!d->loki) {
        add(d, "{", 1);
        return;
    }
    /* a Loki value as logcli --output=jsonl prints it; labels too long to
     * keep leave the entry cut (counted and said as left out) */
    add(d, "{\"labels\":", 10);
    if (d->labels.len && !d->labels_cut)
        add(d, d->labels.p, d->labels.len);
    else
        add(d, "{}", 2);
    d->entry_cut = d->entry_cut || d->labels_cut;
    add(d, ",\"timestamp\":", 13);
}

/* A Loki value's elements by name: its time, its line, then what follows. */
static void next_element(pgm_document_scan *d)
{
    static const char *const names[] = {",\"line\":", ",\"metadata\":", ",\"more\":"};
    d->element++;
    const char *name = names[d->element < 3 ? d->element - 1 : 2];
    add(d, name, strlen(name));
}

bool pgm_document_scan_line(pgm_document_scan *d, const char *p, size_t n, size_t *pos, uint64_t lineno)
{
    for (size_t i = *pos; i < n; i++) {
        char c = p[i];
        if (d->in_string) {
            keep(d, c);
            if (d->escaped) {
                d->escaped = false;
            } else if (c == '\\') {
                d->escaped = true;
            } else if (c == '"') {
                d->in_string = false;
                d->key_level = 0;
                if (d->in_member_key) {
                    d->in_member_key = false;
                    size_t k = d->member_key_start;
                    if (!d->entry_cut && !d->payload_line && d->entry.len > k &&
                        payload_key(d->entry.p + k, d->entry.len - 1 - k))
                        d->payload_line = lineno;
                }
            } else if (d->key_level) {
                size_t *len = &d->key_lens[d->key_level - 1];
                if (*len < PGM_DOCUMENT_KEY_MAX)
                    d->keys[d->key_level - 1][*len] = c;
                if (*len <= PGM_DOCUMENT_KEY_MAX)
                    (*len)++;
            }
            continue;
        }
        if (is_space(c))
            continue;
        /* an entry's own bracket and commas are written as its form wants */
        bool loki_member = d->in_entry && d->loki && d->depth == d->entries_depth + 1;
        if (!(loki_member && (c == ',' || c == ']')))
            keep(d, c);
        switch (c) {
        case '"':
            d->in_string = true;
            d->escaped = false;
            if (d->key_next && d->depth <= PGM_DOCUMENT_KEY_LEVELS) {
                d->key_level = d->depth;
                d->key_lens[d->depth - 1] = 0;
            }
            if (d->in_entry && !d->loki && d->depth == d->entries_depth + 1 && d->key_next) {
                d->in_member_key = true;
                d->member_key_start = d->entry.len;
            }
            if (loki_member && d->element == 1 && !d->payload_line)
                d->payload_line = lineno;
            break;
        case ':':
            d->key_next = false;
            break;
        case ',':
            d->key_next = is_object(d, d->depth);
            if (loki_member)
                next_element(d);
            break;
        case '{':
        case '[':
            if (!d->depth) {
                /* the document's own bracket (or the next document's, when
                 * several were written one after the other): a root array's
                 * objects are entries */
                d->entries_depth = c == '[' ? 1 : 0;
                d->loki = false;
                memset(d->key_lens, 0, sizeof d->key_lens);
            } else if (c == '[' && d->depth == 1 && is_object(d, 1) && !d->entries_depth && entries_key(d)) {
                d->entries_depth = 2;
            } else if (c == '[' && !d->entries_depth && at_loki_result(d, "values")) {
                d->entries_depth = 5;
                d->loki = true;
            } else if (c == '{' && at_loki_result(d, "stream")) {
                d->in_labels = true;
                d->labels_cut = false;
                pgm_strbuf_reset(&d->labels);
                if (pgm_strbuf_add(&d->labels, "{", 1) != 0)
                    d->labels_cut = true;
            } else if (c == '{' && d->depth == 3 && key_is(d, 2, "result")) {
                pgm_strbuf_reset(&d->labels); /* a result's labels are its own */
            }
            if (!d->in_entry && d->entries_depth && d->depth == d->entries_depth && c == (d->loki ? '[' : '{'))
                start_entry(d, lineno);
            d->depth++;
            if (d->depth <= 64) {
                if (c == '{')
                    d->objects |= (uint64_t)1 << (d->depth - 1);
                else
                    d->objects &= ~((uint64_t)1 << (d->depth - 1));
            }
            d->key_next = c == '{';
            break;
        case '}':
        case ']':
            if (d->depth)
                d->depth--;
            d->key_next = false;
            if (d->in_labels && d->depth == 4)
                d->in_labels = false;
            if (d->in_entry && d->depth == d->entries_depth) {
                if (d->loki)
                    add(d, "}", 1);
                d->in_entry = false;
                *pos = i + 1;
                return true;
            }
            if (d->entries_depth && d->depth < d->entries_depth) {
                d->entries_depth = 0; /* the entries' array closed */
                d->loki = false;
            }
            break;
        default:
            break;
        }
    }
    *pos = n;
    return false;
}

bool pgm_document_opens(const char *p, size_t n)
{
    size_t i = 0;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && is_space(p[i]))
        i++;
    return i < n && (p[i] == '[' || p[i] == '{');
}
