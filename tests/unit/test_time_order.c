/* The proof of how far a plain log steps back in time (pipeline/time_order.h):
 * what lets `timeline` write events as they come, through a buffer of that
 * much time, instead of sorting them. A step measured short prints events out
 * of order, so the cases are mostly the ways a log can look ordered and not
 * be: a step back past the bound, another zone, no zone, a line that starts
 * with a digit but no time, and the same across read blocks; and the steps
 * measured from the latest time before, across a midnight and a month. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pglog/prefix.h"
#include "pipeline/time_order.h"

static bool ordered(const char *text)
{
    return pgm_time_order_text(text, strlen(text)) == 0;
}

static int64_t step_back(const char *text)
{
    return pgm_time_order_text(text, strlen(text));
}

static void test_text(void **state)
{
    (void)state;
    /* secondary and continuation lines, equal times */
    assert_true(ordered("2026-11-27 00:17:27.443 UTC [16404] LOG:  starting PostgreSQL 15.18\n"
                        "2026-11-27 00:17:27.443 UTC [16404] LOG:  listening on IPv4 address\n"
                        "2026-11-27 00:17:28.001 UTC [16410] ERROR:  syntax error at or near \"x\"\n"
                        "2026-11-27 00:17:28.001 UTC [16410] STATEMENT:  select x\n"
                        "\tfrom t\n"
                        "2026-11-27 00:17:29.000 UTC [16411] LOG:  connection received"));
    /* %t: seconds only; a %t-led RDS prefix */
    assert_true(ordered("2026-11-27 00:17:27 UTC:10.0.0.1(5432):app@db:[12]:LOG:  a\n"
                        "2026-11-27 00:17:28 UTC:10.0.0.1(5432):app@db:[12]:LOG:  b\n"));
    /* a millisecond back */
    assert_int_equal(step_back("2026-11-27 00:17:27.443 UTC [1] LOG:  a\n"
                               "2026-11-27 00:17:27.442 UTC [2] LOG:  b\n"),
                     1000);
    /* from the latest before, not the line before: 10.005 then 10.003 then 10.001 */
    assert_int_equal(step_back("2026-11-27 00:17:10.000 UTC [1] LOG:  a\n"
                               "2026-11-27 00:17:10.005 UTC [2] LOG:  b\n"
                               "2026-11-27 00:17:10.003 UTC [3] LOG:  c\n"
                               "2026-11-27 00:17:10.001 UTC [4] LOG:  d\n"
                               "2026-11-27 00:17:10.006 UTC [5] LOG:  e\n"),
                     4000);
    /* across a midnight that ends a month, and a year */
    assert_int_equal(step_back("2026-11-30 23:59:59.990 UTC [1] LOG:  a\n"
                               "2026-12-01 00:00:00.010 UTC [2] LOG:  b\n"
                               "2026-11-30 23:59:59.995 UTC [3] LOG:  c\n"),
                     15000);
    assert_int_equal(step_back("2027-01-01 00:00:02.500 UTC [1] LOG:  a\n"
                               "2026-12-31 23:59:59.000 UTC [2] LOG:  b\n"),
                     3500000);
    /* microseconds (%n-less csv-like %m with more digits), whole seconds (%t) */
    assert_int_equal(step_back("2026-11-27 00:17:27.443211 UTC [1] LOG:  a\n"
                               "2026-11-27 00:17:27.443209 UTC [2] LOG:  b\n"),
                     2);
    assert_int_equal(step_back("2026-11-27 00:17:27 UTC [1] LOG:  a\n2026-11-27 00:17:25 UTC [2] LOG:  b\n"),
                     2000000);
    /* a minute back is the most a proof takes; past it (logs concatenated) none */
    assert_int_equal(step_back("2026-11-27 00:18:27.443 UTC [1] LOG:  a\n"
                               "2026-11-27 00:17:27.443 UTC [2] LOG:  b\n"),
                     PGM_TIME_ORDER_MAX_STEP_US);
    assert_int_equal(step_back("2026-11-27 00:18:27.443 UTC [1] LOG:  a\n"
                               "2026-11-27 00:17:27.442 UTC [2] LOG:  b\n"),
                     -1);
    /* back by a day, at the very end without a newline */
    assert_false(ordered("2026-11-27 00:17:27.443 UTC [1] LOG:  a\n"
                         "2026-11-26 23:59:59.999 UTC [2] LOG:  b"));
    assert_int_equal(step_back("2026-11-27 00:17:27.443 UTC [1] LOG:  a\n"
                               "2026-11-26 23:59:59.999 UTC [2] LOG:  b"),
                     -1);
    /* bytes behind that are no date: not measured, no proof */
    assert_int_equal(step_back("2026-11-27 00:17:27.443 UTC [1] LOG:  a\n"
                               "2026-11-2x 00:17:27.443 UTC [1] LOG:  b\n"),
                     -1);
    assert_int_equal(step_back("2026-11-27 00:17:27.443 UTC [1] LOG:  a\n"
                               "2026-11-27T00:17:27.443 UTC [1] LOG:  b\n"),
                     -1);
    /* a later zone whose bytes still grow: the times do not (summer time ends) */
    assert_false(ordered("2026-10-25 02:59:00.000 CEST [1] LOG:  a\n"
                         "2026-10-25 02:10:00.000 CET [1] LOG:  b\n"));
    assert_false(ordered("2026-11-27 00:17:27.443 UTC [1] LOG:  a\n"
                         "2026-11-27 00:17:28.000 CET [1] LOG:  b\n"));
    /* no zone printed: --tz may give it summer time */
    assert_false(ordered("2026-11-27 00:17:27.443 [1] LOG:  a\n2026-11-27 00:17:28.443 [1] LOG:  b\n"));
    /* a zone the time cannot be read in */
    assert_false(ordered("2026-11-27 00:17:27.443 IST [1] LOG:  a\n2026-11-27 00:17:28.443 IST [1] LOG:  b\n"));
    /* a line that starts with a digit but no time of that form */
    assert_false(ordered("2026-11-27 00:17:27.443 UTC [1] LOG:  a\n1 row\n"));
    assert_false(ordered("2026-11-27 00:17:27.443 UTC [1] LOG:  a\n2026-11-27 00:17:28.443\n"));
    /* nothing that starts with a time proves nothing */
    assert_false(ordered(""));
    assert_false(ordered("Nov 27 00:17:27 db postgres[1]: [1-1] LOG:  a\n"));
    assert_false(ordered("{\"timestamp\":\"2026-11-27 00:17:27.443 UTC\"}\n"));
    /* lines that a time-led prefix never parses are not looked at */
    assert_true(ordered("2026-11-27 00:17:27.443 UTC [1] LOG:  a\nnot a log line\n\n"
                        "2026-11-27 00:17:28.443 UTC [1] LOG:  b\r\n"));
}

/* Writes text to a temporary file and asks about the file. */
static bool file_ordered(const char *text, size_t n)
{
    char path[] = "/tmp/pgmortem-test-order-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    bool ok = pgm_time_order_file(path) == 0;
    unlink(path);
    return ok;
}

/* Lines of rising times past three read blocks; the line across the first
 * block's end, or a line after a line longer than a block, set back a year. */
static void test_file_blocks(void **state)
{
    (void)state;
    size_t cap = 3 * PGM_TIME_ORDER_BLOCK + 4096, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (unsigned i = 0; n + 200 < 3 * PGM_TIME_ORDER_BLOCK; i++)
        n += (size_t)sprintf(text + n, "2026-11-27 %02u:%02u:%02u.%03u UTC [%u] LOG:  connection authorized: user=app\n",
                             i / 3600000 % 24, i / 60000 % 60, i / 1000 % 60, i % 1000, 1000 + i % 50);
    assert_int_equal(pgm_time_order_text(text, n), 0);
    assert_true(file_ordered(text, n));

    size_t at = PGM_TIME_ORDER_BLOCK - 200;
    while (text[at - 1] != '\n')
        at--; /* a line start shortly before the block's end */
    for (size_t k = 1; k <= 40; k++) {
        /* every cut of the line's first bytes between the blocks */
        char *copy = malloc(n + PGM_TIME_ORDER_BLOCK);
        assert_non_null(copy);
        size_t pad = PGM_TIME_ORDER_BLOCK - at - k; /* a line of x before it: k of its bytes in the first block */
        memcpy(copy, text, at);
        memset(copy + at, 'x', pad);
        copy[at + pad - 1] = '\n';
        memcpy(copy + at + pad, text + at, n - at);
        assert_true(file_ordered(copy, n + pad));
        copy[at + pad + 3] = '5'; /* 2025 */
        assert_false(file_ordered(copy, n + pad));
        free(copy);
    }

    /* a statement longer than a block, on continuation lines and one long line */
    char *big = malloc(n + 2 * PGM_TIME_ORDER_BLOCK);
    assert_non_null(big);
    size_t m = 0, half = n / 2;
    while (text[half - 1] != '\n')
        half--;
    memcpy(big, text, half);
    m = half;
    big[m++] = '\t';
    memset(big + m, 'y', PGM_TIME_ORDER_BLOCK + 100);
    m += PGM_TIME_ORDER_BLOCK + 100;
    big[m++] = '\n';
    memcpy(big + m, text + half, n - half);
    m += n - half;
    assert_true(file_ordered(big, m));
    big[half + PGM_TIME_ORDER_BLOCK + 102 + 3] = '5';
    assert_false(file_ordered(big, m));
    free(big);
    free(text);
    assert_int_equal(pgm_time_order_file("/nonexistent/pgmortem.log"), -1);
}

/* The second line's time changed at one byte, against what the rule says
 * of it, byte by byte: of the first line's form (a digit where it has one,
 * its very byte elsewhere, the zone and the byte after it the same) and not
 * behind it as bytes, in order (0); of that form and behind, a step (or no
 * proof, past a minute or no date); of another form, no proof. The clocks of
 * %t and of %m, to a tenth of a second, to a microsecond and beyond, cover
 * the words the check reads them in, the last one overlapping the one before. Bytes
 * around the digits' bounds ('/' and ':'), beyond ASCII, and separators'. */
static void test_one_byte_changed(void **state)
{
    (void)state;
    static const char *const firsts[] = {
        "2026-11-27 10:17:27 UTC [1] LOG:  a",
        "2026-11-27 10:17:27.4 UTC [1] LOG:  a",
        "2026-11-27 10:17:27.443 CEST [1] LOG:  a",
        "2026-11-27 10:17:27.443211 UTC [1] LOG:  a",
        "2026-11-27 10:17:27.443211987654321 UTC [1] LOG:  a", /* more digits than a clock has: five words */
        "2026-11-27 10:17:27.443 America/Argentina/Buenos_Aires [1] LOG:  a",
    };
    static const char bytes[] = "0123456789/:-. T\x80\xff";
    uint64_t seed = 0x9e3779b97f4a7c15u;
    unsigned compared = 0;
    for (size_t f = 0; f < sizeof firsts / sizeof firsts[0]; f++) {
        const char *first = firsts[f];
        size_t clock = 19;
        if (first[clock] == '.')
            for (clock++; first[clock] >= '0' && first[clock] <= '9'; clock++)
                ;
        size_t zone_end = strchr(first, '[') - first; /* the zone and the space after it */
        if (pgm_time_order_text(first, strlen(first)) != 0) {
            assert_true(f == 5); /* a zone the time cannot be read in proves nothing */
            continue;
        }
        for (unsigned i = 0; i < 4000; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            size_t at = (size_t)(seed >> 33) % zone_end;
            char c = bytes[(seed >> 13) % (sizeof bytes - 1)];
            char text[256];
            int n = snprintf(text, sizeof text, "%s\n%s\n", first, first);
            char *second = text + strlen(first) + 1;
            second[at] = c;
            bool digit_at = first[at] >= '0' && first[at] <= '9' && at < clock;
            bool form = digit_at ? c >= '0' && c <= '9' : c == first[at];
            int64_t got = pgm_time_order_text(text, (size_t)n);
            if (at == 0 && !form)
                assert_int_equal(got, 0); /* a line that starts with no digit is no line of the log's own */
            else if (!form)
                assert_int_equal(got, -1);
            else if (memcmp(second, first, clock) >= 0)
                assert_int_equal(got, 0);
            else
                assert_true(got != 0);
            compared++;
        }
    }
    assert_true(compared >= 20000);
}

static bool leads(const char *spec)
{
    pgm_prefix *p;
    char err[PGM_ERR_MAX];
    assert_int_equal(pgm_prefix_compile(spec, &p, err), PGM_OK);
    bool yes = pgm_prefix_leads_with_time(p);
    pgm_prefix_free(p);
    return yes;
}

static void test_prefix(void **state)
{
    (void)state;
    assert_true(leads("%m [%p] "));
    assert_true(leads("%m [%p] %q%u@%d "));
    assert_true(leads("%t:%r:%u@%d:[%p]:"));
    assert_false(leads("[%p] %m "));       /* the time is not where the line starts */
    assert_false(leads("%m [%p] %t "));    /* two times */
    assert_false(leads("%30m [%p] "));     /* padded: spaces first */
    assert_false(leads("%n [%p] "));       /* epoch seconds: not checked */
    assert_false(leads(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_file_blocks),
        cmocka_unit_test(test_one_byte_changed),
        cmocka_unit_test(test_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
