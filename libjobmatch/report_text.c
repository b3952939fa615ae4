/* The terminal renderer of the report: aligned tables and bar charts fitted to a width. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

typedef struct out {
    jm_buf *b;
    int rc;
    unsigned width;
    int color;
} out;

static void put(out *o, const char *s)
{
    if (!o->rc)
        o->rc = jm__buf_puts(o->b, s);
}

static void putn(out *o, const char *s, size_t n)
{
    if (!o->rc)
        o->rc = jm__buf_add(o->b, s, n);
}

static void style(out *o, const char *sgr)
{
    if (o->color) {
        put(o, "\033[");
        put(o, sgr);
        put(o, "m");
    }
}

/* Columns s takes: code points (the report's texts hold no wide or combining characters worth
 * a width table). */
static size_t cols(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Text from the data made safe for a terminal: each C0 control and DEL becomes its visible
 * Control Pictures sign (ESC shows as U+241B), each C1 control (U+0080-U+009F) U+FFFD, so no
 * escape or control sequence in a name reaches the terminal. Keeps at most about max_cols
 * columns (a cell never shows more); dst holds 4 * max_cols + 8 bytes. */
static const char *clean(const char *s, char *dst, size_t max_cols)
{
    size_t j = 0, c = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && c <= max_cols; p++) {
        if (*p < 0x20 || *p == 0x7F) {
            unsigned v = *p == 0x7F ? 0x2421 : 0x2400 + *p;
            dst[j++] = (char)(0xE0 | v >> 12);
            dst[j++] = (char)(0x80 | ((v >> 6) & 0x3F));
            dst[j++] = (char)(0x80 | (v & 0x3F));
        } else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            memcpy(dst + j, "\xEF\xBF\xBD", 3);
            j += 3;
            p++;
        } else {
            dst[j++] = (char)*p;
            while ((p[1] & 0xC0) == 0x80 && j < 4 * max_cols + 4)
                dst[j++] = (char)*++p;
        }
        c++;
    }
    dst[j] = 0;
    return dst;
}

#define CELL_MAX 240 /* the widest a cell can be: the report's width */

/* s in exactly w columns: cut with an ellipsis, or padded (right-aligned when right). */
static void cell(out *o, const char *raw, size_t w, int right)
{
    char safe[4 * CELL_MAX + 8];
    const char *s = clean(raw, safe, w < CELL_MAX ? w : CELL_MAX);
    size_t c = cols(s);
    if (c > w) {
        size_t keep = w ? w - 1 : 0, i = 0, seen = 0;
        while (s[i] && seen < keep) {
            i++;
            while (((unsigned char)s[i] & 0xC0) == 0x80)
                i++;
            seen++;
        }
        putn(o, s, i);
        if (w)
            put(o, "\xE2\x80\xA6");
        return;
    }
    for (size_t i = 0; right && i < w - c; i++)
        put(o, " ");
    put(o, s);
    for (size_t i = 0; !right && i < w - c; i++)
        put(o, " ");
}

static void heading(out *o, const char *title)
{
    put(o, "\n");
    style(o, "1");
    put(o, title);
    style(o, "0");
    put(o, "\n");
}

/* A bar of frac (0..1) of w columns, in eighths. */
static void bar(out *o, double frac, size_t w)
{
    static const char *eighths[] = {"",
                                    "\xE2\x96\x8F",
                                    "\xE2\x96\x8E",
                                    "\xE2\x96\x8D",
                                    "\xE2\x96\x8C",
                                    "\xE2\x96\x8B",
                                    "\xE2\x96\x8A",
                                    "\xE2\x96\x89"};
    if (frac < 0)
        frac = 0;
    if (frac > 1)
        frac = 1;
    size_t units = (size_t)llround(frac * (double)w * 8);
    size_t full = units / 8, used = full;
    style(o, "36");
    for (size_t i = 0; i < full; i++)
        put(o, "\xE2\x96\x88");
    if (units % 8) {
        put(o, eighths[units % 8]);
        used++;
    }
    style(o, "0");
    for (; used < w; used++)
        put(o, " ");
}

/* Rows of label, bar and count, the bar filling what the width leaves. */
static void bars(out *o, const char **labels, const uint64_t *counts, size_t n, uint64_t total)
{
    size_t lw = 4, cw = 1;
    uint64_t max = 0;
    char t[40];
    for (size_t i = 0; i < n; i++) {
        size_t c = cols(labels[i]);
        if (c > lw)
            lw = c;
        size_t k = strlen(jm__grouped(counts[i], t));
        if (k > cw)
            cw = k;
        if (counts[i] > max)
            max = counts[i];
    }
    if (lw > o->width / 3)
        lw = o->width / 3;
    /* "  label  bar  count  share%" */
    size_t fixed = 2 + lw + 2 + 2 + cw + 2 + 6;
    size_t bw = o->width > fixed + 10 ? o->width - fixed : 10;
    for (size_t i = 0; i < n; i++) {
        put(o, "  ");
        cell(o, labels[i], lw, 0);
        put(o, "  ");
        bar(o, max ? (double)counts[i] / (double)max : 0, bw);
        put(o, "  ");
        cell(o, jm__grouped(counts[i], t), cw, 1);
        snprintf(t, sizeof t, "  %5.1f%%", total ? 100.0 * (double)counts[i] / (double)total : 0.0);
        put(o, t);
        put(o, "\n");
    }
    if (!n)
        put(o, "  (none yet)\n");
}

static void map_bars(out *o, const jm__rmap *m, size_t limit, uint64_t total)
{
    jm__ranked top;
    if (jm__rmap_top(m, limit, &top))
        o->rc = JM_ENOMEM;
    else
        bars(o, top.labels, top.counts, top.n, total);
    jm__ranked_free(&top);
}

/* An amount of money, short: 950, 48k, 1.5M, 2.1B, 1e+15. */
static const char *money(double v, char *t, size_t cap)
{
    double a = fabs(v);
    if (a < 1e3)
        snprintf(t, cap, "%.0f", v);
    else if (a < 1e6)
        snprintf(t, cap, fmod(a, 1e3) < 0.5 ? "%.0fk" : "%.1fk", v / 1e3);
    else if (a < 1e9)
        snprintf(t, cap, "%.3gM", v / 1e6);
    else if (a < 1e12)
        snprintf(t, cap, "%.3gB", v / 1e9);
    else
        snprintf(t, cap, "%.2g", v);
    return t;
}

static void money_bars(out *o, const jm__money *m)
{
    double lo[JM__SALARY_BINS], hi[JM__SALARY_BINS];
    uint64_t cnt[JM__SALARY_BINS];
    size_t n = jm__money_bins(m, lo, hi, cnt);
    const char *labels[JM__SALARY_BINS];
    char names[JM__SALARY_BINS][48], a[20], z[20];
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "%s-%s", money(lo[i], a, sizeof a),
                 money(hi[i], z, sizeof z));
        labels[i] = names[i];
    }
    bars(o, labels, cnt, n, m->n);
}

/* "3 hours", "19.5 days": the width of h hours. */
static void span_name(char *t, size_t cap, long long h)
{
    if (h < 48)
        snprintf(t, cap, "%lld hours", h);
    else
        snprintf(t, cap, "%.3g days", (double)h / 24);
}

/* Applications over time as one line of eighth-blocks, each column the sum of as many buckets
 * as it takes to fit the width, with the dates at both ends. */
static void over_time(out *o, const jm__series *s)
{
    long long bucket_h = (long long)((JM__BUCKET_MS << s->shift) / 3600000);
    char t[256], w[40];
    span_name(w, sizeof w, bucket_h);
    snprintf(t, sizeof t,
             "Applications over time (application date, UTC; counted in buckets of %s)", w);
    heading(o, t);
    if (!s->n) {
        put(o, "  (none yet)\n");
        return;
    }
    size_t room = o->width - 4;
    size_t per = (s->n + room - 1) / room, ncol = (s->n + per - 1) / per;
    uint64_t max = 0, sums[240];
    for (size_t c = 0; c < ncol; c++) {
        sums[c] = 0;
        for (size_t i = c * per; i < (c + 1) * per && i < s->n; i++)
            sums[c] += s->counts[i];
        if (sums[c] > max)
            max = sums[c];
    }
    static const char *levels[] = {"\xE2\x96\x81", "\xE2\x96\x82", "\xE2\x96\x83", "\xE2\x96\x84",
                                   "\xE2\x96\x85", "\xE2\x96\x86", "\xE2\x96\x87", "\xE2\x96\x88"};
    put(o, "  ");
    style(o, "36");
    for (size_t c = 0; c < ncol; c++)
        put(o, sums[c] ? levels[(sums[c] * 8 - 1) / max] : " ");
    style(o, "0");
    put(o, "\n");
    int64_t width_ms = JM__BUCKET_MS << s->shift;
    char from[40], to[40];
    jm_time_format(s->first * width_ms, from);
    jm_time_format((s->first + (int64_t)s->n) * width_ms - 1, to);
    from[10] = to[10] = 0; /* the dates */
    if (ncol >= 22) {
        put(o, "  ");
        put(o, from);
        for (size_t i = 20; i < ncol; i++)
            put(o, " ");
        put(o, to);
        put(o, "\n");
    } else {
        snprintf(t, sizeof t, "  from %s to %s\n", from, to);
        put(o, t);
    }
    char g[40];
    span_name(w, sizeof w, bucket_h * (long long)per);
    snprintf(t, sizeof t, "  one column = %s; the highest holds %s application%s\n", w,
             jm__grouped(max, g), max == 1 ? "" : "s");
    put(o, t);
}

/* Every entry of m as "name count" cells, as many to a line as the width holds. */
static void map_columns(out *o, const jm__rmap *m)
{
    size_t *idx = malloc((m->n + 1) * sizeof *idx);
    if (!idx) {
        o->rc = JM_ENOMEM;
        return;
    }
    size_t n = jm__rmap_ranked(m, idx, m->n);
    size_t lw = 4, cw = 1;
    char g[40];
    for (size_t i = 0; i < n; i++) {
        size_t c = cols(m->entries[idx[i]].key),
               k = strlen(jm__grouped(m->entries[idx[i]].count, g));
        lw = c > lw ? c : lw;
        cw = k > cw ? k : cw;
    }
    if (lw > 24)
        lw = 24;
    size_t per_line = (o->width - 2) / (lw + 1 + cw + 3);
    if (!per_line)
        per_line = 1;
    for (size_t i = 0; i < n; i++) {
        put(o, i % per_line ? "   " : "  ");
        cell(o, m->entries[idx[i]].key, lw, 0);
        put(o, " ");
        cell(o, jm__grouped(m->entries[idx[i]].count, g), cw, 1);
        if (i % per_line == per_line - 1 || i + 1 == n)
            put(o, "\n");
    }
    if (!n)
        put(o, "  (none yet)\n");
    free(idx);
}

/* A length of time, never negative: the caller says which way it runs. */
static void duration(char *t, size_t cap, double seconds)
{
    double a = fabs(seconds);
    if (a < 120)
        snprintf(t, cap, "%.0fs", a);
    else if (a < 7200)
        snprintf(t, cap, "%.0fm", a / 60);
    else if (a < 172800)
        snprintf(t, cap, "%.1fh", a / 3600);
    else
        snprintf(t, cap, "%.1fd", a / 86400);
}

static void metrics(out *o, const jm_report *rep, int64_t now_ms)
{
    char a[40], b2[40], t[256];
    heading(o, "Key metrics");
    struct {
        const char *name;
        char value[64];
    } tiles[7];
    int n = 0;
    tiles[n].name = "Applications";
    snprintf(tiles[n++].value, 64, "%s", jm__grouped(rep->all.apps, a));
    tiles[n].name = "Active jobs";
    snprintf(tiles[n++].value, 64, "%s of %s", jm__grouped(jm__report_active_jobs(rep, now_ms), a),
             jm__grouped(rep->njobs, b2));
    tiles[n].name = "Candidates";
    snprintf(tiles[n++].value, 64, "%s", jm__grouped(rep->ncands_seen, a));
    tiles[n].name = "Average score";
    if (rep->all.scored)
        snprintf(tiles[n++].value, 64, "%.1f",
                 (double)rep->all.score_sum / (double)rep->all.scored);
    else
        snprintf(tiles[n++].value, 64, "-");
    tiles[n].name = "Shortlisted";
    snprintf(tiles[n++].value, 64, "%s", jm__grouped(rep->all.shortlisted, a));
    tiles[n].name = "Interviews";
    snprintf(tiles[n++].value, 64, "%s", jm__grouped(rep->all.interviews, a));
    /* As many name/value pairs per line as fit. */
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        size_t w = 2 + cols(tiles[i].name) + 1 + strlen(tiles[i].value) + 2;
        if (used && used + w > o->width) {
            put(o, "\n");
            used = 0;
        }
        put(o, "  ");
        put(o, tiles[i].name);
        put(o, " ");
        style(o, "1");
        put(o, tiles[i].value);
        style(o, "0");
        put(o, "  ");
        used += w;
    }
    put(o, "\n");
    char r[40];
    snprintf(t, sizeof t, "  Input: %s duplicate applications, %s duplicate jobs or candidates, ",
             jm__grouped(rep->app_dups, a), jm__grouped(rep->job_dups + rep->cand_dups, b2));
    put(o, t);
    snprintf(t, sizeof t, "%s rejected lines\n", jm__grouped(rep->rejects, r));
    put(o, t);

    heading(o, "Freshness");
    if (rep->have_newest) {
        char when[JM_TIME_BUF], lag[40];
        jm_time_format(rep->newest, when);
        double secs = (double)(now_ms - rep->newest) / 1000.0;
        duration(lag, sizeof lag, secs);
        /* Events stamped after the report's clock (a clock skew, or a market made for later)
         * are ahead of it, not a negative lag. */
        snprintf(t, sizeof t, "  Newest event %s, %s %s the clock", when, lag,
                 secs < 0 ? "ahead of" : "behind");
        put(o, t);
        if (secs > 300) {
            style(o, "33");
            put(o, " (no new events for over 5 minutes)");
            style(o, "0");
        }
        put(o, "\n");
    } else {
        put(o, "  No event time seen yet\n");
    }
}

static void five_cells(out *o, const uint64_t *hist, uint64_t n)
{
    char t[64];
    if (!n) {
        put(o, "      -      -      -      -      -");
        return;
    }
    snprintf(t, sizeof t, "%7d%7.1f%7.1f%7.1f%7d", jm__hist_min(hist),
             jm__hist_quantile(hist, n, 0.25), jm__hist_quantile(hist, n, 0.5),
             jm__hist_quantile(hist, n, 0.75), jm__hist_max(hist));
    put(o, t);
}

static void statuses(out *o, const jm_report *rep)
{
    heading(o, "Application status (count, share, and score min / Q1 / median / Q3 / max)");
    const jm__rmap *m = &rep->statuses;
    size_t idx[JM_REPORT_MAX_KEYS + 1];
    size_t n = jm__rmap_ranked(m, idx, m->n);
    size_t lw = 6;
    for (size_t i = 0; i < n; i++)
        if (cols(m->entries[idx[i]].key) > lw)
            lw = cols(m->entries[idx[i]].key);
    if (lw > 30)
        lw = 30;
    char t[64];
    put(o, "  ");
    cell(o, "Status", lw, 0);
    put(o, "       Count   Share    Min     Q1 Median     Q3    Max\n");
    for (size_t i = 0; i < n; i++) {
        const jm__rmap_entry *e = &m->entries[idx[i]];
        put(o, "  ");
        cell(o, e->key, lw, 0);
        char g[40];
        snprintf(t, sizeof t, "%12s%7.1f%%", jm__grouped(e->count, g),
                 rep->all.apps ? 100.0 * (double)e->count / (double)rep->all.apps : 0.0);
        put(o, t);
        const jm__tally *tl = rep->all.status[idx[i]];
        five_cells(o, tl->hist, tl->scored);
        put(o, "\n");
    }
    if (!n)
        put(o, "  (none yet)\n");
}

static void recent(out *o, const jm_report *rep, int compact)
{
    const jm__recent *list[JM_REPORT_RECENT];
    size_t n = jm__report_recent_sorted(rep, list);
    size_t show = compact && n > 10 ? 10 : n;
    char t[160];
    snprintf(t, sizeof t, "Most recent applications (%zu of the %zu kept)", show, n);
    heading(o, t);
    if (!n) {
        put(o, "  (none yet)\n");
        return;
    }
    /* Fixed columns first; candidate and job share what is left. */
    size_t fixed = 2 + 20 + 2 + 5 + 2 + 19 + 2;
    size_t rest = o->width > fixed + 20 ? o->width - fixed : 20;
    size_t cw = rest * 2 / 5, jw = rest - cw - 2;
    put(o, "  ");
    cell(o, "Time", 20, 0);
    put(o, "  Score  ");
    cell(o, "Status", 19, 0);
    put(o, "  ");
    cell(o, "Candidate", cw, 0);
    put(o, "  ");
    cell(o, "Job", jw, 0);
    put(o, "\n");
    for (size_t i = 0; i < show; i++) {
        const jm__recent *r = list[i];
        char when[JM_TIME_BUF] = "-";
        if (r->has_ts)
            jm_time_format(r->ts - r->ts % 1000, when);
        put(o, "  ");
        cell(o, when, 20, 0);
        snprintf(t, sizeof t, "  %5s  ", r->score >= 0 ? "" : "-");
        if (r->score >= 0)
            snprintf(t, sizeof t, "  %5d  ", r->score);
        put(o, t);
        cell(o, r->status, 19, 0);
        put(o, "  ");
        const char *name = jm__report_candidate_name(rep, r->candidate);
        cell(o, *name ? name : r->candidate, cw, 0);
        put(o, "  ");
        const char *title = jm__report_job_title(rep, r->post);
        const char *company = jm__report_job_company(rep, r->post);
        char job[200];
        if (*title)
            snprintf(job, sizeof job, "%s%s%s", title, *company ? " @ " : "", company);
        else
            snprintf(job, sizeof job, "%s", r->post);
        cell(o, job, jw, 0);
        put(o, "\n");
    }
}

static void audit(out *o, const jm_report *rep)
{
    jm__audit_row *rows = malloc((JM_REPORT_MAX_KEYS + 2) * sizeof *rows);
    if (!rows) {
        o->rc = JM_ENOMEM;
        return;
    }
    char t[400], name[128];
    for (int k = 0; k < rep->naudit; k++) {
        snprintf(t, sizeof t, "Bias audit by %s", jm__report_audit_name(rep, k, name, sizeof name));
        heading(o, t);
        int sel_ref, score_ref;
        size_t n = jm__report_audit_rows(rep, k, rows, &sel_ref, &score_ref);
        snprintf(t, sizeof t,
                 "  Selected: status Interview Scheduled. Scored high: score above the median of "
                 "all\n  applications (%.1f). Impact ratio: a group's rate over the reference "
                 "group's (the\n  highest rate); under 0.80 is flagged. Groups under %.4g%% of "
                 "the applications are\n  left out of the ratios.\n",
                 jm__report_median(rep), 100 * rep->audit_min_share);
        put(o, t);
        put(o, "  Reference group, selection: ");
        cell(o, sel_ref >= 0 ? rows[sel_ref].group : "none", 40, 0);
        put(o, "\n  Reference group, scoring:   ");
        cell(o, score_ref >= 0 ? rows[score_ref].group : "none", 40, 0);
        put(o, "\n");
        size_t lw = 7;
        for (size_t i = 0; i < n; i++)
            if (cols(rows[i].group) > lw)
                lw = cols(rows[i].group);
        if (lw > 32)
            lw = 32;
        put(o, "  ");
        cell(o, "", lw, 0);
        put(o, "                Selection  Selection      Scored  Scoring\n  ");
        cell(o, "Group", lw, 0);
        put(o, "  Applications       rate     impact        high   impact\n");
        for (size_t i = 0; i < n; i++) {
            const jm__audit_row *r = &rows[i];
            char g[40], sr[16] = "     -", cr[16] = "     -";
            if (r->selection_ratio >= 0)
                snprintf(sr, sizeof sr, "%6.2f", r->selection_ratio);
            if (r->scoring_ratio >= 0)
                snprintf(cr, sizeof cr, "%6.2f", r->scoring_ratio);
            put(o, "  ");
            cell(o, r->group, lw, 0);
            snprintf(t, sizeof t, "  %12s  %8.1f%%     %s", jm__grouped(r->n, g),
                     100 * r->selection_rate, sr);
            put(o, t);
            int f1 = r->selection_ratio >= 0 && r->selection_ratio < JM__FOUR_FIFTHS;
            int f2 = r->scoring_ratio >= 0 && r->scoring_ratio < JM__FOUR_FIFTHS;
            style(o, "31;1");
            put(o, f1 ? " FLAG" : "     ");
            style(o, "0");
            snprintf(t, sizeof t, "  %9.1f%%  %s", 100 * r->scoring_rate, cr);
            put(o, t);
            style(o, "31;1");
            put(o, f2 ? " FLAG" : "     ");
            style(o, "0");
            if (r->unknown)
                put(o, "  (not in ratios)");
            else if (r->excluded)
                put(o, "  (under the minimum share)");
            put(o, "\n");
        }
        if (!n)
            put(o, "  (no applications yet)\n");
    }
    free(rows);
}

int jm_report_write_text(const jm_report *rep, int64_t now_ms, unsigned width, unsigned flags,
                         jm_buf *b)
{
    out o = {b, 0, width < 60 ? 60 : width > 240 ? 240 : width, (flags & JM_REPORT_COLOR) != 0};
    char t[200], when[JM_TIME_BUF];
    jm_time_format(now_ms - now_ms % 1000, when);
    style(&o, "1");
    snprintf(t, sizeof t, "libjobmatch report, %s", when);
    put(&o, t);
    style(&o, "0");
    put(&o, "\n");
    metrics(&o, rep, now_ms);

    over_time(&o, &rep->all.time);
    heading(&o, "Applications per 3-hour interval of the day (application date, UTC)");
    {
        const char *labels[JM__HOUR_BINS];
        char names[JM__HOUR_BINS][16];
        for (int i = 0; i < JM__HOUR_BINS; i++) {
            snprintf(names[i], sizeof names[i], "%02d:00-%02d:00", i * 3, i * 3 + 3);
            labels[i] = names[i];
        }
        bars(&o, labels, rep->all.hours, JM__HOUR_BINS, rep->all.apps);
    }
    heading(&o, "Top 10 job families by applications");
    map_bars(&o, &rep->families, 10, rep->all.apps);
    heading(&o, "Job posts by category");
    map_bars(&o, &rep->categories, JM_REPORT_MAX_KEYS + 1, rep->njobs);

    heading(&o, "Compatibility score distribution (20 bins)");
    {
        jm__score_bins bins;
        jm__score_bins_fill(rep->all.score_hist, &bins);
        bars(&o, bins.labels, bins.counts, JM__SCORE_BINS, rep->all.scored);
    }
    statuses(&o, rep);
    heading(&o, "Jobs by work mode");
    map_bars(&o, &rep->work_modes, JM_REPORT_MAX_KEYS + 1, rep->njobs);
    heading(&o, "Jobs by employment type");
    map_bars(&o, &rep->employment_types, JM_REPORT_MAX_KEYS + 1, rep->njobs);
    heading(&o, "Candidates by education level");
    map_bars(&o, &rep->education, JM_REPORT_MAX_KEYS + 1, rep->ncands_seen);

    heading(&o, "Salaries offered by jobs (the top of the range)");
    money_bars(&o, &rep->offers);
    heading(&o, "Salaries candidates expect");
    money_bars(&o, &rep->asks);
    heading(&o, "Top 15 countries by jobs");
    map_bars(&o, &rep->countries, 15, rep->njobs);
    snprintf(t, sizeof t, "Jobs in every country (%zu)", rep->countries.n);
    heading(&o, t);
    map_columns(&o, &rep->countries);
    recent(&o, rep, (flags & JM_REPORT_COMPACT) != 0);
    audit(&o, rep);
    return o.rc;
}
