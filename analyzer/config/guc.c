#include "config/guc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const pgm_guc gucs[] = {
#include "config/pg_gucs.inc"
};

static int cmp_guc(const void *key, const void *elem)
{
    return strcmp(key, ((const pgm_guc *)elem)->name);
}

const pgm_guc *pgm_guc_find_index(size_t i)
{
    return i < sizeof gucs / sizeof gucs[0] ? &gucs[i] : NULL;
}

const pgm_guc *pgm_guc_find(const char *name)
{
    char lower[80];
    size_t n = strlen(name);
    if (n >= sizeof lower)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    return bsearch(lower, gucs, sizeof gucs / sizeof gucs[0], sizeof gucs[0], cmp_guc);
}

/* parse_bool: on/off (two letters at least), any prefix of true/false/yes/no, 1/0. */
static int parse_bool(const char *v)
{
    size_t n = strlen(v);
    if (!n)
        return -1;
    static const struct {
        const char *word;
        int value;
        size_t min;
    } words[] = {{"true", 1, 1}, {"false", 0, 1}, {"yes", 1, 1}, {"no", 0, 1},
                 {"on", 1, 2},   {"off", 0, 2},   {"1", 1, 1},   {"0", 0, 1}};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (n >= words[k].min && n <= strlen(words[k].word) && strncasecmp(v, words[k].word, n) == 0)
            return words[k].value;
    return -1;
}

typedef struct unit_def {
    const char *name;
    double factor; /* in bytes or microseconds */
} unit_def;

static const unit_def memory_units[] = {{"B", 1}, {"kB", 1024.0}, {"MB", 1048576.0},
                                        {"GB", 1073741824.0}, {"TB", 1099511627776.0}};
static const unit_def time_units[] = {{"us", 1}, {"ms", 1e3}, {"s", 1e6}, {"min", 6e7},
                                      {"h", 3.6e9}, {"d", 8.64e10}};

/* The base unit's size ("8kB" = 8192 bytes, "ms" = 1000 us); false when it is no unit. */
static bool base_factor(const char *unit, bool *memory, double *factor)
{
    double mult = 1;
    const char *u = unit;
    if (isdigit((unsigned char)*u)) {
        mult = strtod(u, (char **)&u);
    }
    for (size_t k = 0; k < sizeof memory_units / sizeof memory_units[0]; k++)
        if (strcmp(u, memory_units[k].name) == 0) {
            *memory = true;
            *factor = mult * memory_units[k].factor;
            return true;
        }
    for (size_t k = 0; k < sizeof time_units / sizeof time_units[0]; k++)
        if (strcmp(u, time_units[k].name) == 0) {
            *memory = false;
            *factor = mult * time_units[k].factor;
            return true;
        }
    return false;
}

static const char *const memory_hint = "Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".";
static const char *const time_hint = "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".";

/* A number with an optional unit into the base unit (parse_int/parse_real). */
static bool parse_number(const pgm_guc *g, const char *v, bool integer, double *out, char err[PGM_ERR_MAX])
{
    errno = 0;
    char *end;
    double val;
    /* integers the way strtol(..., 0) reads them: 0x hex, leading 0 octal */
    long long iv = strtoll(v, &end, 0);
    if (integer && *end != '.' && *end != 'e' && *end != 'E' && end != v) {
        val = (double)iv;
    } else {
        val = strtod(v, &end);
    }
    if (end == v || errno == ERANGE) {
        snprintf(err, PGM_ERR_MAX, "invalid value for parameter \"%s\": \"%s\"", g->name, v);
        return false;
    }
    while (*end == ' ' || *end == '\t')
        end++;
    bool memory = false;
    double base = 1;
    bool has_unit = g->unit[0] && base_factor(g->unit, &memory, &base);
    if (*end) {
        const unit_def *units = memory ? memory_units : time_units;
        size_t nu = memory ? sizeof memory_units / sizeof memory_units[0] : sizeof time_units / sizeof time_units[0];
        const unit_def *u = NULL;
        for (size_t k = 0; has_unit && k < nu && !u; k++)
            if (strcmp(end, units[k].name) == 0)
                u = &units[k];
        if (!u) {
            snprintf(err, PGM_ERR_MAX, "invalid value for parameter \"%s\": \"%s\"%s%s", g->name, v,
                     has_unit ? "\nHINT:  " : "", has_unit ? (memory ? memory_hint : time_hint) : "");
            return false;
        }
        val = val * u->factor / base;
    }
    *out = integer ? rint(val) : val;
    return true;
}

bool pgm_guc_setting(const pgm_guc *g, const char *text, char *out, size_t cap,
                     char err[PGM_ERR_MAX])
{
    if (strcmp(g->type, "bool") == 0) {
        int b = parse_bool(text);
        if (b < 0) {
            snprintf(err, PGM_ERR_MAX, "parameter \"%s\" requires a Boolean value", g->name);
            return false;
        }
        snprintf(out, cap, "%s", b ? "on" : "off");
        return true;
    }
    if (strcmp(g->type, "integer") == 0 || strcmp(g->type, "real") == 0) {
        bool integer = g->type[0] == 'i';
        double v;
        if (!parse_number(g, text, integer, &v, err))
            return false;
        double lo = g->min[0] ? strtod(g->min, NULL) : -INFINITY;
        double hi = g->max[0] ? strtod(g->max, NULL) : INFINITY;
        if (integer && (v < INT_MIN || v > INT_MAX)) {
            snprintf(err, PGM_ERR_MAX, "invalid value for parameter \"%s\": \"%s\"\nHINT:  Value exceeds integer range.", g->name, text);
            return false;
        }
        if (v < lo || v > hi) {
            snprintf(err, PGM_ERR_MAX, "%.*f%s%s is outside the valid range for parameter \"%s\" (%s .. %s)",
                     integer ? 0 : 6, v, g->unit[0] ? " " : "", g->unit, g->name, g->min, g->max);
            return false;
        }
        if (integer)
            snprintf(out, cap, "%lld", (long long)v);
        else
            snprintf(out, cap, "%g", v);
        return true;
    }
    if (strcmp(g->type, "enum") == 0) {
        const char *p = g->enum_values;
        while (*p) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            if (strlen(text) == n && strncasecmp(text, p, n) == 0) {
                snprintf(out, cap, "%.*s", (int)n, p);
                return true;
            }
            p += n + (comma != NULL);
        }
        snprintf(err, PGM_ERR_MAX, "invalid value for parameter \"%s\": \"%s\"\nHINT:  Available values: %s.",
                 g->name, text, g->enum_values);
        return false;
    }
    snprintf(out, cap, "%s", text);
    return true;
}
