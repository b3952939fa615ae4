/* Checks the streaming join of SPEC "Streaming join": the same pairs whatever the arrival
 * order, each joined pair once, duplicates, watermark and TTL eviction, deadline expiry, top K
 * and the counters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "testutil.h"

typedef struct got {
    char line[512][160];
    size_t n;
} got;

static int on_app(void *ctx, const jm_record *app)
{
    got *g = ctx;
    ck_assert_uint_lt(g->n, 512);
    ck_assert_int_eq(jm_record_kind(app), JM_KIND_APPLICATION);
    snprintf(g->line[g->n++], sizeof g->line[0], "%s %s %lld %s",
             jm_record_string(app, JM_FIELD_CANDIDATE_ID), jm_record_string(app, JM_FIELD_POST_ID),
             (long long)jm_record_integer(app, JM_FIELD_COMPATIBILITY_SCORE),
             jm_record_string(app, JM_FIELD_JOB_FAMILY));
    return 0;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void sort_got(got *g)
{
    qsort(g->line, g->n, sizeof g->line[0], cmp_line);
}

/* A mix: several shared families, unknown categories, no category. */
static const char *const pool[] = {
    "{\"type\":\"job_post\",\"post_id\":\"J1\",\"job_category\":\"Software Development & Web / "
    "Mobile\",\"required_skills\":[\"C\",\"Go\"],\"years_experience\":\"3-5 years\"}",
    "{\"type\":\"job_post\",\"post_id\":\"J2\",\"job_category\":\"Quality Assurance / "
    "Testing\",\"required_skills\":[\"Testing\"],\"salary_max\":100}",
    "{\"type\":\"job_post\",\"post_id\":\"J3\",\"job_category\":\"Data & "
    "Analytics\",\"required_skills\":[\"SQL\",\"Python\"],\"experience_level\":\"Senior\"}",
    "{\"type\":\"job_post\",\"post_id\":\"J4\",\"job_category\":\"Underwater Welding\"}",
    "{\"type\":\"job_post\",\"post_id\":\"J5\",\"job_category\":\"Consulting\",\"salary_max\":90}",
    "{\"type\":\"job_post\",\"post_id\":\"J6\"}",
    "{\"type\":\"job_post\",\"post_id\":\"J7\",\"job_category\":\"DevOps / Infrastructure / "
    "Cloud\"}",
    "{\"type\":\"candidate\",\"candidate_id\":\"C1\",\"job_category\":\"software development & web "
    "/ mobile\",\"skills\":[\"go\",\"c\"],\"years_experience\":\"5 years\"}",
    "{\"type\":\"candidate\",\"candidate_id\":\"C2\",\"job_category\":\"Quality Assurance / "
    "Testing\",\"skills\":[\"testing\",\"C\"],\"expected_salary\":100}",
    "{\"type\":\"candidate\",\"candidate_id\":\"C3\",\"job_category\":\"Emerging / Specialized "
    "Tech\",\"skills\":[\"Python\"],\"experience_level\":\"Junior\"}",
    "{\"type\":\"candidate\",\"candidate_id\":\"C4\",\"job_category\":\" UNDERWATER welding \"}",
    "{\"type\":\"candidate\",\"candidate_id\":\"C5\",\"job_category\":\"Human "
    "Resources\",\"current_salary\":100}",
    "{\"type\":\"candidate\",\"candidate_id\":\"C6\",\"job_category\":\"Support / Ops / Other Tech "
    "Roles\"}",
    "{\"type\":\"candidate\",\"candidate_id\":\"C7\"}",
};
enum { NPOOL = sizeof pool / sizeof *pool };

/* jm_matcher_add_take() of a record the test made: the matcher always takes it. */
static int add_take(jm_matcher *m, jm_record *rec, int64_t fallback_time_ms)
{
    int rc = jm_matcher_add_take(m, &rec, fallback_time_ms);
    ck_assert_ptr_null(rec);
    return rc;
}

static jm_matcher *new_matcher(got *g, int min_score, int64_t ttl, unsigned top)
{
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = min_score;
    o.state_ttl_ms = ttl;
    o.top_k = top;
    jm_matcher *m = jm_matcher_new(&o, on_app, g, NULL);
    ck_assert_ptr_nonnull(m);
    return m;
}

static void run_order(const int *order, got *g, jm_matcher_stats *st)
{
    memset(g, 0, sizeof *g);
    jm_matcher *m = new_matcher(g, 0, 0, 0);
    for (int i = 0; i < NPOOL; i++)
        ck_assert_int_eq(add_take(m, jm_test_record(pool[order[i]]), 1000 + i), 0);
    jm_matcher_get_stats(m, st);
    jm_matcher_free(m);
}

/* Brute force: every (candidate, job) pair jm_score_pair() joins. */
static void brute_force(got *g)
{
    memset(g, 0, sizeof *g);
    for (int c = 0; c < NPOOL; c++) {
        jm_record *rc = jm_test_record(pool[c]);
        for (int j = 0; j < NPOOL; j++) {
            jm_record *rj = jm_test_record(pool[j]);
            jm_score s;
            if (jm_record_kind(rc) == JM_KIND_CANDIDATE && jm_record_kind(rj) == JM_KIND_JOB_POST &&
                jm_score_pair(rc, rj, NULL, &s) == 1)
                snprintf(g->line[g->n++], sizeof g->line[0], "%s %s %d %s", jm_record_id(rc),
                         jm_record_id(rj), s.score, s.family);
            jm_record_free(rj);
        }
        jm_record_free(rc);
    }
    sort_got(g);
}

/* Symmetric: jobs first, candidates first, reversed and shuffled orders all give exactly the
 * pairs brute force finds, each once. */
START_TEST(symmetric_join_any_order)
{
    static got want, g;
    brute_force(&want);
    ck_assert_uint_ge(want.n, 6);
    int order[NPOOL];
    jm_matcher_stats st = {.struct_size = sizeof st};
    srand(7);
    for (int round = 0; round < 12; round++) {
        for (int i = 0; i < NPOOL; i++)
            order[i] = round == 1 ? NPOOL - 1 - i : i; /* 0: jobs first, 1: candidates first */
        if (round >= 2)
            for (int i = NPOOL - 1; i > 0; i--) {
                int k = rand() % (i + 1), t = order[i];
                order[i] = order[k];
                order[k] = t;
            }
        run_order(order, &g, &st);
        ck_assert_uint_eq(st.applications, g.n);
        ck_assert_uint_eq(st.pairs_scored, want.n);
        ck_assert_uint_eq(st.records, NPOOL);
        sort_got(&g);
        ck_assert_uint_eq(g.n, want.n);
        for (size_t i = 0; i < g.n; i++) {
            ck_assert_str_eq(g.line[i], want.line[i]);
            if (i)
                ck_assert_str_ne(g.line[i], g.line[i - 1]); /* once each */
        }
    }
    /* Spot checks of the taxonomy rules through the join. */
    int found = 0;
    for (size_t i = 0; i < want.n; i++) {
        found +=
            strncmp(want.line[i], "C4 J4 ", 6) == 0 && strstr(want.line[i], "Underwater Welding");
        found += strncmp(want.line[i], "C2 J1 ", 6) == 0 &&
                 strstr(want.line[i], "Quality Engineering & Testing");
        ck_assert_msg(strncmp(want.line[i], "C7 ", 3) && !strstr(want.line[i], " J6 "), "%s",
                      want.line[i]);
    }
    ck_assert_int_eq(found, 2);
}
END_TEST

/* Output order follows input order: each arrival's applications come when it arrives. */
START_TEST(min_score_and_output_order)
{
    static got g;
    memset(&g, 0, sizeof g);
    jm_matcher *m = new_matcher(&g, 60, 0, 0);
    add_take(m, jm_test_record(pool[0]), 0); /* J1 */
    add_take(m, jm_test_record(pool[7]), 0); /* C1: same category, skills, years */
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.line[0], "C1 J1 90 Core Engineering & Development");
    add_take(m, jm_test_record(pool[1]), 0); /* J2 with C1: 15 + 0 + 10 + 5 + 5 */
    ck_assert_uint_eq(g.n, 1);
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.pairs_scored, 2);
    ck_assert_uint_eq(st.applications, 1);
    jm_matcher_free(m);
}
END_TEST

START_TEST(duplicates_counted_and_skipped)
{
    static got g;
    memset(&g, 0, sizeof g);
    jm_matcher *m = new_matcher(&g, 0, 0, 0);
    ck_assert_int_eq(add_take(m, jm_test_record(pool[0]), 0), 0);
    ck_assert_int_eq(add_take(m, jm_test_record(pool[7]), 0), 0);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_int_eq(add_take(m, jm_test_record(pool[0]), 0), JM_EDUP);
    ck_assert_int_eq(add_take(m, jm_test_record(pool[7]), 0), JM_EDUP);
    /* A different record under a held id is still a duplicate. */
    ck_assert_int_eq(
        add_take(m, jm_test_record("{\"candidate_id\":\"C1\",\"job_category\":\"Consulting\"}"), 0),
        JM_EDUP);
    ck_assert_uint_eq(g.n, 1);
    /* The same id string in the other kind is not a duplicate. */
    ck_assert_int_eq(add_take(m, jm_test_record("{\"candidate_id\":\"J1\"}"), 0), 0);
    /* Applications and records without id are refused and counted. */
    ck_assert_int_eq(add_take(m,
                              jm_test_record("{\"type\":\"application\",\"application_id\":\"a\","
                                             "\"candidate_id\":\"c\",\"post_id\":\"p\"}"),
                              0),
                     JM_EKIND);
    jm_record *noid = jm_record_new(JM_KIND_JOB_POST, NULL);
    ck_assert_int_eq(add_take(m, noid, 0), JM_ENOID);
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.duplicates, 3);
    ck_assert_uint_eq(st.records, 8);
    ck_assert_uint_eq(st.applications, 1);
    ck_assert_uint_eq(st.held_jobs, 1);
    ck_assert_uint_eq(st.held_candidates, 2);
    jm_matcher_free(m);
}
END_TEST

static jm_record *at(const char *kind_id, const char *ts, const char *extra)
{
    char buf[512];
    int job = kind_id[0] == 'J';
    snprintf(
        buf, sizeof buf,
        "{\"type\":\"%s\",\"%s\":\"%s\",\"job_category\":\"Consulting\",\"timestamp\":\"%s\"%s}",
        job ? "job_post" : "candidate", job ? "post_id" : "candidate_id", kind_id, ts, extra);
    return jm_test_record(buf);
}

/* Records leave state when their event time falls behind the watermark (max event time -
 * lateness) by more than the TTL; evictions are counted. */
START_TEST(watermark_ttl_eviction)
{
    static got g;
    memset(&g, 0, sizeof g);
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    ck_assert_int_eq(o.state_ttl_ms, 7LL * 86400000);
    ck_assert_int_eq(o.lateness_ms, 120000);
    ck_assert_int_eq(o.min_score, 30);
    o.min_score = 0;
    o.state_ttl_ms = 60000; /* 1 minute */
    o.lateness_ms = 30000;  /* 30 s */
    jm_matcher *m = jm_matcher_new(&o, on_app, &g, NULL);
    add_take(m, at("J1", "2025-01-01T00:00:00Z", ""), 0);
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_int_eq(st.watermark_ms, 1735689600000LL - 30000);
    /* 90 s later: J1 is exactly TTL behind the watermark, still held. */
    add_take(m, at("C1", "2025-01-01T00:01:30Z", ""), 0);
    ck_assert_uint_eq(g.n, 1);
    /* 90.001 s: J1 leaves; C2 does not meet it. */
    add_take(m, at("C2", "2025-01-01T00:01:30.001Z", ""), 0);
    ck_assert_uint_eq(g.n, 1);
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.evicted, 1);
    ck_assert_uint_eq(st.held_jobs, 0);
    ck_assert_uint_eq(st.held_candidates, 2);
    /* A late job within the TTL meets both candidates. */
    add_take(m, at("J2", "2025-01-01T00:00:45Z", ""), 0);
    ck_assert_uint_eq(g.n, 3);
    /* A job late beyond the TTL is matched against what is held, then not kept. */
    add_take(m, at("J3", "2024-12-31T00:00:00Z", ""), 0);
    ck_assert_uint_eq(g.n, 5);
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.evicted, 2);
    ck_assert_uint_eq(st.held_jobs, 1);
    /* Much later: everything older leaves. */
    add_take(m, at("C3", "2025-01-02T00:00:00Z", ""), 0);
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.evicted, 5);
    ck_assert_uint_eq(st.held_jobs, 0);
    ck_assert_uint_eq(st.held_candidates, 1);
    ck_assert_uint_eq(g.n, 5);
    /* An evicted id may come again: it is not a duplicate any more. */
    ck_assert_int_eq(add_take(m, at("J1", "2025-01-02T00:00:01Z", ""), 0), 0);
    ck_assert_uint_eq(g.n, 6);
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.duplicates, 0);
    jm_matcher_free(m);
}
END_TEST

/* TTL 0 keeps everything; without a timestamp the fallback (read time) is the event time. */
START_TEST(ttl_zero_keeps_all)
{
    static got g;
    memset(&g, 0, sizeof g);
    jm_matcher *m = new_matcher(&g, 0, 0, 0);
    add_take(m, at("J1", "2000-01-01T00:00:00Z", ""), 0);
    add_take(m, at("C1", "2030-01-01T00:00:00Z", ""), 0);
    ck_assert_uint_eq(g.n, 1);
    jm_matcher_free(m);
    memset(&g, 0, sizeof g);
    m = new_matcher(&g, 0, 1000, 0);
    add_take(m, jm_test_record("{\"post_id\":\"J1\",\"job_category\":\"Consulting\"}"), 5000);
    add_take(m, jm_test_record("{\"candidate_id\":\"C1\",\"job_category\":\"Consulting\"}"),
             5000 + 120000 + 1000);
    ck_assert_uint_eq(g.n, 1);
    add_take(m, jm_test_record("{\"candidate_id\":\"C2\",\"job_category\":\"Consulting\"}"),
             5000 + 120000 + 1001);
    ck_assert_uint_eq(g.n, 1);
    jm_matcher_free(m);
}
END_TEST

/* --expire-jobs: a job leaves once its deadline is behind the watermark. */
START_TEST(expire_jobs_by_deadline)
{
    for (int expire = 0; expire <= 1; expire++) {
        static got g;
        memset(&g, 0, sizeof g);
        jm_matcher_options o;
        jm_matcher_options_init(&o);
        o.min_score = 0;
        o.lateness_ms = 0;
        o.expire_jobs = expire;
        jm_matcher *m = jm_matcher_new(&o, on_app, &g, NULL);
        add_take(m, at("J1", "2025-01-01T00:00:00Z", ",\"deadline_date\":\"2025-01-02T00:00:00Z\""),
                 0);
        add_take(m, at("C1", "2025-01-02T00:00:00Z", ""), 0); /* at the deadline */
        ck_assert_uint_eq(g.n, 1);
        add_take(m, at("C2", "2025-01-02T00:00:01Z", ""), 0); /* past it */
        ck_assert_uint_eq(g.n, expire ? 1 : 2);
        jm_matcher_stats st = {.struct_size = sizeof st};
        jm_matcher_get_stats(m, &st);
        ck_assert_uint_eq(st.evicted, expire ? 1 : 0);
        ck_assert_uint_eq(st.held_jobs, expire ? 0 : 1);
        jm_matcher_free(m);
    }
}
END_TEST

/* A job whose score is 10 x k against candidate C (skills weight 100, others 0, C holds ten
 * skills, the job k of them). */
static jm_record *job_k(const char *id, int k)
{
    char buf[512];
    int n =
        snprintf(buf, sizeof buf,
                 "{\"post_id\":\"%s\",\"job_category\":\"Consulting\",\"required_skills\":[", id);
    for (int i = 0; i < k; i++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "%s\"s%d\"", i ? "," : "", i);
    snprintf(buf + n, sizeof buf - (size_t)n, "]}");
    return jm_test_record(buf);
}

static jm_record *cand_c(const char *id)
{
    char buf[512];
    snprintf(buf, sizeof buf,
             "{\"candidate_id\":\"%s\",\"job_category\":\"Consulting\",\"skills\":"
             "[\"s0\",\"s1\",\"s2\",\"s3\",\"s4\",\"s5\",\"s6\",\"s7\",\"s8\",\"s9\"]}",
             id);
    return jm_test_record(buf);
}

static jm_matcher *top_matcher(got *g, unsigned k)
{
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 0;
    o.top_k = k;
    jm_weights_parse("category=0,skills=100,experience=0,seniority=0,salary=0", &o.weights);
    memset(g, 0, sizeof *g);
    jm_matcher *m = jm_matcher_new(&o, on_app, g, NULL);
    ck_assert_ptr_nonnull(m);
    return m;
}

/* --top K: a job applies only when it ranks among the K best jobs seen so far for that
 * candidate; equal scores: the earlier arrival ranks first. */
START_TEST(top_k_candidate_first)
{
    static got g;
    jm_matcher *m = top_matcher(&g, 1);
    add_take(m, cand_c("C"), 0);
    add_take(m, job_k("Ja", 5), 0); /* 50: best so far */
    add_take(m, job_k("Jb", 4), 0); /* 40: not */
    add_take(m, job_k("Jc", 6), 0); /* 60: best */
    add_take(m, job_k("Jd", 6), 0); /* 60, later than Jc: not */
    add_take(m, job_k("Je", 7), 0); /* 70: best */
    ck_assert_uint_eq(g.n, 3);
    ck_assert_str_eq(g.line[0], "C Ja 50 Business, Strategy & Growth");
    ck_assert_str_eq(g.line[1], "C Jc 60 Business, Strategy & Growth");
    ck_assert_str_eq(g.line[2], "C Je 70 Business, Strategy & Growth");
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.pairs_scored, 5);
    ck_assert_uint_eq(st.applications, 3);
    jm_matcher_free(m);

    m = top_matcher(&g, 2);
    add_take(m, cand_c("C"), 0);
    add_take(m, job_k("Ja", 5), 0); /* in */
    add_take(m, job_k("Jb", 4), 0); /* in: second of two */
    add_take(m, job_k("Jc", 3), 0); /* out */
    add_take(m, job_k("Jd", 5), 0); /* ties Ja, after it: second -> in */
    add_take(m, job_k("Je", 4), 0); /* out: Ja, Jd are better */
    ck_assert_uint_eq(g.n, 3);
    ck_assert_str_eq(g.line[2], "C Jd 50 Business, Strategy & Growth");
    jm_matcher_free(m);
}
END_TEST

START_TEST(top_k_jobs_first)
{
    static got g;
    for (unsigned k = 1; k <= 3; k++) {
        jm_matcher *m = top_matcher(&g, k);
        add_take(m, job_k("Ja", 5), 0);
        add_take(m, job_k("Jb", 6), 0);
        add_take(m, job_k("Jc", 6), 0);
        add_take(m, job_k("Jd", 2), 0);
        add_take(m, cand_c("C"), 0);
        /* The K best of the held jobs, in arrival order: Jb, Jc (tie: Jb first), then Ja. */
        ck_assert_uint_eq(g.n, k);
        if (k == 1)
            ck_assert_str_eq(g.line[0], "C Jb 60 Business, Strategy & Growth");
        if (k == 2) {
            ck_assert_str_eq(g.line[0], "C Jb 60 Business, Strategy & Growth");
            ck_assert_str_eq(g.line[1], "C Jc 60 Business, Strategy & Growth");
        }
        if (k == 3) {
            ck_assert_str_eq(g.line[0], "C Ja 50 Business, Strategy & Growth");
            ck_assert_str_eq(g.line[1], "C Jb 60 Business, Strategy & Growth");
            ck_assert_str_eq(g.line[2], "C Jc 60 Business, Strategy & Growth");
        }
        /* A later job counts against those: 60 again ranks after Jb and Jc, so it is in
         * only when K = 3 (above Ja's 50); 90 is always in. */
        size_t before = g.n;
        add_take(m, job_k("Je", 6), 0);
        ck_assert_uint_eq(g.n, before + (k == 3));
        add_take(m, job_k("Jf", 9), 0);
        ck_assert_uint_eq(g.n, before + (k == 3) + 1);
        ck_assert_str_eq(g.line[g.n - 1], "C Jf 90 Business, Strategy & Growth");
        jm_matcher_free(m);
    }
}
END_TEST

START_TEST(options_validated)
{
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    ck_assert_uint_eq(o.struct_size, sizeof o);
    o.struct_size = 8;
    jm_error err;
    ck_assert_ptr_null(jm_matcher_new(&o, NULL, NULL, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "struct_size"));
    jm_matcher_options_init(&o);
    o.state_ttl_ms = -1;
    ck_assert_ptr_null(jm_matcher_new(&o, NULL, NULL, NULL)); /* err may be NULL */
    memset(&err, 0, sizeof err);
    ck_assert_ptr_null(jm_matcher_new_ndjson(&o, NULL, NULL, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert(err.text[0] != '\0' && !strchr(err.text, '\n'));
    jm_matcher *m = jm_matcher_new(NULL, NULL, NULL, &err);
    ck_assert_ptr_nonnull(m);
    /* A NULL record pointer is refused; a NULL record is no kind, counted. */
    ck_assert_int_eq(jm_matcher_add_take(m, NULL, 0), JM_EINVAL);
    jm_record *none = NULL;
    ck_assert_int_eq(jm_matcher_add_take(m, &none, 0), JM_EKIND);
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_int_eq(st.watermark_ms, INT64_MIN);
    jm_matcher_free(m);
    jm_matcher_free(NULL);
}
END_TEST

/* A record without a timestamp takes the newest event time seen: read long after the stamped
 * stream, it neither moves the watermark nor evicts what is held (it once took its read time
 * and emptied the state). Before any timestamp the stream runs on read time; the first
 * timestamp takes over. */
START_TEST(unstamped_record_keeps_the_watermark)
{
    static got g;
    memset(&g, 0, sizeof g);
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 0;
    o.state_ttl_ms = 60000;
    o.lateness_ms = 30000;
    jm_matcher *m = jm_matcher_new(&o, on_app, &g, NULL);
    const int64_t t0 = 1735689600000LL;   /* 2025-01-01 */
    const int64_t read = 1767225600000LL; /* a year later */
    ck_assert_int_eq(add_take(m, at("J1", "2025-01-01T00:00:00Z", ""), read), 0);
    ck_assert_int_eq(
        add_take(m, jm_test_record("{\"candidate_id\":\"C1\",\"job_category\":\"Consulting\"}"),
                 read),
        0);
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_int_eq(st.watermark_ms, t0 - 30000);
    ck_assert_uint_eq(st.evicted, 0);
    ck_assert_uint_eq(st.held_jobs, 1);
    /* A stamped candidate just after still meets J1; J2 meets both candidates. */
    add_take(m, at("C2", "2025-01-01T00:00:10Z", ""), read);
    add_take(m, at("J2", "2025-01-01T00:00:20Z", ""), read);
    ck_assert_uint_eq(g.n, 4);
    /* The unstamped one took the newest event time: it leaves with the stamped stream. */
    add_take(m, at("C3", "2025-01-01T00:01:30.001Z", ""), read);
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.evicted, 2); /* J1 (00:00:00) and C1 (00:00:00) */
    ck_assert_uint_eq(st.held_candidates, 2);
    jm_matcher_free(m);

    /* Only read times so far: they are the event times, until a timestamp takes over. */
    memset(&g, 0, sizeof g);
    m = jm_matcher_new(&o, on_app, &g, NULL);
    add_take(m, jm_test_record("{\"post_id\":\"J1\",\"job_category\":\"Consulting\"}"), read);
    jm_matcher_get_stats(m, &st);
    ck_assert_int_eq(st.watermark_ms, read - 30000);
    add_take(m, at("C1", "2025-01-01T00:00:00Z", ""), read);
    jm_matcher_get_stats(m, &st);
    ck_assert_int_eq(st.watermark_ms, t0 - 30000);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_uint_eq(st.held_jobs, 1);
    jm_matcher_free(m);
}
END_TEST

/* max_future_ms: a timestamp further ahead than that of the caller's clock and of the newest
 * event time is refused (JM_EVALUE, freed, nothing moved); a stream running ahead of the clock
 * carries the bound along. The default, 0, bounds nothing. */
START_TEST(max_future_refuses_a_jump)
{
    static got g;
    memset(&g, 0, sizeof g);
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    ck_assert_int_eq(o.max_future_ms, 0);
    ck_assert_uint_eq(o.max_state, 0);
    o.min_score = 0;
    o.max_future_ms = 86400000;
    jm_matcher *m = jm_matcher_new(&o, on_app, &g, NULL);
    const int64_t clock = 1767225600000LL; /* 2026-01-01T00:00:00Z */
    ck_assert_int_eq(add_take(m, at("J1", "2026-01-01T20:00:00Z", ""), clock), 0);
    ck_assert_int_eq(add_take(m, at("J2", "2099-01-01T00:00:00Z", ""), clock), JM_EVALUE);
    ck_assert_int_eq(add_take(m, at("J3", "2026-01-02T19:00:00Z", ""), clock), 0);
    ck_assert_int_eq(add_take(m, at("J4", "2026-01-03T19:00:00.001Z", ""), clock), JM_EVALUE);
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_int_eq(st.watermark_ms, clock + 43 * 3600000LL - 120000);
    ck_assert_uint_eq(st.held_jobs, 2);
    ck_assert_uint_eq(st.evicted, 0);
    /* The refused ids were never held. */
    ck_assert_int_eq(add_take(m, at("J2", "2026-01-02T00:00:00Z", ""), clock), 0);
    jm_matcher_free(m);
    o.max_future_ms = 0;
    m = jm_matcher_new(&o, on_app, &g, NULL);
    ck_assert_int_eq(add_take(m, at("J2", "2099-01-01T00:00:00Z", ""), clock), 0);
    jm_matcher_free(m);
    o.max_future_ms = -1;
    ck_assert_ptr_null(jm_matcher_new(&o, on_app, &g, NULL));
}
END_TEST

/* A TTL and lateness whose sum passes INT64_MAX mean "keep everything", not a wrapped cutoff
 * that evicts every record (UBSan: signed overflow in cutoff()). */
START_TEST(huge_ttl_and_lateness_saturate)
{
    static got g;
    memset(&g, 0, sizeof g);
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 0;
    o.state_ttl_ms = INT64_MAX / 2 + 1;
    o.lateness_ms = INT64_MAX / 2 + 1;
    jm_matcher *m = jm_matcher_new(&o, on_app, &g, NULL);
    add_take(m, at("J1", "0001-01-01T00:00:00Z", ""), 0);
    add_take(m, at("C1", "2025-01-01T00:00:00Z", ""), 0);
    add_take(m, at("C2", "9999-01-01T00:00:00Z", ""), 0);
    ck_assert_uint_eq(g.n, 2);
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.evicted, 0);
    jm_matcher_free(m);
}
END_TEST

/* max_state: at most N records held; the oldest arrival leaves first, counted as evicted, and
 * is not a duplicate when it comes again. Under event times that barely move (no TTL help),
 * held records stay at N. */
START_TEST(max_state_bounds_held_records)
{
    static got g;
    memset(&g, 0, sizeof g);
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 0;
    o.max_state = 3;
    jm_matcher *m = jm_matcher_new(&o, on_app, &g, NULL);
    add_take(m, at("J1", "2025-01-01T00:00:00Z", ""), 0);
    add_take(m, at("J2", "2025-01-01T00:00:01Z", ""), 0);
    add_take(m, at("C1", "2025-01-01T00:00:02Z", ""), 0); /* meets J1, J2 */
    add_take(m, at("C2", "2025-01-01T00:00:03Z", ""), 0); /* meets J1, J2; J1 leaves */
    add_take(m, at("C3", "2025-01-01T00:00:04Z", ""), 0); /* meets J2 only; J2 leaves */
    ck_assert_uint_eq(g.n, 5);
    ck_assert_str_eq(g.line[4], "C3 J2 50 Business, Strategy & Growth");
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.held_jobs + st.held_candidates, 3);
    ck_assert_uint_eq(st.evicted, 2);
    ck_assert_int_eq(add_take(m, at("J1", "2025-01-01T00:00:05Z", ""), 0), 0); /* not a dup */
    ck_assert_uint_eq(g.n, 8); /* J1 meets C1, C2, C3; then C1, the oldest, leaves */
    jm_matcher_free(m);

    memset(&g, 0, sizeof g);
    o.max_state = 100;
    m = jm_matcher_new(&o, NULL, NULL, NULL);
    char id[32], ts[32];
    for (int i = 0; i < 4000; i++) {
        snprintf(id, sizeof id, "%c%d", i % 2 ? 'C' : 'J', i);
        snprintf(ts, sizeof ts, "2025-01-01T00:00:%02d.%03dZ", i / 1000, i % 1000);
        ck_assert_int_eq(add_take(m, at(id, ts, ""), 0), 0);
        jm_matcher_get_stats(m, &st);
        ck_assert_uint_le(st.held_jobs + st.held_candidates, 100);
    }
    ck_assert_uint_eq(st.held_jobs + st.held_candidates, 100);
    ck_assert_uint_eq(st.evicted, 3900);
    /* Each arrival met the other side as held when it came: 50 records once state is full. */
    ck_assert_uint_le(st.pairs_scored, 4000 * 50);
    ck_assert_uint_gt(st.pairs_scored, 3900 * 49);
    jm_matcher_free(m);
}
END_TEST

/* --top K allocates a candidate's ranking as jobs come, not 16 x K bytes per candidate up
 * front (K = 1,000,000 once cost 16 MB a candidate). */
START_TEST(top_k_allocates_as_needed)
{
    static got g;
    jm_matcher *m = top_matcher(&g, 1000000);
    size_t before = jm_test_heap_bytes();
    add_take(m, job_k("Ja", 5), 0);
    char id[16];
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "C%d", i);
        add_take(m, cand_c(id), 0);
    }
    add_take(m, job_k("Jb", 6), 0);
    ck_assert_uint_eq(g.n, 200);
    ck_assert_uint_lt(jm_test_heap_bytes() - before, (size_t)16 << 20);
    jm_matcher_free(m);
}
END_TEST

/* An id sent again after its record left state by the TTL, but before a sweep freed it, is a
 * new record, not a duplicate. Sweeps are batched (a sixteenth of the TTL), so J1 is still in
 * memory when it comes again. */
START_TEST(resent_after_expiry_before_free_is_new)
{
    static got g;
    memset(&g, 0, sizeof g);
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 0;
    o.lateness_ms = 0;
    o.state_ttl_ms = 16 * 60000; /* sweeps once the cutoff passes the oldest by 1 minute */
    jm_matcher *m = jm_matcher_new(&o, on_app, &g, NULL);
    add_take(m, at("J1", "2025-01-01T00:00:00Z", ""), 0);
    add_take(m, at("C1", "2025-01-01T00:16:01Z", ""), 0); /* J1 has left; not swept yet */
    ck_assert_uint_eq(g.n, 0);
    ck_assert_int_eq(add_take(m, at("J1", "2025-01-01T00:16:02Z", ""), 0), 0);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.line[0], "C1 J1 50 Business, Strategy & Growth");
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.duplicates, 0);
    ck_assert_uint_eq(st.evicted, 1);
    ck_assert_uint_eq(st.held_jobs, 1);
    jm_matcher_free(m);
}
END_TEST

/* --expire-jobs compares a deadline with the watermark (newest event - lateness), not with the
 * newest event: a deadline between the two has not passed yet. */
START_TEST(expire_jobs_deadline_between_watermark_and_newest)
{
    static got g;
    memset(&g, 0, sizeof g);
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 0;
    o.lateness_ms = 10 * 60000;
    o.expire_jobs = 1;
    jm_matcher *m = jm_matcher_new(&o, on_app, &g, NULL);
    add_take(m, at("J1", "2025-01-01T00:00:00Z", ",\"deadline_date\":\"2025-01-01T00:05:00Z\""), 0);
    /* newest 00:08, watermark 23:58: the deadline 00:05 lies between */
    add_take(m, at("C1", "2025-01-01T00:08:00Z", ""), 0);
    ck_assert_uint_eq(g.n, 1);
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.held_jobs, 1);
    /* newest 00:16, watermark 00:06: past the deadline */
    add_take(m, at("C2", "2025-01-01T00:16:00Z", ""), 0);
    ck_assert_uint_eq(g.n, 1);
    jm_matcher_get_stats(m, &st);
    ck_assert_uint_eq(st.held_jobs, 0);
    ck_assert_uint_eq(st.evicted, 1);
    jm_matcher_free(m);
}
END_TEST

typedef struct full_app {
    double skills_points;
    char reason[512];
    char family[256];
    size_t n;
} full_app;

static int on_full_app(void *ctx, const jm_record *app)
{
    full_app *f = ctx;
    f->n++;
    f->skills_points = jm_record_number(app, JM_FIELD_POINTS_SKILLS);
    snprintf(f->reason, sizeof f->reason, "%s", jm_record_string(app, JM_FIELD_MATCH_REASON));
    snprintf(f->family, sizeof f->family, "%s", jm_record_string(app, JM_FIELD_JOB_FAMILY));
    return 0;
}

/* A job of n skills "<prefix>0".."<prefix>n-1", in a category of its own. */
static jm_record *filler_job(const char *id, const char *prefix, int n)
{
    jm_record *r = jm_test_record("{\"post_id\":\"x\",\"job_category\":\"Filler\"}");
    jm_record_set_string(r, JM_FIELD_POST_ID, id, strlen(id));
    char t[32];
    for (int i = 0; i < n; i++) {
        int len = snprintf(t, sizeof t, "%s%d", prefix, i);
        jm_record_list_append(r, JM_FIELD_REQUIRED_SKILLS, t, (size_t)len);
    }
    return r;
}

/* More than 2,048 distinct skills held: records whose skill ids spread wider than the bit set
 * covers are scored through the sorted arrays, with the same points and the same reason as any
 * other pair. */
START_TEST(wide_skill_ids_use_sorted_arrays)
{
    for (int wide_job = 0; wide_job <= 1; wide_job++) {
        full_app f = {0};
        jm_matcher_options o;
        jm_matcher_options_init(&o);
        o.min_score = 0;
        jm_matcher *m = jm_matcher_new(&o, on_full_app, &f, NULL);
        /* "s0" is interned first (id 0), then 2,500 fillers, then "t0", "t1" (ids past 2,048). */
        add_take(m, filler_job("F0", "s", 1), 0);
        add_take(m, filler_job("F1", "filler ", 2500), 0);
        add_take(m, filler_job("F2", "t", 2), 0);
        /* Candidate: s0, t0, t1 (ids 0 .. 2,502: no bit set); the job: t1, s0, u0 when wide, else
         * t1, t0, u0 (narrow: a bit set on one side only). */
        jm_record *c = jm_test_record(
            "{\"candidate_id\":\"C\",\"job_category\":\"Consulting\",\"skills\":[\"s0\",\"t0\","
            "\"t1\"]}");
        add_take(m, c, 0);
        jm_record *j = jm_test_record(
            wide_job ? "{\"post_id\":\"J\",\"job_category\":\"Consulting\",\"required_skills\":"
                       "[\"T1\",\"s0\",\"u0\"]}"
                     : "{\"post_id\":\"J\",\"job_category\":\"Consulting\",\"required_skills\":"
                       "[\"T1\",\"t0\",\"u0\"]}");
        add_take(m, j, 0);
        ck_assert_uint_eq(f.n, 1);
        /* 2 shared of 4 distinct: half the skills weight of 30 */
        ck_assert_msg(f.skills_points == 15.0, "skills points %g", f.skills_points);
        ck_assert_str_eq(f.reason, wide_job ? "Same job category; Shared skills: T1, s0"
                                            : "Same job category; Shared skills: T1, t0");
        jm_matcher_free(m);
    }
}
END_TEST

/* A category outside the taxonomy holding '"' or '\' names its own family: job_family is that
 * text, escaped, so the line stays valid JSON, from both matcher modes. */
START_TEST(own_family_with_quotes_stays_json)
{
    const char *cat = "Under \"Sea\" \\ Welding";
    char job[256], cand[256];
    snprintf(job, sizeof job,
             "{\"post_id\":\"J\",\"job_category\":\"Under \\\"Sea\\\" \\\\ Welding\"}");
    snprintf(cand, sizeof cand,
             "{\"candidate_id\":\"C\",\"job_category\":\"under \\\"sea\\\" \\\\ welding\"}");
    for (int mode = 0; mode < 2; mode++) {
        jm_matcher_options o;
        jm_matcher_options_init(&o);
        o.min_score = 0;
        jm_buf out = {0};
        full_app f = {0};
        jm_matcher *m = mode ? jm_matcher_new_ndjson(&o, jm_test_collect_ndjson, &out, NULL)
                             : jm_matcher_new(&o, on_full_app, &f, NULL);
        add_take(m, jm_test_record(job), 0);
        add_take(m, jm_test_record(cand), 0);
        if (!mode) {
            ck_assert_uint_eq(f.n, 1);
            ck_assert_str_eq(f.family, cat);
        } else {
            ck_assert_uint_gt(out.len, 0);
            cJSON *doc = cJSON_ParseWithLength(out.data, out.len);
            ck_assert_msg(doc != NULL, "not JSON: %s", out.data);
            ck_assert_str_eq(cJSON_GetObjectItem(doc, "job_family")->valuestring, cat);
            cJSON_Delete(doc);
        }
        jm_buf_free(&out);
        jm_matcher_free(m);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("matcher");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, symmetric_join_any_order);
    tcase_add_test(tc, min_score_and_output_order);
    tcase_add_test(tc, duplicates_counted_and_skipped);
    tcase_add_test(tc, watermark_ttl_eviction);
    tcase_add_test(tc, ttl_zero_keeps_all);
    tcase_add_test(tc, expire_jobs_by_deadline);
    tcase_add_test(tc, top_k_candidate_first);
    tcase_add_test(tc, top_k_jobs_first);
    tcase_add_test(tc, options_validated);
    tcase_add_test(tc, unstamped_record_keeps_the_watermark);
    tcase_add_test(tc, max_future_refuses_a_jump);
    tcase_add_test(tc, huge_ttl_and_lateness_saturate);
    tcase_add_test(tc, max_state_bounds_held_records);
    tcase_add_test(tc, top_k_allocates_as_needed);
    tcase_add_test(tc, resent_after_expiry_before_free_is_new);
    tcase_add_test(tc, expire_jobs_deadline_between_watermark_and_newest);
    tcase_add_test(tc, wide_skill_ids_use_sorted_arrays);
    tcase_add_test(tc, own_family_with_quotes_stays_json);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
