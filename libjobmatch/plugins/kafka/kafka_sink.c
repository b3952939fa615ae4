/* The Kafka sink: an idempotent producer (acks=all) writing each record as one message to its
 * kind's topic, keyed and timestamped; its delivery call waits for every acknowledgement, and
 * with a transactional id it commits Kafka transactions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kafka.h"

/* Room for an id used as a message key. */
#define KEY_MAX 1024

struct jm__kafka_sink {
    jm__kafka_opts o;
    rd_kafka_t *rk;
    rd_kafka_topic_t *topic[KF_NTOPICS];
    jm__kafka_link *link;
    int txn;                             /* transactional.id given */
    int in_txn;                          /* a transaction is open */
    int fatal;                           /* the producer can do nothing more */
    unsigned long long failed, reported; /* delivery failures, and how many were told */
    char first_error[300];
    char *part; /* the pieces so far of a record that came in pieces (JM_SINK_MSG_PART) */
    size_t part_len, part_cap;
    int part_too_long;
};

/* The longest record sent whole: librdkafka's default message.max.bytes. */
#define PART_MAX 1000000

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    jm__kafka_sink *s = opaque;
    if (!m->err)
        return;
    if (!s->failed++)
        snprintf(s->first_error, sizeof s->first_error, "%s [%d]: %s",
                 m->rkt ? rd_kafka_topic_name(m->rkt) : "?", (int)m->partition,
                 rd_kafka_err2str(m->err));
}

/* Says on stderr why a delivery call failed: a sink's calls return codes only. */
static int report(const char *what, const char *why)
{
    fprintf(stderr, "kafka: %s: %s\n", what, why);
    return JM_EIO;
}

static int check_fatal(jm__kafka_sink *s)
{
    char why[512];
    rd_kafka_resp_err_t e = rd_kafka_fatal_error(s->rk, why, sizeof why);
    if (!e)
        return 0;
    s->fatal = 1;
    return report("producer failed", why);
}

/* Abortable errors end the transaction (its messages are discarded: their input was not
 * committed and is read again); fatal ones end the producer. */
static int txn_failed(jm__kafka_sink *s, const char *what, rd_kafka_error_t *e, jm_error *err)
{
    char why[600];
    snprintf(why, sizeof why, "%s: %s", what, rd_kafka_error_string(e));
    if (rd_kafka_error_is_fatal(e))
        s->fatal = 1;
    else if (rd_kafka_error_txn_requires_abort(e) && s->in_txn) {
        rd_kafka_error_t *a = rd_kafka_abort_transaction(s->rk, s->o.timeout_ms);
        if (a)
            rd_kafka_error_destroy(a);
        s->in_txn = 0;
        strncat(why, " (transaction aborted)", sizeof why - strlen(why) - 1);
    }
    rd_kafka_error_destroy(e);
    jm__kafka_fail(err, JM_EIO, s->o.transactional_id, "%s", why);
    return report(s->o.transactional_id, why);
}

static int begin(jm__kafka_sink *s, jm_error *err)
{
    if (!s->txn || s->in_txn)
        return 0;
    rd_kafka_error_t *e = rd_kafka_begin_transaction(s->rk);
    if (e)
        return txn_failed(s, "cannot begin a transaction", e, err);
    s->in_txn = 1;
    return 0;
}

static int produce(jm__kafka_sink *s, int t, const char *data, size_t len, const char *key,
                   int64_t ts)
{
    if (s->fatal)
        return JM_EIO;
    if (begin(s, NULL))
        return JM_EIO;
    for (;;) {
        rd_kafka_resp_err_t e = rd_kafka_producev(
            s->rk, RD_KAFKA_V_RKT(s->topic[t]), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_VALUE((void *)data, len), RD_KAFKA_V_KEY((void *)key, key ? strlen(key) : 0),
            RD_KAFKA_V_TIMESTAMP(ts > 0 ? ts : 0), RD_KAFKA_V_END);
        if (!e)
            break;
        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(s->rk, 50); /* serve acknowledgements to make room */
            continue;
        }
        if (check_fatal(s))
            return JM_EIO;
        return report(s->o.topic[t], rd_kafka_err2str(e));
    }
    rd_kafka_poll(s->rk, 0);
    return 0;
}

/* The kind of a line that does not say it in the message: its "type", else its id fields. */
static jm_kind kind_of(const char *line, size_t len)
{
    char v[64];
    if (jm__kafka_json_string(line, len, "type", v, sizeof v))
        return jm_kind_from_name(v);
    char id[KEY_MAX];
    int post = jm__kafka_json_string(line, len, "post_id", id, sizeof id);
    int cand = jm__kafka_json_string(line, len, "candidate_id", id, sizeof id);
    return post && !cand ? JM_KIND_JOB_POST : cand && !post ? JM_KIND_CANDIDATE : JM_KIND_NONE;
}

static int topic_of(jm_kind k)
{
    switch (k) {
    case JM_KIND_JOB_POST: return KF_JOBS;
    case JM_KIND_CANDIDATE: return KF_CANDIDATES;
    case JM_KIND_APPLICATION: return KF_APPLICATIONS;
    default: return -1;
    }
}

/* One record's line (no newline). single: the message holds just this line, so its id and
 * timestamp are the line's. */
static int write_line(jm__kafka_sink *s, const jm_sink_msg *msg, const char *line, size_t len,
                      int single)
{
    jm_kind k = msg->kind != JM_KIND_NONE ? msg->kind : kind_of(line, len);
    int t = topic_of(k);
    if (t < 0)
        return report("cannot tell the kind of a record", "no topic for it");
    char key[KEY_MAX], post[KEY_MAX];
    const char *kp = NULL;
    int64_t ts = single ? msg->timestamp_ms : 0;
    int bad = (msg->flags & JM_SINK_MSG_BAD) != 0;
    if (k == JM_KIND_APPLICATION) {
        const char *c =
            msg->record && single ? jm_record_string(msg->record, JM_FIELD_CANDIDATE_ID) : NULL;
        if (c && strlen(c) < sizeof key)
            kp = strcpy(key, c);
        else if (!bad && jm__kafka_json_string(line, len, "candidate_id", key, sizeof key))
            kp = key;
    } else if (single && msg->id) {
        kp = msg->id;
    } else if (!bad &&
               jm__kafka_json_string(line, len, k == JM_KIND_JOB_POST ? "post_id" : "candidate_id",
                                     key, sizeof key)) {
        kp = key;
    }
    if (!ts && !bad && jm__kafka_json_string(line, len, "timestamp", post, sizeof post) &&
        jm_time_parse(post, strlen(post), &ts) != 0)
        ts = 0;
    if (k == JM_KIND_APPLICATION && !bad && s->link && s->link->match && kp &&
        jm__kafka_json_string(line, len, "post_id", post, sizeof post)) {
        int verdict = jm__kafka_match_filter(s->link->match, kp, post, line, len, ts);
        if (verdict < 0)
            return verdict;
        if (verdict != KF_EMIT)
            return 0;
    }
    return produce(s, t, line, len, kp, ts);
}

static int write_message(jm__kafka_sink *s, const jm_sink_msg *msg);

/* A record in pieces is put together and sent as one message when its last piece comes; one
 * longer than a message may be is refused. */
static int write_piece(jm__kafka_sink *s, const jm_sink_msg *msg)
{
    if (!s->part_too_long && s->part_len + msg->len <= PART_MAX) {
        if (s->part_len + msg->len > s->part_cap) {
            size_t cap = s->part_cap ? s->part_cap : 4096;
            while (cap < s->part_len + msg->len)
                cap *= 2;
            char *grown = realloc(s->part, cap);
            if (!grown)
                return JM_ENOMEM;
            s->part = grown;
            s->part_cap = cap;
        }
        memcpy(s->part + s->part_len, msg->data, msg->len);
        s->part_len += msg->len;
    } else {
        s->part_too_long = 1;
    }
    if (msg->flags & JM_SINK_MSG_PART)
        return 0;
    int too_long = s->part_too_long;
    jm_sink_msg whole = *msg;
    whole.data = s->part;
    whole.len = s->part_len;
    s->part_len = 0;
    s->part_too_long = 0;
    if (too_long)
        return report("a record longer than one message may be", "not sent");
    return write_message(s, &whole);
}

static int sink_write(void *state, const jm_sink_msg *msg)
{
    jm__kafka_sink *s = state;
    if ((msg->flags & JM_SINK_MSG_PART) || s->part_len || s->part_too_long)
        return write_piece(s, msg);
    return write_message(s, msg);
}

static int write_message(jm__kafka_sink *s, const jm_sink_msg *msg)
{
    if (msg->flags & JM_SINK_MSG_HEADER)
        return 0; /* a CSV header is no record */
    /* One message per record: a message may hold several lines. */
    const char *p = msg->data, *end = msg->data + msg->len;
    const char *nl = memchr(p, '\n', msg->len);
    int single = !(msg->flags & JM_SINK_MSG_LINES) && (!nl || nl + 1 >= end);
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        const char *stop = e ? e : end;
        size_t len = (size_t)(stop - p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len) {
            int rc = write_line(s, msg, p, len, single);
            if (rc)
                return rc;
        }
        p = e ? e + 1 : end;
    }
    return 0;
}

static int sink_flush(void *state)
{
    jm__kafka_sink *s = state;
    rd_kafka_poll(s->rk, 0);
    return s->fatal ? JM_EIO : 0;
}

/* Waits until every message written is acknowledged or has failed. */
static int deliver(jm__kafka_sink *s)
{
    while (rd_kafka_outq_len(s->rk) > 0 && !s->fatal) {
        rd_kafka_flush(s->rk, 1000);
        check_fatal(s);
    }
    if (s->fatal)
        return JM_EIO;
    if (s->failed > s->reported) {
        char why[400];
        snprintf(why, sizeof why, "%llu message(s) not acknowledged; the first: %s",
                 s->failed - s->reported, s->first_error);
        s->reported = s->failed;
        return report("delivery failed", why);
    }
    return 0;
}

static int sink_sync(void *state)
{
    jm__kafka_sink *s = state;
    if (s->txn && !(s->link && s->link->match)) {
        /* No source to take part: the delivery call commits the transaction itself. */
        return jm__kafka_sink_txn_commit(s, NULL, NULL, NULL);
    }
    return deliver(s);
}

static void sink_destroy(void *state)
{
    jm__kafka_sink *s = state;
    if (s->rk) {
        if (s->in_txn) {
            /* Never committed: its input was not either, and is read again. */
            rd_kafka_error_t *e = rd_kafka_abort_transaction(s->rk, s->o.timeout_ms);
            if (e)
                rd_kafka_error_destroy(e);
        } else {
            rd_kafka_flush(s->rk, s->o.timeout_ms);
        }
        for (int t = 0; t < KF_NTOPICS; t++)
            if (s->topic[t])
                rd_kafka_topic_destroy(s->topic[t]);
        rd_kafka_destroy(s->rk);
    }
    jm__kafka_link_leave(s->link, s);
    jm__kafka_opts_free(&s->o);
    free(s->part);
    free(s);
}

int jm__kafka_sink_produce_application(jm__kafka_sink *s, const char *data, size_t len,
                                       const char *key, int64_t timestamp_ms)
{
    return produce(s, KF_APPLICATIONS, data, len, key, timestamp_ms);
}

int jm__kafka_sink_transactional(const jm__kafka_sink *s)
{
    return s->txn;
}

int jm__kafka_sink_txn_commit(jm__kafka_sink *s, const rd_kafka_topic_partition_list_t *offsets,
                              const rd_kafka_consumer_group_metadata_t *cgmd, jm_error *err)
{
    if (s->fatal)
        return jm__kafka_fail(err, JM_EIO, s->o.transactional_id, "the producer has failed");
    int have_offsets = offsets && offsets->cnt > 0 && cgmd;
    if (!s->in_txn && !have_offsets)
        return 0; /* nothing written, nothing to commit */
    if (begin(s, err))
        return JM_EIO;
    rd_kafka_error_t *e;
    if (have_offsets &&
        (e = rd_kafka_send_offsets_to_transaction(s->rk, offsets, cgmd, s->o.timeout_ms)))
        return txn_failed(s, "cannot send the offsets to the transaction", e, err);
    /* A commit that timed out may be tried again; librdkafka says which errors allow it. */
    for (int attempt = 0;; attempt++) {
        e = rd_kafka_commit_transaction(s->rk, s->o.timeout_ms);
        if (!e)
            break;
        if (!rd_kafka_error_is_retriable(e) || attempt == 2)
            return txn_failed(s, "cannot commit the transaction", e, err);
        rd_kafka_error_destroy(e);
    }
    s->in_txn = 0;
    return 0;
}

jm_sink *jm__kafka_sink_new(jm__kafka_opts *o, jm_error *err)
{
    jm__kafka_sink *s = calloc(1, sizeof *s);
    if (!s) {
        jm__kafka_opts_free(o);
        jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
        return NULL;
    }
    s->o = *o;
    memset(o, 0, sizeof *o);
    char why[512];
    rd_kafka_conf_t *conf = jm__kafka_conf(&s->o, 1, err);
    if (!conf)
        goto fail;
    if (s->o.transactional_id) {
        if (jm__kafka_conf_set(conf, "transactional.id", s->o.transactional_id, err)) {
            rd_kafka_conf_destroy(conf);
            goto fail;
        }
        s->txn = 1;
        /* A message may wait no longer than its transaction: our default gives way to a
         * shorter transaction.timeout.ms. */
        char txn_ms[32], msg_ms[32];
        size_t n1 = sizeof txn_ms, n2 = sizeof msg_ms;
        if (rd_kafka_conf_get(conf, "transaction.timeout.ms", txn_ms, &n1) == RD_KAFKA_CONF_OK &&
            rd_kafka_conf_get(conf, "message.timeout.ms", msg_ms, &n2) == RD_KAFKA_CONF_OK &&
            atol(msg_ms) > atol(txn_ms) &&
            jm__kafka_conf_set(conf, "message.timeout.ms", txn_ms, err)) {
            rd_kafka_conf_destroy(conf);
            goto fail;
        }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, s);
    if (!(s->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why))) {
        rd_kafka_conf_destroy(conf);
        jm__kafka_fail(err, JM_EINVAL, "kafka", "cannot make a producer: %s", why);
        goto fail;
    }
    /* The broker must answer now, and the topics exist: a sink that cannot deliver says so
     * before the first record. */
    static const int all[] = {KF_CANDIDATES, KF_JOBS, KF_APPLICATIONS};
    if (jm__kafka_ensure_topics(s->rk, &s->o, all, 3, err))
        goto fail;
    for (int t = 0; t < KF_NTOPICS; t++)
        if (!(s->topic[t] = rd_kafka_topic_new(s->rk, s->o.topic[t], NULL))) {
            jm__kafka_fail(err, JM_EINVAL, s->o.topic[t], "cannot use the topic: %s",
                           rd_kafka_err2str(rd_kafka_last_error()));
            goto fail;
        }
    if (s->txn) {
        rd_kafka_error_t *e = rd_kafka_init_transactions(s->rk, s->o.timeout_ms);
        if (e) {
            jm__kafka_fail(err, JM_EIO, s->o.transactional_id, "cannot start transactions: %s",
                           rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
            goto fail;
        }
    }
    if (s->o.link && !(s->link = jm__kafka_link_join_sink(s->o.link, s, err)))
        goto fail;
    static const jm_sink_ops ops = {
        .struct_size = sizeof(jm_sink_ops),
        .name = "kafka",
        .write = sink_write,
        .flush = sink_flush,
        .destroy = sink_destroy,
        .sync = sink_sync,
    };
    /* On failure jm_sink_new() has released s and filled err. */
    return jm_sink_new(&ops, s, err);
fail:
    sink_destroy(s);
    return NULL;
}
