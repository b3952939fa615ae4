#!/bin/sh
# Checks that the shared library exports jm_ names only (everything else is hidden).
set -eu
lib=$1
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | grep -v '^jm_' | grep -Ev '^(_init|_fini|_edata|_end|__bss_start)$' || true)
count=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ && $3 ~ /^jm_/' | wc -l)
if [ -n "$bad" ]; then
  echo "check-symbols: $lib exports names without the jm_ prefix:" >&2
  echo "$bad" >&2
  exit 1
fi
[ "$count" -gt 0 ] || { echo "check-symbols: $lib exports nothing" >&2; exit 1; }
echo "check-symbols: $count exported symbols, all jm_"
