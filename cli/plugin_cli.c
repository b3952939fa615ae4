/* Plugin sinks for the tools: opening --to's spec, the tee beside the main output, delivery. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "plugin_cli.h"

void jm_cli_plugin_open(jm_cli_plugin_out *o, const char *option, const char *spec)
{
    memset(o, 0, sizeof *o);
    o->option = option;
    o->spec = spec;
    jm_error err = {0};
    jm_plugin_spec *ps = jm_plugin_spec_parse(spec, &err);
    if (!ps) {
        if (err.code == JM_ENOMEM) {
            jm_cli_error("out of memory");
            exit(EXIT_IO);
        }
        jm_cli_usage("%s: '%s': %s", option, spec, err.text);
    }
    o->plugin = jm_plugin_open(jm_plugin_spec_name(ps), &err);
    if (!o->plugin) {
        jm_plugin_spec_free(ps);
        if (err.code == JM_EINVAL)
            jm_cli_usage("%s: %s: %s", option, err.source, err.text);
        jm_cli_error("%s: %s: %s", option, err.source, err.text);
        exit(EXIT_IO);
    }
    size_t n;
    const jm_plugin_option *opts = jm_plugin_spec_options(ps, &n);
    o->sink = jm_plugin_sink_new(o->plugin, opts, n, &err);
    jm_plugin_spec_free(ps);
    if (!o->sink) {
        jm_plugin_free(o->plugin);
        if (err.code == JM_EINVAL)
            jm_cli_usage("%s: %s: %s", option, err.source, err.text);
        jm_cli_error("%s: %s: %s", option, err.source, err.text);
        exit(EXIT_IO);
    }
}

static _Noreturn void plugin_failed(const jm_cli_plugin_out *o, const char *what, int rc)
{
    jm_cli_error("%s %s: %s failed: %s", o->option, o->spec, what, jm_strerror(rc));
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
