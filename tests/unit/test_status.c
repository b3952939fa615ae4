/* Checks SPEC "Status": score bands and outcomes, a deterministic draw per (seed, pair), seeds
 * changing statuses but never scores, and outcome frequencies on a large sample. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

/* The band table, boundaries included. */
START_TEST(bands_and_outcomes)
{
    static const struct {
        int score;
        double u;
        const char *status;
    } t[] = {
        {100, 0.0, "Interview Scheduled"},
        {75, 0.5999, "Interview Scheduled"},
        {75, 0.6, "Applied"},
        {90, 0.9999, "Applied"},
        {74, 0.0, "Applied"},
        {60, 0.6999, "Applied"},
        {60, 0.7, "Under Review"},
        {74, 0.99, "Under Review"},
        {59, 0.0, "Applied"},
        {40, 0.4999, "Applied"},
        {40, 0.5, "Not a Fit"},
        {59, 0.75, "Not a Fit"},
        {39, 0.0, "Rejected"},
        {0, 0.7999, "Rejected"},
        {0, 0.8, "Not a Fit"},
        {30, 0.95, "Not a Fit"},
    };
    for (unsigned i = 0; i < sizeof t / sizeof *t; i++)
        ck_assert_msg(strcmp(jm_status_for(t[i].score, t[i].u), t[i].status) == 0,
                      "score %d u %g: %s, want %s", t[i].score, t[i].u,
                      jm_status_for(t[i].score, t[i].u), t[i].status);
}
END_TEST

/* u in [0, 1), a function of (seed, candidate_id, post_id) only. */
START_TEST(draw_is_deterministic)
{
    double a = jm_status_draw(0, "cand-1", "post-1");
    ck_assert(a >= 0 && a < 1);
    ck_assert_double_eq(jm_status_draw(0, "cand-1", "post-1"), a);
    char c[] = "cand-1", p[] = "post-1"; /* other storage, same text */
    ck_assert_double_eq(jm_status_draw(0, c, p), a);
    ck_assert_double_ne(jm_status_draw(0, "cand-1", "post-2"), a);
    ck_assert_double_ne(jm_status_draw(0, "cand-2", "post-1"), a);
}
END_TEST

/* Another seed changes some draws (hence some statuses), never the score (the draw is its
 * only input that depends on the seed; the score is checked end to end in test_matcher and the
 * CLI cases). */
START_TEST(seed_changes_some_statuses)
{
    int changed = 0, n = 2000;
    char cid[32], pid[32];
    for (int i = 0; i < n; i++) {
        snprintf(cid, sizeof cid, "c%d", i);
        snprintf(pid, sizeof pid, "p%d", i * 7);
        int score = i % 101;
        const char *s0 = jm_status_for(score, jm_status_draw(0, cid, pid));
        const char *s1 = jm_status_for(score, jm_status_draw(1, cid, pid));
        changed += strcmp(s0, s1) != 0;
        ck_assert_double_eq(jm_status_draw(1, cid, pid), jm_status_draw(1, cid, pid));
    }
    ck_assert_int_gt(changed, n / 10);
    ck_assert_int_lt(changed, n);
}
END_TEST

/* Frequencies on 200,000 draws: each band's first outcome within 4 standard deviations of p,
 * and u spread evenly over ten deciles. */
START_TEST(frequencies_within_tolerance)
{
    enum { N = 200000 };
    static const int band_score[] = {80, 65, 50, 20};
    static const double band_p[] = {0.6, 0.7, 0.5, 0.8};
    static const char *const first[] = {"Interview Scheduled", "Applied", "Applied", "Rejected"};
    long hits[4] = {0}, decile[10] = {0};
    char cid[32], pid[32];
    for (int i = 0; i < N; i++) {
        snprintf(cid, sizeof cid, "cand-%d", i / 400);
        snprintf(pid, sizeof pid, "post-%d", i % 400);
        double u = jm_status_draw(42, cid, pid);
        ck_assert(u >= 0 && u < 1);
        decile[(int)(u * 10)]++;
        for (int b = 0; b < 4; b++)
            hits[b] += strcmp(jm_status_for(band_score[b], u), first[b]) == 0;
    }
    for (int b = 0; b < 4; b++) {
        double p = band_p[b], got = (double)hits[b] / N, sd = sqrt(p * (1 - p) / N);
        ck_assert_msg(fabs(got - p) < 4 * sd, "band %d: %.4f, want %.2f +- %.4f", b, got, p,
                      4 * sd);
    }
    double sd = sqrt(0.1 * 0.9 / N);
    for (int d = 0; d < 10; d++)
        ck_assert_msg(fabs((double)decile[d] / N - 0.1) < 4 * sd, "decile %d: %ld", d, decile[d]);
}
END_TEST

/* The JM_STATUS_* constants spell SPEC "Status" exactly, and jm_status_for() returns them. */
START_TEST(status_constants)
{
    ck_assert_str_eq(JM_STATUS_INTERVIEW_SCHEDULED, "Interview Scheduled");
    ck_assert_str_eq(JM_STATUS_APPLIED, "Applied");
    ck_assert_str_eq(JM_STATUS_UNDER_REVIEW, "Under Review");
    ck_assert_str_eq(JM_STATUS_NOT_A_FIT, "Not a Fit");
    ck_assert_str_eq(JM_STATUS_REJECTED, "Rejected");
    ck_assert_str_eq(jm_status_for(90, 0.1), JM_STATUS_INTERVIEW_SCHEDULED);
    ck_assert_str_eq(jm_status_for(65, 0.9), JM_STATUS_UNDER_REVIEW);
    ck_assert_str_eq(jm_status_for(50, 0.9), JM_STATUS_NOT_A_FIT);
    ck_assert_str_eq(jm_status_for(10, 0.1), JM_STATUS_REJECTED);
    ck_assert_str_eq(jm_status_for(50, 0.1), JM_STATUS_APPLIED);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, bands_and_outcomes);
    tcase_add_test(tc, draw_is_deterministic);
    tcase_add_test(tc, seed_changes_some_statuses);
    tcase_add_test(tc, frequencies_within_tolerance);
    tcase_add_test(tc, status_constants);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
