#!/bin/bash
# Smoke test of the test broker (tests/kafka/broker.sh) with Debian's kcat, on loopback only:
#  - without java, mvn or kcat the helper fails with one line naming the Debian package;
#  - one node: a 6-partition topic, 1,000 keyed messages produced with kcat -P and read back with
#    kcat -C -e, the same again after a SIGKILL and a restart on the same data, then a clean stop;
#  - three nodes (replication 3, min.insync.replicas 2): the leader of a partition is SIGKILLed
#    between two halves of an acks=all idempotent producer's writes and restarted on its data;
#    once it is back in sync another node is SIGKILLed and every message must still be there.
# Each part leaves no process and no folder behind (checked with pgrep -f), even on failure.
# Usage: tests/kafka/smoke.sh      Prints "N passed, N failed"; exits 1 on any failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
broker=$here/broker.sh
command -v kcat >/dev/null 2>&1 || { echo "smoke.sh: kcat not found: install the Debian package kcat" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/jm-kafka-smoke.XXXXXX")
cleanup() {
  "$broker" clean "$work/one" || true
  "$broker" clean "$work/three" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

. "$here/assert.sh"
elapsed() { echo "# $* after $((SECONDS - t0))s" >&2; }

# ---- missing tools --------------------------------------------------------------------------
# A PATH with every command of this machine except one: the helper must name its package.
without() { # TOOL PACKAGE
  local tool=$1 pkg=$2 bin=$work/bin-no-$1 out rc
  mkdir -p "$bin"
  ln -s /usr/bin/* "$bin/"
  [ /bin -ef /usr/bin ] || ln -s /bin/* "$bin/" 2>/dev/null || true # names already there fail
  rm -f "$bin/$tool"
  out=$(PATH=$bin "$broker" start "$work/never" 2>&1)
  rc=$?
  [ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "install the Debian package $pkg" <<<"$out" &&
    [ ! -e "$work/never" ] || { echo "# rc=$rc: $out" >&2; return 1; }
}
check "no java: one line naming openjdk-17-jre-headless" without java openjdk-17-jre-headless
check "no mvn: one line naming maven" without mvn maven
check "no kcat: one line naming kcat" without kcat kcat
rm -rf "$work"/bin-no-*

# ---- messages -----------------------------------------------------------------------------------
n_msgs=1000
partitions=6
for i in $(seq 1 $n_msgs); do
  printf 'key-%04d:value %04d %s\n' "$i" "$i" "$(printf '%*s' $((i % 97)) '' | tr ' ' x)"
done >"$work/sent"
sort "$work/sent" >"$work/sent.sorted"

produce() { # BOOTSTRAP TOPIC FILE
  timeout 120 kcat -P -b "$1" -t "$2" -K : -X acks=all -X enable.idempotence=true \
    -X message.timeout.ms=60000 -X log_level=3 <"$3"
}
# Reads TOPIC to the end of every partition into FILE as "partition key:value" lines.
consume() { # BOOTSTRAP TOPIC FILE
  timeout 120 kcat -C -b "$1" -t "$2" -o beginning -e -q -X log_level=3 \
    -f '%p %k:%s\n' >"$3"
}
same_messages() { # FILE: exactly the messages sent, each once
  cut -d' ' -f2- "$1" | sort | cmp -s - "$work/sent.sorted"
}
keys_stay_in_one_partition() { # FILE: every key in one partition, all partitions used
  local keyed
  keyed=$(sed 's/^\([0-9]*\) \([^:]*\):.*/\2 \1/' "$1" | sort -u)
  [ "$(wc -l <<<"$keyed")" = "$n_msgs" ] &&
    [ "$(cut -d' ' -f2 <<<"$keyed" | sort -u | wc -l)" = "$partitions" ]
}
# The broker's protocol versions must keep on every feature of the librdkafka that kcat (and the
# plugin) use: a broker that dropped old versions (Kafka 4.0) would turn some off.
all_features() { # BOOTSTRAP
  local log
  log=$(timeout 30 kcat -L -b "$1" -m 5 -X debug=feature 2>&1 >/dev/null)
  ! grep -q "Disabling feature" <<<"$log" && grep -q "Enabling feature BrokerBalancedConsumer" <<<"$log" &&
    grep -q "Enabling feature IdempotentProducer" <<<"$log" && grep -q "Enabling feature MsgVer2" <<<"$log"
}
count_is() { [ "$(wc -l <"$1")" = "$2" ]; }
nothing_left() { # DIR: no process mentions it, and it is gone
  ! pgrep -f "$1" >/dev/null && [ ! -e "$1" ]
}
node_alive() { [ -f "$1/node$2/pid" ] && kill -0 "$(cat "$1/node$2/pid")" 2>/dev/null; }

# ---- one node -----------------------------------------------------------------------------------
one=$work/one
if boot=$("$broker" start "$one"); then
  ok "one node starts and answers at $boot"
  elapsed "one node up"
  check "librdkafka $(kcat -V 2>&1 | sed -n 's/.*librdkafka \([0-9][^ ]*\).*/\1/p') turns no protocol feature off" \
    all_features "$boot"
  check "topic with $partitions partitions" "$broker" topic "$one" smoke $partitions
  check "kcat -P: $n_msgs keyed messages, acks=all" produce "$boot" smoke "$work/sent"
  check "kcat -C -e reads them back" consume "$boot" smoke "$work/got1"
  check "count is $n_msgs" count_is "$work/got1" $n_msgs
  check "content is what was sent, each once" same_messages "$work/got1"
  check "keys stay in one partition, all partitions used" keys_stay_in_one_partition "$work/got1"
  check "SIGKILL" "$broker" stop "$one" --kill
  check "the node is gone" eval '! node_alive "$one" 1'
  check "restart on the same data" "$broker" restart "$one" --broker 1
  check "same bootstrap address" test "$("$broker" bootstrap "$one")" = "$boot"
  consume "$boot" smoke "$work/got2"
  check "after the restart: the same $n_msgs messages" same_messages "$work/got2"
  check "clean stop (SIGTERM)" "$broker" stop "$one"
  check "stopped: no process left" eval '! pgrep -f "$one" >/dev/null'
  check "log shows a clean shutdown" grep -q "shut down completed" "$one/node1/server.log"
else
  not_ok "one node starts"
fi
"$broker" clean "$one"
check "one node: nothing left (pgrep -f, folder)" nothing_left "$one"
elapsed "one node done"

# ---- three nodes --------------------------------------------------------------------------------
three=$work/three
half=$((n_msgs / 2))
head -n $half "$work/sent" >"$work/sent.first"
tail -n +$((half + 1)) "$work/sent" >"$work/sent.second"
if boot=$("$broker" start --brokers 3 "$three"); then
  ok "three nodes start and answer at $boot"
  elapsed "three nodes up"
  check "topic: $partitions partitions, 3 replicas" "$broker" topic "$three" smoke $partitions 3
  check "every partition has 3 replicas in sync" "$broker" wait-isr "$three" smoke
  check "acks=all: first $half messages" produce "$boot" smoke "$work/sent.first"
  leader=$("$broker" leader "$three" smoke 0)
  check "partition 0 has a leader ($leader)" test "$leader" -ge 1
  check "SIGKILL the leader, node $leader" "$broker" stop "$three" --kill --broker "$leader"
  check "node $leader is gone" eval '! node_alive "$three" "$leader"'
  check "acks=all with node $leader down: the other $((n_msgs - half))" \
    produce "$boot" smoke "$work/sent.second"
  new_leader=$("$broker" leader "$three" smoke 0)
  check "partition 0 moved to another node ($new_leader)" \
    test "$new_leader" -ge 1 -a "$new_leader" != "$leader"
  check "restart node $leader on its data" "$broker" restart "$three" --broker "$leader"
  check "node $leader back in sync on every partition" "$broker" wait-isr "$three" smoke
  elapsed "three nodes: killed leader back in sync"
  # Another node goes: partitions it led move to the others, node $leader among them.
  other=$((leader % 3 + 1))
  check "SIGKILL node $other" "$broker" stop "$three" --kill --broker "$other"
  check "kcat -C -e with node $other down" consume "$boot" smoke "$work/got3"
  check "count is $n_msgs" count_is "$work/got3" $n_msgs
  check "no message lost or doubled" same_messages "$work/got3"
  check "keys stay in one partition, all partitions used" keys_stay_in_one_partition "$work/got3"
  check "clean stop of the others (SIGTERM)" "$broker" stop "$three"
  check "stopped: no process left" eval '! pgrep -f "$three" >/dev/null'
else
  not_ok "three nodes start"
fi
"$broker" clean "$three"
check "three nodes: nothing left (pgrep -f, folder)" nothing_left "$three"
elapsed "three nodes done"

summary
