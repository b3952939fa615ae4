#!/bin/sh
# Benchmark of jm-report: the full reference pipeline's output (jm-match --passthrough over the
# reference CSVs, about 3.4 million applications with their jobs and candidates) through
# jm-report --json, once from the page cache; prints applications/s and peak memory, then the
# same over a third of the input to show memory does not grow with applications.
set -eu
cd "$(dirname "$0")/.."
bin=${JM_BIN:-cli}
ref=${JM_REFERENCE:-../shared/reference}
[ -f "$ref/seed-job_posts.csv" ] || { echo "bench-report: no reference data in $ref"; exit 1; }
tmp=${TMPDIR:-/tmp}/jm-bench-report.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
"$bin/jm-match" --passthrough "$ref/seed-job_posts.csv" "$ref/seed-candidate_profiles.csv" \
  > "$tmp/pipeline.ndjson"
apps=$(grep -c '"type":"application"' "$tmp/pipeline.ndjson")
bytes=$(wc -c < "$tmp/pipeline.ndjson")
head -n $(( $(wc -l < "$tmp/pipeline.ndjson") / 3 )) "$tmp/pipeline.ndjson" > "$tmp/third.ndjson"
cat "$tmp/pipeline.ndjson" > /dev/null # into the page cache
run() { # file label
  /usr/bin/time -f '%e %U %M' -o "$tmp/time" "$bin/jm-report" --json "$1" > "$tmp/out.json"
  read -r wall user kb < "$tmp/time"
  n=$(grep -o '"metrics":{"applications":[0-9]*' "$tmp/out.json" | cut -d: -f3)
  awk -v l="$2" -v n="$n" -v w="$wall" -v u="$user" -v kb="$kb" 'BEGIN {
    printf "%-6s %9d applications  %5.2f s wall  %5.2f s user  %10.0f apps/s (wall)  %10.0f apps/s (cpu)  peak %6.1f MiB\n",
           l, n, w, u, n / w, n / (u > 0 ? u : 1e-9), kb / 1024 }'
}
echo "input: $apps applications, $bytes bytes"
run "$tmp/third.ndjson" third
run "$tmp/pipeline.ndjson" full
run "$tmp/pipeline.ndjson" full
