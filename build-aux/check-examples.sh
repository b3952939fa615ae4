#!/bin/sh
# Installs into a staging folder and builds every examples/*.c against it through pkg-config, as
# a user would, then runs each: the installed headers, library and jobmatch.pc must work.
set -eu
build=${1:-build}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
make -s B="$build" install DESTDIR="$stage" PREFIX=/usr/local >/dev/null
export PKG_CONFIG_PATH="$stage/usr/local/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
flags=$(pkg-config --cflags --libs jobmatch)
n=0
for src in examples/*.c; do
  name=$(basename "$src" .c)
  ${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$stage/$name" "$src" $flags
  case $name in
    match_stream) LD_LIBRARY_PATH="$stage/usr/local/lib" "$stage/$name" < tests/data/example-stream.ndjson > "$stage/out" 2>/dev/null ;;
    *) LD_LIBRARY_PATH="$stage/usr/local/lib" "$stage/$name" > "$stage/out" ;;
  esac
  grep -q '"type":"application"' "$stage/out" || { echo "check-examples: $name wrote no application" >&2; exit 1; }
  n=$((n + 1))
done
echo "check-examples: $n examples built with pkg-config and run"
