#include "model/event.h"

#include <string.h>

const char *const pgm_event_common_names[PGM_EVENT_COMMON_FIELDS] = {
    "pid", "user", "db", "app", "client", "level", "sqlstate", "msg"};

/* The common field `name` is, or -1: their first letters differ. */
static int common_index(const char *name)
{
    int k;
    switch (name[0]) {
    case 'p': k = 0; break;
    case 'u': k = 1; break;
    case 'd': k = 2; break;
    case 'a': k = 3; break;
    case 'c': k = 4; break;
    case 'l': k = 5; break;
    case 's': k = 6; break;
    case 'm': k = 7; break;
    default: return -1;
    }
    return strcmp(name, pgm_event_common_names[k]) == 0 ? k : -1;
}

const char *pgm_event_field(const pgm_event *e, const char *name)
{
    /* the classifiers' events have the common fields first, under these very
     * names: one compare instead of a search (this runs several times per event) */
    int k = common_index(name);
    if (k >= 0 && (size_t)k < e->n_fields && e->fields[k].name == pgm_event_common_names[k])
        return e->fields[k].value;
    for (size_t i = 0; i < e->n_fields; i++)
        if (e->fields[i].name[0] == name[0] && strcmp(e->fields[i].name, name) == 0)
            return e->fields[i].value;
    return NULL;
}
