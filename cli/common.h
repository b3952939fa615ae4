/* Helpers shared by the jm-* tools: errors, option values, the clock, input and output. */
#ifndef JM_CLI_COMMON_H
#define JM_CLI_COMMON_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include <jobmatch/jobmatch.h>

#include "outfile.h"

/* Exit codes (docs/jm-match.1 and SPEC "Bad input and failure"). */
enum { EXIT_BAD_RECORDS = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

/* The running tool's name, for messages. Set once by main, through jm_cli_start(). */
extern const char *jm_cli_tool;
/* The start of every tool's main: names it for every message, getopt's too. */
void jm_cli_start(const char *tool, char **argv);

/* "tool: message" on stderr. */
void jm_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tool: message" and "Try 'tool --help'" on stderr, then exit 2. */
_Noreturn void jm_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "tool (libjobmatch) X", the library's version and a "plugin: NAME VERSION (PATH)" line
 * for each module found (docs/PLUGINS.md); for --version. */
void jm_cli_version(void);

/* Option values, decimal only (no hex, no leading space or '+', nothing after the value); each
 * exits 2 with a usage error naming option when text is not valid. */
long long jm_cli_integer(const char *option, const char *text, long long min, long long max);
double jm_cli_number(const char *option, const char *text, double min, double max);
/* A share in [0, 1). */
double jm_cli_fraction(const char *option, const char *text);
/* "90", "90s", "500ms", "2m", "1h", "7d": milliseconds. */
int64_t jm_cli_duration(const char *option, const char *text);

/* getenv, where a variable set but empty counts as unset. */
const char *jm_cli_env(const char *name);
/* Wall-clock milliseconds, or SOURCE_DATE_EPOCH (seconds) when that is set: reproducible runs. */
int64_t jm_cli_now_ms(void);

/* A progress line on stderr, only when stderr is a terminal and stdout is not a pipe (the tool
 * it feeds may draw on that terminal), redrawn at most five times a second: tick() says when to
 * redraw, end() finishes the line. */
typedef struct jm_cli_progress {
    int on, shown;
    int64_t started_ns, next_ns;
} jm_cli_progress;
/* CLOCK_MONOTONIC in nanoseconds. */
int64_t jm_cli_mono_ns(void);
void jm_cli_progress_init(jm_cli_progress *p);
int jm_cli_progress_tick(jm_cli_progress *p);
double jm_cli_progress_seconds(const jm_cli_progress *p);
void jm_cli_progress_end(jm_cli_progress *p);

/* ---- output: every record a tool writes goes through a jm_sink ---- */

typedef struct jm_cli_sink {
    jm_sink *sink;
    const char *name; /* "<stdout>" or the path, for messages */
    jm_buf line;      /* where put_line() makes a line of a text without its newline */
    jm_cli_file file; /* how the path is written (outfile.h) */
    int is_main;      /* the tool's main output: a reader gone from it is a normal end */
} jm_cli_sink;
/* Opens the tool's main output: path, written whole (JM_CLI_WRITE_WHOLE), or stdout for "-" or
 * NULL. When its reader goes away (EPIPE: `| head`), the tool closes its other outputs and
 * exits 0 without a word. Exits 3 on failure. */
void jm_cli_sink_open(jm_cli_sink *o, const char *path);
/* Opens path as how says; main as for jm_cli_sink_open(), else a side output (--errors,
 * --html, --truth), where a reader gone is a failure like any other (exit 3). */
void jm_cli_sink_open_as(jm_cli_sink *o, const char *path, jm_cli_write how, int main);
/* Writes msg; a failure exits 3 with a message naming the output. */
void jm_cli_sink_write(jm_cli_sink *o, const jm_sink_msg *msg);
/* Writes len bytes of data as one message of kind with flags (JM_SINK_MSG_*). */
void jm_cli_sink_put(jm_cli_sink *o, jm_kind kind, const void *data, size_t len, unsigned flags);
/* Writes data, len bytes ending with a newline, as one message: the record rec (its kind, id
 * and time go with it), or bytes of no kind when rec is NULL. */
void jm_cli_sink_put_record(jm_cli_sink *o, const jm_record *rec, const char *data, size_t len);
/* Like jm_cli_sink_put_record() for text without its newline (len bytes; NULL when 0): the
 * newline is added. */
void jm_cli_sink_put_line(jm_cli_sink *o, const jm_record *rec, const char *text, size_t len);
/* Hands on what is buffered (jm_sink_flush). */
void jm_cli_sink_flush(jm_cli_sink *o);
/* Delivers everything written so far (jm_sink_sync: out and, for a file, on disk); exits 3 on
 * failure. */
void jm_cli_sink_sync(jm_cli_sink *o);
/* Delivers everything written (jm_sink_sync: out and, for a file, on disk), makes it the file
 * (jm_cli_file_commit), then frees the sink. Exits 3 on failure. Accepts a sink never opened,
 * and one whose sink was handed on (set to NULL: then it only commits). */
void jm_cli_sink_close(jm_cli_sink *o);
/* What a tool does when a write to o failed with rc (errno err_no): exits 0 quietly when the
 * reader of the main output is gone, else exits 3 with a message naming the output. */
_Noreturn void jm_cli_sink_failed(jm_cli_sink *o, int rc, int err_no);

/* ---- rejected records ---- */

/* What a tool does with rejected records (SPEC "Bad input and failure"): report each on stderr,
 * write it unchanged to the --errors file (dead letters) when there is one, count it, and under
 * --strict stop at the first. */
/* What the input loop tells the rejects about the input being read. Input of the wrong kind
 * (compressed, binary, CSV read as NDJSON, a CSV header that names no usable column) would
 * fill stderr with one line per line: while such an input has given no good record, its first
 * reject is shown with a hint and the rest are counted, then summed up at its end ("N more
 * rejected"). Each still goes to --errors and is counted. */
typedef struct jm_cli_input_note {
    const char *name;
    const jm_reader *reader;
    jm_format format;
    const char *hint; /* what its first bytes look like, or NULL */
    int sniffed, hushed;
    uint64_t hidden;  /* rejects not shown */
    uint64_t records; /* good records so far, counted here when reader is NULL (read ahead) */
} jm_cli_input_note;

typedef struct jm_cli_rejects {
    jm_cli_sink errors;
    int have_errors, strict, failed_strict;
    uint64_t count;
    jm_cli_input_note *input; /* the input being read, or NULL: set by the input loop */
} jm_cli_rejects;
/* errors_path: --errors, or NULL. Exits 3 when it cannot be opened. */
void jm_cli_rejects_open(jm_cli_rejects *r, const char *errors_path, int strict);
/* For a jm_reject_fn: "tool: source:line: reason" on stderr (without the line when it is 0: a
 * whole record's origin), then the dead letter: raw and a newline (raw NULL ends a record whose
 * text came in pieces before). Returns JM_ECALLBACK under --strict, else 0. */
int jm_cli_reject(jm_cli_rejects *r, const jm_error *err, const char *raw, size_t len);
/* For a jm_reject_part_fn: a piece of an over-long record's dead letter. Returns 0. */
int jm_cli_reject_part(jm_cli_rejects *r, const char *part, size_t len);
/* Hands the output on (jm_cli_sink_flush), before a wait. */
void jm_cli_rejects_flush(jm_cli_rejects *r);
/* Delivers the dead letters so far (jm_cli_sink_sync), before input positions are committed. */
void jm_cli_rejects_sync(jm_cli_rejects *r);
/* Delivers the dead letters and closes their file. */
void jm_cli_rejects_close(jm_cli_rejects *r);

/* ---- input: every tool reads through a jm_reader ---- */

/* What the first n bytes b of an input of format look like when they are not what the format
 * reads (compressed, binary, CSV), as a hint for its first reject; NULL when nothing is amiss. */
const char *jm_cli_sniff(const char *b, size_t n, jm_format format);
/* The end of an input: the rejects its note hid are summed up on stderr. */
void jm_cli_note_end(jm_cli_input_note *n);

/* The format of path: --format's value when given, else by its ".csv" extension, else NDJSON. */
jm_format jm_cli_format_of(const char *path, const char *format_option);

/* How inputs are read: the reader's callbacks, and the tool's hooks. */
typedef struct jm_cli_input_ops {
    jm_record_fn on_record;
    jm_reject_fn on_reject;
    jm_reject_part_fn on_reject_part; /* the text of over-long records, or NULL */
    jm_line_fn on_line;               /* when set, NDJSON inputs are read in raw-line mode */
    void (*before_read)(void *ctx);   /* before every read: output can go out while we wait */
    void *ctx;
    const char *format_option; /* --format, or NULL */
    size_t max_record_bytes;
    jm_format *current_format;  /* when set, receives the format of the input being read */
    jm_reader **current_reader; /* when set, receives its reader (for jm_reader_reject()) */
    jm_cli_rejects *rejects;    /* when set, told which input is read (jm_cli_input_note) */
    /* When set: a signal that interrupts a read and sets it ends the wait (following only). */
    const volatile sig_atomic_t *stop;
    /* Above 1: jm_cli_read_inputs() reads ahead on this many threads (read_ahead.h). */
    unsigned threads;
} jm_cli_input_ops;

/* Feeds each input (or stdin when there are none; "-" is stdin) to its end, one after the
 * other. Returns 0, or the first nonzero code of a callback; exits 3 when an input cannot be
 * opened or read. */
int jm_cli_read_inputs(char **paths, int npaths, const jm_cli_input_ops *ops);

/* Following inputs: all open at once, each read as data arrives. */
typedef struct jm_cli_inputs jm_cli_inputs;
/* Opens every input (as jm_cli_read_inputs); exits 3 when one cannot be opened. */
jm_cli_inputs *jm_cli_inputs_open(char **paths, int npaths, const jm_cli_input_ops *ops);
/* Reads what the inputs have now, in bounded bursts, until none has more or the monotonic clock
 * passes until_ns; with whole_files, a regular file is read to its present end whatever the
 * clock says. A regular file is followed by its name as it grows, like tail -F: once truncated
 * or replaced (mv), it is read again from its start, and stderr says so. The end of a pipe or
 * terminal ends its input. *got_any says whether any bytes came. Returns how many inputs are
 * still open, or the negative code a callback stopped with. */
int jm_cli_inputs_follow(jm_cli_inputs *in, int64_t until_ns, int whole_files, int *got_any);
void jm_cli_inputs_close(jm_cli_inputs *in);

#endif
