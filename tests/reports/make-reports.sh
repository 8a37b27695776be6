#!/bin/sh
# The postmortem of every recorded incident, as pgmortem writes it (Markdown and HTML).
#   tests/reports/make-reports.sh BIN DIR     write DIR/<incident>.md
#   tests/reports/make-reports.sh BIN --check fail when reports/ is stale
set -eu
bin=$1
mode=${2:-reports}
out=$mode
if [ "$mode" = --check ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
for bundle in fixtures/incidents/*.tar.zst fixtures/incidents/*.zip fixtures/incidents/*.tar.gz; do
    name=$(basename "$bundle")
    name=${name%%.*}
    "$bin" analyze -q -f md -o "$out/$name.md" "$bundle"
    "$bin" analyze -q -f html -o "$out/$name.html" "$bundle"
done
if [ "$mode" = --check ]; then
    stale=0
    for f in "$out"/*.md "$out"/*.html; do
        if ! cmp -s "$f" "reports/$(basename "$f")"; then
            echo "FAIL reports: reports/$(basename "$f") is stale; run make reports (and review the diff)"
            stale=1
        fi
    done
    [ $stale = 0 ] && echo "reports: the $(ls "$out"/*.md "$out"/*.html | wc -l) postmortems (Markdown and HTML) in reports/ are current"
    exit $stale
fi
