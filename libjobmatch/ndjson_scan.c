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
 * whole line has been read and checked. */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <jobmatch/error.h>
#include <jobmatch/reader.h>

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

typedef struct member {
    span key;
    enum vtype type;
    span str;              /* V_STRING */
    double num;            /* V_NUMBER */
    uint32_t first, count; /* V_STRINGS: items[first .. first + count) */
    const char *obj;       /* V_OBJECT: from its '{' to past its '}' */
    size_t obj_len;
} member;

/* The id keys the kind of an untyped record is told by. */
enum { ID_POST = 1, ID_CAND = 2, ID_APP = 4 };

typedef struct scan {
    const char *p, *end;
    unsigned nm, ni;
    unsigned ids; /* ID_* keys present, whatever their value */
    int type_at;  /* the member "type", or -1 */
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
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

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

/* ---- tokens ------------------------------------------------------------------------------- */

static void skip_ws(scan *sc)
{
    while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t'))
        sc->p++;
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

#define HIGHS UINT64_C(0x8080808080808080)

/* Advances q over ASCII bytes a string holds as they are (not a quote, a backslash or a
 * control), 16 or 8 at a time; stops at another byte or where fewer than 8 remain before end. */
static inline const char *plain_run(const char *q, const char *end)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                  ctl = _mm_set1_epi8(0x1F);
    while (end - q >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
        /* x itself: its high bits are the bytes from 0x80 */
        __m128i stop = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, quote), x),
            _mm_or_si128(_mm_cmpeq_epi8(x, backslash), _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl)));
        unsigned mask = (unsigned)_mm_movemask_epi8(stop);
        if (mask)
            return q + __builtin_ctz(mask);
        q += 16;
    }
#endif
    while (end - q >= 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        /* The lowest flagged byte is exact. */
        uint64_t stop = jm__needs_escape8(w) | (w & HIGHS);
        if (stop)
            return q + __builtin_ctzll(stop) / 8;
        q += 8;
    }
    return q;
}

/* A string at sc->p (its opening quote). Inlined: it is most of the work. */
static inline __attribute__((always_inline)) int scan_string(scan *sc, span *out)
{
    const char *from = sc->p + 1, *q = from, *end = sc->end;
    uint32_t flags = 0;
    for (;;) {
        q = plain_run(q, end);
        if (q >= end)
            return FALLBACK;
        unsigned char c = (unsigned char)*q;
        if (c == '"')
            break;
        if (c == '\\') {
            size_t n = escape_len(q, end);
            if (!n)
                return FALLBACK;
            flags |= STR_ESCAPED;
            q += n;
            continue;
        }
        if (c < 0x20)
            return FALLBACK; /* a raw control character, which cJSON takes and JSON does not */
        if (c >= 0x80) {
            flags |= STR_HIGH;
            while (q < end && (unsigned char)*q >= 0x80)
                q++;
        } else {
            q++;
        }
    }
    if ((flags & STR_HIGH) && !jm__utf8_valid(from, (size_t)(q - from)))
        return FALLBACK;
    out->s = from;
    out->len = (uint32_t)(q - from);
    out->flags = flags;
    sc->p = q + 1;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A JSON number, read to the same double strtod() gives: exact when its digits fit 2^53 and
 * its power of ten is at most 22 (one correctly rounded multiply or divide of two exact
 * values, as Clinger showed). Anything else is left to the general parser. */
static int scan_number(scan *sc, double *out)
{
#if FLT_EVAL_METHOD != 0
    (void)sc;
    (void)out;
    return FALLBACK; /* extended intermediate precision would round twice */
#else
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = sc->p, *end = sc->end, *from = p;
    int neg = 0;
    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }
    if (p >= end || !is_digit(*p))
        return FALLBACK;
    uint64_t m = 0;
    int digits = 0, exp10 = 0;
    if (*p == '0') {
        p++;
    } else {
        while (p < end && is_digit(*p)) {
            m = m * 10 + (uint64_t)(*p++ - '0');
            digits++;
            if (digits > 15)
                return FALLBACK;
        }
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p))
            return FALLBACK;
        while (p < end && is_digit(*p)) {
            m = m * 10 + (uint64_t)(*p++ - '0');
            if (m)
                digits++;
            if (digits > 15)
                return FALLBACK;
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
                return FALLBACK;
        }
        if (!ed)
            return FALLBACK;
        exp10 += eneg ? -e : e;
    }
    if (p - from > MAX_NUMBER)
        return FALLBACK;
    /* What may follow a number in JSON; cJSON stops at it too. */
    if (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t')
        return FALLBACK;
    double v;
    if (m == 0)
        v = 0.0;
    else if (exp10 >= 0 && exp10 <= 22)
        v = (double)m * pow10[exp10];
    else if (exp10 < 0 && exp10 >= -22)
        v = (double)m / pow10[-exp10];
    else
        return FALLBACK;
    if (!isfinite(v))
        return FALLBACK;
    *out = neg ? -v : v;
    sc->p = p;
    return 0;
#endif
}

static int scan_literal(scan *sc, const char *word, size_t n)
{
    if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
        return FALLBACK;
    sc->p += n;
    return 0;
}

static int skip_value(scan *sc, int depth);

/* The members of an object at sc->p (its '{'), read and dropped. */
/* Past the opening bracket at sc->p and white space: 1 when the closing one follows (it is
 * taken too), else 0. */
static inline __attribute__((always_inline)) int open_empty(scan *sc, char close)
{
    sc->p++;
    skip_ws(sc);
    if (sc->p < sc->end && *sc->p == close) {
        sc->p++;
        return 1;
    }
    return 0;
}

enum { MORE = 0, CLOSED = 2 }; /* what comes after a value: a comma, or the closing bracket */

/* After a member or an item: MORE past a comma and white space, CLOSED past the closing
 * bracket, or FALLBACK. */
static inline __attribute__((always_inline)) int after_value(scan *sc, char close)
{
    skip_ws(sc);
    if (sc->p >= sc->end)
        return FALLBACK;
    if (*sc->p == close) {
        sc->p++;
        return CLOSED;
    }
    if (*sc->p != ',')
        return FALLBACK;
    sc->p++;
    skip_ws(sc);
    return MORE;
}

static int skip_object(scan *sc, int depth)
{
    if (open_empty(sc, '}'))
        return 0;
    for (;;) {
        span key;
        if (sc->p >= sc->end || *sc->p != '"' || scan_string(sc, &key))
            return FALLBACK;
        skip_ws(sc);
        if (sc->p >= sc->end || *sc->p != ':')
            return FALLBACK;
        sc->p++;
        skip_ws(sc);
        if (skip_value(sc, depth + 1))
            return FALLBACK;
        int next = after_value(sc, '}');
        if (next != MORE)
            return next == CLOSED ? 0 : FALLBACK;
    }
}

static int skip_array(scan *sc, int depth)
{
    if (open_empty(sc, ']'))
        return 0;
    for (;;) {
        if (skip_value(sc, depth + 1))
            return FALLBACK;
        int next = after_value(sc, ']');
        if (next != MORE)
            return next == CLOSED ? 0 : FALLBACK;
    }
}

/* Any JSON value, checked and dropped: what a field nobody reads holds. */
static int skip_value(scan *sc, int depth)
{
    if (depth > MAX_DEPTH || sc->p >= sc->end)
        return FALLBACK;
    span s;
    double d;
    switch (*sc->p) {
    case '"': return scan_string(sc, &s);
    case '{': return skip_object(sc, depth);
    case '[': return skip_array(sc, depth);
    case 'n': return scan_literal(sc, "null", 4);
    case 't': return scan_literal(sc, "true", 4);
    case 'f': return scan_literal(sc, "false", 5);
    default: return scan_number(sc, &d);
    }
}

/* An array at sc->p: its strings kept as items when it holds nothing else. */
static int scan_array(scan *sc, member *m)
{
    const char *open = sc->p;
    m->type = V_STRINGS;
    m->first = sc->ni;
    m->count = 0;
    if (open_empty(sc, ']'))
        return 0;
    for (;;) {
        if (sc->p >= sc->end)
            return FALLBACK;
        if (*sc->p == '"') {
            if (sc->ni == MAX_ITEMS)
                return FALLBACK;
            if (scan_string(sc, &sc->items[sc->ni]))
                return FALLBACK;
            sc->ni++;
            m->count++;
        } else {
            /* Not a list of strings: checked whole, and no field takes it. */
            sc->p = open;
            sc->ni = m->first;
            m->type = V_ARRAY;
            return skip_array(sc, 0);
        }
        int next = after_value(sc, ']');
        if (next != MORE)
            return next == CLOSED ? 0 : FALLBACK;
    }
}

static int scan_member_value(scan *sc, member *m)
{
    if (sc->p >= sc->end)
        return FALLBACK;
    switch (*sc->p) {
    case '"': m->type = V_STRING; return scan_string(sc, &m->str);
    case '[': return scan_array(sc, m);
    case '{': {
        const char *open = sc->p;
        m->type = V_OBJECT;
        if (skip_object(sc, 0))
            return FALLBACK;
        m->obj = open;
        m->obj_len = (size_t)(sc->p - open);
        return 0;
    }
    case 'n': m->type = V_NULL; return scan_literal(sc, "null", 4);
    case 't': m->type = V_LITERAL; return scan_literal(sc, "true", 4);
    case 'f': m->type = V_LITERAL; return scan_literal(sc, "false", 5);
    default: m->type = V_NUMBER; return scan_number(sc, &m->num);
    }
}

/* The whole line: one object, then only the white space the general parser allows. */
static int scan_line(scan *sc)
{
    skip_ws(sc);
    if (sc->p >= sc->end || *sc->p != '{')
        return FALLBACK;
    if (open_empty(sc, '}'))
        return FALLBACK; /* {} has no kind: a reject */
    for (;;) {
        if (sc->nm == MAX_MEMBERS || sc->p >= sc->end || *sc->p != '"')
            return FALLBACK;
        member *m = &sc->m[sc->nm];
        if (scan_string(sc, &m->key) || (m->key.flags & STR_ESCAPED) || note_id_key(sc, &m->key))
            return FALLBACK;
        if (KEY_IS(&m->key, "type")) {
            if (sc->type_at >= 0)
                return FALLBACK; /* cJSON takes the first "type", the fields the last */
            sc->type_at = (int)sc->nm;
        }
        skip_ws(sc);
        if (sc->p >= sc->end || *sc->p != ':')
            return FALLBACK;
        sc->p++;
        skip_ws(sc);
        if (scan_member_value(sc, m))
            return FALLBACK;
        sc->nm++;
        int next = after_value(sc, '}');
        if (next == FALLBACK)
            return FALLBACK;
        if (next == CLOSED)
            break;
    }
    while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\r'))
        sc->p++;
    return sc->p == sc->end ? 0 : FALLBACK;
}

/* ---- the record --------------------------------------------------------------------------- */

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

/* Where each field's value comes from, once the line is known good. */
/* FROM_LOCATION fills the city and the country: the country is WITH_CITY. */
enum how { FROM_MEMBER, FROM_LOCATION, WITH_CITY, FROM_VALUE };

typedef struct plan {
    uint64_t set; /* fields to set */
    const member *src[JM_FIELD_COUNT];
    unsigned char how[JM_FIELD_COUNT];
    jm__value val[JM_FIELD_COUNT]; /* FROM_VALUE: numbers, integers and times */
    size_t slots;                  /* item pointers the lists take */
    size_t bytes;                  /* record memory their text and the strings take */
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
    pl->how[f] = FROM_VALUE;
    pl->val[f].n = v;
    return 0;
}

static size_t list_bytes(const scan *sc, const member *m)
{
    size_t n = 0;
    for (uint32_t i = 0; i < m->count; i++)
        n += sc->items[m->first + i].len + 1;
    return n;
}

/* The application's "components" object: its five points, as set_components() reads them. */
static int plan_components(plan *pl, const member *m)
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
    scan sub = {.p = m->obj + 1, .end = m->obj + m->obj_len - 1};
    unsigned seen = 0;
    skip_ws(&sub);
    while (sub.p < sub.end) {
        span key;
        if (scan_string(&sub, &key) || (key.flags & STR_ESCAPED))
            return FALLBACK;
        skip_ws(&sub);
        sub.p++; /* the ':', as skip_object() found it */
        skip_ws(&sub);
        int part = -1;
        for (int i = 0; i < 5; i++)
            if (key_is(&key, parts[i].name, parts[i].len))
                part = i;
        if (part >= 0 && (seen >> part & 1))
            return FALLBACK; /* cJSON takes the first */
        if (part >= 0)
            seen |= 1u << part;
        double v;
        if (part >= 0 && sub.p < sub.end && *sub.p == 'n') {
            sub.p += 4; /* null: absent */
        } else if (part >= 0) {
            if (*sub.p != '-' && !is_digit(*sub.p))
                return FALLBACK; /* not a number: a reject */
            if (scan_number(&sub, &v) || plan_number(pl, parts[part].field, v))
                return FALLBACK;
        } else if (skip_value(&sub, 1)) {
            return FALLBACK;
        }
        skip_ws(&sub);
        if (sub.p < sub.end)
            sub.p++; /* the ',' */
        skip_ws(&sub);
    }
    return 0;
}

static int plan_field(plan *pl, const scan *sc, const member *m, int f)
{
    switch (jm__fields[f].type) {
    case JM_TYPE_STRING:
        if (m->type != V_STRING || claim(pl, f))
            return FALLBACK;
        pl->how[f] = FROM_MEMBER;
        pl->src[f] = m;
        pl->bytes += m->str.len + 1;
        return 0;
    case JM_TYPE_NUMBER: return m->type == V_NUMBER ? plan_number(pl, f, m->num) : FALLBACK;
    case JM_TYPE_INTEGER:
        if (m->type != V_NUMBER || m->num != floor(m->num) || fabs(m->num) > 9e15 || claim(pl, f))
            return FALLBACK;
        pl->how[f] = FROM_VALUE;
        pl->val[f].i = (int64_t)m->num;
        return 0;
    case JM_TYPE_TIME:
        if (m->type != V_STRING || (m->str.flags & STR_ESCAPED) || claim(pl, f) ||
            jm_time_parse(m->str.s, m->str.len, &pl->val[f].i))
            return FALLBACK;
        pl->how[f] = FROM_VALUE;
        return 0;
    case JM_TYPE_LIST:
        if (m->type != V_STRINGS || m->count > JM_MAX_LIST_ITEMS || claim(pl, f))
            return FALLBACK;
        pl->how[f] = FROM_MEMBER;
        pl->src[f] = m;
        pl->slots += m->count;
        pl->bytes += list_bytes(sc, m);
        return 0;
    }
    return FALLBACK;
}

/* Which member sets which field, as decode() in ndjson.c would, or FALLBACK where it would not
 * set them so (a reject, a duplicate). */
static int plan_record(plan *pl, const scan *sc, jm_kind kind)
{
    for (unsigned i = 0; i < sc->nm; i++) {
        const member *m = &sc->m[i];
        const span *k = &m->key;
        if (m->type == V_NULL || (int)i == sc->type_at)
            continue;
        if (kind == JM_KIND_JOB_POST && KEY_IS(k, "salary")) {
            if (m->type != V_NUMBER || plan_number(pl, JM_FIELD_SALARY_MIN, m->num) ||
                plan_number(pl, JM_FIELD_SALARY_MAX, m->num))
                return FALLBACK;
            continue;
        }
        if (kind == JM_KIND_CANDIDATE && KEY_IS(k, "location")) {
            if (m->type != V_STRING || claim(pl, JM_FIELD_LOCATION_CITY) ||
                claim(pl, JM_FIELD_LOCATION_COUNTRY))
                return FALLBACK;
            pl->how[JM_FIELD_LOCATION_CITY] = FROM_LOCATION;
            pl->how[JM_FIELD_LOCATION_COUNTRY] = WITH_CITY;
            pl->src[JM_FIELD_LOCATION_CITY] = m;
            pl->bytes += (size_t)m->str.len + 1;
            continue;
        }
        if (kind == JM_KIND_APPLICATION && KEY_IS(k, "components")) {
            if (m->type != V_OBJECT || plan_components(pl, m))
                return FALLBACK;
            continue;
        }
        int f = field_of(kind, k->s, k->len, sc->end);
        if (f >= 0 && plan_field(pl, sc, m, f))
            return FALLBACK;
    }
    return 0;
}

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

/* Writing the record: its block of memory, taken from the front. The block ends with COPY_SLACK
 * spare bytes, so that a short string is copied with whole 16-byte moves. */
enum { COPY_SLACK = 32 };
typedef struct filler {
    jm_record *r;
    const scan *sc;
    const char **slot; /* the lists' item pointers */
    char *mem;         /* the text */
} filler;

static char *decode_escaped(filler *fl, const span *s, size_t *len_out);

/* Decodes a string scan_string() checked into fl's memory (it takes at most its raw length and
 * a NUL) and returns it; *len_out: its decoded length. */
static inline __attribute__((always_inline)) char *decode(filler *fl, const span *s,
                                                          size_t *len_out)
{
    if (s->flags & STR_ESCAPED)
        return decode_escaped(fl, s, len_out);
    char *out = fl->mem;
    if (s->len <= COPY_SLACK && fl->sc->end - s->s >= COPY_SLACK)
        memcpy(out, s->s, COPY_SLACK); /* whole moves; the bytes past len are overwritten */
    else
        memcpy(out, s->s, s->len);
    out[s->len] = '\0';
    fl->mem += s->len + 1;
    *len_out = s->len;
    return out;
}

static char *decode_escaped(filler *fl, const span *s, size_t *len_out)
{
    char *out = fl->mem;
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
    fl->mem = o + 1;
    *len_out = (size_t)(o - out);
    return out;
}

static void set_string(jm_record *r, int f, const char *s, size_t len, int plain)
{
    r->v[f].s = s;
    r->v[f].slen = len;
    if (plain)
        r->plain |= UINT64_C(1) << f;
    r->present |= UINT64_C(1) << f;
}

static void fill_string(filler *fl, int f, const span *s)
{
    size_t len;
    const char *p = decode(fl, s, &len);
    set_string(fl->r, f, p, len, !(s->flags & STR_ESCAPED) || jm__json_plain(p, len));
}

/* "City, Country", split as the general parser splits it; from the line itself unless it has
 * escapes. */
static int fill_location(filler *fl, const span *s)
{
    if (!(s->flags & STR_ESCAPED))
        return jm__record_set_location(fl->r, s->s, s->len);
    size_t len;
    const char *text = decode(fl, s, &len);
    return jm__record_set_location(fl->r, text, len);
}

static void fill_list(filler *fl, int f, const member *m)
{
    const char **items = fl->slot;
    fl->slot += m->count;
    for (uint32_t i = 0; i < m->count; i++) {
        size_t len;
        items[i] = decode(fl, &fl->sc->items[m->first + i], &len);
    }
    fl->r->v[f].list = (jm__list){m->count ? items : NULL, m->count, m->count};
    fl->r->present |= UINT64_C(1) << f;
}

static int fill_record(jm_record *r, const scan *sc, const plan *pl, jm_kind kind)
{
    jm_record_reset(r, kind);
    /* One block: the lists' item pointers first (aligned), then the text. */
    char *block =
        jm__record_alloc(r, pl->slots * sizeof(char *) + pl->bytes + COPY_SLACK, sizeof(char *));
    if (!block)
        return FALLBACK;
    filler fl = {r, sc, (const char **)(void *)block, block + pl->slots * sizeof(char *)};
    for (uint64_t set = pl->set; set; set &= set - 1) {
        int f = __builtin_ctzll(set);
        const member *m = pl->src[f];
        switch (pl->how[f]) {
        case FROM_VALUE:
            r->v[f] = pl->val[f];
            r->present |= UINT64_C(1) << f;
            break;
        case FROM_LOCATION:
            if (fill_location(&fl, &m->str))
                return FALLBACK;
            break;
        case WITH_CITY: break;
        case FROM_MEMBER:
            if (jm__fields[f].type == JM_TYPE_LIST)
                fill_list(&fl, f, m);
            else
                fill_string(&fl, f, &m->str);
            break;
        }
    }
    jm_error err;
    return jm__record_finish(r, &err) ? FALLBACK : 0;
}

int jm__ndjson_scan(const char *line, size_t len, jm_record *out)
{
    if (len > UINT32_MAX)
        return FALLBACK; /* spans hold 32-bit lengths */
    scan sc;
    sc.p = line;
    sc.end = line + len;
    sc.nm = sc.ni = 0;
    sc.ids = 0;
    sc.type_at = -1;
    if (scan_line(&sc))
        return FALLBACK;
    jm_kind kind = kind_of(&sc);
    if (kind == JM_KIND_NONE)
        return FALLBACK;
    pthread_once(&names_once, names_build);
    plan pl;
    pl.set = 0;
    pl.slots = pl.bytes = 0;
    if (plan_record(&pl, &sc, kind))
        return FALLBACK;
    return fill_record(out, &sc, &pl, kind);
}
