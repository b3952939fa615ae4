/* The fast NDJSON record scanner: one line into a record straight from its bytes, with no JSON
 * tree and one block of record memory, for the lines that are plain JSON objects.
 *
 * It reads a strict subset of JSON (RFC 8259 numbers, space and tab between tokens, the escapes
 * cJSON decodes the same way) and gives up (JM__SCAN_FALLBACK) at anything else: another white
 * space, a leading BOM, an escaped key, a lone surrogate, \u0000, invalid UTF-8, a long number,
 * deep nesting, a field set twice (a duplicate key or an alias of a field already set), a key
 * that names an id in other letter case, a wrong type, a record jm__record_finish() refuses. The
 * caller then parses the line with the general parser (ndjson.c), so every reject and its reason
 * come from that one place, and a record this scanner fills is the one the general parser fills
 * (tests/fuzz/fuzz_ndjson_diff.c compares the two). Nothing is written to the record until the
 * whole line has been read and checked.
 *
 * The lines our writers make are read with least work: a line that opens {"type":"<kind>" has
 * its kind from the start, and each key is first taken to be the one the writers put next
 * (jm_write_ndjson() and jm-gen write a kind's fields in one order), checked with one compare;
 * a string's end is found in a bit index of its 64-byte block (ndjson_index.c); the text the
 * record keeps is copied in one piece, and each string ends in place. */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/reader.h>

#include "ndjson_index.h"
#include "ndjson_scan.h"
#include "record_internal.h"
#include "text.h"

enum {
    MAX_MEMBERS = 64, /* top-level members of one line */
    MAX_ITEMS = 1024, /* strings in the line's arrays together */
    MAX_DEPTH = 16,   /* nesting of values nobody reads (cJSON allows 1000) */
    MAX_NUMBER = 40,  /* characters of one number (cJSON reads 63) */
    MAX_KEY = 32      /* longest field name or alias the table has, and then some */
};

/* A string's flags: it holds escapes (decode it), or bytes from 0x80 (checked as UTF-8). */
enum { STR_ESCAPED = 1, STR_HIGH = 2 };

typedef struct span {
    const char *s; /* the raw text between the quotes */
    uint32_t len;
    uint32_t flags;
} span;

enum vtype { V_NULL, V_LITERAL, V_STRING, V_NUMBER, V_STRINGS, V_ARRAY, V_OBJECT };

/* What a member's key stands for: a field (0 and up), or one of these. */
enum {
    KEY_UNKNOWN = -1,   /* not looked up yet */
    KEY_NONE = -2,      /* no field of the kind: the member is ignored */
    KEY_TYPE = -3,      /* "type" */
    KEY_SALARY = -4,    /* a job's "salary": both bounds */
    KEY_LOCATION = -5,  /* a candidate's "location": city and country */
    KEY_COMPONENTS = -6 /* an application's "components" object */
};

typedef struct member {
    span key; /* only of a key read the general way, not of one that was expected */
    enum vtype type;
    int field;             /* KEY_* or a field of the line's kind */
    span str;              /* V_STRING */
    double num;            /* V_NUMBER */
    uint32_t first, count; /* V_STRINGS: items[first .. first + count) */
    const char *obj;       /* V_OBJECT: from its '{' to past its '}' */
    size_t obj_len;
} member;

/* The id keys the kind of an untyped record is told by. */
enum { ID_POST = 1, ID_CAND = 2, ID_APP = 4 };

typedef struct scan {
    const char *line, *end;
    jm_kind kind; /* known from the line's start, or JM_KIND_NONE until it has been read */
    unsigned nm, ni;
    unsigned ids; /* ID_* keys present, whatever their value */
    int type_at;  /* the member "type", or -1 */
    jm__index ix; /* where the line's strings end */
    member m[MAX_MEMBERS];
    span items[MAX_ITEMS];
} scan;

#define FALLBACK JM__SCAN_FALLBACK

/* ---- field names -------------------------------------------------------------------------- */

/* Every name and alias of the field table, found by its length and first eight bytes (a word)
 * in a small open hash; names with the same length and first word are chained in field order,
 * so that the first one of a kind is the one jm_field_lookup() finds. */
enum { NAME_SLOTS = JM_FIELD_COUNT * 3, HASH_SLOTS = 512 };
static struct name_entry {
    uint64_t head;
    const char *name;
    unsigned char len, field;
    short next; /* the next entry of the same length and head, or -1 */
} names[NAME_SLOTS];
static short hash_slot[HASH_SLOTS]; /* an entry, or -1 */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static unsigned hash_of(uint64_t head, size_t len)
{
    return (unsigned)(((head ^ len) * UINT64_C(0x9E3779B97F4A7C15)) >> 55) & (HASH_SLOTS - 1);
}

/* The first eight bytes of s[0..len), zero-padded. */
static uint64_t head_of(const char *s, size_t len)
{
    uint64_t w = 0;
    memcpy(&w, s, len < 8 ? len : 8);
    return w;
}

static void names_build(void)
{
    short n = 0;
    for (unsigned i = 0; i < HASH_SLOTS; i++)
        hash_slot[i] = -1;
    for (int f = 0; f < JM_FIELD_COUNT; f++) {
        const char *all[3] = {jm__fields[f].name, jm__fields[f].alias, jm__fields[f].alias2};
        for (int k = 0; k < 3; k++) {
            size_t len = all[k] ? strlen(all[k]) : 0;
            if (!len || len > MAX_KEY)
                continue;
            struct name_entry *e = &names[n];
            *e = (struct name_entry){head_of(all[k], len), all[k], (unsigned char)len,
                                     (unsigned char)f, -1};
            unsigned h = hash_of(e->head, len);
            while (hash_slot[h] >= 0 &&
                   !(names[hash_slot[h]].len == len && names[hash_slot[h]].head == e->head))
                h = (h + 1) & (HASH_SLOTS - 1);
            if (hash_slot[h] < 0) {
                hash_slot[h] = n;
            } else {
                short *at = &names[hash_slot[h]].next;
                while (*at >= 0)
                    at = &names[*at].next;
                *at = n;
            }
            n++;
        }
    }
}

/* jm_field_lookup() for a key of the line (which goes on at least to line_end). */
static int field_of(jm_kind kind, const char *key, size_t len, const char *line_end)
{
    if (len == 0 || len > MAX_KEY)
        return -1;
    uint64_t head;
    if (line_end - key >= 8) {
        memcpy(&head, key, 8);
        if (len < 8) /* keep the first len bytes, where memcpy put them */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            head &= (UINT64_C(1) << (8 * len)) - 1;
#else
            head &= ~(UINT64_MAX >> (8 * len));
#endif
    } else {
        head = head_of(key, len);
    }
    for (unsigned h = hash_of(head, len); hash_slot[h] >= 0; h = (h + 1) & (HASH_SLOTS - 1)) {
        const struct name_entry *e = &names[hash_slot[h]];
        if (e->len != len || e->head != head)
            continue;
        for (;; e = &names[e->next]) {
            if ((len <= 8 || memcmp(e->name + 8, key + 8, len - 8) == 0) &&
                (jm__fields[e->field].kinds >> kind & 1u))
                return e->field;
            if (e->next < 0)
                return -1;
        }
    }
    return -1;
}

static int key_is(const span *k, const char *name, size_t len)
{
    return k->len == len && memcmp(k->s, name, len) == 0;
}
#define KEY_IS(k, lit) key_is((k), (lit), sizeof(lit) - 1)

static int same_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != b[i])
            return 0;
    }
    return 1;
}

/* The general parser tells an untyped record by cJSON_HasObjectItem(), which ignores case: a
 * key that names an id in other letters is left to it. 0, or FALLBACK. */
static int note_id_key(scan *sc, const span *k)
{
    static const struct {
        const char *name;
        size_t len;
        unsigned bit;
    } ids[] = {
        {"post_id", 7, ID_POST}, {"candidate_id", 12, ID_CAND}, {"application_id", 14, ID_APP}};
    unsigned i = k->len == 7 ? 0 : k->len == 12 ? 1 : k->len == 14 ? 2 : 3;
    if (i < 3 && same_ci(k->s, ids[i].name, k->len)) {
        if (memcmp(k->s, ids[i].name, k->len) != 0)
            return FALLBACK;
        sc->ids |= ids[i].bit;
    }
    return 0;
}

/* ---- the writers' order ------------------------------------------------------------------- */

/* jm_write_ndjson() and jm-gen open a line with {"type":"<kind>" and then write the kind's fields
 * in one order (jm__kind_fields()), each key as ,"name": straight after the value before it, an
 * application's points inside one ,"components":{...}. The scanner expects the key that comes
 * next in that order and checks it with one masked compare of three words; any other key is
 * read the general way, and the expectation goes on after the field it named. */
enum { KEY_BYTES = 24, ORDER_MAX = 24 };
typedef struct expected_key {
    uint64_t w[3], mask[3]; /* the text and which of its bytes count, as read from the line */
    int field;              /* a field, KEY_COMPONENTS or KEY_TYPE */
    unsigned len;           /* of the text */
} expected_key;
static expected_key orders[JM_KIND_APPLICATION + 1][ORDER_MAX + 1];
static signed char order_at[JM_KIND_APPLICATION + 1][JM_FIELD_COUNT]; /* in orders, or -1 */
static expected_key kind_open[JM_KIND_APPLICATION + 1];               /* {"type":"<kind>" */
/* What is expected where no key can be: a NUL, never the comma before a key (and none taken). */
static expected_key no_key;

static void expect_text(expected_key *e, const char *text, size_t len, int field)
{
    unsigned char bytes[KEY_BYTES] = {0}, mask[KEY_BYTES] = {0};
    memcpy(bytes, text, len);
    memset(mask, 0xFF, len);
    memcpy(e->w, bytes, sizeof bytes);
    memcpy(e->mask, mask, sizeof mask);
    e->field = field;
    e->len = (unsigned)len;
}

/* Nonzero when p, which has KEY_BYTES bytes to read, starts with e's text. */
static inline int starts_with(const char *p, const expected_key *e)
{
    uint64_t a, b, c;
    memcpy(&a, p, 8);
    memcpy(&b, p + 8, 8);
    memcpy(&c, p + 16, 8);
    return (((a ^ e->w[0]) & e->mask[0]) | ((b ^ e->w[1]) & e->mask[1]) |
            ((c ^ e->w[2]) & e->mask[2])) == 0;
}

static void orders_build(void)
{
    expect_text(&no_key, "", 1, KEY_NONE);
    no_key.len = 0;
    for (jm_kind k = JM_KIND_JOB_POST; k <= JM_KIND_APPLICATION; k++) {
        char open[KEY_BYTES + 1];
        int n = snprintf(open, sizeof open, "{\"type\":\"%s\"", jm_kind_name(k));
        expect_text(&kind_open[k], open, (size_t)n, KEY_TYPE);
        memset(order_at[k], -1, sizeof order_at[k]);
        unsigned at = 0;
        for (const jm_field *f = jm__kind_fields(k); *f != JM_FIELD_COUNT && at < ORDER_MAX; f++) {
            if (*f >= JM_FIELD_POINTS_CATEGORY && *f <= JM_FIELD_POINTS_SALARY) {
                if (*f == JM_FIELD_POINTS_CATEGORY)
                    expect_text(&orders[k][at++], ",\"components\":", 14, KEY_COMPONENTS);
                order_at[k][*f] = (signed char)(at - 1);
            } else if (jm__fields[*f].key_len <= KEY_BYTES) {
                order_at[k][*f] = (signed char)at;
                expect_text(&orders[k][at++], jm__fields[*f].key, jm__fields[*f].key_len, *f);
            }
        }
        orders[k][at] = no_key; /* after the last: nothing more is expected */
    }
}

/* jm__fields[f].type, a byte a field. */
static unsigned char field_type[JM_FIELD_COUNT];

static void tables_build(void)
{
    for (int f = 0; f < JM_FIELD_COUNT; f++)
        field_type[f] = (unsigned char)jm__fields[f].type;
    names_build();
    orders_build();
}
/* ---- tokens ------------------------------------------------------------------------------- */

/* Each reader takes the cursor p and the end of what it may read, and returns the cursor past
 * what it read, or NULL where the line is left to the general parser: the cursor stays in a
 * register through the whole line. */

static inline const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned d = c >= '0' && c <= '9'   ? c - '0'
                     : c >= 'a' && c <= 'f' ? c - 'a' + 10
                     : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                            : 16;
        if (d == 16)
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/* One escape at p (a backslash) that cJSON decodes as JSON says: its length, or 0. \u0000 and
 * lone surrogates are left to the general parser. */
static size_t escape_len(const char *p, const char *end)
{
    if (end - p < 2)
        return 0;
    switch (p[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': return 2;
    case 'u': break;
    default: return 0;
    }
    unsigned hi, lo;
    if (end - p < 6 || hex4(p + 2, &hi) || hi == 0 || (hi >= 0xDC00 && hi <= 0xDFFF))
        return 0;
    if (hi < 0xD800 || hi > 0xDBFF)
        return 6;
    if (end - p < 12 || p[6] != '\\' || p[7] != 'u' || hex4(p + 8, &lo) || lo < 0xDC00 ||
        lo > 0xDFFF)
        return 0;
    return 12;
}

/* A string at p (its opening quote). Inlined: it is most of the work. */
static inline __attribute__((always_inline)) const char *scan_string(scan *sc, const char *p,
                                                                     const char *end, span *out)
{
    const char *from = p + 1, *q = from;
    uint32_t flags = 0;
    for (;;) {
        q = jm__index_next(&sc->ix, q);
        if (q >= end)
            return NULL;
        unsigned char c = (unsigned char)*q;
        if (c == '"')
            break;
        if (c == '\\') {
            size_t n = escape_len(q, end);
            if (!n)
                return NULL;
            flags |= STR_ESCAPED;
            q += n;
        } else if (c < 0x20) {
            return NULL; /* a raw control character, which cJSON takes and JSON does not */
        } else if (c >= 0x80) {
            flags |= STR_HIGH;
            while (q < end && (unsigned char)*q >= 0x80)
                q++;
        } else {
            q++; /* not a stop byte: no index gives one, but never stay in place */
        }
    }
    if ((flags & STR_HIGH) && !jm__utf8_valid(from, (size_t)(q - from)))
        return NULL;
    out->s = from;
    out->len = (uint32_t)(q - from);
    out->flags = flags;
    return q + 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A JSON number, read to the same double strtod() gives: exact when its digits fit 2^53 and
 * its power of ten is at most 22 (one correctly rounded multiply or divide of two exact
 * values, as Clinger showed). Anything else is left to the general parser. */
static const char *scan_number(const char *p, const char *end, double *out)
{
#if FLT_EVAL_METHOD != 0
    (void)p;
    (void)end;
    (void)out;
    return NULL; /* extended intermediate precision would round twice */
#else
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    /* Most numbers: an integer of at most 15 digits, then a comma or a bracket. */
    if (end - p >= 16 && *p >= '1' && *p <= '9') {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* Up to seven digits a word at a time: each byte less '0', the first that is not a
         * digit found (before it nothing borrows or carries), the digits moved to the top
         * and combined in pairs, fours and eights (as simdjson does). */
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t t = w - 0x3030303030303030ull;
        uint64_t other = (t | (t + 0x7676767676767676ull)) & 0x8080808080808080ull;
        if (other) {
            unsigned n = (unsigned)__builtin_ctzll(other) >> 3;
            if (p[n] == ',' || p[n] == '}' || p[n] == ']') {
                uint64_t v = t << (8 * (8 - n));
                v = v * 10 + (v >> 8);
                v = ((v & 0x000000FF000000FFull) * 0x000F424000000064ull +
                     (v >> 16 & 0x000000FF000000FFull) * 0x0000271000000001ull) >>
                    32;
                *out = (double)v;
                return p + n;
            }
        }
#endif
        const char *q = p + 1;
        uint64_t m = (uint64_t)(*p - '0');
        while (q - p < 15 && is_digit(*q))
            m = m * 10 + (uint64_t)(*q++ - '0');
        if (*q == ',' || *q == '}' || *q == ']') {
            *out = (double)m;
            return q;
        }
    }
    const char *from = p;
    int neg = 0;
    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }
    if (p >= end || !is_digit(*p))
        return NULL;
    uint64_t m = 0;
    int digits = 0, exp10 = 0;
    if (*p == '0') {
        p++;
    } else {
        while (p < end && is_digit(*p)) {
            m = m * 10 + (uint64_t)(*p++ - '0');
            if (++digits > 15)
                return NULL;
        }
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p))
            return NULL;
        while (p < end && is_digit(*p)) {
            m = m * 10 + (uint64_t)(*p++ - '0');
            if (m)
                digits++;
            if (digits > 15)
                return NULL;
            exp10--;
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0, e = 0, ed = 0;
        if (p < end && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        while (p < end && is_digit(*p)) {
            e = e * 10 + (*p++ - '0');
            if (++ed > 4)
                return NULL;
        }
        if (!ed)
            return NULL;
        exp10 += eneg ? -e : e;
    }
    if (p - from > MAX_NUMBER)
        return NULL;
    /* What may follow a number in JSON; cJSON stops at it too. */
    if (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t')
        return NULL;
    double v;
    if (m == 0)
        v = 0.0;
    else if (exp10 >= 0 && exp10 <= 22)
        v = (double)m * pow10[exp10];
    else if (exp10 < 0 && exp10 >= -22)
        v = (double)m / pow10[-exp10];
    else
        return NULL;
    if (!isfinite(v))
        return NULL;
    *out = neg ? -v : v;
    return p;
#endif
}

static const char *scan_literal(const char *p, const char *end, const char *word, size_t n)
{
    if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
        return NULL;
    return p + n;
}

static const char *skip_value(scan *sc, const char *p, const char *end, int depth);

/* Past the opening bracket at p and white space; *closed: whether the closing one followed
 * (then it is taken too). */
static inline __attribute__((always_inline)) const char *
open_bracket(const char *p, const char *end, char close, int *closed)
{
    p = skip_ws(p + 1, end);
    *closed = p < end && *p == close;
    return *closed ? p + 1 : p;
}

enum { MORE = 0, CLOSED = 2 }; /* what comes after a value: a comma, or the closing bracket */

/* After a member or an item: past a comma and white space (*next MORE) or past the closing
 * bracket (CLOSED), or NULL. */
static inline __attribute__((always_inline)) const char *after_value(const char *p, const char *end,
                                                                     char close, int *next)
{
    p = skip_ws(p, end);
    if (p >= end)
        return NULL;
    if (*p == close) {
        *next = CLOSED;
        return p + 1;
    }
    if (*p != ',')
        return NULL;
    *next = MORE;
    return skip_ws(p + 1, end);
}

/* The members of an object at p (its '{'), read and dropped. */
static const char *skip_object(scan *sc, const char *p, const char *end, int depth)
{
    int closed, next;
    p = open_bracket(p, end, '}', &closed);
    if (closed)
        return p;
    for (;;) {
        span key;
        if (p >= end || *p != '"' || !(p = scan_string(sc, p, end, &key)))
            return NULL;
        p = skip_ws(p, end);
        if (p >= end || *p != ':')
            return NULL;
        p = skip_ws(p + 1, end);
        if (!(p = skip_value(sc, p, end, depth + 1)) || !(p = after_value(p, end, '}', &next)))
            return NULL;
        if (next == CLOSED)
            return p;
    }
}

static const char *skip_array(scan *sc, const char *p, const char *end, int depth)
{
    int closed, next;
    p = open_bracket(p, end, ']', &closed);
    if (closed)
        return p;
    for (;;) {
        if (!(p = skip_value(sc, p, end, depth + 1)) || !(p = after_value(p, end, ']', &next)))
            return NULL;
        if (next == CLOSED)
            return p;
    }
}

/* Any JSON value, checked and dropped: what a field nobody reads holds. */
static const char *skip_value(scan *sc, const char *p, const char *end, int depth)
{
    if (depth > MAX_DEPTH || p >= end)
        return NULL;
    span s;
    double d;
    switch (*p) {
    case '"': return scan_string(sc, p, end, &s);
    case '{': return skip_object(sc, p, end, depth);
    case '[': return skip_array(sc, p, end, depth);
    case 'n': return scan_literal(p, end, "null", 4);
    case 't': return scan_literal(p, end, "true", 4);
    case 'f': return scan_literal(p, end, "false", 5);
    default: return scan_number(p, end, &d);
    }
}

/* Nonzero when p starts with ," (two bytes to read). */
static inline int starts_comma_quote(const char *p)
{
    static const char pair[2] = {',', '"'};
    uint16_t a, b;
    memcpy(&a, p, 2);
    memcpy(&b, pair, 2);
    return a == b;
}

/* An array at p: its strings kept as items when it holds nothing else. */
static const char *scan_array(scan *sc, const char *p, const char *end, member *m)
{
    const char *open = p;
    int closed, next;
    m->type = V_STRINGS;
    m->first = sc->ni;
    m->count = 0;
    p = open_bracket(p, end, ']', &closed);
    if (closed)
        return p;
    span *item = &sc->items[sc->ni], *full = &sc->items[MAX_ITEMS];
    while (p < end && *p == '"') {
        if (item == full || !(p = scan_string(sc, p, end, item)))
            return NULL;
        item++;
        if (end - p >= 2 && starts_comma_quote(p)) {
            p++; /* the writers' separator: the next string straight after the comma */
            continue;
        }
        if (!(p = after_value(p, end, ']', &next)))
            return NULL;
        if (next == CLOSED) {
            sc->ni = (unsigned)(item - sc->items);
            m->count = sc->ni - m->first;
            return p;
        }
    }
    if (p >= end)
        return NULL;
    /* Not a list of strings: checked whole, and no field takes it. */
    m->type = V_ARRAY;
    return skip_array(sc, open, end, 0);
}

static inline __attribute__((always_inline)) const char *
scan_member_value(scan *sc, const char *p, const char *end, member *m)
{
again:
    if (p >= end)
        return NULL;
    switch (*p) {
    case '"': m->type = V_STRING; return scan_string(sc, p, end, &m->str);
    case '[': return scan_array(sc, p, end, m);
    case '{': {
        const char *open = p;
        m->type = V_OBJECT;
        if (!(p = skip_object(sc, p, end, 0)))
            return NULL;
        m->obj = open;
        m->obj_len = (size_t)(p - open);
        return p;
    }
    case 'n': m->type = V_NULL; return scan_literal(p, end, "null", 4);
    case 't': m->type = V_LITERAL; return scan_literal(p, end, "true", 4);
    case 'f': m->type = V_LITERAL; return scan_literal(p, end, "false", 5);
    default:
        if (*p == ' ' || *p == '\t') {
            p = skip_ws(p, end); /* after an expected key's colon, which takes none */
            goto again;
        }
        m->type = V_NUMBER;
        return scan_number(p, end, &m->num);
    }
}

/* ---- which member sets which field -------------------------------------------------------- */

/* Where each field's value comes from, once the line is known good: a member's string or list,
 * the location (which sets the city and country itself), or else val. */
typedef struct plan {
    uint64_t set;            /* fields to set */
    uint64_t strings, lists; /* of them, those set from src */
    const member *src[JM_FIELD_COUNT];
    const member *location;        /* or NULL */
    jm__value val[JM_FIELD_COUNT]; /* numbers, integers and times */
    size_t slots;                  /* item pointers the lists take */
    const char *hi; /* the line up to here holds every string kept, closing quotes in */
} plan;

static int claim(plan *pl, int f)
{
    if (pl->set >> f & 1)
        return FALLBACK; /* set twice: a duplicate key or two names of one field */
    pl->set |= UINT64_C(1) << f;
    return 0;
}

static int plan_number(plan *pl, int f, double v)
{
    if (claim(pl, f))
        return FALLBACK;
    pl->val[f].n = v;
    return 0;
}

/* The record keeps the line's text up to end (past a closing quote): it is copied in one. */
static inline void keep_text(plan *pl, const char *end)
{
    if (end > pl->hi)
        pl->hi = end;
}

/* The application's "components" object: its five points, as set_components() reads them
 * (skip_object() has checked it). */
static int plan_components(plan *pl, scan *sc, const member *m)
{
    static const struct {
        const char *name;
        size_t len;
        jm_field field;
    } parts[] = {{"category", 8, JM_FIELD_POINTS_CATEGORY},
                 {"skills", 6, JM_FIELD_POINTS_SKILLS},
                 {"experience", 10, JM_FIELD_POINTS_EXPERIENCE},
                 {"seniority", 9, JM_FIELD_POINTS_SENIORITY},
                 {"salary", 6, JM_FIELD_POINTS_SALARY}};
    const char *p = m->obj + 1, *end = m->obj + m->obj_len - 1;
    unsigned seen = 0;
    p = skip_ws(p, end);
    while (p < end) {
        span key;
        if (!(p = scan_string(sc, p, end, &key)) || (key.flags & STR_ESCAPED))
            return FALLBACK;
        p = skip_ws(skip_ws(p, end) + 1, end); /* the ':', as skip_object() found it */
        int part = -1;
        for (int i = 0; i < 5; i++)
            if (key_is(&key, parts[i].name, parts[i].len))
                part = i;
        if (part >= 0 && (seen >> part & 1))
            return FALLBACK; /* cJSON takes the first */
        if (part >= 0)
            seen |= 1u << part;
        double v;
        if (part >= 0 && p < end && *p == 'n') {
            p += 4; /* null: absent */
        } else if (part >= 0) {
            if (*p != '-' && !is_digit(*p))
                return FALLBACK; /* not a number: a reject */
            if (!(p = scan_number(p, end, &v)) || plan_number(pl, parts[part].field, v))
                return FALLBACK;
        } else if (!(p = skip_value(sc, p, end, 1))) {
            return FALLBACK;
        }
        p = skip_ws(p, end);
        if (p < end)
            p++; /* the ',' */
        p = skip_ws(p, end);
    }
    return 0;
}

static inline __attribute__((always_inline)) int plan_field(plan *pl, const scan *sc,
                                                            const member *m, int f)
{
    jm_field_type type = (jm_field_type)field_type[f];
    if (type == JM_TYPE_STRING) { /* the most of them, first */
        if (m->type != V_STRING || claim(pl, f))
            return FALLBACK;
        pl->strings |= UINT64_C(1) << f;
        pl->src[f] = m;
        keep_text(pl, m->str.s + m->str.len + 1);
        return 0;
    }
    switch (type) {
    case JM_TYPE_STRING: break;
    case JM_TYPE_NUMBER: return m->type == V_NUMBER ? plan_number(pl, f, m->num) : FALLBACK;
    case JM_TYPE_INTEGER:
        if (m->type != V_NUMBER || m->num != floor(m->num) || fabs(m->num) > 9e15 || claim(pl, f))
            return FALLBACK;
        pl->val[f].i = (int64_t)m->num;
        return 0;
    case JM_TYPE_TIME:
        if (m->type != V_STRING || (m->str.flags & STR_ESCAPED) || claim(pl, f) ||
            jm_time_parse(m->str.s, m->str.len, &pl->val[f].i))
            return FALLBACK;
        return 0;
    case JM_TYPE_LIST:
        if (m->type != V_STRINGS || m->count > JM_MAX_LIST_ITEMS || claim(pl, f))
            return FALLBACK;
        pl->lists |= UINT64_C(1) << f;
        pl->src[f] = m;
        pl->slots += m->count;
        if (m->count) {
            const span *last = &sc->items[m->first + m->count - 1];
            keep_text(pl, last->s + last->len + 1);
        }
        return 0;
    }
    return FALLBACK;
}

/* What a key names in a record of kind, as decode() in ndjson.c reads it: KEY_* or a field. */
static int key_field(jm_kind kind, const span *k, const char *line_end)
{
    if (kind == JM_KIND_JOB_POST && KEY_IS(k, "salary"))
        return KEY_SALARY;
    if (kind == JM_KIND_CANDIDATE && KEY_IS(k, "location"))
        return KEY_LOCATION;
    if (kind == JM_KIND_APPLICATION && KEY_IS(k, "components"))
        return KEY_COMPONENTS;
    int f = field_of(kind, k->s, k->len, line_end);
    return f >= 0 ? f : KEY_NONE;
}

/* Plans the fields m sets in a record of sc->kind, as decode() in ndjson.c would set them, or
 * FALLBACK where it would not set them so (a reject, a duplicate). m->field is looked up when
 * still KEY_UNKNOWN. */
static inline __attribute__((always_inline)) int plan_member(plan *pl, scan *sc, member *m)
{
    if (m->field == KEY_UNKNOWN)
        m->field = key_field(sc->kind, &m->key, sc->end);
    if (m->type == V_NULL)
        return 0;
    if (m->field >= 0)
        return plan_field(pl, sc, m, m->field);
    switch (m->field) {
    case KEY_TYPE:
    case KEY_NONE: return 0;
    case KEY_SALARY:
        return m->type != V_NUMBER || plan_number(pl, JM_FIELD_SALARY_MIN, m->num) ||
                       plan_number(pl, JM_FIELD_SALARY_MAX, m->num)
                   ? FALLBACK
                   : 0;
    case KEY_LOCATION:
        if (m->type != V_STRING || claim(pl, JM_FIELD_LOCATION_CITY) ||
            claim(pl, JM_FIELD_LOCATION_COUNTRY))
            return FALLBACK;
        pl->location = m;
        keep_text(pl, m->str.s + m->str.len + 1);
        return 0;
    case KEY_COMPONENTS: return m->type != V_OBJECT || plan_components(pl, sc, m) ? FALLBACK : 0;
    default: return 0;
    }
}

/* ---- the line ----------------------------------------------------------------------------- */

/* A key the general way, at p (its opening quote), through the ':' and the white space after
 * it. */
static const char *scan_key(scan *sc, const char *p, const char *end, member *m)
{
    if (p >= end || *p != '"' || !(p = scan_string(sc, p, end, &m->key)) ||
        (m->key.flags & STR_ESCAPED) || note_id_key(sc, &m->key))
        return NULL;
    m->field = KEY_UNKNOWN;
    if (KEY_IS(&m->key, "type")) {
        if (sc->type_at >= 0)
            return NULL; /* cJSON takes the first "type", the fields the last */
        sc->type_at = (int)sc->nm;
        m->field = KEY_TYPE;
    }
    p = skip_ws(p, end);
    if (p >= end || *p != ':')
        return NULL;
    return skip_ws(p + 1, end);
}

/* The writers' opening, {"type":"<kind>", at p: past it with sc->kind and its member set, or
 * NULL. */
static const char *scan_kind_open(scan *sc, const char *p, const char *end)
{
    if (end - p < KEY_BYTES || p[0] != '{')
        return NULL;
    jm_kind k = p[9] == 'j'   ? JM_KIND_JOB_POST
                : p[9] == 'c' ? JM_KIND_CANDIDATE
                : p[9] == 'a' ? JM_KIND_APPLICATION
                              : JM_KIND_NONE;
    if (k == JM_KIND_NONE || !starts_with(p, &kind_open[k]))
        return NULL;
    member *m = &sc->m[0];
    m->key = (span){p + 2, 4, 0};
    m->type = V_STRING;
    m->field = KEY_TYPE;
    m->str = (span){p + 9, kind_open[k].len - 10, 0};
    sc->type_at = 0;
    sc->nm = 1;
    sc->kind = k;
    return p + kind_open[k].len;
}

/* The whole line: one object, then only the white space the general parser allows. When its
 * kind is known from its start, each member is planned as soon as it is read. */
static int scan_line(scan *sc, plan *pl)
{
    const char *p = sc->line, *end = sc->end, *open = scan_kind_open(sc, p, end);
    const expected_key *next = &no_key;
    int at_key = 0; /* at the first key, with no comma before it */
    int typed = 0;  /* the kind is known: members are planned as they are read */
    if (open) {
        p = open;
        next = orders[sc->kind];
        typed = 1;
    } else {
        int closed;
        p = skip_ws(p, end);
        if (p >= end || *p != '{')
            return FALLBACK;
        p = open_bracket(p, end, '}', &closed);
        if (closed)
            return FALLBACK; /* {} has no kind: a reject */
        at_key = 1;
    }
    for (member *m = &sc->m[sc->nm];; at_key = 0) {
        if (!at_key && (p >= end || *p != ',')) {
            /* After a value: a comma (above), or the end of the object. */
            p = skip_ws(p, end);
            if (p < end && *p == '}') {
                p++;
                break;
            }
            if (p >= end || *p != ',')
                return FALLBACK;
        }
        if (m == sc->m + MAX_MEMBERS)
            return FALLBACK;
        /* Every expected key starts with its comma: at the first key, none matches. */
        int expected = end - p >= KEY_BYTES && starts_with(p, next);
        if (expected) {
            m->field = next->field;
            p += next->len;
            next++;
        } else if (!(p = scan_key(sc, at_key ? p : skip_ws(p + 1, end), end, m))) {
            return FALLBACK;
        }
        if (!(p = scan_member_value(sc, p, end, m)))
            return FALLBACK;
        sc->nm++;
        member *read = m++;
        if (expected) { /* only in a line whose kind is known */
            if (read->field >= 0 ? read->type != V_NULL && plan_field(pl, sc, read, read->field)
                                 : plan_member(pl, sc, read))
                return FALLBACK;
            continue;
        }
        if (!typed)
            continue; /* planned once the kind is known */
        if (plan_member(pl, sc, read))
            return FALLBACK;
        /* Expect what the writers put after the field this key named. */
        int f = read->field == KEY_COMPONENTS ? JM_FIELD_POINTS_CATEGORY : read->field;
        if (f >= 0 && order_at[sc->kind][f] >= 0)
            next = &orders[sc->kind][order_at[sc->kind][f] + 1];
    }
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p == end ? 0 : FALLBACK;
}

/* The kind of a line that did not open with it, as kind_of() in ndjson.c tells it. */
static jm_kind kind_of(const scan *sc)
{
    if (sc->type_at >= 0 && sc->m[sc->type_at].type != V_NULL) {
        const member *t = &sc->m[sc->type_at];
        if (t->type != V_STRING || t->str.flags)
            return JM_KIND_NONE;
        for (jm_kind k = JM_KIND_JOB_POST; k <= JM_KIND_APPLICATION; k++) {
            const char *name = jm_kind_name(k);
            if (strlen(name) == t->str.len && memcmp(name, t->str.s, t->str.len) == 0)
                return k;
        }
        return JM_KIND_NONE;
    }
    if (sc->ids & ID_APP)
        return JM_KIND_APPLICATION;
    if ((sc->ids & (ID_POST | ID_CAND)) == ID_POST)
        return JM_KIND_JOB_POST;
    if ((sc->ids & (ID_POST | ID_CAND)) == ID_CAND)
        return JM_KIND_CANDIDATE;
    return JM_KIND_NONE;
}

/* ---- the record --------------------------------------------------------------------------- */

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | cp >> 12);
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | cp >> 18);
        *o++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Writing the record: its block of memory holds the lists' item pointers, then a copy of the
 * line up to its last string kept. A string stays where it lies in the copy, its closing quote
 * made its NUL; one with escapes is decoded over its own raw text, which is never shorter. */

/* Decodes s (raw JSON string text that scan_string() checked) to out, NUL-terminated; returns its
 * decoded length. */
static size_t decode_escaped(char *out, const span *s)
{
    const char *p = s->s, *end = s->s + s->len;
    char *o = out;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        size_t run = bs ? (size_t)(bs - p) : (size_t)(end - p);
        memcpy(o, p, run);
        o += run;
        p += run;
        if (!bs)
            break;
        char e = p[1];
        unsigned cp, lo;
        switch (e) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
            hex4(p + 2, &cp);
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                hex4(p + 8, &lo);
                cp = 0x10000 + (((cp & 0x3FF) << 10) | (lo & 0x3FF));
                p += 6;
            }
            o = put_utf8(o, cp);
            p += 4;
            break;
        default: *o++ = e; /* " \ / */
        }
        p += 2;
    }
    *o = '\0';
    return (size_t)(o - out);
}

/* The string s of line as the record keeps it, in text (the copy of line); *len_out: its
 * length. */
static inline char *place(char *text, const char *line, const span *s, size_t *len_out)
{
    char *out = text + (s->s - line);
    if (s->flags & STR_ESCAPED) {
        *len_out = decode_escaped(out, s);
    } else {
        out[s->len] = '\0';
        *len_out = s->len;
    }
    return out;
}

static int fill_record(jm_record *r, const scan *sc, const plan *pl)
{
    const char *line = sc->line;
    jm_record_reset(r, sc->kind);
    size_t bytes = pl->hi ? (size_t)(pl->hi - line) : 0;
    /* One block: the lists' item pointers first (aligned), then the text. */
    char *block = jm__record_alloc(r, pl->slots * sizeof(char *) + bytes, sizeof(char *));
    if (!block)
        return FALLBACK;
    const char **slot = (const char **)(void *)block;
    char *text = block + pl->slots * sizeof(char *);
    if (bytes)
        memcpy(text, line, bytes);
    uint64_t set = pl->set, plain = 0;
    if (pl->location) {
        /* "City, Country", split as the general parser splits it: it sets the city, and the
         * country only after a comma. */
        const span *s = &pl->location->str;
        size_t len = s->len;
        const char *from = s->flags & STR_ESCAPED ? place(text, line, s, &len) : s->s;
        if (jm__record_set_location(r, from, len))
            return FALLBACK;
        set &= ~(UINT64_C(1) << JM_FIELD_LOCATION_CITY | UINT64_C(1) << JM_FIELD_LOCATION_COUNTRY);
    }
    for (uint64_t v = set & ~(pl->strings | pl->lists); v; v &= v - 1) {
        int f = __builtin_ctzll(v);
        r->v[f] = pl->val[f];
    }
    for (uint64_t v = pl->strings; v; v &= v - 1) {
        int f = __builtin_ctzll(v);
        const span *s = &pl->src[f]->str;
        size_t len;
        const char *out = place(text, line, s, &len);
        r->v[f].s = out;
        r->v[f].slen = len;
        if (!(s->flags & STR_ESCAPED) || jm__json_plain(out, len))
            plain |= UINT64_C(1) << f;
    }
    for (uint64_t v = pl->lists; v; v &= v - 1) {
        int f = __builtin_ctzll(v);
        const member *m = pl->src[f];
        uint32_t n = m->count;
        const char **items = slot;
        for (const span *item = &sc->items[m->first], *last = item + n; item < last; item++) {
            size_t len;
            *slot++ = place(text, line, item, &len);
        }
        r->v[f].list = (jm__list){n ? items : NULL, n, n};
    }
    r->plain |= plain;
    r->present |= set;
    jm_error err;
    return jm__record_finish(r, &err) ? FALLBACK : 0;
}

int jm__ndjson_scan(const char *line, size_t len, jm_record *out)
{
    if (len > UINT32_MAX)
        return FALLBACK; /* spans hold 32-bit lengths */
    pthread_once(&tables_once, tables_build);
    scan sc;
    sc.line = line;
    sc.end = line + len;
    sc.kind = JM_KIND_NONE;
    sc.nm = sc.ni = 0;
    sc.ids = 0;
    sc.type_at = -1;
    jm__index_init(&sc.ix, line, len);
    plan pl;
    pl.set = 0;
    pl.strings = pl.lists = 0;
    pl.location = NULL;
    pl.slots = 0;
    pl.hi = NULL;
    if (scan_line(&sc, &pl))
        return FALLBACK;
    if (sc.kind == JM_KIND_NONE) {
        if ((sc.kind = kind_of(&sc)) == JM_KIND_NONE)
            return FALLBACK;
        for (unsigned i = 0; i < sc.nm; i++)
            if (plan_member(&pl, &sc, &sc.m[i]))
                return FALLBACK;
    }
    return fill_record(out, &sc, &pl);
}
