/* The options that say which configuration applies, for every command that
 * judges configuration (lint, and analyze's configuration pass), parsed by
 * one piece of code: --profile, --hikari-version, --instances. */
#ifndef PGM_CONFIG_OPTIONS_H
#define PGM_CONFIG_OPTIONS_H

#include <stdbool.h>

#include "cli/cli.h"
#include "config/effective.h"

typedef struct pgm_config_opts {
    pgm_config_options config; /* profiles point into `profiles`, names are owned */
    char *profiles;            /* every --profile, comma-separated */
} pgm_config_opts;

void pgm_config_opts_init(pgm_config_opts *o);
/* 1 taken, 0 not one of them, -1 usage error said (or out of memory). */
int pgm_config_option(pgm_args *a, const char *opt, pgm_config_opts *o);
/* After the options: the profiles into `config`; false (said) when there
 * are more than PGM_CONFIG_MAX_PROFILES. */
bool pgm_config_opts_finish(pgm_config_opts *o, const char *command);
void pgm_config_opts_free(pgm_config_opts *o);

#endif
