#!/bin/sh
# Makes sure the Debian packages the build and tests need are installed: installs them when run
# as root, otherwise prints the exact apt-get line and fails.
# Usage: build-aux/deps.sh build|check|bench
set -eu

need="gcc make autoconf pkg-config libcjson-dev libxxhash-dev"
case "${1:-build}" in
  check) need="$need check valgrind python3 clang postgresql g++" ;;
  bench) need="$need time bc" ;;
esac

missing=""
for p in $need; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing Debian packages:$missing" >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
  fi
else
  echo "deps: missing Debian packages; install them with:" >&2
  echo "  sudo apt-get install$missing" >&2
  exit 1
fi
