/* Checks the ABI rule of docs/ABI.md on every versioned public struct: a caller of the first
 * version and a caller of a newer, larger version are both served, a struct_size below the
 * first version is refused, the library writes no further than a caller's struct_size covers;
 * and constructors say why they failed. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "testutil.h"

#define SIZE_TO(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))

/* A newer caller's struct: ours, then fields this library does not know. */
#define NEWER(type)        \
    struct {               \
        type s;            \
        uint64_t later[4]; \
    }

static const uint64_t MARK = 0xA5A5A5A5A5A5A5A5ull;

START_TEST(gen_options_versions)
{
    jm_error err;
    jm_gen_options o;
    jm_gen_options_init(&o);
    ck_assert_uint_eq(o.struct_size, sizeof o);
    /* Below the first version: refused, and err says so. */
    o.struct_size = SIZE_TO(jm_gen_options, clock_ctx) - 1;
    ck_assert_ptr_null(jm_gen_new(&o, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "struct_size"));
    /* The first version: threads, past its end, is not read (3 would be refused). */
    o.struct_size = SIZE_TO(jm_gen_options, clock_ctx);
    o.threads = 3;
    jm_gen *g = jm_gen_new(&o, &err);
    ck_assert_ptr_nonnull(g);
    jm_gen_free(g);
    /* A newer caller: what lies past our struct is not ours to read. */
    NEWER(jm_gen_options) big;
    memset(&big, 0xFF, sizeof big);
    jm_gen_options_init(&big.s);
    big.s.struct_size = sizeof big;
    g = jm_gen_new(&big.s, NULL);
    ck_assert_ptr_nonnull(g);
    jm_gen_free(g);
    /* An option out of range: the reason, naming it; err may be NULL. */
    jm_gen_options_init(&o);
    o.rate = -1;
    ck_assert_ptr_null(jm_gen_new(&o, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "rate"));
    ck_assert_ptr_null(jm_gen_new(&o, NULL));
    jm_gen_options_init(&o);
    o.speed = 1e9;
    o.rate = 1e-3;
    ck_assert_ptr_null(jm_gen_new(&o, &err));
    ck_assert_ptr_nonnull(strstr(err.text, "pace is out of range"));
}
END_TEST

START_TEST(gen_info_written_as_far_as_covered)
{
    jm_gen *g = jm_gen_new(NULL, NULL);
    jm_buf b = {0};
    NEWER(jm_gen_info) big;
    memset(&big, 0, sizeof big);
    big.s.struct_size = sizeof big;
    for (int i = 0; i < 4; i++)
        big.later[i] = MARK;
    ck_assert_int_eq(jm_gen_emit(g, JM_KIND_JOB_POST, &b, &big.s), 0);
    ck_assert_int_eq(big.s.kind, JM_KIND_JOB_POST);
    ck_assert_uint_eq(strlen(big.s.id), JM_UUID_BUF - 1);
    ck_assert_uint_eq(big.s.struct_size, sizeof big); /* never rewritten */
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(big.later[i], MARK);
    jm_gen_info small = {.struct_size = SIZE_TO(jm_gen_info, id) - 1};
    ck_assert_int_eq(jm_gen_emit(g, JM_KIND_JOB_POST, &b, &small), JM_EINVAL);
    jm_buf_free(&b);
    jm_gen_free(g);
}
END_TEST

START_TEST(matcher_options_and_stats_versions)
{
    NEWER(jm_matcher_options) big;
    memset(&big, 0xFF, sizeof big);
    jm_matcher_options_init(&big.s);
    big.s.struct_size = sizeof big;
    jm_matcher *m = jm_matcher_new(&big.s, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(m);
    jm_record *job = jm_test_record("{\"type\":\"job_post\",\"post_id\":\"j1\"}");
    ck_assert_int_eq(jm_matcher_add_take(m, &job, 5), 0);

    NEWER(jm_matcher_stats) st;
    memset(&st, 0, sizeof st);
    st.s.struct_size = sizeof st;
    for (int i = 0; i < 4; i++)
        st.later[i] = MARK;
    ck_assert_int_eq(jm_matcher_get_stats(m, &st.s), 0);
    ck_assert_uint_eq(st.s.records, 1);
    ck_assert_uint_eq(st.s.held_jobs, 1);
    ck_assert_uint_eq(st.s.struct_size, sizeof st);
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(st.later[i], MARK);
    jm_matcher_stats small = {.struct_size = SIZE_TO(jm_matcher_stats, watermark_ms) - 1};
    ck_assert_int_eq(jm_matcher_get_stats(m, &small), JM_EINVAL);
    ck_assert_uint_eq(small.records, 0); /* untouched */
    jm_matcher_free(m);

    jm_matcher_options o;
    jm_matcher_options_init(&o);
    o.struct_size = SIZE_TO(jm_matcher_options, threads) - 1;
    jm_error err;
    ck_assert_ptr_null(jm_matcher_new(&o, NULL, NULL, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
}
END_TEST

typedef struct counting {
    int writes, flushes;
    size_t struct_size_seen;
    unsigned flags_seen;
} counting;

static int count_write(void *state, const jm_sink_msg *msg)
{
    counting *c = state;
    c->writes++;
    c->struct_size_seen = msg->struct_size;
    c->flags_seen = msg->flags;
    return 0;
}

static int count_flush(void *state)
{
    ((counting *)state)->flushes++;
    return 0;
}

static int never(void *state)
{
    (void)state;
    ck_abort_msg("a field past struct_size was read");
    return 0;
}

START_TEST(sink_ops_and_msg_versions)
{
    counting c = {0};
    /* A first-version table: up to destroy; delivery falls back to flush. */
    jm_sink_ops ops = {.struct_size = SIZE_TO(jm_sink_ops, destroy),
                       .write = count_write,
                       .flush = count_flush,
                       .sync = never}; /* past struct_size: never read */
    jm_sink *s = jm_sink_new(&ops, &c, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(jm_sink_sync(s), 0);
    ck_assert_int_eq(c.flushes, 1);
    /* A first-version message reaches the sink as a whole one (today the first version is the
     * whole struct). */
    jm_sink_msg old = {.struct_size = SIZE_TO(jm_sink_msg, record),
                       .flags = JM_SINK_MSG_LATE,
                       .data = "x\n",
                       .len = 2};
    ck_assert_int_eq(jm_sink_write(s, &old), 0);
    ck_assert_uint_eq(c.struct_size_seen, sizeof(jm_sink_msg));
    ck_assert_uint_eq(c.flags_seen, JM_SINK_MSG_LATE);
    /* Below the first version: refused, the sink not called. */
    jm_sink_msg tiny = {.struct_size = sizeof(size_t), .data = "x\n", .len = 2};
    ck_assert_int_eq(jm_sink_write(s, &tiny), JM_EINVAL);
    ck_assert_int_eq(c.writes, 1);
    jm_sink_free(s);
    ops.struct_size = SIZE_TO(jm_sink_ops, destroy) - 1;
    ck_assert_ptr_null(jm_sink_new(&ops, &c, NULL));
}
END_TEST

START_TEST(constructors_say_why)
{
    jm_error err;
    memset(&err, 0, sizeof err);
    ck_assert_ptr_null(jm_record_new((jm_kind)99, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert_str_ne(err.text, "");
    ck_assert_ptr_null(jm_record_new((jm_kind)-1, NULL));
    jm_record *r = jm_record_new(JM_KIND_CANDIDATE, &err);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(jm_record_set_string(r, JM_FIELD_CANDIDATE_ID, "c1", 2), 0);
    jm_record *c = jm_record_clone(r, &err);
    ck_assert_str_eq(jm_record_id(c), "c1");
    jm_record_free(c);
    jm_record_free(r);
    jm_report *rep = jm_report_new(&err);
    ck_assert_ptr_nonnull(rep);
    jm_report_free(rep);
}
END_TEST

/* Plain values keep their layout: fixed room per component, fixed text buffers. */
START_TEST(plain_values)
{
    ck_assert_uint_eq(sizeof(jm_weights), JM_COMPONENT_MAX * sizeof(double));
    ck_assert_uint_ge(JM_COMPONENT_MAX, JM_COMPONENT_COUNT);
    jm_error e;
    ck_assert_uint_eq(sizeof e.source, JM_ERROR_SOURCE_BUF);
    ck_assert_uint_eq(sizeof e.text, JM_ERROR_TEXT_BUF);
    jm_gen_info info;
    ck_assert_uint_eq(sizeof info.id, JM_GEN_ID_BUF);
    char t[JM_TIME_BUF];
    ck_assert_uint_lt(jm_time_format(-62135596800001LL, t), JM_TIME_BUF); /* year 0, .999 */
    char id[JM_UUID_BUF];
    jm_application_id("c", "j", id);
    ck_assert_uint_eq(strlen(id), JM_UUID_BUF - 1);
}
END_TEST

/* jm_struct_size() gives the library's own sizeof of every public struct, and 0 otherwise. */
START_TEST(struct_sizes)
{
    ck_assert_uint_eq(jm_struct_size("jm_buf"), sizeof(jm_buf));
    ck_assert_uint_eq(jm_struct_size("jm_error"), sizeof(jm_error));
    ck_assert_uint_eq(jm_struct_size("jm_weights"), sizeof(jm_weights));
    ck_assert_uint_eq(jm_struct_size("jm_score"), sizeof(jm_score));
    ck_assert_uint_eq(jm_struct_size("jm_matcher_options"), sizeof(jm_matcher_options));
    ck_assert_uint_eq(jm_struct_size("jm_matcher_stats"), sizeof(jm_matcher_stats));
    ck_assert_uint_eq(jm_struct_size("jm_gen_options"), sizeof(jm_gen_options));
    ck_assert_uint_eq(jm_struct_size("jm_gen_info"), sizeof(jm_gen_info));
    ck_assert_uint_eq(jm_struct_size("jm_sink_msg"), sizeof(jm_sink_msg));
    ck_assert_uint_eq(jm_struct_size("jm_sink_ops"), sizeof(jm_sink_ops));
    ck_assert_uint_eq(jm_struct_size("jm_source_msg"), sizeof(jm_source_msg));
    ck_assert_uint_eq(jm_struct_size("jm_source_ops"), sizeof(jm_source_ops));
    ck_assert_uint_eq(jm_struct_size("jm_plugin_option"), sizeof(jm_plugin_option));
    ck_assert_uint_eq(jm_struct_size("jm_plugin_desc"), sizeof(jm_plugin_desc));
    ck_assert_uint_eq(jm_struct_size("jm_record"), 0); /* opaque */
    ck_assert_uint_eq(jm_struct_size("jm_erro"), 0);
    ck_assert_uint_eq(jm_struct_size(""), 0);
    ck_assert_uint_eq(jm_struct_size(NULL), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("abi");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, gen_options_versions);
    tcase_add_test(tc, gen_info_written_as_far_as_covered);
    tcase_add_test(tc, matcher_options_and_stats_versions);
    tcase_add_test(tc, sink_ops_and_msg_versions);
    tcase_add_test(tc, constructors_say_why);
    tcase_add_test(tc, plain_values);
    tcase_add_test(tc, struct_sizes);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
