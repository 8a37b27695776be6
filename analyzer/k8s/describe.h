/* `kubectl describe pod` output: what the kubelet says of each container's
 * end. A container's "State:" or "Last State:" of Terminated carries its
 * reason (OOMKilled, Error, Completed), exit code and times, printed by
 * kubectl's describe.go (describeStatus: RFC 1123 times with a numeric
 * zone, "Mon, 02 Jan 2006 15:04:05 -0700"); each such block is a record. The
 * Events table's rows are events (k8s/events.h) whose ages ("2m (x4 over
 * 3m)") are relative to when kubectl ran: no time. */
#ifndef PGM_K8S_DESCRIBE_H
#define PGM_K8S_DESCRIBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "k8s/events.h"
#include "util/rc.h"

typedef struct pgm_k8s_termination {
    const char *pod, *container;   /* "" when the output did not name them */
    const char *reason;            /* OOMKilled, Error, Completed...; "" when none */
    int exit_code, signal;         /* -1 when not printed */
    int64_t started, finished;     /* UTC microseconds, or PGM_TS_UNKNOWN */
    bool last;                     /* "Last State" (the run before), not "State" */
    uint64_t line;                 /* of its "State:" or "Last State:" line */
} pgm_k8s_termination;

typedef void (*pgm_k8s_termination_cb)(void *ctx, const pgm_k8s_termination *t);

typedef struct pgm_k8s_describe pgm_k8s_describe;

int pgm_k8s_describe_open(pgm_k8s_describe **out, pgm_k8s_termination_cb cb, void *ctx);
/* The Events table's rows, as events without a time (optional). */
void pgm_k8s_describe_on_events(pgm_k8s_describe *d, pgm_k8s_event_cb cb, void *ctx);
void pgm_k8s_describe_feed(pgm_k8s_describe *d, const char *line, size_t n, uint64_t lineno);
void pgm_k8s_describe_finish(pgm_k8s_describe *d);
/* Terminations read, and the Events table's rows. */
uint64_t pgm_k8s_describe_count(const pgm_k8s_describe *d);
uint64_t pgm_k8s_describe_events(const pgm_k8s_describe *d);
void pgm_k8s_describe_close(pgm_k8s_describe *d);

/* "Thu, 27 Nov 2026 02:20:35 +0000" at p: UTC microseconds, false when not one. */
bool pgm_k8s_rfc1123z(const char *p, size_t n, int64_t *us);

#endif
