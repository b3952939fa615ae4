/* Sources: where records come from one whole message at a time (a file here; Kafka later). */
#ifndef JOBMATCH_SOURCE_H
#define JOBMATCH_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "record.h"

JM_BEGIN_DECLS

/* What jm_source_next() and jm_source_ops.next return besides 0 (a message) and a negative
 * JM_E... code. */
#define JM_SOURCE_AGAIN 1 /* no message arrived within the timeout; call again */
#define JM_SOURCE_END 2   /* the source has ended: no message will ever follow */

/* Room for a message's origin text, NUL included ("kafka:job_posts/2@1234"). */
#define JM_SOURCE_ORIGIN_SIZE 256

/* One message: the bytes of one whole record, with where it came from. Filled by next; the
 * pointers are borrowed until the next call of next on the same source, or its free. */
typedef struct jm_source_msg {
    size_t struct_size; /* set by the caller to sizeof(jm_source_msg) */
    uint64_t seq;       /* its number in this source, from 1: set by the library before next */
    const char *data;   /* one whole record (no newline needed); not NUL-terminated */
    size_t len;
    jm_kind kind;         /* a hint (a topic's or table's kind); JM_KIND_NONE when unknown */
    int64_t timestamp_ms; /* the message's own time; 0 when none */
    const char *key;      /* the message key, or NULL when none; not NUL-terminated */
    size_t key_len;
    /* Where it came from, for error messages and the reader's source name: "test:FILE@LINE",
     * "kafka:TOPIC/PARTITION@OFFSET". NUL-terminated, truncated to fit. */
    char origin[JM_SOURCE_ORIGIN_SIZE];
} jm_source_msg;

/* What a source implements. Fields are only ever appended: set struct_size to
 * sizeof(jm_source_ops) and the library ignores what it does not know of. */
typedef struct jm_source_ops {
    size_t struct_size;
    const char *name; /* for messages, e.g. "test", "kafka" */
    /* Fills msg with the next message and returns 0, or returns JM_SOURCE_AGAIN when none came
     * within timeout_ms (0: do not wait; -1: wait as long as it takes), JM_SOURCE_END, or a
     * negative JM_E... code with err filled. Writes no field past msg->struct_size; keeps
     * msg->seq beside its own position, for commit. Required. */
    int (*next)(void *state, jm_source_msg *msg, int timeout_ms, jm_error *err);
    /* Marks every message up to and including number seq as done (a Kafka offset, a file
     * position). Called only with a seq already returned and above the last one committed, and
     * by the host only once its sink's jm_sink_sync() returned 0. 0 or a negative JM_E... code
     * with err filled. May be NULL: nothing to commit. */
    int (*commit)(void *state, uint64_t seq, jm_error *err);
    /* Releases state; called once by jm_source_free(). May be NULL. */
    void (*destroy)(void *state);
} jm_source_ops;

typedef struct jm_source jm_source;

/* A source over ops (copied) and state (owned from now on: destroy releases it). NULL with err
 * (may be NULL) filled when ops is too small or has no next (JM_EINVAL), or when out of memory
 * (JM_ENOMEM; destroy is then called on state). */
JM_EXTERN jm_source *jm_source_new(const jm_source_ops *ops, void *state, jm_error *err);
/* Destroys the state and frees s. Uncommitted messages stay uncommitted. Accepts NULL. */
JM_EXTERN void jm_source_free(jm_source *s);
/* The next message into msg (msg->struct_size set by the caller): 0, JM_SOURCE_AGAIN,
 * JM_SOURCE_END, or a negative code with err (may be NULL) filled. After JM_SOURCE_END or an
 * error every later call returns the same. */
JM_EXTERN int jm_source_next(jm_source *s, int timeout_ms, jm_source_msg *msg, jm_error *err);
/* Marks messages up to and including seq as done. Call it only after the sink they went to
 * returned 0 from jm_sink_sync(). A seq not above the last committed is done already: 0. A seq
 * never returned: JM_EINVAL. Else the source's result, with err (may be NULL) filled. */
JM_EXTERN int jm_source_commit(jm_source *s, uint64_t seq, jm_error *err);
/* The number of the last message returned, and of the last committed; 0 when none. */
JM_EXTERN uint64_t jm_source_delivered(const jm_source *s);
JM_EXTERN uint64_t jm_source_committed(const jm_source *s);
JM_EXTERN const char *jm_source_name(const jm_source *s);

JM_END_DECLS

#endif
