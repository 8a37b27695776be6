/* Envelopes: the lines a container runtime, kubectl or the systemd journal
 * wrap around a program's own output. Each wrapper line carries a time of
 * its own (when the runtime or journald received the line) and whose line it
 * is; the program's line is inside. This module tells the wrapper from a
 * file's head and takes one wrapper line apart; unwrap.h reads a whole file.
 *
 * The forms, as their writers print them:
 *   cri      containerd and CRI-O (Kubernetes' /var/log/pods/.../N.log):
 *            "2026-11-27T02:20:35.861000000Z stdout F <line>", P for a piece
 *            of a longer line (the kubelet's CRI logging format).
 *   docker   Docker's json-file driver: {"log":"<line>\n","stream":"stdout",
 *            "time":"..."}; a "log" without its "\n" is a piece of a longer line.
 *   kubectl  `kubectl logs` with --prefix ("[pod/NAME/CONTAINER] <line>"),
 *            --timestamps ("2026-11-27T02:20:35.861000000Z <line>"), or both
 *            (the prefix first).
 *   stern    stern's default template, colours off (written to a file):
 *            "POD CONTAINER <line>".
 *   compose  `docker compose logs` (and docker-compose 1.x) written to a file:
 *            "NAME | <line>", the container's name padded with spaces to the
 *            longest one's width plus one, so that the bars line up (compose's
 *            cmd/formatter/logs.go: "%-*s | "); with --timestamps Docker's time
 *            with nine digits of fraction after the bar
 *            ("db-1  | 2026-11-27T02:20:35.313000000Z <line>").
 *   loki     Grafana Loki's logcli query, its default output: "TIME {LABELS}
 *            <line>", TIME RFC 3339 to the second in logcli's --timezone,
 *            the label set as Prometheus prints one ({app="x", pod="y"})
 *            padded to the widest of the output, the line trimmed
 *            (pkg/logcli/output/default.go); newest first unless --forward.
 *   cloudwatch  `aws logs tail` (its default, detailed format): "TIME STREAM
 *            <message>", TIME in UTC to the microsecond with "+00:00"
 *            (awscli's customizations/logs/tail.py, isoformat); a message of
 *            several lines (RDS writes a statement's lines as one event)
 *            goes on below its first line without the time and stream.
 *   loki-json  logcli --output=jsonl: {"labels":{...},"line":"<line>",
 *            "timestamp":"<RFC 3339, nanoseconds>"} (output/jsonl.go).
 *   cloud-logging  Google Cloud Logging's entries in one JSON document:
 *            `gcloud logging read --format=json` (an array of LogEntry
 *            objects, pretty-printed, newest first unless --order=asc), the
 *            Logs Explorer's JSON download, entries.list's {"entries": [...]}
 *            (envelope/document.h). Each entry is handed on as one line of
 *            compact JSON, as an export to Cloud Storage writes it, so that
 *            Cloud SQL's entries read as its log (the "cloudsql" format).
 *   cloudwatch-json  CloudWatch Logs' events in one JSON document: `aws
 *            logs filter-log-events` and `get-log-events` ({"events":
 *            [{"logStreamName", "timestamp" in milliseconds, "message"},
 *            ...]}, awscli's JSON output). Each event's message, with its
 *            time and log stream.
 *   loki-api  Grafana Loki's HTTP API answer to a log query (query_range,
 *            query), as curl saves it (one line) or jq indents it:
 *            {"status", "data": {"resultType": "streams", "result":
 *            [{"stream": {LABELS}, "values": [["<ns since the epoch>",
 *            "<line>"], ...]}]}} (Loki's pkg/loghttp), newest first unless
 *            direction=forward. Each value's line, its time, its stream.
 *   journal  journalctl -o short, short-precise, short-iso, short-iso-precise,
 *            short-full, short-unix: "TIME HOST IDENT[PID]: <line>", a tab of
 *            the line shown as 8 spaces, further lines of one message
 *            indented under the first (systemd's logs-show.c).
 *   journal-json    journalctl -o json / json-seq: one object per entry, MESSAGE,
 *            __REALTIME_TIMESTAMP (microseconds), _SYSTEMD_UNIT, _PID ...; a
 *            MESSAGE that is not valid text is an array of byte values.
 *   journal-export  journalctl -o export (systemd's JOURNAL_EXPORT_FORMATS):
 *            KEY=VALUE lines, an empty line after each entry; a value that is
 *            not plain text is KEY, a newline, its size as 8 little-endian
 *            bytes, the bytes and a newline. */
#ifndef PGM_ENVELOPE_H
#define PGM_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pglog/prefix.h" /* pgm_slice */

enum pgm_envelope_kind {
    PGM_ENVELOPE_NONE,
    PGM_ENVELOPE_CRI,
    PGM_ENVELOPE_DOCKER,
    PGM_ENVELOPE_KUBECTL,
    PGM_ENVELOPE_JOURNAL,
    PGM_ENVELOPE_JOURNAL_JSON,
    PGM_ENVELOPE_JOURNAL_EXPORT,
    PGM_ENVELOPE_STERN,
    PGM_ENVELOPE_COMPOSE,
    PGM_ENVELOPE_LOKI,
    PGM_ENVELOPE_LOKI_JSON,
    PGM_ENVELOPE_CLOUDWATCH,
    PGM_ENVELOPE_CLOUD_LOGGING,
    PGM_ENVELOPE_CLOUDWATCH_JSON,
    PGM_ENVELOPE_LOKI_API,
};

typedef struct pgm_envelope {
    enum pgm_envelope_kind kind;
    /* kubectl: --prefix wrote the lines; kubectl and compose: --timestamps */
    bool kubectl_prefix, timestamps;
    /* the head holds the lines of several sources (units, pods): read them
     * apart (envelope/demux.h) */
    bool several_sources;
} pgm_envelope;

/* Wrapper lines the detector looks at, at most, and the share of them that
 * must be of one form (in percent) for the file to be read as wrapped. */
#define PGM_ENVELOPE_DETECT_LINES 64u
#define PGM_ENVELOPE_DETECT_SHARE 60u

/* The envelopes whose form most of a file's head (`complete`: the whole file
 * is in it) has, most specific first: `out` gets them, the count is returned
 * (0: none). One head can fit several: "[pod/p/c] 2026-11-27T02:20:35.861Z
 * INFO ..." is kubectl --prefix around a line with an RFC 3339 time, or
 * --prefix --timestamps around the rest of the line; the caller tells them
 * apart by what is inside (pgm_unwrap_sniff). */
#define PGM_ENVELOPE_MAX_CANDIDATES 16u
size_t pgm_envelope_candidates(const unsigned char *head, size_t n, bool complete,
                               pgm_envelope out[PGM_ENVELOPE_MAX_CANDIDATES]);

/* The envelope names whose each line is (the journal's unit or identifier,
 * kubectl --prefix's pod and container): a file of it may hold several. */
bool pgm_envelope_has_sources(const pgm_envelope *env);

/* "cri", "docker", "kubectl", "journal", "journal-json", "journal-export",
 * "stern", "compose", "loki", "loki-json", "cloudwatch", "cloud-logging",
 * "cloudwatch-json", "loki-api"; "" for none. */
const char *pgm_envelope_name(enum pgm_envelope_kind k);

/* One wrapper line taken apart (cri, docker, kubectl, journal short forms,
 * journal-json). `text` points into the line or into the scratch buffer the
 * caller gave; for journal-json it may hold several lines ('\n' between). */
typedef struct pgm_envelope_line {
    pgm_slice text;
    int64_t t;              /* UTC microseconds, or PGM_TS_UNKNOWN */
    bool zone_guessed;      /* the wrapper printed no zone (journal short): read as UTC */
    bool yearless;          /* ... nor a year (journal short, short-precise: "Nov 27"): `year`'s */
    bool partial;           /* cri P, docker without its "\n": the line goes on in the next piece */
    bool stderr_stream;     /* cri, docker: written to stderr */
    bool decoration;        /* journalctl's "-- Boot ... --", "-- No entries --": no line inside */
    bool continuation;      /* journal short: a further line of the message above */
    pgm_slice source;       /* kubectl's pod/container, the journal's unit or identifier, compose's container,
                             * Loki's stream (its pod/container, or another label that names it),
                             * CloudWatch's log stream */
    pgm_slice pid, host;    /* journal: _PID and _HOSTNAME (short forms: the host column) */
} pgm_envelope_line;

struct pgm_strbuf;
struct pgm_jsonflat;
/* Whether the envelope's entries are those of one JSON document
 * (envelope/document.h): cloud-logging, cloudwatch-json, loki-api. Their "line" for
 * pgm_envelope_parse is one entry, white space outside strings left out. */
bool pgm_envelope_is_document(const pgm_envelope *env);

/* Takes one line apart. `year` dates the journal's "Nov 27" (0: unknown, the
 * time is then unknown). `indent` is the width of the journal short prefix of
 * the line before (0: none), so that a further line of its message is known.
 * `scratch` and `json` hold what is unescaped. False when the line is not of
 * the form. */
bool pgm_envelope_parse(const pgm_envelope *env, const char *line, size_t n, int year, size_t indent,
                        struct pgm_strbuf *scratch, struct pgm_jsonflat *json, pgm_envelope_line *out,
                        size_t *prefix_width);

#endif
