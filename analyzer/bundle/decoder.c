#include "bundle/decoder.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/limits.h"

int pgm_decoder_init(pgm_decoder *d, pgm_source *below, size_t inbuf_size, uint64_t max_ratio,
                     const char *label)
{
    memset(d, 0, sizeof *d);
    d->below = below;
    d->inbuf_size = inbuf_size;
    d->max_ratio = max_ratio;
    d->label = label;
    d->inbuf = malloc(inbuf_size);
    return d->inbuf ? PGM_OK : PGM_FATAL;
}

void pgm_decoder_free(pgm_decoder *d)
{
    free(d->inbuf);
    d->inbuf = NULL;
}

void pgm_decoder_damage(pgm_decoder *d, const char *fmt, ...)
{
    if (d->damage[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->damage, sizeof d->damage, fmt, ap);
    va_end(ap);
}

ptrdiff_t pgm_decoder_fill(pgm_decoder *d)
{
    ptrdiff_t n = pgm_source_read(d->below, d->inbuf, d->inbuf_size);
    if (n < 0) {
        pgm_decoder_damage(d, "%s", d->below->err);
        return -1;
    }
    if (n == 0)
        d->below_eof = true;
    d->in_bytes += (uint64_t)n;
    return n;
}

ptrdiff_t pgm_decoder_deliver(pgm_decoder *d, pgm_source *self, size_t produced)
{
    d->out_bytes += produced;
    if (pgm_ratio_exceeded(d->in_bytes, d->out_bytes, d->max_ratio))
        return pgm_source_fail(self, "expands more than %llu:1 (%s bomb?); raise --max-ratio to read it",
                               (unsigned long long)d->max_ratio, d->label);
    return (ptrdiff_t)produced;
}
