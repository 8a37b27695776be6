#define _GNU_SOURCE /* qsort_r */
#include "report/quotes.h"

#include <stdlib.h>
#include <string.h>

#include "bundle/bundle.h"
#include "forensics/analysis_impl.h"
#include "util/grow.h"
#include "text/lines.h"
#include "util/display.h"
#include "util/rc.h"
#include "util/redact.h"
#include "util/strbuf.h"

void pgm_quotes_init(pgm_quotes *q) { memset(q, 0, sizeof *q); }

void pgm_quotes_free(pgm_quotes *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->v[i].before);
        free(q->v[i].text);
        free(q->v[i].after);
    }
    free(q->v);
    memset(q, 0, sizeof *q);
}

static int cmp_quote(const void *x, const void *y)
{
    const pgm_quote *a = x, *b = y;
    if (a->input != b->input)
        return a->input < b->input ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

const pgm_quote *pgm_quotes_find(const pgm_quotes *q, size_t input, uint64_t line)
{
    pgm_quote key = {input, line, NULL, NULL, NULL};
    return q && q->n ? bsearch(&key, q->v, q->n, sizeof *q->v, cmp_quote) : NULL;
}

static void want(pgm_quotes *q, size_t input, uint64_t line)
{
    for (size_t i = 0; i < q->n; i++) /* a report cites a few hundred lines: a scan will do */
        if (q->v[i].input == input && q->v[i].line == line)
            return;
    if (q->n == PGM_QUOTES_MAX) {
        q->over++;
        return;
    }
    pgm_quote *v = pgm_grow(q->v, &q->alloc, q->n, sizeof *v, 64);
    if (!v) {
        q->oom = true;
        return;
    }
    q->v = v;
    q->v[q->n++] = (pgm_quote){input, line, NULL, NULL, NULL};
}

static bool digit(char c) { return c >= '0' && c <= '9'; }

static bool word_char(char c) { return digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }

size_t pgm_quotes_parse_cite(const char *s, size_t len, size_t *input, uint64_t *line)
{
    if (len < 4 || s[0] != 'E' || !digit(s[1]))
        return 0;
    size_t k = 1;
    uint64_t id = 0, n = 0;
    for (; k < len && digit(s[k]); k++)
        if ((id = id * 10 + (uint64_t)(s[k] - '0')) > 1000000)
            return 0;
    if (k + 1 >= len || s[k] != ':' || !digit(s[k + 1]))
        return 0;
    for (k++; k < len && digit(s[k]); k++)
        if ((n = n * 10 + (uint64_t)(s[k] - '0')) > (1ULL << 60))
            return 0;
    if (!id || !n)
        return 0;
    *input = (size_t)id;
    *line = n;
    return k;
}

void pgm_quotes_want_text(pgm_quotes *q, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        size_t input;
        uint64_t line;
        size_t used = i && word_char(text[i - 1]) ? 0 : pgm_quotes_parse_cite(text + i, len - i, &input, &line);
        if (used) {
            want(q, input, line);
            i += used - 1;
        }
    }
}

typedef struct quote_walk {
    pgm_quotes *q;
    const pgm_analysis *a;
    bool keep_secrets;
    pgm_strbuf redacted;
    void (*on_progress)(void *ctx, uint64_t bytes);
    void *progress_ctx;
} quote_walk;

static void progress(void *ctx, uint64_t bytes)
{
    const quote_walk *w = ctx;
    w->on_progress(w->progress_ctx, bytes);
}

/* A line as a quote shows it: redacted, escaped for display (control bytes,
 * NULs and what is not UTF-8 as \xNN), cut past PGM_QUOTE_LINE_MAX. */
static char *quoted(quote_walk *w, const char *line, size_t len)
{
    pgm_strbuf_reset(&w->redacted);
    if (!w->keep_secrets && pgm_redact(line, len, &w->redacted)) {
        line = w->redacted.p;
        len = w->redacted.len;
    }
    char raw[4 * PGM_QUOTE_LINE_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < len && i < PGM_QUOTE_LINE_MAX; i++) {
        if (line[i]) {
            raw[n++] = line[i];
        } else { /* a NUL would end the text: written as the display writes control bytes */
            memcpy(raw + n, "\\x00", 4);
            n += 4;
        }
    }
    raw[n] = '\0';
    static const char ellipsis[] = "\u2026";
    char shown[4 * sizeof raw + sizeof ellipsis];
    size_t out_len = 0;
    /* tabs kept as they are (a configuration file's columns), every other control byte escaped */
    for (char *piece = raw, *tab;; piece = tab + 1) {
        tab = strchr(piece, '\t');
        if (tab)
            *tab = '\0';
        pgm_display_copy(shown + out_len, sizeof shown - sizeof ellipsis - out_len - 1, piece);
        out_len += strlen(shown + out_len);
        if (!tab || out_len + 2 >= sizeof shown - sizeof ellipsis)
            break;
        shown[out_len++] = '\t';
        shown[out_len] = '\0';
    }
    if (len > PGM_QUOTE_LINE_MAX) {
        memcpy(shown + out_len, ellipsis, sizeof ellipsis);
        out_len += sizeof ellipsis - 1;
    }
    char *out = malloc(out_len + 1);
    if (out)
        memcpy(out, shown, out_len + 1);
    else
        w->q->oom = true;
    return out;
}

/* Whether an input of the report is this file of the walk: named as the
 * walk names it, a journal's stream with "#unit" after its file's name. */
static bool same_file(const char *input, const char *file)
{
    size_t len = strlen(file);
    return strncmp(input, file, len) == 0 && (input[len] == '\0' || input[len] == '#');
}

static int by_line(const void *x, const void *y, void *ctx)
{
    const pgm_quote *v = ctx;
    uint64_t a = v[*(const size_t *)x].line, b = v[*(const size_t *)y].line;
    return (a > b) - (a < b);
}

static int on_file(void *ctx, const pgm_file_info *info, pgm_source *content)
{
    quote_walk *w = ctx;
    pgm_quotes *q = w->q;
    /* the quotes of this file, by line: every input of its name (a journal's streams share it) */
    size_t n_mine = 0;
    for (size_t i = 0; i < q->n; i++)
        n_mine += same_file(w->a->inputs[q->v[i].input - 1].path, info->display_path);
    if (!n_mine)
        return PGM_OK;
    size_t *mine = malloc(n_mine * sizeof *mine);
    pgm_line_reader r;
    if (!mine || pgm_lines_init(&r, content, PGM_QUOTE_LINE_MAX * 4) != PGM_OK) {
        free(mine);
        q->oom = true;
        return PGM_FATAL;
    }
    n_mine = 0;
    for (size_t i = 0; i < q->n; i++)
        if (same_file(w->a->inputs[q->v[i].input - 1].path, info->display_path))
            mine[n_mine++] = i;
    qsort_r(mine, n_mine, sizeof *mine, by_line, q->v);
    uint64_t last = q->v[mine[n_mine - 1]].line + 1;
    const char *line;
    size_t len, next = 0;
    /* each line read once, handed to the quotes it is the line before, of or after */
    while (r.lineno < last && pgm_lines_next(&r, &line, &len) == 1) {
        while (next < n_mine && q->v[mine[next]].line + 1 < r.lineno)
            next++;
        for (size_t k = next; k < n_mine && q->v[mine[k]].line <= r.lineno + 1; k++) {
            pgm_quote *x = &q->v[mine[k]];
            char **slot = x->line == r.lineno + 1 ? &x->before : x->line == r.lineno ? &x->text : &x->after;
            if (!*slot)
                *slot = quoted(w, line, len);
        }
    }
    pgm_lines_free(&r);
    free(mine);
    return q->oom ? PGM_FATAL : PGM_OK;
}

static void on_quiet(void *ctx, const char *path, const char *reason)
{
    (void)ctx, (void)path, (void)reason; /* the analysis said these already */
}

int pgm_quotes_read(pgm_quotes *q, const pgm_analysis *a, const char *const *inputs, size_t n_inputs,
                    const pgm_bundle_limits *limits, bool keep_secrets,
                    void (*on_progress)(void *ctx, uint64_t bytes), void *progress_ctx)
{
    if (q->oom)
        return PGM_FATAL;
    /* citations of ids past the inputs cite nothing: unquoted */
    size_t k = 0;
    for (size_t i = 0; i < q->n; i++)
        if (q->v[i].input <= a->n_inputs)
            q->v[k++] = q->v[i];
        else
            q->unread++;
    q->n = k;
    if (!q->n)
        return PGM_OK;
    qsort(q->v, q->n, sizeof *q->v, cmp_quote);
    quote_walk w = {q, a, keep_secrets, {0}, NULL, NULL};
    pgm_strbuf_init(&w.redacted, PGM_QUOTE_LINE_MAX * 8);
    pgm_bundle_visitor v = {on_file, on_quiet, on_quiet, NULL, &w, false, false};
    w.on_progress = on_progress;
    w.progress_ctx = progress_ctx;
    if (on_progress)
        v.on_progress = progress;
    pgm_bundle_stats stats;
    int rc = n_inputs ? pgm_bundle_walk(inputs, n_inputs, limits, &v, &stats) : PGM_OK;
    pgm_strbuf_free(&w.redacted);
    for (size_t i = 0; i < q->n; i++)
        q->unread += !q->v[i].text;
    if (q->oom || rc == PGM_FATAL)
        return PGM_FATAL;
    return q->unread ? PGM_WARN : PGM_OK;
}
