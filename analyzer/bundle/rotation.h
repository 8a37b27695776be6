/* Rotated logs: one log's life split over several files. Their writers name
 * the pieces so that the order can be told from the names alone:
 *   logrotate        x.log.1, x.log.2.gz (a larger number is older);
 *                    with dateext x.log-20261127 (its dateformat, -%Y%m%d)
 *   Docker json-file <id>-json.log.1 ... (log-opts max-file: .1 the newest)
 *   Python logging   x.log.1 (RotatingFileHandler), x.log.2026-11-27
 *                    (TimedRotatingFileHandler's %Y-%m-%d and longer)
 *   logback          x.log.2026-11-27.0.gz, x.log.2026-11-27.1.gz: %d then
 *                    %i, Spring Boot's default (${LOG_FILE}.%d{yyyy-MM-dd}.%i.gz);
 *                    %i counts up within the date: .0 the oldest
 *   a date before    x-2026-11-27.0.log (logback's own example,
 *   the extension    mylog-%d{yyyy-MM-dd}.%i.log), postgresql-2026-11-27_
 *                    020000.log (PostgreSQL's logging collector, its default
 *                    log_filename): the stream x.log, postgresql.log
 *   the kubelet      0.log.20261127-021500 and .gz (its container log
 *                    manager: "20060102-150405"), and under
 *                    /var/log/pods/<ns>_<pod>_<uid>/<container>/ one N.log per
 *                    start of the container (N: its restart count)
 *   kubectl          a --previous file saved beside the current one:
 *                    x-previous.log, x.previous.log, x_previous.log
 * The file without a suffix is the newest. The pieces of one log are one
 * stream: one server's sessions, one service's life; read oldest first. */
#ifndef PGM_ROTATION_H
#define PGM_ROTATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a file stands in its log's life: compared as (run, age), larger is
 * newer. `run`: the container start of a pods-layout N.log (N), -1 for a
 * --previous file, else 0. `age`: a rotated piece's date (YYYYMMDDhhmmss as
 * a number) times 10,000 plus its index within the date (logback's %i), or
 * minus its number; PGM_ROTATION_CURRENT for the live file. */
typedef struct pgm_rotation {
    size_t stream_len;  /* the stream's name: the path's first stream_len bytes, then `stream_tail` */
    const char *stream_tail; /* "" or the rest of the name a suffix was cut out of (".log") */
    int64_t run, age;
    bool rotated;       /* the name carries a rotation mark: it is not the live file */
} pgm_rotation;

#define PGM_ROTATION_CURRENT INT64_MAX

/* Reads the rotation marks of `path` (a display path: "a.tar!logs/x.log.2.gz";
 * a compression suffix is ignored). A path without any stands for itself. */
void pgm_rotation_of(const char *path, pgm_rotation *out);

/* The stream's name into `out` (cut to `cap`): paths of one log's pieces give
 * the same. */
void pgm_rotation_stream(const char *path, char *out, size_t cap);

/* The pieces of one server's log whose names do not tie them together:
 * log_filename's strftime escapes may name them by a time that says nothing
 * of their order (postgresql-%a.log, postgresql-%H.log: its docs' examples
 * with log_truncate_on_rotation; the default's dates are a rotation mark). They
 * share a folder and an extension: `out` (cut to `cap`) is the path's folder
 * and its stream's extension, "a.tar!db/ .log". Logs of one server in one
 * format with the same key whose times follow one another, each beginning
 * where the one before ended, give PGM_ROTATION_JOIN_SLACK_US of leeway, are
 * its pieces; two servers' logs side by side overlap in time. */
void pgm_rotation_siblings(const char *path, char *out, size_t cap);

/* How far a piece's first time may fall before the last time of the piece
 * before it: backends stamp a line when they form it and write it a little
 * later, so the first lines of a new file may be stamped before the last of
 * the old one (a few milliseconds on a busy server). */
#define PGM_ROTATION_JOIN_SLACK_US 1000000

/* <0, 0, >0 as `a` is older than, as old as, newer than `b` (same stream). */
int pgm_rotation_cmp(const pgm_rotation *a, const pgm_rotation *b);

/* Whether `b` may be the piece right after `a`: the same start of its
 * writer (a pods-layout run), and no numbered piece between them (x.log.3
 * is not followed by x.log.1). Dated pieces cannot tell a gap. */
bool pgm_rotation_follows(const pgm_rotation *a, const pgm_rotation *b);

#endif
