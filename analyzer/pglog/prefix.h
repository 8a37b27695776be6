/* log_line_prefix, compiled into a parser. A prefix such as '%m [%p] %q%u@%d '
 * becomes a list of literals and escapes; a line is matched against it up to
 * the severity ("LOG:  "), with the rules of elog.c: %q drops the rest of the
 * prefix in processes without a session, padding (%-12u, %6l) adds spaces but
 * never truncates, session-only escapes print nothing outside a session.
 * Facts: shared/reference/postgresql-log-formats.md, real lines in
 * tests/samples/postgresql-15/escapes. */
#ifndef PGM_PREFIX_H
#define PGM_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/timestamp.h"
#include "util/rc.h"

#define PGM_PREFIX_MAX_ITEMS 64
/* Work bound for one line: free-text values (%u %a ...) are found by trying
 * where they could end; past this many tries the line does not match. */
#define PGM_PREFIX_MAX_STEPS 2048
/* How far a free-text value may reach into a line. */
#define PGM_PREFIX_MAX_VALUE 1024

typedef struct pgm_slice {
    const char *p;
    size_t n;
} pgm_slice;

typedef struct pgm_prefix pgm_prefix;

/* What a line's prefix said. Slices point into the line; n == 0 when absent. */
typedef struct pgm_prefix_fields {
    int64_t t_us;              /* from %m, %t, or %n; PGM_TS_UNKNOWN when none */
    enum pgm_ts_zone zone;
    char zone_name[8];
    int64_t session_start_us;  /* %s */
    int64_t pid;               /* %p; -1 when absent */
    pgm_slice pid_text;        /* %p as written */
    pgm_slice user, db, app, remote, host, port, session_id, line_num, vxid, xid, sqlstate,
        backend_type, command_tag, query_id, leader_pid;
    bool session;              /* false: %q ended the prefix (postmaster, checkpointer...) */
    /* the line was not read: a value reached PGM_PREFIX_MAX_VALUE or the
     * tries PGM_PREFIX_MAX_STEPS before its end was found */
    bool gave_up;
    pgm_slice severity;        /* "LOG", "FATAL", ... (translated words too) */
    pgm_slice message;         /* after "SEVERITY:  " */
} pgm_prefix_fields;

/* Compiles `spec` (the value of log_line_prefix, without quotes). PGM_OK, or
 * PGM_FAILED with a reason (too many items). Unknown escapes are ignored, as
 * the server ignores them. */
int pgm_prefix_compile(const char *spec, pgm_prefix **out, char err[PGM_ERR_MAX]);
void pgm_prefix_free(pgm_prefix *p);
const char *pgm_prefix_spec(const pgm_prefix *p);
/* The line starts with the entry's time (%m or %t first, unpadded, and no
 * other time in the prefix): pipeline/time_order.h can tell the order. */
bool pgm_prefix_leads_with_time(const pgm_prefix *p);

/* Parses one line. False when the line does not start with this prefix
 * followed by a severity (a continuation line, or another format). */
bool pgm_prefix_parse(const pgm_prefix *p, const char *line, size_t n, pgm_prefix_fields *out);
/* The same into a result that holds zeros or an earlier result of the same
 * prefix: only what this prefix sets is cleared first (a reader that parses
 * every line into one place spares clearing the whole result each time). */
bool pgm_prefix_parse_into(const pgm_prefix *p, const char *line, size_t n, pgm_prefix_fields *out);

/* What a reader remembers of the prefixes it parsed: a server's lines of one
 * process repeat their prefix but for the time ("... UTC [5053]
 * postgres@bench LOG:  "), so a line whose bytes after the time equal those
 * a parse of an earlier line read, every one of them, is parsed as that one
 * was, without the matcher (pgm_prefix_parse_memo). Only prefixes without
 * a time other than one leading the line (pgm_prefix_memo_applies). */
#define PGM_PREFIX_MEMO_SLOTS 64u
/* The bytes of a line after its time a parse may have read to be kept. */
#define PGM_PREFIX_MEMO_BYTES 112u
/* After this many lines a memo that helped fewer than one in
 * PGM_PREFIX_MEMO_MIN_SHARE of them (a prefix with a line number, %l,
 * never repeats) is no longer tried for that reader's prefix. */
#define PGM_PREFIX_MEMO_TRIAL 4096u
#define PGM_PREFIX_MEMO_MIN_SHARE 4u

typedef struct pgm_prefix_memo pgm_prefix_memo;

/* Whether a memo can help p: its only time leads the line, or it has none. */
bool pgm_prefix_memo_applies(const pgm_prefix *p);
/* A memo of p's parses for one reader (not shared between threads); a
 * reader that changes its prefix makes a new one (a freed prefix's address
 * may be another's). NULL: out of memory. */
pgm_prefix_memo *pgm_prefix_memo_new(const pgm_prefix *p);
void pgm_prefix_memo_free(pgm_prefix_memo *m);
/* pgm_prefix_parse_into, with the same result in every field, through the
 * memo: a line whose bytes after its time are those an earlier parse read
 * takes that parse's result, its slices moved onto this line. A memo of
 * another prefix (or NULL) is not used. */
bool pgm_prefix_parse_memo(const pgm_prefix *p, pgm_prefix_memo *memo, const char *line, size_t n,
                           pgm_prefix_fields *out);
/* Lines the memo answered, and lines it was asked about. */
void pgm_prefix_memo_counts(const pgm_prefix_memo *m, uint64_t *hits, uint64_t *lookups);

/* A line of the prefix and the message, without the severity between them
 * (Azure Cosmos DB for PostgreSQL's records give it apart): the fields as
 * pgm_prefix_parse gives them, severity empty. Where the session's part
 * (after %q) may be read it is, and a prefix that ends in a free-text value
 * (%u, %d, %a, ...) is never read so, as nothing tells where it ends. */
bool pgm_prefix_parse_bare(const pgm_prefix *p, const char *line, size_t n, pgm_prefix_fields *out);

/* The pid in a session id (%c: hex start time "." hex pid), or -1 when
 * `c` is not of that shape. */
int64_t pgm_prefix_pid_of_session_id(pgm_slice c);

/* "LOG:  " etc. at s: the length of the severity word, or 0. Any upper-case
 * word (translated servers) with two spaces after the colon; an English
 * one with a single space too. */
size_t pgm_prefix_severity_at(const char *s, size_t n);
/* Whether q[0..5) reads as a SQLSTATE, not as a word or a pid: digits and
 * capitals with a digit among them, and a capital or a leading 0 (as a pid
 * never has). */
bool pgm_prefix_is_sqlstate(const char *q);
/* Whether the five bytes before s[i] are a SQLSTATE that starts a word,
 * glued to a severity at i by a prefix ending in %e with no space after it
 * ("[918] 00000LOG:  connection received"). */
bool pgm_prefix_sqlstate_before(const char *s, size_t i);
/* s[0..n) is one of the server's English severity or secondary words. */
bool pgm_prefix_english_severity(const char *s, size_t n);

#endif
