#!/bin/sh
# The workload the release build's profile is taken from (Makefile, PGO):
# what pgmortem spends its time on in use, over inputs that are not the
# bench's: every sample and recorded incident through each command, and a
# 16 MiB server log grown from incident 01's own (the bench grows another
# recording). Only speed depends on it, never what pgmortem prints.
#   tests/bench/pgo-train.sh INSTRUMENTED_BINARY
set -eu
bin=$1
# run COMMAND...: exit 1 (findings) and 2 (inputs with warnings) are outcomes here, not failures
run() {
    rc=0
    "$@" || rc=$?
    [ $rc -le 2 ] || { echo "pgo-train: '$*' failed with exit $rc" >&2; exit 1; }
}
dir=build/pgo/train
mkdir -p "$dir"
log=$dir/incident01-16mib.log
if [ ! -s "$log" ]; then
    zstd -q -dc fixtures/incidents/01-leak-hikari.tar.zst | tar -xOf - 01-leak-hikari/db/postgresql-15-main.log > "$dir/template.log"
    [ -s "$dir/template.log" ] || { echo "pgo-train: incident 01's server log could not be read" >&2; exit 1; }
    python3 tests/bench/make-big-log.py "$dir/template.log" "$log" 16 > /dev/null
fi
for j in 1 2; do
    run "$bin" timeline -q --jobs $j -o /dev/null "$log"
done
run "$bin" timeline -q --jobs 1 -f csv -o /dev/null "$log"
run "$bin" timeline -q --jobs 1 -o /dev/null "$log" "$dir/template.log"   # two inputs: sorted
run "$bin" analyze -q -f json -o /dev/null "$log"
run "$bin" timeline -q -o /dev/null tests/samples fixtures/incidents
for f in fixtures/incidents/*.tar.* fixtures/incidents/*.zip; do
    run "$bin" analyze -q -o "$dir/report.html" -o "$dir/report.md" -o "$dir/report.json" "$f"
done
run "$bin" inventory -q tests/samples fixtures/incidents > /dev/null
run "$bin" lint -q --fail-on never tests/lint/deploy tests/samples > /dev/null
run "$bin" rules test > /dev/null
