#include "forensics/holders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/timestamp.h"

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

void pgm_holders_event(pgm_holders *h, const pgm_event *e)
{
    const char *pid_s = pgm_event_field(e, "pid");
    const char *since = pgm_event_field(e, "xact_start");
    long pid = pid_s ? strtol(pid_s, NULL, 10) : 0;
    int64_t xact = PGM_TS_UNKNOWN;
    pgm_ts_parse ts;
    if (since && pgm_ts_parse_at(since, strlen(since), &ts) && ts.zone != PGM_TS_ZONE_UNKNOWN)
        xact = ts.us;
    pgm_holder *v = NULL;
    /* the same pid in a transaction started at the same time is the same holder */
    for (size_t i = h->n; i-- > 0;)
        if (h->v[i].pid == pid && h->v[i].xact_start == xact) {
            v = &h->v[i];
            break;
        }
    if (!v) {
        if (h->n == PGM_HOLDERS_MAX) {
            h->dropped++;
            return;
        }
        if (!h->v && !(h->v = calloc(PGM_HOLDERS_MAX, sizeof *h->v))) {
            h->oom = true;
            return;
        }
        v = &h->v[h->n++];
        memset(v, 0, sizeof *v);
        v->pid = pid;
        v->xact_start = xact;
        v->first_seen = e->t;
        v->last_seen = PGM_TS_UNKNOWN;
        copy(v->user, sizeof v->user, pgm_event_field(e, "user"));
        copy(v->db, sizeof v->db, pgm_event_field(e, "db"));
        copy(v->app, sizeof v->app, pgm_event_field(e, "app"));
        copy(v->client, sizeof v->client, pgm_event_field(e, "client"));
        copy(v->path, sizeof v->path, e->path);
        v->line = e->line;
    }
    v->snapshots++;
    if (e->t != PGM_TS_UNKNOWN && (v->last_seen == PGM_TS_UNKNOWN || e->t > v->last_seen))
        v->last_seen = e->t;
    if (v->first_seen == PGM_TS_UNKNOWN)
        v->first_seen = e->t;
    const char *q = pgm_event_field(e, "query");
    if (q)
        copy(v->query, sizeof v->query, q);
}

int64_t pgm_holder_open_us(const pgm_holder *v)
{
    if (v->xact_start == PGM_TS_UNKNOWN || v->last_seen == PGM_TS_UNKNOWN || v->last_seen < v->xact_start)
        return -1;
    return v->last_seen - v->xact_start;
}

static int longest_first(const void *x, const void *y)
{
    const pgm_holder *a = x, *b = y;
    int64_t da = pgm_holder_open_us(a), db = pgm_holder_open_us(b);
    if (da != db)
        return da > db ? -1 : 1;
    return a->pid < b->pid ? -1 : a->pid > b->pid;
}

void pgm_holders_sort(pgm_holders *h)
{
    if (h->n > 1)
        qsort(h->v, h->n, sizeof *h->v, longest_first);
}

void pgm_holders_free(pgm_holders *h)
{
    free(h->v);
    memset(h, 0, sizeof *h);
}
