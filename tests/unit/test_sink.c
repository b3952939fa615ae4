/* Sinks: the delivery call (jm_sink_sync) reaches the sink's sync, or its flush when it has none;
 * the file sink's delivery writes out everything written so far; constructors say why they
 * fail. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

typedef struct recorder {
    char calls[64]; /* one letter per call: w(rite) f(lush) s(ync) d(estroy) */
    size_t bytes;
    int sync_rc;
} recorder;

static void note(recorder *r, char c)
{
    size_t n = strlen(r->calls);
    ck_assert_uint_lt(n, sizeof r->calls - 1);
    r->calls[n] = c;
}

static int rec_write(void *s, const jm_sink_msg *m)
{
    note(s, 'w');
    ((recorder *)s)->bytes += m->len;
    return 0;
}
static int rec_flush(void *s)
{
    note(s, 'f');
    return 0;
}
static int rec_sync(void *s)
{
    note(s, 's');
    return ((recorder *)s)->sync_rc;
}
static void rec_destroy(void *s)
{
    note(s, 'd');
}

START_TEST(sync_reaches_the_sink)
{
    recorder r = {0};
    jm_sink_ops ops = {.struct_size = sizeof ops,
                       .name = "recorder",
                       .write = rec_write,
                       .flush = rec_flush,
                       .destroy = rec_destroy,
                       .sync = rec_sync};
    jm_sink *s = jm_sink_new(&ops, &r, NULL);
    ck_assert_ptr_nonnull(s);
    jm_sink_msg m = {.struct_size = sizeof(jm_sink_msg),
                     .kind = JM_KIND_APPLICATION,
                     .data = "a\nb\n",
                     .len = 4,
                     .flags = JM_SINK_MSG_LINES};
    ck_assert_int_eq(jm_sink_write(s, &m), 0);
    ck_assert_int_eq(jm_sink_sync(s), 0);
    ck_assert_int_eq(jm_sink_write(s, &m), 0);
    ck_assert_int_eq(jm_sink_flush(s), 0);
    /* The sink's code comes back. */
    r.sync_rc = JM_EIO;
    ck_assert_int_eq(jm_sink_sync(s), JM_EIO);
    ck_assert_int_eq(jm_sink_free(s), 0);
    ck_assert_str_eq(r.calls, "wswfsfd");
    ck_assert_uint_eq(r.bytes, 8);

    /* Without a sync, delivery is the flush. */
    memset(&r, 0, sizeof r);
    ops.sync = NULL;
    s = jm_sink_new(&ops, &r, NULL);
    ck_assert_int_eq(jm_sink_sync(s), 0);
    ck_assert_int_eq(jm_sink_free(s), 0);
    ck_assert_str_eq(r.calls, "ffd");

    /* A table from before sync existed (its struct_size ends at destroy) has none. */
    memset(&r, 0, sizeof r);
    ops.sync = rec_sync;
    ops.struct_size = offsetof(jm_sink_ops, sync);
    s = jm_sink_new(&ops, &r, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(jm_sink_sync(s), 0);
    jm_sink_free(s);
    ck_assert_str_eq(r.calls, "ffd");
}
END_TEST

START_TEST(constructors_say_why)
{
    recorder r = {0};
    jm_sink_ops ops = {.struct_size = sizeof ops, .write = NULL, .destroy = rec_destroy};
    jm_error err;
    ck_assert_ptr_null(jm_sink_new(&ops, &r, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert(err.text[0] && !strchr(err.text, '\n'));
    ck_assert_str_eq(r.calls, ""); /* an invalid table's destroy is not trusted */
    /* A table too small for this library's first version is refused too. */
    ops.write = rec_write;
    ops.struct_size = sizeof(size_t);
    ck_assert_ptr_null(jm_sink_new(&ops, &r, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert_ptr_null(jm_sink_new(NULL, &r, NULL));
    memset(&err, 0, sizeof err);
    ck_assert_ptr_null(jm_sink_fd_new(-1, 1, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert(err.text[0] != '\0');
    ck_assert_ptr_null(jm_sink_fd_new(-1, 0, NULL));
}
END_TEST

/* The file sink: small messages buffered, large ones straight out, a part flag changes nothing
 * for a file; after jm_sink_sync() the file holds every byte written, before jm_sink_free(). */
START_TEST(fd_sync_writes_everything_out)
{
    char path[] = "/tmp/jm-sink-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    jm_error err;
    jm_sink *s = jm_sink_fd_new(fd, 1, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(jm_sink_name(s), "file");
    jm_buf want = {0};
    size_t sizes[] = {1, 100, 40000, 7, 300000, 3, 65536, 2};
    char *data = malloc(300000);
    for (unsigned i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        memset(data, 'a' + (int)i, sizes[i]);
        jm_sink_msg m = {.struct_size = sizeof(jm_sink_msg),
                         .data = data,
                         .len = sizes[i],
                         .flags = i == 3 ? JM_SINK_MSG_PART : 0};
        ck_assert_int_eq(jm_sink_write(s, &m), 0);
        ck_assert_int_eq(jm_buf_reserve(&want, sizes[i]), 0);
        memcpy(want.data + want.len, data, sizes[i]);
        want.len += sizes[i];
    }
    /* Small writes after the last large one are still in the buffer... */
    size_t len;
    char *back = jm_test_read_file(path, &len);
    ck_assert_uint_lt(len, want.len);
    free(back);
    /* ...until the delivery call. */
    ck_assert_int_eq(jm_sink_sync(s), 0);
    back = jm_test_read_file(path, &len);
    ck_assert_uint_eq(len, want.len);
    ck_assert_int_eq(memcmp(back, want.data, len), 0);
    free(back);
    ck_assert_int_eq(jm_sink_free(s), 0);
    ck_assert_int_eq(fcntl(fd, F_GETFD), -1); /* closed: close_fd was set */
    unlink(path);

    /* A pipe is not a file to fdatasync: delivery still writes everything out. */
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    s = jm_sink_fd_new(p[1], 0, NULL);
    jm_sink_msg m = {.struct_size = sizeof(jm_sink_msg), .data = "hello\n", .len = 6};
    ck_assert_int_eq(jm_sink_write(s, &m), 0);
    ck_assert_int_eq(jm_sink_sync(s), 0);
    char got[8] = {0};
    ck_assert_int_eq(read(p[0], got, sizeof got), 6);
    ck_assert_str_eq(got, "hello\n");
    ck_assert_int_eq(jm_sink_free(s), 0);
    ck_assert_int_ne(fcntl(p[1], F_GETFD), -1); /* left open */
    close(p[0]);
    close(p[1]);

    /* A write failure: JM_EIO, and it stays failed. */
    int ro = open("/dev/null", O_RDONLY);
    s = jm_sink_fd_new(ro, 1, NULL);
    ck_assert_int_eq(jm_sink_write(s, &m), 0); /* buffered */
    ck_assert_int_eq(jm_sink_sync(s), JM_EIO);
    ck_assert_int_eq(jm_sink_write(s, &m), JM_EIO);
    ck_assert_int_eq(jm_sink_free(s), JM_EIO);
    free(data);
    jm_buf_free(&want);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sink");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sync_reaches_the_sink);
    tcase_add_test(tc, constructors_say_why);
    tcase_add_test(tc, fd_sync_writes_everything_out);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
