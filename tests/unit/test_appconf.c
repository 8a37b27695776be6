/* The application side's configuration: each file form read with its lines
 * (properties escapes and continuations, Spring's #--- and YAML's ---
 * documents, .env quoting, Kubernetes env, replicas and autoscalers), and
 * the effective pools and key findings built from them: relaxed binding,
 * profiles, precedence, HikariCP's clamps, per version. */
#include "testutil.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "config/appconf.h"
#include "config/effective.h"

static const pgm_appconf_key *key(const pgm_appconf *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->keys[i].key, name) == 0)
            return &c->keys[i];
    return NULL;
}

static void read_text(pgm_appconf *c, enum pgm_appconf_form form, const char *name, const char *text)
{
    int rc = pgm_appconf_read(c, form, name, name, text, strlen(text));
    assert_true(rc == PGM_OK || rc == PGM_WARN);
}

static void test_properties(void **state)
{
    (void)state;
    pgm_appconf c;
    read_text(&c, PGM_APPCONF_PROPERTIES, "application-prod.properties",
              "# comment\n"
              "! also a comment \\\n"
              "spring.datasource.url = jdbc:postgresql://db/x?a=1&\\\n"
              "    b=2\n"
              "key\\ with\\ spaces:value\n"
              "spring.datasource.hikari.pool-name   orders\\u0041\n"
              "#---\n"
              "spring.config.activate.on-profile=eu\n"
              "spring.datasource.hikari.maximum-pool-size=7\n");
    assert_string_equal(c.profile, "prod");
    assert_int_equal(c.n_docs, 2);
    const pgm_appconf_key *k = key(&c, "spring.datasource.url");
    assert_non_null(k);
    assert_string_equal(k->value, "jdbc:postgresql://db/x?a=1&b=2");
    assert_int_equal(k->line, 3);
    assert_string_equal(key(&c, "key with spaces")->value, "value");
    assert_int_equal(key(&c, "key with spaces")->line, 5);
    assert_string_equal(key(&c, "spring.datasource.hikari.pool-name")->value, "ordersA");
    k = key(&c, "spring.datasource.hikari.maximum-pool-size");
    assert_int_equal(k->doc, 1);
    assert_int_equal(k->line, 9);
    assert_string_equal(c.on_profile[1], "eu");
    assert_null(c.on_profile[0]);
    pgm_appconf_free(&c);
}

static void test_yaml_documents(void **state)
{
    (void)state;
    pgm_appconf c;
    read_text(&c, PGM_APPCONF_YAML, "application.yml",
              "spring:\n"
              "  datasource:\n"
              "    hikari:\n"
              "      maximum-pool-size: 10\n"
              "      data-source-properties:\n"
              "        socketTimeout: 30\n"
              "list: [a, b]\n"
              "---\n"
              "spring.config.activate.on-profile: \"prod | staging\"\n"
              "spring:\n"
              "  datasource.hikari.maximum-pool-size: 40\n");
    assert_int_equal(c.n_docs, 2);
    const pgm_appconf_key *k = key(&c, "spring.datasource.hikari.maximum-pool-size");
    assert_non_null(k);
    assert_int_equal(k->line, 4);
    assert_int_equal(k->doc, 0);
    assert_string_equal(key(&c, "spring.datasource.hikari.data-source-properties.socketTimeout")->value, "30");
    assert_string_equal(key(&c, "list[1]")->value, "b");
    /* the second document's key, with the line of the whole file */
    for (size_t i = 0; i < c.n; i++)
        if (strcmp(c.keys[i].key, "spring.datasource.hikari.maximum-pool-size") == 0 && c.keys[i].doc == 1)
            assert_int_equal(c.keys[i].line, 11);
    assert_string_equal(c.on_profile[1], "prod | staging");
    pgm_appconf_free(&c);
    /* a broken document is reported with its line; the others are kept */
    read_text(&c, PGM_APPCONF_YAML, "application.yml", "a: 1\n---\nb: [unclosed\n---\nc: 3\n");
    assert_non_null(c.error);
    assert_int_equal(c.error_line >= 3, 1);
    assert_non_null(key(&c, "a"));
    assert_non_null(key(&c, "c"));
    pgm_appconf_free(&c);
}

/* Anchors, aliases and merge keys as Spring's SnakeYAML reads them; a file
 * whose aliases expand without bound is refused, the rule packs' way. */
static void test_yaml_anchors_and_merge_keys(void **state)
{
    (void)state;
    pgm_appconf c;
    read_text(&c, PGM_APPCONF_YAML, "application.yml",
              "pool-defaults: &pool\n"
              "  maximum-pool-size: 40\n"
              "  connection-timeout: 30000\n"
              "more: &more\n"
              "  connection-timeout: 1000\n"
              "  idle-timeout: 5000\n"
              "spring:\n"
              "  datasource:\n"
              "    username: &user orders\n"
              "    hikari:\n"
              "      <<: [*pool, *more]\n"
              "      maximum-pool-size: 20\n"
              "      pool-name: *user\n");
    assert_null(c.error);
    const pgm_appconf_key *k = key(&c, "spring.datasource.hikari.maximum-pool-size");
    assert_non_null(k);
    assert_string_equal(k->value, "20"); /* the mapping's own key wins */
    assert_int_equal(k->line, 12);
    k = key(&c, "spring.datasource.hikari.connection-timeout");
    assert_non_null(k);
    assert_string_equal(k->value, "30000"); /* the first merged mapping wins */
    assert_int_equal(k->line, 3);          /* cited where it is written */
    assert_string_equal(key(&c, "spring.datasource.hikari.idle-timeout")->value, "5000");
    assert_string_equal(key(&c, "spring.datasource.hikari.pool-name")->value, "orders");
    assert_null(key(&c, "spring.datasource.hikari.<<"));
    pgm_appconf_free(&c);

    read_text(&c, PGM_APPCONF_YAML, "laughs.yml",
              "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
              "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
              "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
              "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
              "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
              "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n");
    assert_non_null(c.error);
    assert_non_null(strstr(c.error, "aliases expand to more than 200000 nodes"));
    pgm_appconf_free(&c);

    read_text(&c, PGM_APPCONF_YAML, "loop.yml", "a: &a\n  b: *a\n");
    assert_non_null(c.error);
    assert_non_null(strstr(c.error, "the alias *a is inside the node it names"));
    pgm_appconf_free(&c);
    read_text(&c, PGM_APPCONF_YAML, "unknown.yml", "a: *nowhere\n");
    assert_non_null(strstr(c.error, "names no anchor before it"));
    pgm_appconf_free(&c);
}

static void test_env_and_k8s(void **state)
{
    (void)state;
    pgm_appconf c;
    read_text(&c, PGM_APPCONF_ENV, "orders.env",
              "# x\n"
              "export SPRING_PROFILES_ACTIVE=prod\n"
              "A=\"quoted # not a comment\"\n"
              "B='single'  \n"
              "C=bare # comment\n"
              "not a line\n");
    assert_string_equal(key(&c, "SPRING_PROFILES_ACTIVE")->value, "prod");
    assert_string_equal(key(&c, "A")->value, "quoted # not a comment");
    assert_string_equal(key(&c, "B")->value, "single");
    assert_string_equal(key(&c, "C")->value, "bare");
    assert_int_equal(key(&c, "C")->line, 5);
    assert_int_equal(c.error_line, 6);
    pgm_appconf_free(&c);

    read_text(&c, PGM_APPCONF_K8S, "k8s.yaml",
              "apiVersion: autoscaling/v2\n"
              "kind: HorizontalPodAutoscaler\n"
              "spec:\n"
              "  scaleTargetRef: {kind: Deployment, name: orders}\n"
              "  maxReplicas: 12\n"
              "---\n"
              "apiVersion: apps/v1\n"
              "kind: Deployment\n"
              "metadata:\n"
              "  name: orders\n"
              "spec:\n"
              "  replicas: 3\n"
              "  template:\n"
              "    spec:\n"
              "      containers:\n"
              "        - name: app\n"
              "          env:\n"
              "            - name: SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE\n"
              "              value: \"20\"\n"
              "            - name: FROM_SECRET\n"
              "              valueFrom: {secretKeyRef: {name: s, key: k}}\n"
              "---\n"
              "kind: StatefulSet\n"
              "metadata: {name: reports}\n"
              "spec: {template: {spec: {containers: [{name: r}]}}}\n");
    assert_int_equal(c.n_workloads, 2);
    assert_string_equal(c.workloads[0].name, "orders");
    assert_int_equal(c.workloads[0].replicas, 3);
    assert_int_equal(c.workloads[0].replicas_line, 12);
    assert_int_equal(c.workloads[0].max_replicas, 12);
    assert_int_equal(c.workloads[0].max_replicas_line, 5);
    assert_int_equal(c.workloads[1].replicas, -1);
    const pgm_appconf_key *k = key(&c, "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE");
    assert_non_null(k);
    assert_string_equal(k->value, "20");
    assert_int_equal(k->line, 19);
    assert_int_equal(k->workload, 0);
    assert_null(key(&c, "FROM_SECRET"));
    pgm_appconf_free(&c);
}

/* ---- the effective configuration ---- */

static pgm_config *config_of(const pgm_config_options *o, const char *const *files, size_t n)
{
    pgm_config *cfg;
    assert_int_equal(pgm_config_open(&cfg, o), PGM_OK);
    for (size_t i = 0; i < n; i += 3) {
        enum pgm_appconf_form form;
        assert_true(pgm_appconf_form_of(strrchr(files[i], '/') + 1, files[i + 1], &form));
        pgm_appconf a;
        assert_int_equal(pgm_appconf_read(&a, form, files[i], strrchr(files[i], '/') + 1, files[i + 2],
                                          strlen(files[i + 2])),
                         PGM_OK);
        assert_int_equal(pgm_config_add_appconf(cfg, &a), PGM_OK);
        pgm_appconf_free(&a);
    }
    return cfg;
}

static const pgm_record *pool_named(const pgm_facts *f, const char *name)
{
    const pgm_collection *c = pgm_facts_collection(f, "pool");
    for (size_t i = 0; c && i < c->n; i++) {
        const pgm_value *v = pgm_record_get(&c->recs[i], "name");
        if (v && v->type == PGM_V_STR && strcmp(v->str, name) == 0)
            return &c->recs[i];
    }
    return NULL;
}

static const char *field(const pgm_record *r, const char *name)
{
    const pgm_fact *f = pgm_record_get_fact(r, name);
    return f ? f->text : NULL;
}

static bool has_key_problem(const pgm_facts *f, const char *name, const char *problem, const char *suggestion)
{
    const pgm_collection *c = pgm_facts_collection(f, "key");
    for (size_t i = 0; c && i < c->n; i++) {
        const char *n = field(&c->recs[i], "name"), *p = field(&c->recs[i], "problem");
        const char *s = field(&c->recs[i], "suggestion");
        if (n && p && strcmp(n, name) == 0 && strcmp(p, problem) == 0 &&
            (!suggestion || (s && strcmp(s, suggestion) == 0)))
            return true;
    }
    return false;
}

static void test_precedence_and_profiles(void **state)
{
    (void)state;
    const char *files[] = {
        "svc/orders/application.yml", "spring_conf",
        "spring:\n  application.name: orders\n  datasource:\n    url: jdbc:postgresql://db/o?ApplicationName=orders&socketTimeout=30\n"
        "    hikari:\n      maximumPoolSize: 10\n      leak_detection_threshold: 5000\n"
        "---\nspring.config.activate.on-profile: prod\nspring.datasource.hikari.maximum-pool-size: 40\n",
        "svc/orders/application.properties", "spring_conf",
        "spring.datasource.hikari.MAXIMUM-POOL-SIZE=12\n",
        "svc/orders/application-prod.properties", "spring_conf",
        "spring.datasource.hikari.maximum-pool-size=50\n",
        "svc/orders/orders.env", "env_file",
        "SPRING_DATASOURCE_HIKARI_CONNECTION_TIMEOUT=0\nSPRING_PROFILES_ACTIVE=prod\n",
        "svc/k8s/deploy.yaml", "k8s_manifest",
        "kind: Deployment\nmetadata: {name: orders}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n"
        "        - env:\n            - {name: SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE, value: \"60\"}\n",
    };
    pgm_config_options o;
    memset(&o, 0, sizeof o);
    pgm_config *cfg = config_of(&o, files, sizeof files / sizeof files[0]);
    pgm_facts f;
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    /* the workload joins the service: its env (legacy underscores) wins */
    const pgm_record *p = pool_named(&f, "orders");
    assert_non_null(p);
    assert_string_equal(field(p, "maximum_pool_size"), "60");
    assert_string_equal(pgm_record_get_fact(p, "maximum_pool_size")->at.path, "svc/k8s/deploy.yaml");
    assert_string_equal(field(p, "instances"), "3");
    assert_string_equal(field(p, "application_name"), "orders");
    assert_string_equal(field(p, "socket_timeout"), "30s");
    assert_string_equal(field(p, "connection_timeout"), "2147483647ms");
    assert_string_equal(field(p, "leak_detection_threshold"), "5000ms");
    assert_true(has_key_problem(&f, "SPRING_DATASOURCE_HIKARI_CONNECTION_TIMEOUT", "env_connection_prefix",
                                "SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT"));
    pgm_facts_free(&f);
    pgm_config_close(cfg);

    /* without the manifest and the .env: profile prod from --profile; the
     * profile file beats the profile document, properties beat YAML */
    o.profiles[o.n_profiles++] = "prod";
    cfg = config_of(&o, files, 9);
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    p = pool_named(&f, "orders");
    assert_string_equal(field(p, "maximum_pool_size"), "50");
    assert_string_equal(field(p, "instances"), "1");
    pgm_facts_free(&f);
    pgm_config_close(cfg);
    /* default profile: properties (12) over YAML (10); the prod document is off */
    o.n_profiles = 0;
    cfg = config_of(&o, files, 6);
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    p = pool_named(&f, "orders");
    assert_string_equal(field(p, "maximum_pool_size"), "12");
    pgm_facts_free(&f);
    pgm_config_close(cfg);
}

static void test_clamps_per_version(void **state)
{
    (void)state;
    const char *files[] = {
        "a/application.properties", "spring_conf",
        "spring.datasource.url=jdbc:postgresql://db/a\n"
        "spring.datasource.hikari.pool-name=a\n"
        "spring.datasource.hikari.max-lifetime=20000\n"
        "spring.datasource.hikari.leak-detection-threshold=1900000\n"
        "spring.datasource.hikari.keepalive-time=25000\n"
        "spring.datasource.hikari.minimum-idle=2\n"
        "spring.datasource.hikari.idle-timeout=5000\n"
        "spring.datasource.hikari.max-pool-size=5\n"
        "spring.datasource.maximum-pool-size=7\n"
        "spring.datasource.hikari.validation-timeout=30s\n"
        "spring.datasource.hikari.initialization-fail-fast=true\n",
    };
    pgm_config_options o;
    memset(&o, 0, sizeof o);
    o.hikari_version = "5.0.1";
    pgm_config *cfg = config_of(&o, files, 3);
    pgm_facts f;
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    const pgm_record *p = pool_named(&f, "a");
    assert_non_null(p);
    /* maxLifetime under 30 s: 30 min; then the leak threshold is above it: off */
    assert_string_equal(field(p, "max_lifetime"), "1800000ms");
    assert_string_equal(field(p, "max_lifetime_configured"), "20000ms");
    assert_string_equal(field(p, "leak_detection_threshold"), "0ms");
    assert_non_null(pgm_record_get_fact(p, "leak_detection_threshold")->at.note);
    assert_string_equal(field(p, "keepalive_time"), "0ms");
    /* minimumIdle 2 of 10: idleTimeout under 10 s becomes 600000 */
    assert_string_equal(field(p, "maximum_pool_size"), "10");
    assert_string_equal(field(p, "idle_timeout"), "600000ms");
    assert_string_equal(field(p, "validation_timeout"), "5000ms");
    assert_true(has_key_problem(&f, "spring.datasource.hikari.max-pool-size", "unknown",
                                "spring.datasource.hikari.maximum-pool-size"));
    assert_true(has_key_problem(&f, "spring.datasource.maximum-pool-size", "wrong_prefix",
                                "spring.datasource.hikari.maximum-pool-size"));
    assert_true(has_key_problem(&f, "spring.datasource.hikari.validation-timeout", "not_a_number", NULL));
    assert_true(has_key_problem(&f, "spring.datasource.hikari.initialization-fail-fast", "removed", NULL));
    pgm_facts_free(&f);
    pgm_config_close(cfg);
    /* keepalive's default: 0 up to HikariCP 6.2.0, 2 minutes from 6.2.1 */
    const char *plain[] = {"b/application.properties", "spring_conf", "spring.datasource.url=jdbc:postgresql://db/b\n"};
    for (int v = 0; v < 2; v++) {
        o.hikari_version = v ? "6.2.1" : "6.2.0";
        cfg = config_of(&o, plain, 3);
        pgm_facts_init(&f);
        assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
        p = pool_named(&f, "b");
        assert_non_null(p);
        assert_string_equal(field(p, "keepalive_time"), v ? "120000ms" : "0ms");
        pgm_facts_free(&f);
        pgm_config_close(cfg);
    }
}

static void test_custom_prefix_pools(void **state)
{
    (void)state;
    const char *files[] = {
        "r/application.yml", "spring_conf",
        "app:\n  datasource:\n    first:\n      url: jdbc:postgresql://db/first\n      configuration:\n        maximum-pool-size: 4\n"
        "    second:\n      url: jdbc:postgresql://db/second\n      maximum-pool-size: 6\n"
        "feature:\n  url: https://example.com\n",
    };
    pgm_config_options o;
    memset(&o, 0, sizeof o);
    pgm_config *cfg = config_of(&o, files, 3);
    pgm_facts f;
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    const pgm_collection *pools = pgm_facts_collection(&f, "pool");
    assert_non_null(pools);
    assert_int_equal(pools->n, 2); /* feature.url is no datasource */
    const pgm_record *first = pool_named(&f, "r:app.datasource.first");
    assert_non_null(first);
    assert_string_equal(field(first, "maximum_pool_size"), "4");
    assert_string_equal(field(first, "jdbc_url"), "jdbc:postgresql://db/first");
    /* DataSourceBuilder straight onto a prefix: url is not HikariCP's */
    assert_true(has_key_problem(&f, "app.datasource.second.url", "url_not_jdbc_url",
                                "app.datasource.second.jdbc-url"));
    pgm_facts_free(&f);
    pgm_config_close(cfg);
}

/* Java system properties beat the environment, the command line beats both */
static void test_java_options_and_args(void **state)
{
    (void)state;
    const char *files[] = {
        "k8s/deploy.yaml", "k8s_manifest",
        "kind: Deployment\nmetadata: {name: orders}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n"
        "        - name: app\n"
        "          args: [\"--spring.datasource.hikari.connection-timeout=4000\"]\n"
        "          env:\n"
        "            - {name: SPRING_DATASOURCE_URL, value: \"jdbc:postgresql://db/o\"}\n"
        "            - {name: SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE, value: \"9\"}\n"
        "            - {name: SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT, value: \"2000\"}\n"
        "            - name: JAVA_TOOL_OPTIONS\n"
        "              value: \"-Xmx1g -Dspring.datasource.hikari.maximum-pool-size=12 -Dspring.datasource.hikari.connection-timeout=3000\"\n",
    };
    pgm_config_options o;
    memset(&o, 0, sizeof o);
    pgm_config *cfg = config_of(&o, files, 3);
    pgm_facts f;
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    const pgm_record *p = pool_named(&f, "orders");
    assert_non_null(p);
    assert_string_equal(field(p, "maximum_pool_size"), "12");     /* -D over the env */
    assert_string_equal(field(p, "connection_timeout"), "4000ms"); /* the argument over -D */
    assert_string_equal(field(p, "instances"), "2");
    pgm_facts_free(&f);
    pgm_config_close(cfg);
    /* an autoscaler in a file of its own still sets the fleet's size */
    const char *two[] = {
        files[0], files[1], files[2],
        "k8s/hpa.yaml", "k8s_manifest",
        "kind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef: {name: orders}\n  maxReplicas: 7\n",
    };
    cfg = config_of(&o, two, 6);
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    p = pool_named(&f, "orders");
    assert_non_null(p);
    assert_string_equal(field(p, "instances"), "7");
    assert_string_equal(pgm_record_get_fact(p, "instances")->at.path, "k8s/hpa.yaml");
    assert_int_equal(pgm_record_get_fact(p, "instances")->at.line, 4);
    pgm_facts_free(&f);
    pgm_config_close(cfg);
}

/* Spring Boot's version from the build, and the HikariCP release it manages */
static void test_boot_version(void **state)
{
    (void)state;
    char v[32];
    unsigned line;
    const char *kts = "plugins {\n    id(\"org.springframework.boot\") version \"3.3.4\"\n}\n";
    assert_true(pgm_config_find_boot_version("build.gradle.kts", kts, strlen(kts), v, sizeof v, &line));
    assert_string_equal(v, "3.3.4");
    assert_int_equal(line, 2);
    assert_string_equal(pgm_hikari_for_boot(v), "5.1.0");
    const char *mf = "Manifest-Version: 1.0\nSpring-Boot-Version: 2.1.18.RELEASE\n";
    assert_true(pgm_config_find_boot_version("MANIFEST.MF", mf, strlen(mf), v, sizeof v, &line));
    assert_string_equal(v, "2.1.18.RELEASE");
    assert_string_equal(pgm_hikari_for_boot(v), "3.2.0");
    const char *prop = "<properties><spring-boot.version>3.5.0</spring-boot.version></properties>";
    assert_true(pgm_config_find_boot_version("pom.xml", prop, strlen(prop), v, sizeof v, &line));
    assert_string_equal(pgm_hikari_for_boot(v), "6.3.3");
    /* another artifact's version is not Boot's; other files are not read */
    const char *other = "<artifactId>postgresql</artifactId>\n<version>42.7.3</version>";
    assert_false(pgm_config_find_boot_version("pom.xml", other, strlen(other), v, sizeof v, &line));
    assert_false(pgm_config_find_boot_version("README.md", kts, strlen(kts), v, sizeof v, &line));
    assert_null(pgm_hikari_for_boot("1.5.22"));
}

/* Pools exist where Spring builds a datasource, not wherever a key looks
 * like a HikariCP property (seen on public repositories: ZooKeeper's
 * connection-timeout, a thread pool's pool-name, a cache's maximumPoolSize,
 * Hibernate's own connection properties). A custom prefix with a JDBC URL or
 * a driver beside its pool keys is one, whatever its name. */
static void test_no_pool_without_datasource(void **state)
{
    (void)state;
    const char *files[] = {
        "svc/api/application.yml", "spring_conf",
        "spring:\n  datasource:\n    url: jdbc:postgresql://db/api\n"
        "registry:\n  zookeeper:\n    connect-string: zk:2181\n    connection-timeout: 15s\n"
        "executor:\n  pool-name: workers\n  maximum-pool-size: 20\n"
        "cache:\n  maximumPoolSize: 50\n"
        "hibernate:\n  connection:\n    url: jdbc:postgresql://db/api\n    autocommit: false\n"
        "reports:\n  jdbc-url: jdbc:postgresql://db/reports\n  maximum-pool-size: 5\n"
        "ledger:\n  driver-class-name: org.postgresql.Driver\n  minimum-idle: 2\n",
    };
    pgm_config_options o;
    memset(&o, 0, sizeof o);
    pgm_config *cfg = config_of(&o, files, sizeof files / sizeof files[0]);
    pgm_facts f;
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    const pgm_collection *c = pgm_facts_collection(&f, "pool");
    assert_non_null(c);
    char names[512] = "";
    for (size_t i = 0; i < c->n; i++) {
        const char *src = field(&c->recs[i], "source");
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? "," : "", src ? src : "?");
    }
    assert_string_equal(names, "spring.datasource.hikari,ledger,reports");
    pgm_facts_free(&f);
    pgm_config_close(cfg);
}

/* The database each pool connects to, from its URL or its driver class:
 * pgjdbc's rules and the PostgreSQL server's budget count PostgreSQL pools
 * (and pools of no known driver) only (xxl-job's MySQL pool was told to set
 * socketTimeout and tcpKeepAlive). */
static void test_pool_driver(void **state)
{
    (void)state;
    const char *files[] = {
        "svc/a/application.properties", "spring_conf",
        "spring.datasource.url=jdbc:mysql://db:3306/a\nspring.datasource.hikari.maximum-pool-size=30\n"
        "spring.datasource.hikari.pool-name=a\n",
        "svc/b/application.properties", "spring_conf",
        "spring.datasource.url=jdbc:tc:postgresql:15:///b\nspring.datasource.hikari.maximum-pool-size=7\n"
        "spring.datasource.hikari.pool-name=b\n",
        "svc/c/application.properties", "spring_conf",
        "spring.datasource.driver-class-name=org.h2.Driver\nspring.datasource.hikari.pool-name=c\n",
        "svc/d/application.properties", "spring_conf",
        "spring.datasource.username=d\nspring.datasource.hikari.pool-name=d\n",
    };
    pgm_config_options o;
    memset(&o, 0, sizeof o);
    pgm_config *cfg = config_of(&o, files, sizeof files / sizeof files[0]);
    pgm_facts f;
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    const pgm_record *a = pool_named(&f, "a"), *b = pool_named(&f, "b"), *c = pool_named(&f, "c"),
                     *d = pool_named(&f, "d");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(d);
    assert_string_equal(field(a, "driver"), "mysql");
    assert_string_equal(field(a, "pg_pool_size"), "0");
    assert_string_equal(field(b, "driver"), "postgresql");
    assert_string_equal(field(b, "pg_pool_size"), "7");
    assert_string_equal(field(c, "driver"), "h2");
    assert_null(field(d, "driver")); /* nothing says: counted as PostgreSQL's */
    assert_string_equal(field(d, "pg_pool_size"), field(d, "maximum_pool_size"));
    pgm_facts_free(&f);
    pgm_config_close(cfg);
}

/* Placeholders as Spring resolves them (seen on thingsboard:
 * maximumPoolSize: "${TB_DB_POOL:16}" was shown as HikariCP's 10): the
 * default when nothing sets the variable, the variable where an .env file
 * sets it, and "unknown" (never a default) when nothing resolves it. */
static void test_placeholders(void **state)
{
    (void)state;
    const char *files[] = {
        "svc/tb/application.yml", "spring_conf",
        "spring:\n  datasource:\n    url: jdbc:postgresql://db/tb\n    hikari:\n"
        "      maximumPoolSize: \"${TB_DB_POOL:16}\"\n      leak-detection-threshold: ${LEAK_MS:0}\n"
        "      max-lifetime: ${LIFE_MS}\n      minimum-idle: ${MIN_IDLE:${FALLBACK_IDLE:4}}\n"
        "      idle-timeout: ${SPRING_DATASOURCE_HIKARI_IDLETIMEOUT:120000}\n",
        "svc/tb/tb.env", "env_file", "LEAK_MS=60000\n",
    };
    pgm_config_options o;
    memset(&o, 0, sizeof o);
    pgm_config *cfg = config_of(&o, files, sizeof files / sizeof files[0]);
    pgm_facts f;
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    const pgm_collection *c = pgm_facts_collection(&f, "pool");
    assert_non_null(c);
    assert_int_equal(c->n, 1);
    const pgm_record *p = &c->recs[0];
    assert_string_equal(field(p, "maximum_pool_size"), "16");
    assert_non_null(strstr(pgm_record_get_fact(p, "maximum_pool_size")->at.note, "TB_DB_POOL is set nowhere"));
    assert_string_equal(field(p, "leak_detection_threshold"), "60000ms");
    assert_non_null(strstr(pgm_record_get_fact(p, "leak_detection_threshold")->at.note, "svc/tb/tb.env:1"));
    assert_string_equal(field(p, "max_lifetime"), "unknown");
    assert_string_equal(field(p, "minimum_idle"), "4");
    /* a key named by its own placeholder takes its default */
    assert_string_equal(field(p, "idle_timeout"), "120000ms");
    pgm_facts_free(&f);
    pgm_config_close(cfg);
}

/* Which scope (server) holds the pool named `name`: the scope's index, or -1. */
static int scope_of_pool(pgm_config *cfg, const char *name, char *server, size_t cap)
{
    int found = -1;
    for (size_t s = 0; s < pgm_config_scopes(cfg); s++) {
        pgm_facts f;
        pgm_facts_init(&f);
        assert_int_equal(pgm_config_facts(cfg, s, &f), PGM_OK);
        const pgm_record *p = pool_named(&f, name);
        if (p) {
            assert_int_equal(found, -1); /* in one scope only */
            found = (int)s;
            snprintf(server, cap, "%s", field(p, "server"));
        }
        pgm_facts_free(&f);
    }
    return found;
}

static const char settings_100[] = "name|setting|unit\nmax_connections|100|\n";
static const char settings_200[] = "name|setting|unit\nmax_connections|200|\n";

/* Each server is judged with its own pools: by the host the URL names (a
 * Compose service), or as the only server beside them; never another
 * project's, and never a pool of another database. */
static void test_servers_and_their_pools(void **state)
{
    (void)state;
    char server[512];
    /* Compose: the URL names the service; another PostgreSQL elsewhere in the
     * same file does not get the pool */
    static const char *const compose[] = {
        "shop/docker-compose.yml", "k8s_manifest",
        "services:\n"
        "  db:\n    image: postgres:15\n    command: postgres -c max_connections=50\n"
        "  audit-db:\n    image: postgres:15\n    command: [postgres, -c, max_connections=20]\n"
        "  orders:\n    image: shop/orders\n    environment:\n"
        "      SPRING_DATASOURCE_URL: jdbc:postgresql://db:5432/orders\n"
        "  audit:\n    image: shop/audit\n    environment:\n"
        "      SPRING_DATASOURCE_URL: jdbc:postgresql://audit-db/audit\n"
        "  legacy:\n    image: shop/legacy\n    environment:\n"
        "      SPRING_DATASOURCE_URL: jdbc:mysql://mysql/legacy\n",
    };
    pgm_config_options o;
    memset(&o, 0, sizeof o);
    pgm_config *cfg = config_of(&o, compose, 3);
    assert_int_equal(pgm_config_scopes(cfg), 3);
    assert_int_equal(scope_of_pool(cfg, "orders", server, sizeof server), 0);
    assert_string_equal(server, "Compose service db, shop/docker-compose.yml:4");
    assert_int_equal(scope_of_pool(cfg, "audit", server, sizeof server), 1);
    assert_int_equal(scope_of_pool(cfg, "legacy", server, sizeof server), 2); /* MySQL: no server's */
    assert_string_equal(server, "none");
    pgm_facts f;
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 1, &f), PGM_OK);
    assert_string_equal(pgm_facts_get_fact(&f, "pg.max_connections")->text, "20");
    pgm_facts_free(&f);
    pgm_config_close(cfg);

    /* operators' clusters: each its own server, named by the service its
     * clients connect to (a FQDN names it too) */
    static const char *const operators[] = {
        "ops/k8s/cnpg.yaml", "k8s_manifest",
        "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: shop-db\nspec:\n  instances: 3\n"
        "  postgresql:\n    parameters:\n      max_connections: \"200\"\n"
        "      idle_in_transaction_session_timeout: \"60s\"\n",
        "ops/k8s/zalando.yaml", "k8s_manifest",
        "apiVersion: \"acid.zalan.do/v1\"\nkind: postgresql\nmetadata:\n  name: acid-orders\nspec:\n"
        "  teamId: \"acid\"\n  numberOfInstances: 2\n  postgresql:\n    version: \"15\"\n    parameters:\n"
        "      max_connections: \"120\"\n",
        "ops/k8s/crunchy.yaml", "k8s_manifest",
        "apiVersion: postgres-operator.crunchydata.com/v1beta1\nkind: PostgresCluster\nmetadata:\n  name: hippo\n"
        "spec:\n  patroni:\n    dynamicConfiguration:\n      postgresql:\n        parameters:\n"
        "          max_connections: 150\n",
        "ops/shop/application.properties", "spring_conf",
        "spring.datasource.url=jdbc:postgresql://shop-db-rw.shop.svc:5432/shop\n",
        "ops/orders/application.properties", "spring_conf",
        "spring.datasource.url=jdbc:postgresql://acid-orders/orders\n",
        "ops/reports/application.properties", "spring_conf",
        "spring.datasource.url=jdbc:postgresql://hippo-primary.db.svc.cluster.local/reports\n",
        /* Bitnami's chart as a subchart, in its older releases: a map of camelCase names */
        "ops/chart/values.yaml", "k8s_manifest",
        "postgresql:\n  enabled: true\n  postgresqlExtendedConf:\n    maxConnections: 80\n",
        "ops/audit/application.properties", "spring_conf",
        "spring.datasource.url=jdbc:postgresql://shop-postgresql:5432/audit\n",
    };
    cfg = config_of(&o, operators, sizeof operators / sizeof operators[0]);
    assert_int_equal(pgm_config_scopes(cfg), 5);
    assert_int_equal(scope_of_pool(cfg, "shop", server, sizeof server), 0);
    assert_string_equal(server, "CloudNativePG Cluster shop-db-rw, ops/k8s/cnpg.yaml:9");
    assert_int_equal(scope_of_pool(cfg, "orders", server, sizeof server), 1);
    assert_string_equal(server, "Zalando postgresql acid-orders, ops/k8s/zalando.yaml:11");
    assert_int_equal(scope_of_pool(cfg, "reports", server, sizeof server), 2);
    assert_int_equal(scope_of_pool(cfg, "audit", server, sizeof server), 3);
    assert_string_equal(server, "Helm values RELEASE-postgresql, ops/chart/values.yaml:4");
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    assert_string_equal(pgm_facts_get_fact(&f, "pg.max_connections")->text, "200");
    assert_string_equal(pgm_facts_get_fact(&f, "pg.idle_in_transaction_session_timeout")->text, "60000ms");
    pgm_facts_free(&f);
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 2, &f), PGM_OK);
    assert_string_equal(pgm_facts_get_fact(&f, "pg.max_connections")->text, "150");
    pgm_facts_free(&f);
    pgm_config_close(cfg);

    /* two repositories read together: each pool goes to its own repository's
     * server; a third one's pool matches none */
    static const char *const repos[] = {
        "corpus/a/orders/application.properties", "spring_conf",
        "spring.datasource.url=jdbc:postgresql://postgres/a\n",
        "corpus/b/billing/application.properties", "spring_conf",
        "spring.datasource.url=jdbc:postgresql://postgres/b\n",
        "corpus/c/reports/application.properties", "spring_conf",
        "spring.datasource.url=jdbc:postgresql://postgres/c\n",
    };
    cfg = config_of(&o, repos, 9);
    assert_int_equal(pgm_config_add_input(cfg, "corpus"), PGM_OK);
    assert_int_equal(pgm_config_read_pg_settings(cfg, "corpus/a/db/pg_settings.txt", settings_100,
                                                 strlen(settings_100)), 1);
    assert_int_equal(pgm_config_read_pg_settings(cfg, "corpus/b/pg_settings.txt", settings_200,
                                                 strlen(settings_200)), 1);
    assert_int_equal(pgm_config_scopes(cfg), 3);
    assert_int_equal(scope_of_pool(cfg, "orders", server, sizeof server), 0);
    assert_string_equal(server, "corpus/a/db/pg_settings.txt");
    assert_int_equal(scope_of_pool(cfg, "billing", server, sizeof server), 1);
    assert_int_equal(scope_of_pool(cfg, "reports", server, sizeof server), 2);
    assert_string_equal(server, "none");
    pgm_config_close(cfg);

    /* an incident bundle: db/ holds the only server and no application
     * configuration, so the services beside it are presumed its clients;
     * pg_file_settings beside pg_settings is the same server */
    static const char *const bundle[] = {
        "inc.tar.zst!inc/orders/application.yml", "spring_conf",
        "spring:\n  datasource:\n    url: jdbc:postgresql://db.internal/orders\n",
    };
    cfg = config_of(&o, bundle, 3);
    assert_int_equal(pgm_config_add_input(cfg, "inc.tar.zst"), PGM_OK);
    assert_int_equal(pgm_config_read_pg_settings(cfg, "inc.tar.zst!inc/db/pg_settings.txt", settings_100,
                                                 strlen(settings_100)), 1);
    static const char file_settings[] = "name|setting|applied\nmax_connections|30|t\n";
    assert_int_equal(pgm_config_read_pg_settings(cfg, "inc.tar.zst!inc/db/pg_file_settings.txt", file_settings,
                                                 strlen(file_settings)), 1);
    assert_int_equal(pgm_config_scopes(cfg), 2);
    assert_int_equal(scope_of_pool(cfg, "orders", server, sizeof server), 0);
    assert_string_equal(server, "inc.tar.zst!inc/db/pg_settings.txt");
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    assert_string_equal(pgm_facts_get_fact(&f, "pg.max_connections")->text, "100"); /* pg_settings wins */
    const pgm_record *p = pool_named(&f, "orders");
    assert_string_equal(pgm_record_get_fact(p, "server")->at.note, "presumed: the only server beside it in the inputs");
    pgm_facts_free(&f);
    pgm_config_close(cfg);
}

static size_t key_problems(const pgm_facts *f, const char *name, const char *problem)
{
    size_t n = 0;
    const pgm_collection *c = pgm_facts_collection(f, "key");
    for (size_t i = 0; c && i < c->n; i++) {
        const char *kn = field(&c->recs[i], "name"), *p = field(&c->recs[i], "problem");
        n += kn && p && strcmp(kn, name) == 0 && strcmp(p, problem) == 0;
    }
    return n;
}

/* What workloads take from ConfigMaps and Secrets: envFrom (all keys),
 * valueFrom (one key into another name), a Secret's base64 data; the
 * container's own env wins; a source not in the inputs makes the value
 * unknown, never a default; a plaintext password in a ConfigMap is said
 * once, however many workloads take it. */
static void test_configmaps_and_secrets(void **state)
{
    (void)state;
    static const char *const files[] = {
        "shop/k8s/config.yaml", "k8s_manifest",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db-config\ndata:\n"
        "  SPRING_DATASOURCE_URL: jdbc:postgresql://db/shop\n"
        "  SPRING_DATASOURCE_PASSWORD: hunter2\n"
        "  SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE: \"7\"\n"
        /* more variables than the first allocation holds: their names must survive its growth */
        "  EXTRA_00: x\n"
        "  EXTRA_01: x\n"
        "  EXTRA_02: x\n"
        "  EXTRA_03: x\n"
        "  EXTRA_04: x\n"
        "  EXTRA_05: x\n"
        "  EXTRA_06: x\n"
        "  EXTRA_07: x\n"
        "  EXTRA_08: x\n"
        "  EXTRA_09: x\n"
        "  EXTRA_10: x\n"
        "  EXTRA_11: x\n"
        "  EXTRA_12: x\n"
        "  EXTRA_13: x\n"
        "  EXTRA_14: x\n"
        "  EXTRA_15: x\n"
        "  EXTRA_16: x\n"
        "  EXTRA_17: x\n"
        "  EXTRA_18: x\n"
        "  EXTRA_19: x\n"
        "  EXTRA_20: x\n"
        "  EXTRA_21: x\n"
        "  EXTRA_22: x\n"
        "  EXTRA_23: x\n"
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db-secret\ndata:\n"
        "  leak: NjAwMDA=\n", /* 60000 */
        "shop/k8s/orders.yaml", "k8s_manifest",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: app\n          envFrom:\n            - configMapRef:\n"
        "                name: db-config\n"
        "          env:\n"
        "            - name: SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE\n              value: \"9\"\n"
        "            - name: SPRING_DATASOURCE_HIKARI_LEAK_DETECTION_THRESHOLD\n"
        "              valueFrom:\n                secretKeyRef: {name: db-secret, key: leak}\n"
        "            - name: SPRING_DATASOURCE_HIKARI_IDLE_TIMEOUT\n"
        "              valueFrom:\n                configMapKeyRef: {name: elsewhere, key: idle}\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: billing\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: app\n          envFrom:\n            - configMapRef:\n"
        "                name: db-config\n"
        /* the database takes the same ConfigMap (its own image, port 5432): no client, no pool */
        "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ledger-db\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: postgres\n          image: registry.example/ledger-db:1.0\n"
        "          ports:\n            - containerPort: 5432\n          envFrom:\n            - configMapRef:\n"
        "                name: db-config\n",
    };
    pgm_config_options o;
    memset(&o, 0, sizeof o);
    pgm_config *cfg = config_of(&o, files, 6);
    pgm_facts f;
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    const pgm_record *p = pool_named(&f, "orders");
    assert_non_null(p);
    assert_string_equal(field(p, "jdbc_url"), "jdbc:postgresql://db/shop");
    const pgm_fact *url = pgm_record_get_fact(p, "jdbc_url");
    assert_string_equal(url->at.path, "shop/k8s/config.yaml");
    assert_int_equal(url->at.line, 6);
    assert_string_equal(field(p, "maximum_pool_size"), "9");                 /* env over envFrom */
    assert_string_equal(field(p, "leak_detection_threshold"), "60000ms");    /* base64-decoded */
    assert_string_equal(field(p, "idle_timeout"), "unknown");                /* not in the inputs */
    assert_non_null(pool_named(&f, "billing"));
    assert_string_equal(field(pool_named(&f, "billing"), "maximum_pool_size"), "7");
    assert_null(pool_named(&f, "ledger-db"));
    assert_int_equal(key_problems(&f, "SPRING_DATASOURCE_PASSWORD", "plaintext_secret"), 1);
    pgm_facts_free(&f);
    pgm_config_close(cfg);

    /* Helm values: every password written in them, but not in a section
     * that is off, nor a template */
    static const char *const helm[] = {
        "chart/values.yaml", "k8s_manifest",
        "postgresql:\n  enabled: true\n  auth:\n    postgresPassword: pg-secret\n    password: \"\"\n"
        "mysql:\n  enabled: false\n  auth:\n    password: unused\n"
        "minio:\n  auth:\n    rootPassword: minioadmin\n"
        "app:\n  dbPassword: \"{{ .Values.global.pw }}\"\n",
    };
    cfg = config_of(&o, helm, 3);
    pgm_facts_init(&f);
    assert_int_equal(pgm_config_facts(cfg, 0, &f), PGM_OK);
    assert_int_equal(key_problems(&f, "postgresql.auth.postgresPassword", "plaintext_secret"), 1);
    assert_int_equal(key_problems(&f, "postgresql.auth.password", "plaintext_secret"), 0);
    assert_int_equal(key_problems(&f, "mysql.auth.password", "plaintext_secret"), 0);
    assert_int_equal(key_problems(&f, "minio.auth.rootPassword", "plaintext_secret"), 1);
    assert_int_equal(key_problems(&f, "app.dbPassword", "plaintext_secret"), 0);
    pgm_facts_free(&f);
    pgm_config_close(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_pool_driver),
        cmocka_unit_test(test_no_pool_without_datasource),
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_yaml_documents),
        cmocka_unit_test(test_yaml_anchors_and_merge_keys),
        cmocka_unit_test(test_env_and_k8s),
        cmocka_unit_test(test_precedence_and_profiles),
        cmocka_unit_test(test_clamps_per_version),
        cmocka_unit_test(test_custom_prefix_pools),
        cmocka_unit_test(test_boot_version),
        cmocka_unit_test(test_java_options_and_args),
        cmocka_unit_test(test_servers_and_their_pools),
        cmocka_unit_test(test_configmaps_and_secrets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
