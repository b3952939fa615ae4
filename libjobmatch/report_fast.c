/* A fast scanner for application lines in the exact shape jm-match writes, for jm-report.
 *
 * cJSON builds a tree of a dozen allocations per line; at millions of applications a second that
 * is most of the time. Lines written by jm_write_ndjson() have one fixed layout, so this reads
 * them with literal compares and bails out (returns 0) at the first byte that differs: non-ASCII
 * or escaped text, another key order, a null, a non-integer score... The caller then parses the
 * line with jm_parse_ndjson(), so the scanner only ever accepts lines that parser reads to the
 * same values (tests/unit/test_report.c checks both paths agree). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

typedef struct scan {
    const char *p, *end;
} scan;

/* Inlined so that each memcmp has a constant size the compiler expands. */
static inline __attribute__((always_inline)) int lit(scan *s, const char *text, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, text, n) != 0)
        return 0;
    s->p += n;
    return 1;
}

#define LIT(s, text) lit((s), (text), sizeof(text) - 1)

/* Word-at-a-time byte tests (eight bytes per step): the high bit of each byte of the result is
 * set where the test holds; the lowest such byte is always exact. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
static inline uint64_t zero_bytes(uint64_t w)
{
    return (w - ONES) & ~w & HIGHS;
}
static inline uint64_t bytes_eq(uint64_t w, unsigned char c)
{
    return zero_bytes(w ^ (ONES * c));
}
/* Bytes that may not appear: controls, DEL, non-ASCII and the backslash (exact for bytes
 * under 0x80, and any byte from 0x80 is bad anyway). */
static inline uint64_t bad_bytes(uint64_t w)
{
    return ((w - ONES * 0x20) & ~w & HIGHS) | (w & HIGHS) | bytes_eq(w, 0x7F) | bytes_eq(w, '\\');
}

/* A string of printable ASCII without escapes, scanned eight bytes at a time. */
static int str(scan *s, jm__str *out)
{
    if (s->p >= s->end || *s->p != '"')
        return 0;
    const char *from = s->p + 1, *q = from;
    while (s->end - q >= 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        uint64_t quote = bytes_eq(w, '"');
        uint64_t bad = bad_bytes(w);
        if (quote) {
            /* Only the bytes before the first quote count. */
            uint64_t before = (quote & -quote) - 1;
            if (bad & before)
                return 0;
            q += __builtin_ctzll(quote) / 8;
            goto found;
        }
        if (bad)
            return 0;
        q += 8;
    }
    for (;; q++) {
        if (q >= s->end)
            return 0;
        unsigned char c = (unsigned char)*q;
        if (c == '"')
            break;
        if (c < 0x20 || c >= 0x7F || c == '\\')
            return 0;
    }
found:
    out->s = from;
    out->len = (size_t)(q - from);
    s->p = q + 1;
    return 1;
}

static int digit(const scan *s)
{
    return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

/* A JSON number, checked by its grammar; the value is not needed. One with an exponent is
 * left to the parser unless it is short and finite: 1e400 is refused there (one rule). */
static int number(scan *s)
{
    const char *from = s->p;
    if (s->p < s->end && *s->p == '-')
        s->p++;
    if (!digit(s))
        return 0;
    if (*s->p == '0')
        s->p++;
    else
        while (digit(s))
            s->p++;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (!digit(s))
            return 0;
        while (digit(s))
            s->p++;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        if (!digit(s))
            return 0;
        while (digit(s))
            s->p++;
        char tmp[32];
        size_t n = (size_t)(s->p - from);
        if (n >= sizeof tmp)
            return 0;
        memcpy(tmp, from, n);
        tmp[n] = '\0';
        return isfinite(strtod(tmp, NULL));
    }
    return s->p - from < 300; /* longer, it could pass DBL_MAX: the parser decides */
}

/* A score: a JSON integer 0-100 written without sign, fraction or exponent. */
static int score(scan *s, int *out)
{
    int v = 0, n = 0;
    while (digit(s) && n < 4) {
        v = v * 10 + (*s->p++ - '0');
        n++;
    }
    if (n == 0 || n > 3 || v > 100 || (n > 1 && s->p[-n] == '0'))
        return 0;
    if (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E'))
        return 0;
    *out = v;
    return 1;
}

/* A time, read by the library's one time parser (the calendar lives in time.c only). */
static int time_value(const jm__str *t, int64_t *out)
{
    return jm_time_parse(t->s, t->len, out) == 0;
}

int jm__report_scan_application(const char *line, size_t len, jm__app_view *a)
{
    scan s = {line, line + len};
    jm__str date, ts;
    if (!LIT(&s, "{\"type\":\"application\",\"application_id\":") || !str(&s, &a->id) ||
        !a->id.len || !LIT(&s, ",\"candidate_id\":") || !str(&s, &a->candidate) ||
        !LIT(&s, ",\"post_id\":") || !str(&s, &a->post) || !LIT(&s, ",\"job_family\":") ||
        !str(&s, &a->family) || !LIT(&s, ",\"compatibility_score\":") || !score(&s, &a->score) ||
        !LIT(&s, ",\"components\":{\"category\":") || !number(&s) || !LIT(&s, ",\"skills\":") ||
        !number(&s) || !LIT(&s, ",\"experience\":") || !number(&s) || !LIT(&s, ",\"seniority\":") ||
        !number(&s) || !LIT(&s, ",\"salary\":") || !number(&s) || !LIT(&s, "},\"status\":") ||
        !str(&s, &a->status) || !LIT(&s, ",\"match_reason\":") || !str(&s, &a->reason) ||
        !LIT(&s, ",\"application_method\":") || !str(&s, &a->method) ||
        !LIT(&s, ",\"application_date\":") || !str(&s, &date) || !LIT(&s, ",\"timestamp\":") ||
        !str(&s, &ts) || !LIT(&s, "}") || s.p != s.end)
        return 0;
    if (!time_value(&date, &a->date) || !time_value(&ts, &a->ts))
        return 0;
    a->has_date = a->has_ts = 1;
    return 1;
}
