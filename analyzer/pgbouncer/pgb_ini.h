/* pgbouncer.ini as PgBouncer reads it (its config.c over libusual's
 * cfparser): sections in brackets, "key = value" lines, ';' and '#' starting
 * a comment line, "%include FILE" read in place (relative to the including
 * file). [pgbouncer] holds the settings; [databases] one connection string a
 * database ("host=... port=... dbname=... pool_size=... pool_mode=..."; '*'
 * is the fallback); [users] per-user settings. Keys compare
 * case-insensitively, the later line of a key winning. Passwords in a
 * connection string are never kept. Facts: PgBouncer's docs, "Configuration". */
#ifndef PGM_PGB_INI_H
#define PGM_PGB_INI_H

#include <stdbool.h>
#include <stddef.h>

#include "config/pgconf.h"

/* %include nesting followed; deeper ones are said and not read. */
#define PGM_PGB_INI_MAX_DEPTH 8
/* Files read per load, the main one included: includes may fan out (a file
 * that includes another twice, eight deep, is 2^8 reads). */
#define PGM_PGB_INI_MAX_FILES_READ 64u
/* [databases] and [users] entries kept; more are said and not kept. */
#define PGM_PGB_INI_MAX_ENTRIES 4096u

typedef struct pgm_pgb_setting {
    char *key, *value;     /* key lower-cased */
    char *file;
    unsigned line;
} pgm_pgb_setting;

/* A [databases] or [users] entry: its name and its own settings. */
typedef struct pgm_pgb_entry {
    char *name;
    char *file;
    unsigned line;
    pgm_pgb_setting *params; /* key=value pairs of its string, password left out */
    size_t n_params;
} pgm_pgb_entry;

/* What was not read, where: "FILE:LINE" with its words. */
typedef struct pgm_pgb_ini_message {
    char *where, *text;
} pgm_pgb_ini_message;

typedef struct pgm_pgb_ini {
    pgm_pgb_setting *settings;   /* [pgbouncer], the last line of each key */
    size_t n_settings;
    pgm_pgb_entry *databases, *users;
    size_t n_databases, n_users;
    pgm_pgb_ini_message *messages;
    size_t n_messages;
    size_t entries_over;         /* entries past PGM_PGB_INI_MAX_ENTRIES */
} pgm_pgb_ini;

void pgm_pgb_ini_init(pgm_pgb_ini *ini);
void pgm_pgb_ini_free(pgm_pgb_ini *ini);
/* Reads `path` and its %includes from `files`. PGM_OK, PGM_WARN (something
 * not read: see messages), PGM_FATAL (memory). */
int pgm_pgb_ini_load(pgm_pgb_ini *ini, const char *path, const pgm_conf_files *files);
/* The same over a text in memory (its includes from `files`, NULL: none). */
int pgm_pgb_ini_parse(pgm_pgb_ini *ini, const char *path, const char *text, size_t n, const pgm_conf_files *files);
/* [pgbouncer]'s setting, NULL when not set. */
const pgm_pgb_setting *pgm_pgb_ini_get(const pgm_pgb_ini *ini, const char *key);
/* An entry's parameter, NULL when not set. */
const char *pgm_pgb_entry_param(const pgm_pgb_entry *e, const char *key);

#endif
