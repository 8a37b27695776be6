#!/bin/sh
# make bench: throughput (MB/s) and peak RSS of pgmortem side by side with
# grep, wc and cat on the same data, and pgbadger when it is installed.
# The data is a real recording repeated to BENCH_MIB (default 1024) MiB with
# shifted timestamps, plain and packed as tar.zst. Nothing here asserts a time.
set -eu
bin=${1:-build/pgmortem}
mib=${BENCH_MIB:-1024}
dir=${BENCH_DIR:-build/bench}
mkdir -p "$dir/bundle/logs"
log="$dir/bundle/logs/postgresql-15-main.log"
if [ ! -f "$log" ] || [ "$(($(wc -c < "$log") >> 20))" -lt "$mib" ]; then
    python3 tests/bench/make-big-log.py tests/samples/postgresql-15/run1-stderr/postgresql.log "$log" "$mib"
    rm -f "$dir/bundle.tar.zst"
fi
[ -f "$dir/bundle.tar.zst" ] || (cd "$dir/bundle" && tar cf - logs | zstd -q -T2 -3 -c) > "$dir/bundle.tar.zst"
bytes=$(wc -c < "$log")
lines=$(wc -l < "$log")
zbytes=$(wc -c < "$dir/bundle.tar.zst")

# run NAME COMMAND...: best wall time of 3 runs, with peak RSS from GNU time
run() {
    name=$1
    shift
    best=""
    rss=0
    for i in 1 2 3; do
        rc=0
        /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" > "$dir/stdout.txt" 2>&1 || rc=$?
        # a run that failed measures nothing: say so instead of printing its time
        if [ $rc -gt 1 ]; then
            printf '%-50s FAILED (exit %s): %s\n' "$name" "$rc" "$(grep -v '^Command exited' "$dir/stdout.txt" | head -1)"
            return 0
        fi
        read -r t m < "$dir/time.txt"
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    mbs=$(echo "scale=0; $bytes / 1000000 / ($best + 0.005)" | bc)
    lps=$(echo "scale=0; $lines / ($best + 0.005) / 1000" | bc)
    printf '%-50s %7.2f s %6s MB/s %7s klines/s %7.1f MiB peak RSS\n' "$name" "$best" "$mbs" "$lps" "$(echo "scale=1; $rss / 1024" | bc)"
}

echo "bench: $((bytes >> 20)) MiB of PostgreSQL 15 stderr log ($lines lines, log_line_prefix '%m [%p] %q%u@%d '); tar.zst $((zbytes >> 20)) MiB; $(nproc) cores"
run "pgmortem inventory (plain log)" "$bin" inventory -q "$log"
run "pgmortem inventory (tar.zst bundle)" "$bin" inventory -q "$dir/bundle.tar.zst"
# -o /dev/null (or a file) can be taken back: events are written as they are
# read, each checked; into a pipe the log's order is proven by a pass first
run "pgmortem timeline --jobs 1 -o /dev/null" "$bin" timeline -q --jobs 1 -o /dev/null "$log"
run "pgmortem timeline --jobs 1 | cat > /dev/null" sh -c '"$0" timeline -q --jobs 1 "$1" | cat > /dev/null' "$bin" "$log"
run "pgmortem timeline --jobs 2 -o /dev/null" "$bin" timeline -q --jobs 2 -o /dev/null "$log"
run "pgmortem timeline --jobs 2 | cat > /dev/null" sh -c '"$0" timeline -q --jobs 2 "$1" | cat > /dev/null' "$bin" "$log"
run "pgmortem timeline --jobs 1 --kinds conn.refused" "$bin" timeline -q --jobs 1 --kinds conn.refused -o /dev/null "$log"
[ -f "$dir/postgresql-15-main.log.zst" ] || zstd -q -T2 -3 -o "$dir/postgresql-15-main.log.zst" "$log"
run "pgmortem timeline (the log as .log.zst)" "$bin" timeline -q -o /dev/null "$dir/postgresql-15-main.log.zst"
run "pgmortem timeline (tar.zst bundle: sorted)" "$bin" timeline -q -o /dev/null "$dir/bundle.tar.zst"
run "pgmortem analyze -f json (the whole analysis)" "$bin" analyze -q -f json -o /dev/null "$log"
tests/bench/make-fleet.sh "$dir/fleet" > /dev/null
nfiles=$(find "$dir/fleet" -type f | wc -l)
best=""
for i in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$bin" lint -q --fail-on never "$dir/fleet" > /dev/null 2>&1 || true
    read -r t m < "$dir/time.txt"
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
done
printf '%-50s %7.2f s %46.1f MiB peak RSS\n' "pgmortem lint ($nfiles configuration files)" "$best" "$(echo "scale=1; $m / 1024" | bc)"
# 300,000 small files in nested archives: memory is bounded per input, not per byte
[ -s "$dir/many.tar" ] || python3 tests/bench/make-many-files.py "$dir/many.tar" "$log" 100000
for cmd in inventory timeline analyze; do
    /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$bin" $cmd -q --max-entries 400000 "$dir/many.tar" > /dev/null 2>&1 || true
    read -r t m < "$dir/time.txt"
    printf '%-50s %7.2f s %46.1f MiB peak RSS\n' "pgmortem $cmd (300,000 files in nested archives)" "$t" "$(echo "scale=1; $m / 1024" | bc)"
done
run "LC_ALL=C grep -c 'connection authorized'" env LC_ALL=C grep -c 'connection authorized' "$log"
run "wc -l" wc -l "$log"
run "cat > /dev/null" sh -c 'cat "$0" > /dev/null' "$log"
run "zstd -dc bundle.tar.zst > /dev/null" sh -c 'zstd -q -dc "$0" > /dev/null' "$dir/bundle.tar.zst"
if command -v pgbadger > /dev/null 2>&1; then
    head -c 100000000 "$log" > "$dir/slice.log"
    bytes=100000000
    lines=$(wc -l < "$dir/slice.log")
    run "pgbadger (100 MB slice)" pgbadger -q -f stderr -p '%m [%p] %q%u@%d ' -o "$dir/out.txt" "$dir/slice.log"
else
    echo "pgbadger: not installed (apt-get install pgbadger to compare)"
fi
