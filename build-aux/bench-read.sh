#!/bin/sh
# make bench: reading records, with its anchors measured on the same bytes in the same run.
# NDJSON: jm-gen -n N --seed 1 (2N records) read through jm_reader by tests/bench/bench_read.c,
# which only reads (records counted and dropped), against `cat` of the file to /dev/null, `wc -l`
# and a bare newline scan (memchr over the same 1 MiB reads), and against the general (cJSON)
# parser alone on the same reader. CSV: jm-gen --format csv and the reference CSVs. Best of three
# runs each (one for the general parser); with valgrind, instructions a record too (callgrind on
# 2,000 records: the steady figure on a busy machine).
# JM_BENCH_READ_N: N (default 500000); JM_BUILD_DIR: the build folder (default build); the data
# goes to TMPDIR, or /dev/shm when TMPDIR is unset (about 1.1 GB at the default N).
set -eu
cd "$(dirname "$0")/.."
b=${JM_BUILD_DIR:-build}
bin=${JM_BIN:-cli}
n=${JM_BENCH_READ_N:-500000}
ref=${JM_REFERENCE:-../shared/reference}
reader=$b/tests/bench_read
[ -x "$reader" ] || { echo "bench-read: $reader is missing (make bench builds it)" >&2; exit 3; }
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then TMPDIR=/dev/shm; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-read.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

now() { date +%s%N; }
# best_of RUNS CMD...: the shortest wall time in nanoseconds.
best_of() {
  runs=$1
  shift
  best=
  i=0
  while [ "$i" -lt "$runs" ]; do
    t0=$(now)
    "$@" > /dev/null
    t1=$(now)
    t=$((t1 - t0))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    i=$((i + 1))
  done
  echo "$best"
}
secs() { echo "scale=3; $1 / 1000000000" | bc -l; }
rate() { echo "$1 * 1000000000 / $2" | bc; }    # records, nanoseconds -> records a second
ratio() { echo "scale=2; $1 / $2" | bc -l; }
# instructions RECORDS ARGS...: bench_read's instructions a record under callgrind, less a run
# over an empty file (start-up), or "-" without valgrind.
instructions() {
  records=$1
  shift
  command -v valgrind > /dev/null || { echo -; return; }
  ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
  full=$(ir "$reader" "$@")
  : > "$tmp/empty"
  base=$(ir "$reader" "$tmp/empty")
  echo $(((full - base) / records))
}
count() { "$reader" "$@" | sed -n 's/^[a-z]* \([0-9]*\) records.*/\1/p'; }

"$bin/jm-gen" -n "$n" --seed 1 > "$tmp/in.ndjson"
bytes=$(wc -c < "$tmp/in.ndjson")
records=$(count "$tmp/in.ndjson")
head -n 2000 "$tmp/in.ndjson" > "$tmp/sample.ndjson"

t_cat=$(best_of 3 cat "$tmp/in.ndjson")
t_wc=$(best_of 3 wc -l "$tmp/in.ndjson")
t_nl=$(best_of 3 "$reader" --newlines "$tmp/in.ndjson")
t_read=$(best_of 3 "$reader" "$tmp/in.ndjson")
t_general=$(best_of 1 "$reader" --general "$tmp/in.ndjson")
i_read=$(instructions 2000 "$tmp/sample.ndjson")
i_general=$(instructions 2000 --general "$tmp/sample.ndjson")

echo "NDJSON: $bin/jm-gen -n $n --seed 1 ($records records, $bytes bytes, in ${TMPDIR:-/tmp}), $(nproc) CPUs"
printf '  cat > /dev/null:          %s s\n' "$(secs "$t_cat")"
printf '  wc -l:                    %s s\n' "$(secs "$t_wc")"
printf '  newline scan:             %s s  (%s lines/s)\n' "$(secs "$t_nl")" "$(rate "$records" "$t_nl")"
printf '  read (scanner):           %s s  (%s records/s, %s instructions a record)\n' \
  "$(secs "$t_read")" "$(rate "$records" "$t_read")" "$i_read"
printf '  read (general parser):    %s s  (%s records/s, %s instructions a record)\n' \
  "$(secs "$t_general")" "$(rate "$records" "$t_general")" "$i_general"
printf '  read / newline scan:      %s (aim: at most 4)\n' "$(ratio "$t_read" "$t_nl")"
printf '  read / cat:               %s\n' "$(ratio "$t_read" "$t_cat")"
printf '  read / wc -l:             %s\n' "$(ratio "$t_read" "$t_wc")"
printf '  general / scanner:        %s\n' "$(ratio "$t_general" "$t_read")"

csv_n=$((n / 5))
"$bin/jm-gen" -n "$csv_n" --seed 1 --format csv > "$tmp/in.csv"
csv_records=$(count --format csv "$tmp/in.csv")
head -n 2001 "$tmp/in.csv" > "$tmp/sample.csv"
t_csv=$(best_of 3 "$reader" --format csv "$tmp/in.csv")
i_csv=$(instructions 2000 --format csv "$tmp/sample.csv")
echo "CSV: $bin/jm-gen -n $csv_n --seed 1 --format csv ($csv_records records)"
printf '  read:                     %s s  (%s records/s, %s instructions a record)\n' \
  "$(secs "$t_csv")" "$(rate "$csv_records" "$t_csv")" "$i_csv"
for f in "$ref/seed-job_posts.csv" "$ref/seed-candidate_profiles.csv"; do
  [ -f "$f" ] || continue
  r=$(count --format csv "$f")
  t=$(best_of 3 "$reader" --format csv "$f")
  printf '  %-24s %s s  (%s records/s, %s instructions a record)\n' "${f##*/}:" "$(secs "$t")" \
    "$(rate "$r" "$t")" "$(instructions "$r" --format csv "$f")"
done
