/* Helpers shared by the jm-* tools: errors, option values, the clock, input and output. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

const char *jm_cli_tool = "jm";

void jm_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", jm_cli_tool);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void jm_cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", jm_cli_tool);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s --help'\n", jm_cli_tool);
    va_end(ap);
    exit(EXIT_USAGE);
}

void jm_cli_version(void)
{
    printf("%s (libjobmatch) %s\n", jm_cli_tool, JM_VERSION_STR);
    printf("library: libjobmatch %s\n", jm_version());
}

long long jm_cli_integer(const char *option, const char *text, long long min, long long max)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        jm_cli_usage("%s: '%s' is not a whole number from %lld to %lld", option, text, min, max);
    return v;
}

double jm_cli_number(const char *option, const char *text, double min, double max)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end || !isfinite(v) || v < min || v > max)
        jm_cli_usage("%s: '%s' is not a number from %g to %g", option, text, min, max);
    return v;
}

int64_t jm_cli_duration(const char *option, const char *text)
{
    static const struct {
        const char *unit;
        double ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}, {"", 1000}};
    char *end;
    double v = strtod(text, &end);
    if (end != text && isfinite(v) && v >= 0)
        for (unsigned i = 0; i < sizeof units / sizeof units[0]; i++)
            if (strcmp(end, units[i].unit) == 0 && v * units[i].ms < 9e18)
                return (int64_t)llround(v * units[i].ms);
    jm_cli_usage("%s: '%s' is not a duration (such as 90s, 2m, 1h, 7d)", option, text);
}

const char *jm_cli_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

int64_t jm_cli_now_ms(void)
{
    const char *epoch = jm_cli_env("SOURCE_DATE_EPOCH");
    if (epoch) {
        char *end;
        long long s = strtoll(epoch, &end, 10);
        if (!*end)
            return (int64_t)s * 1000;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- progress ------------------------------------------------------------------------------- */

int64_t jm_cli_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void jm_cli_progress_init(jm_cli_progress *p)
{
    memset(p, 0, sizeof *p);
    /* Not into a pipe: the next tool (jm-report --watch) may be drawing on the same terminal,
     * and a progress line would tear its screen. */
    struct stat st;
    p->on = isatty(STDERR_FILENO) && !(fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode));
    p->started_ns = p->next_ns = jm_cli_mono_ns();
}

int jm_cli_progress_tick(jm_cli_progress *p)
{
    if (!p->on)
        return 0;
    int64_t now = jm_cli_mono_ns();
    if (now < p->next_ns)
        return 0;
    p->next_ns = now + 200000000;
    p->shown = 1;
    return 1;
}

double jm_cli_progress_seconds(const jm_cli_progress *p)
{
    return (double)(jm_cli_mono_ns() - p->started_ns) / 1e9;
}

void jm_cli_progress_end(jm_cli_progress *p)
{
    if (p->shown)
        fputc('\n', stderr);
    p->shown = 0;
}

/* ---- output --------------------------------------------------------------------------------- */

enum { FLUSH_AT = 1 << 18, DIRECT_AT = 1 << 15 };

void jm_cli_out_open(jm_cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->fd = STDOUT_FILENO;
        o->name = "<stdout>";
        return;
    }
    o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    o->name = path;
    if (o->fd < 0) {
        jm_cli_error("%s: %s", path, strerror(errno));
        exit(EXIT_IO);
    }
}

void jm_cli_out_flush(jm_cli_out *o)
{
    size_t off = 0;
    while (off < o->buf.len) {
        ssize_t n = write(o->fd, o->buf.data + off, o->buf.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            jm_cli_error("%s: write failed: %s", o->name, strerror(errno));
            exit(EXIT_IO);
        }
        off += (size_t)n;
    }
    o->buf.len = 0;
}

void jm_cli_out_write(jm_cli_out *o, const void *data, size_t len)
{
    if (len >= DIRECT_AT) {
        /* Large blocks go straight out, without a copy. */
        jm_cli_out_flush(o);
        jm_buf whole = {(char *)data, len, len};
        jm_buf saved = o->buf;
        o->buf = whole;
        jm_cli_out_flush(o);
        o->buf = saved;
        return;
    }
    if (jm_buf_reserve(&o->buf, len)) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    memcpy(o->buf.data + o->buf.len, data, len);
    o->buf.len += len;
    jm_cli_out_maybe_flush(o);
}

void jm_cli_out_maybe_flush(jm_cli_out *o)
{
    if (o->buf.len >= FLUSH_AT)
        jm_cli_out_flush(o);
}

void jm_cli_out_close(jm_cli_out *o)
{
    jm_cli_out_flush(o);
    if (o->fd != STDOUT_FILENO && close(o->fd)) {
        jm_cli_error("%s: %s", o->name, strerror(errno));
        exit(EXIT_IO);
    }
    jm_buf_free(&o->buf);
}

/* ---- input ---------------------------------------------------------------------------------- */

jm_format jm_cli_format_of(const char *path, const char *format_option)
{
    if (format_option)
        return strcmp(format_option, "csv") == 0 ? JM_FORMAT_CSV : JM_FORMAT_NDJSON;
    size_t n = path ? strlen(path) : 0;
    if (n >= 4 && strcmp(path + n - 4, ".csv") == 0)
        return JM_FORMAT_CSV;
    return JM_FORMAT_NDJSON;
}

static int read_one(const char *path, const jm_cli_input_ops *ops, char *buf, size_t bufsize)
{
    int is_stdin = !path || strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        jm_cli_error("%s: %s", path, strerror(errno));
        exit(EXIT_IO);
    }
    jm_format format = jm_cli_format_of(is_stdin ? NULL : path, ops->format_option);
    if (ops->current_format)
        *ops->current_format = format;
    jm_reader *r = jm_reader_new(format, name, ops->max_record_bytes, ops->on_record,
                                 ops->on_reject, ops->ctx);
    if (!r) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    int rc = 0;
    for (;;) {
        if (ops->before_read)
            ops->before_read(ops->ctx);
        ssize_t n = read(fd, buf, bufsize);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            jm_cli_error("%s: read failed: %s", name, strerror(errno));
            exit(EXIT_IO);
        }
        if (n == 0) {
            rc = jm_reader_finish(r);
            break;
        }
        if ((rc = jm_reader_feed(r, buf, (size_t)n)))
            break;
    }
    jm_reader_free(r);
    if (!is_stdin)
        close(fd);
    return rc;
}

int jm_cli_read_inputs(char **paths, int npaths, const jm_cli_input_ops *ops)
{
    size_t bufsize = 1 << 18;
    char *buf = malloc(bufsize);
    if (!buf) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    int rc = 0;
    if (npaths == 0)
        rc = read_one(NULL, ops, buf, bufsize);
    for (int i = 0; rc == 0 && i < npaths; i++)
        rc = read_one(paths[i], ops, buf, bufsize);
    free(buf);
    return rc;
}
