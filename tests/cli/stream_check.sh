#!/bin/sh
# timeline writes the events of one plain log proven in time order as they
# come, and sorts everything else through temporary files. Both ways must
# print the same bytes: a 34 MiB log (large enough to be split between two
# threads and to need temporary files when sorted), as it is and with one
# line set back in time, each read with one and two threads and compared
# with the sorted reading (the same log with an empty directory beside it).
# TMPDIR=/nonexistent tells the ways apart: only sorting needs a temporary file.
#   tests/cli/stream_check.sh BIN
set -eu
bin=$1
dir=build/stream-check
mkdir -p "$dir/empty"
log=$dir/ordered.log
[ -s "$log" ] || python3 tests/bench/make-big-log.py tests/samples/postgresql-15/run1-stderr/postgresql.log "$log" 34 > /dev/null
# one connection line in the middle, set back a minute: the proof must fail
python3 - "$log" "$dir/setback.log" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
i = len(lines) // 2
while b"connection authorized" not in lines[i]:
    i += 1
t = lines[i][:23]
hh, mm = int(t[11:13]), int(t[14:16])
mm, hh = (mm - 1, hh) if mm else (59, hh - 1)
lines[i] = t[:11] + b"%02d:%02d" % (hh, mm) + lines[i][16:]
open(sys.argv[2], "wb").write(b"\n".join(lines))
PY
fail=0
for name in ordered setback; do
    f=$dir/$name.log
    "$bin" timeline -q --jobs 1 -o "$dir/$name.sorted" "$f" "$dir/empty"
    for j in 1 2; do
        "$bin" timeline -q --jobs $j -o "$dir/$name.j$j" "$f"
        if ! cmp -s "$dir/$name.sorted" "$dir/$name.j$j"; then
            echo "stream-check: FAIL $name --jobs $j differs from the sorted timeline"; fail=1
        fi
    done
    rc=0
    TMPDIR=/nonexistent "$bin" timeline -q --jobs 1 -o /dev/null "$f" 2> "$dir/$name.err" || rc=$?
    want=0; [ $name = setback ] && want=2
    if [ $rc != $want ]; then
        echo "stream-check: FAIL $name without a temporary directory: exit $rc, want $want (streamed only when in order)"
        head -3 "$dir/$name.err"; fail=1
    fi
done
n=$(wc -l < "$dir/ordered.sorted")
[ "$n" -gt 100000 ] || { echo "stream-check: FAIL only $n events"; fail=1; }
[ $fail = 0 ] && echo "stream-check: $n events the same streamed and sorted, with 1 and 2 threads; a log set back is sorted"
exit $fail
