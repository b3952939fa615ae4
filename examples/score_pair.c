/* Scores one candidate against one job and prints the application, using only the public API.
 * Build: cc score_pair.c $(pkg-config --cflags --libs jobmatch) */
#include <stdio.h>
#include <string.h>

#include <jobmatch/jobmatch.h>

static const char candidate_json[] =
    "{\"type\":\"candidate\",\"candidate_id\":\"c-1\",\"job_category\":\"Data & Analytics\","
    "\"experience_level\":\"Senior\",\"years_experience\":\"6-7 years\","
    "\"skills\":[\"Python\",\"SQL\",\"Machine Learning\"],\"expected_salary\":120000}";
static const char job_json[] =
    "{\"type\":\"job_post\",\"post_id\":\"j-1\",\"job_category\":\"Data & Analytics\","
    "\"experience_level\":\"Mid Level\",\"years_experience\":\"3-5 years\","
    "\"required_skills\":[\"SQL\",\"Python\",\"Tableau\"],\"salary_min\":110000,\"salary_max\":"
    "130000,"
    "\"posted_date\":\"2025-11-01T09:00:00Z\",\"deadline_date\":\"2025-11-20T09:00:00Z\"}";

int main(void)
{
    jm_record *cand = jm_record_new(JM_KIND_NONE, NULL), *job = jm_record_new(JM_KIND_NONE, NULL);
    jm_record *app = jm_record_new(JM_KIND_NONE, NULL);
    jm_error err = {0};
    if (!cand || !job || !app)
        return 1;
    if (jm_parse_ndjson(candidate_json, strlen(candidate_json), cand, &err) ||
        jm_parse_ndjson(job_json, strlen(job_json), job, &err)) {
        fprintf(stderr, "score_pair: %s\n", err.text);
        return 1;
    }
    int rc = jm_make_application(cand, job, NULL, 0, 0, app);
    if (rc != 1) {
        fprintf(stderr, "score_pair: %s\n", rc == 0 ? "not joined" : jm_strerror(rc));
        return 1;
    }
    jm_buf out = {0};
    jm_write_ndjson(app, &out);
    fwrite(out.data, 1, out.len, stdout);
    printf("libjobmatch %s, score %lld\n", jm_version(),
           (long long)jm_record_integer(app, JM_FIELD_COMPATIBILITY_SCORE));
    jm_buf_free(&out);
    jm_record_free(app);
    jm_record_free(job);
    jm_record_free(cand);
    return 0;
}
