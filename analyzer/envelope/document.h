/* The log entries of one JSON document, as the cloud consoles and CLIs save
 * a query's result: `gcloud logging read --format=json` (an array of Cloud
 * Logging LogEntry objects, pretty-printed), the Logs Explorer's JSON
 * download, Cloud Logging's entries.list ({"entries": [...]}), `aws logs
 * filter-log-events` and `get-log-events` ({"events": [...]}). The entries
 * are the objects of the document's array, or of the array its top-level
 * "events" or "entries" holds; everything else (the document's brackets,
 * "nextToken", "searchedLogStreams") is structure and left alone.
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

/* A top-level key kept to tell the entries' array ("entries" is the longest
 * name looked for; a longer key is no such name). */
#define PGM_DOCUMENT_KEY_MAX 16u

typedef struct pgm_document_scan {
    uint64_t depth;           /* brackets open */
    bool root_object;         /* the document's first bracket was '{' */
    bool in_string, escaped;
    bool after_colon;         /* a top-level member's value comes next */
    char key[PGM_DOCUMENT_KEY_MAX];  /* the top-level member being read ... */
    size_t key_len;
    bool key_long, in_key;
    uint64_t entries_depth;   /* 0: no entries' array open; else the depth inside it */
    /* the entry being read */
    bool in_entry;
    bool member_key_next;     /* at the entry's own level: a key comes next */
    bool in_member_key;
    size_t member_key_start;
    uint64_t entry_line;      /* where it starts */
    uint64_t payload_line;    /* where its text's key is (textPayload, message...), 0: not yet */
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
