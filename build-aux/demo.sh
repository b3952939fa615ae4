#!/bin/sh
# make demo: matches the real reference data (or the samples in tests/data when the reference is
# not beside the clone) with jm-match, files and pipes only, and shows what came out.
set -eu
cd "$(dirname "$0")/.."
ref=${JM_REFERENCE:-../shared/reference}
if [ -f "$ref/seed-job_posts.csv" ] && [ -f "$ref/seed-candidate_profiles.csv" ]; then
  jobs=$ref/seed-job_posts.csv cands=$ref/seed-candidate_profiles.csv
else
  jobs=tests/data/jobs-sample.csv cands=tests/data/candidates-sample.csv
fi
out=${JM_DEMO_OUT:-build/demo}
mkdir -p "$out"
echo "demo: cli/jm-match --min-score 60 --top 3 --stats $jobs $cands > $out/applications.ndjson"
cli/jm-match --min-score 60 --top 3 --stats "$jobs" "$cands" > "$out/applications.ndjson"
echo
echo "demo: the first three applications:"
head -n 3 "$out/applications.ndjson"
echo
echo "demo: applications by status:"
sed -n 's/.*"status":"\([^"]*\)".*/\1/p' "$out/applications.ndjson" | sort | uniq -c | sort -rn
echo
echo "demo: all applications are in $out/applications.ndjson"
