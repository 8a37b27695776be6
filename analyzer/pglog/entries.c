#include "pglog/entries.h"

#include <stdio.h>
#include <string.h>

#include "pglog/infer.h"

/* DETAIL, HINT, QUERY, CONTEXT, LOCATION, BACKTRACE, STATEMENT: told apart
 * by length and first letter first, as this runs for every line. */
bool pgm_entries_is_secondary(pgm_slice sev)
{
    const char *want;
    switch (sev.n) {
    case 4: want = "HINT"; break;
    case 5: want = "QUERY"; break;
    case 6: want = "DETAIL"; break;
    case 7: want = "CONTEXT"; break;
    case 8: want = "LOCATION"; break;
    case 9: want = sev.p[0] == 'B' ? "BACKTRACE" : "STATEMENT"; break;
    default: return false;
    }
    return sev.p[0] == want[0] && memcmp(sev.p, want, sev.n) == 0;
}

void pgm_entries_init(pgm_entry_reader *r, const pgm_prefix *prefix, pgm_entry_cb cb, void *ctx)
{
    memset(r, 0, sizeof *r);
    r->prefix = prefix;
    r->cb = cb;
    r->ctx = ctx;
    for (size_t i = 0; i < PGM_ENTRY_PENDING; i++) {
        pgm_strbuf_init(&r->ring[i].raw, PGM_ENTRY_MAX_TEXT);
        pgm_strbuf_init(&r->ring[i].text, PGM_ENTRY_MAX_TEXT);
        r->ring[i].f = &r->fields[i];
    }
    r->spare = &r->fields[PGM_ENTRY_PENDING]; /* all zero, as pgm_prefix_parse_into wants */
    pgm_strbuf_init(&r->scratch, PGM_ENTRY_MAX_TEXT);
    r->memo = pgm_prefix_memo_new(prefix); /* NULL: every line through the matcher, no slower than before */
}

void pgm_entries_set_prefix(pgm_entry_reader *r, const pgm_prefix *prefix)
{
    r->prefix = prefix;
    r->prefix_gen++;
    /* what the memo holds is of the prefix before (which may be freed, and
     * another made at its address) */
    pgm_prefix_memo_free(r->memo);
    r->memo = pgm_prefix_memo_new(prefix);
}

void pgm_entries_free(pgm_entry_reader *r)
{
    for (size_t i = 0; i < PGM_ENTRY_PENDING; i++) {
        pgm_strbuf_free(&r->ring[i].raw);
        pgm_strbuf_free(&r->ring[i].text);
    }
    pgm_strbuf_free(&r->scratch);
    pgm_prefix_memo_free(r->memo);
    r->memo = NULL;
}

static void unparsed(pgm_entry_reader *r, const char *line, size_t n, uint64_t lineno)
{
    r->unparsed++;
    if (r->n_samples < PGM_ENTRY_UNPARSED_SAMPLES) {
        r->samples[r->n_samples].line = lineno;
        snprintf(r->samples[r->n_samples].text, sizeof r->samples[0].text, "%.*s",
                 (int)(n < 95 ? n : 95), line);
        r->n_samples++;
    }
}

/* Hands the oldest pending entry to the callback. */
static void flush_oldest(pgm_entry_reader *r)
{
    pgm_entry *e = &r->ring[r->oldest];
    if (r->cb)
        r->cb(r->ctx, e);
    if (r->last == e)
        r->last = NULL;
    r->oldest = (r->oldest + 1) % PGM_ENTRY_PENDING;
    r->count--;
}

/* Appends text to an entry; what does not fit the cap is cut (counted):
 * the start of a long message is kept, not the whole of it dropped. */
static void append(pgm_entry_reader *r, pgm_entry *e, const char *p, size_t n)
{
    size_t room = e->text.cap - e->text.len;
    if (n > room) {
        n = room;
        r->cut++;
    }
    if (pgm_strbuf_add(&e->text, p, n))
        r->cut++;
}

/* The newest pending entry of `pid` (any pid when < 0), or NULL. */
static pgm_entry *pending_of(pgm_entry_reader *r, int64_t pid)
{
    for (size_t k = r->count; k > 0; k--) {
        pgm_entry *e = &r->ring[(r->oldest + k - 1) % PGM_ENTRY_PENDING];
        if (pid < 0 || e->f->pid == pid)
            return e;
    }
    return NULL;
}

int pgm_entries_feed(pgm_entry_reader *r, const char *line, size_t n, uint64_t lineno)
{
    r->lines++;
    r->deferred = false;
    if (n == 0) {
        /* held until a TAB line of the same message says it was one of its lines */
        if (r->last)
            r->blank_pending++;
        else
            r->blank++;
        return PGM_OK;
    }
    uint64_t blanks = r->blank_pending;
    r->blank_pending = 0;
    if (line[0] != '\t')
        r->blank += blanks;
    if (line[0] == '\t') {
        /* an embedded newline of the message or part written just above */
        r->continuation++;
        pgm_entry *e = r->last;
        if (!e) {
            r->blank += blanks;
            unparsed(r, line, n, lineno);
            return PGM_OK;
        }
        r->continuation += blanks;
        if (!e->n_parts && !e->message_in_text) {
            /* the message goes on: it is put together in `text` */
            append(r, e, e->f->message.p, e->f->message.n);
            e->message_in_text = true;
        }
        for (; blanks; blanks--)
            append(r, e, "\n", 1);
        append(r, e, "\n", 1);
        append(r, e, line + 1, n - 1);
        if (e->n_parts)
            e->parts[e->n_parts - 1].len = e->text.len - e->parts[e->n_parts - 1].off;
        else
            e->message_len = e->text.len;
        e->last_line = lineno;
        return PGM_OK;
    }
    /* Parse a copy: if the line starts an entry, the entry keeps the copy. */
    pgm_strbuf_reset(&r->scratch);
    size_t keep = n;
    if (keep > r->scratch.cap) {
        keep = r->scratch.cap; /* a statement of megabytes: its start is read, the rest cut */
        r->cut++;
    }
    if (pgm_strbuf_add(&r->scratch, line, keep) != 0) {
        r->cut++;
        unparsed(r, line, n, lineno);
        r->last = NULL;
        return PGM_OK;
    }
    pgm_prefix_fields *f = r->spare;
    size_t slot = (size_t)(f - r->fields);
    if (r->fields_gen[slot] != r->prefix_gen) {
        memset(f, 0, sizeof *f); /* filled by another prefix: its fields would stay */
        r->fields_gen[slot] = r->prefix_gen;
    }
    if (!pgm_prefix_parse_memo(r->prefix, r->memo, r->scratch.p, r->scratch.len, f)) {
        /* a line of another writer (pg_ctl, a shell) between a message and
         * its TAB lines leaves them to it; a server line we cannot read
         * does not */
        /* a line whose prefix read as far as a value too long to end (its
         * severity word then lies past where one is looked for) is the
         * server's, not another writer's */
        if (!f->gave_up && !pgm_infer_has_severity(line, n)) {
            r->foreign++;
            unparsed(r, line, n, lineno);
            return PGM_OK;
        }
        r->last = NULL;
        if (r->defer_unread) {
            r->deferred = true;
        } else {
            r->gave_up += f->gave_up;
            unparsed(r, line, n, lineno);
        }
        return PGM_OK;
    }
    pgm_entry *owner = pgm_entries_is_secondary(f->severity) ? pending_of(r, f->pid) : NULL;
    if (owner) {
        r->secondary++;
        r->last = owner;
        if (owner->n_parts == PGM_ENTRY_MAX_PARTS) {
            r->cut++;
            return PGM_OK;
        }
        pgm_entry_part *pt = &owner->parts[owner->n_parts++];
        size_t label = f->severity.n < sizeof pt->label ? f->severity.n : sizeof pt->label - 1;
        memcpy(pt->label, f->severity.p, label); /* a snprintf here was a line's worth of work */
        pt->label[label] = '\0';
        pt->off = owner->text.len;
        append(r, owner, f->message.p, f->message.n);
        pt->len = owner->text.len - pt->off;
        pt->line = lineno;
        owner->last_line = lineno;
        return PGM_OK;
    }
    /* a new entry; the oldest leaves the window when it is full */
    if (r->count == PGM_ENTRY_PENDING)
        flush_oldest(r);
    pgm_entry *e = &r->ring[(r->oldest + r->count) % PGM_ENTRY_PENDING];
    r->count++;
    r->primary++;
    /* the entry takes the parsed copy and its fields (the slices move with its memory) */
    pgm_strbuf tmp = e->raw;
    e->raw = r->scratch;
    r->scratch = tmp;
    r->spare = e->f;
    e->f = f;
    pgm_strbuf_reset(&e->text);
    e->n_parts = 0;
    e->line = e->last_line = lineno;
    r->last = e;
    e->message_in_text = false;
    e->message_len = 0;
    return PGM_OK;
}

void pgm_entries_finish(pgm_entry_reader *r)
{
    r->blank += r->blank_pending;
    r->blank_pending = 0;
    while (r->count)
        flush_oldest(r);
}
