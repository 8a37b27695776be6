/* PgBouncer's log lines, as its logging (libusual's logging.c) writes them:
 * to its logfile or stderr "2026-12-04 19:31:05.772 UTC [15380] LOG message"
 * (1.9 and before: "2018-09-12 16:08:54.775 3392 LOG message", no zone, no
 * brackets), to syslog "Dec  4 19:31:05 host pgbouncer[15380]: message" (the
 * level is the record's priority, not in the text). A message about one
 * connection starts with its side and address and its pool's names:
 * "C-0x5558ad0556c0: shop/orders@127.0.0.1:47194 login attempt: ..." (C- a
 * client, S- a server; PgBouncer's objects.c, slog_* in its util.h). */
#ifndef PGM_PGB_LOG_H
#define PGM_PGB_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pglog/prefix.h"
#include "text/timestamp.h"

typedef struct pgm_pgb_head {
    int64_t t;               /* UTC microseconds as printed (a zone-less time read as UTC), or PGM_TS_UNKNOWN */
    enum pgm_ts_zone zone;
    bool yearless;           /* a syslog date: the year was the caller's */
    pgm_slice pid, level;    /* level empty in syslog records */
    pgm_slice message;
} pgm_pgb_head;

/* The head of one line of PgBouncer's log, in either form; `year` dates a
 * syslog record (<= 0: its time stays unknown). False when the line is none
 * of PgBouncer's (a continuation, another program's record). */
bool pgm_pgb_parse_head(const char *line, size_t n, int year, pgm_pgb_head *h);

/* A message as PgBouncer words it, without any head: a connection's
 * ("C-0x...: db/user@host:port ...") or one of its process's own lines that
 * no other program writes (stats:, process up: PgBouncer). What a journal or
 * a container's envelope hands on once its own head is taken off. */
bool pgm_pgb_is_message(const char *s, size_t n);

#endif
