/* Checks records (SPEC "Records"): the field table, aliases, typed accessors, copies, and
 * ISO-8601 times with a space for T, a missing zone, offsets and fractions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static int64_t t(const char *s)
{
    int64_t ms = -1;
    ck_assert_msg(jm_time_parse(s, strlen(s), &ms) == 0, "rejected %s", s);
    return ms;
}

START_TEST(time_forms)
{
    const int64_t base = 1763310790000LL; /* 2025-11-16T16:33:10Z */
    ck_assert_int_eq(t("2025-11-16T16:33:10Z"), base);
    ck_assert_int_eq(t("2025-11-16 16:33:10"), base); /* space for T, no zone = UTC */
    ck_assert_int_eq(t("2025-11-16T16:33:10"), base);
    ck_assert_int_eq(t("2025-11-16t16:33:10z"), base);
    ck_assert_int_eq(t("2025-11-16T18:33:10+02:00"), base);
    ck_assert_int_eq(t("2025-11-16T11:03:10-05:30"), base);
    ck_assert_int_eq(t("2025-11-16T18:33:10+0200"), base);
    ck_assert_int_eq(t("2025-11-16T16:33:10.5Z"), base + 500);
    ck_assert_int_eq(t("2025-11-16T16:33:10.123456Z"), base + 123);
    ck_assert_int_eq(t("2025-11-16 16:33:10.25"), base + 250);
    ck_assert_int_eq(t("2025-11-16T16:33Z"), base - 10000);
    ck_assert_int_eq(t("2025-11-16"), base - (16 * 3600 + 33 * 60 + 10) * 1000LL);
    ck_assert_int_eq(t("  2025-11-16T16:33:10Z "), base);
    ck_assert_int_eq(t("1970-01-01T00:00:00Z"), 0);
    ck_assert_int_eq(t("1969-12-31T23:59:59Z"), -1000);
    ck_assert_int_eq(t("2024-02-29T00:00:00Z"), 1709164800000LL);
    ck_assert_int_eq(t("2000-03-01T00:00:00Z") - t("2000-02-28T00:00:00Z"), 2 * 86400000LL);
    ck_assert_int_eq(t("2000-02-29") + 86400000LL, t("2000-03-01"));
    ck_assert_int_eq(t("2000-02-29"), 951782400000LL);
    ck_assert_int_eq(t("9999-12-31T23:59:59.999Z"), 253402300799999LL);
    ck_assert_int_eq(t("0000-01-01T00:00:00Z"), -62167219200000LL);
    ck_assert_int_eq(t("9999-12-31T23:00:00-00:59"), 253402300740000LL);
}
END_TEST

START_TEST(time_rejects)
{
    const char *bad[] = {"",
                         "yesterday",
                         "2025-13-01",
                         "2025-00-10",
                         "2025-11-32",
                         "2025-11-16T25:00:00Z",
                         "2025-11-16T16:60:00Z",
                         "2025-11-16T16:33:10.Z",
                         "2025-11-16T16:33:10Zjunk",
                         "2025-11-16T16",
                         "25-11-16",
                         "2025/11/16",
                         "2025-11-16T16:33:10+2"};
    /* Days a month lacks are not rolled over into the next month; fields stay in range; a time
     * stays within years 0000-9999 in UTC, which jm_time_format() writes back unchanged. */
    const char *impossible[] = {"2025-02-30",
                                "2025-02-29",
                                "1900-02-29",
                                "2025-04-31T00:00:00Z",
                                "2025-11-16T16:33:61Z",
                                "2025-11-16T16:33:10+24:00",
                                "2025-11-16T16:33:10+05:60",
                                "9999-12-31T23:00:00-05:00",
                                "0000-01-01T00:30:00+01:00",
                                "10000-01-01",
                                "2024-02-30",
                                "9999-12-31T23:59:59-01:00",
                                "0000-01-01T00:00:00+00:01"};
    size_t nbad = sizeof bad / sizeof *bad, nimp = sizeof impossible / sizeof *impossible;
    for (size_t i = 0; i < nbad + nimp; i++) {
        const char *s = i < nbad ? bad[i] : impossible[i - nbad];
        int64_t ms;
        ck_assert_msg(jm_time_parse(s, strlen(s), &ms) == JM_EVALUE, "accepted '%s'", s);
    }
}
END_TEST

START_TEST(time_format_round_trip)
{
    char out[JM_TIME_BUF];
    ck_assert_uint_eq(jm_time_format(1763310790000LL, out), 20);
    ck_assert_str_eq(out, "2025-11-16T16:33:10Z");
    jm_time_format(1763310790005LL, out);
    ck_assert_str_eq(out, "2025-11-16T16:33:10.005Z");
    jm_time_format(-1, out);
    ck_assert_str_eq(out, "1969-12-31T23:59:59.999Z");
    /* Past the four-digit years, the nearest time that can be written: never a wrong month or
     * day, and never earlier than a time before it. */
    jm_time_format(253402300800000LL, out); /* 10000-01-01 */
    ck_assert_str_eq(out, "9999-12-31T23:59:59.999Z");
    jm_time_format(253402300799999LL + 86400000LL * 40, out);
    ck_assert_str_eq(out, "9999-12-31T23:59:59.999Z");
    jm_time_format(-62167219200001LL, out);
    ck_assert_str_eq(out, "0000-01-01T00:00:00Z");
    const int64_t samples[] = {0, 86399999, 951782400000LL, 4102444799000LL, -86400000LL * 365};
    for (unsigned i = 0; i < sizeof samples / sizeof *samples; i++) {
        size_t n = jm_time_format(samples[i], out);
        int64_t back;
        ck_assert_int_eq(jm_time_parse(out, n, &back), 0);
        ck_assert_int_eq(back, samples[i]);
    }
}
END_TEST

/* The writers' two layouts, YYYY-MM-DDThh:mm:ssZ and with .mmm, have a fast path of their own;
 * a leading space sends the same text the general way. Every date and time in and out of range,
 * and every byte of the layout changed, read alike both ways. */
static void same_both_ways(const char *s, size_t len)
{
    char spaced[40] = " ";
    memcpy(spaced + 1, s, len);
    int64_t a = -7, b = -7;
    int ra = jm_time_parse(s, len, &a), rb = jm_time_parse(spaced, len + 1, &b);
    ck_assert_msg(ra == rb && a == b, "'%.*s': %d %lld, the general way %d %lld", (int)len, s, ra,
                  (long long)a, rb, (long long)b);
}

START_TEST(time_fixed_layout)
{
    const char *bases[] = {"2025-01-01T00:01:07.059Z", "2024-02-29T23:59:60Z",
                           "9999-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z",
                           "1969-12-31T23:59:59.999Z", "2100-02-28T12:30:45.100Z"};
    const char repl[] = "0159:-.TtZz ,/a\x7f\x80\xff";
    for (unsigned b = 0; b < sizeof bases / sizeof *bases; b++) {
        char s[32];
        size_t len = strlen(bases[b]);
        same_both_ways(bases[b], len);
        for (size_t i = 0; i < len; i++)
            for (size_t k = 0; k < sizeof repl - 1; k++) {
                memcpy(s, bases[b], len);
                s[i] = repl[k];
                same_both_ways(s, len);
            }
    }
    /* Fields at and past their limits. */
    unsigned seed = 1;
    for (int i = 0; i < 20000; i++) {
        char s[32];
        seed = seed * 1103515245u + 12345u;
        unsigned y = seed % 10000, mo = seed / 10000 % 14, d = seed / 140000 % 33;
        seed = seed * 1103515245u + 12345u;
        unsigned h = seed % 25, mi = seed / 25 % 61, sec = seed / 1525 % 62,
                 ms = seed / 94550 % 1000;
        int n = snprintf(s, sizeof s,
                         i % 2 ? "%04u-%02u-%02uT%02u:%02u:%02uZ"
                               : "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
                         y, mo, d, h, mi, sec, ms);
        same_both_ways(s, (size_t)n);
    }
    ck_assert_int_eq(t("2025-01-01T00:01:07.059Z"), 1735689667059LL);
    ck_assert_int_eq(t("2024-02-29T23:59:60Z"), 1709251200000LL);
}
END_TEST

/* SPEC "Records": canonical names and the plain aliases, per kind. */
START_TEST(field_names_and_aliases)
{
    static const struct {
        jm_kind kind;
        const char *name;
        jm_field field;
    } t[] = {
        {JM_KIND_JOB_POST, "post_id", JM_FIELD_POST_ID},
        {JM_KIND_JOB_POST, "category", JM_FIELD_JOB_CATEGORY},
        {JM_KIND_JOB_POST, "job_category", JM_FIELD_JOB_CATEGORY},
        {JM_KIND_JOB_POST, "country", JM_FIELD_LOCATION_COUNTRY},
        {JM_KIND_JOB_POST, "city", JM_FIELD_LOCATION_CITY},
        {JM_KIND_JOB_POST, "skills_needed", JM_FIELD_REQUIRED_SKILLS},
        {JM_KIND_JOB_POST, "detailed_experience_level", JM_FIELD_EXPERIENCE_LEVEL},
        {JM_KIND_JOB_POST, "post_date", JM_FIELD_POSTED_DATE},
        {JM_KIND_JOB_POST, "deadline", JM_FIELD_DEADLINE_DATE},
        {JM_KIND_JOB_POST, "timestamp", JM_FIELD_TIMESTAMP},
        {JM_KIND_CANDIDATE, "name", JM_FIELD_FULL_NAME},
        {JM_KIND_CANDIDATE, "date_of_birth", JM_FIELD_BIRTH_YEAR},
        {JM_KIND_CANDIDATE, "GPA", JM_FIELD_GPA},
        {JM_KIND_CANDIDATE, "seniority", JM_FIELD_EXPERIENCE_LEVEL},
        {JM_KIND_CANDIDATE, "experience_range", JM_FIELD_YEARS_EXPERIENCE},
        {JM_KIND_CANDIDATE, "category", JM_FIELD_JOB_CATEGORY},
        {JM_KIND_CANDIDATE, "expected_salary", JM_FIELD_EXPECTED_SALARY},
        {JM_KIND_APPLICATION, "compatibility_score", JM_FIELD_COMPATIBILITY_SCORE},
    };
    for (unsigned i = 0; i < sizeof t / sizeof *t; i++)
        ck_assert_msg(jm_field_lookup(t[i].kind, t[i].name, strlen(t[i].name)) == (int)t[i].field,
                      "%s in %s", t[i].name, jm_kind_name(t[i].kind));
    /* Fields of the other kind are not looked up; names compare exactly. */
    ck_assert_int_eq(jm_field_lookup(JM_KIND_CANDIDATE, "required_skills", 15), -1);
    ck_assert_int_eq(jm_field_lookup(JM_KIND_JOB_POST, "skills", 6), -1);
    ck_assert_int_eq(jm_field_lookup(JM_KIND_JOB_POST, "Post_ID", 7), -1);
    ck_assert_int_eq(jm_field_lookup(JM_KIND_JOB_POST, "post_idx", 7),
                     (int)JM_FIELD_POST_ID); /* len counts */
    ck_assert_str_eq(jm_field_name(JM_FIELD_REQUIRED_SKILLS), "required_skills");
    ck_assert_str_eq(jm_field_name(JM_FIELD_POINTS_SALARY), "components.salary");
    ck_assert_ptr_null(jm_field_name(JM_FIELD_COUNT));
    ck_assert_int_eq(jm_field_type_of(JM_FIELD_SKILLS), JM_TYPE_LIST);
    ck_assert_int_eq(jm_field_type_of(JM_FIELD_BIRTH_YEAR), JM_TYPE_INTEGER);
    ck_assert_int_eq(jm_field_type_of(JM_FIELD_POSTED_DATE), JM_TYPE_TIME);
    ck_assert(jm_field_in_kind(JM_FIELD_APPLICATION_METHOD, JM_KIND_APPLICATION));
    ck_assert(!jm_field_in_kind(JM_FIELD_SKILLS, JM_KIND_JOB_POST));
    ck_assert_str_eq(jm_kind_name(JM_KIND_JOB_POST), "job_post");
    ck_assert_int_eq(jm_kind_from_name("candidate"), JM_KIND_CANDIDATE);
    ck_assert_int_eq(jm_kind_from_name("Candidate"), JM_KIND_NONE);
}
END_TEST

START_TEST(accessors_and_clone)
{
    jm_record *r = jm_record_new(JM_KIND_CANDIDATE, NULL);
    ck_assert_ptr_null(jm_record_id(r));
    ck_assert_int_eq(jm_record_set_string(r, JM_FIELD_CANDIDATE_ID, "c1xyz", 2), 0);
    ck_assert_str_eq(jm_record_id(r), "c1");
    ck_assert_int_eq(jm_record_set_string(r, JM_FIELD_GPA, "x", 1), JM_EINVAL);
    ck_assert_int_eq(jm_record_set_number(r, JM_FIELD_GPA, 3.5), 0);
    ck_assert_int_eq(jm_record_set_number(r, JM_FIELD_SKILLS, 1), JM_EINVAL);
    ck_assert_int_eq(jm_record_set_integer(r, JM_FIELD_BIRTH_YEAR, 1990), 0);
    ck_assert_int_eq(jm_record_set_integer(r, JM_FIELD_GPA, 1), JM_EINVAL);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(jm_record_list_append(r, JM_FIELD_SKILLS, "skill", 5), 0);
    ck_assert_uint_eq(jm_record_list_count(r, JM_FIELD_SKILLS), 100);
    ck_assert_ptr_null(jm_record_list_item(r, JM_FIELD_SKILLS, 100));
    /* Wrong-type getters and unset fields: NULL, NaN, 0. */
    ck_assert_ptr_null(jm_record_string(r, JM_FIELD_GPA));
    ck_assert(isnan(jm_record_number(r, JM_FIELD_CURRENT_SALARY)));
    ck_assert_int_eq(jm_record_integer(r, JM_FIELD_GRADUATION_YEAR), 0);
    ck_assert_uint_eq(jm_record_list_count(r, JM_FIELD_CERTIFICATIONS), 0);
    ck_assert(!jm_record_has(r, JM_FIELD_CERTIFICATIONS));
    ck_assert_int_eq(jm_record_list_clear(r, JM_FIELD_CERTIFICATIONS), 0);
    ck_assert(jm_record_has(r, JM_FIELD_CERTIFICATIONS));
    jm_record *c = jm_record_clone(r, NULL);
    jm_record_unset(r, JM_FIELD_GPA);
    ck_assert(!jm_record_has(r, JM_FIELD_GPA));
    jm_record_reset(r, JM_KIND_JOB_POST); /* the clone owns its own memory */
    ck_assert_str_eq(jm_record_id(c), "c1");
    ck_assert_double_eq(jm_record_number(c, JM_FIELD_GPA), 3.5);
    ck_assert_int_eq(jm_record_integer(c, JM_FIELD_BIRTH_YEAR), 1990);
    ck_assert_uint_eq(jm_record_list_count(c, JM_FIELD_SKILLS), 100);
    ck_assert_str_eq(jm_record_list_item(c, JM_FIELD_SKILLS, 99), "skill");
    ck_assert(jm_record_has(c, JM_FIELD_CERTIFICATIONS));
    ck_assert_int_eq(jm_record_kind(r), JM_KIND_JOB_POST);
    ck_assert(!jm_record_has(r, JM_FIELD_CANDIDATE_ID));
    jm_record_free(r);
    jm_record_free(c);
    jm_record_free(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, time_forms);
    tcase_add_test(tc, time_rejects);
    tcase_add_test(tc, time_format_round_trip);
    tcase_add_test(tc, time_fixed_layout);
    tcase_add_test(tc, field_names_and_aliases);
    tcase_add_test(tc, accessors_and_clone);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
