/* Reading a plugin's source (--from, --from-pg): each message fed whole to a reader, and the
 * source committed only once what came of its messages is durable. */
#ifndef JM_CLI_SOURCE_LOOP_H
#define JM_CLI_SOURCE_LOOP_H

#include <stdint.h>

#include <jobmatch/jobmatch.h>

#include "common.h"

/* A checkpoint comes after this many messages, or this long after the first message since the
 * last one, whichever is first; and before every wait for more, and at the end. */
#define JM_CLI_CHECKPOINT_MESSAGES 10000u
#define JM_CLI_CHECKPOINT_MS 1000

/* A checkpoint: makes durable everything the messages so far produced (jm_sink_sync() of every
 * output), exiting 3 when it cannot. */
typedef void (*jm_cli_checkpoint_fn)(void *ctx);

typedef struct jm_cli_source_loop jm_cli_source_loop;

/* A loop over source (borrowed; it must outlive the loop), named option in messages (the
 * option that gave it, e.g. "--from-pg"), that feeds each message to a reader made as for a file
 * from ops (copied; before_read is not used, stop ends the loop at the next message). A record
 * without an event time takes its message's timestamp, when it has one, before the tool sees
 * it: on_record gets the record with it, on_line the record written again with it. Rejects name
 * the message's origin. checkpoint (ops->ctx; may be NULL) runs at every checkpoint; with commit
 * nonzero the source is then committed up to the last message handled. Exits 3 when out of
 * memory. */
jm_cli_source_loop *jm_cli_source_loop_new(jm_source *source, const char *option,
                                           const jm_cli_input_ops *ops,
                                           jm_cli_checkpoint_fn checkpoint, int commit);
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
