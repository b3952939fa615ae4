/* Helpers shared by the Check suites: test data paths, files, records from NDJSON text. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

const char *jm_test_data(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", JM_TEST_DATA, name);
    return path;
}

char *jm_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

jm_record *jm_test_record(const char *json)
{
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    jm_error err = {0};
    int rc = jm_parse_ndjson(json, strlen(json), r, &err);
    ck_assert_msg(rc == 0, "parse failed (%s): %s", err.text, json);
    return r;
}

int jm_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

size_t jm_test_heap_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

int jm_test_collect_ndjson(void *ctx, const char *data, size_t len)
{
    jm_buf *b = ctx;
    ck_assert_int_eq(jm_buf_reserve(b, len + 1), 0);
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}
