/* The NDJSON writer and the matcher's NDJSON mode: the direct path for complete applications
 * writes what the field table says, the matcher's own lines are the record writer's bytes, and
 * any number of threads write the same bytes as one (SPEC "Records", "Streaming join": output
 * order follows input order). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static jm_record *sample_application(void)
{
    jm_record *cand = jm_test_record(
        "{\"type\":\"candidate\",\"candidate_id\":\"c\\\"1\",\"job_category\":\"Data & Analytics\","
        "\"experience_level\":\"Senior\",\"years_experience\":\"6 years\","
        "\"skills\":[\"Python\",\"SQL\",\"Tab\\tleau\"],\"current_salary\":100000,"
        "\"timestamp\":\"2026-01-02T03:04:05.678Z\"}");
    jm_record *job =
        jm_test_record("{\"type\":\"job_post\",\"post_id\":\"j-1\",\"job_category\":\"Emerging / "
                       "Specialized Tech\","
                       "\"experience_level\":\"Lead\",\"years_experience\":\"8+ years\","
                       "\"required_skills\":[\"Tab\\tleau\",\"SQL\",\"Go\"],\"salary_max\":95000,"
                       "\"application_method\":\"Email \\u00e9\",\"posted_date\":\"2026-01-01\","
                       "\"deadline_date\":\"2026-01-20\",\"timestamp\":\"2026-01-01T00:00:00Z\"}");
    jm_record *app = jm_record_new(JM_KIND_NONE, NULL);
    ck_assert_int_eq(jm_make_application(cand, job, NULL, 3, 0, app), 1);
    jm_record_free(cand);
    jm_record_free(job);
    return app;
}

START_TEST(complete_application_written_as_the_field_table_says)
{
    jm_record *app = sample_application();
    jm_buf out = {0};
    ck_assert_int_eq(jm_write_ndjson(app, &out), 0);
    ck_assert_int_eq(out.data[out.len - 1], '\n');
    cJSON *obj = cJSON_ParseWithLength(out.data, out.len);
    ck_assert_ptr_nonnull(obj);
    /* Keys in canonical order, "type" first, components nested. */
    static const char *const keys[] = {
        "type",         "application_id",      "candidate_id",     "post_id",
        "job_family",   "compatibility_score", "components",       "status",
        "match_reason", "application_method",  "application_date", "timestamp"};
    const cJSON *item = obj->child;
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++, item = item->next) {
        ck_assert_ptr_nonnull(item);
        ck_assert_str_eq(item->string, keys[i]);
    }
    ck_assert_ptr_null(item);
    /* Values equal what the record holds; strings needing escapes came back intact. */
    static const jm_field strings[] = {
        JM_FIELD_APPLICATION_ID,    JM_FIELD_CANDIDATE_ID, JM_FIELD_POST_ID,
        JM_FIELD_JOB_FAMILY,        JM_FIELD_STATUS,       JM_FIELD_MATCH_REASON,
        JM_FIELD_APPLICATION_METHOD};
    for (unsigned i = 0; i < sizeof strings / sizeof strings[0]; i++)
        ck_assert_str_eq(cJSON_GetObjectItem(obj, jm_field_name(strings[i]))->valuestring,
                         jm_record_string(app, strings[i]));
    ck_assert_str_eq(cJSON_GetObjectItem(obj, "candidate_id")->valuestring, "c\"1");
    ck_assert_int_eq(cJSON_GetObjectItem(obj, "compatibility_score")->valueint,
                     (int)jm_record_integer(app, JM_FIELD_COMPATIBILITY_SCORE));
    const cJSON *comp = cJSON_GetObjectItem(obj, "components");
    for (int c = 0; c < JM_COMPONENT_COUNT; c++)
        ck_assert_double_eq_tol(cJSON_GetObjectItem(comp, jm_component_name(c))->valuedouble,
                                jm_record_number(app, JM_FIELD_POINTS_CATEGORY + c), 1e-6);
    ck_assert_str_eq(cJSON_GetObjectItem(obj, "timestamp")->valuestring,
                     "2026-01-02T03:04:05.678Z");
    /* Reading it back and writing it again gives the same bytes. */
    jm_record *again = jm_record_new(JM_KIND_NONE, NULL);
    jm_error err = {0};
    ck_assert_int_eq(jm_parse_ndjson(out.data, out.len - 1, again, &err), 0);
    jm_buf out2 = {0};
    ck_assert_int_eq(jm_write_ndjson(again, &out2), 0);
    ck_assert_uint_eq(out2.len, out.len);
    ck_assert_int_eq(memcmp(out2.data, out.data, out.len), 0);
    cJSON_Delete(obj);
    jm_record_free(again);
    jm_record_free(app);
    jm_buf_free(&out);
    jm_buf_free(&out2);
}
END_TEST

START_TEST(partial_application_leaves_out_unset_fields)
{
    jm_record *app = sample_application();
    jm_record_unset(app, JM_FIELD_MATCH_REASON);
    jm_record_unset(app, JM_FIELD_POINTS_SALARY);
    jm_buf out = {0};
    ck_assert_int_eq(jm_write_ndjson(app, &out), 0);
    cJSON *obj = cJSON_ParseWithLength(out.data, out.len);
    ck_assert_ptr_nonnull(obj);
    ck_assert_ptr_null(cJSON_GetObjectItem(obj, "match_reason"));
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "components"), "salary"));
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "components"), "skills"));
    cJSON_Delete(obj);
    jm_buf_free(&out);
    jm_record_free(app);
}
END_TEST

/* ---- one thread and several write the same bytes ------------------------------------------ */

typedef struct collect {
    jm_buf text;
} collect;

static int on_app(void *ctx, const jm_record *app)
{
    return jm_write_ndjson(app, &((collect *)ctx)->text);
}

static int on_ndjson(void *ctx, const char *data, size_t len)
{
    collect *c = ctx;
    ck_assert_int_eq(data[len - 1], '\n'); /* whole lines only */
    if (jm_buf_reserve(&c->text, len))
        return JM_ENOMEM;
    memcpy(c->text.data + c->text.len, data, len);
    c->text.len += len;
    return 0;
}

typedef struct loader {
    jm_record **recs;
    size_t n, cap;
} loader;

static int keep(void *ctx, jm_record **rec, const char *raw, size_t len, unsigned long line)
{
    (void)raw;
    (void)len;
    (void)line;
    loader *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->recs = realloc(l->recs, l->cap * sizeof *l->recs);
    }
    l->recs[l->n++] = *rec;
    *rec = NULL;
    return 0;
}

static void load(loader *l, const char *name)
{
    size_t len;
    char *text = jm_test_read_file(jm_test_data(name), &len);
    jm_reader *r = jm_reader_new(JM_FORMAT_CSV, name, 0, keep, NULL, l, NULL);
    ck_assert_int_eq(jm_reader_feed(r, text, len), 0);
    ck_assert_int_eq(jm_reader_finish(r), 0);
    jm_reader_free(r);
    free(text);
}

/* Jobs and candidates, each sample row three times under new ids, interleaved, so that scans
 * pass the size at which the matcher splits them between threads. */
static void run(jm_matcher *m, const loader *jobs, const loader *cands)
{
    char id[128];
    for (int copy = 0; copy < 3; copy++)
        for (size_t i = 0; i < jobs->n || i < cands->n; i++) {
            const loader *from[2] = {jobs, cands};
            for (int k = 0; k < 2; k++) {
                if (i >= from[k]->n)
                    continue;
                jm_record *r = jm_record_clone(from[k]->recs[i], NULL);
                jm_field f = k == 0 ? JM_FIELD_POST_ID : JM_FIELD_CANDIDATE_ID;
                snprintf(id, sizeof id, "%s-%d", jm_record_string(r, f), copy);
                jm_record_set_string(r, f, id, strlen(id));
                jm_record_set_integer(r, JM_FIELD_TIMESTAMP, 1767225600000 + (int64_t)i * 1000);
                ck_assert_int_eq(jm_matcher_add_take(m, &r, 0), 0);
                ck_assert_ptr_null(r);
            }
        }
}

/* The matcher in callback mode (one thread, each application written by jm_write_ndjson()) and
 * in NDJSON mode on threads threads: the same applications, counters and bytes. */
static void same_as_one_thread(const loader *jobs, const loader *cands, unsigned top_k,
                               unsigned threads)
{
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 20;
    o.top_k = top_k;
    collect one = {0}, many = {0};
    jm_matcher *m1 = jm_matcher_new(&o, on_app, &one, NULL);
    o.threads = threads;
    jm_matcher *mn = jm_matcher_new_ndjson(&o, on_ndjson, &many, NULL);
    ck_assert_ptr_nonnull(m1);
    ck_assert_ptr_nonnull(mn);
    run(m1, jobs, cands);
    run(mn, jobs, cands);
    jm_matcher_stats s1 = {.struct_size = sizeof s1}, sn = {.struct_size = sizeof sn};
    jm_matcher_get_stats(m1, &s1);
    jm_matcher_get_stats(mn, &sn);
    ck_assert_uint_gt(s1.applications, top_k ? 1000 : 10000);
    ck_assert_uint_eq(s1.applications, sn.applications);
    ck_assert_uint_eq(s1.pairs_scored, sn.pairs_scored);
    ck_assert_uint_eq(one.text.len, many.text.len);
    ck_assert_int_eq(memcmp(one.text.data, many.text.data, one.text.len), 0);
    jm_matcher_free(m1);
    jm_matcher_free(mn);
    jm_buf_free(&one.text);
    jm_buf_free(&many.text);
}

static const unsigned thread_counts[] = {1, 2, 3, 8};

/* _i: the thread count's index in thread_counts; even: every application, odd: --top 3. */
START_TEST(threads_write_what_one_writes)
{
    loader jobs = {0}, cands = {0};
    load(&jobs, "jobs-sample.csv");
    load(&cands, "candidates-sample.csv");
    same_as_one_thread(&jobs, &cands, _i % 2 ? 3 : 0, thread_counts[_i / 2]);
    for (size_t i = 0; i < jobs.n; i++)
        jm_record_free(jobs.recs[i]);
    for (size_t i = 0; i < cands.n; i++)
        jm_record_free(cands.recs[i]);
    free(jobs.recs);
    free(cands.recs);
}
END_TEST

/* ---- the matcher's direct lines against the record writer --------------------------------- */

/* xorshift64: the same market every run. */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A text of 1 to 40 pieces, some of which JSON must escape (quotes, backslashes, controls) or
 * which are long or not ASCII, so that every copy and escape path of a line is taken. */
static size_t odd_text(uint64_t *s, char *out, int max_pieces)
{
    static const char *const pieces[] = {
        "a", "Bc", " ", "\"", "\\", "\t", "\x01", "\xc3\xa9", "\xe2\x82\xac", "0123456789abcdef",
        "/", "-"};
    size_t n = 0;
    int count = 1 + (int)(next(s) % (uint64_t)max_pieces);
    for (int i = 0; i < count; i++) {
        const char *p = pieces[next(s) % (sizeof pieces / sizeof *pieces)];
        size_t len = strlen(p);
        memcpy(out + n, p, len);
        n += len;
    }
    return n;
}

/* A job or candidate of a small market: taxonomy categories and categories of its own, skills
 * from a short list (so that pairs share some), texts from odd_text(), fields left out, and
 * times with and without milliseconds. */
static jm_record *odd_record(uint64_t *s, int i, jm_kind kind)
{
    static const char *const categories[] = {"Data & Analytics", "Emerging / Specialized Tech",
                                             "Consulting", "Under \"Water\" Weaving", "T\\ab"};
    static const char *const skills[] = {
        "Python",    "SQL",        "sn\"ork\\el", "Go",
        "Tab\tleau", "Statistics", "Excel",       "\xc3\xa9t\xc3\xa9"};
    static const char *const levels[] = {"Junior", "Mid Level", "Senior", "Lead"};
    static const char *const years[] = {"1-2 years", "3-4 years", "5-8 years", "10+ years"};
    char text[2048];
    jm_record *r = jm_record_new(kind, NULL);
    int job = kind == JM_KIND_JOB_POST;
    size_t n = odd_text(s, text, 12);
    n += (size_t)snprintf(text + n, sizeof text - n, "#%d", i); /* ids stay distinct */
    jm_record_set_string(r, job ? JM_FIELD_POST_ID : JM_FIELD_CANDIDATE_ID, text, n);
    const char *cat = categories[next(s) % 5];
    jm_record_set_string(r, JM_FIELD_JOB_CATEGORY, cat, strlen(cat));
    if (next(s) % 4) {
        const char *l = levels[next(s) % 4], *y = years[next(s) % 4];
        jm_record_set_string(r, JM_FIELD_EXPERIENCE_LEVEL, l, strlen(l));
        jm_record_set_string(r, JM_FIELD_YEARS_EXPERIENCE, y, strlen(y));
    }
    jm_field sf = job ? JM_FIELD_REQUIRED_SKILLS : JM_FIELD_SKILLS;
    for (int k = 0, ns = (int)(next(s) % 7); k < ns; k++) {
        const char *sk = skills[next(s) % 8];
        jm_record_list_append(r, sf, sk, strlen(sk));
    }
    if (job && next(s) % 3 == 0) {
        n = odd_text(s, text, 40); /* long enough to reach the longest copies */
        jm_record_list_append(r, sf, text, n);
    }
    double money = 30000 + (double)(next(s) % 9) * 10000 + (next(s) % 2 ? 0.5 : 0);
    jm_record_set_number(r, job ? JM_FIELD_SALARY_MAX : JM_FIELD_CURRENT_SALARY, money);
    int64_t t = 1767225600000 + i * 1000 + (next(s) % 2 ? (int64_t)(next(s) % 1000) : 0);
    if (next(s) % 8)
        jm_record_set_integer(r, JM_FIELD_TIMESTAMP, t);
    if (job && next(s) % 4) {
        n = odd_text(s, text, 30);
        jm_record_set_string(r, JM_FIELD_APPLICATION_METHOD, text, n);
    }
    if (job && next(s) % 3) {
        int64_t from = t - (int64_t)(next(s) % (400LL * 86400000));
        jm_record_set_integer(r, JM_FIELD_POSTED_DATE, from);
        if (next(s) % 4)
            jm_record_set_integer(r, JM_FIELD_DEADLINE_DATE,
                                  from + (int64_t)(next(s) % (90LL * 86400000)) - 86400000);
    }
    return r;
}

/* How many times needle occurs in b. */
static size_t count(const jm_buf *b, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (size_t at = 0; at + len <= b->len; at++)
        n += memcmp(b->data + at, needle, len) == 0;
    return n;
}

START_TEST(direct_lines_are_the_record_writers_bytes)
{
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 0;
    o.seed = 7;
    o.state_ttl_ms = 0;
    collect general = {0}, direct = {0};
    jm_matcher *m1 = jm_matcher_new(&o, on_app, &general, NULL);
    jm_matcher *m2 = jm_matcher_new_ndjson(&o, on_ndjson, &direct, NULL);
    ck_assert_ptr_nonnull(m1);
    ck_assert_ptr_nonnull(m2);
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 600; i++) {
        jm_kind kind = next(&seed) % 2 ? JM_KIND_JOB_POST : JM_KIND_CANDIDATE;
        jm_record *r = odd_record(&seed, i, kind), *copy = jm_record_clone(r, NULL);
        ck_assert_int_eq(jm_matcher_add_take(m1, &r, 1767225600000 + i), 0);
        ck_assert_int_eq(jm_matcher_add_take(m2, &copy, 1767225600000 + i), 0);
    }
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(m2, &st);
    ck_assert_uint_gt(st.applications, 5000);
    /* Every kind of line shows up: escapes, related families, no application method, and
     * timestamps with milliseconds. */
    size_t lines = 0, methods = 0, millis = 0;
    for (size_t at = 0; at < direct.text.len; at++)
        if (direct.text.data[at] == '\n') {
            lines++;
            millis += direct.text.data[at - 7] == '.';
        }
    ck_assert_uint_gt(count(&direct.text, "\\u0001"), 0);
    ck_assert_uint_gt(count(&direct.text, "\\\""), 0);
    ck_assert_uint_gt(count(&direct.text, "\"Related job family: "), 0);
    methods = count(&direct.text, "\"application_method\":");
    ck_assert_uint_gt(methods, 0);
    ck_assert_uint_lt(methods, lines);
    ck_assert_uint_gt(millis, 0);
    ck_assert_uint_lt(millis, lines);
    ck_assert_uint_eq(general.text.len, direct.text.len);
    ck_assert_int_eq(memcmp(general.text.data, direct.text.data, general.text.len), 0);
    jm_matcher_free(m1);
    jm_matcher_free(m2);
    jm_buf_free(&general.text);
    jm_buf_free(&direct.text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("writer");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, complete_application_written_as_the_field_table_says);
    tcase_add_test(tc, partial_application_leaves_out_unset_fields);
    tcase_add_loop_test(tc, threads_write_what_one_writes, 0,
                        (int)(2 * sizeof thread_counts / sizeof *thread_counts));
    tcase_add_test(tc, direct_lines_are_the_record_writers_bytes);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
