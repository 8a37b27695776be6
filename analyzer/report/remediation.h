/* The remediation a postmortem proposes, once, for every format: the SQL
 * that lists the suspect's idle sessions and the SQL that ends them. */
#ifndef PGM_REPORT_REMEDIATION_H
#define PGM_REPORT_REMEDIATION_H

#include <stdbool.h>

#include "forensics/analysis.h"
#include "util/strbuf.h"

/* Writes both statements (plain text, literals quoted for SQL) when the
 * verdict is a leak with a known suspect; false otherwise. */
bool pgm_report_leak_sql(const pgm_analysis *a, pgm_strbuf *list, pgm_strbuf *end);

#endif
