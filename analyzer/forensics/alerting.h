/* What would have caught this incident, and how early. The incident's own
 * curves become the series Prometheus would have scraped every
 * PGM_ALERT_STEP_S seconds (postgres_exporter's pg_stat_activity_count and
 * pg_settings_*, Micrometer's hikaricp_connections_* as Spring Boot exposes
 * them); each alert rule's threshold and `for` are fitted to those series so
 * that it fires before the incident's harm (the first refusal, else the
 * first pool timeout, the first statement cancelled...), and the rule is
 * evaluated as Prometheus evaluates it: pending from the first evaluation
 * its expression holds, firing once it has held for `for` (Prometheus docs,
 * "Alerting rules"). report/alerts.c writes the rules, the same series and
 * these expectations as a `promtool test rules` file, so that Prometheus
 * itself checks every claim made here. */
#ifndef PGM_ALERTING_H
#define PGM_ALERTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "forensics/sessions.h"

/* Prometheus' usual scrape and rule evaluation interval, seconds. */
#define PGM_ALERT_STEP_S 15
/* Samples per series, at most: a longer span is scraped less often (the
 * step grows by whole PGM_ALERT_STEP_S), which the test file states. */
#define PGM_ALERTING_MAX_STEPS 5760u
/* Targets (the server, one per pool), at most: the pools past them get no
 * rules of their own, which the rules file says. */
#define PGM_ALERTING_MAX_TARGETS 17u
/* Rules: two for the server, four per named pool, four shared by the rest. */
#define PGM_ALERTING_MAX_RULES (2u + 4u * PGM_ALERTING_MAX_TARGETS)

enum pgm_alert_kind {
    PGM_ALERT_SLOTS,          /* the server's usable slots nearly taken */
    PGM_ALERT_IDLE_IN_TX,     /* sessions left idle inside a transaction */
    PGM_ALERT_POOL_HELD,      /* a pool's connections borrowed and not given back */
    PGM_ALERT_POOL_SATURATED, /* every connection of a pool borrowed */
    PGM_ALERT_POOL_WAITING,   /* threads waiting for a pool's connection */
    PGM_ALERT_POOL_TIMEOUTS   /* a pool could not hand out a connection in time */
};

/* One set of series: the server, or one pool of one service. */
typedef struct pgm_alert_target {
    char instance[64];        /* its `instance` label (the server, or the service) */
    char pool[128];           /* HikariCP's pool label; "" for the server */
    char service[128];        /* the service, "" for the server */
    bool pool_named;          /* the configuration names the pool (pool-name) */
    long max;                 /* the usable slots, or maximum-pool-size; -1 unknown */
    long max_connections, reserved; /* the server's settings, -1 unknown */
    int32_t *open;            /* client sessions, or the pool's borrowed connections; NULL: no series */
    int32_t *idle_in_tx;      /* the server's sessions idle in a transaction; NULL: none */
    int32_t *timeouts;        /* the pool's timeouts so far; NULL: none */
    char open_source[200];    /* how `open` was made, said in the test file */
    char idle_source[200], timeouts_source[200];
} pgm_alert_target;

typedef struct pgm_alert_rule {
    enum pgm_alert_kind kind;
    const char *name;         /* the alert's name */
    const char *severity;
    char service[128];        /* its `service` label, "" for none */
    char matcher[192];        /* the pool's label matcher, "" for the server's rules */
    char expr[512];
    unsigned for_s;           /* how long the expression must hold */
    double threshold;         /* the fraction of the slots, or the count, it was fitted to */
    unsigned window_s;        /* min_over_time's and increase's range, seconds */
    char summary[256], description[512];
    char note[320];           /* a comment written above the rule, "" for none */
    size_t targets[PGM_ALERTING_MAX_TARGETS]; /* the targets its matcher selects */
    size_t n_targets;
    int32_t fire_step[PGM_ALERTING_MAX_TARGETS]; /* each target's first firing step, -1: never */
    int64_t fires_at;         /* the earliest firing, PGM_TS_UNKNOWN: it would not have fired */
    int64_t lead_us;          /* the reference less fires_at (negative: after it) */
    bool fitted;              /* threshold and for were fitted to the incident's series */
    bool recommended;         /* it fires before the reference */
    char why[240];            /* why it is not recommended, or how it was fitted */
} pgm_alert_rule;

typedef struct pgm_alerting {
    int64_t t0;               /* the first sample's time (UTC us) */
    unsigned step_s;          /* the scrape and evaluation interval */
    size_t n_steps;
    int64_t reference;        /* the harm to be early for, PGM_TS_UNKNOWN: none */
    const char *reference_what; /* "the first refusal"... */
    int64_t incident_start;   /* before it, no fitted rule may fire */
    pgm_alert_target targets[PGM_ALERTING_MAX_TARGETS];
    size_t n_targets;
    pgm_alert_rule rules[PGM_ALERTING_MAX_RULES];
    size_t n_rules;
    unsigned pools_left;      /* pools past PGM_ALERTING_MAX_TARGETS: no rules of their own */
} pgm_alerting;

/* The builder's input: what the analysis knows. Curves are step functions:
 * a point holds until the next. */
typedef struct pgm_alerting_input {
    const pgm_curve_point *server;       /* client sessions open (NULL: none) */
    size_t n_server;
    const char *server_source;           /* where that curve comes from, said in the test file */
    const pgm_curve_point *idle_in_tx;   /* sessions idle in a transaction (NULL: none) */
    size_t n_idle_in_tx;
    long max_connections, reserved;      /* -1 unknown */
    int64_t reference;                   /* PGM_TS_UNKNOWN: none */
    const char *reference_what;
    int64_t incident_start;              /* PGM_TS_UNKNOWN: the series' start */
    bool leak;                           /* the verdict is a leak: the held-connections alert */
    struct pgm_alert_pool {
        const char *service, *pool_name; /* pool_name "" when not configured */
        long maximum_pool_size;
        bool leak_detection;             /* leak-detection-threshold set */
        const pgm_curve_point *borrowed; /* its connections borrowed (NULL: not in the evidence) */
        size_t n_borrowed;
        const char *borrowed_source;
        int64_t first_timeout;           /* PGM_TS_UNKNOWN: none */
    } pools[PGM_ALERTING_MAX_TARGETS - 1];
    size_t n_pools, pools_left;
} pgm_alerting_input;

/* Builds the series and fits the rules. PGM_OK, or PGM_FATAL when memory ran
 * out (the model is then empty). */
int pgm_alerting_build(pgm_alerting *m, const pgm_alerting_input *in);
void pgm_alerting_free(pgm_alerting *m);
/* The time of step i. */
int64_t pgm_alerting_time(const pgm_alerting *m, size_t step);
/* "5m", "30s", "0s": a duration as PromQL and rule files write it. */
void pgm_alerting_duration(unsigned s, char *out, size_t cap);
/* Whether a rule is firing for a target at a step, evaluated as Prometheus
 * does from the first step on. */
bool pgm_alerting_firing(const pgm_alerting *m, const pgm_alert_rule *r, const pgm_alert_target *t, size_t step);

#endif
