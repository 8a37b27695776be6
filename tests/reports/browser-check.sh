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
# (links within the page, href="#...", stay in it)
if grep -qiE 'src=|href="[^#]|url\(|@import|https?://' "$tmp/report.html"; then
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
# the layout at 800 and 1280 px: no table wider than the page (cut off), every chart's text at
# least 9 px as drawn; measured by a script in a copy of the page, as the hover is
sed -e "s/script-src 'sha256-[^']*'/script-src 'unsafe-inline'/" \
    -e 's|</body>|<script>(function(){var bad=[],W=document.documentElement.clientWidth;document.querySelectorAll("table").forEach(function(t,i){var r=t.getBoundingClientRect();if(r.right>W+1)bad.push("table "+i+" ends at "+Math.round(r.right)+" px of "+W)});document.querySelectorAll("svg.chart").forEach(function(s,i){var k=s.getBoundingClientRect().width/s.viewBox.baseVal.width;s.querySelectorAll("text").forEach(function(x){var px=parseFloat(getComputedStyle(x).fontSize)*k;if(px<9)bad.push("chart "+i+" text "+px.toFixed(1)+" px")})});document.body.setAttribute("data-layout",bad.length?bad.slice(0,4).join("; "):"ok")})();</script></body>|' \
    "$tmp/report.html" > "$tmp/measure.html"
for width in 800 1280; do
    page=measure.html run --window-size=$width,2000 --dump-dom > "$tmp/measure-$width.html" 2> "$tmp/measure.log" || fail=1
    layout=$(grep -o 'data-layout="[^"]*"' "$tmp/measure-$width.html" | head -1)
    if [ "$layout" != 'data-layout="ok"' ]; then
        echo "FAIL browser: at $width px: ${layout:-the measuring script did not run}"
        fail=1
    fi
    run --window-size=$width,2400 --hide-scrollbars --screenshot="$tmp/shot-$width.png" > /dev/null 2>&1 &&
        cp "$tmp/shot-$width.png" "build/report-$width.png"
done
# every citation followed in Chromium, in every recorded incident's report: each link of the page
# clicked, its target found and scrolled to (the top of the window, or the page's end), a quote's
# target holding its citation's line number
follow='<script>(function(){var bad=[],n=0,q=0;document.querySelectorAll("a[href]").forEach(function(a){var href=a.getAttribute("href");if(href.charAt(0)!="#")return;var id=href.slice(1),t=document.getElementById(id);n++;if(!t){bad.push(id+": no target");return}a.click();var top=t.getBoundingClientRect().top,end=window.scrollY+innerHeight>=document.documentElement.scrollHeight-2;if(Math.abs(top)>2\&\&!end)bad.push(id+": not scrolled to ("+Math.round(top)+" px)");var m=id.match(/^E[0-9]+-([0-9]+)$/);if(m){q++;if(t.textContent.indexOf("> "+" ".repeat(Math.max(0,6-m[1].length))+m[1]+" | ")<0)bad.push(id+": the quote lacks line "+m[1])}});document.body.setAttribute("data-links",bad.length?bad.slice(0,4).join("; "):"ok "+n+" "+q)})();</script></body>'
links_total=0 quotes_total=0 reports=0
for bundle in fixtures/incidents/*.tar.zst fixtures/incidents/*.tar.gz fixtures/incidents/*.zip; do
    name=$(basename "$bundle")
    "$bin" analyze -q -o "$tmp/links-src.html" "$bundle" || fail=1
    sed -e "s/script-src 'sha256-[^']*'/script-src 'unsafe-inline'/" -e "s%</body>%$follow%" \
        "$tmp/links-src.html" > "$tmp/links.html"
    page=links.html run --window-size=1280,900 --dump-dom > "$tmp/links-dom.html" 2> "$tmp/links.log" || fail=1
    links=$(grep -o 'data-links="[^"]*"' "$tmp/links-dom.html" | head -1)
    case $links in
        'data-links="ok '*)
            set -- $(echo "$links" | sed 's/data-links="ok \([0-9]*\) \([0-9]*\)"/\1 \2/')
            links_total=$((links_total + $1)) quotes_total=$((quotes_total + $2)) reports=$((reports + 1)) ;;
        *) echo "FAIL browser: $name: following the citations: ${links:-the script did not run}"; fail=1 ;;
    esac
done
links_said="$links_total links of $reports reports followed, $quotes_total of them to quoted lines"
# printed: a PDF whose text layer holds every section heading (pdftotext, from Debian's
# poppler-utils, installed when missing; else that part is skipped and said)
run --no-pdf-header-footer --print-to-pdf="$tmp/report.pdf" > /dev/null 2>&1 || fail=1
if ! command -v pdftotext > /dev/null 2>&1 && command -v apt-get > /dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo -n"
    $sudo apt-get install -y --no-install-recommends poppler-utils > build/poppler-install.log 2>&1 || true
fi
pdf_said=""
if [ ! -s "$tmp/report.pdf" ]; then
    echo "FAIL browser: Chromium printed no PDF"
    fail=1
elif command -v pdftotext > /dev/null 2>&1; then
    cp "$tmp/report.pdf" build/report-01.pdf
    pages=$(pdfinfo "$tmp/report.pdf" | awk '/^Pages:/ {print $2}')
    pdftotext "$tmp/report.pdf" "$tmp/report.txt"
    for heading in "orders leaked PostgreSQL connections" "Summary" "Impact" "Timeline" "Root cause and trigger" \
        "Explanations weighed" "Detection" "Resolution" "Action items" "Configuration findings" "Lessons" \
        "Appendix: the inputs"; do
        if ! grep -qF "$heading" "$tmp/report.txt"; then
            echo "FAIL browser: the printed PDF's text lacks the heading '$heading'"
            fail=1
        fi
    done
    if [ -z "$pages" ] || [ "$pages" -lt 1 ]; then
        echo "FAIL browser: the printed PDF has no page"
        fail=1
    fi
    pdf_said="; printed, $pages page(s) holding every heading (build/report-01.pdf)"
else
    pdf_said="; the PDF's text not checked (pdftotext missing: apt-get install poppler-utils)"
fi
if [ -s "$tmp/shot.png" ]; then
    cp "$tmp/shot.png" build/report-screenshot.png
else
    echo "FAIL browser: no screenshot"
    fail=1
fi
[ $fail = 0 ] && echo "browser: the HTML report renders in $("$browser" --version 2>/dev/null | head -1) without a console error or a fetch; $links_said; no table cut and chart text of 9 px or more at 800 and 1280 px (build/report-800.png, build/report-1280.png)$pdf_said"
exit $fail
