#!/bin/sh
# Every recorded incident's JSON report against reports/schema/report.schema.json,
# with ajv (the npm package ajv-cli, installed into build/ajv the first time;
# where npm or the registry is missing the check says so and skips).
#   tests/reports/schema-check.sh BIN
set -u
bin=$1
dir=build/ajv
ajv=$dir/node_modules/.bin/ajv
if [ ! -x "$ajv" ]; then
    if ! command -v npm > /dev/null 2>&1; then
        echo "schema: skipped, npm is not installed (apt-get install npm)"
        exit 0
    fi
    mkdir -p "$dir"
    if ! npm install --prefix "$dir" --no-audit --no-fund --loglevel=error ajv-cli@5 ajv-formats@2 > "$dir/npm.log" 2>&1; then
        echo "schema: skipped, ajv-cli could not be installed from the npm registry (see $dir/npm.log)"
        exit 0
    fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for bundle in fixtures/incidents/*.tar.zst fixtures/incidents/*.zip fixtures/incidents/*.tar.gz; do
    name=$(basename "$bundle")
    "$bin" analyze -q -f json -o "$tmp/${name%%.*}.json" "$bundle" || exit 1
done
# a report that breaks the contract must be refused, or the check proves nothing
mkdir "$tmp/bad"
sed 's/"kind": "leak",/"kind": "a guess",/' "$tmp/01-leak-hikari.json" > "$tmp/bad/report.json"
if "$ajv" validate -s reports/schema/report.schema.json -d "$tmp/bad/report.json" --strict=false > /dev/null 2>&1; then
    echo "FAIL schema: a report with an unknown verdict kind passed"
    exit 1
fi
if ! "$ajv" validate -s reports/schema/report.schema.json -d "$tmp/*.json" --strict=false > "$tmp/ajv.log" 2>&1; then
    echo "FAIL schema: a report does not follow reports/schema/report.schema.json:"
    grep -v ' valid$' "$tmp/ajv.log" | head -20
    exit 1
fi
echo "schema: the $(ls "$tmp"/*.json | wc -l) JSON reports follow reports/schema/report.schema.json (ajv)"
