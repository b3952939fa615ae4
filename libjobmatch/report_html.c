/* The HTML renderer of the report: one self-contained page with inline SVG charts and no
 * external request (no fonts, scripts, styles or images from anywhere else). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/score.h>

#include "report_internal.h"

static const char *const palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
                                      "#1f77b4", "#8c564b", "#17becf", "#bcbd22", "#7f7f7f"};
#define NPALETTE (sizeof palette / sizeof palette[0])
#define PI 3.14159265358979323846

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

/* At most n characters of s, with an ellipsis when cut. */
static void esc_cut(out *o, const char *s, size_t n)
{
    char t[256];
    size_t i = 0, c = 0;
    while (s[i] && c < n && i < sizeof t - 8) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        c++;
    }
    memcpy(t, s, i);
    t[i] = 0;
    if (s[i])
        strcpy(t + i, "\xE2\x80\xA6");
    esc(o, t);
}

static void figure_open(out *o, const char *name, const char *caption, int wide)
{
    PRINTF(o, "<figure class=\"card%s\" data-chart=\"%s\"><figcaption>", wide ? " wide" : "", name);
    esc(o, caption);
    put(o, "</figcaption>");
}

static void empty_note(out *o, double w, double h)
{
    PRINTF(o,
           "<text x=\"%.0f\" y=\"%.0f\" class=\"empty\" text-anchor=\"middle\">no data yet</text>",
           w / 2, h / 2);
}

/* Horizontal bars: one row per label. */
static void hbars(out *o, const char *name, const char *caption, const char **labels,
                  const uint64_t *counts, size_t n)
{
    const double w = 480, lw = 190, row = 24, top = 6;
    double h = top * 2 + row * (double)(n ? n : 2);
    uint64_t max = 1;
    for (size_t i = 0; i < n; i++)
        if (counts[i] > max)
            max = counts[i];
    figure_open(o, name, caption, 0);
    PRINTF(o, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" class=\"chart\">", w, h);
    if (!n)
        empty_note(o, w, h);
    for (size_t i = 0; i < n; i++) {
        double y = top + row * (double)i;
        double bw = (w - lw - 70) * (double)counts[i] / (double)max;
        PRINTF(o, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" class=\"lbl\">", lw - 6, y + 16);
        esc_cut(o, labels[i], 28);
        PRINTF(o,
               "</text><rect class=\"mark\" x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" "
               "fill=\"%s\"><title>",
               lw, y + 3, bw < 1 && counts[i] ? 1 : bw, row - 6, palette[i % NPALETTE]);
        esc(o, labels[i]);
        PRINTF(o, ": %llu</title></rect><text x=\"%.1f\" y=\"%.1f\" class=\"val\">%llu</text>",
               (unsigned long long)counts[i], lw + bw + 5, y + 16, (unsigned long long)counts[i]);
    }
    put(o, "</svg></figure>\n");
}

static void map_hbars(out *o, const char *name, const char *caption, const jm__rmap *m,
                      size_t limit)
{
    jm__ranked top;
    if (jm__rmap_top(m, limit, &top))
        o->rc = JM_ENOMEM;
    else
        hbars(o, name, caption, top.labels, top.counts, top.n);
    jm__ranked_free(&top);
}

/* Vertical bars touching each other: a histogram. */
static void histogram(out *o, const char *name, const char *caption, const char **labels,
                      const uint64_t *counts, size_t n, const char *color)
{
    const double w = 480, h = 240, left = 44, bottom = 40, top = 10, right = 8;
    uint64_t max = 1;
    for (size_t i = 0; i < n; i++)
        if (counts[i] > max)
            max = counts[i];
    figure_open(o, name, caption, 0);
    PRINTF(o, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" class=\"chart\">", w, h);
    double pw = w - left - right, ph = h - top - bottom;
    PRINTF(o, "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>", left,
           top + ph, left + pw, top + ph);
    PRINTF(o, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" class=\"tick\">%llu</text>",
           left - 4, top + 10, (unsigned long long)max);
    PRINTF(o, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" class=\"tick\">0</text>", left - 4,
           top + ph);
    if (!n)
        empty_note(o, w, h);
    double bw = n ? pw / (double)n : pw;
    for (size_t i = 0; i < n; i++) {
        double bh = ph * (double)counts[i] / (double)max;
        PRINTF(o,
               "<rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
               "fill=\"%s\"><title>",
               left + bw * (double)i + 0.5, top + ph - bh, bw - 1, bh, color);
        esc(o, labels[i]);
        PRINTF(o, ": %llu</title></rect>", (unsigned long long)counts[i]);
        if (i % (n > 10 ? 4 : 2) == 0 || i + 1 == n) {
            PRINTF(o, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" class=\"tick\">",
                   left + bw * ((double)i + 0.5), top + ph + 14);
            esc(o, labels[i]);
            put(o, "</text>");
        }
    }
    put(o, "</svg></figure>\n");
}

static void line_chart(out *o, const jm_report *rep)
{
    const double w = 480, h = 240, left = 44, bottom = 34, top = 14, right = 16;
    uint64_t max = 1;
    for (int i = 0; i < JM__HOUR_BINS; i++)
        if (rep->hours[i] > max)
            max = rep->hours[i];
    figure_open(o, "intervals", "Applications per 3-hour interval (application_date, UTC)", 0);
    PRINTF(o, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" class=\"chart\">", w, h);
    double pw = w - left - right, ph = h - top - bottom;
    PRINTF(o, "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>", left,
           top + ph, left + pw, top + ph);
    PRINTF(o, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" class=\"tick\">%llu</text>",
           left - 4, top + 6, (unsigned long long)max);
    put(o, "<polyline class=\"mark line\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2.5\" "
           "points=\"");
    for (int i = 0; i < JM__HOUR_BINS; i++)
        PRINTF(o, "%s%.1f,%.1f", i ? " " : "", left + pw * i / (JM__HOUR_BINS - 1),
               top + ph - ph * (double)rep->hours[i] / (double)max);
    put(o, "\"/>");
    for (int i = 0; i < JM__HOUR_BINS; i++) {
        double x = left + pw * i / (JM__HOUR_BINS - 1);
        double y = top + ph - ph * (double)rep->hours[i] / (double)max;
        PRINTF(o,
               "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#4e79a7\"><title>%02d:00-%02d:00: "
               "%llu</title></circle>",
               x, y, i * 3, i * 3 + 3, (unsigned long long)rep->hours[i]);
        PRINTF(o,
               "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" class=\"tick\">%02d:00</text>",
               x, top + ph + 16, i * 3);
    }
    put(o, "</svg></figure>\n");
}

static void donut(out *o, const jm_report *rep, const size_t *idx, size_t n)
{
    const double cx = 120, cy = 120, r = 100, ri = 58;
    figure_open(o, "statuses", "Application status", 0);
    put(o, "<svg viewBox=\"0 0 480 240\" role=\"img\" class=\"chart\">");
    if (!rep->apps)
        empty_note(o, 240, 240);
    double a0 = -PI / 2;
    for (size_t i = 0; i < n && rep->apps; i++) {
        const jm__rmap_entry *e = &rep->statuses.entries[idx[i]];
        double frac = (double)e->count / (double)rep->apps;
        const char *color = palette[i % NPALETTE];
        if (frac >= 0.9999) {
            /* A whole ring: an arc cannot start and end at one point. */
            PRINTF(o,
                   "<circle class=\"mark\" cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"none\" "
                   "stroke=\"%s\" stroke-width=\"%.0f\"><title>",
                   cx, cy, (r + ri) / 2, color, r - ri);
        } else {
            double a1 = a0 + frac * 2 * PI;
            int large = frac > 0.5;
            PRINTF(o,
                   "<path class=\"mark\" fill=\"%s\" d=\"M%.2f,%.2f A%.0f,%.0f 0 %d 1 %.2f,%.2f "
                   "L%.2f,%.2f A%.0f,%.0f 0 %d 0 %.2f,%.2f Z\"><title>",
                   color, cx + r * cos(a0), cy + r * sin(a0), r, r, large, cx + r * cos(a1),
                   cy + r * sin(a1), cx + ri * cos(a1), cy + ri * sin(a1), ri, ri, large,
                   cx + ri * cos(a0), cy + ri * sin(a0));
            a0 = a1;
        }
        esc(o, e->key);
        PRINTF(o, ": %llu (%.1f%%)</title>%s", (unsigned long long)e->count, 100 * frac,
               frac >= 0.9999 ? "</circle>" : "</path>");
        PRINTF(o,
               "<rect x=\"260\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
               "<text x=\"278\" y=\"%.0f\" class=\"lbl\">",
               30 + 24.0 * (double)i, color, 41 + 24.0 * (double)i);
        esc_cut(o, e->key, 22);
        PRINTF(o, " %.1f%%</text>", 100 * frac);
    }
    PRINTF(o, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" class=\"big\">%llu</text>", cx,
           cy + 8, (unsigned long long)rep->apps);
    put(o, "</svg></figure>\n");
}

static void boxplots(out *o, const jm_report *rep, const size_t *idx, size_t n)
{
    const double w = 480, h = 240, left = 36, bottom = 40, top = 10, right = 8;
    double pw = w - left - right, ph = h - top - bottom;
    figure_open(o, "boxplots", "Compatibility score by status", 0);
    PRINTF(o, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" class=\"chart\">", w, h);
    for (int t = 0; t <= 100; t += 25)
        PRINTF(o,
               "<line class=\"gridline\" x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\"/>"
               "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" class=\"tick\">%d</text>",
               left, left + pw, top + ph - ph * t / 100, top + ph - ph * t / 100, left - 4,
               top + ph - ph * t / 100 + 4, t);
    if (!n)
        empty_note(o, w, h);
    double slot = n ? pw / (double)n : pw;
    for (size_t i = 0; i < n; i++) {
        const jm__tally *t = rep->statuses.entries[idx[i]].tally;
        const char *name = rep->statuses.entries[idx[i]].key;
        double x = left + slot * ((double)i + 0.5), bw = slot * 0.5 > 60 ? 60 : slot * 0.5;
        if (t->scored) {
            double v[5] = {jm__hist_min(t->hist), jm__hist_quantile(t->hist, t->scored, 0.25),
                           jm__hist_quantile(t->hist, t->scored, 0.5),
                           jm__hist_quantile(t->hist, t->scored, 0.75), jm__hist_max(t->hist)};
            double y[5];
            for (int k = 0; k < 5; k++)
                y[k] = top + ph - ph * v[k] / 100;
            PRINTF(o, "<g class=\"mark box\"><title>");
            esc(o, name);
            PRINTF(o, ": min %.0f, Q1 %.1f, median %.1f, Q3 %.1f, max %.0f</title>", v[0], v[1],
                   v[2], v[3], v[4]);
            PRINTF(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>", x,
                   x, y[0], y[4]);
            PRINTF(o,
                   "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                   "stroke=\"#333\"/>",
                   x - bw / 2, y[3], bw, y[1] - y[3] < 1 ? 1 : y[1] - y[3], palette[i % NPALETTE]);
            PRINTF(o,
                   "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#111\" "
                   "stroke-width=\"2\"/>",
                   x - bw / 2, x + bw / 2, y[2], y[2]);
            for (int k = 0; k < 5; k += 4)
                PRINTF(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>",
                       x - bw / 4, x + bw / 4, y[k], y[k]);
            put(o, "</g>");
        }
        PRINTF(o, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" class=\"tick\">", x,
               top + ph + 16);
        esc_cut(o, name, 16);
        put(o, "</text>");
    }
    put(o, "</svg></figure>\n");
}

/* Squarified treemap rows (Bruls, Huizing, van Wijk): lay values out in rows along the shorter
 * side, closing a row when adding to it would make its worst aspect ratio worse. */
typedef struct rect {
    double x, y, w, h;
} rect;

static double worst(const double *a, size_t n, double side)
{
    double s = 0, mx = 0, mn = INFINITY;
    for (size_t i = 0; i < n; i++) {
        s += a[i];
        if (a[i] > mx)
            mx = a[i];
        if (a[i] < mn)
            mn = a[i];
    }
    if (s <= 0 || mn <= 0)
        return INFINITY;
    double s2 = s * s, w2 = side * side;
    double r1 = w2 * mx / s2, r2 = s2 / (w2 * mn);
    return r1 > r2 ? r1 : r2;
}

static void squarify(const double *areas, size_t n, rect box, rect *cells)
{
    size_t i = 0;
    while (i < n) {
        double side = box.w < box.h ? box.w : box.h;
        size_t k = 1;
        while (i + k < n && worst(areas + i, k + 1, side) <= worst(areas + i, k, side))
            k++;
        double sum = 0;
        for (size_t j = 0; j < k; j++)
            sum += areas[i + j];
        if (box.w >= box.h) {
            /* a column at the left */
            double cw = box.h > 0 ? sum / box.h : 0, y = box.y;
            for (size_t j = 0; j < k; j++) {
                double hh = cw > 0 ? areas[i + j] / cw : 0;
                cells[i + j] = (rect){box.x, y, cw, hh};
                y += hh;
            }
            box.x += cw;
            box.w -= cw;
        } else {
            double rh = box.w > 0 ? sum / box.w : 0, x = box.x;
            for (size_t j = 0; j < k; j++) {
                double ww = rh > 0 ? areas[i + j] / rh : 0;
                cells[i + j] = (rect){x, box.y, ww, rh};
                x += ww;
            }
            box.y += rh;
            box.h -= rh;
        }
        i += k;
    }
}

static void treemap(out *o, const jm_report *rep)
{
    const double w = 960, h = 220;
    size_t idx[JM_REPORT_MAX_KEYS + 1];
    size_t n = jm__rmap_ranked(&rep->countries, idx, 15);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += rep->countries.entries[idx[i]].count;
    figure_open(o, "countries", "Top 15 countries by jobs", 1);
    PRINTF(o, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" class=\"chart\">", w, h);
    if (!n || !total) {
        empty_note(o, w, h);
    } else {
        double areas[15];
        rect cells[15];
        for (size_t i = 0; i < n; i++)
            areas[i] = w * h * (double)rep->countries.entries[idx[i]].count / (double)total;
        squarify(areas, n, (rect){0, 0, w, h}, cells);
        for (size_t i = 0; i < n; i++) {
            const jm__rmap_entry *e = &rep->countries.entries[idx[i]];
            rect c = cells[i];
            PRINTF(o,
                   "<g class=\"mark tile\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                   "height=\"%.1f\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"2\"/><title>",
                   c.x, c.y, c.w, c.h, palette[i % NPALETTE]);
            esc(o, e->key);
            PRINTF(o, ": %llu jobs</title>", (unsigned long long)e->count);
            if (c.w > 50 && c.h > 30) {
                PRINTF(o, "<text x=\"%.1f\" y=\"%.1f\" class=\"tlbl\">", c.x + 6, c.y + 18);
                esc_cut(o, e->key, (size_t)(c.w / 8));
                PRINTF(o, "</text><text x=\"%.1f\" y=\"%.1f\" class=\"tval\">%llu</text>", c.x + 6,
                       c.y + 34, (unsigned long long)e->count);
            }
            put(o, "</g>");
        }
    }
    put(o, "</svg></figure>\n");
}

static void tile(out *o, const char *name, const char *value, const char *note)
{
    put(o, "<div class=\"tile\"><div class=\"tname\">");
    esc(o, name);
    put(o, "</div><div class=\"tvalue\">");
    esc(o, value);
    put(o, "</div><div class=\"tnote\">");
    esc(o, note);
    put(o, "</div></div>");
}

static void tiles(out *o, const jm_report *rep, int64_t now_ms)
{
    char v[64], n[128];
    put(o, "<section class=\"tiles\" data-chart=\"tiles\">");
    snprintf(v, sizeof v, "%llu", (unsigned long long)rep->apps);
    snprintf(n, sizeof n, "%llu duplicates skipped", (unsigned long long)rep->app_dups);
    tile(o, "Applications", v, n);
    snprintf(v, sizeof v, "%llu", (unsigned long long)jm__report_active_jobs(rep, now_ms));
    snprintf(n, sizeof n, "of %llu jobs posted", (unsigned long long)rep->njobs);
    tile(o, "Active jobs", v, n);
    snprintf(v, sizeof v, "%llu", (unsigned long long)rep->ncands_seen);
    tile(o, "Candidates", v, "distinct candidate_id");
    if (rep->scored)
        snprintf(v, sizeof v, "%.1f", (double)rep->score_sum / (double)rep->scored);
    else
        snprintf(v, sizeof v, "-");
    tile(o, "Average score", v, "compatibility, 0-100");
    snprintf(v, sizeof v, "%llu", (unsigned long long)rep->shortlisted);
    tile(o, "Shortlisted", v, JM_STATUS_INTERVIEW_SCHEDULED " or " JM_STATUS_UNDER_REVIEW);
    snprintf(v, sizeof v, "%llu", (unsigned long long)rep->interviews);
    tile(o, "Interviews", v, JM_STATUS_INTERVIEW_SCHEDULED);
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
    tile(o, "Freshness lag", v, n);
    snprintf(v, sizeof v, "%llu", (unsigned long long)rep->rejects);
    tile(o, "Rejected lines", v, "bad input, skipped");
    put(o, "</section>\n");
}

static void audit_tables(out *o, const jm_report *rep)
{
    if (!rep->naudit)
        return;
    jm__audit_row *rows = malloc((JM_REPORT_MAX_KEYS + 2) * sizeof *rows);
    if (!rows) {
        o->rc = JM_ENOMEM;
        return;
    }
    for (int k = 0; k < rep->naudit; k++) {
        PRINTF(o,
               "<section class=\"card wide audit\" data-audit=\"%s\"><h2>Bias audit by %s</h2>"
               "<p>Selection: status Interview Scheduled. Scoring: score above the median of all "
               "applications (%.1f). Impact ratio: the group's rate over the highest group's; "
               "under 0.80 is flagged (four-fifths rule). The unknown group is left out of the "
               "ratios.</p><table><thead><tr><th>Group</th><th>Applications</th><th>Selection "
               "rate</th><th>Impact ratio</th><th>Scoring rate</th><th>Impact ratio</th></tr>"
               "</thead><tbody>",
               jm_field_name(rep->audit_field[k]), jm_field_name(rep->audit_field[k]),
               jm__report_median(rep));
        size_t n = jm__report_audit_rows(rep, k, rows);
        for (size_t i = 0; i < n; i++) {
            const jm__audit_row *r = &rows[i];
            put(o, "<tr><td>");
            esc(o, r->group);
            PRINTF(o, "</td><td class=\"num\">%llu</td><td class=\"num\">%.1f%%</td>",
                   (unsigned long long)r->n, 100 * r->selection_rate);
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
            put(o, "</tr>");
        }
        put(o, "</tbody></table></section>\n");
    }
    free(rows);
}

static const char style_sheet[] =
    "<style>\n"
    ":root{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;"
    "background:#f4f5f7}\n"
    "body{margin:0 auto;max-width:1400px;padding:16px}\n"
    "header h1{font-size:1.4rem;margin:0 0 4px}header p{margin:0;color:#666}\n"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;"
    "margin:14px 0}\n"
    ".tile{background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px #0002}\n"
    ".tname{font-size:.8rem;color:#666}.tvalue{font-size:1.6rem;font-weight:600}"
    ".tnote{font-size:.72rem;color:#888}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:12px}\n"
    ".card{background:#fff;border-radius:8px;padding:10px 12px;margin:0;"
    "box-shadow:0 1px 2px #0002}\n"
    ".wide{grid-column:1/-1}figcaption,h2{font-weight:600;font-size:.95rem;margin:0 0 6px}\n"
    "svg.chart{width:100%;height:auto;display:block}\n"
    "svg text{font-size:11px;fill:#333}.tick{fill:#777}.val{fill:#444}.big{font-size:22px;"
    "font-weight:600}.empty{fill:#999;font-size:14px}.tlbl{fill:#fff;font-weight:600;"
    "font-size:12px}.tval{fill:#fff;font-size:11px}\n"
    ".axis{stroke:#999}.gridline{stroke:#e4e4e4}\n"
    "table{border-collapse:collapse;width:100%;font-size:.82rem}th,td{text-align:left;"
    "padding:4px 6px;border-bottom:1px solid #eee;vertical-align:top}td.num,th.num{"
    "text-align:right}td.flag{color:#b00;font-weight:700}\n"
    "th button{all:unset;cursor:pointer;font-weight:600}th button:after{content:' \\2195';"
    "color:#aaa}\n"
    ".pager{display:flex;gap:8px;align-items:center;margin-top:8px;font-size:.85rem}\n"
    "section.card{margin-top:12px}\n"
    "</style>\n";

/* Sorting and paging of the recent-applications table, from the JSON embedded in the page. */
static const char table_script[] =
    "<script>\n"
    "(function(){\n"
    "var data=JSON.parse(document.getElementById('recent-data').textContent);\n"
    "var cols=[['timestamp','Time'],['compatibility_score','Score'],['status','Status'],"
    "['candidate_name','Candidate'],['job_title','Job'],['company','Company'],"
    "['job_family','Family'],['match_reason','Match reason']];\n"
    "var key='timestamp',asc=false,page=0,size=10;\n"
    "var table=document.getElementById('recent');\n"
    "var head=table.tHead.rows[0],body=table.tBodies[0];\n"
    "cols.forEach(function(c){var th=document.createElement('th');var b=document.createElement"
    "('button');b.textContent=c[1];b.onclick=function(){if(key===c[0])asc=!asc;else{key=c[0];"
    "asc=c[0]!=='timestamp'&&c[0]!=='compatibility_score';}page=0;draw();};th.appendChild(b);"
    "if(c[0]==='compatibility_score')th.className='num';head.appendChild(th);});\n"
    "function cmp(a,b){var x=a[key],y=b[key];if(x===y)return 0;if(x===null)return 1;"
    "if(y===null)return -1;return (x<y?-1:1)*(asc?1:-1);}\n"
    "function draw(){var rows=data.slice().sort(cmp);var pages=Math.max(1,Math.ceil(rows.length/"
    "size));if(page>=pages)page=pages-1;body.textContent='';rows.slice(page*size,page*size+size)"
    ".forEach(function(r){var tr=document.createElement('tr');cols.forEach(function(c){var td="
    "document.createElement('td');var v=r[c[0]];if(c[0]==='candidate_name'&&!v)v=r.candidate_id;"
    "if(c[0]==='job_title'&&!v)v=r.post_id;td.textContent=v===null?'-':String(v);"
    "if(c[0]==='compatibility_score')td.className='num';tr.appendChild(td);});"
    "body.appendChild(tr);});document.getElementById('page').textContent='Page '+(page+1)+' of '+"
    "pages+' ('+rows.length+' applications)';document.getElementById('prev').disabled=page===0;"
    "document.getElementById('next').disabled=page>=pages-1;}\n"
    "document.getElementById('prev').onclick=function(){page--;draw();};\n"
    "document.getElementById('next').onclick=function(){page++;draw();};\n"
    "document.getElementById('size').onchange=function(e){size=+e.target.value;page=0;draw();};\n"
    "draw();\n"
    "})();\n"
    "</script>\n";

int jm_report_write_html(const jm_report *rep, int64_t now_ms, unsigned refresh_seconds, jm_buf *b)
{
    out o = {b, 0};
    char when[JM_TIME_BUF];
    jm_time_format(now_ms - now_ms % 1000, when);
    put(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n");
    /* The page forbids itself any fetch: everything it shows is inline. */
    put(&o, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
    if (refresh_seconds)
        PRINTF(&o, "<meta http-equiv=\"refresh\" content=\"%u\">\n", refresh_seconds);
    PRINTF(&o, "<title>libjobmatch report %s</title>\n", when);
    put(&o, style_sheet);
    put(&o, "</head><body>\n<header><h1>Job matching analytics</h1><p>Report made ");
    put(&o, when);
    if (refresh_seconds)
        PRINTF(&o, "; this page reloads every %u s", refresh_seconds);
    put(&o, ".</p></header>\n");
    tiles(&o, rep, now_ms);
    put(&o, "<div class=\"grid\">\n");
    line_chart(&o, rep);
    map_hbars(&o, "families", "Top 10 job families by applications", &rep->families, 10);
    {
        jm__score_bins bins;
        jm__score_bins_fill(rep->score_hist, &bins);
        histogram(&o, "scores", "Compatibility score distribution", bins.labels, bins.counts,
                  JM__SCORE_BINS, "#59a14f");
    }
    {
        size_t idx[JM_REPORT_MAX_KEYS + 1];
        size_t n = jm__rmap_ranked(&rep->statuses, idx, 12);
        donut(&o, rep, idx, n);
        boxplots(&o, rep, idx, n);
    }
    map_hbars(&o, "work-modes", "Jobs by work mode", &rep->work_modes, 12);
    map_hbars(&o, "employment-types", "Jobs by employment type", &rep->employment_types, 12);
    map_hbars(&o, "education", "Candidates by education level", &rep->education, 12);
    {
        double lo[JM__SALARY_BINS], hi[JM__SALARY_BINS];
        uint64_t cnt[JM__SALARY_BINS];
        size_t n = jm__report_salary_bins(rep, lo, hi, cnt);
        const char *labels[JM__SALARY_BINS];
        char names[JM__SALARY_BINS][48];
        for (size_t i = 0; i < n; i++) {
            snprintf(names[i], sizeof names[i], "%.0fk-%.0fk", lo[i] / 1000, hi[i] / 1000);
            labels[i] = names[i];
        }
        histogram(&o, "salaries", "Job salary distribution (salary_max, else salary_min)", labels,
                  cnt, n, "#f28e2b");
    }
    treemap(&o, rep);
    put(&o, "</div>\n");
    audit_tables(&o, rep);
    put(&o, "<section class=\"card wide\" data-chart=\"recent\"><h2>Most recent applications</h2>"
            "<table id=\"recent\"><thead><tr></tr></thead><tbody></tbody></table>"
            "<div class=\"pager\"><button id=\"prev\" type=\"button\">Previous</button>"
            "<span id=\"page\"></span><button id=\"next\" type=\"button\">Next</button>"
            "<label>Rows <select id=\"size\"><option>10</option><option>25</option>"
            "<option>100</option></select></label></div></section>\n");
    /* The table's data; '<' is escaped so no text can close the script element. */
    put(&o, "<script type=\"application/json\" id=\"recent-data\">");
    if (!o.rc) {
        jm_buf tmp = {0};
        o.rc = jm__report_json_recent(&tmp, rep);
        for (size_t i = 0; !o.rc && i < tmp.len; i++)
            o.rc =
                tmp.data[i] == '<' ? jm__buf_puts(b, "\\u003c") : jm__buf_add(b, tmp.data + i, 1);
        jm_buf_free(&tmp);
    }
    put(&o, "</script>\n");
    put(&o, table_script);
    put(&o, "</body></html>\n");
    return o.rc;
}
