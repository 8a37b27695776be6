#include "envelope/document.h"

#include <string.h>

void pgm_document_scan_init(pgm_document_scan *d, size_t max_entry)
{
    memset(d, 0, sizeof *d);
    pgm_strbuf_init(&d->entry, max_entry);
}

void pgm_document_scan_free(pgm_document_scan *d)
{
    pgm_strbuf_free(&d->entry);
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The top-level keys whose array holds the entries: Cloud Logging's
 * entries.list response, CloudWatch Logs' FilterLogEvents and GetLogEvents. */
static bool entries_key(const pgm_document_scan *d)
{
    return !d->key_long && ((d->key_len == 6 && memcmp(d->key, "events", 6) == 0) ||
                            (d->key_len == 7 && memcmp(d->key, "entries", 7) == 0));
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

/* The depth an entry's '{' is met at: inside the document's own array, or
 * inside the entries' array. */
static uint64_t entry_level(const pgm_document_scan *d)
{
    return d->root_object ? d->entries_depth : 1;
}

static void keep(pgm_document_scan *d, char c)
{
    if (d->in_entry && !d->entry_cut && pgm_strbuf_add(&d->entry, &c, 1) != 0)
        d->entry_cut = true;
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
                d->in_key = false;
                if (d->in_member_key) {
                    d->in_member_key = false;
                    size_t k = d->member_key_start;
                    if (!d->entry_cut && !d->payload_line && d->entry.len > k &&
                        payload_key(d->entry.p + k, d->entry.len - 1 - k))
                        d->payload_line = lineno;
                }
            } else if (d->in_key) {
                if (d->key_len < sizeof d->key)
                    d->key[d->key_len++] = c;
                else
                    d->key_long = true;
            }
            continue;
        }
        if (is_space(c))
            continue;
        keep(d, c);
        uint64_t member_level = entry_level(d) + 1;
        switch (c) {
        case '"':
            d->in_string = true;
            d->escaped = false;
            if (d->root_object && d->depth == 1 && !d->after_colon) {
                d->in_key = true;
                d->key_len = 0;
                d->key_long = false;
            }
            if (d->in_entry && d->depth == member_level && d->member_key_next) {
                d->in_member_key = true;
                d->member_key_start = d->entry.len;
            }
            break;
        case ':':
            if (d->root_object && d->depth == 1)
                d->after_colon = true;
            if (d->in_entry && d->depth == member_level)
                d->member_key_next = false;
            break;
        case ',':
            if (d->root_object && d->depth == 1)
                d->after_colon = false;
            if (d->in_entry && d->depth == member_level)
                d->member_key_next = true;
            break;
        case '{':
        case '[':
            if (!d->depth) {
                /* the document's own bracket (or the next document's, when
                 * several were written one after the other) */
                d->root_object = c == '{';
                d->after_colon = false;
                d->entries_depth = 0;
                d->depth = 1;
                break;
            }
            if (c == '[' && d->root_object && d->depth == 1 && d->after_colon && !d->entries_depth &&
                entries_key(d))
                d->entries_depth = 2;
            if (c == '{' && !d->in_entry && entry_level(d) && d->depth == entry_level(d)) {
                d->in_entry = true;
                d->entry_cut = false;
                pgm_strbuf_reset(&d->entry);
                keep(d, c);
                d->entry_line = lineno;
                d->payload_line = 0;
                d->member_key_next = true;
                d->in_member_key = false;
            }
            d->depth++;
            break;
        case '}':
        case ']':
            if (d->depth)
                d->depth--;
            if (d->in_entry && d->depth == entry_level(d)) {
                d->in_entry = false;
                *pos = i + 1;
                return true;
            }
            if (d->entries_depth && d->depth < d->entries_depth)
                d->entries_depth = 0; /* the entries' array closed */
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
