/* Version numbers of libjobmatch, for compile-time and run-time checks. */
#ifndef JOBMATCH_VERSION_H
#define JOBMATCH_VERSION_H

#define JM_VERSION_MAJOR 0
#define JM_VERSION_MINOR 1
#define JM_VERSION_PATCH 0
#define JM_VERSION_STR "0.1.0"
/* 0xMMmmpp: compare with >= to require a version. */
#define JM_VERSION_NUM ((JM_VERSION_MAJOR << 16) | (JM_VERSION_MINOR << 8) | JM_VERSION_PATCH)

#include <stddef.h>

#include "export.h"

JM_BEGIN_DECLS

/* The version of the library actually loaded, e.g. "0.1.0". Never NULL. */
JM_EXTERN const char *jm_version(void);
/* The same as a JM_VERSION_NUM-style number. */
JM_EXTERN unsigned jm_version_num(void);

/* sizeof the public struct named name ("jm_error", "jm_matcher_options", ...) as this library
 * was built: what a binding that copies a layout by hand checks its copy against. 0 for a name
 * that is not a public struct. */
JM_EXTERN size_t jm_struct_size(const char *name);

JM_END_DECLS

#endif
