#!/bin/bash
# The Kafka module on a real Apache Kafka broker (tests/kafka/broker.sh), with kcat as the
# independent client and tests/kafka/kafka-driver.c as the host that loads jm-kafka.so:
#  - jm-gen --to kafka: kcat reads back jm-gen's NDJSON exactly, keyed by id, stamped with the
#    event time, over 6 partitions the module created;
#  - one matching instance produces exactly jm-match's applications; groups of 2 and 3 over 6
#    partitions together too, every instance reading every job; also when a third instance joins
#    and leaves mid-stream;
#  - commit after delivery: an instance SIGKILLed before its first commit leaves no offset, and
#    its successor reads every candidate again;
#  - SIGKILL mid-stream and restart: the distinct application_ids are exactly the set; with a
#    transactional id a read_committed reader sees every application exactly once, also when a
#    group member is SIGKILLed during a rebalance;
#  - three brokers, replication 3, min.insync.replicas=2: the leader of a partition SIGKILLed
#    mid-run and restarted loses nothing, produced or matched;
#  - an unreachable broker: exit 3 with a clear message within a bounded time.
# Everything started is stopped in a trap, even on failure. Prints "N passed, N failed".
# Usage: tests/kafka/run-tests.sh   (JM_BIN: the tools' folder; JM_BUILD_DIR: the build folder)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${JM_BIN:-$root/cli}
build=${JM_BUILD_DIR:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
driver=$build/tests/kafka-driver
broker=$here/broker.sh
for t in kcat python3 timeout; do
  command -v "$t" >/dev/null 2>&1 || { echo "run-tests.sh: $t not found: install the Debian package ${t/timeout/coreutils}" >&2; exit 1; }
done
[ -x "$driver" ] || { echo "run-tests.sh: $driver not built (make kafka)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/jm-kafka-tests.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  "$broker" clean "$work/one" || true
  "$broker" clean "$work/three" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { # NAME COMMAND...: one assertion
  local name=$1
  shift
  if "$@"; then ok "$name"; else not_ok "$name"; fi
}
t0=$SECONDS
note() { echo "# $* ($((SECONDS - t0))s)" >&2; }

# Starts a command in the background, remembered for the trap; its pid in $last.
spawn() {
  "$@" &
  last=$!
  pids+=("$last")
}
# Waits for pid (bounded): its exit status, or 124 after SECONDS_MAX seconds (then SIGKILLed).
wait_for() { # PID SECONDS_MAX
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill -9 "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      return 124
    fi
    sleep 0.1
  done
  wait "$pid"
}
# Waits until the driver's progress file says delivered >= N (bounded, 60 s).
wait_delivered() { # FILE N
  local deadline=$((SECONDS + 60)) d
  while [ "$SECONDS" -lt "$deadline" ]; do
    d=$(sed -n 's/^delivered=\([0-9]*\).*/\1/p' "$1" 2>/dev/null)
    [ "${d:-0}" -ge "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

# A topic read to its end by kcat, values only (read_committed: what consumers may see).
read_topic() { # BOOT TOPIC [kcat args]
  local b=$1 t=$2
  shift 2
  timeout 120 kcat -C -b "$b" -t "$t" -o beginning -e -q -X isolation.level=read_committed "$@"
}
same_set() { # FILE EXPECTED: the distinct lines of FILE are exactly EXPECTED's
  sort -u "$1" | cmp -s - <(sort "$2") || {
    echo "# $1: $(wc -l <"$1") lines, $(sort -u "$1" | wc -l) distinct; expected $(wc -l <"$2")" >&2
    return 1
  }
}
exactly_once() { # FILE EXPECTED: FILE holds EXPECTED's lines, each once
  same_set "$1" "$2" && [ "$(wc -l <"$1")" = "$(wc -l <"$2")" ] || {
    echo "# $1: $(wc -l <"$1") lines for $(wc -l <"$2") expected" >&2
    return 1
  }
}
nothing_left() { ! pgrep -f "$work" >/dev/null; }

# The options every driver gets: quick group failure detection for the tests.
group_opts=(-s session.timeout.ms=6000 -s heartbeat.interval.ms=500)
topics() { # PREFIX: the module options naming PREFIX's three topics, for source and sink
  echo "-s topic_candidates=$1_c -s topic_jobs=$1_j -s topic_applications=$1_a -k topic_candidates=$1_c -k topic_jobs=$1_j -k topic_applications=$1_a"
}

# ---- the data ------------------------------------------------------------------------------------
"$bin/jm-gen" -n 300 --seed 11 >"$work/gen.ndjson" || { echo "jm-gen failed" >&2; exit 1; }
"$bin/jm-match" --state-ttl 0 <"$work/gen.ndjson" >"$work/expected" || { echo "jm-match failed" >&2; exit 1; }
njobs=$(grep -c '"type":"job_post"' "$work/gen.ndjson")
note "data: $(wc -l <"$work/gen.ndjson") records, $njobs jobs, $(wc -l <"$work/expected") applications"

boot=$("$broker" start "$work/one") || { echo "the broker did not start" >&2; exit 1; }
note "broker at $boot"

# Fills topics PREFIX_c and PREFIX_j (6 partitions, made by the module) from gen.ndjson.
fill() { # PREFIX
  "$bin/jm-gen" -n 300 --seed 11 --to "kafka:brokers=$boot,partitions=6,topic_candidates=$1_c,topic_jobs=$1_j,topic_applications=$1_a" >/dev/null
}

# ---- producing -----------------------------------------------------------------------------------
fill t1 || not_ok "jm-gen --to kafka exits 0"
read_topic "$boot" t1_j -f '%k\t%T\t%p\t%s\n' >"$work/t1_j"
read_topic "$boot" t1_c -f '%k\t%T\t%p\t%s\n' >"$work/t1_c"
cat "$work/t1_j" "$work/t1_c" | cut -f4- >"$work/t1_values"
check "jm-gen --to kafka: kcat reads back exactly jm-gen's NDJSON" exactly_once "$work/t1_values" "$work/gen.ndjson"
keys_ok() { # each message keyed by its record's id, stamped with its event time
  python3 - "$work/t1_j" "$work/t1_c" <<'EOF'
import json, sys
from datetime import datetime
bad = 0
for path in sys.argv[1:]:
    for line in open(path):
        key, ts, part, value = line.rstrip("\n").split("\t", 3)
        r = json.loads(value)
        rid = r.get("post_id") if r["type"] == "job_post" else r.get("candidate_id")
        want = int(datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")).timestamp() * 1000)
        if key != rid or int(ts) != want:
            bad += 1
print("# bad keys or timestamps:", bad, file=sys.stderr)
sys.exit(bad != 0)
EOF
}
check "each message is keyed by its id and stamped with its event time" keys_ok
check "the module created the topics with 6 partitions" \
  test "$(kcat -L -b "$boot" -t t1_c | grep -c '^    partition ')" = 6

# ---- matching ------------------------------------------------------------------------------------
# shellcheck disable=SC2046
"$driver" match -s brokers="$boot" -k brokers="$boot" -s group=m1 $(topics t1) "${group_opts[@]}" \
  --idle-exit 6000 >"$work/m1.out" 2>"$work/m1.err"
check "one instance exits 0" test $? = 0
read_topic "$boot" t1_a >"$work/m1.kafka"
check "one instance produces exactly jm-match's applications" exactly_once "$work/m1.kafka" "$work/expected"
note "single instance done"

# N instances of one group started together over the t$N topics.
group_run() { # N PREFIX GROUP
  local n=$1 i rc=0 ps=()
  fill "$2"
  for i in $(seq 1 "$n"); do
    # shellcheck disable=SC2046
    spawn "$driver" match -s brokers="$boot" -k brokers="$boot" -s group="$3" $(topics "$2") \
      "${group_opts[@]}" --idle-exit 10000 --progress "$work/$3.$i.progress" >"$work/$3.$i.out" 2>"$work/$3.$i.err"
    ps+=("$last")
  done
  for i in "${ps[@]}"; do wait_for "$i" 120 || rc=1; done
  return $rc
}
every_job_read() { # GROUP N: each instance read every job at least once
  local i d
  for i in $(seq 1 "$2"); do
    d=$(sed -n 's/^delivered=\([0-9]*\).*/\1/p' "$work/$1.$i.progress")
    [ "${d:-0}" -ge "$njobs" ] || { echo "# instance $i delivered only ${d:-0}" >&2; return 1; }
  done
}
for n in 2 3; do
  group_run "$n" "g$n" "grp$n"
  check "a group of $n exits 0" test $? = 0
  read_topic "$boot" "g${n}_a" >"$work/g$n.kafka"
  check "a group of $n over 6 partitions gives together the single-instance set" same_set "$work/g$n.kafka" "$work/expected"
  check "each of the $n instances read every job" every_job_read "grp$n" "$n"
  note "group of $n done"
done

# Two instances; a third joins after 2 s and leaves (SIGNAL) after 3 s more. Extra driver
# options follow the prefix.
rebalance_run() { # PREFIX GROUP SIGNAL [driver options]
  local prefix=$1 group=$2 sig=$3 i rc=0 ps=()
  shift 3
  fill "$prefix"
  for i in 1 2 3; do
    [ "$i" = 3 ] && sleep 2
    local extra=()
    [ "${TXN:-}" ] && extra=(-k "transactional_id=$group-$i")
    [ "$i" != 3 ] && extra+=(--idle-exit 12000)
    # shellcheck disable=SC2046
    spawn "$driver" match -s brokers="$boot" -k brokers="$boot" -s group="$group" $(topics "$prefix") \
      "${group_opts[@]}" --commit-every 50 --delay-us 4000 "${extra[@]}" "$@" \
      --progress "$work/$group.$i.progress" >"$work/$group.$i.out" 2>"$work/$group.$i.err"
    ps+=("$last")
  done
  sleep 3
  kill "-$sig" "${ps[2]}"
  wait_for "${ps[2]}" 60
  wait_for "${ps[0]}" 180 || rc=1
  wait_for "${ps[1]}" 180 || rc=1
  return $rc
}
rebalance_run r1 reb1 TERM
check "two instances and a third that joins and leaves exit 0" test $? = 0
read_topic "$boot" r1_a >"$work/r1.kafka"
check "a rebalance (join, then leave) mid-stream: together the single-instance set" same_set "$work/r1.kafka" "$work/expected"
note "rebalance done"

# ---- commit after delivery, restarts -----------------------------------------------------------
fill k1
# shellcheck disable=SC2046
spawn "$driver" consume -s brokers="$boot" -s group=kc $(topics k1) "${group_opts[@]}" \
  --commit-every 100000000 --delay-us 5000 --progress "$work/kc.progress" >"$work/kc1.out" 2>"$work/kc1.err"
wait_delivered "$work/kc.progress" 200
kill -9 "$last"
wait "$last" 2>/dev/null
committed_offsets() { # GROUP TOPIC: "partition offset" of each committed partition
  "$broker" tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server "$boot" \
    --describe --group "$1" 2>/dev/null | awk -v t="$2" '$2 == t && $4 ~ /^[0-9]+$/ {print $3, $4}'
}
check "SIGKILL before the first delivery call: no offset committed" test -z "$(committed_offsets kc k1_c)"
# shellcheck disable=SC2046
"$driver" consume -s brokers="$boot" -s group=kc $(topics k1) "${group_opts[@]}" --idle-exit 10000 \
  >"$work/kc2.out" 2>"$work/kc2.err"
cut -f2- "$work/kc2.out" | grep -v '"type":"job_post"' >"$work/kc2.cands"
grep -v '"type":"job_post"' "$work/gen.ndjson" >"$work/cands"
check "its successor reads every candidate again: none lost" same_set "$work/kc2.cands" "$work/cands"
ends_committed() { # every candidate partition committed at its end offset
  local want got
  want=$(kcat -C -b "$boot" -t k1_c -o beginning -e -q -f '%p %o\n' | awk '{if ($2 + 1 > e[$1]) e[$1] = $2 + 1} END {for (p in e) print p, e[p]}' | sort)
  got=$(committed_offsets kc k1_c | sort)
  [ -n "$want" ] && [ "$want" = "$got" ] || { echo "# committed: $got; ends: $want" >&2; return 1; }
}
check "after its delivery calls every candidate partition is committed at its end" ends_committed
note "commit after delivery done"

# SIGKILL mid-stream, then a restart with the same group (and transactional id).
restart_run() { # PREFIX GROUP [driver options]
  local prefix=$1 group=$2
  shift 2
  fill "$prefix"
  # shellcheck disable=SC2046
  spawn "$driver" match -s brokers="$boot" -k brokers="$boot" -s group="$group" $(topics "$prefix") \
    "${group_opts[@]}" --commit-every 100 --delay-us 3000 "$@" --progress "$work/$group.progress" \
    >"$work/$group.1.out" 2>"$work/$group.1.err"
  wait_delivered "$work/$group.progress" 400 || return 1
  kill -9 "$last"
  wait "$last" 2>/dev/null
  # shellcheck disable=SC2046
  "$driver" match -s brokers="$boot" -k brokers="$boot" -s group="$group" $(topics "$prefix") \
    "${group_opts[@]}" --idle-exit 10000 "$@" >"$work/$group.2.out" 2>"$work/$group.2.err"
}
restart_run x1 rx1
check "restarted after SIGKILL: exits 0" test $? = 0
read_topic "$boot" x1_a >"$work/x1.kafka"
check "SIGKILL and restart: the distinct applications are exactly the set" same_set "$work/x1.kafka" "$work/expected"

restart_run x2 rx2 -k transactional_id=rx2-1
check "transactional, restarted after SIGKILL: exits 0" test $? = 0
read_topic "$boot" x2_a >"$work/x2.kafka"
check "transactions, SIGKILL and restart: read_committed sees every application exactly once" \
  exactly_once "$work/x2.kafka" "$work/expected"
note "restarts done"

TXN=1 rebalance_run r2 reb2 KILL -k transaction.timeout.ms=10000
check "transactional group with a member SIGKILLed: the others exit 0" test $? = 0
read_topic "$boot" r2_a >"$work/r2.kafka"
check "transactions, a member SIGKILLed mid-stream: read_committed sees every application once" \
  exactly_once "$work/r2.kafka" "$work/expected"
note "transactional rebalance done"

# ---- an unreachable broker -----------------------------------------------------------------------
port=$("$broker" free-port)
start=$SECONDS
"$bin/jm-gen" -n 10 --to "kafka:brokers=127.0.0.1:$port,timeout_ms=3000" >/dev/null 2>"$work/down.err"
rc=$?
check "jm-gen --to an unreachable broker: exit 3 within 10 s" test "$rc" = 3 -a $((SECONDS - start)) -le 10
check "... saying no broker answered" grep -q "no Kafka broker answered within 3000 ms" "$work/down.err"
start=$SECONDS
"$driver" match -s brokers="127.0.0.1:$port" -s group=x -s timeout_ms=3000 -k brokers="127.0.0.1:$port" \
  -k timeout_ms=3000 >/dev/null 2>"$work/down2.err"
rc=$?
check "a source and sink on an unreachable broker: exit 3 within 10 s" test "$rc" = 3 -a $((SECONDS - start)) -le 10
"$broker" clean "$work/one"
check "the single broker is gone" nothing_left

# ---- three brokers: the leader SIGKILLed mid-run ----------------------------------------------
boot3=$("$broker" start --brokers 3 "$work/three") || { not_ok "three brokers start"; boot3=""; }
if [ -n "$boot3" ]; then
  for t in l_c l_j l_a; do "$broker" topic "$work/three" "$t" 6 3 min.insync.replicas=2 retention.ms=-1; done
  lt="-s topic_candidates=l_c -s topic_jobs=l_j -s topic_applications=l_a -k topic_applications=l_a"
  # shellcheck disable=SC2086
  spawn "$driver" match -s brokers="$boot3" -k brokers="$boot3" -s group=lead $lt "${group_opts[@]}" \
    -k transactional_id=lead-1 -k message.timeout.ms=60000 --commit-every 50 --idle-exit 20000 \
    >"$work/lead.out" 2>"$work/lead.err"
  mpid=$last
  # A paced stream (its event times differ from gen.ndjson's): its own output is the reference.
  spawn "$bin/jm-gen" -n 300 --seed 11 --rate 100 \
    --to "kafka:brokers=${boot3//,/\\,},topic_candidates=l_c,topic_jobs=l_j,topic_applications=l_a,message.timeout.ms=60000" \
    >"$work/lead-gen.ndjson" 2>"$work/lead-gen.err"
  gpid=$last
  sleep 2
  leader=$("$broker" leader "$work/three" l_j 0)
  note "SIGKILL of node $leader, the leader of l_j [0]"
  "$broker" stop "$work/three" --kill --broker "$leader"
  sleep 4
  "$broker" restart "$work/three" --broker "$leader"
  wait_for "$gpid" 120
  check "jm-gen through a leader's SIGKILL exits 0" test $? = 0
  wait_for "$mpid" 180
  check "the matching instance through a leader's SIGKILL exits 0" test $? = 0
  (read_topic "$boot3" l_j; read_topic "$boot3" l_c) >"$work/lead.records"
  check "three brokers, leader SIGKILLed mid-run: every record once" exactly_once "$work/lead.records" "$work/lead-gen.ndjson"
  "$bin/jm-match" --state-ttl 0 <"$work/lead-gen.ndjson" >"$work/lead-expected"
  read_topic "$boot3" l_a >"$work/lead.kafka"
  check "... and every application once" exactly_once "$work/lead.kafka" "$work/lead-expected"
  "$broker" clean "$work/three"
fi
check "nothing left running" nothing_left

echo "$passed passed, $failed failed ($((SECONDS - t0))s)"
[ "$failed" = 0 ]
