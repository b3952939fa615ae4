/* The synthetic data generator: a realistic, deterministic stream of job posts and candidates. */
#ifndef JOBMATCH_GEN_H
#define JOBMATCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "export.h"
#include "record.h"

JM_BEGIN_DECLS

/* How jm_gen_emit() encodes lines. */
typedef enum jm_gen_format {
    JM_GEN_NDJSON = 1,     /* one JSON object per line, as jm_write_ndjson() */
    JM_GEN_CSV = 2,        /* CSV with a "type" column, both kinds in one table (JM_CSV_MIXED) */
    JM_GEN_CSV_BY_KIND = 3 /* CSV in the reference export's columns, one table per kind
                              (JM_CSV_REFERENCE): job_posts.csv, candidate_profiles.csv */
} jm_gen_format;

/* 2025-01-01T00:00:00Z: where the simulated clock starts unless told. */
#define JM_GEN_DEFAULT_START_MS INT64_C(1735689600000)
/* The default pace, in records a simulated day: 200 job posts and 200 candidates. Jobs stay open
 * 5 to 30 days, so a market at this pace holds about 3,500 open jobs at once, a busy job board;
 * 20,000 job posts span 100 days. */
#define JM_GEN_DEFAULT_PER_DAY 400.0
/* The longest span jm-gen gives a run by default: four years (1,461 days), what the reference
 * export covers. A longer run at the default pace packs its records closer instead. */
#define JM_GEN_DEFAULT_SPAN_MAX_MS INT64_C(126230400000)

/* The generator's options: a versioned struct (docs/ABI.md). Its first version ends at
 * clock_ctx. */
typedef struct jm_gen_options {
    size_t struct_size; /* sizeof(jm_gen_options); jm_gen_options_init() sets it */
    uint64_t seed;      /* same seed, same bytes, on every machine (default 0) */
    int64_t start_ms;   /* the simulated clock's first reading (JM_GEN_DEFAULT_START_MS) */
    /* A replay at a multiple of real time, when both are above 0: the caller makes rate records
     * a real second and the simulated clock runs speed times as fast as the real one, so it
     * steps speed/rate seconds a record. Default 0 and 0: per_day sets the pace. */
    double rate;
    double speed;
    double late_fraction; /* share of records stamped behind the clock, [0, 1) (default 0) */
    double bad_fraction;  /* share of emitted lines that are malformed, [0, 1) (default 0) */
    int64_t late_min_ms;  /* how far behind a late record is: uniform in [min, max] */
    int64_t late_max_ms;  /* (defaults 5 and 60 minutes; jm-match allows 2 minutes) */
    jm_gen_format format; /* what jm_gen_emit() writes (default JM_GEN_NDJSON) */
    /* When set, event times are this clock's readings (milliseconds since 1970) instead of the
     * simulated clock's; output then depends on when it runs. A wall clock makes a live market:
     * no event is ever ahead of it. */
    int64_t (*clock)(void *clock_ctx);
    void *clock_ctx;
    /* Second version. jm_gen_run() makes lines on up to this many threads, 1 or 2 (0, or a
     * struct that ends before it, counts as 1; default 1). The bytes are the same whatever it
     * is. */
    unsigned threads;
    unsigned reserved; /* 0; fills the padding before per_day (docs/ABI.md) */
    /* Appended in the third version (a struct_size that ends before it means
     * JM_GEN_DEFAULT_PER_DAY): the pace in records a simulated day, whatever their kind. Record
     * k (from 0) falls at a uniformly random point of [start + k * step, start + (k + 1) * step),
     * step = 1 day / per_day in whole microseconds, so n records span n steps and no more.
     * From 0.001 (one in 1,000 days) to 86400000 (one a millisecond). Unused when rate and speed
     * are set. */
    double per_day;
} jm_gen_options;

/* Fills o with the defaults. */
JM_EXTERN void jm_gen_options_init(jm_gen_options *o);

typedef struct jm_gen jm_gen;

/* A generator. opts NULL means the defaults. NULL when an option is out of range (JM_EINVAL,
 * err->text names the option: a pace of more than a record a millisecond or of less than one a
 * thousand days, a start outside years 0000-9999...) or memory runs out (JM_ENOMEM); err may be
 * NULL. Free with jm_gen_free(). */
JM_EXTERN jm_gen *jm_gen_new(const jm_gen_options *opts, jm_error *err);
/* Frees g. Accepts NULL. */
JM_EXTERN void jm_gen_free(jm_gen *g);

/* Generates the next record of kind (JM_KIND_JOB_POST or JM_KIND_CANDIDATE) into out, which is
 * reset first: every field of its kind (docs/FORMAT.md), "type" set, a UUID id. Late records
 * (late_fraction) come out with their timestamp set back; bad lines are never made here. 0,
 * JM_EINVAL or JM_ENOMEM. */
JM_EXTERN int jm_gen_next(jm_gen *g, jm_kind kind, jm_record *out);

/* Kinds of deliberately bad lines (bad_fraction). */
typedef enum jm_gen_bad {
    JM_GEN_GOOD = 0,
    JM_GEN_BAD_SYNTAX = 1,       /* malformed JSON, or a stray quote in a CSV cell */
    JM_GEN_BAD_TYPE = 2,         /* a field of the wrong type: a numeric id, a text salary... */
    JM_GEN_BAD_MISSING_ID = 3,   /* no id */
    JM_GEN_BAD_UTF8 = 4,         /* invalid UTF-8 inside a string */
    JM_GEN_BAD_TRUNCATED = 5,    /* the line cut short */
    JM_GEN_BAD_UNKNOWN_TYPE = 6, /* a "type" no reader knows (not in JM_GEN_CSV_BY_KIND) */
    JM_GEN_BAD_COUNT = 7
} jm_gen_bad;

/* "malformed", "wrong_type", "missing_id", "invalid_utf8", "truncated", "unknown_type" or
 * "good". Never NULL. */
JM_EXTERN const char *jm_gen_bad_name(int bad);

/* Bytes of jm_gen_info.id: an id and its NUL (the generator's ids are UUIDs, JM_UUID_BUF). */
#define JM_GEN_ID_BUF 40

/* What one jm_gen_emit() call produced, for an answer key: a versioned struct (docs/ABI.md)
 * that the library fills as far as struct_size covers. Its first version ends at id. */
typedef struct jm_gen_info {
    size_t struct_size;     /* set by the caller to sizeof(jm_gen_info) */
    jm_kind kind;           /* the kind of the line (a bad line: the kind it was made from) */
    int bad;                /* a jm_gen_bad: JM_GEN_GOOD for a good record */
    int64_t late_ms;        /* > 0: the record's event time was set this far behind the clock */
    int64_t event_ms;       /* the record's event time */
    char id[JM_GEN_ID_BUF]; /* its id, "" when a bad line has none */
} jm_gen_info;

/* Appends one line for a record of kind to out in the configured format, newline included. With
 * bad_fraction, the line may be a bad one (info->bad says so): a bad line does not use up the
 * record, so the good records of a run are the same whatever bad_fraction is. info may be NULL.
 * 0, JM_EINVAL or JM_ENOMEM. */
JM_EXTERN int jm_gen_emit(jm_gen *g, jm_kind kind, jm_buf *out, jm_gen_info *info);

/* Fills out with the record of the last good line jm_gen_emit() wrote (for sinks that want
 * records). JM_EINVAL when there is none yet. */
JM_EXTERN int jm_gen_last_record(const jm_gen *g, jm_record *out);

/* Appends the CSV header line for the configured CSV format to out: the mixed table's, or for
 * JM_GEN_CSV_BY_KIND the table of kind. JM_EINVAL for an NDJSON generator. */
JM_EXTERN int jm_gen_csv_header(const jm_gen *g, jm_kind kind, jm_buf *out);

/* jm_gen_run()'s count for no end. */
#define JM_GEN_ENDLESS UINT64_MAX

/* Lines jm_gen_run() made together, in order; borrowed for the length of the callback. */
typedef struct jm_gen_block jm_gen_block;

/* Called by jm_gen_run() with each block of lines in turn, on the caller's thread. Returns 0 to go
 * on; any other value stops the run, and jm_gen_run() returns it. */
typedef int (*jm_gen_block_fn)(void *ctx, const jm_gen_block *block);

/* Generates candidates candidates and jobs job posts, a candidate then a job while both last (bad
 * lines come on top and do not take a turn), exactly the lines that jm_gen_emit() calls in that
 * order would give, and hands them to on_block in order. JM_GEN_ENDLESS for a count runs until
 * on_block stops it. With threads 2 in the options, a helper thread makes every other block
 * while this one makes, and hands on, the rest; it is joined before the call returns. After a
 * stop the generator has used up lines it never handed on. Returns 0, on_block's nonzero value,
 * JM_EINVAL or JM_ENOMEM. */
JM_EXTERN int jm_gen_run(jm_gen *g, uint64_t candidates, uint64_t jobs, jm_gen_block_fn on_block,
                         void *ctx);
/* The number of lines in b. */
JM_EXTERN size_t jm_gen_block_lines(const jm_gen_block *b);
/* Line i of b (newline included) and its length in *len; fills info (may be NULL) as
 * jm_gen_emit() does. NULL when i is out of range or info->struct_size is too small. */
JM_EXTERN const char *jm_gen_block_line(const jm_gen_block *b, size_t i, size_t *len,
                                        jm_gen_info *info);
/* Every line of b at once, in order (for a sink that takes bytes); length in *len. */
JM_EXTERN const char *jm_gen_block_data(const jm_gen_block *b, size_t *len);

/* The simulated clock's reading: the event time of the last record generated, late ones aside
 * (start_ms before the first). The clock stops at 9999-12-31T23:59:59.999Z, the end of what
 * ISO-8601's four-digit years can say. */
JM_EXTERN int64_t jm_gen_clock(const jm_gen *g);

JM_END_DECLS

#endif
