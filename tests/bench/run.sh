#!/bin/sh
# make bench: throughput (MB/s) and peak RSS of pgmortem side by side with
# grep, wc, cat and pgbadger, in one run, on a real log: a busy PostgreSQL 15
# recorded by fixtures/record/bench-log.sh (statement logging over the
# extended protocol, connections per transaction, autovacuum, checkpoints, a
# leak; lines stepping back as real logs do), repeated to BENCH_MIB (default
# 1024) MiB by copies a minute apart, plain and packed as tar.zst. The
# recording is made once (as root, PostgreSQL 15 installed by `make bench`)
# and kept in build/bench. A second line measures the small synthetic log of
# earlier benches (one recording of connection lines, in perfect order).
# Then the issue's bounds, each said to hold or not. Nothing here asserts a
# time: a bound that does not hold is printed, not failed.
set -eu
bin=${1:-build/pgmortem}
mib=${BENCH_MIB:-1024}
dir=${BENCH_DIR:-build/bench}
mkdir -p "$dir/bundle/logs"
rec=$dir/recording.log
if [ ! -s "$rec" ]; then
    if [ "$(id -u)" = 0 ] && [ -x /usr/lib/postgresql/15/bin/pgbench ]; then
        echo "bench: recording 40 s of a busy PostgreSQL 15 (fixtures/record/bench-log.sh)"
        sh fixtures/record/bench-log.sh "$rec.part" 40 2> "$dir/recording.err" || { cat "$dir/recording.err"; exit 1; }
        mv "$rec.part.csv" "${rec%.log}.csv"
        mv "$rec.part.json" "${rec%.log}.json"
        mv "$rec.part" "$rec"
    else
        echo "bench: no recording (it needs root and PostgreSQL 15's pgbench): the figures below are of the synthetic log"
        python3 tests/bench/make-big-log.py tests/samples/postgresql-15/run1-stderr/postgresql.log "$rec" 1 > /dev/null
    fi
fi
log="$dir/bundle/logs/postgresql-15-main.log"
if [ ! -f "$log" ] || [ "$(($(wc -c < "$log") >> 20))" -lt "$mib" ] || [ "$rec" -nt "$log" ]; then
    python3 tests/bench/make-big-log.py "$rec" "$log" "$mib" 60 > /dev/null
    rm -f "$dir/bundle.tar.zst" "$dir/postgresql-15-main.log.zst"
fi
[ -f "$dir/bundle.tar.zst" ] || (cd "$dir/bundle" && tar cf - logs | zstd -q -T2 -3 -c) > "$dir/bundle.tar.zst"
bytes=$(wc -c < "$log")
lines=$(wc -l < "$log")
zbytes=$(wc -c < "$dir/bundle.tar.zst")

# run NAME COMMAND...: best wall time of 3 runs, with peak RSS from GNU time;
# the figures stay in MBS (MB/s) and RSS (MiB) for the bounds at the end
run() {
    name=$1
    shift
    best=""
    cpu=0
    rss=0
    MBS=0
    MBS_EXACT=0
    RSS=0
    said=""
    for i in 1 2 3; do
        rc=0
        # the page cache's writing back of a run's output is no part of the next run
        rm -f "$dir/timeline.jsonl"
        sync
        /usr/bin/time -f '%e %M %U %S' -o "$dir/time.txt" "$@" > "$dir/stdout.txt" 2>&1 || rc=$?
        # a run that failed measures nothing: say so instead of printing its time;
        # exit 2 is a complete run that warned (a limit reached): measured, its warning said
        if [ $rc -gt 2 ]; then
            printf '%-58s FAILED (exit %s): %s\n' "$name" "$rc" "$(grep -v '^Command exited' "$dir/stdout.txt" | head -1)"
            return 0
        fi
        [ $rc = 2 ] && said=$(grep -m1 'warning' "$dir/stdout.txt" | cut -c1-160)
        [ $rc = 2 ] && [ -z "$said" ] && said="a warning (not shown under -q)"
        read -r t m u k <<EOF_TIME
$(tail -n 1 "$dir/time.txt")
EOF_TIME
        # the CPU time (every thread's, user and system) of the best run: what
        # a run took of the cores besides its wall time
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; cpu=$(echo "$u + $k" | bc); fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    MBS=$(echo "scale=0; $bytes / 1000000 / ($best + 0.005)" | bc)
    # to two decimals, for ratios to slow tools (pgbadger's 3.69 MB/s is no 3)
    MBS_EXACT=$(echo "scale=2; $bytes / 1000000 / ($best + 0.005)" | bc)
    RSS=$(echo "scale=1; $rss / 1024" | bc)
    lps=$(echo "scale=0; $lines / ($best + 0.005) / 1000" | bc)
    printf '%-58s %7.2f s %6s MB/s %7s klines/s %7.1f MiB peak RSS %7.2f s CPU\n' "$name" "$best" "$MBS" "$lps" "$RSS" "$cpu"
    [ -z "$said" ] || printf '    (exit 2: %s)\n' "$said"
}

# holds NAME CONDITION(bc) FIGURES: one bound of the issue, said
holds() {
    if [ "$(echo "$2" | bc)" = 1 ]; then verdict=holds; else verdict="does NOT hold"; fi
    printf 'bound: %-62s %s (%s)\n' "$1" "$verdict" "$3"
}

echo "bench: $((bytes >> 20)) MiB of a real PostgreSQL 15 stderr log ($lines lines, log_line_prefix '%m [%p] %q%u@%d ', $(wc -l < "$rec") lines recorded, repeated); tar.zst $((zbytes >> 20)) MiB; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
run "pgmortem inventory (plain log)" "$bin" inventory -q "$log"
run "pgmortem inventory (tar.zst bundle)" "$bin" inventory -q "$dir/bundle.tar.zst"
# into a file, as an engineer keeps a timeline; -o can be taken back: events
# are written as they are read, through the reorder buffer; into a pipe a
# pass first proves how far the log steps back
run "pgmortem timeline --jobs 1 -o file" "$bin" timeline -q --jobs 1 -o "$dir/timeline.jsonl" "$log"
j1=$MBS j1_rss=$RSS
run "pgmortem timeline --jobs 2 -o file" "$bin" timeline -q --jobs 2 -o "$dir/timeline.jsonl" "$log"
j2=$MBS j2_rss=$RSS
# what the machine's page cache takes of a timeline's size in this run: dd writing as many bytes
# as it wrote into the same file, kept as the timeline is (its MB/s counted
# in the log's bytes, as the runs above are); a file removed at once never
# reaches the disk and measured 15 times faster than one kept
out_mib=$(($(wc -c < "$dir/timeline.jsonl") >> 20))
run "dd of the timeline's $out_mib MiB into a file kept (plainly)" dd if=/dev/zero of="$dir/timeline.jsonl" bs=1M count="$out_mib" status=none
dd_mbs=$MBS
# ... and written directly, as a timeline is past its first 64 MiB (util/directwrite.h): what
# the disk itself takes. Two threads write a timeline about as fast as this, so the disk, not
# the parsing, may be what bounds --jobs 2 into a file
run "dd of the timeline's $out_mib MiB into a file, directly" dd if=/dev/zero of="$dir/timeline.jsonl" bs=2M count="$((out_mib / 2))" oflag=direct status=none
ddd_mbs=$MBS
run "pgmortem timeline --jobs 1 -o /dev/null" "$bin" timeline -q --jobs 1 -o /dev/null "$log"
n1=$MBS
run "pgmortem timeline --jobs 2 -o /dev/null" "$bin" timeline -q --jobs 2 -o /dev/null "$log"
n2=$MBS
run "pgmortem timeline --jobs 1 | cat > /dev/null" sh -c '"$0" timeline -q --jobs 1 "$1" | cat > /dev/null' "$bin" "$log"
run "pgmortem timeline --jobs 1 --kinds conn.refused" "$bin" timeline -q --jobs 1 --kinds conn.refused -o /dev/null "$log"
[ -f "$dir/postgresql-15-main.log.zst" ] || zstd -q -T2 -3 -o "$dir/postgresql-15-main.log.zst" "$log"
# reading compressed input, against the plain file into /dev/null: the bound
# is on reading, and this machine's file writes vary two-fold from run to run
run "pgmortem timeline (the log as .log.zst) -o /dev/null" "$bin" timeline -q -o /dev/null "$dir/postgresql-15-main.log.zst"
run "pgmortem timeline --jobs 1 (tar.zst bundle) -o /dev/null" "$bin" timeline -q --jobs 1 -o /dev/null "$dir/bundle.tar.zst"
tz=$MBS
# ... and with a second thread inflating the member ahead of the one that parses it
run "pgmortem timeline --jobs 2 (tar.zst bundle) -o /dev/null" "$bin" timeline -q --jobs 2 -o /dev/null "$dir/bundle.tar.zst"
tz2=$MBS
rm -f "$dir/timeline.jsonl"
run "pgmortem analyze -f json (the whole analysis)" "$bin" analyze -q -f json -o /dev/null "$log"
an=$MBS an_exact=$MBS_EXACT an_rss=$RSS
run "pgmortem analyze --jobs 1 -f json" "$bin" analyze -q --jobs 1 -f json -o /dev/null "$log"
run "LC_ALL=C grep -c 'connection authorized'" env LC_ALL=C grep -c 'connection authorized' "$log"
grep_mbs=$MBS
run "wc -l" wc -l "$log"
run "cat > /dev/null" sh -c 'cat "$0" > /dev/null' "$log"
run "zstd -dc bundle.tar.zst > /dev/null" sh -c 'zstd -q -dc "$0" > /dev/null' "$dir/bundle.tar.zst"
# the synthetic log of earlier benches, for comparison only
syn=$dir/synthetic.log
[ -s "$syn" ] || python3 tests/bench/make-big-log.py tests/samples/postgresql-15/run1-stderr/postgresql.log "$syn" 256 > /dev/null
full_bytes=$bytes full_lines=$lines
bytes=$(wc -c < "$syn") lines=$(wc -l < "$syn")
run "pgmortem timeline --jobs 1 -o file (synthetic, 256 MiB)" "$bin" timeline -q --jobs 1 -o "$dir/timeline.jsonl" "$syn"
rm -f "$dir/timeline.jsonl"
# the recording once, as the server wrote it in three formats at once: one
# thread's timeline of the same events from each (a csvlog or jsonlog line is
# a whole entry and names more fields than the stderr prefix does)
for fmt in log csv json; do
    f=${rec%.log}.$fmt
    if [ ! -s "$f" ]; then
        echo "pgmortem timeline (the recording as .$fmt): none, the recording was made before it was written in every format (remove $rec to record again)"
        continue
    fi
    bytes=$(wc -c < "$f") lines=$(wc -l < "$f")
    run "pgmortem timeline --jobs 1 (recorded .$fmt, $((bytes >> 20)) MiB)" "$bin" timeline -q --jobs 1 -o /dev/null "$f"
done
# sessions that open and close, that never close (2 M each), 2 M that close
# but every 64th (a leak among short sessions), 2 M leaked that a refusal
# then sees closed together (the recovery weighed), and 2 M from 2,000
# clients that a pg_stat_activity snapshot names
for kind in closed leaking open closing clients; do
    s=$dir/sessions-$kind.log
    [ -s "$s" ] || python3 tests/bench/make-sessions-log.py "$rec" "$s" 2000000 "$kind"
    bytes=$(wc -c < "$s") lines=$(wc -l < "$s")
    snapshot=${s%.log}-pg_stat_activity.csv
    [ "$kind" = clients ] || snapshot=
    # not -q: a limit the analysis reaches is said (exit 2), and shown below the figures
    run "pgmortem analyze -f json (2 M sessions, $kind)" "$bin" analyze -f json -o /dev/null "$s" ${snapshot:+"$snapshot"}
    eval "sessions_${kind}_rss=\$RSS"
done
bytes=$full_bytes lines=$full_lines
# a repository of 33 services, and a monorepo of 3,300 (every service built,
# the manifests' names looked up, not compared with each other's)
for services in 33 3300; do
    tests/bench/make-fleet.sh "$dir/fleet" "$services" > /dev/null
    nfiles=$(find "$dir/fleet" -type f | wc -l)
    best=""
    for i in 1 2 3; do
        /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$bin" lint -q --fail-on never "$dir/fleet" > /dev/null 2>&1 || true
        read -r t m < "$dir/time.txt"
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
    done
    printf '%-58s %7.2f s %46.1f MiB peak RSS\n' "pgmortem lint ($services services, $nfiles configuration files)" "$best" "$(echo "scale=1; $m / 1024" | bc)"
done
# 300,000 small files in nested archives: memory is bounded per input, not per byte
[ -s "$dir/many.tar" ] || python3 tests/bench/make-many-files.py "$dir/many.tar" "$log" 100000
for cmd in inventory timeline analyze; do
    /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$bin" $cmd -q --max-entries 400000 "$dir/many.tar" > /dev/null 2>&1 || true
    # exit 2 (the limits on logs told apart and inputs listed are reached, and said): measured as well
    read -r t m <<EOF_TIME
$(tail -n 1 "$dir/time.txt")
EOF_TIME
    printf '%-58s %7.2f s %46.1f MiB peak RSS\n' "pgmortem $cmd (300,000 files in nested archives)" "$t" "$(echo "scale=1; $m / 1024" | bc)"
done
if command -v pgbadger > /dev/null 2>&1; then
    head -c 100000000 "$log" > "$dir/slice.log"
    bytes=100000000
    lines=$(wc -l < "$dir/slice.log")
    run "pgbadger $(pgbadger --version 2>/dev/null | sed -n 's/.*version //p' | head -1) (100 MB slice)" pgbadger -q -f stderr -p '%m [%p] %q%u@%d ' -o "$dir/out.txt" "$dir/slice.log"
    badger=$MBS_EXACT
else
    echo "pgbadger: not installed (make bench installs it from Debian)"
    badger=0
fi
holds "timeline --jobs 1 into a file >= 400 MB/s" "$j1 >= 400" "$j1 MB/s; dd writes a file of its size plainly at $dd_mbs; into /dev/null $n1"
holds "timeline --jobs 2 >= 1.7x --jobs 1" "$j2 >= 1.7 * $j1" "$j2 MB/s, $(echo "scale=2; $j2 / ($j1 + 0.001)" | bc)x; dd writes a file of its size directly at $ddd_mbs; into /dev/null $(echo "scale=2; $n2 / ($n1 + 0.001)" | bc)x"
holds "timeline peak RSS < 64 MiB" "$j1_rss < 64 && $j2_rss < 64" "$j1_rss and $j2_rss MiB"
holds "timeline within 3x of grep -c" "3 * $j1 >= $grep_mbs" "grep $grep_mbs MB/s, $(echo "scale=1; $grep_mbs / ($j1 + 0.001)" | bc)x"
holds "analyze -f json at least as fast as timeline --jobs 1" "$an >= $j1" "$an MB/s"
holds "analyze peak RSS < 64 MiB (2 M sessions that close)" "${sessions_closed_rss:-999} < 64" "${sessions_closed_rss:-?} MiB"
holds "analyze peak RSS < 160 MiB (2 M sessions that never close)" "${sessions_open_rss:-999} < 160" "${sessions_open_rss:-?} MiB"
holds "a tar.zst member >= 80% of the plain file" "$tz >= 0.8 * $n1" "$tz MB/s against $n1, one thread each into /dev/null; $tz2 with a second inflating ahead"
holds "analyze >= 200x pgbadger" "$badger > 0 && $an_exact >= 200 * $badger" "$(echo "scale=0; $an_exact / ($badger + 0.001)" | bc)x: $an_exact and $badger MB/s"
