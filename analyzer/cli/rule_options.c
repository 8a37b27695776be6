/* Rule packs for every command that uses them: the builtin packs and the
 * --rules / --no-builtin-rules options. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "rules/ruleset.h"

#ifndef PGM_RULES_DIR
#define PGM_RULES_DIR "/usr/local/share/pgmortem/rules"
#endif

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The builtin packs: $PGMORTEM_RULES_DIR, else beside the binary (source tree
 * or an install prefix), else the configured install location. */
/* Rule files are cited in messages and listings: show them relative to the
 * current directory when they are below it, so output does not depend on
 * where the checkout lives. */
static void tidy_path(char *path, size_t cap)
{
    char real[PATH_MAX], cwd[PATH_MAX];
    if (!realpath(path, real) || !getcwd(cwd, sizeof cwd))
        return;
    size_t l = strlen(cwd);
    if (strncmp(real, cwd, l) == 0 && real[l] == '/')
        snprintf(path, cap, "%s", real + l + 1);
    else
        snprintf(path, cap, "%s", real);
}

static bool builtin_rules_dir(char *out, size_t cap)
{
    const char *env = getenv("PGMORTEM_RULES_DIR");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return is_dir(out);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        static const char *const rel[] = {"/../rules", "/../../rules", "/../share/pgmortem/rules"};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            char cand[PATH_MAX + 32];
            snprintf(cand, sizeof cand, "%s%s/README.md", exe, rel[i]);
            if (access(cand, R_OK) == 0) {
                snprintf(out, cap, "%s%s", exe, rel[i]);
                tidy_path(out, cap);
                return true;
            }
        }
    }
    snprintf(out, cap, "%s", PGM_RULES_DIR);
    return is_dir(out);
}

/* Loads every pack; prints every error and returns false when any. */
bool pgm_load_rules(const pgm_rule_options *o, pgm_ruleset *rs)
{
    pgm_load_errors errs;
    memset(&errs, 0, sizeof errs);
    pgm_ruleset_init(rs);
    char builtin[PATH_MAX];
    if (o->builtin) {
        if (builtin_rules_dir(builtin, sizeof builtin))
            pgm_ruleset_load_dir(rs, builtin, &errs);
        else
            fprintf(stderr, "pgmortem: note: no builtin rule packs found (looked beside the binary "
                            "and in %s)\n", PGM_RULES_DIR);
    }
    for (size_t i = 0; i < o->n_dirs; i++) {
        if (is_dir(o->dirs[i]))
            pgm_ruleset_load_dir(rs, o->dirs[i], &errs);
        else
            pgm_ruleset_load_file(rs, o->dirs[i], &errs);
    }
    if (!errs.n)
        pgm_ruleset_finish(rs, &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msg[i]);
    if (errs.dropped)
        fprintf(stderr, "pgmortem: ... and %zu more errors\n", errs.dropped);
    bool ok = errs.n == 0;
    if (!ok)
        fprintf(stderr, "pgmortem: invalid rule packs: nothing loaded\n");
    pgm_load_errors_free(&errs);
    return ok;
}


int pgm_args_rule_option(pgm_args *a, const char *opt, pgm_rule_options *o)
{
    if (strcmp(opt, "--no-builtin-rules") == 0) {
        o->builtin = false;
        return 1;
    }
    if (strcmp(opt, "--rules") != 0)
        return 0;
    const char *v = pgm_args_value(a);
    if (!v)
        return -1;
    if (o->n_dirs == PGM_MAX_RULE_DIRS) {
        pgm_usage_error(a->command, "at most %d --rules", PGM_MAX_RULE_DIRS);
        return -1;
    }
    o->dirs[o->n_dirs++] = v;
    return 1;
}
