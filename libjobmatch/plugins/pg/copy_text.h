/* Records as rows of COPY's text format into the staging tables, and what the server would
 * refuse. */
#ifndef JM_PG_COPY_TEXT_H
#define JM_PG_COPY_TEXT_H

#include <stddef.h>

#include <jobmatch/error.h>
#include <jobmatch/record.h>

/* Job posts, candidates, applications: the kinds a batch holds, by index. */
#define JM_PG_KINDS 3

/* 0, 1 or 2 for a job post, a candidate or an application; -1 for anything else. */
int jm__pg_kind_index(jm_kind kind);
/* The staging table of kind index k (sql/schema.sql, jobmatch_stage()). */
const char *jm__pg_stage_table(int k);
/* Appends the quoted, comma-separated columns of kind's rows: the kind's fields in field order,
 * named canonically ("components.category" as components_category). 0 or JM_ENOMEM. */
int jm__pg_copy_columns(jm_kind kind, jm_buf *out);
/* Appends r as one row (those columns, tab-separated, \N for an unset field, a newline). 0 or
 * JM_ENOMEM (out unchanged). */
int jm__pg_copy_row(const jm_record *r, jm_buf *out);

/* Why the server would refuse r (a static sentence), or NULL when it would store it. */
const char *jm__pg_refused(const jm_record *r);
/* What in an NDJSON line PostgreSQL text cannot hold (a NUL byte, or \u0000 in a string), as a
 * static phrase, or NULL. */
const char *jm__pg_nul_in_json(const char *data, size_t len);

#endif
