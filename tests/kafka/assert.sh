# The pass/fail bookkeeping shared by the Kafka test scripts (sourced, bash): each assertion
# prints "ok - NAME" or "not ok - NAME"; summary prints the counts and fails if any failed.
passed=0
failed=0
t0=$SECONDS
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { # NAME COMMAND...: one assertion
  local name=$1
  shift
  if "$@"; then ok "$name"; else not_ok "$name"; fi
}
summary() {
  echo "$passed passed, $failed failed ($((SECONDS - t0))s)"
  [ "$failed" = 0 ]
}
