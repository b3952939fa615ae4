#!/bin/sh
# jm-match on the full reference data (4,000 jobs x 4,000 candidates): pairs scored and
# applications written per second, peak memory, and the whole run against `cat` copying the same
# output to /dev/null, measured in this run (best of three each), on the default threads and on
# one; --threads 1, 2 and all the processors online, their runs interleaved (best of three
# each), and the speed-ups; then, when valgrind is there, the instructions of one thread on the
# first 1,000 x 1,000 (callgrind: repeatable where wall time is not on a shared machine).
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

# One against two threads and all: interleaved, so that a busy minute costs each alike.
cpus=$(getconf _NPROCESSORS_ONLN)
run_threads() { cli/jm-match --threads "$1" "$jobs" "$cands" > /dev/null; }
b1="" b2="" ball=""
for i in 1 2 3; do
  for k in 1 2 all; do
    n=$k; [ "$k" = all ] && n=$cpus
    t0=$(now); run_threads "$n"; t1=$(now)
    t=$(echo "$t1 - $t0" | bc -l)
    case $k in 1) cur=$b1 ;; 2) cur=$b2 ;; *) cur=$ball ;; esac
    if [ -z "$cur" ] || [ "$(echo "$t < $cur" | bc -l)" = 1 ]; then
      case $k in 1) b1=$t ;; 2) b2=$t ;; *) ball=$t ;; esac
    fi
  done
done
printf 'command:            cli/jm-match --threads N %s %s > /dev/null\n' "$jobs" "$cands"
printf -- '--threads 1:        %.3f s  (%.2f times cat)\n' "$b1" "$(echo "$b1 / $t_cat" | bc -l)"
printf -- '--threads 2:        %.3f s  (%.2f times cat)\n' "$b2" "$(echo "$b2 / $t_cat" | bc -l)"
printf -- '--threads %d (all):  %.3f s  (%.2f times cat)\n' "$cpus" "$ball" "$(echo "$ball / $t_cat" | bc -l)"
printf 'speed-up 2 / 1:     %.2f (aim: at least 1.7 on a quiet machine)\n' "$(echo "$b1 / $b2" | bc -l)"
printf 'speed-up all / 1:   %.2f\n' "$(echo "$b1 / $ball" | bc -l)"
if command -v valgrind > /dev/null 2>&1; then
  head -n 1001 "$jobs" > "$tmp/jobs1k.csv"
  head -n 1001 "$cands" > "$tmp/cands1k.csv"
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$match" --threads 1 \
    "$tmp/jobs1k.csv" "$tmp/cands1k.csv" > /dev/null 2> "$tmp/cg.log"
  ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$tmp/cg.log")
  apps1k=$("$match" --threads 1 "$tmp/jobs1k.csv" "$tmp/cands1k.csv" | wc -l)
  printf 'instructions, --threads 1 on the first 1,000 x 1,000: %d (%d applications)\n' "$ir" "$apps1k"
fi
