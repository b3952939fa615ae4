/* Reading a plugin's source (--from, --from-pg): each message fed whole to a reader, and the
 * source committed only once what came of its messages is durable. */
#ifndef JM_CLI_SOURCE_LOOP_H
#define JM_CLI_SOURCE_LOOP_H

#include <signal.h>
#include <stdint.h>

#include <jobmatch/jobmatch.h>

/* A checkpoint comes after this many messages, or this long after the first message since the
 * last one, whichever is first; and before every wait for more, and at the end. */
#define JM_CLI_CHECKPOINT_MESSAGES 10000u
#define JM_CLI_CHECKPOINT_MS 1000

/* What the loop does with messages: the reader's callbacks, as for files, and the tool's hooks.
 * A record without an event time takes its message's timestamp, when it has one, before the
 * tool sees it: on_record gets the record with it, on_line the record written again with it. */
typedef struct jm_cli_source_ops {
    jm_record_fn on_record;
    jm_reject_fn on_reject;           /* rejects name the message's origin */
    jm_reject_part_fn on_reject_part; /* or NULL */
    jm_line_fn on_line;               /* when set, NDJSON messages go to it (raw-line mode) */
    void *ctx;
    const char *format_option; /* --format (ndjson or csv), or NULL: NDJSON */
    size_t max_record_bytes;
    /* A checkpoint: makes durable everything the messages so far produced (jm_sink_sync() of
     * every output), exiting 3 when it cannot. May be NULL. */
    void (*checkpoint)(void *ctx);
    /* Nonzero: after each checkpoint, commit the source up to the last message handled. */
    int commit;
    /* When set: a signal sets it and the loop ends at the next message. */
    const volatile sig_atomic_t *stop;
} jm_cli_source_ops;

typedef struct jm_cli_source_loop jm_cli_source_loop;

/* A loop over source (borrowed; it must outlive the loop), named option in messages (the
 * option that gave it, e.g. "--from-pg"). ops is copied. Exits 3 when out of memory. */
jm_cli_source_loop *jm_cli_source_loop_new(jm_source *source, const char *option,
                                           const jm_cli_source_ops *ops);
/* Takes and feeds messages until the monotonic clock passes until_ns (-1: no limit), the source
 * ends, or the stop flag is set. *got_any (may be NULL) says whether any message came. Returns
 * 1 while the source may bring more, 0 once it ended or a stop was asked for, or the negative
 * code a callback stopped with. A source failure checkpoints what was handled, commits it,
 * says why in one line and exits 3. */
int jm_cli_source_loop_run(jm_cli_source_loop *l, int64_t until_ns, int *got_any);
/* Messages handed to the reader so far. */
uint64_t jm_cli_source_loop_messages(const jm_cli_source_loop *l);
/* The last checkpoint and commit (up to the last message handled without a callback stopping
 * the feed), then frees l. Accepts NULL. */
void jm_cli_source_loop_end(jm_cli_source_loop *l);

#endif
