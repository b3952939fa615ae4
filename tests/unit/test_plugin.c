/* Checks the plugin loader and the module contract: the search path, the handshake refusing a
 * wrong ABI or size with the module's path, the test module's counting sink and replaying source,
 * jm_source's numbering and commits, and NAME:key=value specs. */
/* realpath() and mkdtemp() are X/Open. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

/* The folder of this test program: build/tests; the build tree's modules are in ../plugins, the
 * broken ones in plugins/. */
static const char *exe_dir(void)
{
    static char dir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    ck_assert_int_gt(n, 0);
    dir[n] = '\0';
    *strrchr(dir, '/') = '\0';
    return dir;
}

static const char *broken_dir(void)
{
    static char d[PATH_MAX];
    snprintf(d, sizeof d, "%s/plugins", exe_dir());
    return d;
}

/* The build tree's plugin folder, resolved as the loader reports it. */
static const char *build_plugins(void)
{
    static char d[PATH_MAX], real[PATH_MAX];
    snprintf(d, sizeof d, "%s/../plugins", exe_dir());
    ck_assert_ptr_nonnull(realpath(d, real));
    return real;
}

/* A fresh folder under /tmp for this test; removed by the caller with rm_tree(). */
static char *temp_dir(void)
{
    static char d[64];
    snprintf(d, sizeof d, "/tmp/jm-plugin-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(d));
    return d;
}

static void copy_file(const char *from, const char *to)
{
    size_t n;
    char *data = jm_test_read_file(from, &n);
    FILE *f = fopen(to, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
    free(data);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static void rm_tree(const char *dir)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *path_in(const char *dir, const char *file)
{
    static char p[2][PATH_MAX];
    static int i;
    i = !i;
    ck_assert((size_t)snprintf(p[i], sizeof p[i], "%s/%s", dir, file) < sizeof p[i]);
    return p[i];
}

/* ---- finding and refusing modules --------------------------------------------------------------
 */

START_TEST(found_in_build_tree)
{
    unsetenv("JM_PLUGIN_PATH");
    jm_error err = {0};
    jm_plugin *p = jm_plugin_open("test", &err);
    ck_assert_msg(p != NULL, "%s: %s", err.source, err.text);
    ck_assert_str_eq(jm_plugin_name(p), "test");
    ck_assert_str_eq(jm_plugin_version(p), JM_VERSION_STR);
    ck_assert_str_eq(jm_plugin_path(p), path_in(build_plugins(), "jm-test.so"));
    ck_assert_ptr_nonnull(strstr(jm_plugin_description(p), "counting sink"));
    jm_plugin_free(p);
    /* Set but empty counts as unset. */
    setenv("JM_PLUGIN_PATH", "", 1);
    p = jm_plugin_open("test", &err);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(jm_plugin_path(p), path_in(build_plugins(), "jm-test.so"));
    jm_plugin_free(p);
}
END_TEST

START_TEST(found_via_env_first)
{
    char *dir = temp_dir();
    copy_file(path_in(build_plugins(), "jm-test.so"), path_in(dir, "jm-test.so"));
    char env[PATH_MAX + 64];
    /* Empty and missing entries are passed over; the first folder holding it wins. */
    snprintf(env, sizeof env, "::/nonexistent-jm-dir:%s:%s", dir, build_plugins());
    setenv("JM_PLUGIN_PATH", env, 1);
    jm_error err = {0};
    jm_plugin *p = jm_plugin_open("test", &err);
    ck_assert_msg(p != NULL, "%s: %s", err.source, err.text);
    ck_assert_str_eq(jm_plugin_path(p), path_in(dir, "jm-test.so"));
    jm_plugin_free(p);
    rm_tree(dir);
}
END_TEST

START_TEST(wrong_abi_refused)
{
    setenv("JM_PLUGIN_PATH", broken_dir(), 1);
    jm_error err = {0};
    ck_assert_ptr_null(jm_plugin_open("badabi", &err));
    ck_assert_int_eq(err.code, JM_EPLUGIN);
    ck_assert_str_eq(err.source, path_in(broken_dir(), "jm-badabi.so"));
    ck_assert_msg(strstr(err.text, "ABI 2") && strstr(err.text, "ABI 1"), "%s", err.text);
    /* By path, the same. */
    memset(&err, 0, sizeof err);
    ck_assert_ptr_null(jm_plugin_open_path(path_in(broken_dir(), "jm-badabi.so"), &err));
    ck_assert_str_eq(err.source, path_in(broken_dir(), "jm-badabi.so"));
    ck_assert_ptr_nonnull(strstr(err.text, "built for plugin ABI 2"));
}
END_TEST

START_TEST(wrong_size_refused)
{
    setenv("JM_PLUGIN_PATH", broken_dir(), 1);
    jm_error err = {0};
    ck_assert_ptr_null(jm_plugin_open("badsize", &err));
    ck_assert_int_eq(err.code, JM_EPLUGIN);
    ck_assert_str_eq(err.source, path_in(broken_dir(), "jm-badsize.so"));
    char want[64];
    snprintf(want, sizeof want, "descriptor size 8, expected %lu",
             (unsigned long)JM_PLUGIN_DESC_V1_SIZE);
    ck_assert_msg(strstr(err.text, want) != NULL, "%s", err.text);
}
END_TEST

START_TEST(missing_names_what_was_searched)
{
    setenv("JM_PLUGIN_PATH", "/nonexistent-jm-a:/nonexistent-jm-b", 1);
    jm_error err = {0};
    ck_assert_ptr_null(jm_plugin_open("nosuch", &err));
    ck_assert_int_eq(err.code, JM_EPLUGIN);
    ck_assert_str_eq(err.source, "jm-nosuch.so");
    ck_assert_msg(strstr(err.text, "/nonexistent-jm-a:/nonexistent-jm-b:") != NULL, "%s", err.text);
    ck_assert_msg(strstr(err.text, build_plugins()) != NULL, "%s", err.text);
    ck_assert_msg(strstr(err.text, jm_plugin_dir()) != NULL, "%s", err.text);
    ck_assert_msg(strstr(err.text, "install") != NULL, "%s", err.text);
    /* A module we know of says which package to install; when this build made it (configure
     * found librdkafka), the build tree's is the one found. */
    jm_plugin *kafka = jm_plugin_open("kafka", &err);
    if (access(path_in(build_plugins(), "jm-kafka.so"), F_OK) != 0) {
        ck_assert_ptr_null(kafka);
        ck_assert_msg(strstr(err.text, "apt-get install librdkafka-dev") != NULL, "%s", err.text);
    } else {
        ck_assert_msg(kafka != NULL, "%s", err.text);
        ck_assert_str_eq(jm_plugin_path(kafka), path_in(build_plugins(), "jm-kafka.so"));
        jm_plugin_free(kafka);
    }
    /* Not a name: no path is built from it. */
    ck_assert_ptr_null(jm_plugin_open("../test", &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert_ptr_null(jm_plugin_open("", &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
}
END_TEST

START_TEST(misnamed_and_junk_refused)
{
    char *dir = temp_dir();
    copy_file(path_in(build_plugins(), "jm-test.so"), path_in(dir, "jm-other.so"));
    write_file(path_in(dir, "jm-junk.so"), "not an ELF file\n");
    setenv("JM_PLUGIN_PATH", dir, 1);
    jm_error err = {0};
    ck_assert_ptr_null(jm_plugin_open("other", &err));
    ck_assert_str_eq(err.source, path_in(dir, "jm-other.so"));
    ck_assert_msg(strstr(err.text, "declares the name 'test'") != NULL, "%s", err.text);
    ck_assert_ptr_null(jm_plugin_open("junk", &err));
    ck_assert_int_eq(err.code, JM_EPLUGIN);
    ck_assert_str_eq(err.source, path_in(dir, "jm-junk.so"));
    ck_assert_msg(strstr(err.text, "cannot load") && strstr(err.text, "install"), "%s", err.text);
    rm_tree(dir);
}
END_TEST

typedef struct seen {
    int n;
    char names[8][64];
    int ok[8];
    char text[8][256];
} seen;

static int note(void *ctx, const char *path, const jm_plugin *p, const jm_error *err)
{
    seen *s = ctx;
    ck_assert_int_lt(s->n, 8);
    const char *file = strrchr(path, '/') + 1;
    /* the real modules, built into the tree when their libraries are installed */
    if (strcmp(file, "jm-pg.so") == 0 || strcmp(file, "jm-kafka.so") == 0)
        return 0;
    snprintf(s->names[s->n], sizeof s->names[0], "%s", file);
    s->ok[s->n] = p != NULL;
    ck_assert((p == NULL) == (err != NULL));
    if (err)
        snprintf(s->text[s->n], sizeof s->text[0], "%s", err->text);
    s->n++;
    return 0;
}

START_TEST(each_lists_in_search_order)
{
    setenv("JM_PLUGIN_PATH", broken_dir(), 1);
    seen s = {0};
    ck_assert_int_eq(jm_plugin_each(note, &s), 0);
    /* JM_PLUGIN_PATH's modules first, then the build tree's (the test module among the service
     * modules that this build made). */
    ck_assert_int_ge(s.n, 3);
    ck_assert_str_eq(s.names[0], "jm-badabi.so");
    ck_assert_int_eq(s.ok[0], 0);
    ck_assert_ptr_nonnull(strstr(s.text[0], "ABI"));
    ck_assert_str_eq(s.names[1], "jm-badsize.so");
    ck_assert_int_eq(s.ok[1], 0);
    int test_at = -1;
    for (int i = 2; i < s.n; i++)
        if (strcmp(s.names[i], "jm-test.so") == 0)
            test_at = i;
    ck_assert_int_ge(test_at, 2);
    ck_assert_int_eq(s.ok[test_at], 1);
}
END_TEST

/* ---- the test module's sink and source ------------------------------------------------------- */

START_TEST(sink_counts_with_options)
{
    unsetenv("JM_PLUGIN_PATH");
    char *dir = temp_dir();
    jm_error err = {0};
    jm_plugin *p = jm_plugin_open("test", &err);
    ck_assert_ptr_nonnull(p);
    jm_plugin_option opt[] = {{"count", path_in(dir, "counts")}};
    jm_sink *s = jm_plugin_sink_new(p, opt, 1, &err);
    ck_assert_msg(s != NULL, "%s", err.text);
    ck_assert_str_eq(jm_sink_name(s), "test");
    jm_sink_msg m[] = {
#define MSG .struct_size = sizeof(jm_sink_msg)
        {MSG, .data = "id,type\n", .len = 8, .flags = JM_SINK_MSG_HEADER},
        {MSG, .kind = JM_KIND_JOB_POST, .data = "{\"a\":1}\n", .len = 8},
        {MSG, .kind = JM_KIND_CANDIDATE, .data = "{bad\n", .len = 5, .flags = JM_SINK_MSG_BAD},
        {MSG, .kind = JM_KIND_CANDIDATE, .data = "{\"b\":2}\n", .len = 8},
#undef MSG
    };
    for (unsigned i = 0; i < 4; i++)
        ck_assert_int_eq(jm_sink_write(s, &m[i]), 0);
    ck_assert_int_eq(jm_sink_sync(s), 0);
    char *got = jm_test_read_file(path_in(dir, "counts"), NULL);
    ck_assert_str_eq(got, "messages=4 records=2 bad=1 headers=1 bytes=29 syncs=1\n");
    free(got);
    ck_assert_int_eq(jm_sink_write(s, &m[1]), 0);
    ck_assert_int_eq(jm_sink_free(s), 0);
    got = jm_test_read_file(path_in(dir, "counts"), NULL);
    ck_assert_str_eq(got, "messages=5 records=3 bad=1 headers=1 bytes=37 syncs=1\n");
    free(got);
    /* A delivery failure comes back as the sink's code. */
    jm_plugin_option failing[] = {{"fail_sync", "1"}};
    s = jm_plugin_sink_new(p, failing, 1, &err);
    ck_assert_int_eq(jm_sink_sync(s), JM_EIO);
    jm_sink_free(s);
    /* An option the module does not know is refused, by name. */
    jm_plugin_option unknown[] = {{"colour", "red"}};
    memset(&err, 0, sizeof err);
    ck_assert_ptr_null(jm_plugin_sink_new(p, unknown, 1, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "colour"));
    jm_plugin_free(p);
    rm_tree(dir);
}
END_TEST

START_TEST(source_replays_and_commits)
{
    unsetenv("JM_PLUGIN_PATH");
    char *dir = temp_dir();
    char file[PATH_MAX], commit[PATH_MAX];
    snprintf(file, sizeof file, "%s", path_in(dir, "in.ndjson"));
    snprintf(commit, sizeof commit, "%s", path_in(dir, "commit"));
    static const char *lines[] = {"{\"id\":\"c1\"}", "", "{\"id\":\"c2\"}", "last, no newline"};
    write_file(file, "{\"id\":\"c1\"}\n\n{\"id\":\"c2\"}\nlast, no newline");
    jm_error err = {0};
    jm_plugin *p = jm_plugin_open("test", &err);
    ck_assert_ptr_nonnull(p);
    jm_plugin_option opt[] = {{"file", file}, {"commit", commit}, {"kind", "candidate"}};
    jm_source *src = jm_plugin_source_new(p, opt, 3, &err);
    ck_assert_msg(src != NULL, "%s", err.text);
    ck_assert_str_eq(jm_source_name(src), "test");
    jm_source_msg m = {.struct_size = sizeof m};
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_int_eq(jm_source_next(src, 0, &m, &err), 0);
        ck_assert_uint_eq(m.seq, i + 1);
        ck_assert_uint_eq(m.len, strlen(lines[i]));
        ck_assert(memcmp(m.data, lines[i], m.len) == 0);
        ck_assert_int_eq(m.kind, JM_KIND_CANDIDATE);
        char origin[PATH_MAX + 32];
        snprintf(origin, sizeof origin, "test:%s@%u", file, i + 1);
        ck_assert_str_eq(m.origin, origin);
        if (i == 1) {
            /* Everything up to line 2 went out and was delivered: commit it. */
            ck_assert_int_eq(jm_source_commit(src, 2, &err), 0);
            char *got = jm_test_read_file(commit, NULL);
            ck_assert_str_eq(got, "seq=2 line=2 offset=13\n");
            free(got);
        }
    }
    ck_assert_int_eq(jm_source_next(src, 0, &m, &err), JM_SOURCE_END);
    ck_assert_int_eq(jm_source_next(src, 0, &m, &err), JM_SOURCE_END);
    ck_assert_uint_eq(jm_source_delivered(src), 4);
    /* Not yet returned: refused. Already committed: done. */
    ck_assert_int_eq(jm_source_commit(src, 5, &err), JM_EINVAL);
    ck_assert_int_eq(jm_source_commit(src, 0, &err), JM_EINVAL);
    ck_assert_int_eq(jm_source_commit(src, 1, &err), 0);
    ck_assert_uint_eq(jm_source_committed(src), 2);
    ck_assert_int_eq(jm_source_commit(src, 4, &err), 0);
    char *got = jm_test_read_file(commit, NULL);
    ck_assert_str_eq(got, "seq=4 line=4 offset=41\n");
    free(got);
    ck_assert_uint_eq(jm_source_committed(src), 4);
    jm_source_free(src);
    /* Options: a missing file, a bad kind, no file at all. */
    jm_plugin_option missing[] = {{"file", "/nonexistent-jm-file"}};
    ck_assert_ptr_null(jm_plugin_source_new(p, missing, 1, &err));
    ck_assert_int_eq(err.code, JM_EIO);
    ck_assert_str_eq(err.source, "/nonexistent-jm-file");
    jm_plugin_option badkind[] = {{"file", file}, {"kind", "pet"}};
    ck_assert_ptr_null(jm_plugin_source_new(p, badkind, 2, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "pet"));
    ck_assert_ptr_null(jm_plugin_source_new(p, NULL, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.text, "file=FILE"));
    jm_plugin_free(p);
    rm_tree(dir);
}
END_TEST

/* ---- jm_source over an in-test ops table --------------------------------------------------- */

typedef struct script {
    int step;
    uint64_t committed;
} script;

/* AGAIN, a message, AGAIN, a message, then an I/O error. */
static int script_next(void *state, jm_source_msg *msg, int timeout_ms, jm_error *err)
{
    script *s = state;
    ck_assert_int_eq(timeout_ms, 10);
    switch (s->step++) {
    case 0:
    case 2: return JM_SOURCE_AGAIN;
    case 1:
    case 3:
        msg->data = "x";
        msg->len = 1;
        msg->key = "k";
        msg->key_len = 1;
        msg->timestamp_ms = 1000 + s->step;
        snprintf(msg->origin, sizeof msg->origin, "script@%d", s->step);
        return 0;
    default: snprintf(err->text, sizeof err->text, "broker gone"); return JM_EIO;
    }
}

static int script_commit(void *state, uint64_t seq, jm_error *err)
{
    (void)err;
    ((script *)state)->committed = seq;
    return 0;
}

START_TEST(source_numbering_and_errors)
{
    script sc = {0};
    jm_source_ops ops = {.struct_size = sizeof ops, .next = script_next, .commit = script_commit};
    jm_source *s = jm_source_new(&ops, &sc, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(jm_source_name(s), "source");
    jm_source_msg m = {.struct_size = sizeof m};
    jm_error err = {0};
    ck_assert_int_eq(jm_source_next(s, 10, &m, &err), JM_SOURCE_AGAIN);
    ck_assert_int_eq(jm_source_next(s, 10, &m, &err), 0);
    ck_assert_uint_eq(m.seq, 1);
    ck_assert_str_eq(m.origin, "script@2");
    ck_assert_int_eq(m.timestamp_ms, 1002);
    ck_assert_uint_eq(m.key_len, 1);
    ck_assert_int_eq(jm_source_next(s, 10, &m, &err), JM_SOURCE_AGAIN);
    ck_assert_int_eq(jm_source_next(s, 10, &m, &err), 0);
    ck_assert_uint_eq(m.seq, 2); /* waiting does not use up numbers */
    ck_assert_int_eq(jm_source_commit(s, 2, &err), 0);
    ck_assert_uint_eq(sc.committed, 2);
    /* An error is kept: every later call returns it, with its text. */
    ck_assert_int_eq(jm_source_next(s, 10, &m, &err), JM_EIO);
    ck_assert_str_eq(err.text, "broker gone");
    ck_assert_str_eq(err.source, "source");
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(jm_source_next(s, 10, &m, &err), JM_EIO);
    ck_assert_str_eq(err.text, "broker gone");
    ck_assert_int_eq(sc.step, 5);
    /* A message struct too small to fill. */
    jm_source_msg tiny = {.struct_size = sizeof(size_t)};
    jm_source_free(s);
    sc.step = 1;
    s = jm_source_new(&ops, &sc, NULL);
    ck_assert_int_eq(jm_source_next(s, 10, &tiny, &err), JM_EINVAL);
    jm_source_free(s);
    /* A table without next, or too small. */
    jm_source_ops none = {.struct_size = sizeof none};
    ck_assert_ptr_null(jm_source_new(&none, NULL, NULL));
    ops.struct_size = sizeof(size_t);
    ck_assert_ptr_null(jm_source_new(&ops, &sc, NULL));
}
END_TEST

/* ---- specs ------------------------------------------------------------------------------------
 */

START_TEST(spec_parse)
{
    jm_error err = {0};
    jm_plugin_spec *s =
        jm_plugin_spec_parse("kafka:brokers=a:9092\\,b:9092,topic=jobs,path=c:\\\\d,empty=", &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(jm_plugin_spec_name(s), "kafka");
    size_t n;
    const jm_plugin_option *o = jm_plugin_spec_options(s, &n);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(o[0].key, "brokers");
    ck_assert_str_eq(o[0].value, "a:9092,b:9092");
    ck_assert_str_eq(o[1].key, "topic");
    ck_assert_str_eq(o[1].value, "jobs");
    ck_assert_str_eq(o[2].value, "c:\\d");
    ck_assert_str_eq(o[3].key, "empty");
    ck_assert_str_eq(o[3].value, "");
    jm_plugin_spec_free(s);
    s = jm_plugin_spec_parse("test", &err);
    ck_assert_str_eq(jm_plugin_spec_name(s), "test");
    jm_plugin_spec_options(s, &n);
    ck_assert_uint_eq(n, 0);
    jm_plugin_spec_free(s);
    static const char *bad[] = {"", ":a=1", "t:novalue", "t:a=1,", "t:=1", "t:a=1,,b=2"};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        ck_assert_msg(jm_plugin_spec_parse(bad[i], &err) == NULL, "accepted '%s'", bad[i]);
        ck_assert_int_eq(err.code, JM_EINVAL);
        ck_assert_str_eq(err.source, bad[i]);
    }
    jm_plugin_spec_free(NULL);
    jm_plugin_free(NULL);
    jm_source_free(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plugin");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, found_in_build_tree);
    tcase_add_test(tc, found_via_env_first);
    tcase_add_test(tc, wrong_abi_refused);
    tcase_add_test(tc, wrong_size_refused);
    tcase_add_test(tc, missing_names_what_was_searched);
    tcase_add_test(tc, misnamed_and_junk_refused);
    tcase_add_test(tc, each_lists_in_search_order);
    tcase_add_test(tc, sink_counts_with_options);
    tcase_add_test(tc, source_replays_and_commits);
    tcase_add_test(tc, source_numbering_and_errors);
    tcase_add_test(tc, spec_parse);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
