/* What would have caught this incident earlier, as files a team loads:
 * Prometheus alert rules and a Grafana dashboard for the pools and limits
 * the bundle shows. Metric names: postgres_exporter (pg_stat_activity_count,
 * pg_settings_max_connections, pg_settings_superuser_reserved_connections)
 * and Micrometer's HikariCP meters as Prometheus exposes them
 * (hikaricp_connections_active, _max, _pending, _timeout_total; tag pool),
 * Micrometer's HikariCP metrics tracker (MicrometerMetricsTracker). */
#include "util/outfile.h"
#include "report/alerts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "forensics/analysis_impl.h"
#include "text/timestamp.h"
#include "util/json.h"

/* A YAML double-quoted scalar: the texts are the tool's own, with names
 * already reduced to label-safe characters; quotes and backslashes escaped
 * all the same. */
static void yaml_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* A rule's annotations, as the rules file and the test's expectations write them alike. */
static void annotations(FILE *out, const pgm_alert_rule *r, const char *indent)
{
    fprintf(out, "%ssummary: ", indent);
    yaml_quoted(out, r->summary);
    fputc('\n', out);
    if (r->description[0]) {
        fprintf(out, "%sdescription: ", indent);
        yaml_quoted(out, r->description);
        fputc('\n', out);
    }
}

int pgm_report_alert_rules(const pgm_analysis *a, FILE *out)
{
    const pgm_alerting *m = &a->alerting;
    fprintf(out, "# Prometheus alert rules written by pgmortem from this incident (verdict: %s).\n"
                 "# Load with rule_files: in prometheus.yml; check with promtool check rules; pgmortem-alerts.test.yml\n"
                 "# replays this incident's series: promtool test rules pgmortem-alerts.test.yml.\n",
            pgm_verdict_name(a->hyp[0].kind));
    if (m->pools_left)
        fprintf(out, "# %u more pool(s) have no rules of their own (at most %u are followed).\n", m->pools_left,
                PGM_ALERTING_MAX_TARGETS - 1);
    fputs("groups:\n  - name: pgmortem-connections\n    rules:\n", out);
    for (size_t i = 0; i < m->n_rules; i++) {
        const pgm_alert_rule *r = &m->rules[i];
        char at[PGM_TS_ISO_LEN], f[16];
        if (r->note[0])
            fprintf(out, "      # %s\n", r->note);
        if (r->recommended) {
            pgm_ts_format_iso(r->fires_at, at);
            fprintf(out, "      # on this incident's series: fires at %s, %lld s before %s\n", at,
                    (long long)(r->lead_us / 1000000), m->reference_what);
        } else if (r->why[0]) {
            fprintf(out, "      # on this incident's series: %s\n", r->why);
        }
        fprintf(out, "      - alert: %s\n        expr: %s\n", r->name, r->expr);
        if (r->for_s) {
            pgm_alerting_duration(r->for_s, f, sizeof f);
            fprintf(out, "        for: %s\n", f);
        }
        fprintf(out, "        labels:\n          severity: %s\n", r->severity);
        if (r->service[0])
            fprintf(out, "          service: %s\n", r->service);
        fputs("        annotations:\n", out);
        annotations(out, r, "          ");
    }
    return ferror(out) ? -1 : 0;
}

const char *pgm_report_alerts_intro(const pgm_analysis *a, char *out, size_t cap)
{
    const pgm_alerting *m = &a->alerting;
    if (!m->n_steps) {
        snprintf(out, cap, "%s",
                 "These alert rules (postgres_exporter and Micrometer's HikariCP metrics) could not be tried on this "
                 "incident: the evidence has no curve of its sessions. `pgmortem analyze --export-alerts DIR` writes "
                 "them with a Grafana dashboard:");
        return out;
    }
    snprintf(out, cap,
             "These alert rules (postgres_exporter and Micrometer's HikariCP metrics) were fitted to this incident's "
             "own series, as Prometheus would have scraped them every %u s, and evaluated on them as Prometheus "
             "does; `pgmortem analyze --export-alerts DIR` writes them with the promtool test that replays the "
             "series (`promtool test rules pgmortem-alerts.test.yml`) and a Grafana dashboard:",
             m->step_s);
    return out;
}

bool pgm_report_alert_sentence(const pgm_analysis *a, size_t i, char *out, size_t cap)
{
    const pgm_alerting *m = &a->alerting;
    if (i >= m->n_rules)
        return false;
    const pgm_alert_rule *r = &m->rules[i];
    char who[160] = "";
    if (r->service[0])
        snprintf(who, sizeof who, " (%s)", r->service);
    if (r->recommended) {
        char at[PGM_TS_ISO_LEN];
        pgm_analysis_time_text(a, r->fires_at, at, sizeof at);
        snprintf(out, cap, "%s%s would have fired at %s, %lld s before %s.", r->name, who, at,
                 (long long)(r->lead_us / 1000000), m->reference_what);
    } else {
        snprintf(out, cap, "%s%s: not a warning here, %s.", r->name, who, r->why[0] ? r->why : "untested");
    }
    return true;
}

/* A series' values in promtool's expanding notation: a run of one value
 * is "v+0xN" (N + 1 samples). */
static void values(FILE *out, const int32_t *v, size_t n, long constant)
{
    fputs("'", out);
    for (size_t i = 0; i < n;) {
        long x = v ? v[i] : constant;
        size_t k = i + 1;
        while (k < n && (v ? v[k] : constant) == x)
            k++;
        fprintf(out, "%s%ld", i ? " " : "", x);
        if (k - i > 1)
            fprintf(out, "+0x%zu", k - i - 1);
        i = k;
    }
    fputs("'", out);
}

static void series(FILE *out, const pgm_alerting *m, const char *metric, const char *labels, const int32_t *v,
                   long constant)
{
    fprintf(out, "      - series: '%s{%s}'\n        values: ", metric, labels);
    values(out, v, m->n_steps, constant);
    fputc('\n', out);
}

/* The rule's expected alerts at a step: the targets the model has firing then. */
static void expect(FILE *out, const pgm_alerting *m, const pgm_alert_rule *r, size_t step)
{
    fprintf(out, "      - eval_time: %zus\n        alertname: %s\n        exp_alerts:", step * m->step_s, r->name);
    bool any = false;
    for (size_t k = 0; k < r->n_targets; k++) {
        const pgm_alert_target *t = &m->targets[r->targets[k]];
        if (!pgm_alerting_firing(m, r, t, step))
            continue;
        if (!any)
            fputc('\n', out);
        any = true;
        fprintf(out, "          - exp_labels:\n              severity: %s\n              instance: %s\n",
                r->severity, t->instance);
        if (t->pool[0])
            fprintf(out, "              pool: %s\n", t->pool);
        if (r->service[0])
            fprintf(out, "              service: %s\n", r->service);
        fputs("            exp_annotations:\n", out);
        annotations(out, r, "              ");
    }
    if (!any)
        fputs(" []\n", out);
}

int pgm_report_alert_tests(const pgm_analysis *a, FILE *out)
{
    const pgm_alerting *m = &a->alerting;
    char t0[PGM_TS_ISO_LEN];
    pgm_ts_format_iso(m->t0, t0);
    fprintf(out, "# promtool test rules pgmortem-alerts.test.yml: this incident's series as Prometheus would have\n"
                 "# scraped them, every %u s from %s (eval_time 0s), and when each rule of\n"
                 "# pgmortem-alerts.yml fires on them, for which target only.\n",
            m->step_s, m->n_steps ? t0 : "-");
    for (size_t i = 0; i < m->n_targets; i++) {
        const pgm_alert_target *t = &m->targets[i];
        const char *src[] = {t->open_source, t->idle_source, t->timeouts_source};
        for (size_t k = 0; k < 3; k++)
            if (src[k][0])
                fprintf(out, "#   %s%s: %s\n", t->pool[0] ? "pool " : "", t->pool[0] ? t->service : t->instance,
                        src[k]);
    }
    fprintf(out, "rule_files:\n  - pgmortem-alerts.yml\nevaluation_interval: %us\ntests:\n", m->step_s);
    if (!m->n_steps) {
        fputs("  []\n", out);
        return ferror(out) ? -1 : 0;
    }
    fprintf(out, "  - interval: %us\n    input_series:\n", m->step_s);
    char labels[512];
    for (size_t i = 0; i < m->n_targets; i++) {
        const pgm_alert_target *t = &m->targets[i];
        if (!t->pool[0]) {
            if (t->open) {
                int32_t *rest = malloc(m->n_steps * sizeof *rest);
                for (size_t k = 0; rest && k < m->n_steps; k++)
                    rest[k] = t->open[k] - (t->idle_in_tx ? t->idle_in_tx[k] : 0);
                snprintf(labels, sizeof labels, "instance=\"%s\",state=\"active\"", t->instance);
                if (rest)
                    series(out, m, "pg_stat_activity_count", labels, rest, 0);
                free(rest);
            }
            if (t->idle_in_tx) {
                snprintf(labels, sizeof labels, "instance=\"%s\",state=\"idle in transaction\"", t->instance);
                series(out, m, "pg_stat_activity_count", labels, t->idle_in_tx, 0);
            }
            snprintf(labels, sizeof labels, "instance=\"%s\"", t->instance);
            if (t->max_connections >= 0) {
                series(out, m, "pg_settings_max_connections", labels, NULL, t->max_connections);
                series(out, m, "pg_settings_superuser_reserved_connections", labels, NULL, t->reserved);
            }
            continue;
        }
        snprintf(labels, sizeof labels, "instance=\"%s\",pool=\"%s\"", t->instance, t->pool);
        if (t->open)
            series(out, m, "hikaricp_connections_active", labels, t->open, 0);
        if (t->max > 0)
            series(out, m, "hikaricp_connections_max", labels, NULL, t->max);
        if (t->timeouts)
            series(out, m, "hikaricp_connections_timeout_total", labels, t->timeouts, 0);
    }
    fputs("    alert_rule_test:\n", out);
    size_t last = m->n_steps - 1;
    size_t ref = last;
    if (m->reference != PGM_TS_UNKNOWN && m->reference >= m->t0)
        ref = (size_t)((m->reference - m->t0) / ((int64_t)m->step_s * 1000000));
    if (ref > last)
        ref = last;
    for (size_t i = 0; i < m->n_rules; i++) {
        const pgm_alert_rule *r = &m->rules[i];
        size_t at[4], n = 0;
        int32_t first = -1;
        for (size_t k = 0; k < r->n_targets; k++)
            if (r->fire_step[k] >= 0 && (first < 0 || r->fire_step[k] < first))
                first = r->fire_step[k];
        if (first > 0)
            at[n++] = (size_t)first - 1; /* still quiet: not firing one step before */
        if (first >= 0)
            at[n++] = (size_t)first;
        if (first < 0 || (size_t)first < ref)
            at[n++] = ref;
        for (size_t k = 0; k < n; k++)
            expect(out, m, r, at[k]);
    }
    return ferror(out) ? -1 : 0;
}

/* The panels' data source: the dashboard's variable, set from its import input. */
static void datasource(pgm_json *j)
{
    pgm_json_key(j, "datasource");
    pgm_json_begin_object(j);
    pgm_json_key(j, "type");
    pgm_json_string(j, "prometheus");
    pgm_json_key(j, "uid");
    pgm_json_string(j, "${datasource}");
    pgm_json_end_object(j);
}

static void panel(pgm_json *j, int id, const char *title, const char *expr, const char *legend, int y, long threshold)
{
    pgm_json_begin_object(j);
    pgm_json_key(j, "id");
    pgm_json_int(j, id);
    pgm_json_key(j, "type");
    pgm_json_string(j, "timeseries");
    pgm_json_key(j, "title");
    pgm_json_string(j, title);
    datasource(j);
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
    datasource(j);
    pgm_json_key(j, "expr");
    pgm_json_string(j, expr);
    pgm_json_key(j, "legendFormat");
    pgm_json_string(j, legend);
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

/* What Grafana's import asks for: the Prometheus data source to use. */
static void imports(pgm_json *j)
{
    pgm_json_key(j, "__inputs");
    pgm_json_begin_array(j);
    pgm_json_begin_object(j);
    static const char *const kv[][2] = {{"name", "DS_PROMETHEUS"}, {"label", "Prometheus"},
                                        {"description", "the Prometheus that scrapes postgres_exporter and the services"},
                                        {"type", "datasource"}, {"pluginId", "prometheus"}, {"pluginName", "Prometheus"}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
        pgm_json_key(j, kv[i][0]);
        pgm_json_string(j, kv[i][1]);
    }
    pgm_json_end_object(j);
    pgm_json_end_array(j);
    pgm_json_key(j, "templating");
    pgm_json_begin_object(j);
    pgm_json_key(j, "list");
    pgm_json_begin_array(j);
    pgm_json_begin_object(j);
    static const char *const var[][2] = {{"name", "datasource"}, {"label", "Data source"}, {"type", "datasource"},
                                         {"query", "prometheus"}};
    for (size_t i = 0; i < sizeof var / sizeof var[0]; i++) {
        pgm_json_key(j, var[i][0]);
        pgm_json_string(j, var[i][1]);
    }
    pgm_json_key(j, "current");
    pgm_json_begin_object(j);
    pgm_json_key(j, "text");
    pgm_json_string(j, "${DS_PROMETHEUS}");
    pgm_json_key(j, "value");
    pgm_json_string(j, "${DS_PROMETHEUS}");
    pgm_json_end_object(j);
    pgm_json_end_object(j);
    pgm_json_end_array(j);
    pgm_json_end_object(j);
}

static int write_dashboard(const pgm_analysis *a, FILE *out)
{
    const pgm_alerting *m = &a->alerting;
    pgm_json j;
    pgm_json_init(&j, out, true);
    pgm_json_begin_object(&j);
    imports(&j);
    /* one dashboard per incident: its uid from the time the evidence begins
     * (Grafana's uids are at most 40 characters) */
    char iso[PGM_TS_ISO_LEN], uid[41] = "pgmortem";
    pgm_ts_format_iso(m->n_steps ? m->t0 : 0, iso);
    size_t u = strlen(uid);
    uid[u++] = '-';
    for (const char *c = iso; *c && *c != '.' && u + 1 < sizeof uid; c++)
        if (*c >= '0' && *c <= '9')
            uid[u++] = *c;
    uid[u] = 0;
    char title[256];
    snprintf(title, sizeof title, "pgmortem: PostgreSQL connections and HikariCP pools (%s, %.10s)",
             pgm_verdict_name(a->hyp[0].kind), iso);
    pgm_json_key(&j, "title");
    pgm_json_string(&j, title);
    pgm_json_key(&j, "uid");
    pgm_json_string(&j, uid);
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
    long usable = m->n_targets ? m->targets[0].max : -1;
    panel(&j, id++, "Open sessions against the usable slots", "sum by (instance) (pg_stat_activity_count)",
          "{{instance}}", y, usable);
    y += 8;
    panel(&j, id++, "Sessions by state", "sum by (instance, state) (pg_stat_activity_count)", "{{instance}} {{state}}",
          y, 0);
    y += 8;
    /* a panel per named pool; the unnamed share one, told apart by instance */
    bool unnamed = false;
    for (size_t i = 1; i < m->n_targets; i++) {
        const pgm_alert_target *t = &m->targets[i];
        char expr[512], ptitle[256];
        if (!t->pool_named) {
            if (unnamed)
                continue;
            unnamed = true;
            snprintf(expr, sizeof expr, "%s", "hikaricp_connections_active{pool=~\"HikariPool-.*\"}");
            snprintf(ptitle, sizeof ptitle, "%s", "Pools without a pool-name: borrowed connections, by instance");
            panel(&j, id++, ptitle, expr, "{{instance}} {{pool}}", y, 0);
            y += 8;
            snprintf(expr, sizeof expr, "%s", "hikaricp_connections_pending{pool=~\"HikariPool-.*\"}");
            panel(&j, id++, "Pools without a pool-name: threads waiting, by instance", expr, "{{instance}} {{pool}}",
                  y, 1);
            y += 8;
            continue;
        }
        snprintf(expr, sizeof expr, "hikaricp_connections_active{pool=\"%s\"}", t->pool);
        snprintf(ptitle, sizeof ptitle, "Pool %s (%s): borrowed connections (maximum %ld)", t->pool, t->service,
                 t->max);
        panel(&j, id++, ptitle, expr, "{{instance}}", y, t->max);
        y += 8;
        snprintf(expr, sizeof expr, "hikaricp_connections_pending{pool=\"%s\"}", t->pool);
        snprintf(ptitle, sizeof ptitle, "Pool %s (%s): threads waiting", t->pool, t->service);
        panel(&j, id++, ptitle, expr, "{{instance}}", y, 1);
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
    static const char *const names[] = {"pgmortem-alerts.yml", "pgmortem-alerts.test.yml", "pgmortem-dashboard.json"};
    for (int f = 0; f < 3; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[f]);
        pgm_outfile out;
        if (pgm_outfile_open(&out, path, err) != PGM_OK)
            return PGM_FAILED;
        int w = f == 0 ? pgm_report_alert_rules(a, out.f)
                : f == 1 ? pgm_report_alert_tests(a, out.f)
                         : write_dashboard(a, out.f);
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

char *pgm_report_alert_rules_text(const pgm_analysis *a)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return NULL;
    int rc = pgm_report_alert_rules(a, mem);
    if (fclose(mem) != 0 || rc != 0) {
        free(text);
        return NULL;
    }
    return text;
}
