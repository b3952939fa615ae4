/* The version of the library actually loaded, and the sizes of its public structs. */
#include <string.h>

#include <jobmatch/jobmatch.h>

const char *jm_version(void)
{
    return JM_VERSION_STR;
}

unsigned jm_version_num(void)
{
    return JM_VERSION_NUM;
}

/* Every public struct a caller allocates or reads (docs/ABI.md). */
#define STRUCT_SIZE(type) #type, sizeof(type)
static const struct {
    const char *name;
    size_t size;
} structs[] = {
    {STRUCT_SIZE(jm_buf)},
    {STRUCT_SIZE(jm_error)},
    {STRUCT_SIZE(jm_weights)},
    {STRUCT_SIZE(jm_score)},
    {STRUCT_SIZE(jm_matcher_options)},
    {STRUCT_SIZE(jm_matcher_stats)},
    {STRUCT_SIZE(jm_gen_options)},
    {STRUCT_SIZE(jm_gen_info)},
    {STRUCT_SIZE(jm_sink_msg)},
    {STRUCT_SIZE(jm_sink_ops)},
    {STRUCT_SIZE(jm_source_msg)},
    {STRUCT_SIZE(jm_source_ops)},
    {STRUCT_SIZE(jm_plugin_option)},
    {STRUCT_SIZE(jm_plugin_desc)},
};

size_t jm_struct_size(const char *name)
{
    if (!name)
        return 0;
    for (size_t i = 0; i < sizeof structs / sizeof structs[0]; i++)
        if (strcmp(structs[i].name, name) == 0)
            return structs[i].size;
    return 0;
}
