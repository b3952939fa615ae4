#!/bin/sh
# Checks sql/schema.sql on a real, throwaway PostgreSQL server: loads the schema (twice: it must be
# re-runnable), ingests jm-match --passthrough output of the sample data, and compares every view
# with jm-report --json on the same records (tests/sql/compare-report.py).
#
# Usage: tests/sql/check-schema.sh            (from the top of the tree, after "make")
# Environment: PG_BIN   folder of initdb/pg_ctl/postgres/psql (default: the newest
#                       /usr/lib/postgresql/<15 or later>/bin)
#              JM_BIN   folder of jm-match and jm-report (default: cli/ of this tree)
# Skips (exit 0, "skipped: ...") only when no PostgreSQL 15+ server binaries are installed.
# The server is tests/pg/server.sh's: a temporary folder, an unprivileged user, stopped and
# removed on every exit.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/sql
. "$top/tests/pg/server.sh"

pgs_find || { echo "check-schema: skipped: $pgs_why"; exit 0; }

: "${JM_BIN:=$top/cli}"
for tool in jm-match jm-report; do
  [ -x "$JM_BIN/$tool" ] || { echo "check-schema: $JM_BIN/$tool not found: run make first" >&2; exit 1; }
done

pgs_start
t=$pgs_dir
q() { pgs_psql "$@"; }

q -f "$top/sql/schema.sql"
q -f "$top/sql/schema.sql" # again: nothing to change, nothing fails
echo "check-schema: schema loaded twice ($("$PG_BIN/postgres" --version))"

# Records: the sample jobs and candidates and every application jm-match makes of them.
"$JM_BIN/jm-match" --passthrough "$top/tests/data/jobs-sample.csv" \
  "$top/tests/data/candidates-sample.csv" > "$t/pipeline.ndjson"
# A replayed tail: the upsert must leave the tables as they were.
tail -n 200 "$t/pipeline.ndjson" > "$t/replay.ndjson"
for f in pipeline replay; do
  # One NDJSON line per row of a jsonb column: CSV with quote and delimiter that JSON never holds.
  q >/dev/null <<SQL
CREATE TEMP TABLE staging (n bigserial, doc jsonb);
\\copy staging (doc) FROM '$t/$f.ndjson' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
SELECT count(jobmatch_ingest(doc)) FROM (SELECT doc FROM staging ORDER BY n) s;
SQL
done
# ingest rejects what is not a record
if q -c "SELECT jobmatch_ingest('{\"type\": \"robot\"}')" >/dev/null 2>&1; then
  echo "check-schema: jobmatch_ingest accepted an unknown type" >&2; exit 1
fi

# jm-report on the same records, on the database's clock, so "active jobs" agree.
now=$(q -At -c "SELECT extract(epoch FROM date_trunc('second', now()))::bigint")
SOURCE_DATE_EPOCH=$now "$JM_BIN/jm-report" --json "$t/pipeline.ndjson" > "$t/report.json"
mkdir "$t/views"
for v in key_metrics applications_by_interval top_job_families score_histogram status_breakdown \
         jobs_by_work_mode jobs_by_employment_type candidates_by_education job_salary_histogram \
         top_countries recent_applications; do
  q --csv -c "SELECT * FROM $v" > "$t/views/$v.csv"
done
q --csv -c "SELECT (SELECT count(*) FROM applications) AS applications,
                   (SELECT count(DISTINCT (candidate_id, post_id)) FROM applications) AS pairs,
                   (SELECT count(*) FROM job_posts) AS jobs,
                   (SELECT count(*) FROM candidate_info) AS candidates,
                   (SELECT count(*) FROM job_posts WHERE 'Python' = ANY (required_skills)) AS python_jobs,
                   (SELECT count(*) FROM candidate_info WHERE expected_salary IS NULL) AS no_ask" \
  > "$t/views/tables.csv"
# The GIN index serves an array containment search.
q -At -c "SET enable_seqscan = off; EXPLAIN SELECT post_id FROM job_posts WHERE required_skills @> ARRAY['Python']" \
  | grep -q job_posts_required_skills_idx || { echo "check-schema: GIN index not used" >&2; exit 1; }

python3 "$here/compare-report.py" "$t/report.json" "$t/views" "$t/pipeline.ndjson"
echo "check-schema: passed"
