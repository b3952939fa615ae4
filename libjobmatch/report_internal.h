/* The aggregator's state and the derived figures, shared by report.c and its renderers. */
#ifndef JM_REPORT_INTERNAL_H
#define JM_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jobmatch/report.h>

#include "strmap.h"

#define JM__SCORES 101  /* scores are integers 0-100 */
#define JM__HOUR_BINS 8 /* 3-hour intervals of the day */
#define JM__SCORE_BINS 20
#define JM__SALARY_BINS 20
#define JM__SALARY_STEP 1000 /* fine salary buckets, merged into JM__SALARY_BINS when shown */
#define JM__SALARY_FINE 4096
#define JM__HLL_BITS 14
#define JM__BUCKET_MS (3 * 3600000LL) /* applications over time: 3-hour buckets */
#define JM__SERIES_CAP (1u << 14)     /* buckets of the whole input's series (5.6 years) */
#define JM__SLICE_SERIES_CAP (1u << 10)
#define JM__SLICE_CAP 128 /* filterable values per dimension */
#define JM__SLICE_WORDS (JM__SLICE_CAP / 64)
#define JM__AUDIT_MIN_SHARE 0.02

typedef struct jm__str {
    const char *s;
    size_t len;
} jm__str;

/* What the aggregator needs of an application, from a jm_record or straight from a line. */
typedef struct jm__app_view {
    jm__str id, candidate, post, family, status, reason, method;
    int score; /* -1: absent */
    int has_date, has_ts;
    int64_t date, ts; /* application_date, timestamp (ms) */
    int has_id_hash;
    uint64_t id_hash; /* jm__strmap_hash() of id, when already known */
} jm__app_view;

/* Counts per application group: size, selected ("Interview Scheduled"), and score histogram. */
typedef struct jm__tally {
    uint64_t n;
    uint64_t selected;
    uint64_t scored;
    uint64_t hist[JM__SCORES];
} jm__tally;

/* Applications over time: counts per bucket of JM__BUCKET_MS << shift, buckets aligned to the
 * epoch. At most cap buckets are kept; a longer span merges pairs of buckets (shift + 1), so the
 * series stays exact at a coarser width and memory stays bounded. */
typedef struct jm__series {
    uint64_t *counts;
    size_t n, alloc, cap;
    int64_t first; /* bucket number of counts[0] */
    int shift;
} jm__series;

/* Amounts of money in fine buckets of JM__SALARY_STEP (job offers, candidates' asks). */
typedef struct jm__money {
    uint64_t fine[JM__SALARY_FINE], above, n;
    double min, max;
} jm__money;

/* A value map: distinct strings in first-seen order with a count each; past JM_REPORT_MAX_KEYS
 * values, new ones fall into one "(other)" entry. Entries may carry a tally. */
typedef struct jm__rmap_entry {
    char *key;
    size_t len;
    uint64_t count;
    jm__tally *tally; /* only in maps made with tallies */
} jm__rmap_entry;

typedef struct jm__rmap {
    jm__rmap_entry *entries;
    size_t n, cap;
    jm__strmap index; /* key -> entry number ("(other)" is not in it) */
    int with_tally;
    int32_t other; /* index of "(other)", or -1 */
} jm__rmap;

/* One kept application of the recent table; texts are cut to fit (at a UTF-8 boundary). */
typedef struct jm__recent {
    int64_t ts, date;
    uint64_t seq;
    int has_ts, has_date;
    int score;
    char id[48], candidate[48], post[48], family[64], status[32], method[96], reason[256];
} jm__recent;

/* A job or candidate, found by the 64-bit fingerprint of its id (jm__strmap_hash()). */
typedef struct jm__job {
    int64_t deadline;        /* INT64_MIN: none */
    uint32_t title, company; /* offsets in the text arena, 0: none */
    /* entries of the work_modes, employment_types, countries and categories maps; -1: none */
    int32_t work_mode, employment, country, category;
    double offer;                       /* salary_max, else salary_min; NAN: none */
    uint64_t statuses[JM__SLICE_WORDS]; /* status slices of its applications (drill-down) */
} jm__job;

typedef struct jm__pending {
    jm__tally t; /* applications seen before their candidate */
} jm__pending;

typedef struct jm__candidate {
    int seen; /* the candidate record itself arrived */
    uint32_t name;
    int16_t group[JM_REPORT_MAX_AUDIT_FIELDS]; /* -1: unknown */
    int32_t education;                         /* entry of the education map; -1: none */
    double ask;                                /* expected, else current salary; NAN: none */
    jm__pending *pending;
    uint64_t *slices; /* drill-down: the slices its applications fall in (JM__DIMS words sets) */
} jm__candidate;

/* The application figures of the whole input or of one slice of it. family and status are
 * indexed by the entries of the report's families and statuses maps. */
typedef struct jm__appfigs {
    uint64_t apps, scored, score_sum, interviews, shortlisted, undated;
    uint64_t score_hist[JM__SCORES];
    uint64_t hours[JM__HOUR_BINS];
    jm__series time;
    uint64_t *family;
    size_t nfamily;
    jm__tally **status;
    size_t nstatus;
} jm__appfigs;

/* Drill-down dimensions: a slice is the applications of one value of one of them. */
enum { JM__DIM_FAMILY, JM__DIM_STATUS, JM__DIM_WORK_MODE, JM__DIM_COUNTRY, JM__DIMS };

struct jm_report {
    int started;
    /* applications */
    uint64_t app_dups, rejects;
    jm__appfigs all;
    jm__rmap families, statuses;
    jm__recent recent[JM_REPORT_RECENT]; /* slots of the kept applications */
    uint8_t heap[JM_REPORT_RECENT];      /* slot numbers, a min-heap on (ts, seq) */
    size_t nrecent;
    uint64_t seq;
    int have_newest_date;
    int64_t newest_date;
    /* distinct application ids: an exact sliding window and a whole-stream sketch */
    size_t window;
    uint64_t *ring;        /* the window's fingerprints, oldest at ring_head once full */
    jm__strmap window_ids; /* the same as a fingerprint map */
    size_t ring_head, ring_n, ring_cap; /* the ring grows as it fills, up to window */
    uint8_t hll[1u << JM__HLL_BITS];
    /* jobs */
    jm__job *jobs; /* in arrival order */
    size_t njobs, jobs_cap;
    jm__strmap job_ids; /* fingerprint -> index in jobs */
    uint64_t job_dups;
    jm__rmap work_modes, employment_types, countries, categories;
    jm__money offers;
    /* candidates */
    jm__candidate *cands; /* in first-mention order: an application may name one first */
    size_t ncands, cands_cap, ncands_seen;
    jm__strmap cand_ids; /* fingerprint -> index in cands */
    uint64_t cand_dups;
    jm__rmap education;
    jm__money asks;
    /* drill-down (jm_report_set_drilldown) */
    int drilldown;
    jm__appfigs *slices[JM__DIMS][JM__SLICE_CAP];
    uint64_t apps_before_job; /* applications whose job had not arrived: in no job slice */
    /* audit: a field, or two for an intersectional audit (audit_field2 JM_FIELD_COUNT if not) */
    int naudit;
    double audit_min_share;
    jm_field audit_field[JM_REPORT_MAX_AUDIT_FIELDS], audit_field2[JM_REPORT_MAX_AUDIT_FIELDS];
    jm__rmap audit_groups[JM_REPORT_MAX_AUDIT_FIELDS]; /* with tallies */
    jm__tally audit_unknown[JM_REPORT_MAX_AUDIT_FIELDS];
    /* freshness: the newest event time of any record */
    int have_newest;
    int64_t newest;
    /* texts kept for jobs and candidates (titles, companies, names) */
    char *arena;
    size_t arena_len, arena_cap;
};

/* The application path shared by jm_report_add and the fast scanner. */
int jm__report_add_app(jm_report *rep, const jm__app_view *a);
/* The fast scanner: 1 when line is an application in jm-match's exact shape and *a is filled
 * (its strings point into line), 0 when the line must go the slow way. */
int jm__report_scan_application(const char *line, size_t len, jm__app_view *a);

/* ---- derived figures, for the renderers ------------------------------------------------------ */

/* Indexes of m's entries by count, highest first (ties: first seen first); returns how many (at
 * most limit). idx holds m->n. */
size_t jm__rmap_ranked(const jm__rmap *m, size_t *idx, size_t limit);

/* m's entries ranked as jm__rmap_ranked() does, at most limit: their labels and counts. */
typedef struct jm__ranked {
    const char **labels;
    uint64_t *counts;
    size_t n;
} jm__ranked;
/* 0 or JM_ENOMEM; free with jm__ranked_free() in either case. */
int jm__rmap_top(const jm__rmap *m, size_t limit, jm__ranked *out);
void jm__ranked_free(jm__ranked *r);
/* The p-quantile (0..1) of the scores in hist (n of them), linear between order statistics
 * (numpy's default, Python's statistics.quantiles method='inclusive'). */
double jm__hist_quantile(const uint64_t *hist, uint64_t n, double p);
/* Smallest and largest score in hist; -1 when empty. */
int jm__hist_min(const uint64_t *hist);
int jm__hist_max(const uint64_t *hist);
/* The median of all application scores (0 when there are none). */
double jm__report_median(const jm_report *rep);
/* Applications in hist scoring strictly above median. */
uint64_t jm__hist_above(const uint64_t *hist, double median);
/* Estimated distinct application ids over the whole stream. */
uint64_t jm__report_hll_estimate(const jm_report *rep);
/* Jobs whose deadline is at or after now_ms, or that have none. */
uint64_t jm__report_active_jobs(const jm_report *rep, int64_t now_ms);
/* Money histogram: fills lo[], hi[], count[] of up to JM__SALARY_BINS bins of equal width (a
 * multiple of JM__SALARY_STEP); returns how many. */
size_t jm__money_bins(const jm__money *m, double *lo, double *hi, uint64_t *count);
/* The same for two amounts over one set of bins (job offers beside candidates' asks). */
size_t jm__money_bins2(const jm__money *a, const jm__money *b, double *lo, double *hi, uint64_t *ca,
                       uint64_t *cb);
/* Indexes of the nonzero counts[0..n), highest first (ties: lower index first); returns how
 * many (at most limit). idx holds n. */
size_t jm__rank_counts(const uint64_t *counts, size_t n, size_t *idx, size_t limit);

/* The job and candidate figures of a view: the whole input (dim < 0) or slice (dim, slice).
 * A job is in a family slice when its category belongs to the family, in a work-mode or country
 * slice by its own value, in a status slice when one of its applications has that status; a
 * candidate is in a slice when one of its applications is. Counts are by entry of the report's
 * maps (work_modes, employment_types, countries, categories, education). */
typedef struct jm__popfigs {
    uint64_t jobs, active, candidates;
    uint64_t *work_mode, *employment, *country, *category, *education;
    jm__money *offers, *asks;
} jm__popfigs;
/* 0 or JM_ENOMEM; free with jm__popfigs_free() in either case. */
int jm__report_popfigs(const jm_report *rep, int dim, int slice, int64_t now_ms, jm__popfigs *p);
void jm__popfigs_free(jm__popfigs *p);
/* The recent applications, newest first, into out (JM_REPORT_RECENT slots); returns how many. */
size_t jm__report_recent_sorted(const jm_report *rep, const jm__recent **out);
/* Texts of the job and candidate an application names; "" when unknown. */
const char *jm__report_job_title(const jm_report *rep, const char *post_id);
const char *jm__report_job_company(const jm_report *rep, const char *post_id);
const char *jm__report_candidate_name(const jm_report *rep, const char *candidate_id);
const char *jm__report_job_country(const jm_report *rep, const char *post_id);
const char *jm__report_job_work_mode(const jm_report *rep, const char *post_id);
/* The HTML page's script and style sheet (report_page.js, report_page.css, compiled in), and the
 * base64 of their SHA-256 for its Content-Security-Policy (computed by build-aux/embed.sh). */
extern const char jm__report_page_js[], jm__report_page_css[];
extern const char jm__report_page_js_sha256[], jm__report_page_css_sha256[];

/* One audit row: a group's size, rates and impact ratios (ratio < 0: not defined). */
typedef struct jm__audit_row {
    const char *group;
    uint64_t n, selected, scored, above;
    double selection_rate, scoring_rate;
    double selection_ratio, scoring_ratio;
    int unknown;  /* the "unknown" group: no ratios */
    int excluded; /* under the minimum group share: no ratios */
} jm__audit_row;
/* Rows of audit k, the known groups by size then the unknown group last; *sel_ref and
 * *score_ref the rows of the reference groups (-1: none). rows holds JM_REPORT_MAX_KEYS + 2;
 * returns how many. */
size_t jm__report_audit_rows(const jm_report *rep, int k, jm__audit_row *rows, int *sel_ref,
                             int *score_ref);
/* The name of audit k ("gender", or "gender × education_level"). */
const char *jm__report_audit_name(const jm_report *rep, int k, char *buf, size_t cap);
/* Is this impact ratio flagged by the four-fifths rule? */
#define JM__FOUR_FIFTHS 0.8

/* The recent applications as a JSON array, newest first (the JSON and HTML renderers). */
int jm__report_json_recent(jm_buf *b, const jm_report *rep);

/* Small text helpers for the renderers. */
int jm__buf_add(jm_buf *b, const char *s, size_t len);
int jm__buf_puts(jm_buf *b, const char *s);
int jm__buf_printf(jm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* a / b rounded towards minus infinity (b > 0): the bucket of a time, before 1970 too. */
int64_t jm__floor_div(int64_t a, int64_t b);
/* 1234567 -> "1,234,567" in t (32 bytes); returns t. */
const char *jm__grouped(uint64_t v, char *t);
/* Bins of the score histogram: [5i, 5i+5), the last one closed. */
uint64_t jm__score_bin(const uint64_t *hist, int bin);
/* All the bins, labelled "0-4" ... "95-100", as the bar renderers take them. */
typedef struct jm__score_bins {
    char names[JM__SCORE_BINS][16];
    const char *labels[JM__SCORE_BINS];
    uint64_t counts[JM__SCORE_BINS];
} jm__score_bins;
void jm__score_bins_fill(const uint64_t *hist, jm__score_bins *out);

#endif
