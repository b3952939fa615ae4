#!/bin/sh
# make bench: jm-gen's records per second to /dev/null as NDJSON and as CSV, and its output rate
# against cat copying the same bytes (from the page cache to /dev/null) in the same run.
# Best of three runs each. JM_BIN names the folder of the tools (default cli), JM_BENCH_GEN_N the
# records of each kind (default 1000000, so 2 million records), JM_BENCH_GEN_THREADS jm-gen's
# --threads (default: jm-gen's own, 2 on a machine of 2 cores or more).
set -e
cd "$(dirname "$0")/.."
bin=${JM_BIN:-cli}
n=${JM_BENCH_GEN_N:-1000000}
threads=${JM_BENCH_GEN_THREADS:+--threads $JM_BENCH_GEN_THREADS}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best_of CMD...: the shortest wall time of three runs, in seconds.
best_of() {
  best=
  for _ in 1 2 3; do
    t0=$(date +%s%N)
    "$@"
    t1=$(date +%s%N)
    t=$(( t1 - t0 ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  echo "$best"
}
gen() { "$bin/jm-gen" -n "$n" --seed 1 --format "$1" $threads > /dev/null; }
copy() { cat "$tmp/out" > /dev/null; }

echo "jm-gen -n $n --seed 1 ${threads:-(default threads)} (2x$n records), $(nproc) CPUs, $(uname -m)"
for fmt in ndjson csv; do
  "$bin/jm-gen" -n "$n" --seed 1 --format "$fmt" > "$tmp/out"
  bytes=$(wc -c < "$tmp/out")
  gen_ns=$(best_of gen "$fmt")
  cat_ns=$(best_of copy)
  awk -v fmt="$fmt" -v n="$n" -v b="$bytes" -v g="$gen_ns" -v c="$cat_ns" 'BEGIN {
    recs = 2 * n
    printf "%-6s %9.0f records/s  %7.1f MB/s  (%.0f bytes in %.3f s)\n", fmt, recs / (g / 1e9), b / (g / 1e3), b, g / 1e9
    printf "       cat of the same bytes %7.1f MB/s in %.3f s: jm-gen writes at 1/%.1f of cat\n", b / (c / 1e3), c / 1e9, g / c
  }'
done
