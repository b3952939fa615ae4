-- The PostgreSQL (15+) schema of libjobmatch: tables of job posts (job_posts), candidates
-- (candidate_info) and applications with the canonical columns of docs/FORMAT.md, their indexes,
-- what followers of the tables need, staging tables and the upsert that batch loads go through,
-- an NDJSON ingest function, and one view per analytics figure (the same definitions as
-- jm-report, docs/report-schema.md).
--
-- Safe to run again: tables, columns and indexes are created if missing, functions, triggers
-- and views replaced.
-- See sql/README.md.

-- ---- tables -----------------------------------------------------------------------------------

-- candidate_info was called candidates before it took the reference pipeline's name.
DO $$
BEGIN
    IF to_regclass('candidates') IS NOT NULL AND to_regclass('candidate_info') IS NULL
       AND (SELECT relkind FROM pg_class WHERE oid = to_regclass('candidates')) = 'r' THEN
        ALTER TABLE candidates RENAME TO candidate_info;
        ALTER INDEX IF EXISTS candidates_skills_idx RENAME TO candidate_info_skills_idx;
    END IF;
END
$$;

-- jm_seq numbers every row as it is stored or changed, from one sequence for all three tables,
-- in commit order (see "following" below): readers that follow the tables ask for the rows
-- above the last number they saw.
CREATE SEQUENCE IF NOT EXISTS jobmatch_seq;

-- Each table is created with its key, then given every column it lacks: so this file also
-- upgrades a database made by an older version of itself, or by the reference pipeline (whose
-- job_posts and candidate_info hold a subset of these columns, with uuid ids and date dates), in
-- place. Ids are text: records' ids are strings (the generator's are UUIDs, other sources' need
-- not be). Lists are text[], money numeric, times timestamptz (UTC on input without a zone).
-- "timestamp" is the record's event time.
CREATE TABLE IF NOT EXISTS job_posts (post_id text PRIMARY KEY CHECK (post_id <> ''));
ALTER TABLE job_posts
    ADD COLUMN IF NOT EXISTS company            text,
    ADD COLUMN IF NOT EXISTS job_title          text,
    ADD COLUMN IF NOT EXISTS job_category       text,
    ADD COLUMN IF NOT EXISTS industry           text,
    ADD COLUMN IF NOT EXISTS employment_type    text,
    ADD COLUMN IF NOT EXISTS work_mode          text,
    ADD COLUMN IF NOT EXISTS application_method text,
    ADD COLUMN IF NOT EXISTS platform           text,
    ADD COLUMN IF NOT EXISTS language           text,
    ADD COLUMN IF NOT EXISTS location_country   text,
    ADD COLUMN IF NOT EXISTS location_city      text,
    ADD COLUMN IF NOT EXISTS required_skills    text[],
    ADD COLUMN IF NOT EXISTS certifications     text[],
    ADD COLUMN IF NOT EXISTS salary_min         numeric,
    ADD COLUMN IF NOT EXISTS salary_max         numeric,
    ADD COLUMN IF NOT EXISTS experience_level   text,
    ADD COLUMN IF NOT EXISTS years_experience   text,
    ADD COLUMN IF NOT EXISTS posted_date        timestamptz,
    ADD COLUMN IF NOT EXISTS deadline_date      timestamptz,
    ADD COLUMN IF NOT EXISTS "timestamp"        timestamptz,
    ADD COLUMN IF NOT EXISTS jm_seq             bigint NOT NULL DEFAULT nextval('jobmatch_seq');

CREATE TABLE IF NOT EXISTS candidate_info (
    candidate_id text PRIMARY KEY CHECK (candidate_id <> '')
);
ALTER TABLE candidate_info
    ADD COLUMN IF NOT EXISTS full_name           text,
    ADD COLUMN IF NOT EXISTS gender              text,
    ADD COLUMN IF NOT EXISTS nationality         text,
    ADD COLUMN IF NOT EXISTS education_level     text,
    ADD COLUMN IF NOT EXISTS job_category        text,
    ADD COLUMN IF NOT EXISTS current_title       text,
    ADD COLUMN IF NOT EXISTS current_company     text,
    ADD COLUMN IF NOT EXISTS birth_year          integer,
    ADD COLUMN IF NOT EXISTS graduation_year     integer,
    ADD COLUMN IF NOT EXISTS gpa                 numeric,
    ADD COLUMN IF NOT EXISTS location_country    text,
    ADD COLUMN IF NOT EXISTS location_city       text,
    ADD COLUMN IF NOT EXISTS experience_level    text,
    ADD COLUMN IF NOT EXISTS years_experience    text,
    ADD COLUMN IF NOT EXISTS previous_companies  text[],
    ADD COLUMN IF NOT EXISTS previous_industries text[],
    ADD COLUMN IF NOT EXISTS skills              text[],
    ADD COLUMN IF NOT EXISTS certifications      text[],
    ADD COLUMN IF NOT EXISTS current_salary      numeric,
    ADD COLUMN IF NOT EXISTS expected_salary     numeric,
    ADD COLUMN IF NOT EXISTS "timestamp"         timestamptz,
    ADD COLUMN IF NOT EXISTS jm_seq              bigint NOT NULL DEFAULT nextval('jobmatch_seq');

-- The components are five numeric columns, components_<name> (each score component's points),
-- rather than one jsonb value: they are typed, checked, and summed or averaged directly.
-- candidate_id and post_id have no foreign keys: applications, jobs and candidates arrive on
-- separate streams, in any order, and a sink writes each as it comes.
CREATE TABLE IF NOT EXISTS applications (application_id uuid PRIMARY KEY);
ALTER TABLE applications
    ADD COLUMN IF NOT EXISTS candidate_id          text NOT NULL,
    ADD COLUMN IF NOT EXISTS post_id               text NOT NULL,
    ADD COLUMN IF NOT EXISTS job_family            text,
    ADD COLUMN IF NOT EXISTS compatibility_score   integer NOT NULL
        CHECK (compatibility_score BETWEEN 0 AND 100),
    ADD COLUMN IF NOT EXISTS components_category   numeric,
    ADD COLUMN IF NOT EXISTS components_skills     numeric,
    ADD COLUMN IF NOT EXISTS components_experience numeric,
    ADD COLUMN IF NOT EXISTS components_seniority  numeric,
    ADD COLUMN IF NOT EXISTS components_salary     numeric,
    ADD COLUMN IF NOT EXISTS status                text,
    ADD COLUMN IF NOT EXISTS match_reason          text,
    ADD COLUMN IF NOT EXISTS application_method    text,
    ADD COLUMN IF NOT EXISTS application_date      timestamptz,
    ADD COLUMN IF NOT EXISTS "timestamp"           timestamptz,
    ADD COLUMN IF NOT EXISTS jm_seq                bigint NOT NULL DEFAULT nextval('jobmatch_seq');

-- ---- indexes ----------------------------------------------------------------------------------

CREATE INDEX IF NOT EXISTS job_posts_job_category_idx ON job_posts (job_category);
CREATE INDEX IF NOT EXISTS job_posts_posted_date_idx ON job_posts (posted_date);
CREATE INDEX IF NOT EXISTS job_posts_required_skills_idx ON job_posts USING gin (required_skills);
CREATE INDEX IF NOT EXISTS candidate_info_skills_idx ON candidate_info USING gin (skills);
CREATE INDEX IF NOT EXISTS applications_candidate_id_idx ON applications (candidate_id);
CREATE INDEX IF NOT EXISTS applications_post_id_idx ON applications (post_id);
CREATE INDEX IF NOT EXISTS applications_status_idx ON applications (status);
CREATE INDEX IF NOT EXISTS applications_application_date_idx ON applications (application_date);
-- recent_applications reads the newest first
CREATE INDEX IF NOT EXISTS applications_timestamp_idx ON applications ("timestamp" DESC);
-- followers read the rows above a number
CREATE INDEX IF NOT EXISTS job_posts_jm_seq_idx ON job_posts (jm_seq);
CREATE INDEX IF NOT EXISTS candidate_info_jm_seq_idx ON candidate_info (jm_seq);
CREATE INDEX IF NOT EXISTS applications_jm_seq_idx ON applications (jm_seq);

-- ---- following: jm_seq in commit order, and a wake-up ---------------------------------------
-- A reader that has seen every row up to number N must find every later row above N. Sequence
-- numbers are handed out when a row is written, not when it commits, so two writers could
-- commit out of order and a reader could pass a number that only commits later. Every
-- statement that writes these tables therefore first takes one transaction-long advisory lock:
-- writers queue, and each takes its numbers after the previous one committed. A changed row
-- gets a new number (it is news to a follower), and each writing statement sends a NOTIFY
-- jobmatch at commit so followers need not poll often.

CREATE OR REPLACE FUNCTION jobmatch_seq_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(x'6a6d736571'::bigint); -- "jmseq"
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION jobmatch_seq_renumber() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.jm_seq := nextval('jobmatch_seq');
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION jobmatch_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobmatch', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['job_posts', 'candidate_info', 'applications'] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE INSERT OR UPDATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION jobmatch_seq_lock()',
                       t || '_seq_lock', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE UPDATE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION jobmatch_seq_renumber()',
                       t || '_seq_renumber', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER INSERT OR UPDATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION jobmatch_notify()', t || '_notify', t);
    END LOOP;
END
$$;

-- ---- loading: staging tables and the upsert -------------------------------------------------
-- A batch is copied into this session's staging tables (temporary, emptied at commit), then
-- merged into the table in the same transaction: a job post or a candidate replaces the row of
-- its id when it differs (the last of a batch wins), an application is inserted unless its
-- application_id is there (a replay after a restart carries the same id,
-- docs/MATCHING.md). Loading the same records again changes nothing.

-- The staging table of table t: t's columns without jm_seq, and jm_stage_n, the arrival order.
CREATE OR REPLACE FUNCTION jobmatch_stage() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['job_posts', 'candidate_info', 'applications'] LOOP
        IF to_regclass('pg_temp.jobmatch_stage_' || t) IS NULL THEN
            EXECUTE format('CREATE TEMP TABLE %I (LIKE %I) ON COMMIT DELETE ROWS',
                           'jobmatch_stage_' || t, t);
            EXECUTE format('ALTER TABLE pg_temp.%I DROP COLUMN jm_seq, '
                           'ADD COLUMN jm_stage_n bigint GENERATED ALWAYS AS IDENTITY',
                           'jobmatch_stage_' || t);
        END IF;
    END LOOP;
END
$$;

-- The table, key and staging table of a record type.
CREATE OR REPLACE FUNCTION jobmatch_table(kind text, OUT tbl text, OUT key text, OUT stage text)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    CASE kind
    WHEN 'job_post' THEN tbl := 'job_posts'; key := 'post_id';
    WHEN 'candidate' THEN tbl := 'candidate_info'; key := 'candidate_id';
    WHEN 'application' THEN tbl := 'applications'; key := 'application_id';
    ELSE RAISE EXCEPTION 'jobmatch: unknown record type %', coalesce(kind, '(none)');
    END CASE;
    stage := 'jobmatch_stage_' || tbl;
END
$$;

-- The quoted columns of this session's staging table stage, prefix before each, comma-separated.
CREATE OR REPLACE FUNCTION jobmatch_stage_columns(stage text, prefix text DEFAULT '')
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(prefix || quote_ident(attname), ', ' ORDER BY attnum)
    FROM pg_attribute
    WHERE attrelid = to_regclass('pg_temp.' || stage) AND attnum > 0 AND NOT attisdropped
      AND attname <> 'jm_stage_n'
$$;

-- The upsert of kind's table from the rows of source: a query giving the staging table's
-- columns, at most one row per key.
CREATE OR REPLACE FUNCTION jobmatch_upsert_sql(kind text, source text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    m record := jobmatch_table(kind);
    cols text := jobmatch_stage_columns(m.stage);
BEGIN
    IF kind = 'application' THEN
        RETURN format('INSERT INTO %I (%s) %s ON CONFLICT (%I) DO NOTHING',
                      m.tbl, cols, source, m.key);
    END IF;
    RETURN format('INSERT INTO %I AS t (%s) %s ON CONFLICT (%I) DO UPDATE SET (%s) = ROW(%s) '
                  'WHERE (%s) IS DISTINCT FROM (%s)',
                  m.tbl, cols, source, m.key, cols, jobmatch_stage_columns(m.stage, 'EXCLUDED.'),
                  jobmatch_stage_columns(m.stage, 't.'),
                  jobmatch_stage_columns(m.stage, 'EXCLUDED.'));
END
$$;

-- Merges the staging table of kind into its table and empties it; returns the rows inserted or
-- changed. The last row of each key wins, and rows are stored in arrival order, so that jm_seq
-- keeps it: a reader then gets records of equal event time in the order they were written.
CREATE OR REPLACE FUNCTION jobmatch_merge(kind text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    m record := jobmatch_table(kind);
    n bigint;
BEGIN
    EXECUTE jobmatch_upsert_sql(kind, format(
        'SELECT %s FROM (SELECT DISTINCT ON (%I) * FROM pg_temp.%I ORDER BY %I, jm_stage_n DESC) s '
        'ORDER BY jm_stage_n',
        jobmatch_stage_columns(m.stage), m.key, m.stage, m.key));
    GET DIAGNOSTICS n = ROW_COUNT;
    EXECUTE format('TRUNCATE pg_temp.%I', m.stage);
    RETURN n;
END
$$;

-- Stores one record as jm-match and jm-gen write it (one NDJSON line as jsonb, canonical names,
-- "type" set), with the upsert of a batch. Returns the record's type; raises for any other type.
CREATE OR REPLACE FUNCTION jobmatch_ingest(doc jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    kind text := doc->>'type';
    m record := jobmatch_table(kind);
    d jsonb := jsonb_strip_nulls(doc);
BEGIN
    PERFORM jobmatch_stage();
    IF kind = 'candidate' AND NOT d ? 'expected_salary' AND d ? 'current_salary' THEN
        d := d || jsonb_build_object('expected_salary', d->'current_salary');
    ELSIF kind = 'application' THEN
        d := d || jsonb_strip_nulls(jsonb_build_object(
            'components_category', d#>'{components,category}',
            'components_skills', d#>'{components,skills}',
            'components_experience', d#>'{components,experience}',
            'components_seniority', d#>'{components,seniority}',
            'components_salary', d#>'{components,salary}'));
    END IF;
    EXECUTE jobmatch_upsert_sql(kind, format('SELECT %s FROM jsonb_populate_record(NULL::pg_temp.%I, $1)',
                                             jobmatch_stage_columns(m.stage), m.stage)) USING d;
    RETURN kind;
END
$$;

-- The version of this file; the PostgreSQL module loads it into a database with an older one.
CREATE OR REPLACE FUNCTION jobmatch_schema_version() RETURNS integer
LANGUAGE sql IMMUTABLE AS 'SELECT 3';

-- ---- analytics views -------------------------------------------------------------------------

-- Key metrics, one row. Active jobs: deadline at or after now(), or none.
CREATE OR REPLACE VIEW key_metrics AS
SELECT (SELECT count(*) FROM applications) AS applications,
       (SELECT count(*) FROM job_posts) AS jobs,
       (SELECT count(*) FROM job_posts
         WHERE deadline_date IS NULL OR deadline_date >= now()) AS active_jobs,
       (SELECT count(*) FROM candidate_info) AS candidates,
       (SELECT avg(compatibility_score) FROM applications) AS average_score,
       (SELECT count(*) FROM applications
         WHERE status IN ('Interview Scheduled', 'Under Review')) AS shortlisted,
       (SELECT count(*) FROM applications WHERE status = 'Interview Scheduled') AS interviews;

-- Applications per 3-hour interval of the day, by the UTC hour of application_date: all eight
-- intervals, empty ones with 0. Undated applications are left out.
CREATE OR REPLACE VIEW applications_by_interval AS
SELECT to_char(make_time(i * 3, 0, 0), 'HH24:MI') || '-'
       || CASE WHEN i = 7 THEN '24:00' ELSE to_char(make_time(i * 3 + 3, 0, 0), 'HH24:MI') END
           AS "interval",
       i * 3 AS from_hour,
       count(a.application_id) AS count
FROM generate_series(0, 7) AS i
LEFT JOIN applications a
       ON extract(hour FROM a.application_date AT TIME ZONE 'UTC')::integer / 3 = i
GROUP BY i
ORDER BY i;

-- The 10 job families with the most applications (ties by name).
CREATE OR REPLACE VIEW top_job_families AS
SELECT coalesce(job_family, '(unknown)') AS name, count(*) AS count
FROM applications
GROUP BY 1
ORDER BY count DESC, name
LIMIT 10;

-- compatibility_score in 20 bins of 5: [0, 5), [5, 10) ... [95, 100]; all bins, empty ones 0.
CREATE OR REPLACE VIEW score_histogram AS
SELECT b * 5 AS "from", CASE WHEN b = 19 THEN 100 ELSE b * 5 + 5 END AS "to",
       count(a.application_id) AS count
FROM generate_series(0, 19) AS b
LEFT JOIN applications a ON least(a.compatibility_score / 5, 19) = b
GROUP BY b
ORDER BY b;

-- Applications by status, with each status's share and the five-number summary of its scores
-- (quartiles linear between order statistics, as numpy's default).
CREATE OR REPLACE VIEW status_breakdown AS
SELECT coalesce(status, '(unknown)') AS name,
       count(*) AS count,
       count(*)::numeric / sum(count(*)) OVER () AS share,
       min(compatibility_score) AS score_min,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY compatibility_score) AS score_q1,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY compatibility_score) AS score_median,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY compatibility_score) AS score_q3,
       max(compatibility_score) AS score_max
FROM applications
GROUP BY 1
ORDER BY count DESC, name;

CREATE OR REPLACE VIEW jobs_by_work_mode AS
SELECT coalesce(nullif(work_mode, ''), '(unknown)') AS name, count(*) AS count
FROM job_posts
GROUP BY 1
ORDER BY count DESC, name;

CREATE OR REPLACE VIEW jobs_by_employment_type AS
SELECT coalesce(nullif(employment_type, ''), '(unknown)') AS name, count(*) AS count
FROM job_posts
GROUP BY 1
ORDER BY count DESC, name;

CREATE OR REPLACE VIEW candidates_by_education AS
SELECT coalesce(nullif(education_level, ''), '(unknown)') AS name, count(*) AS count
FROM candidate_info
GROUP BY 1
ORDER BY count DESC, name;

-- The job offer (salary_max, else salary_min; <= 0 left out) in up to 20 bins of equal width,
-- a multiple of 1,000, from the lowest offer rounded down to 1,000 to the bin holding the highest.
CREATE OR REPLACE VIEW job_salary_histogram AS
WITH offers AS (
    SELECT coalesce(salary_max, salary_min) AS offer FROM job_posts
    WHERE coalesce(salary_max, salary_min) > 0
), lo AS (
    SELECT floor(min(offer) / 1000) * 1000 AS lo, max(offer) AS hi FROM offers
), range AS (
    SELECT lo, hi, greatest(ceil((hi - lo) / 20 / 1000), 1) * 1000 AS width FROM lo
    WHERE lo IS NOT NULL
)
SELECT r.lo + b * r.width AS "from", r.lo + (b + 1) * r.width AS "to", count(o.offer) AS count
FROM range r
CROSS JOIN LATERAL generate_series(0, least(floor((r.hi - r.lo) / r.width)::integer, 19)) AS b
LEFT JOIN offers o ON least(floor((o.offer - r.lo) / r.width), 19) = b
GROUP BY b, r.lo, r.width
ORDER BY b;

-- The 15 countries with the most job posts.
CREATE OR REPLACE VIEW top_countries AS
SELECT coalesce(nullif(location_country, ''), '(unknown)') AS name, count(*) AS count
FROM job_posts
GROUP BY 1
ORDER BY count DESC, name
LIMIT 15;

-- The 100 most recent applications (newest "timestamp" first), with the candidate's name and
-- the job's title and company when those records are stored.
CREATE OR REPLACE VIEW recent_applications AS
SELECT a.application_id, a.candidate_id, c.full_name AS candidate_name, a.post_id, j.job_title,
       j.company, a.job_family, a.compatibility_score, a.status, a.match_reason,
       a.application_method, a.application_date, a."timestamp"
FROM applications a
LEFT JOIN candidate_info c ON c.candidate_id = a.candidate_id
LEFT JOIN job_posts j ON j.post_id = a.post_id
ORDER BY a."timestamp" DESC NULLS LAST, a.application_date DESC NULLS LAST, a.application_id
LIMIT 100;
