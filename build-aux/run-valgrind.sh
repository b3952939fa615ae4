#!/bin/sh
# make check-valgrind: every Check suite and jm-match on the sample data under valgrind memcheck;
# any error or leak fails.
set -eu
JM_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
. "$JM_SRCDIR/build-aux/test-tools.sh"
jm_need JM_VALGRIND
build=${1:-build}
vg="$JM_VALGRIND --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
failed=0 passed=0
for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  if CK_FORK=no $vg "$t" > /dev/null; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL (valgrind): $t"; fi
done
for tool in cli/jm-*; do
  [ -x "$tool" ] || continue
  case ${tool##*/} in
    jm-match) args="tests/data/jobs-sample.csv tests/data/candidates-sample.csv" ;;
    *) args="--help" ;;
  esac
  if $vg "$tool" $args > /dev/null; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL (valgrind): $tool"; fi
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" = 0 ]
