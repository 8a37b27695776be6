/* Text primitives: timestamps, UTF-8, the bounded line reader, JSON strings. */
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"
#include "text/lines.h"
#include "text/timestamp.h"
#include "text/tzfile.h"
#include "text/utf8.h"
#include "util/decimal.h"
#include "util/json.h"
#include "util/strbuf.h"

static int64_t parse(const char *s, enum pgm_ts_zone *zone)
{
    pgm_ts_parse ts;
    if (!pgm_ts_parse_at(s, strlen(s), &ts))
        return PGM_TS_UNKNOWN;
    if (zone)
        *zone = ts.zone;
    return ts.us;
}

static void iso(int64_t us, char *out)
{
    pgm_ts_format_iso(us, out);
}

static void test_timestamps_of_every_source(void **state)
{
    (void)state;
    char out[PGM_TS_ISO_LEN];
    enum pgm_ts_zone z;
    iso(parse("2026-11-27 00:17:27.443 UTC [16404] LOG:", &z), out); /* %m */
    assert_string_equal(out, "2026-11-27T00:17:27.443Z");
    assert_int_equal(z, PGM_TS_ZONE_KNOWN);
    iso(parse("2026-11-27 01:18:03 CET", &z), out); /* %t, CET */
    assert_string_equal(out, "2026-11-27T00:18:03.000Z");
    iso(parse("2026-11-27 04:25:52 +04 [1]", &z), out); /* numeric abbreviation */
    assert_string_equal(out, "2026-11-27T00:25:52.000Z");
    iso(parse("2026-11-27 00:17:27.52882+00", &z), out); /* pg_stat_activity */
    assert_string_equal(out, "2026-11-27T00:17:27.528Z");
    iso(parse("2026-11-27T00:17:27.474805+00:00", &z), out); /* json_agg */
    assert_string_equal(out, "2026-11-27T00:17:27.474Z");
    iso(parse("2023-11-25T23:37:20.817-05:00  WARN 43835", &z), out); /* Boot 3 */
    assert_string_equal(out, "2023-11-26T04:37:20.817Z");
    iso(parse("2026-11-27 05:30:00+0530", &z), out);
    assert_string_equal(out, "2026-11-27T00:00:00.000Z");
    iso(parse("2026-11-27T00:01:03.875Z  INFO", &z), out);
    assert_string_equal(out, "2026-11-27T00:01:03.875Z");
    iso(parse("2026-11-27 00:15:33 UTC::@:[12241]:LOG:", &z), out); /* RDS */
    assert_string_equal(out, "2026-11-27T00:15:33.000Z");
    /* no zone: read as UTC, and said so */
    iso(parse("2018-02-07 12:35:56.643  WARN 4232 ---", &z), out);
    assert_string_equal(out, "2018-02-07T12:35:56.643Z");
    assert_int_equal(z, PGM_TS_ZONE_NONE);
    iso(parse("2026-11-27 00:05:01,112 [main] INFO", &z), out);
    assert_string_equal(out, "2026-11-27T00:05:01.112Z");
    assert_int_equal(z, PGM_TS_ZONE_NONE);
    /* a severity word is not a zone */
    parse("2026-11-27 00:05:01 LOG: x", &z);
    assert_int_equal(z, PGM_TS_ZONE_NONE);
    /* an ambiguous abbreviation is reported, never guessed */
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at("2026-11-27 00:00:00 IST [1]", 27, &ts));
    assert_int_equal(ts.zone, PGM_TS_ZONE_UNKNOWN);
    assert_string_equal(ts.zone_name, "IST");
    /* a zone read on a line before is no offset for a line without one (a
     * server log in CET, then an application's "... INFO" was read an hour off) */
    parse("2026-11-27 02:27:06 CET [1] LOG:  x", &z);
    iso(parse("2026-11-27 02:27:06,935 INFO  [main] a.B - m", &z), out);
    assert_string_equal(out, "2026-11-27T02:27:06.935Z");
    assert_int_equal(z, PGM_TS_ZONE_NONE);
    /* Java's own dates */
    assert_true(pgm_ts_parse_java("27-Nov-2026 02:20:54.123 INFO", 29, &ts));
    pgm_ts_format_iso(ts.us, out);
    assert_string_equal(out, "2026-11-27T02:20:54.123Z");
    assert_int_equal(ts.len, 24);
    assert_true(pgm_ts_parse_java("27 Nov 2026 02:20:54,123", 24, &ts));
    assert_true(pgm_ts_parse_java("Nov 27, 2026 12:20:54 PM a.B c", 30, &ts));
    pgm_ts_format_iso(ts.us, out);
    assert_string_equal(out, "2026-11-27T12:20:54.000Z");
    assert_false(pgm_ts_parse_java("Nov 27, 2026 13:20:54 PM", 24, &ts)); /* %tl counts 1 to 12 */
    assert_false(pgm_ts_parse_java("27-Nox-2026 02:20:54", 20, &ts));
    assert_false(pgm_ts_parse_java("Nov 27, 2026 2:20:54", 20, &ts)); /* no AM or PM */
    /* not timestamps */
    assert_int_equal(parse("2026-13-27 00:00:00", NULL), PGM_TS_UNKNOWN);
    assert_int_equal(parse("2026-11-27", NULL), PGM_TS_UNKNOWN);
    assert_int_equal(parse("12026-11-27 00:00:00", NULL), PGM_TS_UNKNOWN);
}

static void test_timestamp_find_and_calendar(void **state)
{
    (void)state;
    pgm_ts_parse ts;
    const char *sys = "<134>Nov 27 00:19:29 postgres[19313]: [6-1] 2026-11-27 00:19:29.140 UTC [19313]";
    assert_true(pgm_ts_find(sys, strlen(sys), 160, &ts));
    assert_int_equal(ts.offset, strlen("<134>Nov 27 00:19:29 postgres[19313]: [6-1] "));
    assert_false(pgm_ts_find(sys, strlen(sys), 40, &ts));
    assert_int_equal(pgm_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(pgm_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(pgm_days_from_civil(1969, 12, 31), -1);
    char out[PGM_TS_ISO_LEN];
    pgm_ts_format_iso(-1000, out);
    assert_string_equal(out, "1969-12-31T23:59:59.999Z");
    pgm_ts_format_iso(951782400000000LL, out); /* leap day */
    assert_string_equal(out, "2000-02-29T00:00:00.000Z");
}

static void test_utf8(void **state)
{
    (void)state;
    assert_int_equal(pgm_utf8_sequence_len((const unsigned char *)"\xc3\xa9", 2), 2);
    assert_int_equal(pgm_utf8_sequence_len((const unsigned char *)"\xc0\xaf", 2), 0); /* overlong */
    assert_int_equal(pgm_utf8_sequence_len((const unsigned char *)"\xed\xa0\x80", 3), 0); /* surrogate */
    assert_int_equal(pgm_utf8_sequence_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
    assert_int_equal(pgm_utf8_sequence_len((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
    pgm_utf8_state st = {0};
    /* a sequence cut between two chunks is still valid */
    pgm_utf8_feed(&st, (const unsigned char *)"caf\xc3", 4);
    pgm_utf8_feed(&st, (const unsigned char *)"\xa9 ok \xf0\x9f", 7);
    pgm_utf8_feed(&st, (const unsigned char *)"\x98\x80", 2);
    pgm_utf8_finish(&st);
    assert_int_equal(st.invalid, 0);
    pgm_utf8_feed(&st, (const unsigned char *)"latin1 caf\xe9 and \xc0\xaf", 18);
    pgm_utf8_finish(&st);
    assert_int_equal(st.invalid, 3);
    pgm_utf8_feed(&st, (const unsigned char *)"end \xe2\x82", 6); /* cut at the end */
    pgm_utf8_finish(&st);
    assert_int_equal(st.invalid, 5);
}

/* A source that yields a line of `big` bytes without end in memory. */
typedef struct long_line_source {
    pgm_source base;
    size_t big, pos;
} long_line_source;

static ptrdiff_t long_read(pgm_source *self, void *buf, size_t cap)
{
    long_line_source *s = (long_line_source *)self;
    static const char tail[] = "\n2026-11-27 00:17:27.443 UTC [1] LOG:  after\n";
    size_t total = s->big + sizeof tail - 1;
    if (s->pos >= total)
        return 0;
    size_t n = 0;
    while (n < cap && s->pos < total) {
        ((char *)buf)[n++] = s->pos < s->big ? 'a' : tail[s->pos - s->big];
        s->pos++;
    }
    return (ptrdiff_t)n;
}

static void test_line_reader_bounds_memory(void **state)
{
    (void)state;
    long_line_source src = {{.read = long_read}, 100u << 20, 0};
    pgm_line_reader r;
    assert_int_equal(pgm_lines_init(&r, &src.base, 1u << 20), PGM_OK);
    const char *line;
    size_t len;
    assert_int_equal(pgm_lines_next(&r, &line, &len), 1);
    assert_true(r.truncated);
    assert_int_equal(len, 1u << 20);
    assert_int_equal(pgm_lines_next(&r, &line, &len), 1);
    assert_false(r.truncated);
    assert_int_equal(r.lineno, 2);
    assert_int_equal(len, strlen("2026-11-27 00:17:27.443 UTC [1] LOG:  after"));
    assert_int_equal(pgm_lines_next(&r, &line, &len), 0);
    assert_true(r.alloc <= (1u << 20) + (512u << 10)); /* never the whole line */
    assert_int_equal(r.bytes_read, (100u << 20) + 45);
    pgm_lines_free(&r);
}

static void test_line_reader_edges(void **state)
{
    (void)state;
    const char text[] = "a\r\n\nlast without newline";
    pgm_mem_source m;
    pgm_mem_source_init(&m, text, sizeof text - 1);
    pgm_line_reader r;
    assert_int_equal(pgm_lines_init(&r, &m.base, 8), PGM_OK);
    const char *line;
    size_t len;
    assert_int_equal(pgm_lines_next(&r, &line, &len), 1);
    assert_int_equal(len, 2); /* the \r is kept */
    assert_int_equal(pgm_lines_next(&r, &line, &len), 1);
    assert_int_equal(len, 0);
    assert_int_equal(pgm_lines_next(&r, &line, &len), 1);
    assert_true(r.truncated);
    assert_int_equal(len, 8);
    assert_memory_equal(line, "last wit", 8);
    assert_int_equal(pgm_lines_next(&r, &line, &len), 0);
    assert_int_equal(r.lineno, 3);
    pgm_lines_free(&r);
}

/* A reader that needs no whole lines (a JSON document on one line) takes a
 * long line in pieces of max_line bytes, all under its number: nothing of it
 * is cut, the lines after it keep theirs. */
static void test_line_reader_pieces(void **state)
{
    (void)state;
    const char text[] = "[{\"a\":1},{\"b\":22}]\nnext\n12345678\nend";
    pgm_mem_source m;
    pgm_mem_source_init(&m, text, sizeof text - 1);
    pgm_line_reader r;
    assert_int_equal(pgm_lines_init(&r, &m.base, 8), PGM_OK);
    r.pieces = true;
    const char *line;
    size_t len;
    char whole[64] = "";
    while (pgm_lines_next(&r, &line, &len) == 1 && r.lineno == 1) {
        assert_false(r.truncated);
        assert_true(len <= 8);
        strncat(whole, line, len);
        if (!r.piece)
            break;
    }
    assert_string_equal(whole, "[{\"a\":1},{\"b\":22}]");
    assert_int_equal(pgm_lines_next(&r, &line, &len), 1);
    assert_int_equal(r.lineno, 2);
    assert_false(r.piece);
    assert_memory_equal(line, "next", len);
    assert_int_equal(pgm_lines_next(&r, &line, &len), 1); /* exactly max_line bytes: whole */
    assert_int_equal(r.lineno, 3);
    assert_int_equal(len, 8);
    size_t rest = 0;
    while (r.piece && pgm_lines_next(&r, &line, &len) == 1)
        rest += len; /* its end, if it was handed on as a piece */
    assert_int_equal(rest, 0);
    assert_int_equal(pgm_lines_next(&r, &line, &len), 1);
    assert_int_equal(r.lineno, 4);
    assert_memory_equal(line, "end", 3);
    assert_int_equal(pgm_lines_next(&r, &line, &len), 0);
    pgm_lines_free(&r);
}

/* Lines ended by a bare '\r' (classic Mac OS, some exporters): a real log
 * with its '\n's turned into '\r's reads as the same lines, not as one. */
static void test_line_reader_cr_ends(void **state)
{
    (void)state;
    size_t n;
    char *lf = tu_read_file("tests/samples/postgresql-15/run1-stderr/postgresql.log", &n);
    char *cr = malloc(n);
    assert_non_null(cr);
    for (size_t i = 0; i < n; i++)
        cr[i] = lf[i] == '\n' ? '\r' : lf[i];
    pgm_mem_source a, b;
    pgm_mem_source_init(&a, lf, n);
    pgm_mem_source_init(&b, cr, n);
    pgm_line_reader ra, rb;
    assert_int_equal(pgm_lines_init(&ra, &a.base, 1u << 20), PGM_OK);
    assert_int_equal(pgm_lines_init(&rb, &b.base, 1u << 20), PGM_OK);
    const char *la, *lb;
    size_t na, nb;
    int ka, kb;
    while ((ka = pgm_lines_next(&ra, &la, &na)) == 1) {
        kb = pgm_lines_next(&rb, &lb, &nb);
        assert_int_equal(kb, 1);
        assert_int_equal(na, nb);
        assert_memory_equal(la, lb, na);
    }
    assert_int_equal(pgm_lines_next(&rb, &lb, &nb), 0);
    assert_true(ra.lineno > 500);
    assert_int_equal(rb.lineno, ra.lineno);
    assert_int_equal(rb.cr_lines, ra.lineno);
    assert_int_equal(ra.cr_lines, 0);
    pgm_lines_free(&ra);
    pgm_lines_free(&rb);
    free(cr);
    free(lf);
}

/* The inventory over the 100 MB line: counted, cut, warned about, small. */
static void test_inventory_long_line_warning(void **state)
{
    (void)state;
    long_line_source src = {{.read = long_read}, 100u << 20, 0};
    pgm_inventory inv;
    pgm_inventory_init(&inv);
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    assert_int_equal(pgm_inventory_run_source(&inv, &src.base, "huge.log", &lim), PGM_OK);
    assert_int_equal(inv.n, 1);
    assert_int_equal(inv.items[0].lines, 2);
    assert_int_equal(inv.items[0].bytes, (100u << 20) + 45);
    assert_true(inv.items[0].n_warnings >= 1);
    assert_non_null(strstr(inv.items[0].warnings[0], "1 line(s) longer than 1048576 bytes"));
    pgm_inventory_free(&inv);
}

static void test_inventory_nul_and_bad_utf8(void **state)
{
    (void)state;
    const char *paths[] = {"tests/hostile/nul-and-bad-utf8.log"};
    pgm_inventory inv;
    pgm_inventory_init(&inv);
    pgm_bundle_limits lim = pgm_bundle_limits_default();
    assert_int_equal(pgm_inventory_run(&inv, paths, 1, &lim), PGM_OK);
    assert_int_equal(inv.n, 1);
    assert_string_equal(pgm_kind_name(inv.items[0].kind), "pg_log");
    assert_int_equal(inv.items[0].lines, 5);
    assert_int_equal(inv.items[0].n_warnings, 2);
    assert_string_equal(inv.items[0].warnings[0], "3 NUL byte(s), first on line 4");
    assert_string_equal(inv.items[0].warnings[1], "3 byte(s) of invalid UTF-8");
    char out[PGM_TS_ISO_LEN];
    pgm_ts_format_iso(inv.items[0].last_ts, out);
    assert_string_equal(out, "2026-11-27T00:17:28.001Z");
    pgm_inventory_free(&inv);
}

static void test_json_strings_are_valid_utf8(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *in = "a\"b\\c\n\x01 caf\xc3\xa9 bad\xe9!";
    pgm_json_escape(f, in, strlen(in));
    fclose(f);
    assert_string_equal(buf, "a\\\"b\\\\c\\n\\u0001 caf\xc3\xa9 bad\\ufffd!");
    free(buf);
}

/* The escaping as JSON defines it, a byte at a time: what the block-wise
 * escaper must print for any text. */
static void reference_escape(pgm_strbuf *o, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t len = c >= 0x80 ? pgm_utf8_sequence_len(p + i, n - i) : 0;
        if (len) {
            pgm_strbuf_add(o, p + i, len);
            i += len;
            continue;
        }
        if (c == '"' || c == '\\')
            pgm_strbuf_addf(o, "\\%c", c);
        else if (c == '\n')
            pgm_strbuf_addstr(o, "\\n");
        else if (c == '\r')
            pgm_strbuf_addstr(o, "\\r");
        else if (c == '\t')
            pgm_strbuf_addstr(o, "\\t");
        else if (c >= 0x80)
            pgm_strbuf_addstr(o, "\\ufffd");
        else if (c < 0x20 || c == 0x7f)
            pgm_strbuf_addf(o, "\\u%04x", c);
        else
            pgm_strbuf_add(o, &c, 1);
        i++;
    }
}

static void expect_escaped_like_reference(const char *text, size_t n)
{
    pgm_strbuf got, want;
    pgm_strbuf_init(&got, SIZE_MAX);
    pgm_strbuf_init(&want, SIZE_MAX);
    assert_int_equal(pgm_json_escape_buf(&got, text, n), 0);
    reference_escape(&want, (const unsigned char *)text, n);
    assert_int_equal(got.len, want.len);
    assert_memory_equal(got.p ? got.p : "", want.p ? want.p : "", want.len);
    pgm_strbuf_free(&got);
    pgm_strbuf_free(&want);
}

/* Every special byte or character at every place of texts up to 40 bytes
 * (the escaper looks at 16 and 8 bytes at a time), and characters across
 * the pieces a long text is escaped in. */
static void test_json_escape_blocks(void **state)
{
    (void)state;
    static const char *const specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", "\x80", "\xc3\xa9",
                                           "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x82", "\xff", " "};
    char text[64];
    for (size_t n = 0; n <= 40; n++)
        for (size_t at = 0; at < n; at++)
            for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
                memset(text, 'a', n);
                size_t sl = strlen(specials[k]);
                if (at + sl > n)
                    continue;
                memcpy(text + at, specials[k], sl);
                expect_escaped_like_reference(text, n);
            }
    /* every printable byte, at every offset of the 16-byte blocks and the tail */
    char printable[96 + 16];
    size_t np = 0;
    for (int c = 0x20; c < 0x7f; c++)
        printable[np++] = (char)c;
    for (size_t shift = 0; shift < 16; shift++)
        expect_escaped_like_reference(printable + shift, np - shift);
    for (size_t cut = 1; cut < np; cut++)
        expect_escaped_like_reference(printable + np - cut, cut);
    size_t big = 3 * PGM_JSON_ESCAPE_PIECE + 7;
    char *long_text = malloc(big);
    assert_non_null(long_text);
    for (size_t shift = 0; shift < 4; shift++) {
        memset(long_text, 'b', shift);
        for (size_t i = shift; i + 4 <= big; i += 4)
            memcpy(long_text + i, (i / 4) % 3 ? "\xf0\x9f\x98\x80" : "\xc3\xa9\"\n", 4);
        expect_escaped_like_reference(long_text, big - 7);
    }
    free(long_text);
}

/* A timestamp's text read again is taken from the last one read when the
 * bytes the parse may look at are the same: a text that differs from the
 * last one anywhere the parse looks, or ends sooner, must read as it reads
 * on its own. Each text is read once after another timestamp (as on its
 * own) and once after a text that differs from it in one byte, or ends
 * elsewhere. */
static bool same_parse(const pgm_ts_parse *a, bool oka, const pgm_ts_parse *b, bool okb)
{
    return oka == okb && (!oka || (a->us == b->us && a->zone == b->zone && a->len == b->len &&
                                   memcmp(a->zone_name, b->zone_name, sizeof a->zone_name) == 0));
}

static void test_timestamp_read_again(void **state)
{
    (void)state;
    static const char *const fracs[] = {"", ".4", ".462", ".462123", ",5"};
    static const char *const zones[] = {"", " UTC", " CET", "Z", "+02", "+0530", " +05:30", " -08", " EST",
                                        " LOG", " ABCDE", " ABCDEF", " PST8PDT", " Ab"};
    static const char *const rests[] = {"", " ", " [4626] postgres@bench LOG:  x", "ZZ", "9", ":00 x", " Z", "\t"};
    static const char bytes[] = " 0123456789+-:.,ZUTCabEL[\t";
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    char a[96], b[96];
    size_t tried = 0, hits = 0;
    for (int round = 0; round < 20000; round++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        /* the date and time parted by a space or a 'T' (RFC 3339, as a container runtime writes) */
        int n = snprintf(a, sizeof a, "2026-12-06%c06:58:%02u%s%s%s", (seed >> 56) % 2 ? 'T' : ' ',
                         (unsigned)(seed % 60), fracs[(seed >> 8) % 5], zones[(seed >> 12) % 14],
                         rests[(seed >> 20) % 8]);
        memcpy(b, a, sizeof b);
        size_t nb = (size_t)n;
        if ((seed >> 28) % 3 == 0)
            nb = 19 + (seed >> 32) % ((size_t)n - 18); /* the same bytes, ending elsewhere */
        else if ((seed >> 28) % 3 == 1 && (seed >> 44) % 2)
            b[10] = " T-X"[(seed >> 40) % 4]; /* the separator: the same second's, another, or none */
        else if ((seed >> 28) % 3 == 1)
            b[(size_t[]){0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}[(seed >> 40) % 14]] =
                (char)('0' + (seed >> 50) % 10); /* another date or time, or none (month 13) */
        else
            b[19 + (seed >> 32) % ((size_t)n - 19 + 1)] = bytes[(seed >> 48) % (sizeof bytes - 1)];
        pgm_ts_parse alone, again, other;
        /* on its own: after two other seconds' timestamps (two are kept) */
        assert_true(pgm_ts_parse_at("2001-01-01 00:00:00.000 UTC [1] LOG:  y", 39, &other));
        assert_true(pgm_ts_parse_at("2002-02-02T00:00:00.000000Z stderr F y", 38, &other));
        bool ok_alone = pgm_ts_parse_at(b, nb, &alone);
        /* after the text it differs from, nothing else kept */
        assert_true(pgm_ts_parse_at("2001-01-01 00:00:00.000 UTC [1] LOG:  y", 39, &other));
        assert_true(pgm_ts_parse_at("2002-02-02T00:00:00.000000Z stderr F y", 38, &other));
        bool ok_a = pgm_ts_parse_at(a, (size_t)n, &other);
        bool ok_again = pgm_ts_parse_at(b, nb, &again);
        assert_true(ok_a);
        if (!same_parse(&alone, ok_alone, &again, ok_again))
            fail_msg("'%.*s' read after '%s': not as on its own", (int)nb, b, a);
        tried++;
        hits += ok_alone && nb == (size_t)n && memcmp(a, b, nb) == 0;
    }
    assert_true(tried == 20000 && hits > 100); /* texts the same as the one before were read again too */
}

static void expect_decimal(uint64_t v, const char *want)
{
    char out[PGM_U64_DIGITS + 1];
    size_t n = pgm_format_u64(out, v);
    out[n] = 0;
    assert_string_equal(out, want);
}

static void test_decimal(void **state)
{
    (void)state;
    expect_decimal(0, "0");
    expect_decimal(7, "7");
    expect_decimal(10, "10");
    expect_decimal(99, "99");
    expect_decimal(100, "100");
    expect_decimal(1009, "1009");
    expect_decimal(16430, "16430");
    expect_decimal(UINT64_MAX, "18446744073709551615");
}

static int64_t iso_us(const char *iso)
{
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at(iso, strlen(iso), &ts));
    return ts.us;
}

/* Local times of Europe/Berlin across both changes of 2026 (the system's tz
 * database; skipped where it is not installed). */
static void test_named_zone(void **state)
{
    (void)state;
    static pgm_tz berlin;
    char err[PGM_ERR_MAX];
    if (pgm_tz_load("Europe/Berlin", &berlin, err) != PGM_OK) {
        print_message("skipped: %s\n", err);
        return;
    }
    pgm_zone z = {true, 0, &berlin};
    assert_true(pgm_zone_to_utc(&z, iso_us("2026-03-29 01:30:00")) == iso_us("2026-03-29T00:30:00Z"));
    /* 02:30 does not exist that day: read as 03:30 summer time */
    assert_true(pgm_zone_to_utc(&z, iso_us("2026-03-29 02:30:00")) == iso_us("2026-03-29T01:30:00Z"));
    assert_true(pgm_zone_to_utc(&z, iso_us("2026-03-29 03:30:00")) == iso_us("2026-03-29T01:30:00Z"));
    /* 02:30 happens twice on 25 October: the first, still summer time */
    assert_true(pgm_zone_to_utc(&z, iso_us("2026-10-25 02:30:00.250")) == iso_us("2026-10-25T00:30:00.250Z"));
    assert_true(pgm_zone_to_utc(&z, iso_us("2026-11-27 00:17:27")) == iso_us("2026-11-26T23:17:27Z"));
    assert_int_equal(pgm_tz_load("../../etc/passwd", &berlin, err), PGM_FAILED);
    assert_int_equal(pgm_tz_load("Mars/Olympus", &berlin, err), PGM_FAILED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_named_zone),
        cmocka_unit_test(test_timestamps_of_every_source),
        cmocka_unit_test(test_timestamp_find_and_calendar),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_line_reader_bounds_memory),
        cmocka_unit_test(test_line_reader_edges),
        cmocka_unit_test(test_line_reader_pieces),
        cmocka_unit_test(test_inventory_long_line_warning),
        cmocka_unit_test(test_inventory_nul_and_bad_utf8),
        cmocka_unit_test(test_json_strings_are_valid_utf8),
        cmocka_unit_test(test_json_escape_blocks),
        cmocka_unit_test(test_timestamp_read_again),
        cmocka_unit_test(test_decimal),
        cmocka_unit_test(test_line_reader_cr_ends),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
