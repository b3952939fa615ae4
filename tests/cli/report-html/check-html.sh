#!/bin/sh
# jm-report's HTML page in headless Chromium, the network blocked:
# - every chart renders under the page's own Content-Security-Policy, no request leaves the
#   file, a screenshot is not blank (check_page.py);
# - on demo data (jm-gen) and on the reference sample, at 1400 and 420 px wide, no chart label
#   is clipped or overlaps another, nothing is cut off, times and headings do not wrap, and
#   choosing the largest job family in the page's filter turns every chart's and tile's total
#   into that family's figures, recounted from the NDJSON (measure.js, check_layout.py);
# - --html - writes the same page to standard output.
# Chromium is found on PATH (CI installs Debian's chromium); this test installs nothing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
chromium=$(command -v chromium || command -v chromium-browser) ||
  { echo "chromium is missing: install it (Debian: apt-get install --no-install-recommends chromium)"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# Every request Chromium would make goes to a dead proxy and no name resolves.
flags="--headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --disable-extensions \
  --hide-scrollbars --proxy-server=127.0.0.1:9 --host-resolver-rules=MAP*~NOTFOUND"
browse() { # browse NAME WIDTHxHEIGHT ARGS... : one Chromium run with its own profile
  name=$1 size=$2
  shift 2
  timeout 120 "$chromium" $flags --user-data-dir="$tmp/profile-$name" --window-size="$size" \
    --virtual-time-budget=5000 "$@" 2> "$tmp/$name.err"
}

jm-gen -n 600 --seed 7 --start 2025-06-01T00:00:00Z | jm-match --passthrough --top 5 > "$tmp/demo.ndjson" &&
  jm-match --passthrough "$JM_DATA/jobs-sample.csv" "$JM_DATA/candidates-sample.csv" > "$tmp/reference.ndjson" &&
  jm-report --audit --html "$tmp/demo.html" "$tmp/demo.ndjson" > /dev/null &&
  jm-report --audit --html "$tmp/reference.html" "$tmp/reference.ndjson" > /dev/null &&
  jm-report --audit --html - "$tmp/reference.ndjson" > "$tmp/stdout.html" || exit 1
cmp -s "$tmp/reference.html" "$tmp/stdout.html" || echo "--html - wrote another page"

page="file://$tmp/reference.html"
browse dom 1400,2600 --log-net-log="$tmp/net.json" --dump-dom "$page" > "$tmp/dom.html" ||
  { echo "chromium --dump-dom failed"; tail -5 "$tmp/dom.err"; exit 1; }
browse shot 1400,2600 --screenshot="$tmp/shot.png" "$page" > /dev/null ||
  { echo "chromium --screenshot failed"; tail -5 "$tmp/shot.err"; exit 1; }
# The request check must see a page that does fetch something: a control page with an image.
printf '<html><body><img src="http://example.invalid/x.png"></body></html>' > "$tmp/control.html"
browse control 800,600 --log-net-log="$tmp/net3.json" --dump-dom "file://$tmp/control.html" > /dev/null
[ "$(python3 "$here/check_page.py" --requests "$tmp/net3.json")" -ge 1 ] ||
  { echo "the request check missed the control page's request"; exit 1; }
python3 "$here/check_page.py" "$tmp/dom.html" "$tmp/net.json" "$tmp/shot.png" "$tmp/reference.html"

for data in demo reference; do
  family=$(python3 -c '
import collections, json, sys
c = collections.Counter(json.loads(l).get("job_family") for l in open(sys.argv[1]) if "\"application\"" in l)
print(c.most_common(1)[0][0])' "$tmp/$data.ndjson")
  python3 "$here/check_layout.py" --inject "$tmp/$data.html" "$here/measure.js" "$tmp/$data-measure.html" || exit 1
  hash=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$family")
  for width in 1400 420; do
    # The page in a frame exactly that wide; the frame's result comes back by postMessage.
    printf '%s' "<!DOCTYPE html><html><body style=\"margin:0\"><iframe \
style=\"width:${width}px;height:1200px;border:0\" src=\"$data-measure.html#jmtest=$hash\"></iframe>\
<script>addEventListener('message',function(e){var p=document.createElement('pre');\
p.id='jm-test';p.textContent=e.data;document.body.appendChild(p);});</script></body></html>" \
      > "$tmp/$data-$width-frame.html"
    browse "$data-$width" "$((width + 100)),1300" --dump-dom "file://$tmp/$data-$width-frame.html" \
      > "$tmp/$data-$width.dom" || { echo "chromium failed on $data at $width px"; exit 1; }
    printf '%s: ' "$data"
    python3 "$here/check_layout.py" "$tmp/$data-$width.dom" "$tmp/$data.ndjson" \
      "$JM_DATA/seed-vocab.json" "$family" "$SOURCE_DATE_EPOCH" "$width"
  done
done
