/* The streaming reader: splits bytes into lines (NDJSON) or quoted records (CSV), or takes whole
 * records from a queue or a table, applies the bad-input rules of SPEC "Bad input and failure",
 * and hands out records and rejects. It holds at most the limit of one record: the text of a
 * longer one is handed on in pieces as it arrives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/reader.h>

#include "csv.h"
#include "error_internal.h"
#include "record_internal.h"
#include "text.h"

/* Where the CSV record scan is. Only a quote that opens a field starts quoting, so a stray
 * quote inside an unquoted field (a bad row) cannot swallow the rows after it. */
enum csv_scan { AT_FIELD_START = 0, IN_UNQUOTED, IN_QUOTED, QUOTE_IN_QUOTED };

static const char bom[] = "\xEF\xBB\xBF";

struct jm_reader {
    jm_format format;
    char *source;
    size_t max_bytes;
    jm_record_fn on_record;
    jm_reject_fn on_reject;
    jm_reject_part_fn on_reject_part;
    jm_line_fn on_line;
    void *ctx;
    jm_record *rec;             /* made when first needed, and again after a callee took it */
    jm_buf pending;             /* an unfinished record carried between feeds: limit + 1 at most */
    unsigned long line;         /* lines consumed so far */
    unsigned long pending_line; /* where the pending record starts */
    uint64_t records, rejects;
    unsigned bom;  /* bytes of a leading UTF-8 BOM matched so far; 3: settled */
    int csv_state; /* CSV: where the record scan is (enum csv_scan) */
    int skip_lf;   /* CSV: a CR ended the last line; a LF right after it belongs to that ending */
    size_t line_start;           /* CSV: where the pending record's current line starts (0: its
                                    first line) */
    unsigned long line_start_no; /* that line's number */
    jm__csv_header *header;
    /* A record past the limit, being handed on instead of held. */
    int overlong;
    size_t overlong_len; /* its bytes handed on so far */
    int held_cr;         /* its last byte so far is a CR, kept back: before the newline it is not
                            part of the text */
    /* The line a jm_line_fn or the record a jm_record_fn is being called for, for
     * jm_reader_reject(). */
    int in_line, line_rejected;
    const char *line_text, *line_source;
    size_t line_len;
    unsigned long line_no;
};

jm_reader *jm_reader_new(jm_format format, const char *source, size_t max_record_bytes,
                         jm_record_fn on_record, jm_reject_fn on_reject, void *ctx, jm_error *err)
{
    if (format != JM_FORMAT_NDJSON && format != JM_FORMAT_CSV)
        return jm__fail(err, JM_EINVAL, "the format is neither NDJSON nor CSV");
    jm_reader *r = calloc(1, sizeof *r);
    if (!r)
        return jm__fail(err, JM_ENOMEM, "out of memory");
    r->format = format;
    r->source = strdup(source ? source : "<input>");
    r->max_bytes = max_record_bytes ? max_record_bytes : JM_DEFAULT_MAX_RECORD_BYTES;
    r->on_record = on_record;
    r->on_reject = on_reject;
    r->ctx = ctx;
    if (!r->source) {
        jm_reader_free(r);
        return jm__fail(err, JM_ENOMEM, "out of memory");
    }
    return r;
}

void jm_reader_free(jm_reader *r)
{
    if (!r)
        return;
    free(r->source);
    jm_record_free(r->rec);
    jm_buf_free(&r->pending);
    jm__csv_header_free(r->header);
    free(r);
}

void jm_reader_set_reject_part(jm_reader *r, jm_reject_part_fn on_reject_part)
{
    r->on_reject_part = on_reject_part;
}

int jm_reader_set_line_fn(jm_reader *r, jm_line_fn on_line)
{
    if (r->format != JM_FORMAT_NDJSON)
        return JM_EINVAL;
    r->on_line = on_line;
    return 0;
}

uint64_t jm_reader_records(const jm_reader *r)
{
    return r->records;
}
uint64_t jm_reader_rejects(const jm_reader *r)
{
    return r->rejects;
}
uint64_t jm_reader_lines(const jm_reader *r)
{
    return r->line;
}

static int reject(jm_reader *r, jm_error *err, const char *source, unsigned long line,
                  const char *raw, size_t len)
{
    r->rejects++;
    err->line = line;
    snprintf(err->source, sizeof err->source, "%s", source);
    return r->on_reject ? r->on_reject(r->ctx, err, raw, len) : 0;
}

static int reject_too_long(jm_reader *r, const char *source, unsigned long line, size_t len)
{
    jm_error err = {.code = JM_ETOOLONG};
    snprintf(err.text, sizeof err.text, "record of %zu bytes is over the limit of %zu", len,
             r->max_bytes);
    return reject(r, &err, source, line, NULL, 0);
}

int jm_reader_reject(jm_reader *r, const jm_error *err)
{
    if (!r->in_line || r->line_rejected)
        return JM_EINVAL;
    jm_error e = *err;
    r->line_rejected = 1;
    return reject(r, &e, r->line_source, r->line_no, r->line_text, r->line_len);
}

/* ---- records past the limit ------------------------------------------------------------------ */

static int hand_part(jm_reader *r, const char *s, size_t n)
{
    r->overlong_len += n;
    return r->on_reject_part && n ? r->on_reject_part(r->ctx, s, n) : 0;
}

/* Hands on the next bytes of an over-long record. A CR at their end is kept back until the
 * next byte shows it does not end the line. */
static int stream_part(jm_reader *r, const char *s, size_t n)
{
    if (!n)
        return 0;
    if (r->held_cr) {
        r->held_cr = 0;
        int rc = hand_part(r, "\r", 1);
        if (rc)
            return rc;
    }
    if (s[n - 1] == '\r') {
        r->held_cr = 1;
        n--;
    }
    return hand_part(r, s, n);
}

/* The over-long record has ended (a held CR was its line ending): reject it. */
static int end_overlong(jm_reader *r)
{
    size_t len = r->overlong_len;
    r->overlong = 0;
    r->overlong_len = 0;
    r->held_cr = 0;
    r->csv_state = AT_FIELD_START;
    return reject_too_long(r, r->source, r->pending_line, len);
}

/* ---- one record ------------------------------------------------------------------------------ */

static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* Advances a CSV scan over c: 1 when c is a line break outside quotes, which ends a record. A
 * CR ends a line as a LF does (CR-only files, as old Mac software writes them, are read); the
 * framing takes a LF right after it as part of the same CRLF. */
static int csv_step(int *state, char c)
{
    switch (*state) {
    case IN_QUOTED:
        if (c == '"')
            *state = QUOTE_IN_QUOTED;
        return 0;
    case QUOTE_IN_QUOTED:
        if (c == '"') {
            *state = IN_QUOTED; /* a doubled quote */
            return 0;
        }
        break;
    case AT_FIELD_START:
        if (c == '"') {
            *state = IN_QUOTED;
            return 0;
        }
        break;
    default: break;
    }
    if (c == '\n' || c == '\r') {
        *state = AT_FIELD_START;
        return 1;
    }
    *state = c == ',' ? AT_FIELD_START : IN_UNQUOTED;
    return 0;
}

/* Whether a whole record holds a line break that would end it in a file. */
static int has_record_break(const jm_reader *r, const char *s, size_t len)
{
    if (r->format == JM_FORMAT_NDJSON)
        return memchr(s, '\n', len) != NULL;
    int state = AT_FIELD_START;
    for (size_t i = 0; i < len; i++)
        if (csv_step(&state, s[i]))
            return 1;
    return 0;
}

/* Calls on_line or on_record for one record, so that it may jm_reader_reject() it. */
static int hand_on(jm_reader *r, const char *text, size_t len, const char *source,
                   unsigned long line)
{
    r->in_line = 1;
    r->line_rejected = 0;
    r->line_text = text;
    r->line_len = len;
    r->line_source = source;
    r->line_no = line;
    int rc = r->on_line     ? r->on_line(r->ctx, r, text, len, line)
             : r->on_record ? r->on_record(r->ctx, &r->rec, text, len, line)
                            : 0;
    r->in_line = 0;
    if (!r->line_rejected)
        r->records++;
    return rc;
}

/* One complete record's text, without its newline. whole: it came by jm_reader_feed_record(). */
static int handle(jm_reader *r, const char *text, size_t len, const char *source,
                  unsigned long line, int whole)
{
    jm_error err = {0};
    if (len && text[len - 1] == '\r')
        len--;
    if (len > r->max_bytes) {
        r->overlong_len = 0;
        int rc = hand_part(r, text, len);
        r->overlong_len = 0;
        return rc ? rc : reject_too_long(r, source, line, len);
    }
    if (blank(text, len))
        return 0;
    if (whole && has_record_break(r, text, len)) {
        err.code = JM_ESYNTAX;
        snprintf(err.text, sizeof err.text, "a line break inside the record: one record a message");
        return reject(r, &err, source, line, text, len);
    }
    if (r->on_line)
        return hand_on(r, text, len, source, line);
    int rc;
    if (!r->rec && (r->format == JM_FORMAT_NDJSON || r->header) &&
        !(r->rec = jm_record_new(JM_KIND_NONE, NULL)))
        return JM_ENOMEM;
    if (r->format == JM_FORMAT_NDJSON) {
        rc = jm_parse_ndjson(text, len, r->rec, &err);
    } else if (!jm__utf8_valid(text, len)) {
        err.code = rc = JM_EUTF8;
        snprintf(err.text, sizeof err.text, "invalid UTF-8");
    } else if (!r->header || jm__csv_is_header(text, len)) {
        /* The first line, or a repeated header: a new table begins (a refused one ends the
         * table before it too). */
        jm__csv_header_free(r->header);
        r->header = jm__csv_header_parse(text, len, &err);
        if (r->header)
            return 0;
        rc = err.code;
    } else {
        rc = jm__csv_row_decode(r->header, text, len, r->rec, &err);
    }
    if (rc == JM_ENOMEM)
        return rc;
    if (rc)
        return reject(r, &err, source, line, text, len);
    return hand_on(r, text, len, source, line);
}

/* ---- framing --------------------------------------------------------------------------------- */

static int append_pending(jm_reader *r, const char *s, size_t n)
{
    if (jm_buf_reserve(&r->pending, n))
        return JM_ENOMEM;
    memcpy(r->pending.data + r->pending.len, s, n);
    r->pending.len += n;
    return 0;
}

/* The end of the next record in s[0..len): the index of the line break that ends it, or len
 * when it goes on. A CSV line break inside quotes does not end a record: record_end() stops
 * there too, with *inner set, so that the line it ends can be looked at (csv_recover()). Once a
 * record is over the limit, any line break ends it (an unterminated quote costs one rejected
 * record, not the rest of the input). */
static size_t record_end(jm_reader *r, const char *s, size_t len, int *inner)
{
    *inner = 0;
    if (r->format == JM_FORMAT_NDJSON) {
        const char *nl = memchr(s, '\n', len);
        return nl ? (size_t)(nl - s) : len;
    }
    if (r->overlong)
        return jm__find3(s, 0, len, '\n', '\r', '\r');
    for (size_t i = 0; i < len; i++) {
        /* Only quotes and line breaks need a look of their own: after a run of other bytes the
         * scan is inside quotes still, or else where the run's last byte leaves it (csv_step():
         * at a field's start after a comma, in an unquoted field after anything else). */
        size_t j = jm__find3(s, i, len, '"', '\n', '\r');
        if (j > i && r->csv_state != IN_QUOTED)
            r->csv_state = s[j - 1] == ',' ? AT_FIELD_START : IN_UNQUOTED;
        if ((i = j) == len)
            break;
        if ((s[i] == '\n' || s[i] == '\r') && r->csv_state == IN_QUOTED) {
            *inner = 1;
            return i;
        }
        if (csv_step(&r->csv_state, s[i]))
            return i;
    }
    return len;
}

static void pending_clear(jm_reader *r)
{
    r->pending.len = 0;
    r->line_start = 0;
}

/* A CSV record that runs over several lines because of a quote: when the line it has just
 * ended, pending[line_start..end), is a well-formed row of its own (jm__csv_row_shaped), the
 * quote before it was never closed. The lines before that row are rejected as one record and
 * the row is read on its own, so one stray quote costs one record, not the rows after it
 * (docs/FORMAT.md). 1 when it cut the record so (*rc: what the callbacks returned), else 0. */
static int csv_recover(jm_reader *r, size_t end, int *rc)
{
    if (!r->header || r->line_start == 0)
        return 0;
    const char *line = r->pending.data + r->line_start;
    size_t len = end - r->line_start;
    if (len && line[len - 1] == '\r')
        len--;
    if (blank(line, len) || !jm__csv_row_shaped(r->header, line, len))
        return 0;
    size_t bad_len = r->line_start - 1; /* without the line break before the row */
    if (bad_len && r->pending.data[bad_len] == '\n' && r->pending.data[bad_len - 1] == '\r')
        bad_len--;
    jm_error err = {.code = JM_ESYNTAX};
    snprintf(err.text, sizeof err.text,
             "a quoted field is not closed before line %lu, a row of its own, read as one",
             r->line_start_no);
    unsigned long row_line = r->line_start_no;
    *rc = reject(r, &err, r->source, r->pending_line, r->pending.data, bad_len);
    if (*rc == 0)
        *rc = handle(r, line, len, r->source, row_line, 0);
    r->csv_state = AT_FIELD_START;
    pending_clear(r);
    return 1;
}

int jm_reader_feed(jm_reader *r, const void *data, size_t len)
{
    const char *s = data;
    int rc;
    if (r->bom < 3) {
        /* A UTF-8 byte-order mark may open the input, even split over feeds. */
        while (len && r->bom < 3 && *s == bom[r->bom]) {
            r->bom++;
            s++;
            len--;
        }
        if (len && r->bom < 3) {
            /* Not a BOM after all: its first bytes were data. */
            unsigned k = r->bom;
            r->bom = 3;
            if (k && (rc = jm_reader_feed(r, bom, k)))
                return rc;
        }
    }
    while (len) {
        if (r->skip_lf) {
            r->skip_lf = 0;
            if (*s == '\n') {
                /* The LF of a CRLF whose CR ended the line. Inside a quoted field it is data. */
                if (r->pending.len) {
                    if ((rc = append_pending(r, s, 1)))
                        return rc;
                    r->line_start = r->pending.len;
                }
                s++;
                len--;
                continue;
            }
        }
        int inner;
        size_t end = record_end(r, s, len, &inner);
        int ends = end < len;
        if (!r->overlong && r->pending.len == 0)
            r->pending_line = r->line + 1;
        if (inner && r->pending.len + end > r->max_bytes) {
            /* The quoted field would cross the limit: the record ends here, over the limit. */
            inner = 0;
            r->csv_state = AT_FIELD_START;
        }
        if (inner) {
            /* A line break inside quotes: keep the line, then see whether it was a row. */
            if ((rc = append_pending(r, s, end + 1)))
                return rc;
            r->line++;
            r->skip_lf = s[end] == '\r';
            rc = 0;
            if (!csv_recover(r, r->pending.len - 1, &rc)) {
                r->line_start = r->pending.len;
                r->line_start_no = r->line + 1;
            }
            if (rc)
                return rc;
            s += end + 1;
            len -= end + 1;
            continue;
        }
        if (!r->overlong && r->pending.len + end > r->max_bytes + 1) {
            /* Past the limit (even without a CR before its newline): from here on the record is
             * handed on as it comes, not held. */
            r->overlong = 1;
            r->overlong_len = 0;
            rc = stream_part(r, r->pending.data, r->pending.len);
            pending_clear(r);
            if (rc)
                return rc;
        }
        if (r->overlong) {
            if ((rc = stream_part(r, s, end)) || !ends)
                return rc;
            r->line++;
            rc = end_overlong(r);
        } else if (!ends) {
            /* An unfinished record: keep it for the next feed. */
            return append_pending(r, s, len);
        } else {
            r->line++;
            if (r->pending.len) {
                if ((rc = append_pending(r, s, end)))
                    return rc;
                if (!csv_recover(r, r->pending.len, &rc))
                    rc = handle(r, r->pending.data, r->pending.len, r->source, r->pending_line, 0);
                pending_clear(r);
            } else {
                rc = handle(r, s, end, r->source, r->pending_line, 0);
            }
        }
        if (r->format == JM_FORMAT_CSV && s[end] == '\r')
            r->skip_lf = 1;
        if (rc)
            return rc;
        s += end + 1;
        len -= end + 1;
    }
    return 0;
}

int jm_reader_finish(jm_reader *r)
{
    int rc = 0;
    if (r->bom > 0 && r->bom < 3) {
        /* The input ended inside what looked like a BOM: those bytes were data. */
        unsigned k = r->bom;
        r->bom = 3;
        if ((rc = jm_reader_feed(r, bom, k)))
            return rc;
    }
    if (r->overlong) {
        r->line++;
        rc = end_overlong(r);
    } else if (r->pending.len) {
        r->line++;
        if (r->format == JM_FORMAT_CSV && csv_recover(r, r->pending.len, &rc)) {
            /* the last line was a row after an open quote */
        } else if (r->format == JM_FORMAT_CSV && r->csv_state == IN_QUOTED) {
            jm_error err = {.code = JM_ESYNTAX};
            snprintf(err.text, sizeof err.text, "unterminated quoted field at end of input");
            rc = reject(r, &err, r->source, r->pending_line, r->pending.data, r->pending.len);
        } else {
            rc = handle(r, r->pending.data, r->pending.len, r->source, r->pending_line, 0);
        }
        pending_clear(r);
    }
    r->csv_state = AT_FIELD_START;
    r->skip_lf = 0;
    return rc;
}

int jm_reader_feed_record(jm_reader *r, const void *data, size_t len, const char *origin)
{
    const char *s = data;
    if (len >= 3 && memcmp(s, bom, 3) == 0) {
        s += 3;
        len -= 3;
    }
    if (len && s[len - 1] == '\n')
        len--;
    return handle(r, s, len, origin ? origin : r->source, 0, 1);
}
