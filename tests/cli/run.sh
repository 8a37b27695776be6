#!/bin/sh
# CLI golden tests: each case runs pgmortem from the repository root and
# compares stdout with tests/cli/golden/NAME.out and the exit code with the
# expected one; some also check a phrase on stderr.
#   tests/cli/run.sh BIN            run
#   tests/cli/run.sh BIN --update   rewrite the golden files (review the diff!)
set -u
bin=$1
update=${2:-}
gold=tests/cli/golden
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME EXIT STDERR_PHRASE -- ARGS...   (STDERR_PHRASE may be "")
check() {
    name=$1 want_exit=$2 phrase=$3
    shift 4
    "$bin" "$@" > "$tmp/out" 2> "$tmp/err" < "${STDIN_FILE:-/dev/null}"
    got=$?
    ok=1
    if [ "$update" = --update ]; then
        cp "$tmp/out" "$gold/$name.out"
    elif ! cmp -s "$tmp/out" "$gold/$name.out"; then
        echo "FAIL $name: stdout differs from $gold/$name.out"
        diff -u "$gold/$name.out" "$tmp/out" | head -20
        ok=0
    fi
    if [ "$got" != "$want_exit" ]; then
        echo "FAIL $name: exit $got, want $want_exit"
        ok=0
    fi
    if [ -n "${GOLDEN_STDERR:-}" ]; then
        if [ "$update" = --update ]; then
            cp "$tmp/err" "$gold/$name.err"
        elif ! cmp -s "$tmp/err" "$gold/$name.err"; then
            echo "FAIL $name: stderr differs from $gold/$name.err"
            diff -u "$gold/$name.err" "$tmp/err" | head -20
            ok=0
        fi
    fi
    if [ -n "$phrase" ] && ! grep -qF -- "$phrase" "$tmp/err"; then
        echo "FAIL $name: stderr lacks '$phrase':"
        head -5 "$tmp/err"
        ok=0
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

check version 0 "" -- --version
check help 0 "" -- --help
check help-inventory 0 "" -- help inventory
check inventory-help 0 "" -- inventory --help
check no-args 3 "" --
check unknown-command 3 "unknown command 'frobnicate'" -- frobnicate
check unknown-option 3 "unknown option '--bogus'" -- inventory --bogus tests/samples/other
check unknown-global-option 3 "unknown option '--bogus'" -- --bogus
check help-unknown 3 "unknown command 'nope'" -- help nope
check no-input 3 "no input given" -- inventory
check bad-number 3 "option '--max-depth' takes a whole number, not 'x'" -- inventory --max-depth x .
check bad-size 3 "takes a size like 512M" -- inventory --max-total-bytes=12Q .
check bad-format 3 "unknown format 'xml'" -- inventory -f xml .
check missing-value 3 "option '--format' needs a value" -- inventory tests/samples/other --format
check samples-other 0 "" -- inventory tests/samples/other
check samples-psa-json 0 "" -- inventory --format json tests/samples/postgresql-15/pg_stat_activity
check hostile 2 "warning: tests/hostile/truncated.log.zst: truncated zstd stream" -- inventory tests/hostile
check hostile-json 2 "" -- inventory -q --format=json tests/hostile
check hostile-deeper 2 "" -- inventory -q --max-depth 12 tests/hostile/nested-10-layers.tar.gz tests/hostile/corrupt-entry.zip
check missing-file 2 "cannot open: No such file or directory" -- inventory tests/samples/other/hikari.properties no-such-file
check demo 0 "" -- inventory fixtures/demo/incident-demo.tar.zst
STDIN_FILE=fixtures/demo/incident-demo.tar.zst check stdin 0 "" -- inventory -
STDIN_FILE=tests/samples/other/hikari.properties check stdin-plain 0 "" -- inventory -

check rules-list 0 "" -- rules list
check rules-list-json 0 "" -- rules list --format json
check rules-show 0 "" -- rules show PGL-CONN-002 HKC-FLEET-001 PGL-THR-001
check rules-show-unknown 3 "no rule 'NOPE-1'" -- rules show NOPE-1
check rules-test 0 "" -- rules test
check rules-test-failing 1 "" -- rules test tests/cli/rules-failing
GOLDEN_STDERR=1 check rules-bad 4 "" -- rules list --rules tests/cli/rules-bad
check rules-extra 0 "" -- rules list --no-builtin-rules --rules tests/cli/rules-failing/d.yml
check rules-no-sub 3 "which: list, show ID, or test" -- rules
check rules-bad-sub 3 "unknown rules command 'frob'" -- rules frob
check help-rules 0 "" -- help rules

# timeline: one golden file per format, then the options
S=tests/samples/postgresql-15 O=tests/samples/other
check timeline-stderr 0 "" -- timeline -q $S/run1-stderr/postgresql.log
check timeline-csvlog 0 "" -- timeline -q $S/run3-csvjson/log/postgresql-20261127-001913.csv
check timeline-jsonlog 0 "" -- timeline -q $S/run3-csvjson/log/postgresql-20261127-001917.json
check timeline-syslog 0 "" -- timeline -q --year 2026 $O/syslog-postgres.log
check timeline-cloudsql 0 "" -- timeline -q $O/cloudsql-export.json
check timeline-azure 0 "" -- timeline -q $O/azure-postgresql.log
check timeline-rds 0 "" -- timeline -q $O/postgresql.log.2026-11-27-00
check timeline-berlin 0 "" -- timeline -q $O/pgbadger-prefix-berlin.log
check timeline-padding 0 "" -- timeline -q --log-line-prefix '[%-12u][%12d][%-8p][%6l][%-15a] ' $S/escapes/padding.log
check timeline-csv 0 "" -- timeline -q --format csv --kinds conn.refused,conn.terminated.* $S/run1-stderr/postgresql.log
check timeline-window 0 "" -- timeline -q --kinds conn.authorized --since 2026-11-27T00:17:40Z --until '2026-11-27 00:17:50' $S/run1-stderr/postgresql.log
check timeline-bundle 0 "" -- timeline -q --kinds conn.refused,server fixtures/incidents/01-leak-hikari.tar.zst
# a year guessed for syslog dates from the file's time: said; exit 2 where a
# date the server wrote with its year (the control file's time at a start)
# disagrees, the year before the guess agreeing (a new year between)
printf '%s\n' 'Feb 10 23:15:39 db1 postgres[10809]: [4-1] db=,user= LOG:  database system was shut down at 2019-02-11 13:14:59 CET' \
    'Feb 10 23:15:41 db1 postgres[10825]: [6-1] db=shop,user=app LOG:  connection authorized: user=app database=shop' > "$tmp/yearless.log"
touch -d '2026-03-01 00:00:00' "$tmp/yearless.log"
check timeline-year-disagrees 2 "2026, taken from the file's time, disagrees with the date the server wrote at line 1 (year 2019)" -- \
    timeline -o /dev/null "$tmp/yearless.log"
sed 's/2019-02-11 13:14:59/2025-12-31 23:59:01/' "$tmp/yearless.log" > "$tmp/yearless-new-year.log"
touch -d '2026-03-01 00:00:00' "$tmp/yearless-new-year.log"
check timeline-year-guessed 0 "syslog dates carry no year; 2026 taken from the file's time (--year sets it)" -- \
    timeline -o /dev/null "$tmp/yearless-new-year.log"
# inventory dates syslog records as timeline does: by their header (the year guessed, said) or
# their prefix's time, never by a date in the message (the control file's 2019)
"$bin" inventory "$tmp/yearless.log" > "$tmp/yearless.inv" 2> "$tmp/yearless.err"
if grep -q '2026-02-10T23:15:39.000Z  2026-02-10T23:15:41.000Z' "$tmp/yearless.inv" &&
    grep -qF "syslog dates carry no year; 2026 taken from the file's time (--year sets it)" "$tmp/yearless.err"; then
    pass=$((pass + 1)); else
    echo "FAIL inventory-syslog-year: not the records' times, or the guess unsaid:"; cat "$tmp/yearless.inv" "$tmp/yearless.err"
    fail=$((fail + 1)); fi
# PgBouncer's lines in syslog records have no time of their own: the records' times are theirs
check inventory-pgbouncer-syslog 0 "" -- inventory -q --year 2026 tests/samples/pgbouncer-1.18/syslog.log
# a timeline with no event is said, exit 2: nothing to read, or nothing read a log
mkdir -p "$tmp/empty-dir"
check timeline-empty-dir 2 "no file could be read from the input: the timeline is empty" -- timeline "$tmp/empty-dir"
check timeline-no-log 2 "no event in the 2 file(s) read: no line of a log pgmortem reads" -- \
    timeline $O/application.yml $O/hikari.properties
# a server log read, none of its messages of a kind pgmortem knows (single spaces where the
# server writes two, as in pgBadger's hand-made pg-timezones.log): said as that, not as no log
printf '%s\n' '2021-05-27 17:00:00 UTC [24743] LOG:  widget frobnicated on shelf 1' \
    '2021-05-27 17:46:39 UTC [19003] LOG:  widget frobnicated on shelf 2' > "$tmp/all-unknown.log"
check timeline-all-unknown 2 "no event in the 1 file(s) read: their 2 message(s) are of no kind pgmortem knows" -- \
    timeline -o /dev/null "$tmp/all-unknown.log"
# events read, none past the filters: said as a note, the filters' answer (exit 0)
check timeline-window-empty 0 "note: none of the 362 event(s) read is of the --kinds asked or within --since/--until" -- \
    timeline --since 2030-01-01T00:00:00Z $S/run1-stderr/postgresql.log
GOLDEN_STDERR=1 check timeline-coverage 0 "" -- timeline --coverage -o /dev/null $S/run3-csvjson/log
# padded escapes ('[%-12u][%12d][%-8p][%6l][%-15a] ') read off the lines: the same
# events as told the prefix (timeline-padding-told); a prefix told wrong is said
check timeline-padding-found 0 "" -- timeline $S/escapes/padding.log
check timeline-padding-told 0 "" -- timeline --log-line-prefix '[%-12u][%12d][%-8p][%6l][%-15a] ' $S/escapes/padding.log
check timeline-wrong-prefix 2 "parses only 0 of 16 lines" -- timeline --log-line-prefix '%m [%p] ' $S/escapes/padding.log
# '%m [%p] %q%u %d ' without connection logging (LOG_CONNECTIONS=off fixtures/record/prefixes.sh):
# nothing says which word is the user; read all the same, both named, exit 2
check timeline-prefix-rival 2 "log_line_prefix '%m [%p] %q%u %d ' (detected: read from the lines) and '%m [%p] %q%d %u ' read the lines equally well" -- \
    timeline --kinds stmt.error $S/escapes/no-names.log
# a reload changed log_line_prefix after 1,505 lines (fixtures/record/rotated.sh): the rest is read with the new one
check timeline-prefix-changed 0 "log_line_prefix changed at line 1506 (a reload?): read from there with '%t [%p]: [%l-1] " -- \
    timeline --kinds server.param_changed,server.crash $S/rotated/changed.log
# lines ended by a bare CR (classic Mac OS, some exporters): the same events as with LF
tr '\n' '\r' < $S/run1-stderr/postgresql.log > "$tmp/cr.log"
STDIN_FILE=$tmp/cr.log check timeline-cr-ends 0 "" -- timeline --kinds conn.refused,server -
STDIN_FILE=$S/run1-stderr/postgresql.log check timeline-lf-ends 0 "" -- timeline --kinds conn.refused,server -
# a zero-filled block (4 KiB of NUL, as a crash leaves) before a line: skipped, said, exit 2,
# every event still read (the same output as the clean log's)
{ head -n 60 $S/run1-stderr/postgresql.log; head -c 4096 /dev/zero; tail -n +61 $S/run1-stderr/postgresql.log; } > "$tmp/nul.log"
# a pipe among the files of a directory: not read (it could block), said, exit 2
mkdir -p "$tmp/with-fifo" && cp $S/run1-stderr/postgresql.log "$tmp/with-fifo/" && mkfifo "$tmp/with-fifo/pipe"
check timeline-fifo 2 "not a regular file (a pipe, a socket, a device): not read" -- timeline -o /dev/null "$tmp/with-fifo"
# a postgresql.conf whose include is missing (the server would not start): said, exit 2 in lint and analyze
mkdir -p "$tmp/missing-include" && printf "max_connections = 100\ninclude 'missing.conf'\n" > "$tmp/missing-include/postgresql.conf"
check lint-missing-include 2 "could not open configuration file" -- lint -o /dev/null "$tmp/missing-include"
check analyze-missing-include 2 "could not open configuration file" -- analyze "$tmp/missing-include"
# lines cut at --max-line-bytes: what was cut is not read, said, exit 2
check timeline-line-cut 2 "line(s) longer than 200 bytes were cut (--max-line-bytes)" -- \
    timeline -o /dev/null --max-line-bytes 200 $S/run1-stderr/postgresql.log
STDIN_FILE=$tmp/nul.log check timeline-nul-block 2 "4096 NUL byte(s) skipped, first before line 61" -- timeline --kinds conn.refused,server -
if cmp -s "$gold/timeline-nul-block.out" "$gold/timeline-lf-ends.out"; then pass=$((pass + 1)); else
    echo "FAIL timeline-nul-block: the events differ from the clean log's"; fail=$((fail + 1)); fi
# messages beyond a connection's life, as a real server wrote them (fixtures/record/messages.sh):
# each its kind, errors with their class
check timeline-messages 0 "" -- timeline --kinds conn.refused,conn.lost,stmt,vacuum,repl $S/messages/messages.log
# a file with a time on most lines that no reader takes: said, exit 2 (inventory and timeline)
check inventory-log-like 2 "a time on most lines, but no log format pgmortem reads" -- inventory $S/run1-stderr/timeline.txt
# logs as a real journald gave them back (fixtures/record/journal.sh): the
# envelope beside the kind, the program's lines counted apart from the journal's
check inventory-journal 0 "" -- inventory tests/samples/journal
# the journal's own file (journald's binary format, a bundle's /var/log/journal): said not read,
# with the command that exports it, exit 2, where it was an unknown binary file with NUL bytes
check inventory-journal-file 2 "a systemd journal file (journald's binary format), which pgmortem does not read" -- \
    inventory tests/cli/inputs/journal-file
check timeline-journal-file 2 "give its export instead (journalctl --file FILE -o export > FILE.export)" -- \
    timeline tests/cli/inputs/journal-file
check timeline-journal-export 0 "stderr in a journal-export envelope (175 entries of it, 0 lines not of its form)" -- \
    timeline --coverage --kinds conn.refused tests/samples/journal/01-postgres.export.zst
check timeline-journal-json 0 "application log (spring_boot) in a journal-json envelope" -- \
    timeline --coverage --kinds hikari.leak_detected tests/samples/journal/01-orders.json.zst
# the first 90 lines of incident 01's two logs as each writer wraps them
# (tests/envelope/wrap.py's wrap: CRI with P pieces, Docker's json-file with
# pieces, kubectl --timestamps, --prefix and both, stern): the envelope beside
# the kind, the wrapper's lines counted apart from the program's, events citing
# the wrapper's lines
check inventory-envelopes 0 "" -- inventory tests/cli/inputs/envelopes
check timeline-envelopes 0 "application log (spring_boot) in a cri envelope (303 lines of it, 0 lines not of its form); 90 lines: 24 entries" -- \
    timeline --coverage --kinds hikari.leak_detected,conn.refused.too_many_clients tests/cli/inputs/envelopes
# Azure Cosmos DB for PostgreSQL's records: the prefix inside the message, the
# severity apart (errorLevel); a checkpointer's line stops at %q
check timeline-azure-cosmos 0 "(detected: bracketed session fields, the severity given apart; 5 of the first 5 lines parsed)" -- \
    timeline --coverage tests/cli/inputs/azure-cosmos
# a Heroku Postgres drain's body as its HTTPS POSTs carry it: each record after
# its length (RFC 6587's octet counting), RFC 5424 headers, Heroku's prefix;
# the count was read as the start of a stderr line and no line was read
check timeline-heroku-drain 0 "(detected: read from the lines; 15 of the first 15 lines parsed); 16 lines: 15 messages, 0 secondary and 1 continuation lines, 0 not understood" -- \
    timeline --coverage tests/cli/inputs/heroku-drain
# a log whose messages are mostly of no known kind: read wrong or from a
# server pgmortem does not know, its events missing: said, exit 2
check timeline-unknown-messages 2 "3 of 4 messages are of no kind pgmortem knows, the most 'widget frobnicated on' (3, first at line 2): their events are missing" -- \
    timeline tests/cli/inputs/unknown-messages
# ... and the postmortem does not take the missing connection lines for
# log_connections off
check analyze-unknown-messages-md 2 "3 of 4 messages are of no kind pgmortem knows" -- \
    analyze -f md tests/cli/inputs/unknown-messages
# Kubernetes' own account (the texts of tests/envelope/wrap.py): kubectl get
# events -o json (a List, and --watch's events.k8s.io/v1 objects), its table
# (ages only: listed without a time, said, exit 2), describe pod's Events
check inventory-k8s 0 "" -- inventory tests/cli/inputs/k8s
check timeline-k8s 2 "3 Kubernetes event(s) (Scheduled, Unhealthy, Killing) carry only their age" -- \
    timeline --kinds k8s.event,k8s.container.terminated tests/cli/inputs/k8s
# inventory reads times as timeline does: a server log's time is its prefix's (found, or told),
# not the session start (%s) written before it; --since/--until leave out the files outside;
# --app-tz gives zone-less application times their zone
check inventory-prefix-time 0 "" -- inventory $S/prefixes/15.log
check inventory-window 0 "3 file(s) whose times lie outside --since/--until not listed" -- \
    inventory --until 2026-11-27T02:20:00Z fixtures/incidents/01-leak-hikari.tar.zst
check inventory-app-tz 0 "" -- inventory -q --app-tz +02:00 $O/billing-boot2.log
check inventory-bad-tz 3 "--tz wants an offset" -- inventory --tz Mars/Olympus $O/billing-boot2.log
check inventory-jobs 3 "--jobs: inventory reads each file once" -- inventory --jobs 2 $O/billing-boot2.log
check analyze-bad-jobs 3 "--jobs wants 1 to" -- analyze --jobs 0 fixtures/incidents/04-healthy.tar.zst
check timeline-log-like 2 "a time on most lines, but no log format pgmortem reads" -- timeline $S/run1-stderr/timeline.txt
check timeline-bad-prefix 3 "--log-line-prefix" -- timeline --log-line-prefix '%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m%m' $O
check timeline-bad-since 3 "--since wants a time" -- timeline --since yesterday $O
check timeline-bad-tz 3 "--tz wants an offset" -- timeline --tz Mars/Olympus $O
check timeline-bad-format 3 "unknown format 'xml'" -- timeline -f xml $O
check help-timeline 0 "" -- help timeline
# application logs: HikariCP events, leak culprits, timeouts inside the application's errors
check timeline-app-tz 0 "" -- timeline -q --app-tz +01:00 --kinds hikari $O/billing-boot2.log
check timeline-applog 0 "" -- timeline -q --kinds hikari,app $O/orders-app.log $O/worker-logback.log $O/app-logstash.json
check timeline-incident-leaks 0 "" -- timeline -q --kinds hikari.leak_detected,hikari.timeout --since 2026-11-27T02:21:50Z fixtures/incidents/01-leak-hikari.tar.zst
# a threshold's groups are told apart by their whole key: two messages that
# share their first 600 bytes are two groups (a key cut at 512 bytes merged
# them, and the rule fired)
check rules-test-long-groups 0 "" -- rules test --rules tests/cli/rules-long-groups
check timeline-site-frames 0 "" -- timeline -q --rules tests/cli/rules-frames --kinds hikari.leak_detected --until 2026-11-27T02:21:00Z fixtures/incidents/01-leak-hikari.tar.zst
# the prefix from a pg_settings dump (aligned: the trailing space is settled by the log)
mkdir -p "$tmp/settings-bundle"
printf '       name       |              setting              | unit \n------------------+-----------------------------------+------\n log_line_prefix  | [%%-12u][%%12d][%%-8p][%%6l][%%-15a]   | \n(1 row)\n' > "$tmp/settings-bundle/a-settings.txt"
cp $S/escapes/padding.log "$tmp/settings-bundle/server.log"
check timeline-settings-prefix 0 "a-settings.txt:3; 16 of the first 16 lines parsed); 16 lines: 15 messages" -- timeline -o /dev/null --coverage "$tmp/settings-bundle"
# pg_stat_activity dumps (those with times of their own: the others take the file's time)
check timeline-activity 0 "" -- timeline -q $S/pg_stat_activity/psa_aligned.txt $S/pg_stat_activity/psa_json_agg.json $S/pg_stat_activity/psa_copy_text.tsv
# a statement shown idle in transaction is free text: a password in it is redacted, in the report too
check timeline-activity-redacted 0 "" -- timeline -q --kinds activity.idle_in_transaction tests/cli/inputs/psa-secret-in-query.csv
check analyze-activity-redacted-md 0 "" -- analyze -q -f md tests/cli/inputs/psa-secret-in-query.csv
# the prefix from the bundle's own configuration: auto.conf wins over postgresql.conf
mkdir -p "$tmp/conf-bundle"
printf "log_line_prefix = '%%m [%%p] '\n" > "$tmp/conf-bundle/postgresql.conf"
printf "# Do not edit this file manually!\nlog_line_prefix = '[%%-12u][%%12d][%%-8p][%%6l][%%-15a] '\n" > "$tmp/conf-bundle/postgresql.auto.conf"
cp $S/escapes/padding.log "$tmp/conf-bundle/server.log"
check timeline-conf-prefix 0 "postgresql.auto.conf:2; 16 of the first 16 lines parsed); 16 lines: 15 messages" -- timeline -o /dev/null --coverage "$tmp/conf-bundle"
# a configuration whose prefix does not fit the log: the prefix read off the lines is used,
# the warning names both, exit 2
mkdir -p "$tmp/unfit-bundle"
printf "log_line_prefix = '%%t [%%p]: [%%l-1] '\n" > "$tmp/unfit-bundle/postgresql.conf"
cp $S/prefixes/17.log "$tmp/unfit-bundle/server.log"
check timeline-conf-unfit 2 "the configuration's log_line_prefix '%t [%p]: [%l-1] ' does not fit this log; read with '%m [%p] %q%u@%d '" -- timeline -o /dev/null "$tmp/unfit-bundle"

# the application's zone from the bundle: TZ in a .env, TZ in a manifest; two zones: UTC
z=build/cli-zone
rm -rf $z; mkdir -p $z/zone-env $z/zone-k8s $z/zone-conflict
printf 'DB_HOST=db\nexport TZ="Europe/Berlin"\n' > $z/zone-env/billing.env
printf 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  containers:\n    - env:\n        - name: TZ\n          value: "America/New_York"\n' > $z/zone-k8s/deployment.yaml
printf 'JAVA_TOOL_OPTIONS=-Xmx1g -Duser.timezone=Asia/Tokyo\n' > $z/zone-conflict/jvm.env
cp $z/zone-env/billing.env $z/zone-conflict/
for d in zone-env zone-k8s zone-conflict; do cp $O/billing-boot2.log $z/$d/; done
check timeline-zone-env 0 "read in Europe/Berlin, as $z/zone-env/billing.env:2 sets it" -- timeline --kinds hikari $z/zone-env
check timeline-zone-k8s 0 "read in America/New_York, as $z/zone-k8s/deployment.yaml:7 sets it" -- timeline --kinds hikari $z/zone-k8s
check timeline-zone-conflict 0 "another file Europe/Berlin: application times without a zone are read as UTC" -- timeline --kinds hikari $z/zone-conflict

# lint: a deployment with a server, three services, manifests and their traps
L=tests/lint/deploy
SUP=tests/lint/suppressions
check lint-text 1 "9 configuration file(s)" -- lint $L
check lint-verbose 1 "" -- lint -q -v $L
check lint-json 1 "" -- lint -q -f json $L
check lint-sarif 1 "" -- lint -q -f sarif $L
check lint-github 1 "" -- lint -q -f github $L
check lint-gitlab 1 "" -- lint -q -f gitlab $L
"$bin" lint -q -f gitlab -o "$tmp/gitlab.json" $L $SUP || true
if ! python3 tests/lint/gitlab-validate.py "$tmp/gitlab.json" > /dev/null; then
    echo "FAIL lint-gitlab-format: not GitLab's Code Quality format"; python3 tests/lint/gitlab-validate.py "$tmp/gitlab.json"; fail=$((fail + 1))
fi
check lint-fail-never 0 "" -- lint -q --fail-on never $L/db
# a multi-module build: orders runs Druid through its module shop-db, reports
# through shop-core, which depends on shop-db (the parent only manages its
# version), billing HikariCP; orders' prod profile
# in a Spring Cloud Config repository is orders', not a service of its own;
# a file named after billing among orders' own resources stays orders'
check lint-multi-module 1 "5 configuration file(s), 9 finding(s), 1 at or above --fail-on" -- lint tests/lint/multi-module
# twenty prefixes that look like pools but are none, then two datasources:
# both pools are judged (the second, its connection-timeout 0, was left out)
check lint-many-prefixes 1 "1 configuration file(s), 15 finding(s), 3 at or above --fail-on" -- lint tests/lint/many-prefixes
check lint-fail-critical 0 "" -- lint -q --fail-on critical $L
check lint-profile-default 1 "" -- lint -q --profile default --instances orders=2 $L/orders $L/k8s
check lint-hikari-5 1 "" -- lint -q --hikari-version 5.1.0 $L/worker
GOLDEN_STDERR=1 check lint-effective 1 "" -- lint -q --effective -o /dev/null $L
check lint-pg-settings 0 "" -- lint -q --fail-on high --effective tests/samples/postgresql-15/conf-syntax/pg_settings_effective.txt tests/samples/postgresql-15/conf-syntax/pg_file_settings.txt
check lint-archive 1 "" -- lint -q fixtures/incidents/01-leak-hikari.tar.zst
# an input with no configuration file is no pass: exit 2, said
check lint-nothing 2 "no configuration file found" -- lint tests/samples/postgresql-15/run1-stderr
"$bin" lint -q -f json -o "$tmp/baseline.json" $L
check lint-baseline 0 "0 finding(s), 0 at or above --fail-on; 1 suppressed, 39 in the baseline" -- lint --baseline "$tmp/baseline.json" $L
mkdir -p "$tmp/grown" && cp -r $L/. "$tmp/grown/" && printf 'spring.datasource.hikari.max-lifetime=0\n' >> "$tmp/grown/billing/application.properties"
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
( cd "$tmp/grown" && "$abs_bin" lint -q -f json -o ../grown-baseline.json . ; printf 'spring.datasource.hikari.min-idle=2\n' >> billing/application.properties )
(cd "$tmp/grown" && "$abs_bin" lint -q --baseline ../grown-baseline.json . > "$tmp/grown.out"; echo "exit $?" >> "$tmp/grown.out")
if grep -q "SPB-KEY-001.*min-idle" "$tmp/grown.out" && [ "$(grep -c '^\./' "$tmp/grown.out")" = 1 ] && grep -q "exit 0" "$tmp/grown.out"; then
    pass=$((pass + 1))
else
    echo "FAIL lint-baseline-new: only the new finding should be reported:"; cat "$tmp/grown.out"; fail=$((fail + 1))
fi
# GitHub escaping: % in messages; also : and , in the file property
mkdir -p "$tmp/odd,dir:x" && printf "log_line_prefix = '%%m '\nlog_lock_waits = off\n" > "$tmp/odd,dir:x/postgresql.conf"
"$bin" lint -q -f github --fail-on never "$tmp/odd,dir:x" > "$tmp/gh.out"
if grep -q "file=.*odd%2Cdir%3Ax/postgresql.conf,line=1,title=\[PGC-LOG-003\] log_line_prefix has no application name::log_line_prefix '%25m ' has no %25a" "$tmp/gh.out"; then
    pass=$((pass + 1))
else
    echo "FAIL lint-github-escaping:"; cat "$tmp/gh.out"; fail=$((fail + 1))
fi
check lint-bad-format 3 "unknown format 'xml'" -- lint -f xml $L
check lint-bad-fail-on 3 "--fail-on wants" -- lint --fail-on severe $L
check lint-bad-instances 3 "--instances wants NAME=N" -- lint --instances orders $L
check lint-bad-baseline 3 "not the output of pgmortem lint" -- lint --baseline tests/lint/deploy/db/postgresql.conf $L
check help-lint 0 "" -- help lint
# suppressions: several ids, a whole file, none given a reason or naming no
# rule (each a finding), more than PGM_LINT_SUPPRESSION_MAX_RULES; test
# sources left out unless --include-tests; --ignore and --exclude
check lint-suppressions 0 "2 suppressed, 0 in the baseline; 1 file(s) left out by --exclude or as test sources" -- lint --fail-on never $SUP
check lint-include-tests 0 ", 2 of --ignore'd rules; 1 file(s) left out by --exclude" -- lint --fail-on never --include-tests --ignore HKC-LEAK-002,HKC-OSIV-001 --exclude 'billing/application.properties' $SUP
check lint-ignore-unknown 3 "--ignore HKC-LEAK-01: no rule has that id" -- lint --ignore HKC-LEAK-001,HKC-LEAK-01 $SUP
check lint-ignore-too-many 3 "at most 64 --ignore values" -- lint --ignore "$(seq -s, -f 'X-%g' 1 65)" $SUP
check rules-show-own 0 "" -- rules show PGM-LINT-001 PGM-LINT-002
# every finding names its key: the one written, else the setting nothing sets
for d in $L $SUP; do
    if "$bin" lint -q -f json --fail-on never "$d" | grep -q '"key": ""'; then
        echo "FAIL lint-keys: a finding of $d has an empty key"; fail=$((fail + 1))
    fi
done
# open-in-view on a MyBatis service without JPA (its own pom says so): no finding; beside JPA: one
check lint-mybatis 0 "" -- lint -q --fail-on never tests/lint/mybatis
# a driver password among hikari.properties' dataSource.*; a Maven-filtered profile
check lint-build-time 0 "" -- lint -q --fail-on never tests/lint/build-time
# docker-compose: the services' environment, command line and replicas bind the pools
GOLDEN_STDERR=1 check lint-compose 0 "" -- lint -q --fail-on never --effective -o /dev/null tests/lint/compose
check lint-compose-findings 0 "" -- lint -q --fail-on never tests/lint/compose
# servers in manifests: a ConfigMap's postgresql.conf, Helm values, a CloudNativePG Cluster; each
# judged with the pools whose URL names it (no budget mixes them)
check lint-k8s-postgres 1 "" -- lint -q tests/lint/k8s-postgres
# a Spring file a ConfigMap holds, mounted by the Deployment: its lines the manifest's, its replicas the workload's
GOLDEN_STDERR=1 check lint-configmap-spring 1 "" -- lint --effective -o /dev/null tests/lint/configmap-spring
# a service whose pool is not HikariCP (its build excludes it; spring.datasource.type): said, not judged
check lint-other-pool 0 "3 configuration file(s), 3 finding(s)" -- lint tests/lint/other-pool
# logback's default layout prints the time alone: dated from the file's name, across midnight, said
check timeline-time-of-day 0 "dated from 2026-11-27, the date in the file's name" -- timeline tests/samples/other/time-of-day
check timeline-app-date 0 "dated from 2026-11-20, --app-date" -- timeline --app-date 2026-11-20 tests/samples/other/time-of-day
check timeline-app-date-bad 3 "--app-date wants a day like 2026-11-27, not '2026-11-31x'" -- timeline --app-date 2026-11-31x tests/samples/other/time-of-day
# the same log copied since (its last change days later), beside the server's log of that night
mkdir -p "$tmp/copied-since"
cp tests/samples/other/time-of-day/orders-2026-11-27.log "$tmp/copied-since/orders.log"
touch -d "2026-12-02 09:00:00 UTC" "$tmp/copied-since/orders.log"
printf '%s\n' "2026-11-27 23:59:50.000 UTC [4711] LOG:  database system is ready to accept connections" \
    "2026-11-28 00:02:00.000 UTC [4711] LOG:  received fast shutdown request" > "$tmp/copied-since/postgresql.log"
check timeline-app-day-guessed 2 "dated 2026-12-02, fall outside the server logs' times; on 2026-11-27 they fall within them: if it was written then, give --app-date 2026-11-27" -- timeline -o /dev/null "$tmp/copied-since"
# Dropwizard's layout, the level first: its leak report, and the culprit from its "! at" frames
check analyze-dropwizard 0 "" -- analyze -q tests/samples/other/dropwizard
# HikariCP's DEBUG "Timeout failure stats" lines are timeouts; the exception an application logs
# after one of them is the same timeout (lines constructed from HikariCP 5.0.1's format strings): 3
check analyze-timeout-failure-stats 0 "" -- analyze -q tests/samples/other/timeout-failure-stats
# a %msg%n log (incident 01's orders log written again without a layout): its events carry no time, said, exit 2
check timeline-no-layout 2 "entr(ies) without a time: their events stand first in the timeline" -- timeline tests/samples/other/no-layout
# PgBouncer 1.18 as recorded by fixtures/record/pgbouncer-forms.sh: its logfile and its syslog records
# give the same events; SHOW POOLS aligned and -A; the client limit reached is where it ran out
check timeline-pgbouncer 0 "PgBouncer log (stderr); 32 lines: 32 records, 0 not PgBouncer's" -- \
    timeline --coverage --jobs 1 tests/samples/pgbouncer-1.18/pgbouncer.log
check timeline-pgbouncer-syslog 0 "" -- timeline -q --year 2026 tests/samples/pgbouncer-1.18/syslog.log
# its lines take the syslog records' time, which has no year (the file's time's: said) and no
# zone (the host's local time: UTC unless --tz, said)
check timeline-pgbouncer-syslog-year 0 "the journal envelope's dates carry no year;" -- \
    timeline -o /dev/null tests/samples/pgbouncer-1.18/syslog.log
check timeline-pgbouncer-syslog-tz 0 "" -- \
    timeline -q --year 2026 --tz +01:00 --kinds pgbouncer.listening tests/samples/pgbouncer-1.18/syslog.log
check timeline-pgbouncer-show 0 "PgBouncer SHOW results (aligned); 6 lines: 2 rows, 0 not understood" -- \
    timeline --coverage tests/samples/pgbouncer-1.18/show-pools.txt
check analyze-pgbouncer-client-limit 0 "" -- analyze -q tests/samples/pgbouncer-1.18
check lint-pgbouncer 1 "" -- lint -q tests/samples/pgbouncer-1.18
# its log written newest first (a console's download, gcloud logging read): read from its last line,
# said; the same pools, peaks and first timeouts as the log as PgBouncer wrote it
mkdir -p "$tmp/pgb-fwd" "$tmp/pgb-rev"
cp tests/samples/pgbouncer-1.18/pgbouncer.log "$tmp/pgb-fwd/"
tac tests/samples/pgbouncer-1.18/pgbouncer.log > "$tmp/pgb-rev/pgbouncer.log"
"$bin" analyze -f json "$tmp/pgb-fwd" > "$tmp/pgb-fwd.json" 2> /dev/null
"$bin" analyze -f json "$tmp/pgb-rev" > "$tmp/pgb-rev.json" 2> "$tmp/pgb-rev.err"
if ! grep -qF "pgbouncer.log: newest-first export: read from the last line to the first" "$tmp/pgb-rev.err" ||
   ! python3 -c '
import json, sys
def pools(path):
    def bare(v):
        if isinstance(v, dict):
            return {k: bare(x) for k, x in v.items() if not k.endswith("evidence")}
        return [bare(x) for x in v] if isinstance(v, list) else v
    return bare(json.load(open(path))["pgbouncer"])
a, b = pools(sys.argv[1]), pools(sys.argv[2])
sys.exit(0 if a == b and a["pools"] and a["pools"][0]["wait_timeouts"] == 2 else 1)' "$tmp/pgb-fwd.json" "$tmp/pgb-rev.json"; then
    echo "FAIL pgbouncer-newest-first: the log written newest first is read otherwise"; fail=$((fail + 1))
else
    pass=$((pass + 1))
fi
# Grafana Loki's HTTP API answer (curl .../query_range) of the recorded log's last lines, newest
# first as Loki gives them: 100 of them, its default limit, are said to be likely cut there; 99 are not
for n in 100 99; do
    python3 -c '
import datetime, json, sys
lines = [l for l in open(sys.argv[1]).read().split("\n") if l[:2] == "20"][-int(sys.argv[2]):]
def ns(l):
    t = datetime.datetime.strptime(l[:23], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
    return str(int(t.timestamp() * 1000) * 1000000)
values = [[ns(l), l] for l in reversed(lines)]
json.dump({"status": "success", "data": {"resultType": "streams", "result": [
    {"stream": {"container": "postgres", "pod": "pg-0"}, "values": values}], "stats": {}}}, sys.stdout)
' tests/samples/postgresql-15/run1-stderr/postgresql.log "$n" > "$tmp/loki-$n.json"
done
check timeline-loki-api-limit 2 "100 lines, a Loki query's usual limit (100 by default" -- \
    timeline -o /dev/null "$tmp/loki-100.json"
check timeline-loki-api 0 "newest-first export" -- timeline -o /dev/null "$tmp/loki-99.json"
if grep -q "usual limit" "$tmp/err"; then
    echo "FAIL timeline-loki-api: 99 lines said to be a limit"; fail=$((fail + 1))
fi
# a server log of two pieces out of order (the recorded log two minutes later, then the log):
# analyze reads events in file order, so a step back past a minute is said (exit 2); the log
# itself steps back milliseconds and is not
python3 -c '
import datetime, sys
lines = open(sys.argv[1]).read().split("\n")
def later(l):
    if l[:2] != "20":
        return l
    t = datetime.datetime.strptime(l[:23], "%Y-%m-%d %H:%M:%S.%f") + datetime.timedelta(minutes=2)
    return t.strftime("%Y-%m-%d %H:%M:%S.%f")[:23] + l[23:]
sys.stdout.write("\n".join([later(l) for l in lines if l] + [l for l in lines if l]) + "\n")
' tests/samples/postgresql-15/run1-stderr/postgresql.log > build/cli-pieces.log
check analyze-pieces-out-of-order 2 "its times go back 155 s at line" -- \
    analyze -f json -o /dev/null build/cli-pieces.log
# the same step back where two threads read apart: a 40 MiB log (so split in chunks of 1 MiB) of
# 89-byte lines whose first chunk runs two minutes late; in a log without DETAIL lines the first
# chunk ends at the line after the one its nominal end (the size over the 39 chunks) falls in:
# its records are lines 1-12084
python3 -c '
import datetime, sys
base = datetime.datetime(2026, 11, 27)
n, late = 471270, 12084
assert (n * 89) // ((n * 89) >> 20) // 89 + 1 == late
with open(sys.argv[1], "w") as out:
    for i in range(n):
        t = base + datetime.timedelta(milliseconds=i + (120000 if i < late else 0))
        line = t.strftime("%Y-%m-%d %H:%M:%S.%f")[:23] + " UTC [%05d] LOG:  connection received: host=127.0.0.1 port=%05d\n" % (10000 + i % 50000, 10000 + i % 50000)
        assert len(line) == 89
        out.write(line)
' build/cli-chunk-edge.log
check analyze-chunk-edge-out-of-order 2 "its times go back 120 s at line 12085" -- \
    analyze --jobs 2 -f json -o /dev/null build/cli-chunk-edge.log
rm -f build/cli-chunk-edge.log
# an application's log of two pieces out of order (incident 01's orders.log, its second half
# first): the first timeout, leak report and pool states are met in file order, so the step back
# is said with its line, as a server log's; the log as recorded is not
rm -rf build/cli-app-swapped && mkdir -p build/cli-app-swapped
zstd -q -dc fixtures/incidents/01-leak-hikari.tar.zst | tar -xf - -C build/cli-app-swapped
python3 -c '
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")[:-1]
mid = len(lines) // 2
while not lines[mid].startswith("20"):
    mid += 1
open(p, "w").write("\n".join(lines[mid:] + lines[:mid]) + "\n")
' build/cli-app-swapped/01-leak-hikari/orders/orders.log
check analyze-app-log-out-of-order 2 "orders.log: its times go back 102 s at line 386" -- \
    analyze -f json -o /dev/null build/cli-app-swapped/01-leak-hikari
rm -rf build/cli-app-swapped
# the same of PgBouncer's log (incident 11's, its second half first)
rm -rf build/cli-pgb-swapped && mkdir -p build/cli-pgb-swapped
zstd -q -dc fixtures/incidents/11-pgbouncer-transaction-pool.tar.zst | tar -xf - -C build/cli-pgb-swapped
python3 -c '
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")[:-1]
mid = len(lines) // 2
open(p, "w").write("\n".join(lines[mid:] + lines[:mid]) + "\n")
' build/cli-pgb-swapped/11-pgbouncer-transaction-pool/pgbouncer/pgbouncer.log
check analyze-pgbouncer-log-out-of-order 2 "pgbouncer.log: its times go back 68 s at line 33" -- \
    analyze -f json -o /dev/null build/cli-pgb-swapped/11-pgbouncer-transaction-pool
rm -rf build/cli-pgb-swapped
# a real logback's pieces as Spring Boot rolls its log (orders.log.DATE.N.gz,
# fixtures/record/logback-rolling.sh): one log, oldest first (.0, .1, .2, then
# the live file), where the names sort the live file first
check inventory-logback-rolled 0 "" -- inventory tests/cli/inputs/logback-rolled
# a real server's log in pieces its logging collector named by time
# (postgresql-%S.log, names that sort 01, 05, 44 ... as postgresql-%a.log's
# weekdays do): read again in their times' order, taken on as one log, said
check analyze-collector-pieces 0 "read as one server's log" -- analyze tests/rotation/collector
if ! grep -q "postgresql-01.log (from 2026-12-07T11:58:01.843Z) came before .*postgresql-57.log" "$tmp/err"; then
    echo "FAIL analyze-collector-pieces: the pieces out of their times' order not said"; fail=$((fail + 1))
fi
check analyze-in-order 0 "" -- analyze -f json -o /dev/null tests/samples/postgresql-15/run1-stderr/postgresql.log
if grep -q "times go back" "$tmp/err"; then
    echo "FAIL analyze-in-order: a log in order said to step back"; fail=$((fail + 1))
fi
# 70 services connecting through PgBouncer as 70 users: its pools may open
# 2 x 70 server connections, more than the server's 132 (counted as 64 users once)
mkdir -p "$tmp/pgb-users/db"
printf '[databases]\nshop = host=db port=5432 dbname=shop pool_size=2\n[pgbouncer]\nlisten_port = 6432\n' > "$tmp/pgb-users/db/pgbouncer.ini"
printf 'max_connections = 135\n' > "$tmp/pgb-users/db/postgresql.conf"
for i in $(seq 70); do
    mkdir -p "$tmp/pgb-users/s$i"
    printf 'spring.datasource.url=jdbc:postgresql://pgbouncer:6432/shop\nspring.datasource.username=u%s\n' "$i" > "$tmp/pgb-users/s$i/application.properties"
done
if ! "$bin" lint -q --fail-on never "$tmp/pgb-users" | grep -qF "[PGB-CONF-002] PgBouncer's pools may open 140 server connections"; then
    echo "FAIL lint-pgbouncer-users: 70 users' server connections not counted"; fail=$((fail + 1))
fi
# a syntax error in postgresql.conf is a critical finding at its line
check lint-conf-syntax-error 1 "syntax error in file" -- lint --fail-on critical tests/lint/conf-syntax-error
# a Compose file's anchors and merge keys: app's environment comes from x-common
check lint-compose-anchors 1 "" -- lint -q tests/lint/compose-anchors
# a Spring configuration named otherwise (spring.config.name=catalog) is read by its content
check lint-config-name 1 "2 configuration file(s), 3 finding(s)" -- lint tests/lint/config-name
GOLDEN_STDERR=1 check lint-k8s-postgres-effective 1 "" -- lint --effective -o /dev/null tests/lint/k8s-postgres
# a value set to the default is not called the default
check lint-explicit 0 "" -- lint -q --fail-on never tests/lint/explicit
# only test sources: nothing read, said, and no green gate
check lint-only-tests 2 "no configuration file read: the 1 found were left out" -- lint $SUP/billing/src

# analyze: the verdict so far, on recorded incidents
check analyze-leak 0 "" -- analyze -q fixtures/incidents/01-leak-hikari.tar.zst
# a server log read whole that holds no connection line: no "none" (nothing says how the
# connections fared), and the advice asks for connection logging, not for a log it could read
check analyze-no-connections 0 "" -- analyze -q tests/cli/inputs/no-connections
# HikariCP reports a leak the server never saw grow: the two sides' disagreement is said
check analyze-disagree 0 "" -- analyze -q --log-line-prefix '%m [%p] %q%u@%d ' tests/cli/inputs/disagree
SOURCE_DATE_EPOCH=0 check analyze-leak-json 0 "" -- analyze -q -f json fixtures/incidents/01-leak-hikari.tar.zst
# analyze reads as timeline does: the same reading options, parsed by the same code
check analyze-bad-since 3 "--since wants a time" -- analyze --since yesterday $S/run1-stderr/postgresql.log
SOURCE_DATE_EPOCH=0 check analyze-wrong-prefix 2 "parses only 0 of" -- analyze -f json --log-line-prefix '%t [%p]: ' $S/run1-stderr/postgresql.log
check analyze-healthy 0 "" -- analyze -q fixtures/incidents/04-healthy.tar.zst
# analyze's configuration pass takes lint's options: 30 billing replicas overrun max_connections
check analyze-healthy-instances 0 "" -- analyze -q --instances billing=30 fixtures/incidents/04-healthy.tar.zst
check analyze-bad-instances 3 "--instances wants NAME=N" -- analyze --instances billing fixtures/incidents/04-healthy.tar.zst
check analyze-leak-md 0 "" -- analyze -q -f md fixtures/incidents/01-leak-hikari.tar.zst
check analyze-capacity-md 0 "" -- analyze -q -f md fixtures/incidents/03-capacity.tar.gz
# pg_stat_activity dumps alone: a leak shows as one group rising snapshot after snapshot,
# a healthy system does not
for n in 05-leak-no-connection-logging 04-healthy; do
    mkdir -p "$tmp/$n" && zstd -dc fixtures/incidents/$n.tar.zst | tar -C "$tmp/$n" -xf - "$n/db/pg_stat_activity"
done
"$bin" analyze -q "$tmp/05-leak-no-connection-logging" > "$tmp/snap05.out"
"$bin" analyze -q "$tmp/04-healthy" > "$tmp/snap04.out"
if grep -q "^verdict: leak" "$tmp/snap05.out" && grep -q "snapshots show orders@shop from 127.0.0.1 holding 3, then 21 sessions" "$tmp/snap05.out" &&
    grep -q "^verdict: inconclusive" "$tmp/snap04.out"; then
    pass=$((pass + 1))
else
    echo "FAIL analyze-snapshots-only:"; cat "$tmp/snap05.out" "$tmp/snap04.out"; fail=$((fail + 1))
fi
# several reports in one run, each in the format its name says
"$bin" analyze -o "$tmp/r.json" -o "$tmp/r.md" -o "$tmp/r.html" fixtures/incidents/01-leak-hikari.tar.zst > "$tmp/multi.out"
if head -c 40 "$tmp/r.json" | grep -q '"schema"' && head -1 "$tmp/r.md" | grep -q '^# orders leaked PostgreSQL connections' &&
    head -1 "$tmp/r.html" | grep -q '<!DOCTYPE html>' && grep -q "^verdict: leak" "$tmp/multi.out" &&
    [ "$(grep -c '^written: ' "$tmp/multi.out")" = 3 ]; then
    pass=$((pass + 1))
else
    echo "FAIL analyze-several-outputs"; cat "$tmp/multi.out"; fail=$((fail + 1))
fi
check analyze-unknown-extension 3 "cannot tell the format of 'report.txt'" -- analyze -o report.txt fixtures/incidents/01-leak-hikari.tar.zst
# what would have caught it: Prometheus rules, their promtool test and a Grafana dashboard that parse
"$bin" analyze -q --export-alerts "$tmp/alerts" fixtures/incidents/01-leak-hikari.tar.zst > /dev/null
if python3 - "$tmp/alerts" <<'PY'
import json, re, sys
d = sys.argv[1]
text = open(d + "/pgmortem-alerts.yml").read()
try:
    import yaml  # PyYAML where it is installed: the file must parse as YAML
    rules = yaml.safe_load(text)["groups"][0]["rules"]
    names = [r["alert"] for r in rules]
    assert any("27 usable slots" in r["annotations"].get("description", "") for r in rules)
    assert all(r["expr"] and r["labels"]["severity"] in ("warning", "critical") for r in rules)
except ImportError:
    names = re.findall(r"^      - alert: (\w+)$", text, re.M)
    assert "27 usable slots" in text
assert "HikariConnectionsNotReturned" in names and "PostgresConnectionSlotsNearlyExhausted" in names, names
dash = json.load(open(d + "/pgmortem-dashboard.json"))
# orders and billing name no pool: one panel for both, told apart by instance
assert any(p["title"].startswith("Pools without a pool-name") for p in dash["panels"]), [p["title"] for p in dash["panels"]]
assert dash["__inputs"][0]["pluginId"] == "prometheus" and dash["uid"] != "pgmortem-connections"
test = open(d + "/pgmortem-alerts.test.yml").read()
assert "rule_files:\n  - pgmortem-alerts.yml\n" in test and "alertname: PostgresConnectionSlotsNearlyExhausted" in test
PY
then
    pass=$((pass + 1))
else
    echo "FAIL analyze-export-alerts"; fail=$((fail + 1))
fi
# a cited line past PGM_QUOTE_LINE_MAX (600 bytes) is quoted cut, and says so with an ellipsis
{ head -1 tests/cli/inputs/psa-secret-in-query.csv
  printf '16386,appdb,16511,,16384,app,batch,10.0.0.8,,35301,2026-11-27 00:17:29.000000+00,2026-11-27 00:17:29.100000+00,2026-11-27 00:17:29.100000+00,2026-11-27 00:17:29.200000+00,Client,ClientRead,idle in transaction,,,,UPDATE orders SET note = '"'"'%s'"'"' WHERE id = 1,client backend\n' "$(printf 'x%.0s' $(seq 1 900))"
} > "$tmp/long-row.csv"
"$bin" analyze -q -f md "$tmp/long-row.csv" > "$tmp/long-row.md"
if grep -q '^>      2 | 16386,appdb,16511,.*xxx…$' "$tmp/long-row.md" &&
    [ "$(grep '^>      2 |' "$tmp/long-row.md" | wc -c)" -lt 640 ]; then
    pass=$((pass + 1))
else
    echo "FAIL analyze-quote-cut: a quoted line of 1,100 bytes is not cut with an ellipsis"; grep -n '^>' "$tmp/long-row.md" | cut -c1-120 | head -3; fail=$((fail + 1))
fi
# a leak over Unix sockets: the fallback's sessions have no client address (client_addr IS NULL,
# not '[local]', which PostgreSQL would refuse as an inet)
python3 - > "$tmp/local-leak.log" <<'PY'
for i in range(40):
    ts = "2026-11-27 02:%02d:%02d.000 UTC" % (i // 60, i % 60)
    print(f"{ts} [{10000 + i}] [unknown]@[unknown] LOG:  connection received: host=[local]")
    print(f"{ts} [{10000 + i}] orders@shop LOG:  connection authorized: user=orders database=shop application_name=orders")
print("2026-11-27 02:00:41.000 UTC [20000] orders@shop FATAL:  sorry, too many clients already")
PY
"$bin" analyze -q -f md "$tmp/local-leak.log" > "$tmp/local-leak.md"
if grep -q "WHERE usename = 'orders' AND datname = 'shop' AND client_addr IS NULL" "$tmp/local-leak.md" &&
    ! grep -q "'\[local\]'" "$tmp/local-leak.md"; then
    pass=$((pass + 1))
else
    echo "FAIL analyze-local-leak-sql"; grep -n "client_addr" "$tmp/local-leak.md" | head -3; fail=$((fail + 1))
fi
# --display-tz: the human formats' times in that zone, a day's without the date (said once); the JSON in UTC
# (the same but for the run's own duration)
"$bin" analyze -q --display-tz Europe/Berlin -o "$tmp/tz.md" -o "$tmp/tz.json" fixtures/incidents/01-leak-hikari.tar.zst
"$bin" analyze -q -f json fixtures/incidents/01-leak-hikari.tar.zst > "$tmp/utc.json"
if grep -q "^Times in Europe/Berlin (UTC+01:00), all on 2026-11-27\." "$tmp/tz.md" &&
    grep -q "^| 03:21:50.570 | the first refusal" "$tmp/tz.md" &&
    grep -v '"elapsed_ms"' "$tmp/tz.json" > "$tmp/tz-stable.json" &&
    grep -v '"elapsed_ms"' "$tmp/utc.json" > "$tmp/utc-stable.json" &&
    cmp -s "$tmp/tz-stable.json" "$tmp/utc-stable.json"; then
    pass=$((pass + 1))
else
    echo "FAIL analyze-display-tz"; grep -m3 "Times in\|first refusal" "$tmp/tz.md"; fail=$((fail + 1))
fi
# --redact-pii: the same report with pseudonyms, nowhere the real names
"$bin" analyze -q --redact-pii -o "$tmp/pii.md" -o "$tmp/pii.json" -o "$tmp/pii.html" fixtures/incidents/01-leak-hikari.tar.zst
if grep -q "user-2@shop" "$tmp/pii.md" && ! grep -qE "127\.0\.0\.1|'orders'|\borders@" "$tmp/pii.md" "$tmp/pii.json" "$tmp/pii.html" &&
    grep -q '"user-2"' "$tmp/pii.json"; then
    pass=$((pass + 1))
else
    echo "FAIL analyze-redact-pii"; grep -nE "127\.0\.0\.1|orders@" "$tmp/pii.md" | head -3; fail=$((fail + 1))
fi
# .jsonl and .jsonl.zst: the events in time order beside the report, the same as timeline's
# (a redacted copy with --redact-pii); timeline -o *.zst compresses as well
"$bin" analyze -q -o "$tmp/ev.jsonl" -o "$tmp/ev.jsonl.zst" -o "$tmp/ev.md" fixtures/incidents/02-idle-in-transaction.zip
"$bin" timeline -q --jobs 1 fixtures/incidents/02-idle-in-transaction.zip > "$tmp/tl.jsonl"
"$bin" timeline -q --jobs 1 -o "$tmp/tl.jsonl.zst" fixtures/incidents/02-idle-in-transaction.zip
"$bin" analyze -q --redact-pii -o "$tmp/evp.jsonl" fixtures/incidents/02-idle-in-transaction.zip
if [ -s "$tmp/tl.jsonl" ] && cmp -s "$tmp/ev.jsonl" "$tmp/tl.jsonl" && zstd -qdc "$tmp/ev.jsonl.zst" | cmp -s - "$tmp/tl.jsonl" &&
    zstd -qdc "$tmp/tl.jsonl.zst" | cmp -s - "$tmp/tl.jsonl" && grep -q "^## Root cause and trigger" "$tmp/ev.md" &&
    [ "$(wc -l < "$tmp/evp.jsonl")" = "$(wc -l < "$tmp/tl.jsonl")" ] && grep -q '"user":"user-' "$tmp/evp.jsonl" &&
    ! grep -q '"user":"reports"' "$tmp/evp.jsonl"; then
    pass=$((pass + 1))
else
    echo "FAIL analyze-jsonl: the events written by analyze differ from timeline's (or the redacted copy)"; fail=$((fail + 1))
fi
# a pg_stat_activity snapshot past PGM_PSA_MAX_ROWS (a real dump's rows, 4,800 times): said, exit 2
awk 'NR == 1 { print; next } { row[NR] = $0 } END { for (i = 0; i < 4800; i++) for (k = 2; k <= NR; k++) print row[k] }' \
    $S/pg_stat_activity/psa_psql_csv.csv > "$tmp/psa-big.csv"
"$bin" timeline -q --kinds activity.snapshot "$tmp/psa-big.csv" > /dev/null 2> "$tmp/psa.err"
rc=$?
"$bin" timeline --kinds activity.snapshot "$tmp/psa-big.csv" 2> "$tmp/psa.err" > /dev/null
if [ $rc = 2 ] && grep -q "800 row(s) not read: a snapshot holds at most 100000" "$tmp/psa.err"; then pass=$((pass + 1)); else
    echo "FAIL psa-max-rows: exit $rc"; head -2 "$tmp/psa.err"; fail=$((fail + 1)); fi
# secrets in the forms a server log holds them: bind parameters of a statement that sets a password,
# a misspelt PASSWORD after a syntax error, dollar quoting, E'' and U&'' strings, ENCRYPTED PASSWORD,
# a URL's credentials, a conninfo, PGPASSWORD= in a command, a pg_stat_activity query of 70 KB; a conninfo
# and a JDBC URL for lint --effective:
# none in any output by default, all with --no-redact
mkdir -p "$tmp/secrets"
{
    printf '%s\n' "2026-11-27 00:17:38.028 UTC [16691] app@appdb LOG:  duration: 0.200 ms  execute <unnamed>: ALTER ROLE carol PASSWORD \$1"
    printf '%s\n' "2026-11-27 00:17:38.028 UTC [16691] app@appdb DETAIL:  parameters: \$1 = 'Sekr3tBind'"
    printf '%s\n' "2026-11-27 00:17:38.029 UTC [16691] app@appdb ERROR:  syntax error at or near \"PASWORD\" at character 18"
    printf '%s\n' "2026-11-27 00:17:38.029 UTC [16691] app@appdb STATEMENT:  ALTER USER carol PASWORD 'Sekr3tTypo'"
    printf '%s\n' "2026-11-27 00:17:38.030 UTC [16691] app@appdb LOG:  statement: ALTER ROLE carol PASSWORD \$\$Sekr3tDollar\$\$"
    printf '%s\n' "2026-11-27 00:17:38.031 UTC [16691] app@appdb LOG:  statement: ALTER ROLE carol PASSWORD E'Sekr3tEscape\\'s'"
    printf '%s\n' "2026-11-27 00:17:38.032 UTC [16691] app@appdb LOG:  statement: ALTER ROLE carol PASSWORD U&'Sekr3tUnicode\\0041'"
    printf '%s\n' "2026-11-27 00:17:38.033 UTC [16691] app@appdb LOG:  statement: CREATE ROLE dave LOGIN ENCRYPTED PASSWORD 'Sekr3tEncrypted'"
    printf '%s\n' "2026-11-27 00:17:38.034 UTC [16691] app@appdb ERROR:  could not establish connection to postgres://admin:Sekr3tUrl@db2:5432/x"
    printf '%s\n' "2026-11-27 00:17:38.035 UTC [16691] app@appdb LOG:  statement: SELECT dblink_connect('host=db2 user=a password=Sekr3tDblink')"
    printf '%s\n' "2026-11-27 00:17:38.036 UTC [16691] app@appdb LOG:  statement: COPY t FROM PROGRAM 'PGPASSWORD=Sekr3tPgpass psql -h db2'"
} > "$tmp/secrets/postgresql.log"
printf "primary_conninfo = 'host=10.0.0.1 user=repl password=Sekr3tConninfo'\n" > "$tmp/secrets/postgresql.conf"
printf 'jdbcUrl=jdbc:postgresql://db:5432/shop?user=app&password=Sekr3tJdbc\nmaximumPoolSize=10\n' > "$tmp/secrets/hikari.properties"
# PgBouncer's: a password in a [databases] connection string, its auth_file's hashes (never kept, not even
# with --no-redact: they are not among the twelve below)
printf '[databases]\nshop = host=db dbname=shop password=Sekr3tBouncer\n[pgbouncer]\npool_mode = transaction\n' \
    > "$tmp/secrets/pgbouncer.ini"
printf '"app" "Sekr3tUserlist"\n"orders" "md5Sekr3tHash"\n' > "$tmp/secrets/userlist.txt"
# a pg_stat_activity query longer than the room to redact it in part (64 KiB): printed whole before
python3 - "$tmp/secrets/psa.csv" <<'PY'
import sys
query = "ALTER ROLE app PASSWORD 'Sekr3tLongQuery' /* " + "x" * 70000 + " */"
with open(sys.argv[1], "w") as f:
    f.write("datname,pid,usename,application_name,client_addr,backend_start,xact_start,state_change,state,"
            "backend_type,query\n")
    f.write('shop,1001,orders,orders,127.0.0.1,2026-11-27 02:20:35.1+00,2026-11-27 02:20:35.1+00,'
            '2026-11-27 02:20:35.1+00,idle in transaction,client backend,"%s"\n' % query)
PY
"$bin" timeline -q "$tmp/secrets" > "$tmp/secrets.out" 2>&1
"$bin" analyze -q -o "$tmp/s.md" -o "$tmp/s.json" -o "$tmp/s.html" -o "$tmp/s.jsonl" "$tmp/secrets" >> "$tmp/secrets.out" 2>&1
"$bin" lint --effective -o "$tmp/s.lint" "$tmp/secrets" >> "$tmp/secrets.out" 2>&1
"$bin" timeline -q -f csv "$tmp/secrets" >> "$tmp/secrets.out" 2>&1
"$bin" lint -f sarif "$tmp/secrets" >> "$tmp/secrets.out" 2>&1
"$bin" inventory "$tmp/secrets" >> "$tmp/secrets.out" 2>&1
"$bin" timeline -q --no-redact "$tmp/secrets" > "$tmp/kept.out" 2>&1
"$bin" lint --no-redact --effective -o /dev/null "$tmp/secrets" >> "$tmp/kept.out" 2>&1
if ! grep -q "Sekr3t" "$tmp/secrets.out" "$tmp/s.md" "$tmp/s.json" "$tmp/s.html" "$tmp/s.jsonl" "$tmp/s.lint" &&
    grep -q "bytes with a secret, too long to redact in part" "$tmp/secrets.out" &&
    [ "$(grep -o 'Sekr3t[A-Za-z]*' "$tmp/kept.out" | sort -u | wc -l)" = 12 ]; then pass=$((pass + 1)); else
    echo "FAIL secrets:"; grep -o "Sekr3t[A-Za-z]*" "$tmp/secrets.out" "$tmp/s.md" "$tmp/s.json" "$tmp/s.html" "$tmp/s.jsonl" "$tmp/s.lint" | sort -u | head
    grep -o 'Sekr3t[A-Za-z]*' "$tmp/kept.out" | sort -u; fail=$((fail + 1)); fi
# analyze reads only the duration of a fast statement: a slow one is still quoted whole, redacted (and
# kept with --no-redact), and a threshold rule over durations still groups them by their text (SELECT 1
# slow at line 5 and fast at 00:18:30: its first pair)
mkdir -p "$tmp/durations"
{
    printf '%s\n' "2026-11-27 00:17:38.028 UTC [16691] app@appdb LOG:  duration: 0.200 ms  execute <unnamed>: ALTER ROLE carol PASSWORD \$1"
    printf '%s\n' "2026-11-27 00:17:38.028 UTC [16691] app@appdb DETAIL:  parameters: \$1 = 'Sekr3tBind'"
    printf '%s\n' "2026-11-27 00:17:50.100 UTC [16691] app@appdb LOG:  duration: 12000.500 ms  statement: ALTER ROLE carol PASSWORD 'Sekr3tSlow'"
    for i in 0 1 2 3 4 5 6 7 8 9; do
        printf '%s\n' "2026-11-27 00:18:0$i.100 UTC [1670$i] app@appdb LOG:  duration: 1$i""000.500 ms  statement: SELECT $i"
    done
    printf '%s\n' "2026-11-27 00:18:30.100 UTC [16691] app@appdb LOG:  duration: 0.500 ms  statement: SELECT 1"
    printf '%s\n' "2026-11-27 00:18:31.100 UTC [16691] app@appdb LOG:  duration: 0.400 ms  statement: SELECT 1"
} > "$tmp/durations/postgresql.log"
"$bin" analyze -q -f json --rules tests/cli/rules-durations "$tmp/durations" > "$tmp/durations.json" 2>&1
"$bin" analyze -q -f md --no-redact "$tmp/durations" > "$tmp/durations-kept.md" 2>&1
if grep -q "11 statements over 10 s; first: $tmp/durations/postgresql.log:3: duration: 12000.500 ms  statement: ALTER ROLE carol PASSWORD '\[REDACTED\]'" "$tmp/durations.json" &&
    ! grep -q Sekr3t "$tmp/durations.json" && grep -A7 '"rule": "CLI-THR-001"' "$tmp/durations.json" | grep -q '"line": 5$' &&
    grep -q "first: E1:3: duration: 12000.500 ms  statement: ALTER ROLE carol PASSWORD 'Sekr3tSlow'" "$tmp/durations-kept.md"; then
    pass=$((pass + 1)); else
    echo "FAIL durations: the slow statement's quote or the rule over durations"; grep -n 'over 10 s\|runs of' "$tmp/durations.json" "$tmp/durations-kept.md" | head -4
    fail=$((fail + 1)); fi
# terminal escapes in a file's name on disk and in a line a warning quotes reach no output raw
mkdir -p "$tmp/esc"
esc_log="$tmp/esc/$(printf 'pg\033]0;owned\007-\342\200\256gol.log')"
{
    head -3 tests/samples/postgresql-15/run1-stderr/postgresql.log
    printf 'garbage \033[2J\033]0;title\007 line\n'
} > "$esc_log"
# ... and in a reason that quotes the evidence: a link's target in an archive
python3 -c "
import sys, tarfile
with tarfile.open(sys.argv[1], 'w') as t:
    ti = tarfile.TarInfo('logs/link'); ti.type = tarfile.SYMTYPE; ti.linkname = '/tmp/\x1b]0;owned\x07'
    t.addfile(ti)" "$tmp/esc/links.tar"
"$bin" timeline "$tmp/esc" > "$tmp/esc.out" 2>&1
"$bin" inventory "$tmp/esc" >> "$tmp/esc.out" 2>&1
"$bin" analyze -q -o "$tmp/esc.md" "$tmp/esc" >> "$tmp/esc.out" 2>&1
# ... and in lint's findings, which quote a configuration's values
mkdir -p "$tmp/esc-conf"
printf "log_line_prefix = '%%m \033]0;owned\007 '\nmax_connections = 100\n" > "$tmp/esc-conf/postgresql.conf"
"$bin" lint "$tmp/esc-conf" >> "$tmp/esc.out" 2>&1
if ! LC_ALL=C grep -q "$(printf '[\033\007]')" "$tmp/esc.out" "$tmp/esc.md" &&
    ! grep -q "$(printf '\342\200\256')" "$tmp/esc.out" "$tmp/esc.md" &&
    grep -q 'pg\\x1b\]0;owned\\x07-\\u202Egol.log' "$tmp/esc.out" &&
    grep -q 'garbage \\x1b\[2J' "$tmp/esc.out"; then pass=$((pass + 1)); else
    echo "FAIL escapes: a raw escape reached an output, or the escaped forms are missing"
    LC_ALL=C grep -n "$(printf '[\033\007]')" "$tmp/esc.out" "$tmp/esc.md" | cat -v | head -3; fail=$((fail + 1)); fi
# stdout that cannot take the output (a full disk): said, never exit 0
if [ -w /dev/full ]; then
    for args in "help" "rules list" "inventory fixtures/incidents/04-healthy.tar.zst" \
        "analyze -q -f html fixtures/incidents/04-healthy.tar.zst" "timeline -q fixtures/incidents/04-healthy.tar.zst"; do
        # shellcheck disable=SC2086
        "$bin" $args > /dev/full 2> "$tmp/full.err"
        rc=$?
        if [ $rc = 2 ] && grep -q "the output could not be written" "$tmp/full.err"; then pass=$((pass + 1)); else
            echo "FAIL output-full: pgmortem $args > /dev/full: exit $rc"; head -2 "$tmp/full.err"; fail=$((fail + 1)); fi
    done
fi
# progress: on a terminal once a run takes over a second, never into a file; a pipe as input
# is read once (the configuration pass skips what cannot be read again) and does not hang
slow_feed() {
    rm -f "$tmp/fifo" && mkfifo "$tmp/fifo"
    { head -c 20000 "$S/run1-stderr/postgresql.log"; sleep 1.3; tail -c +20001 "$S/run1-stderr/postgresql.log"; } > "$tmp/fifo" &
}
if command -v script > /dev/null 2>&1; then
    slow_feed
    timeout 30 script -qec "$bin analyze '$tmp/fifo' > /dev/null" /dev/null > "$tmp/tty.out" 2>&1
    wait
    slow_feed
    timeout 30 "$bin" analyze "$tmp/fifo" > /dev/null 2> "$tmp/notty.err"
    rc=$?
    wait
    if [ $rc = 0 ] && grep -q 'pgmortem: read .* MiB' "$tmp/tty.out" && [ ! -s "$tmp/notty.err" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL analyze-progress: exit $rc; on a terminal: $(head -c 200 "$tmp/tty.out" | od -c | head -2); into a file: $(head -c 200 "$tmp/notty.err")"
        fail=$((fail + 1))
    fi
else
    echo "cli: analyze-progress skipped (script(1) is not installed)"
fi
check analyze-jsonl-unwritable 2 "No such file or directory" -- analyze -q -o /nonexistent/dir/ev.jsonl.zst fixtures/incidents/04-healthy.tar.zst
check analyze-nothing 2 "no file could be read from the input: no analysis" -- analyze /nonexistent/bundle.tar.zst
# files read, none evidence (notes, a binary): the verdict is on nothing, said, exit 2
printf 'notes of the night\nnothing here is a log\n' > "$tmp/notes.txt"
check analyze-no-evidence 2 "nothing in the 2 file(s) read is evidence pgmortem reads" -- \
    analyze -q "$tmp/notes.txt" $S/run1-stderr/initdb.out
check analyze-bad-format 3 "unknown format 'xml' (text, json, md, html or jsonl)" -- analyze -f xml fixtures/incidents/04-healthy.tar.zst
check help-analyze 0 "" -- help analyze

# --help and the man page name the same options
opts=$( { "$bin" --help; "$bin" help inventory; "$bin" help rules; "$bin" help timeline; "$bin" help lint; "$bin" help analyze; } | grep -oE -- '--[a-z][a-z-]+' | sort -u)
for o in $opts; do
    if ! grep -qF -- "$(echo "$o" | sed 's/-/\\-/g')" analyzer/cli/pgmortem.1; then
        echo "FAIL man page: $o is in --help but not in analyzer/cli/pgmortem.1"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done
mopts=$(grep -oE '\\-\\-[a-z][a-z\\-]+' analyzer/cli/pgmortem.1 | sed 's/\\//g' | sort -u)
for o in $mopts; do
    if ! { "$bin" --help; "$bin" help inventory; "$bin" help rules; "$bin" help timeline; "$bin" help lint; "$bin" help analyze; } | grep -qF -- "$o"; then
        echo "FAIL man page: $o is in the man page but not in --help"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done

echo "cli: $pass passed, $fail failed"
[ $fail = 0 ]
