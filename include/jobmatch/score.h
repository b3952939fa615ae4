/* Scoring a candidate against a job (score.c): weights, components, status (status.c) and
 * application ids (ids.c). */
#ifndef JOBMATCH_SCORE_H
#define JOBMATCH_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "record.h"

JM_BEGIN_DECLS

/* The five components, in the order their points are summed. */
typedef enum jm_component {
    JM_COMPONENT_CATEGORY = 0,
    JM_COMPONENT_SKILLS,
    JM_COMPONENT_EXPERIENCE,
    JM_COMPONENT_SENIORITY,
    JM_COMPONENT_SALARY,
    JM_COMPONENT_COUNT /* components in use; may grow up to JM_COMPONENT_MAX */
} jm_component;

/* The room jm_weights and jm_score keep per component. It never changes (docs/ABI.md): a new
 * component takes a free entry, so the structs keep their size. Entries from
 * JM_COMPONENT_COUNT on are 0 when the library writes them and ignored when it reads them. */
#define JM_COMPONENT_MAX 8

/* Points per component: a component's points are its weight times its fraction. A plain value
 * (docs/ABI.md), indexed by jm_component. */
typedef struct jm_weights {
    double weight[JM_COMPONENT_MAX];
} jm_weights;

/* The default profile: category 30, skills 30, experience 20, seniority 10, salary 10. */
JM_EXTERN void jm_weights_default(jm_weights *out);
/* Parses "category=30,skills=25,..." over the values already in out (names may be left out,
 * each given once, each number decimal, finite and >= 0). 0 or JM_EINVAL, out untouched. */
JM_EXTERN int jm_weights_parse(const char *spec, jm_weights *out);
/* jm_weights_parse() that says which part is wrong: on JM_EINVAL, err (when not NULL) names the
 * unknown component, the value that is not a number or is negative, the component given twice
 * or the empty item. It does not look at the sum (the score is clamped to 0-100). */
JM_EXTERN int jm_weights_parse_err(const char *spec, jm_weights *out, jm_error *err);
/* "category", "skills", "experience", "seniority", "salary"; NULL out of range. */
JM_EXTERN const char *jm_component_name(jm_component c);

/* A scored pair. A plain value (docs/ABI.md); fraction and points are indexed by
 * jm_component. */
typedef struct jm_score {
    int score;                         /* compatibility_score, 0..100 */
    double fraction[JM_COMPONENT_MAX]; /* each in [0, 1] */
    double points[JM_COMPONENT_MAX];   /* weight x fraction */
    const char *family;                /* job_family: static, or borrowed from a record */
    size_t family_len;                 /* strlen(family) */
    unsigned shared_skills;            /* |A n B| after normalisation */
} jm_score;

/* Scores candidate against job. Returns 1 when they are joined (share a family) and out is
 * filled, 0 when they are not, JM_EINVAL when the kinds are wrong. */
JM_EXTERN int jm_score_pair(const jm_record *candidate, const jm_record *job,
                            const jm_weights *weights, jm_score *out);

/* The statuses (docs/MATCHING.md), as applications spell them. */
#define JM_STATUS_INTERVIEW_SCHEDULED "Interview Scheduled"
#define JM_STATUS_APPLIED "Applied"
#define JM_STATUS_UNDER_REVIEW "Under Review"
#define JM_STATUS_NOT_A_FIT "Not a Fit"
#define JM_STATUS_REJECTED "Rejected"

/* The uniform draw u in [0, 1) of (seed, candidate_id, post_id) that picks the status within
 * the score's band (docs/MATCHING.md; status.c). */
JM_EXTERN double jm_status_draw(uint64_t seed, const char *candidate_id, const char *post_id);
/* The status for score and draw u: one of the JM_STATUS_* strings (static). */
JM_EXTERN const char *jm_status_for(int score, double u);

/* Writes the application_id of (candidate_id, post_id), a UUID, and a NUL into out, which holds
 * JM_UUID_BUF bytes (ids.c). */
JM_EXTERN void jm_application_id(const char *candidate_id, const char *post_id, char *out);

/* Builds the full application record of a scored pair into out (reset first): ids, family,
 * score, components, status (by seed), match_reason, application_method, application_date and
 * timestamp (the later of the two records' timestamps, else fallback_time_ms). Returns 1 when
 * joined, 0 when not (out untouched), or a negative code. */
JM_EXTERN int jm_make_application(const jm_record *candidate, const jm_record *job,
                                  const jm_weights *weights, uint64_t seed,
                                  int64_t fallback_time_ms, jm_record *out);

JM_END_DECLS

#endif
