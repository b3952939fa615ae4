/* Reading a plugin's source: messages fed whole to a reader, checkpoints, commits. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "source_loop.h"

/* The longest wait for a message in one call: a stop signal is seen within it. */
#define WAIT_MS 250

struct jm_cli_source_loop {
    jm_source *source;
    const char *option;
    jm_cli_input_ops ops;
    jm_cli_checkpoint_fn checkpoint;
    int commit;
    jm_reader *reader;
    jm_source_msg msg; /* the message being fed */
    jm_record *scratch;
    jm_buf line;
    uint64_t messages;
    uint64_t handled; /* the seq of the last message fed without a callback stopping it */
    uint64_t since;   /* messages since the last checkpoint */
    int64_t since_ns; /* when the first of them came */
    int ended;
};

static void checkpoint_now(jm_cli_source_loop *l)
{
    if (l->checkpoint)
        l->checkpoint(l->ops.ctx);
    l->since = 0;
    if (!l->commit || l->handled <= jm_source_committed(l->source))
        return;
    jm_error err = {0};
    if (jm_source_commit(l->source, l->handled, &err)) {
        jm_cli_error("%s: %s: commit failed: %s", l->option, jm_source_name(l->source),
                     err.text[0] ? err.text : jm_strerror(err.code));
        exit(EXIT_IO);
    }
}

static _Noreturn void source_failed(jm_cli_source_loop *l, const jm_error *err, int rc)
{
    checkpoint_now(l); /* what was handled is kept */
    jm_cli_error("%s: %s: %s", l->option, jm_source_name(l->source),
                 err->text[0] ? err->text : jm_strerror(rc));
    exit(EXIT_IO);
}

/* The message's timestamp for a record without an event time. 0, or JM_ENOMEM. */
static int stamp(const jm_cli_source_loop *l, jm_record *rec)
{
    if (!l->msg.timestamp_ms || jm_record_has(rec, JM_FIELD_TIMESTAMP) ||
        !jm_field_in_kind(JM_FIELD_TIMESTAMP, jm_record_kind(rec)))
        return 0;
    return jm_record_set_integer(rec, JM_FIELD_TIMESTAMP, l->msg.timestamp_ms);
}

static int loop_record(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                       unsigned long line)
{
    jm_cli_source_loop *l = ctx;
    int rc = stamp(l, *rec);
    if (rc)
        return rc;
    return l->ops.on_record ? l->ops.on_record(l->ops.ctx, rec, raw, raw_len, line) : 0;
}

/* Raw-line mode: the line as it came, unless it is a record without an event time and the
 * message has one: then the record written again with it. A line that does not parse goes on
 * as it is, for the tool to reject as it would from a file. */
static int loop_line(void *ctx, jm_reader *r, const char *text, size_t len, unsigned long line)
{
    jm_cli_source_loop *l = ctx;
    if (l->msg.timestamp_ms) {
        jm_error err = {0};
        int rc = jm_parse_ndjson(text, len, l->scratch, &err);
        if (rc == JM_ENOMEM)
            return rc;
        if (rc == 0 && !jm_record_has(l->scratch, JM_FIELD_TIMESTAMP) &&
            jm_field_in_kind(JM_FIELD_TIMESTAMP, jm_record_kind(l->scratch))) {
            l->line.len = 0;
            if (stamp(l, l->scratch) || jm_write_ndjson(l->scratch, &l->line))
                return JM_ENOMEM;
            return l->ops.on_line(l->ops.ctx, r, l->line.data, l->line.len - 1, line);
        }
    }
    return l->ops.on_line(l->ops.ctx, r, text, len, line);
}

static int loop_reject(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    jm_cli_source_loop *l = ctx;
    return l->ops.on_reject ? l->ops.on_reject(l->ops.ctx, err, raw, raw_len) : 0;
}

static int loop_reject_part(void *ctx, const char *part, size_t len)
{
    jm_cli_source_loop *l = ctx;
    return l->ops.on_reject_part(l->ops.ctx, part, len);
}

jm_cli_source_loop *jm_cli_source_loop_new(jm_source *source, const char *option,
                                           const jm_cli_input_ops *ops,
                                           jm_cli_checkpoint_fn checkpoint, int commit)
{
    jm_cli_source_loop *l = calloc(1, sizeof *l);
    jm_error err = {0};
    jm_format format = jm_cli_format_of(NULL, ops->format_option);
    if (l) {
        l->source = source;
        l->option = option;
        l->ops = *ops;
        l->checkpoint = checkpoint;
        l->commit = commit;
        l->reader = jm_reader_new(format, jm_source_name(source), ops->max_record_bytes,
                                  loop_record, loop_reject, l, &err);
        l->scratch = jm_record_new(JM_KIND_NONE, NULL);
    }
    if (!l || !l->reader || !l->scratch) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    if (ops->on_reject_part)
        jm_reader_set_reject_part(l->reader, loop_reject_part);
    if (ops->on_line && format == JM_FORMAT_NDJSON)
        jm_reader_set_line_fn(l->reader, loop_line);
    if (ops->current_format)
        *ops->current_format = format;
    return l;
}

int jm_cli_source_loop_run(jm_cli_source_loop *l, int64_t until_ns, int *got_any)
{
    if (got_any)
        *got_any = 0;
    while (!l->ended) {
        if (l->ops.stop && *l->ops.stop)
            return 0;
        int64_t now = jm_cli_mono_ns();
        if (until_ns >= 0 && now >= until_ns)
            return 1;
        /* With messages not yet checkpointed, do not wait: when none is there, checkpoint. */
        int timeout = 0;
        if (!l->since) {
            timeout = WAIT_MS;
            if (until_ns >= 0 && (until_ns - now) / 1000000 + 1 < timeout)
                timeout = (int)((until_ns - now) / 1000000 + 1);
        }
        jm_error err = {0};
        l->msg.struct_size = sizeof l->msg;
        int rc = jm_source_next(l->source, timeout, &l->msg, &err);
        if (rc == JM_SOURCE_AGAIN) {
            if (l->since)
                checkpoint_now(l);
            continue;
        }
        if (rc == JM_SOURCE_END) {
            l->ended = 1;
            break;
        }
        if (rc < 0)
            source_failed(l, &err, rc);
        if (got_any)
            *got_any = 1;
        l->messages++;
        rc = jm_reader_feed_record(l->reader, l->msg.data, l->msg.len, l->msg.origin);
        if (rc)
            return rc;
        l->handled = l->msg.seq;
        if (l->since++ == 0)
            l->since_ns = now;
        if (l->since >= JM_CLI_CHECKPOINT_MESSAGES ||
            now - l->since_ns >= (int64_t)JM_CLI_CHECKPOINT_MS * 1000000)
            checkpoint_now(l);
    }
    return 0;
}

uint64_t jm_cli_source_loop_messages(const jm_cli_source_loop *l)
{
    return l->messages;
}

void jm_cli_source_loop_end(jm_cli_source_loop *l)
{
    if (!l)
        return;
    checkpoint_now(l);
    jm_reader_free(l->reader);
    jm_record_free(l->scratch);
    jm_buf_free(&l->line);
    free(l);
}
