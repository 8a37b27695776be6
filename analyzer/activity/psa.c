/* The dump forms, one state machine each over physical lines:
 *   aligned    header, rule row ("---+---"), rows; a '+' where the padding before
 *              the next '|' (or at the table's right edge) would be continues
 *              the cell on the next line; "(N rows)" ends the result
 *   expanded   "-[ RECORD n ]---+---", then "name | value" lines; a value
 *              ending in '+' at the right edge goes on below a blank name
 *   unaligned  '|' between fields, raw newlines and '|' inside values: a row
 *              is joined until it has its fields, extra '|' go to `query`
 *   csv        psql --csv and COPY CSV HEADER (text/csv.c)
 *   copy_text  TAB between fields, \N for NULL, backslash escapes
 *   json       json_agg: an array of flat objects
 * Forms without a header (tuples-only, COPY text) have the view's columns in
 * order: 20 in PostgreSQL 12, 21 in 13, 22 from 14 on. */
#define _GNU_SOURCE /* memmem */
#include "activity/psa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/csv.h"
#include "text/jsonflat.h"
#include "text/timestamp.h"
#include "util/grow.h"

static const char *const col_names[PGM_PSA_NCOLS] = {
    "datid", "datname", "pid", "leader_pid", "usesysid", "usename", "application_name",
    "client_addr", "client_hostname", "client_port", "backend_start", "xact_start",
    "query_start", "state_change", "wait_event_type", "wait_event", "state", "backend_xid",
    "backend_xmin", "query_id", "query", "backend_type", "now", "count"};

/* The view's columns by version, for dumps without a header. */
static const int cols_12[] = {0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21};
static const int cols_13[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21};

enum fmt { F_ALIGNED, F_EXPANDED, F_UNALIGNED, F_CSV, F_COPY_TEXT, F_JSON };

struct pgm_psa_reader {
    bool columns_past;               /* a header had more than PGM_PSA_MAX_COLUMNS columns */
    enum fmt fmt;
    pgm_psa_cb cb;
    void *ctx;
    pgm_psa_snapshot snap;
    bool in_result;                  /* a header was read, rows may follow */
    int map[PGM_PSA_MAX_COLUMNS];    /* result column -> pgm_psa_col, or -1 */
    size_t ncols;
    pgm_strbuf cell[PGM_PSA_MAX_COLUMNS];
    bool null[PGM_PSA_MAX_COLUMNS];
    bool row_open;
    uint64_t row_line;
    char null_text[32];              /* psql's \pset null text, when the dump says it */
    /* aligned */
    pgm_strbuf prev;                 /* the line before, a header if a rule row follows */
    size_t edge[PGM_PSA_MAX_COLUMNS + 1]; /* display column where each cell starts; last: width */
    bool wrap[PGM_PSA_MAX_COLUMNS];
    bool dot[PGM_PSA_MAX_COLUMNS];   /* \pset format wrapped: the value goes on in the line below */
    /* a table a terminal cut at its width (fold_width): its lines come in
     * pieces of that width; the last lines before a rule (its header's
     * pieces), the rule's pieces, a row's pieces */
    pgm_strbuf recent[PGM_PSA_MAX_FOLD_PIECES];
    size_t n_recent, next_recent;
    pgm_strbuf rule;
    size_t rule_pieces, fold_width, last_piece_width;
    size_t fold;                     /* the result's lines are cut at this width (0: not cut) */
    pgm_strbuf unfold;               /* the row being put back together */
    uint64_t unfold_line;
    /* expanded */
    size_t name_width, record_width;
    int wrap_col;
    /* unaligned */
    pgm_strbuf joined;
    uint64_t joined_line;
    /* csv */
    pgm_csv_reader csv;
    /* json */
    pgm_strbuf json;
    uint64_t unparsed, first_unparsed;
    int64_t banner_t;                /* \watch's time line before the next result */
};

const char *pgm_psa_column_name(enum pgm_psa_col c)
{
    return c < PGM_PSA_NCOLS ? col_names[c] : "?";
}

const char *pgm_psa_value(const pgm_psa_snapshot *s, const pgm_psa_row *r, enum pgm_psa_col c)
{
    return r->off[c] == SIZE_MAX ? NULL : s->text.p + r->off[c];
}

int64_t pgm_psa_time(const pgm_psa_snapshot *s, const pgm_psa_row *r, enum pgm_psa_col c)
{
    const char *v = pgm_psa_value(s, r, c);
    pgm_ts_parse ts;
    if (!v || !pgm_ts_parse_at(v, strlen(v), &ts) || ts.zone == PGM_TS_ZONE_UNKNOWN)
        return PGM_TS_UNKNOWN;
    return ts.us;
}

static int col_of(const char *name, size_t n)
{
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\r'))
        n--;
    while (n && name[0] == ' ')
        name++, n--;
    if (n >= 2 && name[0] == '"' && name[n - 1] == '"')
        name++, n -= 2;
    for (int k = 0; k < PGM_PSA_NCOLS; k++)
        if (strlen(col_names[k]) == n && memcmp(col_names[k], name, n) == 0)
            return k;
    /* heroku pg:ps's names for the view's columns */
    static const struct {
        const char *alias;
        enum pgm_psa_col col;
    } aliases[] = {{"source", PGM_PSA_APPLICATION_NAME}, {"username", PGM_PSA_USENAME},
                   {"transaction_start", PGM_PSA_XACT_START}};
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        if (strlen(aliases[k].alias) == n && memcmp(aliases[k].alias, name, n) == 0)
            return (int)aliases[k].col;
    return -1;
}

static void unparsed(pgm_psa_reader *r, uint64_t lineno)
{
    if (!r->unparsed++)
        r->first_unparsed = lineno;
}

/* ------------------------------------------------------------- snapshots */

static void snapshot_reset(pgm_psa_reader *r)
{
    pgm_psa_snapshot *s = &r->snap;
    s->n_rows = 0;
    s->rows_dropped = s->values_cut = 0;
    s->t = PGM_TS_UNKNOWN;
    s->t_from_now = false;
    s->t_from_banner = false;
    s->first_line = s->last_line = 0;
    pgm_strbuf_reset(&s->text);
    memset(s->has, 0, sizeof s->has);
}

static void set_columns(pgm_psa_reader *r, const int *map, size_t n)
{
    r->ncols = n;
    memset(r->snap.has, 0, sizeof r->snap.has);
    for (size_t i = 0; i < n; i++) {
        r->map[i] = map[i];
        if (map[i] >= 0)
            r->snap.has[map[i]] = true;
    }
    for (size_t i = 0; i < n; i++) {
        pgm_strbuf_reset(&r->cell[i]);
        r->null[i] = false;
    }
    r->in_result = true;
    r->row_open = false;
}

/* The current row's cells into the snapshot. */
static void end_row(pgm_psa_reader *r)
{
    if (!r->row_open)
        return;
    r->row_open = false;
    pgm_psa_snapshot *s = &r->snap;
    if (s->n_rows == PGM_PSA_MAX_ROWS) {
        s->rows_dropped++;
    } else {
        pgm_psa_row *nr = pgm_grow(s->rows, &s->alloc, s->n_rows, sizeof *nr, 64);
        if (!nr) {
            s->rows_dropped++;
            goto clear;
        }
        s->rows = nr;
        pgm_psa_row *row = &s->rows[s->n_rows++];
        for (size_t c = 0; c < PGM_PSA_NCOLS; c++)
            row->off[c] = SIZE_MAX;
        row->line = r->row_line;
        if (!s->first_line)
            s->first_line = r->row_line;
        for (size_t i = 0; i < r->ncols; i++) {
            int c = r->map[i];
            const pgm_strbuf *v = &r->cell[i];
            bool is_null = r->null[i] || (r->null_text[0] && v->len == strlen(r->null_text) &&
                                          memcmp(v->p, r->null_text, v->len) == 0);
            if (c < 0 || is_null)
                continue;
            size_t off = s->text.len;
            if (pgm_strbuf_add(&s->text, v->p ? v->p : "", v->len) || pgm_strbuf_add(&s->text, "", 1)) {
                s->values_cut++; /* over PGM_PSA_MAX_TEXT: the value is left out */
                continue;
            }
            row->off[c] = off;
        }
    }
clear:
    for (size_t i = 0; i < r->ncols; i++) {
        pgm_strbuf_reset(&r->cell[i]);
        r->null[i] = false;
    }
}

static void start_row(pgm_psa_reader *r, uint64_t lineno)
{
    end_row(r);
    r->row_open = true;
    r->row_line = lineno;
    r->snap.last_line = lineno;
}

/* The result set is complete: its time, then the callback. */
static void end_result(pgm_psa_reader *r)
{
    end_row(r);
    pgm_psa_snapshot *s = &r->snap;
    if (r->in_result && (s->n_rows || s->rows_dropped)) {
        int64_t newest = PGM_TS_UNKNOWN;
        for (size_t i = 0; i < s->n_rows; i++) {
            int64_t now = pgm_psa_time(s, &s->rows[i], PGM_PSA_NOW);
            if (now != PGM_TS_UNKNOWN) {
                s->t = now;
                s->t_from_now = true;
                break;
            }
            static const enum pgm_psa_col times[] = {PGM_PSA_BACKEND_START, PGM_PSA_XACT_START,
                                                     PGM_PSA_QUERY_START, PGM_PSA_STATE_CHANGE};
            for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) {
                int64_t t = pgm_psa_time(s, &s->rows[i], times[k]);
                if (t != PGM_TS_UNKNOWN && (newest == PGM_TS_UNKNOWN || t > newest))
                    newest = t;
            }
        }
        if (!s->t_from_now && r->banner_t != PGM_TS_UNKNOWN) {
            s->t = r->banner_t;
            s->t_from_banner = true;
        } else if (!s->t_from_now) {
            s->t = newest;
        }
        if (r->cb)
            r->cb(r->ctx, s);
    }
    if (r->in_result)
        r->banner_t = PGM_TS_UNKNOWN; /* a banner stands above one result */
    r->in_result = false;
    snapshot_reset(r);
}

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int month_of(const char *p)
{
    for (int k = 0; k < 12; k++)
        if (memcmp(months + 3 * k, p, 3) == 0)
            return k + 1;
    return 0;
}

/* psql's \watch banner: "<%c time> (every 2s)", %c of the C locale
 * ("Fri Nov 27 00:17:35 2026") or of en_US ("Fri 27 Nov 2026 12:17:35 AM UTC"),
 * possibly after a title and a TAB. Zoneless times are read as UTC. */
static bool watch_banner(const char *line, size_t n, int64_t *t)
{
    const char *every = memmem(line, n, " (every ", 8);
    if (!every || line[n - 1] != ')')
        return false;
    const char *tab = memchr(line, '\t', (size_t)(every - line));
    const char *p = tab ? tab + 1 : line;
    size_t len = (size_t)(every - p);
    int y = 0, mon = 0, d = 0, hh = 0, mm = 0, ss = 0;
    char ampm[3] = "";
    char wd[4], mo[4];
    if (len >= 24 && sscanf(p, "%3s %3s %d %d:%d:%d %d", wd, mo, &d, &hh, &mm, &ss, &y) == 7) {
        mon = month_of(mo);
    } else if (len >= 24 && sscanf(p, "%3s %d %3s %d %d:%d:%d %2s", wd, &d, mo, &y, &hh, &mm, &ss, ampm) >= 7) {
        mon = month_of(mo);
        if (ampm[0] == 'P' && hh < 12)
            hh += 12;
        if (ampm[0] == 'A' && hh == 12)
            hh = 0;
    }
    if (!mon || y < 1970 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60)
        return false;
    *t = ((pgm_days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400) + hh * 3600 + mm * 60 + ss) * 1000000LL;
    return true;
}

static void add_cell(pgm_psa_reader *r, size_t i, const char *p, size_t n)
{
    if (i < r->ncols)
        pgm_strbuf_add(&r->cell[i], p, n);
}

static bool is_footer(const char *line, size_t n)
{
    /* "(21 rows)", "(1 row)"; indented with the table it ends */
    while (n && line[0] == ' ')
        line++, n--;
    return n >= 7 && line[0] == '(' && line[n - 1] == ')' && (memmem(line, n, " row", 4) != NULL);
}

static bool is_blank(const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

/* --------------------------------------------------------------- aligned */

/* Byte offset of display column `col` in `line` (one column per UTF-8
 * character; wide characters are taken as one), or n when the line is shorter. */
static size_t byte_at(const char *line, size_t n, size_t col)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)line[i] & 0xc0) == 0x80)
            continue;
        if (c == col)
            return i;
        c++;
    }
    return n;
}

static bool is_rule_row(const char *line, size_t n)
{
    bool dash = false;
    for (size_t i = 0; i < n; i++) {
        if (line[i] == '-')
            dash = true;
        else if (line[i] != '+' && line[i] != '\r')
            return false;
    }
    return dash;
}

static size_t indent_of(const char *line, size_t n)
{
    size_t i = 0;
    while (i < n && line[i] == ' ')
        i++;
    return i;
}

static void aligned_header(pgm_psa_reader *r, const char *rule, size_t n)
{
    int map[PGM_PSA_MAX_COLUMNS];
    size_t nc = 0;
    r->edge[0] = indent_of(rule, n); /* a table pasted indented (Markdown, a quote) */
    for (size_t i = 0; i < n; i++) {
        if (rule[i] != '+')
            continue;
        if (nc + 1 == PGM_PSA_MAX_COLUMNS) {
            r->columns_past = true;
            break;
        }
        r->edge[++nc] = i + 1;
    }
    nc++;
    r->edge[nc] = n + 1; /* the last cell runs to the right edge */
    const char *h = r->prev.p ? r->prev.p : "";
    size_t hn = r->prev.len;
    for (size_t k = 0; k < nc; k++) {
        size_t a = byte_at(h, hn, r->edge[k]), b = byte_at(h, hn, r->edge[k + 1] - 1);
        map[k] = col_of(h + a, b - a);
    }
    set_columns(r, map, nc);
    memset(r->wrap, 0, sizeof r->wrap);
    memset(r->dot, 0, sizeof r->dot);
}

/* Where cell k's right margin is: the column before its '|', or the
 * table's last column. psql writes a space there, '+' when the value goes on
 * in the next line (a newline in it), '.' when \pset format wrapped cut it. */
static size_t right_margin(const pgm_psa_reader *r, const char *line, size_t n, size_t k)
{
    return byte_at(line, n, (k + 1 < r->ncols ? r->edge[k + 1] : r->edge[r->ncols]) - 2);
}

static void aligned_row(pgm_psa_reader *r, const char *line, size_t n, uint64_t lineno)
{
    bool continues = false;
    for (size_t k = 0; k < r->ncols; k++) {
        size_t lm = byte_at(line, n, r->edge[k]);
        continues = continues || r->wrap[k] || (r->dot[k] && lm < n && line[lm] == '.');
    }
    if (!continues)
        start_row(r, lineno);
    r->snap.last_line = lineno;
    for (size_t k = 0; k < r->ncols; k++) {
        size_t a = byte_at(line, n, r->edge[k]);
        size_t b = k + 1 < r->ncols ? byte_at(line, n, r->edge[k + 1] - 1) : n;
        if (a > b)
            a = b;
        const char *p = line + a;
        size_t len = b - a;
        /* '.' in the left margin: the rest of the value the line above cut */
        bool goes_on = r->dot[k] && len && p[0] == '.';
        if (len && (p[0] == ' ' || goes_on))
            p++, len--;
        size_t rm = right_margin(r, line, n, k);
        bool cut = len && rm < n && line[rm] == '.' && (k + 1 < r->ncols ? rm + 1 < n && line[rm + 1] == '|' : rm + 1 == n) &&
                   p + len == line + rm + 1;
        if (cut)
            len--;
        /* the wrap mark sits where the padding before '|' (or the edge) is */
        bool marked = !cut && len && p[len - 1] == '+' &&
                      (k + 1 < r->ncols || byte_at(line, n, r->edge[k + 1] - 2) + 1 == n);
        if (marked)
            len--;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\r') && !cut)
            len--;
        if (r->wrap[k])
            add_cell(r, k, "\n", 1);
        if (len || r->wrap[k])
            add_cell(r, k, p, len);
        r->wrap[k] = marked;
        r->dot[k] = cut;
    }
}

/* pgcli's table: "+----+----+" borders, "| a | b |" lines, "|----+----|"
 * under the header; NULL shown as <null>. */
static bool pgcli_border(const char *line, size_t n)
{
    if (n < 3 || line[0] != '+' || line[n - 1] != '+')
        return false;
    for (size_t i = 0; i < n; i++)
        if (line[i] != '-' && line[i] != '+')
            return false;
    return true;
}

/* Display columns of a line (UTF-8 characters). */
static size_t width_of(const char *line, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)line[i] & 0xc0) != 0x80;
    return w;
}

/* The pieces of a row a terminal cut, read as the row. */
static void unfold_done(pgm_psa_reader *r)
{
    if (!r->unfold.len)
        return;
    aligned_row(r, r->unfold.p, r->unfold.len, r->unfold_line);
    pgm_strbuf_reset(&r->unfold);
}

static void remember_line(pgm_psa_reader *r, const char *line, size_t n)
{
    pgm_strbuf *b = &r->recent[r->next_recent];
    r->next_recent = (r->next_recent + 1) % PGM_PSA_MAX_FOLD_PIECES;
    if (r->n_recent < PGM_PSA_MAX_FOLD_PIECES)
        r->n_recent++;
    pgm_strbuf_reset(b);
    pgm_strbuf_add(b, line, n);
}

/* The rule (and its header) is whole: a rule of one piece takes the line
 * above as its header; one a terminal cut into m pieces, the m lines above
 * it put back together, and its rows are put back together too. */
static void rule_done(pgm_psa_reader *r, uint64_t lineno)
{
    size_t m = r->rule_pieces;
    r->rule_pieces = 0;
    end_result(r);
    r->fold = 0;
    if (m > 1) {
        if (m > r->n_recent) {
            unparsed(r, lineno); /* its header's pieces are more than PGM_PSA_MAX_FOLD_PIECES: not read */
            return;
        }
        pgm_strbuf_reset(&r->prev);
        for (size_t k = m; k > 0; k--) {
            const pgm_strbuf *b = &r->recent[(r->next_recent + PGM_PSA_MAX_FOLD_PIECES - k) % PGM_PSA_MAX_FOLD_PIECES];
            pgm_strbuf_add(&r->prev, b->p ? b->p : "", b->len);
        }
        r->fold = r->fold_width;
    }
    aligned_header(r, r->rule.p, r->rule.len);
    pgm_strbuf_reset(&r->unfold);
}

static void aligned_line(pgm_psa_reader *r, const char *line, size_t n, uint64_t lineno)
{
    size_t width = width_of(line, n);
    if (r->rule_pieces) {
        /* a terminal cut the rule at its width: its next piece */
        if (r->last_piece_width == r->fold_width && is_rule_row(line, n) && width <= r->fold_width) {
            pgm_strbuf_add(&r->rule, line, n);
            r->rule_pieces++;
            r->last_piece_width = width;
            return;
        }
        rule_done(r, lineno);
    }
    if (r->in_result && r->fold && !is_footer(line, n) && !(is_blank(line, n) && !r->unfold.len)) {
        /* a row cut at the terminal's width: its pieces, until one is shorter */
        if (!r->unfold.len)
            r->unfold_line = lineno;
        pgm_strbuf_add(&r->unfold, line, n);
        if (width != r->fold)
            unfold_done(r);
        return;
    }
    if (pgcli_border(line, n)) {
        end_result(r);
        pgm_strbuf_reset(&r->prev);
        if (!r->null_text[0])
            snprintf(r->null_text, sizeof r->null_text, "<null>");
        return;
    }
    if (n >= 2 && line[0] == '|' && line[n - 1] == '|')
        line++, n -= 2; /* pgcli's frame */
    size_t indent = indent_of(line, n);
    if (is_rule_row(line + indent, n - indent) && r->prev.len) {
        /* the header waits for the line below: a terminal may have cut the rule */
        end_result(r);
        pgm_strbuf_reset(&r->rule);
        pgm_strbuf_add(&r->rule, line, n);
        r->rule_pieces = 1;
        r->fold_width = r->last_piece_width = width;
        return;
    }
    if (r->in_result) {
        if (is_footer(line, n) || is_blank(line, n)) {
            unfold_done(r); /* a row whose last piece filled the width */
            end_result(r);
        } else {
            aligned_row(r, line, n, lineno);
            return;
        }
    } else if (watch_banner(line, n, &r->banner_t)) {
        return;
    } else if (n > 20 && memcmp(line, "Null display is \"", 17) == 0) {
        const char *q = memchr(line + 17, '"', n - 17);
        if (q)
            snprintf(r->null_text, sizeof r->null_text, "%.*s", (int)(q - line - 17), line + 17);
    }
    /* a candidate header for a rule row on the next line */
    pgm_strbuf_reset(&r->prev);
    pgm_strbuf_add(&r->prev, line, n);
    remember_line(r, line, n);
}

/* -------------------------------------------------------------- expanded */

static void expanded_line(pgm_psa_reader *r, const char *line, size_t n, uint64_t lineno)
{
    if (n > 12 && memcmp(line, "-[ RECORD ", 10) == 0) {
        if (!r->in_result) {
            int none[1] = {-1};
            set_columns(r, none, 0);
        }
        start_row(r, lineno);
        const char *plus = memchr(line, '+', n);
        r->name_width = plus ? (size_t)(plus - line) : 0;
        r->record_width = n;
        r->wrap_col = -1;
        return;
    }
    if (!r->in_result) {
        if (watch_banner(line, n, &r->banner_t))
            return;
        /* psql -x -t writes no banner: a record starts at its first "name | value" */
        const char *bar = memchr(line, '|', n);
        size_t name = bar ? (size_t)(bar - line) : 0;
        while (name && line[name - 1] == ' ')
            name--;
        if (!bar || col_of(line, name) < 0)
            return;
        int none[1] = {-1};
        set_columns(r, none, 0);
        start_row(r, lineno);
        r->name_width = (size_t)(bar - line);
        r->record_width = SIZE_MAX; /* no banner to measure: no wrap marks in the first record */
        r->wrap_col = -1;
    }
    if (is_blank(line, n) || is_footer(line, n)) {
        end_result(r);
        return;
    }
    if (is_rule_row(line, n) && memchr(line, '+', n)) { /* psql -x -t: the line between records */
        start_row(r, lineno);
        r->name_width = (size_t)((const char *)memchr(line, '+', n) - line);
        r->record_width = n;
        r->wrap_col = -1;
        return;
    }
    size_t bar = byte_at(line, n, r->name_width);
    if (bar >= n || line[bar] != '|') {
        unparsed(r, lineno);
        return;
    }
    const char *v = line + bar + (bar + 1 < n && line[bar + 1] == ' ' ? 2 : 1);
    size_t vn = (size_t)(line + n - v);
    bool marked = vn && v[vn - 1] == '+' && n >= r->record_width;
    if (marked)
        vn--;
    r->snap.last_line = lineno;
    if (r->wrap_col >= 0 && is_blank(line, bar)) {
        add_cell(r, (size_t)r->wrap_col, "\n", 1);
        add_cell(r, (size_t)r->wrap_col, v, vn);
        r->wrap_col = marked ? r->wrap_col : -1;
        return;
    }
    int c = col_of(line, bar);
    /* the columns of an expanded dump are learnt from its first record */
    size_t k = 0;
    while (k < r->ncols && r->map[k] != c)
        k++;
    if (k == r->ncols) {
        if (r->ncols == PGM_PSA_MAX_COLUMNS) {
            r->columns_past = true;
            return;
        }
        r->map[r->ncols] = c;
        if (c >= 0)
            r->snap.has[c] = true;
        pgm_strbuf_reset(&r->cell[r->ncols]);
        r->null[r->ncols] = false;
        r->ncols++;
    }
    pgm_strbuf_reset(&r->cell[k]);
    add_cell(r, k, v, vn);
    r->null[k] = vn == 0;
    r->wrap_col = marked ? (int)k : -1;
}

/* ------------------------------------------------- unaligned and COPY text */

static size_t count_char(const char *p, size_t n, char ch)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == ch;
    return k;
}

/* Columns of a header line, or 0 when it is not one. */
static size_t header_of(const char *line, size_t n, char sep, int *map, bool *past)
{
    size_t nc = 0, known = 0;
    for (const char *p = line, *e = line + n; p <= e;) {
        if (nc == PGM_PSA_MAX_COLUMNS) {
            *past = true; /* the columns after are not read */
            break;
        }
        const char *q = memchr(p, sep, (size_t)(e - p));
        const char *end = q ? q : e;
        map[nc] = col_of(p, (size_t)(end - p));
        known += map[nc] >= 0;
        nc++;
        if (!q)
            break;
        p = q + 1;
    }
    return known >= 2 && known * 2 >= nc ? nc : 0;
}

/* The view's columns for a row of `fields` fields without a header. */
static bool default_columns(pgm_psa_reader *r, size_t fields)
{
    int map[PGM_PSA_NCOLS];
    if (fields == 22 || fields == 23) {
        for (int k = 0; k < (int)fields; k++)
            map[k] = k;
    } else if (fields == 21) {
        memcpy(map, cols_13, sizeof cols_13);
    } else if (fields == 20) {
        memcpy(map, cols_12, sizeof cols_12);
    } else {
        return false;
    }
    set_columns(r, map, fields);
    return true;
}

/* COPY text: \N is NULL, backslash escapes. */
static void copy_cell(pgm_psa_reader *r, size_t k, const char *p, size_t n)
{
    if (n == 2 && p[0] == '\\' && p[1] == 'N') {
        r->null[k] = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '\\' && i + 1 < n) {
            char e = p[++i];
            c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
        }
        add_cell(r, k, &c, 1);
    }
}

static void split_row(pgm_psa_reader *r, const char *line, size_t n, char sep, uint64_t lineno)
{
    start_row(r, lineno);
    size_t fields = count_char(line, n, sep) + 1;
    /* unaligned: '|' inside a value gives extra fields; they are the query's */
    int query_k = -1;
    for (size_t k = 0; k < r->ncols; k++)
        if (r->map[k] == PGM_PSA_QUERY)
            query_k = (int)k;
    size_t extra = fields > r->ncols ? fields - r->ncols : 0;
    if (extra && (sep != '|' || query_k < 0)) {
        r->row_open = false;
        unparsed(r, lineno);
        return;
    }
    size_t k = 0;
    for (const char *p = line, *e = line + n; k < r->ncols;) {
        const char *q = memchr(p, sep, (size_t)(e - p));
        const char *end = q ? q : e;
        if ((int)k == query_k && extra) {
            for (size_t x = 0; x < extra && end < e; x++) {
                const char *q2 = memchr(end + 1, sep, (size_t)(e - end - 1));
                end = q2 ? q2 : e;
            }
            extra = 0;
        }
        if (sep == '\t')
            copy_cell(r, k, p, (size_t)(end - p));
        else
            add_cell(r, k, p, (size_t)(end - p));
        k++;
        if (end >= e)
            break;
        p = end + 1;
    }
}

static void fielded_line(pgm_psa_reader *r, const char *line, size_t n, uint64_t lineno, char sep)
{
    if (!r->in_result || !r->joined.len) {
        if (is_footer(line, n) || is_blank(line, n)) {
            end_result(r);
            return;
        }
    }
    if (!r->in_result && watch_banner(line, n, &r->banner_t))
        return;
    if (!r->in_result) {
        int map[PGM_PSA_MAX_COLUMNS];
        bool past = false;
        size_t nc = header_of(line, n, sep, map, &past);
        r->columns_past |= nc && past;
        if (nc) {
            set_columns(r, map, nc);
            return;
        }
        if (!default_columns(r, count_char(line, n, sep) + 1)) {
            unparsed(r, lineno);
            return;
        }
    }
    if (sep == '\t') {
        split_row(r, line, n, sep, lineno);
        return;
    }
    /* unaligned: a value with raw newlines spans lines; join until the row
     * has all its separators */
    if (!r->joined.len)
        r->joined_line = lineno;
    else
        pgm_strbuf_add(&r->joined, "\n", 1);
    pgm_strbuf_add(&r->joined, line, n);
    if (count_char(r->joined.p, r->joined.len, sep) + 1 < r->ncols)
        return;
    split_row(r, r->joined.p, r->joined.len, sep, r->joined_line);
    r->snap.last_line = lineno;
    pgm_strbuf_reset(&r->joined);
}

/* ------------------------------------------------------------------- csv */

static void csv_line(pgm_psa_reader *r, const char *line, size_t n, uint64_t lineno)
{
    const pgm_csv_record *rec;
    int k = pgm_csv_feed(&r->csv, line, n, lineno, &rec);
    if (k < 0)
        unparsed(r, lineno);
    if (k != 1)
        return;
    if (!r->in_result) {
        int map[PGM_PSA_MAX_COLUMNS];
        size_t nc = rec->n_fields < PGM_PSA_MAX_COLUMNS ? rec->n_fields : PGM_PSA_MAX_COLUMNS;
        bool past = rec->n_fields > PGM_PSA_MAX_COLUMNS;
        size_t known = 0;
        for (size_t i = 0; i < nc; i++) {
            map[i] = col_of(pgm_csv_field_text(rec, i), rec->fields[i].len);
            known += map[i] >= 0;
        }
        /* a header whose known columns stand past the cap is still one (said) */
        for (size_t i = nc; i < rec->n_fields; i++)
            known += col_of(pgm_csv_field_text(rec, i), rec->fields[i].len) >= 0;
        if (known >= 2) {
            r->columns_past |= past;
            set_columns(r, map, nc);
            return;
        }
        if (!default_columns(r, rec->n_fields)) {
            unparsed(r, lineno);
            return;
        }
    }
    start_row(r, rec->first_line);
    r->snap.last_line = rec->last_line;
    for (size_t i = 0; i < rec->n_fields && i < r->ncols; i++) {
        add_cell(r, i, pgm_csv_field_text(rec, i), rec->fields[i].len);
        r->null[i] = !rec->fields[i].quoted && rec->fields[i].len == 0;
    }
}

/* ------------------------------------------------------------------ json */

static void json_finish(pgm_psa_reader *r)
{
    const char *s = r->json.p ? r->json.p : "";
    size_t n = r->json.len;
    pgm_jsonflat j;
    pgm_jsonflat_init(&j);
    int none[1] = {-1};
    set_columns(r, none, 0);
    uint64_t line = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            line++;
        if (s[i] != '{')
            continue;
        /* the object's end: braces outside strings */
        size_t depth = 0, k = i;
        bool in_str = false;
        for (; k < n; k++) {
            char c = s[k];
            if (in_str) {
                if (c == '\\')
                    k++;
                else if (c == '"')
                    in_str = false;
            } else if (c == '"') {
                in_str = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                break;
            }
        }
        char err[64];
        if (k >= n || !pgm_jsonflat_parse(&j, s + i, k - i + 1, err, sizeof err)) {
            unparsed(r, line);
            i = k;
            continue;
        }
        start_row(r, line);
        for (size_t p = 0; p < j.n; p++) {
            const char *key = j.buf.p + j.pairs[p].key;
            int c = col_of(key, j.pairs[p].key_len);
            if (c < 0)
                continue;
            size_t slot = 0;
            while (slot < r->ncols && r->map[slot] != c)
                slot++;
            if (slot == r->ncols) {
                if (r->ncols == PGM_PSA_MAX_COLUMNS)
                    continue;
                r->map[r->ncols] = c;
                r->snap.has[c] = true;
                pgm_strbuf_reset(&r->cell[r->ncols]);
                r->ncols++;
            }
            r->null[slot] = j.pairs[p].type == PGM_JT_NULL;
            if (!r->null[slot])
                add_cell(r, slot, j.buf.p + j.pairs[p].val, j.pairs[p].val_len);
        }
        for (size_t q = i; q <= k; q++)
            line += s[q] == '\n';
        i = k;
    }
    pgm_jsonflat_free(&j);
    end_result(r);
}

/* ------------------------------------------------------------------ public */

int pgm_psa_open(pgm_psa_reader **out, const char *format, pgm_psa_cb cb, void *ctx,
                 char err[PGM_ERR_MAX])
{
    static const struct {
        const char *name;
        enum fmt fmt;
    } formats[] = {{"aligned", F_ALIGNED},     {"expanded", F_EXPANDED}, {"unaligned", F_UNALIGNED},
                   {"csv", F_CSV},             {"copy_text", F_COPY_TEXT}, {"tsv", F_COPY_TEXT},
                   {"json", F_JSON}};
    size_t k = 0;
    while (k < sizeof formats / sizeof formats[0] && strcmp(formats[k].name, format) != 0)
        k++;
    if (k == sizeof formats / sizeof formats[0]) {
        snprintf(err, PGM_ERR_MAX, "'%s' is not a pg_stat_activity dump form", format);
        return PGM_FAILED;
    }
    pgm_psa_reader *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, PGM_ERR_MAX, "out of memory");
        return PGM_FATAL;
    }
    r->fmt = formats[k].fmt;
    r->cb = cb;
    r->ctx = ctx;
    pgm_strbuf_init(&r->snap.text, PGM_PSA_MAX_TEXT);
    for (size_t i = 0; i < PGM_PSA_MAX_COLUMNS; i++)
        pgm_strbuf_init(&r->cell[i], PGM_PSA_MAX_TEXT);
    pgm_strbuf_init(&r->prev, PGM_PSA_MAX_TEXT);
    for (size_t i = 0; i < PGM_PSA_MAX_FOLD_PIECES; i++)
        pgm_strbuf_init(&r->recent[i], PGM_PSA_MAX_TEXT);
    pgm_strbuf_init(&r->rule, PGM_PSA_MAX_TEXT);
    pgm_strbuf_init(&r->unfold, PGM_PSA_MAX_TEXT);
    pgm_strbuf_init(&r->joined, PGM_PSA_MAX_TEXT);
    pgm_strbuf_init(&r->json, PGM_PSA_MAX_TEXT);
    pgm_csv_init(&r->csv);
    r->banner_t = PGM_TS_UNKNOWN;
    snapshot_reset(r);
    *out = r;
    return PGM_OK;
}

void pgm_psa_feed(pgm_psa_reader *r, const char *line, size_t n, uint64_t lineno)
{
    if (n && line[n - 1] == '\r' && r->fmt != F_CSV)
        n--;
    switch (r->fmt) {
    case F_ALIGNED: aligned_line(r, line, n, lineno); break;
    case F_EXPANDED: expanded_line(r, line, n, lineno); break;
    case F_UNALIGNED: fielded_line(r, line, n, lineno, '|'); break;
    case F_COPY_TEXT: fielded_line(r, line, n, lineno, '\t'); break;
    case F_CSV: csv_line(r, line, n, lineno); break;
    case F_JSON:
        if (pgm_strbuf_add(&r->json, line, n) || pgm_strbuf_add(&r->json, "\n", 1))
            unparsed(r, lineno);
        break;
    }
}

void pgm_psa_finish(pgm_psa_reader *r)
{
    if (r->fmt == F_JSON) {
        json_finish(r);
        return;
    }
    if (r->fmt == F_CSV) {
        const pgm_csv_record *rec;
        (void)rec;
        if (pgm_csv_finish(&r->csv, &rec) == 1)
            unparsed(r, rec->first_line);
    }
    if (r->joined.len) {
        unparsed(r, r->joined_line);
        pgm_strbuf_reset(&r->joined);
    }
    if (r->rule_pieces)
        rule_done(r, 0);
    unfold_done(r); /* the last row's pieces */
    end_result(r);
}

static bool ident_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* `p` begins with `stem` (lower case), whatever the case of p's letters. */
static bool starts_ci(const char *p, const char *stem)
{
    for (; *stem; p++, stem++)
        if (ascii_lower(*p) != *stem)
            return false;
    return true;
}

const char *pgm_psa_stats_view(const char *query, char *out, size_t cap)
{
    /* PostgreSQL's cumulative statistics views (monitoring-stats.html) and pg_locks */
    static const char *const stems[] = {"pg_stat_", "pg_statio_", "pg_locks"};
    if (!query || !cap)
        return NULL;
    for (const char *p = query; *p; p++) {
        if (p != query && ident_char((unsigned char)p[-1]))
            continue;
        for (size_t k = 0; k < sizeof stems / sizeof stems[0]; k++) {
            if (!starts_ci(p, stems[k]))
                continue;
            size_t n = strlen(stems[k]);
            size_t len = n;
            while (ident_char((unsigned char)p[len]))
                len++;
            if (len >= cap)
                len = cap - 1;
            for (size_t i = 0; i < len; i++)
                out[i] = ascii_lower(p[i]);
            out[len] = '\0';
            return out;
        }
    }
    return NULL;
}

bool pgm_psa_columns_past(const pgm_psa_reader *r)
{
    return r->columns_past;
}

uint64_t pgm_psa_unparsed(const pgm_psa_reader *r, uint64_t *first_line)
{
    if (first_line)
        *first_line = r->first_unparsed;
    return r->unparsed;
}

void pgm_psa_close(pgm_psa_reader *r)
{
    if (!r)
        return;
    free(r->snap.rows);
    pgm_strbuf_free(&r->snap.text);
    for (size_t i = 0; i < PGM_PSA_MAX_COLUMNS; i++)
        pgm_strbuf_free(&r->cell[i]);
    pgm_strbuf_free(&r->prev);
    for (size_t i = 0; i < PGM_PSA_MAX_FOLD_PIECES; i++)
        pgm_strbuf_free(&r->recent[i]);
    pgm_strbuf_free(&r->rule);
    pgm_strbuf_free(&r->unfold);
    pgm_strbuf_free(&r->joined);
    pgm_strbuf_free(&r->json);
    pgm_csv_free(&r->csv);
    free(r);
}
