/* Fuzzes jm_parse_ndjson() and the writer: any bytes parse or fail cleanly, and a parsed record
 * written, parsed again and written again gives the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/jobmatch.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jm_record *a = jm_record_new(JM_KIND_NONE, NULL), *b = jm_record_new(JM_KIND_NONE, NULL);
    jm_error err;
    memset(&err, 0, sizeof err);
    if (jm_parse_ndjson((const char *)data, size, a, &err) == 0) {
        jm_buf one = {0}, two = {0};
        if (jm_write_ndjson(a, &one))
            abort();
        /* The writer's line (without its newline) reads back to the same record. */
        if (jm_parse_ndjson(one.data, one.len - 1, b, &err) != 0)
            abort();
        if (jm_write_ndjson(b, &two) || two.len != one.len || memcmp(one.data, two.data, one.len))
            abort();
        jm_record *c = jm_record_clone(b, NULL);
        jm_buf three = {0};
        if (!c || jm_write_ndjson(c, &three) || three.len != one.len ||
            memcmp(one.data, three.data, one.len))
            abort();
        jm_record_free(c);
        jm_buf_free(&one);
        jm_buf_free(&two);
        jm_buf_free(&three);
    } else if (err.code == 0 || err.text[0] == '\0') {
        abort(); /* a failure always says why */
    }
    jm_record_free(a);
    jm_record_free(b);
    return 0;
}
