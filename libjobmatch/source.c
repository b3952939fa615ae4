/* Sources: the versioned operations table behind jm_source, its numbering and commit checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/source.h>

#include "error_internal.h"
#include "versioned.h"

struct jm_source {
    jm_source_ops ops;
    void *state;
    uint64_t delivered; /* the seq of the last message returned */
    uint64_t committed; /* the last seq committed */
    int done;           /* JM_SOURCE_END or an error code, returned again from now on */
    jm_error last;      /* the error behind done, when it is one */
};

JM__VERSIONED(jm_source_ops, destroy);
/* The size of the first version of jm_source_ops: every field up to destroy. */
#define OPS_V1 JM__SIZE_TO(jm_source_ops, destroy)

jm_source *jm_source_new(const jm_source_ops *ops, void *state, jm_error *err)
{
    if (!ops || ops->struct_size < OPS_V1 || !ops->next)
        return jm__fail(err, JM_EINVAL, "source operations without a next, or too small");
    jm_source *s = calloc(1, sizeof *s);
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

void jm_source_free(jm_source *s)
{
    if (!s)
        return;
    if (s->ops.destroy)
        s->ops.destroy(s->state);
    free(s);
}

static void fill_error(jm_error *err, int code, const char *name, const char *text)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->code = code;
    snprintf(err->source, sizeof err->source, "%s", name);
    snprintf(err->text, sizeof err->text, "%s", text);
}

/* A module's error report completed: its code, and the source's name and the code's text where
 * the module left them empty. */
static void complete_error(const jm_source *s, jm_error *e, int code)
{
    e->code = code;
    if (!e->source[0])
        snprintf(e->source, sizeof e->source, "%s", jm_source_name(s));
    if (!e->text[0])
        snprintf(e->text, sizeof e->text, "%s", jm_strerror(code));
}

int jm_source_next(jm_source *s, int timeout_ms, jm_source_msg *msg, jm_error *err)
{
    if (s->done) {
        if (err && s->done < 0)
            *err = s->last;
        return s->done;
    }
    if (!msg || msg->struct_size < offsetof(jm_source_msg, origin)) {
        fill_error(err, JM_EINVAL, jm_source_name(s), "message struct_size too small");
        return JM_EINVAL;
    }
    /* The module fills the whole struct we know; the caller gets the part it knows. */
    jm_source_msg m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    m.seq = s->delivered + 1;
    jm_error e = {0};
    int rc = s->ops.next(s->state, &m, timeout_ms, &e);
    if (rc == JM_SOURCE_AGAIN)
        return rc;
    if (rc == JM_SOURCE_END || rc < 0 || rc > JM_SOURCE_END) {
        if (rc > JM_SOURCE_END) {
            fill_error(&e, JM_EPLUGIN, jm_source_name(s), "next returned an unknown status");
            rc = JM_EPLUGIN;
        } else if (rc < 0) {
            complete_error(s, &e, rc);
        }
        s->done = rc;
        s->last = e;
        if (err && rc < 0)
            *err = e;
        return rc;
    }
    m.origin[sizeof m.origin - 1] = '\0';
    m.seq = ++s->delivered;
    size_t n = msg->struct_size < sizeof m ? msg->struct_size : sizeof m;
    memcpy((char *)msg + sizeof m.struct_size, (char *)&m + sizeof m.struct_size,
           n - sizeof m.struct_size);
    return 0;
}

int jm_source_commit(jm_source *s, uint64_t seq, jm_error *err)
{
    if (seq == 0 || seq > s->delivered) {
        fill_error(err, JM_EINVAL, jm_source_name(s), "commit of a message not yet returned");
        return JM_EINVAL;
    }
    if (seq <= s->committed)
        return 0;
    if (s->ops.commit) {
        jm_error e = {0};
        int rc = s->ops.commit(s->state, seq, &e);
        if (rc) {
            complete_error(s, &e, rc);
            if (err)
                *err = e;
            return rc;
        }
    }
    s->committed = seq;
    return 0;
}

uint64_t jm_source_delivered(const jm_source *s)
{
    return s->delivered;
}

uint64_t jm_source_committed(const jm_source *s)
{
    return s->committed;
}

const char *jm_source_name(const jm_source *s)
{
    return s->ops.name ? s->ops.name : "source";
}
