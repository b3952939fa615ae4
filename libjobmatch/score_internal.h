/* Scoring internals shared by jm_score_pair(), jm_make_application() and the matcher: records
 * prepared once into the numbers scoring reads, and the pair computations. */
#ifndef JM_SCORE_INTERNAL_H
#define JM_SCORE_INTERNAL_H

#include <math.h>
#include <stdint.h>

#include <jobmatch/record.h>
#include <jobmatch/score.h>

#include "intern.h"

typedef struct jm__prepared {
    int category;         /* taxonomy index, or -1 */
    uint32_t families;    /* taxonomy families, bit i = family i */
    int32_t own_family;   /* for a category outside the taxonomy: its interned key, else -1 */
    const char *own_name; /* that category's text (borrowed from the record) */
    size_t own_name_len;
    int text_plain;   /* own_name and the job's skill texts need no JSON escaping */
    uint32_t *skills; /* interned, sorted, unique */
    uint32_t nskills;
    uint64_t *skill_bits; /* the same as a bit set over words [word0, word0 + nwords), or
                           * NULL when the ids spread too wide for that to pay */
    uint32_t word0, nwords;
    uint32_t *skill_order;   /* jobs: the same ids in the job's order (first occurrence) */
    const char **skill_text; /* jobs: the job's text of each, in that order */
    uint32_t *skill_len;     /* jobs: the length of each text */
    int years;               /* minimum years, -1 unknown */
    int rank;                /* seniority rank, 0 unknown */
    double money;            /* job: the offer; candidate: the ask; <= 0 unknown */
} jm__prepared;

/* Fills p from r, interning skills and unknown categories in in. Memory for the arrays comes
 * from malloc; release with jm__prepared_release(). 0 or JM_ENOMEM. */
int jm__prepare(const jm_record *r, jm__intern *skills, jm__intern *categories, jm__prepared *p);
void jm__prepared_release(jm__prepared *p);

/* held.c: a copy of r (prepared into p) with only what the matcher reads of a record it holds,
 * in one allocation of its size; p's texts borrowed from r are moved to it. 0 or JM_ENOMEM (r
 * and p untouched). */
int jm__held_copy(const jm_record *r, jm__prepared *p, jm_record **out);

/* A candidate and a job prepared on their own, outside a matcher: for the one-pair calls. */
typedef struct jm__pair_scratch {
    jm__intern *skills, *categories;
    jm__prepared cand, job;
    int prepared;
} jm__pair_scratch;
/* Checks the kinds and prepares both. 0, JM_EINVAL or JM_ENOMEM; release in every case. */
int jm__pair_prepare(jm__pair_scratch *ps, const jm_record *candidate, const jm_record *job);
void jm__pair_release(jm__pair_scratch *ps);
/* weights, or the defaults (written to store) when weights is NULL. */
const jm_weights *jm__weights_or_default(const jm_weights *weights, jm_weights *store);

/* Nonzero when the prepared set holds skill id. */
int jm__has_skill(const jm__prepared *p, uint32_t id);

/* Nonzero when the two share a family. */
static inline int jm__joined(const jm__prepared *a, const jm__prepared *b)
{
    return (a->families & b->families) != 0 ||
           (a->own_family >= 0 && a->own_family == b->own_family);
}

/* The component fractions (docs/MATCHING.md, "The score"), one definition for scoring and for
 * the bounds of top K (topk.c), which must compute the very same doubles. Each is
 * non-decreasing in what a bound maximises: the shared skills, the job's offer, and (below the
 * candidate's) the job's years. */
static inline double jm__skills_fraction(unsigned inter, unsigned uni)
{
    return uni ? (double)inter / uni : 0.0;
}
/* The three below choose among precomputed values by an index made of comparisons, not by
 * branches: which case a pair falls in is close to random, and a mispredicted branch costs more
 * than computing a ratio that is not used. The values are those of the plain definitions: the
 * tables of small ratios hold the very doubles the expressions give (the compiler folds each
 * operation as the machine rounds it), and larger numbers take the expression itself. */
enum { JM__RATIO_TABLE = 16 };
extern const double jm__experience_ratio[JM__RATIO_TABLE][JM__RATIO_TABLE]; /* [job][cand] */
extern const double jm__seniority_ratio[JM__RATIO_TABLE][JM__RATIO_TABLE];
static inline double jm__experience_fraction(int cand_years, int job_years)
{
    /* unknown: 0.5; enough years (or none asked): 1; else 0.75 * candidate's / job's */
    double choice[3];
    choice[0] = (unsigned)job_years < JM__RATIO_TABLE && (unsigned)cand_years < JM__RATIO_TABLE
                    ? jm__experience_ratio[job_years][cand_years]
                    : 0.75 * cand_years / (job_years > 0 ? job_years : 1);
    choice[1] = 1.0;
    choice[2] = 0.5;
    int known = cand_years >= 0 && job_years >= 0;
    int enough = cand_years >= job_years || job_years == 0;
    return choice[known ? enough : 2];
}
static inline double jm__seniority_fraction(int cand_rank, int job_rank)
{
    /* unknown: 0.5; at or up to 3 ranks above: 1; more above: 0.5; below: 0.6 * ratio */
    double choice[3];
    choice[0] = (unsigned)job_rank < JM__RATIO_TABLE && (unsigned)cand_rank < JM__RATIO_TABLE
                    ? jm__seniority_ratio[job_rank][cand_rank]
                    : 0.6 * cand_rank / (job_rank ? job_rank : 1);
    choice[1] = 1.0;
    choice[2] = 0.5; /* more than 3 ranks above, or unknown */
    int known = cand_rank && job_rank;
    int above = cand_rank >= job_rank;
    int near = (int64_t)cand_rank - job_rank <= 3;
    return choice[known ? above * (2 - near) : 2];
}
static inline double jm__salary_fraction(double offer, double ask)
{
    /* unknown: 0.5; offer / ask at least 1: 1; at least 0.9: 0.6; at least 0.7: 0.3; else 0 */
    static const double choice[5] = {0.0, 0.3, 0.6, 1.0, 0.5};
    double r = offer / (ask > 0 ? ask : 1);
    int known = offer > 0 && ask > 0;
    int band = (r >= 0.7) + (r >= 0.9) + (r >= 1);
    return choice[known ? band : 4];
}
/* The score of fractions f under weights w (points summed in component order, rounded, clamped
 * to 0-100), the points written to points. With weights that are finite and >= 0 it never
 * decreases when a fraction grows. */
static inline int jm__score_sum(const jm_weights *w, const double *f, double *points)
{
    double sum = 0;
#pragma GCC unroll 8
    for (int i = 0; i < JM_COMPONENT_COUNT; i++) {
        points[i] = w->weight[i] * f[i];
        sum += points[i];
    }
    double s = floor(sum + 0.5);
    return s < 0 ? 0 : s > 100 ? 100 : (int)s;
}

/* Scores a joined pair into out. */
void jm__score_prepared(const jm__prepared *cand, const jm__prepared *job, const jm_weights *w,
                        jm_score *out);

/* The 128-bit pair hash behind application_id, the status draw and application_date: each id
 * hashed once into a key (kind: whose id it is), and the two keys mixed per pair. */
typedef struct jm__pair_hash {
    uint64_t lo, hi;
} jm__pair_hash;
/* ids.c */
jm__pair_hash jm__id_key(const char *id, size_t len, jm_kind kind);
jm__pair_hash jm__hash_pair(jm__pair_hash cand_key, jm__pair_hash job_key);
/* jm__hash_pair() of the two ids' keys. */
jm__pair_hash jm__hash_ids(const char *candidate_id, const char *post_id);
/* Formats the UUID of h into out[JM_UUID_BUF] (NUL-terminated). */
void jm__uuid_format(jm__pair_hash h, char *out);
/* application.c: application_date, a point between the job's posted and deadline dates (whole
 * seconds). */
int64_t jm__application_date(const jm_record *job, jm__pair_hash h, int64_t fallback_ms);

/* status.c: the status draw of h, and the status (a JM_STATUS_* string) for score and draw u,
 * with its length. */
double jm__draw(jm__pair_hash h, uint64_t seed);
const char *jm__status(int score, double u, size_t *len);

/* splitmix64's finaliser: the mixer behind the pair hash and the status draw. */
static inline uint64_t jm__splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Appends the match reason to out (NUL-terminated, len excludes it). 0 or JM_ENOMEM. */
int jm__match_reason(const jm__prepared *cand, const jm__prepared *job, const jm_score *s,
                     jm_buf *out);

#endif
