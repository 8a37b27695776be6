/* Time zones by name (Europe/Berlin) from the system's tz database (TZif
 * files under $TZDIR or /usr/share/zoneinfo), for logs that print local
 * times without a zone: a local time becomes UTC with the offset in force
 * then, summer time included. */
#ifndef PGM_TZFILE_H
#define PGM_TZFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/rc.h"

/* Transitions kept from one file. */
#define PGM_TZ_MAX_TRANSITIONS 2000u
#define PGM_TZ_MAX_TYPES 256u

typedef struct pgm_tz {
    int64_t trans[PGM_TZ_MAX_TRANSITIONS]; /* UTC seconds where an offset begins */
    uint8_t type_of[PGM_TZ_MAX_TRANSITIONS];
    size_t n;
    int32_t offset[PGM_TZ_MAX_TYPES];      /* seconds east of UTC */
    size_t n_types;
    int32_t first_offset;                  /* before the first transition */
} pgm_tz;

/* Loads `name` (letters, digits, '/', '_', '-', '+'; no "..").
 * PGM_OK, or PGM_FAILED with the reason. */
int pgm_tz_load(const char *name, pgm_tz *out, char err[PGM_ERR_MAX]);
/* UTC microseconds of a local time in `tz`; in the hour a clock is set back
 * the earlier of the two instants, in the hour it skips the offset before
 * the change (02:30 becomes 03:30 summer time, as mktime has it). */
int64_t pgm_tz_local_to_utc(const pgm_tz *tz, int64_t local_us);

/* The zone a command line gives for times printed without one: a fixed
 * offset or a named zone (which must outlive it). */
typedef struct pgm_zone {
    bool set;
    int32_t offset_s;
    const pgm_tz *tz;
} pgm_zone;

/* UTC microseconds of a local time in the zone. */
int64_t pgm_zone_to_utc(const pgm_zone *z, int64_t local_us);
/* The zone's offset from UTC at a UTC time, in seconds east. */
int32_t pgm_zone_offset_at(const pgm_zone *z, int64_t utc_us);

#endif
