/* Records as rows of COPY's text format, one staging table's columns per kind, and the checks
 * that keep a record the server would refuse out of a batch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy_text.h"

static int kind_index(jm_kind kind)
{
    switch (kind) {
    case JM_KIND_JOB_POST: return 0;
    case JM_KIND_CANDIDATE: return 1;
    case JM_KIND_APPLICATION: return 2;
    default: return -1;
    }
}

int jm__pg_kind_index(jm_kind kind)
{
    return kind_index(kind);
}

const char *jm__pg_stage_table(int k)
{
    static const char *const names[JM_PG_KINDS] = {
        "jobmatch_stage_job_posts", "jobmatch_stage_candidate_info", "jobmatch_stage_applications"};
    return names[k];
}

/* A field's column: its canonical name, "components.x" as components_x. */
static void column_name(jm_field f, char *out, size_t size)
{
    snprintf(out, size, "%s", jm_field_name(f));
    for (char *p = out; *p; p++)
        if (*p == '.')
            *p = '_';
}

int jm__pg_copy_columns(jm_kind kind, jm_buf *out)
{
    int first = 1;
    for (int f = 0; f < JM_FIELD_COUNT; f++) {
        if (!jm_field_in_kind((jm_field)f, kind))
            continue;
        char name[64];
        column_name((jm_field)f, name, sizeof name);
        size_t n = strlen(name);
        if (jm_buf_reserve(out, n + 4))
            return JM_ENOMEM;
        if (!first)
            out->data[out->len++] = ',';
        out->data[out->len++] = '"';
        memcpy(out->data + out->len, name, n);
        out->len += n;
        out->data[out->len++] = '"';
        first = 0;
    }
    return 0;
}

/* Writes c at p escaped for COPY text (backslash, and the line and field separators). */
static char *copy_char(char *p, char c)
{
    switch (c) {
    case '\\':
        *p++ = '\\';
        *p++ = '\\';
        break;
    case '\n':
        *p++ = '\\';
        *p++ = 'n';
        break;
    case '\r':
        *p++ = '\\';
        *p++ = 'r';
        break;
    case '\t':
        *p++ = '\\';
        *p++ = 't';
        break;
    default: *p++ = c;
    }
    return p;
}

static int put_text(jm_buf *out, const char *s, size_t n)
{
    if (jm_buf_reserve(out, 2 * n))
        return JM_ENOMEM;
    char *p = out->data + out->len;
    for (size_t i = 0; i < n; i++)
        p = copy_char(p, s[i]);
    out->len = (size_t)(p - out->data);
    return 0;
}

/* Appends a list as an array literal, every item quoted (an unquoted NULL would be a null), '"'
 * and '\' escaped with a backslash for the array, and all of it escaped for COPY. */
static int put_list(jm_buf *out, const jm_record *r, jm_field f)
{
    size_t count = jm_record_list_count(r, f);
    if (jm_buf_reserve(out, 2 + 3 * count))
        return JM_ENOMEM;
    out->data[out->len++] = '{';
    for (size_t i = 0; i < count; i++) {
        const char *item = jm_record_list_item(r, f, i);
        size_t n = strlen(item);
        if (jm_buf_reserve(out, 4 * n + 4))
            return JM_ENOMEM;
        char *p = out->data + out->len;
        if (i)
            *p++ = ',';
        *p++ = '"';
        for (size_t j = 0; j < n; j++) {
            if (item[j] == '"' || item[j] == '\\')
                p = copy_char(p, '\\');
            p = copy_char(p, item[j]);
        }
        *p++ = '"';
        out->len = (size_t)(p - out->data);
    }
    if (jm_buf_reserve(out, 1))
        return JM_ENOMEM;
    out->data[out->len++] = '}';
    return 0;
}

/* The shortest decimal that reads back as v. */
static int put_number(jm_buf *out, double v)
{
    char tmp[40];
    int n;
    if (isnan(v))
        n = snprintf(tmp, sizeof tmp, "NaN");
    else if (isinf(v))
        n = snprintf(tmp, sizeof tmp, "%sInfinity", v < 0 ? "-" : "");
    else if ((n = snprintf(tmp, sizeof tmp, "%.15g", v)) > 0 && strtod(tmp, NULL) != v)
        n = snprintf(tmp, sizeof tmp, "%.17g", v);
    return put_text(out, tmp, (size_t)n);
}

int jm__pg_copy_row(const jm_record *r, jm_buf *out)
{
    jm_kind kind = jm_record_kind(r);
    size_t start = out->len;
    int first = 1, rc = 0;
    for (int f = 0; rc == 0 && f < JM_FIELD_COUNT; f++) {
        if (!jm_field_in_kind((jm_field)f, kind))
            continue;
        if (!first && (rc = jm_buf_reserve(out, 1)) == 0)
            out->data[out->len++] = '\t';
        first = 0;
        if (rc)
            break;
        if (!jm_record_has(r, (jm_field)f)) {
            if ((rc = jm_buf_reserve(out, 2)) == 0) {
                out->data[out->len++] = '\\';
                out->data[out->len++] = 'N';
            }
            continue;
        }
        char tmp[40];
        switch (jm_field_type_of((jm_field)f)) {
        case JM_TYPE_STRING: {
            const char *s = jm_record_string(r, (jm_field)f);
            rc = put_text(out, s, strlen(s));
            break;
        }
        case JM_TYPE_NUMBER: rc = put_number(out, jm_record_number(r, (jm_field)f)); break;
        case JM_TYPE_INTEGER: {
            int n = snprintf(tmp, sizeof tmp, "%lld", (long long)jm_record_integer(r, (jm_field)f));
            rc = put_text(out, tmp, (size_t)n);
            break;
        }
        case JM_TYPE_TIME: {
            size_t n = jm_time_format(jm_record_integer(r, (jm_field)f), tmp);
            rc = put_text(out, tmp, n);
            break;
        }
        case JM_TYPE_LIST: rc = put_list(out, r, (jm_field)f); break;
        }
    }
    if (rc == 0 && (rc = jm_buf_reserve(out, 1)) == 0)
        out->data[out->len++] = '\n';
    if (rc)
        out->len = start;
    return rc;
}

/* ---- what the server would refuse ----------------------------------------------------------- */

static int is_uuid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        if (!s[i])
            return 0;
        if (shape[i] == '-' ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
            return 0;
    }
    return s[sizeof shape - 1] == '\0';
}

const char *jm__pg_nul_in_json(const char *data, size_t len)
{
    if (memchr(data, '\0', len))
        return "a NUL byte";
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (!in_string) {
            in_string = c == '"';
        } else if (c == '"') {
            in_string = 0;
        } else if (c == '\\' && i + 1 < len) {
            if (data[i + 1] == 'u' && i + 5 < len && memcmp(data + i + 2, "0000", 4) == 0)
                return "a NUL character (\\u0000) in a string";
            i++; /* the escaped character */
        }
    }
    return NULL;
}

const char *jm__pg_refused(const jm_record *r)
{
    jm_kind kind = jm_record_kind(r);
    if (kind_index(kind) < 0)
        return "not a job post, candidate or application";
    if (!jm_record_id(r) || !*jm_record_id(r))
        return "no id";
    for (int f = 0; f < JM_FIELD_COUNT; f++) {
        if (!jm_field_in_kind((jm_field)f, kind) || !jm_record_has(r, (jm_field)f))
            continue;
        /* integer columns hold 32 bits */
        if (jm_field_type_of((jm_field)f) == JM_TYPE_INTEGER) {
            int64_t v = jm_record_integer(r, (jm_field)f);
            if (v < -2147483647 - 1 || v > 2147483647)
                return "an integer field out of the 32-bit range";
        }
    }
    if (kind == JM_KIND_APPLICATION) {
        if (!is_uuid(jm_record_id(r)))
            return "application_id is not a UUID";
        if (!jm_record_has(r, JM_FIELD_CANDIDATE_ID) || !jm_record_has(r, JM_FIELD_POST_ID))
            return "an application without candidate_id or post_id";
        if (!jm_record_has(r, JM_FIELD_COMPATIBILITY_SCORE))
            return "an application without compatibility_score";
        int64_t score = jm_record_integer(r, JM_FIELD_COMPATIBILITY_SCORE);
        if (score < 0 || score > 100)
            return "compatibility_score outside 0-100";
    }
    return NULL;
}
