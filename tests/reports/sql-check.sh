#!/bin/sh
# The postmortems' SQL runs on a real PostgreSQL 15: a throwaway server is
# started (initdb in a temporary directory, a Unix socket only, stopped at
# the end) and every recorded incident's statements go through psql with
# ON_ERROR_STOP, so a statement the server rejects fails make check.
# PostgreSQL 15 is installed with apt-get when missing; where it cannot be,
# the check says so and skips.
#   tests/reports/sql-check.sh BIN
set -u
bin=$1
. tests/lib/need-postgresql.sh
if [ "$need_pg_ok" != 1 ]; then
    echo "sql: skipped, PostgreSQL 15 is not installed and could not be (apt-get install postgresql-15; see build/postgresql-install.log)"
    exit 0
fi
tmp=$(mktemp -d)
port=$((20000 + $$ % 20000))
# initdb refuses root: run the server as nobody then
as=""
if [ "$(id -u)" = 0 ]; then
    chown nobody "$tmp"
    as="nobody"
fi
run() {
    if [ -n "$as" ]; then su "$as" -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
stop() {
    run "'$pg/pg_ctl' -D '$tmp/data' -m immediate stop" > /dev/null 2>&1
    rm -rf "$tmp"
}
trap stop EXIT
if ! run "'$pg/initdb' -D '$tmp/data' -A trust -U postgres" > "$tmp/initdb.log" 2>&1 ||
   ! run "'$pg/pg_ctl' -D '$tmp/data' -w -o \"-k '$tmp' -p $port -c listen_addresses=''\" -l '$tmp/server.log' start" > /dev/null 2>&1; then
    echo "FAIL sql: the throwaway server did not start:"
    tail -5 "$tmp/initdb.log" "$tmp/server.log" 2> /dev/null
    exit 1
fi
fail=0 statements=0
for bundle in fixtures/incidents/*.tar.zst fixtures/incidents/*.tar.gz fixtures/incidents/*.zip; do
    "$bin" analyze -q -f md "$bundle" | awk '/^```sql$/{on=1;next}/^```$/{on=0}on' > "$tmp/q.sql"
    [ -s "$tmp/q.sql" ] || continue
    chmod 644 "$tmp/q.sql"
    if ! run "psql -X -q -h '$tmp' -p $port -U postgres -d postgres -v ON_ERROR_STOP=1 -f '$tmp/q.sql'" > "$tmp/out.txt" 2>&1; then
        echo "FAIL sql: $(basename "$bundle"): the server rejects the postmortem's SQL:"
        head -5 "$tmp/out.txt"
        fail=1
    fi
    statements=$((statements + $(grep -c ';$' "$tmp/q.sql")))
done
[ $fail = 0 ] && echo "sql: the postmortems' $statements statements run on PostgreSQL $("$pg/postgres" --version | awk '{print $3}')"
exit $fail
