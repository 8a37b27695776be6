/* The report as JSON (pgmortem.report/1; reports/schema/report.schema.json
 * says every field): a pure function of the finished analysis. */
#ifndef PGM_REPORT_JSON_H
#define PGM_REPORT_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "forensics/analysis.h"

struct pgm_json;
void pgm_report_write_json(const pgm_analysis *a, FILE *out);
/* The same, with more top-level sections written by `more` (the
 * remediation and prevention, report/remediation.c). */
typedef void (*pgm_json_sections)(void *ctx, struct pgm_json *j, const pgm_analysis *a);
void pgm_report_write_json_with(const pgm_analysis *a, FILE *out, pgm_json_sections more, void *ctx);
/* A time as the JSON gives it: ISO 8601 in UTC, null when unknown. */
void pgm_report_json_time(struct pgm_json *j, const char *key, int64_t t);

#endif
