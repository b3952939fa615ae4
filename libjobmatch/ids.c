/* The identity of a pair (SPEC "Records"): each id hashed once into a key, the two keys mixed
 * into one 128-bit hash (XXH3), and the application_id UUID made from it. The status draw
 * (status.c) and the application_date (application.c) come from the same hash. */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* The 32 hex digits of hi then lo, most significant first. */
#if defined(__SSE2__)
static void hex32(uint64_t hi, uint64_t lo, char *out)
{
    /* Sixteen bytes in reading order, each split into its two nibbles, then '0' added, and
     * 'a' - '0' - 10 more where a nibble is over 9. */
    uint64_t be[2] = {__builtin_bswap64(hi), __builtin_bswap64(lo)};
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)be);
    __m128i nibble = _mm_set1_epi8(0x0F);
    __m128i high = _mm_and_si128(_mm_srli_epi16(v, 4), nibble), low = _mm_and_si128(v, nibble);
    __m128i d[2] = {_mm_unpacklo_epi8(high, low), _mm_unpackhi_epi8(high, low)};
    for (int i = 0; i < 2; i++) {
        __m128i letter =
            _mm_and_si128(_mm_cmpgt_epi8(d[i], _mm_set1_epi8(9)), _mm_set1_epi8('a' - '0' - 10));
        d[i] = _mm_add_epi8(_mm_add_epi8(d[i], _mm_set1_epi8('0')), letter);
        _mm_storeu_si128((__m128i *)(void *)(out + 16 * i), d[i]);
    }
}
#else
/* The eight hex digits of v as eight bytes in memory order: the nibbles spread one to a byte,
 * then '0' or 'a' - 10 added to each in one step. */
static uint64_t hex8(uint32_t v)
{
    uint64_t x = v;
    x = (x | x << 16) & 0x0000FFFF0000FFFFull;
    x = (x | x << 8) & 0x00FF00FF00FF00FFull;
    x = (x | x << 4) & 0x0F0F0F0F0F0F0F0Full; /* byte i: nibble i, from the least significant */
    uint64_t letters = ((x + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
    x += 0x3030303030303030ull + letters * ('a' - '0' - 10);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap64(x); /* the most significant digit first in memory */
#endif
    return x;
}

static void hex32(uint64_t hi, uint64_t lo, char *out)
{
    uint64_t w[4] = {hex8((uint32_t)(hi >> 32)), hex8((uint32_t)hi), hex8((uint32_t)(lo >> 32)),
                     hex8((uint32_t)lo)};
    memcpy(out, w, 32);
}
#endif

void jm__uuid_format(jm__pair_hash h, char *out)
{
    uint64_t hi = (h.hi & ~0xF000ull) | 0x8000ull;             /* version 8 (RFC 9562) */
    uint64_t lo = (h.lo & ~(0xC0ull << 56)) | (0x80ull << 56); /* variant 10 */
    char x[32];
    hex32(hi, lo, x);
    /* 8-4-4-4-12 */
    memcpy(out, x, 8);
    out[8] = '-';
    memcpy(out + 9, x + 8, 4);
    out[13] = '-';
    memcpy(out + 14, x + 12, 4);
    out[18] = '-';
    memcpy(out + 19, x + 16, 4);
    out[23] = '-';
    memcpy(out + 24, x + 20, 12);
    out[36] = '\0';
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
