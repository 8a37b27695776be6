/* Minimal streaming JSON writer. Strings are written as valid UTF-8 JSON:
 * control characters are escaped and bytes that are not UTF-8 become U+FFFD,
 * because paths and log text from a customer bundle are arbitrary bytes. */
#ifndef PGM_JSON_H
#define PGM_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PGM_JSON_MAX_DEPTH 32

typedef struct pgm_json {
    FILE *out;
    int depth;
    bool need_comma[PGM_JSON_MAX_DEPTH];
    bool after_key;
    bool pretty;
} pgm_json;

void pgm_json_init(pgm_json *j, FILE *out, bool pretty);
/* Inside the top-level object: "schema" and "tool" ({name, version}), as every
 * pgmortem JSON document begins. */
void pgm_json_document_header(pgm_json *j, const char *schema);
void pgm_json_begin_object(pgm_json *j);
void pgm_json_end_object(pgm_json *j);
void pgm_json_begin_array(pgm_json *j);
void pgm_json_end_array(pgm_json *j);
void pgm_json_key(pgm_json *j, const char *key);
void pgm_json_string(pgm_json *j, const char *s); /* NULL writes null */
void pgm_json_string_n(pgm_json *j, const char *s, size_t n);
void pgm_json_int(pgm_json *j, int64_t v);
void pgm_json_uint(pgm_json *j, uint64_t v);
void pgm_json_bool(pgm_json *j, bool v);
void pgm_json_null(pgm_json *j);
/* Writes `s` as JSON string contents (no quotes) to `out`. */
void pgm_json_escape(FILE *out, const char *s, size_t n);
/* The same, appended to a buffer; 0, or -1 when the buffer is full (room
 * is asked for PGM_JSON_ESCAPE_PIECE bytes of `s` at a time, escaped at most:
 * within that of its cap a buffer may be called full early). */
struct pgm_strbuf;
int pgm_json_escape_buf(struct pgm_strbuf *out, const char *s, size_t n);
/* The most bytes n bytes take escaped: a byte that is not UTF-8 is "\ufffd". */
#define PGM_JSON_ESCAPED_MAX(n) (6 * (n))
#define PGM_JSON_ESCAPE_PIECE 4096u
/* Writes `s` escaped to dst, which has room for PGM_JSON_ESCAPED_MAX(n)
 * bytes, and returns the end: for a writer that has sized its buffer. */
char *pgm_json_escape_to(char *dst, const char *s, size_t n);

#endif
