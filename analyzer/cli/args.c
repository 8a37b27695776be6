#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void pgm_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pgmortem: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (command)
        fprintf(stderr, "\nTry 'pgmortem help %s'.\n", command);
    else
        fputs("\nTry 'pgmortem --help'.\n", stderr);
}

void pgm_args_init(pgm_args *a, int argc, char **argv, int first, const char *command)
{
    memset(a, 0, sizeof *a);
    a->argc = argc;
    a->argv = argv;
    a->i = first;
    a->command = command;
}

int pgm_args_next(pgm_args *a, const char **opt, const char **operand)
{
    static char name[64];
    a->inline_val = NULL;
    if (a->i >= a->argc)
        return 0;
    char *w = a->argv[a->i++];
    if (a->only_operands || w[0] != '-' || strcmp(w, "-") == 0) {
        *operand = w;
        return 2;
    }
    if (strcmp(w, "--") == 0) {
        a->only_operands = true;
        return pgm_args_next(a, opt, operand);
    }
    const char *eq = w[1] == '-' ? strchr(w, '=') : NULL;
    if (eq) {
        snprintf(name, sizeof name, "%.*s", (int)(eq - w), w);
        a->inline_val = eq + 1;
        *opt = name;
    } else {
        *opt = w;
    }
    a->opt = *opt;
    return 1;
}

const char *pgm_args_value(pgm_args *a)
{
    if (a->inline_val)
        return a->inline_val;
    if (a->i >= a->argc) {
        pgm_usage_error(a->command, "option '%s' needs a value", a->opt);
        return NULL;
    }
    return a->argv[a->i++];
}

static bool parse_number(const char *s, uint64_t *out, bool allow_suffix)
{
    if (!*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    unsigned shift = 0;
    if (allow_suffix && *end) {
        switch (*end) {
        case 'k': case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        case 'T': shift = 40; break;
        default: return false;
        }
        end++;
        if (*end == 'i')
            end++;
        if (*end == 'B')
            end++;
    }
    if (*end)
        return false;
    if (shift && v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

bool pgm_args_size(pgm_args *a, uint64_t *out)
{
    const char *v = pgm_args_value(a);
    if (!v)
        return false;
    if (!parse_number(v, out, true)) {
        pgm_usage_error(a->command, "option '%s' takes a size like 512M or 64G, not '%s'", a->opt, v);
        return false;
    }
    return true;
}

bool pgm_args_uint(pgm_args *a, uint64_t *out)
{
    const char *v = pgm_args_value(a);
    if (!v)
        return false;
    if (!parse_number(v, out, false)) {
        pgm_usage_error(a->command, "option '%s' takes a whole number, not '%s'", a->opt, v);
        return false;
    }
    return true;
}

int pgm_args_limit_option(pgm_args *a, const char *opt, pgm_bundle_limits *lim)
{
    uint64_t v;
    if (strcmp(opt, "--max-depth") == 0) {
        if (!pgm_args_uint(a, &v))
            return -1;
        lim->max_depth = v > 1000 ? 1000u : (unsigned)v;
        if (v == 0)
            lim->max_depth = 1000u; /* 0 = no limit; 1000 keeps the stack finite */
    } else if (strcmp(opt, "--max-entries") == 0) {
        if (!pgm_args_uint(a, &lim->max_entries))
            return -1;
    } else if (strcmp(opt, "--max-total-bytes") == 0) {
        if (!pgm_args_size(a, &lim->max_total_bytes))
            return -1;
    } else if (strcmp(opt, "--max-ratio") == 0) {
        if (!pgm_args_uint(a, &lim->max_ratio))
            return -1;
    } else if (strcmp(opt, "--max-line-bytes") == 0) {
        if (!pgm_args_size(a, &v))
            return -1;
        if (v > (1ull << 31)) {
            pgm_usage_error(a->command, "--max-line-bytes is at most 2G");
            return -1;
        }
        lim->max_line = (size_t)v;
    } else {
        return 0;
    }
    return 1;
}

bool pgm_common_init(pgm_common_opts *c, int argc)
{
    memset(c, 0, sizeof *c);
    c->lim = pgm_bundle_limits_default();
    c->rules.builtin = true;
    c->inputs = calloc((size_t)argc + 1, sizeof *c->inputs);
    if (!c->inputs)
        fputs("pgmortem: out of memory\n", stderr);
    return c->inputs != NULL;
}

void pgm_common_free(pgm_common_opts *c)
{
    free(c->inputs);
    c->inputs = NULL;
}

int pgm_common_option(pgm_args *a, int kind, const char *opt, const char *operand, pgm_common_opts *c)
{
    if (kind == 2) {
        c->inputs[c->n_inputs++] = operand;
        return 1;
    }
    int k;
    if ((k = pgm_args_limit_option(a, opt, &c->lim)) != 0 || (k = pgm_args_rule_option(a, opt, &c->rules)) != 0)
        return k < 0 ? -1 : 1;
    if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
        pgm_print_help(a->command);
        return 2;
    }
    if (strcmp(opt, "-q") == 0 || strcmp(opt, "--quiet") == 0) {
        c->quiet = true;
        return 1;
    }
    return 0;
}
