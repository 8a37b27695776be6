/* Reading one server log input, any format, into records (record.h):
 *   stderr, rds, azure   lines with a log_line_prefix (entries.c groups them)
 *   syslog               the same text inside syslog records, split lines joined
 *   cloudsql             Cloud Logging entries whose textPayload is a prefixed line
 *   azure (JSON)         Azure Monitor diagnostic records
 *   csvlog, jsonlog      the server's structured formats
 *   cnpg                 CloudNativePG's JSON with the csvlog columns in "record"
 * For prefixed text the prefix is, in this order: the one the user gave, the
 * one the bundle's configuration gave if it parses the file, else the best of
 * the common ones on the file's first lines. The reader says which and how
 * well it parsed (coverage); it never drops a line without counting it. */
#ifndef PGM_PGLOG_READER_H
#define PGM_PGLOG_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "pglog/record.h"
#include "text/tzfile.h"
#include "util/rc.h"

/* Below this share of parsed primary lines the prefix is reported as wrong. */
#define PGM_PREFIX_MIN_COVERAGE 95.0
/* Lines (and bytes) held back to choose the prefix before anything is read. */
#define PGM_PGLOG_HEAD_LINES 500u
#define PGM_PGLOG_HEAD_BYTES (1u << 20)
/* A newest-first export (see `reversed`) is held whole up to this much, then
 * read backwards; past it the rest is read as it comes, with a warning. */
#define PGM_PGLOG_REVERSE_MAX (64u << 20)
/* Split syslog messages are held for their later pieces, in the order they
 * came, and handed on as they are once a record PGM_SYSLOG_HOLD_US later
 * comes (50 ms): the server sends a message's pieces one after another
 * (elog.c, write_syslog), but a busy machine may run other processes in
 * between (a PostgreSQL 15 recorded on two cores: up to 141 records and
 * 12 ms between two pieces of one message). A message handed on this late is
 * still inside the least window a timeline puts events in order through
 * (PGM_REORDER_MIN_WINDOW_US, checked where both are known). Held at most:
 * this many messages, and this many bytes of them; past either the first
 * is handed on. A piece that comes after its message was handed on is
 * counted and said. */
#define PGM_SYSLOG_HOLD_US 50000
#define PGM_SYSLOG_PENDING 4096u
#define PGM_SYSLOG_HELD_BYTES (8u << 20)
/* Unrecognised lines remembered for the coverage report. */
#define PGM_PGLOG_SAMPLES 3u

typedef struct pgm_pglog_options {
    const char *prefix;        /* --log-line-prefix: used as is */
    bool prefix_guessed;       /* ... unless it is the one a reader chose on the file's head */
    bool head_decided;         /* a piece of a file whose head chose `prefix` (and was not newest
                                * first), or a structured format's whose head was not: read
                                * from the first line, not held and chosen again */
    const char *conf_prefix;   /* log_line_prefix from the bundle's configuration */
    const char *conf_origin;   /* where that came from ("bundle!postgresql.conf:512") */
    const char *conf_prefix_alt; /* another spelling of it (a padded dump lost a trailing space) */
    bool conf_is_hint;         /* conf_prefix is another piece's of the same log: when it does not fit, not said */
    pgm_zone tz;               /* --tz: the zone of times without a usable one */
    int year;                  /* for syslog dates without a year; 0 when unknown */
} pgm_pglog_options;

/* Lines that the prefix in use does not read although they carry a severity
 * word are held, with the lines that follow them, until a line it reads
 * comes; the prefix is then looked for again on them (reader.c). */
/* Severity lines in a row from which a changed prefix is read (a reload). */
#define PGM_PREFIX_LATE_LINES 8u
/* Lines held at most, TAB and foreign lines included, and their bytes. */
#define PGM_PREFIX_LATE_HELD 256u
#define PGM_PREFIX_LATE_BYTES (256u << 10)
/* Looks per file: a file of lines no prefix reads is not looked at forever. */
#define PGM_PREFIX_LATE_TRIES 64u

/* A line the reader could not place, kept for the coverage report. */
typedef struct pgm_pglog_sample {
    uint64_t line;
    char text[100];
} pgm_pglog_sample;

typedef struct pgm_pglog_coverage {
    uint64_t lines;            /* physical lines read */
    uint64_t records;          /* messages produced */
    uint64_t continuation;     /* TAB lines and split syslog chunks joined to a message */
    uint64_t secondary;        /* DETAIL/HINT/... lines joined to their message */
    uint64_t unparsed;         /* lines that are none of these */
    uint64_t blank;            /* empty lines outside any message */
    uint64_t nul_bytes;        /* NUL bytes skipped at lines' starts (a zero-filled block) */
    uint64_t nul_first_line;
    uint64_t cut;              /* messages or parts cut at a limit */
    uint64_t no_time;          /* records without a usable time */
    uint64_t zone_guessed;     /* times read without a zone (UTC or --tz) */
    uint64_t zone_unknown;     /* zone abbreviation not resolvable and no --tz */
    uint64_t translated;       /* severity words that are not English */
    uint64_t odd_columns;      /* csvlog records of a column count the server does not write */
    uint64_t yearless;         /* syslog records with a date without its year */
    uint64_t late_pieces;      /* syslog pieces that came after their message was handed on */
    uint64_t prefix_gave_up;   /* of the unparsed, lines the prefix matcher gave up on at its bounds */
    bool reversed;             /* newest first: read backwards */
    bool reversed_cut;         /* ... but too big to hold: only its start was */
    pgm_pglog_sample samples[PGM_PGLOG_SAMPLES];
    size_t n_samples;
    /* prefixed formats: lines that are no server output (no severity word at
     * all: pg_ctl's, a shell's, an operator's), not blamed on the prefix */
    uint64_t foreign;
    pgm_pglog_sample foreign_samples[PGM_PGLOG_SAMPLES];
    size_t n_foreign_samples;
    /* prefixed formats only */
    char prefix[256];          /* the log_line_prefix used */
    char prefix_origin[160];   /* "--log-line-prefix", "detected: Debian/Ubuntu default"... */
    char prefix_unfit[160];    /* the configuration's prefix, when it did not fit the lines */
    char prefix_rival[256];    /* detected: another prefix that reads the lines as well with
                                * other fields; configured: the one the lines suggest */
    uint64_t primary_tried, primary_parsed; /* on the lines it was chosen on */
    /* Lines the prefix did not read made it be looked for again, and
     * another one read them: how often, and the first time. */
    uint64_t prefix_switches;
    uint64_t prefix_switch_line;
    char prefix_switched[256];
    bool prefix_changed;       /* ... and it reads none of the lines before: the prefix changed */
    uint64_t late_given_up;    /* the line after which such lines were no longer looked at
                                * (PGM_PREFIX_LATE_TRIES looks); 0: never */
} pgm_pglog_coverage;

typedef struct pgm_pglog_reader pgm_pglog_reader;

/* `format` is a sniffer format of kind pg_log. PGM_OK, or PGM_FAILED with
 * `err` (unknown format, a --log-line-prefix that does not compile). */
int pgm_pglog_open(pgm_pglog_reader **out, const char *format, const pgm_pglog_options *opt,
                   pgm_pg_record_cb cb, void *ctx, char err[PGM_ERR_MAX]);
/* One physical line, without its newline, numbered from 1. */
void pgm_pglog_feed(pgm_pglog_reader *r, const char *line, size_t n, uint64_t lineno);
/* Chooses the prefix now, on the lines fed so far (the coverage then names
 * it). Returns true when the file looks newest first. For a caller that
 * splits a file: it decides on the head, then forces the prefix on the parts. */
bool pgm_pglog_decide(pgm_pglog_reader *r);
/* End of input: hands over what is still pending. */
void pgm_pglog_finish(pgm_pglog_reader *r);
const pgm_pglog_coverage *pgm_pglog_get_coverage(const pgm_pglog_reader *r);
/* Prefixed formats: the prefix parsed fewer than PGM_PREFIX_MIN_COVERAGE
 * percent of the primary lines it was chosen on. */
bool pgm_pglog_prefix_doubtful(const pgm_pglog_reader *r);
/* Every entry's time is the time its line starts with (a plain prefixed log
 * read first line to last, its prefix led by %m or %t): once the prefix is
 * chosen, that is, from the first record on. */
bool pgm_pglog_time_led(const pgm_pglog_reader *r);
void pgm_pglog_close(pgm_pglog_reader *r);

/* An RFC 5424 syslog header, from the version after "<PRI>": "1 TIMESTAMP
 * HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG" (rsyslog's
 * RSYSLOG_SyslogProtocol23Format, syslog-ng's network destinations,
 * Heroku's drain). */
typedef struct pgm_syslog_rfc5424 {
    int64_t t;
    int zone;          /* enum pgm_ts_zone */
    pgm_slice app, procid;
    size_t msg;        /* where MSG starts in the text given; rsyslog's
                          extra spaces before a [SEQ-CHUNK] skipped */
} pgm_syslog_rfc5424;
/* False when `s` (after "<PRI>") is no such header. */
bool pgm_syslog_parse_rfc5424(const char *s, size_t n, pgm_syslog_rfc5424 *out);
/* The pid in an RFC 5424 PROCID: its leading digits, or the digits after
 * Heroku's "postgres."; -1 when there are none. */
int64_t pgm_syslog_procid_pid(pgm_slice procid);

/* RFC 6587's octet counting before a record: "MSG-LEN SP <PRI>...". The
 * length of the count and its space when `s` starts with one, the count in
 * *frame; 0 when it does not. */
size_t pgm_syslog_octet_count(const char *s, size_t n, size_t *frame);

/* A syslog record's header as the reader takes it (syslog.c): its own time
 * (a BSD date in `year`; PGM_TS_UNKNOWN when that is 0) and the server's
 * text after it. */
typedef struct pgm_syslog_head_time {
    int64_t t;
    enum pgm_ts_zone zone;
    bool yearless;    /* a BSD date: no year of its own */
    bool later_piece; /* [SEQ-CHUNK] past 1: the rest of a message, dated by its first piece */
    pgm_slice body;
} pgm_syslog_head_time;
/* False when the line is no syslog record. */
bool pgm_syslog_head_of(const char *line, size_t n, int year, pgm_syslog_head_time *out);

/* Is `sev` an English severity word of the server ("LOG", "FATAL", ...)? */
bool pgm_pglog_severity_is_english(pgm_slice sev);

#endif
