#include "pglog/detect.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Defaults of the platforms and of the tools' documentation (pgBadger's
 * README, the cloud providers' parameter pages). */
static const struct {
    const char *spec, *origin;
} known[] = {
    {"%m [%p] %q%u@%d ", "Debian/Ubuntu default"},
    {"%m [%p] ", "upstream default (PostgreSQL 10+)"},
    {"%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", "pgBadger recommended"},
    {"%t [%p]: user=%u,db=%d,app=%a,client=%h ", "pgBadger recommended (no %l)"},
    {"%t:%r:%u@%d:[%p]:", "Amazon RDS / Aurora"},
    {"%m [%p]: [%l-1] db=%d,user=%u ", "Google Cloud SQL"},
    {"[%p]: [%l-1] db=%d,user=%u ", "Google Cloud SQL (2019-2020)"},
    {"%t-%c-", "Azure Flexible Server"},
    {"%t [%p] ", "timestamp and pid"},
    {"%m [%p] %u@%d ", "timestamp, pid, user@db"},
    {"%m [%p] %q[user=%u,db=%d,app=%a] ", "bracketed session fields"},
    {"", "no prefix (before PostgreSQL 10)"},
};

#define MAX_CANDIDATES \
    ((sizeof known / sizeof known[0] + PGM_DETECT_MAX_INFERRED) * (1 + PGM_DETECT_MAX_Q_VARIANTS))

typedef struct candidate {
    char spec[PGM_INFER_SPEC_MAX];
    const char *origin;
    size_t seen;   /* lines whose printing gave this spec */
    size_t parsed;
    bool known;
    size_t rank;   /* known: its place in the table (the more common first) */
    bool stock;    /* a platform's default, or it with %q placed elsewhere */
    bool refined;
} candidate;

double pgm_prefix_guess_coverage(const pgm_prefix_guess *g)
{
    return g->primary_lines ? 100.0 * (double)g->parsed / (double)g->primary_lines : 100.0;
}

static bool has_byte(pgm_slice s, const char *set)
{
    for (size_t i = 0; i < s.n; i++)
        if (strchr(set, s.p[i]))
            return true;
    return false;
}

static bool is_text(pgm_slice s, const char *text)
{
    return s.n == strlen(text) && memcmp(s.p, text, s.n) == 0;
}

/* A user or database name as a prefix prints it: one token. When the
 * messages named users and databases, a value that is only ever another
 * kind of name is in the wrong field. */
static bool name_fits(pgm_slice s, unsigned self, const pgm_infer_names *names)
{
    if (s.n == 0 || is_text(s, "[unknown]"))
        return true;
    if (has_byte(s, " ,=@[]\"()\t"))
        return false;
    unsigned kind = pgm_infer_name_kind(names, s.p, s.n);
    if (kind == 0 && (pgm_infer_is_command_tag(s.p, s.n) || pgm_infer_is_backend_type(s.p, s.n)))
        return false; /* "idle", "authentication", "checkpointer": no name the messages gave */
    return kind == 0 || (kind & self);
}

static bool host_fits(pgm_slice s, bool with_port)
{
    if (s.n == 0 || is_text(s, "[local]"))
        return true;
    size_t n = s.n;
    if (with_port && n && s.p[n - 1] == ')') {
        const char *open = memchr(s.p, '(', n);
        if (!open)
            return false;
        n = (size_t)(open - s.p);
    }
    for (size_t i = 0; i < n; i++) {
        char c = s.p[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
              c == ':' || c == '-' || c == '_' || c == '%'))
            return false;
    }
    return n > 0;
}

/* Every value the prefix gave is of its field's shape: a spec that puts
 * "psql,host=10.0.0.5" into the application or "db 10.0.0.5" into the
 * database explains nothing. */
static bool fields_fit(const pgm_prefix_fields *f, const pgm_infer_names *names)
{
    if (!name_fits(f->user, 1u, names) || !name_fits(f->db, 2u, names))
        return false;
    /* no server process has pid 0 or 1: such a number is a line number or an xid */
    if (f->pid == 0 || f->pid == 1)
        return false;
    /* %l counts from 1 */
    if (f->line_num.n == 1 && f->line_num.p[0] == '0')
        return false;
    if (f->app.n && !is_text(f->app, "[unknown]")) {
        /* an application may be called as its user is: only its text is checked */
        if (has_byte(f->app, "=@\t"))
            return false;
        /* spaces at an edge are a width's padding (%-12a) read as the name */
        if (f->app.p[0] == ' ' || f->app.p[f->app.n - 1] == ' ')
            return false;
        /* "idle", "SELECT": a command tag, and "client backend", "checkpointer":
         * a backend type (%b), unless the messages named such an application.
         * "walreceiver" is a standby's own application name when it has no
         * cluster_name (walreceiver.c, WalReceiverMain). */
        bool backend_type = pgm_infer_is_backend_type(f->app.p, f->app.n) && !is_text(f->app, "walreceiver");
        if ((pgm_infer_is_command_tag(f->app.p, f->app.n) || backend_type) &&
            !(pgm_infer_name_kind(names, f->app.p, f->app.n) & 4u))
            return false;
    }
    /* %r prints host(port), or [local] */
    if (f->remote.n && f->remote.p[f->remote.n - 1] != ')' && !is_text(f->remote, "[local]"))
        return false;
    if (!host_fits(f->remote, true) || (f->remote.n == 0 && !host_fits(f->host, false)))
        return false;
    if (has_byte(f->backend_type, "[]=@:,\"()0123456789") || has_byte(f->command_tag, "[]=@:,\""))
        return false;
    /* "SELECT" is no backend type, "client backend" no command tag
     * ("startup" is both: the startup process, a session starting) */
    if (f->backend_type.n && pgm_infer_is_command_tag(f->backend_type.p, f->backend_type.n) &&
        !pgm_infer_is_backend_type(f->backend_type.p, f->backend_type.n))
        return false;
    if (f->command_tag.n && pgm_infer_is_backend_type(f->command_tag.p, f->command_tag.n) &&
        !pgm_infer_is_command_tag(f->command_tag.p, f->command_tag.n))
        return false;
    return true;
}

/* A line of the sample that holds a severity: what prefixes are tried on. */
typedef struct server_line {
    const char *p;
    size_t n;
    size_t sev;  /* where an English severity starts (pglog/infer.h), SIZE_MAX: none */
} server_line;

/* The lines of the first PGM_DETECT_MAX_LINES of text that start a message
 * (no TAB continuation) and hold a severity of any language: a line with
 * none is no server output and no prefix is tried on it. Returns how many. */
/* The next line of [*at, end) without its end of line; *at moves past it. */
static const char *next_line(const char **at, const char *end, size_t *len)
{
    const char *line = *at, *nl = memchr(line, '\n', (size_t)(end - line));
    *len = nl ? (size_t)(nl - line) : (size_t)(end - line);
    *at = nl ? nl + 1 : end;
    if (*len && line[*len - 1] == '\r')
        (*len)--;
    return line;
}

static size_t server_lines(const char *text, size_t n, server_line out[PGM_DETECT_MAX_LINES])
{
    size_t count = 0;
    const char *at = text, *end = text + n;
    for (size_t lines = 0; lines < PGM_DETECT_MAX_LINES && at < end; lines++) {
        size_t len;
        const char *line = next_line(&at, end, &len);
        if (!len || line[0] == '\t' || !pgm_infer_has_severity(line, len))
            continue;
        server_line *l = &out[count++];
        *l = (server_line){line, len, SIZE_MAX};
        size_t sev;
        if (pgm_infer_severity(line, len, &sev))
            l->sev = sev;
    }
    return count;
}

/* How many of the lines `spec` parses with every value of its field's shape. */
static size_t score_lines(const char *spec, const server_line *lines, size_t count, const pgm_infer_names *names)
{
    pgm_prefix *p;
    char err[PGM_ERR_MAX];
    if (pgm_prefix_compile(spec, &p, err) != PGM_OK)
        return 0;
    size_t parsed = 0;
    for (size_t i = 0; i < count; i++) {
        pgm_prefix_fields f;
        parsed += pgm_prefix_parse(p, lines[i].p, lines[i].n, &f) && fields_fit(&f, names) ? 1 : 0;
    }
    pgm_prefix_free(p);
    return parsed;
}

void pgm_prefix_score(const char *spec, const char *text, size_t n, const pgm_infer_names *names,
                      size_t *tried, size_t *parsed)
{
    server_line *lines = malloc(PGM_DETECT_MAX_LINES * sizeof *lines);
    *tried = *parsed = 0;
    if (!lines)
        return;
    *tried = server_lines(text, n, lines);
    *parsed = score_lines(spec, lines, *tried, names);
    free(lines);
}

static candidate *add_candidate(candidate *c, size_t *nc, const char *spec, const char *origin, bool is_known,
                                size_t rank)
{
    for (size_t i = 0; i < *nc; i++)
        if (strcmp(c[i].spec, spec) == 0) {
            c[i].seen++;
            if (is_known && !c[i].known) {
                c[i].origin = origin;
                c[i].rank = rank;
            }
            c[i].known |= is_known;
            return &c[i];
        }
    if (*nc == MAX_CANDIDATES)
        return NULL;
    candidate *k = &c[(*nc)++];
    snprintf(k->spec, sizeof k->spec, "%s", spec);
    k->origin = origin;
    k->seen = 1;
    k->parsed = 0;
    k->known = k->stock = is_known;
    k->rank = rank;
    k->refined = false;
    return k;
}

/* Where the letters of a spec's escapes stand, padding skipped, "%%" and
 * %q left out. Returns how many (at most `max`). */
static size_t escape_letters(const char *spec, size_t at[], size_t max)
{
    size_t k = 0;
    for (size_t i = 0; spec[i] && k < max; i++) {
        if (spec[i] != '%' || !spec[i + 1])
            continue;
        size_t j = i + 1;
        if (spec[j] == '%') {
            i = j; /* a literal percent sign */
            continue;
        }
        while (spec[j] == '-' || (spec[j] >= '0' && spec[j] <= '9'))
            j++;
        if (!spec[j])
            break;
        if (spec[j] != 'q')
            at[k++] = j;
        i = j;
    }
    return k;
}

/* The escapes of a spec in order, %q left out: two specs that differ
 * only there read the same fields. */
static size_t escapes_of(const char *spec, char out[PGM_INFER_SPEC_MAX])
{
    size_t at[PGM_INFER_SPEC_MAX / 2];
    size_t k = escape_letters(spec, at, sizeof at / sizeof at[0]);
    for (size_t i = 0; i < k; i++) {
        char e = spec[at[i]];
        /* the same time read the same way; counters no event keeps */
        out[i] = e == 't' ? 'm' : (e == 'x' || e == 'Q') ? 'l' : e;
    }
    out[k] = '\0';
    return k;
}

static bool has_q(const char *spec)
{
    return strstr(spec, "%q") != NULL;
}

/* a before b: more lines read; then %q (background processes' lines stop
 * there, seen or not); then a platform's default; then more fields; then
 * the shorter. */
static bool better(const candidate *a, const candidate *b)
{
    if (a->parsed != b->parsed)
        return a->parsed > b->parsed;
    if (has_q(a->spec) != has_q(b->spec))
        return has_q(a->spec);
    if (a->known != b->known)
        return a->known;
    if (a->known && a->rank != b->rank)
        return a->rank < b->rank;
    char ea[PGM_INFER_SPEC_MAX], eb[PGM_INFER_SPEC_MAX];
    size_t na = escapes_of(a->spec, ea), nb = escapes_of(b->spec, eb);
    if (na != nb)
        return na > nb;
    if (a->seen != b->seen)
        return a->seen > b->seen;
    return strlen(a->spec) < strlen(b->spec);
}

static int by_seen(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    return a->seen < b->seen ? 1 : a->seen > b->seen ? -1 : strcmp(a->spec, b->spec);
}

/* Escapes that parse the same shape of text and that one line alone cannot
 * tell apart: numbers (a pid, a line number, an xid, a SQLSTATE of digits),
 * names, times, hosts. */
static const char *const alike[] = {"plxeQ", "udaib", "mts", "hr"};

static const char *group_of(char e)
{
    for (size_t g = 0; g < sizeof alike / sizeof alike[0]; g++)
        if (strchr(alike[g], e))
            return alike[g];
    return NULL;
}

/* The spec uses escape e already (each escape once). */
static bool spec_uses(const char *spec, const size_t *at, size_t k, char e)
{
    for (size_t i = 0; i < k; i++)
        if (spec[at[i]] == e)
            return true;
    return false;
}

/* One printing of the prefix may lack the line that would tell (a SQLSTATE
 * with a letter, an application name learnt later): two escapes of a group
 * are tried the other way round ('%l - %p' read as '%p - %l'), then each
 * escape as the others of its group; a change is kept when more lines
 * parse, or as many with the pid found (events keep it). */
static void refine(candidate *best, const server_line *lines, size_t count, const pgm_infer_names *names)
{
    for (int round = 0; round < 6; round++) {
        size_t at[PGM_INFER_SPEC_MAX / 2];
        size_t k = escape_letters(best->spec, at, sizeof at / sizeof at[0]);
        bool improved = false;
        for (size_t i = 0; i < k && !improved; i++)
            for (size_t j = i + 1; j < k && !improved; j++) {
                char a = best->spec[at[i]], b = best->spec[at[j]];
                if (a == b || !group_of(a) || group_of(a) != group_of(b))
                    continue;
                candidate c = *best;
                c.spec[at[i]] = b;
                c.spec[at[j]] = a;
                c.parsed = score_lines(c.spec, lines, count, names);
                if (c.parsed > best->parsed) {
                    *best = c;
                    improved = true;
                }
            }
        for (size_t i = 0; i < k && !improved; i++) {
            char e = best->spec[at[i]];
            for (const char *alt = group_of(e); alt && *alt; alt++) {
                if (*alt == best->spec[at[i]] || spec_uses(best->spec, at, k, *alt))
                    continue;
                bool pid_found = *alt == 'p' && !spec_uses(best->spec, at, k, 'p');
                candidate c = *best;
                c.spec[at[i]] = *alt;
                c.parsed = score_lines(c.spec, lines, count, names);
                if (c.parsed > best->parsed || (c.parsed == best->parsed && pid_found)) {
                    *best = c;
                    improved = true;
                }
            }
        }
        if (!improved) {
            /* a spec a swap made right may read the lines of processes
             * without a session too once %q stands where they stop */
            char v[PGM_DETECT_MAX_Q_VARIANTS][PGM_INFER_SPEC_MAX];
            size_t nv = pgm_infer_q_variants(best->spec, v, PGM_DETECT_MAX_Q_VARIANTS);
            for (size_t q = 0; q < nv; q++) {
                candidate c = *best;
                snprintf(c.spec, sizeof c.spec, "%s", v[q]);
                c.parsed = score_lines(c.spec, lines, count, names);
                if (c.parsed > best->parsed) {
                    *best = c;
                    improved = true;
                }
            }
        }
        if (!improved)
            break;
    }
}

/* Every spec the lines suggest, the platforms' defaults, and each with
 * %q where processes without a session stop; `all` holds MAX_CANDIDATES. */
static size_t candidates(const server_line *lines, size_t count, const pgm_infer_names *names,
                         candidate *inferred, candidate *all)
{
    size_t n_inferred = 0, nc = 0;
    for (size_t i = 0; i < count; i++) {
        char spec[PGM_INFER_SPEC_MAX];
        if (lines[i].sev != SIZE_MAX && pgm_infer_spec(lines[i].p, lines[i].sev, names, spec))
            add_candidate(inferred, &n_inferred, spec, "read from the lines", false, SIZE_MAX);
    }
    qsort(inferred, n_inferred, sizeof *inferred, by_seen);
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        add_candidate(all, &nc, known[k].spec, known[k].origin, true, k);
    for (size_t k = 0; k < n_inferred && k < PGM_DETECT_MAX_INFERRED; k++) {
        candidate *c = add_candidate(all, &nc, inferred[k].spec, inferred[k].origin, false, SIZE_MAX);
        if (c)
            c->seen = inferred[k].seen;
    }
    size_t bases = nc;
    for (size_t k = 0; k < bases; k++) {
        char variants[PGM_DETECT_MAX_Q_VARIANTS][PGM_INFER_SPEC_MAX];
        size_t nv = pgm_infer_q_variants(all[k].spec, variants, PGM_DETECT_MAX_Q_VARIANTS);
        for (size_t v = 0; v < nv; v++) {
            /* the best place is a platform's own when the base is one */
            candidate *c = add_candidate(all, &nc, variants[v], all[k].origin, all[k].known && v == 0, all[k].rank);
            if (c) {
                c->seen = c->seen > all[k].seen ? c->seen : all[k].seen;
                c->stock |= all[k].stock;
            }
        }
    }
    return nc;
}

/* Is the name escape at spec[at] bare: no label before it ("user=%u",
 * user="%u"), no '@' on either side ("%u@%d")? Which name such a word is,
 * only what the messages said tells (pgm_infer_learn). */
static bool bare_name(const char *spec, const size_t *at, size_t k, size_t i)
{
    char e = spec[at[i]];
    if (e != 'u' && e != 'd' && e != 'a')
        return false;
    size_t pct = at[i];
    while (pct > 0 && spec[pct] != '%')
        pct--;
    while (pct > 0 && (spec[pct - 1] == '"' || spec[pct - 1] == '\''))
        pct--; /* user="%u" */
    char before = pct > 0 ? spec[pct - 1] : ' ', after = spec[at[i] + 1];
    if (before == ':' && pct >= 2) {
        /* "user:%u" is a label, "%d:%u" a separator after an escape */
        bool escape_before = false;
        for (size_t j = 0; j < k; j++)
            escape_before |= at[j] == pct - 2;
        if (escape_before)
            before = ' ';
    }
    return before != '=' && before != '@' && before != ':' && after != '@';
}

static bool same(pgm_slice a, pgm_slice b)
{
    return a.n == b.n && (!a.n || memcmp(a.p, b.p, a.n) == 0);
}

/* Does `b` put another user, database or application than `a` into some
 * line's fields (the same word in both, postgres@postgres, is no doubt)? */
static bool reads_other_names(const char *a, const char *b, const server_line *lines, size_t count)
{
    pgm_prefix *pa, *pb;
    char err[PGM_ERR_MAX];
    if (pgm_prefix_compile(a, &pa, err) != PGM_OK)
        return false;
    if (pgm_prefix_compile(b, &pb, err) != PGM_OK) {
        pgm_prefix_free(pa);
        return false;
    }
    bool other = false;
    for (size_t i = 0; i < count && !other; i++) {
        pgm_prefix_fields fa, fb;
        if (pgm_prefix_parse(pa, lines[i].p, lines[i].n, &fa) && pgm_prefix_parse(pb, lines[i].p, lines[i].n, &fb))
            other = !same(fa.user, fb.user) || !same(fa.db, fb.db) || !same(fa.app, fb.app);
    }
    pgm_prefix_free(pa);
    pgm_prefix_free(pb);
    return other;
}

/* Two bare names swapped (%u %a as %a %u), or one read as another (%u as
 * %d), read the lines as well when the messages named neither: the spec is
 * then a guess, and the swap its rival. */
static void name_rival(const char *spec, size_t parsed, const server_line *lines, size_t count,
                       const pgm_infer_names *names, char rival[PGM_INFER_SPEC_MAX])
{
    size_t at[PGM_INFER_SPEC_MAX / 2];
    size_t k = escape_letters(spec, at, sizeof at / sizeof at[0]);
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++) {
            if (!bare_name(spec, at, k, i) || !bare_name(spec, at, k, j) || spec[at[i]] == spec[at[j]])
                continue;
            char swapped[PGM_INFER_SPEC_MAX];
            snprintf(swapped, sizeof swapped, "%s", spec);
            swapped[at[i]] = spec[at[j]];
            swapped[at[j]] = spec[at[i]];
            if (score_lines(swapped, lines, count, names) == parsed && reads_other_names(spec, swapped, lines, count)) {
                snprintf(rival, PGM_INFER_SPEC_MAX, "%s", swapped);
                return;
            }
        }
    /* with no name stated at all, one bare name read as another the spec
     * does not have (%d as %u) */
    for (size_t i = 0; i < k && !names; i++) {
        if (!bare_name(spec, at, k, i))
            continue;
        for (const char *o = "uda"; *o; o++) {
            if (spec_uses(spec, at, k, *o))
                continue;
            char other[PGM_INFER_SPEC_MAX];
            snprintf(other, sizeof other, "%s", spec);
            other[at[i]] = *o;
            if (score_lines(other, lines, count, names) == parsed && reads_other_names(spec, other, lines, count)) {
                snprintf(rival, PGM_INFER_SPEC_MAX, "%s", other);
                return;
            }
        }
    }
}

static bool names_learnt(const pgm_infer_names *names)
{
    return names->n_user || names->n_db || names->n_app;
}

static pgm_slice name_field(const pgm_prefix_fields *f, char e)
{
    return e == 'u' ? f->user : e == 'd' ? f->db : f->app;
}

/* With no name stated by any message, the inference took bare words for
 * names (user, database, application in that order). A word that is the
 * same on every line and stands on lines whose other names are empty (a
 * process without a session) is the prefix's own text ("- PG-%e"): it goes
 * back into the spec as written. The names left are a guess, and their
 * swap its rival. */
static void silent_names(pgm_prefix_guess *out, size_t parsed, const server_line *lines, size_t count)
{
    pgm_prefix *p;
    char err[PGM_ERR_MAX];
    if (pgm_prefix_compile(out->spec, &p, err) != PGM_OK)
        return;
    size_t at[PGM_INFER_SPEC_MAX / 2];
    size_t k = escape_letters(out->spec, at, sizeof at / sizeof at[0]);
    char spec[PGM_INFER_SPEC_MAX];
    snprintf(spec, sizeof spec, "%s", out->spec);
    for (size_t e = k; e-- > 0;) { /* last first: earlier places stay where they are */
        if (!bare_name(out->spec, at, k, e))
            continue;
        char esc = out->spec[at[e]];
        pgm_slice first = {NULL, 0};
        bool constant = true, alone = false;
        for (size_t i = 0; i < count && constant; i++) {
            pgm_prefix_fields f;
            if (!pgm_prefix_parse(p, lines[i].p, lines[i].n, &f))
                continue;
            pgm_slice v = name_field(&f, esc);
            if (!v.n)
                continue;
            if (!first.n)
                first = v;
            constant = same(first, v);
            bool others_empty = true;
            for (const char *o = "uda"; *o; o++)
                if (*o != esc && name_field(&f, *o).n)
                    others_empty = false;
            alone |= others_empty && !f.host.n && !f.remote.n;
        }
        size_t pct = at[e];
        while (pct > 0 && spec[pct] != '%')
            pct--;
        char lit[PGM_INFER_SPEC_MAX];
        if (!constant || !alone || !first.n || memchr(first.p, '%', first.n) ||
            (size_t)snprintf(lit, sizeof lit, "%.*s%.*s%s", (int)pct, spec, (int)first.n, first.p,
                             spec + at[e] + 1) >= sizeof lit)
            continue;
        snprintf(spec, sizeof spec, "%s", lit);
    }
    pgm_prefix_free(p);
    size_t with_text = strcmp(spec, out->spec) != 0 ? score_lines(spec, lines, count, NULL) : 0;
    if (with_text >= parsed && with_text) {
        snprintf(out->spec, sizeof out->spec, "%s", spec);
        out->parsed = with_text;
    }
    name_rival(out->spec, out->parsed, lines, count, NULL, out->rival);
}

bool pgm_prefix_detect_bare(const char *text, size_t n, pgm_prefix_guess *out)
{
    memset(out, 0, sizeof *out);
    server_line *lines = malloc(PGM_DETECT_MAX_LINES * sizeof *lines);
    if (!lines)
        return false;
    /* every line that starts a record: there is no severity to look for */
    size_t count = 0;
    const char *at = text, *end = text + n;
    for (size_t k = 0; k < PGM_DETECT_MAX_LINES && at < end; k++) {
        size_t len;
        const char *line = next_line(&at, end, &len);
        if (len && line[0] != '\t')
            lines[count++] = (server_line){line, len, SIZE_MAX};
    }
    size_t best = SIZE_MAX, best_parsed = 0, best_bytes = 0;
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        pgm_prefix *p;
        char err[PGM_ERR_MAX];
        if (!known[k].spec[0] || pgm_prefix_compile(known[k].spec, &p, err) != PGM_OK)
            continue; /* no prefix: every line would be read so */
        size_t parsed = 0, bytes = 0;
        for (size_t i = 0; i < count; i++) {
            pgm_prefix_fields f;
            if (pgm_prefix_parse_bare(p, lines[i].p, lines[i].n, &f) && fields_fit(&f, NULL)) {
                parsed++;
                bytes += (size_t)(f.message.p - lines[i].p);
            }
        }
        pgm_prefix_free(p);
        /* the most lines; among equals the longest prefix, as a shorter
         * spec reads the start of a longer one's lines too */
        if (parsed > best_parsed || (parsed == best_parsed && parsed && bytes > best_bytes)) {
            best = k;
            best_parsed = parsed;
            best_bytes = bytes;
        }
    }
    free(lines);
    out->primary_lines = count;
    out->parsed = best_parsed;
    if (best == SIZE_MAX || 100.0 * (double)best_parsed < PGM_PREFIX_BARE_MIN_COVERAGE * (double)count)
        return false;
    snprintf(out->spec, sizeof out->spec, "%s", known[best].spec);
    snprintf(out->origin, sizeof out->origin, "%s, the severity given apart", known[best].origin);
    return true;
}

void pgm_prefix_detect(const char *text, size_t n, pgm_prefix_guess *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->spec, sizeof out->spec, "%s", known[0].spec);
    snprintf(out->origin, sizeof out->origin, "%s", known[0].origin);
    candidate *inferred = calloc(MAX_CANDIDATES, sizeof *inferred);
    candidate *all = calloc(MAX_CANDIDATES, sizeof *all);
    pgm_infer_names *names = calloc(1, sizeof *names);
    server_line *lines = malloc(PGM_DETECT_MAX_LINES * sizeof *lines);
    if (!inferred || !all || !names || !lines)
        goto out; /* the Debian default, scored as nothing parsed: the reader warns */
    size_t count = server_lines(text, n, lines);
    out->primary_lines = count;
    /* the names the messages state ("connection authorized: user=..."), then the candidates */
    for (size_t i = 0; i < count; i++) {
        if (lines[i].sev == SIZE_MAX)
            continue;
        /* the message: after "SEVERITY:" and its spaces (the colon is there: pgm_infer_severity) */
        const char *line = lines[i].p, *colon = memchr(line + lines[i].sev, ':', lines[i].n - lines[i].sev);
        size_t m = (size_t)(colon - line) + 1;
        while (m < lines[i].n && line[m] == ' ')
            m++;
        pgm_infer_learn(names, line + m, lines[i].n - m);
    }
    size_t nc = candidates(lines, count, names, inferred, all);
    for (size_t k = 0; k < nc; k++)
        all[k].parsed = score_lines(all[k].spec, lines, count, names);
    /* the specs read off the lines that read most, refined where they do not read all */
    for (size_t r = 0; r < PGM_DETECT_REFINED; r++) {
        size_t top = SIZE_MAX;
        for (size_t k = 0; k < nc; k++)
            if (!all[k].stock && !all[k].refined && (top == SIZE_MAX || better(&all[k], &all[top])))
                top = k;
        if (top == SIZE_MAX)
            break;
        all[top].refined = true;
        if (all[top].parsed < count)
            refine(&all[top], lines, count, names);
    }
    size_t best = 0;
    for (size_t k = 1; k < nc; k++)
        if (better(&all[k], &all[best]))
            best = k;
    snprintf(out->spec, sizeof out->spec, "%s", all[best].spec);
    snprintf(out->origin, sizeof out->origin, "%s", all[best].origin);
    out->parsed = all[best].parsed;
    /* a rival: as many lines, as many fields, other fields */
    char eb[PGM_INFER_SPEC_MAX], ek[PGM_INFER_SPEC_MAX];
    size_t nb = escapes_of(all[best].spec, eb);
    for (size_t k = 0; k < nc && all[best].parsed; k++)
        if (k != best && all[k].parsed == all[best].parsed && escapes_of(all[k].spec, ek) == nb &&
            strcmp(ek, eb) != 0) {
            snprintf(out->rival, sizeof out->rival, "%s", all[k].spec);
            break;
        }
    if (!out->rival[0] && all[best].parsed) {
        if (names_learnt(names))
            name_rival(all[best].spec, all[best].parsed, lines, count, names, out->rival);
        else
            silent_names(out, all[best].parsed, lines, count);
    }
out:
    free(inferred);
    free(all);
    free(names);
    free(lines);
}
