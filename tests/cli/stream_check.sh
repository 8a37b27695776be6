#!/bin/sh
# timeline writes the events of one log file (plain or compressed alone) as
# they come when it can, through a buffer that puts steps back in order
# (timeline/reorder.h): after proving how far the log steps back when its
# output is a pipe, at once when the output can be taken back (a file,
# /dev/null), starting over sorted if an event comes too late for the buffer.
# Everything else is sorted through temporary files. Every way must print the same bytes: a 34 MiB log (large enough to
# be split between two threads and to need temporary files when sorted), as
# it is and with one line set back in time (and one line no reader knows, so
# a warning must be printed once even when the timeline starts over), read
# with one and two threads, into a file, a pipe, a .zst file and as CSV, each
# compared with the sorted reading (the same log with an empty directory
# beside it). TMPDIR=/nonexistent tells the ways apart: only sorting needs a
# temporary file.
#   tests/cli/stream_check.sh BIN
set -eu
bin=$1
dir=build/stream-check
mkdir -p "$dir/empty"
log=$dir/ordered.log
[ -s "$log" ] || python3 tests/bench/make-big-log.py tests/samples/postgresql-15/run1-stderr/postgresql.log "$log" 34 > /dev/null
# a connection line a quarter in, set back a minute (in the first thread's
# part, behind the lines before it), and one three quarters in, given the
# time of a line a quarter in (in the second thread's part, behind the end of
# the first's): the order does not hold; and a line no reader knows
python3 - "$log" "$dir/setback.log" "$dir/setback-late.log" "$dir/setback-region.log" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
def authorized(at):
    i, seen = at, 0
    while True:
        if b"connection authorized" in lines[i]:
            seen += 1
            if seen == 3:  # not the first of its copy: lines before it have later times
                return i
        i += 1
def with_time(i, t):
    out = list(lines)
    out[i] = t + out[i][23:]
    out.insert(3, b"this line is no server log line")
    return out
q = authorized(len(lines) // 4)
t = lines[q][:23]
m = int(t[14:16])
minute_back = t[:14] + b"%02d" % (m - 1 if m else 59) + t[16:]
open(sys.argv[2], "wb").write(b"\n".join(with_time(q, minute_back)))
open(sys.argv[3], "wb").write(b"\n".join(with_time(authorized(3 * len(lines) // 4), t)))
# 6 MiB from half-way on, three days earlier: in order inside, so with several
# threads some chunk begins before the one written before it ends
import datetime
out, size, start = list(lines), 0, len(lines) // 2
for i in range(start, len(lines)):
    if size > 6 << 20:
        break
    size += len(lines[i]) + 1
    if lines[i][:4].isdigit():
        day = datetime.date.fromisoformat(lines[i][:10].decode()) - datetime.timedelta(days=3)
        out[i] = day.isoformat().encode() + lines[i][10:]
out.insert(3, b"this line is no server log line")
open(sys.argv[4], "wb").write(b"\n".join(out))
PY
fail=0
same() { # NAME FILE: FILE equals the sorted reading
    if ! cmp -s "$dir/$1.sorted" "$2"; then
        echo "stream-check: FAIL $1: $3 differs from the sorted timeline"; fail=1
    fi
}
for name in ordered setback setback-late setback-region; do
    f=$dir/$name.log
    "$bin" timeline -q --jobs 1 -o "$dir/$name.sorted" "$f" "$dir/empty"
    "$bin" timeline -q --jobs 1 -f csv -o "$dir/$name.sorted.csv" "$f" "$dir/empty"
    for j in 1 2; do
        "$bin" timeline --jobs $j -o "$dir/$name.j$j" "$f" 2> "$dir/$name.j$j.err" || true
        same $name "$dir/$name.j$j" "--jobs $j -o file"
        "$bin" timeline -q --jobs $j "$f" > "$dir/$name.pipe$j" || true
        same $name "$dir/$name.pipe$j" "--jobs $j into a pipe"
        # the line no reader knows is no server output: said once, after a start-over too
        warnings=$(grep -c "no server output" "$dir/$name.j$j.err" || true)
        want=1; [ $name = ordered ] && want=0
        if [ "$warnings" != $want ]; then
            echo "stream-check: FAIL $name --jobs $j: the unknown line warned $warnings times, want $want"; fail=1
        fi
    done
    "$bin" timeline -q --jobs 1 -o "$dir/$name.jsonl.zst" "$f" || true
    zstd -q -dc "$dir/$name.jsonl.zst" > "$dir/$name.unzst"
    same $name "$dir/$name.unzst" "-o x.jsonl.zst"
    "$bin" timeline -q --jobs 1 -f csv -o "$dir/$name.csv" "$f" || true
    if ! cmp -s "$dir/$name.sorted.csv" "$dir/$name.csv"; then
        echo "stream-check: FAIL $name: CSV differs from the sorted CSV"; fail=1
    fi
    # how the order was kept, as --coverage says
    for how in file pipe; do
        if [ $how = file ]; then
            TMPDIR=/nonexistent "$bin" timeline --coverage --jobs 1 -o /dev/null "$f" 2> "$dir/$name.err" > /dev/null || true
        else
            TMPDIR=/nonexistent "$bin" timeline --coverage --jobs 1 "$f" 2> "$dir/$name.err" | cat > /dev/null || true
        fi
        case $name-$how in
            ordered-file) want="written as they were read, each checked" ;;
            ordered-pipe) want="written as they were read, after a pass proved" ;;
            # a minute back, in a log whose hour is a few MiB: the buffer takes it
            setback-file) want="largest step back 60.000 s, put in order through a buffer of 240.000 s (grown" ;;
            setback-pipe) want="largest step back 60.000 s, put in order through a buffer of 60.000 s (the step back proven)" ;;
            *-file) want="came too late to be put in order at $f:" ;;
            *-pipe) want="creating a temporary file for sorting" ;;
        esac
        if ! grep -q "$want" "$dir/$name.err"; then
            echo "stream-check: FAIL $name into a $how: stderr lacks '$want':"; grep "order\|incomplete" "$dir/$name.err"; fail=1
        fi
        if [ $name = ordered ] && grep -q "temporary" "$dir/$name.err"; then
            echo "stream-check: FAIL $name into a $how used a temporary file"; fail=1
        fi
    done
done
# a log compressed alone (no archive) is streamed too, and starts over the same way
for name in ordered setback; do
    zstd -q -f -o "$dir/$name.log.zst" "$dir/$name.log"
    "$bin" timeline -q --jobs 1 -o "$dir/$name.zst.sorted" "$dir/$name.log.zst" "$dir/empty" || true
    "$bin" timeline --coverage --jobs 1 -o "$dir/$name.zst.out" "$dir/$name.log.zst" 2> "$dir/$name.zst.err" || true
    if ! cmp -s "$dir/$name.zst.sorted" "$dir/$name.zst.out"; then
        echo "stream-check: FAIL $name.log.zst differs from its sorted timeline"; fail=1
    fi
    want="written as they were read, each checked"; [ $name = setback ] && want="largest step back 60.000 s"
    if ! grep -q "$want" "$dir/$name.zst.err"; then
        echo "stream-check: FAIL $name.log.zst: stderr lacks '$want'"; fail=1
    fi
done
# an archive's members are streamed too when the output can be taken back,
# in order of their names: the log alone; the log cut in two pieces named in
# time order (a rotated log); the same pieces named the other way round (the
# second's events come too late: started over, sorted)
rm -rf "$dir/tar" && mkdir -p "$dir/tar/one" "$dir/tar/two" "$dir/tar/swapped"
cp "$dir/ordered.log" "$dir/tar/one/postgresql.log"
half=$(($(wc -l < "$dir/ordered.log") / 2))
head -n $half "$dir/ordered.log" > "$dir/tar/two/postgresql.log.1"
tail -n +$((half + 1)) "$dir/ordered.log" > "$dir/tar/two/postgresql.log.2"
cp "$dir/tar/two/postgresql.log.1" "$dir/tar/swapped/postgresql.log.2"
cp "$dir/tar/two/postgresql.log.2" "$dir/tar/swapped/postgresql.log.1"
for name in one two swapped; do
    (cd "$dir/tar/$name" && tar cf - postgresql.log*) | zstd -q -c > "$dir/$name.tar.zst"
    "$bin" timeline -q --jobs 1 -o "$dir/$name.tar.sorted" "$dir/$name.tar.zst" "$dir/empty" || true
    for j in 1 2; do
        TMPDIR=/nonexistent "$bin" timeline --coverage --jobs $j -o "$dir/$name.tar.out" "$dir/$name.tar.zst" 2> "$dir/$name.tar.err" || true
        [ $name = swapped ] && "$bin" timeline --coverage --jobs $j -o "$dir/$name.tar.out" "$dir/$name.tar.zst" 2> "$dir/$name.tar.err" || true
        if ! cmp -s "$dir/$name.tar.sorted" "$dir/$name.tar.out"; then
            echo "stream-check: FAIL $name.tar.zst --jobs $j differs from its sorted timeline"; grep "order\|incomplete" "$dir/$name.tar.err"; fail=1
        fi
        want="written as they were read, each checked"; [ $name = swapped ] && want="too late to be put in order at $dir/$name.tar.zst!postgresql.log.2:"
        if ! grep -q "$want" "$dir/$name.tar.err"; then
            echo "stream-check: FAIL $name.tar.zst --jobs $j: stderr lacks '$want'"; grep "order\|incomplete" "$dir/$name.tar.err"; fail=1
        fi
    done
done
# events without a time (SHOW POOLS rows) after timed ones in a bundle: a
# step back without end, said as such, not as 9223372036854.775 s
inc=fixtures/incidents/11-pgbouncer-transaction-pool.tar.zst
"$bin" timeline --coverage -o /dev/null "$inc" 2> "$dir/untimed.err" || true
if ! grep -q "largest step back to an event without a time (those go first), put in order through a buffer of every event" "$dir/untimed.err" ||
    grep -q "9223372036854" "$dir/untimed.err"; then
    echo "stream-check: FAIL $inc: the step back to an event without a time is not said as such:"; grep "order" "$dir/untimed.err"; fail=1
fi
n=$(wc -l < "$dir/ordered.sorted")
[ "$n" -gt 100000 ] || { echo "stream-check: FAIL only $n events"; fail=1; }
[ $fail = 0 ] && echo "stream-check: $n events the same streamed and sorted (1 and 2 threads; file, pipe, .zst, CSV; a .log.zst; tar.zst members in and out of order); logs set back are sorted (started over where the output allows), their warning printed once"
exit $fail
