/* Filling an application record from a scored pair, shared by jm_make_application() and the
 * matcher. */
#ifndef JM_APPLICATION_INTERNAL_H
#define JM_APPLICATION_INTERNAL_H

#include <stdint.h>

#include <jobmatch/record.h>
#include <jobmatch/score.h>

#include "score_internal.h"

typedef struct jm__pair_input {
    const jm_record *candidate;
    const jm_record *job;
    const jm_score *score;
    const char *application_id;
    const char *status;
    size_t status_len;
    const char *match_reason;
    size_t match_reason_len;
    int family_plain; /* the family name needs no JSON escaping */
    int reason_plain; /* nor does the match reason */
    int64_t application_date;
    int64_t timestamp;
} jm__pair_input;

/* Resets app and fills it; its strings are borrowed from in and must outlive its use. */
void jm__fill_application(jm_record *app, const jm__pair_input *in);
/* The later of the two records' timestamps, each falling back to fallback_ms. */
int64_t jm__later_time(const jm_record *a, const jm_record *b, int64_t fallback_ms);

#endif
