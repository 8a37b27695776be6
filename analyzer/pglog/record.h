/* One server log message, whatever format carried it: the common shape the
 * format readers (stderr, csvlog, jsonlog, syslog, the managed services'
 * exports) produce and the classifier reads. Slices are borrowed from the
 * reader and valid only during the callback. An absent value has n == 0
 * ("[unknown]" and empty values are absent too). */
#ifndef PGM_RECORD_H
#define PGM_RECORD_H

#include <stdint.h>

#include "pglog/prefix.h"

typedef struct pgm_pg_record {
    int64_t t;                  /* UTC microseconds, PGM_TS_UNKNOWN when unknown */
    int64_t pid;                /* -1 when unknown */
    pgm_slice pid_text;         /* pid's decimal digits as the line has them, when it does */
    pgm_slice user, db, app, host, port, session_id, backend_type, command_tag;
    pgm_slice severity;         /* as written: "LOG", "FATAL", or translated */
    pgm_slice sqlstate;         /* when the format carries it */
    pgm_slice message, detail, hint, context, statement, query;
    uint64_t line, last_line;   /* physical lines of the input */
} pgm_pg_record;

typedef void (*pgm_pg_record_cb)(void *ctx, const pgm_pg_record *r);

/* A value as the record keeps it: "[unknown]" and "" become absent. */
static inline pgm_slice pgm_record_value(const char *p, size_t n)
{
    pgm_slice s = {p, n};
    if (n == 0 || (n == 9 && p[0] == '[' && p[1] == 'u' && p[8] == ']'))
        s.n = 0;
    return s;
}

#endif
