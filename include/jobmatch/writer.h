/* Writers: records to NDJSON and CSV. */
#ifndef JOBMATCH_WRITER_H
#define JOBMATCH_WRITER_H

#include "export.h"
#include "record.h"

JM_BEGIN_DECLS

/* Appends r to out as one JSON object with "type" first and canonical field names in the
 * order of docs/FORMAT.md, then a newline. Unset fields are left out. 0 or JM_ENOMEM. */
JM_EXTERN int jm_write_ndjson(const jm_record *r, jm_buf *out);

/* Appends s as a JSON string literal (quotes included) to out. 0 or JM_ENOMEM. */
JM_EXTERN int jm_write_json_string(const char *s, size_t len, jm_buf *out);

/* CSV tables (csv_write.c). Both read back through jm_reader to the same records. */
typedef enum jm_csv_layout {
    JM_CSV_REFERENCE = 1, /* one kind per table, the reference export's columns in its order
                             (job_posts.csv, candidate_profiles.csv), then the fields it lacked */
    JM_CSV_MIXED = 2      /* a "type" column, then the columns of both kinds: one table */
} jm_csv_layout;
/* Appends the header line of layout (for JM_CSV_REFERENCE, the table of kind). 0, JM_EINVAL or
 * JM_ENOMEM. */
JM_EXTERN int jm_write_csv_header(jm_csv_layout layout, jm_kind kind, jm_buf *out);
/* Appends r as one CSV line of layout: list cells in the reference's Python style
 * ("['a', 'b']"), times as "YYYY-MM-DD hh:mm:ss" UTC, quoting as Python's csv module. Unset
 * fields and empty strings are empty cells. 0, JM_EINVAL or JM_ENOMEM. */
JM_EXTERN int jm_write_csv(const jm_record *r, jm_csv_layout layout, jm_buf *out);

JM_END_DECLS

#endif
