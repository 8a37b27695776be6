/* libFuzzer target: envelopes. The input is a file's head: every form it is
 * taken for (pgm_envelope_candidates) is unwrapped line by line, small line
 * limit included so pieces and journal fields hit their caps, and the
 * sniff-through (pgm_unwrap_sniff) is run on it. Checks that every line
 * handed on is within the limit and that lines are numbered in order. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/source.h"
#include "envelope/unwrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void unwrap(const uint8_t *data, size_t size, const pgm_envelope *env, size_t max_line)
{
    pgm_mem_source src;
    pgm_mem_source_init(&src, data, size);
    pgm_unwrap u;
    if (pgm_unwrap_init(&u, &src.base, env, max_line, 2026) != PGM_OK)
        return;
    const char *line;
    size_t n;
    uint64_t last = 0;
    while (pgm_unwrap_next(&u, &line, &n) > 0) {
        if (n > max_line && env->kind != PGM_ENVELOPE_JOURNAL_EXPORT && env->kind != PGM_ENVELOPE_JOURNAL_JSON)
            abort(); /* a joined line beyond the limit */
        if (n)
            (void)memchr(line, 0, n); /* the line is readable whole */
        if (u.lineno < last && env->kind != PGM_ENVELOPE_CRI && env->kind != PGM_ENVELOPE_DOCKER)
            abort(); /* evidence lines go forward (joined pieces may start earlier) */
        last = u.lineno;
    }
    if (u.cov.inner_lines && !u.cov.wrapper_lines)
        abort();
    pgm_unwrap_free(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgm_envelope cand[PGM_ENVELOPE_MAX_CANDIDATES];
    size_t found = pgm_envelope_candidates(data, size, true, cand);
    for (size_t c = 0; c < found; c++) {
        unwrap(data, size, &cand[c], 64);
        unwrap(data, size, &cand[c], 1u << 16);
    }
    /* every form, whatever the detector said */
    static const pgm_envelope all[] = {
        {PGM_ENVELOPE_CRI, false, false},     {PGM_ENVELOPE_DOCKER, false, false},
        {PGM_ENVELOPE_KUBECTL, true, true},   {PGM_ENVELOPE_JOURNAL, false, false},
        {PGM_ENVELOPE_JOURNAL_JSON, false, false}, {PGM_ENVELOPE_JOURNAL_EXPORT, false, false},
    };
    if (size)
        unwrap(data, size, &all[data[0] % (sizeof all / sizeof all[0])], 128);
    pgm_envelope env;
    pgm_strbuf inner;
    pgm_strbuf_init(&inner, 0);
    (void)pgm_unwrap_sniff("fuzz.log", data, size, size < 4096, 2026, &env, &inner);
    pgm_strbuf_free(&inner);
    return 0;
}
