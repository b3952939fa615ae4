/* Checks the fast NDJSON scanner (ndjson_scan.c) against the general parser: the lines jm-gen,
 * jm-match and the reference pipeline write are read by the scanner itself, to the same record
 * the general parser makes; the unusual ones are left to the general parser, whose reject and
 * reason jm_parse_ndjson() then gives; and a line left over leaves the record alone when it is
 * not good JSON. */
#include <string.h>

#include "ndjson_scan.h"
#include "record_internal.h"
#include "testutil.h"

/* The record as bytes, with the plain-string bits writers rely on. */
static void expect_same(const jm_record *a, const jm_record *b, const char *line)
{
    jm_buf x = {0}, y = {0};
    ck_assert_int_eq(jm_write_ndjson(a, &x), 0);
    ck_assert_int_eq(jm_write_ndjson(b, &y), 0);
    ck_assert_msg(x.len == y.len && memcmp(x.data, y.data, x.len) == 0, "differs: %s", line);
    ck_assert_msg(a->present == b->present && a->plain == b->plain, "bits differ: %s", line);
    jm_buf_free(&x);
    jm_buf_free(&y);
}

/* The scanner reads line itself, to the general parser's record. */
static void expect_scanned(const char *line)
{
    jm_record *fast = jm_record_new(JM_KIND_NONE, NULL), *general = jm_record_new(0, NULL);
    jm_error err = {0};
    ck_assert_msg(jm__ndjson_scan(line, strlen(line), fast) == 0, "left over: %s", line);
    ck_assert_msg(jm__ndjson_parse_general(line, strlen(line), general, &err) == 0, "%s: %s", line,
                  err.text);
    expect_same(fast, general, line);
    jm_record_free(fast);
    jm_record_free(general);
}

/* The scanner leaves line to the general parser, and jm_parse_ndjson() answers as that does. */
static void expect_left(const char *line, size_t len)
{
    jm_record *fast = jm_record_new(JM_KIND_NONE, NULL), *general = jm_record_new(0, NULL);
    jm_error ef = {0}, eg = {0};
    ck_assert_msg(jm__ndjson_scan(line, len, fast) == JM__SCAN_FALLBACK, "scanned: %s", line);
    int rg = jm__ndjson_parse_general(line, len, general, &eg);
    ck_assert_int_eq(jm_parse_ndjson(line, len, fast, &ef), rg);
    ck_assert_int_eq(ef.code, eg.code);
    ck_assert_uint_eq(ef.column, eg.column);
    ck_assert_str_eq(ef.text, eg.text);
    if (rg == 0)
        expect_same(fast, general, line);
    jm_record_free(fast);
    jm_record_free(general);
}

#define LEFT(s) expect_left((s), sizeof(s) - 1)

/* Every line jm-gen writes, and what jm-match writes from them. */
START_TEST(generated_lines_scanned)
{
    jm_gen_options o;
    jm_gen_options_init(&o);
    o.seed = 11;
    jm_gen *g = jm_gen_new(&o, NULL);
    ck_assert_ptr_nonnull(g);
    jm_buf lines = {0};
    for (int i = 0; i < 400; i++)
        ck_assert_int_eq(jm_gen_emit(g, i % 2 ? JM_KIND_JOB_POST : JM_KIND_CANDIDATE, &lines, NULL),
                         0);
    for (char *p = lines.data, *end = lines.data + lines.len, *nl; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        *nl = '\0';
        expect_scanned(p);
    }
    jm_buf_free(&lines);
    jm_gen_free(g);
    expect_scanned("{\"type\":\"application\",\"application_id\":\"a\",\"candidate_id\":\"c\","
                   "\"post_id\":\"p\",\"job_family\":\"Data\",\"compatibility_score\":71,"
                   "\"components\":{\"category\":30,\"skills\":8.571429,\"experience\":20,"
                   "\"seniority\":2.5,\"salary\":10},\"status\":\"Applied\",\"match_reason\":"
                   "\"Same category; Salary expectations met\",\"application_method\":\"Email\","
                   "\"application_date\":\"2025-01-03T19:16:17Z\",\"timestamp\":"
                   "\"2025-01-01T00:10:54.416Z\"}");
}
END_TEST

/* The reference pipeline's messages: no type, its field names, Python's ", " and ": " and its
 * \u escapes for every non-ASCII letter. */
START_TEST(reference_messages_scanned)
{
    expect_scanned(
        "{\"post_id\": \"20fb0ddc\", \"category\": \"DevOps / Infrastructure / Cloud\", "
        "\"post_date\": \"2025-11-16 16:33:10\", \"deadline\": \"2025-12-03 16:33:10\", "
        "\"skills_needed\": [\"Virtualization (VMware, Hyper-V)\", \"Kubernetes\"], "
        "\"city\": \"Philadelphia\", \"country\": \"USA\", \"detailed_experience_level\": "
        "\"Engineer\", \"salary\": 95356, \"years_experience\": \"4-6 years\"}");
    expect_scanned(
        "{\"candidate_id\": \"87bb4c8e\", \"name\": \"Zo\\u00eb \\ud83d\\ude00\", "
        "\"date_of_birth\": 1995, \"location\": \"Los Angeles, USA\", \"gpa\": 2.3, "
        "\"education_level\": \"Bachelor\\u2019s Degree\", \"seniority\": \"Engineer\", "
        "\"experience_range\": \"5-8 years\", \"skills\": [\"Machine \\\"Learning\\\"\", "
        "\"a\\\\b\", \"tab\\there\"], \"certifications\": [], \"current_salary\": "
        "127680, \"extra\": {\"nested\": [1, true, null]}}");
    /* A location with no comma is the city; one with spaces around its parts is trimmed. */
    expect_scanned("{\"candidate_id\":\"c\",\"location\":\"Lima\"}");
    expect_scanned("{\"candidate_id\":\"c\",\"location\":\" Paris ,\\u0020France \"}");
    expect_scanned("{\"candidate_id\":\"c\",\"gpa\":-0,\"current_salary\":1.5e3,"
                   "\"expected_salary\":null,\"birth_year\":1.995E3}");
}
END_TEST

/* What the scanner does not read the way the general parser does is left to it. */
START_TEST(unusual_lines_left)
{
    LEFT("{\"post_id\":\"a\",\"post_id\":\"b\"}");                         /* the last one wins */
    LEFT("{\"post_id\":\"a\",\"category\":\"x\",\"job_category\":\"y\"}"); /* alias and name */
    LEFT("{\"type\":\"job_post\",\"type\":\"candidate\",\"post_id\":\"a\"}");
    LEFT("{\"POST_ID\":\"a\",\"candidate_id\":\"c\"}"); /* the kind test ignores case */
    LEFT("\xEF\xBB\xBF{\"post_id\":\"a\"}");            /* a BOM the general parser skips */
    LEFT("{\"post_id\":\n\"a\"}");
    LEFT("{\"post\\u005fid\":\"a\"}"); /* an escaped key */
    LEFT("{\"post_id\":\"a\\u0000b\"}");
    LEFT("{\"post_id\":\"a\\ud800\"}");
    LEFT("{\"post_id\":\"a\",\"salary\":1e400}");
    LEFT("{\"post_id\":\"a\",\"salary\":1234567890123456789}");
    LEFT("{\"post_id\":\"a\",\"salary\":012}");
    LEFT("{\"post_id\":\"a\",\"salary\":\"12\"}");
    LEFT("{\"post_id\":\"a\",\"company\":\"\x01\"}");
    LEFT("{\"post_id\":\"a\",\"company\":\"\xC3\x28\"}");
    LEFT("{\"post_id\":\"\"}");
    LEFT("{\"company\":\"x\"}");
    LEFT("{}");
    LEFT("{\"post_id\":\"a\"} x");
    LEFT("{\"post_id\":\"a\"");
    LEFT("{\"type\":\"application\",\"application_id\":\"a\",\"candidate_id\":\"c\","
         "\"post_id\":\"p\",\"components\":{\"skills\":null,\"skills\":5}}");
    LEFT("{\"candidate_id\":\"c\",\"birth_year\":1995.5}");
    LEFT("{\"candidate_id\":\"c\",\"timestamp\":\"2025-02-30T00:00:00Z\"}");
}
END_TEST

/* A line that is not good JSON leaves the record as it was, as the general parser does. */
START_TEST(bad_line_leaves_record)
{
    jm_record *r = jm_test_record("{\"post_id\":\"kept\",\"company\":\"Acme\"}");
    ck_assert_int_eq(jm__ndjson_scan("{\"candidate_id\":\"c\",", 20, r), JM__SCAN_FALLBACK);
    ck_assert_int_eq(jm_record_kind(r), JM_KIND_JOB_POST);
    ck_assert_str_eq(jm_record_string(r, JM_FIELD_COMPANY), "Acme");
    jm_record_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ndjson_scan");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, generated_lines_scanned);
    tcase_add_test(tc, reference_messages_scanned);
    tcase_add_test(tc, unusual_lines_left);
    tcase_add_test(tc, bad_line_leaves_record);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
