#!/bin/sh
# Reaches bounds of tests/limits/registry.txt through the command line, each
# with the smallest input that does, and checks the exit code and the words
# that say so.
#   tests/limits/trigger.sh BIN
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
log_line='2026-11-27 00:17:27.443 UTC [16404] LOG:  database system is ready to accept connections'
# expect NAME CODE WORDS -- ARGS...: the run's exit code and a line of its stderr
expect() {
    name=$1 code=$2 words=$3
    shift 4
    "$bin" "$@" > /dev/null 2> "$tmp/err"
    rc=$?
    if [ "$rc" = "$code" ] && grep -qF -- "$words" "$tmp/err"; then
        pass=$((pass + 1))
    else
        echo "FAIL limit $name: exit $rc (want $code), stderr:"; head -3 "$tmp/err"; fail=$((fail + 1))
    fi
}

# PGM_ANALYSIS_MAX_NAMED: a leak of 620 sessions, each named by pid in the remediation: 500 are
python3 - > "$tmp/many-leaked.log" <<'PY'
import datetime
t = datetime.datetime(2026, 11, 27, 2, 0, 0)
for i in range(620):
    ts = (t + datetime.timedelta(seconds=i)).strftime('%Y-%m-%d %H:%M:%S.000 UTC')
    print(f"{ts} [{10000 + i}] [unknown]@[unknown] LOG:  connection received: host=127.0.0.1 port={40000 + i}")
    print(f"{ts} [{10000 + i}] orders@shop LOG:  connection authorized: user=orders database=shop application_name=orders")
ts = (t + datetime.timedelta(seconds=621)).strftime('%Y-%m-%d %H:%M:%S.000 UTC')
print(f"{ts} [20000] [unknown]@[unknown] LOG:  connection received: host=127.0.0.1 port=50000")
print(f"{ts} [20000] orders@shop FATAL:  sorry, too many clients already")
PY
expect PGM_ANALYSIS_MAX_NAMED 2 "at most 500 sessions the remediation's statements and the JSON's leak.sessions name by pid (a limit of this build): 120 session(s) left out" -- analyze -f md "$tmp/many-leaked.log"
# ... and the JSON lists those 500, the 120 counted
"$bin" analyze -q -f json -o "$tmp/many-leaked.json" "$tmp/many-leaked.log" > /dev/null 2>&1
if python3 -c 'import json, sys; l = json.load(open(sys.argv[1]))["leak"]; sys.exit(not (len(l["sessions"]) == 500 and l["sessions_left_out"] == 120))' "$tmp/many-leaked.json"; then
    pass=$((pass + 1))
else
    echo "FAIL limit PGM_ANALYSIS_MAX_NAMED: the JSON's leak.sessions is not 500 listed and 120 left out"; fail=$((fail + 1))
fi

# PGM_MAX_DIR_DEPTH: a log 65 directories down
d="$tmp/deep"
for i in $(seq 65); do d="$d/d"; done
mkdir -p "$d" && echo "$log_line" > "$d/pg.log"
expect PGM_MAX_DIR_DEPTH 2 "directories nested deeper than 64; not read" -- inventory "$tmp/deep"

# PGM_CONF_MAX_DEPTH: includes eleven deep
mkdir -p "$tmp/inc"
echo "include 'c1.conf'" > "$tmp/inc/postgresql.conf"
for i in $(seq 1 12); do echo "include 'c$((i + 1)).conf'" > "$tmp/inc/c$i.conf"; done
echo "max_connections = 100" > "$tmp/inc/c13.conf"
expect PGM_CONF_MAX_DEPTH 2 "maximum nesting depth exceeded" -- lint "$tmp/inc"

# PGM_CONF_MAX_FILES_READ: 300 files included
mkdir -p "$tmp/many"
for i in $(seq 300); do echo "include 'i$i.conf'"; echo "work_mem = '4MB'" > "$tmp/many/i$i.conf"; done > "$tmp/many/postgresql.conf"
expect PGM_CONF_MAX_FILES_READ 2 "more than 256 configuration files included" -- lint "$tmp/many"

# PGM_CONF_MAX_ENTRIES: 100,001 settings
mkdir -p "$tmp/entries"
awk 'BEGIN { for (i = 0; i <= 100000; i++) print "work_mem = 4MB" }' > "$tmp/entries/postgresql.conf"
expect PGM_CONF_MAX_ENTRIES 2 "more than 100000 settings in the configuration" -- lint "$tmp/entries"

# PGM_CONF_MAX_TOTAL_BYTES: five included files of 14 MB each
mkdir -p "$tmp/total"
for i in 1 2 3 4 5; do
    echo "include 'part$i.conf'"
    { echo "work_mem = '4MB'"; awk 'BEGIN { for (k = 0; k < 140000; k++) printf "# %098d\n", k }'; } > "$tmp/total/part$i.conf"
done > "$tmp/total/postgresql.conf"
expect PGM_CONF_MAX_TOTAL_BYTES 2 "MiB of configuration files" -- lint "$tmp/total"

# PGM_PGLOG_REVERSE_MAX: a newest-first export of 72 MB
python3 - "$tmp/newest-first.log" <<'PY'
import sys
rows = []
for i in range(800000):
    rows.append("2026-11-27 %02d:%02d:%02d.%03d UTC [%d] LOG:  checkpoint starting: time %s\n"
                % (i // 3600000 % 24, i // 60000 % 60, i // 1000 % 60, i % 1000, 100 + i % 50, "x" * 30))
open(sys.argv[1], "w").writelines(reversed(rows))
PY
expect PGM_PGLOG_REVERSE_MAX 2 "newest-first export larger than 64 MiB" -- timeline -o /dev/null "$tmp/newest-first.log"

# PGM_APP_REVERSE_MAX: an application's newest-first export of 72 MB
python3 - "$tmp/newest-first-app.log" <<'PY'
import sys
rows = []
for i in range(600000):
    rows.append("2026-11-27T%02d:%02d:%02d.%03dZ  INFO 30742 --- [orders] [           main] "
                "com.example.orders.Api                   : request %d served %s\n"
                % (i // 3600000 % 24, i // 60000 % 60, i // 1000 % 60, i % 1000, i, "x" * 8))
open(sys.argv[1], "w").writelines(reversed(rows))
PY
expect PGM_APP_REVERSE_MAX 2 "each trace with the entry above it" -- timeline -o /dev/null "$tmp/newest-first-app.log"

# usage errors: PGM_ANALYZE_MAX_OUTPUTS, PGM_MAX_KIND_FILTERS, PGM_CONFIG_MAX_INSTANCES, PGM_MAX_RULE_DIRS
expect PGM_ANALYZE_MAX_OUTPUTS 3 "at most 8 -o files" -- analyze $(for i in $(seq 9); do printf -- '-o %s/r%d.json ' "$tmp" "$i"; done) "$tmp/deep"
expect PGM_MAX_KIND_FILTERS 3 "at most 64 kinds" -- timeline --kinds "$(seq -s, -f 'k%g' 65)" "$tmp/deep"
expect PGM_CONFIG_MAX_INSTANCES 3 "at most 64 --instances" -- lint $(for i in $(seq 65); do printf -- '--instances s%d=2 ' "$i"; done) "$tmp/inc"
expect PGM_MAX_RULE_DIRS 3 "at most 32 --rules" -- lint $(for i in $(seq 33); do printf -- '--rules rules/postgresql '; done) "$tmp/inc"

# YAML configuration: PGM_YAML_MAX_DEPTH, PGM_YAML_MAX_ANCHORS, PGM_YAML_MAX_NODES, PGM_YAML_MAX_BYTES
mkdir -p "$tmp/y1" "$tmp/y2" "$tmp/y3" "$tmp/y4"
python3 - "$tmp" <<'PY'
import sys
t = sys.argv[1]
open(t + "/y1/application.yml", "w").write("".join("  " * i + "k%d:\n" % i for i in range(70)) + "  " * 70 + "v: 1\n")
open(t + "/y2/application.yml", "w").write("".join("a%d: &x%d %d\n" % (i, i, i) for i in range(1100)))
open(t + "/y3/application.yml", "w").write("list:\n" + "".join("  - %d\n" % i for i in range(210000)))
open(t + "/y4/application.yml", "w").write("spring:\n  application:\n    name: x\n" + "# padding\n" * 500000)
PY
expect PGM_YAML_MAX_DEPTH 2 "nested deeper than 64 levels" -- lint "$tmp/y1"
expect PGM_YAML_MAX_ANCHORS 2 "more than 1024 anchors in one document" -- lint "$tmp/y2"
expect PGM_YAML_MAX_NODES 2 "document too large" -- lint "$tmp/y3"
expect PGM_YAML_MAX_BYTES 2 "file larger than 4194304 bytes" -- lint "$tmp/y4"

# PGM_HOLDERS_MAX: a snapshot of 1,100 sessions idle in transaction
python3 - "$tmp/psa.csv" <<'PY'
import sys
head = ("datid,datname,pid,leader_pid,usesysid,usename,application_name,client_addr,client_hostname,"
        "client_port,backend_start,xact_start,query_start,state_change,wait_event_type,wait_event,state,"
        "backend_xid,backend_xmin,query_id,query,backend_type\n")
row = ("16386,appdb,%d,,16384,app,orders,10.0.0.7,,35300,2026-11-27 00:17:29.000000+00,"
       "2026-11-27 00:17:29.100000+00,2026-11-27 00:17:29.100000+00,2026-11-27 00:17:29.200000+00,"
       "Client,ClientRead,idle in transaction,,,,SELECT 1,client backend\n")
open(sys.argv[1], "w").write(head + "".join(row % (20000 + i) for i in range(1100)))
PY
# PGM_PSA_MAX_COLUMNS: the same dump with 300 columns of a join before its own
python3 - "$tmp/psa.csv" "$tmp/psa-wide.csv" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
extra = ",".join("j%d" % i for i in range(300))
out = [extra + "," + lines[0]] + [",".join("x" for _ in range(300)) + "," + l for l in lines[1:3]]
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
expect PGM_PSA_MAX_COLUMNS 2 "a result has more than 256 columns; those past them are not read" -- timeline -o /dev/null "$tmp/psa-wide.csv"
expect PGM_HOLDERS_MAX 2 "at most 1024 sessions idle in transaction followed" -- analyze "$tmp/psa.csv"

# PGM_ANALYSIS_MAX_ACTIONS: 40 reloads in one log
mkdir -p "$tmp/actions"
for i in $(seq 40); do
    echo "2026-11-27 00:17:$(printf %02d $((i % 60))).443 UTC [100] LOG:  received SIGHUP, reloading configuration files"
done > "$tmp/actions/postgresql.log"
expect PGM_ANALYSIS_MAX_ACTIONS 2 "at most 32 operator actions per log" -- analyze "$tmp/actions"

# PGM_ANALYSIS_MAX_RESTARTS: one service's pool started by 10 processes in turn
mkdir -p "$tmp/restarts"
for i in $(seq 10); do
    echo "2026-11-27T00:$(printf %02d "$i"):35.884Z  INFO $((30000 + i)) --- [orders] [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting..."
done > "$tmp/restarts/orders.log"
expect PGM_ANALYSIS_MAX_RESTARTS 2 "at most 8 restarts named per service" -- analyze "$tmp/restarts"

# PGM_ANALYSIS_MAX_ACTIONS for what systemd says: 40 restarts of a unit in a journal
mkdir -p "$tmp/systemd"
for i in $(seq 40); do
    echo "2026-11-27T00:17:$(printf %02d $((i % 60)))+0000 vm systemd[1]: orders.service: Scheduled restart job, restart counter is at $i."
done > "$tmp/systemd/journal.txt"
expect PGM_ANALYSIS_MAX_ACTIONS 2 "at most 32 things systemd and the kernel said of the services" -- analyze "$tmp/systemd"

# PGM_K8S_EVENTS_MAX_BYTES: kubectl get events -o json of 69 MiB (messages
# padded to 60 KB, 1200 of them): the lines past 64 MiB are said, not read
mkdir -p "$tmp/k8s-events"
python3 - "$tmp/k8s-events/events.json" <<'PY'
import json, sys
pad = "x" * 60000
items = [{"reason": "Unhealthy", "type": "Warning", "firstTimestamp": "2026-11-27T00:17:%02dZ" % (i % 60),
          "involvedObject": {"kind": "Pod", "name": "orders-0"}, "message": pad} for i in range(1200)]
with open(sys.argv[1], "w") as f:
    f.write('{"apiVersion": "v1", "items": [\n' + ",\n".join(json.dumps(i) for i in items) + '\n], "kind": "List"}\n')
PY
expect PGM_K8S_EVENTS_MAX_BYTES 2 "past the first 64 MiB of the document not read" -- timeline "$tmp/k8s-events"

# PGM_ANALYSIS_MAX_LOCATIONS: leak reports at 70 code locations
mkdir -p "$tmp/locations"
for i in $(seq 70); do
    printf '2026-11-27T00:%02d:%02d.125Z  WARN 30742 --- [orders] [l-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask     : Connection leak detection triggered for org.postgresql.jdbc.PgConnection@%x on thread t%d, stack trace follows\n\njava.lang.Exception: Apparent connection leak detected\n\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)\n\tat com.example.orders.Service%d.run(Service%d.java:17)\n\n' \
        $((i / 60)) $((i % 60)) "$i" "$i" "$i" "$i"
done > "$tmp/locations/orders.log"
expect PGM_ANALYSIS_MAX_LOCATIONS 2 "at most 64 leak code locations" -- analyze "$tmp/locations"

# PGM_ANALYSIS_MAX_MOMENTS: 9 services each started by 8 processes in turn (a
# key moment for each start, 72 in all)
mkdir -p "$tmp/moments"
for s in $(seq 9); do
    for i in $(seq 8); do
        echo "2026-11-27T00:0$s:$(printf %02d "$i").884Z  INFO $((30000 + 10 * s + i)) --- [svc$s] [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting..."
    done > "$tmp/moments/svc$s.log"
done
expect PGM_ANALYSIS_MAX_MOMENTS 2 "at most 64 key moments" -- analyze "$tmp/moments"

# PGM_ANALYSIS_MAX_SNAPSHOTS: 100,001 pool stats lines (HikariCP's DEBUG housekeeper)
mkdir -p "$tmp/samples"
python3 - "$tmp/samples/orders.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(100001):
        f.write("2026-11-27T%02d:%02d:%02d.%03dZ DEBUG 30742 --- [orders] [l-1 housekeeper] "
                "com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Pool stats (total=5, active=%d, idle=%d, "
                "waiting=0)\n" % (i // 360000, i // 6000 % 60, i // 100 % 60, i % 100 * 10, i % 5, 5 - i % 5))
PY
expect PGM_ANALYSIS_MAX_SNAPSHOTS 2 "at most 100000 snapshots and pool samples" -- analyze "$tmp/samples"

# PGM_CONF_MAX_MESSAGES: a postgresql.conf with 101 parameters the server does not know
mkdir -p "$tmp/conf-messages"
python3 -c "print('\n'.join(['max_connections = 100'] * 120 + ['bogus_param_%d = 1' % i for i in range(101)]))" \
    > "$tmp/conf-messages/postgresql.conf"
expect PGM_CONF_MAX_MESSAGES 2 "1 more message(s) about this configuration not shown" -- lint --fail-on never "$tmp/conf-messages"

# PGM_LINT_MAX_FILES: a tar of 10,001 one-line postgresql.conf files
python3 - "$tmp/confs.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for i in range(10001):
        data = b"max_connections = 100\n"
        info = tarfile.TarInfo("conf/p%d.conf" % i)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
PY
expect PGM_LINT_MAX_FILES 2 "too many configuration files: not read" -- lint --fail-on never "$tmp/confs.tar"

# PGM_PSA_MAX_TEXT: a pg_stat_activity dump of 80 queries of 900 KB each (72 MB in one snapshot)
mkdir -p "$tmp/psa-text"
python3 - "$tmp/psa-text/psa.csv" <<'PY'
import sys
query = "SELECT " + "x" * 900000
with open(sys.argv[1], "w") as f:
    f.write("datname,pid,usename,application_name,client_addr,backend_start,xact_start,state_change,state,"
            "backend_type,query\n")
    for i in range(80):
        f.write('shop,%d,orders,orders,127.0.0.1,2026-11-27 02:20:35.1+00,2026-11-27 02:20:35.1+00,'
                '2026-11-27 02:20:35.1+00,idle in transaction,client backend,"%s"\n' % (1000 + i, query))
PY
expect PGM_PSA_MAX_TEXT 2 "a snapshot keeps at most 64 MiB of text (PGM_PSA_MAX_TEXT)" -- timeline "$tmp/psa-text"

# PGM_CSV_MAX_FIELDS, PGM_CSV_MAX_RECORD: a csvlog record of 600 more fields, and
# one whose quoted message runs over 1,100 lines of 1,000 bytes
mkdir -p "$tmp/csv-fields" "$tmp/csv-record"
python3 - "$tmp/csv-fields/postgresql.csv" "$tmp/csv-record/postgresql.csv" <<'PY'
import sys
rec = ('2026-11-27 02:20:35.313 UTC,"orders","shop",30761,"127.0.0.1:41234",6566f1e3.7829,1,"authentication",'
       '2026-11-27 02:20:35 UTC,3/5,0,LOG,00000,"%s",,,,,,,,,"","client backend",,0\n')
with open(sys.argv[1], "w") as f:
    f.write(rec % "connection authorized: user=orders database=shop")
    f.write(rec.replace(",0\n", ",0" + ",x" * 600 + "\n") % "connection authorized: user=orders database=shop")
with open(sys.argv[2], "w") as f:  # the head a csvlog's, then the long record
    f.write(300 * (rec % "connection authorized: user=orders database=shop"))
    f.write(rec % "\n".join(["y" * 1000] * 1100))
PY
expect PGM_CSV_MAX_FIELDS 2 "512 fields, 1 MiB a csvlog record): what was cut is not read" -- timeline "$tmp/csv-fields"
expect PGM_CSV_MAX_RECORD 2 "512 fields, 1 MiB a csvlog record): what was cut is not read" -- timeline "$tmp/csv-record"

# PGM_ANALYSIS_MAX_APP_ROWS: a pg_stat_activity dump naming the application of 50,001 sessions
mkdir -p "$tmp/app-rows"
python3 - "$tmp/app-rows/psa.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("datname,pid,usename,application_name,client_addr,backend_start,state,backend_type,query\n")
    for i in range(50001):
        f.write("shop,%d,orders,orders,127.0.0.1,2026-11-27 02:20:35.1+00,idle,client backend,SELECT 1\n" % (10000 + i))
PY
expect PGM_ANALYSIS_MAX_APP_ROWS 2 "at most 50000 pg_stat_activity rows kept to name sessions" -- analyze "$tmp/app-rows"

# PGM_ANALYSIS_MAX_LEAKS: 65,537 HikariCP leak reports
mkdir -p "$tmp/leaks"
python3 - "$tmp/leaks/orders.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(65537):
        f.write("2026-11-27T%02d:%02d:%02d.%03dZ  WARN 30742 --- [orders] [l-1 housekeeper] "
                "com.zaxxer.hikari.pool.ProxyLeakTask : Connection leak detection triggered for "
                "org.postgresql.jdbc.PgConnection@%x on thread t, stack trace follows\n"
                "java.lang.Exception: Apparent connection leak detected\n"
                "\tat com.example.orders.ExportService.exportAll(ExportService.java:17)\n"
                % (i // 360000, i // 6000 % 60, i // 100 % 60, i % 100 * 10, i))
PY
expect PGM_ANALYSIS_MAX_LEAKS 2 "at most 65536 leak reports kept" -- analyze "$tmp/leaks"

# PGM_GROWTH_MAX_GROUPS: 300 clients with one short session each, then one
# client whose 40 sessions never close: the groups with most sessions are
# judged (before, the first 256 seen were, and the leak was "none")
mkdir -p "$tmp/groups"
python3 - "$tmp/groups/postgresql.log" <<'PY'
import sys
def t(ms):
    return "2026-11-27 00:%02d:%02d.%03d UTC" % (ms // 60000 % 60, ms // 1000 % 60, ms % 1000)
lines, pid, ms = [], 1000, 0
for i in range(300):
    pid, ms = pid + 1, ms + 50
    host = "host=10.0.%d.%d port=5000" % (i // 250, i % 250 + 1)
    lines += ["%s [%d] [unknown]@[unknown] LOG:  connection received: %s" % (t(ms), pid, host),
              "%s [%d] app@shop LOG:  connection authorized: user=app database=shop" % (t(ms), pid),
              "%s [%d] app@shop LOG:  disconnection: session time: 0:00:00.010 user=app database=shop %s"
              % (t(ms + 10), pid, host)]
for i in range(40):
    pid, ms = pid + 1, ms + 1000
    lines += ["%s [%d] [unknown]@[unknown] LOG:  connection received: host=10.9.9.9 port=6000" % (t(ms), pid),
              "%s [%d] orders@shop LOG:  connection authorized: user=orders database=shop" % (t(ms), pid)]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
expect PGM_GROWTH_MAX_GROUPS 2 "45 group(s) with fewer sessions not judged" -- analyze "$tmp/groups"
if "$bin" analyze "$tmp/groups" 2> /dev/null | grep -q "^suspect: orders@shop from 10.9.9.9"; then
    pass=$((pass + 1))
else
    echo "FAIL limit PGM_GROWTH_MAX_GROUPS: the group with most sessions is not the suspect"; fail=$((fail + 1))
fi

# PGM_ANALYSIS_MAX_HITS: 20 applications refused
mkdir -p "$tmp/hits"
for i in $(seq 20); do
    echo "2026-11-27 00:17:$(printf %02d "$i").443 UTC [$((200 + i))] app$i@shop app=svc$i FATAL:  sorry, too many clients already"
done > "$tmp/hits/postgresql.log"
expect PGM_ANALYSIS_MAX_HITS 2 "at most 16 applications named as refused or timed out" -- \
    analyze --log-line-prefix '%m [%p] %u@%d app=%a ' "$tmp/hits"

# PGM_ANALYSIS_MAX_STATS_TIMEOUTS: 17 pools' "Timeout failure stats" (HikariCP's format string)
mkdir -p "$tmp/stats-timeouts"
for i in $(seq 17); do
    echo "2026-11-27 00:17:$(printf %02d "$i").443 [exec-$i] DEBUG com.zaxxer.hikari.pool.HikariPool - pool$i - Timeout failure stats (total=5, active=5, idle=0, waiting=1)"
done > "$tmp/stats-timeouts/app.log"
expect PGM_ANALYSIS_MAX_STATS_TIMEOUTS 2 "1 pool(s) forgotten: an exception logged after its stats line may count as a second timeout" -- \
    analyze "$tmp/stats-timeouts"

# PGM_POOLER_MAX_POOLS: PgBouncer clients of 65 database/user pairs (its log's format, 1.18)
mkdir -p "$tmp/pooler-pools"
for i in $(seq 65); do
    echo "2026-12-04 19:31:$(printf %02d $((i % 60))).772 UTC [15380] LOG C-0x5558ad05$(printf %04x "$i"): db$i/app@127.0.0.1:$((40000 + i)) login attempt: db=db$i user=app tls=no"
done > "$tmp/pooler-pools/pgbouncer.log"
expect PGM_POOLER_MAX_POOLS 2 "event(s) of further pools not counted in any pool" -- analyze "$tmp/pooler-pools"

# PGM_POOLER_MAX_OPEN: 262,145 PgBouncer clients logged in a millisecond apart, ten of them closed
mkdir -p "$tmp/pooler-open"
python3 - "$tmp/pooler-open/pgbouncer.log" <<'PY'
import datetime, sys
t0 = datetime.datetime(2026, 12, 4, 19, 0, 0)
def at(ms):
    return (t0 + datetime.timedelta(milliseconds=ms)).strftime("%Y-%m-%d %H:%M:%S.%f")[:23]
with open(sys.argv[1], "w") as f:
    for i in range(262145):
        f.write("%s UTC [15380] LOG C-0x%x: shop/app@127.0.0.1:%d login attempt: db=shop user=app tls=no\n"
                % (at(i), 0x550000000000 + i * 16, 1024 + i % 60000))
    for i in range(10):
        f.write("%s UTC [15380] LOG C-0x%x: shop/app@127.0.0.1:%d closing because: client close request (age=1s)\n"
                % (at(262145 + i), 0x550000000000 + i * 16, 1024 + i % 60000))
PY
expect PGM_POOLER_MAX_OPEN 2 "connection(s) not followed: the pools' client and server counts miss them" -- \
    analyze "$tmp/pooler-open"
# PGM_POOLER_MAX_PROCESSES: the lines of 65 PgBouncer processes (a restart each)
mkdir -p "$tmp/pooler-processes"
for i in $(seq 65); do
    echo "2026-12-04 19:31:$(printf %02d $((i % 60))).772 UTC [$((20000 + i))] LOG process up: PgBouncer 1.18.0, libevent 2.1.12-stable (epoll)"
done > "$tmp/pooler-processes/pgbouncer.log"
expect PGM_POOLER_MAX_PROCESSES 2 "a process logging to two files in the bundle counts twice" -- analyze "$tmp/pooler-processes"

# PGM_POOLER_MAX_POINTS: the 262,144 logins followed and the ten closings are as many changes of one pool's curve
expect PGM_POOLER_MAX_POINTS 2 "change(s) after them left off the curves" -- analyze "$tmp/pooler-open"

# PGM_PGB_SHOW_MAX_COLUMNS: a SHOW POOLS result of 50 columns
{
    printf 'database|user|cl_active|cl_waiting|sv_idle'
    for i in $(seq 45); do printf '|extra%d' "$i"; done
    echo
} > "$tmp/show-pools.txt"
expect PGM_PGB_SHOW_MAX_COLUMNS 2 "a result has more than 48 columns; those past them are not read" -- \
    timeline "$tmp/show-pools.txt"

# PGM_PGB_INI_MAX_DEPTH: pgbouncer.ini including itself
mkdir -p "$tmp/pgb-ini-depth"
printf '[pgbouncer]\npool_mode = session\n%%include pgbouncer.ini\n' > "$tmp/pgb-ini-depth/pgbouncer.ini"
expect PGM_PGB_INI_MAX_DEPTH 2 "nested deeper than 8 files, not read (PGM_PGB_INI_MAX_DEPTH)" -- \
    lint --fail-on never "$tmp/pgb-ini-depth"

# PGM_PGB_INI_MAX_FILES_READ: pgbouncer.ini including a file that includes the next one twice
mkdir -p "$tmp/pgb-ini-fan"
printf '[pgbouncer]\npool_mode = session\n%%include f1.ini\n' > "$tmp/pgb-ini-fan/pgbouncer.ini"
for i in 1 2 3 4 5 6; do printf '%%include f%d.ini\n%%include f%d.ini\n' $((i + 1)) $((i + 1)) > "$tmp/pgb-ini-fan/f$i.ini"; done
echo "; the last" > "$tmp/pgb-ini-fan/f7.ini"
expect PGM_PGB_INI_MAX_FILES_READ 2 "more than 64 files read for one pgbouncer.ini, not read" -- \
    lint --fail-on never "$tmp/pgb-ini-fan"

# PGM_BOUNCER_MAX_USERS: an auth_file of 257 users beside a pgbouncer.ini
mkdir -p "$tmp/pgb-users"
printf '[databases]\nshop = host=10.0.0.1\n[pgbouncer]\npool_mode = session\n' > "$tmp/pgb-users/pgbouncer.ini"
for i in $(seq 257); do echo "\"user$i\" \"md5$i\""; done > "$tmp/pgb-users/userlist.txt"
expect PGM_BOUNCER_MAX_USERS 2 "user(s) of PgBouncer's auth_file past the first 256 not counted" -- \
    lint --fail-on never "$tmp/pgb-users"

# PGM_PGB_INI_MAX_ENTRIES: pgbouncer.ini with 4,097 databases
mkdir -p "$tmp/pgb-ini-entries"
{ echo "[databases]"; for i in $(seq 4097); do echo "db$i = host=10.0.0.1 dbname=db$i"; done; echo "[pgbouncer]"; } \
    > "$tmp/pgb-ini-entries/pgbouncer.ini"
expect PGM_PGB_INI_MAX_ENTRIES 2 "those from here on are not read (PGM_PGB_INI_MAX_ENTRIES)" -- \
    lint --fail-on never "$tmp/pgb-ini-entries"

# PGM_SESSIONS_MAX_APPS: sessions of 70 applications in one log
mkdir -p "$tmp/session-apps"
for i in $(seq 70); do
    echo "2026-11-27 00:17:$(printf %02d $((i % 60))).443 UTC [$((300 + i))] app@shop app=svc$i LOG:  connection authorized: user=app database=shop application_name=svc$i"
done > "$tmp/session-apps/postgresql.log"
expect PGM_SESSIONS_MAX_APPS 2 "session(s) of further applications counted together as (other)" -- \
    analyze --log-line-prefix '%m [%p] %u@%d app=%a ' "$tmp/session-apps"

# PGM_ANALYSIS_MAX_SERIES_KEYS: sessions from 70 clients (a fleet's pods' addresses): the
# JSON's series by client keep the 64 that go highest, the other 6 together as "(other)"
mkdir -p "$tmp/series-clients"
for i in $(seq 70); do
    echo "2026-11-27 00:17:$(printf %02d $((i % 60))).443 UTC [$((300 + i))] [unknown]@[unknown] LOG:  connection received: host=10.1.0.$i port=$((40000 + i))"
    echo "2026-11-27 00:17:$(printf %02d $((i % 60))).443 UTC [$((300 + i))] app@shop LOG:  connection authorized: user=app database=shop"
done > "$tmp/series-clients/postgresql.log"
expect PGM_ANALYSIS_MAX_SERIES_KEYS 2 "at most 64 users, databases and clients with a series of their own in the JSON, each kind's that go highest (a limit of this build): 6 more of them counted together as (other)" -- \
    analyze "$tmp/series-clients"
"$bin" analyze -q -f json -o "$tmp/series-clients.json" "$tmp/series-clients" > /dev/null 2>&1
if python3 -c 'import json,sys; c = json.load(open(sys.argv[1]))["series"]["by_client"]; sys.exit(not (len(c) == 65 and max(p["open"] for p in c["(other)"]) == 6))' "$tmp/series-clients.json"; then
    pass=$((pass + 1))
else
    echo "FAIL limit PGM_ANALYSIS_MAX_SERIES_KEYS: the JSON's by_client is not 64 clients and (other) holding 6"; fail=$((fail + 1))
fi

# ... and a role called "(other)" (quoted, PostgreSQL takes any name) that goes highest is
# kept apart from the label, shown quoted: the JSON's keys stay distinct
mkdir -p "$tmp/series-other-role"
for i in $(seq 70); do
    u=u$i
    [ "$i" -le 2 ] && u='(other)'
    echo "2026-11-27 00:17:$(printf %02d $((i % 60))).443 UTC [$((300 + i))] $u@shop LOG:  connection authorized: user=$u database=shop"
done > "$tmp/series-other-role/postgresql.log"
"$bin" analyze -q -f json -o "$tmp/series-other-role.json" "$tmp/series-other-role" > /dev/null 2>&1
if python3 -c '
import json, sys
def distinct(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        sys.exit("a key twice: %s" % sorted(k for k in set(keys) if keys.count(k) > 1))
    return dict(pairs)
u = json.load(open(sys.argv[1]), object_pairs_hook=distinct)["series"]["by_user"]
sys.exit(not (len(u) == 65 and max(p["open"] for p in u["\"(other)\""]) == 2 and "(other)" in u))' "$tmp/series-other-role.json"; then
    pass=$((pass + 1))
else
    echo "FAIL limit PGM_ANALYSIS_MAX_SERIES_KEYS: a role called (other) is not apart from the label in the JSON's by_user"; fail=$((fail + 1))
fi

# PGM_SESSIONS_MAX_STARTS: a server started 257 times
mkdir -p "$tmp/starts"
for i in $(seq 257); do
    echo "2026-11-27 $(printf %02d $((i / 60))):$(printf %02d $((i % 60))):00.000 UTC [$((400 + i))] LOG:  starting PostgreSQL 15.10 (Debian 15.10-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc"
done > "$tmp/starts/postgresql.log"
expect PGM_SESSIONS_MAX_STARTS 2 "at most 256 server starts followed in a log" -- \
    analyze --log-line-prefix '%m [%p] ' "$tmp/starts"

# PGM_CLOCKS_MAX_SOURCES: a refusal in the server's log and in 33 services' logs
mkdir -p "$tmp/clocks"
echo "2026-11-27 00:17:01.443 UTC [201] app@shop FATAL:  sorry, too many clients already" > "$tmp/clocks/postgresql.log"
for i in $(seq 33); do
    { for k in 1 2 3 4 5 6; do
        echo "2026-11-27T00:17:00.10${k}Z  INFO 30$i --- [svc$i] [           main] com.example.App                          : step $k"
      done
      echo "2026-11-27T00:17:01.500Z ERROR 30$i --- [svc$i] [           main] com.example.App                          : org.postgresql.util.PSQLException: FATAL: sorry, too many clients already"
    } > "$tmp/clocks/svc$i.log"
done
expect PGM_CLOCKS_MAX_SOURCES 2 "at most 32 logs whose clocks are checked against the server's" -- \
    analyze --log-line-prefix '%m [%p] %u@%d ' "$tmp/clocks"

# PGM_XZ_MEMLIMIT: an .xz whose block asks for a 1 GiB dictionary (its header
# rewritten, its CRC32 made again: xz -t --memlimit=256MiB refuses it too)
mkdir -p "$tmp/xz"
python3 - "$tmp/xz/big-dict.log.xz" <<'PY'
import lzma, struct, sys, zlib
b = bytearray(lzma.compress(b"2026-11-27 00:17:01.443 UTC [201] app@shop LOG:  connection authorized: user=app\n",
                            format=lzma.FORMAT_XZ, preset=0))
h = 12  # the block header, after the stream header
size, flags, p = (b[h] + 1) * 4, b[h + 1], h + 2
for present in (0x40, 0x80):  # compressed and uncompressed sizes, varints
    if flags & present:
        while b[p] & 0x80:
            p += 1
        p += 1
assert flags & 3 == 0 and b[p] == 0x21 and b[p + 1] == 1  # one filter, LZMA2, one byte of properties
b[p + 2] = 36  # dictionary (2 << 29) bytes
b[h + size - 4:h + size] = struct.pack("<I", zlib.crc32(bytes(b[h:h + size - 4])) & 0xffffffff)
open(sys.argv[1], "wb").write(bytes(b))
PY
expect PGM_XZ_MEMLIMIT 2 "needs more memory than the 256 MiB allowed (PGM_XZ_MEMLIMIT)" -- timeline "$tmp/xz"

# PGM_APP_MAX_CANDIDATES: an error whose server refusal is the tenth "Caused by:" of its trace
mkdir -p "$tmp/candidates"
{
    for k in 1 2 3 4 5 6; do
        echo "2026-11-27T00:17:00.10${k}Z  INFO 30742 --- [orders] [           main] com.example.App                          : step $k"
    done
    echo "2026-11-27T00:17:01.500Z ERROR 30742 --- [orders] [           main] com.example.App                          : request failed"
    echo "com.example.Wrapped0: level 0"
    for k in 1 2 3 4 5 6 7 8 9; do
        echo "	at com.example.App.level$k(App.java:$k)"
        echo "Caused by: com.example.Wrapped$k: level $k"
    done
    echo "Caused by: org.postgresql.util.PSQLException: FATAL: sorry, too many clients already"
} > "$tmp/candidates/orders.log"
expect PGM_APP_MAX_CANDIDATES 2 "1 entr(ies) that no rule knows by their first 8 exception lines" -- timeline "$tmp/candidates"

# PGM_THRESHOLDS_MAX_EVENTS: 20,001 refusals for the burst rules to count;
# PGM_THRESHOLDS_MAX_PATHS: one refusal in each of 4,097 logs
mkdir -p "$tmp/thr-events" "$tmp/thr-paths"
python3 - "$tmp/thr-events/postgresql.log" "$tmp/thr-paths" <<'PY'
import os, sys
line = "2026-11-27 %02d:%02d:%02d.%03d UTC [%d] app@shop FATAL:  sorry, too many clients already\n"
with open(sys.argv[1], "w") as f:
    for i in range(20001):
        f.write(line % (i // 360000, i // 6000 % 60, i // 100 % 60, i % 100 * 10, 1000 + i))
for i in range(4097):
    with open(os.path.join(sys.argv[2], "pg%d.log" % i), "w") as f:
        f.write(line % (0, i // 60 % 60, i % 60, 0, 1000 + i))
PY
expect PGM_THRESHOLDS_MAX_EVENTS 2 "1 event(s) not counted: a burst among them may be missed" -- \
    analyze --log-line-prefix '%m [%p] %u@%d ' "$tmp/thr-events"
expect PGM_THRESHOLDS_MAX_PATHS 2 "1 event(s) not counted: a burst among them may be missed" -- \
    analyze --log-line-prefix '%m [%p] %u@%d ' "$tmp/thr-paths"

# PGM_CONFIG_MAX_PROFILES: 17 profiles asked for
expect PGM_CONFIG_MAX_PROFILES 3 "--profile: at most 16 profiles" -- lint --profile a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q "$tmp/xz"

# PGM_CONFIG_MAX_BUILD_FILES: 257 services' pom.xml naming their Spring Boot
for i in $(seq 257); do
    mkdir -p "$tmp/poms/s$i"
    printf '<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>3.2.0</version>\n  </parent>\n</project>\n' \
        > "$tmp/poms/s$i/pom.xml"
done
expect PGM_CONFIG_MAX_BUILD_FILES 2 "more than 256 build files name a Spring Boot version" -- lint --fail-on never "$tmp/poms"
# ... but services are not bounded: 300 of them, each one's finding listed
# (past 256 they were left out, unsaid)
for i in $(seq 300); do
    mkdir -p "$tmp/services/s$i/src/main/resources"
    printf 'spring.datasource.url=jdbc:postgresql://db:5432/shop\nspring.datasource.hikari.connection-timeout=0\n' \
        > "$tmp/services/s$i/src/main/resources/application.properties"
done
"$bin" lint -q -f json --fail-on never "$tmp/services" > "$tmp/services.json" 2> /dev/null
if python3 -c 'import json, sys; f = json.load(open(sys.argv[1]))["findings"]; sys.exit(len({x["path"] for x in f if x["rule"] == "HKC-TIMEOUT-001"}) != 300)' "$tmp/services.json"; then
    pass=$((pass + 1))
else
    echo "FAIL lint of 300 services: not each one's HKC-TIMEOUT-001 listed"; fail=$((fail + 1))
fi

# PGM_JSONFLAT_MAX_BYTES: a jsonlog record of 2 MiB (the line limit raised past it)
mkdir -p "$tmp/json-bytes"
python3 - "$tmp/json-bytes/postgresql.json" <<'PY'
import json, sys
rec = {"timestamp": "2026-11-27 00:18:42.213 UTC", "pid": 18181, "session_id": "6b08cc62.4705", "line_num": 1,
       "error_severity": "LOG", "message": "connection authorized: user=app database=shop",
       "backend_type": "client backend"}
with open(sys.argv[1], "w") as f:
    for i in range(5):
        f.write(json.dumps(rec) + "\n")
    f.write(json.dumps(dict(rec, message="x" * (2 << 20))) + "\n")
PY
expect PGM_JSONFLAT_MAX_BYTES 2 "1 MiB a JSON record;" -- timeline --max-line-bytes 4194304 "$tmp/json-bytes"

# PGM_ANALYSIS_MAX_POOLS and PGM_ANALYSIS_MAX_FINDINGS: 70 services' pools
mkdir -p "$tmp/pools"
for i in $(seq 70); do
    mkdir -p "$tmp/pools/p$i"
    printf 'spring:\n  application:\n    name: svc%d\n  datasource:\n    url: jdbc:postgresql://db/x\n    hikari:\n      maximum-pool-size: 10\n      pool-name: pool%d\n' "$i" "$i" > "$tmp/pools/p$i/application.yml"
done
expect PGM_ANALYSIS_MAX_POOLS 2 "at most 64 pools" -- analyze "$tmp/pools"
expect PGM_ANALYSIS_MAX_FINDINGS 2 "at most 256 configuration findings in the report" -- analyze "$tmp/pools"

# PGM_APPCONF_MAX_KEYS and PGM_APPCONF_MAX_WORKLOADS: a properties file of 20,005 keys, 70 Deployments
mkdir -p "$tmp/keys" "$tmp/k8s"
awk 'BEGIN { for (i = 0; i < 20005; i++) printf "my.key%d=1\n", i }' > "$tmp/keys/application.properties"
expect PGM_APPCONF_MAX_KEYS 2 "more than 20000 keys in one file" -- lint "$tmp/keys"
for i in $(seq 70); do
    printf -- '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc%d\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: app\n          env:\n            - name: SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE\n              value: "10"\n' "$i"
done > "$tmp/k8s/deployment.yaml"
expect PGM_APPCONF_MAX_WORKLOADS 2 "more than 64 workloads in one file" -- lint --fail-on critical "$tmp/k8s"

# PGM_APPCONF_MAX_ENV_REFS: one Deployment whose container takes 520 ConfigMaps
mkdir -p "$tmp/k8s-refs"
{ printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          envFrom:\n'
  for i in $(seq 520); do printf '            - configMapRef:\n                name: cm%d\n' "$i"; done; } > "$tmp/k8s-refs/deployment.yaml"
expect PGM_APPCONF_MAX_ENV_REFS 2 "more than 512 references to ConfigMaps and Secrets in one file" -- lint --fail-on critical "$tmp/k8s-refs"

# PGM_ENTRY_MAX_TEXT and PGM_ENTRY_MAX_PARTS: a 300 KiB statement, a message of 12 DETAIL lines
mkdir -p "$tmp/cut"
python3 - "$tmp/cut/postgresql.log" <<'PY'
import sys
head = "2026-11-27 00:17:27.%03d UTC [100] "
with open(sys.argv[1], "w") as f:
    f.write(head % 1 + "LOG:  statement: SELECT '" + "x" * (300 << 10) + "'\n")
    f.write(head % 2 + "ERROR:  deadlock detected\n")
    for i in range(12):
        f.write(head % 2 + "DETAIL:  Process %d waits for ShareLock on transaction %d.\n" % (i, i))
PY
expect PGM_ENTRY_MAX_TEXT 2 "message(s) cut at a size limit (256 KiB of text, 8 DETAIL" -- timeline -o /dev/null "$tmp/cut"
# ... and the long statement is still an event, cut, not a line not understood
"$bin" timeline "$tmp/cut" 2> /dev/null | grep -q '"kind":"stmt.statement"' && pass=$((pass + 1)) ||
    { echo "FAIL limit PGM_ENTRY_MAX_TEXT: the 300 KiB statement is no event"; fail=$((fail + 1)); }

# PGM_JSONFLAT_MAX_PAIRS and PGM_JSONFLAT_MAX_DEPTH: jsonlog records of 130 keys, of 14 levels
mkdir -p "$tmp/json"
python3 - "$tmp/json" <<'PY'
import json, sys
rec = {"timestamp": "2026-11-27 00:18:42.213 UTC", "pid": 18181, "session_id": "6b08cc62.4705",
       "line_num": 1, "error_severity": "LOG", "message": "database system is ready to accept connections",
       "backend_type": "postmaster", "query_id": 0}
wide = dict(rec, **{"x%d" % i: i for i in range(130)})
deep = dict(rec)
cur = deep
for i in range(14):
    cur["n"] = {}
    cur = cur["n"]
open(sys.argv[1] + "/wide.json", "w").write(json.dumps(rec) + "\n" + json.dumps(wide) + "\n")
open(sys.argv[1] + "/deep.json", "w").write(json.dumps(rec) + "\n" + json.dumps(deep) + "\n")
PY
expect PGM_JSONFLAT_MAX_PAIRS 2 "96 keys, 8 levels, 1 MiB a JSON record;" -- timeline -o /dev/null "$tmp/json/wide.json"
expect PGM_JSONFLAT_MAX_DEPTH 2 "96 keys, 8 levels, 1 MiB a JSON record;" -- timeline -o /dev/null "$tmp/json/deep.json"

# PGM_ZSTD_WINDOW_LOG_MAX: a frame whose window is 2 GiB (zstd --long=31 from a pipe)
echo "$log_line" | zstd -q --long=31 -c > "$tmp/window.log.zst"
expect PGM_ZSTD_WINDOW_LOG_MAX 2 "Frame requires too much memory for decoding" -- inventory "$tmp/window.log.zst"

# PGM_LINT_MAX_FILE_BYTES: a postgresql.conf of 17 MB
mkdir -p "$tmp/bigconf"
{ echo "max_connections = 100"; awk 'BEGIN { for (i = 0; i < 170000; i++) printf "# %098d\n", i }'; } > "$tmp/bigconf/postgresql.conf"
expect PGM_LINT_MAX_FILE_BYTES 2 "larger than 16 MiB: not a configuration file, not read" -- lint "$tmp/bigconf"

# PGM_APP_MAX_TRACE: an application log with a 6,000-frame stack trace and a 300 KiB line
python3 - "$tmp/app.log" <<'PY'
import sys
head = ("2026-11-27 00:17:%02d.100  WARN 1 --- [pool-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask     : "
        "Connection leak detection triggered for org.postgresql.jdbc.PgConnection@2d4e495 on thread "
        "http-nio-8080-exec-1, stack trace follows\n")
with open(sys.argv[1], "w") as f:
    f.write(head % 29 + "java.lang.Exception: Apparent connection leak detected\n")
    f.writelines("\tat com.example.orders.Service%05d.method(Service.java:%d)\n" % (i, i) for i in range(6000))
    f.write(head % 30)
    f.write("2026-11-27 00:17:31.100  INFO 1 --- [main] com.example.App : " + "z" * (300 << 10) + "\n")
PY
expect PGM_APP_MAX_TRACE 2 "2 entr(ies) longer than 256 KiB (a line or a stack trace) cut there" -- timeline -o /dev/null "$tmp/app.log"

# PGM_APP_MAX_LEAKS: 4,200 leak reports held, then the first one returned
python3 - "$tmp/leaks.log" <<'PY'
import sys
pre = "2026-11-27 00:%02d:%02d.100  WARN 1 --- [pool-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask     : "
with open(sys.argv[1], "w") as f:
    for i in range(4200):
        f.write(pre % (i // 60 % 60, i % 60) + "Connection leak detection triggered for "
                "org.postgresql.jdbc.PgConnection@%08x on thread exec-%d, stack trace follows\n" % (i, i))
        f.write("java.lang.Exception: Apparent connection leak detected\n\tat com.example.Svc.run(Svc.java:1)\n")
    f.write(pre.replace("WARN", "INFO").replace("ProxyLeakTask    ", "ProxyLeakTask    ") % (59, 59) +
            "Previously reported leaked connection org.postgresql.jdbc.PgConnection@00000000 on thread exec-0 "
            "was returned to the pool (unleaked)\n")
PY
expect PGM_APP_MAX_LEAKS 2 "1 returned leak(s) found no report to answer" -- timeline -o /dev/null "$tmp/leaks.log"

# rule packs (exit 4): PGM_EXPR_MAX_LEN, PGM_EXPR_MAX_DEPTH, PGM_RULE_FILE_MAX_BYTES
rule_pack() { # DIR CHECK [PADDING_LINES]
    mkdir -p "$1"
    {
        printf 'rules:\n  - id: LIM-001\n    title: a limit\n    severity: low\n'
        printf '    applies_to: [pg_conf]\n    check: %s\n    message: "m"\n' "$2"
        [ -n "${3:-}" ] && awk -v n="$3" 'BEGIN { for (i = 0; i < n; i++) print "# padding padding padding padding" }'
    } > "$1/limit.yml"
}
rule_pack "$tmp/r-len" "pg.max_connections > $(python3 -c 'print("+".join(["1"] * 2100))')"
expect PGM_EXPR_MAX_LEN 4 "expression longer than 4096 bytes" -- rules list --rules "$tmp/r-len"
rule_pack "$tmp/r-depth" "$(python3 -c 'print("(" * 40 + "pg.max_connections > 1" + ")" * 40)')"
expect PGM_EXPR_MAX_DEPTH 4 "expression nested too deeply" -- rules list --rules "$tmp/r-depth"
rule_pack "$tmp/r-big" "pg.max_connections > 1" 40000
expect PGM_RULE_FILE_MAX_BYTES 4 "larger than" -- rules list --rules "$tmp/r-big"
# PGM_RULE_MAX_DURATION_MS: a threshold over 400 days
mkdir -p "$tmp/r-dur"
printf 'id: LIM-THR-001\ntitle: a limit\nseverity: low\napplies_to: [pg_log]\nthreshold:\n  kinds: [conn.refused.too_many_clients]\n  timespan: 400d\n  condition: {gte: 3}\nmessage: "m"\n' \
    > "$tmp/r-dur/limit.yml"
expect PGM_RULE_MAX_DURATION_MS 4 "is longer than 366 days (PGM_RULE_MAX_DURATION_MS)" -- rules list --rules "$tmp/r-dur"
# PGM_RULES_MAX_FILES: 4,097 rule files
mkdir -p "$tmp/r-many"
for i in $(seq 4097); do echo "rules: []" > "$tmp/r-many/r$i.yml"; done
expect PGM_RULES_MAX_FILES 4 "more than 4096 rule files" -- rules list --rules "$tmp/r-many"

# PGM_SCAN_CONF_MAX: a postgresql.conf of 5 MB read beside a log for its prefix
mkdir -p "$tmp/bigconf"
{ echo "log_line_prefix = '%m [%p] '"; awk 'BEGIN { for (k = 0; k < 50000; k++) printf "#%099d\n", k }'; } > "$tmp/bigconf/postgresql.conf"
echo "$log_line" > "$tmp/bigconf/postgresql.log"
expect PGM_SCAN_CONF_MAX 2 "larger than 4 MiB: only its first 4 MiB searched for log_line_prefix" -- timeline "$tmp/bigconf"
# PGM_CONF_MAX_FILE: an include of a 17 MB file (lint reads no larger configuration file)
mkdir -p "$tmp/bigincl"
{ echo "work_mem = '8MB'"; awk 'BEGIN { for (k = 0; k < 170000; k++) printf "#%099d\n", k }'; } > "$tmp/bigincl/big.conf"
echo "include 'big.conf'" > "$tmp/bigincl/postgresql.conf"
expect PGM_CONF_MAX_FILE 2 "big.conf\": larger than 16 MiB, not read" -- lint "$tmp/bigincl"
rm -rf "$tmp/bigincl" "$tmp/bigconf"
# PGM_LINT_MAX_TOTAL_BYTES: 17 application.properties of 16 MB each
for i in $(seq 17); do
    mkdir -p "$tmp/lintbytes/s$i"
    if [ "$i" = 1 ]; then
        { echo "spring.application.name=svc"; awk 'BEGIN { for (k = 0; k < 160000; k++) printf "#%099d\n", k }'; } > "$tmp/lintbytes/s1/application.properties"
    else
        cp "$tmp/lintbytes/s1/application.properties" "$tmp/lintbytes/s$i/"
    fi
done
expect PGM_LINT_MAX_TOTAL_BYTES 2 "the configuration files read so far reach 256 MiB: not read" -- lint "$tmp/lintbytes"
rm -rf "$tmp/lintbytes"
# PGM_PCRE_MATCH_LIMIT: a rule pack's pattern that backtracks without end, on a message it cannot match
mkdir -p "$tmp/r-pcre"
printf 'rules:\n  - id: LIM-PCRE-001\n    title: a pattern that backtracks\n    severity: low\n    applies_to: [pg_log]\n    match:\n      pattern: %s\n      kind: server.ready\n    message: "m"\n    tests:\n      - match: aaaa\n      - no_match: aab\n' \
    "'^(a|aa)+\$'" > "$tmp/r-pcre/slow.yml"
{ echo "$log_line"; echo "2026-11-27 00:17:28.443 UTC [16405] LOG:  $(printf 'a%.0s' $(seq 60))b"; } > "$tmp/pcre.log"
expect PGM_PCRE_MATCH_LIMIT 2 "match(es) of rule patterns stopped at PCRE2's limits" -- timeline --rules "$tmp/r-pcre" "$tmp/pcre.log"
expect PGM_PCRE_MATCH_LIMIT 2 "the first of rule LIM-PCRE-001" -- analyze --jobs 2 --rules "$tmp/r-pcre" "$tmp/pcre.log"
# PGM_EVENT_MAX_FIELDS: a rule's 15 captures on a leak report whose journald line, Spring Boot
# layout, pool, cause and stack trace add the rest: 33 fields
mkdir -p "$tmp/r-wide"
python3 - "$tmp/r-wide/wide.yml" "$tmp/wide.journal" <<'PY'
import sys
groups = "".join("(?<w%02d>%s)" % (i + 1, chr(ord('a') + i)) for i in range(14))
with open(sys.argv[1], "w") as f:
    f.write("rules:\n  - id: LIM-WIDE-001\n    title: every capture a rule may have\n    severity: low\n"
            "    applies_to: [app_log]\n    match:\n"
            "      pattern: '^java\\.lang\\.Exception: custom watcher %s on (?<connection>\\S+)$'\n"
            "      kind: hikari.leak_detected\n    message: m\n    tests:\n"
            "      - match: 'java.lang.Exception: custom watcher abcdefghijklmn on x'\n"
            "      - no_match: 'custom watcher'\n" % groups)
lines = [
    "2026-11-27 00:17:30.123  INFO 4242 --- [           main] com.zaxxer.hikari.pool.HikariPool        : "
    "HikariPool-1 - Added connection org.postgresql.jdbc.PgConnection@1a2b3c",
    "2026-11-27 00:17:31.123  WARN 4242 --- [l-1 housekeeper] com.shop.Watcher                         : custom watcher fired",
    "java.lang.Exception: custom watcher abcdefghijklmn on org.postgresql.jdbc.PgConnection@1a2b3c",
    "\tat com.shop.ExportService.exportAll(ExportService.java:42)",
    "Caused by: java.lang.IllegalStateException: held too long",
]
with open(sys.argv[2], "w") as f:
    f.writelines("Nov 27 00:17:31 node-7 shop[4242]: %s\n" % l for l in lines)
PY
expect PGM_EVENT_MAX_FIELDS 2 "1 event(s) lost a field: more than 32 fields an event" -- timeline --app-tz UTC --rules "$tmp/r-wide" "$tmp/wide.journal"

# PGM_PREFIX_MAX_VALUE: an application name of 1,100 bytes under '%m [%p] %a '
python3 - "$tmp/pval.log" "$tmp/psteps.log" <<'PY'
import sys
ok = "2026-11-27 00:17:27.443 UTC [16404] %s LOG:  database system is ready to accept connections\n"
with open(sys.argv[1], "w") as f:
    f.write(ok % "psql" + "2026-11-27 00:17:28.443 UTC [16405] " + "x" * 1100 +
            " LOG:  connection authorized: user=app database=shop\n" + ok % "psql")
# PGM_PREFIX_MAX_STEPS: three free-text values and a line of 300 words where none may end
with open(sys.argv[2], "w") as f:
    f.write(ok % "u d a" + "2026-11-27 00:17:28.443 UTC [16405] LOG:  " + "w " * 300 + "\n" + ok % "u d a")
PY
expect PGM_PREFIX_MAX_VALUE 2 "1 line(s) the log_line_prefix matcher gave up on" -- timeline --log-line-prefix '%m [%p] %a ' "$tmp/pval.log"
expect PGM_PREFIX_MAX_STEPS 2 "1 line(s) the log_line_prefix matcher gave up on" -- timeline --log-line-prefix '%m [%p] %u %d %a ' "$tmp/psteps.log"

[ $fail = 0 ] && echo "limits: $pass bounds reached through the command line, each said, with its exit code"
[ $fail = 0 ]
