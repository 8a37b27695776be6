/* The log entries of one JSON document, as the cloud consoles and CLIs save
 * a query's result: `gcloud logging read --format=json` (an array of Cloud
 * Logging LogEntry objects, pretty-printed), the Logs Explorer's JSON
 * download, Cloud Logging's entries.list ({"entries": [...]}), `aws logs
 * filter-log-events` and `get-log-events` ({"events": [...]}), Grafana
 * Loki's HTTP API answer to a log query ({"data": {"result": [{"stream":
 * {LABELS}, "values": [["<ns>", "<line>"], ...]}]}}). The entries are the
 * objects of the document's array, or of the array its top-level "events" or
 * "entries" holds, or Loki's values; everything else (the document's
 * brackets, "nextToken", "searchedLogStreams", Loki's "stats") is structure
 * and left alone.
 *
 * A Loki value is handed on as the object logcli --output=jsonl prints for
 * it, {"labels": {LABELS}, "timestamp": "<ns>", "line": "<line>"} (a third
 * element, structured metadata, as "metadata"): the labels of its stream
 * come before its values, as Loki writes them.
 *
 * The document is read as its lines come, an entry at a time, so that a
 * document of any size takes the memory of one entry; several entries may
 * share a line (a compact document) and one entry may span many. */
#ifndef PGM_DOCUMENT_H
#define PGM_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

/* A key kept to tell where the entries are ("entries" is the longest name
 * looked for; a longer key is no such name). */
#define PGM_DOCUMENT_KEY_MAX 16u
/* Levels whose keys are kept: Loki's values are under data, result, an
 * element of it and values. */
#define PGM_DOCUMENT_KEY_LEVELS 4u
/* Bytes of a Loki stream's labels kept for its values (more: its values go
 * on without them, named by no label). */
#define PGM_DOCUMENT_LABELS_CAP (16u << 10)

typedef struct pgm_document_scan {
    uint64_t depth;           /* brackets open */
    uint64_t objects;         /* bit d - 1: the bracket open at depth d (d <= 64) is an object's */
    bool in_string, escaped;
    bool key_next;            /* in an object, where a key comes next */
    /* the key last read at each of the first levels, to find the entries */
    char keys[PGM_DOCUMENT_KEY_LEVELS][PGM_DOCUMENT_KEY_MAX];
    size_t key_lens[PGM_DOCUMENT_KEY_LEVELS]; /* PGM_DOCUMENT_KEY_MAX + 1: longer */
    uint64_t key_level;       /* the level whose key is being read; 0: none */
    uint64_t entries_depth;   /* 0: no entries' array open; else the depth inside it */
    bool loki;                /* ... Loki's values: arrays, labelled by their stream */
    pgm_strbuf labels;        /* Loki: the stream's labels, as written */
    bool in_labels, labels_cut;
    /* the entry being read */
    bool in_entry;
    bool in_member_key;
    size_t member_key_start;
    unsigned element;         /* Loki: the value's element being read */
    uint64_t entry_line;      /* where it starts */
    uint64_t payload_line;    /* where its text is (textPayload, message, Loki's line), 0: not yet */
    pgm_strbuf entry;         /* its bytes, white space outside strings left out */
    bool entry_cut;           /* longer than the buffer holds */
} pgm_document_scan;

/* `max_entry`: the longest entry kept (a longer one is read past, cut). */
void pgm_document_scan_init(pgm_document_scan *d, size_t max_entry);
void pgm_document_scan_free(pgm_document_scan *d);

/* Reads the line `lineno` (its bytes without the newline) from *pos on.
 * True when an entry ended: it is in d->entry (d->entry_cut: cut), *pos is
 * after it, and the rest of the line is read by the next call. False when
 * the line was read to its end. */
bool pgm_document_scan_line(pgm_document_scan *d, const char *p, size_t n, size_t *pos, uint64_t lineno);

/* Whether the document's head `p` opens like a JSON document (white space,
 * then '[' or '{'). */
bool pgm_document_opens(const char *p, size_t n);

#endif
