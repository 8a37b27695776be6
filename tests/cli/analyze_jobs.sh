#!/bin/sh
# analyze --jobs: threads read parts of a large log and their events reach
# the analysis in the server's order, so the report and the events written
# beside it must be the same, byte for byte, as one thread's: on a 34 MiB log
# of real lines (large enough to be split), as it is and with lines out of
# time order (tests/cli/stream_check.sh makes both), on a folder of both
# (two logs split in turn: each one's chunks numbered from the first), on
# bundles of many files (a pg_stat_activity dump gives its events out of line
# order), on make bench's real recording when it was made (a busy
# server's lines stepping back), and on a log of statement durations without
# the events written beside the report.
#   tests/cli/analyze_jobs.sh BIN
set -eu
bin=$1
dir=build/stream-check
mkdir -p "$dir"
log=$dir/ordered.log
[ -s "$log" ] || python3 tests/bench/make-big-log.py tests/samples/postgresql-15/run1-stderr/postgresql.log "$log" 34 > /dev/null
# a crashed disk's block of NULs in the middle and a last line cut short:
# the chunk holding the damage warns, the others read on, the same report
if [ ! -s "$dir/damaged.log" ]; then
    python3 - "$log" "$dir/damaged.log" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
mid = len(data) // 2
open(sys.argv[2], "wb").write(data[:mid] + b"\0" * 65536 + data[mid + 65536:len(data) - 40])
PY
fi
mkdir -p "$dir/two-logs"
ln -f "$log" "$dir/two-logs/a.log"
[ -e "$dir/setback.log" ] && ln -f "$dir/setback.log" "$dir/two-logs/b.log"
fail=0
for input in "$log" "$dir/setback.log" "$dir/damaged.log" "$dir/two-logs" build/bench/recording.log fixtures/incidents/01-leak-hikari.tar.zst fixtures/incidents/02-idle-in-transaction.zip; do
    [ -e "$input" ] || continue
    for j in 1 2; do
        rm -f "$dir/analyze-$j.json" "$dir/analyze-$j.jsonl"
        SOURCE_DATE_EPOCH=0 "$bin" analyze -q --jobs $j -o "$dir/analyze-$j.json" -o "$dir/analyze-$j.jsonl" "$input" 2> /dev/null || true
    done
    for ext in json jsonl; do
        if [ ! -s "$dir/analyze-1.$ext" ] || ! cmp -s "$dir/analyze-1.$ext" "$dir/analyze-2.$ext"; then
            echo "FAIL analyze-jobs: $input: the .$ext with --jobs 2 differs from --jobs 1"
            diff "$dir/analyze-1.$ext" "$dir/analyze-2.$ext" | head -6 | cut -c1-200
            fail=1
        fi
    done
done
# the report alone (no events written beside it): the threads count the fast statements' durations
# themselves instead of handing them on (the analysis only counts them); a real busy server's log of
# them, whole and in a window, the same report as one thread's, the statements counted
stm=$dir/statements.log
if [ ! -s "$stm" ]; then
    zstd -q -dc tests/order/busy-pg15.log.zst > "$dir/busy.log"
    python3 tests/bench/make-big-log.py "$dir/busy.log" "$stm" 40 3 > /dev/null
fi
for window in "" "--since 2026-12-04T00:05:37.2Z --until 2026-12-04T00:05:46.7Z"; do
    for j in 1 2; do
        rm -f "$dir/stm-$j.json"
        # shellcheck disable=SC2086
        SOURCE_DATE_EPOCH=0 "$bin" analyze -q --jobs $j $window -o "$dir/stm-$j.json" "$stm" 2> /dev/null || true
    done
    counted=$(sed -n 's/^ *"stmt.duration": \([0-9]*\),*$/\1/p' "$dir/stm-1.json")
    if [ -z "$counted" ] || [ "$counted" -lt 10000 ] || ! cmp -s "$dir/stm-1.json" "$dir/stm-2.json"; then
        echo "FAIL analyze-jobs: $stm ${window:-whole}: --jobs 2 differs from --jobs 1 (stmt.duration: ${counted:-none})"
        diff "$dir/stm-1.json" "$dir/stm-2.json" | head -6 | cut -c1-200
        fail=1
    fi
done
[ $fail = 0 ] && echo "analyze-jobs: the same report with one thread and two"
exit $fail
