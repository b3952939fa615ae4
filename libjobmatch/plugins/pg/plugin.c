/* The PostgreSQL module jm-pg.so: its descriptor (docs/POSTGRESQL.md, docs/PLUGINS.md). */
#include <jobmatch/version.h>

#include "pg_internal.h"

static const jm_plugin_desc desc = {
    .abi = JM_PLUGIN_ABI,
    .struct_size = sizeof(jm_plugin_desc),
    .name = JM_PG_NAME,
    .version = JM_VERSION_STR,
    .description = "PostgreSQL (libpq): COPY batches upserted into job_posts, candidate_info and "
                   "applications; reads them back, and follows them",
    .sink_new = jm__pg_sink_new,
    .source_new = jm__pg_source_new,
};

JM_PLUGIN_EXPORT const jm_plugin_desc *jm_plugin_init(void);
const jm_plugin_desc *jm_plugin_init(void)
{
    return &desc;
}
