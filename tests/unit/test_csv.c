/* Checks CSV reading (SPEC "Records", CSV): RFC 4180 quoting, the three list-cell forms, header
 * aliases, CRLF, and the 300-row reference samples loading with no rejects and the right values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct loaded {
    jm_record *rec[400];
    unsigned long line[400];
    size_t n;
    char rejects[4096];
    size_t nrej;
} loaded;

static int take(void *ctx, jm_record **rec, const char *raw, size_t raw_len, unsigned long line)
{
    (void)raw;
    (void)raw_len;
    loaded *l = ctx;
    ck_assert_uint_lt(l->n, 400);
    l->line[l->n] = line;
    l->rec[l->n++] = *rec;
    *rec = NULL;
    return 0;
}

static int rej(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    loaded *l = ctx;
    size_t used = strlen(l->rejects);
    snprintf(l->rejects + used, sizeof l->rejects - used, "%s:%lu:%s|%.*s\n",
             jm_err_name(err->code), err->line, err->text, (int)raw_len, raw ? raw : "");
    l->nrej++;
    return 0;
}

static loaded *load_max(const char *text, size_t len, size_t chunk, size_t max)
{
    loaded *l = calloc(1, sizeof *l);
    jm_reader *r = jm_reader_new(JM_FORMAT_CSV, "t.csv", max, take, rej, l, NULL);
    ck_assert_ptr_nonnull(r);
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t at = 0; at < len; at += chunk)
        ck_assert_int_eq(jm_reader_feed(r, text + at, len - at < chunk ? len - at : chunk), 0);
    ck_assert_int_eq(jm_reader_finish(r), 0);
    jm_reader_free(r);
    return l;
}

static loaded *load(const char *text, size_t len, size_t chunk)
{
    return load_max(text, len, chunk, 0);
}

static loaded *load_str(const char *text)
{
    return load(text, strlen(text), 0);
}

static void unload(loaded *l)
{
    for (size_t i = 0; i < l->n; i++)
        jm_record_free(l->rec[i]);
    free(l);
}

static void list_is(const jm_record *r, jm_field f, const char *const *want, size_t n)
{
    ck_assert_msg(jm_record_has(r, f), "list %s absent", jm_field_name(f));
    ck_assert_uint_eq(jm_record_list_count(r, f), n);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(jm_record_list_item(r, f, i), want[i]);
}

/* RFC 4180: quoted fields hold commas, doubled quotes and newlines; line numbers are where a
 * record starts. */
START_TEST(quoted_fields)
{
    loaded *l = load_str("post_id,company,job_title\n"
                         "p1,\"Acme, Inc.\",\"The \"\"Best\"\" Job\"\n"
                         "p2,\"two\nlines\",x\n"
                         "p3,,\"\"\n");
    ck_assert_str_eq(l->rejects, "");
    ck_assert_uint_eq(l->n, 3);
    ck_assert_str_eq(jm_record_string(l->rec[0], JM_FIELD_COMPANY), "Acme, Inc.");
    ck_assert_str_eq(jm_record_string(l->rec[0], JM_FIELD_JOB_TITLE), "The \"Best\" Job");
    ck_assert_str_eq(jm_record_string(l->rec[1], JM_FIELD_COMPANY), "two\nlines");
    ck_assert_uint_eq(l->line[0], 2);
    ck_assert_uint_eq(l->line[1], 3);
    ck_assert_uint_eq(l->line[2], 5);
    /* An empty cell is an absent field. */
    ck_assert(!jm_record_has(l->rec[2], JM_FIELD_COMPANY));
    ck_assert(!jm_record_has(l->rec[2], JM_FIELD_JOB_TITLE));
    unload(l);
}
END_TEST

/* CRLF line endings, a CR inside a quoted field kept, a last row without a newline, a BOM. */
START_TEST(crlf_and_bom)
{
    const char *text = "\xEF\xBB\xBF"
                       "post_id,company\r\np1,\"a\r\nb\"\r\n\r\np2,c";
    for (size_t chunk = 0; chunk < 4; chunk++) {
        loaded *l = load(text, strlen(text), chunk);
        ck_assert_str_eq(l->rejects, "");
        ck_assert_uint_eq(l->n, 2);
        ck_assert_str_eq(jm_record_id(l->rec[0]), "p1");
        ck_assert_str_eq(jm_record_string(l->rec[0], JM_FIELD_COMPANY), "a\r\nb");
        ck_assert_str_eq(jm_record_id(l->rec[1]), "p2");
        ck_assert_str_eq(jm_record_string(l->rec[1], JM_FIELD_COMPANY), "c");
        ck_assert_uint_eq(l->line[1], 5);
        unload(l);
    }
}
END_TEST

/* SPEC "Records": list cells as JSON arrays, Python-style lists, or PostgreSQL {a,b}. */
START_TEST(list_cell_forms)
{
    loaded *l = load_str("candidate_id,skills\n"
                         "c1,\"[\"\"Python\"\", \"\"SQL, advanced\"\"]\"\n"
                         "c2,\"['Python', \"\"Moody's\"\", 'a\\\\b', 'it\\'s']\"\n"
                         "c3,\"{Python,\"\"SQL, advanced\"\",NULL, spaced }\"\n"
                         "c4,[]\n"
                         "c5,{}\n"
                         "c6,Python\n"
                         "c7,\"  [ 'x' ,'y' ]  \"\n");
    ck_assert_str_eq(l->rejects, "");
    ck_assert_uint_eq(l->n, 7);
    const char *a[] = {"Python", "SQL, advanced"};
    list_is(l->rec[0], JM_FIELD_SKILLS, a, 2);
    const char *b[] = {"Python", "Moody's", "a\\b", "it's"};
    list_is(l->rec[1], JM_FIELD_SKILLS, b, 4);
    const char *c[] = {"Python", "SQL, advanced", "spaced"};
    list_is(l->rec[2], JM_FIELD_SKILLS, c, 3);
    list_is(l->rec[3], JM_FIELD_SKILLS, NULL, 0);
    list_is(l->rec[4], JM_FIELD_SKILLS, NULL, 0);
    const char *f[] = {"Python"};
    list_is(l->rec[5], JM_FIELD_SKILLS, f, 1);
    const char *g[] = {"x", "y"};
    list_is(l->rec[6], JM_FIELD_SKILLS, g, 2);
    unload(l);
}
END_TEST

START_TEST(list_cell_direct)
{
    jm_record *r = jm_record_new(JM_KIND_CANDIDATE, NULL);
    ck_assert_int_eq(jm_parse_list_cell("['a', 'b']", 10, r, JM_FIELD_SKILLS), 0);
    ck_assert_uint_eq(jm_record_list_count(r, JM_FIELD_SKILLS), 2);
    /* Appends to what is there. */
    ck_assert_int_eq(jm_parse_list_cell("{c}", 3, r, JM_FIELD_SKILLS), 0);
    ck_assert_uint_eq(jm_record_list_count(r, JM_FIELD_SKILLS), 3);
    ck_assert_str_eq(jm_record_list_item(r, JM_FIELD_SKILLS, 2), "c");
    /* Empty text is an empty, present list. */
    ck_assert_int_eq(jm_parse_list_cell("", 0, r, JM_FIELD_CERTIFICATIONS), 0);
    ck_assert(jm_record_has(r, JM_FIELD_CERTIFICATIONS));
    ck_assert_uint_eq(jm_record_list_count(r, JM_FIELD_CERTIFICATIONS), 0);
    /* Malformed lists and non-strings are JM_EVALUE; a non-list field JM_EINVAL. */
    const char *bad[] = {"['a', 'b'", "['a' 'b']", "[1, 2]",  "[\"a\", 3]",
                         "{a,\"b}",   "{a",        "['a'] x", "[a]"};
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
        jm_record *t = jm_record_new(JM_KIND_CANDIDATE, NULL);
        ck_assert_msg(jm_parse_list_cell(bad[i], strlen(bad[i]), t, JM_FIELD_SKILLS) == JM_EVALUE,
                      "accepted %s", bad[i]);
        jm_record_free(t);
    }
    ck_assert_int_eq(jm_parse_list_cell("a", 1, r, JM_FIELD_FULL_NAME), JM_EINVAL);
    jm_record_free(r);
}
END_TEST

/* Header aliases (SPEC "Records" right column), "salary" setting both, "location" split at the
 * last comma, date_of_birth holding a year, a type column mixing kinds. */
START_TEST(header_aliases)
{
    loaded *l =
        load_str("post_id,category,skills_needed,salary,country,city,detailed_experience_level,"
                 "post_date,deadline\n"
                 "p1,Consulting,['a'],5000,Peru,Lima,Senior,2025-01-02 03:04:05,2025-02-01\n");
    ck_assert_str_eq(l->rejects, "");
    jm_record *j = l->rec[0];
    ck_assert_int_eq(jm_record_kind(j), JM_KIND_JOB_POST);
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_JOB_CATEGORY), "Consulting");
    ck_assert_uint_eq(jm_record_list_count(j, JM_FIELD_REQUIRED_SKILLS), 1);
    ck_assert_double_eq(jm_record_number(j, JM_FIELD_SALARY_MIN), 5000);
    ck_assert_double_eq(jm_record_number(j, JM_FIELD_SALARY_MAX), 5000);
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_LOCATION_COUNTRY), "Peru");
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_LOCATION_CITY), "Lima");
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_EXPERIENCE_LEVEL), "Senior");
    int64_t t;
    jm_time_parse("2025-01-02T03:04:05Z", 20, &t);
    ck_assert_int_eq(jm_record_integer(j, JM_FIELD_POSTED_DATE), t);
    jm_time_parse("2025-02-01T00:00:00Z", 20, &t);
    ck_assert_int_eq(jm_record_integer(j, JM_FIELD_DEADLINE_DATE), t);
    unload(l);

    l = load_str(
        "candidate_id,name,date_of_birth,location,seniority,experience_range,GPA,current_salary\n"
        "c1,Ann,1990,\"Washington, D.C., USA\",Junior,1-2 years,3.5,100\n"
        "c2,Bob,1991,Nowhere,,,,\n");
    ck_assert_str_eq(l->rejects, "");
    jm_record *c = l->rec[0];
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_FULL_NAME), "Ann");
    ck_assert_int_eq(jm_record_integer(c, JM_FIELD_BIRTH_YEAR), 1990);
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_LOCATION_CITY), "Washington, D.C.");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_LOCATION_COUNTRY), "USA");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_EXPERIENCE_LEVEL), "Junior");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_YEARS_EXPERIENCE), "1-2 years");
    ck_assert_double_eq(jm_record_number(c, JM_FIELD_GPA), 3.5);
    /* expected_salary absent -> current_salary. */
    ck_assert_double_eq(jm_record_number(c, JM_FIELD_EXPECTED_SALARY), 100);
    ck_assert_str_eq(jm_record_string(l->rec[1], JM_FIELD_LOCATION_CITY), "Nowhere");
    ck_assert(!jm_record_has(l->rec[1], JM_FIELD_LOCATION_COUNTRY));
    ck_assert(!jm_record_has(l->rec[1], JM_FIELD_EXPECTED_SALARY));
    unload(l);
}
END_TEST

START_TEST(type_column_and_bad_rows)
{
    loaded *l = load_str("type,post_id,candidate_id,company,full_name,extra\n"
                         "job_post,p1,,Acme,,ignored\n"
                         "candidate,,c1,,Ann,\n"
                         "recruiter,r1,,,,\n"                 /* 4: unknown type */
                         "job_post,p2,,too,many,cells,here\n" /* 5: field count */
                         "job_post,p3\n"                      /* 6: field count */
                         "candidate,,,,Nameless,\n"           /* 7: no id */
                         "job_post,p\"4,,,,\n"                /* 8: quote in unquoted field */
                         "job_post,\"p5\"x,,,,\n"             /* 9: text after quote */
                         "job_post,p\xff,,,,\n"               /* 10: invalid UTF-8 */
                         "job_post,p6,,\"Last\",,\n");
    ck_assert_uint_eq(l->n, 3);
    ck_assert_str_eq(jm_record_id(l->rec[0]), "p1");
    ck_assert_int_eq(jm_record_kind(l->rec[1]), JM_KIND_CANDIDATE);
    ck_assert_str_eq(jm_record_string(l->rec[1], JM_FIELD_FULL_NAME), "Ann");
    ck_assert(!jm_record_has(l->rec[1], JM_FIELD_POST_ID));
    ck_assert_str_eq(jm_record_string(l->rec[2], JM_FIELD_COMPANY), "Last");
    ck_assert_uint_eq(l->nrej, 7);
    const char *want[] = {"JM_EKIND:4:",   "JM_ESYNTAX:5:", "JM_ESYNTAX:6:", "JM_ENOID:7:",
                          "JM_ESYNTAX:8:", "JM_ESYNTAX:9:", "JM_EUTF8:10:"};
    const char *p = l->rejects;
    for (unsigned i = 0; i < 7; i++) {
        ck_assert_msg(strncmp(p, want[i], strlen(want[i])) == 0, "reject %u: %s", i, p);
        p = strchr(p, '\n') + 1;
    }
    unload(l);
    /* A header naming neither id nor type: every row is rejected, none is read. */
    l = load_str("company,job_title\nAcme,x\n");
    ck_assert_uint_eq(l->n, 0);
    ck_assert_uint_ge(l->nrej, 1);
    unload(l);
    /* Wrong value types in typed columns. */
    l = load_str("candidate_id,gpa,birth_year,skills\nc1,high,1990,\nc2,3,19.5,\nc3,3,1990,\"['a'"
                 "\"\nc4,3,1990,\n");
    ck_assert_uint_eq(l->n, 1);
    ck_assert_str_eq(jm_record_id(l->rec[0]), "c4");
    ck_assert_uint_eq(l->nrej, 3);
    unload(l);
    /* An unterminated quote at the end of input is one reject, from its starting line. */
    l = load_str("post_id,company\np1,a\np2,\"open\nstill open\n");
    ck_assert_uint_eq(l->n, 1);
    ck_assert_uint_eq(l->nrej, 1);
    ck_assert_msg(strncmp(l->rejects, "JM_ESYNTAX:3:", 13) == 0, "%s", l->rejects);
    unload(l);
}
END_TEST

/* A stray quote in an unquoted field rejects its row only; an unterminated quote runs on no
 * further than the record limit (SPEC "Bad input": no valid neighbour is lost). */
START_TEST(stray_quotes_lose_no_neighbour)
{
    const char *text = "post_id,company\np1,a\"b\np2,ok\"\np3,\"fine\"\np4,\"this quote is never "
                       "closed\np5,x\np6,y\n";
    for (size_t chunk = 0; chunk < 3; chunk++) {
        loaded *l = load_max(text, strlen(text), chunk, 20);
        ck_assert_uint_eq(l->n, 3);
        ck_assert_str_eq(jm_record_id(l->rec[0]), "p3");
        ck_assert_str_eq(jm_record_id(l->rec[1]), "p5");
        ck_assert_str_eq(jm_record_id(l->rec[2]), "p6");
        ck_assert_uint_eq(l->line[1], 6);
        ck_assert_uint_eq(l->nrej, 3);
        ck_assert_msg(strncmp(l->rejects, "JM_ESYNTAX:2:", 13) == 0, "%s", l->rejects);
        ck_assert_ptr_nonnull(strstr(l->rejects, "\nJM_ESYNTAX:3:"));
        ck_assert_ptr_nonnull(strstr(l->rejects, "\nJM_ETOOLONG:5:"));
        unload(l);
    }
}
END_TEST

static loaded *load_sample(const char *name, size_t chunk)
{
    size_t len;
    char *text = jm_test_read_file(jm_test_data(name), &len);
    loaded *l = load(text, len, chunk);
    free(text);
    return l;
}

/* The reference samples load unchanged: 300 rows, 0 rejects; values as Python's csv and
 * ast.literal_eval read them (checked by hand when this test was written). */
START_TEST(jobs_sample)
{
    loaded *l = load_sample("jobs-sample.csv", 777);
    ck_assert_str_eq(l->rejects, "");
    ck_assert_uint_eq(l->n, 300);
    jm_record *j = l->rec[0];
    ck_assert_int_eq(jm_record_kind(j), JM_KIND_JOB_POST);
    ck_assert_str_eq(jm_record_id(j), "20fb0ddc-55b3-4bd4-a277-53979738c1fb");
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_JOB_CATEGORY), "DevOps / Infrastructure / Cloud");
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_APPLICATION_METHOD),
                     "Company Career Website (Applicant fills form and uploads resume)");
    ck_assert_uint_eq(jm_record_list_count(j, JM_FIELD_REQUIRED_SKILLS), 20);
    ck_assert_str_eq(jm_record_list_item(j, JM_FIELD_REQUIRED_SKILLS, 0),
                     "Virtualization (VMware, Hyper-V)");
    ck_assert_str_eq(jm_record_list_item(j, JM_FIELD_REQUIRED_SKILLS, 19),
                     "Monitoring & Alerting (Prometheus, Grafana)");
    const char *certs[] = {"Certified OpenShift Administrator", "CompTIA Security+"};
    list_is(j, JM_FIELD_CERTIFICATIONS, certs, 2);
    ck_assert_double_eq(jm_record_number(j, JM_FIELD_SALARY_MAX), 95356);
    ck_assert_double_eq(jm_record_number(j, JM_FIELD_SALARY_MIN), 95356);
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_LOCATION_CITY), "Philadelphia");
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_LOCATION_COUNTRY), "USA");
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_EXPERIENCE_LEVEL), "Engineer");
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_YEARS_EXPERIENCE), "4-6 years"); /* no CR */
    int64_t t;
    jm_time_parse("2025-11-16T16:33:10Z", 20, &t);
    ck_assert_int_eq(jm_record_integer(j, JM_FIELD_POSTED_DATE), t);
    j = l->rec[149];
    ck_assert_str_eq(jm_record_id(j), "b772f82d-1510-408a-83d6-bd2314dfc8a0");
    ck_assert_uint_eq(jm_record_list_count(j, JM_FIELD_REQUIRED_SKILLS), 18);
    ck_assert_str_eq(jm_record_list_item(j, JM_FIELD_REQUIRED_SKILLS, 17), "Device Integration");
    jm_time_parse("2026-10-13T14:55:29Z", 20, &t);
    ck_assert_int_eq(jm_record_integer(j, JM_FIELD_POSTED_DATE), t);
    ck_assert_str_eq(jm_record_list_item(l->rec[154], JM_FIELD_CERTIFICATIONS, 0),
                     "Accredited Buyer's Representative (ABR)");
    j = l->rec[299];
    ck_assert_str_eq(jm_record_id(j), "cbebb1e6-4879-477b-bfef-754bbc5ffda2");
    ck_assert_uint_eq(jm_record_list_count(j, JM_FIELD_REQUIRED_SKILLS), 15);
    ck_assert_str_eq(jm_record_list_item(j, JM_FIELD_REQUIRED_SKILLS, 14), "Prototyping Tools");
    ck_assert_double_eq(jm_record_number(j, JM_FIELD_SALARY_MAX), 50612);
    ck_assert_str_eq(jm_record_string(j, JM_FIELD_YEARS_EXPERIENCE), "1-2 years");
    ck_assert_uint_eq(l->line[299], 301);
    unload(l);
}
END_TEST

START_TEST(candidates_sample)
{
    loaded *l = load_sample("candidates-sample.csv", 1000);
    ck_assert_str_eq(l->rejects, "");
    ck_assert_uint_eq(l->n, 300);
    jm_record *c = l->rec[0];
    ck_assert_int_eq(jm_record_kind(c), JM_KIND_CANDIDATE);
    ck_assert_str_eq(jm_record_id(c), "87bb4c8e-9e54-4b37-afa5-3e54b8be078b");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_FULL_NAME), "Mariam");
    ck_assert_int_eq(jm_record_integer(c, JM_FIELD_BIRTH_YEAR), 1995);
    ck_assert_int_eq(jm_record_integer(c, JM_FIELD_GRADUATION_YEAR), 2017);
    ck_assert_double_eq(jm_record_number(c, JM_FIELD_GPA), 2.3);
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_LOCATION_CITY), "Los Angeles");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_LOCATION_COUNTRY), "USA");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_EXPERIENCE_LEVEL), "Engineer");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_YEARS_EXPERIENCE), "5-8 years");
    ck_assert_uint_eq(jm_record_list_count(c, JM_FIELD_SKILLS), 18);
    ck_assert_str_eq(jm_record_list_item(c, JM_FIELD_SKILLS, 17), "Advanced Excel");
    const char *prev[] = {"Trend Micro", "Cloudera", "ZipRecruiter", "Rivian", "Citadel LLC"};
    list_is(c, JM_FIELD_PREVIOUS_COMPANIES, prev, 5);
    ck_assert_double_eq(jm_record_number(c, JM_FIELD_CURRENT_SALARY), 127680);
    ck_assert_double_eq(jm_record_number(c, JM_FIELD_EXPECTED_SALARY), 127680);
    /* Values are kept as written: a trailing space stays. */
    ck_assert_str_eq(jm_record_string(l->rec[1], JM_FIELD_EDUCATION_LEVEL), "High School Diploma ");
    /* An empty cell is absent. */
    ck_assert(!jm_record_has(l->rec[44], JM_FIELD_CURRENT_COMPANY));
    ck_assert_str_eq(jm_record_string(l->rec[44], JM_FIELD_EDUCATION_LEVEL),
                     "Master\xe2\x80\x99s Degree");
    /* Python lists with a double-quoted item ("Moody's"). */
    c = l->rec[111];
    ck_assert_str_eq(jm_record_id(c), "db01b039-6504-4600-81a2-f56954b56422");
    const char *prev111[] = {"Twilio", "Epic Games", "Moody's", "PayPal", "Spotify"};
    list_is(c, JM_FIELD_PREVIOUS_COMPANIES, prev111, 5);
    c = l->rec[149];
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_LOCATION_CITY), "Dar es Salaam");
    ck_assert_str_eq(jm_record_string(c, JM_FIELD_LOCATION_COUNTRY), "Tanzania");
    ck_assert_uint_eq(jm_record_list_count(c, JM_FIELD_SKILLS), 18);
    ck_assert_str_eq(jm_record_list_item(c, JM_FIELD_SKILLS, 17), "Algorithm Development");
    c = l->rec[299];
    ck_assert_str_eq(jm_record_id(c), "c0abe518-672c-40bd-a336-77385357952f");
    ck_assert_uint_eq(jm_record_list_count(c, JM_FIELD_SKILLS), 13);
    ck_assert_str_eq(jm_record_list_item(c, JM_FIELD_SKILLS, 12), "Risk Assessment");
    ck_assert_double_eq(jm_record_number(c, JM_FIELD_CURRENT_SALARY), 87101);
    unload(l);
}
END_TEST

/* The same records whatever the chunking: 1-byte feeds of a whole sample. */
START_TEST(sample_one_byte_chunks)
{
    loaded *a = load_sample("candidates-sample.csv", 0),
           *b = load_sample("candidates-sample.csv", 1);
    ck_assert_str_eq(b->rejects, "");
    ck_assert_uint_eq(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        jm_buf x = {0}, y = {0};
        ck_assert_int_eq(jm_write_ndjson(a->rec[i], &x), 0);
        ck_assert_int_eq(jm_write_ndjson(b->rec[i], &y), 0);
        ck_assert_uint_eq(x.len, y.len);
        ck_assert(memcmp(x.data, y.data, x.len) == 0);
        ck_assert_uint_eq(a->line[i], b->line[i]);
        jm_buf_free(&x);
        jm_buf_free(&y);
    }
    unload(a);
    unload(b);
}
END_TEST

/* Numbers are decimal only, as in NDJSON: no hex, no inf or nan, no '+'; and finite. */
START_TEST(numbers_decimal_only)
{
    loaded *l = load_str("post_id,salary_min,salary_max\n"
                         "p1,0x10,\n"
                         "p2,inf,\n"
                         "p3,nan,\n"
                         "p4,+5,\n"
                         "p5,1e400,\n"
                         "p6,0x1p4,\n"
                         "p7,1.,\n"
                         "p8,-12.5e3, 7 \n");
    ck_assert_uint_eq(l->n, 2);
    ck_assert_str_eq(jm_record_id(l->rec[0]), "p7");
    ck_assert(jm_record_number(l->rec[0], JM_FIELD_SALARY_MIN) == 1.0);
    ck_assert(jm_record_number(l->rec[1], JM_FIELD_SALARY_MIN) == -12500.0);
    ck_assert(jm_record_number(l->rec[1], JM_FIELD_SALARY_MAX) == 7.0);
    ck_assert_uint_eq(l->nrej, 6);
    ck_assert_ptr_nonnull(strstr(l->rejects, "JM_EVALUE:2:not a number in column \"salary_min\""));
    unload(l);
    /* Integer columns follow the same rule. */
    l = load_str("candidate_id,birth_year\nc1,0x7C6\nc2,1990\n");
    ck_assert_uint_eq(l->n, 1);
    ck_assert_int_eq(jm_record_integer(l->rec[0], JM_FIELD_BIRTH_YEAR), 1990);
    unload(l);
}
END_TEST

/* A NUL byte in a row, or \u0000 in a JSON list cell, is refused: it would cut a string short. */
START_TEST(nul_rejected)
{
    const char text[] = "post_id,company,required_skills\n"
                        "a\0b,x,\n"
                        "p2,\"[\"\"go\\u0000lang\"\"]\",\n"
                        "p3,y,\"[\"\"go\\u0000lang\"\"]\"\n"
                        "p4,z,\n";
    loaded *l = load(text, sizeof text - 1, 0);
    ck_assert_uint_eq(l->n, 2);
    ck_assert_str_eq(jm_record_id(l->rec[0]), "p2");
    ck_assert_str_eq(jm_record_string(l->rec[0], JM_FIELD_COMPANY), "[\"go\\u0000lang\"]");
    ck_assert_str_eq(jm_record_id(l->rec[1]), "p4");
    ck_assert_uint_eq(l->nrej, 2);
    ck_assert_ptr_nonnull(strstr(l->rejects, "JM_EVALUE:2:a NUL byte"));
    ck_assert_ptr_nonnull(strstr(l->rejects, "JM_EVALUE:4:a NUL (\\u0000) in column"));
    unload(l);
}
END_TEST

/* Impossible dates are refused by the one time parser, here through CSV. */
START_TEST(impossible_dates_rejected)
{
    loaded *l = load_str("post_id,deadline\np1,2025-02-31 00:00:00\np2,2025-02-28 00:00:00\n"
                         "p3,9999-12-31T23:59:59-01:00\n");
    ck_assert_uint_eq(l->n, 1);
    ck_assert_str_eq(jm_record_id(l->rec[0]), "p2");
    ck_assert_uint_eq(l->nrej, 2);
    unload(l);
}
END_TEST

/* CR-only line endings (old Mac software) are line endings: every row is read, in any chunking;
 * a CR inside quotes stays data, and CRLF and LF lines may be mixed in. */
START_TEST(cr_only_line_endings)
{
    const char *text = "post_id,company\rp1,a\rp2,\"two\rlines\"\r\rp3,c\r\np4,d\np5,e";
    for (size_t chunk = 0; chunk < 5; chunk++) {
        loaded *l = load(text, strlen(text), chunk);
        ck_assert_str_eq(l->rejects, "");
        ck_assert_uint_eq(l->n, 5);
        ck_assert_str_eq(jm_record_id(l->rec[0]), "p1");
        ck_assert_str_eq(jm_record_string(l->rec[1], JM_FIELD_COMPANY), "two\rlines");
        ck_assert_str_eq(jm_record_id(l->rec[2]), "p3");
        ck_assert_str_eq(jm_record_id(l->rec[3]), "p4");
        ck_assert_str_eq(jm_record_string(l->rec[4], JM_FIELD_COMPANY), "e");
        ck_assert_uint_eq(l->line[0], 2);
        ck_assert_uint_eq(l->line[2], 6);
        ck_assert_uint_eq(l->line[4], 8);
        unload(l);
    }
}
END_TEST

/* One unbalanced quote costs one record, not the rows after it (docs/FORMAT.md): the record
 * ends before the first line that is a well-formed row of its own, with the default 1 MiB
 * limit far away. The dead letter is the bad line unchanged; a row with quotes of its own is
 * recovered too, and a genuine multi-line field is still read whole. */
START_TEST(unbalanced_quote_recovers_at_next_row)
{
    jm_buf b = {0};
    const char *head = "post_id,company,job_title\r\n"
                       "p0,\"ok\nstill ok\",x\r\n"
                       "p1,\"never closed,x\r\n"
                       "not a row\r\n";
    jm_buf_reserve(&b, 1 << 16);
    memcpy(b.data, head, strlen(head));
    b.len = strlen(head);
    for (int i = 2; i < 1000; i++)
        b.len +=
            (size_t)sprintf(b.data + b.len, i == 2 ? "p%d,\"Acme, Inc.\",y\r\n" : "p%d,c,y\r\n", i);
    for (size_t chunk = 0; chunk < 8; chunk += 7) {
        loaded *l = calloc(1, sizeof *l);
        jm_reader *r = jm_reader_new(JM_FORMAT_CSV, "t.csv", 0, NULL, rej, l, NULL);
        size_t step = chunk ? chunk : b.len;
        for (size_t at = 0; at < b.len; at += step)
            ck_assert_int_eq(jm_reader_feed(r, b.data + at, b.len - at < step ? b.len - at : step),
                             0);
        ck_assert_int_eq(jm_reader_finish(r), 0);
        ck_assert_uint_eq(jm_reader_records(r), 999);
        ck_assert_uint_eq(l->nrej, 1);
        ck_assert_str_eq(l->rejects, "JM_ESYNTAX:4:a quoted field is not closed before line 6, a "
                                     "row of its own, read as one|p1,\"never closed,x\r\nnot a "
                                     "row\n");
        jm_reader_free(r);
        free(l);
    }
    /* The row after the open quote holds quotes itself. */
    loaded *l = load_str("post_id,company\np1,\"open\np2,\"Acme, Inc.\"\np3,c\n");
    ck_assert_uint_eq(l->n, 2);
    ck_assert_str_eq(jm_record_string(l->rec[0], JM_FIELD_COMPANY), "Acme, Inc.");
    ck_assert_uint_eq(l->line[0], 3);
    ck_assert_uint_eq(l->nrej, 1);
    unload(l);
    /* At the end of input too. */
    l = load_str("post_id,company\np1,\"open\np2,c");
    ck_assert_uint_eq(l->n, 1);
    ck_assert_str_eq(jm_record_id(l->rec[0]), "p2");
    ck_assert_uint_eq(l->nrej, 1);
    unload(l);
    jm_buf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, quoted_fields);
    tcase_add_test(tc, crlf_and_bom);
    tcase_add_test(tc, list_cell_forms);
    tcase_add_test(tc, list_cell_direct);
    tcase_add_test(tc, header_aliases);
    tcase_add_test(tc, type_column_and_bad_rows);
    tcase_add_test(tc, stray_quotes_lose_no_neighbour);
    tcase_add_test(tc, jobs_sample);
    tcase_add_test(tc, candidates_sample);
    tcase_add_test(tc, sample_one_byte_chunks);
    tcase_add_test(tc, numbers_decimal_only);
    tcase_add_test(tc, nul_rejected);
    tcase_add_test(tc, impossible_dates_rejected);
    tcase_add_test(tc, cr_only_line_endings);
    tcase_add_test(tc, unbalanced_quote_recovers_at_next_row);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
