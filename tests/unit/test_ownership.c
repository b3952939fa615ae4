/* Records on their way from the reader to the matcher: a stop from any callback (record, reject,
 * over-long part, application, NDJSON), with the record taken or not, leaves every record with
 * exactly one owner. make check-san runs this under AddressSanitizer and LeakSanitizer, which
 * turn a double free or a leak into a failure. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

enum stop_in { STOP_NONE, STOP_RECORD, STOP_REJECT, STOP_PART, STOP_APPLICATION, STOP_NDJSON };
enum take_how { TAKE_NONE, TAKE_KEEP, TAKE_MATCHER };

typedef struct pipeline {
    enum stop_in stop_in;
    enum take_how take;
    int stop_code;
    jm_matcher *m;
    jm_record *kept[8];
    int nkept;
    int records, rejects, parts, applications, ndjson_calls;
    int matcher_rc; /* what the last jm_matcher_add_take() returned */
} pipeline;

static int on_application(void *ctx, const jm_record *app)
{
    pipeline *p = ctx;
    ck_assert_int_eq(jm_record_kind(app), JM_KIND_APPLICATION);
    p->applications++;
    return p->stop_in == STOP_APPLICATION ? p->stop_code : 0;
}

static int on_ndjson(void *ctx, const char *data, size_t len)
{
    pipeline *p = ctx;
    ck_assert(len > 0 && data[len - 1] == '\n');
    p->ndjson_calls++;
    return p->stop_in == STOP_NDJSON ? p->stop_code : 0;
}

static int on_record(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                     unsigned long line)
{
    (void)raw;
    (void)raw_len;
    (void)line;
    pipeline *p = ctx;
    p->records++;
    ck_assert_ptr_nonnull(*rec);
    int rc = 0;
    if (p->take == TAKE_KEEP) {
        ck_assert_int_lt(p->nkept, 8);
        p->kept[p->nkept++] = *rec;
        *rec = NULL;
    } else if (p->take == TAKE_MATCHER) {
        rc = p->matcher_rc = jm_matcher_add_take(p->m, rec, 0);
        ck_assert_ptr_null(*rec); /* the matcher's now, whatever it returned */
    }
    if (p->stop_in == STOP_RECORD)
        return p->stop_code;
    return rc == JM_EDUP ? 0 : rc;
}

static int on_reject(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    (void)err;
    (void)raw;
    (void)raw_len;
    pipeline *p = ctx;
    p->rejects++;
    return p->stop_in == STOP_REJECT ? p->stop_code : 0;
}

static int on_part(void *ctx, const char *part, size_t len)
{
    (void)part;
    (void)len;
    pipeline *p = ctx;
    p->parts++;
    return p->stop_in == STOP_PART ? p->stop_code : 0;
}

/* A job, a candidate it joins with, a bad line, an over-long line, then more of each. */
static const char input[] =
    "{\"type\":\"job_post\",\"post_id\":\"J1\",\"job_category\":\"Consulting\"}\n"
    "{\"type\":\"candidate\",\"candidate_id\":\"C1\",\"job_category\":\"Consulting\"}\n"
    "{oops\n"
    "{\"type\":\"job_post\",\"post_id\":\"J-long\",\"company\":"
    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n"
    "{\"type\":\"job_post\",\"post_id\":\"J2\",\"job_category\":\"Consulting\"}\n"
    "{\"type\":\"candidate\",\"candidate_id\":\"C2\",\"job_category\":\"Consulting\"}\n";

/* Runs input through a reader (limit 120 bytes: the fourth line is over it) into p's matcher,
 * in chunks of chunk bytes (0: whole); returns what the feed ended with. */
static int run(pipeline *p, size_t chunk, int ndjson_mode, unsigned threads)
{
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 0;
    o.threads = threads;
    jm_error err;
    p->m = ndjson_mode ? jm_matcher_new_ndjson(&o, on_ndjson, p, &err)
                       : jm_matcher_new(&o, on_application, p, &err);
    ck_assert_ptr_nonnull(p->m);
    jm_reader *r = jm_reader_new(JM_FORMAT_NDJSON, "in.ndjson", 120, on_record, on_reject, p, &err);
    ck_assert_ptr_nonnull(r);
    jm_reader_set_reject_part(r, on_part);
    size_t len = sizeof input - 1;
    if (!chunk)
        chunk = len;
    int rc = 0;
    for (size_t at = 0; at < len && rc == 0; at += chunk)
        rc = jm_reader_feed(r, input + at, len - at < chunk ? len - at : chunk);
    if (rc == 0)
        rc = jm_reader_finish(r);
    /* The order of the frees does not matter: nothing is shared. */
    jm_reader_free(r);
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(p->m, &st);
    if (p->take == TAKE_MATCHER)
        ck_assert_uint_eq(st.records, (uint64_t)p->records);
    jm_matcher_free(p->m);
    for (int i = 0; i < p->nkept; i++)
        jm_record_free(p->kept[i]);
    return rc;
}

static pipeline make(enum stop_in stop_in, enum take_how take)
{
    pipeline p;
    memset(&p, 0, sizeof p);
    p.stop_in = stop_in;
    p.take = take;
    p.stop_code = -100; /* any negative code: it comes back unchanged */
    return p;
}

START_TEST(stop_from_record_callback)
{
    for (int take = TAKE_NONE; take <= TAKE_MATCHER; take++)
        for (size_t chunk = 0; chunk < 8; chunk += 7) {
            pipeline p = make(STOP_RECORD, (enum take_how)take);
            ck_assert_int_eq(run(&p, chunk, 0, 1), -100);
            ck_assert_int_eq(p.records, 1);
            ck_assert_int_eq(p.nkept, take == TAKE_KEEP);
        }
}
END_TEST

START_TEST(stop_from_reject_callback)
{
    for (int take = TAKE_NONE; take <= TAKE_MATCHER; take++) {
        pipeline p = make(STOP_REJECT, (enum take_how)take);
        ck_assert_int_eq(run(&p, 5, 0, 1), -100);
        ck_assert_int_eq(p.records, 2);
        ck_assert_int_eq(p.rejects, 1);
        ck_assert_int_eq(p.applications, take == TAKE_MATCHER);
    }
}
END_TEST

START_TEST(stop_from_part_callback)
{
    for (int take = TAKE_NONE; take <= TAKE_MATCHER; take++)
        for (size_t chunk = 0; chunk < 10; chunk += 9) {
            pipeline p = make(STOP_PART, (enum take_how)take);
            ck_assert_int_eq(run(&p, chunk, 0, 1), -100);
            ck_assert_int_eq(p.parts, 1);
            ck_assert_int_eq(p.rejects, 1); /* the bad line before; not the over-long one */
        }
}
END_TEST

/* The case that freed a record twice when taking and stopping were one return value: the
 * matcher holds the candidate, its application callback stops, the stop travels back up. */
START_TEST(stop_from_application_callback)
{
    for (size_t chunk = 0; chunk < 4; chunk += 3) {
        pipeline p = make(STOP_APPLICATION, TAKE_MATCHER);
        ck_assert_int_eq(run(&p, chunk, 0, 1), -100);
        ck_assert_int_eq(p.matcher_rc, -100);
        ck_assert_int_eq(p.records, 2); /* J1, then C1, whose application stopped */
        ck_assert_int_eq(p.applications, 1);
    }
}
END_TEST

START_TEST(stop_from_ndjson_callback)
{
    for (unsigned threads = 1; threads <= 2; threads++) {
        pipeline p = make(STOP_NDJSON, TAKE_MATCHER);
        ck_assert_int_eq(run(&p, 0, 1, threads), -100);
        ck_assert_int_eq(p.matcher_rc, -100);
        ck_assert_int_eq(p.records, 2);
        ck_assert_int_eq(p.ndjson_calls, 1);
    }
}
END_TEST

/* Without a stop everything goes through: the baseline the cases above cut short. */
START_TEST(no_stop_reads_everything)
{
    for (int take = TAKE_NONE; take <= TAKE_MATCHER; take++) {
        pipeline p = make(STOP_NONE, (enum take_how)take);
        ck_assert_int_eq(run(&p, 3, take == TAKE_MATCHER, 2), 0);
        ck_assert_int_eq(p.records, 4);
        ck_assert_int_eq(p.rejects, 2);
        ck_assert_int_gt(p.parts, 0);
        ck_assert_int_eq(p.ndjson_calls, take == TAKE_MATCHER ? 3 : 0); /* C1, J2, C2 */
    }
}
END_TEST

/* A whole record from a queue, handed to the matcher, whose callback stops. */
START_TEST(stop_from_whole_record)
{
    pipeline p = make(STOP_APPLICATION, TAKE_MATCHER);
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 0;
    p.m = jm_matcher_new(&o, on_application, &p, NULL);
    jm_reader *r = jm_reader_new(JM_FORMAT_NDJSON, "q", 0, on_record, on_reject, &p, NULL);
    const char *job = "{\"post_id\":\"J1\",\"job_category\":\"Consulting\"}";
    const char *cand = "{\"candidate_id\":\"C1\",\"job_category\":\"Consulting\"}\n";
    ck_assert_int_eq(jm_reader_feed_record(r, job, strlen(job), "kafka:jobs/0@1"), 0);
    ck_assert_int_eq(jm_reader_feed_record(r, cand, strlen(cand), "kafka:cands/0@1"), -100);
    jm_matcher_free(p.m);
    jm_reader_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ownership");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, stop_from_record_callback);
    tcase_add_test(tc, stop_from_reject_callback);
    tcase_add_test(tc, stop_from_part_callback);
    tcase_add_test(tc, stop_from_application_callback);
    tcase_add_test(tc, stop_from_ndjson_callback);
    tcase_add_test(tc, no_stop_reads_everything);
    tcase_add_test(tc, stop_from_whole_record);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
