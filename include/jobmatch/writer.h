/* Writers: records to NDJSON. */
#ifndef JOBMATCH_WRITER_H
#define JOBMATCH_WRITER_H

#include "export.h"
#include "record.h"

JM_BEGIN_DECLS

/* Appends r to out as one JSON object with "type" first and canonical field names in SPEC
 * order, then a newline. Unset fields are left out. 0 or JM_ENOMEM. */
JM_EXTERN int jm_write_ndjson(const jm_record *r, jm_buf *out);

/* Appends s as a JSON string literal (quotes included) to out. 0 or JM_ENOMEM. */
JM_EXTERN int jm_write_json_string(const char *s, size_t len, jm_buf *out);

JM_END_DECLS

#endif
