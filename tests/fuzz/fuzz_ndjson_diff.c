/* Differential fuzzing of NDJSON reading: each input goes through the general parser (cJSON) and
 * through jm_parse_ndjson() (the fast scanner, then the general parser for what it leaves), and
 * any difference aborts: the result code, the error (code, text, column), or the record (kind,
 * which fields are set, which strings are plain, and every value, list items included). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/jobmatch.h>

#include "../../libjobmatch/ndjson_scan.h"
#include "../../libjobmatch/record_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_string(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen || memcmp(a, b, alen) != 0 || a[alen] != '\0' || b[blen] != '\0' ||
        strlen(a) != alen)
        abort();
}

static void same_record(const jm_record *a, const jm_record *b)
{
    if (a->kind != b->kind || a->present != b->present || a->plain != b->plain)
        abort();
    for (int f = 0; f < JM_FIELD_COUNT; f++) {
        if (!JM__HAS(a, f))
            continue;
        const jm__value *x = &a->v[f], *y = &b->v[f];
        switch (jm_field_type_of(f)) {
        case JM_TYPE_STRING: same_string(x->s, x->slen, y->s, y->slen); break;
        case JM_TYPE_NUMBER:
            /* Bit for bit: -0 and 0 differ. */
            if (memcmp(&x->n, &y->n, sizeof x->n) != 0)
                abort();
            break;
        case JM_TYPE_INTEGER:
        case JM_TYPE_TIME:
            if (x->i != y->i)
                abort();
            break;
        case JM_TYPE_LIST:
            if (x->list.count != y->list.count)
                abort();
            for (uint32_t i = 0; i < x->list.count; i++)
                same_string(x->list.items[i], strlen(x->list.items[i]), y->list.items[i],
                            strlen(y->list.items[i]));
            break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Kept between inputs (as the reader keeps its record), and reset before each, so an input
     * gives the same result alone or in a run. */
    static jm_record *general, *fast;
    if (!general && (!(general = jm_record_new(JM_KIND_NONE, NULL)) ||
                     !(fast = jm_record_new(JM_KIND_NONE, NULL))))
        abort();
    jm_record_reset(general, JM_KIND_NONE);
    jm_record_reset(fast, JM_KIND_NONE);
    jm_error eg, ef;
    memset(&eg, 0, sizeof eg);
    memset(&ef, 0, sizeof ef);
    const char *line = (const char *)data;
    int rg = jm__ndjson_parse_general(line, size, general, &eg);
    int rf = jm_parse_ndjson(line, size, fast, &ef);
    if (rg != rf || eg.code != ef.code || eg.line != ef.line || eg.column != ef.column ||
        strcmp(eg.source, ef.source) != 0 || strcmp(eg.text, ef.text) != 0)
        abort();
    same_record(general, fast);
    return 0;
}
