/* One application's sessions split by pod. The server sees a Deployment's
 * replicas as one application (the same application_name, and behind a
 * node's NAT or a sidecar the same client address); the bundle holds each
 * pod's log, which says when its pool started. HikariCP opens its first
 * connection while it starts and fills to minimumIdle right after
 * (HikariPool's constructor and its housekeeper), so a session the
 * application opened just after one pod's pool started, and before the next
 * one's, is that pod's. That is an attribution by time, and the report says
 * so; sessions outside every pod's fill window stay "(pod unknown)". */
#include "forensics/analysis.h"
#include "forensics/analysis_impl.h"

#include <stdlib.h>
#include <string.h>

#include "text/timestamp.h"
#include "util/fmt.h"
#include "util/rc.h"
#include "util/label.h"

/* The pod's name: its log's file name up to the first dot
 * ("catalog-7d9f8c6b5-0.log", as kubectl logs or a support bundle names
 * it; its .cri or .journal form alike); kubelet's numbered files
 * (".../catalog/0.log") with their directory. A stream of an envelope
 * ("file#source") is named by its file; pgm_pods_split tells apart two
 * pods of one file by their source. */
static void pod_name(const char *stream, char *out, size_t cap)
{
    size_t end = strcspn(stream, "#");
    size_t base = 0, dir = 0;
    for (size_t i = 0; i < end; i++)
        if (stream[i] == '/' || stream[i] == '!') {
            dir = base;
            base = i + 1;
        }
    size_t len = strcspn(stream + base, ".#");
    bool numbered = len > 0 && strspn(stream + base, "0123456789") == len;
    size_t from = numbered && base > dir ? dir : base;
    pgm_fmt(out, cap, "%.*s", (int)(base + len - from), stream + from);
}

static int cmp_pod_start(const void *x, const void *y)
{
    const pod_split *a = x, *b = y;
    return a->start < b->start ? -1 : a->start > b->start;
}

typedef struct pod_member {
    const pgm_analysis *a;
    size_t pod;
} pod_member;

size_t pgm_analysis_pod_of(const pgm_analysis *a, const pgm_session *v)
{
    if (!a->n_pods || v->app != a->pod_app_index)
        return SIZE_MAX;
    size_t known = a->pods[a->n_pods - 1].start == PGM_TS_UNKNOWN ? a->n_pods - 1 : a->n_pods;
    size_t unknown = known; /* the "(pod unknown)" entry, when there is one */
    if (v->start == PGM_TS_UNKNOWN)
        return unknown < a->n_pods ? unknown : SIZE_MAX;
    /* the pod whose pool started last before it, within its fill window */
    size_t k = known;
    while (k > 0 && a->pods[k - 1].start > v->start)
        k--;
    if (k > 0 && v->start - a->pods[k - 1].start <= PGM_POD_FILL_WINDOW_US)
        return k - 1;
    return unknown < a->n_pods ? unknown : SIZE_MAX;
}

static bool is_pod_member(void *ctx, const pgm_session *v)
{
    const pod_member *m = ctx;
    return pgm_analysis_pod_of(m->a, v) == m->pod;
}

/* Whether any session of the application falls outside every pod's window. */
static bool some_unattributed(const pgm_analysis *a, const pgm_sessions *s)
{
    for (size_t i = 0, n = pgm_sessions_count(s); i < n; i++) {
        pgm_session v = pgm_sessions_get(s, i);
        if (v.app == a->pod_app_index && pgm_analysis_pod_of(a, &v) == SIZE_MAX)
            return true;
    }
    return false;
}

void pgm_pods_split(pgm_analysis *a, const pgm_sessions *s)
{
    for (unsigned app = 0; app < pgm_sessions_app_count(s) && !a->n_pods; app++) {
        const char *name = pgm_sessions_app_name(s, app);
        if (!name || !*name || strcmp(name, PGM_LABEL_UNKNOWN) == 0 || pgm_sessions_app_curve(s, app)->peak <= 0)
            continue;
        size_t pods = 0;
        bool started = true;
        for (size_t i = 0; i < a->n_services; i++)
            if (strcmp(a->services[i].app, name) == 0) {
                pods++;
                started = started && a->services[i].first != PGM_TS_UNKNOWN;
            }
        if (pods < 2)
            continue;
        if (!started) {
            a->pods_why_not = "a pod's log does not say when its pool started";
            continue;
        }
        for (size_t i = 0; i < a->n_services; i++)
            if (strcmp(a->services[i].app, name) == 0) {
                pod_split *p = &a->pods[a->n_pods++];
                memset(p, 0, sizeof *p);
                pod_name(a->services[i].path, p->name, sizeof p->name);
                p->start = a->services[i].first;
                p->stream = a->services[i].path;
            }
        /* two pods of one file (kubectl logs --prefix of a Deployment): told apart by their source */
        for (size_t i = 0; i < a->n_pods; i++)
            for (size_t k = i + 1; k < a->n_pods; k++)
                if (strcmp(a->pods[i].name, a->pods[k].name) == 0) {
                    const char *si = strchr(a->pods[i].stream, '#'), *sk = strchr(a->pods[k].stream, '#');
                    pgm_fmt(a->pods[i].name, sizeof a->pods[i].name, "%s", si ? si + 1 : a->pods[i].stream);
                    pgm_fmt(a->pods[k].name, sizeof a->pods[k].name, "%s", sk ? sk + 1 : a->pods[k].stream);
                }
        qsort(a->pods, a->n_pods, sizeof a->pods[0], cmp_pod_start);
        bool apart = true;
        for (size_t i = 1; i < a->n_pods; i++)
            apart = apart && a->pods[i].start - a->pods[i - 1].start >= PGM_POD_MIN_GAP_US;
        if (!apart) {
            a->n_pods = 0;
            a->pods_why_not = "the pods' pools started within 2 s of each other: their sessions cannot be told "
                              "apart by time";
            continue;
        }
        pgm_fmt(a->pod_app, sizeof a->pod_app, "%s", name);
        a->pod_app_index = app;
        if (some_unattributed(a, s)) {
            pod_split *p = &a->pods[a->n_pods++];
            memset(p, 0, sizeof *p);
            pgm_fmt(p->name, sizeof p->name, "%s (pod unknown)", name);
            p->start = PGM_TS_UNKNOWN;
        }
        for (size_t i = 0; i < a->n_pods; i++) {
            pod_member m = {a, i};
            if (pgm_sessions_subset_curve(s, is_pod_member, &m, &a->pods[i].curve) != PGM_OK)
                a->oom = true;
        }
    }
}

void pgm_pods_free(pgm_analysis *a)
{
    for (size_t i = 0; i < a->n_pods; i++)
        free(a->pods[i].curve.p);
    a->n_pods = 0;
}

const char *pgm_analysis_pod_split(const pgm_analysis *a, const char **why_not)
{
    if (why_not)
        *why_not = a->n_pods ? NULL : a->pods_why_not;
    return a->n_pods ? a->pod_app : NULL;
}

size_t pgm_analysis_pod_count(const pgm_analysis *a) { return a->n_pods; }

const char *pgm_analysis_pod_name(const pgm_analysis *a, size_t i) { return i < a->n_pods ? a->pods[i].name : NULL; }

const pgm_curve *pgm_analysis_pod_curve(const pgm_analysis *a, size_t i)
{
    return i < a->n_pods ? &a->pods[i].curve : NULL;
}
