#include "text/tzfile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A TZif file is small; a bigger one is not one. */
#define PGM_TZ_MAX_FILE (256u << 10)

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static bool safe_name(const char *s)
{
    if (!*s || *s == '/' || strstr(s, ".."))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '/' || *s == '_' || *s == '-' || *s == '+'))
            return false;
    return true;
}

int pgm_tz_load(const char *name, pgm_tz *out, char err[PGM_ERR_MAX])
{
    memset(out, 0, sizeof *out);
    if (!safe_name(name)) {
        snprintf(err, PGM_ERR_MAX, "'%s' is not a time zone name", name);
        return PGM_FAILED;
    }
    const char *dir = getenv("TZDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, PGM_ERR_MAX, "no time zone '%s' in the system's tz database", name);
        return PGM_FAILED;
    }
    unsigned char *b = malloc(PGM_TZ_MAX_FILE);
    size_t len = b ? fread(b, 1, PGM_TZ_MAX_FILE, f) : 0;
    fclose(f);
    int rc = PGM_FAILED;
    snprintf(err, PGM_ERR_MAX, "%.200s is not a TZif file", path);
    if (!b || len < 44 || memcmp(b, "TZif", 4) != 0)
        goto out;
    /* header: counts of isutc, isstd, leap, time, type, chars */
    size_t pos = 0;
    bool v2 = b[4] >= '2';
    for (int pass = 0; pass < (v2 ? 2 : 1); pass++) {
        if (pos + 44 > len)
            goto out;
        const unsigned char *h = b + pos;
        uint32_t isutc = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28), times = be32(h + 32),
                 types = be32(h + 36), chars = be32(h + 40);
        size_t tsz = pass == 0 ? 4 : 8;
        size_t body = times * tsz + times + types * 6 + chars + leap * (tsz + 4) + isstd + isutc;
        if (times > PGM_TZ_MAX_TRANSITIONS || types == 0 || types > PGM_TZ_MAX_TYPES ||
            pos + 44 + body > len)
            goto out;
        if (pass == (v2 ? 1 : 0)) {
            const unsigned char *p = h + 44;
            out->n = times;
            for (size_t i = 0; i < times; i++)
                out->trans[i] = tsz == 8 ? be64(p + 8 * i) : (int32_t)be32(p + 4 * i);
            p += times * tsz;
            for (size_t i = 0; i < times; i++) {
                out->type_of[i] = p[i];
                if (p[i] >= types)
                    goto out;
            }
            p += times;
            out->n_types = types;
            for (size_t i = 0; i < types; i++)
                out->offset[i] = (int32_t)be32(p + 6 * i);
            out->first_offset = out->offset[0];
            rc = PGM_OK;
        }
        pos += 44 + body;
    }
out:
    free(b);
    return rc;
}

int64_t pgm_zone_to_utc(const pgm_zone *z, int64_t local_us)
{
    return z->tz ? pgm_tz_local_to_utc(z->tz, local_us) : local_us - (int64_t)z->offset_s * 1000000;
}

static int32_t offset_at(const pgm_tz *tz, int64_t utc_s)
{
    size_t lo = 0, hi = tz->n;
    while (lo < hi) { /* the last transition at or before utc_s */
        size_t mid = (lo + hi) / 2;
        if (tz->trans[mid] <= utc_s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? tz->first_offset : tz->offset[tz->type_of[lo - 1]];
}

int64_t pgm_tz_local_to_utc(const pgm_tz *tz, int64_t local_us)
{
    int64_t local_s = local_us / 1000000 - (local_us % 1000000 < 0);
    int64_t frac = local_us - local_s * 1000000;
    /* try the offsets in force a day either side: the right one maps back */
    int32_t before = offset_at(tz, local_s - 86400), after = offset_at(tz, local_s + 86400);
    int32_t cands[2] = {before, after};
    for (int k = 0; k < 2; k++) {
        int64_t utc = local_s - cands[k];
        if (offset_at(tz, utc) == cands[k])
            return utc * 1000000 + frac;
    }
    /* a skipped hour (spring forward): read with the offset before the
     * change, as mktime does: 02:30 becomes 03:30 summer time */
    return (local_s - before) * 1000000 + frac;
}

int32_t pgm_zone_offset_at(const pgm_zone *z, int64_t utc_us)
{
    int64_t s = utc_us >= 0 ? utc_us / 1000000 : -((-utc_us + 999999) / 1000000);
    return z->tz ? offset_at(z->tz, s) : z->offset_s;
}
