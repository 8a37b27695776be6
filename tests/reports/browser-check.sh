#!/bin/sh
# The HTML postmortem in a real browser: headless Chromium opens it with
# nothing reachable, and the check fails on a console error, on any attempt
# to fetch (the page's CSP refuses everything, and refusals are logged), or
# when the chart is missing. The screenshot stays as an artifact:
# build/report-screenshot.png. Where Chromium is missing and cannot be
# installed, the check says so and skips.
#   tests/reports/browser-check.sh BIN
set -u
bin=$1
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ] && command -v apt-get > /dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo -n"
    if $sudo apt-get install -y --no-install-recommends chromium > build/chromium-install.log 2>&1 ||
       { $sudo apt-get update > /dev/null 2>&1 && $sudo apt-get install -y --no-install-recommends chromium >> build/chromium-install.log 2>&1; }; then
        browser=$(command -v chromium || true)
    fi
fi
if [ -z "$browser" ]; then
    echo "browser: skipped, Chromium is not installed and could not be (apt-get install chromium; see build/chromium-install.log)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
"$bin" analyze -q -o "$tmp/report.html" fixtures/incidents/01-leak-hikari.tar.zst || fail=1
# nothing in the file points outside it
if grep -qiE '(src|href)=|url\(|@import|https?://' "$tmp/report.html"; then
    echo "FAIL browser: the report refers to something outside itself:"
    grep -oiE '(src|href)=[^ >]*|url\([^)]*\)|@import[^;]*|https?://[^" <]*' "$tmp/report.html" | head -5
    fail=1
fi
run() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
        --disable-background-networking --host-resolver-rules="MAP * ~NOTFOUND" \
        --enable-logging=stderr --v=0 "$@" "file://$tmp/report.html"
}
run --window-size=1200,2400 --hide-scrollbars --screenshot="$tmp/shot.png" > "$tmp/shot.log" 2>&1 || fail=1
run --dump-dom > "$tmp/dom.html" 2> "$tmp/dom.log" || fail=1
if grep -hE 'CONSOLE|Uncaught|Refused to|net::ERR_' "$tmp/shot.log" "$tmp/dom.log" | grep -v 'net::ERR_NAME_NOT_RESOLVED.*update' > "$tmp/bad.txt"; [ -s "$tmp/bad.txt" ]; then
    echo "FAIL browser: console errors or fetch attempts:"
    head -5 "$tmp/bad.txt"
    fail=1
fi
if ! grep -q '<svg' "$tmp/dom.html" || ! grep -q 'Verdict: leak' "$tmp/dom.html"; then
    echo "FAIL browser: the rendered page lacks the verdict or the chart"
    fail=1
fi
if [ -s "$tmp/shot.png" ]; then
    cp "$tmp/shot.png" build/report-screenshot.png
else
    echo "FAIL browser: no screenshot"
    fail=1
fi
[ $fail = 0 ] && echo "browser: the HTML report renders in $("$browser" --version 2>/dev/null | head -1) without a console error or a fetch; screenshot in build/report-screenshot.png"
exit $fail
