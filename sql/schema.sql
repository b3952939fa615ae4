-- The PostgreSQL (15+) schema of libjobmatch: tables of job posts, candidates and applications
-- with the SPEC "Records" canonical columns, their indexes, an NDJSON ingest function, and one
-- view per SPEC "Analytics" figure (the same definitions as jm-report, docs/report-schema.md).
--
-- Safe to run again: tables and indexes are created if missing, functions and views replaced.
-- See sql/README.md.

-- ---- tables -----------------------------------------------------------------------------------

-- Ids are text: the SPEC's ids are strings (the generator's are UUIDs, other sources' need not
-- be). Lists are text[], money numeric, times timestamptz (UTC on input without a zone).
-- "timestamp" is the record's event time.
CREATE TABLE IF NOT EXISTS job_posts (
    post_id            text PRIMARY KEY CHECK (post_id <> ''),
    company            text,
    job_title          text,
    job_category       text,
    industry           text,
    employment_type    text,
    work_mode          text,
    application_method text,
    platform           text,
    language           text,
    location_country   text,
    location_city      text,
    required_skills    text[],
    certifications     text[],
    salary_min         numeric,
    salary_max         numeric,
    experience_level   text,
    years_experience   text,
    posted_date        timestamptz,
    deadline_date      timestamptz,
    "timestamp"        timestamptz
);

CREATE TABLE IF NOT EXISTS candidates (
    candidate_id        text PRIMARY KEY CHECK (candidate_id <> ''),
    full_name           text,
    gender              text,
    nationality         text,
    education_level     text,
    job_category        text,
    current_title       text,
    current_company     text,
    birth_year          integer,
    graduation_year     integer,
    gpa                 numeric,
    location_country    text,
    location_city       text,
    experience_level    text,
    years_experience    text,
    previous_companies  text[],
    previous_industries text[],
    skills              text[],
    certifications      text[],
    current_salary      numeric,
    expected_salary     numeric,
    "timestamp"         timestamptz
);

-- The components are five numeric columns, components_<name> (the points of SPEC "Scoring"),
-- rather than one jsonb value: they are typed, checked, and summed or averaged directly.
-- candidate_id and post_id have no foreign keys: applications, jobs and candidates arrive on
-- separate streams, in any order, and a sink writes each as it comes.
CREATE TABLE IF NOT EXISTS applications (
    application_id        uuid PRIMARY KEY,
    candidate_id          text NOT NULL,
    post_id               text NOT NULL,
    job_family            text,
    compatibility_score   integer NOT NULL CHECK (compatibility_score BETWEEN 0 AND 100),
    components_category   numeric,
    components_skills     numeric,
    components_experience numeric,
    components_seniority  numeric,
    components_salary     numeric,
    status                text,
    match_reason          text,
    application_method    text,
    application_date      timestamptz,
    "timestamp"           timestamptz
);

-- ---- indexes ----------------------------------------------------------------------------------

CREATE INDEX IF NOT EXISTS job_posts_job_category_idx ON job_posts (job_category);
CREATE INDEX IF NOT EXISTS job_posts_posted_date_idx ON job_posts (posted_date);
CREATE INDEX IF NOT EXISTS job_posts_required_skills_idx ON job_posts USING gin (required_skills);
CREATE INDEX IF NOT EXISTS candidates_skills_idx ON candidates USING gin (skills);
CREATE INDEX IF NOT EXISTS applications_candidate_id_idx ON applications (candidate_id);
CREATE INDEX IF NOT EXISTS applications_post_id_idx ON applications (post_id);
CREATE INDEX IF NOT EXISTS applications_status_idx ON applications (status);
CREATE INDEX IF NOT EXISTS applications_application_date_idx ON applications (application_date);
-- recent_applications reads the newest first
CREATE INDEX IF NOT EXISTS applications_timestamp_idx ON applications ("timestamp" DESC);

-- ---- ingest -----------------------------------------------------------------------------------

-- A jsonb list of strings as text[] (NULL when absent or JSON null).
CREATE OR REPLACE FUNCTION jobmatch_text_array(v jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL OR jsonb_typeof(v) = 'null' THEN NULL
                ELSE ARRAY(SELECT jsonb_array_elements_text(v)) END
$$;

-- Stores one record as jm-match and jm-gen write it (one NDJSON line as jsonb, canonical names,
-- "type" set): a job post or candidate replaces the row of its id; an application is upserted
-- on application_id, so a replayed application changes nothing (SPEC "Streaming join").
-- Returns the record's type; raises for any other type.
CREATE OR REPLACE FUNCTION jobmatch_ingest(doc jsonb) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    CASE doc->>'type'
    WHEN 'job_post' THEN
        INSERT INTO job_posts VALUES (
            doc->>'post_id', doc->>'company', doc->>'job_title', doc->>'job_category',
            doc->>'industry', doc->>'employment_type', doc->>'work_mode',
            doc->>'application_method', doc->>'platform', doc->>'language',
            doc->>'location_country', doc->>'location_city',
            jobmatch_text_array(doc->'required_skills'), jobmatch_text_array(doc->'certifications'),
            (doc->>'salary_min')::numeric, (doc->>'salary_max')::numeric,
            doc->>'experience_level', doc->>'years_experience',
            (doc->>'posted_date')::timestamptz, (doc->>'deadline_date')::timestamptz,
            (doc->>'timestamp')::timestamptz)
        ON CONFLICT (post_id) DO UPDATE SET
            company = EXCLUDED.company, job_title = EXCLUDED.job_title,
            job_category = EXCLUDED.job_category, industry = EXCLUDED.industry,
            employment_type = EXCLUDED.employment_type, work_mode = EXCLUDED.work_mode,
            application_method = EXCLUDED.application_method, platform = EXCLUDED.platform,
            language = EXCLUDED.language, location_country = EXCLUDED.location_country,
            location_city = EXCLUDED.location_city, required_skills = EXCLUDED.required_skills,
            certifications = EXCLUDED.certifications, salary_min = EXCLUDED.salary_min,
            salary_max = EXCLUDED.salary_max, experience_level = EXCLUDED.experience_level,
            years_experience = EXCLUDED.years_experience, posted_date = EXCLUDED.posted_date,
            deadline_date = EXCLUDED.deadline_date, "timestamp" = EXCLUDED."timestamp";
    WHEN 'candidate' THEN
        INSERT INTO candidates VALUES (
            doc->>'candidate_id', doc->>'full_name', doc->>'gender', doc->>'nationality',
            doc->>'education_level', doc->>'job_category', doc->>'current_title',
            doc->>'current_company', (doc->>'birth_year')::integer,
            (doc->>'graduation_year')::integer, (doc->>'gpa')::numeric,
            doc->>'location_country', doc->>'location_city', doc->>'experience_level',
            doc->>'years_experience', jobmatch_text_array(doc->'previous_companies'),
            jobmatch_text_array(doc->'previous_industries'), jobmatch_text_array(doc->'skills'),
            jobmatch_text_array(doc->'certifications'), (doc->>'current_salary')::numeric,
            coalesce((doc->>'expected_salary')::numeric, (doc->>'current_salary')::numeric),
            (doc->>'timestamp')::timestamptz)
        ON CONFLICT (candidate_id) DO UPDATE SET
            full_name = EXCLUDED.full_name, gender = EXCLUDED.gender,
            nationality = EXCLUDED.nationality, education_level = EXCLUDED.education_level,
            job_category = EXCLUDED.job_category, current_title = EXCLUDED.current_title,
            current_company = EXCLUDED.current_company, birth_year = EXCLUDED.birth_year,
            graduation_year = EXCLUDED.graduation_year, gpa = EXCLUDED.gpa,
            location_country = EXCLUDED.location_country, location_city = EXCLUDED.location_city,
            experience_level = EXCLUDED.experience_level,
            years_experience = EXCLUDED.years_experience,
            previous_companies = EXCLUDED.previous_companies,
            previous_industries = EXCLUDED.previous_industries, skills = EXCLUDED.skills,
            certifications = EXCLUDED.certifications, current_salary = EXCLUDED.current_salary,
            expected_salary = EXCLUDED.expected_salary, "timestamp" = EXCLUDED."timestamp";
    WHEN 'application' THEN
        INSERT INTO applications VALUES (
            (doc->>'application_id')::uuid, doc->>'candidate_id', doc->>'post_id',
            doc->>'job_family', (doc->>'compatibility_score')::integer,
            (doc#>>'{components,category}')::numeric, (doc#>>'{components,skills}')::numeric,
            (doc#>>'{components,experience}')::numeric, (doc#>>'{components,seniority}')::numeric,
            (doc#>>'{components,salary}')::numeric, doc->>'status', doc->>'match_reason',
            doc->>'application_method', (doc->>'application_date')::timestamptz,
            (doc->>'timestamp')::timestamptz)
        ON CONFLICT (application_id) DO NOTHING;
    ELSE
        RAISE EXCEPTION 'jobmatch_ingest: unknown record type %', coalesce(doc->>'type', '(none)');
    END CASE;
    RETURN doc->>'type';
END
$$;

-- ---- analytics views (SPEC "Analytics") -------------------------------------------------------

-- Key metrics, one row. Active jobs: deadline at or after now(), or none.
CREATE OR REPLACE VIEW key_metrics AS
SELECT (SELECT count(*) FROM applications) AS applications,
       (SELECT count(*) FROM job_posts) AS jobs,
       (SELECT count(*) FROM job_posts
         WHERE deadline_date IS NULL OR deadline_date >= now()) AS active_jobs,
       (SELECT count(*) FROM candidates) AS candidates,
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
FROM candidates
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
LEFT JOIN candidates c ON c.candidate_id = a.candidate_id
LEFT JOIN job_posts j ON j.post_id = a.post_id
ORDER BY a."timestamp" DESC NULLS LAST, a.application_date DESC NULLS LAST, a.application_id
LIMIT 100;
