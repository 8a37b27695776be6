/* Prometheus alert rules and a Grafana dashboard for an incident's pools and
 * limits (analyzer/report/alerts.c). */
#ifndef PGM_REPORT_ALERTS_H
#define PGM_REPORT_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "forensics/analysis.h"
#include "util/rc.h"

/* Writes DIR/pgmortem-alerts.yml, DIR/pgmortem-alerts.test.yml (the
 * incident's series and when each rule fires on them, for promtool test
 * rules) and DIR/pgmortem-dashboard.json (DIR is made when missing). PGM_OK, or PGM_FAILED with the reason in err. */
int pgm_report_export_alerts(const pgm_analysis *a, const char *dir, char err[PGM_ERR_MAX]);

/* The alert rules alone (the postmortem shows them); 0, or -1 on a write error. */
int pgm_report_alert_rules(const pgm_analysis *a, FILE *out);
/* The same as text (malloc'd, the caller frees it), NULL when it could not be written. */
char *pgm_report_alert_rules_text(const pgm_analysis *a);
/* The sentence before the rules in a postmortem, into out. */
const char *pgm_report_alerts_intro(const pgm_analysis *a, char *out, size_t cap);
/* Rule i as tried on the incident: when it would have fired and how early,
 * or why it is no warning here. False past the last rule. */
bool pgm_report_alert_sentence(const pgm_analysis *a, size_t i, char *out, size_t cap);
/* The promtool test of the rules on the incident's series; 0, or -1. */
int pgm_report_alert_tests(const pgm_analysis *a, FILE *out);

#endif
