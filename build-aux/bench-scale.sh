#!/bin/sh
# make bench (and make bench-scale): the scale run of docs/PERFORMANCE.md. jm-gen makes a dense
# market, 100,000 job posts first and then 1,000,000 candidates (every job held when the
# candidates come: --state-ttl 0), streamed through jm-match --top 10 --stats > /dev/null:
# candidates per second, pairs scored against pairs passed over by the bounds, peak memory
# (/usr/bin/time -f %M) per held record beside the records' text. Then a sample of the same
# market (the jobs and the first JM_BENCH_SCALE_SAMPLE candidates) is matched again scoring
# every pair (JM_MATCHER_EXHAUSTIVE=1) and must give the same bytes. JM_BIN names the folder of
# the tools (default cli); JM_BENCH_SCALE_JOBS and JM_BENCH_SCALE_CANDIDATES the sizes.
set -eu
cd "$(dirname "$0")/.."
bin=${JM_BIN:-cli}
jobs=${JM_BENCH_SCALE_JOBS:-100000}
cands=${JM_BENCH_SCALE_CANDIDATES:-1000000}
sample=${JM_BENCH_SCALE_SAMPLE:-2000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { echo "bench-scale: needs /usr/bin/time (GNU time) for peak memory" >&2; exit 3; }

# One pace for both runs, so that a run's first records are the same whatever its length.
market() { # $1: candidates
  "$bin/jm-gen" --jobs "$jobs" --candidates 0 --seed 1 --per-day 1000
  "$bin/jm-gen" --jobs 0 --candidates "$1" --seed 2 --per-day 1000 --start 2026-01-01T00:00:00Z
}
stat() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$2"; }

echo "bench-scale: $jobs jobs then $cands candidates, jm-match --top 10 --state-ttl 0, $(nproc) CPUs"
market "$cands" | wc -c > "$tmp/bytes"
t0=$(date +%s%N)
market "$cands" |
  /usr/bin/time -f "%M %U %S" -o "$tmp/time" "$bin/jm-match" --top 10 --state-ttl 0 --max-future 0 --stats \
    > /dev/null 2> "$tmp/stats"
t1=$(date +%s%N)
awk -v ns=$((t1 - t0)) -v cands="$cands" -v bytes="$(cat "$tmp/bytes")" \
    -v scored="$(stat pairs_scored "$tmp/stats")" -v skipped="$(stat pairs_skipped "$tmp/stats")" \
    -v apps="$(stat applications "$tmp/stats")" -v hj="$(stat held_jobs "$tmp/stats")" \
    -v hc="$(stat held_candidates "$tmp/stats")" -v t="$(tail -n 1 "$tmp/time")" 'BEGIN {
  split(t, f, " "); s = ns / 1e9; held = hj + hc; rss = f[1] * 1024
  printf "wall %.1f s (user %.1f s, sys %.1f s): %.0f candidates/s, %d applications\n", s, f[2], f[3], cands / s, apps
  printf "pairs scored %.0f, passed over %.0f (%.2f%% of %.0f joined pairs scored)\n", scored, skipped, 100 * scored / (scored + skipped), scored + skipped
  printf "peak memory %.0f MiB for %d held records: %.0f bytes a record; input text %.0f bytes a record\n", rss / 1048576, held, rss / held, bytes / held
  printf "aim: under 1 KiB a record plus its text (%.0f bytes): %s\n", 1024 + bytes / held, rss / held < 1024 + bytes / held ? "met" : "missed"
}'

market "$sample" > "$tmp/sample.ndjson"
"$bin/jm-match" --top 10 --state-ttl 0 --max-future 0 --stats "$tmp/sample.ndjson" > "$tmp/bounds" 2> "$tmp/bs"
JM_MATCHER_EXHAUSTIVE=1 "$bin/jm-match" --top 10 --state-ttl 0 --max-future 0 --stats "$tmp/sample.ndjson" \
  > "$tmp/every" 2> "$tmp/es"
if cmp -s "$tmp/bounds" "$tmp/every"; then
  echo "sample of $sample candidates: the same $(wc -l < "$tmp/every") applications as scoring every pair ($(stat pairs_scored "$tmp/es") pairs; the bounds scored $(stat pairs_scored "$tmp/bs"))"
else
  echo "bench-scale: the sample differs from scoring every pair" >&2
  exit 1
fi
