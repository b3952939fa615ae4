/* Checks the analytics aggregator: every figure on a hand-checked input, distinct counting and
 * its window, the bias audit on a known disparity, the JSON schema, and that the fast scanner
 * and jm_parse_ndjson read lines to the same report. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "testutil.h"

#define T0 "2026-01-01T00:00:0"
/* 2026-01-01T00:01:05Z: the clock the hand-checked report is made at. */
static const int64_t NOW = 1767225665000;

static const char *const small_input[] = {
    "{\"type\":\"job_post\",\"post_id\":\"j1\",\"job_title\":\"Dev\",\"company\":\"Acme\","
    "\"work_mode\":\"Remote\",\"employment_type\":\"Full-time\",\"location_country\":\"USA\","
    "\"salary_max\":50000,\"deadline_date\":\"2026-02-01T00:00:00Z\",\"timestamp\":\"" T0 "0Z\"}",
    "{\"type\":\"job_post\",\"post_id\":\"j2\",\"work_mode\":\"Hybrid\",\"employment_type\":"
    "\"Full-time\",\"location_country\":\"USA\",\"salary_min\":120000,"
    "\"deadline_date\":\"2025-06-01T00:00:00Z\",\"timestamp\":\"2025-12-31T00:00:00Z\"}",
    "{\"type\":\"job_post\",\"post_id\":\"j3\",\"work_mode\":\"Remote\",\"employment_type\":"
    "\"Contract\",\"location_country\":\"Germany\"}",
    "{\"type\":\"candidate\",\"candidate_id\":\"c1\",\"full_name\":\"Ann\",\"gender\":\"female\","
    "\"education_level\":\"Bachelor\"}",
    "{\"type\":\"candidate\",\"candidate_id\":\"c2\",\"gender\":\"male\",\"education_level\":"
    "\"Master\"}",
    "{\"type\":\"candidate\",\"candidate_id\":\"c3\",\"education_level\":\"Bachelor\"}",
    /* canonical shape, so these take the fast path */
    "{\"type\":\"application\",\"application_id\":\"a1\",\"candidate_id\":\"c1\",\"post_id\":"
    "\"j1\","
    "\"job_family\":\"F1\",\"compatibility_score\":80,\"components\":{\"category\":30,\"skills\":"
    "20,"
    "\"experience\":20,\"seniority\":10,\"salary\":0},\"status\":\"Interview Scheduled\","
    "\"match_reason\":\"r1\",\"application_method\":\"m\",\"application_date\":"
    "\"2025-12-01T01:00:00Z\",\"timestamp\":\"" T0 "1Z\"}",
    "{\"type\":\"application\",\"application_id\":\"a2\",\"candidate_id\":\"c1\",\"post_id\":"
    "\"j2\","
    "\"job_family\":\"F1\",\"compatibility_score\":50,\"components\":{\"category\":15,\"skills\":"
    "15,"
    "\"experience\":10,\"seniority\":5,\"salary\":5},\"status\":\"Applied\",\"match_reason\":"
    "\"r2\","
    "\"application_method\":\"m\",\"application_date\":\"2025-12-01T04:30:00Z\","
    "\"timestamp\":\"" T0 "2Z\"}",
    /* other shapes: the slow path */
    "{\"type\":\"application\",\"application_id\":\"a3\",\"candidate_id\":\"c2\",\"post_id\":"
    "\"j1\","
    "\"job_family\":\"F2\",\"compatibility_score\":60,\"status\":\"Under Review\","
    "\"application_date\":\"2025-12-01T23:59:59Z\",\"timestamp\":\"" T0 "3Z\"}",
    "{\"timestamp\":\"" T0
    "4Z\",\"type\":\"application\",\"application_id\":\"a4\",\"candidate_id\":"
    "\"c2\",\"post_id\":\"j3\",\"job_family\":\"F1\",\"compatibility_score\":35.0,\"status\":"
    "\"Rejected\",\"application_date\":\"2025-12-02 03:00:00\"}",
    "{\"type\":\"application\",\"application_id\":\"a5\",\"candidate_id\":\"c3\",\"post_id\":"
    "\"j1\","
    "\"job_family\":\"F2\",\"compatibility_score\":100,\"status\":\"Interview Scheduled\","
    "\"application_date\":\"2025-12-02T00:00:00Z\",\"timestamp\":\"" T0 "5Z\"}",
    "{\"type\":\"application\",\"application_id\":\"a6\",\"candidate_id\":\"c3\",\"post_id\":"
    "\"j2\","
    "\"job_family\":\"F3\",\"compatibility_score\":0,\"status\":\"Not a Fit\","
    "\"timestamp\":\"" T0 "0.500Z\"}",
    /* a repeat of a2: counted once */
    "{\"type\":\"application\",\"application_id\":\"a2\",\"candidate_id\":\"c1\",\"post_id\":"
    "\"j2\","
    "\"job_family\":\"F1\",\"compatibility_score\":50,\"status\":\"Applied\"}",
    /* repeats of a job and a candidate */
    "{\"type\":\"job_post\",\"post_id\":\"j3\",\"work_mode\":\"Hybrid\"}",
    "{\"type\":\"candidate\",\"candidate_id\":\"c1\",\"gender\":\"male\"}",
};

static void feed_all(jm_report *rep, const char *const *lines, size_t n)
{
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    for (size_t i = 0; i < n; i++) {
        jm_error err = {0};
        int rc = jm_report_add_ndjson(rep, lines[i], strlen(lines[i]), scratch, &err);
        ck_assert_msg(rc == 0 || rc == JM_EDUP, "line %zu: %d %s", i, rc, err.text);
    }
    jm_record_free(scratch);
}

static cJSON *report_json(const jm_report *rep, int64_t now)
{
    jm_buf b = {0};
    ck_assert_int_eq(jm_report_write_json(rep, now, &b), 0);
    ck_assert(b.len > 0 && b.data[b.len - 1] == '\n');
    cJSON *doc = cJSON_ParseWithLength(b.data, b.len);
    ck_assert_msg(doc != NULL, "report JSON does not parse");
    jm_buf_free(&b);
    return doc;
}

static cJSON *at(const cJSON *obj, const char *path)
{
    /* "a.b.3.c": keys and array indexes */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *cur = obj;
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
        cur = (tok[0] >= '0' && tok[0] <= '9') ? cJSON_GetArrayItem(cur, atoi(tok))
                                               : cJSON_GetObjectItemCaseSensitive(cur, tok);
    ck_assert_msg(cur != NULL, "no %s in the report", path);
    return (cJSON *)cur;
}

static double num(const cJSON *doc, const char *path)
{
    const cJSON *v = at(doc, path);
    ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", path);
    return v->valuedouble;
}

static const char *str(const cJSON *doc, const char *path)
{
    const cJSON *v = at(doc, path);
    ck_assert_msg(cJSON_IsString(v), "%s is not a string", path);
    return v->valuestring;
}

#define NUM_EQ(doc, path, want)                                                                   \
    ck_assert_msg(fabs(num(doc, path) - (want)) < 1e-6, "%s = %g, want %g", path, num(doc, path), \
                  (double)(want))
#define STR_EQ(doc, path, want) ck_assert_str_eq(str(doc, path), want)

static jm_report *small_report(int audit)
{
    jm_report *rep = jm_report_new(NULL);
    ck_assert_ptr_nonnull(rep);
    if (audit)
        ck_assert_int_eq(jm_report_audit_by(rep, "gender"), 0);
    feed_all(rep, small_input, sizeof small_input / sizeof *small_input);
    return rep;
}

START_TEST(key_metrics_and_freshness)
{
    jm_report *rep = small_report(0);
    cJSON *d = report_json(rep, NOW);
    NUM_EQ(d, "metrics.applications", 6);
    NUM_EQ(d, "metrics.jobs", 3);
    NUM_EQ(d, "metrics.active_jobs", 2); /* j1 before its deadline, j3 without one */
    NUM_EQ(d, "metrics.candidates", 3);
    NUM_EQ(d, "metrics.average_score", 325.0 / 6);
    NUM_EQ(d, "metrics.interviews", 2);
    NUM_EQ(d, "metrics.shortlisted", 3);
    NUM_EQ(d, "input.duplicates.applications", 1);
    NUM_EQ(d, "input.duplicates.jobs", 1);
    NUM_EQ(d, "input.duplicates.candidates", 1);
    STR_EQ(d, "freshness.newest_event", "2026-01-01T00:00:05Z");
    NUM_EQ(d, "freshness.lag_seconds", 60);
    NUM_EQ(d, "freshness.ahead_seconds", 0);
    STR_EQ(d, "freshness.newest_application_date", "2025-12-02T03:00:00Z");
    STR_EQ(d, "generated_at", "2026-01-01T00:01:05Z");
    ck_assert_uint_eq(jm_report_count(rep, JM_KIND_APPLICATION), 6);
    ck_assert_uint_eq(jm_report_duplicates(rep, JM_KIND_APPLICATION), 1);
    cJSON_Delete(d);
    jm_report_free(rep);
}
END_TEST

/* An event stamped after the report's clock is ahead of it: never a negative lag, in any form. */
START_TEST(freshness_ahead_of_the_clock)
{
    jm_report *rep = small_report(0);
    const int64_t before = NOW - 120000; /* the newest event, at 00:00:05, is 60 s after it */
    cJSON *d = report_json(rep, before);
    NUM_EQ(d, "freshness.lag_seconds", 0);
    NUM_EQ(d, "freshness.ahead_seconds", 60);
    cJSON_Delete(d);
    jm_buf t = {0}, h = {0};
    ck_assert_int_eq(jm_report_write_text(rep, before, 100, 0, &t), 0);
    ck_assert_int_eq(jm_report_write_html(rep, before, 0, &h), 0);
    ck_assert_int_eq(jm_buf_reserve(&t, 1), 0);
    ck_assert_int_eq(jm_buf_reserve(&h, 1), 0);
    t.data[t.len] = h.data[h.len] = '\0';
    ck_assert_ptr_nonnull(
        strstr(t.data, "Newest event 2026-01-01T00:00:05Z, 60s ahead of the clock"));
    ck_assert_ptr_null(strstr(t.data, "-60"));
    ck_assert_ptr_nonnull(strstr(h.data, "60 s ahead"));
    ck_assert_ptr_null(strstr(h.data, "-60"));
    jm_buf_free(&t);
    jm_buf_free(&h);
    jm_report_free(rep);
}
END_TEST

START_TEST(intervals_families_scores)
{
    jm_report *rep = small_report(0);
    cJSON *d = report_json(rep, NOW);
    static const int hours[8] = {2, 2, 0, 0, 0, 0, 0, 1};
    char path[64];
    for (int i = 0; i < 8; i++) {
        snprintf(path, sizeof path, "applications_by_interval.%d.count", i);
        NUM_EQ(d, path, hours[i]);
    }
    STR_EQ(d, "applications_by_interval.7.interval", "21:00-24:00");
    NUM_EQ(d, "undated_applications", 1);
    ck_assert_int_eq(cJSON_GetArraySize(at(d, "top_job_families")), 3);
    STR_EQ(d, "top_job_families.0.name", "F1");
    NUM_EQ(d, "top_job_families.0.count", 3);
    STR_EQ(d, "top_job_families.1.name", "F2");
    NUM_EQ(d, "top_job_families.1.count", 2);
    NUM_EQ(d, "top_job_families.2.count", 1);
    ck_assert_int_eq(cJSON_GetArraySize(at(d, "score_histogram")), 20);
    static const int bins[20] = {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1};
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof path, "score_histogram.%d.count", i);
        NUM_EQ(d, path, bins[i]);
    }
    NUM_EQ(d, "score_histogram.19.to", 100);
    /* scores 0 35 50 60 80 100: type-7 quartiles */
    NUM_EQ(d, "score_summary.min", 0);
    NUM_EQ(d, "score_summary.q1", 38.75);
    NUM_EQ(d, "score_summary.median", 55);
    NUM_EQ(d, "score_summary.q3", 75);
    NUM_EQ(d, "score_summary.max", 100);
    cJSON_Delete(d);
    jm_report_free(rep);
}
END_TEST

START_TEST(statuses_jobs_candidates_recent)
{
    jm_report *rep = small_report(0);
    cJSON *d = report_json(rep, NOW);
    STR_EQ(d, "statuses.0.name", "Interview Scheduled");
    NUM_EQ(d, "statuses.0.count", 2);
    NUM_EQ(d, "statuses.0.share", 2.0 / 6);
    NUM_EQ(d, "statuses.0.score.min", 80);
    NUM_EQ(d, "statuses.0.score.q1", 85);
    NUM_EQ(d, "statuses.0.score.median", 90);
    NUM_EQ(d, "statuses.0.score.q3", 95);
    NUM_EQ(d, "statuses.0.score.max", 100);
    ck_assert_int_eq(cJSON_GetArraySize(at(d, "statuses")), 5);
    STR_EQ(d, "statuses.1.name", "Applied"); /* ties: first seen first */
    NUM_EQ(d, "statuses.1.score.median", 50);
    STR_EQ(d, "jobs_by_work_mode.0.name", "Remote");
    NUM_EQ(d, "jobs_by_work_mode.0.count", 2);
    NUM_EQ(d, "jobs_by_work_mode.1.count", 1);
    STR_EQ(d, "jobs_by_employment_type.0.name", "Full-time");
    NUM_EQ(d, "jobs_by_employment_type.0.count", 2);
    STR_EQ(d, "candidates_by_education.0.name", "Bachelor");
    NUM_EQ(d, "candidates_by_education.0.count", 2);
    STR_EQ(d, "top_countries.0.name", "USA");
    NUM_EQ(d, "top_countries.0.count", 2);
    STR_EQ(d, "top_countries.1.name", "Germany");
    /* salaries 50000 and 120000 (a min only): 18 bins of 4000 from 50000 */
    NUM_EQ(d, "salary_histogram.jobs", 2);
    NUM_EQ(d, "salary_histogram.min", 50000);
    NUM_EQ(d, "salary_histogram.max", 120000);
    ck_assert_int_eq(cJSON_GetArraySize(at(d, "salary_histogram.bins")), 18);
    NUM_EQ(d, "salary_histogram.bins.0.from", 50000);
    NUM_EQ(d, "salary_histogram.bins.0.to", 54000);
    NUM_EQ(d, "salary_histogram.bins.0.count", 1);
    NUM_EQ(d, "salary_histogram.bins.17.from", 118000);
    NUM_EQ(d, "salary_histogram.bins.17.count", 1);
    /* newest first, by timestamp */
    static const char *order[] = {"a5", "a4", "a3", "a2", "a1", "a6"};
    ck_assert_int_eq(cJSON_GetArraySize(at(d, "recent_applications")), 6);
    char path[64];
    for (int i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "recent_applications.%d.application_id", i);
        STR_EQ(d, path, order[i]);
    }
    STR_EQ(d, "recent_applications.4.candidate_name", "Ann");
    STR_EQ(d, "recent_applications.4.job_title", "Dev");
    STR_EQ(d, "recent_applications.4.company", "Acme");
    ck_assert(cJSON_IsNull(at(d, "recent_applications.5.application_date")));
    ck_assert(cJSON_IsNull(at(d, "audit")));
    cJSON_Delete(d);
    jm_report_free(rep);
}
END_TEST

/* At most 100 kept, the newest by timestamp, whatever the arrival order. */
START_TEST(recent_keeps_the_newest_hundred)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    for (int i = 0; i < 1000; i++) {
        int k = (i * 7919) % 1000; /* a permutation of 0..999 */
        char line[400];
        snprintf(line, sizeof line,
                 "{\"type\":\"application\",\"application_id\":\"id%d\",\"candidate_id\":\"c\","
                 "\"post_id\":\"p\",\"compatibility_score\":%d,\"timestamp\":\"2026-01-01T00:%02d:%"
                 "02dZ\"}",
                 k, k % 101, k / 60, k % 60);
        ck_assert_int_eq(jm_report_add_ndjson(rep, line, strlen(line), scratch, NULL), 0);
    }
    cJSON *d = report_json(rep, NOW);
    ck_assert_int_eq(cJSON_GetArraySize(at(d, "recent_applications")), 100);
    STR_EQ(d, "recent_applications.0.application_id", "id999");
    STR_EQ(d, "recent_applications.99.application_id", "id900");
    cJSON_Delete(d);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

static void add_app(jm_report *rep, jm_record *scratch, const char *id, const char *cand, int score,
                    const char *status)
{
    char line[512];
    snprintf(line, sizeof line,
             "{\"type\":\"application\",\"application_id\":\"%s\",\"candidate_id\":\"%s\","
             "\"post_id\":\"p\",\"compatibility_score\":%d,\"status\":\"%s\"}",
             id, cand, score, status);
    ck_assert_int_eq(jm_report_add_ndjson(rep, line, strlen(line), scratch, NULL), 0);
}

/* Distinct ids: exact within the window, and the documented trade-off past it. */
START_TEST(distinct_counting_window)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    ck_assert_int_eq(jm_report_set_dedup_window(rep, 4), 0);
    char id[16];
    for (int i = 1; i <= 5; i++) {
        snprintf(id, sizeof id, "x%d", i);
        add_app(rep, scratch, id, "c", 50, "Applied");
    }
    /* x5 is within the last 4 distinct ids: a duplicate */
    char line[] = "{\"type\":\"application\",\"application_id\":\"x5\",\"candidate_id\":\"c\","
                  "\"post_id\":\"p\"}";
    ck_assert_int_eq(jm_report_add_ndjson(rep, line, strlen(line), scratch, NULL), JM_EDUP);
    /* x1 left the window 4 ids ago: counted again, as documented */
    add_app(rep, scratch, "x1", "c", 50, "Applied");
    ck_assert_uint_eq(jm_report_count(rep, JM_KIND_APPLICATION), 6);
    ck_assert_uint_eq(jm_report_duplicates(rep, JM_KIND_APPLICATION), 1);
    /* set only before the first record */
    ck_assert_int_eq(jm_report_set_dedup_window(rep, 8), JM_EINVAL);
    ck_assert_int_eq(jm_report_audit_by(rep, "gender"), JM_EINVAL);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

/* Many repeats inside a large window are all caught, evictions and all; the whole-stream
 * estimate stays near the truth. */
START_TEST(distinct_counting_exact_and_estimate)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    ck_assert_int_eq(jm_report_set_dedup_window(rep, 1024), 0);
    unsigned long added = 0, dups = 0;
    char id[32];
    for (int i = 0; i < 200000; i++) {
        snprintf(id, sizeof id, "id-%d", i);
        add_app(rep, scratch, id, "c", i % 101, "Applied");
        added++;
        if (i % 3 == 0 && i >= 500) {
            /* a repeat from 500 ids back: inside the window of 1024 */
            snprintf(id, sizeof id, "id-%d", i - 500);
            char line[256];
            snprintf(line, sizeof line,
                     "{\"type\":\"application\",\"application_id\":\"%s\",\"candidate_id\":\"c\","
                     "\"post_id\":\"p\",\"compatibility_score\":1}",
                     id);
            ck_assert_int_eq(jm_report_add_ndjson(rep, line, strlen(line), scratch, NULL), JM_EDUP);
            dups++;
        }
    }
    ck_assert_uint_eq(jm_report_count(rep, JM_KIND_APPLICATION), added);
    ck_assert_uint_eq(jm_report_duplicates(rep, JM_KIND_APPLICATION), dups);
    cJSON *d = report_json(rep, NOW);
    double est = num(d, "metrics.applications_distinct_estimate");
    ck_assert_msg(fabs(est - 200000) / 200000 < 0.03, "estimate %g", est);
    NUM_EQ(d, "metrics.dedup_window", 1024);
    /* duplicates were not aggregated: every score bin holds only the originals */
    NUM_EQ(d, "score_summary.min", 0);
    cJSON_Delete(d);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

/* The small input's audit, checked by hand: median 55, c3 has no gender. */
START_TEST(audit_small)
{
    jm_report *rep = small_report(1);
    cJSON *d = report_json(rep, NOW);
    NUM_EQ(d, "audit.median_score", 55);
    NUM_EQ(d, "audit.threshold", 0.8);
    STR_EQ(d, "audit.by.0.field", "gender");
    STR_EQ(d, "audit.by.0.groups.0.group", "female");
    NUM_EQ(d, "audit.by.0.groups.0.applications", 2);
    NUM_EQ(d, "audit.by.0.groups.0.selection_rate", 0.5);
    NUM_EQ(d, "audit.by.0.groups.0.selection_impact_ratio", 1);
    NUM_EQ(d, "audit.by.0.groups.0.scoring_rate", 0.5);
    STR_EQ(d, "audit.by.0.groups.1.group", "male");
    NUM_EQ(d, "audit.by.0.groups.1.selection_rate", 0);
    NUM_EQ(d, "audit.by.0.groups.1.selection_impact_ratio", 0);
    ck_assert(cJSON_IsTrue(at(d, "audit.by.0.groups.1.selection_flag")));
    NUM_EQ(d, "audit.by.0.groups.1.scoring_impact_ratio", 1);
    ck_assert(cJSON_IsFalse(at(d, "audit.by.0.groups.1.scoring_flag")));
    STR_EQ(d, "audit.by.0.groups.2.group", "unknown");
    ck_assert(cJSON_IsTrue(at(d, "audit.by.0.groups.2.unknown")));
    NUM_EQ(d, "audit.by.0.groups.2.selection_rate", 0.5);
    ck_assert(cJSON_IsNull(at(d, "audit.by.0.groups.2.selection_impact_ratio")));
    ck_assert(cJSON_IsFalse(at(d, "audit.by.0.groups.2.selection_flag")));
    cJSON_Delete(d);
    jm_report_free(rep);
}
END_TEST

/* A known disparity: group A selects 5 of 10, B 2 of 10 (ratio 0.4, flagged), C 4 of 10 (ratio
 * exactly 0.8, not flagged). Scores: A 60..69 (all above the median), B and C lower. Half the
 * applications arrive before their candidate. A fourth group, unknown, selects 10 of 10 and must
 * not become the reference group. */
START_TEST(audit_known_disparity)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    ck_assert_int_eq(jm_report_audit_by(rep, "nationality"), 0);
    ck_assert_int_eq(jm_report_audit_by(rep, "no_such_field"), JM_EINVAL);
    ck_assert_int_eq(jm_report_audit_by(rep, "skills"), JM_EINVAL); /* a list */
    static const struct {
        const char *group;
        int selected;
        int score0;
    } g[] = {{"A", 5, 60}, {"B", 2, 20}, {"C", 4, 40}, {NULL, 10, 90}};
    char id[32], cand[32], line[256];
    for (int k = 0; k < 4; k++) {
        snprintf(cand, sizeof cand, "cand-%d", k);
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                /* the candidate arrives half-way */
                if (g[k].group)
                    snprintf(
                        line, sizeof line,
                        "{\"type\":\"candidate\",\"candidate_id\":\"%s\",\"nationality\":\"%s\"}",
                        cand, g[k].group);
                else
                    snprintf(line, sizeof line, "{\"type\":\"candidate\",\"candidate_id\":\"%s\"}",
                             cand);
                ck_assert_int_eq(jm_report_add_ndjson(rep, line, strlen(line), scratch, NULL), 0);
            }
            snprintf(id, sizeof id, "%d-%d", k, i);
            add_app(rep, scratch, id, cand, g[k].score0 + i,
                    i < g[k].selected ? "Interview Scheduled" : "Applied");
        }
    }
    /* An application whose candidate never arrives is unknown too. */
    add_app(rep, scratch, "orphan", "nobody", 99, "Applied");
    cJSON *d = report_json(rep, NOW);
    /* 41 scores: 20..29, 40..49, 60..69, 90..99, 99: the median is the 21st, 60 */
    NUM_EQ(d, "audit.median_score", 60);
    STR_EQ(d, "audit.by.0.field", "nationality");
    cJSON *groups = at(d, "audit.by.0.groups");
    ck_assert_int_eq(cJSON_GetArraySize(groups), 4);
    for (int i = 0; i < 4; i++) {
        cJSON *row = cJSON_GetArrayItem(groups, i);
        const char *name = cJSON_GetObjectItem(row, "group")->valuestring;
        double sel = cJSON_GetObjectItem(row, "selection_rate")->valuedouble;
        cJSON *ratio = cJSON_GetObjectItem(row, "selection_impact_ratio");
        int flag = cJSON_IsTrue(cJSON_GetObjectItem(row, "selection_flag"));
        double scoring = cJSON_GetObjectItem(row, "scoring_rate")->valuedouble;
        double n = cJSON_GetObjectItem(row, "applications")->valuedouble;
        if (strcmp(name, "A") == 0) {
            ck_assert(n == 10 && fabs(sel - 0.5) < 1e-9 && fabs(ratio->valuedouble - 1) < 1e-9 &&
                      !flag);
            ck_assert(fabs(scoring - 0.9) < 1e-9); /* 61..69 are above 60 */
        } else if (strcmp(name, "B") == 0) {
            ck_assert(n == 10 && fabs(sel - 0.2) < 1e-9 && fabs(ratio->valuedouble - 0.4) < 1e-9 &&
                      flag);
            ck_assert(scoring == 0);
            ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(row, "scoring_flag")));
        } else if (strcmp(name, "C") == 0) {
            ck_assert(n == 10 && fabs(sel - 0.4) < 1e-9 && fabs(ratio->valuedouble - 0.8) < 1e-9 &&
                      !flag);
        } else {
            ck_assert_str_eq(name, "unknown");
            ck_assert(n == 11 && cJSON_IsNull(ratio) && !flag);
            ck_assert(fabs(sel - 10.0 / 11) < 1e-6);
        }
    }
    cJSON_Delete(d);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

/* Every key of the documented schema (docs/report-schema.md), with its type. */
START_TEST(json_schema)
{
    static const struct {
        const char *path;
        int type; /* cJSON type bits */
    } keys[] = {
        {"schema", cJSON_String},
        {"generated_at", cJSON_String},
        {"input.rejected", cJSON_Number},
        {"input.duplicates.applications", cJSON_Number},
        {"input.duplicates.jobs", cJSON_Number},
        {"input.duplicates.candidates", cJSON_Number},
        {"metrics.applications", cJSON_Number},
        {"metrics.applications_distinct_estimate", cJSON_Number},
        {"metrics.dedup_window", cJSON_Number},
        {"metrics.jobs", cJSON_Number},
        {"metrics.active_jobs", cJSON_Number},
        {"metrics.candidates", cJSON_Number},
        {"metrics.average_score", cJSON_Number},
        {"metrics.shortlisted", cJSON_Number},
        {"metrics.interviews", cJSON_Number},
        {"freshness.newest_event", cJSON_String},
        {"freshness.lag_seconds", cJSON_Number},
        {"freshness.ahead_seconds", cJSON_Number},
        {"freshness.newest_application_date", cJSON_String},
        {"applications_by_interval", cJSON_Array},
        {"applications_by_interval.0.interval", cJSON_String},
        {"applications_by_interval.0.from_hour", cJSON_Number},
        {"applications_by_interval.0.count", cJSON_Number},
        {"undated_applications", cJSON_Number},
        {"top_job_families.0.name", cJSON_String},
        {"top_job_families.0.count", cJSON_Number},
        {"score_histogram.0.from", cJSON_Number},
        {"score_histogram.0.to", cJSON_Number},
        {"score_histogram.0.count", cJSON_Number},
        {"score_summary.min", cJSON_Number},
        {"score_summary.q1", cJSON_Number},
        {"score_summary.median", cJSON_Number},
        {"score_summary.q3", cJSON_Number},
        {"score_summary.max", cJSON_Number},
        {"statuses.0.name", cJSON_String},
        {"statuses.0.count", cJSON_Number},
        {"statuses.0.share", cJSON_Number},
        {"statuses.0.score.median", cJSON_Number},
        {"jobs_by_work_mode.0.name", cJSON_String},
        {"jobs_by_employment_type.0.count", cJSON_Number},
        {"candidates_by_education.0.count", cJSON_Number},
        {"salary_histogram.jobs", cJSON_Number},
        {"salary_histogram.min", cJSON_Number},
        {"salary_histogram.max", cJSON_Number},
        {"salary_histogram.bins.0.from", cJSON_Number},
        {"salary_histogram.bins.0.to", cJSON_Number},
        {"salary_histogram.bins.0.count", cJSON_Number},
        {"top_countries.0.name", cJSON_String},
        {"top_countries.0.count", cJSON_Number},
        {"applications_over_time.bucket_hours", cJSON_Number},
        {"applications_over_time.from", cJSON_String},
        {"applications_over_time.to", cJSON_String},
        {"applications_over_time.counts", cJSON_Array},
        {"jobs_by_category.0.name", cJSON_String},
        {"jobs_by_category.0.count", cJSON_Number},
        {"candidate_salary_histogram.candidates", cJSON_Number},
        {"candidate_salary_histogram.bins", cJSON_Array},
        {"salary_offer_vs_ask.bins.0.from", cJSON_Number},
        {"salary_offer_vs_ask.bins.0.jobs", cJSON_Number},
        {"salary_offer_vs_ask.bins.0.candidates", cJSON_Number},
        {"jobs_by_country.0.name", cJSON_String},
        {"jobs_by_country.0.count", cJSON_Number},
        {"audit.min_group_share", cJSON_Number},
        {"audit.by.0.fields", cJSON_Array},
        {"audit.by.0.selection_reference", cJSON_String | cJSON_NULL},
        {"audit.by.0.scoring_reference", cJSON_String | cJSON_NULL},
    };
    static const char *recent_keys[] = {"application_id",
                                        "candidate_id",
                                        "candidate_name",
                                        "post_id",
                                        "job_title",
                                        "company",
                                        "location_country",
                                        "work_mode",
                                        "job_family",
                                        "compatibility_score",
                                        "status",
                                        "match_reason",
                                        "application_method",
                                        "application_date",
                                        "timestamp"};
    static const char *top[] = {"schema",
                                "generated_at",
                                "input",
                                "metrics",
                                "freshness",
                                "applications_by_interval",
                                "undated_applications",
                                "applications_over_time",
                                "top_job_families",
                                "jobs_by_category",
                                "score_histogram",
                                "score_summary",
                                "statuses",
                                "jobs_by_work_mode",
                                "jobs_by_employment_type",
                                "candidates_by_education",
                                "salary_histogram",
                                "candidate_salary_histogram",
                                "salary_offer_vs_ask",
                                "top_countries",
                                "jobs_by_country",
                                "recent_applications",
                                "audit"};
    jm_report *rep = small_report(1);
    cJSON *d = report_json(rep, NOW);
    STR_EQ(d, "schema", "jobmatch-report/1");
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        ck_assert_msg(at(d, keys[i].path)->type & keys[i].type, "%s has the wrong type",
                      keys[i].path);
    /* exactly the documented top-level keys, in order */
    ck_assert_int_eq(cJSON_GetArraySize(d), (int)(sizeof top / sizeof *top));
    int i = 0;
    for (cJSON *k = d->child; k; k = k->next, i++)
        ck_assert_str_eq(k->string, top[i]);
    cJSON *r0 = at(d, "recent_applications.0");
    ck_assert_int_eq(cJSON_GetArraySize(r0), (int)(sizeof recent_keys / sizeof *recent_keys));
    for (size_t k = 0; k < sizeof recent_keys / sizeof *recent_keys; k++)
        ck_assert_msg(cJSON_GetObjectItemCaseSensitive(r0, recent_keys[k]), "no %s",
                      recent_keys[k]);
    static const char *audit_keys[] = {"group",
                                       "unknown",
                                       "excluded",
                                       "applications",
                                       "selected",
                                       "selection_rate",
                                       "selection_impact_ratio",
                                       "selection_flag",
                                       "scored",
                                       "above_median",
                                       "scoring_rate",
                                       "scoring_impact_ratio",
                                       "scoring_flag"};
    cJSON *g0 = at(d, "audit.by.0.groups.0");
    ck_assert_int_eq(cJSON_GetArraySize(g0), (int)(sizeof audit_keys / sizeof *audit_keys));
    for (size_t k = 0; k < sizeof audit_keys / sizeof *audit_keys; k++)
        ck_assert_msg(cJSON_GetObjectItemCaseSensitive(g0, audit_keys[k]), "no %s", audit_keys[k]);
    cJSON_Delete(d);
    /* An empty report: nulls where nothing is known, every array present. */
    jm_report *empty = jm_report_new(NULL);
    d = report_json(empty, NOW);
    ck_assert(cJSON_IsNull(at(d, "metrics.average_score")));
    ck_assert(cJSON_IsNull(at(d, "freshness.newest_event")));
    ck_assert(cJSON_IsNull(at(d, "score_summary")));
    ck_assert_int_eq(cJSON_GetArraySize(at(d, "score_histogram")), 20);
    ck_assert_int_eq(cJSON_GetArraySize(at(d, "salary_histogram.bins")), 0);
    cJSON_Delete(d);
    jm_report_free(empty);
    jm_report_free(rep);
}
END_TEST

/* A canonical application line, as jm_write_ndjson writes it, from varied values. */
static void canonical_line(jm_buf *out, unsigned seed)
{
    jm_record *r = jm_record_new(JM_KIND_APPLICATION, NULL);
    char t[128];
    snprintf(t, sizeof t, "%08x-0000-4000-8000-%012x", seed * 2654435761u, seed);
    jm_record_set_string(r, JM_FIELD_APPLICATION_ID, t, strlen(t));
    snprintf(t, sizeof t, "cand-%u", seed % 97);
    jm_record_set_string(r, JM_FIELD_CANDIDATE_ID, t, strlen(t));
    snprintf(t, sizeof t, "post-%u", seed % 89);
    jm_record_set_string(r, JM_FIELD_POST_ID, t, strlen(t));
    static const char *fam[] = {"Data, AI & Analytics", "Caf\xC3\xA9 \"Ops\"", "Tab\there", ""};
    jm_record_set_string(r, JM_FIELD_JOB_FAMILY, fam[seed % 4], strlen(fam[seed % 4]));
    jm_record_set_integer(r, JM_FIELD_COMPATIBILITY_SCORE, seed % 101);
    jm_record_set_number(r, JM_FIELD_POINTS_CATEGORY, (seed % 3) * 15);
    jm_record_set_number(r, JM_FIELD_POINTS_SKILLS, (seed % 1000) / 33.3);
    jm_record_set_number(r, JM_FIELD_POINTS_EXPERIENCE, 20);
    jm_record_set_number(r, JM_FIELD_POINTS_SENIORITY, 0.5);
    jm_record_set_number(r, JM_FIELD_POINTS_SALARY, 0);
    static const char *st[] = {"Applied", "Interview Scheduled", "Not a Fit", "Under Review",
                               "Rejected"};
    jm_record_set_string(r, JM_FIELD_STATUS, st[seed % 5], strlen(st[seed % 5]));
    jm_record_set_string(r, JM_FIELD_MATCH_REASON, "Same job category; Shared skills: a, b", 38);
    jm_record_set_string(r, JM_FIELD_APPLICATION_METHOD, "Email", 5);
    /* times across leap years, with and without milliseconds, before 1970 too */
    int64_t ms = ((int64_t)seed * 7777777777LL) % 8000000000000LL - 1000000000000LL;
    jm_record_set_integer(r, JM_FIELD_APPLICATION_DATE, ms - ms % 1000);
    jm_record_set_integer(r, JM_FIELD_TIMESTAMP, ms);
    ck_assert_int_eq(jm_write_ndjson(r, out), 0);
    out->len--; /* no newline */
    jm_record_free(r);
}

static char *single_line_json(const char *line, size_t len, int slow, int *rc_out)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    jm_error err = {0};
    int rc;
    if (slow) {
        rc = jm_parse_ndjson(line, len, scratch, &err);
        if (rc == 0)
            rc = jm_report_add(rep, scratch);
    } else {
        rc = jm_report_add_ndjson(rep, line, len, scratch, &err);
    }
    *rc_out = rc;
    jm_buf b = {0};
    ck_assert_int_eq(jm_report_write_json(rep, NOW, &b), 0);
    jm_record_free(scratch);
    jm_report_free(rep);
    return b.data;
}

/* The fast scanner accepts the canonical lines and reads them as jm_parse_ndjson does; on
 * every one-byte change it either steps aside or still agrees. */
START_TEST(fast_and_slow_paths_agree)
{
    unsigned accepted = 0, mutated_accepted = 0;
    for (unsigned seed = 1; seed <= 400; seed++) {
        jm_buf line = {0};
        canonical_line(&line, seed);
        jm__app_view a;
        int fast = jm__report_scan_application(line.data, line.len, &a);
        /* only pure-ASCII text without escapes is for the scanner: families 0 and 3 */
        int plain = seed % 4 == 0 || seed % 4 == 3;
        ck_assert_msg(fast == plain, "scanner %s: %.*s", fast ? "took" : "refused", (int)line.len,
                      line.data);
        accepted += (unsigned)fast;
        int rc1, rc2;
        char *j1 = single_line_json(line.data, line.len, 0, &rc1);
        char *j2 = single_line_json(line.data, line.len, 1, &rc2);
        ck_assert_int_eq(rc1, rc2);
        ck_assert_str_eq(j1, j2);
        free(j1);
        free(j2);
        if (seed <= 20) {
            static const char subst[] = {'0', '9', '"', '\\', ',',    '}',   ' ',
                                         'x', '.', 'e', '-',  '\x01', '\x80'};
            for (size_t pos = 0; pos < line.len; pos++) {
                char keep = line.data[pos];
                for (size_t s = 0; s < sizeof subst; s++) {
                    if (subst[s] == keep)
                        continue;
                    line.data[pos] = subst[s];
                    if (jm__report_scan_application(line.data, line.len, &a)) {
                        mutated_accepted++;
                        j1 = single_line_json(line.data, line.len, 0, &rc1);
                        j2 = single_line_json(line.data, line.len, 1, &rc2);
                        ck_assert_msg(rc1 == rc2 && strcmp(j1, j2) == 0, "paths differ on: %.*s",
                                      (int)line.len, line.data);
                        free(j1);
                        free(j2);
                    }
                    line.data[pos] = keep;
                }
            }
        }
        jm_buf_free(&line);
    }
    ck_assert_uint_ge(accepted, 200);
    ck_assert_uint_gt(mutated_accepted, 100); /* the test did exercise accepted variants */
}
END_TEST

/* Out-of-range scores are refused the same way on both paths. */
START_TEST(bad_score_rejected)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    const char *line = "{\"type\":\"application\",\"application_id\":\"z\",\"candidate_id\":\"c\","
                       "\"post_id\":\"p\",\"compatibility_score\":101}";
    jm_error err = {0};
    ck_assert_int_eq(jm_report_add_ndjson(rep, line, strlen(line), scratch, &err), JM_EVALUE);
    ck_assert(strstr(err.text, "compatibility_score") != NULL);
    ck_assert_uint_eq(jm_report_count(rep, JM_KIND_APPLICATION), 0);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

/* The renderers produce every section; colour only when asked. */
START_TEST(text_and_html_sections)
{
    jm_report *rep = small_report(1);
    jm_buf t = {0}, c = {0}, h = {0};
    ck_assert_int_eq(jm_report_write_text(rep, NOW, 100, 0, &t), 0);
    ck_assert_int_eq(jm_report_write_text(rep, NOW, 100, JM_REPORT_COLOR, &c), 0);
    ck_assert_int_eq(jm_report_write_html(rep, NOW, 5, &h), 0);
    static const char *sections[] = {"Key metrics",
                                     "Freshness",
                                     "Applications over time",
                                     "3-hour interval",
                                     "job families",
                                     "Job posts by category",
                                     "score distribution",
                                     "Application status",
                                     "work mode",
                                     "employment type",
                                     "education level",
                                     "Salaries offered",
                                     "Salaries candidates expect",
                                     "countries",
                                     "Jobs in every country",
                                     "recent applications",
                                     "Bias audit by gender"};
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        ck_assert_msg(strstr(t.data, sections[i]), "no section %s", sections[i]);
    ck_assert(strchr(t.data, '\033') == NULL);
    ck_assert(strchr(c.data, '\033') != NULL);
    /* every line fits the width (code points, not bytes) */
    size_t cols = 0;
    for (const char *p = t.data; *p; p++) {
        if (*p == '\n') {
            ck_assert_uint_le(cols, 100);
            cols = 0;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            cols++;
        }
    }
    static const char *charts[] = {
        "time",     "intervals", "families",     "categories",       "scores",
        "statuses", "boxplots",  "work-modes",   "employment-types", "education",
        "salaries", "asks",      "offer-vs-ask", "countries",        "tiles",
        "recent"};
    char want[64];
    for (size_t i = 0; i < sizeof charts / sizeof *charts; i++) {
        snprintf(want, sizeof want, "data-chart=\"%s\"", charts[i]);
        ck_assert_msg(strstr(h.data, want), "no chart %s", charts[i]);
    }
    ck_assert(strstr(h.data, "\"refresh\":5,"));
    /* a strict policy: only the page's own script and style sheet, by hash */
    ck_assert(strstr(h.data, "script-src 'sha256-") && !strstr(h.data, "unsafe-inline"));
    ck_assert(strstr(h.data, "http://") == NULL && strstr(h.data, "https://") == NULL);
    jm_buf_free(&t);
    jm_buf_free(&c);
    jm_buf_free(&h);
    jm_report_free(rep);
}
END_TEST

static void add_line(jm_report *rep, jm_record *scratch, const char *line)
{
    jm_error err = {0};
    int rc = jm_report_add_ndjson(rep, line, strlen(line), scratch, &err);
    ck_assert_msg(rc == 0, "%d %s: %s", rc, err.text, line);
}

/* The figures the reference dashboard has: applications over time in 3-hour buckets, job posts
 * by category, candidates' expected salary (else current), offers beside asks, and every
 * country. */
START_TEST(time_categories_asks_countries)
{
    jm_report *rep = small_report(0);
    cJSON *d = report_json(rep, NOW);
    /* dates 2025-12-01T01:00, 04:30, 23:59:59, 2025-12-02T00:00, 03:00 (and one undated) */
    NUM_EQ(d, "applications_over_time.bucket_hours", 3);
    STR_EQ(d, "applications_over_time.from", "2025-12-01T00:00:00Z");
    STR_EQ(d, "applications_over_time.to", "2025-12-02T06:00:00Z");
    static const int want[10] = {1, 1, 0, 0, 0, 0, 0, 1, 1, 1};
    cJSON *counts = at(d, "applications_over_time.counts");
    ck_assert_int_eq(cJSON_GetArraySize(counts), 10);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(cJSON_GetArrayItem(counts, i)->valueint, want[i]);
    STR_EQ(d, "jobs_by_category.0.name", "(unknown)");
    NUM_EQ(d, "jobs_by_category.0.count", 3);
    ck_assert_int_eq(cJSON_GetArraySize(at(d, "jobs_by_country")), 2);
    NUM_EQ(d, "candidate_salary_histogram.candidates", 0);
    cJSON_Delete(d);
    jm_report_free(rep);

    rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    add_line(rep, scratch,
             "{\"type\":\"candidate\",\"candidate_id\":\"c1\",\"expected_salary\":90000}");
    add_line(rep, scratch,
             "{\"type\":\"candidate\",\"candidate_id\":\"c2\",\"current_salary\":50500}");
    add_line(rep, scratch, "{\"type\":\"candidate\",\"candidate_id\":\"c3\"}");
    add_line(rep, scratch,
             "{\"type\":\"job_post\",\"post_id\":\"j1\",\"job_category\":\"Consulting\","
             "\"salary_max\":60000}");
    add_line(rep, scratch,
             "{\"type\":\"job_post\",\"post_id\":\"j2\",\"job_category\":\"Consulting\","
             "\"salary_min\":91000}");
    add_line(rep, scratch,
             "{\"type\":\"job_post\",\"post_id\":\"j3\",\"job_category\":\"Human Resources\"}");
    /* 3-hour buckets across the dates: 10 years apart, the series widens to stay bounded */
    add_line(rep, scratch,
             "{\"type\":\"application\",\"application_id\":\"a1\",\"candidate_id\":\"c1\","
             "\"post_id\":\"j1\",\"application_date\":\"2020-01-01T00:00:00Z\"}");
    add_line(rep, scratch,
             "{\"type\":\"application\",\"application_id\":\"a2\",\"candidate_id\":\"c1\","
             "\"post_id\":\"j2\",\"application_date\":\"2030-01-01T00:00:00Z\"}");
    d = report_json(rep, NOW);
    STR_EQ(d, "jobs_by_category.0.name", "Consulting");
    NUM_EQ(d, "jobs_by_category.0.count", 2);
    NUM_EQ(d, "jobs_by_category.1.count", 1);
    NUM_EQ(d, "candidate_salary_histogram.candidates", 2); /* c3 has neither salary */
    NUM_EQ(d, "candidate_salary_histogram.min", 50500);
    NUM_EQ(d, "candidate_salary_histogram.max", 90000);
    /* offers 60000 and 91000, asks 50500 and 90000, on one set of bins from 50000 */
    cJSON *bins = at(d, "salary_offer_vs_ask.bins");
    double jobs = 0, cands = 0;
    for (cJSON *b = bins->child; b; b = b->next) {
        jobs += cJSON_GetObjectItem(b, "jobs")->valuedouble;
        cands += cJSON_GetObjectItem(b, "candidates")->valuedouble;
    }
    ck_assert(jobs == 2 && cands == 2);
    NUM_EQ(d, "salary_offer_vs_ask.bins.0.from", 50000);
    NUM_EQ(d, "salary_offer_vs_ask.bins.0.candidates", 1);
    double bucket = num(d, "applications_over_time.bucket_hours");
    counts = at(d, "applications_over_time.counts");
    /* ten years of 3-hour buckets is 29,220: over the 16,384 kept, so 6-hour buckets */
    ck_assert_msg(bucket == 6, "bucket of %g hours", bucket);
    double total = 0;
    for (cJSON *c = counts->child; c; c = c->next)
        total += c->valuedouble;
    ck_assert(total == 2);
    ck_assert_int_le(cJSON_GetArraySize(counts), 1 << 14);
    cJSON_Delete(d);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

/* A salary of 1e100 once overran num()'s buffer; every renderer takes it. */
START_TEST(huge_numbers_render)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    add_line(rep, scratch, "{\"type\":\"job_post\",\"post_id\":\"P1\",\"salary_max\":1e100}");
    add_line(rep, scratch, "{\"type\":\"job_post\",\"post_id\":\"P2\",\"salary_max\":-1e300}");
    add_line(rep, scratch,
             "{\"type\":\"candidate\",\"candidate_id\":\"C1\",\"expected_salary\":1.7e308}");
    cJSON *d = report_json(rep, NOW);
    NUM_EQ(d, "salary_histogram.max", 1e100);
    ck_assert(num(d, "salary_histogram.max") == 1e100);
    ck_assert(num(d, "candidate_salary_histogram.max") == 1.7e308);
    cJSON_Delete(d);
    jm_buf t = {0}, h = {0};
    ck_assert_int_eq(jm_report_write_text(rep, NOW, 80, 0, &t), 0);
    ck_assert_int_eq(jm_report_write_html(rep, NOW, 0, &h), 0);
    ck_assert(strstr(t.data, "Salaries offered") != NULL);
    jm_buf_free(&t);
    jm_buf_free(&h);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

/* Control characters from the data never reach the terminal: an OSC sequence in a company
 * name, a bell in a candidate's name, C1 controls in a family. */
START_TEST(terminal_text_escapes_controls)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    add_line(rep, scratch,
             "{\"type\":\"job_post\",\"post_id\":\"j\",\"job_title\":\"Dev\",\"company\":"
             "\"\\u001b]0;owned\\u0007Evil\\u001b[2J\",\"work_mode\":\"\\u001b[31mRed\"}");
    add_line(rep, scratch,
             "{\"type\":\"candidate\",\"candidate_id\":\"c\",\"full_name\":\"Bell\\u0007\\u007f\","
             "\"gender\":\"\\u009b31m\"}");
    add_line(rep, scratch,
             "{\"type\":\"application\",\"application_id\":\"a\",\"candidate_id\":\"c\","
             "\"post_id\":\"j\",\"job_family\":\"Fam\\u0085ily\\u009d0;x\",\"status\":"
             "\"\\r\\nApplied\",\"timestamp\":\"2026-01-01T00:00:00Z\"}");
    for (int color = 0; color <= 1; color++) {
        jm_report *r2 = rep;
        jm_buf t = {0};
        ck_assert_int_eq(jm_report_write_text(r2, NOW, 120, color ? JM_REPORT_COLOR : 0, &t), 0);
        for (size_t i = 0; i < t.len; i++) {
            unsigned char ch = (unsigned char)t.data[i];
            if (ch == '\033') {
                /* only the report's own SGR colour sequences, and only when asked */
                ck_assert_msg(color && t.data[i + 1] == '[', "escape at %zu", i);
                size_t j = i + 2;
                while ((t.data[j] >= '0' && t.data[j] <= '9') || t.data[j] == ';')
                    j++;
                ck_assert_msg(t.data[j] == 'm', "a non-SGR sequence at %zu", i);
                continue;
            }
            ck_assert_msg(ch >= 0x20 || ch == '\n', "control 0x%02x at %zu", ch, i);
            ck_assert_msg(ch != 0x7F, "DEL at %zu", i);
            if (ch == 0xC2)
                ck_assert_msg(
                    !((unsigned char)t.data[i + 1] >= 0x80 && (unsigned char)t.data[i + 1] <= 0x9F),
                    "C1 control at %zu", i);
        }
        if (!color) {
            ck_assert(strstr(t.data, "\xE2\x90\x9B]0;owned\xE2\x90\x87"
                                     "Evil") != NULL);                         /* ␛ ␇ */
            ck_assert(strstr(t.data, "Bell\xE2\x90\x87\xE2\x90\xA1") != NULL); /* ␇ ␡ */
        }
        jm_buf_free(&t);
    }
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

static void app_for(jm_report *rep, jm_record *scratch, int *n, const char *cand, int selected,
                    int score)
{
    char line[400];
    snprintf(line, sizeof line,
             "{\"type\":\"application\",\"application_id\":\"a%d\",\"candidate_id\":\"%s\","
             "\"post_id\":\"p\",\"compatibility_score\":%d,\"status\":\"%s\"}",
             (*n)++, cand, score, selected ? "Interview Scheduled" : "Applied");
    add_line(rep, scratch, line);
}

static cJSON *group_row(cJSON *d, int by, const char *group)
{
    char path[64];
    snprintf(path, sizeof path, "audit.by.%d.groups", by);
    for (cJSON *g = at(d, path)->child; g; g = g->next)
        if (strcmp(cJSON_GetObjectItem(g, "group")->valuestring, group) == 0)
            return g;
    ck_abort_msg("no group %s in audit %d", group, by);
    return NULL;
}

/* A constructed population with a known answer. Gender: men 600 applications (300 selected),
 * women 580 (290 selected: the same rate), "Other" 20 (20 selected: 1.7% of 1,200, under the 2%
 * minimum, so left out, and not the reference). By gender × education: women with a Master's
 * are selected at 20% against 50% for everyone else (ratio 0.4, flagged). */
START_TEST(audit_minimum_share_and_intersections)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    ck_assert_int_eq(jm_report_audit_by(rep, "gender"), 0);
    ck_assert_int_eq(jm_report_audit_by(rep, "gender+education_level"), 0);
    ck_assert_int_eq(jm_report_audit_by(rep, "education_level+gender"), JM_EINVAL); /* again */
    ck_assert_int_eq(jm_report_audit_by(rep, "gender+gender"), JM_EINVAL);
    ck_assert_int_eq(jm_report_audit_by(rep, "gender+skills"), JM_EINVAL);
    ck_assert_int_eq(jm_report_set_audit_min_share(rep, 1.5), JM_EINVAL);
    static const struct {
        const char *id, *gender, *edu;
        int apps, selected;
    } pop[] = {
        {"m-b", "male", "Bachelor", 300, 150},   {"m-m", "male", "Master", 300, 150},
        {"f-b", "female", "Bachelor", 380, 250}, {"f-m", "female", "Master", 200, 40},
        {"o-b", "Other", "Bachelor", 20, 20},
    };
    char line[300];
    int n = 0;
    for (size_t k = 0; k < sizeof pop / sizeof *pop; k++) {
        snprintf(line, sizeof line,
                 "{\"type\":\"candidate\",\"candidate_id\":\"%s\",\"gender\":\"%s\","
                 "\"education_level\":\"%s\"}",
                 pop[k].id, pop[k].gender, pop[k].edu);
        add_line(rep, scratch, line);
        for (int i = 0; i < pop[k].apps; i++)
            app_for(rep, scratch, &n, pop[k].id, i < pop[k].selected, 50);
    }
    cJSON *d = report_json(rep, NOW);
    NUM_EQ(d, "audit.min_group_share", 0.02);
    STR_EQ(d, "audit.by.0.field", "gender");
    STR_EQ(d, "audit.by.0.selection_reference", "male"); /* 50% = female's; the larger first */
    cJSON *other = group_row(d, 0, "Other");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(other, "excluded")));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(other, "selection_impact_ratio")));
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(other, "selection_flag")));
    cJSON *female = group_row(d, 0, "female");
    ck_assert(fabs(cJSON_GetObjectItem(female, "selection_impact_ratio")->valuedouble - 1) < 1e-9);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(female, "selection_flag")));
    /* the intersectional audit finds what the single fields hide */
    STR_EQ(d, "audit.by.1.field", "gender \xC3\x97 education_level");
    STR_EQ(d, "audit.by.1.fields.1", "education_level");
    STR_EQ(d, "audit.by.1.selection_reference", "female \xC3\x97 Bachelor"); /* 250/380 */
    cJSON *fm = group_row(d, 1, "female \xC3\x97 Master");
    ck_assert(fabs(cJSON_GetObjectItem(fm, "selection_rate")->valuedouble - 0.2) < 1e-9);
    ck_assert(fabs(cJSON_GetObjectItem(fm, "selection_impact_ratio")->valuedouble -
                   0.2 / (250.0 / 380)) < 1e-6);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(fm, "selection_flag")));
    cJSON *mb = group_row(d, 1, "male \xC3\x97 Bachelor");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(mb, "selection_flag"))); /* 0.5 / 0.658 = 0.76 */
    ck_assert(
        cJSON_IsTrue(cJSON_GetObjectItem(group_row(d, 1, "Other \xC3\x97 Bachelor"), "excluded")));
    cJSON_Delete(d);
    /* Without the minimum, "Other" (100% selected) becomes the reference and flags everyone. */
    ck_assert_int_eq(jm_report_set_audit_min_share(rep, 0), 0);
    d = report_json(rep, NOW);
    STR_EQ(d, "audit.by.0.selection_reference", "Other");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(group_row(d, 0, "male"), "selection_flag")));
    cJSON_Delete(d);
    /* the text and the page name the reference group and label both impact columns */
    jm_buf t = {0}, h = {0};
    ck_assert_int_eq(jm_report_set_audit_min_share(rep, 0.02), 0);
    ck_assert_int_eq(jm_report_write_text(rep, NOW, 100, 0, &t), 0);
    ck_assert_int_eq(jm_report_write_html(rep, NOW, 0, &h), 0);
    ck_assert(strstr(t.data, "Reference group, selection: male"));
    ck_assert(strstr(t.data, "under the minimum share"));
    ck_assert(strstr(t.data, "Groups under 2% of the applications"));
    ck_assert(strstr(h.data, "Selection impact ratio") && strstr(h.data, "Scoring impact ratio"));
    ck_assert(strstr(h.data, "Groups under 2% of the audited applications"));
    ck_assert(strstr(h.data, "Reference group for selection: <b>male</b>"));
    jm_buf_free(&t);
    jm_buf_free(&h);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

/* The page's embedded figures, parsed back. */
static cJSON *page_data(const jm_report *rep)
{
    jm_buf h = {0};
    ck_assert_int_eq(jm_report_write_html(rep, NOW, 0, &h), 0);
    const char *start = strstr(h.data, "id=\"report-data\">");
    ck_assert_ptr_nonnull(start);
    start = strchr(start, '>') + 1;
    const char *end = strstr(start, "</script>");
    cJSON *d = cJSON_ParseWithLength(start, (size_t)(end - start));
    ck_assert_msg(d != NULL, "the page's data does not parse");
    jm_buf_free(&h);
    return d;
}

static int key_index(cJSON *d, const char *dim, const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "keys.%s", dim);
    int i = 0;
    for (cJSON *k = at(d, path)->child; k; k = k->next, i++)
        if (strcmp(k->valuestring, name) == 0)
            return i;
    ck_abort_msg("no %s %s", dim, name);
    return -1;
}

/* Drill-down: each family, status, work mode and country keeps its own figures, and the jobs
 * and candidates of a slice are the ones the SPEC's rules put there. */
START_TEST(drilldown_slices)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    ck_assert_int_eq(jm_report_set_drilldown(rep, 1), 0);
    /* Human Resources is in family 8 only; Consulting in 6, 7 and 8 */
    add_line(rep, scratch,
             "{\"type\":\"job_post\",\"post_id\":\"j1\",\"job_category\":\"Human Resources\","
             "\"work_mode\":\"Remote\",\"location_country\":\"USA\",\"salary_max\":50000}");
    add_line(rep, scratch,
             "{\"type\":\"job_post\",\"post_id\":\"j2\",\"job_category\":\"Consulting\","
             "\"work_mode\":\"Hybrid\",\"location_country\":\"Peru\"}");
    add_line(rep, scratch,
             "{\"type\":\"job_post\",\"post_id\":\"j3\",\"job_category\":\"Sales / Client "
             "Services\",\"work_mode\":\"Remote\",\"location_country\":\"Peru\"}");
    add_line(rep, scratch,
             "{\"type\":\"candidate\",\"candidate_id\":\"c1\",\"education_level\":\"BA\"}");
    add_line(rep, scratch,
             "{\"type\":\"candidate\",\"candidate_id\":\"c2\",\"education_level\":\"MA\"}");
    static const char *apps[] = {
        "{\"type\":\"application\",\"application_id\":\"a1\",\"candidate_id\":\"c1\",\"post_id\":"
        "\"j1\",\"job_family\":\"Human Resources & Talent\",\"compatibility_score\":70,"
        "\"status\":\"Applied\",\"application_date\":\"2026-01-01T01:00:00Z\"}",
        "{\"type\":\"application\",\"application_id\":\"a2\",\"candidate_id\":\"c2\",\"post_id\":"
        "\"j2\",\"job_family\":\"Human Resources & Talent\",\"compatibility_score\":90,"
        "\"status\":\"Interview Scheduled\",\"application_date\":\"2026-01-02T01:00:00Z\"}",
        "{\"type\":\"application\",\"application_id\":\"a3\",\"candidate_id\":\"c2\",\"post_id\":"
        "\"j3\",\"job_family\":\"Sales, Customer Success & Support\",\"compatibility_score\":40,"
        "\"status\":\"Applied\"}",
    };
    for (size_t i = 0; i < 3; i++)
        add_line(rep, scratch, apps[i]);
    cJSON *d = page_data(rep);
    ck_assert_int_eq(jm_report_set_drilldown(rep, 0), JM_EINVAL); /* only before records */
    char path[128];
    int hr = key_index(d, "family", "Human Resources & Talent");
    snprintf(path, sizeof path, "views.family.%d", hr);
    cJSON *v = at(d, path);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "apps")->valueint, 2);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "score_sum")->valueint, 160);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "interviews")->valueint, 1);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "jobs")->valueint, 2);       /* j1, j2 by category */
    ck_assert_int_eq(cJSON_GetObjectItem(v, "candidates")->valueint, 2); /* c1, c2 applied */
    int peru = key_index(d, "country", "Peru");
    snprintf(path, sizeof path, "views.country.%d", peru);
    v = at(d, path);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "apps")->valueint, 2);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "jobs")->valueint, 2);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "candidates")->valueint, 1);
    ck_assert_int_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(v, "country"), peru)->valueint, 2);
    int remote = key_index(d, "work_mode", "Remote");
    snprintf(path, sizeof path, "views.work_mode.%d", remote);
    v = at(d, path);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "apps")->valueint, 2); /* a1 on j1, a3 on j3 */
    ck_assert_int_eq(cJSON_GetObjectItem(v, "undated")->valueint, 1);
    int applied = key_index(d, "status", "Applied");
    snprintf(path, sizeof path, "views.status.%d", applied);
    v = at(d, path);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "apps")->valueint, 2);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "jobs")->valueint, 2); /* j1, j3 had an Applied */
    ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "offers"), "n")->valueint, 1);
    /* the whole input */
    v = at(d, "views.all");
    ck_assert_int_eq(cJSON_GetObjectItem(v, "apps")->valueint, 3);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "jobs")->valueint, 3);
    ck_assert_int_eq(cJSON_GetObjectItem(v, "candidates")->valueint, 2);
    double t = 0;
    for (cJSON *c = cJSON_GetObjectItem(v, "time")->child; c; c = c->next)
        t += c->valuedouble;
    ck_assert(t == 2);
    cJSON_Delete(d);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST


/* jm-match's own shape, read by the fast scanner, follows the one rule for times and numbers:
 * a date that does not exist and an infinite component are refused, as jm_parse_ndjson()
 * refuses them, not read as 2 March or accepted unseen. */
START_TEST(fast_path_same_rules)
{
    static const char *const lines[] = {
        "{\"type\":\"application\",\"application_id\":\"a1\",\"candidate_id\":\"c\",\"post_id\":"
        "\"p\",\"job_family\":\"F\",\"compatibility_score\":50,\"components\":{\"category\":15,"
        "\"skills\":10,\"experience\":10,\"seniority\":10,\"salary\":5},\"status\":\"Applied\","
        "\"match_reason\":\"r\",\"application_method\":\"Email\",\"application_date\":"
        "\"2025-02-30T10:00:00Z\",\"timestamp\":\"2025-02-01T00:00:00Z\"}",
        "{\"type\":\"application\",\"application_id\":\"a2\",\"candidate_id\":\"c\",\"post_id\":"
        "\"p\",\"job_family\":\"F\",\"compatibility_score\":50,\"components\":{\"category\":15,"
        "\"skills\":1e400,\"experience\":10,\"seniority\":10,\"salary\":5},\"status\":\"Applied\","
        "\"match_reason\":\"r\",\"application_method\":\"Email\",\"application_date\":"
        "\"2025-02-03T10:00:00Z\",\"timestamp\":\"2025-02-01T00:00:00Z\"}",
    };
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    for (unsigned i = 0; i < 2; i++) {
        jm_error err = {0};
        ck_assert_int_eq(jm_report_add_ndjson(rep, lines[i], strlen(lines[i]), scratch, &err),
                         JM_EVALUE);
    }
    ck_assert_uint_eq(jm_report_count(rep, JM_KIND_APPLICATION), 0);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

/* --dedup-window is capped (JM_REPORT_MAX_DEDUP_WINDOW) and its memory taken as the window
 * fills, not 24 bytes per id up front; a window that grew is still exact. */
START_TEST(dedup_window_capped_and_grown)
{
    jm_report *rep = jm_report_new(NULL);
    ck_assert_int_eq(jm_report_set_dedup_window(rep, JM_REPORT_MAX_DEDUP_WINDOW + 1), JM_EINVAL);
    ck_assert_int_eq(jm_report_set_dedup_window(rep, (size_t)1 << 32), JM_EINVAL);
    ck_assert_int_eq(jm_report_set_dedup_window(rep, JM_REPORT_MAX_DEDUP_WINDOW), 0);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    size_t before = jm_test_heap_bytes();
    add_app(rep, scratch, "first", "c", 50, "Applied");
    ck_assert_uint_lt(jm_test_heap_bytes() - before, (size_t)4 << 20);
    jm_report_free(rep);

    rep = jm_report_new(NULL);
    ck_assert_int_eq(jm_report_set_dedup_window(rep, 4096), 0);
    char id[16];
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "y%d", i);
        add_app(rep, scratch, id, "c", 50, "Applied");
    }
    /* The last 4096 distinct ids are y904..y4999. */
    char line[128];
    snprintf(line, sizeof line,
             "{\"type\":\"application\",\"application_id\":\"y904\",\"candidate_id\":\"c\","
             "\"post_id\":\"p\"}");
    ck_assert_int_eq(jm_report_add_ndjson(rep, line, strlen(line), scratch, NULL), JM_EDUP);
    add_app(rep, scratch, "y903", "c", 50, "Applied");
    ck_assert_uint_eq(jm_report_count(rep, JM_KIND_APPLICATION), 5001);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

/* A job whose deadline is exactly "now" is still active: the deadline is the last moment it
 * takes applications. One a millisecond earlier is not. */
START_TEST(deadline_equal_to_now_is_active)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    const char *lines[] = {
        "{\"type\":\"job_post\",\"post_id\":\"now\",\"deadline_date\":\"2026-01-01T00:01:05Z\"}",
        "{\"type\":\"job_post\",\"post_id\":\"past\","
        "\"deadline_date\":\"2026-01-01T00:01:04.999Z\"}",
        "{\"type\":\"job_post\",\"post_id\":\"later\","
        "\"deadline_date\":\"2026-01-01T00:01:05.001Z\"}",
    };
    for (unsigned i = 0; i < 3; i++)
        ck_assert_int_eq(jm_report_add_ndjson(rep, lines[i], strlen(lines[i]), scratch, NULL), 0);
    cJSON *d = report_json(rep, NOW);
    NUM_EQ(d, "metrics.jobs", 3);
    NUM_EQ(d, "metrics.active_jobs", 2);
    cJSON_Delete(d);
    jm_buf t = {0};
    ck_assert_int_eq(jm_report_write_text(rep, NOW, 100, 0, &t), 0);
    ck_assert_msg(strstr(t.data, "2 of 3"), "%s", t.data);
    jm_buf_free(&t);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

/* The text report's countries: with 16 countries, the 15 with most jobs are shown, in order,
 * and the 16th is not. */
START_TEST(text_report_top_15_of_16_countries)
{
    jm_report *rep = jm_report_new(NULL);
    jm_record *scratch = jm_record_new(JM_KIND_NONE, NULL);
    char line[256];
    int n = 0;
    for (int c = 0; c < 16; c++)
        for (int k = 0; k < 16 - c; k++) {
            snprintf(line, sizeof line,
                     "{\"type\":\"job_post\",\"post_id\":\"j%d\",\"location_country\":\"Xq%c\"}",
                     n++, 'a' + c);
            ck_assert_int_eq(jm_report_add_ndjson(rep, line, strlen(line), scratch, NULL), 0);
        }
    jm_buf t = {0};
    ck_assert_int_eq(jm_report_write_text(rep, NOW, 100, 0, &t), 0);
    const char *sec = strstr(t.data, "Top 15 countries by jobs");
    ck_assert_ptr_nonnull(sec);
    const char *prev = sec;
    char name[4];
    for (int c = 0; c < 15; c++) {
        snprintf(name, sizeof name, "Xq%c", 'a' + c);
        const char *at = strstr(sec, name);
        ck_assert_msg(at && at > prev, "%s missing or out of order", name);
        prev = at;
    }
    /* The 16th is not among the top 15, but the list of every country holds it. */
    const char *every = strstr(sec, "Jobs in every country");
    ck_assert_ptr_nonnull(every);
    const char *p16 = strstr(sec, "Xqp");
    ck_assert_msg(p16 && p16 > every, "Xqp in the top 15, or missing from every country");
    jm_buf_free(&t);
    jm_record_free(scratch);
    jm_report_free(rep);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, key_metrics_and_freshness);
    tcase_add_test(tc, freshness_ahead_of_the_clock);
    tcase_add_test(tc, intervals_families_scores);
    tcase_add_test(tc, statuses_jobs_candidates_recent);
    tcase_add_test(tc, recent_keeps_the_newest_hundred);
    tcase_add_test(tc, distinct_counting_window);
    tcase_add_test(tc, distinct_counting_exact_and_estimate);
    tcase_add_test(tc, audit_small);
    tcase_add_test(tc, audit_known_disparity);
    tcase_add_test(tc, json_schema);
    tcase_add_test(tc, fast_and_slow_paths_agree);
    tcase_add_test(tc, bad_score_rejected);
    tcase_add_test(tc, text_and_html_sections);
    tcase_add_test(tc, time_categories_asks_countries);
    tcase_add_test(tc, huge_numbers_render);
    tcase_add_test(tc, terminal_text_escapes_controls);
    tcase_add_test(tc, audit_minimum_share_and_intersections);
    tcase_add_test(tc, drilldown_slices);
    tcase_add_test(tc, fast_path_same_rules);
    tcase_add_test(tc, dedup_window_capped_and_grown);
    tcase_add_test(tc, deadline_equal_to_now_is_active);
    tcase_add_test(tc, text_report_top_15_of_16_countries);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
