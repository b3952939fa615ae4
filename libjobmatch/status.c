/* SPEC "Status": the uniform draw of a pair and the status a score and a draw give. */
#include <jobmatch/score.h>

#include "score_internal.h"

double jm__draw(jm__pair_hash h, uint64_t seed)
{
    uint64_t x = jm__splitmix64(h.lo ^ jm__splitmix64(seed));
    return (double)(x >> 11) * 0x1.0p-53;
}

double jm_status_draw(uint64_t seed, const char *candidate_id, const char *post_id)
{
    return jm__draw(jm__hash_ids(candidate_id, post_id), seed);
}

#define STATUS(s) (*len = sizeof(s) - 1, s)

const char *jm__status(int score, double u, size_t *len)
{
    if (score >= 75)
        return u < 0.6 ? STATUS(JM_STATUS_INTERVIEW_SCHEDULED) : STATUS(JM_STATUS_APPLIED);
    if (score >= 60)
        return u < 0.7 ? STATUS(JM_STATUS_APPLIED) : STATUS(JM_STATUS_UNDER_REVIEW);
    if (score >= 40)
        return u < 0.5 ? STATUS(JM_STATUS_APPLIED) : STATUS(JM_STATUS_NOT_A_FIT);
    return u < 0.8 ? STATUS(JM_STATUS_REJECTED) : STATUS(JM_STATUS_NOT_A_FIT);
}

const char *jm_status_for(int score, double u)
{
    size_t len;
    return jm__status(score, u, &len);
}
