/* Fuzzes jm_parse_list_cell() on all three list forms: it succeeds or fails cleanly, and a
 * decoded list writes out as a JSON array of strings that decodes back to the same items. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/jobmatch.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jm_record *r = jm_record_new(JM_KIND_CANDIDATE, NULL);
    int rc = jm_parse_list_cell((const char *)data, size, r, JM_FIELD_SKILLS);
    if (rc != 0 && rc != JM_EVALUE)
        abort();
    if (rc == 0) {
        size_t n = jm_record_list_count(r, JM_FIELD_SKILLS);
        jm_buf arr = {0};
        for (size_t i = 0; i < n; i++) {
            const char *s = jm_record_list_item(r, JM_FIELD_SKILLS, i);
            if (jm_buf_reserve(&arr, 2) || (arr.data[arr.len++] = i ? ',' : '[', 0) ||
                jm_write_json_string(s, strlen(s), &arr))
                abort();
        }
        if (jm_buf_reserve(&arr, 2))
            abort();
        if (!n)
            arr.data[arr.len++] = '[';
        arr.data[arr.len++] = ']';
        /* An item holding a NUL was cut at it by strlen: skip the comparison then. */
        int has_nul = memchr(data, 0, size) != NULL;
        jm_record *back = jm_record_new(JM_KIND_CANDIDATE, NULL);
        if (jm_parse_list_cell(arr.data, arr.len, back, JM_FIELD_SKILLS) != 0 && !has_nul)
            abort();
        if (!has_nul) {
            if (jm_record_list_count(back, JM_FIELD_SKILLS) != n)
                abort();
            for (size_t i = 0; i < n; i++)
                if (strcmp(jm_record_list_item(r, JM_FIELD_SKILLS, i),
                           jm_record_list_item(back, JM_FIELD_SKILLS, i)))
                    abort();
        }
        jm_record_free(back);
        jm_buf_free(&arr);
    }
    jm_record_free(r);
    return 0;
}
