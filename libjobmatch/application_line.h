/* Application lines written straight from a scored pair, the bytes jm_write_ndjson() writes for
 * the same application, with what repeats from line to line prepared once: each held record's
 * fields escaped with the keys around them, and per-thread caches of numbers and times. */
#ifndef JM_APPLICATION_LINE_H
#define JM_APPLICATION_LINE_H

#include <stdint.h>

#include <jobmatch/buf.h>
#include <jobmatch/record.h>
#include <jobmatch/score.h>

#include "score_internal.h"

/* What one record gives every line it is in. A candidate: `","candidate_id":"ID","post_id":"`.
 * A job: `ID","job_family":"`, then its category's text (the family name of a category
 * outside the taxonomy), its skills' texts for the match reason, and
 * `,"application_method":"METHOD"` (empty without one), all escaped. Texts that need no
 * escaping are borrowed from the record and its jm__prepared, which must outlive the parts. */
typedef struct jm__line_parts {
    char *text;          /* owned: the head and the method */
    uint32_t head_len;   /* text[0, head_len) */
    uint32_t method_off; /* text[method_off, method_off + method_len) */
    uint32_t method_len;
    const char *name; /* the category's text, escaped */
    uint32_t name_len;
    const char *const *skill_text; /* the job's skills in its order, escaped */
    const uint32_t *skill_len;
    uint32_t room; /* the most this record adds to a line */
    /* Owned by a job whose texts need escaping: the escaped copies and their arrays. */
    char *escaped;
    const char **own_skill_text;
    uint32_t *own_skill_len;
} jm__line_parts;

/* Fills parts for r, prepared as p (a job's skill texts come from p). 0 or JM_ENOMEM; release
 * with jm__line_parts_release() in either case. */
int jm__line_parts_init(jm__line_parts *parts, const jm_record *r, const jm__prepared *p);
/* Frees what parts owns; a zeroed parts is fine. */
void jm__line_parts_release(jm__line_parts *parts);

/* One scored pair, with the values the matcher has worked out for it. */
typedef struct jm__line_pair {
    const jm__prepared *cand, *job;
    const jm__line_parts *cand_parts, *job_parts;
    const jm_score *score;
    jm__pair_hash hash;
    uint64_t seed;
    int64_t application_date, timestamp;
} jm__line_pair;

/* Appends the pair's application line (newline included) to out. 0 or JM_ENOMEM. */
int jm__write_application_line(const jm__line_pair *pair, jm_buf *out);

#endif
