/* Exact top K without scoring every pair (docs/MATCHING.md, "Top K"). Held jobs are grouped by
 * category and seniority rank, and each group is cut into blocks of arrival order; a group and
 * a block carry a summary from which an upper bound of any of their jobs' scores follows, one
 * bound per component:
 *   category    exact for the group (the same category, or another that shares a family);
 *   skills      |A n B| / |A u B| over the sizes of B in the summary and the candidate's skills
 *               found in the union of the summary's (at most min(|A|, |B|) / max(|A|, |B|));
 *   experience  from the fewest years asked, seniority from the ranks present, salary from the
 *               highest offer, each with the 0.5 of an unknown side when one is present.
 * The fractions are the scorer's own functions of those extremes, and the points are summed as
 * the scorer sums them, so a bound is never below a score the summary covers, to the last bit.
 * Groups are visited best bound first; a group, block or job is passed over when its bound is
 * below the minimum score or cannot beat the K-th best so far (a lower score, or the same score
 * and no earlier arrival). Inside a block the skills of each job are compared exactly, over a
 * dictionary of the category's skills, before the pair is scored. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/taxonomy.h>

#include "strmap.h"
#include "topk.h"

enum {
    BLOCK = 64,      /* jobs a block */
    LOCAL_WORDS = 2, /* a category's skills as bits: its first 128 distinct skills */
    LOCAL_MAX = 64 * LOCAL_WORDS,
    RANK_BUCKETS = 16,   /* groups of a category by rank; higher ranks share the last */
    RANK_BIT_OTHER = 31, /* a rank past the mask's bits: bounded as the best seniority */
};

typedef struct summary {
    uint32_t n;
    uint32_t rank_mask; /* bit r: a job of rank r (RANK_BIT_OTHER: of a rank beyond) */
    uint32_t nsk_min, nsk_max;
    int years_min;     /* fewest years asked, INT_MAX when no job says */
    int years_unknown; /* a job that does not say */
    int money_unknown; /* a job without an offer */
    int overflow;      /* a job with skills outside the category's dictionary */
    double money_max;  /* highest offer, 0 when no job has one */
    uint64_t min_seq;
    int64_t min_event, min_deadline;
    uint64_t skills[LOCAL_WORDS]; /* union of the jobs' skills in the dictionary */
} summary;

typedef struct block {
    summary s;
    uint32_t n;
    uint64_t seq[BLOCK];
    int64_t event[BLOCK], deadline[BLOCK];
    uint64_t mask[BLOCK][LOCAL_WORDS];
    uint32_t nsk[BLOCK];
    int32_t years[BLOCK], rank[BLOCK];
    double money[BLOCK];
    uint8_t over[BLOCK];
    const jm__prepared *p[BLOCK];
    void *handle[BLOCK];
} block;

typedef struct group {
    summary s;
    block **blocks; /* arrival order */
    size_t n, cap;
} group;

typedef struct cat {
    int32_t category;   /* taxonomy index, or -1 */
    int32_t own_family; /* a category of its own, or -1 */
    uint32_t families;
    jm__strmap dict; /* skill id + 1 -> its bit */
    uint32_t nlocal;
    group groups[RANK_BUCKETS];
} cat;

/* A group to visit for one candidate, with what its category gives it. */
typedef struct visit {
    int bound;
    double fcat;
    uint64_t min_seq;
    const group *g;
    uint64_t cmask[LOCAL_WORDS];
} visit;

struct jm__topk {
    jm_weights w;
    int min_score;
    unsigned k;
    cat **cats;
    size_t ncats, cats_cap;
    int32_t tax[JM_CATEGORY_COUNT]; /* taxonomy index -> index into cats, or -1 */
    jm__strmap own;                 /* own_family + 1 -> index into cats */
    visit *visits;
    size_t visits_cap;
};

int jm__topk_usable(const jm_weights *w)
{
    for (int i = 0; i < JM_COMPONENT_COUNT; i++)
        if (!(w->weight[i] >= 0) || w->weight[i] > 1e300)
            return 0;
    return 1;
}

jm__topk *jm__topk_new(const jm_weights *w, int min_score, unsigned k)
{
    jm__topk *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->w = *w;
    t->min_score = min_score;
    t->k = k;
    for (int i = 0; i < JM_CATEGORY_COUNT; i++)
        t->tax[i] = -1;
    jm__strmap_init(&t->own, 16);
    if (jm__strmap_reserve(&t->own)) {
        free(t);
        return NULL;
    }
    return t;
}

static void cat_free(cat *c)
{
    for (int r = 0; r < RANK_BUCKETS; r++) {
        for (size_t i = 0; i < c->groups[r].n; i++)
            free(c->groups[r].blocks[i]);
        free(c->groups[r].blocks);
    }
    jm__strmap_free(&c->dict);
    free(c);
}

void jm__topk_clear(jm__topk *t)
{
    for (size_t i = 0; i < t->ncats; i++)
        cat_free(t->cats[i]);
    t->ncats = 0;
    for (int i = 0; i < JM_CATEGORY_COUNT; i++)
        t->tax[i] = -1;
    memset(t->own.slots, 0, (t->own.mask + 1) * sizeof *t->own.slots);
    t->own.count = 0;
}

void jm__topk_free(jm__topk *t)
{
    if (!t)
        return;
    jm__topk_clear(t);
    free(t->cats);
    jm__strmap_free(&t->own);
    free(t->visits);
    free(t);
}

/* ---- summaries ------------------------------------------------------------------------------ */

static void summary_init(summary *s)
{
    memset(s, 0, sizeof *s);
    s->nsk_min = UINT32_MAX;
    s->years_min = INT_MAX;
    s->min_seq = UINT64_MAX;
    s->min_event = s->min_deadline = INT64_MAX;
}

static void summary_add(summary *s, const jm__prepared *p, uint64_t seq, int64_t event,
                        int64_t deadline, const uint64_t *mask, int over)
{
    s->n++;
    s->rank_mask |= 1u << (p->rank >= 0 && p->rank < RANK_BIT_OTHER ? p->rank : RANK_BIT_OTHER);
    if (p->nskills < s->nsk_min)
        s->nsk_min = p->nskills;
    if (p->nskills > s->nsk_max)
        s->nsk_max = p->nskills;
    if (p->years < 0)
        s->years_unknown = 1;
    else if (p->years < s->years_min)
        s->years_min = p->years;
    if (!(p->money > 0))
        s->money_unknown = 1;
    else if (p->money > s->money_max)
        s->money_max = p->money;
    s->overflow |= over;
    if (seq < s->min_seq)
        s->min_seq = seq;
    if (event < s->min_event)
        s->min_event = event;
    if (deadline < s->min_deadline)
        s->min_deadline = deadline;
    for (int i = 0; i < LOCAL_WORDS; i++)
        s->skills[i] |= mask[i];
}

static int entry_gone(const jm__topk_limits *lim, uint64_t seq, int64_t event, int64_t deadline)
{
    return event < lim->cut || seq < lim->seq_floor || deadline < lim->deadline_before;
}

static int all_live(const summary *s, const jm__topk_limits *lim)
{
    return !entry_gone(lim, s->min_seq, s->min_event, s->min_deadline);
}

static uint64_t live_in_block(const block *b, const jm__topk_limits *lim)
{
    if (all_live(&b->s, lim))
        return b->n;
    uint64_t n = 0;
    for (uint32_t e = 0; e < b->n; e++)
        n += !entry_gone(lim, b->seq[e], b->event[e], b->deadline[e]);
    return n;
}

static uint64_t live_in_group(const group *g, const jm__topk_limits *lim)
{
    if (all_live(&g->s, lim))
        return g->s.n;
    uint64_t n = 0;
    for (size_t i = 0; i < g->n; i++)
        n += live_in_block(g->blocks[i], lim);
    return n;
}

/* ---- adding jobs ---------------------------------------------------------------------------- */

static cat *cat_of(jm__topk *t, const jm__prepared *p)
{
    int32_t *tax =
        p->category >= 0 && p->category < JM_CATEGORY_COUNT ? &t->tax[p->category] : NULL;
    jm__strmap_slot *sl = NULL;
    if (tax) {
        if (*tax >= 0)
            return t->cats[*tax];
    } else {
        if (jm__strmap_reserve(&t->own))
            return NULL;
        sl = jm__strmap_find_fp(&t->own, (uint64_t)p->own_family + 1);
        if (sl->hash)
            return t->cats[sl->value];
    }
    if (t->ncats == t->cats_cap) {
        size_t cap = t->cats_cap ? t->cats_cap * 2 : 32;
        cat **cats = realloc(t->cats, cap * sizeof *cats);
        if (!cats)
            return NULL;
        t->cats = cats;
        t->cats_cap = cap;
    }
    cat *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    jm__strmap_init(&c->dict, LOCAL_MAX);
    if (jm__strmap_reserve(&c->dict)) {
        free(c);
        return NULL;
    }
    c->category = tax ? p->category : -1;
    c->own_family = tax ? -1 : p->own_family;
    c->families = p->families;
    for (int r = 0; r < RANK_BUCKETS; r++)
        summary_init(&c->groups[r].s);
    if (tax)
        *tax = (int32_t)t->ncats;
    else
        jm__strmap_fill(&t->own, sl, (uint64_t)p->own_family + 1, t->ncats);
    t->cats[t->ncats++] = c;
    return c;
}

int jm__topk_add(jm__topk *t, const jm__prepared *p, uint64_t seq, int64_t event_ms,
                 int64_t deadline_ms, void *handle)
{
    if ((p->category < 0 || p->category >= JM_CATEGORY_COUNT) && p->own_family < 0)
        return 0; /* joins nothing */
    cat *c = cat_of(t, p);
    if (!c)
        return JM_ENOMEM;
    uint64_t mask[LOCAL_WORDS] = {0};
    int over = 0;
    for (uint32_t i = 0; i < p->nskills; i++) {
        if (jm__strmap_reserve(&c->dict))
            return JM_ENOMEM;
        jm__strmap_slot *sl = jm__strmap_find_fp(&c->dict, (uint64_t)p->skills[i] + 1);
        if (!sl->hash) {
            if (c->nlocal == LOCAL_MAX) {
                over = 1;
                continue;
            }
            jm__strmap_fill(&c->dict, sl, (uint64_t)p->skills[i] + 1, c->nlocal++);
        }
        mask[sl->value / 64] |= 1ull << (sl->value % 64);
    }
    group *g = &c->groups[p->rank >= 0 && p->rank < RANK_BUCKETS ? p->rank : RANK_BUCKETS - 1];
    block *b = g->n ? g->blocks[g->n - 1] : NULL;
    if (!b || b->n == BLOCK) {
        if (g->n == g->cap) {
            size_t cap = g->cap ? g->cap * 2 : 8;
            block **blocks = realloc(g->blocks, cap * sizeof *blocks);
            if (!blocks)
                return JM_ENOMEM;
            g->blocks = blocks;
            g->cap = cap;
        }
        b = malloc(sizeof *b);
        if (!b)
            return JM_ENOMEM;
        b->n = 0;
        summary_init(&b->s);
        g->blocks[g->n++] = b;
    }
    uint32_t e = b->n++;
    b->seq[e] = seq;
    b->event[e] = event_ms;
    b->deadline[e] = deadline_ms;
    memcpy(b->mask[e], mask, sizeof mask);
    b->nsk[e] = p->nskills;
    b->years[e] = p->years;
    b->rank[e] = p->rank;
    b->money[e] = p->money;
    b->over[e] = (uint8_t)over;
    b->p[e] = p;
    b->handle[e] = handle;
    summary_add(&b->s, p, seq, event_ms, deadline_ms, mask, over);
    summary_add(&g->s, p, seq, event_ms, deadline_ms, mask, over);
    return 0;
}

/* ---- bounds --------------------------------------------------------------------------------- */

/* The most |A n B| / |A u B| can be with |A| = a, |B| in [bmin, bmax] and |A n B| <= c: the
 * fraction rises with |B| up to c and falls after it. */
static double skills_bound(unsigned a, unsigned c, uint32_t bmin, uint32_t bmax)
{
    if (a == 0 || bmin > bmax)
        return 0.0;
    uint32_t b = c < bmin ? bmin : c > bmax ? bmax : c;
    unsigned i = c < b ? c : b;
    return jm__skills_fraction(i, a + b - i);
}

static unsigned popcount_and(const uint64_t *x, const uint64_t *y)
{
    unsigned n = 0;
    for (int i = 0; i < LOCAL_WORDS; i++)
        n += (unsigned)__builtin_popcountll(x[i] & y[i]);
    return n;
}

/* The component fractions no job of summary s can exceed, the category's given. */
static void summary_fractions(const summary *s, const jm__prepared *cand, const uint64_t *cmask,
                              double fcat, double *f)
{
    f[JM_COMPONENT_CATEGORY] = fcat;
    unsigned a = cand->nskills;
    unsigned c = s->overflow ? a : popcount_and(cmask, s->skills);
    f[JM_COMPONENT_SKILLS] = skills_bound(a, c, s->nsk_min, s->nsk_max);

    double fe = 0.5;
    if (cand->years >= 0) {
        fe = s->years_unknown ? 0.5 : 0.0;
        if (s->years_min != INT_MAX) {
            double g = jm__experience_fraction(cand->years, s->years_min);
            fe = g > fe ? g : fe;
        }
    }
    f[JM_COMPONENT_EXPERIENCE] = fe;

    double fs = 0.5;
    if (cand->rank) {
        fs = 0.0;
        for (uint32_t m = s->rank_mask; m; m &= m - 1) {
            int j = __builtin_ctz(m);
            double g = j == RANK_BIT_OTHER ? 1.0 : jm__seniority_fraction(cand->rank, j);
            fs = g > fs ? g : fs;
        }
    }
    f[JM_COMPONENT_SENIORITY] = fs;

    double fm = 0.5;
    if (cand->money > 0) {
        fm = s->money_unknown ? 0.5 : 0.0;
        if (s->money_max > 0) {
            double g = jm__salary_fraction(s->money_max, cand->money);
            fm = g > fm ? g : fm;
        }
    }
    f[JM_COMPONENT_SALARY] = fm;
}

/* ---- the scan ------------------------------------------------------------------------------- */

typedef struct scan {
    const jm__topk *t;
    const jm__prepared *cand;
    const jm__topk_limits *lim;
    jm__topk_hit **best;
    unsigned *cap, n;
    uint64_t scored, skipped;
} scan;

/* Whether a job with a score up to bound, arriving at seq or later, could still enter. */
static int can_enter(const scan *sc, int bound, uint64_t seq)
{
    if (bound < sc->t->min_score)
        return 0;
    if (sc->n < sc->t->k)
        return 1;
    const jm__topk_hit *last = &(*sc->best)[sc->t->k - 1];
    return bound > last->score || (bound == last->score && seq < last->seq);
}

/* Puts a scored job in its place among the best, when it ranks among the first K. */
static int admit(scan *sc, int score, uint64_t seq, void *handle)
{
    unsigned k = sc->t->k, pos = 0;
    jm__topk_hit *best = *sc->best;
    while (pos < sc->n &&
           (best[pos].score > score || (best[pos].score == score && best[pos].seq < seq)))
        pos++;
    if (pos >= k)
        return 0;
    if (sc->n == *sc->cap && *sc->cap < k) {
        unsigned cap = *sc->cap ? *sc->cap * 2 : 16;
        if (cap > k)
            cap = k;
        best = realloc(best, cap * sizeof *best);
        if (!best)
            return JM_ENOMEM;
        *sc->best = best;
        *sc->cap = cap;
    }
    unsigned n = sc->n < k ? sc->n + 1 : k;
    memmove(best + pos + 1, best + pos, (n - 1 - pos) * sizeof *best);
    best[pos] = (jm__topk_hit){score, seq, handle};
    sc->n = n;
    return 0;
}

/* The fewest shared skills that let a job of the block with b skills reach the score of the
 * K-th best (or the minimum), the other components at the block's bounds f, for each b of the
 * block: a job with fewer cannot enter. A prefilter only, so it errs low: a margin far above
 * the rounding of a few additions, and the count rounded down. */
enum { NEED_SPAN = 64 }; /* the skill counts of a block the table covers */

static void shared_needed(const scan *sc, const summary *s, const double *f, int *need)
{
    const jm_weights *w = &sc->t->w;
    double ws = w->weight[JM_COMPONENT_SKILLS];
    uint32_t span = s->nsk_max - s->nsk_min + 1;
    if (span > NEED_SPAN)
        span = NEED_SPAN;
    int thr = sc->n < sc->t->k ? sc->t->min_score : (*sc->best)[sc->t->k - 1].score;
    double rest = 0, total = 1;
    for (int i = 0; i < JM_COMPONENT_COUNT; i++) {
        total += w->weight[i];
        if (i != JM_COMPONENT_SKILLS)
            rest += w->weight[i] * f[i];
    }
    /* The skills fraction j needed; |A n B| / |A u B| >= j when |A n B| >= j (a + b) / (1 + j). */
    double j = ws > 0 ? ((thr - 0.5) - rest - 1e-7 * total) / ws : -1.0;
    for (uint32_t i = 0; i < span; i++) {
        double x = j > 0 ? j * (sc->cand->nskills + s->nsk_min + i) / (1 + j) - 1e-9 : 0.0;
        need[i] = x < 1 ? 0 : x > 1e6 ? 1000000 : (int)x;
    }
    for (uint32_t i = span; i <= NEED_SPAN; i++)
        need[i] = 0; /* counts past the table: no prefilter */
}

/* The jobs of block b whose skills alone do not rule them out, by the table need: into pass,
 * with the skills each shares with the candidate in shared, their number returned. A tight loop
 * with no branch on the data: this is where a dense market spends its time. */
#if defined(__x86_64__) && !defined(JM_NO_IFUNC) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("popcnt", "default")))
#endif
static unsigned
prefilter(const block *b, const uint64_t *cmask, const int *need, uint8_t *pass, uint8_t *shared)
{
    const uint64_t c0 = cmask[0], c1 = cmask[1];
    const uint32_t nmin = b->s.nsk_min;
    unsigned np = 0;
    for (uint32_t e = 0; e < b->n; e++) {
        int inter =
            __builtin_popcountll(c0 & b->mask[e][0]) + __builtin_popcountll(c1 & b->mask[e][1]);
        uint32_t span = b->nsk[e] - nmin;
        span = span < NEED_SPAN ? span : NEED_SPAN;
        pass[np] = (uint8_t)e;
        shared[np] = (uint8_t)inter;
        np += (inter >= need[span]) | b->over[e];
    }
    return np;
}

static int scan_block(scan *sc, const block *b, const visit *v)
{
    _Static_assert(BLOCK <= 256 && LOCAL_WORDS == 2,
                   "prefilter() keeps entries in bytes, masks in two words");
    const jm_weights *w = &sc->t->w;
    const jm__prepared *cand = sc->cand;
    double f[JM_COMPONENT_COUNT], points[JM_COMPONENT_COUNT];
    summary_fractions(&b->s, cand, v->cmask, v->fcat, f);
    if (!can_enter(sc, jm__score_sum(w, f, points), b->s.min_seq)) {
        sc->skipped += live_in_block(b, sc->lim);
        return 0;
    }
    int need[NEED_SPAN + 1];
    shared_needed(sc, &b->s, f, need);
    uint8_t pass[BLOCK], shared[BLOCK];
    unsigned np = prefilter(b, v->cmask, need, pass, shared);
    int live = all_live(&b->s, sc->lim);
    sc->skipped += live ? b->n - np : live_in_block(b, sc->lim);
    unsigned a = cand->nskills;
    for (unsigned i = 0; i < np; i++) {
        uint32_t e = pass[i];
        if (!live && entry_gone(sc->lim, b->seq[e], b->event[e], b->deadline[e]))
            continue;
        sc->skipped -= !live; /* counted live above, and looked at here */
        /* The job's own numbers: the scorer's own fractions of the same inputs, so, with the
         * skills exact, this is the pair's score; with skills outside the dictionary, a bound
         * that the pair's full score must follow. */
        unsigned inter = shared[i];
        double fe[JM_COMPONENT_COUNT] = {
            [JM_COMPONENT_CATEGORY] = v->fcat,
            [JM_COMPONENT_SKILLS] = b->over[e] ? skills_bound(a, a, b->nsk[e], b->nsk[e])
                                               : jm__skills_fraction(inter, a + b->nsk[e] - inter),
            [JM_COMPONENT_EXPERIENCE] = jm__experience_fraction(cand->years, b->years[e]),
            [JM_COMPONENT_SENIORITY] = jm__seniority_fraction(cand->rank, b->rank[e]),
            [JM_COMPONENT_SALARY] = jm__salary_fraction(b->money[e], cand->money),
        };
        int score = jm__score_sum(w, fe, points);
        if (b->over[e] && can_enter(sc, score, b->seq[e])) {
            jm_score full;
            jm__score_prepared(cand, b->p[e], w, &full);
            score = full.score;
        } else if (b->over[e]) {
            sc->skipped++;
            continue;
        }
        sc->scored++;
        if (score >= sc->t->min_score && can_enter(sc, score, b->seq[e]) &&
            admit(sc, score, b->seq[e], b->handle[e]))
            return JM_ENOMEM;
    }
    return 0;
}

static int by_bound(const void *x, const void *y)
{
    const visit *a = x, *b = y;
    if (a->bound != b->bound)
        return a->bound > b->bound ? -1 : 1;
    return a->min_seq < b->min_seq ? -1 : a->min_seq > b->min_seq;
}

/* Lists the groups of category c for the candidate, with their bounds. */
static int add_visits(jm__topk *t, const cat *c, const jm__prepared *cand, size_t *nv)
{
    visit v = {0};
    int same = cand->category >= 0 ? cand->category == c->category
                                   : cand->own_family >= 0 && cand->own_family == c->own_family;
    v.fcat = same ? 1.0 : 0.5;
    for (uint32_t i = 0; i < cand->nskills; i++) {
        uint64_t bit;
        if (jm__strmap_get_fp(&c->dict, (uint64_t)cand->skills[i] + 1, &bit))
            v.cmask[bit / 64] |= 1ull << (bit % 64);
    }
    for (int r = 0; r < RANK_BUCKETS; r++) {
        const group *g = &c->groups[r];
        if (!g->s.n)
            continue;
        if (*nv == t->visits_cap) {
            size_t cap = t->visits_cap ? t->visits_cap * 2 : 64;
            visit *vs = realloc(t->visits, cap * sizeof *vs);
            if (!vs)
                return JM_ENOMEM;
            t->visits = vs;
            t->visits_cap = cap;
        }
        double f[JM_COMPONENT_COUNT], points[JM_COMPONENT_COUNT];
        summary_fractions(&g->s, cand, v.cmask, v.fcat, f);
        v.bound = jm__score_sum(&t->w, f, points);
        v.min_seq = g->s.min_seq;
        v.g = g;
        t->visits[(*nv)++] = v;
    }
    return 0;
}

int jm__topk_best(jm__topk *t, const jm__prepared *cand, const jm__topk_limits *lim,
                  jm__topk_hit **best, unsigned *cap, unsigned *n, uint64_t *scored,
                  uint64_t *skipped)
{
    *n = 0;
    size_t nv = 0;
    int rc = 0;
    if (cand->families) {
        for (int i = 0; i < JM_CATEGORY_COUNT && rc == 0; i++)
            if (t->tax[i] >= 0 && (t->cats[t->tax[i]]->families & cand->families))
                rc = add_visits(t, t->cats[t->tax[i]], cand, &nv);
    }
    uint64_t at;
    if (rc == 0 && cand->own_family >= 0 &&
        jm__strmap_get_fp(&t->own, (uint64_t)cand->own_family + 1, &at))
        rc = add_visits(t, t->cats[at], cand, &nv);
    if (rc)
        return rc;
    if (nv > 1) /* visits is NULL before the first */
        qsort(t->visits, nv, sizeof *t->visits, by_bound);
    scan sc = {t, cand, lim, best, cap, 0, 0, 0};
    for (size_t i = 0; i < nv && rc == 0; i++) {
        const visit *v = &t->visits[i];
        if (!can_enter(&sc, v->bound, v->min_seq)) {
            sc.skipped += live_in_group(v->g, lim);
            continue;
        }
        for (size_t j = 0; j < v->g->n && rc == 0; j++)
            rc = scan_block(&sc, v->g->blocks[j], v);
    }
    *n = sc.n;
    *scored += sc.scored;
    *skipped += sc.skipped;
    return rc;
}
