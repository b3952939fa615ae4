#!/bin/sh
# Golden end-to-end tests. Each folder under the given root is a case:
#   cmd      the command line, run by sh with $JM_BIN/jm-* on PATH in a scratch copy of the case
#            folder (what it writes stays out of the tree, and two runs of a case never meet)
#   stdin    (optional) its standard input
#   stdout   (optional) the exact standard output expected
#   stderr   (optional) the exact standard error expected
#   status   (optional) the exit status expected; 0 when absent
# SOURCE_DATE_EPOCH is fixed so that read times, and so outputs, are reproducible.
# The programs the cases run are those configure found: $JM_PYTHON, $JM_JQ, $JM_CHROMIUM
# (build-aux/test-tools.sh); $JM_SRCDIR is the top of the tree, $JM_DATA its tests/data.
root=${1:-tests/cli}
: "${JM_BIN:?JM_BIN must name the folder of the jm-* programs}"
JM_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
. "$JM_SRCDIR/build-aux/test-tools.sh"
jm_need JM_PYTHON JM_JQ JM_CHROMIUM || exit 1
export PATH="$JM_BIN:$PATH" SOURCE_DATE_EPOCH=1767225600 LC_ALL=C NO_COLOR=1
export JM_DATA="$JM_SRCDIR/tests/data"
passed=0 failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for dir in "$root"/*/; do
  dir=${dir%/}
  [ -f "$dir/cmd" ] || continue
  name=${dir##*/}
  in=/dev/null
  [ -f "$dir/stdin" ] && in="$dir/stdin"
  rm -rf "$tmp/case" && mkdir "$tmp/case" && cp -R "$dir/." "$tmp/case/" || exit 1
  (cd "$tmp/case" && sh ./cmd) < "$in" > "$tmp/out" 2> "$tmp/err"
  got=$?
  want=0
  [ -f "$dir/status" ] && want=$(cat "$dir/status")
  ok=1
  if [ "$got" != "$want" ]; then ok=0; echo "FAIL $name: exit status $got, expected $want"; fi
  if [ -f "$dir/stdout" ] && ! cmp -s "$tmp/out" "$dir/stdout"; then
    ok=0; echo "FAIL $name: stdout differs:"; diff "$dir/stdout" "$tmp/out" | head -20
  fi
  if [ -f "$dir/stderr" ] && ! cmp -s "$tmp/err" "$dir/stderr"; then
    ok=0; echo "FAIL $name: stderr differs:"; diff "$dir/stderr" "$tmp/err" | head -20
  fi
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "cli tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
