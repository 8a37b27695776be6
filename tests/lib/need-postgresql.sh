#!/bin/sh
# Sourced by the checks that run a throwaway PostgreSQL 15: installs
# postgresql-15 with apt-get when it is missing (as root or through sudo).
# Afterwards $pg is its bin directory and need_pg_ok is 1 when it is there.
pg=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
if { [ ! -x "$pg/initdb" ] || ! command -v psql > /dev/null 2>&1; } && command -v apt-get > /dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo -n"
    mkdir -p build
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \
        > build/postgresql-install.log 2>&1 ||
        { $sudo apt-get update -qq > /dev/null 2>&1 &&
          $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \
              >> build/postgresql-install.log 2>&1; }
fi
need_pg_ok=0
if [ -x "$pg/initdb" ] && command -v psql > /dev/null 2>&1; then
    need_pg_ok=1
fi
