/* Checks the Kafka module without a broker: its option parsing, the JSON field scanner, the id
 * table and the commit marks directly, and its sink and sources against librdkafka's mock
 * cluster (rdkafka_mock.h) with the errors a mock can inject: failed requests, a broker down, a
 * fenced transaction, a refused offset commit. The real-broker tests are tests/kafka/run-tests.sh.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kafka.h"

#include <librdkafka/rdkafka_mock.h>
#include "testutil.h"

/* Kafka protocol request numbers (ApiKey), which librdkafka keeps in an internal header. */
enum { API_PRODUCE = 0, API_OFFSET_COMMIT = 8, API_END_TXN = 26 };

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the JSON field scanner ---------------------------------------------------------------- */

START_TEST(json_top_level_strings)
{
    char out[64];
    const char *j = "{\"type\":\"application\",\"components\":{\"candidate_id\":\"inner\"},"
                    "\"list\":[\"a\",{\"x\":\"}\"}],\"n\":12.5,\"t\":true,\"candidate_id\":"
                    "\"c-\\u00e9\\\"1\",\"post_id\" : \"p1\"}";
    ck_assert_int_eq(jm__kafka_json_string(j, strlen(j), "candidate_id", out, sizeof out), 1);
    ck_assert_str_eq(out, "c-\xc3\xa9\"1"); /* the top-level one, decoded; not the nested one */
    ck_assert_int_eq(jm__kafka_json_string(j, strlen(j), "post_id", out, sizeof out), 1);
    ck_assert_str_eq(out, "p1");
    ck_assert_int_eq(jm__kafka_json_string(j, strlen(j), "n", out, sizeof out), 0); /* a number */
    ck_assert_int_eq(jm__kafka_json_string(j, strlen(j), "x", out, sizeof out), 0); /* nested */
    ck_assert_int_eq(jm__kafka_json_string(j, strlen(j), "missing", out, sizeof out), 0);
    const char *pair = "{\"k\":\"\\ud83d\\ude00\"}";
    ck_assert_int_eq(jm__kafka_json_string(pair, strlen(pair), "k", out, sizeof out), 1);
    ck_assert_str_eq(out, "\xf0\x9f\x98\x80");
    ck_assert_int_eq(jm__kafka_json_string("[1]", 3, "k", out, sizeof out), 0);
    ck_assert_int_eq(jm__kafka_json_string("{\"k\":\"abc", 9, "k", out, sizeof out), 0);
    ck_assert_int_eq(jm__kafka_json_string("{\"k\":\"abcdef\"}", 14, "k", out, 4),
                     0); /* too long */
}
END_TEST

/* ---- ids ----------------------------------------------------------------------------------- */

START_TEST(ids_keep_the_first_origin)
{
    jm__kafka_ids *m = jm__kafka_ids_new();
    ck_assert_ptr_nonnull(m);
    char id[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(id, sizeof id, "id-%d", i);
        ck_assert_int_eq(jm__kafka_ids_note(m, id, (kf_origin){i % 7, i}), 0);
    }
    ck_assert_int_eq(jm__kafka_ids_note(m, "id-5", (kf_origin){3, 99999}), 0);
    const kf_origin *o = jm__kafka_ids_find(m, "id-5");
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(o->partition, 5);
    ck_assert_int_eq(o->offset, 5);
    o = jm__kafka_ids_find(m, "id-19999");
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(o->offset, 19999);
    ck_assert_ptr_null(jm__kafka_ids_find(m, "id-20000"));
    jm__kafka_ids_free(m);
}
END_TEST

/* ---- commit marks ---------------------------------------------------------------------------- */

START_TEST(marks_steps_cover_and_round_trip)
{
    kf_marks m;
    jm__kafka_marks_init(&m);
    int64_t j1[] = {10, 0, 5}, j2[] = {20, 3, 5}, j3[] = {5, 1, 1};
    ck_assert_int_eq(jm__kafka_marks_add(&m, 100, j1, 3), 0);
    ck_assert_int_eq(jm__kafka_marks_add(&m, 40, j2, 3), 0); /* a second step */
    ck_assert_int_eq(m.nsteps, 2);
    ck_assert_int_eq(jm__kafka_marks_add(&m, 30, j3, 3), 0); /* covered: nothing added */
    ck_assert_int_eq(m.nsteps, 2);
    /* (candidate offset, job partition, job offset) */
    ck_assert(jm__kafka_marks_cover(&m, 99, 0, 9));
    ck_assert(!jm__kafka_marks_cover(&m, 100, 0, 9));
    ck_assert(!jm__kafka_marks_cover(&m, 99, 0, 10) || jm__kafka_marks_cover(&m, 39, 0, 19));
    ck_assert(jm__kafka_marks_cover(&m, 39, 0, 19)); /* the second step */
    ck_assert(!jm__kafka_marks_cover(&m, 50, 0, 19));
    ck_assert(!jm__kafka_marks_cover(&m, 10, 1, 3));
    ck_assert(jm__kafka_marks_cover(&m, 10, 1, 2));
    ck_assert(!jm__kafka_marks_cover(&m, 0, 3, 0));  /* a job partition no step knows */
    ck_assert(!jm__kafka_marks_cover(&m, 0, -1, 0)); /* a job of unknown origin */
    ck_assert_int_eq(jm__kafka_marks_top(&m), 100);
    m.wm_ms = 1735689600000;
    char *text = jm__kafka_marks_format(&m);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "jm1;wm=1735689600000;100:10,0,5;40:20,3,5");
    kf_marks back;
    ck_assert_int_eq(jm__kafka_marks_parse(&back, text, strlen(text)), 0);
    ck_assert_int_eq(back.nsteps, 2);
    ck_assert_int_eq(back.wm_ms, 1735689600000);
    ck_assert(jm__kafka_marks_cover(&back, 39, 1, 2));
    /* A step that dominates both replaces them. */
    int64_t big[] = {30, 3, 6, 7};
    ck_assert_int_eq(jm__kafka_marks_add(&back, 200, big, 4), 0);
    ck_assert_int_eq(back.nsteps, 1);
    ck_assert_int_eq(back.njobs, 4);
    free(text);
    jm__kafka_marks_free(&back);
    jm__kafka_marks_free(&m);
    /* Metadata another program wrote: no marks, nothing suppressed. */
    ck_assert_int_eq(jm__kafka_marks_parse(&m, "hello", 5), 0);
    ck_assert_int_eq(m.nsteps, 0);
    ck_assert_int_eq(jm__kafka_marks_parse(&m, "jm1;wm=-;12:x", 13), 0);
    ck_assert_int_eq(m.nsteps, 0);
    ck_assert_int_eq(jm__kafka_marks_parse(&m, NULL, 0), 0);
    ck_assert_int_eq(m.nsteps, 0);
}
END_TEST

/* ---- options --------------------------------------------------------------------------------- */

static int parse(jm__kafka_opts *o, int for_source, jm_error *err, const char *k1, const char *v1,
                 const char *k2, const char *v2)
{
    jm_plugin_option opts[2] = {{k1, v1}, {k2, v2}};
    size_t n = k2 ? 2 : k1 ? 1 : 0;
    memset(err, 0, sizeof *err);
    return jm__kafka_opts_parse(o, opts, n, for_source, err);
}

START_TEST(options_environment_and_refusals)
{
    jm__kafka_opts o;
    jm_error err;
    unsetenv("KAFKA_BOOTSTRAP_SERVERS");
    setenv("TOPIC_JOBS", "", 1); /* set but empty counts as unset */
    setenv("TOPIC_CANDIDATES", "cands", 1);
    ck_assert_int_eq(parse(&o, 0, &err, NULL, NULL, NULL, NULL), 0);
    ck_assert_str_eq(o.brokers, "localhost:9092");
    ck_assert_str_eq(o.topic[KF_JOBS], "job_posts");
    ck_assert_str_eq(o.topic[KF_CANDIDATES], "cands");
    ck_assert_str_eq(o.topic[KF_APPLICATIONS], "job_applications");
    jm__kafka_opts_free(&o);
    setenv("KAFKA_BOOTSTRAP_SERVERS", "h1:1,h2:2", 1);
    ck_assert_int_eq(parse(&o, 0, &err, "topic_candidates", "mine", "linger.ms", "20"), 0);
    ck_assert_str_eq(o.brokers, "h1:1,h2:2");
    ck_assert_str_eq(o.topic[KF_CANDIDATES], "mine"); /* the option over the environment */
    ck_assert_int_eq((int)o.nprops, 2);
    jm__kafka_opts_free(&o);
    ck_assert_int_eq(parse(&o, 0, &err, "brokers", "b:9", NULL, NULL), 0);
    ck_assert_str_eq(o.brokers, "b:9");
    jm__kafka_opts_free(&o);
    /* librdkafka checks pass-through properties at once, and says why. */
    ck_assert_int_eq(parse(&o, 0, &err, "no.such.property", "1", NULL, NULL), JM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "no.such.property"));
    jm__kafka_opts_free(&o);
    ck_assert_int_eq(parse(&o, 0, &err, "partitions", "0", NULL, NULL), JM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "partitions"));
    jm__kafka_opts_free(&o);
    ck_assert_int_eq(parse(&o, 1, &err, NULL, NULL, NULL, NULL), JM_EINVAL); /* no group */
    ck_assert_ptr_nonnull(strstr(err.text, "group="));
    jm__kafka_opts_free(&o);
    ck_assert_int_eq(parse(&o, 1, &err, "transactional_id", "t", "group", "g"), JM_EINVAL);
    jm__kafka_opts_free(&o);
    ck_assert_int_eq(parse(&o, 1, &err, "report", "1", "group", "g"), JM_EINVAL);
    jm__kafka_opts_free(&o);
    unsetenv("TOPIC_JOBS");
    unsetenv("TOPIC_CANDIDATES");
    unsetenv("KAFKA_BOOTSTRAP_SERVERS");
}
END_TEST

/* ---- the mock cluster ------------------------------------------------------------------------ */

typedef struct mock {
    rd_kafka_t *rk; /* the handle the mock cluster lives in */
    rd_kafka_mock_cluster_t *mc;
    const char *boot;
} mock;

static void mock_start(mock *m, int brokers)
{
    char why[256];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "log_level", "0", why, sizeof why);
    m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, why, sizeof why);
    ck_assert_ptr_nonnull(m->rk);
    m->mc = rd_kafka_mock_cluster_new(m->rk, brokers);
    ck_assert_ptr_nonnull(m->mc);
    m->boot = rd_kafka_mock_cluster_bootstraps(m->mc);
    /* The mock has no CreateTopics: the topics exist before the module looks. */
    ck_assert_int_eq(rd_kafka_mock_topic_create(m->mc, "candidate_info", 3, 1), 0);
    ck_assert_int_eq(rd_kafka_mock_topic_create(m->mc, "job_posts", 2, 1), 0);
    ck_assert_int_eq(rd_kafka_mock_topic_create(m->mc, "job_applications", 3, 1), 0);
}

static void mock_stop(mock *m)
{
    rd_kafka_mock_cluster_destroy(m->mc);
    rd_kafka_destroy(m->rk);
}

/* The module's options for the mock, with extra ones (key, value, ..., NULL), parsed for a
 * source or a sink. 0, or the parse's code with err filled. */
static int mock_opts(const mock *m, jm__kafka_opts *o, int for_source, jm_error *err, va_list ap)
{
    jm_plugin_option opts[16] = {{"brokers", m->boot}, {"log_level", "0"}};
    size_t n = 2;
    const char *k;
    while ((k = va_arg(ap, const char *)) && n < 16) {
        opts[n].key = k;
        opts[n++].value = va_arg(ap, const char *);
    }
    memset(err, 0, sizeof *err);
    int rc = jm__kafka_opts_parse(o, opts, n, for_source, err);
    if (rc)
        jm__kafka_opts_free(o);
    return rc;
}

static jm_sink *mock_sink(const mock *m, jm_error *err, ...)
{
    jm__kafka_opts o;
    va_list ap;
    va_start(ap, err);
    int rc = mock_opts(m, &o, 0, err, ap);
    va_end(ap);
    return rc ? NULL : jm__kafka_sink_new(&o, err);
}

static jm_source *mock_source(const mock *m, jm_error *err, ...)
{
    jm__kafka_opts o;
    va_list ap;
    va_start(ap, err);
    int rc = mock_opts(m, &o, 1, err, ap);
    va_end(ap);
    if (rc)
        return NULL;
    return o.report ? jm__kafka_report_new(&o, err) : jm__kafka_match_new(&o, err);
}

static int write_candidate(jm_sink *s, int i)
{
    char line[128], id[32];
    snprintf(id, sizeof id, "c%03d", i);
    int n = snprintf(line, sizeof line, "{\"type\":\"candidate\",\"candidate_id\":\"%s\"}\n", id);
    jm_sink_msg msg = {.struct_size = sizeof msg,
                       .kind = JM_KIND_CANDIDATE,
                       .id = id,
                       .data = line,
                       .len = (size_t)n,
                       .timestamp_ms = 1735689600000 + i};
    return jm_sink_write(s, &msg);
}

/* Every message of topic on the mock, as "KEY|VALUE" lines in *out (malloc'd); the count. */
static int read_back(const mock *m, const char *topic, int partitions, char **out)
{
    char why[256];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "bootstrap.servers", m->boot, why, sizeof why);
    rd_kafka_conf_set(c, "group.id", "read-back", why, sizeof why);
    rd_kafka_conf_set(c, "enable.partition.eof", "true", why, sizeof why);
    rd_kafka_conf_set(c, "log_level", "0", why, sizeof why);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, why, sizeof why);
    ck_assert_ptr_nonnull(rk);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; p++)
        rd_kafka_topic_partition_list_add(l, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    size_t cap = 1 << 16, len = 0;
    *out = malloc(cap);
    int count = 0, eofs = 0;
    int64_t deadline = now_ms() + 10000;
    while (eofs < partitions && now_ms() < deadline) {
        rd_kafka_message_t *km = rd_kafka_consumer_poll(rk, 200);
        if (!km)
            continue;
        if (km->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            eofs++;
        } else if (!km->err) {
            if (len + km->key_len + km->len + 3 > cap)
                *out = realloc(*out, cap *= 2);
            len += (size_t)snprintf(*out + len, cap - len, "%.*s|%.*s\n", (int)km->key_len,
                                    (const char *)km->key, (int)km->len, (const char *)km->payload);
            count++;
        }
        rd_kafka_message_destroy(km);
    }
    (*out)[len] = '\0';
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    ck_assert_int_eq(eofs, partitions);
    return count;
}

START_TEST(sink_delivers_keyed_messages)
{
    mock m;
    mock_start(&m, 1);
    jm_error err;
    jm_sink *s = mock_sink(&m, &err, NULL);
    ck_assert_msg(s != NULL, "%s: %s", err.source, err.text);
    for (int i = 0; i < 50; i++)
        ck_assert_int_eq(write_candidate(s, i), 0);
    /* A CSV header is no record; a message of two lines is two records. */
    jm_sink_msg header = {.struct_size = sizeof header,
                          .kind = JM_KIND_CANDIDATE,
                          .data = "candidate_id\n",
                          .len = 13,
                          .flags = JM_SINK_MSG_HEADER};
    ck_assert_int_eq(jm_sink_write(s, &header), 0);
    const char *two = "{\"candidate_id\":\"x1\"}\n{\"candidate_id\":\"x2\"}\n";
    jm_sink_msg lines = {.struct_size = sizeof lines,
                         .kind = JM_KIND_NONE,
                         .flags = JM_SINK_MSG_LINES,
                         .data = two,
                         .len = strlen(two)};
    ck_assert_int_eq(jm_sink_write(s, &lines), 0);
    ck_assert_int_eq(jm_sink_sync(s), 0);
    char *got;
    ck_assert_int_eq(read_back(&m, "candidate_info", 3, &got), 52);
    ck_assert_ptr_nonnull(strstr(got, "c007|{\"type\":\"candidate\",\"candidate_id\":\"c007\"}\n"));
    ck_assert_ptr_nonnull(strstr(got, "x2|{\"candidate_id\":\"x2\"}\n")); /* keyed from the text */
    ck_assert_ptr_null(strstr(got, "candidate_id\n"));
    free(got);
    jm_sink_free(s);
    mock_stop(&m);
}
END_TEST

START_TEST(sink_retries_failed_produce_requests_without_duplicates)
{
    mock m;
    mock_start(&m, 1);
    jm_error err;
    jm_sink *s = mock_sink(&m, &err, NULL);
    ck_assert_ptr_nonnull(s);
    /* Retriable errors on the first Produce requests: the idempotent producer sends again. */
    rd_kafka_mock_push_request_errors(m.mc, API_PRODUCE, 4, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                      RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                                      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                      RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
    for (int i = 0; i < 30; i++)
        ck_assert_int_eq(write_candidate(s, i), 0);
    ck_assert_int_eq(jm_sink_sync(s), 0);
    char *got;
    ck_assert_int_eq(read_back(&m, "candidate_info", 3, &got), 30);
    for (int i = 0; i < 30; i++) {
        char want[64];
        snprintf(want, sizeof want, "c%03d|", i);
        char *at = strstr(got, want);
        ck_assert_ptr_nonnull(at);
        ck_assert_ptr_null(strstr(at + 1, want)); /* once */
    }
    free(got);
    jm_sink_free(s);
    mock_stop(&m);
}
END_TEST

START_TEST(sink_sync_fails_when_the_broker_goes_down)
{
    mock m;
    mock_start(&m, 1);
    jm_error err;
    jm_sink *s = mock_sink(&m, &err, "message.timeout.ms", "1500", NULL);
    ck_assert_ptr_nonnull(s);
    rd_kafka_mock_broker_set_down(m.mc, 1);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(write_candidate(s, i), 0);
    int64_t t = now_ms();
    ck_assert_int_eq(jm_sink_sync(s), JM_EIO);
    ck_assert_int_lt(now_ms() - t, 10000);
    /* A failure stays reported: those messages are gone. */
    rd_kafka_mock_broker_set_up(m.mc, 1);
    jm_sink_free(s);
    mock_stop(&m);
}
END_TEST

START_TEST(sink_refuses_an_unreachable_cluster_in_bounded_time)
{
    mock m;
    mock_start(&m, 1);
    rd_kafka_mock_broker_set_down(m.mc, 1);
    jm_error err;
    int64_t t = now_ms();
    jm_sink *s = mock_sink(&m, &err, "timeout_ms", "1000", NULL);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(err.code, JM_EIO);
    ck_assert_ptr_nonnull(strstr(err.text, "no Kafka broker answered within 1000 ms"));
    ck_assert_int_lt(now_ms() - t, 6000);
    mock_stop(&m);
}
END_TEST

START_TEST(transaction_commit_failure_is_reported)
{
    mock m;
    mock_start(&m, 1);
    jm_error err;
    jm_sink *s = mock_sink(&m, &err, "transactional_id", "mock-txn", NULL);
    ck_assert_msg(s != NULL, "%s: %s", err.source, err.text);
    ck_assert_int_eq(write_candidate(s, 1), 0);
    ck_assert_int_eq(jm_sink_sync(s), 0); /* commits the transaction */
    ck_assert_int_eq(write_candidate(s, 2), 0);
    rd_kafka_mock_push_request_errors(m.mc, API_END_TXN, 1, RD_KAFKA_RESP_ERR_PRODUCER_FENCED);
    ck_assert_int_eq(jm_sink_sync(s), JM_EIO);
    /* Fenced for good: nothing more is taken. */
    ck_assert_int_eq(write_candidate(s, 3), JM_EIO);
    jm_sink_free(s);
    mock_stop(&m);
}
END_TEST

/* Reads from src until n messages came (bounded); their seqs in order. */
static void read_n(jm_source *src, int n, int *jobs, int *cands)
{
    int64_t deadline = now_ms() + 30000;
    *jobs = *cands = 0;
    while (*jobs + *cands < n && now_ms() < deadline) {
        jm_source_msg msg = {.struct_size = sizeof msg};
        jm_error err = {0};
        int rc = jm_source_next(src, 200, &msg, &err);
        ck_assert_msg(rc >= 0, "%s: %s", err.source, err.text);
        if (rc == JM_SOURCE_AGAIN)
            continue;
        ck_assert_int_eq(rc, 0);
        ck_assert_ptr_nonnull(strstr(msg.origin, "kafka:"));
        if (msg.kind == JM_KIND_JOB_POST)
            (*jobs)++;
        else if (msg.kind == JM_KIND_CANDIDATE)
            (*cands)++;
        ck_assert_int_eq(msg.timestamp_ms > 0, 1);
    }
}

static void fill_mock(const mock *m)
{
    jm_error err;
    jm_sink *s = mock_sink(m, &err, NULL);
    ck_assert_ptr_nonnull(s);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(write_candidate(s, i), 0);
    for (int i = 0; i < 4; i++) {
        char line[96], id[16];
        snprintf(id, sizeof id, "p%d", i);
        int n = snprintf(line, sizeof line, "{\"type\":\"job_post\",\"post_id\":\"%s\"}\n", id);
        jm_sink_msg msg = {.struct_size = sizeof msg,
                           .kind = JM_KIND_JOB_POST,
                           .id = id,
                           .data = line,
                           .len = (size_t)n};
        ck_assert_int_eq(jm_sink_write(s, &msg), 0);
    }
    ck_assert_int_eq(jm_sink_sync(s), 0);
    jm_sink_free(s);
}

START_TEST(match_source_commits_marks_and_reports_a_refused_commit)
{
    mock m;
    mock_start(&m, 1);
    fill_mock(&m);
    jm_error err;
    jm_source *src = mock_source(&m, &err, "group", "mock-group", NULL);
    ck_assert_msg(src != NULL, "%s: %s", err.source, err.text);
    int jobs, cands;
    read_n(src, 10, &jobs, &cands);
    ck_assert_int_eq(jobs, 4); /* every job partition */
    ck_assert_int_eq(cands, 6);
    ck_assert_int_eq(jm_source_commit(src, jm_source_delivered(src), &err), 0);
    /* What was committed carries the marks of the pairs produced. */
    char why[256];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "bootstrap.servers", m.boot, why, sizeof why);
    rd_kafka_conf_set(c, "group.id", "mock-group", why, sizeof why);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, why, sizeof why);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(3);
    for (int p = 0; p < 3; p++)
        rd_kafka_topic_partition_list_add(l, "candidate_info", p);
    ck_assert_int_eq(rd_kafka_committed(rk, l, 5000), 0);
    int with_marks = 0;
    for (int i = 0; i < l->cnt; i++)
        if (l->elems[i].offset > 0) {
            ck_assert_ptr_nonnull(l->elems[i].metadata);
            ck_assert_int_eq(strncmp(l->elems[i].metadata, "jm1;wm=", 7), 0);
            with_marks++;
        }
    ck_assert_int_gt(with_marks, 0);
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(rk);
    /* A commit the coordinator refuses is an error, not silence. */
    rd_kafka_mock_push_request_errors(m.mc, API_OFFSET_COMMIT, 1,
                                      RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED);
    jm_sink *s = mock_sink(&m, &err, NULL);
    ck_assert_int_eq(write_candidate(s, 100), 0);
    ck_assert_int_eq(jm_sink_sync(s), 0);
    jm_sink_free(s);
    read_n(src, 1, &jobs, &cands);
    ck_assert_int_eq(cands, 1);
    ck_assert_int_eq(jm_source_commit(src, jm_source_delivered(src), &err), JM_EIO);
    ck_assert_ptr_nonnull(strstr(err.text, "cannot commit offsets"));
    jm_source_free(src);
    mock_stop(&m);
}
END_TEST

START_TEST(report_source_reads_the_three_topics_to_their_end)
{
    mock m;
    mock_start(&m, 1);
    fill_mock(&m);
    jm_error err;
    jm_source *src = mock_source(&m, &err, "report", "1", NULL);
    ck_assert_msg(src != NULL, "%s: %s", err.source, err.text);
    int n = 0, rc;
    int64_t deadline = now_ms() + 20000;
    jm_source_msg msg = {.struct_size = sizeof msg};
    while ((rc = jm_source_next(src, 200, &msg, &err)) != JM_SOURCE_END && now_ms() < deadline) {
        ck_assert_int_ge(rc, 0);
        if (rc == 0)
            n++;
    }
    ck_assert_int_eq(rc, JM_SOURCE_END);
    ck_assert_int_eq(n, 10);
    jm_source_free(src);
    mock_stop(&m);
}
END_TEST

START_TEST(the_module_loads_through_the_plugin_api)
{
    jm_error err;
    jm_plugin *p = jm_plugin_open("kafka", &err);
    ck_assert_msg(p != NULL, "%s: %s", err.source, err.text);
    ck_assert_str_eq(jm_plugin_name(p), "kafka");
    jm_plugin_option bad = {"no.such.property", "1"};
    ck_assert_ptr_null(jm_plugin_sink_new(p, &bad, 1, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "no.such.property"));
    jm_plugin_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kafka_mock");
    TCase *pure = tcase_create("pure");
    tcase_add_test(pure, json_top_level_strings);
    tcase_add_test(pure, ids_keep_the_first_origin);
    tcase_add_test(pure, marks_steps_cover_and_round_trip);
    tcase_add_test(pure, options_environment_and_refusals);
    tcase_add_test(pure, the_module_loads_through_the_plugin_api);
    suite_add_tcase(s, pure);
    TCase *mock_tc = tcase_create("mock");
    tcase_set_timeout(mock_tc, 60);
    tcase_add_test(mock_tc, sink_delivers_keyed_messages);
    tcase_add_test(mock_tc, sink_retries_failed_produce_requests_without_duplicates);
    tcase_add_test(mock_tc, sink_sync_fails_when_the_broker_goes_down);
    tcase_add_test(mock_tc, sink_refuses_an_unreachable_cluster_in_bounded_time);
    tcase_add_test(mock_tc, transaction_commit_failure_is_reported);
    tcase_add_test(mock_tc, match_source_commits_marks_and_reports_a_refused_commit);
    tcase_add_test(mock_tc, report_source_reads_the_three_topics_to_their_end);
    suite_add_tcase(s, mock_tc);
    return s;
}

int main(void)
{
    return jm_test_run(suite());
}
