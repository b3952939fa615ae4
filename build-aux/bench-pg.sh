#!/bin/sh
# Loading PostgreSQL three ways, measured in one run on one throwaway server (tests/pg/server.sh,
# durable: fsync on): jm-gen --pg (the module's COPY batches), psql \copy of the same rows as
# CSV, and one INSERT and commit per row (the reference pipeline's way, on a sample); then the
# module loading jm-match's applications, and jm-match --pg matching and upserting them at once
# beside jm-match alone. Prints rows (applications) per second and the ratios.
#
# Usage: build-aux/bench-pg.sh [N]   (after make; N job posts + N candidates, default 100000)
# Environment: JM_BIN (default cli/), JM_PG_DRIVER (default build/tests/pg/pg-driver),
# JM_BENCH_PG_ROWWISE (rows loaded one commit each, default 5000).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
rowwise=${JM_BENCH_PG_ROWWISE:-5000}
: "${JM_BIN:=$top/cli}"
: "${JM_PG_DRIVER:=$top/build/tests/pg/pg-driver}"
export JM_PLUGIN_PATH="${JM_PLUGIN_PATH:-$top/build/plugins}"
PGS_SETTINGS="-c fsync=on -c shared_buffers=256MB -c max_wal_size=2GB"
JM_SRCDIR=$top
. "$top/build-aux/test-tools.sh"
jm_need JM_PG_BINDIR
PG_BIN=$JM_PG_BINDIR
. "$top/tests/pg/server.sh"
pgs_find || { echo "bench-pg: $pgs_why" >&2; exit 1; }
pgs_start
t=$pgs_dir

q() { db=$1; shift; "$pgs_psql_bin" -X -q -At -v ON_ERROR_STOP=1 -h "$pgs_sock" -p "$pgs_port" -U jm -d "$db" "$@"; }
conn() { echo "host=$pgs_sock port=$pgs_port user=jm dbname=$1"; }
now() { date +%s.%N; }
rate() { echo "$1 / ($3 - $2)" | bc; }
for db in module copy rowwise apps; do
  pgs_psql -c "CREATE DATABASE $db"
  q "$db" -f "$top/sql/schema.sql"
done
rows=$((2 * n))

s=$(now)
"$JM_BIN/jm-gen" -n "$n" --seed 1 --pg="$(conn module)" > /dev/null
e=$(now)
module=$(rate $rows "$s" "$e")

# The same rows as CSV, in the tables' columns, for \copy.
jcols="post_id, company, job_title, job_category, industry, employment_type, work_mode,
  application_method, platform, language, location_country, location_city, required_skills,
  certifications, salary_min, salary_max, experience_level, years_experience, posted_date,
  deadline_date, \"timestamp\""
ccols="candidate_id, full_name, gender, nationality, education_level, job_category, current_title,
  current_company, birth_year, graduation_year, gpa, location_country, location_city,
  experience_level, years_experience, previous_companies, previous_industries, skills,
  certifications, current_salary, expected_salary, \"timestamp\""
jcols=$(echo $jcols); ccols=$(echo $ccols)
q module -c "\\copy (SELECT $jcols FROM job_posts) TO '$t/jobs.csv' CSV"
q module -c "\\copy (SELECT $ccols FROM candidate_info) TO '$t/candidates.csv' CSV"
s=$(now)
q copy -c "\\copy job_posts ($jcols) FROM '$t/jobs.csv' CSV" \
       -c "\\copy candidate_info ($ccols) FROM '$t/candidates.csv' CSV"
e=$(now)
copy=$(rate $rows "$s" "$e")

# One INSERT and one commit per row (psql's autocommit), half job posts, half candidates.
half=$((rowwise / 2))
q module -c "SELECT format('INSERT INTO job_posts ($jcols) VALUES (%s);',
               concat_ws(', ', $(echo "$jcols" | sed "s/[a-z_\"][a-z_\"]*/quote_nullable(&)/g")))
             FROM job_posts LIMIT $half" > "$t/rowwise.sql"
q module -c "SELECT format('INSERT INTO candidate_info ($ccols) VALUES (%s);',
               concat_ws(', ', $(echo "$ccols" | sed "s/[a-z_\"][a-z_\"]*/quote_nullable(&)/g")))
             FROM candidate_info LIMIT $half" >> "$t/rowwise.sql"
s=$(now)
q rowwise -f "$t/rowwise.sql"
e=$(now)
rowwise_rate=$(rate $((2 * half)) "$s" "$e")

"$JM_BIN/jm-gen" -n "$((n / 10))" --seed 1 > "$t/small.ndjson"
s=$(now)
"$JM_BIN/jm-match" --top 10 "$t/small.ndjson" > "$t/apps.ndjson"
e=$(now)
apps=$(wc -l < "$t/apps.ndjson")
match_rate=$(rate "$apps" "$s" "$e")
s=$(now)
"$JM_PG_DRIVER" load -o "conninfo=$(conn apps)" "$t/apps.ndjson" > /dev/null
e=$(now)
apps_rate=$(rate "$apps" "$s" "$e")
# jm-match itself, matching and upserting at once (and writing its NDJSON beside)
pgs_psql -c "CREATE DATABASE matchpg"
q matchpg -f "$top/sql/schema.sql"
s=$(now)
"$JM_BIN/jm-match" --pg="$(conn matchpg)" "$t/small.ndjson" > /dev/null
e=$(now)
match_pg_rate=$(rate "$apps" "$s" "$e")
[ "$(q matchpg -c 'SELECT count(*) FROM applications')" = "$apps" ] ||
  { echo "bench-pg: jm-match --pg stored a different number of applications" >&2; exit 1; }

echo "bench-pg: $("$PG_BIN/postgres" --version), fsync on"
printf '  %-44s %10s rows/s\n' "jm-gen --pg ($rows rows, COPY batches)" "$module" \
  "psql \\copy of the same rows as CSV" "$copy" \
  "INSERT + commit per row ($((2 * half)) rows)" "$rowwise_rate" \
  "applications through the module ($apps)" "$apps_rate"
printf '  %-44s %10s applications/s\n' "jm-match, NDJSON only ($apps)" "$match_rate" \
  "jm-match --pg, matched and upserted" "$match_pg_rate"
printf '  module / \\copy: %s   module / row-at-a-time: %s\n' \
  "$(echo "scale=2; $module / $copy" | bc)" "$(echo "scale=1; $module / $rowwise_rate" | bc)"
