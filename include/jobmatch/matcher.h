/* The streaming join (docs/MATCHING.md): records in, applications out. */
#ifndef JOBMATCH_MATCHER_H
#define JOBMATCH_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "record.h"
#include "score.h"

JM_BEGIN_DECLS

/* The matcher's options: a versioned struct (docs/ABI.md); its first version ends at threads,
 * the second at max_state. */
typedef struct jm_matcher_options {
    size_t struct_size; /* sizeof(jm_matcher_options): set by jm_matcher_options_init() */
    jm_weights weights;
    int min_score;        /* default 30 */
    uint64_t seed;        /* status draws; default 0 */
    unsigned top_k;       /* 0: every application; K: only a candidate's K best jobs so far */
    int64_t state_ttl_ms; /* default 7 days; 0 keeps everything */
    int64_t lateness_ms;  /* allowed lateness; default 2 minutes */
    int expire_jobs;      /* nonzero: a job leaves state when its deadline passes */
    unsigned threads;     /* jm_matcher_new_ndjson() only: scan on this many threads (0, 1: one;
                           * above 256: 256) */
    /* Version 2. */
    int64_t max_future_ms; /* nonzero: a timestamp more than this ahead of both the caller's
                            * clock (jm_matcher_add_take()'s read_time_ms) and the newest event
                            * time so far is refused (JM_EVALUE), so that one broken clock cannot
                            * move the watermark and empty the state; default 0: no bound */
    uint64_t max_state;    /* nonzero: at most this many records held; the oldest arrival leaves
                            * first, counted as evicted; default 0: no bound */
} jm_matcher_options;

/* Fills o with the defaults. */
JM_EXTERN void jm_matcher_options_init(jm_matcher_options *o);

/* Called for every application, in input order. app is valid during the call only. Return 0 to
 * go on or a negative code, which jm_matcher_add_take() then returns (the record it was given is
 * still the matcher's). */
typedef int (*jm_application_fn)(void *ctx, const jm_record *app);

typedef struct jm_matcher jm_matcher;

/* A new matcher with options o (NULL: the defaults). NULL with err filled (when not NULL) when o
 * is invalid (JM_EINVAL) or out of memory (JM_ENOMEM). */
JM_EXTERN jm_matcher *jm_matcher_new(const jm_matcher_options *o, jm_application_fn on_application,
                                     void *ctx, jm_error *err);
/* Receives applications already written as NDJSON: whole lines, the bytes jm_write_ndjson()
 * gives, in input order, at least once per jm_matcher_add_take() that made any. Return 0 to go
 * on or a negative code, which jm_matcher_add_take() then returns. */
typedef int (*jm_ndjson_fn)(void *ctx, const char *data, size_t len);

/* Like jm_matcher_new(), but the matcher writes the applications itself and hands on the text;
 * with o->threads above 1 it scores and writes large scans (of 512 held records or more) on
 * that many threads, the caller's and helpers of its own, under top K too, with the same output
 * bytes as one. Callbacks always run on the caller's thread. Fewer helpers than asked for (the
 * system would start no more) means fewer threads, never a failure. NULL with err filled (when not
 * NULL) when o is invalid or on_ndjson is NULL (JM_EINVAL) or out of memory (JM_ENOMEM). */
JM_EXTERN jm_matcher *jm_matcher_new_ndjson(const jm_matcher_options *o, jm_ndjson_fn on_ndjson,
                                            void *ctx, jm_error *err);

/* Frees m and every record it holds. Accepts NULL. */
JM_EXTERN void jm_matcher_free(jm_matcher *m);

/* Takes *rec (a job post or a candidate) and always sets *rec to NULL: whatever it returns, the
 * record is the matcher's from now on (held, or already freed), never the caller's. It scores
 * the record against every held record of the other kind it is joined with, emits the
 * applications, then holds it.
 *
 * Event times (docs/FORMAT.md, "Event time and the watermark"): a record's event time is its
 * timestamp. One without a timestamp takes the newest event time seen so far, so it never moves
 * the watermark past the stamped stream; only before any record with a timestamp does it take
 * read_time_ms, the caller's clock when it read the record (the stream then runs on read time
 * until its first timestamp, which takes over). read_time_ms is also the clock max_future_ms
 * measures from.
 *
 * Returns 0; JM_EDUP for a duplicate id, JM_EKIND for an application or a record of no kind,
 * JM_ENOID for a missing id, JM_EVALUE for a timestamp past max_future_ms (the record is freed
 * and counted in each of these); JM_ENOMEM (freed); JM_EINVAL when rec is NULL; or the code a
 * callback stopped with (the record and its applications so far are kept, as after 0). */
JM_EXTERN int jm_matcher_add_take(jm_matcher *m, jm_record **rec, int64_t read_time_ms);

/* The matcher's counters: a versioned struct (docs/ABI.md) the caller sizes and the library
 * fills as far as struct_size covers. Its first version ends at watermark_ms, the second at
 * pairs_skipped. */
typedef struct jm_matcher_stats {
    size_t struct_size;       /* set by the caller to sizeof(jm_matcher_stats) */
    uint64_t records;         /* records offered */
    uint64_t duplicates;      /* skipped as duplicate ids */
    uint64_t pairs_scored;    /* joined pairs scored */
    uint64_t applications;    /* applications emitted */
    uint64_t evicted;         /* records that left state */
    uint64_t held_jobs;       /* job posts in state */
    uint64_t held_candidates; /* candidates in state */
    int64_t watermark_ms;     /* INT64_MIN before any event */
    /* Version 2. */
    uint64_t pairs_skipped; /* joined pairs passed over unscored under top_k, because a bound
                             * showed they could not rank among a candidate's K best; with
                             * pairs_scored, the pairs scoring every pair would score */
} jm_matcher_stats;

/* Fills out (its struct_size set by the caller) with m's counters so far. 0, or JM_EINVAL when
 * out->struct_size is below the first version's. */
JM_EXTERN int jm_matcher_get_stats(const jm_matcher *m, jm_matcher_stats *out);

JM_END_DECLS

#endif
