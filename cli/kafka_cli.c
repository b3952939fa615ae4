/* The Kafka spellings of the tools: their options made into the Kafka module's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kafka_cli.h"

static char *copy(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

/* Appends key=value (both copied) to k's module options. */
static void add(jm_cli_kafka *k, const char *key, size_t key_len, const char *value)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 8;
        jm_plugin_option *grown = realloc(k->opts, cap * sizeof *grown);
        if (!grown) {
            jm_cli_error("out of memory");
            exit(EXIT_IO);
        }
        k->opts = grown;
        k->cap = cap;
    }
    k->opts[k->n].key = copy(key, key_len);
    k->opts[k->n++].value = copy(value, strlen(value));
}

static void add_key(jm_cli_kafka *k, const char *key, const char *value)
{
    add(k, key, strlen(key), value);
}

/* The spelling of option code c, for messages. */
static const char *name_of(int c)
{
    switch (c) {
    case JM_CLI_KAFKA_BROKERS: return "-b";
    case JM_CLI_KAFKA_PROPERTY: return "-X";
    case JM_CLI_KAFKA_TOPIC_CANDIDATES: return "--topic-candidates";
    case JM_CLI_KAFKA_TOPIC_JOBS: return "--topic-jobs";
    case JM_CLI_KAFKA_TOPIC_APPLICATIONS: return "--topic-applications";
    case JM_CLI_KAFKA_PARTITIONS: return "--partitions";
    case JM_CLI_KAFKA_TRANSACTIONAL_ID: return "--transactional-id";
    default: return "--group";
    }
}

int jm_cli_kafka_option(jm_cli_kafka *k, int c, const char *arg)
{
    const char *eq;
    switch (c) {
    case JM_CLI_KAFKA_BROKERS:
        if (!*arg)
            jm_cli_usage("-b: an empty broker list");
        add_key(k, "brokers", arg);
        break;
    case JM_CLI_KAFKA_PROPERTY:
        /* As kcat's: any librdkafka property, which the module checks (or one of its own). */
        eq = strchr(arg, '=');
        if (!eq || eq == arg)
            jm_cli_usage("-X: '%s' is not KEY=VALUE", arg);
        add(k, arg, (size_t)(eq - arg), eq + 1);
        break;
    case JM_CLI_KAFKA_TOPIC_CANDIDATES:
    case JM_CLI_KAFKA_TOPIC_JOBS:
    case JM_CLI_KAFKA_TOPIC_APPLICATIONS:
        if (!*arg)
            jm_cli_usage("%s: an empty topic name", name_of(c));
        add_key(k,
                c == JM_CLI_KAFKA_TOPIC_CANDIDATES ? "topic_candidates"
                : c == JM_CLI_KAFKA_TOPIC_JOBS     ? "topic_jobs"
                                                   : "topic_applications",
                arg);
        break;
    case JM_CLI_KAFKA_PARTITIONS: {
        char n[24];
        snprintf(n, sizeof n, "%lld", jm_cli_integer("--partitions", arg, 1, 100000));
        add_key(k, "partitions", n);
        break;
    }
    case JM_CLI_KAFKA_TRANSACTIONAL_ID:
        if (!*arg)
            jm_cli_usage("--transactional-id: an empty id");
        k->transactional_id = arg;
        break;
    case JM_CLI_KAFKA_GROUP:
        if (!*arg)
            jm_cli_usage("--group: an empty group name");
        k->group = arg;
        break;
    default: return 0;
    }
    if (!k->first)
        k->first = name_of(c);
    return 1;
}

void jm_cli_kafka_check(const jm_cli_kafka *k, const char *option)
{
    if (!k->on && k->first)
        jm_cli_usage("%s goes with %s", k->first, option);
}

/* k's options, then own (NULL: none) as key, then n more, in a new array of *total. */
static jm_plugin_option *options(const jm_cli_kafka *k, const char *key, const char *own,
                                 const jm_plugin_option *more, size_t n, size_t *total)
{
    jm_plugin_option *all = malloc((k->n + 1 + n) * sizeof *all);
    if (!all) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    size_t t = 0;
    for (size_t i = 0; i < k->n; i++)
        all[t++] = k->opts[i];
    if (own)
        all[t++] = (jm_plugin_option){key, own};
    for (size_t i = 0; i < n; i++)
        all[t++] = more[i];
    *total = t;
    return all;
}

void jm_cli_kafka_sink_open(const jm_cli_kafka *k, jm_cli_plugin_out *o,
                            const jm_plugin_option *more, size_t n)
{
    size_t total;
    jm_plugin_option *all = options(k, "transactional_id", k->transactional_id, more, n, &total);
    jm_cli_plugin_open_with(o, k->option, JM_CLI_KAFKA_PLUGIN, all, total);
    free(all);
}

void jm_cli_kafka_source_open(const jm_cli_kafka *k, jm_cli_plugin_in *in,
                              const jm_plugin_option *more, size_t n)
{
    size_t total;
    jm_plugin_option *all = options(k, "group", k->group, more, n, &total);
    jm_cli_plugin_source_open_with(in, k->option, JM_CLI_KAFKA_PLUGIN, all, total);
    free(all);
}

void jm_cli_kafka_free(jm_cli_kafka *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free((char *)k->opts[i].key);
        free((char *)k->opts[i].value);
    }
    free(k->opts);
    memset(k, 0, sizeof *k);
}
