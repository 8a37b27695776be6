/* The terminal summary of an analysis: a few lines. */
#ifndef PGM_REPORT_SUMMARY_H
#define PGM_REPORT_SUMMARY_H

#include <stdio.h>

#include "forensics/analysis.h"

void pgm_report_write_summary(const pgm_analysis *a, FILE *out);

#endif
