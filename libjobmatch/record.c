/* Records: the field table, typed accessors, record memory and ISO-8601 times. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/record.h>

#include "error_internal.h"
#include "record_internal.h"
#include "text.h"

#define JOB (1u << JM_KIND_JOB_POST)
#define CAND (1u << JM_KIND_CANDIDATE)
#define APP (1u << JM_KIND_APPLICATION)

/* F(name, alias, alias2, type, kinds): the key writers use is made from the name here. */
#define F(name, alias, alias2, type, kinds)                                  \
    {                                                                        \
        name, alias, alias2, type, kinds, ",\"" name "\":", sizeof(name) + 3 \
    }

const jm__field_info jm__fields[JM_FIELD_COUNT] = {
    [JM_FIELD_POST_ID] = F("post_id", NULL, NULL, JM_TYPE_STRING, JOB | APP),
    [JM_FIELD_CANDIDATE_ID] = F("candidate_id", NULL, NULL, JM_TYPE_STRING, CAND | APP),
    [JM_FIELD_APPLICATION_ID] = F("application_id", NULL, NULL, JM_TYPE_STRING, APP),
    [JM_FIELD_COMPANY] = F("company", NULL, NULL, JM_TYPE_STRING, JOB),
    [JM_FIELD_JOB_TITLE] = F("job_title", NULL, NULL, JM_TYPE_STRING, JOB),
    [JM_FIELD_JOB_CATEGORY] = F("job_category", "category", NULL, JM_TYPE_STRING, JOB | CAND),
    [JM_FIELD_INDUSTRY] = F("industry", NULL, NULL, JM_TYPE_STRING, JOB),
    [JM_FIELD_EMPLOYMENT_TYPE] = F("employment_type", NULL, NULL, JM_TYPE_STRING, JOB),
    [JM_FIELD_WORK_MODE] = F("work_mode", NULL, NULL, JM_TYPE_STRING, JOB),
    [JM_FIELD_APPLICATION_METHOD] = F("application_method", NULL, NULL, JM_TYPE_STRING, JOB | APP),
    [JM_FIELD_PLATFORM] = F("platform", NULL, NULL, JM_TYPE_STRING, JOB),
    [JM_FIELD_LANGUAGE] = F("language", NULL, NULL, JM_TYPE_STRING, JOB),
    [JM_FIELD_LOCATION_COUNTRY] =
        F("location_country", "country", NULL, JM_TYPE_STRING, JOB | CAND),
    [JM_FIELD_LOCATION_CITY] = F("location_city", "city", NULL, JM_TYPE_STRING, JOB | CAND),
    [JM_FIELD_REQUIRED_SKILLS] = F("required_skills", "skills_needed", NULL, JM_TYPE_LIST, JOB),
    [JM_FIELD_CERTIFICATIONS] = F("certifications", NULL, NULL, JM_TYPE_LIST, JOB | CAND),
    [JM_FIELD_SALARY_MIN] = F("salary_min", NULL, NULL, JM_TYPE_NUMBER, JOB),
    [JM_FIELD_SALARY_MAX] = F("salary_max", NULL, NULL, JM_TYPE_NUMBER, JOB),
    [JM_FIELD_EXPERIENCE_LEVEL] =
        F("experience_level", "detailed_experience_level", "seniority", JM_TYPE_STRING, JOB | CAND),
    [JM_FIELD_YEARS_EXPERIENCE] =
        F("years_experience", "experience_range", NULL, JM_TYPE_STRING, JOB | CAND),
    [JM_FIELD_POSTED_DATE] = F("posted_date", "post_date", NULL, JM_TYPE_TIME, JOB),
    [JM_FIELD_DEADLINE_DATE] = F("deadline_date", "deadline", NULL, JM_TYPE_TIME, JOB),
    [JM_FIELD_FULL_NAME] = F("full_name", "name", NULL, JM_TYPE_STRING, CAND),
    [JM_FIELD_GENDER] = F("gender", NULL, NULL, JM_TYPE_STRING, CAND),
    [JM_FIELD_NATIONALITY] = F("nationality", NULL, NULL, JM_TYPE_STRING, CAND),
    [JM_FIELD_EDUCATION_LEVEL] = F("education_level", NULL, NULL, JM_TYPE_STRING, CAND),
    [JM_FIELD_CURRENT_TITLE] = F("current_title", NULL, NULL, JM_TYPE_STRING, CAND),
    [JM_FIELD_CURRENT_COMPANY] = F("current_company", NULL, NULL, JM_TYPE_STRING, CAND),
    [JM_FIELD_BIRTH_YEAR] = F("birth_year", "date_of_birth", NULL, JM_TYPE_INTEGER, CAND),
    [JM_FIELD_GRADUATION_YEAR] = F("graduation_year", NULL, NULL, JM_TYPE_INTEGER, CAND),
    [JM_FIELD_GPA] = F("gpa", "GPA", NULL, JM_TYPE_NUMBER, CAND),
    [JM_FIELD_PREVIOUS_COMPANIES] = F("previous_companies", NULL, NULL, JM_TYPE_LIST, CAND),
    [JM_FIELD_PREVIOUS_INDUSTRIES] = F("previous_industries", NULL, NULL, JM_TYPE_LIST, CAND),
    [JM_FIELD_SKILLS] = F("skills", NULL, NULL, JM_TYPE_LIST, CAND),
    [JM_FIELD_CURRENT_SALARY] = F("current_salary", NULL, NULL, JM_TYPE_NUMBER, CAND),
    [JM_FIELD_EXPECTED_SALARY] = F("expected_salary", NULL, NULL, JM_TYPE_NUMBER, CAND),
    [JM_FIELD_JOB_FAMILY] = F("job_family", NULL, NULL, JM_TYPE_STRING, APP),
    [JM_FIELD_COMPATIBILITY_SCORE] = F("compatibility_score", NULL, NULL, JM_TYPE_INTEGER, APP),
    [JM_FIELD_POINTS_CATEGORY] = F("components.category", NULL, NULL, JM_TYPE_NUMBER, APP),
    [JM_FIELD_POINTS_SKILLS] = F("components.skills", NULL, NULL, JM_TYPE_NUMBER, APP),
    [JM_FIELD_POINTS_EXPERIENCE] = F("components.experience", NULL, NULL, JM_TYPE_NUMBER, APP),
    [JM_FIELD_POINTS_SENIORITY] = F("components.seniority", NULL, NULL, JM_TYPE_NUMBER, APP),
    [JM_FIELD_POINTS_SALARY] = F("components.salary", NULL, NULL, JM_TYPE_NUMBER, APP),
    [JM_FIELD_STATUS] = F("status", NULL, NULL, JM_TYPE_STRING, APP),
    [JM_FIELD_MATCH_REASON] = F("match_reason", NULL, NULL, JM_TYPE_STRING, APP),
    [JM_FIELD_APPLICATION_DATE] = F("application_date", NULL, NULL, JM_TYPE_TIME, APP),
    [JM_FIELD_TIMESTAMP] = F("timestamp", NULL, NULL, JM_TYPE_TIME, JOB | CAND | APP),
};

const jm_field jm__job_fields[] = {JM_FIELD_POST_ID,          JM_FIELD_COMPANY,
                                   JM_FIELD_JOB_TITLE,        JM_FIELD_JOB_CATEGORY,
                                   JM_FIELD_INDUSTRY,         JM_FIELD_EMPLOYMENT_TYPE,
                                   JM_FIELD_WORK_MODE,        JM_FIELD_APPLICATION_METHOD,
                                   JM_FIELD_PLATFORM,         JM_FIELD_LANGUAGE,
                                   JM_FIELD_LOCATION_COUNTRY, JM_FIELD_LOCATION_CITY,
                                   JM_FIELD_REQUIRED_SKILLS,  JM_FIELD_CERTIFICATIONS,
                                   JM_FIELD_SALARY_MIN,       JM_FIELD_SALARY_MAX,
                                   JM_FIELD_EXPERIENCE_LEVEL, JM_FIELD_YEARS_EXPERIENCE,
                                   JM_FIELD_POSTED_DATE,      JM_FIELD_DEADLINE_DATE,
                                   JM_FIELD_TIMESTAMP,        JM_FIELD_COUNT};

const jm_field jm__candidate_fields[] = {JM_FIELD_CANDIDATE_ID,
                                         JM_FIELD_FULL_NAME,
                                         JM_FIELD_GENDER,
                                         JM_FIELD_BIRTH_YEAR,
                                         JM_FIELD_NATIONALITY,
                                         JM_FIELD_LOCATION_COUNTRY,
                                         JM_FIELD_LOCATION_CITY,
                                         JM_FIELD_EDUCATION_LEVEL,
                                         JM_FIELD_GRADUATION_YEAR,
                                         JM_FIELD_GPA,
                                         JM_FIELD_JOB_CATEGORY,
                                         JM_FIELD_CURRENT_TITLE,
                                         JM_FIELD_EXPERIENCE_LEVEL,
                                         JM_FIELD_YEARS_EXPERIENCE,
                                         JM_FIELD_CURRENT_COMPANY,
                                         JM_FIELD_PREVIOUS_COMPANIES,
                                         JM_FIELD_PREVIOUS_INDUSTRIES,
                                         JM_FIELD_SKILLS,
                                         JM_FIELD_CERTIFICATIONS,
                                         JM_FIELD_CURRENT_SALARY,
                                         JM_FIELD_EXPECTED_SALARY,
                                         JM_FIELD_TIMESTAMP,
                                         JM_FIELD_COUNT};

const jm_field jm__application_fields[] = {JM_FIELD_APPLICATION_ID,
                                           JM_FIELD_CANDIDATE_ID,
                                           JM_FIELD_POST_ID,
                                           JM_FIELD_JOB_FAMILY,
                                           JM_FIELD_COMPATIBILITY_SCORE,
                                           JM_FIELD_POINTS_CATEGORY,
                                           JM_FIELD_POINTS_SKILLS,
                                           JM_FIELD_POINTS_EXPERIENCE,
                                           JM_FIELD_POINTS_SENIORITY,
                                           JM_FIELD_POINTS_SALARY,
                                           JM_FIELD_STATUS,
                                           JM_FIELD_MATCH_REASON,
                                           JM_FIELD_APPLICATION_METHOD,
                                           JM_FIELD_APPLICATION_DATE,
                                           JM_FIELD_TIMESTAMP,
                                           JM_FIELD_COUNT};

const jm_field *jm__kind_fields(jm_kind kind)
{
    switch (kind) {
    case JM_KIND_JOB_POST: return jm__job_fields;
    case JM_KIND_CANDIDATE: return jm__candidate_fields;
    case JM_KIND_APPLICATION: return jm__application_fields;
    default: return NULL;
    }
}

/* ---- record memory: a chain of chunks, emptied by reset ------------------------------------ */

struct jm__chunk {
    jm__chunk *next;
    size_t cap;
    size_t used;
    char data[];
};

enum { CHUNK_MIN = 2048 };

void *jm__record_alloc(jm_record *r, size_t size, size_t align)
{
    jm__chunk *c = r->chunks;
    if (c) {
        size_t at = (c->used + align - 1) & ~(align - 1);
        if (at + size <= c->cap) {
            c->used = at + size;
            return c->data + at;
        }
    }
    size_t cap = size + align > CHUNK_MIN ? size + align : CHUNK_MIN;
    if (c && cap < c->cap * 2)
        cap = c->cap * 2;
    jm__chunk *n = malloc(sizeof *n + cap);
    if (!n)
        return NULL;
    n->next = c;
    n->cap = cap;
    size_t at = (size_t)(-(uintptr_t)n->data & (align - 1));
    n->used = at + size;
    r->chunks = n;
    return n->data + at;
}

int jm__record_reserve_exact(jm_record *r, size_t bytes)
{
    jm__chunk *n = malloc(sizeof *n + bytes);
    if (!n)
        return JM_ENOMEM;
    n->next = r->chunks;
    n->cap = bytes;
    n->used = 0;
    r->chunks = n;
    return 0;
}

char *jm__record_strdup(jm_record *r, const char *s, size_t len)
{
    char *p = jm__record_alloc(r, len + 1, 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

jm_record *jm_record_new(jm_kind kind, jm_error *err)
{
    if ((unsigned)kind > JM_KIND_APPLICATION) {
        jm__error_set(err, JM_EINVAL, "no record kind %d", (int)kind);
        return NULL;
    }
    jm_record *r = jm__record_new_short(kind, JM_FIELD_COUNT);
    if (!r)
        jm__error_set(err, JM_ENOMEM, "out of memory");
    return r;
}

jm_record *jm__record_new_short(jm_kind kind, jm_field nfields)
{
    jm_record *r = calloc(1, sizeof *r + (size_t)nfields * sizeof r->v[0]);
    if (r)
        r->kind = kind;
    return r;
}

void jm_record_free(jm_record *r)
{
    if (!r)
        return;
    for (jm__chunk *c = r->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(r);
}

void jm_record_reset(jm_record *r, jm_kind kind)
{
    /* Keep only the newest (largest) chunk: a reused record soon stops allocating. */
    jm__chunk *keep = r->chunks;
    if (keep) {
        for (jm__chunk *c = keep->next, *next; c; c = next) {
            next = c->next;
            free(c);
        }
        keep->next = NULL;
        keep->used = 0;
    }
    r->kind = kind;
    r->present = 0;
    r->plain = 0;
}

int jm__record_copy_into(jm_record *dst, const jm_record *src)
{
    jm_record_reset(dst, src->kind);
    for (int f = 0; f < JM_FIELD_COUNT; f++) {
        if (!JM__HAS(src, f))
            continue;
        int rc = 0;
        switch (jm__fields[f].type) {
        case JM_TYPE_STRING: rc = jm_record_set_string(dst, f, src->v[f].s, src->v[f].slen); break;
        case JM_TYPE_LIST:
            rc = jm_record_list_clear(dst, f);
            for (uint32_t i = 0; rc == 0 && i < src->v[f].list.count; i++)
                rc = jm_record_list_append(dst, f, src->v[f].list.items[i],
                                           strlen(src->v[f].list.items[i]));
            break;
        default: dst->v[f] = src->v[f]; dst->present |= 1ull << f;
        }
        if (rc)
            return rc;
    }
    return 0;
}

jm_record *jm_record_clone(const jm_record *r, jm_error *err)
{
    jm_record *c = jm_record_new(r->kind, err);
    if (c && jm__record_copy_into(c, r)) {
        jm_record_free(c);
        jm__error_set(err, JM_ENOMEM, "out of memory");
        return NULL;
    }
    return c;
}

jm_kind jm_record_kind(const jm_record *r)
{
    return r->kind;
}

const char *jm_kind_name(jm_kind kind)
{
    switch (kind) {
    case JM_KIND_JOB_POST: return "job_post";
    case JM_KIND_CANDIDATE: return "candidate";
    case JM_KIND_APPLICATION: return "application";
    default: return "";
    }
}

jm_kind jm_kind_from_name(const char *name)
{
    for (jm_kind k = JM_KIND_JOB_POST; k <= JM_KIND_APPLICATION; k++)
        if (strcmp(name, jm_kind_name(k)) == 0)
            return k;
    return JM_KIND_NONE;
}

const char *jm_record_id(const jm_record *r)
{
    switch (r->kind) {
    case JM_KIND_JOB_POST: return jm_record_string(r, JM_FIELD_POST_ID);
    case JM_KIND_CANDIDATE: return jm_record_string(r, JM_FIELD_CANDIDATE_ID);
    case JM_KIND_APPLICATION: return jm_record_string(r, JM_FIELD_APPLICATION_ID);
    default: return NULL;
    }
}

static int field_ok(jm_field f)
{
    return (unsigned)f < JM_FIELD_COUNT;
}

const char *jm_field_name(jm_field field)
{
    return field_ok(field) ? jm__fields[field].name : NULL;
}

jm_field_type jm_field_type_of(jm_field field)
{
    return field_ok(field) ? jm__fields[field].type : (jm_field_type)0;
}

int jm_field_in_kind(jm_field field, jm_kind kind)
{
    return field_ok(field) && (jm__fields[field].kinds >> kind & 1u);
}

static int name_is(const char *want, const char *name, size_t len)
{
    return want && strlen(want) == len && memcmp(want, name, len) == 0;
}

int jm_field_lookup(jm_kind kind, const char *name, size_t len)
{
    for (int f = 0; f < JM_FIELD_COUNT; f++) {
        const jm__field_info *fi = &jm__fields[f];
        if (!(fi->kinds >> kind & 1u))
            continue;
        if (name_is(fi->name, name, len) || name_is(fi->alias, name, len) ||
            name_is(fi->alias2, name, len))
            return f;
    }
    return -1;
}

int jm__record_finish(jm_record *r, jm_error *err)
{
    const char *id = jm_record_id(r);
    const char *missing = NULL;
    if (!id || !*id)
        missing = r->kind == JM_KIND_JOB_POST    ? "post_id"
                  : r->kind == JM_KIND_CANDIDATE ? "candidate_id"
                                                 : "application_id";
    else if (r->kind == JM_KIND_APPLICATION && !JM__HAS(r, JM_FIELD_CANDIDATE_ID))
        missing = "candidate_id";
    else if (r->kind == JM_KIND_APPLICATION && !JM__HAS(r, JM_FIELD_POST_ID))
        missing = "post_id";
    if (missing) {
        if (err) {
            err->code = JM_ENOID;
            snprintf(err->text, sizeof err->text, "missing or empty \"%s\"", missing);
        }
        return JM_ENOID;
    }
    for (const jm_field *f = jm__kind_fields(r->kind); *f != JM_FIELD_COUNT; f++)
        if (jm__fields[*f].type == JM_TYPE_LIST && JM__HAS(r, *f) &&
            r->v[*f].list.count > JM_MAX_LIST_ITEMS) {
            if (err) {
                err->code = JM_EVALUE;
                snprintf(err->text, sizeof err->text,
                         "field \"%s\" holds %u items, over the limit of %d", jm__fields[*f].name,
                         (unsigned)r->v[*f].list.count, JM_MAX_LIST_ITEMS);
            }
            return JM_EVALUE;
        }
    /* The candidate's expected salary defaults to the current one (SPEC "Records"). */
    if (r->kind == JM_KIND_CANDIDATE && !JM__HAS(r, JM_FIELD_EXPECTED_SALARY) &&
        JM__HAS(r, JM_FIELD_CURRENT_SALARY))
        jm_record_set_number(r, JM_FIELD_EXPECTED_SALARY, r->v[JM_FIELD_CURRENT_SALARY].n);
    return 0;
}

/* ---- accessors ------------------------------------------------------------------------------ */

int jm_record_has(const jm_record *r, jm_field field)
{
    return field_ok(field) && JM__HAS(r, field);
}

static int typed(const jm_record *r, jm_field f, jm_field_type t)
{
    return field_ok(f) && JM__HAS(r, f) && jm__fields[f].type == t;
}

const char *jm_record_string(const jm_record *r, jm_field field)
{
    return typed(r, field, JM_TYPE_STRING) ? r->v[field].s : NULL;
}

double jm_record_number(const jm_record *r, jm_field field)
{
    return typed(r, field, JM_TYPE_NUMBER) ? r->v[field].n : NAN;
}

int64_t jm_record_integer(const jm_record *r, jm_field field)
{
    return typed(r, field, JM_TYPE_INTEGER) || typed(r, field, JM_TYPE_TIME) ? r->v[field].i : 0;
}

size_t jm_record_list_count(const jm_record *r, jm_field field)
{
    return typed(r, field, JM_TYPE_LIST) ? r->v[field].list.count : 0;
}

const char *jm_record_list_item(const jm_record *r, jm_field field, size_t index)
{
    if (!typed(r, field, JM_TYPE_LIST) || index >= r->v[field].list.count)
        return NULL;
    return r->v[field].list.items[index];
}

int jm_record_set_string(jm_record *r, jm_field field, const char *s, size_t len)
{
    if (!field_ok(field) || jm__fields[field].type != JM_TYPE_STRING)
        return JM_EINVAL;
    if (len && memchr(s, '\0', len))
        return JM_EVALUE; /* every reader of the field would see it cut short */
    char *p = jm__record_strdup(r, s, len);
    if (!p)
        return JM_ENOMEM;
    r->v[field].s = p;
    r->v[field].slen = len;
    if (jm__json_plain(p, len))
        r->plain |= 1ull << field;
    else
        r->plain &= ~(1ull << field);
    r->present |= 1ull << field;
    return 0;
}

int jm__record_set_location(jm_record *r, const char *s, size_t len)
{
    const char *comma = NULL;
    for (size_t i = len; i-- > 0;)
        if (s[i] == ',') {
            comma = s + i;
            break;
        }
    const char *city = s, *country = comma ? comma + 1 : NULL;
    size_t city_len = comma ? (size_t)(comma - s) : len;
    size_t country_len = comma ? len - (size_t)(country - s) : 0;
    jm__trim(&city, &city_len);
    int rc = jm_record_set_string(r, JM_FIELD_LOCATION_CITY, city, city_len);
    if (rc == 0 && country) {
        jm__trim(&country, &country_len);
        rc = jm_record_set_string(r, JM_FIELD_LOCATION_COUNTRY, country, country_len);
    }
    return rc;
}

int jm_record_set_number(jm_record *r, jm_field field, double value)
{
    if (!field_ok(field) || jm__fields[field].type != JM_TYPE_NUMBER)
        return JM_EINVAL;
    if (!isfinite(value))
        return JM_EVALUE;
    r->v[field].n = value;
    r->present |= 1ull << field;
    return 0;
}

int jm_record_set_integer(jm_record *r, jm_field field, int64_t value)
{
    if (!field_ok(field) ||
        (jm__fields[field].type != JM_TYPE_INTEGER && jm__fields[field].type != JM_TYPE_TIME))
        return JM_EINVAL;
    r->v[field].i = value;
    r->present |= 1ull << field;
    return 0;
}

int jm_record_list_clear(jm_record *r, jm_field field)
{
    if (!field_ok(field) || jm__fields[field].type != JM_TYPE_LIST)
        return JM_EINVAL;
    r->v[field].list = (jm__list){0};
    r->present |= 1ull << field;
    return 0;
}

int jm_record_list_append(jm_record *r, jm_field field, const char *s, size_t len)
{
    if (!field_ok(field) || jm__fields[field].type != JM_TYPE_LIST)
        return JM_EINVAL;
    if (len && memchr(s, '\0', len))
        return JM_EVALUE;
    if (!JM__HAS(r, field))
        r->v[field].list = (jm__list){0};
    jm__list *l = &r->v[field].list;
    if (l->count == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 8;
        const char **items = jm__record_alloc(r, cap * sizeof *items, sizeof(void *));
        if (!items)
            return JM_ENOMEM;
        if (l->count)
            memcpy(items, l->items, l->count * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    char *p = jm__record_strdup(r, s, len);
    if (!p)
        return JM_ENOMEM;
    l->items[l->count++] = p;
    r->present |= 1ull << field;
    return 0;
}

void jm_record_unset(jm_record *r, jm_field field)
{
    if (field_ok(field))
        r->present &= ~(1ull << field);
}
