-- The reference pipeline's two tables, exactly as its README (reference/seed-README.md) writes them.
-- job_posts table
CREATE TABLE job_posts (
    post_id UUID PRIMARY KEY,
    company VARCHAR(255),
    job_title VARCHAR(255),
    job_category VARCHAR(100),
    industry VARCHAR(100),
    location_country VARCHAR(100),
    location_city VARCHAR(100),
    required_skills TEXT[],
    certifications TEXT[],
    salary_min DECIMAL,
    salary_max DECIMAL,
    experience_level VARCHAR(50),
    employment_type VARCHAR(50),
    work_mode VARCHAR(50),
    posted_date DATE,
    deadline_date DATE
);
-- candidate_info table
CREATE TABLE candidate_info (
    candidate_id UUID PRIMARY KEY,
    full_name VARCHAR(255),
    gender VARCHAR(20),
    birth_year INTEGER,
    nationality VARCHAR(100),
    location_country VARCHAR(100),
    education_level VARCHAR(100),
    graduation_year INTEGER,
    gpa DECIMAL,
    current_company VARCHAR(255),
    previous_companies TEXT[],
    skills TEXT[],
    certifications TEXT[],
    experience_level VARCHAR(50),
    current_salary DECIMAL,
    expected_salary DECIMAL
);
