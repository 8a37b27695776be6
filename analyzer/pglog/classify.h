/* Server log records into events: the rule packs name the event kind and
 * capture its fields; the record adds what every event carries (pid, user,
 * db, app, client, level, sqlstate, msg). A message no rule knows is counted
 * by its first words, so the coverage report can say what was not understood. */
#ifndef PGM_CLASSIFY_H
#define PGM_CLASSIFY_H

#include <stdint.h>

#include "model/event.h"
#include "pglog/record.h"
#include "rules/ruleset.h"
#include "util/strbuf.h"
#include "util/text_memo.h"

/* Distinct unknown message shapes counted per input; the rest are "other". */
#define PGM_UNKNOWN_SHAPES 32u
/* Words of a message that make its shape. */
#define PGM_UNKNOWN_WORDS 3u

typedef struct pgm_unknown_shape {
    char words[64];
    uint64_t count, first_line;
} pgm_unknown_shape;

/* What a consumer reads of the events (`whole` NULL: all of every one).
 * Asked once a rule has matched: for an event it declines, only the kind,
 * time, line, the common fields but the message and the captures named in
 * `bare_fields` are made. Its free text (the message, the lines `also:`
 * attaches, the other captures) is then neither searched for secrets nor
 * copied: on a log of every statement, most of the work that was left. */
typedef struct pgm_pg_reads {
    bool (*whole)(const void *ctx, const pgm_match *m);
    const void *ctx;
    const char *const *bare_fields;   /* NULL-terminated; NULL: none */
} pgm_pg_reads;

typedef struct pgm_pg_classifier {
    pgm_ruleset *rs;
    uint32_t pg_log_bit;              /* the rules' ids for source pg_log, fields message and sqlstate */
    unsigned message_id, sqlstate_id;
    pgm_strbuf arena;                 /* the current event's strings */
    bool keep_secrets;                /* --no-redact: passwords stay in the text */
    /* Values may point into the record instead of being copied: they are
     * then not NUL-terminated (read them with pgm_field.len) and last only
     * as long as the record, the callback that hands the event on. For a
     * consumer that writes each event out at once (timeline). */
    bool borrow_values;
    pgm_pg_reads reads;
    pgm_strbuf redacted;              /* a value with its secrets taken out */
    uint64_t redactions;              /* values that had a secret */
    uint64_t events, by_sqlstate, unknown, unknown_other;
    uint64_t fields_dropped;          /* events that lost a field at PGM_EVENT_MAX_FIELDS/TEXT */
    pgm_unknown_shape shapes[PGM_UNKNOWN_SHAPES];
    size_t n_shapes;
    pgm_text_memo slots;              /* capture name -> its common field, or -1 */
} pgm_pg_classifier;

void pgm_pg_classifier_init(pgm_pg_classifier *c, pgm_ruleset *rs);
void pgm_pg_classifier_free(pgm_pg_classifier *c);
/* Forgets the counts (a new input begins). */
void pgm_pg_classifier_reset(pgm_pg_classifier *c);
/* 1 with *ev filled (its strings valid until the next call), 0 when no rule
 * knows the message (counted). Fields past the caps are left out (counted). */
int pgm_pg_classify(pgm_pg_classifier *c, const pgm_pg_record *rec, const char *path,
                    pgm_event *ev);

#endif
