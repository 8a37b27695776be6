/* One JSON object (a line of jsonlog, a Cloud Logging entry, a Logstash
 * event) flattened into key/value pairs: nested objects give dotted keys
 * ("resource.labels.database_id"), strings are unescaped (\uXXXX and
 * surrogate pairs to UTF-8), arrays are kept as their raw JSON text. Bounded:
 * depth, pairs and bytes are capped; a malformed object is rejected whole. */
#ifndef PGM_JSONFLAT_H
#define PGM_JSONFLAT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define PGM_JSONFLAT_MAX_PAIRS 96
#define PGM_JSONFLAT_MAX_DEPTH 8
#define PGM_JSONFLAT_MAX_BYTES (1u << 20)

enum pgm_json_type { PGM_JT_STRING, PGM_JT_NUMBER, PGM_JT_BOOL, PGM_JT_NULL, PGM_JT_ARRAY };

/* Slots of the index of keys: a power of two, at least twice the pairs, so
 * a probe ends soon at an empty slot. */
#define PGM_JSONFLAT_INDEX 256u

typedef struct pgm_json_pair {
    size_t key, key_len;    /* offsets into the object's text buffer */
    size_t val, val_len;
    size_t text_len;        /* the value as a C string: val_len, or less when
                             * it holds a NUL (a \u0000 escape, a NUL in an array) */
    enum pgm_json_type type;
} pgm_json_pair;

typedef struct pgm_jsonflat {
    pgm_strbuf buf;         /* keys and values, each NUL-terminated */
    pgm_json_pair pairs[PGM_JSONFLAT_MAX_PAIRS];
    size_t n;
    size_t dropped;         /* pairs beyond the cap */
    /* each key's first pair (its number + 1; 0: an empty slot), by a hash of
     * the key: a jsonlog line is asked for some twenty keys of its twenty */
    unsigned char index[PGM_JSONFLAT_INDEX];
} pgm_jsonflat;

void pgm_jsonflat_init(pgm_jsonflat *j);
void pgm_jsonflat_free(pgm_jsonflat *j);
/* Parses `s` (one object, surrounding white space allowed). False when it is
 * not a well-formed object or a bound was hit; `err` says where and why. */
bool pgm_jsonflat_parse(pgm_jsonflat *j, const char *s, size_t n, char *err, size_t errlen);
/* The value of `key` (NUL-terminated in the buffer), or NULL; *type when found.
 * A key that appears twice gives its first value. */
const char *pgm_jsonflat_get(const pgm_jsonflat *j, const char *key, enum pgm_json_type *type);
/* The value of the key_len bytes at `key`, with its length as a C string
 * (strlen of it) in *len; NULL and 0 when absent. */
const char *pgm_jsonflat_get_text(const pgm_jsonflat *j, const char *key, size_t key_len, size_t *len);
/* The first pair of the key_len bytes at `key`, or NULL: its type, and its
 * value at buf.p + val, text_len bytes long as a C string. */
const pgm_json_pair *pgm_jsonflat_find(const pgm_jsonflat *j, const char *key, size_t key_len);

#endif
