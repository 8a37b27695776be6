#include "pglog/detect.h"

#include <string.h>

/* Defaults of the platforms, from postgresql-log-formats.md (d) and (f). */
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

double pgm_prefix_guess_coverage(const pgm_prefix_guess *g)
{
    return g->primary_lines ? 100.0 * (double)g->parsed / (double)g->primary_lines : 100.0;
}

pgm_prefix_guess pgm_prefix_detect(const char *text, size_t n)
{
    pgm_prefix_guess best = {known[0].spec, known[0].origin, 0, 0};
    bool have = false;
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        pgm_prefix *p;
        char err[PGM_ERR_MAX];
        if (pgm_prefix_compile(known[k].spec, &p, err) != PGM_OK)
            continue;
        pgm_prefix_guess g = {known[k].spec, known[k].origin, 0, 0};
        size_t lines = 0;
        for (const char *line = text; line < text + n && lines < PGM_DETECT_MAX_LINES;) {
            const char *end = memchr(line, '\n', (size_t)(text + n - line));
            size_t len = end ? (size_t)(end - line) : (size_t)(text + n - line);
            if (len && line[len - 1] == '\r')
                len--;
            lines++;
            if (len && line[0] != '\t') {
                pgm_prefix_fields f;
                g.primary_lines++;
                g.parsed += pgm_prefix_parse(p, line, len, &f) ? 1 : 0;
            }
            line = end ? end + 1 : text + n;
        }
        pgm_prefix_free(p);
        /* More lines parsed wins. On a tie the shorter prefix: a longer one
         * with %q parses the lines of a shorter one by stopping at %q. */
        if (!have || g.parsed > best.parsed ||
            (g.parsed == best.parsed && strlen(g.spec) < strlen(best.spec))) {
            best = g;
            have = true;
        }
    }
    return best;
}
