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
zbytes=$(wc -c < "$dir/bundle.tar.zst")

# run NAME COMMAND...: best wall time of 3 runs, with peak RSS from GNU time
run() {
    name=$1
    shift
    best=""
    rss=0
    for i in 1 2 3; do
        /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" > "$dir/stdout.txt" 2>&1 || true
        read -r t m < "$dir/time.txt"
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    mbs=$(echo "scale=0; $bytes / 1000000 / ($best + 0.005)" | bc)
    printf '%-44s %8.2f s %8s MB/s %8.1f MiB peak RSS\n' "$name" "$best" "$mbs" "$(echo "scale=1; $rss / 1024" | bc)"
}

echo "bench: $((bytes >> 20)) MiB of PostgreSQL 15 stderr log ($(wc -l < "$log") lines); tar.zst $((zbytes >> 20)) MiB; $(nproc) cores"
run "pgmortem inventory (plain log)" "$bin" inventory -q "$log"
run "pgmortem inventory (tar.zst bundle)" "$bin" inventory -q "$dir/bundle.tar.zst"
run "LC_ALL=C grep -c 'connection authorized'" env LC_ALL=C grep -c 'connection authorized' "$log"
run "wc -l" wc -l "$log"
run "cat > /dev/null" sh -c 'cat "$0" > /dev/null' "$log"
run "zstd -dc bundle.tar.zst > /dev/null" sh -c 'zstd -q -dc "$0" > /dev/null' "$dir/bundle.tar.zst"
if command -v pgbadger > /dev/null 2>&1; then
    head -c 100000000 "$log" > "$dir/slice.log"
    bytes=100000000
    run "pgbadger (100 MB slice)" pgbadger -q -f stderr -p '%m [%p] %q%u@%d ' -o "$dir/out.txt" "$dir/slice.log"
else
    echo "pgbadger: not installed (apt-get install pgbadger to compare)"
fi
