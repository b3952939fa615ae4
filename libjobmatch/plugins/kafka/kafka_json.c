/* One top-level string field of an NDJSON record, found without decoding the rest: the keys
 * and partitions of the messages the module produces, and the ids it remembers. */
#include <string.h>

#include "kafka.h"

typedef struct scan {
    const char *p, *end;
} scan;

static void skip_ws(scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
        s->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* Reads the string at s->p (which is '"'). With out, decodes it there (NUL-terminated; 0 when it
 * does not fit); without, only skips it. 1 on success. */
static int string(scan *s, char *out, size_t outsz)
{
    size_t n = 0;
    s->p++;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p++;
        unsigned cp;
        char one[4];
        size_t k = 1;
        if (c == '"') {
            if (out) {
                if (n >= outsz)
                    return 0;
                out[n] = '\0';
            }
            return 1;
        }
        if (c != '\\') {
            one[0] = (char)c;
        } else {
            if (s->p >= s->end)
                return 0;
            char e = *s->p++;
            switch (e) {
            case '"':
            case '\\':
            case '/': one[0] = e; break;
            case 'b': one[0] = '\b'; break;
            case 'f': one[0] = '\f'; break;
            case 'n': one[0] = '\n'; break;
            case 'r': one[0] = '\r'; break;
            case 't': one[0] = '\t'; break;
            case 'u':
                if (s->end - s->p < 4 || !hex4(s->p, &cp))
                    return 0;
                s->p += 4;
                if (cp >= 0xD800 && cp < 0xDC00) {
                    unsigned lo;
                    if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
                        !hex4(s->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                        return 0;
                    s->p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                if (cp < 0x80) {
                    one[0] = (char)cp;
                } else if (cp < 0x800) {
                    one[0] = (char)(0xC0 | cp >> 6);
                    one[1] = (char)(0x80 | (cp & 0x3F));
                    k = 2;
                } else if (cp < 0x10000) {
                    one[0] = (char)(0xE0 | cp >> 12);
                    one[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    one[2] = (char)(0x80 | (cp & 0x3F));
                    k = 3;
                } else {
                    one[0] = (char)(0xF0 | cp >> 18);
                    one[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                    one[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    one[3] = (char)(0x80 | (cp & 0x3F));
                    k = 4;
                }
                break;
            default: return 0;
            }
        }
        if (out) {
            if (n + k >= outsz)
                return 0;
            memcpy(out + n, one, k);
        }
        n += k;
    }
    return 0;
}

/* Skips one value of any kind. 1 on success. */
static int value(scan *s)
{
    skip_ws(s);
    if (s->p >= s->end)
        return 0;
    if (*s->p == '"')
        return string(s, NULL, 0);
    if (*s->p == '{' || *s->p == '[') {
        int depth = 0;
        while (s->p < s->end) {
            char c = *s->p;
            if (c == '"') {
                if (!string(s, NULL, 0))
                    return 0;
                continue;
            }
            s->p++;
            if (c == '{' || c == '[')
                depth++;
            else if ((c == '}' || c == ']') && --depth == 0)
                return 1;
        }
        return 0;
    }
    /* A number, true, false or null: up to the next delimiter. */
    while (s->p < s->end && *s->p != ',' && *s->p != '}' && *s->p != ']' && *s->p != ' ' &&
           *s->p != '\t' && *s->p != '\r' && *s->p != '\n')
        s->p++;
    return 1;
}

int jm__kafka_json_string(const char *text, size_t len, const char *name, char *out, size_t outsz)
{
    scan s = {text, text + len};
    /* A UTF-8 byte order mark, as the reader allows. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        s.p += 3;
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{')
        return 0;
    s.p++;
    size_t nlen = strlen(name);
    char key[64];
    for (;;) {
        skip_ws(&s);
        if (s.p >= s.end || *s.p != '"')
            return 0;
        /* A key longer than any we look for is skipped undecoded. */
        const char *kstart = s.p;
        int is_name =
            string(&s, key, sizeof key) && strlen(key) == nlen && memcmp(key, name, nlen) == 0;
        if (!is_name) {
            s.p = kstart;
            if (!string(&s, NULL, 0))
                return 0;
        }
        skip_ws(&s);
        if (s.p >= s.end || *s.p != ':')
            return 0;
        s.p++;
        skip_ws(&s);
        if (is_name)
            return s.p < s.end && *s.p == '"' && string(&s, out, outsz);
        if (!value(&s))
            return 0;
        skip_ws(&s);
        if (s.p >= s.end || *s.p != ',')
            return 0;
        s.p++;
    }
}
