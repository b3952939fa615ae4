#!/bin/sh
# Opens jm-report's HTML page in headless Chromium with the network blocked and checks that
# every chart rendered, the table script ran, no request left the file, and a screenshot is not
# blank. Chromium and python3 are those configure found ($JM_CHROMIUM, $JM_PYTHON).
set -u
: "${JM_CHROMIUM:?configure found no chromium}" "${JM_PYTHON:?configure found no python3}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
jm-match --passthrough "$JM_DATA/jobs-sample.csv" "$JM_DATA/candidates-sample.csv" |
  jm-report --audit --html "$tmp/page.html" > /dev/null || exit 1
# Every request Chromium would make goes to a dead proxy and no name resolves.
flags="--headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --disable-extensions \
  --proxy-server=127.0.0.1:9 --host-resolver-rules=MAP*~NOTFOUND --window-size=1400,2600"
timeout 90 "$JM_CHROMIUM" $flags --user-data-dir="$tmp/p1" --log-net-log="$tmp/net.json" \
  --virtual-time-budget=3000 --dump-dom "file://$tmp/page.html" > "$tmp/dom.html" 2> "$tmp/c1.err" ||
  { echo "chromium --dump-dom failed"; tail -5 "$tmp/c1.err"; exit 1; }
timeout 90 "$JM_CHROMIUM" $flags --user-data-dir="$tmp/p2" --screenshot="$tmp/shot.png" \
  --virtual-time-budget=3000 "file://$tmp/page.html" > /dev/null 2> "$tmp/c2.err" ||
  { echo "chromium --screenshot failed"; tail -5 "$tmp/c2.err"; exit 1; }
# The request check must see a page that does fetch something: a control page with an image.
printf '<html><body><img src="http://example.invalid/x.png"></body></html>' > "$tmp/control.html"
timeout 90 "$JM_CHROMIUM" $flags --user-data-dir="$tmp/p3" --log-net-log="$tmp/net3.json" \
  --dump-dom "file://$tmp/control.html" > /dev/null 2>&1
[ "$("$JM_PYTHON" "$(dirname "$0")/check_page.py" --requests "$tmp/net3.json")" -ge 1 ] ||
  { echo "the request check missed the control page's request"; exit 1; }
"$JM_PYTHON" "$(dirname "$0")/check_page.py" "$tmp/dom.html" "$tmp/net.json" "$tmp/shot.png" \
  "$tmp/page.html"
