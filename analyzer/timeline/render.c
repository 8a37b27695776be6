#include "timeline/render.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "text/timestamp.h"
#include "util/json.h"

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

static bool is_number(const char *s)
{
    if (!*s)
        return false;
    if (*s == '-')
        s++;
    if (!*s || (*s == '0' && s[1]))
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static int json_str(pgm_strbuf *o, const char *s)
{
    if (!s)
        return pgm_strbuf_add(o, "null", 4);
    if (pgm_strbuf_add(o, "\"", 1) || pgm_json_escape_buf(o, s, strlen(s)))
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
        if (json_key(o, e->fields[i].name) || json_str(o, e->fields[i].value))
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

/* The value of common field i: from its slot when the event has the common
 * fields first (the classifiers' events), else by name. */
static const char *common_value(const pgm_event *e, size_t i)
{
    if (e->n_fields >= N_COMMON && e->fields[i].name == pgm_event_common_names[i])
        return e->fields[i].value;
    return pgm_event_field(e, pgm_event_common_names[i]);
}

static int add_u64(pgm_strbuf *o, uint64_t v)
{
    char rev[24];
    size_t n = 0;
    do
        rev[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    char out[24];
    for (size_t k = 0; k < n; k++)
        out[k] = rev[n - 1 - k];
    return pgm_strbuf_add(o, out, n);
}

static int render_jsonl(pgm_strbuf *o, const pgm_event *e)
{
    if (pgm_strbuf_add(o, "{\"t\":", 5) || iso_time(o, e->t, true) ||
        json_key(o, "kind") || json_str(o, e->kind) || json_key(o, "path") || json_str(o, e->path) ||
        pgm_strbuf_add(o, ",\"line\":", 8) || add_u64(o, e->line))
        return -1;
    for (size_t i = 0; i < N_COMMON; i++) {
        const char *v = common_value(e, i);
        if (json_key(o, pgm_event_common_names[i]))
            return -1;
        if (v && strcmp(pgm_event_common_names[i], "pid") == 0 && is_number(v)) {
            if (pgm_strbuf_addstr(o, v))
                return -1;
        } else if (json_str(o, v)) {
            return -1;
        }
    }
    return json_fields(o, e) || pgm_strbuf_add(o, "}\n", 2);
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
        const char *v = common_value(e, i);
        if (pgm_strbuf_add(o, ",", 1) || (v && csv_cell(o, v, strlen(v))))
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
