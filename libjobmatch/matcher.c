/* The streaming join (SPEC "Streaming join"): held records blocked by family, each arrival
 * scored against the other side once per pair, watermark and TTL eviction, and top K. */
#include <stdlib.h>
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/matcher.h>
#include <jobmatch/taxonomy.h>
#include <jobmatch/writer.h>

#include "application_internal.h"
#include "application_line.h"
#include "error_internal.h"
#include "matcher_threads.h"
#include "record_internal.h"
#include "score_internal.h"
#include "strmap.h"
#include "topk.h"
#include "versioned.h"

typedef struct top_entry {
    int score;
    uint64_t seq;
} top_entry;

typedef struct held {
    jm_record *rec;
    jm__prepared p;
    uint64_t seq; /* arrival order */
    int64_t event_ms;
    jm__pair_hash key; /* jm__id_key() of its id */
    const char *id;
    size_t id_len;
    uint64_t id_hash;
    top_entry *top; /* candidates under top K: the K best so far, best first; grown as they come */
    unsigned ntop, top_cap;
    jm__line_parts parts; /* NDJSON mode: its texts as application lines take them */
} held;

/* What the join tests of a held record, packed so that a scan stays in cache: its families and
 * its event time (whether it has left state by its TTL) beside it. */
typedef struct join_key {
    uint32_t families;
    int32_t own_family;
    int64_t event_ms;
    held *h;
} join_key;

typedef struct side {
    join_key *keys; /* arrival order */
    size_t n, cap;
    jm__strmap ids; /* id -> held *, shrinking as records leave state */
} side;

typedef struct candidate_hit {
    held *job;
    jm_score score;
} candidate_hit;

/* What one thread needs to score and emit: its own application record, reason text, output,
 * top K hits and counters. Lane 0 is the caller's thread; lanes 1 and up are the pool's helpers
 * (matcher_threads.c). Each lane has cache lines of its own: its counters and its output's
 * length change with every application, and lanes side by side on one line would make every
 * write a transfer between processors. */
enum { CACHE_LINE = 64 };
typedef struct lane {
    _Alignas(CACHE_LINE) jm_record *app;
    jm_buf reason;
    jm_buf out;          /* NDJSON mode: written applications, handed on in order */
    candidate_hit *hits; /* a new candidate's joined jobs under top K, in arrival order */
    size_t nhits, hits_cap;
    uint64_t pairs_scored, applications;
} lane;

typedef int (*visit_fn)(struct jm_matcher *m, lane *ln, held *arrival, held *other);

/* What chunk c of a shared scan left in the lane that ran it: its output bytes and its hits. */
typedef struct chunk_out {
    unsigned lane;
    size_t off, len, hits_off, nhits;
} chunk_out;

/* One arrival's scan, shared out by chunks of held records between the caller and the pool's
 * helpers: chunks go to whoever is free, so nobody waits long for the others, and what they
 * leave is put back in chunk order. */
typedef struct scan {
    held *arrival;
    struct side *side;
    visit_fn fn;
    size_t live_from; /* the keys below have left state by max_state */
    chunk_out *chunks;
    size_t nchunks, chunks_cap;
} scan;

struct jm_matcher {
    jm_matcher_options o;
    jm_application_fn on_application;
    void *ctx;
    jm__intern *skills, *categories;
    side jobs, cands;
    uint64_t seq;
    int64_t max_event;
    int any_event;
    int stamped;        /* max_event comes from a timestamp, not from read times */
    uint64_t seq_floor; /* max_state: records that arrived before this have left state */
    int64_t min_held_event;
    jm_matcher_stats st;
    jm_ndjson_fn on_ndjson; /* NDJSON mode when set */
    lane *lanes;            /* nlanes: one, or one per thread of the pool */
    unsigned nlanes;
    candidate_hit *hits; /* a shared scan's hits, merged in arrival order */
    size_t nhits, hits_cap;
    jm__pool *pool; /* NDJSON mode with threads > 1 */
    scan scan;
    /* Top K by bounds (topk.c): the held jobs' index, NULL when every pair is scored. */
    jm__topk *topk;
    jm__topk_hit *best;
    unsigned best_cap;
    int shared_scan; /* the last scan was shared out: hand_on() merges the lanes */
};

enum { DAY_MS = 86400000 };

JM__VERSIONED(jm_matcher_options, max_state);
JM__VERSIONED(jm_matcher_stats, pairs_skipped);
#define MATCHER_OPTIONS_V1 JM__SIZE_TO(jm_matcher_options, threads)
#define MATCHER_STATS_V1 JM__SIZE_TO(jm_matcher_stats, watermark_ms)

void jm_matcher_options_init(jm_matcher_options *o)
{
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    jm_weights_default(&o->weights);
    o->min_score = 30;
    o->state_ttl_ms = 7LL * DAY_MS;
    o->lateness_ms = 2 * 60 * 1000;
}

/* ---- the id maps ---------------------------------------------------------------------------- */

static held *as_held(uint64_t value)
{
    return (held *)(uintptr_t)value;
}

static const char *held_id(const void *ctx, uint64_t value, size_t *len)
{
    (void)ctx;
    *len = as_held(value)->id_len;
    return as_held(value)->id;
}

static void ids_remove(side *s, held *h)
{
    jm__strmap_slot *sl = jm__strmap_find(&s->ids, h->id_hash, h->id, h->id_len, held_id, NULL);
    if (sl->hash && as_held(sl->value) == h)
        jm__strmap_remove(&s->ids, sl);
}

/* ---- life cycle ----------------------------------------------------------------------------- */

static void topk_init(jm_matcher *m);
static void topk_reindex(jm_matcher *m);

static jm_matcher *matcher_new(const jm_matcher_options *o, jm_application_fn on_application,
                               jm_ndjson_fn on_ndjson, void *ctx, jm_error *err)
{
    jm_matcher_options opts;
    jm_matcher_options_init(&opts);
    if (o && jm__versioned_in(&opts, sizeof opts, o, MATCHER_OPTIONS_V1))
        return jm__fail(err, JM_EINVAL,
                        "options not set up by jm_matcher_options_init() (struct_size)");
    o = &opts;
    if (o->state_ttl_ms < 0 || o->lateness_ms < 0 || o->max_future_ms < 0)
        return jm__fail(err, JM_EINVAL, "a negative state TTL, lateness or future bound");
    jm_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return jm__fail(err, JM_ENOMEM, "out of memory");
    m->o = *o;
    m->on_application = on_application;
    m->on_ndjson = on_ndjson;
    m->ctx = ctx;
    jm__strmap_init(&m->jobs.ids, 512);
    jm__strmap_init(&m->cands.ids, 512);
    m->skills = jm__intern_new();
    m->categories = jm__intern_new();
    m->st.watermark_ms = INT64_MIN;
    /* Without threads to be had, one thread does it all: the bytes are the same. */
    if (on_ndjson && o->threads > 1)
        m->pool = jm__pool_new(o->threads);
    m->nlanes = m->pool ? jm__pool_lanes(m->pool) : 1;
    m->lanes = aligned_alloc(CACHE_LINE, m->nlanes * sizeof *m->lanes); /* a multiple of it */
    if (m->lanes)
        memset(m->lanes, 0, m->nlanes * sizeof *m->lanes);
    int lanes_ok = m->lanes != NULL;
    for (unsigned i = 0; lanes_ok && i < m->nlanes; i++)
        lanes_ok = (m->lanes[i].app = jm_record_new(JM_KIND_APPLICATION, NULL)) != NULL;
    if (!m->skills || !m->categories || !lanes_ok || jm__strmap_reserve(&m->jobs.ids) ||
        jm__strmap_reserve(&m->cands.ids)) {
        jm_matcher_free(m);
        return jm__fail(err, JM_ENOMEM, "out of memory");
    }
    topk_init(m);
    return m;
}

jm_matcher *jm_matcher_new(const jm_matcher_options *o, jm_application_fn on_application, void *ctx,
                           jm_error *err)
{
    return matcher_new(o, on_application, NULL, ctx, err);
}

jm_matcher *jm_matcher_new_ndjson(const jm_matcher_options *o, jm_ndjson_fn on_ndjson, void *ctx,
                                  jm_error *err)
{
    if (!on_ndjson)
        return jm__fail(err, JM_EINVAL, "no jm_ndjson_fn to hand the applications to");
    return matcher_new(o, NULL, on_ndjson, ctx, err);
}

static void held_free(held *h)
{
    jm__line_parts_release(&h->parts);
    jm__prepared_release(&h->p);
    jm_record_free(h->rec);
    free(h->top);
    free(h);
}

static void side_free(side *s)
{
    for (size_t i = 0; i < s->n; i++)
        held_free(s->keys[i].h);
    free(s->keys);
    jm__strmap_free(&s->ids);
}

void jm_matcher_free(jm_matcher *m)
{
    if (!m)
        return;
    side_free(&m->jobs);
    side_free(&m->cands);
    jm__topk_free(m->topk);
    free(m->best);
    jm__intern_free(m->skills);
    jm__intern_free(m->categories);
    jm__pool_free(m->pool);
    for (unsigned i = 0; m->lanes && i < m->nlanes; i++) {
        jm_record_free(m->lanes[i].app);
        jm_buf_free(&m->lanes[i].reason);
        jm_buf_free(&m->lanes[i].out);
        free(m->lanes[i].hits);
    }
    free(m->lanes);
    free(m->scan.chunks);
    free(m->hits);
    free(m);
}

/* ---- eviction ------------------------------------------------------------------------------- */

/* a - b and a + b, held at the ends of int64_t: a TTL and lateness of centuries, or times at
 * the ends of the range, mean "nothing is that old", never a wrapped value. */
static int64_t sub_sat(int64_t a, int64_t b)
{
    int64_t r;
    return __builtin_sub_overflow(a, b, &r) ? (b > 0 ? INT64_MIN : INT64_MAX) : r;
}
static int64_t add_sat(int64_t a, int64_t b)
{
    int64_t r;
    return __builtin_add_overflow(a, b, &r) ? (b > 0 ? INT64_MAX : INT64_MIN) : r;
}

static int64_t watermark(const jm_matcher *m)
{
    return sub_sat(m->max_event, m->o.lateness_ms);
}

static int64_t cutoff(const jm_matcher *m)
{
    if (!m->any_event || m->o.state_ttl_ms == 0)
        return INT64_MIN;
    return sub_sat(watermark(m), m->o.state_ttl_ms);
}

/* Whether h has left state by the rules, whether or not a sweep has freed it yet. */
static int gone(const jm_matcher *m, const held *h, int64_t cut)
{
    if (h->event_ms < cut || h->seq < m->seq_floor)
        return 1;
    if (m->o.expire_jobs && h->rec->kind == JM_KIND_JOB_POST && m->any_event &&
        JM__HAS(h->rec, JM_FIELD_DEADLINE_DATE) &&
        h->rec->v[JM_FIELD_DEADLINE_DATE].i < watermark(m))
        return 1;
    return 0;
}

static void sweep_side(jm_matcher *m, side *s, int64_t cut)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        held *h = s->keys[i].h;
        if (gone(m, h, cut)) {
            ids_remove(s, h);
            held_free(h);
        } else {
            s->keys[k++] = s->keys[i];
        }
    }
    m->st.evicted += s->n - k;
    int any = s->n != k;
    s->n = k;
    if (any && s == &m->jobs)
        topk_reindex(m);
}

/* Frees what has left state. Sweeps are batched: one runs when the cutoff has passed the oldest
 * held event by a sixteenth of the TTL, so a steady stream costs O(1) per record. Between
 * sweeps, gone() keeps records that have left out of every join. */
static void maybe_sweep(jm_matcher *m, int force)
{
    int64_t cut = cutoff(m);
    int64_t margin = m->o.state_ttl_ms / 16;
    int due = cut != INT64_MIN && sub_sat(cut, margin) > m->min_held_event;
    if (!force && !due && !(m->o.expire_jobs && m->seq % 1024 == 0))
        return;
    sweep_side(m, &m->jobs, cut);
    sweep_side(m, &m->cands, cut);
    int64_t oldest = INT64_MAX;
    for (size_t i = 0; i < m->jobs.n; i++)
        if (m->jobs.keys[i].h->event_ms < oldest)
            oldest = m->jobs.keys[i].h->event_ms;
    for (size_t i = 0; i < m->cands.n; i++)
        if (m->cands.keys[i].h->event_ms < oldest)
            oldest = m->cands.keys[i].h->event_ms;
    m->min_held_event = oldest;
}

/* How many of side s arrived before seq: the keys are in arrival order. */
static size_t count_before(const side *s, uint64_t seq)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->keys[mid].h->seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* max_state: makes room for one more record by moving the floor of arrivals past the oldest
 * ones held, until fewer than max_state are above it. Records under the floor have left state
 * (gone()); they are freed in batches, once an eighth of max_state waits, so that memory stays
 * within 9/8 of the bound and each record costs O(log n). Records held count whether or not
 * they have left by their TTL and wait for a sweep: the bound is on memory. */
static void make_room(jm_matcher *m)
{
    uint64_t max = m->o.max_state;
    size_t bj = count_before(&m->jobs, m->seq_floor), bc = count_before(&m->cands, m->seq_floor);
    while ((m->jobs.n - bj) + (m->cands.n - bc) >= max) {
        /* The oldest arrival above the floor, of either side. */
        uint64_t sj = bj < m->jobs.n ? m->jobs.keys[bj].h->seq : UINT64_MAX;
        uint64_t sc = bc < m->cands.n ? m->cands.keys[bc].h->seq : UINT64_MAX;
        m->seq_floor = (sj < sc ? sj : sc) + 1;
        bj += sj < sc;
        bc += sc < sj;
    }
    if (bj + bc > max / 8)
        maybe_sweep(m, 1);
}

/* ---- emitting ------------------------------------------------------------------------------- */

static int emit(jm_matcher *m, lane *ln, held *cand, held *job, const jm_score *s)
{
    jm__pair_hash h = jm__hash_pair(cand->key, job->key);
    int64_t ts = cand->event_ms > job->event_ms ? cand->event_ms : job->event_ms;
    if (m->on_ndjson && s->family) {
        /* The line straight from the pair: the bytes of the record route below. */
        jm__line_pair lp = {&cand->p, &job->p, &cand->parts, &job->parts, s, h, m->o.seed,
                            jm__application_date(job->rec, h, ts), ts};
        ln->applications++;
        return jm__write_application_line(&lp, &ln->out);
    }
    char id[JM_UUID_BUF];
    jm__uuid_format(h, id);
    ln->reason.len = 0;
    if (jm__match_reason(&cand->p, &job->p, s, &ln->reason))
        return JM_ENOMEM;
    size_t status_len;
    const char *status = jm__status(s->score, jm__draw(h, m->o.seed), &status_len);
    jm__pair_input in = {
        .candidate = cand->rec,
        .job = job->rec,
        .score = s,
        .application_id = id,
        .status = status,
        .status_len = status_len,
        .match_reason = ln->reason.data,
        .match_reason_len = ln->reason.len,
        .family_plain = job->p.text_plain,
        .reason_plain = job->p.text_plain,
        .application_date = jm__application_date(job->rec, h, ts),
        .timestamp = ts,
    };
    jm__fill_application(ln->app, &in);
    ln->applications++;
    if (m->on_ndjson)
        return jm_write_ndjson(ln->app, &ln->out);
    return m->on_application ? m->on_application(m->ctx, ln->app) : 0;
}

/* Whether a job with this score and arrival enters the candidate's top K; if so it is put in. */
static int top_admit(jm_matcher *m, held *cand, int score, uint64_t seq)
{
    unsigned k = m->o.top_k;
    if (cand->ntop == cand->top_cap && cand->top_cap < k) {
        /* Grown as entries come: most candidates see far fewer than K jobs. */
        unsigned cap = cand->top_cap ? cand->top_cap * 2 : 4;
        if (cap > k)
            cap = k;
        top_entry *top = realloc(cand->top, cap * sizeof *top);
        if (!top)
            return JM_ENOMEM;
        cand->top = top;
        cand->top_cap = cap;
    }
    /* Position: after every entry that ranks before it (higher score, or equal and earlier). */
    unsigned pos = 0;
    while (pos < cand->ntop && (cand->top[pos].score > score ||
                                (cand->top[pos].score == score && cand->top[pos].seq < seq)))
        pos++;
    if (pos >= k)
        return 0;
    unsigned n = cand->ntop < k ? cand->ntop + 1 : k;
    memmove(cand->top + pos + 1, cand->top + pos, (n - 1 - pos) * sizeof *cand->top);
    cand->top[pos] = (top_entry){score, seq};
    cand->ntop = n;
    return 1;
}

/* ---- the join ------------------------------------------------------------------------------- */

/* Fetches what a visit reads of a held record into the cache ahead of it: its fields in held,
 * and then, once those are in, what they point to (the skill bits, the text of its lines and, for
 * a job, the record's dates: a held candidate's record has no room for them). */
static void fetch_held(const held *h)
{
    for (size_t off = 0; off < sizeof *h; off += CACHE_LINE)
        __builtin_prefetch((const char *)h + off);
}
static void fetch_held_data(const held *h, int job)
{
    if (job) {
        __builtin_prefetch(h->rec);
        __builtin_prefetch(&h->rec->v[JM_FIELD_DEADLINE_DATE]);
    }
    __builtin_prefetch(h->p.skill_bits);
    __builtin_prefetch(h->parts.text);
}

/* Visits every live held record of side s from keys[from] to keys[to - 1] joined with the
 * arrival, once, in arrival order; the keys below live_from have left state by max_state.
 * Blocking by family is a bit test on a packed array: with 14 families this beats per-family
 * lists, which would need a merge to keep arrival order and a rule to score each pair once. The
 * keys that join are gathered a block at a time, so that their held records, far apart in
 * memory, can be fetched a few visits ahead instead of waiting for memory at every pair. */
enum { VISIT_BLOCK = 64, AHEAD = 4, AHEAD_DATA = 2 };
static int visit_range(jm_matcher *m, lane *ln, held *arrival, side *s, size_t from, size_t to,
                       size_t live_from, visit_fn fn)
{
    const uint32_t families = arrival->p.families;
    const int32_t own = arrival->p.own_family;
    if (!families && own < 0)
        return 0;
    const int64_t cut = cutoff(m);
    const int jobs = s == &m->jobs;
    const int expire = m->o.expire_jobs && jobs; /* gone() reads the deadline */
    held *block[VISIT_BLOCK];
    for (size_t i = from > live_from ? from : live_from; i < to;) {
        unsigned n = 0;
        for (; i < to && n < VISIT_BLOCK; i++) {
            const join_key *k = &s->keys[i];
            if ((k->families & families || (own >= 0 && k->own_family == own)) &&
                k->event_ms >= cut)
                block[n++] = k->h;
        }
        for (unsigned j = 0; j < n && j < AHEAD; j++)
            fetch_held(block[j]);
        for (unsigned j = 0; j < n && j < AHEAD_DATA; j++)
            fetch_held_data(block[j], jobs);
        for (unsigned j = 0; j < n; j++) {
            if (j + AHEAD < n)
                fetch_held(block[j + AHEAD]);
            if (j + AHEAD_DATA < n)
                fetch_held_data(block[j + AHEAD_DATA], jobs);
            if (expire && gone(m, block[j], cut))
                continue;
            int rc = fn(m, ln, arrival, block[j]);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* Appends n hits to *hits (of *len, room for *cap). */
static int add_hits(candidate_hit **hits, size_t *len, size_t *cap, const candidate_hit *more,
                    size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 256;
        while (c < *len + n)
            c *= 2;
        candidate_hit *h = realloc(*hits, c * sizeof *h);
        if (!h)
            return JM_ENOMEM;
        *hits = h;
        *cap = c;
    }
    memcpy(*hits + *len, more, n * sizeof *more);
    *len += n;
    return 0;
}

static int on_candidate_job(jm_matcher *m, lane *ln, held *cand, held *job)
{
    jm_score s;
    jm__score_prepared(&cand->p, &job->p, &m->o.weights, &s);
    ln->pairs_scored++;
    if (s.score < m->o.min_score)
        return 0;
    if (!m->o.top_k)
        return emit(m, ln, cand, job, &s);
    return add_hits(&ln->hits, &ln->nhits, &ln->hits_cap, &(candidate_hit){job, s}, 1);
}

static int on_job_candidate(jm_matcher *m, lane *ln, held *job, held *cand)
{
    jm_score s;
    jm__score_prepared(&cand->p, &job->p, &m->o.weights, &s);
    ln->pairs_scored++;
    if (s.score < m->o.min_score)
        return 0;
    if (m->o.top_k) {
        int rc = top_admit(m, cand, s.score, job->seq);
        if (rc <= 0)
            return rc;
    }
    return emit(m, ln, cand, job, &s);
}

/* A new candidate under top K: of the held jobs, the K best (score, then arrival) apply. hits
 * are its joined jobs in arrival order. */
static int emit_top_hits(jm_matcher *m, held *cand, const candidate_hit *hits, size_t nhits)
{
    for (size_t i = 0; i < nhits; i++)
        if (top_admit(m, cand, hits[i].score.score, hits[i].job->seq) == JM_ENOMEM)
            return JM_ENOMEM;
    for (size_t i = 0; i < nhits; i++) {
        uint64_t seq = hits[i].job->seq;
        int in_top = 0;
        for (unsigned k = 0; k < cand->ntop && !in_top; k++)
            in_top = cand->top[k].seq == seq;
        if (in_top) {
            int rc = emit(m, &m->lanes[0], cand, hits[i].job, &hits[i].score);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- top K by bounds (topk.c) -------------------------------------------------------------- */

/* Set and not empty, JM_MATCHER_EXHAUSTIVE makes top K score every pair: the reference the
 * tests and benchmarks hold the bounds to. */
static void topk_init(jm_matcher *m)
{
    const char *exhaustive = getenv("JM_MATCHER_EXHAUSTIVE");
    if (m->o.top_k && jm__topk_usable(&m->o.weights) && !(exhaustive && *exhaustive))
        m->topk = jm__topk_new(&m->o.weights, m->o.min_score, m->o.top_k);
}

/* Memory ran out inside the index: from then on every pair is scored, which needs none. */
static void topk_index(jm_matcher *m, held *job)
{
    int64_t deadline = JM__HAS(job->rec, JM_FIELD_DEADLINE_DATE)
                           ? job->rec->v[JM_FIELD_DEADLINE_DATE].i
                           : INT64_MAX;
    if (m->topk && jm__topk_add(m->topk, &job->p, job->seq, job->event_ms, deadline, job)) {
        jm__topk_free(m->topk);
        m->topk = NULL;
    }
}

/* After a sweep freed jobs: the index holds the jobs still held, in arrival order. */
static void topk_reindex(jm_matcher *m)
{
    if (m->topk)
        jm__topk_clear(m->topk);
    for (size_t i = 0; i < m->jobs.n && m->topk; i++)
        topk_index(m, m->jobs.keys[i].h);
}

static int by_arrival(const void *x, const void *y)
{
    const jm__topk_hit *a = x, *b = y;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A new candidate under top K: the K best of the held jobs, found by bounds, become its top K
 * and apply, in the jobs' arrival order, as emit_top_hits() does after scoring every pair. */
static int topk_candidate(jm_matcher *m, held *cand)
{
    jm__topk_limits lim = {cutoff(m), m->seq_floor,
                           m->o.expire_jobs && m->any_event ? watermark(m) : INT64_MIN};
    unsigned n;
    int rc = jm__topk_best(m->topk, &cand->p, &lim, &m->best, &m->best_cap, &n,
                           &m->lanes[0].pairs_scored, &m->st.pairs_skipped);
    if (rc)
        return rc;
    if (n > cand->top_cap) {
        top_entry *top = realloc(cand->top, n * sizeof *top);
        if (!top)
            return JM_ENOMEM;
        cand->top = top;
        cand->top_cap = n;
    }
    for (unsigned i = 0; i < n; i++)
        cand->top[i] = (top_entry){m->best[i].score, m->best[i].seq};
    cand->ntop = n;
    if (n > 1) /* best is NULL before the first */
        qsort(m->best, n, sizeof *m->best, by_arrival);
    for (unsigned i = 0; i < n && rc == 0; i++) {
        held *job = m->best[i].handle;
        jm_score s; /* scored again: the index keeps only the score */
        jm__score_prepared(&cand->p, &job->p, &m->o.weights, &s);
        rc = emit(m, &m->lanes[0], cand, job, &s);
    }
    return rc;
}

/* ---- scans on several threads ------------------------------------------------------------ */

enum { PARALLEL_MIN = 512 }; /* smaller scans are not worth a hand-over */
enum { CHUNK = 64 };         /* held records per chunk of a shared scan */

/* Runs chunk c of the scan on lane lane_no (matcher_threads.c calls it on any thread). Each
 * held record is in one chunk, so what a chunk's visits change (a job arrival's top K entries
 * of the candidates it visits) is touched by one thread. */
static int scan_chunk(void *ctx, unsigned lane_no, size_t c)
{
    jm_matcher *m = ctx;
    scan *sc = &m->scan;
    lane *ln = &m->lanes[lane_no];
    size_t from = c * CHUNK, to = from + CHUNK < sc->side->n ? from + CHUNK : sc->side->n;
    size_t off = ln->out.len, hits_off = ln->nhits;
    int rc = visit_range(m, ln, sc->arrival, sc->side, from, to, sc->live_from, sc->fn);
    sc->chunks[c] = (chunk_out){lane_no, off, ln->out.len - off, hits_off, ln->nhits - hits_off};
    return rc;
}

/* Scans side s for the arrival. In NDJSON mode with a pool, a large scan is shared out by
 * chunks; hand_on() and merge_hits() put what they leave back in chunk order, so that the
 * output is byte for byte what one thread writes. */
static int visit(jm_matcher *m, held *arrival, side *s, visit_fn fn)
{
    for (unsigned i = 0; i < m->nlanes; i++)
        m->lanes[i].nhits = 0;
    size_t live_from = m->seq_floor ? count_before(s, m->seq_floor) : 0;
    if (!m->pool || s->n < PARALLEL_MIN)
        return visit_range(m, &m->lanes[0], arrival, s, 0, s->n, live_from, fn);
    scan *sc = &m->scan;
    size_t nchunks = (s->n + CHUNK - 1) / CHUNK;
    if (nchunks > sc->chunks_cap) {
        chunk_out *chunks = realloc(sc->chunks, nchunks * sizeof *chunks);
        if (!chunks)
            return JM_ENOMEM;
        sc->chunks = chunks;
        sc->chunks_cap = nchunks;
    }
    memset(sc->chunks, 0, nchunks * sizeof *sc->chunks); /* a chunk skipped after a failure */
    sc->arrival = arrival;
    sc->side = s;
    sc->fn = fn;
    sc->live_from = live_from;
    sc->nchunks = nchunks;
    m->shared_scan = 1;
    return jm__pool_run(m->pool, nchunks, scan_chunk, m);
}

/* The hits of a new candidate's scan, in arrival order: lane 0's after a scan on one thread,
 * else the lanes' merged by chunk into m->hits. */
static int merge_hits(jm_matcher *m, const candidate_hit **hits, size_t *nhits)
{
    if (!m->shared_scan) {
        *hits = m->lanes[0].hits;
        *nhits = m->lanes[0].nhits;
        return 0;
    }
    m->nhits = 0;
    for (size_t c = 0; c < m->scan.nchunks; c++) {
        const chunk_out *k = &m->scan.chunks[c];
        if (k->nhits && add_hits(&m->hits, &m->nhits, &m->hits_cap,
                                 m->lanes[k->lane].hits + k->hits_off, k->nhits))
            return JM_ENOMEM;
    }
    *hits = m->hits;
    *nhits = m->nhits;
    return 0;
}

/* NDJSON mode: hands the written applications on in input order: after a shared scan, the
 * chunks' output in chunk order, each run of chunks that lie together in one lane handed on
 * whole; else lane 0's. */
static int hand_on(jm_matcher *m)
{
    if (!m->on_ndjson)
        return 0;
    int rc = 0;
    if (!m->shared_scan) {
        if (m->lanes[0].out.len)
            rc = m->on_ndjson(m->ctx, m->lanes[0].out.data, m->lanes[0].out.len);
    } else {
        const chunk_out *chunks = m->scan.chunks;
        size_t n = m->scan.nchunks;
        for (size_t c = 0; rc == 0 && c < n; c++) {
            if (!chunks[c].len)
                continue;
            unsigned ln = chunks[c].lane;
            size_t off = chunks[c].off, end = off + chunks[c].len;
            while (c + 1 < n &&
                   (!chunks[c + 1].len || (chunks[c + 1].lane == ln && chunks[c + 1].off == end)))
                end += chunks[++c].len;
            rc = m->on_ndjson(m->ctx, m->lanes[ln].out.data + off, end - off);
        }
    }
    m->shared_scan = 0;
    for (unsigned i = 0; i < m->nlanes; i++)
        m->lanes[i].out.len = 0;
    return rc;
}

static int hold(side *s, held *h)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        join_key *keys = realloc(s->keys, cap * sizeof *keys);
        if (!keys)
            return JM_ENOMEM;
        s->keys = keys;
        s->cap = cap;
    }
    if (jm__strmap_reserve(&s->ids))
        return JM_ENOMEM;
    jm__strmap_fill(&s->ids, jm__strmap_find(&s->ids, h->id_hash, h->id, h->id_len, held_id, NULL),
                    h->id_hash, (uint64_t)(uintptr_t)h);
    s->keys[s->n++] = (join_key){h->p.families, h->p.own_family, h->event_ms, h};
    return 0;
}

int jm_matcher_add_take(jm_matcher *m, jm_record **recp, int64_t read_time_ms)
{
    if (!recp)
        return JM_EINVAL;
    /* Ownership moves here before anything can fail, so no return leaves the caller a record
     * the matcher also holds or has freed. */
    jm_record *rec = *recp;
    *recp = NULL;
    m->st.records++;
    jm_kind kind = rec ? rec->kind : JM_KIND_NONE;
    if (kind != JM_KIND_JOB_POST && kind != JM_KIND_CANDIDATE) {
        jm_record_free(rec);
        return JM_EKIND;
    }
    const char *id = jm_record_id(rec);
    if (!id || !*id) {
        jm_record_free(rec);
        return JM_ENOID;
    }
    int stamped = JM__HAS(rec, JM_FIELD_TIMESTAMP);
    int64_t event_ms = stamped ? rec->v[JM_FIELD_TIMESTAMP].i : read_time_ms;
    if (stamped && m->o.max_future_ms) {
        /* A stream already ahead of the clock (a synthetic market) carries the bound along: what
         * is refused is a jump ahead of both. */
        int64_t base = m->stamped && m->max_event > read_time_ms ? m->max_event : read_time_ms;
        if (event_ms > add_sat(base, m->o.max_future_ms)) {
            jm_record_free(rec);
            return JM_EVALUE;
        }
    }
    if (!stamped && m->stamped)
        event_ms = m->max_event; /* no time of its own: the newest seen, not the read time */
    side *mine = kind == JM_KIND_JOB_POST ? &m->jobs : &m->cands;
    side *other = kind == JM_KIND_JOB_POST ? &m->cands : &m->jobs;
    size_t id_len = strlen(id);
    uint64_t id_hash = jm__strmap_hash(id, id_len);
    uint64_t old;
    int held_before = jm__strmap_get(&mine->ids, id_hash, id, id_len, held_id, NULL, &old);
    if (held_before && !gone(m, as_held(old), cutoff(m))) {
        m->st.duplicates++;
        jm_record_free(rec);
        return JM_EDUP;
    }
    if (held_before)
        maybe_sweep(m, 1); /* the old copy has left state: free it before holding the new one */

    held *h = calloc(1, sizeof *h);
    if (!h || jm__prepare(rec, m->skills, m->categories, &h->p)) {
        free(h);
        jm_record_free(rec);
        return JM_ENOMEM;
    }
    jm_record *kept; /* only what later pairs read (held.c); the whole record when out of memory */
    if (jm__held_copy(rec, &h->p, &kept) == 0) {
        jm_record_free(rec);
        rec = kept;
        id = jm_record_id(rec);
    }
    if (m->on_ndjson && jm__line_parts_init(&h->parts, rec, &h->p)) {
        h->rec = rec;
        held_free(h);
        return JM_ENOMEM;
    }
    h->rec = rec;
    h->seq = m->seq++;
    h->id = id;
    h->id_len = id_len;
    h->id_hash = id_hash;
    h->event_ms = event_ms;
    h->key = jm__id_key(id, id_len, kind);

    if (!m->any_event || h->event_ms > m->max_event || (stamped && !m->stamped)) {
        /* The first timestamp takes over from read times, even when it is older. */
        m->max_event = h->event_ms;
        if (!m->any_event)
            m->min_held_event = h->event_ms;
        m->any_event = 1;
    }
    m->stamped |= stamped;
    m->st.watermark_ms = watermark(m);
    if (h->event_ms < m->min_held_event)
        m->min_held_event = h->event_ms;
    maybe_sweep(m, 0);

    int rc;
    if (kind == JM_KIND_CANDIDATE && m->topk) {
        rc = topk_candidate(m, h);
    } else if (kind == JM_KIND_CANDIDATE) {
        rc = visit(m, h, other, on_candidate_job);
        if (rc == 0 && m->o.top_k) {
            const candidate_hit *hits;
            size_t nhits;
            rc = merge_hits(m, &hits, &nhits);
            /* The scan wrote nothing; the applications are lane 0's from here. */
            m->shared_scan = 0;
            if (rc == 0)
                rc = emit_top_hits(m, h, hits, nhits);
        }
    } else {
        rc = visit(m, h, other, on_job_candidate);
    }
    int hrc = hand_on(m);
    if (rc == 0)
        rc = hrc;
    if (gone(m, h, cutoff(m))) {
        /* Late beyond the TTL: it was matched against what is held, but is not kept. */
        m->st.evicted++;
        held_free(h);
        return rc;
    }
    if (m->o.max_state)
        make_room(m);
    if (hold(mine, h)) {
        held_free(h);
        return JM_ENOMEM;
    }
    if (kind == JM_KIND_JOB_POST)
        topk_index(m, h);
    return rc;
}

int jm_matcher_get_stats(const jm_matcher *m, jm_matcher_stats *stats)
{
    /* Records that have left state but wait for the next sweep count as evicted already. */
    jm_matcher_stats full = m->st, *out = &full;
    out->struct_size = sizeof full;
    out->pairs_scored = out->applications = 0;
    for (unsigned i = 0; i < m->nlanes; i++) {
        out->pairs_scored += m->lanes[i].pairs_scored;
        out->applications += m->lanes[i].applications;
    }
    int64_t cut = cutoff(m);
    out->held_jobs = m->jobs.n;
    out->held_candidates = m->cands.n;
    for (size_t i = 0; i < m->jobs.n; i++)
        if (gone(m, m->jobs.keys[i].h, cut)) {
            out->held_jobs--;
            out->evicted++;
        }
    for (size_t i = 0; i < m->cands.n; i++)
        if (gone(m, m->cands.keys[i].h, cut)) {
            out->held_candidates--;
            out->evicted++;
        }
    return jm__versioned_out(stats, &full, sizeof full, MATCHER_STATS_V1);
}
