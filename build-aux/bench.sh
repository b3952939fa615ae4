#!/bin/sh
# make bench: runs every benchmark script build-aux/bench-*.sh in turn (bench-gen-match.sh among
# them: jm-gen -n 100000 and -n 1000000 through jm-match --top 10). Not part of make check.
set -e
cd "$(dirname "$0")/.."
for b in build-aux/bench-*.sh; do
  [ -f "$b" ] || continue
  echo "== ${b#build-aux/}"
  sh "$b"
done
