/* A parameter's value as the server turns the text of postgresql.conf into
 * its setting (guc.c: parse_bool, parse_int with units, parse_real, enum
 * lookup): the setting is what pg_settings.setting shows (integers in the
 * parameter's base unit, booleans on/off, enums as spelt in the catalog).
 * Facts: shared/reference/postgresql-conf.md, the catalog pg15-gucs.tsv. */
#ifndef PGM_GUC_H
#define PGM_GUC_H

#include <stdbool.h>
#include <stddef.h>

#include "util/rc.h"

typedef struct pgm_guc {
    const char *name, *context, *type, *boot, *min, *max, *unit, *enum_values;
} pgm_guc;

/* The catalog entry of a parameter (any case), or NULL. */
const pgm_guc *pgm_guc_find(const char *name);
/* The i-th entry of the catalog (by name), or NULL past its end. */
const pgm_guc *pgm_guc_find_index(size_t i);

/* The setting for `text`, or false with the server's message (and hint). */
bool pgm_guc_setting(const pgm_guc *g, const char *text, char *out, size_t cap,
                     char err[PGM_ERR_MAX]);

#endif
