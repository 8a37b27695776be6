#include "bundle/rotation.h"

#include <stdio.h>
#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Where the last name of path[0, len) begins: after its folder's '/', or an
 * archive's '!' ("a.tar!x.log"). */
static size_t name_start(const char *path, size_t len)
{
    while (len > 0 && path[len - 1] != '/' && path[len - 1] != '!')
        len--;
    return len;
}

/* The compression suffixes the bundle reader takes off (bundle/decoder.c). */
static size_t without_compression(const char *name, size_t n)
{
    static const char *const suffixes[] = {".gz", ".zst", ".xz", ".bz2"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t l = strlen(suffixes[i]);
        if (n > l && memcmp(name + n - l, suffixes[i], l) == 0)
            return n - l;
    }
    return n;
}

/* A date and maybe a time of day, digits only: 8, 10, 12 or 14 of them, a
 * plausible YYYYMMDD first. As YYYYMMDDhhmmss, the missing part zero. */
static bool date_digits(const char *d, size_t n, int64_t *value)
{
    if (n != 8 && n != 10 && n != 12 && n != 14)
        return false;
    if (!(d[0] == '2' && d[1] == '0') && !(d[0] == '1' && d[1] == '9'))
        return false;
    int month = (d[4] - '0') * 10 + (d[5] - '0'), day = (d[6] - '0') * 10 + (d[7] - '0');
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < 14; i++)
        v = v * 10 + (i < n ? d[i] - '0' : 0);
    *value = v;
    return true;
}

/* A date suffix at the end of name[0, n): ".20261127", "-20261127",
 * ".20261127-021500", ".2026-11-27_02-15". The length of the name before it
 * and the date as YYYYMMDDhhmmss; false when there is none. The date begins
 * at a digit after a separator: the longest such end that reads as a date
 * ("catalog-7d9f8c6b5-0-2026-11-27": the pod's "-0" is not part of it). */
static bool dated_suffix(const char *name, size_t n, int64_t *date, size_t *base)
{
    size_t k = n;
    while (k > 0 && (is_digit(name[k - 1]) || name[k - 1] == '-' || name[k - 1] == '_'))
        k--;
    for (size_t p = k > 1 ? k : 2; p + 8 <= n; p++) {
        char sep = name[p - 1];
        if (!is_digit(name[p]) || (sep != '.' && sep != '-' && sep != '_'))
            continue;
        char digits[16];
        size_t nd = 0;
        bool fits = true;
        for (size_t i = p; i < n && fits; i++) {
            if (!is_digit(name[i]))
                continue;
            fits = nd < sizeof digits;
            if (fits)
                digits[nd++] = name[i];
        }
        if (fits && date_digits(digits, nd, date)) {
            *base = p - 1;
            return true;
        }
    }
    return false;
}

/* A dated piece's age: its date, then its index within the date. */
#define DATE_INDEXES 10000

/* A rotation suffix at the end of name[0, n): the length of the name before
 * it and the piece's age; false when there is none. */
static bool rotated_suffix(const char *name, size_t n, int64_t *age, size_t *base)
{
    /* ".N": logrotate, Docker, RotatingFileHandler (at most 4 digits: a
     * larger number is a name's own, "pg_dump.20261127") */
    size_t k = n;
    while (k > 0 && is_digit(name[k - 1]))
        k--;
    if (k > 1 && k < n && n - k <= 4 && name[k - 1] == '.') {
        int64_t v = 0;
        for (size_t i = k; i < n; i++)
            v = v * 10 + (name[i] - '0');
        /* ".DATE.N": logback's %d then %i, Spring Boot's default
         * (${LOG_FILE}.%d{yyyy-MM-dd}.%i.gz, its
         * logging.logback.rollingpolicy.file-name-pattern): %i counts up
         * within the date, so .0 is the oldest of its day */
        int64_t date;
        size_t before;
        if (dated_suffix(name, k - 1, &date, &before)) {
            *age = date * DATE_INDEXES + v;
            *base = before;
            return true;
        }
        *age = -v;
        *base = k - 1;
        return true;
    }
    int64_t date;
    if (!dated_suffix(name, n, &date, base))
        return false;
    *age = date * DATE_INDEXES;
    return true;
}

/* "NAME-previous.log", "NAME.previous.log", "NAME_previous", as a user saves
 * `kubectl logs --previous`: where the mark starts and ends, or false. */
static bool previous_mark(const char *name, size_t n, size_t *from, size_t *to)
{
    static const char mark[] = "previous";
    const size_t l = sizeof mark - 1;
    for (size_t i = 1; i + l <= n; i++) {
        if ((name[i - 1] != '-' && name[i - 1] != '.' && name[i - 1] != '_') || memcmp(name + i, mark, l) != 0)
            continue;
        if (i + l < n && name[i + l] != '.')
            continue;
        if (i + l < n && memchr(name + i + l + 1, '.', n - i - l - 1))
            continue; /* only an extension may follow */
        *from = i - 1;
        *to = i + l;
        return true;
    }
    return false;
}

/* "<ns>_<pod>_<uid>/<container>/N.log": the kubelet's layout. The length of
 * the path up to the container's '/', or 0. */
static size_t pods_layout(const char *path, size_t name_at, const char *name, size_t n, int64_t *run)
{
    if (n < 5 || memcmp(name + n - 4, ".log", 4) != 0 || name_at < 2)
        return 0;
    int64_t v = 0;
    for (size_t i = 0; i < n - 4; i++) {
        if (!is_digit(name[i]) || i >= 6)
            return 0;
        v = v * 10 + (name[i] - '0');
    }
    /* the container's directory, and the pod's above it */
    size_t c = name_at - 1, p = name_start(path, c);
    if (p < 2 || p == c)
        return 0;
    size_t q = p - 1, underscores = 0;
    while (q > 0 && path[q - 1] != '/' && path[q - 1] != '!')
        underscores += path[--q] == '_';
    if (underscores < 2)
        return 0;
    *run = v;
    return name_at;
}

/* A date (and logback's %i after it) before the extension, as logback's
 * own example names its pieces (mylog-%d{yyyy-MM-dd}.%i.log) and
 * PostgreSQL's logging collector by default (postgresql-%Y-%m-%d_%H%M%S.log):
 * the extension's '.', the piece's age and the length of the name before
 * the date; false when there is none. A number alone there is a name's own
 * ("node.1.log" beside "node.2.log": two nodes). */
static bool dated_before_extension(const char *name, size_t n, size_t *dot, int64_t *age, size_t *base)
{
    size_t d = n;
    while (d > 0 && name[d - 1] != '.')
        d--;
    if (d < 2 || n - d < 1 || n - d > 5)
        return false;
    for (size_t i = d; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z')))
            return false;
    int64_t a;
    size_t b;
    if (!rotated_suffix(name, d - 1, &a, &b) || a < 0)
        return false;
    *dot = d - 1;
    *age = a;
    *base = b;
    return true;
}

void pgm_rotation_of(const char *path, pgm_rotation *out)
{
    size_t len = strlen(path), name_at = name_start(path, len);
    const char *name = path + name_at;
    size_t n = without_compression(name, len - name_at);
    *out = (pgm_rotation){.stream_len = name_at + n, .stream_tail = "", .run = 0, .age = PGM_ROTATION_CURRENT};
    size_t base, from, to;
    if (rotated_suffix(name, n, &out->age, &base)) {
        out->rotated = true;
        n = base;
        out->stream_len = name_at + n;
    } else if (previous_mark(name, n, &from, &to)) {
        out->rotated = true;
        out->run = -1;
        out->stream_len = name_at + from;
        out->stream_tail = name + to; /* ".log" */
        return;
    } else if (dated_before_extension(name, n, &to, &out->age, &base)) {
        out->rotated = true;
        out->stream_len = name_at + base;
        out->stream_tail = name + to; /* ".log" */
        return;
    }
    int64_t run;
    size_t dir = pods_layout(path, name_at, name, n, &run);
    if (dir) {
        out->run = run;
        out->stream_len = dir; /* ".../<container>/" */
    }
}

void pgm_rotation_stream(const char *path, char *out, size_t cap)
{
    if (!cap)
        return;
    pgm_rotation r;
    pgm_rotation_of(path, &r);
    size_t n = r.stream_len < cap - 1 ? r.stream_len : cap - 1;
    memcpy(out, path, n);
    size_t t = strlen(r.stream_tail);
    /* the tail is cut from the end of the name: without a compression suffix */
    size_t tail = without_compression(r.stream_tail, t);
    tail = tail < cap - 1 - n ? tail : cap - 1 - n;
    memcpy(out + n, r.stream_tail, tail);
    out[n + tail] = '\0';
}

void pgm_rotation_siblings(const char *path, char *out, size_t cap)
{
    if (!cap)
        return;
    char stream[1024];
    pgm_rotation_stream(path, stream, sizeof stream);
    size_t folder = name_start(path, strlen(path)), kept = strlen(stream);
    const char *name = stream + (folder < kept ? folder : kept);
    const char *dot = strrchr(name, '.');
    const char *ext = dot && dot != name ? dot : "";
    snprintf(out, cap, "%.*s %s", (int)(folder < cap ? folder : cap), path, ext);
}

int pgm_rotation_cmp(const pgm_rotation *a, const pgm_rotation *b)
{
    if (a->run != b->run)
        return a->run < b->run ? -1 : 1;
    return a->age < b->age ? -1 : a->age > b->age;
}

bool pgm_rotation_follows(const pgm_rotation *a, const pgm_rotation *b)
{
    if (a->run != b->run || pgm_rotation_cmp(a, b) >= 0)
        return false;
    if (a->age < 0) /* numbered: x.log.2 then x.log.1, x.log.1 then x.log */
        return b->age == PGM_ROTATION_CURRENT ? a->age == -1 : b->age == a->age + 1;
    return true;
}
