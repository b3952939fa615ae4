/* NDJSON: one JSON object per line into a record (the fast scanner, else cJSON), and records out
 * as JSON. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <jobmatch/error.h>
#include <jobmatch/reader.h>
#include <jobmatch/writer.h>

#include "ndjson_scan.h"
#include "record_internal.h"
#include "text.h"

static int fail(jm_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(jm_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->text, sizeof err->text, fmt, ap);
        va_end(ap);
    }
    return code;
}

static jm_kind kind_of(const cJSON *obj, jm_error *err, int *rc)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(obj, "type");
    *rc = 0;
    if (type && !cJSON_IsNull(type)) {
        if (!cJSON_IsString(type)) {
            *rc = fail(err, JM_ETYPE, "field \"type\" is not a string%s", "");
            return JM_KIND_NONE;
        }
        jm_kind k = jm_kind_from_name(type->valuestring);
        if (k == JM_KIND_NONE)
            *rc = fail(err, JM_EKIND, "unknown type \"%.200s\"", type->valuestring);
        return k;
    }
    /* The reference pipeline's messages carry no type: the id fields tell. */
    int post = cJSON_HasObjectItem(obj, "post_id"), cand = cJSON_HasObjectItem(obj, "candidate_id");
    if (cJSON_HasObjectItem(obj, "application_id"))
        return JM_KIND_APPLICATION;
    if (post && !cand)
        return JM_KIND_JOB_POST;
    if (cand && !post)
        return JM_KIND_CANDIDATE;
    *rc = fail(err, JM_EKIND, "no \"type\", and %s",
               post ? "both post_id and candidate_id" : "no post_id or candidate_id");
    return JM_KIND_NONE;
}

/* A JSON number that is finite: cJSON reads 1e400 as infinity, which CSV and every writer
 * refuse too (jm__number_parse()). */
static int bad_number(const cJSON *item, const char *key, jm_error *err)
{
    if (!cJSON_IsNumber(item))
        return fail(err, JM_ETYPE, "field \"%.100s\" is not a number", key);
    if (!isfinite(item->valuedouble))
        return fail(err, JM_EVALUE, "field \"%.100s\" is out of range (not a finite number)", key);
    return 0;
}

static int set_field(jm_record *r, int f, const cJSON *item, const char *key, jm_error *err)
{
    switch (jm__fields[f].type) {
    case JM_TYPE_STRING:
        if (!cJSON_IsString(item))
            return fail(err, JM_ETYPE, "field \"%.100s\" is not a string", key);
        return jm_record_set_string(r, f, item->valuestring, strlen(item->valuestring));
    case JM_TYPE_NUMBER: {
        int rc = bad_number(item, key, err);
        return rc ? rc : jm_record_set_number(r, f, item->valuedouble);
    }
    case JM_TYPE_INTEGER:
        if (!cJSON_IsNumber(item) || item->valuedouble != floor(item->valuedouble) ||
            fabs(item->valuedouble) > 9e15)
            return fail(err, JM_ETYPE, "field \"%.100s\" is not an integer", key);
        return jm_record_set_integer(r, f, (int64_t)item->valuedouble);
    case JM_TYPE_TIME: {
        int64_t t;
        if (!cJSON_IsString(item))
            return fail(err, JM_ETYPE, "field \"%.100s\" is not a timestamp string", key);
        if (jm_time_parse(item->valuestring, strlen(item->valuestring), &t))
            return fail(err, JM_EVALUE, "field \"%.100s\" is not an ISO-8601 time", key);
        return jm_record_set_integer(r, f, t);
    }
    case JM_TYPE_LIST: {
        if (!cJSON_IsArray(item))
            return fail(err, JM_ETYPE, "field \"%.100s\" is not an array", key);
        int rc = jm_record_list_clear(r, f);
        for (const cJSON *e = item->child; rc == 0 && e; e = e->next) {
            if (!cJSON_IsString(e))
                return fail(err, JM_ETYPE, "field \"%.100s\" holds a non-string", key);
            rc = jm_record_list_append(r, f, e->valuestring, strlen(e->valuestring));
        }
        return rc;
    }
    }
    return JM_EINVAL;
}

static int set_components(jm_record *r, const cJSON *obj, jm_error *err)
{
    static const struct {
        const char *name;
        jm_field field;
    } parts[] = {{"category", JM_FIELD_POINTS_CATEGORY},
                 {"skills", JM_FIELD_POINTS_SKILLS},
                 {"experience", JM_FIELD_POINTS_EXPERIENCE},
                 {"seniority", JM_FIELD_POINTS_SENIORITY},
                 {"salary", JM_FIELD_POINTS_SALARY}};
    if (!cJSON_IsObject(obj))
        return fail(err, JM_ETYPE, "field \"%s\" is not an object", "components");
    for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, parts[i].name);
        if (!v || cJSON_IsNull(v))
            continue;
        int rc = bad_number(v, parts[i].name, err);
        if (rc)
            return rc;
        jm_record_set_number(r, parts[i].field, v->valuedouble);
    }
    return 0;
}

static int decode(const cJSON *obj, jm_record *out, jm_error *err)
{
    int rc;
    jm_kind kind = kind_of(obj, err, &rc);
    if (rc)
        return rc;
    jm_record_reset(out, kind);
    for (const cJSON *item = obj->child; item; item = item->next) {
        const char *key = item->string;
        if (cJSON_IsNull(item) || strcmp(key, "type") == 0)
            continue;
        if (kind == JM_KIND_JOB_POST && strcmp(key, "salary") == 0) {
            if ((rc = bad_number(item, key, err)))
                return rc;
            jm_record_set_number(out, JM_FIELD_SALARY_MIN, item->valuedouble);
            jm_record_set_number(out, JM_FIELD_SALARY_MAX, item->valuedouble);
            continue;
        }
        if (kind == JM_KIND_CANDIDATE && strcmp(key, "location") == 0) {
            if (!cJSON_IsString(item))
                return fail(err, JM_ETYPE, "field \"%s\" is not a string", key);
            if ((rc = jm__record_set_location(out, item->valuestring, strlen(item->valuestring))))
                return rc;
            continue;
        }
        if (kind == JM_KIND_APPLICATION && strcmp(key, "components") == 0) {
            if ((rc = set_components(out, item, err)))
                return rc;
            continue;
        }
        int f = jm_field_lookup(kind, key, strlen(key));
        if (f < 0)
            continue; /* fields we do not know are ignored, as the reference pipeline's extras */
        if ((rc = set_field(out, f, item, key, err)))
            return rc == JM_ENOMEM ? fail(err, rc, "out of memory%s", "") : rc;
    }
    return jm__record_finish(out, err);
}

int jm_parse_ndjson(const char *line, size_t len, jm_record *out, jm_error *err)
{
    if (jm__ndjson_scan(line, len, out) == 0)
        return 0;
    return jm__ndjson_parse_general(line, len, out, err);
}

int jm__ndjson_parse_general(const char *line, size_t len, jm_record *out, jm_error *err)
{
    if (!jm__utf8_valid(line, len))
        return fail(err, JM_EUTF8, "invalid UTF-8%s", "");
    if (jm__json_has_nul(line, len))
        return fail(err, JM_EVALUE, "a NUL (\\u0000) in the line, which would cut a string short%s",
                    "");
    const char *end = NULL;
    cJSON *obj = cJSON_ParseWithLengthOpts(line, len, &end, 0);
    if (!obj) {
        size_t at = end && end >= line ? (size_t)(end - line) : 0;
        if (err)
            err->column = at + 1;
        return fail(err, JM_ESYNTAX, "malformed JSON%s", at >= len ? " (truncated)" : "");
    }
    /* Only white space may follow the object. */
    while (end && (size_t)(end - line) < len && (*end == ' ' || *end == '\t' || *end == '\r'))
        end++;
    int rc;
    if (end && (size_t)(end - line) < len) {
        if (err)
            err->column = (unsigned long)(end - line) + 1;
        rc = fail(err, JM_ESYNTAX, "text after the JSON object%s", "");
    } else if (!cJSON_IsObject(obj)) {
        rc = fail(err, JM_ESYNTAX, "not a JSON object%s", "");
    } else {
        rc = decode(obj, out, err);
    }
    cJSON_Delete(obj);
    return rc;
}

/* ---- writing -------------------------------------------------------------------------------- */

static const char hex[] = "0123456789abcdef";

static char *escape_byte(char *p, unsigned char c)
{
    *p++ = '\\';
    switch (c) {
    case '"': *p++ = '"'; break;
    case '\\': *p++ = '\\'; break;
    case '\n': *p++ = 'n'; break;
    case '\r': *p++ = 'r'; break;
    case '\t': *p++ = 't'; break;
    case '\b': *p++ = 'b'; break;
    case '\f': *p++ = 'f'; break;
    default:
        *p++ = 'u';
        *p++ = '0';
        *p++ = '0';
        *p++ = hex[c >> 4];
        *p++ = hex[c & 15];
    }
    return p;
}

/* Writes s quoted at p, which has room for len * 6 + 2 bytes; returns the end. */
static char *put_string(char *p, const char *s, size_t len)
{
    *p++ = '"';
    size_t i = 0;
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (!jm__needs_escape8(w)) {
            memcpy(p, &w, 8);
            p += 8;
            i += 8;
            continue;
        }
        for (size_t end = i + 8; i < end; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c >= 0x20 && c != '"' && c != '\\')
                *p++ = (char)c;
            else
                p = escape_byte(p, c);
        }
    }
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            *p++ = (char)c;
        else
            p = escape_byte(p, c);
    }
    *p++ = '"';
    return p;
}

/* A string field of r: copied as it is when known plain, else escaped. */
static char *put_field_string(char *p, const jm_record *r, jm_field f)
{
    const jm__value *v = &r->v[f];
    if (r->plain >> f & 1) {
        *p++ = '"';
        memcpy(p, v->s, v->slen);
        p += v->slen;
        *p++ = '"';
        return p;
    }
    return put_string(p, v->s, v->slen);
}

int jm_write_json_string(const char *s, size_t len, jm_buf *out)
{
    if (jm_buf_reserve(out, len * 6 + 2))
        return JM_ENOMEM;
    out->len = (size_t)(put_string(out->data + out->len, s, len) - out->data);
    return 0;
}

/* The most one field can take, so that room is reserved once per field. */
static size_t field_room(const jm_record *r, jm_field f)
{
    const jm__value *v = &r->v[f];
    size_t room = jm__fields[f].key_len + 64;
    switch (jm__fields[f].type) {
    case JM_TYPE_STRING: return room + v->slen * 6;
    case JM_TYPE_LIST:
        for (uint32_t i = 0; i < v->list.count; i++)
            room += strlen(v->list.items[i]) * 6 + 3;
        return room;
    default: return room;
    }
}

static char *put_value(char *p, const jm_record *r, jm_field f)
{
    const jm__value *v = &r->v[f];
    switch (jm__fields[f].type) {
    case JM_TYPE_STRING: return put_field_string(p, r, f);
    case JM_TYPE_NUMBER:
        if (f >= JM_FIELD_POINTS_CATEGORY && f <= JM_FIELD_POINTS_SALARY)
            return jm__put_fixed6(p, v->n);
        return jm__put_double(p, v->n);
    case JM_TYPE_INTEGER: return jm__put_i64(p, v->i);
    case JM_TYPE_TIME:
        *p++ = '"';
        p += jm_time_format(v->i, p);
        *p++ = '"';
        return p;
    case JM_TYPE_LIST:
        *p++ = '[';
        for (uint32_t i = 0; i < v->list.count; i++) {
            if (i)
                *p++ = ',';
            p = put_string(p, v->list.items[i], strlen(v->list.items[i]));
        }
        *p++ = ']';
        return p;
    }
    return p;
}

#define LIT(s)           \
    {                    \
        s, sizeof(s) - 1 \
    }
static const struct {
    const char *text;
    size_t len;
} kind_open[] =
    {
        [JM_KIND_JOB_POST] = LIT("{\"type\":\"job_post\""),
        [JM_KIND_CANDIDATE] = LIT("{\"type\":\"candidate\""),
        [JM_KIND_APPLICATION] = LIT("{\"type\":\"application\""),
},
  component_key[] = {
      LIT("\"category\":"),  LIT("\"skills\":"), LIT("\"experience\":"),
      LIT("\"seniority\":"), LIT("\"salary\":"),
};

/* Every field an application from the matcher has. */
static const uint64_t full_application =
    1ull << JM_FIELD_APPLICATION_ID | 1ull << JM_FIELD_CANDIDATE_ID | 1ull << JM_FIELD_POST_ID |
    1ull << JM_FIELD_JOB_FAMILY | 1ull << JM_FIELD_COMPATIBILITY_SCORE |
    1ull << JM_FIELD_POINTS_CATEGORY | 1ull << JM_FIELD_POINTS_SKILLS |
    1ull << JM_FIELD_POINTS_EXPERIENCE | 1ull << JM_FIELD_POINTS_SENIORITY |
    1ull << JM_FIELD_POINTS_SALARY | 1ull << JM_FIELD_STATUS | 1ull << JM_FIELD_MATCH_REASON |
    1ull << JM_FIELD_APPLICATION_METHOD | 1ull << JM_FIELD_APPLICATION_DATE |
    1ull << JM_FIELD_TIMESTAMP;

#define PUT_LITERAL(p, s) jm__put(p, s, sizeof(s) - 1)

/* The same bytes as the general path below, for the shape jm-match writes millions of times:
 * an application with every field, laid out without per-field dispatch. */
static int write_full_application(const jm_record *r, jm_buf *out)
{
    const jm__value *v = r->v;
    size_t room = 512 + 6 * (v[JM_FIELD_APPLICATION_ID].slen + v[JM_FIELD_CANDIDATE_ID].slen +
                             v[JM_FIELD_POST_ID].slen + v[JM_FIELD_JOB_FAMILY].slen +
                             v[JM_FIELD_STATUS].slen + v[JM_FIELD_MATCH_REASON].slen +
                             v[JM_FIELD_APPLICATION_METHOD].slen);
    if (jm_buf_reserve(out, room))
        return JM_ENOMEM;
    char *p = out->data + out->len;
    p = PUT_LITERAL(p, "{\"type\":\"application\",\"application_id\":");
    p = put_field_string(p, r, JM_FIELD_APPLICATION_ID);
    p = PUT_LITERAL(p, ",\"candidate_id\":");
    p = put_field_string(p, r, JM_FIELD_CANDIDATE_ID);
    p = PUT_LITERAL(p, ",\"post_id\":");
    p = put_field_string(p, r, JM_FIELD_POST_ID);
    p = PUT_LITERAL(p, ",\"job_family\":");
    p = put_field_string(p, r, JM_FIELD_JOB_FAMILY);
    p = PUT_LITERAL(p, ",\"compatibility_score\":");
    p = jm__put_i64(p, v[JM_FIELD_COMPATIBILITY_SCORE].i);
    p = PUT_LITERAL(p, ",\"components\":{\"category\":");
    p = jm__put_fixed6(p, v[JM_FIELD_POINTS_CATEGORY].n);
    p = PUT_LITERAL(p, ",\"skills\":");
    p = jm__put_fixed6(p, v[JM_FIELD_POINTS_SKILLS].n);
    p = PUT_LITERAL(p, ",\"experience\":");
    p = jm__put_fixed6(p, v[JM_FIELD_POINTS_EXPERIENCE].n);
    p = PUT_LITERAL(p, ",\"seniority\":");
    p = jm__put_fixed6(p, v[JM_FIELD_POINTS_SENIORITY].n);
    p = PUT_LITERAL(p, ",\"salary\":");
    p = jm__put_fixed6(p, v[JM_FIELD_POINTS_SALARY].n);
    p = PUT_LITERAL(p, "},\"status\":");
    p = put_field_string(p, r, JM_FIELD_STATUS);
    p = PUT_LITERAL(p, ",\"match_reason\":");
    p = put_field_string(p, r, JM_FIELD_MATCH_REASON);
    p = PUT_LITERAL(p, ",\"application_method\":");
    p = put_field_string(p, r, JM_FIELD_APPLICATION_METHOD);
    p = PUT_LITERAL(p, ",\"application_date\":\"");
    p += jm_time_format(v[JM_FIELD_APPLICATION_DATE].i, p);
    p = PUT_LITERAL(p, "\",\"timestamp\":\"");
    p += jm_time_format(v[JM_FIELD_TIMESTAMP].i, p);
    p = PUT_LITERAL(p, "\"}\n");
    out->len = (size_t)(p - out->data);
    return 0;
}

int jm_write_ndjson(const jm_record *r, jm_buf *out)
{
    if (r->kind == JM_KIND_APPLICATION && (r->present & full_application) == full_application)
        return write_full_application(r, out);
    const jm_field *order = jm__kind_fields(r->kind);
    if (!order)
        return JM_EINVAL;
    size_t room = 64;
    for (const jm_field *f = order; *f != JM_FIELD_COUNT; f++)
        if (JM__HAS(r, *f))
            room += field_room(r, *f);
    if (jm_buf_reserve(out, room))
        return JM_ENOMEM;
    char *p = out->data + out->len;
    p = jm__put(p, kind_open[r->kind].text, kind_open[r->kind].len);
    int in_components = 0;
    for (const jm_field *f = order; *f != JM_FIELD_COUNT; f++) {
        int is_component = *f >= JM_FIELD_POINTS_CATEGORY && *f <= JM_FIELD_POINTS_SALARY;
        if (in_components && !is_component) {
            *p++ = '}';
            in_components = 0;
        }
        if (!JM__HAS(r, *f))
            continue;
        if (is_component) {
            /* Inside "components": the key without its "components." prefix. */
            int c = *f - JM_FIELD_POINTS_CATEGORY;
            p = in_components ? jm__put(p, ",", 1) : jm__put(p, ",\"components\":{", 15);
            p = jm__put(p, component_key[c].text, component_key[c].len);
            in_components = 1;
        } else {
            p = jm__put(p, jm__fields[*f].key, jm__fields[*f].key_len);
        }
        p = put_value(p, r, *f);
    }
    if (in_components)
        *p++ = '}';
    *p++ = '}';
    *p++ = '\n';
    out->len = (size_t)(p - out->data);
    return 0;
}
