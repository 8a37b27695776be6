#include "text/timestamp.h"

#include "util/bytes.h"

#include <stdio.h>
#include <string.h>

/* Abbreviations PostgreSQL (log_timezone) and Java print for common zones.
 * Ambiguous ones (IST, CST in China vs America) are left out on purpose:
 * a wrong guess shifts a whole timeline silently. */
static const struct {
    const char *name;
    int32_t offset;
} zones[] = {
    {"UTC", 0},         {"GMT", 0},         {"UCT", 0},       {"Z", 0},
    {"WET", 0},         {"WEST", 3600},     {"BST", 3600},    {"CET", 3600},
    {"CEST", 7200},     {"MET", 3600},      {"MEST", 7200},   {"EET", 7200},
    {"EEST", 10800},    {"MSK", 10800},     {"EST", -18000},  {"EDT", -14400},
    {"CDT", -18000},    {"MST", -25200},    {"MDT", -21600},  {"PST", -28800},
    {"PDT", -25200},    {"AKST", -32400},   {"AKDT", -28800}, {"HST", -36000},
    {"JST", 32400},     {"KST", 32400},     {"AEST", 36000},  {"AEDT", 39600},
    {"ACST", 34200},    {"ACDT", 37800},    {"AWST", 28800},  {"NZST", 43200},
    {"NZDT", 46800},    {"SGT", 28800},     {"HKT", 28800},   {"WIB", 25200},
};

bool pgm_ts_zone_offset(const char *abbrev, size_t n, int32_t *seconds)
{
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        if (strlen(zones[i].name) == n && memcmp(zones[i].name, abbrev, n) == 0) {
            *seconds = zones[i].offset;
            return true;
        }
    }
    return false;
}

int64_t pgm_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm: exact for every proleptic Gregorian date. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *p, size_t n, size_t count, int *value)
{
    if (n < count)
        return false;
    int v = 0;
    for (size_t i = 0; i < count; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *value = v;
    return true;
}

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/* Parses a numeric offset "+HH", "+HHMM" or "+HH:MM" at p. */
static size_t parse_offset(const char *p, size_t n, int32_t *seconds)
{
    if (n < 3 || (p[0] != '+' && p[0] != '-'))
        return 0;
    int hh, mm = 0;
    if (!digits(p + 1, n - 1, 2, &hh) || hh > 18)
        return 0;
    size_t used = 3;
    if (n >= 6 && p[3] == ':' && digits(p + 4, n - 4, 2, &mm))
        used = 6;
    else if (n >= 5 && digits(p + 3, n - 3, 2, &mm))
        used = 5;
    if (mm > 59)
        return 0;
    if (n > used && p[used] >= '0' && p[used] <= '9')
        return 0;
    int32_t s = hh * 3600 + mm * 60;
    *seconds = p[0] == '-' ? -s : s;
    return used;
}

/* A log's lines mostly share their second and their zone with the line
 * before: the last of each is kept per thread, so a line costs a compare. */
static _Thread_local struct {
    char text[19];          /* "YYYY-MM-DD HH:MM:SS" */
    int64_t local_secs;     /* its seconds since the epoch, before any zone */
    bool valid;
    char abbrev[5];         /* the last zone abbreviation looked up */
    size_t abbrev_len;
    bool abbrev_known;
    int32_t abbrev_offset;
} ts_cache;

static bool zone_offset_cached(const char *abbrev, size_t n, int32_t *offset)
{
    if (n != ts_cache.abbrev_len || memcmp(abbrev, ts_cache.abbrev, n) != 0) {
        ts_cache.abbrev_known = pgm_ts_zone_offset(abbrev, n, &ts_cache.abbrev_offset);
        memcpy(ts_cache.abbrev, abbrev, n);
        ts_cache.abbrev_len = n;
    }
    /* a word that is no zone leaves *offset as it was: the offset cached is
     * the last zone's, and a time after it was read an hour off */
    if (ts_cache.abbrev_known)
        *offset = ts_cache.abbrev_offset;
    return ts_cache.abbrev_known;
}

/* The 19 bytes of "YYYY-MM-DD HH:MM:SS" at a equal those kept at b but for
 * the separator at 10, ' ' or 'T' in either: a line's own time and the one a
 * container runtime wrote before it (RFC 3339, "2026-12-07T22:59:23.97...Z")
 * mostly share their second, and each read the other's out of the cache.
 * Three loads, no call. */
static inline bool same_second(const char *a, const char *b)
{
    /* bytes 0-7, 8-15 but 10, and 11-18 (overlapping) */
    static const unsigned char but_10[8] = {0xff, 0xff, 0, 0xff, 0xff, 0xff, 0xff, 0xff};
    return (a[10] == ' ' || a[10] == 'T') &&
           ((pgm_load8(a) ^ pgm_load8(b)) | ((pgm_load8(a + 8) ^ pgm_load8(b + 8)) & pgm_load8(but_10)) |
            (pgm_load8(a + 11) ^ pgm_load8(b + 11))) == 0;
}

/* The bytes the parse of a timestamp of `len` bytes may look at: the zone
 * it looks for after the last one it read is up to 7 bytes on (" +HH:MM",
 * " ABCDE" and the byte that ends it). */
#define TS_LOOKS_PAST 8u
/* The longest such text kept whole. */
#define TS_WHOLE_MAX 48u

/* The last timestamps' texts, with the bytes after each the parse looked
 * at, and what each was read as: a busy server writes dozens of lines in a
 * millisecond (48 a millisecond on the bench's log), all with the same
 * text. Two: a line wrapped by a container runtime or a journal has the
 * wrapper's time and its own, read in turn, and with one they put each
 * other out. Kept only where the text went on past those bytes, so that
 * where it ends (a condition of the parse) did not decide it either. */
typedef struct ts_text {
    char text[TS_WHOLE_MAX];
    size_t looked; /* bytes of text compared: the timestamp's and TS_LOOKS_PAST */
    pgm_ts_parse result;
} ts_text;

static _Thread_local struct {
    ts_text slot[2];
    unsigned next; /* the slot a new text takes: the one not met last */
} ts_whole;

static bool parse_at(const char *p, size_t n, pgm_ts_parse *out);

bool pgm_ts_parse_at(const char *p, size_t n, pgm_ts_parse *out)
{
    for (unsigned k = 0; k < 2; k++) {
        const ts_text *t = &ts_whole.slot[k];
        if (t->looked && n > t->looked && pgm_same_bytes(p, t->text, t->looked)) {
            *out = t->result;
            ts_whole.next = k ^ 1u;
            return true;
        }
    }
    if (!parse_at(p, n, out))
        return false;
    size_t w = out->len + TS_LOOKS_PAST;
    if (w <= TS_WHOLE_MAX && n > w) {
        ts_text *t = &ts_whole.slot[ts_whole.next];
        memcpy(t->text, p, w);
        t->looked = w;
        t->result = *out;
        ts_whole.next ^= 1u;
    }
    return true;
}

static bool parse_at(const char *p, size_t n, pgm_ts_parse *out)
{
    int64_t local_secs;
    if (n >= 19 && ts_cache.valid && same_second(p, ts_cache.text)) {
        local_secs = ts_cache.local_secs;
    } else {
        int y, mo, d, h, mi, s;
        if (n < 19 || !digits(p, n, 4, &y) || p[4] != '-' || !digits(p + 5, n - 5, 2, &mo) ||
            p[7] != '-' || !digits(p + 8, n - 8, 2, &d) || (p[10] != ' ' && p[10] != 'T') ||
            !digits(p + 11, n - 11, 2, &h) || p[13] != ':' || !digits(p + 14, n - 14, 2, &mi) ||
            p[16] != ':' || !digits(p + 17, n - 17, 2, &s))
            return false;
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
            return false;
        local_secs = pgm_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
        memcpy(ts_cache.text, p, 19);
        ts_cache.local_secs = local_secs;
        ts_cache.valid = true;
    }
    size_t i = 19;
    int64_t frac_us = 0;
    if (i < n && (p[i] == '.' || p[i] == ',') && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '9') {
        i++;
        int64_t scale = 100000;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            frac_us += (p[i] - '0') * scale;
            scale /= 10;
            i++;
        }
    }
    int32_t offset = 0;
    enum pgm_ts_zone zone = PGM_TS_ZONE_NONE;
    memset(out->zone_name, 0, sizeof out->zone_name);
    size_t used;
    if (i < n && p[i] == 'Z' && (i + 1 == n || !is_upper(p[i + 1]))) {
        zone = PGM_TS_ZONE_KNOWN;
        i++;
    } else if ((used = parse_offset(p + i, n - i, &offset)) > 0) {
        zone = PGM_TS_ZONE_KNOWN;
        i += used;
    } else if (i + 1 < n && p[i] == ' ') {
        if ((used = parse_offset(p + i + 1, n - i - 1, &offset)) > 0) {
            zone = PGM_TS_ZONE_KNOWN;
            i += 1 + used;
        } else if (is_upper(p[i + 1])) {
            size_t j = i + 1;
            while (j < n && j - i - 1 < 6 && is_upper(p[j]))
                j++;
            size_t zn = j - i - 1;
            bool ends = j == n || !(is_upper(p[j]) || (p[j] >= 'a' && p[j] <= 'z'));
            /* Severity words (LOG, INFO...) follow zoneless timestamps in app
             * logs; only 2..5 capitals ended by a non-letter can be a zone. */
            if (ends && zn >= 1 && zn <= 5) {
                if (zone_offset_cached(p + i + 1, zn, &offset)) {
                    zone = PGM_TS_ZONE_KNOWN;
                    i = j;
                } else if (zn >= 2 && zn <= 5 && (j == n || p[j] == ' ' || p[j] == ',' ||
                                                  p[j] == ']' || p[j] == '"')) {
                    static const char *const not_zones[] = {"LOG", "INFO", "WARN", "ERROR", "DEBUG",
                                                            "FATAL", "TRACE", "PANIC", "NOTE"};
                    bool severity = false;
                    for (size_t k = 0; k < sizeof not_zones / sizeof not_zones[0]; k++)
                        if (strlen(not_zones[k]) == zn && memcmp(not_zones[k], p + i + 1, zn) == 0)
                            severity = true;
                    if (!severity) {
                        zone = PGM_TS_ZONE_UNKNOWN;
                        memcpy(out->zone_name, p + i + 1, zn);
                        i = j;
                    }
                }
            }
        }
    }
    out->us = (local_secs - offset) * 1000000 + frac_us;
    out->zone = zone;
    out->len = i;
    out->offset = 0;
    return true;
}

bool pgm_ts_find(const char *p, size_t n, size_t window, pgm_ts_parse *out)
{
    size_t limit = n < window ? n : window;
    for (size_t i = 0; i + 19 <= n && i < limit; i++) {
        const char *q = memchr(p + i, '-', limit - i);
        if (!q)
            return false;
        size_t dash = (size_t)(q - p);
        if (dash < 4) {
            i = dash;
            continue;
        }
        size_t start = dash - 4;
        if (start > 0 && p[start - 1] >= '0' && p[start - 1] <= '9') {
            i = dash;
            continue;
        }
        if (pgm_ts_parse_at(p + start, n - start, out)) {
            out->offset = start;
            return true;
        }
        i = dash;
    }
    return false;
}

void pgm_ts_format_iso(int64_t us, char out[PGM_TS_ISO_LEN])
{
    int64_t secs = us / 1000000;
    int64_t rem = us % 1000000;
    if (rem < 0) {
        rem += 1000000;
        secs--;
    }
    int64_t days = secs / 86400;
    int64_t sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    /* civil_from_days, the inverse of pgm_days_from_civil */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y < 0 || y > 9999) {
        snprintf(out, PGM_TS_ISO_LEN, "0000-00-00T00:00:00.000Z");
        return;
    }
    /* Every field is range-checked above, so the text is always 24 bytes.
     * Written digit by digit: this runs once per event of a timeline. */
    unsigned ms = (unsigned)(rem / 1000) % 1000;
    unsigned hh = (unsigned)(sod / 3600) % 24, mi = (unsigned)(sod / 60 % 60), ss = (unsigned)(sod % 60);
    unsigned yy = (unsigned)y % 10000u;
    const unsigned v[] = {yy / 100, yy % 100, m % 13u, d % 32u, hh, mi, ss};
    static const char sep[] = "\0\0--T::"; /* before each value from the third on */
    char *o = out;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (i > 1)
            *o++ = sep[i];
        *o++ = (char)('0' + v[i] / 10);
        *o++ = (char)('0' + v[i] % 10);
    }
    *o++ = '.';
    *o++ = (char)('0' + ms / 100);
    *o++ = (char)('0' + ms / 10 % 10);
    *o++ = (char)('0' + ms % 10);
    *o++ = 'Z';
    *o = '\0';
}

static const char bsd_months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Month by its English abbreviation ("Nov"): 1-12, 0 when none. */
static unsigned month_at(const char *p, size_t n)
{
    if (n < 3)
        return 0;
    for (unsigned k = 0; k < 12; k++)
        if (memcmp(bsd_months + 3 * k, p, 3) == 0)
            return k + 1;
    return 0;
}

bool pgm_ts_parse_bsd(const char *p, size_t n, int year, int64_t *t)
{
    if (n < 15 || p[3] != ' ' || p[6] != ' ' || p[9] != ':' || p[12] != ':')
        return false;
    unsigned mon = month_at(p, n);
    if (!mon || !(p[4] == ' ' || is_digit(p[4])) || !is_digit(p[5]))
        return false;
    for (size_t k = 7; k < 15; k++)
        if (k != 9 && k != 12 && !is_digit(p[k]))
            return false;
    unsigned day = (unsigned)((p[4] == ' ' ? 0 : p[4] - '0') * 10 + (p[5] - '0'));
    int64_t hh = (p[7] - '0') * 10 + (p[8] - '0'), mm = (p[10] - '0') * 10 + (p[11] - '0'),
            ss = (p[13] - '0') * 10 + (p[14] - '0');
    if (year <= 0) {
        *t = PGM_TS_UNKNOWN;
        return true;
    }
    *t = ((pgm_days_from_civil(year, mon, day) * 86400) + hh * 3600 + mm * 60 + ss) * 1000000;
    return true;
}

int64_t pgm_year_of(int64_t unix_seconds)
{
    int64_t days = unix_seconds / 86400 - (unix_seconds % 86400 < 0);
    int64_t y = 1970 + days / 366;
    while (pgm_days_from_civil(y + 1, 1, 1) <= days)
        y++;
    return y;
}

/* Digits at p[*i], at most `max` of them, at least one: their value. */
static bool digits_at(const char *p, size_t n, size_t *i, size_t max, int *v)
{
    size_t k = 0;
    *v = 0;
    while (*i < n && k < max && is_digit(p[*i])) {
        *v = *v * 10 + (p[(*i)++] - '0');
        k++;
    }
    return k > 0;
}

/* "H:MM:SS[.,fff]" at p[*i]: the time of day in microseconds. */
static bool clock_at(const char *p, size_t n, size_t *i, int64_t *us)
{
    int h, mi, s;
    if (!digits_at(p, n, i, 2, &h) || *i >= n || p[(*i)++] != ':' || !digits_at(p, n, i, 2, &mi) || *i >= n ||
        p[(*i)++] != ':' || !digits_at(p, n, i, 2, &s) || h > 23 || mi > 59 || s > 60)
        return false;
    int64_t frac = 0, scale = 100000;
    if (*i + 1 < n && (p[*i] == '.' || p[*i] == ',') && is_digit(p[*i + 1]))
        for ((*i)++; *i < n && is_digit(p[*i]); (*i)++, scale /= 10)
            frac += (p[*i] - '0') * scale;
    *us = ((int64_t)h * 3600 + mi * 60 + s) * 1000000 + frac;
    return true;
}

bool pgm_ts_parse_java(const char *p, size_t n, pgm_ts_parse *out)
{
    size_t i = 0;
    int y, d;
    unsigned m;
    int64_t clock;
    if (n && is_digit(p[0])) {
        /* "27-Nov-2026 02:20:54.123" (Tomcat), "27 Nov 2026 02:20:54,123" (log4j's DATE) */
        if (!digits_at(p, n, &i, 2, &d) || i + 4 > n || (p[i] != '-' && p[i] != ' '))
            return false;
        char sep = p[i++];
        if (!(m = month_at(p + i, n - i)) || i + 3 >= n || p[i + 3] != sep)
            return false;
        i += 4;
        if (!digits_at(p, n, &i, 4, &y) || y < 1000 || i >= n || p[i++] != ' ' || !clock_at(p, n, &i, &clock))
            return false;
    } else {
        /* java.util.logging.SimpleFormatter: "Nov 27, 2026 2:20:54 AM" */
        if (!(m = month_at(p, n)) || n < 4 || p[3] != ' ')
            return false;
        i = 4;
        if (!digits_at(p, n, &i, 2, &d) || i + 2 > n || p[i] != ',' || p[i + 1] != ' ')
            return false;
        i += 2;
        if (!digits_at(p, n, &i, 4, &y) || y < 1000 || i >= n || p[i++] != ' ' || !clock_at(p, n, &i, &clock))
            return false;
        if (i + 3 > n || p[i] != ' ' || (p[i + 1] != 'A' && p[i + 1] != 'P') || p[i + 2] != 'M')
            return false;
        const int64_t hour = 3600 * 1000000LL;
        if (clock < hour || clock >= 13 * hour)
            return false; /* %tl prints 1 to 12 */
        if (clock >= 12 * hour)
            clock -= 12 * hour; /* 12 AM is midnight, 12 PM noon */
        if (p[i + 1] == 'P')
            clock += 12 * hour;
        i += 3;
    }
    if (d < 1 || d > 31 || (i < n && p[i] != ' ' && p[i] != ']'))
        return false;
    memset(out, 0, sizeof *out);
    out->us = pgm_days_from_civil(y, m, (unsigned)d) * 86400 * 1000000LL + clock;
    out->zone = PGM_TS_ZONE_NONE;
    out->len = i;
    return true;
}

void pgm_time_steps_init(pgm_time_steps *s)
{
    *s = (pgm_time_steps){PGM_TS_UNKNOWN, 0, 0};
}

void pgm_time_steps_add(pgm_time_steps *s, int64_t t)
{
    if (t == PGM_TS_UNKNOWN)
        return;
    if (s->prev != PGM_TS_UNKNOWN) {
        s->back += t < s->prev;
        s->forth += t > s->prev;
    }
    s->prev = t;
}

bool pgm_time_steps_newest_first(const pgm_time_steps *s)
{
    return s->back >= PGM_REVERSED_MIN_STEPS && s->back > 4 * s->forth;
}
