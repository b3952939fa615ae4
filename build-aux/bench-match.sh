#!/bin/sh
# jm-match on the full reference data (4,000 jobs x 4,000 candidates): pairs scored and
# applications written per second, peak memory, and the whole run against `cat` copying the same
# output to /dev/null, measured in this run (best of three each), on the default threads and on
# one; --threads 1, 2 and all the processors online, their runs interleaved (best and median of
# five each), and the speed-ups beside what two independent one-thread runs side by side get;
# then, when valgrind is there, the instructions of one thread on the first 1,000 x 1,000
# (callgrind: repeatable where wall time is not on a shared machine).
set -eu
cd "$(dirname "$0")/.."
ref=${JM_REFERENCE:-../shared/reference}
jobs=$ref/seed-job_posts.csv
cands=$ref/seed-candidate_profiles.csv
match=${JM_MATCH:-cli/jm-match} # another build to compare, e.g. the one before a change
[ -f "$jobs" ] && [ -f "$cands" ] || { echo "bench-match: reference CSVs not found under $ref (set JM_REFERENCE)" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1767225600

now() { date +%s.%N; }
best_of_3() { # command... ; prints the best wall time in seconds
  best=""
  for i in 1 2 3; do
    t0=$(now); "$@"; t1=$(now)
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}
run_match() { "$match" "$jobs" "$cands" > /dev/null; }
run_match1() { "$match" --threads 1 "$jobs" "$cands" > /dev/null; }
run_cat() { cat "$tmp/out.ndjson" > /dev/null; }

"$match" --stats "$jobs" "$cands" > "$tmp/out.ndjson" 2> "$tmp/stats"
pairs=$(sed -n 's/.*"pairs_scored":\([0-9]*\).*/\1/p' "$tmp/stats")
apps=$(sed -n 's/.*"applications":\([0-9]*\).*/\1/p' "$tmp/stats")
bytes=$(wc -c < "$tmp/out.ndjson")
/usr/bin/time -f %M -o "$tmp/rss" "$match" "$jobs" "$cands" > /dev/null
rss_kib=$(tail -n 1 "$tmp/rss")
t_match=$(best_of_3 run_match)
t_match1=$(best_of_3 run_match1)
t_cat=$(best_of_3 run_cat)

printf 'command:            %s %s %s > /dev/null\n' "$match" "$jobs" "$cands"
printf 'pairs scored:       %d\n' "$pairs"
printf 'applications:       %d (%d bytes of NDJSON)\n' "$apps" "$bytes"
printf 'jm-match:           %.3f s  (%.0f pairs/s, %.0f applications/s)\n' "$t_match" \
  "$(echo "$pairs / $t_match" | bc -l)" "$(echo "$apps / $t_match" | bc -l)"
printf 'cat of the output:  %.3f s\n' "$t_cat"
printf 'ratio jm-match/cat: %.2f (aim: at most 4)\n' "$(echo "$t_match / $t_cat" | bc -l)"
printf 'jm-match --threads 1: %.3f s  (%.0f applications/s)\n' "$t_match1" \
  "$(echo "$apps / $t_match1" | bc -l)"
printf 'ratio --threads 1/cat: %.2f (aim: at most 3)\n' "$(echo "$t_match1 / $t_cat" | bc -l)"
printf 'peak memory:        %d KiB\n' "$rss_kib"

# One against two threads and all: interleaved, so that a busy minute costs each alike, over
# JM_BENCH_ROUNDS rounds (default 5); the best and the median wall time of each, and the CPU time
# (user + system) of its best run: on a shared machine the median says how steady the best is,
# and CPU time above wall time says whether the processors were there to be had.
cpus=$(getconf _NPROCESSORS_ONLN)
rounds=${JM_BENCH_ROUNDS:-5}
: > "$tmp/threads"
for i in $(seq "$rounds"); do
  for k in 1 2 all; do
    n=$k; [ "$k" = all ] && n=$cpus
    /usr/bin/time -f "$k %e %U %S" -a -o "$tmp/threads" "$match" --threads "$n" "$jobs" "$cands" > /dev/null
  done
  # The anchor: two independent one-thread runs side by side do twice the work with no sharing
  # at all, so 2 x (one run) / (the pair) is the most two processors give on this machine now.
  /usr/bin/time -f "pair %e %U %S" -a -o "$tmp/threads" sh -c \
    '"$1" --threads 1 "$2" "$3" > /dev/null & "$1" --threads 1 "$2" "$3" > /dev/null; wait' \
    sh "$match" "$jobs" "$cands"
done
# k -> "best median cpu-of-best"
summary() {
  awk -v k="$1" '$1 == k { n++; w[n] = $2; c[n] = $3 + $4 }
    END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (w[j] < w[i]) {
            t = w[i]; w[i] = w[j]; w[j] = t; t = c[i]; c[i] = c[j]; c[j] = t }
          m = n % 2 ? w[(n + 1) / 2] : (w[n / 2] + w[n / 2 + 1]) / 2
          printf "%.3f %.3f %.3f\n", w[1], m, c[1] }' "$tmp/threads"
}
set -- $(summary 1); b1=$1 m1=$2 c1=$3
set -- $(summary 2); b2=$1 m2=$2 c2=$3
set -- $(summary all); ball=$1 mall=$2 call=$3
set -- $(summary pair); bpair=$1 mpair=$2
printf 'command:            %s --threads N %s %s > /dev/null (%d rounds)\n' "$match" "$jobs" "$cands" "$rounds"
printf -- '--threads 1:        best %.3f s, median %.3f s (%.2f times cat; CPU %.2f s)\n' "$b1" "$m1" "$(echo "$b1 / $t_cat" | bc -l)" "$c1"
printf -- '--threads 2:        best %.3f s, median %.3f s (%.2f times cat; CPU %.2f s)\n' "$b2" "$m2" "$(echo "$b2 / $t_cat" | bc -l)" "$c2"
printf -- '--threads %d (all):  best %.3f s, median %.3f s (%.2f times cat; CPU %.2f s)\n' "$cpus" "$ball" "$mall" "$(echo "$ball / $t_cat" | bc -l)" "$call"
printf 'speed-up 2 / 1:     %.2f best, %.2f median (aim: at least 1.7 on a quiet machine)\n' "$(echo "$b1 / $b2" | bc -l)" "$(echo "$m1 / $m2" | bc -l)"
printf 'two --threads 1 runs side by side: best %.3f s, median %.3f s (the most two processors give: %.2f best, %.2f median)\n' \
  "$bpair" "$mpair" "$(echo "2 * $b1 / $bpair" | bc -l)" "$(echo "2 * $m1 / $mpair" | bc -l)"
printf 'speed-up all / 1:   %.2f best, %.2f median\n' "$(echo "$b1 / $ball" | bc -l)" "$(echo "$m1 / $mall" | bc -l)"
if command -v valgrind > /dev/null 2>&1; then
  head -n 1001 "$jobs" > "$tmp/jobs1k.csv"
  head -n 1001 "$cands" > "$tmp/cands1k.csv"
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$match" --threads 1 \
    "$tmp/jobs1k.csv" "$tmp/cands1k.csv" > /dev/null 2> "$tmp/cg.log"
  ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$tmp/cg.log")
  apps1k=$("$match" --threads 1 "$tmp/jobs1k.csv" "$tmp/cands1k.csv" | wc -l)
  printf 'instructions, --threads 1 on the first 1,000 x 1,000: %d (%d applications)\n' "$ir" "$apps1k"
fi
