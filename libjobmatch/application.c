/* Application records: a scored pair made into the record SPEC "Records" describes. */
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/score.h>

#include "application_internal.h"
#include "record_internal.h"

static void borrow(jm_record *app, jm_field f, const char *s, size_t len, int plain)
{
    if (!s)
        return;
    app->v[f].s = s;
    app->v[f].slen = len;
    app->present |= 1ull << f;
    if (plain)
        app->plain |= 1ull << f;
}

/* The same field of another record, borrowed as it is. */
static void borrow_field(jm_record *app, const jm_record *from, jm_field f)
{
    if (JM__HAS(from, f))
        borrow(app, f, from->v[f].s, from->v[f].slen, from->plain >> f & 1);
}

static void number(jm_record *app, jm_field f, double v)
{
    app->v[f].n = v;
    app->present |= 1ull << f;
}

static void integer(jm_record *app, jm_field f, int64_t v)
{
    app->v[f].i = v;
    app->present |= 1ull << f;
}

void jm__fill_application(jm_record *app, const jm__pair_input *in)
{
    jm_record_reset(app, JM_KIND_APPLICATION);
    borrow(app, JM_FIELD_APPLICATION_ID, in->application_id, 36, 1);
    borrow_field(app, in->candidate, JM_FIELD_CANDIDATE_ID);
    borrow_field(app, in->job, JM_FIELD_POST_ID);
    borrow(app, JM_FIELD_JOB_FAMILY, in->score->family, in->score->family_len, in->family_plain);
    integer(app, JM_FIELD_COMPATIBILITY_SCORE, in->score->score);
    for (int c = 0; c < JM_COMPONENT_COUNT; c++)
        number(app, (jm_field)(JM_FIELD_POINTS_CATEGORY + c), in->score->points[c]);
    borrow(app, JM_FIELD_STATUS, in->status, in->status_len, 1);
    borrow(app, JM_FIELD_MATCH_REASON, in->match_reason, in->match_reason_len, in->reason_plain);
    borrow_field(app, in->job, JM_FIELD_APPLICATION_METHOD);
    integer(app, JM_FIELD_APPLICATION_DATE, in->application_date);
    integer(app, JM_FIELD_TIMESTAMP, in->timestamp);
}

int jm_make_application(const jm_record *candidate, const jm_record *job, const jm_weights *weights,
                        uint64_t seed, int64_t fallback_time_ms, jm_record *out)
{
    if (!jm_record_id(candidate) || !jm_record_id(job))
        return JM_EINVAL;
    jm_weights defaults;
    jm__pair_scratch ps;
    jm_buf reason = {0};
    int rc = jm__pair_prepare(&ps, candidate, job);
    if (rc == 0)
        rc = jm__joined(&ps.cand, &ps.job);
    if (rc == 1) {
        jm_score s;
        jm__score_prepared(&ps.cand, &ps.job, jm__weights_or_default(weights, &defaults), &s);
        const char *cid = jm_record_id(candidate), *pid = jm_record_id(job);
        jm__pair_hash h = jm__hash_pair(jm__id_key(cid, strlen(cid), JM_KIND_CANDIDATE),
                                        jm__id_key(pid, strlen(pid), JM_KIND_JOB_POST));
        char id[JM_UUID_BUF];
        jm__uuid_format(h, id);
        int64_t ts = jm__later_time(candidate, job, fallback_time_ms);
        size_t status_len;
        const char *status = jm__status(s.score, jm__draw(h, seed), &status_len);
        jm_record *tmp = jm_record_new(JM_KIND_APPLICATION, NULL);
        if (!tmp || jm__match_reason(&ps.cand, &ps.job, &s, &reason)) {
            rc = JM_ENOMEM;
        } else {
            jm__pair_input in = {
                .candidate = candidate,
                .job = job,
                .score = &s,
                .application_id = id,
                .status = status,
                .status_len = status_len,
                .match_reason = reason.data ? reason.data : "",
                .match_reason_len = reason.len,
                .family_plain = ps.job.text_plain,
                .reason_plain = ps.job.text_plain,
                .application_date = jm__application_date(job, h, ts),
                .timestamp = ts,
            };
            /* out must own its strings: fill borrowed, then copy. */
            jm__fill_application(tmp, &in);
            if (jm__record_copy_into(out, tmp))
                rc = JM_ENOMEM;
        }
        jm_record_free(tmp);
    }
    jm__pair_release(&ps);
    jm_buf_free(&reason);
    return rc;
}

int64_t jm__later_time(const jm_record *a, const jm_record *b, int64_t fallback_ms)
{
    int64_t ta = JM__HAS(a, JM_FIELD_TIMESTAMP) ? a->v[JM_FIELD_TIMESTAMP].i : fallback_ms;
    int64_t tb = JM__HAS(b, JM_FIELD_TIMESTAMP) ? b->v[JM_FIELD_TIMESTAMP].i : fallback_ms;
    return ta > tb ? ta : tb;
}

int64_t jm__application_date(const jm_record *job, jm__pair_hash h, int64_t fallback_ms)
{
    int has_posted = JM__HAS(job, JM_FIELD_POSTED_DATE),
        has_deadline = JM__HAS(job, JM_FIELD_DEADLINE_DATE);
    if (!has_posted && !has_deadline)
        return fallback_ms;
    int64_t from = job->v[has_posted ? JM_FIELD_POSTED_DATE : JM_FIELD_DEADLINE_DATE].i;
    int64_t to = job->v[has_deadline ? JM_FIELD_DEADLINE_DATE : JM_FIELD_POSTED_DATE].i;
    if (to <= from)
        return from;
    uint64_t span_s = (uint64_t)(to - from) / 1000;
    /* A point in [0, span_s] by multiply-high: uniform enough, and no 64-bit division. */
    uint64_t offset = (uint64_t)(((unsigned __int128)h.hi * (span_s + 1)) >> 64);
    return from + (int64_t)offset * 1000;
}
