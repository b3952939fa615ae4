/* Application lines written straight from a scored pair (application_line.h): the layout of
 * jm_write_ndjson()'s complete application, with each record's texts escaped once when it is
 * held and the numbers and times that repeat kept in small per-thread caches. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/writer.h>

#include "application_line.h"
#include "record_internal.h"
#include "text.h"

/* ---- the parts of a record ------------------------------------------------------------------ */

/* Appends s escaped for JSON, without the quotes. */
static int put_escaped(jm_buf *b, const char *s, size_t len)
{
    size_t at = b->len;
    if (jm_write_json_string(s, len, b))
        return JM_ENOMEM;
    memmove(b->data + at, b->data + at + 1, b->len - at - 2);
    b->len -= 2;
    return 0;
}

static int put_text(jm_buf *b, const char *s, size_t len)
{
    if (jm_buf_reserve(b, len))
        return JM_ENOMEM;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    return 0;
}

#define PUT_TEXT(b, s) put_text(b, s, sizeof(s) - 1)

void jm__line_parts_release(jm__line_parts *parts)
{
    free(parts->text);
    free(parts->escaped);
    free(parts->own_skill_text);
    free(parts->own_skill_len);
    memset(parts, 0, sizeof *parts);
}

/* b's text, its memory cut to its length: escaping reserves six times a text's length. */
static char *shrunk(jm_buf *b)
{
    char *d = b->len ? realloc(b->data, b->len) : NULL;
    if (!d)
        return b->data; /* kept as it is (or empty) */
    return d;
}

/* A job whose category or skills need escaping: copies of them, escaped, owned by parts. */
static int escape_job_texts(jm__line_parts *parts, const jm__prepared *p)
{
    uint32_t n = p->nskills;
    jm_buf b = {0};
    size_t *at = malloc((n + 1) * sizeof *at);
    const char **text = malloc((n ? n : 1) * sizeof *text);
    uint32_t *len = malloc((n ? n : 1) * sizeof *len);
    int rc = !at || !text || !len;
    rc = rc || (p->own_name && put_escaped(&b, p->own_name, p->own_name_len));
    size_t name_end = b.len;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        at[i] = b.len;
        rc = put_escaped(&b, p->skill_text[i], p->skill_len[i]);
    }
    if (rc) {
        free(at);
        free(text);
        free(len);
        free(b.data);
        return JM_ENOMEM;
    }
    at[n] = b.len;
    char *escaped = shrunk(&b);
    for (uint32_t i = 0; i < n; i++) {
        text[i] = escaped + at[i];
        len[i] = (uint32_t)(at[i + 1] - at[i]);
    }
    free(at);
    parts->escaped = escaped;
    parts->own_skill_text = text;
    parts->own_skill_len = len;
    parts->skill_text = text;
    parts->skill_len = len;
    parts->name = p->own_name ? escaped : NULL;
    parts->name_len = (uint32_t)name_end;
    return 0;
}

int jm__line_parts_init(jm__line_parts *parts, const jm_record *r, const jm__prepared *p)
{
    memset(parts, 0, sizeof *parts);
    jm_buf b = {0};
    int rc;
    if (r->kind == JM_KIND_CANDIDATE) {
        const jm__value *id = &r->v[JM_FIELD_CANDIDATE_ID];
        rc = PUT_TEXT(&b, "\",\"candidate_id\":\"") || put_escaped(&b, id->s, id->slen) ||
             PUT_TEXT(&b, "\",\"post_id\":\"");
        parts->head_len = (uint32_t)b.len;
        parts->text = rc ? b.data : shrunk(&b);
        parts->room = (uint32_t)b.len;
        return rc ? JM_ENOMEM : 0;
    }
    const jm__value *id = &r->v[JM_FIELD_POST_ID];
    rc = put_escaped(&b, id->s, id->slen) || PUT_TEXT(&b, "\",\"job_family\":\"");
    parts->head_len = (uint32_t)b.len;
    parts->method_off = (uint32_t)b.len;
    if (rc == 0 && JM__HAS(r, JM_FIELD_APPLICATION_METHOD)) {
        const jm__value *m = &r->v[JM_FIELD_APPLICATION_METHOD];
        rc = PUT_TEXT(&b, ",\"application_method\":\"") || put_escaped(&b, m->s, m->slen) ||
             PUT_TEXT(&b, "\"");
    }
    parts->method_len = (uint32_t)b.len - parts->method_off;
    size_t texts = p->own_name_len;
    for (uint32_t i = 0; i < p->nskills; i++)
        texts += p->skill_len[i] + 2; /* ", " before each */
    if (rc == 0 && !p->text_plain) {
        rc = escape_job_texts(parts, p);
        texts *= 6; /* the most escaping makes of them */
    } else {
        parts->name = p->own_name;
        parts->name_len = (uint32_t)p->own_name_len;
        parts->skill_text = p->skill_text;
        parts->skill_len = p->skill_len;
    }
    parts->text = rc ? b.data : shrunk(&b);
    if (rc)
        return JM_ENOMEM;
    parts->room = (uint32_t)(parts->head_len + parts->method_len + texts);
    return 0;
}

/* ---- the per-thread caches ------------------------------------------------------------------ */

/* A point value and its text: the five components take few distinct values. */
typedef struct number_slot {
    uint64_t bits;
    uint8_t len; /* 0: empty */
    char text[23];
} number_slot;

/* A day's "YYYY-MM-DD". */
typedef struct day_slot {
    uint32_t key; /* the day number + 1, 0 when empty */
    char text[12];
} day_slot;

/* Days: the reference data's dates span four years. */
enum { NUMBER_SLOTS = 64, DAY_SLOTS = 2048 };

typedef struct line_cache {
    number_slot numbers[NUMBER_SLOTS];
    day_slot days[DAY_SLOTS];
    int64_t stamp_ms; /* the last timestamp: an arrival's applications share it */
    uint32_t stamp_len;
    char stamp_text[32];
} line_cache;

static _Thread_local line_cache cache;

/* The calling thread's cache, looked up once a line: left to itself, the compiler repeats the
 * thread-local lookup (a call, in a shared library) at every use. */
static __attribute__((noinline)) line_cache *this_thread_cache(void)
{
    return &cache;
}

/* Copies n bytes with a few fixed-size moves, overlapping, instead of a call: the texts of a
 * line are mostly under 128 bytes. */
static inline __attribute__((always_inline)) char *put_short(char *p, const char *s, size_t n)
{
    if (n >= 16 && n <= 32) {
        memcpy(p, s, 16);
        memcpy(p + n - 16, s + n - 16, 16);
    } else if (n >= 8 && n < 16) {
        memcpy(p, s, 8);
        memcpy(p + n - 8, s + n - 8, 8);
    } else if (n > 32 && n <= 64) {
        memcpy(p, s, 32);
        memcpy(p + n - 32, s + n - 32, 32);
    } else if (n > 64 && n <= 128) {
        memcpy(p, s, 64);
        memcpy(p + n - 64, s + n - 64, 64);
    } else if (n >= 4 && n < 8) {
        memcpy(p, s, 4);
        memcpy(p + n - 4, s + n - 4, 4);
    } else {
        memcpy(p, s, n);
    }
    return p + n;
}

/* jm__put_fixed6(v), from the cache. Writes up to 32 bytes past p, which the caller reserved. */
static inline __attribute__((always_inline)) char *put_points(line_cache *c, char *p, double v)
{
    if (v >= 0 && v < 100 && v == (double)(unsigned)v) { /* whole points, the common case */
        unsigned u = (unsigned)v;
        return u < 10 ? (*p = (char)('0' + u), p + 1) : jm__put2(p, u);
    }
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    number_slot *sl = &c->numbers[(bits * 0x9E3779B97F4A7C15ull) >> 58];
    if (sl->bits == bits && sl->len) {
        memcpy(p, sl->text, 16);
        return sl->len <= 16 ? p + sl->len : jm__put(p, sl->text, sl->len);
    }
    char *end = jm__put_fixed6(p, v);
    if (end - p <= (ptrdiff_t)sizeof sl->text) {
        sl->bits = bits;
        sl->len = (uint8_t)(end - p);
        memcpy(sl->text, p, sl->len);
    }
    return end;
}

/* jm_time_format(ms) with the date part from the cache: an application date moves by seconds
 * within its job's few weeks. Writes up to 32 bytes. */
static char *put_time(line_cache *c, char *p, int64_t ms)
{
    /* The years 1970 to 9999; jm_time_format() does the rest (and the clamping). */
    if (ms < 0 || ms >= 253402300800000LL)
        return p + jm_time_format(ms, p);
    uint64_t secs = (uint64_t)ms / 1000;
    uint32_t days = (uint32_t)(secs / 86400);
    unsigned frac = (unsigned)((uint64_t)ms % 1000), rem = (unsigned)(secs % 86400);
    day_slot *d = &c->days[days % DAY_SLOTS];
    if (d->key != days + 1) {
        char full[32];
        jm_time_format((int64_t)days * 86400000, full);
        memcpy(d->text, full, 10);
        d->key = days + 1;
    }
    memcpy(p, d->text, 8);
    memcpy(p + 8, d->text + 8, 2);
    p[10] = 'T';
    jm__put2(p + 11, rem / 3600);
    p[13] = ':';
    jm__put2(p + 14, rem / 60 % 60);
    p[16] = ':';
    jm__put2(p + 17, rem % 60);
    p += 19;
    if (frac) {
        *p++ = '.';
        *p++ = (char)('0' + frac / 100);
        p = jm__put2(p, frac % 100);
    }
    *p++ = 'Z';
    return p;
}

/* The timestamp: the same for most lines in a row. */
static char *put_stamp(line_cache *c, char *p, int64_t ms)
{
    if (!c->stamp_len || c->stamp_ms != ms) {
        c->stamp_len = (uint32_t)(put_time(c, c->stamp_text, ms) - c->stamp_text);
        c->stamp_ms = ms;
    }
    memcpy(p, c->stamp_text, sizeof c->stamp_text);
    return p + c->stamp_len;
}

/* ---- the line ------------------------------------------------------------------------------- */

#define PUT_LITERAL(p, s) jm__put(p, s, sizeof(s) - 1)

/* The reason's end, by which of experience, seniority and salary are met (bits 0, 1, 2). */
#define LIT(s)           \
    {                    \
        s, sizeof(s) - 1 \
    }
static const struct {
    const char *text;
    size_t len;
} reason_tails[8] = {
    LIT(""),
    LIT("; Meets experience requirements"),
    LIT("; Appropriate seniority level"),
    LIT("; Meets experience requirements; Appropriate seniority level"),
    LIT("; Salary expectations met"),
    LIT("; Meets experience requirements; Salary expectations met"),
    LIT("; Appropriate seniority level; Salary expectations met"),
    LIT("; Meets experience requirements; Appropriate seniority level; Salary expectations met"),
};

/* The fixed texts of a line, numbers, times and the reason's literals: at most this much. */
enum { LINE_FIXED_ROOM = 768 };

static inline int cand_has(const jm__prepared *cand, uint32_t id)
{
    if (cand->skill_bits) {
        uint32_t w = id / 64 - cand->word0; /* wraps below word0: out of range too */
        return w < cand->nwords && (cand->skill_bits[w] >> (id % 64) & 1);
    }
    return jm__has_skill(cand, id);
}

/* The match reason (reason.c says the rules), from the job's escaped texts. */
static char *put_reason(char *p, const jm__line_pair *lp, const char *family, size_t family_len)
{
    const jm_score *s = lp->score;
    const double *f = s->fraction;
    if (f[JM_COMPONENT_CATEGORY] == 1.0) {
        p = PUT_LITERAL(p, "Same job category");
    } else {
        p = PUT_LITERAL(p, "Related job family: ");
        p = put_short(p, family, family_len);
    }
    if (s->shared_skills) {
        p = s->shared_skills >= 3 ? PUT_LITERAL(p, "; Strong skills match in ")
                                  : PUT_LITERAL(p, "; Shared skills: ");
        const jm__prepared *job = lp->job;
        const jm__line_parts *jp = lp->job_parts;
        unsigned shown = 0;
        for (uint32_t i = 0; i < job->nskills && shown < 3; i++) {
            if (!cand_has(lp->cand, job->skill_order[i]))
                continue;
            if (shown++) {
                p[0] = ',';
                p[1] = ' ';
                p += 2;
            }
            p = put_short(p, jp->skill_text[i], jp->skill_len[i]);
        }
    }
    unsigned tail = (f[JM_COMPONENT_EXPERIENCE] == 1.0) | (f[JM_COMPONENT_SENIORITY] == 1.0) << 1 |
                    (f[JM_COMPONENT_SALARY] == 1.0) << 2;
    return put_short(p, reason_tails[tail].text, reason_tails[tail].len);
}

int jm__write_application_line(const jm__line_pair *lp, jm_buf *out)
{
    const jm_score *s = lp->score;
    const jm__line_parts *cp = lp->cand_parts, *jp = lp->job_parts;
    /* The family is a taxonomy name, which needs no escaping, or the job's own category. */
    const char *family = s->family;
    size_t family_len = s->family_len;
    if (family == lp->job->own_name) {
        family = jp->name;
        family_len = jp->name_len;
    }
    size_t room = LINE_FIXED_ROOM + cp->room + jp->room + 2 * family_len;
    if (out->cap - out->len < room && jm_buf_reserve(out, room))
        return JM_ENOMEM;
    line_cache *c = this_thread_cache();
    char *p = out->data + out->len;
    p = PUT_LITERAL(p, "{\"type\":\"application\",\"application_id\":\"");
    jm__uuid_format(lp->hash, p);
    p += 36;
    p = put_short(p, cp->text, cp->head_len);
    p = put_short(p, jp->text, jp->head_len);
    p = put_short(p, family, family_len);
    p = PUT_LITERAL(p, "\",\"compatibility_score\":");
    p = jm__put_i64(p, s->score);
    p = PUT_LITERAL(p, ",\"components\":{\"category\":");
    p = put_points(c, p, s->points[JM_COMPONENT_CATEGORY]);
    p = PUT_LITERAL(p, ",\"skills\":");
    p = put_points(c, p, s->points[JM_COMPONENT_SKILLS]);
    p = PUT_LITERAL(p, ",\"experience\":");
    p = put_points(c, p, s->points[JM_COMPONENT_EXPERIENCE]);
    p = PUT_LITERAL(p, ",\"seniority\":");
    p = put_points(c, p, s->points[JM_COMPONENT_SENIORITY]);
    p = PUT_LITERAL(p, ",\"salary\":");
    p = put_points(c, p, s->points[JM_COMPONENT_SALARY]);
    p = PUT_LITERAL(p, "},\"status\":\"");
    size_t status_len;
    const char *status = jm__status(s->score, jm__draw(lp->hash, lp->seed), &status_len);
    p = put_short(p, status, status_len);
    p = PUT_LITERAL(p, "\",\"match_reason\":\"");
    p = put_reason(p, lp, family, family_len);
    *p++ = '"';
    p = put_short(p, jp->text + jp->method_off, jp->method_len);
    p = PUT_LITERAL(p, ",\"application_date\":\"");
    p = put_time(c, p, lp->application_date);
    p = PUT_LITERAL(p, "\",\"timestamp\":\"");
    p = put_stamp(c, p, lp->timestamp);
    p = PUT_LITERAL(p, "\"}\n");
    out->len = (size_t)(p - out->data);
    return 0;
}
