/* What a pair's identity decides (SPEC "Records" and "Status"): the application_id, the status
 * draw and the application_date, all from one 128-bit xxHash (XXH3) of the two ids. */
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <jobmatch/score.h>

#include "record_internal.h"
#include "score_internal.h"

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* XXH3's output is frozen since xxHash 0.8.0, so ids agree across machines and versions. A job's
 * key is mixed once more so that (a, b) and (b, a) as (candidate, job) differ. */
jm__pair_hash jm__id_key(const char *id, size_t len, jm_kind kind)
{
    XXH128_hash_t h = XXH3_128bits(id, len);
    if (kind == JM_KIND_JOB_POST)
        return (jm__pair_hash){splitmix64(h.low64), splitmix64(h.high64 + 0x632BE59BD9B4E019ull)};
    return (jm__pair_hash){h.low64, h.high64};
}

jm__pair_hash jm__hash_pair(jm__pair_hash cand_key, jm__pair_hash job_key)
{
    return (jm__pair_hash){splitmix64(cand_key.lo ^ job_key.lo),
                           splitmix64(cand_key.hi ^ job_key.hi)};
}

/* Each byte's two hex digits, built once. */
static char hex_pairs[256][2];

__attribute__((constructor)) static void build_hex_pairs(void)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 256; i++) {
        hex_pairs[i][0] = hex[i >> 4];
        hex_pairs[i][1] = hex[i & 15];
    }
}

/* Writes the n bytes of v from the top, two hex digits each. */
static char *put_hex(char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++, p += 2)
        memcpy(p, hex_pairs[(v >> (8 * (7 - i))) & 0xFF], 2);
    return p;
}

void jm__uuid_format(jm__pair_hash h, char *out)
{
    uint64_t hi = (h.hi & ~0xF000ull) | 0x8000ull;             /* version 8 (RFC 9562) */
    uint64_t lo = (h.lo & ~(0xC0ull << 56)) | (0x80ull << 56); /* variant 10 */
    char *p = out;
    p = put_hex(p, hi, 4);
    *p++ = '-';
    p = put_hex(p, hi << 32, 2);
    *p++ = '-';
    p = put_hex(p, hi << 48, 2);
    *p++ = '-';
    p = put_hex(p, lo, 2);
    *p++ = '-';
    p = put_hex(p, lo << 16, 6);
    *p = '\0';
}

double jm__draw(jm__pair_hash h, uint64_t seed)
{
    uint64_t x = splitmix64(h.lo ^ splitmix64(seed));
    return (double)(x >> 11) * 0x1.0p-53;
}

int64_t jm__application_date(const jm_record *job, jm__pair_hash h, int64_t fallback_ms)
{
    int has_posted = JM__HAS(job, JM_FIELD_POSTED_DATE),
        has_deadline = JM__HAS(job, JM_FIELD_DEADLINE_DATE);
    if (!has_posted && !has_deadline)
        return fallback_ms;
    int64_t from = job->v[has_posted ? JM_FIELD_POSTED_DATE : JM_FIELD_DEADLINE_DATE].i;
    int64_t to = job->v[has_deadline ? JM_FIELD_DEADLINE_DATE : JM_FIELD_POSTED_DATE].i;
    if (to <= from)
        return from;
    uint64_t span_s = (uint64_t)(to - from) / 1000;
    /* A point in [0, span_s] by multiply-high: uniform enough, and no 64-bit division. */
    uint64_t offset = (uint64_t)(((unsigned __int128)h.hi * (span_s + 1)) >> 64);
    return from + (int64_t)offset * 1000;
}

static jm__pair_hash hash_ids(const char *candidate_id, const char *post_id)
{
    return jm__hash_pair(jm__id_key(candidate_id, strlen(candidate_id), JM_KIND_CANDIDATE),
                         jm__id_key(post_id, strlen(post_id), JM_KIND_JOB_POST));
}

double jm_status_draw(uint64_t seed, const char *candidate_id, const char *post_id)
{
    return jm__draw(hash_ids(candidate_id, post_id), seed);
}

#define STATUS(s) (*len = sizeof(s) - 1, s)

const char *jm__status(int score, double u, size_t *len)
{
    if (score >= 75)
        return u < 0.6 ? STATUS("Interview Scheduled") : STATUS("Applied");
    if (score >= 60)
        return u < 0.7 ? STATUS("Applied") : STATUS("Under Review");
    if (score >= 40)
        return u < 0.5 ? STATUS("Applied") : STATUS("Not a Fit");
    return u < 0.8 ? STATUS("Rejected") : STATUS("Not a Fit");
}

const char *jm_status_for(int score, double u)
{
    size_t len;
    return jm__status(score, u, &len);
}

void jm_application_id(const char *candidate_id, const char *post_id, char *out)
{
    jm__uuid_format(hash_ids(candidate_id, post_id), out);
}
