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

static int puts_(jm_buf *out, const char *s) { return put(out, s, strlen(s)); }

static int contains(const uint32_t *set, uint32_t n, uint32_t id)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (set[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && set[lo] == id;
}

int jm__match_reason(const jm__prepared *cand, const jm__prepared *job, const jm_score *s,
                     jm_buf *out)
{
    const double *f = s->fraction;
    int rc = 0;
    if (f[JM_COMPONENT_CATEGORY] == 1.0)
        rc = puts_(out, "Same job category");
    else
        rc = puts_(out, "Related job family: ") || puts_(out, s->family ? s->family : "");
    if (s->shared_skills) {
        rc = rc || puts_(out, s->shared_skills >= 3 ? "; Strong skills match in " : "; Shared skills: ");
        unsigned shown = 0;
        for (uint32_t i = 0; i < job->nskills && shown < 3; i++) {
            if (!contains(cand->skills, cand->nskills, job->skill_order[i]))
                continue;
            rc = rc || (shown && put(out, ", ", 2)) || puts_(out, job->skill_text[i]);
            shown++;
        }
    }
    if (f[JM_COMPONENT_EXPERIENCE] == 1.0)
        rc = rc || puts_(out, "; Meets experience requirements");
    if (f[JM_COMPONENT_SENIORITY] == 1.0)
        rc = rc || puts_(out, "; Appropriate seniority level");
    if (f[JM_COMPONENT_SALARY] == 1.0)
        rc = rc || puts_(out, "; Salary expectations met");
    return rc ? JM_ENOMEM : 0;
}
