/* Prometheus alert rules and a Grafana dashboard for an incident's pools and
 * limits (analyzer/report/alerts.c). */
#ifndef PGM_REPORT_ALERTS_H
#define PGM_REPORT_ALERTS_H

#include <stdio.h>

#include "forensics/analysis.h"
#include "util/rc.h"

/* Writes DIR/pgmortem-alerts.yml and DIR/pgmortem-dashboard.json (DIR is
 * made when missing). PGM_OK, or PGM_FAILED with the reason in err. */
int pgm_report_export_alerts(const pgm_analysis *a, const char *dir, char err[PGM_ERR_MAX]);

/* The alert rules alone (the postmortem shows them); 0, or -1 on a write error. */
int pgm_report_alert_rules(const pgm_analysis *a, FILE *out);

#endif
