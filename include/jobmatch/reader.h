/* Streaming readers of NDJSON and CSV: bytes in, records and rejects out through callbacks. */
#ifndef JOBMATCH_READER_H
#define JOBMATCH_READER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "record.h"

JM_BEGIN_DECLS

typedef enum jm_format { JM_FORMAT_NDJSON = 1, JM_FORMAT_CSV = 2 } jm_format;

/* The default limit on one line (NDJSON) or one record (CSV): 1 MiB. */
#define JM_DEFAULT_MAX_RECORD_BYTES ((size_t)1 << 20)

typedef struct jm_reader jm_reader;

/* Called for each good record. *rec is the reader's record, valid during the call. To keep it,
 * set *rec to NULL: it is then the callee's (free it with jm_record_free()) and the reader uses a
 * fresh one. Taking and stopping are independent: the return value only says whether to go on.
 * raw is the record's input text without its line ending; line is where it starts (0 for a
 * record given to jm_reader_feed_record()). Return 0 to go on or a negative code to stop the
 * feed, which then returns that code. */
typedef int (*jm_record_fn)(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                            unsigned long line);
/* Called for each rejected record: err says why and where (source and line, or for
 * jm_reader_feed_record() its origin and line 0), raw is its text unchanged, without the line
 * ending. A record over the limit is not held, so for it raw is NULL and raw_len 0: its text went
 * to the jm_reject_part_fn just before, when one is set. Return 0 to go on or a negative code to
 * stop the feed. */
typedef int (*jm_reject_fn)(void *ctx, const jm_error *err, const char *raw, size_t raw_len);
/* Receives the text of a record over the limit as it arrives, in pieces: joined in order they
 * are the record unchanged, without its line ending (what raw would be). The reader holds none
 * of it beyond the limit. The record's reject (jm_reject_fn, raw NULL) follows once it ends.
 * Return 0 to go on or a negative code to stop the feed. */
typedef int (*jm_reject_part_fn)(void *ctx, const char *part, size_t len);
/* Raw-line mode (NDJSON only): called for each line the reader frames, instead of parsing it.
 * The line has been through the reader's rules (BOM, CR, blank lines skipped, the limit), so it
 * is at most the limit long and not blank. To reject it, call jm_reader_reject(r, ...) and
 * return what that returns. line is as for jm_record_fn. Return 0 to go on or a negative code
 * to stop the feed. */
typedef int (*jm_line_fn)(void *ctx, jm_reader *r, const char *text, size_t len,
                          unsigned long line);

/* A reader of format for input named source (copied; "<stdin>" by convention) that delivers
 * records to on_record and rejects to on_reject (either may be NULL). max_record_bytes 0 means
 * the default. NULL with err filled (when not NULL) for a format that is neither
 * JM_FORMAT_NDJSON nor JM_FORMAT_CSV (JM_EINVAL) or when out of memory (JM_ENOMEM). */
JM_EXTERN jm_reader *jm_reader_new(jm_format format, const char *source, size_t max_record_bytes,
                                   jm_record_fn on_record, jm_reject_fn on_reject, void *ctx,
                                   jm_error *err);
/* Frees r. Accepts NULL. */
JM_EXTERN void jm_reader_free(jm_reader *r);

/* Sets where the text of records over the limit goes (NULL: nowhere; the default). */
JM_EXTERN void jm_reader_set_reject_part(jm_reader *r, jm_reject_part_fn on_reject_part);
/* Puts an NDJSON reader in raw-line mode: lines go to on_line (NULL: back to on_record). 0, or
 * JM_EINVAL for a CSV reader. */
JM_EXTERN int jm_reader_set_line_fn(jm_reader *r, jm_line_fn on_line);
/* From inside a jm_line_fn or a jm_record_fn: rejects the line or record being handed on
 * through the reader's reject path, like a record that failed to parse (for a record the
 * caller found bad after parsing: a value out of range). err gives the code and text; the
 * reader fills in the source and line, and counts it as a reject, not a record. Returns what
 * the reject callback returns (or 0 without one); JM_EINVAL outside those callbacks or for a
 * second reject of the same one. */
JM_EXTERN int jm_reader_reject(jm_reader *r, const jm_error *err);

/* Feeds the next len bytes; callbacks run for every record they complete. Returns 0, JM_ENOMEM,
 * or the negative code a callback stopped with. */
JM_EXTERN int jm_reader_feed(jm_reader *r, const void *data, size_t len);
/* Ends the input: a last line without a newline is handled. Same returns as jm_reader_feed. */
JM_EXTERN int jm_reader_finish(jm_reader *r);
/* Feeds one whole record as it arrives from a message queue or a database row: data is the
 * record alone, with no framing (one trailing line ending, if any, is dropped). The rules of a
 * line apply: a leading BOM and a CR are dropped, a blank record is skipped, the limit holds,
 * and the same bad input is rejected the same way; a line break that would end the record in
 * a file (any, in NDJSON; one outside quotes, in CSV) makes it a reject. For CSV, the first
 * record a reader gets is its header. Errors name origin (e.g. "kafka:job_posts/2@1234",
 * copied into err->source) with line 0. It does not touch a line jm_reader_feed() has left
 * unfinished. Same returns as jm_reader_feed. */
JM_EXTERN int jm_reader_feed_record(jm_reader *r, const void *data, size_t len, const char *origin);

/* Counters: records delivered (or lines handed on in raw-line mode, less those rejected),
 * records rejected, lines consumed by jm_reader_feed(). */
JM_EXTERN uint64_t jm_reader_records(const jm_reader *r);
JM_EXTERN uint64_t jm_reader_rejects(const jm_reader *r);
JM_EXTERN uint64_t jm_reader_lines(const jm_reader *r);

/* Parses one NDJSON line (no newline) into out, which is reset first. 0, or a negative code
 * with err filled (line and source left as the caller set them). */
JM_EXTERN int jm_parse_ndjson(const char *line, size_t len, jm_record *out, jm_error *err);

/* Decodes a list cell: a JSON array of strings, a Python-style list "['a', 'b']", PostgreSQL
 * array text "{a,b}", or a bare string (one item; empty text is an empty list). Appends the
 * items to field of out. 0, JM_EVALUE or JM_ENOMEM. */
JM_EXTERN int jm_parse_list_cell(const char *cell, size_t len, jm_record *out, jm_field field);

JM_END_DECLS

#endif
