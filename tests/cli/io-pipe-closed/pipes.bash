#!/bin/bash
# A reader that closes the pipe (`| head`) is a normal end: every tool exits 0 without a word
# (no SIGPIPE death, 141; no "Broken pipe"), so a pipefail pipeline succeeds, and what the other
# outputs hold still reaches them. A full disk is still a failure: exit 3 with a message.
set -o pipefail
t=$(mktemp -d "$PWD/tmp.XXXXXX")
trap 'rm -rf "$t"' EXIT
jm-gen -n 4000 --seed 1 | jm-match --passthrough --top 5 > "$t/all.ndjson" # 32 MB: the market is dense
jm-gen -n 200000 --seed 1 2> "$t/err" | head -1 > /dev/null
echo "jm-gen | head: exit $?, stderr $(wc -c < "$t/err") bytes"
jm-gen -n 200000 --seed 1 --rate 1000000 --truth "$t/truth" --bad-fraction 0.1 2> "$t/err" | head -5000 > /dev/null
echo "jm-gen --rate | head: exit $?, stderr $(wc -c < "$t/err") bytes"
[ "$(wc -l < "$t/truth")" -gt 0 ] && echo "jm-gen: the answer key holds the lines written"
echo 'not json' | jm-match --passthrough --errors "$t/dead" - "$t/all.ndjson" 2> "$t/err" | head -1 > /dev/null
echo "jm-match | head: exit $?, stderr $(grep -vc '^jm-match: <stdin>:1: malformed JSON$' "$t/err") more lines"
[ "$(cat "$t/dead")" = "not json" ] && echo "jm-match: the dead letter reached --errors"
jm-report --json "$t/all.ndjson" 2> "$t/err" | head -c 10 > /dev/null
echo "jm-report | head: exit $?, stderr $(wc -c < "$t/err") bytes"
jm-report --watch 1 "$t/all.ndjson" 2> "$t/err" | head -1 > /dev/null
echo "jm-report --watch | head: exit $?, stderr $(wc -c < "$t/err") bytes"
if [ -c /dev/full ]; then
  jm-gen -n 10 > /dev/full; echo "jm-gen > /dev/full: exit $?"
  jm-match "$t/all.ndjson" > /dev/full; echo "jm-match > /dev/full: exit $?"
  jm-report "$t/all.ndjson" > /dev/full; echo "jm-report > /dev/full: exit $?"
else
  printf '%s\n' 'jm-gen > /dev/full: exit 3' 'jm-match > /dev/full: exit 3' 'jm-report > /dev/full: exit 3'
  printf '%s\n' 'jm-gen: <stdout>: write failed: No space left on device' \
    'jm-match: <stdout>: write failed: No space left on device' \
    'jm-report: <stdout>: write failed: No space left on device' >&2
fi
