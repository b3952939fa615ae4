/* Records: job posts, candidates and applications, with named, typed fields. */
#ifndef JOBMATCH_RECORD_H
#define JOBMATCH_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "export.h"

JM_BEGIN_DECLS

typedef enum jm_kind {
    JM_KIND_NONE = 0,
    JM_KIND_JOB_POST = 1,
    JM_KIND_CANDIDATE = 2,
    JM_KIND_APPLICATION = 3
} jm_kind;

/* The value a field holds. Times are milliseconds since 1970-01-01T00:00:00Z. */
typedef enum jm_field_type {
    JM_TYPE_STRING = 1,
    JM_TYPE_NUMBER = 2,  /* double */
    JM_TYPE_INTEGER = 3, /* int64_t */
    JM_TYPE_LIST = 4,    /* list of strings */
    JM_TYPE_TIME = 5     /* int64_t milliseconds, written as ISO-8601 */
} jm_field_type;

/* Every field of every kind (docs/FORMAT.md). New fields are only ever appended before
 * JM_FIELD_COUNT, so values stay stable. */
typedef enum jm_field {
    JM_FIELD_POST_ID = 0,
    JM_FIELD_CANDIDATE_ID,
    JM_FIELD_APPLICATION_ID,
    JM_FIELD_COMPANY,
    JM_FIELD_JOB_TITLE,
    JM_FIELD_JOB_CATEGORY,
    JM_FIELD_INDUSTRY,
    JM_FIELD_EMPLOYMENT_TYPE,
    JM_FIELD_WORK_MODE,
    JM_FIELD_APPLICATION_METHOD,
    JM_FIELD_PLATFORM,
    JM_FIELD_LANGUAGE,
    JM_FIELD_LOCATION_COUNTRY,
    JM_FIELD_LOCATION_CITY,
    JM_FIELD_REQUIRED_SKILLS,
    JM_FIELD_CERTIFICATIONS,
    JM_FIELD_SALARY_MIN,
    JM_FIELD_SALARY_MAX,
    JM_FIELD_EXPERIENCE_LEVEL,
    JM_FIELD_YEARS_EXPERIENCE,
    JM_FIELD_POSTED_DATE,
    JM_FIELD_DEADLINE_DATE,
    JM_FIELD_FULL_NAME,
    JM_FIELD_GENDER,
    JM_FIELD_NATIONALITY,
    JM_FIELD_EDUCATION_LEVEL,
    JM_FIELD_CURRENT_TITLE,
    JM_FIELD_CURRENT_COMPANY,
    JM_FIELD_BIRTH_YEAR,
    JM_FIELD_GRADUATION_YEAR,
    JM_FIELD_GPA,
    JM_FIELD_PREVIOUS_COMPANIES,
    JM_FIELD_PREVIOUS_INDUSTRIES,
    JM_FIELD_SKILLS,
    JM_FIELD_CURRENT_SALARY,
    JM_FIELD_EXPECTED_SALARY,
    JM_FIELD_JOB_FAMILY,
    JM_FIELD_COMPATIBILITY_SCORE,
    JM_FIELD_POINTS_CATEGORY, /* "components": {"category": ...} */
    JM_FIELD_POINTS_SKILLS,
    JM_FIELD_POINTS_EXPERIENCE,
    JM_FIELD_POINTS_SENIORITY,
    JM_FIELD_POINTS_SALARY,
    JM_FIELD_STATUS,
    JM_FIELD_MATCH_REASON,
    JM_FIELD_APPLICATION_DATE,
    JM_FIELD_TIMESTAMP,
    JM_FIELD_COUNT
} jm_field;

typedef struct jm_record jm_record;

/* A new empty record of kind (JM_KIND_NONE to JM_KIND_APPLICATION), or NULL with err (may be
 * NULL) set: JM_EINVAL for another kind, JM_ENOMEM. Free with jm_record_free(). */
JM_EXTERN jm_record *jm_record_new(jm_kind kind, jm_error *err);
/* Frees r and every string it holds. Accepts NULL. */
JM_EXTERN void jm_record_free(jm_record *r);
/* Empties r and makes it of kind, keeping its memory for reuse. */
JM_EXTERN void jm_record_reset(jm_record *r, jm_kind kind);
/* A deep copy of r, or NULL with err (may be NULL) set to JM_ENOMEM. Free with
 * jm_record_free(). */
JM_EXTERN jm_record *jm_record_clone(const jm_record *r, jm_error *err);

JM_EXTERN jm_kind jm_record_kind(const jm_record *r);
/* "job_post", "candidate", "application", or "" for JM_KIND_NONE. */
JM_EXTERN const char *jm_kind_name(jm_kind kind);
/* The kind named name ("job_post", ...), or JM_KIND_NONE. */
JM_EXTERN jm_kind jm_kind_from_name(const char *name);

/* Bytes of a UUID id as text, NUL included: 36 characters and a NUL. The library writes
 * application_id this way (jm_application_id()), and jm-gen its post and candidate ids. */
#define JM_UUID_BUF 37

/* The record's id: post_id, candidate_id or application_id by kind; NULL if unset. */
JM_EXTERN const char *jm_record_id(const jm_record *r);

/* Field metadata. Names are canonical (docs/FORMAT.md); the components are named
 * "components.category" and so on. */
JM_EXTERN const char *jm_field_name(jm_field field);
JM_EXTERN jm_field_type jm_field_type_of(jm_field field);
/* Nonzero when field belongs to records of kind. */
JM_EXTERN int jm_field_in_kind(jm_field field, jm_kind kind);
/* The field a name (canonical or a plain alias such as "category") stands for in records of
 * kind, or -1. Aliases that split or fan out ("salary", "location") are the readers' business. */
JM_EXTERN int jm_field_lookup(jm_kind kind, const char *name, size_t len);

/* Nonzero when field holds a value. */
JM_EXTERN int jm_record_has(const jm_record *r, jm_field field);
/* Getters. Returned strings are borrowed and live until the field is changed or r is reset or
 * freed. A getter of the wrong type or an unset field gives NULL, NaN or 0. */
JM_EXTERN const char *jm_record_string(const jm_record *r, jm_field field);
JM_EXTERN double jm_record_number(const jm_record *r, jm_field field);
JM_EXTERN int64_t jm_record_integer(const jm_record *r, jm_field field); /* INTEGER and TIME */
JM_EXTERN size_t jm_record_list_count(const jm_record *r, jm_field field);
JM_EXTERN const char *jm_record_list_item(const jm_record *r, jm_field field, size_t index);

/* Setters copy their input. They return 0, JM_EINVAL for a field of another type, JM_EVALUE
 * for a string holding a NUL byte or a number that is not finite, or JM_ENOMEM. Strings are
 * bytes of length len (no NUL needed, none allowed: a C string would be cut short there). */
JM_EXTERN int jm_record_set_string(jm_record *r, jm_field field, const char *s, size_t len);
JM_EXTERN int jm_record_set_number(jm_record *r, jm_field field, double value);
JM_EXTERN int jm_record_set_integer(jm_record *r, jm_field field,
                                    int64_t value); /* INTEGER and TIME */
/* The most items a list field of a record read by the parsers may hold (the reference data
 * has at most 25): a record with more is rejected (JM_EVALUE), so skill sets stay small. */
#define JM_MAX_LIST_ITEMS 1000
/* Appends one string to a list field, creating the list if unset. */
JM_EXTERN int jm_record_list_append(jm_record *r, jm_field field, const char *s, size_t len);
/* Marks a list field present and empty. */
JM_EXTERN int jm_record_list_clear(jm_record *r, jm_field field);
/* Unsets field. */
JM_EXTERN void jm_record_unset(jm_record *r, jm_field field);

/* Times (time.c). */

/* Bytes jm_time_format() may write, NUL included: "YYYY-MM-DDThh:mm:ss.mmmZ" is 25. */
#define JM_TIME_BUF 32

/* Parses an ISO-8601 time ("2025-11-16T16:33:10Z", a space for T, fractions, a missing zone
 * meaning UTC, a +hh:mm offset, or a bare date) into milliseconds. 0 or JM_EVALUE, also for a
 * date that does not exist (2025-02-31) or a time outside 0000-01-01T00:00:00Z to
 * 9999-12-31T23:59:59.999Z. Every reader of times in the library uses this one parser. */
JM_EXTERN int jm_time_parse(const char *s, size_t len, int64_t *out_ms);
/* Writes ms as "YYYY-MM-DDThh:mm:ssZ" (".mmm" before Z when ms is not whole seconds) and a
 * NUL into out, which holds JM_TIME_BUF bytes. Returns the length. A time outside the range
 * jm_time_parse() reads is written as the nearest end of it. */
JM_EXTERN size_t jm_time_format(int64_t ms, char *out);

JM_END_DECLS

#endif
