#!/bin/sh
# Logs written by a real PostgreSQL 15 under random log_line_prefix values,
# new ones each run (the seed is printed; PGM_PREFIX_SEED=N repeats a run),
# read without being told the prefix: the reading must equal the reading
# told it (tests/pglog/prefix_infer_check.py). The recorder is the project's
# own (fixtures/record/prefixes.sh). PGM_PREFIX_CONNECTIONS=off records
# without connection logging (the default of log_connections; make
# prefix-random-silent): no message names the user, database or application,
# and where names stand bare the reading must name its rival and exit 2
# (--rival-ok).
# Skipped with a message where PostgreSQL 15 cannot be installed.
#   tests/pglog/prefix_random.sh BIN [COUNT]
set -u
bin=$1
count=${2:-12}
. tests/lib/need-postgresql.sh
if [ "$need_pg_ok" != 1 ]; then
    echo "prefix-random: skipped, PostgreSQL 15 is not installed and could not be (see build/postgresql-install.log)"
    exit 0
fi
seed=${PGM_PREFIX_SEED:-$(date +%s)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 tests/pglog/random_prefixes.py "$seed" "$count" > "$tmp/specs.txt"
connections=${PGM_PREFIX_CONNECTIONS:-on} rival=""
[ "$connections" = on ] || rival=--rival-ok
if ! LOG_CONNECTIONS=$connections PGBIN=$pg bash fixtures/record/prefixes.sh "$tmp/specs.txt" "$tmp/logs" 2> "$tmp/record.err"; then
    echo "FAIL prefix-random: the recorder failed (seed $seed):"
    tail -5 "$tmp/record.err"
    exit 1
fi
echo "prefix-random: seed $seed, $count prefixes recorded, log_connections=$connections"
python3 tests/pglog/prefix_infer_check.py "$bin" "$tmp/logs" $rival || { echo "(repeat with PGM_PREFIX_SEED=$seed)"; exit 1; }
