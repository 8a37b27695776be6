/* The postmortem's tables built once from the model, for every format: each
 * cell is text with a role (plain, code, a path:line citation), and each
 * writer only decides how a role looks. */
#ifndef PGM_REPORT_TABLES_H
#define PGM_REPORT_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "forensics/analysis.h"

/* Columns of a table, at most; rows, at most (the model caps them lower). */
#define PGM_TABLE_MAX_COLS 10u
#define PGM_TABLE_MAX_ROWS 1024u
/* One cell's text, at most (an explanation's evidence, six lines of it). */
#define PGM_TABLE_CELL_MAX 4096u

/* ALERT: text a writer marks as bad news (a critical or high severity).
 * STRONG: the row's own name, set apart (the verdict among the
 * explanations). LIST: items one per line, each format joins them its way. */
enum pgm_cell_role { PGM_CELL_TEXT, PGM_CELL_CODE, PGM_CELL_CITE, PGM_CELL_ALERT, PGM_CELL_STRONG, PGM_CELL_LIST };

typedef struct pgm_cell {
    enum pgm_cell_role role;
    char *text;                     /* owned by the table; "" when empty or memory ran out */
} pgm_cell;

/* A sentence below a table, at most (with its citation). */
#define PGM_TABLE_NOTE_MAX 1024u

typedef struct pgm_table {
    const char *title;              /* a heading; NULL: the section's own heading serves */
    const char *intro;              /* a sentence above the table, or NULL */
    const char *cols[PGM_TABLE_MAX_COLS];
    size_t n_cols, n_rows;
    pgm_cell *cells;                /* n_rows x n_cols */
    size_t alloc_cells;             /* the cells allocated (the rows it was begun with) */
    const char *empty;              /* said instead of an empty table; NULL: omit it */
    char note[PGM_TABLE_NOTE_MAX];  /* a sentence below the table (what was left out), "" none */
    bool anchored;                  /* each row is a link target, named by its first cell (the inputs' E3) */
} pgm_table;

/* A bundle without connection trouble gets a health check, not a
 * postmortem: what was checked and found fine, the configuration's risks; no
 * remediation, no sessions to end, no alerts fitted to an incident. Every
 * format takes its headings from here. */
typedef struct pgm_report_shape {
    bool healthy;
    const char *title;        /* what happened, to whom, when; "Health check: no connection trouble" */
    /* the headings, in the order of the postmortem templates SREs use (Google's
     * SRE book, PagerDuty's and Atlassian's): Summary, Impact, Timeline, Root
     * cause and trigger (the explanations weighed beneath), Detection,
     * Resolution, Action items (the configuration findings beneath), Lessons,
     * Appendix. A health check: Summary, Impact, Timeline, Diagnosis, What was
     * checked, Configuration risks found, Appendix. */
    const char *summary, *impact, *timeline, *root_cause, *checked, *detection, *resolution, *actions, *risks,
        *lessons, *appendix;
} pgm_report_shape;
pgm_report_shape pgm_report_shape_of(const pgm_analysis *a, char *title, size_t cap);

/* The parts each format writes, in the order it writes them: the template's
 * (a health check: what was checked and the configuration's risks, no
 * detection, resolution, action items or lessons). */
enum pgm_section {
    PGM_SECTION_SUMMARY, PGM_SECTION_TIMELINE, PGM_SECTION_ROOT_CAUSE, PGM_SECTION_EXPLANATIONS,
    PGM_SECTION_DETECTION, PGM_SECTION_RESOLUTION, PGM_SECTION_ACTIONS, PGM_SECTION_LESSONS, PGM_SECTION_RISKS,
    PGM_SECTION_APPENDIX, PGM_SECTION_COUNT
};
size_t pgm_report_sections(const pgm_analysis *a, enum pgm_section out[PGM_SECTION_COUNT]);
/* Each section and the name of the function every format writes it with:
 * a format defines static functions of these names and its writer with
 * PGM_REPORT_WRITER(table_function). */
#define PGM_REPORT_SECTION_FUNCTIONS(X)                                                                      \
    X(PGM_SECTION_SUMMARY, verdict_section) X(PGM_SECTION_TIMELINE, moments_section)                          \
    X(PGM_SECTION_ROOT_CAUSE, diagnosis_section) X(PGM_SECTION_EXPLANATIONS, hypotheses_section)              \
    X(PGM_SECTION_DETECTION, prevention_section) X(PGM_SECTION_RESOLUTION, resolution_section)                \
    X(PGM_SECTION_ACTIONS, actions_section) X(PGM_SECTION_LESSONS, lessons_section)                           \
    X(PGM_SECTION_RISKS, findings_section) X(PGM_SECTION_APPENDIX, appendix_section)
#define PGM_REPORT_SECTION_ENTRY(id, fn) [id] = fn,
#define PGM_REPORT_WRITER(table_function) {{PGM_REPORT_SECTION_FUNCTIONS(PGM_REPORT_SECTION_ENTRY)}, table_function}
/* A format: how it writes each section, and each table. */
typedef struct pgm_report_writer {
    void (*section[PGM_SECTION_COUNT])(const pgm_analysis *a, FILE *out);
    void (*table)(FILE *out, int (*build)(const pgm_analysis *a, struct pgm_table *t), const pgm_analysis *a);
} pgm_report_writer;
/* Writes the sections in their order, each as the format writes it. */
void pgm_report_write_sections(const pgm_analysis *a, FILE *out, const pgm_report_writer *w);
/* Writes the tables beneath the root cause (pgm_report_diagnosis_tables), each as the format writes tables. */
void pgm_report_write_diagnosis_tables(const pgm_analysis *a, FILE *out, const pgm_report_writer *w);
/* A citation as the reports print it: "E3:92" (E3, the third input the
 * appendix lists), else "path:line". */
const char *pgm_report_cite_text(const pgm_analysis *a, const char *path, uint64_t line, char *out, size_t cap);
/* A text with its citations ("path:line" of an input) shortened to the
 * inputs' ids ("E3:92"), into out. */
const char *pgm_report_shorten(const pgm_analysis *a, const char *text, char *out, size_t cap);

/* The lessons, a sentence each without markup: what the verdict's kind
 * teaches, and what evidence would have shown it sooner. False past the last. */
bool pgm_report_lesson(const pgm_analysis *a, size_t i, char *out, size_t cap);

/* The sessions held longest (from the server log). */
int pgm_table_longest_sessions(const pgm_analysis *a, pgm_table *t);
/* The transactions pg_stat_activity caught idle inside them. */
int pgm_table_idle_in_transaction(const pgm_analysis *a, pgm_table *t);
/* The configuration findings, most severe first (the misconfigurations). */
int pgm_table_config_findings(const pgm_analysis *a, pgm_table *t);
/* The leak reports' code locations: frame, where, how many, the first. */
int pgm_table_leak_locations(const pgm_analysis *a, pgm_table *t);
/* A table of the report, built from the analysis (PGM_OK or PGM_FATAL). */
typedef int (*pgm_table_builder)(const pgm_analysis *a, pgm_table *t);
/* Where the snapshots named the sessions the log left unnamed, a sentence (false: none). */
bool pgm_report_apps_named_words(const pgm_analysis *a, char *out, size_t cap);
/* The key moments: time, what, evidence. */
int pgm_table_moments(const pgm_analysis *a, pgm_table *t);
/* The inputs the citations name (E1...): file, kind, format, lines, what
 * was not understood, first and last time; a warning as a row of its own. */
int pgm_table_inputs(const pgm_analysis *a, pgm_table *t);
/* An application log whose clock is off the server's, a sentence (i < a's
 * clock offsets; false past them). */
bool pgm_report_clock_words(const pgm_analysis *a, size_t i, char *out, size_t cap);
/* The appendix's quotes: the intro sentence and how many (0: none read). */
size_t pgm_report_quotes_intro(const pgm_analysis *a, char *out, size_t cap);
/* Quote i: its citation ("E3:92") and its lines as one block of text, each
 * line numbered, the cited one marked with '>'. False past the last. */
bool pgm_report_quote_block(const pgm_analysis *a, size_t i, char *cite, size_t cite_cap, char *block, size_t cap);
/* The configuration findings that would have shown the incident earlier,
 * or limited it (named, not fixed again: their fixes are in the findings
 * and the diff), at most cap; returns how many. */
#define PGM_EARLY_WARNINGS_INTRO "Settings that would have shown this earlier, or limited it:"
struct finding_copy;
size_t pgm_report_early_warnings(const pgm_analysis *a, const struct finding_copy **out, size_t cap);
/* The explanations weighed: each one's score and evidence (one item a line),
 * the verdict first and set apart; those weighed on nothing left out. */
int pgm_table_explanations(const pgm_analysis *a, pgm_table *t);
/* The threshold rules' episodes in the logs. */
int pgm_table_log_findings(const pgm_analysis *a, pgm_table *t);
/* Events by kind, most first (the appendix). */
int pgm_table_event_kinds(const pgm_analysis *a, pgm_table *t);
const pgm_cell *pgm_table_cell(const pgm_table *t, size_t row, size_t col);
void pgm_table_free(pgm_table *t);

/* "2h 03m", "4m 10s", "12.5s": a duration a reader takes in at a glance. */
void pgm_format_duration(int64_t us, char out[32]);

#endif
