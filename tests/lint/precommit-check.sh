#!/bin/sh
# The pre-commit hook (.pre-commit-hooks.yaml) as a user runs it: pre-commit
# (Debian's package, installed here when missing and possible) tries this
# repository's hook on a throwaway repository, with pgmortem on PATH: a
# configuration with a high finding fails the commit and names the rule; a
# sound one passes; a file the hook does not match is not handed to lint.
#   tests/lint/precommit-check.sh BIN
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(pwd)
if ! command -v pre-commit > /dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pre-commit > /dev/null 2>&1 || true
    fi
    if ! command -v pre-commit > /dev/null 2>&1; then
        echo "precommit: skipped, pre-commit is not installed (apt-get install pre-commit)"
        exit 0
    fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/repo"
ln -s "$bin" "$tmp/bin/pgmortem"
export PATH="$tmp/bin:$PATH" PRE_COMMIT_HOME="$tmp/cache" HOME="$tmp"
cd "$tmp/repo"
git init -q . && git config user.email t@example.com && git config user.name t
printf 'spring.datasource.url=jdbc:postgresql://db/orders?ApplicationName=orders&socketTimeout=60&tcpKeepAlive=true&loginTimeout=10&assumeMinServerVersion=15\nspring.datasource.hikari.pool-name=orders\nspring.datasource.hikari.connection-timeout=30s\n' > application.properties
printf 'not configuration\n' > notes.txt
git add -A
fail=0
rc=0
pre-commit try-repo "$here" pgmortem-lint --files application.properties notes.txt > "$tmp/bad.out" 2>&1 || rc=$?
if [ $rc = 0 ] || ! grep -q "SPB-VAL-001" "$tmp/bad.out"; then
    echo "precommit: FAIL a configuration with a high finding should fail the hook (exit $rc):"; cat "$tmp/bad.out"; fail=1
fi
if grep -q "notes.txt" "$tmp/bad.out"; then
    echo "precommit: FAIL notes.txt was handed to lint:"; cat "$tmp/bad.out"; fail=1
fi
sed -i 's/connection-timeout=30s/connection-timeout=30000/' application.properties
rc=0
pre-commit try-repo "$here" pgmortem-lint --files application.properties > "$tmp/good.out" 2>&1 || rc=$?
if [ $rc != 0 ]; then
    echo "precommit: FAIL a sound configuration should pass the hook (exit $rc):"; cat "$tmp/good.out"; fail=1
fi
[ $fail = 0 ] && echo "precommit: the hook fails a commit on a high finding (naming its rule) and passes a sound one ($(pre-commit --version))"
exit $fail
