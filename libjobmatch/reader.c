/* The streaming reader: splits bytes into lines (NDJSON) or quoted records (CSV), applies the
 * bad-input rules of SPEC "Bad input and failure", and hands out records and rejects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/reader.h>

#include "csv.h"
#include "record_internal.h"
#include "text.h"

/* Where the CSV record scan is. Only a quote that opens a field starts quoting, so a stray
 * quote inside an unquoted field (a bad row) cannot swallow the rows after it. */
enum csv_scan { AT_FIELD_START = 0, IN_UNQUOTED, IN_QUOTED, QUOTE_IN_QUOTED };

struct jm_reader {
    jm_format format;
    char *source;
    size_t max_bytes;
    jm_record_fn on_record;
    jm_reject_fn on_reject;
    void *ctx;
    jm_record *rec;
    jm_buf pending;             /* an unfinished record carried between feeds */
    unsigned long line;         /* lines consumed so far */
    unsigned long pending_line; /* where the pending record starts */
    unsigned long records, rejects;
    unsigned bom;  /* bytes of a leading UTF-8 BOM matched so far; 3: settled */
    int csv_state; /* CSV: where the record scan is (enum csv_scan) */
    jm__csv_header *header;
};

jm_reader *jm_reader_new(jm_format format, const char *source, size_t max_record_bytes,
                         jm_record_fn on_record, jm_reject_fn on_reject, void *ctx)
{
    if (format != JM_FORMAT_NDJSON && format != JM_FORMAT_CSV)
        return NULL;
    jm_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->format = format;
    r->source = strdup(source ? source : "<input>");
    r->max_bytes = max_record_bytes ? max_record_bytes : JM_DEFAULT_MAX_RECORD_BYTES;
    r->on_record = on_record;
    r->on_reject = on_reject;
    r->ctx = ctx;
    r->rec = jm_record_new(JM_KIND_NONE, NULL);
    if (!r->source || !r->rec) {
        jm_reader_free(r);
        return NULL;
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

unsigned long jm_reader_records(const jm_reader *r)
{
    return r->records;
}
unsigned long jm_reader_rejects(const jm_reader *r)
{
    return r->rejects;
}
unsigned long jm_reader_lines(const jm_reader *r)
{
    return r->line;
}

static int reject(jm_reader *r, jm_error *err, unsigned long line, const char *raw, size_t len)
{
    r->rejects++;
    err->line = line;
    snprintf(err->source, sizeof err->source, "%s", r->source);
    return r->on_reject ? r->on_reject(r->ctx, err, raw, len) : 0;
}

static int deliver(jm_reader *r, const char *raw, size_t len, unsigned long line)
{
    r->records++;
    if (!r->on_record)
        return 0;
    int rc = r->on_record(r->ctx, r->rec, raw, len, line);
    if (rc == JM_RECORD_TAKEN) {
        r->rec = jm_record_new(JM_KIND_NONE, NULL);
        return r->rec ? 0 : JM_ENOMEM;
    }
    return rc;
}

static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* One complete record's text, without its newline. */
static int handle(jm_reader *r, const char *text, size_t len, unsigned long line)
{
    jm_error err = {0};
    if (len && text[len - 1] == '\r')
        len--;
    if (blank(text, len))
        return 0;
    if (len > r->max_bytes) {
        err.code = JM_ETOOLONG;
        snprintf(err.text, sizeof err.text, "record of %zu bytes is over the limit of %zu", len,
                 r->max_bytes);
        return reject(r, &err, line, text, len);
    }
    int rc;
    if (r->format == JM_FORMAT_NDJSON) {
        rc = jm_parse_ndjson(text, len, r->rec, &err);
    } else if (!jm__utf8_valid(text, len)) {
        err.code = rc = JM_EUTF8;
        snprintf(err.text, sizeof err.text, "invalid UTF-8");
    } else if (!r->header) {
        r->header = jm__csv_header_parse(text, len, &err);
        if (r->header)
            return 0;
        rc = err.code;
        if (rc == JM_ENOMEM)
            return rc;
    } else {
        rc = jm__csv_row_decode(r->header, text, len, r->rec, &err);
    }
    if (rc == JM_ENOMEM)
        return rc;
    if (rc)
        return reject(r, &err, line, text, len);
    return deliver(r, text, len, line);
}

static int append_pending(jm_reader *r, const char *s, size_t n)
{
    if (jm_buf_reserve(&r->pending, n))
        return JM_ENOMEM;
    memcpy(r->pending.data + r->pending.len, s, n);
    r->pending.len += n;
    return 0;
}

/* The end of the next record in s[0..len): the index of its newline, or len when it goes on.
 * CSV newlines inside quotes do not end a record, unless the record is already over the limit
 * (so an unterminated quote costs one rejected record, not the rest of the input). *newlines
 * counts the ones passed over. */
static size_t record_end(jm_reader *r, const char *s, size_t len, unsigned long *newlines)
{
    if (r->format == JM_FORMAT_NDJSON) {
        const char *nl = memchr(s, '\n', len);
        return nl ? (size_t)(nl - s) : len;
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        switch (r->csv_state) {
        case IN_QUOTED:
            if (c == '"')
                r->csv_state = QUOTE_IN_QUOTED;
            else if (c == '\n') {
                if (r->pending.len + i > r->max_bytes) {
                    r->csv_state = AT_FIELD_START;
                    return i;
                }
                (*newlines)++;
            }
            continue;
        case QUOTE_IN_QUOTED:
            if (c == '"') {
                r->csv_state = IN_QUOTED; /* a doubled quote */
                continue;
            }
            break;
        case AT_FIELD_START:
            if (c == '"') {
                r->csv_state = IN_QUOTED;
                continue;
            }
            break;
        default: break;
        }
        if (c == '\n') {
            r->csv_state = AT_FIELD_START;
            return i;
        }
        r->csv_state = c == ',' ? AT_FIELD_START : IN_UNQUOTED;
    }
    return len;
}

int jm_reader_feed(jm_reader *r, const void *data, size_t len)
{
    static const char bom[] = "\xEF\xBB\xBF";
    const char *s = data;
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
            int rc = k ? jm_reader_feed(r, bom, k) : 0;
            if (rc)
                return rc;
        }
    }
    while (len) {
        unsigned long inner = 0;
        size_t end = record_end(r, s, len, &inner);
        if (r->pending.len == 0)
            r->pending_line = r->line + 1;
        r->line += inner;
        if (end == len) {
            /* An unfinished record: keep it for the next feed. A CSV record that runs on in
             * quotes past the limit is cut off at the next newline. */
            return append_pending(r, s, len);
        }
        r->line++;
        int rc;
        if (r->pending.len) {
            if ((rc = append_pending(r, s, end)))
                return rc;
            rc = handle(r, r->pending.data, r->pending.len, r->pending_line);
            r->pending.len = 0;
        } else {
            rc = handle(r, s, end, r->pending_line);
        }
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
        if ((rc = jm_reader_feed(r, "\xEF\xBB\xBF", k)))
            return rc;
    }
    if (r->pending.len) {
        r->line++;
        if (r->format == JM_FORMAT_CSV && r->csv_state == IN_QUOTED) {
            jm_error err = {.code = JM_ESYNTAX};
            snprintf(err.text, sizeof err.text, "unterminated quoted field at end of input");
            rc = reject(r, &err, r->pending_line, r->pending.data, r->pending.len);
        } else {
            rc = handle(r, r->pending.data, r->pending.len, r->pending_line);
        }
        r->pending.len = 0;
    }
    r->csv_state = AT_FIELD_START;
    return rc;
}
