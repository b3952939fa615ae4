/* Reading ahead: the inputs read, framed and parsed on other threads, handed on in order. */
#ifndef JM_CLI_READ_AHEAD_H
#define JM_CLI_READ_AHEAD_H

#include "common.h"

/* jm_cli_read_inputs() with ops->threads above 1: a thread reads and frames the inputs (and
 * parses CSV), threads - 1 workers parse NDJSON lines in batches, and the caller's thread runs
 * ops's callbacks, in input order with the same arguments as on one thread (stderr says the
 * same, in the same order); ops->before_read runs before each batch is handed on. A reject
 * from on_record goes through jm_cli_reject_record(). Same returns and exits as
 * jm_cli_read_inputs(). Not for raw-line mode (ops->on_line). */
int jm_cli_read_ahead(char **paths, int npaths, const jm_cli_input_ops *ops, unsigned threads);

/* From inside an on_record callback: rejects the record being handed on, as jm_reader_reject()
 * does (current: its reader, when read on one thread), whether the inputs are read on one
 * thread or ahead. Returns what jm_reader_reject() does. */
int jm_cli_reject_record(jm_reader *current, const jm_error *err);

#endif
