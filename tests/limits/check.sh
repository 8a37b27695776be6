#!/bin/sh
# Every bound in the code is in tests/limits/registry.txt, and every bound
# that registry says is said is reached by the test it names (see there).
#   tests/limits/check.sh
set -eu
reg=tests/limits/registry.txt
fail=0
code=$(grep -rhoE '#define PGM_[A-Z0-9_]*(MAX|LIMIT|CAP)[A-Z0-9_]*' analyzer | sed 's/#define //' | sort -u)
listed=$(grep -v '^#' "$reg" | cut -d'|' -f1 | tr -d ' ' | sort -u)
for c in $code; do
    echo "$listed" | grep -qx "$c" || { echo "FAIL limits: $c is in the code but not in $reg"; fail=1; }
done
for c in $listed; do
    echo "$code" | grep -qx "$c" || { echo "FAIL limits: $c is in $reg but no longer in the code"; fail=1; }
done
said=0; unproven=0; internal=0
while IFS='|' read -r name status what; do
    case "$name" in '#'*|'') continue;; esac
    status=$(echo "$status" | tr -d ' ')
    case "$status" in
    said)
        file=$(echo "$what" | sed 's/^ *//; s/:.*//')
        text=$(echo "$what" | sed 's/^[^:]*: //')
        if ! grep -qF -- "$text" "$file" 2>/dev/null; then
            echo "FAIL limits: $(echo $name): '$text' is not in $file"; fail=1
        fi
        said=$((said + 1));;
    unproven) unproven=$((unproven + 1));;
    internal) internal=$((internal + 1));;
    *) echo "FAIL limits: $name: status '$status' is none of said, internal, unproven"; fail=1;;
    esac
done < "$reg"
[ $fail = 0 ] && echo "limits: $((said + unproven + internal)) bounds listed: $said shown to speak by a test, $internal internal, $unproven not yet shown (tests/limits/registry.txt)"
exit $fail
