/* postgresql.conf as the server reads it (guc-file.l, the same in 12-17):
 * one `name [=] value` per line, quoting and escapes, `include`,
 * `include_if_exists` and `include_dir` expanded in place (relative to the
 * including file), postgresql.auto.conf after everything, the later entry of
 * a name winning. The result is the server's own pg_file_settings: every
 * entry with its file, line, order, whether it applies, and the error that
 * stops it. Facts: shared/reference/postgresql-conf.md; the real server's
 * answers in tests/samples/postgresql-15/conf-syntax/. Files come from a
 * provider, so a bundle's archive can stand in for the data directory. */
#ifndef PGM_PGCONF_H
#define PGM_PGCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/rc.h"

/* Include nesting the server accepts (guc.c CONF_FILE_MAX_DEPTH). */
#define PGM_CONF_MAX_DEPTH 10
/* Entries kept; more are counted. */
#define PGM_CONF_MAX_ENTRIES 100000u
/* Files listed in one include_dir. */
#define PGM_CONF_MAX_DIR_FILES 1024u
/* Messages kept, and "did you mean" searches made, per load: a file full
 * of unknown names must not cost a search per line (a fuzzer's find). */
#define PGM_CONF_MAX_MESSAGES 100u
#define PGM_CONF_MAX_SUGGESTIONS 20u
/* Files read per load: includes may fan out (three include_dir lines that
 * each reach the file again make 3^10 reads at the depth limit). */
#define PGM_CONF_MAX_FILES_READ 256u
/* Bytes of configuration read per load, all files together. */
#define PGM_CONF_MAX_TOTAL_BYTES (64u << 20)

typedef struct pgm_conf_entry {
    char *file;         /* as the provider names it */
    unsigned line;
    unsigned seqno;     /* order in the flattened list, from 1 */
    char *name;         /* as written (names compare case-insensitively) */
    char *value;        /* unquoted, escapes undone; NULL for a syntax error */
    char *setting;      /* applied entries: the value as pg_settings shows it (base unit) */
    bool applied;       /* the last entry of its name, and no error */
    char *error;        /* "syntax error", "unrecognized configuration parameter", ... */
} pgm_conf_entry;

/* Bytes of one configuration file, at most: more is a log misnamed .conf. */
#define PGM_CONF_MAX_FILE (16u << 20)

/* Where the files come from. `open`: 0 with the content (malloc'd, the
 * caller frees), 1 when there is no such file, 2 when it is larger than
 * PGM_CONF_MAX_FILE (not read), -1 when it cannot be read.
 * `list`: the names (malloc'd array of malloc'd strings) in a directory. */
typedef struct pgm_conf_files {
    int (*open)(void *ctx, const char *path, char **data, size_t *len);
    /* 0, 1 when the directory holds more than PGM_CONF_MAX_DIR_FILES (the
     * first are listed), -1 when it cannot be listed */
    int (*list)(void *ctx, const char *dir, char ***names, size_t *n);
    void *ctx;
} pgm_conf_files;

typedef struct pgm_conf {
    pgm_conf_entry *entries;
    size_t n, alloc;
    char **messages;    /* the server's log lines for what went wrong */
    size_t n_messages;
    bool syntax_errors; /* the server would apply nothing */
    size_t messages_dropped, suggestions;
    /* messages that say part of the configuration was not read (a missing
     * include, a syntax error, a limit): the server would refuse it too */
    size_t unread;
    bool entries_over;          /* PGM_CONF_MAX_ENTRIES was reached (said once) */
} pgm_conf;

void pgm_conf_init(pgm_conf *c);
void pgm_conf_free(pgm_conf *c);
/* Reads `main_path` with its includes, then `auto_path` (NULL: none).
 * PGM_OK, PGM_WARN (some file missing or wrong: see messages), PGM_FATAL. */
int pgm_conf_load(pgm_conf *c, const char *main_path, const char *auto_path,
                  const pgm_conf_files *files);
/* The applied entry of `name`, or NULL. */
const pgm_conf_entry *pgm_conf_get(const pgm_conf *c, const char *name);

/* Files on disk: the provider for a data directory or an unpacked bundle. */
extern const pgm_conf_files pgm_conf_disk_files;

#endif
