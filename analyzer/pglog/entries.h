/* Server log entries from stderr-format lines (also the body of syslog and
 * of the managed services' exports): a primary line with its prefix, the TAB
 * continuation lines of embedded newlines, and the DETAIL, HINT, QUERY,
 * CONTEXT, LOCATION, BACKTRACE and STATEMENT lines the server writes after it
 * (each with its own prefix). Without the logging collector, lines of
 * different processes can interleave, so a secondary line joins the latest
 * entry of its own pid among the last PGM_ENTRY_PENDING ones. Entries are
 * handed to the callback in the order their primary lines came, once they
 * leave that window; memory holds at most that many entries. */
#ifndef PGM_ENTRIES_H
#define PGM_ENTRIES_H

#include <stdbool.h>
#include <stdint.h>

#include "pglog/prefix.h"
#include "util/strbuf.h"

/* Secondary lines kept per entry; more are counted as unparsed. */
#define PGM_ENTRY_MAX_PARTS 8
/* Text kept per entry (message and parts); more is cut and counted. */
#define PGM_ENTRY_MAX_TEXT (256u << 10)
/* Entries kept open for late secondary lines of their process. */
#define PGM_ENTRY_PENDING 16
/* First unparsed lines remembered for the coverage report. */
#define PGM_ENTRY_UNPARSED_SAMPLES 3

typedef struct pgm_entry_part {
    char label[12];       /* "DETAIL", "STATEMENT", ... */
    size_t off, len;      /* into the entry's text */
    uint64_t line;
} pgm_entry_part;

typedef struct pgm_entry {
    pgm_prefix_fields *f; /* of the primary line; slices point into `raw` */
    uint64_t line;        /* primary line number */
    uint64_t last_line;   /* last line that belongs to the entry */
    pgm_strbuf raw;       /* the primary line as read */
    /* the parts; first the message, once a TAB line continued it (a message
     * of one line is read where it lies in `raw`: most are, and copying each
     * was a pass over the whole log) */
    pgm_strbuf text;
    size_t message_len;   /* in `text`, when message_in_text */
    bool message_in_text;
    pgm_entry_part parts[PGM_ENTRY_MAX_PARTS];
    size_t n_parts;
} pgm_entry;

typedef void (*pgm_entry_cb)(void *ctx, const pgm_entry *e);

typedef struct pgm_entry_reader {
    const pgm_prefix *prefix;
    pgm_entry_cb cb;
    void *ctx;
    pgm_entry ring[PGM_ENTRY_PENDING];
    size_t oldest, count;   /* the pending entries, oldest first */
    pgm_entry *last;        /* the entry the previous line went to (for TAB lines) */
    pgm_strbuf scratch;     /* each line is parsed here once; a new entry takes the buffer over */
    pgm_prefix_fields *spare; /* ... and its fields, parsed here: one of `fields` */
    pgm_prefix_fields fields[PGM_ENTRY_PENDING + 1];
    pgm_prefix_memo *memo;  /* the prefixes parsed (NULL: none kept, out of memory) */
    /* which prefix each of `fields` was last parsed with (counted up by
     * pgm_entries_set_prefix): one parsed with another is cleared first */
    unsigned prefix_gen, fields_gen[PGM_ENTRY_PENDING + 1];
    uint64_t lines, primary, secondary, continuation, unparsed, cut;
    uint64_t foreign; /* of the unparsed, lines with no severity word: no server output */
    uint64_t gave_up; /* of the unparsed, lines the prefix matcher gave up on (pgm_prefix_fields) */
    /* Empty lines: inside a message (a shipper that strips a TAB-only line
     * of a statement's blank line) they join it as continuation lines once
     * its next TAB line comes; any other is counted here, not as unparsed. */
    uint64_t blank;
    uint64_t blank_pending;
    /* Set by the caller: a line with a severity word that the prefix does
     * not read is neither counted nor kept, only `deferred` set, so that the
     * caller may hold it and feed it again (pglog/reader.c reads such lines
     * anew when the prefix changed). */
    bool defer_unread;
    bool deferred;
    struct {
        uint64_t line;
        char text[96];
    } samples[PGM_ENTRY_UNPARSED_SAMPLES];
    size_t n_samples;
} pgm_entry_reader;

void pgm_entries_init(pgm_entry_reader *r, const pgm_prefix *prefix, pgm_entry_cb cb, void *ctx);
/* Lines from now on are parsed with `prefix`. The pending entries keep what
 * they were parsed into; a place a line is parsed into is cleared first when
 * an earlier prefix filled it (pgm_prefix_parse_into clears only what its
 * own prefix sets). */
void pgm_entries_set_prefix(pgm_entry_reader *r, const pgm_prefix *prefix);
/* One physical line (without its newline), numbered from 1. PGM_OK. */
int pgm_entries_feed(pgm_entry_reader *r, const char *line, size_t n, uint64_t lineno);
/* A DETAIL, HINT, QUERY, CONTEXT, LOCATION, BACKTRACE or STATEMENT line's
 * word: the line belongs to an entry before it. */
bool pgm_entries_is_secondary(pgm_slice severity);
/* Hands over the last entry. */
void pgm_entries_finish(pgm_entry_reader *r);
void pgm_entries_free(pgm_entry_reader *r);

/* The text of an entry's message / part. */
static inline pgm_slice pgm_entry_message(const pgm_entry *e)
{
    if (!e->message_in_text)
        return e->f->message;
    pgm_slice s = {e->text.p, e->message_len};
    return s;
}

#endif
