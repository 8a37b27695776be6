/* What would have caught this incident earlier, as files a team loads:
 * Prometheus alert rules and a Grafana dashboard for the pools and limits
 * the bundle shows. Metric names: postgres_exporter (pg_stat_activity_count,
 * pg_settings_max_connections, pg_settings_superuser_reserved_connections)
 * and Micrometer's HikariCP meters as Prometheus exposes them
 * (hikaricp_connections_active, _max, _pending, _timeout_total; tag pool),
 * shared/reference/spring-binding.md section 1. */
#include "util/outfile.h"
#include "report/alerts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "forensics/analysis_impl.h"
#include "util/json.h"

/* A pool name inside a PromQL string literal and a YAML double-quoted
 * string: only letters, digits, - _ . : are kept, so nothing can escape. */
/* The PromQL matcher of a pool: Micrometer tags it with HikariCP's poolName,
 * which is HikariPool-N when none is configured. */
static void label_value(const char *in, char *out, size_t cap);
static void pool_matcher(const pool_fact *p, char *out, size_t cap)
{
    char v[128];
    label_value(p->pool_name, v, sizeof v);
    if (v[0])
        snprintf(out, cap, "pool=\"%s\"", v);
    else
        snprintf(out, cap, "pool=~\"HikariPool-.*\"");
}
static void label_value(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 1 < cap; in++) {
        char c = *in;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == ':')
            out[o++] = c;
    }
    out[o] = 0;
}

static long usable_slots(const pgm_analysis *a)
{
    return a->max_connections >= 0 ? a->max_connections - a->reserved : -1;
}

int pgm_report_alert_rules(const pgm_analysis *a, FILE *out)
{
    long usable = usable_slots(a);
    fprintf(out, "# Prometheus alert rules written by pgmortem from this incident (verdict: %s).\n"
                 "# Load with rule_files: in prometheus.yml; check with promtool check rules.\n"
                 "groups:\n  - name: pgmortem-connections\n    rules:\n",
            pgm_verdict_name(a->hyp[0].kind));
    /* the server: slots nearly gone, before the first refusal */
    fputs("      - alert: PostgresConnectionSlotsNearlyExhausted\n"
          "        expr: sum(pg_stat_activity_count) > 0.8 * (max(pg_settings_max_connections)"
          " - max(pg_settings_superuser_reserved_connections))\n"
          "        for: 1m\n        labels:\n          severity: warning\n"
          "        annotations:\n          summary: More than 80% of the usable connection slots are taken\n", out);
    if (usable > 0)
        fprintf(out, "          description: In the incident the server had %ld usable slots%s.\n", usable,
                a->refusals ? " and refused connections once they were taken" : "");
    fputs("      - alert: PostgresIdleInTransaction\n"
          "        expr: sum(pg_stat_activity_count{state=\"idle in transaction\"}) > 5\n"
          "        for: 5m\n        labels:\n          severity: warning\n"
          "        annotations:\n          summary: Sessions are left open inside transactions\n", out);
    for (size_t i = 0; i < a->n_pools; i++) {
        char pool[128], m[160];
        label_value(a->pools[i].name, pool, sizeof pool);
        if (!pool[0])
            continue;
        pool_matcher(&a->pools[i], m, sizeof m);
        if (!a->pools[i].pool_name[0])
            fprintf(out, "      # %s sets no pool-name: its meters are tagged HikariPool-N, as every other unnamed\n"
                         "      # pool's; set spring.datasource.hikari.pool-name (HKC-ATTR-002) and narrow the matcher\n",
                    pool);
        fprintf(out,
                "      - alert: HikariPoolSaturated\n"
                "        expr: max(hikaricp_connections_active{%s}) >= max(hikaricp_connections_max{%s})\n"
                "        for: 2m\n        labels:\n          severity: critical\n          service: \"%s\"\n"
                "        annotations:\n          summary: Every connection of the %s pool is borrowed\n"
                "          description: maximum-pool-size is %ld per instance, %ld instance(s).\n"
                "      - alert: HikariThreadsWaiting\n"
                "        expr: max(hikaricp_connections_pending{%s}) > 0\n"
                "        for: 2m\n        labels:\n          severity: warning\n          service: \"%s\"\n"
                "        annotations:\n          summary: Threads wait for a connection of the %s pool\n"
                "      - alert: HikariConnectionTimeouts\n"
                "        expr: increase(hikaricp_connections_timeout_total{%s}[5m]) > 0\n"
                "        labels:\n          severity: critical\n          service: \"%s\"\n"
                "        annotations:\n          summary: The %s pool could not hand out a connection in time\n",
                m, m, pool, pool, a->pools[i].maximum_pool_size, a->pools[i].instances, m, pool, pool, m, pool,
                pool);
        if (a->hyp[0].kind == PGM_VERDICT_LEAK)
            fprintf(out,
                    "      - alert: HikariConnectionsNotReturned\n"
                    "        expr: min_over_time(hikaricp_connections_active{%s}[15m]) > 0.5 * max(hikaricp_connections_max{%s})\n"
                    "        labels:\n          severity: warning\n          service: \"%s\"\n"
                    "        annotations:\n          summary: The %s pool has held most of its connections for 15 minutes\n"
                    "          description: The incident was a leak; turn leak-detection-threshold on to get the "
                    "borrowing stack trace.\n",
                    m, m, pool, pool);
    }
    return ferror(out) ? -1 : 0;
}

static void panel(pgm_json *j, int id, const char *title, const char *expr, int y, long threshold)
{
    pgm_json_begin_object(j);
    pgm_json_key(j, "id");
    pgm_json_int(j, id);
    pgm_json_key(j, "type");
    pgm_json_string(j, "timeseries");
    pgm_json_key(j, "title");
    pgm_json_string(j, title);
    pgm_json_key(j, "gridPos");
    pgm_json_begin_object(j);
    pgm_json_key(j, "x");
    pgm_json_int(j, 0);
    pgm_json_key(j, "y");
    pgm_json_int(j, y);
    pgm_json_key(j, "w");
    pgm_json_int(j, 24);
    pgm_json_key(j, "h");
    pgm_json_int(j, 8);
    pgm_json_end_object(j);
    pgm_json_key(j, "targets");
    pgm_json_begin_array(j);
    pgm_json_begin_object(j);
    pgm_json_key(j, "refId");
    pgm_json_string(j, "A");
    pgm_json_key(j, "expr");
    pgm_json_string(j, expr);
    pgm_json_end_object(j);
    pgm_json_end_array(j);
    if (threshold > 0) {
        pgm_json_key(j, "fieldConfig");
        pgm_json_begin_object(j);
        pgm_json_key(j, "defaults");
        pgm_json_begin_object(j);
        pgm_json_key(j, "thresholds");
        pgm_json_begin_object(j);
        pgm_json_key(j, "mode");
        pgm_json_string(j, "absolute");
        pgm_json_key(j, "steps");
        pgm_json_begin_array(j);
        pgm_json_begin_object(j);
        pgm_json_key(j, "color");
        pgm_json_string(j, "green");
        pgm_json_key(j, "value");
        pgm_json_null(j);
        pgm_json_end_object(j);
        pgm_json_begin_object(j);
        pgm_json_key(j, "color");
        pgm_json_string(j, "red");
        pgm_json_key(j, "value");
        pgm_json_int(j, threshold);
        pgm_json_end_object(j);
        pgm_json_end_array(j);
        pgm_json_end_object(j);
        pgm_json_key(j, "custom");
        pgm_json_begin_object(j);
        pgm_json_key(j, "thresholdsStyle");
        pgm_json_begin_object(j);
        pgm_json_key(j, "mode");
        pgm_json_string(j, "line");
        pgm_json_end_object(j);
        pgm_json_end_object(j);
        pgm_json_end_object(j);
        pgm_json_end_object(j);
    }
    pgm_json_end_object(j);
}

static int write_dashboard(const pgm_analysis *a, FILE *out)
{
    pgm_json j;
    pgm_json_init(&j, out, true);
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "title");
    pgm_json_string(&j, "pgmortem: PostgreSQL connections and HikariCP pools");
    pgm_json_key(&j, "uid");
    pgm_json_string(&j, "pgmortem-connections");
    pgm_json_key(&j, "schemaVersion");
    pgm_json_int(&j, 39);
    pgm_json_key(&j, "time");
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "from");
    pgm_json_string(&j, "now-6h");
    pgm_json_key(&j, "to");
    pgm_json_string(&j, "now");
    pgm_json_end_object(&j);
    pgm_json_key(&j, "panels");
    pgm_json_begin_array(&j);
    int id = 1, y = 0;
    panel(&j, id++, "Open sessions against the usable slots", "sum(pg_stat_activity_count)", y, usable_slots(a));
    y += 8;
    panel(&j, id++, "Sessions by state", "sum by (state) (pg_stat_activity_count)", y, 0);
    y += 8;
    for (size_t i = 0; i < a->n_pools; i++) {
        char pool[128], expr[512], title[256];
        label_value(a->pools[i].name, pool, sizeof pool);
        if (!pool[0])
            continue;
        char m[160];
        pool_matcher(&a->pools[i], m, sizeof m);
        snprintf(expr, sizeof expr, "hikaricp_connections_active{%s}", m);
        snprintf(title, sizeof title, "Pool %s: borrowed connections (maximum %ld)", pool,
                 a->pools[i].maximum_pool_size);
        panel(&j, id++, title, expr, y, a->pools[i].maximum_pool_size);
        y += 8;
        snprintf(expr, sizeof expr, "hikaricp_connections_pending{%s}", m);
        snprintf(title, sizeof title, "Pool %s: threads waiting", pool);
        panel(&j, id++, title, expr, y, 1);
        y += 8;
    }
    pgm_json_end_array(&j);
    pgm_json_end_object(&j);
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}

int pgm_report_export_alerts(const pgm_analysis *a, const char *dir, char err[PGM_ERR_MAX])
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, PGM_ERR_MAX, "%.200s: %s", dir, strerror(errno));
        return PGM_FAILED;
    }
    static const char *const names[] = {"pgmortem-alerts.yml", "pgmortem-dashboard.json"};
    for (int f = 0; f < 2; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[f]);
        pgm_outfile out;
        if (pgm_outfile_open(&out, path, err) != PGM_OK)
            return PGM_FAILED;
        int w = f == 0 ? pgm_report_alert_rules(a, out.f) : write_dashboard(a, out.f);
        if (w != 0) {
            pgm_outfile_abort(&out);
            snprintf(err, PGM_ERR_MAX, "%.200s: could not be written", path);
            return PGM_FAILED;
        }
        if (pgm_outfile_commit(&out, err) != PGM_OK)
            return PGM_FAILED;
    }
    return PGM_OK;
}
