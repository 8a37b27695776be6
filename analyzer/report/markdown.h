/* The postmortem as Markdown (analyzer/report/markdown.c). */
#ifndef PGM_REPORT_MARKDOWN_H
#define PGM_REPORT_MARKDOWN_H

#include <stdio.h>

#include "forensics/analysis.h"

void pgm_report_markdown(const pgm_analysis *a, FILE *out);

#endif
