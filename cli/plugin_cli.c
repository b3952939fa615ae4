/* Plugins for the tools: opening a spec's sink or source, the tee beside the main output,
 * delivery, and the PostgreSQL spellings' CONNINFO. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "plugin_cli.h"

/* Exits after a spec that cannot be parsed: the reason only, since the spec's values may hold a
 * password. */
static jm_plugin_spec *parse_spec(const char *option, const char *spec)
{
    jm_error err = {0};
    jm_plugin_spec *ps = jm_plugin_spec_parse(spec, &err);
    if (!ps) {
        if (err.code == JM_ENOMEM) {
            jm_cli_error("out of memory");
            exit(EXIT_IO);
        }
        jm_cli_usage("%s: not a plugin spec NAME[:key=value,...]: %s", option, err.text);
    }
    return ps;
}

/* Loads plugin name for option; exits as jm_cli_plugin_open() says. */
static jm_plugin *load(const char *option, const char *name)
{
    jm_error err = {0};
    jm_plugin *p = jm_plugin_open(name, &err);
    if (!p) {
        if (err.code == JM_EINVAL)
            jm_cli_usage("%s: %s: %s", option, err.source, err.text);
        jm_cli_error("%s: %s: %s", option, err.source, err.text);
        exit(EXIT_IO);
    }
    return p;
}

/* After a constructor failed: a refused option is a usage error, anything else exits 3. The
 * module's text names keys, never a password (docs/PLUGINS.md). */
static _Noreturn void make_failed(const char *option, jm_plugin *p, const jm_error *err)
{
    char name[JM_PLUGIN_NAME_MAX + 1];
    snprintf(name, sizeof name, "%s", jm_plugin_name(p));
    jm_plugin_free(p);
    /* what the module's error is about (a file, a topic), when it is not the module itself */
    const char *about = err->source[0] && strcmp(err->source, name) ? err->source : NULL;
    if (err->code == JM_EINVAL)
        jm_cli_usage("%s: %s: %s%s%s", option, name, about ? about : "", about ? ": " : "",
                     err->text);
    jm_cli_error("%s: %s: %s%s%s", option, name, about ? about : "", about ? ": " : "", err->text);
    exit(EXIT_IO);
}

void jm_cli_plugin_open_with(jm_cli_plugin_out *o, const char *option, const char *name,
                             const jm_plugin_option *options, size_t n)
{
    memset(o, 0, sizeof *o);
    o->option = option;
    o->plugin = load(option, name);
    jm_error err = {0};
    o->sink = jm_plugin_sink_new(o->plugin, options, n, &err);
    if (!o->sink)
        make_failed(option, o->plugin, &err);
}

void jm_cli_plugin_open(jm_cli_plugin_out *o, const char *option, const char *spec)
{
    jm_plugin_spec *ps = parse_spec(option, spec);
    size_t n;
    const jm_plugin_option *opts = jm_plugin_spec_options(ps, &n);
    jm_cli_plugin_open_with(o, option, jm_plugin_spec_name(ps), opts, n);
    jm_plugin_spec_free(ps);
}

void jm_cli_plugin_source_open_with(jm_cli_plugin_in *in, const char *option, const char *name,
                                    const jm_plugin_option *options, size_t n)
{
    memset(in, 0, sizeof *in);
    in->option = option;
    in->plugin = load(option, name);
    jm_error err = {0};
    in->source = jm_plugin_source_new(in->plugin, options, n, &err);
    if (!in->source)
        make_failed(option, in->plugin, &err);
}

void jm_cli_plugin_source_open(jm_cli_plugin_in *in, const char *option, const char *spec)
{
    jm_plugin_spec *ps = parse_spec(option, spec);
    size_t n;
    const jm_plugin_option *opts = jm_plugin_spec_options(ps, &n);
    jm_cli_plugin_source_open_with(in, option, jm_plugin_spec_name(ps), opts, n);
    jm_plugin_spec_free(ps);
}

void jm_cli_plugin_source_close(jm_cli_plugin_in *in)
{
    if (!in->source)
        return;
    jm_source_free(in->source);
    jm_plugin_free(in->plugin);
    in->source = NULL;
    in->plugin = NULL;
}

const char *jm_cli_conninfo_arg(int argc, char **argv)
{
    if (optarg)
        return optarg;
    if (optind >= argc)
        return NULL;
    const char *next = argv[optind];
    if (next[0] != '-' && (strchr(next, '=') || strncmp(next, "postgres://", 11) == 0 ||
                           strncmp(next, "postgresql://", 13) == 0)) {
        optind++;
        return next;
    }
    return NULL;
}

size_t jm_cli_conninfo_option(jm_plugin_option *opts, const char *conninfo)
{
    if (!conninfo)
        return 0;
    opts[0].key = "conninfo";
    opts[0].value = conninfo;
    return 1;
}

static _Noreturn void plugin_failed(const jm_cli_plugin_out *o, const char *what, int rc)
{
    jm_cli_error("%s: %s: %s failed: %s", o->option, jm_plugin_name(o->plugin), what,
                 jm_strerror(rc));
    exit(EXIT_IO);
}

typedef struct tee {
    jm_sink *main;
    jm_cli_plugin_out *to;
} tee;

static int tee_write(void *state, const jm_sink_msg *msg)
{
    tee *t = state;
    int rc = jm_sink_write(t->main, msg);
    if (rc)
        return rc;
    if (t->to->only != JM_KIND_NONE && msg->kind != t->to->only)
        return 0;
    if ((rc = jm_sink_write(t->to->sink, msg)))
        plugin_failed(t->to, "write", rc);
    return 0;
}

static int tee_flush(void *state)
{
    tee *t = state;
    int rc = jm_sink_flush(t->main);
    int to = jm_sink_flush(t->to->sink);
    if (to)
        plugin_failed(t->to, "flush", to);
    return rc;
}

static int tee_sync(void *state)
{
    tee *t = state;
    int rc = jm_sink_sync(t->main);
    int to = jm_sink_sync(t->to->sink);
    if (to)
        plugin_failed(t->to, "delivery", to);
    return rc;
}

static void tee_destroy(void *state)
{
    tee *t = state;
    jm_sink_free(t->main);
    free(t);
}

jm_sink *jm_cli_plugin_tee_take(jm_cli_plugin_out *o, jm_sink *main)
{
    tee *t = malloc(sizeof *t);
    if (!t) {
        jm_sink_free(main);
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    t->main = main;
    t->to = o;
    jm_sink_ops ops = {
        .struct_size = sizeof(jm_sink_ops),
        .name = jm_sink_name(o->sink),
        .flags = jm_sink_flags(o->sink),
        .write = tee_write,
        .flush = tee_flush,
        .destroy = tee_destroy,
        .sync = tee_sync,
    };
    jm_error err;
    jm_sink *s = jm_sink_new(&ops, t, &err);
    if (!s) {
        jm_cli_error("%s", err.text);
        exit(EXIT_IO);
    }
    return s;
}

void jm_cli_plugin_close(jm_cli_plugin_out *o)
{
    if (!o->sink)
        return;
    int rc = jm_sink_sync(o->sink);
    if (rc)
        plugin_failed(o, "delivery", rc);
    jm_sink_free(o->sink);
    jm_plugin_free(o->plugin);
    o->sink = NULL;
    o->plugin = NULL;
}
