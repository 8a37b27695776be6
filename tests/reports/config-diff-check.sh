#!/bin/sh
# The postmortem's configuration diff does what it says: for every recorded
# incident, the diff applies to the unpacked bundle with patch(1) and no
# fuzz, and linting the patched files again finds nothing left of any rule
# that has a fix (the changes resolve their findings, and break no file).
#   tests/reports/config-diff-check.sh BIN
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 checked=0
fixable=$(awk '/^  - id: /{id=$3} /^    fix:/{print id}' rules/config/*.yml | sort -u)
[ -n "$fixable" ] || { echo "FAIL config-diff: no rule has a fix"; exit 1; }
for bundle in fixtures/incidents/*.tar.zst fixtures/incidents/*.tar.gz fixtures/incidents/*.zip; do
    name=$(basename "$bundle")
    dir="$tmp/${name%%.*}"
    mkdir -p "$dir"
    case $bundle in
        *.zip) (cd "$dir" && unzip -q "$OLDPWD/$bundle") ;;
        *) tar -xf "$bundle" -C "$dir" ;;
    esac
    "$bin" analyze -q -f md "$bundle" | sed -n '/^```diff$/,/^```$/p' | sed '1d;$d' > "$dir.diff"
    [ -s "$dir.diff" ] || continue
    checked=$((checked + 1))
    if ! (cd "$dir" && patch -p1 --fuzz=0 --quiet < "$dir.diff"); then
        echo "FAIL config-diff: $name: the diff does not apply cleanly"
        fail=1
        continue
    fi
    "$bin" lint -q --fail-on never -f json "$dir" > "$dir.lint.json" || { echo "FAIL config-diff: $name: lint failed after the diff"; fail=1; }
    left=$(for r in $fixable; do grep -o "\"rule\": *\"$r\"" "$dir.lint.json"; done | sort | uniq -c)
    if [ -n "$left" ]; then
        echo "FAIL config-diff: $name: after the diff, findings of rules with a fix remain:"
        echo "$left"
        fail=1
    fi
done
if [ $checked = 0 ]; then
    echo "FAIL config-diff: no recorded incident's postmortem has a configuration diff"
    fail=1
fi
[ $fail = 0 ] && echo "config-diff: $checked postmortems' diffs apply with patch and resolve every finding they address"
exit $fail
