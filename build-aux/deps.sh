#!/bin/sh
# The one list of Debian packages that building and testing libjobmatch needs, by make goal.
# The Makefile runs it before configure or any compiler, with the goals it was given:
#   build-aux/deps.sh GOAL...        (no goal: all)
#   build-aux/deps.sh --list GOAL... prints the packages the goals need, one line
# Exit status: 0 when every package is installed; as root, it installs the missing ones (saying
# which; apt-get update first when the install fails on a stale list) and exits 10, so that make
# runs configure again to find them; otherwise it prints the exact apt-get line and exits 1.
set -eu

# Compiling and linking (libc6-dev: gcc without recommends lacks the C library's headers),
# generating configure, and regenerating libjobmatch/vocab_data.c (python3).
build="libc6-dev gcc binutils make autoconf pkg-config libcjson-dev libxxhash-dev python3"
# The tests: the Check suites (unit); the CLI cases (python3 checkers, jq, chromium for the HTML
# page); the SQL schema on a throwaway server; and what the Kafka and PostgreSQL sources and sinks
# build and test with (a broker runs on Java; maven fetches it over https). make check runs all.
unit="check"
cli="python3 jq chromium g++"
sql="postgresql python3"
services="librdkafka-dev libpq-dev kcat openjdk-17-jre-headless maven ca-certificates"
valgrind="valgrind"
fuzz="clang libclang-rt-14-dev"  # libFuzzer and the sanitizer runtimes are in libclang-rt
bench="time bc"
# The Spark example's check: a venv that pip fills with pyspark from PyPI, and Java to run it.
spark="python3 python3-venv python3-pip openjdk-17-jre-headless"

list=no
if [ "${1:-}" = --list ]; then list=yes; shift; fi
[ $# -gt 0 ] || set -- all

need=""
for goal in "$@"; do
  case $goal in
    clean | distclean | uninstall) ;;
    check) need="$need $build $unit $cli $sql $services $valgrind $spark" ;;
    check-spark | bench-spark) need="$need $build $spark" ;;
    check-unit | check-tsan | */tests/*) need="$need $build $unit" ;;
    check-cli) need="$need $build $cli" ;;
    check-san) need="$need $build $unit $cli" ;;
    check-sql) need="$need $build $sql" ;;
    check-valgrind) need="$need $build $unit $valgrind" ;;
    fuzz) need="$need $build $fuzz" ;;
    bench) need="$need $build $bench $services" ;;
    check-kafka | demo-live | bench-kafka) need="$need $build $services" ;;
    *) need="$need $build" ;;
  esac
done
need=$(printf '%s\n' $need | awk '!seen[$0]++' | tr '\n' ' ')
need=${need% }

if [ $list = yes ]; then
  echo "$need"
  exit 0
fi
[ -n "$need" ] || exit 0

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps: not a Debian system; make sure these (Debian names) are installed: $need" >&2
  exit 0
fi
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' $need 2>/dev/null |
  awk '$NF == "installed" && $(NF-1) == "ok" {print $1}' | tr '\n' ' ')"
missing=""
for p in $need; do
  case $installed in *" $p "*) ;; *) missing="$missing $p" ;; esac
done
[ -n "$missing" ] || exit 0

install="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
  echo "deps: make $* needs Debian packages that are not installed; as root, run:" >&2
  echo "  $install" >&2
  exit 1
fi
echo "deps: installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $install -q >&2; then
  echo "deps: the install failed; updating the package lists and trying again" >&2
  apt-get update -q >&2
  $install -q >&2
fi
exit 10
