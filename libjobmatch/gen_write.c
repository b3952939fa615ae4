/* The generator's direct writers: its compact records to NDJSON and CSV lines from pre-encoded
 * vocabulary, byte for byte what jm_write_ndjson() and jm_write_csv() write for the same record
 * (tests/unit/test_gen.c checks that), at a fraction of the cost. */
#include <string.h>

#include "csv_write.h"
#include "gen_internal.h"
#include "record_internal.h"
#include "text.h"

void jm__gen_texts_init(jm__gen_texts *t)
{
    memset(t, 0, sizeof *t);
    for (int f = 0; f < JM_FIELD_COUNT; f++) {
        const char *name = jm__fields[f].name;
        size_t n = strlen(name);
        if (n + 4 > 40)
            continue; /* a component name; the generator writes none */
        char *p = t->key[f];
        *p++ = ',';
        *p++ = '"';
        memcpy(p, name, n);
        p += n;
        *p++ = '"';
        *p++ = ':';
        t->key_len[f] = (uint8_t)(p - t->key[f]);
    }
    for (int i = 0; i < 64; i++) {
        /* The very routines the generic writers use, so the texts agree. */
        char *e = jm__put_double(t->gpa_json[i], (double)i / 10);
        t->gpa_json_len[i] = (uint8_t)(e - t->gpa_json[i]);
        jm_buf b = {0};
        if (jm__csv_put_number(&b, (double)i / 10, 1) == 0 && b.len < sizeof t->gpa_csv[i]) {
            memcpy(t->gpa_csv[i], b.data, b.len);
            t->gpa_csv_len[i] = (uint8_t)b.len;
        }
        jm_buf_free(&b);
    }
}

static inline char *put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

/* Copies a vocabulary text in 16-byte blocks: they may read past its end but stay inside
 * jm__vblob's padding, and may write past it into the line's slack, which later bytes
 * overwrite. Fixed-size blocks beat a call to memcpy for these short texts. */
static inline char *put_v(char *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i += 16)
        memcpy(p + i, s + i, 16);
    return p + n;
}

static char *put_time_json(char *p, int64_t ms)
{
    *p++ = '"';
    p += jm_time_format(ms, p);
    *p++ = '"';
    return p;
}

static char *put_time_csv(char *p, int64_t ms)
{
    size_t n = jm_time_format(ms, p);
    p[10] = ' ';
    return p + n - 1; /* no Z */
}

/* The id as a number: its first twelve hex digits, read as decimal digits where they are. */
static char *put_id_number(char *p, const char *id)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v * 16 + (uint64_t)(id[i] <= '9' ? id[i] - '0' : id[i] - 'a' + 10);
    return jm__put_u64(p, v);
}

#define LIT(s) s, sizeof s - 1

static char *put_type_json(char *p, jm_kind k, unsigned badw)
{
    if (badw & JM__BADW_UNKNOWN_TYPE)
        return k == JM_KIND_JOB_POST ? put(p, LIT("{\"type\":\"job_posting\""))
                                     : put(p, LIT("{\"type\":\"candidate_profile\""));
    return k == JM_KIND_JOB_POST ? put(p, LIT("{\"type\":\"job_post\""))
                                 : put(p, LIT("{\"type\":\"candidate\""));
}

size_t jm__gen_write_ndjson(const jm__gen_texts *t, const jm__grec *r, unsigned badw, char *out)
{
    char *p = out;
    p = put_type_json(p, r->kind, badw);
    int spoil_number = (badw & JM__BADW_TEXT_NUMBER) != 0;
    for (const jm_field *fp = jm__kind_fields(r->kind); *fp != JM_FIELD_COUNT; fp++) {
        jm_field f = *fp;
        if (!((r->present >> f) & 1u))
            continue;
        int is_id = f == JM_FIELD_POST_ID || f == JM_FIELD_CANDIDATE_ID;
        if (is_id && (badw & JM__BADW_NO_ID))
            continue;
        p = put_v(p, t->key[f], t->key_len[f]);
        if (is_id) {
            if (badw & JM__BADW_ID_NUMBER) {
                p = put_id_number(p, r->id);
            } else {
                *p++ = '"';
                p = put(p, r->id, 36);
                *p++ = '"';
            }
            continue;
        }
        const jm__vstr *v;
        switch (jm__fields[f].type) {
        case JM_TYPE_STRING:
            v = &jm__vs[r->str[f]];
            p = put_v(p, v->json, v->json_len);
            break;
        case JM_TYPE_NUMBER:
        case JM_TYPE_INTEGER:
            if (spoil_number) {
                p = put(p, LIT("\"n/a\""));
                spoil_number = 0;
            } else if (f == JM_FIELD_GPA) {
                p = put(p, t->gpa_json[r->gpa_tenths], t->gpa_json_len[r->gpa_tenths]);
            } else {
                p = jm__put_i64(p, r->num[f]);
            }
            break;
        case JM_TYPE_TIME: p = put_time_json(p, r->num[f]); break;
        case JM_TYPE_LIST: {
            *p++ = '[';
            const uint16_t *it = r->items + r->list_off[f];
            for (unsigned i = 0; i < r->list_n[f]; i++) {
                if (i)
                    *p++ = ',';
                v = &jm__vs[it[i]];
                p = put_v(p, v->json, v->json_len);
            }
            *p++ = ']';
            break;
        }
        }
    }
    *p++ = '}';
    *p++ = '\n';
    return (size_t)(p - out);
}

static char *put_list_csv(char *p, const jm__grec *r, jm_field f)
{
    const uint16_t *it = r->items + r->list_off[f];
    unsigned n = r->list_n[f];
    /* The generic writer quotes the cell when its text has a comma or a quote: always for two
     * items or more (", "), else when the one item's repr does. */
    int quote = n > 1 || (n == 1 && jm__vs[it[0]].py_special);
    if (quote)
        *p++ = '"';
    *p++ = '[';
    for (unsigned i = 0; i < n; i++) {
        if (i) {
            *p++ = ',';
            *p++ = ' ';
        }
        const jm__vstr *v = &jm__vs[it[i]];
        p = put_v(p, v->py, v->py_len);
    }
    *p++ = ']';
    if (quote)
        *p++ = '"';
    return p;
}

size_t jm__gen_write_csv(const jm__gen_texts *t, const jm__grec *r, jm_csv_layout layout,
                         unsigned badw, char *out)
{
    size_t ncols;
    const jm__csv_col *cols = jm__csv_columns(layout, r->kind, &ncols);
    char *p = out;
    int spoil_number = (badw & JM__BADW_TEXT_NUMBER) != 0;
    for (size_t i = 0; i < ncols; i++) {
        const jm__csv_col *c = &cols[i];
        if (i)
            *p++ = ',';
        if (!((c->kinds >> r->kind) & 1u))
            continue;
        jm_field f = c->field;
        switch (c->special) {
        case JM__COL_TYPE:
            if (badw & JM__BADW_UNKNOWN_TYPE)
                p = r->kind == JM_KIND_JOB_POST ? put(p, LIT("job_posting"))
                                                : put(p, LIT("candidate_profile"));
            else
                p = r->kind == JM_KIND_JOB_POST ? put(p, LIT("job_post"))
                                                : put(p, LIT("candidate"));
            continue;
        case JM__COL_LOCATION: {
            /* Vocabulary cities and countries hold no quotes (vocab2c checks). */
            const jm__vstr *city = &jm__vs[r->str[JM_FIELD_LOCATION_CITY]];
            const jm__vstr *country = &jm__vs[r->str[JM_FIELD_LOCATION_COUNTRY]];
            *p++ = '"';
            p = put_v(p, city->s, city->len);
            *p++ = ',';
            *p++ = ' ';
            p = put_v(p, country->s, country->len);
            *p++ = '"';
            continue;
        }
        default: break;
        }
        if (!((r->present >> f) & 1u))
            continue;
        if (f == JM_FIELD_POST_ID || f == JM_FIELD_CANDIDATE_ID) {
            if (!(badw & JM__BADW_NO_ID))
                p = put(p, r->id, 36);
            continue;
        }
        const jm__vstr *v;
        switch (jm__fields[f].type) {
        case JM_TYPE_STRING:
            v = &jm__vs[r->str[f]];
            p = put_v(p, v->csv, v->csv_len);
            break;
        case JM_TYPE_NUMBER:
        case JM_TYPE_INTEGER:
            if (spoil_number) {
                p = put(p, LIT("n/a"));
                spoil_number = 0;
            } else if (f == JM_FIELD_GPA) {
                p = put(p, t->gpa_csv[r->gpa_tenths], t->gpa_csv_len[r->gpa_tenths]);
            } else {
                p = jm__put_i64(p, r->num[f]);
            }
            break;
        case JM_TYPE_TIME: p = put_time_csv(p, r->num[f]); break;
        case JM_TYPE_LIST: p = put_list_csv(p, r, f); break;
        }
    }
    *p++ = '\n';
    return (size_t)(p - out);
}
