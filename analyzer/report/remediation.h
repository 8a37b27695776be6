/* The remediation a postmortem proposes, once, for every format: the SQL
 * that lists the suspect's idle sessions and the SQL that ends them. */
#ifndef PGM_REPORT_REMEDIATION_H
#define PGM_REPORT_REMEDIATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "forensics/analysis.h"
#include "util/strbuf.h"

/* Writes both statements (plain text, literals quoted for SQL) when the
 * verdict is a leak or sessions idle in transaction with a known suspect,
 * and the sentence that introduces them; false otherwise. */
bool pgm_report_session_sql(const pgm_analysis *a, pgm_strbuf *list, pgm_strbuf *end, const char **intro);

/* The rule that says a line's `url` is not the pool's (rules/config/spring-binding.yml). */
#define PGM_RULE_URL_NOT_BOUND "SPB-URL-001"
/* Files and lines one diff touches, at most: the edits past them are
 * counted (*left) and the report says so. */
#define PGM_DIFF_MAX_FILES 64u
#define PGM_DIFF_MAX_LINES 32u

/* The finding behind the verdict whose fix removes the cause or ends its
 * harm (a capacity verdict's HKC-FLEET-001, an idle-in-transaction verdict's
 * PGC-SESS-001), SIZE_MAX when none: its fix leads the diff. */
size_t pgm_report_cause_finding(const pgm_analysis *a);
/* The first action, a sentence without markup: that fix with its arithmetic
 * and the other way, or a leak's code location to fix; *in_diff when the
 * diff makes it. False when there is none. */
bool pgm_report_cause_words(const pgm_analysis *a, char *out, size_t cap, bool *in_diff);

/* The findings' fixes (a rule's `fix`) as one unified diff of the cited
 * files, paths as the report names them: a setting's line rewritten in
 * place, a missing setting added at the end, a JDBC URL given its
 * parameters. False when no finding has a fix that is a line edit. */
bool pgm_report_config_diff(const pgm_analysis *a, pgm_strbuf *out, size_t *left);
/* The same, marking in `addressed` (one flag per finding, or NULL) the
 * findings the diff resolves. */
bool pgm_report_config_diff_addressed(const pgm_analysis *a, pgm_strbuf *out, bool *addressed, size_t *left);
/* Said below a diff with edits left out, with their count. */
/* The resolution as every format gives it: the cause's fix first (its
 * citations shortened), then the statements that list and end the sessions
 * the evidence names, with the sentences around them. */
typedef struct pgm_resolution {
    char cause[2048];          /* "" when the cause has no fix to name; its citations as input ids */
    char cause_full[1536];     /* the same citing full paths (the terminal has no appendix) */
    bool cause_in_diff;        /* the action items' diff makes this change first */
    bool sql;                  /* list and end hold the statements (NUL-terminated) */
    const char *intro, *end_intro; /* above the listing, above the ending */
    const char *nothing;       /* said when there is neither a cause's fix nor a session to end, else NULL */
    pgm_strbuf list, end;
} pgm_resolution;
void pgm_report_resolution(const pgm_analysis *a, pgm_resolution *r);
void pgm_report_resolution_free(pgm_resolution *r);

/* The action items' configuration diff, with the sentence above it and
 * what did not fit (`left` sentence, "" when all did). */
typedef struct pgm_action_items {
    bool changes;              /* diff holds the changes (NUL-terminated) */
    const char *diff_intro;
    char left[256];
    pgm_strbuf diff;
} pgm_action_items;
void pgm_report_action_items(const pgm_analysis *a, pgm_action_items *x);
void pgm_report_action_items_free(pgm_action_items *x);

#define PGM_DIFF_LEFT_SENTENCE "%zu more edit(s) the findings call for are not in this diff: it shows at most " \
                               "64 files and 32 lines a file (PGM_DIFF_MAX_FILES, PGM_DIFF_MAX_LINES)"

/* The report's remediation (the sessions' SQL, the configuration diff) and
 * prevention (the early-warning rules, the alert rules) as JSON sections:
 * for pgm_report_write_json_with. */
struct pgm_json;
void pgm_report_json_sections(void *ctx, struct pgm_json *j, const pgm_analysis *a);

#endif
