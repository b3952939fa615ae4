#!/bin/bash
# A real Apache Kafka broker (KRaft mode, no ZooKeeper) on loopback for the Kafka tests and the
# demo: one node, or a cluster of three, each node a broker and a controller in one JVM.
#
# Usage: tests/kafka/broker.sh COMMAND ...
#   fetch                        copy the broker's jars (tests/kafka/pom.xml) to the cache folder
#   start [--brokers 1|3] DIR    format DIR, start the nodes, wait until all answer, print the
#                                bootstrap address (host:port,...) on stdout
#   bootstrap DIR                print the bootstrap address again
#   stop DIR [--kill] [--broker N]   stop one node or all (SIGTERM, or SIGKILL with --kill)
#   restart DIR --broker N [--kill]  stop node N if it runs, start it on the same data, wait for it
#   topic DIR NAME PARTITIONS [REPLICAS] [KEY=VALUE...]   create a topic, wait for its leaders
#   leader DIR TOPIC PARTITION   print the node id that leads that partition (-1: none)
#   wait-isr DIR TOPIC           wait until every partition of TOPIC has all replicas in sync
#   tool CLASS ARGS...           run a Kafka command-line class (e.g. ConsumerGroupCommand)
#   free-port                    print a loopback port that nothing listens on (an unreachable broker)
#   clean DIR                    SIGKILL every node of DIR and remove DIR
# Nodes are numbered 1..N (their node.id). A test starts once and cleans up in an EXIT trap:
#   dir=$(mktemp -d); trap 'tests/kafka/broker.sh clean "$dir"' EXIT
#   boot=$(tests/kafka/broker.sh start --brokers 3 "$dir/kafka")
# Environment (set but empty counts as unset):
#   KAFKA_JARS_DIR       jar cache (default ${XDG_CACHE_HOME:-~/.cache}/libjobmatch/kafka-VERSION)
#   KAFKA_HEAP_OPTS      JVM heap of each node (default -Xms64m -Xmx256m)
#   KAFKA_START_TIMEOUT  seconds to wait for nodes to answer (default 90)
#   KAFKA_STOP_TIMEOUT   seconds to wait for a SIGTERM to end a node before SIGKILL (default 30)
# Diagnostics go to stderr; a node's log is DIR/nodeN/server.log (stdout.log for the JVM itself).
set -euo pipefail

prog=broker.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pom=$here/pom.xml
marker=.kafka-test-cluster

die() {
  echo "$prog: $*" >&2
  exit 1
}
usage() {
  echo "$prog: $*" >&2
  echo "Try '$0 help'" >&2
  exit 2
}
env_or() { # NAME DEFAULT: the variable's value, or DEFAULT when it is unset or empty
  local v=${!1:-}
  echo "${v:-$2}"
}

# Each tool the helper needs, with the Debian package that provides it.
need() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 && continue
    case $t in
    java) die "java not found: install the Debian package openjdk-17-jre-headless" ;;
    mvn) die "mvn not found: install the Debian package maven" ;;
    kcat) die "kcat not found: install the Debian package kcat" ;;
    *) die "$t not found" ;;
    esac
  done
}

kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")
[ -n "$kafka_version" ] || die "$pom: no <kafka.version>"
jars=$(env_or KAFKA_JARS_DIR "$(env_or XDG_CACHE_HOME "$HOME/.cache")/libjobmatch/kafka-$kafka_version")
start_timeout=$(env_or KAFKA_START_TIMEOUT 90)
stop_timeout=$(env_or KAFKA_STOP_TIMEOUT 30)
heap_opts=$(env_or KAFKA_HEAP_OPTS "-Xms64m -Xmx256m")
# Small, quick JVMs: two cores are shared by every node and the tests.
jvm_opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true"

# ---- jars -------------------------------------------------------------------------------------

pom_sum() { sha256sum "$pom" | cut -d' ' -f1; }

have_jars() { [ -f "$jars/pom.sha256" ] && [ "$(cat "$jars/pom.sha256")" = "$(pom_sum)" ]; }

# Maven resolves into its local repository (~/.m2) and copies the jars to a new folder that then
# replaces the cache in one rename; offline first, so only a cold machine reaches the registry.
cmd_fetch() {
  [ $# -eq 0 ] || usage "fetch takes no arguments"
  have_jars && return 0
  need java mvn
  mkdir -p "$(dirname "$jars")"
  local tmp
  tmp=$(mktemp -d "$jars.tmp.XXXXXX")
  cp "$pom" "$tmp/pom.xml"
  local mvn_args=(-B -q -f "$tmp/pom.xml" dependency:copy-dependencies
    -DincludeScope=runtime "-DoutputDirectory=$tmp/lib")
  if ! mvn -o "${mvn_args[@]}" >"$tmp/mvn-offline.log" 2>&1; then
    echo "$prog: fetching Kafka $kafka_version jars with Maven (once)" >&2
    if ! mvn "${mvn_args[@]}" >"$tmp/mvn.log" 2>&1; then
      tail -n 20 "$tmp/mvn.log" >&2
      rm -rf "$tmp"
      die "mvn could not fetch the jars of $pom"
    fi
  fi
  pom_sum >"$tmp/pom.sha256"
  rm -rf "$tmp/target" "$jars.old"
  [ -e "$jars" ] && mv "$jars" "$jars.old"
  mv "$tmp" "$jars"
  rm -rf "$jars.old"
}

java_tool() { # CLASS ARGS...: a short-lived Kafka command, warnings only, on stderr
  java -Xmx128m $jvm_opts -Xshare:auto "-Dlog4j.configuration=file:$jars/tool-log4j.properties" \
    -cp "$jars/lib/*" "$@"
}

tool_log4j() {
  [ -f "$jars/tool-log4j.properties" ] && return 0
  cat >"$jars/tool-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

# ---- the cluster folder -------------------------------------------------------------------------

# DIR/.kafka-test-cluster holds BROKERS=, CLUSTER_ID= and each node's PORT_n= and CPORT_n=;
# DIR/nodeN holds server.properties, log4j.properties, data/, pid and the logs.
load() {
  local dir=$1
  [ -f "$dir/$marker" ] || die "$dir: not a folder made by '$prog start'"
  # shellcheck disable=SC1090
  . "$dir/$marker"
}

bootstrap_of() {
  local n out=""
  for n in $(seq 1 "$BROKERS"); do
    local p="PORT_$n"
    out="$out${out:+,}127.0.0.1:${!p}"
  done
  echo "$out"
}

# TCP ports in use on this machine (any state), from /proc so no extra tool is needed.
ports_in_use() {
  local f line
  for f in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$f" ] || continue
    while read -r _ line _; do
      [ "$line" = local_address ] && continue
      echo $((16#${line##*:}))
    done <"$f"
  done
}

# COUNT free ports, below the kernel's ephemeral range so no outgoing connection takes one
# between now and the bind; a start that still loses a race picks again (see cmd_start).
pick_ports() {
  local count=$1 low hi used picked=" " p tries=0
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  hi=$((low - 1))
  [ "$hi" -gt 20000 ] || hi=29999
  used=" $(ports_in_use | tr '\n' ' ') "
  while [ "$(wc -w <<<"$picked")" -lt "$count" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 10000 ] || die "no free loopback port found"
    p=$((10000 + (RANDOM * 32768 + RANDOM) % (hi - 10000)))
    case "$used$picked" in *" $p "*) continue ;; esac
    picked="$picked$p "
  done
  echo $picked
}

# A random cluster id in Kafka's form (16 bytes, URL-safe base64); Kafka avoids a leading '-'.
new_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    [ "${id#-}" = "$id" ] && echo "$id" && return
  done
}

write_node_config() {
  local dir=$1 n=$2 nd=$1/node$2 voters="" i
  local p="PORT_$n" cp="CPORT_$n"
  for i in $(seq 1 "$BROKERS"); do
    local c="CPORT_$i"
    voters="$voters${voters:+,}$i@127.0.0.1:${!c}"
  done
  local rf=$((BROKERS < 3 ? BROKERS : 3)) isr=$((BROKERS < 3 ? 1 : 2))
  mkdir -p "$nd/data"
  cat >"$nd/server.properties" <<EOF
# Written by tests/kafka/broker.sh: node $n of $BROKERS, broker and controller in one JVM.
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:${!p},CONTROLLER://127.0.0.1:${!cp}
advertised.listeners=PLAINTEXT://127.0.0.1:${!p}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$nd/data

# Replication: every replica on a cluster of three, two in sync for an acks=all write.
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
unclean.leader.election.enable=false
auto.create.topics.enable=false

# Fast for tests: no rebalance delay, few internal partitions, small segments, quick failure
# detection (a SIGKILLed node is fenced and leaves the ISR within seconds).
group.initial.rebalance.delay.ms=0
offsets.topic.num.partitions=6
transaction.state.log.num.partitions=6
log.segment.bytes=1048576
offsets.topic.segment.bytes=1048576
transaction.state.log.segment.bytes=1048576
log.index.size.max.bytes=1048576
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
replica.lag.time.max.ms=5000
controller.quorum.election.timeout.ms=1000
controller.quorum.fetch.timeout.ms=2000
transaction.abort.timed.out.transaction.cleanup.interval.ms=5000
transaction.remove.expired.transaction.cleanup.interval.ms=10000

# Small: two shared cores and a 256 MB heap per node.
num.network.threads=2
num.io.threads=2
num.replica.fetchers=1
background.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=8388608
EOF
  cat >"$nd/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$nd/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
}

format_node() {
  local nd=$1/node$2
  java_tool kafka.tools.StorageTool format --ignore-formatted -t "$CLUSTER_ID" \
    -c "$nd/server.properties" >"$nd/format.log" 2>&1 ||
    { cat "$nd/format.log" >&2; die "$nd: kafka-storage format failed"; }
}

# ---- processes ----------------------------------------------------------------------------------

# The live pid of node N, or nothing. The pid file is trusted only while that process is a JVM
# running this node's config (a recycled pid is not ours) and not a zombie.
node_pid() {
  local nd=$1/node$2 pid state
  [ -f "$nd/pid" ] || return 0
  pid=$(cat "$nd/pid")
  [ -r "/proc/$pid/cmdline" ] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$nd/server.properties" || return 0
  state=$(sed 's/.*) \(.\).*/\1/' "/proc/$pid/stat" 2>/dev/null) || return 0
  [ "$state" = Z ] && return 0
  echo "$pid"
}

start_node() {
  local nd=$1/node$2
  [ -z "$(node_pid "$1" "$2")" ] || die "$nd: already running"
  # stdin, stdout and stderr all go to files: a caller's $(...) must not wait for the JVM.
  # shellcheck disable=SC2086
  java $heap_opts $jvm_opts -XX:+ExitOnOutOfMemoryError "-Dlog4j.configuration=file:$nd/log4j.properties" \
    "-Dkafka.logs.dir=$nd" -cp "$jars/lib/*" kafka.Kafka "$nd/server.properties" \
    </dev/null >>"$nd/stdout.log" 2>&1 &
  echo $! >"$nd/pid"
}

# Signal the nodes given, then wait (bounded) until all are gone; a SIGTERM that does not end a
# node within KAFKA_STOP_TIMEOUT is followed by a SIGKILL.
stop_nodes() {
  local dir=$1 sig=$2 n pid deadline left
  shift 2
  for n in "$@"; do
    pid=$(node_pid "$dir" "$n")
    [ -n "$pid" ] && kill "-$sig" "$pid" 2>/dev/null || true
  done
  deadline=$((SECONDS + stop_timeout))
  while :; do
    left=""
    for n in "$@"; do [ -n "$(node_pid "$dir" "$n")" ] && left="$left $n"; done
    [ -z "$left" ] && break
    if [ "$SECONDS" -ge "$deadline" ]; then
      [ "$sig" = KILL ] && die "$dir: node(s)$left still alive after SIGKILL"
      echo "$prog: node(s)$left did not stop within ${stop_timeout}s: SIGKILL" >&2
      stop_nodes "$dir" KILL $left
      break
    fi
    sleep 0.1
  done
  for n in "$@"; do rm -f "$dir/node$n/pid"; done
}

# kcat -L of the cluster (text form), bounded.
metadata() { # DIR [kcat args]
  local dir=$1
  shift
  timeout 15 kcat -L -b "$(bootstrap_of)" -m 5 "$@" 2>/dev/null
}

# Wait until every node given is alive and listed as a broker in the cluster's metadata.
wait_nodes() {
  local dir=$1 n md missing deadline=$((SECONDS + start_timeout))
  shift
  while :; do
    for n in "$@"; do
      if [ -z "$(node_pid "$dir" "$n")" ]; then
        tail -n 30 "$dir/node$n/stdout.log" "$dir/node$n/server.log" >&2 2>/dev/null || true
        echo "$prog: $dir/node$n: the broker exited while starting" >&2
        return 1
      fi
    done
    md=$(metadata "$dir") || md=""
    missing=""
    for n in "$@"; do
      grep -q "^  broker $n at " <<<"$md" || missing="$missing $n"
    done
    [ -z "$missing" ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$prog: $dir: node(s)$missing not answering after ${start_timeout}s" >&2
      return 1
    fi
    sleep 0.5
  done
}

# ---- commands -----------------------------------------------------------------------------------

cmd_start() {
  local brokers=1 dir=""
  while [ $# -gt 0 ]; do
    case $1 in
    --brokers)
      [ $# -ge 2 ] || usage "--brokers needs 1 or 3"
      brokers=$2
      shift 2
      ;;
    --brokers=*) brokers=${1#*=} && shift ;;
    -*) usage "start: unknown option $1" ;;
    *)
      [ -z "$dir" ] || usage "start takes one DIR"
      dir=$1
      shift
      ;;
    esac
  done
  [ -n "$dir" ] || usage "start needs a DIR"
  case $brokers in 1 | 3) ;; *) usage "--brokers must be 1 or 3" ;; esac
  need java mvn kcat
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then die "$dir: exists and is not empty"; fi
  have_jars || cmd_fetch
  tool_log4j
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  echo "BROKERS=0" >"$dir/$marker" # clean works from here on
  local attempt n ports
  # A port taken between the pick and the bind makes a node exit: pick again, twice at most.
  for attempt in 1 2 3; do
    read -r -a ports <<<"$(pick_ports $((2 * brokers)))"
    {
      echo "BROKERS=$brokers"
      echo "CLUSTER_ID=$(new_cluster_id)"
      for n in $(seq 1 "$brokers"); do
        echo "PORT_$n=${ports[$((2 * n - 2))]}"
        echo "CPORT_$n=${ports[$((2 * n - 1))]}"
      done
    } >"$dir/$marker"
    load "$dir"
    for n in $(seq 1 "$brokers"); do write_node_config "$dir" "$n"; done
    local fpids=() pid failed=0
    for n in $(seq 1 "$brokers"); do
      format_node "$dir" "$n" &
      fpids+=($!)
    done
    for pid in "${fpids[@]}"; do wait "$pid" || failed=1; done
    [ "$failed" = 0 ] || exit 1
    for n in $(seq 1 "$brokers"); do start_node "$dir" "$n"; done
    if wait_nodes "$dir" $(seq 1 "$brokers"); then
      bootstrap_of
      return 0
    fi
    stop_nodes "$dir" KILL $(seq 1 "$brokers")
    grep -qs "BindException\|Address already in use" "$dir"/node*/server.log "$dir"/node*/stdout.log ||
      die "$dir: the cluster did not start (logs above; folder kept for a look)"
    echo "$prog: a port was taken, picking others" >&2
    for n in $(seq 1 "$brokers"); do rm -rf "$dir/node$n"; done
  done
  die "$dir: no free ports after 3 attempts"
}

# Options of stop/restart: --kill, --broker N.
parse_node_opts() {
  kill_opt=TERM
  node_opt=""
  dir_arg=""
  while [ $# -gt 0 ]; do
    case $1 in
    --kill) kill_opt=KILL && shift ;;
    --broker)
      [ $# -ge 2 ] || usage "--broker needs a node number"
      node_opt=$2
      shift 2
      ;;
    --broker=*) node_opt=${1#*=} && shift ;;
    -*) usage "unknown option $1" ;;
    *)
      [ -z "$dir_arg" ] || usage "one DIR only"
      dir_arg=$1
      shift
      ;;
    esac
  done
  [ -n "$dir_arg" ] || usage "a DIR is needed"
  load "$dir_arg"
  if [ -n "$node_opt" ]; then
    case $node_opt in '' | *[!0-9]*) usage "--broker $node_opt: not a node number" ;; esac
    [ "$node_opt" -ge 1 ] && [ "$node_opt" -le "$BROKERS" ] ||
      usage "--broker $node_opt: the cluster has nodes 1..$BROKERS"
  fi
}

cmd_stop() {
  parse_node_opts "$@"
  if [ -n "$node_opt" ]; then
    stop_nodes "$dir_arg" "$kill_opt" "$node_opt"
  else
    stop_nodes "$dir_arg" "$kill_opt" $(seq 1 "$BROKERS")
  fi
}

cmd_restart() {
  parse_node_opts "$@"
  [ -n "$node_opt" ] || usage "restart needs --broker N"
  need java kcat
  stop_nodes "$dir_arg" "$kill_opt" "$node_opt"
  start_node "$dir_arg" "$node_opt"
  wait_nodes "$dir_arg" "$node_opt" || die "$dir_arg/node$node_opt: did not come back"
}

cmd_bootstrap() {
  [ $# -eq 1 ] || usage "bootstrap DIR"
  load "$1"
  bootstrap_of
}

# The lines "partition P, leader L, replicas: ..., isrs: ..." of TOPIC, from a node that answers.
partitions_of() {
  local dir=$1 topic=$2
  metadata "$dir" -t "$topic" | grep '^    partition ' || true
}

cmd_topic() {
  [ $# -ge 3 ] || usage "topic DIR NAME PARTITIONS [REPLICAS] [KEY=VALUE...]"
  local dir=$1 topic=$2 parts=$3 rf
  shift 3
  load "$dir"
  need java kcat
  rf=$((BROKERS < 3 ? BROKERS : 3))
  case ${1:-} in [0-9]*) rf=$1 && shift ;; esac
  local args=(--bootstrap-server "$(bootstrap_of)" --create --topic "$topic"
    --partitions "$parts" --replication-factor "$rf") kv
  for kv in "$@"; do args+=(--config "$kv"); done
  java_tool org.apache.kafka.tools.TopicCommand "${args[@]}" >/dev/null ||
    die "$topic: could not create the topic"
  local deadline=$((SECONDS + start_timeout)) led
  while :; do
    led=$(partitions_of "$dir" "$topic" | grep -vc 'leader -1,' || true)
    [ "$led" = "$parts" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || die "$topic: $led of $parts partitions have a leader"
    sleep 0.2
  done
}

cmd_leader() {
  [ $# -eq 3 ] || usage "leader DIR TOPIC PARTITION"
  load "$1"
  need kcat
  local line
  line=$(partitions_of "$1" "$2" | grep "^    partition $3, ") || die "$2 [$3]: no such partition"
  sed 's/.*, leader \([-0-9]*\),.*/\1/' <<<"$line"
}

cmd_wait_isr() {
  [ $# -eq 2 ] || usage "wait-isr DIR TOPIC"
  load "$1"
  need kcat
  local deadline=$((SECONDS + start_timeout)) lines short
  while :; do
    lines=$(partitions_of "$1" "$2")
    # Full when the ISR (a subset of the replicas, in any order) is as long as the replica list.
    short=$(awk -F'replicas: |, isrs: ' 'split($2, r, ",") != split($3, i, ",")' <<<"$lines")
    [ -n "$lines" ] && [ -z "$short" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || die "$2: replicas still out of sync: $short"
    sleep 0.5
  done
}

cmd_tool() {
  [ $# -ge 1 ] || usage "tool CLASS ARGS..."
  need java
  have_jars || cmd_fetch
  tool_log4j
  java_tool "$@"
}

cmd_clean() {
  [ $# -eq 1 ] || usage "clean DIR"
  local dir=$1
  [ -e "$dir" ] || return 0
  # Only a folder that start made (or began to make) is removed.
  [ -f "$dir/$marker" ] || die "$dir: not a folder made by '$prog start'; left alone"
  . "$dir/$marker"
  stop_nodes "$dir" KILL $(seq 1 "${BROKERS:-0}")
  rm -rf "$dir"
}

[ $# -ge 1 ] || usage "a command is needed"
cmd=$1
shift
case $cmd in
fetch) cmd_fetch "$@" ;;
start) cmd_start "$@" ;;
stop) cmd_stop "$@" ;;
restart) cmd_restart "$@" ;;
bootstrap) cmd_bootstrap "$@" ;;
topic) cmd_topic "$@" ;;
leader) cmd_leader "$@" ;;
wait-isr) cmd_wait_isr "$@" ;;
tool) cmd_tool "$@" ;;
free-port) [ $# -eq 0 ] || usage "free-port takes no arguments" && pick_ports 1 ;;
clean) cmd_clean "$@" ;;
help | --help | -h) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' ;;
*) usage "unknown command $cmd" ;;
esac
