/* pg-driver: drives the PostgreSQL module through the plugin API, for tests/pg/check-pg.sh.
 *
 *   pg-driver load [-o KEY=VALUE]... [--sync-every N] FILE   NDJSON lines into the module's sink
 *   pg-driver read [-o KEY=VALUE]... [--max N] [--idle MS]   the module's source, as NDJSON
 *   pg-driver canon FILE                                     FILE's records as NDJSON
 *
 * Records are written as jm_write_ndjson() writes them, so outputs compare line by line. The
 * module is found as "pg" along JM_PLUGIN_PATH. Exit: 0, 2 for a usage error, 3 when the module
 * fails (it says why on stderr; so does this program, for a constructor's error). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/jobmatch.h>

#define MAX_OPTIONS 32

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: pg-driver load|read|canon [-o KEY=VALUE]... [--sync-every N] "
                    "[--max N] [--idle MS] [FILE]\n");
    exit(2);
}

static void out_record(const jm_record *r, jm_buf *buf)
{
    buf->len = 0;
    if (jm_write_ndjson(r, buf)) {
        fprintf(stderr, "pg-driver: out of memory\n");
        exit(3);
    }
    fwrite(buf->data, 1, buf->len, stdout);
}

static int canon(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 3;
    }
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    jm_buf buf = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        jm_error err = {0};
        if (jm_parse_ndjson(line, (size_t)n - (line[n - 1] == '\n'), r, &err) == 0)
            out_record(r, &buf);
    }
    free(line);
    jm_buf_free(&buf);
    jm_record_free(r);
    fclose(f);
    return 0;
}

static jm_plugin *open_pg(void)
{
    jm_error err = {0};
    jm_plugin *p = jm_plugin_open("pg", &err);
    if (!p) {
        fprintf(stderr, "pg-driver: %s: %s\n", err.source, err.text);
        exit(3);
    }
    return p;
}

static int load(const jm_plugin_option *opts, size_t nopts, unsigned long sync_every,
                const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 3;
    }
    jm_plugin *p = open_pg();
    jm_error err = {0};
    jm_sink *sink = jm_plugin_sink_new(p, opts, nopts, &err);
    if (!sink) {
        fprintf(stderr, "pg-driver: %s: %s\n", err.source, err.text);
        jm_plugin_free(p);
        fclose(f);
        return 3;
    }
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lines = 0;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)n - (line[n - 1] == '\n');
        jm_error perr = {0};
        int ok = jm_parse_ndjson(line, len, r, &perr) == 0;
        jm_sink_msg m = {
            .struct_size = sizeof(jm_sink_msg),
            .kind = ok ? jm_record_kind(r) : JM_KIND_NONE,
            .id = ok ? jm_record_id(r) : NULL,
            .data = line,
            .len = (size_t)n,
            .record = ok ? r : NULL,
        };
        rc = jm_sink_write(sink, &m);
        lines++;
        if (rc == 0 && sync_every && lines % sync_every == 0)
            rc = jm_sink_sync(sink);
    }
    if (rc == 0)
        rc = jm_sink_sync(sink);
    int frc = jm_sink_free(sink);
    if (rc == 0)
        rc = frc;
    jm_plugin_free(p);
    jm_record_free(r);
    free(line);
    fclose(f);
    if (rc == 0)
        printf("loaded %lu lines\n", lines);
    return rc ? 3 : 0;
}

static int read_source(const jm_plugin_option *opts, size_t nopts, unsigned long max, int idle_ms)
{
    jm_plugin *p = open_pg();
    jm_error err = {0};
    jm_source *src = jm_plugin_source_new(p, opts, nopts, &err);
    if (!src) {
        fprintf(stderr, "pg-driver: %s: %s\n", err.source, err.text);
        jm_plugin_free(p);
        return 3;
    }
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    jm_buf buf = {0};
    unsigned long got = 0;
    int rc = 0;
    while (!max || got < max) {
        jm_source_msg msg = {.struct_size = sizeof msg};
        rc = jm_source_next(src, idle_ms, &msg, &err);
        if (rc == JM_SOURCE_AGAIN || rc == JM_SOURCE_END) {
            rc = 0;
            break;
        }
        if (rc) {
            fprintf(stderr, "pg-driver: %s: %s\n", err.source, err.text);
            break;
        }
        jm_error perr = {0};
        if (jm_parse_ndjson(msg.data, msg.len, r, &perr)) {
            fprintf(stderr, "pg-driver: %s: %s\n", msg.origin, perr.text);
            rc = JM_ESYNTAX;
            break;
        }
        out_record(r, &buf);
        fflush(stdout);
        got++;
    }
    jm_buf_free(&buf);
    jm_record_free(r);
    jm_source_free(src);
    jm_plugin_free(p);
    return rc ? 3 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *cmd = argv[1];
    jm_plugin_option opts[MAX_OPTIONS];
    size_t nopts = 0;
    unsigned long sync_every = 0, max = 0;
    int idle_ms = -1;
    const char *file = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0 && i + 1 < argc && nopts < MAX_OPTIONS) {
            char *kv = argv[++i], *eq = strchr(kv, '=');
            if (!eq)
                usage();
            *eq = '\0';
            opts[nopts++] = (jm_plugin_option){kv, eq + 1};
        } else if (strcmp(a, "--sync-every") == 0 && i + 1 < argc) {
            sync_every = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(a, "--max") == 0 && i + 1 < argc) {
            max = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(a, "--idle") == 0 && i + 1 < argc) {
            idle_ms = atoi(argv[++i]);
        } else if (a[0] != '-' && !file) {
            file = a;
        } else {
            usage();
        }
    }
    if (strcmp(cmd, "canon") == 0 && file)
        return canon(file);
    if (strcmp(cmd, "load") == 0 && file)
        return load(opts, nopts, sync_every, file);
    if (strcmp(cmd, "read") == 0 && !file)
        return read_source(opts, nopts, max, idle_ms);
    usage();
}
