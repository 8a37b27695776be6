/* The first line of an application log's entry, in whatever layout wrote it.
 * A layout is read off each line, not configured: where its time stands and
 * in which form, where the level is, then the thread, the logger and the
 * message in the order the layout puts them. The forms, from the logging
 * frameworks' documented defaults:
 *   Spring Boot        TIME LEVEL PID --- [app] [thread] LOGGER : MESSAGE
 *   logback, log4j2    TIME [thread] LEVEL LOGGER - MESSAGE (TIME may be HH:mm:ss.SSS alone)
 *   log4j 1.x          TIME LEVEL [thread] LOGGER:LINE - MESSAGE,  [LEVEL] TIME ...
 *   Quarkus, WildFly   TIME LEVEL [LOGGER] (thread) MESSAGE
 *   Tomcat             dd-MMM-yyyy HH:mm:ss.SSS LEVEL [thread] CLASS.METHOD MESSAGE
 *   Dropwizard         LEVEL [TIME] LOGGER: MESSAGE
 *   java.util.logging  "Nov 27, 2026 2:20:54 AM CLASS METHOD", then "LEVEL: MESSAGE" on the next line
 * ANSI colours (Micronaut's and Spring Boot's console) are taken off first.
 * Shared by the reader (applog.h) and the sniffer, so that what is taken for
 * an application log is what its reader reads. */
#ifndef PGM_APPLOG_LAYOUT_H
#define PGM_APPLOG_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "pglog/prefix.h" /* pgm_slice */
#include "text/timestamp.h"

/* How far into a line the level word is looked for. */
#define PGM_APP_LEVEL_WINDOW 64u

enum pgm_app_when {
    PGM_APP_DATED,       /* a date and a time (ts) */
    PGM_APP_TIME_OF_DAY  /* HH:mm:ss.SSS alone: ts.us is the time in the day */
};

typedef struct pgm_app_head {
    enum pgm_app_when when;
    pgm_ts_parse ts;
    pgm_slice level, thread, logger, message, app, pid;
    bool level_line_next;  /* java.util.logging: the level and the message are on the next line */
} pgm_app_head;

/* Whether s starts an entry; its parts as slices of s. */
bool pgm_app_parse_head(const char *s, size_t n, pgm_app_head *out);

/* java.util.logging's second line, "WARNING: message": its level and message. */
bool pgm_app_level_line(const char *s, size_t n, pgm_slice *level, pgm_slice *message);

/* p without the blanks around it. */
pgm_slice pgm_app_trim(const char *p, size_t n);

/* A level word at p (whole token: a blank, ']', ':' or the end after it), any
 * of the usual spellings; its length, 0 when none. */
size_t pgm_app_level_at(const char *p, size_t n);

/* "HH:MM:SS", then ".fff" or ",fff" (logback's %d{HH:mm:ss.SSS}, log4j2's
 * %d{HH:mm:ss,SSS}), ended by a blank, ']' or the end: the time of day in
 * microseconds, in ts (no zone). */
bool pgm_app_time_of_day_at(const char *p, size_t n, pgm_ts_parse *ts);

/* "java.sql.SQLTransientConnectionException: ...", "java.lang.OutOfMemoryError":
 * the first line of a Java exception (a dotted class name ending in
 * Exception, Error or Throwable, then ':' or the end). */
bool pgm_app_exception_line(const char *s, size_t n);

/* A line of a stack trace as Java prints it: "\tat ...", "... 12 more",
 * "Caused by: ...", an exception's first line; Dropwizard's "! " before any
 * of them. */
bool pgm_app_trace_line(const char *s, size_t n);

/* Takes ANSI escape sequences (ESC [ ... final byte) out of s, in place;
 * returns the new length. */
size_t pgm_app_strip_ansi(char *s, size_t n);

#endif
