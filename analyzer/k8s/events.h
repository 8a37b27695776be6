/* Kubernetes events: what the kubelet, the scheduler and the controllers say
 * of a pod (BackOff, Killing, Unhealthy, OOMKilling, Evicted...), as
 * `kubectl get events` prints them:
 *   -o json   a List of core/v1 Events (involvedObject, reason, message,
 *             type, count, firstTimestamp, lastTimestamp, eventTime: RFC 3339)
 *             or of events.k8s.io/v1 ones (regarding, note,
 *             deprecatedFirstTimestamp, series); with --watch, one object
 *             after another
 *   table     "LAST SEEN   TYPE   REASON   OBJECT   MESSAGE" (-A puts NAMESPACE
 *             first, -o wide adds SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME),
 *             columns aligned by kubectl's tabwriter; its ages ("5m", "2m30s")
 *             are relative to when kubectl ran: no time can be read off them
 * `kubectl describe pod`'s Events table (Type, Reason, Age, From, Message)
 * is read by k8s/describe.h into the same record. */
#ifndef PGM_K8S_EVENTS_H
#define PGM_K8S_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/rc.h"

/* A JSON document is read whole: its bytes kept, at most (past them its
 * lines are counted, not read, and said). */
#define PGM_K8S_EVENTS_MAX_BYTES (64u << 20)

typedef struct pgm_k8s_event {
    const char *type, *reason, *object, *namespace_name, *message, *source; /* "" when not given */
    const char *age;               /* a table's age as printed ("5m", "2m (x4 over 3m)"); "" for JSON */
    int64_t first, last;           /* UTC microseconds, PGM_TS_UNKNOWN when not given */
    long count;                    /* how often it happened; 0 when not given */
    uint64_t line;                 /* where its object or row starts */
} pgm_k8s_event;

typedef void (*pgm_k8s_event_cb)(void *ctx, const pgm_k8s_event *e);

typedef struct pgm_k8s_events pgm_k8s_events;

/* `json`: the -o json form, else the table. */
int pgm_k8s_events_open(pgm_k8s_events **out, bool json, pgm_k8s_event_cb cb, void *ctx);
void pgm_k8s_events_feed(pgm_k8s_events *v, const char *line, size_t n, uint64_t lineno);
void pgm_k8s_events_finish(pgm_k8s_events *v);

typedef struct pgm_k8s_events_coverage {
    uint64_t events;               /* records handed over */
    uint64_t unplaced;             /* of them, without a time (a table's ages) */
    uint64_t unreadable;           /* rows or objects not understood */
    uint64_t first_unreadable;     /* the line of the first */
    uint64_t lines_past;           /* lines past PGM_K8S_EVENTS_MAX_BYTES, not read */
} pgm_k8s_events_coverage;

const pgm_k8s_events_coverage *pgm_k8s_events_get_coverage(const pgm_k8s_events *v);
void pgm_k8s_events_close(pgm_k8s_events *v);

/* A table's columns: where each starts, from its header line (names apart by
 * two spaces or more: "LAST SEEN" is one). Returns how many (at most cap). */
size_t pgm_k8s_table_columns(const char *header, size_t n, size_t *start, size_t cap);

#endif
