#!/bin/bash
# The Kafka spellings of the tools on a real Apache Kafka broker (tests/kafka/broker.sh), with
# kcat as the independent client: jm-gen --kafka, jm-match --kafka --group, jm-report
# --from-kafka.
#  - no tool and not libjobmatch links librdkafka; without the module each Kafka spelling exits 3
#    naming what to install; Kafka options without --kafka are usage errors;
#  - jm-gen --kafka: kcat reads back exactly jm-gen's NDJSON, keyed by id, stamped with the event
#    time, over 6 partitions it created;
#  - records kcat produced (the reference CSVs as NDJSON without "type") matched by jm-match
#    --kafka into jm-match's applications on the files; stdout gets them too; jm-report
#    --from-kafka reports what jm-report reports on files;
#  - groups of 2 and 3 over 6 partitions: together exactly the single-instance set, each instance
#    holding every job and its partitions' candidates; also when a third instance joins and
#    leaves mid-stream;
#  - SIGKILL mid-stream and restart: the distinct applications are exactly the set; with
#    --transactional-id a read_committed reader sees each once, also when a group member is
#    SIGKILLed and the others take its partitions;
#  - commit after delivery (through tests/kafka/kafka-driver.c, which can stop before its first
#    delivery call): no offset before it, every candidate read again after it;
#  - three brokers, replication 3, min.insync.replicas=2: the leader SIGKILLed mid-run and
#    restarted loses nothing, produced or matched;
#  - an unreachable broker: exit 3 with a clear message within a bounded time;
#  - make demo-live on the broker for DEMO_SECONDS: its page shows applications, and it stops
#    what it started;
#  - nothing left running (no java process), no folder left.
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
for t in kcat python3 timeout ldd; do
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

. "$here/assert.sh"
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
# SIGTERM to each pid, then each must exit 0 within 60 s.
stop_all() { # PID...
  local p rc=0
  for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
  for p in "$@"; do wait_for "$p" 60 || { echo "# $p: exit $?" >&2; rc=1; }; done
  return $rc
}

# A topic read to its end by kcat, values only (read_committed: what consumers may see).
read_topic() { # BOOT TOPIC [kcat args]
  local b=$1 t=$2
  shift 2
  timeout 120 kcat -C -b "$b" -t "$t" -o beginning -e -q -X isolation.level=read_committed "$@"
}
# Waits until TOPIC holds N distinct values (bounded): what a running group has produced.
wait_topic() { # BOOT TOPIC N [SECONDS]
  local deadline=$((SECONDS + ${4:-120})) n=0
  while [ "$SECONDS" -lt "$deadline" ]; do
    n=$(read_topic "$1" "$2" | sort -u | wc -l)
    [ "$n" -ge "$3" ] && return 0
    sleep 1
  done
  echo "# $2: $n distinct values of $3 after ${4:-120} s" >&2
  return 1
}
count_topic() { read_topic "$1" "$2" | wc -l; }
same_set() { # FILE EXPECTED: the distinct lines of FILE are exactly EXPECTED's (not empty)
  [ -s "$2" ] || { echo "# $2 is empty" >&2; return 1; }
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
# No process names FOLDER (a broker's JVM names its data folder), and FOLDER is gone.
gone() { ! pgrep -f "$1" >/dev/null && ! test -e "$1"; }
# The partitions an instance holds now: its "assigned" lines since its last "revoked"
# (JM_KAFKA_DEBUG=1 on its stderr).
holding() { awk '/: revoked /{n = 0} /: assigned /{n++} END {print n + 0}' "$1"; }
# Waits until the instances whose stderr are FILE... hold 6 partitions between them, each some.
wait_assigned() { # FILE...
  local deadline=$((SECONDS + 60)) f h sum all
  while [ "$SECONDS" -lt "$deadline" ]; do
    sum=0 all=1
    for f in "$@"; do
      h=$(holding "$f")
      sum=$((sum + h))
      [ "$h" -gt 0 ] || all=0
    done
    [ "$sum" = 6 ] && [ "$all" = 1 ] && return 0
    sleep 0.2
  done
  echo "# the group did not settle on 6 partitions: $sum held" >&2
  return 1
}
stat_of() { # ERRFILE NAME: a counter of jm-match --stats
  sed -n 's/^{"records_read".*"'"$2"'":\([0-9]*\).*/\1/p' "$1" | tail -1
}

# Quick group failure detection for the tests; every tool gets the brokers.
fast=(-X session.timeout.ms=6000 -X heartbeat.interval.ms=500)
topics() { echo "--topic-candidates $1_c --topic-jobs $1_j --topic-applications $1_a"; }

# ---- without a broker: linking, no module, usage -------------------------------------------------
linked=0
for f in "$bin/jm-gen" "$bin/jm-match" "$bin/jm-report" "$build"/lib/libjobmatch.so.*.*; do
  if ldd "$f" | grep -q librdkafka; then echo "# $f links librdkafka" >&2; linked=1; fi
done
check "ldd: no tool and not libjobmatch.so links librdkafka" test "$linked" = 0
check "ldd: the module jm-kafka.so does" sh -c "ldd '$build/plugins/jm-kafka.so' | grep -q librdkafka"

mkdir "$work/bin" "$work/noplugins"
cp "$bin/jm-gen" "$bin/jm-match" "$bin/jm-report" "$work/bin/"
if JM_PLUGIN_PATH="$work/noplugins" "$work/bin/jm-gen" --version | grep -q '^plugins: none found'; then
  nomod=0
  for run in "jm-gen -n 10 --kafka" "jm-match --kafka --group g" "jm-report --from-kafka"; do
    JM_PLUGIN_PATH="$work/noplugins" timeout 30 "$work/bin"/$run </dev/null >/dev/null 2>"$work/nomod.err"
    rc=$?
    if [ "$rc" != 3 ] || [ "$(wc -l <"$work/nomod.err")" != 1 ] ||
      ! grep -q 'jm-kafka.so: not found in .*apt-get install librdkafka-dev' "$work/nomod.err"; then
      echo "# $run: exit $rc: $(cat "$work/nomod.err")" >&2
      nomod=1
    fi
  done
  check "without the module: each Kafka spelling exits 3 in one line naming what to install" test "$nomod" = 0
else
  echo "# without the module: not checked: a module is installed in the plugin folder" >&2
fi
usage_ok() { # EXPECTED-TEXT COMMAND...: exit 2 saying EXPECTED-TEXT
  local want=$1 rc
  shift
  "$@" </dev/null >/dev/null 2>"$work/usage.err"
  rc=$?
  [ "$rc" = 2 ] && grep -q -- "$want" "$work/usage.err" || { echo "# $*: exit $rc: $(cat "$work/usage.err")" >&2; return 1; }
}
usage_cases() {
  usage_ok "needs --group" "$bin/jm-match" --kafka &&
    usage_ok "-b goes with --kafka" "$bin/jm-gen" -n 1 -b 127.0.0.1:9 &&
    usage_ok "--group goes with --kafka" "$bin/jm-match" --group g &&
    usage_ok "-X goes with --from-kafka" "$bin/jm-report" -X acks=all &&
    usage_ok "not KEY=VALUE" "$bin/jm-gen" --kafka -X acks &&
    usage_ok "no.such.property=1" "$bin/jm-gen" --kafka -X no.such.property=1 &&
    usage_ok "do not go together" "$bin/jm-match" --kafka --group g --from-pg &&
    usage_ok "reads no FILE" "$bin/jm-report" --from-kafka x.ndjson &&
    usage_ok "does not go with --format csv" "$bin/jm-gen" --kafka --format csv
}
check "usage: --group required, Kafka options without --kafka, a bad -X: exit 2 saying why" usage_cases

# ---- the data -------------------------------------------------------------------------------------
"$bin/jm-gen" -n 300 --seed 11 >"$work/gen.ndjson" || { echo "jm-gen failed" >&2; exit 1; }
"$bin/jm-match" --state-ttl 0 <"$work/gen.ndjson" >"$work/expected" || { echo "jm-match failed" >&2; exit 1; }
njobs=$(grep -c '"type":"job_post"' "$work/gen.ndjson")
ncands=$(grep -c '"type":"candidate"' "$work/gen.ndjson")
napps=$(wc -l <"$work/expected")
note "data: $(wc -l <"$work/gen.ndjson") records, $njobs jobs, $napps applications"

boot=$("$broker" start "$work/one") || { echo "the broker did not start" >&2; exit 1; }
note "broker at $boot"
k=(-b "$boot")

# Fills topics PREFIX_c and PREFIX_j (6 partitions, made by jm-gen) from gen.ndjson.
fill() { # PREFIX [jm-gen options]
  local p=$1
  shift
  # shellcheck disable=SC2046
  "$bin/jm-gen" -n 300 --seed 11 --kafka "${k[@]}" --partitions 6 $(topics "$p") "$@"
}

# ---- producing ------------------------------------------------------------------------------------
fill t1 >"$work/t1.stdout"
check "jm-gen --kafka exits 0 and writes its NDJSON as without it" cmp -s "$work/t1.stdout" "$work/gen.ndjson"
read_topic "$boot" t1_j -f '%k\t%T\t%p\t%s\n' >"$work/t1_j"
read_topic "$boot" t1_c -f '%k\t%T\t%p\t%s\n' >"$work/t1_c"
cat "$work/t1_j" "$work/t1_c" | cut -f4- >"$work/t1_values"
check "jm-gen --kafka: kcat reads back exactly jm-gen's NDJSON" exactly_once "$work/t1_values" "$work/gen.ndjson"
keys_ok() { # each message keyed by its record's id, stamped with its event time
  python3 - "$work/t1_j" "$work/t1_c" <<'EOF'
import json, sys
from datetime import datetime
bad = n = 0
for path in sys.argv[1:]:
    for line in open(path):
        n += 1
        key, ts, part, value = line.rstrip("\n").split("\t", 3)
        r = json.loads(value)
        rid = r.get("post_id") if r["type"] == "job_post" else r.get("candidate_id")
        want = int(datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")).timestamp() * 1000)
        if key != rid or int(ts) != want:
            bad += 1
print("# bad keys or timestamps:", bad, "of", n, file=sys.stderr)
sys.exit(bad != 0 or n != 600)
EOF
}
check "each message is keyed by its id and stamped with its event time" keys_ok
check "jm-gen --partitions 6 created the topics with 6 partitions" \
  test "$(kcat -L -b "$boot" -t t1_c | grep -c '^    partition ')" = 6
note "producing done"

# ---- the reference records, produced by kcat --------------------------------------------------
# The first 300 job posts and candidates of the reference export (tests/data/*-sample.csv), as
# NDJSON without "type" and without event times (the candidates have none): they take their
# messages' timestamps.
ref_jobs=$root/tests/data/jobs-sample.csv ref_cands=$root/tests/data/candidates-sample.csv
"$bin/jm-match" --passthrough --min-score 100 "$ref_jobs" "$ref_cands" |
  python3 -c '
import json, sys
out = {"job_post": open(sys.argv[1], "w"), "candidate": open(sys.argv[2], "w")}
for line in sys.stdin:
    r = json.loads(line)
    kind = r.pop("type")
    if kind in out:
        out[kind].write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
' "$work/ref_j.ndjson" "$work/ref_c.ndjson"
"$bin/jm-match" --state-ttl 0 "$ref_jobs" "$ref_cands" >"$work/ref.expected"
# The topics, made by jm-gen --partitions (the admin API) with nothing in them.
# shellcheck disable=SC2046
"$bin/jm-gen" --jobs 0 --candidates 0 --kafka "${k[@]}" --partitions 6 $(topics ref) >/dev/null
# (one message a line from standard input; a file argument would be one message)
kcat -P -b "$boot" -t ref_j -X enable.idempotence=true <"$work/ref_j.ndjson" &&
  kcat -P -b "$boot" -t ref_c -X enable.idempotence=true <"$work/ref_c.ndjson"
check "kcat produced the reference records" test "$(count_topic "$boot" ref_c)" = 300
# shellcheck disable=SC2046
spawn "$bin/jm-match" --state-ttl 0 --kafka --group ref "${k[@]}" $(topics ref) "${fast[@]}" \
  --passthrough >"$work/ref.stdout" 2>"$work/ref.err"
wait_topic "$boot" ref_a "$(wc -l <"$work/ref.expected")"
stop_all "$last"
check "jm-match --kafka: SIGTERM ends it with exit 0" test $? = 0
without_time() { # FILE: the applications without their timestamp (the records' event time)
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    r.pop("timestamp", None)
    print(json.dumps(r, sort_keys=True))
' "$1" | sort
}
read_topic "$boot" ref_a >"$work/ref.kafka"
check "kcat's reference records: jm-match --kafka makes jm-match's applications on the files" \
  cmp -s <(without_time "$work/ref.kafka") <(without_time "$work/ref.expected")
grep '"type":"application"' "$work/ref.stdout" >"$work/ref.stdout-apps"
check "... and writes them to standard output as well" exactly_once "$work/ref.stdout-apps" "$work/ref.kafka"
check "... --passthrough copies the records to standard output, not into their topics again" \
  test "$(grep -vc '"type":"application"' "$work/ref.stdout")" = 600 -a "$(count_topic "$boot" ref_c)" = 300 \
  -a "$(count_topic "$boot" ref_j)" = 300
note "reference records done"

# ---- groups of 2 and 3 ------------------------------------------------------------------------
# N instances join first (and create the topics); once they hold the 6 partitions between them,
# jm-gen fills the topics.
group_run() { # N PREFIX
  local n=$1 p=$2 i ps=() errs=()
  for i in $(seq 1 "$n"); do
    # shellcheck disable=SC2046
    JM_KAFKA_DEBUG=1 spawn "$bin/jm-match" --state-ttl 0 --kafka --group "$p" "${k[@]}" --partitions 6 \
      $(topics "$p") "${fast[@]}" --stats >/dev/null 2>"$work/$p.$i.err"
    ps+=("$last")
    errs+=("$work/$p.$i.err")
  done
  wait_assigned "${errs[@]}" || return 1
  fill "$p" >/dev/null || return 1
  wait_topic "$boot" "${p}_a" "$napps"
  stop_all "${ps[@]}"
}
spread() { # PREFIX N: each instance held every job and some candidates, all of them together
  local i sum=0 c j
  for i in $(seq 1 "$2"); do
    j=$(stat_of "$work/$1.$i.err" held_jobs)
    c=$(stat_of "$work/$1.$i.err" held_candidates)
    [ "${j:-0}" = "$njobs" ] && [ "${c:-0}" -gt 0 ] || { echo "# instance $i: $j jobs, $c candidates" >&2; return 1; }
    sum=$((sum + c))
  done
  [ "$sum" = "$ncands" ] || { echo "# $sum candidates held in all" >&2; return 1; }
}
for n in 2 3; do
  group_run "$n" "g$n"
  check "a group of $n: SIGTERM ends each instance with exit 0" test $? = 0
  read_topic "$boot" "g${n}_a" >"$work/g$n.kafka"
  check "a group of $n over 6 partitions gives together the single-instance set" same_set "$work/g$n.kafka" "$work/expected"
  check "... each instance holding every job and its partitions' candidates" spread "g$n" "$n"
  note "group of $n done"
done

# jm-report --from-kafka over the group's three topics reports what jm-report does on the files.
export SOURCE_DATE_EPOCH=1767225600
"$bin/jm-report" --json --from-kafka "${k[@]}" $(topics g2) >"$work/report.kafka" 2>"$work/report.err"
check "jm-report --from-kafka reads the three topics to their end: exit 0" test $? = 0
"$bin/jm-report" --json "$work/gen.ndjson" "$work/expected" >"$work/report.files"
# The figures; what follows arrival order (the latest applications, the order of equal ranks)
# differs between a file and six partitions read together.
figures() { # REPORT.json
  python3 -c '
import json, sys
def norm(x):
    if isinstance(x, dict):
        return {k: norm(v) for k, v in x.items() if k != "recent_applications"}
    if isinstance(x, list):
        x = [norm(v) for v in x]
        if x and all(isinstance(v, dict) and "name" in v for v in x):
            x.sort(key=lambda v: json.dumps(v, sort_keys=True))
    return x
print(json.dumps(norm(json.load(open(sys.argv[1]))), sort_keys=True, indent=0))
' "$1"
}
check "... and reports the figures jm-report reports on the files" \
  cmp -s <(figures "$work/report.kafka") <(figures "$work/report.files")
unset SOURCE_DATE_EPOCH

# A paced stream into PREFIX's topics, in the background ($gen_pid); its stdout is the stream.
paced() { # PREFIX RATE [jm-gen options]
  local p=$1 r=$2
  shift 2
  spawn fill "$p" --rate "$r" "$@"
  gen_pid=$last
}
# Two instances; once they hold the partitions, a paced stream, a third instance that joins
# 1.5 s into it and leaves (SIGTERM) 2 s later.
# shellcheck disable=SC2046
for i in 1 2 3; do
  [ "$i" = 3 ] && { wait_assigned "$work/r1.1.err" "$work/r1.2.err"; paced r1 150 >"$work/r1.gen"; sleep 1.5; }
  JM_KAFKA_DEBUG=1 spawn "$bin/jm-match" --state-ttl 0 --kafka --group r1 "${k[@]}" --partitions 6 \
    $(topics r1) "${fast[@]}" >/dev/null 2>"$work/r1.$i.err"
  reb[$i]=$last
done
sleep 2
stop_all "${reb[3]}"
check "the instance that joined mid-stream and left: exit 0" test $? = 0
check "... it held partitions while it was there" grep -q ': assigned ' "$work/r1.3.err"
wait_for "$gen_pid" 60
"$bin/jm-match" --state-ttl 0 <"$work/r1.gen" >"$work/r1.expected"
wait_topic "$boot" r1_a "$(wc -l <"$work/r1.expected")"
stop_all "${reb[1]}" "${reb[2]}"
check "the two that stayed: exit 0" test $? = 0
read_topic "$boot" r1_a >"$work/r1.kafka"
check "a rebalance (join, then leave) mid-stream: together the single-instance set" same_set "$work/r1.kafka" "$work/r1.expected"
note "rebalance done"

# ---- SIGKILL mid-stream and restart -------------------------------------------------------------
# One instance over a paced stream, SIGKILLed once some of its applications are out, then
# started again with the same group (and transactional id). The stream starts only once the
# instance holds its partitions: one that joined late would take the whole stream in one batch
# (one transaction), and the kill would come after the end.
restart_run() { # PREFIX [jm-match options]
  local p=$1 pid want
  shift
  # shellcheck disable=SC2046
  JM_KAFKA_DEBUG=1 spawn "$bin/jm-match" --state-ttl 0 --kafka --group "$p" "${k[@]}" --partitions 6 \
    $(topics "$p") "${fast[@]}" "$@" >/dev/null 2>"$work/$p.1.err"
  pid=$last
  wait_assigned "$work/$p.1.err" || return 1
  paced "$p" 100 >"$work/$p.gen"
  local deadline=$((SECONDS + 30)) n=0
  while [ "$SECONDS" -lt "$deadline" ] && [ "$n" -lt 2000 ]; do
    sleep 0.5
    n=$(count_topic "$boot" "${p}_a")
  done
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  echo "$n" >"$work/$p.at-kill"
  # shellcheck disable=SC2046
  spawn "$bin/jm-match" --state-ttl 0 --kafka --group "$p" "${k[@]}" $(topics "$p") "${fast[@]}" "$@" \
    >/dev/null 2>"$work/$p.2.err"
  pid=$last
  wait_for "$gen_pid" 60 || return 1
  "$bin/jm-match" --state-ttl 0 <"$work/$p.gen" >"$work/$p.expected"
  want=$(wc -l <"$work/$p.expected")
  [ "$(cat "$work/$p.at-kill")" -lt "$want" ] || { echo "# the kill came after the end" >&2; return 1; }
  wait_topic "$boot" "${p}_a" "$want"
  stop_all "$pid"
}
restart_run x1
check "SIGKILLed mid-stream, restarted: exit 0" test $? = 0
read_topic "$boot" x1_a >"$work/x1.kafka"
check "SIGKILL and restart: a superset whose distinct applications are exactly the set" same_set "$work/x1.kafka" "$work/x1.expected"

restart_run x2 --transactional-id x2-1 -X transaction.timeout.ms=10000
check "transactional, SIGKILLed mid-stream, restarted: exit 0" test $? = 0
read_topic "$boot" x2_a >"$work/x2.kafka"
check "--transactional-id, SIGKILL and restart: read_committed sees every application exactly once" \
  exactly_once "$work/x2.kafka" "$work/x2.expected"
note "restarts done"

# Three transactional instances over a paced stream; one is SIGKILLed mid-stream and the others
# take its partitions (its open transaction is aborted after transaction.timeout.ms).
# shellcheck disable=SC2046
for i in 1 2 3; do
  JM_KAFKA_DEBUG=1 spawn "$bin/jm-match" --state-ttl 0 --kafka --group y1 "${k[@]}" --partitions 6 \
    $(topics y1) "${fast[@]}" --transactional-id "y1-$i" -X transaction.timeout.ms=10000 \
    >/dev/null 2>"$work/y1.$i.err"
  txg[$i]=$last
done
wait_assigned "$work/y1.1.err" "$work/y1.2.err" "$work/y1.3.err"
paced y1 150 >"$work/y1.gen"
sleep 2
kill -9 "${txg[3]}"
wait "${txg[3]}" 2>/dev/null
wait_for "$gen_pid" 60
"$bin/jm-match" --state-ttl 0 <"$work/y1.gen" >"$work/y1.expected"
wait_topic "$boot" y1_a "$(wc -l <"$work/y1.expected")"
stop_all "${txg[1]}" "${txg[2]}"
check "a transactional group with a member SIGKILLed: the others exit 0" test $? = 0
read_topic "$boot" y1_a >"$work/y1.kafka"
check "... read_committed sees every application exactly once" exactly_once "$work/y1.kafka" "$work/y1.expected"
note "transactional group done"

# ---- commit after delivery (the driver: it can stop before its first delivery call) --------
kc_fill() { "$bin/jm-gen" -n 300 --seed 11 --kafka "${k[@]}" --partitions 6 $(topics k1) >/dev/null; }
kc_fill
drv_topics=(-s topic_candidates=k1_c -s topic_jobs=k1_j -s topic_applications=k1_a)
spawn "$driver" consume -s brokers="$boot" -s group=kc "${drv_topics[@]}" -s session.timeout.ms=6000 \
  --commit-every 100000000 --delay-us 5000 --progress "$work/kc.progress" >"$work/kc1.out" 2>"$work/kc1.err"
deadline=$((SECONDS + 60))
until [ "$(sed -n 's/^delivered=\([0-9]*\).*/\1/p' "$work/kc.progress" 2>/dev/null)" -ge 200 ] 2>/dev/null ||
  [ "$SECONDS" -ge "$deadline" ]; do sleep 0.05; done
kill -9 "$last"
{ wait "$last"; } 2>/dev/null
committed_offsets() { # GROUP TOPIC: "partition offset" of each committed partition
  "$broker" tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server "$boot" \
    --describe --group "$1" 2>/dev/null | awk -v t="$2" '$2 == t && $4 ~ /^[0-9]+$/ {print $3, $4}'
}
check "SIGKILL before the first delivery call: no offset committed" test -z "$(committed_offsets kc k1_c)"
"$driver" consume -s brokers="$boot" -s group=kc "${drv_topics[@]}" -s session.timeout.ms=6000 \
  --idle-exit 8000 >"$work/kc2.out" 2>"$work/kc2.err"
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

# ---- make demo-live, bounded ------------------------------------------------------------------
# On this broker (its own PostgreSQL server when the module is built), the tools for
# DEMO_SECONDS, then the stop that Ctrl-C makes.
DEMO_SECONDS=15 DEMO_BROKERS=$boot DEMO_DIR="$work/demo" DEMO_HTML="$work/demo.html" JM_BIN="$bin" \
  timeout 180 "$root/build-aux/demo-live.sh" >"$work/demo.out" 2>&1
check "demo-live for DEMO_SECONDS=15: exit 0" test $? = 0 || sed 's/^/# /' "$work/demo.out" >&2
demo_apps=$(sed -n 's/.*"views":{"all":{"apps":\([0-9]*\).*/\1/p' "$work/demo.html" 2>/dev/null | head -1)
note "demo-live: the page shows ${demo_apps:-no} applications"
check "... its page shows applications fed through Kafka" test "${demo_apps:-0}" -gt 0
check "... it said where to look" grep -q "page: $work/demo.html" "$work/demo.out"
demo_gone() { # its folder, and its PostgreSQL server's when it started one
  local pgdir
  pgdir=$(sed -n 's/.*PostgreSQL at host=\([^ ]*\)\/sock .*/\1/p' "$work/demo.out")
  gone "$work/demo" && { [ -z "$pgdir" ] || gone "$pgdir"; }
}
check "... and it stopped everything it started, its folders gone" demo_gone

# ---- an unreachable broker --------------------------------------------------------------------
port=$("$broker" free-port)
down=(-b "127.0.0.1:$port" -X timeout_ms=3000)
unreachable() { # NAME COMMAND...: exit 3 within 10 s, saying no broker answered
  local start=$SECONDS rc
  shift
  "$@" </dev/null >/dev/null 2>"$work/down.err"
  rc=$?
  [ "$rc" = 3 ] && [ $((SECONDS - start)) -le 10 ] &&
    grep -q "no Kafka broker answered within 3000 ms" "$work/down.err" ||
    { echo "# $1: exit $rc after $((SECONDS - start)) s: $(cat "$work/down.err")" >&2; return 1; }
}
check "jm-gen --kafka, an unreachable broker: exit 3 within 10 s, saying so" unreachable jm-gen "$bin/jm-gen" -n 10 --kafka "${down[@]}"
check "jm-match --kafka, an unreachable broker: exit 3 within 10 s, saying so" unreachable jm-match "$bin/jm-match" --kafka --group x "${down[@]}"
check "jm-report --from-kafka, an unreachable broker: exit 3 within 10 s, saying so" unreachable jm-report "$bin/jm-report" --from-kafka "${down[@]}"
"$broker" clean "$work/one"
check "the single broker is gone, and its folder" gone "$work/one"

# ---- three brokers: the leader SIGKILLed mid-run ----------------------------------------------
boot3=$("$broker" start --brokers 3 "$work/three") || { not_ok "three brokers start"; boot3=""; }
if [ -n "$boot3" ]; then
  k=(-b "$boot3")
  # shellcheck disable=SC2046
  "$bin/jm-gen" --jobs 0 --candidates 0 --kafka "${k[@]}" $(topics l) --partitions 6 -X replication=3 \
    -X topic_config.min.insync.replicas=2 >/dev/null
  three_replicas() { # TOPIC: its partitions with three replicas each
    kcat -L -J -b "$boot3" -t "$1" | python3 -c '
import json, sys
t = json.load(sys.stdin)["topics"][0]
print(sum(len(p["replicas"]) == 3 for p in t["partitions"]))'
  }
  # A new topic reaches every broker's metadata a moment after its creation returns: wait
  # (bounded) for its replicas to be in sync before counting them.
  "$broker" wait-isr "$work/three" l_j >/dev/null 2>&1
  check "jm-gen --partitions 6 -X replication=3 made the topics on three brokers" \
    test "$(three_replicas l_j)" = 6
  slow=(-X message.timeout.ms=60000)
  # shellcheck disable=SC2046
  spawn "$bin/jm-match" --state-ttl 0 --kafka --group lead "${k[@]}" $(topics l) "${fast[@]}" "${slow[@]}" \
    --transactional-id lead-1 >/dev/null 2>"$work/lead.err"
  mpid=$last
  paced l 100 "${slow[@]}" >"$work/lead-gen.ndjson" 2>"$work/lead-gen.err"
  sleep 2
  # (kcat's metadata request may time out on a loaded machine: ask again)
  leader=
  for _ in $(seq 1 30); do
    leader=$("$broker" leader "$work/three" l_j 0) && [ "${leader:-0}" -gt 0 ] 2>/dev/null && break
    leader=
    sleep 1
  done
  check "the leader of l_j [0] is known" test -n "$leader"
  note "SIGKILL of node $leader, the leader of l_j [0]"
  [ -z "$leader" ] || "$broker" stop "$work/three" --kill --broker "$leader"
  sleep 4
  [ -z "$leader" ] || "$broker" restart "$work/three" --broker "$leader"
  wait_for "$gen_pid" 120
  check "jm-gen --kafka through a leader's SIGKILL exits 0" test $? = 0
  "$bin/jm-match" --state-ttl 0 <"$work/lead-gen.ndjson" >"$work/lead-expected"
  wait_topic "$boot3" l_a "$(wc -l <"$work/lead-expected")" 180
  stop_all "$mpid"
  check "jm-match --kafka through a leader's SIGKILL exits 0" test $? = 0
  (read_topic "$boot3" l_j; read_topic "$boot3" l_c) >"$work/lead.records"
  check "three brokers, leader SIGKILLed mid-run: every record once" exactly_once "$work/lead.records" "$work/lead-gen.ndjson"
  read_topic "$boot3" l_a >"$work/lead.kafka"
  check "... and every application once" exactly_once "$work/lead.kafka" "$work/lead-expected"
  "$broker" clean "$work/three"
fi
note "three brokers done"

nothing_left() { ! pgrep -f "$work" >/dev/null && gone "$work/three"; }
check "nothing left running (no java process), no broker folder left" nothing_left

summary
