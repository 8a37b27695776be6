#!/bin/sh
# The postmortem's configuration diff does what it says: for every recorded
# incident and for tests/lint/deploy (a deployment full of traps: two
# datasources in one file, a custom prefix, a HikariCP properties file,
# includes), the diff applies to the unpacked files with patch(1) and no
# fuzz, and linting the patched files again finds none of the findings the
# report says the diff resolves (remediation.config_diff_resolves), and no
# file is broken by it (lint reads them all).
#   tests/reports/config-diff-check.sh BIN
set -u
bin=$1
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 checked=0 resolved=0

# check NAME DIR INPUT: DIR holds the unpacked files, INPUT is what analyze reads there
check() {
    name=$1 dir=$2 input=$3
    (cd "$dir" && "$abs_bin" analyze -q -f json "$input") > "$tmp/report.json" || { echo "FAIL config-diff: $name: analyze failed"; fail=1; return; }
    python3 - "$tmp/report.json" "$tmp/diff" "$tmp/resolves" "$name" << 'PY' || { fail=1; return; }
import json, sys
report = json.load(open(sys.argv[1]))
r = report["remediation"]
open(sys.argv[2], "w").write(r["config_diff"] or "")
open(sys.argv[3], "w").write("".join(f'{x["rule"]}\t{x["path"]}\t{x["line"]}\n' for x in r["config_diff_resolves"]))
# the cause first: a capacity verdict's fix leads the diff and the findings it resolves
cause = r.get("cause_fix")
fleet = any(f["rule"] == "HKC-FLEET-001" for f in report["findings"])
if report["verdict"]["kind"] == "capacity" and fleet and not cause:
    print(f"FAIL config-diff: {sys.argv[4]}: a capacity verdict with HKC-FLEET-001, without the fix of its cause")
    sys.exit(1)
if cause:
    first_file = (r["config_diff"] or "").split("\n", 1)[0]
    member = cause["path"].rsplit("!", 1)[-1]
    if r["config_diff_resolves"][0]["rule"] != cause["rule"] or first_file != f"--- a/{member}":
        print(f"FAIL config-diff: {sys.argv[4]}: the cause's fix ({cause['rule']}, {member}) does not lead the "
              f"diff ({first_file}, {r['config_diff_resolves'][0]['rule']})")
        sys.exit(1)
PY
    [ -s "$tmp/diff" ] || return 0
    checked=$((checked + 1))
    if ! (cd "$dir" && patch -p1 --fuzz=0 --quiet < "$tmp/diff"); then
        echo "FAIL config-diff: $name: the diff does not apply cleanly"
        fail=1
        return
    fi
    if ! (cd "$dir" && "$abs_bin" lint -q --fail-on never -f json "$input") > "$tmp/lint.json"; then
        echo "FAIL config-diff: $name: lint cannot read the patched files"
        fail=1
        return
    fi
    python3 - "$tmp/lint.json" "$tmp/resolves" "$name" << 'PY' || fail=1
import json, sys
left = {(f["rule"], f["path"], f["line"]) for f in json.load(open(sys.argv[1]))["findings"]}
want = [tuple(l.rstrip("\n").split("\t")) for l in open(sys.argv[2])]
bad = [w for w in want if (w[0], w[1], int(w[2])) in left]
if not want:
    print(f"FAIL config-diff: {sys.argv[3]}: a diff that resolves nothing")
    sys.exit(1)
if bad:
    print(f"FAIL config-diff: {sys.argv[3]}: after the diff these findings remain: {bad}")
    sys.exit(1)
PY
    resolved=$((resolved + $(wc -l < "$tmp/resolves")))
}

for bundle in fixtures/incidents/*.tar.zst fixtures/incidents/*.tar.gz fixtures/incidents/*.zip; do
    name=$(basename "$bundle")
    dir="$tmp/${name%%.*}"
    mkdir -p "$dir"
    case $bundle in
        *.zip) unzip -q "$bundle" -d "$dir" ;;
        *) tar -xf "$bundle" -C "$dir" ;;
    esac
    # the report names the files inside the archive; unpacked, they are the same relative paths
    check "$name" "$dir" "$(ls "$dir")"
done
mkdir -p "$tmp/deploy-case/tests/lint"
cp -R tests/lint/deploy "$tmp/deploy-case/tests/lint/"
check tests/lint/deploy "$tmp/deploy-case" tests/lint/deploy
if [ $checked -lt 8 ]; then
    echo "FAIL config-diff: only $checked of the 8 cases have a configuration diff"
    fail=1
fi
[ $fail = 0 ] && echo "config-diff: $checked postmortems' diffs apply with patch and resolve the $resolved findings they say they do"
exit $fail
