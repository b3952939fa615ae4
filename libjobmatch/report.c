/* The analytics aggregator: folds applications, jobs and candidates into bounded counters. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/reader.h>
#include <jobmatch/score.h>
#include <jobmatch/taxonomy.h>

#include "error_internal.h"
#include "record_internal.h"
#include "report_internal.h"

static const char other_key[] = "(other)";

/* ---- text helpers -----------------------------------------------------------------------------
 */

int jm__buf_add(jm_buf *b, const char *s, size_t len)
{
    if (jm_buf_reserve(b, len + 1))
        return JM_ENOMEM;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = 0;
    return 0;
}

int jm__buf_puts(jm_buf *b, const char *s)
{
    return jm__buf_add(b, s, strlen(s));
}

int jm__buf_printf(jm_buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return JM_EINVAL;
    if ((size_t)n < sizeof small)
        return jm__buf_add(b, small, (size_t)n);
    if (jm_buf_reserve(b, (size_t)n + 1))
        return JM_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

const char *jm__grouped(uint64_t v, char *t)
{
    char raw[32];
    int n = snprintf(raw, sizeof raw, "%llu", (unsigned long long)v);
    int j = 0;
    for (int i = 0; i < n && i < (int)sizeof raw - 1; i++) {
        if (i && (n - i) % 3 == 0)
            t[j++] = ',';
        t[j++] = raw[i];
    }
    t[j] = 0;
    return t;
}

/* ---- value maps -------------------------------------------------------------------------------
 */

static const char *rmap_key(const void *ctx, uint64_t e, size_t *len)
{
    const jm__rmap *m = ctx;
    *len = m->entries[e].len;
    return m->entries[e].key;
}

static void rmap_init(jm__rmap *m, int with_tally)
{
    memset(m, 0, sizeof *m);
    m->with_tally = with_tally;
    m->other = -1;
    jm__strmap_init(&m->index, 32);
}

static void rmap_free(jm__rmap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->entries[i].key);
        free(m->entries[i].tally);
    }
    free(m->entries);
    jm__strmap_free(&m->index);
}

static int32_t rmap_append(jm__rmap *m, const char *s, size_t len)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        jm__rmap_entry *e = realloc(m->entries, cap * sizeof *e);
        if (!e)
            return JM_ENOMEM;
        m->entries = e;
        m->cap = cap;
    }
    jm__rmap_entry *e = &m->entries[m->n];
    memset(e, 0, sizeof *e);
    if (!(e->key = malloc(len + 1)))
        return JM_ENOMEM;
    memcpy(e->key, s, len);
    e->key[len] = 0;
    e->len = len;
    if (m->with_tally && !(e->tally = calloc(1, sizeof *e->tally))) {
        free(e->key);
        return JM_ENOMEM;
    }
    return (int32_t)m->n++;
}

/* The entry of s, added when new; the "(other)" entry once the map is full; <0 on ENOMEM. */
static int32_t rmap_get(jm__rmap *m, const char *s, size_t len)
{
    if (jm__strmap_reserve(&m->index))
        return JM_ENOMEM;
    uint64_t h = jm__strmap_hash(s, len);
    jm__strmap_slot *sl = jm__strmap_find(&m->index, h, s, len, rmap_key, m);
    if (sl->hash)
        return (int32_t)sl->value;
    if (m->n >= JM_REPORT_MAX_KEYS) {
        if (m->other < 0) {
            /* The overflow entry is found by index, not through the map. */
            int32_t e = rmap_append(m, other_key, sizeof other_key - 1);
            if (e < 0)
                return e;
            m->other = e;
        }
        return m->other;
    }
    int32_t e = rmap_append(m, s, len);
    if (e >= 0)
        jm__strmap_fill(&m->index, sl, h, (uint64_t)e);
    return e;
}

static uint32_t arena_keep(jm_report *rep, const char *s)
{
    if (!s || !*s)
        return 0;
    size_t len = strlen(s);
    if (len > 200)
        len = 200;
    while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
        len--; /* cut at a character boundary */
    if (rep->arena_len + len + 1 > UINT32_MAX)
        return 0;
    if (rep->arena_len + len + 1 > rep->arena_cap) {
        size_t cap = rep->arena_cap ? rep->arena_cap * 2 : 4096;
        while (cap < rep->arena_len + len + 1)
            cap *= 2;
        char *a = realloc(rep->arena, cap);
        if (!a)
            return 0; /* texts are a nicety: the figures go on without them */
        rep->arena = a;
        rep->arena_cap = cap;
    }
    if (rep->arena_len == 0)
        rep->arena[rep->arena_len++] = 0; /* offset 0 means none */
    uint32_t off = (uint32_t)rep->arena_len;
    memcpy(rep->arena + off, s, len);
    rep->arena[off + len] = 0;
    rep->arena_len += len + 1;
    return off;
}

/* ---- applications over time ------------------------------------------------------------------
 */

int64_t jm__floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Doubles the bucket width: bucket i of the new series holds old buckets 2i and 2i+1. */
static void series_widen(jm__series *s)
{
    int64_t first = jm__floor_div(s->first, 2);
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t j = (size_t)(jm__floor_div(s->first + (int64_t)i, 2) - first);
        uint64_t c = s->counts[i];
        s->counts[i] = 0;
        s->counts[j] += c; /* j <= i: nothing unread is overwritten */
        n = j + 1;
    }
    s->first = first;
    s->n = n;
    s->shift++;
}

static int series_add(jm__series *s, int64_t t_ms)
{
    int64_t b = jm__floor_div(t_ms, JM__BUCKET_MS << s->shift);
    if (!s->n) {
        s->first = b;
    } else {
        while (b < s->first ? (uint64_t)(s->first + (int64_t)s->n - b) > s->cap
                            : (uint64_t)(b - s->first) >= s->cap) {
            series_widen(s);
            b = jm__floor_div(t_ms, JM__BUCKET_MS << s->shift);
        }
    }
    int64_t lo = s->n && s->first < b ? s->first : b;
    int64_t hi = s->n && s->first + (int64_t)s->n - 1 > b ? s->first + (int64_t)s->n - 1 : b;
    size_t need = (size_t)(hi - lo + 1);
    if (need > s->alloc) {
        size_t alloc = s->alloc ? s->alloc : 64;
        while (alloc < need)
            alloc *= 2;
        if (alloc > s->cap)
            alloc = s->cap;
        uint64_t *c = realloc(s->counts, alloc * sizeof *c);
        if (!c)
            return JM_ENOMEM;
        s->counts = c;
        s->alloc = alloc;
    }
    if (s->n && lo < s->first) {
        size_t by = (size_t)(s->first - lo);
        memmove(s->counts + by, s->counts, s->n * sizeof *s->counts);
        memset(s->counts, 0, by * sizeof *s->counts);
        s->n += by;
        s->first = lo;
    }
    if (!s->n)
        s->first = lo;
    if (need > s->n) {
        memset(s->counts + s->n, 0, (need - s->n) * sizeof *s->counts);
        s->n = need;
    }
    s->counts[b - s->first]++;
    return 0;
}

/* ---- money ------------------------------------------------------------------------------------
 */

static void money_init(jm__money *m)
{
    memset(m, 0, sizeof *m);
    m->min = INFINITY;
    m->max = -INFINITY;
}

static void money_add(jm__money *m, double v)
{
    if (!isfinite(v) || v <= 0)
        return;
    m->n++;
    if (v < m->min)
        m->min = v;
    if (v > m->max)
        m->max = v;
    double b = floor(v / JM__SALARY_STEP);
    if (b < JM__SALARY_FINE)
        m->fine[(size_t)b]++;
    else
        m->above++;
}

/* ---- application figures ----------------------------------------------------------------------
 */

static void appfigs_init(jm__appfigs *f, size_t series_cap)
{
    memset(f, 0, sizeof *f);
    f->time.cap = series_cap;
}

static void appfigs_free(jm__appfigs *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nstatus; i++)
        free(f->status[i]);
    free(f->status);
    free(f->family);
    free(f->time.counts);
}

/* Grows a zero-filled array of size-byte items to hold index i. */
static int grow_index(void **a, size_t *n, size_t size, size_t i)
{
    if (i < *n)
        return 0;
    size_t m = *n ? *n * 2 : 16;
    while (m <= i)
        m *= 2;
    char *p = realloc(*a, m * size);
    if (!p)
        return JM_ENOMEM;
    memset(p + *n * size, 0, (m - *n) * size);
    *a = p;
    *n = m;
    return 0;
}

/* ---- lifecycle --------------------------------------------------------------------------------
 */

jm_report *jm_report_new(jm_error *err)
{
    jm_report *rep = calloc(1, sizeof *rep);
    if (!rep) {
        jm__error_set(err, JM_ENOMEM, "out of memory");
        return NULL;
    }
    rep->window = JM_REPORT_DEFAULT_DEDUP_WINDOW;
    appfigs_init(&rep->all, JM__SERIES_CAP);
    rmap_init(&rep->families, 0);
    rmap_init(&rep->statuses, 0);
    rmap_init(&rep->work_modes, 0);
    rmap_init(&rep->employment_types, 0);
    rmap_init(&rep->countries, 0);
    rmap_init(&rep->categories, 0);
    rmap_init(&rep->education, 0);
    for (int k = 0; k < JM_REPORT_MAX_AUDIT_FIELDS; k++)
        rmap_init(&rep->audit_groups[k], 1);
    jm__strmap_init(&rep->job_ids, 512);
    jm__strmap_init(&rep->cand_ids, 512);
    rep->audit_min_share = JM__AUDIT_MIN_SHARE;
    money_init(&rep->offers);
    money_init(&rep->asks);
    return rep;
}

void jm_report_free(jm_report *rep)
{
    if (!rep)
        return;
    appfigs_free(&rep->all);
    for (int d = 0; d < JM__DIMS; d++)
        for (int i = 0; i < JM__SLICE_CAP; i++) {
            appfigs_free(rep->slices[d][i]);
            free(rep->slices[d][i]);
        }
    rmap_free(&rep->families);
    rmap_free(&rep->statuses);
    rmap_free(&rep->work_modes);
    rmap_free(&rep->employment_types);
    rmap_free(&rep->countries);
    rmap_free(&rep->categories);
    rmap_free(&rep->education);
    for (int k = 0; k < JM_REPORT_MAX_AUDIT_FIELDS; k++)
        rmap_free(&rep->audit_groups[k]);
    for (size_t i = 0; i < rep->ncands; i++) {
        free(rep->cands[i].pending);
        free(rep->cands[i].slices);
    }
    free(rep->cands);
    jm__strmap_free(&rep->cand_ids);
    free(rep->jobs);
    jm__strmap_free(&rep->job_ids);
    free(rep->ring);
    jm__strmap_free(&rep->window_ids);
    free(rep->arena);
    free(rep);
}

int jm_report_set_dedup_window(jm_report *rep, size_t ids)
{
    if (rep->started || ids == 0 || ids > JM_REPORT_MAX_DEDUP_WINDOW)
        return JM_EINVAL;
    size_t w = 1;
    while (w < ids)
        w <<= 1;
    rep->window = w;
    return 0;
}

/* A candidate field the audit can group by, or -1. */
static int audit_field_of(const char *name, size_t len)
{
    int f = jm_field_lookup(JM_KIND_CANDIDATE, name, len);
    if (f < 0)
        return -1;
    jm_field_type t = jm_field_type_of((jm_field)f);
    return t == JM_TYPE_STRING || t == JM_TYPE_INTEGER ? f : -1;
}

int jm_report_audit_by(jm_report *rep, const char *field)
{
    if (rep->started || !field || rep->naudit >= JM_REPORT_MAX_AUDIT_FIELDS)
        return JM_EINVAL;
    const char *plus = strchr(field, '+');
    int f = audit_field_of(field, plus ? (size_t)(plus - field) : strlen(field));
    int f2 = plus ? audit_field_of(plus + 1, strlen(plus + 1)) : JM_FIELD_COUNT;
    if (f < 0 || f2 < 0 || f == f2)
        return JM_EINVAL;
    for (int k = 0; k < rep->naudit; k++)
        if ((rep->audit_field[k] == (jm_field)f && rep->audit_field2[k] == (jm_field)f2) ||
            (rep->audit_field[k] == (jm_field)f2 && rep->audit_field2[k] == (jm_field)f))
            return JM_EINVAL;
    rep->audit_field[rep->naudit] = (jm_field)f;
    rep->audit_field2[rep->naudit++] = (jm_field)f2;
    return 0;
}

int jm_report_set_audit_min_share(jm_report *rep, double share)
{
    if (!(share >= 0 && share < 1))
        return JM_EINVAL;
    rep->audit_min_share = share;
    return 0;
}

int jm_report_set_drilldown(jm_report *rep, int on)
{
    if (rep->started)
        return JM_EINVAL;
    rep->drilldown = on != 0;
    return 0;
}

void jm_report_count_reject(jm_report *rep)
{
    rep->rejects++;
}

uint64_t jm_report_count(const jm_report *rep, jm_kind kind)
{
    switch (kind) {
    case JM_KIND_APPLICATION: return rep->all.apps;
    case JM_KIND_JOB_POST: return rep->njobs;
    case JM_KIND_CANDIDATE: return rep->ncands_seen;
    default: return 0;
    }
}

uint64_t jm_report_duplicates(const jm_report *rep, jm_kind kind)
{
    switch (kind) {
    case JM_KIND_APPLICATION: return rep->app_dups;
    case JM_KIND_JOB_POST: return rep->job_dups;
    case JM_KIND_CANDIDATE: return rep->cand_dups;
    default: return 0;
    }
}

static void note_event_time(jm_report *rep, int64_t t)
{
    if (!rep->have_newest || t > rep->newest) {
        rep->newest = t;
        rep->have_newest = 1;
    }
}

/* ---- distinct application ids -----------------------------------------------------------------
 */

static void hll_add(jm_report *rep, uint64_t h)
{
    size_t idx = (size_t)(h >> (64 - JM__HLL_BITS));
    uint64_t rest = (h << JM__HLL_BITS) | ((uint64_t)1 << (JM__HLL_BITS - 1));
    uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);
    if (rank > rep->hll[idx])
        rep->hll[idx] = rank;
}

uint64_t jm__report_hll_estimate(const jm_report *rep)
{
    const double m = (double)(1u << JM__HLL_BITS);
    double sum = 0;
    unsigned zeros = 0;
    for (size_t i = 0; i < (1u << JM__HLL_BITS); i++) {
        sum += ldexp(1.0, -rep->hll[i]);
        zeros += rep->hll[i] == 0;
    }
    double e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
    if (e <= 2.5 * m && zeros)
        e = m * log(m / zeros); /* linear counting is better while registers are still empty */
    return (uint64_t)(e + 0.5);
}

/* 1 when the id is new (and remembered), 0 when it is a repeat within the window, -1 when out
 * of memory. */
static int app_id_is_new(jm_report *rep, uint64_t h)
{
    hll_add(rep, h);
    uint64_t fp = h ? h : 1;
    jm__strmap *ids = &rep->window_ids;
    if (jm__strmap_reserve(ids))
        return -1;
    jm__strmap_slot *sl = jm__strmap_find_fp(ids, fp);
    if (sl->hash)
        return 0;
    if (rep->ring_n == rep->ring_cap && rep->ring_cap < rep->window) {
        /* Grown as it fills (the head is at the end until then): a large window costs memory
         * only once that many distinct ids have come. */
        size_t cap = rep->ring_cap ? rep->ring_cap * 2 : 1024;
        if (cap > rep->window)
            cap = rep->window;
        uint64_t *ring = realloc(rep->ring, cap * sizeof *ring);
        if (!ring)
            return -1;
        rep->ring = ring;
        rep->ring_cap = cap;
    }
    if (rep->ring_n == rep->window) {
        jm__strmap_slot *oldest = jm__strmap_find_fp(ids, rep->ring[rep->ring_head]);
        if (oldest->hash)
            jm__strmap_remove(ids, oldest);
        sl = jm__strmap_find_fp(ids, fp); /* the removal may have moved entries */
    } else {
        rep->ring_n++;
    }
    jm__strmap_fill(ids, sl, fp, 0);
    rep->ring[rep->ring_head] = fp;
    rep->ring_head = (rep->ring_head + 1) & (rep->window - 1);
    return 1;
}

/* ---- applications -----------------------------------------------------------------------------
 */

static int ieq(const jm__str *a, const char *b)
{
    size_t n = strlen(b);
    if (a->len != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a->s[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

static void tally_add(jm__tally *t, int score, int selected)
{
    t->n++;
    t->selected += (uint64_t)selected;
    if (score >= 0) {
        t->scored++;
        t->hist[score]++;
    }
}

static void tally_merge(jm__tally *into, const jm__tally *from)
{
    into->n += from->n;
    into->selected += from->selected;
    into->scored += from->scored;
    for (int s = 0; s < JM__SCORES; s++)
        into->hist[s] += from->hist[s];
}

/* Copies at most cap-1 bytes of s, cut at a UTF-8 character boundary. */
static void copy_cut(char *dst, size_t cap, const jm__str *s)
{
    size_t n = s->len < cap - 1 ? s->len : cap - 1;
    if (n < s->len)
        while (n && ((unsigned char)s->s[n] & 0xC0) == 0x80)
            n--;
    if (n)
        memcpy(dst, s->s, n);
    dst[n] = 0;
}

static int recent_less(const jm__recent *a, const jm__recent *b)
{
    int64_t ta = a->has_ts ? a->ts : INT64_MIN, tb = b->has_ts ? b->ts : INT64_MIN;
    return ta != tb ? ta < tb : a->seq < b->seq;
}

/* The heap holds slot numbers, so sifting moves bytes, not whole kept applications. */
static int heap_less(const jm_report *rep, uint8_t x, uint8_t y)
{
    return recent_less(&rep->recent[x], &rep->recent[y]);
}

static void heap_swap(uint8_t *h, size_t i, size_t j)
{
    uint8_t t = h[i];
    h[i] = h[j];
    h[j] = t;
}

static void heap_down(jm_report *rep, size_t i)
{
    uint8_t *h = rep->heap;
    size_t n = rep->nrecent;
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && heap_less(rep, h[l], h[m]))
            m = l;
        if (l + 1 < n && heap_less(rep, h[l + 1], h[m]))
            m = l + 1;
        if (m == i)
            return;
        heap_swap(h, i, m);
        i = m;
    }
}

static void fill_recent(jm__recent *r, const jm__app_view *a, uint64_t seq)
{
    r->ts = a->ts;
    r->has_ts = a->has_ts;
    r->date = a->date;
    r->has_date = a->has_date;
    r->seq = seq;
    r->score = a->score;
    copy_cut(r->id, sizeof r->id, &a->id);
    copy_cut(r->candidate, sizeof r->candidate, &a->candidate);
    copy_cut(r->post, sizeof r->post, &a->post);
    copy_cut(r->family, sizeof r->family, &a->family);
    copy_cut(r->status, sizeof r->status, &a->status);
    copy_cut(r->method, sizeof r->method, &a->method);
    copy_cut(r->reason, sizeof r->reason, &a->reason);
}

static void recent_offer(jm_report *rep, const jm__app_view *a)
{
    uint64_t seq = rep->seq++;
    uint8_t *h = rep->heap;
    if (rep->nrecent < JM_REPORT_RECENT) {
        size_t i = rep->nrecent++;
        h[i] = (uint8_t)i;
        fill_recent(&rep->recent[i], a, seq);
        while (i && heap_less(rep, h[i], h[(i - 1) / 2])) {
            heap_swap(h, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
        return;
    }
    jm__recent probe = {.ts = a->ts, .has_ts = a->has_ts, .seq = seq};
    if (recent_less(&probe, &rep->recent[h[0]]))
        return; /* older than all kept */
    fill_recent(&rep->recent[h[0]], a, seq);
    heap_down(rep, 0);
}

static int start(jm_report *rep)
{
    if (rep->started)
        return 0;
    jm__strmap_init(&rep->window_ids, rep->window < 1024 ? rep->window : 1024);
    if (jm__strmap_reserve(&rep->window_ids))
        return JM_ENOMEM;
    rep->started = 1;
    return 0;
}

/* The candidate of id, added (unseen) when new; NULL on ENOMEM. */
static jm__candidate *candidate_slot(jm_report *rep, const char *id, size_t len)
{
    if (jm__strmap_reserve(&rep->cand_ids) ||
        grow_index((void **)&rep->cands, &rep->cands_cap, sizeof *rep->cands, rep->ncands))
        return NULL;
    uint64_t fp = jm__strmap_hash(id, len);
    jm__strmap_slot *sl = jm__strmap_find_fp(&rep->cand_ids, fp);
    if (sl->hash)
        return &rep->cands[sl->value];
    jm__candidate *c = &rep->cands[rep->ncands]; /* zeroed by grow_index() */
    for (int k = 0; k < JM_REPORT_MAX_AUDIT_FIELDS; k++)
        c->group[k] = -1;
    c->education = -1;
    c->ask = NAN;
    jm__strmap_fill(&rep->cand_ids, sl, fp, rep->ncands++);
    return c;
}

static int appfigs_add(jm__appfigs *f, const jm__app_view *a, int32_t family, int32_t status,
                       int selected, int shortlisted)
{
    f->apps++;
    if (a->score >= 0) {
        f->scored++;
        f->score_sum += (uint64_t)a->score;
        f->score_hist[a->score]++;
    }
    if (a->has_date) {
        int64_t day = 86400000, ms = a->date % day;
        if (ms < 0)
            ms += day;
        f->hours[ms / JM__BUCKET_MS]++;
        if (series_add(&f->time, a->date))
            return JM_ENOMEM;
    } else {
        f->undated++;
    }
    f->interviews += (uint64_t)selected;
    f->shortlisted += (uint64_t)shortlisted;
    if (family >= 0) {
        if (grow_index((void **)&f->family, &f->nfamily, sizeof *f->family, (size_t)family))
            return JM_ENOMEM;
        f->family[family]++;
    }
    if (grow_index((void **)&f->status, &f->nstatus, sizeof *f->status, (size_t)status))
        return JM_ENOMEM;
    if (!f->status[status] && !(f->status[status] = calloc(1, sizeof *f->status[status])))
        return JM_ENOMEM;
    tally_add(f->status[status], a->score, selected);
    return 0;
}

static jm__job *find_job_slot(const jm_report *rep, const char *id, size_t len)
{
    uint64_t i;
    if (!id || !jm__strmap_get_fp(&rep->job_ids, jm__strmap_hash(id, len), &i))
        return NULL;
    return &rep->jobs[i];
}

static void set_bit(uint64_t *words, int32_t i)
{
    words[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Drill-down: the application counts in the slice of its family, its status, and its job's
 * work mode and country; its job and its candidate c are marked as being in those slices. */
static int add_to_slices(jm_report *rep, const jm__app_view *a, jm__candidate *c, int32_t family,
                         int32_t status, int selected, int shortlisted)
{
    int32_t sl[JM__DIMS] = {family, status, -1, -1};
    jm__job *j = a->post.s ? find_job_slot(rep, a->post.s, a->post.len) : NULL;
    if (j) {
        sl[JM__DIM_WORK_MODE] = j->work_mode;
        sl[JM__DIM_COUNTRY] = j->country;
        if (status < JM__SLICE_CAP)
            set_bit(j->statuses, status);
    } else {
        rep->apps_before_job++;
    }
    if (!c->slices && !(c->slices = calloc(JM__DIMS * JM__SLICE_WORDS, sizeof *c->slices)))
        return JM_ENOMEM;
    for (int d = 0; d < JM__DIMS; d++) {
        if (sl[d] < 0 || sl[d] >= JM__SLICE_CAP)
            continue;
        jm__appfigs **f = &rep->slices[d][sl[d]];
        if (!*f) {
            if (!(*f = malloc(sizeof **f)))
                return JM_ENOMEM;
            appfigs_init(*f, JM__SLICE_SERIES_CAP);
        }
        if (appfigs_add(*f, a, family, status, selected, shortlisted))
            return JM_ENOMEM;
        set_bit(c->slices + d * JM__SLICE_WORDS, sl[d]);
    }
    return 0;
}

int jm__report_add_app(jm_report *rep, const jm__app_view *a)
{
    if (a->score > 100 || (a->score < 0 && a->score != -1))
        return JM_EVALUE;
    int rc = start(rep);
    if (rc)
        return rc;
    uint64_t h = a->has_id_hash ? a->id_hash : jm__strmap_hash(a->id.s, a->id.len);
    int fresh = app_id_is_new(rep, h);
    if (fresh < 0)
        return JM_ENOMEM;
    if (!fresh) {
        rep->app_dups++;
        return JM_EDUP;
    }
    if (a->has_ts)
        note_event_time(rep, a->ts);
    int score = a->score;
    if (a->has_date && (!rep->have_newest_date || a->date > rep->newest_date)) {
        rep->newest_date = a->date;
        rep->have_newest_date = 1;
    }
    int32_t fam = -1;
    if (a->family.s) {
        if ((fam = rmap_get(&rep->families, a->family.s, a->family.len)) < 0)
            return JM_ENOMEM;
        rep->families.entries[fam].count++;
    }
    int selected = a->status.s && ieq(&a->status, JM_STATUS_INTERVIEW_SCHEDULED);
    int shortlisted = selected || (a->status.s && ieq(&a->status, JM_STATUS_UNDER_REVIEW));
    const char *st = a->status.s ? a->status.s : "(none)";
    size_t stlen = a->status.s ? a->status.len : 6;
    int32_t e = rmap_get(&rep->statuses, st, stlen);
    if (e < 0)
        return JM_ENOMEM;
    rep->statuses.entries[e].count++;
    if (appfigs_add(&rep->all, a, fam, e, selected, shortlisted))
        return JM_ENOMEM;
    recent_offer(rep, a);
    if (!rep->drilldown && !rep->naudit)
        return 0;
    /* One lookup of the candidate for both (nothing between moves the candidates). */
    jm__candidate *c = candidate_slot(rep, a->candidate.s, a->candidate.len);
    if (!c)
        return JM_ENOMEM;
    if (rep->drilldown && add_to_slices(rep, a, c, fam, e, selected, shortlisted))
        return JM_ENOMEM;
    if (rep->naudit) {
        if (c->seen) {
            for (int k = 0; k < rep->naudit; k++) {
                jm__tally *t = c->group[k] >= 0 ? rep->audit_groups[k].entries[c->group[k]].tally
                                                : &rep->audit_unknown[k];
                tally_add(t, score, selected);
                if (c->group[k] >= 0)
                    rep->audit_groups[k].entries[c->group[k]].count++;
            }
        } else {
            /* The candidate has not arrived yet: keep its tally until it does. */
            if (!c->pending && !(c->pending = calloc(1, sizeof *c->pending)))
                return JM_ENOMEM;
            tally_add(&c->pending->t, score, selected);
        }
    }
    return 0;
}

static jm__str rstr(const jm_record *r, jm_field f)
{
    jm__str s = {NULL, 0};
    if (JM__HAS(r, f)) {
        s.s = r->v[f].s;
        s.len = r->v[f].slen;
    }
    return s;
}

static int add_application(jm_report *rep, const jm_record *r)
{
    jm__app_view a = {
        .id = rstr(r, JM_FIELD_APPLICATION_ID),
        .candidate = rstr(r, JM_FIELD_CANDIDATE_ID),
        .post = rstr(r, JM_FIELD_POST_ID),
        .family = rstr(r, JM_FIELD_JOB_FAMILY),
        .status = rstr(r, JM_FIELD_STATUS),
        .reason = rstr(r, JM_FIELD_MATCH_REASON),
        .method = rstr(r, JM_FIELD_APPLICATION_METHOD),
        .score = -1,
        .has_id_hash = 0,
    };
    if (!a.id.s || !a.candidate.s)
        return JM_ENOID;
    if (JM__HAS(r, JM_FIELD_COMPATIBILITY_SCORE)) {
        int64_t s = r->v[JM_FIELD_COMPATIBILITY_SCORE].i;
        if (s < 0 || s > 100)
            return JM_EVALUE;
        a.score = (int)s;
    }
    if ((a.has_date = JM__HAS(r, JM_FIELD_APPLICATION_DATE)))
        a.date = r->v[JM_FIELD_APPLICATION_DATE].i;
    if ((a.has_ts = JM__HAS(r, JM_FIELD_TIMESTAMP)))
        a.ts = r->v[JM_FIELD_TIMESTAMP].i;
    return jm__report_add_app(rep, &a);
}

/* ---- jobs and candidates ----------------------------------------------------------------------
 */

static int add_job(jm_report *rep, const jm_record *r)
{
    const char *id = jm_record_id(r);
    if (!id)
        return JM_ENOID;
    if (jm__strmap_reserve(&rep->job_ids) ||
        grow_index((void **)&rep->jobs, &rep->jobs_cap, sizeof *rep->jobs, rep->njobs))
        return JM_ENOMEM;
    uint64_t fp = jm__strmap_hash(id, strlen(id));
    jm__strmap_slot *sl = jm__strmap_find_fp(&rep->job_ids, fp);
    if (sl->hash) {
        rep->job_dups++;
        return JM_EDUP;
    }
    jm__job *j = &rep->jobs[rep->njobs]; /* zeroed by grow_index() */
    jm__strmap_fill(&rep->job_ids, sl, fp, rep->njobs++);
    j->deadline = JM__HAS(r, JM_FIELD_DEADLINE_DATE) ? r->v[JM_FIELD_DEADLINE_DATE].i : INT64_MIN;
    j->title = arena_keep(rep, jm_record_string(r, JM_FIELD_JOB_TITLE));
    j->company = arena_keep(rep, jm_record_string(r, JM_FIELD_COMPANY));
    if (JM__HAS(r, JM_FIELD_TIMESTAMP))
        note_event_time(rep, r->v[JM_FIELD_TIMESTAMP].i);
    static const struct {
        jm_field f;
        size_t map, entry;
    } maps[] = {
        {JM_FIELD_WORK_MODE, offsetof(jm_report, work_modes), offsetof(jm__job, work_mode)},
        {JM_FIELD_EMPLOYMENT_TYPE, offsetof(jm_report, employment_types),
         offsetof(jm__job, employment)},
        {JM_FIELD_LOCATION_COUNTRY, offsetof(jm_report, countries), offsetof(jm__job, country)},
        {JM_FIELD_JOB_CATEGORY, offsetof(jm_report, categories), offsetof(jm__job, category)}};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
        jm__str s = rstr(r, maps[i].f);
        if (!s.s || !s.len)
            s = (jm__str){"(unknown)", 9};
        jm__rmap *m = (jm__rmap *)((char *)rep + maps[i].map);
        int32_t e = rmap_get(m, s.s, s.len);
        if (e < 0)
            return JM_ENOMEM;
        m->entries[e].count++;
        memcpy((char *)j + maps[i].entry, &e, sizeof e);
    }
    j->offer = JM__HAS(r, JM_FIELD_SALARY_MAX)   ? r->v[JM_FIELD_SALARY_MAX].n
               : JM__HAS(r, JM_FIELD_SALARY_MIN) ? r->v[JM_FIELD_SALARY_MIN].n
                                                 : NAN;
    money_add(&rep->offers, j->offer);
    return 0;
}

/* A candidate's value of an audit field, trimmed; 0 when it has none. num holds 24 bytes. */
static int audit_value(const jm_record *r, jm_field f, char *num, jm__str *out)
{
    if (!JM__HAS(r, f))
        return 0;
    if (jm_field_type_of(f) == JM_TYPE_INTEGER) {
        int n = snprintf(num, 24, "%lld", (long long)r->v[f].i);
        *out = (jm__str){num, n > 0 && n < 24 ? (size_t)n : 0};
        return out->len > 0;
    }
    const char *s = r->v[f].s;
    size_t len = r->v[f].slen;
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    *out = (jm__str){s, len};
    return len > 0;
}

/* The audit group of a candidate for audit k: an entry index, or -1 for unknown. An
 * intersectional audit's group is "value × value", unknown when either value is. */
static int group_of(jm_report *rep, const jm_record *r, int k, int *rc)
{
    char n1[24], n2[24];
    jm__str v1, v2;
    if (!audit_value(r, rep->audit_field[k], n1, &v1))
        return -1;
    const char *s = v1.s;
    size_t len = v1.len;
    jm_buf both = {0};
    if (rep->audit_field2[k] != JM_FIELD_COUNT) {
        if (!audit_value(r, rep->audit_field2[k], n2, &v2))
            return -1;
        if (jm__buf_add(&both, v1.s, v1.len) || jm__buf_puts(&both, " \xC3\x97 ") ||
            jm__buf_add(&both, v2.s, v2.len)) {
            jm_buf_free(&both);
            *rc = JM_ENOMEM;
            return -1;
        }
        s = both.data;
        len = both.len;
    }
    int32_t e = rmap_get(&rep->audit_groups[k], s, len);
    jm_buf_free(&both);
    if (e < 0)
        *rc = JM_ENOMEM;
    return e < 0 ? -1 : e;
}

static int add_candidate(jm_report *rep, const jm_record *r)
{
    const char *id = jm_record_id(r);
    if (!id)
        return JM_ENOID;
    jm__candidate *c = candidate_slot(rep, id, strlen(id));
    if (!c)
        return JM_ENOMEM;
    if (c->seen) {
        rep->cand_dups++;
        return JM_EDUP;
    }
    c->seen = 1;
    rep->ncands_seen++;
    c->name = arena_keep(rep, jm_record_string(r, JM_FIELD_FULL_NAME));
    if (JM__HAS(r, JM_FIELD_TIMESTAMP))
        note_event_time(rep, r->v[JM_FIELD_TIMESTAMP].i);
    jm__str ed = rstr(r, JM_FIELD_EDUCATION_LEVEL);
    if (!ed.s || !ed.len)
        ed = (jm__str){"(unknown)", 9};
    if ((c->education = rmap_get(&rep->education, ed.s, ed.len)) < 0)
        return JM_ENOMEM;
    rep->education.entries[c->education].count++;
    c->ask = JM__HAS(r, JM_FIELD_EXPECTED_SALARY)  ? r->v[JM_FIELD_EXPECTED_SALARY].n
             : JM__HAS(r, JM_FIELD_CURRENT_SALARY) ? r->v[JM_FIELD_CURRENT_SALARY].n
                                                   : NAN;
    money_add(&rep->asks, c->ask);
    int rc = 0;
    for (int k = 0; k < rep->naudit; k++) {
        c->group[k] = (int16_t)group_of(rep, r, k, &rc);
        if (rc)
            return rc;
        if (c->pending) {
            jm__tally *t = c->group[k] >= 0 ? rep->audit_groups[k].entries[c->group[k]].tally
                                            : &rep->audit_unknown[k];
            tally_merge(t, &c->pending->t);
            if (c->group[k] >= 0)
                rep->audit_groups[k].entries[c->group[k]].count += c->pending->t.n;
        }
    }
    free(c->pending);
    c->pending = NULL;
    return 0;
}

int jm_report_add(jm_report *rep, const jm_record *rec)
{
    int rc = start(rep);
    if (rc)
        return rc;
    switch (jm_record_kind(rec)) {
    case JM_KIND_APPLICATION: return add_application(rep, rec);
    case JM_KIND_JOB_POST: return add_job(rep, rec);
    case JM_KIND_CANDIDATE: return add_candidate(rep, rec);
    default: return JM_EKIND;
    }
}

/* The hash of the application_id of a line that starts the way jm-match writes applications. */
static int canonical_id_hash(const char *line, size_t len, uint64_t *h)
{
    static const char prefix[] = "{\"type\":\"application\",\"application_id\":\"";
    const size_t plen = sizeof prefix - 1;
    if (len <= plen || memcmp(line, prefix, plen) != 0)
        return 0;
    const char *q = memchr(line + plen, '"', len - plen);
    if (!q)
        return 0;
    *h = jm__strmap_hash(line + plen, (size_t)(q - line - plen));
    return 1;
}

int jm_report_add_ndjson(jm_report *rep, const char *line, size_t len, jm_record *scratch,
                         jm_error *err)
{
    jm__app_view a;
    /* Used only if the scanner accepts the line, so the id has no escapes. */
    a.has_id_hash = canonical_id_hash(line, len, &a.id_hash);
    if (jm__report_scan_application(line, len, &a))
        return jm__report_add_app(rep, &a); /* the scanner takes only scores 0-100 */
    int rc = jm_parse_ndjson(line, len, scratch, err);
    if (rc)
        return rc;
    rc = jm_report_add(rep, scratch);
    if (err && (rc == JM_EVALUE || rc == JM_ENOID)) {
        err->code = rc;
        snprintf(err->text, sizeof err->text, "%s",
                 rc == JM_EVALUE ? "compatibility_score is outside 0-100"
                                 : "application without application_id or candidate_id");
    }
    return rc;
}

/* ---- derived figures --------------------------------------------------------------------------
 */

int jm__rmap_top(const jm__rmap *m, size_t limit, jm__ranked *out)
{
    size_t *idx = malloc((m->n + 1) * sizeof *idx);
    out->labels = malloc((m->n + 1) * sizeof *out->labels);
    out->counts = malloc((m->n + 1) * sizeof *out->counts);
    out->n = 0;
    if (!idx || !out->labels || !out->counts) {
        free(idx);
        return JM_ENOMEM;
    }
    out->n = jm__rmap_ranked(m, idx, limit);
    for (size_t i = 0; i < out->n; i++) {
        out->labels[i] = m->entries[idx[i]].key;
        out->counts[i] = m->entries[idx[i]].count;
    }
    free(idx);
    return 0;
}

void jm__ranked_free(jm__ranked *r)
{
    free(r->labels);
    free(r->counts);
    r->labels = NULL;
    r->counts = NULL;
    r->n = 0;
}

size_t jm__rank_counts(const uint64_t *counts, size_t n, size_t *idx, size_t limit)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!counts[i])
            continue; /* a value of the whole input that this view does not have */
        size_t j = k++;
        while (j > 0 && counts[idx[j - 1]] < counts[i]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    return k < limit ? k : limit;
}

/* Does the family named key hold the category named cat (SPEC "Taxonomy": a category in no
 * family forms a family of its own, named after it)? */
static int family_holds(const char *key, const char *cat)
{
    int c = jm_category_index(cat, strlen(cat));
    if (c < 0 || !jm_category_families(c))
        return strcmp(key, cat) == 0;
    uint32_t bits = jm_category_families(c);
    for (int f = 0; f < JM_FAMILY_COUNT; f++)
        if ((bits >> f & 1) && strcmp(jm_family_name(f), key) == 0)
            return 1;
    return 0;
}

static int has_bit(const uint64_t *words, int32_t i)
{
    return (words[i / 64] >> (i % 64)) & 1;
}

void jm__popfigs_free(jm__popfigs *p)
{
    free(p->work_mode);
    free(p->employment);
    free(p->country);
    free(p->category);
    free(p->education);
    free(p->offers);
    free(p->asks);
    memset(p, 0, sizeof *p);
}

int jm__report_popfigs(const jm_report *rep, int dim, int slice, int64_t now_ms, jm__popfigs *p)
{
    memset(p, 0, sizeof *p);
    p->work_mode = calloc(rep->work_modes.n + 1, sizeof *p->work_mode);
    p->employment = calloc(rep->employment_types.n + 1, sizeof *p->employment);
    p->country = calloc(rep->countries.n + 1, sizeof *p->country);
    p->category = calloc(rep->categories.n + 1, sizeof *p->category);
    p->education = calloc(rep->education.n + 1, sizeof *p->education);
    p->offers = malloc(sizeof *p->offers);
    p->asks = malloc(sizeof *p->asks);
    /* Which categories a family slice holds, by entry of the categories map. */
    unsigned char *in_family = calloc(rep->categories.n + 1, 1);
    if (!p->work_mode || !p->employment || !p->country || !p->category || !p->education ||
        !p->offers || !p->asks || !in_family) {
        free(in_family);
        jm__popfigs_free(p);
        return JM_ENOMEM;
    }
    money_init(p->offers);
    money_init(p->asks);
    if (dim == JM__DIM_FAMILY)
        for (size_t c = 0; c < rep->categories.n; c++)
            in_family[c] = (unsigned char)family_holds(rep->families.entries[slice].key,
                                                       rep->categories.entries[c].key);
    for (size_t i = 0; i < rep->njobs; i++) {
        const jm__job *j = &rep->jobs[i];
        int in = dim < 0 || (dim == JM__DIM_FAMILY && in_family[j->category]) ||
                 (dim == JM__DIM_STATUS && has_bit(j->statuses, slice)) ||
                 (dim == JM__DIM_WORK_MODE && j->work_mode == slice) ||
                 (dim == JM__DIM_COUNTRY && j->country == slice);
        if (!in)
            continue;
        p->jobs++;
        p->active += j->deadline == INT64_MIN || j->deadline >= now_ms;
        p->work_mode[j->work_mode]++;
        p->employment[j->employment]++;
        p->country[j->country]++;
        p->category[j->category]++;
        money_add(p->offers, j->offer);
    }
    free(in_family);
    for (size_t i = 0; i < rep->ncands; i++) {
        const jm__candidate *c = &rep->cands[i];
        if (!c->seen)
            continue;
        if (dim >= 0 && !(c->slices && has_bit(c->slices + dim * JM__SLICE_WORDS, slice)))
            continue;
        p->candidates++;
        if (c->education >= 0)
            p->education[c->education]++;
        money_add(p->asks, c->ask);
    }
    return 0;
}

size_t jm__rmap_ranked(const jm__rmap *m, size_t *idx, size_t limit)
{
    /* A stable insertion sort: ties keep first-seen order, and maps are small. */
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++) {
        size_t j = n++;
        while (j > 0) {
            const jm__rmap_entry *a = &m->entries[idx[j - 1]];
            if (a->count >= m->entries[i].count)
                break;
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    return n < limit ? n : limit;
}

double jm__hist_quantile(const uint64_t *hist, uint64_t n, double p)
{
    if (!n)
        return 0;
    double h = (double)(n - 1) * p;
    uint64_t lo = (uint64_t)floor(h);
    double frac = h - (double)lo;
    /* The values at order statistics lo and lo+1 (0-based). */
    int vlo = -1, vhi = -1;
    uint64_t seen = 0;
    for (int s = 0; s < JM__SCORES; s++) {
        if (!hist[s])
            continue;
        seen += hist[s];
        if (vlo < 0 && seen > lo)
            vlo = s;
        if (seen > lo + 1) {
            vhi = s;
            break;
        }
    }
    if (vhi < 0)
        vhi = vlo;
    return vlo + frac * (vhi - vlo);
}

int jm__hist_min(const uint64_t *hist)
{
    for (int s = 0; s < JM__SCORES; s++)
        if (hist[s])
            return s;
    return -1;
}

int jm__hist_max(const uint64_t *hist)
{
    for (int s = JM__SCORES - 1; s >= 0; s--)
        if (hist[s])
            return s;
    return -1;
}

double jm__report_median(const jm_report *rep)
{
    return jm__hist_quantile(rep->all.score_hist, rep->all.scored, 0.5);
}

uint64_t jm__hist_above(const uint64_t *hist, double median)
{
    uint64_t n = 0;
    for (int s = 0; s < JM__SCORES; s++)
        if (s > median)
            n += hist[s];
    return n;
}

uint64_t jm__score_bin(const uint64_t *hist, int bin)
{
    uint64_t n = 0;
    int last = bin == JM__SCORE_BINS - 1 ? 100 : bin * 5 + 4;
    for (int s = bin * 5; s <= last; s++)
        n += hist[s];
    return n;
}

void jm__score_bins_fill(const uint64_t *hist, jm__score_bins *out)
{
    for (int i = 0; i < JM__SCORE_BINS; i++) {
        snprintf(out->names[i], sizeof out->names[i], "%d-%d", i * 5,
                 i == JM__SCORE_BINS - 1 ? 100 : i * 5 + 4);
        out->labels[i] = out->names[i];
        out->counts[i] = jm__score_bin(hist, i);
    }
}

uint64_t jm__report_active_jobs(const jm_report *rep, int64_t now_ms)
{
    uint64_t n = 0;
    for (size_t i = 0; i < rep->njobs; i++)
        if (rep->jobs[i].deadline == INT64_MIN || rep->jobs[i].deadline >= now_ms)
            n++;
    return n;
}

/* The fine buckets [first, last] that hold m's amounts; 0 when m is empty. */
static int money_range(const jm__money *m, size_t *first, size_t *last)
{
    if (!m->n)
        return 0;
    double top = m->max < JM__SALARY_FINE * (double)JM__SALARY_STEP
                     ? m->max
                     : JM__SALARY_FINE * (double)JM__SALARY_STEP - 1;
    *first = m->min < top ? (size_t)floor(m->min / JM__SALARY_STEP) : 0;
    *last = (size_t)floor(top / JM__SALARY_STEP);
    if (*first > *last)
        *first = *last;
    return 1;
}

/* m's amounts in bins of a whole number of fine buckets over [first, last], so merging loses
 * nothing; at most JM__SALARY_BINS. Amounts past the fine buckets are counted in the last bin,
 * which then reaches up to top (the largest amount). */
static size_t money_bins_over(const jm__money *m, size_t first, size_t last, double top, double *lo,
                              double *hi, uint64_t *count)
{
    size_t span = last - first + 1;
    size_t per = (span + JM__SALARY_BINS - 1) / JM__SALARY_BINS;
    size_t nb = (span + per - 1) / per;
    for (size_t b = 0; b < nb; b++) {
        lo[b] = (double)((first + b * per) * JM__SALARY_STEP);
        hi[b] = (double)((first + (b + 1) * per) * JM__SALARY_STEP);
        count[b] = 0;
        for (size_t f = first + b * per; f < first + (b + 1) * per && f < JM__SALARY_FINE; f++)
            count[b] += m->fine[f];
    }
    count[nb - 1] += m->above;
    if (top > hi[nb - 1])
        hi[nb - 1] = top;
    return nb;
}

size_t jm__money_bins(const jm__money *m, double *lo, double *hi, uint64_t *count)
{
    size_t first, last;
    if (!money_range(m, &first, &last))
        return 0;
    return money_bins_over(m, first, last, m->above ? m->max : 0, lo, hi, count);
}

size_t jm__money_bins2(const jm__money *a, const jm__money *b, double *lo, double *hi, uint64_t *ca,
                       uint64_t *cb)
{
    size_t f1, l1, f2, l2;
    int has_a = money_range(a, &f1, &l1), has_b = money_range(b, &f2, &l2);
    if (!has_a && !has_b)
        return 0;
    if (!has_a) {
        f1 = f2;
        l1 = l2;
    } else if (has_b) {
        f1 = f2 < f1 ? f2 : f1;
        l1 = l2 > l1 ? l2 : l1;
    }
    double top = 0;
    if (a->above && a->max > top)
        top = a->max;
    if (b->above && b->max > top)
        top = b->max;
    size_t n = money_bins_over(a, f1, l1, top, lo, hi, ca);
    money_bins_over(b, f1, l1, top, lo, hi, cb);
    return n;
}

size_t jm__report_recent_sorted(const jm_report *rep, const jm__recent **out)
{
    size_t n = rep->nrecent;
    for (size_t i = 0; i < n; i++)
        out[i] = &rep->recent[i];
    for (size_t i = 1; i < n; i++) {
        const jm__recent *x = out[i];
        size_t j = i;
        while (j > 0 && recent_less(out[j - 1], x)) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = x;
    }
    return n;
}

static const jm__job *find_job(const jm_report *rep, const char *post_id)
{
    return post_id ? find_job_slot(rep, post_id, strlen(post_id)) : NULL;
}

const char *jm__report_job_title(const jm_report *rep, const char *post_id)
{
    const jm__job *j = find_job(rep, post_id);
    return j && j->title ? rep->arena + j->title : "";
}

const char *jm__report_job_company(const jm_report *rep, const char *post_id)
{
    const jm__job *j = find_job(rep, post_id);
    return j && j->company ? rep->arena + j->company : "";
}

const char *jm__report_job_country(const jm_report *rep, const char *post_id)
{
    const jm__job *j = find_job(rep, post_id);
    return j && j->country >= 0 ? rep->countries.entries[j->country].key : "";
}

const char *jm__report_job_work_mode(const jm_report *rep, const char *post_id)
{
    const jm__job *j = find_job(rep, post_id);
    return j && j->work_mode >= 0 ? rep->work_modes.entries[j->work_mode].key : "";
}

const char *jm__report_candidate_name(const jm_report *rep, const char *candidate_id)
{
    uint64_t i;
    if (!candidate_id ||
        !jm__strmap_get_fp(&rep->cand_ids, jm__strmap_hash(candidate_id, strlen(candidate_id)), &i))
        return "";
    const jm__candidate *c = &rep->cands[i];
    return c->seen && c->name ? rep->arena + c->name : "";
}

static void audit_row(jm__audit_row *r, const char *group, const jm__tally *t, double median)
{
    r->excluded = 0;
    r->group = group;
    r->n = t->n;
    r->selected = t->selected;
    r->scored = t->scored;
    r->above = jm__hist_above(t->hist, median);
    r->selection_rate = t->n ? (double)t->selected / (double)t->n : 0;
    r->scoring_rate = t->scored ? (double)r->above / (double)t->scored : 0;
    r->selection_ratio = r->scoring_ratio = -1;
    r->unknown = 0;
}

size_t jm__report_audit_rows(const jm_report *rep, int k, jm__audit_row *rows, int *sel_ref,
                             int *score_ref)
{
    const jm__rmap *m = &rep->audit_groups[k];
    double median = jm__report_median(rep);
    size_t idx[JM_REPORT_MAX_KEYS + 1];
    size_t n = jm__rmap_ranked(m, idx, m->n);
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        const jm__rmap_entry *e = &m->entries[idx[i]];
        if (!e->tally->n)
            continue; /* a group with candidates but no applications has no rates */
        audit_row(&rows[out++], e->key, e->tally, median);
    }
    size_t known = out;
    /* Applications whose candidate never arrived are unknown too. */
    jm__tally unknown = rep->audit_unknown[k];
    for (size_t i = 0; i < rep->ncands; i++)
        if (rep->cands[i].pending)
            tally_merge(&unknown, &rep->cands[i].pending->t);
    if (unknown.n) {
        audit_row(&rows[out], "unknown", &unknown, median);
        rows[out].unknown = 1;
        out++;
    }
    /* Groups under the minimum share of all audited applications stay out of the ratios (NYC
     * Local Law 144 lets an auditor leave out groups under 2%). The reference group is the
     * included group with the highest rate (the largest such group on a tie). */
    uint64_t total = 0;
    for (size_t i = 0; i < out; i++)
        total += rows[i].n;
    *sel_ref = *score_ref = -1;
    for (size_t i = 0; i < known; i++) {
        rows[i].excluded = (double)rows[i].n < rep->audit_min_share * (double)total;
        if (rows[i].excluded)
            continue;
        if (rows[i].selection_rate > 0 &&
            (*sel_ref < 0 || rows[i].selection_rate > rows[*sel_ref].selection_rate))
            *sel_ref = (int)i;
        if (rows[i].scored && rows[i].scoring_rate > 0 &&
            (*score_ref < 0 || rows[i].scoring_rate > rows[*score_ref].scoring_rate))
            *score_ref = (int)i;
    }
    for (size_t i = 0; i < known; i++) {
        if (rows[i].excluded)
            continue;
        if (*sel_ref >= 0)
            rows[i].selection_ratio = rows[i].selection_rate / rows[*sel_ref].selection_rate;
        if (*score_ref >= 0 && rows[i].scored)
            rows[i].scoring_ratio = rows[i].scoring_rate / rows[*score_ref].scoring_rate;
    }
    return out;
}

const char *jm__report_audit_name(const jm_report *rep, int k, char *buf, size_t cap)
{
    if (rep->audit_field2[k] == JM_FIELD_COUNT)
        snprintf(buf, cap, "%s", jm_field_name(rep->audit_field[k]));
    else
        snprintf(buf, cap, "%s \xC3\x97 %s", jm_field_name(rep->audit_field[k]),
                 jm_field_name(rep->audit_field2[k]));
    return buf;
}
