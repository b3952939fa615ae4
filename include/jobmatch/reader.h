/* Streaming readers of NDJSON and CSV: bytes in, records and rejects out through callbacks. */
#ifndef JOBMATCH_READER_H
#define JOBMATCH_READER_H

#include <stddef.h>

#include "error.h"
#include "export.h"
#include "record.h"

JM_BEGIN_DECLS

typedef enum jm_format { JM_FORMAT_NDJSON = 1, JM_FORMAT_CSV = 2 } jm_format;

/* The default limit on one line (NDJSON) or one record (CSV): 1 MiB. */
#define JM_DEFAULT_MAX_RECORD_BYTES ((size_t)1 << 20)

/* Returned by a jm_record_fn that keeps rec: the reader then stops using it. */
#define JM_RECORD_TAKEN 1

/* Called for each good record. rec belongs to the reader and is reused after the call,
 * unless the callback returns JM_RECORD_TAKEN, which hands it over (free it with
 * jm_record_free()). raw is the record's input text without its line ending; line is where
 * it starts. Return 0 to go on, JM_RECORD_TAKEN, or a negative code to stop the feed. */
typedef int (*jm_record_fn)(void *ctx, jm_record *rec, const char *raw, size_t raw_len,
                            unsigned long line);
/* Called for each rejected record: err says why and where, raw is its text unchanged (without
 * the line ending). Return 0 to go on or a negative code to stop the feed. */
typedef int (*jm_reject_fn)(void *ctx, const jm_error *err, const char *raw, size_t raw_len);

typedef struct jm_reader jm_reader;

/* A reader of format for input named source (copied; "<stdin>" by convention). max_record_bytes
 * 0 means the default. Either callback may be NULL. NULL when out of memory. */
JM_EXTERN jm_reader *jm_reader_new(jm_format format, const char *source, size_t max_record_bytes,
                                   jm_record_fn on_record, jm_reject_fn on_reject, void *ctx);
/* Frees r. Accepts NULL. */
JM_EXTERN void jm_reader_free(jm_reader *r);
/* Feeds the next len bytes; callbacks run for every record they complete. Returns 0, JM_ENOMEM,
 * or the negative code a callback stopped with. */
JM_EXTERN int jm_reader_feed(jm_reader *r, const void *data, size_t len);
/* Ends the input: a last line without a newline is handled. Same returns as jm_reader_feed. */
JM_EXTERN int jm_reader_finish(jm_reader *r);
/* Counters: records delivered, records rejected, lines consumed. */
JM_EXTERN unsigned long jm_reader_records(const jm_reader *r);
JM_EXTERN unsigned long jm_reader_rejects(const jm_reader *r);
JM_EXTERN unsigned long jm_reader_lines(const jm_reader *r);

/* Parses one NDJSON line (no newline) into out, which is reset first. 0, or a negative code
 * with err filled (line and source left as the caller set them). */
JM_EXTERN int jm_parse_ndjson(const char *line, size_t len, jm_record *out, jm_error *err);

/* Decodes a list cell: a JSON array of strings, a Python-style list "['a', 'b']", PostgreSQL
 * array text "{a,b}", or a bare string (one item; empty text is an empty list). Appends the
 * items to field of out. 0, JM_EVALUE or JM_ENOMEM. */
JM_EXTERN int jm_parse_list_cell(const char *cell, size_t len, jm_record *out, jm_field field);

JM_END_DECLS

#endif
