/* Checks the compiled-in taxonomy against libjobmatch/data/seed-vocab.json and the scales scoring
 * reads (SPEC "Taxonomy" and "Scoring": seniority ranks, "N+ years"). */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "testutil.h"

static cJSON *vocab_groups(cJSON **root)
{
    size_t len;
    char *text = jm_test_read_file(JM_VOCAB_DATA "/seed-vocab.json", &len);
    *root = cJSON_ParseWithLength(text, len);
    free(text);
    ck_assert_ptr_nonnull(*root);
    cJSON *groups = cJSON_GetObjectItemCaseSensitive(*root, "job_family_groups");
    ck_assert(cJSON_IsObject(groups));
    return groups;
}

/* SPEC "Taxonomy": 14 job family groups, exactly as job_family_groups, in that order. */
START_TEST(families_are_the_vocab_groups_in_order)
{
    cJSON *root;
    cJSON *groups = vocab_groups(&root);
    ck_assert_int_eq(cJSON_GetArraySize(groups), JM_FAMILY_COUNT);
    int i = 0;
    for (cJSON *g = groups->child; g; g = g->next, i++)
        ck_assert_str_eq(jm_family_name(i), g->string);
    ck_assert_ptr_null(jm_family_name(JM_FAMILY_COUNT));
    ck_assert_ptr_null(jm_family_name(-1));
    cJSON_Delete(root);
}
END_TEST

/* SPEC "Taxonomy": 20 categories; a category may belong to several families; membership is
 * exactly the vocab's lists (both directions). */
START_TEST(category_membership_matches_vocab)
{
    cJSON *root;
    cJSON *groups = vocab_groups(&root);
    uint32_t want[JM_CATEGORY_COUNT] = {0};
    int fam = 0;
    for (cJSON *g = groups->child; g; g = g->next, fam++) {
        cJSON *c;
        cJSON_ArrayForEach(c, g)
        {
            ck_assert(cJSON_IsString(c));
            int idx = jm_category_index(c->valuestring, strlen(c->valuestring));
            ck_assert_msg(idx >= 0, "category %s unknown to the library", c->valuestring);
            ck_assert_str_eq(jm_category_name(idx), c->valuestring);
            want[idx] |= 1u << fam;
        }
    }
    for (int i = 0; i < JM_CATEGORY_COUNT; i++) {
        ck_assert_msg(want[i] != 0, "category %s is in no vocab family", jm_category_name(i));
        ck_assert_msg(jm_category_families(i) == want[i], "families of %s: %#x, vocab %#x",
                      jm_category_name(i), jm_category_families(i), want[i]);
    }
    /* 20 distinct names, no more. */
    for (int i = 0; i < JM_CATEGORY_COUNT; i++)
        for (int j = i + 1; j < JM_CATEGORY_COUNT; j++)
            ck_assert_str_ne(jm_category_name(i), jm_category_name(j));
    ck_assert_ptr_null(jm_category_name(JM_CATEGORY_COUNT));
    ck_assert_uint_eq(jm_category_families(JM_CATEGORY_COUNT), 0);
    ck_assert_uint_eq(jm_category_families(-1), 0);
    cJSON_Delete(root);
}
END_TEST

/* SPEC "Taxonomy": category strings compare after trimming, case-insensitively. */
START_TEST(category_compare_trimmed_case_insensitive)
{
    int idx = jm_category_index("Data & Analytics", 16);
    ck_assert_int_ge(idx, 0);
    const char *variants[] = {"data & analytics", "  DATA & ANALYTICS\t", "Data & Analytics \n",
                              "dAtA & aNaLyTiCs"};
    for (unsigned i = 0; i < sizeof variants / sizeof *variants; i++)
        ck_assert_int_eq(jm_category_index(variants[i], strlen(variants[i])), idx);
    /* Inner white space is not collapsed, and near misses stay unknown. */
    ck_assert_int_eq(jm_category_index("Data  & Analytics", 17), -1);
    ck_assert_int_eq(jm_category_index("Data & Analytic", 15), -1);
    ck_assert_int_eq(jm_category_index("", 0), -1);
    ck_assert_int_eq(jm_category_index("   ", 3), -1);
    /* len is honoured: a prefix of a longer buffer. */
    ck_assert_int_eq(jm_category_index("Data & AnalyticsXYZ", 16), idx);
}
END_TEST

/* SPEC "Scoring", seniority: the rank table, trimmed and case-insensitive; unknown is 0. */
START_TEST(seniority_ranks)
{
    static const struct {
        const char *level;
        int rank;
    } t[] = {
        {"Internship", 1},
        {"Entry Level", 2},
        {"Junior", 3},
        {"Associate", 4},
        {"Representative", 4},
        {"Coordinator", 4},
        {"Administrator", 4},
        {"Analyst", 4},
        {"Mid Level", 5},
        {"Specialist", 5},
        {"Engineer", 5},
        {"Consultant", 5},
        {"Senior", 6},
        {"Staff", 7},
        {"Lead", 7},
        {"Architect", 7},
        {"Manager", 8},
        {"Principal", 8},
        {"Head", 9},
        {"Director", 9},
        {"Director/VP", 9},
        {"Vice President", 10},
        {"C-Level Executive (CXO)", 11},
        {" senior ", 6},
        {"MID LEVEL", 5},
        {"c-level executive (cxo)", 11},
        {"\tdirector/vp", 9},
        {"Expert", 0},
        {"", 0},
        {"Mid-Level", 0},
        {"Senior Manager", 0},
        {"C-Level", 0},
    };
    for (unsigned i = 0; i < sizeof t / sizeof *t; i++)
        ck_assert_msg(jm_seniority_rank(t[i].level, strlen(t[i].level)) == t[i].rank,
                      "rank of '%s': %d, want %d", t[i].level,
                      jm_seniority_rank(t[i].level, strlen(t[i].level)), t[i].rank);
}
END_TEST

/* SPEC "Scoring", experience: minimum years = the first integer ("0-1 years" -> 0,
 * "10+ years" -> 10); no integer -> unknown (-1). */
START_TEST(years_first_integer)
{
    static const struct {
        const char *text;
        int years;
    } t[] = {
        {"0-1 years", 0},  {"3-5 years", 3},   {"10+ years", 10},  {"0 years", 0},
        {"15+ years", 15}, {"5-8 years", 5},   {"  12 years", 12}, {"years: 7", 7},
        {"", -1},          {"some years", -1}, {"+", -1},
    };
    for (unsigned i = 0; i < sizeof t / sizeof *t; i++)
        ck_assert_msg(jm_years_min(t[i].text, strlen(t[i].text)) == t[i].years,
                      "years of '%s': %d, want %d", t[i].text,
                      jm_years_min(t[i].text, strlen(t[i].text)), t[i].years);
    /* len is honoured. */
    ck_assert_int_eq(jm_years_min("12 years", 1), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("taxonomy");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, families_are_the_vocab_groups_in_order);
    tcase_add_test(tc, category_membership_matches_vocab);
    tcase_add_test(tc, category_compare_trimmed_case_insensitive);
    tcase_add_test(tc, seniority_ranks);
    tcase_add_test(tc, years_first_integer);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
