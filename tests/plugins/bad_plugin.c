/* Broken modules the loader must refuse: built with -DBAD_ABI (a future ABI number) as
 * jm-badabi.so, or with -DBAD_SIZE (a descriptor shorter than any version) as jm-badsize.so. */
#include <stdlib.h>

#include <jobmatch/plugin.h>

/* Never called: the loader refuses the module before it looks past the first two fields. */
static jm_sink *never(const jm_plugin_option *options, size_t noptions, jm_error *err)
{
    (void)options;
    (void)noptions;
    (void)err;
    abort();
}

static const jm_plugin_desc desc = {
#if defined(BAD_ABI)
    .abi = JM_PLUGIN_ABI + 1,
    .struct_size = sizeof(jm_plugin_desc),
    .name = "badabi",
#elif defined(BAD_SIZE)
    .abi = JM_PLUGIN_ABI,
    .struct_size = 2 * sizeof(uint32_t),
    .name = "badsize",
#else
#error "build with -DBAD_ABI or -DBAD_SIZE"
#endif
    .version = "0",
    .description = "refused by the loader",
    .sink_new = never,
};

JM_PLUGIN_EXPORT const jm_plugin_desc *jm_plugin_init(void);
const jm_plugin_desc *jm_plugin_init(void)
{
    return &desc;
}
