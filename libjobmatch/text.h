/* Small text helpers: UTF-8 validation, trimming, ASCII case-folding, fast number output. */
#ifndef JM_TEXT_H
#define JM_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <jobmatch/record.h>

/* Nonzero when s[0..len) is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
int jm__utf8_valid(const char *s, size_t len);
/* Narrows s/len past leading and trailing ASCII white space. */
void jm__trim(const char **s, size_t *len);
/* Compares two texts trimmed and ASCII case-insensitively; 1 when equal. */
int jm__same_text(const char *a, size_t alen, const char *b, size_t blen);
/* Writes the normalised form of a skill (trimmed, inner white space runs made one space, ASCII
 * lower case) into out, which holds len bytes at least. Returns the new length. */
size_t jm__normalize_skill(const char *s, size_t len, char *out);

/* Reads s[0..len), trimmed, as a decimal number in JSON's form (an optional '-', digits, an
 * optional fraction and exponent: no hex, no '+', no inf or nan) that is finite: the one rule
 * for numbers in every format. 0 and *out set, or -1. */
int jm__number_parse(const char *s, size_t len, double *out);
/* Nonzero when the JSON text s[0..len) holds a NUL, as the escape \u0000 or a raw byte, which
 * would cut a C string short. */
int jm__json_has_nul(const char *s, size_t len);

/* Nonzero when s[0..len) holds no byte that JSON strings escape (controls, '"', '\\'). */
int jm__json_plain(const char *s, size_t len);
/* Nonzero when one of the eight bytes in w may need escaping (see text.c). */
static inline uint64_t jm__needs_escape8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t ctl = (w - ones * 0x20) & ~w;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return (ctl | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
}

/* The index of the first byte from s[i] on that is one of a, b, c (a value repeated when fewer
 * are wanted), or len: 16 bytes a step where the machine has SSE2. */
static inline size_t jm__find3(const char *s, size_t i, size_t len, char a, char b, char c)
{
#ifdef __SSE2__
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
    for (; len - i >= 16; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
                                   _mm_cmpeq_epi8(x, vc));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; i < len; i++)
        if (s[i] == a || s[i] == b || s[i] == c)
            return i;
    return len;
}

/* Appending to a jm_buf whose room the caller reserved. */
static inline char *jm__put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}
/* "00" to "99": two digits at a time. */
extern const char jm__digit_pairs[200];
static inline char *jm__put2(char *p, unsigned v)
{
    memcpy(p, jm__digit_pairs + 2 * v, 2);
    return p + 2;
}
/* Writes v in decimal; returns the end. Needs 20 bytes. */
char *jm__put_u64(char *p, uint64_t v);
char *jm__put_i64(char *p, int64_t v);
/* Writes v with at most 6 decimals, trailing zeros dropped ("12.5", "30", "7.058824"). Needs 32
 * bytes. Non-finite values are written as 0. */
char *jm__put_fixed6(char *p, double v);
/* Writes v as the shortest text that reads back to the same double. Needs 32 bytes. */
char *jm__put_double(char *p, double v);

#endif
