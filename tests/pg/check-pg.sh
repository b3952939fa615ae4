#!/bin/sh
# Tests the PostgreSQL module (build/plugins/jm-pg.so) against a real, throwaway server
# (tests/pg/server.sh), through the plugin API (tests/pg/pg_driver.c) and jm-gen --to: the schema
# applied twice; loads that leave every row exactly once across re-runs, a pg_terminate_backend
# and an immediate-mode restart; giving up with the count committed; reading back, in event-time
# order, and following; hostile strings; a NUL refused; the reference pipeline's own tables read
# unchanged; connection settings (conninfo, URI, PG*, POSTGRES_*, .env, ~/.pgpass); a wrong
# password and an unreachable server in one line, in bounded time, without the password.
#
# Then the tools' own options: jm-gen --pg, jm-match --pg, --from-pg and --follow, jm-report
# --from-pg and --watch, their failures, no password shown, and no module installed.
#
# Usage: tests/pg/check-pg.sh        (from the top of the tree, after make check-pg's targets)
# Environment: JM_BIN (jm-gen, jm-match, jm-report; default cli/), JM_PG_DRIVER (default
# build/tests/pg/pg-driver), JM_PG_BINDIR (the server's binaries; default: those configure found).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
JM_SRCDIR=$top
. "$top/build-aux/test-tools.sh"
jm_need JM_PG_BINDIR JM_PYTHON
PG_BIN=$JM_PG_BINDIR
. "$top/tests/pg/server.sh"
pgs_find || { echo "check-pg: $pgs_why" >&2; exit 1; }

: "${JM_BIN:=$top/cli}"
: "${JM_PG_DRIVER:=$top/build/tests/pg/pg-driver}"
drv=$(cd "$(dirname "$JM_PG_DRIVER")" && pwd)/$(basename "$JM_PG_DRIVER")
export JM_PLUGIN_PATH="${JM_PLUGIN_PATH:-$top/build/plugins}"
for f in "$JM_BIN/jm-gen" "$JM_BIN/jm-match" "$JM_BIN/jm-report" "$drv" "$JM_PLUGIN_PATH/jm-pg.so"; do
  [ -x "$f" ] || [ -f "$f" ] || { echo "check-pg: $f not found: run make check-pg" >&2; exit 1; }
done

fail() { echo "check-pg: FAILED: $*" >&2; exit 1; }
ok() { echo "check-pg: $*: ok"; }

pgs_start
t=$pgs_dir
# Every run of the module is bounded in time.
bounded() { timeout 300 "$@"; }

conn() { echo "host=$pgs_sock port=$pgs_port user=jm dbname=$1"; }
newdb() { pgs_psql -c "CREATE DATABASE $1"; }
q() { db=$1; shift; "$pgs_psql_bin" -X -q -At -v ON_ERROR_STOP=1 -h "$pgs_sock" -p "$pgs_port" -U jm -d "$db" "$@"; }
rows() { q "$1" -c "SELECT count(*) FROM $2"; }
# Both files' lines, sorted, must be equal.
same_sorted() {
  sort "$1" > "$t/sa"; sort "$2" > "$t/sb"
  cmp -s "$t/sa" "$t/sb" || { diff "$t/sa" "$t/sb" | head -n 6 >&2; fail "$3"; }
}
# The last command's stderr ($1) is exactly one line.
one_line() { [ "$(wc -l < "$1")" -eq 1 ] || { cat "$1" >&2; fail "$2: not one line"; }; }

"$JM_BIN/jm-gen" -n 10000 --seed 1 > "$t/gen.ndjson"
"$drv" canon "$t/gen.ndjson" > "$t/gen.canon"

# ---- the schema, twice -------------------------------------------------------------------------
newdb schema
q schema -f "$top/sql/schema.sql"
q schema -f "$top/sql/schema.sql"
[ "$(q schema -c 'SELECT jobmatch_schema_version()')" -ge 2 ] || fail "schema version"
ok "sql/schema.sql applied twice"

# ---- exactly once across re-runs; the module loads the schema into an empty database ----------
newdb seed
bounded "$drv" load -o "conninfo=$(conn seed)" "$t/gen.ndjson" > /dev/null
bounded "$drv" load -o "conninfo=$(conn seed)" "$t/gen.ndjson" > /dev/null
[ "$(rows seed job_posts)" = 10000 ] && [ "$(rows seed candidate_info)" = 10000 ] ||
  fail "seed loaded twice: $(rows seed job_posts) + $(rows seed candidate_info) rows"
ok "10,000 + 10,000 records loaded twice: 10,000 + 10,000 rows"

# jm-gen --to the module, twice, into its own database
newdb gento
for _ in 1 2; do
  bounded "$JM_BIN/jm-gen" -n 10000 --seed 1 --to "pg:conninfo=$(conn gento),batch=2500" \
    > /dev/null
done
[ "$(rows gento job_posts)" = 10000 ] && [ "$(rows gento candidate_info)" = 10000 ] ||
  fail "jm-gen --to pg twice: $(rows gento job_posts) + $(rows gento candidate_info) rows"
ok "jm-gen -n 10000 --seed 1 --to pg twice: 10,000 + 10,000 rows"

# ---- reading back: the same records, in event-time order ---------------------------------------
bounded "$drv" read -o "conninfo=$(conn seed)" > "$t/back.ndjson"
same_sorted "$t/back.ndjson" "$t/gen.canon" "records read back differ from those loaded"
"$JM_PYTHON" - "$t/back.ndjson" <<'PY' || fail "records not read in event-time order"
import json, sys
ts = [json.loads(l)["timestamp"] for l in open(sys.argv[1])]
sys.exit(0 if ts == sorted(ts) else 1)
PY
ok "records read back unchanged, in event-time order"

# jm-match on the records read back equals jm-match on the file (--top 10: the default market
# is dense, and all pairs of 10,000 + 10,000 records are millions of applications)
"$JM_BIN/jm-match" --top 10 "$t/gen.ndjson" > "$t/apps.ndjson"
"$JM_BIN/jm-match" --top 10 < "$t/back.ndjson" > "$t/apps-pg.ndjson"
same_sorted "$t/apps-pg.ndjson" "$t/apps.ndjson" "jm-match on the tables differs from jm-match on the file"
ok "jm-match on the records read from the tables equals jm-match on the file"

# ---- applications: upserted on application_id, rows equal the NDJSON ---------------------------
for _ in 1 2; do
  bounded "$drv" load -o "conninfo=$(conn seed)" "$t/apps.ndjson" > /dev/null
done
[ "$(rows seed applications)" = "$(wc -l < "$t/apps.ndjson")" ] ||
  fail "applications loaded twice: $(rows seed applications) rows for $(wc -l < "$t/apps.ndjson")"
bounded "$drv" read -o "conninfo=$(conn seed)" -o kinds=application > "$t/apps-back.ndjson"
"$drv" canon "$t/apps.ndjson" > "$t/apps.canon"
same_sorted "$t/apps-back.ndjson" "$t/apps.canon" "applications read back differ"
ok "$(wc -l < "$t/apps.ndjson") applications loaded twice: one row each, equal to the NDJSON"

# ---- hostile strings round-trip; a NUL is refused with a reason --------------------------------
"$JM_PYTHON" - "$t/hostile.ndjson" <<'PY'
import json, sys
long = "x" * 200000 + "\\\t\n\"end"
nasty = ['a,b', '{braces}', '"quoted"', 'back\\slash', 'NULL', '', ' ', 'tab\there', 'new\nline',
         "it's", '\\N', '{"a",b}', 'ümlaut ☃ 😀', '\r\n', '\\\\', ',', '}{']
with open(sys.argv[1], "w") as f:
    for i, v in enumerate(nasty + [long]):
        f.write(json.dumps({"type": "job_post", "post_id": "h%d" % i, "company": v,
                            "job_title": "t\\%d\t\"" % i, "required_skills": nasty,
                            "certifications": [v], "timestamp": "2025-01-01T00:00:%02dZ" % i},
                           ensure_ascii=(i % 2 == 0)) + "\n")
        f.write(json.dumps({"type": "candidate", "candidate_id": "c\t%d\\" % i, "full_name": v,
                            "skills": [v, v + ","], "previous_companies": nasty[::-1],
                            "timestamp": "2025-01-01T00:01:%02dZ" % i}) + "\n")
PY
# the NUL lines come in the middle of good ones
cat > "$t/nul.ndjson" <<'EOF'
{"type":"job_post","post_id":"n1","company":"before"}
{"type":"job_post","post_id":"n2","company":"cut\u0000here"}
{"type":"candidate","candidate_id":"n3","skills":["a\u0000b"]}
{"type":"job_post","post_id":"n4","company":"escaped \\u0000 is text"}
EOF
newdb hostile
bounded "$drv" load -o "conninfo=$(conn hostile)" -o batch=7 "$t/hostile.ndjson" > /dev/null
bounded "$drv" read -o "conninfo=$(conn hostile)" > "$t/hostile.back"
"$drv" canon "$t/hostile.ndjson" > "$t/hostile.canon"
same_sorted "$t/hostile.back" "$t/hostile.canon" "hostile strings changed on the way"
[ "$(q hostile -c "SELECT required_skills[13] FROM job_posts WHERE post_id = 'h0'")" = 'ümlaut ☃ 😀' ] &&
  [ "$(q hostile -c "SELECT length(company) FROM job_posts WHERE post_id = 'h17'")" = 200007 ] &&
  [ "$(q hostile -c "SELECT required_skills[5] IS NOT NULL AND required_skills[5] = 'NULL' FROM job_posts WHERE post_id = 'h3'")" = t ] ||
  fail "hostile strings are not stored as they are"
ok "quotes, backslashes, tabs, newlines, 200 kB values and arrays of commas, braces and quotes round-trip"

bounded "$drv" load -o "conninfo=$(conn hostile)" "$t/nul.ndjson" > /dev/null 2> "$t/nul.err"
# (the parser refuses the NUL before the record has its id, so the lines name no id)
[ "$(wc -l < "$t/nul.err")" -eq 2 ] && [ "$(grep -c 'not stored: a NUL' "$t/nul.err")" -eq 2 ] ||
  { cat "$t/nul.err" >&2; fail "NUL reasons"; }
[ "$(q hostile -c "SELECT string_agg(post_id || '=' || company, ' ' ORDER BY post_id) FROM job_posts WHERE post_id LIKE 'n%'")" = 'n1=before n4=escaped \u0000 is text' ] &&
  [ "$(rows hostile "candidate_info WHERE candidate_id = 'n3'")" = 0 ] || fail "NUL records stored"
ok "a NUL in a JSON string is refused with a reason, its neighbours stored"

# ---- faults: a killed backend, an immediate restart, each mid-load; giving up ------------------
# Each batch's transaction is held open a moment, so that the fault lands inside one.
slow_db() {
  newdb "$1"
  q "$1" -f "$top/sql/schema.sql"
  q "$1" -c "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS
               \$\$ BEGIN PERFORM pg_sleep(0.1); RETURN NULL; END \$\$;
             CREATE TRIGGER slow AFTER INSERT ON candidate_info FOR EACH STATEMENT
               EXECUTE FUNCTION slow()"
}
# Waits (bounded) until the loader is inside a transaction after some batches committed.
wait_mid_load() {
  for _ in $(seq 1 600); do
    n=$(q "$1" -c "SELECT count(*) FROM candidate_info" 2>/dev/null || echo 0)
    busy=$(q "$1" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'jobmatch'
                       AND datname = '$1' AND state <> 'idle'" 2>/dev/null || echo 0)
    [ "$n" -gt 2000 ] && [ "$busy" -gt 0 ] && return 0
    sleep 0.05
  done
  fail "the load never got under way"
}
exactly_once() {
  [ "$(rows "$1" job_posts)" = 10000 ] && [ "$(rows "$1" candidate_info)" = 10000 ] ||
    fail "$2: $(rows "$1" job_posts) + $(rows "$1" candidate_info) rows"
  bounded "$drv" read -o "conninfo=$(conn "$1")" > "$t/$1.back"
  same_sorted "$t/$1.back" "$t/gen.canon" "$2: the rows differ from the records"
}

slow_db killed
bounded "$drv" load -o "conninfo=$(conn killed)" -o batch=1000 "$t/gen.ndjson" > /dev/null 2> "$t/killed.err" &
loader=$!
wait_mid_load killed
q killed -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE application_name = 'jobmatch' AND datname = 'killed'" > /dev/null
wait $loader || { cat "$t/killed.err" >&2; fail "the load did not survive pg_terminate_backend"; }
exactly_once killed "pg_terminate_backend mid-load"
ok "pg_terminate_backend mid-load: every row exactly once"

slow_db crashed
bounded "$drv" load -o "conninfo=$(conn crashed)" -o batch=1000 "$t/gen.ndjson" > /dev/null 2> "$t/crashed.err" &
loader=$!
wait_mid_load crashed
pgs_restart immediate
wait $loader || { cat "$t/crashed.err" >&2; fail "the load did not survive a restart"; }
exactly_once crashed "pg_ctl restart -m immediate mid-load"
ok "pg_ctl restart -m immediate mid-load: every row exactly once"

slow_db gaveup
start=$(date +%s)
bounded "$drv" load -o "conninfo=$(conn gaveup)" -o batch=1000 -o retry=2 "$t/gen.ndjson" \
  > /dev/null 2> "$t/gaveup.err" &
loader=$!
wait_mid_load gaveup
pgs_stop immediate
if wait $loader; then fail "the load did not fail with the server gone"; else rc=$?; fi
[ $rc = 3 ] || fail "giving up: exit $rc, not 3"
[ $(( $(date +%s) - start )) -lt 60 ] || fail "giving up took too long"
pgs_start_again
one_line "$t/gaveup.err" "giving up"
said=$(sed -n "s/.*: pg: \([0-9]*\) records committed.*/\1/p" "$t/gaveup.err")
[ -n "$said" ] && [ "$said" = $(( $(rows gaveup job_posts) + $(rows gaveup candidate_info) )) ] ||
  { cat "$t/gaveup.err" >&2; fail "giving up: the count committed is not what the tables hold"; }
ok "server gone for good: exit 3 in one line saying $said records were committed, as stored"

# ---- following: rows stored after the snapshot arrive ------------------------------------------
newdb follow
head -n 1000 "$t/gen.ndjson" > "$t/first.ndjson"
tail -n 500 "$t/gen.ndjson" > "$t/later.ndjson"
bounded "$drv" load -o "conninfo=$(conn follow)" "$t/first.ndjson" > /dev/null
bounded "$drv" read -o "conninfo=$(conn follow)" -o follow=1 --max 1500 > "$t/followed" &
reader=$!
for _ in $(seq 1 200); do [ "$(wc -l < "$t/followed")" -ge 1000 ] && break; sleep 0.05; done
bounded "$drv" load -o "conninfo=$(conn follow)" -o batch=100 "$t/later.ndjson" > /dev/null
wait $reader || fail "following: the reader failed"
cat "$t/first.ndjson" "$t/later.ndjson" > "$t/both.ndjson"
"$drv" canon "$t/both.ndjson" > "$t/both.canon"
same_sorted "$t/followed" "$t/both.canon" "following: the rows read differ from those stored"
ok "follow=1: 1,000 rows of the snapshot, then the 500 stored later"

# ---- the reference pipeline's own schema, read unchanged ---------------------------------------
newdb job_market_db
# the two tables exactly as the reference README writes them
q job_market_db -f "$top/tests/pg/reference-schema.sql"
q job_market_db <<'EOF'
INSERT INTO job_posts (post_id, company, job_title, job_category, industry, location_country,
    location_city, required_skills, certifications, salary_min, salary_max, experience_level,
    employment_type, work_mode, posted_date, deadline_date)
VALUES ('0b9f6c1e-1d2a-4c3b-9e8f-7a6b5c4d3e2f', 'Acme', 'Data Engineer', 'Data & Analytics',
    'Software', 'Germany', 'Berlin', ARRAY['Python', 'SQL'], ARRAY['AWS Certified'], 60000,
    80000.50, 'Senior', 'Full-time', 'Hybrid', '2025-03-01', '2025-04-01');
INSERT INTO candidate_info (candidate_id, full_name, gender, birth_year, nationality,
    location_country, education_level, graduation_year, gpa, current_company,
    previous_companies, skills, certifications, experience_level, current_salary,
    expected_salary)
VALUES ('1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', 'Ana Silva', 'female', 1990, 'Portuguese',
    'Germany', 'Master''s Degree', 2014, 3.7, 'Globex', ARRAY['Initech', 'Umbrella'],
    ARRAY['Python', 'Spark'], ARRAY[]::text[], 'Senior', 70000, 75000);
EOF
q job_market_db -c '\d job_posts' > "$t/ref-before"
bounded "$drv" read -o "conninfo=$(conn job_market_db)" > "$t/ref.back"
cat > "$t/ref.expected" <<'EOF'
{"type":"job_post","post_id":"0b9f6c1e-1d2a-4c3b-9e8f-7a6b5c4d3e2f","company":"Acme","job_title":"Data Engineer","job_category":"Data & Analytics","industry":"Software","location_country":"Germany","location_city":"Berlin","required_skills":["Python","SQL"],"certifications":["AWS Certified"],"salary_min":60000,"salary_max":80000.5,"experience_level":"Senior","employment_type":"Full-time","work_mode":"Hybrid","posted_date":"2025-03-01T00:00:00Z","deadline_date":"2025-04-01T00:00:00Z"}
{"type":"candidate","candidate_id":"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f","full_name":"Ana Silva","gender":"female","birth_year":1990,"nationality":"Portuguese","location_country":"Germany","education_level":"Master's Degree","graduation_year":2014,"gpa":3.7,"current_company":"Globex","previous_companies":["Initech","Umbrella"],"skills":["Python","Spark"],"certifications":[],"experience_level":"Senior","current_salary":70000,"expected_salary":75000}
EOF
"$drv" canon "$t/ref.expected" > "$t/ref.canon"
same_sorted "$t/ref.back" "$t/ref.canon" "the reference pipeline's tables read wrong"
q job_market_db -c '\d job_posts' > "$t/ref-after"
cmp -s "$t/ref-before" "$t/ref-after" || fail "reading changed the reference tables"
ok "the reference pipeline's job_posts and candidate_info read unchanged"

# ---- connection settings -------------------------------------------------------------------------
# Without the harness's PG* variables; over TCP, where a password is needed.
clean_env() { env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGPASSWORD "$@"; }
clean_env POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$pgs_port" POSTGRES_USER=jm \
  POSTGRES_PASSWORD="$pgs_password" POSTGRES_DB=seed timeout 60 "$drv" read --max 1 > /dev/null ||
  fail "POSTGRES_* variables"
mkdir "$t/dotenv"
cat > "$t/dotenv/.env" <<EOF
# PostgreSQL Configuration, as the reference pipeline writes it
POSTGRES_HOST=localhost
POSTGRES_PORT=$pgs_port
export POSTGRES_DB=seed
POSTGRES_USER="jm"
POSTGRES_PASSWORD='$pgs_password'

KAFKA_BOOTSTRAP_SERVERS=localhost:9092
EOF
(cd "$t/dotenv" && clean_env timeout 60 "$drv" read --max 1 > /dev/null) ||
  fail ".env in the working directory"
if (cd "$t/dotenv" && clean_env POSTGRES_PORT=1 timeout 60 "$drv" read --max 1 > /dev/null 2>&1)
then fail "the environment did not win over .env"; fi
(cd "$t/dotenv" && clean_env POSTGRES_PORT=1 PGPORT="$pgs_port" timeout 60 "$drv" read --max 1 \
  > /dev/null) || fail "PGPORT did not win over POSTGRES_PORT"
mkdir "$t/home"
printf '127.0.0.1:%s:*:jm:%s\n' "$pgs_port" "$pgs_password" > "$t/home/.pgpass"
chmod 600 "$t/home/.pgpass"
clean_env HOME="$t/home" timeout 60 "$drv" read --max 1 \
  -o "conninfo=host=127.0.0.1 port=$pgs_port user=jm dbname=seed" > /dev/null || fail "~/.pgpass"
clean_env timeout 60 "$drv" read --max 1 \
  -o "conninfo=postgresql://jm:$pgs_password@127.0.0.1:$pgs_port/seed" > /dev/null || fail "a URI"
clean_env timeout 60 "$drv" read --max 1 -o host=127.0.0.1 -o port="$pgs_port" -o user=jm \
  -o dbname=seed -o password="$pgs_password" > /dev/null || fail "libpq keywords as options"
ok "conninfo, URI, POSTGRES_* and .env, PG* first, ~/.pgpass"

# ---- failures in one line, bounded, without the password ------------------------------------------
secret=Sekr3t-wrong-pw
for how in "conninfo=host=127.0.0.1 port=$pgs_port user=jm dbname=seed password=$secret" \
           "conninfo=postgresql://jm:$secret@127.0.0.1:$pgs_port/seed"; do
  start=$(date +%s)
  if clean_env timeout 30 "$drv" load -o "$how" "$t/first.ndjson" > "$t/out" 2> "$t/err"; then
    fail "a wrong password was accepted"
  else rc=$?; fi
  [ $rc = 3 ] || fail "wrong password: exit $rc"
  [ $(( $(date +%s) - start )) -lt 15 ] || fail "wrong password: too slow"
  one_line "$t/err" "wrong password"
  grep -q 'password authentication failed' "$t/err" || { cat "$t/err" >&2; fail "wrong password: no reason"; }
  ! grep -q "$secret" "$t/err" "$t/out" || fail "the password was shown"
done
free=$(pgs_free_port)
start=$(date +%s)
if clean_env timeout 30 "$drv" load -o "conninfo=host=127.0.0.1 port=$free user=jm password=$secret" \
    "$t/first.ndjson" > "$t/out" 2> "$t/err"; then fail "an unreachable server was reached"; else rc=$?; fi
[ $rc = 3 ] && [ $(( $(date +%s) - start )) -lt 15 ] || fail "unreachable: exit $rc"
one_line "$t/err" "unreachable"
grep -q "cannot connect to 127.0.0.1:$free" "$t/err" || { cat "$t/err" >&2; fail "unreachable: no reason"; }
! grep -q "$secret" "$t/err" || fail "the password was shown"
newdb bare
if timeout 30 "$drv" load -o "conninfo=$(conn bare)" -o schema=no "$t/first.ndjson" 2> "$t/err" > /dev/null
then fail "schema=no loaded into a database without the schema"; fi
one_line "$t/err" "schema=no"
grep -q "lacks libjobmatch's schema" "$t/err" || { cat "$t/err" >&2; fail "schema=no: no reason"; }
ok "wrong password, unreachable server, missing schema: exit 3, one line, no password, bounded"

# ---- the tools' own options: --pg, --from-pg, --follow, jm-report --from-pg [--watch] ------------
export SOURCE_DATE_EPOCH=1767225600
for tool in jm-gen jm-match jm-report; do
  ! ldd "$JM_BIN/$tool" | grep -q libpq || fail "$tool links libpq"
done
# --pg with the defaults (the harness's PG* variables), then CONNINFO as the next argument and
# as --pg=CONNINFO; stdout and -o are written as well
newdb tools
PGDATABASE=tools bounded "$JM_BIN/jm-gen" -n 10000 --seed 1 --pg > "$t/tools-gen1"
bounded "$JM_BIN/jm-gen" -n 10000 --seed 1 --pg "$(conn tools)" > "$t/tools-gen2"
bounded "$JM_BIN/jm-gen" -n 10000 --seed 1 --pg="$(conn tools)" -o "$t/tools-gen3"
cmp -s "$t/tools-gen1" "$t/gen.ndjson" && cmp -s "$t/tools-gen2" "$t/gen.ndjson" &&
  cmp -s "$t/tools-gen3" "$t/gen.ndjson" || fail "jm-gen --pg changed what it writes beside"
[ "$(rows tools job_posts)" = 10000 ] && [ "$(rows tools candidate_info)" = 10000 ] ||
  fail "jm-gen --pg three times: $(rows tools job_posts) + $(rows tools candidate_info) rows"
bounded "$drv" read -o "conninfo=$(conn tools)" > "$t/tools.back"
same_sorted "$t/tools.back" "$t/gen.canon" "jm-gen --pg: the rows differ from the records"
ok "jm-gen -n 10000 --seed 1 --pg, three times and three spellings: 10,000 + 10,000 rows, stdout unchanged"

# jm-match --pg: the rows are its NDJSON output, once each after two runs
for _ in 1 2; do
  bounded "$JM_BIN/jm-match" --top 10 --pg="$(conn tools)" "$t/gen.ndjson" > "$t/tools-apps"
done
cmp -s "$t/tools-apps" "$t/apps.ndjson" || fail "jm-match --pg changed its NDJSON output"
[ "$(rows tools applications)" = "$(wc -l < "$t/apps.ndjson")" ] ||
  fail "jm-match --pg twice: $(rows tools applications) rows for $(wc -l < "$t/apps.ndjson")"
bounded "$drv" read -o "conninfo=$(conn tools)" -o kinds=application > "$t/tools-apps.back"
same_sorted "$t/tools-apps.back" "$t/apps.canon" "jm-match --pg: the rows differ from its output"
ok "jm-match --pg twice: $(wc -l < "$t/apps.ndjson") rows, equal to its NDJSON output"

# jm-match --from-pg: the applications jm-match makes of the same records in files
bounded "$JM_BIN/jm-match" --top 10 --from-pg "$(conn tools)" --stats > "$t/tools-from" 2> "$t/tools-stats"
same_sorted "$t/tools-from" "$t/apps.ndjson" "jm-match --from-pg differs from jm-match on the file"
grep -q '"records_read":20000,' "$t/tools-stats" || { cat "$t/tools-stats" >&2; fail "--from-pg --stats"; }
ok "jm-match --from-pg equals jm-match on the same records from files"

# jm-report --from-pg: every figure of jm-report on the same records from files
bounded "$JM_BIN/jm-report" --json --audit "$t/gen.ndjson" "$t/apps.ndjson" > "$t/report-files.json"
bounded "$JM_BIN/jm-report" --json --audit --from-pg="$(conn tools)" > "$t/report-pg.json"
cmp -s "$t/report-files.json" "$t/report-pg.json" ||
  { diff "$t/report-files.json" "$t/report-pg.json" | head -c 2000 >&2; fail "jm-report --from-pg figures"; }
ok "jm-report --from-pg --json: the same document as jm-report --json on the files"

# --follow and --watch: rows stored later arrive; SIGTERM ends in time with exit 0
newdb toolsfollow
bounded "$drv" load -o "conninfo=$(conn toolsfollow)" "$t/first.ndjson" > /dev/null
"$JM_BIN/jm-match" "$t/both.ndjson" > "$t/both-apps"
"$JM_BIN/jm-match" --passthrough "$t/both.ndjson" | "$JM_BIN/jm-report" --json > "$t/both-report"
timeout 120 "$JM_BIN/jm-match" --from-pg "$(conn toolsfollow)" --follow --pg "$(conn toolsfollow)" \
  > "$t/tools-followed" 2> "$t/tools-followed.err" &
matcher=$!
timeout 120 "$JM_BIN/jm-report" --from-pg "$(conn toolsfollow)" --watch 1 --json \
  > "$t/tools-watched" 2> "$t/tools-watched.err" &
watcher=$!
for _ in $(seq 1 200); do [ -s "$t/tools-watched" ] && break; sleep 0.05; done
# one record a transaction: followers get rows in commit order, here the records' own order
bounded "$drv" load -o "conninfo=$(conn toolsfollow)" -o batch=1 "$t/later.ndjson" > /dev/null
want=$(wc -l < "$t/both-apps")
for _ in $(seq 1 300); do
  [ "$(wc -l < "$t/tools-followed")" -ge "$want" ] &&
    tail -n 1 "$t/tools-watched" | cmp -s - "$t/both-report" && break
  sleep 0.1
done
start=$(date +%s)
kill -TERM $matcher $watcher
wait $matcher || { cat "$t/tools-followed.err" >&2; fail "jm-match --follow: SIGTERM: exit $?, not 0"; }
wait $watcher || { cat "$t/tools-watched.err" >&2; fail "jm-report --watch: SIGTERM: exit $?, not 0"; }
[ $(( $(date +%s) - start )) -lt 10 ] || fail "SIGTERM took too long"
same_sorted "$t/tools-followed" "$t/both-apps" "jm-match --follow: not the applications of every row"
[ "$(rows toolsfollow applications)" = "$want" ] || fail "jm-match --follow --pg: $(rows toolsfollow applications) rows, not $want"
# the applications it stored are read as well: the last document is jm-report's on the files
tail -n 1 "$t/tools-watched" > "$t/tools-watched.last"
cmp -s "$t/tools-watched.last" "$t/both-report" ||
  { diff "$t/tools-watched.last" "$t/both-report" | head -c 2000 >&2; fail "jm-report --from-pg --watch"; }
ok "--follow and --watch pick up rows stored later; SIGTERM: exit 0, everything delivered"

# failures through the tools: one line, exit 3, bounded, no password anywhere
secret=Sekr3t-wrong-pw
for how in "host=127.0.0.1 port=$pgs_port user=jm dbname=tools password=$secret" \
           "host=127.0.0.1 port=$(pgs_free_port) user=jm dbname=tools password=$secret"; do
  for run in "jm-gen -n 10 --pg" "jm-match --pg" "jm-match --from-pg" "jm-report --from-pg"; do
    start=$(date +%s)
    if clean_env timeout 30 "$JM_BIN"/$run "$how" < "$t/first.ndjson" > "$t/out" 2> "$t/err"
    then fail "$run: a bad server was accepted"; else rc=$?; fi
    [ $rc = 3 ] || { cat "$t/err" >&2; fail "$run: exit $rc, not 3"; }
    [ $(( $(date +%s) - start )) -lt 15 ] || fail "$run: too slow"
    one_line "$t/err" "$run"
    grep -q 'password authentication failed\|cannot connect to 127.0.0.1' "$t/err" ||
      { cat "$t/err" >&2; fail "$run: no reason"; }
    ! grep -q "$secret" "$t/err" "$t/out" || fail "$run: the password was shown"
  done
done
# and with the right one, over TCP, in every output and in --stats and --version
url="postgresql://jm:$pgs_password@127.0.0.1:$pgs_port/tools"
clean_env timeout 60 "$JM_BIN/jm-match" --top 10 --from-pg "$url" --pg="$url" --stats -o "$t/pw-apps" \
  > "$t/pw-out" 2> "$t/pw-err" || { cat "$t/pw-err" >&2; fail "a URI with its password"; }
clean_env POSTGRES_PASSWORD="$pgs_password" timeout 60 "$JM_BIN/jm-report" --from-pg "$url" \
  > "$t/pw-report" 2>> "$t/pw-err" || fail "jm-report with a password"
for run in "jm-gen --pg" "jm-match --pg" "jm-match --from-pg" "jm-report --from-pg"; do
  clean_env PGPASSWORD="$pgs_password" POSTGRES_PASSWORD="$pgs_password" \
    "$JM_BIN"/$run="$url" --version >> "$t/pw-out" 2>> "$t/pw-err" || fail "$run --version"
done
grep -q '^plugin: pg ' "$t/pw-out" || fail "--version does not list the module"
! grep -q "$pgs_password" "$t/pw-apps" "$t/pw-out" "$t/pw-err" "$t/pw-report" ||
  { grep -n "$pgs_password" "$t/pw-apps" "$t/pw-out" "$t/pw-err" "$t/pw-report" | cut -c1-300 >&2; fail "the password was shown"; }
ok "wrong password, unreachable server through the tools: exit 3, one line, bounded; no password in output, errors, --stats or --version"

# without the module: the tools outside the build tree, an empty plugin path
mkdir "$t/bin" "$t/noplugins"
cp "$JM_BIN/jm-gen" "$JM_BIN/jm-match" "$JM_BIN/jm-report" "$t/bin/"
if JM_PLUGIN_PATH="$t/noplugins" "$t/bin/jm-gen" --version | grep -q '^plugins: none found'; then
  for run in "jm-gen -n 10 --pg" "jm-match --pg" "jm-match --from-pg" "jm-report --from-pg"; do
    if JM_PLUGIN_PATH="$t/noplugins" timeout 30 "$t/bin"/$run < /dev/null > "$t/out" 2> "$t/err"
    then fail "$run ran without the module"; else rc=$?; fi
    [ $rc = 3 ] || fail "$run without the module: exit $rc, not 3"
    one_line "$t/err" "$run without the module"
    grep -q 'jm-pg.so: not found in .*libpq' "$t/err" || { cat "$t/err" >&2; fail "$run: what to install"; }
  done
  ok "without the module: --pg and --from-pg exit 3 in one line naming jm-pg.so and libpq"
else
  echo "check-pg: without the module: not checked: a module is installed in the plugin folder"
fi

echo "check-pg: passed"
