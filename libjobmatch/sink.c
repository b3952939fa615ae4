/* Sinks: the versioned operations table, and the buffered file-descriptor sink. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jobmatch/error.h>
#include <jobmatch/sink.h>

#include "error_internal.h"
#include "versioned.h"

struct jm_sink {
    jm_sink_ops ops;
    void *state;
};

JM__VERSIONED(jm_sink_ops, sync);
JM__VERSIONED(jm_sink_msg, record);
#define OPS_V1 JM__SIZE_TO(jm_sink_ops, destroy)
#define MSG_V1 JM__SIZE_TO(jm_sink_msg, record)

jm_sink *jm_sink_new(const jm_sink_ops *ops, void *state, jm_error *err)
{
    if (!ops || ops->struct_size < OPS_V1 || !ops->write)
        return jm__fail(err, JM_EINVAL, "sink operations without a write, or too small");
    jm_sink *s = calloc(1, sizeof *s);
    if (!s) {
        if (ops->destroy)
            ops->destroy(state);
        return jm__fail(err, JM_ENOMEM, "out of memory");
    }
    s->ops.struct_size = sizeof s->ops;
    jm__versioned_in(&s->ops, sizeof s->ops, ops, OPS_V1);
    s->state = state;
    return s;
}

int jm_sink_free(jm_sink *s)
{
    if (!s)
        return 0;
    int rc = jm_sink_flush(s);
    if (s->ops.destroy)
        s->ops.destroy(s->state);
    free(s);
    return rc;
}

int jm_sink_write(jm_sink *s, const jm_sink_msg *msg)
{
    if (msg->struct_size >= sizeof *msg)
        return s->ops.write(s->state, msg);
    /* An older producer's message: the sink gets a whole one, the fields it lacks zeroed. */
    jm_sink_msg whole = {.struct_size = sizeof whole};
    if (jm__versioned_in(&whole, sizeof whole, msg, MSG_V1))
        return JM_EINVAL;
    return s->ops.write(s->state, &whole);
}

int jm_sink_flush(jm_sink *s)
{
    return s->ops.flush ? s->ops.flush(s->state) : 0;
}

int jm_sink_sync(jm_sink *s)
{
    return s->ops.sync ? s->ops.sync(s->state) : jm_sink_flush(s);
}

unsigned jm_sink_flags(const jm_sink *s)
{
    return s->ops.flags;
}

const char *jm_sink_name(const jm_sink *s)
{
    return s->ops.name ? s->ops.name : "sink";
}

/* ---- file descriptor sink ------------------------------------------------------------------- */

/* Messages from FD_DIRECT bytes on are written without a copy (a block of applications, say). */
enum { FD_BUF = 1 << 18, FD_DIRECT = 1 << 15 };

typedef struct fd_sink {
    int fd;
    int close_fd;
    int failed;
    size_t len;
    char buf[FD_BUF];
} fd_sink;

static int write_all(fd_sink *f, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(f->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            f->failed = 1;
            return JM_EIO;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fd_flush(void *state)
{
    fd_sink *f = state;
    if (f->failed)
        return JM_EIO;
    int rc = write_all(f, f->buf, f->len);
    f->len = 0;
    return rc;
}

static int fd_write(void *state, const jm_sink_msg *msg)
{
    fd_sink *f = state;
    if (f->failed)
        return JM_EIO;
    if (!msg->len)
        return 0; /* nothing, and data may be NULL */
    if (msg->len >= FD_DIRECT || msg->len > FD_BUF - f->len) {
        int rc = fd_flush(f);
        if (rc)
            return rc;
        if (msg->len >= FD_DIRECT)
            return write_all(f, msg->data, msg->len);
    }
    memcpy(f->buf + f->len, msg->data, msg->len);
    f->len += msg->len;
    return 0;
}

static int fd_sync(void *state)
{
    fd_sink *f = state;
    int rc = fd_flush(f);
    if (rc)
        return rc;
    struct stat st;
    if (fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode) && fdatasync(f->fd) && errno != EINVAL) {
        f->failed = 1;
        return JM_EIO;
    }
    return 0;
}

static void fd_destroy(void *state)
{
    fd_sink *f = state;
    if (f->close_fd)
        close(f->fd);
    free(f);
}

jm_sink *jm_sink_fd_new(int fd, int close_fd, jm_error *err)
{
    if (fd < 0)
        return jm__fail(err, JM_EINVAL, "not a file descriptor");
    fd_sink *f = malloc(sizeof *f);
    if (!f)
        return jm__fail(err, JM_ENOMEM, "out of memory");
    f->fd = fd;
    f->close_fd = 0; /* until the sink exists: on failure fd stays the caller's */
    f->failed = 0;
    f->len = 0;
    static const jm_sink_ops ops = {
        .struct_size = sizeof(jm_sink_ops),
        .name = "file",
        .write = fd_write,
        .flush = fd_flush,
        .destroy = fd_destroy,
        .sync = fd_sync,
    };
    jm_sink *s = jm_sink_new(&ops, f, err);
    if (s)
        f->close_fd = close_fd;
    return s;
}
