/* The test module "test": a sink that counts what it is given and a source that replays a file
 * line by line. Built into the build tree's plugin directory for the tests; never installed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/plugin.h>
#include <jobmatch/version.h>

static void say(jm_error *err, int code, const char *source, const char *what, const char *arg)
{
    err->code = code;
    snprintf(err->source, sizeof err->source, "%s", source);
    snprintf(err->text, sizeof err->text, "%s%s", what, arg ? arg : "");
}

/* ---- the counting sink: count=FILE gets "messages=.. records=.. ..." on every sync and at the
 * end; fail_sync=1 makes every sync fail, for a host's error path --------------------------------
 */

typedef struct counter {
    char *path;
    int fail_sync;
    unsigned long long messages, records, bad, headers, bytes, syncs;
} counter;

static int counter_write(void *state, const jm_sink_msg *msg)
{
    counter *c = state;
    c->messages++;
    c->bytes += msg->len;
    if (msg->flags & JM_SINK_MSG_HEADER)
        c->headers++;
    else if (msg->flags & JM_SINK_MSG_BAD)
        c->bad++;
    else
        c->records++;
    return 0;
}

static int counter_report(const counter *c)
{
    if (!c->path)
        return 0;
    FILE *f = fopen(c->path, "w");
    if (!f)
        return JM_EIO;
    fprintf(f, "messages=%llu records=%llu bad=%llu headers=%llu bytes=%llu syncs=%llu\n",
            c->messages, c->records, c->bad, c->headers, c->bytes, c->syncs);
    return fclose(f) ? JM_EIO : 0;
}

static int counter_sync(void *state)
{
    counter *c = state;
    if (c->fail_sync)
        return JM_EIO;
    c->syncs++;
    return counter_report(c);
}

static void counter_destroy(void *state)
{
    counter *c = state;
    counter_report(c);
    free(c->path);
    free(c);
}

static jm_sink *test_sink_new(const jm_plugin_option *options, size_t noptions, jm_error *err)
{
    counter *c = calloc(1, sizeof *c);
    if (!c) {
        say(err, JM_ENOMEM, "test", "out of memory", NULL);
        return NULL;
    }
    for (size_t i = 0; i < noptions; i++) {
        const char *k = options[i].key, *v = options[i].value;
        if (strcmp(k, "count") == 0 && *v) {
            free(c->path);
            if (!(c->path = strdup(v))) {
                say(err, JM_ENOMEM, "test", "out of memory", NULL);
                counter_destroy(c);
                return NULL;
            }
        } else if (strcmp(k, "fail_sync") == 0) {
            c->fail_sync = strcmp(v, "1") == 0;
        } else {
            say(err, JM_EINVAL, "test", "unknown sink option: ", k);
            counter_destroy(c);
            return NULL;
        }
    }
    static const jm_sink_ops ops = {
        .struct_size = sizeof(jm_sink_ops),
        .name = "test",
        .write = counter_write,
        .destroy = counter_destroy,
        .sync = counter_sync,
    };
    jm_sink *s = jm_sink_new(&ops, c, err);
    return s;
}

/* ---- the replaying source: file=FILE, one message per line (without its newline); kind=KIND a
 * hint; timestamp=MS every message's timestamp; commit=FILE gets "seq=.. line=.. offset=.." (the
 * byte after the line) on every commit --------------------------------------------------------- */

typedef struct replay {
    FILE *in;
    char *path, *commit_path;
    jm_kind kind;
    long long timestamp_ms;
    char *line;
    size_t cap;
    unsigned long long lineno;
    long long *end; /* end[seq]: the offset after the line message seq came from */
    size_t nend;
} replay;

static void replay_destroy(void *state)
{
    replay *r = state;
    if (r->in)
        fclose(r->in);
    free(r->path);
    free(r->commit_path);
    free(r->line);
    free(r->end);
    free(r);
}

static int replay_next(void *state, jm_source_msg *msg, int timeout_ms, jm_error *err)
{
    (void)timeout_ms; /* a file never keeps us waiting */
    replay *r = state;
    errno = 0;
    ssize_t n = getline(&r->line, &r->cap, r->in);
    if (n < 0) {
        if (ferror(r->in)) {
            say(err, JM_EIO, r->path, "read failed: ", strerror(errno));
            return JM_EIO;
        }
        return JM_SOURCE_END;
    }
    if (msg->seq >= r->nend) {
        size_t cap = r->nend ? 2 * r->nend : 64;
        while (cap <= msg->seq)
            cap *= 2;
        long long *grown = realloc(r->end, cap * sizeof *grown);
        if (!grown) {
            say(err, JM_ENOMEM, r->path, "out of memory", NULL);
            return JM_ENOMEM;
        }
        r->end = grown;
        r->nend = cap;
    }
    r->end[msg->seq] = ftell(r->in);
    r->lineno++;
    msg->data = r->line;
    msg->len = (size_t)n - (n > 0 && r->line[n - 1] == '\n');
    msg->kind = r->kind;
    msg->timestamp_ms = r->timestamp_ms;
    snprintf(msg->origin, sizeof msg->origin, "test:%s@%llu", r->path, r->lineno);
    return 0;
}

static int replay_commit(void *state, uint64_t seq, jm_error *err)
{
    replay *r = state;
    if (!r->commit_path)
        return 0;
    FILE *f = fopen(r->commit_path, "w");
    if (!f) {
        say(err, JM_EIO, r->commit_path, "cannot write: ", strerror(errno));
        return JM_EIO;
    }
    /* One message per line: message seq is line seq. */
    fprintf(f, "seq=%llu line=%llu offset=%lld\n", (unsigned long long)seq, (unsigned long long)seq,
            r->end[seq]);
    if (fclose(f)) {
        say(err, JM_EIO, r->commit_path, "cannot write: ", strerror(errno));
        return JM_EIO;
    }
    return 0;
}

static jm_source *test_source_new(const jm_plugin_option *options, size_t noptions, jm_error *err)
{
    replay *r = calloc(1, sizeof *r);
    if (!r) {
        say(err, JM_ENOMEM, "test", "out of memory", NULL);
        return NULL;
    }
    for (size_t i = 0; i < noptions; i++) {
        const char *k = options[i].key, *v = options[i].value;
        char **slot = strcmp(k, "file") == 0     ? &r->path
                      : strcmp(k, "commit") == 0 ? &r->commit_path
                                                 : NULL;
        if (slot) {
            free(*slot);
            if (!(*slot = strdup(v))) {
                say(err, JM_ENOMEM, "test", "out of memory", NULL);
                replay_destroy(r);
                return NULL;
            }
        } else if (strcmp(k, "kind") == 0 && jm_kind_from_name(v) != JM_KIND_NONE) {
            r->kind = jm_kind_from_name(v);
        } else if (strcmp(k, "timestamp") == 0 && *v) {
            r->timestamp_ms = strtoll(v, NULL, 10);
        } else {
            if (strcmp(k, "kind") == 0)
                say(err, JM_EINVAL, "test", "not a record kind: ", v);
            else
                say(err, JM_EINVAL, "test", "unknown source option: ", k);
            replay_destroy(r);
            return NULL;
        }
    }
    if (!r->path) {
        say(err, JM_EINVAL, "test", "the source needs file=FILE", NULL);
        replay_destroy(r);
        return NULL;
    }
    if (!(r->in = fopen(r->path, "r"))) {
        say(err, JM_EIO, r->path, "cannot open: ", strerror(errno));
        replay_destroy(r);
        return NULL;
    }
    static const jm_source_ops ops = {
        .struct_size = sizeof(jm_source_ops),
        .name = "test",
        .next = replay_next,
        .commit = replay_commit,
        .destroy = replay_destroy,
    };
    jm_source *s = jm_source_new(&ops, r, err);
    return s;
}

static const jm_plugin_desc desc = {
    .abi = JM_PLUGIN_ABI,
    .struct_size = sizeof(jm_plugin_desc),
    .name = "test",
    .version = JM_VERSION_STR,
    .description = "counting sink and file-replaying source, for the tests",
    .sink_new = test_sink_new,
    .source_new = test_source_new,
};

JM_PLUGIN_EXPORT const jm_plugin_desc *jm_plugin_init(void);
const jm_plugin_desc *jm_plugin_init(void)
{
    return &desc;
}
