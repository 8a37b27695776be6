/* The log_line_prefix read off the lines themselves, for a log that comes
 * with no configuration: the text before each line's severity is one
 * printing of the prefix; its pieces are typed (times, pids, session ids,
 * host(port), addresses, SQLSTATEs, label=value, user@db, backend types) and
 * turned back into escapes. The messages name values too: `connection
 * authorized: user=U database=D application_name=A` says which unlabeled
 * word is the user, the database, the application.
 *
 * This module proposes candidates; pglog/detect.c scores them (and the
 * platforms' defaults) on every sampled line and keeps the best. The
 * escapes' output is elog.c's log_line_prefix() (PostgreSQL 12-17). */
#ifndef PGM_INFER_H
#define PGM_INFER_H

#include <stdbool.h>
#include <stddef.h>

/* Longest spec proposed. */
#define PGM_INFER_SPEC_MAX 256u
/* How far into a line a severity is looked for: a longer prefix is none. */
#define PGM_INFER_PREFIX_MAX 512u
/* Names (users, databases, applications) learnt from the messages. */
#define PGM_INFER_NAMES_MAX 64u
#define PGM_INFER_NAME_LEN 64u

typedef struct pgm_infer_names {
    char user[PGM_INFER_NAMES_MAX][PGM_INFER_NAME_LEN];
    char db[PGM_INFER_NAMES_MAX][PGM_INFER_NAME_LEN];
    char app[PGM_INFER_NAMES_MAX][PGM_INFER_NAME_LEN];
    size_t n_user, n_db, n_app;
} pgm_infer_names;

/* Where a line's severity ("LOG:  ", "ERROR: ") starts, for the English
 * severities, with one or two spaces after the colon; false when the line
 * has none within PGM_INFER_PREFIX_MAX bytes. */
bool pgm_infer_severity(const char *line, size_t n, size_t *at);

/* The line holds a severity word of any language ("FEHLER:  ") where a
 * prefix could end: false for lines that are no server output at all
 * (pg_ctl's, a shell's, an operator's), which no prefix is blamed for. */
bool pgm_infer_has_severity(const char *line, size_t n);

/* Learns the names a message states (connection authorized, disconnection). */
void pgm_infer_learn(pgm_infer_names *names, const char *msg, size_t n);

/* Which of the learnt lists holds `v`: a mask of 1 user, 2 db, 4 app. */
unsigned pgm_infer_name_kind(const pgm_infer_names *names, const char *v, size_t n);

/* %b's values (backend types) and %i's (the ps display's command tags). */
bool pgm_infer_is_backend_type(const char *s, size_t n);
bool pgm_infer_is_command_tag(const char *s, size_t n);

/* One printing of a prefix, `inst` (the text before the severity), turned
 * into a spec; false when nothing sensible comes of it. A word with no label
 * is the name `names` knows it as; when the messages named nobody (names
 * learnt nothing) a word after the line's time, pid, session id or backend
 * type is taken for a name, user, database, application in that order
 * (pglog/detect.c weighs the guess); with NULL names it is text. */
bool pgm_infer_spec(const char *inst, size_t n, const pgm_infer_names *names,
                    char out[PGM_INFER_SPEC_MAX]);

/* The spec with %q placed before its first escape that only sessions print,
 * at each place the literal before it allows, best guess first (after the
 * last space of that literal). Returns how many were written (0 when the
 * spec has %q already or no session escape). */
size_t pgm_infer_q_variants(const char *spec, char out[][PGM_INFER_SPEC_MAX], size_t max);

#endif
