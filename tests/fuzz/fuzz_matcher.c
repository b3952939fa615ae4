/* Fuzzes the streaming join: a stream of NDJSON records fed to one matcher whose options come
 * from the first bytes. No crash; every add returns a documented code; every application has
 * both ids and a score within 0-100 and at least the minimum, and in NDJSON mode arrives as
 * whole lines that parse back; with 2 to 5 threads the output bytes equal one thread's.
 *
 * Header bytes: 0 flags (threads, --expire-jobs, NDJSON mode, default weights, bulk: the first
 * job post's bones held 520 times so that scans are large enough to share out; its top two bits
 * plus 2: the number of threads), 1-5 weights, 6 min score, 7 top K, 8 state TTL, 9 lateness,
 * 10 fallback time, 11 its step per record, 12 seed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/jobmatch.h>

#include "fuzz_clocks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { HEADER = 13, BULK = 520 };
enum { F_THREADS = 1, F_EXPIRE = 2, F_NDJSON = 4, F_DEFAULT_WEIGHTS = 8, F_BULK = 16 };

/* Durations for the TTL and the lateness: none, small, the defaults, and values whose sums with
 * each other or with an event time leave int64. */
static const int64_t durations[16] = {
    0,
    1,
    1000,
    60000,
    120000,
    3600000,
    86400000,
    604800000,
    2592000000,
    31536000000,
    1000000000000,
    INT32_MAX,
    INT64_MAX / 4,
    INT64_MAX / 2,
    INT64_MAX - 1,
    INT64_MAX,
};

/* How far the fallback clock moves after each record. */
static const int64_t steps[4] = {0, 1, 60000, 86400000};

typedef struct run {
    jm_matcher *m;
    int min_score;
    int64_t clock, step;
    int bulk;        /* the first job post is still to be held BULK times */
    jm_buf out;      /* NDJSON mode: every byte handed on */
    jm_record *back; /* NDJSON mode: an application parsed back */
} run;

static void check_application(const run *r, const jm_record *app)
{
    if (jm_record_kind(app) != JM_KIND_APPLICATION || !jm_record_has(app, JM_FIELD_CANDIDATE_ID) ||
        !jm_record_has(app, JM_FIELD_POST_ID) || !jm_record_has(app, JM_FIELD_COMPATIBILITY_SCORE))
        abort();
    int64_t score = jm_record_integer(app, JM_FIELD_COMPATIBILITY_SCORE);
    if (score < 0 || score > 100 || score < r->min_score)
        abort();
}

static int on_application(void *ctx, const jm_record *app)
{
    check_application(ctx, app);
    return 0;
}

static int on_ndjson(void *ctx, const char *text, size_t len)
{
    run *r = ctx;
    if (!len || text[len - 1] != '\n')
        abort();
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        jm_error err;
        memset(&err, 0, sizeof err);
        if (jm_parse_ndjson(p, (size_t)(nl - p), r->back, &err))
            abort();
        check_application(r, r->back);
        p = nl + 1;
    }
    if (jm_buf_reserve(&r->out, len))
        abort();
    memcpy(r->out.data + r->out.len, text, len);
    r->out.len += len;
    return 0;
}

static void add(run *r, jm_record **rec)
{
    int rc = jm_matcher_add_take(r->m, rec, r->clock);
    if (*rec || (rc != 0 && rc != JM_EDUP && rc != JM_EKIND && rc != JM_ENOID))
        abort();
    r->clock += r->step;
}

/* The i-th of the bulk job posts made from job: its id with "#i", its category, experience
 * and first two skills (small, so that holding BULK of them stays cheap). */
static jm_record *bulk_copy(const jm_record *job, int i)
{
    static const jm_field strings[] = {JM_FIELD_JOB_CATEGORY, JM_FIELD_EXPERIENCE_LEVEL,
                                       JM_FIELD_YEARS_EXPERIENCE};
    jm_record *copy = jm_record_new(JM_KIND_JOB_POST, NULL);
    char id[64];
    int n = snprintf(id, sizeof id, "%.40s#%d", jm_record_id(job), i);
    if (!copy || n < 0 || jm_record_set_string(copy, JM_FIELD_POST_ID, id, (size_t)n))
        abort();
    for (size_t f = 0; f < sizeof strings / sizeof *strings; f++) {
        const char *v = jm_record_has(job, strings[f]) ? jm_record_string(job, strings[f]) : NULL;
        if (v && jm_record_set_string(copy, strings[f], v, strlen(v)))
            abort();
    }
    size_t skills = jm_record_list_count(job, JM_FIELD_REQUIRED_SKILLS);
    for (size_t k = 0; k < skills && k < 2; k++) {
        const char *v = jm_record_list_item(job, JM_FIELD_REQUIRED_SKILLS, k);
        if (jm_record_list_append(copy, JM_FIELD_REQUIRED_SKILLS, v, strlen(v)))
            abort();
    }
    return copy;
}

static int on_record(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                     unsigned long line)
{
    run *r = ctx;
    (void)raw, (void)raw_len, (void)line;
    if (r->bulk && jm_record_kind(*rec) == JM_KIND_JOB_POST && jm_record_id(*rec)) {
        r->bulk = 0;
        for (int i = 0; i < BULK; i++) {
            jm_record *copy = bulk_copy(*rec, i);
            add(r, &copy);
        }
    }
    add(r, rec);
    return 0;
}

static void run_stream(const jm_matcher_options *o, int mode, const uint8_t *data, size_t size,
                       int64_t clock, int64_t step, run *r)
{
    r->min_score = o->min_score;
    r->clock = clock;
    r->step = step;
    r->out.len = 0;
    jm_error err;
    memset(&err, 0, sizeof err);
    r->m = mode & F_NDJSON ? jm_matcher_new_ndjson(o, on_ndjson, r, &err)
                           : jm_matcher_new(o, on_application, r, &err);
    if (!r->m)
        abort(); /* the options are all valid */
    jm_reader *rd = jm_reader_new(JM_FORMAT_NDJSON, "fuzz", 0, on_record, NULL, r, NULL);
    if (!rd || jm_reader_feed(rd, data, size) || jm_reader_finish(rd))
        abort();
    jm_reader_free(rd);
    jm_matcher_stats st = {.struct_size = sizeof st};
    if (jm_matcher_get_stats(r->m, &st) || st.duplicates > st.records ||
        st.held_jobs + st.held_candidates > st.records)
        abort();
    jm_matcher_free(r->m);
    r->m = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static run one, two; /* kept between inputs: their buffers are reused */
    if (size < HEADER)
        return 0;
    if (!one.back && (!(one.back = jm_record_new(JM_KIND_NONE, NULL)) ||
                      !(two.back = jm_record_new(JM_KIND_NONE, NULL))))
        abort();
    int flags = data[0];
    jm_matcher_options o;
    jm_matcher_options_init(&o);
    if (!(flags & F_DEFAULT_WEIGHTS))
        for (int c = 0; c < JM_COMPONENT_COUNT; c++)
            o.weights.weight[c] = data[1 + c];
    o.min_score = (int8_t)data[6]; /* below 0 and above 100 too */
    o.top_k = data[7] % 17;
    o.state_ttl_ms = durations[data[8] & 15];
    o.lateness_ms = durations[data[9] & 15];
    o.expire_jobs = !!(flags & F_EXPIRE);
    o.threads = 1;
    o.seed = data[12];
    int64_t clock = fuzz_clocks[data[10] & 7], step = steps[data[11] & 3];
    data += HEADER;
    size -= HEADER;

    /* Large scans are shared out only with threads in NDJSON mode. */
    one.bulk = two.bulk =
        (flags & (F_BULK | F_THREADS | F_NDJSON)) == (F_BULK | F_THREADS | F_NDJSON);
    run_stream(&o, flags, data, size, clock, step, &one);
    if (flags & F_THREADS) {
        /* Threads: the same bytes as one (SPEC); only NDJSON mode uses them. */
        o.threads = 2 + (unsigned)(flags >> 6);
        run_stream(&o, flags | F_NDJSON, data, size, clock, step, &two);
        if (flags & F_NDJSON && (one.out.len != two.out.len ||
                                 (one.out.len && memcmp(one.out.data, two.out.data, one.out.len))))
            abort();
    }
    return 0;
}
