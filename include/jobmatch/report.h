/* Analytics: an incremental aggregator of applications, jobs and candidates, and its renderers. */
#ifndef JOBMATCH_REPORT_H
#define JOBMATCH_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "record.h"

JM_BEGIN_DECLS

/* The figures of docs/report-schema.md and the bias audit, kept up to date one record at a time.
 *
 * Memory does not grow with the number of applications: every application figure is a fixed set
 * of counters (scores are integers 0-100, so histograms, medians and quartiles are exact).
 * Jobs and candidates are remembered by 64-bit fingerprints of their ids (they are a population,
 * not a stream), so their counts are distinct and exact. Distinct application ids are checked
 * exactly against a sliding window of the last jm_report_set_dedup_window() distinct ids (a
 * repeat within the window is a duplicate: counted, not aggregated), and estimated over the
 * whole stream by a HyperLogLog sketch (about 0.8% error) reported next to the exact count, so a
 * repeat that arrives later than the window shows as a gap between the two. Value maps (statuses,
 * families, countries, audit groups...) keep at most JM_REPORT_MAX_KEYS distinct values each;
 * further values are counted under "(other)". */
typedef struct jm_report jm_report;

/* The default dedup window: this many distinct application ids (40 bytes each, 2.5 MiB in all,
 * small enough to stay in a 4 MiB cache; a window of 2^20 costs about a third more time per line).
 */
#define JM_REPORT_DEFAULT_DEDUP_WINDOW ((size_t)1 << 16)
/* The largest dedup window: 2^24 distinct ids, about 640 MiB once full (memory is taken as the
 * window fills, not up front). Past a few million ids the HyperLogLog estimate shows repeats. */
#define JM_REPORT_MAX_DEDUP_WINDOW ((size_t)1 << 24)
/* Distinct values kept per value map before "(other)". */
#define JM_REPORT_MAX_KEYS 4096
/* Fields the audit may group by (jm_report_audit_by). */
#define JM_REPORT_MAX_AUDIT_FIELDS 8
/* Applications kept for the recent-applications table. */
#define JM_REPORT_RECENT 100

/* A new, empty aggregator, or NULL with err (may be NULL) set to JM_ENOMEM when out of memory.
 * Free with jm_report_free(). */
JM_EXTERN jm_report *jm_report_new(jm_error *err);
/* Frees rep. Accepts NULL. */
JM_EXTERN void jm_report_free(jm_report *rep);

/* Sets how many distinct application ids are remembered exactly (1 to
 * JM_REPORT_MAX_DEDUP_WINDOW; rounded up to a power of two). Only before the first record: 0, or
 * JM_EINVAL. */
JM_EXTERN int jm_report_set_dedup_window(jm_report *rep, size_t ids);
/* Adds a bias audit grouped by the candidate field named field (canonical or alias, e.g.
 * "gender"; a string or integer field), or by two fields at once, an intersectional audit:
 * "gender+education_level" groups by pairs such as "female × Master's Degree" (a candidate
 * lacking either value is unknown). Only before the first record, at most
 * JM_REPORT_MAX_AUDIT_FIELDS, each once: 0, or JM_EINVAL. */
JM_EXTERN int jm_report_audit_by(jm_report *rep, const char *field);
/* Sets the minimum share (0 to below 1; default 0.02) of the audited applications a group must
 * have to enter the impact ratios (smaller groups are shown, marked as left out, as NYC Local
 * Law 144 allows). At any time: 0, or JM_EINVAL. */
JM_EXTERN int jm_report_set_audit_min_share(jm_report *rep, double share);
/* Keeps the figures of every job family, status, work mode and country apart too (at most
 * 128 values each), so the HTML page can filter by them. It costs a job and candidate lookup
 * per application. Only before the first record: 0, or JM_EINVAL. */
JM_EXTERN int jm_report_set_drilldown(jm_report *rep, int on);

/* Adds one record (borrowed; nothing of it is kept). Returns 0; JM_EDUP when its id was already
 * counted (the record is counted as a duplicate and otherwise ignored); JM_EVALUE for an
 * application whose compatibility_score is outside 0-100 (not counted); JM_EKIND for a record
 * of no kind; JM_ENOMEM. */
JM_EXTERN int jm_report_add(jm_report *rep, const jm_record *rec);

/* Adds one NDJSON line (no newline). Lines in the exact shape jm-match writes are read by a fast
 * scanner; anything else is parsed by jm_parse_ndjson() into scratch (a record the caller owns
 * and reuses). The result is the same either way. Returns what jm_report_add() returns, or the
 * parse error with err filled (line and source left as the caller set them). */
JM_EXTERN int jm_report_add_ndjson(jm_report *rep, const char *line, size_t len, jm_record *scratch,
                                   jm_error *err);

/* Counts a rejected input record, so the report can show it. */
JM_EXTERN void jm_report_count_reject(jm_report *rep);

/* Distinct records counted so far, by kind (JM_KIND_APPLICATION, JM_KIND_JOB_POST,
 * JM_KIND_CANDIDATE); duplicates skipped, by kind. */
JM_EXTERN uint64_t jm_report_count(const jm_report *rep, jm_kind kind);
JM_EXTERN uint64_t jm_report_duplicates(const jm_report *rep, jm_kind kind);

/* Renderers append to out and return 0 or JM_ENOMEM. now_ms is the clock the report is made at
 * (freshness lag, active jobs), so output is reproducible. */

/* The whole report as one JSON document on one line (docs/report-schema.md), with a newline. */
JM_EXTERN int jm_report_write_json(const jm_report *rep, int64_t now_ms, jm_buf *out);

/* Text renderer flags. */
#define JM_REPORT_COLOR 1u   /* ANSI colours */
#define JM_REPORT_COMPACT 2u /* only the 10 most recent applications, for a redrawn screen */
/* The terminal report: aligned tables and bars fitted to width columns (clamped to 60-240). */
JM_EXTERN int jm_report_write_text(const jm_report *rep, int64_t now_ms, unsigned width,
                                   unsigned flags, jm_buf *out);

/* One self-contained HTML page: its own inline script draws SVG charts from the figures embedded
 * in it, under a Content-Security-Policy that allows that script and style sheet only (no
 * request of any kind). With jm_report_set_drilldown() on, the page filters by job family,
 * status, work mode and country. refresh_seconds > 0 makes the page reload itself at that
 * interval (keeping its filter and table state); 0 says it is final. */
JM_EXTERN int jm_report_write_html(const jm_report *rep, int64_t now_ms, unsigned refresh_seconds,
                                   jm_buf *out);

JM_END_DECLS

#endif
