/* The NDJSON scanner's block index (ndjson_index.h): stop bits of 64 bytes at a time, with AVX2
 * where the machine has it (chosen at run time), SSE2 on every x86-64, and portable C on 8-byte
 * words elsewhere; all three give the same bits (tests/unit/test_ndjson_scan.c). */
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "ndjson_index.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && !defined(JM_INDEX_PORTABLE)
#define HAVE_AVX2_BUILD 1
#endif
#if defined(__SSE2__) && !defined(JM_INDEX_PORTABLE)
#define HAVE_SSE2_BUILD 1
#endif

/* The stop bytes of the word w (byte i at bits 8i to 8i + 7) as eight bits. Each test is exact
 * per byte (no carry crosses a byte), so every bit is, not only the lowest. */
static unsigned stops8(uint64_t w)
{
    const uint64_t lows = 0x7F7F7F7F7F7F7F7Full, highs = 0x8080808080808080ull;
    const uint64_t ones = 0x0101010101010101ull;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t is_q = ~(((q & lows) + lows) | q), is_b = ~(((b & lows) + lows) | b);
    uint64_t low7 = ~((w & lows) + ones * 0x60); /* high bit: the low seven bits under 0x20 */
    uint64_t s = (is_q | is_b | low7 | w) & highs;
    /* Bit 8i + 7 to bit i: s >> 7 times the sum of 2^7j puts byte i's bit at 49 + i, and no
     * two products share a place, so nothing carries. */
    return (unsigned)(((s >> 7) * 0x0002040810204081ull) >> 49) & 0xFF;
}

static inline __attribute__((always_inline)) uint64_t stops_portable(const char *p)
{
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t w;
        memcpy(&w, p + 8 * i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w);
#endif
        bits |= (uint64_t)stops8(w) << (8 * i);
    }
    return bits;
}

#ifdef HAVE_SSE2_BUILD
static inline uint64_t stops16_sse2(const char *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    /* Signed, bytes from 0x80 are below 0x20 too: one compare takes controls and high bytes. */
    __m128i s = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
        _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
    return (uint64_t)(unsigned)_mm_movemask_epi8(s);
}

static inline __attribute__((always_inline)) uint64_t stops_sse2(const char *p)
{
    return stops16_sse2(p) | stops16_sse2(p + 16) << 16 | stops16_sse2(p + 32) << 32 |
           stops16_sse2(p + 48) << 48;
}
#endif

#ifdef HAVE_AVX2_BUILD
/* A quote or a backslash is the byte a table lookup on its low four bits gives back (the other
 * entries give bytes under 0x20, which stop anyway; bytes from 0x80 look up 0); a signed compare
 * takes the controls and bytes from 0x80. The compiler would make that compare two instructions
 * (a minimum and an equality) if it saw the constant, so it does not. */
__attribute__((target("avx2"), always_inline)) static inline uint64_t stops32_avx2(const char *p)
{
    const __m256i table =
        _mm256_setr_epi8(0, 1, '"', 3, 4, 5, 6, 7, 8, 9, 10, 11, '\\', 13, 14, 15, 0, 1, '"', 3, 4,
                         5, 6, 7, 8, 9, 10, 11, '\\', 13, 14, 15);
    __m256i space = _mm256_set1_epi8(0x20);
    __asm__("" : "+x"(space));
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i s = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_shuffle_epi8(table, x), x),
                                _mm256_cmpgt_epi8(space, x));
    return (uint32_t)_mm256_movemask_epi8(s);
}

__attribute__((target("avx2"), always_inline)) static inline uint64_t stops_avx2(const char *p)
{
    return stops32_avx2(p) | stops32_avx2(p + 32) << 32;
}

/* For callers built without AVX2 (an inlined copy needs a caller that has it). */
__attribute__((target("avx2"))) static uint64_t stops_avx2_called(const char *p)
{
    return stops_avx2(p);
}
#endif

int jm__index_can(jm__index_way way)
{
    switch (way) {
    case JM__INDEX_PORTABLE: return 1;
    case JM__INDEX_SSE2:
#ifdef HAVE_SSE2_BUILD
        return 1;
#else
        return 0;
#endif
    case JM__INDEX_AVX2:
#ifdef HAVE_AVX2_BUILD
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
#else
        return 0;
#endif
    }
    return 0;
}

uint64_t jm__index_stops_with(jm__index_way way, const char *p)
{
    switch (way) {
#ifdef HAVE_AVX2_BUILD
    case JM__INDEX_AVX2:
        if (jm__index_can(JM__INDEX_AVX2))
            return stops_avx2_called(p);
        break;
#endif
#ifdef HAVE_SSE2_BUILD
    case JM__INDEX_SSE2: return stops_sse2(p);
#endif
    default: break;
    }
    return stops_portable(p);
}

/* -1 until the first block is indexed. Two threads that both choose choose alike. */
static int way_in_use = -1;

static jm__index_way chosen(void)
{
    static const char *const names[] = {"portable", "sse2", "avx2"};
    const char *env = getenv("JM_SCAN_INDEX");
    for (int w = JM__INDEX_PORTABLE; env && w <= JM__INDEX_AVX2; w++)
        if (strcmp(env, names[w]) == 0 && jm__index_can((jm__index_way)w))
            return (jm__index_way)w;
    return jm__index_can(JM__INDEX_AVX2)   ? JM__INDEX_AVX2
           : jm__index_can(JM__INDEX_SSE2) ? JM__INDEX_SSE2
                                           : JM__INDEX_PORTABLE;
}

jm__index_way jm__index_way_in_use(void)
{
    int w = __atomic_load_n(&way_in_use, __ATOMIC_RELAXED);
    if (w < 0) {
        w = (int)chosen();
        __atomic_store_n(&way_in_use, w, __ATOMIC_RELAXED);
    }
    return (jm__index_way)w;
}

int jm__index_force(jm__index_way way)
{
    if (!jm__index_can(way))
        return -1;
    __atomic_store_n(&way_in_use, (int)way, __ATOMIC_RELAXED);
    return 0;
}

/* Each way over n whole blocks from p into out, then the last, partial block of tail bytes,
 * every bit past the line's end set so that a search stops there: from the 64 bytes that end
 * the line (which overlap the block before), shifted, or else from a padded copy. */
#define FILL(stops64)                                                                       \
    do {                                                                                    \
        for (size_t i = 0; i < n; i++)                                                      \
            out[i] = stops64(p + 64 * i);                                                   \
        if (tail && ends_64) {                                                              \
            out[n] = stops64(p + 64 * n + tail - 64) >> (64 - tail) | ~UINT64_C(0) << tail; \
        } else if (tail) {                                                                  \
            char last[64];                                                                  \
            memset(last, '"', sizeof last);                                                 \
            memcpy(last, p + 64 * n, tail);                                                 \
            out[n] = stops64(last);                                                         \
        }                                                                                   \
    } while (0)

static void fill_portable(uint64_t *out, const char *p, size_t n, size_t tail, int ends_64)
{
    FILL(stops_portable);
}
#ifdef HAVE_SSE2_BUILD
static void fill_sse2(uint64_t *out, const char *p, size_t n, size_t tail, int ends_64)
{
    FILL(stops_sse2);
}
#endif
#ifdef HAVE_AVX2_BUILD
__attribute__((target("avx2"))) static void fill_avx2(uint64_t *out, const char *p, size_t n,
                                                      size_t tail, int ends_64)
{
    FILL(stops_avx2);
}
#endif

void jm__index_fill(jm__index *ix, size_t pos)
{
    size_t first = pos >> 6, left = ix->len - first * 64;
    size_t n = left / 64, tail = left % 64;
    if (n >= JM__INDEX_BLOCKS) {
        n = JM__INDEX_BLOCKS;
        tail = 0;
    }
    const char *p = ix->line + first * 64;
    int ends_64 = ix->len >= 64; /* the line's last 64 bytes can be read in place */
    jm__index_way way = jm__index_way_in_use();
#ifdef HAVE_AVX2_BUILD
    if (way == JM__INDEX_AVX2)
        fill_avx2(ix->stops, p, n, tail, ends_64);
    else
#endif
#ifdef HAVE_SSE2_BUILD
        if (way == JM__INDEX_SSE2)
        fill_sse2(ix->stops, p, n, tail, ends_64);
    else
#endif
        fill_portable(ix->stops, p, n, tail, ends_64);
    ix->win = p;
    ix->win_len = 64 * (n + (tail != 0));
}
