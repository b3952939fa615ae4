/* CSV records: header mapping and row decoding, for the streaming reader. */
#ifndef JM_CSV_H
#define JM_CSV_H

#include <stddef.h>

#include <jobmatch/error.h>
#include <jobmatch/record.h>

typedef struct jm__csv_header jm__csv_header;

/* Reads the header row text (one CSV record). NULL with err filled when it names no id or type
 * column, is malformed, or memory runs out. */
jm__csv_header *jm__csv_header_parse(const char *text, size_t len, jm_error *err);
void jm__csv_header_free(jm__csv_header *h);
/* Whether a row after the header is a header itself, starting a new table (`cat jobs.csv
 * cands.csv`): every cell a column name ([a-z_][a-z0-9_]*), one of them type, post_id or
 * candidate_id. No data row of a table keyed by those columns looks like that: its key cell
 * holds an id, not the key's name. */
int jm__csv_is_header(const char *text, size_t len);
/* Decodes one data row into out (reset first). 0 or a code with err filled. */
int jm__csv_row_decode(const jm__csv_header *h, const char *text, size_t len, jm_record *out,
                       jm_error *err);

/* Whether one line of text is a well-formed row of its own: it splits into the header's number
 * of fields with no quoting error, and names a known type when the header has a type column.
 * The reader uses it to end a record whose quote was never closed (docs/FORMAT.md). */
int jm__csv_row_shaped(const jm__csv_header *h, const char *text, size_t len);

#endif
