#!/bin/bash
# make demo-live: the whole pipeline live through a local Kafka broker (tests/kafka/broker.sh):
#   jm-gen -n 0 --rate R --start now --kafka                 a market made as it goes
#   jm-match --kafka --group demo --top 10   (two of them)   the consumer group sharing the work
#   jm-report --from-kafka --watch 2s --html PAGE            the dashboard, reloading itself
# and, when the PostgreSQL module is built and a server can run here, a throwaway server that both
# matchers also upsert into (--pg). It prints where to look; Ctrl-C (or SIGTERM) stops everything
# it started: the tools with SIGTERM (they deliver, commit and exit 0), then the broker and the
# server, whose folders it removes. The page stays.
# Environment (set but empty counts as unset):
#   DEMO_SECONDS  stop by itself after this many seconds, as Ctrl-C does (for a check)
#   DEMO_RATE     records a second from jm-gen (default 40)
#   DEMO_HTML     the page (default build/demo-live/report.html)
#   DEMO_DIR      the folder of the broker, the server and the logs (default: a new temporary one)
#   DEMO_BROKERS  use these brokers (HOST:PORT,...) instead of starting one
#   DEMO_PG       no: leave PostgreSQL out
#   JM_BIN        the tools (default cli)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${JM_BIN:-$root/cli}
broker=$root/tests/kafka/broker.sh
seconds=${DEMO_SECONDS:-}
rate=${DEMO_RATE:-40}
page=${DEMO_HTML:-$root/build/demo-live/report.html}
dir=${DEMO_DIR:-}
[ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/jm-demo-live.XXXXXX")
mkdir -p "$dir" "$(dirname "$page")"
page=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
say() { echo "demo-live: $*"; }

pids=()
names=()
pg=no
stopping=no
# The number of applications the page shows, from its data.
page_apps() { sed -n 's/.*"views":{"all":{"apps":\([0-9]*\).*/\1/p' "$page" 2>/dev/null | head -1; }
cleanup() {
  [ "$stopping" = no ] || return
  stopping=yes
  local i rc=0
  # The tools first (SIGTERM: each delivers and commits), each within 30 s, then the services.
  for i in "${!pids[@]}"; do kill -TERM "${pids[$i]}" 2>/dev/null; done
  for i in "${!pids[@]}"; do
    local deadline=$((SECONDS + 30))
    while kill -0 "${pids[$i]}" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    kill -9 "${pids[$i]}" 2>/dev/null && { say "${names[$i]} did not stop: killed"; rc=1; }
    wait "${pids[$i]}" 2>/dev/null || { say "${names[$i]} exited $?; its log: $dir/${names[$i]}.log"; rc=1; }
  done
  [ -n "${DEMO_BROKERS:-}" ] || "$broker" clean "$dir/kafka" >/dev/null 2>&1
  if [ "$pg" = yes ]; then
    say "PostgreSQL held $(pgs_psql -tAc 'select count(*) from applications' 2>/dev/null) applications"
    pgs_remove
  fi
  say "stopped; the page shows ${apps:-$(page_apps)} applications: $page"
  if [ "$rc" != 0 ]; then
    say "logs:"
    tail -n 5 "$dir"/*.log >&2
  fi
  rm -rf "$dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 0' INT TERM HUP

start() { # NAME COMMAND...: in the background, its stderr (and stdout) in DIR/NAME.log
  local name=$1
  shift
  "$@" >"$dir/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}

if [ -n "${DEMO_BROKERS:-}" ]; then
  boot=$DEMO_BROKERS
else
  say "starting a Kafka broker (tests/kafka/broker.sh) in $dir/kafka"
  boot=$("$broker" start "$dir/kafka") || { say "the broker did not start"; exit 1; }
fi
k=(-b "$boot")

pg_opt=()
if [ "${DEMO_PG:-}" != no ] && "$bin/jm-match" --version | grep -q "^plugin: pg "; then
  # shellcheck source=../tests/pg/server.sh
  . "$root/tests/pg/server.sh"
  if pgs_find && pgs_start >/dev/null; then
    pg=yes
    trap cleanup EXIT
    trap 'exit 0' INT TERM HUP
    pg_opt=(--pg "$pgs_conninfo")
    say "PostgreSQL at $pgs_conninfo"
  else
    say "no PostgreSQL here (${pgs_why:-the server did not start}): Kafka only"
  fi
fi

# The matchers create the topics (6 partitions) and join the group before the market starts.
for i in 1 2; do
  start "jm-match-$i" "$bin/jm-match" --kafka --group demo "${k[@]}" --partitions 6 --top 10 \
    -X session.timeout.ms=6000 "${pg_opt[@]}" -o /dev/null
done
start jm-gen "$bin/jm-gen" -n 0 --rate "$rate" --start now --kafka "${k[@]}" --partitions 6 -o /dev/null
if [ -n "$seconds" ]; then
  start jm-report "$bin/jm-report" --from-kafka "${k[@]}" --watch 2s --html "$page"
else
  say "broker: $boot (kcat -C -b $boot -t job_applications)"
  say "page: $page (it reloads itself every 2 s; open it in a browser)"
  [ "$pg" = yes ] && say "PostgreSQL: psql '$pgs_conninfo' -c 'select count(*) from applications'"
  say "logs: $dir; Ctrl-C stops everything"
  sleep 1
  # In front: its terminal report redraws in place; Ctrl-C ends it, then the rest.
  "$bin/jm-report" --from-kafka "${k[@]}" --watch 2s --html "$page"
  exit 0
fi
say "page: $page; running for $seconds s"
sleep "$seconds"
# The page's last render comes with jm-report's stop.
kill -TERM "${pids[-1]}" 2>/dev/null
wait "${pids[-1]}" 2>/dev/null
unset 'pids[-1]' 'names[-1]'
apps=$(page_apps)
say "applications: ${apps:-0}"
exit 0
