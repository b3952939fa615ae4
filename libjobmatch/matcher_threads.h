/* A pool of helper threads that share out the chunks of one job with the caller's thread: the
 * matcher's scans (matcher.c) on up to jm_matcher_options.threads threads. */
#ifndef JM_MATCHER_THREADS_H
#define JM_MATCHER_THREADS_H

#include <stddef.h>

/* The most threads a pool runs, the caller's included; a larger request gets this many. */
enum { JM__POOL_MAX_THREADS = 256 };

typedef struct jm__pool jm__pool;

/* Runs chunk number chunk of a job on lane lane (0 is the caller's thread; 1 to lanes - 1 the
 * helpers). Returns 0, or a negative code that stops the job: chunks not yet begun are skipped. */
typedef int (*jm__chunk_fn)(void *ctx, unsigned lane, size_t chunk);

/* A pool of threads - 1 helpers (threads clamped to 1..JM__POOL_MAX_THREADS); NULL when out of
 * memory or when no helper thread could be started. */
jm__pool *jm__pool_new(unsigned threads);
/* Stops and joins the helpers, then frees p. Accepts NULL. */
void jm__pool_free(jm__pool *p);
/* The number of lanes: the helpers and the caller. */
unsigned jm__pool_lanes(const jm__pool *p);
/* Runs fn on chunks 0 to nchunks - 1, each once, on whichever lane is free, the caller's thread
 * among them, and returns once every chunk has run: 0, or the code of the first chunk that
 * failed. Not reentrant: one job at a time, from one thread. */
int jm__pool_run(jm__pool *p, size_t nchunks, jm__chunk_fn fn, void *ctx);

#endif
