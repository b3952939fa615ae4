/* The Kafka module's options: its own keys, the environment, and librdkafka pass-through. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kafka.h"

int jm__kafka_fail(jm_error *err, int code, const char *source, const char *fmt, ...)
{
    if (!err)
        return code;
    memset(err, 0, sizeof *err);
    err->code = code;
    snprintf(err->source, sizeof err->source, "%s", source ? source : "kafka");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return code;
}

int64_t jm__kafka_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Set but empty counts as unset. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static int set_str(char **slot, const char *value, jm_error *err)
{
    char *copy = strdup(value);
    if (!copy)
        return jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
    free(*slot);
    *slot = copy;
    return 0;
}

static int parse_int(const char *key, const char *v, long long lo, long long hi, long long *out,
                     jm_error *err)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi)
        return jm__kafka_fail(err, JM_EINVAL, "kafka", "%s=%s: not a whole number in %lld..%lld",
                              key, v, lo, hi);
    *out = n;
    return 0;
}

/* Appends key and value to a list of pairs. */
static int add_pair(char ***list, size_t *n, const char *key, const char *value, jm_error *err)
{
    char **grown = realloc(*list, (*n + 2) * sizeof *grown);
    if (!grown)
        return jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
    *list = grown;
    grown[*n] = strdup(key);
    grown[*n + 1] = strdup(value);
    *n += 2;
    if (!grown[*n - 2] || !grown[*n - 1])
        return jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
    return 0;
}

/* The module's own keys, and the librdkafka properties that mean the same. */
static const char *const topic_key[KF_NTOPICS] = {"topic_candidates", "topic_jobs",
                                                  "topic_applications"};
static const char *const topic_env[KF_NTOPICS] = {"TOPIC_CANDIDATES", "TOPIC_JOBS",
                                                  "TOPIC_APPLICATIONS"};
static const char *const topic_default[KF_NTOPICS] = {"candidate_info", "job_posts",
                                                      "job_applications"};

static int one_option(jm__kafka_opts *o, const char *k, const char *v, int for_source,
                      jm_error *err)
{
    long long n;
    int rc;
    for (int t = 0; t < KF_NTOPICS; t++)
        if (strcmp(k, topic_key[t]) == 0) {
            if (!*v)
                return jm__kafka_fail(err, JM_EINVAL, "kafka", "%s: an empty topic name", k);
            return set_str(&o->topic[t], v, err);
        }
    if (strcmp(k, "brokers") == 0 || strcmp(k, "bootstrap.servers") == 0 ||
        strcmp(k, "metadata.broker.list") == 0) {
        if (!*v)
            return jm__kafka_fail(err, JM_EINVAL, "kafka", "%s: an empty broker list", k);
        return set_str(&o->brokers, v, err);
    }
    if (strcmp(k, "partitions") == 0 || strcmp(k, "replication") == 0) {
        if ((rc = parse_int(k, v, 1, 100000, &n, err)))
            return rc;
        *(k[0] == 'p' ? &o->partitions : &o->replication) = (int)n;
        return 0;
    }
    if (strcmp(k, "timeout_ms") == 0) {
        if ((rc = parse_int(k, v, 100, INT_MAX, &n, err)))
            return rc;
        o->timeout_ms = (int)n;
        return 0;
    }
    if (strcmp(k, "state_ttl_ms") == 0 || strcmp(k, "lateness_ms") == 0) {
        if ((rc = parse_int(k, v, 0, INT64_MAX / 4, &n, err)))
            return rc;
        *(k[0] == 's' ? &o->state_ttl_ms : &o->lateness_ms) = n;
        return 0;
    }
    if (strcmp(k, "transactional_id") == 0 || strcmp(k, "transactional.id") == 0) {
        if (for_source)
            return jm__kafka_fail(err, JM_EINVAL, "kafka",
                                  "%s belongs to the sink (the linked source shares its "
                                  "transactions)",
                                  k);
        return *v ? set_str(&o->transactional_id, v, err) : 0;
    }
    /* A topic's own config, for the topics created here (retention.ms=-1 keeps records whose
     * event times lie far in the past). */
    if (strncmp(k, "topic_config.", 13) == 0 && k[13])
        return add_pair(&o->topic_config, &o->ntopic_config, k + 13, v, err);
    if (strcmp(k, "link") == 0)
        return *v ? set_str(&o->link, v, err) : 0;
    if (for_source && (strcmp(k, "group") == 0 || strcmp(k, "group.id") == 0))
        return *v ? set_str(&o->group, v, err) : 0;
    if (for_source && (strcmp(k, "report") == 0 || strcmp(k, "follow") == 0)) {
        if ((rc = parse_int(k, v, 0, 1, &n, err)))
            return rc;
        *(k[0] == 'r' ? &o->report : &o->follow) = (int)n;
        return 0;
    }
    /* Everything else is librdkafka's: checked now, so a typo fails at once with its reason. */
    rd_kafka_conf_t *probe = rd_kafka_conf_new();
    rc = jm__kafka_conf_set(probe, k, v, err);
    rd_kafka_conf_destroy(probe);
    return rc ? rc : add_pair(&o->props, &o->nprops, k, v, err);
}

int jm__kafka_opts_parse(jm__kafka_opts *o, const jm_plugin_option *options, size_t noptions,
                         int for_source, jm_error *err)
{
    memset(o, 0, sizeof *o);
    o->partitions = -1;
    o->replication = -1;
    o->timeout_ms = KF_DEFAULT_TIMEOUT_MS;
    o->state_ttl_ms = KF_DEFAULT_TTL_MS;
    o->lateness_ms = KF_DEFAULT_LATENESS_MS;
    for (size_t i = 0; i < noptions; i++) {
        int rc = one_option(o, options[i].key, options[i].value, for_source, err);
        if (rc)
            return rc;
    }
    const char *b = env("KAFKA_BOOTSTRAP_SERVERS");
    if (!o->brokers && set_str(&o->brokers, b ? b : KF_DEFAULT_BROKERS, err))
        return JM_ENOMEM;
    for (int t = 0; t < KF_NTOPICS; t++) {
        const char *e = env(topic_env[t]);
        if (!o->topic[t] && set_str(&o->topic[t], e ? e : topic_default[t], err))
            return JM_ENOMEM;
    }
    if (for_source && !o->report && !o->group)
        return jm__kafka_fail(err, JM_EINVAL, "kafka",
                              "a matching source needs group=NAME (its consumer group), or "
                              "report=1 to read all three topics");
    if (for_source && o->report && o->group)
        return jm__kafka_fail(err, JM_EINVAL, "kafka",
                              "report=1 reads every partition itself: it takes no group");
    return 0;
}

void jm__kafka_opts_free(jm__kafka_opts *o)
{
    if (!o)
        return;
    free(o->brokers);
    for (int t = 0; t < KF_NTOPICS; t++)
        free(o->topic[t]);
    free(o->group);
    free(o->transactional_id);
    free(o->link);
    for (size_t i = 0; i < o->nprops; i++)
        free(o->props[i]);
    free(o->props);
    for (size_t i = 0; i < o->ntopic_config; i++)
        free(o->topic_config[i]);
    free(o->topic_config);
    memset(o, 0, sizeof *o);
}

int jm__kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, jm_error *err)
{
    char why[512];
    if (rd_kafka_conf_set(conf, key, value, why, sizeof why) != RD_KAFKA_CONF_OK)
        return jm__kafka_fail(err, JM_EINVAL, "kafka", "%s=%s: %s", key, value, why);
    return 0;
}

rd_kafka_conf_t *jm__kafka_conf(const jm__kafka_opts *o, int producer, jm_error *err)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char ms[32];
    snprintf(ms, sizeof ms, "%d", o->timeout_ms);
    /* Our defaults: a broker that cannot be reached is reported within timeout_ms, not after
     * librdkafka's five minutes; the idempotent producer with acks=all; keys go to the partition
     * the Java client would pick. Batches wait up to 20 ms to fill (librdkafka's 5 ms sends
     * small ones under load) and are compressed with lz4: NDJSON records shrink to about a
     * third, so the broker writes and replicates less per record (docs/PERFORMANCE.md). A
     * delivery call does not wait for the linger: it flushes. */
    if (jm__kafka_conf_set(conf, "bootstrap.servers", o->brokers, err) ||
        (producer && (jm__kafka_conf_set(conf, "message.timeout.ms", ms, err) ||
                      jm__kafka_conf_set(conf, "enable.idempotence", "true", err) ||
                      jm__kafka_conf_set(conf, "acks", "all", err) ||
                      jm__kafka_conf_set(conf, "partitioner", "murmur2_random", err) ||
                      jm__kafka_conf_set(conf, "linger.ms", "20", err) ||
                      jm__kafka_conf_set(conf, "compression.type", "lz4", err)))) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    for (size_t i = 0; i + 1 < o->nprops; i += 2)
        if (jm__kafka_conf_set(conf, o->props[i], o->props[i + 1], err)) {
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    return conf;
}
