/* The normalized event (CONTRACTS.md): one thing that happened at one time,
 * with where it was read and named fields. Field names and values are
 * borrowed: whoever builds an event owns the strings. */
#ifndef PGM_EVENT_H
#define PGM_EVENT_H

#include <stddef.h>
#include <stdint.h>

#define PGM_EVENT_MAX_FIELDS 32

typedef struct pgm_field {
    const char *name;
    const char *value;
} pgm_field;

typedef struct pgm_event {
    int64_t t;              /* UTC microseconds; PGM_TS_UNKNOWN (INT64_MIN) when unknown */
    const char *kind;       /* "conn.authorized" ... */
    const char *path;       /* display path of the input */
    uint64_t line;
    pgm_field fields[PGM_EVENT_MAX_FIELDS];
    size_t n_fields;
} pgm_event;

/* The value of a field, or NULL. */
const char *pgm_event_field(const pgm_event *e, const char *name);

#endif
