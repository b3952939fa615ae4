/* The HTML renderer of the report: one self-contained page. The C side writes the page's frame,
 * the tiles, the audit tables and the figures as embedded JSON; the page's own script
 * (report_page.js) draws every chart as inline SVG from them, at the width it is shown at, and
 * redraws them for the filter chosen. A strict Content-Security-Policy allows only that script
 * and style sheet, by their SHA-256 hashes: the page makes no request of any kind. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/score.h>
#include <jobmatch/writer.h>

#include "report_internal.h"

typedef struct out {
    jm_buf *b;
    int rc;
} out;

static void put(out *o, const char *s)
{
    if (!o->rc)
        o->rc = jm__buf_puts(o->b, s);
}

#define PRINTF(o, ...) ((o)->rc ? (void)0 : (void)((o)->rc = jm__buf_printf((o)->b, __VA_ARGS__)))

/* s escaped for HTML text and attribute values. */
static void esc(out *o, const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&': put(o, "&amp;"); break;
        case '<': put(o, "&lt;"); break;
        case '>': put(o, "&gt;"); break;
        case '"': put(o, "&quot;"); break;
        case '\'': put(o, "&#39;"); break;
        default:
            if (!o->rc)
                o->rc = jm__buf_add(o->b, p, 1);
        }
    }
}

static void tile(out *o, const char *key, const char *name, const char *value, const char *note)
{
    PRINTF(o, "<div class=\"tile\" data-tile=\"%s\"><div class=\"tname\">", key);
    esc(o, name);
    put(o, "</div><div class=\"tvalue\">");
    esc(o, value);
    put(o, "</div><div class=\"tnote\">");
    esc(o, note);
    put(o, "</div></div>");
}

static void tiles(out *o, const jm_report *rep, int64_t now_ms)
{
    char v[64], n[128], g[32];
    put(o, "<section class=\"tiles\" data-chart=\"tiles\">");
    jm__grouped(rep->all.apps, v);
    snprintf(n, sizeof n, "%s duplicates skipped", jm__grouped(rep->app_dups, g));
    tile(o, "applications", "Applications", v, n);
    jm__grouped(jm__report_active_jobs(rep, now_ms), v);
    snprintf(n, sizeof n, "of %s jobs posted", jm__grouped(rep->njobs, g));
    tile(o, "active", "Active jobs", v, n);
    jm__grouped(rep->ncands_seen, v);
    tile(o, "candidates", "Candidates", v, "distinct candidates");
    if (rep->all.scored)
        snprintf(v, sizeof v, "%.1f", (double)rep->all.score_sum / (double)rep->all.scored);
    else
        snprintf(v, sizeof v, "-");
    tile(o, "average", "Average score", v, "compatibility, 0-100");
    jm__grouped(rep->all.shortlisted, v);
    tile(o, "shortlisted", "Shortlisted", v,
         JM_STATUS_INTERVIEW_SCHEDULED " or " JM_STATUS_UNDER_REVIEW);
    jm__grouped(rep->all.interviews, v);
    tile(o, "interviews", "Interviews", v, JM_STATUS_INTERVIEW_SCHEDULED);
    if (rep->have_newest) {
        double lag = (double)(now_ms - rep->newest) / 1000.0, a = fabs(lag);
        /* An event after the report's clock is ahead of it, never a negative lag. */
        const char *ahead = lag < 0 ? " ahead" : "";
        if (a < 120)
            snprintf(v, sizeof v, "%.0f s%s", a, ahead);
        else if (a < 7200)
            snprintf(v, sizeof v, "%.0f min%s", a / 60, ahead);
        else
            snprintf(v, sizeof v, "%.1f h%s", a / 3600, ahead);
        char when[JM_TIME_BUF];
        jm_time_format(rep->newest, when);
        snprintf(n, sizeof n, "newest event %s%s", when, lag < 0 ? ", ahead of the clock" : "");
    } else {
        snprintf(v, sizeof v, "-");
        snprintf(n, sizeof n, "no event time yet");
    }
    tile(o, "freshness", "Freshness lag", v, n);
    jm__grouped(rep->rejects, v);
    tile(o, "rejected", "Rejected lines", v, "bad input, skipped");
    put(o, "</section>\n");
}

/* ---- the embedded figures ------------------------------------------------------------------ */

static void jstr(out *o, const char *s)
{
    if (!o->rc)
        o->rc = jm_write_json_string(s, strlen(s), o->b);
}

static void num(out *o, double v)
{
    if (!isfinite(v))
        put(o, "null");
    else if (fabs(v) < 1e15)
        PRINTF(o, "%.10g", v);
    else
        PRINTF(o, "%.17g", v);
}

static void u64s(out *o, const uint64_t *v, size_t n)
{
    put(o, "[");
    for (size_t i = 0; i < n; i++)
        PRINTF(o, i ? ",%llu" : "%llu", (unsigned long long)v[i]);
    put(o, "]");
}

static void keys(out *o, const char *name, const jm__rmap *m)
{
    PRINTF(o, "\"%s\":[", name);
    for (size_t i = 0; i < m->n; i++) {
        put(o, i ? "," : "");
        jstr(o, m->entries[i].key);
    }
    put(o, "]");
}

static void money(out *o, const jm__money *m)
{
    double lo[JM__SALARY_BINS], hi[JM__SALARY_BINS];
    uint64_t cnt[JM__SALARY_BINS];
    size_t n = jm__money_bins(m, lo, hi, cnt);
    PRINTF(o, "{\"n\":%llu,\"bins\":[", (unsigned long long)m->n);
    for (size_t i = 0; i < n; i++) {
        put(o, i ? ",[" : "[");
        num(o, lo[i]);
        put(o, ",");
        num(o, hi[i]);
        PRINTF(o, ",%llu]", (unsigned long long)cnt[i]);
    }
    put(o, "]}");
}

/* The one time axis every view shares: buckets of JM__BUCKET_MS << shift from first. */
typedef struct axis {
    int shift;
    int64_t first; /* bucket number */
    size_t n;
} axis;

/* Wide enough for every slice's buckets and for at most JM__SLICE_SERIES_CAP points. */
static axis time_axis(const jm_report *rep)
{
    axis ax = {rep->all.time.shift, 0, 0};
    for (int d = 0; d < JM__DIMS; d++)
        for (int i = 0; i < JM__SLICE_CAP; i++)
            if (rep->slices[d][i] && rep->slices[d][i]->time.shift > ax.shift)
                ax.shift = rep->slices[d][i]->time.shift;
    const jm__series *s = &rep->all.time;
    if (!s->n)
        return ax;
    for (;; ax.shift++) {
        int64_t w = JM__BUCKET_MS << ax.shift, ws = JM__BUCKET_MS << s->shift;
        ax.first = jm__floor_div(s->first * ws, w);
        ax.n = (size_t)(jm__floor_div((s->first + (int64_t)s->n - 1) * ws, w) - ax.first + 1);
        if (ax.n <= JM__SLICE_SERIES_CAP)
            return ax;
    }
}

static void series_on(out *o, const jm__series *s, const axis *ax)
{
    uint64_t *c = calloc(ax->n ? ax->n : 1, sizeof *c);
    if (!c) {
        o->rc = JM_ENOMEM;
        return;
    }
    int64_t w = JM__BUCKET_MS << ax->shift, ws = JM__BUCKET_MS << s->shift;
    for (size_t i = 0; i < s->n; i++) {
        int64_t j = jm__floor_div((s->first + (int64_t)i) * ws, w) - ax->first;
        if (j >= 0 && (size_t)j < ax->n)
            c[j] += s->counts[i];
    }
    u64s(o, c, ax->n);
    free(c);
}

/* One view: the application figures f with the job and candidate figures of the same view. */
static void view(out *o, const jm_report *rep, const jm__appfigs *f, int dim, int slice,
                 int64_t now_ms, const axis *ax)
{
    jm__popfigs p;
    if (jm__report_popfigs(rep, dim, slice, now_ms, &p)) {
        o->rc = JM_ENOMEM;
        return;
    }
    PRINTF(o,
           "{\"apps\":%llu,\"scored\":%llu,\"score_sum\":%llu,\"interviews\":%llu,"
           "\"shortlisted\":%llu,\"undated\":%llu,\"jobs\":%llu,\"active\":%llu,"
           "\"candidates\":%llu,\"hours\":",
           (unsigned long long)f->apps, (unsigned long long)f->scored,
           (unsigned long long)f->score_sum, (unsigned long long)f->interviews,
           (unsigned long long)f->shortlisted, (unsigned long long)f->undated,
           (unsigned long long)p.jobs, (unsigned long long)p.active,
           (unsigned long long)p.candidates);
    u64s(o, f->hours, JM__HOUR_BINS);
    put(o, ",\"time\":");
    series_on(o, &f->time, ax);
    put(o, ",\"scores\":");
    jm__score_bins bins;
    jm__score_bins_fill(f->score_hist, &bins);
    u64s(o, bins.counts, JM__SCORE_BINS);
    put(o, ",\"family\":[");
    for (size_t i = 0; i < rep->families.n; i++)
        PRINTF(o, i ? ",%llu" : "%llu", (unsigned long long)(i < f->nfamily ? f->family[i] : 0));
    put(o, "],\"status\":[");
    int first = 1;
    for (size_t i = 0; i < f->nstatus; i++) {
        const jm__tally *t = f->status[i];
        if (!t || !t->n)
            continue;
        PRINTF(o, "%s[%zu,%llu,%llu", first ? "" : ",", i, (unsigned long long)t->n,
               (unsigned long long)t->scored);
        first = 0;
        if (t->scored) {
            PRINTF(o, ",%d", jm__hist_min(t->hist));
            for (int q = 1; q <= 3; q++) {
                put(o, ",");
                num(o, jm__hist_quantile(t->hist, t->scored, q * 0.25));
            }
            PRINTF(o, ",%d", jm__hist_max(t->hist));
        }
        put(o, "]");
    }
    put(o, "],\"work_mode\":");
    u64s(o, p.work_mode, rep->work_modes.n);
    put(o, ",\"employment\":");
    u64s(o, p.employment, rep->employment_types.n);
    put(o, ",\"country\":");
    u64s(o, p.country, rep->countries.n);
    put(o, ",\"category\":");
    u64s(o, p.category, rep->categories.n);
    put(o, ",\"education\":");
    u64s(o, p.education, rep->education.n);
    put(o, ",\"offers\":");
    money(o, p.offers);
    put(o, ",\"asks\":");
    money(o, p.asks);
    put(o, ",\"ova\":[");
    double lo[JM__SALARY_BINS], hi[JM__SALARY_BINS];
    uint64_t ca[JM__SALARY_BINS], cb[JM__SALARY_BINS];
    size_t n = jm__money_bins2(p.offers, p.asks, lo, hi, ca, cb);
    for (size_t i = 0; i < n; i++) {
        put(o, i ? ",[" : "[");
        num(o, lo[i]);
        put(o, ",");
        num(o, hi[i]);
        PRINTF(o, ",%llu,%llu]", (unsigned long long)ca[i], (unsigned long long)cb[i]);
    }
    put(o, "]}");
    jm__popfigs_free(&p);
}

static const char *const dim_names[JM__DIMS] = {"family", "status", "work_mode", "country"};

static const jm__rmap *dim_map(const jm_report *rep, int d)
{
    return d == JM__DIM_FAMILY      ? &rep->families
           : d == JM__DIM_STATUS    ? &rep->statuses
           : d == JM__DIM_WORK_MODE ? &rep->work_modes
                                    : &rep->countries;
}

static void data(out *o, const jm_report *rep, int64_t now_ms, unsigned refresh_seconds)
{
    char when[40];
    jm_time_format(now_ms, when);
    axis ax = time_axis(rep);
    PRINTF(o, "{\"generated_at\":\"%s\",\"refresh\":%u,\"keys\":{", when, refresh_seconds);
    const struct {
        const char *name;
        const jm__rmap *map;
    } maps[] = {{"family", &rep->families},      {"status", &rep->statuses},
                {"work_mode", &rep->work_modes}, {"employment", &rep->employment_types},
                {"country", &rep->countries},    {"category", &rep->categories},
                {"education", &rep->education}};
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++) {
        put(o, i ? "," : "");
        keys(o, maps[i].name, maps[i].map);
    }
    PRINTF(o,
           "},\"time\":{\"bucket_hours\":%lld,\"from_ms\":%lld,\"n\":%zu,"
           "\"json_bucket_hours\":%lld}",
           (long long)((JM__BUCKET_MS << ax.shift) / 3600000),
           (long long)(ax.first * (JM__BUCKET_MS << ax.shift)), ax.n,
           (long long)((JM__BUCKET_MS << rep->all.time.shift) / 3600000));
    put(o, ",\"filters\":{");
    for (int d = 0; d < JM__DIMS; d++) {
        PRINTF(o, "%s\"%s\":[", d ? "," : "", dim_names[d]);
        int first = 1;
        for (int i = 0; i < JM__SLICE_CAP; i++)
            if (rep->slices[d][i]) {
                PRINTF(o, first ? "%d" : ",%d", i);
                first = 0;
            }
        put(o, "]");
    }
    put(o, "},\"views\":{\"all\":");
    view(o, rep, &rep->all, -1, 0, now_ms, &ax);
    for (int d = 0; d < JM__DIMS; d++) {
        PRINTF(o, ",\"%s\":{", dim_names[d]);
        int first = 1;
        for (int i = 0; i < JM__SLICE_CAP; i++)
            if (rep->slices[d][i]) {
                PRINTF(o, first ? "\"%d\":" : ",\"%d\":", i);
                first = 0;
                view(o, rep, rep->slices[d][i], d, i, now_ms, &ax);
            }
        put(o, "}");
    }
    put(o, "},\"recent\":");
    if (!o->rc)
        o->rc = jm__report_json_recent(o->b, rep);
    PRINTF(o, ",\"notes\":{\"apps_before_job\":%llu,\"unfilterable\":{",
           (unsigned long long)rep->apps_before_job);
    for (int d = 0; d < JM__DIMS; d++) {
        size_t n = dim_map(rep, d)->n;
        PRINTF(o, "%s\"%s\":%zu", d ? "," : "", dim_names[d],
               rep->drilldown && n > JM__SLICE_CAP ? n - JM__SLICE_CAP : 0);
    }
    put(o, "}}}");
}

/* ---- the page ------------------------------------------------------------------------------ */

static void audit_tables(out *o, const jm_report *rep)
{
    if (!rep->naudit)
        return;
    jm__audit_row *rows = malloc((JM_REPORT_MAX_KEYS + 2) * sizeof *rows);
    if (!rows) {
        o->rc = JM_ENOMEM;
        return;
    }
    char name[128], g[32];
    for (int k = 0; k < rep->naudit; k++) {
        int sel_ref, score_ref;
        size_t n = jm__report_audit_rows(rep, k, rows, &sel_ref, &score_ref);
        jm__report_audit_name(rep, k, name, sizeof name);
        put(o, "<section class=\"card wide audit\" data-audit=\"");
        esc(o, name);
        put(o, "\"><h2>Bias audit by ");
        esc(o, name);
        PRINTF(o,
               "</h2><p>Selection: the status Interview Scheduled. Scoring: a score above the "
               "median of all applications (%.1f). An impact ratio is a group's rate over the "
               "reference group's, the highest rate among the groups in the ratios; under 0.80 "
               "is flagged (the four-fifths rule). Groups under %.4g%% of the audited "
               "applications are shown but left out of the ratios, as NYC Local Law 144 allows; "
               "so is the unknown group. The audit covers all applications: the filter above "
               "does not apply to it.</p><p>Reference group for selection: <b>",
               jm__report_median(rep), 100 * rep->audit_min_share);
        esc(o, sel_ref >= 0 ? rows[sel_ref].group : "none (no group was selected)");
        put(o, "</b>; for scoring: <b>");
        esc(o, score_ref >= 0 ? rows[score_ref].group : "none (no group scored above it)");
        put(o, "</b>.</p><div class=\"scroll\"><table><thead><tr><th>Group</th>"
               "<th class=\"num\">Applications</th><th class=\"num\">Share</th>"
               "<th class=\"num\">Selection rate</th><th class=\"num\">Selection impact "
               "ratio</th><th class=\"num\">Scoring rate</th><th class=\"num\">Scoring impact "
               "ratio</th><th>Note</th></tr></thead><tbody>");
        uint64_t total = 0;
        for (size_t i = 0; i < n; i++)
            total += rows[i].n;
        for (size_t i = 0; i < n; i++) {
            const jm__audit_row *r = &rows[i];
            put(o, r->excluded || r->unknown ? "<tr><td class=\"out\">" : "<tr><td>");
            esc(o, r->group);
            PRINTF(o,
                   "</td><td class=\"num\">%s</td><td class=\"num\">%.1f%%</td>"
                   "<td class=\"num\">%.1f%%</td>",
                   jm__grouped(r->n, g), total ? 100.0 * (double)r->n / (double)total : 0.0,
                   100 * r->selection_rate);
            if (r->selection_ratio >= 0)
                PRINTF(o, "<td class=\"num%s\">%.2f</td>",
                       r->selection_ratio < JM__FOUR_FIFTHS ? " flag" : "", r->selection_ratio);
            else
                put(o, "<td class=\"num\">-</td>");
            PRINTF(o, "<td class=\"num\">%.1f%%</td>", 100 * r->scoring_rate);
            if (r->scoring_ratio >= 0)
                PRINTF(o, "<td class=\"num%s\">%.2f</td>",
                       r->scoring_ratio < JM__FOUR_FIFTHS ? " flag" : "", r->scoring_ratio);
            else
                put(o, "<td class=\"num\">-</td>");
            put(o, "<td>");
            if (r->unknown)
                put(o, "field missing or candidate not seen: not in the ratios");
            else if (r->excluded)
                put(o, "under the minimum share: not in the ratios");
            else if ((int)i == sel_ref || (int)i == score_ref)
                put(o, (int)i == sel_ref && (int)i == score_ref ? "reference group"
                       : (int)i == sel_ref                      ? "reference for selection"
                                                                : "reference for scoring");
            put(o, "</td></tr>");
        }
        put(o, "</tbody></table></div></section>\n");
    }
    free(rows);
}

static void figure(out *o, const char *name, const char *caption, const char *extra, int wide)
{
    PRINTF(o, "<figure class=\"card%s\" data-chart=\"%s\"><figcaption>", wide ? " wide" : "", name);
    esc(o, caption);
    PRINTF(o, "</figcaption><div class=\"plot\"></div><p class=\"note\"></p>%s</figure>\n",
           extra ? extra : "");
}

int jm_report_write_html(const jm_report *rep, int64_t now_ms, unsigned refresh_seconds, jm_buf *b)
{
    out o = {b, 0};
    char when[JM_TIME_BUF];
    jm_time_format(now_ms - now_ms % 1000, when);
    put(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n");
    /* Only this page's own script and style sheet may run: no request, no other code. */
    put(&o, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "script-src 'sha256-");
    put(&o, jm__report_page_js_sha256);
    put(&o, "'; style-src 'sha256-");
    put(&o, jm__report_page_css_sha256);
    put(&o, "'; img-src data:; base-uri 'none'; form-action 'none'\">\n");
    PRINTF(&o, "<title>libjobmatch report %s</title>\n<style>", when);
    put(&o, jm__report_page_css);
    put(&o, "</style>\n</head><body>\n<header><h1>Job matching analytics</h1><p>Report made ");
    put(&o, when);
    if (refresh_seconds)
        PRINTF(&o, "; live: reloads every %u s, <span id=\"updated\">updated 0 s ago</span>",
               refresh_seconds);
    else
        put(&o, "<span id=\"updated\"></span>");
    put(&o, ".</p></header>\n<noscript><p>This page draws its charts with its own inline "
            "script: allow JavaScript, or use jm-report's terminal report or --json.</p>"
            "</noscript>\n<svg id=\"svg-ns\" width=\"0\" height=\"0\" aria-hidden=\"true\">"
            "</svg>\n<nav class=\"filters\" id=\"filters\" aria-label=\"Filter\"></nav>\n");
    tiles(&o, rep, now_ms);
    put(&o, "<div class=\"grid\">\n");
    figure(&o, "time", "Applications over time", NULL, 1);
    figure(&o, "intervals", "Applications by time of day (application date, UTC)", NULL, 0);
    figure(&o, "families", "Top job families by applications", NULL, 0);
    figure(&o, "categories", "Job posts by category", NULL, 0);
    figure(&o, "scores", "Compatibility score distribution", NULL, 0);
    figure(&o, "statuses", "Application status", NULL, 0);
    figure(&o, "boxplots", "Compatibility score by status", NULL, 0);
    figure(&o, "work-modes", "Jobs by work mode", NULL, 0);
    figure(&o, "employment-types", "Jobs by employment type", NULL, 0);
    figure(&o, "education", "Candidates by education level", NULL, 0);
    figure(&o, "salaries", "Salaries offered (the top of each job's range)", NULL, 0);
    figure(&o, "asks", "Salaries candidates expect", NULL, 0);
    figure(&o, "offer-vs-ask", "Offers beside asks", NULL, 0);
    figure(&o, "countries", "Jobs by country",
           "<details><summary>Jobs in each country</summary><ul></ul></details>", 1);
    figure(&o, "recent", "Most recent applications",
           "<div class=\"scroll\"><table id=\"recent\"><thead><tr></tr></thead><tbody></tbody>"
           "</table></div><div class=\"pager\"><button id=\"prev\" type=\"button\">Previous"
           "</button><span id=\"page\"></span><button id=\"next\" type=\"button\">Next</button>"
           "<label>Rows <select id=\"size\"><option>10</option><option>25</option>"
           "<option>100</option></select></label></div>",
           1);
    put(&o, "</div>\n");
    audit_tables(&o, rep);
    /* The figures; '<' is escaped so that no text can close the script element. */
    put(&o, "<script type=\"application/json\" id=\"report-data\">");
    if (!o.rc) {
        jm_buf tmp = {0};
        out t = {&tmp, 0};
        data(&t, rep, now_ms, refresh_seconds);
        o.rc = t.rc;
        for (size_t i = 0; !o.rc && i < tmp.len; i++)
            o.rc =
                tmp.data[i] == '<' ? jm__buf_puts(b, "\\u003c") : jm__buf_add(b, tmp.data + i, 1);
        jm_buf_free(&tmp);
    }
    put(&o, "</script>\n<script>");
    put(&o, jm__report_page_js);
    put(&o, "</script>\n</body></html>\n");
    return o.rc;
}
