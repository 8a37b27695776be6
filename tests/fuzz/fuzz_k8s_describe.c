/* libFuzzer target: `kubectl describe pod` output (k8s/describe.h), line by
 * line: every termination it reads names a pod and a container (maybe ""),
 * every row of its Events table a reason. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_lines.h"

#include "k8s/describe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void feed(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    pgm_k8s_describe_feed(ctx, line, n, lineno);
}

static void on_term(void *ctx, const pgm_k8s_termination *t)
{
    (void)ctx;
    if (!t->pod || !t->container || !t->reason)
        abort();
    (void)strlen(t->pod), (void)strlen(t->container), (void)strlen(t->reason);
}

static void on_event(void *ctx, const pgm_k8s_event *e)
{
    (void)ctx;
    if (!e->reason[0] || !e->object || !e->message || !e->age || !e->type)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgm_k8s_describe *d;
    if (pgm_k8s_describe_open(&d, on_term, NULL) != PGM_OK)
        return 0;
    pgm_k8s_describe_on_events(d, on_event, NULL);
    fuzz_feed_lines(data, size, feed, d);
    pgm_k8s_describe_finish(d);
    pgm_k8s_describe_close(d);
    int64_t us;
    (void)pgm_k8s_rfc1123z((const char *)data, size, &us);
    return 0;
}
