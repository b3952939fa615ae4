#!/bin/sh
# Installs into a staging folder and builds every examples/*.c against it through pkg-config, as
# a user would, then runs each: the installed headers, library and jobmatch.pc must work. The
# prefix is not the one the build was configured with: jobmatch.pc must name the install's.
set -eu
build=${1:-build}
prefix=/opt/jobmatch
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
make -s B="$build" install DESTDIR="$stage" PREFIX=$prefix >/dev/null
export PKG_CONFIG_PATH="$stage$prefix/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
got=$(sed -n 's/^prefix=//p' "$stage$prefix/lib/pkgconfig/jobmatch.pc")
[ "$got" = $prefix ] ||
  { echo "check-examples: jobmatch.pc says prefix=$got, installed in $prefix" >&2; exit 1; }
pkg-config --libs --static jobmatch | grep -q -- -lpthread ||
  { echo "check-examples: jobmatch.pc lacks Libs.private: -lpthread" >&2; exit 1; }
# The man pages: one per tool in man1, the library's in man3.
for page in $(cd docs/man && ls *.1 *.3); do
  [ -f "$stage$prefix/share/man/man${page##*.}/$page" ] ||
    { echo "check-examples: make install did not install the man page $page" >&2; exit 1; }
done
flags=$(pkg-config --cflags --libs jobmatch)
n=0
for src in examples/*.c; do
  name=$(basename "$src" .c)
  ${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$stage/$name" "$src" $flags
  case $name in
    match_stream) LD_LIBRARY_PATH="$stage$prefix/lib" "$stage/$name" < tests/data/example-stream.ndjson > "$stage/out" 2>/dev/null ;;
    *) LD_LIBRARY_PATH="$stage$prefix/lib" "$stage/$name" > "$stage/out" ;;
  esac
  grep -q '"type":"application"' "$stage/out" || { echo "check-examples: $name wrote no application" >&2; exit 1; }
  n=$((n + 1))
done
# make uninstall takes back what make install put there (the staging folder's own files aside).
make -s B="$build" uninstall DESTDIR="$stage" PREFIX=$prefix >/dev/null
left=$(cd "$stage$prefix" && find . -type f | sort)
[ -z "$left" ] || { echo "check-examples: make uninstall left: $left" >&2; exit 1; }
echo "check-examples: $n examples built with pkg-config and run"
