/* CSV writing: records as the reference export's tables, which our CSV reader reads back. */
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/writer.h>

#include "csv_write.h"
#include "record_internal.h"
#include "text.h"

#define J (1u << JM_KIND_JOB_POST)
#define C (1u << JM_KIND_CANDIDATE)

/* job_posts.csv of the reference export, then the fields it did not have. */
static const jm__csv_col job_cols[] = {
    {"post_id", JM_FIELD_POST_ID, JM__COL_FIELD, J},
    {"company", JM_FIELD_COMPANY, JM__COL_FIELD, J},
    {"category", JM_FIELD_JOB_CATEGORY, JM__COL_FIELD, J},
    {"job_title", JM_FIELD_JOB_TITLE, JM__COL_FIELD, J},
    {"application_method", JM_FIELD_APPLICATION_METHOD, JM__COL_FIELD, J},
    {"post_date", JM_FIELD_POSTED_DATE, JM__COL_FIELD, J},
    {"deadline", JM_FIELD_DEADLINE_DATE, JM__COL_FIELD, J},
    {"certifications", JM_FIELD_CERTIFICATIONS, JM__COL_FIELD, J},
    {"skills_needed", JM_FIELD_REQUIRED_SKILLS, JM__COL_FIELD, J},
    {"platform", JM_FIELD_PLATFORM, JM__COL_FIELD, J},
    {"employment_type", JM_FIELD_EMPLOYMENT_TYPE, JM__COL_FIELD, J},
    {"city", JM_FIELD_LOCATION_CITY, JM__COL_FIELD, J},
    {"country", JM_FIELD_LOCATION_COUNTRY, JM__COL_FIELD, J},
    {"language", JM_FIELD_LANGUAGE, JM__COL_FIELD, J},
    {"work_mode", JM_FIELD_WORK_MODE, JM__COL_FIELD, J},
    {"industry", JM_FIELD_INDUSTRY, JM__COL_FIELD, J},
    {"detailed_experience_level", JM_FIELD_EXPERIENCE_LEVEL, JM__COL_FIELD, J},
    {"salary", JM_FIELD_SALARY_MAX, JM__COL_SALARY, J},
    {"years_experience", JM_FIELD_YEARS_EXPERIENCE, JM__COL_FIELD, J},
    /* After "salary", so that a reader that knows them gets the range back. */
    {"salary_min", JM_FIELD_SALARY_MIN, JM__COL_FIELD, J},
    {"salary_max", JM_FIELD_SALARY_MAX, JM__COL_FIELD, J},
    {"timestamp", JM_FIELD_TIMESTAMP, JM__COL_FIELD, J},
};

/* candidate_profiles.csv of the reference export, then the fields it did not have. */
static const jm__csv_col cand_cols[] = {
    {"candidate_id", JM_FIELD_CANDIDATE_ID, JM__COL_FIELD, C},
    {"name", JM_FIELD_FULL_NAME, JM__COL_FIELD, C},
    {"gender", JM_FIELD_GENDER, JM__COL_FIELD, C},
    {"date_of_birth", JM_FIELD_BIRTH_YEAR, JM__COL_FIELD, C},
    {"nationality", JM_FIELD_NATIONALITY, JM__COL_FIELD, C},
    {"location", JM_FIELD_LOCATION_CITY, JM__COL_LOCATION, C},
    {"graduation_year", JM_FIELD_GRADUATION_YEAR, JM__COL_FIELD, C},
    {"gpa", JM_FIELD_GPA, JM__COL_PYFLOAT, C},
    {"education_level", JM_FIELD_EDUCATION_LEVEL, JM__COL_FIELD, C},
    {"job_category", JM_FIELD_JOB_CATEGORY, JM__COL_FIELD, C},
    {"current_title", JM_FIELD_CURRENT_TITLE, JM__COL_FIELD, C},
    {"seniority", JM_FIELD_EXPERIENCE_LEVEL, JM__COL_FIELD, C},
    {"experience_range", JM_FIELD_YEARS_EXPERIENCE, JM__COL_FIELD, C},
    {"current_company", JM_FIELD_CURRENT_COMPANY, JM__COL_FIELD, C},
    {"previous_companies", JM_FIELD_PREVIOUS_COMPANIES, JM__COL_FIELD, C},
    {"previous_industries", JM_FIELD_PREVIOUS_INDUSTRIES, JM__COL_FIELD, C},
    {"skills", JM_FIELD_SKILLS, JM__COL_FIELD, C},
    {"certifications", JM_FIELD_CERTIFICATIONS, JM__COL_FIELD, C},
    {"current_salary", JM_FIELD_CURRENT_SALARY, JM__COL_FIELD, C},
    {"expected_salary", JM_FIELD_EXPECTED_SALARY, JM__COL_FIELD, C},
    {"timestamp", JM_FIELD_TIMESTAMP, JM__COL_FIELD, C},
};

/* Both kinds in one table: the type, the job columns, then the candidate columns whose names
 * the job columns did not take (a shared name is filled for both kinds). */
static const jm__csv_col mixed_cols[] = {
    {"type", JM_FIELD_COUNT, JM__COL_TYPE, J | C},
    {"post_id", JM_FIELD_POST_ID, JM__COL_FIELD, J},
    {"company", JM_FIELD_COMPANY, JM__COL_FIELD, J},
    {"category", JM_FIELD_JOB_CATEGORY, JM__COL_FIELD, J},
    {"job_title", JM_FIELD_JOB_TITLE, JM__COL_FIELD, J},
    {"application_method", JM_FIELD_APPLICATION_METHOD, JM__COL_FIELD, J},
    {"post_date", JM_FIELD_POSTED_DATE, JM__COL_FIELD, J},
    {"deadline", JM_FIELD_DEADLINE_DATE, JM__COL_FIELD, J},
    {"certifications", JM_FIELD_CERTIFICATIONS, JM__COL_FIELD, J | C},
    {"skills_needed", JM_FIELD_REQUIRED_SKILLS, JM__COL_FIELD, J},
    {"platform", JM_FIELD_PLATFORM, JM__COL_FIELD, J},
    {"employment_type", JM_FIELD_EMPLOYMENT_TYPE, JM__COL_FIELD, J},
    {"city", JM_FIELD_LOCATION_CITY, JM__COL_FIELD, J},
    {"country", JM_FIELD_LOCATION_COUNTRY, JM__COL_FIELD, J},
    {"language", JM_FIELD_LANGUAGE, JM__COL_FIELD, J},
    {"work_mode", JM_FIELD_WORK_MODE, JM__COL_FIELD, J},
    {"industry", JM_FIELD_INDUSTRY, JM__COL_FIELD, J},
    {"detailed_experience_level", JM_FIELD_EXPERIENCE_LEVEL, JM__COL_FIELD, J},
    {"salary", JM_FIELD_SALARY_MAX, JM__COL_SALARY, J},
    {"years_experience", JM_FIELD_YEARS_EXPERIENCE, JM__COL_FIELD, J},
    {"salary_min", JM_FIELD_SALARY_MIN, JM__COL_FIELD, J},
    {"salary_max", JM_FIELD_SALARY_MAX, JM__COL_FIELD, J},
    {"candidate_id", JM_FIELD_CANDIDATE_ID, JM__COL_FIELD, C},
    {"name", JM_FIELD_FULL_NAME, JM__COL_FIELD, C},
    {"gender", JM_FIELD_GENDER, JM__COL_FIELD, C},
    {"date_of_birth", JM_FIELD_BIRTH_YEAR, JM__COL_FIELD, C},
    {"nationality", JM_FIELD_NATIONALITY, JM__COL_FIELD, C},
    {"location", JM_FIELD_LOCATION_CITY, JM__COL_LOCATION, C},
    {"graduation_year", JM_FIELD_GRADUATION_YEAR, JM__COL_FIELD, C},
    {"gpa", JM_FIELD_GPA, JM__COL_PYFLOAT, C},
    {"education_level", JM_FIELD_EDUCATION_LEVEL, JM__COL_FIELD, C},
    {"job_category", JM_FIELD_JOB_CATEGORY, JM__COL_FIELD, C},
    {"current_title", JM_FIELD_CURRENT_TITLE, JM__COL_FIELD, C},
    {"seniority", JM_FIELD_EXPERIENCE_LEVEL, JM__COL_FIELD, C},
    {"experience_range", JM_FIELD_YEARS_EXPERIENCE, JM__COL_FIELD, C},
    {"current_company", JM_FIELD_CURRENT_COMPANY, JM__COL_FIELD, C},
    {"previous_companies", JM_FIELD_PREVIOUS_COMPANIES, JM__COL_FIELD, C},
    {"previous_industries", JM_FIELD_PREVIOUS_INDUSTRIES, JM__COL_FIELD, C},
    {"skills", JM_FIELD_SKILLS, JM__COL_FIELD, C},
    {"current_salary", JM_FIELD_CURRENT_SALARY, JM__COL_FIELD, C},
    {"expected_salary", JM_FIELD_EXPECTED_SALARY, JM__COL_FIELD, C},
    {"timestamp", JM_FIELD_TIMESTAMP, JM__COL_FIELD, J | C},
};

#undef J
#undef C

const jm__csv_col *jm__csv_columns(jm_csv_layout layout, jm_kind kind, size_t *n)
{
    *n = 0;
    if (layout == JM_CSV_MIXED) {
        *n = sizeof mixed_cols / sizeof mixed_cols[0];
        return mixed_cols;
    }
    if (layout != JM_CSV_REFERENCE)
        return NULL;
    if (kind == JM_KIND_JOB_POST) {
        *n = sizeof job_cols / sizeof job_cols[0];
        return job_cols;
    }
    if (kind == JM_KIND_CANDIDATE) {
        *n = sizeof cand_cols / sizeof cand_cols[0];
        return cand_cols;
    }
    return NULL;
}

static int put(jm_buf *out, const char *s, size_t n)
{
    if (jm_buf_reserve(out, n))
        return JM_ENOMEM;
    memcpy(out->data + out->len, s, n);
    out->len += n;
    return 0;
}

static int needs_quotes(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            return 1;
    return 0;
}

/* Writes text as one cell, quoted (quotes doubled) when it has to be, as Python's csv does. */
static int put_cell(jm_buf *out, const char *s, size_t len)
{
    if (!needs_quotes(s, len))
        return put(out, s, len);
    if (jm_buf_reserve(out, 2 * len + 2))
        return JM_ENOMEM;
    char *p = out->data + out->len;
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            *p++ = '"';
        *p++ = s[i];
    }
    *p++ = '"';
    out->len = (size_t)(p - out->data);
    return 0;
}

int jm__csv_put_time(jm_buf *out, int64_t ms)
{
    char t[JM_TIME_BUF];
    size_t n = jm_time_format(ms, t);
    /* The reference's form: a space for the T, no zone (UTC), which the readers accept. */
    t[10] = ' ';
    return put(out, t, n - 1);
}

int jm__csv_put_number(jm_buf *out, double v, int py_float)
{
    char t[40];
    char *e = jm__put_double(t, v);
    if (py_float && !memchr(t, '.', (size_t)(e - t)) && !memchr(t, 'e', (size_t)(e - t))) {
        *e++ = '.';
        *e++ = '0';
    }
    return put(out, t, (size_t)(e - t));
}

/* Python's repr of one string, the quote it would choose and its backslash escapes. */
static void py_repr(jm_buf *tmp, const char *s)
{
    int has_single = strchr(s, '\'') != NULL, has_double = strchr(s, '"') != NULL;
    char q = has_single && !has_double ? '"' : '\'';
    char *p = tmp->data + tmp->len;
    *p++ = q;
    for (; *s; s++) {
        if (*s == '\\' || *s == q)
            *p++ = '\\';
        *p++ = *s;
    }
    *p++ = q;
    tmp->len = (size_t)(p - tmp->data);
}

static int put_list(jm_buf *out, const jm__list *l)
{
    /* The cell's text first, then quoted as a whole. */
    size_t need = 2;
    int control = 0;
    for (uint32_t i = 0; i < l->count; i++) {
        size_t n = strlen(l->items[i]);
        need += 2 * n + 4;
        for (size_t k = 0; k < n; k++)
            control |= (unsigned char)l->items[i][k] < 0x20;
    }
    jm_buf tmp = {0};
    int rc = JM_ENOMEM;
    if (control) {
        /* Python would write \n or \x01, which the list reader does not undo: JSON does. */
        if (put(&tmp, "[", 1))
            goto done;
        for (uint32_t i = 0; i < l->count; i++)
            if ((i && put(&tmp, ",", 1)) ||
                jm_write_json_string(l->items[i], strlen(l->items[i]), &tmp))
                goto done;
        if (put(&tmp, "]", 1))
            goto done;
    } else {
        if (jm_buf_reserve(&tmp, need))
            goto done;
        tmp.data[tmp.len++] = '[';
        for (uint32_t i = 0; i < l->count; i++) {
            if (i) {
                tmp.data[tmp.len++] = ',';
                tmp.data[tmp.len++] = ' ';
            }
            py_repr(&tmp, l->items[i]);
        }
        tmp.data[tmp.len++] = ']';
    }
    rc = put_cell(out, tmp.data, tmp.len);
done:
    jm_buf_free(&tmp);
    return rc;
}

static int put_value(const jm_record *r, const jm__csv_col *c, jm_buf *out)
{
    const jm__value *v = &r->v[c->field];
    switch (c->special) {
    case JM__COL_TYPE: {
        const char *k = jm_kind_name(r->kind);
        return put(out, k, strlen(k));
    }
    case JM__COL_SALARY:
        if (JM__HAS(r, JM_FIELD_SALARY_MAX))
            return jm__csv_put_number(out, r->v[JM_FIELD_SALARY_MAX].n, 0);
        if (JM__HAS(r, JM_FIELD_SALARY_MIN))
            return jm__csv_put_number(out, r->v[JM_FIELD_SALARY_MIN].n, 0);
        return 0;
    case JM__COL_LOCATION: {
        int city = JM__HAS(r, JM_FIELD_LOCATION_CITY),
            country = JM__HAS(r, JM_FIELD_LOCATION_COUNTRY);
        if (!city && !country)
            return 0;
        jm_buf tmp = {0};
        const char *a = city ? r->v[JM_FIELD_LOCATION_CITY].s : "";
        const char *b = country ? r->v[JM_FIELD_LOCATION_COUNTRY].s : NULL;
        int rc = put(&tmp, a, strlen(a));
        if (rc == 0 && b)
            rc = put(&tmp, ", ", 2) || put(&tmp, b, strlen(b)) ? JM_ENOMEM : 0;
        if (rc == 0)
            rc = put_cell(out, tmp.data ? tmp.data : "", tmp.len);
        jm_buf_free(&tmp);
        return rc;
    }
    default: break;
    }
    if (!JM__HAS(r, c->field))
        return 0;
    switch (jm__fields[c->field].type) {
    case JM_TYPE_STRING: return put_cell(out, v->s, strlen(v->s));
    case JM_TYPE_NUMBER: return jm__csv_put_number(out, v->n, c->special == JM__COL_PYFLOAT);
    case JM_TYPE_INTEGER: {
        char t[24];
        return put(out, t, (size_t)(jm__put_i64(t, v->i) - t));
    }
    case JM_TYPE_TIME: return jm__csv_put_time(out, v->i);
    case JM_TYPE_LIST: return put_list(out, &v->list);
    }
    return JM_EINVAL;
}

int jm_write_csv_header(jm_csv_layout layout, jm_kind kind, jm_buf *out)
{
    size_t n;
    const jm__csv_col *cols = jm__csv_columns(layout, kind, &n);
    if (!cols)
        return JM_EINVAL;
    for (size_t i = 0; i < n; i++)
        if ((i && put(out, ",", 1)) || put(out, cols[i].name, strlen(cols[i].name)))
            return JM_ENOMEM;
    return put(out, "\n", 1);
}

int jm_write_csv(const jm_record *r, jm_csv_layout layout, jm_buf *out)
{
    if (r->kind != JM_KIND_JOB_POST && r->kind != JM_KIND_CANDIDATE)
        return JM_EINVAL;
    size_t n;
    const jm__csv_col *cols = jm__csv_columns(layout, r->kind, &n);
    if (!cols)
        return JM_EINVAL;
    size_t start = out->len;
    for (size_t i = 0; i < n; i++) {
        int rc = i ? put(out, ",", 1) : 0;
        if (rc == 0 && (cols[i].kinds >> r->kind) & 1u)
            rc = put_value(r, &cols[i], out);
        if (rc) {
            out->len = start;
            return rc;
        }
    }
    return put(out, "\n", 1);
}
