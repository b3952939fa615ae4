/* The jm-match source: candidates through a consumer group (their partitions spread over the
 * running instances), every partition of the jobs topic in every instance, offsets committed
 * only when the host commits, and after an assignment the state rebuilt from the topics with
 * the pairs an earlier owner produced left out (docs/KAFKA.md, "Rebuilding after a rebalance"). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kafka.h"

/* Applications held for partitions that went elsewhere, all partitions together. */
#define HELD_MAX_BYTES ((size_t)64 << 20)
#define ID_MAX 1024

typedef struct held_app {
    char *data; /* the record's bytes */
    size_t len;
    char *key; /* its candidate id */
    int64_t ts;
    int64_t cand_offset;
    int32_t job_part;
    int64_t job_offset;
} held_app;

typedef struct cpart { /* one partition of the candidates topic */
    int assigned;
    kf_marks marks; /* what earlier owners produced, read at assignment */
    int64_t next;   /* the offset after the last candidate processed here; -1 for none */
    held_app *held;
    size_t nheld, capheld;
    int overflow; /* its held applications were dropped: it cannot come back */
} cpart;

typedef struct logent { /* a message returned and not yet committed */
    uint64_t seq;
    int64_t offset;
    int64_t ts;
    int32_t part;
    int job;
} logent;

struct jm__kafka_match {
    jm__kafka_opts o;
    rd_kafka_t *cons; /* the group's consumer: candidates */
    rd_kafka_t *jobs; /* every job partition, assigned */
    int wake[2];      /* a pipe both consumers' queues signal */
    jm__kafka_link *link;
    cpart *parts;
    int nparts;
    int njobs;
    int64_t *jproc; /* per job partition: the offset after the last job processed */
    int assigned;   /* an assignment is in force: jobs may flow */
    int closing;
    logent *log;
    size_t nlog, caplog;
    int64_t wm_proc; /* the newest message time processed */
    jm__kafka_ids *cand_ids, *job_ids;
    rd_kafka_message_t *cur; /* the message the last msg borrows from */
    int turn;
    size_t held_bytes;
    int failed;
    jm_error failure;
    uint64_t emitted, suppressed, held, released; /* applications, for JM_KAFKA_DEBUG */
};

/* JM_KAFKA_DEBUG=1: assignments, marks and commits on stderr, for finding out who produced what. */
static int debug_on(void)
{
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("JM_KAFKA_DEBUG");
        on = e && *e && strcmp(e, "0") != 0;
    }
    return on;
}

static void debug_marks(const jm__kafka_match *m, const char *what, int32_t p, const kf_marks *k)
{
    if (!debug_on())
        return;
    char *text = k ? jm__kafka_marks_format(k) : NULL;
    fprintf(stderr,
            "kafka[%ld]: %s %s [%d]: %s (applications: %llu out, %llu suppressed, %llu held, "
            "%llu released)\n",
            (long)getpid(), what, m->o.topic[KF_CANDIDATES], (int)p, text ? text : "-",
            (unsigned long long)m->emitted, (unsigned long long)m->suppressed,
            (unsigned long long)m->held, (unsigned long long)m->released);
    free(text);
}

/* A failure inside a callback: kept, and returned by the next call of next. */
static void fail_later(jm__kafka_match *m, int code, const char *source, const char *text)
{
    if (m->failed)
        return;
    m->failed = code;
    jm__kafka_fail(&m->failure, code, source, "%s", text);
}

static cpart *part(jm__kafka_match *m, int32_t p)
{
    if (p < 0)
        return NULL;
    if (p >= m->nparts) {
        cpart *grown = realloc(m->parts, (size_t)(p + 1) * sizeof *grown);
        if (!grown)
            return NULL;
        for (int i = m->nparts; i <= p; i++) {
            memset(&grown[i], 0, sizeof grown[i]);
            jm__kafka_marks_init(&grown[i].marks);
            grown[i].next = -1;
        }
        m->parts = grown;
        m->nparts = p + 1;
    }
    return &m->parts[p];
}

static void drop_held(jm__kafka_match *m, cpart *cp)
{
    for (size_t i = 0; i < cp->nheld; i++) {
        m->held_bytes -= cp->held[i].len;
        free(cp->held[i].data);
        free(cp->held[i].key);
    }
    free(cp->held);
    cp->held = NULL;
    cp->nheld = cp->capheld = 0;
}

/* ---- the applications filter (called by the linked sink) ------------------------------------- */

int jm__kafka_match_filter(jm__kafka_match *m, const char *cand_id, const char *post_id,
                           const char *data, size_t len, int64_t timestamp_ms)
{
    const kf_origin *c = jm__kafka_ids_find(m->cand_ids, cand_id);
    if (!c || c->partition >= m->nparts)
        return KF_EMIT; /* a candidate this source never gave: not ours to judge */
    cpart *cp = &m->parts[c->partition];
    const kf_origin *j = jm__kafka_ids_find(m->job_ids, post_id);
    int32_t jp = j ? j->partition : -1;
    int64_t jo = j ? j->offset : -1;
    if (cp->assigned) {
        int covered = jm__kafka_marks_cover(&cp->marks, c->offset, jp, jo);
        covered ? m->suppressed++ : m->emitted++;
        return covered ? KF_SUPPRESS : KF_EMIT;
    }
    /* The partition's candidates are another instance's now: that one produces the pair, unless
     * the partition comes back here first (see assign()). */
    if (cp->overflow)
        return KF_SUPPRESS;
    if (m->held_bytes + len > HELD_MAX_BYTES) {
        drop_held(m, cp);
        cp->overflow = 1;
        return KF_SUPPRESS;
    }
    if (cp->nheld == cp->capheld) {
        size_t cap = cp->capheld ? 2 * cp->capheld : 64;
        held_app *grown = realloc(cp->held, cap * sizeof *grown);
        if (!grown)
            return JM_ENOMEM;
        cp->held = grown;
        cp->capheld = cap;
    }
    held_app *h = &cp->held[cp->nheld];
    if (!(h->data = malloc(len ? len : 1)) || !(h->key = strdup(cand_id))) {
        free(h->data);
        return JM_ENOMEM;
    }
    memcpy(h->data, data, len);
    h->len = len;
    h->ts = timestamp_ms;
    h->cand_offset = c->offset;
    h->job_part = jp;
    h->job_offset = jo;
    cp->nheld++;
    m->held++;
    m->held_bytes += len;
    return KF_HELD;
}

/* ---- commits -----------------------------------------------------------------------------------
 */

/* Takes every logged message up to seq as processed. */
static void processed_upto(jm__kafka_match *m, uint64_t seq)
{
    size_t i = 0;
    for (; i < m->nlog && m->log[i].seq <= seq; i++) {
        const logent *e = &m->log[i];
        if (e->job) {
            if (e->part < m->njobs && e->offset + 1 > m->jproc[e->part])
                m->jproc[e->part] = e->offset + 1;
        } else if (e->part < m->nparts && m->parts[e->part].assigned &&
                   e->offset + 1 > m->parts[e->part].next) {
            m->parts[e->part].next = e->offset + 1;
        }
        if (e->ts > m->wm_proc)
            m->wm_proc = e->ts;
    }
    memmove(m->log, m->log + i, (m->nlog - i) * sizeof *m->log);
    m->nlog -= i;
}

/* The offsets and marks of every assigned partition, as processed so far. NULL when out of
 * memory or when a partition's marks outgrow what a broker keeps. */
static rd_kafka_topic_partition_list_t *offsets_now(jm__kafka_match *m, jm_error *err)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(m->nparts + 1);
    for (int p = 0; p < m->nparts; p++) {
        cpart *cp = &m->parts[p];
        if (!cp->assigned || (cp->next < 0 && cp->marks.nsteps == 0))
            continue;
        kf_marks now;
        if (jm__kafka_marks_copy(&now, &cp->marks) ||
            (cp->next >= 0 && jm__kafka_marks_add(&now, cp->next, m->jproc, m->njobs))) {
            jm__kafka_marks_free(&now);
            goto nomem;
        }
        if (m->wm_proc > now.wm_ms)
            now.wm_ms = m->wm_proc;
        debug_marks(m, "commit", p, &now);
        char *meta = jm__kafka_marks_format(&now);
        int64_t top = jm__kafka_marks_top(&now);
        jm__kafka_marks_free(&now);
        if (!meta)
            goto nomem;
        /* Brokers keep 4096 bytes of metadata by default (offset.metadata.max.bytes). */
        if (strlen(meta) > 4000) {
            free(meta);
            rd_kafka_topic_partition_list_destroy(l);
            jm__kafka_fail(err, JM_EIO, m->o.topic[KF_CANDIDATES],
                           "partition %d: the commit marks outgrow 4000 bytes (%d job "
                           "partitions); fewer job partitions are needed",
                           p, m->njobs);
            return NULL;
        }
        rd_kafka_topic_partition_t *t =
            rd_kafka_topic_partition_list_add(l, m->o.topic[KF_CANDIDATES], p);
        t->offset = top > 0 ? top : 0;
        t->metadata = meta; /* freed with the list */
        t->metadata_size = strlen(meta);
    }
    return l;
nomem:
    rd_kafka_topic_partition_list_destroy(l);
    jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
    return NULL;
}

static int txn_linked(const jm__kafka_match *m)
{
    return m->link && m->link->sink && jm__kafka_sink_transactional(m->link->sink);
}

/* Commits what has been processed up to seq: in the linked sink's transaction, or through the
 * group. */
static int commit_upto(jm__kafka_match *m, uint64_t seq, jm_error *err)
{
    processed_upto(m, seq);
    rd_kafka_topic_partition_list_t *l = offsets_now(m, err);
    if (!l)
        return err ? err->code : JM_ENOMEM;
    int rc = 0;
    if (txn_linked(m)) {
        rd_kafka_consumer_group_metadata_t *g = rd_kafka_consumer_group_metadata(m->cons);
        rc = jm__kafka_sink_txn_commit(m->link->sink, l, g, err);
        rd_kafka_consumer_group_metadata_destroy(g);
        if (rc)
            /* Its applications are gone while the matcher holds their records: only a restart,
             * which rebuilds from the topics, produces them again. */
            fail_later(m, JM_EIO, m->o.transactional_id ? m->o.transactional_id : "kafka",
                       "a transaction failed; restart to rebuild from the topics");
    } else if (l->cnt > 0) {
        rd_kafka_resp_err_t e = rd_kafka_commit(m->cons, l, 0);
        for (int i = 0; !e && i < l->cnt; i++)
            e = l->elems[i].err;
        /* A rebalance under way: the partitions' next owner reads them again from the last
         * commit (at least once), so this is no failure. */
        if (e && e != RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS &&
            e != RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION && e != RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID &&
            e != RD_KAFKA_RESP_ERR__NO_OFFSET)
            rc = jm__kafka_fail(err, JM_EIO, m->o.group, "cannot commit offsets: %s",
                                rd_kafka_err2str(e));
    }
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

static int match_commit(void *state, uint64_t seq, jm_error *err)
{
    jm__kafka_match *m = state;
    if (m->failed) {
        if (err)
            *err = m->failure;
        return m->failed;
    }
    return commit_upto(m, seq, err);
}

/* ---- rebalances --------------------------------------------------------------------------------
 */

/* The first offset to read a newly assigned partition from: far enough back for every candidate
 * the matcher could still hold at the marks' time (its TTL and lateness), and never past the
 * marks. */
static void replay_starts(jm__kafka_match *m, rd_kafka_topic_partition_list_t *l)
{
    rd_kafka_topic_partition_list_t *times = rd_kafka_topic_partition_list_new(l->cnt);
    for (int i = 0; i < l->cnt; i++) {
        cpart *cp = part(m, l->elems[i].partition);
        int64_t top = jm__kafka_marks_top(&cp->marks), committed = l->elems[i].offset;
        if (top < 0 && committed < 0) {
            l->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING; /* a new partition for the group */
        } else if (top < 0) {
            /* Committed by another program: no marks, so go on from its offset. */
        } else if (m->o.state_ttl_ms == 0 || cp->marks.wm_ms == INT64_MIN) {
            l->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
        } else {
            l->elems[i].offset = top;
            rd_kafka_topic_partition_t *t =
                rd_kafka_topic_partition_list_add(times, l->elems[i].topic, l->elems[i].partition);
            int64_t since = cp->marks.wm_ms - m->o.state_ttl_ms - m->o.lateness_ms;
            t->offset = since > 0 ? since : 0;
        }
    }
    if (times->cnt && !rd_kafka_offsets_for_times(m->cons, times, m->o.timeout_ms)) {
        for (int i = 0; i < times->cnt; i++) {
            rd_kafka_topic_partition_t *t = &times->elems[i],
                                       *dst = rd_kafka_topic_partition_list_find(l, t->topic,
                                                                                 t->partition);
            /* -1: nothing that recent, so nothing to rebuild below the marks. */
            if (dst && !t->err && t->offset >= 0 && t->offset < dst->offset)
                dst->offset = t->offset;
        }
    } else if (times->cnt) {
        /* Without the times, rebuild from the beginning: more work, nothing missed. */
        for (int i = 0; i < times->cnt; i++) {
            rd_kafka_topic_partition_t *dst = rd_kafka_topic_partition_list_find(
                l, times->elems[i].topic, times->elems[i].partition);
            if (dst)
                dst->offset = RD_KAFKA_OFFSET_BEGINNING;
        }
    }
    rd_kafka_topic_partition_list_destroy(times);
}

static void assign(jm__kafka_match *m, rd_kafka_topic_partition_list_t *parts)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_copy(parts);
    rd_kafka_resp_err_t e = l->cnt ? rd_kafka_committed(m->cons, l, m->o.timeout_ms) : 0;
    if (e) {
        fail_later(m, JM_EIO, m->o.group, rd_kafka_err2str(e));
        rd_kafka_topic_partition_list_destroy(l);
        rd_kafka_assign(m->cons, NULL);
        return;
    }
    for (int i = 0; i < l->cnt; i++) {
        cpart *cp = part(m, l->elems[i].partition);
        if (!cp) {
            fail_later(m, JM_ENOMEM, "kafka", "out of memory");
            break;
        }
        jm__kafka_marks_free(&cp->marks);
        if (jm__kafka_marks_parse(&cp->marks, l->elems[i].metadata, l->elems[i].metadata_size)) {
            fail_later(m, JM_ENOMEM, "kafka", "out of memory");
            break;
        }
        if (cp->overflow) {
            char why[200];
            snprintf(why, sizeof why,
                     "partition %d came back after its held applications outgrew %zu MiB; "
                     "restart to rebuild from the topics",
                     (int)l->elems[i].partition, HELD_MAX_BYTES >> 20);
            fail_later(m, JM_EIO, m->o.topic[KF_CANDIDATES], why);
        }
        cp->assigned = 1;
        debug_marks(m, "assigned", l->elems[i].partition, &cp->marks);
        /* What was held while it was away goes out now, less what its owner produced. */
        for (size_t h = 0; h < cp->nheld && !m->failed; h++) {
            held_app *a = &cp->held[h];
            if (jm__kafka_marks_cover(&cp->marks, a->cand_offset, a->job_part, a->job_offset))
                continue;
            m->released++;
            if (!m->link || !m->link->sink ||
                jm__kafka_sink_produce_application(m->link->sink, a->data, a->len, a->key, a->ts))
                fail_later(m, JM_EIO, m->o.topic[KF_APPLICATIONS],
                           "cannot produce the applications held for a partition");
        }
        drop_held(m, cp);
    }
    replay_starts(m, l);
    e = rd_kafka_assign(m->cons, l);
    if (e)
        fail_later(m, JM_EIO, m->o.group, rd_kafka_err2str(e));
    rd_kafka_topic_partition_list_destroy(l);
    m->assigned = 1;
}

static void revoke(jm__kafka_match *m)
{
    debug_marks(m, "revoked", -1, NULL);
    /* In a transaction everything returned so far has been processed (a message is handled
     * before the next is asked for): commit it before the partitions move, or the next owner
     * would produce its pairs again. Without, the next owner reads them again from the last
     * commit: at least once. At close, nothing is committed that the host did not commit. */
    if (!m->closing && !m->failed && txn_linked(m)) {
        jm_error err = {0};
        if (commit_upto(m, UINT64_MAX, &err))
            fail_later(m, err.code ? err.code : JM_EIO, err.source, err.text);
    }
    for (int p = 0; p < m->nparts; p++)
        m->parts[p].assigned = 0;
    rd_kafka_assign(m->cons, NULL);
    m->assigned = 0;
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t e,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    jm__kafka_match *m = opaque;
    if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        assign(m, parts);
    } else if (e == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        revoke(m);
    } else {
        fail_later(m, JM_EIO, m->o.group, rd_kafka_err2str(e));
        rd_kafka_assign(rk, NULL);
        m->assigned = 0;
    }
}

/* ---- reading -----------------------------------------------------------------------------------
 */

static int log_add(jm__kafka_match *m, const logent *e)
{
    if (m->nlog == m->caplog) {
        size_t cap = m->caplog ? 2 * m->caplog : 1024;
        logent *grown = realloc(m->log, cap * sizeof *grown);
        if (!grown)
            return JM_ENOMEM;
        m->log = grown;
        m->caplog = cap;
    }
    m->log[m->nlog++] = *e;
    return 0;
}

/* A consumer's error message: transient ones (a broker away, a leader moving) are librdkafka's to
 * retry; the rest end the source. */
static int consumer_error(jm__kafka_match *m, rd_kafka_t *rk, const rd_kafka_message_t *km,
                          jm_error *err)
{
    char why[512];
    if (rd_kafka_fatal_error(rk, why, sizeof why))
        return jm__kafka_fail(err, JM_EIO, "kafka", "consumer failed: %s", why);
    switch (km->err) {
    case RD_KAFKA_RESP_ERR__PARTITION_EOF: return 0;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__SSL:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
        return jm__kafka_fail(err, JM_EIO, km->rkt ? rd_kafka_topic_name(km->rkt) : m->o.group,
                              "%s", rd_kafka_message_errstr(km));
    default: (void)m; return 0;
    }
}

static void fill(jm__kafka_match *m, rd_kafka_message_t *km, int job, jm_source_msg *msg)
{
    rd_kafka_timestamp_type_t tt;
    int64_t ts = rd_kafka_message_timestamp(km, &tt);
    msg->data = km->payload ? km->payload : "";
    msg->len = km->len;
    msg->kind = job ? JM_KIND_JOB_POST : JM_KIND_CANDIDATE;
    msg->timestamp_ms = tt == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ts < 0 ? 0 : ts;
    msg->key = km->key;
    msg->key_len = km->key_len;
    snprintf(msg->origin, sizeof msg->origin, "kafka:%s/%d@%" PRId64, rd_kafka_topic_name(km->rkt),
             (int)km->partition, (int64_t)km->offset);
    (void)m;
}

static int take(jm__kafka_match *m, rd_kafka_message_t *km, int job, jm_source_msg *msg,
                jm_error *err)
{
    char id[ID_MAX];
    kf_origin at = {km->partition, km->offset};
    if (km->payload &&
        jm__kafka_json_string(km->payload, km->len, job ? "post_id" : "candidate_id", id,
                              sizeof id) &&
        jm__kafka_ids_note(job ? m->job_ids : m->cand_ids, id, at))
        return jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
    if (!job && !part(m, km->partition))
        return jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
    fill(m, km, job, msg);
    logent e = {.seq = msg->seq,
                .offset = km->offset,
                .ts = msg->timestamp_ms,
                .part = km->partition,
                .job = job};
    if (log_add(m, &e))
        return jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
    m->cur = km;
    return 0;
}

static void drain(int fd)
{
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

static int match_next(void *state, jm_source_msg *msg, int timeout_ms, jm_error *err)
{
    jm__kafka_match *m = state;
    if (m->cur) {
        rd_kafka_message_destroy(m->cur);
        m->cur = NULL;
    }
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : jm__kafka_now_ms() + timeout_ms;
    for (;;) {
        for (int i = 0; i < 2; i++) {
            int job = (m->turn + i) % 2;
            /* Jobs wait while the group has no assignment: what they would produce for
             * candidates of the partitions in between could go to nobody. */
            if (job && !m->assigned)
                continue;
            rd_kafka_t *rk = job ? m->jobs : m->cons;
            rd_kafka_message_t *km = rd_kafka_consumer_poll(rk, 0);
            if (m->failed) {
                if (km)
                    rd_kafka_message_destroy(km);
                if (err)
                    *err = m->failure;
                return m->failed;
            }
            if (!km)
                continue;
            if (km->err) {
                int rc = consumer_error(m, rk, km, err);
                rd_kafka_message_destroy(km);
                if (rc)
                    return rc;
                continue;
            }
            m->turn = !job;
            int rc = take(m, km, job, msg, err);
            if (rc)
                rd_kafka_message_destroy(km);
            return rc;
        }
        int64_t left = deadline - jm__kafka_now_ms();
        if (left <= 0)
            return JM_SOURCE_AGAIN;
        /* Both queues signal the pipe when they fill; a cap on the wait covers any signal that
         * raced the polls above. */
        struct pollfd pfd = {.fd = m->wake[0], .events = POLLIN};
        poll(&pfd, 1, left < 100 ? (int)left : 100);
        drain(m->wake[0]);
    }
}

static void match_destroy(void *state)
{
    jm__kafka_match *m = state;
    if (m->cur)
        rd_kafka_message_destroy(m->cur);
    m->closing = 1;
    if (m->cons) {
        rd_kafka_consumer_close(m->cons);
        rd_kafka_destroy(m->cons);
    }
    if (m->jobs) {
        rd_kafka_consumer_close(m->jobs);
        rd_kafka_destroy(m->jobs);
    }
    for (int p = 0; p < m->nparts; p++) {
        drop_held(m, &m->parts[p]);
        jm__kafka_marks_free(&m->parts[p].marks);
    }
    free(m->parts);
    free(m->jproc);
    free(m->log);
    jm__kafka_ids_free(m->cand_ids);
    jm__kafka_ids_free(m->job_ids);
    for (int i = 0; i < 2; i++)
        if (m->wake[i] >= 0)
            close(m->wake[i]);
    jm__kafka_link_leave(m->link, m);
    jm__kafka_opts_free(&m->o);
    free(m);
}

/* A consumer on its own queue, which signals m->wake when it fills. */
static rd_kafka_t *consumer(jm__kafka_match *m, const char *group, int in_group, jm_error *err)
{
    char why[512];
    rd_kafka_conf_t *conf = jm__kafka_conf(&m->o, 0, err);
    if (!conf)
        return NULL;
    if (jm__kafka_conf_set(conf, "group.id", group, err) ||
        jm__kafka_conf_set(conf, "enable.auto.commit", "false", err) ||
        jm__kafka_conf_set(conf, "enable.auto.offset.store", "false", err) ||
        jm__kafka_conf_set(conf, "auto.offset.reset", "earliest", err)) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    if (in_group) {
        rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
        rd_kafka_conf_set_opaque(conf, m);
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof why);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        jm__kafka_fail(err, JM_EINVAL, "kafka", "cannot make a consumer: %s", why);
        return NULL;
    }
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
    rd_kafka_queue_io_event_enable(q, m->wake[1], "1", 1);
    rd_kafka_queue_destroy(q);
    return rk;
}

static jm_source *fail_new(jm__kafka_match *m)
{
    match_destroy(m);
    return NULL;
}

jm_source *jm__kafka_match_new(jm__kafka_opts *o, jm_error *err)
{
    jm__kafka_match *m = calloc(1, sizeof *m);
    if (!m) {
        jm__kafka_opts_free(o);
        jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
        return NULL;
    }
    m->o = *o;
    memset(o, 0, sizeof *o);
    m->wake[0] = m->wake[1] = -1;
    m->wm_proc = INT64_MIN;
    if (pipe(m->wake) || fcntl(m->wake[0], F_SETFL, O_NONBLOCK) ||
        fcntl(m->wake[1], F_SETFL, O_NONBLOCK)) {
        jm__kafka_fail(err, JM_EIO, "kafka", "pipe: %s", strerror(errno));
        return fail_new(m);
    }
    if (!(m->cand_ids = jm__kafka_ids_new()) || !(m->job_ids = jm__kafka_ids_new())) {
        jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
        return fail_new(m);
    }
    if (!(m->cons = consumer(m, m->o.group, 1, err)))
        return fail_new(m);
    static const int both[] = {KF_CANDIDATES, KF_JOBS, KF_APPLICATIONS};
    if (jm__kafka_ensure_topics(m->cons, &m->o, both, 3, err))
        return fail_new(m);
    int nj = jm__kafka_partition_count(m->cons, m->o.topic[KF_JOBS], m->o.timeout_ms, err);
    int nc = jm__kafka_partition_count(m->cons, m->o.topic[KF_CANDIDATES], m->o.timeout_ms, err);
    if (nj < 0 || nc < 0)
        return fail_new(m);
    if (!part(m, nc - 1) || !(m->jproc = calloc((size_t)nj, sizeof *m->jproc))) {
        jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
        return fail_new(m);
    }
    m->njobs = nj;
    /* The jobs consumer belongs to no group: it is given every partition and commits nothing
     * (the group id only satisfies librdkafka's consumer API). */
    char jgroup[300];
    snprintf(jgroup, sizeof jgroup, "%s.jobs.%ld.%p", m->o.group, (long)getpid(), (void *)m);
    if (!(m->jobs = consumer(m, jgroup, 0, err)))
        return fail_new(m);
    rd_kafka_topic_partition_list_t *jl = rd_kafka_topic_partition_list_new(nj);
    for (int q = 0; q < nj; q++) {
        int64_t lo = 0, hi = 0;
        rd_kafka_query_watermark_offsets(m->jobs, m->o.topic[KF_JOBS], q, &lo, &hi,
                                         m->o.timeout_ms);
        m->jproc[q] = lo; /* nothing below the low watermark is left to process */
        rd_kafka_topic_partition_list_add(jl, m->o.topic[KF_JOBS], q)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_resp_err_t e = rd_kafka_assign(m->jobs, jl);
    rd_kafka_topic_partition_list_destroy(jl);
    if (e) {
        jm__kafka_fail(err, JM_EIO, m->o.topic[KF_JOBS], "cannot read the topic: %s",
                       rd_kafka_err2str(e));
        return fail_new(m);
    }
    rd_kafka_topic_partition_list_t *cl = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(cl, m->o.topic[KF_CANDIDATES], RD_KAFKA_PARTITION_UA);
    e = rd_kafka_subscribe(m->cons, cl);
    rd_kafka_topic_partition_list_destroy(cl);
    if (e) {
        jm__kafka_fail(err, JM_EIO, m->o.topic[KF_CANDIDATES], "cannot subscribe: %s",
                       rd_kafka_err2str(e));
        return fail_new(m);
    }
    if (m->o.link && !(m->link = jm__kafka_link_join_match(m->o.link, m, err)))
        return fail_new(m);
    static const jm_source_ops ops = {
        .struct_size = sizeof(jm_source_ops),
        .name = "kafka",
        .next = match_next,
        .commit = match_commit,
        .destroy = match_destroy,
    };
    /* On failure jm_source_new() has released m and filled err. */
    return jm_source_new(&ops, m, err);
}
