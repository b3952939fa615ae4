#!/bin/sh
# make check-valgrind: every Check suite, the three tools on the sample data (generate, match,
# report as text, JSON and HTML, dead letters) and every fuzz corpus through its replay binary,
# under valgrind memcheck; any error or definite or indirect leak fails.
# Usage: build-aux/run-valgrind.sh [BUILD_DIR] (programs in cli/ for build, else BUILD_DIR/cli)
set -eu
JM_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
. "$JM_SRCDIR/build-aux/test-tools.sh"
jm_need JM_VALGRIND
build=${1:-build}
bin=cli
[ "$build" = build ] || bin=$build/cli
vg="$JM_VALGRIND --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0 passed=0
export CK_FORK=no # the Check suites in one process, so that valgrind sees every test
# Cases tagged "statistical" draw tens of thousands of records to test distributions: fifty times
# slower here, and their code is run by the other cases too.
export CK_EXCLUDE_TAGS=statistical

# run NAME COMMAND...: COMMAND under valgrind; counts the result, and on failure shows the end
# of what it said (a suite's failed checks, valgrind's report).
run() {
  name=$1
  shift
  if $vg "$@" > "$tmp/out" 2> "$tmp/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL (valgrind): $name"
    tail -n 20 "$tmp/out" | sed 's/^/  /'
    head -n 40 "$tmp/err" | sed 's/^/  /'
  fi
}

for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  run "$t" "$t"
done

jobs=tests/data/jobs-sample.csv cands=tests/data/candidates-sample.csv
run "jm-gen" "$bin/jm-gen" -n 300 --seed 7 --late-fraction 0.2 --bad-fraction 0.05 -o "$tmp/gen.ndjson"
run "jm-match (sample)" "$bin/jm-match" --threads 1 -o "$tmp/apps.ndjson" "$jobs" "$cands"
run "jm-match --threads 2 --top 3" "$bin/jm-match" --threads 2 --top 3 "$jobs" "$cands"
run "jm-match (generated, --errors)" "$bin/jm-match" --passthrough --expire-jobs \
  --errors "$tmp/rejects" -o "$tmp/gen-apps.ndjson" "$tmp/gen.ndjson"
run "jm-report (text)" "$bin/jm-report" --width 120 --audit-by nationality --color always \
  "$tmp/apps.ndjson" "$tmp/gen-apps.ndjson"
run "jm-report --json" "$bin/jm-report" --json "$tmp/apps.ndjson"
run "jm-report --html" "$bin/jm-report" --html "$tmp/report.html" "$tmp/gen-apps.ndjson"
for tool in "$bin"/jm-*; do
  [ -x "$tool" ] || continue
  run "${tool##*/} --help" "$tool" --help
done

for f in "$build"/tests/fuzz_*-replay; do
  [ -x "$f" ] || continue
  name=${f##*/}
  name=${name%-replay}
  name=${name#fuzz_}
  run "fuzz corpus $name" "$f" tests/fuzz/corpus/"$name"/*
done

echo "valgrind: $passed passed, $failed failed"
[ "$failed" = 0 ]
