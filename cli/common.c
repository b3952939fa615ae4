/* Helpers shared by the jm-* tools: errors, option values, the clock, input and output. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "read_ahead.h"

const char *jm_cli_tool = "jm";

void jm_cli_start(const char *tool, char **argv)
{
    jm_cli_tool = tool;
    argv[0] = (char *)tool; /* getopt's messages name argv[0]: the tool, not the path it ran by */
    /* A reader gone is a write error (EPIPE) that each output handles (jm_cli_sink_failed). */
    signal(SIGPIPE, SIG_IGN);
}

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

static int print_plugin(void *ctx, const char *path, const jm_plugin *p, const jm_error *err)
{
    int *found = ctx;
    ++*found;
    if (p)
        printf("plugin: %s %s (%s)\n", jm_plugin_name(p), jm_plugin_version(p), path);
    else
        printf("plugin: %s: refused: %s\n", path, err->text);
    return 0;
}

void jm_cli_version(void)
{
    printf("%s (libjobmatch) %s\n", jm_cli_tool, JM_VERSION_STR);
    printf("library: libjobmatch %s\n", jm_version());
    int found = 0;
    if (jm_plugin_each(print_plugin, &found) == JM_ENOMEM)
        jm_cli_error("out of memory while listing plugins");
    else if (!found)
        printf("plugins: none found (installed ones go in %s)\n", jm_plugin_dir());
}

static size_t digits_at(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

/* The length of the decimal number that text starts with, 0 when none: an optional '-' and
 * digits, and when fraction is set an optional '.' with digits and an exponent ("1.5e3"). No
 * '+', no leading space, no hex ("0x10"), no "inf" or "nan": what strtoll and strtod take
 * beyond that is not a value a user means. A leading 0 is still decimal ("010" is ten). */
static size_t decimal_prefix(const char *text, int fraction)
{
    size_t i = text[0] == '-', d = digits_at(text + i);
    i += d;
    if (fraction && text[i] == '.') {
        size_t f = digits_at(text + i + 1);
        i += 1 + f;
        d += f;
    }
    if (!d)
        return 0;
    if (fraction && (text[i] == 'e' || text[i] == 'E')) {
        size_t j = i + 1 + (text[i + 1] == '-' || text[i + 1] == '+'), e = digits_at(text + j);
        if (e)
            i = j + e;
    }
    return i;
}

long long jm_cli_integer(const char *option, const char *text, long long min, long long max)
{
    char *end;
    errno = 0;
    size_t n = decimal_prefix(text, 0);
    long long v = n ? strtoll(text, &end, 10) : 0;
    if (!n || text[n] || errno || end != text + n || v < min || v > max)
        jm_cli_usage("%s: '%s' is not a whole number from %lld to %lld", option, text, min, max);
    return v;
}

double jm_cli_number(const char *option, const char *text, double min, double max)
{
    char *end;
    size_t n = decimal_prefix(text, 1);
    double v = n ? strtod(text, &end) : 0;
    if (!n || text[n] || end != text + n || !isfinite(v) || v < min || v > max)
        jm_cli_usage("%s: '%s' is not a number from %g to %g", option, text, min, max);
    return v;
}

double jm_cli_fraction(const char *option, const char *text)
{
    char *end;
    size_t n = text[0] == '-' ? 0 : decimal_prefix(text, 1);
    double v = n ? strtod(text, &end) : 0;
    if (!n || text[n] || end != text + n || !(v >= 0 && v < 1))
        jm_cli_usage("%s: '%s' is not a number from 0 to below 1", option, text);
    return v;
}

int64_t jm_cli_duration(const char *option, const char *text)
{
    static const struct {
        const char *unit;
        double ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}, {"", 1000}};
    char *end;
    size_t n = text[0] == '-' ? 0 : decimal_prefix(text, 1);
    double v = n ? strtod(text, &end) : 0;
    if (n && end == text + n && isfinite(v))
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

/* ---- output ------------------------------------------------------------------------------- */

/* The sinks open now, so that a reader gone from the main output can close the others. */
enum { MAX_OPEN = 16 };
static jm_cli_sink *open_sinks[MAX_OPEN];

static void track(jm_cli_sink *o, int on)
{
    for (int i = 0; i < MAX_OPEN; i++)
        if (open_sinks[i] == (on ? NULL : o)) {
            open_sinks[i] = on ? o : NULL;
            return;
        }
}

void jm_cli_sink_open_as(jm_cli_sink *o, const char *path, jm_cli_write how, int main)
{
    memset(o, 0, sizeof *o);
    int fd = STDOUT_FILENO;
    o->name = "<stdout>";
    o->is_main = main;
    if (path && strcmp(path, "-") != 0) {
        fd = jm_cli_file_open(&o->file, path, how);
        o->name = path;
    }
    jm_error err;
    o->sink = jm_sink_fd_new(fd, fd != STDOUT_FILENO, &err);
    if (!o->sink) {
        jm_cli_error("%s: %s", o->name, err.text);
        exit(EXIT_IO);
    }
    track(o, 1);
}

void jm_cli_sink_open(jm_cli_sink *o, const char *path)
{
    jm_cli_sink_open_as(o, path, JM_CLI_WRITE_WHOLE, 1);
}

void jm_cli_sink_failed(jm_cli_sink *o, int rc, int err_no)
{
    if (rc == JM_EIO && err_no == EPIPE && o->is_main) {
        /* The reader has what it wanted (`| head`): a normal end, as for `yes | head`. What
         * the other outputs hold is delivered; what this one held is dropped. */
        track(o, 0);
        jm_sink_free(o->sink);
        o->sink = NULL;
        for (int i = 0; i < MAX_OPEN; i++)
            if (open_sinks[i])
                jm_cli_sink_close(open_sinks[i]);
        exit(0);
    }
    if (rc == JM_EIO)
        jm_cli_error("%s: write failed: %s", o->name, strerror(err_no));
    else
        jm_cli_error("%s: write failed: %s", o->name, jm_strerror(rc));
    exit(EXIT_IO);
}

void jm_cli_sink_write(jm_cli_sink *o, const jm_sink_msg *msg)
{
    int rc = jm_sink_write(o->sink, msg);
    if (rc)
        jm_cli_sink_failed(o, rc, errno);
}

void jm_cli_sink_put(jm_cli_sink *o, jm_kind kind, const void *data, size_t len, unsigned flags)
{
    jm_sink_msg m = {
        .struct_size = sizeof(jm_sink_msg), .kind = kind, .data = data, .len = len, .flags = flags};
    jm_cli_sink_write(o, &m);
}

void jm_cli_sink_put_line(jm_cli_sink *o, const jm_record *rec, const char *text, size_t len)
{
    o->line.len = 0;
    if (jm_buf_reserve(&o->line, len + 1)) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    if (len)
        memcpy(o->line.data, text, len);
    o->line.data[len] = '\n';
    jm_cli_sink_put_record(o, rec, o->line.data, len + 1);
}

void jm_cli_sink_put_record(jm_cli_sink *o, const jm_record *rec, const char *data, size_t len)
{
    jm_sink_msg m = {
        .struct_size = sizeof(jm_sink_msg), .kind = JM_KIND_NONE, .data = data, .len = len};
    if (rec) {
        m.kind = jm_record_kind(rec);
        m.id = jm_record_id(rec);
        if (jm_record_has(rec, JM_FIELD_TIMESTAMP))
            m.timestamp_ms = jm_record_integer(rec, JM_FIELD_TIMESTAMP);
        if (jm_sink_flags(o->sink) & JM_SINK_WANTS_RECORDS)
            m.record = rec;
    }
    jm_cli_sink_write(o, &m);
}

void jm_cli_sink_flush(jm_cli_sink *o)
{
    int rc = jm_sink_flush(o->sink);
    if (rc)
        jm_cli_sink_failed(o, rc, errno);
}

void jm_cli_sink_sync(jm_cli_sink *o)
{
    int rc = jm_sink_sync(o->sink);
    if (rc)
        jm_cli_sink_failed(o, rc, errno);
}

void jm_cli_sink_close(jm_cli_sink *o)
{
    jm_buf_free(&o->line);
    track(o, 0);
    if (o->sink) {
        int rc = jm_sink_sync(o->sink);
        if (rc)
            jm_cli_sink_failed(o, rc, errno);
    }
    jm_cli_file_commit(&o->file);
    int rc = jm_sink_free(o->sink);
    o->sink = NULL;
    if (rc)
        jm_cli_sink_failed(o, rc, errno);
}

/* ---- rejected records ---------------------------------------------------------------------- */

void jm_cli_rejects_open(jm_cli_rejects *r, const char *errors_path, int strict)
{
    memset(r, 0, sizeof *r);
    r->strict = strict;
    if (errors_path) {
        jm_cli_sink_open_as(&r->errors, errors_path, JM_CLI_WRITE_APPEND, 0);
        r->have_errors = 1;
    }
}

/* Whether this reject of an input that has given no good record is shown: the first of an
 * input of the wrong kind is, with its hint; the ones after it are only counted. */
static int shown_reject(jm_cli_input_note *n, const jm_error *err, const char **hint)
{
    *hint = NULL;
    if (!n || (n->reader ? jm_reader_records(n->reader) : n->records) > 0)
        return 1;
    if (n->hushed) {
        n->hidden++;
        return 0;
    }
    *hint = n->hint;
    if (!*hint && n->format == JM_FORMAT_CSV && err->line == 1)
        *hint = "so no row of this table can be read"; /* the header is line 1 */
    n->hushed = *hint != NULL;
    return 1;
}

int jm_cli_reject(jm_cli_rejects *r, const jm_error *err, const char *raw, size_t len)
{
    r->count++;
    const char *hint;
    if (!shown_reject(r->input, err, &hint))
        ;
    else if (err->line)
        jm_cli_error("%s:%lu: %s%s%s", err->source, err->line, err->text, hint ? "; " : "",
                     hint ? hint : "");
    else
        jm_cli_error("%s: %s", err->source, err->text);
    if (r->have_errors)
        jm_cli_sink_put_line(&r->errors, NULL, raw, raw ? len : 0);
    if (r->strict) {
        r->failed_strict = 1;
        return JM_ECALLBACK;
    }
    return 0;
}

int jm_cli_reject_part(jm_cli_rejects *r, const char *part, size_t len)
{
    if (r->have_errors)
        jm_cli_sink_put(&r->errors, JM_KIND_NONE, part, len, JM_SINK_MSG_PART);
    return 0;
}

void jm_cli_rejects_flush(jm_cli_rejects *r)
{
    if (r->have_errors)
        jm_cli_sink_flush(&r->errors);
}

void jm_cli_rejects_sync(jm_cli_rejects *r)
{
    if (r->have_errors)
        jm_cli_sink_sync(&r->errors);
}

void jm_cli_rejects_close(jm_cli_rejects *r)
{
    jm_cli_sink_close(&r->errors);
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

/* One input and its reader. */
typedef struct input {
    const char *name, *path;
    int fd, is_stdin, done;
    jm_format format;
    jm_reader *reader;
    jm_cli_input_note note;
} input;

/* What the first bytes of an input say when they are not what its format reads. */
const char *jm_cli_sniff(const char *b, size_t n, jm_format format)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *hint;
    } packed[] = {
        {"\x1f\x8b", 2, "compressed input (gzip): pipe it through zcat"},
        {"\xfd"
         "7zXZ",
         5, "compressed input (xz): pipe it through xzcat"},
        {"\x28\xb5\x2f\xfd", 4, "compressed input (zstd): pipe it through zstdcat"},
        {"PK\x03\x04", 4, "compressed input (zip): unpack it first (unzip -p)"},
    };
    for (unsigned i = 0; i < sizeof packed / sizeof *packed; i++)
        if (n >= packed[i].len && memcmp(b, packed[i].magic, packed[i].len) == 0)
            return packed[i].hint;
    if (n >= 4 && memcmp(b, "BZh", 3) == 0 && b[3] >= '1' && b[3] <= '9')
        return "compressed input (bzip2): pipe it through bzcat";
    if (memchr(b, '\0', n))
        return "binary input, not NDJSON or CSV";
    if (format != JM_FORMAT_NDJSON)
        return NULL;
    size_t i = n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    const char *nl = memchr(b + i, '\n', n - i);
    size_t line = nl ? (size_t)(nl - (b + i)) : n - i;
    if (i < n && b[i] != '{' && memchr(b + i, ',', line))
        return "looks like CSV: use --format csv";
    return NULL;
}

void jm_cli_note_end(jm_cli_input_note *n)
{
    if (n->hidden)
        jm_cli_error("%s: %llu more rejected, not shown one by one", n->name,
                     (unsigned long long)n->hidden);
    n->hidden = 0;
    n->hushed = 0;
}

struct jm_cli_inputs {
    const jm_cli_input_ops *ops;
    input *in;
    int n;
    char *buf;
};

enum { READ_SIZE = 1 << 18, BURST = 64 };

static void input_reader(input *in, const jm_cli_input_ops *ops)
{
    jm_error err;
    in->reader = jm_reader_new(in->format, in->name, ops->max_record_bytes, ops->on_record,
                               ops->on_reject, ops->ctx, &err);
    if (!in->reader) {
        jm_cli_error("%s: %s", in->name, err.text);
        exit(EXIT_IO);
    }
    jm_reader_set_reject_part(in->reader, ops->on_reject_part);
    in->note = (jm_cli_input_note){.name = in->name, .reader = in->reader, .format = in->format};
    if (ops->on_line && in->format == JM_FORMAT_NDJSON)
        jm_reader_set_line_fn(in->reader, ops->on_line);
}

static void input_open(input *in, const char *path, const jm_cli_input_ops *ops)
{
    memset(in, 0, sizeof *in);
    in->is_stdin = !path || strcmp(path, "-") == 0;
    in->name = in->path = in->is_stdin ? "<stdin>" : path;
    in->fd = in->is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0) {
        jm_cli_error("%s: %s", path, strerror(errno));
        exit(EXIT_IO);
    }
    in->format = jm_cli_format_of(in->is_stdin ? NULL : path, ops->format_option);
    input_reader(in, ops);
}

/* Following a file by its name, as tail -F does, once all of it is read: a file now shorter
 * than what was read was truncated, and a name that now names another file was replaced (mv).
 * Either way what was read is finished (a last line without a newline counts, as at any end),
 * stderr says so, and reading starts over from the start of the file as it is now. *again is
 * set when there is that new start to read. Returns 0 or a callback's code. */
static int input_recheck(input *in, const jm_cli_input_ops *ops, int *again)
{
    *again = 0;
    struct stat now, named;
    off_t at = lseek(in->fd, 0, SEEK_CUR);
    if (in->is_stdin || fstat(in->fd, &now) != 0)
        return 0;
    int truncated = at > now.st_size, fd = -1;
    if (!truncated) {
        if (stat(in->path, &named) != 0 || !S_ISREG(named.st_mode) ||
            (named.st_dev == now.st_dev && named.st_ino == now.st_ino))
            return 0; /* the same file; or gone for now, so the old one is kept */
        if ((fd = open(in->path, O_RDONLY | O_CLOEXEC)) < 0)
            return 0; /* looked at again next time */
    }
    int rc = jm_reader_finish(in->reader);
    jm_cli_note_end(&in->note);
    jm_reader_free(in->reader);
    in->reader = NULL;
    if (truncated) {
        jm_cli_error("%s: file truncated: reading it again from its start", in->name);
        lseek(in->fd, 0, SEEK_SET);
    } else {
        jm_cli_error("%s: file replaced: reading the new file from its start", in->name);
        close(in->fd);
        in->fd = fd;
    }
    input_reader(in, ops);
    *again = rc == 0;
    return rc;
}

static void input_close(input *in, const jm_cli_input_ops *ops)
{
    jm_cli_note_end(&in->note); /* a followed file has no end but this */
    if (ops->rejects && ops->rejects->input == &in->note)
        ops->rejects->input = NULL;
    jm_reader_free(in->reader);
    if (!in->is_stdin)
        close(in->fd);
}

static char *read_buffer(void)
{
    char *buf = malloc(READ_SIZE);
    if (!buf) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    return buf;
}

/* Reads once from in and feeds what came. *got: bytes read; 0 at the end, or when a stop signal
 * interrupted the read. Returns 0 or a callback's code; exits 3 on a read error. */
static int input_pump(input *in, const jm_cli_input_ops *ops, char *buf, ssize_t *got)
{
    if (ops->before_read)
        ops->before_read(ops->ctx);
    ssize_t n;
    do
        n = read(in->fd, buf, READ_SIZE);
    while (n < 0 && errno == EINTR && !(ops->stop && *ops->stop));
    if (n < 0 && errno == EINTR)
        n = 0;
    if (n < 0) {
        jm_cli_error("%s: read failed: %s", in->name, strerror(errno));
        exit(EXIT_IO);
    }
    *got = n;
    if (ops->rejects)
        ops->rejects->input = &in->note;
    if (n > 0 && !in->note.sniffed) {
        in->note.sniffed = 1;
        in->note.hint = jm_cli_sniff(buf, (size_t)n, in->format);
    }
    if (ops->current_format)
        *ops->current_format = in->format;
    if (ops->current_reader)
        *ops->current_reader = in->reader;
    return n > 0 ? jm_reader_feed(in->reader, buf, (size_t)n) : 0;
}

/* The end of an input: a last line without a newline still counts. */
static int input_finish(input *in, const jm_cli_input_ops *ops)
{
    in->done = 1;
    if (ops->current_format)
        *ops->current_format = in->format;
    if (ops->current_reader)
        *ops->current_reader = in->reader;
    if (ops->rejects)
        ops->rejects->input = &in->note;
    int rc = jm_reader_finish(in->reader);
    jm_cli_note_end(&in->note);
    return rc;
}

int jm_cli_read_inputs(char **paths, int npaths, const jm_cli_input_ops *ops)
{
    if (ops->threads > 1 && !ops->on_line)
        return jm_cli_read_ahead(paths, npaths, ops, ops->threads);
    char *buf = read_buffer();
    int rc = 0;
    for (int i = 0; rc == 0 && i < (npaths ? npaths : 1); i++) {
        input in;
        input_open(&in, npaths ? paths[i] : NULL, ops);
        ssize_t got;
        while ((rc = input_pump(&in, ops, buf, &got)) == 0 && got > 0)
            ;
        if (rc == 0)
            rc = input_finish(&in, ops);
        input_close(&in, ops);
    }
    free(buf);
    return rc;
}

jm_cli_inputs *jm_cli_inputs_open(char **paths, int npaths, const jm_cli_input_ops *ops)
{
    jm_cli_inputs *in = calloc(1, sizeof *in);
    int n = npaths ? npaths : 1;
    if (!in || !(in->in = calloc((size_t)n, sizeof *in->in))) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    in->ops = ops;
    in->n = n;
    in->buf = read_buffer();
    for (int i = 0; i < n; i++)
        input_open(&in->in[i], npaths ? paths[i] : NULL, ops);
    return in;
}

int jm_cli_inputs_follow(jm_cli_inputs *in, int64_t until_ns, int whole_files, int *got_any)
{
    int open_inputs = 0;
    *got_any = 0;
    for (int i = 0; i < in->n; i++) {
        input *p = &in->in[i];
        if (p->done)
            continue;
        struct stat st;
        int regular = fstat(p->fd, &st) == 0 && S_ISREG(st.st_mode);
        struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
        if (!regular && poll(&pfd, 1, 0) <= 0) {
            open_inputs++;
            continue;
        }
        /* A bounded burst per input, so the caller's work stays on time under a fast stream. */
        int whole = regular && whole_files;
        for (int k = 0; whole || k < BURST; k++) {
            ssize_t got;
            int rc = input_pump(p, in->ops, in->buf, &got);
            if (rc)
                return rc;
            if (got == 0) {
                /* A file's end is only where it has grown to so far. */
                int again = 0;
                if (!regular && (rc = input_finish(p, in->ops)))
                    return rc;
                if (regular && (rc = input_recheck(p, in->ops, &again)))
                    return rc;
                if (again)
                    continue;
                break;
            }
            *got_any = 1;
            if (!whole && jm_cli_mono_ns() >= until_ns)
                break;
        }
        open_inputs += !p->done;
    }
    return open_inputs;
}

void jm_cli_inputs_close(jm_cli_inputs *in)
{
    if (!in)
        return;
    for (int i = 0; i < in->n; i++)
        input_close(&in->in[i], in->ops);
    free(in->in);
    free(in->buf);
    free(in);
}
