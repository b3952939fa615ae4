/* Fuzzes the report: a stream of NDJSON lines added to one aggregator, then rendered as text,
 * JSON and HTML. No crash; every add returns a documented code; the JSON is one valid document
 * on one line; and, when the first bytes ask, a second aggregator fed the same lines through
 * jm_parse_ndjson() and jm_report_add() renders the same JSON (the fast scanner changes nothing).
 *
 * The first HEADER bytes are the options: dedup window, audit fields, text width, flags (colour,
 * compact, the twin, which renderers: all three or one, so that most inputs render once), the
 * report clock and the HTML refresh. The rest is the lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <jobmatch/jobmatch.h>

#include "fuzz_clocks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { HEADER = 6 };

/* Fields the audit may group by, and one it may not (jm_report_audit_by refuses it). */
static const char *const audit_fields[8] = {
    "gender",           "nationality", "education_level", "seniority",
    "location_country", "birth_year",  "graduation_year", "no_such_field",
};

static int add_ok(int rc)
{
    return rc == 0 || rc == JM_EDUP || rc == JM_EVALUE || rc == JM_EKIND;
}

static void check_json(const jm_buf *b)
{
    if (b->len < 2 || b->data[b->len - 1] != '\n' || memchr(b->data, '\n', b->len - 1))
        abort();
    cJSON *doc = cJSON_ParseWithLength(b->data, b->len);
    if (!doc || !cJSON_IsObject(doc))
        abort();
    cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Kept between inputs, so one input costs no more allocation than its records need. */
    static jm_buf out, twin_out;
    static jm_record *scratch, *parsed;
    if (size < HEADER)
        return 0;
    if (!scratch && (!(scratch = jm_record_new(JM_KIND_NONE, NULL)) ||
                     !(parsed = jm_record_new(JM_KIND_NONE, NULL))))
        abort();
    size_t window = (size_t)(data[0] & 0x3f) + 1;
    unsigned audit = data[1];
    unsigned width = data[2] * 2u; /* clamped to 60-240 by the renderer */
    unsigned flags = data[3] & (JM_REPORT_COLOR | JM_REPORT_COMPACT);
    int twin = data[3] & 4;
    unsigned render = data[3] >> 3 & 3; /* 0: all three; 1 JSON, 2 text, 3 HTML */
    int64_t now = fuzz_clocks[data[4] & 7] + (int64_t)(data[4] >> 3) * 86400000;
    unsigned refresh = data[5] & 0x80 ? data[5] & 0x7f : 0;
    data += HEADER;
    size -= HEADER;

    jm_report *rep = jm_report_new(NULL), *rep2 = twin ? jm_report_new(NULL) : NULL;
    if (!rep || (twin && !rep2))
        abort();
    if (jm_report_set_dedup_window(rep, window) ||
        (rep2 && jm_report_set_dedup_window(rep2, window)))
        abort();
    for (unsigned i = 0; i < 8; i++) {
        if (!(audit >> i & 1))
            continue;
        int want = i == 7 ? JM_EINVAL : 0;
        if (jm_report_audit_by(rep, audit_fields[i]) != want ||
            (rep2 && jm_report_audit_by(rep2, audit_fields[i]) != want))
            abort();
    }

    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        jm_error err;
        memset(&err, 0, sizeof err);
        int rc = jm_report_add_ndjson(rep, p, len, scratch, &err);
        if (rc != 0 && !add_ok(rc) && rc != JM_ENOMEM && err.text[0] == '\0')
            abort(); /* a parse failure says why */
        if (!add_ok(rc))
            jm_report_count_reject(rep);
        if (rep2) {
            jm_error err2;
            memset(&err2, 0, sizeof err2);
            int rc2 = jm_parse_ndjson(p, len, parsed, &err2);
            if (rc2 == 0)
                rc2 = jm_report_add(rep2, parsed);
            if (!add_ok(rc2))
                jm_report_count_reject(rep2);
            if (rc2 != rc)
                abort();
        }
        p += len + 1;
    }

    out.len = 0;
    if (render <= 1 || rep2) {
        if (jm_report_write_json(rep, now, &out))
            abort();
        check_json(&out);
    }
    if (rep2) {
        twin_out.len = 0;
        if (jm_report_write_json(rep2, now, &twin_out) || twin_out.len != out.len ||
            memcmp(twin_out.data, out.data, out.len))
            abort();
    }
    out.len = 0;
    if ((render == 0 || render == 2) &&
        (jm_report_write_text(rep, now, width, flags, &out) || !out.len))
        abort();
    out.len = 0;
    if ((render == 0 || render == 3) && (jm_report_write_html(rep, now, refresh, &out) || !out.len))
        abort();
    jm_report_free(rep);
    jm_report_free(rep2);
    return 0;
}
