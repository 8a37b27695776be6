/* The normalized event (CONTRACTS.md): one thing that happened at one time,
 * with where it was read and named fields. Field names and values are
 * borrowed: whoever builds an event owns the strings. */
#ifndef PGM_EVENT_H
#define PGM_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PGM_EVENT_MAX_FIELDS 32
/* Text an event may hold (message, captures, attached lines): each
 * classifier's arena for one event. */
#define PGM_EVENT_MAX_TEXT (1u << 20)
/* Events made by the classifiers start with these fields, in this order,
 * NULL values for absent ones: pid user db app client level sqlstate msg. */
#define PGM_EVENT_COMMON_FIELDS 8
/* Their names; producers use these very pointers, so readers can tell the
 * layout by comparing pointers instead of strings. */
extern const char *const pgm_event_common_names[PGM_EVENT_COMMON_FIELDS];

typedef struct pgm_field {
    const char *name;
    const char *value;
    size_t len;             /* strlen(value) when the producer knew it, else 0 */
} pgm_field;

/* The length of a field's value (0 for NULL) without counting it twice. */
static inline size_t pgm_field_len(const pgm_field *f)
{
    return f->len ? f->len : f->value ? strlen(f->value) : 0;
}

typedef struct pgm_event {
    int64_t t;              /* UTC microseconds; PGM_TS_UNKNOWN (INT64_MIN) when unknown */
    const char *kind;       /* "conn.authorized" ... */
    unsigned kind_id;       /* its number (catalog/event_kinds.h): what consumers switch on */
    const char *path;       /* display path of the input */
    uint64_t line;
    pgm_field fields[PGM_EVENT_MAX_FIELDS];
    size_t n_fields;
} pgm_event;

/* The value of a field, or NULL (absent, or present with a NULL value). */
const char *pgm_event_field(const pgm_event *e, const char *name);

/* An event as bytes, to be put back later in the same run (a sorter's
 * record): the kind, path and field names travel as the pointers they are
 * (they outlive the run's events: rule strings, display paths), the values
 * as their bytes. -1 when `out` is full. */
struct pgm_strbuf;
int pgm_event_pack(struct pgm_strbuf *out, const pgm_event *e);
/* Back from pgm_event_pack's bytes; the values point into `data`. False
 * when the bytes are not one packed event. */
bool pgm_event_unpack(const void *data, size_t len, pgm_event *e);

#endif
