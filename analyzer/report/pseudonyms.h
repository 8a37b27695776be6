/* Consistent pseudonyms for user names and client addresses in a report's
 * text (analyzer/report/pseudonyms.c). */
#ifndef PGM_REPORT_PSEUDONYMS_H
#define PGM_REPORT_PSEUDONYMS_H

#include <stddef.h>

#include "forensics/analysis.h"

/* The text with every user name and client address the analysis met
 * replaced where it stands as a word (paths included); malloc'd, or NULL. */
char *pgm_pseudonymize(const pgm_analysis *a, const char *text, size_t len, size_t *out_len);

#endif
