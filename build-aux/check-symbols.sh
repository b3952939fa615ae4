#!/bin/sh
# The exact export list of libjobmatch.
#   build-aux/check-symbols.sh MAP SHLIB OBJ...     make check-symbols: fails unless the names the
#       shared library exports (nm -D), the names in MAP and the JM_EXTERN (default visibility)
#       symbols of the library's objects are one and the same list
#   build-aux/check-symbols.sh --update MAP OBJ...  make update-exports: rewrites MAP, the linker
#       version script, from the objects' JM_EXTERN symbols
set -eu

# The global symbols an object defines with default visibility: what JM_EXTERN marks.
declared() {
  LC_ALL=C readelf -sW "$@" |
    awk '$5 == "GLOBAL" && $6 == "DEFAULT" && $7 != "UND" && $8 != "" {print $8}' | LC_ALL=C sort -u
}
listed() {
  sed -n 's/^[[:space:]]*\(jm_[A-Za-z0-9_]*\);.*/\1/p' "$1" | LC_ALL=C sort -u
}

if [ "${1:-}" = --update ]; then
  map=$2
  shift 2
  {
    echo "/* The names libjobmatch exports, and only these (a linker version script, no symbol"
    echo " * versions). Written by make update-exports from the JM_EXTERN functions; make"
    echo " * check-symbols fails when the library, this list and the code disagree. */"
    echo "{"
    echo "  global:"
    declared "$@" | sed 's/.*/    &;/'
    echo "  local:"
    echo "    *;"
    echo "};"
  } > "$map.tmp"
  mv "$map.tmp" "$map"
  echo "update-exports: $(listed "$map" | wc -l) names in $map"
  exit 0
fi

map=$1 lib=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
listed "$map" > "$tmp/listed"
LC_ALL=C nm -D --defined-only "$lib" | awk '{print $NF}' | LC_ALL=C sort -u > "$tmp/exported"
declared "$@" > "$tmp/declared"

fail=0
report() { # file-a file-b message: the names of a missing from b
  missing=$(LC_ALL=C comm -23 "$1" "$2")
  [ -z "$missing" ] && return 0
  echo "check-symbols: $3:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  fail=1
}
report "$tmp/exported" "$tmp/listed" "$lib exports names that $map does not list"
report "$tmp/listed" "$tmp/exported" "$map lists names that $lib does not export"
report "$tmp/declared" "$tmp/listed" "JM_EXTERN functions that $map does not list (so not exported)"
if [ $fail = 1 ]; then
  echo "check-symbols: if the change of the public API is meant, run 'make update-exports' and" \
    "commit $map (a name that goes breaks the ABI)" >&2
  exit 1
fi
echo "check-symbols: $(wc -l < "$tmp/listed") exported names, exactly those of $map"
