/* log_line_prefix as a bundle's own postgresql.conf or postgresql.auto.conf
 * sets it (the last setting wins, as in the server), read with the server's
 * grammar (config/pgconf.h) from the one file at hand: its includes are other
 * files of the bundle, which the walk hands over one at a time. */
#ifndef PGM_PREFIX_SOURCE_H
#define PGM_PREFIX_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest prefix value kept. */
#define PGM_PREFIX_VALUE_MAX 256u

/* True with the value (unquoted, escapes undone) and its 1-based line when
 * `text` sets log_line_prefix on an active line. */
bool pgm_conf_log_line_prefix(const char *text, size_t n, char out[PGM_PREFIX_VALUE_MAX],
                              unsigned *line);

/* log_line_prefix as a pg_settings dump shows it (psql aligned, expanded,
 * unaligned or csv, the columns name and setting among others). psql's
 * aligned forms pad cells with spaces, so a prefix's trailing space cannot be
 * told from padding: then `alt` gets the value with one trailing space, and
 * the log decides (empty when the form is exact). */
bool pgm_settings_log_line_prefix(const char *text, size_t n, char out[PGM_PREFIX_VALUE_MAX],
                                  char alt[PGM_PREFIX_VALUE_MAX], unsigned *line);

#endif
