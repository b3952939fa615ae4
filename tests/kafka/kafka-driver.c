/* A small host of the Kafka module for the real-broker tests: loads jm-kafka.so through the
 * plugin API and runs its source and sink the way the tools do (the delivery call, then the
 * commit), with a matcher in between for "match".
 *
 * Usage: kafka-driver MODE [-s KEY=VALUE]... [-k KEY=VALUE]... [options]
 *   consume   the jm-match source alone: each message as "ORIGIN<TAB>RECORD" on stdout
 *   match     source, matcher and the linked sink: applications to Kafka and to stdout
 *   report    the jm-report source (report=1 is implied): "KIND<TAB>RECORD" until the end
 *   produce   NDJSON lines from stdin into the sink, one message each
 * -s gives a source option, -k a sink option (docs/KAFKA.md); match links the two itself.
 *   --commit-every N   deliver and commit after every N messages (default 200), and when idle
 *   --idle-exit MS     stop after MS without a message (default: run until a signal)
 *   --progress FILE    "delivered=N committed=M" rewritten after every message and commit
 *   --delay-us N       sleep N microseconds after each message (to stop it mid-stream)
 *   --state-ttl MS     the matcher's state TTL (default 0: keep everything, so the pairs do not
 *                      depend on the order partitions are read in); given to the source too
 * SIGINT and SIGTERM deliver, commit and exit 0. Exit 3 on a service failure, 2 on usage. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jobmatch/jobmatch.h>

#define MAX_OPTS 64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void die(int code, const char *what, const jm_error *e)
{
    if (e)
        fprintf(stderr, "kafka-driver: %s: %s: %s\n", what, e->source, e->text);
    else
        fprintf(stderr, "kafka-driver: %s\n", what);
    exit(code);
}

typedef struct opts {
    jm_plugin_option o[MAX_OPTS];
    size_t n;
} opts;

static void add(opts *o, char *kv)
{
    char *eq = strchr(kv, '=');
    if (!eq || o->n == MAX_OPTS)
        die(2, "an option is KEY=VALUE", NULL);
    *eq = '\0';
    o->o[o->n].key = kv;
    o->o[o->n++].value = eq + 1;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct host {
    jm_source *src;
    jm_sink *kafka; /* the module's sink, or NULL */
    jm_sink *out;   /* stdout */
    const char *progress;
    jm_record *rec;
    unsigned long long apps;
} host;

static void progress(const host *h)
{
    if (!h->progress)
        return;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", h->progress);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fprintf(f, "delivered=%llu committed=%llu applications=%llu\n",
            (unsigned long long)(h->src ? jm_source_delivered(h->src) : 0),
            (unsigned long long)(h->src ? jm_source_committed(h->src) : 0), h->apps);
    fclose(f);
    rename(tmp, h->progress);
}

/* The delivery call of every sink, then the commit: the order the source contract asks. */
static void deliver_and_commit(host *h)
{
    if (h->kafka && jm_sink_sync(h->kafka))
        die(3, "the Kafka sink did not deliver", NULL);
    if (jm_sink_sync(h->out))
        die(3, "stdout failed", NULL);
    jm_error e = {0};
    if (h->src && jm_source_delivered(h->src) &&
        jm_source_commit(h->src, jm_source_delivered(h->src), &e))
        die(3, "commit", &e);
    progress(h);
}

static int on_ndjson(void *ctx, const char *data, size_t len)
{
    host *h = ctx;
    /* One message per application, as a tool writes them. */
    for (const char *p = data, *end = data + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        jm_sink_msg m = {.struct_size = sizeof m, .kind = JM_KIND_APPLICATION, .data = p, .len = n};
        if (jm_sink_write(h->kafka, &m) || jm_sink_write(h->out, &m))
            return JM_EIO;
        h->apps++;
        p += n;
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: kafka-driver consume|match|report|produce [-s K=V]... [-k K=V]... "
                    "[--commit-every N] [--idle-exit MS] [--progress FILE] [--state-ttl MS]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *mode = argv[1];
    opts so = {0}, ko = {0};
    long every = 200, idle_exit = -1;
    const char *ttl = "0";
    long delay_us = 0;
    host h = {0};
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            add(&so, argv[++i]);
        else if (strcmp(argv[i], "-k") == 0 && i + 1 < argc)
            add(&ko, argv[++i]);
        else if (strcmp(argv[i], "--commit-every") == 0 && i + 1 < argc)
            every = atol(argv[++i]);
        else if (strcmp(argv[i], "--idle-exit") == 0 && i + 1 < argc)
            idle_exit = atol(argv[++i]);
        else if (strcmp(argv[i], "--progress") == 0 && i + 1 < argc)
            h.progress = argv[++i];
        else if (strcmp(argv[i], "--delay-us") == 0 && i + 1 < argc)
            delay_us = atol(argv[++i]);
        else if (strcmp(argv[i], "--state-ttl") == 0 && i + 1 < argc)
            ttl = argv[++i];
        else
            usage();
    }
    int match = strcmp(mode, "match") == 0, consume = strcmp(mode, "consume") == 0;
    int report = strcmp(mode, "report") == 0, produce = strcmp(mode, "produce") == 0;
    if (!match && !consume && !report && !produce)
        usage();
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    jm_error e = {0};
    jm_plugin *p = jm_plugin_open("kafka", &e);
    if (!p)
        die(3, "cannot load the Kafka module", &e);
    char link[64];
    snprintf(link, sizeof link, "driver-%ld", (long)getpid());
    if (match) {
        so.o[so.n].key = "state_ttl_ms";
        so.o[so.n++].value = ttl;
        so.o[so.n].key = "link";
        so.o[so.n++].value = link;
        ko.o[ko.n].key = "link";
        ko.o[ko.n++].value = link;
    }
    if (report) {
        so.o[so.n].key = "report";
        so.o[so.n++].value = "1";
    }
    if (match || produce) {
        if (!(h.kafka = jm_plugin_sink_new(p, ko.o, ko.n, &e)))
            die(3, "cannot make the sink", &e);
    }
    if (!produce && !(h.src = jm_plugin_source_new(p, so.o, so.n, &e)))
        die(3, "cannot make the source", &e);
    if (!(h.out = jm_sink_fd_new(1, 0, NULL)) || !(h.rec = jm_record_new(JM_KIND_NONE, NULL)))
        die(3, "out of memory", NULL);

    if (produce) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, stdin)) > 0) {
            jm_error pe = {0};
            size_t len = (size_t)n - (line[n - 1] == '\n');
            if (jm_parse_ndjson(line, len, h.rec, &pe)) {
                fprintf(stderr, "kafka-driver: stdin: %s\n", pe.text);
                continue;
            }
            jm_sink_msg m = {.struct_size = sizeof m,
                             .kind = jm_record_kind(h.rec),
                             .id = jm_record_id(h.rec),
                             .data = line,
                             .len = (size_t)n,
                             .timestamp_ms = jm_record_integer(h.rec, JM_FIELD_TIMESTAMP)};
            if (jm_sink_write(h.kafka, &m))
                die(3, "the Kafka sink refused a record", NULL);
        }
        free(line);
        deliver_and_commit(&h);
    } else {
        jm_matcher *mt = NULL;
        if (match) {
            jm_matcher_options mo;
            jm_matcher_options_init(&mo);
            mo.state_ttl_ms = atoll(ttl);
            if (!(mt = jm_matcher_new_ndjson(&mo, on_ndjson, &h, &e)))
                die(3, "cannot make the matcher", &e);
        }
        int64_t last = now_ms();
        long since = 0;
        while (!stop) {
            jm_source_msg m = {.struct_size = sizeof m};
            int rc = jm_source_next(h.src, 200, &m, &e);
            if (rc == JM_SOURCE_END)
                break;
            if (rc < 0)
                die(3, "read", &e);
            if (rc == JM_SOURCE_AGAIN) {
                if (since) {
                    deliver_and_commit(&h);
                    since = 0;
                }
                if (idle_exit >= 0 && now_ms() - last >= idle_exit)
                    break;
                continue;
            }
            last = now_ms();
            if (match) {
                jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
                jm_error pe = {0};
                if (!r)
                    die(3, "out of memory", NULL);
                if (jm_parse_ndjson(m.data, m.len, r, &pe)) {
                    fprintf(stderr, "kafka-driver: %s: %s\n", m.origin, pe.text);
                    jm_record_free(r);
                } else {
                    int arc = jm_matcher_add_take(mt, &r, m.timestamp_ms);
                    if (arc == JM_EIO || arc == JM_ENOMEM)
                        die(3, "the matcher's output failed", NULL);
                }
            } else {
                char head[300];
                int hn =
                    snprintf(head, sizeof head, "%s\t", report ? jm_kind_name(m.kind) : m.origin);
                jm_sink_msg a = {.struct_size = sizeof a, .data = head, .len = (size_t)hn};
                jm_sink_msg b = {.struct_size = sizeof b, .data = m.data, .len = m.len};
                jm_sink_msg c = {.struct_size = sizeof c, .data = "\n", .len = 1};
                if (jm_sink_write(h.out, &a) || jm_sink_write(h.out, &b) ||
                    jm_sink_write(h.out, &c))
                    die(3, "stdout failed", NULL);
            }
            progress(&h);
            if (delay_us > 0) {
                struct timespec pause = {delay_us / 1000000, (delay_us % 1000000) * 1000};
                nanosleep(&pause, NULL);
            }
            if (every > 0 && ++since >= every) {
                deliver_and_commit(&h);
                since = 0;
            }
        }
        deliver_and_commit(&h);
        jm_matcher_free(mt);
    }
    jm_record_free(h.rec);
    jm_source_free(h.src);
    if (jm_sink_free(h.kafka))
        die(3, "the Kafka sink failed at the end", NULL);
    jm_sink_free(h.out);
    jm_plugin_free(p);
    return 0;
}
