#include "cli/read_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pglog/prefix.h"
#include "pipeline/scan.h"
#include "text/timestamp.h"

void pgm_read_opts_init(pgm_read_opts *r)
{
    memset(r, 0, sizeof *r);
    r->since = r->until = PGM_TS_UNKNOWN;
    r->app_day = INT64_MIN;
}

void pgm_read_opts_free(pgm_read_opts *r)
{
    free(r->named[0]);
    free(r->named[1]);
    r->named[0] = r->named[1] = NULL;
}

/* "2026-11-27T00:18:00Z", "2026-11-27 00:18:00+01", "2026-11-27" (UTC when no zone). */
static bool parse_time_option(const char *v, int64_t *out)
{
    pgm_ts_parse ts;
    size_t n = strlen(v);
    if (pgm_ts_parse_at(v, n, &ts) && ts.len == n && ts.zone != PGM_TS_ZONE_UNKNOWN) {
        *out = ts.us;
        return true;
    }
    char day[32];
    if (n == 10 && snprintf(day, sizeof day, "%s 00:00:00", v) > 0 &&
        pgm_ts_parse_at(day, strlen(day), &ts)) {
        *out = ts.us;
        return true;
    }
    return false;
}

/* "+05:30", "-0300", "+04", "UTC", "CET": seconds east of UTC. */
static bool parse_tz_option(const char *v, int32_t *out)
{
    if ((v[0] == '+' || v[0] == '-') && v[1] >= '0' && v[1] <= '9') {
        int h = 0, m = 0;
        const char *p = v + 1;
        for (int k = 0; k < 2 && *p >= '0' && *p <= '9'; k++)
            h = h * 10 + (*p++ - '0');
        if (*p == ':')
            p++;
        if (*p) {
            for (int k = 0; k < 2; k++) {
                if (*p < '0' || *p > '9')
                    return false;
                m = m * 10 + (*p++ - '0');
            }
        }
        if (*p || h > 15 || m > 59)
            return false;
        *out = (v[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
        return true;
    }
    return pgm_ts_zone_offset(v, strlen(v), out);
}

bool pgm_zone_option(pgm_args *a, const char *opt, const char *v, pgm_zone *z, pgm_tz **slot)
{
    z->set = true;
    z->tz = NULL;
    if (parse_tz_option(v, &z->offset_s))
        return true;
    /* a name of the tz database: Europe/Berlin, with its summer time */
    char err[PGM_ERR_MAX];
    if (!*slot && !(*slot = malloc(sizeof **slot))) {
        fputs("pgmortem: out of memory\n", stderr);
        return false;
    }
    if (!strchr(v, '/') || pgm_tz_load(v, *slot, err) != PGM_OK) {
        pgm_usage_error(a->command, "%s wants an offset like +05:30, a zone like UTC or CET, or a tz "
                        "database name like Europe/Berlin; not '%s'", opt, v);
        return false;
    }
    z->tz = *slot;
    return true;
}

int pgm_read_option(pgm_args *a, const char *opt, pgm_read_opts *r)
{
    const char *v;
    if (strcmp(opt, "--since") == 0 || strcmp(opt, "--until") == 0) {
        if (!(v = pgm_args_value(a)))
            return -1;
        if (!parse_time_option(v, opt[2] == 's' ? &r->since : &r->until)) {
            pgm_usage_error(a->command, "%s wants a time like 2026-11-27T00:18:00Z, not '%s'", opt, v);
            return -1;
        }
        return 1;
    }
    if (strcmp(opt, "--log-line-prefix") == 0)
        return (r->log.prefix = pgm_args_value(a)) ? 1 : -1;
    if (strcmp(opt, "--tz") == 0 || strcmp(opt, "--app-tz") == 0) {
        bool app = opt[2] == 'a';
        if (!(v = pgm_args_value(a)))
            return -1;
        return pgm_zone_option(a, opt, v, app ? &r->app_tz : &r->log.tz, &r->named[app]) ? 1 : -1;
    }
    if (strcmp(opt, "--app-date") == 0) {
        if (!(v = pgm_args_value(a)))
            return -1;
        int y, m, d, used = 0;
        if (sscanf(v, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || v[used] || y < 1970 ||
            y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) {
            pgm_usage_error(a->command, "--app-date wants a day like 2026-11-27, not '%s'", v);
            return -1;
        }
        r->app_day = pgm_days_from_civil(y, (unsigned)m, (unsigned)d);
        return 1;
    }
    if (strcmp(opt, "-j") == 0 || strcmp(opt, "--jobs") == 0) {
        uint64_t j;
        if (!pgm_args_uint(a, &j))
            return -1;
        if (j < 1 || j > PGM_SCAN_MAX_JOBS) {
            pgm_usage_error(a->command, "--jobs wants 1 to %u", PGM_SCAN_MAX_JOBS);
            return -1;
        }
        r->jobs = (unsigned)j;
        return 1;
    }
    if (strcmp(opt, "--year") == 0) {
        uint64_t y;
        if (!pgm_args_uint(a, &y))
            return -1;
        if (y < 1970 || y > 9999) {
            pgm_usage_error(a->command, "--year wants a year like 2026");
            return -1;
        }
        r->log.year = (int)y;
        return 1;
    }
    return 0;
}

bool pgm_read_opts_check(const pgm_read_opts *r, const char *command)
{
    if (!r->log.prefix)
        return true;
    pgm_prefix *p;
    char err[PGM_ERR_MAX];
    if (pgm_prefix_compile(r->log.prefix, &p, err) != PGM_OK) {
        pgm_usage_error(command, "--log-line-prefix: %s", err);
        return false;
    }
    pgm_prefix_free(p);
    return true;
}

unsigned pgm_read_opts_jobs(const pgm_read_opts *r)
{
    if (r->jobs)
        return r->jobs;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > PGM_DEFAULT_JOBS_MAX ? PGM_DEFAULT_JOBS_MAX : (unsigned)n;
}

bool pgm_read_opts_in_window(const pgm_read_opts *r, int64_t t)
{
    if (r->since == PGM_TS_UNKNOWN && r->until == PGM_TS_UNKNOWN)
        return true;
    /* a window asked for: an event without a time is in none */
    return t != PGM_TS_UNKNOWN && (r->since == PGM_TS_UNKNOWN || t >= r->since) &&
           (r->until == PGM_TS_UNKNOWN || t <= r->until);
}
