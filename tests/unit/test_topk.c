/* Checks top K by bounds (libjobmatch/topk.c) against scoring every pair
 * (JM_MATCHER_EXHAUSTIVE): the same application bytes (ids, scores, statuses, dates, order) and
 * the same counters, pairs_scored + pairs_skipped being the pairs scoring every pair scores, on
 * generated dense and streaming markets, the reference samples, ties, K of 1, 3 and 10, several
 * minimum scores and weights. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct market {
    jm_record **rec;
    size_t n, cap;
} market;

static void market_add(market *mk, jm_record *r)
{
    if (mk->n == mk->cap) {
        mk->cap = mk->cap ? mk->cap * 2 : 1024;
        mk->rec = realloc(mk->rec, mk->cap * sizeof *mk->rec);
        ck_assert_ptr_nonnull(mk->rec);
    }
    mk->rec[mk->n++] = r;
}

static void market_free(market *mk)
{
    for (size_t i = 0; i < mk->n; i++)
        jm_record_free(mk->rec[i]);
    free(mk->rec);
    memset(mk, 0, sizeof *mk);
}

static jm_record *gen_one(jm_gen *g, jm_kind kind)
{
    jm_record *r = jm_record_new(kind, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(jm_gen_next(g, kind, r), 0);
    return r;
}

/* jm-gen's market of seed: the jobs first, then the candidates (dense: every job held when a
 * candidate comes), or a candidate then a job while both last, at per_day records a day. */
static market gen_market(uint64_t seed, size_t jobs, size_t cands, int jobs_first, double per_day)
{
    jm_gen_options o;
    jm_gen_options_init(&o);
    o.seed = seed;
    if (per_day > 0)
        o.per_day = per_day;
    jm_gen *g = jm_gen_new(&o, NULL);
    ck_assert_ptr_nonnull(g);
    market mk = {0};
    if (jobs_first) {
        for (size_t i = 0; i < jobs; i++)
            market_add(&mk, gen_one(g, JM_KIND_JOB_POST));
        for (size_t i = 0; i < cands; i++)
            market_add(&mk, gen_one(g, JM_KIND_CANDIDATE));
    } else {
        for (size_t i = 0; i < jobs || i < cands; i++) {
            if (i < cands)
                market_add(&mk, gen_one(g, JM_KIND_CANDIDATE));
            if (i < jobs)
                market_add(&mk, gen_one(g, JM_KIND_JOB_POST));
        }
    }
    jm_gen_free(g);
    return mk;
}

static int take_record(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                       unsigned long line)
{
    (void)raw, (void)raw_len, (void)line;
    market_add(ctx, *rec);
    *rec = NULL;
    return 0;
}

static void load_csv(market *mk, const char *name)
{
    size_t len;
    char *text = jm_test_read_file(jm_test_data(name), &len);
    jm_reader *r = jm_reader_new(JM_FORMAT_CSV, name, 0, take_record, NULL, mk, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(jm_reader_feed(r, text, len), 0);
    ck_assert_int_eq(jm_reader_finish(r), 0);
    jm_reader_free(r);
    free(text);
}

static void run(const market *mk, const jm_matcher_options *o, int exhaustive, jm_buf *out,
                jm_matcher_stats *st)
{
    if (exhaustive)
        setenv("JM_MATCHER_EXHAUSTIVE", "1", 1);
    else
        unsetenv("JM_MATCHER_EXHAUSTIVE");
    jm_matcher *m = jm_matcher_new_ndjson(o, jm_test_collect_ndjson, out, NULL);
    unsetenv("JM_MATCHER_EXHAUSTIVE");
    ck_assert_ptr_nonnull(m);
    for (size_t i = 0; i < mk->n; i++) {
        jm_record *r = jm_record_clone(mk->rec[i], NULL);
        ck_assert_ptr_nonnull(r);
        int rc = jm_matcher_add_take(m, &r, (int64_t)i * 1000);
        ck_assert_msg(rc == 0 || rc == JM_EDUP, "record %zu: %s", i, jm_strerror(rc));
    }
    memset(st, 0, sizeof *st);
    st->struct_size = sizeof *st;
    ck_assert_int_eq(jm_matcher_get_stats(m, st), 0);
    jm_matcher_free(m);
}

/* The line where a and b first differ, for the failure message. */
static size_t first_difference(const jm_buf *a, const jm_buf *b, size_t *line)
{
    size_t i = 0, n = a->len < b->len ? a->len : b->len;
    *line = 1;
    while (i < n && a->data[i] == b->data[i])
        *line += a->data[i++] == '\n';
    return i;
}

/* Top K by bounds gives exactly what scoring every pair gives; returns its counters. */
static jm_matcher_stats same_as_exhaustive(const market *mk, const jm_matcher_options *o)
{
    jm_buf pruned = {0}, every = {0};
    jm_matcher_stats sp, se;
    run(mk, o, 0, &pruned, &sp);
    run(mk, o, 1, &every, &se);
    size_t line;
    size_t at = first_difference(&pruned, &every, &line);
    ck_assert_msg(pruned.len == every.len && at == pruned.len,
                  "top %u, min score %d: output differs from scoring every pair at line %zu "
                  "(%zu and %zu bytes)",
                  o->top_k, o->min_score, line, pruned.len, every.len);
    ck_assert_uint_eq(se.pairs_skipped, 0);
    ck_assert_uint_eq(sp.pairs_scored + sp.pairs_skipped, se.pairs_scored);
    ck_assert_uint_eq(sp.applications, se.applications);
    ck_assert_uint_eq(sp.evicted, se.evicted);
    ck_assert_uint_eq(sp.held_jobs, se.held_jobs);
    ck_assert_uint_eq(sp.held_candidates, se.held_candidates);
    jm_buf_free(&pruned);
    jm_buf_free(&every);
    return sp;
}

static jm_matcher_options options(unsigned k, int min_score, int64_t ttl_ms)
{
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.top_k = k;
    o.min_score = min_score;
    o.state_ttl_ms = ttl_ms;
    o.threads = 1;
    return o;
}

static const unsigned ks[] = {1, 3, 10};

/* Dense markets of three seeds (every job held when the candidates come): K 1, 3 and 10 and
 * minimum scores from 0 to 80; most pairs are passed over. */
START_TEST(dense_generated_markets)
{
    static const int mins[] = {0, 30, 70, 80};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        market mk = gen_market(seed, 3000, 300, 1, 0);
        for (size_t k = 0; k < sizeof ks / sizeof *ks; k++)
            for (size_t s = 0; s < sizeof mins / sizeof *mins; s++) {
                jm_matcher_options o = options(ks[k], mins[s], 0);
                jm_matcher_stats st = same_as_exhaustive(&mk, &o);
                ck_assert_msg(st.pairs_skipped > 4 * st.pairs_scored,
                              "seed %llu, top %u, min %d: %llu scored, %llu skipped",
                              (unsigned long long)seed, ks[k], mins[s],
                              (unsigned long long)st.pairs_scored,
                              (unsigned long long)st.pairs_skipped);
            }
        market_free(&mk);
    }
}
END_TEST

/* A stream with both kinds mixed, so jobs also arrive after candidates (a later job entering a
 * candidate's K best), under a state TTL, --max-state and --expire-jobs: records leave state
 * between sweeps and the index is rebuilt after them. */
START_TEST(streaming_market_with_eviction)
{
    market mk = gen_market(7, 3000, 3000, 0, 400);
    for (size_t k = 0; k < sizeof ks / sizeof *ks; k++) {
        jm_matcher_options o = options(ks[k], 30, 2LL * 86400000);
        jm_matcher_stats st = same_as_exhaustive(&mk, &o);
        ck_assert_uint_gt(st.evicted, 0);
        ck_assert_uint_gt(st.pairs_skipped, 0);
        o.max_state = 700;
        st = same_as_exhaustive(&mk, &o);
        ck_assert_uint_gt(st.evicted, 0);
        o.max_state = 0;
        o.expire_jobs = 1;
        o.state_ttl_ms = 0;
        same_as_exhaustive(&mk, &o);
    }
    market_free(&mk);
}
END_TEST

/* The reference samples (300 jobs, 300 candidates), jobs first and candidates first. */
START_TEST(reference_samples)
{
    market jobs_first = {0}, cands_first = {0};
    load_csv(&jobs_first, "jobs-sample.csv");
    load_csv(&jobs_first, "candidates-sample.csv");
    load_csv(&cands_first, "candidates-sample.csv");
    load_csv(&cands_first, "jobs-sample.csv");
    ck_assert_uint_eq(jobs_first.n, 600);
    for (size_t k = 0; k < sizeof ks / sizeof *ks; k++)
        for (int min = 0; min <= 60; min += 30) {
            jm_matcher_options o = options(ks[k], min, 0);
            jm_matcher_stats st = same_as_exhaustive(&jobs_first, &o);
            ck_assert_uint_gt(st.pairs_skipped, st.pairs_scored);
            same_as_exhaustive(&cands_first, &o);
        }
    market_free(&jobs_first);
    market_free(&cands_first);
}
END_TEST

static jm_record *job_json(const char *id, const char *category, const char *skills)
{
    char json[512];
    snprintf(json, sizeof json,
             "{\"type\":\"job_post\",\"post_id\":\"%s\",\"job_category\":\"%s\","
             "\"required_skills\":[%s],\"experience_level\":\"Senior\","
             "\"years_experience\":\"3-5 years\",\"salary_max\":100000}",
             id, category, skills);
    return jm_test_record(json);
}

/* Equal scores: the earlier arrival ranks first, within a block and across blocks (150
 * identical jobs, in blocks of 64), with better and worse jobs among them. */
START_TEST(ties_rank_the_earlier_arrival_first)
{
    market mk = {0};
    char id[32];
    for (int i = 0; i < 150; i++) {
        snprintf(id, sizeof id, "J%03d", i);
        const char *skills = i == 49 || i == 99 ? "\"SQL\",\"Python\",\"R\"" /* the best */
                             : i % 7 == 3       ? "\"Excel\""                /* worse */
                                                : "\"SQL\",\"Excel\"";
        market_add(&mk, job_json(id, "Data & Analytics", skills));
    }
    market_add(&mk, jm_test_record("{\"type\":\"candidate\",\"candidate_id\":\"C1\","
                                   "\"job_category\":\"Data & Analytics\",\"skills\":[\"SQL\","
                                   "\"Python\",\"R\"],\"experience_level\":\"Senior\","
                                   "\"years_experience\":\"5 years\",\"expected_salary\":90000}"));
    for (size_t k = 0; k < sizeof ks / sizeof *ks; k++) {
        jm_matcher_options o = options(ks[k], 0, 0);
        same_as_exhaustive(&mk, &o);
    }
    /* K = 3: the two best, then the first of the ties (J000), in arrival order. */
    jm_matcher_options o = options(3, 0, 0);
    jm_buf out = {0};
    jm_matcher_stats st;
    run(&mk, &o, 0, &out, &st);
    const char *a = strstr(out.data, "\"J000\""), *b = strstr(out.data, "\"J049\""),
               *c = strstr(out.data, "\"J099\"");
    ck_assert_msg(a && b && c && a < b && b < c, "%s", out.data);
    ck_assert_uint_eq(st.applications, 3);
    jm_buf_free(&out);
    market_free(&mk);
}
END_TEST

/* Categories of their own (compared folded), records without one, and categories with more
 * distinct skills than the index keeps as bits (128): the overflow is bounded, not dropped. */
START_TEST(own_categories_and_many_skills)
{
    market mk = gen_market(11, 2000, 300, 1, 0);
    char skill[32];
    uint64_t x = 12345;
    for (size_t i = 0; i < mk.n; i++) {
        jm_record *r = mk.rec[i];
        int job = jm_record_kind(r) == JM_KIND_JOB_POST;
        jm_field f = job ? JM_FIELD_REQUIRED_SKILLS : JM_FIELD_SKILLS;
        for (int j = 0; j < 6; j++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            int n = snprintf(skill, sizeof skill, "extra %u", (unsigned)(x >> 33) % 300);
            ck_assert_int_eq(jm_record_list_append(r, f, skill, (size_t)n), 0);
        }
        if (i % 11 == 0) {
            const char *own = job ? "Underwater Welding" : " UNDERWATER welding ";
            ck_assert_int_eq(jm_record_set_string(r, JM_FIELD_JOB_CATEGORY, own, strlen(own)), 0);
        } else if (i % 13 == 0) {
            ck_assert_int_eq(jm_record_set_string(r, JM_FIELD_JOB_CATEGORY, "", 0), 0);
        }
    }
    for (size_t k = 0; k < sizeof ks / sizeof *ks; k++) {
        jm_matcher_options o = options(ks[k], 30, 0);
        jm_matcher_stats st = same_as_exhaustive(&mk, &o);
        ck_assert_uint_gt(st.pairs_skipped, 0);
    }
    market_free(&mk);
}
END_TEST

/* Other weights, zero weights among them; weights the bounds cannot hold to (negative) score
 * every pair. */
START_TEST(weights)
{
    static const char *const specs[] = {
        "category=0,skills=100,experience=0,seniority=0,salary=0",
        "category=50,skills=0,experience=25,seniority=25,salary=0",
        "category=10,skills=20,experience=10,seniority=10,salary=50",
        "category=33.3,skills=33.3,experience=11.1,seniority=11.1,salary=11.2",
    };
    market mk = gen_market(5, 2000, 200, 1, 0);
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        jm_matcher_options o = options(3, 30, 0);
        ck_assert_int_eq(jm_weights_parse(specs[i], &o.weights), 0);
        jm_matcher_stats st = same_as_exhaustive(&mk, &o);
        ck_assert_uint_gt(st.pairs_skipped, 0);
    }
    jm_matcher_options o = options(3, 0, 0);
    o.weights.weight[JM_COMPONENT_SALARY] = -10;
    jm_matcher_stats st = same_as_exhaustive(&mk, &o);
    ck_assert_uint_eq(st.pairs_skipped, 0);
    market_free(&mk);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("topk");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, dense_generated_markets);
    tcase_add_test(tc, streaming_market_with_eviction);
    tcase_add_test(tc, reference_samples);
    tcase_add_test(tc, ties_rank_the_earlier_arrival_first);
    tcase_add_test(tc, own_categories_and_many_skills);
    tcase_add_test(tc, weights);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
