/* Sinks: where produced records go (a file or stdout here; Kafka and PostgreSQL plugins later). */
#ifndef JOBMATCH_SINK_H
#define JOBMATCH_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "record.h"

JM_BEGIN_DECLS

/* Flags of a jm_sink_msg. */
#define JM_SINK_MSG_HEADER \
    0x1u /* a CSV header line, not a record: a file writes it, a queue skips it */
#define JM_SINK_MSG_BAD 0x2u  /* deliberately malformed bytes (jm-gen --bad-fraction) */
#define JM_SINK_MSG_LATE 0x4u /* a record whose event time lies behind the stream's clock */
/* data holds several whole records, one a line (id, timestamp_ms and record unset; kind is
 * theirs, or JM_KIND_NONE when mixed): a sink that sends one message per record splits it at the
 * newlines. A file appends it as it is. */
#define JM_SINK_MSG_LINES 0x8u
/* One piece of a record too long to hold whole (a rejected over-long line on its way to a
 * dead-letter output): its pieces come in order, each with this flag, and the message that ends
 * it (its newline, at least) without. */
#define JM_SINK_MSG_PART 0x10u

/* One encoded record on its way out. Everything is borrowed for the length of the call. A
 * versioned struct (docs/ABI.md): set struct_size to sizeof(jm_sink_msg); a sink always gets
 * the library's whole struct, fields the producer did not know zeroed. Its first version ends
 * at record. */
typedef struct jm_sink_msg {
    size_t struct_size;
    jm_kind kind;     /* what it is (a bad line keeps the kind it was made from) */
    unsigned flags;   /* JM_SINK_MSG_* */
    const char *id;   /* its id, NUL-terminated, for a message key; NULL when none */
    const char *data; /* the encoded bytes, ending with the newline */
    size_t len;
    int64_t timestamp_ms;    /* its event time, for a message timestamp; 0 when none */
    const jm_record *record; /* the record, when the sink asked for records (JM_SINK_WANTS_RECORDS)
                                and the line is one; else NULL */
} jm_sink_msg;

/* Sink flags. */
#define JM_SINK_WANTS_RECORDS 0x1u /* fill jm_sink_msg.record (costs a decoded copy per record) */

/* What a sink implements: a versioned struct (docs/ABI.md). Set struct_size to
 * sizeof(jm_sink_ops); the library reads only what it covers and ignores what it does not know
 * of. Its first version ends at destroy. Callbacks return 0 or a negative JM_E... code (JM_EIO
 * for an output failure). */
typedef struct jm_sink_ops {
    size_t struct_size;
    const char *name; /* for messages, e.g. "file", "kafka" */
    unsigned flags;   /* JM_SINK_WANTS_RECORDS */
    /* Takes one message. Required. */
    int (*write)(void *state, const jm_sink_msg *msg);
    /* Pushes out whatever is buffered; called before the producer waits and at the end. May be
     * NULL. */
    int (*flush)(void *state);
    /* Releases state; called once by jm_sink_free(). May be NULL. */
    void (*destroy)(void *state);
    /* Second version. Returns once everything written so far is durable:
     * written out and flushed for a file, acknowledged by the broker for a queue, committed for a
     * database. Input offsets are treated as done only after it returns 0. May be NULL: then
     * flush stands in for it. */
    int (*sync)(void *state);
} jm_sink_ops;

typedef struct jm_sink jm_sink;

/* A sink over ops (copied) and state (owned from now on: destroy releases it). NULL with err
 * filled (when not NULL): JM_EINVAL when ops is NULL, too small or has no write (state is left
 * alone); JM_ENOMEM when out of memory (destroy is then called on state). */
JM_EXTERN jm_sink *jm_sink_new(const jm_sink_ops *ops, void *state, jm_error *err);
/* Flushes, destroys the state and frees s. Accepts NULL. Returns the flush's result. */
JM_EXTERN int jm_sink_free(jm_sink *s);
JM_EXTERN int jm_sink_write(jm_sink *s, const jm_sink_msg *msg);
JM_EXTERN int jm_sink_flush(jm_sink *s);
/* Delivery: returns 0 once everything written to s so far is durable (jm_sink_ops.sync, else
 * flush), or the sink's negative code. */
JM_EXTERN int jm_sink_sync(jm_sink *s);
JM_EXTERN unsigned jm_sink_flags(const jm_sink *s);
JM_EXTERN const char *jm_sink_name(const jm_sink *s);

/* A sink that appends every message's bytes to file descriptor fd through a large buffer (large
 * messages go straight out); it closes fd at the end when close_fd is nonzero. Its flush writes
 * the buffer out; its delivery call (jm_sink_sync) does too and, when fd is a regular file,
 * fdatasync()s it. Write errors come back as JM_EIO with errno kept. NULL with err filled (when
 * not NULL) when fd is negative (JM_EINVAL) or out of memory (JM_ENOMEM); fd is then left
 * open. */
JM_EXTERN jm_sink *jm_sink_fd_new(int fd, int close_fd, jm_error *err);

JM_END_DECLS

#endif
