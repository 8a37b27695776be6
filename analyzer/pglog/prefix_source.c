#include "pglog/prefix_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/pgconf.h"

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
