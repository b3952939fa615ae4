/* The JSON renderer of the report: one document, schema in docs/report-schema.md. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/writer.h>

#include "report_internal.h"

/* Fixed-point with trailing zeros dropped: stable text for the same value. Magnitudes from
 * 1e15 up take the shortest exact form instead ("1e+100"), which is JSON too. */
static int num(jm_buf *b, double v)
{
    if (!isfinite(v))
        return jm__buf_puts(b, "null");
    char t[64];
    int n = fabs(v) < 1e15 ? snprintf(t, sizeof t, "%.6f", v) : snprintf(t, sizeof t, "%.17g", v);
    if (n <= 0 || (size_t)n >= sizeof t)
        return JM_EINVAL; /* cannot happen for these formats; never index past t */
    if (fabs(v) < 1e15) {
        while (n > 1 && t[n - 1] == '0')
            n--;
        if (t[n - 1] == '.')
            n--;
        t[n] = 0;
    }
    if (strcmp(t, "-0") == 0)
        strcpy(t, "0");
    return jm__buf_puts(b, t);
}

static int u64(jm_buf *b, uint64_t v)
{
    return jm__buf_printf(b, "%llu", (unsigned long long)v);
}

static int jstr(jm_buf *b, const char *s)
{
    return jm_write_json_string(s, strlen(s), b);
}

static int time_or_null(jm_buf *b, int have, int64_t ms)
{
    if (!have)
        return jm__buf_puts(b, "null");
    char t[JM_TIME_BUF];
    jm_time_format(ms, t);
    return jstr(b, t);
}

/* ,"key":{"<what>":n,"min":..,"max":..,"bins":[{from,to,count}]} of m. */
static int money(jm_buf *b, const char *key, const char *what, const jm__money *m)
{
    double lo[JM__SALARY_BINS], hi[JM__SALARY_BINS];
    uint64_t cnt[JM__SALARY_BINS];
    size_t n = jm__money_bins(m, lo, hi, cnt);
    int rc =
        jm__buf_printf(b, ",\"%s\":{\"%s\":%llu,\"min\":", key, what, (unsigned long long)m->n);
    rc = rc ? rc : num(b, m->n ? m->min : NAN);
    rc = rc ? rc : jm__buf_puts(b, ",\"max\":");
    rc = rc ? rc : num(b, m->n ? m->max : NAN);
    rc = rc ? rc : jm__buf_puts(b, ",\"bins\":[");
    for (size_t i = 0; !rc && i < n; i++) {
        rc = jm__buf_puts(b, i ? ",{\"from\":" : "{\"from\":");
        rc = rc ? rc : num(b, lo[i]);
        rc = rc ? rc : jm__buf_puts(b, ",\"to\":");
        rc = rc ? rc : num(b, hi[i]);
        rc = rc ? rc : jm__buf_printf(b, ",\"count\":%llu}", (unsigned long long)cnt[i]);
    }
    return rc ? rc : jm__buf_puts(b, "]}");
}

/* ,"salary_offer_vs_ask":{"bins":[{from,to,jobs,candidates}]}: both on one set of bins. */
static int offer_vs_ask(jm_buf *b, const jm_report *rep)
{
    double lo[JM__SALARY_BINS], hi[JM__SALARY_BINS];
    uint64_t ca[JM__SALARY_BINS], cb[JM__SALARY_BINS];
    size_t n = jm__money_bins2(&rep->offers, &rep->asks, lo, hi, ca, cb);
    int rc = jm__buf_puts(b, ",\"salary_offer_vs_ask\":{\"bins\":[");
    for (size_t i = 0; !rc && i < n; i++) {
        rc = jm__buf_puts(b, i ? ",{\"from\":" : "{\"from\":");
        rc = rc ? rc : num(b, lo[i]);
        rc = rc ? rc : jm__buf_puts(b, ",\"to\":");
        rc = rc ? rc : num(b, hi[i]);
        rc = rc ? rc
                : jm__buf_printf(b, ",\"jobs\":%llu,\"candidates\":%llu}",
                                 (unsigned long long)ca[i], (unsigned long long)cb[i]);
    }
    return rc ? rc : jm__buf_puts(b, "]}");
}

/* ,"applications_over_time":{bucket_hours, from, to, counts}. */
static int over_time(jm_buf *b, const jm__series *s)
{
    int64_t width = JM__BUCKET_MS << s->shift;
    int rc = jm__buf_printf(b, ",\"applications_over_time\":{\"bucket_hours\":%lld,\"from\":",
                            (long long)(width / 3600000));
    rc = rc ? rc : time_or_null(b, s->n > 0, s->first * width);
    rc = rc ? rc : jm__buf_puts(b, ",\"to\":");
    rc = rc ? rc : time_or_null(b, s->n > 0, (s->first + (int64_t)s->n) * width);
    rc = rc ? rc : jm__buf_puts(b, ",\"counts\":[");
    for (size_t i = 0; !rc && i < s->n; i++)
        rc = jm__buf_printf(b, i ? ",%llu" : "%llu", (unsigned long long)s->counts[i]);
    return rc ? rc : jm__buf_puts(b, "]}");
}

/* [{"name":..,"count":..}] of the limit highest entries of m. */
static int counts(jm_buf *b, const char *key, const jm__rmap *m, size_t limit)
{
    size_t idx[JM_REPORT_MAX_KEYS + 1];
    size_t n = jm__rmap_ranked(m, idx, limit);
    int rc = jm__buf_printf(b, ",\"%s\":[", key);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = jm__buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        rc = rc ? rc : jstr(b, m->entries[idx[i]].key);
        rc = rc ? rc : jm__buf_puts(b, ",\"count\":");
        rc = rc ? rc : u64(b, m->entries[idx[i]].count);
        rc = rc ? rc : jm__buf_puts(b, "}");
    }
    return rc ? rc : jm__buf_puts(b, "]");
}

static int five(jm_buf *b, const uint64_t *hist, uint64_t n)
{
    if (!n)
        return jm__buf_puts(b, "null");
    int rc = jm__buf_printf(b, "{\"min\":%d,\"q1\":", jm__hist_min(hist));
    rc = rc ? rc : num(b, jm__hist_quantile(hist, n, 0.25));
    rc = rc ? rc : jm__buf_puts(b, ",\"median\":");
    rc = rc ? rc : num(b, jm__hist_quantile(hist, n, 0.5));
    rc = rc ? rc : jm__buf_puts(b, ",\"q3\":");
    rc = rc ? rc : num(b, jm__hist_quantile(hist, n, 0.75));
    rc = rc ? rc : jm__buf_printf(b, ",\"max\":%d}", jm__hist_max(hist));
    return rc;
}

static int ratio(jm_buf *b, double r)
{
    return r < 0 ? jm__buf_puts(b, "null") : num(b, r);
}

static int audit(jm_buf *b, const jm_report *rep)
{
    if (!rep->naudit)
        return jm__buf_puts(b, ",\"audit\":null");
    int rc = jm__buf_puts(b, ",\"audit\":{\"median_score\":");
    rc = rc ? rc : num(b, jm__report_median(rep));
    rc = rc ? rc : jm__buf_puts(b, ",\"threshold\":0.8,\"min_group_share\":");
    rc = rc ? rc : num(b, rep->audit_min_share);
    rc = rc ? rc : jm__buf_puts(b, ",\"by\":[");
    jm__audit_row *rows = malloc((JM_REPORT_MAX_KEYS + 2) * sizeof *rows);
    if (!rows)
        return JM_ENOMEM;
    for (int k = 0; !rc && k < rep->naudit; k++) {
        char name[128];
        int sel_ref, score_ref;
        size_t n = jm__report_audit_rows(rep, k, rows, &sel_ref, &score_ref);
        rc = jm__buf_printf(b, "%s{\"field\":", k ? "," : "");
        rc = rc ? rc : jstr(b, jm__report_audit_name(rep, k, name, sizeof name));
        rc = rc ? rc : jm__buf_puts(b, ",\"fields\":[");
        rc = rc ? rc : jstr(b, jm_field_name(rep->audit_field[k]));
        if (!rc && rep->audit_field2[k] != JM_FIELD_COUNT) {
            rc = jm__buf_puts(b, ",");
            rc = rc ? rc : jstr(b, jm_field_name(rep->audit_field2[k]));
        }
        rc = rc ? rc : jm__buf_puts(b, "],\"selection_reference\":");
        rc = rc ? rc : (sel_ref >= 0 ? jstr(b, rows[sel_ref].group) : jm__buf_puts(b, "null"));
        rc = rc ? rc : jm__buf_puts(b, ",\"scoring_reference\":");
        rc = rc ? rc : (score_ref >= 0 ? jstr(b, rows[score_ref].group) : jm__buf_puts(b, "null"));
        rc = rc ? rc : jm__buf_puts(b, ",\"groups\":[");
        for (size_t i = 0; !rc && i < n; i++) {
            const jm__audit_row *r = &rows[i];
            rc = jm__buf_puts(b, i ? ",{\"group\":" : "{\"group\":");
            rc = rc ? rc : jstr(b, r->group);
            rc = rc ? rc
                    : jm__buf_printf(b,
                                     ",\"unknown\":%s,\"excluded\":%s,\"applications\":%llu,"
                                     "\"selected\":%llu,\"selection_rate\":",
                                     r->unknown ? "true" : "false", r->excluded ? "true" : "false",
                                     (unsigned long long)r->n, (unsigned long long)r->selected);
            rc = rc ? rc : num(b, r->selection_rate);
            rc = rc ? rc : jm__buf_puts(b, ",\"selection_impact_ratio\":");
            rc = rc ? rc : ratio(b, r->selection_ratio);
            rc = rc ? rc
                    : jm__buf_printf(b,
                                     ",\"selection_flag\":%s,\"scored\":%llu,"
                                     "\"above_median\":%llu,\"scoring_rate\":",
                                     r->selection_ratio >= 0 && r->selection_ratio < JM__FOUR_FIFTHS
                                         ? "true"
                                         : "false",
                                     (unsigned long long)r->scored, (unsigned long long)r->above);
            rc = rc ? rc : num(b, r->scoring_rate);
            rc = rc ? rc : jm__buf_puts(b, ",\"scoring_impact_ratio\":");
            rc = rc ? rc : ratio(b, r->scoring_ratio);
            rc = rc ? rc
                    : jm__buf_printf(b, ",\"scoring_flag\":%s}",
                                     r->scoring_ratio >= 0 && r->scoring_ratio < JM__FOUR_FIFTHS
                                         ? "true"
                                         : "false");
        }
        rc = rc ? rc : jm__buf_puts(b, "]}");
    }
    free(rows);
    return rc ? rc : jm__buf_puts(b, "]}");
}

int jm__report_json_recent(jm_buf *b, const jm_report *rep)
{
    const jm__recent *list[JM_REPORT_RECENT];
    size_t n = jm__report_recent_sorted(rep, list);
    int rc = jm__buf_puts(b, "[");
    for (size_t i = 0; !rc && i < n; i++) {
        const jm__recent *r = list[i];
        rc = jm__buf_puts(b, i ? ",{\"application_id\":" : "{\"application_id\":");
        rc = rc ? rc : jstr(b, r->id);
        rc = rc ? rc : jm__buf_puts(b, ",\"candidate_id\":");
        rc = rc ? rc : jstr(b, r->candidate);
        rc = rc ? rc : jm__buf_puts(b, ",\"candidate_name\":");
        rc = rc ? rc : jstr(b, jm__report_candidate_name(rep, r->candidate));
        rc = rc ? rc : jm__buf_puts(b, ",\"post_id\":");
        rc = rc ? rc : jstr(b, r->post);
        rc = rc ? rc : jm__buf_puts(b, ",\"job_title\":");
        rc = rc ? rc : jstr(b, jm__report_job_title(rep, r->post));
        rc = rc ? rc : jm__buf_puts(b, ",\"company\":");
        rc = rc ? rc : jstr(b, jm__report_job_company(rep, r->post));
        rc = rc ? rc : jm__buf_puts(b, ",\"location_country\":");
        rc = rc ? rc : jstr(b, jm__report_job_country(rep, r->post));
        rc = rc ? rc : jm__buf_puts(b, ",\"work_mode\":");
        rc = rc ? rc : jstr(b, jm__report_job_work_mode(rep, r->post));
        rc = rc ? rc : jm__buf_puts(b, ",\"job_family\":");
        rc = rc ? rc : jstr(b, r->family);
        rc = rc ? rc : jm__buf_puts(b, ",\"compatibility_score\":");
        rc =
            rc ? rc : (r->score >= 0 ? jm__buf_printf(b, "%d", r->score) : jm__buf_puts(b, "null"));
        rc = rc ? rc : jm__buf_puts(b, ",\"status\":");
        rc = rc ? rc : jstr(b, r->status);
        rc = rc ? rc : jm__buf_puts(b, ",\"match_reason\":");
        rc = rc ? rc : jstr(b, r->reason);
        rc = rc ? rc : jm__buf_puts(b, ",\"application_method\":");
        rc = rc ? rc : jstr(b, r->method);
        rc = rc ? rc : jm__buf_puts(b, ",\"application_date\":");
        rc = rc ? rc : time_or_null(b, r->has_date, r->date);
        rc = rc ? rc : jm__buf_puts(b, ",\"timestamp\":");
        rc = rc ? rc : time_or_null(b, r->has_ts, r->ts);
        rc = rc ? rc : jm__buf_puts(b, "}");
    }
    return rc ? rc : jm__buf_puts(b, "]");
}

int jm_report_write_json(const jm_report *rep, int64_t now_ms, jm_buf *out)
{
    jm_buf *b = out;
    int rc = jm__buf_puts(b, "{\"schema\":\"jobmatch-report/1\",\"generated_at\":");
    rc = rc ? rc : time_or_null(b, 1, now_ms);
    rc = rc ? rc
            : jm__buf_printf(b,
                             ",\"input\":{\"rejected\":%llu,\"duplicates\":{\"applications\":%llu,"
                             "\"jobs\":%llu,\"candidates\":%llu}}",
                             (unsigned long long)rep->rejects, (unsigned long long)rep->app_dups,
                             (unsigned long long)rep->job_dups, (unsigned long long)rep->cand_dups);
    rc = rc ? rc
            : jm__buf_printf(
                  b,
                  ",\"metrics\":{\"applications\":%llu,\"applications_distinct_estimate\":%llu,"
                  "\"dedup_window\":%llu,\"jobs\":%llu,\"active_jobs\":%llu,\"candidates\":%llu,"
                  "\"average_score\":",
                  (unsigned long long)rep->all.apps,
                  (unsigned long long)(rep->all.apps ? jm__report_hll_estimate(rep) : 0),
                  (unsigned long long)rep->window, (unsigned long long)rep->njobs,
                  (unsigned long long)jm__report_active_jobs(rep, now_ms),
                  (unsigned long long)rep->ncands_seen);
    rc = rc ? rc
            : num(b, rep->all.scored ? (double)rep->all.score_sum / (double)rep->all.scored : NAN);
    rc = rc ? rc
            : jm__buf_printf(b, ",\"shortlisted\":%llu,\"interviews\":%llu}",
                             (unsigned long long)rep->all.shortlisted,
                             (unsigned long long)rep->all.interviews);
    rc = rc ? rc : jm__buf_puts(b, ",\"freshness\":{\"newest_event\":");
    rc = rc ? rc : time_or_null(b, rep->have_newest, rep->newest);
    /* The lag and its opposite, both never negative: one of them is 0. */
    double lag = rep->have_newest ? (double)(now_ms - rep->newest) / 1000.0 : NAN;
    rc = rc ? rc : jm__buf_puts(b, ",\"lag_seconds\":");
    rc = rc ? rc : num(b, lag < 0 ? 0 : lag);
    rc = rc ? rc : jm__buf_puts(b, ",\"ahead_seconds\":");
    rc = rc ? rc : num(b, lag < 0 ? -lag : rep->have_newest ? 0 : NAN);
    rc = rc ? rc : jm__buf_puts(b, ",\"newest_application_date\":");
    rc = rc ? rc : time_or_null(b, rep->have_newest_date, rep->newest_date);
    rc = rc ? rc : jm__buf_puts(b, "},\"applications_by_interval\":[");
    for (int i = 0; !rc && i < JM__HOUR_BINS; i++)
        rc = jm__buf_printf(
            b, "%s{\"interval\":\"%02d:00-%02d:00\",\"from_hour\":%d,\"count\":%llu}", i ? "," : "",
            i * 3, i * 3 + 3, i * 3, (unsigned long long)rep->all.hours[i]);
    rc = rc ? rc
            : jm__buf_printf(b, "],\"undated_applications\":%llu",
                             (unsigned long long)rep->all.undated);
    rc = rc ? rc : over_time(b, &rep->all.time);
    rc = rc ? rc : counts(b, "top_job_families", &rep->families, 10);
    rc = rc ? rc : counts(b, "jobs_by_category", &rep->categories, JM_REPORT_MAX_KEYS + 1);
    rc = rc ? rc : jm__buf_puts(b, ",\"score_histogram\":[");
    for (int i = 0; !rc && i < JM__SCORE_BINS; i++)
        rc = jm__buf_printf(b, "%s{\"from\":%d,\"to\":%d,\"count\":%llu}", i ? "," : "", i * 5,
                            i == JM__SCORE_BINS - 1 ? 100 : i * 5 + 5,
                            (unsigned long long)jm__score_bin(rep->all.score_hist, i));
    rc = rc ? rc : jm__buf_puts(b, "],\"score_summary\":");
    rc = rc ? rc : five(b, rep->all.score_hist, rep->all.scored);
    /* statuses */
    rc = rc ? rc : jm__buf_puts(b, ",\"statuses\":[");
    {
        size_t idx[JM_REPORT_MAX_KEYS + 1];
        size_t n = jm__rmap_ranked(&rep->statuses, idx, rep->statuses.n);
        for (size_t i = 0; !rc && i < n; i++) {
            const jm__rmap_entry *e = &rep->statuses.entries[idx[i]];
            rc = jm__buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
            rc = rc ? rc : jstr(b, e->key);
            rc = rc ? rc
                    : jm__buf_printf(b, ",\"count\":%llu,\"share\":", (unsigned long long)e->count);
            rc = rc ? rc : num(b, rep->all.apps ? (double)e->count / (double)rep->all.apps : 0);
            rc = rc ? rc : jm__buf_puts(b, ",\"score\":");
            const jm__tally *tl = rep->all.status[idx[i]]; /* every status came with one */
            rc = rc ? rc : five(b, tl->hist, tl->scored);
            rc = rc ? rc : jm__buf_puts(b, "}");
        }
    }
    rc = rc ? rc : jm__buf_puts(b, "]");
    rc = rc ? rc : counts(b, "jobs_by_work_mode", &rep->work_modes, JM_REPORT_MAX_KEYS + 1);
    rc = rc ? rc
            : counts(b, "jobs_by_employment_type", &rep->employment_types, JM_REPORT_MAX_KEYS + 1);
    rc = rc ? rc : counts(b, "candidates_by_education", &rep->education, JM_REPORT_MAX_KEYS + 1);
    rc = rc ? rc : money(b, "salary_histogram", "jobs", &rep->offers);
    rc = rc ? rc : money(b, "candidate_salary_histogram", "candidates", &rep->asks);
    rc = rc ? rc : offer_vs_ask(b, rep);
    rc = rc ? rc : counts(b, "top_countries", &rep->countries, 15);
    rc = rc ? rc : counts(b, "jobs_by_country", &rep->countries, JM_REPORT_MAX_KEYS + 1);
    rc = rc ? rc : jm__buf_puts(b, ",\"recent_applications\":");
    rc = rc ? rc : jm__report_json_recent(b, rep);
    rc = rc ? rc : audit(b, rep);
    return rc ? rc : jm__buf_puts(b, "}\n");
}
