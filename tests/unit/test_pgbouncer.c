/* PgBouncer: its log lines' heads in each form it writes, its messages
 * without a head, its admin console's SHOW results as psql prints them, the
 * connections map the tier analysis follows them with, and the tier itself.
 * The lines are PgBouncer 1.18's as recorded (fixtures/record/11-*.sh), 1.9's
 * and 1.21's from pgBadger's test logs, and its syslog records as a
 * /dev/log listener received them. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/event_kinds.h"
#include "config/bouncer.h"
#include "forensics/pooler.h"
#include "pgbouncer/pgb_ini.h"
#include "pgbouncer/pgb_log.h"
#include "pgbouncer/pgb_show.h"
#include "text/timestamp.h"
#include "util/u64map.h"

static int64_t at(const char *iso)
{
    pgm_ts_parse ts;
    assert_true(pgm_ts_parse_at(iso, strlen(iso), &ts));
    return ts.us;
}

static void slice_is(pgm_slice s, const char *want)
{
    assert_int_equal(s.n, strlen(want));
    assert_memory_equal(s.p, want, s.n);
}

static void test_heads(void **state)
{
    (void)state;
    pgm_pgb_head h;
    const char *l = "2026-12-04 19:33:35.387 UTC [16619] LOG C-0x560f8f8fb1d0: shop/orders@127.0.0.1:46522 "
                    "closing because: query_wait_timeout (age=13s)";
    assert_true(pgm_pgb_parse_head(l, strlen(l), 0, &h));
    assert_true(h.t == at("2026-12-04T19:33:35.387Z") && h.zone == PGM_TS_ZONE_KNOWN && !h.yearless);
    slice_is(h.pid, "16619");
    slice_is(h.level, "LOG");
    slice_is(h.message, "C-0x560f8f8fb1d0: shop/orders@127.0.0.1:46522 closing because: query_wait_timeout (age=13s)");
    /* 1.9: no zone, no brackets */
    l = "2018-09-12 16:08:54.775 3392 LOG file descriptor limit: 1024 (H:4096), max_client_conn: 100, max fds "
        "possible: 150";
    assert_true(pgm_pgb_parse_head(l, strlen(l), 0, &h));
    assert_true(h.t == at("2018-09-12T16:08:54.775Z") && h.zone == PGM_TS_ZONE_NONE);
    slice_is(h.pid, "3392");
    /* a time without its milliseconds */
    l = "2018-09-12 16:08:54 3392 LOG process up: pgbouncer 1.7.2, libevent 2.0.21-stable (epoll)";
    assert_true(pgm_pgb_parse_head(l, strlen(l), 0, &h));
    assert_true(h.t == at("2018-09-12T16:08:54Z"));
    slice_is(h.message, "process up: pgbouncer 1.7.2, libevent 2.0.21-stable (epoll)");
    /* 1.21 in CET */
    l = "2023-12-19 03:06:13.586 CET [10384] WARNING C-0x7f3b: retail/game_api@192.168.0.80:38296 pooler error: x";
    assert_true(pgm_pgb_parse_head(l, strlen(l), 0, &h));
    assert_true(h.t == at("2023-12-19T02:06:13.586Z"));
    slice_is(h.level, "WARNING");
    /* syslog: the level is the record's priority; the year is the caller's */
    l = "Dec  4 19:31:05 dbhost pgbouncer[15380]: C-0x5558ad0556c0: postgres/postgres@127.0.0.1:47194 login attempt: "
        "db=postgres user=postgres tls=no";
    assert_true(pgm_pgb_parse_head(l, strlen(l), 2026, &h));
    assert_true(h.yearless && h.t == at("2026-12-04T19:31:05Z") && h.level.n == 0);
    slice_is(h.pid, "15380");
    assert_true(h.message.n > 10 && memcmp(h.message.p, "C-0x5558ad0556c0: ", 18) == 0);
    assert_true(pgm_pgb_parse_head(l, strlen(l), 0, &h) && h.t == PGM_TS_UNKNOWN);
    /* another program's record, PostgreSQL's own lines: not PgBouncer's */
    l = "Dec  4 19:31:05 dbhost postgres[15381]: [3-1] LOG:  connection received: host=127.0.0.1 port=40052";
    assert_false(pgm_pgb_parse_head(l, strlen(l), 2026, &h));
    l = "2026-12-04 19:31:05.772 UTC [15380] LOG:  connection received: host=127.0.0.1 port=40052";
    assert_false(pgm_pgb_parse_head(l, strlen(l), 0, &h));
    l = "2026-12-04 19:31:05.772 UTC [15380] INFO something";
    assert_false(pgm_pgb_parse_head(l, strlen(l), 0, &h));
    assert_false(pgm_pgb_parse_head("", 0, 0, &h));
}

static void test_bare_messages(void **state)
{
    (void)state;
    static const char *const ours[] = {
        "C-0x5558ad0556c0: postgres/postgres@127.0.0.1:47194 login attempt: db=postgres user=postgres tls=no",
        "S-0x560f8f9060a0: shop/orders@127.0.0.1:38953 new connection to server (from 127.0.0.1:46128)",
        "stats: 6 xacts/s, 9 queries/s, in 592 B/s, out 639 B/s, xact 19487 us, query 4106 us, wait 34174 us",
        "process up: PgBouncer 1.18.0, libevent 2.1.12-stable (epoll), adns: c-ares 1.18.1"};
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
        assert_true(pgm_pgb_is_message(ours[i], strlen(ours[i])));
    static const char *const others[] = {"C-0x12: no pool here", "listening on 127.0.0.1:6432",
                                         "Started orders.service - Orders.", "stats: nothing", "S-0x: a/b@c:1 x"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_false(pgm_pgb_is_message(others[i], strlen(others[i])));
}

typedef struct rows {
    char text[16][256];
    enum pgm_pgb_show_kind kind[16];
    uint64_t line[16];
    size_t n;
} rows;

static void on_row(void *ctx, const pgm_pgb_show_row *row)
{
    rows *r = ctx;
    if (r->n == 16)
        return;
    size_t used = 0;
    for (size_t i = 0; i < row->n && used < sizeof r->text[0]; i++)
        used += (size_t)snprintf(r->text[r->n] + used, sizeof r->text[0] - used, "%s%s=%s", i ? " " : "",
                                 row->name[i], row->value[i]);
    r->kind[r->n] = row->kind;
    r->line[r->n++] = row->line;
}

static void feed_text(pgm_pgb_show_reader *v, const char *text)
{
    uint64_t lineno = 0;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        pgm_pgb_show_feed(v, p, n, ++lineno);
        p += n + (e != NULL);
    }
}

static void test_show(void **state)
{
    (void)state;
    /* psql's aligned SHOW POOLS as recorded (columns cut to the ones that matter here) */
    static const char aligned[] =
        " database  |   user    | cl_active | cl_waiting | sv_active | sv_idle | sv_used | maxwait |  pool_mode  \n"
        "-----------+-----------+-----------+------------+-----------+---------+---------+---------+-------------\n"
        " pgbouncer | pgbouncer |         1 |          0 |         0 |       0 |       0 |       0 | statement\n"
        " shop      | orders    |         6 |          2 |         4 |       0 |       0 |       7 | transaction\n"
        "(2 rows)\n"
        "\n";
    rows r = {0};
    pgm_pgb_show_reader *v;
    char sep;
    assert_int_equal(pgm_pgb_show_header(aligned, strchr(aligned, '\n') - aligned, &sep), PGM_PGB_SHOW_POOLS);
    assert_int_equal(sep, '|');
    assert_int_equal(pgm_pgb_show_open(&v, on_row, &r), 0);
    feed_text(v, aligned);
    uint64_t n, unparsed, first;
    bool past;
    pgm_pgb_show_counts(v, &n, &unparsed, &first, &past);
    assert_true(n == 2 && unparsed == 0 && !past);
    assert_string_equal(r.text[1], "database=shop user=orders cl_active=6 cl_waiting=2 sv_active=4 sv_idle=0 "
                                   "sv_used=0 maxwait=7 pool_mode=transaction");
    assert_int_equal(r.line[1], 4);
    pgm_pgb_show_close(v);
    /* psql --csv SHOW CLIENTS and SHOW SERVERS in one file: the rows' type tells them */
    static const char csv[] =
        "type,user,database,state,addr,port,local_addr,local_port,connect_time,request_time,wait,wait_us\n"
        "C,orders,shop,waiting,127.0.0.1,47386,127.0.0.1,41867,2026-12-04 19:34:53 UTC,2026-12-04 19:34:53 UTC,12,0\n"
        "S,orders,shop,active,127.0.0.1,47429,127.0.0.1,60074,2026-12-04 19:34:28 UTC,2026-12-04 19:34:38 UTC,0,0\n"
        "C,orders,shop,active\n";
    memset(&r, 0, sizeof r);
    assert_int_equal(pgm_pgb_show_open(&v, on_row, &r), 0);
    feed_text(v, csv);
    pgm_pgb_show_counts(v, &n, &unparsed, &first, &past);
    assert_true(n == 2 && unparsed == 1 && first == 4);
    assert_true(r.kind[0] == PGM_PGB_SHOW_CLIENTS && r.kind[1] == PGM_PGB_SHOW_SERVERS);
    pgm_pgb_show_close(v);
    /* a pg_stat_activity header is no SHOW result */
    const char *psa = "pid|datname|usename|state|query";
    assert_int_equal(pgm_pgb_show_header(psa, strlen(psa), &sep), PGM_PGB_SHOW_NONE);
}

static void test_u64map(void **state)
{
    (void)state;
    pgm_u64map m = {.max = 5000};
    for (uint64_t k = 1; k <= 5000; k++)
        assert_int_equal(pgm_u64map_put(&m, k * 0x40, (uint32_t)k), 0);
    assert_int_equal(pgm_u64map_put(&m, 123456789, 1), 1); /* at its bound: said, not stored */
    uint32_t v;
    /* every other key removed: the others are still found (backward shift keeps the runs whole) */
    for (uint64_t k = 1; k <= 5000; k += 2)
        assert_true(pgm_u64map_remove(&m, k * 0x40, &v) && v == k);
    for (uint64_t k = 1; k <= 5000; k++)
        assert_true(pgm_u64map_get(&m, k * 0x40, &v) == (k % 2 == 0) && (k % 2 || v == k));
    assert_false(pgm_u64map_remove(&m, 0x40, NULL));
    assert_int_equal(m.n, 2500);
    pgm_u64map_free(&m);
}

static pgm_event ev_of(int kind_id, const char *conn, const char *db, const char *user, int64_t t)
{
    pgm_event e;
    memset(&e, 0, sizeof e);
    e.kind_id = kind_id;
    e.t = t;
    e.path = "pgbouncer.log";
    e.line = 1;
    for (size_t k = 0; k < PGM_EVENT_COMMON_FIELDS; k++)
        e.fields[e.n_fields++] = (pgm_field){pgm_event_common_names[k], NULL, 0};
    e.fields[1].value = user;
    e.fields[2].value = db;
    e.fields[4].value = "10.0.0.7";
    e.fields[e.n_fields++] = (pgm_field){"conn", conn, 0};
    return e;
}

static void test_tier(void **state)
{
    (void)state;
    pgm_pooler *p;
    assert_int_equal(pgm_pooler_open(&p), 0);
    const pgm_pooler_pool *pool;
    assert_int_equal(pgm_pooler_tier(p, false, false, &pool), PGM_TIER_NONE);
    assert_int_equal(pgm_pooler_tier(p, false, true, &pool), PGM_TIER_APPLICATION_POOL);
    /* four servers held, a client that waited and gave up, one that logged in and left */
    static const char *const servers[] = {"0x10", "0x20", "0x30", "0x40"};
    for (size_t i = 0; i < 4; i++) {
        pgm_event e = ev_of(PGM_EV_PGBOUNCER_SERVER_OPENED, servers[i], "shop", "orders", 1000 + (int64_t)i);
        assert_int_equal(pgm_pooler_event(p, &e, "pgbouncer.log"), PGM_POOLER_COUNTED);
    }
    pgm_event e = ev_of(PGM_EV_PGBOUNCER_CLIENT_LOGIN, "0x10", "shop", "orders", 2000);
    assert_int_equal(pgm_pooler_event(p, &e, "pgbouncer.log"), PGM_POOLER_COUNTED);
    e = ev_of(PGM_EV_PGBOUNCER_CLIENT_LOGIN, "0x50", "shop", "billing", 2001);
    assert_int_equal(pgm_pooler_event(p, &e, "pgbouncer.log"), PGM_POOLER_COUNTED);
    e = ev_of(PGM_EV_PGBOUNCER_CLIENT_CLOSED, "0x50", "shop", "billing", 2002);
    assert_int_equal(pgm_pooler_event(p, &e, "pgbouncer.log"), PGM_POOLER_COUNTED);
    e = ev_of(PGM_EV_PGBOUNCER_CLIENT_WAIT_TIMEOUT, "0x10", "shop", "orders", 3000);
    assert_int_equal(pgm_pooler_event(p, &e, "pgbouncer.log"), PGM_POOLER_COUNTED);
    e = ev_of(PGM_EV_CONN_AUTHORIZED, "0x10", "shop", "orders", 3001);
    assert_int_equal(pgm_pooler_event(p, &e, "pgbouncer.log"), PGM_POOLER_NOT_OURS);
    pgm_pooler_finish(p);
    assert_int_equal(pgm_pooler_tier(p, false, true, &pool), PGM_TIER_PGBOUNCER_POOL);
    assert_string_equal(pool->db, "shop");
    assert_string_equal(pool->user, "orders");
    assert_true(pool->servers_peak == 4 && pool->servers == 4 && pool->clients == 0 && pool->clients_peak == 1);
    assert_true(pool->wait_timeouts == 1 && pool->first_wait_timeout == 3000);
    /* its curves: a point per change, the last count of a moment */
    assert_int_equal(pool->n_servers_curve, 4);
    assert_true(pool->servers_curve[3].t == 1003 && pool->servers_curve[3].open == 4);
    assert_int_equal(pool->n_clients_curve, 2);
    assert_true(pool->clients_curve[0].open == 1 && pool->clients_curve[1].t == 3000 && pool->clients_curve[1].open == 0);
    size_t n;
    pgm_pooler_pools(p, &n);
    assert_int_equal(n, 2);
    pgm_pooler_close(p);

    /* the client limit outranks a pool; the server outranks both */
    assert_int_equal(pgm_pooler_open(&p), 0);
    e = ev_of(PGM_EV_PGBOUNCER_CLIENT_WAIT_TIMEOUT, "0x10", "shop", "orders", 3000);
    assert_int_equal(pgm_pooler_event(p, &e, "pgbouncer.log"), PGM_POOLER_COUNTED);
    e = ev_of(PGM_EV_PGBOUNCER_CLIENT_REFUSED, "0x60", "(nodb)", "(nouser)", 4000);
    assert_int_equal(pgm_pooler_event(p, &e, "pgbouncer.log"), PGM_POOLER_COUNTED);
    /* the same process's line in a second destination (its syslog): taken, not counted again */
    e = ev_of(PGM_EV_PGBOUNCER_CLIENT_REFUSED, "0x60", "(nodb)", "(nouser)", 4000);
    e.fields[e.n_fields++] = (pgm_field){"process", "8712", 0};
    assert_int_equal(pgm_pooler_event(p, &e, "pgbouncer.log"), PGM_POOLER_COUNTED);
    assert_int_equal(pgm_pooler_event(p, &e, "syslog.log"), PGM_POOLER_REPEATED);
    pgm_pooler_finish(p);
    assert_int_equal(pgm_pooler_tier(p, false, true, &pool), PGM_TIER_PGBOUNCER_CLIENTS);
    assert_null(pool);
    assert_int_equal(pgm_pooler_tier(p, true, true, &pool), PGM_TIER_SERVER);
    const char *again;
    assert_int_equal(pgm_pooler_repeated(p, &again), 1);
    assert_string_equal(again, "syslog.log");
    assert_int_equal(pgm_pooler_refused(p)->clients, 2);
    pgm_pooler_pools(p, &n);
    assert_int_equal(n, 1); /* a refused client names no pool */
    pgm_pooler_close(p);
}

/* Two files in memory: the main one and what it includes. */
static int two_files(void *ctx, const char *path, char **data, size_t *len)
{
    (void)ctx;
    const char *text = strcmp(path, "etc/pools.ini") == 0 ? "[databases]\nreports = host=db2 pool_size=2\n"
                       : strcmp(path, "/abs/big.ini") == 0 ? NULL
                                                           : "";
    if (!text)
        return 2;
    if (!text[0])
        return 1;
    *data = strdup(text);
    *len = strlen(text);
    return *data ? 0 : -1;
}

static void test_ini(void **state)
{
    (void)state;
    /* as the recorder writes it, with a password in a connection string, an
     * include and the lines PgBouncer would stop at */
    static const char text[] =
        "; comment\n"
        "[databases]\n"
        "shop = host=127.0.0.1 port=5432 dbname=shop pool_size=4 password='s3cr\\'et' pool_mode=transaction\n"
        "* = host=fallback\n"
        "%include pools.ini\n"
        "%include missing.ini\n"
        "%include /abs/big.ini\n"
        "[pgbouncer]\n"
        "Pool_Mode = session\n"
        "max_client_conn = 200\n"
        "pool_mode = transaction\n"
        "auth_file = \"/etc/pgbouncer/userlist.txt\"\n"
        "no value here\n"
        "[users]\n"
        "orders = pool_mode=session max_user_connections=10\n";
    pgm_conf_files files = {two_files, NULL, NULL};
    pgm_pgb_ini ini;
    pgm_pgb_ini_init(&ini);
    assert_int_equal(pgm_pgb_ini_parse(&ini, "etc/pgbouncer.ini", text, strlen(text), &files), PGM_WARN);
    assert_int_equal(ini.n_databases, 3);
    assert_string_equal(ini.databases[0].name, "shop");
    assert_string_equal(pgm_pgb_entry_param(&ini.databases[0], "pool_size"), "4");
    assert_string_equal(pgm_pgb_entry_param(&ini.databases[0], "pool_mode"), "transaction");
    assert_null(pgm_pgb_entry_param(&ini.databases[0], "password")); /* a secret: never kept */
    assert_string_equal(ini.databases[2].name, "reports");
    assert_string_equal(ini.databases[2].file, "etc/pools.ini");
    assert_int_equal(ini.databases[2].line, 2);
    /* keys compare case-insensitively, the later line wins, quotes come off */
    const pgm_pgb_setting *mode = pgm_pgb_ini_get(&ini, "pool_mode");
    assert_non_null(mode);
    assert_string_equal(mode->value, "transaction");
    assert_int_equal(mode->line, 11);
    assert_string_equal(pgm_pgb_ini_get(&ini, "auth_file")->value, "/etc/pgbouncer/userlist.txt");
    assert_int_equal(ini.n_users, 1);
    assert_string_equal(pgm_pgb_entry_param(&ini.users[0], "max_user_connections"), "10");
    /* what was not read, each where it is */
    assert_int_equal(ini.n_messages, 3);
    assert_string_equal(ini.messages[0].where, "etc/pgbouncer.ini:6");
    assert_non_null(strstr(ini.messages[0].text, "no such file"));
    assert_non_null(strstr(ini.messages[1].text, "too large"));
    assert_string_equal(ini.messages[2].where, "etc/pgbouncer.ini:13");
    /* the facts: settings and defaults, and the server connections its pools may open */
    pgm_bouncer b;
    pgm_bouncer_init(&b);
    assert_int_equal(pgm_bouncer_add(&b, &ini, "etc/pgbouncer.ini"), 0);
    assert_true(pgm_bouncer_fronts(&b, "jdbc:postgresql://10.0.0.5:6432/shop?ApplicationName=orders"));
    assert_true(pgm_bouncer_fronts(&b, "jdbc:postgresql://pgbouncer.internal:5432/shop"));
    assert_false(pgm_bouncer_fronts(&b, "jdbc:postgresql://db.internal:5432/shop"));
    assert_false(pgm_bouncer_fronts(&b, "jdbc:postgresql://db.internal:64320/shop"));
    pgm_facts f;
    pgm_facts_init(&f);
    assert_int_equal(pgm_bouncer_facts(&b, 2, &f), 0);
    const pgm_fact *sc = pgm_facts_get_fact(&f, "pgbouncer.server_connections");
    assert_non_null(sc);
    /* shop (4 + 0) x 2, the fallback (20 + 0) x 2, reports (2 + 0) x 2 */
    assert_string_equal(sc->text, "52");
    assert_non_null(strstr(sc->at.note, "shop: (4 + 0) x 2 users"));
    const pgm_fact *qwt = pgm_facts_get_fact(&f, "pgbouncer.query_wait_timeout");
    assert_string_equal(qwt->text, "120s");
    assert_string_equal(qwt->at.note, "PgBouncer's default");
    assert_null(pgm_facts_get_fact(&f, "pgbouncer.max_prepared_statements")); /* its default depends on the version */
    pgm_facts_free(&f);
    /* no pool names it: the auth_file's users count, their hashes are never kept */
    static const char userlist[] = "\"orders\" \"md5a1b2c3\"\n\"billing\" \"SCRAM-SHA-256$4096:s$k:p\"\n"
                                   "\"we\"\"ird\" \"x\"\n\"orders\" \"again\"\n";
    assert_int_equal(pgm_bouncer_add_userlist(&b, userlist, strlen(userlist)), 0);
    assert_int_equal(b.n_users, 3);
    assert_string_equal(b.users[2], "we\"ird");
    for (size_t i = 0; i < b.n_users; i++)
        assert_null(strstr(b.users[i], "md5"));
    pgm_facts_init(&f);
    assert_int_equal(pgm_bouncer_facts(&b, 0, &f), 0);
    sc = pgm_facts_get_fact(&f, "pgbouncer.server_connections");
    assert_string_equal(sc->text, "78"); /* (4 + 20 + 2) x 3 */
    assert_non_null(strstr(sc->at.note, "3 users of its auth_file"));
    pgm_facts_free(&f);
    pgm_bouncer_free(&b);
    pgm_pgb_ini_free(&ini);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_heads), cmocka_unit_test(test_bare_messages),
                                       cmocka_unit_test(test_show), cmocka_unit_test(test_u64map),
                                       cmocka_unit_test(test_tier), cmocka_unit_test(test_ini)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
