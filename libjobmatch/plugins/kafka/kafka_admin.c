/* Topics: waiting for the cluster, creating missing topics through the admin API, counting
 * partitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kafka.h"

/* The cluster's metadata of every topic, retried until deadline: a refused connection is
 * answered at once, so one try is not enough for a broker that is still starting. */
static int metadata(rd_kafka_t *rk, int timeout_ms, const char *brokers,
                    const struct rd_kafka_metadata **md, jm_error *err)
{
    int64_t deadline = jm__kafka_now_ms() + timeout_ms;
    rd_kafka_resp_err_t e;
    for (;;) {
        int64_t left = deadline - jm__kafka_now_ms();
        e = rd_kafka_metadata(rk, 1, NULL, md, left > 0 ? (int)left : 1);
        if (!e)
            return 0;
        if (jm__kafka_now_ms() >= deadline)
            break;
        struct timespec pause = {0, 100 * 1000000};
        nanosleep(&pause, NULL);
    }
    return jm__kafka_fail(err, JM_EIO, brokers,
                          "no Kafka broker answered within %d ms (%s); name the brokers with "
                          "-b HOST:PORT (the option brokers=) or KAFKA_BOOTSTRAP_SERVERS",
                          timeout_ms, rd_kafka_err2str(e));
}

/* 1 when topic is in md with every partition led, 0 when absent or not ready, with *parts set. */
static int topic_ready(const struct rd_kafka_metadata *md, const char *topic, int *parts,
                       int *exists)
{
    *exists = 0;
    for (int i = 0; i < md->topic_cnt; i++) {
        const struct rd_kafka_metadata_topic *t = &md->topics[i];
        if (strcmp(t->topic, topic) != 0)
            continue;
        if (t->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
            return 0;
        *exists = 1;
        *parts = t->partition_cnt;
        if (t->err || t->partition_cnt == 0)
            return 0;
        for (int p = 0; p < t->partition_cnt; p++)
            if (t->partitions[p].leader < 0)
                return 0;
        return 1;
    }
    return 0;
}

static int create(rd_kafka_t *rk, const jm__kafka_opts *o, const char *const *names, size_t n,
                  jm_error *err)
{
    char why[512];
    rd_kafka_NewTopic_t *nt[KF_NTOPICS];
    int rc = 0;
    size_t made = 0;
    for (; made < n; made++) {
        nt[made] =
            rd_kafka_NewTopic_new(names[made], o->partitions, o->replication, why, sizeof why);
        if (!nt[made]) {
            rc = jm__kafka_fail(err, JM_EINVAL, names[made], "cannot create the topic: %s", why);
            break;
        }
        /* Records carry their event time as the message time, and generated streams start in
         * the past: a time-based retention would delete them within minutes. Topics made here
         * keep everything unless topic_config.retention.ms says otherwise. */
        int retention_given = 0;
        for (size_t i = 0; i + 1 < o->ntopic_config; i += 2)
            retention_given |= strcmp(o->topic_config[i], "retention.ms") == 0;
        if (!retention_given && rd_kafka_NewTopic_set_config(nt[made], "retention.ms", "-1"))
            rc = jm__kafka_fail(err, JM_EINVAL, names[made], "retention.ms: refused");
        for (size_t i = 0; i + 1 < o->ntopic_config && !rc; i += 2)
            if (rd_kafka_NewTopic_set_config(nt[made], o->topic_config[i], o->topic_config[i + 1]))
                rc = jm__kafka_fail(err, JM_EINVAL, names[made], "topic_config.%s: refused",
                                    o->topic_config[i]);
        if (rc) {
            made++;
            break;
        }
    }
    rd_kafka_AdminOptions_t *ao = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    if (!rc) {
        rd_kafka_AdminOptions_set_request_timeout(ao, o->timeout_ms, why, sizeof why);
        rd_kafka_AdminOptions_set_operation_timeout(ao, o->timeout_ms, why, sizeof why);
        rd_kafka_CreateTopics(rk, nt, n, ao, q);
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, o->timeout_ms + 5000);
        const rd_kafka_CreateTopics_result_t *res =
            ev ? rd_kafka_event_CreateTopics_result(ev) : NULL;
        if (!res) {
            rc = jm__kafka_fail(err, JM_EIO, names[0], "topic creation got no answer within %d ms",
                                o->timeout_ms);
        } else if (rd_kafka_event_error(ev)) {
            rc = jm__kafka_fail(err, JM_EIO, names[0], "cannot create topics: %s",
                                rd_kafka_event_error_string(ev));
        } else {
            size_t cnt;
            const rd_kafka_topic_result_t **tr = rd_kafka_CreateTopics_result_topics(res, &cnt);
            for (size_t i = 0; i < cnt && !rc; i++) {
                rd_kafka_resp_err_t e = rd_kafka_topic_result_error(tr[i]);
                /* Another instance may have made it first. */
                if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
                    rc = jm__kafka_fail(err, JM_EIO, rd_kafka_topic_result_name(tr[i]),
                                        "cannot create the topic: %s",
                                        rd_kafka_topic_result_error_string(tr[i])
                                            ? rd_kafka_topic_result_error_string(tr[i])
                                            : rd_kafka_err2str(e));
            }
        }
        if (ev)
            rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(ao);
    for (size_t i = 0; i < made; i++)
        rd_kafka_NewTopic_destroy(nt[i]);
    return rc;
}

int jm__kafka_ensure_topics(rd_kafka_t *rk, const jm__kafka_opts *o, const int *which, size_t n,
                            jm_error *err)
{
    int64_t deadline = jm__kafka_now_ms() + o->timeout_ms;
    int created = 0;
    for (;;) {
        const struct rd_kafka_metadata *md;
        int64_t left = deadline - jm__kafka_now_ms();
        int rc = metadata(rk, left > 100 ? (int)left : 100, o->brokers, &md, err);
        if (rc)
            return rc;
        const char *missing[KF_NTOPICS];
        size_t nmissing = 0, waiting = 0;
        const char *slow = NULL;
        for (size_t i = 0; i < n; i++) {
            const char *t = o->topic[which[i]];
            int parts, exists;
            if (topic_ready(md, t, &parts, &exists))
                continue;
            if (!exists && !created)
                missing[nmissing++] = t;
            else
                waiting++, slow = t;
        }
        rd_kafka_metadata_destroy(md);
        if (nmissing) {
            if ((rc = create(rk, o, missing, nmissing, err)))
                return rc;
            created = 1;
            continue;
        }
        if (!waiting)
            return 0;
        if (jm__kafka_now_ms() >= deadline)
            return jm__kafka_fail(err, JM_EIO, slow,
                                  "the topic has no leader for every "
                                  "partition after %d ms",
                                  o->timeout_ms);
        struct timespec pause = {0, 100 * 1000000};
        nanosleep(&pause, NULL);
    }
}

int jm__kafka_partition_count(rd_kafka_t *rk, const char *topic, int timeout_ms, jm_error *err)
{
    const struct rd_kafka_metadata *md;
    int rc = metadata(rk, timeout_ms, topic, &md, err);
    if (rc)
        return rc;
    int parts = 0, exists;
    topic_ready(md, topic, &parts, &exists);
    rd_kafka_metadata_destroy(md);
    if (!exists || parts <= 0)
        return jm__kafka_fail(err, JM_EIO, topic, "no such topic");
    return parts;
}
