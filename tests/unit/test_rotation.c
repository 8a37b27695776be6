/* Rotated logs: the names logrotate, Docker, Python's handlers, the kubelet
 * and a user saving `kubectl logs --previous` give one log's pieces, told
 * apart from names that only look alike. */
#include "testutil.h"

#include <string.h>

#include "bundle/rotation.h"

static void stream_is(const char *path, const char *want)
{
    char got[256];
    pgm_rotation_stream(path, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("%s: stream '%s', want '%s'", path, got, want);
}

static pgm_rotation of(const char *path)
{
    pgm_rotation r;
    pgm_rotation_of(path, &r);
    return r;
}

/* `names` oldest first: each is older than every later one, one stream. */
static void oldest_first(const char *const *names, size_t n)
{
    char first[256], s[256];
    pgm_rotation_stream(names[0], first, sizeof first);
    for (size_t i = 0; i < n; i++) {
        pgm_rotation_stream(names[i], s, sizeof s);
        if (strcmp(s, first) != 0)
            fail_msg("%s: stream '%s', not '%s'", names[i], s, first);
        for (size_t k = i + 1; k < n; k++) {
            pgm_rotation a = of(names[i]), b = of(names[k]);
            if (pgm_rotation_cmp(&a, &b) >= 0 || pgm_rotation_cmp(&b, &a) <= 0)
                fail_msg("%s is not older than %s", names[i], names[k]);
        }
    }
}

static void test_logrotate_numbers(void **state)
{
    (void)state;
    static const char *const names[] = {"b.tar!var/log/postgresql/postgresql-15-main.log.3.gz",
                                        "b.tar!var/log/postgresql/postgresql-15-main.log.2.gz",
                                        "b.tar!var/log/postgresql/postgresql-15-main.log.1",
                                        "b.tar!var/log/postgresql/postgresql-15-main.log"};
    oldest_first(names, 4);
    stream_is(names[0], "b.tar!var/log/postgresql/postgresql-15-main.log");
    assert_true(of(names[0]).rotated);
    assert_false(of(names[3]).rotated);
    /* a compressed live file (gzip -r on a bundle) is the same stream */
    stream_is("logs/orders.log.gz", "logs/orders.log");
    /* Docker's json-file: <id>-json.log.1 is the newest rotated one */
    static const char *const docker[] = {"containers/4f1c/4f1c-json.log.2", "containers/4f1c/4f1c-json.log.1",
                                         "containers/4f1c/4f1c-json.log"};
    oldest_first(docker, 3);
}

static void test_dates(void **state)
{
    (void)state;
    /* logrotate dateext (-%Y%m%d), TimedRotatingFileHandler (%Y-%m-%d), the
     * kubelet (20060102-150405, then gzip) */
    static const char *const dateext[] = {"syslog-20261125.gz", "syslog-20261126", "syslog"};
    oldest_first(dateext, 3);
    static const char *const timed[] = {"app.log.2026-11-26", "app.log.2026-11-27_02-15-00", "app.log"};
    oldest_first(timed, 3);
    static const char *const kubelet[] = {"0.log.20261127-021500.gz", "0.log.20261127-022000", "0.log"};
    oldest_first(kubelet, 3);
    stream_is("a/0.log.20261127-021500.gz", "a/0.log");
    /* logback's %d then %i, Spring Boot's default: %i counts up within the day */
    static const char *const spring[] = {"orders/orders.log.2026-11-26.3.gz", "orders/orders.log.2026-11-27.0.gz",
                                         "orders/orders.log.2026-11-27.1.gz", "orders/orders.log.2026-11-27.12.gz",
                                         "orders/orders.log"};
    oldest_first(spring, 5);
    stream_is(spring[1], "orders/orders.log");
    /* a date before the extension: logback's own example (mylog-%d{yyyy-MM-dd}.%i.log)
     * and PostgreSQL's logging collector by default (postgresql-%Y-%m-%d_%H%M%S.log) */
    static const char *const logback[] = {"orders/orders-2026-11-26.0.log.gz", "orders/orders-2026-11-27.0.log",
                                          "orders/orders-2026-11-27.1.log"};
    oldest_first(logback, 3);
    stream_is(logback[0], "orders/orders.log");
    static const char *const collector[] = {"db/postgresql-2026-11-27_020000.log", "db/postgresql-2026-11-27_030000.log",
                                            "db/postgresql-2026-11-28_000000.log"};
    oldest_first(collector, 3);
    stream_is(collector[0], "db/postgresql.log");
    assert_true(of(collector[2]).rotated);
    /* a number after what is no date stays logrotate's */
    stream_is("x.log.2026.1", "x.log.2026");
}

static void test_pods_layout_and_previous(void **state)
{
    (void)state;
    /* one N.log per start of the container, each rotated on its own */
    static const char *const pods[] = {
        "var/log/pods/shop_orders-7d9c_0d6f-5b7e/orders/0.log.20261127-021500.gz",
        "var/log/pods/shop_orders-7d9c_0d6f-5b7e/orders/0.log",
        "var/log/pods/shop_orders-7d9c_0d6f-5b7e/orders/1.log.20261127-022500",
        "var/log/pods/shop_orders-7d9c_0d6f-5b7e/orders/1.log"};
    oldest_first(pods, 4);
    stream_is(pods[0], "var/log/pods/shop_orders-7d9c_0d6f-5b7e/orders/");
    pgm_rotation a = of(pods[1]), b = of(pods[2]);
    assert_false(pgm_rotation_follows(&a, &b)); /* a new start: no entry goes on across it */
    a = of(pods[0]);
    b = of(pods[1]);
    assert_true(pgm_rotation_follows(&a, &b));
    /* kubectl logs --previous, saved beside the current one */
    static const char *const previous[] = {"k8s/orders-previous.log", "k8s/orders.log"};
    oldest_first(previous, 2);
    static const char *const previous2[] = {"k8s/orders.previous.log", "k8s/orders.log"};
    oldest_first(previous2, 2);
    stream_is("k8s/orders_previous", "k8s/orders");
}

static void test_gaps(void **state)
{
    (void)state;
    pgm_rotation three = of("x.log.3"), two = of("x.log.2"), one = of("x.log.1"), live = of("x.log");
    assert_true(pgm_rotation_follows(&three, &two));
    assert_true(pgm_rotation_follows(&one, &live));
    assert_false(pgm_rotation_follows(&three, &one)); /* x.log.2 is missing */
    assert_false(pgm_rotation_follows(&two, &live));
    assert_false(pgm_rotation_follows(&live, &one));
}

static void test_names_that_are_no_pieces(void **state)
{
    (void)state;
    static const char *const own[] = {"db/postgresql-15-main.log", "db/pg_stat_activity/psa-022035.txt",
                                      "db/postgresql.conf", "k8s/previous.log", "x.tar!a/psa-20261327",
                                      "node.1.log", "db/postgresql-Mon.log"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        if (of(own[i]).rotated)
            fail_msg("%s read as a rotated piece", own[i]);
        stream_is(own[i], own[i]);
    }
    /* five digits: a name's own number, not logrotate's */
    assert_false(of("dump.12345").rotated);
}

static void siblings_are(const char *path, const char *want)
{
    char got[256];
    pgm_rotation_siblings(path, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("%s: siblings '%s', want '%s'", path, got, want);
}

/* log_filename's names with the time inside: one folder and extension */
static void test_siblings(void **state)
{
    (void)state;
    siblings_are("db/postgresql-2026-11-27_020000.log", "db/ .log");
    siblings_are("db/postgresql-Mon.log", "db/ .log");
    siblings_are("db/postgresql-Mon.csv", "db/ .csv");
    siblings_are("b.tar!db/postgresql-13.json.gz", "b.tar!db/ .json");
    siblings_are("db/postgresql-15-main.log.2.gz", "db/ .log"); /* logrotate's piece: its stream's */
    siblings_are("a.tar!postgresql.log", "a.tar! .log");
    siblings_are("postgresql", " ");
    siblings_are("db/.hidden", "db/ ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logrotate_numbers), cmocka_unit_test(test_dates),
        cmocka_unit_test(test_pods_layout_and_previous), cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_names_that_are_no_pieces), cmocka_unit_test(test_siblings)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
