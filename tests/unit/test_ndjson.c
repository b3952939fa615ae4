/* Checks NDJSON reading and writing (SPEC "Records"): aliases, kinds recognised by id fields,
 * null as absent, and a parse -> write -> parse round trip that keeps every field. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "testutil.h"

static int parse(const char *json, jm_record *r, jm_error *err)
{
    memset(err, 0, sizeof *err);
    return jm_parse_ndjson(json, strlen(json), r, err);
}

/* A record without "type" is recognised by its id field. */
START_TEST(kind_by_id_fields)
{
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    jm_error err;
    ck_assert_int_eq(parse("{\"post_id\":\"p\"}", r, &err), 0);
    ck_assert_int_eq(jm_record_kind(r), JM_KIND_JOB_POST);
    ck_assert_int_eq(parse("{\"candidate_id\":\"c\"}", r, &err), 0);
    ck_assert_int_eq(jm_record_kind(r), JM_KIND_CANDIDATE);
    ck_assert_int_eq(parse("{\"post_id\":\"p\",\"candidate_id\":\"c\"}", r, &err), JM_EKIND);
    ck_assert_int_eq(err.code, JM_EKIND);
    ck_assert_int_eq(parse("{\"company\":\"x\"}", r, &err), JM_EKIND);
    /* An explicit type wins over the id fields; "type": null is as if absent. */
    ck_assert_int_eq(
        parse("{\"type\":\"candidate\",\"candidate_id\":\"c\",\"post_id\":\"p\"}", r, &err), 0);
    ck_assert_int_eq(jm_record_kind(r), JM_KIND_CANDIDATE);
    ck_assert_int_eq(parse("{\"type\":null,\"post_id\":\"p\"}", r, &err), 0);
    ck_assert_int_eq(jm_record_kind(r), JM_KIND_JOB_POST);
    ck_assert_int_eq(parse("{\"type\":\"Job_Post\",\"post_id\":\"p\"}", r, &err), JM_EKIND);
    jm_record_free(r);
}
END_TEST

START_TEST(job_aliases)
{
    jm_record *j = jm_test_record(
        "{\"post_id\":\"p\",\"category\":\"Consulting\",\"skills_needed\":[\"A\",\"B\"],\"salary\":"
        "5000,"
        "\"country\":\"Peru\",\"city\":\"Lima\",\"detailed_experience_level\":\"Senior\","
        "\"post_date\":\"2025-01-02 03:04:05\",\"deadline\":\"2025-02-01T00:00:00+01:00\","
        "\"unknown_extra\":{\"nested\":[1,2]}}");
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_JOB_CATEGORY), "Consulting");
    ck_assert_uint_eq(jm_record_list_count(j, JM_FIELD_REQUIRED_SKILLS), 2);
    ck_assert_str_eq(jm_record_list_item(j, JM_FIELD_REQUIRED_SKILLS, 1), "B");
    ck_assert_double_eq(jm_record_number(j, JM_FIELD_SALARY_MIN), 5000);
    ck_assert_double_eq(jm_record_number(j, JM_FIELD_SALARY_MAX), 5000);
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_LOCATION_COUNTRY), "Peru");
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_LOCATION_CITY), "Lima");
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_EXPERIENCE_LEVEL), "Senior");
    ck_assert_int_eq(jm_record_integer(j, JM_FIELD_POSTED_DATE), 1735787045000LL);
    ck_assert_int_eq(jm_record_integer(j, JM_FIELD_DEADLINE_DATE), 1738364400000LL);
    jm_record_free(j);
}
END_TEST

START_TEST(candidate_aliases)
{
    jm_record *c = jm_test_record(
        "{\"candidate_id\":\"c\",\"name\":\"Ann\",\"date_of_birth\":1990,\"GPA\":3.25,"
        "\"location\":\"Washington, D.C. , USA "
        "\",\"seniority\":\"Junior\",\"experience_range\":\"1-2 years\","
        "\"category\":\"Consulting\",\"current_salary\":100}");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_FULL_NAME), "Ann");
    ck_assert_int_eq(jm_record_integer(c, JM_FIELD_BIRTH_YEAR), 1990);
    ck_assert_double_eq(jm_record_number(c, JM_FIELD_GPA), 3.25);
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_LOCATION_CITY), "Washington, D.C.");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_LOCATION_COUNTRY), "USA");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_EXPERIENCE_LEVEL), "Junior");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_YEARS_EXPERIENCE), "1-2 years");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_JOB_CATEGORY), "Consulting");
    ck_assert_double_eq(jm_record_number(c, JM_FIELD_EXPECTED_SALARY), 100); /* absent -> current */
    jm_record_free(c);
    c = jm_test_record("{\"candidate_id\":\"c\",\"current_salary\":100,\"expected_salary\":120,"
                       "\"location\":\"Lima\"}");
    ck_assert_double_eq(jm_record_number(c, JM_FIELD_EXPECTED_SALARY), 120);
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_LOCATION_CITY), "Lima");
    ck_assert(!jm_record_has(c, JM_FIELD_LOCATION_COUNTRY));
    jm_record_free(c);
}
END_TEST

/* null is an absent field, for every field type. */
START_TEST(null_is_absent)
{
    jm_record *c = jm_test_record("{\"candidate_id\":\"c\",\"full_name\":null,\"gpa\":null,\"birth_"
                                  "year\":null,\"skills\":null,"
                                  "\"timestamp\":null,\"location\":null,\"expected_salary\":null}");
    for (int f = 0; f < JM_FIELD_COUNT; f++)
        if (f != JM_FIELD_CANDIDATE_ID)
            ck_assert_msg(!jm_record_has(c, (jm_field)f), "%s present", jm_field_name((jm_field)f));
    jm_record_free(c);
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    jm_error err;
    ck_assert_int_eq(parse("{\"type\":\"job_post\",\"post_id\":null}", r, &err), JM_ENOID);
    jm_record_free(r);
}
END_TEST

START_TEST(wrong_types)
{
    static const struct {
        const char *json;
        int code;
    } t[] = {
        {"{\"type\":\"job_post\",\"post_id\":7}", JM_ETYPE},
        {"{\"type\":\"job_post\",\"post_id\":\"p\",\"required_skills\":\"a\"}", JM_ETYPE},
        {"{\"type\":\"job_post\",\"post_id\":\"p\",\"required_skills\":[\"a\",null]}", JM_ETYPE},
        {"{\"type\":\"job_post\",\"post_id\":\"p\",\"required_skills\":[[\"a\"]]}", JM_ETYPE},
        {"{\"type\":\"job_post\",\"post_id\":\"p\",\"salary\":\"5\"}", JM_ETYPE},
        {"{\"type\":\"job_post\",\"post_id\":\"p\",\"salary_max\":true}", JM_ETYPE},
        {"{\"type\":\"job_post\",\"post_id\":\"p\",\"company\":{}}", JM_ETYPE},
        {"{\"type\":\"job_post\",\"post_id\":\"p\",\"posted_date\":12345}", JM_ETYPE},
        {"{\"type\":\"job_post\",\"post_id\":\"p\",\"posted_date\":\"soon\"}", JM_EVALUE},
        {"{\"type\":\"candidate\",\"candidate_id\":\"c\",\"location\":[\"x\"]}", JM_ETYPE},
        {"{\"type\":\"candidate\",\"candidate_id\":\"c\",\"birth_year\":\"1990\"}", JM_ETYPE},
        {"{\"type\":\"candidate\",\"candidate_id\":\"c\",\"birth_year\":1990.5}", JM_ETYPE},
        {"{\"type\":7,\"candidate_id\":\"c\"}", JM_ETYPE},
        {"{\"type\":\"application\",\"application_id\":\"a\",\"candidate_id\":\"c\"}", JM_ENOID},
        {"{\"type\":\"job_post\",\"post_id\":\"\"}", JM_ENOID},
        {"[]", JM_ESYNTAX},
        {"\"job_post\"", JM_ESYNTAX},
        {"", JM_ESYNTAX},
    };
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    for (unsigned i = 0; i < sizeof t / sizeof *t; i++) {
        jm_error err;
        int rc = parse(t[i].json, r, &err);
        ck_assert_msg(rc == t[i].code, "%s: %s, want %s", t[i].json, jm_err_name(rc),
                      jm_err_name(t[i].code));
        ck_assert_int_eq(err.code, rc);
        ck_assert_msg(err.text[0], "no reason for %s", t[i].json);
    }
    jm_record_free(r);
}
END_TEST

/* Writing: "type" first, canonical names in SPEC order, unset fields left out; reading back
 * gives an equal record (compared field by field, through cJSON). */
START_TEST(write_round_trip)
{
    const char *inputs[] = {
        "{\"type\":\"job_post\",\"post_id\":\"p\\\"1\\\\\",\"company\":\"Caf\xc3\xa9 "
        "\\u0001\\n\",\"salary_min\":1.5,"
        "\"salary_max\":1e6,\"required_skills\":[\"a\",\"\",\"\xe2\x82\xac\"],\"certifications\":[]"
        ","
        "\"posted_date\":\"2025-01-01T00:00:00.250Z\",\"timestamp\":\"2025-01-01T00:00:00Z\"}",
        "{\"candidate_id\":\"c\",\"full_name\":\"Ann\",\"birth_year\":-5,\"gpa\":3.999,\"skills\":["
        "\"x\"],"
        "\"location_city\":\"Lima\",\"current_salary\":0}",
        "{\"type\":\"application\",\"application_id\":\"a\",\"candidate_id\":\"c\",\"post_id\":"
        "\"p\","
        "\"compatibility_score\":77,\"components\":{\"category\":30,\"skills\":12.345678,"
        "\"experience\":0,"
        "\"seniority\":5,\"salary\":10},\"status\":\"Applied\",\"match_reason\":\"Same job "
        "category\","
        "\"application_date\":\"2025-01-05T00:00:00Z\",\"timestamp\":\"2025-01-05T00:00:00Z\"}",
    };
    for (unsigned i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        jm_record *a = jm_test_record(inputs[i]);
        jm_buf out = {0};
        ck_assert_int_eq(jm_write_ndjson(a, &out), 0);
        ck_assert_int_eq(out.data[out.len - 1], '\n');
        ck_assert_ptr_null(memchr(out.data, '\n', out.len - 1));
        ck_assert_msg(strncmp(out.data, "{\"type\":\"", 9) == 0, "%.*s", (int)out.len, out.data);
        cJSON *j = cJSON_ParseWithLength(out.data, out.len - 1);
        ck_assert_msg(j != NULL, "writer produced bad JSON: %.*s", (int)out.len, out.data);
        cJSON_Delete(j);
        jm_record *b = jm_record_new(JM_KIND_NONE, NULL);
        jm_error err;
        ck_assert_int_eq(jm_parse_ndjson(out.data, out.len - 1, b, &err), 0);
        ck_assert_int_eq(jm_record_kind(a), jm_record_kind(b));
        for (int f = 0; f < JM_FIELD_COUNT; f++) {
            ck_assert_int_eq(jm_record_has(a, f), jm_record_has(b, f));
            if (!jm_record_has(a, f))
                continue;
            switch (jm_field_type_of(f)) {
            case JM_TYPE_STRING:
                ck_assert_str_eq(jm_record_string(a, f), jm_record_string(b, f));
                break;
            case JM_TYPE_NUMBER:
                ck_assert_double_eq(jm_record_number(a, f), jm_record_number(b, f));
                break;
            case JM_TYPE_INTEGER:
            case JM_TYPE_TIME:
                ck_assert_int_eq(jm_record_integer(a, f), jm_record_integer(b, f));
                break;
            case JM_TYPE_LIST:
                ck_assert_uint_eq(jm_record_list_count(a, f), jm_record_list_count(b, f));
                for (size_t k = 0; k < jm_record_list_count(a, f); k++)
                    ck_assert_str_eq(jm_record_list_item(a, f, k), jm_record_list_item(b, f, k));
                break;
            }
        }
        /* Writing again gives the same bytes. */
        jm_buf again = {0};
        ck_assert_int_eq(jm_write_ndjson(b, &again), 0);
        ck_assert_uint_eq(again.len, out.len);
        ck_assert(memcmp(again.data, out.data, out.len) == 0);
        jm_buf_free(&again);
        jm_buf_free(&out);
        jm_record_free(a);
        jm_record_free(b);
    }
}
END_TEST

START_TEST(write_shape)
{
    jm_record *j = jm_test_record(
        "{\"timestamp\":\"2025-01-01T00:00:00Z\",\"company\":\"A\",\"post_id\":\"p\","
        "\"skills_needed\":[\"x\"],\"salary\":10}");
    jm_buf out = {0};
    ck_assert_int_eq(jm_write_ndjson(j, &out), 0);
    const char *want =
        "{\"type\":\"job_post\",\"post_id\":\"p\",\"company\":\"A\",\"required_skills\":[\"x\"],"
        "\"salary_min\":10,\"salary_max\":10,\"timestamp\":\"2025-01-01T00:00:00Z\"}\n";
    ck_assert_msg(out.len == strlen(want) && memcmp(out.data, want, out.len) == 0, "%.*s",
                  (int)out.len, out.data);
    jm_buf_free(&out);
    jm_record_free(j);
    jm_buf s = {0};
    ck_assert_int_eq(jm_write_json_string("a\"b\\c\x01\x1f\t", 8, &s), 0);
    ck_assert_uint_eq(s.len, strlen("\"a\\\"b\\\\c\\u0001\\u001f\\t\""));
    ck_assert(memcmp(s.data, "\"a\\\"b\\\\c\\u0001\\u001f\\t\"", s.len) == 0);
    jm_buf_free(&s);
}
END_TEST

/* A NUL inside a string, as \u0000 or a raw byte, is refused with a reason: a C string would
 * cut "a\u0000b" and "a\u0000c" to the same id "a", and one would be dropped as a duplicate. An
 * escaped backslash before u0000 is no NUL. */
START_TEST(nul_in_strings_rejected)
{
    const char *bad[] = {
        "{\"post_id\":\"a\\u0000b\"}",
        "{\"post_id\":\"P\",\"company\":\"x\\u0000\"}",
        "{\"post_id\":\"P\",\"required_skills\":[\"go\\u0000lang\"]}",
        "{\"post_\\u0000id\":\"P\",\"post_id\":\"Q\"}",
    };
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
        jm_error err;
        ck_assert_msg(parse(bad[i], r, &err) == JM_EVALUE, "accepted %s", bad[i]);
        ck_assert_ptr_nonnull(strstr(err.text, "NUL"));
    }
    jm_error err = {0};
    const char raw[] = "{\"post_id\":\"a\0b\"}";
    ck_assert_int_eq(jm_parse_ndjson(raw, sizeof raw - 1, r, &err), JM_EVALUE);
    ck_assert_int_eq(parse("{\"post_id\":\"a\\\\u0000b\"}", r, &err), 0);
    ck_assert_str_eq(jm_record_id(r), "a\\u0000b");
    /* The setters refuse an embedded NUL too. */
    ck_assert_int_eq(jm_record_set_string(r, JM_FIELD_COMPANY, "a\0b", 3), JM_EVALUE);
    ck_assert_int_eq(jm_record_list_append(r, JM_FIELD_REQUIRED_SKILLS, "a\0b", 3), JM_EVALUE);
    jm_record_free(r);
}
END_TEST

/* One rule for numbers: 1e400 (infinite once read) is refused, as CSV refuses it, in every
 * number field, the salary alias and an application's components. */
START_TEST(non_finite_numbers_rejected)
{
    const char *bad[] = {
        "{\"post_id\":\"P\",\"salary_max\":1e400}",
        "{\"post_id\":\"P\",\"salary\":-1e400}",
        "{\"candidate_id\":\"C\",\"gpa\":1e309}",
        "{\"type\":\"application\",\"application_id\":\"A\",\"candidate_id\":\"C\",\"post_id\":"
        "\"P\","
        "\"components\":{\"skills\":1e999}}",
    };
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
        jm_error err;
        ck_assert_msg(parse(bad[i], r, &err) == JM_EVALUE, "accepted %s", bad[i]);
        ck_assert_ptr_nonnull(strstr(err.text, "finite"));
    }
    jm_error err;
    ck_assert_int_eq(parse("{\"post_id\":\"P\",\"salary_max\":1e300}", r, &err), 0);
    ck_assert_int_eq(jm_record_set_number(r, JM_FIELD_SALARY_MAX, INFINITY), JM_EVALUE);
    ck_assert_int_eq(jm_record_set_number(r, JM_FIELD_SALARY_MAX, NAN), JM_EVALUE);
    ck_assert(jm_record_number(r, JM_FIELD_SALARY_MAX) == 1e300);
    jm_record_free(r);
}
END_TEST

/* Impossible dates are refused by the one time parser, here through NDJSON. */
START_TEST(impossible_dates_rejected)
{
    const char *bad[] = {
        "{\"post_id\":\"P\",\"deadline_date\":\"2025-02-31T00:00:00Z\"}",
        "{\"post_id\":\"P\",\"posted_date\":\"2025-02-29\"}",
        "{\"post_id\":\"P\",\"timestamp\":\"9999-12-31T23:59:59-01:00\"}",
    };
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
        jm_error err;
        ck_assert_msg(parse(bad[i], r, &err) == JM_EVALUE, "accepted %s", bad[i]);
    }
    jm_record_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ndjson");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, kind_by_id_fields);
    tcase_add_test(tc, job_aliases);
    tcase_add_test(tc, candidate_aliases);
    tcase_add_test(tc, null_is_absent);
    tcase_add_test(tc, wrong_types);
    tcase_add_test(tc, write_round_trip);
    tcase_add_test(tc, write_shape);
    tcase_add_test(tc, nul_in_strings_rejected);
    tcase_add_test(tc, non_finite_numbers_rejected);
    tcase_add_test(tc, impossible_dates_rejected);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
