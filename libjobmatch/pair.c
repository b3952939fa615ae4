/* What a pair's identity decides (SPEC "Records" and "Status"): the application_id, the status
 * draw and the application_date, all from one 128-bit xxHash (XXH3) of the two ids. */
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <jobmatch/score.h>

#include "record_internal.h"
#include "score_internal.h"

/* XXH3's output is frozen since xxHash 0.8.0, so ids agree across machines and versions. */
uint64_t jm__id_key(const char *candidate_id, size_t len) { return XXH3_64bits(candidate_id, len); }

jm__pair_hash jm__hash_pair(uint64_t cand_key, const char *post_id, size_t len)
{
    XXH128_hash_t h = XXH3_128bits_withSeed(post_id, len, cand_key);
    return (jm__pair_hash){h.low64, h.high64};
}

void jm__uuid_format(jm__pair_hash h, char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(h.hi >> (56 - 8 * i));
        b[8 + i] = (unsigned char)(h.lo >> (56 - 8 * i));
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x80); /* version 8: custom (RFC 9562) */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* variant 10 */
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

double jm__draw(jm__pair_hash h, uint64_t seed)
{
    uint64_t x = splitmix64(h.lo ^ splitmix64(seed));
    return (double)(x >> 11) * 0x1.0p-53;
}

int64_t jm__application_date(const jm_record *job, jm__pair_hash h, int64_t fallback_ms)
{
    int has_posted = JM__HAS(job, JM_FIELD_POSTED_DATE), has_deadline = JM__HAS(job, JM_FIELD_DEADLINE_DATE);
    if (!has_posted && !has_deadline)
        return fallback_ms;
    int64_t from = job->v[has_posted ? JM_FIELD_POSTED_DATE : JM_FIELD_DEADLINE_DATE].i;
    int64_t to = job->v[has_deadline ? JM_FIELD_DEADLINE_DATE : JM_FIELD_POSTED_DATE].i;
    if (to <= from)
        return from;
    uint64_t span_s = (uint64_t)(to - from) / 1000;
    return from + (int64_t)(h.hi % (span_s + 1)) * 1000;
}

double jm_status_draw(uint64_t seed, const char *candidate_id, const char *post_id)
{
    jm__pair_hash h = jm__hash_pair(jm__id_key(candidate_id, strlen(candidate_id)), post_id,
                                    strlen(post_id));
    return jm__draw(h, seed);
}

const char *jm_status_for(int score, double u)
{
    if (score >= 75)
        return u < 0.6 ? "Interview Scheduled" : "Applied";
    if (score >= 60)
        return u < 0.7 ? "Applied" : "Under Review";
    if (score >= 40)
        return u < 0.5 ? "Applied" : "Not a Fit";
    return u < 0.8 ? "Rejected" : "Not a Fit";
}

void jm_application_id(const char *candidate_id, const char *post_id, char *out)
{
    jm__pair_hash h = jm__hash_pair(jm__id_key(candidate_id, strlen(candidate_id)), post_id,
                                    strlen(post_id));
    jm__uuid_format(h, out);
}
