/* What the matcher keeps of a record it holds (docs/MATCHING.md, "Memory"): once a record is
 * prepared for scoring, later pairs read only its id, a category of its own (the job_family of
 * its applications) and, for a job, its application method, posted and deadline dates and the
 * texts of its distinct skills (match reasons). The rest is dropped, and what stays is stored
 * once, in one allocation of exactly its size, in a record with room for those fields only. */
#include <stdlib.h>
#include <string.h>

#include <jobmatch/error.h>

#include "record_internal.h"
#include "score_internal.h"

/* The fields kept lie below the cut of the short records (field numbers never change). */
_Static_assert(JM_FIELD_POST_ID < JM_FIELD_DEADLINE_DATE &&
                   JM_FIELD_JOB_CATEGORY < JM_FIELD_DEADLINE_DATE &&
                   JM_FIELD_APPLICATION_METHOD < JM_FIELD_DEADLINE_DATE &&
                   JM_FIELD_REQUIRED_SKILLS < JM_FIELD_DEADLINE_DATE &&
                   JM_FIELD_POSTED_DATE < JM_FIELD_DEADLINE_DATE,
               "a job keeps fields up to its deadline");
_Static_assert(JM_FIELD_CANDIDATE_ID < JM_FIELD_JOB_CATEGORY,
               "a candidate keeps fields up to its category");

static size_t string_bytes(const jm_record *r, jm_field f)
{
    return JM__HAS(r, f) ? r->v[f].slen + 1 : 0;
}

static void keep_string(jm_record *out, const jm_record *r, jm_field f)
{
    if (!JM__HAS(r, f))
        return;
    /* The room was reserved: these cannot fail. */
    out->v[f].s = jm__record_strdup(out, r->v[f].s, r->v[f].slen);
    out->v[f].slen = r->v[f].slen;
    out->present |= 1ull << f;
    out->plain |= r->plain & 1ull << f;
}

static void keep_time(jm_record *out, const jm_record *r, jm_field f)
{
    if (JM__HAS(r, f)) {
        out->v[f].i = r->v[f].i;
        out->present |= 1ull << f;
    }
}

int jm__held_copy(const jm_record *r, jm__prepared *p, jm_record **out)
{
    int job = r->kind == JM_KIND_JOB_POST;
    jm_field id = job ? JM_FIELD_POST_ID : JM_FIELD_CANDIDATE_ID;
    size_t bytes = string_bytes(r, id) + (p->own_name ? string_bytes(r, JM_FIELD_JOB_CATEGORY) : 0);
    if (job) {
        bytes += string_bytes(r, JM_FIELD_APPLICATION_METHOD);
        bytes += sizeof(void *) - 1 + p->nskills * sizeof(char *);
        for (uint32_t i = 0; i < p->nskills; i++)
            bytes += p->skill_len[i] + 1;
    }
    /* Room for the values up to the last field kept (a job's deadline, a candidate's
     * category), not for all of them. */
    jm_record *c =
        jm__record_new_short(r->kind, job ? JM_FIELD_DEADLINE_DATE + 1 : JM_FIELD_JOB_CATEGORY + 1);
    if (!c || jm__record_reserve_exact(c, bytes)) {
        jm_record_free(c);
        return JM_ENOMEM;
    }
    keep_string(c, r, id);
    if (p->own_name) {
        keep_string(c, r, JM_FIELD_JOB_CATEGORY);
        p->own_name = c->v[JM_FIELD_JOB_CATEGORY].s;
    }
    if (job) {
        keep_string(c, r, JM_FIELD_APPLICATION_METHOD);
        keep_time(c, r, JM_FIELD_POSTED_DATE);
        keep_time(c, r, JM_FIELD_DEADLINE_DATE);
        /* The skills as prepared: each once, in the job's order. */
        if (p->nskills) {
            const char **items = jm__record_alloc(c, p->nskills * sizeof *items, sizeof *items);
            for (uint32_t i = 0; i < p->nskills; i++)
                p->skill_text[i] = items[i] =
                    jm__record_strdup(c, p->skill_text[i], p->skill_len[i]);
            c->v[JM_FIELD_REQUIRED_SKILLS].list = (jm__list){items, p->nskills, p->nskills};
            c->present |= 1ull << JM_FIELD_REQUIRED_SKILLS;
        }
    }
    *out = c;
    return 0;
}
