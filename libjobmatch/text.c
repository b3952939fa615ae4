/* Small text helpers: UTF-8 validation, trimming, ASCII case-folding, fast number output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int jm__utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        /* Fast path: eight ASCII bytes at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + n >= len)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int jm__number_parse(const char *s, size_t len, double *out)
{
    char tmp[64];
    jm__trim(&s, &len);
    if (len == 0 || len >= sizeof tmp)
        return -1;
    size_t i = s[0] == '-';
    size_t from = i;
    while (i < len && is_digit(s[i]))
        i++;
    if (i == from)
        return -1;
    if (i < len && s[i] == '.')
        for (i++; i < len && is_digit(s[i]);)
            i++;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        from = i;
        while (i < len && is_digit(s[i]))
            i++;
        if (i == from)
            return -1;
    }
    if (i != len)
        return -1;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    double v = strtod(tmp, NULL);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int jm__json_has_nul(const char *s, size_t len)
{
    if (memchr(s, '\0', len))
        return 1;
    for (const char *p = s, *end = s + len; (p = memchr(p, '\\', (size_t)(end - p)));) {
        if (end - p < 2)
            return 0;
        if (p[1] == 'u' && end - p >= 6 && memcmp(p + 2, "0000", 4) == 0)
            return 1;
        p += 2; /* past the escape: in \\\\u0000 the backslash is escaped, no NUL */
    }
    return 0;
}

int jm__json_plain(const char *s, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (jm__needs_escape8(w))
            break;
    }
    for (; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
            return 0;
    return 1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void jm__trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && is_space(*p)) {
        p++;
        n--;
    }
    while (n && is_space(p[n - 1]))
        n--;
    *s = p;
    *len = n;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

int jm__same_text(const char *a, size_t alen, const char *b, size_t blen)
{
    jm__trim(&a, &alen);
    jm__trim(&b, &blen);
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

size_t jm__normalize_skill(const char *s, size_t len, char *out)
{
    jm__trim(&s, &len);
    size_t n = 0;
    int in_space = 0;
    for (size_t i = 0; i < len; i++) {
        if (is_space(s[i])) {
            in_space = 1;
            continue;
        }
        if (in_space) {
            out[n++] = ' ';
            in_space = 0;
        }
        out[n++] = lower(s[i]);
    }
    return n;
}

const char jm__digit_pairs[200] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

char *jm__put_u64(char *p, uint64_t v)
{
    if (v < 100) /* scores, points, small counts */
        return v < 10 ? (*p = (char)('0' + v), p + 1) : jm__put2(p, (unsigned)v);
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

char *jm__put_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return jm__put_u64(p, (uint64_t)0 - (uint64_t)v);
    }
    return jm__put_u64(p, (uint64_t)v);
}

char *jm__put_fixed6(char *p, double v)
{
    if (!isfinite(v) || fabs(v) >= 9e12)
        return jm__put_double(p, isfinite(v) ? v : 0.0);
    if (v < 0) {
        *p++ = '-';
        v = -v;
    }
    if (v == (double)(uint64_t)v) /* whole points are the common case */
        return jm__put_u64(p, (uint64_t)v);
    uint64_t scaled = (uint64_t)(v * 1e6 + 0.5); /* v >= 0 here: round half up */
    uint64_t whole = scaled / 1000000;
    unsigned frac = (unsigned)(scaled % 1000000);
    p = whole < 10 ? (*p = (char)('0' + whole), p + 1) : jm__put_u64(p, whole);
    if (frac) {
        char d[6];
        jm__put2(d, frac / 10000);
        jm__put2(d + 2, frac / 100 % 100);
        jm__put2(d + 4, frac % 100);
        int n = 6;
        while (d[n - 1] == '0')
            n--;
        *p++ = '.';
        p = jm__put(p, d, (size_t)n);
    }
    return p;
}

char *jm__put_double(char *p, double v)
{
    if (!isfinite(v))
        v = 0;
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        return jm__put_i64(p, (int64_t)v);
    char tmp[40];
    int n = snprintf(tmp, sizeof tmp, "%.15g", v);
    if (strtod(tmp, NULL) != v)
        n = snprintf(tmp, sizeof tmp, "%.17g", v);
    return jm__put(p, tmp, (size_t)n);
}
