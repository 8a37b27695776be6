#include "pipeline/time_order.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text/timestamp.h"
#include "util/bytes.h"
#include "util/directio.h"

/* "YYYY-MM-DD HH:MM:SS": what every time pgm_ts_parse_at reads starts with. */
#define DATE_TIME_LEN 19u
/* The clock (date, time, fraction: 19 bytes and more, within the line's
 * first PGM_TIME_ORDER_HEAD) is looked at as words of 8 bytes, the last one
 * ending where it ends. */
#define CLOCK_WORDS ((PGM_TIME_ORDER_HEAD + 7u) / 8u)

/* Times of one form and zone compare as their bytes do: only the bytes up to
 * the zone are compared, the zone and the byte after it must be the first
 * line's. `prev` is the latest time so far; a line behind it is a step back,
 * measured. */
typedef struct checker {
    bool started, ok;
    size_t clock_len;                  /* date, time and fraction */
    size_t time_len;                   /* with the zone */
    char first[PGM_TIME_ORDER_HEAD];
    char prev[PGM_TIME_ORDER_HEAD];
    /* a line whose start straddles two blocks */
    char head[PGM_TIME_ORDER_HEAD];
    size_t head_len;
    bool pending;                      /* head holds a line start still growing */
    bool skipping;                     /* inside a line already checked */
    int64_t max_step;                  /* microseconds */
    /* the clock's words: where each starts, the first line's bytes there,
     * and which of them are not digits (0xff), which every line must have
     * as the first one has them */
    unsigned n_words;
    size_t word_at[CLOCK_WORDS];
    uint64_t first_word[CLOCK_WORDS], separators[CLOCK_WORDS];
    /* the zone and the byte after it, as one word and the mask of its bytes
     * (zone_mask 0: longer than 8 bytes, compared as bytes) */
    uint64_t zone_word, zone_mask;
} checker;

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int64_t digits(const char *p, size_t n)
{
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

/* "YYYY-MM-DD HH:MM:SS[.fff...]" (checked by pgm_ts_parse_at on the first
 * line, and as bytes of the same form since) in microseconds of its own
 * clock. */
static int64_t clock_us(const char *p, size_t clock_len)
{
    int64_t days = pgm_days_from_civil(digits(p, 4), (unsigned)digits(p + 5, 2), (unsigned)digits(p + 8, 2));
    int64_t s = ((days * 24 + digits(p + 11, 2)) * 60 + digits(p + 14, 2)) * 60 + digits(p + 17, 2);
    int64_t us = 0, scale = 100000;
    for (size_t i = DATE_TIME_LEN + 1; i < clock_len && scale; i++, scale /= 10)
        us += (p[i] - '0') * scale;
    return s * 1000000 + us;
}

/* Whether the clock at p has the first line's form: its separators where
 * the first has them, digits elsewhere (eight bytes at a time: the
 * separators turned into '0', each byte is a digit when neither adding 0x46
 * nor taking 0x30 sets its top bit; the bytes are from 0x00 to 0xff, so a
 * byte that is no digit sets its own top bit, whatever it carries or
 * borrows to the next). */
static bool of_first_form(const checker *c, const char *p)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    for (unsigned k = 0; k < c->n_words; k++) {
        uint64_t w = pgm_load8(p + c->word_at[k]), sep = c->separators[k];
        if ((w ^ c->first_word[k]) & sep)
            return false;
        uint64_t d = (w & ~sep) | (ones * '0' & sep);
        if (((d + ones * 0x46) | (d - ones * '0')) & ones * 0x80)
            return false;
    }
    return true;
}

/* memcmp(p, c->prev, clock_len) >= 0: the words as big-endian numbers. */
static bool not_behind(const checker *c, const char *p)
{
    for (unsigned k = 0; k < c->n_words; k++) {
        uint64_t a = pgm_load8(p + c->word_at[k]), b = pgm_load8(c->prev + c->word_at[k]);
        if (a != b) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            a = __builtin_bswap64(a);
            b = __builtin_bswap64(b);
#endif
            return a > b;
        }
    }
    return true;
}

/* Whether the line's zone and the byte after it are the first line's (n:
 * the bytes of the line at p, at least time_len + 1). */
static bool same_zone(const checker *c, const char *p, size_t n)
{
    size_t zone = c->time_len + 1 - c->clock_len;
    if (c->zone_mask && n >= c->clock_len + 8)
        return ((pgm_load8(p + c->clock_len) ^ c->zone_word) & c->zone_mask) == 0;
    return pgm_same_bytes(p + c->clock_len, c->first + c->clock_len, zone);
}

static bool start(checker *c, const char *p, size_t n)
{
    pgm_ts_parse ts;
    if (!pgm_ts_parse_at(p, n, &ts) || ts.zone != PGM_TS_ZONE_KNOWN || ts.len + 1 > n)
        return false;
    size_t clock = DATE_TIME_LEN;
    if (p[clock] == '.')
        for (clock++; clock < ts.len && is_digit(p[clock]); clock++)
            ;
    if (clock >= ts.len)
        return false; /* no zone: its times are read in --tz, which may have summer time */
    c->clock_len = clock; /* below PGM_TIME_ORDER_HEAD: ts.len + 1 bytes are in the line's head */
    c->time_len = ts.len;
    c->n_words = 0;
    /* the masks are made as bytes and loaded as the words are: right in
     * either byte order */
    unsigned char mask[8];
    for (size_t at = 0; at < clock; at += 8) {
        size_t w = at + 8 <= clock ? at : clock - 8;
        for (unsigned k = 0; k < 8; k++)
            mask[k] = is_digit(p[w + k]) ? 0 : 0xff;
        c->word_at[c->n_words] = w;
        c->first_word[c->n_words] = pgm_load8(p + w);
        c->separators[c->n_words++] = pgm_load8(mask);
    }
    size_t zone = ts.len + 1 - clock;
    for (unsigned k = 0; k < 8; k++)
        mask[k] = zone <= 8 && k < zone ? 0xff : 0; /* all 0: longer than a word */
    c->zone_mask = pgm_load8(mask);
    memcpy(&c->zone_word, p + clock, zone <= 8 ? zone : 0);
    memcpy(c->first, p, ts.len + 1);
    memcpy(c->prev, p, clock);
    c->started = true;
    return true;
}

/* One line's first n bytes (all of it, or PGM_TIME_ORDER_HEAD). */
static void check(checker *c, const char *p, size_t n)
{
    if (!c->ok || n == 0 || !is_digit(p[0]))
        return; /* continuation lines, and lines a time-led prefix does not parse */
    if (!c->started) {
        c->ok = start(c, p, n);
        return;
    }
    if (n < c->time_len + 1 || !same_zone(c, p, n) || !of_first_form(c, p)) {
        c->ok = false; /* another zone, or not of the first line's form: its bytes do not compare as times */
        return;
    }
    if (not_behind(c, p)) {
        for (unsigned k = 0; k < c->n_words; k++) /* the clock's bytes, as the words hold them */
            memcpy(c->prev + c->word_at[k], p + c->word_at[k], 8);
        return;
    }
    int64_t step = clock_us(c->prev, c->clock_len) - clock_us(p, c->clock_len);
    if (step > c->max_step)
        c->max_step = step;
    /* a step the bytes see and the clock does not: a date no log has */
    c->ok = step > 0 && step <= PGM_TIME_ORDER_MAX_STEP_US;
}

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* The lines of one block; an unfinished last line is carried to the next. */
static void feed(checker *c, const char *buf, size_t n)
{
    size_t i = 0;
    while (i < n && c->ok) {
        const char *nl = memchr(buf + i, '\n', n - i);
        size_t avail = nl ? (size_t)(nl - (buf + i)) : n - i;
        if (c->pending) {
            size_t take = min_size(avail, PGM_TIME_ORDER_HEAD - c->head_len);
            memcpy(c->head + c->head_len, buf + i, take);
            c->head_len += take;
            if (!nl && c->head_len < PGM_TIME_ORDER_HEAD)
                return;
            check(c, c->head, c->head_len);
            c->pending = false;
            c->skipping = !nl;
            i = nl ? (size_t)(nl - buf) + 1 : i + take;
        } else if (c->skipping) {
            if (!nl)
                return;
            c->skipping = false;
            i = (size_t)(nl - buf) + 1;
        } else if (nl || avail >= PGM_TIME_ORDER_HEAD) {
            check(c, buf + i, min_size(avail, PGM_TIME_ORDER_HEAD));
            if (!nl) {
                c->skipping = true;
                return;
            }
            i = (size_t)(nl - buf) + 1;
        } else {
            memcpy(c->head, buf + i, avail);
            c->head_len = avail;
            c->pending = true;
            return;
        }
    }
}

/* A file with no time at all proves nothing. */
static int64_t finish(checker *c)
{
    if (c->pending && c->head_len)
        check(c, c->head, c->head_len);
    return c->ok && c->started ? c->max_step : -1;
}

int64_t pgm_time_order_text(const char *text, size_t n)
{
    checker c = {.ok = true};
    feed(&c, text, n);
    return finish(&c);
}

int64_t pgm_time_order_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char *buf = pgm_read_alloc(PGM_TIME_ORDER_BLOCK);
    checker c = {.ok = buf != NULL};
    while (c.ok) {
        ssize_t got = read(fd, buf, PGM_TIME_ORDER_BLOCK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            c.ok = got == 0;
            break;
        }
        feed(&c, buf, (size_t)got);
    }
    free(buf);
    close(fd);
    return finish(&c);
}
