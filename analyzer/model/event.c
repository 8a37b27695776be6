#include "model/event.h"

#include <string.h>

const char *pgm_event_field(const pgm_event *e, const char *name)
{
    for (size_t i = 0; i < e->n_fields; i++)
        if (strcmp(e->fields[i].name, name) == 0)
            return e->fields[i].value;
    return NULL;
}
