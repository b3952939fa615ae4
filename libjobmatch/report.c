/* The analytics aggregator: folds applications, jobs and candidates into bounded counters. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/reader.h>
#include <jobmatch/score.h>

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

static int rmap_count(jm__rmap *m, const char *s, size_t len)
{
    int32_t e = rmap_get(m, s, len);
    if (e < 0)
        return JM_ENOMEM;
    m->entries[e].count++;
    return 0;
}

/* ---- jobs and candidates by fingerprint -------------------------------------------------------
 */

/* Makes room for one more element of size in the array *items of *cap. 0 or JM_ENOMEM. */
static int array_room(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 1024;
    void *p = realloc(*items, c * size);
    if (!p)
        return JM_ENOMEM;
    *items = p;
    *cap = c;
    return 0;
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
    rmap_init(&rep->families, 0);
    rmap_init(&rep->statuses, 1);
    rmap_init(&rep->work_modes, 0);
    rmap_init(&rep->employment_types, 0);
    rmap_init(&rep->countries, 0);
    rmap_init(&rep->education, 0);
    for (int k = 0; k < JM_REPORT_MAX_AUDIT_FIELDS; k++)
        rmap_init(&rep->audit_groups[k], 1);
    jm__strmap_init(&rep->job_ids, 512);
    jm__strmap_init(&rep->cand_ids, 512);
    rep->salary_min = INFINITY;
    rep->salary_max = -INFINITY;
    return rep;
}

void jm_report_free(jm_report *rep)
{
    if (!rep)
        return;
    rmap_free(&rep->families);
    rmap_free(&rep->statuses);
    rmap_free(&rep->work_modes);
    rmap_free(&rep->employment_types);
    rmap_free(&rep->countries);
    rmap_free(&rep->education);
    for (int k = 0; k < JM_REPORT_MAX_AUDIT_FIELDS; k++)
        rmap_free(&rep->audit_groups[k]);
    for (size_t i = 0; i < rep->ncands; i++)
        free(rep->cands[i].pending);
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

int jm_report_audit_by(jm_report *rep, const char *field)
{
    if (rep->started || !field || rep->naudit >= JM_REPORT_MAX_AUDIT_FIELDS)
        return JM_EINVAL;
    int f = jm_field_lookup(JM_KIND_CANDIDATE, field, strlen(field));
    if (f < 0)
        return JM_EINVAL;
    jm_field_type t = jm_field_type_of((jm_field)f);
    if (t != JM_TYPE_STRING && t != JM_TYPE_INTEGER)
        return JM_EINVAL;
    for (int k = 0; k < rep->naudit; k++)
        if (rep->audit_field[k] == (jm_field)f)
            return JM_EINVAL;
    rep->audit_field[rep->naudit++] = (jm_field)f;
    return 0;
}

void jm_report_count_reject(jm_report *rep)
{
    rep->rejects++;
}

uint64_t jm_report_count(const jm_report *rep, jm_kind kind)
{
    switch (kind) {
    case JM_KIND_APPLICATION: return rep->apps;
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

static jm__candidate *candidate_slot(jm_report *rep, const char *id, size_t len, int *found)
{
    if (jm__strmap_reserve(&rep->cand_ids) ||
        array_room((void **)&rep->cands, &rep->cands_cap, rep->ncands, sizeof *rep->cands))
        return NULL;
    uint64_t fp = jm__strmap_hash(id, len);
    jm__strmap_slot *sl = jm__strmap_find_fp(&rep->cand_ids, fp);
    *found = sl->hash != 0;
    if (*found)
        return &rep->cands[sl->value];
    jm__candidate *c = &rep->cands[rep->ncands];
    memset(c, 0, sizeof *c);
    for (int k = 0; k < JM_REPORT_MAX_AUDIT_FIELDS; k++)
        c->group[k] = -1;
    jm__strmap_fill(&rep->cand_ids, sl, fp, rep->ncands++);
    return c;
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
    rep->apps++;
    int score = a->score;
    if (score >= 0) {
        rep->scored++;
        rep->score_sum += (uint64_t)score;
        rep->score_hist[score]++;
    }
    if (a->has_date) {
        int64_t day = 86400000, ms = a->date % day;
        if (ms < 0)
            ms += day;
        rep->hours[ms / (3 * 3600000)]++;
        if (!rep->have_newest_date || a->date > rep->newest_date) {
            rep->newest_date = a->date;
            rep->have_newest_date = 1;
        }
    } else {
        rep->undated++;
    }
    if (a->family.s && rmap_count(&rep->families, a->family.s, a->family.len))
        return JM_ENOMEM;
    int selected = a->status.s && ieq(&a->status, JM_STATUS_INTERVIEW_SCHEDULED);
    if (selected)
        rep->interviews++;
    if (selected || (a->status.s && ieq(&a->status, JM_STATUS_UNDER_REVIEW)))
        rep->shortlisted++;
    const char *st = a->status.s ? a->status.s : "(none)";
    size_t stlen = a->status.s ? a->status.len : 6;
    int32_t e = rmap_get(&rep->statuses, st, stlen);
    if (e < 0)
        return JM_ENOMEM;
    rep->statuses.entries[e].count++;
    tally_add(rep->statuses.entries[e].tally, score, 0);
    recent_offer(rep, a);

    if (rep->naudit) {
        int found;
        jm__candidate *c = candidate_slot(rep, a->candidate.s, a->candidate.len, &found);
        if (!c)
            return JM_ENOMEM;
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
        array_room((void **)&rep->jobs, &rep->jobs_cap, rep->njobs, sizeof *rep->jobs))
        return JM_ENOMEM;
    uint64_t fp = jm__strmap_hash(id, strlen(id));
    jm__strmap_slot *sl = jm__strmap_find_fp(&rep->job_ids, fp);
    if (sl->hash) {
        rep->job_dups++;
        return JM_EDUP;
    }
    jm__job *j = &rep->jobs[rep->njobs];
    jm__strmap_fill(&rep->job_ids, sl, fp, rep->njobs++);
    j->deadline = JM__HAS(r, JM_FIELD_DEADLINE_DATE) ? r->v[JM_FIELD_DEADLINE_DATE].i : INT64_MIN;
    j->title = arena_keep(rep, jm_record_string(r, JM_FIELD_JOB_TITLE));
    j->company = arena_keep(rep, jm_record_string(r, JM_FIELD_COMPANY));
    if (JM__HAS(r, JM_FIELD_TIMESTAMP))
        note_event_time(rep, r->v[JM_FIELD_TIMESTAMP].i);
    static const struct {
        jm_field f;
        size_t off;
    } maps[] = {{JM_FIELD_WORK_MODE, offsetof(jm_report, work_modes)},
                {JM_FIELD_EMPLOYMENT_TYPE, offsetof(jm_report, employment_types)},
                {JM_FIELD_LOCATION_COUNTRY, offsetof(jm_report, countries)}};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
        jm__str s = rstr(r, maps[i].f);
        if (!s.s || !s.len)
            s = (jm__str){"(unknown)", 9};
        if (rmap_count((jm__rmap *)((char *)rep + maps[i].off), s.s, s.len))
            return JM_ENOMEM;
    }
    double offer = JM__HAS(r, JM_FIELD_SALARY_MAX)   ? r->v[JM_FIELD_SALARY_MAX].n
                   : JM__HAS(r, JM_FIELD_SALARY_MIN) ? r->v[JM_FIELD_SALARY_MIN].n
                                                     : NAN;
    if (isfinite(offer) && offer > 0) {
        rep->salary_n++;
        if (offer < rep->salary_min)
            rep->salary_min = offer;
        if (offer > rep->salary_max)
            rep->salary_max = offer;
        double b = floor(offer / JM__SALARY_STEP);
        if (b < JM__SALARY_FINE)
            rep->salary_fine[(size_t)b]++;
        else
            rep->salary_above++;
    }
    return 0;
}

/* The audit group of a candidate for audit field k: an entry index, or -1 for unknown. */
static int group_of(jm_report *rep, const jm_record *r, int k, int *rc)
{
    jm_field f = rep->audit_field[k];
    char num[32];
    const char *s = NULL;
    size_t len = 0;
    if (!JM__HAS(r, f))
        return -1;
    if (jm_field_type_of(f) == JM_TYPE_INTEGER) {
        len = (size_t)snprintf(num, sizeof num, "%lld", (long long)r->v[f].i);
        s = num;
    } else {
        s = r->v[f].s;
        len = r->v[f].slen;
        while (len && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (!len)
            return -1;
    }
    int32_t e = rmap_get(&rep->audit_groups[k], s, len);
    if (e < 0)
        *rc = JM_ENOMEM;
    return e < 0 ? -1 : e;
}

static int add_candidate(jm_report *rep, const jm_record *r)
{
    const char *id = jm_record_id(r);
    if (!id)
        return JM_ENOID;
    int found;
    jm__candidate *c = candidate_slot(rep, id, strlen(id), &found);
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
    if (rmap_count(&rep->education, ed.s, ed.len))
        return JM_ENOMEM;
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
    return jm__hist_quantile(rep->score_hist, rep->scored, 0.5);
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

size_t jm__report_salary_bins(const jm_report *rep, double *lo, double *hi, uint64_t *count)
{
    if (!rep->salary_n)
        return 0;
    /* Bins of a whole number of fine buckets, so merging them loses nothing. */
    double top = rep->salary_max < JM__SALARY_FINE * (double)JM__SALARY_STEP
                     ? rep->salary_max
                     : JM__SALARY_FINE * (double)JM__SALARY_STEP - 1;
    size_t first = rep->salary_min < top ? (size_t)floor(rep->salary_min / JM__SALARY_STEP) : 0;
    size_t last = (size_t)floor(top / JM__SALARY_STEP);
    if (first > last)
        first = last;
    size_t span = last - first + 1;
    size_t per = (span + JM__SALARY_BINS - 1) / JM__SALARY_BINS;
    size_t nb = (span + per - 1) / per;
    for (size_t b = 0; b < nb; b++) {
        lo[b] = (double)((first + b * per) * JM__SALARY_STEP);
        hi[b] = (double)((first + (b + 1) * per) * JM__SALARY_STEP);
        count[b] = 0;
        for (size_t f = first + b * per; f < first + (b + 1) * per && f < JM__SALARY_FINE; f++)
            count[b] += rep->salary_fine[f];
    }
    /* Offers past the fine buckets are counted in the last bin, which then reaches the max. */
    if (rep->salary_above) {
        count[nb - 1] += rep->salary_above;
        hi[nb - 1] = rep->salary_max;
    }
    return nb;
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
    uint64_t i;
    if (!post_id ||
        !jm__strmap_get_fp(&rep->job_ids, jm__strmap_hash(post_id, strlen(post_id)), &i))
        return NULL;
    return &rep->jobs[i];
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

size_t jm__report_audit_rows(const jm_report *rep, int k, jm__audit_row *rows)
{
    const jm__rmap *m = &rep->audit_groups[k];
    double median = jm__report_median(rep);
    size_t idx[JM_REPORT_MAX_KEYS + 1];
    size_t n = jm__rmap_ranked(m, idx, m->n);
    size_t out = 0;
    double best_sel = 0, best_score = 0;
    for (size_t i = 0; i < n; i++) {
        const jm__rmap_entry *e = &m->entries[idx[i]];
        if (!e->tally->n)
            continue; /* a group with candidates but no applications has no rates */
        audit_row(&rows[out], e->key, e->tally, median);
        if (rows[out].selection_rate > best_sel)
            best_sel = rows[out].selection_rate;
        if (rows[out].scoring_rate > best_score)
            best_score = rows[out].scoring_rate;
        out++;
    }
    for (size_t i = 0; i < out; i++) {
        if (best_sel > 0)
            rows[i].selection_ratio = rows[i].selection_rate / best_sel;
        if (best_score > 0 && rows[i].scored)
            rows[i].scoring_ratio = rows[i].scoring_rate / best_score;
    }
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
    return out;
}
