#!/bin/sh
# make bench: runs every benchmark script build-aux/bench-*.sh in turn. Not part of make check.
set -e
cd "$(dirname "$0")/.."
for b in build-aux/bench-*.sh; do
  [ -f "$b" ] || continue
  echo "== ${b#build-aux/}"
  sh "$b"
done
