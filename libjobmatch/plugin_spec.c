/* Plugin specs: NAME[:key=value,key=value] as a command line or a binding gives them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/plugin.h>

struct jm_plugin_spec {
    char *text; /* a copy of the spec, cut in place into the name, keys and values */
    jm_plugin_option *options;
    size_t noptions;
};

static jm_plugin_spec *fail(jm_plugin_spec *spec, jm_error *err, int code, const char *text,
                            const char *why)
{
    jm_plugin_spec_free(spec);
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = code;
        snprintf(err->source, sizeof err->source, "%s", text);
        snprintf(err->text, sizeof err->text, "%s", why);
    }
    return NULL;
}

jm_plugin_spec *jm_plugin_spec_parse(const char *text, jm_error *err)
{
    if (!text)
        text = "";
    jm_plugin_spec *spec = calloc(1, sizeof *spec);
    if (!spec || !(spec->text = strdup(text)))
        return fail(spec, err, JM_ENOMEM, text, "out of memory");
    char *colon = strchr(spec->text, ':');
    if (colon)
        *colon = '\0';
    if (!spec->text[0])
        return fail(spec, err, JM_EINVAL, text, "no plugin name before the ':'");
    if (!colon)
        return spec;
    /* At most one option per comma, plus one. */
    size_t most = 1;
    for (const char *p = colon + 1; *p; p++)
        most += *p == ',';
    spec->options = calloc(most, sizeof *spec->options);
    if (!spec->options)
        return fail(spec, err, JM_ENOMEM, text, "out of memory");
    /* Unescape in place: the write pointer never passes the read pointer. */
    char *r = colon + 1, *w = colon + 1;
    while (*r) {
        jm_plugin_option *o = &spec->options[spec->noptions++];
        o->key = w;
        int in_value = 0;
        for (; *r && *r != ','; r++) {
            if (*r == '\\' && (r[1] == ',' || r[1] == '\\') && in_value) {
                *w++ = *++r;
            } else if (*r == '=' && !in_value) {
                *w++ = '\0';
                o->value = w;
                in_value = 1;
            } else {
                *w++ = *r;
            }
        }
        int more = *r == ',';
        if (more)
            r++;
        *w++ = '\0';
        if (!in_value)
            return fail(spec, err, JM_EINVAL, text, "an option without '=' (key=value)");
        if (!o->key[0])
            return fail(spec, err, JM_EINVAL, text, "an option with an empty key");
        if (more && !*r)
            return fail(spec, err, JM_EINVAL, text, "a ',' with no option after it");
    }
    return spec;
}

void jm_plugin_spec_free(jm_plugin_spec *spec)
{
    if (!spec)
        return;
    free(spec->options);
    free(spec->text);
    free(spec);
}

const char *jm_plugin_spec_name(const jm_plugin_spec *spec)
{
    return spec->text;
}

const jm_plugin_option *jm_plugin_spec_options(const jm_plugin_spec *spec, size_t *noptions)
{
    *noptions = spec->noptions;
    return spec->options;
}
