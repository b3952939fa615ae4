/* CSV records: RFC 4180 fields, a header row of field names, and the three list-cell forms. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <jobmatch/reader.h>

#include "csv.h"
#include "record_internal.h"
#include "text.h"

/* Where a column goes, besides plain fields. */
enum { COL_IGNORE = -1, COL_TYPE = -2, COL_SALARY = -3, COL_LOCATION = -4 };

struct jm__csv_header {
    size_t ncols;
    jm_kind fixed_kind;                /* the kind when there is no type column */
    int *col[JM_KIND_APPLICATION + 1]; /* per kind: field index or COL_* */
    int type_col;
};

/* Splits one CSV record into cells, unquoting in place into cells_buf. Calls back per cell. */
typedef int (*cell_fn)(void *ctx, size_t index, const char *cell, size_t len, int quoted);

static int split_cells(const char *text, size_t len, char *scratch, cell_fn fn, void *ctx,
                       jm_error *err)
{
    size_t i = 0, index = 0;
    for (;;) {
        char *out = scratch;
        int quoted = 0;
        if (i < len && text[i] == '"') {
            quoted = 1;
            i++;
            for (;;) {
                if (i >= len) {
                    err->code = JM_ESYNTAX;
                    snprintf(err->text, sizeof err->text, "unterminated quoted field %zu",
                             index + 1);
                    return JM_ESYNTAX;
                }
                if (text[i] == '"') {
                    if (i + 1 < len && text[i + 1] == '"') {
                        *out++ = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                *out++ = text[i++];
            }
            if (i < len && text[i] != ',') {
                err->code = JM_ESYNTAX;
                err->column = i + 1;
                snprintf(err->text, sizeof err->text, "text after the closing quote of field %zu",
                         index + 1);
                return JM_ESYNTAX;
            }
        } else {
            while (i < len && text[i] != ',') {
                if (text[i] == '"') {
                    err->code = JM_ESYNTAX;
                    err->column = i + 1;
                    snprintf(err->text, sizeof err->text, "quote inside unquoted field %zu",
                             index + 1);
                    return JM_ESYNTAX;
                }
                *out++ = text[i++];
            }
        }
        int rc = fn(ctx, index++, scratch, (size_t)(out - scratch), quoted);
        if (rc)
            return rc;
        if (i >= len)
            return 0;
        i++; /* the comma */
    }
}

/* ---- header --------------------------------------------------------------------------------- */

typedef struct header_ctx {
    char **names;
    size_t n, cap;
} header_ctx;

static int collect_name(void *vctx, size_t index, const char *cell, size_t len, int quoted)
{
    (void)index;
    (void)quoted;
    header_ctx *c = vctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        char **names = realloc(c->names, cap * sizeof *names);
        if (!names)
            return JM_ENOMEM;
        c->names = names;
        c->cap = cap;
    }
    jm__trim(&cell, &len);
    char *s = malloc(len + 1);
    if (!s)
        return JM_ENOMEM;
    memcpy(s, cell, len);
    s[len] = '\0';
    c->names[c->n++] = s;
    return 0;
}

static int column_for(jm_kind kind, const char *name)
{
    if (strcmp(name, "type") == 0)
        return COL_TYPE;
    if (kind == JM_KIND_JOB_POST && strcmp(name, "salary") == 0)
        return COL_SALARY;
    if (kind == JM_KIND_CANDIDATE && strcmp(name, "location") == 0)
        return COL_LOCATION;
    int f = jm_field_lookup(kind, name, strlen(name));
    return f >= 0 ? f : COL_IGNORE;
}

jm__csv_header *jm__csv_header_parse(const char *text, size_t len, jm_error *err)
{
    header_ctx c = {0};
    char *scratch = malloc(len + 1);
    jm__csv_header *h = calloc(1, sizeof *h);
    int rc = scratch && h ? split_cells(text, len, scratch, collect_name, &c, err) : JM_ENOMEM;
    free(scratch);
    if (rc == 0) {
        h->ncols = c.n;
        h->type_col = -1;
        int has_post = 0, has_cand = 0;
        for (size_t i = 0; i < c.n; i++) {
            if (strcmp(c.names[i], "type") == 0)
                h->type_col = (int)i;
            has_post |= strcmp(c.names[i], "post_id") == 0;
            has_cand |= strcmp(c.names[i], "candidate_id") == 0;
        }
        if (h->type_col < 0) {
            h->fixed_kind = has_post && !has_cand   ? JM_KIND_JOB_POST
                            : has_cand && !has_post ? JM_KIND_CANDIDATE
                                                    : JM_KIND_NONE;
            if (h->fixed_kind == JM_KIND_NONE) {
                err->code = rc = JM_EKIND;
                snprintf(err->text, sizeof err->text, "CSV header has no \"type\" column and %s",
                         has_post ? "both post_id and candidate_id" : "no post_id or candidate_id");
            }
        }
        for (jm_kind k = JM_KIND_JOB_POST; rc == 0 && k <= JM_KIND_APPLICATION; k++) {
            h->col[k] = malloc((c.n ? c.n : 1) * sizeof(int));
            if (!h->col[k]) {
                rc = JM_ENOMEM;
                break;
            }
            for (size_t i = 0; i < c.n; i++)
                h->col[k][i] = column_for(k, c.names[i]);
        }
    }
    for (size_t i = 0; i < c.n; i++)
        free(c.names[i]);
    free(c.names);
    if (rc) {
        if (rc == JM_ENOMEM) {
            err->code = rc;
            snprintf(err->text, sizeof err->text, "out of memory");
        }
        jm__csv_header_free(h);
        return NULL;
    }
    return h;
}

/* A cell of a header: a column name as the tools write them, [a-z_][a-z0-9_]*. */
typedef struct names_ctx {
    int names_only, has_key;
} names_ctx;

static int name_cell(void *vctx, size_t index, const char *cell, size_t len, int quoted)
{
    (void)index;
    (void)quoted;
    names_ctx *c = vctx;
    jm__trim(&cell, &len);
    int ok = len > 0 && ((cell[0] >= 'a' && cell[0] <= 'z') || cell[0] == '_');
    for (size_t i = 1; ok && i < len; i++)
        ok = (cell[i] >= 'a' && cell[i] <= 'z') || (cell[i] >= '0' && cell[i] <= '9') ||
             cell[i] == '_';
    c->names_only &= ok;
    if (!ok)
        return 1; /* not a header: the rest need not be split */
    c->has_key |= (len == 4 && memcmp(cell, "type", 4) == 0) ||
                  (len == 7 && memcmp(cell, "post_id", 7) == 0) ||
                  (len == 12 && memcmp(cell, "candidate_id", 12) == 0);
    return 0;
}

int jm__csv_is_header(const char *text, size_t len)
{
    char stack[4096];
    char *scratch = len < sizeof stack ? stack : malloc(len + 1);
    if (!scratch)
        return 0;
    names_ctx c = {1, 0};
    jm_error err;
    int rc = split_cells(text, len, scratch, name_cell, &c, &err);
    if (scratch != stack)
        free(scratch);
    return rc == 0 && c.names_only && c.has_key;
}

void jm__csv_header_free(jm__csv_header *h)
{
    if (!h)
        return;
    for (int k = 0; k <= JM_KIND_APPLICATION; k++)
        free(h->col[k]);
    free(h);
}

/* ---- rows ----------------------------------------------------------------------------------- */

/* A quoting error of a row, kept aside: it is the row's error only if no cell before it fails
 * first (as split_cells() reports it, cell by cell). */
typedef struct row_syntax {
    size_t at; /* the cell it is in; SIZE_MAX: none */
    jm_error err;
} row_syntax;

typedef struct cell_span {
    const char *s;
    size_t len;
} cell_span;

/* Splits a row as split_cells() does, in one pass and without copying where the text can be
 * used as it is: an unquoted cell, or a quoted one without doubled quotes, points into text;
 * the others are unquoted into scratch. The first max cells are kept in cells; *count is the
 * number of cells before the end or the quoting error (syn). */
static void split_row(const char *text, size_t len, char *scratch, cell_span *cells, size_t max,
                      size_t *count, row_syntax *syn)
{
    size_t i = 0, index = 0;
    syn->at = SIZE_MAX;
    for (;; index++) {
        const char *start;
        size_t n;
        if (i < len && text[i] == '"') {
            i++;
            start = text + i;
            const char *q = memchr(text + i, '"', len - i);
            char *out = NULL;
            for (;;) {
                if (!q) {
                    syn->err.code = JM_ESYNTAX;
                    snprintf(syn->err.text, sizeof syn->err.text, "unterminated quoted field %zu",
                             index + 1);
                    goto fail;
                }
                size_t at = (size_t)(q - text);
                if (at + 1 < len && text[at + 1] == '"') {
                    /* A doubled quote: from here on the cell is unquoted into scratch. */
                    if (!out) {
                        out = scratch;
                        memcpy(out, start, (size_t)(q - start));
                        out += q - start;
                        start = scratch;
                    } else {
                        memcpy(out, text + i, at - i);
                        out += at - i;
                    }
                    *out++ = '"';
                    i = at + 2;
                    q = memchr(text + i, '"', len - i);
                    continue;
                }
                if (out) {
                    memcpy(out, text + i, at - i);
                    out += at - i;
                    n = (size_t)(out - scratch);
                    scratch = out; /* the next cell's bytes go after this one's */
                } else {
                    n = (size_t)(q - start);
                }
                i = at + 1;
                break;
            }
            if (i < len && text[i] != ',') {
                syn->err.code = JM_ESYNTAX;
                syn->err.column = i + 1;
                snprintf(syn->err.text, sizeof syn->err.text,
                         "text after the closing quote of field %zu", index + 1);
                goto fail;
            }
        } else {
            start = text + i;
            size_t end = jm__find3(text, i, len, ',', '"', '"');
            if (end < len && text[end] == '"') {
                syn->err.code = JM_ESYNTAX;
                syn->err.column = end + 1;
                snprintf(syn->err.text, sizeof syn->err.text, "quote inside unquoted field %zu",
                         index + 1);
                goto fail;
            }
            n = end - i;
            i = end;
        }
        if (index < max)
            cells[index] = (cell_span){start, n};
        if (i >= len) {
            *count = index + 1;
            return;
        }
        i++; /* the comma */
    }
fail:
    syn->at = index;
    *count = index;
}

static int bad(jm_error *err, int code, const char *what, const char *name)
{
    err->code = code;
    snprintf(err->text, sizeof err->text, "%s \"%.100s\"", what, name);
    return code;
}

static int set_cell(jm_record *r, jm_error *err, int col, const char *cell, size_t len)
{
    double num;
    if (col == COL_SALARY) {
        if (jm__number_parse(cell, len, &num))
            return bad(err, JM_EVALUE, "not a number in column", "salary");
        jm_record_set_number(r, JM_FIELD_SALARY_MIN, num);
        return jm_record_set_number(r, JM_FIELD_SALARY_MAX, num);
    }
    if (col == COL_LOCATION)
        return jm__record_set_location(r, cell, len);
    const char *name = jm__fields[col].name;
    switch (jm__fields[col].type) {
    case JM_TYPE_STRING: return jm_record_set_string(r, col, cell, len);
    case JM_TYPE_NUMBER:
        if (jm__number_parse(cell, len, &num))
            return bad(err, JM_EVALUE, "not a number in column", name);
        return jm_record_set_number(r, col, num);
    case JM_TYPE_INTEGER:
        if (jm__number_parse(cell, len, &num) || num != floor(num) || fabs(num) > 9e15)
            return bad(err, JM_EVALUE, "not an integer in column", name);
        return jm_record_set_integer(r, col, (int64_t)num);
    case JM_TYPE_TIME: {
        int64_t t;
        if (jm_time_parse(cell, len, &t))
            return bad(err, JM_EVALUE, "not an ISO-8601 time in column", name);
        return jm_record_set_integer(r, col, t);
    }
    case JM_TYPE_LIST: {
        if (jm__json_has_nul(cell, len))
            return bad(err, JM_EVALUE, "a NUL (\\u0000) in column", name);
        int rc = jm_record_list_clear(r, col);
        if (rc == 0)
            rc = jm_parse_list_cell(cell, len, r, col);
        if (rc == JM_EVALUE)
            return bad(err, JM_EVALUE, "malformed list in column", name);
        return rc;
    }
    }
    return JM_EINVAL;
}

/* Rows are split once into their cells; these hold most rows without an allocation. */
enum { STACK_ROW = 4096, STACK_CELLS = 128 };

static int decode_cells(const jm__csv_header *h, const cell_span *cells, size_t count,
                        const row_syntax *syn, jm_record *out, jm_error *err)
{
    jm_kind kind = h->fixed_kind;
    if (h->type_col >= 0) {
        /* The type is read after the whole row splits (a quoting error anywhere comes first). */
        if (syn->at != SIZE_MAX) {
            *err = syn->err;
            return err->code;
        }
        size_t t = (size_t)h->type_col;
        char name[32];
        int ok = t < count && cells[t].len < sizeof name;
        if (ok) {
            memcpy(name, cells[t].s, cells[t].len);
            name[cells[t].len] = '\0';
        }
        kind = ok ? jm_kind_from_name(name) : JM_KIND_NONE;
        if (kind == JM_KIND_NONE)
            return bad(err, JM_EKIND, "unknown type", ok ? name : "");
    }
    jm_record_reset(out, kind);
    for (size_t i = 0; i < count && i < h->ncols; i++) {
        int col = h->col[kind][i];
        if (col == COL_IGNORE || col == COL_TYPE || cells[i].len == 0)
            continue; /* an empty cell is an absent field */
        int rc = set_cell(out, err, col, cells[i].s, cells[i].len);
        if (rc == JM_ENOMEM)
            return bad(err, rc, "out of memory in column", "");
        if (rc)
            return rc;
    }
    if (syn->at != SIZE_MAX) {
        *err = syn->err; /* the cells before it were good */
        return err->code;
    }
    if (count != h->ncols) {
        err->code = JM_ESYNTAX;
        snprintf(err->text, sizeof err->text, "%zu fields where the header has %zu", count,
                 h->ncols);
        return JM_ESYNTAX;
    }
    return jm__record_finish(out, err);
}

int jm__csv_row_decode(const jm__csv_header *h, const char *text, size_t len, jm_record *out,
                       jm_error *err)
{
    if (memchr(text, '\0', len)) {
        err->code = JM_EVALUE;
        snprintf(err->text, sizeof err->text,
                 "a NUL byte in the row, which would cut a field short");
        return JM_EVALUE;
    }
    char stack[STACK_ROW];
    cell_span stack_cells[STACK_CELLS];
    char *scratch = len < sizeof stack ? stack : malloc(len + 1);
    cell_span *cells = h->ncols <= STACK_CELLS ? stack_cells : malloc(h->ncols * sizeof *cells);
    int rc;
    if (!scratch || !cells) {
        rc = bad(err, JM_ENOMEM, "out of memory", "");
    } else {
        size_t count;
        row_syntax syn = {.err = *err};
        split_row(text, len, scratch, cells, h->ncols, &count, &syn);
        rc = decode_cells(h, cells, count, &syn, out, err);
    }
    if (scratch != stack)
        free(scratch);
    if (cells != stack_cells)
        free(cells);
    return rc;
}

/* ---- row shape ------------------------------------------------------------------------------ */

typedef struct shape_ctx {
    const jm__csv_header *h;
    size_t cells;
    int type_ok;
} shape_ctx;

static int shape_cell(void *vctx, size_t index, const char *cell, size_t len, int quoted)
{
    (void)quoted;
    shape_ctx *c = vctx;
    c->cells = index + 1;
    if ((int)index == c->h->type_col) {
        char name[32];
        if (len < sizeof name) {
            memcpy(name, cell, len);
            name[len] = '\0';
            c->type_ok = jm_kind_from_name(name) != JM_KIND_NONE;
        }
    }
    return 0;
}

int jm__csv_row_shaped(const jm__csv_header *h, const char *text, size_t len)
{
    char stack[4096];
    char *scratch = len < sizeof stack ? stack : malloc(len + 1);
    if (!scratch)
        return 0;
    jm_error err = {0};
    shape_ctx c = {.h = h};
    int ok = split_cells(text, len, scratch, shape_cell, &c, &err) == 0 && c.cells == h->ncols &&
             (h->type_col < 0 || c.type_ok);
    if (scratch != stack)
        free(scratch);
    return ok;
}

/* ---- list cells ----------------------------------------------------------------------------- */

/* List cells up to this size are decoded on the stack. */
enum { LIST_STACK = 2048 };

/* Python's repr of a list of strings: ['a', "b's"], with backslash escapes. */
static int parse_python_list(const char *s, size_t len, jm_record *out, jm_field field)
{
    size_t i = 1; /* past '[' */
    char stack[LIST_STACK];
    char *buf = len < sizeof stack ? stack : malloc(len + 1);
    if (!buf)
        return JM_ENOMEM;
    int rc = JM_EVALUE;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i < len && s[i] == ']') {
            i++;
            break;
        }
        if (i >= len || (s[i] != '\'' && s[i] != '"'))
            goto done;
        char q = s[i++];
        size_t n = 0;
        const char *item = buf;
        const char *close = memchr(s + i, q, len - i);
        if (close && !memchr(s + i, '\\', (size_t)(close - (s + i)))) {
            /* No escape: the item is the text as it is. */
            item = s + i;
            n = (size_t)(close - item);
            i = (size_t)(close - s);
        }
        while (item == buf && i < len && s[i] != q) {
            if (s[i] == '\\' && i + 1 < len) {
                char e = s[i + 1];
                i += 2;
                switch (e) {
                case 'n': buf[n++] = '\n'; break;
                case 't': buf[n++] = '\t'; break;
                case 'r': buf[n++] = '\r'; break;
                default: buf[n++] = e; /* \\ \' \" */
                }
                continue;
            }
            buf[n++] = s[i++];
        }
        if (i >= len)
            goto done;
        i++; /* closing quote */
        if ((rc = jm_record_list_append(out, field, item, n)))
            goto done;
        rc = JM_EVALUE;
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i < len && s[i] == ',') {
            i++;
            continue;
        }
        if (i < len && s[i] == ']') {
            i++;
            break;
        }
        goto done;
    }
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    rc = i == len ? 0 : JM_EVALUE;
done:
    if (buf != stack)
        free(buf);
    return rc;
}

/* PostgreSQL array text: {a,"b c",NULL}. NULL elements are dropped. */
static int parse_pg_array(const char *s, size_t len, jm_record *out, jm_field field)
{
    if (len < 2 || s[len - 1] != '}')
        return JM_EVALUE;
    size_t i = 1, end = len - 1;
    if (i == end)
        return 0;
    char stack[LIST_STACK];
    char *buf = len < sizeof stack ? stack : malloc(len + 1);
    if (!buf)
        return JM_ENOMEM;
    int rc = 0;
    while (rc == 0) {
        size_t n = 0;
        int quoted = 0;
        while (i < end && s[i] == ' ')
            i++;
        if (i < end && s[i] == '"') {
            quoted = 1;
            i++;
            while (i < end && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < end)
                    i++;
                buf[n++] = s[i++];
            }
            if (i >= end) {
                rc = JM_EVALUE;
                break;
            }
            i++;
            while (i < end && s[i] == ' ')
                i++;
        } else {
            while (i < end && s[i] != ',') {
                if (s[i] == '\\' && i + 1 < end)
                    i++;
                buf[n++] = s[i++];
            }
            while (n && buf[n - 1] == ' ')
                n--;
        }
        if (!(quoted == 0 && n == 4 && memcmp(buf, "NULL", 4) == 0))
            rc = jm_record_list_append(out, field, buf, n);
        if (i >= end)
            break;
        if (s[i] != ',') {
            rc = JM_EVALUE;
            break;
        }
        i++;
    }
    if (buf != stack)
        free(buf);
    return rc;
}

int jm_parse_list_cell(const char *cell, size_t len, jm_record *out, jm_field field)
{
    if (jm_field_type_of(field) != JM_TYPE_LIST)
        return JM_EINVAL;
    if (!jm_record_has(out, field) && jm_record_list_clear(out, field))
        return JM_EINVAL;
    const char *s = cell;
    size_t n = len;
    jm__trim(&s, &n);
    if (n == 0)
        return 0;
    if (s[0] == '[') {
        if (jm__json_has_nul(s, n))
            return JM_EVALUE; /* a NUL would cut the item short */
        /* A quote of Python's after the bracket: cJSON, which skips bytes up to the space there,
         * would fail at it, so the list is Python's (as pandas exports skills). */
        size_t k = 1;
        while (k < n && (unsigned char)s[k] <= ' ')
            k++;
        if (k < n && s[k] == '\'')
            return parse_python_list(s, n, out, field);
        cJSON *arr = cJSON_ParseWithLength(s, n);
        if (arr && cJSON_IsArray(arr)) {
            int rc = 0;
            for (const cJSON *e = arr->child; rc == 0 && e; e = e->next)
                rc = cJSON_IsString(e)
                         ? jm_record_list_append(out, field, e->valuestring, strlen(e->valuestring))
                         : JM_EVALUE;
            cJSON_Delete(arr);
            return rc;
        }
        cJSON_Delete(arr);
        return parse_python_list(s, n, out, field);
    }
    if (s[0] == '{')
        return parse_pg_array(s, n, out, field);
    return jm_record_list_append(out, field, s, n);
}
