#include "timeline/render.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text/timestamp.h"
#include "util/bytes.h"
#include "util/decimal.h"
#include "util/json.h"
#include "util/within.h"

/* The keys every event has, in CONTRACTS.md order after t, kind, path, line. */

#define N_COMMON PGM_EVENT_COMMON_FIELDS

const char pgm_timeline_csv_header[] = "t,kind,path,line,pid,user,db,app,client,level,sqlstate,msg,fields\n";

/* The classifiers' events: the common fields first, by these very names. */
static bool common_first(const pgm_event *e)
{
    return e->n_fields >= N_COMMON && e->fields[0].name == pgm_event_common_names[0] &&
           e->fields[N_COMMON - 1].name == pgm_event_common_names[N_COMMON - 1];
}

static bool is_common(const pgm_event *e, size_t i)
{
    if (common_first(e))
        return i < N_COMMON;
    for (size_t k = 0; k < N_COMMON; k++)
        if (strcmp(pgm_event_common_names[k], e->fields[i].name) == 0)
            return true;
    return false;
}

/* A JSON number as the pid's text: digits, no leading zero (values may be
 * borrowed, not NUL-terminated: the length bounds every read here). */
static bool is_number(const char *s, size_t n)
{
    size_t i = n && s[0] == '-' ? 1 : 0;
    if (i == n || (s[i] == '0' && n - i > 1))
        return false;
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int json_str(pgm_strbuf *o, const char *s, size_t n)
{
    if (!s)
        return pgm_strbuf_add(o, "null", 4);
    if (pgm_strbuf_add(o, "\"", 1) || pgm_json_escape_buf(o, s, n))
        return -1;
    return pgm_strbuf_add(o, "\"", 1);
}

static int json_key(pgm_strbuf *o, const char *k)
{
    if (pgm_strbuf_add(o, ",\"", 2) || pgm_strbuf_addstr(o, k))
        return -1;
    return pgm_strbuf_add(o, "\":", 2);
}

/* The kind's own fields as JSON members (leading commas). */
static int json_fields(pgm_strbuf *o, const pgm_event *e)
{
    for (size_t i = 0; i < e->n_fields; i++) {
        if (is_common(e, i))
            continue;
        if (json_key(o, e->fields[i].name) || json_str(o, e->fields[i].value, pgm_field_len(&e->fields[i])))
            return -1;
    }
    return 0;
}

static int iso_time(pgm_strbuf *o, int64_t t, bool quoted)
{
    if (t == PGM_TS_UNKNOWN)
        return quoted ? pgm_strbuf_add(o, "null", 4) : 0;
    char iso[PGM_TS_ISO_LEN];
    pgm_ts_format_iso(t, iso);
    if (!quoted)
        return pgm_strbuf_addstr(o, iso);
    return pgm_strbuf_add(o, "\"", 1) || pgm_strbuf_addstr(o, iso) || pgm_strbuf_add(o, "\"", 1);
}

/* Common field i: its slot when the event has the common fields first (the
 * classifiers' events), else found by name; NULL when absent or null. */
static inline const pgm_field *common_field(const pgm_event *e, size_t i)
{
    if (e->n_fields >= N_COMMON && e->fields[i].name == pgm_event_common_names[i])
        return e->fields[i].value ? &e->fields[i] : NULL;
    for (size_t k = 0; k < e->n_fields; k++)
        if (strcmp(e->fields[k].name, pgm_event_common_names[i]) == 0)
            return e->fields[k].value ? &e->fields[k] : NULL;
    return NULL;
}

static int add_u64(pgm_strbuf *o, uint64_t v)
{
    char digits[PGM_U64_DIGITS];
    return pgm_strbuf_add(o, digits, pgm_format_u64(digits, v));
}

/* ---------------------------------------------------------- JSON Lines
 * One pass that sizes the line, takes the room once and writes into it: a
 * large log's timeline is mostly this function. */

#define PUT_LITERAL(w, lit) (memcpy((w), (lit), sizeof(lit) - 1), (w) + sizeof(lit) - 1)

static char *put_key(char *w, const char *name, size_t n)
{
    *w++ = ',';
    *w++ = '"';
    memcpy(w, name, n);
    w += n;
    *w++ = '"';
    *w++ = ':';
    return w;
}

static char *put_string(char *w, const char *s, size_t n)
{
    *w++ = '"';
    w = pgm_json_escape_to(w, s, n);
    *w++ = '"';
    return w;
}

/* Consecutive events mostly share their second: its text is kept per thread. */
static _Thread_local int64_t iso_second = INT64_MIN;
static _Thread_local char iso_text[PGM_TS_ISO_LEN];
static _Thread_local bool iso_zeros; /* a year out of range: all zeros, milliseconds too */

static char *put_time(char *w, int64_t t)
{
    if (t == PGM_TS_UNKNOWN)
        return PUT_LITERAL(w, "null");
    int64_t sec = t / 1000000, rem = t % 1000000;
    if (rem < 0) {
        rem += 1000000;
        sec--;
    }
    if (sec != iso_second) {
        pgm_ts_format_iso(sec * 1000000, iso_text);
        iso_second = sec;
        iso_zeros = memcmp(iso_text, "0000-00-00", 10) == 0;
    }
    unsigned ms = iso_zeros ? 0u : (unsigned)(rem / 1000);
    *w++ = '"';
    memcpy(w, iso_text, 20); /* "2026-11-27T00:18:03." */
    w += 20;
    *w++ = (char)('0' + ms / 100);
    *w++ = (char)('0' + ms / 10 % 10);
    *w++ = (char)('0' + ms % 10);
    *w++ = 'Z';
    *w++ = '"';
    return w;
}

static char *put_u64(char *w, uint64_t v)
{
    return w + pgm_format_u64(w, v);
}

/* Paths up to this long (escaped) are kept as JSON between events. */
#define PGM_PATH_JSON_CACHE 1024u

/* Per member beyond its name and value: ,"": and the quotes. */
#define MEMBER_OVERHEAD 8u
/* {"t":"...","line":N and }\n */
#define LINE_OVERHEAD (16u + PGM_TS_ISO_LEN + 24u)
/* The common members' keys, each copied as one block of this many bytes. */
#define KEY_BLOCK 16u
static const struct {
    char text[KEY_BLOCK];
    size_t len;
} common_keys[N_COMMON] = {
    {",\"pid\":", 7},    {",\"user\":", 8},  {",\"db\":", 6},     {",\"app\":", 7},
    {",\"client\":", 10}, {",\"level\":", 9}, {",\"sqlstate\":", 12}, {",\"msg\":", 7},
};

/* The input's path as a JSON string, kept per thread: every event of an
 * input carries the same one. Checked by its bytes, not its address. */
static _Thread_local char path_json[PGM_PATH_JSON_CACHE];
static _Thread_local size_t path_json_len, path_raw_len;
static _Thread_local char path_raw[PGM_PATH_JSON_CACHE];

static char *put_path(char *w, const char *path, size_t n)
{
    if (n == path_raw_len && pgm_same_bytes(path, path_raw, n)) {
        memcpy(w, path_json, path_json_len);
        return w + path_json_len;
    }
    char *start = w;
    w = put_string(w, path, n);
    if (PGM_JSON_ESCAPED_MAX(n) + 2 <= sizeof path_json) {
        memcpy(path_raw, path, n);
        path_raw_len = n;
        path_json_len = (size_t)(w - start);
        memcpy(path_json, start, path_json_len);
    }
    return w;
}

static int render_jsonl(pgm_strbuf *o, const pgm_event *e)
{
    bool cf = common_first(e);
    const char *cv[N_COMMON];
    size_t cl[N_COMMON], vl[PGM_EVENT_MAX_FIELDS], nl[PGM_EVENT_MAX_FIELDS];
    size_t kind_len = strlen(e->kind), path_len = strlen(e->path);
    size_t need = LINE_OVERHEAD + 2 * MEMBER_OVERHEAD + 8 + PGM_JSON_ESCAPED_MAX(kind_len + path_len);
    for (size_t i = 0; i < N_COMMON; i++) {
        const pgm_field *f = common_field(e, i);
        cv[i] = f ? f->value : NULL;
        cl[i] = f ? pgm_field_len(f) : 0;
        need += KEY_BLOCK + 2 + PGM_JSON_ESCAPED_MAX(cl[i]);
    }
    size_t first_extra = cf ? N_COMMON : 0;
    for (size_t i = first_extra; i < e->n_fields; i++) {
        if (!cf && is_common(e, i))
            continue;
        vl[i] = pgm_field_len(&e->fields[i]);
        nl[i] = strlen(e->fields[i].name);
        need += MEMBER_OVERHEAD + nl[i] + PGM_JSON_ESCAPED_MAX(vl[i]);
    }
    char *w0 = pgm_strbuf_room(o, need), *w = w0;
    if (!w)
        return -1;
    w = PUT_LITERAL(w, "{\"t\":");
    w = put_time(w, e->t);
    w = PUT_LITERAL(w, ",\"kind\":");
    w = put_string(w, e->kind, kind_len);
    w = PUT_LITERAL(w, ",\"path\":");
    w = put_path(w, e->path, path_len);
    w = PUT_LITERAL(w, ",\"line\":");
    w = put_u64(w, e->line);
    /* the message as JSON is its very bytes when nothing in it needed an
     * escape (its length unchanged: every escape is longer than its byte):
     * then a value lying inside it (a statement the rule took out of it) is
     * those bytes too, copied without being looked at again */
    const char *plain_msg = NULL;
    for (size_t i = 0; i < N_COMMON; i++) {
        memcpy(w, common_keys[i].text, KEY_BLOCK); /* the room holds the block's tail */
        w += common_keys[i].len;
        if (!cv[i]) {
            w = PUT_LITERAL(w, "null");
        } else if (i == 0 && is_number(cv[i], cl[i])) { /* pid */
            memcpy(w, cv[i], cl[i]), w += cl[i];
        } else {
            char *at = w;
            w = put_string(w, cv[i], cl[i]);
            if (i == N_COMMON - 1 && (size_t)(w - at) == cl[i] + 2) /* msg */
                plain_msg = cv[i];
        }
    }
    size_t msg_len = cl[N_COMMON - 1];
    for (size_t i = first_extra; i < e->n_fields; i++) {
        if (!cf && is_common(e, i))
            continue;
        w = put_key(w, e->fields[i].name, nl[i]);
        const char *v = e->fields[i].value;
        if (!v) {
            w = PUT_LITERAL(w, "null");
        } else if (plain_msg && pgm_within(v, vl[i], plain_msg, msg_len)) {
            *w++ = '"';
            memcpy(w, v, vl[i]);
            w += vl[i];
            *w++ = '"';
        } else {
            w = put_string(w, v, vl[i]);
        }
    }
    w = PUT_LITERAL(w, "}\n");
    pgm_strbuf_commit(o, (size_t)(w - w0));
    return 0;
}

static int csv_cell(pgm_strbuf *o, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote)
        return pgm_strbuf_add(o, s, n);
    if (pgm_strbuf_add(o, "\"", 1))
        return -1;
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') {
            if (pgm_strbuf_add(o, s + start, i + 1 - start) || pgm_strbuf_add(o, "\"", 1))
                return -1;
            start = i + 1;
        }
    return pgm_strbuf_add(o, s + start, n - start) || pgm_strbuf_add(o, "\"", 1);
}

static int render_csv(pgm_strbuf *o, pgm_strbuf *scratch, const pgm_event *e)
{
    if (iso_time(o, e->t, false) || pgm_strbuf_add(o, ",", 1) ||
        csv_cell(o, e->kind, strlen(e->kind)) || pgm_strbuf_add(o, ",", 1) ||
        csv_cell(o, e->path, strlen(e->path)) || pgm_strbuf_add(o, ",", 1) || add_u64(o, e->line))
        return -1;
    for (size_t i = 0; i < N_COMMON; i++) {
        const pgm_field *f = common_field(e, i);
        if (pgm_strbuf_add(o, ",", 1) || (f && csv_cell(o, f->value, pgm_field_len(f))))
            return -1;
    }
    pgm_strbuf_reset(scratch);
    if (json_fields(scratch, e))
        return -1;
    if (pgm_strbuf_add(o, ",", 1))
        return -1;
    if (scratch->len) {
        scratch->p[0] = '{'; /* the first member's leading comma */
        if (pgm_strbuf_add(scratch, "}", 1) || csv_cell(o, scratch->p, scratch->len))
            return -1;
    }
    return pgm_strbuf_add(o, "\n", 1);
}

int pgm_render_event(pgm_strbuf *out, const pgm_event *e, enum pgm_timeline_format f)
{
    if (f == PGM_TIMELINE_JSONL)
        return render_jsonl(out, e);
    pgm_strbuf scratch;
    pgm_strbuf_init(&scratch, out->cap);
    int rc = render_csv(out, &scratch, e);
    pgm_strbuf_free(&scratch);
    return rc;
}
