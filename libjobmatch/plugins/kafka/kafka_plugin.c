/* The Kafka module "kafka" (jm-kafka.so): its descriptor and constructors. The only code of
 * libjobmatch that links librdkafka; docs/KAFKA.md describes its options and guarantees. */
#include <stdlib.h>

#include <jobmatch/version.h>

#include "kafka.h"

static jm_sink *kafka_sink_new(const jm_plugin_option *options, size_t noptions, jm_error *err)
{
    jm__kafka_opts o;
    if (jm__kafka_opts_parse(&o, options, noptions, 0, err)) {
        jm__kafka_opts_free(&o);
        return NULL;
    }
    return jm__kafka_sink_new(&o, err);
}

static jm_source *kafka_source_new(const jm_plugin_option *options, size_t noptions, jm_error *err)
{
    jm__kafka_opts o;
    if (jm__kafka_opts_parse(&o, options, noptions, 1, err)) {
        jm__kafka_opts_free(&o);
        return NULL;
    }
    return o.report ? jm__kafka_report_new(&o, err) : jm__kafka_match_new(&o, err);
}

static const jm_plugin_desc desc = {
    .abi = JM_PLUGIN_ABI,
    .struct_size = sizeof(jm_plugin_desc),
    .name = "kafka",
    .version = JM_VERSION_STR,
    .description = "Apache Kafka topics through librdkafka",
    .sink_new = kafka_sink_new,
    .source_new = kafka_source_new,
};

JM_PLUGIN_EXPORT const jm_plugin_desc *jm_plugin_init(void);
const jm_plugin_desc *jm_plugin_init(void)
{
    return &desc;
}
