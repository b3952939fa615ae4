/* The plugin loader: the search path, dlopen, and the descriptor handshake checked before use. */
/* realpath() is X/Open. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jobmatch/plugin.h>
#include <jobmatch/version.h>

#ifndef JM_PLUGIN_DIR
#define JM_PLUGIN_DIR "/usr/local/lib/jobmatch/plugins"
#endif

/* A descriptor size past this is not a descriptor: the module is broken or not ours. */
#define DESC_SIZE_MAX 4096u
/* The file make writes into a build tree's plugin directory: without it, no program looks there. */
#define BUILD_TREE_STAMP ".jobmatch-build-tree"

struct jm_plugin {
    void *handle;
    jm_plugin_desc desc; /* the module's descriptor, the part this library knows */
    char *path;
};

/* What to install for the modules we know of, for "not found" and "cannot load" messages. */
typedef struct known_module {
    const char *name;
    const char *build; /* the package its build needs */
    const char *run;   /* the package it needs at run time */
} known_module;

static const known_module known[] = {
    {"kafka", "librdkafka-dev", "librdkafka1"},
    {"pg", "libpq-dev", "libpq5"},
};

static const known_module *known_find(const char *name)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (name && strcmp(known[i].name, name) == 0)
            return &known[i];
    return NULL;
}

static void set_error(jm_error *err, int code, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_error(jm_error *err, int code, const char *source, const char *fmt, ...)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->code = code;
    snprintf(err->source, sizeof err->source, "%s", source);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
}

static int valid_name(const char *name)
{
    size_t n = 0;
    for (; name[n]; n++) {
        char c = name[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return n > 0 && n <= JM_PLUGIN_NAME_MAX;
}

/* ---- loading one file ------------------------------------------------------------------------ */

/* Loads path and checks its descriptor; want is the name it must declare, or NULL. */
static jm_plugin *load(const char *path, const char *want, jm_error *err)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const known_module *k = known_find(want);
        const char *why = dlerror();
        if (why && strstr(why, "undefined symbol: jm_")) {
            set_error(err, JM_EPLUGIN, path,
                      "cannot load: %s; the program must export libjobmatch's functions (link "
                      "libjobmatch.so, or all of libjobmatch.a with "
                      "-Wl,--export-dynamic-symbol='jm_*')",
                      why);
            return NULL;
        }
        set_error(err, JM_EPLUGIN, path, "cannot load: %s; install %s%s", why ? why : "?",
                  k ? k->run : "the shared libraries it names",
                  k ? "" : " (ldd shows which are missing)");
        return NULL;
    }
    jm_plugin_init_fn *init;
    /* POSIX's way from a data pointer to a function pointer. */
    *(void **)&init = dlsym(h, JM_PLUGIN_INIT_SYMBOL);
    if (!init) {
        set_error(err, JM_EPLUGIN, path,
                  "not a libjobmatch module: no " JM_PLUGIN_INIT_SYMBOL "; remove it or install "
                  "a module built for libjobmatch");
        dlclose(h);
        return NULL;
    }
    const jm_plugin_desc *d = init();
    if (!d) {
        set_error(err, JM_EPLUGIN, path, JM_PLUGIN_INIT_SYMBOL "() returned no descriptor");
        dlclose(h);
        return NULL;
    }
    /* The handshake: the two fixed fields, and nothing else, before the rest is trusted. */
    uint32_t abi = d->abi, size = d->struct_size;
    if (abi != JM_PLUGIN_ABI) {
        set_error(err, JM_EPLUGIN, path,
                  "built for plugin ABI %lu, this libjobmatch %s has ABI %lu; install a module "
                  "built against libjobmatch %s",
                  (unsigned long)abi, JM_VERSION_STR, (unsigned long)JM_PLUGIN_ABI, JM_VERSION_STR);
        dlclose(h);
        return NULL;
    }
    if (size < JM_PLUGIN_DESC_V1_SIZE || size > DESC_SIZE_MAX) {
        set_error(err, JM_EPLUGIN, path,
                  "descriptor size %lu, expected %lu or more; install a module built against "
                  "libjobmatch %s",
                  (unsigned long)size, (unsigned long)JM_PLUGIN_DESC_V1_SIZE, JM_VERSION_STR);
        dlclose(h);
        return NULL;
    }
    jm_plugin *p = calloc(1, sizeof *p);
    char *copy = strdup(path);
    if (!p || !copy) {
        free(p);
        free(copy);
        dlclose(h);
        set_error(err, JM_ENOMEM, path, "out of memory");
        return NULL;
    }
    memcpy(&p->desc, d, size < sizeof p->desc ? size : sizeof p->desc);
    p->handle = h;
    p->path = copy;
    if (!p->desc.name || !valid_name(p->desc.name)) {
        set_error(err, JM_EPLUGIN, path, "the descriptor has no valid name");
        jm_plugin_free(p);
        return NULL;
    }
    if (want && strcmp(p->desc.name, want) != 0) {
        set_error(err, JM_EPLUGIN, path, "declares the name '%s', not '%s'", p->desc.name, want);
        jm_plugin_free(p);
        return NULL;
    }
    if (!p->desc.version)
        p->desc.version = "?";
    if (!p->desc.description)
        p->desc.description = "";
    return p;
}

jm_plugin *jm_plugin_open_path(const char *path, jm_error *err)
{
    if (!path || !*path) {
        set_error(err, JM_EINVAL, "plugin", "no module path given");
        return NULL;
    }
    return load(path, NULL, err);
}

void jm_plugin_free(jm_plugin *p)
{
    if (!p)
        return;
    dlclose(p->handle);
    free(p->path);
    free(p);
}

const char *jm_plugin_name(const jm_plugin *p)
{
    return p->desc.name;
}

const char *jm_plugin_version(const jm_plugin *p)
{
    return p->desc.version;
}

const char *jm_plugin_description(const jm_plugin *p)
{
    return p->desc.description;
}

const char *jm_plugin_path(const jm_plugin *p)
{
    return p->path;
}

const char *jm_plugin_dir(void)
{
    return JM_PLUGIN_DIR;
}

/* A constructor's failure report, completed where the module left it empty, for the caller. */
static void ctor_failed(const jm_plugin *p, jm_error *e, const char *what, jm_error *err)
{
    if (!e->code)
        e->code = JM_EPLUGIN;
    if (!e->source[0])
        snprintf(e->source, sizeof e->source, "%s", p->desc.name);
    if (!e->text[0])
        snprintf(e->text, sizeof e->text, "cannot make a %s (%s)", what, jm_strerror(e->code));
    if (err)
        *err = *e;
}

jm_sink *jm_plugin_sink_new(jm_plugin *p, const jm_plugin_option *options, size_t noptions,
                            jm_error *err)
{
    jm_error e = {0};
    jm_sink *s = p->desc.sink_new ? p->desc.sink_new(options, noptions, &e) : NULL;
    if (!p->desc.sink_new)
        set_error(&e, JM_EPLUGIN, p->desc.name, "this plugin makes no sinks (%s)", p->path);
    if (!s)
        ctor_failed(p, &e, "sink", err);
    return s;
}

jm_source *jm_plugin_source_new(jm_plugin *p, const jm_plugin_option *options, size_t noptions,
                                jm_error *err)
{
    jm_error e = {0};
    jm_source *s = p->desc.source_new ? p->desc.source_new(options, noptions, &e) : NULL;
    if (!p->desc.source_new)
        set_error(&e, JM_EPLUGIN, p->desc.name, "this plugin makes no sources (%s)", p->path);
    if (!s)
        ctor_failed(p, &e, "source", err);
    return s;
}

/* ---- the search path --------------------------------------------------------------------------
 */

typedef struct dirs {
    char **dir;
    size_t n, cap;
    int failed; /* out of memory */
} dirs;

static void dirs_add(dirs *d, const char *dir, size_t len)
{
    if (d->failed || len == 0)
        return;
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->dir[i]) == len && memcmp(d->dir[i], dir, len) == 0)
            return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 8;
        char **grown = realloc(d->dir, cap * sizeof *grown);
        if (!grown) {
            d->failed = 1;
            return;
        }
        d->dir = grown;
        d->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        d->failed = 1;
        return;
    }
    memcpy(copy, dir, len);
    copy[len] = '\0';
    d->dir[d->n++] = copy;
}

static void dirs_free(dirs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->dir[i]);
    free(d->dir);
}

/* The build tree's plugin directories beside the running program's, when make stamped them. */
static void add_build_tree(dirs *d)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    static const char *const beside[] = {"/../plugins", "/../build/plugins"};
    for (size_t i = 0; i < sizeof beside / sizeof beside[0]; i++) {
        char cand[PATH_MAX], stamp[PATH_MAX], real[PATH_MAX];
        if ((size_t)snprintf(cand, sizeof cand, "%s%s", exe, beside[i]) >= sizeof cand ||
            (size_t)snprintf(stamp, sizeof stamp, "%s/" BUILD_TREE_STAMP, cand) >= sizeof stamp)
            continue;
        if (access(stamp, F_OK) == 0 && realpath(cand, real))
            dirs_add(d, real, strlen(real));
    }
}

static void search_path(dirs *d)
{
    const char *env = getenv("JM_PLUGIN_PATH");
    if (env && *env) {
        for (const char *p = env;;) {
            const char *colon = strchr(p, ':');
            size_t len = colon ? (size_t)(colon - p) : strlen(p);
            dirs_add(d, p, len);
            if (!colon)
                break;
            p = colon + 1;
        }
    }
    add_build_tree(d);
    dirs_add(d, JM_PLUGIN_DIR, strlen(JM_PLUGIN_DIR));
}

static int is_file(const char *path)
{
    return access(path, F_OK) == 0;
}

jm_plugin *jm_plugin_open(const char *name, jm_error *err)
{
    if (!name || !valid_name(name)) {
        set_error(err, JM_EINVAL, name ? name : "plugin",
                  "not a plugin name (letters, digits, '_' and '-', at most %d)",
                  JM_PLUGIN_NAME_MAX);
        return NULL;
    }
    dirs d = {0};
    search_path(&d);
    if (d.failed) {
        dirs_free(&d);
        set_error(err, JM_ENOMEM, name, "out of memory");
        return NULL;
    }
    char file[JM_PLUGIN_NAME_MAX + sizeof JM_PLUGIN_PREFIX JM_PLUGIN_SUFFIX];
    snprintf(file, sizeof file, JM_PLUGIN_PREFIX "%s" JM_PLUGIN_SUFFIX, name);
    jm_plugin *p = NULL;
    int found = 0;
    for (size_t i = 0; i < d.n && !found; i++) {
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", d.dir[i], file) >= sizeof path)
            continue;
        if (is_file(path)) {
            found = 1;
            p = load(path, name, err);
        }
    }
    if (!found) {
        /* Name every directory searched, and what would put the module there. */
        char where[sizeof err->text];
        size_t used = 0;
        where[0] = '\0';
        for (size_t i = 0; i < d.n && used < sizeof where; i++)
            used +=
                (size_t)snprintf(where + used, sizeof where - used, "%s%s", i ? ":" : "", d.dir[i]);
        const known_module *k = known_find(name);
        char how[160];
        if (k)
            snprintf(how, sizeof how, "apt-get install %s, then make && make install", k->build);
        else
            snprintf(how, sizeof how, "install %s into %s or name its folder in JM_PLUGIN_PATH",
                     file, JM_PLUGIN_DIR);
        set_error(err, JM_EPLUGIN, file, "not found in %s; %s", where, how);
    }
    dirs_free(&d);
    return p;
}

/* ---- listing ----------------------------------------------------------------------------------
 */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The module names in dir, sorted: the NAME of each jm-NAME.so. */
static int list_dir(const char *dir, dirs *names)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    size_t pre = strlen(JM_PLUGIN_PREFIX), suf = strlen(JM_PLUGIN_SUFFIX);
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n > pre + suf && strncmp(e->d_name, JM_PLUGIN_PREFIX, pre) == 0 &&
            strcmp(e->d_name + n - suf, JM_PLUGIN_SUFFIX) == 0)
            dirs_add(names, e->d_name + pre, n - pre - suf);
    }
    closedir(dp);
    if (names->n)
        qsort(names->dir, names->n, sizeof names->dir[0], by_name);
    return names->failed ? JM_ENOMEM : 0;
}

int jm_plugin_each(jm_plugin_each_fn fn, void *ctx)
{
    dirs d = {0}, seen = {0};
    search_path(&d);
    int rc = d.failed ? JM_ENOMEM : 0;
    for (size_t i = 0; i < d.n && !rc; i++) {
        dirs names = {0};
        rc = list_dir(d.dir[i], &names);
        for (size_t j = 0; j < names.n && !rc; j++) {
            const char *name = names.dir[j];
            size_t before = seen.n;
            dirs_add(&seen, name, strlen(name));
            if (seen.failed) {
                rc = JM_ENOMEM;
                break;
            }
            if (seen.n == before)
                continue; /* shadowed by a module of that name found earlier */
            char path[PATH_MAX];
            if ((size_t)snprintf(path, sizeof path, "%s/" JM_PLUGIN_PREFIX "%s" JM_PLUGIN_SUFFIX,
                                 d.dir[i], name) >= sizeof path)
                continue;
            jm_error err = {0};
            jm_plugin *p = valid_name(name) ? load(path, name, &err) : NULL;
            if (!p && !err.code)
                set_error(&err, JM_EPLUGIN, path, "not a plugin name");
            rc = fn(ctx, path, p, p ? NULL : &err);
            jm_plugin_free(p);
        }
        dirs_free(&names);
    }
    dirs_free(&seen);
    dirs_free(&d);
    return rc;
}
