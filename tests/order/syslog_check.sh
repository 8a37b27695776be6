#!/bin/sh
# One busy PostgreSQL 15 logged to stderr and to syslog at once, through a
# real rsyslogd (fixtures/record/syslog-busy.sh): the syslog files in
# Debian's traditional format (times to the second), the precise one and
# RFC 5424's must give the stderr log's events, each message put back
# together from its pieces although 637 of them met other processes'
# records in between (up to 141 records and 12 ms apart), in time order as
# they are read (no temporary file, no starting over; --jobs 1 and 2), with
# no piece left over; and the same report. The only event the stderr file
# lacks is the postmaster's "redirecting log output to logging collector
# process", written before the collector ran.
#   tests/order/syslog_check.sh BIN
set -eu
bin=$1
dir=build/syslog-check
mkdir -p "$dir"
src=tests/order/busy-pg15-syslog
fail=0
# the events without where they were read (path, line), one per line, sorted
events() {
    python3 -c '
import json, sys
out = []
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d["kind"] != "server.log_redirect":
        d.pop("path"); d.pop("line"); out.append(json.dumps(d, sort_keys=True))
out.sort()
print("\n".join(out))' "$1"
}
report() {
    SOURCE_DATE_EPOCH=0 "$bin" analyze --year 2026 -f json "$1" 2> /dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["sessions"]["total"], d["sessions"]["open_at_end"], d["capacity"]["peak_connections"],
      d["capacity"]["peak_at"], d["verdict"]["kind"])' || echo "analyze failed"
}
"$bin" timeline -q -o "$dir/stderr.jsonl" "$src.stderr.log.zst"
events "$dir/stderr.jsonl" > "$dir/stderr.events"
want_report=$(report "$src.stderr.log.zst")
n=$(wc -l < "$dir/stderr.events")
[ "$n" -gt 10000 ] || { echo "syslog-check: FAIL only $n events in the stderr log"; fail=1; }
for form in traditional precise rfc5424; do
    for j in 1 2; do
        out=$dir/$form.j$j
        rc=0
        TMPDIR=/nonexistent "$bin" timeline --coverage --year 2026 --jobs $j -o "$out.jsonl" \
            "$src.$form.log.zst" 2> "$out.err" || rc=$?
        if [ $rc != 0 ] || grep -q "warning\|too late\|temporary" "$out.err" ||
            ! grep -q " 0 not understood" "$out.err" || ! grep -q "largest step back" "$out.err"; then
            echo "syslog-check: FAIL $form --jobs $j (exit $rc) was not read whole, in order, as read:"
            grep -v "^  " "$out.err" | head -5
            fail=1
        fi
        events "$out.jsonl" > "$out.events"
        if ! cmp -s "$dir/stderr.events" "$out.events"; then
            echo "syslog-check: FAIL $form --jobs $j: events differ from the stderr log's (< stderr, > syslog):"
            diff "$dir/stderr.events" "$out.events" | head -6 | cut -c1-200
            fail=1
        fi
    done
    got_report=$(report "$src.$form.log.zst")
    if [ "$got_report" != "$want_report" ]; then
        echo "syslog-check: FAIL $form: report '$got_report', the stderr log's '$want_report'"
        fail=1
    fi
done
[ $fail = 0 ] && echo "syslog-check: $n events of a busy server read from syslog (traditional, precise and RFC 5424, 1 and 2 threads) as from its stderr log, streamed in order; report: $want_report"
exit $fail
