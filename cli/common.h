/* Helpers shared by the jm-* tools: errors, option values, the clock, input and output. */
#ifndef JM_CLI_COMMON_H
#define JM_CLI_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jobmatch/jobmatch.h>

/* Exit codes (docs/jm-match.1 and SPEC "Bad input and failure"). */
enum { EXIT_BAD_RECORDS = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

/* The running tool's name, for messages. Set once by main. */
extern const char *jm_cli_tool;

/* "tool: message" on stderr. */
void jm_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tool: message" and "Try 'tool --help'" on stderr, then exit 2. */
_Noreturn void jm_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "tool (libjobmatch) X" and the library version; for --version. */
void jm_cli_version(void);

/* Option values; each exits 2 with a usage error naming option when text is not valid. */
long long jm_cli_integer(const char *option, const char *text, long long min, long long max);
double jm_cli_number(const char *option, const char *text, double min, double max);
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

/* Buffered output to a file descriptor; a write failure exits 3 with a message. */
typedef struct jm_cli_out {
    int fd;
    const char *name;
    jm_buf buf;
} jm_cli_out;
/* Opens path for writing ("-" or NULL: stdout); exits 3 on failure. */
void jm_cli_out_open(jm_cli_out *o, const char *path);
void jm_cli_out_write(jm_cli_out *o, const void *data, size_t len);
/* Writes out what is buffered. */
void jm_cli_out_flush(jm_cli_out *o);
/* Writes it out when more than a large block is waiting. */
void jm_cli_out_maybe_flush(jm_cli_out *o);
void jm_cli_out_close(jm_cli_out *o);

/* The format of path: --format's value when given, else by its ".csv" extension, else NDJSON. */
jm_format jm_cli_format_of(const char *path, const char *format_option);

/* Feeds each input (or stdin when there are none; "-" is stdin) through a reader. before_read runs
 * before every read, so output can be flushed while the tool waits for input. Returns 0, or the
 * first nonzero code of a callback; exits 3 on a read error. */
typedef struct jm_cli_input_ops {
    jm_record_fn on_record;
    jm_reject_fn on_reject;
    void (*before_read)(void *ctx);
    void *ctx;
    const char *format_option; /* --format, or NULL */
    size_t max_record_bytes;
    jm_format *current_format; /* when set, receives the format of the input being read */
} jm_cli_input_ops;
int jm_cli_read_inputs(char **paths, int npaths, const jm_cli_input_ops *ops);

#endif
