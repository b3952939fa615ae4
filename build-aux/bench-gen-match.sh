#!/bin/sh
# make bench: jm-gen -n N | jm-match --top 10 at the default pace, the generator's whole market
# through the matcher: wall time, pairs scored, applications (a candidate's and in all), what
# jm-match holds at the end and its peak memory. One run each (the 1,000,000 run takes minutes).
# JM_BIN names the folder of the tools (default cli), JM_BENCH_GEN_MATCH_N the sizes (default
# "100000 1000000").
set -eu
cd "$(dirname "$0")/.."
bin=${JM_BIN:-cli}
sizes=${JM_BENCH_GEN_MATCH_N:-100000 1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { echo "bench-gen-match: needs /usr/bin/time (GNU time) for peak memory" >&2; exit 3; }

stat() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$tmp/stats"; }

echo "jm-gen -n N | jm-match --top 10 > /dev/null, $(nproc) CPUs, $(uname -m)"
for n in $sizes; do
  t0=$(date +%s%N)
  "$bin/jm-gen" -n "$n" |
    /usr/bin/time -f %M -o "$tmp/rss" "$bin/jm-match" --top 10 --stats > /dev/null 2> "$tmp/stats"
  t1=$(date +%s%N)
  awk -v n="$n" -v ns=$((t1 - t0)) -v pairs="$(stat pairs_scored)" -v apps="$(stat applications)" \
      -v jobs="$(stat held_jobs)" -v cands="$(stat held_candidates)" -v kib="$(tail -n 1 "$tmp/rss")" 'BEGIN {
    s = ns / 1e9
    printf "-n %-8d %8.1f s  %13.0f pairs scored (%.0f/s)  %11.0f applications (%.1f a candidate)\n", n, s, pairs, pairs / s, apps, apps / n
    printf "           held at the end: %d jobs, %d candidates; jm-match peak memory %.0f MiB\n", jobs, cands, kib / 1024
  }'
done
