/* Recognises what a file is (kind) and how it is written (format) from its
 * first bytes; the name is only a tie-breaker. Kind and format names are the
 * CONTRACTS.md `inputs[].kind` / `inputs[].format` strings. */
#ifndef PGM_SNIFF_H
#define PGM_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

enum pgm_kind {
    PGM_KIND_UNKNOWN,
    PGM_KIND_PG_LOG,
    PGM_KIND_PG_CONF,
    PGM_KIND_PG_SETTINGS,
    PGM_KIND_SPRING_CONF,
    PGM_KIND_HIKARI_CONF,
    PGM_KIND_APP_LOG,
    PGM_KIND_PG_STAT_ACTIVITY,
    PGM_KIND_K8S_MANIFEST,
    PGM_KIND_ENV_FILE,
    PGM_KIND_SYSTEM_LOG,     /* what systemd (PID 1) and the kernel say, as the journal keeps it */
    PGM_KIND_K8S_POD,        /* `kubectl describe pod` output */
    PGM_KIND_K8S_EVENTS,     /* `kubectl get events` output: a table or -o json */
    PGM_KIND_PGBOUNCER_LOG,  /* PgBouncer's log: its logfile, stderr or syslog */
    PGM_KIND_PGBOUNCER_CONF, /* pgbouncer.ini */
    PGM_KIND_PGBOUNCER_SHOW, /* its admin console's SHOW POOLS, CLIENTS, SERVERS, STATS, LISTS as psql prints them */
};

typedef struct pgm_sniff {
    enum pgm_kind kind;
    const char *format;    /* "stderr", "csvlog", "aligned", ...; "binary", "journal-file", "empty",
                            * "text" for unknown */
    bool has_timestamps;   /* lines carry times worth a first/last column */
} pgm_sniff;

/* `head` is the file's first bytes; `complete` says the whole file is in it. */
pgm_sniff pgm_sniff_file(const char *name, const unsigned char *head, size_t n, bool complete);
const char *pgm_kind_name(enum pgm_kind k);

/* Lines of the head the sniffer looks at, at most. */
#define PGM_SNIFF_MAX_LINES 200u
/* NUL bytes in a row that are a zero-filled block, not a binary file's. */
#define PGM_SNIFF_NUL_RUN 64u

/* Said of a file of unknown kind with a time on most lines (has_timestamps):
 * a log, but none that pgmortem reads; its lines are in no timeline. */
#define PGM_LOG_LIKE_UNKNOWN \
    "a time on most lines, but no log format pgmortem reads: its lines are left out of the timeline"
/* ... and of a JSON document with times in it (an export of log entries of
 * a shape pgmortem does not read, an audit log). */
#define PGM_LOG_LIKE_UNKNOWN_JSON                                                                          \
    "JSON with times in it, but no log entries pgmortem reads (Cloud Logging's, CloudWatch Logs', Loki's, " \
    "the journal's, Docker's): left out of the timeline"
/* ... and of Grafana Loki's HTTP API JSON whose head holds no value the
 * loki-api envelope reads (envelope/document.h), with what to save instead. */
#define PGM_LOG_LIKE_LOKI_API                                                                                \
    "Grafana Loki's HTTP API JSON (query_range) with no log line pgmortem reads in its head: left out of " \
    "the timeline; save the lines with logcli query --output=jsonl (or --output=raw)"
/* The format of a systemd journal file (journald's own binary format, its
 * header's signature "LPKSHHRH": systemd's journal-def.h), a log no reader
 * takes ... */
#define PGM_FORMAT_JOURNAL_FILE "journal-file"
/* ... and what is said of one, with what to give instead. */
#define PGM_LOG_LIKE_JOURNAL_FILE                                                                         \
    "a systemd journal file (journald's binary format), which pgmortem does not read: its entries are left " \
    "out of the timeline; give its export instead (journalctl --file FILE -o export > FILE.export)"
/* Whether a file of unknown kind is a log all the same (times on most of
 * its lines, a journal file), which none of pgmortem's readers takes: said
 * (pgm_sniff_log_like_said), exit 2. */
bool pgm_sniff_log_like(const pgm_sniff *sn);
/* What is said of such a file. */
const char *pgm_sniff_log_like_said(const pgm_sniff *sn);

#endif
