/* Checks every rule of SPEC "Scoring" and "Match reason" and the application fields of SPEC
 * "Records" on hand-made pairs, through jm_score_pair() and jm_make_application(). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "score_internal.h"
#include "testutil.h"

#define CAT_SW "Software Development & Web / Mobile"
#define CAT_QA "Quality Assurance / Testing"
#define CAT_DATA "Data & Analytics"
#define CAT_HR "Human Resources"
#define CAT_DEVOPS "DevOps / Infrastructure / Cloud"
#define CAT_SUPOPS "Support / Ops / Other Tech Roles"

static jm_record *cand(const char *fields)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "{\"type\":\"candidate\",\"candidate_id\":\"c1\"%s%s}",
             *fields ? "," : "", fields);
    return jm_test_record(buf);
}

static jm_record *job(const char *fields)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "{\"type\":\"job_post\",\"post_id\":\"p1\"%s%s}", *fields ? "," : "",
             fields);
    return jm_test_record(buf);
}

/* Scores the pair with w (NULL: defaults); fails unless joined. Frees both records. */
static jm_score score_w(const char *c, const char *j, const jm_weights *w)
{
    jm_record *rc = cand(c), *rj = job(j);
    jm_score s;
    memset(&s, 0xFF, sizeof s); /* the library must write every entry */
    int joined = jm_score_pair(rc, rj, w, &s);
    ck_assert_msg(joined == 1, "pair not joined: %s / %s", c, j);
    /* family may be borrowed from the job: keep a copy past the free. */
    static char family[256];
    snprintf(family, sizeof family, "%s", s.family ? s.family : "(null)");
    s.family = family;
    jm_record_free(rc);
    jm_record_free(rj);
    return s;
}

static jm_score score(const char *c, const char *j)
{
    return score_w(c, j, NULL);
}

static int joined(const char *c, const char *j)
{
    jm_record *rc = cand(c), *rj = job(j);
    jm_score s;
    int rc2 = jm_score_pair(rc, rj, NULL, &s);
    jm_record_free(rc);
    jm_record_free(rj);
    return rc2;
}

#define SAME "\"job_category\":\"" CAT_DATA "\""
#define F(s, c) ((s).fraction[JM_COMPONENT_##c])

/* ---- category (SPEC "Scoring": category; "Taxonomy") --------------------------------------- */

START_TEST(category_same_is_1)
{
    jm_score s = score(SAME, SAME);
    ck_assert_double_eq(F(s, CATEGORY), 1.0);
    ck_assert_str_eq(s.family, "Data, AI & Analytics");
    /* Trimmed and case-insensitive. */
    s = score("\"job_category\":\"  data & ANALYTICS \"", SAME);
    ck_assert_double_eq(F(s, CATEGORY), 1.0);
}
END_TEST

START_TEST(category_related_family_is_half)
{
    /* QA {Quality 4, Entry 12} and Software Development {Core 1, Quality 4, Product 5, Entry 12}.
     */
    jm_score s = score("\"job_category\":\"" CAT_QA "\"", "\"job_category\":\"" CAT_SW "\"");
    ck_assert_double_eq(F(s, CATEGORY), 0.5);
}
END_TEST

START_TEST(category_no_shared_family_not_joined)
{
    ck_assert_int_eq(joined("\"job_category\":\"" CAT_HR "\"", "\"job_category\":\"" CAT_DATA "\""),
                     0);
    /* Missing category on either side: no family, not joined. */
    ck_assert_int_eq(joined("", SAME), 0);
    ck_assert_int_eq(joined(SAME, ""), 0);
}
END_TEST

/* SPEC "Records": job_family is the first family, in taxonomy order, both belong to. SW is in
 * Core Eng(1), Quality(4), Product(5), Entry(12); QA in Quality(4), Entry(12) -> Quality. */
START_TEST(several_shared_families_first_in_taxonomy_order)
{
    jm_score s = score("\"job_category\":\"" CAT_SW "\"", "\"job_category\":\"" CAT_QA "\"");
    ck_assert_str_eq(s.family, "Quality Engineering & Testing");
    /* Same category shares all four; the first is Core Engineering & Development. */
    s = score("\"job_category\":\"" CAT_SW "\"", "\"job_category\":\"" CAT_SW "\"");
    ck_assert_str_eq(s.family, "Core Engineering & Development");
    /* DevOps {Core 1, Security 3, IT Ops 11} vs Support/Ops {Security 3, Sales 9, IT Ops 11}. */
    s = score("\"job_category\":\"" CAT_DEVOPS "\"", "\"job_category\":\"" CAT_SUPOPS "\"");
    ck_assert_str_eq(s.family, "Security, Compliance & Infrastructure");
    ck_assert_double_eq(F(s, CATEGORY), 0.5);
}
END_TEST

/* SPEC "Taxonomy": a category in no family forms a family of its own, named after it. */
START_TEST(category_outside_taxonomy_own_family)
{
    jm_score s =
        score("\"job_category\":\"Underwater Welding\"", "\"job_category\":\"Underwater Welding\"");
    ck_assert_str_eq(s.family, "Underwater Welding");
    ck_assert_double_eq(F(s, CATEGORY), 1.0);
    /* Compared trimmed and case-insensitively like taxonomy categories. */
    ck_assert_int_eq(joined("\"job_category\":\" underwater WELDING\"",
                            "\"job_category\":\"Underwater Welding\""),
                     1);
    /* Two different unknown categories are two families. */
    ck_assert_int_eq(
        joined("\"job_category\":\"Underwater Welding\"", "\"job_category\":\"Space Tourism\""), 0);
    /* An unknown category never joins a taxonomy one. */
    ck_assert_int_eq(joined("\"job_category\":\"Underwater Welding\"", SAME), 0);
    ck_assert_int_eq(joined(SAME, "\"job_category\":\"Underwater Welding\""), 0);
    /* A family is not a category: naming a family as category makes it a family of its own. */
    ck_assert_int_eq(joined("\"job_category\":\"Data, AI & Analytics\"", SAME), 0);
}
END_TEST

START_TEST(wrong_kinds_einval)
{
    jm_record *c = cand(SAME), *j = job(SAME);
    jm_score s;
    ck_assert_int_eq(jm_score_pair(j, c, NULL, &s), JM_EINVAL);
    ck_assert_int_eq(jm_score_pair(c, c, NULL, &s), JM_EINVAL);
    jm_record_free(c);
    jm_record_free(j);
}
END_TEST

/* ---- skills (SPEC "Scoring": skills) ------------------------------------------------------- */

START_TEST(skills_jaccard)
{
    jm_score s = score(SAME ",\"skills\":[\"a\",\"b\",\"c\"]",
                       SAME ",\"required_skills\":[\"b\",\"c\",\"d\",\"e\"]");
    ck_assert_double_eq_tol(F(s, SKILLS), 2.0 / 5.0, 1e-12);
    ck_assert_uint_eq(s.shared_skills, 2);
    s = score(SAME ",\"skills\":[\"a\"]", SAME ",\"required_skills\":[\"a\"]");
    ck_assert_double_eq(F(s, SKILLS), 1.0);
    s = score(SAME ",\"skills\":[\"a\"]", SAME ",\"required_skills\":[\"b\"]");
    ck_assert_double_eq(F(s, SKILLS), 0.0);
    ck_assert_uint_eq(s.shared_skills, 0);
}
END_TEST

START_TEST(skills_both_empty_is_0)
{
    jm_score s = score(SAME ",\"skills\":[]", SAME ",\"required_skills\":[]");
    ck_assert_double_eq(F(s, SKILLS), 0.0);
    s = score(SAME, SAME);
    ck_assert_double_eq(F(s, SKILLS), 0.0);
    s = score(SAME ",\"skills\":[\"x\"]", SAME);
    ck_assert_double_eq(F(s, SKILLS), 0.0);
}
END_TEST

/* Normalise: trim, collapse inner white space, ASCII case-fold, drop duplicates. */
START_TEST(skills_normalised_and_deduplicated)
{
    jm_score s =
        score(SAME ",\"skills\":[\"Python\",\" python \",\"Machine \\t  Learning\",\"PYTHON\"]",
              SAME ",\"required_skills\":[\"machine learning\",\"pyTHON\",\"SQL\",\"sql \"]");
    /* cand {python, machine learning}, job {machine learning, python, sql}: 2/3. */
    ck_assert_double_eq_tol(F(s, SKILLS), 2.0 / 3.0, 1e-12);
    ck_assert_uint_eq(s.shared_skills, 2);
    /* Only ASCII folds: a non-ASCII letter differing in case is another skill. */
    s = score(SAME ",\"skills\":[\"\xc3\x89tude\"]",
              SAME ",\"required_skills\":[\"\xc3\xa9tude\"]");
    ck_assert_double_eq(F(s, SKILLS), 0.0);
    /* Inner spaces are collapsed, not removed. */
    s = score(SAME ",\"skills\":[\"machinelearning\"]",
              SAME ",\"required_skills\":[\"machine learning\"]");
    ck_assert_double_eq(F(s, SKILLS), 0.0);
}
END_TEST

/* ---- experience (SPEC "Scoring": experience) ----------------------------------------------- */

static double exp_f(const char *cy, const char *jy)
{
    char c[256], j[256];
    snprintf(c, sizeof c, SAME "%s%s%s", cy ? ",\"years_experience\":\"" : "", cy ? cy : "",
             cy ? "\"" : "");
    snprintf(j, sizeof j, SAME "%s%s%s", jy ? ",\"years_experience\":\"" : "", jy ? jy : "",
             jy ? "\"" : "");
    jm_score s = score(c, j);
    return F(s, EXPERIENCE);
}

START_TEST(experience_rules)
{
    ck_assert_double_eq(exp_f("5-8 years", "3-5 years"), 1.0); /* candidate >= job */
    ck_assert_double_eq(exp_f("3-5 years", "3-4 years"), 1.0); /* equal minimums */
    ck_assert_double_eq(exp_f("0 years", "0 years"), 1.0);     /* job = 0 */
    ck_assert_double_eq(exp_f("0-1 years", "0-2 years"), 1.0);
    ck_assert_double_eq_tol(exp_f("2-3 years", "4-6 years"), 0.75 * 2 / 4, 1e-12);
    ck_assert_double_eq(exp_f("0-1 years", "3-5 years"), 0.0); /* 0.75 x 0 / 3 */
    /* "N+ years": the first integer. */
    ck_assert_double_eq(exp_f("10+ years", "10+ years"), 1.0);
    ck_assert_double_eq_tol(exp_f("5-8 years", "10+ years"), 0.75 * 5 / 10, 1e-12);
    ck_assert_double_eq(exp_f("15+ years", "10+ years"), 1.0);
    /* Either side unknown -> 0.5. */
    ck_assert_double_eq(exp_f(NULL, "3-5 years"), 0.5);
    ck_assert_double_eq(exp_f("3-5 years", NULL), 0.5);
    ck_assert_double_eq(exp_f("some", "3-5 years"), 0.5);
    ck_assert_double_eq(exp_f("3-5 years", "n/a"), 0.5);
    ck_assert_double_eq(exp_f(NULL, NULL), 0.5);
}
END_TEST

/* ---- seniority (SPEC "Scoring": seniority) ------------------------------------------------- */

static double sen_f(const char *cl, const char *jl)
{
    char c[256], j[256];
    snprintf(c, sizeof c, SAME "%s%s%s", cl ? ",\"experience_level\":\"" : "", cl ? cl : "",
             cl ? "\"" : "");
    snprintf(j, sizeof j, SAME "%s%s%s", jl ? ",\"experience_level\":\"" : "", jl ? jl : "",
             jl ? "\"" : "");
    jm_score s = score(c, j);
    return F(s, SENIORITY);
}

START_TEST(seniority_rules)
{
    ck_assert_double_eq(sen_f("Senior", "Senior"), 1.0);      /* c = j */
    ck_assert_double_eq(sen_f("Senior", "Junior"), 1.0);      /* 6 - 3 = 3 */
    ck_assert_double_eq(sen_f("Senior", "Entry Level"), 0.5); /* 6 - 2 = 4: overqualified */
    ck_assert_double_eq(sen_f("C-Level Executive (CXO)", "Internship"), 0.5);
    ck_assert_double_eq_tol(sen_f("Junior", "Senior"), 0.6 * 3 / 6, 1e-12);
    ck_assert_double_eq_tol(sen_f("Internship", "C-Level Executive (CXO)"), 0.6 * 1 / 11, 1e-12);
    ck_assert_double_eq_tol(sen_f("Analyst", "Engineer"), 0.6 * 4 / 5, 1e-12);
    ck_assert_double_eq(sen_f(" senior ", "SENIOR"), 1.0);
    /* Unknown levels -> 0.5. */
    ck_assert_double_eq(sen_f("Guru", "Senior"), 0.5);
    ck_assert_double_eq(sen_f("Senior", "Guru"), 0.5);
    ck_assert_double_eq(sen_f(NULL, "Senior"), 0.5);
    ck_assert_double_eq(sen_f("Senior", NULL), 0.5);
}
END_TEST

/* ---- salary (SPEC "Scoring": salary) ------------------------------------------------------- */

static double sal_f(const char *cfields, const char *jfields)
{
    char c[256], j[256];
    snprintf(c, sizeof c, SAME "%s%s", *cfields ? "," : "", cfields);
    snprintf(j, sizeof j, SAME "%s%s", *jfields ? "," : "", jfields);
    jm_score s = score(c, j);
    return F(s, SALARY);
}

START_TEST(salary_thresholds)
{
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_max\":100"), 1.0); /* r = 1 */
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_max\":250"), 1.0);
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_max\":99.999"), 0.6);
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_max\":90"), 0.6); /* r = 0.9 */
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_max\":89.99"), 0.3);
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_max\":70"), 0.3); /* r = 0.7 */
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_max\":69.99"), 0.0);
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_max\":1"), 0.0);
}
END_TEST

START_TEST(salary_sources_and_missing)
{
    /* offer = salary_max, else salary_min. */
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_min\":50,\"salary_max\":100"),
                        1.0);
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_min\":100,\"salary_max\":50"),
                        0.0);
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_min\":95"), 0.6);
    /* ask = expected_salary, else current_salary. */
    ck_assert_double_eq(
        sal_f("\"current_salary\":50,\"expected_salary\":200", "\"salary_max\":100"), 0.0);
    ck_assert_double_eq(sal_f("\"current_salary\":100", "\"salary_max\":95"), 0.6);
    /* "salary" alias sets both. */
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary\":75"), 0.3);
    /* Missing or <= 0 on either side -> 0.5. */
    ck_assert_double_eq(sal_f("", "\"salary_max\":100"), 0.5);
    ck_assert_double_eq(sal_f("\"expected_salary\":100", ""), 0.5);
    ck_assert_double_eq(sal_f("\"expected_salary\":0", "\"salary_max\":100"), 0.5);
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_max\":0"), 0.5);
    ck_assert_double_eq(sal_f("\"expected_salary\":-5", "\"salary_max\":100"), 0.5);
    ck_assert_double_eq(sal_f("\"expected_salary\":100", "\"salary_min\":0,\"salary_max\":0"), 0.5);
    ck_assert_double_eq(sal_f("\"current_salary\":0", "\"salary_max\":100"), 0.5);
    ck_assert_double_eq(sal_f("", ""), 0.5);
}
END_TEST

/* ---- weights, sum, rounding, clamping (SPEC "Scoring") ------------------------------------- */

/* The scorer picks its fractions without branches, from tables of small ratios: each must be
 * the double of the plain rule, to the last bit, on and around every edge. */
static double plain_experience(int c, int j)
{
    if (c < 0 || j < 0)
        return 0.5;
    if (c >= j || j == 0)
        return 1.0;
    return 0.75 * c / j;
}
static double plain_seniority(int c, int j)
{
    if (!c || !j)
        return 0.5;
    if (c >= j)
        return c - j <= 3 ? 1.0 : 0.5;
    return 0.6 * c / j;
}
static double plain_salary(double offer, double ask)
{
    if (!(offer > 0) || !(ask > 0))
        return 0.5;
    double r = offer / ask;
    return r >= 1 ? 1.0 : r >= 0.9 ? 0.6 : r >= 0.7 ? 0.3 : 0.0;
}
static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

START_TEST(branch_free_fractions_are_the_plain_rules)
{
    for (int c = -3; c <= 70; c++)
        for (int j = -3; j <= 70; j++) {
            ck_assert_msg(same_bits(jm__experience_fraction(c, j), plain_experience(c, j)),
                          "experience %d / %d", c, j);
            ck_assert_msg(same_bits(jm__seniority_fraction(c, j), plain_seniority(c, j)),
                          "seniority %d / %d", c, j);
        }
    const double asks[] = {1, 3, 7, 10, 1000, 123456.78, 1e-300, 1e300};
    const double bands[] = {0, 0.3, 0.5, 0.69, 0.7, 0.8, 0.9, 0.95, 1, 1.5, 1e6};
    for (size_t a = 0; a < sizeof asks / sizeof *asks; a++)
        for (size_t b = 0; b < sizeof bands / sizeof *bands; b++) {
            double edge = asks[a] * bands[b];
            double offers[] = {edge, nextafter(edge, 0), nextafter(edge, INFINITY)};
            for (int k = 0; k < 3; k++)
                ck_assert_msg(same_bits(jm__salary_fraction(offers[k], asks[a]),
                                        plain_salary(offers[k], asks[a])),
                              "salary %.17g / %.17g", offers[k], asks[a]);
        }
    const double odd[] = {0, -0.0, -1, NAN, INFINITY, -INFINITY, 5e-324};
    for (size_t x = 0; x < sizeof odd / sizeof *odd; x++)
        for (size_t y = 0; y < sizeof odd / sizeof *odd; y++) {
            ck_assert(same_bits(jm__salary_fraction(odd[x], odd[y]), plain_salary(odd[x], odd[y])));
            ck_assert(same_bits(jm__salary_fraction(odd[x], 50), plain_salary(odd[x], 50)));
            ck_assert(same_bits(jm__salary_fraction(50, odd[y]), plain_salary(50, odd[y])));
        }
    ck_assert(same_bits(jm__experience_fraction(INT_MAX - 1, INT_MAX),
                        plain_experience(INT_MAX - 1, INT_MAX)));
    ck_assert(same_bits(jm__seniority_fraction(INT_MIN + 5, 7), plain_seniority(INT_MIN + 5, 7)));
}
END_TEST

START_TEST(default_weights_and_points)
{
    jm_weights w;
    jm_weights_default(&w);
    double want[] = {30, 30, 20, 10, 10};
    for (int i = 0; i < JM_COMPONENT_COUNT; i++)
        ck_assert_double_eq(w.weight[i], want[i]);
    /* The room past the components in use is 0 (docs/ABI.md). */
    for (int i = JM_COMPONENT_COUNT; i < JM_COMPONENT_MAX; i++)
        ck_assert_double_eq(w.weight[i], 0);
    ck_assert_str_eq(jm_component_name(JM_COMPONENT_CATEGORY), "category");
    ck_assert_str_eq(jm_component_name(JM_COMPONENT_SKILLS), "skills");
    ck_assert_str_eq(jm_component_name(JM_COMPONENT_EXPERIENCE), "experience");
    ck_assert_str_eq(jm_component_name(JM_COMPONENT_SENIORITY), "seniority");
    ck_assert_str_eq(jm_component_name(JM_COMPONENT_SALARY), "salary");
    ck_assert_ptr_null(jm_component_name(JM_COMPONENT_COUNT));
    /* A perfect pair: 100. */
    jm_score s = score(SAME ",\"skills\":[\"a\"],\"years_experience\":\"5 "
                            "years\",\"experience_level\":\"Senior\",\"expected_salary\":10",
                       SAME ",\"required_skills\":[\"a\"],\"years_experience\":\"5 "
                            "years\",\"experience_level\":\"Senior\",\"salary_max\":10");
    ck_assert_int_eq(s.score, 100);
    /* Nothing known: 30 + 0 + 10 + 5 + 5 = 50. */
    s = score(SAME, SAME);
    ck_assert_int_eq(s.score, 50);
    double pts[] = {30, 0, 10, 5, 5};
    for (int i = 0; i < JM_COMPONENT_COUNT; i++)
        ck_assert_double_eq(s.points[i], pts[i]);
    for (int i = JM_COMPONENT_COUNT; i < JM_COMPONENT_MAX; i++) {
        ck_assert_double_eq(s.points[i], 0);
        ck_assert_double_eq(s.fraction[i], 0);
    }
}
END_TEST

START_TEST(score_rounds_half_up)
{
    jm_weights w = {{0, 0, 0, 0, 0}};
    /* category f = 0.5 (related family): points = weight / 2. */
    const char *c = "\"job_category\":\"" CAT_QA "\"", *j = "\"job_category\":\"" CAT_SW "\"";
    w.weight[JM_COMPONENT_CATEGORY] = 85; /* 42.5 -> 43 */
    ck_assert_int_eq(score_w(c, j, &w).score, 43);
    w.weight[JM_COMPONENT_CATEGORY] = 84.998; /* 42.499 -> 42 */
    ck_assert_int_eq(score_w(c, j, &w).score, 42);
    w.weight[JM_COMPONENT_CATEGORY] = 83; /* 41.5 -> 42 (half up, not to even) */
    ck_assert_int_eq(score_w(c, j, &w).score, 42);
    w.weight[JM_COMPONENT_CATEGORY] = 0.8; /* 0.4 -> 0 */
    ck_assert_int_eq(score_w(c, j, &w).score, 0);
    /* Seniority 0.3 (Junior vs Senior) x 5 = 1.5 -> 2. */
    jm_weights w2 = {{0, 0, 0, 5, 0}};
    jm_score s = score_w(SAME ",\"experience_level\":\"Junior\"",
                         SAME ",\"experience_level\":\"Senior\"", &w2);
    ck_assert_double_eq_tol(s.points[JM_COMPONENT_SENIORITY], 1.5, 1e-12);
    ck_assert_int_eq(s.score, 2);
}
END_TEST

START_TEST(score_clamped_to_100)
{
    jm_weights w = {{100, 100, 100, 100, 100}};
    jm_score s = score_w(SAME, SAME, &w); /* 100 + 0 + 50 + 50 + 50 = 250 */
    ck_assert_int_eq(s.score, 100);
    ck_assert_double_eq(s.points[JM_COMPONENT_CATEGORY], 100);
    jm_weights z = {{0, 0, 0, 0, 0}};
    ck_assert_int_eq(score_w(SAME, SAME, &z).score, 0);
}
END_TEST

START_TEST(weights_parse)
{
    jm_weights w;
    jm_weights_default(&w);
    ck_assert_int_eq(jm_weights_parse("category=40,salary=0", &w), 0);
    ck_assert_double_eq(w.weight[JM_COMPONENT_CATEGORY], 40);
    ck_assert_double_eq(w.weight[JM_COMPONENT_SKILLS], 30); /* left as it was */
    ck_assert_double_eq(w.weight[JM_COMPONENT_SALARY], 0);
    ck_assert_int_eq(jm_weights_parse("skills=12.5", &w), 0);
    ck_assert_double_eq(w.weight[JM_COMPONENT_SKILLS], 12.5);
    jm_weights before = w;
    const char *bad[] = {"category",    "category=",    "category=-1",  "nope=3",
                         "category=1x", "category=inf", "category=nan", "category=3,,skills=2",
                         "=3"};
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_msg(jm_weights_parse(bad[i], &w) == JM_EINVAL, "accepted '%s'", bad[i]);
        ck_assert_msg(memcmp(&w, &before, sizeof w) == 0, "'%s' changed the weights", bad[i]);
    }
}
END_TEST

/* jm_weights_parse_err() names what is wrong, and refuses what jm_weights_parse() refuses. */
START_TEST(weights_parse_says_why)
{
    static const struct {
        const char *spec, *text;
    } cases[] = {
        {"foo=10", "unknown component 'foo' (category, skills, experience, seniority or salary)"},
        {"skills=abc", "skills: 'abc' is not a number"},
        {"skills=0x10", "skills: '0x10' is not a number"},
        {"salary=inf", "salary: 'inf' is not a number"},
        {"category=-10", "category: '-10' is negative"},
        {"skills=10,category=5,skills=20", "skills given twice"},
        {"category", "'category' has no '=VALUE' (such as skills=30)"},
        {"category=3,,skills=2", "an empty item: items are NAME=VALUE, by commas"},
        {"category=3,", "an empty item: items are NAME=VALUE, by commas"},
    };
    jm_weights w, before;
    jm_weights_default(&w);
    before = w;
    for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
        jm_error err = {0};
        ck_assert_int_eq(jm_weights_parse_err(cases[i].spec, &w, &err), JM_EINVAL);
        ck_assert_int_eq(err.code, JM_EINVAL);
        ck_assert_str_eq(err.text, cases[i].text);
        ck_assert_int_eq(jm_weights_parse(cases[i].spec, &w), JM_EINVAL);
        ck_assert(memcmp(&w, &before, sizeof w) == 0);
    }
    ck_assert_int_eq(jm_weights_parse_err("skills=40,salary=0", &w, NULL), 0);
    ck_assert_double_eq(w.weight[JM_COMPONENT_SKILLS], 40);
    ck_assert_double_eq(w.weight[JM_COMPONENT_SALARY], 0);
}
END_TEST

START_TEST(custom_weights_scale_points)
{
    jm_weights w;
    jm_weights_default(&w);
    ck_assert_int_eq(
        jm_weights_parse("category=10,skills=50,experience=0,seniority=20,salary=20", &w), 0);
    jm_score s = score_w(SAME ",\"skills\":[\"a\",\"b\"]", SAME ",\"required_skills\":[\"a\"]", &w);
    /* 10*1 + 50*0.5 + 0*0.5 + 20*0.5 + 20*0.5 = 55 */
    ck_assert_double_eq_tol(s.points[JM_COMPONENT_SKILLS], 25, 1e-12);
    ck_assert_double_eq(s.points[JM_COMPONENT_EXPERIENCE], 0);
    ck_assert_int_eq(s.score, 55);
}
END_TEST

/* ---- applications and match reasons (SPEC "Records", "Match reason") ---------------------- */

static jm_record *app_of(const char *c, const char *j, uint64_t seed)
{
    jm_record *rc = cand(c), *rj = job(j), *out = jm_record_new(JM_KIND_NONE, NULL);
    ck_assert_int_eq(jm_make_application(rc, rj, NULL, seed, 1000, out), 1);
    jm_record_free(rc);
    jm_record_free(rj);
    return out;
}

static void reason_is(const char *c, const char *j, const char *want)
{
    jm_record *a = app_of(c, j, 0);
    ck_assert_str_eq(jm_record_string(a, JM_FIELD_MATCH_REASON), want);
    jm_record_free(a);
}

START_TEST(match_reason_order_and_wording)
{
    reason_is(
        SAME ",\"skills\":[\"x\",\"y\",\"z\",\"w\"],\"years_experience\":\"5 years\","
             "\"experience_level\":\"Senior\",\"expected_salary\":10",
        SAME
        ",\"required_skills\":[\"W\",\"Z\",\"Q\",\"Y\",\"X\"],\"years_experience\":\"3 years\","
        "\"experience_level\":\"Senior\",\"salary_max\":10",
        "Same job category; Strong skills match in W, Z, Y; Meets experience requirements; "
        "Appropriate seniority level; Salary expectations met");
    /* Nothing holds but the family. */
    reason_is("\"job_category\":\"" CAT_QA "\"", "\"job_category\":\"" CAT_SW "\"",
              "Related job family: Quality Engineering & Testing");
    reason_is(SAME, SAME, "Same job category");
}
END_TEST

START_TEST(match_reason_shared_skills)
{
    /* One or two shared: "Shared skills: a[, b]" in the job's order and spelling. */
    reason_is(SAME ",\"skills\":[\"python\"]", SAME ",\"required_skills\":[\"SQL\",\"Python\"]",
              "Same job category; Shared skills: Python");
    reason_is(SAME ",\"skills\":[\"python\",\"sql\"]",
              SAME ",\"required_skills\":[\"  SQL\",\"R\",\"Python\"]",
              "Same job category; Shared skills:   SQL, Python");
    /* Three or more: first three; a job skill repeated after normalisation counts once, at
     * its first occurrence. */
    reason_is(SAME ",\"skills\":[\"a\",\"b\",\"c\"]",
              SAME ",\"required_skills\":[\"B\",\"b \",\"A\",\"C\"]",
              "Same job category; Strong skills match in B, A, C");
    /* Two shared skills, not three, when the duplicates fold together. */
    reason_is(SAME ",\"skills\":[\"a\",\"b\"]", SAME ",\"required_skills\":[\"a\",\"A\",\"b\"]",
              "Same job category; Shared skills: a, b");
}
END_TEST

START_TEST(match_reason_each_condition)
{
    /* Experience f = 1 only. */
    reason_is(SAME ",\"years_experience\":\"3 years\"", SAME ",\"years_experience\":\"0 years\"",
              "Same job category; Meets experience requirements");
    /* Seniority 1 when overqualified by 3, not by 4. */
    reason_is(SAME ",\"experience_level\":\"Senior\"", SAME ",\"experience_level\":\"Junior\"",
              "Same job category; Appropriate seniority level");
    reason_is(SAME ",\"experience_level\":\"Senior\"", SAME ",\"experience_level\":\"Entry Level\"",
              "Same job category");
    /* Salary 0.6 is not "met". */
    reason_is(SAME ",\"expected_salary\":100", SAME ",\"salary_max\":95", "Same job category");
    reason_is(SAME ",\"current_salary\":100", SAME ",\"salary_max\":100",
              "Same job category; Salary expectations met");
}
END_TEST

START_TEST(application_fields)
{
    const char *c = SAME ",\"timestamp\":\"2025-01-02T00:00:00Z\",\"skills\":[\"a\"]";
    const char *j =
        SAME ",\"timestamp\":\"2025-01-03T00:00:00Z\",\"application_method\":\"Email\","
             "\"posted_date\":\"2025-01-01T00:00:00Z\",\"deadline_date\":\"2025-01-31T00:00:00Z\","
             "\"required_skills\":[\"a\",\"b\"]";
    jm_record *a = app_of(c, j, 0);
    ck_assert_int_eq(jm_record_kind(a), JM_KIND_APPLICATION);
    ck_assert_str_eq(jm_record_string(a, JM_FIELD_CANDIDATE_ID), "c1");
    ck_assert_str_eq(jm_record_string(a, JM_FIELD_POST_ID), "p1");
    ck_assert_str_eq(jm_record_string(a, JM_FIELD_JOB_FAMILY), "Data, AI & Analytics");
    ck_assert_str_eq(jm_record_string(a, JM_FIELD_APPLICATION_METHOD), "Email");
    /* 30 + 15 + 10 + 5 + 5 = 65 */
    ck_assert_int_eq(jm_record_integer(a, JM_FIELD_COMPATIBILITY_SCORE), 65);
    ck_assert_double_eq(jm_record_number(a, JM_FIELD_POINTS_CATEGORY), 30);
    ck_assert_double_eq(jm_record_number(a, JM_FIELD_POINTS_SKILLS), 15);
    ck_assert_double_eq(jm_record_number(a, JM_FIELD_POINTS_EXPERIENCE), 10);
    ck_assert_double_eq(jm_record_number(a, JM_FIELD_POINTS_SENIORITY), 5);
    ck_assert_double_eq(jm_record_number(a, JM_FIELD_POINTS_SALARY), 5);
    /* Status: the 60-74 band by the pair's draw (SPEC "Status"). */
    double u = jm_status_draw(0, "c1", "p1");
    ck_assert_str_eq(jm_record_string(a, JM_FIELD_STATUS), u < 0.7 ? "Applied" : "Under Review");
    /* The id is jm_application_id's, a UUID. */
    char id[JM_UUID_BUF];
    jm_application_id("c1", "p1", id);
    ck_assert_str_eq(jm_record_string(a, JM_FIELD_APPLICATION_ID), id);
    /* timestamp: the later of the two; application_date between posted and deadline. */
    int64_t t;
    jm_time_parse("2025-01-03T00:00:00Z", 20, &t);
    ck_assert_int_eq(jm_record_integer(a, JM_FIELD_TIMESTAMP), t);
    int64_t from, to, ad = jm_record_integer(a, JM_FIELD_APPLICATION_DATE);
    jm_time_parse("2025-01-01T00:00:00Z", 20, &from);
    jm_time_parse("2025-01-31T00:00:00Z", 20, &to);
    ck_assert(ad >= from && ad <= to);
    /* Deterministic: the same pair gives the same record. */
    jm_record *b = app_of(c, j, 0);
    jm_buf x = {0}, y = {0};
    ck_assert_int_eq(jm_write_ndjson(a, &x), 0);
    ck_assert_int_eq(jm_write_ndjson(b, &y), 0);
    ck_assert_uint_eq(x.len, y.len);
    ck_assert(memcmp(x.data, y.data, x.len) == 0);
    jm_buf_free(&x);
    jm_buf_free(&y);
    jm_record_free(a);
    jm_record_free(b);
}
END_TEST

START_TEST(application_timestamp_fallback_and_not_joined)
{
    jm_record *c = cand(SAME), *j = job(SAME ",\"timestamp\":\"1970-01-01T00:00:00.500Z\"");
    jm_record *out = jm_record_new(JM_KIND_NONE, NULL);
    /* No timestamps on one side: the fallback (read time) counts as its event time. */
    ck_assert_int_eq(jm_make_application(c, j, NULL, 0, 1000, out), 1);
    ck_assert_int_eq(jm_record_integer(out, JM_FIELD_TIMESTAMP), 1000);
    ck_assert_int_eq(jm_make_application(c, j, NULL, 0, 100, out), 1);
    ck_assert_int_eq(jm_record_integer(out, JM_FIELD_TIMESTAMP), 500);
    jm_record_free(c);
    c = cand("\"job_category\":\"" CAT_HR "\"");
    jm_record_reset(out, JM_KIND_CANDIDATE);
    ck_assert_int_eq(jm_make_application(c, j, NULL, 0, 100, out), 0);
    ck_assert_int_eq(jm_record_kind(out), JM_KIND_CANDIDATE); /* untouched */
    ck_assert_int_eq(jm_make_application(j, c, NULL, 0, 100, out), JM_EINVAL);
    jm_record_free(c);
    jm_record_free(j);
    jm_record_free(out);
}
END_TEST

/* SPEC "Records": application_id is a deterministic function of the pair, formatted as a UUID. */
START_TEST(application_id_uuid)
{
    char a[JM_UUID_BUF], b[JM_UUID_BUF], c[JM_UUID_BUF], d[JM_UUID_BUF];
    jm_application_id("cand-1", "post-1", a);
    jm_application_id("cand-1", "post-1", b);
    jm_application_id("cand-1", "post-2", c);
    jm_application_id("post-1", "cand-1", d);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    ck_assert_str_ne(a, d); /* order matters: (candidate, post) */
    ck_assert_uint_eq(strlen(a), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            ck_assert_int_eq(a[i], '-');
        else
            ck_assert_msg(strchr("0123456789abcdef", a[i]) != NULL, "bad uuid %s", a);
    }
    /* RFC 9562 variant bits 10xx. */
    ck_assert_msg(strchr("89ab", a[19]) != NULL, "variant of %s", a);
    /* Concatenation does not collide: ("ab","c") vs ("a","bc"). */
    jm_application_id("ab", "c", a);
    jm_application_id("a", "bc", b);
    ck_assert_str_ne(a, b);
}
END_TEST

/* A job of n distinct skills built through the API (which has no item limit), and a candidate
 * holding the same ones: seconds to score the pair. */
static double seconds_for_skills(int n)
{
    jm_record *j = jm_test_record("{\"post_id\":\"p\",\"job_category\":\"Consulting\"}");
    jm_record *c = jm_test_record("{\"candidate_id\":\"c\",\"job_category\":\"Consulting\"}");
    char t[32];
    for (int i = 0; i < n; i++) {
        int len = snprintf(t, sizeof t, "skill %d", i);
        ck_assert_int_eq(jm_record_list_append(j, JM_FIELD_REQUIRED_SKILLS, t, (size_t)len), 0);
        ck_assert_int_eq(jm_record_list_append(c, JM_FIELD_SKILLS, t, (size_t)len), 0);
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    jm_score sc;
    ck_assert_int_eq(jm_score_pair(c, j, NULL, &sc), 1);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ck_assert_uint_eq(sc.shared_skills, (unsigned)n);
    ck_assert(F(sc, SKILLS) == 1.0);
    jm_record_free(j);
    jm_record_free(c);
    return (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
}

/* Skill normalisation is linear: four times the skills cost about four times the time (it was
 * quadratic, 5.2 s for 348,000 skills). Measured as a ratio, best of five, so that a slow or
 * instrumented run does not matter. */
START_TEST(skill_preparation_is_linear)
{
    double small = 1e9, large = 1e9;
    for (int k = 0; k < 5; k++) {
        double x = seconds_for_skills(10000), y = seconds_for_skills(40000);
        small = x < small ? x : small;
        large = y < large ? y : large;
    }
    ck_assert_msg(large < 8 * small + 0.05, "10,000 skills: %.3f s, 40,000: %.3f s", small, large);
}
END_TEST

/* A record read by the parsers holds at most JM_MAX_LIST_ITEMS items per list, rejected past
 * it with a reason naming the field. */
START_TEST(skills_per_record_bounded)
{
    jm_buf b = {0};
    for (int n = JM_MAX_LIST_ITEMS; n <= JM_MAX_LIST_ITEMS + 1; n++) {
        b.len = 0;
        jm_buf_reserve(&b, 64 + (size_t)n * 16);
        b.len += (size_t)sprintf(b.data, "{\"candidate_id\":\"c\",\"skills\":[");
        for (int i = 0; i < n; i++)
            b.len += (size_t)sprintf(b.data + b.len, "%s\"s%d\"", i ? "," : "", i);
        b.len += (size_t)sprintf(b.data + b.len, "]}");
        jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
        jm_error err = {0};
        int rc = jm_parse_ndjson(b.data, b.len, r, &err);
        if (n == JM_MAX_LIST_ITEMS) {
            ck_assert_int_eq(rc, 0);
            ck_assert_uint_eq(jm_record_list_count(r, JM_FIELD_SKILLS), (size_t)n);
        } else {
            ck_assert_int_eq(rc, JM_EVALUE);
            ck_assert_str_eq(err.text, "field \"skills\" holds 1001 items, over the limit of 1000");
        }
        jm_record_free(r);
    }
    jm_buf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("score");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, category_same_is_1);
    tcase_add_test(tc, skill_preparation_is_linear);
    tcase_add_test(tc, skills_per_record_bounded);
    tcase_add_test(tc, category_related_family_is_half);
    tcase_add_test(tc, category_no_shared_family_not_joined);
    tcase_add_test(tc, several_shared_families_first_in_taxonomy_order);
    tcase_add_test(tc, category_outside_taxonomy_own_family);
    tcase_add_test(tc, wrong_kinds_einval);
    tcase_add_test(tc, skills_jaccard);
    tcase_add_test(tc, skills_both_empty_is_0);
    tcase_add_test(tc, skills_normalised_and_deduplicated);
    tcase_add_test(tc, experience_rules);
    tcase_add_test(tc, seniority_rules);
    tcase_add_test(tc, salary_thresholds);
    tcase_add_test(tc, salary_sources_and_missing);
    tcase_add_test(tc, branch_free_fractions_are_the_plain_rules);
    tcase_add_test(tc, default_weights_and_points);
    tcase_add_test(tc, score_rounds_half_up);
    tcase_add_test(tc, score_clamped_to_100);
    tcase_add_test(tc, weights_parse);
    tcase_add_test(tc, weights_parse_says_why);
    tcase_add_test(tc, custom_weights_scale_points);
    tcase_add_test(tc, match_reason_order_and_wording);
    tcase_add_test(tc, match_reason_shared_skills);
    tcase_add_test(tc, match_reason_each_condition);
    tcase_add_test(tc, application_fields);
    tcase_add_test(tc, application_timestamp_fallback_and_not_joined);
    tcase_add_test(tc, application_id_uuid);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
