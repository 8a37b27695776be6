/* The postmortem as one self-contained HTML file (analyzer/report/html.c). */
#ifndef PGM_REPORT_HTML_H
#define PGM_REPORT_HTML_H

#include <stdio.h>

#include "forensics/analysis.h"

void pgm_report_html(const pgm_analysis *a, FILE *out);

#endif
