/* A minimal streaming matcher: NDJSON job posts and candidates on stdin, applications on stdout.
 * Shows the reader and matcher callbacks. Build: cc match_stream.c $(pkg-config --cflags --libs
 * jobmatch) */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include <jobmatch/jobmatch.h>

static jm_buf out;

static int on_application(void *ctx, const jm_record *app)
{
    (void)ctx;
    if (jm_write_ndjson(app, &out))
        return JM_ENOMEM;
    fwrite(out.data, 1, out.len, stdout);
    out.len = 0;
    return 0;
}

static int on_record(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                     unsigned long line)
{
    (void)raw;
    (void)raw_len;
    (void)line;
    jm_matcher *m = ctx;
    if (jm_record_kind(*rec) == JM_KIND_APPLICATION)
        return 0; /* left to the reader, which reuses it */
    /* The matcher takes the record (and sets *rec to NULL) whatever it returns. */
    int rc = jm_matcher_add_take(m, rec, (int64_t)time(NULL) * 1000);
    if (rc == JM_EDUP || rc == JM_EKIND || rc == JM_ENOID) {
        fprintf(stderr, "match_stream: line %lu: %s\n", line, jm_strerror(rc));
        return 0;
    }
    return rc; /* 0, or out of memory or an output failure: stop */
}

static int on_reject(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    (void)ctx;
    (void)raw;
    (void)raw_len;
    fprintf(stderr, "match_stream: %s:%lu: %s\n", err->source, err->line, err->text);
    return 0;
}

int main(void)
{
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.min_score = 50;
    jm_error err;
    jm_matcher *m = jm_matcher_new(&o, on_application, NULL, &err);
    if (!m) {
        fprintf(stderr, "match_stream: %s\n", err.text);
        return 1;
    }
    /* The callbacks need the matcher: pass it as the reader's context. */
    jm_reader *r = jm_reader_new(JM_FORMAT_NDJSON, "<stdin>", 0, on_record, on_reject, m, &err);
    if (!r) {
        fprintf(stderr, "match_stream: %s\n", err.text);
        jm_matcher_free(m);
        return 1;
    }
    char buf[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, stdin)) > 0)
        rc = jm_reader_feed(r, buf, n);
    if (rc == 0)
        rc = jm_reader_finish(r);
    if (rc)
        fprintf(stderr, "match_stream: %s\n", jm_strerror(rc));
    jm_matcher_stats st = {.struct_size = sizeof st}; /* versioned: docs/ABI.md */
    jm_matcher_get_stats(m, &st);
    fprintf(stderr, "match_stream: %" PRIu64 " pairs scored, %" PRIu64 " applications\n",
            st.pairs_scored, st.applications);
    jm_reader_free(r);
    jm_matcher_free(m);
    jm_buf_free(&out);
    return rc ? 1 : 0;
}
