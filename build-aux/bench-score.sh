#!/bin/sh
# make bench: scoring alone. tests/bench/bench_score.c reads the reference CSVs, prepares every
# record as the matcher does, and times over the same joined pairs, alternating, best of
# JM_BENCH_SCORE_ROUNDS (default 9): the bare kernel (Jaccard over fixed-width bit sets: AND,
# OR, popcounts, a division), the same kernel over the matcher's own bit sets, and the whole
# per-pair score (jm__score_prepared: five components, weighted sum, family). Aim: the score at
# least half the faster kernel's pairs a second. JM_BUILD_DIR: the build folder (default build).
set -eu
cd "$(dirname "$0")/.."
b=${JM_BUILD_DIR:-build}
ref=${JM_REFERENCE:-../shared/reference}
bin=$b/tests/bench_score
[ -x "$bin" ] || { echo "bench-score: $bin is missing (make bench builds it)" >&2; exit 3; }
out=$("$bin" "$ref/seed-job_posts.csv" "$ref/seed-candidate_profiles.csv" "${JM_BENCH_SCORE_ROUNDS:-9}")
echo "$out" | sed 's/^/bench-score: /'
echo "$out" | awk '/^ratio/ { printf "bench-score: aim: the score at least 0.5 of the kernel: %s\n", ($3 >= 0.5 ? "met" : "not met") }'
