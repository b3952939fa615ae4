#!/bin/bash
# Kafka, measured in one run on one local broker (tests/kafka/broker.sh): jm-gen --kafka messages
# per second beside kcat -P producing the same NDJSON, keyed the same way, to the same broker;
# then jm-match --kafka consuming, matching and producing (with and without transactions) beside
# jm-match on the same records from a file. Prints the figures and the ratios.
#
# Usage: build-aux/bench-kafka.sh [N [M]]   (after make; N job posts + N candidates produced,
#        default 100000; M + M matched, default 1000, every pair: --state-ttl 0, so that the
#        applications are the same set whatever order the partitions are read in)
# Environment: JM_BIN (default cli/). Each producing pair runs twice, both producers given the
# same properties: librdkafka's defaults (linger.ms=5, no compression), then the module's
# (linger.ms=20 compression.type=lz4, docs/PERFORMANCE.md).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
m=${2:-1000}
bin=${JM_BIN:-$top/cli}
broker=$top/tests/kafka/broker.sh
for t in kcat python3 bc; do
  command -v "$t" >/dev/null || { echo "bench-kafka: $t not found (Debian: apt-get install $t)" >&2; exit 1; }
done
"$bin/jm-gen" --version | grep -q '^plugin: kafka ' ||
  { echo "bench-kafka: the Kafka module is not built (apt-get install librdkafka-dev; make)" >&2; exit 1; }

t=$(mktemp -d "${TMPDIR:-/tmp}/jm-bench-kafka.XXXXXX")
mpid=
cleanup() {
  [ -z "$mpid" ] || kill -9 "$mpid" 2>/dev/null || true
  "$broker" clean "$t/kafka" || true
  rm -rf "$t"
}
trap cleanup EXIT
boot=$("$broker" start "$t/kafka")
k=(-b "$boot")
now() { date +%s.%N; }
per_s() { echo "$1 / ($3 - $2)" | bc; }
ratio() { echo "scale=2; $1 / $2" | bc; }
# Three topics of 6 partitions, made as the tools make them (keeping every record: the records'
# event times lie in the past, which a time-based retention would delete at once).
topics() { # CANDIDATES JOBS APPLICATIONS
  "$bin/jm-gen" --jobs 0 --candidates 0 --kafka "${k[@]}" --partitions 6 --topic-candidates "$1" \
    --topic-jobs "$2" --topic-applications "$3" >/dev/null
}
declare -A props=([defaults]="linger.ms=5 compression.type=none" [tuned]="linger.ms=20 compression.type=lz4")

# ---- producing: jm-gen --kafka beside kcat -P ------------------------------------------------
records=$((2 * n))
"$bin/jm-gen" -n "$n" --seed 1 >"$t/gen.ndjson"
# kcat's input: "key<TAB>value" per topic, the key being the record's id, as jm-gen keys them.
python3 - "$t/gen.ndjson" "$t/jobs.kv" "$t/cands.kv" <<'EOF'
import json, sys
jobs, cands = open(sys.argv[2], "w"), open(sys.argv[3], "w")
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["type"] == "job_post":
        jobs.write(r["post_id"] + "\t" + line)
    else:
        cands.write(r["candidate_id"] + "\t" + line)
EOF
# Both producers idempotent, acks=all, with the Java client's partitioner; kcat writes its two
# topics at once, as jm-gen writes both.
declare -A gen kc
for cfg in defaults tuned; do
  x=()
  for p in ${props[$cfg]}; do x+=(-X "$p"); done
  for p in g k; do topics ${p}_c_$cfg ${p}_j_$cfg ${p}_a_$cfg; done
  s=$(now)
  "$bin/jm-gen" -n "$n" --seed 1 --kafka "${k[@]}" --topic-candidates g_c_$cfg --topic-jobs g_j_$cfg \
    --topic-applications g_a_$cfg "${x[@]}" >/dev/null
  e=$(now)
  gen[$cfg]=$(per_s "$records" "$s" "$e")
  kp=(-P -b "$boot" -K $'\t' -X enable.idempotence=true -X acks=all -X partitioner=murmur2_random "${x[@]}")
  s=$(now)
  kcat "${kp[@]}" -t k_j_$cfg <"$t/jobs.kv" &
  kj=$!
  kcat "${kp[@]}" -t k_c_$cfg <"$t/cands.kv"
  wait "$kj"
  e=$(now)
  kc[$cfg]=$(per_s "$records" "$s" "$e")
done
for tp in g_c_defaults g_c_tuned k_c_defaults k_c_tuned; do
  got=$(kcat -C -b "$boot" -t $tp -o beginning -e -q | wc -l)
  [ "$got" = "$n" ] || { echo "bench-kafka: $tp holds $got records, not $n" >&2; exit 1; }
done

# ---- matching: jm-match --kafka beside jm-match on the file --------------------------------
"$bin/jm-gen" -n "$m" --seed 1 >"$t/match.ndjson"
"$bin/jm-gen" -n "$m" --seed 1 --kafka "${k[@]}" --partitions 6 --topic-candidates m_c \
  --topic-jobs m_j --topic-applications m_a0 >/dev/null
s=$(now)
"$bin/jm-match" --state-ttl 0 <"$t/match.ndjson" >"$t/file.out"
e=$(now)
apps=$(wc -l <"$t/file.out")
file_rate=$(per_s "$((2 * m))" "$s" "$e")
file_apps=$(per_s "$apps" "$s" "$e")
# One instance from its start to its exit: it joins the group, reads every record, writes every
# application to stdout and Kafka, and once stdout has them all is told to stop (SIGTERM), which
# delivers and commits before it exits.
kafka_match() { # APPLICATIONS-TOPIC [jm-match options]
  local a=$1 n0
  shift
  topics m_c m_j "$a"
  : >"$t/kafka.out"
  s=$(now)
  "$bin/jm-match" --state-ttl 0 --kafka --group "$a" "${k[@]}" --topic-candidates m_c --topic-jobs m_j \
    --topic-applications "$a" "$@" >"$t/kafka.out" &
  mpid=$!
  while n0=$(wc -l <"$t/kafka.out") && [ "$n0" -lt "$apps" ]; do
    kill -0 "$mpid" 2>/dev/null || { echo "bench-kafka: jm-match --kafka ended early" >&2; exit 1; }
    sleep 0.05
  done
  kill -TERM "$mpid"
  wait "$mpid"
  mpid=
  e=$(now)
  got=$(kcat -C -b "$boot" -t "$a" -o beginning -e -q -X isolation.level=read_committed | wc -l)
  [ "$got" -ge "$apps" ] || { echo "bench-kafka: $a holds $got applications, not $apps" >&2; exit 1; }
}
kafka_match m_a1
plain_rate=$(per_s "$((2 * m))" "$s" "$e")
plain_apps=$(per_s "$apps" "$s" "$e")
kafka_match m_a2 --transactional-id bench-1
txn_rate=$(per_s "$((2 * m))" "$s" "$e")
txn_apps=$(per_s "$apps" "$s" "$e")

echo "bench-kafka: one local Kafka 3.9.2 broker, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-58s %12s %12s\n' "producing $records records (messages/s)" "librdkafka's" "the module's"
printf '  %-56s %12s %12s\n' "jm-gen -n $n --kafka" "${gen[defaults]}" "${gen[tuned]}" \
  "kcat -P (the same NDJSON, keyed, idempotent)" "${kc[defaults]}" "${kc[tuned]}" \
  "ratio jm-gen / kcat (aim: 0.8 or more)" "$(ratio "${gen[defaults]}" "${kc[defaults]}")" \
  "$(ratio "${gen[tuned]}" "${kc[tuned]}")"
echo "  (librdkafka's: ${props[defaults]}; the module's: ${props[tuned]})"
printf '%-58s %12s %12s\n' "matching $((2 * m)) records, $apps applications" "records/s" "apps/s"
printf '  %-56s %12s %12s\n' "jm-match on the file" "$file_rate" "$file_apps" \
  "jm-match --kafka (consume, match, produce, commit)" "$plain_rate" "$plain_apps" \
  "jm-match --kafka --transactional-id" "$txn_rate" "$txn_apps"
