/* The identity of a pair (SPEC "Records"): each id hashed once into a key, the two keys mixed
 * into one 128-bit hash (XXH3), and the application_id UUID made from it. The status draw
 * (status.c) and the application_date (application.c) come from the same hash. */
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <jobmatch/score.h>

#include "score_internal.h"

/* XXH3's output is frozen since xxHash 0.8.0, so ids agree across machines and versions. A job's
 * key is mixed once more so that (a, b) and (b, a) as (candidate, job) differ. */
jm__pair_hash jm__id_key(const char *id, size_t len, jm_kind kind)
{
    XXH128_hash_t h = XXH3_128bits(id, len);
    if (kind == JM_KIND_JOB_POST)
        return (jm__pair_hash){jm__splitmix64(h.low64),
                               jm__splitmix64(h.high64 + 0x632BE59BD9B4E019ull)};
    return (jm__pair_hash){h.low64, h.high64};
}

jm__pair_hash jm__hash_pair(jm__pair_hash cand_key, jm__pair_hash job_key)
{
    return (jm__pair_hash){jm__splitmix64(cand_key.lo ^ job_key.lo),
                           jm__splitmix64(cand_key.hi ^ job_key.hi)};
}

/* Each byte's two hex digits: byte b at 2 * b. */
static const char hex_pairs[512] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* Writes the n bytes of v from the top, two hex digits each. */
static char *put_hex(char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++, p += 2)
        memcpy(p, hex_pairs + 2 * ((v >> (8 * (7 - i))) & 0xFF), 2);
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

jm__pair_hash jm__hash_ids(const char *candidate_id, const char *post_id)
{
    return jm__hash_pair(jm__id_key(candidate_id, strlen(candidate_id), JM_KIND_CANDIDATE),
                         jm__id_key(post_id, strlen(post_id), JM_KIND_JOB_POST));
}

void jm_application_id(const char *candidate_id, const char *post_id, char *out)
{
    jm__uuid_format(jm__hash_ids(candidate_id, post_id), out);
}
