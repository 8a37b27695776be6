/* libFuzzer target: `kubectl get events` output (k8s/events.h), as -o json
 * and as the table, line by line: every event names its reason and has its
 * text fields, a line within the input, and no more events come out than
 * there are lines (the table) or reasons (JSON). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_lines.h"

#include "k8s/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct seen {
    uint64_t lines, events;
} seen;

static void feed(void *ctx, const char *line, size_t n, uint64_t lineno)
{
    pgm_k8s_events_feed(ctx, line, n, lineno);
}

static void on_event(void *ctx, const pgm_k8s_event *e)
{
    seen *s = ctx;
    if (!e->reason[0] || !e->type || !e->object || !e->namespace_name || !e->message || !e->source || !e->age ||
        e->line == 0 || e->line > s->lines)
        abort();
    s->events++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    for (int json = 0; json < 2; json++) {
        seen s = {lines, 0};
        pgm_k8s_events *v;
        if (pgm_k8s_events_open(&v, json, on_event, &s) != PGM_OK)
            return 0;
        fuzz_feed_lines(data, size, feed, v);
        pgm_k8s_events_finish(v);
        const pgm_k8s_events_coverage *c = pgm_k8s_events_get_coverage(v);
        if (c->events != s.events || c->unplaced > c->events || (!json && s.events >= lines))
            abort();
        pgm_k8s_events_close(v);
    }
    return 0;
}
