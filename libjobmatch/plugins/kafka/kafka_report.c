/* The jm-report source: every partition of the three topics from the beginning, ending where
 * each partition ended when it was reached (or following them for ever with follow=1). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kafka.h"

typedef struct report {
    jm__kafka_opts o;
    rd_kafka_t *rk;
    int nparts;              /* partitions of the three topics */
    unsigned char *at_end;   /* one per partition, by topic then partition */
    int first[KF_NTOPICS];   /* the index of each topic's partition 0 in at_end */
    int ended;               /* partitions that reached their end */
    rd_kafka_message_t *cur; /* the message the last msg borrows from */
} report;

static int topic_index(const report *r, const char *name)
{
    for (int t = 0; t < KF_NTOPICS; t++)
        if (strcmp(r->o.topic[t], name) == 0)
            return t;
    return -1;
}

static const jm_kind kind_of_topic[KF_NTOPICS] = {JM_KIND_CANDIDATE, JM_KIND_JOB_POST,
                                                  JM_KIND_APPLICATION};

static int report_next(void *state, jm_source_msg *msg, int timeout_ms, jm_error *err)
{
    report *r = state;
    if (r->cur) {
        rd_kafka_message_destroy(r->cur);
        r->cur = NULL;
    }
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : jm__kafka_now_ms() + timeout_ms;
    for (;;) {
        if (!r->o.follow && r->ended == r->nparts)
            return JM_SOURCE_END;
        int64_t left = deadline - jm__kafka_now_ms();
        if (left < 0)
            return JM_SOURCE_AGAIN;
        rd_kafka_message_t *km = rd_kafka_consumer_poll(r->rk, left > 1000 ? 1000 : (int)left);
        if (!km)
            continue;
        int t = km->rkt ? topic_index(r, rd_kafka_topic_name(km->rkt)) : -1;
        if (km->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            int i = t >= 0 ? r->first[t] + km->partition : -1;
            if (i >= 0 && i < r->nparts && !r->at_end[i]) {
                r->at_end[i] = 1;
                r->ended++;
            }
            rd_kafka_message_destroy(km);
            continue;
        }
        if (km->err) {
            char why[512];
            int fatal = rd_kafka_fatal_error(r->rk, why, sizeof why) != 0 ||
                        km->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                        km->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED;
            if (fatal)
                jm__kafka_fail(err, JM_EIO, km->rkt ? rd_kafka_topic_name(km->rkt) : "kafka", "%s",
                               rd_kafka_message_errstr(km));
            rd_kafka_message_destroy(km);
            if (fatal)
                return JM_EIO;
            continue; /* transient: librdkafka retries */
        }
        rd_kafka_timestamp_type_t tt;
        int64_t ts = rd_kafka_message_timestamp(km, &tt);
        msg->data = km->payload ? km->payload : "";
        msg->len = km->len;
        msg->kind = t >= 0 ? kind_of_topic[t] : JM_KIND_NONE;
        msg->timestamp_ms = tt == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ts < 0 ? 0 : ts;
        msg->key = km->key;
        msg->key_len = km->key_len;
        snprintf(msg->origin, sizeof msg->origin, "kafka:%s/%d@%" PRId64,
                 rd_kafka_topic_name(km->rkt), (int)km->partition, (int64_t)km->offset);
        r->cur = km;
        return 0;
    }
}

static void report_destroy(void *state)
{
    report *r = state;
    if (r->cur)
        rd_kafka_message_destroy(r->cur);
    if (r->rk) {
        rd_kafka_consumer_close(r->rk);
        rd_kafka_destroy(r->rk);
    }
    free(r->at_end);
    jm__kafka_opts_free(&r->o);
    free(r);
}

jm_source *jm__kafka_report_new(jm__kafka_opts *o, jm_error *err)
{
    report *r = calloc(1, sizeof *r);
    char why[512];
    if (!r) {
        jm__kafka_opts_free(o);
        jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
        return NULL;
    }
    r->o = *o;
    memset(o, 0, sizeof *o);
    rd_kafka_conf_t *conf = jm__kafka_conf(&r->o, 0, err);
    char group[64];
    snprintf(group, sizeof group, "jm-report.%p", (void *)r);
    /* It belongs to no group and commits nothing: each run reads everything. */
    if (!conf || jm__kafka_conf_set(conf, "group.id", group, err) ||
        jm__kafka_conf_set(conf, "enable.auto.commit", "false", err) ||
        jm__kafka_conf_set(conf, "enable.partition.eof", "true", err)) {
        if (conf)
            rd_kafka_conf_destroy(conf);
        goto fail;
    }
    if (!(r->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof why))) {
        rd_kafka_conf_destroy(conf);
        jm__kafka_fail(err, JM_EINVAL, "kafka", "cannot make a consumer: %s", why);
        goto fail;
    }
    rd_kafka_poll_set_consumer(r->rk);
    static const int all[] = {KF_CANDIDATES, KF_JOBS, KF_APPLICATIONS};
    if (jm__kafka_ensure_topics(r->rk, &r->o, all, 3, err))
        goto fail;
    int counts[KF_NTOPICS];
    for (int t = 0; t < KF_NTOPICS; t++) {
        if ((counts[t] = jm__kafka_partition_count(r->rk, r->o.topic[t], r->o.timeout_ms, err)) < 0)
            goto fail;
        r->first[t] = r->nparts;
        r->nparts += counts[t];
    }
    if (!(r->at_end = calloc((size_t)r->nparts, 1))) {
        jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
        goto fail;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(r->nparts);
    for (int t = 0; t < KF_NTOPICS; t++)
        for (int p = 0; p < counts[t]; p++)
            rd_kafka_topic_partition_list_add(l, r->o.topic[t], p)->offset =
                RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_resp_err_t e = rd_kafka_assign(r->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e) {
        jm__kafka_fail(err, JM_EIO, "kafka", "cannot read the topics: %s", rd_kafka_err2str(e));
        goto fail;
    }
    static const jm_source_ops ops = {
        .struct_size = sizeof(jm_source_ops),
        .name = "kafka",
        .next = report_next,
        .destroy = report_destroy,
    };
    /* On failure jm_source_new() has released r and filled err. */
    return jm_source_new(&ops, r, err);
fail:
    report_destroy(r);
    return NULL;
}
