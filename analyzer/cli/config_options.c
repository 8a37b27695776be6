#include "cli/config_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pgm_config_opts_init(pgm_config_opts *o)
{
    memset(o, 0, sizeof *o);
}

void pgm_config_opts_free(pgm_config_opts *o)
{
    for (size_t i = 0; i < o->config.n_instances; i++)
        free((char *)o->config.instances[i].name);
    free(o->profiles);
    memset(o, 0, sizeof *o);
}

/* --instances orders=4 */
static bool parse_instances(const char *v, pgm_config_options *c)
{
    const char *eq = strrchr(v, '=');
    if (!eq || eq == v || !eq[1])
        return false;
    char *end;
    long n = strtol(eq + 1, &end, 10);
    if (*end || n < 0 || n > 100000)
        return false;
    char *name = strndup(v, (size_t)(eq - v));
    if (!name)
        return false;
    c->instances[c->n_instances].name = name;
    c->instances[c->n_instances].n = n;
    c->n_instances++;
    return true;
}

int pgm_config_option(pgm_args *a, const char *opt, pgm_config_opts *o)
{
    const char *v;
    if (strcmp(opt, "--profile") == 0) {
        if (!(v = pgm_args_value(a)))
            return -1;
        /* several --profile, or one with commas: prod,live (the last wins) */
        size_t l = o->profiles ? strlen(o->profiles) : 0;
        char *p = realloc(o->profiles, l + strlen(v) + 2);
        if (!p) {
            fputs("pgmortem: out of memory\n", stderr);
            return -1;
        }
        o->profiles = p;
        snprintf(o->profiles + l, strlen(v) + 2, "%s%s", l ? "," : "", v);
        return 1;
    }
    if (strcmp(opt, "--hikari-version") == 0) {
        if (!(v = pgm_args_value(a)))
            return -1;
        int maj, min;
        if (sscanf(v, "%d.%d", &maj, &min) != 2 || maj < 1 || maj > 99) {
            pgm_usage_error(a->command, "--hikari-version wants a version like 5.1.0, not '%s'", v);
            return -1;
        }
        o->config.hikari_version = v;
        return 1;
    }
    if (strcmp(opt, "--instances") == 0) {
        if (!(v = pgm_args_value(a)))
            return -1;
        if (o->config.n_instances == PGM_CONFIG_MAX_INSTANCES) {
            pgm_usage_error(a->command, "at most %u --instances", PGM_CONFIG_MAX_INSTANCES);
            return -1;
        }
        if (!parse_instances(v, &o->config)) {
            pgm_usage_error(a->command,
                            "--instances wants NAME=N (a service, workload or pool, and its replicas), not '%s'", v);
            return -1;
        }
        return 1;
    }
    return 0;
}

bool pgm_config_opts_finish(pgm_config_opts *o, const char *command)
{
    char *save = NULL;
    o->config.n_profiles = 0;
    for (char *t = o->profiles ? strtok_r(o->profiles, ", ", &save) : NULL; t; t = strtok_r(NULL, ", ", &save)) {
        if (o->config.n_profiles == PGM_CONFIG_MAX_PROFILES) {
            pgm_usage_error(command, "--profile: at most %d profiles", PGM_CONFIG_MAX_PROFILES);
            return false;
        }
        o->config.profiles[o->config.n_profiles++] = t;
    }
    return true;
}
