/* Commit marks: the steps a candidate partition's committed metadata carries, saying which of its
 * pairs with jobs have been produced, as text "jm1;wm=MS;C:J0,J1,...;C:J0,...". */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kafka.h"

#define MARKS_MAGIC "jm1;"

void jm__kafka_marks_init(kf_marks *m)
{
    memset(m, 0, sizeof *m);
    m->wm_ms = INT64_MIN;
}

void jm__kafka_marks_free(kf_marks *m)
{
    free(m->cand);
    free(m->jobs);
    jm__kafka_marks_init(m);
}

static int64_t job_at(const kf_marks *m, int step, int q)
{
    return q < m->njobs ? m->jobs[(size_t)step * (size_t)m->njobs + (size_t)q] : 0;
}

/* Widens every step to njobs job partitions (the new ones at 0: none of them processed). */
static int widen(kf_marks *m, int njobs)
{
    if (njobs <= m->njobs)
        return 0;
    int64_t *jobs = calloc((size_t)m->nsteps * (size_t)njobs + 1, sizeof *jobs);
    if (!jobs)
        return JM_ENOMEM;
    for (int s = 0; s < m->nsteps; s++)
        for (int q = 0; q < m->njobs; q++)
            jobs[(size_t)s * (size_t)njobs + (size_t)q] = job_at(m, s, q);
    free(m->jobs);
    m->jobs = jobs;
    m->njobs = njobs;
    return 0;
}

/* Nonzero when step a of m is covered by the step (cand, jobs). */
static int dominated(const kf_marks *m, int a, int64_t cand, const int64_t *jobs, int njobs)
{
    if (m->cand[a] > cand)
        return 0;
    for (int q = 0; q < m->njobs; q++)
        if (job_at(m, a, q) > (q < njobs ? jobs[q] : 0))
            return 0;
    return 1;
}

int jm__kafka_marks_add(kf_marks *m, int64_t cand, const int64_t *jobs, int njobs)
{
    if (widen(m, njobs))
        return JM_ENOMEM;
    /* Nothing to add when an existing step already covers it. */
    for (int s = 0; s < m->nsteps; s++) {
        int covers = m->cand[s] >= cand;
        for (int q = 0; q < njobs && covers; q++)
            covers = job_at(m, s, q) >= jobs[q];
        if (covers)
            return 0;
    }
    int keep = 0;
    for (int s = 0; s < m->nsteps; s++) {
        if (dominated(m, s, cand, jobs, njobs))
            continue;
        m->cand[keep] = m->cand[s];
        memmove(m->jobs + (size_t)keep * (size_t)m->njobs, m->jobs + (size_t)s * (size_t)m->njobs,
                (size_t)m->njobs * sizeof *m->jobs);
        keep++;
    }
    int64_t *c = realloc(m->cand, (size_t)(keep + 1) * sizeof *c);
    if (!c)
        return JM_ENOMEM;
    m->cand = c;
    int64_t *j = realloc(m->jobs, ((size_t)(keep + 1) * (size_t)m->njobs + 1) * sizeof *j);
    if (!j)
        return JM_ENOMEM;
    m->jobs = j;
    m->cand[keep] = cand;
    for (int q = 0; q < m->njobs; q++)
        m->jobs[(size_t)keep * (size_t)m->njobs + (size_t)q] = q < njobs ? jobs[q] : 0;
    m->nsteps = keep + 1;
    return 0;
}

int jm__kafka_marks_cover(const kf_marks *m, int64_t cand_offset, int32_t job_part,
                          int64_t job_offset)
{
    if (job_part < 0)
        return 0;
    for (int s = 0; s < m->nsteps; s++)
        if (cand_offset < m->cand[s] && job_offset < job_at(m, s, job_part))
            return 1;
    return 0;
}

int64_t jm__kafka_marks_top(const kf_marks *m)
{
    int64_t top = -1;
    for (int s = 0; s < m->nsteps; s++)
        if (m->cand[s] > top)
            top = m->cand[s];
    return top;
}

int jm__kafka_marks_copy(kf_marks *dst, const kf_marks *src)
{
    jm__kafka_marks_init(dst);
    dst->wm_ms = src->wm_ms;
    for (int s = 0; s < src->nsteps; s++) {
        int64_t *row = src->jobs + (size_t)s * (size_t)src->njobs;
        if (jm__kafka_marks_add(dst, src->cand[s], row, src->njobs))
            return JM_ENOMEM;
    }
    return widen(dst, src->njobs);
}

char *jm__kafka_marks_format(const kf_marks *m)
{
    /* Each number takes at most 20 digits and a separator. */
    size_t cap = 64 + (size_t)m->nsteps * ((size_t)m->njobs + 1) * 22;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t n = (size_t)snprintf(out, cap, MARKS_MAGIC "wm=");
    if (m->wm_ms == INT64_MIN)
        n += (size_t)snprintf(out + n, cap - n, "-");
    else
        n += (size_t)snprintf(out + n, cap - n, "%" PRId64, m->wm_ms);
    for (int s = 0; s < m->nsteps; s++) {
        n += (size_t)snprintf(out + n, cap - n, ";%" PRId64 ":", m->cand[s]);
        for (int q = 0; q < m->njobs; q++)
            n += (size_t)snprintf(out + n, cap - n, "%s%" PRId64, q ? "," : "", job_at(m, s, q));
    }
    return out;
}

/* Reads a decimal number at *p (which must not pass end). 1 on success. */
static int number(const char **p, const char *end, int64_t *out)
{
    char buf[24];
    size_t n = 0;
    while (*p + n < end && n < sizeof buf - 1 &&
           ((*p)[n] == '-' || ((*p)[n] >= '0' && (*p)[n] <= '9')))
        n++;
    if (n == 0 || n == sizeof buf - 1)
        return 0;
    memcpy(buf, *p, n);
    buf[n] = '\0';
    char *e;
    errno = 0;
    long long v = strtoll(buf, &e, 10);
    if (errno || *e)
        return 0;
    *out = v;
    *p += n;
    return 1;
}

int jm__kafka_marks_parse(kf_marks *m, const char *text, size_t len)
{
    jm__kafka_marks_init(m);
    size_t magic = strlen(MARKS_MAGIC);
    if (!text || len < magic || memcmp(text, MARKS_MAGIC, magic) != 0)
        return 0;
    const char *p = text + magic, *end = text + len;
    if (end - p < 3 || memcmp(p, "wm=", 3) != 0)
        return 0;
    p += 3;
    int64_t wm = INT64_MIN;
    if (p < end && *p == '-' && (p + 1 == end || p[1] == ';'))
        p++;
    else if (!number(&p, end, &wm))
        return 0;
    kf_marks got;
    jm__kafka_marks_init(&got);
    got.wm_ms = wm;
    int64_t jobs[4096];
    while (p < end) {
        int64_t cand;
        int nj = 0;
        if (*p++ != ';' || !number(&p, end, &cand) || p >= end || *p++ != ':')
            goto bad;
        for (;;) {
            if (nj == (int)(sizeof jobs / sizeof jobs[0]) || !number(&p, end, &jobs[nj]))
                goto bad;
            nj++;
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            break;
        }
        if (jm__kafka_marks_add(&got, cand, jobs, nj)) {
            jm__kafka_marks_free(&got);
            return JM_ENOMEM;
        }
    }
    *m = got;
    return 0;
bad:
    /* Not text we wrote: no marks, so nothing is suppressed. */
    jm__kafka_marks_free(&got);
    return 0;
}
