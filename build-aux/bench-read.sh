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
# best_of RUNS CMD...: the shortest wall time in nanoseconds; $cpu: the least CPU time (user and
# system, from /usr/bin/time) in nanoseconds, the figure to trust when other work shares the CPUs.
best_of() {
  runs=$1
  shift
  best=
  cpu=
  i=0
  while [ "$i" -lt "$runs" ]; do
    t0=$(now)
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@" > /dev/null
    else
      "$@" > /dev/null
      echo "0 0" > "$tmp/cpu"
    fi
    t1=$(now)
    t=$((t1 - t0))
    c=$(awk '{ printf "%.0f", ($1 + $2) * 1000000000 }' "$tmp/cpu")
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    if [ -z "$cpu" ] || [ "$c" -lt "$cpu" ]; then cpu=$c; fi
    i=$((i + 1))
  done
}
secs() { echo "scale=3; $1 / 1000000000" | bc -l; }
rate() { echo "$1 * 1000000000 / $2" | bc; }    # records, nanoseconds -> records a second
ratio() { echo "scale=2; $1 / $2" | bc -l; }
# The CPU figures from /usr/bin/time count in hundredths of a second: "-" below 0.02 s.
cpu_rate() { if [ "$2" -ge 20000000 ]; then rate "$1" "$2"; else echo -; fi; }
cpu_ratio() { if [ "$2" -ge 20000000 ]; then ratio "$1" "$2"; else echo -; fi; }
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

best_of 3 cat "$tmp/in.ndjson"
t_cat=$best c_cat=$cpu
best_of 3 wc -l "$tmp/in.ndjson"
t_wc=$best c_wc=$cpu
best_of 3 "$reader" --newlines "$tmp/in.ndjson"
t_nl=$best c_nl=$cpu
best_of 3 "$reader" "$tmp/in.ndjson"
t_read=$best c_read=$cpu
best_of 1 "$reader" --general "$tmp/in.ndjson"
t_general=$best c_general=$cpu
i_read=$(instructions 2000 "$tmp/sample.ndjson")
i_general=$(instructions 2000 --general "$tmp/sample.ndjson")
# The scanner's block index takes the widest way the machine has; the narrower ways' counts too
# (JM_SCAN_INDEX, where the machine has the way).
way=$("$reader" "$tmp/sample.ndjson" | sed -n 's/.* index \([a-z0-9]*\)$/\1/p')
ways=
for w in sse2 portable; do
  [ "$w" != "$way" ] && [ "$(JM_SCAN_INDEX=$w "$reader" "$tmp/sample.ndjson" |
    sed -n 's/.* index \([a-z0-9]*\)$/\1/p')" = "$w" ] &&
    ways="$ways $w: $(JM_SCAN_INDEX=$w instructions 2000 "$tmp/sample.ndjson"),"
done

echo "NDJSON: $bin/jm-gen -n $n --seed 1 ($records records, $bytes bytes, in ${TMPDIR:-/tmp}), $(nproc) CPUs"
# row LABEL WALL CPU [RECORDS [INSTRUCTIONS]]
row() {
  printf '  %-22s %8s s wall %8s s CPU' "$1" "$(secs "$2")" "$(secs "$3")"
  [ -z "${4:-}" ] || printf '  %9s records/s wall %9s per CPU second' "$(rate "$4" "$2")" \
    "$(cpu_rate "$4" "$3")"
  [ -z "${5:-}" ] || printf '  %s instructions a record' "$5"
  echo
}
row "cat > /dev/null:" "$t_cat" "$c_cat"
row "wc -l:" "$t_wc" "$c_wc"
row "newline scan:" "$t_nl" "$c_nl" "$records"
row "read (scanner):" "$t_read" "$c_read" "$records" "$i_read"
[ -z "$ways" ] || echo "    (index: $way;${ways%,} instructions a record with the index taking that way)"
row "read (general):" "$t_general" "$c_general" "$records" "$i_general"
printf '  read / newline scan:   %s wall, %s CPU (aim: at most 4)\n' "$(ratio "$t_read" "$t_nl")" \
  "$(cpu_ratio "$c_read" "$c_nl")"
printf '  read / cat:            %s wall, %s CPU\n' "$(ratio "$t_read" "$t_cat")" \
  "$(cpu_ratio "$c_read" "$c_cat")"
printf '  read / wc -l:          %s wall, %s CPU\n' "$(ratio "$t_read" "$t_wc")" \
  "$(cpu_ratio "$c_read" "$c_wc")"
printf '  general / scanner:     %s wall, %s CPU\n' "$(ratio "$t_general" "$t_read")" \
  "$(cpu_ratio "$c_general" "$c_read")"

csv_n=$((n / 5))
"$bin/jm-gen" -n "$csv_n" --seed 1 --format csv > "$tmp/in.csv"
csv_records=$(count --format csv "$tmp/in.csv")
head -n 2001 "$tmp/in.csv" > "$tmp/sample.csv"
best_of 3 "$reader" --format csv "$tmp/in.csv"
echo "CSV: $bin/jm-gen -n $csv_n --seed 1 --format csv ($csv_records records)"
row "read:" "$best" "$cpu" "$csv_records" "$(instructions 2000 --format csv "$tmp/sample.csv")"
for f in "$ref/seed-job_posts.csv" "$ref/seed-candidate_profiles.csv"; do
  [ -f "$f" ] || continue
  r=$(count --format csv "$f")
  best_of 3 "$reader" --format csv "$f"
  row "${f##*/}:" "$best" "$cpu" "$r" "$(instructions "$r" --format csv "$f")"
done
