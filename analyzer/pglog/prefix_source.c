#define _GNU_SOURCE /* memmem */
#include "pglog/prefix_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/pgconf.h"
#include "pglog/prefix.h"

/* The text as the only file there is: includes of other files are missing. */
typedef struct one_file {
    const char *text;
    size_t n;
} one_file;

static int open_text(void *ctx, const char *path, char **data, size_t *len)
{
    const one_file *f = ctx;
    if (strcmp(path, "postgresql.conf") != 0)
        return 1;
    *data = malloc(f->n + 1);
    if (!*data)
        return -1;
    memcpy(*data, f->text, f->n);
    *len = f->n;
    return 0;
}

bool pgm_conf_log_line_prefix(const char *text, size_t n, char out[PGM_PREFIX_VALUE_MAX],
                              unsigned *line)
{
    one_file f = {text, n};
    pgm_conf_files files = {open_text, NULL, &f};
    pgm_conf c;
    pgm_conf_init(&c);
    pgm_conf_load(&c, "postgresql.conf", NULL, &files);
    /* the last entry of the file, even if another line has a syntax error:
     * the prefix is wanted to read the log, not to judge the file */
    bool found = false;
    for (size_t i = c.n; i-- > 0 && !found;) {
        const pgm_conf_entry *e = &c.entries[i];
        if (e->name && e->value && strcasecmp(e->name, "log_line_prefix") == 0 &&
            strlen(e->value) < PGM_PREFIX_VALUE_MAX) {
            snprintf(out, PGM_PREFIX_VALUE_MAX, "%s", e->value);
            *line = e->line;
            found = true;
        }
    }
    pgm_conf_free(&c);
    return found;
}

/* The cells of a row split at `sep` ('|' or ','), csv quotes undone when
 * `csv`. Returns how many (at most `max`); cells point into `buf`. */
static size_t split_row(const char *p, size_t n, char sep, bool csv, char *buf, size_t cap,
                        const char **cells, size_t *lens, size_t max)
{
    size_t k = 0, o = 0;
    for (size_t i = 0; i <= n && k < max;) {
        cells[k] = buf + o;
        size_t start = o;
        if (csv && i < n && p[i] == '"') {
            for (i++; i < n && o + 1 < cap; i++) {
                if (p[i] == '"' && i + 1 < n && p[i + 1] == '"')
                    buf[o++] = p[i++];
                else if (p[i] == '"')
                    break;
                else
                    buf[o++] = p[i];
            }
            i++; /* the closing quote */
        }
        while (i < n && p[i] != sep && o + 1 < cap)
            buf[o++] = p[i++];
        lens[k++] = o - start;
        if (o + 1 < cap)
            buf[o++] = 0;
        if (i >= n)
            break;
        i++;
    }
    return k;
}

static pgm_slice trimmed(const char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    return (pgm_slice){p, n};
}

static bool is(pgm_slice s, const char *word)
{
    return s.n == strlen(word) && memcmp(s.p, word, s.n) == 0;
}

bool pgm_settings_log_line_prefix(const char *text, size_t n, char out[PGM_PREFIX_VALUE_MAX],
                                  char alt[PGM_PREFIX_VALUE_MAX], unsigned *line)
{
    enum { MAX_CELLS = 32 };
    char buf[4096];
    const char *cells[MAX_CELLS];
    size_t lens[MAX_CELLS];
    int name_col = -1, setting_col = -1;
    char sep = 0;
    bool padded = false, expanded_hit = false;
    unsigned lineno = 0;
    for (const char *p = text, *e = text + n; p < e;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
        lineno++;
        if (len && p[len - 1] == '\r')
            len--;
        /* expanded: "name     | log_line_prefix" then "setting  | value" */
        const char *bar = memchr(p, '|', len);
        if (bar && name_col < 0) {
            pgm_slice key = trimmed(p, (size_t)(bar - p));
            pgm_slice val = {bar + 2 <= p + len ? bar + 2 : p + len, 0};
            val.n = (size_t)(p + len - val.p);
            if (is(key, "name"))
                expanded_hit = is(trimmed(val.p, val.n), "log_line_prefix");
            else if (is(key, "setting") && expanded_hit) {
                pgm_slice v = trimmed(val.p, val.n);
                snprintf(out, PGM_PREFIX_VALUE_MAX, "%.*s", (int)v.n, v.p);
                snprintf(alt, PGM_PREFIX_VALUE_MAX, "%.*s ", (int)v.n, v.p);
                *line = lineno;
                return v.n > 0;
            }
        }
        /* a header naming the columns: the separator and whether cells are padded */
        if (setting_col < 0) {
            char seps[] = {'|', ',', '\t'};
            for (size_t s = 0; s < sizeof seps && setting_col < 0; s++) {
                size_t k = split_row(p, len, seps[s], seps[s] == ',', buf, sizeof buf, cells, lens, MAX_CELLS);
                for (size_t i = 0; i < k; i++) {
                    pgm_slice c = trimmed(cells[i], lens[i]);
                    if (is(c, "name"))
                        name_col = (int)i;
                    if (is(c, "setting"))
                        setting_col = (int)i;
                }
                if (name_col >= 0 && setting_col >= 0) {
                    sep = seps[s];
                    padded = len && (p[0] == ' ' || memmem(p, len, " | ", 3) != NULL);
                } else {
                    name_col = setting_col = -1;
                }
            }
        } else {
            size_t k = split_row(p, len, sep, sep == ',', buf, sizeof buf, cells, lens, MAX_CELLS);
            if ((size_t)name_col < k && (size_t)setting_col < k &&
                is(trimmed(cells[name_col], lens[name_col]), "log_line_prefix")) {
                pgm_slice v = {cells[setting_col], lens[setting_col]};
                if (padded) {
                    v = trimmed(v.p, v.n);
                    snprintf(alt, PGM_PREFIX_VALUE_MAX, "%.*s ", (int)v.n, v.p);
                } else {
                    alt[0] = 0;
                }
                snprintf(out, PGM_PREFIX_VALUE_MAX, "%.*s", (int)v.n, v.p);
                *line = lineno;
                return v.n > 0;
            }
        }
        p = nl ? nl + 1 : e;
    }
    return false;
}
