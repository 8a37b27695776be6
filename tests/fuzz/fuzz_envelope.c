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
#include "envelope/demux.h"
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

static void *open_source(void *ctx, const char *source, const char *head, size_t n, bool complete)
{
    (void)ctx, (void)complete;
    if (n && head[n - 1] != '\n')
        abort(); /* a held head is whole lines */
    return (void *)source;
}

static void source_line(void *ctx, void *reader, const char *line, size_t n, const pgm_inner_line *m)
{
    (void)ctx, (void)reader, (void)m;
    if (n)
        (void)memchr(line, 0, n);
}

/* The file read per source, as the scan reads a journal or kubectl --prefix. */
static void demux(const uint8_t *data, size_t size, const pgm_envelope *env)
{
    pgm_mem_source src;
    pgm_mem_source_init(&src, data, size);
    pgm_unwrap u;
    if (pgm_unwrap_init(&u, &src.base, env, 256, 2026) != PGM_OK)
        return;
    pgm_demux d;
    pgm_demux_callbacks cb = {open_source, source_line, NULL};
    if (pgm_demux_run(&d, &u, &cb) == PGM_OK && d.n > PGM_DEMUX_MAX_SOURCES)
        abort();
    pgm_demux_free(&d);
    pgm_unwrap_free(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgm_envelope cand[PGM_ENVELOPE_MAX_CANDIDATES];
    size_t found = pgm_envelope_candidates(data, size, true, cand);
    for (size_t c = 0; c < found; c++) {
        unwrap(data, size, &cand[c], 64);
        unwrap(data, size, &cand[c], 1u << 16);
        if (pgm_envelope_has_sources(&cand[c]))
            demux(data, size, &cand[c]);
    }
    /* every form, whatever the detector said */
    static const pgm_envelope all[] = {
        {PGM_ENVELOPE_CRI, false, false, false},     {PGM_ENVELOPE_DOCKER, false, false, false},
        {PGM_ENVELOPE_KUBECTL, true, true, false},   {PGM_ENVELOPE_JOURNAL, false, false, false},
        {PGM_ENVELOPE_JOURNAL_JSON, false, false, false}, {PGM_ENVELOPE_JOURNAL_EXPORT, false, false, false},
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
