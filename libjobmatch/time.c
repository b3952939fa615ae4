/* Times as record fields hold them: ISO-8601 text to milliseconds since 1970 and back. */
#include <stdint.h>
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/record.h>

#include "text.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* The range four-digit ISO-8601 years can write: 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
 * A time outside it (reached through a zone offset) is refused, not written with a wrong date. */
#define TIME_MIN_MS (-62167219200000LL)
#define TIME_MAX_MS (253402300799999LL)

static unsigned month_days(unsigned y, unsigned m)
{
    static const unsigned char days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : days[m - 1];
}

static int digits(const char *s, size_t len, size_t *pos, unsigned n, unsigned *out)
{
    unsigned v = 0;
    for (unsigned i = 0; i < n; i++) {
        if (*pos >= len || s[*pos] < '0' || s[*pos] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[(*pos)++] - '0');
    }
    *out = v;
    return 0;
}

static int expect(const char *s, size_t len, size_t *pos, char c)
{
    if (*pos < len && s[*pos] == c) {
        (*pos)++;
        return 0;
    }
    return -1;
}

/* Milliseconds of a date, time of day and zone offset read and checked, or JM_EVALUE outside
 * the four-digit years. */
static int to_ms(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned sec,
                 unsigned ms, int64_t offset_min, int64_t *out_ms)
{
    int64_t days = days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    int64_t t = secs * 1000 + ms;
    if (t < TIME_MIN_MS || t > TIME_MAX_MS)
        return JM_EVALUE;
    *out_ms = t;
    return 0;
}

/* Eight bytes as a word, byte i at the i-th lowest address whatever the machine's order. */
static uint64_t word_at(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return w;
}

/* Nonzero when every byte of w is an ASCII digit. A byte that is not has a high nibble other
 * than 3, or one that adding 6 moves past 3; a carry out of a byte comes only from a byte that
 * already fails, so bytes are checked independently. */
static int eight_digits(uint64_t w)
{
    const uint64_t nibbles = 0xF0F0F0F0F0F0F0F0ull, six = 0x0606060606060606ull;
    return ((w & nibbles) | (((w + six) & nibbles) >> 4)) == 0x3333333333333333ull;
}

/* A byte string as its word, for the layout templates below (folded to a constant). */
static uint64_t pattern(const char s[8])
{
    return word_at(s);
}

/* The layout every writer here uses, "YYYY-MM-DDThh:mm:ssZ" or "YYYY-MM-DDThh:mm:ss.mmmZ",
 * checked a word at a time: 0 with *out_ms set, or -1 when s is not in that layout or not a
 * valid time in it, and jm_time_parse() reads it the general way (to the same result). */
static int parse_fixed(const char *s, size_t len, int64_t *out_ms)
{
    if (len != 20 && len != 24)
        return -1;
    /* The words at 0, 8 and len - 8 ("YYYY-MM-", "DDThh:mm", and "h:mm:ssZ" or ":ss.mmmZ"):
     * digits where the mask has 0xff, the layout's own bytes elsewhere. */
    uint64_t w0 = word_at(s), w1 = word_at(s + 8), w2 = word_at(s + len - 8);
    uint64_t d0 = pattern("\xff\xff\xff\xff\0\xff\xff\0"),
             d1 = pattern("\xff\xff\0\xff\xff\0\xff\xff");
    uint64_t d2 =
        len == 20 ? pattern("\xff\0\xff\xff\0\xff\xff\0") : pattern("\0\xff\xff\0\xff\xff\xff\0");
    uint64_t t0 = pattern("0000-00-"), t1 = pattern("00T00:00");
    uint64_t t2 = len == 20 ? pattern("0:00:00Z") : pattern(":00.000Z");
    /* The layout bytes as the template's, and the word with those put to '0' all digits. */
    uint64_t z = pattern("00000000");
    if ((w0 & ~d0) != (t0 & ~d0) || (w1 & ~d1) != (t1 & ~d1) || (w2 & ~d2) != (t2 & ~d2) ||
        !eight_digits((w0 & d0) | (z & ~d0)) || !eight_digits((w1 & d1) | (z & ~d1)) ||
        !eight_digits((w2 & d2) | (z & ~d2)))
        return -1;
#define D(i) ((unsigned)(s[i] - '0'))
    unsigned y = D(0) * 1000 + D(1) * 100 + D(2) * 10 + D(3), mo = D(5) * 10 + D(6),
             d = D(8) * 10 + D(9), h = D(11) * 10 + D(12), mi = D(14) * 10 + D(15),
             sec = D(17) * 10 + D(18), ms = len == 24 ? D(20) * 100 + D(21) * 10 + D(22) : 0;
#undef D
    if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 || sec > 60)
        return -1;
    return to_ms(y, mo, d, h, mi, sec, ms, 0, out_ms) ? -1 : 0;
}

int jm_time_parse(const char *s, size_t len, int64_t *out_ms)
{
    if (parse_fixed(s, len, out_ms) == 0)
        return 0;
    size_t p = 0;
    unsigned y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    while (p < len && (s[p] == ' ' || s[p] == '\t'))
        p++;
    if (digits(s, len, &p, 4, &y) || expect(s, len, &p, '-') || digits(s, len, &p, 2, &mo) ||
        expect(s, len, &p, '-') || digits(s, len, &p, 2, &d))
        return JM_EVALUE;
    if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
        return JM_EVALUE;
    int64_t offset_min = 0;
    if (p < len && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
        p++;
        if (digits(s, len, &p, 2, &h) || expect(s, len, &p, ':') || digits(s, len, &p, 2, &mi))
            return JM_EVALUE;
        if (expect(s, len, &p, ':') == 0) {
            if (digits(s, len, &p, 2, &sec))
                return JM_EVALUE;
            if (p < len && (s[p] == '.' || s[p] == ',')) {
                p++;
                unsigned scale = 100, nd = 0;
                while (p < len && s[p] >= '0' && s[p] <= '9') {
                    ms += (unsigned)(s[p++] - '0') * scale;
                    scale /= 10;
                    nd++;
                }
                if (!nd)
                    return JM_EVALUE;
            }
        }
        if (h > 23 || mi > 59 || sec > 60)
            return JM_EVALUE;
        if (p < len && (s[p] == 'Z' || s[p] == 'z')) {
            p++;
        } else if (p < len && (s[p] == '+' || s[p] == '-')) {
            int sign = s[p++] == '-' ? -1 : 1;
            unsigned oh, om = 0;
            if (digits(s, len, &p, 2, &oh))
                return JM_EVALUE;
            if (expect(s, len, &p, ':') == 0 || (p < len && s[p] >= '0' && s[p] <= '9'))
                if (digits(s, len, &p, 2, &om))
                    return JM_EVALUE;
            if (oh > 23 || om > 59)
                return JM_EVALUE;
            offset_min = sign * (int64_t)(oh * 60 + om);
        }
    }
    if (p != len)
        return JM_EVALUE;
    return to_ms(y, mo, d, h, mi, sec, ms, offset_min, out_ms);
}

#define put2 jm__put2

static char *format_seconds(int64_t secs, char *out);

size_t jm_time_format(int64_t ms, char *out)
{
    /* Outside four-digit years: the nearest time that can be written, so order is kept. */
    ms = ms < TIME_MIN_MS ? TIME_MIN_MS : ms > TIME_MAX_MS ? TIME_MAX_MS : ms;
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    unsigned frac = (unsigned)(ms - secs * 1000);
    /* Writers format the same second over and over (an arrival's applications share their
     * timestamp, between application dates that vary): keep the last two per thread. */
    static _Thread_local int64_t cached_secs[2] = {INT64_MIN, INT64_MIN};
    static _Thread_local char cached_text[2][19];
    static _Thread_local int recent;
    char *p = out + 19;
    if (secs == cached_secs[recent]) {
        memcpy(out, cached_text[recent], 19);
    } else if (secs == cached_secs[!recent]) {
        recent = !recent;
        memcpy(out, cached_text[recent], 19);
    } else {
        recent = !recent; /* replace the one used least recently */
        format_seconds(secs, out);
        memcpy(cached_text[recent], out, 19);
        cached_secs[recent] = secs;
    }
    if (frac) {
        *p++ = '.';
        *p++ = (char)('0' + frac / 100);
        p = put2(p, frac % 100);
    }
    *p++ = 'Z';
    *p = '\0';
    return (size_t)(p - out);
}

/* Writes "YYYY-MM-DDThh:mm:ss" (19 bytes) for secs; returns the end. */
static char *format_seconds(int64_t secs, char *out)
{
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    unsigned rem = (unsigned)(secs - days * 86400);
    char *p = out;
    {
        int64_t y;
        unsigned m, d;
        civil_from_days(days, &y, &m, &d); /* 0 <= y <= 9999: jm_time_format() clamps */
        p = put2(p, (unsigned)(y / 100));
        p = put2(p, (unsigned)(y % 100));
        *p++ = '-';
        p = put2(p, m);
        *p++ = '-';
        p = put2(p, d);
    }
    *p++ = 'T';
    p = put2(p, rem / 3600);
    *p++ = ':';
    p = put2(p, rem / 60 % 60);
    *p++ = ':';
    p = put2(p, rem % 60);
    return p;
}
