#include "forensics/victims.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "text/timestamp.h"

void pgm_victims_init(pgm_victims *v)
{
    memset(v, 0, sizeof *v);
    v->first_wait.t = v->first_cancel.t = PGM_TS_UNKNOWN;
}

static void note_first(pgm_victim_first *f, const pgm_event *e)
{
    if (f->t != PGM_TS_UNKNOWN && f->t <= e->t)
        return;
    const char *pid = pgm_event_field(e, "pid"), *app = pgm_event_field(e, "app");
    f->t = e->t;
    snprintf(f->path, sizeof f->path, "%s", e->path ? e->path : "");
    f->line = e->line;
    f->pid = pid ? strtol(pid, NULL, 10) : 0;
    snprintf(f->app, sizeof f->app, "%s", app ? app : "");
}

static void note_app(pgm_victims *v, const char *app)
{
    app = app ? app : "";
    for (size_t i = 0; i < v->n_apps; i++)
        if (strcmp(v->apps[i], app) == 0)
            return;
    if (v->n_apps == PGM_VICTIMS_MAX_APPS) {
        v->apps_over++;
        return;
    }
    snprintf(v->apps[v->n_apps++], sizeof v->apps[0], "%s", app);
}

bool pgm_victims_blocked_by(const pgm_victims *v, long pid)
{
    for (size_t i = 0; i < v->n_blockers; i++)
        if (v->blockers[i] == pid)
            return true;
    return false;
}

/* "Process holding the lock: 32528. Wait queue: 872." or "Processes holding
 * the lock: 1, 2. Wait queue: ..." (proc.c's errdetail_log_plural). */
static void note_blockers(pgm_victims *v, const char *detail)
{
    const char *p = detail ? strstr(detail, " holding the lock: ") : NULL;
    if (!p)
        return;
    p += strlen(" holding the lock: ");
    while (*p >= '0' && *p <= '9') {
        char *end;
        long pid = strtol(p, &end, 10);
        if (!pgm_victims_blocked_by(v, pid)) {
            if (v->n_blockers == PGM_VICTIMS_MAX_BLOCKERS)
                v->blockers_over++;
            else
                v->blockers[v->n_blockers++] = pid;
        }
        p = end;
        if (p[0] == ',' && p[1] == ' ')
            p += 2;
        else
            break;
    }
}

void pgm_victims_event(pgm_victims *v, const pgm_event *e)
{
    switch (e->kind_id) {
    case PGM_EV_LOCK_WAITING:
        v->waits++;
        note_first(&v->first_wait, e);
        note_blockers(v, pgm_event_field(e, "detail"));
        note_app(v, pgm_event_field(e, "app"));
        break;
    case PGM_EV_STMT_LOCK_TIMEOUT:
    case PGM_EV_STMT_TIMEOUT:
        if (e->kind_id == PGM_EV_STMT_LOCK_TIMEOUT)
            v->lock_timeouts++;
        else
            v->statement_timeouts++;
        note_first(&v->first_cancel, e);
        note_app(v, pgm_event_field(e, "app"));
        break;
    default:
        break;
    }
}
