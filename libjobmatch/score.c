/* Scoring (SPEC "Scoring"): records prepared into numbers once, then five components per pair. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/score.h>
#include <jobmatch/taxonomy.h>

#include "error_internal.h"
#include "record_internal.h"
#include "score_internal.h"
#include "strmap.h"
#include "taxonomy_internal.h"
#include "text.h"

static const char *const component_names[JM_COMPONENT_COUNT] = {"category", "skills", "experience",
                                                                "seniority", "salary"};

const char *jm_component_name(jm_component c)
{
    return (unsigned)c < JM_COMPONENT_COUNT ? component_names[c] : NULL;
}

/* The ratios of the experience and seniority fractions for small numbers, folded by the
 * compiler: RATIO(k, c, j) is k * c / j as the scorer computes it (j = 0 is never read). */
#define RATIO(k, c, j) ((k) * (c) / ((j) ? (j) : 1))
#define RATIO_ROW(k, j)                                                                          \
    {                                                                                            \
        RATIO(k, 0, j), RATIO(k, 1, j), RATIO(k, 2, j), RATIO(k, 3, j), RATIO(k, 4, j),          \
            RATIO(k, 5, j), RATIO(k, 6, j), RATIO(k, 7, j), RATIO(k, 8, j), RATIO(k, 9, j),      \
            RATIO(k, 10, j), RATIO(k, 11, j), RATIO(k, 12, j), RATIO(k, 13, j), RATIO(k, 14, j), \
            RATIO(k, 15, j)                                                                      \
    }
#define RATIO_TABLE(k)                                                                           \
    {                                                                                            \
        RATIO_ROW(k, 0), RATIO_ROW(k, 1), RATIO_ROW(k, 2), RATIO_ROW(k, 3), RATIO_ROW(k, 4),     \
            RATIO_ROW(k, 5), RATIO_ROW(k, 6), RATIO_ROW(k, 7), RATIO_ROW(k, 8), RATIO_ROW(k, 9), \
            RATIO_ROW(k, 10), RATIO_ROW(k, 11), RATIO_ROW(k, 12), RATIO_ROW(k, 13),              \
            RATIO_ROW(k, 14), RATIO_ROW(k, 15)                                                   \
    }
const double jm__experience_ratio[JM__RATIO_TABLE][JM__RATIO_TABLE] = RATIO_TABLE(0.75);
const double jm__seniority_ratio[JM__RATIO_TABLE][JM__RATIO_TABLE] = RATIO_TABLE(0.6);
_Static_assert(JM__RATIO_TABLE == 16, "the tables above are written out for 16");

void jm_weights_default(jm_weights *out)
{
    static const jm_weights defaults = {{30, 30, 20, 10, 10}};
    *out = defaults;
}

int jm_weights_parse(const char *spec, jm_weights *out)
{
    return jm_weights_parse_err(spec, out, NULL);
}

/* Whether v[0..n) is a decimal number as strtod reads one: no hex, "inf" or "nan". */
static int decimal_text(const char *v, size_t n)
{
    if (n == 0 || !(isdigit((unsigned char)v[0]) || v[0] == '.' || v[0] == '-'))
        return 0;
    return strspn(v, "0123456789.eE+-") >= n;
}

int jm_weights_parse_err(const char *spec, jm_weights *out, jm_error *err)
{
    jm_weights w = *out;
    int given[JM_COMPONENT_COUNT] = {0};
    const char *p = spec;
    while (*p) {
        size_t item = strcspn(p, ",");
        const char *eq = memchr(p, '=', item);
        int len = (int)(eq ? (size_t)(eq - p) : item);
        if (item == 0)
            return jm__error_set(err, JM_EINVAL, "an empty item: items are NAME=VALUE, by commas");
        if (!eq)
            return jm__error_set(err, JM_EINVAL, "'%.*s' has no '=VALUE' (such as skills=30)",
                                 (int)item, p);
        int c = -1;
        for (int i = 0; i < JM_COMPONENT_COUNT; i++)
            if ((size_t)len == strlen(component_names[i]) &&
                memcmp(p, component_names[i], (size_t)len) == 0)
                c = i;
        if (c < 0)
            return jm__error_set(err, JM_EINVAL,
                                 "unknown component '%.*s' (category, skills, experience, "
                                 "seniority or salary)",
                                 len, p);
        if (given[c]++)
            return jm__error_set(err, JM_EINVAL, "%s given twice", component_names[c]);
        const char *v = eq + 1;
        size_t vlen = item - (size_t)len - 1;
        char *end;
        double x = decimal_text(v, vlen) ? strtod(v, &end) : NAN;
        if (isnan(x) || end != v + vlen || !isfinite(x))
            return jm__error_set(err, JM_EINVAL, "%s: '%.*s' is not a number", component_names[c],
                                 (int)vlen, v);
        if (x < 0)
            return jm__error_set(err, JM_EINVAL, "%s: '%.*s' is negative", component_names[c],
                                 (int)vlen, v);
        w.weight[c] = x;
        p += item;
        if (*p == ',' && !*++p)
            return jm__error_set(err, JM_EINVAL, "an empty item: items are NAME=VALUE, by commas");
    }
    *out = w;
    return 0;
}

enum { MAX_SKILL_WORDS = 32 };
enum { SMALL_SKILLS = 64 }; /* up to this many, duplicates are found by a scan */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static const char *str_field(const jm_record *r, jm_field f, size_t *len)
{
    const char *s = jm_record_string(r, f);
    *len = s ? strlen(s) : 0;
    return s;
}

int jm__prepare(const jm_record *r, jm__intern *skills, jm__intern *categories, jm__prepared *p)
{
    memset(p, 0, sizeof *p);
    p->own_family = -1;
    p->text_plain = 1;
    p->years = -1;
    size_t len;
    const char *cat = str_field(r, JM_FIELD_JOB_CATEGORY, &len);
    p->category = cat ? jm_category_index(cat, len) : -1;
    if (p->category >= 0) {
        p->families = jm_category_families(p->category);
    } else if (cat) {
        /* Outside the taxonomy: a family of its own, keyed by the category's folded text. */
        char stack[256];
        char *key = len <= sizeof stack ? stack : malloc(len);
        if (!key)
            return JM_ENOMEM;
        const char *t = cat;
        size_t tl = len;
        jm__trim(&t, &tl);
        for (size_t i = 0; i < tl; i++)
            key[i] = (char)(t[i] >= 'A' && t[i] <= 'Z' ? t[i] + 32 : t[i]);
        if (tl) {
            p->text_plain = jm__json_plain(cat, len);
            p->own_family = jm__intern_id(categories, key, tl);
            p->own_name = cat;
            p->own_name_len = len;
        }
        if (key != stack)
            free(key);
        if (tl && p->own_family < 0)
            return JM_ENOMEM;
    }

    const char *level = str_field(r, JM_FIELD_EXPERIENCE_LEVEL, &len);
    p->rank = level ? jm_seniority_rank(level, len) : 0;
    const char *years = str_field(r, JM_FIELD_YEARS_EXPERIENCE, &len);
    p->years = years ? jm_years_min(years, len) : -1;

    int is_job = jm_record_kind(r) == JM_KIND_JOB_POST;
    if (is_job) {
        double offer = jm_record_number(r, JM_FIELD_SALARY_MAX);
        if (!(offer > 0))
            offer = jm_record_number(r, JM_FIELD_SALARY_MIN);
        p->money = offer > 0 ? offer : 0;
    } else {
        double ask = jm_record_number(r, JM_FIELD_EXPECTED_SALARY);
        if (!(ask > 0))
            ask = jm_record_number(r, JM_FIELD_CURRENT_SALARY);
        p->money = ask > 0 ? ask : 0;
    }

    jm_field sf = is_job ? JM_FIELD_REQUIRED_SKILLS : JM_FIELD_SKILLS;
    size_t n = jm_record_list_count(r, sf);
    if (n == 0)
        return 0;
    p->skills = malloc(n * sizeof *p->skills);
    if (is_job) {
        p->skill_order = malloc(n * sizeof *p->skill_order);
        p->skill_text = malloc(n * sizeof *p->skill_text);
        p->skill_len = malloc(n * sizeof *p->skill_len);
    }
    if (!p->skills || (is_job && (!p->skill_order || !p->skill_text || !p->skill_len))) {
        jm__prepared_release(p);
        return JM_ENOMEM;
    }
    /* Each skill once, in the record's order (match reasons name the job's skills so): a short
     * list is searched, a long one goes through a set of ids, so the cost stays linear. */
    jm__strmap seen;
    jm__strmap_init(&seen, n);
    int use_set = n > SMALL_SKILLS;
    if (use_set && jm__strmap_reserve(&seen)) {
        jm__prepared_release(p);
        return JM_ENOMEM;
    }
    char stack[512];
    uint32_t u = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *s = jm_record_list_item(r, sf, i);
        size_t sl = strlen(s);
        char *norm = sl <= sizeof stack ? stack : malloc(sl);
        if (!norm) {
            rc = JM_ENOMEM;
            break;
        }
        size_t nl = jm__normalize_skill(s, sl, norm);
        int32_t id = jm__intern_id(skills, norm, nl);
        if (norm != stack)
            free(norm);
        if (id < 0) {
            rc = JM_ENOMEM;
            break;
        }
        int seen_before = 0;
        if (use_set) {
            /* The id + 1 is its own fingerprint: distinct ids never collide. */
            jm__strmap_slot *slot = jm__strmap_find_fp(&seen, (uint64_t)id + 1);
            seen_before = slot->hash != 0;
            if (!seen_before)
                jm__strmap_fill(&seen, slot, (uint64_t)id + 1, 0);
        } else {
            for (uint32_t k = 0; k < u && !seen_before; k++)
                seen_before = p->skills[k] == (uint32_t)id;
        }
        if (seen_before)
            continue;
        p->skills[u] = (uint32_t)id;
        if (is_job) {
            p->text_plain = p->text_plain && jm__json_plain(s, sl);
            p->skill_order[u] = (uint32_t)id;
            p->skill_len[u] = (uint32_t)sl;
            p->skill_text[u] = s;
        }
        u++;
    }
    jm__strmap_free(&seen);
    if (rc) {
        jm__prepared_release(p);
        return rc;
    }
    qsort(p->skills, u, sizeof *p->skills, cmp_u32);
    p->nskills = u; /* for a job, skill_order holds the same ids */
    /* Skills of one category are interned close together, so a short bit set usually covers a
     * record's ids, and intersections become a few AND + popcount. */
    uint32_t word0 = p->skills[0] / 64, nwords = p->skills[u - 1] / 64 - word0 + 1;
    if (nwords <= MAX_SKILL_WORDS) {
        p->skill_bits = calloc(nwords, sizeof *p->skill_bits);
        if (!p->skill_bits) {
            jm__prepared_release(p);
            return JM_ENOMEM;
        }
        for (uint32_t i = 0; i < u; i++)
            p->skill_bits[p->skills[i] / 64 - word0] |= 1ull << (p->skills[i] % 64);
        p->word0 = word0;
        p->nwords = nwords;
    }
    return 0;
}

void jm__prepared_release(jm__prepared *p)
{
    free(p->skills);
    free(p->skill_order);
    free(p->skill_text);
    free(p->skill_len);
    free(p->skill_bits);
    p->skill_bits = NULL;
    p->nwords = 0;
    p->skills = p->skill_order = p->skill_len = NULL;
    p->skill_text = NULL;
    p->nskills = 0;
}

int jm__has_skill(const jm__prepared *p, uint32_t id)
{
    if (p->skill_bits) {
        uint32_t w = id / 64;
        return w >= p->word0 && w < p->word0 + p->nwords &&
               (p->skill_bits[w - p->word0] >> (id % 64) & 1);
    }
    uint32_t lo = 0, hi = p->nskills;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (p->skills[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->nskills && p->skills[lo] == id;
}

/* Built twice, with and without the popcnt instruction, and chosen at load time by the CPU
 * (not under ThreadSanitizer, whose runtime is not ready when load-time resolvers run). */
#if defined(__x86_64__) && !defined(JM_NO_IFUNC) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("popcnt", "default")))
#endif
static unsigned
intersect_bits(const jm__prepared *a, const jm__prepared *b)
{
    uint32_t from = a->word0 > b->word0 ? a->word0 : b->word0;
    uint32_t a_end = a->word0 + a->nwords, b_end = b->word0 + b->nwords;
    uint32_t to = a_end < b_end ? a_end : b_end;
    if (from >= to)
        return 0;
    const uint64_t *x = a->skill_bits + (from - a->word0), *y = b->skill_bits + (from - b->word0);
    /* Two words a step, two sums: the loop's exit, taken once a pair, costs more than its body. */
    unsigned n0 = 0, n1 = 0;
    uint32_t k = 0, words = to - from;
    for (; k + 1 < words; k += 2) {
        n0 += (unsigned)__builtin_popcountll(x[k] & y[k]);
        n1 += (unsigned)__builtin_popcountll(x[k + 1] & y[k + 1]);
    }
    if (k < words)
        n0 += (unsigned)__builtin_popcountll(x[k] & y[k]);
    return n0 + n1;
}

static unsigned intersect(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb)
{
    unsigned n = 0;
    uint32_t i = 0, j = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j])
            i++;
        else if (a[i] > b[j])
            j++;
        else {
            n++;
            i++;
            j++;
        }
    }
    return n;
}

void jm__score_prepared(const jm__prepared *cand, const jm__prepared *job, const jm_weights *w,
                        jm_score *out)
{
    double *f = out->fraction;
    uint32_t common = cand->families & job->families;
    int same = cand->category >= 0 ? cand->category == job->category
                                   : cand->own_family >= 0 && cand->own_family == job->own_family;
    static const double category_fraction[2] = {0.5, 1.0}; /* another category, the same */
    f[JM_COMPONENT_CATEGORY] = category_fraction[same];
    if (common) {
        int fam = __builtin_ctz(common);
        out->family = jm__family_name(fam, &out->family_len);
    } else {
        out->family = job->own_name;
        out->family_len = job->own_name_len;
    }

    unsigned inter = cand->skill_bits && job->skill_bits
                         ? intersect_bits(cand, job)
                         : intersect(cand->skills, cand->nskills, job->skills, job->nskills);
    unsigned uni = cand->nskills + job->nskills - inter;
    out->shared_skills = inter;
    f[JM_COMPONENT_SKILLS] = jm__skills_fraction(inter, uni);
    f[JM_COMPONENT_EXPERIENCE] = jm__experience_fraction(cand->years, job->years);
    f[JM_COMPONENT_SENIORITY] = jm__seniority_fraction(cand->rank, job->rank);
    f[JM_COMPONENT_SALARY] = jm__salary_fraction(job->money, cand->money);
    out->score = jm__score_sum(w, f, out->points);
}

const jm_weights *jm__weights_or_default(const jm_weights *weights, jm_weights *store)
{
    if (weights)
        return weights;
    jm_weights_default(store);
    return store;
}

int jm__pair_prepare(jm__pair_scratch *ps, const jm_record *candidate, const jm_record *job)
{
    memset(ps, 0, sizeof *ps);
    if (jm_record_kind(candidate) != JM_KIND_CANDIDATE || jm_record_kind(job) != JM_KIND_JOB_POST)
        return JM_EINVAL;
    ps->skills = jm__intern_new();
    ps->categories = jm__intern_new();
    if (!ps->skills || !ps->categories ||
        jm__prepare(candidate, ps->skills, ps->categories, &ps->cand))
        return JM_ENOMEM;
    if (jm__prepare(job, ps->skills, ps->categories, &ps->job)) {
        jm__prepared_release(&ps->cand);
        return JM_ENOMEM;
    }
    ps->prepared = 1;
    return 0;
}

void jm__pair_release(jm__pair_scratch *ps)
{
    if (ps->prepared) {
        jm__prepared_release(&ps->cand);
        jm__prepared_release(&ps->job);
    }
    jm__intern_free(ps->skills);
    jm__intern_free(ps->categories);
    ps->prepared = 0;
}

int jm_score_pair(const jm_record *candidate, const jm_record *job, const jm_weights *weights,
                  jm_score *out)
{
    jm_weights defaults;
    jm__pair_scratch ps;
    int rc = jm__pair_prepare(&ps, candidate, job);
    if (rc == 0) {
        rc = jm__joined(&ps.cand, &ps.job);
        if (rc) {
            memset(out, 0, sizeof *out); /* the entries past JM_COMPONENT_COUNT too */
            jm__score_prepared(&ps.cand, &ps.job, jm__weights_or_default(weights, &defaults), out);
        }
    }
    jm__pair_release(&ps);
    return rc;
}
