#!/bin/sh
# make demo: the whole embedded pipeline with files and pipes only:
# jm-gen | jm-match --passthrough --top 10 | jm-report, printing the terminal report and writing
# the HTML page (with the bias audit), whose path it prints. The market ends now (--end now): its
# newest event is at most the moment it is made, so the report's freshness is a lag, never ahead.
set -eu
cd "$(dirname "$0")/.."
bin=${JM_BIN:-cli}
out=${JM_DEMO_OUT:-build/demo}
n=${JM_DEMO_N:-2000}
mkdir -p "$out"
page=$(cd "$out" && pwd)/report.html
echo "demo: $bin/jm-gen -n $n --end now | $bin/jm-match --passthrough --top 10 | $bin/jm-report --audit --html $page"
echo
"$bin/jm-gen" -n "$n" --end now | "$bin/jm-match" --passthrough --top 10 | "$bin/jm-report" --audit --html "$page"
echo
echo "demo: the HTML report is $page"
