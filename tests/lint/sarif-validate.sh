#!/bin/sh
# Validates pgmortem's SARIF with Microsoft's SARIF Multitool (the npm package
# @microsoft/sarif-multitool), the SARIF rules and GitHub's (GH1xxx) together;
# any error or warning fails. The tool is installed into build/sarif-tool the
# first time; where npm or the registry is missing the test says so and skips.
#   tests/lint/sarif-validate.sh BIN
set -u
bin=$1
dir=build/sarif-tool
tool=$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -f "$tool" ]; then
    if ! command -v npm > /dev/null 2>&1; then
        echo "sarif: skipped, npm is not installed (apt-get install npm)"
        exit 0
    fi
    mkdir -p "$dir"
    if ! npm install --prefix "$dir" --no-audit --no-fund --loglevel=error @microsoft/sarif-multitool > "$dir/npm.log" 2>&1; then
        echo "sarif: skipped, @microsoft/sarif-multitool could not be installed from the npm registry (see $dir/npm.log)"
        exit 0
    fi
fi
chmod u+x "$tool" # its postinstall script does this, when npm runs scripts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# a repository checkout (relative paths), an archive, and absolute paths
"$bin" lint -q -f sarif -o "$tmp/relative.sarif" tests/lint/deploy fixtures/incidents/01-leak-hikari.tar.zst
"$bin" lint -q -f sarif -o "$tmp/absolute.sarif" "$(pwd)/tests/lint/deploy"
"$bin" lint -q -f sarif -o "$tmp/empty.sarif" tests/samples/postgresql-15/run1-stderr
for f in relative absolute empty; do
    "$tool" validate --rule-kind "Gh;Sarif" --level "Error;Warning" -o "$tmp/$f.result" "$tmp/$f.sarif" > "$tmp/$f.log" 2>&1
    rc=$?
    if [ $rc != 0 ] || grep -qE ': (error|warning) [A-Z]+[0-9]+' "$tmp/$f.log"; then
        echo "FAIL sarif: $f.sarif is not valid SARIF (Multitool exit $rc):"
        grep -E 'error|warning' "$tmp/$f.log" | head -10
        fail=1
    fi
done
[ $fail = 0 ] && echo "sarif: valid (SARIF Multitool, SARIF and GitHub rules)"
exit $fail
