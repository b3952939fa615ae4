/* NDJSON: one JSON object per line into a record (with cJSON), and records out as JSON. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <jobmatch/error.h>
#include <jobmatch/reader.h>
#include <jobmatch/writer.h>

#include "record_internal.h"
#include "text.h"

static int fail(jm_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

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
    *rc = fail(err, JM_EKIND, "no \"type\", and %s", post ? "both post_id and candidate_id" :
                                                            "no post_id or candidate_id");
    return JM_KIND_NONE;
}

/* Splits "City, Country" at the last comma. */
static int set_location(jm_record *r, const char *s)
{
    size_t len = strlen(s);
    const char *comma = NULL;
    for (size_t i = len; i-- > 0;)
        if (s[i] == ',') {
            comma = s + i;
            break;
        }
    const char *city = s, *country = comma ? comma + 1 : NULL;
    size_t city_len = comma ? (size_t)(comma - s) : len;
    size_t country_len = comma ? len - (size_t)(country - s) : 0;
    jm__trim(&city, &city_len);
    int rc = jm_record_set_string(r, JM_FIELD_LOCATION_CITY, city, city_len);
    if (rc == 0 && country) {
        jm__trim(&country, &country_len);
        rc = jm_record_set_string(r, JM_FIELD_LOCATION_COUNTRY, country, country_len);
    }
    return rc;
}

static int set_field(jm_record *r, int f, const cJSON *item, const char *key, jm_error *err)
{
    switch (jm__fields[f].type) {
    case JM_TYPE_STRING:
        if (!cJSON_IsString(item))
            return fail(err, JM_ETYPE, "field \"%.100s\" is not a string", key);
        return jm_record_set_string(r, f, item->valuestring, strlen(item->valuestring));
    case JM_TYPE_NUMBER:
        if (!cJSON_IsNumber(item))
            return fail(err, JM_ETYPE, "field \"%.100s\" is not a number", key);
        return jm_record_set_number(r, f, item->valuedouble);
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
    } parts[] = {{"category", JM_FIELD_POINTS_CATEGORY}, {"skills", JM_FIELD_POINTS_SKILLS},
                 {"experience", JM_FIELD_POINTS_EXPERIENCE}, {"seniority", JM_FIELD_POINTS_SENIORITY},
                 {"salary", JM_FIELD_POINTS_SALARY}};
    if (!cJSON_IsObject(obj))
        return fail(err, JM_ETYPE, "field \"%s\" is not an object", "components");
    for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, parts[i].name);
        if (!v || cJSON_IsNull(v))
            continue;
        if (!cJSON_IsNumber(v))
            return fail(err, JM_ETYPE, "component \"%s\" is not a number", parts[i].name);
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
            if (!cJSON_IsNumber(item))
                return fail(err, JM_ETYPE, "field \"%s\" is not a number", key);
            jm_record_set_number(out, JM_FIELD_SALARY_MIN, item->valuedouble);
            jm_record_set_number(out, JM_FIELD_SALARY_MAX, item->valuedouble);
            continue;
        }
        if (kind == JM_KIND_CANDIDATE && strcmp(key, "location") == 0) {
            if (!cJSON_IsString(item))
                return fail(err, JM_ETYPE, "field \"%s\" is not a string", key);
            if ((rc = set_location(out, item->valuestring)))
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
    if (!jm__utf8_valid(line, len))
        return fail(err, JM_EUTF8, "invalid UTF-8%s", "");
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

/* Writes s as a JSON string; reserves its own room. */
int jm_write_json_string(const char *s, size_t len, jm_buf *out)
{
    if (jm_buf_reserve(out, len * 6 + 2))
        return JM_ENOMEM;
    char *p = out->data + out->len;
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            *p++ = (char)c;
            continue;
        }
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
    }
    *p++ = '"';
    out->len = (size_t)(p - out->data);
    return 0;
}

static int put_raw(jm_buf *out, const char *s, size_t n)
{
    if (jm_buf_reserve(out, n))
        return JM_ENOMEM;
    memcpy(out->data + out->len, s, n);
    out->len += n;
    return 0;
}

static int put_key(jm_buf *out, const char *name, int first)
{
    size_t n = strlen(name);
    if (jm_buf_reserve(out, n + 4))
        return JM_ENOMEM;
    char *p = out->data + out->len;
    if (!first)
        *p++ = ',';
    *p++ = '"';
    p = jm__put(p, name, n);
    *p++ = '"';
    *p++ = ':';
    out->len = (size_t)(p - out->data);
    return 0;
}

static int put_value(const jm_record *r, jm_field f, jm_buf *out)
{
    const jm__value *v = &r->v[f];
    char tmp[48];
    switch (jm__fields[f].type) {
    case JM_TYPE_STRING:
        return jm_write_json_string(v->s, strlen(v->s), out);
    case JM_TYPE_NUMBER:
        if (f >= JM_FIELD_POINTS_CATEGORY && f <= JM_FIELD_POINTS_SALARY)
            return put_raw(out, tmp, (size_t)(jm__put_fixed6(tmp, v->n) - tmp));
        return put_raw(out, tmp, (size_t)(jm__put_double(tmp, v->n) - tmp));
    case JM_TYPE_INTEGER:
        return put_raw(out, tmp, (size_t)(jm__put_i64(tmp, v->i) - tmp));
    case JM_TYPE_TIME:
        tmp[0] = '"';
        size_t n = jm_time_format(v->i, tmp + 1);
        tmp[n + 1] = '"';
        return put_raw(out, tmp, n + 2);
    case JM_TYPE_LIST:
        if (put_raw(out, "[", 1))
            return JM_ENOMEM;
        for (uint32_t i = 0; i < v->list.count; i++) {
            if ((i && put_raw(out, ",", 1)) ||
                jm_write_json_string(v->list.items[i], strlen(v->list.items[i]), out))
                return JM_ENOMEM;
        }
        return put_raw(out, "]", 1);
    }
    return JM_EINVAL;
}

int jm_write_ndjson(const jm_record *r, jm_buf *out)
{
    const jm_field *order = jm__kind_fields(r->kind);
    if (!order)
        return JM_EINVAL;
    const char *kind = jm_kind_name(r->kind);
    if (put_raw(out, "{\"type\":", 8) || jm_write_json_string(kind, strlen(kind), out))
        return JM_ENOMEM;
    int in_components = 0;
    for (const jm_field *f = order; *f != JM_FIELD_COUNT; f++) {
        int is_component = *f >= JM_FIELD_POINTS_CATEGORY && *f <= JM_FIELD_POINTS_SALARY;
        if (in_components && !is_component) {
            if (put_raw(out, "}", 1))
                return JM_ENOMEM;
            in_components = 0;
        }
        if (!JM__HAS(r, *f))
            continue;
        if (is_component) {
            if (!in_components && put_raw(out, ",\"components\":{", 15))
                return JM_ENOMEM;
            if (put_key(out, jm__fields[*f].name + strlen("components."), !in_components))
                return JM_ENOMEM;
            in_components = 1;
        } else if (put_key(out, jm__fields[*f].name, 0)) {
            return JM_ENOMEM;
        }
        if (put_value(r, *f, out))
            return JM_ENOMEM;
    }
    if (in_components && put_raw(out, "}", 1))
        return JM_ENOMEM;
    return put_raw(out, "}\n", 2);
}
