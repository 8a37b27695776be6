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
# the inline script may run only by its hash
python3 tests/reports/script-hash.py "$tmp/report.html" || fail=1
# a copy that moves the mouse over the chart once loaded: the hover details must appear
# (the copy allows inline scripts; everything else stays refused)
sed -e "s/script-src 'sha256-[^']*'/script-src 'unsafe-inline'/" \
    -e 's|</body>|<script>var s=document.querySelector("svg[data-pts]"),r=s.getBoundingClientRect();s.dispatchEvent(new MouseEvent("mousemove",{clientX:r.left+r.width*0.6,clientY:r.top+r.height/2,bubbles:true}));</script></body>|' \
    "$tmp/report.html" > "$tmp/hover.html"
run() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
        --disable-background-networking --host-resolver-rules="MAP * ~NOTFOUND" \
        --enable-logging=stderr --v=0 "$@" "file://$tmp/${page:-report.html}"
}
run --window-size=1200,2400 --hide-scrollbars --screenshot="$tmp/shot.png" > "$tmp/shot.log" 2>&1 || fail=1
run --dump-dom > "$tmp/dom.html" 2> "$tmp/dom.log" || fail=1
page=hover.html run --dump-dom > "$tmp/hover-dom.html" 2> "$tmp/hover.log" || fail=1
if ! grep -q 'data-hover="ready"' "$tmp/dom.html"; then
    echo "FAIL browser: the hover script did not run (refused by the CSP, or an error)"
    fail=1
fi
if ! grep -qE '<g class="hover"><line[^>]*x1=[^>]*>.*[0-9]{2}:[0-9]{2}:[0-9]{2} UTC: [0-9]+ open</text>' "$tmp/hover-dom.html"; then
    echo "FAIL browser: moving the mouse over the chart shows no time and open count"
    fail=1
fi
if grep -hE 'CONSOLE|Uncaught|Refused to|net::ERR_' "$tmp/shot.log" "$tmp/dom.log" "$tmp/hover.log" | grep -v 'net::ERR_NAME_NOT_RESOLVED.*update' > "$tmp/bad.txt"; [ -s "$tmp/bad.txt" ]; then
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
