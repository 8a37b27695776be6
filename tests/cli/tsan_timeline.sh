#!/bin/sh
# The chunked timeline under ThreadSanitizer: two threads read a 33 MiB log
# in chunks, each sorts its chunk's events, and they are written in order
# through the reorder buffer (on_chunk's slots and lock), in order and set
# back before its start (a start-over with threads waiting for their turn);
# the output must equal the sorted reading and TSan must stay silent. Then
# analyze with two threads (pipeline/chunk_queue.h: the chunks' events handed
# to the analysis in order while the threads read on): silent, and the same
# report as one thread's, on it and on a log of statement durations (which
# the threads count themselves); a tar.zst member inflated ahead by a thread
# of its own. Then its progress line on a terminal.
#   tests/cli/tsan_timeline.sh TSAN_BINARY
set -eu
bin=$1
dir=build/tsan/timeline
mkdir -p "$dir/empty"
[ -s "$dir/ordered.log" ] || python3 tests/bench/make-big-log.py tests/samples/postgresql-15/run1-stderr/postgresql.log "$dir/ordered.log" 33 > /dev/null
python3 - "$dir/ordered.log" "$dir/setback.log" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
i = 2 * len(lines) // 3
while b"connection authorized" not in lines[i]:
    i += 1
lines[i] = b"2026-11-26 00:00" + lines[i][16:]   # back before the log's first line
open(sys.argv[2], "wb").write(b"\n".join(lines))
PY
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
export PGMORTEM_RULES_DIR="$PWD/rules"
for name in ordered setback; do
    f=$dir/$name.log
    rc=0
    "$bin" timeline --coverage --jobs 2 -o "$dir/$name.out" "$f" 2> "$dir/$name.err" || rc=$?
    if [ $rc = 66 ] || grep -q "ThreadSanitizer" "$dir/$name.err"; then
        echo "tsan: the chunked timeline of $name.log races:"; head -40 "$dir/$name.err"; exit 1
    fi
    "$bin" timeline -q --jobs 1 -o "$dir/$name.sorted" "$f" "$dir/empty" 2> /dev/null || true
    cmp -s "$dir/$name.out" "$dir/$name.sorted" || { echo "tsan: the chunked timeline of $name.log differs from the sorted one"; exit 1; }
done
grep -q "read by 2 threads, chunk by chunk" "$dir/ordered.err" || { echo "tsan: the ordered log was not read in chunks:"; cat "$dir/ordered.err"; exit 1; }
grep -q "came too late to be put in order" "$dir/setback.err" || { echo "tsan: the set-back log did not start over:"; cat "$dir/setback.err"; exit 1; }
# ... and on a busy server's statement durations, which the threads count themselves
if [ ! -s "$dir/statements.log" ]; then
    zstd -q -dc tests/order/busy-pg15.log.zst > "$dir/busy.log"
    python3 tests/bench/make-big-log.py "$dir/busy.log" "$dir/statements.log" 33 3 > /dev/null
fi
for name in ordered setback statements; do
    f=$dir/$name.log
    rc=0
    SOURCE_DATE_EPOCH=0 "$bin" analyze -q --jobs 2 -f json -o "$dir/$name.analyze2.json" "$f" 2> "$dir/$name.analyze.err" || rc=$?
    if [ $rc = 66 ] || grep -q "ThreadSanitizer" "$dir/$name.analyze.err"; then
        echo "tsan: analyze --jobs 2 of $name.log races:"; head -40 "$dir/$name.analyze.err"; exit 1
    fi
    SOURCE_DATE_EPOCH=0 "$bin" analyze -q --jobs 1 -f json -o "$dir/$name.analyze1.json" "$f" 2> /dev/null || true
    cmp -s "$dir/$name.analyze1.json" "$dir/$name.analyze2.json" || { echo "tsan: analyze --jobs 2 of $name.log differs from one thread's"; exit 1; }
done
# a log in a tar.zst: its member inflated ahead by a thread while the other parses (--jobs 2),
# silent, the same timeline as one thread's
[ -s "$dir/statements.tar.zst" ] || (cd "$dir" && tar cf - statements.log | zstd -q -c > statements.tar.zst)
for j in 1 2; do
    rc=0
    "$bin" timeline -q --jobs $j -o "$dir/member.j$j" "$dir/statements.tar.zst" 2> "$dir/member.j$j.err" || rc=$?
    if [ $rc = 66 ] || grep -q "ThreadSanitizer" "$dir/member.j$j.err"; then
        echo "tsan: timeline --jobs $j of a tar.zst member races:"; head -40 "$dir/member.j$j.err"; exit 1
    fi
done
[ -s "$dir/member.j1" ] && cmp -s "$dir/member.j1" "$dir/member.j2" ||
    { echo "tsan: the tar.zst member read ahead differs from one thread's reading"; exit 1; }
# a log split between threads still says how far it has read, on a terminal
# (the first thread alone writes the line while the others read)
if command -v script > /dev/null 2>&1; then
    timeout 300 script -qec "$bin analyze --jobs 2 -f json -o /dev/null '$dir/ordered.log'" /dev/null > "$dir/progress.out" 2>&1 || true
    if grep -q "ThreadSanitizer" "$dir/progress.out"; then
        echo "tsan: analyze --jobs 2's progress line races:"; grep -a -A20 ThreadSanitizer "$dir/progress.out" | head -30; exit 1
    fi
    grep -aq 'pgmortem: read .* MiB' "$dir/progress.out" || { echo "tsan: analyze --jobs 2 said no progress on a terminal"; exit 1; }
fi
