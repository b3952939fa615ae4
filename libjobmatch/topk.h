/* Exact top K of the held jobs for an arriving candidate without scoring every pair (topk.c):
 * held jobs in blocks with summaries, an upper bound of the score per block, blocks visited
 * best bound first and passed over once they cannot beat the K-th best. */
#ifndef JM_TOPK_H
#define JM_TOPK_H

#include <stdint.h>

#include <jobmatch/score.h>

#include "score_internal.h"

typedef struct jm__topk jm__topk;

/* Whether scores under w are bounded by the bounds of topk.c: every weight finite and >= 0
 * (the score then never decreases when a fraction grows). */
int jm__topk_usable(const jm_weights *w);

/* An empty index for the K best (score, then earlier arrival) of jobs scoring at least
 * min_score under w (jm__topk_usable()). NULL when out of memory. */
jm__topk *jm__topk_new(const jm_weights *w, int min_score, unsigned k);
/* Frees t (not the jobs). Accepts NULL. */
void jm__topk_free(jm__topk *t);

/* Adds a held job: its prepared numbers (borrowed until it leaves the index), arrival seq
 * (increasing from call to call), event time, deadline (INT64_MAX without one) and the caller's
 * handle for it. 0 or JM_ENOMEM (t is then unusable: free it). */
int jm__topk_add(jm__topk *t, const jm__prepared *job, uint64_t seq, int64_t event_ms,
                 int64_t deadline_ms, void *handle);
/* Empties t, as before the first jm__topk_add() (to add the jobs still held again). */
void jm__topk_clear(jm__topk *t);

/* What has left state among the jobs added, as the matcher's rules say between its sweeps: an
 * event time before cut, an arrival before seq_floor, a deadline before deadline_before
 * (INT64_MIN when deadlines do not count). Such jobs are neither scored nor counted. */
typedef struct jm__topk_limits {
    int64_t cut;
    uint64_t seq_floor;
    int64_t deadline_before;
} jm__topk_limits;

/* One of the best: its score, arrival and handle. */
typedef struct jm__topk_hit {
    int score;
    uint64_t seq;
    void *handle;
} jm__topk_hit;

/* The K best jobs for the candidate cand among those joined with it and still in state: the
 * very ones, in the same order (score, then earlier arrival), that scoring every pair would
 * rank. *best (grown as needed, *cap entries, the caller's to free) gets them, *n their number.
 * Adds the pairs scored to *scored and the joined pairs passed over by a bound to *skipped.
 * 0 or JM_ENOMEM. */
int jm__topk_best(jm__topk *t, const jm__prepared *cand, const jm__topk_limits *lim,
                  jm__topk_hit **best, unsigned *cap, unsigned *n, uint64_t *scored,
                  uint64_t *skipped);

#endif
