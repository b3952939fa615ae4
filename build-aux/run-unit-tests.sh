#!/bin/sh
# Runs each Check suite binary given; prints a closing "N passed, N failed" line of suites.
passed=0 failed=0
for t in "$@"; do
  if "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $t"; fi
done
echo "unit suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
