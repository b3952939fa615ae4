#!/bin/sh
# The Python binding from an installed copy, outside the source tree: make install into a
# scratch DESTDIR, the package with pip install --target (no index: it needs nothing), then
# tests/bindings/test_python.py run from there with the installed tools, the library found by
# the dynamic loader (LD_LIBRARY_PATH) as an installed one is. Run by make check-python-installed
# with JM_MAKE (the make to call), B (the build folder) and JM_PYTHON set.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
python=${JM_PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix=/usr/local
${JM_MAKE:-make} -C "$top" --no-print-directory -s B="${B:-build}" install DESTDIR="$tmp/root" \
  PREFIX=$prefix >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; exit 1; }
"$python" -m pip install --quiet --no-index --no-deps --disable-pip-version-check \
  --target "$tmp/site" "$top/bindings/python" >"$tmp/pip.log" 2>&1 || { cat "$tmp/pip.log" >&2; exit 1; }
[ -f "$tmp/site/jobmatch/py.typed" ] || { echo "check-installed: pip installed no py.typed" >&2; exit 1; }
root=$tmp/root$prefix
cd "$tmp"  # not the source tree: the package must come from site/
env -u JOBMATCH_LIBRARY -u JOBMATCH_LIB PYTHONPATH="$tmp/site" LD_LIBRARY_PATH="$root/lib" \
  JM_BIN="$root/bin" JM_EXPECT_INSTALLED="$tmp" \
  JM_TEST_PLUGIN="$top/${B:-build}/plugins/jm-test.so" "$python" "$top/tests/bindings/test_python.py"
