/* The version of the library actually loaded. */
#include <jobmatch/version.h>

const char *jm_version(void)
{
    return JM_VERSION_STR;
}

unsigned jm_version_num(void)
{
    return JM_VERSION_NUM;
}
