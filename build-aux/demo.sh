#!/bin/sh
# make demo: the whole embedded pipeline with files and pipes only:
# jm-gen | jm-match --passthrough | jm-report, printing the terminal report and writing the
# HTML page (with the bias audit), whose path it prints.
set -eu
cd "$(dirname "$0")/.."
bin=${JM_BIN:-cli}
out=${JM_DEMO_OUT:-build/demo}
n=${JM_DEMO_N:-2000}
mkdir -p "$out"
page=$(cd "$out" && pwd)/report.html
# jm-gen's clock steps 4.38 hours a record on average (the reference market's pace): start it that
# far back, so that the market it makes ends about now.
start=$(date -u -d "@$(( $(date +%s) - 2 * n * 15768 ))" +%Y-%m-%dT%H:%M:%SZ)
echo "demo: $bin/jm-gen -n $n --start $start | $bin/jm-match --passthrough | $bin/jm-report --audit --html $page"
echo
"$bin/jm-gen" -n "$n" --start "$start" | "$bin/jm-match" --passthrough | "$bin/jm-report" --audit --html "$page"
echo
echo "demo: the HTML report is $page"
