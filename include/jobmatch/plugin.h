/* Plugins: run-time modules that make sources and sinks (Kafka, PostgreSQL), and their loader.
 * docs/PLUGINS.md describes the handshake, the search order and how to write a module. */
#ifndef JOBMATCH_PLUGIN_H
#define JOBMATCH_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "sink.h"
#include "source.h"

JM_BEGIN_DECLS

/* The module interface's number. It changes only when the descriptor or the contract of a call
 * changes in a way an older host or module cannot follow; appended fields do not change it. */
#define JM_PLUGIN_ABI 1u

/* The one symbol a module exports, and what it is. */
#define JM_PLUGIN_INIT_SYMBOL "jm_plugin_init"

/* A module for NAME is the file jm-NAME.so in a plugin directory. */
#define JM_PLUGIN_PREFIX "jm-"
#define JM_PLUGIN_SUFFIX ".so"
/* The longest plugin name, without the file's prefix and suffix. */
#define JM_PLUGIN_NAME_MAX 64

/* One key=value option for a constructor. Both strings are borrowed for the call. */
typedef struct jm_plugin_option {
    const char *key;
    const char *value;
} jm_plugin_option;

/* What jm_plugin_init() returns: a static, constant descriptor. The first two fields are fixed
 * for ever, 32 bits each, whatever the platform: the host reads them, and nothing else, before
 * it trusts the rest. Fields after them are only ever appended: a module sets struct_size to
 * sizeof(jm_plugin_desc) as it was built, and a host reads only the fields both know. */
typedef struct jm_plugin_desc {
    uint32_t abi;            /* JM_PLUGIN_ABI */
    uint32_t struct_size;    /* sizeof(jm_plugin_desc) */
    const char *name;        /* NAME of jm-NAME.so: letters, digits, '_' and '-' */
    const char *version;     /* the module's own version, e.g. "1.2.0" */
    const char *description; /* one line, no newline */
    /* Constructors; either may be NULL when the module has no sources or no sinks. Each returns a
     * new object that the caller frees (jm_sink_free(), jm_source_free()) before it frees the
     * plugin, or NULL with err filled: an unknown key or a bad value (JM_EINVAL, the key in the
     * text), a service that cannot be reached, out of memory. */
    jm_sink *(*sink_new)(const jm_plugin_option *options, size_t noptions, jm_error *err);
    jm_source *(*source_new)(const jm_plugin_option *options, size_t noptions, jm_error *err);
} jm_plugin_desc;

/* The size of the first version of jm_plugin_desc; a module's struct_size below it is refused. */
#define JM_PLUGIN_DESC_V1_SIZE (offsetof(jm_plugin_desc, source_new) + sizeof(void (*)(void)))

/* The entry point's type. A module defines it as
 *     JM_PLUGIN_EXPORT const jm_plugin_desc *jm_plugin_init(void) { return &desc; }
 * It must do nothing else: it runs before the handshake is checked. */
typedef const jm_plugin_desc *jm_plugin_init_fn(void);
#if defined(__GNUC__)
#define JM_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define JM_PLUGIN_EXPORT
#endif

/* ---- the loader ------------------------------------------------------------------------------
 * A module is looked for, in order, in:
 *   1. each directory of $JM_PLUGIN_PATH (colon-separated; set but empty counts as unset);
 *   2. the build tree: plugins/ and build/plugins/ beside the running program's directory, each
 *      only when it holds the stamp file .jobmatch-build-tree (written by make), so programs run
 *      from a build use its modules uninstalled and installed programs never look there;
 *   3. the installed plugin directory, jm_plugin_dir(). */

typedef struct jm_plugin jm_plugin;

/* Finds jm-NAME.so along the search path, loads it (RTLD_NOW | RTLD_LOCAL) and checks its
 * descriptor: ABI number and size first, then its name. The module resolves libjobmatch's jm_
 * functions from the program that loads it, which must export them (a program linked with the
 * shared library does; one linked statically links all of libjobmatch.a, exported with
 * -Wl,--export-dynamic-symbol='jm_*'). NULL
 * with err filled (JM_EPLUGIN, the path or the directories searched, and what to install; or
 * JM_EINVAL for a bad name; JM_ENOMEM). */
JM_EXTERN jm_plugin *jm_plugin_open(const char *name, jm_error *err);
/* The same for the module file at path, whatever its name. */
JM_EXTERN jm_plugin *jm_plugin_open_path(const char *path, jm_error *err);
/* Unloads p. Free every sink and source made from it first. Accepts NULL. */
JM_EXTERN void jm_plugin_free(jm_plugin *p);

/* The descriptor's strings and the file it was loaded from; borrowed while p lives. */
JM_EXTERN const char *jm_plugin_name(const jm_plugin *p);
JM_EXTERN const char *jm_plugin_version(const jm_plugin *p);
JM_EXTERN const char *jm_plugin_description(const jm_plugin *p);
JM_EXTERN const char *jm_plugin_path(const jm_plugin *p);

/* A sink or a source from p's constructor with the given options. NULL with err filled
 * (JM_EPLUGIN when p makes none, naming the plugin). Free the result before p. */
JM_EXTERN jm_sink *jm_plugin_sink_new(jm_plugin *p, const jm_plugin_option *options,
                                      size_t noptions, jm_error *err);
JM_EXTERN jm_source *jm_plugin_source_new(jm_plugin *p, const jm_plugin_option *options,
                                          size_t noptions, jm_error *err);

/* The installed plugin directory compiled into the library, e.g.
 * "/usr/local/lib/jobmatch/plugins". */
JM_EXTERN const char *jm_plugin_dir(void);

/* Called by jm_plugin_each() for each module found: the first jm-NAME.so of each NAME along the
 * search path, in search order. p is the loaded module, or NULL when it cannot be used (err then
 * says why); both are borrowed for the call. A nonzero return stops the walk. */
typedef int (*jm_plugin_each_fn)(void *ctx, const char *path, const jm_plugin *p,
                                 const jm_error *err);
/* Walks the search path (for --version). Returns 0, or the callback's nonzero value, or
 * JM_ENOMEM. */
JM_EXTERN int jm_plugin_each(jm_plugin_each_fn fn, void *ctx);

/* ---- NAME[:key=value,key=value] --------------------------------------------------------------
 * The spec a command line gives for a plugin sink or source. In a value, "\," is a comma and
 * "\\" a backslash (Kafka's broker lists are comma-separated). */

typedef struct jm_plugin_spec jm_plugin_spec;

/* Parses text. NULL with err filled (JM_EINVAL: an empty name, an option without '=', an empty
 * key; JM_ENOMEM). */
JM_EXTERN jm_plugin_spec *jm_plugin_spec_parse(const char *text, jm_error *err);
JM_EXTERN void jm_plugin_spec_free(jm_plugin_spec *spec);
/* The name before the ':'; borrowed while spec lives. */
JM_EXTERN const char *jm_plugin_spec_name(const jm_plugin_spec *spec);
/* The options in the order given; *noptions gets their number. Borrowed while spec lives. */
JM_EXTERN const jm_plugin_option *jm_plugin_spec_options(const jm_plugin_spec *spec,
                                                         size_t *noptions);

JM_END_DECLS

#endif
