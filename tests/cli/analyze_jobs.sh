#!/bin/sh
# analyze --jobs: threads read parts of a large log and their events reach
# the analysis in the server's order, so the report must be the same, byte
# for byte, as one thread's: on a 34 MiB log of real lines (large enough to
# be split), as it is and with lines out of time order (tests/cli/
# stream_check.sh makes both), and on a bundle of many files.
#   tests/cli/analyze_jobs.sh BIN
set -eu
bin=$1
dir=build/stream-check
mkdir -p "$dir"
log=$dir/ordered.log
[ -s "$log" ] || python3 tests/bench/make-big-log.py tests/samples/postgresql-15/run1-stderr/postgresql.log "$log" 34 > /dev/null
fail=0
for input in "$log" "$dir/setback.log" fixtures/incidents/01-leak-hikari.tar.zst; do
    [ -e "$input" ] || continue
    SOURCE_DATE_EPOCH=0 "$bin" analyze -q -f json --jobs 1 "$input" > "$dir/analyze-1.json" 2> /dev/null || true
    SOURCE_DATE_EPOCH=0 "$bin" analyze -q -f json --jobs 2 "$input" > "$dir/analyze-2.json" 2> /dev/null || true
    if [ ! -s "$dir/analyze-1.json" ] || ! cmp -s "$dir/analyze-1.json" "$dir/analyze-2.json"; then
        echo "FAIL analyze-jobs: $input: the report with --jobs 2 differs from --jobs 1"
        diff "$dir/analyze-1.json" "$dir/analyze-2.json" | head -10
        fail=1
    fi
done
[ $fail = 0 ] && echo "analyze-jobs: the same report with one thread and two"
exit $fail
