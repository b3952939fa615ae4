/* Reading alone, for build-aux/bench-read.sh: a file read in 1 MiB blocks and fed to jm_reader
 * (NDJSON or CSV), records counted and dropped; or the same blocks only scanned for newlines,
 * the floor any line reader stands on. Prints records (or lines), seconds and records a second.
 *
 *   bench_read [--general|--newlines] [--format csv] FILE
 *
 * --general parses each NDJSON line with the general (cJSON) parser alone, as before the fast
 * scanner, through the reader's raw-line mode: the rest of the reader's work is the same. The
 * way the scanner's block index took (JM_SCAN_INDEX chooses one: ndjson_index.h) ends the line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jobmatch/jobmatch.h>

#include "../../libjobmatch/ndjson_index.h"
#include "../../libjobmatch/ndjson_scan.h"

enum { BLOCK = 1 << 20 };

typedef struct bench {
    uint64_t records, rejects;
    jm_record *rec;
} bench;

static int on_record(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                     unsigned long line)
{
    (void)rec;
    (void)raw;
    (void)raw_len;
    (void)line;
    ((bench *)ctx)->records++;
    return 0;
}

static int on_reject(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    (void)err;
    (void)raw;
    (void)raw_len;
    ((bench *)ctx)->rejects++;
    return 0;
}

static int on_line_general(void *ctx, jm_reader *r, const char *text, size_t len,
                           unsigned long line)
{
    (void)line;
    bench *b = ctx;
    jm_error err = {0};
    if (jm__ndjson_parse_general(text, len, b->rec, &err))
        return jm_reader_reject(r, &err);
    b->records++;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int general = 0, newlines = 0;
    jm_format format = JM_FORMAT_NDJSON;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--general") == 0)
            general = 1;
        else if (strcmp(argv[i], "--newlines") == 0)
            newlines = 1;
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = strcmp(argv[++i], "csv") == 0 ? JM_FORMAT_CSV : JM_FORMAT_NDJSON;
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: bench_read [--general|--newlines] [--format csv] FILE\n");
        return 2;
    }
    int fd = open(path, O_RDONLY);
    char *buf = malloc(BLOCK);
    bench b = {0};
    jm_reader *r = NULL;
    if (fd < 0 || !buf) {
        fprintf(stderr, "bench_read: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!newlines) {
        r = jm_reader_new(format, path, 0, on_record, on_reject, &b, NULL);
        b.rec = jm_record_new(JM_KIND_NONE, NULL);
        if (!r || !b.rec || (general && jm_reader_set_line_fn(r, on_line_general))) {
            fprintf(stderr, "bench_read: out of memory\n");
            return 1;
        }
    }
    uint64_t bytes = 0;
    double t0 = now();
    for (;;) {
        ssize_t n = read(fd, buf, BLOCK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "bench_read: %s: %s\n", path, strerror(errno));
            return 1;
        }
        if (n == 0)
            break;
        bytes += (uint64_t)n;
        if (newlines) {
            for (const char *p = buf, *end = buf + n; (p = memchr(p, '\n', (size_t)(end - p)));)
                p++, b.records++;
        } else if (jm_reader_feed(r, buf, (size_t)n)) {
            fprintf(stderr, "bench_read: out of memory\n");
            return 1;
        }
    }
    if (r && jm_reader_finish(r))
        return 1;
    double secs = now() - t0;
    static const char *const ways[] = {"portable", "sse2", "avx2"};
    printf("%s %llu records %llu rejects %llu bytes %.6f s %.0f records/s %.1f MB/s index %s\n",
           newlines  ? "newlines"
           : general ? "general"
                     : "reader",
           (unsigned long long)b.records, (unsigned long long)b.rejects, (unsigned long long)bytes,
           secs, secs > 0 ? (double)b.records / secs : 0.0,
           secs > 0 ? (double)bytes / secs / 1e6 : 0.0, ways[jm__index_way_in_use()]);
    jm_reader_free(r);
    jm_record_free(b.rec);
    free(buf);
    close(fd);
    return 0;
}
