/* The job taxonomy (20 categories in 14 family groups) and the scales scoring reads. */
#ifndef JOBMATCH_TAXONOMY_H
#define JOBMATCH_TAXONOMY_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"

JM_BEGIN_DECLS

#define JM_CATEGORY_COUNT 20
#define JM_FAMILY_COUNT 14

/* Names in taxonomy order (seed-vocab.json), or NULL when index is out of range. */
JM_EXTERN const char *jm_category_name(int index);
JM_EXTERN const char *jm_family_name(int index);
/* The taxonomy index of a category, compared trimmed and case-insensitively; -1 if unknown. */
JM_EXTERN int jm_category_index(const char *category, size_t len);
/* The families of category index as a bit set: bit i is family i. 0 when out of range. */
JM_EXTERN uint32_t jm_category_families(int index);

/* The seniority rank of an experience level (docs/MATCHING.md, 1 Internship .. 11 C-Level
 * Executive (CXO)), trimmed and case-insensitive; 0 when unknown. */
JM_EXTERN int jm_seniority_rank(const char *level, size_t len);
/* The first integer in a years-of-experience text ("3-5 years" -> 3, "10+ years" -> 10);
 * -1 when there is none. */
JM_EXTERN int jm_years_min(const char *years, size_t len);

JM_END_DECLS

#endif
