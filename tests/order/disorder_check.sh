#!/bin/sh
# timeline on logs in their natural disorder and worse: every way of writing
# the events (as they are read, through the reorder buffer, with 1 and 2
# threads, into a file and into a pipe) must print the bytes of the sorted
# reading (the same log with an empty directory beside it). The log grows
# from 1.4 s of a real busy PostgreSQL 15 (busy-pg15.log.zst, cut from what
# fixtures/record/bench-log.sh records: statements logged over pgbench's
# extended protocol, connections per transaction; its lines step back up to
# 2 ms) by copies 3 s apart, to 24 MiB; then:
#   natural   as it is
#   jitter    2% of its messages set back 1-25 ms more
#   steps     40 messages at random places set back 1 ms to 10 s
#   twodays   the log a day later, then the log: concatenated out of order
# The first two must be put in order without a temporary file
# (TMPDIR=/nonexistent) and without starting over. The places are drawn
# anew each run; PGM_ORDER_SEED=N repeats a run.
#   tests/order/disorder_check.sh BIN
set -eu
bin=$1
dir=build/disorder-check
mkdir -p "$dir/empty"
seed=${PGM_ORDER_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
if [ ! -s "$dir/natural.log" ]; then
    zstd -q -dc tests/order/busy-pg15.log.zst > "$dir/busy.log"
    python3 tests/bench/make-big-log.py "$dir/busy.log" "$dir/natural.log" 24 3 > /dev/null
fi
python3 - "$dir" "$seed" <<'PY'
import datetime, math, random, sys
d, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
lines = open(d + "/natural.log", "rb").read().split(b"\n")
fmt = "%Y-%m-%d %H:%M:%S.%f"
def moved(line, us):
    t = datetime.datetime.strptime(line[:23].decode(), fmt) + datetime.timedelta(microseconds=us)
    return t.strftime(fmt)[:23].encode() + line[23:]
msgs = [i for i, l in enumerate(lines) if b" LOG:  " in l[:80]]
jitter = list(lines)
for i in msgs:
    if rnd.random() < 0.02:
        jitter[i] = moved(lines[i], -1000 * rnd.randint(1, 25))
open(d + "/jitter.log", "wb").write(b"\n".join(jitter))
steps = list(lines)
for i in rnd.sample(msgs, 40):
    steps[i] = moved(lines[i], -int(1000 * math.exp(rnd.uniform(0, math.log(10000)))))
open(d + "/steps.log", "wb").write(b"\n".join(steps))
later = [moved(l, 86400 * 1000000) if l[:4].isdigit() else l for l in lines]
open(d + "/twodays.log", "wb").write(b"\n".join(later) + b"\n" + b"\n".join(lines))
PY
fail=0
for name in natural jitter steps twodays; do
    f=$dir/$name.log
    "$bin" timeline -q --jobs 1 -o "$dir/$name.sorted" "$f" "$dir/empty"
    for j in 1 2; do
        for how in file pipe; do
            out=$dir/$name.j$j.$how
            tmp=${TMPDIR:-/tmp}
            case $name in natural|jitter) tmp=/nonexistent ;; esac
            rc=0
            if [ $how = file ]; then
                TMPDIR=$tmp "$bin" timeline --coverage --jobs $j -o "$out" "$f" 2> "$out.err" || rc=$?
            else
                { TMPDIR=$tmp "$bin" timeline --coverage --jobs $j "$f" 2> "$out.err" || rc=$?; } | cat > "$out"
            fi
            if [ $rc != 0 ] || ! cmp -s "$dir/$name.sorted" "$out"; then
                echo "disorder-check: FAIL $name --jobs $j into a $how (seed $seed, exit $rc): differs from the sorted timeline"
                grep "order\|incomplete" "$out.err"
                fail=1
            fi
            case $name in
                natural|jitter)
                    if grep -q "too late\|temporary" "$out.err" || ! grep -q "largest step back" "$out.err"; then
                        echo "disorder-check: FAIL $name --jobs $j into a $how (seed $seed) was not put in order as read:"
                        grep "order\|incomplete" "$out.err"
                        fail=1
                    fi ;;
                twodays)
                    want="too late to be put in order"; [ $how = pipe ] && want="sorted through"
                    if ! grep -q "$want" "$out.err"; then
                        echo "disorder-check: FAIL twodays --jobs $j into a $how: stderr lacks '$want'"
                        grep "order\|incomplete" "$out.err"
                        fail=1
                    fi ;;
            esac
        done
    done
done
n=$(wc -l < "$dir/natural.sorted")
[ "$n" -gt 100000 ] || { echo "disorder-check: FAIL only $n events"; fail=1; }
step=$(sed -n 's/.*largest step back \([0-9.]*\) s.*/\1/p' "$dir/steps.j1.pipe.err" | head -1)
[ $fail = 0 ] && echo "disorder-check: $n events of a busy server's log, with its own steps back, 2% set back 1-25 ms more, 40 set back up to 10 s (seed $seed; largest ${step:-?} s), and two days out of order: streamed (1 and 2 threads; file, pipe) as sorted"
exit $fail
