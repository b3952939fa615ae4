/* Match reasons (SPEC "Match reason"): the reasons that hold, in order, joined by "; ". */
#include <string.h>

#include <jobmatch/error.h>

#include "score_internal.h"

static int put(jm_buf *out, const char *s, size_t n)
{
    if (jm_buf_reserve(out, n + 1))
        return JM_ENOMEM;
    memcpy(out->data + out->len, s, n);
    out->len += n;
    out->data[out->len] = '\0';
    return 0;
}

#define PUT_LITERAL(out, s) put(out, s, sizeof(s) - 1)

int jm__match_reason(const jm__prepared *cand, const jm__prepared *job, const jm_score *s,
                     jm_buf *out)
{
    const double *f = s->fraction;
    int rc = 0;
    if (f[JM_COMPONENT_CATEGORY] == 1.0)
        rc = PUT_LITERAL(out, "Same job category");
    else
        rc = PUT_LITERAL(out, "Related job family: ") || put(out, s->family, s->family_len);
    if (s->shared_skills) {
        rc = rc || (s->shared_skills >= 3 ? PUT_LITERAL(out, "; Strong skills match in ")
                                          : PUT_LITERAL(out, "; Shared skills: "));
        unsigned shown = 0;
        for (uint32_t i = 0; i < job->nskills && shown < 3; i++) {
            if (!jm__has_skill(cand, job->skill_order[i]))
                continue;
            rc = rc || (shown && put(out, ", ", 2)) ||
                 put(out, job->skill_text[i], job->skill_len[i]);
            shown++;
        }
    }
    if (f[JM_COMPONENT_EXPERIENCE] == 1.0)
        rc = rc || PUT_LITERAL(out, "; Meets experience requirements");
    if (f[JM_COMPONENT_SENIORITY] == 1.0)
        rc = rc || PUT_LITERAL(out, "; Appropriate seniority level");
    if (f[JM_COMPONENT_SALARY] == 1.0)
        rc = rc || PUT_LITERAL(out, "; Salary expectations met");
    return rc ? JM_ENOMEM : 0;
}
