#include "model/event.h"

#include <string.h>

const char *const pgm_event_common_names[PGM_EVENT_COMMON_FIELDS] = {
    "pid", "user", "db", "app", "client", "level", "sqlstate", "msg"};

const char *pgm_event_field(const pgm_event *e, const char *name)
{
    for (size_t i = 0; i < e->n_fields; i++)
        if (strcmp(e->fields[i].name, name) == 0)
            return e->fields[i].value;
    return NULL;
}
