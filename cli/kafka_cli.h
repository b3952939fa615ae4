/* The Kafka spellings of the tools: jm-gen --kafka, jm-match --kafka --group NAME, jm-report
 * --from-kafka, and the options that go with them (-b, the topics, -X as kcat's, --partitions,
 * --transactional-id). The module is the plugin "kafka" (docs/KAFKA.md); these become its
 * options, and what they leave out comes from its defaults and the environment. */
#ifndef JM_CLI_KAFKA_H
#define JM_CLI_KAFKA_H

#include <getopt.h>

#include "plugin_cli.h"

#define JM_CLI_KAFKA_PLUGIN "kafka"

/* The option codes, past every tool's own. -b and -X are also short options. */
enum {
    JM_CLI_KAFKA_BROKERS = 'b',
    JM_CLI_KAFKA_PROPERTY = 'X',
    JM_CLI_KAFKA_TOPIC_CANDIDATES = 1024,
    JM_CLI_KAFKA_TOPIC_JOBS,
    JM_CLI_KAFKA_TOPIC_APPLICATIONS,
    JM_CLI_KAFKA_PARTITIONS,
    JM_CLI_KAFKA_TRANSACTIONAL_ID,
    JM_CLI_KAFKA_GROUP
};

/* The getopt_long entries every Kafka spelling takes; a tool adds --transactional-id and
 * --group where they mean something, with JM_CLI_KAFKA_TXN_OPTION and JM_CLI_KAFKA_GROUP_OPTION. */
#define JM_CLI_KAFKA_SHORT_OPTIONS "b:X:"
/* clang-format off */
#define JM_CLI_KAFKA_LONG_OPTIONS \
    {"brokers", required_argument, NULL, JM_CLI_KAFKA_BROKERS}, \
    {"topic-candidates", required_argument, NULL, JM_CLI_KAFKA_TOPIC_CANDIDATES}, \
    {"topic-jobs", required_argument, NULL, JM_CLI_KAFKA_TOPIC_JOBS}, \
    {"topic-applications", required_argument, NULL, JM_CLI_KAFKA_TOPIC_APPLICATIONS}, \
    {"partitions", required_argument, NULL, JM_CLI_KAFKA_PARTITIONS}
#define JM_CLI_KAFKA_TXN_OPTION \
    {"transactional-id", required_argument, NULL, JM_CLI_KAFKA_TRANSACTIONAL_ID}
#define JM_CLI_KAFKA_GROUP_OPTION {"group", required_argument, NULL, JM_CLI_KAFKA_GROUP}
/* clang-format on */

/* The --help lines of -b and the topic and partition options, in the layout of jm-match's and
 * jm-report's help. */
#define JM_CLI_KAFKA_HELP                                                                    \
    "  -b, --brokers LIST       the Kafka bootstrap brokers HOST:PORT,... (default\n"        \
    "                           KAFKA_BOOTSTRAP_SERVERS, else localhost:9092)\n"             \
    "      --topic-candidates TOPIC\n"                                                       \
    "                           the candidates' topic (default TOPIC_CANDIDATES, else\n"     \
    "                           candidate_info)\n"                                           \
    "      --topic-jobs TOPIC   the job posts' topic (default TOPIC_JOBS, else job_posts)\n" \
    "      --topic-applications TOPIC\n"                                                     \
    "                           the applications' topic (default TOPIC_APPLICATIONS, else\n" \
    "                           job_applications)\n"                                         \
    "      --partitions N       create the topics that are missing with N partitions\n"      \
    "                           (1-100000; default: the broker's num.partitions)\n"

/* What the command line said; zero it before use. */
typedef struct jm_cli_kafka {
    int on;             /* --kafka or --from-kafka was given */
    const char *option; /* its spelling, for messages */
    const char *first;  /* the first Kafka option given, for "needs --kafka" */
    const char *group, *transactional_id;
    jm_plugin_option *opts; /* the module options common to sink and source, in order */
    size_t n, cap;
} jm_cli_kafka;

/* Takes getopt_long's code c with its argument. Returns 1 when c was a Kafka option (a bad value
 * is a usage error, exit 2), 0 otherwise. */
int jm_cli_kafka_option(jm_cli_kafka *k, int c, const char *arg);
/* After the options: a usage error (exit 2) when Kafka options came without k->on, naming
 * option (the tool's --kafka or --from-kafka). */
void jm_cli_kafka_check(const jm_cli_kafka *k, const char *option);
/* Opens the module's sink (with --transactional-id) or its source (with --group) from k's
 * options and n more (borrowed for the call), with jm_cli_plugin_open_with()'s exits: a refused
 * option exits 2, a module that is missing or a cluster that does not answer exits 3. */
void jm_cli_kafka_sink_open(const jm_cli_kafka *k, jm_cli_plugin_out *o,
                            const jm_plugin_option *more, size_t n);
void jm_cli_kafka_source_open(const jm_cli_kafka *k, jm_cli_plugin_in *in,
                              const jm_plugin_option *more, size_t n);
/* Frees what k holds. */
void jm_cli_kafka_free(jm_cli_kafka *k);

#endif
