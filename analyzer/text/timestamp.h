/* Timestamps as logs and dumps print them, turned into UTC microseconds.
 * Calendar arithmetic is done here (days from civil), not with timegm(), so
 * the result never depends on the machine's TZ. */
#ifndef PGM_TIMESTAMP_H
#define PGM_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PGM_TS_UNKNOWN INT64_MIN
/* Length of "2026-11-27T00:18:03.000Z" plus NUL. */
#define PGM_TS_ISO_LEN 25

enum pgm_ts_zone {
    PGM_TS_ZONE_KNOWN,   /* explicit offset or a known abbreviation */
    PGM_TS_ZONE_NONE,    /* no zone printed: read as UTC */
    PGM_TS_ZONE_UNKNOWN  /* an abbreviation we cannot resolve */
};

typedef struct pgm_ts_parse {
    int64_t us;            /* UTC microseconds since the epoch */
    enum pgm_ts_zone zone;
    size_t offset;         /* where the timestamp starts in the text */
    size_t len;            /* how many bytes it took, zone included */
    char zone_name[8];     /* the abbreviation when zone is UNKNOWN */
} pgm_ts_parse;

/* Parses "YYYY-MM-DD[ T]HH:MM:SS[.frac][ ZONE|Z|+HH[:MM]]" at p exactly.
 * Returns false when p does not start with such a timestamp. */
bool pgm_ts_parse_at(const char *p, size_t n, pgm_ts_parse *out);

/* Finds the first such timestamp within the first `window` bytes of a line. */
bool pgm_ts_find(const char *p, size_t n, size_t window, pgm_ts_parse *out);

/* Offset in seconds east of UTC for a zone abbreviation, false if unknown. */
bool pgm_ts_zone_offset(const char *abbrev, size_t n, int32_t *seconds);

/* A BSD syslog date ("Nov 27 00:19:29", RFC 3164) at p, in `year`: *t in
 * microseconds, PGM_TS_UNKNOWN when year <= 0 (the date has none). False
 * when p does not start with one. */
bool pgm_ts_parse_bsd(const char *p, size_t n, int year, int64_t *t);

/* The dates Java's logging frameworks print, without a zone: Tomcat's
 * OneLineFormatter "27-Nov-2026 02:20:54.123", log4j's %d{DATE} "27 Nov 2026
 * 02:20:54,123", java.util.logging.SimpleFormatter's "Nov 27, 2026 2:20:54
 * AM". At p exactly; false when p does not start with one. */
bool pgm_ts_parse_java(const char *p, size_t n, pgm_ts_parse *out);

/* The year (UTC) of a time in seconds since the epoch. */
int64_t pgm_year_of(int64_t unix_seconds);

/* Days since 1970-01-01 for a proleptic Gregorian date. */
int64_t pgm_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The steps between the times of a file's entries, one after the other
 * (PGM_TS_UNKNOWN: none, skipped): an export sorted newest first (Cloud
 * Logging or CloudWatch downloads, Loki's logcli) steps back at most steps,
 * PGM_REVERSED_MIN_STEPS at least and four times as many as forward. */
#define PGM_REVERSED_MIN_STEPS 3u
typedef struct pgm_time_steps {
    int64_t prev;
    uint64_t back, forth;
} pgm_time_steps;
void pgm_time_steps_init(pgm_time_steps *s);
void pgm_time_steps_add(pgm_time_steps *s, int64_t t);
bool pgm_time_steps_newest_first(const pgm_time_steps *s);

/* "2026-11-27T00:18:03.000Z"; "null" is the caller's business. */
void pgm_ts_format_iso(int64_t us, char out[PGM_TS_ISO_LEN]);

#endif
