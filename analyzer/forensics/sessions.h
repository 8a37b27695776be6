/* Backend sessions paired from a server log's events, and the exact curve of
 * open client sessions they make. Fed the events of one server in the order
 * the server wrote them; memory grows with the sessions, not the log.
 *   - a session opens at `connection authorized` (not a replication one),
 *   - ends at its `disconnection`, at a FATAL or PANIC of its pid, when the
 *     server restarts or crashes (every open session ends, without a line),
 *     or when its pid is authorized again (the old one ended unseen);
 *   - where lines carry a session id (%c, csvlog, jsonlog), a line of the
 *     same pid with another id belongs to another session: the open one
 *     ended unseen;
 *   - a disconnection of a pid never seen authorized is a session that began
 *     before the log: its start comes from `session time:`;
 *   - whatever is open at the end stays open (or the caller closes it).
 * The curve counts what the server counts against max_connections' client
 * slots: fixtures/record/truth.py replays the csvlog the same way. */
#ifndef PGM_SESSIONS_H
#define PGM_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/event.h"

/* A row's backend_start and the log's authorization of the same session differ by at most this. */
#define PGM_SESSIONS_HINT_SLACK_US (2LL * 1000000)
/* Server starts remembered (the epochs a growth is followed in), at most. */
#define PGM_SESSIONS_MAX_STARTS 256u
/* Applications with a curve of their own, at most; the rest share "(other)". */
#define PGM_SESSIONS_MAX_APPS 64u
/* Sessions kept; more are neither listed nor in the curves: counted as
 * dropped (pgm_sessions_dropped), which analyze says. One less than 2^22:
 * a session's who (at most one new per session, beside who 0) fits its bits. */
#define PGM_SESSION_WHO_BITS 22
#define PGM_SESSIONS_MAX ((1u << PGM_SESSION_WHO_BITS) - 1)

enum pgm_session_start { PGM_START_AUTHORIZED, PGM_START_BEFORE_LOG };
enum pgm_session_end {
    PGM_END_OPEN,          /* still open when the evidence ends */
    PGM_END_DISCONNECTED,  /* its disconnection line */
    PGM_END_FATAL,         /* a FATAL or PANIC of its pid (lost, refused after authorization...) */
    PGM_END_TERMINATED,    /* the server ended it: an administrator, a session timeout */
    PGM_END_RESTART,       /* the server crashed or restarted */
    PGM_END_PID_REUSED     /* its pid was authorized again: it ended unseen */
};

/* Who a session was: its user, database and client (interned, "" when
 * unknown). Sessions of the same three share one (pgm_session.who). */
typedef struct pgm_who {
    const char *user, *db, *client;
} pgm_who;

/* One of the three, picked by number (the series by user, database, client). */
enum pgm_who_part { PGM_WHO_USER, PGM_WHO_DB, PGM_WHO_CLIENT };
static inline const char *pgm_who_part(const pgm_who *w, enum pgm_who_part part)
{
    return part == PGM_WHO_USER ? w->user : part == PGM_WHO_DB ? w->db : w->client;
}

/* Where a line is, in one word: its file (an index into the log's cited
 * paths, pgm_sessions_cited_path) and its number (pgm_cite_line; 0: none). */
typedef uint64_t pgm_cite;
#define PGM_CITE_LINE_BITS 40
/* A line numbered past this (in a file of more than a terabyte) is cited without its number. */
#define PGM_SESSIONS_MAX_CITED_LINE ((UINT64_C(1) << PGM_CITE_LINE_BITS) - 1)
static inline uint64_t pgm_cite_line(pgm_cite c) { return c & PGM_SESSIONS_MAX_CITED_LINE; }

/* 40 bytes: a leak of two million sessions that never close keeps two
 * million of these (and, to find an open one by its pid, 4-byte slots in a
 * set kept between a quarter and half full: 8 to 16 bytes each); ended ones
 * are packed (forensics/session_store.h). Its who, application and ends in
 * one word, as bit-fields. */
typedef struct pgm_session {
    int32_t pid;
    unsigned who : PGM_SESSION_WHO_BITS;  /* index: pgm_sessions_who */
    unsigned app : 6;                     /* index into the application names (< PGM_SESSIONS_MAX_APPS) */
    unsigned how_start : 1;               /* enum pgm_session_start */
    unsigned how_end : 3;                 /* enum pgm_session_end */
    int64_t start, end;                   /* UTC us; end PGM_TS_UNKNOWN while open */
    pgm_cite start_at, end_at;            /* its first and last lines; end_at 0 while open (once
                                           * finished: before, the pairing keeps its %c start there) */
} pgm_session;
_Static_assert(sizeof(pgm_session) == 40, "a session stays 40 bytes");
_Static_assert(PGM_SESSIONS_MAX_APPS <= 64, "an application's index fits its 6 bits");
_Static_assert(PGM_END_PID_REUSED < 8 && PGM_START_BEFORE_LOG < 2, "how a session began and ended fit their bits");

/* 12 bytes, packed: a log of two million sessions makes about four million
 * points in the whole curve and as many again in its applications'. */
typedef struct __attribute__((packed)) pgm_curve_point {
    int64_t t;
    int32_t open;
} pgm_curve_point;

typedef struct pgm_curve {
    pgm_curve_point *p;
    size_t n, alloc;
    int32_t peak;
    int64_t peak_at;                    /* the first time the peak was reached */
    const char *peak_path;              /* the line that opened the session reaching it */
    uint64_t peak_line;
} pgm_curve;

typedef struct pgm_sessions pgm_sessions;

int pgm_sessions_open(pgm_sessions **out);
/* One event of the server log, in the server's order. */
void pgm_sessions_event(pgm_sessions *s, const pgm_event *e);
/* What a pg_stat_activity row says of a session: seen at `seen`, with this
 * pid and backend_start (PGM_TS_UNKNOWN when the dump lacks it). */
typedef struct pgm_app_hint {
    int pid;
    int64_t seen, backend_start;
    const char *app, *user, *db, *client;
} pgm_app_hint;
/* Before pgm_sessions_finish: a session the log names no application for
 * takes the one a row shows for it (same pid, open when the row was seen,
 * started within PGM_SESSIONS_HINT_SLACK_US of its backend_start). Then
 * every unnamed session of the same user, database and client takes that
 * name too, unless the log or the rows show another name for them. Returns
 * the sessions named; `inferred` gets how many of them by the second rule. */
size_t pgm_sessions_name_apps(pgm_sessions *s, const pgm_app_hint *hints, size_t n, size_t *inferred);
/* Whether a row seen at `seen` (its pid the session's) shows this session:
 * open then, and started within PGM_SESSIONS_HINT_SLACK_US of the row's
 * backend_start (any start when the dump lacks it). 0 when it does not,
 * else 1 + the gap between the two starts in microseconds (the closest wins). */
int64_t pgm_session_shown_by_row(const pgm_session *v, int64_t seen, int64_t backend_start);
/* Builds the curves. Call once, after the last event. PGM_OK or PGM_FATAL. */
int pgm_sessions_finish(pgm_sessions *s);
void pgm_sessions_close(pgm_sessions *s);

/* The sessions, numbered from 0 in the order they began in the log (those
 * from before it where their end was read); each read as a copy, since
 * ended ones are kept packed (forensics/session_store.h). */
size_t pgm_sessions_count(const pgm_sessions *s);
pgm_session pgm_sessions_get(const pgm_sessions *s, size_t i);
/* Only session i's start and end (cheaper than the whole of it). */
void pgm_sessions_times(const pgm_sessions *s, size_t i, int64_t *start, int64_t *end);
/* The log's changes of the open count, in the order it wrote them: each a
 * session's number times two, plus one for its end (a session from before
 * the log has only its end among them). */
size_t pgm_sessions_change_count(const pgm_sessions *s);
uint32_t pgm_sessions_change(const pgm_sessions *s, size_t i);
/* The time of a change (a number as pgm_sessions_change gives, or a
 * session's number times two for its start): its session's start or end. */
int64_t pgm_sessions_change_time(const pgm_sessions *s, uint32_t change);
/* A session's user, database and client. */
const pgm_who *pgm_sessions_who(const pgm_sessions *s, const pgm_session *v);
/* How a user's, database's or client's name (a pgm_who's) is shown as a
 * report's key: PGM_LABEL_UNKNOWN for "", quoted when it could read as a
 * label (util/label.h), else as it is; a stable pointer per distinct name. */
const char *pgm_sessions_label(const pgm_sessions *s, const char *name);
/* The file a cite names ("" for none). */
const char *pgm_sessions_cited_path(const pgm_sessions *s, pgm_cite c);
/* The open sessions of each value of a key (a user, a database, a client)
 * at each instant a session of it began or ended, key by key in the order
 * of their texts, one point per instant (its last value); streamed, so that
 * memory grows with the keys and 4 bytes a change, not with the points:
 * begin(key, points, first and last time), then each point, then end. A
 * session from before the log counts from the start its session time gives. */
typedef struct pgm_keyed_walk {
    /* a stable pointer per distinct key, by who a session was (asked once per who) */
    const char *(*key_of)(void *ctx, const pgm_sessions *s, const pgm_who *w);
    void (*begin)(void *ctx, const char *key, size_t n_points, int64_t first, int64_t last);
    void (*point)(void *ctx, const pgm_curve_point *p);
    void (*end)(void *ctx);
    void *ctx;
    /* 0: every key its own curve; else the max_keys whose points go
     * highest (ties: the first text), the others' sessions together as one
     * more key, `other`, in the order of the texts with the rest */
    size_t max_keys;
    const char *other;
} pgm_keyed_walk;
/* PGM_OK, or PGM_FATAL when memory ran out (nothing or part walked);
 * *folded (when not NULL) gets how many keys went into `other`. */
int pgm_sessions_walk_keyed(const pgm_sessions *s, const pgm_keyed_walk *w, size_t *folded);
/* How many keys a walk with this key_of would have (its sessions with a
 * start or an end in time), without walking: 0 when memory ran out. */
size_t pgm_sessions_count_keys(const pgm_sessions *s,
                               const char *(*key_of)(void *ctx, const pgm_sessions *s, const pgm_who *w), void *ctx);
/* The curve of all client sessions, and of one application (index). */
const pgm_curve *pgm_sessions_curve(const pgm_sessions *s);
const pgm_curve *pgm_sessions_app_curve(const pgm_sessions *s, unsigned app);
size_t pgm_sessions_app_count(const pgm_sessions *s);
/* After pgm_sessions_finish: the curve of the sessions `member` keeps (one
 * application's pod, say), built as the whole curve is; the caller frees
 * out->p. PGM_OK, or PGM_FATAL when memory ran out (out empty). */
int pgm_sessions_subset_curve(const pgm_sessions *s, bool (*member)(void *ctx, const pgm_session *v), void *ctx,
                              pgm_curve *out);
const char *pgm_sessions_app_name(const pgm_sessions *s, unsigned app);
/* Refusals for lack of slots (too many clients, reserved slots): count, first. */
uint64_t pgm_sessions_refusals(const pgm_sessions *s, int64_t *first);
/* Where the first refusal was logged (NULL: none). */
const char *pgm_sessions_first_refusal_at(const pgm_sessions *s, uint64_t *line);
/* The first refusal's event kind (conn.refused.too_many_clients, .reserved_slots,
 * .role_limit, .database_limit...), 0 when none. */
unsigned pgm_sessions_first_refusal_kind(const pgm_sessions *s);
/* The first refusal for lack of the server's own slots (too many clients, or
 * the rest reserved), PGM_TS_UNKNOWN when none; its line in *path, *line. */
int64_t pgm_sessions_first_slot_refusal(const pgm_sessions *s, const char **path, uint64_t *line);
/* Sessions still open at the end, and restarts seen. */
size_t pgm_sessions_open_at_end(const pgm_sessions *s);
unsigned pgm_sessions_restarts(const pgm_sessions *s);
/* Past the bounds: the applications' names of sessions told apart per log
 * (those past PGM_SESSIONS_MAX_APPS - 1 are "(other)", one group), and the
 * server starts kept (PGM_SESSIONS_MAX_STARTS): how many went past. */
void pgm_sessions_over(const pgm_sessions *s, uint64_t *apps_over, uint64_t *starts_over);
/* The times the server started (`starting PostgreSQL`), in order, and the
 * lines that say so. */
const int64_t *pgm_sessions_starts(const pgm_sessions *s, size_t *n);
const uint64_t *pgm_sessions_start_lines(const pgm_sessions *s);
/* And their files (a rotated log's pieces are one server's). */
const char *const *pgm_sessions_start_paths(const pgm_sessions *s);
/* The newest time the log showed (a session still open was open until then). */
int64_t pgm_sessions_last_time(const pgm_sessions *s);
/* How long a session held its slot (to its end, or to the log's last line
 * while open), in microseconds; -1 when its start is unknown. */
int64_t pgm_session_held_us(const pgm_sessions *s, const pgm_session *v);
/* The `cap` sessions that held their slots longest, longest first, as numbers
 * (pgm_sessions_get), leaving out those `skip` (when not NULL) says to.
 * Returns how many. */
size_t pgm_sessions_longest(const pgm_sessions *s, size_t *out, size_t cap,
                            bool (*skip)(void *ctx, const pgm_session *v), void *ctx);
/* "disconnected", "fatal", "restart"...: how a session ended, as the reports name it. */
const char *pgm_session_end_name(enum pgm_session_end e);
/* False when memory ran out: the results are incomplete. */
bool pgm_sessions_complete(const pgm_sessions *s);
/* Sessions not tracked: past PGM_SESSIONS_MAX. */
uint64_t pgm_sessions_dropped(const pgm_sessions *s);

#endif
